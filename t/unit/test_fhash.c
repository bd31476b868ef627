/*
 * test_fhash.c - unit tests for lib/util/fhash.[ch]
 *
 * fhash64() guards every module (vmod.h: header and body checksums), so
 * what matters is that it is a function of the bytes, the length and the
 * seed only (not of alignment or of what lies past n), and that the
 * corruptions a disk or a copy produce -- a flipped bit, a truncation,
 * zero padding -- change it.  The pinned values below are part of the
 * module format: a change to fhash64() that alters them makes every
 * published module fail its checksum, and must come with a new
 * VMOD_VERSION.
 */
#include <stdlib.h>
#include <string.h>

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "util/fhash.h"

#define nitems(a)	(sizeof(a) / sizeof((a)[0]))
#define MAXLEN		512

enum fill { F_ZERO, F_ONES, F_SQUARES, F_ABC };

/* Pinned values: the module format depends on them. */
static const struct pin_case {
	const char	*name;
	enum fill	 fill;
	size_t		 len;
	uint64_t	 seed;
	uint64_t	 want;
} pin_cases[] = {
	{ "pinned: empty",		F_ZERO,	0, 0, 0xc869e97a4201f128ULL },
	{ "pinned: abc",		F_ABC,	3, 0, 0x50b2a245734ea41dULL },
	{ "pinned: abc, seed 1",	F_ABC,	3, 1, 0xa4eca504bc7099f4ULL },
	{ "pinned: 32 bytes (one block)", F_SQUARES, 32, 0,
	    0xdf0f9b9b07445d11ULL },
	{ "pinned: 41 bytes (block, word, tail)", F_SQUARES, 41, 0,
	    0xc476607640b2666aULL },
	{ "pinned: 100 bytes, seed", F_SQUARES, 100, 0x0123456789abcdefULL,
	    0x833c1a97066423a4ULL },
};

/* Lengths that exercise every path: tail, words, blocks, mixes. */
static const size_t edge_lens[] = {
	0, 1, 2, 7, 8, 9, 15, 16, 17, 24, 31, 32, 33, 39, 40, 41, 63, 64, 65,
	95, 96, 97, 127, 128, 129, 200, 255, 256, 257,
};

static const struct fill_case {
	const char	*name;
	enum fill	 fill;
} len_cases[] = {
	{ "lengths 0..200 distinct: zero bytes",	F_ZERO },
	{ "lengths 0..200 distinct: 0xff bytes",	F_ONES },
	{ "lengths 0..200 distinct: varied bytes",	F_SQUARES },
};

static void	 fill_buf(uint8_t *, size_t, enum fill);
static int	 u64_cmp(const void *, const void *);
static void	 assert_distinct(uint64_t *, size_t, const char *);
static void	 test_pin_case(void **);
static void	 test_deterministic(void **);
static void	 test_seed(void **);
static void	 test_len_case(void **);
static void	 test_alignment(void **);
static void	 test_bitflips(void **);
static void	 test_no_overread(void **);
static void	 test_zero_extension(void **);

/* fill_buf - deterministic contents */
static void
fill_buf(uint8_t *p, size_t n, enum fill f)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		switch (f) {
		case F_ZERO:
			p[i] = 0;
			break;
		case F_ONES:
			p[i] = 0xff;
			break;
		case F_SQUARES:
			p[i] = (uint8_t)(i * i + 1);
			break;
		case F_ABC:
			p[i] = (uint8_t)('a' + i % 26);
			break;
		}
}

