/*
 * fuzz_archive.c - libFuzzer harness for workers/archive.c
 *
 * Every input is walked three times with small limits and checked
 * against what archive.h promises: the counts in the result are those
 * the callback saw, no member is longer than max_entry, the members fit
 * in max_total and max_entries, names are NUL-terminated, shorter than
 * ARC_MAXNAME and free of control characters and backslashes, encrypted
 * members are empty, the status is one of the enum and the reason is
 * empty exactly when the status is ARC_OK.  The second walk keeps fewer
 * bytes per member and must deliver the same members, each a prefix of
 * the first walk's (up to the point where a walk stopped).  The third
 * stops in the callback at the first member and must say ARC_STOPPED.
 * arc_clean() runs on the input as a string with several sizes.  A
 * broken invariant aborts, which libFuzzer reports.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "workers/archive.h"

#define FZ_KEEP		64	/* bytes of each member compared */
#define FZ_MAXMEM	16	/* members remembered */
#define FZ_CONT(c)	(((uint8_t)(c) & 0xc0) == 0x80)

int	 LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* what one walk's callback saw */
struct fz_seen {
	const struct arc_limits	*lim;
	uint32_t		 n;
	uint64_t		 total;
	int			 stop_at;	/* stop at member n, or -1 */
	struct fz_mem {
		char		 name[ARC_MAXNAME];
		uint8_t		 head[FZ_KEEP];
		size_t		 len;
		int		 encrypted;
		int		 cut;		/* truncated or damaged */
	}			 mem[FZ_MAXMEM];
};

static void	 fz_name(const char *);
static int	 fz_cb(void *, const struct arc_entry *);
static void	 fz_walk(const uint8_t *, size_t, const struct arc_limits *,
		    struct fz_seen *, struct arc_result *, int);
static void	 fz_prefix(const struct fz_seen *, const struct arc_result *,
		    const struct fz_seen *, const struct arc_result *);
static void	 fz_clean(const uint8_t *, size_t);

/* fz_name - a member name as archive.h promises it */
static void
fz_name(const char *s)
{
	size_t	 i, n;

	if ((n = strnlen(s, ARC_MAXNAME)) >= ARC_MAXNAME)
		abort();
	for (i = 0; i < n; i++)
		if ((uint8_t)s[i] < 0x20 || s[i] == 0x7f || s[i] == '\\')
			abort();
}

/* fz_cb - check one member and remember its head */
static int
fz_cb(void *arg, const struct arc_entry *e)
{
	struct fz_seen		*fs = arg;
	const struct arc_limits	*lim = fs->lim;
	struct fz_mem		*m;
	volatile uint8_t	 touch;

	fz_name(e->name);
	if (e->data == NULL || (e->encrypted && (e->len != 0 ||
	    e->truncated || e->damaged)))
		abort();
	if (lim->max_entry != 0 && e->len > lim->max_entry)
		abort();
	if (e->len > 0) {
		/* the whole buffer is readable (ASan checks) */
		touch = e->data[0];
		touch = e->data[e->len - 1];
		(void)touch;
	}
	if (fs->n < FZ_MAXMEM) {
		m = &fs->mem[fs->n];
		memcpy(m->name, e->name, strlen(e->name) + 1);
		m->len = e->len;
		memcpy(m->head, e->data, e->len < FZ_KEEP ? e->len : FZ_KEEP);
		m->encrypted = e->encrypted;
		m->cut = e->truncated || e->damaged;
	}
	fs->total += e->len;
	return fs->stop_at == (int)fs->n++;
}

