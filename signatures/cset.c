/*
 * cset.c - signature set to module image
 *
 * DESCRIPTION
 *	Signatures are appended to growing section buffers as they arrive:
 *	names, signature records, target descriptions, expression programs,
 *	pattern records, elements (their pool offsets relocated into the
 *	module's single pool) and pool bytes.  Anchors and direct patterns
 *	are kept aside with their target type.  cset_build() then applies
 *	.ign names, sorts the hash tables, builds one prefilter per target
 *	group (the group's own patterns plus, for raw-byte groups, those of
 *	target 0) and lays everything out behind the header.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "util/buf.h"
#include "util/digest.h"
#include "util/fhash.h"
#include "av/averr.h"
#include "signatures/anchor.h"
#include "signatures/cset.h"
#include "signatures/lexpr.h"
#include "signatures/vmod.h"

/* Fixed offsets floating at most this far are checked directly, ... */
#define CSET_DIRECT_SHIFT	256
/* ... unless their gaps leave more than this to try (then by parts). */
#define CSET_DIRECT_GAPS	1024
/* Pattern bytes and keys are stored XORed with this (vmod.h). */
#define CSET_XOR		0x5a

struct anc {
	uint32_t	 key;
	uint32_t	 pat;
	uint16_t	 el;
	uint16_t	 off;
	uint8_t		 target;
	uint8_t		 len;
	uint8_t		 before;	/* quick-check bytes precede */
	uint8_t		 pad;
	uint32_t	 ext;		/* XORed, masked */
	uint32_t	 extmask;
};

struct dir {
	struct vmod_direct	 d;
	uint32_t		 target;
};

/* How a pattern is found: at its offset, by one anchor, or part by part. */
struct ppart {
	uint32_t	 first;
	uint32_t	 count;
	uint32_t	 gmin;
	uint32_t	 gmax;
	uint32_t	 maxw;
	struct anchor	 a;
};

struct plan {
	int		 direct;
	uint32_t	 nparts;	/* > 1: chained */
	struct ppart	*parts;
	struct anchor	 a;		/* the whole pattern's anchor */
};

struct cset {
	struct cset_opts	 o;
	struct cset_stats	 st;
	int			 failed;
	struct buf		 strings;
	struct buf		 sigs;		/* struct vmod_sig */
	struct buf		 tdbs;		/* struct vmod_tdb */
	struct buf		 expr;
	struct buf		 pats;		/* struct vmod_pat */
	struct buf		 elems;		/* struct vmod_el */
	struct buf		 pool;
	struct buf		 anc;		/* struct anc */
	struct buf		 dir;		/* struct dir */
	struct buf		 hash[DIGEST_NTYPES];	/* struct vmod_hash */
	struct buf		 fp[DIGEST_NTYPES];
	struct buf		 ign;		/* uint64_t: name-only entries */
	struct buf		 ignx;		/* struct ignent: every entry */
	int			 ignx_sorted;
	struct buf		 xown;		/* struct xowner */
	struct buf		 chains;	/* struct vmod_chain */
	struct buf		 dedup;		/* struct dslot[dedupcap] */
	size_t			 dedupcap;
	size_t			 ndedup;
	struct buf		 scratch;	/* pattern serialisation */
};

/* An .ign/.ign2 entry: a name, and maybe the MD5 of one source line. */
struct ignent {
	uint64_t	 name;		/* fhash64 of the name */
	uint8_t		 md5[16];
	uint32_t	 hasmd5;
	uint32_t	 pad;
};

/* An owner of a pattern beyond its first. */
struct xowner {
	uint32_t	 pat;
	uint32_t	 sig;
	uint32_t	 sub;
};

/* Deduplication table: 128-bit digest of a pattern -> its index. */
struct dslot {
	uint64_t	 h1;
	uint64_t	 h2;
	uint32_t	 pat;
	uint32_t	 used;
};

/* What cset_build() assembles, section by section. */
struct layout {
	struct buf	 sect[VS_NSECT];
	uint32_t	 recsize[VS_NSECT];
};

static const char *cset_reasons[CR_NREASONS] = {
	"malformed",
	"functionality level excludes this engine",
	"PCRE subsignature",
	"byte-compare subsignature",
	"macro subsignature",
	"fuzzy image hash",
	"icon group condition",
	"VI offset",
	"unsupported feature",
	"no fixed bytes to anchor a pattern",
	"ignored by .ign/.ign2",
	"PUA database not enabled",
	"database kind not supported",
};

static uint32_t	 cset_string(struct cset *, const char *);
static int	 cset_pattern(struct cset *, const struct pattern *,
		    const struct sigoff *, uint32_t, uint8_t, uint8_t,
		    const struct plan *);
static void	 cset_anchor(struct cset *, uint32_t, uint8_t,
		    const struct anchor *);
static uint32_t	 range_maxw(const struct pattern *, uint32_t, uint32_t);
static uint64_t	 gap_width(const struct pattern *);
static int	 plan_make(const struct pattern *, const struct sigoff *,
		    struct plan *, int);
static int	 cset_dedup(struct cset *, const struct pattern *,
		    const struct sigoff *, uint8_t, int, uint32_t *);
static int	 xown_cmp(const void *, const void *);
static int	 build_owners(struct cset *, struct layout *,
		    const uint8_t *, uint8_t *);
static void	 cset_obfuscate(uint8_t *, const struct pattern *);
static int	 str_cmp(const void *, const void *, void *);
static int	 anc_cmp(const void *, const void *);
static int	 hash_cmp(const void *, const void *, void *);
static int	 u64_cmp(const void *, const void *);
static int	 cset_ignored(const struct cset *, const char *);
static int	 cset_ignored_line(struct cset *, const char *, const char *,
		    size_t);
static int	 ignent_cmp(const void *, const void *);
static int	 group_raw(unsigned);
static int	 group_has(unsigned, uint8_t);
static uint32_t	 ceil_log2(uint64_t);
static int	 build_table(struct layout *, struct anc *, size_t, int,
		    struct vmod_group *);
static int	 build_groups(struct cset *, struct layout *, const uint8_t *,
		    const uint8_t *);

static int	 build_hashes(struct cset *, struct layout *);
static int	 build_zero(struct cset *, struct layout *, const uint8_t *,
		    struct vmod_group *);

/* cset_reason_str - description of a skip reason */
const char *
cset_reason_str(enum cset_reason r)
{
	return (unsigned)r < CR_NREASONS ? cset_reasons[r] : "?";
}

