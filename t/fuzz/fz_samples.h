/*
 * fz_samples.h - inputs made from a module's own patterns, for the fuzz
 * targets that scan (fuzz_sigsrc, fuzz_vmod)
 *
 * DESCRIPTION
 *	Included by one fuzz target each (every target is one file): the
 *	functions are static.  fz_pe() writes a small PE32 with two
 *	sections; fz_all() writes every pattern of a validated module out
 *	raw, in a form that matches it; fz_place() puts one pattern where its
 *	offset says, inside that PE.  They read only what vmod_validate()
 *	checked.
 */
#ifndef VIGIL_FZ_SAMPLES_H
#define VIGIL_FZ_SAMPLES_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "signatures/sigir.h"
#include "signatures/vmod.h"

#define FZ_MAXSAMPLE	8192
#define FZ_PESIZE	0x600	/* headers, .text at 0x200, .data at 0x400 */
#define FZ_TEXT		0x200
#define FZ_DATA		0x400
#define FZ_MAXPATS	512	/* patterns synthesised per module */
#define FZ_MAXPLACED	4	/* patterns put at their offsets */
#define FZ_MAXGAP	256

static void	 fz_put16(uint8_t *, uint16_t);
static void	 fz_put32(uint8_t *, uint32_t);
static void	 fz_pe(uint8_t *);
static long	 fz_emit(const struct vmod_view *, const struct vmod_el *,
		    const struct vmod_el *, uint8_t *, size_t, int);
static long	 fz_pattern(const struct vmod_view *, const struct vmod_pat *,
		    uint8_t *, size_t);
static size_t	 fz_all(const struct vmod_view *, uint8_t *, size_t);
static size_t	 fz_place(const struct vmod_view *, const struct vmod_pat *,
		    uint8_t *, size_t);


/* fz_put16 - little-endian store */
static void
fz_put16(uint8_t *p, uint16_t v)
{
	p[0] = v & 0xff;
	p[1] = v >> 8;
}

/* fz_put32 - little-endian store */
static void
fz_put32(uint8_t *p, uint32_t v)
{
	fz_put16(p, v & 0xffff);
	fz_put16(p + 2, v >> 16);
}

/*
 * fz_pe - PE32 headers in out[0..FZ_TEXT): .text (RVA 0x1000, the entry
 * point) at file offset FZ_TEXT and .data at FZ_DATA, 0x200 bytes each.
 */
static void
fz_pe(uint8_t *out)
{
	uint8_t	*pe, *opt, *sect;

	memset(out, 0, FZ_TEXT);
	out[0] = 'M';
	out[1] = 'Z';
	fz_put32(out + 0x3c, 0x40);
	pe = out + 0x40;
	memcpy(pe, "PE\0\0", 4);
	fz_put16(pe + 4, 0x14c);		/* i386 */
	fz_put16(pe + 6, 2);			/* sections */
	fz_put16(pe + 20, 0xe0);		/* optional header size */
	fz_put16(pe + 22, 0x0102);
	opt = pe + 24;
	fz_put16(opt, 0x10b);
	fz_put32(opt + 16, 0x1000);		/* AddressOfEntryPoint */
	fz_put32(opt + 28, 0x400000);		/* ImageBase */
	fz_put32(opt + 32, 0x1000);
	fz_put32(opt + 36, 0x200);
	fz_put32(opt + 56, 0x3000);		/* SizeOfImage */
	fz_put32(opt + 60, 0x200);		/* SizeOfHeaders */
	sect = opt + 0xe0;
	memcpy(sect, ".text", 5);
	fz_put32(sect + 8, 0x200);
	fz_put32(sect + 12, 0x1000);
	fz_put32(sect + 16, 0x200);
	fz_put32(sect + 20, FZ_TEXT);
	sect += 40;
	memcpy(sect, ".data", 5);
	fz_put32(sect + 8, 0x200);
	fz_put32(sect + 12, 0x2000);
	fz_put32(sect + 16, 0x200);
	fz_put32(sect + 20, FZ_DATA);
}

/*
 * fz_emit - bytes that element e (of a pattern whose elements start at
 * els) matches, into out[0..cap); returns their number or -1.  Stored
 * bytes are XORed with the module's byte (vmod.h).
 */
