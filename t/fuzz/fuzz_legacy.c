/*
 * fuzz_legacy.c - libFuzzer harness for workers/arj.c, szdd.c, tnef.c, sis.c
 * and chm.c
 *
 * Every input goes through the walkers (and legacy_walk()), first
 * with reference limits (1 MiB in all, a ratio of 1: a bomb costs at
 * most about 2 MiB of decoding), then with several small ones, and is
 * checked against what legacy.h and archive.h promise: every delivery
 * is counted in res, names are NUL-terminated, shorter than ARC_MAXNAME
 * and free of control characters and '\\', encrypted members are empty,
 * no member passes max_entry, no walk passes max_entries or max_total,
 * the status says why when a limit was hit, and a bounded member is a
 * prefix of the same member in the reference run (decoding does not
 * depend on the limits).  A walk stopped by the callback at its first
 * member reports ARC_STOPPED with one entry.  A broken invariant aborts,
 * which libFuzzer reports.
 *
 * So that the decoders are reached without the fuzzer having to find
 * header CRCs, the input is also wrapped: as the data of the one member
 * of an ARJ archive made here (method and original size from its first
 * bytes, all CRCs right), after an SZDD header, after the TNEF
 * signature, as the one file of an EPOC release 6 SIS package
 * (compressed or not, and the original length, from its first bytes),
 * and as the LZX stream of section 1 of a CHM file (window, reset
 * interval and length from its first bytes) with two files in it.
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <zlib.h>

#include "workers/legacy.h"

#define FZ_KEEP		8	/* reference members remembered */
#define FZ_KEEPLEN	4096	/* bytes of each remembered */
#define FZ_NWALK	5	/* walkers called directly */

int	 LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* what a walk delivered */
struct fz_run {
	const struct arc_limits	*lim;
	const struct fz_run	*ref;		/* NULL: this is it */
	uint32_t		 n;
	uint64_t		 total;
	int			 stopat;	/* 0: never */
	char			 name[FZ_KEEP][ARC_MAXNAME];
	size_t			 len[FZ_KEEP];
	uint8_t			 data[FZ_KEEP][FZ_KEEPLEN];
};

static int	 fz_cb(void *, const struct arc_entry *);
static void	 fz_walk(int, const uint8_t *, size_t,
		    const struct arc_limits *, struct fz_run *,
		    const struct fz_run *);
static size_t	 fz_arjhdr(uint8_t *, uint8_t, uint8_t, uint32_t, uint32_t);
static void	 fz_all(const uint8_t *, size_t, int);
static void	 fz_wrap(const uint8_t *, size_t);
static size_t	 fz_sishdr(uint8_t *, int, uint32_t, uint32_t);
static void	 fz_put(uint8_t *, uint64_t, int);
static size_t	 fz_ent(uint8_t *, const char *, int, uint32_t, uint32_t);
static size_t	 fz_chmhdr(uint8_t *, const uint8_t *, uint32_t);

/* fz_cb - check one member, remember or compare it */
static int
fz_cb(void *arg, const struct arc_entry *e)
{
	struct fz_run		*r = arg;
	const struct fz_run	*ref = r->ref;
	const char		*nul;
	size_t			 i, k;

	if (e->name == NULL || e->data == NULL)
		abort();
	if ((nul = memchr(e->name, '\0', ARC_MAXNAME)) == NULL)
		abort();
	for (i = 0; e->name + i < nul; i++)
		if ((unsigned char)e->name[i] < 0x20 || e->name[i] == 0x7f ||
		    e->name[i] == '\\')
			abort();
	if (e->encrypted && (e->len != 0 || e->truncated || e->damaged))
		abort();
	if (r->lim->max_entry != 0 && e->len > r->lim->max_entry)
		abort();
	if (e->len > 0)
		(void)((volatile const uint8_t *)e->data)[e->len - 1];
	i = r->n++;
	r->total += e->len;
	if (i < FZ_KEEP) {
		k = e->len < FZ_KEEPLEN ? e->len : FZ_KEEPLEN;
		if (ref == NULL) {
			memcpy(r->name[i], e->name,
			    (size_t)(nul - e->name) + 1);
			memcpy(r->data[i], e->data, k);
			r->len[i] = k;
		} else if (i < ref->n && i < FZ_KEEP) {
			if (strcmp(ref->name[i], e->name) != 0)
				abort();
			if (k > ref->len[i])
				k = ref->len[i];
			if (k > 0 && memcmp(ref->data[i], e->data, k) != 0)
				abort();
		}
	}
	return r->stopat != 0 && r->n >= (uint32_t)r->stopat;
}

