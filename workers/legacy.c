/*
 * legacy.c - dispatch to the legacy walkers, and what they share
 *
 * DESCRIPTION
 *	legacy_walk() picks arj_walk(), szdd_walk(), tnef_walk(),
 *	sis_walk() or chm_walk() by the detected type.  The rest of this
 *	file is lgwalk.h: the limits and the outcomes of archive.h written
 *	once, so that the walkers decide exactly as arc_walk() does (see
 *	archive.c): the same ratio bound (max_ratio times the container, at
 *	least 1 MiB), the same order of the caps of a member (ratio, then
 *	what is left of max_total, then max_entry), the same reasons in
 *	res.
 *
 *	A member whose data is damaged (bad CRC, a stream that cannot be
 *	decoded to its end, data cut by the end of the input) is delivered
 *	with e->damaged and what could be decoded, unless it failed before
 *	its first byte, and the walk ends ARC_CORRUPT, as arc_walk() does.
 *	A member in a method none of the walkers knows counts in
 *	res->unsupported ("unsupported: <what>" when nothing else went
 *	wrong).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <zlib.h>

#include "workers/legacy.h"
#include "workers/lgwalk.h"

#define LG_RATIOMIN	(1024 * 1024)	/* the ratio bound's floor */

static int	 lg_deliver(struct lg_walk *, const uint8_t *, size_t, int,
		    int, int);

static const uint8_t	 lg_empty[1];

/* legacy_handles - whether legacy_walk() opens a detected type */
int
legacy_handles(enum ftype t)
{
	return t == FT_ARJ || t == FT_SZDD || t == FT_TNEF || t == FT_SIS ||
	    t == FT_CHM;
}

/* legacy_walk - the walker for t */
int
legacy_walk(enum ftype t, const uint8_t *buf, size_t len,
    const struct arc_limits *lim, arc_cb cb, void *arg,
    struct arc_result *res)
{
	switch (t) {
	case FT_ARJ:
		return arj_walk(buf, len, lim, cb, arg, res);
	case FT_SZDD:
		return szdd_walk(buf, len, lim, cb, arg, res);
	case FT_TNEF:
		return tnef_walk(buf, len, lim, cb, arg, res);
	case FT_SIS:
		return sis_walk(buf, len, lim, cb, arg, res);
	case FT_CHM:
		return chm_walk(buf, len, lim, cb, arg, res);
	default:
		memset(res, 0, sizeof(*res));
		res->status = ARC_CORRUPT;
		snprintf(res->reason, sizeof(res->reason),
		    "corrupt: not a legacy format");
		errno = EINVAL;
		return -1;
	}
}

/* lg_init - start a walk over a container of len bytes */
void
lg_init(struct lg_walk *w, size_t len, const struct arc_limits *lim,
    arc_cb cb, void *arg, struct arc_result *res)
{
	static const struct arc_limits	 nolim;

	memset(res, 0, sizeof(*res));
	res->status = ARC_OK;
	memset(w, 0, sizeof(*w));
	w->lim = lim != NULL ? lim : &nolim;
	w->res = res;
	w->cb = cb;
	w->arg = arg;
	w->ratio = LG_NOLIMIT;
	if (w->lim->max_ratio != 0) {
		if (len > LG_NOLIMIT / w->lim->max_ratio)
			w->ratio = LG_NOLIMIT;
		else
			w->ratio = (uint64_t)len * w->lim->max_ratio;
		if (w->ratio < LG_RATIOMIN)
			w->ratio = LG_RATIOMIN;
	}
}

/* lg_begin - the caps of the next regular member: 1 to stop the walk */
int
lg_begin(struct lg_walk *w, struct lg_cap *cap)
{
	const struct arc_limits	*lim = w->lim;
	struct arc_result	*res = w->res;
	uint64_t		 left;

	if (lim->max_entries != 0 && res->entries >= lim->max_entries)
		return lg_stop(w, ARC_LIMIT_ENTRIES, "limit: files");
	w->name[0] = '\0';
	cap->keep = LG_NOLIMIT;
	cap->why = LG_CAP_NONE;
	if (w->ratio != LG_NOLIMIT) {
		cap->keep = w->ratio;
		cap->why = LG_CAP_RATIO;
	}
	if (lim->max_total != 0) {
		left = lim->max_total > res->total ?
		    lim->max_total - res->total : 0;
		if (left < cap->keep) {
			cap->keep = left;
			cap->why = LG_CAP_TOTAL;
		}
	}
	if (lim->max_entry != 0 && lim->max_entry < cap->keep) {
		cap->keep = lim->max_entry;
		cap->why = LG_CAP_ENTRY;
	}
	if (cap->why == LG_CAP_ENTRY && w->ratio != LG_NOLIMIT)
		cap->stop = w->ratio + 1;
	else
		cap->stop = cap->keep == LG_NOLIMIT ? LG_NOLIMIT :
		    cap->keep + 1;
	return 0;
}

/* lg_name - the member's name: '\\' becomes '/', then arc_clean() */
void
lg_name(struct lg_walk *w, const char *s)
{
	size_t	 i;

	arc_clean(w->name, sizeof(w->name), s);
	for (i = 0; w->name[i] != '\0'; i++)
		if (w->name[i] == '\\')
			w->name[i] = '/';
}

