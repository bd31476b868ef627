/*
 * test_native.c - unit tests for daemon/native.c
 *
 * The parser is driven by a table of frame sequences and the events they
 * must give, written as a log ("REQ 100 1", "SCAN 5 fd=1 flags=1
 * [agent|rcpt|user|name] lim=...", "DATA 5 <bytes>" with consecutive data
 * merged, "END 5 err=0", "ERROR 7 code=1 <why>").  Every row is fed
 * whole, split in two at every byte boundary, and one byte at a time, and
 * must give the same log each time; rows cover every rejection the
 * parser has, and a protocol error must be the last event.  Then the
 * codecs (each reply read back by the client's decoders), the limit rule
 * (a client may lower, never raise), and the server with a fake host: the
 * answers it gives by itself, the descriptor and stream paths, the admin
 * check, the configuration's user sections, and random input that must
 * never crash it.
 */
#include <sys/mman.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bsd/string.h>

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "av/limits.h"
#include "av/verdict.h"
#include "av/wire.h"
#include "conf/conf.h"
#include "daemon/native.h"
#include "signatures/matcher.h"
#include "util/buf.h"
#include "util/msg.h"

#define nitems(a)	(sizeof(a) / sizeof((a)[0]))
#define S(x)		x, sizeof(x) - 1

/* one frame of a row: a header and a payload */
struct frame {
	uint32_t	 type;		/* 0 ends the row */
	uint32_t	 id;
	int		 fd;		/* MSG_HASFD in the length */
	int		 scan;		/* payload: the SCAN fields below */
	uint32_t	 flags;
	const char	*str[4];	/* agent, rcpt, user, name */
	uint64_t	 lim[6];
	const char	*raw;		/* payload (after the SCAN fields) */
	size_t		 rawlen;
	uint32_t	 len;		/* != 0: this length in the header */
};

struct pcase {
	const char	*name;
	uint64_t	 maxstream;
	struct frame	 f[6];
	const char	*tail;		/* raw bytes after the frames */
	size_t		 taillen;
	const char	*want;
};

#define SCANF(id, fl, fd)	{ NATIVE_SCAN, id, fd, 1, fl, \
	    { "mda", "bob@example.com", "", "msg.eml" }, \
	    { 3, 1000, 10, 500, 20, 700 }, NULL, 0, 0 }
#define SIMPLE(t, id)		{ t, id, 0, 0, 0, { 0 }, { 0 }, NULL, 0, 0 }
#define DATAF(id, s)		{ NATIVE_DATA, id, 0, 0, 0, { 0 }, { 0 }, \
	    S(s), 0 }
#define RAWF(t, id, fd, s)	{ t, id, fd, 0, 0, { 0 }, { 0 }, S(s), 0 }
#define LENF(t, id, l)		{ t, id, 0, 0, 0, { 0 }, { 0 }, NULL, 0, l }
#define SCANLIM	"lim=3,1000,10,500,20,700"

