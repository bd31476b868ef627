/*
 * test_exeinfo.c - unit tests for workers/exeinfo.c
 *
 * Hand-built headers (PE32, PE32+, ELF64 LE, ELF32 BE, Mach-O 64 with
 * LC_MAIN, Mach-O with LC_UNIXTHREAD for several CPUs) and hostile
 * variants of each, one table row per fixture; then exeinfo_rva2off()
 * on the good fixtures, and real binaries when they are installed
 * (/bin/ls, the ClamAV test PEs), skipped otherwise.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "workers/exeinfo.h"
#include "workers/filetype.h"

#define BUILDMAX	0x4000
#ifndef CLAMDIR
#define CLAMDIR		"/usr/share/clamav-testfiles"
#endif
#define NOCHECK		UINT64_MAX

/* one fixture and what exeinfo_parse() must make of it */
struct parsecase {
	const char	*name;
	size_t		(*build)(uint8_t *);
	enum ftype	 type;
	int		 rc;
	int		 bits;
	int		 has_ep;
	uint64_t	 ep;
	uint32_t	 nsections;
	uint32_t	 nsect;
	uint32_t	 sidx;		/* a stored section to check, or */
	uint64_t	 ssize;		/* NOCHECK */
};

/* one address translation */
struct rvacase {
	const char	*name;
	size_t		(*build)(uint8_t *);
	enum ftype	 type;
	uint64_t	 rva;
	int		 rc;
	uint64_t	 off;
};

/* one real file */
struct filecase {
	const char	*path;
	enum ftype	 type;
	int		 bits;
};

static void	 put16(uint8_t *, int, uint16_t);
static void	 put32(uint8_t *, int, uint32_t);
static void	 put64(uint8_t *, int, uint64_t);
static size_t	 pe32(uint8_t *);
static size_t	 pe32plus(uint8_t *);
static size_t	 pe_ep_bss(uint8_t *);
static size_t	 pe_ep_nowhere(uint8_t *);
static size_t	 pe_ep_rawtail(uint8_t *);
static size_t	 pe_lfanew_huge(uint8_t *);
static size_t	 pe_lfanew_end(uint8_t *);
static size_t	 pe_nosig(uint8_t *);
static size_t	 pe_badmagic(uint8_t *);
static size_t	 pe_trunc_opt(uint8_t *);
static size_t	 pe_nsect_max(uint8_t *);
static size_t	 pe_nsect_200(uint8_t *);
static size_t	 pe_optsize_huge(uint8_t *);
static size_t	 pe_raw_overflow(uint8_t *);
static size_t	 pe_nosections(uint8_t *);
static size_t	 elf64le(uint8_t *);
static size_t	 elf32be(uint8_t *);
static size_t	 elf_ep_bss(uint8_t *);
static size_t	 elf_ep_zero(uint8_t *);
static size_t	 elf_phoff_overflow(uint8_t *);
static size_t	 elf_phoff_past(uint8_t *);
static size_t	 elf_xnum_noshdr(uint8_t *);
static size_t	 elf_xnum_shinfo(uint8_t *);
static size_t	 elf_phentsize_small(uint8_t *);
static size_t	 elf_trunc_hdr(uint8_t *);
static size_t	 elf_bad_data(uint8_t *);
static size_t	 elf_off_overflow(uint8_t *);
static size_t	 elf_trunc_table(uint8_t *);
static size_t	 macho64(uint8_t *);
static size_t	 macho64_main_past(uint8_t *);
static size_t	 macho64_thread(uint8_t *);
static size_t	 macho64_thread_bss(uint8_t *);
static size_t	 macho64_arm64(uint8_t *);
static size_t	 macho64_thread_count(uint8_t *);
static size_t	 macho64_cmdsize0(uint8_t *);
static size_t	 macho64_cmd_past(uint8_t *);
static size_t	 macho64_ncmds_huge(uint8_t *);
static size_t	 macho64_nsects_huge(uint8_t *);
static size_t	 macho64_trunc(uint8_t *);
static size_t	 macho32(uint8_t *, int, uint32_t);
static size_t	 macho32be_ppc(uint8_t *);
static size_t	 macho32le_i386(uint8_t *);
static size_t	 macho32le_arm(uint8_t *);
static size_t	 fat(uint8_t *);
static uint8_t	*readfile(const char *, size_t *);
static void	 test_parse(void **);
static void	 test_rva(void **);
static void	 test_file(void **);
static void	 test_zeroed(void **);
static void	 test_null(void **);

