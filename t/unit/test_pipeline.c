/*
 * test_pipeline.c - unit tests for workers/pipeline.c: the verdict tree
 *
 * Each test compiles a few signatures with the real loader and compiler,
 * builds its inputs in memory (archives with libarchive's writer, mail
 * and text by hand) and runs pipeline_run() over them, then checks the
 * verdict tree: every object's path, parent, depth, status, names and
 * not-scanned reason, and the input's overall status.  Limits are tested
 * one by one, each against the same input with the limit off, so that a
 * test fails if a limit stops nothing or stops too much.  Nothing here
 * needs a tool or a file outside the tree.
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

#include <archive.h>
#include <archive_entry.h>

#include "av/verdict.h"
#include "shm/sigmap.h"
#include "signatures/cset.h"
#include "signatures/sigsrc.h"
#include "util/buf.h"
#include "util/digest.h"
#include "workers/filetype.h"
#include "workers/pipeline.h"

#define nitems(a)	(sizeof(a) / sizeof((a)[0]))

/*
 * The markers the signatures look for.  MARK is found anywhere; ZIPONLY
 * only directly inside a zip (Container:); ZIPGZ only below a zip and then
 * a gzip stream (Intermediates:).
 */
#define MARK		"VIGIL-UNIT-MARKER-0123456789"
#define OTHER		"VIGIL-UNIT-OTHER-9876543210"
#define ZIPONLY		"VIGIL-UNIT-ZIPONLY-MARKER"
#define ZIPGZ		"VIGIL-UNIT-ZIPGZ-MARKER"
#define TARONLY		"VIGIL-UNIT-TARONLY-MARKER"

struct db {
	struct cset		*cs;
	uint8_t			*img;
	size_t			 size;
	struct sigmap		 sm;
	const struct vmod_view	*views[1];
	struct pipeline		*pl;
};

/* an archive member for mkarc() */
struct mem {
	const char	*name;
	const void	*data;
	size_t		 len;
};

static void	 hex(const char *, char *);
static void	 db_open(struct db *, const char *);
static void	 db_close(struct db *);
static uint8_t	*mkarc(int, int, const char *, const struct mem *, size_t,
		    size_t *);
static int	 find(const struct verdict *, const char *);
static void	 want_obj(const struct verdict *, const char *, enum av_status,
		    const char *);
static void	 run(struct db *, const void *, size_t, const char *,
		    const struct scan_limits *, unsigned, struct verdict *);
static void	 check_tree(const struct verdict *);
static void	 no_limits(struct scan_limits *);

/* hex - lowercase hex of a string */
static void
hex(const char *s, char *out)
{
	for (; *s != '\0'; s++, out += 2)
		sprintf(out, "%02x", (unsigned char)*s);
	*out = '\0';
}

/* db_open - the test signatures, and extra source lines (.fp) if any */
static void
db_open(struct db *d, const char *fp)
{
	char	 ndb[512], ldb[640], h1[80], h2[80], h3[80], h4[80], h5[80];

	hex(MARK, h1);
	hex(OTHER, h2);
	hex(ZIPONLY, h3);
	hex(ZIPGZ, h4);
	hex(TARONLY, h5);
	snprintf(ndb, sizeof(ndb), "Test.Mark:0:*:%s\nTest.Other:0:*:%s\n",
	    h1, h2);
	snprintf(ldb, sizeof(ldb),
	    "Test.ZipOnly;Target:0,Container:CL_TYPE_ZIP;0;%s\n"
	    "Test.ZipGz;Target:0,Intermediates:CL_TYPE_ZIP>CL_TYPE_GZ;0;%s\n"
	    "Test.InTar;Target:0,Container:CL_TYPE_POSIX_TAR;0;%s\n",
	    h3, h4, h5);
	memset(d, 0, sizeof(*d));
	assert_non_null(d->cs = cset_new(NULL));
	assert_int_equal(sigsrc_load_buffer(d->cs, "t.ndb",
	    (const uint8_t *)ndb, strlen(ndb)), 0);
	assert_int_equal(sigsrc_load_buffer(d->cs, "t.ldb",
	    (const uint8_t *)ldb, strlen(ldb)), 0);
	if (fp != NULL)
		assert_int_equal(sigsrc_load_buffer(d->cs, "t.fp",
		    (const uint8_t *)fp, strlen(fp)), 0);
	assert_int_equal(cset_build(d->cs, 1, "t", &d->img, &d->size), 0);
	assert_int_equal(sigmap_openmem(&d->sm, d->img, d->size, 1), 0);
	d->views[0] = &d->sm.view;
	assert_non_null(d->pl = pipeline_new(d->views, 1));
}

/* db_close - release what db_open() made */
static void
db_close(struct db *d)
{
	pipeline_free(d->pl);
	sigmap_close(&d->sm);
	free(d->img);
	cset_free(d->cs);
}

/*
 * mkarc - an archive in memory: format and filter are libarchive's
 * ARCHIVE_FORMAT_* and ARCHIVE_FILTER_*, opts its write options (with a
 * passphrase "secret" when they ask for encryption)
 */
