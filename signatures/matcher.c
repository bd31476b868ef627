/*
 * matcher.c - prefilter, verification, logical signatures, hashes
 *
 * DESCRIPTION
 *	The object is walked in chunks that stay in cache: each chunk is fed
 *	to the digests (when some hash signature has the object's size) and
 *	scanned by every module's prefilter.  The prefilter tests each 4-byte
 *	window against a bitmap; a set bit leads to the exact key in an open
 *	addressing table and to the patterns anchored there.  A candidate is
 *	verified from the anchor: forward over the rest of the pattern, then
 *	backward over the part before it, with backtracking over gaps and
 *	generic alternatives.
 *
 *	Verification results are three-valued: a match (its end or start),
 *	FAIL (no match at this position) and FINAL (no match at this or any
 *	later position going forward, or any earlier one going backward).
 *	FINAL arises when the buffer runs out or an unbounded gap found no
 *	continuation; it stops the enumeration of candidate positions, which
 *	keeps "A*B*C" linear instead of quadratic.  A step budget bounds
 *	every verification; running out counts as FINAL and is reported in
 *	the statistics.
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "util/digest.h"
#include "util/fhash.h"
#include "signatures/hexsig.h"
#include "signatures/lexpr.h"
#include "signatures/matcher.h"
#include "signatures/sigir.h"

#define MR_FAIL		(-1)
#define MR_FINAL	(-2)
#define MATCH_CHUNK	(256 * 1024)
#define VERIFY_BUDGET	(1U << 18)
/* hash of a (module, signature) key for the logical signature map */
#define LS_HASH(k)	((uint32_t)(((k) * 0x9e3779b97f4a7c15ULL) >> 32))

struct lstate {
	uint32_t	 mod;
	uint32_t	 sig;
	uint32_t	 cnt;		/* counts index, or UINT32_MAX */
	int		 done;		/* detected */
	uint64_t	 matched;
};

/*
 * Chains: for part k of a pattern matched part by part, the ends of the
 * matches of parts 0..k that form a valid chain, as sorted intervals of
 * positions (a run of NULs gives one interval, not one entry per byte).
 * When the gap after part k is unbounded only the earliest end matters.
 */
struct cspan {
	uint64_t	 lo;
	uint64_t	 hi;
};

struct clist {
	struct cspan	*v;
	uint32_t	 head;		/* live spans v[head..n) */
	uint32_t	 n;
	uint32_t	 cap;
	int		 has;		/* unbounded gap after: min is set */
	uint64_t	 min;
};

struct cstate {
	uint32_t	 mod;
	uint32_t	 chain;
	uint32_t	 nl;
	struct clist	*l;		/* nl = npart - 1 lists */
};

#define CHAIN_MAXSPANS	65536	/* per list; the oldest go beyond it */

/* Match counts, only for signatures whose expression needs them. */
struct lcounts {
	uint32_t	 counts[64];
	uint64_t	 last[64];	/* start of the last counted match */
};

struct vctx {
	const uint8_t		*buf;
	size_t			 len;
	const uint8_t		*pool;
	const struct vmod_el	*els;
	uint32_t		 elo;		/* first element of the range */
	uint32_t		 nmain;		/* one past its last */
	uint64_t		 lo;
	uint64_t		 hi;
	uint32_t		 budget;
	uint8_t			 x;		/* pattern bytes are ^ x */
	uint64_t		 x64;
};

/*
 * An index of the per-scan state records of a kind by 64-bit key
 * (module << 32 | signature, chain or pattern): open addressing, the
 * slots in use listed for a cheap reset, and the last key found cached,
 * for runs of one byte hit the same records over and over.
 */
struct imap {
	uint64_t	*keys;		/* key + 1; 0 is empty */
	uint32_t	*vals;
	uint32_t	*used;		/* slots in use */
	size_t		 cap;		/* a power of two, or 0 */
	size_t		 n;
	uint64_t	 lastkey;
	uint32_t	 lastval;
	int		 haslast;
};

struct matcher {
	const struct vmod_view *const	*mods;
	size_t				 nmods;
	struct digest			*dg;
	/* per scan */
	const struct scan_target	*t;
	const uint8_t			*buf;
	size_t				 len;
	unsigned			 flags;
	struct match_result		*r;
	int				 stop;
	int				 err;
	struct lstate			*ls;
	size_t				 nls;
	size_t				 capls;
	struct imap			 lsmap;
	struct lcounts			*lc;
	size_t				 nlc;
	size_t				 caplc;
	/* chained patterns under way */
	struct cstate			*cst;
	size_t				 ncst;
	size_t				 capcst;
	struct imap			 cstmap;
	/* patterns proven not to match from some position on */
	struct pfinal			*fin;
	size_t				 nfin;
	size_t				 capfin;
	struct imap			 finmap;
};

/*
 * A forward verification that ended FINAL at s proves that the pattern
 * cannot match from its anchor element at s or later; later hits of the
 * same pattern are skipped (FINAL is monotone, see fwd()).
 */
struct pfinal {
	uint64_t	 from;
};

static uint8_t		 fold[256];
static int		 fold_ready;

static void	 fold_init(void);
static int	 falt_cmp(const uint8_t *, const uint8_t *, uint32_t, int,
		    uint8_t);
static int	 falt_find(const uint8_t *, uint32_t, uint32_t,
		    const uint8_t *, int, uint8_t);
static int	 lit_eq(const uint8_t *, const uint8_t *, uint32_t, uint8_t,
		    uint64_t);
static int64_t	 el_fixed(const struct vctx *, const struct vmod_el *,
		    size_t);
static int64_t	 el_width(const struct vmod_el *);
static int64_t	 seq_match(const struct vctx *, uint32_t, uint32_t, size_t);
static int64_t	 seq_width(const struct vctx *, uint32_t, uint32_t);
static int	 assert_ok(const struct vctx *, uint32_t, size_t);
static int64_t	 fwd(struct vctx *, uint32_t, size_t);
static int64_t	 fwd_gap(struct vctx *, uint32_t, size_t);
static int64_t	 fwd_galt(struct vctx *, uint32_t, size_t);
static int64_t	 bwd(struct vctx *, int64_t, size_t);
static int64_t	 bwd_gap(struct vctx *, int64_t, size_t);
static int64_t	 bwd_galt(struct vctx *, int64_t, size_t);
static int	 pat_window(const struct vmod_pat *, const struct scan_target *,
		    size_t, uint64_t *, uint64_t *);
static void	 vctx_init(struct vctx *, struct matcher *,
		    const struct vmod_view *, const struct vmod_pat *);
static void	*grow(void *, size_t *, size_t, size_t);
static int	 imap_find(struct imap *, uint64_t, uint32_t *);
static int	 imap_add(struct imap *, uint64_t, uint32_t);
static void	 imap_reset(struct imap *);
static void	 imap_free(struct imap *);
static struct lstate *ls_get(struct matcher *, uint32_t, uint32_t, int);
static void	 ls_reset(struct matcher *);
static struct pfinal *fin_get(struct matcher *, uint32_t, uint32_t, int);
static void	 fin_reset(struct matcher *);
static int	 tdb_ok(struct matcher *, const struct vmod_view *,
		    const struct vmod_sig *);
static void	 add_hit(struct matcher *, uint32_t, uint32_t, uint32_t);
static int	 owner_wants(struct matcher *, uint32_t,
		    const struct vmod_view *, uint32_t, uint32_t);
static int	 pat_wanted(struct matcher *, uint32_t,
		    const struct vmod_view *, const struct vmod_pat *);
static int	 hit_has(struct matcher *, uint64_t);
static void	 record_one(struct matcher *, uint32_t,
		    const struct vmod_view *, uint32_t, uint32_t, uint64_t);
static void	 record(struct matcher *, uint32_t, const struct vmod_view *,
		    const struct vmod_pat *, uint64_t);
static void	 ldb_eval(struct matcher *, struct lstate *);
static void	 check_pat(struct matcher *, uint32_t, const struct vmod_view *,
		    uint32_t, uint32_t, size_t, uint32_t);
static void	 check_part(struct matcher *, uint32_t,
		    const struct vmod_view *, uint32_t, uint32_t, size_t,
		    uint32_t);
