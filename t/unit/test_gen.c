/*
 * test_gen.c - unit tests for shm/gen.[ch]
 *
 * Real modules are compiled here (cset + sigsrc, as vigil-compile does)
 * and installed into a fresh base directory made with mkdtemp(3) for each
 * test and removed after it.  gen.h is the contract: gen_install() writes
 * gen-<serial>/NAME.vmod aside, flips the symlink "current" with
 * rename(2), refuses an existing serial and leaves no temporary files;
 * gen_open() accepts a base directory, a generation directory or a module
 * file, and on failure names the file in g->err; gen_next_serial() is
 * larger than every generation and at least the current time.
 */
#include <sys/stat.h>

#include <dirent.h>
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

#include "av/averr.h"
#include "shm/gen.h"
#include "signatures/cset.h"
#include "signatures/sigsrc.h"
#include "signatures/vmod.h"

#define nitems(a)	(sizeof(a) / sizeof((a)[0]))

/* Tests of known library bugs run only with VIGIL_TEST_BUGS set. */
#define KNOWN_BUG()	do {						\
		if (getenv("VIGIL_TEST_BUGS") == NULL)			\
			skip();						\
	} while (0)

#define MOD_A_SERIAL	5
#define MOD_B_SERIAL	9

/* Two small modules, compiled once for the whole group. */
static uint8_t	*mod_a, *mod_b;
static size_t	 mod_a_size, mod_b_size;

/* The base directory of the running test. */
static char	 base[PATH_MAX];

static int	 build_module(uint64_t, const char *, uint8_t **, size_t *);
static int	 group_setup(void **);
static int	 group_teardown(void **);
static int	 base_setup(void **);
static int	 base_teardown(void **);
static int	 rm_one(const char *, const struct stat *, int, struct FTW *);
static void	 at(char *, const char *);
static void	 write_file(const char *, const void *, size_t);
static void	 put_module(const char *, const uint8_t *, size_t, size_t,
		    int);
static void	 check_no_tmp(const char *);
static void	 check_current(const char *);
static void	 check_file(const char *, const uint8_t *, size_t);
static int	 install(uint64_t, const char *, const uint8_t *, size_t,
		    char *);
static void	 prep_notvmod(void);
static void	 prep_corrupt_body(void);
static void	 prep_corrupt_hdr(void);
static void	 prep_truncated(void);
static void	 prep_short(void);
static void	 prep_empty(void);
static void	 prep_text(void);
static void	 prep_good_bad(void);
static void	 prep_dangling(void);
static void	 prep_bad_current(void);
static void	 prep_toomany(void);
static void	 test_open_case(void **);
static void	 test_install_layout(void **);
static void	 test_install_two_modules(void **);
static void	 test_install_keep(void **);
static void	 test_install_flips(void **);
static void	 test_install_exists(void **);
static void	 test_install_creates_base(void **);
static void	 test_install_bad_names(void **);
static void	 test_install_bad_name_cleanup(void **);
static void	 test_install_empty_name(void **);
static void	 test_install_duplicate_names(void **);
static void	 test_open_base(void **);
static void	 test_open_gendir(void **);
static void	 test_open_file(void **);
static void	 test_open_order_and_filter(void **);
static void	 test_open_plain_dir(void **);
static void	 test_next_serial(void **);
static void	 test_next_serial_max(void **);

/*
 * gen_open() failures: prepare() lays out the base directory, then
 * gen_open(base/open) must fail with want_errno and g.err must name
 * base/errfile.
 */
