/*
 * test_verdict.c - the verdict tree (lib/av/verdict.h)
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "av/verdict.h"

static void	 test_empty(void **);
static void	 test_tree(void **);
static void	 test_order(void **);
static void	 test_names(void **);
static void	 test_reason(void **);
static void	 test_reset(void **);
static void	 test_many(void **);
static void	 test_errors(void **);

/* test_empty - a fresh verdict is clean and has nothing */
static void
test_empty(void **state)
{
	struct verdict	 v;

	(void)state;
	verdict_init(&v);
	assert_int_equal(v.status, AV_CLEAN);
	assert_int_equal(v.nobj, 0);
	assert_string_equal(verdict_path(&v, 0), "");
	assert_string_equal(verdict_reason(&v, 0), "");
	assert_true(verdict_hit(&v, 0, 0) == UINT32_MAX);
	verdict_free(&v);
}

/* test_tree - objects with parents, depths, paths */
static void
test_tree(void **state)
{
	struct verdict	 v;
	int		 a, b, c;

	(void)state;
	verdict_init(&v);
	a = verdict_object(&v, UINT32_MAX, "msg.eml", 0, 8, 1000);
	b = verdict_object(&v, a, "msg.eml/2:invoice.zip", 1, 23, 500);
	c = verdict_object(&v, b, "msg.eml/2:invoice.zip/doc/evil.exe", 2,
	    9, 68);
	assert_int_equal(a, 0);
	assert_int_equal(b, 1);
	assert_int_equal(c, 2);
	assert_int_equal(v.obj[c].parent, (uint32_t)b);
	assert_int_equal(v.obj[c].depth, 2);
	assert_int_equal(v.obj[c].type, 9);
	assert_int_equal(v.obj[c].size, 68);
	assert_string_equal(verdict_path(&v, c),
	    "msg.eml/2:invoice.zip/doc/evil.exe");
	assert_int_equal(verdict_infected(&v, c, "Eicar-Test-Signature"), 0);
	assert_int_equal(v.status, AV_INFECTED);
	assert_int_equal(v.obj[c].status, AV_INFECTED);
	assert_int_equal(v.obj[a].status, AV_CLEAN);
	assert_int_equal(v.ninfected, 1);
	verdict_free(&v);
}

/* test_order - statuses only rise; the input's is the highest */
static void
test_order(void **state)
{
	static const struct {
		const char	*name;
		int		 ops[4];	/* 1 infected, 2 not scanned */
		int		 want;
	} cases[] = {
		{ "nothing", { 0 }, AV_CLEAN },
		{ "not scanned", { 2 }, AV_NOTSCANNED },
		{ "infected", { 1 }, AV_INFECTED },
		{ "not scanned then infected", { 2, 1 }, AV_INFECTED },
		{ "infected then not scanned", { 1, 2 }, AV_INFECTED },
	};
	struct verdict	 v;
	size_t		 i, k;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		verdict_init(&v);
		assert_int_equal(verdict_object(&v, UINT32_MAX, "x", 0, 0, 0),
		    0);
		for (k = 0; k < 4 && cases[i].ops[k]; k++)
			if (cases[i].ops[k] == 1)
				assert_int_equal(verdict_infected(&v, 0, "N"),
				    0);
			else
				assert_int_equal(verdict_notscanned(&v, 0,
				    "limit: files"), 0);
		if (v.status != cases[i].want || v.obj[0].status !=
		    cases[i].want)
			fail_msg("%s: status %d, want %d", cases[i].name,
			    v.status, cases[i].want);
		assert_int_equal(v.ninfected + v.nnotscanned,
		    v.status == AV_CLEAN ? 0 : 1);
		verdict_free(&v);
	}
}

/* test_names - several names per object, each once, in order */
static void
test_names(void **state)
{
	struct verdict	 v;
	uint32_t	 h;

	(void)state;
	verdict_init(&v);
	assert_int_equal(verdict_object(&v, UINT32_MAX, "f", 0, 0, 1), 0);
	assert_int_equal(verdict_object(&v, 0, "f/g", 1, 0, 1), 1);
	assert_int_equal(verdict_infected(&v, 1, "A"), 0);
	assert_int_equal(verdict_infected(&v, 0, "Z"), 0);
	assert_int_equal(verdict_infected(&v, 1, "B"), 0);
	assert_int_equal(verdict_infected(&v, 1, "A"), 0);
	assert_int_equal(v.obj[1].nhits, 2);
	h = verdict_hit(&v, 1, 0);
	assert_string_equal(verdict_name(&v, h), "A");
	h = verdict_hit(&v, 1, 1);
	assert_string_equal(verdict_name(&v, h), "B");
	assert_true(verdict_hit(&v, 1, 2) == UINT32_MAX);
	h = verdict_hit(&v, 0, 0);
	assert_string_equal(verdict_name(&v, h), "Z");
	assert_int_equal(v.ninfected, 2);
	verdict_free(&v);
}

