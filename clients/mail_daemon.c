/*
 * mail_daemon.c - ask vigild for a message's verdict, with failover
 *
 * DESCRIPTION
 *	mail_verdict() (mail.h) tries the daemon addresses in order.  A unix
 *	socket goes through vclient_open(); HOST:PORT is connected here
 *	(non-blocking connect bounded by the timeout) and then driven by the
 *	same vclient calls, as vigild speaks the native protocol on every
 *	socket.  A local daemon gets the caller's descriptor when there is
 *	one; otherwise the message is streamed.  The verdict's reply names
 *	the generation that scanned (vc.serial), the database serial of
 *	the marks.
 *	The strings of the request come from the peer's envelope: control
 *	bytes become '_' and they are cut to fit, so that vigild never
 *	refuses a request for them.
 */
#include <sys/socket.h>

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "av/verdict.h"
#include "clients/mail.h"
#include "clients/vclient.h"
#include "daemon/native.h"
#include "util/msg.h"

static int	 tcp_open(struct vclient *, const char *, int);
static void	 safe_str(char *, size_t, const char *);
static int	 one_object(struct verdict *, size_t, const char *);
static int	 md_listed(const struct mail_policy *, const char *);
static void	 md_keep(struct mail_conn *, int, const char *);
static int	 md_verdict(const struct mail_policy *, const struct mail_env *,
		    const uint8_t *, size_t, int, struct mail_conn *,
		    struct verdict *, uint64_t *, char *, size_t);
static int	 ask(struct vclient *, int, const struct native_req *,
		    const uint8_t *, size_t, int, struct verdict *);

/* tcp_open - connect a vclient to HOST:PORT ([V6]:PORT) */
static int
tcp_open(struct vclient *vc, const char *addr, int timeout)
{
	struct addrinfo		 hints, *res = NULL, *ai;
	struct pollfd		 pfd;
	char			 host[256];
	const char		*colon = strrchr(addr, ':'), *h = addr;
	size_t			 hl;
	socklen_t		 sl;
	int			 s = -1, e = ECONNREFUSED, r;

	memset(vc, 0, sizeof(*vc));
	vc->sock = -1;
	if (colon == NULL || colon == addr) {
		errno = EINVAL;
		return -1;
	}
	hl = (size_t)(colon - addr);
	if (addr[0] == '[' && hl >= 2 && addr[hl - 1] == ']') {
		h = addr + 1;
		hl -= 2;
	}
	if (hl >= sizeof(host)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memcpy(host, h, hl);
	host[hl] = '\0';
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	if ((r = getaddrinfo(host, colon + 1, &hints, &res)) != 0) {
		errno = r == EAI_SYSTEM ? errno : EHOSTUNREACH;
		return -1;
	}
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		if ((s = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC |
		    SOCK_NONBLOCK, ai->ai_protocol)) == -1) {
			e = errno;
			continue;
		}
		if (connect(s, ai->ai_addr, ai->ai_addrlen) == 0)
			break;
		if (errno == EINPROGRESS) {
			pfd.fd = s;
			pfd.events = POLLOUT;
			sl = sizeof(e);
			if ((r = poll(&pfd, 1, timeout)) == 1 &&
			    getsockopt(s, SOL_SOCKET, SO_ERROR, &e, &sl) == 0 &&
			    e == 0)
				break;
			if (r == 0)
				e = ETIMEDOUT;
			else if (r == -1)
				e = errno;
		} else
			e = errno;
		close(s);
		s = -1;
	}
	freeaddrinfo(res);
	if (s == -1) {
		errno = e;
		return -1;
	}
	if (send(s, NATIVE_MAGIC, NATIVE_MAGICLEN, MSG_NOSIGNAL) !=
	    NATIVE_MAGICLEN) {
		e = errno;
		close(s);
		errno = e;
		return -1;
	}
	vc->sock = s;
	vc->timeout = timeout;
	vc->nextid = 1;
	msgbuf_init(&vc->mb, s, 0);
	return 0;
}

