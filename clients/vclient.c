/*
 * vclient.c - the client side of vigild's native protocol
 *
 * DESCRIPTION
 *	A thin layer over util/msg.h: requests are msg_send() calls with the
 *	connection's timeout, replies come through a msgbuf that accepts no
 *	descriptor, and each reply must carry the id of the request it
 *	answers.  See vclient.h and daemon/PROTOCOL.md.
 */
#include <sys/socket.h>
#include <sys/un.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <bsd/string.h>

#include "av/verdict.h"
#include "clients/vclient.h"
#include "daemon/native.h"
#include "util/msg.h"

static int	 vc_open(struct vclient *, const char *, int, int);
static int	 vc_fail(struct vclient *, int, const char *);
static int	 vc_send(struct vclient *, struct msg *, int);
static int	 vc_next(struct vclient *, int, uint32_t *, struct msg **);
static int	 vc_recv(struct vclient *, uint32_t, struct msg **);
static int	 vc_scan(struct vclient *, int, const struct native_req *,
		    uint32_t);
static int	 vc_verdict(struct vclient *, uint32_t, struct verdict *);

/* vc_fail - -1 with errno e and a text */
static int
vc_fail(struct vclient *vc, int e, const char *what)
{
	snprintf(vc->text, sizeof(vc->text), "%s: %s", what, strerror(e));
	errno = e;
	return -1;
}

/* vclient_open - connect and send the magic */
int
vclient_open(struct vclient *vc, const char *path, int timeout)
{
	return vc_open(vc, path, timeout, 0);
}

/* vclient_open_nowait - vclient_open(), but connect(2) never waits */
int
vclient_open_nowait(struct vclient *vc, const char *path, int timeout)
{
	return vc_open(vc, path, timeout, SOCK_NONBLOCK);
}

/* vc_open - connect (flags: SOCK_NONBLOCK or 0), send the magic */
static int
vc_open(struct vclient *vc, const char *path, int timeout, int flags)
{
	struct sockaddr_un	 sun;
	struct timeval		 tv;
	int			 e;

	memset(vc, 0, sizeof(*vc));
	vc->sock = -1;
	vc->timeout = timeout;
	vc->nextid = 1;
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (strlcpy(sun.sun_path, path, sizeof(sun.sun_path)) >=
	    sizeof(sun.sun_path))
		return vc_fail(vc, ENAMETOOLONG, path);
	if ((vc->sock = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | flags,
	    0)) == -1)
		return vc_fail(vc, errno, "socket");
	/* a blocking connect waits for room in the listen queue this long */
	if (flags == 0 && timeout > 0) {
		tv.tv_sec = timeout / 1000;
		tv.tv_usec = (suseconds_t)(timeout % 1000) * 1000;
		(void)setsockopt(vc->sock, SOL_SOCKET, SO_SNDTIMEO, &tv,
		    sizeof(tv));
	}
	if (connect(vc->sock, (struct sockaddr *)&sun, sizeof(sun)) == -1) {
		e = errno;
		vclient_close(vc);
		return vc_fail(vc, e, path);
	}
	/* non-blocking: msg_send() and msgbuf_recv() poll with timeouts */
	if (fcntl(vc->sock, F_SETFL, O_NONBLOCK) == -1 ||
	    send(vc->sock, NATIVE_MAGIC, NATIVE_MAGICLEN, MSG_NOSIGNAL) !=
	    NATIVE_MAGICLEN) {
		e = errno;
		vclient_close(vc);
		return vc_fail(vc, e, "send");
	}
	msgbuf_init(&vc->mb, vc->sock, 0);
	return 0;
}

/* vclient_close - close the connection */
void
vclient_close(struct vclient *vc)
{
	if (vc->sock == -1)
		return;
	msgbuf_clear(&vc->mb);
	close(vc->sock);
	vc->sock = -1;
	vc->streamid = 0;
}

/* vc_send - send m (and fd), then free m */
static int
vc_send(struct vclient *vc, struct msg *m, int fd)
{
	int	 r, e;

	if (vc->sock == -1) {
		msg_free(m);
		return vc_fail(vc, EBADF, "send");
	}
	if (m == NULL)
		return vc_fail(vc, ENOMEM, "send");
	r = msg_send(vc->sock, m, fd, vc->timeout);
	e = errno;
	msg_free(m);
	if (r == -1)
		return vc_fail(vc, e, "send");
	return 0;
}