static struct cstate *cs_get(struct matcher *, uint32_t, uint32_t, uint32_t,
		    int);
static void	 cs_reset(struct matcher *);
static int	 clist_push(struct clist *, uint64_t, uint64_t, int);
static int64_t	 part_prefix(const struct vmod_view *, const struct vmod_pat *,
		    uint32_t);
static int	 clist_find(struct clist *, uint64_t, uint64_t, uint64_t, int);
static void	 probe(struct matcher *, uint32_t, const struct vmod_view *,
		    uint64_t, uint32_t, uint32_t, size_t, uint32_t);
static inline int ext_ok(const struct matcher *, const struct vmod_view *,
		    const struct vmod_ent *, size_t, uint32_t);
static inline int bloom4(const uint64_t *, uint32_t, uint32_t);
static inline void scan_one(struct matcher *, uint32_t,
		    const struct vmod_view *, const struct vmod_group *, size_t,
		    uint32_t, int, int);
static void	 scan_group(struct matcher *, uint32_t,
		    const struct vmod_view *, const struct vmod_group *, size_t,
		    size_t);
static void	 scan_direct(struct matcher *, uint32_t,
		    const struct vmod_view *, const struct vmod_group *);
static void	 scan_zero(struct matcher *, uint32_t,
		    const struct vmod_view *, const struct vmod_group *);
static const struct vmod_hash *hash_find(const uint8_t *, size_t, uint32_t,
		    size_t, uint64_t, const uint8_t *);
static int	 hash_size(const uint8_t *, size_t, uint32_t, uint64_t);
static unsigned	 hash_needed(struct matcher *, int);
static int	 allowlisted(struct matcher *, uint8_t [][DIGEST_MAXLEN],
		    unsigned);

static const size_t dlen[3] = { 16, 20, 32 };

/* fold_init - ASCII lowercase table */
static void
fold_init(void)
{
	int	 c;

	for (c = 0; c < 256; c++)
		fold[c] = (c >= 'A' && c <= 'Z') ? c + 32 : c;
	fold_ready = 1;
}

/* matcher_group - prefilter group of a target type */
int
matcher_group(int target, int normalised)
{
	if (normalised)
		return (target == 3 || target == 7) ? target : -1;
	if (target < 0 || target >= VMOD_NGROUPS || target == 3 || target == 7)
		return 0;
	return target;
}

/* matcher_new - scratch state for a set of modules */
struct matcher *
matcher_new(const struct vmod_view *const *mods, size_t nmods)
{
	struct matcher	*m;

	if (!fold_ready)
		fold_init();
	if ((m = calloc(1, sizeof(*m))) == NULL)
		return NULL;
	m->mods = mods;
	m->nmods = nmods;
	if ((m->dg = digest_new()) == NULL) {
		free(m);
		return NULL;
	}
	return m;
}

/* matcher_free - release scratch state */
void
matcher_free(struct matcher *m)
{
	if (m == NULL)
		return;
	digest_free(m->dg);
	free(m->ls);
	imap_free(&m->lsmap);
	free(m->lc);
	free(m->fin);
	imap_free(&m->finmap);
	cs_reset(m);
	free(m->cst);
	imap_free(&m->cstmap);
	free(m);
}

/* lit_eq - does input equal a stored (XORed) literal of n bytes */
static int
lit_eq(const uint8_t *in, const uint8_t *s, uint32_t n, uint8_t x,
    uint64_t x64)
{
	uint64_t	 a, b;
	uint32_t	 k = 0;

	for (; k + 8 <= n; k += 8) {
		memcpy(&a, in + k, 8);
		memcpy(&b, s + k, 8);
		if ((a ^ x64) != b)
			return 0;
	}
	for (; k < n; k++)
		if ((in[k] ^ x) != s[k])
			return 0;
	return 1;
}

/* falt_cmp - compare input (folded if nocase, XORed) with a string */
static int
falt_cmp(const uint8_t *in, const uint8_t *s, uint32_t w, int nocase,
    uint8_t x)
{
	uint32_t	 i;
	uint8_t		 c;

	for (i = 0; i < w; i++) {
		c = (nocase ? fold[in[i]] : in[i]) ^ x;
		if (c != s[i])
			return c < s[i] ? -1 : 1;
	}
	return 0;
}

/* falt_find - is input one of n sorted strings of width w */
static int
falt_find(const uint8_t *strs, uint32_t n, uint32_t w, const uint8_t *in,
    int nocase, uint8_t x)
{
	uint32_t	 lo = 0, hi = n, mid;
	int		 c;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		c = falt_cmp(in, strs + (size_t)mid * w, w, nocase, x);
		if (c == 0)
			return 1;
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return 0;
}

/* el_width - width of a fixed-width element, -1 otherwise */
static int64_t
el_width(const struct vmod_el *e)
{
	switch (e->op) {
	case PEL_BYTES:
	case PEL_NOCASE:
	case PEL_MASK:
	case PEL_SKIP:
		return e->n;
	case PEL_CLASS:
		return 1;
	case PEL_FALT:
		return e->b;
	default:
		return -1;
	}
}

/*
 * el_fixed - match a fixed-width element at pos: its width, MR_FAIL, or
 * MR_FINAL when the buffer is too short.
 */
static int64_t
el_fixed(const struct vctx *c, const struct vmod_el *e, size_t pos)
{
	const uint8_t	*b = c->buf + pos, *d = c->pool + e->a;
	size_t		 left = c->len - pos;
	uint32_t	 k;
	int		 in;

	switch (e->op) {
	case PEL_BYTES:
		if (left < e->n)
			return MR_FINAL;
		return lit_eq(b, d, e->n, c->x, c->x64) ? e->n : MR_FAIL;
	case PEL_NOCASE:
		if (left < e->n)
			return MR_FINAL;
		for (k = 0; k < e->n; k++)
			if ((fold[b[k]] ^ c->x) != d[k])
				return MR_FAIL;
		return e->n;
	case PEL_MASK:
		if (left < e->n)
			return MR_FINAL;
		for (k = 0; k < e->n; k++)
			if (((b[k] ^ c->x) & d[2 * k]) != d[2 * k + 1])
				return MR_FAIL;
		return e->n;
	case PEL_SKIP:
		return left < e->n ? MR_FINAL : e->n;
	case PEL_CLASS:
		if (left < 1)
			return MR_FINAL;
		return ((d[b[0] >> 3] >> (b[0] & 7)) & 1) ? 1 : MR_FAIL;
	case PEL_FALT:
		if (left < e->b)
			return MR_FINAL;
		in = falt_find(d, e->n, e->b, b, e->flags & PELF_NOCASE, c->x);
		if (e->flags & PELF_NEG)
			in = !in;
		return in ? (int64_t)e->b : MR_FAIL;
	default:
		return MR_FAIL;
	}
}

/* seq_width - width of a fixed-width sequence (an alternative) */
static int64_t
seq_width(const struct vctx *c, uint32_t first, uint32_t count)
{
	int64_t		 w = 0;
	uint32_t	 k;

	for (k = 0; k < count; k++)
		w += el_width(&c->els[first + k]);
	return w;
}

/* seq_match - match a fixed-width sequence at pos */
static int64_t
seq_match(const struct vctx *c, uint32_t first, uint32_t count, size_t pos)
{
	size_t		 p = pos;
	int64_t		 w;
	uint32_t	 k;

	for (k = 0; k < count; k++) {
		if ((w = el_fixed(c, &c->els[first + k], p)) < 0)
			return w;
		p += w;
	}
	return (int64_t)(p - pos);
}

