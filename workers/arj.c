/*
 * arj.c - members of ARJ archives
 *
 * DESCRIPTION
 *	An ARJ archive is a chain of headers, each "\x60\xea", a 16-bit
 *	basic header size (0 ends the archive, at most 2600), the basic
 *	header, its CRC-32, then extended headers (a 16-bit size, 0 ends
 *	them, the data and a CRC-32 each).  The first header is the main
 *	header (file type 2); every other one describes a member, whose
 *	compressed data follows its headers.  Basic header fields used
 *	(offsets in the header): 0 the size of the fixed part (at least 30;
 *	the name starts there), 4 flags, 5 method, 6 file type, 12 the
 *	compressed size, 16 the original size, 20 the CRC-32 of the
 *	original data; then the NUL-terminated name and comment.
 *
 *	Members of file type 0 (binary) and 1 (text) are delivered; the
 *	others (directories, volume and chapter labels) are skipped and not
 *	counted.  Methods: 0 stored; 1, 2 and 3 one LZ77+Huffman stream (the
 *	three differ only in the effort of the compressor); 4 "fastest", LZ77
 *	with Elias-gamma-like codes for lengths and distances.  Both read bits
 *	most significant first and have a dictionary of 26,624 bytes:
 *	a distance beyond it, or before the start of the member, is damage.
 *
 *	Method 1-3 streams are blocks: a 16-bit count of codes, then three
 *	canonical Huffman tables given by their code lengths (the code-length
 *	table of 19 symbols in 3-bit fields with a unary escape for lengths
 *	7 to 16 and a 2-bit run of zeros after the third; the literal/length
 *	table of 510 symbols coded with it, with three run codes for zeros;
 *	the distance table of up to 17 symbols like the first), or for any
 *	table a count of 0 and the one symbol that then takes no bits.
 *	Symbols 0-255 are literals, 256-509 lengths 3-256; distance symbol
 *	p gives p - 1 more bits.  Tables that are over-subscribed, counts
 *	past their table, code lengths over 16 are damage; an incomplete
 *	table is accepted, and a code that is not in it is damage when it is
 *	met.  Codes are found bit by bit, one step per bit they consume;
 *	a 10-bit lookup table is built only for a block of at least 1,024
 *	codes, which pays for it (a stream of tiny blocks would otherwise
 *	cost 2 KiB of table per few bytes of input).  Every code costs input
 *	bits or emits a byte, and every table costs at most its symbols or
 *	its block: decoding is linear in input plus output.
 *
 *	Decoding stops at the original size, or earlier at the byte count
 *	lgwalk.h gives (limits), or when the input is used up (damage: "data
 *	ends early").  Output goes through a 32 KiB ring, handed to lg_put()
 *	each time the ring is full.  The CRC-32 of the member is checked
 *	whenever it was decoded to its original size, even if it was not all
 *	kept.
 *
 *	Choices the header leaves open:
 *	- the main header must be at offset 0 (no search for an archive
 *	  inside a self-extractor); a bad main header or file header CRC is
 *	  noted (ARC_CORRUPT) and the header used all the same, within its
 *	  bounds; so is a bad extended header CRC.
 *	- a member that continues in the next volume (flag 0x04) or starts in
 *	  an earlier one (flag 0x08) is delivered with what this volume
 *	  holds, truncated, its CRC not checked, and is not damage.
 *	- a garbled member (flag 0x01) is delivered encrypted, with no data,
 *	  whatever its method.  A member in an unknown method (over 4) is
 *	  not delivered and counts in res->unsupported.
 *	- a member whose data cannot be decoded to the end, or whose CRC is
 *	  wrong, is delivered with what was decoded and e->damaged (not at
 *	  all when nothing was decoded); the walk then goes on to the next
 *	  header, since the compressed size says where it is.  A header that
 *	  is not where the previous member ends, or data cut by the end of
 *	  the buffer, ends the walk (ARC_CORRUPT).  So does an archive that
 *	  ends without its end header (after delivering every member).
 *	- names: the stored bytes (DOS code page), '\\' turned into '/', then
 *	  arc_clean(); no code page conversion.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <zlib.h>

#include "util/bytes.h"
#include "workers/legacy.h"
#include "workers/lgwalk.h"

#define ARJ_HDRMAX	2600		/* longest basic header */
#define ARJ_FIRSTMIN	30		/* shortest fixed part */
#define ARJ_DICSIZ	26624		/* dictionary */
#define ARJ_RING	32768		/* output ring, a power of two */
#define ARJ_CHUNK	65536		/* stored data per lg_put() */
#define ARJ_NC		510		/* literal/length symbols */
#define ARJ_NP		17		/* distance symbols, at most */
#define ARJ_NT		19		/* code-length symbols */
#define ARJ_CBIT	9
#define ARJ_PBIT	5
#define ARJ_TBIT	5
#define ARJ_MINMATCH	3
#define HUF_MAXLEN	16
#define HUF_FAST	10		/* bits looked up at once */
#define HUF_FASTMIN	1024		/* codes in a block worth a lookup */

