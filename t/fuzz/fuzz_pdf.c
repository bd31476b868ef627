/*
 * fuzz_pdf.c - libFuzzer harness for workers/pdf.c
 *
 * Each input is walked twice, with large and with small limits, and the
 * outcomes are checked against archive.h's promises: the counts in res
 * agree with what the callback saw, no member is longer than max_entry,
 * names are NUL-terminated and free of control characters, an encrypted
 * member has no data, the reason is empty exactly when the status is
 * ARC_OK; and the small walk's members are prefixes of the large walk's
 * (same names, same order).  A broken promise aborts.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "workers/pdf.h"

#define FZ_MAXMEM	64
#define FZ_KEEP		64

int	 LLVMFuzzerTestOneInput(const uint8_t *, size_t);

struct fz_mem {
	char		 name[ARC_MAXNAME];
	size_t		 len;
	uint8_t		 head[FZ_KEEP];
};

struct fz_seen {
	const struct arc_limits	*lim;
	uint32_t		 n;
	uint64_t		 total;
	struct fz_mem		 mem[FZ_MAXMEM];
};

/* fz_cb - check one member, keep its head */
static int
fz_cb(void *arg, const struct arc_entry *e)
{
	struct fz_seen	*fs = arg;
	size_t		 i, n = strnlen(e->name, ARC_MAXNAME);

	if (n == ARC_MAXNAME || e->data == NULL)
		abort();
	for (i = 0; i < n; i++)
		if ((uint8_t)e->name[i] < 0x20 || e->name[i] == 0x7f)
			abort();
	if (e->encrypted && e->len != 0)
		abort();
	if (fs->lim->max_entry != 0 && e->len > fs->lim->max_entry)
		abort();
	if (fs->n < FZ_MAXMEM) {
		memcpy(fs->mem[fs->n].name, e->name, n + 1);
		fs->mem[fs->n].len = e->len;
		memcpy(fs->mem[fs->n].head, e->data,
		    e->len < FZ_KEEP ? e->len : FZ_KEEP);
	}
	fs->n++;
	fs->total += e->len;
	return 0;
}

/* fz_walk - one walk and the invariants of its result */
static void
fz_walk(const uint8_t *buf, size_t len, const struct arc_limits *lim,
    struct fz_seen *fs, struct arc_result *res)
{
	memset(fs, 0, sizeof(*fs));
	fs->lim = lim;
	if (pdf_walk(buf, len, lim, fz_cb, fs, res) != 0)
		abort();
	if (res->entries != fs->n || res->total != fs->total)
		abort();
	if (lim->max_entries != 0 && res->entries > lim->max_entries)
		abort();
	if (lim->max_total != 0 && res->total > lim->max_total)
		abort();
	if ((res->status == ARC_OK) != (res->reason[0] == '\0'))
		abort();
}

/* LLVMFuzzerTestOneInput - one input */
int
LLVMFuzzerTestOneInput(const uint8_t *buf, size_t len)
{
	static const struct arc_limits	 big = { 1 << 20, 4 << 20, 64, 100 };
	static const struct arc_limits	 small = { 16, 4096, 64, 100 };
	static struct fz_seen		 a, b;
	struct arc_result		 ra, rb;
	uint32_t			 i, n;
	size_t				 k;

	fz_walk(buf, len, &big, &a, &ra);
	fz_walk(buf, len, &small, &b, &rb);
	n = a.n < b.n ? a.n : b.n;
	if (n > FZ_MAXMEM)
		n = FZ_MAXMEM;
	for (i = 0; i < n; i++) {
		if (strcmp(a.mem[i].name, b.mem[i].name) != 0 ||
		    b.mem[i].len > a.mem[i].len)
			abort();
		k = b.mem[i].len < FZ_KEEP ? b.mem[i].len : FZ_KEEP;
		if (memcmp(a.mem[i].head, b.mem[i].head, k) != 0)
			abort();
	}
	return 0;
}
