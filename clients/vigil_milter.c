/*
 * vigil_milter.c - vigil-milter: a Sendmail and Postfix milter that scans
 *	mail through vigild
 *
 * NAME
 *	vigil-milter - virus-scanning mail filter (libmilter)
 * SYNOPSIS
 *	vigil-milter [-f] [-c FILE] [-p PIDFILE] [-s SOCKET]
 * DESCRIPTION
 *	A libmilter filter.  The MTA hands it each message in pieces; the
 *	header fields and the body, with CRLF line ends as the MTA sends them,
 *	go into a spool (clients/milter_spool.h: memory up to spool_memory,
 *	then a file in tmp_dir).  At the end of the message the mail library
 *	(clients/mail.h) asks vigild for the verdict and decides by the policy
 *	of [smfi] and the sections of the first recipient; the decision
 *	becomes milter replies and changes:
 *	  accept, clean	  header fields inserted (smfi_insheader, or
 *			  smfi_addheader at the end) and changed
 *			  (smfi_chgheader), a new body (smfi_replacebody)
 *			  for cleaned messages and footers; SMFIS_ACCEPT;
 *	  reject	  554 5.7.1 "Virus found: NAME", SMFIS_REJECT;
 *	  defer		  451 4.7.1 with the reason, SMFIS_TEMPFAIL;
 *	  discard	  SMFIS_DISCARD;
 *	  quarantine	  smfi_quarantine() with the reason (Postfix puts the
 *			  message on hold), SMFIS_ACCEPT.
 *	Every failure (vigild unreachable or too slow, a spool or rewrite
 *	error, a change the MTA refuses) is 451 4.7.1 and SMFIS_TEMPFAIL, so
 *	that no message passes unscanned by accident.
 *
 *	Threads.  libmilter runs the callbacks of one connection one after
 *	the other, and different connections at once, in threads of its
 *	own.  All state of a connection and of its message hangs off the
 *	context through smfi_setpriv(); the only file-scope variable is the
 *	configuration, set once before smfi_main() and only read afterwards.
 *
 *	-c names the configuration (default /etc/vigil/vigil.cfg; built-in
 *	defaults when that file does not exist); -f keeps the milter in the
 *	foreground and logs to stderr too; -p names the pid file written
 *	when it goes into the background (default
 *	/run/vigil/vigil-milter.pid; "" for none); -s overrides
 *	milter_socket.  SIGTERM (or SIGHUP, SIGINT) stops it: libmilter's
 *	signal thread stops the listener as smfi_stop() does (within the 5
 *	seconds of libmilter's accept loop), smfi_main() returns, and the
 *	unix socket and the pid file are removed.  A message still under way
 *	then loses its milter, which the MTA answers with its
 *	milter_default_action (tempfail).  See vigil-milter.8.
 * DIAGNOSTICS
 *	Exit status: 0 after a stop; EX_USAGE for bad arguments; EX_CONFIG
 *	for a bad configuration or a socket that cannot be opened;
 *	EX_SOFTWARE when libmilter fails.  Every log line of a message
 *	starts with its queue id (the MTA's macro i; NOQUEUE while it is not
 *	known).
 */
#include <sys/socket.h>
#include <sys/stat.h>

#include <netdb.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pwd.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include <libmilter/mfapi.h>

#include "av/exitcodes.h"
#include "clients/mail.h"
#include "clients/milter_spool.h"
#include "conf/conf.h"
#include "conf/conflog.h"
#include "util/detach.h"
#include "util/log.h"
#include "util/privdrop.h"

#ifndef VIGIL_VERSION
#define VIGIL_VERSION	"0.0.0"
#endif

#define MFI_CONFIG	"/etc/vigil/vigil.cfg"
#define MFI_PIDFILE	"/run/vigil/vigil-milter.pid"
#define MFI_NAME	"vigil-milter"
#define MFI_AGENT	"milter"		/* in vigild's requests */
#define MFI_NOQUEUE	"NOQUEUE"
#define MFI_QIDMAX	64
#define MFI_CLIENTMAX	336
#define MFI_REPLYMAX	400
#define MFI_CHUNK	65535			/* MILTER_CHUNK_SIZE */
#define MFI_MAXDATA	(256 * 1024 - 1)	/* MILTER_MDS_256K */
#define MFI_FAILTEXT	"Temporary failure: message not scanned, " \
			    "try again later"

