/*
 * anchor.c - rarest fixed window of a pattern
 *
 * DESCRIPTION
 *	The positions of the main sequence are laid out with their value
 *	sets (at most ANCHOR_MAXKEYS values each, else unusable); runs break
 *	at variable-width elements.  Each window of 4 positions inside a run
 *	is scored by the information its bytes carry under the frequency
 *	model, and the best usable one wins.
 */
#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "signatures/anchor.h"

/*
 * -log2(frequency) of each byte value in 1/16 bit, and -log2 of the
 * probability that a byte repeats the one before it (runs of NUL, 0x90,
 * 0xcc and spaces are far more common than independent bytes predict),
 * measured over 140 MB of ELF, PE (Debian's wine and mingw-w64 DLLs) and
 * text files of a Debian 12 system.
 */
static const uint8_t anchor_cost[256] = {
	28, 88, 104, 108, 108, 112, 127, 135, 109, 130, 121, 140, 140, 144,
	128, 108, 124, 144, 149, 150, 145, 146, 158, 155, 135, 158, 157, 157,
	144, 161, 161, 136, 95, 158, 140, 158, 100, 147, 157, 155, 132, 141,
	149, 161, 141, 142, 129, 122, 126, 125, 141, 145, 145, 145, 151, 151,
	139, 138, 147, 155, 135, 143, 139, 157, 135, 113, 136, 129, 112, 116,
	142, 139, 91, 115, 158, 156, 114, 137, 136, 133, 128, 157, 130, 124,
	119, 139, 147, 153, 144, 151, 166, 146, 148, 148, 161, 107, 146, 106,
	131, 114, 115, 95, 119, 131, 126, 106, 159, 149, 112, 125, 107, 107,
	116, 166, 108, 106, 96, 120, 143, 145, 135, 141, 164, 165, 150, 161,
	165, 163, 141, 159, 165, 124, 132, 128, 162, 167, 153, 102, 174, 111,
	161, 119, 169, 170, 137, 166, 175, 172, 163, 171, 175, 175, 162, 175,
	175, 173, 166, 176, 176, 165, 157, 176, 175, 175, 171, 175, 175, 174,
	164, 177, 171, 176, 167, 172, 177, 173, 158, 175, 177, 176, 165, 170,
	157, 167, 154, 164, 158, 167, 164, 164, 157, 162, 127, 146, 157, 142,
	152, 158, 154, 139, 158, 158, 169, 172, 169, 174, 168, 170, 149, 166,
	157, 168, 172, 170, 169, 172, 155, 163, 171, 164, 173, 167, 167, 156,
	150, 170, 166, 172, 168, 171, 168, 165, 119, 138, 165, 153, 155, 166,
	162, 154, 150, 168, 158, 157, 167, 169, 152, 159, 143, 157, 153, 153,
	144, 153, 143, 88
};
static const uint8_t anchor_rcost[256] = {
	7, 84, 107, 104, 96, 74, 115, 126, 103, 95, 79, 94, 138, 125, 147,
	135, 123, 135, 139, 95, 118, 127, 106, 126, 134, 128, 125, 129, 126,
	126, 136, 142, 34, 95, 132, 82, 67, 136, 94, 129, 94, 98, 44, 111,
	151, 57, 97, 70, 62, 68, 83, 84, 86, 82, 84, 84, 100, 91, 74, 136,
	119, 70, 135, 101, 79, 127, 136, 95, 117, 91, 92, 125, 127, 68, 133,
	154, 103, 109, 103, 58, 98, 117, 76, 77, 73, 108, 137, 119, 116, 134,
	130, 69, 129, 140, 146, 63, 107, 147, 123, 100, 83, 103, 66, 118, 166,
	144, 141, 148, 62, 72, 98, 74, 60, 134, 83, 62, 82, 152, 155, 100,
	108, 141, 129, 141, 113, 107, 140, 119, 106, 143, 133, 131, 140, 151,
	142, 129, 113, 200, 135, 142, 140, 156, 135, 131, 30, 135, 134, 141,
	150, 136, 141, 128, 141, 102, 132, 130, 134, 133, 133, 138, 134, 131,
	137, 136, 130, 134, 134, 132, 141, 139, 72, 135, 145, 137, 126, 136,
	134, 133, 136, 134, 146, 133, 157, 138, 143, 138, 94, 141, 139, 142,
	151, 136, 164, 113, 154, 125, 155, 146, 153, 144, 147, 153, 144, 134,
	70, 134, 144, 138, 148, 140, 160, 144, 137, 138, 141, 140, 139, 131,
	139, 142, 133, 73, 146, 150, 140, 143, 143, 138, 131, 134, 141, 139,
	126, 130, 146, 130, 151, 139, 143, 153, 134, 134, 130, 142, 139, 134,
	139, 127, 146, 142, 141, 141, 144, 132, 127, 15
};

