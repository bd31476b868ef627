/*
 * test_lexpr.c - unit tests for signatures/lexpr.c
 *
 * The semantics checked are ClamAV's (LogicalSignatures.md, and the
 * behaviour of its expression evaluator where the manual is silent):
 *	- "&" and "|" have equal precedence and group to the right:
 *	  "0&1|2" is "0&(1|2)";
 *	- a subsignature is true when it matched at least once; "A=X",
 *	  "A>X", "A<X" compare its match count ("A<X" is true for 0
 *	  matches, "A=0" is negation) and a ",Y" after a single index is
 *	  ignored;
 *	- a true sub-expression carries the sum of its counts and the set
 *	  of subsignatures that made it true; a false one carries nothing;
 *	- a modified block "(..)=X,Y" compares the count its contents
 *	  carry (0 when they are false, so "(0&1)=0" is true when 0&1 is
 *	  false) and with Y needs Y distinct subsignatures; it passes its
 *	  count, not its set, upwards;
 *	- the official databases' "8==9" and "0=2," are accepted.
 *
 * Besides the tables, a reference evaluator written here from those
 * rules is compared with lexpr_eval() on generated expressions and
 * counts, and the documented cap and LEXPR_MONOTONE properties are
 * checked on the same expressions.  lexpr_check() is fed programs
 * derived from compiled ones: truncated, spliced, with stray bytes, and
 * checked against a smaller subsignature count.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "signatures/lexpr.h"

#define nitems(a)	(sizeof(a) / sizeof((a)[0]))
#define NOCAP		0xffffffffU

/* an expression, counts as "i:n,i:n", and the expected truth */
struct evalcase {
	const char	*name;
	const char	*expr;
	uint32_t	 nsub;
	const char	*counts;
	int		 want;
};

/* an expression that must not compile */
struct errcase {
	const char	*name;
	const char	*expr;
	uint32_t	 nsub;
	const char	*why;		/* substring of *why */
};

/* an expression's flags and cap */
struct flagcase {
	const char	*name;
	const char	*expr;
	uint32_t	 nsub;
	uint32_t	 flags;
	uint32_t	 cap;		/* NOCAP: do not check */
};

/* reference evaluator value */
struct rval {
	int		 ok;
	uint64_t	 cnt;
	uint64_t	 ids;
};

struct rparse {
	const char	*s;
	size_t		 i;
	const uint32_t	*counts;
	int		 err;
};

static void	 parse_counts(const char *, uint32_t *);
static int	 compile(const char *, uint32_t, uint8_t **, uint32_t *,
		    uint32_t *, uint32_t *);
static int	 ref_mod(struct rparse *, char *, uint64_t *, uint64_t *);
static int	 ref_cmp(char, uint64_t, uint64_t);
static struct rval ref_unary(struct rparse *);
static struct rval ref_expr(struct rparse *);
static int	 ref_eval(const char *, const uint32_t *);
static uint32_t	 rnd(void);
static void	 gen_expr(char *, size_t, uint32_t, int);
static void	 test_eval(void **);
static void	 test_err(void **);
static void	 test_flags(void **);
static void	 test_reference(void **);
static void	 test_properties(void **);
static void	 test_check_good(void **);
static void	 test_check_bad(void **);
static void	 test_eval_hostile(void **);
static void	 test_long(void **);

