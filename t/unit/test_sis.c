/*
 * test_sis.c - unit tests for workers/sis.c (through legacy_walk())
 *
 * The real clam.sis of Debian's clamav-testfiles must give clam.exe
 * (skipped when the package is absent).  Then packages built here by a
 * small writer, so that no tool and no foreign file is needed: EPOC
 * release 6 with zlib-compressed files and release 6 and 3/5 with
 * stored ones, UTF-16LE and 8-bit names, several files, a multi-language
 * record, conditional and option records to skip, a null file, a text
 * file named by its source; then bad pointers (data, names, records),
 * unknown record types, overlapping data, a damaged stream, a size
 * mismatch, cuts at every length, random damage, a compression bomb,
 * the limits and the callback's stop, and a Symbian OS 9 header.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

/* writer options */
#define W_ER6		0x01		/* else release 3/5 */
#define W_STORED	0x02		/* "not compressed" (release 6) */
#define W_NARROW	0x04		/* 8-bit names */
#define W_COND		0x08		/* if/options/else/endif records */

/* a file record for the writer */
struct sf {
	const char	*dest;		/* NULL: none */
	const char	*src;
	uint32_t	 ftype;
	uint32_t	 nfile;		/* 0: a type 0 record, else type 1 */
	const void	*data[3];
	size_t		 len[3];
};

/* where the writer put things, for the tests to break them */
struct where {
	size_t		 hdr_nrec;	/* offset of the record count */
	size_t		 rec[8];	/* offset of each file record */
	size_t		 data[8];	/* offset of each file's data */
	size_t		 dlen[8];
};

static int	 walk(const uint8_t *, size_t, const struct arc_limits *,
		    struct got *, struct arc_result *);
static void	 set32(uint8_t *, uint32_t);
static void	 set16(uint8_t *, uint32_t);
static size_t	 wname(uint8_t *, const char *, int);
static void	 sis_make(struct buf *, int, const struct sf *, size_t,
		    uint16_t, struct where *);
static void	 sample(struct buf *, int, struct where *);
static void	 hostile(const struct buf *, const struct got *);

/* walk - lgt_walk() of this format */
static int
walk(const uint8_t *buf, size_t len, const struct arc_limits *lim,
    struct got *g, struct arc_result *res)
{
	return lgt_walk(FT_SIS, buf, len, lim, g, res);
}

/* set32 - little-endian 32 bits at p */
static void
set32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

