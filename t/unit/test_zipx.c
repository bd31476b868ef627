/*
 * test_zipx.c - unit tests for workers/zipx.c
 *
 * Deflate64: clam.d64.zip from Debian's clamav-testfiles (skipped when
 * the package is absent); archives made at test time by 7-Zip
 * ("7z a -tzip -mm=Deflate64", skipped without 7z) over data with long
 * matches and distances past 32 KiB; streams built here bit by bit:
 * stored blocks, the fixed code, a dynamic code sent with all three
 * repeat codes, length code 285 with its 16 extra bits, distance codes
 * 30 and 31, then damage (every cut of a stream, bad codes, distances
 * too far, over-subscribed codes) and bounds.
 *
 * Implode: clam.impl.zip, and a small encoder below (APPNOTE 5.3:
 * Shannon-Fano trees sent as runs of bit lengths, greedy matches from a
 * hash chain), round-tripped in the four variants of flag bits 1 and 2,
 * with matches before the start of the output, the extra length byte,
 * usize, bounds, cuts and bad trees.
 *
 * zipx_walk(): archives built here (local headers, data descriptors,
 * central directory, ZIP64 extra fields and end records): only methods 6
 * and 9 delivered, names cleaned, encrypted members, CRC mismatch, no or
 * a short central directory, data before the archive, duplicate and
 * out-of-range offsets, lying sizes, and every limit of archive.h.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <zlib.h>

#include "av/averr.h"
#include "util/buf.h"
#include "util/digest.h"
#include "workers/archive.h"
#include "workers/zipx.h"

#ifndef CLAMDIR
#define CLAMDIR		"/usr/share/clamav-testfiles"
#endif
#define nitems(a)	(sizeof(a) / sizeof((a)[0]))
#define CLAMSHA		"71e7b604d18aefd839e51a39c88df838" \
			"3bb4c071dc31f87f00a2b5df580d4495"
#define MAXGOT		16

/* ------------------------------------------------------------------ */
/* helpers */

/* one member a walk delivered */
struct gotm {
	char		 name[ARC_MAXNAME];
	uint8_t		*data;
	size_t		 len;
	int		 encrypted;
	int		 truncated;
	int		 damaged;
};

/* what a walk delivered */
struct got {
	struct gotm	 m[MAXGOT];
	int		 n;
	int		 stop_at;	/* return 1 from this member on */
};

/* a pseudo-random byte stream (xorshift), the same on every run */
static uint32_t	 rnd_state = 2463534242u;

/* rnd - next pseudo-random number */
static uint32_t
rnd(void)
{
	rnd_state ^= rnd_state << 13;
	rnd_state ^= rnd_state >> 17;
	rnd_state ^= rnd_state << 5;
	return rnd_state;
}

/* got_cb - keep a copy of the member */
static int
got_cb(void *arg, const struct arc_entry *e)
{
	struct got	*g = arg;
	struct gotm	*m;

	assert_true(g->n < MAXGOT);
	m = &g->m[g->n++];
	snprintf(m->name, sizeof(m->name), "%s", e->name);
	m->len = e->len;
	m->data = malloc(e->len + 1);
	assert_non_null(m->data);
	if (e->len > 0)
		memcpy(m->data, e->data, e->len);
	m->encrypted = e->encrypted;
	m->truncated = e->truncated;
	m->damaged = e->damaged;
	return g->stop_at >= 0 && g->n > g->stop_at;
}

/* got_free - free the copies */
static void
got_free(struct got *g)
{
	int	 i;

	for (i = 0; i < g->n; i++)
		free(g->m[i].data);
	g->n = 0;
}

/* walk - zipx_walk() into g */
static int
walk(const uint8_t *buf, size_t len, const struct arc_limits *lim,
    struct got *g, struct arc_result *res)
{
	int	 rc;

	g->n = 0;
	rc = zipx_walk(buf, len, lim, got_cb, g, res);
	return rc;
}

/* load - a whole file, or NULL */
static uint8_t *
load(const char *path, size_t *len)
{
	FILE	*fp;
	struct buf b;
	uint8_t	 chunk[65536];
	size_t	 n;

	if ((fp = fopen(path, "rb")) == NULL)
		return NULL;
	buf_init(&b);
	while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0)
		buf_add(&b, chunk, n);
	fclose(fp);
	assert_false(b.failed);
	buf_add(&b, "", 1);
	*len = b.len - 1;
	return b.data;
}

/* sha256hex - the SHA-256 of p in hex */
static void
sha256hex(const uint8_t *p, size_t n, char hex[65])
{
	uint8_t	 md[DIGEST_MAXLEN];
	int	 i;

	assert_int_equal(digest_buf(DIGEST_SHA256, p, n, md), 0);
	for (i = 0; i < 32; i++)
		snprintf(hex + 2 * i, 3, "%02x", md[i]);
}

/* ------------------------------------------------------------------ */
/* bit writer: LSB first, Huffman codes most significant bit first */

struct bw {
	struct buf	*b;
	uint64_t	 acc;
	unsigned int	 n;
};

/* bw_bits - n bits of v */
static void
bw_bits(struct bw *w, uint32_t v, unsigned int n)
{
	uint8_t	 c;

	w->acc |= (uint64_t)(n < 32 ? v & ((1u << n) - 1) : v) << w->n;
	w->n += n;
	while (w->n >= 8) {
		c = (uint8_t)w->acc;
		buf_add(w->b, &c, 1);
		w->acc >>= 8;
		w->n -= 8;
	}
}

/* bw_code - a code of len bits, its first bit the most significant */
static void
bw_code(struct bw *w, uint32_t code, unsigned int len)
{
	while (len-- > 0)
		bw_bits(w, code >> len & 1, 1);
}

/* bw_align - pad with zeros to a byte */
static void
bw_align(struct bw *w)
{
	if (w->n % 8 != 0)
		bw_bits(w, 0, 8 - w->n % 8);
}

/* ------------------------------------------------------------------ */
/* Deflate64 stream builder */

enum tkind {
	T_LIT,
	T_MATCH,
	T_END
};

/* a token: literal c, or a match of len bytes dist back */
struct tok {
	enum tkind	 kind;
	uint32_t	 len;
	uint32_t	 dist;
};

static const uint16_t	 lbase[29] = {
	3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31,
	35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 259
};
static const uint8_t	 lext[28] = {
	0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2,
	3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5
};
static const uint32_t	 dbase[33] = {
	1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193,
	257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289,
	16385, 24577, 32769, 49153, 65537
};
static const uint8_t	 clorder[19] = {
	16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15
};

/* canon - RFC 1951 3.2.2 canonical codes for lens[0, n) */
static void
canon(const uint8_t *lens, unsigned int n, uint32_t *codes)
{
	uint32_t	 count[17] = { 0 }, next[17];
	uint32_t	 code = 0;
	unsigned int	 i, b;

	for (i = 0; i < n; i++)
		count[lens[i]]++;
	count[0] = 0;
	for (b = 1; b <= 16; b++) {
		code = (code + count[b - 1]) << 1;
		next[b] = code;
	}
	for (i = 0; i < n; i++)
		if (lens[i] != 0)
			codes[i] = next[lens[i]]++;
}

/* a code for a block: lengths and codes */
struct hcode {
	uint8_t		 llen[288];
	uint32_t	 lcode[288];
	uint8_t		 dlen[32];
	uint32_t	 dcode[32];
	unsigned int	 hlit;
	unsigned int	 hdist;
};

/* hc_fixed - the fixed code */
static void
hc_fixed(struct hcode *h)
{
	memset(h->llen, 8, 144);
	memset(h->llen + 144, 9, 112);
	memset(h->llen + 256, 7, 24);
	memset(h->llen + 280, 8, 8);
	memset(h->dlen, 5, 32);
	h->hlit = 288;
	h->hdist = 32;
	canon(h->llen, 288, h->lcode);
	canon(h->dlen, 32, h->dcode);
}

/*
 * hc_dynamic - a complete code over literals 'a'..'z', end of block and
 * every length code (8 codes of 5 bits, 48 of 6), distances 5 bits
 */
static void
hc_dynamic(struct hcode *h)
{
	unsigned int	 i, k = 0;

	memset(h->llen, 0, sizeof(h->llen));
	for (i = 0; i < 286; i++) {
		if (!((i >= 'a' && i <= 'z') || i >= 256))
			continue;
		h->llen[i] = k++ < 8 ? 5 : 6;
	}
	assert_int_equal(k, 56);
	memset(h->dlen, 5, 32);
	h->hlit = 286;
	h->hdist = 32;
	canon(h->llen, 288, h->lcode);
	canon(h->dlen, 32, h->dcode);
}

/* emit_len - length code and extra bits for len (Deflate64) */
static void
emit_len(struct bw *w, const struct hcode *h, uint32_t len)
{
	unsigned int	 i;

	if (len > 258) {
		bw_code(w, h->lcode[285], h->llen[285]);
		bw_bits(w, len - 3, 16);
		return;
	}
	for (i = 0; len >= lbase[i + 1]; i++)
		;
	bw_code(w, h->lcode[257 + i], h->llen[257 + i]);
	bw_bits(w, len - lbase[i], lext[i]);
}

