/*
 * test_hexsig.c - unit tests for signatures/hexsig.c
 *
 * The parser is checked against ClamAV's documented body syntax
 * (BodySignatureFormat.md and the ::i ::w ::f modifiers of
 * LogicalSignatures.md): every feature is parsed and the resulting
 * element sequence is rendered into a compact text form that the table
 * compares, together with minlen/maxlen.  Every rejection is checked for
 * a -1 return, a *why that names the problem, and a cleared pattern.
 *
 * Rendering, one token per element, separated by single spaces:
 *	b:4142		BYTES		i:6162		NOCASE (folded)
 *	m:f0=40		MASK (mask=value pairs, comma separated)
 *	?3		SKIP 3		c{41,42}	CLASS (members)
 *	c#194		CLASS with 194 members (when more than 8)
 *	f{4142,4344}	FALT; f! negated, fi nocase
 *	g(b:41|b:42 ?1)	GALT with the alternatives' elements
 *	{5-10} {5-}	GAP (min-max; max omitted when unbounded); "*" is
 *			{0-}
 *	L		LINE (middle (L))
 *	^B B$ ^L L$ ^W W$ ^WW WW$	ASSERT kinds
 *
 * Each row of the tables runs as its own cmocka test, named after it.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "signatures/hexsig.h"
#include "signatures/sigir.h"

#define nitems(a)	(sizeof(a) / sizeof((a)[0]))
#define INF		PEL_INF
#define NOCASE		HEXF_NOCASE
#define WIDE		HEXF_WIDE
#define FULL		HEXF_FULLWORD

/* one accepted body and what it must become */
struct okcase {
	const char	*name;
	const char	*hex;
	unsigned	 flags;
	const char	*want;		/* rendered elements */
	uint32_t	 minlen;
	uint32_t	 maxlen;
};

/* one rejected body */
struct badcase {
	const char	*name;
	const char	*hex;
	unsigned	 flags;
	const char	*why;		/* substring of *why */
};

static void	 render(const struct pattern *, uint32_t, uint32_t, char *,
		    size_t);
static void	 render_el(const struct pattern *, const struct pel *, char *,
		    size_t);
static void	 cat(char *, size_t, const char *);
static void	 test_ok(void **);
static void	 test_bad(void **);
static void	 test_reuse(void **);
static void	 test_boundary(void **);
static void	 test_limits(void **);
static void	 test_nul_in_len(void **);