static const struct parsecase parsecases[] = {
	/* name, build, type, rc, bits, has_ep, ep, nsections, nsect, check */
	{ "pe32", pe32, FT_PE, 0, 32, 1, 0x210, 2, 2, 1, 0x200 },
	{ "pe32+ ep in headers", pe32plus, FT_PE, 0, 64, 1, 0x80, 2, 2,
	    0, 0x200 },
	{ "pe ep in bss", pe_ep_bss, FT_PE, 0, 32, 0, 0, 2, 2, 0, 0x200 },
	{ "pe ep in no section", pe_ep_nowhere, FT_PE, 0, 32, 0, 0, 2, 2,
	    0, NOCHECK },
	{ "pe ep in raw tail", pe_ep_rawtail, FT_PE, 0, 32, 1, 0x300, 2, 2,
	    0, NOCHECK },
	{ "pe e_lfanew huge", pe_lfanew_huge, FT_PE, -1, 0, 0, 0, 0, 0,
	    0, NOCHECK },
	{ "pe e_lfanew at end", pe_lfanew_end, FT_PE, -1, 0, 0, 0, 0, 0,
	    0, NOCHECK },
	{ "pe no signature", pe_nosig, FT_PE, -1, 0, 0, 0, 0, 0, 0, NOCHECK },
	{ "pe bad optional magic", pe_badmagic, FT_PE, -1, 0, 0, 0, 0, 0,
	    0, NOCHECK },
	{ "pe truncated optional header", pe_trunc_opt, FT_PE, -1, 0, 0, 0,
	    0, 0, 0, NOCHECK },
	{ "pe 65535 sections", pe_nsect_max, FT_PE, 0, 32, 1, 0x210, 65535,
	    29, 28, 0 },
	{ "pe 200 sections", pe_nsect_200, FT_PE, 0, 32, 1, 0x210, 200,
	    EXEINFO_MAXSECT, 1, 0x400 },
	{ "pe huge SizeOfOptionalHeader", pe_optsize_huge, FT_PE, 0, 32, 0, 0,
	    2, 0, 0, NOCHECK },
	{ "pe PointerToRawData+SizeOfRawData overflow", pe_raw_overflow,
	    FT_PE, 0, 32, 0, 0, 2, 2, 0, 0 },
	{ "pe no sections", pe_nosections, FT_PE, 0, 32, 1, 0x100, 0, 0,
	    0, NOCHECK },
	{ "elf64 le", elf64le, FT_ELF, 0, 64, 1, 0x210, 2, 2, 1, 0x100 },
	{ "elf32 be", elf32be, FT_ELF, 0, 32, 1, 0x100, 2, 2, 1, 0x100 },
	{ "elf ep in bss", elf_ep_bss, FT_ELF, 0, 64, 0, 0, 2, 2, 0, 0x200 },
	{ "elf e_entry 0", elf_ep_zero, FT_ELF, 0, 64, 0, 0, 2, 2, 0, 0x200 },
	{ "elf phoff overflow", elf_phoff_overflow, FT_ELF, 0, 64, 0, 0, 0, 0,
	    0, NOCHECK },
	{ "elf phoff past end", elf_phoff_past, FT_ELF, 0, 64, 0, 0, 0, 0,
	    0, NOCHECK },
	{ "elf PN_XNUM without shdr", elf_xnum_noshdr, FT_ELF, 0, 64, 1,
	    0x210, 2, 2, 0, 0x200 },
	{ "elf PN_XNUM from sh_info", elf_xnum_shinfo, FT_ELF, 0, 64, 0, 0,
	    1, 1, 0, 0x200 },
	{ "elf phentsize too small", elf_phentsize_small, FT_ELF, -1, 0, 0, 0,
	    0, 0, 0, NOCHECK },
	{ "elf truncated header", elf_trunc_hdr, FT_ELF, -1, 0, 0, 0, 0, 0,
	    0, NOCHECK },
	{ "elf bad data byte", elf_bad_data, FT_ELF, -1, 0, 0, 0, 0, 0,
	    0, NOCHECK },
	{ "elf p_offset+p_filesz overflow", elf_off_overflow, FT_ELF, 0, 64,
	    0, 0, 2, 2, 1, 0 },
	{ "elf table cut by the buffer", elf_trunc_table, FT_ELF, 0, 64, 0, 0,
	    1, 1, 0, 176 },
	{ "macho64 LC_MAIN", macho64, FT_MACHO, 0, 64, 1, 0xf10, 2, 2,
	    1, 0 },
	{ "macho64 LC_MAIN past end", macho64_main_past, FT_MACHO, 0, 64, 0,
	    0, 2, 2, 0, 0x80 },
	{ "macho64 x86_64 LC_UNIXTHREAD", macho64_thread, FT_MACHO, 0, 64, 1,
	    0xf20, 2, 2, 0, 0x80 },
	{ "macho64 pc in zerofill", macho64_thread_bss, FT_MACHO, 0, 64, 0, 0,
	    2, 2, 1, 0 },
	{ "macho64 arm64 LC_UNIXTHREAD", macho64_arm64, FT_MACHO, 0, 64, 1,
	    0xf40, 2, 2, 0, 0x80 },
	{ "macho64 thread count overflow", macho64_thread_count, FT_MACHO, 0,
	    64, 0, 0, 2, 2, 0, 0x80 },
	{ "macho64 cmdsize 0", macho64_cmdsize0, FT_MACHO, 0, 64, 0, 0, 0, 0,
	    0, NOCHECK },
	{ "macho64 cmdsize past end", macho64_cmd_past, FT_MACHO, 0, 64, 0, 0,
	    0, 0, 0, NOCHECK },
	{ "macho64 ncmds 2^32-1", macho64_ncmds_huge, FT_MACHO, 0, 64, 1,
	    0xf10, 2, 2, 0, 0x80 },
	{ "macho64 nsects 2^32-1", macho64_nsects_huge, FT_MACHO, 0, 64, 1,
	    0xf10, UINT32_MAX, 2, 0, 0x80 },
	{ "macho64 truncated header", macho64_trunc, FT_MACHO, -1, 0, 0, 0, 0,
	    0, 0, NOCHECK },
	{ "macho32 be ppc LC_UNIXTHREAD", macho32be_ppc, FT_MACHO, 0, 32, 1,
	    0xf08, 1, 1, 0, 0x80 },
	{ "macho32 le i386 LC_UNIXTHREAD", macho32le_i386, FT_MACHO, 0, 32, 1,
	    0xf0c, 1, 1, 0, 0x80 },
	{ "macho32 le arm LC_UNIXTHREAD", macho32le_arm, FT_MACHO, 0, 32, 1,
	    0xf04, 1, 1, 0, 0x80 },
	{ "fat macho is a container", fat, FT_MACHO_UNIBIN, -1, 0, 0, 0, 0, 0,
	    0, NOCHECK },
	{ "pe as elf", pe32, FT_ELF, -1, 0, 0, 0, 0, 0, 0, NOCHECK },
	{ "pe as macho", pe32, FT_MACHO, -1, 0, 0, 0, 0, 0, 0, NOCHECK },
	{ "elf as pe", elf64le, FT_PE, -1, 0, 0, 0, 0, 0, 0, NOCHECK },
	{ "macho as elf", macho64, FT_ELF, -1, 0, 0, 0, 0, 0, 0, NOCHECK },
	{ "pe as zip", pe32, FT_ZIP, -1, 0, 0, 0, 0, 0, 0, NOCHECK },
};