static const struct pcase pcases[] = {
	{ "PING", 0, { SIMPLE(NATIVE_PING, 1) }, NULL, 0, "REQ 100 1\n" },
	{ "every request without fields", 0, { SIMPLE(NATIVE_PING, 1),
	    SIMPLE(NATIVE_VERSION, 2), SIMPLE(NATIVE_STATUS, 3),
	    SIMPLE(NATIVE_STATS, 4), SIMPLE(NATIVE_RELOAD, 5),
	    SIMPLE(NATIVE_SHUTDOWN, 6) }, NULL, 0,
	    "REQ 100 1\nREQ 101 2\nREQ 102 3\nREQ 103 4\nREQ 104 5\n"
	    "REQ 105 6\n" },
	{ "SCAN of a descriptor", 0, { SCANF(7, NATIVE_F_ALLMATCH, 1) },
	    NULL, 0,
	    "SCAN 7 fd=1 flags=1 [mda|bob@example.com||msg.eml] " SCANLIM
	    "\n" },
	{ "SCAN of a stream, then PING", 0, { SCANF(5, NATIVE_F_STREAM, 0),
	    DATAF(5, "hello"), DATAF(5, " world"), DATAF(5, ""),
	    SIMPLE(NATIVE_PING, 6) }, NULL, 0,
	    "SCAN 5 fd=0 flags=2 [mda|bob@example.com||msg.eml] " SCANLIM
	    "\nDATA 5 <hello world>\nEND 5 err=0\nREQ 100 6\n" },
	{ "empty stream", 0, { SCANF(5, NATIVE_F_STREAM, 0), DATAF(5, "") },
	    NULL, 0,
	    "SCAN 5 fd=0 flags=2 [mda|bob@example.com||msg.eml] " SCANLIM
	    "\nEND 5 err=0\n" },
	{ "stream at the limit", 5, { SCANF(5, NATIVE_F_STREAM, 0),
	    DATAF(5, "hel"), DATAF(5, "lo"), DATAF(5, "") }, NULL, 0,
	    "SCAN 5 fd=0 flags=2 [mda|bob@example.com||msg.eml] " SCANLIM
	    "\nDATA 5 <hello>\nEND 5 err=0\n" },
	{ "stream over the limit: cut, noted, the connection goes on", 4,
	    { SCANF(5, NATIVE_F_STREAM, 0), DATAF(5, "hel"), DATAF(5, "lo"),
	    DATAF(5, "more"), DATAF(5, ""), SIMPLE(NATIVE_PING, 9) }, NULL, 0,
	    "SCAN 5 fd=0 flags=2 [mda|bob@example.com||msg.eml] " SCANLIM
	    "\nDATA 5 <hell>\nEND 5 err=4\nREQ 100 9\n" },
	{ "a partial header: nothing yet", 0, { SIMPLE(NATIVE_PING, 1) },
	    S("\0\1\0"), "REQ 100 1\n" },
	{ "a partial payload: nothing yet", 0, { SIMPLE(NATIVE_PING, 1),
	    LENF(NATIVE_SCAN, 2, 40) }, S("\0\0"), "REQ 100 1\n" },
	/* malformed: the first error is the last event */
	{ "length below the header", 0, { LENF(NATIVE_PING, 7, 15),
	    SIMPLE(NATIVE_PING, 8) }, NULL, 0,
	    "ERROR 7 code=1 <frame length below the header size>\n" },
	{ "length zero (a little-endian header)", 0, { { 0 } },
	    "\0\1\0\0\0\0\0\0\7\0\0\0\0\0\0\0", 16,
	    "ERROR 7 code=1 <frame length below the header size>\n" },
	{ "request too long", 0, { LENF(NATIVE_SCAN, 7,
	    NATIVE_MAXREQ + 1) }, NULL, 0,
	    "ERROR 7 code=1 <request frame too long>\n" },
	{ "huge length", 0, { LENF(NATIVE_PING, 7, 0x7fffffff) }, NULL, 0,
	    "ERROR 7 code=1 <request frame too long>\n" },
	{ "unknown type", 0, { SIMPLE(0x999, 3) }, NULL, 0,
	    "ERROR 3 code=1 <unknown frame type>\n" },
	{ "type zero", 0, { SIMPLE(0, 3) }, "\0\0\0\0\20\0\0\0\3\0\0\0"
	    "\0\0\0\0", 16, "ERROR 3 code=1 <unknown frame type>\n" },
	{ "a reply type from a client", 0, { SIMPLE(NATIVE_R_OK, 3) }, NULL,
	    0, "ERROR 3 code=1 <unknown frame type>\n" },
	{ "an internal type (MSG_JOB)", 0, { SIMPLE(2, 3) }, NULL, 0,
	    "ERROR 3 code=1 <unknown frame type>\n" },
	{ "PING with a payload", 0, { RAWF(NATIVE_PING, 4, 0, "x") }, NULL, 0,
	    "ERROR 4 code=2 <a request without fields has a payload>\n" },
	{ "PING with a descriptor", 0, { RAWF(NATIVE_PING, 4, 1, "") }, NULL,
	    0, "ERROR 4 code=1 <a descriptor with a request that takes "
	    "none>\n" },
	{ "DATA without a stream", 0, { DATAF(4, "x") }, NULL, 0,
	    "ERROR 4 code=1 <DATA frame without a stream>\n" },
	{ "PING inside a stream", 0, { SCANF(5, NATIVE_F_STREAM, 0),
	    DATAF(5, "ab"), SIMPLE(NATIVE_PING, 6) }, NULL, 0,
	    "SCAN 5 fd=0 flags=2 [mda|bob@example.com||msg.eml] " SCANLIM
	    "\nDATA 5 <ab>\nERROR 6 code=1 <a stream is open: DATA frames "
	    "only>\n" },
	{ "DATA of another request", 0, { SCANF(5, NATIVE_F_STREAM, 0),
	    DATAF(6, "ab") }, NULL, 0,
	    "SCAN 5 fd=0 flags=2 [mda|bob@example.com||msg.eml] " SCANLIM
	    "\nERROR 6 code=1 <DATA frame of another request>\n" },
	{ "DATA with a descriptor", 0, { SCANF(5, NATIVE_F_STREAM, 0),
	    RAWF(NATIVE_DATA, 5, 1, "ab") }, NULL, 0,
	    "SCAN 5 fd=0 flags=2 [mda|bob@example.com||msg.eml] " SCANLIM
	    "\nERROR 5 code=1 <a descriptor with a DATA frame>\n" },
	{ "DATA frame too long", 0, { SCANF(5, NATIVE_F_STREAM, 0),
	    LENF(NATIVE_DATA, 5, MSG_HDRSIZE + NATIVE_MAXCHUNK + 1) }, NULL,
	    0, "SCAN 5 fd=0 flags=2 [mda|bob@example.com||msg.eml] " SCANLIM
	    "\nERROR 5 code=1 <DATA frame too long>\n" },
	{ "SCAN cut short", 0, { RAWF(NATIVE_SCAN, 8, 1, "\1\0\0\0mda") },
	    NULL, 0, "ERROR 8 code=2 <malformed SCAN fields>\n" },
	{ "SCAN with a byte too many", 0, { { NATIVE_SCAN, 8, 1, 1, 0,
	    { "", "", "", "" }, { 0 }, S("x"), 0 } }, NULL, 0,
	    "ERROR 8 code=2 <malformed SCAN fields>\n" },
	{ "SCAN with a control byte in a string", 0, { { NATIVE_SCAN, 8, 1,
	    1, 0, { "a\tb", "", "", "" }, { 0 }, NULL, 0, 0 } }, NULL, 0,
	    "ERROR 8 code=2 <malformed SCAN fields>\n" },
	{ "SCAN with unknown flags", 0, { SCANF(8, 0x4, 1) }, NULL, 0,
	    "ERROR 8 code=2 <unknown SCAN flags>\n" },
	{ "SCAN with a stream and a descriptor", 0,
	    { SCANF(8, NATIVE_F_STREAM, 1) }, NULL, 0,
	    "ERROR 8 code=2 <SCAN with both a stream and a descriptor>\n" },
	{ "SCAN without a descriptor", 0, { SCANF(8, 0, 0) }, NULL, 0,
	    "ERROR 8 code=3 <SCAN without a descriptor or a stream>\n" },
	{ "nothing after an error", 0, { SIMPLE(0x999, 1),
	    SIMPLE(NATIVE_PING, 2) }, S("garbage"),
	    "ERROR 1 code=1 <unknown frame type>\n" },
};