/* fz_walk - one walk and the invariants of its result */
static void
fz_walk(int which, const uint8_t *buf, size_t len,
    const struct arc_limits *lim, struct fz_run *r, const struct fz_run *ref)
{
	static const enum ftype	 types[FZ_NWALK] = {
		FT_ARJ, FT_SZDD, FT_TNEF, FT_SIS, FT_CHM
	};
	struct arc_result	 res;
	int			 rc;

	r->lim = lim;
	r->ref = ref;
	r->n = 0;
	r->total = 0;
	memset(&res, 0x5a, sizeof(res));
	switch (which) {
	case 0:
		rc = arj_walk(buf, len, lim, fz_cb, r, &res);
		break;
	case 1:
		rc = szdd_walk(buf, len, lim, fz_cb, r, &res);
		break;
	case 2:
		rc = tnef_walk(buf, len, lim, fz_cb, r, &res);
		break;
	case 3:
		rc = sis_walk(buf, len, lim, fz_cb, r, &res);
		break;
	case 4:
		rc = chm_walk(buf, len, lim, fz_cb, r, &res);
		break;
	default:
		rc = legacy_walk(types[which - FZ_NWALK], buf, len, lim,
		    fz_cb, r, &res);
		break;
	}
	if (rc != 0)
		abort();
	if (memchr(res.reason, '\0', sizeof(res.reason)) == NULL)
		abort();
	if (res.entries != r->n || res.total != r->total)
		abort();
	if (res.status > ARC_STOPPED)
		abort();
	if (res.status != ARC_OK && res.reason[0] == '\0')
		abort();
	if (lim->max_entries != 0 && res.entries > lim->max_entries)
		abort();
	if (lim->max_total != 0 && res.total > lim->max_total)
		abort();
	if (r->stopat != 0 && r->n >= (uint32_t)r->stopat &&
	    (res.status != ARC_STOPPED || r->n != (uint32_t)r->stopat))
		abort();
	if (r->stopat == 0 && res.status == ARC_STOPPED)
		abort();
}

/* fz_arjhdr - an ARJ header with its CRC and no extended header */
static size_t
fz_arjhdr(uint8_t *p, uint8_t method, uint8_t ftype, uint32_t csize,
    uint32_t osize)
{
	uint8_t		*h = p + 4;
	uint32_t	 crc;
	int		 i;

	memset(p, 0, 4 + 33 + 6);
	p[0] = 0x60;
	p[1] = 0xea;
	p[2] = 33;
	h[0] = 30;
	h[1] = 11;
	h[2] = 1;
	h[5] = method;
	h[6] = ftype;
	for (i = 0; i < 4; i++) {
		h[12 + i] = (uint8_t)(csize >> (8 * i));
		h[16 + i] = (uint8_t)(osize >> (8 * i));
	}
	h[30] = 'x';
	crc = (uint32_t)crc32(0L, h, 33);
	for (i = 0; i < 4; i++)
		h[33 + i] = (uint8_t)(crc >> (8 * i));
	return 4 + 33 + 6;
}

/* fz_wrap - the input as the data of each format */
static void
fz_wrap(const uint8_t *buf, size_t len)
{
	static uint8_t	 w[65536];
	size_t		 n;

	if (len < 3 || len > sizeof(w) - 1024)
		return;
	n = fz_arjhdr(w, 2, 2, 0, 0);
	n += fz_arjhdr(w + n, 1 + buf[0] % 4, 0, (uint32_t)(len - 3),
	    (uint32_t)(buf[1] | buf[2] << 8) * 64);
	memcpy(w + n, buf + 3, len - 3);
	n += len - 3;
	memcpy(w + n, "\x60\xea\0\0", 4);
	fz_all(w, n + 4, 0);

	memcpy(w, "SZDD\x88\xf0\x27\x33" "A_", 10);
	w[10] = buf[1];
	w[11] = buf[2];
	w[12] = buf[0] & 3;
	w[13] = 0;
	memcpy(w + 14, buf + 3, len - 3);
	fz_all(w, len + 11, 1);

	memcpy(w, "\x78\x9f\x3e\x22\0\0", 6);
	memcpy(w + 6, buf, len);
	fz_all(w, len + 6, 2);

	n = fz_sishdr(w, buf[0] & 1, (uint32_t)(len - 3),
	    (uint32_t)(buf[1] | buf[2] << 8) * 64);
	memcpy(w + n, buf + 3, len - 3);
	fz_all(w, n + len - 3, 3);

	n = fz_chmhdr(w, buf, (uint32_t)(len - 3));
	memcpy(w + n, buf + 3, len - 3);
	fz_all(w, n + len - 3, 4);
}