static const struct evalcase evalcases[] = {
	/* presence */
	{ "single true", "0", 1, "0:1", 1 },
	{ "single false", "0", 1, "", 0 },
	{ "single counted many", "0", 1, "0:7", 1 },
	{ "and true", "0&1", 2, "0:1,1:1", 1 },
	{ "and false", "0&1", 2, "0:1", 0 },
	{ "or true left", "0|1", 2, "0:1", 1 },
	{ "or true right", "0|1", 2, "1:1", 1 },
	{ "or false", "0|1", 2, "", 0 },
	{ "index 63", "63", 64, "63:1", 1 },
	{ "index 63 false", "0|63", 64, "62:1", 0 },
	/* grouping: equal precedence, right to left */
	{ "0&1|2 is 0&(1|2): 0 false", "0&1|2", 3, "2:1", 0 },
	{ "0&1|2 is 0&(1|2): true", "0&1|2", 3, "0:1,2:1", 1 },
	{ "0|1&2 is 0|(1&2): 0 alone", "0|1&2", 3, "0:1", 1 },
	{ "0|1&2 is 0|(1&2): 1 alone", "0|1&2", 3, "1:1", 0 },
	{ "0&1&2|3", "0&1&2|3", 4, "0:1,1:1,3:1", 1 },
	{ "0&1&2|3 false", "0&1&2|3", 4, "3:1", 0 },
	{ "(0&1)|2 parenthesised", "(0&1)|2", 3, "2:1", 1 },
	{ "(0|1)&2", "(0|1)&2", 3, "0:1", 0 },
	{ "(0|1)&2 true", "(0|1)&2", 3, "1:1,2:1", 1 },
	{ "doc Sig1", "(0&1&2&3)&(4|1)", 5, "0:1,1:1,2:1,3:1", 1 },
	{ "doc Sig1 false", "(0&1&2&3)&(4|1)", 5, "0:1,2:1,3:1,4:1", 0 },
	{ "nested parens", "((0))", 1, "0:1", 1 },
	{ "deep parens", "((((0|1)&(2|3))))", 4, "1:1,2:1", 1 },
	/* counts on a single subsignature */
	{ "A=X equal", "0=2", 1, "0:2", 1 },
	{ "A=X below", "0=2", 1, "0:1", 0 },
	{ "A=X above", "0=2", 1, "0:3", 0 },
	{ "A>X above", "0>2", 1, "0:3", 1 },
	{ "A>X equal", "0>2", 1, "0:2", 0 },
	{ "A<X below", "0<2", 1, "0:1", 1 },
	{ "A<X zero is true", "0<2", 1, "", 1 },
	{ "A<X equal", "0<2", 1, "0:2", 0 },
	{ "A=0 negation true", "0=0", 1, "", 1 },
	{ "A=0 negation false", "0=0", 1, "0:1", 0 },
	{ "0&1=0", "0&1=0", 2, "0:1", 1 },
	{ "0&1=0 false", "0&1=0", 2, "0:1,1:1", 0 },
	{ "0|1=0 true with no match", "0|1=0", 2, "", 1 },
	{ "A>X,Y on one index ignores Y", "0>1,5", 1, "0:2", 1 },
	{ "A=X,Y on one index ignores Y", "0=2,3", 1, "0:2", 1 },
	{ "A>0", "0>0", 1, "0:1", 1 },
	/* blocks */
	{ "doc Sig2 block >5,2 true", "((0|1|2)>5,2)&(3|1)", 4,
	    "0:3,1:3", 1 },
	{ "block >5,2: one distinct", "(0|1|2)>5,2", 3, "0:6", 0 },
	{ "block >5,2: two distinct", "(0|1|2)>5,2", 3, "0:3,1:3", 1 },
	{ "block >5,2: sum 5", "(0|1|2)>5,2", 3, "0:3,1:2", 0 },
	{ "block >5,2: 6+1", "(0|1|2)>5,2", 3, "0:6,2:1", 1 },
	{ "block >5 no distinct needed", "(0|1|2)>5", 3, "2:6", 1 },
	{ "doc Sig3 block =2", "((0|1|2|3)=2)&(4|1)", 5, "0:1,1:1", 1 },
	{ "doc Sig3 block =2, 3 matches", "((0|1|2|3)=2)&(4|1)", 5,
	    "0:2,1:1", 0 },
	{ "block =3,2", "(0|1|2)=3,2", 3, "0:2,1:1", 1 },
	{ "block =3,2: one distinct", "(0|1|2)=3,2", 3, "0:3", 0 },
	{ "block <3", "(0|1)<3", 2, "0:1,1:1", 1 },
	{ "block <3: too many", "(0|1)<3", 2, "0:2,1:1", 0 },
	{ "block <3: false inside is 0", "(0|1)<3", 2, "", 1 },
	{ "block <3,1: needs one", "(0|1)<3,1", 2, "", 0 },
	{ "block =0 when false", "(0&1)=0", 2, "0:1", 1 },
	{ "block =0 when true", "(0&1)=0", 2, "0:1,1:1", 0 },
	{ "block =0 negation of or", "(0|1)=0", 2, "", 1 },
	{ "block >1 of an and", "(0&1)>1", 2, "0:1,1:1", 1 },
	{ "block >1 of a false and", "(0&1)>1", 2, "0:5", 0 },
	{ "block counts only true side", "(0|1&2)>3", 3, "0:1,1:5", 0 },
	{ "block counts both sides", "(0|1&2)>3", 3, "0:1,1:2,2:2", 1 },
	{ "block on the right", "0&(1|2)>1", 3, "0:1,1:1,2:1", 1 },
	{ "block on the right, too few", "0&(1|2)>1", 3, "0:1,1:1", 0 },
	{ "block with counted members", "(0>1|1)=3", 2, "0:2,1:1", 1 },
	{ "block: failed member adds 0", "(0>2|1)=1", 2, "0:2,1:1", 1 },
	{ "negated member counts 0", "(0=0|1)=0,1", 2, "", 1 },
	{ "modified block passes count up", "((0|1)>1|2)>2", 3,
	    "0:1,1:1,2:1", 1 },
	{ "modified block hides its set", "((0|1)>1|2)>0,2", 3,
	    "0:1,1:1", 0 },
	{ "unmodified block passes set up", "((0|1)|2)>0,2", 3, "0:1,1:1",
	    1 },
	/* leniency of the official databases */
	{ "8==9", "8==9", 10, "8:9", 1 },
	{ "8==9 false", "8==9", 10, "8:8", 0 },
	{ "0=2, trailing comma", "0=2,", 1, "0:2", 1 },
	{ "block >1, trailing comma", "(0|1)>1,", 2, "0:2", 1 },
	{ "0>>1", "0>>1", 1, "0:2", 1 },
};