/* header flags */
#define ARJ_GARBLED	0x01
#define ARJ_VOLUME	0x04		/* continues in the next volume */
#define ARJ_EXTFILE	0x08		/* started in an earlier volume */

/* file types */
#define ARJ_BINARY	0
#define ARJ_TEXT	1

/* what a decoder ended with (0: going on) */
enum arj_dec_rc {
	DEC_GO = 0,
	DEC_END,		/* original size reached */
	DEC_CUT,		/* stop count reached */
	DEC_BAD,		/* damaged: d->err */
	DEC_NOMEM
};

/* one header, as far as it is used */
struct arj_hdr {
	uint8_t		 flags;
	uint8_t		 method;
	uint8_t		 ftype;
	uint32_t	 csize;
	uint32_t	 osize;
	uint32_t	 crc;
	const uint8_t	*name;
	size_t		 namelen;
	int		 crcbad;
};

/* bits, most significant first; zeros past the end, which is counted */
struct arj_bits {
	const uint8_t	*p;
	size_t		 len;
	size_t		 pos;		/* next byte to load, may pass len */
	uint64_t	 acc;		/* left-aligned */
	int		 nb;		/* bits in acc */
};

/* a canonical Huffman code */
struct arj_huf {
	int		 single;	/* >= 0: the one symbol, no bits */
	int		 usefast;	/* fast[] is built */
	uint16_t	 count[HUF_MAXLEN + 1];
	uint16_t	 sym[ARJ_NC];	/* by length, then value */
	uint16_t	 fast[1 << HUF_FAST];	/* len << 9 | sym, 0: slow */
};

struct arj_dec {
	struct arj_bits	 br;
	struct lg_out	*o;
	uint64_t	 osize;
	uint64_t	 n;		/* bytes produced */
	size_t		 r;		/* n modulo ARJ_RING */
	const char	*err;
	struct arj_huf	 c;
	struct arj_huf	 pt;
	uint8_t		 lens[ARJ_NC];
	uint8_t		 ring[ARJ_RING];
};

static inline void	 br_fill(struct arj_bits *);
static inline uint32_t	 br_peek(struct arj_bits *, int);
static inline void	 br_skip(struct arj_bits *, int);
static inline uint32_t	 br_get(struct arj_bits *, int);
static inline int	 br_over(const struct arj_bits *);
static int	 arj_header(struct lg_walk *, const uint8_t *, size_t,
		    size_t *, struct arj_hdr *);
static int	 arj_member(struct lg_walk *, struct arj_dec **,
		    struct lg_out *, const struct lg_cap *,
		    const struct arj_hdr *, const uint8_t *, size_t, int);
static int	 arj_stored(struct lg_out *, const uint8_t *, size_t, int);
static int	 arj_decode(struct arj_dec *, int, const uint8_t *, size_t,
		    uint64_t, struct lg_out *);