static uint8_t *
mkarc(int format, int filter, const char *opts, const struct mem *m,
    size_t n, size_t *outlen)
{
	struct archive		*a;
	struct archive_entry	*e;
	uint8_t			*out;
	size_t			 cap = 1 << 20, i;

	for (i = 0; i < n; i++)
		cap += m[i].len + 1024;
	assert_non_null(out = malloc(cap));
	assert_non_null(a = archive_write_new());
	assert_int_equal(archive_write_set_format(a, format), ARCHIVE_OK);
	if (filter != ARCHIVE_FILTER_NONE)
		assert_int_equal(archive_write_add_filter(a, filter),
		    ARCHIVE_OK);
	if (opts != NULL) {
		assert_int_equal(archive_write_set_options(a, opts),
		    ARCHIVE_OK);
		assert_int_equal(archive_write_set_passphrase(a, "secret"),
		    ARCHIVE_OK);
	}
	archive_write_set_bytes_in_last_block(a, 1);
	assert_int_equal(archive_write_open_memory(a, out, cap, outlen),
	    ARCHIVE_OK);
	for (i = 0; i < n; i++) {
		assert_non_null(e = archive_entry_new());
		archive_entry_set_pathname(e, m[i].name);
		archive_entry_set_filetype(e, AE_IFREG);
		archive_entry_set_perm(e, 0644);
		archive_entry_set_size(e, (la_int64_t)m[i].len);
		assert_int_equal(archive_write_header(a, e), ARCHIVE_OK);
		assert_int_equal(archive_write_data(a, m[i].data, m[i].len),
		    (la_ssize_t)m[i].len);
		archive_entry_free(e);
	}
	assert_int_equal(archive_write_close(a), ARCHIVE_OK);
	archive_write_free(a);
	return out;
}

/* find - the index of the object with this path, -1 */
static int
find(const struct verdict *v, const char *path)
{
	uint32_t	 i;

	for (i = 0; i < v->nobj; i++)
		if (strcmp(verdict_path(v, i), path) == 0)
			return (int)i;
	return -1;
}

/*
 * want_obj - the object at path has this status, and what: the names of
 * its hits in order ("A,B") when infected, its reason when not scanned
 */
static void
want_obj(const struct verdict *v, const char *path, enum av_status st,
    const char *what)
{
	char		 got[512];
	uint32_t	 h;
	size_t		 at = 0;
	int		 i;

	if ((i = find(v, path)) == -1) {
		for (h = 0; h < v->nobj; h++)
			print_message("  object %s\n", verdict_path(v, h));
		fail_msg("no object %s", path);
	}
	if (v->obj[i].status != st)
		fail_msg("%s: status %s, want %s (reason %s)", path,
		    av_status_str(v->obj[i].status), av_status_str(st),
		    verdict_reason(v, i) ? verdict_reason(v, i) : "-");
	if (what == NULL)
		return;
	got[0] = '\0';
	if (st == AV_INFECTED) {
		for (h = 0; h < v->obj[i].nhits; h++)
			at += snprintf(got + at, sizeof(got) - at, "%s%s",
			    h ? "," : "",
			    verdict_name(v, verdict_hit(v, i, h)));
	} else if (verdict_reason(v, i) != NULL)
		snprintf(got, sizeof(got), "%s", verdict_reason(v, i));
	if (strcmp(got, what) != 0)
		fail_msg("%s: got \"%s\", want \"%s\"", path, got, what);
}

/*
 * check_tree - what verdict.h promises of any tree: parents come first
 * and are one level up, paths extend their parent's, the input's status
 * is the highest of its objects and the counts agree
 */
static void
check_tree(const struct verdict *v)
{
	uint32_t	 i, inf = 0, ns = 0;
	uint8_t		 top = AV_CLEAN;
	const char	*p, *pp;

	assert_true(v->nobj >= 1);
	assert_int_equal(v->obj[0].parent, UINT32_MAX);
	assert_int_equal(v->obj[0].depth, 0);
	for (i = 0; i < v->nobj; i++) {
		if (i > 0) {
			assert_true(v->obj[i].parent < i);
			assert_int_equal(v->obj[i].depth,
			    v->obj[v->obj[i].parent].depth + 1);
			p = verdict_path(v, i);
			pp = verdict_path(v, v->obj[i].parent);
			assert_memory_equal(p, pp, strlen(pp));
			assert_int_equal(p[strlen(pp)], '/');
		}
		if (v->obj[i].status > top)
			top = v->obj[i].status;
		if (v->obj[i].status == AV_INFECTED) {
			inf++;
			assert_true(v->obj[i].nhits > 0);
		} else
			assert_int_equal(v->obj[i].nhits, 0);
		if (v->obj[i].status == AV_NOTSCANNED) {
			ns++;
			assert_non_null(verdict_reason(v, i));
		}
	}
	assert_int_equal(v->status, top);
	assert_int_equal(v->ninfected, inf);
	assert_true(v->nnotscanned >= ns);
}

/* run - pipeline_run, which must succeed, then check_tree */
static void
run(struct db *d, const void *buf, size_t len, const char *path,
    const struct scan_limits *lim, unsigned flags, struct verdict *v)
{
	assert_int_equal(pipeline_run(d->pl, buf, len, path, lim, flags, v),
	    0);
	check_tree(v);
}

/* no_limits - every limit off */
static void
no_limits(struct scan_limits *lim)
{
	memset(lim, 0, sizeof(*lim));
}

