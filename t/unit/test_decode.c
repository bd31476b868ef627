/*
 * test_decode.c - unit tests for workers/decode.c
 *
 * Tables of inputs and the bytes they must decode to, one cmocka test
 * per row: base64 (the RFC 4648 section 10 vectors, then junk, padding
 * and concatenation), quoted-printable (the soft line break example of
 * RFC 2045 section 6.7, escapes good and bad), uuencode (vectors made
 * once with Python 3's binascii.b2a_uu() and pasted here, so that the
 * tests need no tool), RFC 2047 words and charset conversion.  BinHex
 * is tested on clam.exe.binhex from Debian's clamav-testfiles (skipped
 * when the package is absent) and on fixtures made by a small encoder
 * below, with the run-length encoding and CRC-16 of the format.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "av/averr.h"
#include "util/buf.h"
#include "util/digest.h"
#include "workers/decode.h"

#ifndef CLAMDIR
#define CLAMDIR		"/usr/share/clamav-testfiles"
#endif
#define nitems(a)	(sizeof(a) / sizeof((a)[0]))
#define S(x)		x, sizeof(x) - 1

enum dkind {
	D_B64,
	D_QP,
	D_UU
};

/* a decoder run: input, bound, expected output and return */
static const struct dcase {
	const char	*name;
	enum dkind	 kind;
	const char	*in;
	size_t		 inlen;
	uint64_t	 max;
	const char	*want;
	size_t		 wantlen;
	int		 rc;		/* 0, or the errno of -1 */
	size_t		 used;		/* uu_decode only */
} dcases[] = {
	/* RFC 4648 section 10 */
	{ "b64: rfc4648 empty", D_B64, S(""), 0, S(""), 0, 0 },
	{ "b64: rfc4648 f", D_B64, S("Zg=="), 0, S("f"), 0, 0 },
	{ "b64: rfc4648 fo", D_B64, S("Zm8="), 0, S("fo"), 0, 0 },
	{ "b64: rfc4648 foo", D_B64, S("Zm9v"), 0, S("foo"), 0, 0 },
	{ "b64: rfc4648 foob", D_B64, S("Zm9vYg=="), 0, S("foob"), 0, 0 },
	{ "b64: rfc4648 fooba", D_B64, S("Zm9vYmE="), 0, S("fooba"), 0, 0 },
	{ "b64: rfc4648 foobar", D_B64, S("Zm9vYmFy"), 0, S("foobar"), 0,
	    0 },
	{ "b64: binary", D_B64, S("/+8A"), 0, S("\xff\xef\x00"), 0, 0 },
	{ "b64: missing padding 2", D_B64, S("Zm9vYg"), 0, S("foob"), 0, 0 },
	{ "b64: missing padding 1", D_B64, S("Zm9vYmE"), 0, S("fooba"), 0, 0 },
	{ "b64: lone last char dropped", D_B64, S("Zm9vY"), 0, S("foo"), 0,
	    0 },
	{ "b64: line breaks", D_B64, S("Zm9v\r\nYmFy\r\n"), 0, S("foobar"),
	    0, 0 },
	{ "b64: junk skipped", D_B64, S("Z m9v*Ym!F\x80y"), 0, S("foobar"),
	    0, 0 },
	{ "b64: concatenated", D_B64, S("Zg==Zm8=Zm9v"), 0, S("ffofoo"), 0,
	    0 },
	{ "b64: = inside a quantum skipped", D_B64, S("Z=m9v"), 0, S("foo"),
	    0, 0 },
	{ "b64: bound exact", D_B64, S("Zm9vYmFy"), 6, S("foobar"), 0, 0 },
	{ "b64: bound hit", D_B64, S("Zm9vYmFy"), 4, S("foob"), AV_ELIMIT,
	    0 },
	/* RFC 2045 section 6.7 */
	{ "qp: rfc2045 soft breaks", D_QP,
	    S("Now's the time =\r\nfor all folk to come=\r\n to the aid of "
	    "their country."), 0,
	    S("Now's the time for all folk to come to the aid of their "
	    "country."), 0, 0 },
	{ "qp: escapes", D_QP, S("a=3Db=C3=A9"), 0, S("a=b\xc3\xa9"), 0, 0 },
	{ "qp: lowercase hex", D_QP, S("caf=e9"), 0, S("caf\xe9"), 0, 0 },
	{ "qp: LF soft break", D_QP, S("ab=\ncd"), 0, S("abcd"), 0, 0 },
	{ "qp: soft break with blanks", D_QP, S("ab= \t\r\ncd"), 0,
	    S("abcd"), 0, 0 },
	{ "qp: = at the end", D_QP, S("abc="), 0, S("abc"), 0, 0 },
	{ "qp: bad escape kept", D_QP, S("a=ZZb=4"), 0, S("a=ZZb=4"), 0, 0 },
	{ "qp: half escape kept", D_QP, S("a=4x"), 0, S("a=4x"), 0, 0 },
	{ "qp: trailing blanks dropped", D_QP, S("abc  \r\ndef \t\nx "), 0,
	    S("abc\r\ndef\nx"), 0, 0 },
	{ "qp: inner blanks kept", D_QP, S("a  b=20\n"), 0, S("a  b \n"), 0,
	    0 },
	{ "qp: bound hit", D_QP, S("abcdef"), 3, S("abc"), AV_ELIMIT, 0 },
	/* binascii.b2a_uu(b"Cat") */
	{ "uu: Cat", D_UU, S("#0V%T\n`\nend\n"), 0, S("Cat"), 0, 12 },
	/* binascii.b2a_uu(bytes(range(45))), b2a_uu(bytes(range(45, 50))) */
	{ "uu: two lines, space data", D_UU,
	    S("M  $\" P0%!@<(\"0H+# T.#Q 1$A,4%187&!D:&QP='A\\@(2(C)\"4F)R@I*"
	    "BLL\n%+2XO,#$ \n \nend\n"), 0,
	    S("\x00\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b\x0c\x0d\x0e"
	    "\x0f\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19\x1a\x1b\x1c\x1d"
	    "\x1e\x1f\x20\x21\x22\x23\x24\x25\x26\x27\x28\x29\x2a\x2b\x2c"
	    "\x2d\x2e\x2f\x30\x31"), 0, 78 },
	{ "uu: CRLF lines", D_UU, S("#0V%T\r\n`\r\nend\r\n"), 0, S("Cat"), 0,
	    15 },
	{ "uu: missing padding", D_UU, S("#0V%T\nend\n"), 0, S("Cat"), 0,
	    10 },
	{ "uu: short line tolerated", D_UU, S("\"0V%\nend\n"), 0, S("Ca"), 0,
	    9 },
	{ "uu: stops at text", D_UU, S("#0V%T\nHello there\nend\n"), 0,
	    S("Cat"), 0, 6 },
	{ "uu: stops at empty line", D_UU, S("#0V%T\n\n#0V%T\n"), 0, S("Cat"),
	    0, 6 },
	{ "uu: no end line", D_UU, S("#0V%T\n`\n"), 0, S("Cat"), 0, 8 },
	{ "uu: bound hit", D_UU, S("#0V%T\n`\nend\n"), 2, S("Ca"), AV_ELIMIT,
	    0 },
	{ "uu: nothing", D_UU, S("hello\n"), 0, S(""), 0, 0 },
};