/* vc_next - the next reply (m), or 1 for an R_ERROR (read here; *id) */
static int
vc_next(struct vclient *vc, int timeout, uint32_t *id, struct msg **mp)
{
	struct msg	*m;
	const char	*text;
	int		 r;

	*mp = NULL;
	*id = 0;
	if (vc->sock == -1)
		return vc_fail(vc, EBADF, "receive");
	if ((r = msgbuf_recv(&vc->mb, &m, timeout)) == 0)
		return vc_fail(vc, ECONNRESET, "receive");
	if (r == -1)
		return vc_fail(vc, errno, "receive");
	*id = m->hdr.id;
	if (m->hdr.type == NATIVE_R_ERROR) {
		if (native_get_error(m, &vc->code, &text) == -1) {
			msg_free(m);
			return vc_fail(vc, EBADMSG, "error reply");
		}
		snprintf(vc->text, sizeof(vc->text), "%s", text);
		msg_free(m);
		return 1;
	}
	*mp = m;
	return 0;
}

/* vc_recv - the reply to request id; 1 for an R_ERROR (read here) */
static int
vc_recv(struct vclient *vc, uint32_t id, struct msg **mp)
{
	uint32_t	 got;
	int		 r;

	/* an error of a broken frame may come with id 0 */
	if ((r = vc_next(vc, vc->timeout, &got, mp)) != 0)
		return r;
	if (got != id) {
		msg_free(*mp);
		*mp = NULL;
		return vc_fail(vc, EBADMSG, "reply to another request");
	}
	return 0;
}

/* vclient_request - a request without fields, and its reply */
int
vclient_request(struct vclient *vc, uint32_t type, struct msg **reply)
{
	uint32_t	 id = vc->nextid++;

	*reply = NULL;
	if (type < NATIVE_PING || type > NATIVE_SHUTDOWN || vc->streamid != 0 ||
	    vc->npending != 0)
		return vc_fail(vc, EINVAL, "request");
	if (vc_send(vc, msg_new(type, id, 0), -1) == -1)
		return -1;
	return vc_recv(vc, id, reply);
}

/* vc_scan - send a SCAN with the options and flags (and fd) */
static int
vc_scan(struct vclient *vc, int fd, const struct native_req *opt,
    uint32_t flags)
{
	struct native_req	 rq;
	struct msg		*m;
	uint32_t		 id = vc->nextid++;

	if (vc->streamid != 0)
		return vc_fail(vc, EINVAL, "scan");
	memset(&rq, 0, sizeof(rq));
	if (opt != NULL)
		rq = *opt;
	rq.flags = (rq.flags & NATIVE_F_ALLMATCH) | flags;
	if ((m = msg_new(NATIVE_SCAN, id, 0)) == NULL)
		return vc_fail(vc, ENOMEM, "scan");
	if (native_put_scan(m, &rq) == -1) {
		msg_free(m);
		return vc_fail(vc, errno, "scan options");
	}
	if (vc_send(vc, m, fd) == -1)
		return -1;
	return (int)id;
}

/* vc_verdict - wait for the verdict of request id */
static int
vc_verdict(struct vclient *vc, uint32_t id, struct verdict *v)
{
	struct msg	*m;
	int		 r;

	verdict_reset(v);
	if ((r = vc_recv(vc, id, &m)) != 0)
		return r;
	if (native_get_verdict(m, v) == -1) {
		msg_free(m);
		return vc_fail(vc, EBADMSG, "verdict");
	}
	vc->serial = m->hdr.gen;
	msg_free(m);
	return 0;
}

/* vclient_scan_fd - scan a descriptor the daemon receives */
int
vclient_scan_fd(struct vclient *vc, int fd, const struct native_req *opt,
    struct verdict *v)
{
	int	 id;

	if (fd < 0)
		return vc_fail(vc, EBADF, "scan");
	if (vc->npending != 0)
		return vc_fail(vc, EINVAL, "scan");
	if ((id = vc_scan(vc, fd, opt, 0)) == -1)
		return -1;
	return vc_verdict(vc, (uint32_t)id, v);
}