struct apos {
	uint16_t	 el;
	uint16_t	 off;
	uint8_t		 nval;		/* 0: unusable */
	uint8_t		 brk;		/* a run starts here */
	uint16_t	 cost;		/* 1/16 bit */
	uint16_t	 rcost;		/* when it repeats the byte before */
	uint8_t		 val[ANCHOR_MAXKEYS];
};

static int	 ap_add(struct apos **, uint32_t *, uint32_t *);
static void	 ap_set(struct apos *, const uint8_t *, int);
static void	 ap_cost(struct apos *);
static void	 ap_keys(const struct apos *, uint32_t, struct anchor *);
static int	 ap_side(const struct apos *, uint32_t, uint32_t, int32_t,
		    uint32_t *, uint32_t *);
static void	 ap_ext(const struct apos *, uint32_t, uint32_t, uint32_t,
		    struct anchor *);

/* ap_add - one more position */
static int
ap_add(struct apos **v, uint32_t *n, uint32_t *cap)
{
	struct apos	*p;
	uint32_t	 c;

	if (*n == *cap) {
		c = *cap ? *cap * 2 : 64;
		if ((p = reallocarray(*v, c, sizeof(*p))) == NULL)
			return -1;
		*v = p;
		*cap = c;
	}
	memset(&(*v)[*n], 0, sizeof(**v));
	(*n)++;
	return 0;
}

/* ap_set - values of a position from a 256-bit set, negated if neg */
static void
ap_set(struct apos *p, const uint8_t *set, int neg)
{
	int	 c, in;

	p->nval = 0;
	for (c = 0; c < 256; c++) {
		in = (set[c >> 3] >> (c & 7)) & 1;
		if (in == neg)
			continue;
		if (p->nval == ANCHOR_MAXKEYS) {
			p->nval = 0;
			return;
		}
		p->val[p->nval++] = c;
	}
}

/* ap_cost - information of a position: -log2 of its total frequency */
static void
ap_cost(struct apos *p)
{
	double	 f = 0;
	int	 i;

	if (p->nval == 0)
		return;
	for (i = 0; i < p->nval; i++)
		f += exp2(-anchor_cost[p->val[i]] / 16.0);
	p->cost = (uint16_t)lround(-log2(f) * 16);
	p->rcost = p->nval == 1 ? anchor_rcost[p->val[0]] : p->cost;
}

/* ap_keys - enumerate the keys of a window of len positions */
static void
ap_keys(const struct apos *w, uint32_t len, struct anchor *a)
{
	uint32_t	 idx[4] = { 0, 0, 0, 0 }, i, k;

	a->nkeys = 0;
	for (;;) {
		k = 0;
		for (i = 0; i < len; i++)
			k |= (uint32_t)w[i].val[idx[i]] << (8 * i);
		a->keys[a->nkeys++] = k;
		for (i = 0; i < len; i++) {
			if (++idx[i] < w[i].nval)
				break;
			idx[i] = 0;
		}
		if (i == len || a->nkeys == ANCHOR_MAXKEYS)
			break;
	}
}

/*
 * ap_side - the fixed single-valued bytes of the 4 positions starting at
 * window start + d, inside the same run: value and mask; returns their
 * information (1/16 bit) under the byte model.
 */