/* emit_dist - distance code and extra bits */
static void
emit_dist(struct bw *w, const struct hcode *h, uint32_t dist)
{
	unsigned int	 i, x;

	for (i = 0; dist >= dbase[i + 1]; i++)
		;
	x = i < 4 ? 0 : (i - 2) / 2;
	bw_code(w, h->dcode[i], h->dlen[i]);
	bw_bits(w, dist - dbase[i], x);
}

/*
 * emit_header - the dynamic header for h: the code length code gives
 * 2 bits to 5 and 6, 3 bits to 0, 16, 17 and 18
 */
static void
emit_header(struct bw *w, const struct hcode *h)
{
	static const uint8_t	 cl[19] = {
		[0] = 3, [5] = 2, [6] = 2, [16] = 3, [17] = 3, [18] = 3
	};
	uint32_t		 cc[19];
	uint8_t			 all[288 + 32];
	unsigned int		 i, j, n, r, k;

	canon(cl, 19, cc);
	bw_bits(w, h->hlit - 257, 5);
	bw_bits(w, h->hdist - 1, 5);
	bw_bits(w, 19 - 4, 4);
	for (i = 0; i < 19; i++)
		bw_bits(w, cl[clorder[i]], 3);
	memcpy(all, h->llen, h->hlit);
	memcpy(all + h->hlit, h->dlen, h->hdist);
	n = h->hlit + h->hdist;
	for (i = 0; i < n; i = j) {
		for (j = i + 1; j < n && all[j] == all[i]; j++)
			;
		r = j - i;
		if (all[i] == 0) {
			while (r >= 11) {
				k = r > 138 ? 138 : r;
				bw_code(w, cc[18], cl[18]);
				bw_bits(w, k - 11, 7);
				r -= k;
			}
			if (r >= 3) {
				bw_code(w, cc[17], cl[17]);
				bw_bits(w, r - 3, 3);
				r = 0;
			}
			while (r-- > 0)
				bw_code(w, cc[0], cl[0]);
			continue;
		}
		bw_code(w, cc[all[i]], cl[all[i]]);
		r--;
		while (r >= 3) {
			k = r > 6 ? 6 : r;
			bw_code(w, cc[16], cl[16]);
			bw_bits(w, k - 3, 2);
			r -= k;
		}
		while (r-- > 0)
			bw_code(w, cc[all[i]], cl[all[i]]);
	}
}

/* emit_stored - data as stored blocks (not final) */
static void
emit_stored(struct bw *w, const uint8_t *p, size_t n)
{
	size_t	 k;

	do {
		k = n > 65535 ? 65535 : n;
		bw_bits(w, 0, 1);
		bw_bits(w, 0, 2);
		bw_align(w);
		bw_bits(w, (uint32_t)k, 16);
		bw_bits(w, (uint32_t)~k & 0xffff, 16);
		buf_add(w->b, p, k);
		p += k;
		n -= k;
	} while (n > 0);
}

/* emit_block - tokens as one block of type 1 or 2 */
static void
emit_block(struct bw *w, int final, int type, const struct tok *t)
{
	struct hcode	 h;

	if (type == 1)
		hc_fixed(&h);
	else
		hc_dynamic(&h);
	bw_bits(w, (uint32_t)final, 1);
	bw_bits(w, (uint32_t)type, 2);
	if (type == 2)
		emit_header(w, &h);
	for (; t->kind != T_END; t++) {
		if (t->kind == T_LIT)
			bw_code(w, h.lcode[t->len], h.llen[t->len]);
		else {
			emit_len(w, &h, t->len);
			emit_dist(w, &h, t->dist);
		}
	}
	bw_code(w, h.lcode[256], h.llen[256]);
}

/* apply - what the tokens decode to, appended to out */
static void
apply(struct buf *out, size_t start, const struct tok *t)
{
	uint32_t	 i;
	uint8_t		 c;

	for (; t->kind != T_END; t++) {
		if (t->kind == T_LIT) {
			c = (uint8_t)t->len;
			buf_add(out, &c, 1);
			continue;
		}
		assert_true(t->dist <= out->len - start);
		for (i = 0; i < t->len; i++) {
			c = out->data[out->len - t->dist];
			buf_add(out, &c, 1);
		}
	}
	assert_false(out->failed);
}

/* the tokens of the hand-built streams: long lengths, distances 30, 31 */
static const struct tok	 longtoks[] = {
	{ T_LIT, 'a', 0 }, { T_LIT, 'b', 0 }, { T_LIT, 'c', 0 },
	{ T_MATCH, 10, 3 },
	{ T_MATCH, 259, 40000 },	/* 285 + 256; code 30 */
	{ T_MATCH, 65538, 65536 },	/* the longest, the farthest */
	{ T_MATCH, 258, 49153 },	/* 284 + 31; code 31 + 0 */
	{ T_MATCH, 100, 32769 },	/* code 30 + 0 */
	{ T_LIT, 'z', 0 },
	{ T_MATCH, 3, 1 },
	{ T_MATCH, 7, 2 },
	{ T_MATCH, 40000, 9 },		/* 285, short distance */
	{ T_MATCH, 1000, 60001 },	/* code 31 + extra */
	{ T_LIT, 'q', 0 },
	{ T_END, 0, 0 }
};

/*
 * longstream - stored random bytes (enough history for 64 KiB
 * distances), then longtoks in a block of type type; the stream in s,
 * what it decodes to in want
 */
static void
longstream(int type, struct buf *s, struct buf *want)
{
	struct bw	 w = { s, 0, 0 };
	uint8_t		*r;
	size_t		 i, n = 66000;

	r = malloc(n);
	assert_non_null(r);
	for (i = 0; i < n; i++)
		r[i] = (uint8_t)rnd();
	emit_stored(&w, r, n);
	emit_block(&w, 1, type, longtoks);
	bw_align(&w);
	buf_add(want, r, n);
	apply(want, 0, longtoks);
	assert_false(s->failed);
	free(r);
}

/* check_inflate - in decodes to want[0, min(max, wantlen)) with rc */
static void
check_inflate(const struct buf *in, const uint8_t *want, size_t wantlen,
    uint64_t max, int rc, int err)
{
	struct buf	 out;
	size_t		 n = max != 0 && max < wantlen ? (size_t)max : wantlen;

	buf_init(&out);
	errno = 0;
	assert_int_equal(zipx_inflate64(in->data, in->len, &out, max), rc);
	if (rc == -1)
		assert_int_equal(errno, err);
	assert_int_equal(out.len, n);
	if (n > 0)
		assert_memory_equal(out.data, want, n);
	buf_clear(&out);
}

/* test_d64_fixed - fixed code: 285, distances 30 and 31 */
static void
test_d64_fixed(void **state)
{
	struct buf	 s, want;

	(void)state;
	buf_init(&s);
	buf_init(&want);
	longstream(1, &s, &want);
	check_inflate(&s, want.data, want.len, 0, 0, 0);
	check_inflate(&s, want.data, want.len, want.len, 0, 0);
	check_inflate(&s, want.data, want.len, want.len - 1, -1, AV_ELIMIT);
	check_inflate(&s, want.data, want.len, 1, -1, AV_ELIMIT);
	check_inflate(&s, want.data, want.len, 66010, -1, AV_ELIMIT);
	check_inflate(&s, want.data, want.len, 100000, -1, AV_ELIMIT);
	buf_clear(&s);
	buf_clear(&want);
}

/* test_d64_dynamic - a dynamic header with repeat codes 16, 17, 18 */
static void
test_d64_dynamic(void **state)
{
	struct buf	 s, want;

	(void)state;
	buf_init(&s);
	buf_init(&want);
	longstream(2, &s, &want);
	check_inflate(&s, want.data, want.len, 0, 0, 0);
	check_inflate(&s, want.data, want.len, 70000, -1, AV_ELIMIT);
	buf_clear(&s);
	buf_clear(&want);
}

/* test_d64_stored - stored blocks, empty ones, bytes after the end */
static void
test_d64_stored(void **state)
{
	struct buf	 s, out;
	struct bw	 w;

	(void)state;
	buf_init(&s);
	buf_init(&out);
	w = (struct bw){ &s, 0, 0 };
	emit_stored(&w, (const uint8_t *)"", 0);
	emit_stored(&w, (const uint8_t *)"hello, ", 7);
	bw_bits(&w, 1, 1);			/* final, stored */
	bw_bits(&w, 0, 2);
	bw_align(&w);
	bw_bits(&w, 5, 16);
	bw_bits(&w, ~5u & 0xffff, 16);
	buf_add(&s, "world and more", 14);	/* 9 bytes after the end */
	check_inflate(&s, (const uint8_t *)"hello, world", 12, 0, 0, 0);
	check_inflate(&s, (const uint8_t *)"hello, world", 12, 8, -1,
	    AV_ELIMIT);

	/* appended to what out holds; distances do not reach into it */
	buf_add(&out, "xyz", 3);
	assert_int_equal(zipx_inflate64(s.data, s.len, &out, 0), 0);
	assert_int_equal(out.len, 15);
	assert_memory_equal(out.data, "xyzhello, world", 15);
	buf_clear(&s);
	buf_clear(&out);
}

