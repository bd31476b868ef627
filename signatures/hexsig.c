/*
 * hexsig.c - parser of ClamAV's hex body signature syntax
 *
 * DESCRIPTION
 *	One pass over the text.  Elements are appended to the main sequence
 *	or, inside generic alternatives, to a side sequence that is moved
 *	behind the main one at the end.  Modifiers are applied as bytes are
 *	emitted: NOCASE stores folded bytes in NOCASE elements, WIDE emits a
 *	NUL after each literal byte.  Adjacent elements of the same kind are
 *	merged, so "4142??43" becomes BYTES(2) SKIP(1) BYTES(1).
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "signatures/hexsig.h"

struct elv {
	struct pel	*el;
	uint32_t	 n;
	uint32_t	 cap;
	uint32_t	 fence;		/* never merge into el[0..fence) */
};

struct hp {
	const char	*s;
	size_t		 len;
	size_t		 i;
	unsigned	 flags;
	struct pattern	*p;
	struct elv	 main;
	struct elv	 alt;
	int		 consumed;	/* a consuming element was emitted */
	const char	*why;
};

#define HP_MAXNUM	(1U << 30)

static int	 hp_fail(struct hp *, const char *);
static struct pel *hp_new(struct hp *, struct elv *, uint8_t);
static struct pel *hp_last(struct elv *, uint8_t);
static int	 hp_pool(struct hp *, const void *, size_t, uint32_t *);
static int	 hp_pool_tail(struct hp *, const struct pel *, size_t);
static int	 hp_lit(struct hp *, struct elv *, uint8_t, int);
static int	 hp_byte(struct hp *, struct elv *, uint8_t);
static int	 hp_mask(struct hp *, struct elv *, uint8_t, uint8_t);
static int	 hp_skip(struct hp *, struct elv *, uint32_t);
static int	 hp_class(struct hp *, struct elv *, const uint8_t *, int);
static int	 hp_gap(struct hp *, struct elv *, uint32_t, uint32_t);
static int	 hp_simple(struct hp *, struct elv *, uint8_t, uint32_t);
static int	 hp_hexval(int);
static int	 hp_num(struct hp *, uint32_t *);
static int	 hp_brace(struct hp *, struct elv *, int);
static int	 hp_bracket(struct hp *, struct elv *);
static int	 hp_group(struct hp *, struct elv *, int, int);
static int	 hp_alts(struct hp *, struct elv *, size_t, size_t, int);
static int	 hp_strcmp(const void *, const void *, void *);
static int	 hp_seq(struct hp *, struct elv *, int);
static int	 hp_finish(struct hp *);

/* hexsig_boundary - is c a boundary character for (B) on a side */
int
hexsig_boundary(uint8_t c, int side)
{
	int	 before = c == ' ' || c == '-' || c == '/' || c == '_' ||
		    c == '.' || c == '<' || c == '@';
	int	 after = c == ' ' || c == '-' || c == '/' || c == '_' ||
		    c == '\n' || c == '\r' || c == '"' || c == '\'' ||
		    c == '=' || c == '>';

	if (side < 0)
		return before;
	if (side > 0)
		return after;
	return before || after;
}

/* hp_fail - record the first error */
static int
hp_fail(struct hp *h, const char *why)
{
	if (h->why == NULL)
		h->why = why;
	return -1;
}

/* hp_new - append an element to a sequence */
static struct pel *
hp_new(struct hp *h, struct elv *v, uint8_t op)
{
	struct pel	*e;
	uint32_t	 cap;

	if (h->main.n + h->alt.n >= PAT_MAXEL) {
		hp_fail(h, "too many elements");
		return NULL;
	}
	if (v->n == v->cap) {
		cap = v->cap ? v->cap * 2 : 16;
		if ((e = reallocarray(v->el, cap, sizeof(*e))) == NULL) {
			hp_fail(h, "out of memory");
			return NULL;
		}
		v->el = e;
		v->cap = cap;
	}
	e = &v->el[v->n++];
	memset(e, 0, sizeof(*e));
	e->op = op;
	return e;
}

