/*
 * vmod.h - the compiled signature module: on-disk layout
 *
 * SYNOPSIS
 *	struct vmod_hdr, struct vmod_sect and the section records below
 *	int	 vmod_validate(const uint8_t *base, size_t size, int deep);
 *	void	 vmod_view(struct vmod_view *v, const uint8_t *base,
 *		    size_t size);
 * DESCRIPTION
 *	A module is one flat file, mapped read-only and used in place: a
 *	header, then sections aligned to 64 bytes.  Every reference is an
 *	offset or an index; nothing is a pointer.  Integers are in the
 *	byte order of the machine that compiled the module, which the format
 *	number encodes (VMOD_FORMAT), so a module from another byte order is
 *	refused rather than misread.  signatures/MODULE.md describes every
 *	section; the structures below are the reference.
 *
 *	vmod_validate() checks a mapped module completely: header (magic,
 *	format, sizes, header checksum), the body checksum, section bounds
 *	and alignment, and, when deep, every record: string offsets inside
 *	the string section and terminated, element arguments inside the
 *	pool, patterns inside the element table, expression programs
 *	(lexpr_check), prefilter slots and entries inside their tables,
 *	sorted hash tables.  A module that passes can be scanned
 *	without any further bounds checks on module data.
 *
 *	Pattern bytes (literals, mask values, fixed alternatives) and
 *	prefilter keys are stored XORed with the byte hdr.xor (1..255), so
 *	that a module never contains the byte sequences it detects and a
 *	scan of the database directory does not report the database.  Names
 *	(printable ASCII) are stored XORed with hdr.xor | 0x80, which never
 *	yields NUL, so the string section stays NUL-separated.
 *
 *	vmod_view() fills v with typed pointers to the sections and their
 *	record counts; call it only on a module vmod_validate() accepted.
 * ERRORS
 *	vmod_validate() returns 0, or -1 with errno AV_EMAGIC, AV_EVERSION,
 *	AV_ECHECKSUM or AV_ECORRUPT.  Never exits, never logs, never
 *	allocates.
 * PROCESS
 *	vigil-compile (writes), supervisor and workers (validate, use).
 */
#ifndef VIGIL_VMOD_H
#define VIGIL_VMOD_H

#include <stddef.h>
#include <stdint.h>

#define VMOD_MAGIC	"VIGILMOD"
#define VMOD_VERSION	2
/* version, and a byte that differs between byte orders */
#define VMOD_FORMAT	((uint32_t)VMOD_VERSION << 8 | 0x4c)
#define VMOD_ALIGN	64
#define VMOD_NGROUPS	16		/* prefilter groups: target types */
#define VMOD_NAMELEN	32

/*
 * Prefilter hashes.  The 4-byte bitmap is a blocked Bloom filter: a key's
 * h = key * VMOD_BITMUL (64-bit) selects the word h >> (64 - wlog2) and in
 * it the two bits h & 63 and (h >> 6) & 63, where wlog2 = bits_log2 - 6.
 */
#define VMOD_BITMUL	0x9e3779b97f4a7c15ULL
#define VMOD_SLOTMUL	0x85ebca6bU

enum vmod_section {
	VS_STRINGS = 0,	/* NUL-terminated names */
	VS_HASH_MD5,	/* struct vmod_hash, sorted by (size, digest) */
	VS_HASH_SHA1,
	VS_HASH_SHA256,
	VS_FP_MD5,	/* allow-list, same layout */
	VS_FP_SHA1,
	VS_FP_SHA256,
	VS_IGNORE,	/* uint64_t fhash64 of ignored names, sorted */
	VS_SIGS,	/* struct vmod_sig */
	VS_TDBS,	/* struct vmod_tdb */
	VS_EXPR,	/* logical expression programs (lexpr.h) */
	VS_PATS,	/* struct vmod_pat */
	VS_ELEMS,	/* struct vmod_el */
	VS_POOL,	/* element data */
	VS_GROUPS,	/* struct vmod_group[VMOD_NGROUPS] */
	VS_BITS,	/* uint64_t words of prefilter bitmaps */
	VS_SLOTS,	/* struct vmod_slot */
	VS_ENTS,	/* struct vmod_ent */
	VS_DIRECT,	/* struct vmod_direct: patterns checked at their offset */
	VS_OWNERS,	/* struct vmod_owner: signatures sharing a pattern */
	VS_ZERO,	/* uint32_t .ldb signatures true with no match */
	VS_CHAINS,	/* struct vmod_chain: patterns matched part by part */
	VS_NSECT
};

struct vmod_sect {
	uint64_t	 off;		/* from the start of the file */
	uint64_t	 size;		/* bytes */
	uint64_t	 count;		/* records */
	uint32_t	 recsize;	/* bytes per record, 1 for byte data */
	uint32_t	 pad;
};