/* what every thread reads; set once before smfi_main() */
struct mfi_cfg {
	struct conf		*conf;
	struct conf_view	 v;		/* [smfi], no recipient */
	size_t			 memlimit;	/* spool_memory */
	const char		*tmpdir;
};

/* one message: from MAIL FROM to the end of the message or an abort */
struct mfi_msg {
	char			 qid[MFI_QIDMAX];
	char			*sender;
	char			**rcpts;
	size_t			 nrcpts;
	size_t			 caprcpts;
	struct milter_spool	 spool;
	int			 spooling;
	uint32_t		 nhdrs;		/* header fields seen */
};

/* one SMTP connection of the MTA */
struct mfi_conn {
	char			 client[MFI_CLIENTMAX];
	struct mfi_msg		*msg;
};

static const struct mfi_cfg	*mfi_cfg;

static void	 usage(void) __attribute__((noreturn));
static void	 vis(char *, size_t, const char *);
static void	 mfi_log(const struct mfi_msg *, int, const char *, ...)
		    __attribute__((format(printf, 3, 4)));
static struct mfi_conn *mfi_conn_get(SMFICTX *);
static void	 mfi_msg_free(struct mfi_conn *);
static void	 mfi_qid(SMFICTX *, struct mfi_msg *);
static char	*mfi_addr(const char *);
static void	 mfi_spool(struct mfi_msg *);
static void	 mfi_spool_failed(const struct mfi_msg *);
static sfsistat	 mfi_tempfail(SMFICTX *, const struct mfi_msg *,
		    const char *);
static void	 mfi_reply(SMFICTX *, const struct mfi_msg *, const char *,
		    const char *, const char *);
static int	 mfi_marks(SMFICTX *, struct mfi_msg *,
		    const struct mail_out *);
static sfsistat	 mfi_apply(SMFICTX *, struct mfi_msg *,
		    const struct mail_out *);
static sfsistat	 mfi_connect(SMFICTX *, char *, struct sockaddr *);
static sfsistat	 mfi_helo(SMFICTX *, char *);
static sfsistat	 mfi_envfrom(SMFICTX *, char **);
static sfsistat	 mfi_envrcpt(SMFICTX *, char **);
static sfsistat	 mfi_header(SMFICTX *, char *, char *);
static sfsistat	 mfi_eoh(SMFICTX *);
static sfsistat	 mfi_body(SMFICTX *, unsigned char *, size_t);
static sfsistat	 mfi_eom(SMFICTX *);
static sfsistat	 mfi_abort(SMFICTX *);
static sfsistat	 mfi_close(SMFICTX *);
static const char *sock_path(const char *);
static void	 drop_root(const char *, const char *);

/* usage - the synopsis, then exit */
static void
usage(void)
{
	fprintf(stderr, "usage: vigil-milter [-f] [-c file] [-p pidfile] "
	    "[-s socket]\n");
	exit(EX_USAGE);
}

/* vis - s for a log line or a reply: control bytes as '_', cut to fit */
static void
vis(char *out, size_t len, const char *s)
{
	size_t	 i;

	for (i = 0; s != NULL && s[i] != '\0' && i + 1 < len; i++)
		out[i] = (unsigned char)s[i] < 0x20 || s[i] == 0x7f ? '_' :
		    s[i];
	out[i] = '\0';
}

/* mfi_log - one log line, prefixed with the message's queue id */
static void
mfi_log(const struct mfi_msg *m, int level, const char *fmt, ...)
{
	char	 line[1536];
	va_list	 ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	log_at(level, "%s: %s", m != NULL && m->qid[0] != '\0' ? m->qid :
	    MFI_NOQUEUE, line);
}

/* mfi_conn_get - the connection's state, made when connect was skipped */
static struct mfi_conn *
mfi_conn_get(SMFICTX *ctx)
{
	struct mfi_conn	*c;

	if ((c = smfi_getpriv(ctx)) != NULL)
		return c;
	if ((c = calloc(1, sizeof(*c))) == NULL)
		return NULL;
	snprintf(c->client, sizeof(c->client), "unknown");
	if (smfi_setpriv(ctx, c) == MI_FAILURE) {
		free(c);
		return NULL;
	}
	return c;
}

