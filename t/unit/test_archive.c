/*
 * test_archive.c - unit tests for workers/archive.c
 *
 * Fixtures are made at test time, in a directory from mkdtemp(3) that is
 * removed afterwards, with the Debian tools of each format (zip, 7z, tar,
 * cpio, bsdtar, gcab, ar, and the single-stream compressors); a row whose
 * tool is missing is skipped with a message saying which.  The source
 * files are written here: a short text, 3000 bytes of noise in a
 * subdirectory, 200000 bytes of compressible text (past the walker's
 * first 64 KiB buffer) and an empty file, with a directory, a symbolic
 * link, a hard link and a FIFO that must be skipped.  Every member is
 * compared byte for byte with its source, in archive order.  LHA has no
 * tool in Debian main: a stored (-lh0-) level 0 archive is written by a
 * small encoder below.  RAR has none either, and Debian's
 * clamav-testfiles holds no RAR file: RAR is not tested here.  The
 * clamav-testfiles archives (skipped when the package is absent) must
 * each give clam.exe.  Then damage (cuts, flipped bytes), encryption,
 * unsupported methods, every limit, a nested 42.zip-style bomb and
 * names with control characters.
 */
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "workers/archive.h"

#ifndef CLAMDIR
#define CLAMDIR		"/usr/share/clamav-testfiles"
#endif
#define nitems(a)	(sizeof(a) / sizeof((a)[0]))
#define MAXGOT		64
#define BLEN		3000
#define CLEN		200000
#define ZEROS		"50M"		/* the ratio bomb's zeros */
/* long path component of the tar long-name rows: 150 bytes */
#define LONGNAME	"n123456789n123456789n123456789n123456789n123456789" \
	"n123456789n123456789n123456789n123456789n123456789" \
	"n123456789n123456789n123456789n123456789n12345.txt"

/* what one walk delivered */
struct got {
	uint32_t	 n;
	uint64_t	 total;
	int		 stop_at;	/* callback stops at this member, or -1 */
	struct member {
		char	 name[ARC_MAXNAME];
		uint8_t	*data;
		size_t	 len;
		int	 encrypted;
		int	 truncated;
		int	 damaged;
	}		 m[MAXGOT];
};

/* a format: how to make "out" in the fixture directory, what it holds */
static const struct fcase {
	const char	*name;
	const char	*tools;		/* commands it needs */
	const char	*cmd;
	const char	*want[6];	/* member names, in order */
	const char	*from[6];	/* their sources (NULL: the name) */
} fcases[] = {
#define STD	{ "a.txt", "d/b.txt", "c.bin", "e.txt" }
#define FILES	"a.txt d c.bin e.txt lnk"
	{ "zip stored", "zip", "zip -q -y -0 -r out " FILES, STD, { 0 } },
	{ "zip deflate", "zip", "zip -q -y -r out " FILES, STD, { 0 } },
	{ "zip bzip2", "zip", "zip -q -y -Z bzip2 -r out " FILES, STD, { 0 } },
	{ "zip lzma (7z)", "7z", "7z a -bd -bso0 -tzip -mm=LZMA out.zip "
	    "a.txt c.bin && mv out.zip out", { "a.txt", "c.bin" }, { 0 } },
	{ "zip ppmd (7z)", "7z", "7z a -bd -bso0 -tzip -mm=PPMd out.zip "
	    "a.txt c.bin && mv out.zip out", { "a.txt", "c.bin" }, { 0 } },
	{ "zip64 (zip -fz)", "zip", "zip -q -y -fz -r out " FILES, STD,
	    { 0 } },
	{ "zip data descriptor (zip - from stdin)", "zip",
	    "zip -q - - < c.bin > out", { "-" }, { "c.bin" } },
	{ "7z lzma2", "7z", "7z a -bd -bso0 out.7z " FILES " && mv out.7z out",
	    { "e.txt", "a.txt", "c.bin", "d/b.txt" }, { 0 } },
	{ "7z bzip2 not solid", "7z", "7z a -bd -bso0 -m0=bzip2 -ms=off "
	    "out.7z a.txt c.bin && mv out.7z out", { "a.txt", "c.bin" },
	    { 0 } },
	{ "7z via bsdtar", "bsdtar", "bsdtar --format=7zip -cf out a.txt d "
	    "c.bin", { "a.txt", "d/b.txt", "c.bin" }, { 0 } },
	{ "cab", "gcab", "gcab -c out a.txt d/b.txt c.bin e.txt", STD, { 0 } },
	{ "cab mszip", "gcab", "gcab -z -c out a.txt d/b.txt c.bin", {
	    "a.txt", "d/b.txt", "c.bin" }, { 0 } },
#define CPIO(f) "printf 'a.txt\\nd\\nd/b.txt\\nc.bin\\ne.txt\\nlnk\\n' | " \
	    "cpio -o --quiet -H " f " > out"
	{ "cpio bin (little-endian)", "cpio", CPIO("bin"), STD, { 0 } },
	{ "cpio odc", "cpio", CPIO("odc"), STD, { 0 } },
	{ "cpio newc", "cpio", CPIO("newc"), STD, { 0 } },
	{ "cpio crc", "cpio", CPIO("crc"), STD, { 0 } },
	{ "cpio odc (bsdtar)", "bsdtar", "bsdtar --format=odc -cf out "
	    FILES, STD, { 0 } },
	{ "cpio pwb (bsdtar)", "bsdtar", "bsdtar --format=pwb -cf out a.txt "
	    "c.bin", { "a.txt", "c.bin" }, { 0 } },
#define TAR(f)	"tar --format=" f " -cf out " FILES " h fifo"
#define TARW	{ "a.txt", "d/b.txt", "c.bin", "e.txt", "h/x" }
	{ "tar v7", "tar", "tar --format=v7 -cf out " FILES " h", TARW,
	    { 0 } },
	{ "tar ustar", "tar", TAR("ustar"), TARW, { 0 } },
	{ "tar pax", "tar", TAR("pax"), TARW, { 0 } },
	{ "tar gnu", "tar", TAR("gnu"), TARW, { 0 } },
	{ "tar gnu long name", "tar", "tar --format=gnu -cf out long",
	    { "long/" LONGNAME }, { 0 } },
	{ "tar pax long name", "tar", "tar --format=pax -cf out long",
	    { "long/" LONGNAME }, { 0 } },
	{ "tar.gz", "tar gzip", "tar -czf out " FILES, STD, { 0 } },
	{ "tar.bz2", "tar bzip2", "tar -cjf out " FILES, STD, { 0 } },
	{ "tar.xz", "tar xz", "tar -cJf out " FILES, STD, { 0 } },
	{ "tar.zst", "tar zstd", "tar --zstd -cf out " FILES, STD, { 0 } },
	{ "tar.lz4", "tar lz4", "tar -cf - " FILES " | lz4 -q > out", STD,
	    { 0 } },
	{ "tar.Z", "tar compress", "tar -cZf out " FILES, STD, { 0 } },
	{ "tar.lz", "tar lzip", "tar --lzip -cf out " FILES, STD, { 0 } },
	{ "iso9660", "bsdtar", "bsdtar --format=iso9660 -cf out " FILES,
	    STD, { 0 } },
	{ "ar (binutils)", "ar", "ar rcD out a.txt c.bin e.txt",
	    { "a.txt", "c.bin", "e.txt" }, { 0 } },
	{ "ar bsd (bsdtar)", "bsdtar", "bsdtar --format=arbsd -cf out a.txt "
	    "c.bin e.txt", { "a.txt", "c.bin", "e.txt" }, { 0 } },
	{ "ar gnu (bsdtar)", "bsdtar", "bsdtar --format=argnu -cf out a.txt "
	    "c.bin e.txt", { "a.txt", "c.bin", "e.txt" }, { 0 } },
	{ "xar", "bsdtar", "bsdtar --format=xar -cf out " FILES, STD, { 0 } },
	{ "xar bzip2", "bsdtar", "bsdtar --format=xar --options "
	    "xar:compression=bzip2 -cf out " FILES, STD, { 0 } },
#define STREAM(t, c)	{ t, t, c " < c.bin > out", { "" }, { "c.bin" } }
	STREAM("gzip", "gzip -c"),
	STREAM("bzip2", "bzip2 -c"),
	STREAM("xz", "xz -c"),
	STREAM("lzma", "lzma -c"),
	STREAM("zstd", "zstd -q -c"),
	STREAM("lz4", "lz4 -q -c"),
	STREAM("compress", "compress -c"),
	STREAM("lzip", "lzip -c"),
	{ "gzip of text", "gzip", "gzip -c a.txt > out", { "" }, { "a.txt" } },
};

