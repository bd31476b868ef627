/*
 * test_buf.c - unit tests for lib/util/buf.[ch]
 *
 * The contract under test is buf.h: buf_add() and buf_addz() return the
 * offset where their bytes start, buf_align() zero-pads to a power of two
 * and returns the new length, and an allocation failure sets "failed",
 * after which every addition is ignored and buf_reserve() keeps failing
 * with ENOMEM.  Failure is simulated by asking buf_reserve() for SIZE_MAX
 * (or for more than SIZE_MAX - len), which no allocator can satisfy and
 * which buf.c must refuse before calling realloc(3).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "util/buf.h"

#define nitems(a)	(sizeof(a) / sizeof((a)[0]))

/* buf_align(): start with len bytes of 0xee, align to a, expect want. */
static const struct align_case {
	const char	*name;
	size_t		 len;
	size_t		 a;
	size_t		 want;
} align_cases[] = {
	{ "align: empty stays empty",		0,	8,	0 },
	{ "align: 1 to 8",			1,	8,	8 },
	{ "align: 7 to 8",			7,	8,	8 },
	{ "align: 8 already aligned",		8,	8,	8 },
	{ "align: 9 to 16",			9,	8,	16 },
	{ "align: 1 to 64",			1,	64,	64 },
	{ "align: 63 to 64",			63,	64,	64 },
	{ "align: 64 already aligned",		64,	64,	64 },
	{ "align: 65 to 128",			65,	64,	128 },
	{ "align: a=1 never pads",		13,	1,	13 },
	{ "align: a=2",				13,	2,	14 },
	{ "align: 300 to 4096 (grows)",		300,	4096,	4096 },
};

/* Failure: fill len bytes, then buf_reserve(more) must fail. */
static const struct fail_case {
	const char	*name;
	size_t		 len;
	size_t		 more;		/* 0: SIZE_MAX - len + 1 */
} fail_cases[] = {
	{ "fail: reserve SIZE_MAX on an empty buffer",	0,	SIZE_MAX },
	{ "fail: reserve SIZE_MAX with data",		10,	SIZE_MAX },
	{ "fail: len + more wraps by one",		10,	0 },
	{ "fail: reserve SIZE_MAX after growth",	1000,	SIZE_MAX },
	{ "fail: SIZE_MAX / 2 + 2 (doubling limit)",	0,
	    SIZE_MAX / 2 + 2 },
};

static void	 fill(struct buf *, size_t, uint8_t);
static int	 all_bytes(const uint8_t *, size_t, uint8_t);
static void	 test_init(void **);
static void	 test_offsets(void **);
static void	 test_growth(void **);
static void	 test_zero_fill(void **);
static void	 test_align_case(void **);
static void	 test_align_pad_zero(void **);
static void	 test_reserve(void **);
static void	 test_add_nothing(void **);
static void	 test_fail_case(void **);
static void	 test_clear_after_failure(void **);

/* fill - append n bytes of value c one call at a time */
static void
fill(struct buf *b, size_t n, uint8_t c)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		buf_add(b, &c, 1);
}

/* all_bytes - are the n bytes at p all c */
static int
all_bytes(const uint8_t *p, size_t n, uint8_t c)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		if (p[i] != c)
			return 0;
	return 1;
}

/* test_init - an initialised buffer is empty and owns nothing */
static void
test_init(void **state)
{
	struct buf	 b;

	(void)state;
	memset(&b, 0xa5, sizeof(b));
	buf_init(&b);
	assert_null(b.data);
	assert_int_equal(b.len, 0);
	assert_int_equal(b.cap, 0);
	assert_int_equal(b.failed, 0);
	buf_clear(&b);			/* clearing an empty buffer is fine */
	assert_null(b.data);
	assert_int_equal(b.len, 0);
}

/* test_offsets - each addition returns where its bytes start */
static void
test_offsets(void **state)
{
	static const struct {
		const char	*data;	/* NULL: buf_addz */
		size_t		 n;
		size_t		 want_off;
	} steps[] = {
		{ "abc",	3,	0 },
		{ NULL,		2,	3 },
		{ "defgh",	5,	5 },
		{ "",		0,	10 },
		{ NULL,		0,	10 },
		{ "i",		1,	10 },
	};
	struct buf	 b;
	size_t		 i;

	(void)state;
	buf_init(&b);
	for (i = 0; i < nitems(steps); i++) {
		if (steps[i].data != NULL)
			assert_int_equal(buf_add(&b, steps[i].data,
			    steps[i].n), steps[i].want_off);
		else
			assert_int_equal(buf_addz(&b, steps[i].n),
			    steps[i].want_off);
	}
	assert_int_equal(b.len, 11);
	assert_memory_equal(b.data, "abc\0\0defghi", 11);
	assert_int_equal(b.failed, 0);
	buf_clear(&b);
}