/* assert_ok - zero-width check at pos */
static int
assert_ok(const struct vctx *c, uint32_t kind, size_t pos)
{
	const uint8_t	*b = c->buf;
	size_t		 len = c->len;

	switch (kind) {
	case ASSERT_BOUND_BEFORE:
		return pos == 0 || hexsig_boundary(b[pos - 1], -1);
	case ASSERT_BOUND_AFTER:
		return pos >= len || hexsig_boundary(b[pos], 1);
	case ASSERT_LINE_BEFORE:
		return pos == 0 || b[pos - 1] == '\n';
	case ASSERT_LINE_AFTER:
		return pos >= len || b[pos] == '\n' ||
		    (b[pos] == '\r' && pos + 1 < len && b[pos + 1] == '\n');
	case ASSERT_WORD_BEFORE:
		return pos == 0 || !isalnum(b[pos - 1]);
	case ASSERT_WORD_AFTER:
		return pos >= len || !isalnum(b[pos]);
	case ASSERT_WWORD_BEFORE:
		return pos < 2 || !(isalnum(b[pos - 2]) && b[pos - 1] == 0);
	case ASSERT_WWORD_AFTER:
		return pos + 1 >= len || !(isalnum(b[pos]) && b[pos + 1] == 0);
	default:
		return 0;
	}
}

/* fwd - match elements i.. of the main sequence from pos: end or MR_* */
static int64_t
fwd(struct vctx *c, uint32_t i, size_t pos)
{
	const struct vmod_el	*e;
	int64_t			 w;

	for (; i < c->nmain; i++) {
		if (c->budget == 0)
			return MR_FINAL;
		c->budget--;
		e = &c->els[i];
		switch (e->op) {
		case PEL_GAP:
			return fwd_gap(c, i, pos);
		case PEL_GALT:
			return fwd_galt(c, i, pos);
		case PEL_LINE:
			if (pos >= c->len)
				return MR_FINAL;
			if (c->buf[pos] == '\n')
				pos++;
			else if (c->buf[pos] == '\r' && pos + 1 < c->len &&
			    c->buf[pos + 1] == '\n')
				pos += 2;
			else
				return MR_FAIL;
			continue;
		case PEL_ASSERT:
			if (!assert_ok(c, e->b, pos))
				return MR_FAIL;
			continue;
		default:
			if ((w = el_fixed(c, e, pos)) < 0)
				return w;
			pos += w;
		}
	}
	return (int64_t)pos;
}

/* fwd_gap - a gap at element i: try the continuations in order */
static int64_t
fwd_gap(struct vctx *c, uint32_t i, size_t pos)
{
	const struct vmod_el	*e = &c->els[i], *next;
	size_t			 q, last;
	const uint8_t		*f;
	int64_t			 r;
	int			 unbounded = e->b == PEL_INF;

	if (pos > c->len || c->len - pos < e->a)
		return MR_FINAL;
	q = pos + e->a;
	if (unbounded || e->b - e->a >= c->len - q)
		last = c->len;
	else
		last = q + (e->b - e->a);
	if (i + 1 >= c->nmain)
		return (int64_t)q;
	next = &c->els[i + 1];
	for (; q <= last; q++) {
		if (next->op == PEL_BYTES) {
			if (q >= c->len)
				break;
			f = memchr(c->buf + q, c->pool[next->a] ^ c->x, last - q +
			    (last < c->len ? 1 : 0));
			if (f == NULL)
				break;
			q = (size_t)(f - c->buf);
		}
		if (c->budget == 0)
			return MR_FINAL;
		c->budget--;
		r = fwd(c, i + 1, q);
		if (r >= 0 || r == MR_FINAL)
			return r;
	}
	return unbounded ? MR_FINAL : MR_FAIL;
}

/* fwd_galt - generic alternatives at element i */
static int64_t
fwd_galt(struct vctx *c, uint32_t i, size_t pos)
{
	const struct vmod_el	*e = &c->els[i];
	uint32_t		 k, first, count;
	int64_t			 w, r;
	int			 allfinal = 1;

	for (k = 0; k < e->n; k++) {
		memcpy(&first, c->pool + e->a + 8 * k, 4);
		memcpy(&count, c->pool + e->a + 8 * k + 4, 4);
		w = seq_match(c, first, count, pos);
		if (w == MR_FINAL)
			continue;
		if (w < 0) {
			allfinal = 0;
			continue;
		}
		r = fwd(c, i + 1, pos + w);
		if (r >= 0)
			return r;
		if (r != MR_FINAL)
			allfinal = 0;
		if (c->budget == 0)
			return MR_FINAL;
	}
	return allfinal ? MR_FINAL : MR_FAIL;
}

/*
 * bwd - match elements i, i-1, .., 0 ending at pos; the start, or MR_*;
 * the start must fall in [c->lo, c->hi].
 */
static int64_t
bwd(struct vctx *c, int64_t i, size_t pos)
{
	const struct vmod_el	*e;
	int64_t			 w, r;

	for (;; i--) {
		if (i < (int64_t)c->elo) {
			if (pos < c->lo)
				return MR_FINAL;
			return pos > c->hi ? MR_FAIL : (int64_t)pos;
		}
		if (c->budget == 0)
			return MR_FINAL;
		c->budget--;
		e = &c->els[i];
		switch (e->op) {
		case PEL_GAP:
			return bwd_gap(c, i, pos);
		case PEL_GALT:
			return bwd_galt(c, i, pos);
		case PEL_LINE:
			if (pos == 0)
				return MR_FINAL;
			if (c->buf[pos - 1] != '\n')
				return MR_FAIL;
			if (pos >= 2 && c->buf[pos - 2] == '\r') {
				r = bwd(c, i - 1, pos - 2);
				if (r >= 0)
					return r;
			}
			pos--;
			continue;
		case PEL_ASSERT:
			if (!assert_ok(c, e->b, pos))
				return MR_FAIL;
			continue;
		default:
			w = el_width(e);
			if (w < 0 || (size_t)w > pos)
				return MR_FINAL;
			if ((r = el_fixed(c, e, pos - w)) < 0)
				return r == MR_FINAL ? MR_FAIL : r;
			pos -= w;
		}
	}
}

/* bwd_gap - a gap at element i, nearest continuation first */
static int64_t
bwd_gap(struct vctx *c, int64_t i, size_t pos)
{
	const struct vmod_el	*e = &c->els[i], *prev;
	size_t			 q, lo, a;
	const uint8_t		*f;
	int64_t			 r;
	int			 unbounded = e->b == PEL_INF;

	if (pos < e->a)
		return MR_FINAL;
	q = pos - e->a;
	lo = (unbounded || e->b > pos) ? 0 : pos - e->b;
	if (i == (int64_t)c->elo)
		return bwd(c, i - 1, q);
	prev = &c->els[i - 1];
	for (;;) {
		if (prev->op == PEL_BYTES) {
			/* the literal ends at q: its last byte at q - 1 */
			a = lo > 0 ? lo - 1 : 0;
			if (q == 0)
				break;
			f = memrchr(c->buf + a,
			    c->pool[prev->a + prev->n - 1] ^ c->x, q - a);
			if (f == NULL)
				break;
			q = (size_t)(f - c->buf) + 1;
			if (q < lo)
				break;
		}
		if (c->budget == 0)
			return MR_FINAL;
		c->budget--;
		r = bwd(c, i - 1, q);
		if (r >= 0 || r == MR_FINAL)
			return r;
		if (q == lo)
			break;
		q--;
	}
	return unbounded ? MR_FINAL : MR_FAIL;
}

/* bwd_galt - generic alternatives at element i, ending at pos */
static int64_t
bwd_galt(struct vctx *c, int64_t i, size_t pos)
{
	const struct vmod_el	*e = &c->els[i];
	uint32_t		 k, first, count;
	int64_t			 w, r;
	int			 allfinal = 1;

	for (k = 0; k < e->n; k++) {
		memcpy(&first, c->pool + e->a + 8 * k, 4);
		memcpy(&count, c->pool + e->a + 8 * k + 4, 4);
		w = seq_width(c, first, count);
		if ((size_t)w > pos)
			continue;
		if (seq_match(c, first, count, pos - w) < 0) {
			allfinal = 0;
			continue;
		}
		r = bwd(c, i - 1, pos - w);
		if (r >= 0)
			return r;
		if (r != MR_FINAL)
			allfinal = 0;
		if (c->budget == 0)
			return MR_FINAL;
	}
	return allfinal ? MR_FINAL : MR_FAIL;
}

