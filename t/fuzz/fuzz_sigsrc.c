/*
 * fuzz_sigsrc.c - libFuzzer target for the signature loader and compiler
 *
 * The first input byte chooses the kind of source (its low three bits:
 * .ndb .ldb .hdb .hsb .fp .sfp .ign2 .ign) and the loader options (bit 3
 * strict, bit 4 verbose, bit 5 the PUA name of the kind, bit 6 PUA
 * enabled); the rest is the text of the source.  It is loaded with
 * sigsrc_load_buffer() into a fresh cset and compiled with cset_build().
 *
 * The module the compiler writes must pass vmod_validate(), deep and
 * shallow: a refusal is a disagreement between compiler and validator
 * and aborts.  The module is then used as a worker would use it: a
 * pipeline scans a few samples, with and without MATCH_ALL.  Besides
 * the source text itself and a run of zeros, the samples are synthesised
 * from the compiled patterns so that the signatures have something to
 * find: an instance of every pattern (raw, in the sections of a small PE
 * and in an HTML page for the normalised groups) and a few patterns put
 * where their offsets say.  Whether an object is detected must not
 * depend on MATCH_ALL, and every hit name must lie inside the module's
 * string section.  Everything is freed: LeakSanitizer is on.
 */
#include <ctype.h>
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "av/averr.h"
#include "shm/sigmap.h"
#include "signatures/cset.h"
#include "signatures/matcher.h"
#include "signatures/sigir.h"
#include "signatures/sigsrc.h"
#include "signatures/vmod.h"
#include "workers/pipeline.h"

#define FZ_MAXSAMPLE	8192
#define FZ_PESIZE	0x600	/* headers, .text at 0x200, .data at 0x400 */
#define FZ_TEXT		0x200
#define FZ_DATA		0x400
#define FZ_MAXPATS	512	/* patterns synthesised per module */
#define FZ_MAXPLACED	4	/* patterns put at their offsets */
#define FZ_MAXGAP	256

struct fz_report {
	unsigned long	 n;
	size_t		 sum;
};

struct fz_ctx {
	struct pipeline		*pl;
	const struct vmod_view	*v;
	const uint8_t		*text;	/* the source */
	size_t			 tlen;
};

int	 LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void	 fz_report(void *, const char *, unsigned long, const char *);
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
static void	 fz_hits(const struct fz_ctx *, const struct match_result *,
		    int, unsigned);
static void	 fz_scan(const struct fz_ctx *, const uint8_t *, size_t);
static void	 fz_module(const uint8_t *, size_t, const uint8_t *, size_t);

static const char *const fz_names[8] = {
	"fuzz.ndb", "fuzz.ldb", "fuzz.hdb", "fuzz.hsb",
	"fuzz.fp", "fuzz.sfp", "fuzz.ign2", "fuzz.ign"
};
static const char *const fz_pua[8] = {
	"fuzz.ndu", "fuzz.ldu", "fuzz.hdu", "fuzz.hsu",
	"fuzz.fp", "fuzz.sfp", "fuzz.ign2", "fuzz.ign"
};

/* fz_report - the cset's report callback: touch every string */
static void
fz_report(void *arg, const char *file, unsigned long line, const char *why)
{
	struct fz_report	*r = arg;

	r->n++;
	r->sum += strlen(file) + strlen(why) + line;
}

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

/*
 * fz_hits - a scan's result must be consistent with the module; every
 * name reported (stored obfuscated, see vmod.h) is one of the source's
 */
static void
fz_hits(const struct fz_ctx *fc, const struct match_result *r, int n,
    unsigned flags)
{
	const struct match_hit	*h;
	size_t			 len;
	uint32_t		 i;

	if (n < 0 || (uint32_t)n != r->nhits || r->nhits > MATCH_MAXHITS)
		abort();
	if (!(flags & MATCH_ALL) && r->nhits > 1)
		abort();
	if (r->allowlisted && r->nhits != 0)
		abort();
	for (i = 0; i < r->nhits; i++) {
		h = &r->hits[i];
		if (memchr(h->name, '\0', sizeof(h->name)) == NULL)
			abort();
		len = strlen(h->name);
		if (len == 0 ||
		    memmem(fc->text, fc->tlen, h->name, len) == NULL)
			abort();
		if (h->module != 0 || h->id >> 32 != 0 ||
		    (h->id & UINT32_MAX) >= fc->v->nstr)
			abort();
		if (h->kind != 0 && h->kind != BODYSIG_NDB &&
		    h->kind != BODYSIG_LDB)
			abort();
	}
}

