/*
 * test_chm.c - unit tests for workers/chm.c (through legacy_walk())
 *
 * The real clam.chm of Debian's clamav-testfiles (skipped when the
 * package is absent) must give its 15 files, clam.exe among them (as
 * clam.exe.txt, LZX-compressed in section 1); then copies of it damaged
 * at test time (never kept): cut at every length, random flips, LZX
 * data broken in the middle, the control data and the window size
 * wrong, a section over 1, headers broken; the limits and the
 * callback's stop.  A small CHM with only stored (section 0) files is
 * built here by a writer: names, directories, a file past the end.
 * When chmcmd (Debian package fp-utils) is installed, CHM files made
 * by it at test time: many LZX frames and reset intervals, text, noise
 * and a subdirectory, cut and damaged; and a compression bomb (zeros)
 * stopped at the ratio bound.
 */
#include <sys/stat.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "util/buf.h"
#include "util/digest.h"
#include "workers/legacy.h"

#include "lgtest.h"


static int	 walk(const uint8_t *, size_t, const struct arc_limits *,
		    struct got *, struct arc_result *);
static int	 clam(struct buf *);
static int	 member(const struct got *, const char *);
static size_t	 entry(const struct buf *, const char *, uint64_t *,
		    uint64_t *);
static void	 encint(struct buf *, uint64_t);
static void	 hostile(const struct buf *, const struct got *);
static int	 chmcmd(const char *const *, const size_t *, size_t,
		    struct buf *);
static void	 pattern(uint8_t *, size_t, uint32_t, int);

/* walk - lgt_walk() of this format */
static int
walk(const uint8_t *buf, size_t len, const struct arc_limits *lim,
    struct got *g, struct arc_result *res)
{
	return lgt_walk(FT_CHM, buf, len, lim, g, res);
}

/* clam - clam.chm into b: 0, or -1 (skipped) */
static int
clam(struct buf *b)
{
	if (lgt_readfile(CLAMDIR "/clam.chm", b) == 0)
		return 0;
	print_message("# %s missing (package clamav-testfiles)\n",
	    CLAMDIR "/clam.chm");
	return -1;
}

/* member - the index of the member named name, or -1 */
static int
member(const struct got *g, const char *name)
{
	uint32_t	 i;

	for (i = 0; i < g->n; i++)
		if (strcmp(g->m[i].name, name) == 0)
			return (int)i;
	return -1;
}

/*
 * entry - the directory entry of name in b: the offset just after its
 * section number (0 if absent), with its offset and length
 */
static size_t
entry(const struct buf *b, const char *name, uint64_t *off, uint64_t *len)
{
	size_t		 n = strlen(name), i, o;
	uint64_t	*v[2] = { off, len };
	int		 k;

	for (i = 0; i + n < b->len; i++) {
		if (b->data[i] != n || memcmp(b->data + i + 1, name, n) != 0)
			continue;
		o = i + 1 + n + 1;	/* the section: one byte here */
		for (k = 0; k < 2; k++) {
			*v[k] = 0;
			while (b->data[o] & 0x80)
				*v[k] = *v[k] << 7 | (b->data[o++] & 0x7f);
			*v[k] = *v[k] << 7 | b->data[o++];
		}
		return i + 1 + n + 1;
	}
	return 0;
}

/* encint - an encoded integer */
static void
encint(struct buf *b, uint64_t v)
{
	uint8_t	 t[10];
	int	 n = 0, i;

	do {
		t[n++] = (uint8_t)(v & 0x7f);
		v >>= 7;
	} while (v != 0);
	for (i = n - 1; i >= 0; i--) {
		t[i] |= i > 0 ? 0x80 : 0;
		buf_add(b, &t[i], 1);
	}
}

/*
 * hostile - cut at every length, flip bytes: every walk returns 0, and a
 * member that is whole is the same as in the good file
 */