static const struct rvacase rvacases[] = {
	{ "pe text start", pe32, FT_PE, 0x1000, 0, 0x200 },
	{ "pe text end", pe32, FT_PE, 0x11ff, 0, 0x3ff },
	{ "pe past text raw", pe32, FT_PE, 0x1200, -1, 0 },
	{ "pe data start", pe32, FT_PE, 0x2000, 0, 0x400 },
	{ "pe data clipped end", pe32, FT_PE, 0x21ff, 0, 0x5ff },
	{ "pe data past file", pe32, FT_PE, 0x2200, -1, 0 },
	{ "pe below sections", pe32, FT_PE, 0xfff, -1, 0 },
	{ "pe max", pe32, FT_PE, UINT64_MAX, -1, 0 },
	{ "elf first load", elf64le, FT_ELF, 0x400000, 0, 0 },
	{ "elf second load", elf64le, FT_ELF, 0x4010ff, 0, 0x2ff },
	{ "elf bss", elf64le, FT_ELF, 0x401100, -1, 0 },
	{ "macho text", macho64, FT_MACHO, 0x100000f7f, 0, 0xf7f },
	{ "macho zerofill", macho64, FT_MACHO, 0x100001000, -1, 0 },
};

static const struct filecase filecases[] = {
	{ "/bin/ls", FT_ELF, 64 },
	{ CLAMDIR "/clam.exe", FT_PE, 32 },
	{ CLAMDIR "/clam-upx.exe", FT_PE, 32 },
	{ CLAMDIR "/clam-aspack.exe", FT_PE, 32 },
	{ CLAMDIR "/clam-fsg.exe", FT_PE, 32 },
	{ CLAMDIR "/clam-mew.exe", FT_PE, 32 },
	{ CLAMDIR "/clam-nsis.exe", FT_PE, 32 },
	{ CLAMDIR "/clam-pespin.exe", FT_PE, 32 },
	{ CLAMDIR "/clam-petite.exe", FT_PE, 32 },
	{ CLAMDIR "/clam-upack.exe", FT_PE, 32 },
	{ CLAMDIR "/clam-wwpack.exe", FT_PE, 32 },
	{ CLAMDIR "/clam-yc.exe", FT_PE, 32 },
};

/* put16 - store 16 bits in either byte order */
static void
put16(uint8_t *p, int be, uint16_t v)
{
	p[be ? 0 : 1] = (uint8_t)(v >> 8);
	p[be ? 1 : 0] = (uint8_t)v;
}

/* put32 - store 32 bits in either byte order */
static void
put32(uint8_t *p, int be, uint32_t v)
{
	put16(p + (be ? 0 : 2), be, (uint16_t)(v >> 16));
	put16(p + (be ? 2 : 0), be, (uint16_t)v);
}

/* put64 - store 64 bits in either byte order */
static void
put64(uint8_t *p, int be, uint64_t v)
{
	put32(p + (be ? 0 : 4), be, (uint32_t)(v >> 32));
	put32(p + (be ? 4 : 0), be, (uint32_t)v);
}

/*
 * PE32, 0x600 bytes: e_lfanew 0x80, optional header at 0x98 (0xe0
 * bytes), section table at 0x178.  .text: RVA 0x1000, 0x200 bytes at
 * 0x200; .data: RVA 0x2000, 0x400 declared at 0x400, so clipped to 0x200.
 * Entry point RVA 0x1010, file offset 0x210.
 */
