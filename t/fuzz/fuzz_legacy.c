/*
 * fuzz_legacy.c - libFuzzer harness for workers/arj.c, szdd.c and tnef.c
 *
 * Every input goes through the three walkers (and legacy_walk()), first
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
 * bytes, all CRCs right), after an SZDD header, and after the TNEF
 * signature.
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <zlib.h>

#include "workers/legacy.h"

#define FZ_KEEP		8	/* reference members remembered */
#define FZ_KEEPLEN	4096	/* bytes of each remembered */

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
	static const enum ftype	 types[] = { FT_ARJ, FT_SZDD, FT_TNEF };
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
	default:
		rc = legacy_walk(types[which - 3], buf, len, lim, fz_cb, r,
		    &res);
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

	if (len < 3 || len > sizeof(w) - 128)
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

	for (w = 0; w < 6; w++) {
		if (only >= 0 && w != only)
			continue;
		ref.stopat = 0;
		fz_walk(w, buf, len, &reflim, &ref, NULL);
		if (w >= 3)
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