/* lg_end - deliver a decoded member within its caps: 1 to stop the walk */
int
lg_end(struct lg_walk *w, const struct lg_cap *cap, const uint8_t *data,
    size_t kept, uint64_t n, int flags)
{
	int	 dmg = (flags & LG_DAMAGED) != 0;

	if (n > w->ratio) {
		if (lg_deliver(w, data, kept, 0, 1, dmg) != 0)
			return 1;
		return lg_stop(w, ARC_LIMIT_RATIO, "limit: compression ratio");
	}
	if (n > cap->keep) {
		if (cap->why == LG_CAP_TOTAL) {
			if (kept > 0 &&
			    lg_deliver(w, data, kept, 0, 1, dmg) != 0)
				return 1;
			return lg_stop(w, ARC_LIMIT_TOTAL, "limit: scan size");
		}
		return lg_deliver(w, data, kept, 0, 1, dmg);
	}
	if (dmg && kept == 0)
		return 0;	/* failed before its first byte */
	return lg_deliver(w, data, kept, 0, (flags & LG_TRUNC) != 0, dmg);
}

/* lg_encrypted - deliver an encrypted member: 1 to stop the walk */
int
lg_encrypted(struct lg_walk *w)
{
	w->encrypted = 1;
	return lg_deliver(w, NULL, 0, 1, 0, 0);
}

/* lg_deliver - hand a member to the callback: 1 to stop the walk */
static int
lg_deliver(struct lg_walk *w, const uint8_t *data, size_t len, int encrypted,
    int truncated, int damaged)
{
	struct arc_entry	 e;

	memset(&e, 0, sizeof(e));
	e.name = w->name;
	e.encrypted = encrypted;
	e.truncated = truncated;
	e.damaged = damaged;
	if (encrypted || len == 0 || data == NULL) {
		e.data = lg_empty;
		e.len = 0;
	} else {
		e.data = data;
		e.len = len;
	}
	w->res->entries++;
	w->res->total += e.len;
	if (w->cb != NULL && w->cb(w->arg, &e) != 0)
		return lg_stop(w, ARC_STOPPED, "stopped");
	return 0;
}

/* lg_corrupt - note damage; the first note is the reason */
void
lg_corrupt(struct lg_walk *w, const char *what)
{
	struct arc_result	*res = w->res;

	if (!w->damaged && res->status == ARC_OK)
		snprintf(res->reason, sizeof(res->reason), "corrupt: %s",
		    what);
	w->damaged = 1;
}

/* lg_unsupported - a member in a method not known here (not delivered) */
void
lg_unsupported(struct lg_walk *w, const char *what)
{
	if (w->res->unsupported++ == 0)
		snprintf(w->unsup, sizeof(w->unsup), "unsupported: %s", what);
}

/* lg_stop - end the walk with status (the first one set wins): 1 */
int
lg_stop(struct lg_walk *w, enum arc_status status, const char *reason)
{
	return arc_result_set(w->res, status, reason);
}

/* lg_finish - settle res at the end of a walk; returns ret */
int
lg_finish(struct lg_walk *w, int ret)
{
	struct arc_result	*res = w->res;

	if (ret == -1) {
		memset(res, 0, sizeof(*res));
		res->status = ARC_CORRUPT;
		errno = ENOMEM;
		return -1;
	}
	if (res->status == ARC_OK) {
		if (w->encrypted)
			lg_stop(w, ARC_ENCRYPTED, "encrypted");
		else if (w->damaged)
			res->status = ARC_CORRUPT;
		else if (res->unsupported > 0) {
			res->status = ARC_CORRUPT;
			memcpy(res->reason, w->unsup, sizeof(res->reason));
		}
	}
	return ret;
}

/* lg_out_init - an empty output */
void
lg_out_init(struct lg_out *o)
{
	memset(o, 0, sizeof(*o));
	buf_init(&o->b);
}

/* lg_out_reset - ready for a member with these caps */
void
lg_out_reset(struct lg_out *o, const struct lg_cap *cap)
{
	o->b.len = 0;
	o->keep = cap->keep;
	o->stop = cap->stop;
	o->n = 0;
	o->crc = (uint32_t)crc32(0L, Z_NULL, 0);
}

/* lg_put - n more bytes of output: 1 once stop is reached, -1 ENOMEM */
int
lg_put(struct lg_out *o, const uint8_t *p, size_t n)
{
	uint64_t	 k;

	if (n == 0)
		return o->n >= o->stop;
	o->crc = (uint32_t)crc32(o->crc, p, (uInt)n);
	if (o->n < o->keep) {
		k = o->keep - o->n;
		if (k > n)
			k = n;
		buf_add(&o->b, p, (size_t)k);
		if (o->b.failed) {
			errno = ENOMEM;
			return -1;
		}
	}
	o->n += n;
	return o->n >= o->stop;
}

/* lg_out_free - release the output */
void
lg_out_free(struct lg_out *o)
{
	buf_clear(&o->b);
}
