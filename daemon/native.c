/*
 * native.c - vigild's native protocol: parser, server side, codecs
 *
 * DESCRIPTION
 *	The parser (native_feed) is the supervisor's first contact with what
 *	a native client sends: a header is checked before any of its payload
 *	is kept, a request's payload is bounded by NATIVE_MAXREQ and lives
 *	in the connection's own buffer, stream data is never buffered here
 *	(it goes to the caller as pointers into its own bytes), and every
 *	field is read through the bounded msg_get_*() accessors of a message
 *	laid over that buffer.  Whatever is wrong ends in one ERROR event;
 *	the supervisor answers it and closes the connection.
 *
 *	The server (native_serve) answers what it can by itself and asks
 *	the supervisor, through struct native_host, for the rest.
 *	See daemon/PROTOCOL.md for the bytes.
 */
#include <sys/mman.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bsd/string.h>

#include "av/limits.h"
#include "av/msgtypes.h"
#include "av/verdict.h"
#include "av/wire.h"
#include "conf/conf.h"
#include "daemon/native.h"
#include "signatures/matcher.h"
#include "util/buf.h"
#include "util/log.h"
#include "util/msg.h"
#include "workers/pipeline.h"

enum { S_HDR = 0, S_BODY, S_DATA, S_DONE };

static size_t	 native_error(struct native *, struct native_ev *, size_t,
		    uint32_t, const char *);
static int	 native_header(struct native *, struct native_ev *);
static int	 native_decode(struct native *, struct native_ev *);
static int	 native_str(struct msg *, const char **);
static int	 native_strok(const char *);
static uint64_t	 native_lower(uint64_t, uint64_t);
static void	 native_request(struct native *, const struct native_req *,
		    void *, struct buf *, const struct native_host *);
static void	 native_scan(struct native *, const struct native_req *,
		    void *, struct buf *, const struct native_host *);
static void	 native_end(struct native *, const struct native_ev *,
		    void *, struct buf *, const struct native_host *);
static void	 native_spool(struct native *, const uint8_t *, size_t);
static void	 native_reply_version(struct buf *, uint32_t,
		    const struct native_info *);
static const char *native_vis(const char *);

static const char *const native_errs[NATIVE_E_NCODES] = {
	[NATIVE_E_NONE] = "no error",
	[NATIVE_E_BADFRAME] = "malformed frame",
	[NATIVE_E_BADREQ] = "malformed request",
	[NATIVE_E_NOFD] = "no file descriptor received",
	[NATIVE_E_TOOBIG] = "stream size limit exceeded",
	[NATIVE_E_NOMEM] = "out of memory",
	[NATIVE_E_DENIED] = "permission denied",
	[NATIVE_E_RELOAD] = "reload failed",
	[NATIVE_E_STOPPING] = "shutting down",
};

/* native_detect - native (1), clamd (0), or not known yet (-1) */
int
native_detect(const uint8_t *p, size_t len, int eop)
{
	size_t	 n = len < NATIVE_MAGICLEN ? len : NATIVE_MAGICLEN;

	if (memcmp(p, NATIVE_MAGIC, n) != 0)
		return 0;
	if (n == NATIVE_MAGICLEN)
		return 1;
	return eop ? 0 : -1;
}

/* native_init - a fresh connection, its magic already consumed */
void
native_init(struct native *n, const struct native_opts *o)
{
	memset(n, 0, sizeof(*n));
	n->o = *o;
	if (n->o.maxstream == 0)
		n->o.maxstream = NATIVE_STREAM_DEFAULT;
	n->memfd = -1;
	n->state = S_HDR;
}

/* native_error - the last event: a protocol error */
static size_t
native_error(struct native *n, struct native_ev *ev, size_t used,
    uint32_t code, const char *msg)
{
	ev->type = NATIVE_EV_ERROR;
	ev->err = code;
	ev->msg = msg;
	n->state = S_DONE;
	return used;
}

