/*
 * test_pdf.c - unit tests for workers/pdf.c
 *
 * Each row is a small PDF written here and the streams pdf_walk() must
 * deliver from it, names and bytes, with the walk's outcome.  Deflate
 * data is made by zlib at run time (the row says "@Z<text>@" where the
 * compressed form of text goes); the ASCII85 vector was made once with
 * Python 3's base64.a85encode().  Then: limits, a deflate bomb, damage,
 * and every cut of a file with several streams.
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

#include <zlib.h>

#include "util/buf.h"
#include "workers/pdf.h"

#define nitems(a)	(sizeof(a) / sizeof((a)[0]))
#define MAXM		8

/* what a walk delivered */
struct got {
	uint32_t	 n;
	char		 name[MAXM][64];
	struct buf	 data[MAXM];
	int		 enc[MAXM], trunc[MAXM], dmg[MAXM];
	int		 stop_at;
};

static const struct pcase {
	const char	*name;
	const char	*pdf;
	enum arc_status	 status;
	const char	*want[MAXM];	/* "name=bytes" */
} pcases[] = {
	{ "plain stream with its length",
	  "%PDF-1.4\n1 0 obj\n<< /Length 5 >>\nstream\nhello\nendstream\n"
	  "endobj\n", ARC_OK, { "obj1=hello" } },
	{ "no length: up to endstream, less the end of line",
	  "%PDF-1.4\n2 0 obj\n<<>>\nstream\r\nab\r\ncd\r\nendstream\nendobj\n",
	  ARC_OK, { "obj2=ab\r\ncd" } },
	{ "an indirect length is not a length",
	  "7 0 obj\n<< /Length 9 0 R >>stream\nxyz\nendstream\n", ARC_OK,
	  { "obj7=xyz" } },
	{ "a wrong length: endstream decides",
	  "3 0 obj<</Length 999>>stream\nshort\nendstream", ARC_OK,
	  { "obj3=short" } },
	{ "a length that holds the keyword",
	  "4 0 obj<</Length 20>>stream\nendstream in a data.\nendstream",
	  ARC_OK, { "obj4=endstream in a data." } },
	{ "FlateDecode",
	  "5 0 obj<</Filter/FlateDecode>>stream\n@ZPayload flate@\nendstream",
	  ARC_OK, { "obj5=Payload flate" } },
	{ "FlateDecode in an array, abbreviated",
	  "6 0 obj<</Filter [/Fl]>>stream\n@Zabbrev@\nendstream", ARC_OK,
	  { "obj6=abbrev" } },
	{ "ASCIIHexDecode, odd digit padded",
	  "8 0 obj<</Filter /ASCIIHexDecode>>stream\n48 65 6c6C 6f7>\n"
	  "endstream", ARC_OK, { "obj8=Hellop" } },
	{ "ASCII85Decode with z",
	  "9 0 obj<</Filter /A85>>stream\n87cURD_*#-6q/=\"!!!\"F~>\n"
	  "endstream", ARC_OK, { "obj9=Hello, PDF!\\0\\0\\0\\0z" } },
	{ "an unknown filter: the data as it is",
	  "10 0 obj<</Filter /DCTDecode>>stream\n\xff\xd8jpeg\nendstream",
	  ARC_OK, { "obj10=\xff\xd8jpeg" } },
	{ "two objects, and a stream with no object",
	  "1 0 obj<<>>stream\nA\nendstream endobj 2 0 obj<<>>stream\nB\n"
	  "endstream endobj", ARC_OK, { "obj1=A", "obj2=B" } },
	{ "no object before the stream",
	  "<< >>stream\nC\nendstream", ARC_OK, { "stream@12=C" } },
	{ "not the keyword: no dictionary before it",
	  "1 0 obj (x) stream\nD\nendstream", ARC_OK, { NULL } },
	{ "not the keyword: streamX",
	  "1 0 obj<<>>streamX\nD\nendstream", ARC_OK, { NULL } },
	{ "a file cut in a stream",
	  "1 0 obj<<>>stream\nunfinished", ARC_CORRUPT,
	  { "obj1=unfinished!" } },
	{ "bad deflate data: nothing to deliver, but damage",
	  "1 0 obj<</Filter/FlateDecode>>stream\nx\x9c\x07\xff\xff\n"
	  "endstream", ARC_CORRUPT, { NULL } },
	{ "an encrypted file",
	  "1 0 obj<<>>stream\nsecret\nendstream\ntrailer<</Encrypt 5 0 R>>",
	  ARC_ENCRYPTED, { "obj1=#" } },
	{ "not a PDF at all", "just some text", ARC_OK, { NULL } },
	{ "empty", "", ARC_OK, { NULL } },
};

/* got_cb - keep a copy of each member */
static int
got_cb(void *arg, const struct arc_entry *e)
{
	struct got	*g = arg;
	uint32_t	 i = g->n;

	if (i < MAXM) {
		snprintf(g->name[i], sizeof(g->name[i]), "%s", e->name);
		buf_init(&g->data[i]);
		buf_add(&g->data[i], e->data, e->len);
		g->enc[i] = e->encrypted;
		g->trunc[i] = e->truncated;
		g->dmg[i] = e->damaged;
	}
	g->n++;
	return g->stop_at >= 0 && (int)i == g->stop_at;
}

