/*
 * test_scanopt.c - unit tests for clients/scanopt.[ch]
 *
 * Colon lists (empty items skipped, nothing copied), sizes with their
 * suffixes and overflow, --action words, exclusion globs on the path and
 * on its last component, names for files moved aside, and JSON strings:
 * each row's output is also parsed back as JSON-looking text by a small
 * checker here (every byte of the output is printable ASCII or part of a
 * well-formed UTF-8 sequence, and every backslash starts a valid escape).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "clients/scanopt.h"
#include "util/buf.h"

#define nitems(a)	(sizeof(a) / sizeof((a)[0]))

/* scanopt_next(): the items, joined with '|' */
static const struct next_case {
	const char	*list;
	const char	*want;
} next_cases[] = {
	{ "",			"" },
	{ ":",			"" },
	{ ":::",		"" },
	{ "a",			"a" },
	{ "a:b",		"a|b" },
	{ "/srv:/home/u:rel/dir", "/srv|/home/u|rel/dir" },
	{ "a::b",		"a|b" },
	{ ":a:",		"a" },
	{ "::x::y::",		"x|y" },
	{ "dir with space:x",	"dir with space|x" },
};

/* scanopt_size() */
static const struct size_case {
	const char	*s;
	int		 rc;
	int		 err;
	uint64_t	 want;
} size_cases[] = {
	{ "0",			0,  0,      0 },
	{ "123",		0,  0,      123 },
	{ "1k",			0,  0,      1024 },
	{ "1K",			0,  0,      1024 },
	{ "2KB",		0,  0,      2048 },
	{ "3kb",		0,  0,      3072 },
	{ "10M",		0,  0,      10ULL << 20 },
	{ "1G",			0,  0,      1ULL << 30 },
	{ "2T",			0,  0,      2ULL << 40 },
	{ "5B",			0,  0,      5 },
	{ "18446744073709551615", 0, 0,     UINT64_MAX },
	{ "18446744073709551616", -1, ERANGE, 0 },
	{ "16777216T",		-1, ERANGE, 0 },
	{ "16777215T",		0,  0,      16777215ULL << 40 },
	{ "",			-1, EINVAL, 0 },
	{ "K",			-1, EINVAL, 0 },
	{ "-1",			-1, EINVAL, 0 },
	{ " 1",			-1, EINVAL, 0 },
	{ "1 ",			-1, EINVAL, 0 },
	{ "1X",			-1, EINVAL, 0 },
	{ "1KK",		-1, EINVAL, 0 },
	{ "1BB",		-1, EINVAL, 0 },
	{ "0x10",		-1, EINVAL, 0 },
};

/* scanopt_action() */
static const struct action_case {
	const char		*s;
	int			 rc;
	enum scanopt_act	 act;
	const char		*dir;
} action_cases[] = {
	{ "none",		0,  SCANOPT_ACT_NONE,   NULL },
	{ "delete",		0,  SCANOPT_ACT_DELETE, NULL },
	{ "move:/var/q",	0,  SCANOPT_ACT_MOVE,   "/var/q" },
	{ "move:rel",		0,  SCANOPT_ACT_MOVE,   "rel" },
	{ "move:",		-1, 0,                  NULL },
	{ "move",		-1, 0,                  NULL },
	{ "Delete",		-1, 0,                  NULL },
	{ "",			-1, 0,                  NULL },
	{ "none ",		-1, 0,                  NULL },
};

/* scanopt_glob() with the patterns below */
static const char *const globs[] = { "*.iso", "cache", "/srv/tmp/*" };
static const struct glob_case {
	const char	*path;
	int		 want;
} glob_cases[] = {
	{ "x.iso",		1 },
	{ "/data/images/x.iso",	1 },	/* '*' crosses '/' in the path */
	{ "a/cache",		1 },	/* the last component */
	{ "a/cache/",		1 },	/* trailing slashes ignored */
	{ "cache",		1 },
	{ "a/cache/b",		0 },	/* within it: the walk never enters */
	{ "a/caches",		0 },
	{ "/srv/tmp/f",		1 },
	{ "/srv/tmp/d/f",	1 },
	{ "/srv/tmpx",		0 },
	{ "x.iso.gz",		0 },
	{ "/",			0 },
	{ "",			0 },
};

