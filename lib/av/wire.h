/*
 * wire.h - payloads of the vigild messages: verdicts, jobs, logs, modules
 *
 * SYNOPSIS
 *	int	 wire_put_verdict(struct msg *m, const struct verdict *v);
 *	int	 wire_get_verdict(struct msg *m, struct verdict *v);
 *	int	 wire_put_job(struct msg *m, const struct wire_job *j,
 *		    const struct scan_limits *lim);
 *	int	 wire_get_job(struct msg *m, struct wire_job *j,
 *		    struct scan_limits *lim);
 *	int	 wire_put_log(struct msg *m, int level, const char *text);
 *	int	 wire_get_log(struct msg *m, int *level, const char **text);
 *	int	 wire_put_module(struct msg *m, const struct wire_module *mod);
 *	int	 wire_get_module(struct msg *m, struct wire_module *mod);
 *	int	 wire_put_stats(struct msg *m, const struct wire_stats *st);
 *	int	 wire_get_stats(struct msg *m, struct wire_stats *st);
 *	int	 wire_put_error(struct msg *m, uint32_t code, const char *text);
 *	int	 wire_get_error(struct msg *m, uint32_t *code,
 *		    const char **text);
 * DESCRIPTION
 *	Each wire_put_*() appends one payload to a message made with
 *	msg_new() and the matching type (av/msgtypes.h); each wire_get_*()
 *	reads a whole received payload and checks it: the header type, the
 *	descriptor when the type needs one, every field, and msg_end().
 *	Strings handed out point into m and live until msg_free(m).
 *
 *	MSG_VERDICT (less trusted: from a worker).  The payload is
 *		u8 status, u32 nobj, then per object in index order:
 *		u32 parent, u16 depth, u16 type, u8 status, u64 size,
 *		str path, str reason ("" if none), u32 nhits,
 *		nhits x str name (in the object's hit order).
 *	wire_get_verdict() empties v and rebuilds it with verdict_object(),
 *	verdict_notscanned() and verdict_infected(), so that the pool, the
 *	hit chains and the counters are its own.  It accepts only a tree
 *	that verdict.h and pipeline.h can produce: at least one and at most
 *	WIRE_MAXOBJ objects, the first the only root (parent UINT32_MAX,
 *	depth 0), every other's parent before it and its depth one more;
 *	statuses in range; an object infected exactly when it has names
 *	(non-empty, no repeats, at most WIRE_MAXHITS each, WIRE_MAXALLHITS
 *	in all), not scanned only with a reason; strings at most WIRE_MAXSTR
 *	bytes; the input's status the highest of its objects.  On any error
 *	v is left empty.  wire_put_verdict() writes v as it is (a set but
 *	empty reason of a not-scanned object goes as "?").
 *
 *	MSG_JOB (from the supervisor, with the descriptor): u32 flags
 *	(MATCH_*), the limits (u32 max_depth, u64 max_scansize, u32
 *	max_files, u64 max_filesize, u32 max_ratio, u32 max_time, u8
 *	heuristics), u64 reqid, str name.  j->name is the input's path in
 *	the verdict.  wire_get_job() leaves the descriptor in m->fd.
 *
 *	MSG_LOG: u8 level (0..WIRE_MAXLEVEL), str text.  MSG_MODULES: u32
 *	index, u32 count, u64 serial, with the descriptor; index < count <=
 *	WIRE_MAXMODULES.  MSG_STATS: u64 objects, u64 bytes, u64 usec.
 *	MSG_ERROR: u32 code, str text.  Texts are at most WIRE_MAXSTR bytes;
 *	they are not filtered, so whoever prints them escapes them.
 * ERRORS
 *	wire_put_*() return 0, or -1 with errno: EMSGSIZE (over a WIRE_MAX*
 *	bound or MSG_MAXSIZE), ENOMEM, EINVAL (an empty verdict, a level or
 *	index out of range).  wire_get_*() return 0, or -1 with errno EBADMSG
 *	(anything malformed) or ENOMEM.  Never exit, never log.
 * PROCESS
 *	workers (put verdicts, logs, stats, errors; get jobs and modules)
 *	and the supervisor (the reverse; every get from a worker is
 *	untrusted input).
 */
#ifndef VIGIL_WIRE_H
#define VIGIL_WIRE_H

#include <stdint.h>

#include "av/verdict.h"
#include "util/msg.h"

#define WIRE_MAXOBJ	100000		/* objects of a verdict */
#define WIRE_MAXHITS	1024		/* names of one object */
#define WIRE_MAXALLHITS	65536		/* names of a verdict */
#define WIRE_MAXSTR	8192		/* bytes of a string, NUL apart */
#define WIRE_MAXLEVEL	5		/* log levels 0 (none) .. 5 (debug) */
#define WIRE_MAXMODULES	64		/* modules of a generation */

struct scan_limits;			/* av/limits.h */

struct wire_job {
	uint32_t	 flags;		/* MATCH_* */
	uint64_t	 reqid;		/* the client request, for logs */
	const char	*name;		/* the input's path */
};

struct wire_module {
	uint32_t	 index;
	uint32_t	 count;
	uint64_t	 serial;	/* the generation's serial */
};

struct wire_stats {
	uint64_t	 objects;
	uint64_t	 bytes;
	uint64_t	 usec;
};

int	 wire_put_verdict(struct msg *, const struct verdict *);
int	 wire_get_verdict(struct msg *, struct verdict *);
int	 wire_put_job(struct msg *, const struct wire_job *,
	    const struct scan_limits *);
int	 wire_get_job(struct msg *, struct wire_job *, struct scan_limits *);
int	 wire_put_log(struct msg *, int, const char *);
int	 wire_get_log(struct msg *, int *, const char **);
int	 wire_put_module(struct msg *, const struct wire_module *);
int	 wire_get_module(struct msg *, struct wire_module *);
int	 wire_put_stats(struct msg *, const struct wire_stats *);
int	 wire_get_stats(struct msg *, struct wire_stats *);
int	 wire_put_error(struct msg *, uint32_t, const char *);
int	 wire_get_error(struct msg *, uint32_t *, const char **);

#endif
