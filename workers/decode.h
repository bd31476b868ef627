/*
 * decode.h - transfer encodings found in mail and text
 *
 * SYNOPSIS
 *	int	 b64_decode(const uint8_t *in, size_t len, struct buf *out,
 *		    uint64_t max);
 *	int	 qp_decode(const uint8_t *in, size_t len, struct buf *out,
 *		    uint64_t max);
 *	int	 uu_find(const uint8_t *in, size_t len, size_t *begin,
 *		    char *name, size_t namelen);
 *	int	 uu_decode(const uint8_t *in, size_t len, struct buf *out,
 *		    uint64_t max, size_t *used);
 *	int	 binhex_find(const uint8_t *in, size_t len, size_t *begin);
 *	int	 binhex_decode(const uint8_t *in, size_t len, struct buf *out,
 *		    uint64_t max, char *name, size_t namelen);
 *	size_t	 rfc2047_decode(const char *in, size_t len, char *out,
 *		    size_t outlen);
 *	size_t	 charset_to_utf8(const char *charset, const uint8_t *in,
 *		    size_t len, char *out, size_t outlen);
 * DESCRIPTION
 *	All decoders append to out (util/buf.h) and are lenient the way mail
 *	clients are: characters outside the alphabet are skipped, padding
 *	may be missing, line ends may be LF or CRLF.
 *
 *	b64_decode(): base64 (RFC 2045); stops at "=" padding only at the
 *	end of a quantum and continues after it (concatenated encodings).
 *	qp_decode(): quoted-printable; soft line breaks "=\n" removed, "=XX"
 *	decoded (lowercase hex too), malformed "=" kept literally.
 *	uu_find() locates a "begin MODE NAME" line (MODE octal) and gives
 *	the offset of the line after it and the name; uu_decode() decodes
 *	uuencoded lines from there up to "end" (or the first line that is not
 *	uuencode), and tells how many input bytes it used.
 *	binhex_find() locates "(This file must be converted with BinHex" and
 *	gives the offset of the ':' that starts the data; binhex_decode()
 *	decodes BinHex 4.0 (6-bit alphabet, 0x90 run-length encoding,
 *	header with name, data fork length) and writes the data fork; CRCs
 *	are not checked (a client would not refuse either).
 *	rfc2047_decode() decodes encoded words ("=?charset?B|Q?...?=") in a
 *	header value into UTF-8 (via charset_to_utf8), dropping white space
 *	between adjacent encoded words, and returns the length written (out
 *	always NUL-terminated when outlen > 0).  charset_to_utf8() converts
 *	UTF-8 (validated: bad sequences become '?'), US-ASCII, ISO-8859-1
 *	and Windows-1252, and UTF-16LE (up to a NUL unit; lone surrogates
 *	become '?'); any other charset copies ASCII and turns other bytes
 *	into '?'.  No iconv: workers run sandboxed and cannot load
 *	conversion modules.
 *
 *	max bounds the bytes a call may append (0: no bound).
 * ERRORS
 *	The decoders return 0, or -1 with errno ENOMEM or AV_ELIMIT (max
 *	reached; out then holds the first max bytes).  uu_find() and
 *	binhex_find() return 1 (found) or 0.  Never exit, never log, never
 *	read outside in.
 * PROCESS
 *	workers (scan pipeline); the mail agents.
 */
#ifndef VIGIL_DECODE_H
#define VIGIL_DECODE_H

#include <stddef.h>
#include <stdint.h>

#include "util/buf.h"

int	 b64_decode(const uint8_t *, size_t, struct buf *, uint64_t);
int	 qp_decode(const uint8_t *, size_t, struct buf *, uint64_t);
int	 uu_find(const uint8_t *, size_t, size_t *, char *, size_t);
int	 uu_decode(const uint8_t *, size_t, struct buf *, uint64_t, size_t *);
int	 binhex_find(const uint8_t *, size_t, size_t *);
int	 binhex_decode(const uint8_t *, size_t, struct buf *, uint64_t, char *,
	    size_t);
size_t	 rfc2047_decode(const char *, size_t, char *, size_t);
size_t	 charset_to_utf8(const char *, const uint8_t *, size_t, char *,
	    size_t);

#endif