static const struct errcase errcases[] = {
	{ "empty", "", 1, "" },
	{ "trailing &", "0&", 2, "" },
	{ "leading &", "&0", 2, "" },
	{ "double operator", "0&&1", 2, "" },
	{ "operator only", "|", 1, "" },
	{ "missing )", "(0&1", 2, "" },
	{ "extra )", "0&1)", 2, "" },
	{ "empty parens", "()", 1, "" },
	{ "empty parens with op", "0&()", 1, "" },
	{ "trailing garbage", "0&1x", 2, "" },
	{ "trailing digit after )", "(0)1", 2, "" },
	{ "letters", "a", 1, "" },
	{ "index equal to nsub", "0&3", 3, "range" },
	{ "index above 63", "64", 64, "" },
	{ "index above 63, nsub 65", "64", 65, "" },
	{ "huge index", "99999999999", 1, "" },
	{ "modifier without number", "0=", 1, "" },
	{ "modifier then operator", "0>&1", 2, "" },
	{ "huge count", "0>99999999999", 1, "" },
	{ "block modifier without number", "(0|1)>", 2, "" },
	{ "negative count", "0>-1", 1, "" },
	{ "modifier at start", "=1", 1, "" },
	{ "nsub 0", "0", 0, "" },
};

static const struct flagcase flagcases[] = {
	{ "presence only", "0&1|2", 3, LEXPR_MONOTONE, 1 },
	{ "A>X", "0>5", 1, LEXPR_COUNTS | LEXPR_MONOTONE, 6 },
	{ "A=X", "0=2", 1, LEXPR_COUNTS, 3 },
	{ "A<X", "0<4", 1, LEXPR_COUNTS, 5 },
	{ "A=0", "0&1=0", 2, LEXPR_COUNTS, 1 },
	{ "block >", "(0|1|2)>5,2", 3, LEXPR_COUNTS | LEXPR_MONOTONE, 6 },
	{ "block =", "(0|1)=3", 2, LEXPR_COUNTS, 4 },
	{ "largest wins", "0>2&1=7&2<3", 3, LEXPR_COUNTS, 8 },
	{ "> and = mixed", "0>9|1=1", 2, LEXPR_COUNTS, 10 },
	{ "8==9", "8==9", 10, LEXPR_COUNTS, 10 },
};

/* parse_counts - "i:n,i:n" into counts[64] */
static void
parse_counts(const char *s, uint32_t *counts)
{
	unsigned	 i, n;
	int		 used;

	memset(counts, 0, 64 * sizeof(*counts));
	while (*s != '\0') {
		if (sscanf(s, "%u:%u%n", &i, &n, &used) != 2 || i >= 64)
			fail_msg("bad counts in table: %s", s);
		counts[i] = n;
		s += used;
		if (*s == ',')
			s++;
	}
}

/* compile - lexpr_compile with a failure message */
static int
compile(const char *e, uint32_t nsub, uint8_t **code, uint32_t *len,
    uint32_t *flags, uint32_t *cap)
{
	const char	*why = NULL;

	if (lexpr_compile(e, strlen(e), nsub, code, len, flags, cap, &why)
	    == -1) {
		print_error("\"%s\" does not compile: %s\n", e,
		    why ? why : "(no why)");
		return -1;
	}
	return 0;
}