/* native_header - check a whole header; -1 with an error in ev */
static int
native_header(struct native *n, struct native_ev *ev)
{
	struct msg_hdr	*h = &n->h;
	size_t		 plen;

	memcpy(h, n->hdr, sizeof(*h));
	n->hasfd = (h->len & MSG_HASFD) != 0;
	h->len &= ~MSG_HASFD;
	ev->id = h->id;
	if (h->len < MSG_HDRSIZE) {
		ev->msg = "frame length below the header size";
		return -1;
	}
	plen = h->len - MSG_HDRSIZE;
	if (n->instream) {
		if (h->type != NATIVE_DATA)
			ev->msg = "a stream is open: DATA frames only";
		else if (h->id != n->streamid)
			ev->msg = "DATA frame of another request";
		else if (n->hasfd)
			ev->msg = "a descriptor with a DATA frame";
		else if (plen > NATIVE_MAXCHUNK)
			ev->msg = "DATA frame too long";
		else
			return 0;
		return -1;
	}
	if (h->type == NATIVE_DATA)
		ev->msg = "DATA frame without a stream";
	else if (h->type < NATIVE_PING || h->type > NATIVE_SCAN)
		ev->msg = "unknown frame type";
	else if (h->len > NATIVE_MAXREQ)
		ev->msg = "request frame too long";
	else if (n->hasfd && h->type != NATIVE_SCAN)
		ev->msg = "a descriptor with a request that takes none";
	else
		return 0;
	return -1;
}

/* native_strok - a string fit for names and logs: bounded, no controls */
static int
native_strok(const char *s)
{
	size_t	 i;

	for (i = 0; s[i] != '\0'; i++)
		if (i == NATIVE_MAXNAME || (unsigned char)s[i] < 0x20 ||
		    s[i] == 0x7f)
			return 0;
	return 1;
}

/* native_str - read one string field and check it */
static int
native_str(struct msg *m, const char **s)
{
	if (msg_get_str(m, s) == -1 || !native_strok(*s)) {
		m->failed = EBADMSG;
		return -1;
	}
	return 0;
}

/* native_decode - the whole request in n->body; -1 with ev->err, msg */
static int
native_decode(struct native *n, struct native_ev *ev)
{
	struct native_req	*rq = &ev->req;
	struct msg		 m;

	memset(&m, 0, sizeof(m));
	m.hdr = n->h;
	m.data = n->body;
	m.len = m.cap = n->nbody;
	m.fd = -1;
	memset(rq, 0, sizeof(*rq));
	rq->type = n->h.type;
	rq->id = n->h.id;
	rq->hasfd = n->hasfd;
	rq->agent = rq->rcpt = rq->user = rq->name = "";
	ev->err = NATIVE_E_BADREQ;
	if (rq->type != NATIVE_SCAN) {
		if (msg_end(&m) == -1) {
			ev->msg = "a request without fields has a payload";
			return -1;
		}
		return 0;
	}
	if (msg_get_u32(&m, &rq->flags) == -1 ||
	    native_str(&m, &rq->agent) == -1 ||
	    native_str(&m, &rq->rcpt) == -1 ||
	    native_str(&m, &rq->user) == -1 ||
	    native_str(&m, &rq->name) == -1 ||
	    msg_get_u32(&m, &rq->lim.max_depth) == -1 ||
	    msg_get_u64(&m, &rq->lim.max_scansize) == -1 ||
	    msg_get_u32(&m, &rq->lim.max_files) == -1 ||
	    msg_get_u64(&m, &rq->lim.max_filesize) == -1 ||
	    msg_get_u32(&m, &rq->lim.max_ratio) == -1 ||
	    msg_get_u32(&m, &rq->lim.max_time) == -1 ||
	    msg_end(&m) == -1) {
		ev->msg = "malformed SCAN fields";
		return -1;
	}
	if ((rq->flags & ~NATIVE_F_ALL) != 0) {
		ev->msg = "unknown SCAN flags";
		return -1;
	}
	if ((rq->flags & NATIVE_F_STREAM) && rq->hasfd) {
		ev->msg = "SCAN with both a stream and a descriptor";
		return -1;
	}
	if (!(rq->flags & NATIVE_F_STREAM) && !rq->hasfd) {
		ev->err = NATIVE_E_NOFD;
		ev->msg = "SCAN without a descriptor or a stream";
		return -1;
	}
	if (rq->flags & NATIVE_F_STREAM) {
		n->instream = 1;
		n->streamid = rq->id;
		n->streamed = 0;
		n->toobig = 0;
	}
	return 0;
}