/* a clamav-testfiles archive: one member, clam.exe */
static const struct ccase {
	const char	*name;
	const char	*file;
	const char	*member;
} ccases[] = {
	{ "clam: zip", "clam.zip", "clam.exe" },
	{ "clam: zip bzip2", "clam.bz2.zip", "clam.exe" },
	{ "clam: 7z", "clam.7z", "clam.exe" },
	{ "clam: cab", "clam.cab", "clam.exe" },
	{ "clam: cpio bin big-endian", "clam.bin-be.cpio", "clam.exe" },
	{ "clam: cpio bin little-endian", "clam.bin-le.cpio", "clam.exe" },
	{ "clam: cpio odc", "clam.odc.cpio", "clam.exe" },
	{ "clam: cpio newc", "clam.newc.cpio", "clam.exe" },
	{ "clam: tar.gz", "clam.tar.gz", "clam.exe" },
	{ "clam: bzip2", "clam.exe.bz2", "" },
};

/* arc_clean() */
static const struct kcase {
	const char	*name;
	const char	*in;
	size_t		 size;
	const char	*want;
} kcases[] = {
	{ "clean: plain", "a/b.txt", 64, "a/b.txt" },
	{ "clean: controls", "a\001b\037c\177d\te\nf", 64, "a_b_c_d_e_f" },
	{ "clean: cut", "abcdef", 4, "abc" },
	{ "clean: size 1", "abc", 1, "" },
	{ "clean: cut before a 2-byte char", "ab\xc3\xa9", 4, "ab" },
	{ "clean: char fits", "ab\xc3\xa9", 5, "ab\xc3\xa9" },
	{ "clean: cut before a 4-byte char", "a\xf0\x9f\x98\x80z", 5, "a" },
	{ "clean: 4-byte char fits", "a\xf0\x9f\x98\x80z", 6,
	    "a\xf0\x9f\x98\x80" },
	{ "clean: continuation run cut where it is",
	    "\x80\x80\x80\x80\x80\x80", 5, "\x80\x80\x80\x80" },
	{ "clean: high bytes kept", "caf\xe9", 64, "caf\xe9" },
};

/* the nested bomb's walk: total and member budgets shared, like pipeline.c */
struct nest {
	uint64_t	 total_left;
	uint32_t	 files_left;
	uint32_t	 walks;
	uint32_t	 deepest;
	uint32_t	 depth;
	uint32_t	 limited;	/* walks ended by a limit */
};

static char	 dir[PATH_MAX];
static uint8_t	*bdata, *cdata;
static int	 fifo_ok;

static int	 rm_one(const char *, const struct stat *, int, struct FTW *);
static void	 put_file(const char *, const void *, size_t);
static uint8_t	*load(const char *, size_t *);
static int	 have(const char *);
static int	 need(const char *);
static int	 sh(const char *, ...) __attribute__((format(printf, 1, 2)));
static int	 collect(void *, const struct arc_entry *);
static int	 walk(const uint8_t *, size_t, const struct arc_limits *,
		    struct got *, struct arc_result *);
static void	 got_free(struct got *);
static void	 same_file(const struct member *, const char *);
static int	 find(const struct got *, const char *);
static uint8_t	*make(const char *, size_t *);
static void	 put16(uint8_t *, uint16_t);
static void	 put32(uint8_t *, uint32_t);
static uint16_t	 crc16(const uint8_t *, size_t);
static size_t	 lha_member(uint8_t *, const char *, const uint8_t *, size_t);
static double	 now(void);
static void	 check_damaged(const struct got *, const struct fcase *, int);
static const struct fcase *frow(const char *);
static void	 nest_walk(struct nest *, const uint8_t *, size_t);
static int	 nest_member(void *, const struct arc_entry *);

/* rm_one - nftw callback: remove one entry, depth first */
static int
rm_one(const char *path, const struct stat *st, int type, struct FTW *f)
{
	(void)st;
	(void)f;
	if (type == FTW_DP)
		return rmdir(path);
	return unlink(path);
}

/* put_file - create dir/rel with these bytes */
static void
put_file(const char *rel, const void *p, size_t n)
{
	char	 path[PATH_MAX];
	int	 fd;

	if (snprintf(path, sizeof(path), "%s/%s", dir, rel) >=
	    (int)sizeof(path))
		fail_msg("path too long");
	if ((fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644)) == -1)
		fail_msg("open(%s): %s", path, strerror(errno));
	if (n > 0 && write(fd, p, n) != (ssize_t)n)
		fail_msg("write(%s): %s", path, strerror(errno));
	close(fd);
}

/* load - the bytes of dir/rel (or an absolute path), NULL if absent */
static uint8_t *
load(const char *rel, size_t *len)
{
	char		 path[PATH_MAX];
	struct stat	 st;
	uint8_t		*p;
	int		 fd;

	if (snprintf(path, sizeof(path), "%s%s%s", rel[0] == '/' ? "" : dir,
	    rel[0] == '/' ? "" : "/", rel) >= (int)sizeof(path))
		fail_msg("path too long");
	if ((fd = open(path, O_RDONLY)) == -1)
		return NULL;
	if (fstat(fd, &st) == -1 || (p = malloc(st.st_size + 1)) == NULL)
		fail_msg("fstat/malloc %s", path);
	if (read(fd, p, st.st_size) != st.st_size)
		fail_msg("read(%s)", path);
	close(fd);
	*len = st.st_size;
	return p;
}

/* have - whether a command is on the PATH */
static int
have(const char *tool)
{
	char	 cmd[256];

	snprintf(cmd, sizeof(cmd), "command -v %s >/dev/null 2>&1", tool);
	return system(cmd) == 0;
}

