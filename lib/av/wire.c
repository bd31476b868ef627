/*
 * wire.c - encoding and checking the payloads of vigild's messages
 *
 * The verdict decoder is the supervisor's first contact with what a
 * worker, which parses hostile input, says: it reads every field through
 * the bounded msg_get_*() accessors, checks each value before using it,
 * and rebuilds the tree through verdict.h rather than trusting offsets.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "av/limits.h"
#include "av/msgtypes.h"
#include "av/verdict.h"
#include "av/wire.h"
#include "util/msg.h"

/* the smallest object: the fixed fields, two empty strings, no names */
#define WIRE_OBJMIN	(4 + 2 + 2 + 1 + 8 + 1 + 1 + 4)

static int	 wire_str(struct msg *, const char **);
static int	 wire_bad(struct msg *);
static int	 wire_putstr(struct msg *, const char *);

/* wire_bad - a malformed payload */
static int
wire_bad(struct msg *m)
{
	if (m->failed == 0)
		m->failed = EBADMSG;
	errno = EBADMSG;
	return -1;
}

/* wire_str - read a string of at most WIRE_MAXSTR bytes */
static int
wire_str(struct msg *m, const char **s)
{
	if (msg_get_str(m, s) == -1 || strlen(*s) > WIRE_MAXSTR)
		return wire_bad(m);
	return 0;
}

/* wire_putstr - append a string of at most WIRE_MAXSTR bytes */
static int
wire_putstr(struct msg *m, const char *s)
{
	if (strnlen(s, WIRE_MAXSTR + 1) > WIRE_MAXSTR) {
		errno = EMSGSIZE;
		return -1;
	}
	return msg_add_str(m, s);
}

/* wire_put_verdict - append a verdict tree */
int
wire_put_verdict(struct msg *m, const struct verdict *v)
{
	const struct av_object	*o;
	const char		*reason;
	uint32_t		 i, h;

	if (v->nobj == 0) {
		errno = EINVAL;
		return -1;
	}
	if (v->nobj > WIRE_MAXOBJ || v->nhits > WIRE_MAXALLHITS) {
		errno = EMSGSIZE;
		return -1;
	}
	msg_add_u8(m, v->status);
	msg_add_u32(m, v->nobj);
	for (i = 0; i < v->nobj; i++) {
		o = &v->obj[i];
		if (o->nhits > WIRE_MAXHITS) {
			errno = EMSGSIZE;
			return -1;
		}
		reason = verdict_reason(v, i);
		if (reason[0] == '\0' && o->status == AV_NOTSCANNED)
			reason = "?";
		msg_add_u32(m, o->parent);
		msg_add_u16(m, o->depth);
		msg_add_u16(m, o->type);
		msg_add_u8(m, o->status);
		msg_add_u64(m, o->size);
		if (wire_putstr(m, verdict_path(v, i)) == -1 ||
		    wire_putstr(m, reason) == -1 ||
		    msg_add_u32(m, o->nhits) == -1)
			return -1;
		for (h = o->hit; h != UINT32_MAX && h < v->nhits;
		    h = v->hits[h].next)
			if (wire_putstr(m, verdict_name(v, h)) == -1)
				return -1;
	}
	if (m->failed) {
		errno = m->failed;
		return -1;
	}
	return 0;
}

/* wire_get_verdict - read and check a verdict tree into v */
int
wire_get_verdict(struct msg *m, struct verdict *v)
{
	const char	*path, *reason, *name;
	uint64_t	 size;
	uint32_t	 nobj, i, k, parent, nh;
	uint16_t	 depth, type;
	uint8_t		 status, ost;
	int		 obj, err;

	verdict_reset(v);
	if (m->hdr.type != MSG_VERDICT || m->fd != -1)
		goto bad;
	if (msg_get_u8(m, &status) == -1 || msg_get_u32(m, &nobj) == -1)
		goto bad;
	if (status > AV_INFECTED || nobj == 0 || nobj > WIRE_MAXOBJ ||
	    nobj > msg_left(m) / WIRE_OBJMIN)
		goto bad;
	for (i = 0; i < nobj; i++) {
		if (msg_get_u32(m, &parent) == -1 ||
		    msg_get_u16(m, &depth) == -1 ||
		    msg_get_u16(m, &type) == -1 ||
		    msg_get_u8(m, &ost) == -1 ||
		    msg_get_u64(m, &size) == -1 ||
		    wire_str(m, &path) == -1 || wire_str(m, &reason) == -1 ||
		    msg_get_u32(m, &nh) == -1)
			goto bad;
		if (i == 0 ? parent != UINT32_MAX || depth != 0 :
		    parent >= i || depth != v->obj[parent].depth + 1)
			goto bad;
		if (ost > AV_INFECTED || (ost == AV_INFECTED) != (nh > 0) ||
		    (ost == AV_NOTSCANNED && reason[0] == '\0'))
			goto bad;
		if (nh > WIRE_MAXHITS || nh > WIRE_MAXALLHITS - v->nhits ||
		    nh > msg_left(m) / 2)
			goto bad;
		if ((obj = verdict_object(v, parent, path, depth, type,
		    size)) == -1)
			goto fail;
		if (reason[0] != '\0' &&
		    verdict_notscanned(v, (uint32_t)obj, reason) == -1)
			goto fail;
		for (k = 0; k < nh; k++) {
			if (wire_str(m, &name) == -1 || name[0] == '\0')
				goto bad;
			if (verdict_infected(v, (uint32_t)obj, name) == -1)
				goto fail;
			if (v->obj[obj].nhits != k + 1)
				goto bad;	/* a repeated name */
		}
		if (v->obj[obj].status != ost)
			goto bad;
	}
	if (v->status != status || msg_end(m) == -1)
		goto bad;
	return 0;
 bad:
	verdict_reset(v);
	return wire_bad(m);
 fail:
	err = errno;
	verdict_reset(v);
	errno = err;
	return -1;
}

