/*
 * pdf.h - the streams of a PDF file
 *
 * SYNOPSIS
 *	int	 pdf_walk(const uint8_t *buf, size_t len,
 *		    const struct arc_limits *lim,
 *		    int (*cb)(void *arg, const struct arc_entry *e), void *arg,
 *		    struct arc_result *res);
 * DESCRIPTION
 *	pdf_walk() finds every stream of the PDF file in buf, in file order,
 *	by its keywords rather than through the cross-reference table (which
 *	is often wrong, and which an attacker controls like the rest): a
 *	"stream" keyword after a dictionary, its data up to /Length bytes
 *	when that length is a direct number that lands on "endstream", else
 *	up to the next "endstream" (the end-of-line before it is not data).
 *	Each stream is a member named "obj N" after the object it belongs
 *	to ("stream@OFFSET" when no "N G obj" comes before it), decoded by
 *	its /Filter chain: FlateDecode (zlib, and raw deflate when a
 *	producer left the zlib header out), ASCIIHexDecode, ASCII85Decode,
 *	in the order listed; a filter outside these (DCT, JBIG2, JPX, LZW,
 *	RunLength, CCITTFax) ends decoding there and the data is delivered
 *	as it is at that point.  Embedded files (executables attached to a
 *	document) are such streams, and so are scripts and fonts.
 *
 *	A file with an /Encrypt dictionary has its streams encrypted: each
 *	is delivered as encrypted (no data), and the walk ends ARC_ENCRYPTED.
 *	A stream whose data is cut by the end of the file, or whose deflate
 *	data is damaged, is delivered with what was decoded and e->damaged;
 *	the walk then ends ARC_CORRUPT.  Limits and outcomes are those of
 *	archive.h (max_entry, max_total, max_entries, max_ratio).
 * ERRORS
 *	pdf_walk() returns 0 (see res), or -1 with errno ENOMEM.  Never
 *	exits, never logs, never reads outside buf; the work is linear in
 *	len and in the bytes decoded.
 * PROCESS
 *	workers (scan pipeline), vigil-scan --db.
 */
#ifndef VIGIL_PDF_H
#define VIGIL_PDF_H

#include <stddef.h>
#include <stdint.h>

#include "workers/archive.h"

int	 pdf_walk(const uint8_t *, size_t, const struct arc_limits *,
	    int (*)(void *, const struct arc_entry *), void *,
	    struct arc_result *);

#endif