static const struct open_case {
	const char	*name;
	void		(*prepare)(void);
	const char	*open;		/* relative to base; "" is base */
	int		 want_errno;
	const char	*errfile;	/* relative to base; "" is base */
} open_cases[] = {
	{ "open fails: missing path",		NULL,
	    "nonexistent",	ENOENT,		"nonexistent" },
	{ "open fails: empty directory",	NULL,
	    "",			ENOENT,		"" },
	{ "open fails: directory without *.vmod", prep_notvmod,
	    "",			ENOENT,		"" },
	{ "open fails: corrupted module in a directory", prep_corrupt_body,
	    "d",		AV_ECHECKSUM,	"d/x.vmod" },
	{ "open fails: corrupted header in a directory", prep_corrupt_hdr,
	    "d",		AV_ECHECKSUM,	"d/x.vmod" },
	{ "open fails: truncated module",	prep_truncated,
	    "d",		AV_ECORRUPT,	"d/x.vmod" },
	{ "open fails: shorter than a header",	prep_short,
	    "d",		AV_EMAGIC,	"d/x.vmod" },
	{ "open fails: empty module file",	prep_empty,
	    "d",		AV_EMAGIC,	"d/x.vmod" },
	{ "open fails: text file named .vmod",	prep_text,
	    "d",		AV_EMAGIC,	"d/x.vmod" },
	{ "open fails: good module, then a bad one", prep_good_bad,
	    "d",		AV_ECHECKSUM,	"d/z.vmod" },
	{ "open fails: corrupted module file opened directly",
	    prep_corrupt_body,
	    "d/x.vmod",		AV_ECHECKSUM,	"d/x.vmod" },
	{ "open fails: current points to a missing generation",
	    prep_dangling,
	    "",			ENOENT,		"gen-7" },
	{ "open fails: corrupted module behind current",
	    prep_bad_current,
	    "",			AV_ECHECKSUM,	"gen-7/x.vmod" },
	{ "open fails: more than GEN_MAXMODS modules", prep_toomany,
	    "d",		E2BIG,		"d" },
};

/* build_module - compile one small .ndb into a module image */
static int
build_module(uint64_t serial, const char *name, uint8_t **img, size_t *size)
{
	static const char	 ndb[] = "Test.Sig:0:*:41424344454647\n";
	struct cset_opts	 o;
	struct cset		*cs;
	int			 rc = -1;

	memset(&o, 0, sizeof(o));
	if ((cs = cset_new(&o)) == NULL)
		return -1;
	if (sigsrc_load_buffer(cs, "t.ndb", (const uint8_t *)ndb,
	    sizeof(ndb) - 1) == 0 && !cset_failed(cs) &&
	    cset_build(cs, serial, name, img, size) == 0)
		rc = 0;
	cset_free(cs);
	return rc;
}

/* group_setup - the modules every test installs */
static int
group_setup(void **state)
{
	(void)state;
	if (build_module(MOD_A_SERIAL, "a", &mod_a, &mod_a_size) == -1 ||
	    build_module(MOD_B_SERIAL, "b", &mod_b, &mod_b_size) == -1)
		return -1;
	/* the fixtures themselves must be valid */
	if (vmod_validate(mod_a, mod_a_size, 1) == -1 ||
	    vmod_validate(mod_b, mod_b_size, 1) == -1)
		return -1;
	return 0;
}

/* group_teardown - free the modules */
static int
group_teardown(void **state)
{
	(void)state;
	free(mod_a);
	free(mod_b);
	return 0;
}

/* base_setup - a fresh, empty base directory */
static int
base_setup(void **state)
{
	const char	*tmp = getenv("TMPDIR");

	(void)state;
	if (tmp == NULL || *tmp == '\0')
		tmp = "/tmp";
	if (snprintf(base, sizeof(base), "%s/vigil-test-gen.XXXXXX", tmp) >=
	    (int)sizeof(base) || mkdtemp(base) == NULL)
		return -1;
	return 0;
}

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

/* base_teardown - remove the base directory and everything in it */
static int
base_teardown(void **state)
{
	(void)state;
	if (base[0] != '\0' && nftw(base, rm_one, 16, FTW_DEPTH | FTW_PHYS)
	    == -1)
		return -1;
	base[0] = '\0';
	return 0;
}

/* at - base/rel ("" is base itself) */
static void
at(char *out, const char *rel)
{
	int	 n;

	if (*rel == '\0')
		n = snprintf(out, PATH_MAX, "%s", base);
	else
		n = snprintf(out, PATH_MAX, "%s/%s", base, rel);
	if (n < 0 || n >= PATH_MAX)
		fail_msg("path too long");
}

/* write_file - create base/rel with these bytes */
static void
write_file(const char *rel, const void *p, size_t n)
{
	char	 path[PATH_MAX];
	int	 fd;

	at(path, rel);
	if ((fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644)) == -1)
		fail_msg("open(%s): %s", path, strerror(errno));
	if (n > 0 && write(fd, p, n) != (ssize_t)n)
		fail_msg("write(%s): %s", path, strerror(errno));
	close(fd);
}

/*
 * put_module - write a module image as base/rel, keeping len bytes of it
 * and XORing byte flip (when >= 0) with 0x01.
 */