/* pat_window - where a pattern may start: [lo, hi], or -1 for nowhere */
static int
pat_window(const struct vmod_pat *p, const struct scan_target *t, size_t len,
    uint64_t *lo, uint64_t *hi)
{
	const struct exeinfo	*x = t->exe;
	int64_t			 base;

	switch (p->offkind) {
	case OFF_ANY:
		*lo = 0;
		*hi = len;
		return 0;
	case OFF_ABS:
		base = p->offn;
		break;
	case OFF_EOF:
		if ((uint64_t)p->offn > len)
			return -1;
		base = (int64_t)len - p->offn;
		break;
	case OFF_EP:
		if (x == NULL || !x->has_ep)
			return -1;
		base = (int64_t)x->ep + p->offn;
		break;
	case OFF_SECT:
		if (x == NULL || p->offsect >= x->nsect)
			return -1;
		base = (int64_t)x->sect[p->offsect].off + p->offn;
		break;
	case OFF_LAST:
		if (x == NULL || x->nsect == 0)
			return -1;
		base = (int64_t)x->sect[x->nsect - 1].off + p->offn;
		break;
	case OFF_SE:
		if (x == NULL || p->offsect >= x->nsect)
			return -1;
		*lo = x->sect[p->offsect].off;
		*hi = *lo + x->sect[p->offsect].size;
		if (*lo > len)
			return -1;
		if (*hi > len)
			*hi = len;
		return 0;
	default:
		return -1;
	}
	if (base < 0 || (uint64_t)base > len)
		return -1;
	*lo = (uint64_t)base;
	*hi = *lo + p->shift;
	if (*hi > len)
		*hi = len;
	return 0;
}

/* vctx_init - verification context for one pattern */
static void
vctx_init(struct vctx *c, struct matcher *m, const struct vmod_view *v,
    const struct vmod_pat *p)
{
	c->buf = m->buf;
	c->len = m->len;
	c->pool = v->pool;
	c->els = v->els + p->el;
	c->elo = p->pfirst;
	c->nmain = (uint32_t)p->pfirst + p->pcount;
	c->lo = 0;
	c->hi = m->len;
	c->budget = VERIFY_BUDGET;
	c->x = v->xor;
	c->x64 = 0x0101010101010101ULL * v->xor;
}

/*
 * grow - room for record n in arr (cap allocated, of size bytes each):
 * the array, moved if need be, or NULL when memory runs out
 */
static void *
grow(void *arr, size_t *cap, size_t n, size_t size)
{
	void	*p;
	size_t	 c;

	if (n < *cap)
		return arr;
	c = *cap ? *cap * 2 : 16;
	if ((p = reallocarray(arr, c, size)) == NULL)
		return NULL;
	*cap = c;
	return p;
}

/* imap_find - the value of key, if present (returns 1) */
static int
imap_find(struct imap *im, uint64_t key, uint32_t *val)
{
	size_t	 h;

	if (im->haslast && im->lastkey == key) {
		*val = im->lastval;
		return 1;
	}
	if (im->cap == 0)
		return 0;
	for (h = LS_HASH(key) & (im->cap - 1); im->keys[h] != 0;
	    h = (h + 1) & (im->cap - 1))
		if (im->keys[h] == key + 1) {
			im->lastkey = key;
			im->lastval = *val = im->vals[h];
			im->haslast = 1;
			return 1;
		}
	return 0;
}

/* imap_add - add a key that is not present; -1 when memory runs out */
static int
imap_add(struct imap *im, uint64_t key, uint32_t val)
{
	struct imap	 nm;
	size_t		 h, i;

	if ((im->n + 1) * 2 > im->cap) {
		memset(&nm, 0, sizeof(nm));
		nm.cap = im->cap ? im->cap * 2 : 64;
		if ((nm.keys = calloc(nm.cap, sizeof(*nm.keys))) == NULL ||
		    (nm.vals = calloc(nm.cap, sizeof(*nm.vals))) == NULL ||
		    (nm.used = calloc(nm.cap / 2, sizeof(*nm.used))) == NULL) {
			imap_free(&nm);
			return -1;
		}
		for (i = 0; i < im->n; i++) {
			h = im->used[i];
			if (imap_add(&nm, im->keys[h] - 1, im->vals[h]) == -1) {
				imap_free(&nm);
				return -1;
			}
		}
		imap_free(im);
		*im = nm;
	}
	for (h = LS_HASH(key) & (im->cap - 1); im->keys[h] != 0;
	    h = (h + 1) & (im->cap - 1))
		continue;
	im->keys[h] = key + 1;
	im->vals[h] = val;
	im->used[im->n++] = (uint32_t)h;
	return 0;
}

/* imap_reset - empty, keeping the memory */
static void
imap_reset(struct imap *im)
{
	size_t	 i;

	for (i = 0; i < im->n; i++)
		im->keys[im->used[i]] = 0;
	im->n = 0;
	im->haslast = 0;
}

/* imap_free - release */
static void
imap_free(struct imap *im)
{
	free(im->keys);
	free(im->vals);
	free(im->used);
	memset(im, 0, sizeof(*im));
}

/* ls_get - state of a logical signature, created if create */
static struct lstate *
ls_get(struct matcher *m, uint32_t mod, uint32_t sig, int create)
{
	uint64_t	 key = (uint64_t)mod << 32 | sig;
	uint32_t	 i;
	struct lstate	*ls;
	struct lcounts	*lc;

	if (imap_find(&m->lsmap, key, &i))
		return &m->ls[i];
	if (!create)
		return NULL;
	if ((ls = grow(m->ls, &m->capls, m->nls, sizeof(*ls))) == NULL)
		goto nomem;
	m->ls = ls;
	ls = &m->ls[m->nls];
	memset(ls, 0, sizeof(*ls));
	ls->mod = mod;
	ls->sig = sig;
	ls->cnt = UINT32_MAX;
	if (m->mods[mod]->sigs[sig].flags & VSIG_COUNTS) {
		if ((lc = grow(m->lc, &m->caplc, m->nlc, sizeof(*lc))) == NULL)
			goto nomem;
		m->lc = lc;
		memset(&m->lc[m->nlc], 0, sizeof(m->lc[0]));
		ls->cnt = (uint32_t)m->nlc++;
	}
	if (imap_add(&m->lsmap, key, (uint32_t)m->nls) == -1)
		goto nomem;
	return &m->ls[m->nls++];
nomem:
	m->err = ENOMEM;
	m->stop = 1;
	return NULL;
}

/* ls_reset - forget the logical signature state of the last scan */
static void
ls_reset(struct matcher *m)
{
	imap_reset(&m->lsmap);
	m->nls = 0;
	m->nlc = 0;
}

/* fin_get - the FINAL record of a pattern, created if create */
static struct pfinal *
fin_get(struct matcher *m, uint32_t mod, uint32_t pat, int create)
{
	uint64_t	 key = (uint64_t)mod << 32 | pat;
	uint32_t	 i;
	struct pfinal	*f;

	if (imap_find(&m->finmap, key, &i))
		return &m->fin[i];
	if (!create)
		return NULL;
	if ((f = grow(m->fin, &m->capfin, m->nfin, sizeof(*f))) == NULL)
		goto nomem;
	m->fin = f;
	if (imap_add(&m->finmap, key, (uint32_t)m->nfin) == -1)
		goto nomem;
	m->fin[m->nfin].from = UINT64_MAX;
	return &m->fin[m->nfin++];
nomem:
	m->err = ENOMEM;
	m->stop = 1;
	return NULL;
}

/* fin_reset - forget FINAL records */
static void
fin_reset(struct matcher *m)
{
	imap_reset(&m->finmap);
	m->nfin = 0;
}

/* tdb_ok - does the object satisfy a signature's target description */
static int
tdb_ok(struct matcher *m, const struct vmod_view *v, const struct vmod_sig *s)
{
	const struct vmod_tdb	*d;
	const struct scan_target *t = m->t;
	const struct exeinfo	*x = t->exe;
	uint32_t		 k, n;
	uint16_t		 ct;

	if (s->tdb == 0)
		return 1;
	d = &v->tdbs[s->tdb - 1];
	if ((d->flags & TDB_FILESIZE) &&
	    (m->len < d->fsize_min || m->len > d->fsize_max))
		return 0;
	if ((d->flags & TDB_EP) && (x == NULL || !x->has_ep ||
	    x->ep < d->ep_min || x->ep > d->ep_max))
		return 0;
	if ((d->flags & TDB_NSECT) && (x == NULL ||
	    x->nsections < d->nsect_min || x->nsections > d->nsect_max))
		return 0;
	if (d->flags & TDB_CONTAINER) {
		ct = t->nchain ? t->chain[t->nchain - 1] : FT_ANY;
		if (ct != d->container)
			return 0;
	}
	if (d->flags & TDB_INTERMED) {
		n = d->ninter;
		if (t->nchain < n)
			return 0;
		for (k = 0; k < n; k++)
			if (d->inter[k] != FT_ANY && d->inter[k] !=
			    t->chain[t->nchain - n + k])
				return 0;
	}
	return 1;
}

