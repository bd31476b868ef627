/*
 * exeinfo.c - PE, ELF and Mach-O headers: entry point and sections
 *
 * DESCRIPTION
 *	All input is hostile.  Every read is preceded by ei_fits(), which
 *	compares against len without forming off + size, and every count
 *	taken from the input only bounds a loop that also stops at the end
 *	of the buffer, so a declared count of 65535 or 2^32 costs at most
 *	len / entry-size iterations.  Nothing is allocated.
 *
 *	What is "malformed" (exeinfo_parse() returns -1): the fixed file
 *	header does not fit in the buffer or carries impossible values (no
 *	"PE\0\0" at e_lfanew, an unknown optional header magic, a bad ELF
 *	class or data byte, a program header entry size too small to hold
 *	an entry).  A table that runs past the end of the buffer is only
 *	truncated: the entries that fit are used, and 0 is returned.
 *
 *	Sections.  Each stored section keeps its declared file offset and
 *	its raw size clipped to the buffer (0 when the offset lies past the
 *	end), so off + size <= len always holds for size > 0.
 *
 *	Translation (exeinfo_rva2off(), and the entry point): an address
 *	maps through the first stored section, in table order, whose
 *	file-backed part [rva, rva + size) holds it, to off + (addr - rva).
 *	An address in memory-only space (bss, the tail of VirtualSize beyond
 *	SizeOfRawData, zerofill sections) has no file offset.
 *
 *	PE: PointerToRawData is used as is (no rounding to FileAlignment).
 *	An entry point below the lowest section RVA (or in an image with no
 *	stored section) lies in the headers and maps to itself when it is
 *	inside the buffer; this includes an AddressOfEntryPoint of 0.
 *
 *	ELF: the "sections" are the PT_LOAD program headers, in order;
 *	nsections counts the PT_LOAD entries that could be read.  e_phnum
 *	of 0xffff (PN_XNUM) takes the real count from section header 0's
 *	sh_info when that is readable.  An e_entry of 0 means "no entry
 *	point" (shared objects, relocatable files): has_ep stays 0.
 *
 *	Mach-O: the sections of LC_SEGMENT and LC_SEGMENT_64 commands;
 *	nsections is the sum of their declared nsects (saturated).  The
 *	entry point is LC_MAIN's entryoff, taken as a file offset (it is
 *	relative to __TEXT, whose file offset is 0 in every linked image),
 *	else the pc of LC_UNIXTHREAD translated through the sections, for
 *	i386, x86_64, ARM, ARM64, PowerPC and PowerPC64 thread states.
 *	Fat (universal) files are containers, not images: FT_MACHO_UNIBIN
 *	returns -1; the caller parses each slice as FT_MACHO.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "workers/exeinfo.h"

/* PE */
#define PE_COFFSZ		20	/* COFF file header after "PE\0\0" */
#define PE_SECTSZ		40	/* section header */
#define PE_OPT32		0x10b
#define PE_OPT64		0x20b

/* ELF */
#define ELF_PT_LOAD		1
#define ELF_PN_XNUM		0xffff

/* Mach-O */
#define MH_LC_SEGMENT		0x1
#define MH_LC_UNIXTHREAD	0x5
#define MH_LC_SEGMENT_64	0x19
#define MH_LC_MAIN		0x80000028U
#define MH_ABI64		0x01000000U
#define MH_CPU_X86		7
#define MH_CPU_ARM		12
#define MH_CPU_PPC		18
#define MH_SECTION_TYPE		0xff
#define MH_S_ZEROFILL		0x1
#define MH_S_GB_ZEROFILL	0xc
#define MH_S_TLV_ZEROFILL	0x12

/* how one byte order reads the input */
struct ei_rd {
	const uint8_t	*b;
	size_t		 len;
	int		 be;
};

static int	 ei_fits(size_t, uint64_t, uint64_t);
static uint16_t	 ei_u16(const struct ei_rd *, uint64_t);
static uint32_t	 ei_u32(const struct ei_rd *, uint64_t);
static uint64_t	 ei_u64(const struct ei_rd *, uint64_t);
static void	 ei_addsect(struct exeinfo *, size_t, uint64_t, uint64_t,
		    uint64_t, uint64_t);