/* mfi_msg_free - forget the message of connection c */
static void
mfi_msg_free(struct mfi_conn *c)
{
	struct mfi_msg	*m = c->msg;
	size_t		 i;

	if (m == NULL)
		return;
	milter_spool_free(&m->spool);
	for (i = 0; i < m->nrcpts; i++)
		free(m->rcpts[i]);
	free(m->rcpts);
	free(m->sender);
	free(m);
	c->msg = NULL;
}

/* mfi_qid - the queue id (macro i), once the MTA has given it */
static void
mfi_qid(SMFICTX *ctx, struct mfi_msg *m)
{
	const char	*i;

	if (m->qid[0] != '\0')
		return;
	if ((i = smfi_getsymval(ctx, (char *)"i")) != NULL && *i != '\0')
		vis(m->qid, sizeof(m->qid), i);
}

/* mfi_addr - an envelope address without its angle brackets */
static char *
mfi_addr(const char *a)
{
	size_t	 n;

	if (a == NULL)
		return strdup("");
	n = strlen(a);
	if (n >= 2 && a[0] == '<' && a[n - 1] == '>')
		return strndup(a + 1, n - 2);
	return strdup(a);
}

/* mfi_spool - start spooling the message at its first header piece */
static void
mfi_spool(struct mfi_msg *m)
{
	if (!m->spooling) {
		milter_spool_init(&m->spool, mfi_cfg->memlimit,
		    mfi_cfg->tmpdir);
		m->spooling = 1;
	}
}

/*
 * mfi_spool_failed - the spool failed: say so once; the message is
 * deferred at its end (the spool's error sticks), and until then the MTA,
 * which may not stop sending at a reply to a body chunk, goes on as usual
 */
static void
mfi_spool_failed(const struct mfi_msg *m)
{
	mfi_log(m, LOG_LVL_WARN, "spool in %s: %s", mfi_cfg->tmpdir,
	    strerror(errno));
}

/* mfi_reply - the SMTP reply of a REJECT or TEMPFAIL */
static void
mfi_reply(SMFICTX *ctx, const struct mfi_msg *m, const char *code,
    const char *xcode, const char *text)
{
	char	 r[MFI_REPLYMAX * 2], v[MFI_REPLYMAX];
	size_t	 i, j = 0;

	/* libmilter treats the text as a format: a '%' goes doubled */
	vis(v, sizeof(v), text);
	for (i = 0; v[i] != '\0' && j + 2 < sizeof(r); i++) {
		r[j++] = v[i];
		if (v[i] == '%')
			r[j++] = '%';
	}
	r[j] = '\0';
	if (smfi_setreply(ctx, (char *)code, (char *)xcode, r) == MI_FAILURE)
		mfi_log(m, LOG_LVL_WARN, "smfi_setreply(%s %s) failed", code,
		    xcode);
}

/* mfi_tempfail - 451 4.7.1: the MTA keeps the message and retries */
static sfsistat
mfi_tempfail(SMFICTX *ctx, const struct mfi_msg *m, const char *text)
{
	mfi_reply(ctx, m, "451", "4.7.1", text);
	return SMFIS_TEMPFAIL;
}

/* mfi_marks - the library's changes as milter requests; -1: one failed */
static int
mfi_marks(SMFICTX *ctx, struct mfi_msg *m, const struct mail_out *o)
{
	const struct mail_hdr	*h;
	const uint8_t		*b;
	size_t			 i, left, n;
	uint32_t		 nhdrs = m->nhdrs;
	int			 r;

	for (i = 0; i < o->nadd; i++) {
		h = &o->add[i];
		if (h->index >= nhdrs)
			r = smfi_addheader(ctx, h->name, h->value);
		else
			r = smfi_insheader(ctx, (int)h->index, h->name,
			    h->value);
		if (r == MI_FAILURE) {
			mfi_log(m, LOG_LVL_WARN, "adding header field %s "
			    "failed", h->name);
			return -1;
		}
		nhdrs++;
	}
	for (i = 0; i < o->nchg; i++) {
		h = &o->chg[i];
		if (smfi_chgheader(ctx, h->name, (int)h->index, h->value) ==
		    MI_FAILURE) {
			mfi_log(m, LOG_LVL_WARN, "changing header field %s "
			    "failed", h->name);
			return -1;
		}
	}
	if (o->body == NULL)
		return 0;
	for (b = o->body, left = o->bodylen; left > 0; b += n, left -= n) {
		n = left < MFI_CHUNK ? left : MFI_CHUNK;
		if (smfi_replacebody(ctx, (unsigned char *)b, (int)n) ==
		    MI_FAILURE) {
			mfi_log(m, LOG_LVL_WARN, "replacing the body failed");
			return -1;
		}
	}
	return 0;
}