/* need - whether all the tools are there; prints what is missing */
static int
need(const char *tools)
{
	char	 t[256], *s, *last;
	int	 ok = 1;

	snprintf(t, sizeof(t), "%s", tools);
	for (s = strtok_r(t, " ", &last); s != NULL;
	    s = strtok_r(NULL, " ", &last))
		if (!have(s)) {
			print_message("# skipped: %s is not installed\n", s);
			ok = 0;
		}
	return ok;
}

/* sh - run a shell command in the fixture directory: its exit status */
static int
sh(const char *fmt, ...)
{
	char	 cmd[4096];
	va_list	 ap;
	int	 n, st;

	n = snprintf(cmd, sizeof(cmd), "cd '%s' && (", dir);
	va_start(ap, fmt);
	n += vsnprintf(cmd + n, sizeof(cmd) - n, fmt, ap);
	va_end(ap);
	snprintf(cmd + n, sizeof(cmd) - n, ") >/dev/null 2>&1");
	st = system(cmd);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128;
}

/* make - run cmd (which writes "out") and load out */
static uint8_t *
make(const char *cmd, size_t *len)
{
	uint8_t	*p;

	if (sh("rm -f out out.zip && %s && { [ -e out ] || mv out.zip out; }",
	    cmd) != 0)
		fail_msg("fixture command failed: %s", cmd);
	if ((p = load("out", len)) == NULL)
		fail_msg("no output from: %s", cmd);
	return p;
}

/* collect - the callback: copy the member */
static int
collect(void *arg, const struct arc_entry *e)
{
	struct got	*g = arg;
	struct member	*m;

	assert_non_null(e->name);
	assert_non_null(e->data);
	assert_true(strlen(e->name) < ARC_MAXNAME);
	if (g->n < MAXGOT) {
		m = &g->m[g->n];
		snprintf(m->name, sizeof(m->name), "%s", e->name);
		m->data = malloc(e->len + 1);
		assert_non_null(m->data);
		memcpy(m->data, e->data, e->len);
		m->len = e->len;
		m->encrypted = e->encrypted;
		m->truncated = e->truncated;
		m->damaged = e->damaged;
	}
	g->total += e->len;
	return g->stop_at == (int)g->n++;
}

/* walk - arc_walk() into g, checking the counts */
static int
walk(const uint8_t *buf, size_t len, const struct arc_limits *lim,
    struct got *g, struct arc_result *res)
{
	int	 rc, stop_at = g->stop_at;

	memset(g, 0, sizeof(*g));
	g->stop_at = stop_at;
	rc = arc_walk(buf, len, lim, collect, g, res);
	if (rc == 0) {
		assert_int_equal(res->entries, g->n);
		assert_int_equal(res->total, g->total);
		assert_true((res->status == ARC_OK) ==
		    (res->reason[0] == '\0'));
	}
	return rc;
}

/* got_free - free the copies */
static void
got_free(struct got *g)
{
	uint32_t	 i;

	for (i = 0; i < g->n && i < MAXGOT; i++)
		free(g->m[i].data);
	g->n = 0;
}

/* same_file - the member holds exactly the file rel */
static void
same_file(const struct member *m, const char *rel)
{
	uint8_t	*p;
	size_t	 n;

	if ((p = load(rel, &n)) == NULL)
		fail_msg("no source %s", rel);
	if (m->len != n || (n > 0 && memcmp(m->data, p, n) != 0))
		fail_msg("member %s: %zu bytes, differs from %s (%zu bytes)",
		    m->name, m->len, rel, n);
	assert_false(m->truncated);
	assert_false(m->damaged);
	assert_false(m->encrypted);
	free(p);
}

/* find - the index of a member by name, or -1 */
static int
find(const struct got *g, const char *name)
{
	uint32_t	 i;

	for (i = 0; i < g->n && i < MAXGOT; i++)
		if (strcmp(g->m[i].name, name) == 0)
			return (int)i;
	return -1;
}

/* now - seconds, monotonic */
static double
now(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* group_setup - the fixture directory and its source files */
static int
group_setup(void **state)
{
	const char	*tmp = getenv("TMPDIR");
	uint32_t	 x = 12345;
	size_t		 i;

	(void)state;
	if (tmp == NULL || *tmp == '\0')
		tmp = "/tmp";
	if (snprintf(dir, sizeof(dir), "%s/vigil-test-archive.XXXXXX", tmp) >=
	    (int)sizeof(dir) || mkdtemp(dir) == NULL)
		return -1;
	if ((bdata = malloc(BLEN)) == NULL || (cdata = malloc(CLEN)) == NULL)
		return -1;
	for (i = 0; i < BLEN; i++) {
		x = x * 1103515245 + 12345;
		bdata[i] = x >> 16;
	}
	/* words from a small alphabet: compresses about 3 to 1 */
	for (i = 0; i < CLEN; i++) {
		x = x * 1103515245 + 12345;
		cdata[i] = (x >> 16) % 11 == 0 ? ' ' : "etaoinshrdlu"[(x >>
		    20) % 12];
	}
	if (sh("mkdir d h long && ln -s a.txt lnk") != 0)
		return -1;
	put_file("a.txt", "hello world\n", 12);
	put_file("d/b.txt", bdata, BLEN);
	put_file("c.bin", cdata, CLEN);
	put_file("e.txt", "", 0);
	put_file("h/x", "hard\n", 5);
	put_file("long/" LONGNAME, "long\n", 5);
	if (sh("ln h/x h/y") != 0)
		return -1;
	fifo_ok = sh("mkfifo fifo") == 0;
	if (!fifo_ok && sh("mkdir fifo") != 0)	/* tar still finds it */
		return -1;
	return 0;
}

/* group_teardown - remove the fixture directory */
static int
group_teardown(void **state)
{
	(void)state;
	free(bdata);
	free(cdata);
	if (dir[0] != '\0' && nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS)
	    == -1)
		return -1;
	dir[0] = '\0';
	return 0;
}

/* test_format - one format row: every member, in order, byte for byte */
static void
test_format(void **state)
{
	const struct fcase	*c = *state;
	struct arc_result	 res;
	struct got		 g;
	uint8_t			*buf;
	size_t			 len, i, n;

	if (!need(c->tools)) {
		skip();
		return;
	}
	buf = make(c->cmd, &len);
	g.stop_at = -1;
	assert_int_equal(walk(buf, len, NULL, &g, &res), 0);
	if (res.status != ARC_OK)
		fail_msg("%s: status %d (%s)", c->name, res.status,
		    res.reason);
	for (n = 0; n < nitems(c->want) && c->want[n] != NULL; n++)
		;
	if (g.n != n) {
		for (i = 0; i < g.n; i++)
			print_message("# got %s\n", g.m[i].name);
		fail_msg("%s: %u members, want %zu", c->name, g.n, n);
	}
	for (i = 0; i < n; i++) {
		assert_string_equal(g.m[i].name, c->want[i]);
		same_file(&g.m[i], c->from[i] != NULL ? c->from[i] :
		    c->want[i]);
	}
	/* again without a callback: same counts */
	assert_int_equal(arc_walk(buf, len, NULL, NULL, NULL, &res), 0);
	assert_int_equal(res.entries, n);
	assert_int_equal(res.total, g.total);
	got_free(&g);
	free(buf);
}

