/*
 * fuzz_vmod.c - libFuzzer target for the module loader and the matcher
 *
 * The input is a module image.  Most mutations would only ever exercise
 * the checksum test, so the harness works on a copy whose header it
 * repairs: hdr.size becomes the input size, hdr.checksum the fhash64 of
 * the body and hdr.hdrcheck that of the header.  A byte of the header
 * that the format leaves unused (the last byte of reserved[2]) opts out:
 * when its low three bits are all set the copy is used as it is, so that
 * the refusal of damaged checksums is fuzzed as well.
 *
 * sigmap_openmem(deep=1) then decides.  A module it accepts must also
 * pass the shallow check, and is scanned through a pipeline (one module,
 * or the same module twice) over samples that reach the matcher's paths:
 * zeros, a 0x90 run, bytes of the input, the module's own pattern pool
 * decoded with its xor byte (so that prefilter keys hit and patterns are
 * verified), a PE32 whose sections hold those bytes (EP and section
 * offsets) and text and HTML (the normalised groups), each with and
 * without MATCH_ALL.  vmod.h promises that an accepted module is scanned
 * without any further bounds checks, so a crash or an ASan report here
 * is a module the validator should have refused.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/fhash.h"
#include "shm/sigmap.h"
#include "signatures/matcher.h"
#include "signatures/vmod.h"
#include "workers/pipeline.h"

#define FZ_MAXSAMPLE	8192
#define FZ_PESIZE	0x600	/* headers, .text at 0x200, .data at 0x400 */
#define FZ_OPTBYTE	(offsetof(struct vmod_hdr, reserved) + \
			    3 * sizeof(uint64_t) - 1)

int	 LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void	 fz_fixup(uint8_t *, size_t);
static void	 fz_put16(uint8_t *, uint16_t);
static void	 fz_put32(uint8_t *, uint32_t);
static size_t	 fz_pe(uint8_t *, const uint8_t *, size_t);
static size_t	 fz_decoded(const struct vmod_view *, uint8_t *, size_t);
static void	 fz_result(const struct vmod_view *, const struct match_result *,
		    int, unsigned, size_t);
static void	 fz_scan(struct pipeline *, const struct vmod_view *, size_t,
		    const uint8_t *, size_t);
static void	 fz_use(const struct sigmap *, const uint8_t *, size_t, int);

