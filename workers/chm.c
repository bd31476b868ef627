/*
 * chm.c - files of Microsoft compiled HTML help (CHM, ITSF)
 *
 * DESCRIPTION
 *	A CHM file (all fields little-endian) is the "ITSF" header
 *	(version 2 or 3): at 56 the offsets and lengths (64 bits each) of
 *	two header sections, the second of them the directory; version 3
 *	adds at 88 the offset of content section 0 (version 2: right after
 *	the directory).  The directory is "ITSP", its header length (32
 *	bits, at 8), the chunk size (16), the number of chunks (44); its
 *	chunks follow its header.  A listing chunk is "PMGL", the size of
 *	its free space at the end (4), then entries from offset 20: the
 *	name length, the name (UTF-8), the content section, the offset and
 *	the length, each number an encoded integer (7 bits a byte, most
 *	significant first, the high bit set on all bytes but the last).
 *	Index chunks ("PMGI") are not needed: every chunk is looked at.
 *
 *	Section 0 is stored: a file is its bytes at the content offset
 *	plus its own.  Section 1 ("MSCompressed") is one LZX stream, stored
 *	in section 0 as ::DataSpace/Storage/MSCompressed/Content; its
 *	ControlData ("LZXC", version, reset interval, window size, both in
 *	units of 32 KiB in version 2) and its reset table (the uncompressed
 *	length at 16) are files of section 0 as well.  A section 1 file is
 *	its bytes of that stream once decoded.
 *
 *	LZX, as CHM uses it: 16-bit little-endian words read most
 *	significant bit first.  After every reset (at the start and every
 *	reset interval of output) one bit says whether E8 translation is
 *	on (then 32 bits of size); the state (repeated offsets R0-R2 = 1,
 *	tree lengths) is cleared.  Blocks: 3 bits of type, 24 of size (the
 *	bytes they produce).  A verbatim block (1) sends the main tree (256
 *	literals plus 8 per position slot) in two runs and the length tree
 *	(249), each as code lengths coded by a pretree of 20 four-bit
 *	lengths (0-16 a change of the previous length modulo 17, 17 and 18
 *	runs of zeros of 4-19 and 20-51, 19 a run of 4-5 of one length,
 *	the first one's changed by the next pretree code); an aligned
 *	block (2) first sends an aligned tree of 8 three-bit lengths, used
 *	for the low three bits of distances of three extra bits or more;
 *	an uncompressed block (3) is aligned to 16 bits (1 to 16 bits of
 *	padding), holds R0-R2 (32 bits each) and its bytes, and a pad byte
 *	when their count is odd.  A main symbol over
 *	255 is a match: 2 plus the low 3 bits (7: plus a length symbol) for
 *	the length, the rest a position slot, 0-2 the repeated offsets,
 *	from 3 on a base and extra bits.  Every 32 KiB of output (a frame)
 *	the input is aligned to 16 bits.  The window is 2^15 to 2^21 bytes.
 *	Codes are canonical, up to 16 bits; a tree that is over-subscribed
 *	is damage, an incomplete one is accepted until a missing code is
 *	met.  E8 translation is never used by CHM: the bit is read, a
 *	stream that sets it is decoded without the translation.
 *
 *	The decoded stream is kept in memory, as far as the files need it,
 *	and serves as the window; it is decoded once, forward, while the
 *	files are delivered in directory order.  It stops at the smallest
 *	of its uncompressed length, the ratio bound of lgwalk.h and
 *	CHM_S1MAX: a file past the ratio bound is delivered as far as it
 *	was decoded, truncated, and the walk stops ARC_LIMIT_RATIO.  Every
 *	symbol costs input bits or gives output, so decoding is linear in
 *	input plus output.
 *
 *	Choices the format leaves open:
 *	- files are the entries whose names start with '/' and do not end
 *	  with '/' (directories), including the viewer's own (/#SYSTEM,
 *	  /$FIftiMain); their names lose the leading '/', then arc_clean().
 *	  The "::DataSpace" entries are the container's structure, not
 *	  files.  Empty files are delivered.
 *	- a section over 1 counts in res->unsupported; a file past the end
 *	  of its section (or of the input) is damage, delivered as far as
 *	  it goes; an LZX stream that cannot be decoded is damage from where
 *	  it fails: the files before are whole, the one across is damaged.
 *	- a chunk that is not PMGL is skipped; a PMGL chunk whose entries
 *	  run past its end is damage and the rest of it is skipped.
 *	- the reset table's block offsets are not used (the stream is read
 *	  forward), only its uncompressed length.
 *	- a match may run past the end of its block (the next block is
 *	  that much shorter), not past the end of its frame (damage), nor
 *	  reach before the start of the stream or further than the window.
 *	- files come in directory (name) order, not in stream order: with
 *	  the ratio bound, the first file that needs output past it stops
 *	  the walk, whichever it is.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "util/bytes.h"
#include "workers/legacy.h"
#include "workers/lgwalk.h"

#define CHM_S1MAX	((uint64_t)256 << 20)	/* decoded section 1 */
#define CHM_CONTENT	"::DataSpace/Storage/MSCompressed/Content"
#define CHM_CONTROL	"::DataSpace/Storage/MSCompressed/ControlData"
#define CHM_RESET	"::DataSpace/Storage/MSCompressed/Transform/" \
			"{7FC28940-9D31-11D0-9B27-00A0C91E9C7C}/" \
			"InstanceData/ResetTable"

