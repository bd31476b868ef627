/*
 * mime.h - the structure of an RFC 5322 message, with byte offsets
 *
 * SYNOPSIS
 *	int	 mime_parse(const uint8_t *buf, size_t len,
 *		    const struct mime_limits *lim, struct mime_msg *m);
 *	void	 mime_free(struct mime_msg *m);
 *	int	 mime_decode(const uint8_t *buf, size_t len,
 *		    const struct mime_part *p, const struct mime_limits *lim,
 *		    struct buf *out);
 *	int	 mime_field(const uint8_t *buf, size_t len,
 *		    const struct mime_part *p, const char *name,
 *		    size_t *start, size_t *end);
 *	int	 mime_is_message(const uint8_t *buf, size_t len);
 *	int	 mbox_walk(const uint8_t *buf, size_t len,
 *		    int (*cb)(void *arg, size_t off, size_t len), void *arg);
 * DESCRIPTION
 *	mime_parse() reads one message (RFC 5322 header block, MIME body
 *	structure per RFC 2045-2049) and lists its parts in m->parts, in the
 *	order they appear: parts[0] is the whole message, then every part
 *	and sub-part depth first.  Parsing is what a mail client would do
 *	with hostile input, never stricter: LF or CRLF line ends, header
 *	folding, a missing or broken closing boundary (the part runs to the
 *	end of its parent), boundaries with trailing white space, a missing
 *	blank line after the headers (the body starts at the first line that
 *	is not a header), duplicate or garbled Content-Type (the first one
 *	that parses wins; no usable type: text/plain, or message/rfc822
 *	inside multipart/digest), message/rfc822 parts (the enclosed message
 *	is a child part whose header block starts at the parent's body).
 *	Offsets are byte offsets in buf, so that a message can be rewritten
 *	surgically: a part's header block is [start, hdr_end), its body
 *	[hdr_end, end); for a multipart, the preamble, the sub-parts and the
 *	epilogue lie inside its body.  Parts beyond lim->max_parts or nested
 *	deeper than lim->max_depth are not listed and m->flags gets
 *	MIME_MSG_LIMIT.
 *
 *	For each part: its lowercase "type/subtype", its transfer encoding,
 *	its file name (Content-Disposition filename, else Content-Type name;
 *	RFC 2231 parameter continuations and charsets and RFC 2047 encoded
 *	words decoded; UTF-8 where the charset is UTF-8, US-ASCII or
 *	ISO-8859-1/Windows-1252, other bytes kept; control characters and
 *	'/' replaced by '_'), the charset, and flags.
 *
 *	mime_decode() writes a leaf part's body, decoded by its transfer
 *	encoding (base64, quoted-printable, x-uuencode; identity otherwise),
 *	leniently (as decoders in mail clients: junk characters skipped,
 *	missing padding tolerated).  mime_field() finds a header field of a
 *	part by name (case-insensitive) and gives the byte range of its whole
 *	field, name to the end of its last continuation line included.
 *	mime_is_message() is a cheap test that buf starts like a message or
 *	an mbox.  mbox_walk() calls cb for each message of an mbox ("From "
 *	lines at the start of the file or after an empty line), or once for
 *	the whole buffer if it is not one.
 * ERRORS
 *	mime_parse() returns 0 (also for malformed messages: MIME_F_BROKEN
 *	marks the parts where the structure had to be guessed), or -1 with
 *	errno ENOMEM.  mime_decode() returns 0 or -1 (ENOMEM, or AV_ELIMIT
 *	when out would exceed lim->max_decoded).  mime_field() returns 0, or
 *	-1 (ENOENT) when the part has no such field.  Never exit, never log,
 *	never read outside buf.
 * PROCESS
 *	workers (scan pipeline); the mail agents (rewriting messages).
 */
#ifndef VIGIL_MIME_H
#define VIGIL_MIME_H

#include <stddef.h>
#include <stdint.h>

#include "util/buf.h"

#define MIME_MAXTYPE	64
#define MIME_MAXNAME	256
#define MIME_MAXBOUND	72

enum mime_enc {
	MIME_ENC_IDENTITY = 0,	/* none, 7bit, 8bit, binary, unknown */
	MIME_ENC_BASE64,
	MIME_ENC_QP,
	MIME_ENC_UUENCODE	/* x-uuencode, x-uue, uuencode */
};

#define MIME_F_MULTIPART	0x01	/* multipart/ *: has sub-parts */
#define MIME_F_MESSAGE		0x02	/* message/rfc822: a child message */
#define MIME_F_ATTACHMENT	0x04	/* Content-Disposition: attachment */
#define MIME_F_BROKEN		0x08	/* structure guessed (malformed) */

#define MIME_MSG_LIMIT		0x01	/* parts left out by the limits */

struct mime_limits {
	uint32_t	 max_parts;	/* 0: 10000 */
	uint32_t	 max_depth;	/* 0: 64 */
	uint64_t	 max_decoded;	/* mime_decode output; 0: 256 MiB */
};

struct mime_part {
	uint32_t	 parent;	/* index, UINT32_MAX for parts[0] */
	uint32_t	 depth;		/* 0 for the message */
	uint32_t	 number;	/* among its siblings, from 1 */
	uint32_t	 flags;		/* MIME_F_* */
	uint64_t	 start;		/* header block */
	uint64_t	 hdr_end;	/* = body start */
	uint64_t	 end;		/* body end */
	enum mime_enc	 enc;
	char		 type[MIME_MAXTYPE];
	char		 charset[32];
	char		 boundary[MIME_MAXBOUND];
	char		 filename[MIME_MAXNAME];
};

struct mime_msg {
	struct mime_part	*parts;
	uint32_t		 nparts;
	uint32_t		 flags;		/* MIME_MSG_* */
	struct mime_limits	 lim;
};

int	 mime_parse(const uint8_t *, size_t, const struct mime_limits *,
	    struct mime_msg *);
void	 mime_free(struct mime_msg *);
int	 mime_decode(const uint8_t *, size_t, const struct mime_part *,
	    const struct mime_limits *, struct buf *);
int	 mime_field(const uint8_t *, size_t, const struct mime_part *,
	    const char *, size_t *, size_t *);
int	 mime_is_message(const uint8_t *, size_t);
int	 mbox_walk(const uint8_t *, size_t,
	    int (*)(void *, size_t, size_t), void *);

#endif