static int
ap_side(const struct apos *pos, uint32_t n, uint32_t start, int32_t d,
    uint32_t *val, uint32_t *mask)
{
	int64_t		 p;
	uint32_t	 k;
	int		 cnt = 0, broken = 0;

	*val = *mask = 0;
	for (k = 0; k < 4; k++) {
		p = (int64_t)start + d + k;
		if (p < 0 || (uint64_t)p >= n)
			continue;
		/* stay inside the window's run: no gap in between */
		if (d > 0 && pos[p].brk)
			broken = 1;
		if (broken)
			continue;
		if (pos[p].nval == 1) {
			*val |= (uint32_t)pos[p].val[0] << (8 * k);
			*mask |= 0xffU << (8 * k);
			cnt += pos[p].cost;
		}
	}
	if (d < 0) {
		/* the run must not break between these bytes and the window */
		for (p = (int64_t)start + d + 1; p <= (int64_t)start; p++)
			if (p >= 0 && (uint64_t)p < n && pos[p].brk) {
				/* drop the bytes before the break */
				for (k = 0; k < 4; k++)
					if ((int64_t)start + d + k < p) {
						if (*mask & (0xffU << (8 * k)))
							cnt -= pos[start + d +
							    k].cost;
						*mask &= ~(0xffU << (8 * k));
						*val &= ~(0xffU << (8 * k));
					}
			}
	}
	return cnt;
}

/*
 * ap_ext - the more informative side of the window for the quick check,
 * and the anchor's expected hit rate with it
 */
static void
ap_ext(const struct apos *pos, uint32_t n, uint32_t start, uint32_t len,
    struct anchor *a)
{
	uint32_t	 av, am, bv, bm;
	int		 after, before, info;

	after = ap_side(pos, n, start, (int32_t)len, &av, &am);
	before = ap_side(pos, n, start, -4, &bv, &bm);
	if (after >= before) {
		a->ext = av;
		a->extmask = am;
		a->extoff = (int32_t)len;
		info = after;
	} else {
		a->ext = bv;
		a->extmask = bm;
		a->extoff = -4;
		info = before;
	}
	a->freq = a->nkeys * exp2(-((double)a->score + info) / 16);
}

/* anchor_head - fixed bytes at the start of a pattern */
void
anchor_head(const struct pattern *p, uint32_t *val, uint32_t *mask)
{
	const struct pel	*e;
	uint32_t		 i, k, n = 0;
	uint8_t			 c;

	*val = *mask = 0;
	for (i = 0; i < p->nmain && n < 4; i++) {
		e = &p->el[i];
		switch (e->op) {
		case PEL_ASSERT:
			continue;
		case PEL_BYTES:
		case PEL_NOCASE:
			for (k = 0; k < e->n && n < 4; k++, n++) {
				c = p->pool[e->a + k];
				if (e->op == PEL_NOCASE && isalpha(c))
					continue;
				*val |= (uint32_t)c << (8 * n);
				*mask |= 0xffU << (8 * n);
			}
			continue;
		case PEL_MASK:
			for (k = 0; k < e->n && n < 4; k++, n++) {
				*val |= (uint32_t)p->pool[e->a + 2 * k + 1] <<
				    (8 * n);
				*mask |= (uint32_t)p->pool[e->a + 2 * k] <<
				    (8 * n);
			}
			continue;
		case PEL_SKIP:
			n += e->n;
			continue;
		case PEL_CLASS:
			n++;
			continue;
		case PEL_FALT:
			n += e->b;
			continue;
		default:	/* variable width: nothing fixed beyond */
			return;
		}
	}
}

/* anchor_select - pick the rarest usable window of the whole pattern */
int
anchor_select(const struct pattern *p, struct anchor *a)
{
	return anchor_select_range(p, 0, p->nmain, a);
}