/* test_clam - a clamav-testfiles archive gives clam.exe */
static void
test_clam(void **state)
{
	const struct ccase	*c = *state;
	struct arc_result	 res;
	struct got		 g;
	char			 path[PATH_MAX];
	uint8_t			*buf, *exe;
	size_t			 len, elen;

	snprintf(path, sizeof(path), "%s/%s", CLAMDIR, c->file);
	if ((buf = load(path, &len)) == NULL ||
	    (exe = load(CLAMDIR "/clam.exe", &elen)) == NULL) {
		print_message("# skipped: %s (clamav-testfiles) is absent\n",
		    path);
		free(buf);
		skip();
		return;
	}
	g.stop_at = -1;
	assert_int_equal(walk(buf, len, NULL, &g, &res), 0);
	assert_int_equal(res.status, ARC_OK);
	assert_int_equal(g.n, 1);
	assert_string_equal(g.m[0].name, c->member);
	assert_int_equal(g.m[0].len, elen);
	assert_memory_equal(g.m[0].data, exe, elen);
	got_free(&g);
	free(exe);
	free(buf);
}

/* test_clean - one arc_clean() row */
static void
test_clean(void **state)
{
	const struct kcase	*c = *state;
	char			 out[80];

	memset(out, 0x5a, sizeof(out));
	arc_clean(out, c->size, c->in);
	assert_string_equal(out, c->want);
	assert_int_equal((uint8_t)out[c->size], 0x5a);
}

/* put16, put32 - little-endian stores */
static void
put16(uint8_t *p, uint16_t v)
{
	p[0] = v & 0xff;
	p[1] = v >> 8;
}

static void
put32(uint8_t *p, uint32_t v)
{
	put16(p, v & 0xffff);
	put16(p + 2, v >> 16);
}

/* crc16 - CRC-16/ARC (reflected 0x8005), as LHA uses it */
static uint16_t
crc16(const uint8_t *p, size_t n)
{
	uint16_t	 crc = 0;
	int		 k;

	while (n-- > 0) {
		crc ^= *p++;
		for (k = 0; k < 8; k++)
			crc = crc & 1 ? (crc >> 1) ^ 0xa001 : crc >> 1;
	}
	return crc;
}

/*
 * lha_member - an LHA level 0 header and stored (-lh0-) data at out: its
 * length
 */
static size_t
lha_member(uint8_t *out, const char *name, const uint8_t *data, size_t len)
{
	size_t	 nl = strlen(name), hs = 22 + nl, i;
	uint8_t	 sum = 0;

	out[0] = (uint8_t)hs;
	memcpy(out + 2, "-lh0-", 5);
	put32(out + 7, (uint32_t)len);
	put32(out + 11, (uint32_t)len);
	put32(out + 15, 0x5a8c6000);		/* 2025-04-12 12:00 DOS */
	out[19] = 0x20;				/* archive attribute */
	out[20] = 0;				/* level 0 */
	out[21] = (uint8_t)nl;
	memcpy(out + 22, name, nl);
	put16(out + 22 + nl, crc16(data, len));
	for (i = 2; i < 2 + hs; i++)
		sum += out[i];
	out[1] = sum;
	memcpy(out + 2 + hs, data, len);
	return 2 + hs + len;
}

/* test_lha - a stored LHA archive written here; a damaged CRC */
static void
test_lha(void **state)
{
	struct arc_result	 res;
	struct got		 g;
	uint8_t			*buf;
	size_t			 len = 0;

	(void)state;
	buf = malloc(CLEN + BLEN + 256);
	assert_non_null(buf);
	len += lha_member(buf + len, "a.txt", (const uint8_t *)"hello world\n",
	    12);
	len += lha_member(buf + len, "d\\b.txt", bdata, BLEN);
	len += lha_member(buf + len, "c.bin", cdata, CLEN);
	buf[len++] = 0;
	g.stop_at = -1;
	assert_int_equal(walk(buf, len, NULL, &g, &res), 0);
	assert_int_equal(res.status, ARC_OK);
	assert_int_equal(g.n, 3);
	assert_string_equal(g.m[0].name, "a.txt");
	same_file(&g.m[0], "a.txt");
	assert_string_equal(g.m[1].name, "d/b.txt");	/* from "d\b.txt" */
	same_file(&g.m[1], "d/b.txt");
	assert_string_equal(g.m[2].name, "c.bin");
	same_file(&g.m[2], "c.bin");
	got_free(&g);

	/* a flipped data byte in b.txt: delivered, damaged; the rest too */
	buf[200] ^= 0x01;	/* b.txt's data starts at 72 */
	assert_int_equal(walk(buf, len, NULL, &g, &res), 0);
	assert_int_equal(res.status, ARC_CORRUPT);
	assert_int_equal(g.n, 3);
	assert_true(g.m[1].damaged);
	assert_int_equal(g.m[1].len, BLEN);
	same_file(&g.m[2], "c.bin");
	got_free(&g);
	free(buf);
}

/* test_skipped - directories, links, FIFOs and hard links are not members */
static void
test_skipped(void **state)
{
	struct arc_result	 res;
	struct got		 g;
	uint8_t			*buf;
	size_t			 len;

	(void)state;
	if (!need("bsdtar")) {
		skip();
		return;
	}
	/* cpio newc with a hard link set: the data goes with the last name */
	buf = make("printf 'a.txt\\nh/x\\nh/y\\nlnk\\nd\\n' | "
	    "bsdtar --format=newc -cf out -T -", &len);
	g.stop_at = -1;
	assert_int_equal(walk(buf, len, NULL, &g, &res), 0);
	assert_int_equal(res.status, ARC_OK);
	assert_int_not_equal(find(&g, "a.txt"), -1);
	assert_int_equal(find(&g, "lnk"), -1);
	assert_int_equal(find(&g, "d"), -1);
	/* h/x and h/y: the content once, with the data */
	assert_true(find(&g, "h/x") != -1 || find(&g, "h/y") != -1);
	if (find(&g, "h/y") != -1)
		same_file(&g.m[find(&g, "h/y")], "h/x");
	got_free(&g);
	free(buf);

	if (fifo_ok) {
		/* with a ratio bound, skipped entries are drained: same */
		struct arc_limits	 lim = { 0, 0, 0, 10 };

		buf = make(TAR("pax"), &len);
		assert_int_equal(walk(buf, len, &lim, &g, &res), 0);
		assert_int_equal(res.status, ARC_OK);
		assert_int_equal(g.n, 5);
		assert_string_equal(g.m[4].name, "h/x");
		got_free(&g);
		free(buf);
	}
}

