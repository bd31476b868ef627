/*
 * fuzz_exeinfo.c - libFuzzer harness for filetype_detect() and exeinfo
 *
 * Every input is detected, then parsed as each executable type whatever
 * the detection said, so that the PE, ELF and Mach-O parsers all see
 * every mutation.  The results are checked against the invariants the
 * header promises (stored sections inside the buffer, an entry point
 * inside the buffer, ei zeroed on failure) and translated back through
 * exeinfo_rva2off().  A broken invariant aborts, which libFuzzer reports.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "workers/exeinfo.h"
#include "workers/filetype.h"

int	 LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void	 fz_check(const uint8_t *, size_t, enum ftype);

static const enum ftype	 fz_types[] = {
	FT_PE, FT_ELF, FT_MACHO, FT_MACHO_UNIBIN, FT_ZIP
};

/* fz_check - parse as one type and check what comes back */
static void
fz_check(const uint8_t *buf, size_t len, enum ftype t)
{
	static const struct exeinfo	 zero;
	struct exeinfo			 ei;
	const struct exesect		*s;
	uint64_t			 off, probe[6];
	uint32_t			 i;
	size_t				 k;

	memset(&ei, 0x5a, sizeof(ei));
	if (exeinfo_parse(buf, len, t, &ei) != 0) {
		if (memcmp(&ei, &zero, sizeof(ei)) != 0)
			abort();
		return;
	}
	if (ei.nsect > EXEINFO_MAXSECT || (ei.bits != 32 && ei.bits != 64))
		abort();
	if (ei.has_ep && ei.ep >= len)
		abort();
	for (i = 0; i < ei.nsect; i++) {
		s = &ei.sect[i];
		if (s->size > 0 && (s->off >= len || s->size > len - s->off))
			abort();
	}
	probe[0] = 0;
	probe[1] = UINT64_MAX;
	probe[2] = ei.nsect > 0 ? ei.sect[0].rva : 0x1000;
	probe[3] = ei.nsect > 0 ? ei.sect[ei.nsect - 1].rva +
	    ei.sect[ei.nsect - 1].size : 0x401000;
	probe[4] = ei.nsect > 0 ? ei.sect[0].rva + ei.sect[0].size - 1 : 1;
	probe[5] = ei.ep;
	for (k = 0; k < sizeof(probe) / sizeof(probe[0]); k++)
		if (exeinfo_rva2off(&ei, probe[k], &off) == 0 && off >= len)
			abort();
}

/* LLVMFuzzerTestOneInput - one input */
int
LLVMFuzzerTestOneInput(const uint8_t *buf, size_t len)
{
	enum ftype	 t;
	size_t		 i;

	t = filetype_detect(buf, len);
	if ((unsigned int)t >= FT_NTYPES || t == FT_NONE || t == FT_ANY)
		abort();
	if (filetype_byname(filetype_name(t)) != t)
		abort();
	(void)filetype_target(t);
	(void)filetype_is_text(t);
	for (i = 0; i < sizeof(fz_types) / sizeof(fz_types[0]); i++)
		fz_check(buf, len, fz_types[i]);
	return 0;
}