#define PE_OPT		0x98
#define PE_TAB		0x178
static size_t
pe32(uint8_t *b)
{
	memset(b, 0, 0x600);
	memcpy(b, "MZ", 2);
	put32(b + 0x3c, 0, 0x80);
	memcpy(b + 0x80, "PE\0\0", 4);
	put16(b + 0x84, 0, 0x14c);
	put16(b + 0x86, 0, 2);
	put16(b + 0x94, 0, 0xe0);
	put16(b + 0x96, 0, 0x102);
	put16(b + PE_OPT, 0, 0x10b);
	put32(b + PE_OPT + 16, 0, 0x1010);
	memcpy(b + PE_TAB, ".text", 5);
	put32(b + PE_TAB + 8, 0, 0x200);
	put32(b + PE_TAB + 12, 0, 0x1000);
	put32(b + PE_TAB + 16, 0, 0x200);
	put32(b + PE_TAB + 20, 0, 0x200);
	memcpy(b + PE_TAB + 40, ".data", 5);
	put32(b + PE_TAB + 48, 0, 0x100);
	put32(b + PE_TAB + 52, 0, 0x2000);
	put32(b + PE_TAB + 56, 0, 0x400);
	put32(b + PE_TAB + 60, 0, 0x400);
	return 0x600;
}

/* pe32plus - PE32+ (0xf0-byte optional header), EP in the headers */
static size_t
pe32plus(uint8_t *b)
{
	size_t	 n = pe32(b);

	memmove(b + PE_TAB + 0x10, b + PE_TAB, 80);
	memset(b + PE_TAB, 0, 0x10);
	put16(b + 0x94, 0, 0xf0);
	put16(b + PE_OPT, 0, 0x20b);
	put32(b + PE_OPT + 16, 0, 0x80);
	return n;
}

/* pe_ep_bss - EP beyond .text's raw data but inside its VirtualSize */
static size_t
pe_ep_bss(uint8_t *b)
{
	size_t	 n = pe32(b);

	put32(b + PE_TAB + 8, 0, 0x1000);
	put32(b + PE_OPT + 16, 0, 0x1300);
	return n;
}

/* pe_ep_nowhere - EP above every section */
static size_t
pe_ep_nowhere(uint8_t *b)
{
	size_t	 n = pe32(b);

	put32(b + PE_OPT + 16, 0, 0x9000);
	return n;
}

/* pe_ep_rawtail - VirtualSize smaller than the raw data holding the EP */
static size_t
pe_ep_rawtail(uint8_t *b)
{
	size_t	 n = pe32(b);

	put32(b + PE_TAB + 8, 0, 0x10);
	put32(b + PE_OPT + 16, 0, 0x1100);
	return n;
}

/* pe_lfanew_huge - e_lfanew near 2^32 */
static size_t
pe_lfanew_huge(uint8_t *b)
{
	size_t	 n = pe32(b);

	put32(b + 0x3c, 0, 0xfffffff0);
	return n;
}

/* pe_lfanew_end - "PE\0\0" in the last 4 bytes, no room for COFF */
static size_t
pe_lfanew_end(uint8_t *b)
{
	size_t	 n = pe32(b);

	put32(b + 0x3c, 0, (uint32_t)n - 4);
	memcpy(b + n - 4, "PE\0\0", 4);
	return n;
}

/* pe_nosig - "MZ" without "PE\0\0" */
static size_t
pe_nosig(uint8_t *b)
{
	size_t	 n = pe32(b);

	memcpy(b + 0x80, "NE\0\0", 4);
	return n;
}

/* pe_badmagic - a ROM optional header magic */
static size_t
pe_badmagic(uint8_t *b)
{
	size_t	 n = pe32(b);

	put16(b + PE_OPT, 0, 0x107);
	return n;
}

/* pe_trunc_opt - cut before AddressOfEntryPoint */
static size_t
pe_trunc_opt(uint8_t *b)
{
	pe32(b);
	return PE_OPT + 10;
}

/* pe_nsect_max - 65535 sections declared, 29 fit in the buffer */
static size_t
pe_nsect_max(uint8_t *b)
{
	size_t	 n = pe32(b);

	put16(b + 0x86, 0, 65535);
	return n;
}

/* pe_nsect_200 - 200 sections, all inside a larger buffer */
static size_t
pe_nsect_200(uint8_t *b)
{
	pe32(b);
	put16(b + 0x86, 0, 200);
	return 0x2400;
}

/* pe_optsize_huge - SizeOfOptionalHeader 0xffff: no table in the file */
static size_t
pe_optsize_huge(uint8_t *b)
{
	size_t	 n = pe32(b);

	put16(b + 0x94, 0, 0xffff);
	return n;
}

/* pe_raw_overflow - PointerToRawData + SizeOfRawData wraps 2^32 */
static size_t
pe_raw_overflow(uint8_t *b)
{
	size_t	 n = pe32(b);

	put32(b + PE_TAB + 16, 0, 0xffffffff);
	put32(b + PE_TAB + 20, 0, 0xffffffff);
	return n;
}

/* pe_nosections - no sections at all: everything is headers */
static size_t
pe_nosections(uint8_t *b)
{
	size_t	 n = pe32(b);

	put16(b + 0x86, 0, 0);
	put32(b + PE_OPT + 16, 0, 0x100);
	return n;
}