#define LZX_FRAME	32768
#define LZX_MINMATCH	2
#define LZX_MAXMATCH	257
#define LZX_NCHARS	256
#define LZX_PRETREE	20
#define LZX_LENGTHS	249
#define LZX_ALIGNED	8
#define LZX_MAXSLOTS	50
#define LZX_MAINMAX	(LZX_NCHARS + 8 * LZX_MAXSLOTS)
#define LZX_MAXBITS	16

/* what the decoder ended with */
enum lzx_rc {
	LZX_GO = 0,
	LZX_END,		/* the stream's length reached */
	LZX_SHORT,		/* the input ended first */
	LZX_BAD,		/* damaged */
	LZX_NOMEM
};

/* a canonical Huffman tree */
struct lzx_tree {
	uint16_t	 nsym;
	uint32_t	 count[LZX_MAXBITS + 1];	/* codes of a length */
	uint32_t	 first[LZX_MAXBITS + 1];	/* first code */
	uint32_t	 index[LZX_MAXBITS + 1];	/* in sym */
	uint16_t	 sym[LZX_MAINMAX];		/* by code */
	uint8_t		 len[LZX_MAINMAX];
};

/* the LZX decoder of section 1 */
struct lzx {
	const uint8_t	*in;
	size_t		 inlen;
	size_t		 pos;		/* may pass inlen: zeros are read */
	uint32_t	 bits;		/* left-aligned */
	int		 nbits;
	uint8_t		*out;		/* the whole stream: the window too */
	uint64_t	 n;		/* decoded */
	uint64_t	 cap;		/* allocated */
	uint64_t	 limit;		/* decode no further */
	uint64_t	 ulen;		/* the stream's length */
	uint32_t	 window;
	uint32_t	 reset;		/* interval, a multiple of the frame */
	uint32_t	 nslots;
	uint32_t	 r[3];
	int		 btype;
	int64_t		 bleft;		/* bytes left in the block */
	uint64_t	 nextreset;	/* output count of the next reset */
	enum lzx_rc	 rc;		/* LZX_GO while it can go on */
	const char	*err;
	struct lzx_tree	 pre, main, length, aligned;
};

/* the container being read */
struct chm {
	const uint8_t	*buf;
	size_t		 len;
	uint64_t	 dir, dirlen;	/* chunks */
	uint32_t	 chunk;		/* chunk size */
	uint32_t	 nchunks;
	uint64_t	 content;	/* section 0 */
	int		 s1state;	/* 0 not set up, 1 ready, -1 failed */
	struct lzx	*x;
	struct lg_walk	 w;
};

/* one directory entry */
struct chm_ent {
	const uint8_t	*name;
	size_t		 nlen;
	uint64_t	 sect;
	uint64_t	 off;
	uint64_t	 len;
};

