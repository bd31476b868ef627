/*
 * exeinfo.h - PE, ELF and Mach-O headers: entry point and sections
 *
 * SYNOPSIS
 *	int	 exeinfo_parse(const uint8_t *buf, size_t len, enum ftype t,
 *		    struct exeinfo *ei);
 *	int	 exeinfo_rva2off(const struct exeinfo *ei, uint64_t rva,
 *		    uint64_t *off);
 * DESCRIPTION
 *	exeinfo_parse() fills ei for an object whose type t is FT_PE, FT_ELF
 *	or FT_MACHO (32- and 64-bit, either endianness for ELF and Mach-O):
 *	the entry point as a FILE OFFSET (ep, valid when has_ep), the number
 *	of sections as the header declares it (nsections), and up to
 *	EXEINFO_MAXSECT sections with their file offsets and sizes (nsect
 *	stored).  These feed the EP+n, Sx+n, SEx and SL+n offsets of body
 *	signatures and the EntryPoint/NumberOfSections conditions of .ldb.
 *
 *	PE: sections from the section table (PointerToRawData,
 *	SizeOfRawData, VirtualAddress, VirtualSize); ep is
 *	AddressOfEntryPoint translated through the sections (an EP inside the
 *	headers maps to itself).  ELF: sections are the PT_LOAD program
 *	headers in order (p_offset, p_filesz, p_vaddr, p_memsz), and ep is
 *	e_entry translated through them; nsections is e_phnum's count of
 *	PT_LOAD entries.  Mach-O: sections of LC_SEGMENT/LC_SEGMENT_64, ep
 *	from LC_MAIN (entryoff) or LC_UNIXTHREAD (pc, translated).
 *
 *	exeinfo_rva2off() translates a virtual address/RVA through the
 *	stored sections.
 * ERRORS
 *	exeinfo_parse() returns 0 when the headers were parsed (has_ep may
 *	still be 0 if the entry point lies outside the file), -1 when they
 *	are malformed or t is not an executable type; ei is then zeroed.
 *	exeinfo_rva2off() returns 0 or -1 (not inside any section).  Never
 *	read past len, never allocate, never log, never exit.
 * PROCESS
 *	worker (scan pipeline), vigil-scan --db.
 */
#ifndef VIGIL_EXEINFO_H
#define VIGIL_EXEINFO_H

#include <stddef.h>
#include <stdint.h>

#include "workers/filetype.h"

#define EXEINFO_MAXSECT	96

struct exesect {
	uint64_t	 off;		/* file offset of the raw data */
	uint64_t	 size;		/* raw size in the file (clipped to it) */
	uint64_t	 rva;		/* virtual address (PE: RVA) */
	uint64_t	 vsize;		/* virtual size */
};

struct exeinfo {
	int		 has_ep;
	uint64_t	 ep;		/* entry point, file offset */
	uint32_t	 nsections;	/* as declared */
	uint32_t	 nsect;		/* stored in sect[] */
	int		 bits;		/* 32 or 64 */
	struct exesect	 sect[EXEINFO_MAXSECT];
};

int	 exeinfo_parse(const uint8_t *, size_t, enum ftype, struct exeinfo *);
int	 exeinfo_rva2off(const struct exeinfo *, uint64_t, uint64_t *);

#endif
