/*
 * vmod.c - validation of compiled modules and typed views of them
 *
 * DESCRIPTION
 *	vmod_validate() is the single gate between a file on disk and the
 *	matcher, which does no bounds checks on module data.  It is written
 *	for hostile input: every offset and count is checked with overflow-
 *	safe arithmetic before anything it designates is read.
 */
#include <errno.h>
#include <string.h>

#include "util/fhash.h"
#include "av/averr.h"
#include "signatures/lexpr.h"
#include "signatures/sigir.h"
#include "signatures/vmod.h"
#include "workers/filetype.h"

static int	 vm_fail(int);
static int	 vm_range(uint64_t, uint64_t, uint64_t);
static int	 vm_pattern(const struct vmod_view *, const struct vmod_pat *);
static int	 vm_chain(const struct vmod_view *, size_t);
static int	 vm_element(const struct vmod_view *, const struct vmod_el *,
		    const struct vmod_pat *, int);
static int	 vm_table(const struct vmod_view *, uint64_t, uint64_t,
		    uint64_t, uint32_t);

static const uint32_t vm_recsize[VS_NSECT] = {
	[VS_STRINGS] = 1,
	[VS_HASH_MD5] = VMOD_HASHREC(16),
	[VS_HASH_SHA1] = VMOD_HASHREC(20),
	[VS_HASH_SHA256] = VMOD_HASHREC(32),
	[VS_FP_MD5] = VMOD_HASHREC(16),
	[VS_FP_SHA1] = VMOD_HASHREC(20),
	[VS_FP_SHA256] = VMOD_HASHREC(32),
	[VS_IGNORE] = sizeof(uint64_t),
	[VS_SIGS] = sizeof(struct vmod_sig),
	[VS_TDBS] = sizeof(struct vmod_tdb),
	[VS_EXPR] = 1,
	[VS_PATS] = sizeof(struct vmod_pat),
	[VS_ELEMS] = sizeof(struct vmod_el),
	[VS_POOL] = 1,
	[VS_GROUPS] = sizeof(struct vmod_group),
	[VS_BITS] = sizeof(uint64_t),
	[VS_SLOTS] = sizeof(struct vmod_slot),
	[VS_ENTS] = sizeof(struct vmod_ent),
	[VS_DIRECT] = sizeof(struct vmod_direct),
	[VS_OWNERS] = sizeof(struct vmod_owner),
	[VS_ZERO] = sizeof(uint32_t),
	[VS_CHAINS] = sizeof(struct vmod_chain),
};

static const size_t vm_dlen[3] = { 16, 20, 32 };

/* vm_fail - set errno, return -1 */
static int
vm_fail(int err)
{
	errno = err;
	return -1;
}

/* vm_range - is [off, off+len) inside [0, size) */
static int
vm_range(uint64_t off, uint64_t len, uint64_t size)
{
	return off <= size && len <= size - off;
}

/* vm_element - one element of a pattern; alt: inside an alternative */
static int
vm_element(const struct vmod_view *v, const struct vmod_el *e,
    const struct vmod_pat *p, int alt)
{
	uint64_t	 need;
	uint32_t	 k, first, count, j;

	switch (e->op) {
	case PEL_BYTES:
	case PEL_NOCASE:
	case PEL_SKIP:
		if (e->n == 0)
			return -1;
		need = e->op == PEL_SKIP ? 0 : e->n;
		break;
	case PEL_MASK:
		if (e->n == 0)
			return -1;
		need = 2 * (uint64_t)e->n;
		break;
	case PEL_CLASS:
		need = 32;
		break;
	case PEL_FALT:
		if (e->n == 0 || e->b == 0 || e->b > UINT16_MAX)
			return -1;
		need = (uint64_t)e->n * e->b;
		break;
	case PEL_GALT:
		if (alt || e->n == 0)
			return -1;
		need = 8 * (uint64_t)e->n;
		if (!vm_range(e->a, need, v->npool))
			return -1;
		for (k = 0; k < e->n; k++) {
			memcpy(&first, v->pool + e->a + 8 * k, 4);
			memcpy(&count, v->pool + e->a + 8 * k + 4, 4);
			if (first < p->nmain || count == 0 ||
			    !vm_range(first, count, p->nel))
				return -1;
			for (j = 0; j < count; j++)
				if (vm_element(v, &v->els[p->el + first + j],
				    p, 1) == -1)
					return -1;
		}
		return 0;
	case PEL_GAP:
		if (alt || (e->b != PEL_INF && e->b < e->a))
			return -1;
		return 0;
	case PEL_LINE:
		return alt ? -1 : 0;
	case PEL_ASSERT:
		if (alt || e->b < ASSERT_BOUND_BEFORE ||
		    e->b > ASSERT_WWORD_AFTER)
			return -1;
		return 0;
	default:
		return -1;
	}
	if (need > 0 && !vm_range(e->a, need, v->npool))
		return -1;
	return 0;
}

