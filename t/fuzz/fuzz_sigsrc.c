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
#include "t/fuzz/fz_samples.h"


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