/* safe_str - s cut to fit, control bytes as '_' */
static void
safe_str(char *out, size_t len, const char *s)
{
	size_t	 i;

	for (i = 0; s != NULL && s[i] != '\0' && i + 1 < len; i++)
		out[i] = (unsigned char)s[i] < 0x20 || s[i] == 0x7f ? '_' :
		    s[i];
	out[i] = '\0';
}

/* one_object - a verdict of the message alone, not scanned for why */
static int
one_object(struct verdict *v, size_t len, const char *why)
{
	verdict_reset(v);
	if (verdict_object(v, UINT32_MAX, "message", 0, 0, len) == -1 ||
	    verdict_notscanned(v, 0, why) == -1)
		return -1;
	return 0;
}

/* ask - one scan on an open connection: as vclient's calls return */
static int
ask(struct vclient *vc, int local, const struct native_req *rq,
    const uint8_t *msg, size_t len, int fd, struct verdict *v)
{
	int	 r;

	if (local && fd >= 0)
		return vclient_scan_fd(vc, fd, rq, v);
	if ((r = vclient_stream_begin(vc, rq)) != 0 ||
	    (r = vclient_stream_write(vc, msg, len)) != 0)
		return r;
	return vclient_stream_end(vc, v);
}

/* md_listed - is addr one of the policy's daemon addresses */
static int
md_listed(const struct mail_policy *p, const char *addr)
{
	size_t	 i;

	for (i = 0; i < p->ndaemons; i++)
		if (strcmp(p->daemons[i], addr) == 0)
			return 1;
	return 0;
}

/* md_keep - the connection in conn->vc stays open for the next message */
static void
md_keep(struct mail_conn *conn, int local, const char *addr)
{
	if (strlen(addr) >= sizeof(conn->addr)) {
		vclient_close(&conn->vc);	/* cannot say where: drop */
		return;
	}
	strcpy(conn->addr, addr);
	conn->local = local;
	conn->open = 1;
}

/*
 * md_verdict - the verdict of msg from the first daemon that answers;
 * with conn, a connection conn keeps open is tried first, and the one
 * that answered is kept open in it
 */
static int
md_verdict(const struct mail_policy *p, const struct mail_env *e,
    const uint8_t *msg, size_t len, int fd, struct mail_conn *conn,
    struct verdict *v, uint64_t *serial, char *err, size_t errlen)
{
	struct mail_req		 mr;
	struct native_req	*rq = &mr.rq;
	struct vclient		 own, *vc = conn != NULL ? &conn->vc : &own;
	size_t			 i;
	int			 r, local, e2 = ECONNREFUSED;

	*serial = 0;
	if (err != NULL && errlen > 0)
		snprintf(err, errlen, "no daemon_addr");
	if (p->max_message_size != 0 && len > p->max_message_size)
		return one_object(v, len, "limit: message size");
	mail_request(e, &mr);
	/* a kept connection first; any failure: start over, once */
	if (conn != NULL && conn->open && !md_listed(p, conn->addr))
		mail_conn_close(conn);	/* the policy names other daemons */
	if (conn != NULL && conn->open) {
		vc->timeout = p->timeout_ms;
		r = ask(vc, conn->local, rq, msg, len, fd, v);
		if (r == 0 || (r == 1 && vc->code == NATIVE_E_TOOBIG)) {
			*serial = vc->serial;
			return r == 0 ? 0 : one_object(v, len,
			    "limit: stream size");
		}
		mail_conn_close(conn);
	}
	for (i = 0; i < p->ndaemons; i++) {
		local = p->daemons[i][0] == '/';
		r = local ? vclient_open(vc, p->daemons[i], p->timeout_ms) :
		    tcp_open(vc, p->daemons[i], p->timeout_ms);
		if (r == -1) {
			e2 = errno;
			if (err != NULL && errlen > 0)
				snprintf(err, errlen, "%s: %s", p->daemons[i],
				    strerror(e2));
			vclient_close(vc);
			continue;
		}
		r = ask(vc, local, rq, msg, len, fd, v);
		if (r == 1 && vc->code == NATIVE_E_TOOBIG) {
			/* the connection stays usable (PROTOCOL.md) */
			if (conn != NULL)
				md_keep(conn, local, p->daemons[i]);
			else
				vclient_close(vc);
			return one_object(v, len, "limit: stream size");
		}
		if (r != 0) {
			e2 = r == 1 ? EPROTO : errno;
			if (err != NULL && errlen > 0)
				snprintf(err, errlen, "%s: %s", p->daemons[i],
				    vc->text);
			vclient_close(vc);
			continue;
		}
		*serial = vc->serial;
		if (conn != NULL)
			md_keep(conn, local, p->daemons[i]);
		else
			vclient_close(vc);
		return 0;
	}
	errno = e2;
	return -1;
}