/* fz_scan - one sample, with and without MATCH_ALL */
static void
fz_scan(const struct fz_ctx *fc, const uint8_t *buf, size_t len)
{
	struct match_result	*r;
	int			 n0, n1;

	if ((r = calloc(2, sizeof(*r))) == NULL)
		return;
	n0 = pipeline_scan(fc->pl, buf, len, 0, &r[0]);
	n1 = pipeline_scan(fc->pl, buf, len, MATCH_ALL, &r[1]);
	if (n0 != -1 && n1 != -1) {
		fz_hits(fc, &r[0], n0, 0);
		fz_hits(fc, &r[1], n1, MATCH_ALL);
		/* detection does not depend on MATCH_ALL */
		if ((n0 > 0) != (n1 > 0) ||
		    r[0].allowlisted != r[1].allowlisted)
			abort();
	}
	free(r);
}

/* fz_module - validate and use a module the compiler wrote */
static void
fz_module(const uint8_t *img, size_t size, const uint8_t *text, size_t n)
{
	static const char	 head[] = "<html><head><title>x</title></head>"
	    "<BODY>\n\t<p>  Hello   World </p>\n";
	struct sigmap		 sm;
	struct fz_ctx		 fc;
	const struct vmod_view	*v, *mods[1];
	uint8_t			*buf = NULL, *all = NULL;
	size_t			 nall, len, i, placed;

	if (sigmap_openmem(&sm, img, size, 1) == -1) {
		fprintf(stderr, "fuzz_sigsrc: the compiler wrote a module the "
		    "validator refuses: %s\n", av_strerror(errno));
		abort();
	}
	if (vmod_validate(img, size, 0) == -1)
		abort();
	v = mods[0] = &sm.view;
	fc.v = v;
	fc.text = text;
	fc.tlen = n;
	if ((fc.pl = pipeline_new(mods, 1)) == NULL)
		goto done;
	buf = malloc(2 * FZ_MAXSAMPLE);
	all = malloc(FZ_MAXSAMPLE);
	if (buf == NULL || all == NULL)
		goto done;
	nall = fz_all(v, all, FZ_MAXSAMPLE);

	fz_scan(&fc, text, n > FZ_MAXSAMPLE ? FZ_MAXSAMPLE : n);
	fz_scan(&fc, all, nall);
	fz_pe(buf);
	memset(buf + FZ_TEXT, 0, FZ_PESIZE - FZ_TEXT);
	memcpy(buf + FZ_TEXT, all, nall);
	fz_scan(&fc, buf, FZ_TEXT + (nall > FZ_PESIZE - FZ_TEXT ? nall :
	    FZ_PESIZE - FZ_TEXT));
	memcpy(buf, head, sizeof(head) - 1);
	memcpy(buf + sizeof(head) - 1, all, nall);
	memcpy(buf + sizeof(head) - 1 + nall, "</BODY></html>\n", 15);
	fz_scan(&fc, buf, sizeof(head) - 1 + nall + 15);
	for (i = placed = 0; i < v->npats && placed < FZ_MAXPLACED; i++) {
		if (v->pats[i].offkind == OFF_ANY)
			continue;
		if ((len = fz_place(v, &v->pats[i], buf, 2 * FZ_MAXSAMPLE))
		    == 0)
			continue;
		fz_scan(&fc, buf, len);
		placed++;
	}
	memset(buf, 0, 1024);
	fz_scan(&fc, buf, 1024);
done:
	pipeline_free(fc.pl);
	free(all);
	free(buf);
	sigmap_close(&sm);
}

/* LLVMFuzzerTestOneInput - one source file */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cset_opts	 o;
	struct fz_report	 rep;
	struct cset		*cs;
	const char		*name;
	uint8_t			*img = NULL;
	size_t			 imgsize = 0;
	unsigned		 sel;

	if (size < 1)
		return 0;
	sel = data[0];
	data++;
	size--;
	memset(&o, 0, sizeof(o));
	memset(&rep, 0, sizeof(rep));
	o.strict = (sel & 0x08) != 0;
	o.verbose = (sel & 0x10) != 0;
	o.pua = (sel & 0x40) != 0;
	o.report = fz_report;
	o.arg = &rep;
	name = (sel & 0x20) ? fz_pua[sel & 7] : fz_names[sel & 7];

	if ((cs = cset_new(&o)) == NULL)
		return 0;
	if (sigsrc_load_buffer(cs, name, data, size) == -1) {
		if (errno != AV_ESYNTAX && errno != ENOMEM)
			abort();
		if (errno == AV_ESYNTAX && !o.strict)
			abort();
		goto done;
	}
	if (cset_failed(cs))
		abort();
	if (cset_build(cs, 1, "fuzz", &img, &imgsize) == -1) {
		if (img != NULL || (errno != AV_ENOSIGS && errno != ENOMEM))
			abort();
		goto done;
	}
	fz_module(img, imgsize, data, size);
done:
	free(img);
	cset_free(cs);
	return 0;
}
