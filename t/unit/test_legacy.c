/*
 * test_legacy.c - unit tests for workers/arj.c, szdd.c, tnef.c, legacy.c
 *
 * The real files of Debian's clamav-testfiles (clam.arj, clam.exe.szdd,
 * clam.tnef) must each give clam.exe (skipped when the package is
 * absent).  Archives made at test time by Debian's tools, when they are
 * installed (skipped with a message otherwise): arj (package arj) in
 * every method, with several members, an empty one, a directory, a
 * password and volumes; mscompress (package mscompress) for SZDD.  Then
 * fixtures built here by small writers, so that every rejection path is
 * tested without any tool: ARJ headers around stored data or hand-coded
 * LZH bit streams (a bomb made of one-symbol tables, over-subscribed and
 * incomplete tables), all-literal SZDD data and a run of matches (a
 * bomb), TNEF streams with several attachments, long names (8-bit and
 * UTF-16), no title, bad checksums, cut anywhere.  Limits (max_entry,
 * max_total, max_entries, max_ratio), the callback's stop, and random
 * damage to every fixture (nothing may crash, members stay prefixes).
 */
#include <sys/stat.h>

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

#include <zlib.h>

#include "util/buf.h"
#include "util/digest.h"
#include "workers/legacy.h"

#include "lgtest.h"

#define nitems(a)	(sizeof(a) / sizeof((a)[0]))

/* an ARJ member for the writer */
struct am {
	const char	*name;
	uint8_t		 method;
	uint8_t		 flags;
	uint8_t		 ftype;
	const uint8_t	*data;		/* compressed data */
	size_t		 dlen;
	uint32_t	 osize;
	uint32_t	 crc;
	int		 ext;		/* add an extended header */
};

/* MSB-first bit writer for hand-made LZH streams */
struct bw {
	struct buf	*b;
	uint32_t	 acc;
	int		 nb;
};

static void	 put16(struct buf *, uint32_t);
static void	 put32(struct buf *, uint32_t);
static void	 arj_member(struct buf *, const struct am *);
static void	 arj_archive(struct buf *, const struct am *, size_t);
static struct am stored(const char *, const void *, size_t);
static void	 bw_put(struct bw *, uint32_t, int);
static void	 bw_end(struct bw *);
static void	 szdd_literal(struct buf *, const uint8_t *, size_t, uint32_t);
static void	 tnef_att(struct buf *, int, uint32_t, const void *, size_t);
static void	 tnef_props(struct buf *, const char *, int);
static void	 tnef_sample(struct buf *);
static int	 have_tool(const char *);
static char	*tmpdir(void);
static void	 rmtree(const char *);
static void	 mkfile(const char *, const char *, const uint8_t *, size_t);
static void	 pattern(uint8_t *, size_t, uint32_t);
static void	 hostile(enum ftype, const struct buf *, const struct got *);

/* put16 - little-endian 16 bits */
static void
put16(struct buf *b, uint32_t v)
{
	uint8_t	 p[2] = { (uint8_t)v, (uint8_t)(v >> 8) };

	buf_add(b, p, 2);
}

/* put32 - little-endian 32 bits */
static void
put32(struct buf *b, uint32_t v)
{
	uint8_t	 p[4] = {
		(uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16),
		(uint8_t)(v >> 24)
	};

	buf_add(b, p, 4);
}

/* arj_member - one ARJ header (and its data) the way ARJ 2.x writes it */
static void
arj_member(struct buf *b, const struct am *m)
{
	struct buf	 h;
	size_t		 nl = strlen(m->name);
	uint8_t		 fixed[30];

	memset(fixed, 0, sizeof(fixed));
	fixed[0] = 30;
	fixed[1] = 11;
	fixed[2] = 1;
	fixed[3] = 2;			/* UNIX */
	fixed[4] = m->flags;
	fixed[5] = m->method;
	fixed[6] = m->ftype;
	buf_init(&h);
	buf_add(&h, fixed, 12);
	put32(&h, (uint32_t)m->dlen);
	put32(&h, m->osize);
	put32(&h, m->crc);
	buf_addz(&h, 6);
	buf_add(&h, m->name, nl + 1);
	buf_addz(&h, 1);		/* empty comment */
	buf_add(b, "\x60\xea", 2);
	put16(b, (uint32_t)h.len);
	buf_add(b, h.data, h.len);
	put32(b, (uint32_t)crc32(0L, h.data, (uInt)h.len));
	if (m->ext) {
		put16(b, 5);
		buf_add(b, "EXTRA", 5);
		put32(b, (uint32_t)crc32(0L, (const uint8_t *)"EXTRA", 5));
	}
	put16(b, 0);
	if (m->dlen > 0)
		buf_add(b, m->data, m->dlen);
	buf_clear(&h);
}

/* arj_archive - main header, the members, the end header */
static void
arj_archive(struct buf *b, const struct am *m, size_t n)
{
	static const struct am	 mainhdr = { "test.arj", 0, 0, 2, NULL, 0,
	    0, 0, 0 };
	size_t			 i;

	buf_init(b);
	arj_member(b, &mainhdr);
	for (i = 0; i < n; i++)
		arj_member(b, &m[i]);
	buf_add(b, "\x60\xea\0\0", 4);
	assert_false(b->failed);
}

/* stored - a stored member of p */
static struct am
stored(const char *name, const void *p, size_t n)
{
	struct am	 m;

	memset(&m, 0, sizeof(m));
	m.name = name;
	m.data = p;
	m.dlen = n;
	m.osize = (uint32_t)n;
	m.crc = (uint32_t)crc32(0L, p, (uInt)n);
	return m;
}

/* bw_put - n bits of v, most significant first */
static void
bw_put(struct bw *w, uint32_t v, int n)
{
	uint8_t	 c;

	while (n-- > 0) {
		w->acc = w->acc << 1 | (v >> n & 1);
		if (++w->nb == 8) {
			c = (uint8_t)w->acc;
			buf_add(w->b, &c, 1);
			w->acc = 0;
			w->nb = 0;
		}
	}
}

/* bw_end - pad the last byte with zeros */
static void
bw_end(struct bw *w)
{
	if (w->nb > 0)
		bw_put(w, 0, 8 - w->nb);
}

