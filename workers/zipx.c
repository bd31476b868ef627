/*
 * zipx.c - Deflate64 and PKWARE implode members of zip archives
 *
 * DESCRIPTION
 *	Two decoders and a zip reader of our own, for the two methods
 *	libarchive leaves out.
 *
 *	Output.  Both decoders write straight into one flat area and copy
 *	matches from it; a small layer (struct zo) keeps that area: the
 *	caller's buffer while the first "keep" bytes come, then, when more
 *	may be produced than kept (the walk reads on past max_entry up to
 *	the ratio bound, like archive.c), a fixed drain window that slides,
 *	keeping the last 64 KiB of history.  "limit" is the most bytes the
 *	stream may produce before the decoder stops with AV_ELIMIT.  The
 *	area always has ZX_SLACK writable bytes past its bound, so that
 *	match copies may move eight bytes at a time.
 *
 *	Bits.  A 64-bit accumulator, refilled eight bytes at a time while
 *	at least eight input bytes remain and one byte at a time after
 *	that; bn counts only bits really read, and every drop of bits is
 *	checked against it, so a truncated stream is caught at the first
 *	code that would need bits past the end, and nothing is ever read
 *	outside the input.
 *
 *	Codes.  One table builder serves both formats: a root table indexed
 *	by the next ZX_ROOT bits, with second-level tables for longer codes.
 *	Codes are assigned canonically for Deflate64 (RFC 1951 3.2.2) and
 *	by the Shannon-Fano rule of APPNOTE 5.3 for implode; either way the
 *	first bit in the stream is the code's most significant one.  Lengths
 *	that over-subscribe the code space are damage.  An incomplete
 *	Deflate64 code is accepted (reading one of its missing codes is
 *	damage); an incomplete Shannon-Fano tree is damage, since the
 *	APPNOTE rule gives a prefix code only for complete trees.
 *
 *	Choices the header leaves open:
 *	- Deflate64: literal/length counts up to 288 and distance counts up
 *	  to 32 are accepted in a dynamic header (codes 286 and 287 take part
 *	  in the code but are damage when read); bytes after the final
 *	  block are ignored; a stored block's length must match its
 *	  complement.
 *	- implode: a tree whose runs do not add up to exactly 256 (or 64)
 *	  values is damage.  A match reaching before the start of the output
 *	  copies zeros, as APPNOTE says.  The stream ends at usize; bytes
 *	  after it are ignored, and a stream that runs out before is damage.
 *	- zipx_walk(): the last End of Central Directory record (searched
 *	  in the last 64 KiB + 22 bytes) that leads to a central directory
 *	  is used, with the ZIP64 locator and record when present.  Data
 *	  before the archive (self-extractors) is allowed for: offsets are
 *	  shifted by the difference between where the central directory is
 *	  and where the record says it is.  The central directory, its local
 *	  headers and their sizes are taken as the truth (with the ZIP64
 *	  extra field); a member's compressed data is cut at the next local
 *	  header the central directory knows of, or at the central directory
 *	  itself, so no byte of input is decoded twice.  A second member
 *	  naming a local header already used is not delivered ("corrupt:
 *	  overlapping members").  Without a usable central directory, or
 *	  when it ends before the count it announces, the local headers are
 *	  scanned for, in file order (those the central directory already
 *	  gave are not delivered again); there a member with a data
 *	  descriptor, or whose size runs past the end, ends at the next zip
 *	  signature.
 *	- Names are the stored bytes (UTF-8 or, without flag bit 11, the
 *	  archiver's code page), through arc_clean() with '\' made '/' as in
 *	  archive.c.  Entries whose name ends in '/', and those a Unix
 *	  archiver marked as other than regular files, are skipped.
 *	- Damage, as archive.h has it: a member whose data turns out
 *	  damaged is delivered with e->damaged and what was decoded before
 *	  the damage (e->truncated too when that was cut by a limit), unless
 *	  nothing was; one whose data decoded completely but whose CRC-32
 *	  differs is delivered whole with e->damaged (an empty one is not
 *	  delivered, as archive.h says).  Both make the walk ARC_CORRUPT at
 *	  the end (the first reason is kept), unless a limit, the callback
 *	  or an encrypted member decided otherwise.
 *
 *	Costs.  Each decoder is one pass over its input; a dynamic block
 *	costs a table fill of a few kilobytes.  The walk decodes each input
 *	byte at most once, and produces per member at most the bound
 *	archive.c would (max_entry, what is left of max_total, the ratio
 *	bound), so hostile counts and sizes cost time linear in len plus
 *	what the limits allow.
 */
#include <endian.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <zlib.h>

#include "util/bytes.h"
#include "av/averr.h"
#include "workers/zipx.h"

#define ZX_WIN		65536		/* history a match may reach */
#define ZX_SLACK	16		/* writable bytes past the bound */
#define ZX_DRAIN	(4 * ZX_WIN)	/* drain window: history and chunk */
#define ZX_FIRST	(64 * 1024)	/* first growth of the output */
#define ZX_NOLIMIT	UINT64_MAX
#define ZX_RATIOMIN	(1024 * 1024)	/* the ratio bound's floor */
#define ZX_EOCDMAX	(22 + 65535)	/* EOCD record and longest comment */

#define ZX_ROOT		10		/* root table index bits */
#define ZX_CLROOT	7		/* code length code: all in the root */
#define ZX_MAXLEN	16		/* longest code (implode) */
/* root table plus at most one full second-level table per symbol */
#define ZX_TABSZ(n)	((1u << ZX_ROOT) + (n) * (1u << (ZX_MAXLEN - ZX_ROOT)))

/* table entries: length 0-4, kind 5-7, extra bits 8-15, value 16-31 */
#define ZX_LEN(e)	((e) & 0x1f)
#define ZX_KIND(e)	((e) >> 5 & 7)
#define ZX_XB(e)	((e) >> 8 & 0xff)
#define ZX_VAL(e)	((e) >> 16)
#define ZX_ENT(k, x, v)	((uint32_t)(k) << 5 | (uint32_t)(x) << 8 | \
			    (uint32_t)(v) << 16)
#define K_LIT		0		/* a literal, or a plain symbol */
#define K_LEN		1		/* base and extra bits */
#define K_EOB		2		/* end of block */
#define K_SUB		3		/* second-level table at value */
#define K_BAD		4		/* no such code */

/* central directory, local header and end record signatures */
#define ZX_SIG_LOCAL	0x04034b50
#define ZX_SIG_CENTRAL	0x02014b50
#define ZX_SIG_EOCD	0x06054b50
#define ZX_SIG_EOCD64	0x06064b50
#define ZX_SIG_LOC64	0x07064b50
#define ZX_SIG_DD	0x08074b50

#define ZX_F_ENCRYPTED	0x0001		/* traditional PKWARE encryption */
#define ZX_F_DESCRIPTOR	0x0008		/* sizes in a data descriptor */
#define ZX_F_STRONG	0x0040		/* strong encryption */