/* cset_new - empty set */
struct cset *
cset_new(const struct cset_opts *o)
{
	struct cset	*cs;

	if ((cs = calloc(1, sizeof(*cs))) == NULL)
		return NULL;
	if (o != NULL)
		cs->o = *o;
	if (cs->o.flevel == 0)
		cs->o.flevel = VIGIL_FLEVEL;
	/* offset 0 of the string section is the empty string */
	buf_addz(&cs->strings, 1);
	return cs;
}

/* cset_free - release everything */
void
cset_free(struct cset *cs)
{
	int	 i;

	if (cs == NULL)
		return;
	buf_clear(&cs->strings);
	buf_clear(&cs->sigs);
	buf_clear(&cs->tdbs);
	buf_clear(&cs->expr);
	buf_clear(&cs->pats);
	buf_clear(&cs->elems);
	buf_clear(&cs->pool);
	buf_clear(&cs->anc);
	buf_clear(&cs->dir);
	buf_clear(&cs->ign);
	buf_clear(&cs->ignx);
	buf_clear(&cs->xown);
	buf_clear(&cs->chains);
	buf_clear(&cs->dedup);
	buf_clear(&cs->scratch);
	for (i = 0; i < DIGEST_NTYPES; i++) {
		buf_clear(&cs->hash[i]);
		buf_clear(&cs->fp[i]);
	}
	free(cs);
}

/* cset_stats - counters so far */
const struct cset_stats *
cset_stats(const struct cset *cs)
{
	return &cs->st;
}

/* cset_stats_rw - counters, for the loaders */
struct cset_stats *
cset_stats_rw(struct cset *cs)
{
	return &cs->st;
}

/* cset_flevel - the engine level lines are checked against */
uint32_t
cset_flevel(const struct cset *cs)
{
	return cs->o.flevel;
}

/* cset_pua - are PUA databases wanted */
int
cset_pua(const struct cset *cs)
{
	return cs->o.pua;
}

/* cset_failed - did a strict error stop the compilation */
int
cset_failed(const struct cset *cs)
{
	return cs->failed;
}

/* cset_skip - count a line left out, report it if it is an error */
void
cset_skip(struct cset *cs, enum cset_reason r, const char *file,
    unsigned long line, const char *detail)
{
	char	 msg[512];

	if ((unsigned)r >= CR_NREASONS)
		r = CR_UNSUPPORTED;
	cs->st.skipped[r]++;
	if (r == CR_MALFORMED && cs->o.strict)
		cs->failed = 1;
	if (cs->o.report == NULL || (r != CR_MALFORMED && !cs->o.verbose))
		return;
	if (detail != NULL && r == CR_MALFORMED)
		snprintf(msg, sizeof(msg), "%s", detail);
	else if (detail != NULL)
		snprintf(msg, sizeof(msg), "skipped: %s: %s",
		    cset_reason_str(r), detail);
	else
		snprintf(msg, sizeof(msg), "skipped: %s", cset_reason_str(r));
	cs->o.report(cs->o.arg, file, line, msg);
}

/* cset_string - add a name, return its offset */
static uint32_t
cset_string(struct cset *cs, const char *s)
{
	return (uint32_t)buf_add(&cs->strings, s, strlen(s) + 1);
}

/* cset_add_hash - a hash signature or allow-list entry */
int
cset_add_hash(struct cset *cs, const struct hashsig *h)
{
	struct vmod_hash	 e;

	if (h->type >= DIGEST_NTYPES) {
		errno = EINVAL;
		return -1;
	}
	if (!h->fp && cset_ignored_line(cs, h->name, h->line, h->linelen)) {
		cs->st.skipped[CR_IGNORED]++;
		return 0;
	}
	memset(&e, 0, sizeof(e));
	e.size = h->size;
	memcpy(e.digest, h->digest, digest_len(h->type));
	e.name = cset_string(cs, h->name);
	if (h->fp) {
		buf_add(&cs->fp[h->type], &e, sizeof(e));
		cs->st.fp[h->type]++;
	} else {
		buf_add(&cs->hash[h->type], &e, sizeof(e));
		cs->st.hash[h->type]++;
	}
	if (cs->strings.failed || cs->fp[h->type].failed ||
	    cs->hash[h->type].failed) {
		errno = ENOMEM;
		return -1;
	}
	return 0;
}

/* cset_add_ignore - leave signatures of this name (and line MD5) out */
int
cset_add_ignore(struct cset *cs, const char *name, const uint8_t *md5)
{
	struct ignent	 e;

	memset(&e, 0, sizeof(e));
	e.name = fhash64(name, strlen(name), 0);
	if (md5 != NULL) {
		memcpy(e.md5, md5, sizeof(e.md5));
		e.hasmd5 = 1;
	} else
		buf_add(&cs->ign, &e.name, sizeof(e.name));
	buf_add(&cs->ignx, &e, sizeof(e));
	cs->ignx_sorted = 0;
	cs->st.ignores++;
	if (cs->ign.failed || cs->ignx.failed) {
		errno = ENOMEM;
		return -1;
	}
	return 0;
}

/* ignent_cmp - order ignore entries by name hash */
static int
ignent_cmp(const void *va, const void *vb)
{
	const struct ignent	*a = va, *b = vb;

	return a->name < b->name ? -1 : a->name > b->name;
}

/*
 * cset_ignored_line - is a signature being added ignored: by its name,
 * or by its name and the MD5 of its source line.
 */
static int
cset_ignored_line(struct cset *cs, const char *name, const char *line,
    size_t linelen)
{
	struct ignent	*e = (struct ignent *)cs->ignx.data, key;
	size_t		 n = cs->ignx.len / sizeof(*e), lo, hi, mid;
	uint8_t		 md5[16];
	int		 have = 0;

	if (n == 0)
		return 0;
	if (!cs->ignx_sorted) {
		qsort(e, n, sizeof(*e), ignent_cmp);
		cs->ignx_sorted = 1;
	}
	key.name = fhash64(name, strlen(name), 0);
	lo = 0;
	hi = n;
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (e[mid].name < key.name)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (; lo < n && e[lo].name == key.name; lo++) {
		if (!e[lo].hasmd5)
			return 1;
		if (line == NULL)
			continue;
		if (!have) {
			if (digest_buf(DIGEST_MD5, line, linelen, md5) == -1)
				return 0;
			have = 1;
		}
		if (memcmp(md5, e[lo].md5, sizeof(md5)) == 0)
			return 1;
	}
	return 0;
}

/* str_cmp - qsort_r comparator for strings of length *arg */
static int
str_cmp(const void *a, const void *b, void *arg)
{
	return memcmp(a, b, *(size_t *)arg);
}

