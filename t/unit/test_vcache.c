/*
 * test_vcache.c - unit tests for workers/vcache.[ch]
 *
 * vcache.h promises: a key that changes with any byte, the length, a
 * limit, a flag or the cache (each has its own secret); a
 * clean tree back exactly, under the new input's name; nothing kept that
 * is infected, not scanned, too large, or beyond the byte budget; a slot
 * taken over by a newer key; the hit and miss counts.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "workers/vcache.h"

static const struct scan_limits lim0 = { 16, 400 << 20, 10000, 100 << 20,
    1000, 120000, 0 };

/* key - the key of a string in cache c under limits lim and flags */
static void
key(struct vcache *c, uint8_t k[VCACHE_KEYLEN], const char *s,
    const struct scan_limits *lim, unsigned flags)
{
	assert_int_equal(vcache_key(c, k, (const uint8_t *)s, strlen(s), lim,
	    flags), 0);
}

/* tree - a clean zip of two members, its input called name */
static void
tree(struct verdict *v, const char *name)
{
	char	 p[256];

	verdict_reset(v);
	assert_int_equal(verdict_object(v, UINT32_MAX, name, 0, 3, 300), 0);
	snprintf(p, sizeof(p), "%s/a.txt", name);
	assert_int_equal(verdict_object(v, 0, p, 1, 7, 10), 1);
	snprintf(p, sizeof(p), "%s/dir/b.exe", name);
	assert_int_equal(verdict_object(v, 0, p, 1, 9, 20), 2);
}

/* test_key - every input of the key counts */
static void
test_key(void **state)
{
	struct scan_limits	 lim = lim0;
	struct vcache		*c, *d;
	uint8_t			 a[VCACHE_KEYLEN], b[VCACHE_KEYLEN];
	uint8_t			 big[100000];

	(void)state;
	assert_non_null(c = vcache_new(64, 1 << 20));
	assert_non_null(d = vcache_new(64, 1 << 20));
	key(c, a, "hello", &lim, 0);
	key(c, b, "hello", &lim, 0);
	assert_memory_equal(a, b, VCACHE_KEYLEN);
	key(c, b, "hellp", &lim, 0);
	assert_memory_not_equal(a, b, VCACHE_KEYLEN);
	key(c, b, "hello", &lim, 1);
	assert_memory_not_equal(a, b, VCACHE_KEYLEN);
	lim.max_filesize++;
	key(c, b, "hello", &lim, 0);
	assert_memory_not_equal(a, b, VCACHE_KEYLEN);
	lim = lim0;
	lim.heuristics = 1;
	key(c, b, "hello", &lim, 0);
	assert_memory_not_equal(a, b, VCACHE_KEYLEN);
	/* the empty input has a key too */
	assert_int_equal(vcache_key(c, b, NULL, 0, &lim0, 0), 0);
	assert_memory_not_equal(a, b, VCACHE_KEYLEN);
	/* another cache, another secret: another key for the same input */
	key(d, b, "hello", &lim0, 0);
	assert_memory_not_equal(a, b, VCACHE_KEYLEN);
	key(d, a, "hello", &lim0, 0);
	assert_memory_equal(a, b, VCACHE_KEYLEN);
	/* a long input: its last byte counts, and so does its length */
	memset(big, 'x', sizeof(big));
	assert_int_equal(vcache_key(c, a, big, sizeof(big), &lim0, 0), 0);
	big[sizeof(big) - 1] = 'y';
	assert_int_equal(vcache_key(c, b, big, sizeof(big), &lim0, 0), 0);
	assert_memory_not_equal(a, b, VCACHE_KEYLEN);
	big[sizeof(big) - 1] = 0;
	assert_int_equal(vcache_key(c, a, big, sizeof(big), &lim0, 0), 0);
	assert_int_equal(vcache_key(c, b, big, sizeof(big) - 1, &lim0, 0), 0);
	assert_memory_not_equal(a, b, VCACHE_KEYLEN);
	vcache_free(c);
	vcache_free(d);
}

