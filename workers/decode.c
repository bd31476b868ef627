/*
 * decode.c - transfer encodings found in mail and text
 *
 * DESCRIPTION
 *	Every decoder is one forward pass over its input, with constant
 *	state: none of them can be made quadratic or read outside in.
 *	Output goes through a small sink that collects bytes in a chunk,
 *	enforces max when the chunk is flushed (so at most one chunk is
 *	decoded past the bound before the call stops) and turns an
 *	allocation failure of the buffer into ENOMEM.
 *
 *	Choices the header leaves open:
 *	- base64: '=' after two or three characters of a quantum ends it
 *	  (one or two bytes), '=' anywhere else is skipped like any other
 *	  character outside the alphabet; a quantum cut short by the end of
 *	  the input is decoded as far as it carries whole bytes.
 *	- quoted-printable: "=" followed by blanks and a line end (or the
 *	  end of the input) is a soft line break; blanks before a hard line
 *	  end are dropped (RFC 2045 6.7, rule 3); line ends are kept as they
 *	  are (LF or CRLF).
 *	- uuencode: a line belongs to the data when its length character
 *	  and all the others are in ' '..'`' and it carries at least the
 *	  characters its length needs without padding and at most two more
 *	  than with padding (checksum characters); missing padding counts as
 *	  zero bits.  A zero-length line ends the data, and an "end" line
 *	  right after it is used too.  The name given by uu_find() and
 *	  binhex_decode() has its control characters and '/' replaced by
 *	  '_', like MIME file names, because callers use it as a path
 *	  element.
 *	- BinHex: the phrase is matched without regard to case; the data
 *	  starts at the first ':' after it and ends at the next ':';
 *	  characters outside the alphabet (line ends, junk) are skipped.
 *	  A data fork cut short by the end of the input is written as far as
 *	  it goes.
 *	- RFC 2047: encoded words are decoded wherever they appear, also
 *	  inside a word or a quoted string (mail clients do); the encoded
 *	  text runs to the first "?=".  Adjacent words in the same charset
 *	  are converted together, so that a character split between two
 *	  words survives.  Bytes outside encoded words are copied as they
 *	  are.
 *	- charsets: the labels of the WHATWG Encoding Standard for UTF-8
 *	  and for windows-1252 (which include us-ascii, iso-8859-1 and
 *	  latin1, as in browsers and Thunderbird); 8-bit bytes in
 *	  "US-ASCII" therefore read as Windows-1252.  Invalid UTF-8 becomes
 *	  one '?' per maximal invalid subsequence.  charset_to_utf8() also
 *	  NUL-terminates when outlen > 0 (so it writes at most outlen - 1
 *	  bytes), and output is never cut inside a character.
 */
#include <errno.h>
#include <string.h>
#include <strings.h>

#include "av/averr.h"
#include "util/bytes.h"
#include "workers/decode.h"

#define DC_CHUNK	4096	/* sink chunk */
#define DC_CSMAX	64	/* longest charset label looked at */
#define DC_WORDBUF	512	/* RFC 2047 bytes converted at once */

/* output with a bound, collected in chunks */
struct sink {
	struct buf	*b;
	uint64_t	 max;		/* 0: none */
	uint64_t	 n;		/* bytes appended so far */
	size_t		 fill;
	uint8_t		 tmp[DC_CHUNK];
};

/* base64 quantum in progress */
struct b64st {
	uint32_t	 acc;
	int		 n;
};

/* BinHex 4.0 decoder state, after the 6-bit layer */
struct bhx {
	struct sink	*s;
	char		*name;
	size_t		 namelen;
	uint8_t		 hdr[22 + 255];	/* header as far as it came */
	size_t		 hpos;
	uint64_t	 dleft;		/* data fork bytes still to write */
	int		 phase;		/* 0 header, 1 data fork, 2 done */
	int		 marker;	/* 0x90 seen */
	int		 haveprev;
	uint8_t		 prev;
};

enum cs_kind {
	CS_OTHER,
	CS_UTF8,
	CS_1252,
	CS_UTF16LE
};

