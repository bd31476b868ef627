/*
 * pipeline.c - one object through type detection and the matcher
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "workers/exeinfo.h"
#include "workers/filetype.h"
#include "workers/pipeline.h"

#define PL_MAXNORM	(64U << 20)	/* normalise at most this much text */

struct pipeline {
	struct matcher	*m;
	uint8_t		*norm;
	size_t		 normcap;
	struct exeinfo	 exe;
};

static size_t	 pl_normalise(struct pipeline *, const uint8_t *, size_t,
		    int);
static int	 pl_has(const struct match_result *, const char *);

/* pipeline_new - a pipeline over a set of modules */
struct pipeline *
pipeline_new(const struct vmod_view *const *mods, size_t nmods)
{
	struct pipeline	*pl;

	if ((pl = calloc(1, sizeof(*pl))) == NULL)
		return NULL;
	if ((pl->m = matcher_new(mods, nmods)) == NULL) {
		free(pl);
		return NULL;
	}
	return pl;
}

/* pipeline_free - release */
void
pipeline_free(struct pipeline *pl)
{
	if (pl == NULL)
		return;
	matcher_free(pl->m);
	free(pl->norm);
	free(pl);
}

/*
 * pl_normalise - lowercase copy of text; for HTML, whitespace runs become
 * one space.  Returns the length, 0 if memory ran short.
 */
static size_t
pl_normalise(struct pipeline *pl, const uint8_t *buf, size_t len, int html)
{
	size_t	 i, n = 0;
	uint8_t	*p, c;
	int	 space = 0;

	if (len > PL_MAXNORM)
		len = PL_MAXNORM;
	if (len > pl->normcap) {
		if ((p = realloc(pl->norm, len)) == NULL)
			return 0;
		pl->norm = p;
		pl->normcap = len;
	}
	for (i = 0; i < len; i++) {
		c = buf[i];
		if (html && (c == ' ' || c == '\t' || c == '\r' || c == '\n' ||
		    c == '\f' || c == '\v')) {
			if (space)
				continue;
			space = 1;
			c = ' ';
		} else {
			space = 0;
			if (c >= 'A' && c <= 'Z')
				c += 32;
		}
		pl->norm[n++] = c;
	}
	return n;
}

/* pl_has - is a name among the results */
static int
pl_has(const struct match_result *r, const char *name)
{
	uint32_t	 i;

	for (i = 0; i < r->nhits; i++)
		if (strcmp(r->hits[i].name, name) == 0)
			return 1;
	return 0;
}

/* pipeline_scan - scan one object */
int
pipeline_scan(struct pipeline *pl, const uint8_t *buf, size_t len,
    unsigned flags, struct match_result *r)
{
	struct match_result	 r2;
	struct scan_target	 t;
	enum ftype		 ft;
	size_t			 nlen, i;
	int			 target, n, k;

	memset(&t, 0, sizeof(t));
	ft = filetype_detect(buf, len);
	target = filetype_target(ft);
	t.ftype = ft;
	t.group = matcher_group(target, 0);
	if ((ft == FT_PE || ft == FT_ELF || ft == FT_MACHO) &&
	    exeinfo_parse(buf, len, ft, &pl->exe) == 0)
		t.exe = &pl->exe;
	if ((n = matcher_scan(pl->m, buf, len, &t, flags, r)) == -1)
		return -1;
	if ((n > 0 && !(flags & MATCH_ALL)) || r->allowlisted ||
	    !filetype_is_text(ft) || matcher_group(target, 1) < 0)
		return n;
	nlen = pl_normalise(pl, buf, len, target == 3);
	if (nlen == 0 && len > 0) {
		errno = ENOMEM;
		return -1;
	}
	/* the copy is not the object: the allow-list is asked about buf */
	t.group = matcher_group(target, 1);
	if ((k = matcher_scan(pl->m, pl->norm, nlen, &t,
	    flags | MATCH_NOHASH | MATCH_NOFP, &r2)) == -1)
		return -1;
	r->verifies += r2.verifies;
	r->steps += r2.steps;
	r->exhausted += r2.exhausted;
	if (k == 0)
		return n;
	if (n == 0) {
		if ((k = matcher_allowlisted(pl->m, buf, len)) == -1)
			return -1;
		if (k == 1) {
			r->allowlisted = 1;
			return 0;
		}
	}
	for (i = 0; i < r2.nhits && r->nhits < MATCH_MAXHITS; i++)
		if (!pl_has(r, r2.hits[i].name))
			r->hits[r->nhits++] = r2.hits[i];
	return (int)r->nhits;
}