static int	 arj_lzh(struct arj_dec *);
static int	 arj_fast(struct arj_dec *);
static int	 arj_tables(struct arj_dec *, int);
static int	 arj_ptlen(struct arj_dec *, int, int, int, int);
static int	 arj_clen(struct arj_dec *, int);
static int	 arj_copy(struct arj_dec *, uint32_t, uint32_t);
static int	 arj_flush(struct arj_dec *);
static int	 arj_bad(struct arj_dec *, const char *);
static int	 huf_build(struct arj_huf *, const uint8_t *, int, int);
static int	 huf_decode(const struct arj_huf *, struct arj_bits *);

/* br_fill - at least 57 bits in acc */
static inline void
br_fill(struct arj_bits *b)
{
	uint64_t	 c;

	while (b->nb <= 56) {
		c = b->pos < b->len ? b->p[b->pos] : 0;
		b->pos++;
		b->acc |= c << (56 - b->nb);
		b->nb += 8;
	}
}

/* br_peek - the next n bits (1 <= n <= 32), not consumed */
static inline uint32_t
br_peek(struct arj_bits *b, int n)
{
	if (b->nb < n)
		br_fill(b);
	return (uint32_t)(b->acc >> (64 - n));
}

/* br_skip - consume n bits (n <= the bits peeked) */
static inline void
br_skip(struct arj_bits *b, int n)
{
	b->acc <<= n;
	b->nb -= n;
}

/* br_get - the next n bits (0 <= n <= 32) */
static inline uint32_t
br_get(struct arj_bits *b, int n)
{
	uint32_t	 v;

	if (n == 0)
		return 0;
	v = br_peek(b, n);
	br_skip(b, n);
	return v;
}

/* br_over - whether more bits were consumed than the input has */
static inline int
br_over(const struct arj_bits *b)
{
	return (uint64_t)b->pos * 8 - (uint64_t)b->nb > (uint64_t)b->len * 8;
}

/* arj_walk - call cb for every file member of the ARJ archive in buf */
int
arj_walk(const uint8_t *buf, size_t len, const struct arc_limits *lim,
    arc_cb cb, void *arg, struct arc_result *res)
{
	struct lg_walk	 w;
	struct lg_out	 o;
	struct lg_cap	 cap;
	struct arj_hdr	 h;
	struct arj_dec	*d = NULL;
	char		 name[ARJ_HDRMAX + 1];
	size_t		 off = 0, avail;
	int		 r, cut, ret = 0;

	lg_init(&w, len, lim, cb, arg, res);
	lg_out_init(&o);
	if (buf == NULL)
		len = 0;
	if (len < 4 || buf[0] != 0x60 || buf[1] != 0xea) {
		lg_corrupt(&w, "not an ARJ archive");
		goto done;
	}
	if ((r = arj_header(&w, buf, len, &off, &h)) != 0) {
		if (r == 1)
			lg_corrupt(&w, "no main header");
		goto done;
	}
	if (h.crcbad)
		lg_corrupt(&w, "header CRC mismatch");

	for (;;) {
		if ((r = arj_header(&w, buf, len, &off, &h)) != 0)
			break;		/* the end, or damage noted */
		if (h.crcbad)
			lg_corrupt(&w, "header CRC mismatch");
		avail = len - off;
		cut = h.csize > avail;
		if (!cut)
			avail = h.csize;
		if (h.ftype == ARJ_BINARY || h.ftype == ARJ_TEXT) {
			if (lg_begin(&w, &cap) != 0)
				break;
			memcpy(name, h.name, h.namelen);
			name[h.namelen] = '\0';
			lg_name(&w, name);
			if (h.flags & ARJ_GARBLED) {
				if (lg_encrypted(&w) != 0)
					break;
			} else if (h.method > 4) {
				snprintf(name, sizeof(name), "ARJ method %u",
				    h.method);
				lg_unsupported(&w, name);
			} else {
				r = arj_member(&w, &d, &o, &cap, &h, buf + off,
				    avail, cut);
				if (r == -1) {
					ret = -1;
					break;
				}
				if (r != 0)
					break;
			}
		}
		if (cut) {
			lg_corrupt(&w, "member data cut short");
			break;
		}
		off += avail;
	}
done:
	free(d);
	lg_out_free(&o);
	return lg_finish(&w, ret);
}