static const struct okcase okcases[] = {
	/* literals and byte wildcards */
	{ "bytes", "41424344", 0, "b:41424344", 4, 4 },
	{ "bytes upper hex digits", "AABBccDD", 0, "b:aabbccdd", 4, 4 },
	{ "skip ??", "4142??4344", 0, "b:4142 ?1 b:4344", 5, 5 },
	{ "skip ?? ?? merged", "41????42", 0, "b:41 ?2 b:42", 4, 4 },
	{ "leading ??", "??41424344", 0, "?1 b:41424344", 5, 5 },
	{ "trailing ??", "41424344??", 0, "b:41424344 ?1", 5, 5 },
	{ "high nibble a?", "414?4344", 0, "b:41 m:f0=40 b:4344", 4, 4 },
	{ "low nibble ?a", "41?24344", 0, "b:41 m:0f=02 b:4344", 4, 4 },
	{ "nibbles merged", "41a??b42", 0, "b:41 m:f0=a0,0f=0b b:42", 4, 4 },
	/* gaps */
	{ "star", "4142*4344", 0, "b:4142 {0-} b:4344", 4, INF },
	{ "{n} n<128 is ??", "4142{5}4344", 0, "b:4142 ?5 b:4344", 9, 9 },
	{ "{127} still ??", "4142{127}4344", 0, "b:4142 ?127 b:4344",
	    131, 131 },
	{ "{128} is a gap", "4142{128}4344", 0, "b:4142 {128-128} b:4344",
	    132, 132 },
	{ "{1000} is a gap", "4142{1000}4344", 0,
	    "b:4142 {1000-1000} b:4344", 1004, 1004 },
	{ "{-n}", "4142{-5}4344", 0, "b:4142 {0-5} b:4344", 4, 9 },
	{ "{n-}", "4142{5-}4344", 0, "b:4142 {5-} b:4344", 9, INF },
	{ "{n-m}", "4142{5-10}4344", 0, "b:4142 {5-10} b:4344", 9, 14 },
	{ "{n-n} small is ??", "4142{3-3}4344", 0, "b:4142 ?3 b:4344", 7,
	    7 },
	{ "{0}", "4142{0}4344", 0, "b:41424344", 4, 4 },
	{ "gaps merge", "4142{2-3}{4-5}4344", 0, "b:4142 {6-8} b:4344",
	    10, 12 },
	{ "star absorbs a range", "4142{2-3}*4344", 0, "b:4142 {2-} b:4344",
	    6, INF },
	{ "several gaps", "4142*4344{2-4}4546", 0,
	    "b:4142 {0-} b:4344 {2-4} b:4546", 8, INF },
	{ "[x-y] after a byte", "41[2-4]424344", 0, "b:41 {2-4} b:424344",
	    6, 8 },
	{ "[x-y] before a byte", "414243[1-32]44", 0, "b:414243 {1-32} b:44",
	    5, 36 },
	/* character classes */
	{ "(B) at start", "(B)41424344", 0, "^B b:41424344", 4, 4 },
	{ "(B) at end", "41424344(B)", 0, "b:41424344 B$", 4, 4 },
	{ "(B) in the middle", "4142(B)4344", 0, "b:4142 c#13 b:4344", 5,
	    5 },
	{ "(L) at start", "(L)41424344", 0, "^L b:41424344", 4, 4 },
	{ "(L) at end", "41424344(L)", 0, "b:41424344 L$", 4, 4 },
	{ "(L) in the middle", "4142(L)4344", 0, "b:4142 L b:4344", 5, 6 },
	{ "(W) at start", "(W)41424344", 0, "^W b:41424344", 4, 4 },
	{ "(W) at end", "41424344(W)", 0, "b:41424344 W$", 4, 4 },
	{ "(W) in the middle", "4142(W)4344", 0, "b:4142 c#194 b:4344", 5,
	    5 },
	{ "(B) both ends", "(B)41424344(B)", 0, "^B b:41424344 B$", 4, 4 },
	/* alternatives */
	{ "single-byte alt", "41(42|43)44", 0, "b:41 c{42,43} b:44", 3, 3 },
	{ "single-byte alt, three", "41(42|43|7a)44", 0,
	    "b:41 c{42,43,7a} b:44", 3, 3 },
	{ "negated single-byte alt", "41!(42|43)44", 0, "b:41 c#254 b:44",
	    3, 3 },
	{ "alt at start", "(41|42)434445", 0, "c{41,42} b:434445", 4, 4 },
	{ "alt at end", "41424344(45|46)", 0, "b:41424344 c{45,46}", 5, 5 },
	{ "fixed multi-byte alt", "41(4243|4445)46", 0,
	    "b:41 f{4243,4445} b:46", 4, 4 },
	{ "fixed alt sorted, duplicates once", "41(4445|4243|4445)46", 0,
	    "b:41 f{4243,4445} b:46", 4, 4 },
	{ "negated fixed multi-byte alt", "41!(4243|4445)46", 0,
	    "b:41 f!{4243,4445} b:46", 4, 4 },
	{ "fixed alt of three bytes", "41(424344|454647)48", 0,
	    "b:41 f{424344,454647} b:48", 5, 5 },
	{ "generic alt", "41(aa|bbcc|dd??ee)46", 0,
	    "b:41 g(b:aa|b:bbcc|b:dd ?1 b:ee) b:46", 3, 5 },
	{ "generic alt with nibble", "4142(4?|4344)45", 0,
	    "b:4142 g(m:f0=40|b:4344) b:45", 4, 5 },
	{ "generic alt with {n}", "4142(43{3}44|45)46", 0,
	    "b:4142 g(b:43 ?3 b:44|b:45) b:46", 4, 8 },
	{ "generic alt with ??, equal widths", "4142(43??|4445)46", 0,
	    "b:4142 g(b:43 ?1|b:4445) b:46", 5, 5 },
	{ "two generic alts", "41(42|4344)45(46|4748)", 0,
	    "b:41 g(b:42|b:4344) b:45 g(b:46|b:4748)", 4, 6 },
	/* modifiers */
	{ "nocase", "41624344", NOCASE, "i:61626364", 4, 4 },
	{ "nocase keeps wildcards", "41??43", NOCASE, "i:61 ?1 i:63", 3, 3 },
	{ "nocase class", "41(42|63)44", NOCASE,
	    "i:61 c{42,43,62,63} i:64", 3, 3 },
	{ "nocase fixed alt", "41(4243|4445)46", NOCASE,
	    "i:61 fi{6263,6465} i:66", 4, 4 },
	{ "wide", "41424344", WIDE, "b:4100420043004400", 8, 8 },
	{ "wide does not widen ??", "41??42", WIDE, "b:4100 ?1 b:4200", 5,
	    5 },
	{ "wide does not widen gaps", "4142{5-6}4344", WIDE,
	    "b:41004200 {5-6} b:43004400", 13, 14 },
	{ "wide class", "41(42|43)", WIDE, "b:4100 c{42,43} b:00", 4, 4 },
	{ "wide fixed alt", "41(4243|4445)", WIDE,
	    "b:4100 f{42004300,44004500}", 6, 6 },
	{ "wide negated class", "41!(42|43)", WIDE, "b:4100 c#254 b:00", 4,
	    4 },
	{ "fullword", "41424344", FULL, "^W b:41424344 W$", 4, 4 },
	{ "fullword wide", "4142", FULL | WIDE, "^WW b:41004200 WW$", 4, 4 },
	{ "nocase wide", "4142", NOCASE | WIDE, "i:61006200", 4, 4 },
	{ "nocase wide fullword", "4142", NOCASE | WIDE | FULL,
	    "^WW i:61006200 WW$", 4, 4 },
};

