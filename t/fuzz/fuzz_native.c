/*
 * fuzz_native.c - libFuzzer harness for daemon/native.c
 *
 * Every input is what a native client sends after the magic.  It is fed
 * to a fresh parser whole, then in pseudo-random pieces (the split drawn
 * from a generator seeded by the input, so that a crash reproduces), then
 * one byte at a time, with three stream limits (the default, 1 byte and
 * 37 bytes).  The events are written to a log (stream data merged) and
 * the logs of one limit must be identical.  Along the way it checks what
 * native.h promises: every call uses at least one byte and at most all of
 * them, uses all of them when there is no event, data events point into
 * the piece just given and are never empty, nothing follows an error, a
 * request's strings are bounded and free of control bytes, a SCAN has a
 * descriptor or a stream but not both, and the limits a request asks for
 * never raise the daemon's.  In the whole-input run every event also
 * goes through native_serve() with a fake supervisor (scans close their
 * descriptor), so that the server's handling and its replies are fuzzed
 * too; every reply it writes must be a well-formed frame.
 * A broken invariant aborts, which libFuzzer reports.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "av/limits.h"
#include "daemon/native.h"
#include "util/buf.h"
#include "util/msg.h"

int	 LLVMFuzzerTestOneInput(const uint8_t *, size_t);

struct fz_run {
	struct buf	 log;
	int		 indata;
	int		 done;
};

static int	 fz_scan(void *, int, const char *, const struct native_job *);
static int	 fz_takefd(void *);
static void	 fz_info(struct native_info *);
static int	 fz_reload(uint64_t *, uint64_t *);
static void	 fz_shutdown(void *);
static const struct conf *fz_conf(void);
static void	 fz_str(const char *);
static void	 fz_event(struct fz_run *, const struct native_ev *);
static void	 fz_replies(const struct buf *);
static void	 fz_once(const uint8_t *, size_t, uint64_t, int,
		    struct fz_run *);

static const struct native_host fz_host = {
	.scan = fz_scan, .takefd = fz_takefd, .info = fz_info,
	.reload = fz_reload, .shutdown = fz_shutdown, .conf = fz_conf,
};

/* the fake supervisor: one descriptor in two is "received" */
static int	 fz_fdturn;

static int
fz_scan(void *ctx, int fd, const char *name, const struct native_job *nj)
{
	(void)ctx;
	if (strlen(name) > NATIVE_MAXNAME || !nj->on)
		abort();
	close(fd);
	return 0;
}

static int
fz_takefd(void *ctx)
{
	(void)ctx;
	if (fz_fdturn++ % 2)
		return -1;
	return dup(0);
}

static void
fz_info(struct native_info *in)
{
	in->serial = 1;
	in->ntasks = 1;
	in->tasks[0].cmd = "native-fd";
	in->tasks[0].path = "x";
}

static int
fz_reload(uint64_t *before, uint64_t *after)
{
	*before = 1;
	*after = 2;
	return NATIVE_RELOAD_SWITCHED;
}

static void
fz_shutdown(void *ctx)
{
	(void)ctx;
}

static const struct conf *
fz_conf(void)
{
	return NULL;
}

/* fz_str - a request's string: bounded, no control bytes */
static void
fz_str(const char *s)
{
	size_t	 i;

	if (s == NULL)
		abort();
	for (i = 0; s[i] != '\0'; i++)
		if (i >= NATIVE_MAXNAME || (unsigned char)s[i] < 0x20 ||
		    s[i] == 0x7f)
			abort();
}

/* fz_event - check an event and log it */
static void
fz_event(struct fz_run *r, const struct native_ev *ev)
{
	const struct native_req	*rq = &ev->req;
	struct scan_limits	 base, out;
	uint8_t			 rec[32];

	if (r->done || ev->type == NATIVE_EV_NONE ||
	    ev->type > NATIVE_EV_ERROR)
		abort();
	if (ev->type == NATIVE_EV_DATA) {
		if (ev->len == 0 || ev->data == NULL)
			abort();
		if (!r->indata) {
			rec[0] = 0xfe;
			buf_add(&r->log, rec, 1);
			r->indata = 1;
		}
		buf_add(&r->log, ev->data, ev->len);
		return;
	}
	if (r->indata) {
		rec[0] = 0xfd;
		buf_add(&r->log, rec, 1);
		r->indata = 0;
	}
	rec[0] = (uint8_t)ev->type;
	memcpy(rec + 1, &ev->id, 4);
	memcpy(rec + 5, &ev->err, 4);
	buf_add(&r->log, rec, 9);
	if (ev->type == NATIVE_EV_ERROR) {
		if (ev->msg == NULL || ev->err == 0 ||
		    ev->err >= NATIVE_E_NCODES)
			abort();
		buf_add(&r->log, ev->msg, strlen(ev->msg) + 1);
		r->done = 1;
		return;
	}
	if (ev->type != NATIVE_EV_REQUEST)
		return;
	if (rq->id != ev->id || rq->type < NATIVE_PING ||
	    rq->type > NATIVE_SCAN)
		abort();
	fz_str(rq->agent);
	fz_str(rq->rcpt);
	fz_str(rq->user);
	fz_str(rq->name);
	if (rq->type != NATIVE_SCAN) {
		if (rq->hasfd || rq->flags != 0)
			abort();
		return;
	}
	if ((rq->flags & ~NATIVE_F_ALL) != 0 ||
	    !(rq->flags & NATIVE_F_STREAM) == !rq->hasfd)
		abort();
	/* the limits never go up */
	memset(&base, 0, sizeof(base));
	base.max_depth = 16;
	base.max_scansize = 400;
	base.max_files = 100;
	base.max_filesize = 50;
	base.max_ratio = 10;
	base.max_time = 1000;
	native_limits(&base, rq, &out);
	if (out.max_depth > base.max_depth ||
	    out.max_scansize > base.max_scansize ||
	    out.max_files > base.max_files ||
	    out.max_filesize > base.max_filesize ||
	    out.max_ratio > base.max_ratio || out.max_time > base.max_time)
		abort();
	buf_add(&r->log, &rq->flags, sizeof(rq->flags));
	buf_add(&r->log, rq->name, strlen(rq->name) + 1);
	buf_add(&r->log, &rq->lim, sizeof(rq->lim));
}