/* output: the caller's buffer, then maybe a drain window (see above) */
struct zo {
	struct buf	*b;
	size_t		 boff;		/* the stream's first byte in b */
	uint64_t	 keep;		/* bytes kept in b at most */
	uint64_t	 limit;		/* bytes produced at most */
	uint64_t	 slid;		/* produced bytes before drain[0] */
	uint8_t		*drain;		/* NULL while keeping */
	uint8_t		*beg;		/* oldest byte a match may reach */
	uint8_t		*o;		/* next byte */
	uint8_t		*end;		/* o stops here until zo_room() */
};

/* Deflate64 decoder tables */
struct zx_d64 {
	uint32_t	 lt[ZX_TABSZ(288)];	/* literal/length */
	uint32_t	 dt[ZX_TABSZ(32)];	/* distance */
	uint32_t	 ct[1u << ZX_CLROOT];	/* code length code */
	uint32_t	 lvals[288];
	uint32_t	 dvals[32];
	uint32_t	 cvals[19];
	uint8_t		 lens[288 + 32];
	int		 fixed;		/* lt and dt hold the fixed code */
};

/* implode decoder tables */
struct zx_ex {
	uint32_t	 lit[ZX_TABSZ(256)];
	uint32_t	 len[ZX_TABSZ(64)];
	uint32_t	 dist[ZX_TABSZ(64)];
	uint32_t	 vals[256];
	uint8_t		 lens[256];
};

/* a member, as the central directory or its local header describe it */
struct zx_ent {
	uint64_t	 csize;
	uint64_t	 usize;
	uint64_t	 lho;		/* local header offset */
	uint32_t	 crc;
	uint16_t	 method;
	uint16_t	 flags;
	int		 hascrc;	/* crc is known */
	int		 regular;
	const uint8_t	*name;
	size_t		 namelen;
};

/* where the central directory is */
struct zx_cd {
	uint64_t	 off;		/* in buf */
	uint64_t	 count;		/* entries announced */
	uint64_t	 delta;		/* shift of every recorded offset */
};

/* a walk */
struct zx_walk {
	const uint8_t		*buf;
	size_t			 len;
	const struct arc_limits	*lim;
	struct arc_result	*res;
	int			(*cb)(void *, const struct arc_entry *);
	void			*arg;
	uint64_t		 ratio;		/* ratio bound, or ZX_NOLIMIT */
	struct buf		 out;		/* member data */
	uint64_t		*offs;		/* local headers, sorted */
	uint8_t			*used;		/* offs[i] was delivered */
	size_t			 noffs;
	uint64_t		 cdpos;		/* central directory in buf */
	int			 damaged;
	int			 encrypted;
	int			 nomem;
	char			 name[ARC_MAXNAME];
};

static int	 zo_init(struct zo *, struct buf *, uint64_t, uint64_t);
static uint64_t	 zo_count(const struct zo *);
static int	 zo_room(struct zo *);
static void	 zo_done(struct zo *);
static inline void zx_copy(uint8_t *, size_t, size_t);
static int	 zx_build(uint32_t *, unsigned int, const uint8_t *,
		    unsigned int, const uint32_t *, int);
static void	 d64_init(struct zx_d64 *);
static int	 d64_fixed(struct zx_d64 *);
static int	 d64_run(struct zx_d64 *, const uint8_t *, size_t,
		    struct zo *);
static int	 ex_tree(const uint8_t **, const uint8_t *, uint8_t *,
		    unsigned int);
static int	 ex_run(struct zx_ex *, const uint8_t *, size_t, uint16_t,
		    uint64_t, struct zo *);
static int	 zx_decode(const struct zx_ent *, const uint8_t *, size_t,
		    struct zo *);
static void	 zx_zip64(const uint8_t *, size_t, uint64_t *, uint64_t *,
		    uint64_t *);
static int	 zx_eocd(const struct zx_walk *, struct zx_cd *);
static int	 zx_cdat(const struct zx_walk *, size_t, struct zx_cd *);
static int	 zx_central(const uint8_t *, size_t, size_t,
		    struct zx_ent *, size_t *);
static int	 zx_local(const struct zx_walk *, uint64_t, struct zx_ent *,
		    uint64_t *);
static int	 zx_offsets(struct zx_walk *, const struct zx_cd *,
		    uint64_t *);
static size_t	 zx_find(const struct zx_walk *, uint64_t);
static int	 zx_bycd(struct zx_walk *, const struct zx_cd *);
static int	 zx_scan(struct zx_walk *);
static size_t	 zx_nextsig(const uint8_t *, size_t, size_t);
static int	 zx_member(struct zx_walk *, const struct zx_ent *,
		    const uint8_t *, size_t);
static int	 zx_deliver(struct zx_walk *, int, int, int);
static void	 zx_name(struct zx_walk *, const uint8_t *, size_t);
static void	 zx_damaged(struct zx_walk *, const char *);
static int	 zx_stop(struct zx_walk *, enum arc_status, const char *);
static int	 zx_cmp64(const void *, const void *);
static uint32_t	 zx_crc(const uint8_t *, size_t);

static const uint8_t	 zx_empty[1];

/* Deflate length codes 257..285 (285: Deflate64's 3 + 16 bits) */
static const uint16_t	 d64_lbase[29] = {
	3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31,
	35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 3
};
static const uint8_t	 d64_lext[29] = {
	0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2,
	3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 16
};
/* distance codes 0..31 (30 and 31: Deflate64) */
static const uint16_t	 d64_dbase[32] = {
	1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193,
	257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289,
	16385, 24577, 32769, 49153
};
static const uint8_t	 d64_dext[32] = {
	0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6,
	7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13, 14, 14
};
/* the order code length code lengths come in (RFC 1951 3.2.7) */
static const uint8_t	 d64_clorder[19] = {
	16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15
};

/*
 * The bit reader, as macros over the decoder's locals ip, iend, bb, bn:
 * ZX_REFILL() brings bn to at least 49 while input lasts; ZX_DROP(n)
 * consumes n bits or jumps to "truncated"; ZX_SYM(t, e) decodes one code
 * of table t into e, jumping to "bad" for a code that does not exist.
 */
#define ZX_REFILL() do {						\
	if (iend - ip >= 8) {						\
		uint64_t v_;						\
		memcpy(&v_, ip, 8);					\
		bb |= le64toh(v_) << bn;				\
		ip += (63 - bn) >> 3;					\
		bn |= 56;						\
	} else								\
		while (bn <= 48 && ip < iend) {				\
			bb |= (uint64_t)*ip++ << bn;			\
			bn += 8;					\
		}							\
} while (0)
#define ZX_DROP(n) do {							\
	if ((unsigned int)(n) > bn)					\
		goto truncated;						\
	bb >>= (n);							\
	bn -= (n);							\
} while (0)
#define ZX_BITS(n)	((uint32_t)bb & ((1u << (n)) - 1))
#define ZX_SYM(t, e) do {						\
	(e) = (t)[bb & ((1u << ZX_ROOT) - 1)];				\
	if (ZX_KIND(e) == K_SUB)					\
		(e) = (t)[ZX_VAL(e) + ((uint32_t)(bb >> ZX_ROOT) &	\
		    ((1u << ZX_XB(e)) - 1))];				\
	if (ZX_KIND(e) == K_BAD)					\
		goto bad;						\
	ZX_DROP(ZX_LEN(e));						\
} while (0)
/* output: save the decoder's pointers to z, or load them back */
#define ZX_SAVE()	(z->o = o)
#define ZX_LOAD()	(o = z->o, end = z->end, beg = z->beg)

