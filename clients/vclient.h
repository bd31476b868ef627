/*
 * vclient.h - the client side of vigild's native protocol, for agents
 *
 * SYNOPSIS
 *	int	 vclient_open(struct vclient *vc, const char *path,
 *		    int timeout);
 *	int	 vclient_open_nowait(struct vclient *vc, const char *path,
 *		    int timeout);
 *	void	 vclient_close(struct vclient *vc);
 *	int	 vclient_request(struct vclient *vc, uint32_t type,
 *		    struct msg **reply);
 *	int	 vclient_scan_fd(struct vclient *vc, int fd,
 *		    const struct native_req *opt, struct verdict *v);
 *	int	 vclient_stream_begin(struct vclient *vc,
 *		    const struct native_req *opt);
 *	int	 vclient_stream_write(struct vclient *vc, const void *p,
 *		    size_t len);
 *	int	 vclient_stream_end(struct vclient *vc, struct verdict *v);
 *	int	 vclient_scan_stream(struct vclient *vc, int in,
 *		    const struct native_req *opt, struct verdict *v);
 *	int	 vclient_scan_send(struct vclient *vc, int fd,
 *		    const struct native_req *opt, uint32_t *id);
 *	int	 vclient_scan_recv(struct vclient *vc, int timeout,
 *		    uint32_t *id, struct verdict *v);
 * DESCRIPTION
 *	One connection to vigild speaking the native protocol
 *	(daemon/PROTOCOL.md, daemon/native.h): one request at a time, or a
 *	pipeline of descriptor scans (below).
 *
 *	vclient_open() connects to the unix socket path, sends the magic and
 *	makes every later call wait at most timeout milliseconds for each
 *	send and each reply (-1: no limit); when vigild's listen queue is
 *	full (stopped, or flooded), the connect(2) itself waits at most
 *	timeout for room, then fails with EAGAIN.  vclient_open_nowait() is
 *	the same for an event loop: its connect(2) never waits, a full
 *	listen queue is EAGAIN at once.  vclient_close() closes the
 *	connection (safe twice, and after a failed open).
 *
 *	vclient_request() sends a request without fields (NATIVE_PING,
 *	_VERSION, _STATUS, _STATS, _RELOAD, _SHUTDOWN) and returns its reply
 *	in *reply, which the caller reads with native_get_*() and frees
 *	with msg_free().
 *
 *	Scanning.  opt holds the options of native_put_scan(): agent, rcpt,
 *	user, name (the input's path in the verdict; "" lets vigild choose
 *	"fd[N]" or "stream"), flags (NATIVE_F_ALLMATCH; NATIVE_F_STREAM is
 *	set by the stream calls) and limits (0: the daemon's; vigild
 *	never raises one).  opt may be NULL.  vclient_scan_fd() passes a
 *	duplicate of fd (SCM_RIGHTS; the caller keeps fd, at any offset:
 *	the whole file is scanned).  The stream calls send a stream:
 *	vclient_stream_begin(), then vclient_stream_write() as often as
 *	needed (cut into DATA frames of at most VCLIENT_CHUNK bytes; an
 *	empty write sends nothing), then vclient_stream_end(), which waits
 *	for the verdict.  vclient_scan_stream() does all three with the
 *	bytes read from descriptor in until its end.  The verdict is the
 *	whole tree (av/verdict.h); a worker that crashed or timed out gives
 *	a tree whose root is not scanned with the cause as its reason.
 *	After each verdict vc->serial holds the serial of the generation
 *	that scanned (the reply's gen field, daemon/PROTOCOL.md; 0 when
 *	vigild did not say).
 *
 *	Pipelining.  vclient_scan_send() sends a SCAN of descriptor fd as
 *	vclient_scan_fd() does, but returns as soon as it is sent, with the
 *	request's id in *id; up to VCLIENT_MAXPIPE may be unanswered
 *	(vc->npending counts them).  vclient_scan_recv() waits at most
 *	timeout milliseconds (-1: no limit; 0: only what has arrived) for
 *	the next answer to any of them, which vigild sends as each scan
 *	finishes, in any order: *id says which request it answers.  A
 *	caller that keeps several connections polls their vc->sock for
 *	POLLIN, then calls vclient_scan_recv() with timeout 0 until it
 *	fails with ETIMEDOUT (answers may wait in the buffer with nothing
 *	left on the socket).  While requests are pending, the
 *	one-at-a-time calls above fail with EINVAL.
 * ERRORS
 *	Every call but vclient_close() returns 0 on success; 1 when vigild
 *	answered NATIVE_R_ERROR: vc->code is its code (NATIVE_E_*) and
 *	vc->text its text; or -1 with errno and vc->text set: what
 *	socket(2), connect(2), read(2) or sendmsg(2) say (ENOENT,
 *	ECONNREFUSED: nobody listens), ETIMEDOUT, ECONNRESET (vigild closed
 *	the connection), EBADMSG (a malformed reply, or one that answers
 *	another request), EINVAL (bad options, a stream call out of order),
 *	ENAMETOOLONG (path), ENOMEM.  After -1 the connection is unusable:
 *	close it, except ETIMEDOUT from vclient_scan_recv(), which leaves
 *	the connection usable.  vclient_scan_send() also fails with EBUSY
 *	(VCLIENT_MAXPIPE pending; the connection stays usable) and EINVAL
 *	(a stream is open).  vclient_scan_recv() returns 1 for an R_ERROR
 *	answer to request *id (the request is answered, the connection
 *	stays usable), or to a broken frame (*id 0: vigild closes the
 *	connection); and -1 with EINVAL (nothing pending), EBADMSG (an
 *	answer to no pending request, a malformed verdict).
 *	Nothing here logs or exits; SIGPIPE is never raised.
 * PROCESS
 *	agents and vigilctl; one thread per struct vclient.
 */
#ifndef VIGIL_VCLIENT_H
#define VIGIL_VCLIENT_H

#include <stddef.h>
#include <stdint.h>

#include "av/verdict.h"
#include "daemon/native.h"
#include "util/msg.h"

#define VCLIENT_CHUNK	65536		/* bytes of one DATA frame */
#define VCLIENT_MAXPIPE	32		/* unanswered requests (PROTOCOL.md) */

struct vclient {
	int		 sock;		/* -1: closed */
	int		 timeout;	/* ms per send and per reply */
	uint32_t	 nextid;
	uint32_t	 streamid;	/* 0: no stream open */
	uint32_t	 npending;	/* vclient_scan_send() unanswered */
	struct msgbuf	 mb;
	uint32_t	 code;		/* of the last R_ERROR */
	uint32_t	 serial;	/* generation of the last verdict */
	char		 text[256];
};

int	 vclient_open(struct vclient *, const char *, int);
int	 vclient_open_nowait(struct vclient *, const char *, int);
void	 vclient_close(struct vclient *);
int	 vclient_request(struct vclient *, uint32_t, struct msg **);
int	 vclient_scan_fd(struct vclient *, int, const struct native_req *,
	    struct verdict *);
int	 vclient_stream_begin(struct vclient *, const struct native_req *);
int	 vclient_stream_write(struct vclient *, const void *, size_t);
int	 vclient_stream_end(struct vclient *, struct verdict *);
int	 vclient_scan_stream(struct vclient *, int, const struct native_req *,
	    struct verdict *);
int	 vclient_scan_send(struct vclient *, int, const struct native_req *,
	    uint32_t *);
int	 vclient_scan_recv(struct vclient *, int, uint32_t *,
	    struct verdict *);

#endif
