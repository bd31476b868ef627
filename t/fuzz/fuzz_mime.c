/*
 * fuzz_mime.c - libFuzzer harness for workers/mime.c and workers/decode.c
 *
 * Every input is parsed as a message twice (small limits, then the
 * defaults) and checked against what mime.h promises: parts[0] spans the
 * buffer, offsets are ordered and inside the parent's body, parents come
 * before children, depths follow the tree, siblings do not overlap,
 * strings are NUL-terminated and names clean.  Every part is decoded and
 * its Content-Type field looked up.  The input is also split as an mbox
 * and each message parsed.  Then the decoders run on the raw input with
 * several bounds: a bounded run must give exactly the first max bytes of
 * the unbounded one (and AV_ELIMIT when it had more), charset conversion
 * must produce valid UTF-8, and nothing may write past outlen.  A broken
 * invariant aborts, which libFuzzer reports.
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "av/averr.h"
#include "util/buf.h"
#include "workers/decode.h"
#include "workers/mime.h"

#define FZ_OUTMAX	300

int	 LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* mbox_walk() state */
struct fz_walk {
	const uint8_t	*buf;
	size_t		 len;
	size_t		 next;		/* messages come in order */
	int		 n;
};

enum fz_dec {
	FZ_B64,
	FZ_QP,
	FZ_UU,
	FZ_BINHEX
};

static void	 fz_strok(const char *, size_t);
static void	 fz_utf8(const char *, size_t);
static void	 fz_check(const uint8_t *, size_t, const struct mime_msg *);
static void	 fz_parse(const uint8_t *, size_t, const struct mime_limits *);
static int	 fz_walk(void *, size_t, size_t);
static int	 fz_run(enum fz_dec, const uint8_t *, size_t, struct buf *,
		    uint64_t);
static void	 fz_decoders(const uint8_t *, size_t);
static void	 fz_words(const uint8_t *, size_t);

/* fz_strok - a NUL inside the array */
static void
fz_strok(const char *s, size_t n)
{
	if (memchr(s, '\0', n) == NULL)
		abort();
}

