/*
 * pdf.c - the streams of a PDF file
 *
 * DESCRIPTION
 *	One forward pass over the file looks for the "stream" keyword.  A
 *	match counts when it is a keyword (not the end of "endstream"),
 *	follows a dictionary (">>" before it, blanks aside) and is followed
 *	by an end of line.  The dictionary is looked for between the keyword
 *	and the last "obj" before it, never before the end of the previous
 *	stream, so that the backward searches together cover the file at
 *	most once.  Its /Length (a direct number; "N G R" references are
 *	not followed) and /Filter (a name or an array of names) are read
 *	from there.  The stream's data ends at /Length when "endstream"
 *	follows it there, else at the next "endstream" less the end of line
 *	before it, else at the end of the file (damage).  The search goes on
 *	after the data, so that nothing inside a stream is taken for a
 *	keyword.
 *
 *	Decoding runs the filters in their order, each into a buffer bounded
 *	by the member's stop count (lgwalk.h), so that a deflate bomb costs
 *	at most that.  A deflate stream that stops before its end marker is
 *	what many producers write and is not damage; bad deflate data is.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include <zlib.h>

#include "util/buf.h"
#include "workers/lgwalk.h"
#include "workers/pdf.h"

#define PDF_KW		"stream"
#define PDF_KWLEN	6
#define PDF_END		"endstream"
#define PDF_ENDLEN	9
#define PDF_MAXFILTERS	8
#define PDF_CHUNK	16384

enum pdf_filter {
	PF_FLATE,
	PF_AHX,
	PF_A85,
	PF_OTHER
};

/* one stream found in the file */
struct pdf_stream {
	size_t		 start;		/* data */
	size_t		 end;
	int		 cut;		/* the file ended first */
	long long	 obj;		/* object number, -1 */
	enum pdf_filter	 filters[PDF_MAXFILTERS];
	int		 nfilters;
};

static int	 pdf_isws(uint8_t);
static int	 pdf_isdelim(uint8_t);
static int	 pdf_find(const uint8_t *, size_t, size_t, size_t,
		    struct pdf_stream *, size_t *);
static long long pdf_objnum(const uint8_t *, size_t, size_t, size_t *);
static const uint8_t *pdf_key(const uint8_t *, size_t, size_t, const char *);
static long long pdf_length(const uint8_t *, size_t, size_t);
static void	 pdf_filters(const uint8_t *, size_t, size_t,
		    struct pdf_stream *);
static enum pdf_filter pdf_fname(const uint8_t *, size_t);
static int	 pdf_decode(const uint8_t *, size_t, const struct pdf_stream *,
		    uint64_t, struct buf *, int *);
static int	 pdf_inflate(const uint8_t *, size_t, uint64_t, struct buf *,
		    int *);
static int	 pdf_ahx(const uint8_t *, size_t, struct buf *);
static int	 pdf_a85(const uint8_t *, size_t, struct buf *);
static int	 pdf_member(struct lg_walk *, const uint8_t *,
		    const struct pdf_stream *, struct buf *);
static int	 pdf_sealed(struct lg_walk *, const struct pdf_stream *);
static void	 pdf_name(struct lg_walk *, const struct pdf_stream *);

/* pdf_isws - PDF white space */
static int
pdf_isws(uint8_t c)
{
	return c == 0 || c == '\t' || c == '\n' || c == '\f' || c == '\r' ||
	    c == ' ';
}

/* pdf_isdelim - a PDF delimiter or white space: where a token ends */
static int
pdf_isdelim(uint8_t c)
{
	return pdf_isws(c) || c == '(' || c == ')' || c == '<' || c == '>' ||
	    c == '[' || c == ']' || c == '{' || c == '}' || c == '/' ||
	    c == '%';
}

/*
 * pdf_find - the next stream whose keyword is at or after pos; floor: no
 * dictionary is looked for before it.  Returns 1 (*s filled, *next where
 * the search goes on) or 0.
 */
static int
pdf_find(const uint8_t *buf, size_t len, size_t pos, size_t floor,
    struct pdf_stream *s, size_t *next)
{
	const uint8_t	*p, *q;
	size_t		 at, d, k, lo, dict;
	long long	 n;