/*
 * The reference evaluator: written from the rules in the comment at the
 * top, over the text, so that it shares nothing with lexpr.c.
 */

/* ref_mod - optional modifier at the cursor; 1 if present */
static int
ref_mod(struct rparse *p, char *m, uint64_t *x, uint64_t *y)
{
	char	 c = p->s[p->i];

	if (c != '=' && c != '>' && c != '<')
		return 0;
	while (p->s[p->i] == c)
		p->i++;
	*m = c;
	*x = *y = 0;
	if (p->s[p->i] < '0' || p->s[p->i] > '9') {
		p->err = 1;
		return 0;
	}
	while (p->s[p->i] >= '0' && p->s[p->i] <= '9')
		*x = *x * 10 + (uint64_t)(p->s[p->i++] - '0');
	if (p->s[p->i] == ',') {
		p->i++;
		while (p->s[p->i] >= '0' && p->s[p->i] <= '9')
			*y = *y * 10 + (uint64_t)(p->s[p->i++] - '0');
	}
	return 1;
}

/* ref_cmp - count against modifier */
static int
ref_cmp(char m, uint64_t c, uint64_t x)
{
	return m == '=' ? c == x : m == '>' ? c > x : c < x;
}

/* ref_unary - an index or a parenthesised block, with its modifier */
static struct rval
ref_unary(struct rparse *p)
{
	struct rval	 v = { 0, 0, 0 }, in;
	uint64_t	 x, y, id = 0;
	char		 m;
	int		 distinct;

	if (p->s[p->i] == '(') {
		p->i++;
		in = ref_expr(p);
		if (p->s[p->i] != ')') {
			p->err = 1;
			return v;
		}
		p->i++;
		if (!ref_mod(p, &m, &x, &y))
			return in;
		if (!in.ok)
			in.cnt = in.ids = 0;
		distinct = __builtin_popcountll(in.ids);
		if (!ref_cmp(m, in.cnt, x) || (y != 0 && (uint64_t)distinct <
		    y))
			return v;
		v.ok = 1;
		v.cnt = in.cnt;
		return v;
	}
	if (p->s[p->i] < '0' || p->s[p->i] > '9') {
		p->err = 1;
		return v;
	}
	while (p->s[p->i] >= '0' && p->s[p->i] <= '9')
		id = id * 10 + (uint64_t)(p->s[p->i++] - '0');
	if (id >= 64) {
		p->err = 1;
		return v;
	}
	if (ref_mod(p, &m, &x, &y)) {
		if (!ref_cmp(m, p->counts[id], x))
			return v;
	} else if (p->counts[id] == 0)
		return v;
	v.ok = 1;
	v.cnt = p->counts[id];
	v.ids = (uint64_t)1 << id;
	return v;
}

/* ref_expr - unary, or unary op expr (right grouping) */
static struct rval
ref_expr(struct rparse *p)
{
	struct rval	 l, r, v = { 0, 0, 0 };
	char		 op;

	l = ref_unary(p);
	op = p->s[p->i];
	if (op != '&' && op != '|')
		return l;
	p->i++;
	r = ref_expr(p);
	if (op == '&' ? (l.ok && r.ok) : (l.ok || r.ok)) {
		v.ok = 1;
		v.cnt = l.cnt + r.cnt;
		v.ids = l.ids | r.ids;
	}
	return v;
}

/* ref_eval - evaluate text; -1 on a syntax error */
static int
ref_eval(const char *s, const uint32_t *counts)
{
	struct rparse	 p;
	struct rval	 v;

	memset(&p, 0, sizeof(p));
	p.s = s;
	p.counts = counts;
	v = ref_expr(&p);
	if (p.err || p.s[p.i] != '\0')
		return -1;
	return v.ok;
}

/* rnd - a small deterministic generator (xorshift32) */
static uint32_t
rnd(void)
{
	static uint32_t	 x = 2463534242U;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	return x;
}