/* mfi_apply - the decision as the milter's answer */
static sfsistat
mfi_apply(SMFICTX *ctx, struct mfi_msg *m, const struct mail_out *o)
{
	char	 why[MFI_REPLYMAX];

	switch (o->action) {
	case MAIL_ACCEPT:
	case MAIL_CLEAN:
		if (o->changed && mfi_marks(ctx, m, o) == -1)
			return mfi_tempfail(ctx, m, MFI_FAILTEXT);
		return SMFIS_ACCEPT;
	case MAIL_REJECT:
		mfi_reply(ctx, m, "554", "5.7.1", o->reason);
		return SMFIS_REJECT;
	case MAIL_DISCARD:
		return SMFIS_DISCARD;
	case MAIL_QUARANTINE:
		vis(why, sizeof(why), o->reason);
		if (smfi_quarantine(ctx, why) == MI_FAILURE) {
			mfi_log(m, LOG_LVL_WARN, "smfi_quarantine failed");
			return mfi_tempfail(ctx, m, MFI_FAILTEXT);
		}
		return SMFIS_ACCEPT;
	case MAIL_DEFER:
	default:
		return mfi_tempfail(ctx, m, o->failed ? MFI_FAILTEXT :
		    o->reason);
	}
}

/* mfi_connect - a new SMTP client: remember who it is */
static sfsistat
mfi_connect(SMFICTX *ctx, char *host, struct sockaddr *sa)
{
	struct mfi_conn	*c;
	char		 h[256], a[64];
	socklen_t	 sl;

	if ((c = mfi_conn_get(ctx)) == NULL) {
		mfi_log(NULL, LOG_LVL_WARN, "connect: out of memory");
		return mfi_tempfail(ctx, NULL, MFI_FAILTEXT);
	}
	snprintf(a, sizeof(a), "unknown");
	if (sa != NULL && (sa->sa_family == AF_INET ||
	    sa->sa_family == AF_INET6)) {
		sl = sa->sa_family == AF_INET ? sizeof(struct sockaddr_in) :
		    sizeof(struct sockaddr_in6);
		if (getnameinfo(sa, sl, a, sizeof(a), NULL, 0,
		    NI_NUMERICHOST) != 0)
			snprintf(a, sizeof(a), "unknown");
	} else if (sa != NULL && sa->sa_family == AF_UNIX)
		snprintf(a, sizeof(a), "local");
	vis(h, sizeof(h), host != NULL ? host : "unknown");
	snprintf(c->client, sizeof(c->client), "%s[%s]", h, a);
	mfi_log(NULL, LOG_LVL_DEBUG, "connect from %s", c->client);
	return SMFIS_CONTINUE;
}

/* mfi_helo - nothing to learn; registered so that HELO is negotiated */
static sfsistat
mfi_helo(SMFICTX *ctx, char *helo)
{
	(void)ctx;
	(void)helo;
	return SMFIS_CONTINUE;
}

/* mfi_envfrom - a new message */
static sfsistat
mfi_envfrom(SMFICTX *ctx, char **argv)
{
	struct mfi_conn	*c;
	struct mfi_msg	*m;

	if ((c = mfi_conn_get(ctx)) == NULL) {
		mfi_log(NULL, LOG_LVL_WARN, "MAIL FROM: out of memory");
		return mfi_tempfail(ctx, NULL, MFI_FAILTEXT);
	}
	mfi_msg_free(c);
	if ((m = calloc(1, sizeof(*m))) == NULL ||
	    (m->sender = mfi_addr(argv[0])) == NULL) {
		free(m);
		mfi_log(NULL, LOG_LVL_WARN, "MAIL FROM: out of memory");
		return mfi_tempfail(ctx, NULL, MFI_FAILTEXT);
	}
	c->msg = m;
	mfi_qid(ctx, m);
	return SMFIS_CONTINUE;
}

