/*
 * limits.h - the limits of one scan, shared by the pipeline and the wire
 *
 * SYNOPSIS
 *	struct scan_limits { max_depth, max_scansize, max_files,
 *	    max_filesize, max_ratio, max_time, heuristics };
 * DESCRIPTION
 *	What workers/pipeline.h documents: nested wrappers, bytes examined
 *	per input, objects per input, bytes of one object, the compression
 *	ratio of a member, milliseconds per input, and whether a limit also
 *	counts as a detection.  0 means no limit for each.  The supervisor
 *	sends them with each job (av/wire.h); scan_limits_default() in
 *	pipeline.h gives the defaults.
 * PROCESS
 *	workers, the supervisor, vigil-scan --db.
 */
#ifndef VIGIL_LIMITS_H
#define VIGIL_LIMITS_H

#include <stdint.h>

struct scan_limits {
	uint32_t	 max_depth;
	uint64_t	 max_scansize;
	uint32_t	 max_files;
	uint64_t	 max_filesize;
	uint32_t	 max_ratio;
	uint32_t	 max_time;	/* milliseconds */
	int		 heuristics;
};

#endif
