/*
 * test_vmod.c - unit tests for signatures/vmod.[ch] and shm/sigmap.[ch]
 *
 * A real module is compiled once (cset + sigsrc, with .ndb, .ldb, .hdb,
 * .hsb, .fp, .sfp and .ign2 sources chosen so that every section is
 * non-empty and every element kind occurs).  Each row of vcases below
 * copies it into a buffer of exactly its size (so that ASan sees any read
 * past the end), corrupts one thing, and, for the structural rows,
 * recomputes both checksums so that vmod_validate() gets past them to the
 * check under test.  The row gives the errno wanted from a deep and from
 * a shallow validation; sigmap_openmem() must agree with the deep one.
 *
 * vmod.h is the contract: "A module that passes can be scanned without
 * any further bounds checks on module data."  Every row below is a way a
 * module could make the matcher read out of bounds, loop, or misbehave.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "av/averr.h"
#include "util/fhash.h"
#include "shm/sigmap.h"
#include "signatures/cset.h"
#include "signatures/lexpr.h"
#include "signatures/sigir.h"
#include "signatures/sigsrc.h"
#include "signatures/vmod.h"
#include "workers/filetype.h"

#define nitems(a)	(sizeof(a) / sizeof((a)[0]))

/* Tests of known library bugs run only with VIGIL_TEST_BUGS set. */
#define KNOWN_BUG()	do {						\
		if (getenv("VIGIL_TEST_BUGS") == NULL)			\
			skip();						\
	} while (0)

/* The fixture's sources: every section and every element kind. */
static const struct src {
	const char	*name;
	const char	*text;
} fixture_src[] = {
	{ "t.ndb",
	    "Test.Sig:0:*:41424344454647\n"
	    "Test.Shared1:0:*:6162636465666768\n"
	    "Test.Shared2:0:*:6162636465666768\n"
	    "Test.Direct:0:0:5a5a5a5a\n"
	    "Test.Alt:0:*:3132333435(41|4243)363738{2-5}393a3b3c*"
	    "3d3e3f40(4142|4344)\n"
	    "Test.Two:0:*:4142{1-3}4344\n"
	    "Test.Every:0:*:(B)6162636465??66676869a?6a(41|42|43)6b6c6d6e"
	    "(L)6f707172{200}73747576!(7778|797a)(B)\n" },
	{ "t.ldb",
	    "Test.Ldb;Target:0,FileSize:1-1000;0&1;71727374757677;"
	    "78797a7b7c7d::i\n"
	    "Test.Zero;Target:0;0=0;7a7a7a7a7a7a7a\n" },
	{ "t.hdb",
	    "44d88612fea8a8f36de82e1278abb02f:68:Hash.Md5.Eicar\n"
	    "900150983cd24fb0d6963f7d28e17f72:3:Hash.Md5.Abc\n" },
	{ "t.hsb",
	    "a9993e364706816aba3e25717850c26c9cd0d89d:3:Hash.Sha1.Abc\n"
	    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
	    ":3:Hash.Sha256.Abc\n" },
	{ "t.fp",
	    "900150983cd24fb0d6963f7d28e17f72:3:Fp.Md5.Abc\n" },
	{ "t.sfp",
	    "a9993e364706816aba3e25717850c26c9cd0d89d:3:Fp.Sha1.Abc\n"
	    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
	    ":3:Fp.Sha256.Abc\n" },
	{ "t.ign2",
	    "Some.Ignored.Name\n"
	    "Another.Ignored.Name\n" },
};

/* A working copy of the fixture, exactly size bytes long. */
struct img {
	uint8_t	*p;
	size_t	 size;
};

#define H(m)		((struct vmod_hdr *)(void *)(m)->p)
#define SECT(m, s)	((void *)((m)->p + H(m)->sect[s].off))
#define CNT(m, s)	(H(m)->sect[s].count)
#define SIGS(m)		((struct vmod_sig *)SECT(m, VS_SIGS))
#define TDBS(m)		((struct vmod_tdb *)SECT(m, VS_TDBS))
#define EXPR(m)		((uint8_t *)SECT(m, VS_EXPR))
#define PATS(m)		((struct vmod_pat *)SECT(m, VS_PATS))
#define ELS(m)		((struct vmod_el *)SECT(m, VS_ELEMS))
#define POOL(m)		((uint8_t *)SECT(m, VS_POOL))
#define GROUPS(m)	((struct vmod_group *)SECT(m, VS_GROUPS))
#define SLOTS(m)	((struct vmod_slot *)SECT(m, VS_SLOTS))
#define ENTS(m)		((struct vmod_ent *)SECT(m, VS_ENTS))
#define DIRECT(m)	((struct vmod_direct *)SECT(m, VS_DIRECT))
#define OWNERS(m)	((struct vmod_owner *)SECT(m, VS_OWNERS))
#define IGN(m)		((uint64_t *)SECT(m, VS_IGNORE))

enum { FIX = 1, RAW = 0 };	/* recompute checksums after corrupting */

struct vcase {
	const char	*name;
	void		(*corrupt)(struct img *);
	int		 fix;
	int		 want_deep;	/* 0: accepted, else errno */
	int		 want_shallow;
	const char	*bug;		/* known library bug: skipped */
};

static uint8_t	*good;
static size_t	 good_size;

static int	 build(const struct src *, size_t, uint64_t, uint8_t **,
		    size_t *);
static int	 group_setup(void **);
static int	 group_teardown(void **);
static void	 img_copy(struct img *, size_t);
static void	 img_resize(struct img *, size_t);
static void	 img_free(struct img *);
static void	 fix_checksums(struct img *);
static uint32_t	 pool_get32(struct img *, uint64_t);
static void	 pool_set32(struct img *, uint64_t, uint32_t);
static struct vmod_el *find_el(struct img *, uint8_t, struct vmod_pat **);
static struct vmod_sig *find_sig(struct img *, uint8_t);
static struct vmod_pat *find_shared(struct img *);
static struct vmod_pat *find_direct(struct img *);
static struct vmod_el *galt(struct img *, struct vmod_pat **);
static struct vmod_el *alt_el(struct img *);
static struct vmod_hash *hrec(struct img *, int, uint64_t);
static struct vmod_slot *used_slot(struct img *);
static uint32_t	 el_width(const struct vmod_el *);
static uint32_t	 rel_el(struct img *, const struct vmod_pat *,
		    const struct vmod_el *);
static void	 check_rc(const char *, int, int, int);
static void	 test_vcase(void **);
static void	 test_fixture(void **);
static void	 test_long_pattern(void **);
static int	 tmpfile_with(const void *, size_t, int);
static void	 test_sigmap_file(void **);
static void	 test_sigmap_dir(void **);
static void	 test_sigmap_short(void **);
static void	 test_sigmap_corrupt(void **);
static void	 test_sigmap_nonfile(void **);
static void	 test_sigmap_mem(void **);

/* build - compile sources into a module image */
static int
build(const struct src *src, size_t n, uint64_t serial, uint8_t **img,
    size_t *size)
{
	struct cset_opts	 o;
	struct cset		*cs;
	size_t			 i;
	int			 rc = -1;

	memset(&o, 0, sizeof(o));
	if ((cs = cset_new(&o)) == NULL)
		return -1;
	for (i = 0; i < n; i++)
		if (sigsrc_load_buffer(cs, src[i].name,
		    (const uint8_t *)src[i].text, strlen(src[i].text)) == -1)
			goto done;
	if (!cset_failed(cs) && cset_build(cs, serial, "test", img, size) == 0)
		rc = 0;
done:
	cset_free(cs);
	return rc;
}

/* group_setup - compile the fixture once */
static int
group_setup(void **state)
{
	(void)state;
	return build(fixture_src, nitems(fixture_src), 77, &good, &good_size);
}

/* group_teardown - free it */
static int
group_teardown(void **state)
{
	(void)state;
	free(good);
	return 0;
}