/* mfi_envrcpt - one more recipient; the first one chooses the sections */
static sfsistat
mfi_envrcpt(SMFICTX *ctx, char **argv)
{
	struct mfi_conn	*c = smfi_getpriv(ctx);
	struct mfi_msg	*m;
	char		**r;
	size_t		 cap;

	if (c == NULL || (m = c->msg) == NULL) {
		mfi_log(NULL, LOG_LVL_WARN, "RCPT TO without MAIL FROM");
		return mfi_tempfail(ctx, NULL, MFI_FAILTEXT);
	}
	mfi_qid(ctx, m);
	if (m->nrcpts == m->caprcpts) {
		cap = m->caprcpts ? m->caprcpts * 2 : 4;
		if ((r = reallocarray(m->rcpts, cap, sizeof(*r))) == NULL)
			goto nomem;
		m->rcpts = r;
		m->caprcpts = cap;
	}
	if ((m->rcpts[m->nrcpts] = mfi_addr(argv[0])) == NULL)
		goto nomem;
	m->nrcpts++;
	return SMFIS_CONTINUE;
nomem:
	mfi_log(m, LOG_LVL_WARN, "RCPT TO: out of memory");
	return mfi_tempfail(ctx, m, MFI_FAILTEXT);
}

/* mfi_header - one header field into the spool */
static sfsistat
mfi_header(SMFICTX *ctx, char *name, char *value)
{
	struct mfi_conn	*c = smfi_getpriv(ctx);
	struct mfi_msg	*m;

	if (c == NULL || (m = c->msg) == NULL) {
		mfi_log(NULL, LOG_LVL_WARN, "header without MAIL FROM");
		return mfi_tempfail(ctx, NULL, MFI_FAILTEXT);
	}
	mfi_qid(ctx, m);
	mfi_spool(m);
	if (m->spool.error == 0 && milter_spool_header(&m->spool, name,
	    value != NULL ? value : "") == -1)
		mfi_spool_failed(m);
	m->nhdrs++;
	return SMFIS_CONTINUE;
}

/* mfi_eoh - the empty line between header and body */
static sfsistat
mfi_eoh(SMFICTX *ctx)
{
	struct mfi_conn	*c = smfi_getpriv(ctx);
	struct mfi_msg	*m;

	if (c == NULL || (m = c->msg) == NULL) {
		mfi_log(NULL, LOG_LVL_WARN, "end of header without MAIL FROM");
		return mfi_tempfail(ctx, NULL, MFI_FAILTEXT);
	}
	mfi_qid(ctx, m);
	mfi_spool(m);
	if (m->spool.error == 0 && milter_spool_write(&m->spool, "\r\n", 2)
	    == -1)
		mfi_spool_failed(m);
	return SMFIS_CONTINUE;
}

/* mfi_body - one body chunk, CRLF as the MTA sends it */
static sfsistat
mfi_body(SMFICTX *ctx, unsigned char *b, size_t len)
{
	struct mfi_conn	*c = smfi_getpriv(ctx);
	struct mfi_msg	*m;

	if (c == NULL || (m = c->msg) == NULL) {
		mfi_log(NULL, LOG_LVL_WARN, "body without MAIL FROM");
		return mfi_tempfail(ctx, NULL, MFI_FAILTEXT);
	}
	mfi_spool(m);
	if (m->spool.error == 0 && milter_spool_write(&m->spool, b, len) ==
	    -1)
		mfi_spool_failed(m);
	return SMFIS_CONTINUE;
}

