/*
 * sv_log.h - vigild's log lines: detections, clients, workers' MSG_LOG
 *
 * SYNOPSIS
 *	int	 sv_lograte_take(struct sv_lograte *r, int64_t now,
 *		    unsigned limit, unsigned long *dropped);
 *	size_t	 sv_log_vis(char *dst, size_t len, const char *src);
 *	void	 sv_log_peer(char *buf, size_t len, int fd, int local);
 *	void	 sv_log_worker(struct sv_lograte *r, int64_t now,
 *		    uint32_t slot, long pid, int level, const char *text);
 *	void	 sv_log_worker_gone(struct sv_lograte *r, uint32_t slot,
 *		    long pid);
 *	void	 sv_log_detection(const struct sv_detection *d);
 * DESCRIPTION
 *	sv_lograte_take() is a rate limiter of at most limit lines per
 *	window of SV_LOG_WINDOW_MS milliseconds: a window opens with the
 *	first line at or after the end of the previous one.  It returns 1
 *	when the line may be written, 0 when it must be dropped (and counts
 *	it).  *dropped (dropped may be NULL) is set to the number of lines
 *	dropped since the last line allowed, so that the caller reports them
 *	before the line; it is 0 otherwise.  r starts zeroed; now is a
 *	monotonic time in milliseconds (sv_now()).
 *
 *	sv_log_vis() copies src into dst for a log line, each byte below
 *	0x20, 0x7f and the backslash written as a backslash and three octal
 *	digits ("\033"), and
 *	returns the length (at most len - 1; the copy is cut before an
 *	escape that would not fit).  len must be at least 1.
 *
 *	sv_log_peer() describes a client connected on fd for log lines and
 *	VIGIL_CLIENT: a local one as "uid U pid P" (SO_PEERCRED; "unix" when
 *	that fails), a TCP one as "ADDRESS:PORT" ("[V6]:PORT"; "tcp" when
 *	getpeername(2) fails).
 *
 *	sv_log_worker() logs a worker's MSG_LOG line "worker SLOT pid PID:
 *	TEXT" at the worker's level (0 counts as 1, errors), with the text
 *	escaped by sv_log_vis(), if the level is logged at all and r allows
 *	it: at most SV_LOG_RATE lines per second per worker.  The first line
 *	after drops is preceded by "worker SLOT pid PID: N log lines dropped
 *	(more than SV_LOG_RATE a second)".  sv_log_worker_gone() reports the
 *	drops not yet reported when the worker is reaped.
 *
 *	sv_log_detection() logs one line per signature and object at
 *	LOG_LVL_NOTICE: "client ID (PEER): OBJECT PATH: NAME FOUND", where
 *	the object path starts with the input's name (verdict.h).
 * ERRORS
 *	none; these functions never fail and never exit.
 * PROCESS
 *	vigild's supervisor.
 */
#ifndef VIGIL_SV_LOG_H
#define VIGIL_SV_LOG_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#define SV_LOG_WINDOW_MS	1000
#define SV_LOG_RATE		20	/* worker lines per window */
#define SV_LOG_PEERMAX		64	/* bytes of sv_log_peer()'s text */

struct verdict;

struct sv_lograte {
	int64_t		 start;		/* ms: the window's opening */
	unsigned	 n;		/* lines allowed in it */
	unsigned long	 dropped;	/* since the last line allowed */
};

/* a detection, for the log line and for exec_script */
struct sv_detection {
	uint64_t		 client;	/* the connection's number */
	const char		*peer;		/* sv_log_peer() */
	const char		*path;		/* the input, as named */
	const struct verdict	*v;		/* infected */
	uint64_t		 serial;	/* signature generation */
	time_t			 time;
};

int	 sv_lograte_take(struct sv_lograte *, int64_t, unsigned,
	    unsigned long *);
size_t	 sv_log_vis(char *, size_t, const char *);
void	 sv_log_peer(char *, size_t, int, int);
void	 sv_log_worker(struct sv_lograte *, int64_t, uint32_t, long, int,
	    const char *);
void	 sv_log_worker_gone(struct sv_lograte *, uint32_t, long);
void	 sv_log_detection(const struct sv_detection *);

#endif
