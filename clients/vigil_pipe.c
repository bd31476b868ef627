/*
 * vigil_pipe.c - vigil-pipe: a qmail-qfilter filter
 *
 * NAME
 *	vigil-pipe - scan a message between qmail-smtpd and qmail-queue
 * SYNOPSIS
 *	qmail-qfilter vigil-pipe [-c FILE] [-u NAME]
 * DESCRIPTION
 *	Runs under qmail-qfilter: the message on descriptor 0 (a seekable
 *	file), the envelope on descriptor 3 ("Fsender\0Trcpt\0...\0", or
 *	QMAILUSER, QMAILHOST and QMAILRCPTS when descriptor 3 is not there).
 *	Asks vigild for the verdict through the mail library
 *	(clients/mail.h) with the policy of [pipe] and the sections of the
 *	first recipient, and writes the rewritten message to descriptor 1,
 *	or nothing when it goes on unchanged.  See vigil-pipe.8.
 * DIAGNOSTICS
 *	Exit status, as qmail-qfilter reads it: 0 pass on (accept, clean);
 *	31 permanent refusal (reject); 71 temporary refusal (defer, and
 *	every failure: vigild unreachable, a bad configuration, a write
 *	error); 99 accepted and dropped (discard, quarantine).
 */
#include <sys/mman.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "clients/mail.h"
#include "conf/conf.h"
#include "conf/conflog.h"
#include "util/log.h"

#define PIPE_CONFIG	"/etc/vigil/vigil.cfg"
#define PIPE_PASS	0		/* qmail-qfilter: go on */
#define PIPE_REJECT	31		/* permanent refusal */
#define PIPE_TEMP	71		/* temporary refusal */
#define PIPE_DROP	99		/* success, nothing queued */
#define PIPE_ENVFD	3		/* the envelope */
#define PIPE_ENVMAX	(1 << 20)	/* bytes of envelope we read */
#define PIPE_MAXRCPT	1024

struct envelope {
	char		*buf;		/* what the strings point into */
	const char	*sender;
	const char	*rcpts[PIPE_MAXRCPT];
	size_t		 nrcpts;
};

static void	 tempfail(const char *, ...)
		    __attribute__((format(printf, 1, 2), noreturn));
static int	 env_fd(struct envelope *);
static void	 env_vars(struct envelope *);
static int	 readall(int, uint8_t **, size_t *, size_t);
static int	 writeall(int, const void *, size_t);
static const uint8_t *message(int *, size_t *, uint8_t **);
int		 pipe_main(int, char **);

/* tempfail - the sender's server keeps the message: say why, exit */
static void
tempfail(const char *fmt, ...)
{
	char	 why[512];
	va_list	 ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	log_warnx("temporary failure: %s", why);
	exit(PIPE_TEMP);
}

