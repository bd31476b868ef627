/*
 * test_path.c - unit tests for lib/util/path.[ch]
 *
 * path.h promises "dir/name" (or "name" when dir is empty) and never a
 * truncated name: when dst is too small the call returns -1 with errno
 * ENAMETOOLONG and dst holds "".  Every row runs with dst inside a larger
 * buffer filled with a sentinel, so a write past len is caught too.
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "util/path.h"

#define nitems(a)	(sizeof(a) / sizeof((a)[0]))
#define SENTINEL	'#'
#define SLACK		16

/* path_join(dst, len, dir, name) */
static const struct join_case {
	const char	*name;
	const char	*dir;
	const char	*file;
	size_t		 len;
	int		 want_rc;
	const char	*want;		/* "" on failure */
} join_cases[] = {
	{ "join: dir/name",		"a",	"b",	64,	0,  "a/b" },
	{ "join: absolute dir",		"/var/lib/vigil", "current", 64, 0,
	    "/var/lib/vigil/current" },
	{ "join: empty dir gives name",	"",	"x.vmod", 64,	0,  "x.vmod" },
	{ "join: empty dir, empty name", "",	"",	1,	0,  "" },
	{ "join: exact fit",		"ab",	"cd",	6,	0,  "ab/cd" },
	{ "join: one byte too small",	"ab",	"cd",	5,	-1, "" },
	{ "join: much too small",	"ab",	"cd",	2,	-1, "" },
	{ "join: len 1 holds only NUL",	"a",	"b",	1,	-1, "" },
	{ "join: empty dir, exact fit",	"",	"abc",	4,	0,  "abc" },
	{ "join: empty dir, one too small", "",	"abc",	3,	-1, "" },
	{ "join: empty name",		"dir",	"",	5,	0,  "dir/" },
	{ "join: empty name, too small", "dir",	"",	4,	-1, "" },
	{ "join: name with slashes",	"a",	"b/c",	6,	0,  "a/b/c" },
};

/* path_fmt(dst, len, "%s-%llu.%s", a, n, b) */
static const struct fmt_case {
	const char		*name;
	const char		*a;
	unsigned long long	 n;
	const char		*b;
	size_t			 len;
	int			 want_rc;
	const char		*want;
} fmt_cases[] = {
	{ "fmt: plain",			"gen",	42,	"tmp",	64, 0,
	    "gen-42.tmp" },
	{ "fmt: exact fit",		"gen",	42,	"tmp",	11, 0,
	    "gen-42.tmp" },
	{ "fmt: one byte too small",	"gen",	42,	"tmp",	10, -1, "" },
	{ "fmt: largest serial",	"gen",	18446744073709551615ULL, "t",
	    64, 0, "gen-18446744073709551615.t" },
	{ "fmt: largest serial, too small", "gen", 18446744073709551615ULL,
	    "t", 26, -1, "" },
	{ "fmt: empty strings",		"",	0,	"",	4,  0,  "-0." },
	{ "fmt: len 1",			"",	0,	"",	1,  -1, "" },
};

static void	 check_dst(const char *, size_t, int, int, const char *);
static void	 test_join_case(void **);
static void	 test_fmt_case(void **);
static void	 test_zero_len(void **);
static void	 test_long(void **);
static void	 test_success_keeps_going(void **);

/*
 * check_dst - rc and errno as wanted, dst holds want, and nothing past
 * dst[len) was written.
 */
static void
check_dst(const char *buf, size_t len, int rc, int want_rc, const char *want)
{
	size_t	 i;

	assert_int_equal(rc, want_rc);
	if (want_rc == -1)
		assert_int_equal(errno, ENAMETOOLONG);
	assert_string_equal(buf, want);
	for (i = len; i < len + SLACK; i++)
		if (buf[i] != SENTINEL)
			fail_msg("byte %zu past len %zu was written", i, len);
}

/* test_join_case - one row of join_cases */
static void
test_join_case(void **state)
{
	const struct join_case	*c = *state;
	char			 buf[128 + SLACK];
	int			 rc;

	memset(buf, SENTINEL, sizeof(buf));
	errno = 0;
	rc = path_join(buf, c->len, c->dir, c->file);
	check_dst(buf, c->len, rc, c->want_rc, c->want);
}

/* test_fmt_case - one row of fmt_cases */
static void
test_fmt_case(void **state)
{
	const struct fmt_case	*c = *state;
	char			 buf[128 + SLACK];
	int			 rc;

	memset(buf, SENTINEL, sizeof(buf));
	errno = 0;
	rc = path_fmt(buf, c->len, "%s-%llu.%s", c->a, c->n, c->b);
	check_dst(buf, c->len, rc, c->want_rc, c->want);
}

