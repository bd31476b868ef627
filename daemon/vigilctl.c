/*
 * vigilctl.c - vigilctl: ask a running vigild how it is, or what to do
 *
 * NAME
 *	vigilctl - control the Vigil scanning daemon
 * SYNOPSIS
 *	vigilctl [-s SOCKET] [-c FILE] ping|version|status|stats|reload|
 *	    shutdown
 *	vigilctl [-s SOCKET] [-c FILE] scan [-aSv] [-d DEPTH] [-n NAME]
 *	    [-r RCPT] [-u USER] FILE	(a diagnostic)
 * DESCRIPTION
 *	Speaks vigild's native protocol (daemon/PROTOCOL.md) through
 *	clients/vclient.h on the socket named by -s, or else by the [daemon]
 *	socket key of the configuration (-c, default /etc/vigil/vigil.cfg
 *	when it exists, otherwise the built-in default).  "scan" sends one
 *	file as a descriptor (or, with -S, as a stream) and prints its
 *	verdict tree; it exists to test the daemon, not to scan with.
 *	See vigilctl.8.
 * DIAGNOSTICS
 *	Exit status: 0 the daemon did it; 1 the daemon answered with an
 *	error (refused, reload failed); 2 the daemon could not be asked
 *	(usage, configuration, no connection, no or a broken reply).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <bsd/stdlib.h>

#include "av/verdict.h"
#include "clients/vclient.h"
#include "conf/conf.h"
#include "daemon/native.h"
#include "util/msg.h"

#define VIGILCTL_CONFIG		"/etc/vigil/vigil.cfg"
#define VIGILCTL_TIMEOUT	30000	/* ms per send and per reply */

#define EXIT_OK		0
#define EXIT_NO		1		/* the daemon said no */
#define EXIT_UNREACH	2		/* could not ask it */

static void	 usage(void) __attribute__((noreturn));
static const char *vis(const char *);
static int	 ctl_fail(struct vclient *, const char *, int);
static int	 ctl_simple(struct vclient *, uint32_t);
static void	 ctl_print(uint32_t, struct msg *);
static int	 ctl_scan(struct vclient *, int, char **);
static void	 ctl_tree(const struct verdict *, int);

static const char *const cmds[] = {
	"ping", "version", "status", "stats", "reload", "shutdown"
};

/* usage - the synopsis, then exit */
static void
usage(void)
{
	fprintf(stderr, "usage: vigilctl [-s socket] [-c file] "
	    "ping|version|status|stats|reload|shutdown\n");
	exit(EXIT_UNREACH);
}

/* vis - a string from the daemon, control bytes as '?' (static buffer) */
static const char *
vis(const char *s)
{
	static char	 b[8192];
	size_t		 i;

	for (i = 0; s[i] != '\0' && i < sizeof(b) - 1; i++)
		b[i] = (unsigned char)s[i] < 0x20 || s[i] == 0x7f ? '?' : s[i];
	b[i] = '\0';
	return b;
}

/* ctl_fail - report a vclient result r != 0; the exit status */
static int
ctl_fail(struct vclient *vc, const char *what, int r)
{
	if (r == 1) {
		fprintf(stderr, "vigilctl: %s: %s (%s)\n", what, vis(vc->text),
		    native_strerror(vc->code));
		return EXIT_NO;
	}
	fprintf(stderr, "vigilctl: %s: %s\n", what, vc->text);
	return EXIT_UNREACH;
}