/* readall - all of fd (at most max bytes) into a new buffer; -1: errno */
static int
readall(int fd, uint8_t **out, size_t *outlen, size_t max)
{
	uint8_t	*p = NULL, *np;
	size_t	 n = 0, cap = 0;
	ssize_t	 r;

	for (;;) {
		if (n == cap) {
			if (cap == max) {
				free(p);
				errno = EFBIG;
				return -1;
			}
			cap = cap == 0 ? 65536 : cap * 2;
			if (cap > max)
				cap = max;
			if ((np = realloc(p, cap + 1)) == NULL) {
				free(p);
				return -1;
			}
			p = np;
		}
		if ((r = read(fd, p + n, cap - n)) == -1) {
			if (errno == EINTR)
				continue;
			free(p);
			return -1;
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	if (p == NULL && (p = malloc(1)) == NULL)
		return -1;
	p[n] = '\0';
	*out = p;
	*outlen = n;
	return 0;
}

/* writeall - len bytes of p to fd; -1: errno */
static int
writeall(int fd, const void *p, size_t len)
{
	const uint8_t	*b = p;
	ssize_t		 w;

	while (len > 0) {
		if ((w = write(fd, b, len)) == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		b += w;
		len -= (size_t)w;
	}
	return 0;
}

/*
 * env_fd - the envelope from descriptor 3, as qmail-queue reads it:
 * "F" sender NUL, then "T" recipient NUL for each, then NUL.  0, or -1
 * when there is none or it is malformed (then the variables are used)
 */
static int
env_fd(struct envelope *e)
{
	uint8_t	*p;
	size_t	 len, i, k;

	if (lseek(PIPE_ENVFD, 0, SEEK_SET) == -1 && errno == EBADF)
		return -1;
	if (readall(PIPE_ENVFD, &p, &len, PIPE_ENVMAX) == -1)
		return -1;
	if (len < 2 || p[0] != 'F' || memchr(p, '\0', len) == NULL) {
		free(p);
		return -1;
	}
	e->buf = (char *)p;
	e->sender = e->buf + 1;
	i = strlen(e->sender) + 2;
	while (i < len && p[i] == 'T') {
		if ((k = strnlen(e->buf + i, len - i)) == len - i)
			break;		/* no NUL: cut short */
		if (e->nrcpts < PIPE_MAXRCPT)
			e->rcpts[e->nrcpts++] = e->buf + i + 1;
		i += k + 1;
	}
	if (i >= len || p[i] != '\0') {
		free(p);
		memset(e, 0, sizeof(*e));
		return -1;
	}
	return 0;
}

/*
 * env_vars - the envelope from qmail-qfilter's variables: QMAILUSER and
 * QMAILHOST (the sender), QMAILRCPTS (each recipient ends with a newline)
 */
static void
env_vars(struct envelope *e)
{
	const char	*u = getenv("QMAILUSER"), *h = getenv("QMAILHOST");
	const char	*r = getenv("QMAILRCPTS");
	char		*s, *nl;
	size_t		 n;

	n = (u ? strlen(u) : 0) + (h ? strlen(h) : 0) + (r ? strlen(r) : 0);
	if ((e->buf = malloc(n + 3)) == NULL)
		tempfail("out of memory");
	s = e->buf;
	if (u != NULL && *u != '\0')
		s += sprintf(s, "%s%s%s", u, h != NULL && *h != '\0' ? "@" :
		    "", h != NULL ? h : "");
	*s++ = '\0';
	e->sender = e->buf;
	strcpy(s, r != NULL ? r : "");
	while (*s != '\0' && e->nrcpts < PIPE_MAXRCPT) {
		if ((nl = strchr(s, '\n')) != NULL)
			*nl = '\0';
		if (*s != '\0')
			e->rcpts[e->nrcpts++] = s;
		if (nl == NULL)
			break;
		s = nl + 1;
	}
}

/*
 * message - the message on descriptor 0: mapped when it is a file (as
 * qmail-qfilter gives it), else read into memory (*ownp, to free); *fdp
 * is the descriptor vigild may get (-1: stream it)
 */
static const uint8_t *
message(int *fdp, size_t *lenp, uint8_t **ownp)
{
	struct stat	 st;
	uint8_t		*p;
	size_t		 len;
	void		*m;

	*fdp = -1;
	*ownp = NULL;
	if (fstat(STDIN_FILENO, &st) == 0 && S_ISREG(st.st_mode) &&
	    lseek(STDIN_FILENO, 0, SEEK_SET) == 0) {
		*lenp = (size_t)st.st_size;
		*fdp = STDIN_FILENO;
		if (st.st_size == 0)
			return (const uint8_t *)"";
		if ((m = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE,
		    STDIN_FILENO, 0)) == MAP_FAILED)
			tempfail("mmap of the message: %s", strerror(errno));
		return m;
	}
	if (readall(STDIN_FILENO, &p, &len, SIZE_MAX / 2) == -1)
		tempfail("reading the message: %s", strerror(errno));
	*lenp = len;
	*ownp = p;
	return p;
}

int
pipe_main(int argc, char **argv)
{
	static const struct option	 longopts[] = {
		{ "config",	required_argument, NULL, 'c' },
		{ "user",	required_argument, NULL, 'u' },
		{ NULL, 0, NULL, 0 }
	};
	struct envelope		 e;
	struct conf		*c;
	struct conf_view	 v;
	struct mail_policy	 p;
	struct mail_env		 env;
	struct mail_out		 o;
	const char		*config = NULL, *user = NULL;
	const uint8_t		*msg;
	uint8_t			*owned;
	char			 err[512];
	size_t			 len;
	int			 ch, fd, rc, ex;

	log_procinit("vigil-pipe");
	while ((ch = getopt_long(argc, argv, "c:u:", longopts, NULL)) != -1) {
		switch (ch) {
		case 'c':
			config = optarg;
			break;
		case 'u':
			user = optarg;
			break;
		default:
			tempfail("usage: vigil-pipe [-c FILE] [-u NAME]");
		}
	}
	if (optind != argc)
		tempfail("unexpected argument %s", argv[optind]);

	memset(&e, 0, sizeof(e));
	if (env_fd(&e) == -1)
		env_vars(&e);
	if ((c = conf_new()) == NULL)
		tempfail("out of memory");
	if (config == NULL && access(PIPE_CONFIG, F_OK) == 0)
		config = PIPE_CONFIG;
	if (config != NULL && conf_load_file(c, config, err, sizeof(err)) ==
	    -1)
		tempfail("%s", err);
	conf_view(c, &v, CONF_SEC_PIPE, e.nrcpts ? e.rcpts[0] : NULL, user);
	if (conf_log(&v, 0) == -1)
		tempfail("log_file: %s", strerror(errno));

	msg = message(&fd, &len, &owned);
	mail_policy_conf(&p, &v);
	memset(&env, 0, sizeof(env));
	env.agent = "pipe";
	env.sender = e.sender;
	env.rcpts = e.rcpts;
	env.nrcpts = e.nrcpts;
	env.user = user;
	mail_out_init(&o);
	rc = mail_scan(&p, &env, msg, len, fd, &o);
	log_at(o.action == MAIL_ACCEPT && o.result == MAIL_R_CLEAN ?
	    LOG_LVL_INFO : LOG_LVL_NOTICE, "from=<%s> rcpt=<%s>%s size=%zu "
	    "result=%s action=%s%s%s: %s", e.sender ? e.sender : "",
	    e.nrcpts ? e.rcpts[0] : "", e.nrcpts > 1 ? " (and more)" : "",
	    len, mail_result_str(o.result), mail_action_str(o.action),
	    o.qpath[0] ? " kept=" : "", o.qpath, o.reason);
	switch (rc == -1 ? MAIL_DEFER : o.action) {	/* -1: o.reason logged */
	case MAIL_ACCEPT:
	case MAIL_CLEAN:
		ex = PIPE_PASS;
		/* nothing written: qmail-qfilter passes the original on */
		if (o.changed && writeall(STDOUT_FILENO, o.msg.data,
		    o.msg.len) == -1) {
			log_warn("writing the message");
			ex = PIPE_TEMP;
		}
		break;
	case MAIL_DISCARD:
	case MAIL_QUARANTINE:
		ex = PIPE_DROP;
		break;
	case MAIL_REJECT:
		ex = PIPE_REJECT;
		break;
	case MAIL_DEFER:
	default:
		ex = PIPE_TEMP;
		break;
	}
	mail_out_free(&o);
	conf_free(c);
	free(e.buf);
	free(owned);
	return ex;
}

int
main(int argc, char **argv)
{
	return pipe_main(argc, argv);
}