/* a damaged stream: how it is made, what it must give */
static const struct dcase {
	const char	*name;
	int		 kind;
} dcases[] = {
	{ "d64 damage: block type 3", 0 },
	{ "d64 damage: stored length complement", 1 },
	{ "d64 damage: literal/length code 286", 2 },
	{ "d64 damage: distance before the start", 3 },
	{ "d64 damage: repeat 16 first", 4 },
	{ "d64 damage: repeat past the end", 5 },
	{ "d64 damage: over-subscribed code", 6 },
	{ "d64 damage: empty input", 7 },
	{ "d64 damage: no final block", 8 },
	{ "d64 damage: missing code", 9 },
};

/* test_d64_damage - one row of dcases: -1 AV_ECORRUPT, output kept */
static void
test_d64_damage(void **state)
{
	const struct dcase	*c = *state;
	struct buf		 s, out;
	struct bw		 w;
	struct hcode		 h;
	const char		*want = "";
	unsigned int		 i;

	buf_init(&s);
	buf_init(&out);
	w = (struct bw){ &s, 0, 0 };
	hc_fixed(&h);
	switch (c->kind) {
	case 0:
		bw_bits(&w, 7, 3);
		break;
	case 1:
		bw_bits(&w, 1, 3);
		bw_align(&w);
		bw_bits(&w, 5, 16);
		bw_bits(&w, 5, 16);
		buf_add(&s, "hello", 5);
		break;
	case 2:
		bw_bits(&w, 3, 3);		/* final, fixed */
		bw_code(&w, h.lcode['o'], h.llen['o']);
		bw_code(&w, h.lcode['k'], h.llen['k']);
		bw_code(&w, h.lcode[286], h.llen[286]);
		bw_code(&w, h.lcode[256], h.llen[256]);
		want = "ok";
		break;
	case 3:
		bw_bits(&w, 3, 3);
		bw_code(&w, h.lcode['o'], h.llen['o']);
		emit_len(&w, &h, 3);
		emit_dist(&w, &h, 2);
		bw_code(&w, h.lcode[256], h.llen[256]);
		want = "o";
		break;
	case 4:
	case 5:
	case 6:
		bw_bits(&w, 5, 3);		/* final, dynamic */
		bw_bits(&w, 0, 5);
		bw_bits(&w, 0, 5);
		bw_bits(&w, 19 - 4, 4);
		for (i = 0; i < 19; i++)	/* 16, 17, 18 and 0: 2 bits */
			bw_bits(&w, clorder[i] >= 16 || clorder[i] == 0 ?
			    2 : c->kind == 6 && clorder[i] == 1 ? 1 : 0, 3);
		if (c->kind == 4)
			bw_code(&w, 1, 2);	/* 16 (codes: 0 0, 16 1...) */
		else {
			for (i = 0; i < 3; i++) {	/* 18: 3 * 138 zeros */
				bw_code(&w, 3, 2);
				bw_bits(&w, 127, 7);
			}
		}
		break;
	case 7:
		break;
	case 8:
		bw_bits(&w, 2, 3);		/* not final, fixed */
		bw_code(&w, h.lcode['a'], h.llen['a']);
		bw_code(&w, h.lcode[256], h.llen[256]);
		want = "a";
		break;
	case 9:
		/* dynamic: only 'a' has a code ("0"); "1" is no code */
		bw_bits(&w, 5, 3);
		bw_bits(&w, 0, 5);
		bw_bits(&w, 0, 5);
		bw_bits(&w, 19 - 4, 4);
		for (i = 0; i < 19; i++)	/* 0: 1 bit, 1: 2, 18: 2 */
			bw_bits(&w, clorder[i] == 0 ? 1 : clorder[i] == 1 ||
			    clorder[i] == 18 ? 2 : 0, 3);
		/* code length codes: 0 -> 0, 1 -> 10, 18 -> 11 */
		bw_code(&w, 3, 2);		/* 97 zeros */
		bw_bits(&w, 97 - 11, 7);
		bw_code(&w, 2, 2);		/* 'a': 1 bit */
		for (i = 98; i < 257 + 1; i++)	/* zeros, and the distance */
			bw_code(&w, 0, 1);
		bw_code(&w, 0, 1);		/* 'a' */
		bw_code(&w, 1, 1);		/* no such code */
		want = "a";
		break;
	}
	bw_align(&w);
	errno = 0;
	assert_int_equal(zipx_inflate64(s.len ? s.data : NULL, s.len, &out, 0),
	    -1);
	assert_int_equal(errno, AV_ECORRUPT);
	assert_int_equal(out.len, strlen(want));
	assert_memory_equal(out.data, want, out.len);
	buf_clear(&s);
	buf_clear(&out);
}

/* test_d64_cuts - every cut of a stream: a prefix of the output, damage */
static void
test_d64_cuts(void **state)
{
	struct buf	 s, want, out;
	size_t		 n, i;
	uint8_t		 bit;

	(void)state;
	buf_init(&s);
	buf_init(&want);
	buf_init(&out);
	longstream(2, &s, &want);
	for (n = 0; n < s.len; n++) {
		if (n > 200 && n + 997 < 65900)	/* stored: a few cuts */
			n += 997;
		out.len = 0;
		errno = 0;
		assert_int_equal(zipx_inflate64(s.data, n, &out, 0), -1);
		assert_int_equal(errno, AV_ECORRUPT);
		assert_true(out.len <= want.len);
		if (out.len > 0)
			assert_memory_equal(out.data, want.data, out.len);
	}
	/* flipped bits: anything but a crash or a read outside */
	for (i = 0; i < 400; i++) {
		n = 66010 + rnd() % (s.len - 66010);
		bit = (uint8_t)(1u << (rnd() % 8));
		s.data[n] ^= bit;
		out.len = 0;
		(void)zipx_inflate64(s.data, s.len, &out, 200000);
		assert_true(out.len <= 200000);
		s.data[n] ^= bit;
	}
	buf_clear(&s);
	buf_clear(&want);
	buf_clear(&out);
}

/* test_failed_buffer - a buffer that already failed reports ENOMEM */
static void
test_failed_buffer(void **state)
{
	struct buf	 out;

	(void)state;
	buf_init(&out);
	out.failed = 1;
	assert_int_equal(zipx_inflate64((const uint8_t *)"\x03\x00", 2, &out,
	    0), -1);
	assert_int_equal(errno, ENOMEM);
	assert_int_equal(zipx_explode((const uint8_t *)"", 0, 0, 1, &out, 0),
	    -1);
	assert_int_equal(errno, ENOMEM);
	buf_clear(&out);
}

/* ------------------------------------------------------------------ */
/* implode encoder (APPNOTE 5.3) */

/* a Shannon-Fano tree: bit lengths and codes */
struct sftree {
	unsigned int	 n;
	uint8_t		 len[256];
	uint32_t	 code[256];
};

/*
 * sf_make - the codes of APPNOTE 5.3, as its pseudo-code says: sort by
 * bit length (stable), then from the last entry down, Code += increment,
 * the increment being 1 << (16 - bit length) of the entry before
 */
static void
sf_make(struct sftree *t)
{
	unsigned int	 order[256], i, j, k = 0, last = 0;
	uint32_t	 code = 0, inc = 0;

	for (j = 1; j <= 16; j++)
		for (i = 0; i < t->n; i++)
			if (t->len[i] == j)
				order[k++] = i;
	assert_int_equal(k, t->n);
	for (i = t->n; i-- > 0;) {
		code += inc;
		if (t->len[order[i]] != last) {
			last = t->len[order[i]];
			inc = 1u << (16 - last);
		}
		t->code[order[i]] = code >> (16 - last);
	}
}

/* sf_emit - the tree as APPNOTE stores it: count byte, then runs */
static void
sf_emit(struct buf *b, const struct sftree *t)
{
	uint8_t		 runs[256];
	unsigned int	 i, j, nr = 0;

	for (i = 0; i < t->n; i = j) {
		for (j = i + 1; j < t->n && j - i < 16 &&
		    t->len[j] == t->len[i]; j++)
			;
		runs[nr++] = (uint8_t)((j - i - 1) << 4 | (t->len[i] - 1));
	}
	runs[255] = (uint8_t)(nr - 1);
	buf_add(b, &runs[255], 1);
	buf_add(b, runs, nr);
}

/* the encoder's state */
struct imp {
	struct bw	 w;
	uint16_t	 flags;
	struct sftree	 lit;
	struct sftree	 len;
	struct sftree	 dist;
	unsigned int	 dbits;
	unsigned int	 mml;
};

/*
 * imp_init - trees and their header: literal lengths 7 (v % 8 == 0), 9
 * (v % 8 in 1, 2) or 8; length 5 (16), 6 (16), 7 (32); distance 5 (10),
 * 6 (34), 7 (20): all complete codes
 */