/* test_roundtrip - a clean tree back under another name */
static void
test_roundtrip(void **state)
{
	struct vcache	*c;
	struct verdict	 v, got;
	uint8_t		 k[VCACHE_KEYLEN];
	uint64_t	 hits, misses;

	(void)state;
	verdict_init(&v);
	verdict_init(&got);
	assert_non_null(c = vcache_new(64, 1 << 20));
	key(c, k, "zip bytes", &lim0, 0);
	assert_int_equal(vcache_get(c, k, "x", &got), 0);
	tree(&v, "fd[12]");
	vcache_put(c, k, &v);
	assert_int_equal(vcache_get(c, k, "/srv/m.zip", &got), 1);
	assert_int_equal(got.status, AV_CLEAN);
	assert_int_equal(got.nobj, 3);
	assert_string_equal(verdict_path(&got, 0), "/srv/m.zip");
	assert_string_equal(verdict_path(&got, 1), "/srv/m.zip/a.txt");
	assert_string_equal(verdict_path(&got, 2), "/srv/m.zip/dir/b.exe");
	assert_int_equal(got.obj[0].parent, UINT32_MAX);
	assert_int_equal(got.obj[2].parent, 0);
	assert_int_equal(got.obj[2].depth, 1);
	assert_int_equal(got.obj[2].type, 9);
	assert_int_equal(got.obj[2].size, 20);
	assert_int_equal(got.obj[0].size, 300);
	vcache_stats(c, &hits, &misses);
	assert_int_equal(hits, 1);
	assert_int_equal(misses, 1);
	vcache_free(c);
	verdict_free(&v);
	verdict_free(&got);
}

/* test_not_kept - infected, not scanned, too large, over budget */
static void
test_not_kept(void **state)
{
	struct vcache	*c;
	struct verdict	 v, got;
	uint8_t		 k[VCACHE_KEYLEN];
	char		 p[64];
	uint32_t	 i;

	(void)state;
	verdict_init(&v);
	verdict_init(&got);
	assert_non_null(c = vcache_new(64, 1 << 20));
	key(c, k, "a", &lim0, 0);
	tree(&v, "in");
	assert_int_equal(verdict_infected(&v, 2, "Eicar-Test-Signature"), 0);
	vcache_put(c, k, &v);
	assert_int_equal(vcache_get(c, k, "in", &got), 0);
	tree(&v, "in");
	assert_int_equal(verdict_notscanned(&v, 1, "limit: recursion"), 0);
	vcache_put(c, k, &v);
	assert_int_equal(vcache_get(c, k, "in", &got), 0);
	verdict_reset(&v);
	assert_int_equal(verdict_object(&v, UINT32_MAX, "in", 0, 0, 1), 0);
	for (i = 1; i <= VCACHE_MAXOBJ; i++) {
		snprintf(p, sizeof(p), "in/%u", i);
		assert_int_equal(verdict_object(&v, 0, p, 1, 0, 1), (int)i);
	}
	vcache_put(c, k, &v);
	assert_int_equal(vcache_get(c, k, "in", &got), 0);
	vcache_free(c);
	/* a budget of a few bytes keeps nothing */
	assert_non_null(c = vcache_new(64, 16));
	tree(&v, "in");
	vcache_put(c, k, &v);
	assert_int_equal(vcache_get(c, k, "in", &got), 0);
	vcache_free(c);
	verdict_free(&v);
	verdict_free(&got);
}

/* test_slot - one slot: the newer key takes it, the budget follows */
static void
test_slot(void **state)
{
	struct vcache	*c;
	struct verdict	 v, got;
	uint8_t		 k1[VCACHE_KEYLEN], k2[VCACHE_KEYLEN];
	int		 i;

	(void)state;
	verdict_init(&v);
	verdict_init(&got);
	/* room for one tree only: replacing must give its bytes back */
	assert_non_null(c = vcache_new(1, 400));
	key(c, k1, "one", &lim0, 0);
	key(c, k2, "two", &lim0, 0);
	tree(&v, "in");
	for (i = 0; i < 100; i++) {
		vcache_put(c, i % 2 ? k2 : k1, &v);
		assert_int_equal(vcache_get(c, i % 2 ? k2 : k1, "in", &got),
		    1);
		assert_int_equal(vcache_get(c, i % 2 ? k1 : k2, "in", &got),
		    0);
	}
	assert_null(vcache_new(0, 1));
	vcache_free(c);
	vcache_free(NULL);
	verdict_free(&v);
	verdict_free(&got);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_key),
		cmocka_unit_test(test_roundtrip),
		cmocka_unit_test(test_not_kept),
		cmocka_unit_test(test_slot),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