/* gen_expr - a random expression over nsub subsignatures */
static void
gen_expr(char *out, size_t size, uint32_t nsub, int depth)
{
	static const char *const mods[] = { "=", ">", "<" };
	char		 a[512], b[512];
	size_t		 n;
	int		 r;

	out[0] = '\0';
	if (depth <= 0 || rnd() % 3 == 0) {
		n = (size_t)snprintf(out, size, "%u", rnd() % nsub);
		if (rnd() % 3 == 0 && n < size)
			snprintf(out + n, size - n, "%s%u", mods[rnd() % 3],
			    rnd() % 4);
		return;
	}
	gen_expr(a, sizeof(a), nsub, depth - 1);
	gen_expr(b, sizeof(b), nsub, depth - 1);
	switch (rnd() % 4) {
	case 0:
		r = snprintf(out, size, "%s&%s", a, b);
		break;
	case 1:
		r = snprintf(out, size, "%s|%s", a, b);
		break;
	case 2:
		r = snprintf(out, size, "(%s%c%s)", a, rnd() % 2 ? '&' : '|',
		    b);
		break;
	default:
		if (rnd() % 2)
			r = snprintf(out, size, "(%s|%s)%s%u,%u", a, b,
			    mods[rnd() % 3], rnd() % 6, rnd() % 3);
		else
			r = snprintf(out, size, "(%s&%s)%s%u", a, b,
			    mods[rnd() % 3], rnd() % 6);
		break;
	}
	if (r < 0 || (size_t)r >= size)		/* too long: a leaf */
		snprintf(out, size, "%u", rnd() % nsub);
}

/* test_eval - one table row: compile, check, evaluate */
static void
test_eval(void **state)
{
	const struct evalcase	*c = *state;
	uint8_t			*code;
	uint32_t		 len, flags, cap, counts[64];
	int			 got, ref;

	parse_counts(c->counts, counts);
	assert_int_equal(compile(c->expr, c->nsub, &code, &len, &flags, &cap),
	    0);
	assert_int_equal(lexpr_check(code, len, c->nsub), 0);
	got = lexpr_eval(code, len, counts);
	free(code);
	/* the table and the reference evaluator must agree too */
	ref = ref_eval(c->expr, counts);
	if (ref != c->want)
		fail_msg("table row disagrees with the reference (%d)", ref);
	if (got != c->want)
		fail_msg("\"%s\" with {%s}: got %d, want %d", c->expr,
		    c->counts, got, c->want);
}

/* test_err - one expression that must not compile */
static void
test_err(void **state)
{
	const struct errcase	*c = *state;
	uint8_t			*code = (uint8_t *)&code;
	uint32_t		 len = 0, flags = 0, cap = 0;
	const char		*why = NULL;

	if (lexpr_compile(c->expr, strlen(c->expr), c->nsub, &code, &len,
	    &flags, &cap, &why) != -1) {
		free(code);
		fail_msg("\"%s\" (nsub %u) compiled", c->expr, c->nsub);
	}
	assert_non_null(why);
	assert_true(why[0] != '\0');
	if (strstr(why, c->why) == NULL)
		fail_msg("why \"%s\" lacks \"%s\"", why, c->why);
	assert_null(code);
}

/* test_flags - LEXPR_* flags and the cap */
static void
test_flags(void **state)
{
	const struct flagcase	*c = *state;
	uint8_t			*code;
	uint32_t		 len, flags, cap;

	assert_int_equal(compile(c->expr, c->nsub, &code, &len, &flags, &cap),
	    0);
	free(code);
	if (flags != c->flags)
		fail_msg("\"%s\": flags %#x, want %#x", c->expr, flags,
		    c->flags);
	if (c->cap != NOCAP && cap != c->cap)
		fail_msg("\"%s\": cap %u, want %u", c->expr, cap, c->cap);
}

/* test_reference - generated expressions against the reference */
static void
test_reference(void **state)
{
	char		 e[1024];
	uint8_t		*code;
	uint32_t	 len, flags, cap, counts[64], nsub;
	int		 i, k, got, ref;

	(void)state;
	for (i = 0; i < 3000; i++) {
		nsub = 1 + rnd() % 6;
		gen_expr(e, sizeof(e), nsub, 1 + rnd() % 4);
		assert_int_equal(compile(e, nsub, &code, &len, &flags, &cap),
		    0);
		assert_int_equal(lexpr_check(code, len, nsub), 0);
		for (k = 0; k < 40; k++) {
			uint32_t	 j;

			memset(counts, 0, sizeof(counts));
			for (j = 0; j < nsub; j++)
				counts[j] = rnd() % 3 ? rnd() % 4 : 0;
			got = lexpr_eval(code, len, counts);
			ref = ref_eval(e, counts);
			if (got != ref) {
				free(code);
				fail_msg("\"%s\" with {%u,%u,%u,%u,%u,%u}: "
				    "got %d, reference %d", e, counts[0],
				    counts[1], counts[2], counts[3],
				    counts[4], counts[5], got, ref);
			}
		}
		free(code);
	}
}