/* fz_replies - what native_serve() wrote is a sequence of whole frames */
static void
fz_replies(const struct buf *out)
{
	struct msg_hdr	 h;
	size_t		 off = 0;

	if (out->failed)
		abort();
	while (off < out->len) {
		if (out->len - off < MSG_HDRSIZE)
			abort();
		memcpy(&h, out->data + off, sizeof(h));
		if (h.len < MSG_HDRSIZE || h.len > out->len - off ||
		    h.type < NATIVE_R_OK || h.type > NATIVE_R_VERDICT)
			abort();
		off += h.len;
	}
}

/* fz_once - one run: mode 0 whole (and served), 1 pieces, 2 bytes */
static void
fz_once(const uint8_t *buf, size_t len, uint64_t max, int mode,
    struct fz_run *r)
{
	struct native_opts	 o;
	struct native		*n;
	struct native_ev	 ev;
	struct buf		 out;
	uint32_t		 seed = 2166136261u;
	size_t			 at, k, i, used, p;

	for (i = 0; i < len && i < 64; i++)
		seed = (seed ^ buf[i]) * 16777619u;
	memset(r, 0, sizeof(*r));
	buf_init(&r->log);
	buf_init(&out);
	memset(&o, 0, sizeof(o));
	o.maxstream = max;
	o.admin = 1;
	if ((n = native_new(&o)) == NULL)
		abort();
	fz_fdturn = 0;
	for (at = 0; at < len; at += k) {
		if (mode == 0)
			k = len - at;
		else if (mode == 2)
			k = 1;
		else {
			seed = seed * 1103515245u + 12345u;
			k = 1 + (seed >> 8) % ((seed & 0x100) ? 7 : 300);
			if (k > len - at)
				k = len - at;
		}
		for (p = 0; p < k; p += used) {
			used = native_feed(n, buf + at + p, k - p, &ev);
			if (used == 0 || used > k - p)
				abort();
			if (ev.type == NATIVE_EV_NONE && used != k - p)
				abort();
			if (ev.type == NATIVE_EV_DATA && (ev.data <
			    buf + at + p || ev.data + ev.len >
			    buf + at + p + used))
				abort();
			if (ev.type == NATIVE_EV_NONE)
				continue;
			fz_event(r, &ev);
			if (mode == 0)
				native_serve(n, &ev, NULL, &out, &fz_host);
		}
	}
	if (r->indata)
		buf_add(&r->log, "\xfd", 1);
	if (r->log.failed)
		abort();
	if (mode == 0)
		fz_replies(&out);
	if (r->done != native_done(n) && mode == 0 && r->done)
		abort();
	native_free(n);
	buf_clear(&out);
}

/* LLVMFuzzerTestOneInput - one input */
int
LLVMFuzzerTestOneInput(const uint8_t *buf, size_t len)
{
	static const uint64_t	 maxes[] = { 0, 1, 37 };
	struct fz_run		 whole, part;
	size_t			 m;
	int			 mode;

	for (m = 0; m < sizeof(maxes) / sizeof(maxes[0]); m++) {
		fz_once(buf, len, maxes[m], 0, &whole);
		for (mode = 1; mode <= 2; mode++) {
			if (mode == 2 && len > 20000)
				break;
			fz_once(buf, len, maxes[m], mode, &part);
			if (part.log.len != whole.log.len ||
			    (whole.log.len > 0 && memcmp(part.log.data,
			    whole.log.data, whole.log.len) != 0))
				abort();
			buf_clear(&part.log);
		}
		buf_clear(&whole.log);
	}
	return 0;
}