/* fz_fixup - make the header's size and checksums agree with the image */
static void
fz_fixup(uint8_t *img, size_t size)
{
	struct vmod_hdr	 h;

	memcpy(&h, img, sizeof(h));
	h.size = size;
	h.checksum = fhash64(img + sizeof(h), size - sizeof(h), 0);
	h.hdrcheck = 0;
	h.hdrcheck = fhash64(&h, sizeof(h), 0);
	memcpy(img, &h, sizeof(h));
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
 * fz_pe - a PE32 with two sections, .text (RVA 0x1000, the entry point)
 * and .data, holding body[]; returns the size, FZ_PESIZE.
 */
static size_t
fz_pe(uint8_t *out, const uint8_t *body, size_t n)
{
	uint8_t	*pe, *opt, *sect;

	memset(out, 0, FZ_PESIZE);
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
	fz_put32(sect + 20, 0x200);
	sect += 40;
	memcpy(sect, ".data", 5);
	fz_put32(sect + 8, 0x200);
	fz_put32(sect + 12, 0x2000);
	fz_put32(sect + 16, 0x200);
	fz_put32(sect + 20, 0x400);
	if (n > FZ_PESIZE - 0x200)
		n = FZ_PESIZE - 0x200;
	memcpy(out + 0x200, body, n);
	return FZ_PESIZE;
}

/* fz_decoded - the module's pattern pool with the xor byte undone */
static size_t
fz_decoded(const struct vmod_view *v, uint8_t *out, size_t cap)
{
	size_t	 i, n;

	n = v->npool < cap ? v->npool : cap;
	for (i = 0; i < n; i++)
		out[i] = v->pool[i] ^ v->xor;
	return n;
}

/* fz_result - a scan's result must be consistent with the modules */
static void
fz_result(const struct vmod_view *v, const struct match_result *r, int n,
    unsigned flags, size_t nmods)
{
	uint32_t	 i;

	if (n == -1)
		return;
	if (n < 0 || (uint32_t)n != r->nhits || r->nhits > MATCH_MAXHITS)
		abort();
	if (!(flags & MATCH_ALL) && r->nhits > 1)
		abort();
	if (r->allowlisted && r->nhits != 0)
		abort();
	for (i = 0; i < r->nhits; i++)
		if (r->hits[i].name < v->str ||
		    r->hits[i].name >= v->str + v->nstr ||
		    r->hits[i].module >= nmods)
			abort();
}

/* fz_scan - one sample, with and without MATCH_ALL */
static void
fz_scan(struct pipeline *pl, const struct vmod_view *v, size_t nmods,
    const uint8_t *buf, size_t len)
{
	struct match_result	 r;
	int			 n;

	n = pipeline_scan(pl, buf, len, 0, &r);
	fz_result(v, &r, n, 0, nmods);
	n = pipeline_scan(pl, buf, len, MATCH_ALL, &r);
	fz_result(v, &r, n, MATCH_ALL, nmods);
}

/* fz_use - scan the samples with an accepted module */
static void
fz_use(const struct sigmap *sm, const uint8_t *data, size_t size, int twice)
{
	static const char	 text[] = "From: a@example.org\nSubject: Hi\n\n"
	    "Hello, World!  <script>eval(unescape('%41%42'))</script>\n"
	    "X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST\n";
	static const char	 html[] = "<html><head><title>x</title></head>"
	    "<BODY>\n\t<IFRAME SRC=\"http://example.org/\"   width=0>\n"
	    "<script>document.write('Hello')</script></BODY></html>\n";
	const struct vmod_view	*mods[2];
	struct pipeline		*pl;
	uint8_t			*buf, *pool;
	size_t			 nmods, npool, n, len;

	mods[0] = mods[1] = &sm->view;
	nmods = twice ? 2 : 1;
	buf = malloc(FZ_MAXSAMPLE);
	pool = malloc(FZ_MAXSAMPLE);
	if (buf == NULL || pool == NULL ||
	    (pl = pipeline_new(mods, nmods)) == NULL) {
		free(pool);
		free(buf);
		return;
	}
	npool = fz_decoded(&sm->view, pool, FZ_MAXSAMPLE);

	memset(buf, 0, 4096);
	fz_scan(pl, &sm->view, nmods, buf, 4096);
	memset(buf, 0x90, 4096);
	fz_scan(pl, &sm->view, nmods, buf, 4096);
	n = size > FZ_MAXSAMPLE ? FZ_MAXSAMPLE : size;
	fz_scan(pl, &sm->view, nmods, data, n);
	fz_scan(pl, &sm->view, nmods, pool, npool);
	/* the pool twice over, shifted: patterns built of several pieces */
	len = npool > FZ_MAXSAMPLE / 2 ? FZ_MAXSAMPLE / 2 : npool;
	memcpy(buf, pool + (len > 0 ? 1 : 0), len > 0 ? len - 1 : 0);
	memcpy(buf + (len > 0 ? len - 1 : 0), pool, len);
	fz_scan(pl, &sm->view, nmods, buf, len > 0 ? 2 * len - 1 : 0);
	len = fz_pe(buf, pool, npool);
	fz_scan(pl, &sm->view, nmods, buf, len);
	len = fz_pe(buf, data + (size > 64 ? 64 : 0), size > 64 ?
	    size - 64 : size);
	fz_scan(pl, &sm->view, nmods, buf, len);
	fz_scan(pl, &sm->view, nmods, (const uint8_t *)text,
	    sizeof(text) - 1);
	fz_scan(pl, &sm->view, nmods, (const uint8_t *)html,
	    sizeof(html) - 1);
	fz_scan(pl, &sm->view, nmods, buf, 0);

	pipeline_free(pl);
	free(pool);
	free(buf);
}

/* LLVMFuzzerTestOneInput - one module image */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sigmap	 sm;
	uint8_t		*img;
	int		 fix, twice;

	if ((img = malloc(size ? size : 1)) == NULL)
		return 0;
	memcpy(img, data, size);
	fix = 1;
	twice = 0;
	if (size >= sizeof(struct vmod_hdr)) {
		fix = (img[FZ_OPTBYTE] & 7) != 7;
		twice = (img[FZ_OPTBYTE] & 8) != 0;
		if (fix)
			fz_fixup(img, size);
	}
	if (sigmap_openmem(&sm, img, size, 1) == 0) {
		if (vmod_validate(img, size, 0) != 0)
			abort();
		fz_use(&sm, img, size, twice);
		sigmap_close(&sm);
	} else
		(void)vmod_validate(img, size, 0);
	free(img);
	return 0;
}