static void
put_module(const char *rel, const uint8_t *img, size_t size, size_t len,
    int flip)
{
	uint8_t	*copy;

	assert_true(len <= size);
	assert_non_null(copy = malloc(size));
	memcpy(copy, img, size);
	if (flip >= 0)
		copy[flip] ^= 0x01;
	write_file(rel, copy, len);
	free(copy);
}

/* check_no_tmp - no name containing ".tmp" anywhere under dir */
static void
check_no_tmp(const char *dir)
{
	DIR		*d;
	struct dirent	*de;
	char		 sub[PATH_MAX];
	struct stat	 st;

	assert_non_null(d = opendir(dir));
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		if (strstr(de->d_name, ".tmp") != NULL)
			fail_msg("temporary file left behind: %s/%s", dir,
			    de->d_name);
		snprintf(sub, sizeof(sub), "%s/%s", dir, de->d_name);
		if (lstat(sub, &st) == 0 && S_ISDIR(st.st_mode))
			check_no_tmp(sub);
	}
	closedir(d);
}

/* check_current - base/current is a symlink to target */
static void
check_current(const char *target)
{
	char		 cur[PATH_MAX], got[PATH_MAX];
	struct stat	 st;
	ssize_t		 n;

	at(cur, "current");
	assert_int_equal(lstat(cur, &st), 0);
	assert_true(S_ISLNK(st.st_mode));
	n = readlink(cur, got, sizeof(got) - 1);
	assert_true(n > 0);
	got[n] = '\0';
	assert_string_equal(got, target);
	/* and it resolves to a directory */
	assert_int_equal(stat(cur, &st), 0);
	assert_true(S_ISDIR(st.st_mode));
}

/* check_file - base/rel is a regular file holding exactly these bytes */
static void
check_file(const char *rel, const uint8_t *img, size_t size)
{
	char		 path[PATH_MAX];
	struct stat	 st;
	uint8_t		*got;
	int		 fd;

	at(path, rel);
	assert_int_equal(lstat(path, &st), 0);
	assert_true(S_ISREG(st.st_mode));
	assert_int_equal((size_t)st.st_size, size);
	assert_non_null(got = malloc(size));
	assert_true((fd = open(path, O_RDONLY)) != -1);
	assert_int_equal(read(fd, got, size), (ssize_t)size);
	close(fd);
	assert_memory_equal(got, img, size);
	free(got);
}

/* install - one module as a generation of base */
static int
install(uint64_t serial, const char *name, const uint8_t *img, size_t size,
    char *dir)
{
	const char	*names[1] = { name };
	const uint8_t	*imgs[1] = { img };
	size_t		 sizes[1] = { size };

	return gen_install(base, serial, names, imgs, sizes, 1, dir,
	    dir ? PATH_MAX : 0, 0);
}

/* test_install_layout - gen-<serial>/NAME.vmod, current, nothing else */
static void
test_install_layout(void **state)
{
	char		 dir[PATH_MAX], want[PATH_MAX];
	DIR		*d;
	struct dirent	*de;
	int		 n = 0;

	(void)state;
	assert_int_equal(install(100, "main", mod_a, mod_a_size, dir), 0);
	at(want, "gen-100");
	assert_string_equal(dir, want);
	check_file("gen-100/main.vmod", mod_a, mod_a_size);
	check_current("gen-100");
	check_no_tmp(base);
	/* the base holds exactly current and gen-100 */
	assert_non_null(d = opendir(base));
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		if (strcmp(de->d_name, "current") != 0 &&
		    strcmp(de->d_name, "gen-100") != 0)
			fail_msg("unexpected entry %s", de->d_name);
		n++;
	}
	closedir(d);
	assert_int_equal(n, 2);
}

/* test_install_two_modules - several modules in one generation */
static void
test_install_two_modules(void **state)
{
	const char	*names[2] = { "daily", "main" };
	const uint8_t	*imgs[2] = { mod_a, mod_b };
	size_t		 sizes[2] = { mod_a_size, mod_b_size };
	struct gen	 g;

	(void)state;
	assert_int_equal(gen_install(base, 42, names, imgs, sizes, 2, NULL,
	    0, 0), 0);
	check_file("gen-42/daily.vmod", mod_a, mod_a_size);
	check_file("gen-42/main.vmod", mod_b, mod_b_size);
	check_current("gen-42");
	check_no_tmp(base);
	assert_int_equal(gen_open(&g, base), 0);
	assert_int_equal(g.nmods, 2);
	assert_int_equal(g.serial, 42);
	gen_close(&g);
}