/* szdd_literal - an SZDD file of literals only, declared size osize */
static void
szdd_literal(struct buf *b, const uint8_t *p, size_t n, uint32_t osize)
{
	size_t	 i;
	uint8_t	 ctl = 0xff;

	buf_init(b);
	buf_add(b, "SZDD\x88\xf0\x27\x33" "A_", 10);
	put32(b, osize);
	for (i = 0; i < n; i++) {
		if (i % 8 == 0)
			buf_add(b, &ctl, 1);
		buf_add(b, p + i, 1);
	}
}

/* tnef_att - one attribute, with its checksum */
static void
tnef_att(struct buf *b, int level, uint32_t att, const void *p, size_t n)
{
	const uint8_t	*q = p;
	uint8_t		 lv = (uint8_t)level;
	uint32_t	 sum = 0;
	size_t		 i;

	for (i = 0; i < n; i++)
		sum += q[i];
	buf_add(b, &lv, 1);
	put32(b, att);
	put32(b, (uint32_t)n);
	buf_add(b, p, n);
	put16(b, sum & 0xffff);
}

/* tnef_props - an attAttachment property list with a long file name */
static void
tnef_props(struct buf *b, const char *name, int wide)
{
	struct buf	 v;
	size_t		 i, n = strlen(name) + 1;

	buf_init(&v);
	put32(&v, 3);
	/* PR_ATTACH_METHOD (PT_LONG) first, a named property next */
	put16(&v, 0x0003);
	put16(&v, 0x3705);
	put32(&v, 1);
	put16(&v, 0x0102);
	put16(&v, 0x8001);
	buf_addz(&v, 16);
	put32(&v, 1);			/* kind: name */
	put32(&v, 6);
	buf_add(&v, "x\0y\0\0\0", 6);
	buf_addz(&v, 2);
	put32(&v, 1);
	put32(&v, 3);
	buf_add(&v, "abc\0", 4);
	put16(&v, wide ? 0x001f : 0x001e);
	put16(&v, 0x3707);
	put32(&v, 1);
	put32(&v, (uint32_t)(wide ? 2 * n : n));
	for (i = 0; i < n; i++) {
		buf_add(&v, name + i, 1);
		if (wide)
			buf_addz(&v, 1);
	}
	buf_align(&v, 4);
	tnef_att(b, 2, 0x00069005, v.data, v.len);
	buf_clear(&v);
}

/*
 * tnef_sample - a body and four attachments: a title and a wide long
 * name; a title only; nothing (empty name); a title and an 8-bit long
 * name; plus one without data (not delivered)
 */
static void
tnef_sample(struct buf *b)
{
	static const uint8_t	 rend[14] = { 1 };

	buf_init(b);
	put32(b, 0x223e9f78);
	put16(b, 0x0101);
	tnef_att(b, 1, 0x00089006, "\0\0\1\0", 4);
	tnef_att(b, 1, 0x0001800c, "Hello body", 10);
	tnef_att(b, 2, 0x00069002, rend, sizeof(rend));
	tnef_att(b, 2, 0x00018010, "LONGNA~1.TXT", 13);
	tnef_att(b, 2, 0x0006800f, "one", 3);
	tnef_props(b, "a long name \xc3\xa9.txt", 0);
	tnef_att(b, 2, 0x00069002, rend, sizeof(rend));
	tnef_att(b, 2, 0x00018010, "two.bin", 8);
	tnef_att(b, 2, 0x0006800f, "second", 6);
	tnef_att(b, 2, 0x00069002, rend, sizeof(rend));
	tnef_att(b, 2, 0x0006800f, "3", 1);
	tnef_att(b, 2, 0x00069002, rend, sizeof(rend));
	tnef_att(b, 2, 0x00018010, "OBJECT", 7);
	tnef_att(b, 2, 0x00069002, rend, sizeof(rend));
	tnef_att(b, 2, 0x00018010, "caf\xe9.doc", 9);
	tnef_att(b, 2, 0x0006800f, "fourth", 6);
	tnef_props(b, "Caf\xe9 long.doc", 1);
	assert_false(b->failed);
}

/* have_tool - whether a program is on PATH */
static int
have_tool(const char *name)
{
	char	 cmd[256];

	snprintf(cmd, sizeof(cmd), "command -v %s >/dev/null 2>&1", name);
	return system(cmd) == 0;
}

/* tmpdir - a fresh directory (free the result) */
static char *
tmpdir(void)
{
	char	*d = strdup("/tmp/vigil-legacy.XXXXXX");

	assert_non_null(d);
	assert_non_null(mkdtemp(d));
	return d;
}

/* rmtree - remove a directory made by tmpdir() */
static void
rmtree(const char *d)
{
	char	 cmd[512];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", d);
	assert_int_equal(system(cmd), 0);
}

/* mkfile - write dir/name */
static void
mkfile(const char *dir, const char *name, const uint8_t *p, size_t n)
{
	char	 path[512];
	FILE	*fp;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	assert_non_null(fp = fopen(path, "wb"));
	assert_int_equal(fwrite(p, 1, n, fp), n);
	assert_int_equal(fclose(fp), 0);
}

/* pattern - compressible but not trivial bytes: text-like runs, noise */
static void
pattern(uint8_t *p, size_t n, uint32_t seed)
{
	static const char	 words[] = "the quick brown fox jumps over "
	    "a lazy dog; ARJ LZH test data 0123456789\n";
	uint32_t		 x = seed;
	size_t			 i;

	for (i = 0; i < n; i++) {
		x = x * 1103515245 + 12345;
		if ((x >> 16) % 7 == 0)
			p[i] = (uint8_t)(x >> 24);
		else
			p[i] = (uint8_t)words[(i + (x >> 29)) %
			    (sizeof(words) - 1)];
	}
}

/*
 * hostile - damage a good fixture every way cheaply possible: cut it at
 * every length up to 600 bytes (then in steps), flip bytes; every walk
 * must return 0 and deliver only prefixes of the good members
 */