/* fz_utf8 - s[0, n) is valid UTF-8 */
static void
fz_utf8(const char *s, size_t n)
{
	const uint8_t	*p = (const uint8_t *)s;
	size_t		 i = 0, k, need;
	uint32_t	 cp;

	while (i < n) {
		if (p[i] < 0x80) {
			i++;
			continue;
		}
		if (p[i] >= 0xc2 && p[i] <= 0xdf)
			need = 1;
		else if (p[i] >= 0xe0 && p[i] <= 0xef)
			need = 2;
		else if (p[i] >= 0xf0 && p[i] <= 0xf4)
			need = 3;
		else
			abort();
		if (n - i < need + 1)
			abort();
		cp = p[i] & (0x3f >> need);
		for (k = 1; k <= need; k++) {
			if ((p[i + k] & 0xc0) != 0x80)
				abort();
			cp = cp << 6 | (p[i + k] & 0x3f);
		}
		if ((need == 2 && cp < 0x800) || (need == 3 && cp < 0x10000) ||
		    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
			abort();
		i += need + 1;
	}
}

/* fz_check - the invariants of a parse */
static void
fz_check(const uint8_t *buf, size_t len, const struct mime_msg *m)
{
	const struct mime_part	*p, *q;
	struct buf		 out;
	size_t			 s, e, k;
	uint32_t		 i, j, last[64];
	int			 rc;

	if (m->nparts < 1 || m->nparts > m->lim.max_parts)
		abort();
	p = &m->parts[0];
	if (p->parent != UINT32_MAX || p->depth != 0 || p->start != 0 ||
	    p->end != len)
		abort();
	for (i = 0; i < m->nparts && i < 64; i++)
		last[i] = UINT32_MAX;
	buf_init(&out);
	for (i = 0; i < m->nparts; i++) {
		p = &m->parts[i];
		if (p->start > p->hdr_end || p->hdr_end > p->end ||
		    p->end > len || p->depth > m->lim.max_depth)
			abort();
		fz_strok(p->type, sizeof(p->type));
		fz_strok(p->charset, sizeof(p->charset));
		fz_strok(p->boundary, sizeof(p->boundary));
		fz_strok(p->filename, sizeof(p->filename));
		for (k = 0; p->filename[k] != '\0'; k++)
			if ((uint8_t)p->filename[k] < 0x20 ||
			    p->filename[k] == 0x7f || p->filename[k] == '/')
				abort();
		for (k = 0; p->type[k] != '\0'; k++)
			if (p->type[k] >= 'A' && p->type[k] <= 'Z')
				abort();
		if (strchr(p->type, '/') == NULL)
			abort();
		if ((p->flags & MIME_F_MULTIPART) &&
		    strncmp(p->type, "multipart/", 10) != 0)
			abort();
		if ((p->flags & MIME_F_MESSAGE) &&
		    (strncmp(p->type, "message/", 8) != 0 ||
		    p->enc != MIME_ENC_IDENTITY))
			abort();
		if (i > 0) {
			if (p->parent >= i)
				abort();
			q = &m->parts[p->parent];
			if (p->depth != q->depth + 1 || p->start < q->hdr_end ||
			    p->end > q->end || p->number < 1)
				abort();
			if (!(q->flags & (MIME_F_MULTIPART | MIME_F_MESSAGE)))
				abort();
			if ((q->flags & MIME_F_MESSAGE) &&
			    (p->start != q->hdr_end || p->number != 1))
				abort();
			if (p->parent < 64) {
				j = last[p->parent];
				if (j != UINT32_MAX &&
				    (m->parts[j].end > p->start ||
				    m->parts[j].number >= p->number))
					abort();
				last[p->parent] = i;
			}
		}
		/* decoding stays in the body and within its bound */
		out.len = 0;
		errno = 0;
		rc = mime_decode(buf, len, p, &m->lim, &out);
		if (rc == -1 && errno != AV_ELIMIT)
			abort();
		if (out.len > m->lim.max_decoded)
			abort();
		if (p->enc == MIME_ENC_IDENTITY && rc == 0 &&
		    (out.len != p->end - p->hdr_end || (out.len > 0 &&
		    memcmp(out.data, buf + p->hdr_end, out.len) != 0)))
			abort();
		if (mime_field(buf, len, p, "content-type", &s, &e) == 0) {
			if (s < p->start || e > p->hdr_end || s >= e ||
			    strncasecmp((const char *)buf + s, "content-type",
			    12) != 0)
				abort();
		} else if (errno != ENOENT)
			abort();
	}
	buf_clear(&out);
}

/* fz_parse - parse with limits and check */
static void
fz_parse(const uint8_t *buf, size_t len, const struct mime_limits *lim)
{
	struct mime_msg	 m;

	if (mime_parse(buf, len, lim, &m) == -1)
		abort();
	fz_check(buf, len, &m);
	mime_free(&m);
}

/* fz_walk - one mbox message */
static int
fz_walk(void *arg, size_t off, size_t len)
{
	struct fz_walk		*w = arg;
	struct mime_limits	 lim = { 16, 4, 1024 };

	if (off < w->next || off > w->len || len > w->len - off)
		abort();
	w->next = off + len;
	if (w->n++ < 8)
		fz_parse(w->buf + off, len, &lim);
	return 0;
}

/* fz_run - one decoder */
static int
fz_run(enum fz_dec d, const uint8_t *in, size_t len, struct buf *out,
    uint64_t max)
{
	char	 name[16];
	size_t	 at, used = 0;
	int	 rc = 0;

	switch (d) {
	case FZ_B64:
		rc = b64_decode(in, len, out, max);
		break;
	case FZ_QP:
		rc = qp_decode(in, len, out, max);
		break;
	case FZ_UU:
		if (uu_find(in, len, &at, name, sizeof(name))) {
			if (at > len)
				abort();
			fz_strok(name, sizeof(name));
			if (strchr(name, '/') != NULL)
				abort();
		} else
			at = 0;
		rc = uu_decode(in + at, len - at, out, max, &used);
		if (used > len - at)
			abort();
		break;
	case FZ_BINHEX:
		if (binhex_find(in, len, &at)) {
			if (at >= len || in[at] != ':')
				abort();
		} else
			at = 0;
		rc = binhex_decode(in + at, len - at, out, max, name,
		    sizeof(name));
		fz_strok(name, sizeof(name));
		break;
	}
	if (rc == -1 && errno != AV_ELIMIT)
		abort();
	return rc;
}

/* fz_decoders - bounded runs agree with the unbounded one */
static void
fz_decoders(const uint8_t *buf, size_t len)
{
	static const uint64_t	 maxes[] = { 1, 3, 64, 4097 };
	struct buf		 full, part;
	size_t			 k;
	int			 d, rc;

	if (len == 0)
		return;
	buf_init(&full);
	buf_init(&part);
	for (d = FZ_B64; d <= FZ_BINHEX; d++) {
		full.len = 0;
		if (fz_run(d, buf, len, &full, 0) != 0)
			abort();
		for (k = 0; k < sizeof(maxes) / sizeof(maxes[0]); k++) {
			part.len = 0;
			errno = 0;
			rc = fz_run(d, buf, len, &part, maxes[k]);
			if (full.len > maxes[k]) {
				if (rc != -1 || errno != AV_ELIMIT ||
				    part.len != maxes[k])
					abort();
			} else if (rc != 0 || part.len != full.len)
				abort();
			if (part.len > 0 &&
			    memcmp(part.data, full.data, part.len) != 0)
				abort();
		}
	}
	buf_clear(&full);
	buf_clear(&part);
}

/* fz_words - RFC 2047 and charsets, with several output sizes */
static void
fz_words(const uint8_t *buf, size_t len)
{
	static const size_t	 outlens[] = { 1, 2, 3, 5, 17, FZ_OUTMAX };
	static const char *const cs[] = {
		"utf-8", "windows-1252", "us-ascii", "koi8-r", "", NULL
	};
	char			 out[FZ_OUTMAX + 1];
	size_t			 k, c, n;

	for (k = 0; k < sizeof(outlens) / sizeof(outlens[0]); k++) {
		out[outlens[k]] = 0x5a;
		n = rfc2047_decode((const char *)buf, len, out, outlens[k]);
		if (n >= outlens[k] || out[n] != '\0' ||
		    out[outlens[k]] != 0x5a)
			abort();
		for (c = 0; c < sizeof(cs) / sizeof(cs[0]); c++) {
			n = charset_to_utf8(cs[c], buf, len, out, outlens[k]);
			if (n >= outlens[k] || out[n] != '\0' ||
			    out[outlens[k]] != 0x5a)
				abort();
			fz_utf8(out, n);
		}
	}
}

/* LLVMFuzzerTestOneInput - one input */
int
LLVMFuzzerTestOneInput(const uint8_t *buf, size_t len)
{
	struct mime_limits	 small = { 8, 3, 256 };
	struct fz_walk		 w;

	fz_parse(buf, len, &small);
	fz_parse(buf, len, NULL);
	(void)mime_is_message(buf, len);
	memset(&w, 0, sizeof(w));
	w.buf = buf;
	w.len = len;
	if (mbox_walk(buf, len, fz_walk, &w) != 0 || w.n < 1)
		abort();
	fz_decoders(buf, len);
	fz_words(buf, len);
	return 0;
}