typedef int	(*chm_visit)(struct chm *, const struct chm_ent *, void *);

static int	 chm_dir(struct chm *, chm_visit, void *);
static int	 chm_encint(const uint8_t *, size_t, size_t *, uint64_t *);
static int	 chm_find(struct chm *, const struct chm_ent *, void *);
static int	 chm_file(struct chm *, const struct chm_ent *, void *);
static int	 chm_sect0(struct chm *, const char *, const uint8_t **,
		    uint64_t *);
static int	 chm_setup(struct chm *);
static int	 chm_deliver(struct chm *, const struct chm_ent *,
		    const uint8_t *, uint64_t, uint64_t, int);
static void	 lzx_need(struct lzx *, uint64_t);
static uint32_t	 lzx_peek(struct lzx *, int);
static uint32_t	 lzx_read(struct lzx *, int);
static void	 lzx_fill(struct lzx *);
static void	 lzx_align(struct lzx *);
static int	 lzx_build(struct lzx_tree *, uint16_t);
static int	 lzx_sym(struct lzx *, const struct lzx_tree *);
static int	 lzx_lengths(struct lzx *, uint8_t *, uint32_t, uint32_t);
static void	 lzx_reset(struct lzx *);
static int	 lzx_block(struct lzx *);
static int	 lzx_dist(struct lzx *, uint32_t, uint32_t *);
static int	 lzx_step(struct lzx *, uint64_t);
static int	 lzx_grow(struct lzx *, uint64_t);
static void	 lzx_fail(struct lzx *, enum lzx_rc, const char *);

/* extra bits and base distance of each position slot */
static uint32_t	 lzx_extra[LZX_MAXSLOTS];
static uint32_t	 lzx_base[LZX_MAXSLOTS];

/* the entry chm_find() looks for */
struct chm_want {
	const char	*name;
	int		 found;
	struct chm_ent	 e;
};

/* chm_walk - call cb for every file of the CHM in buf */
int
chm_walk(const uint8_t *buf, size_t len, const struct arc_limits *lim,
    arc_cb cb, void *arg, struct arc_result *res)
{
	struct chm	 c;
	const uint8_t	*d;
	uint64_t	 hlen, off, dlen;
	uint32_t	 ver;
	int		 ret = 0;

	memset(&c, 0, sizeof(c));
	lg_init(&c.w, len, lim, cb, arg, res);
	c.buf = buf;
	c.len = len;
	if (buf == NULL || len < 0x58 || memcmp(buf, "ITSF", 4) != 0 ||
	    ((ver = get_le32(buf + 4)) != 2 && ver != 3)) {
		lg_corrupt(&c.w, "not a CHM file");
		goto done;
	}
	off = get_le64(buf + 0x48);
	dlen = get_le64(buf + 0x50);
	if (ver == 3 && len >= 0x60)
		c.content = get_le64(buf + 0x58);
	else
		c.content = off + dlen;
	if (off > len || dlen > len - off || dlen < 0x54) {
		lg_corrupt(&c.w, "directory past the end");
		goto done;
	}
	d = buf + off;
	hlen = get_le32(d + 8);
	c.chunk = get_le32(d + 16);
	c.nchunks = get_le32(d + 44);
	if (memcmp(d, "ITSP", 4) != 0 || hlen > dlen || c.chunk < 20) {
		lg_corrupt(&c.w, "bad directory header");
		goto done;
	}
	c.dir = off + hlen;
	c.dirlen = dlen - hlen;
	ret = chm_dir(&c, chm_file, NULL);
	if (ret == 1)
		ret = 0;
done:
	if (c.x != NULL) {
		free(c.x->out);
		free(c.x);
	}
	return lg_finish(&c.w, ret);
}

/*
 * chm_dir - call visit for every entry of every listing chunk: 0, 1
 * when visit stopped, -1 ENOMEM
 */
