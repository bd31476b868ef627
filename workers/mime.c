/*
 * mime.c - the structure of an RFC 5322 message, with byte offsets
 *
 * DESCRIPTION
 *	mime_parse() is one forward pass over the buffer, line by line,
 *	with an explicit stack of the multiparts whose delimiters can still
 *	appear (never deeper than lim->max_depth) and the chain of parts
 *	still open.  A delimiter line is recognised by its length and a hash
 *	before any comparison, so every line costs its own length plus one
 *	integer test per open multipart: the parse is linear in len whatever
 *	the input, and reads only inside buf.
 *
 *	Offsets (all in [0, len], start <= hdr_end <= end for every part,
 *	each part inside its parent's body):
 *	- start: the first byte of the header block.  parts[0] starts at 0
 *	  (an mbox "From " line there belongs to its header block); a
 *	  sub-part starts right after the line end of the delimiter line
 *	  that opens it; the message enclosed by a message/rfc822 part starts
 *	  at that part's hdr_end.
 *	- hdr_end: the first byte of the body.  The empty line that ends the
 *	  header block belongs to the header block.  Without an empty line,
 *	  the body starts at the first line that is neither a header field
 *	  nor a continuation line.  A header block cut by a delimiter line or
 *	  by the end of the buffer leaves an empty body.
 *	- end: the end of the body, exclusive.  For parts[0], len.  For a
 *	  part followed by a delimiter line of an enclosing multipart, the
 *	  offset of the CRLF or LF just before that line: that line break
 *	  belongs to the delimiter (RFC 2046 5.1.1), so no part holds it.
 *	  When a part is so short that its header block or its start reach
 *	  past that line break (an empty line or nothing at all between two
 *	  delimiters), start and hdr_end are moved back to it, so that the
 *	  part is empty there.  A part that is never closed runs to len.
 *	So a mail agent may replace [hdr_end, end) of a leaf, or a field's
 *	[start, end) from mime_field(), without touching its neighbours.
 *
 *	Leniency (what a mail client shows, never stricter):
 *	- Line ends are LF or CRLF.  A header field is a name of printable
 *	  ASCII other than ':' then optional blanks and ':'; lines starting
 *	  with a blank continue it.  The first line that is neither (and is
 *	  not empty) starts the body (MIME_F_BROKEN); a blank-only line before
 *	  any field counts as the empty line.  An mbox "From " line is skipped
 *	  as the first line of a message (parts[0], or one enclosed by a
 *	  message/rfc822 part).
 *	- A delimiter line is "--" and the boundary as declared, ASCII case
 *	  aside (RFC 2046 makes case matter, but a scanner must see at least
 *	  what the most lenient client shows, and a strict client's reading
 *	  is still scanned whole with the message), then only blanks (or
 *	  CR); a closing delimiter has
 *	  "--" right after the boundary.  "--boundary" followed by anything
 *	  else is a body line.  Declared boundaries lose trailing blanks (a
 *	  delimiter line could not match them otherwise); an empty boundary
 *	  is no boundary.  When boundaries of nested multiparts clash, the
 *	  outermost wins.
 *	- A delimiter of an enclosing multipart ends every part inside it:
 *	  an inner multipart that never closed is MIME_F_BROKEN.  After a
 *	  closing delimiter, a further opening delimiter of the same
 *	  boundary starts one more sub-part (MIME_F_BROKEN): some clients
 *	  show those, and scanning more is safe.
 *	- A multipart that has no boundary, or in which no delimiter line
 *	  appears, is a leaf (no MIME_F_MULTIPART, MIME_F_BROKEN): its body
 *	  is then decoded and scanned like any other.  Likewise a container
 *	  whose body is empty.  A message/rfc822 part with a transfer
 *	  encoding other than 7bit/8bit/binary is a leaf too: its decoded
 *	  body is a message, which the caller can parse again.
 *	- message/rfc822, message/global and message/news enclose a message.
 *	- Content-Type: the first field whose value starts with a usable
 *	  "type/subtype" (RFC 2045 tokens, blanks and comments allowed
 *	  around them, the type at most MP_MAXTOP characters so that the
 *	  '/' always fits in the type field; the subtype is cut to fit)
 *	  wins; fields present but none usable make the part MIME_F_BROKEN
 *	  and text/plain (message/rfc822 in multipart/digest).
 *	  Content-Transfer-Encoding and Content-Disposition: the first field.
 *	- Parameters: names case-insensitive, values quoted (backslash
 *	  escapes, an unterminated quote runs to the end of the field) or not
 *	  (up to the next ';', trimmed, spaces allowed), junk between them
 *	  skipped word by word, a missing ';' tolerated.  RFC 2231 sections
 *	  name*0, name*1*... (in any order, up to MP_MAXSECT, stopping at
 *	  the first gap) and name*= are preferred to a plain name=.
 *	- File names: Content-Disposition filename, else Content-Type name.
 *	  An RFC 2231 value with a charset goes through charset_to_utf8();
 *	  any other value through rfc2047_decode() (which keeps bytes
 *	  outside encoded words as they are).  Control characters (0x00-0x1f,
 *	  0x7f) and '/' become '_'; names are cut at MIME_MAXNAME - 1 bytes.
 *	- boundary and charset are cut to fit their fields (the parse itself
 *	  uses the whole boundary); charset is lower case, printable ASCII.
 *	- parts[0].number is 1, like the only child of a message/rfc822.
 *	- Limits: a part that would be number max_parts + 1, or deeper than
 *	  max_depth, is not listed and the parse goes on as if its bytes
 *	  belonged to the part around it; m->flags gets MIME_MSG_LIMIT.  A
 *	  listed container whose children could not be listed keeps its
 *	  MIME_F_MULTIPART or MIME_F_MESSAGE flag.
 *
 *	mime_decode() bounds the bytes this call appends to out by
 *	lim->max_decoded (as the decoders do; callers reuse out emptied).
 *	For x-uuencode, decoding starts after the first "begin" line, or at
 *	the start of the body when there is none.
 *
 *	mime_field() gives [start, end) from the first byte of the name to
 *	the byte after the line end of the field's last line (the header
 *	block's end when the block was cut).
 *
 *	mbox_walk(): an mbox starts with "From ".  Later messages start at
 *	every "From " line that follows an empty line, as mbox readers split
 *	(writers escape body lines as ">From ", which never separates; there
 *	is no date check, as mime.h asks).  Each message runs from its
 *	"From " line to the empty line before the next one (that line
 *	excluded).  cb returns 0 to go on; anything else stops the walk, and
 *	mbox_walk() returns -1 if cb returned a negative value (errno as cb
 *	left it), else 0.
 *
 *	mime_is_message(): an optional "From " line, then a header field
 *	line; the fields of the first MP_MSGWIN bytes must include a common
 *	mail or MIME header name.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "av/averr.h"
#include "workers/decode.h"
#include "workers/mime.h"

#define MP_DEFPARTS	10000
#define MP_DEFDEPTH	64
#define MP_DEFDECODED	((uint64_t)256 << 20)
#define MP_MAXSECT	64	/* RFC 2231 sections looked at */
#define MP_RAWNAME	4096	/* raw parameter bytes kept for a name */
#define MP_MSGWIN	4096	/* mime_is_message() window */
#define MP_MAXTOP	31	/* longest usable top-level type */
#define MP_NONE		UINT32_MAX