/* zo_init - output appended to b: keep at most keep bytes, make limit */
static int
zo_init(struct zo *z, struct buf *b, uint64_t keep, uint64_t limit)
{
	memset(z, 0, sizeof(*z));
	z->b = b;
	z->boff = b->len;
	z->keep = keep;
	z->limit = limit;
	if (buf_reserve(b, ZX_SLACK) == -1)
		return -1;
	z->beg = z->o = z->end = b->data + z->boff;
	return 0;
}

/* zo_count - bytes produced so far */
static uint64_t
zo_count(const struct zo *z)
{
	if (z->drain != NULL)
		return z->slid + (uint64_t)(z->o - z->drain);
	return (uint64_t)(z->o - z->beg);
}

/*
 * zo_room - make room after z->o (which is at z->end): 0, or -1 with
 * AV_ELIMIT when limit bytes were produced, or ENOMEM
 */
static int
zo_room(struct zo *z)
{
	struct buf	*b = z->b;
	uint64_t	 got = zo_count(z), want, n;
	size_t		 h;

	if (got >= z->limit) {
		errno = AV_ELIMIT;
		return -1;
	}
	if (z->drain == NULL && got < z->keep) {
		/* grow the caller's buffer, by doubling */
		want = (z->keep < z->limit ? z->keep : z->limit) - got;
		n = got < ZX_FIRST ? ZX_FIRST : got;
		if (n > want)
			n = want;
		if (n > SIZE_MAX - ZX_SLACK - z->boff - got) {
			b->failed = 1;
			errno = ENOMEM;
			return -1;
		}
		b->len = z->boff + (size_t)got;
		if (buf_reserve(b, (size_t)n + ZX_SLACK) == -1)
			return -1;
		z->beg = b->data + z->boff;
		z->o = z->beg + got;
		z->end = b->data + b->cap - ZX_SLACK;
		if ((uint64_t)(z->end - z->o) > want)
			z->end = z->o + want;
		return 0;
	}
	if (z->drain == NULL) {
		/* keep is reached: go on in the drain window */
		if ((z->drain = malloc(ZX_DRAIN + ZX_SLACK)) == NULL) {
			errno = ENOMEM;
			return -1;
		}
		h = got < ZX_WIN ? (size_t)got : ZX_WIN;
		memcpy(z->drain, z->o - h, h);
		b->len = z->boff + (size_t)got;
		z->slid = got - h;
		z->o = z->drain + h;
		z->beg = z->drain;
	} else {
		/* slide: keep the last ZX_WIN bytes */
		h = (size_t)(z->o - z->drain);
		memmove(z->drain, z->o - ZX_WIN, ZX_WIN);
		z->slid += h - ZX_WIN;
		z->o = z->drain + ZX_WIN;
	}
	z->end = z->drain + ZX_DRAIN;
	if ((uint64_t)(z->end - z->o) > z->limit - got)
		z->end = z->o + (z->limit - got);
	return 0;
}

/* zo_done - settle the caller's buffer and free the drain window */
static void
zo_done(struct zo *z)
{
	if (z->drain == NULL)
		z->b->len = z->boff + (size_t)(z->o - z->beg);
	free(z->drain);
	z->drain = NULL;
}

/*
 * zx_copy - n bytes from dist back (the area has ZX_SLACK bytes of room
 * past o + n, so long copies may move eight bytes at a time)
 */
static inline void
zx_copy(uint8_t *o, size_t dist, size_t n)
{
	const uint8_t	*s = o - dist;
	uint8_t		*e = o + n;

	if (dist >= 8) {
		do {
			memcpy(o, s, 8);
			o += 8;
			s += 8;
		} while (o < e);
	} else if (dist == 1)
		memset(o, *s, n);
	else
		while (o < e)
			*o++ = *s++;
}

/*
 * zx_build - decoding table t for code lengths lens[0, n) (0: unused),
 * symbol i decoding to vals[i] (with its length added); root is the
 * root table's index bits.  Codes are canonical (RFC 1951), or with sf
 * the Shannon-Fano codes of APPNOTE 5.3.  Returns 0, or -1 when the
 * lengths over-subscribe the code space or, with sf, do not fill it (the
 * APPNOTE rule makes a prefix code of complete trees only).
 */
static int
zx_build(uint32_t *t, unsigned int root, const uint8_t *lens,
    unsigned int n, const uint32_t *vals, int sf)
{
	uint16_t	 sorted[288];
	uint32_t	 code[288];
	unsigned int	 count[ZX_MAXLEN + 1], offs[ZX_MAXLEN + 2];
	uint8_t		 maxl[1u << ZX_ROOT];
	uint32_t	 sum = 0, c, rev, idx, step, size, next, off;
	unsigned int	 i, j, m, l, sb, rmask = (1u << root) - 1;
	int		 any = 0;

	memset(count, 0, sizeof(count));
	for (i = 0; i < n; i++)
		count[lens[i]]++;
	for (l = 1; l <= ZX_MAXLEN; l++)
		sum += count[l] << (ZX_MAXLEN - l);
	if (sum > 1u << ZX_MAXLEN || (sf && sum != 1u << ZX_MAXLEN))
		return -1;
	offs[1] = 0;
	for (l = 1; l <= ZX_MAXLEN; l++)
		offs[l + 1] = offs[l] + count[l];
	m = offs[ZX_MAXLEN + 1];
	for (i = 0; i < n; i++)
		if (lens[i] != 0)
			sorted[offs[lens[i]]++] = (uint16_t)i;

	/* codes, left-aligned on ZX_MAXLEN bits, in sorted order */
	c = 0;
	if (sf) {
		/* APPNOTE: from the last, each the sum of those after it */
		for (j = m; j-- > 0;) {
			code[j] = c;
			c += 1u << (ZX_MAXLEN - lens[sorted[j]]);
		}
	} else
		for (j = 0; j < m; j++) {
			code[j] = c;
			c += 1u << (ZX_MAXLEN - lens[sorted[j]]);
		}

	for (i = 0; i <= rmask; i++)
		t[i] = ZX_ENT(K_BAD, 0, 0);
	memset(maxl, 0, sizeof(maxl));
	for (j = 0; j < m; j++) {
		l = lens[sorted[j]];
		c = code[j] >> (ZX_MAXLEN - l);
		for (rev = 0, i = 0; i < l; i++)
			rev |= (c >> i & 1) << (l - 1 - i);
		code[j] = rev;
		if (l > root) {
			any = 1;
			if (maxl[rev & rmask] < l)
				maxl[rev & rmask] = (uint8_t)l;
		}
	}
	/* second-level tables, one per root index with longer codes */
	next = rmask + 1;
	if (any)
		for (i = 0; i <= rmask; i++) {
			if (maxl[i] == 0)
				continue;
			sb = maxl[i] - root;
			t[i] = ZX_ENT(K_SUB, sb, next);
			for (j = 0; j < 1u << sb; j++)
				t[next + j] = ZX_ENT(K_BAD, 0, 0);
			next += 1u << sb;
		}
	for (j = 0; j < m; j++) {
		l = lens[sorted[j]];
		rev = code[j];
		if (l <= root) {
			step = 1u << l;
			for (idx = rev; idx <= rmask; idx += step)
				t[idx] = vals[sorted[j]] | l;
			continue;
		}
		if (ZX_KIND(t[rev & rmask]) != K_SUB)
			continue;	/* not a prefix code: cannot be */
		off = ZX_VAL(t[rev & rmask]);
		size = 1u << ZX_XB(t[rev & rmask]);
		step = 1u << (l - root);
		for (idx = rev >> root; idx < size; idx += step)
			t[off + idx] = vals[sorted[j]] | l;
	}
	return 0;
}