static void
imp_init(struct imp *x, struct buf *out, uint16_t flags)
{
	unsigned int	 i;

	memset(x, 0, sizeof(*x));
	x->w.b = out;
	x->flags = flags;
	x->dbits = flags & 2 ? 7 : 6;
	x->mml = flags & 4 ? 3 : 2;
	x->lit.n = 256;
	for (i = 0; i < 256; i++)
		x->lit.len[i] = i % 8 == 0 ? 7 : i % 8 <= 2 ? 9 : 8;
	x->len.n = x->dist.n = 64;
	for (i = 0; i < 64; i++) {
		x->len.len[i] = i < 16 ? 5 : i < 32 ? 6 : 7;
		x->dist.len[i] = i < 10 ? 5 : i < 44 ? 6 : 7;
	}
	sf_make(&x->lit);
	sf_make(&x->len);
	sf_make(&x->dist);
	if (flags & 4)
		sf_emit(out, &x->lit);
	sf_emit(out, &x->len);
	sf_emit(out, &x->dist);
}

/* imp_lit - a literal */
static void
imp_lit(struct imp *x, uint8_t c)
{
	bw_bits(&x->w, 1, 1);
	if (x->flags & 4)
		bw_code(&x->w, x->lit.code[c], x->lit.len[c]);
	else
		bw_bits(&x->w, c, 8);
}

/* imp_match - a match of len bytes dist back */
static void
imp_match(struct imp *x, uint32_t len, uint32_t dist)
{
	uint32_t	 d = dist - 1, l = len - x->mml;

	bw_bits(&x->w, 0, 1);
	bw_bits(&x->w, d, x->dbits);
	d >>= x->dbits;
	bw_code(&x->w, x->dist.code[d], x->dist.len[d]);
	if (l < 63)
		bw_code(&x->w, x->len.code[l], x->len.len[l]);
	else {
		bw_code(&x->w, x->len.code[63], x->len.len[63]);
		bw_bits(&x->w, l - 63, 8);
	}
}

/* implode - data imploded in the variant flags, greedy hash-chain matches */
static void
implode(const uint8_t *p, size_t n, uint16_t flags, struct buf *out)
{
	struct imp	 x;
	int32_t		*head, *prev;
	size_t		 i, k, best, bestd, win, maxl, depth;
	int32_t		 c;
	uint32_t	 h;

	imp_init(&x, out, flags);
	win = flags & 2 ? 8192 : 4096;
	maxl = x.mml + 63 + 255;
	head = malloc(65536 * sizeof(*head));
	prev = malloc((n + 1) * sizeof(*prev));
	assert_non_null(head);
	assert_non_null(prev);
	for (i = 0; i < 65536; i++)
		head[i] = -1;
	for (i = 0; i < n;) {
		best = bestd = 0;
		if (i + 3 <= n) {
			h = (p[i] * 251u + p[i + 1] * 31u + p[i + 2]) & 0xffff;
			for (c = head[h], depth = 0; c >= 0 && depth < 32 &&
			    i - (size_t)c <= win; c = prev[c], depth++) {
				for (k = 0; k < maxl && i + k < n &&
				    p[c + k] == p[i + k]; k++)
					;
				if (k > best) {
					best = k;
					bestd = i - (size_t)c;
				}
			}
		}
		if (best < x.mml) {
			imp_lit(&x, p[i]);
			best = 1;
		} else
			imp_match(&x, (uint32_t)best, (uint32_t)bestd);
		for (k = 0; k < best; k++, i++)
			if (i + 3 <= n) {
				h = (p[i] * 251u + p[i + 1] * 31u + p[i + 2]) &
				    0xffff;
				prev[i] = head[h];
				head[h] = (int32_t)i;
			}
	}
	bw_align(&x.w);
	assert_false(out->failed);
	free(head);
	free(prev);
}

/* testdata - n bytes of kind: 0 text, 1 runs and repeats, 2 random */
static uint8_t *
testdata(int kind, size_t n)
{
	static const char *const words[] = {
		"the ", "virus ", "scanner ", "mail ", "zip ", "implode ",
		"deflate ", "window ", "\r\n", "Vigil ", "payload ", "a "
	};
	uint8_t		*p;
	size_t		 i, k, l, d;

	p = malloc(n + 1);
	assert_non_null(p);
	for (i = 0; i < n;) {
		if (kind == 0) {
			const char *s = words[rnd() % nitems(words)];

			for (k = 0; s[k] != '\0' && i < n; k++)
				p[i++] = (uint8_t)s[k];
		} else if (kind == 2 || i < 300 || rnd() % 4 == 0) {
			l = 1 + rnd() % 200;
			for (k = 0; k < l && i < n; k++)
				p[i++] = (uint8_t)rnd();
		} else if (rnd() % 3 == 0) {
			l = rnd() % 2000;
			for (k = 0; k < l && i < n; k++)
				p[i++] = 0;
		} else {
			/* a repeat within 8 KiB, or far (Deflate64 data) */
			d = 1 + rnd() % (i < 70000 ? (i < 8000 ? i : 8000) :
			    65536);
			l = 2 + rnd() % 600;
			for (k = 0; k < l && i < n; k++, i++)
				p[i] = p[i - d];
		}
	}
	return p;
}

/* test_implode_roundtrip - four variants, three kinds of data */
static void
test_implode_roundtrip(void **state)
{
	static const size_t	 sizes[] = { 1, 5, 3000, 40000 };
	struct buf		 enc, out;
	uint8_t			*p;
	uint16_t		 flags;
	size_t			 s;
	int			 kind;

	(void)state;
	buf_init(&enc);
	buf_init(&out);
	for (flags = 0; flags <= 6; flags += 2)
		for (kind = 0; kind < 3; kind++)
			for (s = 0; s < nitems(sizes); s++) {
				p = testdata(kind, sizes[s]);
				enc.len = out.len = 0;
				implode(p, sizes[s], flags, &enc);
				assert_int_equal(zipx_explode(enc.data, enc.len,
				    flags, sizes[s], &out, 0), 0);
				assert_int_equal(out.len, sizes[s]);
				assert_memory_equal(out.data, p, sizes[s]);
				/* the stream alone says nothing of its end */
				out.len = 0;
				assert_int_equal(zipx_explode(enc.data, enc.len,
				    flags, sizes[s] / 2, &out, 0), 0);
				assert_int_equal(out.len, sizes[s] / 2);
				free(p);
			}
	buf_clear(&enc);
	buf_clear(&out);
}

/* test_implode_tokens - length 2, the extra length byte, zeros before */
static void
test_implode_tokens(void **state)
{
	struct imp	 x;
	struct buf	 enc, out, want;
	uint16_t	 flags;
	uint32_t	 mml;
	size_t		 i, start;
	uint8_t		 c;

	(void)state;
	buf_init(&enc);
	buf_init(&out);
	buf_init(&want);
	for (flags = 0; flags <= 6; flags += 2) {
		enc.len = out.len = want.len = 0;
		imp_init(&x, &enc, flags);
		mml = x.mml;
		imp_match(&x, 5, 3);		/* before the start: zeros */
		buf_addz(&want, 5);
		imp_lit(&x, 'A');
		imp_lit(&x, 0x90);
		buf_add(&want, "A\x90", 2);
		imp_match(&x, mml, 2);		/* the shortest */
		buf_add(&want, mml == 2 ? "A\x90" : "A\x90" "A", mml);
		imp_match(&x, mml + 63 + 255, 1);	/* the longest */
		for (i = 0; i < mml + 63 + 255; i++) {
			c = want.data[want.len - 1];
			buf_add(&want, &c, 1);
		}
		imp_match(&x, mml + 63, 4);	/* extra byte 0 */
		for (i = 0; i < mml + 63; i++) {
			c = want.data[want.len - 4];
			buf_add(&want, &c, 1);
		}
		/* three bytes before the start (zeros), then from it */
		start = want.len;
		imp_match(&x, 10, (uint32_t)start + 3);
		for (i = 0; i < 10; i++) {
			c = i < 3 ? 0 : want.data[i - 3];
			buf_add(&want, &c, 1);
		}
		bw_align(&x.w);
		assert_int_equal(zipx_explode(enc.data, enc.len, flags,
		    want.len, &out, 0), 0);
		assert_int_equal(out.len, want.len);
		assert_memory_equal(out.data, want.data, want.len);
		/* bounds and usize cut inside a match */
		out.len = 0;
		assert_int_equal(zipx_explode(enc.data, enc.len, flags,
		    want.len, &out, 100), -1);
		assert_int_equal(errno, AV_ELIMIT);
		assert_int_equal(out.len, 100);
		assert_memory_equal(out.data, want.data, 100);
		out.len = 0;
		assert_int_equal(zipx_explode(enc.data, enc.len, flags, 100,
		    &out, 100), 0);
		assert_int_equal(out.len, 100);
		/* more than the stream holds: damage, what came is kept */
		out.len = 0;
		assert_int_equal(zipx_explode(enc.data, enc.len, flags,
		    want.len + 1000, &out, 0), -1);
		assert_int_equal(errno, AV_ECORRUPT);
		assert_true(out.len >= want.len);
		assert_memory_equal(out.data, want.data, want.len);
	}
	buf_clear(&enc);
	buf_clear(&out);
	buf_clear(&want);
}