enum {
	HDR_DONE,		/* header block ended, body follows */
	HDR_DELIM,		/* cut by a delimiter line */
	HDR_EOF			/* cut by the end of the buffer */
};

enum {
	MP_OPEN = 1,
	MP_CLOSE
};

/* a multipart whose delimiters are looked for */
struct mp_frame {
	uint32_t	 part;
	uint32_t	 nchild;
	uint32_t	 hash;
	int		 closed;	/* closing delimiter seen */
	int		 digest;	/* multipart/digest */
	size_t		 blen;
	char		*bnd;
};

/* a part not yet ended, and the frames open when it started */
struct mp_open {
	uint32_t	 part;
	uint32_t	 nfr;
};

/* parser state */
struct mp {
	const uint8_t	*buf;
	size_t		 len;
	struct mime_msg	*m;
	uint32_t	 pcap;
	struct mp_frame	*fr;
	uint32_t	 nfr;
	uint32_t	 frcap;
	struct mp_open	*op;
	uint32_t	 nop;
	uint32_t	 opcap;
	size_t		 maxblen;
	struct buf	 bnd;		/* boundary of the part classified */
	struct buf	 tmp;
};

/* a delimiter line */
struct mp_delim {
	uint32_t	 frame;
	int		 kind;		/* MP_OPEN, MP_CLOSE */
	size_t		 lb;		/* the line break before it */
	size_t		 ls;		/* its first byte */
	size_t		 next;		/* the byte after its line end */
};

/* one header field */
struct hfield {
	size_t		 start;		/* name */
	size_t		 nend;		/* end of the name */
	size_t		 vstart;	/* after ':' */
	size_t		 vend;		/* before the last line end */
	size_t		 end;		/* after the last line end */
};

/* one section of an RFC 2231 parameter */
struct psect {
	size_t		 s;
	size_t		 e;
	int		 q;		/* was quoted */
	int		 ext;		/* name*N*= */
};

/* a parameter looked for in a field value */
struct pwant {
	const char	*name;
	int		 plain;		/* name= seen */
	struct psect	 pv;
	int		 whole;		/* name*= seen */
	struct psect	 wv;
	uint64_t	 secmask;	/* name*N seen */
	struct psect	 sec[MP_MAXSECT];
};

static void	 mp_line(const uint8_t *, size_t, size_t, size_t *, size_t *,
		    size_t *);
static size_t	 mp_isfield(const uint8_t *, size_t, size_t, size_t *);
static int	 mp_field(const uint8_t *, size_t, size_t *, struct hfield *);
static int	 mp_fname(const uint8_t *, const struct hfield *,
		    const char *);
static int	 mp_add(struct mp *, size_t, uint32_t, uint32_t, uint32_t,
		    uint32_t *);
static int	 mp_header(struct mp *, uint32_t, int, struct mp_delim *);
static int	 mp_delim(struct mp *, size_t, size_t, size_t,
		    struct mp_delim *);
static int	 mp_scan(struct mp *, size_t, struct mp_delim *);
static int	 mp_push(struct mp *, uint32_t, int);
static void	 mp_pop(struct mp *);
static void	 mp_close(struct mp *, uint32_t, size_t);
static void	 mp_finish(struct mp *);
static void	 mp_cleanup(struct mp *);
static int	 mp_classify(struct mp *, uint32_t, int, int);
static int	 mp_body(struct mp *, uint32_t, uint32_t *);
static char	 mp_lower(uint8_t);
static uint32_t	 mp_hash(const uint8_t *, size_t, size_t, uint32_t *);
static int	 mp_caseeq(const uint8_t *, const uint8_t *, size_t);
static size_t	 skip_cfws(const uint8_t *, size_t, size_t);
static int	 istoken(uint8_t);
static int	 ct_type(const uint8_t *, size_t, size_t, char *, size_t,
		    size_t *);
static enum mime_enc cte_parse(const uint8_t *, size_t, size_t);
static int	 cd_attach(const uint8_t *, size_t, size_t);
static void	 pw_init(struct pwant *, const char *);
static void	 pw_set(struct pwant *, const uint8_t *, size_t, size_t,
		    const struct psect *);
static void	 param_scan(const uint8_t *, size_t, size_t, struct pwant *,
		    int);
static void	 pv_add(const uint8_t *, const struct psect *, size_t, int,
		    struct buf *, size_t);
static int	 param_get(const uint8_t *, const struct pwant *, struct buf *,
		    char *, size_t, size_t);
static void	 part_name(struct mime_part *, const uint8_t *, size_t,
		    const char *);
