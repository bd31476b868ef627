/*
 * sigir.h - intermediate representation of parsed signatures
 *
 * SYNOPSIS
 *	struct pel, struct pattern, struct sigoff, struct tdb,
 *	struct subsig, struct bodysig, struct hashsig
 *	void	 pattern_init(struct pattern *p);
 *	void	 pattern_clear(struct pattern *p);
 *	void	 bodysig_clear(struct bodysig *s);
 *	void	 pattern_span(const struct pattern *p, uint32_t first,
 *		    uint32_t count, uint64_t *min, uint64_t *max);
 * DESCRIPTION
 *	The source parsers (hexsig.c, srcparse.c) turn ClamAV text lines
 *	into these structures; the compiler (cset.c) turns them into module
 *	sections.  They are transient: one signature lives here only while
 *	it is being added.
 *
 *	A body pattern is a sequence of elements.  Fixed-width elements
 *	(BYTES, NOCASE, MASK, SKIP, CLASS, FALT) consume a known number of
 *	bytes; GAP, GALT and LINE consume a variable number; ASSERT consumes
 *	none.  Element arguments that need storage point into the pattern's
 *	byte pool by offset, so that a pattern can be copied into a module
 *	by relocating offsets only.  el[0..nmain) is the pattern; the element
 *	sequences of generic alternatives follow it in el[] and are named by
 *	(first, count) pairs in the pool.
 *
 *	Element	  n		a (pool offset)		b
 *	BYTES	  bytes		the bytes		-
 *	NOCASE	  bytes		the bytes, lowercase	-
 *	MASK	  bytes		n (mask, value) pairs	-
 *	SKIP	  bytes		-			-
 *	CLASS	  1		32-byte bit set		-
 *	FALT	  strings	n strings, sorted	string length
 *	GALT	  alts		n (first,count) u32	-
 *	GAP	  -		minimum (not pool)	maximum or PEL_INF
 *	LINE	  -		-			-
 *	ASSERT	  -		-			ASSERT_* kind
 *	FALT with PELF_NEG matches any string of length b that is none of
 *	them; PELF_NOCASE compares a FALT case-insensitively.
 *
 *	pattern_span() gives the fewest and most bytes the elements
 *	el[first..first+count) can span (a GAP without maximum gives
 *	PEL_INF); generic alternatives count their shortest and longest
 *	body.
 * ERRORS
 *	none here.
 * PROCESS
 *	vigil-compile and the tests.
 */
#ifndef VIGIL_SIGIR_H
#define VIGIL_SIGIR_H

#include <stddef.h>
#include <stdint.h>

enum pel_op {
	PEL_BYTES = 1,
	PEL_NOCASE,
	PEL_MASK,
	PEL_SKIP,
	PEL_CLASS,
	PEL_FALT,
	PEL_GALT,
	PEL_GAP,
	PEL_LINE,
	PEL_ASSERT
};

#define PELF_NEG	0x01	/* FALT: negated */
#define PELF_NOCASE	0x02	/* FALT: case-insensitive */

#define PEL_INF		UINT32_MAX	/* GAP: unbounded */

enum pel_assert {
	ASSERT_BOUND_BEFORE = 1,	/* (B) at the start */
	ASSERT_BOUND_AFTER,		/* (B) at the end */
	ASSERT_LINE_BEFORE,		/* (L) at the start */
	ASSERT_LINE_AFTER,		/* (L) at the end */
	ASSERT_WORD_BEFORE,		/* ::f, or (W) at the start */
	ASSERT_WORD_AFTER,		/* ::f, or (W) at the end */
	ASSERT_WWORD_BEFORE,		/* ::f with ::w */
	ASSERT_WWORD_AFTER
};

struct pel {
	uint8_t		 op;
	uint8_t		 flags;
	uint16_t	 n;
	uint32_t	 a;
	uint32_t	 b;
};

#define PAT_MAXEL	4096		/* elements in one pattern */
#define PAT_MAXPOOL	(1U << 20)	/* pool bytes in one pattern */

struct pattern {
	struct pel	*el;
	uint32_t	 nel;		/* all elements */
	uint32_t	 nmain;		/* the main sequence */
	uint32_t	 elcap;
	uint8_t		*pool;
	uint32_t	 npool;
	uint32_t	 poolcap;
	uint32_t	 minlen;	/* fewest bytes a match spans */
	uint32_t	 maxlen;	/* most, or PEL_INF */
};

/* Modifiers of .ldb subsignatures (::i ::w ::f ::a). */
#define HEXF_NOCASE	0x01
#define HEXF_WIDE	0x02
#define HEXF_FULLWORD	0x04
#define HEXF_ASCII	0x08

enum off_kind {
	OFF_ANY = 0,	/* "*" */
	OFF_ABS,	/* n */
	OFF_EOF,	/* EOF-n */
	OFF_EP,		/* EP+n, EP-n */
	OFF_SECT,	/* Sx+n */
	OFF_SE,		/* SEx: anywhere in section x */
	OFF_LAST	/* SL+n */
};

struct sigoff {
	uint8_t		 kind;
	uint32_t	 sect;		/* x of Sx+n and SEx */
	int64_t		 n;		/* displacement */
	uint32_t	 shift;		/* floating: start in [off, off+shift] */
};

#define TDB_FILESIZE	0x01
#define TDB_EP		0x02
#define TDB_NSECT	0x04
#define TDB_CONTAINER	0x08
#define TDB_INTERMED	0x10
#define TDB_MAXINTER	16

struct tdb {
	uint32_t	 flags;
	uint64_t	 fsize_min, fsize_max;
	uint64_t	 ep_min, ep_max;
	uint32_t	 nsect_min, nsect_max;
	uint16_t	 container;	/* enum ftype */
	uint16_t	 ninter;
	uint16_t	 inter[TDB_MAXINTER];	/* top-down; FT_ANY = any */
};

#define SUBSIG_MAXPAT	2		/* ::wa: wide and ascii */
#define BODYSIG_MAXSUB	64

struct subsig {
	struct sigoff	 off;
	uint32_t	 npat;
	struct pattern	 pat[SUBSIG_MAXPAT];
};

enum bodysig_kind {
	BODYSIG_NDB = 1,
	BODYSIG_LDB
};

struct bodysig {
	const char	*name;		/* borrowed */
	const char	*line;		/* the source line, for .ign2 MD5s */
	size_t		 linelen;
	uint8_t		 kind;
	uint8_t		 target;
	uint8_t		 has_target;	/* ldb: Target: was given */
	struct tdb	 tdb;
	uint8_t		*expr;		/* compiled logical expression (ldb) */
	uint32_t	 exprlen;
	uint32_t	 exprflags;	/* LEXPR_* of lexpr.h */
	uint32_t	 exprcap;	/* counts stop mattering here */
	uint32_t	 nsub;
	struct subsig	 sub[BODYSIG_MAXSUB];
};

struct hashsig {
	const char	*name;		/* borrowed */
	const char	*line;		/* the source line, for .ign2 MD5s */
	size_t		 linelen;
	uint8_t		 type;		/* enum digest_type */
	uint8_t		 fp;		/* allow-list entry */
	uint8_t		 digest[32];
	uint64_t	 size;		/* HASH_ANYSIZE for "*" */
};
#define HASH_ANYSIZE	UINT64_MAX

void	 pattern_init(struct pattern *);
void	 pattern_clear(struct pattern *);
void	 bodysig_clear(struct bodysig *);
void	 pattern_span(const struct pattern *, uint32_t, uint32_t, uint64_t *,
	    uint64_t *);

#endif