/* test_growth - byte by byte to 100000: data intact, cap sane */
static void
test_growth(void **state)
{
	struct buf	 b;
	size_t		 i, off, lastcap = 0, grows = 0;
	uint8_t		 c;

	(void)state;
	buf_init(&b);
	for (i = 0; i < 100000; i++) {
		c = (uint8_t)(i * 7 + (i >> 8));
		off = buf_add(&b, &c, 1);
		assert_int_equal(off, i);
		assert_int_equal(b.len, i + 1);
		assert_true(b.cap >= b.len);
		if (b.cap != lastcap) {
			/* never shrinks; grows geometrically */
			assert_true(b.cap > lastcap);
			assert_true(lastcap == 0 || b.cap >= 2 * lastcap);
			lastcap = b.cap;
			grows++;
		}
	}
	/* geometric growth: a handful of reallocations, not thousands */
	assert_true(grows <= 20);
	for (i = 0; i < 100000; i++)
		if (b.data[i] != (uint8_t)(i * 7 + (i >> 8)))
			fail_msg("byte %zu changed across growth", i);
	/* one large addition after many small ones */
	{
		uint8_t	*big = malloc(300000);

		assert_non_null(big);
		memset(big, 0x5a, 300000);
		assert_int_equal(buf_add(&b, big, 300000), 100000);
		assert_int_equal(b.len, 400000);
		assert_true(b.cap >= 400000);
		assert_true(all_bytes(b.data + 100000, 300000, 0x5a));
		assert_int_equal(b.data[99999], (uint8_t)(99999 * 7 +
		    (99999 >> 8)));
		free(big);
	}
	assert_int_equal(b.failed, 0);
	buf_clear(&b);
}

/* test_zero_fill - buf_addz writes zeros even over recycled memory */
static void
test_zero_fill(void **state)
{
	struct buf	 b;
	size_t		 off, i;

	(void)state;
	buf_init(&b);
	/* dirty memory then shrink len: the capacity is reused */
	fill(&b, 5000, 0xff);
	b.len = 10;
	off = buf_addz(&b, 4000);
	assert_int_equal(off, 10);
	assert_int_equal(b.len, 4010);
	assert_true(all_bytes(b.data, 10, 0xff));
	assert_true(all_bytes(b.data + 10, 4000, 0));
	/* across a reallocation */
	off = buf_addz(&b, 100000);
	assert_int_equal(off, 4010);
	assert_true(all_bytes(b.data + 4010, 100000, 0));
	for (i = 0; i < 10; i++)
		assert_int_equal(b.data[i], 0xff);
	buf_clear(&b);
}

/* test_align_case - one row of align_cases */
static void
test_align_case(void **state)
{
	const struct align_case	*c = *state;
	struct buf		 b;
	size_t			 got;

	buf_init(&b);
	fill(&b, c->len, 0xee);
	got = buf_align(&b, c->a);
	assert_int_equal(got, c->want);
	assert_int_equal(b.len, c->want);
	if (c->len > 0)
		assert_true(all_bytes(b.data, c->len, 0xee));
	if (c->want > c->len)
		assert_true(all_bytes(b.data + c->len, c->want - c->len, 0));
	/* aligning again is a no-op */
	assert_int_equal(buf_align(&b, c->a), c->want);
	assert_int_equal(b.failed, 0);
	buf_clear(&b);
}

/* test_align_pad_zero - padding is zero even where memory was dirty */
static void
test_align_pad_zero(void **state)
{
	struct buf	 b;

	(void)state;
	buf_init(&b);
	fill(&b, 200, 0xcc);
	b.len = 3;
	assert_int_equal(buf_align(&b, 64), 64);
	assert_true(all_bytes(b.data + 3, 61, 0));
	assert_int_equal(buf_add(&b, "x", 1), 64);
	buf_clear(&b);
}

/* test_reserve - room without length */
static void
test_reserve(void **state)
{
	struct buf	 b;
	uint8_t		*before;

	(void)state;
	buf_init(&b);
	assert_int_equal(buf_reserve(&b, 0), 0);
	assert_int_equal(b.len, 0);
	assert_int_equal(buf_reserve(&b, 1000), 0);
	assert_int_equal(b.len, 0);
	assert_true(b.cap >= 1000);
	before = b.data;
	/* additions within the reservation do not move the data */
	fill(&b, 1000, 1);
	assert_ptr_equal(b.data, before);
	assert_int_equal(buf_reserve(&b, 0), 0);
	assert_int_equal(buf_reserve(&b, b.cap - b.len), 0);
	assert_ptr_equal(b.data, before);
	assert_int_equal(buf_reserve(&b, b.cap - b.len + 1), 0);
	assert_true(b.cap >= 1001);
	assert_int_equal(b.len, 1000);
	assert_true(all_bytes(b.data, 1000, 1));
	assert_int_equal(b.failed, 0);
	buf_clear(&b);
}