static int
chm_dir(struct chm *c, chm_visit visit, void *arg)
{
	struct chm_ent	 e;
	const uint8_t	*p;
	uint64_t	 i, nlen;
	size_t		 o, end;
	uint32_t	 freesp;
	int		 rc;

	for (i = 0; i < c->nchunks; i++) {
		if (i * c->chunk + c->chunk > c->dirlen) {
			if (visit == chm_file)
				lg_corrupt(&c->w, "directory cut short");
			return 0;
		}
		p = c->buf + c->dir + i * c->chunk;
		if (memcmp(p, "PMGL", 4) != 0)
			continue;
		freesp = get_le32(p + 4);
		end = freesp < c->chunk - 20 ? c->chunk - freesp : 20;
		for (o = 20; o < end; ) {
			if (chm_encint(p, end, &o, &nlen) == -1 ||
			    nlen > end - o)
				goto bad;
			e.name = p + o;
			e.nlen = (size_t)nlen;
			o += (size_t)nlen;
			if (chm_encint(p, end, &o, &e.sect) == -1 ||
			    chm_encint(p, end, &o, &e.off) == -1 ||
			    chm_encint(p, end, &o, &e.len) == -1)
				goto bad;
			if ((rc = visit(c, &e, arg)) != 0)
				return rc;
		}
		continue;
bad:
		if (visit == chm_file)
			lg_corrupt(&c->w, "bad directory entry");
	}
	return 0;
}

/* chm_encint - the encoded integer at *o (before end): 0, or -1 */
static int
chm_encint(const uint8_t *p, size_t end, size_t *o, uint64_t *v)
{
	uint64_t	 x = 0;
	int		 k;

	for (k = 0; k < 9 && *o < end; k++) {
		x = x << 7 | (p[*o] & 0x7f);
		if ((p[(*o)++] & 0x80) == 0) {
			*v = x;
			return 0;
		}
	}
	return -1;
}

/* chm_find - remember the entry of the wanted name: 1 stops the walk */
static int
chm_find(struct chm *c, const struct chm_ent *e, void *arg)
{
	struct chm_want	*want = arg;

	(void)c;
	if (e->nlen == strlen(want->name) &&
	    memcmp(e->name, want->name, e->nlen) == 0) {
		want->e = *e;
		want->found = 1;
		return 1;
	}
	return 0;
}

/* chm_sect0 - a structural file of section 0: 0, or -1 if unusable */
static int
chm_sect0(struct chm *c, const char *name, const uint8_t **p, uint64_t *n)
{
	struct chm_want	 want;

	memset(&want, 0, sizeof(want));
	want.name = name;
	(void)chm_dir(c, chm_find, &want);
	if (!want.found || want.e.sect != 0 || c->content > c->len ||
	    want.e.off > c->len - c->content)
		return -1;
	*p = c->buf + c->content + want.e.off;
	*n = want.e.len;
	if (*n > c->len - c->content - want.e.off)
		*n = c->len - c->content - want.e.off;	/* cut: read less */
	return 0;
}

/* chm_setup - ready the LZX decoder of section 1: 0, or -1 ENOMEM */
static int
chm_setup(struct chm *c)
{
	struct lzx	*x;
	const uint8_t	*ctl, *rt, *in;
	uint64_t	 nctl, nrt, nin, win, rst;
	uint32_t	 b;

	c->s1state = -1;
	if (chm_sect0(c, CHM_CONTROL, &ctl, &nctl) == -1 || nctl < 20 ||
	    memcmp(ctl + 4, "LZXC", 4) != 0) {
		lg_corrupt(&c->w, "no LZX control data");
		return 0;
	}
	if (chm_sect0(c, CHM_RESET, &rt, &nrt) == -1 || nrt < 24 ||
	    chm_sect0(c, CHM_CONTENT, &in, &nin) == -1) {
		lg_corrupt(&c->w, "no LZX reset table or content");
		return 0;
	}
	rst = get_le32(ctl + 12);
	win = get_le32(ctl + 16);
	if (get_le32(ctl + 8) == 2) {
		rst *= LZX_FRAME;
		win *= LZX_FRAME;
	}
	for (b = 15; b <= 21 && win != (uint64_t)1 << b; b++)
		;
	if (b > 21 || rst == 0 || rst % LZX_FRAME != 0 || rst > UINT32_MAX) {
		lg_corrupt(&c->w, "bad LZX control data");
		return 0;
	}
	if ((x = calloc(1, sizeof(*x))) == NULL)
		return -1;
	c->x = x;
	x->in = in;
	x->inlen = (size_t)nin;
	x->window = (uint32_t)win;
	x->reset = (uint32_t)rst;
	x->nslots = b == 21 ? 50 : b == 20 ? 42 : 2 * b;
	for (b = 0; b < LZX_MAXSLOTS; b++) {
		lzx_extra[b] = b < 4 ? 0 : (b - 2) / 2 > 17 ? 17 : (b - 2) / 2;
		lzx_base[b] = b == 0 ? 0 : lzx_base[b - 1] +
		    (1U << lzx_extra[b - 1]);
	}
	x->ulen = get_le64(rt + 16);
	x->limit = x->ulen;
	if (x->limit > c->w.ratio)
		x->limit = c->w.ratio;
	if (x->limit > CHM_S1MAX)
		x->limit = CHM_S1MAX;
	c->s1state = 1;
	return 0;
}

