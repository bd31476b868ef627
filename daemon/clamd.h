/*
 * clamd.h - the clamd protocol, one connection at a time, without I/O
 *
 * SYNOPSIS
 *	void	 clamd_init(struct clamd *c, uint64_t max_stream);
 *	size_t	 clamd_feed(struct clamd *c, const uint8_t *data, size_t len,
 *		    struct clamd_ev *ev);
 *	int	 clamd_eop(struct clamd *c, struct clamd_ev *ev);
 *	int	 clamd_timeout(struct clamd *c, struct clamd_ev *ev);
 *
 *	void	 clamd_reply(struct buf *out, const struct clamd_tag *t,
 *		    const char *path, const char *text);
 *	void	 clamd_reply_ok(struct buf *out, const struct clamd_tag *t,
 *		    const char *path);
 *	void	 clamd_reply_found(struct buf *out, const struct clamd_tag *t,
 *		    const char *path, const char *name);
 *	void	 clamd_reply_error(struct buf *out, const struct clamd_tag *t,
 *		    const char *path, const char *msg);
 *	void	 clamd_reply_notscanned(struct buf *out,
 *		    const struct clamd_tag *t, const char *path,
 *		    const char *reason);
 *	void	 clamd_reply_verdict(struct buf *out, const struct clamd_tag *t,
 *		    const char *path, const struct verdict *v, int allmatch);
 *	void	 clamd_reply_dirend(struct buf *out, const struct clamd_tag *t,
 *		    const char *path, unsigned ninfected, unsigned nerrors);
 *	void	 clamd_reply_version(struct buf *out, const struct clamd_tag *t,
 *		    const struct clamd_dbinfo *db, int commands);
 *	void	 clamd_reply_stats(struct buf *out, const struct clamd_tag *t,
 *		    const struct clamd_stats *st);
 * DESCRIPTION
 *	The clamd protocol as clamd 1.4.6 speaks it (see
 *	daemon/PROTOCOL-clamd.md for the bytes and the deviations).  This
 *	module reads and writes no descriptor, allocates nothing and keeps
 *	no global state: the supervisor owns the socket, feeds the bytes it
 *	reads into the connection's struct clamd, acts on the events that
 *	come out, and sends each reply, built into one struct buf, with one
 *	write.
 *
 *	clamd_init() prepares c for a new connection; max_stream is the
 *	INSTREAM limit in bytes (clamd's StreamMaxLength; 0 means
 *	CLAMD_STREAM_DEFAULT).
 *
 *	clamd_feed() consumes bytes from data[0, len) until it has an event
 *	or has used all of them, and returns how many it used.  ev->type is
 *	CLAMD_EV_NONE when there is no event; otherwise the event is the
 *	effect of the last byte used.  Call it again with the rest until
 *	everything is used:
 *
 *		while (len > 0) {
 *			n = clamd_feed(c, p, len, &ev);
 *			p += n, len -= n;
 *			if (ev.type != CLAMD_EV_NONE)
 *				handle(&ev);
 *		}
 *
 *	Bytes may come split anywhere, one at a time included: the events
 *	do not depend on the split.  The one exception is the unprefixed
 *	("old style") command with no terminator, which clamd takes as a
 *	whole packet: the caller says where the packet ends by calling
 *	clamd_eop() once the socket is drained (read gave EAGAIN or EOF),
 *	and clamd_eop() returns 1 with the command's event, or 0.
 *
 *	Events (ev->type):
 *	CLAMD_EV_PING, _VERSION, _VERSIONCOMMANDS, _RELOAD, _SHUTDOWN,
 *	_STATS: the command; reply (SHUTDOWN: none) with ev->tag.
 *	CLAMD_EV_SCAN, _CONTSCAN, _MULTISCAN, _ALLMATCHSCAN: ev->arg is the
 *	path exactly as sent (NUL-terminated, ev->arglen bytes, possibly
 *	empty or relative: the caller checks it).  It points into c and is
 *	valid until the next call on c.
 *	CLAMD_EV_INSTREAM: a stream begins; then CLAMD_EV_DATA events give
 *	its bytes as ev->data/ev->len (pointers into the caller's own data,
 *	never empty, never copied), and CLAMD_EV_STREAM_END (the zero-length
 *	chunk) says: scan it and reply with ev->tag.
 *	CLAMD_EV_FILDES: the byte that carries a descriptor has arrived;
 *	take the descriptor received with SCM_RIGHTS on this connection (in
 *	the same or an earlier recvmsg), or reply "No file descriptor
 *	received." as an error.
 *	CLAMD_EV_IDSESSION: a session starts; no reply.  Later commands
 *	carry ev->tag.id = 1, 2, ...  CLAMD_EV_END: the session ends; no
 *	reply.
 *	CLAMD_EV_NOOP: DETSTATS or DETSTATSCLEAR, accepted silently.
 *	CLAMD_EV_ERROR: a protocol error; send ev->msg with ev->tag
 *	(clamd_reply(out, &ev->tag, NULL, ev->msg)) unless ev->msg is NULL,
 *	then close.  ev->err tells which.
 *	ev->frame is the framing of the command (z, n or unprefixed) and
 *	ev->tag.term the byte that ends each line of its reply.  ev->last
 *	is 1 when no further command will be read on the connection: close
 *	it once this reply and those still owed are sent.  After the last
 *	event, clamd_feed() uses and ignores all input.
 *
 *	clamd_timeout() is for the caller's read timer: it returns 1 with a
 *	CLAMD_EV_ERROR (CLAMD_E_TIMEOUT) to send before closing, or 0 if the
 *	connection was already finished.
 *
 *	The reply functions append one reply to out, prefixed "N: " inside
 *	a session (t->id != 0) and ended with t->term.  Text that comes from
 *	outside (paths, names, reasons) is echoed with control bytes
 *	replaced by '?', so that no reply can contain its own terminator.
 *	clamd_reply() appends "[path: ]text"; clamd_reply_ok() "path: OK";
 *	clamd_reply_found() "path: name FOUND"; clamd_reply_error()
 *	"[path: ]msg ERROR".  clamd_reply_notscanned() is the answer for
 *	anything that could not be scanned (encrypted, a limit, a worker
 *	that died or timed out): "path: Not scanned (reason). ERROR", never
 *	OK and never FOUND, so that every client takes it as a temporary
 *	failure.  clamd_reply_verdict() maps a verdict: infected gives the
 *	first name FOUND, or with allmatch one FOUND line per distinct name;
 *	not scanned gives clamd_reply_notscanned() with the first reason;
 *	clean gives OK.  clamd_reply_dirend() ends a CONTSCAN or MULTISCAN
 *	of a directory: "path: OK" only when nothing was infected and
 *	nothing failed, otherwise nothing.  clamd_reply_version() gives
 *	"ClamAV 1.4.6-Vigil-<version>[/<serial>/<date>]" and, with commands,
 *	the VERSIONCOMMANDS list after it.  clamd_reply_stats() gives the
 *	STATS block in the shape clamdtop parses.
 * ERRORS
 *	The parser cannot fail: bad input becomes a CLAMD_EV_ERROR event.
 *	The reply functions leave out->failed set when memory runs out
 *	(util/buf.h); the caller tests it once before sending.  Nothing
 *	here exits or logs.
 * PROCESS
 *	supervisor (vigild's epoll loop, one struct clamd per client).
 */