/*
 * add_hit - report signature name (offset in module mod's strings) unless
 * a module ignores it or it was reported already
 */
static void
add_hit(struct matcher *m, uint32_t mod, uint32_t name, uint32_t kind)
{
	struct match_result	*r = m->r;
	const struct vmod_view	*v = m->mods[mod];
	const char		*enc = v->str + name;
	char			 dec[MATCH_NAMELEN];
	uint64_t		 id = (uint64_t)mod << 32 | name, h;
	size_t			 i, n, lo, hi, mid;

	if (hit_has(m, id))
		return;
	for (n = 0; enc[n] != '\0' && n < sizeof(dec) - 1; n++)
		dec[n] = enc[n] ^ (v->xor | 0x80);
	dec[n] = '\0';
	h = fhash64(dec, n, 0);
	for (i = 0; i < m->nmods; i++) {
		lo = 0;
		hi = m->mods[i]->nign;
		while (lo < hi) {
			mid = lo + (hi - lo) / 2;
			if (m->mods[i]->ign[mid] == h)
				return;
			if (m->mods[i]->ign[mid] < h)
				lo = mid + 1;
			else
				hi = mid;
		}
	}
	for (i = 0; i < r->nhits; i++)
		if (strcmp(r->hits[i].name, dec) == 0)
			return;		/* the same name in another module */
	if (r->nhits < MATCH_MAXHITS) {
		memcpy(r->hits[r->nhits].name, dec, n + 1);
		r->hits[r->nhits].module = mod;
		r->hits[r->nhits].kind = kind;
		r->hits[r->nhits].id = id;
		r->nhits++;
	}
	if (!(m->flags & MATCH_ALL) || r->nhits == MATCH_MAXHITS)
		m->stop = 1;
}

/* owner_wants - does signature sig still need matches of subsig sub */
static int
owner_wants(struct matcher *m, uint32_t mod, const struct vmod_view *v,
    uint32_t sig, uint32_t sub)
{
	const struct vmod_sig	*s = &v->sigs[sig];
	struct lstate		*ls;

	if (s->kind != BODYSIG_LDB)
		return !(m->flags & MATCH_ALL) ||
		    !hit_has(m, (uint64_t)mod << 32 | s->name);
	if ((ls = ls_get(m, mod, sig, 0)) == NULL)
		return 1;
	if (ls->done)
		return 0;
	if (ls->cnt != UINT32_MAX)
		return m->lc[ls->cnt].counts[sub] < s->ccap;
	return !(ls->matched & ((uint64_t)1 << sub));
}

/* pat_wanted - is another match of this pattern of any use */
static int
pat_wanted(struct matcher *m, uint32_t mod, const struct vmod_view *v,
    const struct vmod_pat *p)
{
	struct pfinal	*f;

	if (p->nowners <= 1)
		return owner_wants(m, mod, v, p->sig, p->sub);
	/* shared patterns are retired (from = 0) when no owner wants more */
	f = m->nfin ? fin_get(m, mod, (uint32_t)(p - v->pats), 0) : NULL;
	return f == NULL || f->from != 0;
}

/* ldb_eval - evaluate a logical signature's expression and conditions */
static void
ldb_eval(struct matcher *m, struct lstate *ls)
{
	const struct vmod_view	*v = m->mods[ls->mod];
	const struct vmod_sig	*s = &v->sigs[ls->sig];

	uint32_t		 tmp[64], i;
	const uint32_t		*counts;

	if (ls->done)
		return;
	if (ls->cnt != UINT32_MAX)
		counts = m->lc[ls->cnt].counts;
	else {
		for (i = 0; i < 64; i++)
			tmp[i] = (ls->matched >> i) & 1;
		counts = tmp;
	}
	if (!lexpr_eval(v->expr + s->expr, s->exprlen, counts))
		return;
	if (!tdb_ok(m, v, s))
		return;
	ls->done = 1;
	add_hit(m, ls->mod, s->name, BODYSIG_LDB);
}

/* hit_has - has this name of this module been reported already */
static int
hit_has(struct matcher *m, uint64_t id)
{
	uint32_t	 i;

	for (i = 0; i < m->r->nhits; i++)
		if (m->r->hits[i].id == id)
			return 1;
	return 0;
}

/* record_one - subsignature sub of signature sig matched at start */
static void
record_one(struct matcher *m, uint32_t mod, const struct vmod_view *v,
    uint32_t sig, uint32_t sub, uint64_t start)
{
	const struct vmod_sig	*s = &v->sigs[sig];
	struct lstate		*ls;
	struct lcounts		*lc;
	uint64_t		 bit = (uint64_t)1 << sub;

	if (s->kind != BODYSIG_LDB) {
		add_hit(m, mod, s->name, BODYSIG_NDB);
		return;
	}
	if ((ls = ls_get(m, mod, sig, 1)) == NULL || ls->done)
		return;
	if (ls->cnt != UINT32_MAX) {
		lc = &m->lc[ls->cnt];
		if ((ls->matched & bit) && lc->last[sub] == start)
			return;		/* same match found twice */
		if (lc->counts[sub] >= s->ccap)
			return;		/* more cannot change the result */
		lc->last[sub] = start;
		if (lc->counts[sub] < UINT32_MAX)
			lc->counts[sub]++;
	} else if (ls->matched & bit)
		return;
	ls->matched |= bit;
	if (s->flags & VSIG_MONOTONE)
		ldb_eval(m, ls);
}

/*
 * record - a pattern matched starting at start: record it for each owner,
 * and retire a shared pattern no owner wants more of.
 */
static void
record(struct matcher *m, uint32_t mod, const struct vmod_view *v,
    const struct vmod_pat *p, uint64_t start)
{
	const struct vmod_owner	*o;
	struct pfinal		*f;
	uint32_t		 i;
	int			 wanted = 0;

	if (p->nowners <= 1) {
		record_one(m, mod, v, p->sig, p->sub, start);
		return;
	}
	o = &v->owners[p->owners];
	for (i = 0; i < p->nowners && !m->stop; i++)
		record_one(m, mod, v, o[i].sig, o[i].sub, start);
	for (i = 0; i < p->nowners && !wanted; i++)
		wanted = owner_wants(m, mod, v, o[i].sig, o[i].sub);
	if (!wanted && (f = fin_get(m, mod, (uint32_t)(p - v->pats), 1))
	    != NULL)
		f->from = 0;
}

/* cs_get - the state of chain (mod, chain) of npart parts */
static struct cstate *
cs_get(struct matcher *m, uint32_t mod, uint32_t chain, uint32_t npart,
    int create)
{
	uint64_t	 key = (uint64_t)mod << 32 | chain;
	uint32_t	 i;
	struct cstate	*c;

	if (imap_find(&m->cstmap, key, &i))
		return &m->cst[i];
	if (!create)
		return NULL;
	if ((c = grow(m->cst, &m->capcst, m->ncst, sizeof(*c))) == NULL)
		goto nomem;
	m->cst = c;
	c = &m->cst[m->ncst];
	memset(c, 0, sizeof(*c));
	c->mod = mod;
	c->chain = chain;
	c->nl = npart - 1;
	if ((c->l = calloc(c->nl, sizeof(*c->l))) == NULL ||
	    imap_add(&m->cstmap, key, (uint32_t)m->ncst) == -1) {
		free(c->l);
		goto nomem;
	}
	return &m->cst[m->ncst++];
nomem:
	m->err = ENOMEM;
	m->stop = 1;
	return NULL;
}