/* test_names - control characters, a long name cut, UTF-8 kept */
static void
test_names(void **state)
{
	struct arc_result	 res;
	struct got		 g;
	uint8_t			*buf;
	size_t			 len, i;
	char			 longdir[700];

	(void)state;
	if (!need("tar")) {
		skip();
		return;
	}
	put_file("ctl\001x\037y\177z\nw\\v.txt", "ctl\n", 4);
	put_file("caf\xc3\xa9.txt", "utf8\n", 5);
	/* 3 x 200 bytes of "é": a path of 600 bytes, cut at 511 */
	for (i = 0; i < 200; i += 2)
		memcpy(longdir + i, "\xc3\xa9", 2);
	longdir[200] = '\0';
	assert_int_equal(sh("mkdir -p n/%s/%s && echo deep > n/%s/%s/%s",
	    longdir, longdir, longdir, longdir, longdir), 0);
	buf = make("tar --no-unquote --format=pax -cf out ctl* caf* n", &len);
	g.stop_at = -1;
	assert_int_equal(walk(buf, len, NULL, &g, &res), 0);
	assert_int_equal(res.status, ARC_OK);
	assert_int_equal(g.n, 3);
	/* tar keeps the backslash; it becomes '/' too */
	assert_string_equal(g.m[0].name, "ctl_x_y_z_w/v.txt");
	assert_string_equal(g.m[1].name, "caf\xc3\xa9.txt");
	/* 2 + 3 * 201 bytes; the cut at 511 would split an "é": 510 */
	assert_int_equal(strlen(g.m[2].name), 510);
	assert_memory_equal(g.m[2].name, "n/\xc3\xa9", 4);
	assert_memory_equal(g.m[2].data, "deep\n", 5);
	got_free(&g);
	free(buf);
	sh("rm -rf n ctl* caf*");
}

/* test_encrypted - zip -P, a mixed zip, 7z -p, 7z -mhe=on */
static void
test_encrypted(void **state)
{
	struct arc_result	 res;
	struct got		 g;
	uint8_t			*buf;
	size_t			 len;

	(void)state;
	g.stop_at = -1;
	if (need("zip")) {
		buf = make("zip -q -P secret out a.txt c.bin", &len);
		assert_int_equal(walk(buf, len, NULL, &g, &res), 0);
		assert_int_equal(res.status, ARC_ENCRYPTED);
		assert_string_equal(res.reason, "encrypted");
		assert_int_equal(g.n, 2);
		assert_string_equal(g.m[0].name, "a.txt");
		assert_string_equal(g.m[1].name, "c.bin");
		assert_true(g.m[0].encrypted && g.m[1].encrypted);
		assert_int_equal(g.m[0].len + g.m[1].len, 0);
		got_free(&g);
		free(buf);

		/* one member encrypted, the next one not */
		buf = make("zip -q -P secret out a.txt && zip -q out c.bin",
		    &len);
		assert_int_equal(walk(buf, len, NULL, &g, &res), 0);
		assert_int_equal(res.status, ARC_ENCRYPTED);
		assert_int_equal(g.n, 2);
		assert_true(g.m[0].encrypted);
		same_file(&g.m[1], "c.bin");
		got_free(&g);
		free(buf);
	}
	if (need("7z")) {
		buf = make("7z a -bd -bso0 -psecret out.7z a.txt c.bin && "
		    "mv out.7z out", &len);
		assert_int_equal(walk(buf, len, NULL, &g, &res), 0);
		assert_int_equal(res.status, ARC_ENCRYPTED);
		assert_int_equal(g.n, 2);
		assert_true(g.m[0].encrypted && g.m[1].encrypted);
		got_free(&g);
		free(buf);

		buf = make("7z a -bd -bso0 -psecret -mhe=on out.7z a.txt c.bin "
		    "&& mv out.7z out", &len);
		assert_int_equal(walk(buf, len, NULL, &g, &res), 0);
		assert_int_equal(res.status, ARC_ENCRYPTED);
		assert_string_equal(res.reason, "encrypted");
		assert_int_equal(g.n, 0);
		free(buf);
	}
}

/*
 * check_damaged - after damage: every member is intact, or damaged or
 * truncated and (with prefix) a prefix of its source
 */
static void
check_damaged(const struct got *g, const struct fcase *c, int prefix)
{
	const char	*src;
	uint8_t		*p;
	size_t		 n;
	uint32_t	 i, k;

	for (i = 0; i < g->n && i < MAXGOT; i++) {
		for (k = 0; k < nitems(c->want) && c->want[k] != NULL; k++)
			if (strcmp(c->want[k], g->m[i].name) == 0)
				break;
		if (k == nitems(c->want) || c->want[k] == NULL)
			fail_msg("%s: unknown member \"%s\"", c->name,
			    g->m[i].name);
		src = c->from[k] != NULL ? c->from[k] : c->want[k];
		if (!g->m[i].damaged && !g->m[i].truncated) {
			same_file(&g->m[i], src);
			continue;
		}
		p = load(src, &n);
		assert_non_null(p);
		assert_true(g->m[i].len <= n);
		if (prefix && g->m[i].len > 0 &&
		    memcmp(p, g->m[i].data, g->m[i].len) != 0)
			fail_msg("%s: damaged %s is not a prefix", c->name,
			    src);
		free(p);
	}
}

/* the rows damaged by test_truncated and test_flipped */
static const char *const damaged_rows[] = {
	"zip stored", "zip deflate", "zip data descriptor (zip - from stdin)",
	"7z lzma2", "cpio newc", "tar ustar", "tar.gz", "tar.xz", "gzip",
	"xar", "cab mszip", "iso9660",
};

/* frow - the format row of that name */
static const struct fcase *
frow(const char *name)
{
	size_t	 i;

	for (i = 0; i < nitems(fcases); i++)
		if (strcmp(fcases[i].name, name) == 0)
			return &fcases[i];
	fail_msg("no row %s", name);
	return NULL;
}

/*
 * test_truncated - archives cut at several points: the members before the
 * cut are intact, the cut one a prefix (damaged), and ARC_CORRUPT
 */
static void
test_truncated(void **state)
{
	static const int	 eighths[] = { 1, 2, 3, 4, 5, 6, 7 };
	const struct fcase	*c;
	struct arc_result	 res;
	struct got		 g;
	uint8_t			*buf;
	size_t			 len, r, k, cut, n;

	(void)state;
	g.stop_at = -1;
	for (r = 0; r < nitems(damaged_rows); r++) {
		c = frow(damaged_rows[r]);
		if (!need(c->tools))
			continue;
		buf = make(c->cmd, &len);
		for (k = 0; k <= nitems(eighths); k++) {
			cut = k < nitems(eighths) ? len * eighths[k] / 8 :
			    len / 2 + 1;
			assert_int_equal(walk(buf, cut, NULL, &g, &res), 0);
			for (n = 0; n < nitems(c->want) &&
			    c->want[n] != NULL; n++)
				;
			/* a cut in the padding at the end (iso9660) */
			if (res.status == ARC_OK && g.n == n) {
				check_damaged(&g, c, 0);
				got_free(&g);
				continue;
			}
			if (res.status != ARC_CORRUPT)
				fail_msg("%s cut at %zu/%zu: status %d (%s)",
				    c->name, cut, len, res.status,
				    res.reason);
			check_damaged(&g, c, strcmp(c->name, "7z lzma2") != 0);
			/* past the middle, the first two members are there */
			if (cut >= len / 2 && c->want[1] != NULL &&
			    strncmp(c->name, "zip", 3) != 0 &&
			    strcmp(c->name, "7z lzma2") != 0 &&
			    strcmp(c->name, "iso9660") != 0) {
				assert_int_not_equal(find(&g, c->want[0]), -1);
				assert_int_not_equal(find(&g, c->want[1]), -1);
			}
			got_free(&g);
		}
		free(buf);
	}

	/*
	 * A tar cut inside its second header block: libarchive 3.6 says
	 * ARCHIVE_EOF there once the iso9660 bidder has read ahead.
	 */
	if (!need("tar"))
		return;
	buf = make("tar --format=ustar -cf out a.txt c.bin", &len);
	assert_int_equal(walk(buf, 512 + 512 + 100, NULL, &g, &res), 0);
	assert_int_equal(res.status, ARC_CORRUPT);
	assert_int_equal(g.n, 1);
	same_file(&g.m[0], "a.txt");
	got_free(&g);
	free(buf);
}