/* vm_pattern - a pattern record and its elements */
static int
vm_pattern(const struct vmod_view *v, const struct vmod_pat *p)
{
	const struct vmod_sig	*s;
	const struct vmod_owner	*o;
	uint32_t		 i;

	if (p->sig >= v->nsigs || p->nmain == 0 || p->nmain > p->nel ||
	    p->nel > PAT_MAXEL ||
	    !vm_range(p->el, p->nel, v->nels) || p->offkind > OFF_LAST ||
	    p->target >= VMOD_NGROUPS || p->nowners == 0 ||
	    (p->flags & ~(VPAT_DIRECT | VPAT_CHAINED | VPAT_PART)) ||
	    __builtin_popcount(p->flags) > 1 || p->pcount == 0 ||
	    !vm_range(p->pfirst, p->pcount, p->nmain))
		return -1;
	if ((p->flags & (VPAT_CHAINED | VPAT_PART)) ?
	    p->chain >= v->nchains : p->chain != UINT32_MAX)
		return -1;
	if (!(p->flags & VPAT_PART) && (p->pfirst != 0 ||
	    p->pcount != p->nmain))
		return -1;
	if ((p->flags & VPAT_PART) && p->gmax != PEL_INF && p->gmax < p->gmin)
		return -1;
	s = &v->sigs[p->sig];
	if (p->sub >= s->nsub)
		return -1;
	if (p->nowners > 1) {
		if (!vm_range(p->owners, p->nowners, v->nowners))
			return -1;
		for (i = 0; i < p->nowners; i++) {
			o = &v->owners[p->owners + i];
			if (o->sig >= v->nsigs || o->sub >= v->sigs[o->sig].nsub)
				return -1;
		}
	}
	for (i = 0; i < p->nmain; i++)
		if (vm_element(v, &v->els[p->el + i], p, 0) == -1)
			return -1;
	/* a part has no gap: its verification never backtracks over one */
	if (p->flags & VPAT_PART)
		for (i = p->pfirst; i < p->pfirst + p->pcount; i++)
			if (v->els[p->el + i].op == PEL_GAP)
				return -1;
	return 0;
}

/* vm_chain - a chain and its parts agree */
static int
vm_chain(const struct vmod_view *v, size_t idx)
{
	const struct vmod_chain	*c = &v->chains[idx];
	const struct vmod_pat	*w, *p;
	uint32_t		 k;

	if (c->pat >= v->npats || c->npart < 2 ||
	    !vm_range(c->part0, c->npart, v->npats))
		return -1;
	w = &v->pats[c->pat];
	if (!(w->flags & VPAT_CHAINED) || w->chain != idx)
		return -1;
	for (k = 0; k < c->npart; k++) {
		p = &v->pats[c->part0 + k];
		if (!(p->flags & VPAT_PART) || p->chain != idx ||
		    p->part != k || p->el != w->el || p->nmain != w->nmain ||
		    p->nel != w->nel)
			return -1;
	}
	return 0;
}

/*
 * vm_table - a prefilter bitmap and slot table of a group; the table must
 * have an empty slot, or a probe for an absent key would never end.
 */
static int
vm_table(const struct vmod_view *v, uint64_t bits, uint64_t bitwords,
    uint64_t slots, uint32_t slots_log2)
{
	uint64_t	 i, n;

	if (slots_log2 < 1 || slots_log2 > 31)
		return -1;
	n = (uint64_t)1 << slots_log2;
	if (!vm_range(bits, bitwords, v->nbits) ||
	    !vm_range(slots, n, v->nslots))
		return -1;
	for (i = 0; i < n; i++)
		if (v->slots[slots + i].ent == UINT32_MAX)
			return 0;
	return -1;
}