/*
 * ELF64 little endian, 0x400 bytes: PT_PHDR, then PT_LOAD 0x200 bytes
 * at 0 -> 0x400000, PT_LOAD 0x100 bytes at 0x200 -> 0x401000 (memsz
 * 0x1000).  e_entry 0x401010, file offset 0x210.
 */
#define ELF_PH		64
static size_t
elf64le(uint8_t *b)
{
	uint8_t	*ph;

	memset(b, 0, 0x400);
	memcpy(b, "\177ELF\2\1\1", 7);
	put16(b + 16, 0, 2);
	put16(b + 18, 0, 0x3e);
	put32(b + 20, 0, 1);
	put64(b + 24, 0, 0x401010);
	put64(b + 32, 0, ELF_PH);
	put16(b + 52, 0, 64);
	put16(b + 54, 0, 56);
	put16(b + 56, 0, 3);
	ph = b + ELF_PH;
	put32(ph, 0, 6);
	put64(ph + 8, 0, ELF_PH);
	put64(ph + 16, 0, 0x400040);
	put64(ph + 32, 0, 168);
	put64(ph + 40, 0, 168);
	ph += 56;
	put32(ph, 0, 1);
	put64(ph + 8, 0, 0);
	put64(ph + 16, 0, 0x400000);
	put64(ph + 32, 0, 0x200);
	put64(ph + 40, 0, 0x200);
	ph += 56;
	put32(ph, 0, 1);
	put64(ph + 8, 0, 0x200);
	put64(ph + 16, 0, 0x401000);
	put64(ph + 32, 0, 0x100);
	put64(ph + 40, 0, 0x1000);
	return 0x400;
}

/*
 * ELF32 big endian (MIPS), 0x400 bytes: PT_LOAD 0x300 bytes at 0 ->
 * 0x10000, PT_LOAD 0x100 bytes at 0x300 -> 0x20300.  e_entry 0x10100.
 */
static size_t
elf32be(uint8_t *b)
{
	uint8_t	*ph;

	memset(b, 0, 0x400);
	memcpy(b, "\177ELF\1\2\1", 7);
	put16(b + 16, 1, 2);
	put16(b + 18, 1, 8);
	put32(b + 20, 1, 1);
	put32(b + 24, 1, 0x10100);
	put32(b + 28, 1, 52);
	put16(b + 40, 1, 52);
	put16(b + 42, 1, 32);
	put16(b + 44, 1, 2);
	ph = b + 52;
	put32(ph, 1, 1);
	put32(ph + 4, 1, 0);
	put32(ph + 8, 1, 0x10000);
	put32(ph + 16, 1, 0x300);
	put32(ph + 20, 1, 0x300);
	ph += 32;
	put32(ph, 1, 1);
	put32(ph + 4, 1, 0x300);
	put32(ph + 8, 1, 0x20300);
	put32(ph + 16, 1, 0x100);
	put32(ph + 20, 1, 0x800);
	return 0x400;
}

/* elf_ep_bss - e_entry in the memory-only part of the second PT_LOAD */
static size_t
elf_ep_bss(uint8_t *b)
{
	size_t	 n = elf64le(b);

	put64(b + 24, 0, 0x401800);
	return n;
}

/* elf_ep_zero - no entry point */
static size_t
elf_ep_zero(uint8_t *b)
{
	size_t	 n = elf64le(b);

	put64(b + 24, 0, 0);
	return n;
}

/* elf_phoff_overflow - e_phoff + i * e_phentsize would wrap */
static size_t
elf_phoff_overflow(uint8_t *b)
{
	size_t	 n = elf64le(b);

	put64(b + 32, 0, 0xfffffffffffffff0ULL);
	return n;
}

/* elf_phoff_past - e_phoff beyond the buffer */
static size_t
elf_phoff_past(uint8_t *b)
{
	size_t	 n = elf64le(b);

	put64(b + 32, 0, 0x10000);
	return n;
}

/* elf_xnum_noshdr - e_phnum PN_XNUM, no section header to resolve it */
static size_t
elf_xnum_noshdr(uint8_t *b)
{
	size_t	 n = elf64le(b);

	put16(b + 56, 0, 0xffff);
	return n;
}

/* elf_xnum_shinfo - PN_XNUM resolved to 2 by section header 0 */
static size_t
elf_xnum_shinfo(uint8_t *b)
{
	size_t	 n = elf64le(b);

	put16(b + 56, 0, 0xffff);
	put64(b + 40, 0, 0x300);
	put32(b + 0x300 + 44, 0, 2);
	return n;
}

/* elf_phentsize_small - entries too small to hold a program header */
static size_t
elf_phentsize_small(uint8_t *b)
{
	size_t	 n = elf64le(b);

	put16(b + 54, 0, 8);
	return n;
}

/* elf_trunc_hdr - shorter than an ELF64 header */
static size_t
elf_trunc_hdr(uint8_t *b)
{
	elf64le(b);
	return 40;
}

/* elf_bad_data - EI_DATA neither LSB nor MSB */
static size_t
elf_bad_data(uint8_t *b)
{
	size_t	 n = elf64le(b);

	b[5] = 3;
	return n;
}