/* got_free - release the copies */
static void
got_free(struct got *g)
{
	uint32_t	 i;

	for (i = 0; i < g->n && i < MAXM; i++)
		buf_clear(&g->data[i]);
	g->n = 0;
}

/* expand - the row's PDF with "@Z...@" replaced by zlib data */
static void
expand(const char *s, struct buf *out)
{
	const char	*z, *e;
	uint8_t		 comp[1024];
	uLongf		 clen;

	while ((z = strstr(s, "@Z")) != NULL) {
		buf_add(out, s, (size_t)(z - s));
		e = strchr(z + 2, '@');
		assert_non_null(e);
		clen = sizeof(comp);
		assert_int_equal(compress(comp, &clen,
		    (const Bytef *)z + 2, (uLong)(e - z - 2)), Z_OK);
		buf_add(out, comp, clen);
		s = e + 1;
	}
	buf_add(out, s, strlen(s));
	assert_false(out->failed);
}

/* unescape - "\0" in a wanted string is a NUL */
static size_t
unescape(const char *s, char *out)
{
	size_t	 n = 0;

	for (; *s != '\0'; s++) {
		if (s[0] == '\\' && s[1] == '0') {
			out[n++] = '\0';
			s++;
		} else
			out[n++] = *s;
	}
	return n;
}

/* test_pcase - one row */
static void
test_pcase(void **state)
{
	const struct pcase	*c = *state;
	struct arc_result	 res;
	struct got		 g;
	struct buf		 pdf;
	const char		*eq;
	char			 want[256];
	size_t			 n, wn;
	uint32_t		 i;

	memset(&g, 0, sizeof(g));
	g.stop_at = -1;
	buf_init(&pdf);
	expand(c->pdf, &pdf);
	assert_int_equal(pdf_walk(pdf.data, pdf.len, NULL, got_cb, &g, &res),
	    0);
	for (n = 0; n < MAXM && c->want[n] != NULL; n++)
		;
	if (g.n != n)
		fail_msg("%s: %u members, want %zu", c->name, g.n, n);
	for (i = 0; i < n; i++) {
		eq = strchr(c->want[i], '=');
		assert_memory_equal(g.name[i], c->want[i],
		    (size_t)(eq - c->want[i]));
		assert_int_equal(g.name[i][eq - c->want[i]], '\0');
		wn = unescape(eq + 1, want);
		if (wn == 1 && want[0] == '#') {
			assert_true(g.enc[i]);
			continue;
		}
		if (wn > 0 && want[wn - 1] == '!') {
			assert_true(g.dmg[i]);
			wn--;
		} else
			assert_false(g.dmg[i]);
		if (g.data[i].len != wn || memcmp(g.data[i].data, want, wn))
			fail_msg("%s: member %u: %zu bytes \"%.*s\"", c->name,
			    i, g.data[i].len, (int)g.data[i].len,
			    (const char *)g.data[i].data);
	}
	assert_int_equal(res.status, c->status);
	assert_int_equal(res.entries, g.n);
	got_free(&g);
	buf_clear(&pdf);
}

/* test_bad_deflate - bad data after a good start is damage */
static void
test_bad_deflate(void **state)
{
	static const char	 text[] = "good start, then junk";
	static const char	 hdr[] = "1 0 obj<</Filter/FlateDecode>>stream\n";
	uint8_t			 comp[256];
	struct arc_result	 res;
	struct got		 g;
	struct buf		 pdf;
	z_stream		 z;
	size_t			 clen;

	(void)state;
	memset(&g, 0, sizeof(g));
	g.stop_at = -1;
	/* a block that is not the last, then one of the reserved type */
	memset(&z, 0, sizeof(z));
	assert_int_equal(deflateInit(&z, 6), Z_OK);
	z.next_in = (Bytef *)(uintptr_t)text;
	z.avail_in = sizeof(text) - 1;
	z.next_out = comp;
	z.avail_out = sizeof(comp) - 1;
	assert_int_equal(deflate(&z, Z_SYNC_FLUSH), Z_OK);
	clen = sizeof(comp) - 1 - z.avail_out;
	deflateEnd(&z);
	comp[clen++] = 0x07;
	buf_init(&pdf);
	buf_add(&pdf, hdr, sizeof(hdr) - 1);
	buf_add(&pdf, comp, clen);
	buf_add(&pdf, "\nendstream", 10);
	assert_int_equal(pdf_walk(pdf.data, pdf.len, NULL, got_cb, &g, &res),
	    0);
	assert_int_equal(g.n, 1);
	assert_true(g.dmg[0]);
	assert_int_equal(g.data[0].len, sizeof(text) - 1);
	assert_memory_equal(g.data[0].data, text, sizeof(text) - 1);
	assert_int_equal(res.status, ARC_CORRUPT);
	assert_int_equal(strncmp(res.reason, "corrupt: ", 9), 0);
	got_free(&g);
	buf_clear(&pdf);
}