/* hp_last - the last element if it has the given op */
static struct pel *
hp_last(struct elv *v, uint8_t op)
{
	if (v->n <= v->fence || v->el[v->n - 1].op != op)
		return NULL;
	return &v->el[v->n - 1];
}

/* hp_pool - append bytes to the pool */
static int
hp_pool(struct hp *h, const void *data, size_t n, uint32_t *off)
{
	struct pattern	*p = h->p;
	uint8_t		*q;
	uint32_t	 cap;

	if (n > PAT_MAXPOOL || p->npool > PAT_MAXPOOL - n)
		return hp_fail(h, "pattern too large");
	if (p->npool + n > p->poolcap) {
		cap = p->poolcap ? p->poolcap : 64;
		while (cap < p->npool + n)
			cap *= 2;
		if ((q = realloc(p->pool, cap)) == NULL)
			return hp_fail(h, "out of memory");
		p->pool = q;
		p->poolcap = cap;
	}
	*off = p->npool;
	if (data != NULL)
		memcpy(p->pool + p->npool, data, n);
	else
		memset(p->pool + p->npool, 0, n);
	p->npool += n;
	return 0;
}

/* hp_pool_tail - can element e grow by appending to the pool's end */
static int
hp_pool_tail(struct hp *h, const struct pel *e, size_t width)
{
	return e != NULL && e->n < UINT16_MAX &&
	    e->a + (size_t)e->n * width == h->p->npool;
}

/* hp_lit - one literal byte, folded if asked, without widening */
static int
hp_lit(struct hp *h, struct elv *v, uint8_t c, int nocase)
{
	struct pel	*e;
	uint8_t		 op = nocase ? PEL_NOCASE : PEL_BYTES;
	uint32_t	 off;

	int		 merge;

	if (nocase)
		c = tolower(c);
	e = hp_last(v, op);
	merge = hp_pool_tail(h, e, 1);
	if (hp_pool(h, &c, 1, &off) == -1)
		return -1;
	if (merge) {
		e->n++;
	} else {
		if ((e = hp_new(h, v, op)) == NULL)
			return -1;
		e->a = off;
		e->n = 1;
	}
	h->consumed = 1;
	return 0;
}

/* hp_byte - a literal byte of the signature, with the modifiers */
static int
hp_byte(struct hp *h, struct elv *v, uint8_t c)
{
	int	 nocase = (h->flags & HEXF_NOCASE) != 0;

	if (hp_lit(h, v, c, nocase) == -1)
		return -1;
	if (h->flags & HEXF_WIDE)
		return hp_lit(h, v, 0, nocase);
	return 0;
}

/* hp_mask - a byte with a nibble mask; mask 0 is "??" */
static int
hp_mask(struct hp *h, struct elv *v, uint8_t mask, uint8_t val)
{
	struct pel	*e;
	uint8_t		 pair[2];
	uint32_t	 off;
	int		 merge;

	if (mask == 0)
		return hp_skip(h, v, 1);
	pair[0] = mask;
	pair[1] = val & mask;
	e = hp_last(v, PEL_MASK);
	merge = hp_pool_tail(h, e, 2);
	if (hp_pool(h, pair, 2, &off) == -1)
		return -1;
	if (merge) {
		e->n++;
	} else {
		if ((e = hp_new(h, v, PEL_MASK)) == NULL)
			return -1;
		e->a = off;
		e->n = 1;
	}
	h->consumed = 1;
	return 0;
}

/* hp_skip - n bytes of anything */
static int
hp_skip(struct hp *h, struct elv *v, uint32_t n)
{
	struct pel	*e;

	while (n > 0) {
		e = hp_last(v, PEL_SKIP);
		if (e == NULL || e->n == UINT16_MAX) {
			if ((e = hp_new(h, v, PEL_SKIP)) == NULL)
				return -1;
		}
		while (n > 0 && e->n < UINT16_MAX) {
			e->n++;
			n--;
		}
	}
	h->consumed = 1;
	return 0;
}

