/*
 * smtp_proto.c - SMTP text for vigil-smtpd: commands, replies, EHLO
 *	keywords, dot-stuffing
 *
 * DESCRIPTION
 *	Pure functions over bytes, no descriptors: smtp_proto.h says what
 *	each one accepts.  Dot-stuffing and unstuffing agree on where a
 *	line begins (at the start and after every LF, CR or not), as
 *	Postfix's smtpd does, so that what one writes the other reads back.
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>

#include "clients/smtp_proto.h"
#include "util/buf.h"

/* smtp_dot states */
#define D_BOL		0		/* at the start of a line */
#define D_LINE		1		/* inside a line */
#define D_DOT		2		/* a dot began the line */
#define D_DOTCR		3		/* a dot and CR began the line */

static const struct {
	const char	*name;
	enum smtp_verb	 verb;
} verbs[] = {
	{ "HELO", SMTP_V_HELO },	{ "EHLO", SMTP_V_EHLO },
	{ "MAIL", SMTP_V_MAIL },	{ "RCPT", SMTP_V_RCPT },
	{ "DATA", SMTP_V_DATA },	{ "BDAT", SMTP_V_BDAT },
	{ "RSET", SMTP_V_RSET },	{ "NOOP", SMTP_V_NOOP },
	{ "QUIT", SMTP_V_QUIT },	{ "VRFY", SMTP_V_VRFY },
	{ "EXPN", SMTP_V_EXPN },	{ "HELP", SMTP_V_HELP },
	{ "STARTTLS", SMTP_V_STARTTLS },	{ "AUTH", SMTP_V_AUTH },
	{ "ETRN", SMTP_V_ETRN },	{ "XFORWARD", SMTP_V_XFORWARD },
	{ "XCLIENT", SMTP_V_XCLIENT }
};

static const struct {
	const char	*name;
	unsigned	 bit;
} keywords[] = {
	{ "PIPELINING", SMTP_X_PIPELINING },
	{ "SIZE", SMTP_X_SIZE },
	{ "8BITMIME", SMTP_X_8BITMIME },
	{ "ENHANCEDSTATUSCODES", SMTP_X_ENHANCED },
	{ "DSN", SMTP_X_DSN },
	{ "SMTPUTF8", SMTP_X_SMTPUTF8 },
	{ "XFORWARD", SMTP_X_XFORWARD },
	{ "XCLIENT", SMTP_X_XCLIENT }
};

#if defined(__GNUC__)
/* 16 bytes as a GCC or clang vector (SSE2 on amd64, NEON on arm64) */
typedef uint8_t	 dot_vec __attribute__((vector_size(16)));

static inline dot_vec pairs16(const uint8_t *);
static inline int vec_any(dot_vec);
#endif

static int	 is_blank(int);
static const uint8_t *pair_find(const uint8_t *, size_t);
static const uint8_t *dot_line(const uint8_t *, size_t);
static unsigned	 keyword_bit(const uint8_t *, size_t);

/* is_blank - space or tab */
static int
is_blank(int c)
{
	return c == ' ' || c == '\t';
}

/* smtp_cmd_parse - the verb and the argument of one command line */
void
smtp_cmd_parse(const char *line, size_t len, struct smtp_cmd *c)
{
	size_t	 i, n;

	c->verb = SMTP_V_UNKNOWN;
	for (n = 0; n < len && !is_blank((unsigned char)line[n]); n++)
		;
	for (i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++)
		if (strlen(verbs[i].name) == n &&
		    strncasecmp(line, verbs[i].name, n) == 0) {
			c->verb = verbs[i].verb;
			break;
		}
	while (n < len && is_blank((unsigned char)line[n]))
		n++;
	c->arg = line + n;
	c->arglen = len - n;
}

/* smtp_path - the address of "FROM:<a>" or "TO:<a>", brackets removed */
int
smtp_path(const char *arg, size_t len, const char *prefix, char *addr,
    size_t addrlen)
{
	size_t	 pl = strlen(prefix), i, start, end;
	int	 quoted = 0;

	if (addrlen > 0)
		addr[0] = '\0';
	if (len < pl || strncasecmp(arg, prefix, pl) != 0)
		goto bad;
	for (i = pl; i < len && is_blank((unsigned char)arg[i]); i++)
		;
	if (i == len)
		goto bad;
	if (arg[i] == '<') {
		start = ++i;
		for (; i < len; i++) {
			if (quoted && arg[i] == '\\' && i + 1 < len)
				i++;
			else if (arg[i] == '"')
				quoted = !quoted;
			else if (!quoted && arg[i] == '>')
				break;
		}
		if (i == len)
			goto bad;
		end = i;
	} else {
		start = i;
		while (i < len && !is_blank((unsigned char)arg[i]))
			i++;
		end = i;
	}
	if (end - start >= addrlen) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memcpy(addr, arg + start, end - start);
	addr[end - start] = '\0';
	return 0;
bad:
	errno = EINVAL;
	return -1;
}

/* smtp_reply_init - an empty reply */
void
smtp_reply_init(struct smtp_reply *r)
{
	r->code = 0;
	r->nlines = 0;
	buf_init(&r->text);
}