/* native_feed - consume bytes up to the next event */
size_t
native_feed(struct native *n, const uint8_t *p, size_t len,
    struct native_ev *ev)
{
	size_t		 used = 0, k, room;

	memset(ev, 0, sizeof(*ev));
	ev->type = NATIVE_EV_NONE;
	while (used < len) {
		switch (n->state) {
		case S_DONE:
			return len;
		case S_HDR:
			k = MSG_HDRSIZE - n->nhdr;
			if (k > len - used)
				k = len - used;
			memcpy(n->hdr + n->nhdr, p + used, k);
			n->nhdr += k;
			used += k;
			if (n->nhdr < MSG_HDRSIZE)
				break;
			n->nhdr = 0;
			if (native_header(n, ev) == -1)
				return native_error(n, ev, used,
				    NATIVE_E_BADFRAME, ev->msg);
			n->left = n->h.len - MSG_HDRSIZE;
			n->nbody = 0;
			if (n->instream && n->left == 0) {
				/* the empty DATA frame ends the stream */
				n->instream = 0;
				ev->type = NATIVE_EV_END;
				ev->id = n->streamid;
				ev->err = n->toobig ? NATIVE_E_TOOBIG : 0;
				return used;
			}
			if (n->instream) {
				n->state = S_DATA;
				break;
			}
			if (n->left > 0) {
				n->state = S_BODY;
				break;
			}
			goto request;
		case S_BODY:
			k = n->left < len - used ? n->left : len - used;
			memcpy(n->body + n->nbody, p + used, k);
			n->nbody += k;
			n->left -= k;
			used += k;
			if (n->left > 0)
				break;
			n->state = S_HDR;
			goto request;
		case S_DATA:
			k = n->left < len - used ? n->left : len - used;
			n->left -= k;
			if (n->left == 0)
				n->state = S_HDR;
			/* past the limit: used, not given, noted for END */
			room = n->toobig ? 0 : n->o.maxstream - n->streamed;
			if (k > room)
				n->toobig = 1;
			ev->data = p + used;
			ev->len = k < room ? k : room;
			n->streamed += ev->len;
			used += k;
			if (ev->len > 0) {
				ev->type = NATIVE_EV_DATA;
				ev->id = n->streamid;
				return used;
			}
			ev->data = NULL;
			break;
		}
	}
	return used;

request:
	ev->id = n->h.id;
	if (native_decode(n, ev) == -1)
		return native_error(n, ev, used, ev->err, ev->msg);
	ev->type = NATIVE_EV_REQUEST;
	ev->err = 0;
	return used;
}

/* native_lower - a limit lowered by a request, never raised (0: none) */
static uint64_t
native_lower(uint64_t base, uint64_t want)
{
	if (want == 0)
		return base;
	if (base == 0 || want < base)
		return want;
	return base;
}

/* native_limits - base, lowered where the request asks */
void
native_limits(const struct scan_limits *base, const struct native_req *rq,
    struct scan_limits *out)
{
	*out = *base;
	out->max_depth = (uint32_t)native_lower(base->max_depth,
	    rq->lim.max_depth);
	out->max_scansize = native_lower(base->max_scansize,
	    rq->lim.max_scansize);
	out->max_files = (uint32_t)native_lower(base->max_files,
	    rq->lim.max_files);
	out->max_filesize = native_lower(base->max_filesize,
	    rq->lim.max_filesize);
	out->max_ratio = (uint32_t)native_lower(base->max_ratio,
	    rq->lim.max_ratio);
	out->max_time = (uint32_t)native_lower(base->max_time,
	    rq->lim.max_time);
}

