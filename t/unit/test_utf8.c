/*
 * test_utf8.c - unit tests for lib/util/utf8.[ch]
 *
 * utf8.h promises the length of a well-formed multibyte sequence, 0 for
 * everything Unicode's table 3-7 rules out, and *cut only for a sequence
 * that was right so far when the bytes ran out.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "util/utf8.h"

#define nitems(a)	(sizeof(a) / sizeof((a)[0]))

static const struct utf8_case {
	const char	*name;
	const char	*bytes;
	size_t		 n;
	size_t		 want;
	int		 cut;
} cases[] = {
	{ "ASCII is no multibyte sequence", "A", 1, 0, 0 },
	{ "NUL", "", 1, 0, 0 },
	{ "U+00E9", "\xc3\xa9", 2, 2, 0 },
	{ "U+20AC", "\xe2\x82\xac", 3, 3, 0 },
	{ "U+1F600", "\xf0\x9f\x98\x80", 4, 4, 0 },
	{ "U+10FFFF, the last", "\xf4\x8f\xbf\xbf", 4, 4, 0 },
	{ "more bytes after it", "\xc3\xa9zz", 4, 2, 0 },
	{ "a stray continuation byte", "\x80", 1, 0, 0 },
	{ "C0, overlong", "\xc0\xaf", 2, 0, 0 },
	{ "C1, overlong", "\xc1\xbf", 2, 0, 0 },
	{ "E0 80, overlong", "\xe0\x80\xaf", 3, 0, 0 },
	{ "E0 A0, the first 3-byte", "\xe0\xa0\x80", 3, 3, 0 },
	{ "ED A0, a surrogate", "\xed\xa0\x80", 3, 0, 0 },
	{ "ED 9F, below the surrogates", "\xed\x9f\xbf", 3, 3, 0 },
	{ "F0 80, overlong", "\xf0\x80\x80\x80", 4, 0, 0 },
	{ "F4 90, above U+10FFFF", "\xf4\x90\x80\x80", 4, 0, 0 },
	{ "F5, never", "\xf5\x80\x80\x80", 4, 0, 0 },
	{ "FF, never", "\xff", 1, 0, 0 },
	{ "a bad second continuation", "\xe2\x82\x41", 3, 0, 0 },
	{ "a NUL inside ends it", "\xe2\x00\xac", 3, 0, 0 },
	{ "cut after the lead", "\xe2", 1, 0, 1 },
	{ "cut after two of four", "\xf0\x9f", 2, 0, 1 },
	{ "bad before the cut: not cut", "\xf0\x41", 2, 0, 0 },
};

/* test_cases - every row */
static void
test_cases(void **state)
{
	const struct utf8_case	*c;
	size_t			 i;
	int			 cut;

	(void)state;
	for (i = 0; i < nitems(cases); i++) {
		c = &cases[i];
		cut = -1;
		if (utf8_seq((const uint8_t *)c->bytes, c->n, &cut) != c->want ||
		    cut != c->cut)
			fail_msg("%s", c->name);
	}
}

/* test_all_two_byte - every 2-byte sequence agrees with the table */
static void
test_all_two_byte(void **state)
{
	uint8_t	 b[2];
	unsigned x, y;
	int	 cut, good;

	(void)state;
	for (x = 0; x < 256; x++)
		for (y = 0; y < 256; y++) {
			b[0] = (uint8_t)x;
			b[1] = (uint8_t)y;
			good = x >= 0xc2 && x <= 0xdf && y >= 0x80 && y <= 0xbf;
			assert_int_equal(utf8_seq(b, 2, &cut), good ? 2 : 0);
		}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cases),
		cmocka_unit_test(test_all_two_byte),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