/*
 * test_flipped - archives with bytes flipped through them: no crash, every
 * member intact or marked, and a flip in a zip member's data (CRC) makes
 * it damaged, but delivered, with the other members intact
 */
static void
test_flipped(void **state)
{
	const struct fcase	*c;
	struct arc_result	 res;
	struct got		 g;
	uint8_t			*buf;
	size_t			 len, r, k, at;
	int			 i;

	(void)state;
	g.stop_at = -1;
	for (r = 0; r < nitems(damaged_rows); r++) {
		c = frow(damaged_rows[r]);
		if (!need(c->tools))
			continue;
		buf = make(c->cmd, &len);
		for (k = 1; k < 16; k++) {
			at = len * k / 16;
			buf[at] ^= 0x20;
			assert_int_equal(walk(buf, len, NULL, &g, &res), 0);
			/*
			 * A flip in metadata may go unnoticed, and tar,
			 * cpio, iso9660 and cab have no checksum of the
			 * data: only checksummed data must be right.  The
			 * gzip filter of libarchive 3.6 does not check the
			 * CRC in the trailer: a flip in a .gz or .tar.gz
			 * can give other data silently.
			 */
			if (res.status == ARC_OK && (strncmp(c->name, "zip",
			    3) == 0 || strcmp(c->name, "7z lzma2") == 0))
				check_damaged(&g, c, 0);
			got_free(&g);
			buf[at] ^= 0x20;
		}
		free(buf);
	}

	if (!need("zip"))
		return;
	/* stored zip: flip a byte inside c.bin's data */
	c = frow("zip stored");
	buf = make(c->cmd, &len);
	at = (uint8_t *)memmem(buf, len, cdata, 64) - buf + 1000;
	buf[at] ^= 0x01;
	assert_int_equal(walk(buf, len, NULL, &g, &res), 0);
	assert_int_equal(res.status, ARC_CORRUPT);
	assert_memory_equal(res.reason, "corrupt: ", 9);
	assert_int_equal(g.n, 4);
	i = find(&g, "c.bin");
	assert_true(g.m[i].damaged);
	assert_int_equal(g.m[i].len, CLEN);
	assert_int_equal(g.m[i].data[1000], cdata[1000] ^ 0x01);
	same_file(&g.m[find(&g, "a.txt")], "a.txt");
	same_file(&g.m[find(&g, "e.txt")], "e.txt");
	got_free(&g);
	free(buf);
}

/*
 * test_unsupported - a zip member in a method libarchive has not (18, IBM
 * TERSE, patched in): skipped and counted, the others delivered
 */
static void
test_unsupported(void **state)
{
	struct arc_result	 res;
	struct got		 g;
	uint8_t			*buf, *p;
	size_t			 len, n = 0;

	(void)state;
	if (!need("zip")) {
		skip();
		return;
	}
	buf = make("zip -q -0 out a.txt d/b.txt c.bin", &len);
	/* the method of d/b.txt, in its local and its central header */
	for (p = buf; (p = memmem(p, len - (p - buf), "d/b.txt", 7)) != NULL;
	    p += 7) {
		if (memcmp(p - 30, "PK\003\004", 4) == 0) {
			put16(p - 30 + 8, 18);
			n++;
		} else if (memcmp(p - 46, "PK\001\002", 4) == 0) {
			put16(p - 46 + 10, 18);
			n++;
		}
	}
	assert_int_equal(n, 2);
	g.stop_at = -1;
	assert_int_equal(walk(buf, len, NULL, &g, &res), 0);
	assert_int_equal(res.status, ARC_CORRUPT);
	assert_int_equal(res.unsupported, 1);
	assert_memory_equal(res.reason, "unsupported: ", 13);
	assert_int_equal(g.n, 2);
	same_file(&g.m[0], "a.txt");
	same_file(&g.m[1], "c.bin");
	got_free(&g);

	/* with real damage too, the reason is the damage */
	p = memmem(buf, len, cdata, 64);
	p[10] ^= 1;
	assert_int_equal(walk(buf, len, NULL, &g, &res), 0);
	assert_int_equal(res.status, ARC_CORRUPT);
	assert_int_equal(res.unsupported, 1);
	assert_memory_equal(res.reason, "corrupt: ", 9);
	got_free(&g);
	free(buf);
}

/* test_empty - archives without members are fine */
static void
test_empty(void **state)
{
	static const char *const cmds[] = {
		"printf 'PK\\005\\006' > out && head -c 18 /dev/zero >> out",
		"tar -cf out -T /dev/null",
		"cpio -o --quiet < /dev/null > out",
		"bsdtar --format=ar -cf out -T /dev/null",
		"tar -czf out -T /dev/null",
	};
	struct arc_result	 res;
	struct got		 g;
	uint8_t			*buf;
	size_t			 len, i;

	(void)state;
	g.stop_at = -1;
	for (i = 0; i < nitems(cmds); i++) {
		if (!have("tar") || !have("cpio") || !have("bsdtar")) {
			skip();
			return;
		}
		buf = make(cmds[i], &len);
		assert_int_equal(walk(buf, len, NULL, &g, &res), 0);
		if (res.status != ARC_OK || g.n != 0)
			fail_msg("%s: status %d (%s), %u members", cmds[i],
			    res.status, res.reason, g.n);
		free(buf);
	}
}

/* test_not_archive - text, noise, nothing: "corrupt: not an archive" */
static void
test_not_archive(void **state)
{
	static const char	 text[] = "Just some text, not an archive.\n";
	struct arc_result	 res;
	struct got		 g;
	uint8_t			*buf;
	size_t			 len;

	(void)state;
	g.stop_at = -1;
	assert_int_equal(walk((const uint8_t *)text, sizeof(text) - 1, NULL,
	    &g, &res), 0);
	assert_int_equal(res.status, ARC_CORRUPT);
	assert_string_equal(res.reason, "corrupt: not an archive");
	assert_int_equal(g.n, 0);
	assert_int_equal(walk(bdata, BLEN, NULL, &g, &res), 0);
	assert_int_equal(res.status, ARC_CORRUPT);
	assert_string_equal(res.reason, "corrupt: not an archive");
	assert_int_equal(walk(NULL, 0, NULL, &g, &res), 0);
	assert_int_equal(res.status, ARC_CORRUPT);
	assert_string_equal(res.reason, "corrupt: not an archive");
	assert_int_equal(walk(bdata, 0, NULL, &g, &res), 0);
	assert_string_equal(res.reason, "corrupt: not an archive");
	assert_int_equal(g.n, 0);
	if ((buf = load(CLAMDIR "/clam.arj", &len)) != NULL) {
		/* ARJ: libarchive has no reader */
		assert_int_equal(walk(buf, len, NULL, &g, &res), 0);
		assert_int_equal(res.status, ARC_CORRUPT);
		assert_int_equal(g.n, 0);
		free(buf);
	}
}