/* test_limits - max_entries, max_entry, max_total, a deflate bomb */
static void
test_limits(void **state)
{
	struct arc_limits	 lim;
	struct arc_result	 res;
	struct got		 g;
	struct buf		 pdf;
	uint8_t			*zeros, *comp;
	uLongf			 clen;
	size_t			 n = 8 << 20;
	static const char	 three[] = "1 0 obj<<>>stream\nAAAA\nendstream "
	    "2 0 obj<<>>stream\nBBBB\nendstream 3 0 obj<<>>stream\nCCCC\n"
	    "endstream";

	(void)state;
	memset(&g, 0, sizeof(g));
	g.stop_at = -1;
	memset(&lim, 0, sizeof(lim));
	lim.max_entries = 2;
	assert_int_equal(pdf_walk((const uint8_t *)three, sizeof(three) - 1,
	    &lim, got_cb, &g, &res), 0);
	assert_int_equal(g.n, 2);
	assert_int_equal(res.status, ARC_LIMIT_ENTRIES);
	got_free(&g);

	memset(&lim, 0, sizeof(lim));
	lim.max_entry = 2;
	assert_int_equal(pdf_walk((const uint8_t *)three, sizeof(three) - 1,
	    &lim, got_cb, &g, &res), 0);
	assert_int_equal(g.n, 3);
	assert_int_equal(g.data[1].len, 2);
	assert_true(g.trunc[1]);
	got_free(&g);

	memset(&lim, 0, sizeof(lim));
	lim.max_total = 6;
	assert_int_equal(pdf_walk((const uint8_t *)three, sizeof(three) - 1,
	    &lim, got_cb, &g, &res), 0);
	assert_int_equal(res.status, ARC_LIMIT_TOTAL);
	assert_int_equal(res.total, 6);
	got_free(&g);

	g.stop_at = 0;
	assert_int_equal(pdf_walk((const uint8_t *)three, sizeof(three) - 1,
	    NULL, got_cb, &g, &res), 0);
	assert_int_equal(g.n, 1);
	assert_int_equal(res.status, ARC_STOPPED);
	got_free(&g);
	g.stop_at = -1;

	/* 8 MiB of zeros in about 8 KiB: a bomb at a ratio of 100 */
	assert_non_null(zeros = calloc(1, n));
	clen = compressBound((uLong)n);
	assert_non_null(comp = malloc(clen));
	assert_int_equal(compress(comp, &clen, zeros, (uLong)n), Z_OK);
	buf_init(&pdf);
	buf_add(&pdf, "1 0 obj<</Filter/FlateDecode>>stream\n", 37);
	buf_add(&pdf, comp, clen);
	buf_add(&pdf, "\nendstream", 10);
	memset(&lim, 0, sizeof(lim));
	lim.max_ratio = 100;
	assert_int_equal(pdf_walk(pdf.data, pdf.len, &lim, got_cb, &g, &res),
	    0);
	assert_int_equal(res.status, ARC_LIMIT_RATIO);
	assert_int_equal(g.n, 1);
	assert_true(g.trunc[0]);
	assert_true(g.data[0].len < n);
	got_free(&g);
	/* without the ratio, the whole */
	assert_int_equal(pdf_walk(pdf.data, pdf.len, NULL, got_cb, &g, &res),
	    0);
	assert_int_equal(res.status, ARC_OK);
	assert_int_equal(g.data[0].len, n);
	got_free(&g);
	buf_clear(&pdf);
	free(comp);
	free(zeros);
}

/* test_cuts - every cut of a file: members are prefixes, never a crash */
static void
test_cuts(void **state)
{
	static const char	 pdf[] = "%PDF-1.4\n1 0 obj<</Length 6>>stream\n"
	    "first!\nendstream endobj\n2 0 obj<<>>stream\nsecond\nendstream";
	struct arc_result	 res;
	struct got		 g;
	size_t			 cut;
	uint32_t		 i;

	(void)state;
	memset(&g, 0, sizeof(g));
	g.stop_at = -1;
	for (cut = 0; cut <= sizeof(pdf) - 1; cut++) {
		assert_int_equal(pdf_walk((const uint8_t *)pdf, cut, NULL,
		    got_cb, &g, &res), 0);
		assert_true(g.n <= 2);
		/* a member longer than its stream was cut with the file */
		for (i = 0; i < g.n; i++)
			if (g.data[i].len > 6)
				assert_true(g.dmg[i]);
		got_free(&g);
	}
}

int
main(void)
{
	static struct CMUnitTest	 tests[nitems(pcases) + 4];
	size_t				 i, n = 0;

	for (i = 0; i < nitems(pcases); i++) {
		tests[n].name = pcases[i].name;
		tests[n].test_func = test_pcase;
		tests[n].initial_state = (void *)&pcases[i];
		n++;
	}
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_bad_deflate);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_limits);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_cuts);
	return _cmocka_run_group_tests("pdf", tests, n, NULL, NULL);
}