/* vmod_view - typed pointers into a validated module */
void
vmod_view(struct vmod_view *v, const uint8_t *base, size_t size)
{
	const struct vmod_hdr	*h = (const struct vmod_hdr *)base;
	int			 t;

	memset(v, 0, sizeof(*v));
	v->base = base;
	v->size = size;
	v->hdr = h;
#define SECT(s)		(base + h->sect[s].off)
#define COUNT(s)	(h->sect[s].count)
	v->str = (const char *)SECT(VS_STRINGS);
	v->nstr = COUNT(VS_STRINGS);
	for (t = 0; t < 3; t++) {
		v->hash[t] = SECT(VS_HASH_MD5 + t);
		v->nhash[t] = COUNT(VS_HASH_MD5 + t);
		v->fp[t] = SECT(VS_FP_MD5 + t);
		v->nfp[t] = COUNT(VS_FP_MD5 + t);
		v->hashrec[t] = vm_recsize[VS_HASH_MD5 + t];
	}
	v->ign = (const uint64_t *)SECT(VS_IGNORE);
	v->nign = COUNT(VS_IGNORE);
	v->sigs = (const struct vmod_sig *)SECT(VS_SIGS);
	v->nsigs = COUNT(VS_SIGS);
	v->tdbs = (const struct vmod_tdb *)SECT(VS_TDBS);
	v->ntdbs = COUNT(VS_TDBS);
	v->expr = SECT(VS_EXPR);
	v->nexpr = COUNT(VS_EXPR);
	v->pats = (const struct vmod_pat *)SECT(VS_PATS);
	v->npats = COUNT(VS_PATS);
	v->els = (const struct vmod_el *)SECT(VS_ELEMS);
	v->nels = COUNT(VS_ELEMS);
	v->pool = SECT(VS_POOL);
	v->npool = COUNT(VS_POOL);
	v->groups = (const struct vmod_group *)SECT(VS_GROUPS);
	v->bits = (const uint64_t *)SECT(VS_BITS);
	v->nbits = COUNT(VS_BITS);
	v->slots = (const struct vmod_slot *)SECT(VS_SLOTS);
	v->nslots = COUNT(VS_SLOTS);
	v->ents = (const struct vmod_ent *)SECT(VS_ENTS);
	v->nents = COUNT(VS_ENTS);
	v->direct = (const struct vmod_direct *)SECT(VS_DIRECT);
	v->ndirect = COUNT(VS_DIRECT);
	v->owners = (const struct vmod_owner *)SECT(VS_OWNERS);
	v->nowners = COUNT(VS_OWNERS);
	v->zero = (const uint32_t *)SECT(VS_ZERO);
	v->nzero = COUNT(VS_ZERO);
	v->chains = (const struct vmod_chain *)SECT(VS_CHAINS);
	v->nchains = COUNT(VS_CHAINS);
	v->xor = (uint8_t)h->xor;
	v->xor32 = 0x01010101U * v->xor;
#undef SECT
#undef COUNT
}