/* test_limits - max_entry, max_total, max_entries, the callback's stop */
static void
test_limits(void **state)
{
	struct arc_limits	 lim;
	struct arc_result	 res;
	struct got		 g;
	uint8_t			*buf;
	size_t			 len;

	(void)state;
	if (!need("tar")) {
		skip();
		return;
	}
	buf = make("tar -czf out a.txt d/b.txt c.bin e.txt", &len);
	g.stop_at = -1;

	/* max_entry: a prefix, marked; not a walk status */
	memset(&lim, 0, sizeof(lim));
	lim.max_entry = 1000;
	assert_int_equal(walk(buf, len, &lim, &g, &res), 0);
	assert_int_equal(res.status, ARC_OK);
	assert_int_equal(g.n, 4);
	same_file(&g.m[0], "a.txt");
	assert_true(g.m[1].truncated && g.m[2].truncated);
	assert_int_equal(g.m[1].len, 1000);
	assert_memory_equal(g.m[1].data, bdata, 1000);
	assert_int_equal(g.m[2].len, 1000);
	assert_memory_equal(g.m[2].data, cdata, 1000);
	assert_false(g.m[3].truncated);
	got_free(&g);

	/* exactly max_entry bytes: not truncated */
	lim.max_entry = BLEN;
	assert_int_equal(walk(buf, len, &lim, &g, &res), 0);
	same_file(&g.m[1], "d/b.txt");
	got_free(&g);

	/* max_total: c.bin cut at what is left, then ARC_LIMIT_TOTAL */
	memset(&lim, 0, sizeof(lim));
	lim.max_total = 5000;
	assert_int_equal(walk(buf, len, &lim, &g, &res), 0);
	assert_int_equal(res.status, ARC_LIMIT_TOTAL);
	assert_string_equal(res.reason, "limit: scan size");
	assert_int_equal(g.n, 3);
	assert_true(g.m[2].truncated);
	assert_int_equal(g.m[2].len, 5000 - 12 - BLEN);
	assert_memory_equal(g.m[2].data, cdata, g.m[2].len);
	assert_int_equal(res.total, 5000);
	got_free(&g);

	/* a total that is used up exactly: the empty e.txt still fits */
	lim.max_total = 12 + BLEN + CLEN;
	assert_int_equal(walk(buf, len, &lim, &g, &res), 0);
	assert_int_equal(res.status, ARC_OK);
	assert_int_equal(g.n, 4);
	got_free(&g);

	/* max_entries: two, then ARC_LIMIT_ENTRIES */
	memset(&lim, 0, sizeof(lim));
	lim.max_entries = 2;
	assert_int_equal(walk(buf, len, &lim, &g, &res), 0);
	assert_int_equal(res.status, ARC_LIMIT_ENTRIES);
	assert_string_equal(res.reason, "limit: files");
	assert_int_equal(g.n, 2);
	got_free(&g);
	lim.max_entries = 4;
	assert_int_equal(walk(buf, len, &lim, &g, &res), 0);
	assert_int_equal(res.status, ARC_OK);
	got_free(&g);

	/* the callback stops at the second member */
	g.stop_at = 1;
	assert_int_equal(walk(buf, len, NULL, &g, &res), 0);
	assert_int_equal(res.status, ARC_STOPPED);
	assert_string_equal(res.reason, "stopped");
	assert_int_equal(g.n, 2);
	got_free(&g);
	free(buf);
}

/*
 * test_ratio - 50 MB of zeros in a zip stop at the ratio bound, quickly and
 * without 50 MB of memory (checked under RLIMIT_AS when not sanitized)
 */
static void
test_ratio(void **state)
{
	struct arc_limits	 lim = { 0, 0, 0, 100 };
	struct arc_result	 res;
	struct got		 g;
	struct rlimit		 rl;
	uint8_t			*buf;
	size_t			 len;
	double			 t;
	pid_t			 pid;
	int			 st;
	long			 vm;
	FILE			*fp;

	(void)state;
	if (!need("zip tar")) {
		skip();
		return;
	}
	buf = make("head -c " ZEROS " /dev/zero > zeros && zip -q out zeros "
	    "&& rm zeros", &len);
	g.stop_at = -1;
	t = now();
	assert_int_equal(walk(buf, len, &lim, &g, &res), 0);
	t = now() - t;
	assert_int_equal(res.status, ARC_LIMIT_RATIO);
	assert_string_equal(res.reason, "limit: compression ratio");
	assert_int_equal(g.n, 1);
	assert_true(g.m[0].truncated);
	/* the bound: 100 times the zip, at least 1 MiB */
	assert_true(g.m[0].len <= (len * 100 > 1048576 ? len * 100 :
	    1048576));
	assert_true(t < 2.0);
	got_free(&g);

	/* a small max_entry does not hide the bomb */
	lim.max_entry = 4096;
	assert_int_equal(walk(buf, len, &lim, &g, &res), 0);
	assert_int_equal(res.status, ARC_LIMIT_RATIO);
	assert_int_equal(g.n, 1);
	assert_int_equal(g.m[0].len, 4096);
	got_free(&g);

#ifndef __SANITIZE_ADDRESS__
	/* in a child, with 30 MB of address space to spare */
	lim.max_entry = 0;
	fflush(NULL);
	if ((pid = fork()) == 0) {
		if ((fp = fopen("/proc/self/statm", "r")) == NULL ||
		    fscanf(fp, "%ld", &vm) != 1)
			_exit(3);
		fclose(fp);
		rl.rlim_cur = rl.rlim_max = vm * sysconf(_SC_PAGESIZE) +
		    30 * 1024 * 1024;
		if (setrlimit(RLIMIT_AS, &rl) == -1)
			_exit(3);
		if (arc_walk(buf, len, &lim, NULL, NULL, &res) != 0)
			_exit(1);
		_exit(res.status == ARC_LIMIT_RATIO ? 0 : 2);
	}
	assert_true(pid > 0);
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 0);
#else
	(void)rl;
	(void)pid;
	(void)st;
	(void)vm;
	(void)fp;
#endif
	free(buf);

	/* the same in a tar.gz, where skipping would inflate it all */
	lim.max_entry = 100;
	buf = make("head -c " ZEROS " /dev/zero > zeros && tar -czf out a.txt "
	    "zeros c.bin && rm zeros", &len);
	assert_int_equal(walk(buf, len, &lim, &g, &res), 0);
	assert_int_equal(res.status, ARC_LIMIT_RATIO);
	assert_int_equal(g.n, 2);
	got_free(&g);
	free(buf);
}

