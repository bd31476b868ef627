/*
 * test_wire.c - unit tests for lib/av/wire.c
 *
 * Verdict trees shaped like pipeline_run()'s (a mail with an archive, a
 * limit hit, an encrypted member, heuristics, MATCH_ALL names) go out and
 * come back equal, once through a real socketpair, and re-encode to the
 * same bytes.  Then a table of hand-made payloads that a broken or hostile
 * worker could send, each of which must be refused with an empty verdict,
 * and every truncation of a good payload.  Jobs, logs, modules, stats and
 * errors round-trip and refuse their bad values.
 */
#include <sys/types.h>
#include <sys/socket.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "av/msgtypes.h"
#include "av/verdict.h"
#include "av/wire.h"
#include "util/msg.h"
#include "workers/pipeline.h"

#define nitems(a)	(sizeof(a) / sizeof((a)[0]))
#define NONE		UINT32_MAX

static void	 tree_mail(struct verdict *);
static void	 tree_single(struct verdict *);
static void	 tree_limits(struct verdict *);
static void	 tree_wide(struct verdict *);
static void	 same_verdict(const struct verdict *, const struct verdict *);
static struct msg *encode(const struct verdict *);
static void	 obj(struct msg *, uint32_t, uint16_t, uint8_t, const char *,
		    const char *, uint32_t);

/* tree_mail - a mail, a zip in it, a detection inside, MATCH_ALL */
static void
tree_mail(struct verdict *v)
{
	assert_int_equal(verdict_object(v, NONE, "msg.eml", 0, 8, 4000), 0);
	assert_int_equal(verdict_object(v, 0, "msg.eml/1", 1, 3, 120), 1);
	assert_int_equal(verdict_object(v, 0, "msg.eml/2:invoice.zip", 1, 23,
	    2000), 2);
	assert_int_equal(verdict_object(v, 2, "msg.eml/2:invoice.zip/a.txt",
	    2, 3, 10), 3);
	assert_int_equal(verdict_object(v, 2,
	    "msg.eml/2:invoice.zip/doc/evil.exe", 2, 9, 68), 4);
	assert_int_equal(verdict_infected(v, 4, "Eicar-Signature"), 0);
	assert_int_equal(verdict_infected(v, 4, "Win.Test.EICAR_HDB-1"), 0);
	assert_int_equal(verdict_object(v, 0, "msg.eml/3:x.gz", 1, 30, 50), 5);
	assert_int_equal(verdict_object(v, 5, "msg.eml/3:x.gz/x", 2, 3, 1 <<
	    20), 6);
	assert_int_equal(verdict_notscanned(v, 6, "limit: compression ratio"),
	    0);
	assert_int_equal(verdict_infected(v, 6, "Heuristics.Limits.Exceeded"),
	    0);
}

/* tree_single - one clean object */
static void
tree_single(struct verdict *v)
{
	assert_int_equal(verdict_object(v, NONE, "", 0, 0, 0), 0);
}

/* tree_limits - not scanned objects only, and an encrypted member */
static void
tree_limits(struct verdict *v)
{
	assert_int_equal(verdict_object(v, NONE, "in", 0, 23, 99), 0);
	assert_int_equal(verdict_object(v, 0, "in/secret.doc", 1, 1, 0), 1);
	assert_int_equal(verdict_notscanned(v, 1, "encrypted"), 0);
	assert_int_equal(verdict_notscanned(v, 1, "limit: files"), 0);
	assert_int_equal(verdict_object(v, 0, "in/big", 1, 1, 1ULL << 40), 2);
	assert_int_equal(verdict_notscanned(v, 2, "limit: file size"), 0);
}

/* tree_wide - a deep chain and many siblings, infected then not scanned */
static void
tree_wide(struct verdict *v)
{
	char		 path[64];
	uint32_t	 i;

	assert_int_equal(verdict_object(v, NONE, "deep", 0, 1, 1), 0);
	for (i = 1; i < 17; i++) {
		snprintf(path, sizeof(path), "%s/%u", verdict_path(v, i - 1),
		    i % 10);
		assert_int_equal(verdict_object(v, i - 1, path, (uint16_t)i,
		    (uint16_t)i, i), (int)i);
	}
	for (; i < 300; i++)
		assert_int_equal(verdict_object(v, 3, "deep/1/2/3/x", 4, 2, i),
		    (int)i);
	assert_int_equal(verdict_infected(v, 299, "A"), 0);
	assert_int_equal(verdict_notscanned(v, 299, "limit: time"), 0);
	assert_int_equal(verdict_infected(v, 16, "B"), 0);
	assert_int_equal(verdict_infected(v, 299, "C"), 0);
}