static void
hostile(enum ftype t, const struct buf *good, const struct got *want)
{
	static const struct arc_limits	 lim = { 0, 1 << 22, 0, 4 };
	struct arc_result		 res;
	struct got			 g;
	struct buf			 b;
	uint32_t			 x = 7, i, j;
	size_t				 cut, step, k;

	memset(&g, 0, sizeof(g));
	buf_init(&b);
	for (cut = 0; cut < good->len; cut += step) {
		step = cut < 600 ? 1 : good->len / 200 + 1;
		assert_int_equal(lgt_walk(t, good->data, cut, &lim, &g, &res), 0);
		for (i = 0; i < g.n && i < want->n; i++) {
			/* a cut member is a prefix, unless a CRC said so */
			if (g.m[i].enc || g.m[i].dmg)
				continue;
			/* a TNEF cut may lose the long name, not data */
			if (t != FT_TNEF)
				assert_string_equal(g.m[i].name,
				    want->m[i].name);
			k = g.m[i].len < want->m[i].len ? g.m[i].len :
			    want->m[i].len;
			assert_memory_equal(g.m[i].data, want->m[i].data, k);
		}
	}
	for (j = 0; j < 300; j++) {
		b.len = 0;
		buf_add(&b, good->data, good->len);
		for (i = 0; i < 1 + j % 4; i++) {
			x = x * 1103515245 + 12345;
			b.data[(x >> 8) % b.len] ^= (uint8_t)(1 << (x >> 29));
		}
		assert_int_equal(lgt_walk(t, b.data, b.len, &lim, &g, &res), 0);
	}
	got_free(&g);
	buf_clear(&b);
}

/* the real files */
static const struct clamcase {
	const char	*name;
	enum ftype	 t;
	const char	*file;
	const char	*member;
} clamcases[] = {
	{ "clam.arj gives clam.exe", FT_ARJ, CLAMDIR "/clam.arj",
	    "clam.exe" },
	{ "clam.exe.szdd gives clam.exe", FT_SZDD, CLAMDIR "/clam.exe.szdd",
	    "" },
	{ "clam.tnef gives clam.exe", FT_TNEF, CLAMDIR "/clam.tnef",
	    "clam.exe" },
};

/* test_clam - one of Debian's clamav-testfiles */
static void
test_clam(void **state)
{
	const struct clamcase	*c = *state;
	struct arc_result	 res;
	struct got		 g;
	struct buf		 b;
	char			 hex[65];

	memset(&g, 0, sizeof(g));
	if (lgt_readfile(c->file, &b) == -1) {
		print_message("# %s missing (package clamav-testfiles)\n",
		    c->file);
		skip();
		return;
	}
	assert_int_equal(lgt_walk(c->t, b.data, b.len, NULL, &g, &res), 0);
	assert_int_equal(res.status, ARC_OK);
	assert_int_equal(g.n, 1);
	assert_string_equal(g.m[0].name, c->member);
	lgt_sha256hex(g.m[0].data, g.m[0].len, hex);
	assert_string_equal(hex, CLAMSHA);
	assert_false(g.m[0].trunc || g.m[0].dmg || g.m[0].enc);
	hostile(c->t, &b, &g);
	got_free(&g);
	buf_clear(&b);
}

/* arj(1) runs, one per method */
static const struct arjcase {
	const char	*name;
	const char	*opts;
} arjcases[] = {
	{ "arj -m0 (stored)", "-m0" },
	{ "arj -m1 (LZH, best)", "-m1" },
	{ "arj -m2 (LZH)", "-m2" },
	{ "arj -m3 (LZH, fast)", "-m3" },
	{ "arj -m4 (fastest)", "-m4" },
};

/* the files given to arj(1) and mscompress(1) */
static const struct tfile {
	const char	*name;
	size_t		 len;
	uint32_t	 seed;
} tfiles[] = {
	{ "small.txt", 100, 1 },
	{ "big.bin", 200000, 2 },
	{ "empty.dat", 0, 3 },
	{ "sub/inner.txt", 30000, 4 },
};

/* mkfiles - tfiles under dir */
static void
mkfiles(const char *dir)
{
	char	 path[512];
	uint8_t	*p;
	size_t	 i;

	snprintf(path, sizeof(path), "%s/sub", dir);
	assert_int_equal(mkdir(path, 0700), 0);
	for (i = 0; i < nitems(tfiles); i++) {
		assert_non_null(p = malloc(tfiles[i].len + 1));
		pattern(p, tfiles[i].len, tfiles[i].seed);
		mkfile(dir, tfiles[i].name, p, tfiles[i].len);
		free(p);
	}
}

/* check_tfile - a member is the tfile of its name, whole */
static void
check_tfile(const struct got *g, uint32_t i)
{
	uint8_t	*p;
	size_t	 k;

	for (k = 0; k < nitems(tfiles); k++)
		if (strcmp(tfiles[k].name, g->m[i].name) == 0)
			break;
	assert_true(k < nitems(tfiles));
	assert_int_equal(g->m[i].len, tfiles[k].len);
	assert_non_null(p = malloc(tfiles[k].len + 1));
	pattern(p, tfiles[k].len, tfiles[k].seed);
	assert_memory_equal(g->m[i].data, p, tfiles[k].len);
	free(p);
}

/* test_arj_tool - an archive made by arj(1) in one method */
static void
test_arj_tool(void **state)
{
	const struct arjcase	*c = *state;
	struct arc_limits	 lim;
	struct arc_result	 res;
	struct got		 g;
	struct buf		 b;
	char			*d, cmd[1024], path[512];
	uint32_t		 i;

	memset(&g, 0, sizeof(g));
	if (!have_tool("arj")) {
		print_message("# arj not installed (Debian package arj)\n");
		skip();
		return;
	}
	d = tmpdir();
	mkfiles(d);
	snprintf(cmd, sizeof(cmd), "cd '%s' && arj a %s -y t.arj small.txt "
	    "big.bin empty.dat sub >/dev/null 2>&1", d, c->opts);
	assert_int_equal(system(cmd), 0);
	snprintf(path, sizeof(path), "%s/t.arj", d);
	assert_int_equal(lgt_readfile(path, &b), 0);
	assert_int_equal(lgt_walk(FT_ARJ, b.data, b.len, NULL, &g, &res), 0);
	assert_int_equal(res.status, ARC_OK);
	assert_int_equal(g.n, nitems(tfiles));	/* the directory skipped */
	for (i = 0; i < g.n; i++) {
		assert_false(g.m[i].trunc || g.m[i].dmg || g.m[i].enc);
		check_tfile(&g, i);
	}

	/* limits: max_entry cuts, the rest is whole */
	memset(&lim, 0, sizeof(lim));
	lim.max_entry = 1000;
	assert_int_equal(lgt_walk(FT_ARJ, b.data, b.len, &lim, &g, &res), 0);
	assert_int_equal(res.status, ARC_OK);
	assert_int_equal(g.n, nitems(tfiles));
	for (i = 0; i < g.n; i++)
		assert_int_equal(g.m[i].trunc, g.m[i].len == 1000);
	if (strcmp(c->opts, "-m1") == 0)
		hostile(FT_ARJ, &b, &g);
	got_free(&g);
	buf_clear(&b);
	rmtree(d);
	free(d);
}