/* mfi_eom - scan, decide, answer; the message is forgotten after it */
static sfsistat
mfi_eom(SMFICTX *ctx)
{
	struct mfi_conn		*c = smfi_getpriv(ctx);
	struct mfi_msg		*m;
	struct conf_view	 v;
	struct mail_policy	 p;
	struct mail_env		 env;
	struct mail_out		 o;
	const uint8_t		*msg;
	char			 from[256], to[256], more[32];
	size_t			 len;
	sfsistat		 st;
	int			 fd, rc;

	if (c == NULL || (m = c->msg) == NULL) {
		mfi_log(NULL, LOG_LVL_WARN, "end of message without MAIL "
		    "FROM");
		return mfi_tempfail(ctx, NULL, MFI_FAILTEXT);
	}
	mfi_qid(ctx, m);
	mfi_spool(m);
	if (milter_spool_finish(&m->spool, &msg, &len, &fd) == -1) {
		mfi_log(m, LOG_LVL_WARN, "not scanned: the spool in %s "
		    "failed: %s", mfi_cfg->tmpdir, strerror(errno));
		st = mfi_tempfail(ctx, m, MFI_FAILTEXT);
		mfi_msg_free(c);
		return st;
	}
	conf_view(mfi_cfg->conf, &v, CONF_SEC_SMFI, m->nrcpts ? m->rcpts[0] :
	    NULL, NULL);
	mail_policy_conf(&p, &v);
	memset(&env, 0, sizeof(env));
	env.agent = MFI_AGENT;
	env.sender = m->sender;
	env.rcpts = (const char *const *)m->rcpts;
	env.nrcpts = m->nrcpts;
	mail_out_init(&o);
	rc = mail_scan(&p, &env, msg, len, fd, &o);

	vis(from, sizeof(from), m->sender);
	vis(to, sizeof(to), m->nrcpts ? m->rcpts[0] : "");
	more[0] = '\0';
	if (m->nrcpts > 1)
		snprintf(more, sizeof(more), " (+%zu)", m->nrcpts - 1);
	mfi_log(m, rc == -1 ? LOG_LVL_WARN : o.action == MAIL_ACCEPT &&
	    o.result == MAIL_R_CLEAN ? LOG_LVL_INFO : LOG_LVL_NOTICE,
	    "client=%s from=<%s> to=<%s>%s size=%zu result=%s action=%s%s%s: "
	    "%s", c->client, from, to, more, len, mail_result_str(o.result),
	    mail_action_str(o.action), o.qpath[0] ? " kept=" : "", o.qpath,
	    o.reason);
	st = mfi_apply(ctx, m, &o);
	mail_out_free(&o);
	mfi_msg_free(c);
	return st;
}

/* mfi_abort - the MTA gave up on the message; the connection goes on */
static sfsistat
mfi_abort(SMFICTX *ctx)
{
	struct mfi_conn	*c = smfi_getpriv(ctx);

	if (c != NULL) {
		if (c->msg != NULL)
			mfi_log(c->msg, LOG_LVL_DEBUG, "message aborted");
		mfi_msg_free(c);
	}
	return SMFIS_CONTINUE;
}

/* mfi_close - the end of the connection */
static sfsistat
mfi_close(SMFICTX *ctx)
{
	struct mfi_conn	*c = smfi_getpriv(ctx);

	if (c != NULL) {
		mfi_msg_free(c);
		free(c);
		smfi_setpriv(ctx, NULL);
	}
	return SMFIS_CONTINUE;
}

/* sock_path - the file of a unix milter socket, or NULL */
static const char *
sock_path(const char *conn)
{
	if (strncmp(conn, "unix:", 5) == 0)
		return conn + 5;
	if (strncmp(conn, "local:", 6) == 0)
		return conn + 6;
	return strchr(conn, ':') == NULL ? conn : NULL;
}

/*
 * drop_root - become [smfi] run_as when started as root (privdrop.h),
 * giving it the unix socket (spath, may be NULL) first so that it can
 * remove it at the end; a root process without run_as says so.  Exits
 * EX_CONFIG when it cannot
 */
static void
drop_root(const char *user, const char *spath)
{
	struct passwd	*pw;
	char		 err[256];

	if (geteuid() != 0)
		return;
	if (user[0] == '\0') {
		log_warnx("running as root: set [smfi] run_as (vigil.cfg(5)) "
		    "or start vigil-milter as its user");
		return;
	}
	if (spath != NULL && (pw = getpwnam(user)) != NULL &&
	    lchown(spath, pw->pw_uid, pw->pw_gid) == -1)
		log_warn("lchown(%s) failed", spath);
	if (priv_drop(user, err, sizeof(err)) == -1) {
		log_warnx("run_as: %s", err);
		exit(EX_CONFIG);
	}
	log_info("running as %s", user);
}