/* test_install_keep - an update replaces one module and shares the rest */
static void
test_install_keep(void **state)
{
	const char	*names[2] = { "daily", "main" };
	const uint8_t	*imgs[2] = { mod_a, mod_b };
	size_t		 sizes[2] = { mod_a_size, mod_b_size };
	const char	*upd[1] = { "daily" };
	const uint8_t	*updimg[1] = { mod_b };
	char		 p1[PATH_MAX], p2[PATH_MAX];
	struct stat	 st1, st2;
	struct gen	 g;

	(void)state;
	/* no current generation yet: nothing to keep, not an error */
	assert_int_equal(gen_install(base, 50, upd, updimg, &mod_b_size, 1,
	    NULL, 0, GEN_KEEP), 0);
	check_file("gen-50/daily.vmod", mod_b, mod_b_size);
	assert_int_equal(gen_install(base, 100, names, imgs, sizes, 2, NULL,
	    0, 0), 0);
	assert_int_equal(gen_install(base, 101, upd, updimg, &mod_b_size, 1,
	    NULL, 0, GEN_KEEP), 0);
	check_current("gen-101");
	check_file("gen-101/daily.vmod", mod_b, mod_b_size);
	check_file("gen-101/main.vmod", mod_b, mod_b_size);
	check_file("gen-100/daily.vmod", mod_a, mod_a_size);
	/* main is the same file as in gen-100: one page cache for both */
	at(p1, "gen-100/main.vmod");
	at(p2, "gen-101/main.vmod");
	assert_int_equal(stat(p1, &st1), 0);
	assert_int_equal(stat(p2, &st2), 0);
	assert_true(st1.st_ino == st2.st_ino && st1.st_dev == st2.st_dev);
	/* gen-50 was not current when 100 was installed: not kept */
	at(p1, "gen-100/daily.vmod");
	assert_int_equal(stat(p1, &st1), 0);
	assert_int_equal(st1.st_nlink, 1);
	assert_int_equal(gen_open(&g, base), 0);
	assert_int_equal(g.nmods, 2);
	assert_int_equal(g.serial, 101);
	gen_close(&g);
	check_no_tmp(base);
}

/* test_install_flips - a newer generation takes current */
static void
test_install_flips(void **state)
{
	char	 dir[PATH_MAX], want[PATH_MAX];

	(void)state;
	assert_int_equal(install(100, "main", mod_a, mod_a_size, dir), 0);
	check_current("gen-100");
	assert_int_equal(install(200, "main", mod_b, mod_b_size, dir), 0);
	at(want, "gen-200");
	assert_string_equal(dir, want);
	check_current("gen-200");
	/* the old generation is still there, untouched, for its readers */
	check_file("gen-100/main.vmod", mod_a, mod_a_size);
	check_file("gen-200/main.vmod", mod_b, mod_b_size);
	check_no_tmp(base);
}

/* test_install_exists - an existing serial is refused, current kept */
static void
test_install_exists(void **state)
{
	char	 dir[PATH_MAX];

	(void)state;
	assert_int_equal(install(100, "main", mod_a, mod_a_size, dir), 0);
	assert_int_equal(install(200, "main", mod_a, mod_a_size, dir), 0);
	strcpy(dir, "unchanged");
	errno = 0;
	assert_int_equal(install(100, "main", mod_b, mod_b_size, dir), -1);
	assert_int_equal(errno, EEXIST);
	check_current("gen-200");
	check_file("gen-100/main.vmod", mod_a, mod_a_size);
	errno = 0;
	assert_int_equal(install(200, "other", mod_b, mod_b_size, dir), -1);
	assert_int_equal(errno, EEXIST);
	check_current("gen-200");
	check_file("gen-200/main.vmod", mod_a, mod_a_size);
	check_no_tmp(base);
}

/* test_install_creates_base - a missing base directory is created */
static void
test_install_creates_base(void **state)
{
	char		 sub[PATH_MAX], cur[PATH_MAX], got[PATH_MAX];
	const char	*names[1] = { "main" };
	const uint8_t	*imgs[1] = { mod_a };
	size_t		 sizes[1] = { mod_a_size };
	ssize_t		 n;

	(void)state;
	at(sub, "db");
	assert_int_equal(gen_install(sub, 1, names, imgs, sizes, 1, NULL, 0,
	    0), 0);
	check_file("db/gen-1/main.vmod", mod_a, mod_a_size);
	at(cur, "db/current");
	assert_true((n = readlink(cur, got, sizeof(got) - 1)) > 0);
	got[n] = '\0';
	assert_string_equal(got, "gen-1");
	check_no_tmp(base);
}

