/*
 * lgwalk.h - what the legacy walkers share (private to workers/)
 *
 * SYNOPSIS
 *	void	 lg_init(struct lg_walk *w, size_t len,
 *		    const struct arc_limits *lim, arc_cb cb, void *arg,
 *		    struct arc_result *res);
 *	int	 lg_begin(struct lg_walk *w, struct lg_cap *cap);
 *	void	 lg_name(struct lg_walk *w, const char *s);
 *	int	 lg_end(struct lg_walk *w, const struct lg_cap *cap,
 *		    const uint8_t *data, size_t kept, uint64_t n, int flags);
 *	int	 lg_encrypted(struct lg_walk *w);
 *	void	 lg_corrupt(struct lg_walk *w, const char *what);
 *	void	 lg_unsupported(struct lg_walk *w, const char *what);
 *	int	 lg_stop(struct lg_walk *w, enum arc_status st,
 *		    const char *reason);
 *	int	 lg_finish(struct lg_walk *w, int ret);
 *	void	 lg_out_init(struct lg_out *o);
 *	void	 lg_out_reset(struct lg_out *o, const struct lg_cap *cap);
 *	int	 lg_put(struct lg_out *o, const uint8_t *p, size_t n);
 *	void	 lg_out_free(struct lg_out *o);
 * DESCRIPTION
 *	The limits and outcomes of archive.h, once for arj.c, szdd.c,
 *	tnef.c, sis.c and chm.c, so that they behave as arc_walk() does.
 *
 *	lg_init() starts a walk over a container of len bytes (res cleared,
 *	the ratio bound computed as archive.c does: max_ratio times len, at
 *	least 1 MiB).  lg_begin() is called before each regular member: it
 *	returns 1 when max_entries is reached (the walk stops with
 *	ARC_LIMIT_ENTRIES), else 0 with cap filled: keep, the bytes of the
 *	member that may be delivered (the smallest of max_entry, what is
 *	left of max_total and the ratio bound), and stop, the byte count at
 *	which a decoder should give up (keep + 1, or the ratio bound + 1
 *	when keep is max_entry and a ratio is set, so that a bomb cannot
 *	hide behind a small max_entry).  lg_name() sets the name of the
 *	member: '\\' becomes '/', then arc_clean().
 *
 *	lg_end() delivers the member once it is decoded: data holds the
 *	kept bytes (kept <= cap->keep), n the bytes the member produced
 *	(n > cap->keep when it was cut); flags: LG_TRUNC, the member is
 *	incomplete for another reason (cut by the end of a volume), and
 *	LG_DAMAGED, its data failed (e->damaged; not delivered at all when
 *	nothing of it was kept).  It decides as archive.c does: past the
 *	ratio bound the member is delivered truncated and the walk stops
 *	ARC_LIMIT_RATIO; past what is left of max_total it is delivered
 *	truncated (when any byte of it fits) and the walk stops
 *	ARC_LIMIT_TOTAL; past max_entry it is delivered truncated.
 *	lg_encrypted() delivers the member as encrypted, with no data.  Both
 *	return 1 when the walk must stop (callback, limit), else 0.
 *
 *	lg_corrupt() notes damage ("corrupt: what" is the reason if it is
 *	the first); lg_unsupported() counts a member in an unknown method
 *	(res->unsupported, "unsupported: what"); lg_stop() ends the walk
 *	with a status (the first one set wins) and returns 1.  lg_finish()
 *	settles res at the end of the walk (ARC_ENCRYPTED, then ARC_CORRUPT
 *	for damage, then for unsupported members, when nothing else was
 *	decided) and returns ret; with ret -1, res is reset and errno is
 *	ENOMEM.
 *
 *	lg_out collects a decoder's output: lg_put() keeps the first
 *	cap->keep bytes, counts and CRC-32s them all, and returns 1 once
 *	cap->stop bytes were produced, 0 before, -1 when the buffer cannot
 *	grow (ENOMEM).
 * PROCESS
 *	workers, vigil-scan --db (through legacy_walk()).
 */
#ifndef VIGIL_LGWALK_H
#define VIGIL_LGWALK_H

#include <stddef.h>
#include <stdint.h>

#include "util/buf.h"
#include "workers/archive.h"
#include "workers/legacy.h"

#define LG_NOLIMIT	UINT64_MAX
#define LG_REASON	sizeof(((struct arc_result *)0)->reason)

/* lg_end() flags */
#define LG_TRUNC	0x01
#define LG_DAMAGED	0x02

/* which bound keep is */
enum lg_why {
	LG_CAP_NONE,
	LG_CAP_ENTRY,
	LG_CAP_TOTAL,
	LG_CAP_RATIO
};

struct lg_walk {
	const struct arc_limits	*lim;
	struct arc_result	*res;
	arc_cb			 cb;
	void			*arg;
	uint64_t		 ratio;		/* or LG_NOLIMIT */
	int			 encrypted;	/* a member was */
	int			 damaged;
	char			 unsup[LG_REASON];	/* first unsupported */
	char			 name[ARC_MAXNAME];
};

struct lg_cap {
	uint64_t	 keep;
	uint64_t	 stop;
	enum lg_why	 why;
};

struct lg_out {
	struct buf	 b;
	uint64_t	 keep;
	uint64_t	 stop;
	uint64_t	 n;		/* bytes produced */
	uint32_t	 crc;		/* CRC-32 of all n */
};

void	 lg_init(struct lg_walk *, size_t, const struct arc_limits *, arc_cb,
	    void *, struct arc_result *);
int	 lg_begin(struct lg_walk *, struct lg_cap *);
void	 lg_name(struct lg_walk *, const char *);
int	 lg_end(struct lg_walk *, const struct lg_cap *, const uint8_t *,
	    size_t, uint64_t, int);
int	 lg_encrypted(struct lg_walk *);
void	 lg_corrupt(struct lg_walk *, const char *);
void	 lg_unsupported(struct lg_walk *, const char *);
int	 lg_stop(struct lg_walk *, enum arc_status, const char *);
int	 lg_finish(struct lg_walk *, int);
void	 lg_out_init(struct lg_out *);
void	 lg_out_reset(struct lg_out *, const struct lg_cap *);
int	 lg_put(struct lg_out *, const uint8_t *, size_t);
void	 lg_out_free(struct lg_out *);

#endif