static void
hostile(const struct buf *good, const struct got *want)
{
	static const struct arc_limits	 lim = { 0, 1 << 22, 0, 4 };
	struct arc_result		 res;
	struct got			 g;
	struct buf			 b;
	uint32_t			 x = 5, i, j;
	size_t				 cut;
	int				 k;

	memset(&g, 0, sizeof(g));
	buf_init(&b);
	for (cut = 0; cut < good->len; cut++) {
		assert_int_equal(walk(good->data, cut, &lim, &g, &res), 0);
		for (i = 0; i < g.n; i++) {
			if (g.m[i].dmg)
				continue;
			assert_true((k = member(want, g.m[i].name)) >= 0);
			assert_int_equal(g.m[i].len, want->m[k].len);
			assert_memory_equal(g.m[i].data, want->m[k].data,
			    g.m[i].len);
		}
	}
	for (j = 0; j < 1000; j++) {
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

/* test_clam - clam.chm: every file, clam.exe.txt is clam.exe */
static void
test_clam(void **state)
{
	struct arc_result	 res;
	struct got		 g;
	struct buf		 b;
	char			 hex[65];
	int			 k;

	(void)state;
	memset(&g, 0, sizeof(g));
	if (clam(&b) == -1) {
		skip();
		return;
	}
	assert_int_equal(walk(b.data, b.len, NULL, &g, &res), 0);
	assert_int_equal(res.status, ARC_OK);
	assert_int_equal(g.n, 15);
	assert_string_equal(g.m[0].name, "#IDXHDR");
	assert_true((k = member(&g, "clam.exe.txt")) >= 0);
	lgt_sha256hex(g.m[k].data, g.m[k].len, hex);
	assert_string_equal(hex, CLAMSHA);
	assert_false(g.m[k].trunc || g.m[k].dmg || g.m[k].enc);
	assert_true((k = member(&g, "clam.chm.hhc")) >= 0);
	assert_non_null(memmem(g.m[k].data, g.m[k].len, "clam.exe.txt", 12));
	assert_true(member(&g, "$WWKeywordLinks/Property") >= 0);
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
	struct got		 g;
	struct buf		 b;
	int			 k;

	(void)state;
	memset(&g, 0, sizeof(g));
	if (clam(&b) == -1) {
		skip();
		return;
	}
	memset(&lim, 0, sizeof(lim));
	lim.max_entry = 10;
	assert_int_equal(walk(b.data, b.len, &lim, &g, &res), 0);
	assert_int_equal(res.status, ARC_OK);
	assert_int_equal(g.n, 15);
	assert_true((k = member(&g, "clam.exe.txt")) >= 0);
	assert_int_equal(g.m[k].len, 10);
	assert_true(g.m[k].trunc);
	assert_memory_equal(g.m[k].data, "MZP\0\2\0\0\0\4\0", 10);

	memset(&lim, 0, sizeof(lim));
	lim.max_entries = 3;
	assert_int_equal(walk(b.data, b.len, &lim, &g, &res), 0);
	assert_int_equal(res.status, ARC_LIMIT_ENTRIES);
	assert_int_equal(g.n, 3);

	memset(&lim, 0, sizeof(lim));
	lim.max_total = 5000;
	assert_int_equal(walk(b.data, b.len, &lim, &g, &res), 0);
	assert_int_equal(res.status, ARC_LIMIT_TOTAL);
	assert_int_equal(res.total, 5000);

	g.stopat = 14;
	assert_int_equal(walk(b.data, b.len, NULL, &g, &res), 0);
	assert_int_equal(res.status, ARC_STOPPED);
	assert_int_equal(g.n, 14);
	g.stopat = 0;
	assert_int_equal(legacy_walk(FT_CHM, b.data, b.len, NULL, NULL, NULL,
	    &res), 0);
	assert_int_equal(res.entries, 15);
	got_free(&g);
	buf_clear(&b);
}

/* test_damage - broken LZX data, control data, sections, headers */
static void
test_damage(void **state)
{
	struct arc_result	 res;
	struct got		 g;
	struct buf		 b, c;
	uint64_t		 coff, clen, off, len, base;
	size_t			 at;
	int			 k;

	(void)state;
	memset(&g, 0, sizeof(g));
	if (clam(&b) == -1) {
		skip();
		return;
	}
	buf_init(&c);
	base = b.data[0x58] | (uint64_t)b.data[0x59] << 8;	/* content */
	assert_true(entry(&b, "::DataSpace/Storage/MSCompressed/Content",
	    &coff, &clen) != 0);

	/* LZX data broken past the start: the first files are whole */
	buf_add(&c, b.data, b.len);
	memset(c.data + base + coff + clen / 2, 0xff, 16);
	assert_int_equal(walk(c.data, c.len, NULL, &g, &res), 0);
	assert_int_equal(res.status, ARC_CORRUPT);
	assert_true(strncmp(res.reason, "corrupt: ", 9) == 0);
	assert_true(member(&g, "#ITBITS") >= 0);	/* section 0 */
	assert_true(g.n < 15);

	/* cut in the LZX data */
	assert_int_equal(walk(b.data, (size_t)(base + coff + clen / 2), NULL,
	    &g, &res), 0);
	assert_int_equal(res.status, ARC_CORRUPT);

	/* no LZXC; a window of 3 x 32 KiB */
	c.len = 0;
	buf_add(&c, b.data, b.len);
	assert_true(entry(&c, "::DataSpace/Storage/MSCompressed/ControlData",
	    &off, &len) != 0);
	c.data[base + off + 4] = 'X';
	assert_int_equal(walk(c.data, c.len, NULL, &g, &res), 0);
	assert_string_equal(res.reason, "corrupt: no LZX control data");
	assert_int_equal(member(&g, "clam.exe.txt"), -1);
	assert_true(member(&g, "#SYSTEM") >= 0);
	c.data[base + off + 4] = 'L';
	c.data[base + off + 16] = 3;
	assert_int_equal(walk(c.data, c.len, NULL, &g, &res), 0);
	assert_string_equal(res.reason, "corrupt: bad LZX control data");

	/* a section 2 file is unsupported */
	c.len = 0;
	buf_add(&c, b.data, b.len);
	assert_true((at = entry(&c, "/clam.exe.txt", &off, &len)) != 0);
	c.data[at - 1] = 2;
	assert_int_equal(walk(c.data, c.len, NULL, &g, &res), 0);
	assert_int_equal(res.status, ARC_CORRUPT);
	assert_int_equal(res.unsupported, 1);
	assert_string_equal(res.reason, "unsupported: CHM section over 1");
	assert_int_equal(g.n, 14);
	/* a section 1 file past the end of the section */
	c.data[at - 1] = 1;
	c.data[at] = 0xff;	/* offset 0x7f << 7 | ... */
	c.data[at + 1] = 0x8b;
	assert_int_equal(walk(c.data, c.len, NULL, &g, &res), 0);
	assert_int_equal(res.status, ARC_CORRUPT);
	assert_true((k = member(&g, "clam.exe.txt")) == -1 || g.m[k].dmg);

	/* not CHM; version 4; the directory past the end; no ITSP */
	assert_int_equal(walk((const uint8_t *)"ITSF", 4, NULL, &g, &res), 0);
	assert_string_equal(res.reason, "corrupt: not a CHM file");
	c.len = 0;
	buf_add(&c, b.data, b.len);
	c.data[4] = 4;
	assert_int_equal(walk(c.data, c.len, NULL, &g, &res), 0);
	assert_string_equal(res.reason, "corrupt: not a CHM file");
	c.data[4] = 3;
	c.data[0x4f] = 0x80;
	assert_int_equal(walk(c.data, c.len, NULL, &g, &res), 0);
	assert_string_equal(res.reason, "corrupt: directory past the end");
	c.data[0x4f] = 0;
	c.data[0x78] = 'X';
	assert_int_equal(walk(c.data, c.len, NULL, &g, &res), 0);
	assert_string_equal(res.reason, "corrupt: bad directory header");
	assert_int_equal(g.n, 0);
	got_free(&g);
	buf_clear(&c);
	buf_clear(&b);
}

/* test_stored - a CHM made here, section 0 only */
static void
test_stored(void **state)
{
	static const struct { const char *name; const char *data; } f[] = {
		{ "/a.txt", "first file" },
		{ "/dir/", NULL },
		{ "/dir/b.html", "<html>second</html>" },
		{ "::DataSpace/NameList", "xx" },
		{ "/empty", "" },
	};
	struct arc_result	 res;
	struct got		 g;
	struct buf		 b, pmgl, data;
	size_t			 i, n;
	uint8_t			 hdr[0x78 + 0x54];

	(void)state;
	memset(&g, 0, sizeof(g));
	buf_init(&pmgl);
	buf_init(&data);
	buf_add(&pmgl, "PMGL\0\0\0\0\0\0\0\0\xff\xff\xff\xff\xff\xff\xff\xff",
	    20);
	for (i = 0; i < sizeof(f) / sizeof(f[0]); i++) {
		n = strlen(f[i].name);
		encint(&pmgl, n);
		buf_add(&pmgl, f[i].name, n);
		encint(&pmgl, 0);
		encint(&pmgl, data.len);
		n = f[i].data != NULL ? strlen(f[i].data) : 0;
		encint(&pmgl, n);
		buf_add(&data, f[i].data != NULL ? f[i].data : "", n);
	}
	n = 4096 - pmgl.len;
	pmgl.data[4] = (uint8_t)n;
	pmgl.data[5] = (uint8_t)(n >> 8);
	buf_addz(&pmgl, n);
	memset(hdr, 0, sizeof(hdr));
	memcpy(hdr, "ITSF\3\0\0\0\x60", 9);
	hdr[0x38] = 0x60;
	hdr[0x40] = 0x18;
	hdr[0x48] = 0x78;
	hdr[0x50] = 0x54;
	hdr[0x51] = 0x10;		/* 0x1054 */
	hdr[0x58] = 0xcc;
	hdr[0x59] = 0x10;		/* 0x78 + 0x1054 */
	memcpy(hdr + 0x78, "ITSP\1\0\0\0\x54\0\0\0\x0a\0\0\0\0\x10", 18);
	hdr[0x78 + 44] = 1;		/* one chunk */
	buf_init(&b);
	buf_add(&b, hdr, sizeof(hdr));
	buf_add(&b, pmgl.data, pmgl.len);
	buf_add(&b, data.data, data.len);
	assert_false(b.failed);

	assert_int_equal(walk(b.data, b.len, NULL, &g, &res), 0);
	assert_int_equal(res.status, ARC_OK);
	assert_int_equal(g.n, 3);
	assert_string_equal(g.m[0].name, "a.txt");
	assert_int_equal(g.m[0].len, 10);
	assert_memory_equal(g.m[0].data, "first file", 10);
	assert_string_equal(g.m[1].name, "dir/b.html");
	assert_memory_equal(g.m[1].data, "<html>second</html>", 19);
	assert_string_equal(g.m[2].name, "empty");
	assert_int_equal(g.m[2].len, 0);

	/* cut in the data of the second file: delivered, damaged; the
	 * empty one after the cut is not there at all */
	assert_int_equal(walk(b.data, b.len - 12, NULL, &g, &res), 0);
	assert_int_equal(res.status, ARC_CORRUPT);
	assert_string_equal(res.reason, "corrupt: file past the end");
	assert_int_equal(g.n, 2);
	assert_true(g.m[1].dmg);
	assert_int_equal(g.m[1].len, 9);
	/* an entry whose name runs past its chunk's entries */
	b.data[0x78 + 0x54 + 4] = 0xe8;
	b.data[0x78 + 0x54 + 5] = 0x0f;	/* free space: 4072, 4 bytes used */
	assert_int_equal(walk(b.data, b.len, NULL, &g, &res), 0);
	assert_string_equal(res.reason, "corrupt: bad directory entry");
	assert_int_equal(g.n, 0);
	got_free(&g);
	buf_clear(&b);
	buf_clear(&pmgl);
	buf_clear(&data);
}

/* pattern - text-like runs with some noise, or noise alone */
static void
pattern(uint8_t *p, size_t n, uint32_t seed, int noise)
{
	static const char	 words[] = "<p>the quick brown fox jumps over "
	    "a lazy dog; LZX test 0123456789</p>\n";
	uint32_t		 x = seed;
	size_t			 i;

	for (i = 0; i < n; i++) {
		x = x * 1103515245 + 12345;
		if (noise || (x >> 16) % 11 == 0)
			p[i] = (uint8_t)(x >> 24);
		else
			p[i] = (uint8_t)words[(i + (x >> 28)) %
			    (sizeof(words) - 1)];
	}
}

/*
 * chmcmd - a CHM of the n files name (made by pattern(), seed i, noise
 * for ".bin", zeros for ".zero") of len bytes, by chmcmd(1): 0, or -1
 * when chmcmd is not installed
 */
static int
chmcmd(const char *const *name, const size_t *len, size_t n, struct buf *b)
{
	char	 dir[] = "/tmp/vigil-chm.XXXXXX", path[512], cmd[1024];
	uint8_t	*p;
	size_t	 i, k;
	FILE	*fp;

	if (system("command -v chmcmd >/dev/null 2>&1") != 0) {
		print_message("# chmcmd not installed (package fp-utils)\n");
		return -1;
	}
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/sub", dir);
	assert_int_equal(mkdir(path, 0700), 0);
	snprintf(path, sizeof(path), "%s/t.hhp", dir);
	assert_non_null(fp = fopen(path, "w"));
	fprintf(fp, "[OPTIONS]\nCompiled file=t.chm\nTitle=t\n\n[FILES]\n");
	for (i = 0; i < n; i++)
		fprintf(fp, "%s\n", name[i]);
	assert_int_equal(fclose(fp), 0);
	for (i = 0; i < n; i++) {
		assert_non_null(p = calloc(1, len[i] + 1));
		k = strlen(name[i]);
		if (k < 5 || strcmp(name[i] + k - 5, ".zero") != 0)
			pattern(p, len[i], (uint32_t)i,
			    k > 4 && strcmp(name[i] + k - 4, ".bin") == 0);
		snprintf(path, sizeof(path), "%s/%s", dir, name[i]);
		assert_non_null(fp = fopen(path, "wb"));
		assert_int_equal(fwrite(p, 1, len[i], fp), len[i]);
		assert_int_equal(fclose(fp), 0);
		free(p);
	}
	snprintf(cmd, sizeof(cmd), "cd '%s' && chmcmd t.hhp >/dev/null 2>&1",
	    dir);
	assert_int_equal(system(cmd), 0);
	snprintf(path, sizeof(path), "%s/t.chm", dir);
	assert_int_equal(lgt_readfile(path, b), 0);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
	return 0;
}

/* test_chmcmd - LZX over many frames and resets, cut and damaged */
static void
test_chmcmd(void **state)
{
	static const char *const	 name[] = {
		"small.htm", "big.htm", "noise.bin", "sub/in.htm", "empty.htm"
	};
	static const size_t		 len[] = {
		40, 700000, 70000, 30000, 0
	};
	static const struct arc_limits	 lim = { 0, 1 << 24, 0, 50 };
	struct arc_result		 res;
	struct got			 g, want;
	struct buf			 b, c;
	uint8_t				*p;
	uint32_t			 x = 3, j;
	size_t				 i;
	int				 k;

	(void)state;
	memset(&g, 0, sizeof(g));
	memset(&want, 0, sizeof(want));
	if (chmcmd(name, len, 5, &b) == -1) {
		skip();
		return;
	}
	assert_int_equal(walk(b.data, b.len, NULL, &want, &res), 0);
	assert_int_equal(res.status, ARC_OK);
	for (i = 0; i < 5; i++) {
		assert_true((k = member(&want, name[i])) >= 0);
		assert_int_equal(want.m[k].len, len[i]);
		assert_non_null(p = malloc(len[i] + 1));
		pattern(p, len[i], (uint32_t)i, i == 2);
		assert_memory_equal(want.m[k].data, p, len[i]);
		free(p);
		assert_false(want.m[k].trunc || want.m[k].dmg);
	}
	/* cuts and flips: whole members are right, nothing crashes */
	buf_init(&c);
	for (j = 0; j < 200; j++) {
		c.len = 0;
		x = x * 1103515245 + 12345;
		buf_add(&c, b.data, j < 60 ? (x >> 8) % b.len : b.len);
		if (j >= 60)
			c.data[(x >> 8) % c.len] ^= (uint8_t)(1 << (x >> 29));
		assert_int_equal(walk(c.data, c.len, &lim, &g, &res), 0);
		for (i = 0; i < g.n; i++) {
			if (g.m[i].dmg || g.m[i].trunc ||
			    (k = member(&want, g.m[i].name)) < 0)
				continue;
			/* LZX has no checksum: a flip may change bytes */
			if (j < 60)
				assert_memory_equal(g.m[i].data,
				    want.m[k].data, g.m[i].len);
		}
	}
	got_free(&g);
	got_free(&want);
	buf_clear(&c);
	buf_clear(&b);
}

/* test_bomb - 16 MiB of zeros: decoding stops at the ratio bound */
static void
test_bomb(void **state)
{
	static const char *const	 name[] = { "a.zero", "b.htm" };
	static const size_t		 len[] = { 16 << 20, 100 };
	struct arc_limits		 lim;
	struct arc_result		 res;
	struct got			 g;
	struct buf			 b;
	uint32_t			 i;
	int				 k;

	(void)state;
	memset(&g, 0, sizeof(g));
	if (chmcmd(name, len, 2, &b) == -1) {
		skip();
		return;
	}
	memset(&lim, 0, sizeof(lim));
	lim.max_ratio = 2;
	assert_true((uint64_t)b.len * 2 < (1 << 20));
	assert_int_equal(walk(b.data, b.len, &lim, &g, &res), 0);
	assert_int_equal(res.status, ARC_LIMIT_RATIO);
	/*
	 * files come in directory (name) order: the first one past the
	 * bound stops the walk, whichever it is
	 */
	for (i = 0; i < g.n; i++)
		assert_true(g.m[i].len <= 1 << 20);
	if ((k = member(&g, "a.zero")) >= 0)
		assert_true(g.m[k].trunc);
	assert_true(member(&g, "b.htm") == -1 || k == -1);
	/* without the ratio: all of it */
	assert_int_equal(walk(b.data, b.len, NULL, &g, &res), 0);
	assert_int_equal(res.status, ARC_OK);
	assert_true((k = member(&g, "a.zero")) >= 0);
	assert_int_equal(g.m[k].len, 16 << 20);
	got_free(&g);
	buf_clear(&b);
}

/* main - the tests */
int
main(void)
{
	const struct CMUnitTest	 tests[] = {
		cmocka_unit_test(test_clam),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_damage),
		cmocka_unit_test(test_stored),
		cmocka_unit_test(test_chmcmd),
		cmocka_unit_test(test_bomb),
	};

	return cmocka_run_group_tests_name("chm", tests, NULL, NULL);
}