/* native_view_limits - the limits of [daemon] for a recipient and user */
void
native_view_limits(const struct conf *c, const char *rcpt, const char *user,
    struct scan_limits *out)
{
	struct conf_view	 v;

	scan_limits_default(out);
	if (c == NULL)
		return;
	conf_view(c, &v, CONF_SEC_DAEMON,
	    rcpt != NULL && rcpt[0] != '\0' ? rcpt : NULL,
	    user != NULL && user[0] != '\0' ? user : NULL);
	out->max_depth = (uint32_t)conf_get_int(&v, CONF_K_MAX_RECURSION);
	out->max_files = (uint32_t)conf_get_int(&v, CONF_K_MAX_FILES);
	out->max_filesize = conf_get_size(&v, CONF_K_MAX_FILESIZE);
	out->max_scansize = conf_get_size(&v, CONF_K_MAX_SCANSIZE);
	out->max_ratio = (uint32_t)conf_get_int(&v, CONF_K_MAX_RATIO);
	out->max_time = (uint32_t)conf_get_duration(&v, CONF_K_MAX_SCANTIME);
	out->heuristics = conf_get_bool(&v, CONF_K_HEURISTIC_ALERTS);
}

/* native_new - a server connection */
struct native *
native_new(const struct native_opts *o)
{
	struct native	*n;

	if ((n = malloc(sizeof(*n))) == NULL)
		return NULL;
	native_init(n, o);
	return n;
}

/* native_free - release a connection and the stream it spools */
void
native_free(struct native *n)
{
	if (n == NULL)
		return;
	if (n->memfd != -1)
		close(n->memfd);
	free(n);
}

/* native_done - 1 once the connection must be closed */
int
native_done(const struct native *n)
{
	return n->done;
}

/* native_vis - a client's string for a log line (static buffer) */
static const char *
native_vis(const char *s)
{
	static char	 b[256];
	size_t		 i;

	for (i = 0; s[i] != '\0' && i < sizeof(b) - 1; i++)
		b[i] = (unsigned char)s[i] < 0x20 || s[i] == 0x7f ? '?' : s[i];
	b[i] = '\0';
	return b;
}

/* native_serve - handle one event of native_feed() */
void
native_serve(struct native *n, const struct native_ev *ev, void *ctx,
    struct buf *out, const struct native_host *h)
{
	switch (ev->type) {
	case NATIVE_EV_NONE:
		break;
	case NATIVE_EV_ERROR:
		log_info("client %llu: native protocol: %s (request %u), "
		    "dropped", (unsigned long long)n->o.client, ev->msg,
		    ev->id);
		native_reply_error(out, ev->id, ev->err, ev->msg);
		n->done = 1;
		break;
	case NATIVE_EV_REQUEST:
		native_request(n, &ev->req, ctx, out, h);
		break;
	case NATIVE_EV_DATA:
		native_spool(n, ev->data, ev->len);
		break;
	case NATIVE_EV_END:
		native_end(n, ev, ctx, out, h);
		break;
	}
}

/* native_request - answer a request, or start its scan */
static void
native_request(struct native *n, const struct native_req *rq, void *ctx,
    struct buf *out, const struct native_host *h)
{
	struct native_info	 in;
	uint64_t		 before = 0, after = 0;
	char			 msg[128];
	int			 r;