/* img_copy - a 64-aligned copy of the fixture, size bytes, zero-padded */
static void
img_copy(struct img *m, size_t size)
{
	void	*p;

	if (posix_memalign(&p, VMOD_ALIGN, size ? size : 1) != 0)
		fail_msg("posix_memalign");
	m->p = p;
	m->size = size;
	memset(m->p, 0, size);
	memcpy(m->p, good, size < good_size ? size : good_size);
}

/* img_resize - the same module in a buffer of another size */
static void
img_resize(struct img *m, size_t size)
{
	struct img	 n;

	img_copy(&n, size);
	memcpy(n.p, m->p, size < m->size ? size : m->size);
	img_free(m);
	*m = n;
}

/* img_free - release a copy */
static void
img_free(struct img *m)
{
	free(m->p);
	m->p = NULL;
}

/* fix_checksums - make both checksums agree with the bytes */
static void
fix_checksums(struct img *m)
{
	struct vmod_hdr	 h;

	if (m->size < sizeof(h))
		return;
	memcpy(&h, m->p, sizeof(h));
	h.checksum = fhash64(m->p + sizeof(h), m->size - sizeof(h), 0);
	h.hdrcheck = 0;
	h.hdrcheck = fhash64(&h, sizeof(h), 0);
	memcpy(m->p, &h, sizeof(h));
}

/* pool_get32 - a u32 at a pool offset (unaligned) */
static uint32_t
pool_get32(struct img *m, uint64_t off)
{
	uint32_t	 v;

	memcpy(&v, POOL(m) + off, sizeof(v));
	return v;
}

/* pool_set32 - store a u32 at a pool offset */
static void
pool_set32(struct img *m, uint64_t off, uint32_t v)
{
	memcpy(POOL(m) + off, &v, sizeof(v));
}

/* find_el - first main-sequence element with op, and its pattern */
static struct vmod_el *
find_el(struct img *m, uint8_t op, struct vmod_pat **pp)
{
	struct vmod_pat	*p;
	uint64_t	 i;
	uint32_t	 k;

	for (i = 0; i < CNT(m, VS_PATS); i++) {
		p = &PATS(m)[i];
		for (k = 0; k < p->nmain; k++)
			if (ELS(m)[p->el + k].op == op) {
				if (pp != NULL)
					*pp = p;
				return &ELS(m)[p->el + k];
			}
	}
	fail_msg("fixture has no element of op %u", op);
	return NULL;
}

/* find_sig - first signature of a kind */
static struct vmod_sig *
find_sig(struct img *m, uint8_t kind)
{
	uint64_t	 i;

	for (i = 0; i < CNT(m, VS_SIGS); i++)
		if (SIGS(m)[i].kind == kind)
			return &SIGS(m)[i];
	fail_msg("fixture has no signature of kind %u", kind);
	return NULL;
}

/* find_shared - a pattern with several owners */
static struct vmod_pat *
find_shared(struct img *m)
{
	uint64_t	 i;

	for (i = 0; i < CNT(m, VS_PATS); i++)
		if (PATS(m)[i].nowners > 1)
			return &PATS(m)[i];
	fail_msg("fixture has no shared pattern");
	return NULL;
}

/* find_direct - a pattern checked at its offset */
static struct vmod_pat *
find_direct(struct img *m)
{
	uint64_t	 i;

	for (i = 0; i < CNT(m, VS_PATS); i++)
		if (PATS(m)[i].flags & VPAT_DIRECT)
			return &PATS(m)[i];
	fail_msg("fixture has no direct pattern");
	return NULL;
}

/* galt - the GALT element of the fixture and its pattern */
static struct vmod_el *
galt(struct img *m, struct vmod_pat **pp)
{
	return find_el(m, PEL_GALT, pp);
}

/* alt_el - the first element of the first alternative of the GALT */
static struct vmod_el *
alt_el(struct img *m)
{
	struct vmod_pat	*p;
	struct vmod_el	*g = galt(m, &p);

	return &ELS(m)[p->el + pool_get32(m, g->a)];
}

/* hrec - record i of a hash section */
static struct vmod_hash *
hrec(struct img *m, int s, uint64_t i)
{
	return (struct vmod_hash *)(void *)((uint8_t *)SECT(m, s) +
	    i * H(m)->sect[s].recsize);
}

/* used_slot - the first non-empty prefilter slot */
static struct vmod_slot *
used_slot(struct img *m)
{
	uint64_t	 i;

	for (i = 0; i < CNT(m, VS_SLOTS); i++)
		if (SLOTS(m)[i].ent != UINT32_MAX)
			return &SLOTS(m)[i];
	fail_msg("fixture has no used slot");
	return NULL;
}

/* el_width - bytes a fixed-width element consumes */
static uint32_t
el_width(const struct vmod_el *e)
{
	switch (e->op) {
	case PEL_FALT:
		return e->b;
	case PEL_CLASS:
		return 1;
	default:
		return e->n;
	}
}

/* rel_el - index of e relative to its pattern's first element */
static uint32_t
rel_el(struct img *m, const struct vmod_pat *p, const struct vmod_el *e)
{
	return (uint32_t)(e - &ELS(m)[p->el]);
}

/*
 * The corruptions.  Each names what it breaks; the table below says what
 * vmod_validate() must answer.  Against KNF, the one-statement ones are
 * written on one or two lines each, so that the list reads like the table
 * it feeds.
 */

/* header */
static void c_none(struct img *m) { (void)m; }
static void c_magic(struct img *m) { H(m)->magic[7] ^= 0x20; }
static void c_magic_nul(struct img *m) { memset(H(m)->magic, 0, 8); }
static void c_short(struct img *m)
{ img_resize(m, sizeof(struct vmod_hdr) - 1); }
static void c_empty(struct img *m) { img_resize(m, 0); }
static void c_hdr_only(struct img *m)
{ img_resize(m, sizeof(struct vmod_hdr)); }
static void c_version(struct img *m)
{ H(m)->format = (uint32_t)(VMOD_VERSION + 1) << 8 | 0x4c; }
static void c_version0(struct img *m) { H(m)->format = 0x4c; }
static void c_endian(struct img *m)
{ H(m)->format = __builtin_bswap32(VMOD_FORMAT); }
static void c_hdrsize(struct img *m) { H(m)->hdrsize += 8; }
static void c_nsect(struct img *m) { H(m)->nsect = VS_NSECT + 1; }
static void c_nsect_less(struct img *m) { H(m)->nsect = VS_NSECT - 1; }
static void c_xor0(struct img *m) { H(m)->xor = 0; }
static void c_xor256(struct img *m) { H(m)->xor = 256; }
static void c_size_big(struct img *m) { H(m)->size += 64; }
static void c_size_small(struct img *m) { H(m)->size -= 64; }
static void c_size_huge(struct img *m) { H(m)->size = UINT64_MAX; }
static void c_truncated(struct img *m) { img_resize(m, m->size - 64); }
static void c_truncated1(struct img *m) { img_resize(m, m->size - 1); }
static void c_appended(struct img *m) { img_resize(m, m->size + 64); }