/* test_plain - one object, clean and infected */
static void
test_plain(void **state)
{
	struct db	 d;
	struct verdict	 v;
	static const char clean[] = "nothing to see here";
	static const char inf[] = "xx " MARK " yy";

	(void)state;
	db_open(&d, NULL);
	verdict_init(&v);
	run(&d, clean, sizeof(clean) - 1, "c.txt", NULL, 0, &v);
	assert_int_equal(v.status, AV_CLEAN);
	assert_int_equal(v.nobj, 1);
	want_obj(&v, "c.txt", AV_CLEAN, NULL);
	run(&d, inf, sizeof(inf) - 1, "i.txt", NULL, 0, &v);
	assert_int_equal(v.status, AV_INFECTED);
	want_obj(&v, "i.txt", AV_INFECTED, "Test.Mark");
	/* an empty input is one clean object */
	run(&d, NULL, 0, "empty", NULL, 0, &v);
	assert_int_equal(v.status, AV_CLEAN);
	assert_int_equal(v.nobj, 1);
	verdict_free(&v);
	db_close(&d);
}

/* test_zip_paths - members are objects named after their paths */
static void
test_zip_paths(void **state)
{
	static const char	 a[] = "clean member", b[] = "zz" MARK "zz";
	const struct mem	 m[] = {
		{ "docs/readme.txt", a, sizeof(a) - 1 },
		{ "bin/evil.exe", b, sizeof(b) - 1 },
	};
	struct db		 d;
	struct verdict		 v;
	uint8_t			*zip;
	size_t			 zlen;
	int			 i;

	(void)state;
	db_open(&d, NULL);
	verdict_init(&v);
	zip = mkarc(ARCHIVE_FORMAT_ZIP, ARCHIVE_FILTER_NONE, NULL, m, 2,
	    &zlen);
	run(&d, zip, zlen, "in.txt", NULL, 0, &v);	/* by content */
	assert_int_equal(v.status, AV_INFECTED);
	want_obj(&v, "in.txt", AV_CLEAN, NULL);
	want_obj(&v, "in.txt/docs/readme.txt", AV_CLEAN, NULL);
	want_obj(&v, "in.txt/bin/evil.exe", AV_INFECTED, "Test.Mark");
	i = find(&v, "in.txt/bin/evil.exe");
	assert_int_equal(v.obj[i].depth, 1);
	assert_int_equal(v.obj[i].size, sizeof(b) - 1);
	assert_int_equal(v.obj[0].type, FT_ZIP);
	verdict_free(&v);
	free(zip);
	db_close(&d);
}

/* test_nested - a zip in a tar.gz in a zip: depth 3 */
static void
test_nested(void **state)
{
	static const char	 b[] = "--" MARK "--";
	struct mem		 m = { "deep/evil.bin", b, sizeof(b) - 1 };
	struct scan_limits	 lim;
	struct db		 d;
	struct verdict		 v;
	uint8_t			*z1, *tgz, *z3;
	size_t			 l1, l2, l3;

	(void)state;
	db_open(&d, NULL);
	verdict_init(&v);
	z1 = mkarc(ARCHIVE_FORMAT_ZIP, ARCHIVE_FILTER_NONE, NULL, &m, 1, &l1);
	m = (struct mem){ "inner.zip", z1, l1 };
	tgz = mkarc(ARCHIVE_FORMAT_TAR_PAX_RESTRICTED, ARCHIVE_FILTER_GZIP,
	    NULL, &m, 1, &l2);
	m = (struct mem){ "mid.tar.gz", tgz, l2 };
	z3 = mkarc(ARCHIVE_FORMAT_ZIP, ARCHIVE_FILTER_NONE, NULL, &m, 1, &l3);

	run(&d, z3, l3, "top.zip", NULL, 0, &v);
	assert_int_equal(v.status, AV_INFECTED);
	want_obj(&v, "top.zip/mid.tar.gz/inner.zip/deep/evil.bin",
	    AV_INFECTED, "Test.Mark");
	assert_int_equal(v.obj[find(&v,
	    "top.zip/mid.tar.gz/inner.zip/deep/evil.bin")].depth, 3);

	/* one level too few: not scanned, never clean */
	scan_limits_default(&lim);
	lim.max_depth = 2;
	run(&d, z3, l3, "top.zip", &lim, 0, &v);
	assert_int_equal(v.status, AV_NOTSCANNED);
	want_obj(&v, "top.zip/mid.tar.gz/inner.zip", AV_NOTSCANNED,
	    "limit: recursion");
	assert_int_equal(find(&v, "top.zip/mid.tar.gz/inner.zip/deep/evil.bin"),
	    -1);
	/* and a detection with heuristics */
	lim.heuristics = 1;
	run(&d, z3, l3, "top.zip", &lim, 0, &v);
	assert_int_equal(v.status, AV_INFECTED);
	want_obj(&v, "top.zip/mid.tar.gz/inner.zip", AV_INFECTED,
	    "Heuristics.Limits.Exceeded");
	/* exactly enough */
	lim.heuristics = 0;
	lim.max_depth = 3;
	run(&d, z3, l3, "top.zip", &lim, 0, &v);
	want_obj(&v, "top.zip/mid.tar.gz/inner.zip/deep/evil.bin",
	    AV_INFECTED, "Test.Mark");
	verdict_free(&v);
	free(z1);
	free(tgz);
	free(z3);
	db_close(&d);
}

