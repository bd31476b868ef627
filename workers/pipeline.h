/*
 * pipeline.h - scanning one object: type, headers, matcher
 *
 * SYNOPSIS
 *	struct pipeline	*pipeline_new(const struct vmod_view *const *mods,
 *			    size_t nmods);
 *	void		 pipeline_free(struct pipeline *pl);
 *	int		 pipeline_scan(struct pipeline *pl, const uint8_t *buf,
 *			    size_t len, unsigned flags,
 *			    struct match_result *r);
 * DESCRIPTION
 *	pipeline_scan() detects the object's type by content
 *	(filetype_detect), parses executable headers (exeinfo_parse) for EP
 *	and section offsets, runs the matcher over the raw bytes with the
 *	object's target group, and for HTML and text also over a normalised
 *	copy (lowercase; HTML also with whitespace runs folded to one space)
 *	with the target-3/7 signatures.  flags are MATCH_* of matcher.h.
 *	The unpacking of containers, mail and encodings joins here.
 * ERRORS
 *	pipeline_new() returns NULL (ENOMEM).  pipeline_scan() returns the
 *	number of detections or -1 with errno (ENOMEM, EIO).  Never exits,
 *	never logs.
 * PROCESS
 *	workers; vigil-scan --db.
 */
#ifndef VIGIL_PIPELINE_H
#define VIGIL_PIPELINE_H

#include <stddef.h>
#include <stdint.h>

#include "signatures/matcher.h"

struct pipeline;

struct pipeline	*pipeline_new(const struct vmod_view *const *, size_t);
void		 pipeline_free(struct pipeline *);
int		 pipeline_scan(struct pipeline *, const uint8_t *, size_t,
		    unsigned, struct match_result *);

#endif