/* fz_walk - one walk and the invariants of its result */
static void
fz_walk(const uint8_t *buf, size_t len, const struct arc_limits *lim,
    struct fz_seen *fs, struct arc_result *res, int stop_at)
{
	memset(fs, 0, sizeof(*fs));
	fs->lim = lim;
	fs->stop_at = stop_at;
	memset(res, 0x5a, sizeof(*res));
	if (arc_walk(buf, len, lim, fz_cb, fs, res) != 0)
		abort();	/* ENOMEM is not expected under libFuzzer */
	if (res->entries != fs->n || res->total != fs->total)
		abort();
	if (lim->max_entries != 0 && res->entries > lim->max_entries)
		abort();
	if (lim->max_total != 0 && res->total > lim->max_total)
		abort();
	if (res->status > ARC_STOPPED)
		abort();
	if (strnlen(res->reason, sizeof(res->reason)) >= sizeof(res->reason))
		abort();
	if ((res->status == ARC_OK) != (res->reason[0] == '\0'))
		abort();
	if (res->unsupported > 0 && res->status == ARC_OK)
		abort();
	if (stop_at >= 0 && fs->n > (uint32_t)stop_at &&
	    res->status != ARC_STOPPED)
		abort();
	if (res->status == ARC_STOPPED && (stop_at < 0 ||
	    fs->n != (uint32_t)stop_at + 1))
		abort();
}

/*
 * fz_prefix - the walk b, keeping fewer bytes, saw the members of a, each
 * a prefix of a's, as far as both went
 */
static void
fz_prefix(const struct fz_seen *a, const struct arc_result *ra,
    const struct fz_seen *b, const struct arc_result *rb)
{
	const struct fz_mem	*x, *y;
	uint32_t		 i, n;
	size_t			 k;

	/* limits stop the walks at different members: compare the common */
	n = a->n < b->n ? a->n : b->n;
	if (n > FZ_MAXMEM)
		n = FZ_MAXMEM;
	for (i = 0; i < n; i++) {
		x = &a->mem[i];
		y = &b->mem[i];
		if (strcmp(x->name, y->name) != 0 ||
		    x->encrypted != y->encrypted || y->len > x->len)
			abort();
		k = y->len < FZ_KEEP ? y->len : FZ_KEEP;
		if (memcmp(x->head, y->head, k) != 0)
			abort();
	}
	/* without a limit or a stop, both walks see the same members */
	if (ra->status == rb->status && (ra->status == ARC_OK ||
	    ra->status == ARC_ENCRYPTED) && a->n != b->n)
		abort();
}

/* fz_clean - arc_clean() on the input as a name */
static void
fz_clean(const uint8_t *buf, size_t len)
{
	static const size_t	 sizes[] = { 1, 2, 3, 7, 64, ARC_MAXNAME };
	char			 in[ARC_MAXNAME * 2], out[ARC_MAXNAME + 1];
	size_t			 i, k, n;

	n = len < sizeof(in) - 1 ? len : sizeof(in) - 1;
	memcpy(in, buf, n);
	in[n] = '\0';
	n = strlen(in);
	for (k = 0; k < sizeof(sizes) / sizeof(sizes[0]); k++) {
		out[sizes[k]] = 0x5a;
		arc_clean(out, sizes[k], in);
		if (out[sizes[k]] != 0x5a || strlen(out) >= sizes[k])
			abort();
		for (i = 0; out[i] != '\0'; i++)
			if ((uint8_t)out[i] < 0x20 || out[i] == 0x7f ||
			    (out[i] != '_' && out[i] != in[i]))
				abort();
		/*
		 * a cut falls before a lead byte or an ASCII one, unless
		 * more than three continuation bytes come before it
		 */
		if (i > 0 && i < n && FZ_CONT(in[i]) && (i != sizes[k] - 1 ||
		    !FZ_CONT(in[i - 1]) || (i > 1 && !FZ_CONT(in[i - 2])) ||
		    (i > 2 && !FZ_CONT(in[i - 3]))))
			abort();
	}
}

/* LLVMFuzzerTestOneInput - one input */
int
LLVMFuzzerTestOneInput(const uint8_t *buf, size_t len)
{
	static const struct arc_limits	 big = { 4096, 64 * 1024, 16, 50 };
	static const struct arc_limits	 small = { 16, 4096, 16, 50 };
	static struct fz_seen		 a, b;
	struct arc_result		 ra, rb;

	fz_walk(buf, len, &big, &a, &ra, -1);
	fz_walk(buf, len, &small, &b, &rb, -1);
	fz_prefix(&a, &ra, &b, &rb);
	fz_walk(buf, len, &small, &b, &rb, 0);
	fz_clean(buf, len);
	return 0;
}