/* a fake supervisor for native_serve() */
struct fakehost {
	int			 scans, reloads, shutdowns, rres;
	int			 fds[4], nfds;
	char			 name[NATIVE_MAXNAME + 1];
	struct native_job	 nj;
	struct buf		 data;		/* what the scanned fd held */
	const struct conf	*conf;
};

static struct fakehost	 fh;

static void	 put_frame(struct buf *, const struct frame *);
static void	 log_event(struct buf *, const struct native_ev *, int *);
static void	 run(const struct pcase *, const uint8_t *, size_t, size_t,
		    struct buf *);
static struct msg *next_reply(const struct buf *, size_t *);
static int	 fh_scan(void *, int, const char *, const struct native_job *);
static int	 fh_takefd(void *);
static void	 fh_info(struct native_info *);
static int	 fh_reload(uint64_t *, uint64_t *);
static void	 fh_shutdown(void *);
static const struct conf *fh_conf(void);
static void	 serve(struct native *, const struct buf *, struct buf *);

static const struct native_host fhost = {
	.scan = fh_scan, .takefd = fh_takefd, .info = fh_info,
	.reload = fh_reload, .shutdown = fh_shutdown, .conf = fh_conf,
};

/* put_frame - one frame as a client would write it */
static void
put_frame(struct buf *b, const struct frame *f)
{
	struct msg	*m;
	struct msg_hdr	 h;
	size_t		 i;

	m = msg_new(f->type, f->id, 0);
	assert_non_null(m);
	if (f->scan) {
		msg_add_u32(m, f->flags);
		for (i = 0; i < 4; i++)
			msg_add_str(m, f->str[i] != NULL ? f->str[i] : "");
		msg_add_u32(m, (uint32_t)f->lim[0]);
		msg_add_u64(m, f->lim[1]);
		msg_add_u32(m, (uint32_t)f->lim[2]);
		msg_add_u64(m, f->lim[3]);
		msg_add_u32(m, (uint32_t)f->lim[4]);
		msg_add_u32(m, (uint32_t)f->lim[5]);
	}
	if (f->raw != NULL)
		msg_add_data(m, f->raw, f->rawlen);
	assert_false(m->failed);
	h = m->hdr;
	h.len = f->len != 0 ? f->len : (uint32_t)(MSG_HDRSIZE + m->len);
	if (f->fd)
		h.len |= MSG_HASFD;
	buf_add(b, &h, sizeof(h));
	if (f->len == 0 && m->len > 0)
		buf_add(b, m->data, m->len);
	msg_free(m);
}

/* log_event - one event in the log; DATA merged */
static void
log_event(struct buf *log, const struct native_ev *ev, int *indata)
{
	const struct native_req	*rq = &ev->req;
	char			 line[8192];
	int			 n = 0;

	if (ev->type == NATIVE_EV_NONE)
		return;
	if (*indata && ev->type != NATIVE_EV_DATA) {
		buf_add(log, ">\n", 2);
		*indata = 0;
	}
	switch (ev->type) {
	case NATIVE_EV_NONE:
		break;
	case NATIVE_EV_REQUEST:
		assert_int_equal(rq->id, ev->id);
		if (rq->type != NATIVE_SCAN) {
			n = snprintf(line, sizeof(line), "REQ %x %u\n",
			    rq->type, rq->id);
			break;
		}
		n = snprintf(line, sizeof(line), "SCAN %u fd=%d flags=%u "
		    "[%s|%s|%s|%s] lim=%u,%llu,%u,%llu,%u,%u\n", rq->id,
		    rq->hasfd, rq->flags, rq->agent, rq->rcpt, rq->user,
		    rq->name, rq->lim.max_depth,
		    (unsigned long long)rq->lim.max_scansize,
		    rq->lim.max_files,
		    (unsigned long long)rq->lim.max_filesize,
		    rq->lim.max_ratio, rq->lim.max_time);
		break;
	case NATIVE_EV_DATA:
		assert_true(ev->len > 0);
		if (!*indata) {
			n = snprintf(line, sizeof(line), "DATA %u <", ev->id);
			buf_add(log, line, (size_t)n);
			*indata = 1;
		}
		buf_add(log, ev->data, ev->len);
		return;
	case NATIVE_EV_END:
		n = snprintf(line, sizeof(line), "END %u err=%u\n", ev->id,
		    ev->err);
		break;
	case NATIVE_EV_ERROR:
		assert_non_null(ev->msg);
		n = snprintf(line, sizeof(line), "ERROR %u code=%u <%s>\n",
		    ev->id, ev->err, ev->msg);
		break;
	}
	buf_add(log, line, (size_t)n);
}

/* run - feed in pieces of step bytes (0: whole; first piece cut at cut) */
static void
run(const struct pcase *c, const uint8_t *in, size_t len, size_t cut,
    struct buf *log)
{
	struct native_opts	 o;
	struct native		 n;
	struct native_ev	 ev;
	size_t			 at = 0, end, k, used;
	int			 indata = 0, done = 0;