static const struct badcase badcases[] = {
	{ "empty", "", 0, "empty" },
	{ "odd digits", "414", 0, "odd" },
	{ "odd digits before a gap", "414*4344", 0, "" },
	{ "bad char", "41g2", 0, "invalid" },
	{ "bad char space", "41 42", 0, "" },
	{ "bad char in nibble", "4?g2", 0, "" },
	{ "unterminated {}", "4142{54344", 0, "" },
	{ "unterminated { at end", "4142{5", 0, "unterminated {}" },
	{ "empty {}", "4142{}4344", 0, "" },
	{ "{-} without numbers", "4142{-}4344", 0, "" },
	{ "{n-m} with m < n", "4142{5-3}4344", 0, "" },
	{ "{x} not a number", "4142{x}4344", 0, "" },
	{ "unterminated ()", "41(42|434445", 0, "unterminated ()" },
	{ "unterminated []", "41[1-24243", 0, "" },
	{ "[x] without range", "41[2]424344", 0, "" },
	{ "[y-x] reversed", "41[4-2]424344", 0, "" },
	{ "nested parentheses", "41(42|(43|44))45", 0, "nested" },
	{ "class inside alternatives", "41(42|(B))45", 0, "nested" },
	{ "empty alternative", "41(42||43)44", 0, "empty alternative" },
	{ "empty trailing alternative", "41(42|)44", 0, "empty alternative" },
	{ "empty group", "41()42", 0, "empty alternative" },
	{ "negated generic", "41!(42??|4344)45", 0, "negated generic" },
	{ "negated generic, odd lengths", "41!(42|434445)46", 0,
	    "negated generic" },
	{ "negated class (B)", "41!(B)42", 0, "" },
	{ "'!' alone", "41!4243", 0, "'!'" },
	{ "'!' at the end", "414243!", 0, "'!'" },
	{ "gap at start", "*41424344", 0, "gap" },
	{ "gap at end", "41424344*", 0, "gap" },
	{ "range at start", "{5-10}41424344", 0, "gap" },
	{ "range at end", "41424344{5-}", 0, "gap" },
	{ "big {n} at start", "{200}41424344", 0, "gap" },
	{ "gap at start after (B)", "(B)*41424344", 0, "gap" },
	{ "only a gap", "*", 0, "" },
	{ "only a class", "(B)", 0, "no bytes" },
	{ "'*' inside alternatives", "41(42*43|44)45", 0, "'*'" },
	{ "range inside alternatives", "41(42{2-3}43|44)45", 0, "" },
	{ "big {n} inside alternatives", "41(42{200}43|44)45", 0, "" },
	{ "[x-y] inside alternatives", "41(42[1-2]43|44)45", 0, "" },
	{ "huge {n}", "4142{99999999999}4344", 0, "too large" },
	{ "huge {n-m}", "4142{1-99999999999999999999}4344", 0, "too large" },
	{ "huge [x-y]", "41[1-99999999999]424344", 0, "too large" },
	{ "pattern too long", "41{1000000000}42{1000000000}43"
	    "{1000000000}44{1000000000}45{1000000000}46", 0, "" },
	{ "fullword of nothing", "*", FULL, "" },
};

