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
 * -log2(frequency) of each byte value in 1/16 bit, measured over 150 MB of
 * files from /usr/bin, /usr/lib/x86_64-linux-gnu and /usr/share/doc of a
 * Debian 12 system.
 */
static const uint8_t anchor_cost[256] = {
	29, 91, 108, 109, 112, 115, 135, 138, 108, 141, 125, 144, 141, 147,
	123, 99, 120, 144, 148, 155, 144, 147, 157, 157, 131, 159, 162, 161,
	148, 160, 158, 129, 95, 156, 142, 156, 100, 145, 160, 155, 131, 141,
	151, 158, 148, 136, 129, 129, 128, 123, 144, 150, 146, 145, 151, 152,
	139, 136, 149, 154, 138, 142, 144, 155, 133, 108, 136, 133, 114, 116,
	145, 140, 85, 116, 158, 156, 112, 136, 134, 136, 130, 160, 133, 126,
	121, 138, 151, 154, 145, 152, 160, 144, 145, 144, 159, 112, 146, 111,
	136, 118, 119, 101, 115, 134, 128, 112, 157, 152, 116, 130, 112, 112,
	122, 162, 112, 110, 100, 121, 146, 147, 139, 143, 161, 159, 146, 156,
	159, 157, 127, 151, 162, 117, 125, 122, 155, 158, 146, 98, 168, 106,
	157, 116, 163, 164, 142, 169, 170, 165, 160, 164, 169, 169, 157, 170,
	171, 171, 166, 169, 172, 170, 156, 173, 172, 170, 166, 170, 172, 173,
	159, 171, 171, 170, 167, 169, 173, 168, 157, 170, 172, 170, 163, 166,
	151, 163, 150, 160, 155, 164, 160, 163, 150, 156, 123, 140, 150, 138,
	145, 149, 148, 136, 152, 153, 163, 168, 166, 168, 166, 168, 147, 162,
	151, 165, 167, 166, 165, 167, 152, 165, 166, 158, 168, 168, 161, 148,
	146, 163, 159, 166, 163, 165, 160, 157, 114, 132, 160, 148, 152, 158,
	157, 148, 144, 161, 151, 147, 161, 162, 146, 153, 137, 152, 147, 148,
	137, 147, 138, 81
};

struct apos {
	uint16_t	 el;
	uint16_t	 off;
	uint8_t		 nval;		/* 0: unusable */
	uint8_t		 brk;		/* a run starts here */
	uint16_t	 cost;		/* 1/16 bit */
	uint8_t		 val[ANCHOR_MAXKEYS];
};

static int	 ap_add(struct apos **, uint32_t *, uint32_t *);
static void	 ap_set(struct apos *, const uint8_t *, int);
static void	 ap_cost(struct apos *);
static void	 ap_keys(const struct apos *, uint32_t, struct anchor *);

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

/* anchor_select - pick the rarest usable window */
int
anchor_select(const struct pattern *p, struct anchor *a)
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
	for (i = 0; i < p->nmain; i++) {
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
	free(pos);
	return 0;
fail:
	free(pos);
	a->len = 0;
	return -1;
}
