/*
 * szdd.c - Microsoft "compress.exe" (SZDD) files
 *
 * DESCRIPTION
 *	The file is a 14-byte header: "SZDD\x88\xf0\x27\x33", the method
 *	('A', the only one), the last character of the original name (the
 *	one compress.exe replaced by '_'), the original size (32 bits,
 *	little-endian); then LZSS data to the end of the file.  A control
 *	byte gives, least significant bit first, the kind of the next eight
 *	items: 1, a literal byte; 0, a match of two bytes, a position in the
 *	4096-byte window (the first byte and the high nibble of the second
 *	as bits 8-11) and a length (the low nibble + 3).  The window starts
 *	filled with spaces and the first byte is written at 4096 - 16;
 *	matches give an absolute position, copied byte by byte (so a match
 *	may overlap what it writes).
 *
 *	Decoding stops at the original size, at the stop count of lgwalk.h
 *	(limits), or at the end of the data.  Every item takes input, so the
 *	work is linear in the input (at most 18 bytes out per 2 in, plus a
 *	control bit).
 *
 *	Choices the header leaves open:
 *	- the first write is at 4096 - 16 (4080), as Microsoft's EXPAND.EXE,
 *	  Wine's lzexpand and the test files have it; legacy.h used to say
 *	  4078, which is what the QBasic and MS Help variants use.
 *	- data that ends before the original size is damage ("data ends
 *	  early"): what was decoded is delivered with e->damaged.  Data past
 *	  the original size is ignored.  A method other than 'A' is not
 *	  delivered and counts in res->unsupported.
 *	- the member's name is empty, as for any compressed stream; the
 *	  caller knows the container's name, and the missing last
 *	  character is not used.
 */
#include <errno.h>
#include <string.h>

#include "workers/legacy.h"
#include "workers/lgwalk.h"

#define SZ_HDRLEN	14
#define SZ_WIN		4096
#define SZ_START	(SZ_WIN - 16)
#define SZ_CHUNK	8192		/* output per lg_put() */

/* what the decoder ended with */
enum sz_rc {
	SZ_END,			/* original size reached */
	SZ_SHORT,		/* input ended first */
	SZ_CUT,			/* stop count reached */
	SZ_NOMEM
};

struct sz_dec {
	struct lg_out	*o;
	size_t		 fill;
	uint8_t		 win[SZ_WIN];
	uint8_t		 out[SZ_CHUNK];
};

static enum sz_rc sz_decode(struct sz_dec *, const uint8_t *, size_t,
		    uint64_t);
static int	 sz_flush(struct sz_dec *);

static const uint8_t	 sz_magic[8] = {
	'S', 'Z', 'D', 'D', 0x88, 0xf0, 0x27, 0x33
};

/* szdd_walk - call cb once with the file compressed in buf */
int
szdd_walk(const uint8_t *buf, size_t len, const struct arc_limits *lim,
    arc_cb cb, void *arg, struct arc_result *res)
{
	struct lg_walk	 w;
	struct lg_cap	 cap;
	struct lg_out	 o;
	struct sz_dec	 d;
	enum sz_rc	 rc;
	uint64_t	 osize;
	int		 ret = 0;

	lg_init(&w, len, lim, cb, arg, res);
	lg_out_init(&o);
	if (buf == NULL || len < SZ_HDRLEN ||
	    memcmp(buf, sz_magic, sizeof(sz_magic)) != 0) {
		lg_corrupt(&w, "not an SZDD file");
		goto done;
	}
	if (buf[8] != 'A') {
		if (lg_begin(&w, &cap) == 0)
			lg_unsupported(&w, "SZDD method other than A");
		goto done;
	}
	osize = (uint64_t)buf[10] | (uint64_t)buf[11] << 8 |
	    (uint64_t)buf[12] << 16 | (uint64_t)buf[13] << 24;
	if (lg_begin(&w, &cap) != 0)
		goto done;
	lg_out_reset(&o, &cap);
	d.o = &o;
	rc = sz_decode(&d, buf + SZ_HDRLEN, len - SZ_HDRLEN, osize);
	if (rc == SZ_NOMEM) {
		ret = -1;
		goto done;
	}
	if (rc == SZ_SHORT)
		lg_corrupt(&w, "data ends early");
	(void)lg_end(&w, &cap, o.b.data, o.b.len, o.n,
	    rc == SZ_SHORT ? LG_DAMAGED : 0);
done:
	lg_out_free(&o);
	return lg_finish(&w, ret);
}

/* sz_decode - the LZSS data in into d->o, at most osize bytes */
static enum sz_rc
sz_decode(struct sz_dec *d, const uint8_t *in, size_t len, uint64_t osize)
{
	uint64_t	 n = 0;
	size_t		 i = 0, pos = SZ_START, from;
	unsigned int	 ctl = 0, k, mlen;
	int		 rc;
	uint8_t		 c;

	memset(d->win, ' ', sizeof(d->win));
	d->fill = 0;
	while (n < osize) {
		if ((ctl >>= 1) < 0x100) {
			if (i == len)
				break;
			ctl = in[i++] | 0xff00;	/* eight items */
		}
		if (ctl & 1) {
			if (i == len)
				break;
			c = in[i++];
			d->win[pos] = c;
			pos = (pos + 1) & (SZ_WIN - 1);
			d->out[d->fill++] = c;
			n++;
		} else {
			if (len - i < 2) {
				i = len;
				break;
			}
			from = in[i] | (in[i + 1] & 0xf0) << 4;
			mlen = (in[i + 1] & 0x0f) + 3;
			i += 2;
			if (mlen > osize - n)
				mlen = (unsigned int)(osize - n);
			for (k = 0; k < mlen; k++) {
				c = d->win[from];
				d->win[pos] = c;
				from = (from + 1) & (SZ_WIN - 1);
				pos = (pos + 1) & (SZ_WIN - 1);
				d->out[d->fill++] = c;
			}
			n += mlen;
		}
		if (d->fill > SZ_CHUNK - 18 && (rc = sz_flush(d)) != 0)
			return rc == -1 ? SZ_NOMEM : SZ_CUT;
	}
	if ((rc = sz_flush(d)) == -1)
		return SZ_NOMEM;
	if (n < osize)
		return SZ_SHORT;
	return rc == 1 ? SZ_CUT : SZ_END;
}

/* sz_flush - hand the collected bytes to the output: lg_put()'s return */
static int
sz_flush(struct sz_dec *d)
{
	size_t	 n = d->fill;

	d->fill = 0;
	return lg_put(d->o, d->out, n);
}