static int	 ei_translate(const struct exeinfo *, uint64_t, uint64_t *);
static int	 ei_pe(const struct ei_rd *, struct exeinfo *);
static int	 ei_elf(const struct ei_rd *, struct exeinfo *);
static uint32_t	 ei_elf_xnum(const struct ei_rd *, int, uint64_t);
static int	 ei_macho(const struct ei_rd *, struct exeinfo *);
static void	 ei_macho_segment(const struct ei_rd *, struct exeinfo *,
		    uint64_t, uint32_t, int);
static int	 ei_macho_thread(const struct ei_rd *, uint32_t, uint64_t,
		    uint32_t, uint64_t *);
static int	 ei_macho_pc(uint32_t, uint32_t, uint64_t *, int *);

/* ei_fits - whether n bytes at off lie inside len, without overflow */
static int
ei_fits(size_t len, uint64_t off, uint64_t n)
{
	return off <= (uint64_t)len && n <= (uint64_t)len - off;
}

/* ei_u16 - 16-bit load at off; the caller has checked ei_fits() */
static uint16_t
ei_u16(const struct ei_rd *r, uint64_t off)
{
	const uint8_t	*p = r->b + off;

	if (r->be)
		return (uint16_t)(p[0] << 8 | p[1]);
	return (uint16_t)(p[1] << 8 | p[0]);
}