	memset(&o, 0, sizeof(o));
	o.maxstream = c->maxstream;
	native_init(&n, &o);
	while (at < len) {
		end = cut == 0 ? len : at < cut ? cut : len;
		if (cut == (size_t)-1)
			end = at + 1;
		for (k = at; k < end; k += used) {
			used = native_feed(&n, in + k, end - k, &ev);
			assert_true(used >= 1 && used <= end - k);
			if (ev.type == NATIVE_EV_NONE)
				assert_int_equal(used, end - k);
			if (ev.type == NATIVE_EV_DATA)
				assert_true(ev.data >= in + k &&
				    ev.data + ev.len <= in + k + used);
			if (ev.type != NATIVE_EV_NONE)
				assert_false(done);
			if (ev.type == NATIVE_EV_ERROR)
				done = 1;
			log_event(log, &ev, &indata);
		}
		at = end;
	}
	if (indata)
		buf_add(log, ">\n", 2);
	buf_add(log, "", 1);
	assert_false(log->failed);
}

/* test_pcase - one row, whole, in two pieces everywhere, byte by byte */
static void
test_pcase(void **state)
{
	const struct pcase	*c = *state;
	struct buf		 in, log;
	size_t			 i, cut;

	buf_init(&in);
	for (i = 0; i < nitems(c->f) && c->f[i].type != 0; i++)
		put_frame(&in, &c->f[i]);
	if (c->tail != NULL)
		buf_add(&in, c->tail, c->taillen);
	assert_false(in.failed);
	buf_init(&log);
	run(c, in.data, in.len, 0, &log);
	assert_string_equal((char *)log.data, c->want);
	buf_clear(&log);
	for (cut = 1; cut < in.len; cut++) {
		run(c, in.data, in.len, cut, &log);
		assert_string_equal((char *)log.data, c->want);
		buf_clear(&log);
	}
	run(c, in.data, in.len, (size_t)-1, &log);
	assert_string_equal((char *)log.data, c->want);
	buf_clear(&log);
	buf_clear(&in);
}

/* test_detect - the first bytes tell the protocols apart */
static void
test_detect(void **state)
{
	static const struct {
		const char	*in;
		size_t		 len;
		int		 eop, want;
	} d[] = {
		{ S("VGL1"), 0, 1 }, { S("VGL1\0\1"), 1, 1 },
		{ S("VGL"), 0, -1 }, { S("VGL"), 1, 0 }, { S("V"), 0, -1 },
		{ S(""), 0, -1 }, { S(""), 1, 0 },
		{ S("VERSION\n"), 0, 0 }, { S("VGL2"), 0, 0 },
		{ S("zPING"), 0, 0 }, { S("nVERSION\n"), 0, 0 },
		{ S("PING"), 0, 0 }, { S("vgl1"), 0, 0 },
		{ S("\1\1\0\0"), 0, 0 },
	};
	size_t	 i;

	(void)state;
	for (i = 0; i < nitems(d); i++)
		assert_int_equal(native_detect((const uint8_t *)d[i].in,
		    d[i].len, d[i].eop), d[i].want);
}

/* test_limits - a request lowers the daemon's limits, never raises them */
static void
test_limits(void **state)
{
	static const struct {
		uint64_t	 base, want, got;
	} l[] = {
		{ 16, 0, 16 }, { 16, 3, 3 }, { 16, 16, 16 }, { 16, 17, 16 },
		{ 16, UINT32_MAX, 16 }, { 0, 0, 0 }, { 0, 5, 5 },
	};
	struct scan_limits	 base, out;
	struct native_req	 rq;
	size_t			 i;

	(void)state;
	for (i = 0; i < nitems(l); i++) {
		memset(&base, 0, sizeof(base));
		memset(&rq, 0, sizeof(rq));
		base.max_depth = (uint32_t)l[i].base;
		base.max_scansize = l[i].base << 20;
		base.max_files = (uint32_t)l[i].base;
		base.max_filesize = l[i].base << 10;
		base.max_ratio = (uint32_t)l[i].base;
		base.max_time = (uint32_t)l[i].base;
		base.heuristics = 1;
		rq.lim.max_depth = (uint32_t)l[i].want;
		rq.lim.max_scansize = l[i].want << 20;
		rq.lim.max_files = (uint32_t)l[i].want;
		rq.lim.max_filesize = l[i].want << 10;
		rq.lim.max_ratio = (uint32_t)l[i].want;
		rq.lim.max_time = (uint32_t)l[i].want;
		native_limits(&base, &rq, &out);
		assert_int_equal(out.max_depth, l[i].got);
		assert_int_equal(out.max_scansize, l[i].got << 20);
		assert_int_equal(out.max_files, l[i].got);
		assert_int_equal(out.max_filesize, l[i].got << 10);
		assert_int_equal(out.max_ratio, l[i].got);
		assert_int_equal(out.max_time, l[i].got);
		assert_int_equal(out.heuristics, 1);
	}
}

