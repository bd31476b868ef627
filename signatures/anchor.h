/*
 * anchor.h - choosing the prefilter anchor of a body pattern
 *
 * SYNOPSIS
 *	int	 anchor_select(const struct pattern *p, struct anchor *a);
 *	int	 anchor_select_range(const struct pattern *p, uint32_t first,
 *		    uint32_t count, struct anchor *a);
 *	void	 anchor_head(const struct pattern *p, uint32_t *val,
 *		    uint32_t *mask);
 * DESCRIPTION
 *	A pattern is found by the prefilter through one window of 4 (or,
 *	failing that, 2) consecutive fixed bytes of the pattern: its anchor.
 *	Every byte position of the pattern's fixed-width elements admits a
 *	set of values (1 for a literal, 2 for a letter under ::i, 16 for a
 *	nibble, the members of a class or of fixed alternatives); a window is
 *	usable when the product of its sets is at most ANCHOR_MAXKEYS, and
 *	its keys are that product, enumerated.  Among usable windows
 *	anchor_select() takes the rarest, by a model of byte frequencies and
 *	repetitions measured on Debian binaries and text, so that common
 *	bytes (NUL, 0xff, space) and runs (NUL, NOP, INT3 padding) make poor
 *	anchors.
 *
 *	Keys are the window's bytes as a little-endian integer (what a
 *	4-byte or 2-byte unaligned load at the window's position gives).
 *	el and off locate the window's first byte: element el (of the main
 *	sequence) at byte offset off.
 *
 *	ext, extmask and extoff describe up to 4 more fixed bytes next to
 *	the window, 4 bytes after it (extoff 4) or before it (extoff -4),
 *	whichever side has more: a candidate whose bytes there differ under
 *	the mask is rejected before verification.  extmask is 0 when no
 *	neighbouring byte is fixed.  freq estimates how often a candidate
 *	passes both (hits per scanned byte), for choosing how to match.
 *
 *	anchor_select_range() does the same within the main-sequence
 *	elements [first, first + count), for one part of a pattern.
 *
 *	anchor_head() gives the fixed bytes among the first 4 a match of p
 *	starts with, as a little-endian value and mask (mask 0 for a byte
 *	that is not fixed), for a quick check of patterns tried at their
 *	offset.
 * ERRORS
 *	anchor_select() returns 0 with a->len 4 or 2, or -1 when the pattern has no usable
 *	window (a->len 0).  Never allocates more than a transient array,
 *	never exits.
 * PROCESS
 *	vigil-compile.
 */
#ifndef VIGIL_ANCHOR_H
#define VIGIL_ANCHOR_H

#include <stdint.h>

#include "signatures/sigir.h"

#define ANCHOR_MAXKEYS	16

struct anchor {
	uint32_t	 len;		/* 4, 2, or 0 */
	uint16_t	 el;
	uint16_t	 off;
	uint32_t	 nkeys;
	uint32_t	 keys[ANCHOR_MAXKEYS];
	uint32_t	 score;		/* rarity, 1/16 bit */
	uint32_t	 ext;
	uint32_t	 extmask;
	int32_t		 extoff;
	double		 freq;		/* expected hits per scanned byte */
};

int	 anchor_select(const struct pattern *, struct anchor *);
int	 anchor_select_range(const struct pattern *, uint32_t, uint32_t,
	    struct anchor *);
void	 anchor_head(const struct pattern *, uint32_t *, uint32_t *);

#endif