/*
 * test_properties - what lexpr.h promises: counts at or above cap do
 * not change the result, and a LEXPR_MONOTONE expression never goes
 * from true to false as counts grow.
 */
static void
test_properties(void **state)
{
	char		 e[1024];
	uint8_t		*code;
	uint32_t	 len, flags, cap, c1[64], c2[64], nsub, j;
	int		 i, k, a, b;

	(void)state;
	for (i = 0; i < 2000; i++) {
		nsub = 1 + rnd() % 6;
		gen_expr(e, sizeof(e), nsub, 1 + rnd() % 4);
		assert_int_equal(compile(e, nsub, &code, &len, &flags, &cap),
		    0);
		assert_true(cap >= 1);
		for (k = 0; k < 30; k++) {
			memset(c1, 0, sizeof(c1));
			memset(c2, 0, sizeof(c2));
			for (j = 0; j < nsub; j++) {
				c1[j] = rnd() % 12;
				c2[j] = c1[j] < cap ? c1[j] : cap;
			}
			a = lexpr_eval(code, len, c1);
			b = lexpr_eval(code, len, c2);
			if (a != b) {
				free(code);
				fail_msg("\"%s\": cap %u changes the result",
				    e, cap);
			}
			if (!(flags & LEXPR_MONOTONE) || !a)
				continue;
			for (j = 0; j < nsub; j++)
				c2[j] = c1[j] + rnd() % 3;
			if (!lexpr_eval(code, len, c2)) {
				free(code);
				fail_msg("\"%s\" is flagged monotone but "
				    "turns false", e);
			}
		}
		free(code);
	}
}

/* test_check_good - lexpr_check() accepts what lexpr_compile() made */
static void
test_check_good(void **state)
{
	size_t		 i;
	uint8_t		*code;
	uint32_t	 len, flags, cap;

	(void)state;
	for (i = 0; i < nitems(evalcases); i++) {
		assert_int_equal(compile(evalcases[i].expr, evalcases[i].nsub,
		    &code, &len, &flags, &cap), 0);
		assert_true(len > 0 && len <= LEXPR_MAXLEN);
		assert_int_equal(lexpr_check(code, len, evalcases[i].nsub), 0);
		/* more subsignatures than referenced is fine */
		assert_int_equal(lexpr_check(code, len, 64), 0);
		free(code);
	}
}

/*
 * test_check_bad - programs lexpr_check() must refuse, derived from
 * compiled ones without knowing the opcodes: every proper prefix of a
 * program with operands (truncated operand or missing operator), the
 * operator alone (stack underflow), two programs back to back (two
 * values left), a smaller nsub (index out of range), stray bytes (no
 * opcode is 0 or 0xff), and a stack deeper than LEXPR_MAXDEPTH.  Each
 * is also evaluated: the result must be 0 and (under ASan) no read may
 * leave the buffer.
 */