/* mail_request - the scan request of e, as md_verdict() sends it */
void
mail_request(const struct mail_env *e, struct mail_req *r)
{
	safe_str(r->agent, sizeof(r->agent), e != NULL && e->agent != NULL ?
	    e->agent : "mail");
	safe_str(r->rcpt, sizeof(r->rcpt), e != NULL && e->nrcpts > 0 ?
	    e->rcpts[0] : "");
	safe_str(r->user, sizeof(r->user), e != NULL ? e->user : "");
	memset(&r->rq, 0, sizeof(r->rq));
	r->rq.agent = r->agent;
	r->rq.rcpt = r->rcpt;
	r->rq.user = r->user;
	r->rq.name = "";
	r->rq.flags = NATIVE_F_ALLMATCH;
}

/* mail_verdict - the verdict of msg from the first daemon that answers */
int
mail_verdict(const struct mail_policy *p, const struct mail_env *e,
    const uint8_t *msg, size_t len, int fd, struct verdict *v,
    uint64_t *serial, char *err, size_t errlen)
{
	return md_verdict(p, e, msg, len, fd, NULL, v, serial, err, errlen);
}

/* mail_conn_init - no connection yet */
void
mail_conn_init(struct mail_conn *c)
{
	memset(c, 0, sizeof(*c));
	c->vc.sock = -1;
}

/* mail_conn_close - close a kept connection (safe twice) */
void
mail_conn_close(struct mail_conn *c)
{
	if (c->open)
		vclient_close(&c->vc);
	c->open = 0;
}

/* mail_scan - verdict, then decision; DEFER when no daemon answers */
int
mail_scan(const struct mail_policy *p, const struct mail_env *e,
    const uint8_t *msg, size_t len, int fd, struct mail_out *o)
{
	return mail_scan_conn(p, e, msg, len, fd, NULL, o);
}

/* mail_scan_conn - mail_scan() over a connection kept in conn */
int
mail_scan_conn(const struct mail_policy *p, const struct mail_env *e,
    const uint8_t *msg, size_t len, int fd, struct mail_conn *conn,
    struct mail_out *o)
{
	struct verdict	 v;
	uint64_t	 serial;
	char		 err[300];
	int		 rc, e2;

	verdict_init(&v);
	if (md_verdict(p, e, msg, len, fd, conn, &v, &serial, err,
	    sizeof(err)) == -1) {
		e2 = errno;
		mail_out_free(o);
		o->action = MAIL_DEFER;
		o->failed = 1;
		snprintf(o->reason, sizeof(o->reason),
		    "Temporary failure: vigild: %s", err);
		verdict_free(&v);
		errno = e2;
		return -1;
	}
	rc = mail_decide(p, e, msg, len, &v, serial, o);
	e2 = errno;
	verdict_free(&v);
	errno = e2;
	return rc;
}