/* section table */
static void c_sect_unaligned(struct img *m) { H(m)->sect[VS_SIGS].off += 8; }
static void c_sect_unaligned1(struct img *m)
{ H(m)->sect[VS_ELEMS].off += 1; }
static void c_sect_in_header(struct img *m) { H(m)->sect[VS_STRINGS].off = 0; }
static void c_sect_past_end(struct img *m)
{ H(m)->sect[VS_OWNERS].off = m->size + VMOD_ALIGN; }
static void c_sect_end_at_size(struct img *m)
{
	/* the last section, moved so that its last record hangs over */
	H(m)->sect[VS_OWNERS].off = (m->size - VMOD_ALIGN) & ~(uint64_t)63;
	H(m)->sect[VS_OWNERS].size = VMOD_ALIGN + 8;
	H(m)->sect[VS_OWNERS].count = (VMOD_ALIGN + 8) /
	    sizeof(struct vmod_owner);
}
static void c_sect_size_past_end(struct img *m)
{
	H(m)->sect[VS_BITS].size = m->size;
	H(m)->sect[VS_BITS].count = m->size / 8;
}
static void c_sect_off_wraps(struct img *m)
{ H(m)->sect[VS_POOL].off = UINT64_MAX & ~(uint64_t)63; }
static void c_sect_size_wraps(struct img *m)
{
	H(m)->sect[VS_POOL].size = UINT64_MAX;
	H(m)->sect[VS_POOL].count = UINT64_MAX;
}
static void c_recsize(struct img *m) { H(m)->sect[VS_PATS].recsize += 8; }
static void c_recsize0(struct img *m) { H(m)->sect[VS_STRINGS].recsize = 0; }
static void c_recsize_ents(struct img *m)
{
	/* an entry table laid out with 8-byte records */
	H(m)->sect[VS_ENTS].recsize = 8;
	H(m)->sect[VS_ENTS].count = H(m)->sect[VS_ENTS].size / 8;
}
static void c_count_more(struct img *m) { H(m)->sect[VS_SIGS].count++; }
static void c_count_less(struct img *m) { H(m)->sect[VS_ENTS].count--; }
static void c_size_odd(struct img *m) { H(m)->sect[VS_SLOTS].size += 4; }
static void c_count_wraps(struct img *m)
{ H(m)->sect[VS_BITS].count += (uint64_t)1 << 61; }
static void c_groups_15(struct img *m)
{
	H(m)->sect[VS_GROUPS].size -= sizeof(struct vmod_group);
	H(m)->sect[VS_GROUPS].count--;
}
static void c_strings_unterminated(struct img *m)
{
	((uint8_t *)SECT(m, VS_STRINGS))[CNT(m, VS_STRINGS) - 1] = 'x';
}
static void c_strings_empty(struct img *m)
{
	H(m)->sect[VS_STRINGS].size = 0;
	H(m)->sect[VS_STRINGS].count = 0;
}

/* hashes and ignore list */
static void c_hash_name(struct img *m)
{ hrec(m, VS_HASH_MD5, 0)->name = (uint32_t)CNT(m, VS_STRINGS); }
static void c_fp_name(struct img *m)
{ hrec(m, VS_FP_SHA256, 0)->name = UINT32_MAX; }
static void c_hash_unsorted(struct img *m)
{
	struct vmod_hash	 t;
	uint32_t		 rec = H(m)->sect[VS_HASH_MD5].recsize;

	memcpy(&t, hrec(m, VS_HASH_MD5, 0), rec);
	memcpy(hrec(m, VS_HASH_MD5, 0), hrec(m, VS_HASH_MD5, 1), rec);
	memcpy(hrec(m, VS_HASH_MD5, 1), &t, rec);
}
static void c_hash_digest_order(struct img *m)
{
	/* same size, digests out of order */
	hrec(m, VS_HASH_MD5, 0)->size = hrec(m, VS_HASH_MD5, 1)->size;
	memset(hrec(m, VS_HASH_MD5, 0)->digest, 0xff, 16);
}
static void c_ign_unsorted(struct img *m)
{
	uint64_t	 t = IGN(m)[0];

	IGN(m)[0] = IGN(m)[1];
	IGN(m)[1] = t;
}

/* signatures, target descriptions, expressions */
static void c_sig_name(struct img *m)
{ SIGS(m)[0].name = (uint32_t)CNT(m, VS_STRINGS); }
static void c_sig_nsub0(struct img *m)
{
	uint64_t	 i;

	/* signature 0 loses its subsignatures and patterns to signature 1 */
	SIGS(m)[0].nsub = 0;
	for (i = 0; i < CNT(m, VS_PATS); i++)
		if (PATS(m)[i].sig == 0)
			PATS(m)[i].sig = 1;
	for (i = 0; i < CNT(m, VS_OWNERS); i++)
		if (OWNERS(m)[i].sig == 0)
			OWNERS(m)[i].sig = 1;
}
static void c_sig_nsub65(struct img *m)
{ find_sig(m, BODYSIG_LDB)->nsub = 65; }
static void c_sig_target(struct img *m) { SIGS(m)[0].target = VMOD_NGROUPS; }
static void c_sig_tdb(struct img *m)
{ SIGS(m)[0].tdb = (uint32_t)CNT(m, VS_TDBS) + 1; }
static void c_sig_kind0(struct img *m) { SIGS(m)[0].kind = 0; }
static void c_sig_kind3(struct img *m) { SIGS(m)[0].kind = BODYSIG_LDB + 1; }
static void c_expr_past(struct img *m)
{ find_sig(m, BODYSIG_LDB)->expr = (uint32_t)CNT(m, VS_EXPR); }
static void c_exprlen_past(struct img *m)
{ find_sig(m, BODYSIG_LDB)->exprlen = (uint16_t)(CNT(m, VS_EXPR) + 1); }
static void c_expr_sect_short(struct img *m)
{
	/* the program's last byte is still there, past the section */
	H(m)->sect[VS_EXPR].size--;
	H(m)->sect[VS_EXPR].count--;
}
static void c_expr_opcode(struct img *m)
{ EXPR(m)[find_sig(m, BODYSIG_LDB)->expr] = 0xff; }
static void c_expr_index(struct img *m)
{
	struct vmod_sig	*s = find_sig(m, BODYSIG_LDB);

	/* "0&1" is SUB 0, SUB 1, AND: make the second index nsub */
	EXPR(m)[s->expr + 3] = s->nsub;
}
static void c_expr_short(struct img *m)
{ find_sig(m, BODYSIG_LDB)->exprlen--; }
static void c_expr_empty(struct img *m)
{ find_sig(m, BODYSIG_LDB)->exprlen = 0; }
static void c_expr_fewer_subs(struct img *m)
{
	struct vmod_sig	*s = find_sig(m, BODYSIG_LDB);
	uint64_t	 i;

	/* the expression names subsignature 1, the signature has one */
	s->nsub = 1;
	for (i = 0; i < CNT(m, VS_PATS); i++)
		if (&SIGS(m)[PATS(m)[i].sig] == s)
			PATS(m)[i].sub = 0;
}
static void c_tdb_container(struct img *m) { TDBS(m)[0].container = FT_NTYPES; }
static void c_tdb_ninter(struct img *m)
{ TDBS(m)[0].ninter = TDB_MAXINTER + 1; }
static void c_tdb_inter(struct img *m)
{
	TDBS(m)[0].ninter = 2;
	TDBS(m)[0].inter[0] = FT_ANY;
	TDBS(m)[0].inter[1] = FT_NTYPES;
}

/* patterns and owners */
static void c_pat_sig(struct img *m)
{ PATS(m)[0].sig = (uint32_t)CNT(m, VS_SIGS); }
static void c_pat_sigs_short(struct img *m)
{
	/* the last signature record is still there, past the table */
	H(m)->sect[VS_SIGS].size -= sizeof(struct vmod_sig);
	H(m)->sect[VS_SIGS].count--;
}
static void c_pat_nmain0(struct img *m) { find_direct(m)->nmain = 0; }
static void c_pat_nmain_nel(struct img *m)
{ PATS(m)[0].nmain = PATS(m)[0].nel + 1; }
static void c_pat_el_past(struct img *m)
{
	struct vmod_pat	*p = &PATS(m)[CNT(m, VS_PATS) - 1];

	p->el = (uint32_t)(CNT(m, VS_ELEMS) - p->nel + 1);
}
static void c_pat_el_wraps(struct img *m) { PATS(m)[0].el = UINT32_MAX; }
static void c_pat_nel_past(struct img *m)
{
	struct vmod_pat	*p = &PATS(m)[CNT(m, VS_PATS) - 1];

	p->nel++;
}
static void c_pat_offkind(struct img *m) { PATS(m)[0].offkind = OFF_LAST + 1; }
static void c_pat_target(struct img *m) { PATS(m)[0].target = VMOD_NGROUPS; }
static void c_pat_flags(struct img *m) { PATS(m)[0].flags |= 0x80; }
static void c_pat_nowners0(struct img *m) { PATS(m)[0].nowners = 0; }
static void c_pat_sub(struct img *m)
{ PATS(m)[0].sub = SIGS(m)[PATS(m)[0].sig].nsub; }
static void c_owners_past(struct img *m)
{ find_shared(m)->owners = (uint32_t)CNT(m, VS_OWNERS) - 1; }
static void c_owners_count(struct img *m)
{ find_shared(m)->nowners = (uint32_t)CNT(m, VS_OWNERS) + 1; }
static void c_owners_wraps(struct img *m)
{ find_shared(m)->owners = UINT32_MAX; }
static void c_owner_sig(struct img *m)
{ OWNERS(m)[find_shared(m)->owners + 1].sig = (uint32_t)CNT(m, VS_SIGS); }
static void c_owner_sub(struct img *m)
{
	struct vmod_owner	*o = &OWNERS(m)[find_shared(m)->owners + 1];

	o->sub = SIGS(m)[o->sig].nsub;
}

