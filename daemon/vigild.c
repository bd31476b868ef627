/*
 * vigild.c - the Vigil scanning daemon: supervisor, or one of its workers
 *
 * SYNOPSIS
 *	vigild [-f] [-c FILE]
 *	vigild [-c FILE] -x worker -I SLOT [-U USER -J JOBS -T MS -C 0|1]
 *						(started by vigild itself)
 * DESCRIPTION
 *	Without -x, vigild becomes the supervisor (daemon/supervisor.h):
 *	-f keeps it in the foreground and logs to stderr; -c names the
 *	configuration (default /etc/vigil/vigil.cfg; the defaults when that
 *	file does not exist).  With -x worker, it is a scan worker that the
 *	supervisor forked and executed (STYLE.md convention 22): its
 *	supervisor socket is descriptor 3, every other descriptor above
 *	stdio is closed, and workers/worker.h does the rest.  The supervisor
 *	gives it its settings: -U the [daemon] user, -J max_jobs_per_worker,
 *	-T scan_timeout in milliseconds, -C scan_cache; with -U the worker
 *	does not read the file at all (-c then only names the daemon in
 *	ps), so that a file edited or broken since the supervisor read it
 *	cannot reach a worker.  See vigild(8).
 * DIAGNOSTICS
 *	Exit status: 0 after a shutdown; EX_USAGE for bad arguments;
 *	EX_CONFIG for a bad configuration or database; a worker exits with
 *	the status of worker_main().
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bsd/stdlib.h>

#include "av/exitcodes.h"
#include "conf/conf.h"
#include "daemon/supervisor.h"
#include "util/log.h"
#include "workers/sandbox.h"
#include "workers/worker.h"

#define VIGILD_CONFIG	"/etc/vigil/vigil.cfg"

/* a worker's settings from the supervisor (-U, -J, -T, -C) */
struct vigild_wopts {
	const char	*user;		/* NULL: read the file */
	uint32_t	 maxjobs;
	uint64_t	 timeout;	/* ms */
	int		 cache;		/* -C: scan_cache */
};

static void	 usage(void) __attribute__((noreturn));
static int	 vigild_worker(const char *, uint32_t,
		    const struct vigild_wopts *);

/* usage - the synopsis, then exit */
static void
usage(void)
{
	fprintf(stderr, "usage: vigild [-f] [-c file]\n");
	exit(EX_USAGE);
}

/* main - parse the options, become the supervisor or a worker */
int
main(int argc, char *argv[])
{
	const char	*cfg = NULL, *role = NULL, *errstr;
	char		 abscfg[PATH_MAX];
	struct vigild_wopts wo = { NULL, 0, 0, 1 };
	uint32_t	 slot = 0;
	int		 ch, fg = 0;

	while ((ch = getopt(argc, argv, "c:fx:I:U:J:T:C:")) != -1) {
		switch (ch) {
		case 'c':
			cfg = optarg;
			break;
		case 'f':
			fg = 1;
			break;
		case 'x':
			role = optarg;
			break;
		case 'I':
			slot = (uint32_t)strtonum(optarg, 0, 1000000, &errstr);
			if (errstr != NULL)
				usage();
			break;
		case 'U':
			wo.user = optarg;
			break;
		case 'J':
			wo.maxjobs = (uint32_t)strtonum(optarg, 0, 1000000000,
			    &errstr);
			if (errstr != NULL)
				usage();
			break;
		case 'C':
			wo.cache = (int)strtonum(optarg, 0, 1, &errstr);
			if (errstr != NULL)
				usage();
			break;
		case 'T':
			wo.timeout = (uint64_t)strtonum(optarg, 1,
			    LLONG_MAX / 2, &errstr);
			if (errstr != NULL)
				usage();
			break;
		default:
			usage();
		}
	}
	if (optind != argc)
		usage();
	if (role != NULL) {
		if (strcmp(role, "worker") != 0)
			usage();
		return vigild_worker(cfg, slot, &wo);
	}
	if (cfg == NULL && access(VIGILD_CONFIG, F_OK) == 0)
		cfg = VIGILD_CONFIG;
	if (cfg != NULL) {
		/* workers are started with it from / */
		if (realpath(cfg, abscfg) == NULL) {
			fprintf(stderr, "vigild: %s: %s\n", cfg,
			    strerror(errno));
			return EX_CONFIG;
		}
		cfg = abscfg;
	}
	return supervisor_main(cfg, fg);
}

/*
 * vigild_worker - a scan worker: the supervisor socket is descriptor 3;
 * returns the exit status of worker_main()
 */
static int
vigild_worker(const char *cfg, uint32_t slot, const struct vigild_wopts *o)
{
	struct sandbox_opts	 so;
	struct worker_opts	 wo;
	struct conf_view	 v;
	struct conf		*c;
	struct stat		 sb;
	uint64_t		 t;
	int			 st;

	closefrom(4);
	if (fstat(3, &sb) == -1 || !S_ISSOCK(sb.st_mode))
		return EX_USAGE;
	/* no log: the sandbox has no syslog (convention 34) */
	if ((c = conf_new()) == NULL)
		return AV_EX_NOMEM;
	if (o->user == NULL && cfg != NULL &&
	    conf_load_file(c, cfg, NULL, 0) == -1) {
		conf_free(c);
		return EX_CONFIG;
	}
	conf_view(c, &v, CONF_SEC_DAEMON, NULL, NULL);

	memset(&so, 0, sizeof(so));
	so.root = SANDBOX_ROOT;
	so.user = o->user != NULL ? o->user : conf_get_str(&v, CONF_K_USER);
	if (geteuid() != 0)
		so.flags = SANDBOX_UNPRIV;
	memset(&wo, 0, sizeof(wo));
	wo.sock = 3;
	wo.slot = slot;
	wo.sandbox = &so;
	wo.max_jobs = o->user != NULL ? o->maxjobs :
	    (uint32_t)conf_get_int(&v, CONF_K_MAX_JOBS_PER_WORKER);
	/* the alarm backstop, a little behind the supervisor's deadline */
	t = o->user != NULL && o->timeout != 0 ? o->timeout :
	    conf_get_duration(&v, CONF_K_SCAN_TIMEOUT);
	wo.backstop = (uint32_t)(t / 1000 + 5);
	wo.cache = o->user != NULL ? o->cache :
	    conf_get_bool(&v, CONF_K_SCAN_CACHE);

	/*
	 * worker_main() receives and maps the modules, then enters the
	 * sandbox (chroot SANDBOX_ROOT, [daemon] user, rlimits, seccomp)
	 * before MSG_READY: from then on it only reads jobs from descriptor
	 * 3, maps the descriptors they carry, scans and answers.
	 */
	st = worker_main(&wo);
	conf_free(c);
	return st;
}