/* vmod_validate - check a module completely */
int
vmod_validate(const uint8_t *base, size_t size, int deep)
{
	struct vmod_hdr		 h;
	struct vmod_view	 v;
	const struct vmod_sect	*sc;
	const struct vmod_group	*g;
	const struct vmod_ent	*e;
	const struct vmod_pat	*p;
	const struct vmod_el	*el;
	uint64_t		 check, w;
	size_t			 i, t, k;
	int			 s;

	if (size < sizeof(h))
		return vm_fail(AV_EMAGIC);
	memcpy(&h, base, sizeof(h));
	if (memcmp(h.magic, VMOD_MAGIC, sizeof(h.magic)) != 0)
		return vm_fail(AV_EMAGIC);
	if (h.format != VMOD_FORMAT || h.hdrsize != sizeof(h) ||
	    h.nsect != VS_NSECT)
		return vm_fail(AV_EVERSION);
	if (h.xor == 0 || h.xor > 255)
		return vm_fail(AV_ECORRUPT);
	check = h.hdrcheck;
	h.hdrcheck = 0;
	if (fhash64(&h, sizeof(h), 0) != check)
		return vm_fail(AV_ECHECKSUM);
	if (h.size != size)
		return vm_fail(AV_ECORRUPT);
	if (fhash64(base + sizeof(h), size - sizeof(h), 0) != h.checksum)
		return vm_fail(AV_ECHECKSUM);

	for (s = 0; s < VS_NSECT; s++) {
		sc = &h.sect[s];
		if (sc->off % VMOD_ALIGN != 0 || sc->off < sizeof(h) ||
		    !vm_range(sc->off, sc->size, size) ||
		    sc->recsize != vm_recsize[s] ||
		    sc->count > sc->size / vm_recsize[s] ||
		    sc->count * vm_recsize[s] != sc->size)
			return vm_fail(AV_ECORRUPT);
	}
	if (h.sect[VS_GROUPS].count != VMOD_NGROUPS ||
	    h.sect[VS_STRINGS].size == 0 ||
	    base[h.sect[VS_STRINGS].off + h.sect[VS_STRINGS].size - 1] != '\0')
		return vm_fail(AV_ECORRUPT);
	if (!deep)
		return 0;

	vmod_view(&v, base, size);
	for (t = 0; t < 3; t++) {
		const uint8_t	*tab[2] = { v.hash[t], v.fp[t] };
		size_t		 cnt[2] = { v.nhash[t], v.nfp[t] };

		for (k = 0; k < 2; k++)
			for (i = 0; i < cnt[k]; i++) {
				const struct vmod_hash *a, *b;

				a = (const struct vmod_hash *)(tab[k] +
				    i * v.hashrec[t]);
				if (a->name >= v.nstr)
					return vm_fail(AV_ECORRUPT);
				if (i == 0)
					continue;
				b = (const struct vmod_hash *)(tab[k] +
				    (i - 1) * v.hashrec[t]);
				if (b->size > a->size || (b->size == a->size &&
				    memcmp(b->digest, a->digest, vm_dlen[t])
				    > 0))
					return vm_fail(AV_ECORRUPT);
			}
	}
	for (i = 1; i < v.nign; i++)
		if (v.ign[i - 1] > v.ign[i])
			return vm_fail(AV_ECORRUPT);
	for (i = 0; i < v.nsigs; i++) {
		const struct vmod_sig *sg = &v.sigs[i];

		if (sg->name >= v.nstr || sg->nsub == 0 || sg->nsub > 64 ||
		    sg->target >= VMOD_NGROUPS || sg->tdb > v.ntdbs ||
		    (sg->kind != BODYSIG_NDB && sg->kind != BODYSIG_LDB))
			return vm_fail(AV_ECORRUPT);
		if (sg->kind == BODYSIG_LDB &&
		    (!vm_range(sg->expr, sg->exprlen, v.nexpr) ||
		    lexpr_check(v.expr + sg->expr, sg->exprlen, sg->nsub)
		    == -1))
			return vm_fail(AV_ECORRUPT);
	}
	for (i = 0; i < v.ntdbs; i++) {
		const struct vmod_tdb *td = &v.tdbs[i];

		if (td->container >= FT_NTYPES || td->ninter > TDB_MAXINTER)
			return vm_fail(AV_ECORRUPT);
		for (k = 0; k < td->ninter; k++)
			if (td->inter[k] >= FT_NTYPES)
				return vm_fail(AV_ECORRUPT);
	}
	for (i = 0; i < v.npats; i++)
		if (vm_pattern(&v, &v.pats[i]) == -1)
			return vm_fail(AV_ECORRUPT);
	for (i = 0; i < v.nchains; i++)
		if (vm_chain(&v, i) == -1)
			return vm_fail(AV_ECORRUPT);
	for (i = 0; i < v.npats; i++)
		if ((v.pats[i].flags & VPAT_PART) &&
		    v.pats[i].part >= v.chains[v.pats[i].chain].npart)
			return vm_fail(AV_ECORRUPT);
	for (i = 0; i < v.ndirect; i++)
		if (v.direct[i].pat >= v.npats ||
		    v.pats[v.direct[i].pat].flags != VPAT_DIRECT)
			return vm_fail(AV_ECORRUPT);
	for (i = 0; i < v.nzero; i++)
		if (v.zero[i] >= v.nsigs ||
		    v.sigs[v.zero[i]].kind != BODYSIG_LDB)
			return vm_fail(AV_ECORRUPT);
	if (v.nents > 0 && !(v.ents[v.nents - 1].pat & VENT_LAST))
		return vm_fail(AV_ECORRUPT);
	for (i = 0; i < v.nents; i++) {
		e = &v.ents[i];
		if ((e->pat & VENT_PAT) >= v.npats)
			return vm_fail(AV_ECORRUPT);
		p = &v.pats[e->pat & VENT_PAT];
		if (e->el < p->pfirst || e->el >= p->pfirst + p->pcount ||
		    (p->flags & (VPAT_DIRECT | VPAT_CHAINED)))
			return vm_fail(AV_ECORRUPT);
		el = &v.els[p->el + e->el];
		switch (el->op) {
		case PEL_BYTES:
		case PEL_NOCASE:
		case PEL_MASK:
		case PEL_SKIP:
			w = el->n;
			break;
		case PEL_FALT:
			w = el->b;
			break;
		case PEL_CLASS:
			w = 1;
			break;
		default:
			return vm_fail(AV_ECORRUPT);
		}
		if (e->off >= w)
			return vm_fail(AV_ECORRUPT);
	}
	for (i = 0; i < v.nslots; i++)
		if (v.slots[i].ent != UINT32_MAX && v.slots[i].ent >= v.nents)
			return vm_fail(AV_ECORRUPT);
	for (i = 0; i < VMOD_NGROUPS; i++) {
		g = &v.groups[i];
		if (g->bits_log2 != 0 && (g->bits_log2 < 12 ||
		    g->bits_log2 > 28 || vm_table(&v, g->bits,
		    ((uint64_t)1 << g->bits_log2) / 64, g->slots,
		    g->slots_log2) == -1))
			return vm_fail(AV_ECORRUPT);
		if (g->sslots_log2 != 0 && vm_table(&v, g->sbits, 1024,
		    g->sslots, g->sslots_log2) == -1)
			return vm_fail(AV_ECORRUPT);
		if (!vm_range(g->direct, g->ndirect, v.ndirect) ||
		    !vm_range(g->zero, g->nzero, v.nzero))
			return vm_fail(AV_ECORRUPT);
	}
	return 0;
}