/* test_install_bad_names - names that are not plain file names */
static void
test_install_bad_names(void **state)
{
	static const char *bad[] = { "../escape", "a/b", ".hidden", "." };
	char		 path[PATH_MAX], rel[64];
	struct stat	 st;
	size_t		 i;

	(void)state;
	assert_int_equal(install(100, "main", mod_a, mod_a_size, NULL), 0);
	for (i = 0; i < nitems(bad); i++) {
		errno = 0;
		assert_int_equal(install(300 + i, bad[i], mod_b, mod_b_size,
		    NULL), -1);
		assert_int_equal(errno, EINVAL);
		snprintf(rel, sizeof(rel), "gen-%zu", 300 + i);
		at(path, rel);
		assert_int_equal(stat(path, &st), -1);
		check_current("gen-100");
		check_no_tmp(base);
	}
	at(path, "escape.vmod");
	assert_int_equal(stat(path, &st), -1);
}

/*
 * test_install_bad_name_cleanup - refusing a bad name must not touch
 * files outside the temporary directory.
 */
static void
test_install_bad_name_cleanup(void **state)
{
	const char	*names[2] = { "main", "../victim" };
	const uint8_t	*imgs[2] = { mod_a, mod_b };
	size_t		 sizes[2] = { mod_a_size, mod_b_size };
	char		 path[PATH_MAX];
	struct stat	 st;

	(void)state;
	/*
	 * A name with a '/' is refused before anything is written, and the
	 * failure path removes only what the call wrote: a file the name
	 * would reach ("<tmp>/../victim.vmod") must survive.
	 */
	write_file("victim.vmod", "keep me", 7);
	errno = 0;
	assert_int_equal(gen_install(base, 7, names, imgs, sizes, 2, NULL, 0,
	    0), -1);
	assert_int_equal(errno, EINVAL);
	at(path, "victim.vmod");
	if (stat(path, &st) == -1)
		fail_msg("%s was deleted", path);
	check_no_tmp(base);
}

/*
 * test_install_empty_name - a module that gen_open() would never read
 */
static void
test_install_empty_name(void **state)
{
	char		 path[PATH_MAX];
	struct stat	 st;

	(void)state;
	/*
	 * The name "" would make gen-N/.vmod, which gen_open() skips as a
	 * dot file: it is refused, and current stays where it was.
	 */
	assert_int_equal(install(100, "main", mod_a, mod_a_size, NULL), 0);
	errno = 0;
	assert_int_equal(install(101, "", mod_b, mod_b_size, NULL), -1);
	assert_int_equal(errno, EINVAL);
	at(path, "gen-101");
	assert_int_equal(stat(path, &st), -1);
	check_current("gen-100");
	check_no_tmp(base);
}

/* test_install_duplicate_names - a failed write cleans up after itself */
static void
test_install_duplicate_names(void **state)
{
	const char	*names[2] = { "main", "main" };
	const uint8_t	*imgs[2] = { mod_a, mod_b };
	size_t		 sizes[2] = { mod_a_size, mod_b_size };
	char		 path[PATH_MAX];
	struct stat	 st;

	(void)state;
	assert_int_equal(install(100, "main", mod_a, mod_a_size, NULL), 0);
	assert_int_equal(gen_install(base, 101, names, imgs, sizes, 2, NULL,
	    0, 0), -1);
	at(path, "gen-101");
	assert_int_equal(stat(path, &st), -1);
	check_current("gen-100");
	check_no_tmp(base);
}

/* test_open_base - a base directory follows current */
static void
test_open_base(void **state)
{
	struct gen	 g;
	char		 want[PATH_MAX];

	(void)state;
	assert_int_equal(install(100, "main", mod_a, mod_a_size, NULL), 0);
	assert_int_equal(install(200, "main", mod_b, mod_b_size, NULL), 0);
	assert_int_equal(gen_open(&g, base), 0);
	assert_int_equal(g.serial, 200);
	assert_int_equal(g.nmods, 1);
	assert_non_null(g.views[0]);
	assert_int_equal(g.views[0]->hdr->serial, MOD_B_SERIAL);
	assert_string_equal(g.views[0]->hdr->name, "b");
	assert_ptr_equal(g.views[0], &g.mods[0].view);
	at(want, "gen-200");
	assert_string_equal(g.path, want);
	gen_close(&g);
	assert_int_equal(g.nmods, 0);
}