/*
 * arj_header - the header at *off (then past its extended headers): 0,
 * 1 for the end of the archive, -1 when it is damaged (noted)
 */
static int
arj_header(struct lg_walk *w, const uint8_t *buf, size_t len, size_t *off,
    struct arj_hdr *h)
{
	const uint8_t	*b, *nul;
	size_t		 o = *off, hs, ext;

	memset(h, 0, sizeof(*h));
	if (len - o < 4) {
		lg_corrupt(w, "no end header");
		return -1;
	}
	if (buf[o] != 0x60 || buf[o + 1] != 0xea) {
		lg_corrupt(w, "bad header");
		return -1;
	}
	hs = get_le16(buf + o + 2);
	o += 4;
	if (hs == 0) {
		*off = o;
		return 1;
	}
	if (hs > ARJ_HDRMAX || hs < ARJ_FIRSTMIN) {
		lg_corrupt(w, "bad header size");
		return -1;
	}
	if (len - o < hs + 4) {
		lg_corrupt(w, "header cut short");
		return -1;
	}
	b = buf + o;
	if (b[0] < ARJ_FIRSTMIN || b[0] > hs) {
		lg_corrupt(w, "bad header size");
		return -1;
	}
	h->crcbad = (uint32_t)crc32(0L, b, (uInt)hs) != get_le32(b + hs);
	h->flags = b[4];
	h->method = b[5];
	h->ftype = b[6];
	h->csize = get_le32(b + 12);
	h->osize = get_le32(b + 16);
	h->crc = get_le32(b + 20);
	h->name = b + b[0];
	nul = memchr(h->name, '\0', hs - b[0]);
	h->namelen = nul != NULL ? (size_t)(nul - h->name) : hs - b[0];
	o += hs + 4;

	for (;;) {
		if (len - o < 2) {
			lg_corrupt(w, "header cut short");
			return -1;
		}
		ext = get_le16(buf + o);
		o += 2;
		if (ext == 0)
			break;
		if (len - o < ext + 4) {
			lg_corrupt(w, "header cut short");
			return -1;
		}
		if ((uint32_t)crc32(0L, buf + o, (uInt)ext) !=
		    get_le32(buf + o + ext))
			h->crcbad = 1;
		o += ext + 4;
	}
	*off = o;
	return 0;
}

/*
 * arj_member - decode and deliver one member from in (inlen bytes; short:
 * the input ended inside it): 0 to go on, 1 to stop, -1 ENOMEM
 */
static int
arj_member(struct lg_walk *w, struct arj_dec **dp, struct lg_out *o,
    const struct lg_cap *cap, const struct arj_hdr *h, const uint8_t *in,
    size_t inlen, int isshort)
{
	struct arj_dec	*d = *dp;
	const char	*err = "data ends early";
	int		 rc, part, flags;

	part = (h->flags & (ARJ_VOLUME | ARJ_EXTFILE)) != 0;
	lg_out_reset(o, cap);
	if (h->method == 0)
		rc = arj_stored(o, in, inlen, isshort);
	else {
		if (d == NULL) {
			if ((d = malloc(sizeof(*d))) == NULL) {
				errno = ENOMEM;
				return -1;
			}
			*dp = d;
		}
		rc = arj_decode(d, h->method, in, inlen, h->osize, o);
		if (rc == DEC_BAD)
			err = d->err;
	}
	if (rc == DEC_NOMEM) {
		errno = ENOMEM;
		return -1;
	}
	flags = part ? LG_TRUNC : 0;
	if (rc == DEC_BAD) {
		if (!part || strcmp(err, "data ends early") != 0) {
			lg_corrupt(w, err);
			flags |= LG_DAMAGED;
		}
	} else if (rc == DEC_END && !part && o->n == h->osize &&
	    o->crc != h->crc) {
		lg_corrupt(w, "CRC mismatch");
		flags |= LG_DAMAGED;
	}
	return lg_end(w, cap, o->b.data, o->b.len, o->n, flags);
}