/* elf_off_overflow - second PT_LOAD's p_offset + p_filesz wraps 2^64 */
static size_t
elf_off_overflow(uint8_t *b)
{
	size_t	 n = elf64le(b);

	put64(b + ELF_PH + 112 + 8, 0, 0xffffffffffffff00ULL);
	put64(b + ELF_PH + 112 + 32, 0, 0x1000);
	return n;
}

/* elf_trunc_table - the buffer ends after the first PT_LOAD */
static size_t
elf_trunc_table(uint8_t *b)
{
	elf64le(b);
	return ELF_PH + 2 * 56;
}

/*
 * Mach-O 64 (x86_64, little endian), 0x1000 bytes:
 *	@32  LC_SEGMENT_64 __TEXT, section __text: 0x80 bytes at 0xf00,
 *	     address 0x100000f00
 *	@184 LC_SEGMENT_64 __DATA, zerofill section __bss at 0x100001000
 *	@336 LC_MAIN entryoff 0xf10
 */
#define MO_SEG1		32
#define MO_SEG2		184
#define MO_CMD3		336
static size_t
macho64(uint8_t *b)
{
	uint8_t	*c, *s;

	memset(b, 0, 0x1000);
	put32(b, 0, 0xfeedfacf);
	put32(b + 4, 0, 0x01000007);
	put32(b + 8, 0, 3);
	put32(b + 12, 0, 2);
	put32(b + 16, 0, 3);
	put32(b + 20, 0, 152 + 152 + 24);
	c = b + MO_SEG1;
	put32(c, 0, 0x19);
	put32(c + 4, 0, 152);
	memcpy(c + 8, "__TEXT", 6);
	put64(c + 24, 0, 0x100000000ULL);
	put64(c + 32, 0, 0x1000);
	put64(c + 48, 0, 0x1000);
	put32(c + 64, 0, 1);
	s = c + 72;
	memcpy(s, "__text", 6);
	memcpy(s + 16, "__TEXT", 6);
	put64(s + 32, 0, 0x100000f00ULL);
	put64(s + 40, 0, 0x80);
	put32(s + 48, 0, 0xf00);
	put32(s + 64, 0, 0x80000400);
	c = b + MO_SEG2;
	put32(c, 0, 0x19);
	put32(c + 4, 0, 152);
	memcpy(c + 8, "__DATA", 6);
	put64(c + 24, 0, 0x100001000ULL);
	put64(c + 32, 0, 0x1000);
	put32(c + 64, 0, 1);
	s = c + 72;
	memcpy(s, "__bss", 5);
	memcpy(s + 16, "__DATA", 6);
	put64(s + 32, 0, 0x100001000ULL);
	put64(s + 40, 0, 0x100);
	put32(s + 64, 0, 0x1);
	c = b + MO_CMD3;
	put32(c, 0, 0x80000028);
	put32(c + 4, 0, 24);
	put64(c + 8, 0, 0xf10);
	return 0x1000;
}

/* macho64_main_past - LC_MAIN entryoff beyond the file */
static size_t
macho64_main_past(uint8_t *b)
{
	size_t	 n = macho64(b);

	put64(b + MO_CMD3 + 8, 0, 0x5000);
	return n;
}

/* macho64_thread - LC_UNIXTHREAD x86_THREAD_STATE64 instead of LC_MAIN */
static size_t
macho64_thread(uint8_t *b)
{
	size_t	 n = macho64(b);
	uint8_t	*c = b + MO_CMD3;

	memset(c, 0, 24);
	put32(c, 0, 0x5);
	put32(c + 4, 0, 16 + 168);
	put32(c + 8, 0, 4);
	put32(c + 12, 0, 42);
	put64(c + 16 + 128, 0, 0x100000f20ULL);
	return n;
}

/* macho64_thread_bss - the thread's pc in a zerofill section */
static size_t
macho64_thread_bss(uint8_t *b)
{
	size_t	 n = macho64_thread(b);

	put64(b + MO_CMD3 + 16 + 128, 0, 0x100001010ULL);
	return n;
}

/* macho64_arm64 - ARM64 with ARM_THREAD_STATE64 */
static size_t
macho64_arm64(uint8_t *b)
{
	size_t	 n = macho64(b);
	uint8_t	*c = b + MO_CMD3;

	put32(b + 4, 0, 0x0100000c);
	memset(c, 0, 24);
	put32(c, 0, 0x5);
	put32(c + 4, 0, 16 + 272);
	put32(c + 8, 0, 6);
	put32(c + 12, 0, 68);
	put64(c + 16 + 256, 0, 0x100000f40ULL);
	return n;
}

/* macho64_thread_count - a thread state count of 2^32-1 */
static size_t
macho64_thread_count(uint8_t *b)
{
	size_t	 n = macho64_thread(b);

	put32(b + MO_CMD3 + 12, 0, 0xffffffff);
	return n;
}

/* macho64_cmdsize0 - the first command claims 0 bytes */
static size_t
macho64_cmdsize0(uint8_t *b)
{
	size_t	 n = macho64(b);

	put32(b + MO_SEG1 + 4, 0, 0);
	return n;
}