int
main(int argc, char *argv[])
{
	static struct smfiDesc	 desc = {
		.xxfi_name = (char *)MFI_NAME,
		.xxfi_version = SMFI_VERSION,
		.xxfi_flags = SMFIF_ADDHDRS | SMFIF_CHGHDRS | SMFIF_CHGBODY |
		    SMFIF_QUARANTINE,
		.xxfi_connect = mfi_connect,
		.xxfi_helo = mfi_helo,
		.xxfi_envfrom = mfi_envfrom,
		.xxfi_envrcpt = mfi_envrcpt,
		.xxfi_header = mfi_header,
		.xxfi_eoh = mfi_eoh,
		.xxfi_body = mfi_body,
		.xxfi_eom = mfi_eom,
		.xxfi_abort = mfi_abort,
		.xxfi_close = mfi_close,
	};
	struct mfi_cfg	 cfg;
	const char	*cfgpath = NULL, *pidfile = MFI_PIDFILE;
	const char	*sock = NULL, *spath;
	struct stat	 sst, st;
	char		 err[1024], *connstr;
	uint64_t	 tmo;
	size_t		 i;
	int		 ch, fg = 0, rc;

	log_procinit(MFI_NAME);
	while ((ch = getopt(argc, argv, "c:fp:s:")) != -1) {
		switch (ch) {
		case 'c':
			cfgpath = optarg;
			break;
		case 'f':
			fg = 1;
			break;
		case 'p':
			pidfile = optarg;
			break;
		case 's':
			sock = optarg;
			break;
		default:
			usage();
		}
	}
	if (optind != argc)
		usage();
	if (cfgpath == NULL && access(MFI_CONFIG, F_OK) == 0)
		cfgpath = MFI_CONFIG;

	memset(&cfg, 0, sizeof(cfg));
	if ((cfg.conf = conf_new()) == NULL)
		fatal("conf_new");
	if (cfgpath != NULL && conf_load_file(cfg.conf, cfgpath, err,
	    sizeof(err)) == -1) {
		if (conf_nerrors(cfg.conf) == 0)
			log_warnx("%s", err);
		for (i = 0; i < conf_nerrors(cfg.conf); i++)
			log_warnx("%s", conf_error(cfg.conf, i));
		return EX_CONFIG;
	}
	conf_view(cfg.conf, &cfg.v, CONF_SEC_SMFI, NULL, NULL);
	if (conf_log(&cfg.v, fg) == -1)
		return EX_CONFIG;
	if (sock == NULL)
		sock = conf_get_str(&cfg.v, CONF_K_MILTER_SOCKET);
	tmo = conf_get_duration(&cfg.v, CONF_K_MILTER_TIMEOUT) / 1000;
	cfg.memlimit = (size_t)conf_get_size(&cfg.v, CONF_K_SPOOL_MEMORY);
	cfg.tmpdir = conf_get_str(&cfg.v, CONF_K_TMP_DIR);
	if (access(cfg.tmpdir, W_OK | X_OK) == -1)
		log_warn("tmp_dir %s: messages larger than spool_memory "
		    "will be deferred", cfg.tmpdir);
	mfi_cfg = &cfg;

	/* the listening socket: rw for owner and group only */
	umask(0117);
	signal(SIGPIPE, SIG_IGN);
	if ((connstr = strdup(sock)) == NULL)
		fatal("strdup");
	if (smfi_setconn(connstr) == MI_FAILURE ||
	    smfi_settimeout(tmo > 0 && tmo < INT_MAX ? (int)tmo : INT_MAX) ==
	    MI_FAILURE) {
		log_warnx("milter_socket %s: not usable", sock);
		return EX_CONFIG;
	}
	/* body chunks up to 256K from MTAs that offer it (and miltertest) */
	smfi_setmaxdatasize(MFI_MAXDATA);
	if (smfi_register(desc) == MI_FAILURE) {
		log_warnx("smfi_register failed");
		return EX_SOFTWARE;
	}
	if (smfi_opensocket(1) == MI_FAILURE) {
		log_warnx("milter_socket %s: cannot listen", sock);
		return EX_CONFIG;
	}
	/* libmilter leaves a root's socket behind: ours goes at the end */
	memset(&sst, 0, sizeof(sst));
	if ((spath = sock_path(sock)) != NULL && lstat(spath, &sst) == -1)
		spath = NULL;
	if (!fg)
		detach(pidfile);
	/* root's work is done: libmilter's threads start in smfi_main() */
	drop_root(conf_get_str(&cfg.v, CONF_K_RUN_AS), spath);
	log_notice("vigil-milter %s started on %s", VIGIL_VERSION, sock);
	rc = smfi_main();
	if (spath != NULL && lstat(spath, &st) == 0 && S_ISSOCK(st.st_mode) &&
	    st.st_dev == sst.st_dev && st.st_ino == sst.st_ino)
		unlink(spath);
	if (!fg && pidfile[0] != '\0')
		unlink(pidfile);
	log_notice("vigil-milter stopped");
	mfi_cfg = NULL;
	conf_free(cfg.conf);
	free(connstr);
	return rc == MI_SUCCESS ? 0 : EX_SOFTWARE;
}