/* test_zero_len - with no room at all, fail and write nothing */
static void
test_zero_len(void **state)
{
	char	 buf[SLACK];
	size_t	 i;

	(void)state;
	memset(buf, SENTINEL, sizeof(buf));
	errno = 0;
	assert_int_equal(path_join(buf, 0, "a", "b"), -1);
	assert_int_equal(errno, ENAMETOOLONG);
	errno = 0;
	assert_int_equal(path_join(buf, 0, "", ""), -1);
	assert_int_equal(errno, ENAMETOOLONG);
	errno = 0;
	assert_int_equal(path_fmt(buf, 0, "%s", ""), -1);
	assert_int_equal(errno, ENAMETOOLONG);
	for (i = 0; i < sizeof(buf); i++)
		assert_int_equal(buf[i], SENTINEL);
}

/* test_long - names around PATH_MAX */
static void
test_long(void **state)
{
	char	*dir, *name, *buf, *want;
	size_t	 dl = PATH_MAX / 2, nl, i;

	(void)state;
	dir = malloc(PATH_MAX);
	name = malloc(PATH_MAX);
	buf = malloc(PATH_MAX + SLACK);
	want = malloc(PATH_MAX);
	assert_non_null(dir);
	assert_non_null(name);
	assert_non_null(buf);
	assert_non_null(want);
	memset(dir, 'd', dl);
	dir[dl] = '\0';
	/* dir + '/' + name + NUL == PATH_MAX exactly */
	nl = PATH_MAX - dl - 2;
	memset(name, 'n', nl);
	name[nl] = '\0';
	memcpy(want, dir, dl);
	want[dl] = '/';
	memcpy(want + dl + 1, name, nl + 1);

	memset(buf, SENTINEL, PATH_MAX + SLACK);
	assert_int_equal(path_join(buf, PATH_MAX, dir, name), 0);
	assert_string_equal(buf, want);
	for (i = PATH_MAX; i < PATH_MAX + SLACK; i++)
		assert_int_equal(buf[i], SENTINEL);

	/* one more byte of name no longer fits */
	name[nl] = 'n';
	name[nl + 1] = '\0';
	memset(buf, SENTINEL, PATH_MAX + SLACK);
	errno = 0;
	assert_int_equal(path_join(buf, PATH_MAX, dir, name), -1);
	assert_int_equal(errno, ENAMETOOLONG);
	assert_string_equal(buf, "");
	for (i = PATH_MAX; i < PATH_MAX + SLACK; i++)
		assert_int_equal(buf[i], SENTINEL);
	free(dir);
	free(name);
	free(buf);
	free(want);
}

/* test_success_keeps_going - a failure leaves no state behind */
static void
test_success_keeps_going(void **state)
{
	char	 buf[32];

	(void)state;
	assert_int_equal(path_join(buf, 4, "abc", "def"), -1);
	assert_string_equal(buf, "");
	assert_int_equal(path_join(buf, sizeof(buf), "abc", "def"), 0);
	assert_string_equal(buf, "abc/def");
	/* a failure overwrites an earlier success */
	assert_int_equal(path_join(buf, 4, "abc", "def"), -1);
	assert_string_equal(buf, "");
}

int
main(void)
{
	struct CMUnitTest	*t;
	size_t			 n = 0, i;
	int			 rc;

	t = calloc(nitems(join_cases) + nitems(fmt_cases) + 3, sizeof(*t));
	if (t == NULL)
		return 1;
	for (i = 0; i < nitems(join_cases); i++) {
		t[n].name = join_cases[i].name;
		t[n].test_func = test_join_case;
		t[n++].initial_state = (void *)&join_cases[i];
	}
	for (i = 0; i < nitems(fmt_cases); i++) {
		t[n].name = fmt_cases[i].name;
		t[n].test_func = test_fmt_case;
		t[n++].initial_state = (void *)&fmt_cases[i];
	}
	t[n].name = "len 0 writes nothing";
	t[n++].test_func = test_zero_len;
	t[n].name = "names around PATH_MAX";
	t[n++].test_func = test_long;
	t[n].name = "failure then success then failure";
	t[n++].test_func = test_success_keeps_going;
	rc = _cmocka_run_group_tests("path", t, n, NULL, NULL);
	free(t);
	return rc;
}