/*
 * cset_obfuscate - XOR the pattern bytes of p, copied at pool, with
 * CSET_XOR: literals, mask values (as ((b ^ x) & m) == v'), fixed
 * alternatives (sorted again, as the matcher searches them XORed).
 */
static void
cset_obfuscate(uint8_t *pool, const struct pattern *p)
{
	const struct pel	*e;
	uint8_t			*d;
	uint32_t		 i, k;
	size_t			 w;

	for (i = 0; i < p->nel; i++) {
		e = &p->el[i];
		d = pool + e->a;
		switch (e->op) {
		case PEL_BYTES:
		case PEL_NOCASE:
			for (k = 0; k < e->n; k++)
				d[k] ^= CSET_XOR;
			break;
		case PEL_MASK:
			for (k = 0; k < e->n; k++)
				d[2 * k + 1] = (d[2 * k + 1] ^ CSET_XOR) &
				    d[2 * k];
			break;
		case PEL_FALT:
			w = e->b;
			for (k = 0; k < e->n * e->b; k++)
				d[k] ^= CSET_XOR;
			qsort_r(d, e->n, w, str_cmp, &w);
			break;
		default:
			break;
		}
	}
}

/*
 * cset_dedup - look a pattern up by content (elements, their bytes, the
 * offset and target): returns 1 with *pat set if an identical pattern
 * exists, else 0 after reserving its slot for the index *pat given.
 */
static int
cset_dedup(struct cset *cs, const struct pattern *p, const struct sigoff *off,
    uint8_t target, int direct, uint32_t *pat)
{
	struct buf	*sb = &cs->scratch;
	struct dslot	*tab, *d;
	const struct pel *e;
	uint64_t	 h1, h2;
	size_t		 i, n, cap, need;
	uint32_t	 k;

	sb->len = 0;
	buf_add(sb, &target, 1);
	k = direct;
	buf_add(sb, &k, 4);
	buf_add(sb, &off->kind, 1);
	buf_add(sb, &off->sect, 4);
	buf_add(sb, &off->n, 8);
	buf_add(sb, &off->shift, 4);
	buf_add(sb, &p->nmain, 4);
	for (i = 0; i < p->nel; i++) {
		e = &p->el[i];
		buf_add(sb, &e->op, 1);
		buf_add(sb, &e->flags, 1);
		buf_add(sb, &e->n, 2);
		buf_add(sb, &e->b, 4);
		switch (e->op) {
		case PEL_BYTES:
		case PEL_NOCASE:
			need = e->n;
			break;
		case PEL_MASK:
			need = 2 * (size_t)e->n;
			break;
		case PEL_CLASS:
			need = 32;
			break;
		case PEL_FALT:
			need = (size_t)e->n * e->b;
			break;
		case PEL_GALT:
			need = 8 * (size_t)e->n;
			break;
		case PEL_GAP:
			buf_add(sb, &e->a, 4);
			need = 0;
			break;
		default:
			need = 0;
		}
		if (need > 0)
			buf_add(sb, p->pool + e->a, need);
	}
	if (sb->failed)
		return -1;
	h1 = fhash64(sb->data, sb->len, 0x6a09e667f3bcc908ULL);
	h2 = fhash64(sb->data, sb->len, 0xbb67ae8584caa73bULL);

	if ((cs->ndedup + 1) * 2 > cs->dedupcap) {
		/* grow and rehash */
		struct buf	 nb;

		cap = cs->dedupcap ? cs->dedupcap * 2 : 4096;
		buf_init(&nb);
		buf_addz(&nb, cap * sizeof(*d));
		if (nb.failed)
			return -1;
		tab = (struct dslot *)nb.data;
		for (i = 0; i < cs->dedupcap; i++) {
			d = &((struct dslot *)cs->dedup.data)[i];
			if (!d->used)
				continue;
			n = d->h1 & (cap - 1);
			while (tab[n].used)
				n = (n + 1) & (cap - 1);
			tab[n] = *d;
		}
		buf_clear(&cs->dedup);
		cs->dedup = nb;
		cs->dedupcap = cap;
	}
	tab = (struct dslot *)cs->dedup.data;
	n = h1 & (cs->dedupcap - 1);
	while (tab[n].used) {
		if (tab[n].h1 == h1 && tab[n].h2 == h2) {
			*pat = tab[n].pat;
			return 1;
		}
		n = (n + 1) & (cs->dedupcap - 1);
	}
	tab[n].h1 = h1;
	tab[n].h2 = h2;
	tab[n].pat = *pat;
	tab[n].used = 1;
	cs->ndedup++;
	return 0;
}

/* range_maxw - the most bytes elements [first, first+count) can span */
static uint32_t
range_maxw(const struct pattern *p, uint32_t first, uint32_t count)
{
	uint64_t	 min, max;

	pattern_span(p, first, count, &min, &max);
	return max >= UINT32_MAX ? UINT32_MAX : (uint32_t)max;
}

/*
 * plan_make - how a prefiltered pattern is found: as a whole from its
 * rarest anchor, verified with backtracking over its gaps, or part by
 * part (split at the gaps, each part anchored, chains of parts kept),
 * which never backtracks but pays for every part's hits.  Part by part
 * when a gap is unbounded (backtracking over it has no bound), or when
 * the whole anchor's expected hits times the gap widths to try exceed
 * the parts' hits together.  Returns 0, or -1 when no anchor can be had.
 */
static int
plan_make(const struct pattern *p, const struct sigoff *off, struct plan *pl,
    int parts_only)
{
	uint32_t	 i, n = 1, start, k;
	const struct pel *e;
	double		 width = 1, sum;
	int		 unbounded = 0, whole;

	memset(pl, 0, sizeof(*pl));
	(void)off;
	for (i = 0; i < p->nmain; i++)
		if (p->el[i].op == PEL_GAP) {
			n++;
			if (p->el[i].b == PEL_INF)
				unbounded = 1;
			else
				width += p->el[i].b - p->el[i].a;
		}
	whole = anchor_select(p, &pl->a);
	if (n > 1 && (pl->parts = calloc(n, sizeof(*pl->parts))) != NULL) {
		for (i = 0, k = 0, start = 0; i <= p->nmain; i++) {
			if (i < p->nmain && p->el[i].op != PEL_GAP)
				continue;
			pl->parts[k].first = start;
			pl->parts[k].count = i - start;
			if (k > 0) {
				e = &p->el[start - 1];
				pl->parts[k].gmin = e->a;
				pl->parts[k].gmax = e->b;
			}
			pl->parts[k].maxw = range_maxw(p, start, i - start);
			if (pl->parts[k].count == 0 ||
			    anchor_select_range(p, start, i - start,
			    &pl->parts[k].a) == -1)
				break;
			k++;
			start = i + 1;
		}
		for (sum = 0, i = 0; i < k; i++)
			sum += pl->parts[i].a.freq;
		if (k == n && (parts_only || unbounded || whole == -1 ||
		    pl->a.freq * width > sum)) {
			pl->nparts = n;
			return 0;
		}
		free(pl->parts);
		pl->parts = NULL;
	}
	return parts_only ? -1 : whole;
}