struct vmod_hdr {
	char		 magic[8];	/* VMOD_MAGIC, no NUL */
	uint32_t	 format;	/* VMOD_FORMAT */
	uint32_t	 hdrsize;	/* sizeof(struct vmod_hdr) */
	uint64_t	 size;		/* the whole file */
	uint64_t	 checksum;	/* fhash64 of bytes [hdrsize, size) */
	uint64_t	 hdrcheck;	/* fhash64 of the header, this zero */
	uint64_t	 serial;	/* database serial */
	uint64_t	 created;	/* seconds since the epoch */
	uint32_t	 flevel;	/* engine level compiled for */
	uint32_t	 nsect;		/* VS_NSECT */
	char		 name[VMOD_NAMELEN];	/* module name, NUL-padded */
	/* statistics, informational */
	uint64_t	 nhash;		/* hash signatures */
	uint64_t	 nfp;		/* allow-list entries */
	uint64_t	 nbody;		/* body signatures (ndb + ldb) */
	uint64_t	 nldb;		/* of which logical */
	uint64_t	 npat;		/* patterns */
	uint32_t	 xor;		/* pattern bytes are stored ^ this */
	uint32_t	 reserved1;
	uint64_t	 reserved[3];
	struct vmod_sect sect[VS_NSECT];
};

/* Hash entry; digest length by section: 16, 20, 32. */
struct vmod_hash {
	uint64_t	 size;		/* HASH_ANYSIZE (all ones) for "*" */
	uint32_t	 name;		/* VS_STRINGS offset */
	uint32_t	 flags;
	uint8_t		 digest[32];
};
/* Record size of a hash section for a digest length. */
#define VMOD_HASHREC(dlen)	(16 + (((dlen) + 7) & ~7U))

#define VSIG_COUNTS	0x01	/* expression needs match counts */
#define VSIG_MONOTONE	0x02	/* expression may be evaluated early */

struct vmod_sig {
	uint32_t	 name;		/* VS_STRINGS offset */
	uint32_t	 expr;		/* VS_EXPR offset (ldb) */
	uint16_t	 exprlen;
	uint8_t		 kind;		/* BODYSIG_NDB, BODYSIG_LDB */
	uint8_t		 target;
	uint8_t		 nsub;
	uint8_t		 flags;		/* VSIG_* */
	uint16_t	 pad;
	uint32_t	 tdb;		/* VS_TDBS index + 1, or 0 */
	uint32_t	 ccap;		/* VSIG_COUNTS: stop counting here */
};

struct vmod_tdb {
	uint32_t	 flags;		/* TDB_* of sigir.h */
	uint32_t	 nsect_min;
	uint32_t	 nsect_max;
	uint16_t	 container;
	uint16_t	 ninter;
	uint64_t	 fsize_min;
	uint64_t	 fsize_max;
	uint64_t	 ep_min;
	uint64_t	 ep_max;
	uint16_t	 inter[16];
};

#define VPAT_DIRECT	0x01	/* checked at its offset, not prefiltered */
#define VPAT_CHAINED	0x02	/* matched through its parts (a chain) */
#define VPAT_PART	0x04	/* a part of a chained pattern */

struct vmod_pat {
	uint32_t	 sig;		/* VS_SIGS index */
	uint32_t	 el;		/* first element in VS_ELEMS */
	uint16_t	 nmain;		/* elements of the pattern proper */
	uint16_t	 nel;		/* including alternative bodies */
	uint8_t		 sub;		/* subsignature index */
	uint8_t		 offkind;	/* enum off_kind */
	uint8_t		 flags;		/* VPAT_* */
	uint8_t		 target;
	uint32_t	 offsect;
	int64_t		 offn;
	uint32_t	 shift;
	uint32_t	 minlen;
	uint32_t	 maxlen;	/* PEL_INF if unbounded */
	uint32_t	 nowners;	/* 1: (sig, sub) above; else the */
	uint32_t	 owners;	/* VS_OWNERS[owners..+nowners) */
	/*
	 * The elements this record matches: [pfirst, pfirst + pcount) of
	 * the main sequence (all of it but for parts).  A part shares el,
	 * nmain and nel with its whole pattern, so that generic
	 * alternatives resolve alike.
	 */
	uint16_t	 pfirst;
	uint16_t	 pcount;
	uint32_t	 chain;		/* VS_CHAINS index, or UINT32_MAX */
	uint32_t	 part;		/* part number in the chain */
	uint32_t	 gmin;		/* gap before this part */
	uint32_t	 gmax;		/* PEL_INF if unbounded */
	uint32_t	 pmaxw;		/* the most bytes this part spans */
};