/* elements */
static void c_bytes_n0(struct img *m) { find_el(m, PEL_BYTES, NULL)->n = 0; }
static void c_bytes_pool(struct img *m)
{
	struct vmod_el	*e = find_el(m, PEL_BYTES, NULL);

	e->a = (uint32_t)CNT(m, VS_POOL) - e->n + 1;
}
static void c_bytes_pool_wraps(struct img *m)
{ find_el(m, PEL_BYTES, NULL)->a = UINT32_MAX; }
static void c_nocase_pool(struct img *m)
{
	struct vmod_el	*e = find_el(m, PEL_NOCASE, NULL);

	e->a = (uint32_t)CNT(m, VS_POOL) - e->n + 1;
}
static void c_mask_pool(struct img *m)
{
	struct vmod_el	*e = find_el(m, PEL_MASK, NULL);

	/* n (mask, value) pairs: 2n bytes, one short */
	e->a = (uint32_t)CNT(m, VS_POOL) - 2 * e->n + 1;
}
static void c_mask_n0(struct img *m) { find_el(m, PEL_MASK, NULL)->n = 0; }
static void c_skip_n0(struct img *m) { find_el(m, PEL_SKIP, NULL)->n = 0; }
static void c_class_pool(struct img *m)
{ find_el(m, PEL_CLASS, NULL)->a = (uint32_t)CNT(m, VS_POOL) - 31; }
static void c_falt_b0(struct img *m) { find_el(m, PEL_FALT, NULL)->b = 0; }
static void c_falt_n0(struct img *m) { find_el(m, PEL_FALT, NULL)->n = 0; }
static void c_falt_bbig(struct img *m)
{ find_el(m, PEL_FALT, NULL)->b = UINT16_MAX + 1; }
static void c_falt_pool(struct img *m)
{
	struct vmod_el	*e = find_el(m, PEL_FALT, NULL);

	e->a = (uint32_t)CNT(m, VS_POOL) - e->n * e->b + 1;
}
static void c_gap_order(struct img *m)
{
	struct vmod_el	*e = find_el(m, PEL_GAP, NULL);

	e->a = 10;
	e->b = 5;
}
static void c_assert0(struct img *m) { find_el(m, PEL_ASSERT, NULL)->b = 0; }
static void c_assert_big(struct img *m)
{ find_el(m, PEL_ASSERT, NULL)->b = ASSERT_WWORD_AFTER + 1; }
static void c_op0(struct img *m) { find_el(m, PEL_BYTES, NULL)->op = 0; }
static void c_op_next(struct img *m)
{ find_el(m, PEL_BYTES, NULL)->op = PEL_ASSERT + 1; }
static void c_op_ff(struct img *m) { find_el(m, PEL_LINE, NULL)->op = 0xff; }

/* generic alternatives */
static void c_galt_into_main(struct img *m)
{
	/* the first alternative is the pattern's own first element */
	pool_set32(m, galt(m, NULL)->a, 0);
}
static void c_galt_last_main(struct img *m)
{
	struct vmod_pat	*p;
	struct vmod_el	*g = galt(m, &p);

	pool_set32(m, g->a, p->nmain - 1u);
	pool_set32(m, g->a + 4, 1);
}
static void c_galt_count0(struct img *m)
{ pool_set32(m, galt(m, NULL)->a + 4, 0); }
static void c_galt_past_nel(struct img *m)
{
	struct vmod_pat	*p;
	struct vmod_el	*g = galt(m, &p);

	pool_set32(m, g->a + 8 + 4, p->nel - pool_get32(m, g->a + 8) + 1);
}
static void c_galt_wraps(struct img *m)
{
	struct vmod_el	*g = galt(m, NULL);

	pool_set32(m, g->a, UINT32_MAX);
	pool_set32(m, g->a + 4, 2);
}
static void c_galt_pool_after(struct img *m)
{
	struct vmod_el	*g = galt(m, NULL);
	uint64_t	 npool = CNT(m, VS_POOL);

	/* valid pairs, but in the padding right after the pool */
	if (H(m)->sect[VS_POOL].off + npool + 8 * g->n >
	    H(m)->sect[VS_POOL + 1].off)
		fail_msg("no padding after the pool");
	memmove(POOL(m) + npool, POOL(m) + g->a, 8 * g->n);
	g->a = (uint32_t)npool;
}
static void c_galt_n0(struct img *m) { galt(m, NULL)->n = 0; }
static void c_galt_pool(struct img *m)
{
	struct vmod_el	*g = galt(m, NULL);

	g->a = (uint32_t)CNT(m, VS_POOL) - 8 * g->n + 1;
}
static void c_galt_nested(struct img *m)
{
	struct vmod_el	*g = galt(m, NULL), *a = alt_el(m);

	/* an alternative that is the same GALT again: endless recursion */
	*a = *g;
}
static void c_galt_gap(struct img *m)
{
	struct vmod_el	*a = alt_el(m);

	a->op = PEL_GAP;
	a->a = 0;
	a->b = 4;
}
static void c_galt_line(struct img *m) { alt_el(m)->op = PEL_LINE; }
static void c_galt_assert(struct img *m)
{
	struct vmod_el	*a = alt_el(m);

	a->op = PEL_ASSERT;
	a->b = ASSERT_BOUND_BEFORE;
}
static void c_galt_bytes_pool(struct img *m)
{
	struct vmod_el	*a = alt_el(m);

	a->a = (uint32_t)CNT(m, VS_POOL);
}