/* uu_find() */
static const struct findcase {
	const char	*name;
	const char	*in;
	size_t		 inlen;
	int		 found;
	size_t		 begin;
	const char	*fname;
	size_t		 namelen;
} findcases[] = {
	{ "uu_find: at start", S("begin 644 fox.txt\nM5&AE\n"), 1, 18,
	    "fox.txt", 64 },
	{ "uu_find: after text", S("Hi,\r\nbegin 0755 a b.exe \r\nx"), 1, 26,
	    "a b.exe", 64 },
	{ "uu_find: name cut", S("begin 644 abcdef\n"), 1, 17, "abc", 4 },
	{ "uu_find: slash and control", S("begin 644 ../e\tvil\n"), 1, 19,
	    ".._e_vil", 64 },
	{ "uu_find: no name", S("begin 644\n"), 1, 10, "", 64 },
	{ "uu_find: no newline", S("begin 644 x"), 1, 11, "x", 64 },
	{ "uu_find: not at line start", S("xbegin 644 a\n"), 0, 0, NULL, 0 },
	{ "uu_find: mode not octal", S("begin 9x9 a\n"), 0, 0, NULL, 0 },
	{ "uu_find: begin-base64", S("begin-base64 644 a\n"), 0, 0, NULL, 0 },
	{ "uu_find: second try", S("begin here\nbegin 600 ok\n"), 1, 24,
	    "ok", 64 },
	{ "uu_find: empty", S(""), 0, 0, NULL, 0 },
};