	while (pos + PDF_KWLEN <= len && (p = memmem(buf + pos, len - pos,
	    PDF_KW, PDF_KWLEN)) != NULL) {
		at = (size_t)(p - buf);
		pos = at + PDF_KWLEN;
		if (at >= 3 && memcmp(buf + at - 3, "end", 3) == 0)
			continue;
		d = at + PDF_KWLEN;
		if (d < len && buf[d] == '\r')
			d++;
		if (d < len && buf[d] == '\n')
			d++;
		if (d == at + PDF_KWLEN && d < len)
			continue;	/* "streamX": not the keyword */
		for (k = at; k > floor && pdf_isws(buf[k - 1]); k--)
			continue;
		if (k < floor + 2 || buf[k - 1] != '>' || buf[k - 2] != '>')
			continue;
		/* the dictionary: back to "obj", or to the floor */
		memset(s, 0, sizeof(*s));
		s->obj = pdf_objnum(buf, floor, k, &lo);
		dict = lo;
		pdf_filters(buf, dict, k, s);
		n = pdf_length(buf, dict, k);
		s->start = d;
		if (n >= 0 && (uint64_t)n <= len - d) {
			for (q = buf + d + n; q < buf + len && pdf_isws(*q); q++)
				continue;
			if ((size_t)(buf + len - q) >= PDF_ENDLEN &&
			    memcmp(q, PDF_END, PDF_ENDLEN) == 0) {
				s->end = d + (size_t)n;
				*next = s->end;
				return 1;
			}
		}
		if ((p = memmem(buf + d, len - d, PDF_END, PDF_ENDLEN)) ==
		    NULL) {
			s->end = len;
			s->cut = 1;
		} else {
			s->end = (size_t)(p - buf);
			if (s->end > d && buf[s->end - 1] == '\n')
				s->end--;
			if (s->end > d && buf[s->end - 1] == '\r')
				s->end--;
		}
		*next = s->end;
		return 1;
	}
	return 0;
}

/*
 * pdf_objnum - the number of the "N G obj" that opens the dictionary
 * ending at k (searched back to floor), -1 if none; *lo gets where the
 * dictionary may start
 */
static long long
pdf_objnum(const uint8_t *buf, size_t floor, size_t k, size_t *lo)
{
	size_t		 i, j, e;
	long long	 n = 0;

	*lo = floor;
	for (i = k; i >= floor + 3; i--) {
		if (memcmp(buf + i - 3, "obj", 3) != 0 ||
		    (i < k && !pdf_isdelim(buf[i])))
			continue;
		*lo = i;
		/* blanks, the generation, blanks, the number */
		j = i - 3;
		while (j > floor && pdf_isws(buf[j - 1]))
			j--;
		if (j == i - 3)
			return -1;
		while (j > floor && buf[j - 1] >= '0' && buf[j - 1] <= '9')
			j--;
		while (j > floor && pdf_isws(buf[j - 1]))
			j--;
		for (e = j; j > floor && buf[j - 1] >= '0' &&
		    buf[j - 1] <= '9'; j--)
			continue;
		if (j == e || e - j > 12)
			return -1;
		for (; j < e; j++)
			n = n * 10 + (buf[j] - '0');
		return n;
	}
	return -1;
}

/* pdf_key - the byte after the name key (e.g. "/Length") in [lo, hi) */
static const uint8_t *
pdf_key(const uint8_t *buf, size_t lo, size_t hi, const char *key)
{
	const uint8_t	*p;
	size_t		 n = strlen(key), at = lo;

	while (at < hi && (p = memmem(buf + at, hi - at, key, n)) != NULL) {
		at = (size_t)(p - buf) + n;
		if (at >= hi || pdf_isdelim(buf[at]))
			return buf + at;
	}
	return NULL;
}

/* pdf_length - a direct /Length in [lo, hi), or -1 */
static long long
pdf_length(const uint8_t *buf, size_t lo, size_t hi)
{
	const uint8_t	*p, *end = buf + hi, *q;
	long long	 n = 0;
	int		 digits = 0;

	if ((p = pdf_key(buf, lo, hi, "/Length")) == NULL)
		return -1;
	while (p < end && pdf_isws(*p))
		p++;
	for (; p < end && *p >= '0' && *p <= '9' && digits < 15; p++) {
		n = n * 10 + (*p - '0');
		digits++;
	}
	if (digits == 0)
		return -1;
	/* "N G R" is a reference, not a length */
	for (q = p; q < end && pdf_isws(*q); q++)
		continue;
	if (q > p && q < end && *q >= '0' && *q <= '9') {
		while (q < end && *q >= '0' && *q <= '9')
			q++;
		while (q < end && pdf_isws(*q))
			q++;
		if (q < end && *q == 'R')
			return -1;
	}
	return n;
}

/* pdf_filters - the /Filter chain in [lo, hi) */
static void
pdf_filters(const uint8_t *buf, size_t lo, size_t hi, struct pdf_stream *s)
{
	const uint8_t	*p, *end = buf + hi, *q;
	int		 array = 0;

	if ((p = pdf_key(buf, lo, hi, "/Filter")) == NULL)
		return;
	while (p < end && pdf_isws(*p))
		p++;
	if (p < end && *p == '[') {
		array = 1;
		p++;
	}
	while (p < end && s->nfilters < PDF_MAXFILTERS) {
		while (p < end && pdf_isws(*p))
			p++;
		if (p >= end || *p != '/')
			break;
		for (q = ++p; q < end && !pdf_isdelim(*q); q++)
			continue;
		s->filters[s->nfilters++] = pdf_fname(p, (size_t)(q - p));
		p = q;
		if (!array)
			break;
	}
}