/* test_implode_damage - cuts and bad trees */
static void
test_implode_damage(void **state)
{
	struct buf	 enc, out;
	uint8_t		*p;
	size_t		 n = 5000, k;

	(void)state;
	buf_init(&enc);
	buf_init(&out);
	p = testdata(0, n);
	implode(p, n, 6, &enc);
	for (k = 0; k < enc.len; k++) {
		out.len = 0;
		errno = 0;
		assert_int_equal(zipx_explode(enc.data, k, 6, n, &out, 0), -1);
		assert_int_equal(errno, AV_ECORRUPT);
		if (out.len > 0)
			assert_memory_equal(out.data, p, out.len);
	}
	/* a tree one value short, one value long, over-subscribed */
	out.len = 0;
	assert_int_equal(zipx_explode((const uint8_t *)"\x00\xf5\x00\xe5",
	    4, 0, 10, &out, 0), -1);
	assert_int_equal(errno, AV_ECORRUPT);
	assert_int_equal(zipx_explode((const uint8_t *)"\x04\xf5\xf5\xf5\xf5"
	    "\x05", 6, 0, 10, &out, 0), -1);
	assert_int_equal(errno, AV_ECORRUPT);
	/* 64 lengths of 5 bits: twice the code space */
	assert_int_equal(zipx_explode((const uint8_t *)"\x03\xf4\xf4\xf4\xf4"
	    "\x03\xf5\xf5\xf5\xf5", 10, 0, 10, &out, 0), -1);
	assert_int_equal(errno, AV_ECORRUPT);
	assert_int_equal(out.len, 0);
	/* 64 lengths of 7 bits: half the code space, not a tree */
	assert_int_equal(zipx_explode((const uint8_t *)"\x03\xf6\xf6\xf6\xf6"
	    "\x03\xf5\xf5\xf5\xf5", 10, 0, 10, &out, 0), -1);
	assert_int_equal(errno, AV_ECORRUPT);
	/* usize 0: nothing to read */
	assert_int_equal(zipx_explode(NULL, 0, 0, 0, &out, 0), 0);
	free(p);
	buf_clear(&enc);
	buf_clear(&out);
}

/* ------------------------------------------------------------------ */
/* zip builder */

/* a member to write */
struct zm {
	const char	*name;
	uint16_t	 method;
	uint16_t	 flags;
	const uint8_t	*data;		/* as stored (compressed) */
	size_t		 dlen;
	uint64_t	 usize;
	uint32_t	 crc;
	int		 zip64;		/* ZIP64 extra fields */
	int		 desc;		/* sizes in a data descriptor */
	int		 dup;		/* no local header: member dup-1's */
	uint32_t	 unixmode;	/* made on Unix with this mode */
	uint64_t	 lie_csize;	/* central csize, when not 0 */
};

/* put16, put32, put64 - little-endian fields */
static void
put16(struct buf *b, uint32_t v)
{
	uint8_t	 c[2] = { (uint8_t)v, (uint8_t)(v >> 8) };

	buf_add(b, c, 2);
}

static void
put32(struct buf *b, uint32_t v)
{
	put16(b, v & 0xffff);
	put16(b, v >> 16);
}

static void
put64(struct buf *b, uint64_t v)
{
	put32(b, (uint32_t)v);
	put32(b, (uint32_t)(v >> 32));
}

/*
 * zbuild - a zip of the n members m into z: local headers and data, the
 * central directory (unless nocd), end record (ZIP64 record and locator
 * with eocd64); count replaces the entry count when not 0
 */
static void
zbuild(struct buf *z, const struct zm *m, size_t n, int nocd, int eocd64,
    uint32_t count)
{
	uint64_t	 lho[MAXGOT], cdoff, cdsize;
	size_t		 i, nl;
	uint64_t	 cs;

	assert_true(n <= MAXGOT);
	for (i = 0; i < n; i++) {
		nl = strlen(m[i].name);
		if (m[i].dup) {
			lho[i] = lho[m[i].dup - 1];
			continue;
		}
		lho[i] = z->len;
		put32(z, 0x04034b50);
		put16(z, m[i].zip64 ? 45 : 20);
		put16(z, m[i].flags | (m[i].desc ? 8 : 0));
		put16(z, m[i].method);
		put32(z, 0);			/* time, date */
		put32(z, m[i].desc ? 0 : m[i].crc);
		if (m[i].zip64) {
			put32(z, 0xffffffff);
			put32(z, 0xffffffff);
		} else {
			put32(z, m[i].desc ? 0 : (uint32_t)m[i].dlen);
			put32(z, m[i].desc ? 0 : (uint32_t)m[i].usize);
		}
		put16(z, (uint32_t)nl);
		put16(z, m[i].zip64 ? 20 : 0);
		buf_add(z, m[i].name, nl);
		if (m[i].zip64) {
			put16(z, 1);
			put16(z, 16);
			put64(z, m[i].usize);
			put64(z, m[i].dlen);
		}
		buf_add(z, m[i].data, m[i].dlen);
		if (m[i].desc) {
			put32(z, 0x08074b50);
			put32(z, m[i].crc);
			put32(z, (uint32_t)m[i].dlen);
			put32(z, (uint32_t)m[i].usize);
		}
	}
	if (nocd)
		return;
	cdoff = z->len;
	for (i = 0; i < n; i++) {
		nl = strlen(m[i].name);
		cs = m[i].lie_csize ? m[i].lie_csize : m[i].dlen;
		put32(z, 0x02014b50);
		put16(z, m[i].unixmode ? 3 << 8 | 20 : 20);
		put16(z, m[i].zip64 ? 45 : 20);
		put16(z, m[i].flags | (m[i].desc ? 8 : 0));
		put16(z, m[i].method);
		put32(z, 0);
		put32(z, m[i].crc);
		if (m[i].zip64) {
			put32(z, 0xffffffff);
			put32(z, 0xffffffff);
		} else {
			put32(z, (uint32_t)cs);
			put32(z, (uint32_t)m[i].usize);
		}
		put16(z, (uint32_t)nl);
		put16(z, m[i].zip64 ? 28 : 0);
		put16(z, 0);			/* comment */
		put16(z, 0);			/* disk */
		put16(z, 0);			/* internal attributes */
		put32(z, m[i].unixmode << 16);
		put32(z, m[i].zip64 ? 0xffffffff : (uint32_t)lho[i]);
		buf_add(z, m[i].name, nl);
		if (m[i].zip64) {
			put16(z, 1);
			put16(z, 24);
			put64(z, m[i].usize);
			put64(z, cs);
			put64(z, lho[i]);
		}
	}
	cdsize = z->len - cdoff;
	if (eocd64) {
		uint64_t	 at = z->len;

		put32(z, 0x06064b50);
		put64(z, 44);
		put16(z, 45);
		put16(z, 45);
		put32(z, 0);
		put32(z, 0);
		put64(z, count ? count : n);
		put64(z, count ? count : n);
		put64(z, cdsize);
		put64(z, cdoff);
		put32(z, 0x07064b50);
		put32(z, 0);
		put64(z, at);
		put32(z, 1);
	}
	put32(z, 0x06054b50);
	put32(z, 0);
	put16(z, eocd64 ? 0xffff : count ? count : (uint32_t)n);
	put16(z, eocd64 ? 0xffff : count ? count : (uint32_t)n);
	put32(z, eocd64 ? 0xffffffff : (uint32_t)cdsize);
	put32(z, eocd64 ? 0xffffffff : (uint32_t)cdoff);
	put16(z, 0);
	assert_false(z->failed);
}

/* the members of the walk fixtures, their sources */
struct fix {
	uint8_t		*plain[4];	/* d64, implode, stored, deflate */
	size_t		 plen[4];
	struct buf	 comp[4];
	uint32_t	 crc[4];
};

/* deflate_raw - data in zlib's raw deflate */
static void
deflate_raw(const uint8_t *p, size_t n, struct buf *out)
{
	z_stream	 zs;
	uint8_t		 chunk[16384];
	int		 rc;

	memset(&zs, 0, sizeof(zs));
	assert_int_equal(deflateInit2(&zs, 6, Z_DEFLATED, -15, 8,
	    Z_DEFAULT_STRATEGY), Z_OK);
	zs.next_in = (uint8_t *)(uintptr_t)p;
	zs.avail_in = (uInt)n;
	do {
		zs.next_out = chunk;
		zs.avail_out = sizeof(chunk);
		rc = deflate(&zs, Z_FINISH);
		buf_add(out, chunk, sizeof(chunk) - zs.avail_out);
	} while (rc == Z_OK);
	assert_int_equal(rc, Z_STREAM_END);
	deflateEnd(&zs);
}

/*
 * fix_init - 0: Deflate64 (a stored block and a fixed block of the
 * long tokens), 1: imploded text, 2: stored, 3: deflated
 */