/* smtp_reply_clear - empty r for the next reply, keeping its memory */
void
smtp_reply_clear(struct smtp_reply *r)
{
	r->code = 0;
	r->nlines = 0;
	r->text.len = 0;
	r->text.failed = 0;
}

/* smtp_reply_free - release r's memory */
void
smtp_reply_free(struct smtp_reply *r)
{
	buf_clear(&r->text);
	smtp_reply_init(r);
}

/* smtp_reply_feed - one more line; 1 when the reply is complete */
int
smtp_reply_feed(struct smtp_reply *r, const char *line, size_t len)
{
	int	 code, last;

	if (len > SMTP_LINEMAX || r->nlines >= SMTP_REPLY_MAXLINES) {
		errno = E2BIG;
		return -1;
	}
	if (len < 3 || line[0] < '2' || line[0] > '5' ||
	    line[1] < '0' || line[1] > '9' || line[2] < '0' ||
	    line[2] > '9' || (len > 3 && line[3] != '-' && line[3] != ' '))
		goto bad;
	code = (line[0] - '0') * 100 + (line[1] - '0') * 10 + line[2] - '0';
	if (r->nlines > 0 && code != r->code)
		goto bad;
	last = len == 3 || line[3] == ' ';
	r->code = code;
	r->nlines++;
	buf_add(&r->text, line, len);
	buf_add(&r->text, "\r\n", 2);
	if (r->text.failed) {
		errno = ENOMEM;
		return -1;
	}
	return last;
bad:
	errno = EBADMSG;
	return -1;
}

/* keyword_bit - the SMTP_X_ bit of the keyword that begins t, or 0 */
static unsigned
keyword_bit(const uint8_t *t, size_t len)
{
	size_t	 i, n;

	for (n = 0; n < len && !is_blank(t[n]); n++)
		;
	for (i = 0; i < sizeof(keywords) / sizeof(keywords[0]); i++)
		if (strlen(keywords[i].name) == n &&
		    strncasecmp((const char *)t, keywords[i].name, n) == 0)
			return keywords[i].bit;
	return 0;
}

/* smtp_ehlo_filter - r without the keywords that are not relayed */
int
smtp_ehlo_filter(const struct smtp_reply *r, struct buf *out,
    unsigned *offered)
{
	const uint8_t	*p = r->text.data, *end = p + r->text.len, *nl;
	const uint8_t	*kept[SMTP_REPLY_MAXLINES];
	size_t		 klen[SMTP_REPLY_MAXLINES], n = 0, i, ll;
	unsigned	 bit;

	*offered = 0;
	if (r->code != 250) {
		buf_add(out, r->text.data, r->text.len);
		goto done;
	}
	/* each line is "250-text\r\n" or "250 text\r\n" or "250\r\n" */
	for (; p < end && n < SMTP_REPLY_MAXLINES; p = nl + 1) {
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			break;
		ll = (size_t)(nl - p) - 1;		/* without CRLF */
		ll = ll > 4 ? ll - 4 : 0;		/* without "250-" */
		if (n > 0 && (bit = keyword_bit(p + 4, ll)) == 0)
			continue;
		if (n > 0)
			*offered |= bit;
		kept[n] = p + 4;
		klen[n++] = ll;
	}
	for (i = 0; i < n; i++) {
		buf_add(out, i + 1 < n ? "250-" : "250 ", 4);
		buf_add(out, kept[i], klen[i]);
		buf_add(out, "\r\n", 2);
	}
done:
	if (out->failed) {
		errno = ENOMEM;
		return -1;
	}
	return 0;
}

/*
 * Finding the lines that begin with a dot.  Mail text has a dot in most
 * lines but seldom at the start of one; base64 and most other text have
 * none.  dot_line() asks memchr(3) for the next dot and looks at the byte
 * before it; where dots come close together it searches the next
 * DOT_STRETCH bytes for the pair "\n." itself, 64 bytes at a time
 * (pair_find()), rather than call memchr(3) once per dot.  Measured on
 * 74-byte text lines with a dot in each: 28 GB/s, against 13 GB/s for a
 * memchr(3) per line; on base64, memchr(3)'s speed (over 100 GB/s).
 */
#define DOT_DENSE	256	/* a dot this close to the last: a stretch */
#define DOT_STRETCH	4096	/* bytes searched for the pair at once */

#if defined(__GNUC__)
/* pairs16 - per byte of p[0, 16): -1 where "\n." begins, else 0 */
static inline dot_vec
pairs16(const uint8_t *p)
{
	dot_vec	 a, b;

	memcpy(&a, p, sizeof(a));
	memcpy(&b, p + 1, sizeof(b));
	return (dot_vec)((a == '\n') & (b == '.'));
}

/* vec_any - is any byte of v not 0 */
static inline int
vec_any(dot_vec v)
{
	uint64_t	 q[2];

	memcpy(q, &v, sizeof(q));
	return (q[0] | q[1]) != 0;
}
#endif