/* test_all_match - without MATCH_ALL the walk stops at the first hit */
static void
test_all_match(void **state)
{
	static const char	 a[] = "a " MARK " " OTHER, b[] = "b " OTHER;
	const struct mem	 m[] = {
		{ "a", a, sizeof(a) - 1 },
		{ "b", b, sizeof(b) - 1 },
	};
	struct db		 d;
	struct verdict		 v;
	uint8_t			*zip;
	size_t			 zlen;

	(void)state;
	db_open(&d, NULL);
	verdict_init(&v);
	zip = mkarc(ARCHIVE_FORMAT_ZIP, ARCHIVE_FILTER_NONE, NULL, m, 2,
	    &zlen);
	run(&d, zip, zlen, "z", NULL, 0, &v);
	assert_int_equal(v.ninfected, 1);
	assert_int_equal(find(&v, "z/b"), -1);
	run(&d, zip, zlen, "z", NULL, MATCH_ALL, &v);
	assert_int_equal(v.ninfected, 2);
	want_obj(&v, "z/a", AV_INFECTED, "Test.Mark,Test.Other");
	want_obj(&v, "z/b", AV_INFECTED, "Test.Other");
	verdict_free(&v);
	free(zip);
	db_close(&d);
}

/* test_containers - Container: and Intermediates: see the chain */
static void
test_containers(void **state)
{
	static const char	 zo[] = "x " ZIPONLY " x", zg[] = "y " ZIPGZ,
				 to[] = "z " TARONLY;
	struct mem		 m = { "f", zo, sizeof(zo) - 1 };
	struct db		 d;
	struct verdict		 v;
	uint8_t			*zip, *gz, *zip2;
	size_t			 l1, l2, l3;

	(void)state;
	db_open(&d, NULL);
	verdict_init(&v);
	/* at top level: nothing; in a zip: found */
	run(&d, zo, sizeof(zo) - 1, "zo", NULL, MATCH_ALL, &v);
	assert_int_equal(v.status, AV_CLEAN);
	zip = mkarc(ARCHIVE_FORMAT_ZIP, ARCHIVE_FILTER_NONE, NULL, &m, 1, &l1);
	run(&d, zip, l1, "z.zip", NULL, MATCH_ALL, &v);
	want_obj(&v, "z.zip/f", AV_INFECTED, "Test.ZipOnly");
	/* in a tar: not the container it wants */
	free(zip);
	zip = mkarc(ARCHIVE_FORMAT_TAR_USTAR, ARCHIVE_FILTER_NONE, NULL, &m, 1,
	    &l1);
	run(&d, zip, l1, "z.tar", NULL, MATCH_ALL, &v);
	assert_int_equal(v.status, AV_CLEAN);
	free(zip);

	/* ZIPGZ: only in a gzip stream inside a zip */
	m = (struct mem){ "g", zg, sizeof(zg) - 1 };
	gz = mkarc(ARCHIVE_FORMAT_RAW, ARCHIVE_FILTER_GZIP, NULL, &m, 1, &l2);
	run(&d, gz, l2, "g.gz", NULL, MATCH_ALL, &v);
	want_obj(&v, "g.gz/g", AV_CLEAN, NULL);
	m = (struct mem){ "g.gz", gz, l2 };
	zip2 = mkarc(ARCHIVE_FORMAT_ZIP, ARCHIVE_FILTER_NONE, NULL, &m, 1, &l3);
	run(&d, zip2, l3, "z.zip", NULL, MATCH_ALL, &v);
	want_obj(&v, "z.zip/g.gz", AV_CLEAN, NULL);
	want_obj(&v, "z.zip/g.gz/g", AV_INFECTED, "Test.ZipGz");
	free(gz);
	free(zip2);

	/* a .tar.gz is walked as one, but its members are in a tar */
	m = (struct mem){ "t", to, sizeof(to) - 1 };
	gz = mkarc(ARCHIVE_FORMAT_TAR_USTAR, ARCHIVE_FILTER_GZIP, NULL, &m, 1,
	    &l2);
	run(&d, gz, l2, "t.tar.gz", NULL, MATCH_ALL, &v);
	want_obj(&v, "t.tar.gz/t", AV_INFECTED, "Test.InTar");
	free(gz);
	verdict_free(&v);
	db_close(&d);
}

/* test_stream_names - a compressed stream's content, named by suffix */
static void
test_stream_names(void **state)
{
	static const char	 b[] = MARK;
	const struct mem	 m = { "ignored", b, sizeof(b) - 1 };
	static const struct {
		int		 filter;
		const char	*path, *child;
	} rows[] = {
		{ ARCHIVE_FILTER_GZIP, "x.exe.gz", "x.exe.gz/x.exe" },
		{ ARCHIVE_FILTER_BZIP2, "dir/y.bz2", "dir/y.bz2/y" },
		{ ARCHIVE_FILTER_XZ, "z.doc.xz", "z.doc.xz/z.doc" },
		{ ARCHIVE_FILTER_GZIP, "noext", "noext/-" },
		{ ARCHIVE_FILTER_ZSTD, "w.zst", "w.zst/w" },
		{ ARCHIVE_FILTER_LZ4, "v.lz4", "v.lz4/v" },
	};
	struct db		 d;
	struct verdict		 v;
	uint8_t			*s;
	size_t			 i, l;

	(void)state;
	db_open(&d, NULL);
	verdict_init(&v);
	for (i = 0; i < nitems(rows); i++) {
		s = mkarc(ARCHIVE_FORMAT_RAW, rows[i].filter, NULL, &m, 1, &l);
		/* a short stream may be stored: MATCH_ALL opens it anyway */
		run(&d, s, l, rows[i].path, NULL, MATCH_ALL, &v);
		want_obj(&v, rows[i].child, AV_INFECTED, "Test.Mark");
		free(s);
	}
	verdict_free(&v);
	db_close(&d);
}