/* rfc2047_decode() */
static const struct ewcase {
	const char	*name;
	const char	*in;
	size_t		 outlen;
	const char	*want;
} ewcases[] = {
	{ "2047: UTF-8 B", "=?UTF-8?B?w6lsw6h2ZS5wZGY=?=", 64,
	    "\xc3\xa9l\xc3\xa8ve.pdf" },
	{ "2047: ISO-8859-1 Q underscores",
	    "=?ISO-8859-1?Q?caf=E9_cr=E8me.txt?=", 64,
	    "caf\xc3\xa9 cr\xc3\xa8me.txt" },
	{ "2047: lowercase q and hex", "=?iso-8859-1?q?caf=e9?=", 64,
	    "caf\xc3\xa9" },
	{ "2047: adjacent words join", "=?UTF-8?Q?a?= \r\n =?UTF-8?Q?b?=", 64,
	    "ab" },
	{ "2047: text around kept", "x =?UTF-8?Q?a?= y", 64, "x a y" },
	{ "2047: char split between words", "=?UTF-8?B?ww==?= =?UTF-8?B?qQ==?=",
	    64, "\xc3\xa9" },
	{ "2047: charset change", "=?UTF-8?B?w6k=?= =?ISO-8859-1?Q?=E9?=", 64,
	    "\xc3\xa9\xc3\xa9" },
	{ "2047: unknown charset", "=?KOI8-R?B?79Teo9QuZXhl?=", 64,
	    "?????.exe" },
	{ "2047: language suffix", "=?UTF-8*en?Q?hi?=", 64, "hi" },
	{ "2047: inside a word", "re=?UTF-8?Q?port?=.pdf", 64, "report.pdf" },
	{ "2047: bad encoding letter", "=?UTF-8?X?abc?=", 64,
	    "=?UTF-8?X?abc?=" },
	{ "2047: unterminated", "=?UTF-8?Q?abc", 64, "=?UTF-8?Q?abc" },
	{ "2047: empty charset", "=??Q?abc?=", 64, "=??Q?abc?=" },
	{ "2047: raw 8-bit kept", "caf\xe9 =?UTF-8?Q?x?=", 64, "caf\xe9 x" },
	{ "2047: cut before a character", "=?UTF-8?B?w6nDqcOp?=", 4,
	    "\xc3\xa9" },
	{ "2047: cut plain text", "abcdef", 4, "abc" },
	{ "2047: plain", "hello world", 64, "hello world" },
};

/* charset_to_utf8() */
static const struct cscase {
	const char	*name;
	const char	*cs;
	const char	*in;
	size_t		 inlen;
	size_t		 outlen;
	const char	*want;
} cscases[] = {
	{ "cs: utf-8 valid", "UTF-8", S("\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80"),
	    64, "\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80" },
	{ "cs: utf8 label", "utf8", S("a\xc3\xa9"), 64, "a\xc3\xa9" },
	{ "cs: utf-16le with a pair", "UTF-16LE",
	    S("a\0\xe9\0\x3d\xd8\x00\xde"), 64, "a\xc3\xa9\xf0\x9f\x98\x80" },
	{ "cs: utf-16le lone surrogate, odd byte", "utf-16le",
	    S("\x00\xdcz\0x"), 64, "?z?" },
	{ "cs: utf-16le stops at a NUL unit", "utf-16le", S("a\0\0\0b\0"),
	    64, "a" },
	{ "cs: utf-8 bad byte", "utf-8", S("a\xff" "b"), 64, "a?b" },
	{ "cs: utf-8 overlong", "utf-8", S("\xc0\xaf"), 64, "??" },
	{ "cs: utf-8 surrogate", "utf-8", S("\xed\xa0\x80"), 64, "???" },
	{ "cs: utf-8 above U+10FFFF", "utf-8", S("\xf4\x90\x80\x80"), 64,
	    "????" },
	{ "cs: utf-8 truncated", "utf-8", S("a\xe2\x82"), 64, "a?" },
	{ "cs: utf-8 cut sequence", "utf-8", S("\xe2\x82" "b"), 64, "?b" },
	{ "cs: windows-1252 euro", "windows-1252", S("\x80\x99"), 64,
	    "\xe2\x82\xac\xe2\x84\xa2" },
	{ "cs: iso-8859-1 reads as 1252", "ISO-8859-1", S("\x93x\xe9"), 64,
	    "\xe2\x80\x9cx\xc3\xa9" },
	{ "cs: 1252 unassigned", "cp1252", S("\x81"), 64, "\xc2\x81" },
	{ "cs: us-ascii 8-bit", "us-ascii", S("\xe9"), 64, "\xc3\xa9" },
	{ "cs: latin1 nbsp", "latin1", S("\xa0\xff"), 64, "\xc2\xa0\xc3\xbf" },
	{ "cs: other charset", "koi8-r", S("\xc1" "b"), 64, "?b" },
	{ "cs: no charset", NULL, S("a\xe9"), 64, "a?" },
	{ "cs: no split character", "utf-8", S("ab\xc3\xa9"), 4, "ab" },
	{ "cs: 1252 no split", "windows-1252", S("a\x80"), 4, "a" },
	{ "cs: exact fit", "utf-8", S("ab\xc3\xa9"), 5, "ab\xc3\xa9" },
};

