/*
 * fuzz_zipx.c - libFuzzer harness for workers/zipx.c
 *
 * Every input is walked as a zip archive twice (tight limits, then a
 * ratio and total budget only) and checked against what archive.h
 * promises: names NUL-terminated, clean and short enough, no member
 * longer than max_entry, encrypted members empty, damaged ones not,
 * res->entries and res->total equal to what the callback saw, never
 * more members than max_entries, a reason whenever the status is not
 * ARC_OK.  Then the
 * input is decoded as a raw Deflate64 stream, and (after three bytes
 * that choose the variant and usize) as an imploded one, with several
 * bounds: a bounded run must give exactly the first max bytes of the
 * unbounded one (and AV_ELIMIT when that had more), or the same result
 * when it fits.  A broken invariant aborts, which libFuzzer reports.
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "av/averr.h"
#include "util/buf.h"
#include "workers/archive.h"
#include "workers/zipx.h"

#define FZ_FULL		(1024 * 1024)	/* the "unbounded" run's bound */

int	 LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* what the callback saw */
struct fz_seen {
	const struct arc_limits	*lim;
	uint32_t		 n;
	uint64_t		 total;
	uint8_t			 x;		/* every byte read */
};

static int	 fz_cb(void *, const struct arc_entry *);
static void	 fz_walk(const uint8_t *, size_t, const struct arc_limits *);
static int	 fz_dec(int, const uint8_t *, size_t, struct buf *, uint64_t);
static void	 fz_bounds(int, const uint8_t *, size_t);

/* fz_cb - one member: its name and size as promised */
static int
fz_cb(void *arg, const struct arc_entry *e)
{
	struct fz_seen	*s = arg;
	size_t		 i, n;

	if (e->name == NULL || e->data == NULL)
		abort();
	n = strnlen(e->name, ARC_MAXNAME);
	if (n >= ARC_MAXNAME)
		abort();
	for (i = 0; i < n; i++)
		if ((unsigned char)e->name[i] < 0x20 || e->name[i] == 0x7f ||
		    e->name[i] == '\\')
			abort();
	if (s->lim->max_entry != 0 && e->len > s->lim->max_entry)
		abort();
	if (e->encrypted && (e->len != 0 || e->damaged))
		abort();
	if (e->damaged && e->len == 0)
		abort();
	/* touch every byte: ASan checks the buffer */
	for (i = 0; i < e->len; i++)
		s->x ^= e->data[i];
	s->n++;
	s->total += e->len;
	return 0;
}

/* fz_walk - one walk and its invariants */
static void
fz_walk(const uint8_t *buf, size_t len, const struct arc_limits *lim)
{
	struct arc_result	 res;
	struct fz_seen		 s;

	memset(&s, 0, sizeof(s));
	s.lim = lim;
	if (zipx_walk(buf, len, lim, fz_cb, &s, &res) != 0)
		abort();	/* no ENOMEM here */
	if (res.entries != s.n || res.total != s.total)
		abort();
	if (lim->max_entries != 0 && res.entries > lim->max_entries)
		abort();
	if (lim->max_total != 0 && res.total > lim->max_total)
		abort();
	if (memchr(res.reason, '\0', sizeof(res.reason)) == NULL)
		abort();
	if ((res.status == ARC_OK) != (res.reason[0] == '\0'))
		abort();
}

/* fz_dec - decoder d (0 Deflate64, 1 implode) over the input */
static int
fz_dec(int d, const uint8_t *buf, size_t len, struct buf *out, uint64_t max)
{
	uint16_t	 flags;
	uint64_t	 usize;

	if (d == 0)
		return zipx_inflate64(buf, len, out, max);
	if (len < 3)
		return zipx_explode(buf, 0, 0, len, out, max);
	flags = buf[0] & 6;
	usize = (uint64_t)(buf[1] | buf[2] << 8) * (buf[0] & 1 ? 37 : 1);
	return zipx_explode(buf + 3, len - 3, flags, usize, out, max);
}

/* fz_bounds - bounded runs agree with the unbounded one */
static void
fz_bounds(int d, const uint8_t *buf, size_t len)
{
	static const uint64_t	 maxes[] = { 1, 3, 100, 4097, 65537, 70001 };
	struct buf		 full, part;
	size_t			 k;
	int			 rc, frc, ferr;

	buf_init(&full);
	buf_init(&part);
	errno = 0;
	frc = fz_dec(d, buf, len, &full, FZ_FULL);
	ferr = errno;
	if (frc == -1 && ferr != AV_ECORRUPT && ferr != AV_ELIMIT)
		abort();
	if (full.len > FZ_FULL || (frc == -1 && ferr == AV_ELIMIT &&
	    full.len != FZ_FULL))
		abort();
	for (k = 0; k < sizeof(maxes) / sizeof(maxes[0]); k++) {
		part.len = 0;
		errno = 0;
		rc = fz_dec(d, buf, len, &part, maxes[k]);
		if (full.len > maxes[k]) {
			if (rc != -1 || errno != AV_ELIMIT ||
			    part.len != maxes[k])
				abort();
		} else if (rc != frc || (rc == -1 && errno != ferr) ||
		    part.len != full.len)
			abort();
		if (part.len > 0 &&
		    memcmp(part.data, full.data, part.len) != 0)
			abort();
	}
	/* appending keeps what the buffer held */
	part.len = 0;
	buf_add(&part, "pre", 3);
	(void)fz_dec(d, buf, len, &part, 50);
	if (part.len < 3 || memcmp(part.data, "pre", 3) != 0 ||
	    part.len - 3 != (full.len < 50 ? full.len : 50) ||
	    memcmp(part.data + 3, full.data, part.len - 3) != 0)
		abort();
	buf_clear(&full);
	buf_clear(&part);
}

/* LLVMFuzzerTestOneInput - one input */
int
LLVMFuzzerTestOneInput(const uint8_t *buf, size_t len)
{
	static const struct arc_limits	 tight = { 3000, 5000, 3, 1 };
	static const struct arc_limits	 bomb = { 0, 8 * 1024 * 1024, 0, 2 };

	fz_walk(buf, len, &tight);
	fz_walk(buf, len, &bomb);
	fz_bounds(0, buf, len);
	fz_bounds(1, buf, len);
	return 0;
}