/* pdf_fname - a filter by its name (and its abbreviation) */
static enum pdf_filter
pdf_fname(const uint8_t *p, size_t n)
{
	static const struct {
		const char	*name;
		enum pdf_filter	 f;
	} names[] = {
		{ "FlateDecode", PF_FLATE }, { "Fl", PF_FLATE },
		{ "ASCIIHexDecode", PF_AHX }, { "AHx", PF_AHX },
		{ "ASCII85Decode", PF_A85 }, { "A85", PF_A85 },
	};
	size_t	 i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strlen(names[i].name) == n &&
		    memcmp(names[i].name, p, n) == 0)
			return names[i].f;
	return PF_OTHER;
}

/*
 * pdf_decode - the stream's data through its filters into out, at most
 * max bytes at each step; *damaged set when the data is bad.  Returns 0,
 * or -1 (ENOMEM).
 */
static int
pdf_decode(const uint8_t *data, size_t n, const struct pdf_stream *s,
    uint64_t max, struct buf *out, int *damaged)
{
	struct buf	 tmp[2];
	const uint8_t	*in = data;
	size_t		 inlen = n;
	int		 i, cur = 0, rc = 0;

	buf_init(&tmp[0]);
	buf_init(&tmp[1]);
	for (i = 0; i < s->nfilters && s->filters[i] != PF_OTHER; i++) {
		tmp[cur].len = 0;
		switch (s->filters[i]) {
		case PF_FLATE:
			rc = pdf_inflate(in, inlen, max, &tmp[cur], damaged);
			break;
		case PF_AHX:
			rc = pdf_ahx(in, inlen, &tmp[cur]);
			break;
		case PF_A85:
			rc = pdf_a85(in, inlen, &tmp[cur]);
			break;
		case PF_OTHER:
			break;
		}
		if (rc == -1)
			goto done;
		in = tmp[cur].data != NULL ? tmp[cur].data :
		    (const uint8_t *)"";
		inlen = tmp[cur].len;
		if (inlen > max)
			inlen = (size_t)max;
		cur ^= 1;
	}
	buf_add(out, in, inlen);
	if (out->failed) {
		errno = ENOMEM;
		rc = -1;
	}
done:
	buf_clear(&tmp[0]);
	buf_clear(&tmp[1]);
	return rc;
}

/*
 * pdf_inflate - zlib data (or raw deflate) into out, at most max bytes;
 * *damaged when the data is bad.  Returns 0, or -1 (ENOMEM).
 */
static int
pdf_inflate(const uint8_t *in, size_t n, uint64_t max, struct buf *out,
    int *damaged)
{
	uint8_t		 chunk[PDF_CHUNK];
	z_stream	 z;
	size_t		 got;
	int		 zr, raw;

	for (raw = 0; raw < 2; raw++) {
		memset(&z, 0, sizeof(z));
		if (inflateInit2(&z, raw ? -15 : 15 + 32) != Z_OK) {
			errno = ENOMEM;
			return -1;
		}
		z.next_in = (Bytef *)(uintptr_t)in;
		z.avail_in = n > UINT_MAX ? UINT_MAX : (uInt)n;
		do {
			z.next_out = chunk;
			z.avail_out = sizeof(chunk);
			zr = inflate(&z, Z_NO_FLUSH);
			got = sizeof(chunk) - z.avail_out;
			if (got > max - out->len)
				got = (size_t)(max - out->len);
			buf_add(out, chunk, got);
			if (out->failed) {
				inflateEnd(&z);
				errno = ENOMEM;
				return -1;
			}
		} while (zr == Z_OK && out->len < max &&
		    (z.avail_in > 0 || z.avail_out == 0));
		inflateEnd(&z);
		/* no zlib header at all: try the data as raw deflate */
		if (zr == Z_DATA_ERROR && out->len == 0 && !raw)
			continue;
		if (zr == Z_DATA_ERROR || zr == Z_NEED_DICT)
			*damaged = 1;
		break;
	}
	return 0;
}