static const struct tcase {
	const char	*name;
	void		(*build)(struct verdict *);
	uint8_t		 status;
} tcases[] = {
	{ "round trip: mail", tree_mail, AV_INFECTED },
	{ "round trip: single clean", tree_single, AV_CLEAN },
	{ "round trip: limits", tree_limits, AV_NOTSCANNED },
	{ "round trip: deep and wide", tree_wide, AV_INFECTED },
};

/* same_verdict - equal trees, as the API shows them */
static void
same_verdict(const struct verdict *a, const struct verdict *b)
{
	uint32_t	 i, k, ha, hb;

	assert_int_equal(a->status, b->status);
	assert_int_equal(a->nobj, b->nobj);
	assert_int_equal(a->nhits, b->nhits);
	assert_int_equal(a->ninfected, b->ninfected);
	assert_int_equal(a->nnotscanned, b->nnotscanned);
	for (i = 0; i < a->nobj; i++) {
		assert_int_equal(a->obj[i].parent, b->obj[i].parent);
		assert_int_equal(a->obj[i].depth, b->obj[i].depth);
		assert_int_equal(a->obj[i].type, b->obj[i].type);
		assert_int_equal(a->obj[i].status, b->obj[i].status);
		assert_true(a->obj[i].size == b->obj[i].size);
		assert_int_equal(a->obj[i].nhits, b->obj[i].nhits);
		assert_string_equal(verdict_path(a, i), verdict_path(b, i));
		assert_string_equal(verdict_reason(a, i),
		    verdict_reason(b, i));
		for (k = 0; k < a->obj[i].nhits; k++) {
			ha = verdict_hit(a, i, k);
			hb = verdict_hit(b, i, k);
			assert_string_equal(verdict_name(a, ha),
			    verdict_name(b, hb));
		}
	}
}

/* encode - a verdict message */
static struct msg *
encode(const struct verdict *v)
{
	struct msg	*m;

	assert_non_null(m = msg_new(MSG_VERDICT, 42, 3));
	assert_int_equal(wire_put_verdict(m, v), 0);
	return m;
}

/* test_roundtrip - out through a socketpair and back, bytes identical */
static void
test_roundtrip(void **state)
{
	const struct tcase	*c = *state;
	struct verdict		 v, w;
	struct msgbuf		 mb;
	struct msg		*m, *r, *again;
	int			 sv[2];

	verdict_init(&v);
	verdict_init(&w);
	c->build(&v);
	assert_int_equal(v.status, c->status);
	m = encode(&v);
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0,
	    sv), 0);
	assert_int_equal(msg_send(sv[0], m, -1, -1), 0);
	msgbuf_init(&mb, sv[1], 0);
	assert_int_equal(msgbuf_recv(&mb, &r, 1000), 1);
	assert_int_equal(r->hdr.id, 42);
	assert_int_equal(wire_get_verdict(r, &w), 0);
	same_verdict(&v, &w);
	again = encode(&w);
	assert_int_equal(again->len, m->len);
	assert_memory_equal(again->data, m->data, m->len);
	/* a verdict is decoded into one that held something before */
	again->pos = 0;
	assert_int_equal(wire_get_verdict(again, &w), 0);
	same_verdict(&v, &w);
	msg_free(again);
	msg_free(r);
	msg_free(m);
	msgbuf_clear(&mb);
	close(sv[0]);
	close(sv[1]);
	verdict_free(&v);
	verdict_free(&w);
}

/* obj - one object's fields, then nh names "N0", "N1", ... */
static void
obj(struct msg *m, uint32_t parent, uint16_t depth, uint8_t st,
    const char *path, const char *reason, uint32_t nh)
{
	char		 name[16];
	uint32_t	 k;

	msg_add_u32(m, parent);
	msg_add_u16(m, depth);
	msg_add_u16(m, 1);
	msg_add_u8(m, st);
	msg_add_u64(m, 10);
	msg_add_str(m, path);
	msg_add_str(m, reason);
	msg_add_u32(m, nh);
	for (k = 0; k < nh; k++) {
		snprintf(name, sizeof(name), "N%u", k);
		msg_add_str(m, name);
	}
}