static long
fz_emit(const struct vmod_view *v, const struct vmod_el *els,
    const struct vmod_el *e, uint8_t *out, size_t cap, int inalt)
{
	const uint8_t	*d = v->pool + e->a;
	uint32_t	 k, first, count;
	long		 n = 0, r;
	int		 c;

	switch (e->op) {
	case PEL_BYTES:
	case PEL_NOCASE:
		if (e->n > cap)
			return -1;
		for (k = 0; k < e->n; k++) {
			out[k] = d[k] ^ v->xor;
			if (e->op == PEL_NOCASE)
				out[k] = (uint8_t)toupper(out[k]);
		}
		return e->n;
	case PEL_MASK:
		if (e->n > cap)
			return -1;
		for (k = 0; k < e->n; k++)
			out[k] = d[2 * k + 1] ^ v->xor;
		return e->n;
	case PEL_SKIP:
		if (e->n > cap)
			return -1;
		memset(out, 'x', e->n);
		return e->n;
	case PEL_CLASS:
		if (cap < 1)
			return -1;
		for (c = 0; c < 256; c++)
			if ((d[c >> 3] >> (c & 7)) & 1) {
				out[0] = (uint8_t)c;
				return 1;
			}
		return -1;
	case PEL_FALT:
		if (e->b > cap)
			return -1;
		for (k = 0; k < e->b; k++)
			out[k] = d[k] ^ v->xor;
		if (e->flags & PELF_NEG)
			out[0] ^= 0x20;
		return e->b;
	case PEL_GALT:
		if (inalt)
			return -1;
		memcpy(&first, d, 4);
		memcpy(&count, d + 4, 4);
		for (k = 0; k < count; k++) {
			r = fz_emit(v, els, &els[first + k], out + n, cap - n,
			    1);
			if (r < 0)
				return -1;
			n += r;
		}
		return n;
	case PEL_GAP:
		if (e->a > FZ_MAXGAP || e->a > cap)
			return -1;
		memset(out, 'g', e->a);
		return e->a;
	case PEL_LINE:
		if (cap < 1)
			return -1;
		out[0] = '\n';
		return 1;
	case PEL_ASSERT:
		return 0;
	default:
		return -1;
	}
}

/* fz_pattern - an instance of pattern p in out[0..cap), or -1 */
static long
fz_pattern(const struct vmod_view *v, const struct vmod_pat *p,
    uint8_t *out, size_t cap)
{
	const struct vmod_el	*els = v->els + p->el;
	uint32_t		 i;
	long			 n = 0, r;

	for (i = 0; i < p->nmain; i++) {
		if ((r = fz_emit(v, els, &els[i], out + n, cap - n, 0)) < 0)
			return -1;
		n += r;
	}
	return n;
}

/* fz_all - instances of every pattern, twice over, one a line */
static size_t
fz_all(const struct vmod_view *v, uint8_t *out, size_t cap)
{
	size_t	 i, n = 0;
	long	 r;
	int	 pass;

	out[n++] = '\n';
	for (pass = 0; pass < 2; pass++)
		for (i = 0; i < v->npats && i < FZ_MAXPATS && n < cap; i++) {
			r = fz_pattern(v, &v->pats[i], out + n, cap - n - 1);
			if (r < 0)
				continue;
			n += r;
			out[n++] = '\n';
		}
	return n;
}

/* fz_place - an object with pattern p where its offset says; 0 if none */
static size_t
fz_place(const struct vmod_view *v, const struct vmod_pat *p, uint8_t *out,
    size_t cap)
{
	uint8_t		 inst[1024];
	int64_t		 pos;
	size_t		 len;
	long		 r;

	if ((r = fz_pattern(v, p, inst, sizeof(inst))) <= 0)
		return 0;
	switch (p->offkind) {
	case OFF_ABS:
		pos = p->offn;
		break;
	case OFF_EOF:
		pos = 64;
		break;
	case OFF_EP:
		pos = FZ_TEXT + p->offn;
		break;
	case OFF_SECT:
		if (p->offsect > 1)
			return 0;
		pos = (p->offsect ? FZ_DATA : FZ_TEXT) + p->offn;
		break;
	case OFF_LAST:
		pos = FZ_DATA + p->offn;
		break;
	case OFF_SE:
		if (p->offsect > 1)
			return 0;
		pos = p->offsect ? FZ_DATA : FZ_TEXT;
		break;
	default:
		return 0;
	}
	if (pos < 0 || (uint64_t)pos + (size_t)r + 64 > cap)
		return 0;
	if (p->offkind == OFF_EOF) {
		/* the pattern starts p->offn bytes before the end */
		if (p->offn < r || (uint64_t)pos + p->offn > cap)
			return 0;
		len = (size_t)pos + (size_t)p->offn;
	} else {
		len = (size_t)pos + (size_t)r + 16;
		if (len < FZ_PESIZE)
			len = FZ_PESIZE;
	}
	/* a filler that satisfies (B), (L) and (W) next to the pattern */
	memset(out, '\n', len);
	if (p->offkind != OFF_ABS && p->offkind != OFF_EOF)
		fz_pe(out);
	memcpy(out + pos, inst, (size_t)r);
	return len;
}


#endif