/* test_arj_tool_garbled - arj -g: every member encrypted */
static void
test_arj_tool_garbled(void **state)
{
	struct arc_result	 res;
	struct got		 g;
	struct buf		 b;
	char			*d, cmd[1024], path[512];

	(void)state;
	memset(&g, 0, sizeof(g));
	if (!have_tool("arj")) {
		print_message("# arj not installed (Debian package arj)\n");
		skip();
		return;
	}
	d = tmpdir();
	mkfiles(d);
	snprintf(cmd, sizeof(cmd), "cd '%s' && arj a -gsecret -y t.arj "
	    "small.txt big.bin >/dev/null 2>&1", d);
	assert_int_equal(system(cmd), 0);
	snprintf(path, sizeof(path), "%s/t.arj", d);
	assert_int_equal(lgt_readfile(path, &b), 0);
	assert_int_equal(lgt_walk(FT_ARJ, b.data, b.len, NULL, &g, &res), 0);
	assert_int_equal(res.status, ARC_ENCRYPTED);
	assert_string_equal(res.reason, "encrypted");
	assert_int_equal(g.n, 2);
	assert_true(g.m[0].enc && g.m[1].enc);
	assert_int_equal(g.m[0].len + g.m[1].len, 0);
	got_free(&g);
	buf_clear(&b);
	rmtree(d);
	free(d);
}

/* test_arj_tool_volumes - arj -v: the first volume's part, truncated */
static void
test_arj_tool_volumes(void **state)
{
	struct arc_result	 res;
	struct got		 g;
	struct buf		 b;
	char			*d, cmd[1024], path[512];
	uint8_t			*p;

	(void)state;
	memset(&g, 0, sizeof(g));
	if (!have_tool("arj")) {
		print_message("# arj not installed (Debian package arj)\n");
		skip();
		return;
	}
	d = tmpdir();
	mkfiles(d);
	snprintf(cmd, sizeof(cmd), "cd '%s' && arj a -v50k -y t.arj big.bin "
	    ">/dev/null 2>&1", d);
	assert_int_equal(system(cmd), 0);
	snprintf(path, sizeof(path), "%s/t.arj", d);
	assert_int_equal(lgt_readfile(path, &b), 0);
	assert_int_equal(lgt_walk(FT_ARJ, b.data, b.len, NULL, &g, &res), 0);
	assert_int_equal(res.status, ARC_OK);
	assert_int_equal(g.n, 1);
	assert_string_equal(g.m[0].name, "big.bin");
	assert_true(g.m[0].trunc);
	assert_false(g.m[0].dmg);
	assert_true(g.m[0].len > 0 && g.m[0].len < 200000);
	assert_non_null(p = malloc(200000));
	pattern(p, 200000, 2);
	assert_memory_equal(g.m[0].data, p, g.m[0].len);
	free(p);
	got_free(&g);
	buf_clear(&b);
	rmtree(d);
	free(d);
}

/*
 * lzh_bomb - an LZH stream of one-symbol tables: a literal 'A', then
 * blocks of 65535 matches of 256 bytes at distance 1, costing no bits
 */
static void
lzh_bomb(struct buf *out, int blocks)
{
	struct bw	 w = { out, 0, 0 };
	int		 i;

	buf_init(out);
	bw_put(&w, 1, 16);			/* one code */
	bw_put(&w, 0, 5);
	bw_put(&w, 0, 5);			/* T: symbol 0 */
	bw_put(&w, 0, 9);
	bw_put(&w, 'A', 9);			/* C: literal 'A' */
	bw_put(&w, 0, 5);
	bw_put(&w, 0, 5);			/* P: symbol 0 */
	for (i = 0; i < blocks; i++) {
		bw_put(&w, 65535, 16);
		bw_put(&w, 0, 5);
		bw_put(&w, 0, 5);
		bw_put(&w, 0, 9);
		bw_put(&w, 509, 9);		/* length 256 */
		bw_put(&w, 0, 5);
		bw_put(&w, 0, 5);		/* distance 1 */
	}
	bw_end(&w);
}

