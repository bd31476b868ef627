/*
 * vigil_mda.c - vigil-mda: scan a message, then hand it to the real MDA
 *
 * NAME
 *	vigil-mda - virus-scanning wrapper in front of a delivery agent
 * SYNOPSIS
 *	vigil-mda [MDA-ARGUMENT ...] [-- [-c FILE] [-u NAME] [-r ADDR]
 *	    [-f ADDR] [-m PATH] [-q | -Q]]
 * DESCRIPTION
 *	Reads the whole message from stdin into a memory file, asks vigild
 *	for its verdict through the mail library (clients/mail.h) with the
 *	policy of [mda] and the recipient's sections, and then, when the
 *	message is to be delivered, execs mda_path with the MTA's arguments
 *	(everything before the last "--") and the message, rewritten or
 *	not, as a seekable stdin.  The environment, the working directory,
 *	the umask and the ids are left as they were, so that the real MDA
 *	sees what it would have seen.  Installed under the MDA's own name
 *	(a symlink called procmail) it works the same way.  See vigil-mda.8.
 * DIAGNOSTICS
 *	The real MDA's exit status once exec'd; 0 for discard and
 *	quarantine; infected_return_code (77) for reject; 75 (EX_TEMPFAIL)
 *	for defer and for every failure before the message is handed on.
 *	Under qmail (qmail = yes, or auto and qmail-local's DTLINE or RPLINE
 *	in the environment, or -q) 100 for reject and 111 for the others.
 *	For Postfix, stdout gets an RFC 3463 status line ("5.7.1 Virus
 *	found: NAME", "4.7.1 Not scanned: REASON").
 */
#include <sys/mman.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "av/verdict.h"
#include "clients/mail.h"
#include "conf/conf.h"
#include "conf/conflog.h"
#include "util/log.h"

#define MDA_CONFIG	"/etc/vigil/vigil.cfg"
#define MDA_TEMPFAIL	75		/* EX_TEMPFAIL */
#define MDA_QM_PERM	100		/* qmail: permanent failure */
#define MDA_QM_TEMP	111		/* qmail: temporary failure */
#define MDA_MAXRCPT	64

struct mda {
	const char	*config;
	const char	*user;
	const char	*sender;
	const char	*mdapath;
	const char	*rcpts[MDA_MAXRCPT];
	size_t		 nrcpts;
	int		 qmail;		/* -1: from the configuration */
	char		**mdaargv;	/* the MTA's arguments */
	int		 mdaargc;
	int		 tempfail;
	struct conf	*conf;		/* freed before exit */
	struct mail_out	*out;
};

static void	 tempfail(const struct mda *, const char *, ...)
		    __attribute__((format(printf, 2, 3), noreturn));
static void	 options(struct mda *, int, char **);
static int	 spool(int *, size_t *);
static int	 memfile(const void *, size_t);
static int	 done(const struct mda *, int);
static int	 is_self(const char *);
static void	 deliver(const struct mda *, int) __attribute__((noreturn));
int		 mda_main(int, char **);

/* tempfail - the message stays with the MTA: say why, exit */
static void
tempfail(const struct mda *m, const char *fmt, ...)
{
	char	 why[512];
	va_list	 ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	log_warnx("temporary failure: %s", why);
	printf("4.3.0 Temporary failure: %s\n", why);
	exit(done(m, m->tempfail));
}

/* done - release what main holds, flush; the exit status */
static int
done(const struct mda *m, int rc)
{
	if (m->out != NULL)
		mail_out_free(m->out);
	conf_free(m->conf);
	fflush(stdout);
	return rc;
}

/*
 * options - the MTA's arguments are everything before the last "--";
 * ours come after it
 */