/* hostile payloads, by what they break */
static void
b_nobj0(struct msg *m)
{
	msg_add_u8(m, AV_CLEAN);
	msg_add_u32(m, 0);
}

static void
b_nobjhuge(struct msg *m)
{
	msg_add_u8(m, AV_CLEAN);
	msg_add_u32(m, 0xffffffff);
	obj(m, NONE, 0, AV_CLEAN, "a", "", 0);
}

static void
b_nobjmore(struct msg *m)
{
	msg_add_u8(m, AV_CLEAN);
	msg_add_u32(m, 3);
	obj(m, NONE, 0, AV_CLEAN, "a", "", 0);
	obj(m, 0, 1, AV_CLEAN, "a/b", "", 0);
}

static void
b_rootparent(struct msg *m)
{
	msg_add_u8(m, AV_CLEAN);
	msg_add_u32(m, 1);
	obj(m, 0, 0, AV_CLEAN, "a", "", 0);
}

static void
b_rootdepth(struct msg *m)
{
	msg_add_u8(m, AV_CLEAN);
	msg_add_u32(m, 1);
	obj(m, NONE, 1, AV_CLEAN, "a", "", 0);
}

static void
b_tworoots(struct msg *m)
{
	msg_add_u8(m, AV_CLEAN);
	msg_add_u32(m, 2);
	obj(m, NONE, 0, AV_CLEAN, "a", "", 0);
	obj(m, NONE, 0, AV_CLEAN, "b", "", 0);
}

static void
b_parentself(struct msg *m)
{
	msg_add_u8(m, AV_CLEAN);
	msg_add_u32(m, 2);
	obj(m, NONE, 0, AV_CLEAN, "a", "", 0);
	obj(m, 1, 1, AV_CLEAN, "a/b", "", 0);
}

static void
b_parentfwd(struct msg *m)
{
	msg_add_u8(m, AV_CLEAN);
	msg_add_u32(m, 3);
	obj(m, NONE, 0, AV_CLEAN, "a", "", 0);
	obj(m, 2, 1, AV_CLEAN, "a/b", "", 0);
	obj(m, 0, 1, AV_CLEAN, "a/c", "", 0);
}

static void
b_depthjump(struct msg *m)
{
	msg_add_u8(m, AV_CLEAN);
	msg_add_u32(m, 2);
	obj(m, NONE, 0, AV_CLEAN, "a", "", 0);
	obj(m, 0, 2, AV_CLEAN, "a/b", "", 0);
}

static void
b_depthsame(struct msg *m)
{
	msg_add_u8(m, AV_CLEAN);
	msg_add_u32(m, 2);
	obj(m, NONE, 0, AV_CLEAN, "a", "", 0);
	obj(m, 0, 0, AV_CLEAN, "a/b", "", 0);
}

static void
b_objstatus(struct msg *m)
{
	msg_add_u8(m, AV_INFECTED);
	msg_add_u32(m, 1);
	obj(m, NONE, 0, 3, "a", "x", 1);
}

static void
b_topstatus(struct msg *m)
{
	msg_add_u8(m, 3);
	msg_add_u32(m, 1);
	obj(m, NONE, 0, AV_CLEAN, "a", "", 0);
}

static void
b_topclean(struct msg *m)
{
	msg_add_u8(m, AV_CLEAN);
	msg_add_u32(m, 2);
	obj(m, NONE, 0, AV_CLEAN, "a", "", 0);
	obj(m, 0, 1, AV_INFECTED, "a/b", "", 1);
}

static void
b_topnotscanned(struct msg *m)
{
	msg_add_u8(m, AV_NOTSCANNED);
	msg_add_u32(m, 2);
	obj(m, NONE, 0, AV_NOTSCANNED, "a", "encrypted", 0);
	obj(m, 0, 1, AV_INFECTED, "a/b", "", 1);
}

static void
b_infnonames(struct msg *m)
{
	msg_add_u8(m, AV_INFECTED);
	msg_add_u32(m, 1);
	obj(m, NONE, 0, AV_INFECTED, "a", "", 0);
}

static void
b_cleannames(struct msg *m)
{
	msg_add_u8(m, AV_INFECTED);
	msg_add_u32(m, 1);
	obj(m, NONE, 0, AV_CLEAN, "a", "", 1);
}

