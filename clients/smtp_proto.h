/*
 * smtp_proto.h - SMTP text for vigil-smtpd: commands, replies, EHLO
 *	keywords, dot-stuffing
 *
 * SYNOPSIS
 *	void	 smtp_cmd_parse(const char *line, size_t len,
 *		    struct smtp_cmd *c);
 *	int	 smtp_path(const char *arg, size_t len, const char *prefix,
 *		    char *addr, size_t addrlen);
 *	void	 smtp_reply_init(struct smtp_reply *r);
 *	void	 smtp_reply_clear(struct smtp_reply *r);
 *	void	 smtp_reply_free(struct smtp_reply *r);
 *	int	 smtp_reply_feed(struct smtp_reply *r, const char *line,
 *		    size_t len);
 *	int	 smtp_ehlo_filter(const struct smtp_reply *r, struct buf *out,
 *		    unsigned *offered);
 *	void	 smtp_dot_init(struct smtp_dot *d);
 *	size_t	 smtp_dot_lag(const struct smtp_dot *d);
 *	size_t	 smtp_dot_feed(struct smtp_dot *d, const uint8_t *in,
 *		    size_t len, uint8_t *out, size_t *outlen, int *done);
 *	void	 smtp_stuff_init(struct smtp_stuff *st);
 *	size_t	 smtp_stuff(struct smtp_stuff *st, const uint8_t *in,
 *		    size_t len, uint8_t *out, size_t cap, size_t *outlen);
 *	size_t	 smtp_stuff_end(const struct smtp_stuff *st, char out[8]);
 * DESCRIPTION
 *	Commands.  smtp_cmd_parse() reads one command line (its line end
 *	already removed): c->verb is the verb (case ignored) or
 *	SMTP_V_UNKNOWN, c->arg and c->arglen the rest of the line after the
 *	verb and the blanks that follow it (pointers into line).
 *	smtp_path() takes the argument of MAIL (prefix "FROM:") or RCPT
 *	("TO:"), prefix matched without regard to case and blanks allowed
 *	after the colon, and copies the address into addr without its
 *	angle brackets ("" for the null sender <>); a quoted local part
 *	may hold blanks and '>'.  A path without brackets ends at the first
 *	blank.
 *
 *	Replies.  smtp_reply_feed() adds one reply line (line end removed)
 *	to r: three digits, then '-' (more lines follow), or a blank or
 *	nothing (the last line).  Every line must carry the code of the
 *	first.  r->text collects the lines with CRLF ends, as they would be
 *	relayed; r->code is the code, r->nlines the lines so far.  A reply
 *	is at most SMTP_REPLY_MAXLINES lines of SMTP_LINEMAX bytes.
 *	smtp_reply_clear() empties r for the next reply (its memory kept);
 *	smtp_reply_init() prepares a new one and frees nothing;
 *	smtp_reply_free() releases r's memory (r may be used again).
 *
 *	EHLO.  smtp_ehlo_filter() writes to out the 250 reply r with only
 *	the first line (the greeting) and the lines whose keyword is one
 *	vigil-smtpd relays faithfully: PIPELINING, SIZE, 8BITMIME,
 *	ENHANCEDSTATUSCODES, DSN, SMTPUTF8, XFORWARD, XCLIENT (keywords
 *	matched without regard to case).  Every other keyword (STARTTLS,
 *	CHUNKING, BINARYMIME, AUTH, ...) is removed.  *offered gets the
 *	SMTP_X_* bits of the keywords kept.  A reply that is not a 250 is
 *	copied unchanged and *offered is 0.
 *
 *	DATA.  smtp_dot_feed() removes the transparency dots of the data of
 *	a DATA command (RFC 5321 4.5.2) as it arrives, in pieces of any
 *	size: it reads in[0, len) and writes the message bytes to out, which
 *	must have room for len + 2 bytes, their count in *outlen.  out may
 *	be in itself, or overlap it, when out + smtp_dot_lag(d) <= in:
 *	smtp_dot_lag() is 1 when a line's dot and CR came at the end of the
 *	last piece (the CR is written with the next byte, unless that ends
 *	the data), else 0, and no more than that is ever written ahead of
 *	what was read; a caller that reads the data into out +
 *	smtp_dot_lag(d) unstuffs it without a copy.  A line
 *	begins at the start and after each LF; the data ends with a line
 *	that is a single dot, ended by CRLF or by a bare LF.  When that
 *	line has been read, *done is 1 and the return value counts the
 *	bytes consumed up to and including it (bytes after it are not
 *	read); otherwise it returns len.  A dot that begins a line of two
 *	bytes or more is dropped, and counted in d->dropped: while that is
 *	0, the message so far neither begins with a dot nor has an LF that
 *	a dot follows.  The bytes of the final line are not part of the
 *	message; the line end before it is.
 *
 *	smtp_stuff() does the opposite towards the next hop: it copies
 *	in[0, len) to out, adding a dot before every line that begins with
 *	one (lines begin as above), as far as cap allows; it returns the
 *	bytes of in consumed and sets *outlen.  A caller that knows that in
 *	has no LF that a dot follows (a message whose d->dropped stayed 0)
 *	sets st->plain for that call: only in's first byte is then looked
 *	at, and the rest copied without a search.  smtp_stuff_end() writes the
 *	end of the data to out: CRLF when the message did not end with a
 *	line end, then ".\r\n"; it returns its length.  Feeding
 *	smtp_stuff() and smtp_stuff_end() to smtp_dot_feed() gives back the
 *	message, with CRLF added when it did not end with LF.
 * ERRORS
 *	smtp_path() returns 0, or -1 with errno EINVAL (no prefix, no
 *	address, unbalanced brackets or quotes) or ENAMETOOLONG (addr too
 *	small; addr then holds "").  smtp_reply_feed() returns 0 when the
 *	reply goes on, 1 when it is complete, or -1 with errno EBADMSG (a
 *	line that is not a reply line, a code that changes), E2BIG (too
 *	many or too long lines) or ENOMEM.  smtp_ehlo_filter() returns 0,
 *	or -1 with errno ENOMEM.  Nothing here logs or exits; no global
 *	state.
 * PROCESS
 *	vigil-smtpd's event loop; the fuzzer t/fuzz/fuzz_smtp.c.
 */