/* u64_cmp - qsort order */
static int
u64_cmp(const void *a, const void *b)
{
	uint64_t	 x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* assert_distinct - no two of the n values are equal (sorts v) */
static void
assert_distinct(uint64_t *v, size_t n, const char *what)
{
	size_t	 i;

	qsort(v, n, sizeof(*v), u64_cmp);
	for (i = 1; i < n; i++)
		if (v[i] == v[i - 1])
			fail_msg("%s: two inputs hash to %016llx", what,
			    (unsigned long long)v[i]);
}

/* test_pin_case - one row of pin_cases */
static void
test_pin_case(void **state)
{
	const struct pin_case	*c = *state;
	uint8_t			 buf[MAXLEN];

	fill_buf(buf, c->len, c->fill);
	assert_int_equal(fhash64(buf, c->len, c->seed), c->want);
}

/* test_deterministic - the same input always gives the same value */
static void
test_deterministic(void **state)
{
	uint8_t		 a[MAXLEN], b[MAXLEN];
	size_t		 i;
	uint64_t	 h;

	(void)state;
	fill_buf(a, sizeof(a), F_SQUARES);
	memcpy(b, a, sizeof(b));
	for (i = 0; i < nitems(edge_lens); i++) {
		h = fhash64(a, edge_lens[i], 7);
		assert_int_equal(fhash64(a, edge_lens[i], 7), h);
		/* a copy elsewhere in memory */
		assert_int_equal(fhash64(b, edge_lens[i], 7), h);
	}
}

/* test_seed - every seed gives a different value at every length */
static void
test_seed(void **state)
{
	static const uint64_t seeds[] = {
		0, 1, 2, 3, 0x80, 1ULL << 32, 1ULL << 63, UINT64_MAX,
		0xa0761d6478bd642fULL, 0x6a09e667f3bcc908ULL,
	};
	uint8_t		 buf[MAXLEN];
	uint64_t	 v[nitems(seeds)];
	size_t		 i, k;

	(void)state;
	fill_buf(buf, sizeof(buf), F_SQUARES);
	for (i = 0; i < nitems(edge_lens); i++) {
		for (k = 0; k < nitems(seeds); k++)
			v[k] = fhash64(buf, edge_lens[i], seeds[k]);
		assert_distinct(v, nitems(seeds), "seeds");
	}
}

/* test_len_case - every prefix length 0..200 of one buffer differs */
static void
test_len_case(void **state)
{
	const struct fill_case	*c = *state;
	uint8_t			 buf[MAXLEN];
	uint64_t		 v[201];
	size_t			 n;

	fill_buf(buf, sizeof(buf), c->fill);
	for (n = 0; n <= 200; n++)
		v[n] = fhash64(buf, n, 0);
	assert_distinct(v, nitems(v), c->name);
}

/* test_alignment - the same bytes at offsets 0..15 hash the same */
static void
test_alignment(void **state)
{
	uint8_t		 src[MAXLEN], *buf;
	size_t		 i, off;
	uint64_t	 want;

	(void)state;
	fill_buf(src, sizeof(src), F_SQUARES);
	buf = malloc(MAXLEN + 16);
	assert_non_null(buf);
	for (i = 0; i < nitems(edge_lens); i++) {
		want = fhash64(src, edge_lens[i], 0x55);
		for (off = 0; off < 16; off++) {
			memset(buf, 0xa5, MAXLEN + 16);
			memcpy(buf + off, src, edge_lens[i]);
			if (fhash64(buf + off, edge_lens[i], 0x55) != want)
				fail_msg("length %zu at offset %zu differs",
				    edge_lens[i], off);
		}
	}
	free(buf);
}

/* test_bitflips - each single bit flip changes the value, distinctly */
static void
test_bitflips(void **state)
{
	static const size_t lens[] = { 1, 7, 8, 9, 31, 32, 33, 64, 100, 257 };
	uint8_t		 buf[MAXLEN];
	uint64_t	*v;
	size_t		 i, bit, n;

	(void)state;
	v = calloc(257 * 8 + 1, sizeof(*v));
	assert_non_null(v);
	for (i = 0; i < nitems(lens); i++) {
		n = lens[i];
		fill_buf(buf, n, F_SQUARES);
		v[0] = fhash64(buf, n, 0);
		for (bit = 0; bit < 8 * n; bit++) {
			buf[bit / 8] ^= (uint8_t)(1 << (bit % 8));
			v[bit + 1] = fhash64(buf, n, 0);
			buf[bit / 8] ^= (uint8_t)(1 << (bit % 8));
		}
		/* the original and every flip: all distinct */
		assert_distinct(v, 8 * n + 1, "bit flips");
	}
	free(v);
}

/* test_no_overread - n bytes at the very end of an allocation (ASan) */
static void
test_no_overread(void **state)
{
	uint8_t		 src[MAXLEN], *p;
	size_t		 n;

	(void)state;
	fill_buf(src, sizeof(src), F_SQUARES);
	for (n = 0; n <= 130; n++) {
		if ((p = malloc(n ? n : 1)) == NULL)
			fail_msg("malloc");
		memcpy(p, src, n);
		assert_int_equal(fhash64(p, n, 3), fhash64(src, n, 3));
		free(p);
	}
}

/* test_zero_extension - trailing zero bytes change the value */
static void
test_zero_extension(void **state)
{
	uint8_t		 buf[MAXLEN];
	size_t		 i, n;

	(void)state;
	memset(buf, 0, sizeof(buf));
	for (i = 0; i < nitems(edge_lens); i++) {
		n = edge_lens[i];
		fill_buf(buf, n, F_SQUARES);
		memset(buf + n, 0, 64);
		assert_int_not_equal(fhash64(buf, n, 0),
		    fhash64(buf, n + 1, 0));
		assert_int_not_equal(fhash64(buf, n, 0),
		    fhash64(buf, n + 8, 0));
		assert_int_not_equal(fhash64(buf, n, 0),
		    fhash64(buf, n + 32, 0));
	}
}

int
main(void)
{
	struct CMUnitTest	*t;
	size_t			 n = 0, i;
	int			 rc;

	t = calloc(nitems(pin_cases) + nitems(len_cases) + 8, sizeof(*t));
	if (t == NULL)
		return 1;
	for (i = 0; i < nitems(pin_cases); i++) {
		t[n].name = pin_cases[i].name;
		t[n].test_func = test_pin_case;
		t[n++].initial_state = (void *)&pin_cases[i];
	}
	t[n].name = "deterministic";
	t[n++].test_func = test_deterministic;
	t[n].name = "seed changes the value";
	t[n++].test_func = test_seed;
	for (i = 0; i < nitems(len_cases); i++) {
		t[n].name = len_cases[i].name;
		t[n].test_func = test_len_case;
		t[n++].initial_state = (void *)&len_cases[i];
	}
	t[n].name = "alignment independence";
	t[n++].test_func = test_alignment;
	t[n].name = "single bit flips";
	t[n++].test_func = test_bitflips;
	t[n].name = "no read past n";
	t[n++].test_func = test_no_overread;
	t[n].name = "trailing zeros change the value";
	t[n++].test_func = test_zero_extension;
	rc = _cmocka_run_group_tests("fhash", t, n, NULL, NULL);
	free(t);
	return rc;
}