	switch (rq->type) {
	case NATIVE_PING:
		native_reply_ok(out, rq->id, "PONG");
		break;
	case NATIVE_VERSION:
	case NATIVE_STATUS:
	case NATIVE_STATS:
		memset(&in, 0, sizeof(in));
		h->info(&in);
		if (rq->type == NATIVE_VERSION)
			native_reply_version(out, rq->id, &in);
		else
			native_reply_info(out, rq->id, rq->type ==
			    NATIVE_STATUS ? NATIVE_R_STATUS : NATIVE_R_STATS,
			    &in);
		break;
	case NATIVE_RELOAD:
	case NATIVE_SHUTDOWN:
		if (!n->o.admin) {
			log_warnx("client %llu: native %s refused: not root "
			    "nor the daemon's user", (unsigned long long)
			    n->o.client, rq->type == NATIVE_RELOAD ?
			    "RELOAD" : "SHUTDOWN");
			native_reply_error(out, rq->id, NATIVE_E_DENIED,
			    "only root or the daemon's user may do this");
			break;
		}
		if (rq->type == NATIVE_SHUTDOWN) {
			log_warnx("client %llu: native SHUTDOWN",
			    (unsigned long long)n->o.client);
			native_reply_ok(out, rq->id, "shutting down");
			h->shutdown(ctx);
			break;
		}
		if ((r = h->reload(&before, &after)) == -1) {
			snprintf(msg, sizeof(msg), "the new generation is not "
			    "usable; keeping %llu (see the log)",
			    (unsigned long long)after);
			native_reply_error(out, rq->id, NATIVE_E_RELOAD, msg);
		} else
			native_reply_reload(out, rq->id, (uint32_t)r, before,
			    after);
		break;
	case NATIVE_SCAN:
		native_scan(n, rq, ctx, out, h);
		break;
	}
}

/* native_scan - a SCAN: queue the descriptor, or open the stream */
static void
native_scan(struct native *n, const struct native_req *rq, void *ctx,
    struct buf *out, const struct native_host *h)
{
	struct native_job	 nj;
	struct scan_limits	 base;
	char			 name[32];
	int			 fd;

	memset(&nj, 0, sizeof(nj));
	nj.on = 1;
	nj.id = rq->id;
	nj.stream = (rq->flags & NATIVE_F_STREAM) != 0;
	nj.flags = (rq->flags & NATIVE_F_ALLMATCH) ? MATCH_ALL : 0;
	native_view_limits(h->conf(), rq->rcpt, rq->user, &base);
	native_limits(&base, rq, &nj.lim);
	log_debug("client %llu: native SCAN %u agent %s, %s", (unsigned long
	    long)n->o.client, rq->id, rq->agent[0] != '\0' ?
	    native_vis(rq->agent) : "-", rq->flags & NATIVE_F_STREAM ?
	    "stream" : "descriptor");
	if (rq->flags & NATIVE_F_STREAM) {
		n->sjob = nj;
		strlcpy(n->sname, rq->name[0] != '\0' ? rq->name : "stream",
		    sizeof(n->sname));
		if (n->memfd != -1)
			close(n->memfd);
		n->memerr = 0;
		if ((n->memfd = memfd_create("vigild-native",
		    MFD_CLOEXEC)) == -1) {
			n->memerr = errno;
			log_warn("%s: memfd_create", __func__);
		}
		return;
	}
	if ((fd = h->takefd(ctx)) == -1) {
		/* the header said one came with it: out of step, drop */
		native_reply_error(out, rq->id, NATIVE_E_NOFD,
		    native_errs[NATIVE_E_NOFD]);
		n->done = 1;
		return;
	}
	if (rq->name[0] == '\0') {
		snprintf(name, sizeof(name), "fd[%d]", fd);
		(void)h->scan(ctx, fd, name, &nj);
	} else
		(void)h->scan(ctx, fd, rq->name, &nj);
}

/* native_spool - stream bytes into the memfd */
static void
native_spool(struct native *n, const uint8_t *p, size_t len)
{
	ssize_t	 k;

	while (len > 0 && n->memfd != -1 && n->memerr == 0) {
		if ((k = write(n->memfd, p, len)) == -1) {
			if (errno == EINTR)
				continue;
			n->memerr = errno;
			break;
		}
		p += k;
		len -= (size_t)k;
	}
}

/* native_end - the stream ended: scan it, or say why not */
static void
native_end(struct native *n, const struct native_ev *ev, void *ctx,
    struct buf *out, const struct native_host *h)
{
	char	 msg[96];
	int	 fd = n->memfd;