static void	 mp_copy(char *, size_t, const char *);

static const char *const mp_known[] = {
	"authentication-results", "cc", "content-disposition",
	"content-transfer-encoding", "content-type", "date",
	"delivered-to", "dkim-signature", "from", "in-reply-to",
	"message-id", "mime-version", "received", "references",
	"reply-to", "return-path", "sender", "subject", "to", "x-mailer",
	NULL
};

/*
 * mp_line - the line at ls: *le is its end before the LF, *te before a
 * CR there too, *next the first byte of the next line
 */
static void
mp_line(const uint8_t *buf, size_t len, size_t ls, size_t *le, size_t *te,
    size_t *next)
{
	const uint8_t	*p;

	p = ls < len ? memchr(buf + ls, '\n', len - ls) : NULL;
	*le = p != NULL ? (size_t)(p - buf) : len;
	*next = p != NULL ? *le + 1 : len;
	*te = *le > ls && buf[*le - 1] == '\r' ? *le - 1 : *le;
}

/*
 * mp_isfield - whether [ls, te) starts a header field: returns the
 * offset of its ':' (0: not a field), *nend the end of the name
 */
static size_t
mp_isfield(const uint8_t *buf, size_t ls, size_t te, size_t *nend)
{
	size_t	 i;

	for (i = ls; i < te && buf[i] > 0x20 && buf[i] < 0x7f &&
	    buf[i] != ':'; i++)
		;
	if (i == ls)
		return 0;
	*nend = i;
	while (i < te && (buf[i] == ' ' || buf[i] == '\t'))
		i++;
	return i < te && buf[i] == ':' ? i : 0;
}

/*
 * mp_field - the next header field from *pos in a header block ending at
 * end; lines that are not fields are skipped, an empty line ends
 */
static int
mp_field(const uint8_t *buf, size_t end, size_t *pos, struct hfield *f)
{
	size_t	 ls, le, te, next, colon;

	for (ls = *pos; ls < end; ls = next) {
		mp_line(buf, end, ls, &le, &te, &next);
		if (te == ls)
			break;
		if (buf[ls] == ' ' || buf[ls] == '\t' ||
		    (colon = mp_isfield(buf, ls, te, &f->nend)) == 0)
			continue;
		f->start = ls;
		f->vstart = colon + 1;
		f->vend = te;
		f->end = next;
		while (next < end && (buf[next] == ' ' || buf[next] == '\t')) {
			mp_line(buf, end, next, &le, &te, &next);
			f->vend = te;
			f->end = next;
		}
		*pos = next;
		return 1;
	}
	*pos = end;
	return 0;
}

/* mp_fname - whether the field's name is name (lower case) */
static int
mp_fname(const uint8_t *buf, const struct hfield *f, const char *name)
{
	size_t	 n = strlen(name);

	return f->nend - f->start == n &&
	    strncasecmp((const char *)buf + f->start, name, n) == 0;
}

/*
 * mp_add - list a part that starts at start, unless the limits say no;
 * returns 1 (*idx set), 0 (not listed) or -1 (ENOMEM)
 */
static int
mp_add(struct mp *mp, size_t start, uint32_t parent, uint32_t depth,
    uint32_t number, uint32_t *idx)
{
	struct mime_msg		*m = mp->m;
	struct mime_part	*p;
	struct mp_open		*o;
	uint32_t		 n;

	if (m->nparts >= m->lim.max_parts || depth > m->lim.max_depth) {
		m->flags |= MIME_MSG_LIMIT;
		return 0;
	}
	if (m->nparts == mp->pcap) {
		n = mp->pcap ? mp->pcap * 2 : 16;
		if ((p = reallocarray(m->parts, n, sizeof(*p))) == NULL)
			return -1;
		m->parts = p;
		mp->pcap = n;
	}
	if (mp->nop == mp->opcap) {
		n = mp->opcap ? mp->opcap * 2 : 16;
		if ((o = reallocarray(mp->op, n, sizeof(*o))) == NULL)
			return -1;
		mp->op = o;
		mp->opcap = n;
	}
	p = &m->parts[m->nparts];
	memset(p, 0, sizeof(*p));
	p->parent = parent;
	p->depth = depth;
	p->number = number;
	p->start = p->hdr_end = p->end = start;
	mp->op[mp->nop].part = m->nparts;
	mp->op[mp->nop++].nfr = mp->nfr;
	*idx = m->nparts++;
	return 1;
}

/*
 * mp_header - find the end of a part's header block; returns HDR_DONE
 * (hdr_end set), HDR_DELIM (*d set, hdr_end at the delimiter line, to be
 * moved back by mp_close) or HDR_EOF (hdr_end = len)
 */
static int
mp_header(struct mp *mp, uint32_t pi, int ismsg, struct mp_delim *d)
{
	struct mime_part	*p = &mp->m->parts[pi];
	const uint8_t		*buf = mp->buf;
	size_t			 ls, le, te, next, i, nend;
	int			 first = 1, infield = 0;

	for (ls = p->start; ls < mp->len; ls = next) {
		mp_line(buf, mp->len, ls, &le, &te, &next);
		if (mp->nfr > 0 && mp_delim(mp, ls, le, next, d)) {
			p->hdr_end = ls;
			return HDR_DELIM;
		}
		if (te == ls) {
			p->hdr_end = next;
			return HDR_DONE;
		}
		if (first && ismsg && te - ls >= 5 &&
		    memcmp(buf + ls, "From ", 5) == 0) {
			first = 0;
			continue;
		}
		first = 0;
		if (buf[ls] == ' ' || buf[ls] == '\t') {
			if (infield)
				continue;
			for (i = ls; i < te && (buf[i] == ' ' ||
			    buf[i] == '\t'); i++)
				;
			if (i == te) {
				p->hdr_end = next;
				return HDR_DONE;
			}
		} else if (mp_isfield(buf, ls, te, &nend) != 0) {
			infield = 1;
			continue;
		}
		p->hdr_end = ls;
		p->flags |= MIME_F_BROKEN;
		return HDR_DONE;
	}
	p->hdr_end = mp->len;
	return HDR_EOF;
}