/*
 * gap_width - total width of a pattern's bounded gaps, or UINT64_MAX if a
 * gap is unbounded: what backtracking from a fixed offset must try
 */
static uint64_t
gap_width(const struct pattern *p)
{
	uint64_t	 w = 0;
	uint32_t	 i;

	for (i = 0; i < p->nmain; i++)
		if (p->el[i].op == PEL_GAP) {
			if (p->el[i].b == PEL_INF)
				return UINT64_MAX;
			w += p->el[i].b - p->el[i].a;
		}
	return w;
}

/* cset_anchor - the prefilter keys of an anchor of pattern record pat */
static void
cset_anchor(struct cset *cs, uint32_t pat, uint8_t target,
    const struct anchor *a)
{
	struct anc	 an;
	uint32_t	 i;

	memset(&an, 0, sizeof(an));
	an.pat = pat;
	an.el = a->el;
	an.off = a->off;
	an.target = target;
	an.len = (uint8_t)a->len;
	an.before = a->extoff < 0;
	an.extmask = a->extmask;
	an.ext = (a->ext ^ 0x01010101U * CSET_XOR) & a->extmask;
	for (i = 0; i < a->nkeys; i++) {
		an.key = a->keys[i] ^ (a->len == 4 ? 0x01010101U * CSET_XOR :
		    0x0101U * CSET_XOR);
		buf_add(&cs->anc, &an, sizeof(an));
	}
	if (a->len == 4)
		cs->st.anchors4++;
	else
		cs->st.anchors2++;
}

/* cset_pattern - append one pattern with its elements */
static int
cset_pattern(struct cset *cs, const struct pattern *p,
    const struct sigoff *off, uint32_t sig, uint8_t sub, uint8_t target,
    const struct plan *pl)
{
	struct vmod_pat		 vp, pp;
	struct vmod_el		 ve;
	struct vmod_chain	 ch;
	struct dir		 d;
	uint32_t		 pat, poolbase, i;
	size_t			 npats;

	npats = cs->pats.len / sizeof(struct vmod_pat);
	if (npats + pl->nparts + 1 >= VENT_PAT ||
	    cs->pool.len + p->npool >= UINT32_MAX ||
	    cs->elems.len / sizeof(ve) + p->nel >= UINT32_MAX) {
		errno = AV_ELIMIT;
		return -1;
	}
	pat = (uint32_t)npats;
	switch (cset_dedup(cs, p, off, target, pl->direct, &pat)) {
	case 1: {
		struct xowner	 xo = { pat, sig, sub };

		buf_add(&cs->xown, &xo, sizeof(xo));
		cs->st.shared++;
		return cs->xown.failed ? -1 : 0;
	}
	case -1:
		errno = ENOMEM;
		return -1;
	default:
		break;
	}
	poolbase = (uint32_t)cs->pool.len;
	if (p->npool > 0) {
		buf_add(&cs->pool, p->pool, p->npool);
		if (!cs->pool.failed)
			cset_obfuscate(cs->pool.data + poolbase, p);
	}

	memset(&vp, 0, sizeof(vp));
	vp.sig = sig;
	vp.el = (uint32_t)(cs->elems.len / sizeof(ve));
	vp.nmain = (uint16_t)p->nmain;
	vp.nel = (uint16_t)p->nel;
	vp.sub = sub;
	vp.offkind = off->kind;
	vp.offsect = off->sect;
	vp.offn = off->n;
	vp.shift = off->shift;
	vp.target = target;
	vp.minlen = p->minlen;
	vp.maxlen = p->maxlen;
	vp.flags = pl->direct ? VPAT_DIRECT : 0;
	vp.nowners = 1;
	vp.pfirst = 0;
	vp.pcount = (uint16_t)p->nmain;
	vp.chain = UINT32_MAX;
	if (pl->nparts > 1) {
		vp.flags = VPAT_CHAINED;
		vp.chain = (uint32_t)(cs->chains.len / sizeof(ch));
	}
	buf_add(&cs->pats, &vp, sizeof(vp));

	for (i = 0; i < p->nel; i++) {
		memset(&ve, 0, sizeof(ve));
		ve.op = p->el[i].op;
		ve.flags = p->el[i].flags;
		ve.n = p->el[i].n;
		ve.a = p->el[i].a;
		ve.b = p->el[i].b;
		switch (ve.op) {
		case PEL_BYTES:
		case PEL_NOCASE:
		case PEL_MASK:
		case PEL_CLASS:
		case PEL_FALT:
		case PEL_GALT:
			ve.a += poolbase;
			break;
		default:
			break;
		}
		buf_add(&cs->elems, &ve, sizeof(ve));
	}

	cs->st.patterns++;
	if (pl->direct) {
		d.d.pat = pat;
		anchor_head(p, &d.d.head, &d.d.headmask);
		d.d.head = (d.d.head ^ 0x01010101U * CSET_XOR) & d.d.headmask;
		d.target = target;
		buf_add(&cs->dir, &d, sizeof(d));
		cs->st.direct++;
	} else if (pl->nparts > 1) {
		memset(&ch, 0, sizeof(ch));
		ch.pat = pat;
		ch.part0 = pat + 1;
		ch.npart = pl->nparts;
		buf_add(&cs->chains, &ch, sizeof(ch));
		for (i = 0; i < pl->nparts; i++) {
			pp = vp;
			pp.flags = VPAT_PART;
			pp.pfirst = (uint16_t)pl->parts[i].first;
			pp.pcount = (uint16_t)pl->parts[i].count;
			pp.part = i;
			pp.gmin = pl->parts[i].gmin;
			pp.gmax = pl->parts[i].gmax;
			pp.pmaxw = pl->parts[i].maxw;
			buf_add(&cs->pats, &pp, sizeof(pp));
			cset_anchor(cs, pat + 1 + i, target, &pl->parts[i].a);
		}
		cs->st.chained++;
	} else
		cset_anchor(cs, pat, target, &pl->a);
	return 0;
}

