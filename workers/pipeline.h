/*
 * pipeline.h - scanning an input: unpacking, decoding, matching
 *
 * SYNOPSIS
 *	struct pipeline	*pipeline_new(const struct vmod_view *const *mods,
 *			    size_t nmods);
 *	void		 pipeline_free(struct pipeline *pl);
 *	void		 scan_limits_default(struct scan_limits *lim);
 *	int		 pipeline_run(struct pipeline *pl, const uint8_t *buf,
 *			    size_t len, const char *path,
 *			    const struct scan_limits *lim, unsigned flags,
 *			    struct verdict *v);
 *	int		 pipeline_scan(struct pipeline *pl, const uint8_t *buf,
 *			    size_t len, unsigned flags,
 *			    struct match_result *r);
 * DESCRIPTION
 *	pipeline_run() scans one input and everything it wraps, and fills
 *	the verdict tree v (av/verdict.h): the input is the first object,
 *	named path.  For each object it detects the type by content
 *	(filetype_detect, never by name) and matches it (pipeline_scan), then
 *	opens it if it is a wrapper:
 *	- archives and compressed streams (workers/archive.h): each member is
 *	  an object "PARENT/member/path" (a compressed stream's content is
 *	  "PARENT/NAME" with the compression suffix taken off NAME);
 *	- mail and mbox files (workers/mime.h): each part with content, its
 *	  transfer encoding decoded, is an object "PARENT/N" or
 *	  "PARENT/N:file name" (N counts siblings from 1; parts of parts and
 *	  of forwarded messages add "/N" again; the messages of an mbox with
 *	  several are "PARENT/N" first);
 *	- uuencoded and BinHex 4.0 data in text, and BinHex files
 *	  (workers/decode.h): "PARENT/name".
 *	The types of the containers above an object, top down, are what .ldb
 *	Container: and Intermediates: conditions see.
 *
 *	Limits (lim; scan_limits_default() gives safe defaults): max_depth
 *	nested wrappers; max_scansize bytes examined per input, all objects
 *	together; max_files objects per input; max_filesize bytes of one
 *	object (the first max_filesize bytes of a bigger one are scanned); a
 *	member unpacking to more than max_ratio times its container's size
 *	(and 1 MiB) is a compression bomb; max_time milliseconds per input.
 *	A limit stops only the branch it is hit in, and the object is "not
 *	scanned" with the reason ("limit: recursion", "limit: scan size",
 *	"limit: files", "limit: file size", "limit: compression ratio",
 *	"limit: time"); encrypted members and archives are "not scanned:
 *	encrypted"; damaged archives "not scanned: corrupt: ...".  With
 *	lim->heuristics these also count as detections named
 *	Heuristics.Limits.Exceeded and Heuristics.Encrypted.<Format>.
 *	Nothing is ever reported clean that was not scanned.
 *
 *	flags are MATCH_* of matcher.h: without MATCH_ALL the scan stops at
 *	the first detection; with it every object is matched and every
 *	signature reported.
 *
 *	pipeline_scan() matches one object as it is, without opening it: the
 *	raw bytes with the object's target group, and for HTML and text also
 *	a normalised copy (lowercase; HTML also with white-space runs folded)
 *	with the target-3/7 signatures.
 * ERRORS
 *	pipeline_new() returns NULL (ENOMEM).  pipeline_run() returns 0 (see
 *	v->status), or -1 with errno ENOMEM (the verdict then holds what was
 *	found so far).  pipeline_scan() returns the number of detections or
 *	-1 with errno (ENOMEM, EIO).  Never exit, never log.
 * PROCESS
 *	workers; vigil-scan --db.
 */
#ifndef VIGIL_PIPELINE_H
#define VIGIL_PIPELINE_H

#include <stddef.h>
#include <stdint.h>

#include "av/limits.h"
#include "av/verdict.h"
#include "signatures/matcher.h"

struct pipeline;

struct pipeline	*pipeline_new(const struct vmod_view *const *, size_t);
void		 pipeline_free(struct pipeline *);
void		 scan_limits_default(struct scan_limits *);
int		 pipeline_run(struct pipeline *, const uint8_t *, size_t,
		    const char *, const struct scan_limits *, unsigned,
		    struct verdict *);
int		 pipeline_scan(struct pipeline *, const uint8_t *, size_t,
		    unsigned, struct match_result *);

#endif