/* mp_caseeq - a and b are equal but for ASCII case */
static int
mp_caseeq(const uint8_t *a, const uint8_t *b, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		if (mp_lower(a[i]) != mp_lower(b[i]))
			return 0;
	return 1;
}

/*
 * mp_hash - FNV-1a of buf[s, s + n) lowercased; *h2 is the hash of the
 * first n - 2 bytes when n >= 2
 */
static uint32_t
mp_hash(const uint8_t *buf, size_t s, size_t n, uint32_t *h2)
{
	uint32_t	 h = 2166136261u;
	size_t		 i;

	for (i = 0; i < n; i++) {
		if (i + 2 == n)
			*h2 = h;
		h = (h ^ (uint8_t)mp_lower(buf[s + i])) * 16777619u;
	}
	return h;
}

/*
 * mp_delim - whether the line [ls, le) is a delimiter of an open
 * multipart, the outermost first
 */
static int
mp_delim(struct mp *mp, size_t ls, size_t le, size_t next,
    struct mp_delim *d)
{
	const uint8_t	*buf = mp->buf;
	struct mp_frame	*f;
	size_t		 te, c, n;
	uint32_t	 h, h2 = 0, k;

	if (le - ls < 2 || buf[ls] != '-' || buf[ls + 1] != '-')
		return 0;
	for (te = le; te > ls + 2 && (buf[te - 1] == '\r' ||
	    buf[te - 1] == ' ' || buf[te - 1] == '\t'); te--)
		;
	c = ls + 2;
	n = te - c;
	if (n == 0 || n > mp->maxblen + 2)
		return 0;
	h = mp_hash(buf, c, n, &h2);
	for (k = 0; k < mp->nfr; k++) {
		f = &mp->fr[k];
		if (f->blen == n && f->hash == h &&
		    mp_caseeq((const uint8_t *)f->bnd, buf + c, n))
			d->kind = MP_OPEN;
		else if (n >= 2 && f->blen == n - 2 && f->hash == h2 &&
		    buf[te - 1] == '-' && buf[te - 2] == '-' &&
		    mp_caseeq((const uint8_t *)f->bnd, buf + c, n - 2))
			d->kind = MP_CLOSE;
		else
			continue;
		d->frame = k;
		d->ls = ls;
		d->next = next;
		d->lb = ls;
		if (d->lb > 0 && buf[d->lb - 1] == '\n') {
			d->lb--;
			if (d->lb > 0 && buf[d->lb - 1] == '\r')
				d->lb--;
		}
		return 1;
	}
	return 0;
}

/* mp_scan - the next delimiter line at or after the line start pos */
static int
mp_scan(struct mp *mp, size_t pos, struct mp_delim *d)
{
	const uint8_t	*buf = mp->buf, *p;
	size_t		 ls, le, te, next;

	if (mp->nfr == 0)
		return 0;
	for (ls = pos; ls < mp->len; ls = next) {
		if (mp->len - ls >= 2 && buf[ls] == '-' && buf[ls + 1] == '-') {
			mp_line(buf, mp->len, ls, &le, &te, &next);
			if (mp_delim(mp, ls, le, next, d))
				return 1;
			continue;
		}
		if ((p = memchr(buf + ls, '\n', mp->len - ls)) == NULL)
			break;
		next = p - buf + 1;
	}
	return 0;
}

/* mp_push - look for the delimiters of a multipart (boundary in mp->bnd) */
static int
mp_push(struct mp *mp, uint32_t part, int digest)
{
	struct mp_frame	*f;
	uint32_t	 n, h2;

	if (mp->nfr == mp->frcap) {
		n = mp->frcap ? mp->frcap * 2 : 8;
		if ((f = reallocarray(mp->fr, n, sizeof(*f))) == NULL)
			return -1;
		mp->fr = f;
		mp->frcap = n;
	}
	f = &mp->fr[mp->nfr];
	memset(f, 0, sizeof(*f));
	if ((f->bnd = malloc(mp->bnd.len)) == NULL)
		return -1;
	memcpy(f->bnd, mp->bnd.data, mp->bnd.len);
	f->blen = mp->bnd.len;
	f->hash = mp_hash(mp->bnd.data, 0, f->blen, &h2);
	f->part = part;
	f->digest = digest;
	if (f->blen > mp->maxblen)
		mp->maxblen = f->blen;
	mp->nfr++;
	return 0;
}

/* mp_pop - stop looking for the innermost multipart's delimiters */
static void
mp_pop(struct mp *mp)
{
	struct mp_frame		*f = &mp->fr[--mp->nfr];
	struct mime_part	*p = &mp->m->parts[f->part];

	if (!f->closed)
		p->flags |= MIME_F_BROKEN;
	if (f->nchild == 0) {
		p->flags &= ~MIME_F_MULTIPART;
		p->flags |= MIME_F_BROKEN;
	}
	free(f->bnd);
	f->bnd = NULL;
}

/*
 * mp_close - a delimiter of frame k whose line break is at lb: end every
 * part that started inside the frame's current sub-part, and forget the
 * multiparts inside it
 */
static void
mp_close(struct mp *mp, uint32_t k, size_t lb)
{
	struct mime_part	*p;
	uint32_t		 j;

	for (j = mp->nop; j > 0 && mp->op[j - 1].nfr > k; j--)
		;
	if (j < mp->nop && lb < mp->m->parts[mp->op[j].part].start)
		lb = mp->m->parts[mp->op[j].part].start;
	while (mp->nop > j) {
		p = &mp->m->parts[mp->op[--mp->nop].part];
		if (p->start > lb)
			p->start = lb;
		if (p->hdr_end > lb)
			p->hdr_end = lb;
		p->end = lb;
	}
	while (mp->nfr > k + 1)
		mp_pop(mp);
}