/* nest_walk - one level */
static void
nest_walk(struct nest *ns, const uint8_t *buf, size_t len)
{
	struct arc_limits	 lim;
	struct arc_result	 res;

	if (ns->depth >= 8 || ns->total_left == 0 || ns->files_left == 0)
		return;
	memset(&lim, 0, sizeof(lim));
	lim.max_entry = 25 * 1024 * 1024;
	lim.max_total = ns->total_left;
	lim.max_entries = ns->files_left;
	lim.max_ratio = 250;
	ns->walks++;
	ns->depth++;
	if (ns->depth > ns->deepest)
		ns->deepest = ns->depth;
	assert_int_equal(arc_walk(buf, len, &lim, nest_member, ns, &res), 0);
	if (res.status >= ARC_LIMIT_ENTRIES && res.status <= ARC_LIMIT_RATIO)
		ns->limited++;
	ns->depth--;
}

/* nest_member - count it, and open it when it is a zip */
static int
nest_member(void *arg, const struct arc_entry *e)
{
	struct nest	*ns = arg;

	ns->total_left -= e->len < ns->total_left ? e->len : ns->total_left;
	if (ns->files_left > 0)
		ns->files_left--;
	if (e->len >= 4 && memcmp(e->data, "PK\003\004", 4) == 0)
		nest_walk(ns, e->data, e->len);
	return ns->total_left == 0 || ns->files_left == 0;
}

/*
 * test_bomb_nested - 42.zip style: 4 levels of 16 zips, 20 MB of zeros at
 * the bottom (1.3 TB in all), walked level by level under shared budgets
 */
static void
test_bomb_nested(void **state)
{
	struct nest	 ns;
	struct rusage	 ru;
	uint8_t		*buf;
	size_t		 len;
	double		 t;

	(void)state;
	if (!need("zip")) {
		skip();
		return;
	}
	buf = make("mkdir -p bomb && cd bomb && head -c 20M /dev/zero > z && "
	    "zip -q -m l0.zip z && for l in 1 2 3 4; do "
	    "for i in 0 1 2 3 4 5 6 7 8 9 a b c d e f; do "
	    "ln l$((l - 1)).zip $i.bin; done; "
	    "zip -q -9 -m l$l.zip ?.bin && rm l$((l - 1)).zip; done && "
	    "mv l4.zip ../out && cd .. && rmdir bomb", &len);
	assert_true(len < 64 * 1024);	/* ".bin": zip stores ".zip" members */
	memset(&ns, 0, sizeof(ns));
	ns.total_left = 200 * 1024 * 1024;	/* clamd's MaxScanSize 200M */
	ns.files_left = 10000;
	t = now();
	nest_walk(&ns, buf, len);
	t = now() - t;
	getrusage(RUSAGE_SELF, &ru);
	print_message("# nested bomb: %zu bytes, %u walks, depth %u, "
	    "%u limited, %.2f s, max RSS %ld MB\n", len, ns.walks, ns.deepest,
	    ns.limited, t, ru.ru_maxrss / 1024);
	assert_int_equal(ns.deepest, 5);
	assert_true(ns.limited > 0);
	assert_true(ns.total_left == 0 || ns.files_left == 0 ||
	    ns.walks < 200);
	assert_true(t < 30.0);
	free(buf);
}

/* test_handles - the detected types arc_walk() opens */
static void
test_handles(void **state)
{
	(void)state;
	assert_true(arc_handles(FT_ZIP));
	assert_true(arc_handles(FT_7Z));
	assert_true(arc_handles(FT_RAR));
	assert_true(arc_handles(FT_CAB));
	assert_true(arc_handles(FT_TAR_POSIX));
	assert_true(arc_handles(FT_CPIO_OLD));
	assert_true(arc_handles(FT_ISO9660));
	assert_true(arc_handles(FT_XAR));
	assert_true(arc_handles(FT_LHA));
	assert_true(arc_handles(FT_GZ));
	assert_true(arc_handles(FT_COMPRESS));
	assert_false(arc_handles(FT_BINARY));
	assert_false(arc_handles(FT_MAIL));
}

#define ADD(tab, fn)	do {						\
	for (i = 0; i < nitems(tab); i++) {				\
		tests[n].name = tab[i].name;				\
		tests[n].test_func = fn;				\
		tests[n++].initial_state = (void *)&tab[i];		\
	}								\
} while (0)

/* main - every row and check as its own test */
/*
 * test_salvage - what a recovery tool would still read: a zip whose
 * central directory is damaged, by its local headers; a small tar.gz cut
 * short, whose libarchive filter would drop the only block it has
 */
static void
test_salvage(void **state)
{
	struct arc_result	 res;
	struct got		 g;
	uint8_t			*buf;
	size_t			 len;

	(void)state;
	g.stop_at = -1;
	if (need("zip")) {
		buf = make("zip -q -X out.zip a.txt c.bin && mv out.zip out",
		    &len);
		/* the central directory starts after both members */
		memset(buf + len - 60, 'J', 16);
		assert_int_equal(walk(buf, len, NULL, &g, &res), 0);
		assert_int_equal(res.status, ARC_CORRUPT);
		assert_int_equal(g.n, 2);
		same_file(&g.m[find(&g, "a.txt")], "a.txt");
		same_file(&g.m[find(&g, "c.bin")], "c.bin");
		got_free(&g);
		free(buf);
	}
	if (need("tar gzip")) {
		/* a.txt whole, then a cut inside c.bin (compressible) */
		buf = make("tar --format=ustar -cf - a.txt c.bin | gzip -c | "
		    "head -c 3000 > out", &len);
		assert_int_equal(walk(buf, len, NULL, &g, &res), 0);
		assert_int_equal(res.status, ARC_CORRUPT);
		assert_true(strncmp(res.reason, "corrupt: ", 9) == 0);
		assert_true(g.n >= 1);
		same_file(&g.m[0], "a.txt");
		check_damaged(&g, frow("tar.gz"), 1);
		got_free(&g);
		free(buf);
		if (need("xz")) {
			buf = make("tar --format=ustar -cf - a.txt c.bin | "
			    "xz -c | head -c 3000 > out", &len);
			assert_int_equal(walk(buf, len, NULL, &g, &res), 0);
			assert_int_equal(res.status, ARC_CORRUPT);
			assert_true(g.n >= 1);
			same_file(&g.m[0], "a.txt");
			check_damaged(&g, frow("tar.xz"), 1);
			got_free(&g);
			free(buf);
		}
		/* a single stream: its start, marked damaged */
		buf = make("gzip -c c.bin | head -c 3000 > out", &len);
		assert_int_equal(walk(buf, len, NULL, &g, &res), 0);
		assert_int_equal(res.status, ARC_CORRUPT);
		assert_int_equal(g.n, 1);
		assert_true(g.m[0].damaged);
		assert_true(g.m[0].len > 3000 && g.m[0].len < CLEN);
		assert_memory_equal(g.m[0].data, cdata, g.m[0].len);
		got_free(&g);
		free(buf);
	}
}

int
main(void)
{
	static struct CMUnitTest	 tests[nitems(fcases) + nitems(ccases) +
	    nitems(kcases) + 16];
	size_t				 i, n = 0;

	ADD(fcases, test_format);
	ADD(ccases, test_clam);
	ADD(kcases, test_clean);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_lha);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_skipped);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_names);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_encrypted);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_truncated);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_flipped);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_unsupported);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_empty);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_not_archive);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_limits);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_ratio);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_bomb_nested);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_handles);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_salvage);
	return _cmocka_run_group_tests("archive", tests, n, group_setup,
	    group_teardown);
}
