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