/* test_arj_bomb - hand-made one-symbol tables: limits and the ratio */
static void
test_arj_bomb(void **state)
{
	struct arc_limits	 lim;
	struct arc_result	 res;
	struct got		 g;
	struct buf		 z, b;
	struct am		 m;
	uint32_t		 osize = 2 * 65535 * 256 + 1;
	uint8_t			 as[65536];
	uLong			 crc;
	uint32_t		 k;

	(void)state;
	memset(&g, 0, sizeof(g));
	lzh_bomb(&z, 2);
	memset(&m, 0, sizeof(m));
	m.name = "DIR\\BOMB.TXT";
	m.method = 1;
	m.data = z.data;
	m.dlen = z.len;
	m.osize = osize;
	memset(as, 'A', sizeof(as));
	for (crc = crc32(0L, Z_NULL, 0), k = 0; k < osize; k += 65536)
		crc = crc32(crc, as, osize - k < 65536 ? osize - k : 65536);
	m.crc = (uint32_t)crc;
	arj_archive(&b, &m, 1);

	/* no limit: all of it, CRC right, DOS name turned */
	assert_int_equal(lgt_walk(FT_ARJ, b.data, b.len, NULL, &g, &res), 0);
	assert_int_equal(res.status, ARC_OK);
	assert_int_equal(g.n, 1);
	assert_string_equal(g.m[0].name, "DIR/BOMB.TXT");
	assert_int_equal(g.m[0].len, osize);
	assert_true(g.m[0].data[0] == 'A' && g.m[0].data[osize - 1] == 'A');

	/* the ratio bound, behind a small max_entry too */
	memset(&lim, 0, sizeof(lim));
	lim.max_ratio = 100;
	lim.max_entry = 10;
	assert_int_equal(lgt_walk(FT_ARJ, b.data, b.len, &lim, &g, &res), 0);
	assert_int_equal(res.status, ARC_LIMIT_RATIO);
	assert_string_equal(res.reason, "limit: compression ratio");
	assert_int_equal(g.n, 1);
	assert_int_equal(g.m[0].len, 10);
	assert_true(g.m[0].trunc);

	/* max_total */
	memset(&lim, 0, sizeof(lim));
	lim.max_total = 5000;
	assert_int_equal(lgt_walk(FT_ARJ, b.data, b.len, &lim, &g, &res), 0);
	assert_int_equal(res.status, ARC_LIMIT_TOTAL);
	assert_string_equal(res.reason, "limit: scan size");
	assert_int_equal(g.n, 1);
	assert_int_equal(g.m[0].len, 5000);
	assert_true(g.m[0].trunc);

	/* a wrong CRC: delivered, damaged, the walk corrupt */
	buf_clear(&b);
	m.crc ^= 1;
	arj_archive(&b, &m, 1);
	assert_int_equal(lgt_walk(FT_ARJ, b.data, b.len, NULL, &g, &res), 0);
	assert_int_equal(res.status, ARC_CORRUPT);
	assert_string_equal(res.reason, "corrupt: CRC mismatch");
	assert_int_equal(g.n, 1);
	assert_int_equal(g.m[0].len, osize);
	assert_true(g.m[0].dmg);

	/* the stream cut: what was decoded, damaged */
	buf_clear(&b);
	m.dlen = z.len - 8;
	arj_archive(&b, &m, 1);
	assert_int_equal(lgt_walk(FT_ARJ, b.data, b.len, NULL, &g, &res), 0);
	assert_int_equal(res.status, ARC_CORRUPT);
	assert_string_equal(res.reason, "corrupt: data ends early");
	assert_int_equal(g.n, 1);
	assert_true(g.m[0].dmg && g.m[0].len < osize);
	got_free(&g);
	buf_clear(&b);
	buf_clear(&z);
}

/* hand-made LZH streams that must fail */
static const struct lzhcase {
	const char	*name;
	const char	*reason;
	int		 kind;
} lzhcases[] = {
	{ "lzh: over-subscribed table", "corrupt: bad table", 0 },
	{ "lzh: incomplete table, missing code", "corrupt: bad code", 1 },
	{ "lzh: count past its table", "corrupt: bad table", 2 },
	{ "lzh: distance before the start", "corrupt: distance too far back",
	    3 },
	{ "lzh: empty block", "corrupt: empty block", 4 },
	{ "lzh: code length over 16", "corrupt: bad code length", 5 },
	{ "lzh: zero run past the table", "corrupt: bad table", 6 },
};

/* test_lzh_bad - one damaged stream: no member (no byte), a reason */
static void
test_lzh_bad(void **state)
{
	const struct lzhcase	*c = *state;
	struct arc_result	 res;
	struct got		 g;
	struct buf		 z, b;
	struct bw		 w;
	struct am		 m;
	int			 i;

	memset(&g, 0, sizeof(g));
	buf_init(&z);
	w.b = &z;
	w.acc = 0;
	w.nb = 0;
	bw_put(&w, c->kind == 4 ? 0 : 10, 16);
	switch (c->kind) {
	case 0:		/* T: three symbols of length 1 */
		bw_put(&w, 3, 5);
		for (i = 0; i < 3; i++)
			bw_put(&w, 1, 3);
		bw_put(&w, 0, 2);
		break;
	case 1:		/* T: one symbol (3) of length 1; code 1 unused */
		bw_put(&w, 4, 5);
		for (i = 0; i < 3; i++)
			bw_put(&w, 0, 3);
		bw_put(&w, 0, 2);
		bw_put(&w, 1, 3);
		/* C: one symbol, "3" = length 1: code 1 unused */
		bw_put(&w, 1, 9);
		bw_put(&w, 0, 1);
		bw_put(&w, 0, 5);
		bw_put(&w, 0, 5);		/* P: one symbol */
		bw_put(&w, 1, 1);		/* code 1: not in C */
		break;
	case 2:		/* T: 25 symbols */
		bw_put(&w, 25, 5);
		break;
	case 3:		/* single-symbol tables: a match first */
		bw_put(&w, 0, 5);
		bw_put(&w, 0, 5);
		bw_put(&w, 0, 9);
		bw_put(&w, 300, 9);
		bw_put(&w, 0, 5);
		bw_put(&w, 0, 5);
		break;
	case 5:		/* T: 111 then ten ones */
		bw_put(&w, 1, 5);
		bw_put(&w, 0x1fff, 13);
		break;
	case 6:		/* T: a run of 3 zeros after the third of 19 */
		bw_put(&w, 19, 5);
		for (i = 0; i < 3; i++)
			bw_put(&w, 0, 3);
		bw_put(&w, 3, 2);
		for (i = 0; i < 13; i++)
			bw_put(&w, 0, 3);
		/* 3 + 3 + 13 = 19: fits; then C's run past 510 */
		bw_put(&w, 0, 5);
		break;
	}
	bw_put(&w, 0, 32);
	bw_end(&w);
	if (c->kind == 6) {
		/* rebuild: T single symbol 2, C: a 9-bit run of 511 */
		z.len = 0;
		bw_put(&w, 10, 16);
		bw_put(&w, 0, 5);
		bw_put(&w, 2, 5);
		bw_put(&w, 5, 9);
		bw_put(&w, 511 - 20, 9);
		bw_put(&w, 0, 32);
		bw_end(&w);
	}
	memset(&m, 0, sizeof(m));
	m.name = "x";
	m.method = 2;
	m.data = z.data;
	m.dlen = z.len;
	m.osize = 100;
	arj_archive(&b, &m, 1);
	assert_int_equal(lgt_walk(FT_ARJ, b.data, b.len, NULL, &g, &res), 0);
	assert_int_equal(res.status, ARC_CORRUPT);
	assert_string_equal(res.reason, c->reason);
	assert_int_equal(g.n, 0);	/* failed before its first byte */
	got_free(&g);
	buf_clear(&b);
	buf_clear(&z);
}