/* wire_put_job - append a job's options */
int
wire_put_job(struct msg *m, const struct wire_job *j,
    const struct scan_limits *lim)
{
	msg_add_u32(m, j->flags);
	msg_add_u32(m, lim->max_depth);
	msg_add_u64(m, lim->max_scansize);
	msg_add_u32(m, lim->max_files);
	msg_add_u64(m, lim->max_filesize);
	msg_add_u32(m, lim->max_ratio);
	msg_add_u32(m, lim->max_time);
	msg_add_u8(m, lim->heuristics != 0);
	msg_add_u64(m, j->reqid);
	return wire_putstr(m, j->name);
}

/* wire_get_job - read a job's options; the descriptor stays in m->fd */
int
wire_get_job(struct msg *m, struct wire_job *j, struct scan_limits *lim)
{
	uint8_t	 heur;

	memset(j, 0, sizeof(*j));
	memset(lim, 0, sizeof(*lim));
	if (m->hdr.type != MSG_JOB || m->fd == -1)
		return wire_bad(m);
	if (msg_get_u32(m, &j->flags) == -1 ||
	    msg_get_u32(m, &lim->max_depth) == -1 ||
	    msg_get_u64(m, &lim->max_scansize) == -1 ||
	    msg_get_u32(m, &lim->max_files) == -1 ||
	    msg_get_u64(m, &lim->max_filesize) == -1 ||
	    msg_get_u32(m, &lim->max_ratio) == -1 ||
	    msg_get_u32(m, &lim->max_time) == -1 ||
	    msg_get_u8(m, &heur) == -1 || heur > 1 ||
	    msg_get_u64(m, &j->reqid) == -1 ||
	    wire_str(m, &j->name) == -1 || msg_end(m) == -1)
		return wire_bad(m);
	lim->heuristics = heur;
	return 0;
}

/* wire_put_log - append a log line */
int
wire_put_log(struct msg *m, int level, const char *text)
{
	if (level < 0 || level > WIRE_MAXLEVEL) {
		errno = EINVAL;
		return -1;
	}
	msg_add_u8(m, (uint8_t)level);
	return wire_putstr(m, text);
}

/* wire_get_log - read a log line */
int
wire_get_log(struct msg *m, int *level, const char **text)
{
	uint8_t	 l;

	if (m->hdr.type != MSG_LOG || m->fd != -1 ||
	    msg_get_u8(m, &l) == -1 || l > WIRE_MAXLEVEL ||
	    wire_str(m, text) == -1 || msg_end(m) == -1)
		return wire_bad(m);
	*level = l;
	return 0;
}

/* wire_put_module - append which module of the generation this is */
int
wire_put_module(struct msg *m, const struct wire_module *mod)
{
	if (mod->index >= mod->count || mod->count > WIRE_MAXMODULES) {
		errno = EINVAL;
		return -1;
	}
	msg_add_u32(m, mod->index);
	msg_add_u32(m, mod->count);
	return msg_add_u64(m, mod->serial);
}

/* wire_get_module - read a module announcement; the fd stays in m->fd */
int
wire_get_module(struct msg *m, struct wire_module *mod)
{
	if (m->hdr.type != MSG_MODULES || m->fd == -1 ||
	    msg_get_u32(m, &mod->index) == -1 ||
	    msg_get_u32(m, &mod->count) == -1 ||
	    msg_get_u64(m, &mod->serial) == -1 || msg_end(m) == -1 ||
	    mod->index >= mod->count || mod->count > WIRE_MAXMODULES)
		return wire_bad(m);
	return 0;
}

/* wire_put_stats - append a job's figures */
int
wire_put_stats(struct msg *m, const struct wire_stats *st)
{
	msg_add_u64(m, st->objects);
	msg_add_u64(m, st->bytes);
	return msg_add_u64(m, st->usec);
}

/* wire_get_stats - read a job's figures */
int
wire_get_stats(struct msg *m, struct wire_stats *st)
{
	if (m->hdr.type != MSG_STATS || m->fd != -1 ||
	    msg_get_u64(m, &st->objects) == -1 ||
	    msg_get_u64(m, &st->bytes) == -1 ||
	    msg_get_u64(m, &st->usec) == -1 || msg_end(m) == -1)
		return wire_bad(m);
	return 0;
}

/* wire_put_error - append why a job failed */
int
wire_put_error(struct msg *m, uint32_t code, const char *text)
{
	msg_add_u32(m, code);
	return wire_putstr(m, text);
}

/* wire_get_error - read why a job failed */
int
wire_get_error(struct msg *m, uint32_t *code, const char **text)
{
	if (m->hdr.type != MSG_ERROR || m->fd != -1 ||
	    msg_get_u32(m, code) == -1 || wire_str(m, text) == -1 ||
	    msg_end(m) == -1)
		return wire_bad(m);
	return 0;
}