/* scanopt_json_str(): input bytes and the exact output */
static const struct json_case {
	const char	*name;
	const char	*in;
	const char	*want;
} json_cases[] = {
	{ "empty",		"",		"\"\"" },
	{ "plain",		"tree/a.com",	"\"tree/a.com\"" },
	{ "quote, backslash",	"a\"b\\c",	"\"a\\\"b\\\\c\"" },
	{ "short escapes",	"\b\f\n\r\t",	"\"\\b\\f\\n\\r\\t\"" },
	{ "other controls",	"\x01\x1f\x7f",	"\"\\u0001\\u001f\\u007f\"" },
	{ "slash kept",		"/a/b/",	"\"/a/b/\"" },
	{ "UTF-8 kept",		"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80",
	    "\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\"" },
	{ "Latin-1 byte",	"caf\xe9",	"\"caf\\u00e9\"" },
	{ "lone continuation",	"\x80x",	"\"\\u0080x\"" },
	{ "cut sequence",	"\xe2\x82",	"\"\\u00e2\\u0082\"" },
	{ "cut, then ASCII",	"\xe2\x82z",	"\"\\u00e2\\u0082z\"" },
	{ "overlong 2-byte",	"\xc0\xaf",	"\"\\u00c0\\u00af\"" },
	{ "overlong 3-byte",	"\xe0\x80\xaf",
	    "\"\\u00e0\\u0080\\u00af\"" },
	{ "surrogate",		"\xed\xa0\x80",
	    "\"\\u00ed\\u00a0\\u0080\"" },
	{ "above U+10FFFF",	"\xf4\x90\x80\x80",
	    "\"\\u00f4\\u0090\\u0080\\u0080\"" },
	{ "U+10FFFF kept",	"\xf4\x8f\xbf\xbf",
	    "\"\xf4\x8f\xbf\xbf\"" },
	{ "0xff",		"\xff",		"\"\\u00ff\"" },
	{ "newline in a name",	"dir/a\nb.com",	"\"dir/a\\nb.com\"" },
};

static void	 test_next(void **);
static void	 test_next_cursor(void **);
static void	 test_size(void **);
static void	 test_action(void **);
static void	 test_glob(void **);
static void	 test_glob_none(void **);
static void	 test_uniq(void **);
static void	 test_json(void **);
static void	 test_json_all_bytes(void **);
static void	 test_printf(void **);
static int	 json_ok(const char *, size_t);

/* test_next - every list row */
static void
test_next(void **state)
{
	char		 got[256];
	const char	*cur, *item;
	size_t		 i, len, n;

	(void)state;
	for (i = 0; i < nitems(next_cases); i++) {
		cur = next_cases[i].list;
		n = 0;
		got[0] = '\0';
		while (scanopt_next(&cur, &item, &len)) {
			assert_true(len > 0);
			assert_true(n + len + 2 < sizeof(got));
			if (n > 0)
				got[n++] = '|';
			memcpy(got + n, item, len);
			n += len;
			got[n] = '\0';
		}
		assert_string_equal(got, next_cases[i].want);
		/* done stays done */
		assert_int_equal(scanopt_next(&cur, &item, &len), 0);
	}
}

/* test_next_cursor - items point into the list, which is not changed */
static void
test_next_cursor(void **state)
{
	const char	*list = "ab:cd", *cur = list, *item;
	size_t		 len;

	(void)state;
	assert_int_equal(scanopt_next(&cur, &item, &len), 1);
	assert_ptr_equal(item, list);
	assert_int_equal(len, 2);
	assert_int_equal(scanopt_next(&cur, &item, &len), 1);
	assert_ptr_equal(item, list + 3);
	assert_int_equal(len, 2);
	assert_int_equal(scanopt_next(&cur, &item, &len), 0);
	assert_string_equal(list, "ab:cd");
}

/* test_size - every size row */
static void
test_size(void **state)
{
	uint64_t	 v;
	size_t		 i;
	int		 rc;

	(void)state;
	for (i = 0; i < nitems(size_cases); i++) {
		v = 4242;
		errno = 0;
		rc = scanopt_size(size_cases[i].s, &v);
		if (rc != size_cases[i].rc)
			fail_msg("%s: rc %d", size_cases[i].s, rc);
		if (rc == 0)
			assert_true(v == size_cases[i].want);
		else {
			assert_int_equal(errno, size_cases[i].err);
			assert_true(v == 4242);	/* untouched */
		}
	}
}

/* test_action - every action row */
static void
test_action(void **state)
{
	enum scanopt_act	 act;
	const char		*dir;
	size_t			 i;
	int			 rc;

	(void)state;
	for (i = 0; i < nitems(action_cases); i++) {
		act = SCANOPT_ACT_NONE;
		errno = 0;
		rc = scanopt_action(action_cases[i].s, &act, &dir);
		if (rc != action_cases[i].rc)
			fail_msg("%s: rc %d", action_cases[i].s, rc);
		if (rc == -1) {
			assert_int_equal(errno, EINVAL);
			continue;
		}
		assert_int_equal(act, action_cases[i].act);
		if (action_cases[i].dir == NULL)
			assert_null(dir);
		else
			assert_string_equal(dir, action_cases[i].dir);
	}
}

/* test_glob - every glob row */
static void
test_glob(void **state)
{
	size_t	 i;

	(void)state;
	for (i = 0; i < nitems(glob_cases); i++)
		if (scanopt_glob(glob_cases[i].path, globs, nitems(globs)) !=
		    glob_cases[i].want)
			fail_msg("%s: want %d", glob_cases[i].path,
			    glob_cases[i].want);
}