static void	 sink_init(struct sink *, struct buf *, uint64_t);
static int	 sink_flush(struct sink *);
static int	 sink_put(struct sink *, uint8_t);
static int	 sink_run(struct sink *, uint8_t, size_t);
static int	 b64_feed(struct b64st *, uint8_t, uint8_t *);
static int	 b64_end(struct b64st *, uint8_t *);
static int	 hexval(uint8_t);
static int	 qp_linebreak(const uint8_t *, size_t, size_t, size_t *);
static size_t	 uu_line(const uint8_t *, size_t, size_t, size_t *);
static int	 uu_isend(const uint8_t *, size_t, size_t);
static int	 uu_data(const uint8_t *, size_t, size_t, int *);
static void	 dc_name(char *, size_t, const uint8_t *, size_t);
static int	 bhx_byte(struct bhx *, uint8_t, size_t);
static int	 bhx_rle(struct bhx *, uint8_t);
static enum cs_kind cs_kind(const char *, size_t);
static size_t	 u16_seq(const uint8_t *, size_t, uint32_t *);
static size_t	 cs_conv(enum cs_kind, const uint8_t *, size_t, char *,
		    size_t);
static size_t	 u8_put(char *, size_t, size_t, uint32_t);
static size_t	 u8_seq(const uint8_t *, size_t, uint32_t *);
static int	 ew_parse(const char *, size_t, size_t, size_t *, size_t *,
		    int *, size_t *, size_t *, size_t *);
static size_t	 ew_flush(char *, size_t, size_t, const char *, size_t,
		    const uint8_t *, size_t);

/* base64 alphabet values, -1 outside (RFC 4648 section 4) */
static const int8_t b64val[256] = {
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, 62, -1, -1, -1, 63,
	52, 53, 54, 55, 56, 57, 58, 59, 60, 61, -1, -1, -1, -1, -1, -1,
	-1,  0,  1,  2,  3,  4,  5,  6,  7,  8,  9, 10, 11, 12, 13, 14,
	15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, -1, -1, -1, -1, -1,
	-1, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40,
	41, 42, 43, 44, 45, 46, 47, 48, 49, 50, 51, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1
};

/*
 * BinHex 4.0 alphabet values, -1 outside: the 64 characters
 * !"#$%&'()*+,-012345689@ABCDEFGHIJKLMNPQRSTUVXYZ[`abcdefhijklmpqr
 */
static const int8_t bhxval[256] = {
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1,  0,  1,  2,  3,  4,  5,  6,  7,  8,  9, 10, 11, 12, -1, -1,
	13, 14, 15, 16, 17, 18, 19, -1, 20, 21, -1, -1, -1, -1, -1, -1,
	22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, -1,
	37, 38, 39, 40, 41, 42, 43, -1, 44, 45, 46, 47, -1, -1, -1, -1,
	48, 49, 50, 51, 52, 53, 54, -1, 55, 56, 57, 58, 59, 60, -1, -1,
	61, 62, 63, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1
};

/*
 * Windows-1252 0x80-0x9f as code points (WHATWG index-windows-1252; the
 * five unassigned bytes map to the C1 control of the same value)
 */
static const uint16_t cp1252hi[32] = {
	0x20ac, 0x0081, 0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021,
	0x02c6, 0x2030, 0x0160, 0x2039, 0x0152, 0x008d, 0x017d, 0x008f,
	0x0090, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014,
	0x02dc, 0x2122, 0x0161, 0x203a, 0x0153, 0x009d, 0x017e, 0x0178
};

/* charset labels, lower case (WHATWG Encoding Standard) */
static const char *const cs_utf8[] = {
	"unicode-1-1-utf-8", "unicode11utf8", "unicode20utf8", "utf-8",
	"utf8", "x-unicode20utf8", NULL
};
static const char *const cs_1252[] = {
	"ansi_x3.4-1968", "ascii", "cp1252", "cp819", "csisolatin1",
	"ibm819", "iso-8859-1", "iso-ir-100", "iso8859-1", "iso88591",
	"iso_8859-1", "iso_8859-1:1987", "l1", "latin1", "us-ascii",
	"windows-1252", "x-cp1252", NULL
};