/* test_limit_files - max_files counts every object of the input */
static void
test_limit_files(void **state)
{
	static const char	 c[] = "clean", b[] = MARK;
	struct mem		 m[6];
	struct scan_limits	 lim;
	struct db		 d;
	struct verdict		 v;
	uint8_t			*zip;
	size_t			 zlen, i;
	char			 names[6][8];

	(void)state;
	for (i = 0; i < 6; i++) {
		snprintf(names[i], sizeof(names[i]), "m%zu", i);
		m[i] = (struct mem){ names[i], i == 5 ? b : c,
		    i == 5 ? sizeof(b) - 1 : sizeof(c) - 1 };
	}
	db_open(&d, NULL);
	verdict_init(&v);
	zip = mkarc(ARCHIVE_FORMAT_ZIP, ARCHIVE_FILTER_NONE, NULL, m, 6,
	    &zlen);
	no_limits(&lim);
	run(&d, zip, zlen, "z", &lim, 0, &v);
	want_obj(&v, "z/m5", AV_INFECTED, "Test.Mark");
	lim.max_files = 4;	/* the zip and three members */
	run(&d, zip, zlen, "z", &lim, 0, &v);
	assert_int_equal(v.status, AV_NOTSCANNED);
	want_obj(&v, "z/m2", AV_CLEAN, NULL);
	assert_int_equal(find(&v, "z/m5"), -1);
	want_obj(&v, "z", AV_NOTSCANNED, "limit: files");
	lim.heuristics = 1;
	run(&d, zip, zlen, "z", &lim, 0, &v);
	assert_int_equal(v.status, AV_INFECTED);
	want_obj(&v, "z", AV_INFECTED, "Heuristics.Limits.Exceeded");
	verdict_free(&v);
	free(zip);
	db_close(&d);
}

/* test_limit_filesize - the head of a big object is scanned, and said so */
static void
test_limit_filesize(void **state)
{
	struct scan_limits	 lim;
	struct db		 d;
	struct verdict		 v;
	struct mem		 m;
	uint8_t			*big, *zip;
	size_t			 n = 200000, zlen;

	(void)state;
	assert_non_null(big = malloc(n));
	memset(big, 'a', n);
	memcpy(big + 150000, MARK, strlen(MARK));
	m = (struct mem){ "big", big, n };
	db_open(&d, NULL);
	verdict_init(&v);
	zip = mkarc(ARCHIVE_FORMAT_ZIP, ARCHIVE_FILTER_NONE, NULL, &m, 1,
	    &zlen);
	no_limits(&lim);
	run(&d, zip, zlen, "z", &lim, 0, &v);
	want_obj(&v, "z/big", AV_INFECTED, "Test.Mark");
	lim.max_filesize = 100000;	/* the marker is beyond */
	run(&d, zip, zlen, "z", &lim, 0, &v);
	assert_int_equal(v.status, AV_NOTSCANNED);
	want_obj(&v, "z/big", AV_NOTSCANNED, "limit: file size");
	lim.max_filesize = 160000;	/* the marker is inside */
	run(&d, zip, zlen, "z", &lim, 0, &v);
	want_obj(&v, "z/big", AV_INFECTED, "Test.Mark");
	/* the top-level input too */
	lim.max_filesize = 100000;
	run(&d, big, n, "raw", &lim, 0, &v);
	want_obj(&v, "raw", AV_NOTSCANNED, "limit: file size");
	verdict_free(&v);
	free(zip);
	free(big);
	db_close(&d);
}

/* test_limit_scansize - the bytes of all objects together */
static void
test_limit_scansize(void **state)
{
	struct scan_limits	 lim;
	struct db		 d;
	struct verdict		 v;
	struct mem		 m[3];
	uint8_t			*fill, *zip;
	size_t			 zlen;
	static const char	 b[] = MARK;

	(void)state;
	assert_non_null(fill = malloc(100000));
	memset(fill, 'f', 100000);
	m[0] = (struct mem){ "f1", fill, 100000 };
	m[1] = (struct mem){ "f2", fill, 100000 };
	m[2] = (struct mem){ "evil", b, sizeof(b) - 1 };
	db_open(&d, NULL);
	verdict_init(&v);
	zip = mkarc(ARCHIVE_FORMAT_ZIP, ARCHIVE_FILTER_NONE, NULL, m, 3,
	    &zlen);
	no_limits(&lim);
	run(&d, zip, zlen, "z", &lim, 0, &v);
	want_obj(&v, "z/evil", AV_INFECTED, "Test.Mark");
	lim.max_scansize = zlen + 150000;	/* f2 no longer fits */
	run(&d, zip, zlen, "z", &lim, 0, &v);
	assert_int_equal(v.status, AV_NOTSCANNED);
	assert_int_equal(v.ninfected, 0);
	verdict_free(&v);
	free(zip);
	free(fill);
	db_close(&d);
}