/* pdf_ahx - ASCIIHexDecode, up to '>' or a character outside it */
static int
pdf_ahx(const uint8_t *in, size_t n, struct buf *out)
{
	size_t	 i;
	int	 hi = -1, v;
	uint8_t	 c;

	for (i = 0; i < n && in[i] != '>'; i++) {
		c = in[i];
		if (pdf_isws(c))
			continue;
		if (c >= '0' && c <= '9')
			v = c - '0';
		else if ((c | 0x20) >= 'a' && (c | 0x20) <= 'f')
			v = (c | 0x20) - 'a' + 10;
		else
			break;
		if (hi < 0)
			hi = v;
		else {
			c = (uint8_t)(hi << 4 | v);
			buf_add(out, &c, 1);
			hi = -1;
		}
	}
	if (hi >= 0) {
		c = (uint8_t)(hi << 4);
		buf_add(out, &c, 1);
	}
	if (out->failed) {
		errno = ENOMEM;
		return -1;
	}
	return 0;
}

/* pdf_a85 - ASCII85Decode, up to "~>" or a character outside it */
static int
pdf_a85(const uint8_t *in, size_t n, struct buf *out)
{
	uint8_t		 b[4];
	uint32_t	 v = 0;
	size_t		 i;
	int		 k = 0, j;
	uint8_t		 c;

	for (i = 0; i < n && in[i] != '~'; i++) {
		c = in[i];
		if (pdf_isws(c))
			continue;
		if (c == 'z' && k == 0) {
			memset(b, 0, 4);
			buf_add(out, b, 4);
			continue;
		}
		if (c < '!' || c > 'u')
			break;
		/* five digits of base 85 make 32 bits; more is junk */
		if (k == 4 && (uint64_t)v * 85 + (c - '!') > UINT32_MAX)
			break;
		v = v * 85 + (c - '!');
		if (++k == 5) {
			for (j = 0; j < 4; j++)
				b[j] = (uint8_t)(v >> (24 - 8 * j));
			buf_add(out, b, 4);
			v = 0;
			k = 0;
		}
	}
	if (k > 1) {
		/* a last group of k digits makes k - 1 bytes, padded with u */
		for (j = k; j < 5; j++)
			v = v * 85 + 84;
		for (j = 0; j < k - 1; j++)
			b[j] = (uint8_t)(v >> (24 - 8 * j));
		buf_add(out, b, (size_t)(k - 1));
	}
	if (out->failed) {
		errno = ENOMEM;
		return -1;
	}
	return 0;
}

/*
 * pdf_member - decode one stream and deliver it: 1 to stop the walk, 0
 * to go on, -1 (ENOMEM)
 */
static int
pdf_member(struct lg_walk *w, const uint8_t *buf, const struct pdf_stream *s,
    struct buf *out)
{
	struct lg_cap	 cap;
	int		 damaged = s->cut, flags;
	size_t		 kept;

	if (lg_begin(w, &cap))
		return 1;
	pdf_name(w, s);
	out->len = 0;
	if (pdf_decode(buf + s->start, s->end - s->start, s, cap.stop, out,
	    &damaged) == -1)
		return -1;
	if (damaged)
		lg_corrupt(w, s->cut ? "stream cut short" : "bad deflate data");
	kept = out->len < cap.keep ? out->len : (size_t)cap.keep;
	flags = damaged ? LG_DAMAGED : 0;
	return lg_end(w, &cap, out->data, kept, out->len, flags);
}

/* pdf_sealed - deliver a stream of an encrypted file: 1 to stop */
static int
pdf_sealed(struct lg_walk *w, const struct pdf_stream *s)
{
	struct lg_cap	 cap;

	if (lg_begin(w, &cap))
		return 1;
	pdf_name(w, s);
	return lg_encrypted(w);
}

/* pdf_name - the member's name: its object, or where its data is */
static void
pdf_name(struct lg_walk *w, const struct pdf_stream *s)
{
	char	 name[48];

	if (s->obj >= 0)
		snprintf(name, sizeof(name), "obj%lld", s->obj);
	else
		snprintf(name, sizeof(name), "stream@%zu", s->start);
	lg_name(w, name);
}

/* pdf_walk - call cb for every stream of the PDF file in buf */
int
pdf_walk(const uint8_t *buf, size_t len, const struct arc_limits *lim,
    int (*cb)(void *, const struct arc_entry *), void *arg,
    struct arc_result *res)
{
	struct lg_walk		 w;
	struct pdf_stream	 s;
	struct buf		 out;
	size_t			 pos = 0, next, floor = 0;
	int			 encrypted, r = 0, ret = 0;

	lg_init(&w, len, lim, cb, arg, res);
	if (buf == NULL)
		return lg_finish(&w, 0);
	encrypted = memmem(buf, len, "/Encrypt", 8) != NULL;
	buf_init(&out);
	while (pdf_find(buf, len, pos, floor, &s, &next)) {
		if (encrypted)
			r = pdf_sealed(&w, &s);
		else
			r = pdf_member(&w, buf, &s, &out);
		if (r != 0)
			break;
		pos = floor = next;
	}
	if (r == -1)
		ret = -1;
	buf_clear(&out);
	return lg_finish(&w, ret);
}