#ifndef VIGIL_CLAMD_H
#define VIGIL_CLAMD_H

#include <stddef.h>
#include <stdint.h>

#include "av/verdict.h"
#include "util/buf.h"

#define CLAMD_COMPAT_VERSION	"1.4.6"	/* the clamd we answer like */
#define CLAMD_STREAM_DEFAULT	(100ULL * 1024 * 1024)
#define CLAMD_LINE_MAX		4104	/* clamd: PATH_MAX + 8, all bytes */
#define CLAMD_STREAM_PATH	"stream"

enum clamd_frame {
	CLAMD_FRAME_Z = 1,		/* "zCMD\0", replies end in '\0' */
	CLAMD_FRAME_N,			/* "nCMD\n", replies end in '\n' */
	CLAMD_FRAME_OLD			/* "CMD[\n]", replies end in '\n' */
};

enum clamd_evtype {
	CLAMD_EV_NONE = 0,
	CLAMD_EV_PING,
	CLAMD_EV_VERSION,
	CLAMD_EV_VERSIONCOMMANDS,
	CLAMD_EV_RELOAD,
	CLAMD_EV_SHUTDOWN,
	CLAMD_EV_SCAN,
	CLAMD_EV_CONTSCAN,
	CLAMD_EV_MULTISCAN,
	CLAMD_EV_ALLMATCHSCAN,
	CLAMD_EV_INSTREAM,
	CLAMD_EV_DATA,
	CLAMD_EV_STREAM_END,
	CLAMD_EV_FILDES,
	CLAMD_EV_STATS,
	CLAMD_EV_IDSESSION,
	CLAMD_EV_END,
	CLAMD_EV_NOOP,
	CLAMD_EV_ERROR
};

