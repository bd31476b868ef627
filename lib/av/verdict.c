/*
 * verdict.c - a tree of scanned objects with names and reasons
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "av/verdict.h"

static uint32_t	 vd_string(struct verdict *, const char *);
static void	 vd_raise(struct verdict *, uint32_t, uint8_t);

/* verdict_init - an empty verdict */
void
verdict_init(struct verdict *v)
{
	memset(v, 0, sizeof(*v));
}

/* verdict_reset - empty it for the next input, keeping the memory */
void
verdict_reset(struct verdict *v)
{
	v->status = AV_CLEAN;
	v->ninfected = v->nnotscanned = 0;
	v->nobj = v->nhits = 0;
	v->npool = 0;
}

/* verdict_free - release */
void
verdict_free(struct verdict *v)
{
	free(v->obj);
	free(v->hits);
	free(v->pool);
	verdict_init(v);
}

/* vd_string - copy s into the pool: its offset, or 0 (ENOMEM) */
static uint32_t
vd_string(struct verdict *v, const char *s)
{
	size_t	 n = strlen(s) + 1, cap;
	char	*p;
	uint32_t off;

	if (v->npool == 0)
		n++;		/* offset 0 is reserved: "none" */
	if (v->npool + n > v->cappool) {
		cap = v->cappool ? v->cappool : 1024;
		while (cap < v->npool + n)
			cap *= 2;
		if (cap > UINT32_MAX || (p = realloc(v->pool, cap)) == NULL) {
			errno = ENOMEM;
			return 0;
		}
		v->pool = p;
		v->cappool = cap;
	}
	if (v->npool == 0)
		v->pool[v->npool++] = '\0';
	off = (uint32_t)v->npool;
	memcpy(v->pool + off, s, strlen(s) + 1);
	v->npool += strlen(s) + 1;
	return off;
}

/* vd_raise - an object's status rises, and with it the input's */
static void
vd_raise(struct verdict *v, uint32_t obj, uint8_t st)
{
	struct av_object	*o = &v->obj[obj];

	if (st <= o->status)
		return;
	if (o->status == AV_NOTSCANNED)
		v->nnotscanned--;
	o->status = st;
	if (st == AV_INFECTED)
		v->ninfected++;
	else
		v->nnotscanned++;
	if (st > v->status)
		v->status = st;
}

/* verdict_object - add an object, return its index */
int
verdict_object(struct verdict *v, uint32_t parent, const char *path,
    uint16_t depth, uint16_t type, uint64_t size)
{
	struct av_object	*o;
	uint32_t		 cap, p;

	if (parent != UINT32_MAX && parent >= v->nobj) {
		errno = EINVAL;
		return -1;
	}
	if (v->nobj == v->capobj) {
		cap = v->capobj ? v->capobj * 2 : 16;
		if (cap >= INT32_MAX ||
		    (o = reallocarray(v->obj, cap, sizeof(*o))) == NULL) {
			errno = ENOMEM;
			return -1;
		}
		v->obj = o;
		v->capobj = cap;
	}
	if ((p = vd_string(v, path)) == 0)
		return -1;
	o = &v->obj[v->nobj];
	memset(o, 0, sizeof(*o));
	o->parent = parent;
	o->depth = depth;
	o->type = type;
	o->size = size;
	o->path = p;
	o->hit = o->lasthit = UINT32_MAX;
	return (int)v->nobj++;
}

/* verdict_infected - a signature matched an object */
int
verdict_infected(struct verdict *v, uint32_t obj, const char *name)
{
	struct av_hit	*h;
	uint32_t	 i, cap, n;

	if (obj >= v->nobj) {
		errno = EINVAL;
		return -1;
	}
	for (i = v->obj[obj].hit; i != UINT32_MAX; i = v->hits[i].next)
		if (strcmp(v->pool + v->hits[i].name, name) == 0)
			return 0;
	if (v->nhits == v->caphits) {
		cap = v->caphits ? v->caphits * 2 : 16;
		if (cap >= INT32_MAX ||
		    (h = reallocarray(v->hits, cap, sizeof(*h))) == NULL) {
			errno = ENOMEM;
			return -1;
		}
		v->hits = h;
		v->caphits = cap;
	}
	if ((n = vd_string(v, name)) == 0)
		return -1;
	v->hits[v->nhits].name = n;
	v->hits[v->nhits].next = UINT32_MAX;
	if (v->obj[obj].lasthit == UINT32_MAX)
		v->obj[obj].hit = v->nhits;
	else
		v->hits[v->obj[obj].lasthit].next = v->nhits;
	v->obj[obj].lasthit = v->nhits++;
	v->obj[obj].nhits++;
	vd_raise(v, obj, AV_INFECTED);
	return 0;
}

/* verdict_notscanned - an object could not be scanned (whole) */
int
verdict_notscanned(struct verdict *v, uint32_t obj, const char *reason)
{
	uint32_t	 r;

	if (obj >= v->nobj) {
		errno = EINVAL;
		return -1;
	}
	if (v->obj[obj].reason == 0) {
		if ((r = vd_string(v, reason)) == 0)
			return -1;
		v->obj[obj].reason = r;
	}
	vd_raise(v, obj, AV_NOTSCANNED);
	return 0;
}

/* verdict_path - an object's path */
const char *
verdict_path(const struct verdict *v, uint32_t obj)
{
	return obj < v->nobj ? v->pool + v->obj[obj].path : "";
}

/* verdict_name - the signature name of a hit */
const char *
verdict_name(const struct verdict *v, uint32_t hit)
{
	return hit < v->nhits ? v->pool + v->hits[hit].name : "";
}

/* verdict_reason - why an object was not scanned, "" if it was */
const char *
verdict_reason(const struct verdict *v, uint32_t obj)
{
	return obj < v->nobj && v->obj[obj].reason ?
	    v->pool + v->obj[obj].reason : "";
}

/* verdict_hit - the k-th hit of an object, UINT32_MAX past the last */
uint32_t
verdict_hit(const struct verdict *v, uint32_t obj, uint32_t k)
{
	uint32_t	 i;

	if (obj >= v->nobj)
		return UINT32_MAX;
	for (i = v->obj[obj].hit; i != UINT32_MAX && k > 0; k--)
		i = v->hits[i].next;
	return i;
}

/* av_status_str - the name of a status */
const char *
av_status_str(enum av_status s)
{
	switch (s) {
	case AV_CLEAN:
		return "clean";
	case AV_INFECTED:
		return "infected";
	case AV_NOTSCANNED:
		return "not scanned";
	default:
		return "?";
	}
}