/* set16 - little-endian 16 bits at p */
static void
set16(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

/* wname - s at p, UTF-8 to UTF-16LE (BMP only) or as is: its length */
static size_t
wname(uint8_t *p, const char *s, int narrow)
{
	const uint8_t	*u = (const uint8_t *)s;
	size_t		 n = 0;
	uint32_t	 c;

	if (narrow) {
		memcpy(p, s, strlen(s));
		return strlen(s);
	}
	while (*u != '\0') {
		c = *u++;
		if (c >= 0xe0) {
			c = (c & 0x0f) << 12 | (u[0] & 0x3f) << 6 |
			    (u[1] & 0x3f);
			u += 2;
		} else if (c >= 0xc0) {
			c = (c & 0x1f) << 6 | (u[0] & 0x3f);
			u++;
		}
		set16(p + n, c);
		n += 2;
	}
	return n;
}

/*
 * sis_make - a package of the n records f (opts: W_*), with nlang
 * languages; where gets the offsets of its parts
 */
static void
sis_make(struct buf *b, int opts, const struct sf *f, size_t n,
    uint16_t nlang, struct where *wh)
{
	uint8_t		*p;
	size_t		 hlen = (opts & W_ER6) ? 100 : 68, off, rec, i, j, k;
	size_t		 nrec = n + ((opts & W_COND) ? 4 : 0), rsize, nf;
	uLongf		 clen;
	int		 comp = (opts & W_ER6) && !(opts & W_STORED);
	int		 narrow = (opts & W_NARROW) != 0;

	memset(wh, 0, sizeof(*wh));
	assert_non_null(p = calloc(1, 1 << 20));
	set32(p, 0x10001234);
	set32(p + 4, (opts & W_ER6) ? 0x10003a12 : 0x1000006d);
	set32(p + 8, 0x10000419);
	set32(p + 12, 0xdeadbeef);
	set16(p + 18, nlang);
	set16(p + 20, (uint32_t)nrec);
	wh->hdr_nrec = 20;
	set16(p + 28, '!');
	set32(p + 32, 200);
	set16(p + 36, (narrow ? 0 : 0x0001) |
	    ((opts & W_STORED) ? 0x0008 : 0));
	off = hlen;
	set32(p + 48, (uint32_t)off);
	for (i = 0; i < nlang; i++, off += 2)
		set16(p + off, (uint32_t)(i + 1));
	set32(p + 52, (uint32_t)off);
	if (opts & W_COND) {
		/* if (6 bytes of condition), options (1), else, endif */
		set32(p + off, 3);
		set32(p + off + 4, 6);
		off += 14;
		set32(p + off, 2);
		set32(p + off + 4, 1);
		off += 8 + 8 * nlang + 16;
		set32(p + off, 5);
		set32(p + off + 4, 6);
		off += 8;
	}
	/* the file records, then names and data after all of them */
	rec = off;
	for (i = 0, rsize = 0; i < n; i++) {
		nf = f[i].nfile == 0 ? 1 : f[i].nfile;
		rsize += 28 + 8 * nf + ((opts & W_ER6) ? 4 * nf + 8 : 0);
	}
	off = rec + rsize;
	for (i = 0, k = 0; i < n; i++) {
		nf = f[i].nfile == 0 ? 1 : f[i].nfile;
		wh->rec[i] = rec;
		set32(p + rec, f[i].nfile == 0 ? 0 : 1);
		set32(p + rec + 4, f[i].ftype);
		if (f[i].src != NULL) {
			set32(p + rec + 16, (uint32_t)off);
			set32(p + rec + 12, (uint32_t)wname(p + off,
			    f[i].src, narrow));
			off += p[rec + 12] | p[rec + 13] << 8;
		}
		if (f[i].dest != NULL) {
			set32(p + rec + 24, (uint32_t)off);
			set32(p + rec + 20, (uint32_t)wname(p + off,
			    f[i].dest, narrow));
			off += p[rec + 20] | p[rec + 21] << 8;
		}
		for (j = 0; j < nf; j++, k++) {
			if (comp) {
				clen = (1 << 20) - off - 64;
				assert_int_equal(compress(p + off, &clen,
				    f[i].data[j], (uLong)f[i].len[j]), Z_OK);
			} else {
				clen = f[i].len[j];
				if (clen > 0)
					memcpy(p + off, f[i].data[j], clen);
			}
			set32(p + rec + 28 + 4 * j, (uint32_t)clen);
			set32(p + rec + 28 + 4 * (nf + j), (uint32_t)off);
			if (opts & W_ER6)
				set32(p + rec + 28 + 4 * (2 * nf + j),
				    (uint32_t)f[i].len[j]);
			if (k < nitems(wh->data)) {
				wh->data[k] = off;
				wh->dlen[k] = clen;
			}
			off += clen;
		}
		rec += 28 + 8 * nf + ((opts & W_ER6) ? 4 * nf + 8 : 0);
	}
	buf_init(b);
	buf_add(b, p, off);
	assert_false(b->failed);
	free(p);
}

static const char	 txt1[] = "first file, a program";
static const char	 txt2[] = "second: English";
static const char	 txt3[] = "second: Fran\xc3\xa7" "ais";
static const char	 txt4[] = "read me at install";

/* the records of the sample package */
static const struct sf	 samplefiles[] = {
	{ "!:\\system\\apps\\x\\clam.app", "C:\\build\\clam.app", 0, 0,
	    { txt1 }, { sizeof(txt1) - 1 } },
	{ "c:\\system\\apps\\x\\caf\xc3\xa9.rsc", "C:\\b\\x.rsc", 0, 2,
	    { txt2, txt3 }, { sizeof(txt2) - 1, sizeof(txt3) - 1 } },
	{ "!:\\system\\data\\x.ini", NULL, 4, 0, { NULL }, { 0 } },
	{ NULL, "C:\\src\\readme.txt", 1, 0, { txt4 },
	    { sizeof(txt4) - 1 } },
};

/* sample - the sample package, with opts (W_*) */
static void
sample(struct buf *b, int opts, struct where *wh)
{
	sis_make(b, opts, samplefiles, nitems(samplefiles), 2, wh);
}

/*
 * hostile - cut a good package at every length, flip bytes: every walk
 * returns 0, a cut one is never ARC_OK, members are prefixes
 */
static void
hostile(const struct buf *good, const struct got *want)
{
	static const struct arc_limits	 lim = { 0, 1 << 22, 0, 4 };
	struct arc_result		 res;
	struct got			 g;
	struct buf			 b;
	uint32_t			 x = 11, i, j;
	size_t				 cut, k;

	memset(&g, 0, sizeof(g));
	buf_init(&b);
	for (cut = 0; cut < good->len; cut++) {
		assert_int_equal(walk(good->data, cut, &lim, &g, &res), 0);
		assert_int_not_equal(res.status, ARC_OK);
		for (i = 0; i < g.n && i < want->n; i++) {
			if (g.m[i].dmg)
				continue;
			assert_string_equal(g.m[i].name, want->m[i].name);
			k = g.m[i].len < want->m[i].len ? g.m[i].len :
			    want->m[i].len;
			assert_memory_equal(g.m[i].data, want->m[i].data, k);
		}
	}
	for (j = 0; j < 500; j++) {
		b.len = 0;
		buf_add(&b, good->data, good->len);
		for (i = 0; i < 1 + j % 4; i++) {
			x = x * 1103515245 + 12345;
			b.data[(x >> 8) % b.len] ^= (uint8_t)(1 << (x >> 29));
		}
		assert_int_equal(walk(b.data, b.len, &lim, &g, &res), 0);
	}
	got_free(&g);
	buf_clear(&b);
}

/* test_clam - clam.sis of Debian's clamav-testfiles */
static void
test_clam(void **state)
{
	struct arc_result	 res;
	struct got		 g;
	struct buf		 b;
	char			 hex[65];
	const char		*file = CLAMDIR "/clam.sis";

	(void)state;
	memset(&g, 0, sizeof(g));
	if (lgt_readfile(file, &b) == -1) {
		print_message("# %s missing (package clamav-testfiles)\n",
		    file);
		skip();
		return;
	}
	assert_int_equal(walk(b.data, b.len, NULL, &g, &res), 0);
	assert_int_equal(res.status, ARC_OK);
	assert_int_equal(g.n, 1);
	assert_string_equal(g.m[0].name, "clam.exe");
	lgt_sha256hex(g.m[0].data, g.m[0].len, hex);
	assert_string_equal(hex, CLAMSHA);
	assert_false(g.m[0].trunc || g.m[0].dmg || g.m[0].enc);
	hostile(&b, &g);
	got_free(&g);
	buf_clear(&b);
}

/* the sample written every way */
static const struct samplecase {
	const char	*name;
	int		 opts;
} samplecases[] = {
	{ "release 6, compressed, UTF-16 names", W_ER6 },
	{ "release 6, compressed, conditions", W_ER6 | W_COND },
	{ "release 6, not compressed", W_ER6 | W_STORED },
	{ "release 6, stored, 8-bit names", W_ER6 | W_STORED | W_NARROW },
	{ "release 5, conditions", W_COND },
	{ "release 5, 8-bit names", W_NARROW },
};

/* test_sample - the sample package: four files, in order, named */
static void
test_sample(void **state)
{
	const struct samplecase	*c = *state;
	struct arc_result	 res;
	struct where		 wh;
	struct got		 g;
	struct buf		 b;

	memset(&g, 0, sizeof(g));
	sample(&b, c->opts, &wh);
	assert_int_equal(walk(b.data, b.len, NULL, &g, &res), 0);
	assert_int_equal(res.status, ARC_OK);
	assert_int_equal(g.n, 4);
	assert_string_equal(g.m[0].name, "system/apps/x/clam.app");
	assert_int_equal(g.m[0].len, sizeof(txt1) - 1);
	assert_memory_equal(g.m[0].data, txt1, sizeof(txt1) - 1);
	/* 8-bit names are Windows-1252: a UTF-8 pair is two letters */
	if (c->opts & W_NARROW)
		assert_string_equal(g.m[1].name,
		    "system/apps/x/caf\xc3\x83\xc2\xa9.rsc");
	else
		assert_string_equal(g.m[1].name,
		    "system/apps/x/caf\xc3\xa9.rsc");
	assert_string_equal(g.m[2].name, g.m[1].name);
	assert_int_equal(g.m[1].len, sizeof(txt2) - 1);
	assert_memory_equal(g.m[1].data, txt2, sizeof(txt2) - 1);
	assert_int_equal(g.m[2].len, sizeof(txt3) - 1);
	assert_memory_equal(g.m[2].data, txt3, sizeof(txt3) - 1);
	assert_string_equal(g.m[3].name, "readme.txt");
	assert_memory_equal(g.m[3].data, txt4, sizeof(txt4) - 1);
	assert_false(g.m[0].trunc || g.m[0].dmg || g.m[0].enc);
	hostile(&b, &g);
	got_free(&g);
	buf_clear(&b);
}

/* test_limits - max_entry, max_entries, max_total, the callback's stop */
static void
test_limits(void **state)
{
	struct arc_limits	 lim;
	struct arc_result	 res;
	struct where		 wh;
	struct got		 g;
	struct buf		 b;
	int			 k;

	(void)state;
	memset(&g, 0, sizeof(g));
	for (k = 0; k < 2; k++) {
		sample(&b, k == 0 ? W_ER6 : W_ER6 | W_STORED, &wh);
		memset(&lim, 0, sizeof(lim));
		lim.max_entry = 5;
		assert_int_equal(walk(b.data, b.len, &lim, &g, &res), 0);
		assert_int_equal(res.status, ARC_OK);
		assert_int_equal(g.n, 4);
		assert_int_equal(g.m[0].len, 5);
		assert_true(g.m[0].trunc);
		assert_memory_equal(g.m[0].data, txt1, 5);

		memset(&lim, 0, sizeof(lim));
		lim.max_entries = 2;
		assert_int_equal(walk(b.data, b.len, &lim, &g, &res), 0);
		assert_int_equal(res.status, ARC_LIMIT_ENTRIES);
		assert_int_equal(g.n, 2);

		memset(&lim, 0, sizeof(lim));
		lim.max_total = sizeof(txt1) - 1 + 4;
		assert_int_equal(walk(b.data, b.len, &lim, &g, &res), 0);
		assert_int_equal(res.status, ARC_LIMIT_TOTAL);
		assert_int_equal(g.n, 2);
		assert_int_equal(g.m[1].len, 4);
		assert_true(g.m[1].trunc);

		g.stopat = 3;
		assert_int_equal(walk(b.data, b.len, NULL, &g, &res), 0);
		assert_int_equal(res.status, ARC_STOPPED);
		assert_int_equal(g.n, 3);
		g.stopat = 0;
		/* no callback at all */
		assert_int_equal(legacy_walk(FT_SIS, b.data, b.len, NULL,
		    NULL, NULL, &res), 0);
		assert_int_equal(res.status, ARC_OK);
		assert_int_equal(res.entries, 4);
		buf_clear(&b);
	}
	got_free(&g);
}

/* test_bomb - 64 MiB of zeros in a few KiB: cut at the ratio bound */
static void
test_bomb(void **state)
{
	struct arc_limits	 lim;
	struct arc_result	 res;
	struct where		 wh;
	struct sf		 f[2];
	struct got		 g;
	struct buf		 b;
	uint8_t			*zeros;
	size_t			 n = 64 << 20;

	(void)state;
	memset(&g, 0, sizeof(g));
	assert_non_null(zeros = calloc(1, n));
	memset(f, 0, sizeof(f));
	f[0].dest = "!:\\bomb";
	f[0].data[0] = zeros;
	f[0].len[0] = n;
	f[1].dest = "!:\\after";
	f[1].data[0] = "x";
	f[1].len[0] = 1;
	sis_make(&b, W_ER6, f, 2, 1, &wh);
	free(zeros);
	assert_true(b.len < 128 * 1024);
	memset(&lim, 0, sizeof(lim));
	lim.max_ratio = 10;
	assert_int_equal(walk(b.data, b.len, &lim, &g, &res), 0);
	assert_int_equal(res.status, ARC_LIMIT_RATIO);
	assert_int_equal(g.n, 1);
	assert_true(g.m[0].trunc);
	assert_true(g.m[0].len <= 1 << 20);
	/* a small max_entry does not hide the bomb */
	lim.max_entry = 100;
	assert_int_equal(walk(b.data, b.len, &lim, &g, &res), 0);
	assert_int_equal(res.status, ARC_LIMIT_RATIO);
	assert_int_equal(g.m[0].len, 100);
	got_free(&g);
	buf_clear(&b);
}

/* test_damage - bad pointers, records, streams and sizes */
static void
test_damage(void **state)
{
	struct arc_result	 res;
	struct where		 wh;
	struct got		 g;
	struct buf		 b;
	uint8_t			*r;

	(void)state;
	memset(&g, 0, sizeof(g));

	/* data pointer past the end: that file only is skipped */
	sample(&b, W_ER6, &wh);
	set32(b.data + wh.rec[0] + 28 + 4, (uint32_t)b.len + 1);
	assert_int_equal(walk(b.data, b.len, NULL, &g, &res), 0);
	assert_int_equal(res.status, ARC_CORRUPT);
	assert_string_equal(res.reason, "corrupt: file data past the end");
	assert_int_equal(g.n, 3);
	buf_clear(&b);

	/* stored data running past the end: delivered, damaged */
	sample(&b, W_ER6 | W_STORED, &wh);
	set32(b.data + wh.rec[0] + 28, 0xfffffff0);
	assert_int_equal(walk(b.data, b.len, NULL, &g, &res), 0);
	assert_int_equal(res.status, ARC_CORRUPT);
	assert_true(g.m[0].dmg);
	assert_memory_equal(g.m[0].data, txt1, sizeof(txt1) - 1);
	/* the files after it are read all the same */
	assert_int_equal(g.n, 4);
	assert_false(g.m[1].dmg);
	buf_clear(&b);

	/* two records with the same data: the second is refused */
	sample(&b, W_ER6, &wh);
	set32(b.data + wh.rec[1] + 28, (uint32_t)b.len - 10);
	set32(b.data + wh.rec[1] + 36, 10);
	assert_int_equal(walk(b.data, b.len, NULL, &g, &res), 0);
	assert_int_equal(res.status, ARC_CORRUPT);
	assert_string_equal(res.reason, "corrupt: file data overlap");
	assert_int_equal(g.n, 1);
	buf_clear(&b);

	/* a destination outside the file: named by the source */
	sample(&b, W_ER6, &wh);
	set32(b.data + wh.rec[0] + 24, 0xffffff00);
	assert_int_equal(walk(b.data, b.len, NULL, &g, &res), 0);
	assert_int_equal(res.status, ARC_CORRUPT);
	assert_string_equal(res.reason, "corrupt: file name past the end");
	assert_int_equal(g.n, 4);
	assert_string_equal(g.m[0].name, "clam.app");
	assert_memory_equal(g.m[0].data, txt1, sizeof(txt1) - 1);
	buf_clear(&b);

	/* a damaged stream: what came out, damaged */
	sample(&b, W_ER6, &wh);
	b.data[wh.data[0] + wh.dlen[0] - 1] ^= 0x55;	/* its Adler-32 */
	assert_int_equal(walk(b.data, b.len, NULL, &g, &res), 0);
	assert_int_equal(res.status, ARC_CORRUPT);
	assert_string_equal(res.reason, "corrupt: bad compressed data");
	assert_int_equal(g.n, 4);
	assert_true(g.m[0].dmg);
	assert_false(g.m[1].dmg);
	/* garbage from the start: not delivered at all */
	b.data[wh.data[0]] = 0xff;
	assert_int_equal(walk(b.data, b.len, NULL, &g, &res), 0);
	assert_int_equal(res.status, ARC_CORRUPT);
	assert_int_equal(g.n, 3);
	buf_clear(&b);

	/* an original length that is wrong */
	sample(&b, W_ER6, &wh);
	r = b.data + wh.rec[0];
	set32(r + 36, 3);
	assert_int_equal(walk(b.data, b.len, NULL, &g, &res), 0);
	assert_int_equal(res.status, ARC_CORRUPT);
	assert_string_equal(res.reason, "corrupt: file size mismatch");
	assert_true(g.m[0].dmg);
	assert_int_equal(g.m[0].len, sizeof(txt1) - 1);
	buf_clear(&b);

	/* an unknown record type ends the walk */
	sample(&b, W_ER6, &wh);
	set32(b.data + wh.rec[1], 7);
	assert_int_equal(walk(b.data, b.len, NULL, &g, &res), 0);
	assert_int_equal(res.status, ARC_CORRUPT);
	assert_string_equal(res.reason, "corrupt: unknown file record type");
	assert_int_equal(g.n, 1);
	/* a condition of 4 GiB */
	set32(b.data + wh.rec[1], 3);
	set32(b.data + wh.rec[1] + 4, 0xffffffff);
	assert_int_equal(walk(b.data, b.len, NULL, &g, &res), 0);
	assert_string_equal(res.reason, "corrupt: file record cut short");
	assert_int_equal(g.n, 1);
	/* options: 2^32 - 1 of them */
	set32(b.data + wh.rec[1], 2);
	assert_int_equal(walk(b.data, b.len, NULL, &g, &res), 0);
	assert_string_equal(res.reason, "corrupt: file record cut short");
	buf_clear(&b);

	/* more records than there are; records past the end */
	sample(&b, W_ER6, &wh);
	set16(b.data + wh.hdr_nrec, 65535);
	assert_int_equal(walk(b.data, b.len, NULL, &g, &res), 0);
	assert_int_equal(res.status, ARC_CORRUPT);
	assert_int_equal(g.n, 4);
	set32(b.data + 52, 0xfffffffc);
	assert_int_equal(walk(b.data, b.len, NULL, &g, &res), 0);
	assert_string_equal(res.reason, "corrupt: file records cut short");
	assert_int_equal(g.n, 0);
	/* 65535 languages: every multi-language record is cut short */
	set32(b.data + 52, 100 + 4);
	set16(b.data + 18, 65535);
	assert_int_equal(walk(b.data, b.len, NULL, &g, &res), 0);
	assert_int_equal(res.status, ARC_CORRUPT);
	buf_clear(&b);

	/* not SIS; a short header; Symbian OS 9 */
	assert_int_equal(walk((const uint8_t *)"plain text, no UIDs", 19,
	    NULL, &g, &res), 0);
	assert_string_equal(res.reason, "corrupt: not a SIS file");
	assert_int_equal(walk(NULL, 0, NULL, &g, &res), 0);
	assert_string_equal(res.reason, "corrupt: not a SIS file");
	assert_int_equal(walk((const uint8_t *)"\x34\x12\0\x10\x12\x3a\0\x10"
	    "\x19\x04\0\x10\0\0\0\0", 16, NULL, &g, &res), 0);
	assert_string_equal(res.reason, "corrupt: SIS header cut short");
	assert_int_equal(walk((const uint8_t *)"\x7a\x1a\x20\x10\0\0\0\0"
	    "\x19\x04\0\x10\0\0\0\0", 16, NULL, &g, &res), 0);
	assert_int_equal(res.status, ARC_CORRUPT);
	assert_int_equal(res.unsupported, 1);
	assert_string_equal(res.reason, "unsupported: Symbian OS 9 package");
	assert_int_equal(g.n, 0);
	got_free(&g);
}

/* test_dispatch - legacy_handles() knows SIS */
static void
test_dispatch(void **state)
{
	(void)state;
	assert_true(legacy_handles(FT_SIS));
}

/* main - every row and check as its own test */
int
main(void)
{
	static struct CMUnitTest	 tests[nitems(samplecases) + 8];
	size_t				 i, n = 0;

	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_clam);
	for (i = 0; i < nitems(samplecases); i++) {
		tests[n].name = samplecases[i].name;
		tests[n].test_func = test_sample;
		tests[n++].initial_state = (void *)&samplecases[i];
	}
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_limits);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_bomb);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_damage);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_dispatch);
	return _cmocka_run_group_tests("sis", tests, n, NULL, NULL);
}