/* test_reason - the first reason stays */
static void
test_reason(void **state)
{
	struct verdict	 v;

	(void)state;
	verdict_init(&v);
	assert_int_equal(verdict_object(&v, UINT32_MAX, "a.zip", 0, 0, 1), 0);
	assert_int_equal(verdict_notscanned(&v, 0, "encrypted"), 0);
	assert_int_equal(verdict_notscanned(&v, 0, "limit: files"), 0);
	assert_string_equal(verdict_reason(&v, 0), "encrypted");
	assert_int_equal(v.nnotscanned, 1);
	/* a detection raises it, and the reason is still there */
	assert_int_equal(verdict_infected(&v, 0, "X"), 0);
	assert_int_equal(v.nnotscanned, 0);
	assert_int_equal(v.ninfected, 1);
	assert_string_equal(verdict_reason(&v, 0), "encrypted");
	verdict_free(&v);
}

/* test_reset - an emptied verdict is reused */
static void
test_reset(void **state)
{
	struct verdict	 v;
	int		 i;

	(void)state;
	verdict_init(&v);
	for (i = 0; i < 3; i++) {
		verdict_reset(&v);
		assert_int_equal(v.nobj, 0);
		assert_int_equal(v.status, AV_CLEAN);
		assert_int_equal(verdict_object(&v, UINT32_MAX, "in", 0, 0,
		    0), 0);
		assert_int_equal(verdict_infected(&v, 0, "N"), 0);
		assert_string_equal(verdict_path(&v, 0), "in");
		assert_int_equal(v.ninfected, 1);
	}
	verdict_free(&v);
}

/* test_many - thousands of objects and long paths */
static void
test_many(void **state)
{
	struct verdict	 v;
	char		 path[600];
	uint32_t	 i;

	(void)state;
	verdict_init(&v);
	assert_int_equal(verdict_object(&v, UINT32_MAX, "big.zip", 0, 0, 0),
	    0);
	for (i = 1; i < 20000; i++) {
		snprintf(path, sizeof(path), "big.zip/%0500u", i);
		assert_int_equal(verdict_object(&v, 0, path, 1, 0, i), (int)i);
		if (i % 1000 == 0)
			assert_int_equal(verdict_notscanned(&v, i, "corrupt"),
			    0);
	}
	assert_int_equal(v.nobj, 20000);
	assert_int_equal(v.nnotscanned, 19);
	assert_int_equal(v.status, AV_NOTSCANNED);
	snprintf(path, sizeof(path), "big.zip/%0500u", 12345);
	assert_string_equal(verdict_path(&v, 12345), path);
	verdict_free(&v);
}

/* test_errors - objects that do not exist */
static void
test_errors(void **state)
{
	struct verdict	 v;

	(void)state;
	verdict_init(&v);
	errno = 0;
	assert_int_equal(verdict_object(&v, 3, "x", 1, 0, 0), -1);
	assert_int_equal(errno, EINVAL);
	errno = 0;
	assert_int_equal(verdict_infected(&v, 0, "N"), -1);
	assert_int_equal(errno, EINVAL);
	errno = 0;
	assert_int_equal(verdict_notscanned(&v, 7, "r"), -1);
	assert_int_equal(errno, EINVAL);
	assert_string_equal(av_status_str(AV_CLEAN), "clean");
	assert_string_equal(av_status_str(AV_INFECTED), "infected");
	assert_string_equal(av_status_str(AV_NOTSCANNED), "not scanned");
	verdict_free(&v);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_tree),
		cmocka_unit_test(test_order),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_reason),
		cmocka_unit_test(test_reset),
		cmocka_unit_test(test_many),
		cmocka_unit_test(test_errors),
	};

	return cmocka_run_group_tests_name("verdict", tests, NULL, NULL);
}