/* cs_reset - forget the chains of the last scan */
static void
cs_reset(struct matcher *m)
{
	size_t		 i;
	uint32_t	 k;

	for (i = 0; i < m->ncst; i++) {
		for (k = 0; k < m->cst[i].nl; k++)
			free(m->cst[i].l[k].v);
		free(m->cst[i].l);
	}
	imap_reset(&m->cstmap);
	m->ncst = 0;
}

/*
 * clist_push - a valid chain ends at e.  unbounded: the next gap has no
 * maximum (keep the earliest end only); else spans that no later part can
 * use (hi < drop) are dropped.  Returns 0, -1 out of memory.
 */
static int
clist_push(struct clist *l, uint64_t e, uint64_t drop, int unbounded)
{
	struct cspan	*nv;
	uint32_t	 cap, i;

	if (unbounded) {
		if (!l->has || e < l->min)
			l->min = e;
		l->has = 1;
		return 0;
	}
	while (l->head < l->n && l->v[l->head].hi < drop)
		l->head++;
	if (l->head == l->n)
		l->head = l->n = 0;
	if (l->n > l->head) {
		if (e >= l->v[l->n - 1].lo && e <= l->v[l->n - 1].hi + 1) {
			if (e > l->v[l->n - 1].hi)
				l->v[l->n - 1].hi = e;
			return 0;
		}
		if (e < l->v[l->n - 1].lo) {
			/* out of order (variable-width parts): rare */
			for (i = l->head; i < l->n; i++)
				if (e >= l->v[i].lo && e <= l->v[i].hi)
					return 0;
		}
	}
	if (l->n - l->head >= CHAIN_MAXSPANS)
		l->head++;		/* the oldest gives way */
	if (l->n == l->cap) {
		if (l->head > 0) {
			memmove(l->v, l->v + l->head,
			    (l->n - l->head) * sizeof(*l->v));
			l->n -= l->head;
			l->head = 0;
		}
		if (l->n == l->cap) {
			cap = l->cap ? l->cap * 2 : 8;
			if ((nv = reallocarray(l->v, cap, sizeof(*nv))) == NULL)
				return -1;
			l->v = nv;
			l->cap = cap;
		}
	}
	l->v[l->n].lo = l->v[l->n].hi = e;
	l->n++;
	/* keep the spans sorted by start */
	for (i = l->n - 1; i > l->head && l->v[i].lo < l->v[i - 1].lo; i--) {
		struct cspan	 t = l->v[i];

		l->v[i] = l->v[i - 1];
		l->v[i - 1] = t;
	}
	return 0;
}

/*
 * clist_find - does a chain end in [lo, hi]; spans ending before drop are
 * of no further use
 */
static int
clist_find(struct clist *l, uint64_t lo, uint64_t hi, uint64_t drop,
    int unbounded)
{
	uint32_t	 i;

	if (unbounded)
		return l->has && l->min <= hi;
	while (l->head < l->n && l->v[l->head].hi < drop)
		l->head++;
	for (i = l->head; i < l->n && l->v[i].lo <= hi; i++)
		if (l->v[i].hi >= lo)
			return 1;
	return 0;
}

/*
 * part_prefix - the width of a part's elements before element el, or -1
 * when one of them has no fixed width
 */
static int64_t
part_prefix(const struct vmod_view *v, const struct vmod_pat *p, uint32_t el)
{
	const struct vmod_el	*e = v->els + p->el;
	int64_t			 w = 0, x;
	uint32_t		 i;

	for (i = p->pfirst; i < el; i++) {
		if (e[i].op == PEL_ASSERT)
			continue;
		if ((x = el_width(&e[i])) < 0)
			return -1;
		w += x;
	}
	return w;
}

/*
 * check_part - part p->part of a chained pattern anchored at element
 * el + off = pos: verify the part alone, then see whether it continues a
 * chain of the parts before it within its gap.
 */
static void
check_part(struct matcher *m, uint32_t mod, const struct vmod_view *v,
    uint32_t pat, uint32_t el, size_t pos, uint32_t off)
{
	const struct vmod_pat	*p = &v->pats[pat], *w, *next;
	const struct vmod_chain	*ch = &v->chains[p->chain];
	struct cstate		*cs;
	struct vctx		 c;
	int64_t			 end, start, pre;
	uint64_t		 lo, hi, drop, ps;
	uint32_t		 k = p->part;
	int			 unb;

	w = &v->pats[ch->pat];
	if (pos < off || !pat_wanted(m, mod, v, w))
		return;
	if ((cs = cs_get(m, mod, p->chain, ch->npart, k == 0)) == NULL)
		return;
	if (k > 0 && cs->l[k - 1].n == cs->l[k - 1].head && !cs->l[k - 1].has)
		return;		/* nothing to continue: no verification */
	if (k + 1 < ch->npart && cs->l[k].has)
		return;		/* unbounded gap next: the earliest end is kept */
	/*
	 * Where a fixed-width prefix puts the part's start, a chain of the
	 * parts before must end within the gap before it: ask before
	 * verifying (common parts are hit often, chains seldom fit).
	 */
	if (k > 0 && (pre = part_prefix(v, p, el)) >= 0) {
		if ((uint64_t)pre > pos - off)
			return;
		ps = pos - off - (uint64_t)pre;
		unb = p->gmax == PEL_INF;
		if (ps < p->gmin)
			return;
		hi = ps - p->gmin;
		lo = unb || p->gmax > ps ? 0 : ps - p->gmax;
		drop = lo > p->pmaxw ? lo - p->pmaxw : 0;
		if (!clist_find(&cs->l[k - 1], lo, hi, drop, unb))
			return;
	}
	vctx_init(&c, m, v, p);
	if (k == 0 && w->offkind != OFF_ANY &&
	    pat_window(w, m->t, m->len, &c.lo, &c.hi) == -1)
		return;
	m->r->verifies++;
	end = fwd(&c, el, pos - off);
	start = end >= 0 ? bwd(&c, (int64_t)el - 1, pos - off) : end;
	m->r->steps += VERIFY_BUDGET - c.budget;
	if (start < 0)
		return;
	if (k > 0) {
		unb = p->gmax == PEL_INF;
		if ((uint64_t)start < p->gmin)
			return;
		hi = (uint64_t)start - p->gmin;
		lo = unb || p->gmax > (uint64_t)start ? 0 :
		    (uint64_t)start - p->gmax;
		drop = lo > p->pmaxw ? lo - p->pmaxw : 0;
		if (!clist_find(&cs->l[k - 1], lo, hi, drop, unb))
			return;
	}
	if (k + 1 == ch->npart) {
		record(m, mod, v, w, (uint64_t)end);
		return;
	}
	next = &v->pats[ch->part0 + k + 1];
	unb = next->gmax == PEL_INF;
	drop = pos > (uint64_t)next->pmaxw + next->gmax ?
	    pos - next->pmaxw - next->gmax : 0;
	if (clist_push(&cs->l[k], (uint64_t)end, unb ? 0 : drop, unb) == -1) {
		m->err = ENOMEM;
		m->stop = 1;
	}
}

/* check_pat - verify pattern pat anchored at element el+off = pos */
static void
check_pat(struct matcher *m, uint32_t mod, const struct vmod_view *v,
    uint32_t pat, uint32_t el, size_t pos, uint32_t off)
{
	const struct vmod_pat	*p = &v->pats[pat];
	struct pfinal		*f;
	struct vctx		 c;
	int64_t			 end, start;
	size_t			 s;

	if (p->flags & VPAT_PART) {
		check_part(m, mod, v, pat, el, pos, off);
		return;
	}
	if (pos < off || !pat_wanted(m, mod, v, p))
		return;
	s = pos - off;
	if (m->nfin > 0 && (f = fin_get(m, mod, pat, 0)) != NULL &&
	    s >= f->from)
		return;
	vctx_init(&c, m, v, p);
	if (p->offkind != OFF_ANY &&
	    pat_window(p, m->t, m->len, &c.lo, &c.hi) == -1)
		return;
	m->r->verifies++;
	end = fwd(&c, el, s);
	if (end == MR_FINAL && (f = fin_get(m, mod, pat, 1)) != NULL &&
	    s < f->from)
		f->from = s;
	if (end >= 0)
		start = bwd(&c, (int64_t)el - 1, s);
	else
		start = end;
	m->r->steps += VERIFY_BUDGET - c.budget;
	if (c.budget == 0)
		m->r->exhausted++;
	if (start < 0)
		return;
	record(m, mod, v, p, (uint64_t)start);
}