/* hp_class - one byte from a set (negated if neg) */
static int
hp_class(struct hp *h, struct elv *v, const uint8_t *set, int neg)
{
	uint8_t		 s[32];
	struct pel	*e;
	uint32_t	 off;
	int		 c;

	memcpy(s, set, sizeof(s));
	if (h->flags & HEXF_NOCASE)
		for (c = 0; c < 256; c++)
			if ((s[c >> 3] >> (c & 7)) & 1) {
				s[tolower(c) >> 3] |= 1 << (tolower(c) & 7);
				s[toupper(c) >> 3] |= 1 << (toupper(c) & 7);
			}
	if (neg)
		for (c = 0; c < 32; c++)
			s[c] = ~s[c];
	if (hp_pool(h, s, sizeof(s), &off) == -1)
		return -1;
	if ((e = hp_new(h, v, PEL_CLASS)) == NULL)
		return -1;
	e->a = off;
	e->n = 1;
	h->consumed = 1;
	if (h->flags & HEXF_WIDE)
		return hp_lit(h, v, 0, 0);
	return 0;
}

/* hp_gap - a variable gap, merged with a gap before it */
static int
hp_gap(struct hp *h, struct elv *v, uint32_t min, uint32_t max)
{
	struct pel	*e;

	if ((e = hp_last(v, PEL_GAP)) != NULL) {
		e->a += min;
		if (e->b != PEL_INF)
			e->b = max == PEL_INF ? PEL_INF : e->b + max;
		return 0;
	}
	if ((e = hp_new(h, v, PEL_GAP)) == NULL)
		return -1;
	e->a = min;
	e->b = max;
	h->consumed = 1;
	return 0;
}

/* hp_simple - an element without arguments (LINE, ASSERT) */
static int
hp_simple(struct hp *h, struct elv *v, uint8_t op, uint32_t b)
{
	struct pel	*e;

	if ((e = hp_new(h, v, op)) == NULL)
		return -1;
	e->b = b;
	if (op != PEL_ASSERT)
		h->consumed = 1;
	return 0;
}

/* hp_hexval - value of a hex digit or -1 */
static int
hp_hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* hp_num - a decimal number at the cursor */
static int
hp_num(struct hp *h, uint32_t *out)
{
	uint64_t	 v = 0;
	size_t		 start = h->i;

	while (h->i < h->len && isdigit((unsigned char)h->s[h->i])) {
		v = v * 10 + (h->s[h->i] - '0');
		if (v > HP_MAXNUM)
			return hp_fail(h, "number too large");
		h->i++;
	}
	if (h->i == start)
		return hp_fail(h, "number expected");
	*out = (uint32_t)v;
	return 0;
}

/* hp_brace - "{n}", "{-n}", "{n-}", "{n-m}" */
static int
hp_brace(struct hp *h, struct elv *v, int in_alt)
{
	uint32_t	 min = 0, max = PEL_INF;

	h->i++;
	if (h->i < h->len && h->s[h->i] == '-') {
		h->i++;
		if (hp_num(h, &max) == -1)
			return -1;
	} else {
		if (hp_num(h, &min) == -1)
			return -1;
		if (h->i < h->len && h->s[h->i] == '-') {
			h->i++;
			if (h->i < h->len && h->s[h->i] != '}') {
				if (hp_num(h, &max) == -1)
					return -1;
			}
		} else
			max = min;
	}
	if (h->i >= h->len || h->s[h->i] != '}')
		return hp_fail(h, "unterminated {}");
	h->i++;
	if (max != PEL_INF && max < min)
		return hp_fail(h, "range {n-m} with m < n");
	if (min == max && min < 128)
		return hp_skip(h, v, min);
	if (in_alt)
		return hp_fail(h, "variable gap inside alternatives");
	return hp_gap(h, v, min, max);
}

/* hp_bracket - "[x-y]": a bounded gap next to a single byte */
static int
hp_bracket(struct hp *h, struct elv *v)
{
	uint32_t	 min, max;

	h->i++;
	if (hp_num(h, &min) == -1)
		return -1;
	if (h->i >= h->len || h->s[h->i] != '-')
		return hp_fail(h, "[x-y] expected");
	h->i++;
	if (hp_num(h, &max) == -1)
		return -1;
	if (h->i >= h->len || h->s[h->i] != ']')
		return hp_fail(h, "unterminated []");
	h->i++;
	if (max < min)
		return hp_fail(h, "range [x-y] with y < x");
	return hp_gap(h, v, min, max);
}