/* anchor_select_range - the rarest window of elements [first, first+n) */
int
anchor_select_range(const struct pattern *p, uint32_t first, uint32_t count,
    struct anchor *a)
{
	struct apos		*pos = NULL, *q;
	uint32_t		 n = 0, cap = 0, i, j, k, len, prod;
	const struct pel	*e;
	uint8_t			 set[32];
	int			 brk = 1, best_len = 0;
	uint32_t		 best = 0, best_i = 0, score;
	const uint8_t		*s;
	unsigned		 c;

	memset(a, 0, sizeof(*a));
	for (i = first; i < first + count && i < p->nmain; i++) {
		e = &p->el[i];
		switch (e->op) {
		case PEL_BYTES:
		case PEL_NOCASE:
		case PEL_MASK:
		case PEL_SKIP:
			for (k = 0; k < e->n; k++) {
				if (ap_add(&pos, &n, &cap) == -1)
					goto fail;
				q = &pos[n - 1];
				q->el = i;
				q->off = k;
				q->brk = brk;
				brk = 0;
				if (e->op == PEL_BYTES) {
					q->val[0] = p->pool[e->a + k];
					q->nval = 1;
				} else if (e->op == PEL_NOCASE) {
					c = p->pool[e->a + k];
					q->val[0] = c;
					q->nval = 1;
					if (toupper(c) != (int)c)
						q->val[q->nval++] = toupper(c);
				} else if (e->op == PEL_MASK) {
					uint8_t	 m = p->pool[e->a + 2 * k];
					uint8_t	 v = p->pool[e->a + 2 * k + 1];

					memset(set, 0, sizeof(set));
					for (c = 0; c < 256; c++)
						if ((c & m) == v)
							set[c >> 3] |= 1 <<
							    (c & 7);
					ap_set(q, set, 0);
				}
				ap_cost(q);
			}
			break;
		case PEL_CLASS:
			if (ap_add(&pos, &n, &cap) == -1)
				goto fail;
			q = &pos[n - 1];
			q->el = i;
			q->brk = brk;
			brk = 0;
			ap_set(q, p->pool + e->a, 0);
			ap_cost(q);
			break;
		case PEL_FALT:
			for (k = 0; k < e->b; k++) {
				if (ap_add(&pos, &n, &cap) == -1)
					goto fail;
				q = &pos[n - 1];
				q->el = i;
				q->off = k;
				q->brk = brk;
				brk = 0;
				if (e->flags & PELF_NEG)
					continue;	/* unusable */
				memset(set, 0, sizeof(set));
				for (j = 0; j < e->n; j++) {
					s = p->pool + e->a + j * e->b;
					c = s[k];
					set[c >> 3] |= 1 << (c & 7);
					if (e->flags & PELF_NOCASE) {
						c = toupper(c);
						set[c >> 3] |= 1 << (c & 7);
					}
				}
				ap_set(q, set, 0);
				ap_cost(q);
			}
			break;
		case PEL_ASSERT:
			break;
		default:	/* GAP, GALT, LINE end a run */
			brk = 1;
			break;
		}
	}

	for (len = 4; len >= 2 && best_len == 0; len -= 2) {
		for (i = 0; i + len <= n; i++) {
			prod = 1;
			score = 0;
			for (j = 0; j < len; j++) {
				q = &pos[i + j];
				if (q->nval == 0 || (j > 0 && q->brk)) {
					prod = 0;
					break;
				}
				prod *= q->nval;
				if (j > 0 && q->nval == 1 && q[-1].nval == 1 &&
				    q->val[0] == q[-1].val[0])
					score += q->rcost;
				else
					score += q->cost;
			}
			if (prod == 0 || prod > ANCHOR_MAXKEYS)
				continue;
			if (score > best || best_len == 0) {
				best = score;
				best_i = i;
				best_len = len;
			}
		}
	}
	if (best_len == 0)
		goto fail;
	a->len = best_len;
	a->el = pos[best_i].el;
	a->off = pos[best_i].off;
	a->score = best;
	ap_keys(&pos[best_i], best_len, a);
	ap_ext(pos, n, best_i, best_len, a);
	free(pos);
	return 0;
fail:
	free(pos);
	a->len = 0;
	return -1;
}