/*
 * ext_ok - the quick check of an entry: the 4 bytes after (or before) the
 * window at pos, of length klen, agree with the pattern where it is fixed.
 * Near the ends of the object, where they cannot be read, it passes.
 */
static inline int
ext_ok(const struct matcher *m, const struct vmod_view *v,
    const struct vmod_ent *e, size_t pos, uint32_t klen)
{
	uint32_t	 w;
	size_t		 q;

	if (e->pat & VENT_BEFORE) {
		if (pos < 4)
			return 1;
		q = pos - 4;
	} else
		q = pos + klen;
	if (q > m->len || m->len - q < 4)
		return 1;
	memcpy(&w, m->buf + q, 4);
	return ((w ^ v->xor32) & e->extmask) == e->ext;
}

/* probe - a bitmap hit: look the key up and check its patterns */
static void
probe(struct matcher *m, uint32_t mod, const struct vmod_view *v,
    uint64_t slots, uint32_t slog, uint32_t key, size_t pos, uint32_t klen)
{
	const struct vmod_slot	*sl = v->slots + slots;
	const struct vmod_ent	*e;
	uint32_t		 h, mask = (1U << slog) - 1;

	h = (uint32_t)(key * VMOD_SLOTMUL) >> (32 - slog);
	while (sl[h].ent != UINT32_MAX) {
		if (sl[h].key == key) {
			for (e = &v->ents[sl[h].ent]; !m->stop; e++) {
				if (e->extmask == 0 ||
				    ext_ok(m, v, e, pos, klen))
					check_pat(m, mod, v, e->pat & VENT_PAT,
					    e->el, pos, e->off);
				if (e->pat & VENT_LAST)
					break;
			}
			return;
		}
		h = (h + 1) & mask;
	}
}

/*
 * BIT4 and BIT2 test a 4-byte and a 2-byte window (already XORed) against
 * a group's bitmaps; they yield 0 or 1.
 */
#define BIT4(k)	bloom4(bits, shift, (k))
#define BIT2(k)	((sbits[((k) & 0xffff) >> 6] >> ((k) & 63)) & 1)

/* bloom4 - is a 4-byte key possibly in a group's blocked Bloom filter */
static inline int
bloom4(const uint64_t *bits, uint32_t shift, uint32_t k)
{
	uint64_t	 h = (uint64_t)k * VMOD_BITMUL;
	uint64_t	 m = (uint64_t)1 << (h & 63) | (uint64_t)1 << ((h >> 6) & 63);

	return (bits[h >> shift] & m) == m;
}

/* scan_one - test the windows at position i, probe on hits */
static inline void
scan_one(struct matcher *m, uint32_t mod, const struct vmod_view *v,
    const struct vmod_group *g, size_t i, uint32_t k, int has4, int has2)
{
	/* a group's table offsets mean something only if it has tables */
	const uint64_t	*bits = has4 ? v->bits + g->bits : NULL;
	const uint64_t	*sbits = has2 ? v->bits + g->sbits : NULL;
	uint32_t	 shift = 64 - (g->bits_log2 - 6);

	if (has4 && BIT4(k))
		probe(m, mod, v, g->slots, g->slots_log2, k, i, 4);
	if (has2 && !m->stop && BIT2(k))
		probe(m, mod, v, g->sslots, g->sslots_log2, k & 0xffff, i, 2);
}

/*
 * scan_group - prefilter positions [from, to) of the object.  The main
 * loop reads 8 bytes and tests the four windows starting in the first
 * four with one branch; the last positions of the object, where fewer
 * than 8 bytes remain, go one by one.
 */
static void
scan_group(struct matcher *m, uint32_t mod, const struct vmod_view *v,
    const struct vmod_group *g, size_t from, size_t to)
{
	const uint8_t	*b = m->buf;
	const uint64_t	*bits, *sbits;
	const uint32_t	 x32 = v->xor32;
	const uint64_t	 x64 = (uint64_t)x32 << 32 | x32;
	uint32_t	 shift = 64 - (g->bits_log2 - 6), k0, k1, k2, k3;
	int		 has4 = g->bits_log2 != 0, has2 = g->sslots_log2 != 0;
	uint64_t	 w, hit;
	size_t		 i, end8, last;

	if (!has4 && !has2)
		return;
	/* a group's table offsets mean something only if it has tables */
	bits = has4 ? v->bits + g->bits : NULL;
	sbits = has2 ? v->bits + g->sbits : NULL;
	end8 = m->len >= 8 ? m->len - 7 : 0;
	if (end8 > to)
		end8 = to;
	i = from;
	if (has4 && !has2) {
		for (; i + 4 <= end8; i += 4) {
			memcpy(&w, b + i, 8);
			w ^= x64;
			k0 = (uint32_t)w;
			k1 = (uint32_t)(w >> 8);
			k2 = (uint32_t)(w >> 16);
			k3 = (uint32_t)(w >> 24);
			hit = BIT4(k0) | BIT4(k1) | BIT4(k2) | BIT4(k3);
			if (__builtin_expect(hit, 0)) {
				scan_one(m, mod, v, g, i, k0, 1, 0);
				if (!m->stop)
					scan_one(m, mod, v, g, i + 1, k1, 1, 0);
				if (!m->stop)
					scan_one(m, mod, v, g, i + 2, k2, 1, 0);
				if (!m->stop)
					scan_one(m, mod, v, g, i + 3, k3, 1, 0);
				if (m->stop)
					return;
			}
		}
	} else {
		for (; i + 4 <= end8; i += 4) {
			memcpy(&w, b + i, 8);
			w ^= x64;
			k0 = (uint32_t)w;
			k1 = (uint32_t)(w >> 8);
			k2 = (uint32_t)(w >> 16);
			k3 = (uint32_t)(w >> 24);
			hit = BIT2(k0) | BIT2(k1) | BIT2(k2) | BIT2(k3);
			if (has4)
				hit |= BIT4(k0) | BIT4(k1) | BIT4(k2) |
				    BIT4(k3);
			if (__builtin_expect(hit, 0)) {
				scan_one(m, mod, v, g, i, k0, has4, 1);
				if (!m->stop)
					scan_one(m, mod, v, g, i + 1, k1, has4,
					    1);
				if (!m->stop)
					scan_one(m, mod, v, g, i + 2, k2, has4,
					    1);
				if (!m->stop)
					scan_one(m, mod, v, g, i + 3, k3, has4,
					    1);
				if (m->stop)
					return;
			}
		}
	}
	/* the tail: a 4-byte window needs 4 bytes, a 2-byte one 2 */
	last = to < m->len ? to : m->len;
	for (; i < last && !m->stop; i++) {
		uint8_t	 tail[4] = { 0, 0, 0, 0 };
		size_t	 left = m->len - i;

		memcpy(tail, b + i, left < 4 ? left : 4);
		memcpy(&k0, tail, 4);
		k0 ^= x32;
		scan_one(m, mod, v, g, i, k0, has4 && left >= 4,
		    has2 && left >= 2);
	}
}

/* scan_direct - patterns checked where their offset puts them */
static void
scan_direct(struct matcher *m, uint32_t mod, const struct vmod_view *v,
    const struct vmod_group *g)
{
	const struct vmod_direct *d;
	const struct vmod_pat	*p;
	struct vctx		 c;
	uint64_t		 lo, hi, s;
	uint32_t		 i, w;
	int64_t			 r;

	for (i = 0; i < g->ndirect && !m->stop; i++) {
		d = &v->direct[g->direct + i];
		p = &v->pats[d->pat];
		if (pat_window(p, m->t, m->len, &lo, &hi) == -1)
			continue;
		for (s = lo; s <= hi && !m->stop; s++) {
			if (d->headmask != 0 && m->len - s >= 4) {
				memcpy(&w, m->buf + s, 4);
				if (((w ^ v->xor32) & d->headmask) != d->head)
					continue;
			}
			if (!pat_wanted(m, mod, v, p))
				break;
			vctx_init(&c, m, v, p);
			m->r->verifies++;
			r = fwd(&c, 0, s);
			m->r->steps += VERIFY_BUDGET - c.budget;
			if (c.budget == 0)
				m->r->exhausted++;
			if (r == MR_FINAL)
				break;
			if (r >= 0)
				record(m, mod, v, p, s);
		}
	}
}