/* test_arj_fixtures - headers: types, flags, methods, names, damage */
static void
test_arj_fixtures(void **state)
{
	static const uint8_t	 data1[] = "first member";
	struct arc_limits	 lim;
	struct arc_result	 res;
	struct got		 g;
	struct buf		 b;
	struct am		 m[6];
	char			 longname[3000];
	size_t			 i;

	(void)state;
	memset(&g, 0, sizeof(g));
	memset(longname, 'n', sizeof(longname));
	longname[2500] = '\0';
	longname[3] = '\x01';
	m[0] = stored("A\\B\\one.txt", data1, sizeof(data1) - 1);
	m[0].ext = 1;
	m[1] = stored("dir", NULL, 0);
	m[1].ftype = 3;				/* directory: skipped */
	m[2] = stored("zero", NULL, 0);		/* empty member */
	m[3] = stored("pw.bin", "xyz", 3);
	m[3].flags = 0x01;			/* garbled */
	m[4] = stored("m7.bin", "xyz", 3);
	m[4].method = 7;			/* unknown */
	m[5] = stored(longname, "L", 1);
	arj_archive(&b, m, 6);
	assert_int_equal(lgt_walk(FT_ARJ, b.data, b.len, NULL, &g, &res), 0);
	assert_int_equal(res.status, ARC_ENCRYPTED);
	assert_int_equal(res.unsupported, 1);
	assert_int_equal(g.n, 4);
	assert_string_equal(g.m[0].name, "A/B/one.txt");
	assert_memory_equal(g.m[0].data, data1, sizeof(data1) - 1);
	assert_string_equal(g.m[1].name, "zero");
	assert_int_equal(g.m[1].len, 0);
	assert_true(g.m[2].enc);
	assert_int_equal(strlen(g.m[3].name), ARC_MAXNAME - 1);
	assert_int_equal(g.m[3].name[3], '_');

	/* the same without the garbled member: the unsupported one */
	m[3].flags = 0;
	buf_clear(&b);
	arj_archive(&b, m, 6);
	assert_int_equal(lgt_walk(FT_ARJ, b.data, b.len, NULL, &g, &res), 0);
	assert_int_equal(res.status, ARC_CORRUPT);
	assert_string_equal(res.reason, "unsupported: ARJ method 7");

	/* max_entries, and the callback's stop */
	memset(&lim, 0, sizeof(lim));
	lim.max_entries = 2;
	assert_int_equal(lgt_walk(FT_ARJ, b.data, b.len, &lim, &g, &res), 0);
	assert_int_equal(res.status, ARC_LIMIT_ENTRIES);
	assert_string_equal(res.reason, "limit: files");
	assert_int_equal(g.n, 2);
	g.stopat = 1;
	assert_int_equal(lgt_walk(FT_ARJ, b.data, b.len, NULL, &g, &res), 0);
	assert_int_equal(res.status, ARC_STOPPED);
	assert_int_equal(g.n, 1);
	g.stopat = 0;

	/* a stored member with a wrong CRC */
	m[0].crc ^= 0x80;
	m[4].method = 0;
	buf_clear(&b);
	arj_archive(&b, m, 6);
	assert_int_equal(lgt_walk(FT_ARJ, b.data, b.len, NULL, &g, &res), 0);
	assert_int_equal(res.status, ARC_CORRUPT);
	assert_string_equal(res.reason, "corrupt: CRC mismatch");
	assert_int_equal(g.n, 5);
	assert_true(g.m[0].dmg);
	assert_false(g.m[1].dmg);
	m[0].crc ^= 0x80;

	/* a header CRC flipped: noted, the header used */
	buf_clear(&b);
	arj_archive(&b, m, 2);
	for (i = 4; i + 8 < b.len; i++)
		if (memcmp(b.data + i, "\x60\xea", 2) == 0)
			break;
	b.data[i + 4 + b.data[i + 2] + 1] ^= 0x55;	/* member header CRC */
	assert_int_equal(lgt_walk(FT_ARJ, b.data, b.len, NULL, &g, &res), 0);
	assert_int_equal(res.status, ARC_CORRUPT);
	assert_string_equal(res.reason, "corrupt: header CRC mismatch");
	assert_int_equal(g.n, 1);

	/* no end header; a length past the end; not ARJ at all */
	buf_clear(&b);
	arj_archive(&b, m, 1);
	assert_int_equal(lgt_walk(FT_ARJ, b.data, b.len - 4, NULL, &g, &res), 0);
	assert_int_equal(res.status, ARC_CORRUPT);
	assert_string_equal(res.reason, "corrupt: no end header");
	assert_int_equal(g.n, 1);
	assert_int_equal(lgt_walk(FT_ARJ, b.data, b.len - 6, NULL, &g, &res), 0);
	assert_int_equal(res.status, ARC_CORRUPT);
	assert_int_equal(g.n, 1);
	assert_true(g.m[0].dmg);
	assert_int_equal(lgt_walk(FT_ARJ, (const uint8_t *)"MZ", 2, NULL, &g,
	    &res), 0);
	assert_int_equal(res.status, ARC_CORRUPT);
	assert_string_equal(res.reason, "corrupt: not an ARJ archive");
	assert_int_equal(lgt_walk(FT_ARJ, NULL, 0, NULL, &g, &res), 0);
	assert_int_equal(res.status, ARC_CORRUPT);
	buf_clear(&b);
	arj_archive(&b, m, 6);
	assert_int_equal(lgt_walk(FT_ARJ, b.data, b.len, NULL, &g, &res), 0);
	hostile(FT_ARJ, &b, &g);
	got_free(&g);
	buf_clear(&b);
}