static void
fix_init(struct fix *f)
{
	struct buf	 want;
	int		 i;

	memset(f, 0, sizeof(*f));
	for (i = 0; i < 4; i++)
		buf_init(&f->comp[i]);
	buf_init(&want);
	longstream(1, &f->comp[0], &want);
	f->plain[0] = want.data;
	f->plen[0] = want.len;
	f->plain[1] = testdata(0, 20000);
	f->plen[1] = 20000;
	implode(f->plain[1], f->plen[1], 6, &f->comp[1]);
	f->plain[2] = testdata(2, 1000);
	f->plen[2] = 1000;
	buf_add(&f->comp[2], f->plain[2], f->plen[2]);
	f->plain[3] = testdata(0, 5000);
	f->plen[3] = 5000;
	deflate_raw(f->plain[3], f->plen[3], &f->comp[3]);
	for (i = 0; i < 4; i++)
		f->crc[i] = (uint32_t)crc32(0, f->plain[i], (uInt)f->plen[i]);
}

/* fix_free - release the fixtures */
static void
fix_free(struct fix *f)
{
	int	 i;

	for (i = 0; i < 4; i++) {
		free(f->plain[i]);
		buf_clear(&f->comp[i]);
	}
}

/* zmem - member k of the fixtures named name */
static struct zm
zmem(const struct fix *f, int k, const char *name)
{
	static const uint16_t	 methods[4] = { 9, 6, 0, 8 };
	struct zm		 m;

	memset(&m, 0, sizeof(m));
	m.name = name;
	m.method = methods[k];
	m.flags = k == 1 ? 6 : 0;
	m.data = f->comp[k].data;
	m.dlen = f->comp[k].len;
	m.usize = f->plen[k];
	m.crc = f->crc[k];
	return m;
}

/* assert_member - g->m[i] is fixture k whole, named name */
static void
assert_member(const struct got *g, int i, const struct fix *f, int k,
    const char *name)
{
	assert_true(i < g->n);
	assert_string_equal(g->m[i].name, name);
	assert_int_equal(g->m[i].encrypted, 0);
	assert_int_equal(g->m[i].truncated, 0);
	assert_int_equal(g->m[i].damaged, 0);
	assert_int_equal(g->m[i].len, f->plen[k]);
	assert_memory_equal(g->m[i].data, f->plain[k], f->plen[k]);
}

/* ------------------------------------------------------------------ */
/* zipx_walk() */

/* test_clam - clam.d64.zip and clam.impl.zip hold clam.exe */
static void
test_clam(void **state)
{
	static const char *const files[] = { "clam.d64.zip", "clam.impl.zip" };
	struct arc_result	 res;
	struct got		 g;
	char			 path[PATH_MAX], hex[65];
	uint8_t			*buf;
	size_t			 len, i;

	(void)state;
	for (i = 0; i < nitems(files); i++) {
		snprintf(path, sizeof(path), "%s/%s", CLAMDIR, files[i]);
		if ((buf = load(path, &len)) == NULL) {
			print_message("# skipped: %s (clamav-testfiles) is "
			    "absent\n", path);
			skip();
			return;
		}
		g.stop_at = -1;
		assert_int_equal(walk(buf, len, NULL, &g, &res), 0);
		assert_int_equal(res.status, ARC_OK);
		assert_int_equal(res.entries, 1);
		assert_int_equal(g.n, 1);
		assert_int_equal(strcasecmp(g.m[0].name, "clam.exe"), 0);
		sha256hex(g.m[0].data, g.m[0].len, hex);
		assert_string_equal(hex, CLAMSHA);
		got_free(&g);
		free(buf);
	}
}

/* test_7z - 7-Zip's Deflate64 over long matches and far distances */
static void
test_7z(void **state)
{
	static const struct {
		int	 kind;
		size_t	 n;
		int	 level;
	} c[] = {
		{ 0, 300000, 5 }, { 1, 1500000, 9 }, { 1, 200000, 1 }
	};
	struct arc_limits	 lim;
	struct arc_result	 res;
	struct got		 g;
	char			 dir[] = "/tmp/test_zipx.XXXXXX", cmd[1024];
	char			 path[PATH_MAX];
	uint8_t			*p, *z;
	size_t			 i, zlen;
	FILE			*fp;

	(void)state;
	if (system("command -v 7z >/dev/null 2>&1") != 0) {
		print_message("# skipped: 7z (p7zip-full) is not installed\n");
		skip();
		return;
	}
	assert_non_null(mkdtemp(dir));
	for (i = 0; i < nitems(c); i++) {
		p = testdata(c[i].kind, c[i].n);
		snprintf(path, sizeof(path), "%s/data%zu.bin", dir, i);
		assert_non_null(fp = fopen(path, "wb"));
		assert_int_equal(fwrite(p, 1, c[i].n, fp), c[i].n);
		fclose(fp);
		snprintf(cmd, sizeof(cmd), "cd %s && 7z a -tzip -mm=Deflate64 "
		    "-mx=%d t%zu.zip data%zu.bin >/dev/null", dir, c[i].level,
		    i, i);
		assert_int_equal(system(cmd), 0);
		snprintf(path, sizeof(path), "%s/t%zu.zip", dir, i);
		assert_non_null(z = load(path, &zlen));
		g.stop_at = -1;
		assert_int_equal(walk(z, zlen, NULL, &g, &res), 0);
		assert_int_equal(res.status, ARC_OK);
		assert_int_equal(g.n, 1);
		snprintf(path, sizeof(path), "data%zu.bin", i);
		assert_string_equal(g.m[0].name, path);
		assert_int_equal(g.m[0].len, c[i].n);
		if (c[i].n > 0)
			assert_memory_equal(g.m[0].data, p, c[i].n);
		got_free(&g);
		/* a bounded member is its prefix */
		memset(&lim, 0, sizeof(lim));
		lim.max_entry = 77777;
		assert_int_equal(walk(z, zlen, &lim, &g, &res), 0);
		assert_int_equal(g.n, 1);
		assert_int_equal(g.m[0].truncated, c[i].n > 77777);
		assert_int_equal(g.m[0].len, c[i].n > 77777 ? 77777 : c[i].n);
		if (g.m[0].len > 0)
			assert_memory_equal(g.m[0].data, p, g.m[0].len);
		got_free(&g);
		free(z);
		free(p);
	}
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	assert_int_equal(system(cmd), 0);
}

/* test_walk_methods - only methods 6 and 9, in order; names cleaned */
static void
test_walk_methods(void **state)
{
	struct fix		 f;
	struct zm		 m[6];
	struct buf		 z;
	struct arc_result	 res;
	struct got		 g;

	(void)state;
	fix_init(&f);
	buf_init(&z);
	m[0] = zmem(&f, 2, "stored.bin");
	m[1] = zmem(&f, 0, "dir\\d64\x01.bin");
	m[2] = zmem(&f, 3, "deflated.txt");
	m[3] = zmem(&f, 1, "imploded.txt");
	m[4] = zmem(&f, 0, "adir/");		/* a directory */
	m[4].dlen = 0;
	m[5] = zmem(&f, 1, "link");		/* a Unix symbolic link */
	m[5].unixmode = 0120777;
	zbuild(&z, m, 6, 0, 0, 0);
	g.stop_at = -1;
	assert_int_equal(walk(z.data, z.len, NULL, &g, &res), 0);
	assert_int_equal(res.status, ARC_OK);
	assert_string_equal(res.reason, "");
	assert_int_equal(g.n, 2);
	assert_int_equal(res.entries, 2);
	assert_int_equal(res.total, f.plen[0] + f.plen[1]);
	assert_member(&g, 0, &f, 0, "dir/d64_.bin");
	assert_member(&g, 1, &f, 1, "imploded.txt");
	got_free(&g);

	/* no callback, no limits */
	assert_int_equal(zipx_walk(z.data, z.len, NULL, NULL, NULL, &res), 0);
	assert_int_equal(res.entries, 2);

	/* a zip with none of them, an empty zip, not a zip */
	z.len = 0;
	zbuild(&z, m, 1, 0, 0, 0);
	assert_int_equal(walk(z.data, z.len, NULL, &g, &res), 0);
	assert_int_equal(res.status, ARC_OK);
	assert_int_equal(g.n, 0);
	z.len = 0;
	zbuild(&z, m, 0, 0, 0, 0);
	assert_int_equal(z.len, 22);
	assert_int_equal(walk(z.data, z.len, NULL, &g, &res), 0);
	assert_int_equal(res.status, ARC_OK);
	assert_int_equal(walk((const uint8_t *)"hello", 5, NULL, &g, &res), 0);
	assert_int_equal(res.status, ARC_CORRUPT);
	assert_string_equal(res.reason, "corrupt: not a zip archive");
	assert_int_equal(walk(NULL, 0, NULL, &g, &res), 0);
	assert_int_equal(res.status, ARC_CORRUPT);
	buf_clear(&z);
	fix_free(&f);
}