/* arj_stored - method 0: the data as it is */
static int
arj_stored(struct lg_out *o, const uint8_t *in, size_t inlen, int isshort)
{
	size_t	 k;
	int	 rc;

	while (inlen > 0) {
		k = inlen < ARJ_CHUNK ? inlen : ARJ_CHUNK;
		if ((rc = lg_put(o, in, k)) == -1)
			return DEC_NOMEM;
		if (rc == 1)
			return DEC_CUT;
		in += k;
		inlen -= k;
	}
	return isshort ? DEC_BAD : DEC_END;
}

/* arj_decode - methods 1-4 into o, at most osize bytes */
static int
arj_decode(struct arj_dec *d, int method, const uint8_t *in, size_t inlen,
    uint64_t osize, struct lg_out *o)
{
	int	 rc, f;

	memset(&d->br, 0, sizeof(d->br));
	d->br.p = in;
	d->br.len = inlen;
	d->o = o;
	d->osize = osize;
	d->n = 0;
	d->r = 0;
	d->err = NULL;
	rc = method == 4 ? arj_fast(d) : arj_lzh(d);
	if (rc == DEC_END || rc == DEC_BAD) {
		f = arj_flush(d);
		if (f == DEC_NOMEM)
			return DEC_NOMEM;
	}
	return rc;
}

/*
 * arj_bad - damage: DEC_BAD.  Once the input is used up, zeros were read
 * and whatever went wrong is the end of the data.
 */
static int
arj_bad(struct arj_dec *d, const char *err)
{
	d->err = br_over(&d->br) ? "data ends early" : err;
	return DEC_BAD;
}

/* arj_lzh - methods 1-3 */
static int
arj_lzh(struct arj_dec *d)
{
	uint32_t	 blk = 0, len, dist;
	int		 c, p, rc;

	while (d->n < d->osize) {
		if (blk == 0) {
			if ((blk = br_get(&d->br, 16)) == 0)
				return arj_bad(d, "empty block");
			if ((rc = arj_tables(d, blk >= HUF_FASTMIN)) != DEC_GO)
				return rc;
		}
		blk--;
		if ((c = huf_decode(&d->c, &d->br)) < 0)
			return arj_bad(d, "bad code");
		if (c < 256) {
			d->ring[d->r++] = (uint8_t)c;
			d->n++;
			rc = d->r == ARJ_RING ? arj_flush(d) : DEC_GO;
		} else {
			len = (uint32_t)c - 256 + ARJ_MINMATCH;
			if ((p = huf_decode(&d->pt, &d->br)) < 0)
				return arj_bad(d, "bad distance code");
			dist = p == 0 ? 0 :
			    (1U << (p - 1)) + br_get(&d->br, p - 1);
			rc = arj_copy(d, dist + 1, len);
		}
		if (rc != DEC_GO)
			return rc;
		if (br_over(&d->br))
			return arj_bad(d, "data ends early");
	}
	return DEC_END;
}

/* arj_fast - method 4 */
static int
arj_fast(struct arj_dec *d)
{
	uint32_t	 plus, pwr, v;
	int		 width, rc;

	while (d->n < d->osize) {
		/* length: 0 to 7 one bits, a zero unless 7, that many bits */
		plus = 0;
		pwr = 1;
		for (width = 0; width < 7; width++) {
			if (br_get(&d->br, 1) == 0)
				break;
			plus += pwr;
			pwr <<= 1;
		}
		v = br_get(&d->br, width) + plus;
		if (v == 0) {
			d->ring[d->r++] = (uint8_t)br_get(&d->br, 8);
			d->n++;
			rc = d->r == ARJ_RING ? arj_flush(d) : DEC_GO;
		} else {
			/* distance: the same, 9 to 13 bits */
			plus = 0;
			pwr = 1U << 9;
			for (width = 9; width < 13; width++) {
				if (br_get(&d->br, 1) == 0)
					break;
				plus += pwr;
				pwr <<= 1;
			}
			rc = arj_copy(d, br_get(&d->br, width) + plus + 1,
			    v - 1 + ARJ_MINMATCH);
		}
		if (rc != DEC_GO)
			return rc;
		if (br_over(&d->br))
			return arj_bad(d, "data ends early");
	}
	return DEC_END;
}