/* mp_finish - the end of the buffer ends everything still open */
static void
mp_finish(struct mp *mp)
{
	while (mp->nop > 0)
		mp->m->parts[mp->op[--mp->nop].part].end = mp->len;
	while (mp->nfr > 0)
		mp_pop(mp);
}

/* mp_cleanup - free the parser's own memory */
static void
mp_cleanup(struct mp *mp)
{
	while (mp->nfr > 0)
		free(mp->fr[--mp->nfr].bnd);
	free(mp->fr);
	free(mp->op);
	buf_clear(&mp->bnd);
	buf_clear(&mp->tmp);
}

/* mp_copy - copy a string, cut to fit */
static void
mp_copy(char *dst, size_t dlen, const char *src)
{
	size_t	 n = strlen(src);

	if (n > dlen - 1)
		n = dlen - 1;
	memcpy(dst, src, n);
	dst[n] = '\0';
}

/* skip_cfws - skip blanks, line ends and (nested) comments */
static size_t
skip_cfws(const uint8_t *buf, size_t i, size_t e)
{
	int	 depth;

	while (i < e) {
		if (buf[i] == ' ' || buf[i] == '\t' || buf[i] == '\r' ||
		    buf[i] == '\n') {
			i++;
			continue;
		}
		if (buf[i] != '(')
			break;
		for (depth = 0; i < e; i++) {
			if (buf[i] == '\\')
				i++;
			else if (buf[i] == '(')
				depth++;
			else if (buf[i] == ')' && --depth == 0) {
				i++;
				break;
			}
		}
	}
	return i < e ? i : e;
}

/* mp_lower - ASCII lower case */
static char
mp_lower(uint8_t c)
{
	return c >= 'A' && c <= 'Z' ? c + 'a' - 'A' : c;
}

/* istoken - an RFC 2045 token character */
static int
istoken(uint8_t c)
{
	return c > 0x20 && c < 0x7f && strchr("()<>@,;:\\\"/[]?=", c) == NULL;
}

/*
 * ct_type - a usable "type/subtype" at the start of [i, e): lower case
 * into out (cut to outlen - 1), *after is where parameters may start
 */
static int
ct_type(const uint8_t *buf, size_t i, size_t e, char *out, size_t outlen,
    size_t *after)
{
	size_t	 ts, te, ss, se, n = 0, k;

	i = skip_cfws(buf, i, e);
	for (ts = i; i < e && istoken(buf[i]); i++)
		;
	te = i;
	i = skip_cfws(buf, i, e);
	if (te == ts || te - ts > MP_MAXTOP || i >= e || buf[i] != '/')
		return 0;
	i = skip_cfws(buf, i + 1, e);
	for (ss = i; i < e && istoken(buf[i]); i++)
		;
	se = i;
	if (se == ss)
		return 0;
	for (k = ts; k < te && n + 1 < outlen; k++)
		out[n++] = mp_lower(buf[k]);
	if (n + 1 < outlen)
		out[n++] = '/';
	for (k = ss; k < se && n + 1 < outlen; k++)
		out[n++] = mp_lower(buf[k]);
	out[n] = '\0';
	*after = i;
	return 1;
}

/* cte_parse - a Content-Transfer-Encoding value */
static enum mime_enc
cte_parse(const uint8_t *buf, size_t i, size_t e)
{
	static const struct {
		const char	*name;
		enum mime_enc	 enc;
	} tab[] = {
		{ "base64", MIME_ENC_BASE64 },
		{ "quoted-printable", MIME_ENC_QP },
		{ "x-uuencode", MIME_ENC_UUENCODE },
		{ "x-uue", MIME_ENC_UUENCODE },
		{ "uuencode", MIME_ENC_UUENCODE }
	};
	size_t	 s, k;

	i = skip_cfws(buf, i, e);
	for (s = i; i < e && istoken(buf[i]); i++)
		;
	for (k = 0; k < sizeof(tab) / sizeof(tab[0]); k++)
		if (strlen(tab[k].name) == i - s &&
		    strncasecmp((const char *)buf + s, tab[k].name, i - s) == 0)
			return tab[k].enc;
	return MIME_ENC_IDENTITY;
}

/* cd_attach - whether a Content-Disposition value says attachment */
static int
cd_attach(const uint8_t *buf, size_t i, size_t e)
{
	size_t	 s;

	i = skip_cfws(buf, i, e);
	for (s = i; i < e && istoken(buf[i]); i++)
		;
	return i - s == 10 &&
	    strncasecmp((const char *)buf + s, "attachment", 10) == 0;
}

/* pw_init - look for parameter name */
static void
pw_init(struct pwant *w, const char *name)
{
	memset(w, 0, sizeof(*w));
	w->name = name;
}

/*
 * pw_set - record the value v of attribute [as, ae) if it is one of the
 * forms of w's name: name, name*, name*N, name*N*
 */
static void
pw_set(struct pwant *w, const uint8_t *buf, size_t as, size_t ae,
    const struct psect *v)
{
	size_t		 n = strlen(w->name), i;
	unsigned	 sec = 0;

	if (ae - as < n || strncasecmp((const char *)buf + as, w->name, n) != 0)
		return;
	i = as + n;
	if (i == ae) {
		if (!w->plain) {
			w->plain = 1;
			w->pv = *v;
		}
		return;
	}
	if (buf[i++] != '*')
		return;
	if (i == ae) {
		if (!w->whole) {
			w->whole = 1;
			w->wv = *v;
			w->wv.ext = 1;
		}
		return;
	}
	if (buf[i] < '0' || buf[i] > '9')
		return;
	for (; i < ae && buf[i] >= '0' && buf[i] <= '9'; i++) {
		sec = sec * 10 + (buf[i] - '0');
		if (sec >= MP_MAXSECT)
			return;
	}
	if (i < ae && buf[i] == '*' && i + 1 == ae) {
		if (w->secmask & (uint64_t)1 << sec)
			return;
		w->sec[sec] = *v;
		w->sec[sec].ext = 1;
	} else if (i == ae) {
		if (w->secmask & (uint64_t)1 << sec)
			return;
		w->sec[sec] = *v;
		w->sec[sec].ext = 0;
	} else
		return;
	w->secmask |= (uint64_t)1 << sec;
}