/* scan_zero - .ldb signatures true without any match, if untouched */
static void
scan_zero(struct matcher *m, uint32_t mod, const struct vmod_view *v,
    const struct vmod_group *g)
{
	const struct vmod_sig	*s;
	uint32_t		 i, sig;

	for (i = 0; i < g->nzero && !m->stop; i++) {
		sig = v->zero[g->zero + i];
		if (ls_get(m, mod, sig, 0) != NULL)
			continue;	/* evaluated with its matches */
		s = &v->sigs[sig];
		if (tdb_ok(m, v, s))
			add_hit(m, mod, s->name, BODYSIG_LDB);
	}
}

/* hash_find - exact (size, digest) in a sorted table */
static const struct vmod_hash *
hash_find(const uint8_t *tab, size_t n, uint32_t rec, size_t dl,
    uint64_t size, const uint8_t *d)
{
	const struct vmod_hash	*e;
	size_t			 lo = 0, hi = n, mid;
	int			 c;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		e = (const struct vmod_hash *)(tab + mid * rec);
		if (e->size != size)
			c = e->size < size ? -1 : 1;
		else
			c = memcmp(e->digest, d, dl);
		if (c == 0)
			return e;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* hash_size - has a sorted table an entry of this size */
static int
hash_size(const uint8_t *tab, size_t n, uint32_t rec, uint64_t size)
{
	const struct vmod_hash	*e;
	size_t			 lo = 0, hi = n, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		e = (const struct vmod_hash *)(tab + mid * rec);
		if (e->size == size)
			return 1;
		if (e->size < size)
			lo = mid + 1;
		else
			hi = mid;
	}
	return 0;
}

/* hash_needed - digest types some signature (fp: allow-list) asks for */
static unsigned
hash_needed(struct matcher *m, int fp)
{
	const struct vmod_view	*v;
	unsigned		 mask = 0;
	size_t			 i, n;
	int			 t;
	const uint8_t		*tab;

	for (i = 0; i < m->nmods; i++) {
		v = m->mods[i];
		for (t = 0; t < DIGEST_NTYPES; t++) {
			tab = fp ? v->fp[t] : v->hash[t];
			n = fp ? v->nfp[t] : v->nhash[t];
			if (n == 0)
				continue;
			if (hash_size(tab, n, v->hashrec[t], m->len) ||
			    hash_size(tab, n, v->hashrec[t], HASH_ANYSIZE))
				mask |= 1U << t;
		}
	}
	return mask;
}

/* allowlisted - is the object on an allow-list; have: digests computed */
static int
allowlisted(struct matcher *m, uint8_t dg[][DIGEST_MAXLEN], unsigned have)
{
	const struct vmod_view	*v;
	unsigned		 need;
	size_t			 i;
	int			 t;

	if ((need = hash_needed(m, 1)) == 0)
		return 0;
	for (t = 0; t < DIGEST_NTYPES; t++)
		if ((need & (1U << t)) && !(have & (1U << t)) &&
		    digest_buf(t, m->buf, m->len, dg[t]) == -1) {
			m->err = EIO;
			return 0;
		}
	for (i = 0; i < m->nmods; i++) {
		v = m->mods[i];
		for (t = 0; t < DIGEST_NTYPES; t++) {
			if (!(need & (1U << t)) || v->nfp[t] == 0)
				continue;
			if (hash_find(v->fp[t], v->nfp[t], v->hashrec[t],
			    dlen[t], m->len, dg[t]) != NULL ||
			    hash_find(v->fp[t], v->nfp[t], v->hashrec[t],
			    dlen[t], HASH_ANYSIZE, dg[t]) != NULL)
				return 1;
		}
	}
	return 0;
}

/* matcher_allowlisted - is an object on an allow-list of any module */
int
matcher_allowlisted(struct matcher *m, const uint8_t *buf, size_t len)
{
	uint8_t	 dg[DIGEST_NTYPES][DIGEST_MAXLEN];
	int	 rc;

	m->buf = buf != NULL ? buf : (const uint8_t *)"";
	m->len = len;
	m->err = 0;
	rc = allowlisted(m, dg, 0);
	if (m->err) {
		errno = m->err;
		return -1;
	}
	return rc;
}

/* matcher_scan - match one object */
int
matcher_scan(struct matcher *m, const uint8_t *buf, size_t len,
    const struct scan_target *t, unsigned flags, struct match_result *r)
{
	const struct vmod_view	*v;
	const struct vmod_group	*g;
	const struct vmod_hash	*he;
	uint8_t			 dg[DIGEST_NTYPES][DIGEST_MAXLEN];
	unsigned		 hmask = 0;
	size_t			 i, off, end;
	int			 tt;

	memset(r, 0, sizeof(*r));
	m->t = t;
	m->buf = buf;
	m->len = len;
	m->flags = flags;
	m->r = r;
	m->stop = 0;
	m->err = 0;
	ls_reset(m);
	fin_reset(m);
	cs_reset(m);
	if (buf == NULL)
		m->buf = buf = (const uint8_t *)"";

	if (!(flags & MATCH_NOHASH) && (hmask = hash_needed(m, 0)) != 0 &&
	    digest_reset(m->dg, hmask) == -1)
		return -1;

	if (t->group >= 0 && t->group < VMOD_NGROUPS)
		for (i = 0; i < m->nmods && !m->stop; i++)
			scan_direct(m, (uint32_t)i, m->mods[i],
			    &m->mods[i]->groups[t->group]);

	for (off = 0; off < len && !m->stop; off = end) {
		end = len - off > MATCH_CHUNK ? off + MATCH_CHUNK : len;
		if (hmask)
			digest_update(m->dg, buf + off, end - off);
		if (t->group < 0 || t->group >= VMOD_NGROUPS)
			continue;
		for (i = 0; i < m->nmods && !m->stop; i++) {
			v = m->mods[i];
			g = &v->groups[t->group];
			scan_group(m, (uint32_t)i, v, g, off, end);
		}
	}

	/* Logical signatures whose expressions wait for the end. */
	for (i = 0; i < m->nls && !m->stop; i++)
		ldb_eval(m, &m->ls[i]);
	/* Those true with no match: the untouched ones hold now. */
	if (t->group >= 0 && t->group < VMOD_NGROUPS)
		for (i = 0; i < m->nmods && !m->stop; i++)
			scan_zero(m, (uint32_t)i, m->mods[i],
			    &m->mods[i]->groups[t->group]);

	if (hmask && !m->stop) {
		if (digest_final(m->dg, dg) == -1)
			return -1;
		for (i = 0; i < m->nmods && !m->stop; i++) {
			v = m->mods[i];
			for (tt = 0; tt < DIGEST_NTYPES && !m->stop; tt++) {
				if (!(hmask & (1U << tt)) || v->nhash[tt] == 0)
					continue;
				he = hash_find(v->hash[tt], v->nhash[tt],
				    v->hashrec[tt], dlen[tt], len, dg[tt]);
				if (he == NULL)
					he = hash_find(v->hash[tt],
					    v->nhash[tt], v->hashrec[tt],
					    dlen[tt], HASH_ANYSIZE, dg[tt]);
				if (he != NULL)
					add_hit(m, (uint32_t)i, he->name, 0);
			}
		}
	} else if (hmask)
		hmask = 0;	/* digests incomplete: not usable below */
	if (m->err) {
		errno = m->err;
		return -1;
	}

	if (r->nhits > 0 && !(flags & MATCH_NOFP) &&
	    allowlisted(m, dg, hmask)) {
		r->nhits = 0;
		r->allowlisted = 1;
	}
	if (m->err) {
		errno = m->err;
		return -1;
	}
	return (int)r->nhits;
}