/* cset_add_body - an .ndb or .ldb signature */
int
cset_add_body(struct cset *cs, const struct bodysig *s, const char **why)
{
	struct plan		*plan;
	struct vmod_sig		 vs;
	struct vmod_tdb		 vt;
	const struct subsig	*ss;
	uint32_t		 i, k, n, sig;
	int			 rc = -1;

	if (s->nsub == 0 || s->nsub > BODYSIG_MAXSUB) {
		*why = "no subsignatures";
		return -1;
	}
	if (cset_ignored_line(cs, s->name, s->line, s->linelen)) {
		cs->st.skipped[CR_IGNORED]++;
		return 0;
	}
	if ((plan = calloc(BODYSIG_MAXSUB * SUBSIG_MAXPAT, sizeof(*plan)))
	    == NULL) {
		*why = "out of memory";
		return -1;
	}

	/* Decide, for every pattern, direct check, anchor or parts. */
	for (i = 0; i < s->nsub; i++) {
		ss = &s->sub[i];
		for (k = 0; k < ss->npat; k++) {
			n = i * SUBSIG_MAXPAT + k;
			/*
			 * ClamAV wants two static bytes in a body: a pattern
			 * of wildcards only would match everything.
			 */
			if (anchor_select(&ss->pat[k], &plan[n].a) == -1) {
				*why = "a pattern has no two consecutive fixed "
				    "bytes";
				goto done;
			}
			if (ss->off.kind != OFF_ANY && ss->off.kind != OFF_SE &&
			    ss->off.shift <= CSET_DIRECT_SHIFT) {
				/* wide gaps from a fixed offset: by parts */
				if (gap_width(&ss->pat[k]) > CSET_DIRECT_GAPS &&
				    plan_make(&ss->pat[k], &ss->off, &plan[n],
				    1) == 0)
					continue;
				plan[n].direct = 1;
				continue;
			}
			if (plan_make(&ss->pat[k], &ss->off, &plan[n], 0) == 0)
				continue;
			/* SE or a wide float without an anchor: at the offset */
			plan[n].direct = 1;
		}
	}

	sig = (uint32_t)(cs->sigs.len / sizeof(vs));
	memset(&vs, 0, sizeof(vs));
	vs.name = cset_string(cs, s->name);
	vs.kind = s->kind;
	vs.target = s->target;
	vs.nsub = (uint8_t)s->nsub;
	if (s->kind == BODYSIG_LDB) {
		if (s->exprlen == 0 || s->exprlen > LEXPR_MAXLEN) {
			*why = "bad expression";
			goto done;
		}
		vs.expr = (uint32_t)buf_add(&cs->expr, s->expr, s->exprlen);
		vs.exprlen = (uint16_t)s->exprlen;
		if (s->exprflags & LEXPR_COUNTS)
			vs.flags |= VSIG_COUNTS;
		vs.ccap = s->exprcap;
		if (s->exprflags & LEXPR_MONOTONE)
			vs.flags |= VSIG_MONOTONE;
		if (s->tdb.flags != 0) {
			memset(&vt, 0, sizeof(vt));
			vt.flags = s->tdb.flags;
			vt.fsize_min = s->tdb.fsize_min;
			vt.fsize_max = s->tdb.fsize_max;
			vt.ep_min = s->tdb.ep_min;
			vt.ep_max = s->tdb.ep_max;
			vt.nsect_min = s->tdb.nsect_min;
			vt.nsect_max = s->tdb.nsect_max;
			vt.container = s->tdb.container;
			vt.ninter = s->tdb.ninter;
			memcpy(vt.inter, s->tdb.inter, sizeof(vt.inter));
			vs.tdb = (uint32_t)(cs->tdbs.len / sizeof(vt)) + 1;
			buf_add(&cs->tdbs, &vt, sizeof(vt));
		}
		cs->st.ldb++;
	} else
		cs->st.ndb++;
	buf_add(&cs->sigs, &vs, sizeof(vs));

	for (i = 0; i < s->nsub; i++) {
		ss = &s->sub[i];
		cs->st.subsigs++;
		for (k = 0; k < ss->npat; k++) {
			n = i * SUBSIG_MAXPAT + k;
			if (cset_pattern(cs, &ss->pat[k], &ss->off, sig, i,
			    s->target, &plan[n]) == -1) {
				*why = "module limits exceeded";
				goto done;
			}
		}
	}
	rc = 0;
done:
	for (i = 0; i < BODYSIG_MAXSUB * SUBSIG_MAXPAT; i++)
		free(plan[i].parts);
	free(plan);
	if (cs->strings.failed || cs->sigs.failed || cs->pats.failed ||
	    cs->elems.failed || cs->pool.failed || cs->anc.failed ||
	    cs->dir.failed || cs->expr.failed || cs->tdbs.failed) {
		*why = "out of memory";
		errno = ENOMEM;
		rc = -1;
	}
	return rc;
}

/* anc_cmp - order anchors by length, key, pattern */
static int
anc_cmp(const void *va, const void *vb)
{
	const struct anc	*a = va, *b = vb;

	if (a->len != b->len)
		return a->len > b->len ? -1 : 1;
	if (a->key != b->key)
		return a->key < b->key ? -1 : 1;
	if (a->pat != b->pat)
		return a->pat < b->pat ? -1 : 1;
	return 0;
}

/* hash_cmp - order hash entries by size, then digest (length *arg) */
static int
hash_cmp(const void *va, const void *vb, void *arg)
{
	const struct vmod_hash	*a = va, *b = vb;

	if (a->size != b->size)
		return a->size < b->size ? -1 : 1;
	return memcmp(a->digest, b->digest, *(size_t *)arg);
}

/* u64_cmp - order 64-bit values */
static int
u64_cmp(const void *va, const void *vb)
{
	uint64_t	 a = *(const uint64_t *)va, b = *(const uint64_t *)vb;

	return a < b ? -1 : a > b;
}

/* cset_ignored - is a name in the ignore list (sorted by now) */
static int
cset_ignored(const struct cset *cs, const char *name)
{
	uint64_t	 h;
	size_t		 n = cs->ign.len / sizeof(uint64_t);

	if (n == 0)
		return 0;
	h = fhash64(name, strlen(name), 0);
	return bsearch(&h, cs->ign.data, n, sizeof(h), u64_cmp) != NULL;
}

/* group_raw - is a group scanned over the raw bytes (not normalised) */
static int
group_raw(unsigned g)
{
	return g != 3 && g != 7;
}