/* test_walk_zip64 - ZIP64 extra fields, end record and locator */
static void
test_walk_zip64(void **state)
{
	struct fix		 f;
	struct zm		 m[3];
	struct buf		 z;
	struct arc_result	 res;
	struct got		 g;
	int			 e64;

	(void)state;
	fix_init(&f);
	buf_init(&z);
	for (e64 = 0; e64 <= 1; e64++) {
		z.len = 0;
		m[0] = zmem(&f, 3, "deflated.txt");
		m[1] = zmem(&f, 0, "big.d64");
		m[1].zip64 = 1;
		m[2] = zmem(&f, 1, "big.imp");
		m[2].zip64 = 1;
		zbuild(&z, m, 3, 0, e64, 0);
		g.stop_at = -1;
		assert_int_equal(walk(z.data, z.len, NULL, &g, &res), 0);
		assert_int_equal(res.status, ARC_OK);
		assert_int_equal(g.n, 2);
		assert_member(&g, 0, &f, 0, "big.d64");
		assert_member(&g, 1, &f, 1, "big.imp");
		got_free(&g);
	}
	buf_clear(&z);
	fix_free(&f);
}

/* test_walk_encrypted - flag bit 0 and strong encryption */
static void
test_walk_encrypted(void **state)
{
	struct fix		 f;
	struct zm		 m[3];
	struct buf		 z;
	struct arc_result	 res;
	struct got		 g;

	(void)state;
	fix_init(&f);
	buf_init(&z);
	m[0] = zmem(&f, 0, "secret.d64");
	m[0].flags |= 1;
	m[1] = zmem(&f, 1, "strong.imp");
	m[1].flags |= 0x41;
	m[2] = zmem(&f, 1, "plain.imp");
	zbuild(&z, m, 3, 0, 0, 0);
	g.stop_at = -1;
	assert_int_equal(walk(z.data, z.len, NULL, &g, &res), 0);
	assert_int_equal(res.status, ARC_ENCRYPTED);
	assert_string_equal(res.reason, "encrypted");
	assert_int_equal(g.n, 3);
	assert_int_equal(res.entries, 3);
	assert_int_equal(g.m[0].encrypted, 1);
	assert_int_equal(g.m[0].len, 0);
	assert_string_equal(g.m[0].name, "secret.d64");
	assert_int_equal(g.m[1].encrypted, 1);
	assert_member(&g, 2, &f, 1, "plain.imp");
	assert_int_equal(res.total, f.plen[1]);
	got_free(&g);
	buf_clear(&z);
	fix_free(&f);
}

/* test_walk_crc - a CRC mismatch: whole, damaged, ARC_CORRUPT */
static void
test_walk_crc(void **state)
{
	struct fix		 f;
	struct zm		 m[2];
	struct buf		 z;
	struct arc_result	 res;
	struct got		 g;

	(void)state;
	fix_init(&f);
	buf_init(&z);
	m[0] = zmem(&f, 0, "bad.d64");
	m[0].crc ^= 1;
	m[1] = zmem(&f, 1, "good.imp");
	zbuild(&z, m, 2, 0, 0, 0);
	g.stop_at = -1;
	assert_int_equal(walk(z.data, z.len, NULL, &g, &res), 0);
	assert_int_equal(res.status, ARC_CORRUPT);
	assert_string_equal(res.reason, "corrupt: CRC mismatch");
	assert_int_equal(g.n, 2);
	assert_int_equal(g.m[0].damaged, 1);
	g.m[0].damaged = 0;
	assert_member(&g, 0, &f, 0, "bad.d64");
	assert_member(&g, 1, &f, 1, "good.imp");
	got_free(&g);

	/* empty, and its CRC wrong: damage, but nothing to deliver */
	z.len = 0;
	m[0].usize = 0;
	m[0].method = 6;
	m[0].crc = 1;
	zbuild(&z, m, 2, 0, 0, 0);
	assert_int_equal(walk(z.data, z.len, NULL, &g, &res), 0);
	assert_int_equal(res.status, ARC_CORRUPT);
	assert_string_equal(res.reason, "corrupt: CRC mismatch");
	assert_int_equal(g.n, 1);
	assert_member(&g, 0, &f, 1, "good.imp");
	got_free(&g);
	buf_clear(&z);
	fix_free(&f);
}

/* test_walk_nocd - no central directory: the local headers, descriptors */
static void
test_walk_nocd(void **state)
{
	struct fix		 f;
	struct zm		 m[4];
	struct buf		 z;
	struct arc_result	 res;
	struct got		 g;

	(void)state;
	fix_init(&f);
	buf_init(&z);
	m[0] = zmem(&f, 1, "a.imp");
	m[1] = zmem(&f, 3, "b.txt");
	m[1].desc = 1;
	m[2] = zmem(&f, 0, "c.d64");
	m[2].desc = 1;
	m[3] = zmem(&f, 1, "d.imp");
	m[3].desc = 1;
	zbuild(&z, m, 4, 1, 0, 0);
	g.stop_at = -1;
	assert_int_equal(walk(z.data, z.len, NULL, &g, &res), 0);
	assert_int_equal(res.status, ARC_CORRUPT);
	assert_string_equal(res.reason, "corrupt: no central directory");
	assert_int_equal(g.n, 3);
	assert_member(&g, 0, &f, 1, "a.imp");
	assert_member(&g, 1, &f, 0, "c.d64");
	assert_member(&g, 2, &f, 1, "d.imp");
	got_free(&g);

	/* the central directory cut off: the same, from the headers */
	z.len = 0;
	m[1].desc = m[2].desc = m[3].desc = 0;
	zbuild(&z, m, 4, 0, 0, 0);
	z.len -= 40;
	assert_int_equal(walk(z.data, z.len, NULL, &g, &res), 0);
	assert_int_equal(res.status, ARC_CORRUPT);
	assert_int_equal(g.n, 3);
	assert_member(&g, 1, &f, 0, "c.d64");
	got_free(&g);

	/* the last member cut short: what there is, damaged */
	z.len = 0;
	zbuild(&z, m, 3, 1, 0, 0);
	z.len -= 3;
	assert_int_equal(walk(z.data, z.len, NULL, &g, &res), 0);
	assert_int_equal(res.status, ARC_CORRUPT);
	assert_string_equal(res.reason, "corrupt: no central directory");
	assert_int_equal(g.n, 2);
	assert_int_equal(g.m[1].damaged, 1);
	assert_int_equal(g.m[1].truncated, 0);
	assert_true(g.m[1].len > 66000 && g.m[1].len < f.plen[0]);
	assert_memory_equal(g.m[1].data, f.plain[0], g.m[1].len);
	got_free(&g);
	buf_clear(&z);
	fix_free(&f);
}

/* test_walk_hostile - counts, offsets and sizes that lie; SFX data */
static void
test_walk_hostile(void **state)
{
	struct fix		 f;
	struct zm		 m[4];
	struct buf		 z, y;
	struct arc_result	 res;
	struct got		 g;
	size_t			 i;

	(void)state;
	fix_init(&f);
	buf_init(&z);
	buf_init(&y);
	g.stop_at = -1;

	/* the same local header named four times: delivered once */
	m[0] = zmem(&f, 0, "one.d64");
	m[1] = zmem(&f, 0, "two.d64");
	m[1].dup = 1;
	m[2] = zmem(&f, 0, "three.d64");
	m[2].dup = 1;
	m[3] = zmem(&f, 1, "x.imp");
	zbuild(&z, m, 4, 0, 0, 0);
	assert_int_equal(walk(z.data, z.len, NULL, &g, &res), 0);
	assert_int_equal(res.status, ARC_CORRUPT);
	assert_string_equal(res.reason, "corrupt: overlapping members");
	assert_int_equal(g.n, 2);
	assert_member(&g, 0, &f, 0, "one.d64");
	assert_member(&g, 1, &f, 1, "x.imp");
	got_free(&g);

	/* compressed size far too large: cut at the next header */
	z.len = 0;
	m[1] = zmem(&f, 1, "two.imp");
	m[0].lie_csize = 0xfffffff0;
	zbuild(&z, m, 2, 0, 0, 0);
	assert_int_equal(walk(z.data, z.len, NULL, &g, &res), 0);
	assert_int_equal(res.status, ARC_OK);
	assert_int_equal(g.n, 2);
	assert_member(&g, 0, &f, 0, "one.d64");
	got_free(&g);
	m[0].lie_csize = 0;

	/* a count far larger than the directory: then the scan, no twice */
	z.len = 0;
	zbuild(&z, m, 2, 0, 0, 65000);
	assert_int_equal(walk(z.data, z.len, NULL, &g, &res), 0);
	assert_int_equal(res.status, ARC_CORRUPT);
	assert_string_equal(res.reason, "corrupt: central directory");
	assert_int_equal(g.n, 2);
	got_free(&g);

	/* a local header offset past the end */
	z.len = 0;
	m[1].zip64 = 1;
	zbuild(&z, m, 2, 0, 0, 0);
	for (i = z.len - 22; i > 0; i--)	/* ZIP64 offset: last 8 */
		if (memcmp(z.data + i, "\x01\x00\x18\x00", 4) == 0)
			break;
	assert_true(i > 0);
	memset(z.data + i + 4 + 16, 0xee, 8);
	assert_int_equal(walk(z.data, z.len, NULL, &g, &res), 0);
	assert_int_equal(res.status, ARC_CORRUPT);
	assert_string_equal(res.reason, "corrupt: bad local header");
	assert_int_equal(g.n, 1);
	got_free(&g);

	/* a self-extractor: data before the archive, offsets unchanged */
	z.len = 0;
	m[1].zip64 = 0;
	zbuild(&z, m, 2, 0, 0, 0);
	buf_addz(&y, 4000);
	memcpy(y.data, "MZ", 2);
	buf_add(&y, z.data, z.len);
	assert_int_equal(walk(y.data, y.len, NULL, &g, &res), 0);
	assert_int_equal(res.status, ARC_OK);
	assert_int_equal(g.n, 2);
	assert_member(&g, 1, &f, 1, "two.imp");
	got_free(&g);

	/* every cut of a small archive: no crash, never more than there */
	z.len = 0;
	m[0] = zmem(&f, 1, "a.imp");
	m[1] = zmem(&f, 2, "b.bin");
	zbuild(&z, m, 2, 0, 0, 0);
	for (i = 0; i < z.len; i += 1 + i / 64) {
		assert_int_equal(walk(z.data, i, NULL, &g, &res), 0);
		assert_true(g.n <= 1);
		if (g.n == 1 && g.m[0].len > 0)
			assert_memory_equal(g.m[0].data, f.plain[1],
			    g.m[0].len);
		got_free(&g);
	}
	buf_clear(&y);
	buf_clear(&z);
	fix_free(&f);
}