/* test_limit_ratio - a member far bigger than its archive is a bomb */
static void
test_limit_ratio(void **state)
{
	struct scan_limits	 lim;
	struct db		 d;
	struct verdict		 v;
	struct mem		 m;
	uint8_t			*zeros, *zip;
	size_t			 n = 8 << 20, zlen;

	(void)state;
	assert_non_null(zeros = calloc(1, n));
	memcpy(zeros + n - 100, MARK, strlen(MARK));
	m = (struct mem){ "zeros", zeros, n };
	db_open(&d, NULL);
	verdict_init(&v);
	zip = mkarc(ARCHIVE_FORMAT_ZIP, ARCHIVE_FILTER_NONE, NULL, &m, 1,
	    &zlen);
	no_limits(&lim);
	run(&d, zip, zlen, "bomb.zip", &lim, 0, &v);
	want_obj(&v, "bomb.zip/zeros", AV_INFECTED, "Test.Mark");
	lim.max_ratio = 100;
	run(&d, zip, zlen, "bomb.zip", &lim, 0, &v);
	assert_int_equal(v.status, AV_NOTSCANNED);
	assert_int_equal(v.ninfected, 0);
	want_obj(&v, "bomb.zip", AV_NOTSCANNED, "limit: compression ratio");
	/* the member is cut where the ratio is reached, and says why */
	want_obj(&v, "bomb.zip/zeros", AV_NOTSCANNED,
	    "limit: compression ratio");
	assert_true(v.obj[find(&v, "bomb.zip/zeros")].size < n);
	verdict_free(&v);
	free(zip);
	free(zeros);
	db_close(&d);
}

/* test_limit_time - a walk that cannot finish in time stops */
static void
test_limit_time(void **state)
{
	struct scan_limits	 lim;
	struct db		 d;
	struct verdict		 v;
	struct mem		 m[400];
	uint8_t			*blob, *zip;
	size_t			 zlen, i, n = 64 << 10;
	char			 names[400][8];

	(void)state;
	/*
	 * 400 members of 64 KiB, 25 MiB in all: no machine scans them in
	 * a millisecond, so the limit must stop the walk
	 */
	assert_non_null(blob = malloc(n));
	for (i = 0; i < n; i++)
		blob[i] = (uint8_t)(i * 2654435761u >> 13);
	for (i = 0; i < nitems(m); i++) {
		snprintf(names[i], sizeof(names[i]), "%zu", i);
		m[i] = (struct mem){ names[i], blob, n };
	}
	db_open(&d, NULL);
	verdict_init(&v);
	zip = mkarc(ARCHIVE_FORMAT_ZIP, ARCHIVE_FILTER_NONE, NULL, m,
	    nitems(m), &zlen);
	no_limits(&lim);
	run(&d, zip, zlen, "z", &lim, 0, &v);
	assert_int_equal(v.status, AV_CLEAN);
	assert_int_equal(v.nobj, 1 + nitems(m));
	lim.max_time = 1;
	run(&d, zip, zlen, "z", &lim, 0, &v);
	assert_int_equal(v.status, AV_NOTSCANNED);
	assert_true(v.nobj < 1 + nitems(m));
	assert_int_equal(strcmp(verdict_reason(&v, v.nobj - 1),
	    "limit: time"), 0);
	verdict_free(&v);
	free(zip);
	free(blob);
	db_close(&d);
}

/* test_encrypted - a password-protected member is not scanned */
static void
test_encrypted(void **state)
{
	static const char	 b[] = MARK, c[] = "clean";
	const struct mem	 m[] = {
		{ "secret.exe", b, sizeof(b) - 1 },
		{ "other", c, sizeof(c) - 1 },
	};
	struct scan_limits	 lim;
	struct db		 d;
	struct verdict		 v;
	uint8_t			*zip;
	size_t			 zlen;

	(void)state;
	db_open(&d, NULL);
	verdict_init(&v);
	zip = mkarc(ARCHIVE_FORMAT_ZIP, ARCHIVE_FILTER_NONE,
	    "zip:encryption=zipcrypt", m, 2, &zlen);
	run(&d, zip, zlen, "e.zip", NULL, 0, &v);
	assert_int_equal(v.status, AV_NOTSCANNED);
	want_obj(&v, "e.zip/secret.exe", AV_NOTSCANNED, "encrypted");
	/* said once, of the members, not again of the archive */
	want_obj(&v, "e.zip", AV_CLEAN, NULL);
	scan_limits_default(&lim);
	lim.heuristics = 1;
	run(&d, zip, zlen, "e.zip", &lim, 0, &v);
	assert_int_equal(v.status, AV_INFECTED);
	assert_int_equal(v.ninfected, 1);
	want_obj(&v, "e.zip/secret.exe", AV_INFECTED,
	    "Heuristics.Encrypted.Zip");
	verdict_free(&v);
	free(zip);
	db_close(&d);
}