/* param_scan - the parameters of [i, e) that the wants ask for */
static void
param_scan(const uint8_t *buf, size_t i, size_t e, struct pwant *w, int nw)
{
	struct psect	 v;
	size_t		 as, ae;
	int		 k;

	while (i < e) {
		while (i < e && (buf[i] == ';' || buf[i] == ' ' ||
		    buf[i] == '\t' || buf[i] == '\r' || buf[i] == '\n'))
			i++;
		if (i >= e)
			break;
		if (buf[i] == '(') {
			i = skip_cfws(buf, i, e);
			continue;
		}
		for (as = i; i < e && buf[i] != '=' && buf[i] != ';' &&
		    buf[i] != ' ' && buf[i] != '\t' && buf[i] != '\r' &&
		    buf[i] != '\n'; i++)
			;
		ae = i;
		while (i < e && (buf[i] == ' ' || buf[i] == '\t' ||
		    buf[i] == '\r' || buf[i] == '\n'))
			i++;
		if (i >= e || buf[i] != '=')
			continue;	/* a word of junk */
		i = skip_cfws(buf, i + 1, e);
		memset(&v, 0, sizeof(v));
		if (i < e && buf[i] == '"') {
			v.q = 1;
			for (v.s = ++i; i < e && buf[i] != '"'; i++)
				if (buf[i] == '\\')
					i++;
			v.e = i < e ? i : e;
			while (i < e && buf[i] != ';')
				i++;
		} else {
			for (v.s = i; i < e && buf[i] != ';'; i++)
				;
			for (v.e = i; v.e > v.s && (buf[v.e - 1] == ' ' ||
			    buf[v.e - 1] == '\t' || buf[v.e - 1] == '\r' ||
			    buf[v.e - 1] == '\n'); v.e--)
				;
		}
		for (k = 0; k < nw; k++)
			pw_set(&w[k], buf, as, ae, &v);
	}
}

/*
 * pv_add - append a value from offset s of its section: unquoted,
 * unfolded, %XX decoded when pct; out is not grown beyond cap
 */
static void
pv_add(const uint8_t *buf, const struct psect *v, size_t s, int pct,
    struct buf *out, size_t cap)
{
	size_t	 i;
	uint8_t	 c;
	int	 hi, lo;

	for (i = s; i < v->e && out->len < cap; i++) {
		c = buf[i];
		if (c == '\r' || c == '\n')
			continue;
		if (v->q && c == '\\' && i + 1 < v->e)
			c = buf[++i];
		else if (pct && c == '%' && i + 2 < v->e) {
			hi = buf[i + 1];
			lo = buf[i + 2];
			hi = hi >= '0' && hi <= '9' ? hi - '0' :
			    (hi | 0x20) >= 'a' && (hi | 0x20) <= 'f' ?
			    (hi | 0x20) - 'a' + 10 : -1;
			lo = lo >= '0' && lo <= '9' ? lo - '0' :
			    (lo | 0x20) >= 'a' && (lo | 0x20) <= 'f' ?
			    (lo | 0x20) - 'a' + 10 : -1;
			if (hi >= 0 && lo >= 0) {
				c = hi << 4 | lo;
				i += 2;
			}
		}
		buf_add(out, &c, 1);
	}
}

/*
 * param_get - the value of a wanted parameter into out (at most cap
 * bytes), with the RFC 2231 charset in cs (empty if none); returns 0
 * (absent), 1 (plain) or 2 (RFC 2231)
 */
static int
param_get(const uint8_t *buf, const struct pwant *w, struct buf *out,
    char *cs, size_t cslen, size_t cap)
{
	const struct psect	*v;
	size_t			 i, a1 = 0, a2 = 0, n;
	unsigned		 k;

	out->len = 0;
	cs[0] = '\0';
	if (w->whole)
		v = &w->wv;
	else if (w->secmask & 1)
		v = &w->sec[0];
	else if (w->plain) {
		pv_add(buf, &w->pv, w->pv.s, 0, out, cap);
		return 1;
	} else
		return 0;
	/* the first extended section may start with charset'language' */
	i = v->s;
	if (v->ext) {
		for (a1 = v->s; a1 < v->e && buf[a1] != '\''; a1++)
			;
		for (a2 = a1 + 1; a2 < v->e && buf[a2] != '\''; a2++)
			;
		if (a2 < v->e) {
			n = a1 - v->s < cslen - 1 ? a1 - v->s : cslen - 1;
			memcpy(cs, buf + v->s, n);
			cs[n] = '\0';
			i = a2 + 1;
		}
	}
	pv_add(buf, v, i, v->ext, out, cap);
	if (w->whole)
		return 2;
	for (k = 1; k < MP_MAXSECT && (w->secmask & (uint64_t)1 << k); k++)
		pv_add(buf, &w->sec[k], w->sec[k].s, w->sec[k].ext, out, cap);
	return 2;
}

/* part_name - decode and clean a file name */
static void
part_name(struct mime_part *p, const uint8_t *raw, size_t n, const char *cs)
{
	size_t	 k, i;

	if (cs[0] != '\0')
		k = charset_to_utf8(cs, raw, n, p->filename,
		    sizeof(p->filename));
	else
		k = rfc2047_decode((const char *)raw, n, p->filename,
		    sizeof(p->filename));
	for (i = 0; i < k; i++)
		if ((uint8_t)p->filename[i] < 0x20 || p->filename[i] == 0x7f ||
		    p->filename[i] == '/')
			p->filename[i] = '_';
	p->filename[k] = '\0';
}

/*
 * mp_classify - type, encoding, names and flags of a part from its
 * header block (r: how mp_header() ended it); the boundary of a
 * multipart goes to mp->bnd
 */
