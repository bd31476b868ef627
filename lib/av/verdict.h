/*
 * verdict.h - the result of scanning one input: a tree of objects
 *
 * SYNOPSIS
 *	enum av_status { AV_CLEAN, AV_NOTSCANNED, AV_INFECTED };
 *	void		 verdict_init(struct verdict *v);
 *	void		 verdict_reset(struct verdict *v);
 *	void		 verdict_free(struct verdict *v);
 *	int		 verdict_object(struct verdict *v, uint32_t parent,
 *			    const char *path, uint16_t depth, uint16_t type,
 *			    uint64_t size);
 *	int		 verdict_infected(struct verdict *v, uint32_t obj,
 *			    const char *name);
 *	int		 verdict_notscanned(struct verdict *v, uint32_t obj,
 *			    const char *reason);
 *	const char	*verdict_path(const struct verdict *v, uint32_t obj);
 *	const char	*verdict_name(const struct verdict *v, uint32_t hit);
 *	const char	*verdict_reason(const struct verdict *v, uint32_t obj);
 *	const char	*av_status_str(enum av_status s);
 * DESCRIPTION
 *	Scanning one input (a file, a stream, a message) visits a tree of
 *	objects: the input, the members of its archives, the parts of its
 *	mail, what was decoded from them.  Each object has a path for
 *	reports ("msg.eml/2:invoice.zip/doc/evil.exe": archive members after
 *	"/", MIME parts as "/N" or "/N:name"), its parent, its depth, its
 *	detected type (a number the pipeline gives, enum ftype), its size,
 *	a status, the names of the signatures that matched it
 *	(obj.hit .. obj.hit + obj.nhits - 1 in the hit list) or the reason it
 *	was not scanned ("encrypted", "limit: recursion", ...).
 *
 *	The statuses are ordered: an object's status only rises (clean, then
 *	not scanned, then infected), and the input's status v->status is the
 *	highest of its objects: infected if anything matched, else not
 *	scanned if anything could not be, else clean.
 *
 *	verdict_object() adds an object and returns its index (the first is
 *	the input itself, parent UINT32_MAX).  verdict_infected() adds a
 *	signature name to an object (once per name); verdict_notscanned()
 *	sets the reason (the first one stays).  Strings are copied into the
 *	verdict's own pool; verdict_reset() empties it for the next input and
 *	keeps the memory.
 * ERRORS
 *	verdict_object() returns an index, or -1 with errno ENOMEM;
 *	verdict_infected() and verdict_notscanned() return 0, or -1 (ENOMEM,
 *	or EINVAL for an object that does not exist).  Never exit, never log.
 * PROCESS
 *	workers (build it), the supervisor and agents (read it, once sent),
 *	vigil-scan --db.
 */
#ifndef VIGIL_VERDICT_H
#define VIGIL_VERDICT_H

#include <stddef.h>
#include <stdint.h>

enum av_status {
	AV_CLEAN = 0,
	AV_NOTSCANNED,
	AV_INFECTED
};

struct av_object {
	uint32_t	 parent;	/* UINT32_MAX for the input */
	uint16_t	 depth;
	uint16_t	 type;
	uint8_t		 status;	/* enum av_status */
	uint64_t	 size;
	uint32_t	 path;		/* pool offset */
	uint32_t	 reason;	/* pool offset, 0: none */
	uint32_t	 hit;		/* first hit, if nhits */
	uint32_t	 nhits;
	uint32_t	 lasthit;	/* the object's last hit (chain) */
};

struct av_hit {
	uint32_t	 name;		/* pool offset */
	uint32_t	 next;		/* the object's next hit, UINT32_MAX */
};

struct verdict {
	uint8_t		 status;
	uint32_t	 ninfected;	/* objects */
	uint32_t	 nnotscanned;
	struct av_object *obj;
	uint32_t	 nobj;
	uint32_t	 capobj;
	struct av_hit	*hits;
	uint32_t	 nhits;
	uint32_t	 caphits;
	char		*pool;
	size_t		 npool;
	size_t		 cappool;
};

void		 verdict_init(struct verdict *);
void		 verdict_reset(struct verdict *);
void		 verdict_free(struct verdict *);
int		 verdict_object(struct verdict *, uint32_t, const char *,
		    uint16_t, uint16_t, uint64_t);
int		 verdict_infected(struct verdict *, uint32_t, const char *);
int		 verdict_notscanned(struct verdict *, uint32_t, const char *);
const char	*verdict_path(const struct verdict *, uint32_t);
const char	*verdict_name(const struct verdict *, uint32_t);
const char	*verdict_reason(const struct verdict *, uint32_t);
uint32_t	 verdict_hit(const struct verdict *, uint32_t, uint32_t);
const char	*av_status_str(enum av_status);

#endif