/* hp_group - "(...)" or "!(...)" at the cursor */
static int
hp_group(struct hp *h, struct elv *v, int neg, int in_alt)
{
	size_t		 start, end;
	int		 at_start, at_end;
	char		 c;

	if (in_alt)
		return hp_fail(h, "nested parentheses");
	h->i++;
	start = h->i;
	for (end = start; end < h->len && h->s[end] != ')'; end++)
		if (h->s[end] == '(')
			return hp_fail(h, "nested parentheses");
	if (end >= h->len)
		return hp_fail(h, "unterminated ()");
	h->i = end + 1;
	if (end - start == 1 && !neg &&
	    ((c = h->s[start]) == 'B' || c == 'L' || c == 'W')) {
		uint8_t	 set[32];
		int	 b;

		at_start = !h->consumed && v == &h->main;
		at_end = h->i == h->len && v == &h->main;
		if (at_start && at_end)
			return hp_fail(h, "pattern has no bytes");
		if (at_start || at_end) {
			switch (c) {
			case 'B':
				return hp_simple(h, v, PEL_ASSERT, at_start ?
				    ASSERT_BOUND_BEFORE : ASSERT_BOUND_AFTER);
			case 'L':
				return hp_simple(h, v, PEL_ASSERT, at_start ?
				    ASSERT_LINE_BEFORE : ASSERT_LINE_AFTER);
			default:
				return hp_simple(h, v, PEL_ASSERT, at_start ?
				    ASSERT_WORD_BEFORE : ASSERT_WORD_AFTER);
			}
		}
		if (c == 'L')
			return hp_simple(h, v, PEL_LINE, 0);
		memset(set, 0, sizeof(set));
		for (b = 0; b < 256; b++)
			if (c == 'B' ? hexsig_boundary(b, 0) : !isalnum(b))
				set[b >> 3] |= 1 << (b & 7);
		return hp_class(h, v, set, 0);
	}
	return hp_alts(h, v, start, end, neg);
}

/* hp_strcmp - qsort_r comparator for strings of length *arg */
static int
hp_strcmp(const void *a, const void *b, void *arg)
{
	return memcmp(a, b, *(size_t *)arg);
}