static void
b_nsnoreason(struct msg *m)
{
	msg_add_u8(m, AV_NOTSCANNED);
	msg_add_u32(m, 1);
	obj(m, NONE, 0, AV_NOTSCANNED, "a", "", 0);
}

static void
b_cleanreason(struct msg *m)
{
	msg_add_u8(m, AV_CLEAN);
	msg_add_u32(m, 1);
	obj(m, NONE, 0, AV_CLEAN, "a", "encrypted", 0);
}

static void
b_emptyname(struct msg *m)
{
	msg_add_u8(m, AV_INFECTED);
	msg_add_u32(m, 1);
	obj(m, NONE, 0, AV_INFECTED, "a", "", 0);
	m->len -= 4;
	m->hdr.len -= 4;
	msg_add_u32(m, 1);
	msg_add_str(m, "");
}

static void
b_dupname(struct msg *m)
{
	msg_add_u8(m, AV_INFECTED);
	msg_add_u32(m, 1);
	obj(m, NONE, 0, AV_INFECTED, "a", "", 0);
	m->len -= 4;
	m->hdr.len -= 4;
	msg_add_u32(m, 2);
	msg_add_str(m, "Eicar");
	msg_add_str(m, "Eicar");
}

static void
b_manyhits(struct msg *m)
{
	msg_add_u8(m, AV_INFECTED);
	msg_add_u32(m, 1);
	obj(m, NONE, 0, AV_INFECTED, "a", "", WIRE_MAXHITS + 1);
}

static void
b_hitsbeyond(struct msg *m)
{
	msg_add_u8(m, AV_INFECTED);
	msg_add_u32(m, 1);
	obj(m, NONE, 0, AV_INFECTED, "a", "", 2);
	m->len -= 3;		/* the second name is gone */
	m->hdr.len -= 3;
}

static void
b_longpath(struct msg *m)
{
	char	*p;

	assert_non_null(p = malloc(WIRE_MAXSTR + 2));
	memset(p, 'x', WIRE_MAXSTR + 1);
	p[WIRE_MAXSTR + 1] = '\0';
	msg_add_u8(m, AV_CLEAN);
	msg_add_u32(m, 1);
	obj(m, NONE, 0, AV_CLEAN, p, "", 0);
	free(p);
}

static void
b_unterminated(struct msg *m)
{
	msg_add_u8(m, AV_CLEAN);
	msg_add_u32(m, 1);
	obj(m, NONE, 0, AV_CLEAN, "a", "", 0);
	m->len -= 6;		/* nhits, the reason, the path's NUL */
	m->hdr.len -= 6;
}

static void
b_leftover(struct msg *m)
{
	msg_add_u8(m, AV_CLEAN);
	msg_add_u32(m, 1);
	obj(m, NONE, 0, AV_CLEAN, "a", "", 0);
	msg_add_u8(m, 0);
}

static void
b_wrongtype(struct msg *m)
{
	msg_add_u8(m, AV_CLEAN);
	msg_add_u32(m, 1);
	obj(m, NONE, 0, AV_CLEAN, "a", "", 0);
	m->hdr.type = MSG_LOG;
}

static void
b_withfd(struct msg *m)
{
	msg_add_u8(m, AV_CLEAN);
	msg_add_u32(m, 1);
	obj(m, NONE, 0, AV_CLEAN, "a", "", 0);
	m->fd = dup(0);
}

static const struct bcase {
	const char	*name;
	void		(*build)(struct msg *);
} bcases[] = {
	{ "bad: no objects", b_nobj0 },
	{ "bad: object count huge", b_nobjhuge },
	{ "bad: fewer objects than counted", b_nobjmore },
	{ "bad: root with a parent", b_rootparent },
	{ "bad: root at depth 1", b_rootdepth },
	{ "bad: two roots", b_tworoots },
	{ "bad: own parent", b_parentself },
	{ "bad: parent after child", b_parentfwd },
	{ "bad: depth skips", b_depthjump },
	{ "bad: depth same as parent", b_depthsame },
	{ "bad: object status 3", b_objstatus },
	{ "bad: input status 3", b_topstatus },
	{ "bad: input clean, child infected", b_topclean },
	{ "bad: input below its objects", b_topnotscanned },
	{ "bad: infected without names", b_infnonames },
	{ "bad: clean with names", b_cleannames },
	{ "bad: not scanned without reason", b_nsnoreason },
	{ "bad: clean with a reason", b_cleanreason },
	{ "bad: empty name", b_emptyname },
	{ "bad: repeated name", b_dupname },
	{ "bad: too many names", b_manyhits },
	{ "bad: names past the end", b_hitsbeyond },
	{ "bad: path too long", b_longpath },
	{ "bad: unterminated string", b_unterminated },
	{ "bad: leftover byte", b_leftover },
	{ "bad: not MSG_VERDICT", b_wrongtype },
	{ "bad: came with a descriptor", b_withfd },
};

