/*
 * hexsig.h - ClamAV hex body signature syntax to a pattern
 *
 * SYNOPSIS
 *	int	 hexsig_parse(const char *s, size_t len, unsigned flags,
 *		    struct pattern *p, const char **why);
 *	int	 hexsig_boundary(uint8_t c, int side);
 * DESCRIPTION
 *	hexsig_parse() parses the body syntax of .ndb and .ldb signatures:
 *	hex bytes, "??", nibbles "a?" and "?a", gaps "*", "{n}", "{-n}",
 *	"{n-}", "{n-m}", anchored ranges "[x-y]", character classes "(B)",
 *	"(L)", "(W)", single-byte, fixed-length multi-byte and generic
 *	alternatives "(aa|bb)", negated "!(aa|bb)".  "{n}" with n < 128 is a
 *	run of "??" as in ClamAV; larger fixed gaps stay gaps.  "(B)", "(L)"
 *	and "(W)" at either end of the body are zero-width checks of the
 *	neighbouring byte; in the middle they consume it.
 *
 *	flags are HEXF_* of sigir.h: NOCASE folds ASCII letters; WIDE puts
 *	a NUL after every literal byte (not after wildcards, as ClamAV);
 *	FULLWORD adds word checks at both ends.  The caller parses ::wa as
 *	two calls, one with and one without WIDE.
 *
 *	p must have been initialised with pattern_init(); on success it
 *	holds the elements, with minlen/maxlen set.
 *
 *	hexsig_boundary() tells whether c is a boundary character for (B):
 *	side < 0 for the byte before a match, side > 0 for the byte after
 *	it, 0 for a (B) inside a pattern.  As in ClamAV the sets differ by
 *	side: space - / _ count on both sides, . < @ only before, and LF CR
 *	" ' = > only after.
 * ERRORS
 *	Returns 0, or -1 with *why set to a static description of the first
 *	syntax error (the pattern is then cleared).  ENOMEM is reported as
 *	"out of memory".  Never exits, never logs.
 * PROCESS
 *	vigil-compile.
 */
#ifndef VIGIL_HEXSIG_H
#define VIGIL_HEXSIG_H

#include <stddef.h>
#include <stdint.h>

#include "signatures/sigir.h"

int	 hexsig_parse(const char *, size_t, unsigned, struct pattern *,
	    const char **);
int	 hexsig_boundary(uint8_t, int);

#endif