/* test_corrupt - damage stops the archive, not what came before it */
static void
test_corrupt(void **state)
{
	static const char	 b[] = MARK, c[] = "some clean text";
	const struct mem	 m[] = {
		{ "first", b, sizeof(b) - 1 },
		{ "second", c, sizeof(c) - 1 },
	};
	struct db		 d;
	struct verdict		 v;
	uint8_t			*tgz;
	size_t			 len, cut;
	const char		*r;

	(void)state;
	db_open(&d, NULL);
	verdict_init(&v);
	tgz = mkarc(ARCHIVE_FORMAT_TAR_USTAR, ARCHIVE_FILTER_NONE, NULL, m, 2,
	    &len);
	/* cut inside the second member's header */
	cut = 512 + 512 + 100;
	assert_true(cut < len);
	run(&d, tgz, cut, "t.tar", NULL, MATCH_ALL, &v);
	want_obj(&v, "t.tar/first", AV_INFECTED, "Test.Mark");
	/* the tar holds the marker as it is: infected, and corrupt */
	assert_int_equal(v.obj[0].status, AV_INFECTED);
	r = verdict_reason(&v, 0);
	assert_non_null(r);
	if (strncmp(r, "corrupt", 7) != 0)
		fail_msg("reason: %s", r);
	/* every cut: never an error, never a crash */
	for (cut = 0; cut < len; cut += 37)
		run(&d, tgz, cut, "t.tar", NULL, MATCH_ALL, &v);
	verdict_free(&v);
	free(tgz);
	db_close(&d);
}

/* test_allowlist - an allow-listed archive is not opened */
static void
test_allowlist(void **state)
{
	static const char	 b[] = MARK;
	const struct mem	 m = { "evil", b, sizeof(b) - 1 };
	struct db		 d;
	struct verdict		 v;
	uint8_t			*zip, md[32];
	size_t			 zlen, i;
	char			 fp[128];

	(void)state;
	zip = mkarc(ARCHIVE_FORMAT_ZIP, ARCHIVE_FILTER_NONE, NULL, &m, 1,
	    &zlen);
	assert_int_equal(digest_buf(DIGEST_MD5, zip, zlen, md), 0);
	for (i = 0; i < 16; i++)
		sprintf(fp + 2 * i, "%02x", md[i]);
	snprintf(fp + 32, sizeof(fp) - 32, ":%zu:Allow.Zip\n", zlen);
	db_open(&d, fp);
	verdict_init(&v);
	run(&d, zip, zlen, "ok.zip", NULL, 0, &v);
	assert_int_equal(v.status, AV_CLEAN);
	assert_int_equal(v.nobj, 1);
	verdict_free(&v);
	free(zip);
	db_close(&d);
}

/* test_mail - parts, encodings, file names, forwarded messages, mbox */
static void
test_mail(void **state)
{
	static const char mail[] =
	    "From: a@example.org\r\n"
	    "To: b@example.org\r\n"
	    "Subject: invoice\r\n"
	    "MIME-Version: 1.0\r\n"
	    "Content-Type: multipart/mixed; boundary=\"XX\"\r\n"
	    "\r\n"
	    "--XX\r\n"
	    "Content-Type: text/plain\r\n"
	    "\r\n"
	    "Please find attached.\r\n"
	    "--XX\r\n"
	    "Content-Type: application/octet-stream\r\n"
	    "Content-Disposition: attachment;\r\n"
	    " filename=\"=?UTF-8?B?ZsOkY3R1cmUuZXhl?=\"\r\n"
	    "Content-Transfer-Encoding: base64\r\n"
	    "\r\n"
	    /* base64 of MARK */
	    "VklHSUwtVU5JVC1NQVJLRVItMDEyMzQ1Njc4OQ==\r\n"
	    "--XX\r\n"
	    "Content-Type: message/rfc822\r\n"
	    "\r\n"
	    "Subject: fwd\r\n"
	    "Content-Type: multipart/mixed; boundary=YY\r\n"
	    "\r\n"
	    "--YY\r\n"
	    "Content-Type: text/plain\r\n"
	    "Content-Transfer-Encoding: quoted-printable\r\n"
	    "\r\n"
	    "VIGIL-UNIT-OTHER=\r\n"
	    "-9876543210\r\n"
	    "--YY--\r\n"
	    "--XX--\r\n";
	static const char single[] =
	    "Subject: one\n"
	    "Content-Transfer-Encoding: base64\n"
	    "\n"
	    "VklHSUwtVU5JVC1NQVJLRVItMDEyMzQ1Njc4OQ==\n";
	struct db	 d;
	struct verdict	 v;
	struct buf	 mbox;

	(void)state;
	db_open(&d, NULL);
	verdict_init(&v);
	run(&d, mail, sizeof(mail) - 1, "m.eml", NULL, MATCH_ALL, &v);
	want_obj(&v, "m.eml", AV_CLEAN, NULL);
	want_obj(&v, "m.eml/1", AV_CLEAN, NULL);
	want_obj(&v, "m.eml/2:f\xc3\xa4" "cture.exe", AV_INFECTED,
	    "Test.Mark");
	want_obj(&v, "m.eml/3/1", AV_INFECTED, "Test.Other");
	assert_int_equal(v.obj[0].type, FT_MAIL);

	/* a message that is not multipart: its body is part 1 */
	run(&d, single, sizeof(single) - 1, "s.eml", NULL, 0, &v);
	want_obj(&v, "s.eml/1", AV_INFECTED, "Test.Mark");

	/* an mbox: messages are numbered first */
	buf_init(&mbox);
	buf_add(&mbox, "From a@b Mon Jan  1 00:00:00 2024\n", 34);
	buf_add(&mbox, "Subject: clean\n\nhello\n\n", 23);
	buf_add(&mbox, "From a@b Mon Jan  1 00:00:00 2024\n", 34);
	buf_add(&mbox, single, sizeof(single) - 1);
	assert_false(mbox.failed);
	run(&d, mbox.data, mbox.len, "box", NULL, 0, &v);
	want_obj(&v, "box/2/1", AV_INFECTED, "Test.Mark");
	buf_clear(&mbox);

	/* the recursion limit applies to mail as to archives */
	{
		struct scan_limits	 lim;

		scan_limits_default(&lim);
		lim.max_depth = 1;
		run(&d, mail, sizeof(mail) - 1, "m.eml", &lim, MATCH_ALL, &v);
		assert_int_equal(v.ninfected, 2);
		lim.max_depth = 0;	/* 0: no limit at all */
		run(&d, mail, sizeof(mail) - 1, "m.eml", &lim, MATCH_ALL, &v);
		assert_int_equal(v.ninfected, 2);
	}
	verdict_free(&v);
	db_close(&d);
}

