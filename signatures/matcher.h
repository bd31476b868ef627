/*
 * matcher.h - matching one object against a generation's modules
 *
 * SYNOPSIS
 *	struct matcher	*matcher_new(const struct vmod_view *const *mods,
 *			    size_t nmods);
 *	void		 matcher_free(struct matcher *m);
 *	int		 matcher_scan(struct matcher *m, const uint8_t *buf,
 *			    size_t len, const struct scan_target *t,
 *			    unsigned flags, struct match_result *r);
 *	int		 matcher_group(int target, int normalised);
 *	int		 matcher_allowlisted(struct matcher *m,
 *			    const uint8_t *buf, size_t len);
 * DESCRIPTION
 *	A matcher holds the per-scan scratch state for a set of validated
 *	modules (vmod_validate(), vmod_view()); the modules are read in
 *	place and must stay mapped while the matcher lives.  One matcher
 *	serves one thread; it allocates while it scans (state of the logical
 *	signatures an object touches), never per signature at load.
 *
 *	matcher_scan() matches buf[0..len):
 *	- hash signatures, hashing only when some signature has the object's
 *	  size (or "*"), unless MATCH_NOHASH;
 *	- body signatures of prefilter group t->group (matcher_group() maps
 *	  a target type to it): patterns with a fixed offset are tried where
 *	  their offset puts them (t->exe gives EP and sections), the others
 *	  through the prefilter and verified at each anchor hit;
 *	- logical signatures: subsignature counts, expression, and target
 *	  description (FileSize, EntryPoint, NumberOfSections, Container,
 *	  Intermediates against t->chain).
 *	A detection whose object is on an allow-list (.fp/.sfp of any
 *	module) makes the object clean, unless MATCH_NOFP (buf is then a
 *	transformed copy and the caller asks matcher_allowlisted() about the
 *	object itself); detections named in any module's ignore list are
 *	dropped.  Logical signatures whose expression holds with no match at
 *	all are evaluated for every object of their target.  Without MATCH_ALL the scan stops at the
 *	first detection; with it every distinct signature is reported (up
 *	to MATCH_MAXHITS).
 *
 *	r->hits[].name is the signature name (module names are stored
 *	obfuscated, see vmod.h), cut at MATCH_NAMELEN - 1 bytes.
 * ERRORS
 *	matcher_new() returns NULL (ENOMEM).  matcher_scan() returns the
 *	number of detections (0 clean), or -1 with errno ENOMEM or EIO
 *	(digest failure).  Never exit, never log.
 * PROCESS
 *	workers; vigil-scan --db.
 */
#ifndef VIGIL_MATCHER_H
#define VIGIL_MATCHER_H

#include <stddef.h>
#include <stdint.h>

#include "signatures/vmod.h"
#include "workers/exeinfo.h"

#define MATCH_ALL	0x01	/* report every signature, do not stop */
#define MATCH_NOHASH	0x02	/* body signatures only */
#define MATCH_NOFP	0x04	/* no allow-list check (buf is a copy) */

#define MATCH_MAXHITS	64
#define MATCH_MAXCHAIN	64
#define MATCH_NAMELEN	128

struct scan_target {
	int			 group;		/* prefilter group */
	int			 ftype;		/* enum ftype of the object */
	const struct exeinfo	*exe;		/* NULL: not an executable */
	const uint16_t		*chain;		/* container types, top-down */
	uint32_t		 nchain;
};

struct match_hit {
	char		 name[MATCH_NAMELEN];
	uint32_t	 module;
	uint32_t	 kind;		/* 0 hash, BODYSIG_NDB, BODYSIG_LDB */
	uint64_t	 id;		/* module << 32 | name offset */
};

struct match_result {
	uint32_t		 nhits;
	struct match_hit	 hits[MATCH_MAXHITS];
	int			 allowlisted;
	uint64_t		 verifies;	/* statistics */
	uint64_t		 steps;		/* elements visited verifying */
	uint64_t		 exhausted;	/* verifications cut short */
};

struct matcher;

struct matcher	*matcher_new(const struct vmod_view *const *, size_t);
void		 matcher_free(struct matcher *);
int		 matcher_scan(struct matcher *, const uint8_t *, size_t,
		    const struct scan_target *, unsigned,
		    struct match_result *);
int		 matcher_group(int, int);
int		 matcher_allowlisted(struct matcher *, const uint8_t *, size_t);

#endif