/*
 * A pattern with gaps whose every part has an anchor is matched part by
 * part, as ClamAV does: parts part0 .. part0 + npart - 1 (consecutive
 * pattern records) are prefiltered on their own, and a match of part k
 * counts when a chain of parts 0 .. k-1 ends within its gap before it.
 * This keeps matching linear in the hits: no backtracking over gaps.
 */
struct vmod_chain {
	uint32_t	 pat;		/* the whole pattern (VPAT_CHAINED) */
	uint32_t	 part0;
	uint32_t	 npart;
	uint32_t	 pad;
};

/*
 * Identical patterns of several signatures (thousands of .ldb signatures
 * share subsignatures such as a DLL name) are stored once; each match is
 * recorded for every owner.
 */
struct vmod_owner {
	uint32_t	 sig;
	uint8_t		 sub;
	uint8_t		 pad[3];
};

/*
 * Element: as struct pel of sigir.h; a is an offset into VS_POOL for the
 * elements that have data, and GALT tables hold (first, count) pairs of
 * element indexes relative to the pattern's first element.
 */
struct vmod_el {
	uint8_t		 op;
	uint8_t		 flags;
	uint16_t	 n;
	uint32_t	 a;
	uint32_t	 b;
};

struct vmod_group {
	uint64_t	 bits;		/* VS_BITS word index of the bitmap */
	uint64_t	 slots;		/* VS_SLOTS index of the first slot */
	uint64_t	 sbits;		/* 2-byte anchors: 1024-word bitmap */
	uint64_t	 sslots;
	uint32_t	 bits_log2;	/* 0: no 4-byte anchors */
	uint32_t	 slots_log2;
	uint32_t	 sslots_log2;	/* 0: no 2-byte anchors */
	uint32_t	 ndirect;
	uint32_t	 direct;	/* VS_DIRECT index */
	uint32_t	 nkeys;		/* statistics */
	uint32_t	 nents;
	uint32_t	 nskeys;
	uint32_t	 zero;		/* VS_ZERO index */
	uint32_t	 nzero;
};

/*
 * A pattern checked at its offset, with the fixed bytes it starts with
 * (XORed like keys, masked) for a quick check at each candidate start.
 */
struct vmod_direct {
	uint32_t	 pat;
	uint32_t	 head;
	uint32_t	 headmask;
};

/* Slot of a prefilter hash table; ent is UINT32_MAX when empty. */
struct vmod_slot {
	uint32_t	 key;
	uint32_t	 ent;		/* VS_ENTS index of the key's first entry */
};

/*
 * Prefilter entry: the anchor of pattern pat starts at byte off of
 * element el (relative to the pattern).  Entries of one key are
 * consecutive; the last has VENT_LAST in pat.  Before verifying, the 4
 * bytes right after the window (or, with VENT_BEFORE, right before it),
 * XORed like keys and masked with extmask, must equal ext.
 */
#define VENT_LAST	0x80000000U
#define VENT_BEFORE	0x40000000U
#define VENT_PAT	0x3fffffffU
struct vmod_ent {
	uint32_t	 pat;
	uint16_t	 el;
	uint16_t	 off;
	uint32_t	 ext;
	uint32_t	 extmask;
};

/* Typed pointers into a validated module. */
struct vmod_view {
	const uint8_t			*base;
	size_t				 size;
	const struct vmod_hdr		*hdr;
	const char			*str;
	size_t				 nstr;
	const uint8_t			*hash[3];	/* MD5, SHA-1, SHA-256 */
	size_t				 nhash[3];
	const uint8_t			*fp[3];
	size_t				 nfp[3];
	uint32_t			 hashrec[3];
	const uint64_t			*ign;
	size_t				 nign;
	const struct vmod_sig		*sigs;
	size_t				 nsigs;
	const struct vmod_tdb		*tdbs;
	size_t				 ntdbs;
	const uint8_t			*expr;
	size_t				 nexpr;
	const struct vmod_pat		*pats;
	size_t				 npats;
	const struct vmod_el		*els;
	size_t				 nels;
	const uint8_t			*pool;
	size_t				 npool;
	const struct vmod_group		*groups;
	const uint64_t			*bits;
	size_t				 nbits;
	const struct vmod_slot		*slots;
	size_t				 nslots;
	const struct vmod_ent		*ents;
	size_t				 nents;
	const struct vmod_direct	*direct;
	size_t				 ndirect;
	const struct vmod_owner		*owners;
	size_t				 nowners;
	const uint32_t			*zero;
	size_t				 nzero;
	const struct vmod_chain		*chains;
	size_t				 nchains;
	uint8_t				 xor;
	uint32_t			 xor32;
};

int	 vmod_validate(const uint8_t *, size_t, int);
void	 vmod_view(struct vmod_view *, const uint8_t *, size_t);

#endif
