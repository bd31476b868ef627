/*
 * fuzz_hexsig.c - libFuzzer target for the hex body signature parser
 *
 * The first input byte gives the HEXF_* flags (its low four bits, so
 * every combination, HEXF_ASCII included, is reached); the rest is the
 * body text, passed with its length and without a terminating NUL so
 * that a read past the end is caught by ASan.
 *
 * A pattern that parses is checked against what sigir.h and vmod.h
 * promise the compiler: nmain <= nel, every element argument inside the
 * pool, generic alternatives naming non-empty runs of fixed-width
 * elements behind the main sequence, sorted and distinct fixed
 * alternatives, minlen <= maxlen and minlen at least the fixed bytes.
 * The same body is then parsed with NOCASE toggled, which must change
 * neither whether it parses nor its minimum and maximum lengths, and with
 * WIDE toggled into the same struct (hexsig_parse() clears it first);
 * everything is freed.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "signatures/hexsig.h"
#include "signatures/sigir.h"

#define FZ_FLAGS	(HEXF_NOCASE | HEXF_WIDE | HEXF_FULLWORD | HEXF_ASCII)

int	 LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static int	 fz_inpool(const struct pattern *, uint32_t, uint64_t);
static int	 fz_fixed(const struct pel *);
static void	 fz_element(const struct pattern *, uint32_t, int);
static void	 fz_check(const struct pattern *);

/* fz_inpool - is [a, a+n) inside the pattern's pool */
static int
fz_inpool(const struct pattern *p, uint32_t a, uint64_t n)
{
	return a <= p->npool && n <= (uint64_t)p->npool - a;
}

/* fz_fixed - is e an element of known width (allowed in alternatives) */
static int
fz_fixed(const struct pel *e)
{
	switch (e->op) {
	case PEL_BYTES:
	case PEL_NOCASE:
	case PEL_MASK:
	case PEL_SKIP:
	case PEL_CLASS:
	case PEL_FALT:
		return 1;
	default:
		return 0;
	}
}

/* fz_element - check element i of p; alt: inside an alternative */
static void
fz_element(const struct pattern *p, uint32_t i, int alt)
{
	const struct pel	*e = &p->el[i];
	const uint8_t		*s;
	uint32_t		 k, first, count, j;

	if (alt && !fz_fixed(e))
		abort();
	switch (e->op) {
	case PEL_BYTES:
	case PEL_NOCASE:
		if (e->n == 0 || !fz_inpool(p, e->a, e->n))
			abort();
		if (e->op == PEL_NOCASE)
			for (k = 0; k < e->n; k++)
				if (p->pool[e->a + k] >= 'A' &&
				    p->pool[e->a + k] <= 'Z')
					abort();
		break;
	case PEL_MASK:
		if (e->n == 0 || !fz_inpool(p, e->a, 2 * (uint64_t)e->n))
			abort();
		for (k = 0; k < e->n; k++) {
			s = p->pool + e->a + 2 * k;
			if (s[0] == 0 || (s[1] & ~s[0]) != 0)
				abort();
		}
		break;
	case PEL_SKIP:
		if (e->n == 0)
			abort();
		break;
	case PEL_CLASS:
		if (e->n != 1 || !fz_inpool(p, e->a, 32))
			abort();
		break;
	case PEL_FALT:
		if (e->n == 0 || e->b == 0 || e->b > UINT16_MAX ||
		    !fz_inpool(p, e->a, (uint64_t)e->n * e->b))
			abort();
		s = p->pool + e->a;
		for (k = 1; k < e->n; k++)
			if (memcmp(s + (k - 1) * e->b, s + k * e->b, e->b) >= 0)
				abort();
		break;
	case PEL_GALT:
		if (e->n == 0 || !fz_inpool(p, e->a, 8 * (uint64_t)e->n))
			abort();
		for (k = 0; k < e->n; k++) {
			memcpy(&first, p->pool + e->a + 8 * k, 4);
			memcpy(&count, p->pool + e->a + 8 * k + 4, 4);
			if (first < p->nmain || count == 0 || first > p->nel ||
			    count > p->nel - first)
				abort();
			for (j = 0; j < count; j++)
				fz_element(p, first + j, 1);
		}
		break;
	case PEL_GAP:
		if (e->b != PEL_INF && e->b < e->a)
			abort();
		break;
	case PEL_LINE:
		break;
	case PEL_ASSERT:
		if (e->b < ASSERT_BOUND_BEFORE || e->b > ASSERT_WWORD_AFTER)
			abort();
		break;
	default:
		abort();
	}
}

/* fz_check - the invariants of a pattern hexsig_parse() accepted */
static void
fz_check(const struct pattern *p)
{
	const struct pel	*e;
	uint64_t		 fixed = 0;
	uint32_t		 i, first = UINT32_MAX, last = 0;
	int			 variable = 0;

	if (p->el == NULL || p->nmain == 0 || p->nmain > p->nel ||
	    p->nel > PAT_MAXEL || p->nel > p->elcap)
		abort();
	if (p->npool > p->poolcap || p->npool > PAT_MAXPOOL)
		abort();
	if (p->minlen > p->maxlen || p->minlen == PEL_INF)
		abort();
	for (i = 0; i < p->nmain; i++) {
		e = &p->el[i];
		fz_element(p, i, 0);
		if (e->op != PEL_ASSERT) {
			if (first == UINT32_MAX)
				first = i;
			last = i;
		}
		switch (e->op) {
		case PEL_BYTES:
		case PEL_NOCASE:
		case PEL_MASK:
		case PEL_SKIP:
			fixed += e->n;
			break;
		case PEL_CLASS:
			fixed += 1;
			break;
		case PEL_FALT:
			fixed += e->b;
			break;
		case PEL_GAP:
		case PEL_GALT:
		case PEL_LINE:
			variable = 1;
			break;
		default:
			break;
		}
	}
	if (first == UINT32_MAX || p->el[first].op == PEL_GAP ||
	    p->el[last].op == PEL_GAP)
		abort();
	if (p->minlen < fixed || p->minlen == 0)
		abort();
	if (!variable && (p->minlen != fixed || p->maxlen != fixed))
		abort();
}

/* LLVMFuzzerTestOneInput - one body with flags from the first byte */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pattern	 p, q;
	const char	*why, *s;
	unsigned	 flags;
	size_t		 len;
	int		 r1, r2;

	if (size < 1)
		return 0;
	flags = data[0] & FZ_FLAGS;
	s = (const char *)data + 1;
	len = size - 1;
	pattern_init(&p);
	pattern_init(&q);

	why = NULL;
	r1 = hexsig_parse(s, len, flags, &p, &why);
	if (r1 == 0)
		fz_check(&p);
	else if (why == NULL || p.el != NULL || p.pool != NULL)
		abort();

	why = NULL;
	r2 = hexsig_parse(s, len, flags ^ HEXF_NOCASE, &q, &why);
	if (r2 == 0)
		fz_check(&q);
	else if (why == NULL || q.el != NULL || q.pool != NULL)
		abort();
	if (r1 != r2)
		abort();
	if (r1 == 0 && (p.minlen != q.minlen || p.maxlen != q.maxlen))
		abort();

	/* Reuse p: the parser must free what it held. */
	why = NULL;
	if (hexsig_parse(s, len, flags ^ HEXF_WIDE, &p, &why) == 0)
		fz_check(&p);
	else if (why == NULL)
		abort();

	pattern_clear(&p);
	pattern_clear(&q);
	return 0;
}