/* test_walk_limits - max_entries, max_entry, max_total, stop */
static void
test_walk_limits(void **state)
{
	struct fix		 f;
	struct zm		 m[3];
	struct buf		 z;
	struct arc_limits	 lim;
	struct arc_result	 res;
	struct got		 g;

	(void)state;
	fix_init(&f);
	buf_init(&z);
	m[0] = zmem(&f, 0, "a.d64");
	m[1] = zmem(&f, 1, "b.imp");
	m[2] = zmem(&f, 0, "c.d64");
	zbuild(&z, m, 3, 0, 0, 0);
	g.stop_at = -1;

	memset(&lim, 0, sizeof(lim));
	lim.max_entries = 2;
	assert_int_equal(walk(z.data, z.len, &lim, &g, &res), 0);
	assert_int_equal(res.status, ARC_LIMIT_ENTRIES);
	assert_string_equal(res.reason, "limit: files");
	assert_int_equal(g.n, 2);
	got_free(&g);

	memset(&lim, 0, sizeof(lim));
	lim.max_entry = 1000;
	assert_int_equal(walk(z.data, z.len, &lim, &g, &res), 0);
	assert_int_equal(res.status, ARC_OK);
	assert_int_equal(g.n, 3);
	assert_int_equal(g.m[0].len, 1000);
	assert_int_equal(g.m[0].truncated, 1);
	assert_memory_equal(g.m[0].data, f.plain[0], 1000);
	assert_int_equal(g.m[1].len, 1000);
	assert_memory_equal(g.m[1].data, f.plain[1], 1000);
	assert_int_equal(res.total, 3000);
	got_free(&g);

	/* max_entry and a ratio bound the member stays under */
	lim.max_ratio = 100;
	assert_int_equal(walk(z.data, z.len, &lim, &g, &res), 0);
	assert_int_equal(res.status, ARC_OK);
	assert_int_equal(g.n, 3);
	assert_int_equal(g.m[2].truncated, 1);
	got_free(&g);

	memset(&lim, 0, sizeof(lim));
	lim.max_total = f.plen[0] + 500;
	assert_int_equal(walk(z.data, z.len, &lim, &g, &res), 0);
	assert_int_equal(res.status, ARC_LIMIT_TOTAL);
	assert_string_equal(res.reason, "limit: scan size");
	assert_int_equal(g.n, 2);
	assert_int_equal(g.m[0].truncated, 0);
	assert_int_equal(g.m[1].truncated, 1);
	assert_int_equal(g.m[1].len, 500);
	assert_memory_equal(g.m[1].data, f.plain[1], 500);
	assert_int_equal(res.total, lim.max_total);
	got_free(&g);

	/* the budget spent exactly: the next member is not delivered */
	lim.max_total = f.plen[0];
	assert_int_equal(walk(z.data, z.len, &lim, &g, &res), 0);
	assert_int_equal(res.status, ARC_LIMIT_TOTAL);
	assert_int_equal(g.n, 1);
	got_free(&g);

	memset(&lim, 0, sizeof(lim));
	g.stop_at = 1;
	assert_int_equal(walk(z.data, z.len, &lim, &g, &res), 0);
	assert_int_equal(res.status, ARC_STOPPED);
	assert_string_equal(res.reason, "stopped");
	assert_int_equal(g.n, 2);
	got_free(&g);
	buf_clear(&z);
	fix_free(&f);
}

/*
 * test_walk_ratio - a Deflate64 bomb: a few bytes for 3 MB; cut at the
 * ratio bound (1 MiB here), also behind a small max_entry
 */
static void
test_walk_ratio(void **state)
{
	static const struct tok	 bomb[] = {
		{ T_LIT, 'a', 0 },
		{ T_MATCH, 65538, 1 }, { T_MATCH, 65538, 1 },
		{ T_END, 0, 0 }
	};
	struct buf		 s, z, want;
	struct bw		 w;
	struct zm		 m[2];
	struct arc_limits	 lim;
	struct arc_result	 res;
	struct got		 g;
	size_t			 i, n;

	(void)state;
	buf_init(&s);
	buf_init(&z);
	buf_init(&want);
	w = (struct bw){ &s, 0, 0 };
	for (i = 0; i < 24; i++)
		emit_block(&w, i == 23, 1, bomb);
	bw_align(&w);
	for (i = 0; i < 24; i++)
		apply(&want, 0, bomb);
	n = want.len;
	assert_true(n > 3000000);
	memset(&m, 0, sizeof(m));
	m[0].name = "bomb";
	m[0].method = 9;
	m[0].data = s.data;
	m[0].dlen = s.len;
	m[0].usize = n;
	m[0].crc = (uint32_t)crc32(0, want.data, (uInt)n);
	m[1] = m[0];
	m[1].name = "bomb2";
	zbuild(&z, m, 2, 0, 0, 0);
	g.stop_at = -1;

	assert_int_equal(walk(z.data, z.len, NULL, &g, &res), 0);
	assert_int_equal(res.status, ARC_OK);
	assert_int_equal(g.n, 2);
	assert_int_equal(g.m[0].len, n);
	got_free(&g);

	memset(&lim, 0, sizeof(lim));
	lim.max_ratio = 10;
	assert_int_equal(walk(z.data, z.len, &lim, &g, &res), 0);
	assert_int_equal(res.status, ARC_LIMIT_RATIO);
	assert_string_equal(res.reason, "limit: compression ratio");
	assert_int_equal(g.n, 1);
	assert_int_equal(g.m[0].truncated, 1);
	assert_int_equal(g.m[0].len, 1024 * 1024);
	assert_memory_equal(g.m[0].data, want.data, 1024 * 1024);
	got_free(&g);

	lim.max_entry = 100;
	assert_int_equal(walk(z.data, z.len, &lim, &g, &res), 0);
	assert_int_equal(res.status, ARC_LIMIT_RATIO);
	assert_int_equal(g.n, 1);
	assert_int_equal(g.m[0].len, 100);
	assert_int_equal(g.m[0].truncated, 1);
	got_free(&g);

	/* the ratio large enough: both, whole */
	lim.max_entry = 0;
	lim.max_ratio = 100000;
	assert_int_equal(walk(z.data, z.len, &lim, &g, &res), 0);
	assert_int_equal(res.status, ARC_OK);
	assert_int_equal(g.n, 2);
	assert_int_equal(g.m[1].len, n);
	assert_memory_equal(g.m[1].data, want.data, n);
	got_free(&g);
	buf_clear(&s);
	buf_clear(&z);
	buf_clear(&want);
}

#define ADD(tab, fn)	do {						\
	for (i = 0; i < nitems(tab); i++) {				\
		tests[n].name = tab[i].name;				\
		tests[n].test_func = fn;				\
		tests[n++].initial_state = (void *)&tab[i];		\
	}								\
} while (0)

/* main - every row and check as its own test */
int
main(void)
{
	static struct CMUnitTest	 tests[nitems(dcases) + 24];
	size_t				 i, n = 0;

	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_d64_fixed);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_d64_dynamic);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_d64_stored);
	ADD(dcases, test_d64_damage);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_d64_cuts);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_failed_buffer);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(
	    test_implode_roundtrip);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_implode_tokens);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_implode_damage);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_clam);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_7z);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_walk_methods);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_walk_zip64);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_walk_encrypted);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_walk_crc);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_walk_nocd);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_walk_hostile);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_walk_limits);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_walk_ratio);
	return _cmocka_run_group_tests("zipx", tests, n, NULL, NULL);
}