/* direct list, prefilter entries, slots, groups */
static void c_direct_pat(struct img *m)
{ DIRECT(m)[0].pat = (uint32_t)CNT(m, VS_PATS); }
static void c_ent_nolast(struct img *m)
{ ENTS(m)[CNT(m, VS_ENTS) - 1].pat &= ~VENT_LAST; }
static void c_ent_pat(struct img *m)
{
	ENTS(m)[0].pat = (ENTS(m)[0].pat & ~VENT_PAT) |
	    (uint32_t)CNT(m, VS_PATS);
}
static void c_ent_pat_max(struct img *m) { ENTS(m)[0].pat |= VENT_PAT; }
static void c_ent_el(struct img *m)
{ ENTS(m)[0].el = PATS(m)[ENTS(m)[0].pat & VENT_PAT].nmain; }
static void c_ent_direct(struct img *m)
{
	ENTS(m)[0].pat = (ENTS(m)[0].pat & ~VENT_PAT) |
	    (uint32_t)(find_direct(m) - PATS(m));
	ENTS(m)[0].el = 0;
	ENTS(m)[0].off = 0;
}
static void c_ent_gap(struct img *m)
{
	struct vmod_pat	*p;
	struct vmod_el	*e = find_el(m, PEL_GAP, &p);

	ENTS(m)[0].pat = (ENTS(m)[0].pat & ~VENT_PAT) |
	    (uint32_t)(p - PATS(m));
	ENTS(m)[0].el = (uint16_t)rel_el(m, p, e);
	ENTS(m)[0].off = 0;
}
static void c_ent_galt(struct img *m)
{
	struct vmod_pat	*p;
	struct vmod_el	*e = galt(m, &p);

	ENTS(m)[0].pat = (ENTS(m)[0].pat & ~VENT_PAT) |
	    (uint32_t)(p - PATS(m));
	ENTS(m)[0].el = (uint16_t)rel_el(m, p, e);
	ENTS(m)[0].off = 0;
}
static void c_ent_off(struct img *m)
{
	struct vmod_ent	*e = &ENTS(m)[0];
	struct vmod_pat	*p = &PATS(m)[e->pat & VENT_PAT];

	e->off = (uint16_t)el_width(&ELS(m)[p->el + e->el]);
}
static void c_slot_ent(struct img *m)
{ used_slot(m)->ent = (uint32_t)CNT(m, VS_ENTS); }
static void c_slot_ent_big(struct img *m)
{ used_slot(m)->ent = UINT32_MAX - 1; }
static void c_slots_full(struct img *m)
{
	struct vmod_group	*g = &GROUPS(m)[0];
	uint64_t		 i;

	for (i = 0; i < (uint64_t)1 << g->slots_log2; i++)
		SLOTS(m)[g->slots + i].ent = 0;
}
static void c_sslots_full(struct img *m)
{
	struct vmod_group	*g = &GROUPS(m)[0];
	uint64_t		 i;

	for (i = 0; i < (uint64_t)1 << g->sslots_log2; i++)
		SLOTS(m)[g->sslots + i].ent = 0;
}
static void c_grp_bits(struct img *m)
{ GROUPS(m)[0].bits = CNT(m, VS_BITS) - 1; }
static void c_grp_bits_wraps(struct img *m)
{ GROUPS(m)[0].bits = UINT64_MAX - 1; }
static void c_grp_bits_log2_small(struct img *m)
{ GROUPS(m)[0].bits_log2 = 11; }
static void c_grp_bits_log2_big(struct img *m)
{ GROUPS(m)[0].bits_log2 = 29; }
static void c_grp_bits_log2_bigger(struct img *m)
{
	/* a bitmap larger than the whole bits section */
	GROUPS(m)[0].bits = 0;
	GROUPS(m)[0].bits_log2 = 28;
}
static void c_grp_slots_log2_0(struct img *m) { GROUPS(m)[0].slots_log2 = 0; }
static void c_grp_slots_log2_32(struct img *m)
{ GROUPS(m)[0].slots_log2 = 32; }
static void c_grp_slots(struct img *m)
{ GROUPS(m)[0].slots = CNT(m, VS_SLOTS) - 1; }
static void c_grp_sbits(struct img *m)
{ GROUPS(m)[0].sbits = CNT(m, VS_BITS) - 1023; }
static void c_grp_sslots(struct img *m)
{ GROUPS(m)[0].sslots = CNT(m, VS_SLOTS) - 1; }
static void c_grp_sslots_log2(struct img *m)
{ GROUPS(m)[0].sslots_log2 = 32; }
static void c_grp_direct(struct img *m)
{ GROUPS(m)[0].direct = (uint32_t)CNT(m, VS_DIRECT); }
static void c_grp_ndirect(struct img *m)
{ GROUPS(m)[0].ndirect = (uint32_t)CNT(m, VS_DIRECT) + 1; }
static void c_grp_direct_wraps(struct img *m)
{ GROUPS(m)[0].direct = UINT32_MAX; }
static void c_grp_last(struct img *m)
{ GROUPS(m)[VMOD_NGROUPS - 1].slots = CNT(m, VS_SLOTS); }

/* bytes flipped, checksums left alone */
static void c_flip_body(struct img *m) { m->p[m->size / 2] ^= 0x10; }
static void c_flip_first(struct img *m)
{ m->p[sizeof(struct vmod_hdr)] ^= 0x01; }
static void c_flip_last(struct img *m) { m->p[m->size - 1] ^= 0x80; }
static void c_flip_serial(struct img *m) { H(m)->serial ^= 1; }
static void c_flip_name(struct img *m) { H(m)->name[0] ^= 1; }
static void c_flip_sect(struct img *m) { H(m)->sect[VS_POOL].size ^= 1; }
static void c_flip_checksum(struct img *m) { H(m)->checksum ^= 1; }
static void c_flip_hdrcheck(struct img *m) { H(m)->hdrcheck ^= 1; }
static void c_flip_reserved(struct img *m) { H(m)->reserved[2] ^= 1; }
static void c_zero_body(struct img *m)
{
	memset(m->p + sizeof(struct vmod_hdr), 0,
	    m->size - sizeof(struct vmod_hdr));
}

#define EM	AV_EMAGIC
#define EV	AV_EVERSION
#define EK	AV_ECHECKSUM
#define EC	AV_ECORRUPT

