/*
 * sigir.c - life cycle of the intermediate representation
 */
#include <stdlib.h>
#include <string.h>

#include "signatures/sigir.h"

/* pattern_init - empty pattern */
void
pattern_init(struct pattern *p)
{
	memset(p, 0, sizeof(*p));
}

/* pattern_clear - free and reinitialise */
void
pattern_clear(struct pattern *p)
{
	free(p->el);
	free(p->pool);
	pattern_init(p);
}

/* bodysig_clear - free the patterns and expression of a signature */
void
bodysig_clear(struct bodysig *s)
{
	uint32_t	 i, k;

	for (i = 0; i < s->nsub && i < BODYSIG_MAXSUB; i++)
		for (k = 0; k < SUBSIG_MAXPAT; k++)
			pattern_clear(&s->sub[i].pat[k]);
	free(s->expr);
	memset(s, 0, sizeof(*s));
}

/* pattern_span - fewest and most bytes elements [first, first+count) span */
void
pattern_span(const struct pattern *p, uint32_t first, uint32_t count,
    uint64_t *minp, uint64_t *maxp)
{
	const struct pel	*e;
	uint64_t		 min = 0, max = 0, amin, amax, tmin, tmax;
	uint32_t		 i, k, f, c;

	for (i = first; i < first + count; i++) {
		e = &p->el[i];
		switch (e->op) {
		case PEL_BYTES:
		case PEL_NOCASE:
		case PEL_MASK:
		case PEL_SKIP:
			min += e->n;
			max += e->n;
			break;
		case PEL_CLASS:
			min += 1;
			max += 1;
			break;
		case PEL_FALT:
			min += e->b;
			max += e->b;
			break;
		case PEL_LINE:
			min += 1;
			max += 2;
			break;
		case PEL_GAP:
			min += e->a;
			max = (e->b == PEL_INF || max == PEL_INF) ? PEL_INF :
			    max + e->b;
			break;
		case PEL_GALT:
			amin = UINT64_MAX;
			amax = 0;
			for (k = 0; k < e->n; k++) {
				memcpy(&f, p->pool + e->a + 8 * k, 4);
				memcpy(&c, p->pool + e->a + 8 * k + 4, 4);
				pattern_span(p, f, c, &tmin, &tmax);
				if (tmin < amin)
					amin = tmin;
				if (tmax > amax)
					amax = tmax;
			}
			min += amin;
			max = max == PEL_INF ? PEL_INF : max + amax;
			break;
		default:
			break;
		}
		if (max != PEL_INF && max >= PEL_INF)
			max = PEL_INF;
	}
	*minp = min;
	*maxp = max;
}