/* test_szdd_tool - mscompress(1) output, if it is SZDD */
static void
test_szdd_tool(void **state)
{
	struct arc_result	 res;
	struct got		 g;
	struct buf		 b;
	char			*d, cmd[1024], path[512];
	size_t			 i;

	(void)state;
	memset(&g, 0, sizeof(g));
	if (!have_tool("mscompress")) {
		print_message("# mscompress not installed (Debian package "
		    "mscompress)\n");
		skip();
		return;
	}
	d = tmpdir();
	mkfiles(d);
	for (i = 0; i < nitems(tfiles); i++) {
		snprintf(cmd, sizeof(cmd), "cd '%s' && mscompress %s "
		    ">/dev/null 2>&1", d, tfiles[i].name);
		assert_int_equal(system(cmd), 0);
		snprintf(path, sizeof(path), "%s/%s_", d, tfiles[i].name);
		assert_int_equal(lgt_readfile(path, &b), 0);
		assert_true(b.len >= 14);
		assert_memory_equal(b.data, "SZDD\x88\xf0\x27\x33", 8);
		assert_int_equal(lgt_walk(FT_SZDD, b.data, b.len, NULL, &g, &res),
		    0);
		assert_int_equal(res.status, ARC_OK);
		assert_int_equal(g.n, 1);
		assert_string_equal(g.m[0].name, "");
		snprintf(g.m[0].name, sizeof(g.m[0].name), "%s",
		    tfiles[i].name);
		check_tfile(&g, 0);
		if (i == 1)
			hostile(FT_SZDD, &b, &g);
		buf_clear(&b);
	}
	got_free(&g);
	rmtree(d);
	free(d);
}

/* test_szdd_fixtures - literals, declared sizes, limits, the bomb */
static void
test_szdd_fixtures(void **state)
{
	static const uint8_t	 txt[] = "0123456789abcdefghij";
	struct arc_limits	 lim;
	struct arc_result	 res;
	struct got		 g;
	struct buf		 b;
	size_t			 i;

	(void)state;
	memset(&g, 0, sizeof(g));
	szdd_literal(&b, txt, 20, 20);
	assert_int_equal(lgt_walk(FT_SZDD, b.data, b.len, NULL, &g, &res), 0);
	assert_int_equal(res.status, ARC_OK);
	assert_int_equal(g.n, 1);
	assert_int_equal(g.m[0].len, 20);
	assert_memory_equal(g.m[0].data, txt, 20);

	/* declared shorter: cut there; longer: damaged */
	buf_clear(&b);
	szdd_literal(&b, txt, 20, 7);
	assert_int_equal(lgt_walk(FT_SZDD, b.data, b.len, NULL, &g, &res), 0);
	assert_int_equal(res.status, ARC_OK);
	assert_int_equal(g.m[0].len, 7);
	buf_clear(&b);
	szdd_literal(&b, txt, 20, 25);
	assert_int_equal(lgt_walk(FT_SZDD, b.data, b.len, NULL, &g, &res), 0);
	assert_int_equal(res.status, ARC_CORRUPT);
	assert_string_equal(res.reason, "corrupt: data ends early");
	assert_int_equal(g.m[0].len, 20);
	assert_true(g.m[0].dmg);

	/* zero-length, max_entry, max_total, max_entries 1 is enough */
	buf_clear(&b);
	szdd_literal(&b, txt, 0, 0);
	assert_int_equal(lgt_walk(FT_SZDD, b.data, b.len, NULL, &g, &res), 0);
	assert_int_equal(res.status, ARC_OK);
	assert_int_equal(g.n, 1);
	assert_int_equal(g.m[0].len, 0);
	buf_clear(&b);
	szdd_literal(&b, txt, 20, 20);
	memset(&lim, 0, sizeof(lim));
	lim.max_entry = 5;
	lim.max_entries = 1;
	assert_int_equal(lgt_walk(FT_SZDD, b.data, b.len, &lim, &g, &res), 0);
	assert_int_equal(res.status, ARC_OK);
	assert_int_equal(g.m[0].len, 5);
	assert_true(g.m[0].trunc);
	memset(&lim, 0, sizeof(lim));
	lim.max_total = 6;
	assert_int_equal(lgt_walk(FT_SZDD, b.data, b.len, &lim, &g, &res), 0);
	assert_int_equal(res.status, ARC_LIMIT_TOTAL);
	assert_int_equal(g.m[0].len, 6);

	/* another method; not SZDD */
	b.data[8] = 'B';
	assert_int_equal(lgt_walk(FT_SZDD, b.data, b.len, NULL, &g, &res), 0);
	assert_int_equal(res.status, ARC_CORRUPT);
	assert_int_equal(res.unsupported, 1);
	assert_int_equal(g.n, 0);
	assert_int_equal(lgt_walk(FT_SZDD, b.data, 13, NULL, &g, &res), 0);
	assert_int_equal(res.status, ARC_CORRUPT);
	assert_string_equal(res.reason, "corrupt: not an SZDD file");

	/* 200,000 matches of 18 spaces: 3.6 MB from 425 KB */
	buf_clear(&b);
	buf_init(&b);
	buf_add(&b, "SZDD\x88\xf0\x27\x33" "A_", 10);
	put32(&b, 3600000);
	for (i = 0; i < 200000; i++) {
		if (i % 8 == 0)
			buf_addz(&b, 1);
		buf_add(&b, "\x00\x0f", 2);
	}
	assert_int_equal(lgt_walk(FT_SZDD, b.data, b.len, NULL, &g, &res), 0);
	assert_int_equal(res.status, ARC_OK);
	assert_int_equal(g.m[0].len, 3600000);
	assert_true(g.m[0].data[0] == ' ' && g.m[0].data[3599999] == ' ');
	memset(&lim, 0, sizeof(lim));
	lim.max_ratio = 2;
	assert_int_equal(lgt_walk(FT_SZDD, b.data, b.len, &lim, &g, &res), 0);
	assert_int_equal(res.status, ARC_LIMIT_RATIO);
	assert_int_equal(g.m[0].len, 1024 * 1024);
	assert_true(g.m[0].trunc);
	got_free(&g);
	buf_clear(&b);
}