static void
options(struct mda *m, int argc, char **argv)
{
	static const struct option	 longopts[] = {
		{ "config",	required_argument, NULL, 'c' },
		{ "user",	required_argument, NULL, 'u' },
		{ "recipient",	required_argument, NULL, 'r' },
		{ "sender",	required_argument, NULL, 'f' },
		{ "mda",	required_argument, NULL, 'm' },
		{ "qmail",	no_argument,	   NULL, 'q' },
		{ "no-qmail",	no_argument,	   NULL, 'Q' },
		{ NULL, 0, NULL, 0 }
	};
	int	 i, sep = -1, ch, n;
	char	**ours;

	for (i = 1; i < argc; i++)
		if (strcmp(argv[i], "--") == 0)
			sep = i;
	m->mdaargc = sep == -1 ? argc - 1 : sep - 1;
	m->mdaargv = argv + 1;
	if (sep == -1)
		return;
	/* getopt wants a program name first: reuse the "--" slot */
	n = argc - sep;
	ours = argv + sep;
	ours[0] = argv[0];
	optind = 1;
	while ((ch = getopt_long(n, ours, "+c:u:r:f:m:qQ", longopts, NULL))
	    != -1) {
		switch (ch) {
		case 'c':
			m->config = optarg;
			break;
		case 'u':
			m->user = optarg;
			break;
		case 'r':
			if (m->nrcpts == MDA_MAXRCPT)
				tempfail(m, "too many recipients");
			m->rcpts[m->nrcpts++] = optarg;
			break;
		case 'f':
			m->sender = optarg;
			break;
		case 'm':
			m->mdapath = optarg;
			break;
		case 'q':
			m->qmail = 1;
			break;
		case 'Q':
			m->qmail = 0;
			break;
		default:
			tempfail(m, "usage: vigil-mda [MDA-ARGS] [-- [-c FILE] "
			    "[-u NAME] [-r ADDR] [-f ADDR] [-m PATH] [-q|-Q]]");
		}
	}
	if (optind != n)
		tempfail(m, "unexpected argument %s", ours[optind]);
}

/* memfile - a memory file holding p, at offset 0; -1 with errno */
static int
memfile(const void *p, size_t len)
{
	const uint8_t	*b = p;
	ssize_t		 n;
	int		 fd, e;

	if ((fd = memfd_create("vigil-mda", MFD_CLOEXEC)) == -1)
		return -1;
	while (len > 0) {
		if ((n = write(fd, b, len)) == -1) {
			if (errno == EINTR)
				continue;
			e = errno;
			close(fd);
			errno = e;
			return -1;
		}
		b += n;
		len -= (size_t)n;
	}
	if (lseek(fd, 0, SEEK_SET) == -1) {
		e = errno;
		close(fd);
		errno = e;
		return -1;
	}
	return fd;
}

/* spool - all of stdin into a memory file: its descriptor and size */
static int
spool(int *fdp, size_t *lenp)
{
	uint8_t		 b[65536];
	ssize_t		 n, w, k;
	size_t		 len = 0;
	int		 fd, e;

	if ((fd = memfd_create("vigil-mda", MFD_CLOEXEC)) == -1)
		return -1;
	for (;;) {
		if ((n = read(STDIN_FILENO, b, sizeof(b))) == -1) {
			if (errno == EINTR)
				continue;
			goto fail;
		}
		if (n == 0)
			break;
		for (k = 0; k < n; k += w)
			if ((w = write(fd, b + k, (size_t)(n - k))) == -1) {
				if (errno == EINTR) {
					w = 0;
					continue;
				}
				goto fail;
			}
		len += (size_t)n;
	}
	*fdp = fd;
	*lenp = len;
	return 0;
fail:
	e = errno;
	close(fd);
	errno = e;
	return -1;
}