static void
test_check_bad(void **state)
{
	static const char *const progs[] = {
		"0=5", "(0|1)>2,2", "0&1", "0|1&2=0", "((0|1)>1)&2<3",
	};
	uint8_t		*code, *two, *buf;
	uint32_t	 len, len2, flags, cap, counts[64], k;
	size_t		 i, n;

	(void)state;
	for (k = 0; k < 64; k++)
		counts[k] = 5;
	for (i = 0; i < nitems(progs); i++) {
		assert_int_equal(compile(progs[i], 3, &code, &len, &flags,
		    &cap), 0);
		/*
		 * Without its last byte each of these programs is
		 * incomplete (a cut operand, or values left without their
		 * operator); shorter prefixes may be complete programs of
		 * their own, but a refused one must evaluate to 0.
		 */
		for (k = 0; k < len; k++) {
			int	 ok;

			buf = malloc(k ? k : 1);
			assert_non_null(buf);
			memcpy(buf, code, k);
			ok = lexpr_check(buf, k, 3) == 0;
			if (k == len - 1 && ok)
				fail_msg("\"%s\": prefix of %u of %u bytes "
				    "accepted", progs[i], k, len);
			if (!ok)
				assert_int_equal(lexpr_eval(buf, k, counts),
				    0);
			free(buf);
		}
		/* two programs back to back leave two values */
		two = malloc(2 * len);
		assert_non_null(two);
		memcpy(two, code, len);
		memcpy(two + len, code, len);
		assert_int_equal(lexpr_check(two, 2 * len, 3), -1);
		assert_int_equal(lexpr_eval(two, 2 * len, counts), 0);
		/* stray bytes before or after */
		for (k = 0; k < 2; k++) {
			uint8_t	 stray = k ? 0xff : 0x00;

			memcpy(two, code, len);
			two[len] = stray;
			assert_int_equal(lexpr_check(two, len + 1, 3), -1);
			assert_int_equal(lexpr_eval(two, len + 1, counts), 0);
			two[0] = stray;
			memcpy(two + 1, code, len);
			assert_int_equal(lexpr_check(two, len + 1, 3), -1);
			assert_int_equal(lexpr_eval(two, len + 1, counts), 0);
		}
		free(two);
		free(code);
	}

	/* the operator of "0&1" alone: its last byte underflows */
	assert_int_equal(compile("0&1", 2, &code, &len, &flags, &cap), 0);
	assert_int_equal(lexpr_check(code + len - 1, 1, 2), -1);
	assert_int_equal(lexpr_eval(code + len - 1, 1, counts), 0);
	/* "0" followed by the operator: underflow with one value */
	assert_int_equal(compile("0", 1, &two, &len2, &flags, &cap), 0);
	buf = malloc(len2 + 1);
	assert_non_null(buf);
	memcpy(buf, two, len2);
	buf[len2] = code[len - 1];
	assert_int_equal(lexpr_check(buf, len2 + 1, 2), -1);
	assert_int_equal(lexpr_eval(buf, len2 + 1, counts), 0);
	free(buf);
	free(two);
	free(code);

	/* index out of range for the module's subsignature count */
	assert_int_equal(compile("0&5", 6, &code, &len, &flags, &cap), 0);
	assert_int_equal(lexpr_check(code, len, 6), 0);
	assert_int_equal(lexpr_check(code, len, 5), -1);
	free(code);
	assert_int_equal(compile("63=1", 64, &code, &len, &flags, &cap), 0);
	assert_int_equal(lexpr_check(code, len, 63), -1);
	assert_int_equal(lexpr_check(code, len, 64), 0);
	free(code);

	/* empty and oversized programs */
	assert_int_equal(lexpr_check((const uint8_t *)"", 0, 1), -1);
	assert_int_equal(lexpr_eval((const uint8_t *)"", 0, counts), 0);
	buf = calloc(1, LEXPR_MAXLEN + 1);
	assert_non_null(buf);
	assert_int_equal(lexpr_check(buf, LEXPR_MAXLEN + 1, 1), -1);
	free(buf);

	/* LEXPR_MAXDEPTH + 1 values on the stack */
	assert_int_equal(compile("0", 1, &code, &len, &flags, &cap), 0);
	n = LEXPR_MAXDEPTH + 1;
	buf = malloc(n * len);
	assert_non_null(buf);
	for (i = 0; i < n; i++)
		memcpy(buf + i * len, code, len);
	assert_int_equal(lexpr_check(buf, (uint32_t)(n * len), 1), -1);
	assert_int_equal(lexpr_eval(buf, (uint32_t)(n * len), counts), 0);
	free(buf);
	free(code);

	/* every single byte value as a one-byte program */
	buf = malloc(1);
	assert_non_null(buf);
	for (k = 0; k < 256; k++) {
		buf[0] = (uint8_t)k;
		assert_int_equal(lexpr_check(buf, 1, 64), -1);
		assert_int_equal(lexpr_eval(buf, 1, counts), 0);
	}
	free(buf);
}

/*
 * test_eval_hostile - lexpr_eval() on random bytes never reads outside
 * the program (ASan) and returns 0 or 1; whatever lexpr_check() accepts
 * evaluates without trouble.
 */
static void
test_eval_hostile(void **state)
{
	uint8_t		 buf[64];
	uint32_t	 counts[64], k, len;
	int		 i, r;

	(void)state;
	for (k = 0; k < 64; k++)
		counts[k] = k;
	for (i = 0; i < 20000; i++) {
		len = 1 + rnd() % sizeof(buf);
		for (k = 0; k < len; k++)
			buf[k] = (uint8_t)(rnd() % 8);	/* near the opcodes */
		/* an exact-size copy so that ASan sees overreads */
		{
			uint8_t	*p = malloc(len);

			assert_non_null(p);
			memcpy(p, buf, len);
			r = lexpr_eval(p, len, counts);
			assert_true(r == 0 || r == 1);
			if (lexpr_check(p, len, 64) == -1 && r != 0)
				fail_msg("a refused program evaluated true");
			(void)lexpr_check(p, len, 1 + rnd() % 64);
			free(p);
		}
	}
}