/* sink_init - empty sink over b */
static void
sink_init(struct sink *s, struct buf *b, uint64_t max)
{
	s->b = b;
	s->max = max;
	s->n = 0;
	s->fill = 0;
}

/* sink_flush - move the chunk to the buffer, within max */
static int
sink_flush(struct sink *s)
{
	size_t	 n = s->fill;
	int	 over = 0;

	s->fill = 0;
	if (s->max != 0 && n > s->max - s->n) {
		n = (size_t)(s->max - s->n);
		over = 1;
	}
	buf_add(s->b, s->tmp, n);
	s->n += n;
	if (s->b->failed) {
		errno = ENOMEM;
		return -1;
	}
	if (over) {
		errno = AV_ELIMIT;
		return -1;
	}
	return 0;
}

/* sink_put - one byte */
static int
sink_put(struct sink *s, uint8_t c)
{
	s->tmp[s->fill++] = c;
	if (s->fill == sizeof(s->tmp))
		return sink_flush(s);
	return 0;
}

/* sink_run - the same byte n times */
static int
sink_run(struct sink *s, uint8_t c, size_t n)
{
	size_t	 k;

	while (n > 0) {
		k = sizeof(s->tmp) - s->fill;
		if (k > n)
			k = n;
		memset(s->tmp + s->fill, c, k);
		s->fill += k;
		n -= k;
		if (s->fill == sizeof(s->tmp) && sink_flush(s) == -1)
			return -1;
	}
	return 0;
}

/* b64_feed - one input character; returns the bytes completed in o */
static int
b64_feed(struct b64st *st, uint8_t c, uint8_t *o)
{
	int	 v = b64val[c];

	if (v < 0)
		return c == '=' && st->n >= 2 ? b64_end(st, o) : 0;
	st->acc = st->acc << 6 | (uint32_t)v;
	if (++st->n < 4)
		return 0;
	o[0] = st->acc >> 16;
	o[1] = st->acc >> 8;
	o[2] = st->acc;
	st->acc = 0;
	st->n = 0;
	return 3;
}

/* b64_end - close a partial quantum; returns the whole bytes it holds */
static int
b64_end(struct b64st *st, uint8_t *o)
{
	int	 n = st->n;

	st->n = 0;
	if (n == 2)
		o[0] = st->acc >> 4;
	else if (n == 3) {
		o[0] = st->acc >> 10;
		o[1] = st->acc >> 2;
	}
	st->acc = 0;
	return n == 2 ? 1 : n == 3 ? 2 : 0;
}

/* b64_decode - base64, lenient */
int
b64_decode(const uint8_t *in, size_t len, struct buf *out, uint64_t max)
{
	struct sink	 s;
	struct b64st	 st = { 0, 0 };
	uint8_t		 o[3];
	size_t		 i;
	int		 k, j;

	sink_init(&s, out, max);
	for (i = 0; i < len; i++) {
		if ((k = b64_feed(&st, in[i], o)) == 0)
			continue;
		for (j = 0; j < k; j++)
			if (sink_put(&s, o[j]) == -1)
				return -1;
	}
	k = b64_end(&st, o);
	for (j = 0; j < k; j++)
		if (sink_put(&s, o[j]) == -1)
			return -1;
	return sink_flush(&s);
}