/* is_self - whether path is this very program (a loop) */
static int
is_self(const char *path)
{
	struct stat	 a, b;

	return stat(path, &a) == 0 && stat("/proc/self/exe", &b) == 0 &&
	    a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

/* deliver - fd becomes stdin of the real MDA */
static void
deliver(const struct mda *m, int fd)
{
	char	**av;
	int	 i, e;

	if (lseek(fd, 0, SEEK_SET) == -1)
		tempfail(m, "lseek: %s", strerror(errno));
	if (fd != STDIN_FILENO && dup2(fd, STDIN_FILENO) == -1)
		tempfail(m, "dup2: %s", strerror(errno));
	if ((av = calloc((size_t)m->mdaargc + 2, sizeof(*av))) == NULL)
		tempfail(m, "out of memory");
	av[0] = (char *)m->mdapath;
	for (i = 0; i < m->mdaargc; i++)
		av[i + 1] = m->mdaargv[i];
	fflush(stdout);
	execv(m->mdapath, av);
	e = errno;
	free(av);
	tempfail(m, "exec %s: %s", m->mdapath, strerror(e));
}

int
mda_main(int argc, char **argv)
{
	struct mda		 m;
	struct conf		*c;
	struct conf_view	 v;
	struct mail_policy	 p;
	struct mail_env		 env;
	struct mail_out		 o;
	const char		*s;
	char			 err[512], rbuf[512];
	uint8_t			*msg = NULL;
	size_t			 len;
	int			 fd, ofd, rc, qm, infcode;

	memset(&m, 0, sizeof(m));
	m.config = MDA_CONFIG;
	m.qmail = -1;
	/* until the configuration says, a qmail-local environment decides */
	m.tempfail = getenv("DTLINE") || getenv("RPLINE") ? MDA_QM_TEMP :
	    MDA_TEMPFAIL;
	log_procinit("vigil-mda");
	options(&m, argc, argv);
	if (m.qmail != -1)
		m.tempfail = m.qmail ? MDA_QM_TEMP : MDA_TEMPFAIL;

	if ((c = m.conf = conf_new()) == NULL)
		tempfail(&m, "out of memory");
	if (conf_load_file(c, m.config, err, sizeof(err)) == -1)
		tempfail(&m, "%s", err);
	if (m.nrcpts == 0) {
		/* Postfix, Exim and qmail-local name the recipient */
		if ((s = getenv("RECIPIENT")) != NULL && *s != '\0')
			m.rcpts[m.nrcpts++] = s;
		else if (getenv("LOCAL_PART") && getenv("DOMAIN")) {
			snprintf(rbuf, sizeof(rbuf), "%s@%s",
			    getenv("LOCAL_PART"), getenv("DOMAIN"));
			m.rcpts[m.nrcpts++] = rbuf;
		}
	}
	if (m.sender == NULL)
		m.sender = getenv("SENDER");
	conf_view(c, &v, CONF_SEC_MDA, m.nrcpts ? m.rcpts[0] : NULL, m.user);
	qm = m.qmail;
	if (qm == -1) {
		switch (conf_get_enum(&v, CONF_K_QMAIL)) {
		case 1:
			qm = 1;
			break;
		case 2:
			qm = 0;
			break;
		default:
			qm = getenv("DTLINE") != NULL || getenv("RPLINE") !=
			    NULL;
			break;
		}
	}
	m.tempfail = qm ? MDA_QM_TEMP : MDA_TEMPFAIL;
	infcode = qm ? MDA_QM_PERM :
	    (int)conf_get_int(&v, CONF_K_INFECTED_RETURN_CODE);
	if (conf_log(&v, 0) == -1)
		tempfail(&m, "log_file: %s", strerror(errno));
	if (m.mdapath == NULL)
		m.mdapath = conf_get_str(&v, CONF_K_MDA_PATH);
	if (m.mdapath[0] == '\0')
		tempfail(&m, "mda_path is not set in [mda]");
	if (is_self(m.mdapath))
		tempfail(&m, "mda_path %s is vigil-mda itself", m.mdapath);

	if (spool(&fd, &len) == -1)
		tempfail(&m, "reading the message: %s", strerror(errno));
	if (len > 0 && (msg = mmap(NULL, len, PROT_READ, MAP_PRIVATE, fd, 0))
	    == MAP_FAILED)
		tempfail(&m, "mmap: %s", strerror(errno));
	mail_policy_conf(&p, &v);
	memset(&env, 0, sizeof(env));
	env.agent = "mda";
	env.sender = m.sender;
	env.rcpts = m.rcpts;
	env.nrcpts = m.nrcpts;
	env.user = m.user;
	mail_out_init(&o);
	m.out = &o;
	rc = mail_scan(&p, &env, msg ? msg : (const uint8_t *)"", len, fd, &o);
	log_at(o.action == MAIL_ACCEPT && o.result == MAIL_R_CLEAN ?
	    LOG_LVL_INFO : LOG_LVL_NOTICE, "rcpt=<%s> from=<%s> size=%zu "
	    "result=%s action=%s%s%s: %s", m.nrcpts ? m.rcpts[0] : "",
	    m.sender ? m.sender : "", len, mail_result_str(o.result),
	    mail_action_str(o.action), o.qpath[0] ? " kept=" : "", o.qpath,
	    o.reason);
	if (rc == -1) {
		/* o.reason says "Temporary failure: ..." already */
		printf("4.3.0 %s\n", o.reason);
		return done(&m, m.tempfail);
	}

	switch (o.action) {
	case MAIL_ACCEPT:
	case MAIL_CLEAN:
		if (!o.changed)
			deliver(&m, fd);
		if ((ofd = memfile(o.msg.data, o.msg.len)) == -1)
			tempfail(&m, "memfd: %s", strerror(errno));
		deliver(&m, ofd);
		/* NOTREACHED */
	case MAIL_DISCARD:
	case MAIL_QUARANTINE:
		return done(&m, 0);
	case MAIL_REJECT:
		printf("5.7.1 %s\n", o.reason);
		return done(&m, infcode);
	case MAIL_DEFER:
	default:
		printf("4.7.1 %s\n", o.reason);
		return done(&m, m.tempfail);
	}
}

int
main(int argc, char **argv)
{
	return mda_main(argc, argv);
}