/* test_open_gendir - a generation directory, with or without current */
static void
test_open_gendir(void **state)
{
	struct gen	 g;
	char		 path[PATH_MAX];

	(void)state;
	assert_int_equal(install(100, "main", mod_a, mod_a_size, NULL), 0);
	assert_int_equal(install(200, "main", mod_b, mod_b_size, NULL), 0);
	/* the older one, which current no longer names */
	at(path, "gen-100");
	assert_int_equal(gen_open(&g, path), 0);
	assert_int_equal(g.serial, 100);
	assert_int_equal(g.nmods, 1);
	assert_int_equal(g.views[0]->hdr->serial, MOD_A_SERIAL);
	assert_string_equal(g.path, path);
	gen_close(&g);
}

/* test_open_file - a module file: the serial is the module's */
static void
test_open_file(void **state)
{
	struct gen	 g;
	char		 path[PATH_MAX];

	(void)state;
	assert_int_equal(install(100, "main", mod_a, mod_a_size, NULL), 0);
	at(path, "gen-100/main.vmod");
	assert_int_equal(gen_open(&g, path), 0);
	assert_int_equal(g.serial, MOD_A_SERIAL);
	assert_int_equal(g.nmods, 1);
	assert_non_null(g.views[0]);
	assert_int_equal(g.views[0]->size, mod_a_size);
	assert_string_equal(g.path, path);
	gen_close(&g);
	/* and a module outside any generation */
	put_module("loose.vmod", mod_b, mod_b_size, mod_b_size, -1);
	at(path, "loose.vmod");
	assert_int_equal(gen_open(&g, path), 0);
	assert_int_equal(g.serial, MOD_B_SERIAL);
	gen_close(&g);
}

/* test_open_order_and_filter - *.vmod only, no dot files, name order */
static void
test_open_order_and_filter(void **state)
{
	struct gen	 g;
	char		 path[PATH_MAX];

	(void)state;
	at(path, "d");
	assert_int_equal(mkdir(path, 0755), 0);
	put_module("d/zz.vmod", mod_a, mod_a_size, mod_a_size, -1);
	put_module("d/aa.vmod", mod_b, mod_b_size, mod_b_size, -1);
	/* none of these is a module to load; all would fail if loaded */
	write_file("d/notes.txt", "x", 1);
	write_file("d/.hidden.vmod", "x", 1);
	write_file("d/.vmod", "x", 1);
	write_file("d/x.vmod.tmp", "x", 1);
	write_file("d/vmod", "x", 1);
	assert_int_equal(gen_open(&g, path), 0);
	assert_int_equal(g.nmods, 2);
	assert_string_equal(g.views[0]->hdr->name, "b");	/* aa.vmod */
	assert_string_equal(g.views[1]->hdr->name, "a");	/* zz.vmod */
	/* no gen-<serial> name: the largest module serial */
	assert_int_equal(g.serial, MOD_B_SERIAL);
	gen_close(&g);
}

/* test_open_plain_dir - a directory of modules without generations */
static void
test_open_plain_dir(void **state)
{
	struct gen	 g;

	(void)state;
	put_module("main.vmod", mod_a, mod_a_size, mod_a_size, -1);
	assert_int_equal(gen_open(&g, base), 0);
	assert_int_equal(g.nmods, 1);
	assert_int_equal(g.serial, MOD_A_SERIAL);
	assert_string_equal(g.path, base);
	gen_close(&g);
}

/* prep_notvmod - a directory with files, none of them a module */
static void
prep_notvmod(void)
{
	write_file("readme", "x", 1);
	write_file(".x.vmod", "x", 1);
}

/* prep_corrupt_body - d/x.vmod with one body byte flipped */
static void
prep_corrupt_body(void)
{
	char	 d[PATH_MAX];

	at(d, "d");
	assert_int_equal(mkdir(d, 0755), 0);
	put_module("d/x.vmod", mod_a, mod_a_size, mod_a_size,
	    (int)mod_a_size - 100);
}

/* prep_corrupt_hdr - d/x.vmod with its serial changed */
static void
prep_corrupt_hdr(void)
{
	char	 d[PATH_MAX];

	at(d, "d");
	assert_int_equal(mkdir(d, 0755), 0);
	put_module("d/x.vmod", mod_a, mod_a_size, mod_a_size,
	    (int)offsetof(struct vmod_hdr, serial));
}