/* test_bad - refused, with an empty verdict */
static void
test_bad(void **state)
{
	const struct bcase	*c = *state;
	struct verdict		 v;
	struct msg		*m;

	verdict_init(&v);
	tree_mail(&v);			/* decoding replaces what was there */
	assert_non_null(m = msg_new(MSG_VERDICT, 1, 1));
	c->build(m);
	assert_int_equal(m->failed, 0);
	assert_int_equal(wire_get_verdict(m, &v), -1);
	assert_int_equal(errno, EBADMSG);
	assert_int_equal(v.nobj, 0);
	assert_int_equal(v.nhits, 0);
	assert_int_equal(v.status, AV_CLEAN);
	msg_free(m);
	verdict_free(&v);
}

/* test_cut - every strict prefix of good payloads is refused */
static void
test_cut(void **state)
{
	struct verdict	 v, w;
	struct msg	*m;
	size_t		 len, cut;

	(void)state;
	verdict_init(&v);
	verdict_init(&w);
	tree_mail(&v);
	m = encode(&v);
	len = m->len;
	for (cut = 0; cut < len; cut++) {
		m->len = cut;
		m->pos = 0;
		m->failed = 0;
		assert_int_equal(wire_get_verdict(m, &w), -1);
		assert_int_equal(w.nobj, 0);
	}
	m->len = len;
	m->pos = 0;
	m->failed = 0;
	assert_int_equal(wire_get_verdict(m, &w), 0);
	msg_free(m);
	verdict_free(&v);
	verdict_free(&w);
}

/* test_put_bounds - what cannot be encoded is refused by the sender */
static void
test_put_bounds(void **state)
{
	struct verdict	 v;
	struct msg	*m;
	char		*p;

	(void)state;
	verdict_init(&v);
	assert_non_null(m = msg_new(MSG_VERDICT, 1, 1));
	assert_int_equal(wire_put_verdict(m, &v), -1);	/* empty */
	assert_int_equal(errno, EINVAL);
	assert_non_null(p = malloc(WIRE_MAXSTR + 2));
	memset(p, 'x', WIRE_MAXSTR + 1);
	p[WIRE_MAXSTR + 1] = '\0';
	assert_int_equal(verdict_object(&v, NONE, p, 0, 0, 0), 0);
	assert_int_equal(wire_put_verdict(m, &v), -1);
	assert_int_equal(errno, EMSGSIZE);
	free(p);
	msg_free(m);
	verdict_free(&v);
}

/* test_job - options out and back; the descriptor is required */
static void
test_job(void **state)
{
	struct scan_limits	 lim, got;
	struct wire_job		 j = { 0x01, 77, "clamdscan:/tmp/x.zip" }, gj;
	struct msg		*m;

	(void)state;
	scan_limits_default(&lim);
	lim.heuristics = 5;		/* any true value goes as 1 */
	assert_non_null(m = msg_new(MSG_JOB, 9, 2));
	assert_int_equal(wire_put_job(m, &j, &lim), 0);
	m->fd = dup(0);
	assert_int_equal(wire_get_job(m, &gj, &got), 0);
	assert_int_equal(gj.flags, 1);
	assert_true(gj.reqid == 77);
	assert_string_equal(gj.name, j.name);
	assert_int_equal(got.max_depth, lim.max_depth);
	assert_true(got.max_scansize == lim.max_scansize);
	assert_int_equal(got.max_files, lim.max_files);
	assert_true(got.max_filesize == lim.max_filesize);
	assert_int_equal(got.max_ratio, lim.max_ratio);
	assert_int_equal(got.max_time, lim.max_time);
	assert_int_equal(got.heuristics, 1);
	/* no descriptor */
	m->pos = 0;
	close(msg_take_fd(m));
	assert_int_equal(wire_get_job(m, &gj, &got), -1);
	assert_int_equal(errno, EBADMSG);
	msg_free(m);
	/* heuristics must be 0 or 1 */
	assert_non_null(m = msg_new(MSG_JOB, 9, 2));
	assert_int_equal(wire_put_job(m, &j, &lim), 0);
	m->data[4 + 4 + 8 + 4 + 8 + 4 + 4] = 2;
	m->fd = dup(0);
	assert_int_equal(wire_get_job(m, &gj, &got), -1);
	msg_free(m);
	/* a byte too many */
	assert_non_null(m = msg_new(MSG_JOB, 9, 2));
	assert_int_equal(wire_put_job(m, &j, &lim), 0);
	msg_add_u8(m, 0);
	m->fd = dup(0);
	assert_int_equal(wire_get_job(m, &gj, &got), -1);
	msg_free(m);
}

