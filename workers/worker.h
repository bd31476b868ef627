/*
 * worker.h - a scan worker: jobs in, verdicts out, inside the sandbox
 *
 * SYNOPSIS
 *	struct worker_opts { sock, slot, sandbox, max_jobs, backstop,
 *	    cache };
 *	int	 worker_main(const struct worker_opts *wo);
 * DESCRIPTION
 *	worker_main() is the whole life of one vigild scan worker (the
 *	process "vigild -x worker" becomes, with its supervisor socket on
 *	wo->sock).  Its peer is the supervisor, which it trusts: a message
 *	it cannot read ends it (STYLE.md convention 10), and only the
 *	supervisor's socket may pass descriptors to it.
 *
 *	1. It receives the modules of one signature generation, one
 *	   MSG_MODULES message each (index 0 .. count - 1, one serial, with
 *	   the module's descriptor), maps each read-only and shared
 *	   (sigmap_open, header checks only: the supervisor validated them
 *	   deeply before handing them out), closes the descriptors and sets
 *	   up the pipeline over them.
 *	2. It enters the sandbox (workers/sandbox.h) with wo->sandbox, and
 *	   only then sends MSG_READY, with the generation's serial as gen.
 *	3. It answers jobs until told otherwise.  A MSG_JOB carries the
 *	   descriptor to scan and the options (av/wire.h): the descriptor is
 *	   mapped privately read-only (a pipe or an empty file is scanned as
 *	   empty), the pipeline runs with the job's limits and flags, and the
 *	   verdict tree goes back as MSG_VERDICT with the job's id (MSG_ERROR
 *	   when the job could not be scanned at all: the descriptor cannot
 *	   be mapped, memory ran out).  wo->backstop seconds (0: none) bound
 *	   each job with alarm(2) behind the supervisor's own deadline: the
 *	   default SIGALRM ends the worker, which the supervisor reports.
 *	   After wo->max_jobs jobs (0: no limit) it exits, to be replaced.
 *	   With wo->cache, clean verdicts are kept (workers/vcache.h: keyed
 *	   by the SHA-256 of the bytes, limits and flags): the same input
 *	   again gets the same tree without a scan, for the worker's life,
 *	   which is that of its generation.
 *	4. MSG_DRAIN, or the end of the socket, ends it with 0.
 *
 *	Everything a sandboxed worker needs is set up before step 2; after
 *	it the worker only reads and writes its socket, maps what it was
 *	given, and scans.
 * ERRORS
 *	worker_main() returns the process's exit status (lib/av/exitcodes.h):
 *	0 when drained, at the end of its socket, or after max_jobs;
 *	EX_CONFIG when the sandbox cannot be entered (do not respawn);
 *	EX_PROTOCOL for a message it cannot read or did not expect;
 *	EX_OSERR when a module cannot be mapped or a reply not sent;
 *	AV_EX_NOMEM when memory ran out outside a job.  It does not log
 *	(there is no syslog in the sandbox): the supervisor renders the
 *	status, and a job's own trouble goes back as MSG_ERROR.
 * PROCESS
 *	a vigild worker (fork+exec of vigild), and the unit tests.
 */
#ifndef VIGIL_WORKER_H
#define VIGIL_WORKER_H

#include <stdint.h>

#include "workers/sandbox.h"

struct worker_opts {
	int				 sock;
	uint32_t			 slot;
	const struct sandbox_opts	*sandbox;
	uint32_t			 max_jobs;
	uint32_t			 backstop;	/* seconds */
	int				 cache;		/* keep clean verdicts */
};

int	 worker_main(const struct worker_opts *);

#endif
