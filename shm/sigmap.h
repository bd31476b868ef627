/*
 * sigmap.h - read-only mapping of a compiled signature module
 *
 * SYNOPSIS
 *	struct sigmap { ...; struct vmod_view view; };
 *	int	 sigmap_open(struct sigmap *sm, int fd, int deep);
 *	int	 sigmap_openmem(struct sigmap *sm, const uint8_t *buf,
 *		    size_t size, int deep);
 *	void	 sigmap_close(struct sigmap *sm);
 * DESCRIPTION
 *	sigmap_open() maps fd PROT_READ/MAP_SHARED (so that every process
 *	mapping the same file shares its pages) and validates it with
 *	vmod_validate(): magic, format number, size, header and body
 *	checksums and, when deep, every record.  The caller keeps ownership
 *	of fd, which may be closed after the call.  sigmap_openmem() does the
 *	same for a module already in memory (tests, fuzzers), which must
 *	outlive the sigmap.  On success sm->view is ready for the matcher.
 * ERRORS
 *	Returns 0, or -1 with errno: from fstat/mmap, EINVAL (not a regular
 *	file), AV_EMAGIC, AV_EVERSION, AV_ECHECKSUM, AV_ECORRUPT.  Never
 *	exits, never logs.
 * PROCESS
 *	supervisor (validate before use), workers (after receiving the fd),
 *	vigil-scan --db.
 */
#ifndef VIGIL_SIGMAP_H
#define VIGIL_SIGMAP_H

#include <stddef.h>
#include <stdint.h>

#include "signatures/vmod.h"

struct sigmap {
	const uint8_t		*base;
	size_t			 size;
	int			 mapped;
	struct vmod_view	 view;
};

int	 sigmap_open(struct sigmap *, int, int);
int	 sigmap_openmem(struct sigmap *, const uint8_t *, size_t, int);
void	 sigmap_close(struct sigmap *);

#endif