static int
mp_classify(struct mp *mp, uint32_t pi, int digest, int r)
{
	struct mime_part	*p = &mp->m->parts[pi];
	const uint8_t		*buf = mp->buf;
	struct pwant		 ct[3], cd;
	struct hfield		 f;
	char			 type[128], cs[64];
	size_t			 pos = p->start, after, i, n;
	int			 have_ct = 0, bad_ct = 0, have_cte = 0;
	int			 have_cd = 0, named;

	pw_init(&ct[0], "boundary");
	pw_init(&ct[1], "charset");
	pw_init(&ct[2], "name");
	pw_init(&cd, "filename");
	mp->bnd.len = 0;
	while (mp_field(buf, p->hdr_end, &pos, &f)) {
		if (mp_fname(buf, &f, "content-type")) {
			if (have_ct)
				continue;
			if (!ct_type(buf, f.vstart, f.vend, type, sizeof(type),
			    &after)) {
				bad_ct = 1;
				continue;
			}
			have_ct = 1;
			param_scan(buf, after, f.vend, ct, 3);
		} else if (mp_fname(buf, &f, "content-transfer-encoding")) {
			if (have_cte)
				continue;
			have_cte = 1;
			p->enc = cte_parse(buf, f.vstart, f.vend);
		} else if (mp_fname(buf, &f, "content-disposition")) {
			if (have_cd)
				continue;
			have_cd = 1;
			if (cd_attach(buf, f.vstart, f.vend))
				p->flags |= MIME_F_ATTACHMENT;
			param_scan(buf, f.vstart, f.vend, &cd, 1);
		}
	}
	if (!have_ct) {
		mp_copy(type, sizeof(type),
		    digest ? "message/rfc822" : "text/plain");
		if (bad_ct)
			p->flags |= MIME_F_BROKEN;
	}
	mp_copy(p->type, sizeof(p->type), type);

	/* charset: printable ASCII, lower case */
	if (param_get(buf, &ct[1], &mp->tmp, cs, sizeof(cs),
	    sizeof(p->charset)) != 0) {
		for (i = n = 0; i < mp->tmp.len && n + 1 < sizeof(p->charset);
		    i++) {
			uint8_t	 c = mp->tmp.data[i];

			if (c > 0x20 && c < 0x7f)
				p->charset[n++] = mp_lower(c);
		}
		p->charset[n] = '\0';
	}

	/* file name */
	named = param_get(buf, &cd, &mp->tmp, cs, sizeof(cs), MP_RAWNAME);
	if (!named)
		named = param_get(buf, &ct[2], &mp->tmp, cs, sizeof(cs),
		    MP_RAWNAME);
	if (named && mp->tmp.len > 0)
		part_name(p, mp->tmp.data, mp->tmp.len, cs);

	if (strncmp(type, "multipart/", 10) == 0) {
		param_get(buf, &ct[0], &mp->bnd, cs, sizeof(cs), SIZE_MAX);
		while (mp->bnd.len > 0 &&
		    (mp->bnd.data[mp->bnd.len - 1] == ' ' ||
		    mp->bnd.data[mp->bnd.len - 1] == '\t'))
			mp->bnd.len--;
		n = mp->bnd.len < sizeof(p->boundary) - 1 ? mp->bnd.len :
		    sizeof(p->boundary) - 1;
		if (n > 0)
			memcpy(p->boundary, mp->bnd.data, n);
		p->boundary[n] = '\0';
		if (mp->bnd.len > 0)
			p->flags |= MIME_F_MULTIPART;
		else
			p->flags |= MIME_F_BROKEN;
	} else if ((strcmp(type, "message/rfc822") == 0 ||
	    strcmp(type, "message/global") == 0 ||
	    strcmp(type, "message/news") == 0) &&
	    p->enc == MIME_ENC_IDENTITY)
		p->flags |= MIME_F_MESSAGE;
	if (r != HDR_DONE &&
	    (p->flags & (MIME_F_MULTIPART | MIME_F_MESSAGE))) {
		/* a container without a body */
		p->flags &= ~(MIME_F_MULTIPART | MIME_F_MESSAGE);
		p->flags |= MIME_F_BROKEN;
	}
	if (mp->bnd.failed || mp->tmp.failed) {
		errno = ENOMEM;
		return -1;
	}
	return 0;
}

/*
 * mp_body - the body of part cur starts: list the message it encloses
 * (returns 1, *child set), or look for its delimiters; returns 0, or -1
 * (ENOMEM)
 */
static int
mp_body(struct mp *mp, uint32_t cur, uint32_t *child)
{
	struct mime_part	*p = &mp->m->parts[cur];

	if (p->flags & MIME_F_MESSAGE)
		return mp_add(mp, p->hdr_end, cur, p->depth + 1, 1, child);
	if (!(p->flags & MIME_F_MULTIPART))
		return 0;
	if (p->depth + 1 > mp->m->lim.max_depth) {
		mp->m->flags |= MIME_MSG_LIMIT;
		return 0;
	}
	return mp_push(mp, cur, strcmp(p->type, "multipart/digest") == 0);
}

/* mime_parse - list the parts of a message */
int
mime_parse(const uint8_t *buf, size_t len, const struct mime_limits *lim,
    struct mime_msg *m)
{
	struct mp		 mp;
	struct mp_delim		 d;
	struct mp_frame		*f;
	uint32_t		 cur, child;
	size_t			 pos = 0;
	int			 r, ismsg = 1, digest = 0, added, havedelim;