static const struct vcase vcases[] = {
	/* accepted */
	{ "accepted: untouched, checksums recomputed", c_none, FIX, 0, 0,
	    NULL },
	/* header */
	{ "header: wrong magic", c_magic, FIX, EM, EM, NULL },
	{ "header: zero magic", c_magic_nul, RAW, EM, EM, NULL },
	{ "header: file shorter than a header", c_short, RAW, EM, EM, NULL },
	{ "header: empty file", c_empty, RAW, EM, EM, NULL },
	{ "header: a header and nothing else", c_hdr_only, FIX, EC, EC,
	    NULL },
	{ "header: next format version", c_version, FIX, EV, EV, NULL },
	{ "header: format version 0", c_version0, FIX, EV, EV, NULL },
	{ "header: other byte order", c_endian, FIX, EV, EV, NULL },
	{ "header: hdrsize", c_hdrsize, FIX, EV, EV, NULL },
	{ "header: nsect too large", c_nsect, FIX, EV, EV, NULL },
	{ "header: nsect too small", c_nsect_less, FIX, EV, EV, NULL },
	{ "header: xor 0", c_xor0, FIX, EC, EC, NULL },
	{ "header: xor 256", c_xor256, FIX, EC, EC, NULL },
	{ "header: size field larger than the file", c_size_big, FIX, EC, EC,
	    NULL },
	{ "header: size field smaller than the file", c_size_small, FIX, EC,
	    EC, NULL },
	{ "header: size field all ones", c_size_huge, FIX, EC, EC, NULL },
	{ "header: file truncated by 64 bytes", c_truncated, FIX, EC, EC,
	    NULL },
	{ "header: file truncated by 1 byte", c_truncated1, FIX, EC, EC,
	    NULL },
	{ "header: bytes appended to the file", c_appended, FIX, EC, EC,
	    NULL },
	/* section table */
	{ "sections: offset not 64-aligned", c_sect_unaligned, FIX, EC, EC,
	    NULL },
	{ "sections: offset off by one", c_sect_unaligned1, FIX, EC, EC,
	    NULL },
	{ "sections: section inside the header", c_sect_in_header, FIX, EC,
	    EC, NULL },
	{ "sections: section past the end", c_sect_past_end, FIX, EC, EC,
	    NULL },
	{ "sections: last record past the end", c_sect_end_at_size, FIX, EC,
	    EC, NULL },
	{ "sections: size past the end", c_sect_size_past_end, FIX, EC, EC,
	    NULL },
	{ "sections: offset + size wraps", c_sect_off_wraps, FIX, EC, EC,
	    NULL },
	{ "sections: size all ones", c_sect_size_wraps, FIX, EC, EC, NULL },
	{ "sections: recsize wrong", c_recsize, FIX, EC, EC, NULL },
	{ "sections: recsize 0", c_recsize0, FIX, EC, EC, NULL },
	{ "sections: entries with the old 8-byte records", c_recsize_ents,
	    FIX, EC, EC, NULL },
	{ "sections: count one too many", c_count_more, FIX, EC, EC, NULL },
	{ "sections: count one too few", c_count_less, FIX, EC, EC, NULL },
	{ "sections: size not a multiple of recsize", c_size_odd, FIX, EC,
	    EC, NULL },
	{ "sections: count * recsize wraps to size", c_count_wraps, FIX, EC,
	    EC, NULL },
	{ "sections: 15 groups", c_groups_15, FIX, EC, EC, NULL },
	{ "sections: strings not NUL-terminated", c_strings_unterminated, FIX,
	    EC, EC, NULL },
	{ "sections: strings empty", c_strings_empty, FIX, EC, EC, NULL },
	/* hash tables */
	{ "hashes: name past the strings", c_hash_name, FIX, EC, 0, NULL },
	{ "hashes: allow-list name past the strings", c_fp_name, FIX, EC, 0,
	    NULL },
	{ "hashes: table not sorted by size", c_hash_unsorted, FIX, EC, 0,
	    NULL },
	{ "hashes: same size, digests not sorted", c_hash_digest_order, FIX,
	    EC, 0, NULL },
	{ "ignore: list not sorted", c_ign_unsorted, FIX, EC, 0, NULL },
	/* signatures */
	{ "sigs: name past the strings", c_sig_name, FIX, EC, 0, NULL },
	{ "sigs: no subsignatures", c_sig_nsub0, FIX, EC, 0, NULL },
	{ "sigs: 65 subsignatures", c_sig_nsub65, FIX, EC, 0, NULL },
	{ "sigs: target past the groups", c_sig_target, FIX, EC, 0, NULL },
	{ "sigs: tdb past the table", c_sig_tdb, FIX, EC, 0, NULL },
	{ "sigs: kind 0", c_sig_kind0, FIX, EC, 0, NULL },
	{ "sigs: unknown kind", c_sig_kind3, FIX, EC, 0, NULL },
	{ "expr: offset past the section", c_expr_past, FIX, EC, 0, NULL },
	{ "expr: length past the section", c_exprlen_past, FIX, EC, 0, NULL },
	{ "expr: program runs past the section", c_expr_sect_short, FIX, EC,
	    0, NULL },
	{ "expr: unknown opcode", c_expr_opcode, FIX, EC, 0, NULL },
	{ "expr: subsignature index >= nsub", c_expr_index, FIX, EC, 0,
	    NULL },
	{ "expr: cut short (two values left)", c_expr_short, FIX, EC, 0,
	    NULL },
	{ "expr: empty program", c_expr_empty, FIX, EC, 0, NULL },
	{ "expr: names a subsignature the signature lacks",
	    c_expr_fewer_subs, FIX, EC, 0, NULL },
	{ "tdb: container type out of range", c_tdb_container, FIX, EC, 0,
	    NULL },
	{ "tdb: too many intermediates", c_tdb_ninter, FIX, EC, 0, NULL },
	{ "tdb: intermediate type out of range", c_tdb_inter, FIX, EC, 0,
	    NULL },
	/* patterns */
	{ "pats: signature past the table", c_pat_sig, FIX, EC, 0, NULL },
	{ "pats: signature past a shortened table", c_pat_sigs_short, FIX,
	    EC, 0, NULL },
	{ "pats: no main elements", c_pat_nmain0, FIX, EC, 0, NULL },
	{ "pats: nmain > nel", c_pat_nmain_nel, FIX, EC, 0, NULL },
	{ "pats: element range past the table", c_pat_el_past, FIX, EC, 0,
	    NULL },
	{ "pats: element index wraps", c_pat_el_wraps, FIX, EC, 0, NULL },
	{ "pats: nel one past the table", c_pat_nel_past, FIX, EC, 0, NULL },
	{ "pats: unknown offset kind", c_pat_offkind, FIX, EC, 0, NULL },
	{ "pats: target past the groups", c_pat_target, FIX, EC, 0, NULL },
	{ "pats: unknown flag", c_pat_flags, FIX, EC, 0, NULL },
	{ "pats: no owners", c_pat_nowners0, FIX, EC, 0, NULL },
	{ "pats: subsignature >= nsub", c_pat_sub, FIX, EC, 0, NULL },
	{ "owners: range past the table", c_owners_past, FIX, EC, 0, NULL },
	{ "owners: count past the table", c_owners_count, FIX, EC, 0, NULL },
	{ "owners: index wraps", c_owners_wraps, FIX, EC, 0, NULL },
	{ "owners: signature out of range", c_owner_sig, FIX, EC, 0, NULL },
	{ "owners: subsignature out of range", c_owner_sub, FIX, EC, 0,
	    NULL },
	/* elements */
	{ "els: BYTES of length 0", c_bytes_n0, FIX, EC, 0, NULL },
	{ "els: BYTES pool offset past the pool", c_bytes_pool, FIX, EC, 0,
	    NULL },
	{ "els: BYTES pool offset wraps", c_bytes_pool_wraps, FIX, EC, 0,
	    NULL },
	{ "els: NOCASE pool offset past the pool", c_nocase_pool, FIX, EC, 0,
	    NULL },
	{ "els: MASK pairs past the pool", c_mask_pool, FIX, EC, 0, NULL },
	{ "els: MASK of length 0", c_mask_n0, FIX, EC, 0, NULL },
	{ "els: SKIP of length 0", c_skip_n0, FIX, EC, 0, NULL },
	{ "els: CLASS bit set past the pool", c_class_pool, FIX, EC, 0,
	    NULL },
	{ "els: FALT string length 0", c_falt_b0, FIX, EC, 0, NULL },
	{ "els: FALT of no strings", c_falt_n0, FIX, EC, 0, NULL },
	{ "els: FALT string length > 65535", c_falt_bbig, FIX, EC, 0, NULL },
	{ "els: FALT strings past the pool", c_falt_pool, FIX, EC, 0, NULL },
	{ "els: GAP maximum below minimum", c_gap_order, FIX, EC, 0, NULL },
	{ "els: ASSERT kind 0", c_assert0, FIX, EC, 0, NULL },
	{ "els: ASSERT kind past the last", c_assert_big, FIX, EC, 0, NULL },
	{ "els: op 0", c_op0, FIX, EC, 0, NULL },
	{ "els: op one past the last", c_op_next, FIX, EC, 0, NULL },
	{ "els: op 255", c_op_ff, FIX, EC, 0, NULL },
	{ "galt: alternative is the pattern's first element",
	    c_galt_into_main, FIX, EC, 0, NULL },
	{ "galt: alternative in the main sequence", c_galt_last_main, FIX,
	    EC, 0, NULL },
	{ "galt: alternative of no elements", c_galt_count0, FIX, EC, 0,
	    NULL },
	{ "galt: alternative past nel", c_galt_past_nel, FIX, EC, 0, NULL },
	{ "galt: alternative index wraps", c_galt_wraps, FIX, EC, 0, NULL },
	{ "galt: no alternatives", c_galt_n0, FIX, EC, 0, NULL },
	{ "galt: table past the pool", c_galt_pool, FIX, EC, 0, NULL },
	{ "galt: table in the padding after the pool", c_galt_pool_after,
	    FIX, EC, 0, NULL },
	{ "galt: nested in itself", c_galt_nested, FIX, EC, 0, NULL },
	{ "galt: GAP in an alternative", c_galt_gap, FIX, EC, 0, NULL },
	{ "galt: LINE in an alternative", c_galt_line, FIX, EC, 0, NULL },
	{ "galt: ASSERT in an alternative", c_galt_assert, FIX, EC, 0, NULL },
	{ "galt: alternative's bytes past the pool", c_galt_bytes_pool, FIX,
	    EC, 0, NULL },
	/* direct list, prefilter */
	{ "direct: pattern past the table", c_direct_pat, FIX, EC, 0, NULL },
	{ "ents: last entry without VENT_LAST", c_ent_nolast, FIX, EC, 0,
	    NULL },
	{ "ents: pattern past the table", c_ent_pat, FIX, EC, 0, NULL },
	{ "ents: pattern index all ones", c_ent_pat_max, FIX, EC, 0, NULL },
	{ "ents: element >= nmain", c_ent_el, FIX, EC, 0, NULL },
	{ "ents: anchor in a direct pattern", c_ent_direct, FIX, EC, 0,
	    NULL },
	{ "ents: anchor on a GAP", c_ent_gap, FIX, EC, 0, NULL },
	{ "ents: anchor on a GALT", c_ent_galt, FIX, EC, 0, NULL },
	{ "ents: anchor offset past the element", c_ent_off, FIX, EC, 0,
	    NULL },
	{ "slots: entry past the table", c_slot_ent, FIX, EC, 0, NULL },
	{ "slots: entry UINT32_MAX - 1", c_slot_ent_big, FIX, EC, 0, NULL },
	{ "slots: 4-byte table without an empty slot", c_slots_full, FIX, EC,
	    0, NULL },
	{ "slots: 2-byte table without an empty slot", c_sslots_full, FIX,
	    EC, 0, NULL },
	{ "groups: bitmap past the bits", c_grp_bits, FIX, EC, 0, NULL },
	{ "groups: bitmap index wraps", c_grp_bits_wraps, FIX, EC, 0, NULL },
	{ "groups: bits_log2 11", c_grp_bits_log2_small, FIX, EC, 0, NULL },
	{ "groups: bits_log2 29", c_grp_bits_log2_big, FIX, EC, 0, NULL },
	{ "groups: bitmap larger than the bits", c_grp_bits_log2_bigger, FIX,
	    EC, 0, NULL },
	{ "groups: slots_log2 0", c_grp_slots_log2_0, FIX, EC, 0, NULL },
	{ "groups: slots_log2 32", c_grp_slots_log2_32, FIX, EC, 0, NULL },
	{ "groups: slot table past the slots", c_grp_slots, FIX, EC, 0,
	    NULL },
	{ "groups: 2-byte bitmap past the bits", c_grp_sbits, FIX, EC, 0,
	    NULL },
	{ "groups: 2-byte slot table past the slots", c_grp_sslots, FIX, EC,
	    0, NULL },
	{ "groups: sslots_log2 32", c_grp_sslots_log2, FIX, EC, 0, NULL },
	{ "groups: direct list past the table", c_grp_direct, FIX, EC, 0,
	    NULL },
	{ "groups: direct count past the table", c_grp_ndirect, FIX, EC, 0,
	    NULL },
	{ "groups: direct index wraps", c_grp_direct_wraps, FIX, EC, 0,
	    NULL },
	{ "groups: last group's slots past the table", c_grp_last, FIX, EC, 0,
	    NULL },
	/* checksums not fixed */
	{ "checksum: body byte flipped", c_flip_body, RAW, EK, EK, NULL },
	{ "checksum: first body byte flipped", c_flip_first, RAW, EK, EK,
	    NULL },
	{ "checksum: last byte flipped", c_flip_last, RAW, EK, EK, NULL },
	{ "checksum: body zeroed", c_zero_body, RAW, EK, EK, NULL },
	{ "checksum: header serial flipped", c_flip_serial, RAW, EK, EK,
	    NULL },
	{ "checksum: header name flipped", c_flip_name, RAW, EK, EK, NULL },
	{ "checksum: section table flipped", c_flip_sect, RAW, EK, EK, NULL },
	{ "checksum: reserved header field flipped", c_flip_reserved, RAW,
	    EK, EK, NULL },
	{ "checksum: body checksum field flipped", c_flip_checksum, RAW, EK,
	    EK, NULL },
	{ "checksum: header checksum field flipped", c_flip_hdrcheck, RAW,
	    EK, EK, NULL },
};