/* test_glob_none - no pattern matches nothing; a huge name is safe */
static void
test_glob_none(void **state)
{
	static const char *const star[] = { "*" };
	char	*big;

	(void)state;
	assert_int_equal(scanopt_glob("x", NULL, 0), 0);
	assert_int_equal(scanopt_glob("x", star, 1), 1);
	big = malloc(10000);
	assert_non_null(big);
	memset(big, 'a', 9999);
	big[9999] = '\0';
	big[10] = '/';
	assert_int_equal(scanopt_glob(big, star, 1), 1);
	assert_int_equal(scanopt_glob(big, globs, nitems(globs)), 0);
	free(big);
}

/* test_uniq - name, name.1, ...; never truncated */
static void
test_uniq(void **state)
{
	char	 b[16];

	(void)state;
	assert_int_equal(scanopt_uniq(b, sizeof(b), "eicar.com", 0), 0);
	assert_string_equal(b, "eicar.com");
	assert_int_equal(scanopt_uniq(b, sizeof(b), "eicar.com", 1), 0);
	assert_string_equal(b, "eicar.com.1");
	assert_int_equal(scanopt_uniq(b, sizeof(b), "eicar.com", 999), 0);
	assert_string_equal(b, "eicar.com.999");
	errno = 0;
	assert_int_equal(scanopt_uniq(b, sizeof(b), "eicar.com", 123456),
	    -1);
	assert_int_equal(errno, ENAMETOOLONG);
	assert_string_equal(b, "");
}

/*
 * json_ok - s[0, n) is one JSON string: quoted, escapes valid, no raw
 * control byte, and only well-formed UTF-8 beyond ASCII
 */
static int
json_ok(const char *s, size_t n)
{
	const unsigned char	*p = (const unsigned char *)s;
	size_t			 i, k, len;

	if (n < 2 || p[0] != '"' || p[n - 1] != '"')
		return 0;
	for (i = 1; i < n - 1; i++) {
		if (p[i] < 0x20 || p[i] == 0x7f || p[i] == '"')
			return 0;
		if (p[i] == '\\') {
			i++;
			if (i >= n - 1)
				return 0;
			if (strchr("\"\\/bfnrt", p[i]) != NULL)
				continue;
			if (p[i] != 'u' || i + 4 >= n - 1)
				return 0;
			for (k = 1; k <= 4; k++)
				if (strchr("0123456789abcdef", p[i + k]) ==
				    NULL)
					return 0;
			i += 4;
			continue;
		}
		if (p[i] < 0x80)
			continue;
		len = p[i] >= 0xf0 ? 4 : p[i] >= 0xe0 ? 3 : p[i] >= 0xc2 ?
		    2 : 0;
		if (len == 0 || i + len > n - 1)
			return 0;
		for (k = 1; k < len; k++)
			if (p[i + k] < 0x80 || p[i + k] > 0xbf)
				return 0;
		i += len - 1;
	}
	return 1;
}

/* test_json - every JSON row, exactly */
static void
test_json(void **state)
{
	struct buf	 b;
	size_t		 i;

	(void)state;
	for (i = 0; i < nitems(json_cases); i++) {
		buf_init(&b);
		buf_add(&b, "x", 1);	/* appends after what is there */
		scanopt_json_str(&b, json_cases[i].in);
		assert_false(b.failed);
		buf_add(&b, "", 1);
		if (strcmp((char *)b.data + 1, json_cases[i].want) != 0)
			fail_msg("%s: got %s", json_cases[i].name,
			    (char *)b.data + 1);
		assert_true(json_ok((char *)b.data + 1, b.len - 2));
		buf_clear(&b);
	}
}

/* test_json_all_bytes - every byte value, alone and in pairs: valid */
static void
test_json_all_bytes(void **state)
{
	struct buf	 b;
	char		 in[3];
	unsigned	 c, d;

	(void)state;
	for (c = 1; c < 256; c++)
		for (d = 0; d < 256; d += 5) {
			in[0] = (char)c;
			in[1] = (char)d;
			in[2] = '\0';
			buf_init(&b);
			scanopt_json_str(&b, in);
			assert_false(b.failed);
			if (!json_ok((char *)b.data, b.len))
				fail_msg("bytes %02x %02x", c, d);
			buf_clear(&b);
		}
}

/* test_printf - short and long formatted text */
static void
test_printf(void **state)
{
	struct buf	 b;
	char		 big[1000];

	(void)state;
	memset(big, 'z', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	buf_init(&b);
	scanopt_printf(&b, "%s: %d", "a", 42);
	assert_int_equal(b.len, 5);
	assert_memory_equal(b.data, "a: 42", 5);
	scanopt_printf(&b, "[%s]", big);
	assert_int_equal(b.len, 5 + 2 + 999);
	assert_int_equal(b.data[5], '[');
	assert_int_equal(b.data[5 + 1 + 999], ']');
	assert_false(b.failed);
	buf_clear(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_next),
		cmocka_unit_test(test_next_cursor),
		cmocka_unit_test(test_size),
		cmocka_unit_test(test_action),
		cmocka_unit_test(test_glob),
		cmocka_unit_test(test_glob_none),
		cmocka_unit_test(test_uniq),
		cmocka_unit_test(test_json),
		cmocka_unit_test(test_json_all_bytes),
		cmocka_unit_test(test_printf),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