/* test_dcase - one decoder row */
static void
test_dcase(void **state)
{
	const struct dcase	*c = *state;
	struct buf		 out;
	size_t			 used = 0;
	int			 rc = 0;

	buf_init(&out);
	errno = 0;
	switch (c->kind) {
	case D_B64:
		rc = b64_decode((const uint8_t *)c->in, c->inlen, &out, c->max);
		break;
	case D_QP:
		rc = qp_decode((const uint8_t *)c->in, c->inlen, &out, c->max);
		break;
	case D_UU:
		rc = uu_decode((const uint8_t *)c->in, c->inlen, &out, c->max,
		    &used);
		if (c->rc == 0)
			assert_int_equal(used, c->used);
		break;
	}
	if (c->rc == 0)
		assert_int_equal(rc, 0);
	else {
		assert_int_equal(rc, -1);
		assert_int_equal(errno, c->rc);
	}
	assert_int_equal(out.len, c->wantlen);
	if (c->wantlen > 0)
		assert_memory_equal(out.data, c->want, c->wantlen);
	buf_clear(&out);
}

/* test_find - one uu_find() row */
static void
test_find(void **state)
{
	const struct findcase	*c = *state;
	char			 name[64];
	size_t			 begin = 12345;

	memset(name, 'x', sizeof(name));
	assert_int_equal(uu_find((const uint8_t *)c->in, c->inlen, &begin,
	    name, c->namelen), c->found);
	if (!c->found)
		return;
	assert_int_equal(begin, c->begin);
	assert_string_equal(name, c->fname);
}

/* test_ew - one rfc2047_decode() row */
static void
test_ew(void **state)
{
	const struct ewcase	*c = *state;
	char			 out[64];
	size_t			 n;

	memset(out, 'x', sizeof(out));
	n = rfc2047_decode(c->in, strlen(c->in), out, c->outlen);
	assert_int_equal(n, strlen(c->want));
	assert_string_equal(out, c->want);
}

/* test_cs - one charset_to_utf8() row */
static void
test_cs(void **state)
{
	const struct cscase	*c = *state;
	char			 out[64];
	size_t			 n;

	memset(out, 'x', sizeof(out));
	n = charset_to_utf8(c->cs, (const uint8_t *)c->in, c->inlen, out,
	    c->outlen);
	assert_int_equal(n, strlen(c->want));
	assert_string_equal(out, c->want);
}

/* test_zero_outlen - outlen 0 writes nothing */
static void
test_zero_outlen(void **state)
{
	char	 out[1] = { 'x' };

	(void)state;
	assert_int_equal(rfc2047_decode("abc", 3, out, 0), 0);
	assert_int_equal(charset_to_utf8("utf-8", (const uint8_t *)"abc", 3,
	    out, 0), 0);
	assert_int_equal(out[0], 'x');
	assert_int_equal(rfc2047_decode("abc", 3, out, 1), 0);
	assert_int_equal(out[0], '\0');
}