/* d64_init - symbol values of the three Deflate64 codes */
static void
d64_init(struct zx_d64 *d)
{
	unsigned int	 i;

	for (i = 0; i < 256; i++)
		d->lvals[i] = ZX_ENT(K_LIT, 0, i);
	d->lvals[256] = ZX_ENT(K_EOB, 0, 0);
	for (i = 0; i < 29; i++)
		d->lvals[257 + i] = ZX_ENT(K_LEN, d64_lext[i], d64_lbase[i]);
	d->lvals[286] = d->lvals[287] = ZX_ENT(K_BAD, 0, 0);
	for (i = 0; i < 32; i++)
		d->dvals[i] = ZX_ENT(K_LEN, d64_dext[i], d64_dbase[i]);
	for (i = 0; i < 19; i++)
		d->cvals[i] = ZX_ENT(K_LIT, 0, i);
	d->fixed = 0;
}

/* d64_fixed - the fixed code of RFC 1951 3.2.6, unless already there */
static int
d64_fixed(struct zx_d64 *d)
{
	if (d->fixed)
		return 0;
	memset(d->lens, 8, 144);
	memset(d->lens + 144, 9, 112);
	memset(d->lens + 256, 7, 24);
	memset(d->lens + 280, 8, 8);
	memset(d->lens + 288, 5, 32);
	if (zx_build(d->lt, ZX_ROOT, d->lens, 288, d->lvals, 0) == -1 ||
	    zx_build(d->dt, ZX_ROOT, d->lens + 288, 32, d->dvals, 0) == -1)
		return -1;
	d->fixed = 1;
	return 0;
}

/* d64_run - decode the Deflate64 stream in into z: 0 or -1 with errno */
static int
d64_run(struct zx_d64 *d, const uint8_t *in, size_t inlen, struct zo *z)
{
	const uint8_t	*ip = in, *iend = in + inlen;
	uint8_t		*o = z->o, *end = z->end, *beg = z->beg;
	uint64_t	 bb = 0;
	unsigned int	 bn = 0, hlit, hdist, hclen, i, rep, type;
	uint32_t	 e, len, dist, n;
	uint8_t		 v;
	int		 final;

	do {
		ZX_REFILL();
		final = (int)(bb & 1);
		type = (unsigned int)(bb >> 1 & 3);
		ZX_DROP(3);
		switch (type) {
		case 0:		/* stored */
			ZX_DROP(bn & 7);
			ZX_REFILL();
			len = ZX_BITS(16);
			n = (uint32_t)(bb >> 16) & 0xffff;
			ZX_DROP(32);
			if (len != (~n & 0xffff))
				goto bad;
			while (len > 0 && bn >= 8) {
				if (o == end) {
					ZX_SAVE();
					if (zo_room(z) == -1)
						goto fail;
					ZX_LOAD();
				}
				*o++ = (uint8_t)bb;
				ZX_DROP(8);
				len--;
			}
			if (len == 0)
				continue;
			bb = 0;		/* the bytes come from ip now */
			while (len > 0) {
				if (ip == iend)
					goto truncated;
				if (o == end) {
					ZX_SAVE();
					if (zo_room(z) == -1)
						goto fail;
					ZX_LOAD();
				}
				n = len;
				if (n > (size_t)(end - o))
					n = (uint32_t)(end - o);
				if (n > (size_t)(iend - ip))
					n = (uint32_t)(iend - ip);
				memcpy(o, ip, n);
				o += n;
				ip += n;
				len -= n;
			}
			continue;
		case 1:		/* fixed Huffman codes */
			if (d64_fixed(d) == -1)
				goto bad;
			break;
		case 2:		/* dynamic Huffman codes */
			d->fixed = 0;
			ZX_REFILL();
			hlit = 257 + ZX_BITS(5);
			hdist = 1 + (ZX_BITS(10) >> 5);
			hclen = 4 + (ZX_BITS(14) >> 10);
			ZX_DROP(14);
			memset(d->lens, 0, 19);
			for (i = 0; i < hclen; i++) {
				ZX_REFILL();
				d->lens[d64_clorder[i]] = (uint8_t)ZX_BITS(3);
				ZX_DROP(3);
			}
			if (zx_build(d->ct, ZX_CLROOT, d->lens, 19, d->cvals,
			    0) == -1)
				goto bad;
			for (i = 0; i < hlit + hdist;) {
				ZX_REFILL();
				e = d->ct[bb & ((1u << ZX_CLROOT) - 1)];
				if (ZX_KIND(e) == K_BAD)
					goto bad;
				ZX_DROP(ZX_LEN(e));
				n = ZX_VAL(e);
				if (n < 16) {
					d->lens[i++] = (uint8_t)n;
					continue;
				}
				if (n == 16) {
					if (i == 0)
						goto bad;
					v = d->lens[i - 1];
					rep = 3 + ZX_BITS(2);
					ZX_DROP(2);
				} else if (n == 17) {
					v = 0;
					rep = 3 + ZX_BITS(3);
					ZX_DROP(3);
				} else {
					v = 0;
					rep = 11 + ZX_BITS(7);
					ZX_DROP(7);
				}
				if (rep > hlit + hdist - i)
					goto bad;
				memset(d->lens + i, v, rep);
				i += rep;
			}
			if (zx_build(d->lt, ZX_ROOT, d->lens, hlit, d->lvals,
			    0) == -1 ||
			    zx_build(d->dt, ZX_ROOT, d->lens + hlit, hdist,
			    d->dvals, 0) == -1)
				goto bad;
			break;
		default:
			goto bad;
		}

		/*
		 * A block in Huffman codes.  A missing code has length 0
		 * and is not a literal, so the literal path tests neither;
		 * a refill leaves enough bits for a code and its extra bits.
		 */
		for (;;) {
			if (bn < ZX_MAXLEN + 16)
				ZX_REFILL();
			e = d->lt[bb & ((1u << ZX_ROOT) - 1)];
			if (ZX_KIND(e) == K_SUB)
				e = d->lt[ZX_VAL(e) + ((uint32_t)(bb >>
				    ZX_ROOT) & ((1u << ZX_XB(e)) - 1))];
			ZX_DROP(ZX_LEN(e));
			if (ZX_KIND(e) == K_LIT) {
				if (o == end) {
					ZX_SAVE();
					if (zo_room(z) == -1)
						goto fail;
					ZX_LOAD();
				}
				*o++ = (uint8_t)ZX_VAL(e);
				continue;
			}
			if (ZX_KIND(e) == K_EOB)
				break;
			if (ZX_KIND(e) == K_BAD)
				goto bad;
			len = ZX_VAL(e) + ZX_BITS(ZX_XB(e));
			ZX_DROP(ZX_XB(e));
			if (bn < ZX_MAXLEN + 14)
				ZX_REFILL();
			ZX_SYM(d->dt, e);
			dist = ZX_VAL(e) + ZX_BITS(ZX_XB(e));
			ZX_DROP(ZX_XB(e));
			if (dist > (size_t)(o - beg))
				goto bad;
			if (len <= (size_t)(end - o)) {
				zx_copy(o, dist, len);
				o += len;
				continue;
			}
			while (len > 0) {
				if (o == end) {
					ZX_SAVE();
					if (zo_room(z) == -1)
						goto fail;
					ZX_LOAD();
				}
				n = len;
				if (n > (size_t)(end - o))
					n = (uint32_t)(end - o);
				zx_copy(o, dist, n);
				o += n;
				len -= n;
			}
		}
	} while (!final);
	ZX_SAVE();
	return 0;

truncated:
bad:
	ZX_SAVE();
	errno = AV_ECORRUPT;
	return -1;
fail:
	return -1;	/* zo_room() saved o and set errno */
}