#ifndef VIGIL_SMTP_PROTO_H
#define VIGIL_SMTP_PROTO_H

#include <stddef.h>
#include <stdint.h>

#include "util/buf.h"

#define SMTP_LINEMAX		4096	/* bytes of a command or reply line */
#define SMTP_REPLY_MAXLINES	100	/* lines of one reply */

enum smtp_verb {
	SMTP_V_UNKNOWN = 0,
	SMTP_V_HELO,
	SMTP_V_EHLO,
	SMTP_V_MAIL,
	SMTP_V_RCPT,
	SMTP_V_DATA,
	SMTP_V_BDAT,
	SMTP_V_RSET,
	SMTP_V_NOOP,
	SMTP_V_QUIT,
	SMTP_V_VRFY,
	SMTP_V_EXPN,
	SMTP_V_HELP,
	SMTP_V_STARTTLS,
	SMTP_V_AUTH,
	SMTP_V_ETRN,
	SMTP_V_XFORWARD,
	SMTP_V_XCLIENT
};

/* EHLO keywords kept */
#define SMTP_X_PIPELINING	0x001U
#define SMTP_X_SIZE		0x002U
#define SMTP_X_8BITMIME		0x004U
#define SMTP_X_ENHANCED		0x008U
#define SMTP_X_DSN		0x010U
#define SMTP_X_SMTPUTF8		0x020U
#define SMTP_X_XFORWARD		0x040U
#define SMTP_X_XCLIENT		0x080U

struct smtp_cmd {
	enum smtp_verb	 verb;
	const char	*arg;
	size_t		 arglen;
};

struct smtp_reply {
	int		 code;		/* 0: no line yet */
	size_t		 nlines;
	struct buf	 text;		/* "NNN-...\r\n" ... "NNN ...\r\n" */
};

struct smtp_dot {
	int		 state;
	uint64_t	 dropped;	/* transparency dots so far */
};

struct smtp_stuff {
	int		 bol;		/* the next byte begins a line */
	int		 plain;		/* in has no LF that a dot follows */
};

void	 smtp_cmd_parse(const char *, size_t, struct smtp_cmd *);
int	 smtp_path(const char *, size_t, const char *, char *, size_t);
void	 smtp_reply_init(struct smtp_reply *);
void	 smtp_reply_clear(struct smtp_reply *);
void	 smtp_reply_free(struct smtp_reply *);
int	 smtp_reply_feed(struct smtp_reply *, const char *, size_t);
int	 smtp_ehlo_filter(const struct smtp_reply *, struct buf *,
	    unsigned *);
void	 smtp_dot_init(struct smtp_dot *);
size_t	 smtp_dot_lag(const struct smtp_dot *);
size_t	 smtp_dot_feed(struct smtp_dot *, const uint8_t *, size_t,
	    uint8_t *, size_t *, int *);
void	 smtp_stuff_init(struct smtp_stuff *);
size_t	 smtp_stuff(struct smtp_stuff *, const uint8_t *, size_t,
	    uint8_t *, size_t, size_t *);
size_t	 smtp_stuff_end(const struct smtp_stuff *, char *);

#endif