/* cat - append to a bounded string */
static void
cat(char *dst, size_t size, const char *s)
{
	size_t	 n = strlen(dst);

	snprintf(dst + n, size - n, "%s", s);
}

/* render_el - one element in the table's notation */
static void
render_el(const struct pattern *p, const struct pel *e, char *out,
    size_t size)
{
	char		 t[64];
	const uint8_t	*d = p->pool + e->a;
	uint32_t	 k, j, first, count, members;

	out[0] = '\0';
	switch (e->op) {
	case PEL_BYTES:
	case PEL_NOCASE:
		cat(out, size, e->op == PEL_BYTES ? "b:" : "i:");
		for (k = 0; k < e->n; k++) {
			snprintf(t, sizeof(t), "%02x", d[k]);
			cat(out, size, t);
		}
		break;
	case PEL_MASK:
		cat(out, size, "m:");
		for (k = 0; k < e->n; k++) {
			snprintf(t, sizeof(t), "%s%02x=%02x", k ? "," : "",
			    d[2 * k], d[2 * k + 1]);
			cat(out, size, t);
		}
		break;
	case PEL_SKIP:
		snprintf(t, sizeof(t), "?%u", e->n);
		cat(out, size, t);
		break;
	case PEL_CLASS:
		for (members = 0, k = 0; k < 256; k++)
			members += (d[k >> 3] >> (k & 7)) & 1;
		if (members > 8) {
			snprintf(t, sizeof(t), "c#%u", members);
			cat(out, size, t);
			break;
		}
		cat(out, size, "c{");
		for (j = 0, k = 0; k < 256; k++)
			if ((d[k >> 3] >> (k & 7)) & 1) {
				snprintf(t, sizeof(t), "%s%02x", j++ ? "," : "",
				    k);
				cat(out, size, t);
			}
		cat(out, size, "}");
		break;
	case PEL_FALT:
		cat(out, size, "f");
		if (e->flags & PELF_NEG)
			cat(out, size, "!");
		if (e->flags & PELF_NOCASE)
			cat(out, size, "i");
		cat(out, size, "{");
		for (k = 0; k < e->n; k++) {
			if (k)
				cat(out, size, ",");
			for (j = 0; j < e->b; j++) {
				snprintf(t, sizeof(t), "%02x",
				    d[k * e->b + j]);
				cat(out, size, t);
			}
		}
		cat(out, size, "}");
		break;
	case PEL_GALT:
		cat(out, size, "g(");
		for (k = 0; k < e->n; k++) {
			char	 sub[512];

			memcpy(&first, d + 8 * k, 4);
			memcpy(&count, d + 8 * k + 4, 4);
			if (first >= p->nel || count > p->nel - first) {
				cat(out, size, "<bad alt>");
				continue;
			}
			render(p, first, first + count, sub, sizeof(sub));
			if (k)
				cat(out, size, "|");
			cat(out, size, sub);
		}
		cat(out, size, ")");
		break;
	case PEL_GAP:
		if (e->b == PEL_INF)
			snprintf(t, sizeof(t), "{%u-}", e->a);
		else
			snprintf(t, sizeof(t), "{%u-%u}", e->a, e->b);
		cat(out, size, t);
		break;
	case PEL_LINE:
		cat(out, size, "L");
		break;
	case PEL_ASSERT:
		switch (e->b) {
		case ASSERT_BOUND_BEFORE:
			cat(out, size, "^B");
			break;
		case ASSERT_BOUND_AFTER:
			cat(out, size, "B$");
			break;
		case ASSERT_LINE_BEFORE:
			cat(out, size, "^L");
			break;
		case ASSERT_LINE_AFTER:
			cat(out, size, "L$");
			break;
		case ASSERT_WORD_BEFORE:
			cat(out, size, "^W");
			break;
		case ASSERT_WORD_AFTER:
			cat(out, size, "W$");
			break;
		case ASSERT_WWORD_BEFORE:
			cat(out, size, "^WW");
			break;
		case ASSERT_WWORD_AFTER:
			cat(out, size, "WW$");
			break;
		default:
			cat(out, size, "<bad assert>");
		}
		break;
	default:
		snprintf(t, sizeof(t), "<op %u>", e->op);
		cat(out, size, t);
	}
}