/* zipx_inflate64 - append the Deflate64 stream in to out, within max */
int
zipx_inflate64(const uint8_t *in, size_t inlen, struct buf *out,
    uint64_t max)
{
	struct zx_d64	*d;
	struct zo	 z;
	uint64_t	 lim = max == 0 ? ZX_NOLIMIT : max;
	int		 rc, err;

	if (in == NULL) {
		in = zx_empty;
		inlen = 0;
	}
	if (zo_init(&z, out, lim, lim) == -1)
		return -1;
	if ((d = malloc(sizeof(*d))) == NULL) {
		errno = ENOMEM;
		return -1;
	}
	d64_init(d);
	rc = d64_run(d, in, inlen, &z);
	err = errno;
	zo_done(&z);
	free(d);
	errno = err;
	return rc;
}

/*
 * ex_tree - one Shannon-Fano tree of n code lengths from *pp (a count
 * byte, then runs: low nibble length - 1, high nibble count - 1): 0 with
 * *pp moved past it, or -1
 */
static int
ex_tree(const uint8_t **pp, const uint8_t *pe, uint8_t *lens, unsigned int n)
{
	const uint8_t	*p = *pp;
	unsigned int	 nb, i, k = 0, cnt;

	if (p == pe)
		return -1;
	nb = (unsigned int)*p++ + 1;
	if ((size_t)(pe - p) < nb)
		return -1;
	for (i = 0; i < nb; i++) {
		cnt = (p[i] >> 4) + 1u;
		if (cnt > n - k)
			return -1;
		memset(lens + k, (p[i] & 15) + 1, cnt);
		k += cnt;
	}
	if (k != n)
		return -1;
	*pp = p + nb;
	return 0;
}

/*
 * ex_run - decode the imploded stream in (variant from gpflags) into z
 * until usize bytes: 0 or -1 with errno
 */
static int
ex_run(struct zx_ex *x, const uint8_t *in, size_t inlen, uint16_t gpflags,
    uint64_t usize, struct zo *z)
{
	const uint8_t	*ip = in, *iend = in + inlen;
	uint8_t		*o = z->o, *end = z->end, *beg = z->beg;
	uint64_t	 bb = 0, left = usize;
	unsigned int	 bn = 0, i, dbits, mml;
	uint32_t	 e, len, dist, n;
	int		 lit = (gpflags & 4) != 0;

	if (usize == 0)
		return 0;
	dbits = gpflags & 2 ? 7 : 6;
	mml = lit ? 3 : 2;
	for (i = 0; i < 256; i++)
		x->vals[i] = ZX_ENT(K_LIT, 0, i);
	if (lit && (ex_tree(&ip, iend, x->lens, 256) == -1 ||
	    zx_build(x->lit, ZX_ROOT, x->lens, 256, x->vals, 1) == -1))
		goto bad;
	if (ex_tree(&ip, iend, x->lens, 64) == -1 ||
	    zx_build(x->len, ZX_ROOT, x->lens, 64, x->vals, 1) == -1)
		goto bad;
	if (ex_tree(&ip, iend, x->lens, 64) == -1 ||
	    zx_build(x->dist, ZX_ROOT, x->lens, 64, x->vals, 1) == -1)
		goto bad;

	while (left > 0) {
		ZX_REFILL();
		if (bb & 1) {
			ZX_DROP(1);
			if (lit)
				ZX_SYM(x->lit, e);
			else {
				e = ZX_ENT(K_LIT, 0, ZX_BITS(8));
				ZX_DROP(8);
			}
			if (o == end) {
				ZX_SAVE();
				if (zo_room(z) == -1)
					goto fail;
				ZX_LOAD();
			}
			*o++ = (uint8_t)ZX_VAL(e);
			left--;
			continue;
		}
		ZX_DROP(1);
		dist = ZX_BITS(dbits);
		ZX_DROP(dbits);
		ZX_SYM(x->dist, e);
		dist = (ZX_VAL(e) << dbits | dist) + 1;
		ZX_SYM(x->len, e);
		len = ZX_VAL(e);
		if (len == 63) {
			ZX_REFILL();
			len += ZX_BITS(8);
			ZX_DROP(8);
		}
		len += mml;
		if (len > left)
			len = (uint32_t)left;
		left -= len;
		/* before the start of the output: zeros */
		while (len > 0 && dist > (size_t)(o - beg)) {
			if (o == end) {
				ZX_SAVE();
				if (zo_room(z) == -1)
					goto fail;
				ZX_LOAD();
			}
			n = len;
			if (n > dist - (size_t)(o - beg))
				n = dist - (uint32_t)(o - beg);
			if (n > (size_t)(end - o))
				n = (uint32_t)(end - o);
			memset(o, 0, n);
			o += n;
			len -= n;
		}
		while (len > 0) {
			if (o == end) {
				ZX_SAVE();
				if (zo_room(z) == -1)
					goto fail;
				ZX_LOAD();
			}
			n = len;
			if (n > (size_t)(end - o))
				n = (uint32_t)(end - o);
			zx_copy(o, dist, n);
			o += n;
			len -= n;
		}
	}
	ZX_SAVE();
	return 0;

truncated:
bad:
	ZX_SAVE();
	errno = AV_ECORRUPT;
	return -1;
fail:
	return -1;
}