/* arj_copy - len bytes from dist back, within the original size */
static int
arj_copy(struct arj_dec *d, uint32_t dist, uint32_t len)
{
	size_t	 from;
	int	 rc;

	if (dist > d->n || dist > ARJ_DICSIZ)
		return arj_bad(d, "distance too far back");
	if (len > d->osize - d->n)
		len = (uint32_t)(d->osize - d->n);
	from = (d->r - dist) & (ARJ_RING - 1);
	while (len-- > 0) {
		d->ring[d->r++] = d->ring[from];
		from = (from + 1) & (ARJ_RING - 1);
		d->n++;
		if (d->r == ARJ_RING && (rc = arj_flush(d)) != DEC_GO)
			return rc;
	}
	return DEC_GO;
}

/* arj_flush - hand the ring's bytes to the output */
static int
arj_flush(struct arj_dec *d)
{
	int	 rc;

	rc = lg_put(d->o, d->ring, d->r);
	d->r = 0;
	if (rc == -1)
		return DEC_NOMEM;
	return rc == 1 ? DEC_CUT : DEC_GO;
}

/*
 * arj_tables - the three tables of a block; fast: the block is long
 * enough to pay for lookup tables
 */
static int
arj_tables(struct arj_dec *d, int fast)
{
	int	 rc;

	if ((rc = arj_ptlen(d, ARJ_NT, ARJ_TBIT, 3, 0)) != DEC_GO ||
	    (rc = arj_clen(d, fast)) != DEC_GO ||
	    (rc = arj_ptlen(d, ARJ_NP, ARJ_PBIT, -1, fast)) != DEC_GO)
		return rc;
	if (br_over(&d->br))
		return arj_bad(d, "data ends early");
	return DEC_GO;
}

/*
 * arj_ptlen - the code-length or the distance table into d->pt: nn
 * symbols at most, counts in nbit bits, a run of zeros after special
 */
static int
arj_ptlen(struct arj_dec *d, int nn, int nbit, int special, int fast)
{
	uint32_t	 v;
	int		 n, i, c, k, z;

	n = (int)br_get(&d->br, nbit);
	if (n == 0) {
		if ((c = (int)br_get(&d->br, nbit)) >= nn)
			return arj_bad(d, "bad table");
		d->pt.single = c;
		return DEC_GO;
	}
	if (n > nn)
		return arj_bad(d, "bad table");
	i = 0;
	while (i < n) {
		v = br_peek(&d->br, 16);
		c = (int)(v >> 13);
		if (c == 7) {
			/* 111 then a one bit for each length past 7, a zero */
			for (k = 0; k < 13 && (v >> (12 - k) & 1); k++)
				;
			c += k;
			if (c > HUF_MAXLEN)
				return arj_bad(d, "bad code length");
			br_skip(&d->br, 3 + k + 1);
		} else
			br_skip(&d->br, 3);
		d->lens[i++] = (uint8_t)c;
		if (i == special) {
			z = (int)br_get(&d->br, 2);
			if (i + z > nn)
				return arj_bad(d, "bad table");
			while (z-- > 0)
				d->lens[i++] = 0;
		}
	}
	if (huf_build(&d->pt, d->lens, i, fast) == -1)
		return arj_bad(d, "bad table");
	return DEC_GO;
}