	memset(m, 0, sizeof(*m));
	if (lim != NULL)
		m->lim = *lim;
	if (m->lim.max_parts == 0)
		m->lim.max_parts = MP_DEFPARTS;
	if (m->lim.max_depth == 0)
		m->lim.max_depth = MP_DEFDEPTH;
	if (m->lim.max_decoded == 0)
		m->lim.max_decoded = MP_DEFDECODED;
	memset(&mp, 0, sizeof(mp));
	mp.buf = buf;
	mp.len = len;
	mp.m = m;
	buf_init(&mp.bnd);
	buf_init(&mp.tmp);
	if (mp_add(&mp, 0, UINT32_MAX, 0, 1, &cur) != 1)
		goto fail;
	for (;;) {
		havedelim = 0;
		if (cur != MP_NONE) {
			r = mp_header(&mp, cur, ismsg, &d);
			if (mp_classify(&mp, cur, digest, r) == -1)
				goto fail;
			if (r == HDR_EOF)
				break;
			havedelim = r == HDR_DELIM;
			pos = m->parts[cur].hdr_end;
			added = havedelim ? 0 : mp_body(&mp, cur, &child);
			if (added == -1)
				goto fail;
			cur = added ? child : MP_NONE;
			ismsg = 1;
			digest = 0;
			if (added)
				continue;
		}
		if (!havedelim && !mp_scan(&mp, pos, &d))
			break;
		mp_close(&mp, d.frame, d.lb);
		f = &mp.fr[d.frame];
		pos = d.next;
		if (d.kind == MP_CLOSE) {
			f->closed = 1;
			continue;
		}
		f->nchild++;
		added = mp_add(&mp, pos, f->part, m->parts[f->part].depth + 1,
		    f->nchild, &child);
		if (added == -1)
			goto fail;
		if (added) {
			cur = child;
			if (f->closed)
				m->parts[child].flags |= MIME_F_BROKEN;
			ismsg = 0;
			digest = f->digest;
		}
	}
	mp_finish(&mp);
	mp_cleanup(&mp);
	return 0;
fail:
	mp_cleanup(&mp);
	free(m->parts);
	m->parts = NULL;
	m->nparts = 0;
	errno = ENOMEM;
	return -1;
}

/* mime_free - release what mime_parse() allocated */
void
mime_free(struct mime_msg *m)
{
	free(m->parts);
	m->parts = NULL;
	m->nparts = 0;
}

/* mime_decode - a part's body, its transfer encoding undone */
int
mime_decode(const uint8_t *buf, size_t len, const struct mime_part *p,
    const struct mime_limits *lim, struct buf *out)
{
	uint64_t	 max = MP_DEFDECODED;
	size_t		 s, e, at, used;
	int		 over = 0;

	if (lim != NULL && lim->max_decoded != 0)
		max = lim->max_decoded;
	e = p->end < len ? (size_t)p->end : len;
	s = p->hdr_end < e ? (size_t)p->hdr_end : e;
	if (s == e)
		return 0;
	switch (p->enc) {
	case MIME_ENC_BASE64:
		return b64_decode(buf + s, e - s, out, max);
	case MIME_ENC_QP:
		return qp_decode(buf + s, e - s, out, max);
	case MIME_ENC_UUENCODE:
		if (uu_find(buf + s, e - s, &at, NULL, 0))
			s += at;
		return uu_decode(buf + s, e - s, out, max, &used);
	default:
		break;
	}
	if (e - s > max) {
		e = s + (size_t)max;
		over = 1;
	}
	buf_add(out, buf + s, e - s);
	if (out->failed) {
		errno = ENOMEM;
		return -1;
	}
	if (over) {
		errno = AV_ELIMIT;
		return -1;
	}
	return 0;
}

/* mime_field - the byte range of a part's header field */
int
mime_field(const uint8_t *buf, size_t len, const struct mime_part *p,
    const char *name, size_t *start, size_t *end)
{
	struct hfield	 f;
	size_t		 pos, hend;

	hend = p->hdr_end < len ? (size_t)p->hdr_end : len;
	pos = p->start < hend ? (size_t)p->start : hend;
	while (mp_field(buf, hend, &pos, &f)) {
		if (f.nend - f.start == strlen(name) &&
		    strncasecmp((const char *)buf + f.start, name,
		    f.nend - f.start) == 0) {
			*start = f.start;
			*end = f.end;
			return 0;
		}
	}
	errno = ENOENT;
	return -1;
}

/* mime_is_message - whether buf starts like a message or an mbox */
int
mime_is_message(const uint8_t *buf, size_t len)
{
	struct hfield	 f;
	size_t		 pos = 0, win, le, te, next, nend, k;

	win = len < MP_MSGWIN ? len : MP_MSGWIN;
	mp_line(buf, win, 0, &le, &te, &next);
	if (te >= 5 && memcmp(buf, "From ", 5) == 0) {
		pos = next;
		mp_line(buf, win, pos, &le, &te, &next);
	}
	if (pos >= win || buf[pos] == ' ' || buf[pos] == '\t' ||
	    mp_isfield(buf, pos, te, &nend) == 0)
		return 0;
	while (mp_field(buf, win, &pos, &f))
		for (k = 0; mp_known[k] != NULL; k++)
			if (mp_fname(buf, &f, mp_known[k]))
				return 1;
	return 0;
}

/* mbox_walk - the messages of an mbox, or the buffer itself */
int
mbox_walk(const uint8_t *buf, size_t len,
    int (*cb)(void *, size_t, size_t), void *arg)
{
	size_t	 start = 0, ls, le, te, next, blank = 0;
	int	 prevblank = 0, r;

	if (len < 5 || memcmp(buf, "From ", 5) != 0) {
		r = cb(arg, 0, len);
		return r < 0 ? -1 : 0;
	}
	mp_line(buf, len, 0, &le, &te, &next);
	for (ls = next; ls < len; ls = next) {
		if (prevblank && len - ls >= 5 &&
		    memcmp(buf + ls, "From ", 5) == 0) {
			if ((r = cb(arg, start, blank - start)) != 0)
				return r < 0 ? -1 : 0;
			start = ls;
		}
		mp_line(buf, len, ls, &le, &te, &next);
		prevblank = te == ls;
		if (prevblank)
			blank = ls;
	}
	r = cb(arg, start, len - start);
	return r < 0 ? -1 : 0;
}