/* group_has - do patterns of target t belong to group g */
static int
group_has(unsigned g, uint8_t t)
{
	if (t == g)
		return 1;
	return t == 0 && group_raw(g);
}

/* ceil_log2 - smallest k with 2^k >= n */
static uint32_t
ceil_log2(uint64_t n)
{
	uint32_t	 k = 0;

	while (k < 63 && ((uint64_t)1 << k) < n)
		k++;
	return k;
}

/*
 * build_table - prefilter tables for anchors a[0..n) of one length,
 * sorted by key: bitmap, slots and entries appended to the layout.
 */
static int
build_table(struct layout *lo, struct anc *a, size_t n, int len,
    struct vmod_group *g)
{
	size_t		 i, j, nkeys = 0, bitwords, nslots, firstslot, w;
	uint32_t	 blog, slog, h, firstent;
	uint64_t	*bits, bit, hb;
	struct vmod_slot *slots, empty = { 0, UINT32_MAX };
	struct vmod_ent	 e;

	for (i = 0; i < n; i++)
		if (i == 0 || a[i].key != a[i - 1].key)
			nkeys++;
	if (nkeys == 0)
		return 0;
	if (len == 4) {
		/* blocked Bloom filter, 16 bits per key, 2 bits each */
		blog = ceil_log2(nkeys) + 4;
		if (blog < 12)
			blog = 12;
		if (blog > 28)
			blog = 28;
		bitwords = ((size_t)1 << blog) / 64;
	} else {
		blog = 16;
		bitwords = 1024;
	}
	slog = ceil_log2(nkeys) + 1;
	if (slog < 4)
		slog = 4;
	nslots = (size_t)1 << slog;

	w = buf_addz(&lo->sect[VS_BITS], bitwords * 8) / 8;
	firstslot = lo->sect[VS_SLOTS].len / sizeof(struct vmod_slot);
	for (i = 0; i < nslots; i++)
		buf_add(&lo->sect[VS_SLOTS], &empty, sizeof(empty));
	if (lo->sect[VS_BITS].failed || lo->sect[VS_SLOTS].failed)
		return -1;
	bits = (uint64_t *)lo->sect[VS_BITS].data + w;
	slots = (struct vmod_slot *)lo->sect[VS_SLOTS].data + firstslot;

	for (i = 0; i < n; i = j) {
		firstent = (uint32_t)(lo->sect[VS_ENTS].len / sizeof(e));
		for (j = i; j < n && a[j].key == a[i].key; j++) {
			if (j > i && a[j].pat == a[j - 1].pat &&
			    a[j].el == a[j - 1].el && a[j].off == a[j - 1].off)
				continue;	/* same anchor twice */
			e.pat = a[j].pat | (a[j].before ? VENT_BEFORE : 0);
			e.el = a[j].el;
			e.off = a[j].off;
			e.ext = a[j].ext;
			e.extmask = a[j].extmask;
			buf_add(&lo->sect[VS_ENTS], &e, sizeof(e));
		}
		if (lo->sect[VS_ENTS].failed)
			return -1;
		((struct vmod_ent *)lo->sect[VS_ENTS].data)
		    [lo->sect[VS_ENTS].len / sizeof(e) - 1].pat |= VENT_LAST;
		if (len == 4) {
			hb = (uint64_t)a[i].key * VMOD_BITMUL;
			bits[hb >> (64 - (blog - 6))] |= (uint64_t)1 << (hb & 63) |
			    (uint64_t)1 << ((hb >> 6) & 63);
		} else {
			bit = a[i].key & 0xffff;
			bits[bit / 64] |= (uint64_t)1 << (bit % 64);
		}
		h = (uint32_t)(a[i].key * VMOD_SLOTMUL) >> (32 - slog);
		while (slots[h].ent != UINT32_MAX)
			h = (h + 1) & (nslots - 1);
		slots[h].key = a[i].key;
		slots[h].ent = firstent;
	}
	if (len == 4) {
		g->bits = w;
		g->bits_log2 = blog;
		g->slots = firstslot;
		g->slots_log2 = slog;
		g->nkeys = (uint32_t)nkeys;
	} else {
		g->sbits = w;
		g->sslots = firstslot;
		g->sslots_log2 = slog;
		g->nskeys = (uint32_t)nkeys;
	}
	return 0;
}

/* xown_cmp - order extra owners by pattern, then insertion */
static int
xown_cmp(const void *va, const void *vb)
{
	const struct xowner	*a = va, *b = vb;

	if (a->pat != b->pat)
		return a->pat < b->pat ? -1 : 1;
	if (a->sig != b->sig)
		return a->sig < b->sig ? -1 : 1;
	return a->sub < b->sub ? -1 : a->sub > b->sub;
}

/*
 * build_owners - owner lists of shared patterns, without ignored
 * signatures; dead[p] is set for patterns no live signature owns.
 */
static int
build_owners(struct cset *cs, struct layout *lo, const uint8_t *ignored,
    uint8_t *dead)
{
	struct vmod_pat		*pats = (struct vmod_pat *)cs->pats.data;
	size_t			 npats = cs->pats.len / sizeof(*pats);
	struct xowner		*x = (struct xowner *)cs->xown.data;
	size_t			 nx = cs->xown.len / sizeof(*x), i, j, p;
	struct vmod_owner	 o, first;
	uint32_t		 n, start;

	if (nx > 0)
		qsort(x, nx, sizeof(*x), xown_cmp);
	for (p = 0, i = 0; p < npats; p++) {
		for (j = i; j < nx && x[j].pat == p; j++)
			continue;
		memset(&first, 0, sizeof(first));
		start = (uint32_t)(lo->sect[VS_OWNERS].len / sizeof(o));
		n = 0;
		memset(&o, 0, sizeof(o));
		if (!ignored[pats[p].sig]) {
			o.sig = pats[p].sig;
			o.sub = pats[p].sub;
			first = o;
			buf_add(&lo->sect[VS_OWNERS], &o, sizeof(o));
			n++;
		}
		for (; i < j; i++) {
			if (ignored[x[i].sig])
				continue;
			o.sig = x[i].sig;
			o.sub = (uint8_t)x[i].sub;
			if (n == 0)
				first = o;
			buf_add(&lo->sect[VS_OWNERS], &o, sizeof(o));
			n++;
		}
		dead[p] = n == 0;
		if (n <= 1) {
			/* the one owner lives in the pattern record */
			lo->sect[VS_OWNERS].len = (size_t)start * sizeof(o);
			if (n == 1) {
				pats[p].sig = first.sig;
				pats[p].sub = first.sub;
			}
			pats[p].nowners = 1;
			pats[p].owners = 0;
		} else {
			pats[p].sig = first.sig;
			pats[p].sub = first.sub;
			pats[p].nowners = n;
			pats[p].owners = start;
		}
	}
	/* a part lives and dies with its whole pattern */
	for (p = 0; p < npats; p++)
		if (pats[p].flags & VPAT_PART)
			dead[p] = dead[((const struct vmod_chain *)
			    cs->chains.data)[pats[p].chain].pat];
	return lo->sect[VS_OWNERS].failed ? -1 : 0;
}