/* test_uu_fox - uu_find() then uu_decode() over a whole block */
static void
test_uu_fox(void **state)
{
	/* binascii.b2a_uu(b"The quick brown fox ...\n", backtick=True) */
	static const char	 text[] = "Some text\nbegin 644 fox.txt\n"
	    "M5&AE('%U:6-K(&)R;W=N(&9O>\"!J=6UP<R!O=F5R('1H92!L87IY(&1O9RX*\n"
	    "`\nend\ntrailer\n";
	struct buf		 out;
	char			 name[32];
	size_t			 at, used;

	(void)state;
	buf_init(&out);
	assert_int_equal(uu_find((const uint8_t *)text, sizeof(text) - 1, &at,
	    name, sizeof(name)), 1);
	assert_string_equal(name, "fox.txt");
	assert_int_equal(uu_decode((const uint8_t *)text + at,
	    sizeof(text) - 1 - at, &out, 0, &used), 0);
	assert_int_equal(out.len, 45);
	assert_memory_equal(out.data,
	    "The quick brown fox jumps over the lazy dog.\n", 45);
	assert_string_equal(text + at + used, "trailer\n");
	buf_clear(&out);
}

/* test_append - decoders append to what out holds */
static void
test_append(void **state)
{
	struct buf	 out;

	(void)state;
	buf_init(&out);
	buf_add(&out, "xy", 2);
	assert_int_equal(b64_decode((const uint8_t *)"Zm9v", 4, &out, 3), 0);
	assert_int_equal(qp_decode((const uint8_t *)"=41", 3, &out, 1), 0);
	assert_int_equal(out.len, 6);
	assert_memory_equal(out.data, "xyfooA", 6);
	buf_clear(&out);
}