/* test_mail_parts - a message with 200 parts, all of them scanned */
static void
test_mail_parts(void **state)
{
	struct db	 d;
	struct verdict	 v;
	struct buf	 b;
	char		 line[128], path[32];
	int		 i, n;

	(void)state;
	buf_init(&b);
	n = snprintf(line, sizeof(line),
	    "From: a@example.org\n"
	    "Content-Type: multipart/mixed; boundary=b\n\n");
	buf_add(&b, line, n);
	for (i = 1; i < 200; i++) {
		n = snprintf(line, sizeof(line), "--b\n\npart %d\n", i);
		buf_add(&b, line, n);
	}
	/* the last one hides the marker from a scan of the whole message */
	n = snprintf(line, sizeof(line), "--b\n"
	    "Content-Transfer-Encoding: base64\n\n"
	    "VklHSUwtVU5JVC1NQVJLRVItMDEyMzQ1Njc4OQ==\n");
	buf_add(&b, line, n);
	buf_add(&b, "--b--\n", 6);
	assert_false(b.failed);
	db_open(&d, NULL);
	verdict_init(&v);
	run(&d, b.data, b.len, "many", NULL, 0, &v);
	assert_int_equal(v.nobj, 201);
	snprintf(path, sizeof(path), "many/%d", 200);
	want_obj(&v, path, AV_INFECTED, "Test.Mark");
	verdict_free(&v);
	buf_clear(&b);
	db_close(&d);
}

/* test_text_decoders - uuencode in text, data: URIs in HTML */
static void
test_text_decoders(void **state)
{
	static const char uu[] =
	    "Some text before.\n"
	    "begin 644 evil.bin\n"
	    /* uuencoded MARK (28 bytes) */
	    "<5DE'24PM54Y)5\"U-05)+15(M,#$R,S0U-C<X.0``\n"
	    "`\n"
	    "end\n";
	static const char html[] =
	    "<html><body><img src=\"data:image/png;base64,aGVsbG8=\">\n"
	    "<a href=\"x-other:foo;base64,VklHSUwtVU5JVC1NQVJLRVItMDEyMzQ1"
	    "Njc4OQ==\">no</a>\n"
	    "<a href='DATA:application/octet-stream;name=a.exe;base64,"
	    "VklHSUwtVU5JVC1N\nQVJLRVItMDEyMzQ1Njc4OQ=='>x</a></body></html>\n";
	struct db	 d;
	struct verdict	 v;

	(void)state;
	db_open(&d, NULL);
	verdict_init(&v);
	run(&d, uu, sizeof(uu) - 1, "note.txt", NULL, 0, &v);
	want_obj(&v, "note.txt/evil.bin", AV_INFECTED, "Test.Mark");
	/* base64 data: URIs in HTML; not after any other scheme */
	run(&d, html, sizeof(html) - 1, "p.html", NULL, MATCH_ALL, &v);
	want_obj(&v, "p.html/data:1", AV_CLEAN, NULL);
	want_obj(&v, "p.html/data:2", AV_INFECTED, "Test.Mark");
	assert_int_equal(v.nobj, 3);
	verdict_free(&v);
	db_close(&d);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain),
		cmocka_unit_test(test_zip_paths),
		cmocka_unit_test(test_nested),
		cmocka_unit_test(test_all_match),
		cmocka_unit_test(test_containers),
		cmocka_unit_test(test_stream_names),
		cmocka_unit_test(test_limit_files),
		cmocka_unit_test(test_limit_filesize),
		cmocka_unit_test(test_limit_scansize),
		cmocka_unit_test(test_limit_ratio),
		cmocka_unit_test(test_limit_time),
		cmocka_unit_test(test_encrypted),
		cmocka_unit_test(test_corrupt),
		cmocka_unit_test(test_allowlist),
		cmocka_unit_test(test_mail),
		cmocka_unit_test(test_mail_parts),
		cmocka_unit_test(test_text_decoders),
	};

	return cmocka_run_group_tests_name("pipeline", tests, NULL, NULL);
}