/* chm_file - deliver one directory entry that is a file */
static int
chm_file(struct chm *c, const struct chm_ent *e, void *arg)
{
	struct lzx	*x;
	uint64_t	 want, have;

	(void)arg;
	if (e->nlen < 2 || e->name[0] != '/' || e->name[e->nlen - 1] == '/')
		return 0;
	if (e->sect == 0) {
		if (c->content > c->len || e->off > c->len - c->content) {
			lg_corrupt(&c->w, "file past the end");
			return chm_deliver(c, e, NULL, 0, 0, LG_DAMAGED);
		}
		have = c->len - c->content - e->off;
		if (have >= e->len)
			return chm_deliver(c, e, c->buf + c->content + e->off,
			    e->len, e->len, 0);
		lg_corrupt(&c->w, "file past the end");
		return chm_deliver(c, e, c->buf + c->content + e->off, have,
		    have, LG_DAMAGED);
	}
	if (e->sect != 1) {
		lg_unsupported(&c->w, "CHM section over 1");
		return 0;
	}
	if (c->s1state == 0 && chm_setup(c) == -1)
		return -1;
	if (c->s1state != 1)
		return chm_deliver(c, e, NULL, 0, 0, LG_DAMAGED);
	x = c->x;
	/* decode as far as the file's kept bytes go (caps of lg_begin()) */
	want = e->len;
	if (c->w.lim->max_entry != 0 && want > c->w.lim->max_entry)
		want = c->w.lim->max_entry;
	if (e->off > UINT64_MAX - want)
		want = UINT64_MAX - e->off;
	lzx_need(x, e->off + want);
	if (x->rc == LZX_NOMEM)
		return -1;
	have = x->n > e->off ? x->n - e->off : 0;
	if (have > e->len)
		have = e->len;
	if (have >= want)	/* an empty file may come before any output */
		return chm_deliver(c, e, have ? x->out + e->off : NULL, have,
		    e->len, 0);
	if (e->off + want > x->ulen || x->rc != LZX_GO) {
		lg_corrupt(&c->w, e->off + want > x->ulen ?
		    "file past the end of its section" : x->err != NULL &&
		    x->err[0] != '\0' ? x->err : "LZX data ends early");
		return chm_deliver(c, e, have ? x->out + e->off : NULL, have,
		    have, LG_DAMAGED);
	}
	/* the ratio bound (or CHM_S1MAX) stopped the decoder */
	if (chm_deliver(c, e, have ? x->out + e->off : NULL, have, have,
	    LG_TRUNC) != 0)
		return 1;
	lg_stop(&c->w, ARC_LIMIT_RATIO, "limit: compression ratio");
	return 1;
}

/*
 * chm_deliver - one file of n bytes, of which have are at data: 1 to
 * stop the walk
 */