/* test_small - logs, modules, stats and errors */
static void
test_small(void **state)
{
	struct wire_module	 mod = { 1, 3, 20240501 }, gm;
	struct wire_stats	 st = { 12, 34567, 890 }, gs;
	struct msg		*m;
	const char		*text;
	uint32_t		 code;
	int			 level;

	(void)state;
	assert_non_null(m = msg_new(MSG_LOG, 0, 1));
	assert_int_equal(wire_put_log(m, 3, "scan: odd zip"), 0);
	assert_int_equal(wire_get_log(m, &level, &text), 0);
	assert_int_equal(level, 3);
	assert_string_equal(text, "scan: odd zip");
	msg_free(m);
	assert_non_null(m = msg_new(MSG_LOG, 0, 1));
	assert_int_equal(wire_put_log(m, WIRE_MAXLEVEL + 1, "x"), -1);
	assert_int_equal(errno, EINVAL);
	msg_free(m);
	assert_non_null(m = msg_new(MSG_LOG, 0, 1));
	msg_add_u8(m, WIRE_MAXLEVEL + 1);
	msg_add_str(m, "x");
	assert_int_equal(wire_get_log(m, &level, &text), -1);
	msg_free(m);

	assert_non_null(m = msg_new(MSG_MODULES, 0, 4));
	assert_int_equal(wire_put_module(m, &mod), 0);
	assert_int_equal(wire_get_module(m, &gm), -1);	/* no descriptor */
	m->pos = 0;
	m->failed = 0;
	m->fd = dup(0);
	assert_int_equal(wire_get_module(m, &gm), 0);
	assert_int_equal(gm.index, 1);
	assert_int_equal(gm.count, 3);
	assert_true(gm.serial == 20240501);
	msg_free(m);
	mod.index = 3;
	assert_non_null(m = msg_new(MSG_MODULES, 0, 4));
	assert_int_equal(wire_put_module(m, &mod), -1);
	msg_add_u32(m, 3);
	msg_add_u32(m, 3);
	msg_add_u64(m, 1);
	m->fd = dup(0);
	assert_int_equal(wire_get_module(m, &gm), -1);
	msg_free(m);

	assert_non_null(m = msg_new(MSG_STATS, 5, 4));
	assert_int_equal(wire_put_stats(m, &st), 0);
	assert_int_equal(wire_get_stats(m, &gs), 0);
	assert_true(gs.objects == 12 && gs.bytes == 34567 && gs.usec == 890);
	msg_free(m);

	assert_non_null(m = msg_new(MSG_ERROR, 5, 4));
	assert_int_equal(wire_put_error(m, ENOMEM, "out of memory"), 0);
	assert_int_equal(wire_get_error(m, &code, &text), 0);
	assert_int_equal(code, ENOMEM);
	assert_string_equal(text, "out of memory");
	m->pos = 0;
	m->hdr.type = MSG_LOG;
	assert_int_equal(wire_get_error(m, &code, &text), -1);
	msg_free(m);
}

#define ADD(tab, fn)	do {						\
	for (i = 0; i < nitems(tab); i++) {				\
		tests[n].name = tab[i].name;				\
		tests[n].test_func = fn;				\
		tests[n++].initial_state = (void *)&tab[i];		\
	}								\
} while (0)

/* main - every row and check as its own test */
int
main(void)
{
	static struct CMUnitTest	 tests[nitems(tcases) +
	    nitems(bcases) + 8];
	size_t				 i, n = 0;

	ADD(tcases, test_roundtrip);
	ADD(bcases, test_bad);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_cut);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_put_bounds);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_job);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_small);
	return _cmocka_run_group_tests("wire", tests, n, NULL, NULL);
}
