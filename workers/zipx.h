/*
 * zipx.h - zip members in the methods libarchive cannot decompress
 *
 * SYNOPSIS
 *	int	 zipx_walk(const uint8_t *buf, size_t len,
 *		    const struct arc_limits *lim,
 *		    int (*cb)(void *arg, const struct arc_entry *e), void *arg,
 *		    struct arc_result *res);
 *	int	 zipx_inflate64(const uint8_t *in, size_t inlen, struct buf *out,
 *		    uint64_t max);
 *	int	 zipx_explode(const uint8_t *in, size_t inlen, uint16_t gpflags,
 *		    uint64_t usize, struct buf *out, uint64_t max);
 * DESCRIPTION
 *	zipx_walk() finds the members of the zip archive in buf (through the
 *	central directory, or the local headers when there is none) and
 *	calls cb, in archive order, for each regular-file member whose
 *	compression method is 9 (Deflate64, "enhanced deflate") or 6
 *	(PKWARE implode), decompressed into memory; members in any other
 *	method are left to arc_walk() and not delivered.  Names, limits,
 *	e->encrypted (traditional PKWARE or strong encryption flag set),
 *	e->truncated and res have the meaning archive.h gives them, counting
 *	only the members this walk delivers.  A member whose data is damaged
 *	makes res ARC_CORRUPT ("corrupt: <what>") and the walk goes on with
 *	the next one.
 *
 *	zipx_inflate64() appends to out the Deflate64 stream in (RFC 1951
 *	with a 64 KiB window, length code 285 = 3 + 16 extra bits, distance
 *	codes 30 and 31), at most max bytes (0: no limit).
 *	zipx_explode() appends the imploded stream in (APPNOTE 5.3: the
 *	gpflags bits 1 (8 KiB window) and 2 (three Shannon-Fano trees)
 *	select the variant), stopping at usize bytes or max bytes.
 * ERRORS
 *	zipx_walk() returns 0 or -1 with errno ENOMEM.  The decoders return
 *	0 when the stream ended properly, -1 with errno AV_ELIMIT (out holds
 *	the first max bytes), AV_ECORRUPT (damaged or truncated: out holds
 *	what was decoded), or ENOMEM.  Never exit, never log, never read
 *	outside their input.
 * PROCESS
 *	workers (scan pipeline, through arc_walk), vigil-scan --db.
 */
#ifndef VIGIL_ZIPX_H
#define VIGIL_ZIPX_H

#include <stddef.h>
#include <stdint.h>

#include "util/buf.h"
#include "workers/archive.h"

int	 zipx_walk(const uint8_t *, size_t, const struct arc_limits *,
	    int (*)(void *, const struct arc_entry *), void *,
	    struct arc_result *);
int	 zipx_inflate64(const uint8_t *, size_t, struct buf *, uint64_t);
int	 zipx_explode(const uint8_t *, size_t, uint16_t, uint64_t, struct buf *,
	    uint64_t);

#endif