	n->memfd = -1;
	if (ev->err == NATIVE_E_TOOBIG) {
		snprintf(msg, sizeof(msg), "stream over max_stream_size "
		    "(%llu bytes)", (unsigned long long)n->o.maxstream);
		native_reply_error(out, ev->id, NATIVE_E_TOOBIG, msg);
	} else if (fd == -1 || n->memerr != 0)
		native_reply_error(out, ev->id, NATIVE_E_NOMEM,
		    "cannot spool the stream");
	else {
		(void)h->scan(ctx, fd, n->sname, &n->sjob);
		return;
	}
	if (fd != -1)
		close(fd);
}

/* native_frame - append a message, header first, to out */
int
native_frame(struct buf *out, const struct msg *m)
{
	struct msg_hdr	 h;

	if (m == NULL || m->failed || m->len > MSG_MAXSIZE - MSG_HDRSIZE) {
		out->failed = 1;
		return -1;
	}
	h = m->hdr;
	h.len = (uint32_t)(MSG_HDRSIZE + m->len);
	buf_add(out, &h, sizeof(h));
	if (m->len > 0)
		buf_add(out, m->data, m->len);
	return out->failed ? -1 : 0;
}

/* native_reply_ok - R_OK {str text} */
void
native_reply_ok(struct buf *out, uint32_t id, const char *text)
{
	struct msg	*m;

	if ((m = msg_new(NATIVE_R_OK, id, 0)) != NULL)
		msg_add_str(m, text);
	native_frame(out, m);
	msg_free(m);
}

/* native_reply_error - R_ERROR {u32 code, str text} */
void
native_reply_error(struct buf *out, uint32_t id, uint32_t code,
    const char *text)
{
	struct msg	*m;

	if ((m = msg_new(NATIVE_R_ERROR, id, 0)) != NULL) {
		msg_add_u32(m, code);
		msg_add_str(m, text);
	}
	native_frame(out, m);
	msg_free(m);
}

/* native_reply_version - R_VERSION {str version, u64 serial, u64 time} */
static void
native_reply_version(struct buf *out, uint32_t id,
    const struct native_info *in)
{
	struct msg	*m;

	if ((m = msg_new(NATIVE_R_VERSION, id, 0)) != NULL) {
		msg_add_str(m, VIGIL_VERSION);
		msg_add_u64(m, in->serial);
		msg_add_u64(m, (uint64_t)in->created);
	}
	native_frame(out, m);
	msg_free(m);
}

/* native_reply_verdict - R_VERDICT: v, or one object not scanned */
void
native_reply_verdict(struct buf *out, uint32_t id, const char *name,
    const struct verdict *v, const char *reason, uint64_t serial)
{
	struct verdict	 cut;
	struct msg	*m;
	uint32_t	 k;

	verdict_init(&cut);
	if (v == NULL) {
		if (verdict_object(&cut, UINT32_MAX, name, 0, 0, 0) == -1 ||
		    verdict_notscanned(&cut, 0, reason != NULL &&
		    reason[0] != '\0' ? reason : "?") == -1)
			goto fail;
		v = &cut;
	}
	if ((m = msg_new(NATIVE_R_VERDICT, id, serial <= UINT32_MAX ?
	    (uint32_t)serial : 0)) == NULL)
		goto fail;
	if (wire_put_verdict(m, v) == -1) {
		msg_free(m);
		if (errno != EMSGSIZE || v == &cut)
			goto fail;
		/* too large for a frame: the root with the same status */
		if (verdict_object(&cut, UINT32_MAX, verdict_path(v, 0), 0,
		    v->obj[0].type, v->obj[0].size) == -1)
			goto fail;
		for (k = 0; v->status == AV_INFECTED && k < v->nhits &&
		    cut.nhits < WIRE_MAXHITS; k++)
			if (verdict_infected(&cut, 0, verdict_name(v, k)) == -1)
				goto fail;
		if (v->status == AV_NOTSCANNED &&
		    verdict_notscanned(&cut, 0, "verdict too large") == -1)
			goto fail;
		if ((m = msg_new(NATIVE_R_VERDICT, id, serial <= UINT32_MAX ?
		    (uint32_t)serial : 0)) == NULL)
			goto fail;
		if (wire_put_verdict(m, &cut) == -1) {
			msg_free(m);
			goto fail;
		}
	}
	native_frame(out, m);
	msg_free(m);
	verdict_free(&cut);
	return;
fail:
	verdict_free(&cut);
	out->failed = 1;
}