static int
chm_deliver(struct chm *c, const struct chm_ent *e, const uint8_t *data,
    uint64_t have, uint64_t n, int flags)
{
	struct lg_cap	 cap;
	char		 name[ARC_MAXNAME];
	size_t		 k;
	uint64_t	 kept;

	if ((flags & LG_DAMAGED) && have == 0)
		return 0;		/* nothing of it */
	if (lg_begin(&c->w, &cap) != 0)
		return 1;
	k = e->nlen - 1 < sizeof(name) - 1 ? e->nlen - 1 : sizeof(name) - 1;
	memcpy(name, e->name + 1, k);
	name[k] = '\0';
	lg_name(&c->w, name);
	kept = have < cap.keep ? have : cap.keep;
	return lg_end(&c->w, &cap, data, (size_t)kept, n, flags);
}

/* lzx_fail - the decoder stops for good */
static void
lzx_fail(struct lzx *x, enum lzx_rc rc, const char *err)
{
	if (x->rc == LZX_GO) {
		x->rc = rc;
		x->err = err;
	}
}

/* lzx_fill - at least 17 bits in the buffer (zeros past the input) */
static void
lzx_fill(struct lzx *x)
{
	uint32_t	 wd;

	while (x->nbits <= 16) {
		wd = 0;
		if (x->pos < x->inlen)
			wd = x->in[x->pos];
		if (x->pos + 1 < x->inlen)
			wd |= (uint32_t)x->in[x->pos + 1] << 8;
		x->pos += 2;
		x->bits |= wd << (16 - x->nbits);
		x->nbits += 16;
	}
}

/* lzx_peek - the next n bits (1-16) */
static uint32_t
lzx_peek(struct lzx *x, int n)
{
	lzx_fill(x);
	return x->bits >> (32 - n);
}

/* lzx_read - take n bits (0-16) */
static uint32_t
lzx_read(struct lzx *x, int n)
{
	uint32_t	 v;

	if (n == 0)
		return 0;
	v = lzx_peek(x, n);
	x->bits <<= n;
	x->nbits -= n;
	return v;
}

/* lzx_align - drop the bits up to the next 16-bit boundary */
static void
lzx_align(struct lzx *x)
{
	(void)lzx_read(x, x->nbits & 15);
}

/* lzx_build - the canonical codes of t->len: 0, or -1 over-subscribed */
static int
lzx_build(struct lzx_tree *t, uint16_t nsym)
{
	uint32_t	 code = 0, left = 1, i, l;
	uint32_t	 at[LZX_MAXBITS + 1];

	t->nsym = nsym;
	memset(t->count, 0, sizeof(t->count));
	for (i = 0; i < nsym; i++)
		t->count[t->len[i]]++;
	t->count[0] = 0;
	for (l = 1, i = 0; l <= LZX_MAXBITS; l++) {
		left <<= 1;
		if (t->count[l] > left)
			return -1;
		left -= t->count[l];
		t->first[l] = code;
		t->index[l] = i;
		at[l] = i;
		i += t->count[l];
		code = (code + t->count[l]) << 1;
	}
	for (i = 0; i < nsym; i++)
		if (t->len[i] != 0)
			t->sym[at[t->len[i]]++] = (uint16_t)i;
	return 0;
}

/* lzx_sym - the next symbol of t, or -1 (a code not in the tree) */
static int
lzx_sym(struct lzx *x, const struct lzx_tree *t)
{
	uint32_t	 v = lzx_peek(x, LZX_MAXBITS), code;
	int		 l;

	for (l = 1; l <= LZX_MAXBITS; l++) {
		code = v >> (LZX_MAXBITS - l);
		if (code - t->first[l] < t->count[l]) {
			(void)lzx_read(x, l);
			return t->sym[t->index[l] + code - t->first[l]];
		}
	}
	return -1;
}

/*
 * lzx_lengths - code lengths from..to-1 of len, coded by a pretree: 0,
 * or -1 (damage)
 */