/* hp_alts - alternatives between s[start] and s[end] (the ')') */
static int
hp_alts(struct hp *h, struct elv *v, size_t start, size_t end, int neg)
{
	size_t		 i, n, len, altlen, k, w;
	int		 plain = 1, hi, lo;
	uint8_t		*strs = NULL, set[32];
	struct pel	*e;
	uint32_t	 off, *tab = NULL, first;
	struct hp	 sub;
	int		 rc = -1;

	/* Count alternatives, check they are not empty, see if plain hex. */
	n = 1;
	len = 0;
	altlen = (size_t)-1;
	for (i = start; i <= end; i++) {
		if (i == end || h->s[i] == '|') {
			if (len == 0)
				return hp_fail(h, "empty alternative");
			if (len % 2 != 0)
				plain = 0;
			if (altlen == (size_t)-1)
				altlen = len;
			else if (altlen != len)
				plain = 0;
			if (i < end)
				n++;
			len = 0;
			continue;
		}
		if (hp_hexval(h->s[i]) < 0)
			plain = 0;
		len++;
	}
	if (n > UINT16_MAX)
		return hp_fail(h, "too many alternatives");
	if (plain) {
		altlen /= 2;
		if (altlen == 1 && n > 0) {
			memset(set, 0, sizeof(set));
			for (i = start; i < end; i += 3) {
				k = hp_hexval(h->s[i]) << 4 |
				    hp_hexval(h->s[i + 1]);
				set[k >> 3] |= 1 << (k & 7);
			}
			return hp_class(h, v, set, neg);
		}
		w = (h->flags & HEXF_WIDE) ? 2 * altlen : altlen;
		if (w > UINT16_MAX || n * w > PAT_MAXPOOL)
			return hp_fail(h, "alternatives too large");
		if ((strs = calloc(n, w)) == NULL)
			return hp_fail(h, "out of memory");
		for (k = 0, i = start; k < n; k++, i++) {
			for (len = 0; len < altlen; len++, i += 2) {
				hi = hp_hexval(h->s[i]);
				lo = hp_hexval(h->s[i + 1]);
				if (h->flags & HEXF_NOCASE)
					strs[k * w + len * (w / altlen)] =
					    tolower(hi << 4 | lo);
				else
					strs[k * w + len * (w / altlen)] =
					    hi << 4 | lo;
			}
		}
		qsort_r(strs, n, w, hp_strcmp, &w);
		for (i = k = 1; i < n; i++)
			if (memcmp(strs + i * w, strs + (k - 1) * w, w) != 0)
				memmove(strs + k++ * w, strs + i * w, w);
		if (hp_pool(h, strs, k * w, &off) == -1)
			goto done;
		if ((e = hp_new(h, v, PEL_FALT)) == NULL)
			goto done;
		e->a = off;
		e->n = k;
		e->b = w;
		e->flags = (neg ? PELF_NEG : 0) |
		    ((h->flags & HEXF_NOCASE) ? PELF_NOCASE : 0);
		h->consumed = 1;
		rc = 0;
		goto done;
	}
	if (neg)
		return hp_fail(h, "negated generic alternatives");

	/* Generic alternatives: parse each into the side sequence. */
	if ((tab = calloc(n, 2 * sizeof(uint32_t))) == NULL)
		return hp_fail(h, "out of memory");
	sub = *h;
	for (k = 0, i = start; k < n; k++) {
		size_t	 j = i;

		while (j < end && h->s[j] != '|')
			j++;
		first = sub.alt.n;
		sub.alt.fence = first;	/* each alternative is separate */
		sub.s = h->s;
		sub.i = i;
		sub.len = j;
		if (hp_seq(&sub, &sub.alt, 1) == -1) {
			h->why = sub.why;
			h->alt = sub.alt;
			goto done;
		}
		tab[2 * k] = first;
		tab[2 * k + 1] = sub.alt.n - first;
		i = j + 1;
	}
	h->alt = sub.alt;
	h->p = sub.p;
	if (hp_pool(h, tab, n * 2 * sizeof(uint32_t), &off) == -1)
		goto done;
	if ((e = hp_new(h, v, PEL_GALT)) == NULL)
		goto done;
	e->a = off;
	e->n = n;
	h->consumed = 1;
	rc = 0;
done:
	free(strs);
	free(tab);
	return rc;
}

/* hp_seq - parse up to h->len into v */
static int
hp_seq(struct hp *h, struct elv *v, int in_alt)
{
	int	 a, b;
	char	 c;

	while (h->i < h->len) {
		c = h->s[h->i];
		switch (c) {
		case '*':
			if (in_alt)
				return hp_fail(h, "'*' inside alternatives");
			h->i++;
			if (hp_gap(h, v, 0, PEL_INF) == -1)
				return -1;
			continue;
		case '{':
			if (hp_brace(h, v, in_alt) == -1)
				return -1;
			continue;
		case '[':
			if (in_alt)
				return hp_fail(h, "'[' inside alternatives");
			if (hp_bracket(h, v) == -1)
				return -1;
			continue;
		case '(':
			if (hp_group(h, v, 0, in_alt) == -1)
				return -1;
			continue;
		case '!':
			if (h->i + 1 >= h->len || h->s[h->i + 1] != '(')
				return hp_fail(h, "'!' not followed by '('");
			h->i++;
			if (hp_group(h, v, 1, in_alt) == -1)
				return -1;
			continue;
		default:
			break;
		}
		if (h->i + 1 >= h->len)
			return hp_fail(h, "odd number of hex digits");
		a = h->s[h->i];
		b = h->s[h->i + 1];
		h->i += 2;
		if (a == '?' && b == '?') {
			if (hp_skip(h, v, 1) == -1)
				return -1;
		} else if (a == '?' && hp_hexval(b) >= 0) {
			if (hp_mask(h, v, 0x0f, hp_hexval(b)) == -1)
				return -1;
		} else if (hp_hexval(a) >= 0 && b == '?') {
			if (hp_mask(h, v, 0xf0, hp_hexval(a) << 4) == -1)
				return -1;
		} else if (hp_hexval(a) >= 0 && hp_hexval(b) >= 0) {
			if (hp_byte(h, v, hp_hexval(a) << 4 | hp_hexval(b))
			    == -1)
				return -1;
		} else
			return hp_fail(h, "invalid character");
	}
	return 0;
}