/* render - elements [from, to) of p, space separated */
static void
render(const struct pattern *p, uint32_t from, uint32_t to, char *out,
    size_t size)
{
	char		 one[512];
	uint32_t	 i;

	out[0] = '\0';
	for (i = from; i < to; i++) {
		render_el(p, &p->el[i], one, sizeof(one));
		if (i > from)
			cat(out, size, " ");
		cat(out, size, one);
	}
}

/* test_ok - one accepted body */
static void
test_ok(void **state)
{
	const struct okcase	*c = *state;
	struct pattern		 p;
	const char		*why = NULL;
	char			 got[2048];
	uint32_t		 i;

	pattern_init(&p);
	if (hexsig_parse(c->hex, strlen(c->hex), c->flags, &p, &why) != 0)
		fail_msg("%s: rejected: %s", c->hex, why ? why : "(no why)");
	render(&p, 0, p.nmain, got, sizeof(got));
	if (strcmp(got, c->want) != 0)
		fail_msg("%s: got \"%s\", want \"%s\"", c->hex, got, c->want);
	assert_int_equal(p.minlen, c->minlen);
	assert_int_equal(p.maxlen, c->maxlen);
	assert_true(p.nmain <= p.nel);
	assert_true(p.nel <= PAT_MAXEL);
	for (i = 0; i < p.nel; i++)
		assert_true(p.el[i].op >= PEL_BYTES &&
		    p.el[i].op <= PEL_ASSERT);
	pattern_clear(&p);
}

/* test_bad - one rejected body */
static void
test_bad(void **state)
{
	const struct badcase	*c = *state;
	struct pattern		 p;
	const char		*why = NULL;

	pattern_init(&p);
	if (hexsig_parse(c->hex, strlen(c->hex), c->flags, &p, &why) != -1) {
		char	 got[2048];

		render(&p, 0, p.nmain, got, sizeof(got));
		pattern_clear(&p);
		fail_msg("%s: accepted as \"%s\"", c->hex, got);
	}
	assert_non_null(why);
	assert_true(why[0] != '\0');
	if (strstr(why, c->why) == NULL)
		fail_msg("%s: why \"%s\" lacks \"%s\"", c->hex, why, c->why);
	/* the pattern is left cleared */
	assert_null(p.el);
	assert_null(p.pool);
	assert_int_equal(p.nel, 0);
	assert_int_equal(p.nmain, 0);
	pattern_clear(&p);
}

/* test_reuse - a pattern parsed twice, and after a failure */
static void
test_reuse(void **state)
{
	struct pattern	 p;
	const char	*why = NULL;
	char		 got[256];

	(void)state;
	pattern_init(&p);
	assert_int_equal(hexsig_parse("41424344", 8, 0, &p, &why), 0);
	assert_int_equal(hexsig_parse("4142*4344", 9, 0, &p, &why), 0);
	render(&p, 0, p.nmain, got, sizeof(got));
	assert_string_equal(got, "b:4142 {0-} b:4344");
	assert_int_equal(hexsig_parse("41(42", 5, 0, &p, &why), -1);
	assert_null(p.el);
	assert_int_equal(hexsig_parse("45464748", 8, 0, &p, &why), 0);
	render(&p, 0, p.nmain, got, sizeof(got));
	assert_string_equal(got, "b:45464748");
	/* why may be NULL */
	assert_int_equal(hexsig_parse("4", 1, 0, &p, NULL), -1);
	pattern_clear(&p);
}

/*
 * test_boundary - hexsig_boundary: ClamAV's (B) sets, which differ by
 * side: space - / _ on both, . < @ only before a match, LF CR " ' = >
 * only after it; inside a pattern either set.
 */