/* ei_u32 - 32-bit load at off; the caller has checked ei_fits() */
static uint32_t
ei_u32(const struct ei_rd *r, uint64_t off)
{
	const uint8_t	*p = r->b + off;

	if (r->be)
		return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
		    (uint32_t)p[2] << 8 | p[3];
	return (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 |
	    (uint32_t)p[1] << 8 | p[0];
}

/* ei_u64 - 64-bit load at off; the caller has checked ei_fits() */
static uint64_t
ei_u64(const struct ei_rd *r, uint64_t off)
{
	if (r->be)
		return (uint64_t)ei_u32(r, off) << 32 | ei_u32(r, off + 4);
	return (uint64_t)ei_u32(r, off + 4) << 32 | ei_u32(r, off);
}

/* ei_addsect - store one section, its raw size clipped to the buffer */
static void
ei_addsect(struct exeinfo *ei, size_t len, uint64_t off, uint64_t size,
    uint64_t rva, uint64_t vsize)
{
	struct exesect	*s;

	if (ei->nsect >= EXEINFO_MAXSECT)
		return;
	if (off >= (uint64_t)len)
		size = 0;
	else if (size > (uint64_t)len - off)
		size = (uint64_t)len - off;
	s = &ei->sect[ei->nsect++];
	s->off = off;
	s->size = size;
	s->rva = rva;
	s->vsize = vsize;
}

/* ei_translate - file offset of an address, through the stored sections */
static int
ei_translate(const struct exeinfo *ei, uint64_t va, uint64_t *off)
{
	const struct exesect	*s;
	uint32_t		 i;

	for (i = 0; i < ei->nsect && i < EXEINFO_MAXSECT; i++) {
		s = &ei->sect[i];
		if (va >= s->rva && va - s->rva < s->size) {
			*off = s->off + (va - s->rva);
			return 0;
		}
	}
	return -1;
}

/* ei_pe - PE32 and PE32+ */
static int
ei_pe(const struct ei_rd *r, struct exeinfo *ei)
{
	uint64_t	 pe, opt, tab, ent, minrva = UINT64_MAX, off;
	uint32_t	 ep, i;
	uint16_t	 magic;

	if (!ei_fits(r->len, 0, 0x40) || r->b[0] != 'M' || r->b[1] != 'Z')
		return -1;
	pe = ei_u32(r, 0x3c);
	if (!ei_fits(r->len, pe, 4 + PE_COFFSZ) ||
	    memcmp(r->b + pe, "PE\0\0", 4) != 0)
		return -1;
	opt = pe + 4 + PE_COFFSZ;
	/* the optional header magic and AddressOfEntryPoint */
	if (!ei_fits(r->len, opt, 20))
		return -1;
	magic = ei_u16(r, opt);
	if (magic == PE_OPT32)
		ei->bits = 32;
	else if (magic == PE_OPT64)
		ei->bits = 64;
	else
		return -1;
	ep = ei_u32(r, opt + 16);
	ei->nsections = ei_u16(r, pe + 6);
	tab = opt + ei_u16(r, pe + 20);
	for (i = 0; i < ei->nsections && ei->nsect < EXEINFO_MAXSECT; i++) {
		ent = tab + (uint64_t)i * PE_SECTSZ;
		if (!ei_fits(r->len, ent, PE_SECTSZ))
			break;
		ei_addsect(ei, r->len, ei_u32(r, ent + 20),
		    ei_u32(r, ent + 16), ei_u32(r, ent + 12),
		    ei_u32(r, ent + 8));
		if (ei_u32(r, ent + 12) < minrva)
			minrva = ei_u32(r, ent + 12);
	}
	if (ei_translate(ei, ep, &off) == 0) {
		ei->ep = off;
		ei->has_ep = 1;
	} else if (ep < minrva && ep < (uint64_t)r->len) {
		ei->ep = ep;
		ei->has_ep = 1;
	}
	return 0;
}

/* ei_elf - ELF32 and ELF64, either byte order */
static int
ei_elf(const struct ei_rd *rd, struct exeinfo *ei)
{
	struct ei_rd	 rr = *rd, *r = &rr;
	uint64_t	 entry, phoff, ent, off;
	uint32_t	 phnum, i;
	uint16_t	 phentsize;
	int		 is64;

	if (!ei_fits(r->len, 0, 16) || memcmp(r->b, "\177ELF", 4) != 0)
		return -1;
	if ((r->b[4] != 1 && r->b[4] != 2) || (r->b[5] != 1 && r->b[5] != 2))
		return -1;
	is64 = r->b[4] == 2;
	rr.be = r->b[5] == 2;
	if (!ei_fits(r->len, 0, is64 ? 64 : 52))
		return -1;
	ei->bits = is64 ? 64 : 32;
	if (is64) {
		entry = ei_u64(r, 24);
		phoff = ei_u64(r, 32);
		phentsize = ei_u16(r, 54);
		phnum = ei_u16(r, 56);
	} else {
		entry = ei_u32(r, 24);
		phoff = ei_u32(r, 28);
		phentsize = ei_u16(r, 42);
		phnum = ei_u16(r, 44);
	}
	if (phnum == ELF_PN_XNUM)
		phnum = ei_elf_xnum(r, is64, is64 ? ei_u64(r, 40) :
		    ei_u32(r, 32));
	if (phnum > 0 && phentsize < (is64 ? 56 : 32))
		return -1;
	for (i = 0; i < phnum; i++) {
		/* phentsize * i < 2^48: no overflow before the check */
		if (phoff > (uint64_t)r->len)
			break;
		ent = phoff + (uint64_t)i * phentsize;
		if (!ei_fits(r->len, ent, phentsize))
			break;
		if (ei_u32(r, ent) != ELF_PT_LOAD)
			continue;
		ei->nsections++;
		if (is64)
			ei_addsect(ei, r->len, ei_u64(r, ent + 8),
			    ei_u64(r, ent + 32), ei_u64(r, ent + 16),
			    ei_u64(r, ent + 40));
		else
			ei_addsect(ei, r->len, ei_u32(r, ent + 4),
			    ei_u32(r, ent + 16), ei_u32(r, ent + 8),
			    ei_u32(r, ent + 20));
	}
	if (entry != 0 && ei_translate(ei, entry, &off) == 0) {
		ei->ep = off;
		ei->has_ep = 1;
	}
	return 0;
}

/* ei_elf_xnum - PN_XNUM: the real e_phnum, in section header 0's sh_info */
static uint32_t
ei_elf_xnum(const struct ei_rd *r, int is64, uint64_t shoff)
{
	uint64_t	 at = is64 ? 44 : 28;

	if (shoff == 0 || !ei_fits(r->len, shoff, at + 4))
		return ELF_PN_XNUM;
	return ei_u32(r, shoff + at);
}

/* ei_macho - thin Mach-O, 32 or 64 bits, either byte order */
static int
ei_macho(const struct ei_rd *r, struct exeinfo *ei)
{
	struct ei_rd	 rr = *r;
	uint64_t	 pos, mainoff = 0, pc = 0, off;
	uint32_t	 magic, cputype, ncmds, cmd, cmdsize, i;
	int		 is64, hasmain = 0, haspc = 0;

	if (!ei_fits(r->len, 0, 28))
		return -1;
	rr.be = 1;
	magic = ei_u32(&rr, 0);
	if (magic == 0xcefaedfe || magic == 0xcffaedfe) {
		rr.be = 0;
		magic = ei_u32(&rr, 0);
	}
	if (magic != 0xfeedface && magic != 0xfeedfacf)
		return -1;
	is64 = magic == 0xfeedfacf;
	ei->bits = is64 ? 64 : 32;
	pos = is64 ? 32 : 28;
	if (!ei_fits(r->len, 0, pos))
		return -1;
	cputype = ei_u32(&rr, 4);
	ncmds = ei_u32(&rr, 16);
	/* each command is at least 8 bytes: at most len / 8 iterations */
	for (i = 0; i < ncmds; i++) {
		if (!ei_fits(r->len, pos, 8))
			break;
		cmd = ei_u32(&rr, pos);
		cmdsize = ei_u32(&rr, pos + 4);
		if (cmdsize < 8 || !ei_fits(r->len, pos, cmdsize))
			break;
		switch (cmd) {
		case MH_LC_SEGMENT:
			ei_macho_segment(&rr, ei, pos, cmdsize, 0);
			break;
		case MH_LC_SEGMENT_64:
			ei_macho_segment(&rr, ei, pos, cmdsize, 1);
			break;
		case MH_LC_MAIN:
			if (cmdsize >= 16 && !hasmain) {
				mainoff = ei_u64(&rr, pos + 8);
				hasmain = 1;
			}
			break;
		case MH_LC_UNIXTHREAD:
			if (!haspc)
				haspc = ei_macho_thread(&rr, cputype, pos,
				    cmdsize, &pc) == 0;
			break;
		default:
			break;
		}
		pos += cmdsize;
	}
	if (hasmain) {
		if (mainoff < (uint64_t)r->len) {
			ei->ep = mainoff;
			ei->has_ep = 1;
		}
	} else if (haspc && ei_translate(ei, pc, &off) == 0) {
		ei->ep = off;
		ei->has_ep = 1;
	}
	return 0;
}

/* ei_macho_segment - the sections of one LC_SEGMENT(_64) command */
static void
ei_macho_segment(const struct ei_rd *r, struct exeinfo *ei, uint64_t pos,
    uint32_t cmdsize, int is64)
{
	uint64_t	 hdr = is64 ? 72 : 56, ssz = is64 ? 80 : 68, s;
	uint64_t	 addr, size;
	uint32_t	 nsects, j, off, type;

	if (cmdsize < hdr)
		return;
	nsects = ei_u32(r, pos + (is64 ? 64 : 48));
	if (ei->nsections > UINT32_MAX - nsects)
		ei->nsections = UINT32_MAX;
	else
		ei->nsections += nsects;
	/* sections must lie inside the command, which lies inside len */
	for (j = 0; j < nsects && ei->nsect < EXEINFO_MAXSECT; j++) {
		if ((uint64_t)j * ssz + ssz > cmdsize - hdr)
			break;
		s = pos + hdr + (uint64_t)j * ssz;
		if (is64) {
			addr = ei_u64(r, s + 32);
			size = ei_u64(r, s + 40);
			off = ei_u32(r, s + 48);
			type = ei_u32(r, s + 64) & MH_SECTION_TYPE;
		} else {
			addr = ei_u32(r, s + 32);
			size = ei_u32(r, s + 36);
			off = ei_u32(r, s + 40);
			type = ei_u32(r, s + 56) & MH_SECTION_TYPE;
		}
		/* zerofill sections occupy memory only */
		ei_addsect(ei, r->len, off, (type == MH_S_ZEROFILL ||
		    type == MH_S_GB_ZEROFILL || type == MH_S_TLV_ZEROFILL) ?
		    0 : size, addr, size);
	}
}

/*
 * ei_macho_thread - the pc in an LC_UNIXTHREAD command: a list of
 * {flavor, count, state[count * 4 bytes]} inside cmdsize.
 */
static int
ei_macho_thread(const struct ei_rd *r, uint32_t cputype, uint64_t pos,
    uint32_t cmdsize, uint64_t *pc)
{
	uint64_t	 p = pos + 8, end = pos + cmdsize, at, statesz;
	uint32_t	 flavor, count;
	int		 wide;

	while (p <= end && end - p >= 8) {
		flavor = ei_u32(r, p);
		count = ei_u32(r, p + 4);
		p += 8;
		statesz = (uint64_t)count * 4;
		if (statesz > end - p)
			return -1;
		if (ei_macho_pc(cputype, flavor, &at, &wide) == 0 &&
		    at + (wide ? 8 : 4) <= statesz) {
			*pc = wide ? ei_u64(r, p + at) : ei_u32(r, p + at);
			return 0;
		}
		p += statesz;
	}
	return -1;
}

/* ei_macho_pc - where a thread state keeps the pc, and its width */
static int
ei_macho_pc(uint32_t cputype, uint32_t flavor, uint64_t *at, int *wide)
{
	switch (cputype) {
	case MH_CPU_X86:			/* i386_THREAD_STATE: eip */
		*at = 10 * 4;
		*wide = 0;
		return flavor == 1 ? 0 : -1;
	case MH_CPU_X86 | MH_ABI64:		/* x86_THREAD_STATE64: rip */
		*at = 16 * 8;
		*wide = 1;
		return flavor == 4 ? 0 : -1;
	case MH_CPU_ARM:			/* ARM_THREAD_STATE: r15 */
		*at = 15 * 4;
		*wide = 0;
		return flavor == 1 ? 0 : -1;
	case MH_CPU_ARM | MH_ABI64:		/* ARM_THREAD_STATE64: pc */
		*at = 32 * 8;
		*wide = 1;
		return flavor == 6 ? 0 : -1;
	case MH_CPU_PPC:			/* PPC_THREAD_STATE: srr0 */
		*at = 0;
		*wide = 0;
		return flavor == 1 ? 0 : -1;
	case MH_CPU_PPC | MH_ABI64:		/* PPC_THREAD_STATE64: srr0 */
		*at = 0;
		*wide = 1;
		return flavor == 5 ? 0 : -1;
	default:
		return -1;
	}
}

/* exeinfo_parse - entry point and sections of a PE, ELF or Mach-O */
int
exeinfo_parse(const uint8_t *buf, size_t len, enum ftype t,
    struct exeinfo *ei)
{
	struct ei_rd	 r;
	int		 rc;

	if (ei == NULL)
		return -1;
	memset(ei, 0, sizeof(*ei));
	if (buf == NULL)
		return -1;
	r.b = buf;
	r.len = len;
	r.be = 0;
	switch (t) {
	case FT_PE:
		rc = ei_pe(&r, ei);
		break;
	case FT_ELF:
		rc = ei_elf(&r, ei);
		break;
	case FT_MACHO:
		rc = ei_macho(&r, ei);
		break;
	default:
		/* FT_MACHO_UNIBIN included: a container, see above */
		rc = -1;
		break;
	}
	if (rc != 0)
		memset(ei, 0, sizeof(*ei));
	return rc;
}

/* exeinfo_rva2off - file offset of an RVA/virtual address */
int
exeinfo_rva2off(const struct exeinfo *ei, uint64_t rva, uint64_t *off)
{
	uint64_t	 o;

	if (ei == NULL || ei_translate(ei, rva, &o) != 0)
		return -1;
	if (off != NULL)
		*off = o;
	return 0;
}