/* test_put_scan - the client's encoder, read back by the parser */
static void
test_put_scan(void **state)
{
	struct native_req	 rq;
	struct native_opts	 o;
	struct native		 n;
	struct native_ev	 ev;
	struct buf		 b;
	struct msg		*m;
	char			 longname[NATIVE_MAXNAME + 2];

	(void)state;
	memset(&rq, 0, sizeof(rq));
	rq.flags = NATIVE_F_ALLMATCH;
	rq.agent = "smtp";
	rq.user = "alice";
	rq.name = "/var/mail/x";
	rq.lim.max_filesize = 1234;
	assert_non_null(m = msg_new(NATIVE_SCAN, 42, 0));
	assert_int_equal(native_put_scan(m, &rq), 0);
	buf_init(&b);
	assert_int_equal(native_frame(&b, m), 0);
	msg_free(m);
	{
		/* as msg_send() marks a frame that carries a descriptor */
		struct msg_hdr	 h;

		memcpy(&h, b.data, sizeof(h));
		h.len |= MSG_HASFD;
		memcpy(b.data, &h, sizeof(h));
	}
	memset(&o, 0, sizeof(o));
	native_init(&n, &o);
	assert_int_equal(native_feed(&n, b.data, b.len, &ev), b.len);
	assert_int_equal(ev.type, NATIVE_EV_REQUEST);
	assert_int_equal(ev.req.id, 42);
	assert_int_equal(ev.req.hasfd, 1);
	assert_int_equal(ev.req.flags, NATIVE_F_ALLMATCH);
	assert_string_equal(ev.req.agent, "smtp");
	assert_string_equal(ev.req.rcpt, "");
	assert_string_equal(ev.req.user, "alice");
	assert_string_equal(ev.req.name, "/var/mail/x");
	assert_int_equal(ev.req.lim.max_filesize, 1234);
	assert_int_equal(ev.req.lim.max_depth, 0);
	buf_clear(&b);

	/* what the encoder refuses */
	memset(longname, 'a', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	assert_non_null(m = msg_new(NATIVE_SCAN, 1, 0));
	rq.name = longname;
	assert_int_equal(native_put_scan(m, &rq), -1);
	assert_int_equal(errno, EINVAL);
	rq.name = "a\nb";
	assert_int_equal(native_put_scan(m, &rq), -1);
	rq.name = "ok";
	rq.flags = 0x10;
	assert_int_equal(native_put_scan(m, &rq), -1);
	assert_int_equal(m->len, 0);
	msg_free(m);

	/* and the parser: a name one byte too long */
	longname[NATIVE_MAXNAME] = '\0';
	assert_int_equal(strlen(longname), NATIVE_MAXNAME);
	{
		struct frame	 f = { NATIVE_SCAN, 3, 1, 1, 0,
		    { "", "", "", longname }, { 0 }, NULL, 0, 0 };

		buf_init(&b);
		put_frame(&b, &f);
		native_init(&n, &o);
		native_feed(&n, b.data, b.len, &ev);
		assert_int_equal(ev.type, NATIVE_EV_REQUEST);
		buf_clear(&b);
		longname[NATIVE_MAXNAME] = 'a';
		buf_init(&b);
		put_frame(&b, &f);
		native_init(&n, &o);
		native_feed(&n, b.data, b.len, &ev);
		assert_int_equal(ev.type, NATIVE_EV_ERROR);
		assert_int_equal(ev.err, NATIVE_E_BADREQ);
		buf_clear(&b);
	}
}

/* next_reply - the reply at *off in b, as a received message */
static struct msg *
next_reply(const struct buf *b, size_t *off)
{
	struct msg_hdr	 h;
	struct msg	*m;

	if (*off == b->len)
		return NULL;
	assert_true(b->len - *off >= MSG_HDRSIZE);
	memcpy(&h, b->data + *off, sizeof(h));
	assert_true(h.len >= MSG_HDRSIZE && h.len <= b->len - *off);
	assert_non_null(m = msg_new(h.type, h.id, h.gen));
	msg_add_data(m, b->data + *off + MSG_HDRSIZE, h.len - MSG_HDRSIZE);
	assert_false(m->failed);
	*off += h.len;
	return m;
}

/* test_replies - every reply read back by the client's decoders */
static void
test_replies(void **state)
{
	struct native_info	 in, got;
	struct verdict		 v, back;
	struct buf		 b;
	struct msg		*m;
	const char		*s;
	uint64_t		 x, y;
	uint32_t		 code, res;
	size_t			 off = 0;
	int			 i;

	(void)state;
	buf_init(&b);
	native_reply_ok(&b, 1, "PONG");
	native_reply_error(&b, 2, NATIVE_E_DENIED, "no");
	memset(&in, 0, sizeof(in));
	in.serial = 77;
	in.created = 1700000000;
	in.nsigs = 12;
	in.sigbytes = 3456;
	in.nworkers = 2;
	for (i = 0; i < NATIVE_W_NSTATES; i++)
		in.workers[i] = (uint32_t)i + 1;
	in.jobs = 100;
	in.infected = 7;
	in.crashes = 2;
	in.timeouts = 1;
	in.uptime = 3600;
	in.clients = 3;
	in.queued = 4;
	in.ntasks = 2;
	in.tasks[0].cmd = "INSTREAM";
	in.tasks[0].ms = 12;
	in.tasks[0].path = "stream";
	in.tasks[1].cmd = "native-fd";
	in.tasks[1].ms = 5;
	in.tasks[1].path = "/a b";
	native_reply_info(&b, 3, NATIVE_R_STATUS, &in);
	native_reply_info(&b, 4, NATIVE_R_STATS, &in);
	native_reply_reload(&b, 5, NATIVE_RELOAD_SWITCHED, 76, 77);
	verdict_init(&v);
	assert_int_equal(verdict_object(&v, UINT32_MAX, "m.zip", 0, 1, 300),
	    0);
	assert_int_equal(verdict_object(&v, 0, "m.zip/e.com", 1, 2, 68), 1);
	assert_int_equal(verdict_infected(&v, 1, "Eicar-Test-Signature"), 0);
	native_reply_verdict(&b, 6, "m.zip", &v, NULL, 1234567890);
	native_reply_verdict(&b, 7, "stream", NULL, "terminated; signal 11",
	    (uint64_t)UINT32_MAX + 1);
	assert_false(b.failed);

	m = next_reply(&b, &off);
	assert_int_equal(m->hdr.type, NATIVE_R_OK);
	assert_int_equal(m->hdr.id, 1);
	assert_int_equal(msg_get_str(m, &s), 0);
	assert_string_equal(s, "PONG");
	msg_free(m);
	m = next_reply(&b, &off);
	assert_int_equal(native_get_error(m, &code, &s), 0);
	assert_int_equal(code, NATIVE_E_DENIED);
	assert_string_equal(s, "no");
	msg_free(m);
	m = next_reply(&b, &off);
	assert_int_equal(native_get_info(m, &got), 0);
	assert_int_equal(got.serial, 77);
	assert_int_equal(got.created, 1700000000);
	assert_int_equal(got.nsigs, 12);
	assert_int_equal(got.sigbytes, 3456);
	assert_int_equal(got.nworkers, 2);
	assert_memory_equal(got.workers, in.workers, sizeof(in.workers));
	assert_int_equal(got.jobs, 100);
	assert_int_equal(got.infected, 7);
	assert_int_equal(got.crashes, 2);
	assert_int_equal(got.timeouts, 1);
	assert_int_equal(got.uptime, 3600);
	assert_int_equal(got.clients, 3);
	assert_int_equal(got.queued, 4);
	assert_int_equal(got.ntasks, 0);
	/* the wrong decoder for it */
	m->pos = 0;
	m->failed = 0;
	assert_int_equal(native_get_reload(m, &res, &x, &y), -1);
	msg_free(m);
	m = next_reply(&b, &off);
	assert_int_equal(native_get_info(m, &got), 0);
	assert_int_equal(got.clients, 3);
	assert_int_equal(got.jobs, 100);
	assert_int_equal(got.ntasks, 2);
	assert_string_equal(got.tasks[1].cmd, "native-fd");
	assert_string_equal(got.tasks[1].path, "/a b");
	assert_int_equal(got.tasks[0].ms, 12);
	msg_free(m);
	m = next_reply(&b, &off);
	assert_int_equal(native_get_reload(m, &res, &x, &y), 0);
	assert_int_equal(res, NATIVE_RELOAD_SWITCHED);
	assert_int_equal(x, 76);
	assert_int_equal(y, 77);
	msg_free(m);
	verdict_init(&back);
	m = next_reply(&b, &off);
	assert_int_equal(m->hdr.id, 6);
	assert_int_equal(m->hdr.gen, 1234567890);	/* the serial */
	assert_int_equal(native_get_verdict(m, &back), 0);
	assert_int_equal(back.status, AV_INFECTED);
	assert_int_equal(back.nobj, 2);
	assert_string_equal(verdict_path(&back, 1), "m.zip/e.com");
	assert_string_equal(verdict_name(&back, verdict_hit(&back, 1, 0)),
	    "Eicar-Test-Signature");
	msg_free(m);
	m = next_reply(&b, &off);
	assert_int_equal(m->hdr.gen, 0);	/* too large for 32 bits */
	assert_int_equal(native_get_verdict(m, &back), 0);
	assert_int_equal(back.status, AV_NOTSCANNED);
	assert_int_equal(back.nobj, 1);
	assert_string_equal(verdict_path(&back, 0), "stream");
	assert_string_equal(verdict_reason(&back, 0),
	    "terminated; signal 11");
	msg_free(m);
	assert_null(next_reply(&b, &off));

	/* a truncated reply, a reply of another type: refused */
	buf_clear(&b);
	native_reply_reload(&b, 5, 0, 1, 2);
	off = 0;
	m = next_reply(&b, &off);
	m->len -= 1;
	assert_int_equal(native_get_reload(m, &res, &x, &y), -1);
	assert_int_equal(errno, EBADMSG);
	m->pos = 0;
	m->failed = 0;
	assert_int_equal(native_get_verdict(m, &back), -1);
	assert_int_equal(native_get_error(m, &code, &s), -1);
	assert_int_equal(native_get_info(m, &got), -1);
	msg_free(m);
	assert_string_equal(native_strerror(NATIVE_E_TOOBIG),
	    "stream size limit exceeded");
	assert_string_equal(native_strerror(9999), "unknown error");
	verdict_free(&v);
	verdict_free(&back);
	buf_clear(&b);
}

/* test_verdict_cut - a tree too large for a frame: the root, its names */
static void
test_verdict_cut(void **state)
{
	struct verdict	 v, back;
	struct buf	 b;
	struct msg	*m;
	size_t		 off = 0;
	uint32_t	 i;
	char		 name[32];

	(void)state;
	verdict_init(&v);
	assert_int_equal(verdict_object(&v, UINT32_MAX, "big.tar", 0, 0,
	    1), 0);
	for (i = 1; i <= WIRE_MAXOBJ; i++) {
		snprintf(name, sizeof(name), "big.tar/%u", i);
		assert_int_equal(verdict_object(&v, 0, name, 1, 0, 1),
		    (int)i);
	}
	assert_int_equal(verdict_infected(&v, 5, "Sig.A"), 0);
	assert_int_equal(verdict_infected(&v, 9, "Sig.B"), 0);
	assert_int_equal(verdict_infected(&v, 11, "Sig.A"), 0);
	buf_init(&b);
	native_reply_verdict(&b, 3, "big.tar", &v, NULL, 9);
	assert_false(b.failed);
	m = next_reply(&b, &off);
	assert_int_equal(m->hdr.gen, 9);
	verdict_init(&back);
	assert_int_equal(native_get_verdict(m, &back), 0);
	assert_int_equal(back.status, AV_INFECTED);
	assert_int_equal(back.nobj, 1);
	assert_string_equal(verdict_path(&back, 0), "big.tar");
	assert_int_equal(back.obj[0].nhits, 2);
	msg_free(m);
	verdict_free(&back);
	verdict_free(&v);
	buf_clear(&b);
}

/* the fake host */
static int
fh_scan(void *ctx, int fd, const char *name, const struct native_job *nj)
{
	uint8_t	 b[4096];
	ssize_t	 n;

	(void)ctx;
	fh.scans++;
	strlcpy(fh.name, name, sizeof(fh.name));
	fh.nj = *nj;
	buf_clear(&fh.data);
	lseek(fd, 0, SEEK_SET);
	while ((n = read(fd, b, sizeof(b))) > 0)
		buf_add(&fh.data, b, (size_t)n);
	close(fd);
	return 0;
}

static int
fh_takefd(void *ctx)
{
	int	 fd, i;

	(void)ctx;
	if (fh.nfds == 0)
		return -1;
	fd = fh.fds[0];
	for (i = 1; i < fh.nfds; i++)
		fh.fds[i - 1] = fh.fds[i];
	fh.nfds--;
	return fd;
}

static void
fh_info(struct native_info *in)
{
	in->serial = 9;
	in->nworkers = 2;
	in->workers[NATIVE_W_IDLE] = 2;
}

static int
fh_reload(uint64_t *before, uint64_t *after)
{
	fh.reloads++;
	*before = 9;
	*after = fh.rres == -1 ? 9 : 10;
	return fh.rres;
}

static void
fh_shutdown(void *ctx)
{
	(void)ctx;
	fh.shutdowns++;
}

static const struct conf *
fh_conf(void)
{
	return fh.conf;
}

/* serve - run the input through native_serve() as the supervisor does */
static void
serve(struct native *n, const struct buf *in, struct buf *out)
{
	struct native_ev	 ev;
	size_t			 at = 0;

	while (at < in->len && !native_done(n)) {
		at += native_feed(n, in->data + at, in->len - at, &ev);
		native_serve(n, &ev, NULL, out, &fhost);
	}
}

/* test_serve - the server with a fake supervisor */
static void
test_serve(void **state)
{
	static const char cfg[] = "[daemon]\nmax_recursion = 10\n"
	    "[bob@example.com]\nmax_recursion = 4\n";
	struct native_opts	 o;
	struct native		*n;
	struct buf		 in, out;
	struct msg		*m;
	struct conf		*c;
	const char		*s;
	uint32_t		 code, res;
	uint64_t		 x, y;
	size_t			 off;
	int			 p[2];
	struct frame		 f[] = {
		SIMPLE(NATIVE_PING, 1),
		SIMPLE(NATIVE_RELOAD, 2),
		SIMPLE(NATIVE_SHUTDOWN, 3),
		{ NATIVE_SCAN, 4, 1, 1, NATIVE_F_ALLMATCH,
		    { "t", "bob@example.com", "", "" }, { 6, 0, 0, 0, 0, 0 },
		    NULL, 0, 0 },
		{ NATIVE_SCAN, 5, 0, 1, NATIVE_F_STREAM,
		    { "t", "", "", "s.eml" }, { 2, 0, 0, 0, 0, 0 }, NULL, 0,
		    0 },
		DATAF(5, "EICAR-ish"), DATAF(5, ""),
		SIMPLE(NATIVE_STATUS, 6),
	};
	size_t			 i;

	(void)state;
	memset(&fh, 0, sizeof(fh));
	buf_init(&fh.data);
	assert_non_null(c = conf_new());
	assert_int_equal(conf_load_buf(c, "t.cfg", cfg, sizeof(cfg) - 1,
	    NULL, 0), 0);
	fh.conf = c;
	assert_int_equal(pipe(p), 0);
	assert_int_equal(write(p[1], "abc", 3), 3);
	close(p[1]);
	fh.fds[fh.nfds++] = p[0];

	/* not an admin: RELOAD and SHUTDOWN refused, the rest served */
	memset(&o, 0, sizeof(o));
	o.maxstream = 100;
	assert_non_null(n = native_new(&o));
	buf_init(&in);
	buf_init(&out);
	for (i = 0; i < nitems(f); i++)
		put_frame(&in, &f[i]);
	serve(n, &in, &out);
	assert_false(native_done(n));
	off = 0;
	m = next_reply(&out, &off);
	assert_int_equal(m->hdr.type, NATIVE_R_OK);
	msg_free(m);
	m = next_reply(&out, &off);
	assert_int_equal(native_get_error(m, &code, &s), 0);
	assert_int_equal(code, NATIVE_E_DENIED);
	assert_int_equal(m->hdr.id, 2);
	msg_free(m);
	m = next_reply(&out, &off);
	assert_int_equal(native_get_error(m, &code, &s), 0);
	assert_int_equal(code, NATIVE_E_DENIED);
	msg_free(m);
	assert_int_equal(fh.reloads + fh.shutdowns, 0);
	/* both scans went to the host: the last one is the stream */
	assert_int_equal(fh.scans, 2);
	assert_string_equal(fh.name, "s.eml");
	assert_int_equal(fh.data.len, 9);
	assert_memory_equal(fh.data.data, "EICAR-ish", 9);
	assert_int_equal(fh.nj.on, 1);
	assert_int_equal(fh.nj.id, 5);
	assert_int_equal(fh.nj.stream, 1);
	assert_int_equal(fh.nj.flags, 0);
	assert_int_equal(fh.nj.lim.max_depth, 2);	/* 10, lowered */
	m = next_reply(&out, &off);
	assert_int_equal(m->hdr.type, NATIVE_R_STATUS);
	assert_int_equal(m->hdr.id, 6);
	msg_free(m);
	assert_null(next_reply(&out, &off));
	native_free(n);

	/* the descriptor scan alone: its name, flags, the user's limits */
	memset(&fh.nj, 0, sizeof(fh.nj));
	assert_int_equal(pipe(p), 0);
	assert_int_equal(write(p[1], "abc", 3), 3);
	close(p[1]);
	fh.fds[fh.nfds++] = p[0];
	buf_clear(&in);
	buf_clear(&out);
	put_frame(&in, &f[3]);
	assert_non_null(n = native_new(&o));
	serve(n, &in, &out);
	assert_int_equal(fh.scans, 3);
	assert_true(strncmp(fh.name, "fd[", 3) == 0);
	assert_int_equal(fh.data.len, 3);
	assert_int_equal(fh.nj.flags, MATCH_ALL);
	assert_int_equal(fh.nj.stream, 0);
	assert_int_equal(fh.nj.lim.max_depth, 4);	/* 6 asked: not raised */
	assert_int_equal(out.len, 0);			/* answered later */
	/* no descriptor arrived though the header said so: dropped */
	buf_clear(&in);
	put_frame(&in, &f[3]);
	serve(n, &in, &out);
	assert_true(native_done(n));
	off = 0;
	m = next_reply(&out, &off);
	assert_int_equal(native_get_error(m, &code, &s), 0);
	assert_int_equal(code, NATIVE_E_NOFD);
	msg_free(m);
	native_free(n);

	/* an admin: RELOAD switched, failed; SHUTDOWN */
	o.admin = 1;
	assert_non_null(n = native_new(&o));
	buf_clear(&in);
	buf_clear(&out);
	put_frame(&in, &f[1]);
	serve(n, &in, &out);
	fh.rres = -1;
	serve(n, &in, &out);
	buf_clear(&in);
	put_frame(&in, &f[2]);
	serve(n, &in, &out);
	assert_int_equal(fh.reloads, 2);
	assert_int_equal(fh.shutdowns, 1);
	off = 0;
	m = next_reply(&out, &off);
	assert_int_equal(native_get_reload(m, &res, &x, &y), 0);
	assert_int_equal(res, NATIVE_RELOAD_SWITCHED);
	assert_int_equal(y, 10);
	msg_free(m);
	m = next_reply(&out, &off);
	assert_int_equal(native_get_error(m, &code, &s), 0);
	assert_int_equal(code, NATIVE_E_RELOAD);
	msg_free(m);
	m = next_reply(&out, &off);
	assert_int_equal(m->hdr.type, NATIVE_R_OK);
	msg_free(m);
	native_free(n);

	/* a stream over the limit: an error, the connection goes on */
	o.maxstream = 4;
	assert_non_null(n = native_new(&o));
	buf_clear(&in);
	buf_clear(&out);
	for (i = 4; i < nitems(f); i++)
		put_frame(&in, &f[i]);
	serve(n, &in, &out);
	assert_int_equal(fh.scans, 3);
	off = 0;
	m = next_reply(&out, &off);
	assert_int_equal(native_get_error(m, &code, &s), 0);
	assert_int_equal(code, NATIVE_E_TOOBIG);
	assert_int_equal(m->hdr.id, 5);
	msg_free(m);
	m = next_reply(&out, &off);
	assert_int_equal(m->hdr.type, NATIVE_R_STATUS);
	msg_free(m);
	/* a stream left open when the client goes: released */
	buf_clear(&in);
	put_frame(&in, &f[4]);
	put_frame(&in, &f[5]);
	serve(n, &in, &out);
	native_free(n);

	buf_clear(&in);
	buf_clear(&out);
	buf_clear(&fh.data);
	conf_free(c);
}

/* test_random - garbage after the magic never crashes the server */
static void
test_random(void **state)
{
	struct native_opts	 o;
	struct native		*n;
	struct buf		 in, out;
	uint32_t		 seed = 12345, k, i, w;
	struct msg_hdr		 h;

	(void)state;
	memset(&fh, 0, sizeof(fh));
	buf_init(&fh.data);
	memset(&o, 0, sizeof(o));
	o.maxstream = 64;
	o.admin = 1;
	for (k = 0; k < 3000; k++) {
		buf_init(&in);
		buf_init(&out);
		for (i = 0; i < 6; i++) {
			seed = seed * 1103515245u + 12345u;
			/* mostly plausible headers, some noise */
			h.type = NATIVE_PING + (seed >> 16) % 10;
			h.id = seed % 7;
			h.len = MSG_HDRSIZE + (seed >> 8) % 64;
			if ((seed & 0x7) == 0)
				h.len |= MSG_HASFD;
			if ((seed & 0x30) == 0)
				h.len = seed;
			if (h.type == NATIVE_RELOAD || h.type ==
			    NATIVE_SHUTDOWN)
				h.type = NATIVE_PING;
			buf_add(&in, &h, sizeof(h));
			for (w = MSG_HDRSIZE; w < (h.len & 0xff); w++) {
				seed = seed * 1103515245u + 12345u;
				buf_add(&in, (uint8_t *)&seed + 2, 1);
			}
		}
		assert_non_null(n = native_new(&o));
		serve(n, &in, &out);
		assert_false(out.failed);
		native_free(n);
		buf_clear(&in);
		buf_clear(&out);
	}
	buf_clear(&fh.data);
}

/* main - every row and check as its own test */
int
main(void)
{
	static struct CMUnitTest	 tests[nitems(pcases) + 8];
	size_t				 i, n = 0;

	for (i = 0; i < nitems(pcases); i++) {
		tests[n].name = pcases[i].name;
		tests[n].test_func = test_pcase;
		tests[n++].initial_state = (void *)&pcases[i];
	}
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_detect);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_limits);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_put_scan);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_replies);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_verdict_cut);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_serve);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_random);
	return _cmocka_run_group_tests("native", tests, n, NULL, NULL);
}