/* hexval - value of a hex digit, either case, or -1 */
static int
hexval(uint8_t c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/*
 * qp_linebreak - whether blanks from i lead to a line end or the end of
 * the input; *next is the byte after it
 */
static int
qp_linebreak(const uint8_t *in, size_t len, size_t i, size_t *next)
{
	while (i < len && (in[i] == ' ' || in[i] == '\t'))
		i++;
	if (i == len) {
		*next = len;
		return 1;
	}
	if (in[i] == '\n') {
		*next = i + 1;
		return 1;
	}
	if (in[i] == '\r' && (i + 1 == len || in[i + 1] == '\n')) {
		*next = i + 1 == len ? len : i + 2;
		return 1;
	}
	return 0;
}

/* qp_decode - quoted-printable, lenient */
int
qp_decode(const uint8_t *in, size_t len, struct buf *out, uint64_t max)
{
	struct sink	 s;
	size_t		 i = 0, j, next;
	int		 hi, lo;

	sink_init(&s, out, max);
	while (i < len) {
		if (in[i] == '=') {
			if (i + 2 < len && (hi = hexval(in[i + 1])) >= 0 &&
			    (lo = hexval(in[i + 2])) >= 0) {
				if (sink_put(&s, hi << 4 | lo) == -1)
					return -1;
				i += 3;
			} else if (qp_linebreak(in, len, i + 1, &next))
				i = next;		/* soft line break */
			else {
				if (sink_put(&s, '=') == -1)
					return -1;
				i++;
			}
		} else if (in[i] == ' ' || in[i] == '\t') {
			for (j = i; j < len && (in[j] == ' ' || in[j] == '\t');)
				j++;
			if (qp_linebreak(in, len, j, &next)) {
				i = j;		/* trailing blanks dropped */
				continue;
			}
			for (; i < j; i++)
				if (sink_put(&s, in[i]) == -1)
					return -1;
		} else {
			if (sink_put(&s, in[i]) == -1)
				return -1;
			i++;
		}
	}
	return sink_flush(&s);
}

/*
 * uu_line - the line at ls: returns its end without CR and LF, *next is
 * the first byte of the following line
 */
static size_t
uu_line(const uint8_t *in, size_t len, size_t ls, size_t *next)
{
	const uint8_t	*p;
	size_t		 le;

	p = memchr(in + ls, '\n', len - ls);
	le = p != NULL ? (size_t)(p - in) : len;
	*next = p != NULL ? le + 1 : len;
	if (le > ls && in[le - 1] == '\r')
		le--;
	return le;
}

/* uu_isend - whether [ls, le) is an "end" line */
static int
uu_isend(const uint8_t *in, size_t ls, size_t le)
{
	size_t	 i;

	if (le - ls < 3 || memcmp(in + ls, "end", 3) != 0)
		return 0;
	for (i = ls + 3; i < le; i++)
		if (in[i] != ' ' && in[i] != '\t')
			return 0;
	return 1;
}

/*
 * uu_data - whether [ls, le) is a line of uuencoded data; *n is the
 * number of bytes it carries
 */
static int
uu_data(const uint8_t *in, size_t ls, size_t le, int *n)
{
	size_t	 i, c, lo, hi;

	if (le == ls)
		return 0;
	for (i = ls; i < le; i++)
		if (in[i] < 0x20 || in[i] > 0x60)
			return 0;
	*n = (in[ls] - 0x20) & 0x3f;
	c = le - ls - 1;
	lo = ((size_t)*n * 4 + 2) / 3;
	hi = ((size_t)*n + 2) / 3 * 4 + 2;
	return c >= lo && c <= hi;
}

/* dc_name - copy a name, control characters and '/' made '_' */
static void
dc_name(char *out, size_t outlen, const uint8_t *p, size_t n)
{
	size_t	 i;

	if (outlen == 0)
		return;
	if (n > outlen - 1)
		n = outlen - 1;
	for (i = 0; i < n; i++)
		out[i] = p[i] < 0x20 || p[i] == 0x7f || p[i] == '/' ? '_' :
		    (char)p[i];
	out[n] = '\0';
}

/* uu_find - locate "begin MODE NAME" */
int
uu_find(const uint8_t *in, size_t len, size_t *begin, char *name,
    size_t namelen)
{
	const uint8_t	*p;
	size_t		 at = 0, i, le, next, ns;

	while (at + 6 <= len) {
		p = memmem(in + at, len - at, "begin ", 6);
		if (p == NULL)
			return 0;
		i = p - in;
		at = i + 1;
		if (i > 0 && in[i - 1] != '\n')
			continue;
		le = uu_line(in, len, i, &next);
		for (i += 6, ns = i; i < le && in[i] >= '0' && in[i] <= '7';)
			i++;
		if (i == ns || (i < le && in[i] != ' ' && in[i] != '\t'))
			continue;
		while (i < le && (in[i] == ' ' || in[i] == '\t'))
			i++;
		ns = i;
		while (le > ns && (in[le - 1] == ' ' || in[le - 1] == '\t'))
			le--;
		if (name != NULL)
			dc_name(name, namelen, in + ns, le - ns);
		*begin = next;
		return 1;
	}
	return 0;
}

/* uu_decode - uuencoded lines up to "end" */
int
uu_decode(const uint8_t *in, size_t len, struct buf *out, uint64_t max,
    size_t *used)
{
	struct sink	 s;
	size_t		 ls, le, next, i;
	uint32_t	 acc;
	int		 n, k, j;

	sink_init(&s, out, max);
	*used = 0;
	for (ls = 0; ls < len; ls = next) {
		le = uu_line(in, len, ls, &next);
		if (uu_isend(in, ls, le)) {
			*used = next;
			break;
		}
		if (!uu_data(in, ls, le, &n))
			break;
		*used = next;
		if (n == 0) {
			/* the last line; "end" should follow */
			if (next < len) {
				ls = next;
				le = uu_line(in, len, ls, &next);
				if (uu_isend(in, ls, le))
					*used = next;
			}
			break;
		}
		for (i = ls + 1; n > 0; i += 4) {
			acc = 0;
			for (j = 0; j < 4; j++)
				acc = acc << 6 | (i + j < le ?
				    (uint32_t)((in[i + j] - 0x20) & 0x3f) : 0);
			for (k = 0; k < 3 && n > 0; k++, n--)
				if (sink_put(&s, acc >> (16 - 8 * k)) == -1)
					return -1;
		}
	}
	return sink_flush(&s);
}

/* binhex_find - locate the BinHex 4.0 banner and its data */
int
binhex_find(const uint8_t *in, size_t len, size_t *begin)
{
	static const char	 phrase[] =
	    "(this file must be converted with binhex";
	const size_t		 plen = sizeof(phrase) - 1;
	const uint8_t		*p;
	size_t			 at = 0, i, k;

	while (at + plen <= len) {
		p = memchr(in + at, '(', len - at - plen + 1);
		if (p == NULL)
			return 0;
		i = p - in;
		at = i + 1;
		for (k = 1; k < plen; k++) {
			uint8_t	 c = in[i + k];

			if (c >= 'A' && c <= 'Z')
				c += 'a' - 'A';
			if (c != (uint8_t)phrase[k])
				break;
		}
		if (k < plen)
			continue;
		p = memchr(in + i + plen, ':', len - i - plen);
		if (p == NULL)
			return 0;
		*begin = p - in;
		return 1;
	}
	return 0;
}

/*
 * bhx_byte - n copies of one byte of the decoded stream: header fields,
 * then the data fork; returns 1 when the data fork is complete
 */
static int
bhx_byte(struct bhx *b, uint8_t c, size_t n)
{
	size_t	 k, nl;
	int	 i;

	while (n > 0 && b->phase == 0) {
		b->hdr[b->hpos++] = c;
		n--;
		nl = b->hdr[0];
		if (b->hpos < nl + 22)
			continue;
		dc_name(b->name, b->namelen, b->hdr + 1, nl);
		b->dleft = 0;
		for (i = 0; i < 4; i++)
			b->dleft = b->dleft << 8 | b->hdr[nl + 12 + i];
		b->phase = b->dleft > 0 ? 1 : 2;
	}
	if (n > 0 && b->phase == 1) {
		k = n < b->dleft ? n : (size_t)b->dleft;
		if (sink_run(b->s, c, k) == -1)
			return -1;
		b->dleft -= k;
		if (b->dleft == 0)
			b->phase = 2;
	}
	return b->phase == 2;
}

/* bhx_rle - one byte before run-length expansion */
static int
bhx_rle(struct bhx *b, uint8_t c)
{
	if (b->marker) {
		b->marker = 0;
		if (c == 0) {
			b->prev = 0x90;
			b->haveprev = 1;
			return bhx_byte(b, 0x90, 1);
		}
		if (b->haveprev && c > 1)
			return bhx_byte(b, b->prev, c - 1);
		return 0;
	}
	if (c == 0x90) {
		b->marker = 1;
		return 0;
	}
	b->prev = c;
	b->haveprev = 1;
	return bhx_byte(b, c, 1);
}

/* binhex_decode - the data fork of BinHex 4.0 data */
int
binhex_decode(const uint8_t *in, size_t len, struct buf *out, uint64_t max,
    char *name, size_t namelen)
{
	struct sink	 s;
	struct bhx	 b;
	const uint8_t	*p;
	size_t		 i;
	uint32_t	 acc = 0;
	int		 nbits = 0, v, r = 0;

	if (name != NULL && namelen > 0)
		name[0] = '\0';
	sink_init(&s, out, max);
	memset(&b, 0, sizeof(b));
	b.s = &s;
	b.name = name;
	b.namelen = name != NULL ? namelen : 0;
	if (len == 0 || (p = memchr(in, ':', len)) == NULL)
		return 0;
	for (i = p - in + 1; i < len && in[i] != ':' && r == 0; i++) {
		if ((v = bhxval[in[i]]) < 0)
			continue;
		acc = (acc << 6 | (uint32_t)v) & 0xffff;
		nbits += 6;
		if (nbits < 8)
			continue;
		nbits -= 8;
		r = bhx_rle(&b, acc >> nbits);
	}
	if (r == -1)
		return -1;
	return sink_flush(&s);
}

/* cs_kind - which conversion a charset label asks for */
static enum cs_kind
cs_kind(const char *cs, size_t n)
{
	char	 low[DC_CSMAX];
	size_t	 i;

	while (n > 0 && (*cs == ' ' || *cs == '\t' || *cs == '"')) {
		cs++;
		n--;
	}
	while (n > 0 && (cs[n - 1] == ' ' || cs[n - 1] == '\t' ||
	    cs[n - 1] == '"'))
		n--;
	if (n == 0 || n >= sizeof(low))
		return CS_OTHER;
	for (i = 0; i < n; i++)
		low[i] = cs[i] >= 'A' && cs[i] <= 'Z' ? cs[i] + 'a' - 'A' :
		    cs[i];
	low[n] = '\0';
	for (i = 0; cs_utf8[i] != NULL; i++)
		if (strcmp(low, cs_utf8[i]) == 0)
			return CS_UTF8;
	for (i = 0; cs_1252[i] != NULL; i++)
		if (strcmp(low, cs_1252[i]) == 0)
			return CS_1252;
	if (strcmp(low, "utf-16le") == 0)
		return CS_UTF16LE;
	return CS_OTHER;
}

/*
 * u8_put - append code point cp at out[o] if all of it fits before cap;
 * returns the bytes written (0: no room)
 */
static size_t
u8_put(char *out, size_t o, size_t cap, uint32_t cp)
{
	size_t	 n = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;

	if (o > cap || cap - o < n)
		return 0;
	switch (n) {
	case 1:
		out[o] = (char)cp;
		break;
	case 2:
		out[o] = (char)(0xc0 | cp >> 6);
		out[o + 1] = (char)(0x80 | (cp & 0x3f));
		break;
	case 3:
		out[o] = (char)(0xe0 | cp >> 12);
		out[o + 1] = (char)(0x80 | (cp >> 6 & 0x3f));
		out[o + 2] = (char)(0x80 | (cp & 0x3f));
		break;
	default:
		out[o] = (char)(0xf0 | cp >> 18);
		out[o + 1] = (char)(0x80 | (cp >> 12 & 0x3f));
		out[o + 2] = (char)(0x80 | (cp >> 6 & 0x3f));
		out[o + 3] = (char)(0x80 | (cp & 0x3f));
		break;
	}
	return n;
}

/*
 * u8_seq - the UTF-8 sequence at p (n > 0 bytes left): returns its
 * length with *cp set, or the length of the maximal invalid subpart with
 * *cp = UINT32_MAX
 */
static size_t
u8_seq(const uint8_t *p, size_t n, uint32_t *cp)
{
	uint8_t	 c = p[0], lo = 0x80, hi = 0xbf;
	size_t	 need, i;
	uint32_t v;

	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	*cp = UINT32_MAX;
	if (c >= 0xc2 && c <= 0xdf) {
		need = 1;
		v = c & 0x1f;
	} else if (c >= 0xe0 && c <= 0xef) {
		need = 2;
		v = c & 0x0f;
		if (c == 0xe0)
			lo = 0xa0;
		else if (c == 0xed)
			hi = 0x9f;
	} else if (c >= 0xf0 && c <= 0xf4) {
		need = 3;
		v = c & 0x07;
		if (c == 0xf0)
			lo = 0x90;
		else if (c == 0xf4)
			hi = 0x8f;
	} else
		return 1;
	for (i = 1; i <= need; i++) {
		if (i >= n || p[i] < lo || p[i] > hi)
			return i;
		v = v << 6 | (p[i] & 0x3f);
		lo = 0x80;
		hi = 0xbf;
	}
	*cp = v;
	return need + 1;
}

/* cs_conv - convert to UTF-8 into out[0..cap), no NUL; returns length */
static size_t
cs_conv(enum cs_kind k, const uint8_t *in, size_t len, char *out,
    size_t cap)
{
	size_t		 i = 0, o = 0, n, w;
	uint32_t	 cp;

	while (i < len) {
		if (k == CS_UTF16LE) {
			n = u16_seq(in + i, len - i, &cp);
			if (cp == 0)
				break;		/* a NUL unit ends the text */
		} else if (k == CS_UTF8) {
			n = u8_seq(in + i, len - i, &cp);
			if (cp == UINT32_MAX)
				cp = '?';
		} else {
			n = 1;
			cp = in[i];
			if (cp >= 0x80)
				cp = k == CS_OTHER ? '?' : cp < 0xa0 ?
				    cp1252hi[cp - 0x80] : cp;
		}
		if ((w = u8_put(out, o, cap, cp)) == 0)
			break;
		o += w;
		i += n;
	}
	return o;
}

/*
 * u16_seq - the code point of the UTF-16LE unit (or surrogate pair) at in
 * ('?' for a lone surrogate or an odd last byte); returns the bytes used
 */
static size_t
u16_seq(const uint8_t *in, size_t len, uint32_t *cp)
{
	uint32_t	 u, lo;

	if (len < 2) {
		*cp = '?';
		return len;
	}
	u = get_le16(in);
	if (u >= 0xd800 && u < 0xdc00 && len >= 4 &&
	    (lo = get_le16(in + 2)) >= 0xdc00 && lo < 0xe000) {
		*cp = 0x10000 + ((u - 0xd800) << 10) + (lo - 0xdc00);
		return 4;
	}
	*cp = u >= 0xd800 && u < 0xe000 ? '?' : u;
	return 2;
}

/* charset_to_utf8 - convert a known charset to UTF-8 */
size_t
charset_to_utf8(const char *charset, const uint8_t *in, size_t len,
    char *out, size_t outlen)
{
	size_t	 o;

	if (outlen == 0)
		return 0;
	o = cs_conv(charset != NULL ? cs_kind(charset, strlen(charset)) :
	    CS_OTHER, in, len, out, outlen - 1);
	out[o] = '\0';
	return o;
}

/*
 * ew_parse - an encoded word "=?charset?X?text?=" at i: charset
 * [*cs, *cse) without a "*lang" suffix, encoding 'b' or 'q', text
 * [*ts, *te), *end after "?=".  *qe caches the position of the next "?="
 * at or after a text start (len: none left), keeping the scan linear.
 */
static int
ew_parse(const char *in, size_t len, size_t i, size_t *cs, size_t *cse,
    int *enc, size_t *ts, size_t *te, size_t *qe)
{
	const char	*p;
	size_t		 j;

	if (i + 2 > len || in[i] != '=' || in[i + 1] != '?')
		return 0;
	*cs = i + 2;
	for (j = *cs; j < len && in[j] != '?'; j++)
		if (in[j] == ' ' || in[j] == '\t' || in[j] == '\r' ||
		    in[j] == '\n' || j - *cs > DC_CSMAX)
			return 0;
	if (j == *cs || j + 3 > len || in[j + 2] != '?')
		return 0;
	if (in[j + 1] == 'b' || in[j + 1] == 'B')
		*enc = 'b';
	else if (in[j + 1] == 'q' || in[j + 1] == 'Q')
		*enc = 'q';
	else
		return 0;
	for (*cse = *cs; *cse < j && in[*cse] != '*'; (*cse)++)
		;
	*ts = j + 3;
	if (*qe < *ts) {
		p = *ts < len ? memmem(in + *ts, len - *ts, "?=", 2) : NULL;
		*qe = p != NULL ? (size_t)(p - in) : len;
	}
	if (*qe >= len)
		return 0;
	*te = *qe;
	return 1;
}

/*
 * ew_flush - convert pending bytes of charset cs to out[o..cap);
 * returns the new length
 */
static size_t
ew_flush(char *out, size_t o, size_t cap, const char *cs, size_t cslen,
    const uint8_t *p, size_t n)
{
	if (n == 0 || o >= cap)
		return o;
	return o + cs_conv(cs_kind(cs, cslen), p, n, out + o, cap - o);
}

/* rfc2047_decode - decode the encoded words of a header value */
size_t
rfc2047_decode(const char *in, size_t len, char *out, size_t outlen)
{
	struct b64st	 st = { 0, 0 };
	uint8_t		 pend[DC_WORDBUF + 3], o3[6];
	size_t		 cap, o = 0, i = 0, j, np = 0, qe = 0;
	size_t		 cs, cse, ts, te, pcs = 0, pcse = 0, ncs, ncse;
	int		 enc, inword = 0, hi, lo, k, x;

	if (outlen == 0)
		return 0;
	cap = outlen - 1;
	while (i < len && o < cap) {
		if (!ew_parse(in, len, i, &cs, &cse, &enc, &ts, &te, &qe)) {
			if (inword && (in[i] == ' ' || in[i] == '\t' ||
			    in[i] == '\r' || in[i] == '\n')) {
				for (j = i; j < len && (in[j] == ' ' ||
				    in[j] == '\t' || in[j] == '\r' ||
				    in[j] == '\n');)
					j++;
				if (ew_parse(in, len, j, &ncs, &ncse, &enc,
				    &ts, &te, &qe)) {
					i = j;	/* blanks between words */
					continue;
				}
			}
			o = ew_flush(out, o, cap, in + pcs, pcse - pcs,
			    pend, np);
			np = 0;
			inword = 0;
			if (o < cap)
				out[o++] = in[i];
			i++;
			continue;
		}
		if (np > 0 && (cse - cs != pcse - pcs ||
		    strncasecmp(in + cs, in + pcs, cse - cs) != 0)) {
			o = ew_flush(out, o, cap, in + pcs, pcse - pcs,
			    pend, np);
			np = 0;
		}
		pcs = cs;
		pcse = cse;
		for (j = ts; j < te; j++) {
			if (enc == 'b')
				k = b64_feed(&st, (uint8_t)in[j], o3);
			else if (in[j] == '_') {
				o3[0] = ' ';
				k = 1;
			} else if (in[j] == '=' && j + 2 < te &&
			    (hi = hexval(in[j + 1])) >= 0 &&
			    (lo = hexval(in[j + 2])) >= 0) {
				o3[0] = hi << 4 | lo;
				k = 1;
				j += 2;
			} else {
				o3[0] = in[j];
				k = 1;
			}
			if (enc == 'b' && j + 1 == te)
				k += b64_end(&st, o3 + k);
			for (x = 0; x < k; x++)
				pend[np++] = o3[x];
			if (np >= DC_WORDBUF) {
				o = ew_flush(out, o, cap, in + pcs,
				    pcse - pcs, pend, np);
				np = 0;
			}
		}
		st.n = 0;
		st.acc = 0;
		inword = 1;
		i = te + 2;
	}
	o = ew_flush(out, o, cap, in + pcs, pcse - pcs, pend, np);
	out[o] = '\0';
	return o;
}
