/*
 * lexpr.h - logical expressions of .ldb signatures
 *
 * SYNOPSIS
 *	int	 lexpr_compile(const char *s, size_t len, uint32_t nsub,
 *		    uint8_t **code, uint32_t *codelen, uint32_t *flags,
 *		    uint32_t *cap, const char **why);
 *	int	 lexpr_eval(const uint8_t *code, uint32_t codelen,
 *		    const uint32_t *counts);
 *	int	 lexpr_check(const uint8_t *code, uint32_t codelen,
 *		    uint32_t nsub);
 *	int	 lexpr_maxsub(const uint8_t *code, uint32_t codelen);
 * DESCRIPTION
 *	The grammar is ClamAV's: subsignature indexes combined with "&" and
 *	"|" of equal precedence, grouping right to left ("0&1|2" is
 *	"0&(1|2)"), parentheses, and count modifiers after an index or a
 *	parenthesised block: "=X", ">X", "<X", with ",Y" (at least Y
 *	distinct subsignatures) on blocks.  "A=0" is negation.  As ClamAV's
 *	parser does, a repeated modifier character ("8==9") counts once and a
 *	trailing comma without a number ("0=2,") is ignored: the official
 *	databases contain both.
 *
 *	lexpr_compile() checks the expression against nsub subsignatures
 *	and produces a postfix program in a new malloc(3)ed buffer.  flags
 *	receives LEXPR_COUNTS when some modifier needs match counts (not
 *	only presence) and LEXPR_MONOTONE when the expression can only go
 *	from false to true as matches accumulate (no "=" or "<"), so that
 *	it may be evaluated before the end of the object.  *cap receives one
 *	more than the largest count the expression compares with: counts
 *	beyond it cannot change the result (not even summed over a block),
 *	so a matcher may stop counting a subsignature there.
 *
 *	lexpr_eval() evaluates a program for counts[i], the number of
 *	matches of subsignature i.  lexpr_check() validates a program read
 *	from an untrusted module: every opcode known, every index < nsub,
 *	the stack never underflows nor passes LEXPR_MAXDEPTH, exactly one
 *	value left.  lexpr_maxsub() returns the largest subsignature index a
 *	valid program refers to (-1 for none).
 * ERRORS
 *	lexpr_compile() returns 0, or -1 with *why set (syntax error, index
 *	out of range, "out of memory").  lexpr_eval() returns 1 (true) or 0;
 *	on a program that lexpr_check() refuses its result means nothing,
 *	but it never reads outside code or counts[0..63] (indexes are taken
 *	modulo 64).  lexpr_check() returns 0 or -1.
 * PROCESS
 *	vigil-compile (compile); workers and vigil-scan (eval).
 */
#ifndef VIGIL_LEXPR_H
#define VIGIL_LEXPR_H

#include <stddef.h>
#include <stdint.h>

#define LEXPR_COUNTS	0x01
#define LEXPR_MONOTONE	0x02

#define LEXPR_MAXLEN	4096	/* program bytes */
#define LEXPR_MAXDEPTH	256	/* evaluation stack */

int	 lexpr_compile(const char *, size_t, uint32_t, uint8_t **, uint32_t *,
	    uint32_t *, uint32_t *, const char **);
int	 lexpr_eval(const uint8_t *, uint32_t, const uint32_t *);
int	 lexpr_check(const uint8_t *, uint32_t, uint32_t);
int	 lexpr_maxsub(const uint8_t *, uint32_t);

#endif
