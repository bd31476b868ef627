/*
 * smtp_pool.h - a few threads that run mail_scan() for an event loop
 *
 * SYNOPSIS
 *	struct smtp_pool	*smtp_pool_new(unsigned nthreads);
 *	int	 smtp_pool_fd(const struct smtp_pool *pl);
 *	void	 smtp_pool_submit(struct smtp_pool *pl, struct smtp_job *j);
 *	struct smtp_job	*smtp_pool_done(struct smtp_pool *pl);
 *	void	 smtp_pool_free(struct smtp_pool *pl);
 * DESCRIPTION
 *	mail_scan() (clients/mail.h) blocks while vigild scans; an event
 *	loop that serves thousands of sessions hands it to this pool
 *	instead.  The caller fills a struct smtp_job (policy, envelope,
 *	message, descriptor, an initialised mail_out, arg for itself) and
 *	submits it; the first idle thread runs mail_scan_conn() (each thread
 *	keeps its own connection to vigild between jobs) with exactly
 *	those arguments and puts the job, with rc and err (errno when rc is
 *	-1) set, on the done list.  A job whose decide is set carries the
 *	verdict already (v, serial; from smtp_scan.h): the thread only runs
 *	mail_decide() on it, then frees v.  smtp_pool_fd() is an eventfd that is
 *	readable while jobs are done and not yet collected: the loop
 *	watches it (EPOLLIN) and calls smtp_pool_done() until it returns
 *	NULL.  Jobs are started in the order submitted.  Nothing the job
 *	points to may change or go away until it is collected.
 *
 *	smtp_pool_free() waits for the jobs queued and running, stops the
 *	threads and frees the pool; the caller collects what is done before
 *	and frees its jobs itself.  The threads are created with the
 *	caller's signal mask: block the signals a signalfd reads first.
 * ERRORS
 *	smtp_pool_new() returns NULL with errno (ENOMEM, EAGAIN, what
 *	eventfd(2) says); it starts at least one thread.  The others cannot
 *	fail.  Nothing here logs or exits.
 * PROCESS
 *	vigil-smtpd; one pool per process, submit and collect from one
 *	thread.
 */
#ifndef VIGIL_SMTP_POOL_H
#define VIGIL_SMTP_POOL_H

#include <bsd/sys/queue.h>

#include "clients/mail.h"

struct smtp_job {
	TAILQ_ENTRY(smtp_job)	 entry;
	struct mail_policy	 p;
	struct mail_env		 e;
	const uint8_t		*msg;
	size_t			 len;
	int			 fd;
	struct mail_out		 o;
	int			 rc;
	int			 err;
	void			*arg;
	/* a verdict vigild gave already (smtp_scan.h): only decide */
	int			 decide;
	struct verdict		 v;
	uint64_t		 serial;
	/* smtp_scan.h's own */
	int			 scratch;	/* a kept memfd, or -1 */
	uint32_t		 id;
	int64_t			 deadline;
	void			*conn;
};

struct smtp_pool;

struct smtp_pool	*smtp_pool_new(unsigned);
int			 smtp_pool_fd(const struct smtp_pool *);
void			 smtp_pool_submit(struct smtp_pool *,
			    struct smtp_job *);
struct smtp_job		*smtp_pool_done(struct smtp_pool *);
void			 smtp_pool_free(struct smtp_pool *);

#endif