enum clamd_err {
	CLAMD_E_NONE = 0,
	CLAMD_E_UNKNOWN,		/* UNKNOWN COMMAND */
	CLAMD_E_OLDSTYLE,		/* unprefixed command in a session */
	CLAMD_E_INVALID,		/* command not allowed in a session */
	CLAMD_E_STREAMLIMIT,		/* INSTREAM over max_stream */
	CLAMD_E_TOOLONG,		/* command over CLAMD_LINE_MAX */
	CLAMD_E_TIMEOUT			/* the caller's read timer */
};

/* how a reply must look: the request id (0: no session), the terminator */
struct clamd_tag {
	uint32_t	 id;
	char		 term;
};

struct clamd_ev {
	enum clamd_evtype	 type;
	enum clamd_frame	 frame;
	struct clamd_tag	 tag;
	int			 last;
	const char		*arg;		/* SCAN & co: the path */
	size_t			 arglen;
	const uint8_t		*data;		/* DATA: in the caller's data */
	size_t			 len;
	enum clamd_err		 err;		/* ERROR */
	const char		*msg;		/* ERROR: reply text, or NULL */
};

/* one connection; the caller allocates it, clamd_init() fills it */
struct clamd {
	int			 state;
	enum clamd_frame	 frame;		/* of the command being read */
	int			 session;
	uint32_t		 nextid;	/* session: next request id */
	char			 sterm;		/* session: last terminator */
	struct clamd_tag	 tag;		/* of the stream or FILDES */
	uint64_t		 maxstream;
	uint64_t		 quota;		/* INSTREAM bytes allowed */
	uint32_t		 chunk;		/* bytes left in this chunk */
	uint8_t			 lenbuf[4];
	size_t			 nlen;
	size_t			 nline;
	char			 line[CLAMD_LINE_MAX + 1];
};

/* what VERSION reports about the signatures in use */
struct clamd_dbinfo {
	uint64_t	 serial;	/* generation serial, 0: none loaded */
	int64_t		 time;		/* its build time, seconds since 1970 */
};

/* a request in progress, for STATS (clamdtop shows them) */
struct clamd_task {
	const char	*cmd;		/* "INSTREAM", "SCAN", ... */
	double		 secs;		/* since it was queued */
	const char	*path;
};

struct clamd_stats {
	unsigned		 live;		/* workers scanning */
	unsigned		 idle;		/* workers waiting */
	unsigned		 max;		/* num_workers */
	unsigned		 idle_timeout;	/* seconds */
	unsigned		 queue;		/* requests queued */
	const struct clamd_task	*tasks;
	size_t			 ntasks;
	uint64_t		 pool_used;	/* bytes: signature memory */
	uint64_t		 pool_total;
};

void	 clamd_init(struct clamd *, uint64_t);
size_t	 clamd_feed(struct clamd *, const uint8_t *, size_t,
	    struct clamd_ev *);
int	 clamd_eop(struct clamd *, struct clamd_ev *);
int	 clamd_timeout(struct clamd *, struct clamd_ev *);

void	 clamd_reply(struct buf *, const struct clamd_tag *, const char *,
	    const char *);
void	 clamd_reply_ok(struct buf *, const struct clamd_tag *, const char *);
void	 clamd_reply_found(struct buf *, const struct clamd_tag *,
	    const char *, const char *);
void	 clamd_reply_error(struct buf *, const struct clamd_tag *,
	    const char *, const char *);
void	 clamd_reply_notscanned(struct buf *, const struct clamd_tag *,
	    const char *, const char *);
void	 clamd_reply_verdict(struct buf *, const struct clamd_tag *,
	    const char *, const struct verdict *, int);
void	 clamd_reply_dirend(struct buf *, const struct clamd_tag *,
	    const char *, unsigned, unsigned);
void	 clamd_reply_version(struct buf *, const struct clamd_tag *,
	    const struct clamd_dbinfo *, int);
void	 clamd_reply_stats(struct buf *, const struct clamd_tag *,
	    const struct clamd_stats *);

#endif