/* build_groups - the prefilter and direct list of every target group */
static int
build_groups(struct cset *cs, struct layout *lo, const uint8_t *dead,
    const uint8_t *ignored)
{
	struct vmod_group	 grp[VMOD_NGROUPS];
	const struct anc	*all = (const struct anc *)cs->anc.data;
	const struct dir	*dirs = (const struct dir *)cs->dir.data;
	size_t			 nanc = cs->anc.len / sizeof(struct anc);
	size_t			 ndir = cs->dir.len / sizeof(struct dir);
	size_t			 i, n, n4, own[VMOD_NGROUPS];
	struct anc		*a = NULL;
	unsigned		 g;
	int			 rc = -1;

	memset(grp, 0, sizeof(grp));
	memset(own, 0, sizeof(own));
	for (i = 0; i < nanc; i++)
		if (all[i].target < VMOD_NGROUPS)
			own[all[i].target]++;
	for (i = 0; i < ndir; i++)
		if (dirs[i].target < VMOD_NGROUPS)
			own[dirs[i].target]++;
	if (nanc > 0 && (a = calloc(nanc, sizeof(*a))) == NULL)
		return -1;

	for (g = 0; g < VMOD_NGROUPS; g++) {
		if (g != 0 && own[g] == 0) {
			/* nothing of its own: share group 0 (raw) or stay
			 * empty (normalised text) */
			if (group_raw(g))
				grp[g] = grp[0];
			continue;
		}
		for (i = n = 0; i < nanc; i++)
			if (group_has(g, all[i].target) && !dead[all[i].pat])
				a[n++] = all[i];
		if (n > 0)
			qsort(a, n, sizeof(*a), anc_cmp);
		for (n4 = 0; n4 < n && a[n4].len == 4; n4++)
			continue;
		if (n > 0 && (build_table(lo, a, n4, 4, &grp[g]) == -1 ||
		    build_table(lo, a + n4, n - n4, 2, &grp[g]) == -1))
			goto done;
		grp[g].nents = (uint32_t)n;
		cs->st.keys += grp[g].nkeys + grp[g].nskeys;
		grp[g].direct = (uint32_t)(lo->sect[VS_DIRECT].len /
		    sizeof(struct vmod_direct));
		for (i = 0; i < ndir; i++)
			if (group_has(g, dirs[i].target) &&
			    !dead[dirs[i].d.pat]) {
				buf_add(&lo->sect[VS_DIRECT], &dirs[i].d,
				    sizeof(struct vmod_direct));
				grp[g].ndirect++;
			}
	}
	if (build_zero(cs, lo, ignored, grp) == -1)
		goto done;
	buf_add(&lo->sect[VS_GROUPS], grp, sizeof(grp));
	rc = 0;
done:
	free(a);
	return rc;
}

/*
 * build_zero - per group, the .ldb signatures whose expression holds with
 * no match at all: the matcher evaluates them for every object.
 */
static int
build_zero(struct cset *cs, struct layout *lo, const uint8_t *ignored,
    struct vmod_group *grp)
{
	const struct vmod_sig	*sigs = (const struct vmod_sig *)cs->sigs.data;
	size_t			 nsigs = cs->sigs.len / sizeof(*sigs), i;
	static const uint32_t	 zeros[64];
	uint8_t			*vac;
	uint32_t		 k;
	unsigned		 g;

	if ((vac = calloc(nsigs ? nsigs : 1, 1)) == NULL)
		return -1;
	for (i = 0; i < nsigs; i++)
		vac[i] = sigs[i].kind == BODYSIG_LDB && !ignored[i] &&
		    lexpr_eval((const uint8_t *)cs->expr.data + sigs[i].expr,
		    sigs[i].exprlen, zeros);
	for (g = 0; g < VMOD_NGROUPS; g++) {
		grp[g].zero = (uint32_t)(lo->sect[VS_ZERO].len /
		    sizeof(uint32_t));
		grp[g].nzero = 0;
		for (i = 0; i < nsigs; i++)
			if (vac[i] && group_has(g, sigs[i].target)) {
				k = (uint32_t)i;
				buf_add(&lo->sect[VS_ZERO], &k, sizeof(k));
				grp[g].nzero++;
			}
	}
	free(vac);
	return lo->sect[VS_ZERO].failed ? -1 : 0;
}

/* build_hashes - sorted, deduplicated hash and allow-list tables */
static int
build_hashes(struct cset *cs, struct layout *lo)
{
	struct buf		*src;
	struct vmod_hash	*e;
	size_t			 n, i, dlen, rec;
	int			 t, fp;
	const char		*name;

	for (fp = 0; fp < 2; fp++)
		for (t = 0; t < DIGEST_NTYPES; t++) {
			src = fp ? &cs->fp[t] : &cs->hash[t];
			e = (struct vmod_hash *)src->data;
			n = src->len / sizeof(*e);
			dlen = digest_len(t);
			rec = VMOD_HASHREC(dlen);
			if (n > 0)
				qsort_r(e, n, sizeof(*e), hash_cmp, &dlen);
			for (i = 0; i < n; i++) {
				if (i > 0 && hash_cmp(&e[i], &e[i - 1],
				    &dlen) == 0)
					continue;
				name = (const char *)cs->strings.data +
				    e[i].name;
				if (!fp && cset_ignored(cs, name)) {
					cs->st.skipped[CR_IGNORED]++;
					continue;
				}
				buf_add(&lo->sect[(fp ? VS_FP_MD5 :
				    VS_HASH_MD5) + t], &e[i], rec);
			}
			lo->recsize[(fp ? VS_FP_MD5 : VS_HASH_MD5) + t] = rec;
		}
	return 0;
}