/* native_reply_info - R_STATUS or R_STATS */
void
native_reply_info(struct buf *out, uint32_t id, uint32_t type,
    const struct native_info *in)
{
	struct msg	*m;
	uint32_t	 i;

	if ((m = msg_new(type, id, 0)) == NULL) {
		out->failed = 1;
		return;
	}
	if (type == NATIVE_R_STATUS) {
		msg_add_u64(m, in->serial);
		msg_add_u64(m, (uint64_t)in->created);
		msg_add_u64(m, in->nsigs);
		msg_add_u64(m, in->sigbytes);
		msg_add_u32(m, in->nworkers);
		for (i = 0; i < NATIVE_W_NSTATES; i++)
			msg_add_u32(m, in->workers[i]);
		msg_add_u64(m, in->jobs);
		msg_add_u64(m, in->infected);
		msg_add_u64(m, in->crashes);
		msg_add_u64(m, in->timeouts);
		msg_add_u64(m, in->uptime);
		msg_add_u32(m, in->clients);
		msg_add_u32(m, in->queued);
	} else {
		msg_add_u32(m, in->clients);
		msg_add_u32(m, in->queued);
		msg_add_u64(m, in->jobs);
		msg_add_u64(m, in->infected);
		msg_add_u64(m, in->sigbytes);
		msg_add_u32(m, in->ntasks);
		for (i = 0; i < in->ntasks && i < NATIVE_MAXTASKS; i++) {
			msg_add_str(m, in->tasks[i].cmd);
			msg_add_u64(m, in->tasks[i].ms);
			msg_add_str(m, in->tasks[i].path);
		}
	}
	native_frame(out, m);
	msg_free(m);
}

/* native_reply_reload - R_RELOAD {u32 result, u64 before, u64 after} */
void
native_reply_reload(struct buf *out, uint32_t id, uint32_t result,
    uint64_t before, uint64_t after)
{
	struct msg	*m;

	if ((m = msg_new(NATIVE_R_RELOAD, id, 0)) != NULL) {
		msg_add_u32(m, result);
		msg_add_u64(m, before);
		msg_add_u64(m, after);
	}
	native_frame(out, m);
	msg_free(m);
}

/* native_put_scan - append a SCAN request's fields */
int
native_put_scan(struct msg *m, const struct native_req *rq)
{
	const char	*s[4];
	size_t		 i;

	s[0] = rq->agent != NULL ? rq->agent : "";
	s[1] = rq->rcpt != NULL ? rq->rcpt : "";
	s[2] = rq->user != NULL ? rq->user : "";
	s[3] = rq->name != NULL ? rq->name : "";
	for (i = 0; i < 4; i++)
		if (!native_strok(s[i])) {
			errno = EINVAL;
			return -1;
		}
	if ((rq->flags & ~NATIVE_F_ALL) != 0) {
		errno = EINVAL;
		return -1;
	}
	msg_add_u32(m, rq->flags);
	for (i = 0; i < 4; i++)
		msg_add_str(m, s[i]);
	msg_add_u32(m, rq->lim.max_depth);
	msg_add_u64(m, rq->lim.max_scansize);
	msg_add_u32(m, rq->lim.max_files);
	msg_add_u64(m, rq->lim.max_filesize);
	msg_add_u32(m, rq->lim.max_ratio);
	msg_add_u32(m, rq->lim.max_time);
	if (m->failed) {
		errno = m->failed;
		return -1;
	}
	return 0;
}