/* fz_put - v in n bytes, little-endian */
static void
fz_put(uint8_t *p, uint64_t v, int n)
{
	int	 i;

	for (i = 0; i < n; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

/* fz_ent - a CHM directory entry (numbers under 128): its length */
static size_t
fz_ent(uint8_t *p, const char *name, int sect, uint32_t off, uint32_t len)
{
	size_t	 n = strlen(name), k = 0;
	int	 i;

	p[k++] = (uint8_t)n;
	memcpy(p + k, name, n);
	k += n;
	p[k++] = (uint8_t)sect;
	/* two-byte encoded integers: up to 16383 */
	for (i = 0; i < 2; i++) {
		p[k++] = (uint8_t)(0x80 | ((i ? len : off) >> 7 & 0x7f));
		p[k++] = (uint8_t)((i ? len : off) & 0x7f);
	}
	return k;
}

/*
 * fz_chmhdr - a CHM whose section 1 is the clen bytes that follow it,
 * the window and reset interval from b[0], two files of it from b[1-2]
 */
static size_t
fz_chmhdr(uint8_t *p, const uint8_t *b, uint32_t clen)
{
	static const char	 pre[] = "::DataSpace/Storage/MSCompressed/";
	char			 name[160];
	uint8_t			*d, *c, *s0;
	uint32_t		 ulen = (uint32_t)(b[1] | b[2] << 8) & 0x3fff;
	size_t			 k;

	memset(p, 0, 0x78 + 0x54 + 512 + 28 + 72);
	memcpy(p, "ITSF", 4);
	fz_put(p + 4, 3, 4);
	fz_put(p + 8, 0x60, 4);
	fz_put(p + 0x48, 0x78, 8);
	fz_put(p + 0x50, 0x54 + 512, 8);
	fz_put(p + 0x58, 0x78 + 0x54 + 512, 8);
	d = p + 0x78;
	memcpy(d, "ITSP", 4);
	fz_put(d + 8, 0x54, 4);
	fz_put(d + 16, 512, 4);
	fz_put(d + 44, 1, 4);
	c = d + 0x54;
	memcpy(c, "PMGL", 4);
	k = 20;
	k += fz_ent(c + k, "/a", 1, 0, ulen / 2);
	k += fz_ent(c + k, "/b", 1, ulen / 2, ulen - ulen / 2);
	snprintf(name, sizeof(name), "%sControlData", pre);
	k += fz_ent(c + k, name, 0, 0, 28);
	snprintf(name, sizeof(name), "%sTransform/{7FC28940-9D31-11D0-9B27-"
	    "00A0C91E9C7C}/InstanceData/ResetTable", pre);
	k += fz_ent(c + k, name, 0, 28, 72);
	snprintf(name, sizeof(name), "%sContent", pre);
	k += fz_ent(c + k, name, 0, 100, clen & 0x3fff);
	fz_put(c + 4, 512 - k, 4);
	s0 = c + 512;
	fz_put(s0, 6, 4);
	memcpy(s0 + 4, "LZXC", 4);
	fz_put(s0 + 8, 2, 4);
	fz_put(s0 + 12, 1U << (b[0] >> 4 & 3), 4);	/* reset */
	fz_put(s0 + 16, 1U << (b[0] & 7), 4);		/* window */
	fz_put(s0 + 28, 2, 4);
	fz_put(s0 + 28 + 16, ulen, 8);
	return (size_t)(s0 + 100 - p);
}

/* fz_sishdr - an EPOC release 6 SIS header with one file record */
static size_t
fz_sishdr(uint8_t *p, int stored, uint32_t csize, uint32_t osize)
{
	static const uint8_t	 uids[12] = {
		0x34, 0x12, 0x00, 0x10, 0x12, 0x3a, 0x00, 0x10,
		0x19, 0x04, 0x00, 0x10
	};
	uint8_t			*r = p + 102;
	int			 i;

	memset(p, 0, 102 + 48 + 8);
	memcpy(p, uids, sizeof(uids));
	p[18] = 1;			/* one language, one file */
	p[20] = 1;
	p[36] = stored ? 0x09 : 0x01;
	p[48] = 100;
	p[52] = 102;
	r[20] = 8;			/* "x:\a" in UTF-16LE */
	r[24] = 102 + 48;
	memcpy(p + 102 + 48, "x\0:\0\\\0a\0", 8);
	for (i = 0; i < 4; i++) {
		r[28 + i] = (uint8_t)(csize >> (8 * i));
		r[32 + i] = (uint8_t)((102 + 48 + 8) >> (8 * i));
		r[36 + i] = (uint8_t)(osize >> (8 * i));
	}
	return 102 + 48 + 8;
}

/* fz_all - walker w (or all, -1) with every set of limits */
static void
fz_all(const uint8_t *buf, size_t len, int only)
{
	static const struct arc_limits	 reflim = { 0, 1 << 20, 64, 1 };
	static const struct arc_limits	 small[] = {
		{ 1, 0, 0, 1 },
		{ 100, 1000, 3, 1 },
		{ 0, 300, 0, 1 },
		{ 4096, 0, 1, 1 },
		{ 0, 0, 2, 1 },
	};
	static struct fz_run		 ref, run;
	size_t				 k;
	int				 w;

	for (w = 0; w < 2 * FZ_NWALK; w++) {
		if (only >= 0 && w != only)
			continue;
		ref.stopat = 0;
		fz_walk(w, buf, len, &reflim, &ref, NULL);
		if (w >= FZ_NWALK)
			continue;	/* legacy_walk(): the same walkers */
		for (k = 0; k < sizeof(small) / sizeof(small[0]); k++) {
			run.stopat = 0;
			fz_walk(w, buf, len, &small[k], &run, &ref);
		}
		run.stopat = 1;
		fz_walk(w, buf, len, &small[0], &run, &ref);
	}
}

/* LLVMFuzzerTestOneInput - one input */
int
LLVMFuzzerTestOneInput(const uint8_t *buf, size_t len)
{
	fz_all(buf, len, -1);
	fz_wrap(buf, len);
	return 0;
}