/* hp_finish - join the sequences, check the shape, compute lengths */
static int
hp_finish(struct hp *h)
{
	struct pattern	*p = h->p;
	uint32_t	 i, k, f, first = UINT32_MAX, last = 0;
	uint64_t	 min, max;
	struct pel	*e;

	for (i = 0; i < h->main.n; i++)
		if (h->main.el[i].op != PEL_ASSERT) {
			if (first == UINT32_MAX)
				first = i;
			last = i;
		}
	if (first == UINT32_MAX)
		return hp_fail(h, "pattern has no bytes");
	if (h->main.el[first].op == PEL_GAP || h->main.el[last].op == PEL_GAP)
		return hp_fail(h, "gap at the start or end of the pattern");

	p->nmain = h->main.n;
	p->nel = h->main.n + h->alt.n;
	if ((e = reallocarray(h->main.el, p->nel ? p->nel : 1,
	    sizeof(*e))) == NULL)
		return hp_fail(h, "out of memory");
	h->main.el = NULL;
	if (h->alt.n)
		memcpy(e + p->nmain, h->alt.el, h->alt.n * sizeof(*e));
	p->el = e;
	p->elcap = p->nel;
	/* Generic alternatives name side elements: relocate behind main. */
	for (i = 0; i < p->nmain; i++) {
		if (e[i].op != PEL_GALT)
			continue;
		for (k = 0; k < e[i].n; k++) {
			memcpy(&f, p->pool + e[i].a + 8 * k, 4);
			f += p->nmain;
			memcpy(p->pool + e[i].a + 8 * k, &f, 4);
		}
	}
	pattern_span(p, 0, p->nmain, &min, &max);
	if (min >= PEL_INF)
		return hp_fail(h, "pattern too long");
	p->minlen = (uint32_t)min;
	p->maxlen = max >= PEL_INF ? PEL_INF : (uint32_t)max;
	return 0;
}

/* hexsig_parse - parse a hex body into p */
int
hexsig_parse(const char *s, size_t len, unsigned flags, struct pattern *p,
    const char **why)
{
	struct hp	 h;
	uint32_t	 before, after;

	memset(&h, 0, sizeof(h));
	h.s = s;
	h.len = len;
	h.flags = flags;
	h.p = p;
	pattern_clear(p);
	if (flags & HEXF_WIDE) {
		before = ASSERT_WWORD_BEFORE;
		after = ASSERT_WWORD_AFTER;
	} else {
		before = ASSERT_WORD_BEFORE;
		after = ASSERT_WORD_AFTER;
	}
	if (len == 0) {
		hp_fail(&h, "empty pattern");
		goto fail;
	}
	if ((flags & HEXF_FULLWORD) &&
	    hp_simple(&h, &h.main, PEL_ASSERT, before) == -1)
		goto fail;
	if (hp_seq(&h, &h.main, 0) == -1)
		goto fail;
	if ((flags & HEXF_FULLWORD) &&
	    hp_simple(&h, &h.main, PEL_ASSERT, after) == -1)
		goto fail;
	if (hp_finish(&h) == -1)
		goto fail;
	free(h.alt.el);
	return 0;
fail:
	free(h.main.el);
	free(h.alt.el);
	pattern_clear(p);
	if (why != NULL)
		*why = h.why ? h.why : "syntax error";
	return -1;
}
