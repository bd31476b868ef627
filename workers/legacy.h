/*
 * legacy.h - the old container formats libarchive has no reader for
 *
 * SYNOPSIS
 *	int	 legacy_handles(enum ftype t);
 *	int	 legacy_walk(enum ftype t, const uint8_t *buf, size_t len,
 *		    const struct arc_limits *lim,
 *		    int (*cb)(void *arg, const struct arc_entry *e), void *arg,
 *		    struct arc_result *res);
 *	int	 arj_walk(...), szdd_walk(...), tnef_walk(...),
 *		    sis_walk(...), chm_walk(...);
 * DESCRIPTION
 *	Hand-written readers, kept small and bounded, for the formats mail
 *	and file servers still meet and libarchive cannot open:
 *
 *	arj_walk(): ARJ archives (ARJ 2.x headers, main and file headers
 *	with their CRC-32s and extended headers; methods 0 stored, 1-3
 *	LZH with the 26,624-byte dictionary, 4 "fastest"); members of
 *	multi-volume archives are delivered up to where this volume ends,
 *	marked truncated.  Garbled (password) members are encrypted.
 *
 *	szdd_walk(): Microsoft "compress.exe" SZDD files (the LZSS variant
 *	of EXPAND.EXE, 4 KiB window filled with spaces, first write at
 *	4080, i.e. 4096 - 16): one member with an empty name, as for any
 *	compressed stream.
 *
 *	tnef_walk(): TNEF (winmail.dat, application/ms-tnef): every
 *	attachment's data (attAttachData), named by its attAttachTitle (or
 *	the MAPI long file name when present); the message body
 *	(attBody) as a member named "body" when it is present.
 *
 *	sis_walk(): Symbian installation packages before Symbian OS 9
 *	(EPOC release 3 to 6, UID2 0x1000006d or 0x10003a12): the data of
 *	every file record (zlib-inflated in release 6 unless the package
 *	says it is not compressed), each language's file of a
 *	multi-language record, named by its destination without the drive
 *	("!:\system\apps\x\a.app" gives "system/apps/x/a.app").  A
 *	Symbian OS 9 package counts in res->unsupported.
 *
 *	chm_walk(): Microsoft compiled HTML help (CHM, "ITSF" versions 2
 *	and 3): every file of its directory (PMGL listing chunks) whose
 *	name starts with '/' (without it), from content section 0 (stored)
 *	or 1 (MSCompressed: LZX with the window and reset interval of its
 *	LZXC control data), decoded once, as far as the files need, within
 *	the ratio bound.
 *
 *	All of them have the contract of arc_walk() in archive.h: members in
 *	order, delivered in memory, e->name cleaned as archive.h says, the
 *	same limits (max_entry, max_total, max_entries, max_ratio) with the
 *	same ARC_* outcomes and reasons in res, ARC_CORRUPT ("corrupt:
 *	<what>") for damaged input with the members before the damage
 *	delivered, ARC_STOPPED when cb returns non-zero.
 *
 *	legacy_handles() tells whether legacy_walk() knows a detected type
 *	(FT_ARJ, FT_SZDD, FT_TNEF, FT_SIS, FT_CHM); legacy_walk() calls
 *	the right walker.
 * ERRORS
 *	The walkers return 0 (see res), or -1 with errno ENOMEM, or EINVAL
 *	for a type legacy_walk() does not handle.  Never exit, never log,
 *	never read outside buf.
 * PROCESS
 *	workers (scan pipeline), vigil-scan --db.
 */
#ifndef VIGIL_LEGACY_H
#define VIGIL_LEGACY_H

#include <stddef.h>
#include <stdint.h>

#include "workers/archive.h"
#include "workers/filetype.h"

typedef int	(*arc_cb)(void *, const struct arc_entry *);

int	 legacy_handles(enum ftype);
int	 legacy_walk(enum ftype, const uint8_t *, size_t,
	    const struct arc_limits *, arc_cb, void *, struct arc_result *);
int	 arj_walk(const uint8_t *, size_t, const struct arc_limits *, arc_cb,
	    void *, struct arc_result *);
int	 szdd_walk(const uint8_t *, size_t, const struct arc_limits *, arc_cb,
	    void *, struct arc_result *);
int	 tnef_walk(const uint8_t *, size_t, const struct arc_limits *, arc_cb,
	    void *, struct arc_result *);
int	 sis_walk(const uint8_t *, size_t, const struct arc_limits *, arc_cb,
	    void *, struct arc_result *);
int	 chm_walk(const uint8_t *, size_t, const struct arc_limits *, arc_cb,
	    void *, struct arc_result *);

#endif