/* test_long - long and deep expressions fail cleanly or work */
static void
test_long(void **state)
{
	char		*e;
	uint8_t		*code = NULL;
	uint32_t	 len, flags, cap, counts[64];
	const char	*why = NULL;
	size_t		 i, n;

	(void)state;
	/* 2000 nested parentheses */
	n = 2000;
	e = malloc(2 * n + 2);
	assert_non_null(e);
	memset(e, '(', n);
	e[n] = '0';
	memset(e + n + 1, ')', n);
	e[2 * n + 1] = '\0';
	assert_int_equal(lexpr_compile(e, strlen(e), 1, &code, &len, &flags,
	    &cap, &why), -1);
	assert_non_null(why);
	free(e);
	/* 10 levels are fine */
	assert_int_equal(compile("((((((((((0))))))))))", 1, &code, &len,
	    &flags, &cap), 0);
	free(code);
	/* a long flat chain: 0|1|...|63 repeated */
	n = 4000;
	e = malloc(n * 4 + 4);
	assert_non_null(e);
	e[0] = '\0';
	for (i = 0; i < n; i++) {
		char	 t[8];

		snprintf(t, sizeof(t), "%s%zu", i ? "|" : "", i % 64);
		strcat(e, t);
	}
	code = NULL;
	if (lexpr_compile(e, strlen(e), 64, &code, &len, &flags, &cap, &why)
	    == 0) {
		memset(counts, 0, sizeof(counts));
		assert_int_equal(lexpr_check(code, len, 64), 0);
		assert_int_equal(lexpr_eval(code, len, counts), 0);
		counts[63] = 1;
		assert_int_equal(lexpr_eval(code, len, counts), 1);
		free(code);
	} else
		assert_non_null(why);
	free(e);
	/* 64 subsignatures all required */
	e = malloc(64 * 4);
	assert_non_null(e);
	e[0] = '\0';
	for (i = 0; i < 64; i++) {
		char	 t[8];

		snprintf(t, sizeof(t), "%s%zu", i ? "&" : "", i);
		strcat(e, t);
	}
	assert_int_equal(compile(e, 64, &code, &len, &flags, &cap), 0);
	for (i = 0; i < 64; i++)
		counts[i] = 1;
	assert_int_equal(lexpr_eval(code, len, counts), 1);
	counts[37] = 0;
	assert_int_equal(lexpr_eval(code, len, counts), 0);
	free(code);
	free(e);
}

int
main(void)
{
	struct CMUnitTest	*t;
	size_t			 n = 0, i;
	int			 rc;

	t = calloc(nitems(evalcases) + nitems(errcases) + nitems(flagcases) +
	    8, sizeof(*t));
	if (t == NULL)
		return 1;
	for (i = 0; i < nitems(evalcases); i++) {
		t[n].name = evalcases[i].name;
		t[n].test_func = test_eval;
		t[n++].initial_state = (void *)&evalcases[i];
	}
	for (i = 0; i < nitems(errcases); i++) {
		t[n].name = errcases[i].name;
		t[n].test_func = test_err;
		t[n++].initial_state = (void *)&errcases[i];
	}
	for (i = 0; i < nitems(flagcases); i++) {
		t[n].name = flagcases[i].name;
		t[n].test_func = test_flags;
		t[n++].initial_state = (void *)&flagcases[i];
	}
	t[n].name = "reference evaluator";
	t[n++].test_func = test_reference;
	t[n].name = "cap and monotone properties";
	t[n++].test_func = test_properties;
	t[n].name = "lexpr_check accepts compiled";
	t[n++].test_func = test_check_good;
	t[n].name = "lexpr_check refuses crafted";
	t[n++].test_func = test_check_bad;
	t[n].name = "lexpr_eval on random bytes";
	t[n++].test_func = test_eval_hostile;
	t[n].name = "long and deep";
	t[n++].test_func = test_long;
	rc = _cmocka_run_group_tests("lexpr", t, n, NULL, NULL);
	free(t);
	return rc;
}