/* arj_clen - the literal/length table, coded with the code-length table */
static int
arj_clen(struct arj_dec *d, int fast)
{
	int	 n, i, c, z;

	n = (int)br_get(&d->br, ARJ_CBIT);
	if (n == 0) {
		if ((c = (int)br_get(&d->br, ARJ_CBIT)) >= ARJ_NC)
			return arj_bad(d, "bad table");
		d->c.single = c;
		return DEC_GO;
	}
	if (n > ARJ_NC)
		return arj_bad(d, "bad table");
	i = 0;
	while (i < n) {
		if ((c = huf_decode(&d->pt, &d->br)) < 0)
			return arj_bad(d, "bad table");
		if (c <= 2) {
			if (c == 0)
				z = 1;
			else if (c == 1)
				z = (int)br_get(&d->br, 4) + 3;
			else
				z = (int)br_get(&d->br, ARJ_CBIT) + 20;
			if (i + z > ARJ_NC)
				return arj_bad(d, "bad table");
			memset(d->lens + i, 0, (size_t)z);
			i += z;
		} else
			d->lens[i++] = (uint8_t)(c - 2);
	}
	if (huf_build(&d->c, d->lens, i, fast) == -1)
		return arj_bad(d, "bad table");
	return DEC_GO;
}

/*
 * huf_build - the canonical code of lens[0, n) (each <= HUF_MAXLEN; the
 * symbols past n have none), with the lookup table when fast: 0, or -1
 * when over-subscribed.  Without fast the cost is O(n), with it
 * O(n + 2^HUF_FAST).
 */
static int
huf_build(struct arj_huf *h, const uint8_t *lens, int n, int fast)
{
	uint32_t	 next[HUF_MAXLEN + 1], offs[HUF_MAXLEN + 1];
	uint32_t	 code, base, step, k;
	int		 i, len, left = 1;

	h->single = -1;
	h->usefast = fast;
	memset(h->count, 0, sizeof(h->count));
	for (i = 0; i < n; i++)
		h->count[lens[i]]++;
	h->count[0] = 0;
	for (len = 1; len <= HUF_MAXLEN; len++) {
		left = left * 2 - h->count[len];
		if (left < 0)
			return -1;
	}
	code = 0;
	offs[1] = 0;
	for (len = 1; len <= HUF_MAXLEN; len++) {
		code = (code + h->count[len - 1]) << 1;
		next[len] = code;
		if (len > 1)
			offs[len] = offs[len - 1] + h->count[len - 1];
	}
	if (fast)
		memset(h->fast, 0, sizeof(h->fast));
	for (i = 0; i < n; i++) {
		if ((len = lens[i]) == 0)
			continue;
		h->sym[offs[len]++] = (uint16_t)i;
		code = next[len]++;
		if (!fast || len > HUF_FAST)
			continue;
		step = 1U << (HUF_FAST - len);
		base = code << (HUF_FAST - len);
		for (k = 0; k < step; k++)
			h->fast[base + k] = (uint16_t)(len << 9 | i);
	}
	return 0;
}

/*
 * huf_decode - the next symbol, or -1 for a code not in the table.  The
 * bit-by-bit search takes one step per bit it consumes.
 */
static int
huf_decode(const struct arj_huf *h, struct arj_bits *b)
{
	uint32_t	 v, e, code = 0, first = 0, idx = 0, cnt;
	int		 len;

	if (h->single >= 0)
		return h->single;
	v = br_peek(b, 16);
	if (h->usefast && (e = h->fast[v >> (16 - HUF_FAST)]) != 0) {
		br_skip(b, (int)(e >> 9));
		return (int)(e & 0x1ff);
	}
	for (len = 1; len <= HUF_MAXLEN; len++) {
		code |= v >> (16 - len) & 1;
		cnt = h->count[len];
		if (code - first < cnt) {
			br_skip(b, len);
			return h->sym[idx + code - first];
		}
		idx += cnt;
		first = (first + cnt) << 1;
		code <<= 1;
	}
	return -1;
}