static int
lzx_lengths(struct lzx *x, uint8_t *len, uint32_t from, uint32_t to)
{
	uint32_t	 i, k, run;
	uint8_t		 v;
	int		 s;

	for (i = 0; i < LZX_PRETREE; i++)
		x->pre.len[i] = (uint8_t)lzx_read(x, 4);
	if (lzx_build(&x->pre, LZX_PRETREE) == -1)
		return -1;
	for (i = from; i < to; ) {
		if ((s = lzx_sym(x, &x->pre)) == -1)
			return -1;
		if (s <= 16) {
			len[i] = (uint8_t)((len[i] + 17 - s) % 17);
			i++;
			continue;
		}
		if (s == 19) {
			run = 4 + lzx_read(x, 1);
			if ((s = lzx_sym(x, &x->pre)) == -1 || s > 16)
				return -1;
			if (run > to - i)
				return -1;
			/* one length for all: from the first one's change */
			v = (uint8_t)((len[i] + 17 - s) % 17);
			for (k = 0; k < run; k++)
				len[i++] = v;
			continue;
		}
		run = s == 17 ? 4 + lzx_read(x, 4) : 20 + lzx_read(x, 5);
		if (run > to - i)
			return -1;
		for (k = 0; k < run; k++)
			len[i++] = 0;
	}
	return 0;
}

/* lzx_reset - at a reset: the E8 header read, the state cleared */
static void
lzx_reset(struct lzx *x)
{
	if (lzx_read(x, 1)) {
		/* E8 translation: never used by CHM, its size skipped */
		(void)lzx_read(x, 16);
		(void)lzx_read(x, 16);
	}
	x->r[0] = x->r[1] = x->r[2] = 1;
	memset(x->main.len, 0, sizeof(x->main.len));
	memset(x->length.len, 0, sizeof(x->length.len));
	x->btype = 0;
	x->bleft = 0;
}

/* lzx_block - a block's header and trees: 0, or -1 (damage) */
static int
lzx_block(struct lzx *x)
{
	uint32_t	 i, size, nmain = LZX_NCHARS + 8 * x->nslots;

	x->btype = (int)lzx_read(x, 3);
	size = lzx_read(x, 16) << 8;
	size |= lzx_read(x, 8);
	x->bleft += size;		/* less a match that ran over */
	switch (x->btype) {
	case 2:
		for (i = 0; i < LZX_ALIGNED; i++)
			x->aligned.len[i] = (uint8_t)lzx_read(x, 3);
		if (lzx_build(&x->aligned, LZX_ALIGNED) == -1)
			return -1;
		/* FALLTHROUGH */
	case 1:
		if (lzx_lengths(x, x->main.len, 0, LZX_NCHARS) == -1 ||
		    lzx_lengths(x, x->main.len, LZX_NCHARS, nmain) == -1 ||
		    lzx_build(&x->main, (uint16_t)nmain) == -1 ||
		    lzx_lengths(x, x->length.len, 0, LZX_LENGTHS) == -1 ||
		    lzx_build(&x->length, LZX_LENGTHS) == -1)
			return -1;
		return 0;
	case 3:
		/* 1-16 bits of padding, then bytes: give back whole words */
		(void)lzx_read(x, (x->nbits & 15) == 0 ? 16 : x->nbits & 15);
		x->pos -= (size_t)x->nbits / 8;
		x->bits = 0;
		x->nbits = 0;
		if (x->pos > x->inlen || x->inlen - x->pos < 12)
			return -1;
		for (i = 0; i < 3; i++)
			x->r[i] = get_le32(x->in + x->pos + 4 * i);
		x->pos += 12;
		return 0;
	default:
		return -1;
	}
}

/* lzx_grow - room for n bytes of output: 0, or -1 ENOMEM */
static int
lzx_grow(struct lzx *x, uint64_t n)
{
	uint64_t	 cap = x->cap != 0 ? x->cap : 65536;
	uint8_t		*p;

	if (n <= x->cap)
		return 0;
	while (cap < n)
		cap *= 2;
	if (cap > x->limit + LZX_MAXMATCH + 1)
		cap = x->limit + LZX_MAXMATCH + 1;
	if (cap < n || cap > SIZE_MAX || (p = realloc(x->out,
	    (size_t)cap)) == NULL) {
		errno = ENOMEM;
		return -1;
	}
	x->out = p;
	x->cap = cap;
	return 0;
}