/* macho64_cmd_past - the first command runs past the buffer */
static size_t
macho64_cmd_past(uint8_t *b)
{
	size_t	 n = macho64(b);

	put32(b + MO_SEG1 + 4, 0, 0x10000);
	return n;
}

/* macho64_ncmds_huge - ncmds 2^32-1; zeros after the real commands */
static size_t
macho64_ncmds_huge(uint8_t *b)
{
	size_t	 n = macho64(b);

	put32(b + 16, 0, 0xffffffff);
	return n;
}

/* macho64_nsects_huge - __TEXT declares 2^32-1 sections */
static size_t
macho64_nsects_huge(uint8_t *b)
{
	size_t	 n = macho64(b);

	put32(b + MO_SEG1 + 64, 0, 0xffffffff);
	return n;
}

/* macho64_trunc - shorter than a mach_header */
static size_t
macho64_trunc(uint8_t *b)
{
	macho64(b);
	return 20;
}

/*
 * macho32 - Mach-O 32, 0x1000 bytes: LC_SEGMENT __TEXT with __text (0x80
 * bytes at 0xf00, address 0x1f00), then LC_UNIXTHREAD of the given CPU,
 * whose pc is 0x1f00 + a CPU-specific delta.
 */
static size_t
macho32(uint8_t *b, int be, uint32_t cpu)
{
	uint8_t		*c, *s;
	uint32_t	 flavor, count, at, delta;

	memset(b, 0, 0x1000);
	put32(b, be, 0xfeedface);
	put32(b + 4, be, cpu);
	put32(b + 12, be, 2);
	put32(b + 16, be, 2);
	c = b + 28;
	put32(c, be, 0x1);
	put32(c + 4, be, 56 + 68);
	memcpy(c + 8, "__TEXT", 6);
	put32(c + 24, be, 0x1000);
	put32(c + 28, be, 0x1000);
	put32(c + 36, be, 0x1000);
	put32(c + 48, be, 1);
	s = c + 56;
	memcpy(s, "__text", 6);
	memcpy(s + 16, "__TEXT", 6);
	put32(s + 32, be, 0x1f00);
	put32(s + 36, be, 0x80);
	put32(s + 40, be, 0xf00);
	switch (cpu) {
	case 18:			/* PPC_THREAD_STATE: srr0 first */
		flavor = 1;
		count = 40;
		at = 0;
		delta = 8;
		break;
	case 7:				/* i386_THREAD_STATE: eip */
		flavor = 1;
		count = 16;
		at = 40;
		delta = 0xc;
		break;
	default:			/* ARM_THREAD_STATE: r15 */
		flavor = 1;
		count = 17;
		at = 60;
		delta = 4;
		break;
	}
	c = b + 28 + 56 + 68;
	put32(c, be, 0x5);
	put32(c + 4, be, 16 + count * 4);
	put32(c + 8, be, flavor);
	put32(c + 12, be, count);
	put32(c + 16 + at, be, 0x1f00 + delta);
	return 0x1000;
}

/* macho32be_ppc - PowerPC, big endian */
static size_t
macho32be_ppc(uint8_t *b)
{
	return macho32(b, 1, 18);
}

/* macho32le_i386 - i386, little endian */
static size_t
macho32le_i386(uint8_t *b)
{
	return macho32(b, 0, 7);
}

/* macho32le_arm - ARM, little endian */
static size_t
macho32le_arm(uint8_t *b)
{
	return macho32(b, 0, 12);
}

/* fat - a universal binary with one x86_64 slice */
static size_t
fat(uint8_t *b)
{
	memset(b, 0, 0x2000);
	put32(b, 1, 0xcafebabe);
	put32(b + 4, 1, 1);
	put32(b + 8, 1, 0x01000007);
	put32(b + 16, 1, 0x1000);
	put32(b + 20, 1, 0x1000);
	put32(b + 24, 1, 12);
	macho64(b + 0x1000);
	return 0x2000;
}

/* readfile - a whole file in memory, or NULL */
static uint8_t *
readfile(const char *path, size_t *len)
{
	FILE	*fp;
	uint8_t	*b;
	long	 sz;

	if ((fp = fopen(path, "rb")) == NULL)
		return NULL;
	if (fseek(fp, 0, SEEK_END) != 0 || (sz = ftell(fp)) <= 0 ||
	    fseek(fp, 0, SEEK_SET) != 0 || (b = malloc((size_t)sz)) == NULL) {
		fclose(fp);
		return NULL;
	}
	*len = fread(b, 1, (size_t)sz, fp);
	fclose(fp);
	return b;
}