/* vclient_stream_begin - a SCAN whose bytes follow */
int
vclient_stream_begin(struct vclient *vc, const struct native_req *opt)
{
	int	 id;

	if (vc->npending != 0)
		return vc_fail(vc, EINVAL, "stream");
	if ((id = vc_scan(vc, -1, opt, NATIVE_F_STREAM)) == -1)
		return -1;
	vc->streamid = (uint32_t)id;
	return 0;
}

/* vclient_stream_write - stream bytes, in DATA frames */
int
vclient_stream_write(struct vclient *vc, const void *p, size_t len)
{
	const uint8_t	*b = p;
	struct msg	*m;
	size_t		 k;

	if (vc->streamid == 0)
		return vc_fail(vc, EINVAL, "stream");
	while (len > 0) {
		k = len < VCLIENT_CHUNK ? len : VCLIENT_CHUNK;
		if ((m = msg_new(NATIVE_DATA, vc->streamid, 0)) != NULL &&
		    msg_add_data(m, b, k) == -1) {
			msg_free(m);
			m = NULL;
		}
		if (vc_send(vc, m, -1) == -1)
			return -1;
		b += k;
		len -= k;
	}
	return 0;
}

/* vclient_stream_end - the empty DATA frame, then the verdict */
int
vclient_stream_end(struct vclient *vc, struct verdict *v)
{
	uint32_t	 id = vc->streamid;

	if (id == 0)
		return vc_fail(vc, EINVAL, "stream");
	vc->streamid = 0;
	if (vc_send(vc, msg_new(NATIVE_DATA, id, 0), -1) == -1)
		return -1;
	return vc_verdict(vc, id, v);
}

/* vclient_scan_stream - stream what descriptor in holds, to its end */
int
vclient_scan_stream(struct vclient *vc, int in, const struct native_req *opt,
    struct verdict *v)
{
	uint8_t		 b[VCLIENT_CHUNK];
	ssize_t		 n;
	int		 r;

	if ((r = vclient_stream_begin(vc, opt)) != 0)
		return r;
	for (;;) {
		if ((n = read(in, b, sizeof(b))) == -1) {
			if (errno == EINTR)
				continue;
			vc->streamid = 0;
			return vc_fail(vc, errno, "read");
		}
		if (n == 0)
			break;
		if ((r = vclient_stream_write(vc, b, (size_t)n)) != 0)
			return r;
	}
	return vclient_stream_end(vc, v);
}

/* vclient_scan_send - send a SCAN with a descriptor, wait for nothing */
int
vclient_scan_send(struct vclient *vc, int fd, const struct native_req *opt,
    uint32_t *idp)
{
	int	 id;

	if (fd < 0)
		return vc_fail(vc, EBADF, "scan");
	if (vc->npending >= VCLIENT_MAXPIPE)
		return vc_fail(vc, EBUSY, "scan");
	if ((id = vc_scan(vc, fd, opt, 0)) == -1)
		return -1;
	vc->npending++;
	*idp = (uint32_t)id;
	return 0;
}

/* vclient_scan_recv - the next verdict of a request sent before */
int
vclient_scan_recv(struct vclient *vc, int timeout, uint32_t *idp,
    struct verdict *v)
{
	struct msg	*m;
	int		 r;

	*idp = 0;
	if (vc->npending == 0)
		return vc_fail(vc, EINVAL, "receive");
	verdict_reset(v);
	if ((r = vc_next(vc, timeout, idp, &m)) == -1)
		return -1;
	if (r == 1 && *idp == 0)
		return 1;		/* a broken frame: vigild hangs up */
	if (*idp == 0 || *idp >= vc->nextid) {
		msg_free(m);
		return vc_fail(vc, EBADMSG, "reply to no request");
	}
	vc->npending--;
	if (r == 1)
		return 1;
	if (native_get_verdict(m, v) == -1) {
		msg_free(m);
		return vc_fail(vc, EBADMSG, "verdict");
	}
	vc->serial = m->hdr.gen;
	msg_free(m);
	return 0;
}