/* prep_truncated - d/x.vmod without its last 64 bytes */
static void
prep_truncated(void)
{
	char	 d[PATH_MAX];

	at(d, "d");
	assert_int_equal(mkdir(d, 0755), 0);
	put_module("d/x.vmod", mod_a, mod_a_size, mod_a_size - 64, -1);
}

/* prep_short - d/x.vmod shorter than a header */
static void
prep_short(void)
{
	char	 d[PATH_MAX];

	at(d, "d");
	assert_int_equal(mkdir(d, 0755), 0);
	put_module("d/x.vmod", mod_a, mod_a_size,
	    sizeof(struct vmod_hdr) - 1, -1);
}

/* prep_empty - d/x.vmod of zero bytes */
static void
prep_empty(void)
{
	char	 d[PATH_MAX];

	at(d, "d");
	assert_int_equal(mkdir(d, 0755), 0);
	write_file("d/x.vmod", "", 0);
}

/* prep_text - d/x.vmod holding a signature source instead */
static void
prep_text(void)
{
	char	 d[PATH_MAX], text[4096];

	at(d, "d");
	assert_int_equal(mkdir(d, 0755), 0);
	memset(text, 'A', sizeof(text));
	memcpy(text, "Test.Sig:0:*:41424344\n", 22);
	write_file("d/x.vmod", text, sizeof(text));
}

/* prep_good_bad - d/a.vmod valid, d/z.vmod corrupted */
static void
prep_good_bad(void)
{
	char	 d[PATH_MAX];

	at(d, "d");
	assert_int_equal(mkdir(d, 0755), 0);
	put_module("d/a.vmod", mod_a, mod_a_size, mod_a_size, -1);
	put_module("d/z.vmod", mod_b, mod_b_size, mod_b_size,
	    (int)mod_b_size - 1);
}

/* prep_dangling - current -> gen-7, which does not exist */
static void
prep_dangling(void)
{
	char	 cur[PATH_MAX];

	at(cur, "current");
	assert_int_equal(symlink("gen-7", cur), 0);
}

/* prep_bad_current - current -> gen-7 holding a corrupted module */
static void
prep_bad_current(void)
{
	char	 d[PATH_MAX], cur[PATH_MAX];

	at(d, "gen-7");
	assert_int_equal(mkdir(d, 0755), 0);
	put_module("gen-7/x.vmod", mod_a, mod_a_size, mod_a_size,
	    (int)mod_a_size / 2);
	at(cur, "current");
	assert_int_equal(symlink("gen-7", cur), 0);
}

/* prep_toomany - GEN_MAXMODS + 1 modules in d */
static void
prep_toomany(void)
{
	char	 d[PATH_MAX], rel[64];
	int	 i;

	at(d, "d");
	assert_int_equal(mkdir(d, 0755), 0);
	for (i = 0; i <= GEN_MAXMODS; i++) {
		snprintf(rel, sizeof(rel), "d/m%02d.vmod", i);
		put_module(rel, mod_a, mod_a_size, mod_a_size, -1);
	}
}

/* test_open_case - one row of open_cases */
static void
test_open_case(void **state)
{
	const struct open_case	*c = *state;
	struct gen		 g;
	char			 path[PATH_MAX], want[PATH_MAX];

	if (c->prepare != NULL)
		c->prepare();
	at(path, c->open);
	at(want, c->errfile);
	memset(&g, 0xa5, sizeof(g));
	errno = 0;
	assert_int_equal(gen_open(&g, path), -1);
	if (errno != c->want_errno)
		fail_msg("errno %d (%s), want %d (%s); err: %s", errno,
		    av_strerror(errno), c->want_errno,
		    av_strerror(c->want_errno), g.err);
	if (strstr(g.err, want) == NULL)
		fail_msg("err \"%s\" does not name %s", g.err, want);
	/* nothing stays mapped or counted */
	assert_int_equal(g.nmods, 0);
	gen_close(&g);
	/* gen_close keeps the message */
	assert_non_null(strstr(g.err, want));
}