static void
test_boundary(void **state)
{
	static const char	 both[] = " -/_", before[] = ".<@",
				 after[] = "\n\r\"'=>";
	int			 c, b, a;

	(void)state;
	for (c = 1; c < 256; c++) {
		b = strchr(both, c) != NULL || strchr(before, c) != NULL;
		a = strchr(both, c) != NULL || strchr(after, c) != NULL;
		if (!!hexsig_boundary((uint8_t)c, -1) != b ||
		    !!hexsig_boundary((uint8_t)c, 1) != a ||
		    !!hexsig_boundary((uint8_t)c, 0) != (a || b))
			fail_msg("hexsig_boundary(0x%02x) = %d %d %d", c,
			    hexsig_boundary((uint8_t)c, -1),
			    hexsig_boundary((uint8_t)c, 1),
			    hexsig_boundary((uint8_t)c, 0));
	}
	assert_false(hexsig_boundary(0, -1) || hexsig_boundary(0, 1));
}

/* test_limits - very long bodies are refused cleanly, not crashed on */
static void
test_limits(void **state)
{
	struct pattern	 p;
	const char	*why = NULL;
	char		*s;
	size_t		 i, n;
	int		 rc;

	(void)state;
	pattern_init(&p);
	/* 5000 elements alternating byte and ??: more than PAT_MAXEL? */
	n = 5000;
	s = malloc(n * 4 + 1);
	assert_non_null(s);
	for (i = 0; i < n; i++)
		memcpy(s + 4 * i, "41??", 4);
	s[4 * n] = '\0';
	rc = hexsig_parse(s, strlen(s), 0, &p, &why);
	if (rc == 0) {
		assert_true(p.nel <= PAT_MAXEL);
		assert_int_equal(p.minlen, 2 * n);
	} else
		assert_non_null(why);
	pattern_clear(&p);
	/* a long run of literal bytes is one element */
	for (i = 0; i < n; i++)
		memcpy(s + 4 * i, "4142", 4);
	assert_int_equal(hexsig_parse(s, strlen(s), 0, &p, &why), 0);
	assert_int_equal(p.minlen, 2 * n);
	assert_int_equal(p.maxlen, 2 * n);
	pattern_clear(&p);
	/* thousands of alternatives */
	free(s);
	n = 2000;
	s = malloc(n * 5 + 8);
	assert_non_null(s);
	strcpy(s, "4142(");
	for (i = 0; i < n; i++) {
		char	 t[8];

		snprintf(t, sizeof(t), "%04zx|", i);
		strcat(s, t);
	}
	s[strlen(s) - 1] = ')';
	rc = hexsig_parse(s, strlen(s), 0, &p, &why);
	assert_int_equal(rc, 0);
	assert_int_equal(p.minlen, 4);
	pattern_clear(&p);
	free(s);
}

/* test_nul_in_len - the length, not a NUL, ends the body */
static void
test_nul_in_len(void **state)
{
	struct pattern	 p;
	const char	*why = NULL;
	char		 got[256];

	(void)state;
	pattern_init(&p);
	assert_int_equal(hexsig_parse("41424344ZZZZ", 8, 0, &p, &why), 0);
	render(&p, 0, p.nmain, got, sizeof(got));
	assert_string_equal(got, "b:41424344");
	pattern_clear(&p);
}

int
main(void)
{
	struct CMUnitTest	*t;
	size_t			 n = 0, i;
	int			 rc;

	t = calloc(nitems(okcases) + nitems(badcases) + 8, sizeof(*t));
	if (t == NULL)
		return 1;
	for (i = 0; i < nitems(okcases); i++) {
		t[n].name = okcases[i].name;
		t[n].test_func = test_ok;
		t[n++].initial_state = (void *)&okcases[i];
	}
	for (i = 0; i < nitems(badcases); i++) {
		t[n].name = badcases[i].name;
		t[n].test_func = test_bad;
		t[n++].initial_state = (void *)&badcases[i];
	}
	t[n].name = "reuse";
	t[n++].test_func = test_reuse;
	t[n].name = "boundary";
	t[n++].test_func = test_boundary;
	t[n].name = "limits";
	t[n++].test_func = test_limits;
	t[n].name = "length not NUL";
	t[n++].test_func = test_nul_in_len;
	rc = _cmocka_run_group_tests("hexsig", t, n, NULL, NULL);
	free(t);
	return rc;
}