/* pair_find - the first LF of p[0, len) that a dot follows, or NULL */
static const uint8_t *
pair_find(const uint8_t *p, size_t len)
{
	size_t	 i = 0;

#if defined(__GNUC__)
	/* whole blocks (and the byte after each), the first hit's by bytes */
	for (; i + 65 <= len; i += 64)
		if (vec_any(pairs16(p + i) | pairs16(p + i + 16) |
		    pairs16(p + i + 32) | pairs16(p + i + 48)))
			break;
	if (i + 65 > len)
		for (; i + 17 <= len; i += 16)
			if (vec_any(pairs16(p + i)))
				break;
#endif
	for (; i + 1 < len; i++)
		if (p[i] == '\n' && p[i + 1] == '.')
			return p + i;
	return NULL;
}

/* dot_line - the first LF of p[0, len) that a dot follows, or NULL */
static const uint8_t *
dot_line(const uint8_t *p, size_t len)
{
	const uint8_t	*end = p + len, *q, *d, *nl;
	size_t		 n;

	if (len < 2)
		return NULL;
	/* a dot at q or after, with the byte before it */
	for (q = p + 1; (d = memchr(q, '.', (size_t)(end - q))) != NULL;) {
		if (d[-1] == '\n')
			return d - 1;
		if (d - q >= DOT_DENSE) {
			q = d + 1;
			continue;
		}
		n = (size_t)(end - d) < DOT_STRETCH ? (size_t)(end - d) :
		    DOT_STRETCH;
		if ((nl = pair_find(d, n)) != NULL)
			return nl;
		/* pairs with their LF in [d, d + n - 1) are known now */
		q = d + n;
	}
	return NULL;
}

/* smtp_dot_init - the data begins */
void
smtp_dot_init(struct smtp_dot *d)
{
	d->state = D_BOL;
	d->dropped = 0;
}

/* smtp_dot_lag - bytes written ahead of those read: a CR held back */
size_t
smtp_dot_lag(const struct smtp_dot *d)
{
	return d->state == D_DOTCR ? 1 : 0;
}

/* smtp_dot_feed - unstuff a piece of DATA; *done at the final dot */
size_t
smtp_dot_feed(struct smtp_dot *d, const uint8_t *in, size_t len,
    uint8_t *out, size_t *outlen, int *done)
{
	const uint8_t	*nl;
	size_t		 i = 0, o = 0, n;
	uint8_t		 c;

	*done = 0;
	while (i < len) {
		if (d->state == D_LINE) {
			/*
			 * inside a line: as it is up to the next line that
			 * begins with a dot (the only ones to look at), or to
			 * the end of the piece
			 */
			nl = dot_line(in + i, len - i);
			n = nl != NULL ? (size_t)(nl - (in + i)) + 1 : len - i;
			/* in place, nothing moves until a dot was dropped */
			if (out + o != in + i)
				memmove(out + o, in + i, n);
			o += n;
			i += n;
			if (in[i - 1] == '\n')
				d->state = D_BOL;
			continue;
		}
		c = in[i++];
		switch (d->state) {
		case D_BOL:
			if (c == '.') {
				d->state = D_DOT;
				continue;
			}
			break;
		case D_DOT:
			if (c == '\r') {
				d->state = D_DOTCR;
				continue;
			}
			if (c == '\n')
				goto end;
			/* a transparency dot: dropped */
			d->dropped++;
			break;
		case D_DOTCR:
			if (c == '\n')
				goto end;
			d->dropped++;
			out[o++] = '\r';
			break;
		default:
			break;
		}
		out[o++] = c;
		d->state = c == '\n' ? D_BOL : D_LINE;
	}
	*outlen = o;
	return len;
end:
	d->state = D_BOL;
	*done = 1;
	*outlen = o;
	return i;
}

/* smtp_stuff_init - the message begins */
void
smtp_stuff_init(struct smtp_stuff *st)
{
	st->bol = 1;
	st->plain = 0;
}

/* smtp_stuff - dot-stuff as much of in as fits in out */
size_t
smtp_stuff(struct smtp_stuff *st, const uint8_t *in, size_t len,
    uint8_t *out, size_t cap, size_t *outlen)
{
	const uint8_t	*nl;
	size_t		 i = 0, o = 0, n;

	while (i < len) {
		if (st->bol && in[i] == '.') {
			if (o == cap)
				break;
			out[o++] = '.';
			/* the dot itself goes with the line below */
			st->bol = 0;
		}
		/*
		 * up to the next line that begins with a dot, at once; only
		 * as far as out has room
		 */
		n = len - i < cap - o ? len - i : cap - o;
		if (!st->plain && (nl = dot_line(in + i, n)) != NULL)
			n = (size_t)(nl - (in + i)) + 1;
		if (n == 0)
			break;
		memcpy(out + o, in + i, n);
		o += n;
		i += n;
		st->bol = in[i - 1] == '\n';
	}
	*outlen = o;
	return i;
}

/* smtp_stuff_end - the end of the data: a line end if needed, the dot */
size_t
smtp_stuff_end(const struct smtp_stuff *st, char *out)
{
	if (st->bol) {
		memcpy(out, ".\r\n", 3);
		return 3;
	}
	memcpy(out, "\r\n.\r\n", 5);
	return 5;
}