/* test_add_nothing - zero-length additions change nothing */
static void
test_add_nothing(void **state)
{
	struct buf	 b;

	(void)state;
	buf_init(&b);
	assert_int_equal(buf_add(&b, "", 0), 0);
	assert_int_equal(buf_addz(&b, 0), 0);
	assert_int_equal(b.len, 0);
	assert_int_equal(b.failed, 0);
	buf_add(&b, "ab", 2);
	assert_int_equal(buf_add(&b, "", 0), 2);
	assert_int_equal(b.len, 2);
	buf_clear(&b);
}

/* test_fail_case - one row of fail_cases: failure is sticky */
static void
test_fail_case(void **state)
{
	const struct fail_case	*c = *state;
	struct buf		 b;
	uint8_t			*data;
	size_t			 len, cap, more;

	buf_init(&b);
	fill(&b, c->len, 0x42);
	more = c->more ? c->more : SIZE_MAX - c->len + 1;
	data = b.data;
	len = b.len;
	cap = b.cap;

	errno = 0;
	assert_int_equal(buf_reserve(&b, more), -1);
	assert_int_equal(errno, ENOMEM);
	assert_int_equal(b.failed, 1);
	/* the data already there is untouched */
	assert_ptr_equal(b.data, data);
	assert_int_equal(b.len, len);
	assert_int_equal(b.cap, cap);

	/* further additions are ignored: they return the current length */
	assert_int_equal(buf_add(&b, "xyz", 3), len);
	assert_int_equal(buf_addz(&b, 5), len);
	assert_int_equal(buf_align(&b, 64), len);
	assert_int_equal(b.len, len);
	assert_int_equal(b.failed, 1);
	/* even a request that would fit in the capacity fails */
	errno = 0;
	assert_int_equal(buf_reserve(&b, 1), -1);
	assert_int_equal(errno, ENOMEM);
	errno = 0;
	assert_int_equal(buf_reserve(&b, 0), -1);
	assert_int_equal(errno, ENOMEM);
	assert_int_equal(b.failed, 1);
	if (len > 0)
		assert_true(all_bytes(b.data, len, 0x42));
	buf_clear(&b);
}

/* test_clear_after_failure - buf_clear makes a failed buffer usable */
static void
test_clear_after_failure(void **state)
{
	struct buf	 b;

	(void)state;
	buf_init(&b);
	fill(&b, 10, 1);
	assert_int_equal(buf_reserve(&b, SIZE_MAX), -1);
	assert_int_equal(b.failed, 1);
	buf_clear(&b);
	assert_int_equal(b.failed, 0);
	assert_null(b.data);
	assert_int_equal(b.len, 0);
	assert_int_equal(buf_add(&b, "ok", 2), 0);
	assert_int_equal(b.len, 2);
	assert_memory_equal(b.data, "ok", 2);
	assert_int_equal(b.failed, 0);
	buf_clear(&b);
}

int
main(void)
{
	struct CMUnitTest	*t;
	size_t			 n = 0, i;
	int			 rc;

	t = calloc(nitems(align_cases) + nitems(fail_cases) + 8, sizeof(*t));
	if (t == NULL)
		return 1;
	t[n].name = "init and clear";
	t[n++].test_func = test_init;
	t[n].name = "offsets returned";
	t[n++].test_func = test_offsets;
	t[n].name = "growth to 400000 bytes";
	t[n++].test_func = test_growth;
	t[n].name = "buf_addz zero-fills";
	t[n++].test_func = test_zero_fill;
	t[n].name = "align pads with zeros over dirty memory";
	t[n++].test_func = test_align_pad_zero;
	t[n].name = "reserve";
	t[n++].test_func = test_reserve;
	t[n].name = "zero-length additions";
	t[n++].test_func = test_add_nothing;
	t[n].name = "clear after failure";
	t[n++].test_func = test_clear_after_failure;
	for (i = 0; i < nitems(align_cases); i++) {
		t[n].name = align_cases[i].name;
		t[n].test_func = test_align_case;
		t[n++].initial_state = (void *)&align_cases[i];
	}
	for (i = 0; i < nitems(fail_cases); i++) {
		t[n].name = fail_cases[i].name;
		t[n].test_func = test_fail_case;
		t[n++].initial_state = (void *)&fail_cases[i];
	}
	rc = _cmocka_run_group_tests("buf", t, n, NULL, NULL);
	free(t);
	return rc;
}