/* check_rc - a validation result against the wanted errno */
static void
check_rc(const char *what, int rc, int err, int want)
{
	if (want == 0 && rc != 0)
		fail_msg("%s: refused (%s), want accepted", what,
		    av_strerror(err));
	if (want != 0 && rc != -1)
		fail_msg("%s: accepted, want %s", what, av_strerror(want));
	if (want != 0 && err != want)
		fail_msg("%s: %s, want %s", what, av_strerror(err),
		    av_strerror(want));
}

/* test_vcase - one row of vcases */
static void
test_vcase(void **state)
{
	const struct vcase	*c = *state;
	struct sigmap		 sm;
	struct img		 m;
	int			 rc, err;

	if (c->bug != NULL)
		KNOWN_BUG();
	img_copy(&m, good_size);
	c->corrupt(&m);
	if (c->fix)
		fix_checksums(&m);

	errno = 0;
	rc = vmod_validate(m.p, m.size, 1);
	err = errno;
	check_rc("deep", rc, err, c->want_deep);
	errno = 0;
	rc = vmod_validate(m.p, m.size, 0);
	err = errno;
	check_rc("shallow", rc, err, c->want_shallow);

	/* sigmap_openmem() is vmod_validate() plus a view */
	memset(&sm, 0xa5, sizeof(sm));
	errno = 0;
	rc = sigmap_openmem(&sm, m.p, m.size, 1);
	err = errno;
	check_rc("sigmap_openmem", rc, err, c->want_deep);
	if (rc == 0) {
		assert_ptr_equal(sm.base, m.p);
		assert_ptr_equal(sm.view.hdr, m.p);
	} else
		assert_null(sm.base);
	sigmap_close(&sm);
	img_free(&m);
}

/* test_fixture - the fixture is valid and exercises every section */
static void
test_fixture(void **state)
{
	static const uint8_t ops[] = {
		PEL_BYTES, PEL_NOCASE, PEL_MASK, PEL_SKIP, PEL_CLASS,
		PEL_FALT, PEL_GALT, PEL_GAP, PEL_LINE, PEL_ASSERT,
	};
	const struct vmod_hdr	*h = (const struct vmod_hdr *)(void *)good;
	struct sigmap		 sm;
	struct img		 m;
	size_t			 i;
	int			 s;

	(void)state;
	assert_int_equal(vmod_validate(good, good_size, 1), 0);
	assert_int_equal(vmod_validate(good, good_size, 0), 0);
	assert_int_equal(h->size, good_size);
	assert_int_equal(h->serial, 77);
	assert_string_equal(h->name, "test");
	assert_int_equal(h->nsect, VS_NSECT);
	for (s = 0; s < VS_NSECT; s++)
		if (h->sect[s].count == 0)
			fail_msg("section %d is empty: the corruptions of it "
			    "would test nothing", s);
	/* every element kind, in a main sequence */
	img_copy(&m, good_size);
	for (i = 0; i < nitems(ops); i++)
		(void)find_el(&m, ops[i], NULL);
	(void)find_shared(&m);
	(void)find_direct(&m);
	assert_true(CNT(&m, VS_HASH_MD5) >= 2);
	assert_true(CNT(&m, VS_IGNORE) >= 2);
	assert_true(GROUPS(&m)[0].bits_log2 != 0);
	assert_true(GROUPS(&m)[0].sslots_log2 != 0);
	img_free(&m);
	/* the view matches the header */
	assert_int_equal(sigmap_openmem(&sm, good, good_size, 1), 0);
	assert_int_equal(sm.mapped, 0);
	assert_int_equal(sm.view.nsigs, h->sect[VS_SIGS].count);
	assert_int_equal(sm.view.npats, h->sect[VS_PATS].count);
	assert_int_equal(sm.view.nents, h->sect[VS_ENTS].count);
	assert_int_equal(sm.view.xor, h->xor);
	assert_ptr_equal(sm.view.pool, good + h->sect[VS_POOL].off);
	sigmap_close(&sm);
}

/*
 * test_long_pattern - a pattern of more elements than the compiler ever
 * writes (PAT_MAXEL).
 */
static void
test_long_pattern(void **state)
{
	struct src	 src[1];
	struct img	 m;
	char		*text;
	size_t		 len = 0, cap = 2 * 20 + 2 * 1100 * 8 + 64;
	int		 s, k;
	uint8_t		*img;
	size_t		 size;
	uint64_t	 nels;
	int		 rc, err;

	(void)state;
	/*
	 * The compiler caps a pattern at PAT_MAXEL elements, and the matcher
	 * recurses once per GAP/GALT (fwd -> fwd_gap -> fwd): a module with a
	 * 65535-element pattern of literals and gaps, checksums fixed, would
	 * drive it some 32768 levels deep.  vmod_validate() refuses it.
	 */
	text = malloc(cap);
	assert_non_null(text);
	/* two anchored signatures of about 2200 elements each */
	for (s = 0; s < 2; s++) {
		len += (size_t)snprintf(text + len, cap - len,
		    "Long.%d:0:*:42434445", s);
		for (k = 0; k < 1100; k++)
			len += (size_t)snprintf(text + len, cap - len,
			    "{0-1}41");
		/* a last byte of its own, or the two would be shared */
		len += (size_t)snprintf(text + len, cap - len, "%02x\n",
		    0x50 + s);
	}
	src[0].name = "long.ndb";
	src[0].text = text;
	assert_int_equal(build(src, 1, 1, &img, &size), 0);
	free(text);
	m.p = img;
	m.size = size;
	if ((nels = CNT(&m, VS_ELEMS)) <= PAT_MAXEL) {
		free(img);
		fail_msg("the fixture has only %llu elements",
		    (unsigned long long)nels);
	}
	/* pattern 0 now spans PAT_MAXEL + 1 elements, all of them valid */
	PATS(&m)[0].el = 0;
	PATS(&m)[0].nmain = PAT_MAXEL + 1;
	PATS(&m)[0].nel = PAT_MAXEL + 1;
	fix_checksums(&m);
	errno = 0;
	rc = vmod_validate(m.p, m.size, 1);
	err = errno;
	free(img);
	check_rc("deep", rc, err, AV_ECORRUPT);
}

