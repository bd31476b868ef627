/*
 * fuzz_clamd.c - libFuzzer harness for daemon/clamd.c
 *
 * Every input is a client's byte stream.  It is fed to a fresh struct
 * clamd whole, then in pseudo-random pieces (the split drawn from a
 * generator seeded by the input itself, so that a crash reproduces), then
 * one byte at a time, each time with clamd_eop() at the end, and with
 * three INSTREAM limits (the default, 1 byte and 37 bytes).  The events
 * are written to a log (INSTREAM data merged, so that the log does not
 * depend on how the data was cut) and all logs of one limit must be
 * identical.  Along the way it checks what clamd.h promises: every call
 * uses at least one byte and at most all of them, uses all of them when
 * there is no event, data events point into the piece just given and
 * are never empty, paths are NUL-terminated and shorter than a command
 * line, terminators are NUL or newline, request ids count up from 1 in a
 * session, nothing follows the last event, errors carry their reply, and
 * clamd_timeout() agrees with whether the connection is finished.  Each
 * event's reply is built too, and must hold its terminator only at the
 * end.  The parser allocates nothing, so its memory is its struct.
 * A broken invariant aborts, which libFuzzer reports.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "av/verdict.h"
#include "daemon/clamd.h"
#include "util/buf.h"

int	 LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* one run's log and bookkeeping */
struct fz_run {
	struct buf	 log;
	int		 indata;
	int		 done;		/* the last event was seen */
	int		 session;
	uint32_t	 lastid;
};

static void	 fz_reply(const struct clamd_ev *);
static void	 fz_event(struct fz_run *, const struct clamd_ev *);
static void	 fz_feed(struct clamd *, struct fz_run *, const uint8_t *,
		    size_t);
static void	 fz_once(const uint8_t *, size_t, uint64_t, int,
		    struct fz_run *);

/* fz_reply - a reply for the event holds its terminator only at its end */
static void
fz_reply(const struct clamd_ev *ev)
{
	struct buf	 out;
	size_t		 i, nterm = 0;

	buf_init(&out);
	switch (ev->type) {
	case CLAMD_EV_SCAN:
	case CLAMD_EV_CONTSCAN:
	case CLAMD_EV_MULTISCAN:
	case CLAMD_EV_ALLMATCHSCAN:
		clamd_reply_found(&out, &ev->tag, ev->arg, ev->arg);
		clamd_reply_notscanned(&out, &ev->tag, ev->arg, ev->arg);
		nterm = 2;
		break;
	case CLAMD_EV_ERROR:
		if (ev->msg == NULL)
			break;
		clamd_reply(&out, &ev->tag, NULL, ev->msg);
		nterm = 1;
		break;
	case CLAMD_EV_VERSIONCOMMANDS:
		clamd_reply_version(&out, &ev->tag, NULL, 1);
		nterm = 1;
		break;
	default:
		break;
	}
	if (out.failed)
		abort();
	for (i = 0; i < out.len; i++)
		if (out.data[i] == (uint8_t)ev->tag.term)
			nterm--;
	if (nterm != 0 || (out.len > 0 &&
	    out.data[out.len - 1] != (uint8_t)ev->tag.term))
		abort();
	buf_clear(&out);
}

/* fz_event - check an event and log it */
static void
fz_event(struct fz_run *r, const struct clamd_ev *ev)
{
	uint8_t	 rec[16];

	if (r->done || ev->type == CLAMD_EV_NONE ||
	    ev->type > CLAMD_EV_ERROR)
		abort();
	if (ev->tag.term != '\0' && ev->tag.term != '\n')
		abort();
	if ((ev->frame == CLAMD_FRAME_Z) != (ev->tag.term == '\0') &&
	    ev->type != CLAMD_EV_ERROR)
		abort();
	if (ev->arg != NULL && (strlen(ev->arg) != ev->arglen ||
	    ev->arglen >= CLAMD_LINE_MAX))
		abort();
	if (ev->type == CLAMD_EV_ERROR && ev->msg == NULL)
		abort();
	if (ev->type == CLAMD_EV_ERROR && !ev->last)
		abort();
	/* request ids: 0 outside a session, then 1, 2, ... */
	if (ev->type == CLAMD_EV_IDSESSION) {
		if (r->session || ev->tag.id != 0)
			abort();
		r->session = 1;
	} else if (!r->session) {
		if (ev->tag.id != 0)
			abort();
	} else if (ev->type == CLAMD_EV_DATA ||
	    ev->type == CLAMD_EV_STREAM_END ||
	    (ev->type == CLAMD_EV_ERROR && ev->err == CLAMD_E_STREAMLIMIT)) {
		if (ev->tag.id != r->lastid)
			abort();
	} else if (ev->type == CLAMD_EV_FILDES) {
		if (ev->tag.id != r->lastid + 1)
			abort();
		r->lastid++;
	} else {
		if (ev->tag.id != r->lastid + 1)
			abort();
		r->lastid++;
	}
	if (ev->last)
		r->done = 1;
	fz_reply(ev);
	if (ev->type == CLAMD_EV_DATA) {
		if (ev->len == 0)
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
	rec[1] = (uint8_t)ev->frame;
	rec[2] = (uint8_t)ev->tag.term;
	rec[3] = (uint8_t)ev->last;
	rec[4] = (uint8_t)ev->err;
	memcpy(rec + 5, &ev->tag.id, 4);
	buf_add(&r->log, rec, 9);
	if (ev->arg != NULL)
		buf_add(&r->log, ev->arg, ev->arglen + 1);
}

/* fz_feed - one piece, all of it */
static void
fz_feed(struct clamd *c, struct fz_run *r, const uint8_t *p, size_t len)
{
	struct clamd_ev	 ev;
	size_t		 n;

	while (len > 0) {
		n = clamd_feed(c, p, len, &ev);
		if (n == 0 || n > len)
			abort();
		if (ev.type == CLAMD_EV_NONE && n != len)
			abort();
		if (ev.type == CLAMD_EV_DATA && (ev.data < p ||
		    ev.data + ev.len > p + n))
			abort();
		if (ev.type != CLAMD_EV_NONE)
			fz_event(r, &ev);
		p += n;
		len -= n;
	}
}

/* fz_once - one run: mode 0 whole, 1 random pieces, 2 byte by byte */
static void
fz_once(const uint8_t *buf, size_t len, uint64_t max, int mode,
    struct fz_run *r)
{
	struct clamd	 c;
	struct clamd_ev	 ev;
	uint32_t	 seed = 2166136261u;
	size_t		 at, k, i;

	for (i = 0; i < len && i < 64; i++)
		seed = (seed ^ buf[i]) * 16777619u;
	memset(r, 0, sizeof(*r));
	buf_init(&r->log);
	clamd_init(&c, max);
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
		fz_feed(&c, r, buf + at, k);
	}
	if (clamd_eop(&c, &ev))
		fz_event(r, &ev);
	else if (ev.type != CLAMD_EV_NONE)
		abort();
	if (r->indata)
		buf_add(&r->log, "\xfd", 1);
	if (r->log.failed)
		abort();
	/* the read timer: a reply unless the connection is finished */
	if (clamd_timeout(&c, &ev) == r->done)
		abort();
	if (!r->done && (ev.type != CLAMD_EV_ERROR || !ev.last ||
	    ev.err != CLAMD_E_TIMEOUT))
		abort();
	if (clamd_timeout(&c, &ev) != 0 || clamd_feed(&c, buf, len, &ev) !=
	    len || ev.type != CLAMD_EV_NONE)
		abort();
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
