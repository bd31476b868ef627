/*
 * smtp_scan.h - scans for an event loop: descriptors passed to a local
 *	vigild on kept, pipelined connections; the thread pool for the rest
 *
 * SYNOPSIS
 *	struct smtp_scan	*smtp_scan_new(int ep, int kind,
 *		    struct smtp_pool *pl);
 *	void	 smtp_scan_submit(struct smtp_scan *sc, struct smtp_job *j);
 *	void	 smtp_scan_input(struct smtp_scan *sc, void *ref);
 *	struct smtp_job	*smtp_scan_done(struct smtp_scan *sc);
 *	void	 smtp_scan_tick(struct smtp_scan *sc);
 *	void	 smtp_scan_free(struct smtp_scan *sc);
 * DESCRIPTION
 *	An event loop that must not wait for vigild hands its messages here
 *	(the job of smtp_pool.h: policy, envelope, message, descriptor,
 *	an initialised mail_out, arg for itself).  When the policy's first
 *	daemon address is a unix socket, the message goes to that vigild as
 *	a descriptor (the spool's file, or a memfd written here for a
 *	message in memory, kept for later messages once vigild answered)
 *	on one of a few connections kept open, up to
 *	VCLIENT_MAXPIPE scans in flight on each (vclient.h's pipelining);
 *	sending one costs a sendmsg(2) and no thread, and never waits: 32
 *	requests of a few hundred bytes fill a small part of a socket's
 *	buffer, even when vigild reads none of them.  The answers are read
 *	when a connection is readable: the loop registers nothing itself,
 *	the connections are added to epoll descriptor ep with data.ptr
 *	pointing to a structure whose first member is an int holding kind,
 *	and the loop calls smtp_scan_input() with that pointer when it
 *	reports it.  A clean verdict (nothing infected, nothing left
 *	unscanned) for a policy without write_to_emails is decided there
 *	(mail_decide(): header marks only, no file read); any other verdict
 *	goes to the pool with decide set, so that templates and the
 *	quarantine's fsync never stall the loop.
 *
 *	Everything the fast path cannot do goes to the pool pl whole, where
 *	a thread runs mail_scan_conn() with its failover over every daemon
 *	address: a policy whose first address is HOST:PORT, a message over
 *	the policy's max_message_size, a memfd that cannot be made, a
 *	connection that cannot be opened at once (vclient_open_nowait():
 *	a vigild whose listen queue is full never stalls the loop) or that
 *	fails (every scan in flight on it goes to the pool again: a scan is
 *	at worst sent twice, never lost), an R_ERROR answer, and a scan
 *	that took longer than the
 *	policy's daemon timeout (smtp_scan_tick(), to be called about once a
 *	second, closes its connection).
 *
 *	Jobs finished here are collected with smtp_scan_done() (NULL when
 *	none), which the loop calls after every batch of events: a
 *	connection closed during a batch (an event for it may still be in
 *	that batch; smtp_scan_input() ignores it) is freed only when
 *	smtp_scan_done() returns NULL.  Jobs sent to the
 *	pool come back through smtp_pool_done() as before; either way rc,
 *	err and o are set as smtp_pool.h says.  Nothing a job points to may
 *	change or go away until it is collected.  smtp_scan_free() closes
 *	the connections; a job still in flight then goes to the pool.
 * ERRORS
 *	smtp_scan_new() returns NULL with errno ENOMEM.  The others cannot
 *	fail: every failure sends the job to the pool.  Nothing here logs or
 *	exits.
 * PROCESS
 *	vigil-smtpd's event loop; one per process, used from one thread.
 */
#ifndef VIGIL_SMTP_SCAN_H
#define VIGIL_SMTP_SCAN_H

#include "clients/smtp_pool.h"

struct smtp_scan;

struct smtp_scan	*smtp_scan_new(int, int, struct smtp_pool *);
void			 smtp_scan_submit(struct smtp_scan *,
			    struct smtp_job *);
void			 smtp_scan_input(struct smtp_scan *, void *);
struct smtp_job		*smtp_scan_done(struct smtp_scan *);
void			 smtp_scan_tick(struct smtp_scan *);
void			 smtp_scan_free(struct smtp_scan *);

#endif
