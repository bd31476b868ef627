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
 * pipeline scans a few samples, with and without MATCH_ALL.  The samples
 * are made from the input itself so that its signatures have something
 * to find: the raw text, the bytes its hex digits spell, those bytes in
 * the sections of a small PE (EP and section offsets), in an HTML page
 * (normalised groups), and a run of zeros.  Whether an object is detected
 * must not depend on MATCH_ALL, and every hit name must lie inside the
 * module's string section.  Everything is freed: LeakSanitizer is on.
 */
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
#include "signatures/sigsrc.h"
#include "signatures/vmod.h"
#include "workers/pipeline.h"

#define FZ_MAXSAMPLE	8192
#define FZ_PESIZE	0x600	/* headers, .text at 0x200, .data at 0x400 */
#define FZ_NSAMPLES	5

struct fz_report {
	unsigned long	 n;
	size_t		 sum;
};

int	 LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void	 fz_report(void *, const char *, unsigned long, const char *);
static int	 fz_hexval(uint8_t);
static size_t	 fz_unhex(const uint8_t *, size_t, uint8_t *, size_t);
static void	 fz_put16(uint8_t *, uint16_t);
static void	 fz_put32(uint8_t *, uint32_t);
static size_t	 fz_pe(uint8_t *, const uint8_t *, size_t);
static size_t	 fz_html(uint8_t *, size_t, const uint8_t *, size_t);
static void	 fz_hits(const struct sigmap *, const struct match_result *,
		    int, unsigned);
static void	 fz_scan(const struct sigmap *, const uint8_t *, size_t);
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

/* fz_hexval - value of a hex digit, 0 for '?', -1 otherwise */
static int
fz_hexval(uint8_t c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	if (c == '?')
		return 0;
	return -1;
}

/* fz_unhex - the bytes spelled by pairs of hex digits in the text */
static size_t
fz_unhex(const uint8_t *in, size_t n, uint8_t *out, size_t cap)
{
	size_t	 i, len = 0;
	int	 hi = -1, v;

	for (i = 0; i < n && len < cap; i++) {
		if ((v = fz_hexval(in[i])) < 0) {
			hi = -1;
			continue;
		}
		if (hi < 0)
			hi = v;
		else {
			out[len++] = (uint8_t)(hi << 4 | v);
			hi = -1;
		}
	}
	return len;
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

/* fz_html - body[] inside an HTML page; returns the length */
static size_t
fz_html(uint8_t *out, size_t cap, const uint8_t *body, size_t n)
{
	static const char	 head[] = "<html>\n<head><title>T</title></head>"
	    "\n<BODY>\n  <p>  Hello\tWorld  </p>\n";
	static const char	 tail[] = "\n</BODY>\n</html>\n";
	size_t			 len = 0;

	memcpy(out, head, sizeof(head) - 1);
	len = sizeof(head) - 1;
	if (n > cap - len - (sizeof(tail) - 1))
		n = cap - len - (sizeof(tail) - 1);
	memcpy(out + len, body, n);
	len += n;
	memcpy(out + len, tail, sizeof(tail) - 1);
	return len + sizeof(tail) - 1;
}

/* fz_hits - a scan's result must be consistent with the module */
static void
fz_hits(const struct sigmap *sm, const struct match_result *r, int n,
    unsigned flags)
{
	const char	*str = sm->view.str;
	uint32_t	 i;

	if (n < 0 || (uint32_t)n != r->nhits || r->nhits > MATCH_MAXHITS)
		abort();
	if (!(flags & MATCH_ALL) && r->nhits > 1)
		abort();
	if (r->allowlisted && r->nhits != 0)
		abort();
	for (i = 0; i < r->nhits; i++) {
		if (r->hits[i].name < str ||
		    r->hits[i].name >= str + sm->view.nstr ||
		    r->hits[i].module != 0)
			abort();
		if (r->hits[i].kind != 0 && r->hits[i].kind != BODYSIG_NDB &&
		    r->hits[i].kind != BODYSIG_LDB)
			abort();
	}
}

/* fz_scan - one sample, with and without MATCH_ALL */
static void
fz_scan(const struct sigmap *sm, const uint8_t *buf, size_t len)
{
	const struct vmod_view	*mods[1];
	struct pipeline		*pl;
	struct match_result	*r;
	int			 n0, n1;

	mods[0] = &sm->view;
	if ((r = calloc(2, sizeof(*r))) == NULL)
		return;
	if ((pl = pipeline_new(mods, 1)) == NULL) {
		free(r);
		return;
	}
	n0 = pipeline_scan(pl, buf, len, 0, &r[0]);
	n1 = pipeline_scan(pl, buf, len, MATCH_ALL, &r[1]);
	if (n0 != -1 && n1 != -1) {
		fz_hits(sm, &r[0], n0, 0);
		fz_hits(sm, &r[1], n1, MATCH_ALL);
		/* detection does not depend on MATCH_ALL */
		if ((n0 > 0) != (n1 > 0) ||
		    r[0].allowlisted != r[1].allowlisted)
			abort();
	}
	pipeline_free(pl);
	free(r);
}

/* fz_module - validate and use a module the compiler wrote */
static void
fz_module(const uint8_t *img, size_t size, const uint8_t *text, size_t n)
{
	struct sigmap	 sm;
	uint8_t		*raw, *buf;
	size_t		 nraw, len;

	if (sigmap_openmem(&sm, img, size, 1) == -1) {
		fprintf(stderr, "fuzz_sigsrc: the compiler wrote a module the "
		    "validator refuses: %s\n", av_strerror(errno));
		abort();
	}
	if (vmod_validate(img, size, 0) == -1)
		abort();
	raw = malloc(FZ_MAXSAMPLE);
	buf = malloc(FZ_MAXSAMPLE);
	if (raw == NULL || buf == NULL)
		goto done;
	nraw = fz_unhex(text, n, raw, FZ_MAXSAMPLE);

	fz_scan(&sm, text, n > FZ_MAXSAMPLE ? FZ_MAXSAMPLE : n);
	fz_scan(&sm, raw, nraw);
	len = fz_pe(buf, raw, nraw);
	fz_scan(&sm, buf, len);
	len = fz_html(buf, FZ_MAXSAMPLE, raw, nraw);
	fz_scan(&sm, buf, len);
	memset(buf, 0, 1024);
	fz_scan(&sm, buf, 1024);
done:
	free(buf);
	free(raw);
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