/* zipx_explode - append the imploded stream in to out, up to usize or max */
int
zipx_explode(const uint8_t *in, size_t inlen, uint16_t gpflags,
    uint64_t usize, struct buf *out, uint64_t max)
{
	struct zx_ex	*x;
	struct zo	 z;
	uint64_t	 lim = max == 0 ? ZX_NOLIMIT : max;
	int		 rc, err;

	if (in == NULL) {
		in = zx_empty;
		inlen = 0;
	}
	if (zo_init(&z, out, lim, lim) == -1)
		return -1;
	if ((x = malloc(sizeof(*x))) == NULL) {
		errno = ENOMEM;
		return -1;
	}
	rc = ex_run(x, in, inlen, gpflags, usize, &z);
	err = errno;
	zo_done(&z);
	free(x);
	errno = err;
	return rc;
}

/* zx_decode - a member's data into z with its method: 0 or -1 with errno */
static int
zx_decode(const struct zx_ent *ze, const uint8_t *in, size_t inlen,
    struct zo *z)
{
	struct zx_d64	*d;
	struct zx_ex	*x;
	int		 rc, err;

	if (ze->method == 9) {
		if ((d = malloc(sizeof(*d))) == NULL) {
			errno = ENOMEM;
			return -1;
		}
		d64_init(d);
		rc = d64_run(d, in, inlen, z);
		err = errno;
		free(d);
	} else {
		if ((x = malloc(sizeof(*x))) == NULL) {
			errno = ENOMEM;
			return -1;
		}
		rc = ex_run(x, in, inlen, ze->flags, ze->usize, z);
		err = errno;
		free(x);
	}
	errno = err;
	return rc;
}

/*
 * zx_zip64 - the ZIP64 extended information in the extra fields x[0, n):
 * each of *usize, *csize, *lho (when not NULL) that is 0xffffffff is
 * replaced by the next 8 bytes of the field, in that order
 */
static void
zx_zip64(const uint8_t *x, size_t n, uint64_t *usize, uint64_t *csize,
    uint64_t *lho)
{
	size_t	 sz, k;

	while (n >= 4) {
		sz = get_le16(x + 2);
		if (sz > n - 4)
			return;
		if (get_le16(x) == 0x0001) {
			k = 4;
			if (*usize == 0xffffffff && sz + 4 - k >= 8) {
				*usize = get_le64(x + k);
				k += 8;
			}
			if (*csize == 0xffffffff && sz + 4 - k >= 8) {
				*csize = get_le64(x + k);
				k += 8;
			}
			if (lho != NULL && *lho == 0xffffffff &&
			    sz + 4 - k >= 8)
				*lho = get_le64(x + k);
			return;
		}
		x += 4 + sz;
		n -= 4 + sz;
	}
}

/*
 * zx_eocd - find the central directory: 0 with cd filled, or -1 when no
 * End of Central Directory record leads to one
 */
static int
zx_eocd(const struct zx_walk *w, struct zx_cd *cd)
{
	size_t	 p, stop;

	if (w->len < 22)
		return -1;
	stop = w->len > ZX_EOCDMAX ? w->len - ZX_EOCDMAX : 0;
	for (p = w->len - 22 + 1; p-- > stop;) {
		if (w->buf[p] != 'P' || get_le32(w->buf + p) != ZX_SIG_EOCD)
			continue;
		if (zx_cdat(w, p, cd) == 0)
			return 0;
	}
	return -1;
}

/* zx_cdat - the central directory the EOCD record at e names: 0, or -1 */
static int
zx_cdat(const struct zx_walk *w, size_t e, struct zx_cd *cd)
{
	const uint8_t	*b = w->buf, *r;
	uint64_t	 count, size, off, cend, z64, at;

	count = get_le16(b + e + 10);
	size = get_le32(b + e + 12);
	off = get_le32(b + e + 16);
	cend = e;
	if (e >= 20 && get_le32(b + e - 20) == ZX_SIG_LOC64) {
		z64 = get_le64(b + e - 20 + 8);
		r = NULL;
		if (z64 < w->len && w->len - z64 >= 56 &&
		    get_le32(b + z64) == ZX_SIG_EOCD64)
			at = z64;
		else if (e >= 20 + 56 &&
		    get_le32(b + e - 20 - 56) == ZX_SIG_EOCD64)
			at = e - 20 - 56;	/* data before the archive */
		else
			at = UINT64_MAX;
		if (at != UINT64_MAX) {
			r = b + at;
			count = get_le64(r + 32);
			size = get_le64(r + 40);
			off = get_le64(r + 48);
			cend = at;
		}
	}
	cd->count = count;
	if (count == 0 && size == 0) {
		/* empty: no entry to read */
		cd->off = cend;
		cd->delta = 0;
		return 0;
	}
	/* shifted by data before the archive, or where the record says */
	if (size <= cend && off < cend - size &&
	    get_le32(b + (cend - size)) == ZX_SIG_CENTRAL) {
		cd->off = cend - size;
		cd->delta = cend - size - off;
		return 0;
	}
	if (off < w->len && w->len - off >= 4 &&
	    get_le32(b + off) == ZX_SIG_CENTRAL) {
		cd->off = off;
		cd->delta = 0;
		return 0;
	}
	return -1;
}

/*
 * zx_central - the central directory record at p (below len): 1 with ze
 * filled and *next after it, 0 when there is none there
 */
static int
zx_central(const uint8_t *b, size_t len, size_t p, struct zx_ent *ze,
    size_t *next)
{
	const uint8_t	*h;
	size_t		 n, m, k;
	uint32_t	 mode;

	if (p > len || len - p < 46 || get_le32(b + p) != ZX_SIG_CENTRAL)
		return 0;
	h = b + p;
	n = get_le16(h + 28);
	m = get_le16(h + 30);
	k = get_le16(h + 32);
	if (len - p - 46 < n + m + k)
		return 0;
	memset(ze, 0, sizeof(*ze));
	ze->flags = get_le16(h + 8);
	ze->method = get_le16(h + 10);
	ze->crc = get_le32(h + 16);
	ze->hascrc = 1;
	ze->csize = get_le32(h + 20);
	ze->usize = get_le32(h + 24);
	ze->lho = get_le32(h + 42);
	ze->name = h + 46;
	ze->namelen = n;
	zx_zip64(h + 46 + n, m, &ze->usize, &ze->csize, &ze->lho);
	ze->regular = n == 0 || h[46 + n - 1] != '/';
	mode = get_le32(h + 38) >> 16;
	if (h[5] == 3 && (mode & 0170000) != 0 && (mode & 0170000) != 0100000)
		ze->regular = 0;	/* Unix: not a regular file */
	*next = p + 46 + n + m + k;
	return 1;
}

/*
 * zx_local - the local header at off: 0 with *ds its data's start and
 * the fields ze lacks (for the scan: all of them) filled, or -1
 */
static int
zx_local(const struct zx_walk *w, uint64_t off, struct zx_ent *ze,
    uint64_t *ds)
{
	const uint8_t	*h;
	size_t		 n, m;

	if (off >= w->len || w->len - off < 30 ||
	    get_le32(w->buf + off) != ZX_SIG_LOCAL)
		return -1;
	h = w->buf + off;
	n = get_le16(h + 26);
	m = get_le16(h + 28);
	if (w->len - off - 30 < n + m)
		return -1;
	*ds = off + 30 + n + m;
	if (ze->name == NULL) {
		ze->flags = get_le16(h + 6);
		ze->method = get_le16(h + 8);
		ze->crc = get_le32(h + 14);
		ze->hascrc = !(ze->flags & ZX_F_DESCRIPTOR);
		ze->csize = get_le32(h + 18);
		ze->usize = get_le32(h + 22);
		ze->lho = off;
		ze->name = h + 30;
		ze->namelen = n;
		ze->regular = n == 0 || h[30 + n - 1] != '/';
		zx_zip64(h + 30 + n, m, &ze->usize, &ze->csize, NULL);
	} else
		ze->flags |= get_le16(h + 6) & (ZX_F_ENCRYPTED | ZX_F_STRONG);
	return 0;
}