/* test_next_serial - larger than every generation, at least now */
static void
test_next_serial(void **state)
{
	static const struct {
		const char	*mkdir;		/* NULL: check only */
		uint64_t	 add;		/* added to now for "+" */
	} steps[] = {
		{ NULL, 0 },
		{ "gen-100", 0 },
		{ "gen-abc", 0 },
		{ "gen-", 0 },
		{ "gen-12x", 0 },
		{ "gen-99999999999999999999999", 0 },	/* out of range */
		{ ".gen-99999999999.tmp.1", 0 },
		{ "xgen-99999999999", 0 },
		{ "+", 1000 },
		{ "+", 5000 },
	};
	char		 path[PATH_MAX], rel[64];
	uint64_t	 t0, t1, s, max = 0;
	size_t		 i;

	(void)state;
	/* a missing base directory is like an empty one */
	at(path, "missing");
	t0 = (uint64_t)time(NULL);
	s = gen_next_serial(path);
	t1 = (uint64_t)time(NULL);
	assert_true(s >= t0 && s <= t1);

	for (i = 0; i < nitems(steps); i++) {
		if (steps[i].mkdir != NULL) {
			if (strcmp(steps[i].mkdir, "+") == 0) {
				max = (uint64_t)time(NULL) + steps[i].add;
				snprintf(rel, sizeof(rel), "gen-%llu",
				    (unsigned long long)max);
			} else
				snprintf(rel, sizeof(rel), "%s",
				    steps[i].mkdir);
			at(path, rel);
			assert_int_equal(mkdir(path, 0755), 0);
		}
		t0 = (uint64_t)time(NULL);
		s = gen_next_serial(base);
		t1 = (uint64_t)time(NULL);
		if (max > 0)
			assert_int_equal(s, max + 1);
		else
			assert_true(s >= t0 && s <= t1);
	}
	/* and an install with it becomes current */
	assert_int_equal(install(s, "main", mod_a, mod_a_size, NULL), 0);
	snprintf(rel, sizeof(rel), "gen-%llu", (unsigned long long)s);
	check_current(rel);
	assert_true(gen_next_serial(base) == s + 1);
}

/* test_next_serial_max - the largest serial has no successor */
static void
test_next_serial_max(void **state)
{
	char		 path[PATH_MAX];
	uint64_t	 s;

	(void)state;
	/*
	 * With gen-18446744073709551615 present there is no larger serial:
	 * gen_next_serial() says so with 0 (gen.h).
	 */
	at(path, "gen-18446744073709551615");
	assert_int_equal(mkdir(path, 0755), 0);
	s = gen_next_serial(base);
	assert_true(s == 0);
}

int
main(void)
{
	static const struct {
		const char	*name;
		void		(*fn)(void **);
	} plain[] = {
		{ "install: layout, current, no temporary files",
		    test_install_layout },
		{ "install: two modules in one generation",
		    test_install_two_modules },
		{ "install: GEN_KEEP links the current's other modules",
		    test_install_keep },
		{ "install: a larger serial flips current",
		    test_install_flips },
		{ "install: an existing serial fails with EEXIST",
		    test_install_exists },
		{ "install: creates a missing base directory",
		    test_install_creates_base },
		{ "install: names with / or a leading dot are refused",
		    test_install_bad_names },
		{ "install: refusing a name deletes nothing outside",
		    test_install_bad_name_cleanup },
		{ "install: an empty name is refused",
		    test_install_empty_name },
		{ "install: duplicate names fail and clean up",
		    test_install_duplicate_names },
		{ "open: base directory follows current", test_open_base },
		{ "open: generation directory", test_open_gendir },
		{ "open: module file", test_open_file },
		{ "open: only *.vmod, no dot files, in name order",
		    test_open_order_and_filter },
		{ "open: plain directory of modules", test_open_plain_dir },
		{ "next serial: > every generation, >= now",
		    test_next_serial },
		{ "next serial: after the largest serial",
		    test_next_serial_max },
	};
	struct CMUnitTest	*t;
	size_t			 n = 0, i;
	int			 rc;

	t = calloc(nitems(plain) + nitems(open_cases), sizeof(*t));
	if (t == NULL)
		return 1;
	for (i = 0; i < nitems(plain); i++) {
		t[n].name = plain[i].name;
		t[n].test_func = plain[i].fn;
		t[n].setup_func = base_setup;
		t[n++].teardown_func = base_teardown;
	}
	for (i = 0; i < nitems(open_cases); i++) {
		t[n].name = open_cases[i].name;
		t[n].test_func = test_open_case;
		t[n].initial_state = (void *)&open_cases[i];
		t[n].setup_func = base_setup;
		t[n++].teardown_func = base_teardown;
	}
	rc = _cmocka_run_group_tests("gen", t, n, group_setup,
	    group_teardown);
	free(t);
	return rc;
}