/* test_parse - one fixture row */
static void
test_parse(void **state)
{
	const struct parsecase	*c = *state;
	struct exeinfo		 ei;
	uint8_t			*b;
	size_t			 n;
	uint32_t		 i;

	b = calloc(1, BUILDMAX);
	assert_non_null(b);
	n = c->build(b);
	assert_true(n <= BUILDMAX);
	assert_int_equal(exeinfo_parse(b, n, c->type, &ei), c->rc);
	assert_int_equal(ei.bits, c->bits);
	assert_int_equal(ei.has_ep, c->has_ep);
	assert_int_equal(ei.ep, c->ep);
	assert_int_equal(ei.nsections, c->nsections);
	assert_int_equal(ei.nsect, c->nsect);
	if (c->ssize != NOCHECK) {
		assert_true(c->sidx < ei.nsect);
		assert_int_equal(ei.sect[c->sidx].size, c->ssize);
	}
	/* invariants: stored data lies inside the buffer */
	assert_true(ei.nsect <= EXEINFO_MAXSECT);
	for (i = 0; i < ei.nsect; i++)
		if (ei.sect[i].size > 0)
			assert_true(ei.sect[i].off < n &&
			    ei.sect[i].size <= n - ei.sect[i].off);
	if (ei.has_ep)
		assert_true(ei.ep < n);
	free(b);
}

/* test_rva - one translation row */
static void
test_rva(void **state)
{
	const struct rvacase	*c = *state;
	struct exeinfo		 ei;
	uint8_t			*b;
	uint64_t		 off = 0;
	size_t			 n;

	b = calloc(1, BUILDMAX);
	assert_non_null(b);
	n = c->build(b);
	assert_int_equal(exeinfo_parse(b, n, c->type, &ei), 0);
	assert_int_equal(exeinfo_rva2off(&ei, c->rva, &off), c->rc);
	if (c->rc == 0)
		assert_int_equal(off, c->off);
	free(b);
}

/* test_file - a real executable: plausible values; skipped if absent */
static void
test_file(void **state)
{
	const struct filecase	*c = *state;
	struct exeinfo		 ei;
	uint8_t			*b;
	size_t			 n = 0;
	uint32_t		 i;
	int			 inside = 0;

	if ((b = readfile(c->path, &n)) == NULL) {
		skip();
		return;
	}
	assert_int_equal(filetype_detect(b, n), c->type);
	assert_int_equal(exeinfo_parse(b, n, c->type, &ei), 0);
	assert_int_equal(ei.bits, c->bits);
	assert_true(ei.has_ep);
	assert_true(ei.ep < n);
	assert_true(ei.nsections >= 1);
	assert_true(ei.nsect >= 1 && ei.nsect <= ei.nsections);
	if (c->type == FT_ELF) {
		for (i = 0; i < ei.nsect; i++)
			if (ei.ep >= ei.sect[i].off &&
			    ei.ep - ei.sect[i].off < ei.sect[i].size)
				inside = 1;
		assert_true(inside);
	}
	free(b);
}

/* test_zeroed - a failed parse leaves ei all zero */
static void
test_zeroed(void **state)
{
	static const uint8_t	 zero[sizeof(struct exeinfo)];
	struct exeinfo		 ei;
	uint8_t			*b;
	size_t			 n;

	(void)state;
	b = calloc(1, BUILDMAX);
	assert_non_null(b);
	n = pe_badmagic(b);
	memset(&ei, 0xa5, sizeof(ei));
	assert_int_equal(exeinfo_parse(b, n, FT_PE, &ei), -1);
	assert_memory_equal(&ei, zero, sizeof(ei));
	memset(&ei, 0xa5, sizeof(ei));
	assert_int_equal(exeinfo_parse(b, n, FT_MACHO_UNIBIN, &ei), -1);
	assert_memory_equal(&ei, zero, sizeof(ei));
	free(b);
}

/* test_null - NULL arguments and empty input */
static void
test_null(void **state)
{
	struct exeinfo	 ei;
	uint64_t	 off;
	uint8_t		 b[1] = { 0 };

	(void)state;
	assert_int_equal(exeinfo_parse(NULL, 0, FT_PE, &ei), -1);
	assert_int_equal(exeinfo_parse(b, 0, FT_ELF, &ei), -1);
	assert_int_equal(exeinfo_parse(b, 0, FT_MACHO, &ei), -1);
	assert_int_equal(exeinfo_parse(b, 1, FT_PE, NULL), -1);
	assert_int_equal(exeinfo_rva2off(NULL, 0, &off), -1);
	memset(&ei, 0, sizeof(ei));
	assert_int_equal(exeinfo_rva2off(&ei, 0, &off), -1);
}

#define NPARSE	(sizeof(parsecases) / sizeof(parsecases[0]))
#define NRVA	(sizeof(rvacases) / sizeof(rvacases[0]))
#define NFILE	(sizeof(filecases) / sizeof(filecases[0]))

int
main(void)
{
	static struct CMUnitTest	 tests[NPARSE + NRVA + NFILE + 2];
	size_t				 i, n = 0;

	for (i = 0; i < NPARSE; i++) {
		tests[n].name = parsecases[i].name;
		tests[n].test_func = test_parse;
		tests[n++].initial_state = (void *)&parsecases[i];
	}
	for (i = 0; i < NRVA; i++) {
		tests[n].name = rvacases[i].name;
		tests[n].test_func = test_rva;
		tests[n++].initial_state = (void *)&rvacases[i];
	}
	for (i = 0; i < NFILE; i++) {
		tests[n].name = filecases[i].path;
		tests[n].test_func = test_file;
		tests[n++].initial_state = (void *)&filecases[i];
	}
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_zeroed);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_null);
	return _cmocka_run_group_tests("exeinfo", tests, n, NULL, NULL);
}