/* test_tnef_sample - attachments, names, the body */
static void
test_tnef_sample(void **state)
{
	struct arc_limits	 lim;
	struct arc_result	 res;
	struct got		 g;
	struct buf		 b;

	(void)state;
	memset(&g, 0, sizeof(g));
	tnef_sample(&b);
	assert_int_equal(lgt_walk(FT_TNEF, b.data, b.len, NULL, &g, &res), 0);
	assert_int_equal(res.status, ARC_OK);
	assert_int_equal(g.n, 5);
	assert_string_equal(g.m[0].name, "body");
	assert_memory_equal(g.m[0].data, "Hello body", 10);
	/* 8-bit names read as Windows-1252: a UTF-8 pair is two letters */
	assert_string_equal(g.m[1].name, "a long name \xc3\x83\xc2\xa9.txt");
	assert_int_equal(g.m[1].len, 3);
	assert_string_equal(g.m[2].name, "two.bin");
	assert_memory_equal(g.m[2].data, "second", 6);
	assert_string_equal(g.m[3].name, "");
	assert_memory_equal(g.m[3].data, "3", 1);
	assert_string_equal(g.m[4].name, "Caf\xc3\xa9 long.doc");
	assert_memory_equal(g.m[4].data, "fourth", 6);

	memset(&lim, 0, sizeof(lim));
	lim.max_entries = 3;
	lim.max_entry = 4;
	assert_int_equal(lgt_walk(FT_TNEF, b.data, b.len, &lim, &g, &res), 0);
	assert_int_equal(res.status, ARC_LIMIT_ENTRIES);
	assert_int_equal(g.n, 3);
	assert_int_equal(g.m[0].len, 4);
	assert_true(g.m[0].trunc);
	assert_false(g.m[1].trunc);
	memset(&lim, 0, sizeof(lim));
	lim.max_total = 14;
	assert_int_equal(lgt_walk(FT_TNEF, b.data, b.len, &lim, &g, &res), 0);
	assert_int_equal(res.status, ARC_LIMIT_TOTAL);
	assert_int_equal(g.n, 3);
	assert_int_equal(res.total, 14);
	g.stopat = 2;
	assert_int_equal(lgt_walk(FT_TNEF, b.data, b.len, NULL, &g, &res), 0);
	assert_int_equal(res.status, ARC_STOPPED);
	assert_int_equal(g.n, 2);
	g.stopat = 0;
	hostile(FT_TNEF, &b, &g);
	got_free(&g);
	buf_clear(&b);
}

/* test_tnef_damage - checksums, cuts, padding, not TNEF */
static void
test_tnef_damage(void **state)
{
	struct arc_result	 res;
	struct got		 g;
	struct buf		 b;
	size_t			 at;

	(void)state;
	memset(&g, 0, sizeof(g));
	buf_init(&b);
	put32(&b, 0x223e9f78);
	put16(&b, 0);
	tnef_att(&b, 2, 0x00069002, "r", 1);
	tnef_att(&b, 2, 0x00018010, "bad.sum", 8);
	at = b.len;
	tnef_att(&b, 2, 0x0006800f, "payload", 7);
	b.data[b.len - 1] ^= 1;			/* its checksum */
	tnef_att(&b, 2, 0x00069002, "r", 1);
	tnef_att(&b, 2, 0x00018010, "cut.bin", 8);
	tnef_att(&b, 2, 0x0006800f, "0123456789", 10);

	/* a bad checksum: delivered, damaged; the stream cut in data */
	assert_int_equal(lgt_walk(FT_TNEF, b.data, b.len - 5, NULL, &g, &res), 0);
	assert_int_equal(res.status, ARC_CORRUPT);
	assert_string_equal(res.reason, "corrupt: attribute checksum mismatch");
	assert_int_equal(g.n, 2);
	assert_string_equal(g.m[0].name, "bad.sum");
	assert_true(g.m[0].dmg);
	assert_string_equal(g.m[1].name, "cut.bin");
	assert_true(g.m[1].dmg);
	assert_int_equal(g.m[1].len, 7);
	assert_memory_equal(g.m[1].data, "0123456", 7);

	/* a sum that is right; trailing padding of less than a head */
	b.data[at + 9 + 7 + 1] ^= 1;
	buf_add(&b, "\r\n", 2);
	assert_int_equal(lgt_walk(FT_TNEF, b.data, b.len, NULL, &g, &res), 0);
	assert_int_equal(res.status, ARC_OK);
	assert_int_equal(g.n, 2);
	assert_false(g.m[0].dmg || g.m[1].dmg);

	/* a length of 4 GiB; no attributes; not TNEF */
	b.data[at + 5] = 0xff;
	b.data[at + 6] = 0xff;
	b.data[at + 7] = 0xff;
	b.data[at + 8] = 0xff;
	assert_int_equal(lgt_walk(FT_TNEF, b.data, b.len, NULL, &g, &res), 0);
	assert_int_equal(res.status, ARC_CORRUPT);
	assert_string_equal(res.reason, "corrupt: attribute cut short");
	assert_int_equal(g.n, 1);
	assert_true(g.m[0].dmg);
	assert_int_equal(lgt_walk(FT_TNEF, b.data, 6, NULL, &g, &res), 0);
	assert_int_equal(res.status, ARC_OK);
	assert_int_equal(g.n, 0);
	assert_int_equal(lgt_walk(FT_TNEF, b.data + 1, 6, NULL, &g, &res), 0);
	assert_int_equal(res.status, ARC_CORRUPT);
	assert_string_equal(res.reason, "corrupt: not a TNEF stream");
	got_free(&g);
	buf_clear(&b);
}

/* test_dispatch - legacy_handles() and an unknown type */
static void
test_dispatch(void **state)
{
	struct arc_result	 res;

	(void)state;
	assert_true(legacy_handles(FT_ARJ));
	assert_true(legacy_handles(FT_SZDD));
	assert_true(legacy_handles(FT_TNEF));
	assert_false(legacy_handles(FT_ZIP));
	errno = 0;
	assert_int_equal(legacy_walk(FT_ZIP, (const uint8_t *)"PK", 2, NULL,
	    NULL, NULL, &res), -1);
	assert_int_equal(errno, EINVAL);
	/* no callback at all is allowed */
	assert_int_equal(legacy_walk(FT_SZDD, (const uint8_t *)
	    "SZDD\x88\xf0\x27\x33" "A_\1\0\0\0\1x", 16, NULL, NULL, NULL,
	    &res), 0);
	assert_int_equal(res.status, ARC_OK);
	assert_int_equal(res.entries, 1);
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
	static struct CMUnitTest	 tests[nitems(clamcases) +
	    nitems(arjcases) + nitems(lzhcases) + 16];
	size_t				 i, n = 0;

	ADD(clamcases, test_clam);
	ADD(arjcases, test_arj_tool);
	ADD(lzhcases, test_lzh_bad);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_arj_tool_garbled);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_arj_tool_volumes);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_arj_bomb);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_arj_fixtures);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_szdd_tool);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_szdd_fixtures);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_tnef_sample);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_tnef_damage);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_dispatch);
	return _cmocka_run_group_tests("legacy", tests, n, NULL, NULL);
}
