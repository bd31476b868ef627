/*
 * sigsrc.h - reading ClamAV signature sources into a cset
 *
 * SYNOPSIS
 *	enum src_kind	 sigsrc_kind(const char *name);
 *	int		 sigsrc_load_path(struct cset *cs, const char *path);
 *	int		 sigsrc_load_buffer(struct cset *cs, const char *name,
 *			    const uint8_t *data, size_t len);
 *	int		 sigsrc_line(struct cset *cs, enum src_kind kind,
 *			    const char *file, unsigned long lineno,
 *			    char *line);
 *	int		 sigsrc_offset(const char *s, struct sigoff *off,
 *			    const char **why);
 * DESCRIPTION
 *	sigsrc_kind() tells a source's kind from its name: .hdb .hsb .fp
 *	.sfp .ndb .ldb .ign .ign2 .cvd .cld, the PUA variants (.hdu .hsu
 *	.ndu .ldu), ClamAV kinds Vigil does not read (.mdb .msb .imp .cdb
 *	.crb .wdb .pdb .ftm .idb .cbc .yar .yara .cfg ...: SRC_OTHER), and a
 *	trailing ".gz" is looked through.
 *
 *	sigsrc_load_path() loads a file (decompressing NAME.gz), or every
 *	recognised file of a directory in name order (not recursive), the
 *	ignore lists (.ign, .ign2) first so that they apply to the rest.
 *	sigsrc_load_buffer() loads a source already in memory; .cvd/.cld
 *	containers are opened (MD5 checked when the header has one) and their
 *	members loaded as "container:member", ignore lists first.  Lines are split on LF (CRLF accepted), blank
 *	lines and lines starting with '#' are ignored.  Every line that is
 *	not compiled is counted in the cset with its reason (cset_skip):
 *	malformed lines are reported as file:line and skipped, or stop the
 *	load under --strict (cset_failed()).  The functionality-level range
 *	of a line is checked before the rest of it is parsed.  Where ClamAV
 *	refuses a line it is refused here too: a hash of another length than
 *	MD5/SHA-1/SHA-256, a size of 0, a size of "*" without functionality
 *	level 73, EP and section offsets outside targets 1, 6 and 9, an .ldb
 *	whose subsignature count differs from its expression's.
 *
 *	sigsrc_line() parses and adds one line of a given kind; the fuzz
 *	targets call it directly.  sigsrc_offset() parses an offset
 *	("*", "n", "n,m", "EOF-n", "EP+n", "EP-n", "Sx+n", "SEx", "SL+n",
 *	each but "*" and SEx optionally followed by ",maxshift").
 * ERRORS
 *	sigsrc_load_path() and sigsrc_load_buffer() return 0, or -1 with
 *	errno for what stopped the whole source (ENOENT, EISDIR, AV_ECVD,
 *	AV_ECVDMD5, AV_EGZIP, AV_ESYNTAX when strict, ENOMEM, EINVAL for an
 *	unknown kind named explicitly).  sigsrc_line() returns 0 (added or
 *	skipped) or -1 (out of memory).  sigsrc_offset() returns 0, -1
 *	(malformed, *why set) or 1 (valid but unsupported, e.g. VI).
 *	Never exit, never log.
 * PROCESS
 *	vigil-compile.
 */
#ifndef VIGIL_SIGSRC_H
#define VIGIL_SIGSRC_H

#include <stddef.h>
#include <stdint.h>

#include "signatures/cset.h"
#include "signatures/sigir.h"

enum src_kind {
	SRC_NONE = 0,		/* not a signature file */
	SRC_HDB,
	SRC_HSB,
	SRC_FP,
	SRC_SFP,
	SRC_NDB,
	SRC_LDB,
	SRC_IGN,
	SRC_IGN2,
	SRC_CVD,
	SRC_CLD,
	SRC_OTHER		/* a ClamAV kind Vigil does not read */
};
#define SRC_PUA		0x100	/* or'ed in for .hdu .hsu .ndu .ldu */

int	 sigsrc_kind(const char *);
int	 sigsrc_load_path(struct cset *, const char *);
int	 sigsrc_load_buffer(struct cset *, const char *, const uint8_t *,
	    size_t);
int	 sigsrc_line(struct cset *, int, const char *, unsigned long, char *);
int	 sigsrc_offset(const char *, struct sigoff *, const char **);

#endif