/* main - parse the options, ask the daemon */
int
main(int argc, char *argv[])
{
	struct vclient	 vc;
	struct conf_view v;
	struct conf	*c = NULL;
	const char	*cfg = NULL, *sock = NULL;
	char		 err[1024];
	size_t		 i;
	int		 ch, r, scan = 0;
	uint32_t	 type = 0;

	while ((ch = getopt(argc, argv, "+c:s:")) != -1) {
		switch (ch) {
		case 'c':
			cfg = optarg;
			break;
		case 's':
			sock = optarg;
			break;
		default:
			usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (argc < 1)
		usage();
	if (strcmp(argv[0], "scan") == 0)
		scan = 1;
	else {
		for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
			if (strcmp(argv[0], cmds[i]) == 0)
				type = NATIVE_PING + (uint32_t)i;
		if (type == 0 || argc != 1)
			usage();
	}
	if (sock == NULL) {
		if (cfg == NULL && access(VIGILCTL_CONFIG, F_OK) == 0)
			cfg = VIGILCTL_CONFIG;
		if ((c = conf_new()) == NULL) {
			fprintf(stderr, "vigilctl: out of memory\n");
			return EXIT_UNREACH;
		}
		if (cfg != NULL &&
		    conf_load_file(c, cfg, err, sizeof(err)) == -1) {
			fprintf(stderr, "vigilctl: %s\n", err);
			return EXIT_UNREACH;
		}
		conf_view(c, &v, CONF_SEC_DAEMON, NULL, NULL);
		sock = conf_get_str(&v, CONF_K_SOCKET);
		if (sock[0] == '\0') {
			fprintf(stderr, "vigilctl: %s: [daemon] socket is "
			    "empty\n", cfg != NULL ? cfg : "defaults");
			return EXIT_UNREACH;
		}
	}
	if (vclient_open(&vc, sock, VIGILCTL_TIMEOUT) == -1) {
		fprintf(stderr, "vigilctl: cannot reach vigild: %s\n", vc.text);
		conf_free(c);
		return EXIT_UNREACH;
	}
	r = scan ? ctl_scan(&vc, argc, argv) : ctl_simple(&vc, type);
	vclient_close(&vc);
	conf_free(c);
	return r;
}

/* ctl_simple - one request without fields, its reply printed */
static int
ctl_simple(struct vclient *vc, uint32_t type)
{
	struct msg	*m;
	int		 r;

	if ((r = vclient_request(vc, type, &m)) != 0)
		return ctl_fail(vc, cmds[type - NATIVE_PING], r);
	ctl_print(type, m);
	msg_free(m);
	return EXIT_OK;
}

/* ctl_print - a reply, for people; a malformed one is said so */
static void
ctl_print(uint32_t type, struct msg *m)
{
	struct native_info	 in;
	const char		*s;
	char			 when[64];
	uint64_t		 a, b;
	uint32_t		 res;
	int64_t			 t;
	time_t			 tt;
	struct tm		 tm;
	uint32_t		 i;

	switch (type) {
	case NATIVE_PING:
	case NATIVE_SHUTDOWN:
		if (m->hdr.type != NATIVE_R_OK || msg_get_str(m, &s) == -1 ||
		    msg_end(m) == -1)
			goto bad;
		printf("%s\n", vis(s));
		return;
	case NATIVE_VERSION:
		if (native_get_version(m, &s, &a, &t) == -1)
			goto bad;
		tt = (time_t)t;
		when[0] = '\0';
		if (gmtime_r(&tt, &tm) != NULL)
			strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S UTC",
			    &tm);
		printf("vigild %s, generation %llu (built %s)\n", vis(s),
		    (unsigned long long)a, when);
		return;
	case NATIVE_STATUS:
		if (m->hdr.type != NATIVE_R_STATUS ||
		    native_get_info(m, &in) == -1)
			goto bad;
		printf("generation: %llu\n", (unsigned long long)in.serial);
		printf("signatures: %llu\n", (unsigned long long)in.nsigs);
		printf("workers: %u (starting %u, idle %u, busy %u, "
		    "draining %u; num_workers %u)\n",
		    in.workers[NATIVE_W_STARTING] + in.workers[NATIVE_W_IDLE] +
		    in.workers[NATIVE_W_BUSY] + in.workers[NATIVE_W_DRAINING],
		    in.workers[NATIVE_W_STARTING], in.workers[NATIVE_W_IDLE],
		    in.workers[NATIVE_W_BUSY], in.workers[NATIVE_W_DRAINING],
		    in.nworkers);
		printf("jobs: %llu\n", (unsigned long long)in.jobs);
		printf("infected: %llu\n", (unsigned long long)in.infected);
		printf("crashes: %llu\n", (unsigned long long)in.crashes);
		printf("timeouts: %llu\n", (unsigned long long)in.timeouts);
		printf("clients: %u\n", in.clients);
		printf("queued: %u\n", in.queued);
		printf("uptime: %llus\n", (unsigned long long)in.uptime);
		return;
	case NATIVE_STATS:
		if (m->hdr.type != NATIVE_R_STATS ||
		    native_get_info(m, &in) == -1)
			goto bad;
		printf("clients: %u\n", in.clients);
		printf("queued: %u\n", in.queued);
		printf("jobs: %llu\n", (unsigned long long)in.jobs);
		printf("infected: %llu\n", (unsigned long long)in.infected);
		printf("signature bytes: %llu\n",
		    (unsigned long long)in.sigbytes);
		for (i = 0; i < in.ntasks; i++) {
			printf("task: %s %llu.%03llus ", vis(in.tasks[i].cmd),
			    (unsigned long long)in.tasks[i].ms / 1000,
			    (unsigned long long)in.tasks[i].ms % 1000);
			printf("%s\n", vis(in.tasks[i].path));
		}
		return;
	case NATIVE_RELOAD:
		if (native_get_reload(m, &res, &b, &a) == -1)
			goto bad;
		if (res == NATIVE_RELOAD_SWITCHED)
			printf("reloaded: generation %llu -> %llu\n",
			    (unsigned long long)b, (unsigned long long)a);
		else
			printf("unchanged: generation %llu\n",
			    (unsigned long long)a);
		return;
	}
bad:
	fprintf(stderr, "vigilctl: a malformed reply (type %#x)\n",
	    m->hdr.type);
	exit(EXIT_UNREACH);
}

/*
 * ctl_scan - "scan [-aSv] [-d depth] [-n name] [-r rcpt] [-u user] FILE":
 * one file through the native protocol, its verdict tree printed
 */
static int
ctl_scan(struct vclient *vc, int argc, char **argv)
{
	struct native_req	 rq;
	struct verdict		 v;
	const char		*errstr;
	int			 ch, fd, r, stream = 0, verbose = 0;

	memset(&rq, 0, sizeof(rq));
	rq.agent = "vigilctl";
	optind = 1;
	while ((ch = getopt(argc, argv, "ad:n:r:Su:v")) != -1) {
		switch (ch) {
		case 'a':
			rq.flags |= NATIVE_F_ALLMATCH;
			break;
		case 'd':
			rq.lim.max_depth = (uint32_t)strtonum(optarg, 1,
			    UINT32_MAX, &errstr);
			if (errstr != NULL)
				usage();
			break;
		case 'n':
			rq.name = optarg;
			break;
		case 'r':
			rq.rcpt = optarg;
			break;
		case 'S':
			stream = 1;
			break;
		case 'u':
			rq.user = optarg;
			break;
		case 'v':
			verbose = 1;
			break;
		default:
			usage();
		}
	}
	if (optind != argc - 1)
		usage();
	if (rq.name == NULL)
		rq.name = argv[optind];
	if ((fd = open(argv[optind], O_RDONLY | O_CLOEXEC)) == -1) {
		fprintf(stderr, "vigilctl: %s: %s\n", argv[optind],
		    strerror(errno));
		return EXIT_UNREACH;
	}
	verdict_init(&v);
	r = stream ? vclient_scan_stream(vc, fd, &rq, &v) :
	    vclient_scan_fd(vc, fd, &rq, &v);
	close(fd);
	if (r != 0) {
		verdict_free(&v);
		return ctl_fail(vc, "scan", r);
	}
	ctl_tree(&v, verbose);
	verdict_free(&v);
	return EXIT_OK;
}

/* ctl_tree - a line per detection and reason; clean objects too with -v */
static void
ctl_tree(const struct verdict *v, int verbose)
{
	const struct av_object	*o;
	uint32_t		 i, k, h;

	for (i = 0; i < v->nobj; i++) {
		o = &v->obj[i];
		for (k = 0; (h = verdict_hit(v, i, k)) != UINT32_MAX; k++) {
			printf("%s: ", vis(verdict_path(v, i)));
			printf("%s FOUND\n", vis(verdict_name(v, h)));
		}
		if (o->status == AV_NOTSCANNED) {
			printf("%s: ", vis(verdict_path(v, i)));
			printf("Not scanned (%s)\n", vis(verdict_reason(v, i)));
		} else if (i == 0 && v->status == AV_CLEAN)
			printf("%s: OK\n", vis(verdict_path(v, i)));
		else if (o->status == AV_CLEAN && verbose)
			printf("%s: clean\n", vis(verdict_path(v, i)));
	}
}