/* lzx_dist - the distance of position slot slot: 0, or -1 (damage) */
static int
lzx_dist(struct lzx *x, uint32_t slot, uint32_t *dist)
{
	uint32_t	 extra, v;
	int		 a;

	if (slot < 3) {
		*dist = x->r[slot];
		x->r[slot] = x->r[0];
		x->r[0] = *dist;
		return 0;
	}
	extra = lzx_extra[slot];
	if (x->btype == 2 && extra >= 3) {
		v = lzx_read(x, (int)extra - 3) << 3;
		if ((a = lzx_sym(x, &x->aligned)) == -1)
			return -1;
		v += (uint32_t)a;
	} else if (extra > 16) {
		v = lzx_read(x, 16) << (extra - 16);
		v |= lzx_read(x, (int)extra - 16);
	} else
		v = lzx_read(x, (int)extra);
	*dist = lzx_base[slot] + v - 2;
	x->r[2] = x->r[1];
	x->r[1] = x->r[0];
	x->r[0] = *dist;
	return 0;
}

/* lzx_step - one symbol, or a piece of a stored block: 0, or -1 */
static int
lzx_step(struct lzx *x, uint64_t fend)
{
	uint32_t	 mlen, slot, dist, run, k;
	int		 s, l;

	if (x->btype == 3) {
		run = x->bleft > LZX_MAXMATCH ? LZX_MAXMATCH :
		    (uint32_t)x->bleft;
		if (run > fend - x->n)
			run = (uint32_t)(fend - x->n);
		if (x->pos > x->inlen || run > x->inlen - x->pos) {
			lzx_fail(x, LZX_SHORT, "LZX data ends early");
			return -1;
		}
		memcpy(x->out + x->n, x->in + x->pos, run);
		x->pos += run;
		x->n += run;
		x->bleft -= run;
		if (x->bleft == 0 && (x->pos & 1) != 0)
			x->pos++;	/* a pad byte after an odd count */
		return 0;
	}
	if ((s = lzx_sym(x, &x->main)) == -1)
		goto bad;
	if (s < LZX_NCHARS) {
		x->out[x->n++] = (uint8_t)s;
		x->bleft--;
		return 0;
	}
	s -= LZX_NCHARS;
	slot = (uint32_t)s >> 3;
	mlen = (uint32_t)s & 7;
	if (mlen == 7) {
		if ((l = lzx_sym(x, &x->length)) == -1)
			goto bad;
		mlen += (uint32_t)l;
	}
	mlen += LZX_MINMATCH;
	if (slot >= x->nslots || lzx_dist(x, slot, &dist) == -1)
		goto bad;
	if (dist == 0 || dist > x->n || dist > x->window) {
		lzx_fail(x, LZX_BAD, "LZX distance out of the window");
		return -1;
	}
	if (mlen > fend - x->n) {
		lzx_fail(x, LZX_BAD, "LZX match across a frame");
		return -1;
	}
	for (k = 0; k < mlen; k++, x->n++)
		x->out[x->n] = x->out[x->n - dist];
	x->bleft -= mlen;		/* may run over into the next block */
	return 0;
bad:
	lzx_fail(x, LZX_BAD, "bad LZX code");
	return -1;
}

/* lzx_need - decode until n bytes are out (or it cannot go on) */
static void
lzx_need(struct lzx *x, uint64_t n)
{
	uint64_t	 fend;

	if (n > x->limit)
		n = x->limit;
	while (x->rc == LZX_GO && x->n < n) {
		if (x->pos > x->inlen + 4) {
			lzx_fail(x, LZX_SHORT, "LZX data ends early");
			break;
		}
		if (x->n == x->nextreset) {
			lzx_reset(x);
			x->nextreset += x->reset;
		}
		if (x->bleft <= 0) {
			if (lzx_block(x) == -1)
				lzx_fail(x, LZX_BAD, "bad LZX block");
			continue;
		}
		if (lzx_grow(x, x->n + LZX_MAXMATCH + 1) == -1) {
			lzx_fail(x, LZX_NOMEM, "out of memory");
			break;
		}
		fend = (x->n / LZX_FRAME + 1) * LZX_FRAME;
		if (lzx_step(x, fend) == -1)
			break;
		if (x->n % LZX_FRAME == 0)
			lzx_align(x);
		if (x->n >= x->ulen)
			lzx_fail(x, LZX_END, "");
	}
}
