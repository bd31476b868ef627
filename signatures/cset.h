/*
 * cset.h - compiling a set of signatures into a module
 *
 * SYNOPSIS
 *	struct cset	*cset_new(const struct cset_opts *o);
 *	void		 cset_free(struct cset *cs);
 *	int		 cset_add_hash(struct cset *cs, const struct hashsig *h);
 *	int		 cset_add_body(struct cset *cs, const struct bodysig *s,
 *			    const char **why);
 *	int		 cset_add_ignore(struct cset *cs, const char *name,
 *			    const uint8_t *md5);
 *	void		 cset_skip(struct cset *cs, enum cset_reason r,
 *			    const char *file, unsigned long line,
 *			    const char *detail);
 *	int		 cset_failed(const struct cset *cs);
 *	int		 cset_build(struct cset *cs, uint64_t serial,
 *			    const char *name, uint8_t **image, size_t *size);
 *	const struct cset_stats *cset_stats(const struct cset *cs);
 *	const char	*cset_reason_str(enum cset_reason r);
 * DESCRIPTION
 *	A cset accumulates signatures as the source parsers produce them
 *	and then builds one module image (vmod.h).
 *
 *	cset_add_hash() takes a hash signature or allow-list entry.
 *	cset_add_body() takes an .ndb or .ldb signature: each pattern is
 *	either checked directly at its offset (fixed offsets with a small
 *	float) or found through a prefilter anchor (anchor.h); a signature
 *	with a pattern that needs an anchor and has none is refused with
 *	*why set and the caller counts it as CR_NOANCHOR.  The signature is
 *	copied; the caller keeps ownership of s.  cset_add_ignore() records a
 *	name from .ign/.ign2: signatures of that name are left out of the
 *	module, and the name is kept in the module so that it also applies
 *	to other modules of the same generation.  With md5 (16 bytes), only
 *	the signature whose source line has that MD5 is left out, and only
 *	if it is added after the ignore entry: loaders read .ign/.ign2
 *	sources first.
 *
 *	cset_skip() counts a line that was not compiled and, for reasons
 *	that are errors (CR_MALFORMED), or when o->verbose is set, calls
 *	o->report with "file:line" and the reason.  With o->strict a
 *	CR_MALFORMED line makes cset_failed() true, and loaders stop.
 *
 *	cset_build() lays out and checksums the module in a new malloc(3)ed
 *	image that the caller frees.
 * ERRORS
 *	cset_new() returns NULL (ENOMEM).  cset_add_*() return 0 or -1 (with
 *	*why for add_body; errno ENOMEM when memory ran out).  cset_build()
 *	returns 0 or -1 with errno ENOMEM or AV_ENOSIGS (no signature line
 *	was read at all; a set that skips or ignores emptied still builds).
 *	Never exit, never log: messages go through o->report.
 * PROCESS
 *	vigil-compile; the tests and fuzzers.
 */
#ifndef VIGIL_CSET_H
#define VIGIL_CSET_H

#include <stddef.h>
#include <stdint.h>

#include "signatures/sigir.h"

#define VIGIL_FLEVEL	212	/* the ClamAV functionality level we match */

enum cset_reason {
	CR_MALFORMED = 0,	/* syntax error: reported as file:line */
	CR_FLEVEL,		/* functionality level excludes our engine */
	CR_PCRE,		/* PCRE subsignature (not supported yet) */
	CR_BYTECMP,		/* byte-compare subsignature */
	CR_MACRO,		/* macro subsignature */
	CR_FUZZY,		/* fuzzy image hash subsignature */
	CR_ICON,		/* IconGroup condition */
	CR_VI,			/* VI (version information) offset */
	CR_UNSUPPORTED,		/* another feature we do not implement */
	CR_NOANCHOR,		/* a pattern with no fixed 2-byte window */
	CR_IGNORED,		/* named in .ign/.ign2 */
	CR_PUA,			/* PUA database, not enabled */
	CR_FILETYPE,		/* database kind we do not read */
	CR_NREASONS
};

struct cset_opts {
	uint32_t	 flevel;	/* 0: VIGIL_FLEVEL */
	int		 strict;
	int		 pua;		/* load .ndu, .ldu, .hdu, ... */
	int		 verbose;	/* report every skipped line */
	void		(*report)(void *, const char *, unsigned long,
			    const char *);
	void		*arg;
};

struct cset_stats {
	uint64_t	 files;
	uint64_t	 lines;
	uint64_t	 hash[3];	/* by enum digest_type */
	uint64_t	 fp[3];
	uint64_t	 ndb;
	uint64_t	 ldb;
	uint64_t	 subsigs;
	uint64_t	 patterns;
	uint64_t	 shared;	/* patterns found identical to another */
	uint64_t	 direct;	/* patterns checked at their offset */
	uint64_t	 chained;	/* patterns matched part by part */
	uint64_t	 anchors4;	/* patterns with a 4-byte anchor */
	uint64_t	 anchors2;	/* patterns with a 2-byte anchor */
	uint64_t	 keys;		/* prefilter keys, all groups */
	uint64_t	 ignores;
	uint64_t	 skipped[CR_NREASONS];
};

struct cset;

struct cset	*cset_new(const struct cset_opts *);
void		 cset_free(struct cset *);
int		 cset_add_hash(struct cset *, const struct hashsig *);
int		 cset_add_body(struct cset *, const struct bodysig *,
		    const char **);
int		 cset_add_ignore(struct cset *, const char *, const uint8_t *);
void		 cset_skip(struct cset *, enum cset_reason, const char *,
		    unsigned long, const char *);
int		 cset_failed(const struct cset *);
uint32_t	 cset_flevel(const struct cset *);
int		 cset_pua(const struct cset *);
struct cset_stats *cset_stats_rw(struct cset *);
int		 cset_build(struct cset *, uint64_t, const char *, uint8_t **,
		    size_t *);
const struct cset_stats *cset_stats(const struct cset *);
const char	*cset_reason_str(enum cset_reason);

#endif