/* zx_crc - CRC-32 of p[0, n) (zlib's, in pieces it can take) */
static uint32_t
zx_crc(const uint8_t *p, size_t n)
{
	uLong	 crc = crc32(0, Z_NULL, 0);
	size_t	 k;

	while (n > 0) {
		k = n > (1u << 30) ? (1u << 30) : n;
		crc = crc32(crc, p, (uInt)k);
		p += k;
		n -= k;
	}
	return (uint32_t)crc;
}

/* zx_cmp64 - order of two uint64_t */
static int
zx_cmp64(const void *a, const void *b)
{
	uint64_t	 x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/*
 * zx_offsets - every local header offset the central directory gives,
 * sorted and distinct, into w->offs; *nrec gets the records read.
 * 0, or -1 (ENOMEM)
 */
static int
zx_offsets(struct zx_walk *w, const struct zx_cd *cd, uint64_t *nrec)
{
	struct zx_ent	 ze;
	size_t		 p = (size_t)cd->off, next, n = 0, cap = 0, i, k;
	uint64_t	*v;

	*nrec = 0;
	while (zx_central(w->buf, w->len, p, &ze, &next)) {
		if (n == cap) {
			cap = cap == 0 ? 64 : cap * 2;
			if ((v = reallocarray(w->offs, cap,
			    sizeof(*v))) == NULL)
				return -1;
			w->offs = v;
		}
		w->offs[n++] = ze.lho + cd->delta;
		p = next;
	}
	*nrec = n;
	if (n > 0)
		qsort(w->offs, n, sizeof(*w->offs), zx_cmp64);
	for (i = k = 0; i < n; i++)
		if (k == 0 || w->offs[k - 1] != w->offs[i])
			w->offs[k++] = w->offs[i];
	w->noffs = k;
	if (k > 0 && (w->used = calloc(k, 1)) == NULL)
		return -1;
	return 0;
}

/* zx_find - the index of the first offset >= off in w->offs */
static size_t
zx_find(const struct zx_walk *w, uint64_t off)
{
	size_t	 lo = 0, hi = w->noffs, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (w->offs[mid] < off)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/*
 * zx_bycd - deliver the members the central directory lists: 0 to go on
 * (with the scan when the directory fell short), 1 to stop
 */
static int
zx_bycd(struct zx_walk *w, const struct zx_cd *cd)
{
	struct zx_ent	 ze;
	size_t		 p = (size_t)cd->off, next, i;
	uint64_t	 nrec, off, ds, de, bound;

	if (zx_offsets(w, cd, &nrec) == -1) {
		w->nomem = 1;
		return 1;
	}
	if (nrec < cd->count)
		zx_damaged(w, "corrupt: central directory");
	w->cdpos = p;
	while (zx_central(w->buf, w->len, p, &ze, &next)) {
		p = next;
		if ((ze.method != 6 && ze.method != 9) || !ze.regular)
			continue;
		off = ze.lho + cd->delta;
		if (zx_local(w, off, &ze, &ds) == -1) {
			zx_damaged(w, "corrupt: bad local header");
			continue;
		}
		i = zx_find(w, off);
		if (i < w->noffs && w->offs[i] == off) {
			if (w->used[i]) {
				zx_damaged(w, "corrupt: overlapping members");
				continue;
			}
			w->used[i] = 1;
			i++;
		}
		/* the data ends at the next local header or the directory */
		bound = w->len;
		if (i < w->noffs && w->offs[i] < bound)
			bound = w->offs[i];
		if (w->cdpos > off && w->cdpos < bound)
			bound = w->cdpos;
		de = ds;
		if (ds < bound)
			de = ze.csize < bound - ds ? ds + ze.csize : bound;
		if (zx_member(w, &ze, w->buf + ds, (size_t)(de - ds)) != 0)
			return 1;
	}
	if (nrec < cd->count)
		return zx_scan(w);
	return 0;
}

/*
 * zx_nextsig - the offset of the next zip signature (local header,
 * central directory, data descriptor, end record) at or after p, or len
 */
static size_t
zx_nextsig(const uint8_t *b, size_t len, size_t p)
{
	const uint8_t	*q;

	while (p + 4 <= len) {
		if ((q = memchr(b + p, 'P', len - p - 3)) == NULL)
			return len;
		p = (size_t)(q - b);
		if (q[1] == 'K' && ((q[2] == 3 && q[3] == 4) ||
		    (q[2] == 1 && q[3] == 2) || (q[2] == 7 && q[3] == 8) ||
		    (q[2] == 5 && q[3] == 6)))
			return p;
		p++;
	}
	return len;
}

/*
 * zx_scan - deliver the members found by their local headers, in file
 * order, those the central directory gave excepted: 0 to go on, 1 to stop
 */
static int
zx_scan(struct zx_walk *w)
{
	struct zx_ent	 ze;
	const uint8_t	*b = w->buf;
	size_t		 p = 0, q, i;
	uint64_t	 ds, de;
	int		 known;

	while ((p = zx_nextsig(b, w->len, p)) < w->len) {
		memset(&ze, 0, sizeof(ze));
		if (get_le32(b + p) != ZX_SIG_LOCAL || zx_local(w, p, &ze,
		    &ds) == -1) {
			p++;
			continue;
		}
		i = zx_find(w, p);
		known = i < w->noffs && w->offs[i] == p;
		if (!(ze.flags & ZX_F_DESCRIPTOR) && ze.csize <= w->len - ds) {
			de = ds + ze.csize;
			q = (size_t)de;
		} else {
			/* the data runs to the next signature */
			q = zx_nextsig(b, w->len, (size_t)ds);
			de = q;
			if (q + 16 <= w->len && get_le32(b + q) == ZX_SIG_DD) {
				ze.crc = get_le32(b + q + 4);
				ze.hascrc = 1;
				if (ze.usize == 0)
					ze.usize = get_le32(b + q + 12);
			}
		}
		if (ze.method == 6 && (ze.flags & ZX_F_DESCRIPTOR) &&
		    ze.usize == 0)
			ze.usize = ZX_NOLIMIT;	/* unknown: to the end */
		if (!known && ze.regular && (ze.method == 6 ||
		    ze.method == 9) &&
		    zx_member(w, &ze, b + ds, (size_t)(de - ds)) != 0)
			return 1;
		p = q > p ? q : p + 1;
	}
	return 0;
}

/*
 * zx_member - decode and deliver one member whose compressed data is
 * in[0, inlen), with archive.c's limits: 0 to go on, 1 to stop
 */
static int
zx_member(struct zx_walk *w, const struct zx_ent *ze, const uint8_t *in,
    size_t inlen)
{
	const struct arc_limits	*lim = w->lim;
	struct arc_result	*res = w->res;
	struct zo		 z;
	uint64_t		 keep, left, limit, seen;
	int			 rc, err, cap = 0;	/* 1 entry 2 total */

	if (lim->max_entries != 0 && res->entries >= lim->max_entries)
		return zx_stop(w, ARC_LIMIT_ENTRIES, "limit: files");
	zx_name(w, ze->name, ze->namelen);
	if (ze->flags & (ZX_F_ENCRYPTED | ZX_F_STRONG)) {
		w->encrypted = 1;
		return zx_deliver(w, 1, 0, 0);
	}

	keep = w->ratio;
	if (lim->max_total != 0) {
		left = lim->max_total > res->total ?
		    lim->max_total - res->total : 0;
		if (left < keep) {
			keep = left;
			cap = 2;
		}
	}
	if (lim->max_entry != 0 && lim->max_entry < keep) {
		keep = lim->max_entry;
		cap = 1;
	}
	/* read on past keep: to the ratio bound, or one byte to know */
	if (cap == 1 && w->ratio != ZX_NOLIMIT)
		limit = w->ratio + 1;
	else
		limit = keep == ZX_NOLIMIT ? ZX_NOLIMIT : keep + 1;

	w->out.len = 0;
	if (zo_init(&z, &w->out, keep, limit) == -1) {
		w->nomem = 1;
		return 1;
	}
	rc = zx_decode(ze, in, inlen, &z);
	err = errno;
	seen = zo_count(&z);
	zo_done(&z);
	if (rc == -1 && err == ENOMEM) {
		w->nomem = 1;
		return 1;
	}
	if (rc == -1 && err == AV_ECORRUPT) {
		zx_damaged(w, ze->method == 9 ? "corrupt: bad Deflate64 data" :
		    "corrupt: bad imploded data");
		if (w->out.len == 0)
			return 0;
		return zx_deliver(w, 0, seen > w->out.len, 1);
	}
	if (rc == 0 && seen <= keep) {
		if (ze->hascrc && ze->crc != zx_crc(w->out.data, w->out.len)) {
			zx_damaged(w, "corrupt: CRC mismatch");
			if (w->out.len == 0)
				return 0;	/* failed before a byte */
			return zx_deliver(w, 0, 0, 1);
		}
		return zx_deliver(w, 0, 0, 0);
	}
	/* more than keep */
	if (w->ratio != ZX_NOLIMIT && seen > w->ratio) {
		if (zx_deliver(w, 0, 1, 0) != 0)
			return 1;
		return zx_stop(w, ARC_LIMIT_RATIO, "limit: compression ratio");
	}
	if (cap == 2) {
		if (w->out.len > 0 && zx_deliver(w, 0, 1, 0) != 0)
			return 1;
		return zx_stop(w, ARC_LIMIT_TOTAL, "limit: scan size");
	}
	return zx_deliver(w, 0, 1, 0);
}

/* zx_deliver - hand the member in w to the callback: 0 to go on, 1 to stop */
static int
zx_deliver(struct zx_walk *w, int encrypted, int truncated, int damaged)
{
	struct arc_entry	 e;

	memset(&e, 0, sizeof(e));
	e.name = w->name;
	e.encrypted = encrypted;
	e.truncated = truncated;
	e.damaged = damaged;
	if (encrypted || w->out.len == 0) {
		e.data = zx_empty;
		e.len = 0;
	} else {
		e.data = w->out.data;
		e.len = w->out.len;
	}
	w->res->entries++;
	w->res->total += e.len;
	if (w->cb != NULL && w->cb(w->arg, &e) != 0)
		return zx_stop(w, ARC_STOPPED, "stopped");
	return 0;
}

/* zx_name - the member's name as archive.h promises it, into w->name */
static void
zx_name(struct zx_walk *w, const uint8_t *s, size_t n)
{
	char	 tmp[ARC_MAXNAME + 1];
	size_t	 i;

	if (n > ARC_MAXNAME)
		n = ARC_MAXNAME;
	for (i = 0; i < n; i++)
		tmp[i] = s[i] == '\0' ? '\001' : (char)s[i];
	tmp[n] = '\0';
	arc_clean(w->name, sizeof(w->name), tmp);
	for (i = 0; w->name[i] != '\0'; i++)
		if (w->name[i] == '\\')
			w->name[i] = '/';
}

/* zx_damaged - note damage: the first one is the reason */
static void
zx_damaged(struct zx_walk *w, const char *reason)
{
	struct arc_result	*res = w->res;

	if (!w->damaged && res->status == ARC_OK)
		snprintf(res->reason, sizeof(res->reason), "%s", reason);
	w->damaged = 1;
}

/* zx_stop - end the walk with status (the first one set wins): 1 */
static int
zx_stop(struct zx_walk *w, enum arc_status status, const char *reason)
{
	return arc_result_set(w->res, status, reason);
}

/* zipx_walk - call cb for every Deflate64 or imploded member of the zip */
int
zipx_walk(const uint8_t *buf, size_t len, const struct arc_limits *lim,
    int (*cb)(void *, const struct arc_entry *), void *arg,
    struct arc_result *res)
{
	static const struct arc_limits	 nolim;
	struct zx_walk			 w;
	struct zx_cd			 cd;
	int				 ret = 0;

	memset(res, 0, sizeof(*res));
	res->status = ARC_OK;
	memset(&w, 0, sizeof(w));
	w.buf = buf != NULL ? buf : zx_empty;
	w.len = buf != NULL ? len : 0;
	w.lim = lim != NULL ? lim : &nolim;
	w.res = res;
	w.cb = cb;
	w.arg = arg;
	buf_init(&w.out);
	w.ratio = ZX_NOLIMIT;
	if (w.lim->max_ratio != 0) {
		if (w.len > ZX_NOLIMIT / w.lim->max_ratio)
			w.ratio = ZX_NOLIMIT;
		else
			w.ratio = (uint64_t)w.len * w.lim->max_ratio;
		if (w.ratio < ZX_RATIOMIN)
			w.ratio = ZX_RATIOMIN;
	}

	if (zx_eocd(&w, &cd) == 0)
		(void)zx_bycd(&w, &cd);
	else if (zx_nextsig(w.buf, w.len, 0) == w.len)
		zx_stop(&w, ARC_CORRUPT, "corrupt: not a zip archive");
	else {
		zx_damaged(&w, "corrupt: no central directory");
		(void)zx_scan(&w);
	}
	if (w.nomem) {
		ret = -1;
		goto done;
	}
	if (res->status == ARC_OK) {
		if (w.encrypted)
			zx_stop(&w, ARC_ENCRYPTED, "encrypted");
		else if (w.damaged)
			res->status = ARC_CORRUPT;
	}
done:
	buf_clear(&w.out);
	free(w.offs);
	free(w.used);
	if (ret == -1) {
		memset(res, 0, sizeof(*res));
		res->status = ARC_CORRUPT;
		errno = ENOMEM;
	}
	return ret;
}