/* native_get_info - read R_STATUS or R_STATS */
int
native_get_info(struct msg *m, struct native_info *in)
{
	uint64_t	 created;
	uint32_t	 i;

	memset(in, 0, sizeof(*in));
	if (m->fd != -1)
		goto bad;
	if (m->hdr.type == NATIVE_R_STATUS) {
		msg_get_u64(m, &in->serial);
		msg_get_u64(m, &created);
		in->created = (int64_t)created;
		msg_get_u64(m, &in->nsigs);
		msg_get_u64(m, &in->sigbytes);
		msg_get_u32(m, &in->nworkers);
		for (i = 0; i < NATIVE_W_NSTATES; i++)
			msg_get_u32(m, &in->workers[i]);
		msg_get_u64(m, &in->jobs);
		msg_get_u64(m, &in->infected);
		msg_get_u64(m, &in->crashes);
		msg_get_u64(m, &in->timeouts);
		msg_get_u64(m, &in->uptime);
		msg_get_u32(m, &in->clients);
		msg_get_u32(m, &in->queued);
	} else if (m->hdr.type == NATIVE_R_STATS) {
		msg_get_u32(m, &in->clients);
		msg_get_u32(m, &in->queued);
		msg_get_u64(m, &in->jobs);
		msg_get_u64(m, &in->infected);
		msg_get_u64(m, &in->sigbytes);
		if (msg_get_u32(m, &in->ntasks) == -1 ||
		    in->ntasks > NATIVE_MAXTASKS)
			goto bad;
		for (i = 0; i < in->ntasks; i++)
			if (msg_get_str(m, &in->tasks[i].cmd) == -1 ||
			    msg_get_u64(m, &in->tasks[i].ms) == -1 ||
			    msg_get_str(m, &in->tasks[i].path) == -1)
				goto bad;
	} else
		goto bad;
	if (msg_end(m) == -1)
		goto bad;
	return 0;
bad:
	in->ntasks = 0;
	errno = EBADMSG;
	return -1;
}

/* native_get_version - read R_VERSION */
int
native_get_version(struct msg *m, const char **version, uint64_t *serial,
    int64_t *created)
{
	uint64_t	 t = 0;

	if (m->hdr.type != NATIVE_R_VERSION || m->fd != -1 ||
	    msg_get_str(m, version) == -1 || msg_get_u64(m, serial) == -1 ||
	    msg_get_u64(m, &t) == -1 || msg_end(m) == -1) {
		errno = EBADMSG;
		return -1;
	}
	*created = (int64_t)t;
	return 0;
}

/* native_get_reload - read R_RELOAD */
int
native_get_reload(struct msg *m, uint32_t *result, uint64_t *before,
    uint64_t *after)
{
	if (m->hdr.type != NATIVE_R_RELOAD || m->fd != -1 ||
	    msg_get_u32(m, result) == -1 || msg_get_u64(m, before) == -1 ||
	    msg_get_u64(m, after) == -1 || msg_end(m) == -1) {
		errno = EBADMSG;
		return -1;
	}
	return 0;
}

/* native_get_error - read R_ERROR */
int
native_get_error(struct msg *m, uint32_t *code, const char **text)
{
	if (m->hdr.type != NATIVE_R_ERROR || m->fd != -1 ||
	    msg_get_u32(m, code) == -1 || msg_get_str(m, text) == -1 ||
	    msg_end(m) == -1) {
		errno = EBADMSG;
		return -1;
	}
	return 0;
}

/* native_get_verdict - read R_VERDICT with wire_get_verdict()'s checks */
int
native_get_verdict(struct msg *m, struct verdict *v)
{
	int	 r;

	if (m->hdr.type != NATIVE_R_VERDICT) {
		verdict_reset(v);
		errno = EBADMSG;
		return -1;
	}
	/* the same payload as the workers' MSG_VERDICT */
	m->hdr.type = MSG_VERDICT;
	r = wire_get_verdict(m, v);
	m->hdr.type = NATIVE_R_VERDICT;
	return r;
}

/* native_strerror - the name of an error code */
const char *
native_strerror(uint32_t code)
{
	if (code >= NATIVE_E_NCODES)
		return "unknown error";
	return native_errs[code];
}