/* test_large_b64 - a long stream crosses the sink's chunks */
static void
test_large_b64(void **state)
{
	static const char	 alpha[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	struct buf		 out;
	uint8_t			*raw, *enc;
	size_t			 n = 100004, i, o = 0;
	uint32_t		 v;

	(void)state;
	raw = malloc(n);
	enc = malloc(n / 3 * 4 + 8 + n / 57 + 1);
	assert_non_null(raw);
	assert_non_null(enc);
	for (i = 0; i < n; i++)
		raw[i] = (uint8_t)(i * 7 + i / 251);
	for (i = 0; i + 3 <= n; i += 3) {
		v = raw[i] << 16 | raw[i + 1] << 8 | raw[i + 2];
		enc[o++] = alpha[v >> 18];
		enc[o++] = alpha[v >> 12 & 63];
		enc[o++] = alpha[v >> 6 & 63];
		enc[o++] = alpha[v & 63];
		if (i % 57 == 54)
			enc[o++] = '\n';
	}
	v = raw[i] << 16 | raw[i + 1] << 8;	/* n % 3 == 2 */
	enc[o++] = alpha[v >> 18];
	enc[o++] = alpha[v >> 12 & 63];
	enc[o++] = alpha[v >> 6 & 63];
	enc[o++] = '=';
	buf_init(&out);
	assert_int_equal(b64_decode(enc, o, &out, 0), 0);
	assert_int_equal(out.len, n);
	assert_memory_equal(out.data, raw, n);
	out.len = 0;
	assert_int_equal(b64_decode(enc, o, &out, 5000), -1);
	assert_int_equal(errno, AV_ELIMIT);
	assert_int_equal(out.len, 5000);
	assert_memory_equal(out.data, raw, 5000);
	buf_clear(&out);
	free(raw);
	free(enc);
}

/*
 * BinHex 4.0 encoder for the fixtures: header, data fork and an empty
 * resource fork, each followed by its CRC-16 (polynomial 0x1021, initial
 * value 0, the CCITT CRC the format uses); run-length encoding (a byte
 * repeated n > 2 times becomes byte 0x90 n, a literal 0x90 becomes 0x90
 * 0x00); 6-bit alphabet in lines of 64 between ':' and ':'.
 */
static const char	 bhx_alpha[] =
    "!\"#$%&'()*+,-012345689@ABCDEFGHIJKLMNPQRSTUVXYZ[`abcdefhijklmpqr";

/* bhx_crc - CRC-16/CCITT over p */
static uint16_t
bhx_crc(uint16_t crc, const uint8_t *p, size_t n)
{
	size_t	 i;
	int	 b;

	for (i = 0; i < n; i++) {
		crc ^= (uint16_t)(p[i] << 8);
		for (b = 0; b < 8; b++)
			crc = crc & 0x8000 ? (uint16_t)(crc << 1 ^ 0x1021) :
			    (uint16_t)(crc << 1);
	}
	return crc;
}

/* bhx_put - append n bytes of v, big-endian */
static void
bhx_put(struct buf *b, uint32_t v, int n)
{
	uint8_t	 c;

	while (n-- > 0) {
		c = (uint8_t)(v >> (8 * n));
		buf_add(b, &c, 1);
	}
}

/* bhx_encode - a BinHex 4.0 text of data named name */
static void
bhx_encode(const char *name, const uint8_t *data, size_t n, struct buf *out)
{
	struct buf	 raw, rle;
	size_t		 i, j, run, hstart;
	uint32_t	 acc = 0;
	int		 nbits = 0, col = 0;
	uint8_t		 c;

	buf_init(&raw);
	buf_init(&rle);
	c = (uint8_t)strlen(name);
	buf_add(&raw, &c, 1);
	buf_add(&raw, name, c);
	buf_addz(&raw, 1);
	buf_add(&raw, "TEXTttxt", 8);
	bhx_put(&raw, 0, 2);
	bhx_put(&raw, (uint32_t)n, 4);
	bhx_put(&raw, 0, 4);
	bhx_put(&raw, bhx_crc(0, raw.data, raw.len), 2);
	hstart = raw.len;
	buf_add(&raw, data, n);
	bhx_put(&raw, bhx_crc(0, raw.data + hstart, n), 2);
	bhx_put(&raw, 0, 2);			/* empty resource fork */
	for (i = 0; i < raw.len; i = j) {
		c = raw.data[i];
		for (j = i + 1; j < raw.len && raw.data[j] == c && j - i < 255;)
			j++;
		run = j - i;
		if (c == 0x90) {
			buf_add(&rle, "\x90\x00", 2);
			if (run > 1) {
				buf_add(&rle, "\x90", 1);
				bhx_put(&rle, (uint32_t)run, 1);
			}
		} else if (run > 2) {
			buf_add(&rle, &c, 1);
			buf_add(&rle, "\x90", 1);
			bhx_put(&rle, (uint32_t)run, 1);
		} else
			for (; i < j; i++)
				buf_add(&rle, &c, 1);
	}
	buf_add(out, "(This file must be converted with BinHex 4.0)\r\n\r\n:",
	    50);
	for (i = 0; i <= rle.len; i++) {
		if (i < rle.len) {
			acc = acc << 8 | rle.data[i];
			nbits += 8;
		} else if (nbits % 6 != 0) {
			acc <<= 6 - nbits % 6;
			nbits += 6 - nbits % 6;
		}
		while (nbits >= 6) {
			nbits -= 6;
			buf_add(out, &bhx_alpha[acc >> nbits & 63], 1);
			if (++col == 63) {
				buf_add(out, "\r\n", 2);
				col = -1;
			}
		}
	}
	buf_add(out, ":\r\n", 3);
	assert_false(out->failed);
	buf_clear(&raw);
	buf_clear(&rle);
}

/* test_binhex_fixture - runs, literal 0x90, runs of 0x90, the name */
static void
test_binhex_fixture(void **state)
{
	struct buf	 data, enc, out;
	char		 name[64];
	size_t		 at, i;

	(void)state;
	buf_init(&data);
	buf_init(&enc);
	buf_init(&out);
	buf_add(&data, "Hello, BinHex", 13);
	for (i = 0; i < 700; i++)		/* runs longer than 255 */
		buf_add(&data, "A", 1);
	buf_add(&data, "\x90xy\x90\x90\x90\x90zz\x90", 11);
	for (i = 0; i < 300; i++)
		buf_add(&data, "\x90", 1);
	buf_add(&data, "\0\0\0end", 6);
	bhx_encode("t/e\001st.txt", data.data, data.len, &enc);
	buf_add(&enc, "trailing text\r\n", 15);

	assert_int_equal(binhex_find(enc.data, enc.len, &at), 1);
	assert_int_equal(at, 49);
	assert_int_equal(binhex_decode(enc.data + at, enc.len - at, &out, 0,
	    name, sizeof(name)), 0);
	assert_string_equal(name, "t_e_st.txt");
	assert_int_equal(out.len, data.len);
	assert_memory_equal(out.data, data.data, data.len);

	/* bounded */
	out.len = 0;
	assert_int_equal(binhex_decode(enc.data + at, enc.len - at, &out, 100,
	    NULL, 0), -1);
	assert_int_equal(errno, AV_ELIMIT);
	assert_int_equal(out.len, 100);
	assert_memory_equal(out.data, data.data, 100);

	/* cut short: what arrived is written */
	out.len = 0;
	assert_int_equal(binhex_decode(enc.data + at, 60, &out, 0, name,
	    sizeof(name)), 0);
	assert_true(out.len > 0 && out.len < data.len);
	assert_memory_equal(out.data, data.data, out.len);

	/* header only, data length zero */
	enc.len = 0;
	bhx_encode("empty", (const uint8_t *)"", 0, &enc);
	out.len = 0;
	assert_int_equal(binhex_decode(enc.data + 49, enc.len - 49, &out, 0,
	    name, 4), 0);
	assert_string_equal(name, "emp");
	assert_int_equal(out.len, 0);
	buf_clear(&data);
	buf_clear(&enc);
	buf_clear(&out);
}

/* test_binhex_find - the banner, in any case; the ':' after it */
static void
test_binhex_find(void **state)
{
	static const struct {
		const char	*in;
		int		 found;
		size_t		 at;
	} c[] = {
		{ "(This file must be converted with BinHex 4.0)\n:abc", 1,
		    46 },
		{ "junk ((this FILE must be converted with binhex 4.0)\n\n:x",
		    1, 53 },
		{ "(This file must be converted with BinHex 4.0)\n", 0, 0 },
		{ "(This file must be converted with BinHe", 0, 0 },
		{ "no banner here :", 0, 0 },
		{ "", 0, 0 },
	};
	size_t	 i, at;

	(void)state;
	for (i = 0; i < nitems(c); i++) {
		at = 0;
		assert_int_equal(binhex_find((const uint8_t *)c[i].in,
		    strlen(c[i].in), &at), c[i].found);
		if (c[i].found)
			assert_int_equal(at, c[i].at);
	}
}

/* test_binhex_clam - clam.exe.binhex decodes to clam.exe */
static void
test_binhex_clam(void **state)
{
	static const char	 want[] = "71e7b604d18aefd839e51a39c88df838"
	    "3bb4c071dc31f87f00a2b5df580d4495";
	struct buf		 in, out;
	FILE			*fp;
	uint8_t			 md[DIGEST_MAXLEN], chunk[4096];
	char			 hex[2 * DIGEST_MAXLEN + 1], name[64];
	size_t			 n, at, i;

	(void)state;
	if ((fp = fopen(CLAMDIR "/clam.exe.binhex", "rb")) == NULL) {
		skip();
		return;
	}
	buf_init(&in);
	buf_init(&out);
	while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0)
		buf_add(&in, chunk, n);
	fclose(fp);
	assert_int_equal(binhex_find(in.data, in.len, &at), 1);
	assert_int_equal(binhex_decode(in.data + at, in.len - at, &out, 0,
	    name, sizeof(name)), 0);
	assert_string_equal(name, "clam.exe");
	assert_int_equal(digest_buf(DIGEST_SHA256, out.data, out.len, md), 0);
	for (i = 0; i < 32; i++)
		snprintf(hex + 2 * i, 3, "%02x", md[i]);
	assert_string_equal(hex, want);
	buf_clear(&in);
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
	assert_int_equal(b64_decode((const uint8_t *)"Zm9v", 4, &out, 0), -1);
	assert_int_equal(errno, ENOMEM);
	assert_int_equal(qp_decode((const uint8_t *)"abc", 3, &out, 0), -1);
	assert_int_equal(errno, ENOMEM);
	buf_clear(&out);
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
	static struct CMUnitTest	 tests[nitems(dcases) +
	    nitems(findcases) + nitems(ewcases) + nitems(cscases) + 16];
	size_t				 i, n = 0;

	ADD(dcases, test_dcase);
	ADD(findcases, test_find);
	ADD(ewcases, test_ew);
	ADD(cscases, test_cs);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_zero_outlen);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_uu_fox);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_append);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_large_b64);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_binhex_fixture);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_binhex_find);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_binhex_clam);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_failed_buffer);
	return _cmocka_run_group_tests("decode", tests, n, NULL, NULL);
}