/* cset_build - lay out the module image */
int
cset_build(struct cset *cs, uint64_t serial, const char *name,
    uint8_t **image, size_t *size)
{
	struct layout		 lo;
	struct vmod_hdr		 hdr;
	const struct vmod_sig	*sigs = (const struct vmod_sig *)cs->sigs.data;
	size_t			 nsigs = cs->sigs.len / sizeof(struct vmod_sig);
	uint8_t			*ignored = NULL, *dead = NULL, *img = NULL;
	size_t			 i, off, total;
	uint64_t		 nhash = 0, nfp = 0;
	int			 s, rc = -1;

	*image = NULL;
	memset(&lo, 0, sizeof(lo));
	for (s = 0; s < VS_NSECT; s++)
		lo.recsize[s] = 1;

	/* .ign names */
	if (cs->ign.len > 0)
		qsort(cs->ign.data, cs->ign.len / sizeof(uint64_t),
		    sizeof(uint64_t), u64_cmp);
	if ((ignored = calloc(nsigs ? nsigs : 1, 1)) == NULL)
		goto nomem;
	for (i = 0; i < nsigs; i++)
		if (cset_ignored(cs, (const char *)cs->strings.data +
		    sigs[i].name)) {
			ignored[i] = 1;
			cs->st.skipped[CR_IGNORED]++;
		}

	if ((dead = calloc(cs->pats.len / sizeof(struct vmod_pat) + 1, 1))
	    == NULL)
		goto nomem;
	if (build_hashes(cs, &lo) == -1 ||
	    build_owners(cs, &lo, ignored, dead) == -1 ||
	    build_groups(cs, &lo, dead, ignored) == -1)
		goto nomem;
	for (s = 0; s < DIGEST_NTYPES; s++) {
		nhash += lo.sect[VS_HASH_MD5 + s].len / lo.recsize[VS_HASH_MD5 + s];
		nfp += lo.sect[VS_FP_MD5 + s].len / lo.recsize[VS_FP_MD5 + s];
	}
	if (cs->st.lines == 0) {
		/* no line at all; a set emptied by skips still builds */
		errno = AV_ENOSIGS;
		goto fail;
	}

	/* Names are stored obfuscated (vmod.h); nothing reads them after. */
	for (i = 0; i < cs->strings.len; i++)
		if (cs->strings.data[i] != 0)
			cs->strings.data[i] ^= CSET_XOR | 0x80;

	/* The accumulated sections are moved into the layout as they are. */
	lo.sect[VS_STRINGS] = cs->strings;
	lo.sect[VS_SIGS] = cs->sigs;
	lo.recsize[VS_SIGS] = sizeof(struct vmod_sig);
	lo.sect[VS_TDBS] = cs->tdbs;
	lo.recsize[VS_TDBS] = sizeof(struct vmod_tdb);
	lo.sect[VS_EXPR] = cs->expr;
	lo.sect[VS_PATS] = cs->pats;
	lo.recsize[VS_PATS] = sizeof(struct vmod_pat);
	lo.sect[VS_ELEMS] = cs->elems;
	lo.recsize[VS_ELEMS] = sizeof(struct vmod_el);
	lo.sect[VS_POOL] = cs->pool;
	lo.sect[VS_IGNORE] = cs->ign;
	lo.sect[VS_CHAINS] = cs->chains;
	lo.recsize[VS_CHAINS] = sizeof(struct vmod_chain);
	lo.recsize[VS_IGNORE] = sizeof(uint64_t);
	lo.recsize[VS_GROUPS] = sizeof(struct vmod_group);
	lo.recsize[VS_BITS] = sizeof(uint64_t);
	lo.recsize[VS_SLOTS] = sizeof(struct vmod_slot);
	lo.recsize[VS_ENTS] = sizeof(struct vmod_ent);
	lo.recsize[VS_DIRECT] = sizeof(struct vmod_direct);
	lo.recsize[VS_OWNERS] = sizeof(struct vmod_owner);
	lo.recsize[VS_ZERO] = sizeof(uint32_t);
	for (s = 0; s < VS_NSECT; s++)
		if (lo.sect[s].failed)
			goto nomem;

	memset(&hdr, 0, sizeof(hdr));
	off = (sizeof(hdr) + VMOD_ALIGN - 1) & ~(size_t)(VMOD_ALIGN - 1);
	for (s = 0; s < VS_NSECT; s++) {
		hdr.sect[s].off = off;
		hdr.sect[s].size = lo.sect[s].len;
		hdr.sect[s].recsize = lo.recsize[s];
		hdr.sect[s].count = lo.sect[s].len / lo.recsize[s];
		off += (lo.sect[s].len + VMOD_ALIGN - 1) &
		    ~(size_t)(VMOD_ALIGN - 1);
	}
	total = off;
	if ((img = calloc(1, total)) == NULL)
		goto nomem;
	for (s = 0; s < VS_NSECT; s++)
		if (lo.sect[s].len)
			memcpy(img + hdr.sect[s].off, lo.sect[s].data,
			    lo.sect[s].len);

	memcpy(hdr.magic, VMOD_MAGIC, sizeof(hdr.magic));
	hdr.format = VMOD_FORMAT;
	hdr.hdrsize = sizeof(hdr);
	hdr.size = total;
	hdr.serial = serial;
	hdr.created = (uint64_t)time(NULL);
	hdr.flevel = cs->o.flevel;
	hdr.nsect = VS_NSECT;
	snprintf(hdr.name, sizeof(hdr.name), "%s", name ? name : "");
	hdr.nhash = nhash;
	hdr.nfp = nfp;
	hdr.nbody = nsigs;
	hdr.nldb = cs->st.ldb;
	hdr.npat = cs->pats.len / sizeof(struct vmod_pat);
	hdr.xor = CSET_XOR;
	hdr.checksum = fhash64(img + sizeof(hdr), total - sizeof(hdr), 0);
	hdr.hdrcheck = 0;
	memcpy(img, &hdr, sizeof(hdr));
	hdr.hdrcheck = fhash64(img, sizeof(hdr), 0);
	memcpy(img, &hdr, sizeof(hdr));

	*image = img;
	*size = total;
	img = NULL;
	rc = 0;
	goto fail;
nomem:
	errno = ENOMEM;
fail:
	/* sections borrowed from cs stay with cs */
	for (s = 0; s < VS_NSECT; s++) {
		switch (s) {
		case VS_STRINGS:
		case VS_SIGS:
		case VS_TDBS:
		case VS_EXPR:
		case VS_PATS:
		case VS_ELEMS:
		case VS_POOL:
		case VS_IGNORE:
		case VS_CHAINS:
			break;
		default:
			buf_clear(&lo.sect[s]);
		}
	}
	free(img);
	free(ignored);
	free(dead);
	return rc;
}
