/*
 * fuzz_vmod.c - libFuzzer target for the module loader and the matcher
 *
 * The input is a module image.  Most mutations would only ever exercise
 * the checksum test, so the harness works on a copy whose header it
 * repairs: hdr.size becomes the input size, hdr.checksum the fhash64 of
 * the body and hdr.hdrcheck that of the header.  A byte of the header
 * that the format leaves unused (the last byte of reserved[2]) opts out:
 * when its low three bits are all set the copy is used as it is, so that
 * the refusal of damaged checksums is fuzzed as well.  Bit 3 of the same
 * byte scans with the module loaded twice, as two modules.
 *
 * sigmap_openmem(deep=1) then decides.  A module it accepts must also
 * pass the shallow check, and is scanned through a pipeline over samples,
 * each with and without MATCH_ALL: zeros, a 0x90 run, bytes of the input,
 * and objects synthesised from the module's own patterns so that its
 * prefilter hits and its patterns are verified and match: every pattern
 * in turn (raw, in the sections of a small PE, in an HTML page for the
 * normalised groups), and a few patterns put where their offsets say.
 * vmod.h promises that an accepted module is scanned without any further
 * bounds checks, so a crash or an ASan report here is a module the
 * validator should have refused.  The synthesis itself reads only what
 * the validator checked.
 */
#include <ctype.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/fhash.h"
#include "shm/sigmap.h"
#include "signatures/matcher.h"
#include "signatures/sigir.h"
#include "signatures/vmod.h"
#include "workers/pipeline.h"
#include "t/fuzz/fz_samples.h"

#define FZ_OPTBYTE	(offsetof(struct vmod_hdr, reserved) + \
			    3 * sizeof(uint64_t) - 1)

struct fz_ctx {
	struct pipeline		*pl;
	const struct vmod_view	*v;
	size_t			 nmods;
};

int	 LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void	 fz_fixup(uint8_t *, size_t);
static void	 fz_result(const struct fz_ctx *, const struct match_result *,
		    int, unsigned);
static void	 fz_scan(const struct fz_ctx *, const uint8_t *, size_t);
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
/* fz_result - a scan's result must be consistent with the modules */
static void
fz_result(const struct fz_ctx *fc, const struct match_result *r, int n,
    unsigned flags)
{
	const struct match_hit	*h;
	uint32_t		 i;

	if (n == -1)
		return;
	if (n < 0 || (uint32_t)n != r->nhits || r->nhits > MATCH_MAXHITS)
		abort();
	if (!(flags & MATCH_ALL) && r->nhits > 1)
		abort();
	if (r->allowlisted && r->nhits != 0)
		abort();
	for (i = 0; i < r->nhits; i++) {
		h = &r->hits[i];
		if (memchr(h->name, '\0', sizeof(h->name)) == NULL ||
		    h->module >= fc->nmods || h->id >> 32 != h->module ||
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
	struct match_result	 r;
	int			 n;

	n = pipeline_scan(fc->pl, buf, len, 0, &r);
	fz_result(fc, &r, n, 0);
	n = pipeline_scan(fc->pl, buf, len, MATCH_ALL, &r);
	fz_result(fc, &r, n, MATCH_ALL);
}

/* fz_use - scan the samples with an accepted module */
static void
fz_use(const struct sigmap *sm, const uint8_t *data, size_t size, int twice)
{
	static const char	 head[] = "<html><head><title>x</title></head>"
	    "<BODY>\n\t<p>  Hello   World </p>\n";
	const struct vmod_view	*mods[2];
	const struct vmod_view	*v = &sm->view;
	struct fz_ctx		 fc;
	uint8_t			*buf, *all;
	size_t			 nall, len, i, placed;

	mods[0] = mods[1] = v;
	fc.v = v;
	fc.nmods = twice ? 2 : 1;
	buf = malloc(2 * FZ_MAXSAMPLE);
	all = malloc(FZ_MAXSAMPLE);
	if (buf == NULL || all == NULL ||
	    (fc.pl = pipeline_new(mods, fc.nmods)) == NULL) {
		free(all);
		free(buf);
		return;
	}
	nall = fz_all(v, all, FZ_MAXSAMPLE);

	memset(buf, 0, 4096);
	fz_scan(&fc, buf, 4096);
	memset(buf, 0x90, 4096);
	fz_scan(&fc, buf, 4096);
	fz_scan(&fc, data, size > FZ_MAXSAMPLE ? FZ_MAXSAMPLE : size);
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
	fz_scan(&fc, buf, 0);

	pipeline_free(fc.pl);
	free(all);
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