/*
 * tmpfile_with - a file holding these bytes, opened again with flags and
 * already unlinked, so that a failing test leaves nothing behind
 */
static int
tmpfile_with(const void *p, size_t n, int flags)
{
	const char	*tmp = getenv("TMPDIR");
	char		 path[PATH_MAX];
	int		 wfd, fd;

	if (tmp == NULL || *tmp == '\0')
		tmp = "/tmp";
	snprintf(path, sizeof(path), "%s/vigil-test-vmod.XXXXXX", tmp);
	if ((wfd = mkstemp(path)) == -1)
		fail_msg("mkstemp(%s): %s", path, strerror(errno));
	if (n > 0 && write(wfd, p, n) != (ssize_t)n)
		fail_msg("write: %s", strerror(errno));
	close(wfd);
	fd = open(path, flags);
	unlink(path);
	if (fd == -1)
		fail_msg("open(%s): %s", path, strerror(errno));
	return fd;
}

/* test_sigmap_file - map a real module file; the fd may be closed */
static void
test_sigmap_file(void **state)
{
	struct sigmap	 sm;
	int		 fd, deep;

	(void)state;
	for (deep = 0; deep <= 1; deep++) {
		fd = tmpfile_with(good, good_size, O_RDONLY);
		assert_int_equal(sigmap_open(&sm, fd, deep), 0);
		close(fd);
		assert_int_equal(sm.mapped, 1);
		assert_int_equal(sm.size, good_size);
		assert_memory_equal(sm.base, good, good_size);
		assert_ptr_equal(sm.view.base, sm.base);
		assert_int_equal(sm.view.size, good_size);
		assert_int_equal(sm.view.hdr->serial, 77);
		assert_int_equal(sm.view.nsigs,
		    ((const struct vmod_hdr *)(void *)good)->
		    sect[VS_SIGS].count);
		sigmap_close(&sm);
		assert_null(sm.base);
		assert_int_equal(sm.mapped, 0);
	}
}

/* test_sigmap_dir - a directory is not a module */
static void
test_sigmap_dir(void **state)
{
	struct sigmap	 sm;
	const char	*tmp = getenv("TMPDIR");
	int		 fd;

	(void)state;
	if (tmp == NULL || *tmp == '\0')
		tmp = "/tmp";
	assert_true((fd = open(tmp, O_RDONLY | O_DIRECTORY)) != -1);
	errno = 0;
	assert_int_equal(sigmap_open(&sm, fd, 1), -1);
	assert_int_equal(errno, EINVAL);
	assert_null(sm.base);
	close(fd);
}

/* test_sigmap_short - files shorter than a header */
static void
test_sigmap_short(void **state)
{
	static const size_t lens[] = {
		0, 1, 8, sizeof(struct vmod_hdr) - 1,
	};
	struct sigmap	 sm;
	size_t		 i;
	int		 fd;

	(void)state;
	for (i = 0; i < nitems(lens); i++) {
		fd = tmpfile_with(good, lens[i], O_RDONLY);
		errno = 0;
		assert_int_equal(sigmap_open(&sm, fd, 1), -1);
		assert_int_equal(errno, AV_EMAGIC);
		assert_null(sm.base);
		close(fd);
	}
}

/* test_sigmap_corrupt - a corrupted file is refused and unmapped */
static void
test_sigmap_corrupt(void **state)
{
	struct sigmap	 sm;
	struct img	 m;
	int		 fd;

	(void)state;
	img_copy(&m, good_size);
	m.p[m.size - 1] ^= 1;
	fd = tmpfile_with(m.p, m.size, O_RDONLY);
	img_free(&m);
	errno = 0;
	assert_int_equal(sigmap_open(&sm, fd, 0), -1);
	assert_int_equal(errno, AV_ECHECKSUM);
	assert_null(sm.base);
	assert_int_equal(sm.mapped, 0);
	sigmap_close(&sm);
	close(fd);
}

/* test_sigmap_nonfile - pipes, bad descriptors, write-only files */
static void
test_sigmap_nonfile(void **state)
{
	struct sigmap	 sm;
	int		 p[2], fd;

	(void)state;
	assert_int_equal(pipe(p), 0);
	errno = 0;
	assert_int_equal(sigmap_open(&sm, p[0], 1), -1);
	assert_int_equal(errno, EINVAL);
	close(p[0]);
	close(p[1]);
	errno = 0;
	assert_int_equal(sigmap_open(&sm, p[0], 1), -1);
	assert_int_equal(errno, EBADF);
	/* mmap(PROT_READ) of a write-only descriptor fails: EACCES */
	fd = tmpfile_with(good, good_size, O_WRONLY);
	errno = 0;
	assert_int_equal(sigmap_open(&sm, fd, 1), -1);
	assert_int_equal(errno, EACCES);
	close(fd);
}

/* test_sigmap_mem - sigmap_openmem borrows the buffer */
static void
test_sigmap_mem(void **state)
{
	struct sigmap	 sm;
	struct img	 m;

	(void)state;
	img_copy(&m, good_size);
	assert_int_equal(sigmap_openmem(&sm, m.p, m.size, 1), 0);
	assert_int_equal(sm.mapped, 0);
	assert_ptr_equal(sm.base, m.p);
	sigmap_close(&sm);		/* must not free or unmap m.p */
	assert_null(sm.base);
	assert_memory_equal(m.p, good, good_size);	/* still ours */
	img_free(&m);
	/* a failed open leaves a sigmap that closes harmlessly */
	errno = 0;
	assert_int_equal(sigmap_openmem(&sm, good, 10, 1), -1);
	assert_int_equal(errno, AV_EMAGIC);
	sigmap_close(&sm);
}

int
main(void)
{
	static const struct {
		const char	*name;
		void		(*fn)(void **);
	} plain[] = {
		{ "fixture: valid, every section non-empty", test_fixture },
		{ "pats: more elements than PAT_MAXEL", test_long_pattern },
		{ "sigmap: a real file, deep and shallow", test_sigmap_file },
		{ "sigmap: a directory is EINVAL", test_sigmap_dir },
		{ "sigmap: shorter than a header is AV_EMAGIC",
		    test_sigmap_short },
		{ "sigmap: corrupted file", test_sigmap_corrupt },
		{ "sigmap: pipe, closed fd, write-only fd",
		    test_sigmap_nonfile },
		{ "sigmap: openmem borrows the buffer", test_sigmap_mem },
	};
	struct CMUnitTest	*t;
	size_t			 n = 0, i;
	int			 rc;

	t = calloc(nitems(plain) + nitems(vcases), sizeof(*t));
	if (t == NULL)
		return 1;
	for (i = 0; i < nitems(plain); i++) {
		t[n].name = plain[i].name;
		t[n++].test_func = plain[i].fn;
	}
	for (i = 0; i < nitems(vcases); i++) {
		t[n].name = vcases[i].name;
		t[n].test_func = test_vcase;
		t[n++].initial_state = (void *)&vcases[i];
	}
	rc = _cmocka_run_group_tests("vmod", t, n, group_setup,
	    group_teardown);
	free(t);
	return rc;
}
