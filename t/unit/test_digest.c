/*
 * test_digest.c - unit tests for lib/util/digest.[ch]
 *
 * Known answers are the published test vectors: RFC 1321 (MD5), FIPS 180
 * (SHA-1 and SHA-256: "abc", the 448-bit message, one million "a"), and
 * the EICAR test file, whose MD5 is the one in signatures/default and in
 * every anti-virus database.  Incremental hashing is checked in odd chunk
 * sizes against one-shot digest_buf(), and the multi-type context against
 * single types, including that unselected rows of out stay untouched.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "util/digest.h"

#define nitems(a)	(sizeof(a) / sizeof((a)[0]))
#define ALL_TYPES	((1u << DIGEST_MD5) | (1u << DIGEST_SHA1) | \
			    (1u << DIGEST_SHA256))
#define UNTOUCHED	0xa5

#define EICAR	"X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-" \
		"TEST-FILE!$H+H*"
#define MSG448	"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"
#define MILLION	1000000

static const struct vec_case {
	const char	*name;
	const char	*data;		/* NULL: one million 'a' */
	const char	*want[DIGEST_NTYPES];
} vec_cases[] = {
	{ "empty string", "", {
	    "d41d8cd98f00b204e9800998ecf8427e",
	    "da39a3ee5e6b4b0d3255bfef95601890afd80709",
	    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
	} },
	{ "abc", "abc", {
	    "900150983cd24fb0d6963f7d28e17f72",
	    "a9993e364706816aba3e25717850c26c9cd0d89d",
	    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
	} },
	{ "EICAR test file", EICAR, {
	    "44d88612fea8a8f36de82e1278abb02f",
	    "3395856ce81f2b7382dee72602f798b642f14140",
	    "275a021bbfb6489e54d471899f7db9d1663fc695ec2fe2a2c4538aabf651fd0f"
	} },
	{ "448-bit message (two blocks)", MSG448, {
	    "8215ef0796a20bcaaae116d3876c664a",
	    "84983e441c3bd26ebaae4aa1f95129e5e54670f1",
	    "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"
	} },
	{ "one million a", NULL, {
	    "7707d6ae4e027c70eea2a935c2296f21",
	    "34aa973cd4c4daa4f61eeb2bdbad27316534016f",
	    "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"
	} },
};

/* Chunk sizes around the 64-byte block and the padding boundary. */
static const size_t chunks[] = {
	1, 2, 3, 5, 7, 13, 55, 56, 57, 63, 64, 65, 127, 1000, 4097,
};

static const struct hex_case {
	const char	*name;
	uint8_t		 in[8];
	size_t		 n;
	const char	*want;
} hex_cases[] = {
	{ "hex: nothing",	{ 0 },				0, "" },
	{ "hex: one zero byte",	{ 0x00 },			1, "00" },
	{ "hex: every nibble",	{ 0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd,
	    0xef },						8,
	    "0123456789abcdef" },
	{ "hex: high bytes",	{ 0xff, 0xf0, 0x0f, 0x80 },	4,
	    "fff00f80" },
};

static const uint8_t	*vec_data(const struct vec_case *, size_t *);
static void		 hex_of(const uint8_t *, enum digest_type, char *);
static void		 test_vec_case(void **);
static void		 test_lengths(void **);
static void		 test_bad_type(void **);
static void		 test_chunks(void **);
static void		 test_selected_rows(void **);
static void		 test_reuse(void **);
static void		 test_hex_case(void **);
static void		 test_hex_digest(void **);

static uint8_t	*million;

/* vec_data - the bytes of a vector */
static const uint8_t *
vec_data(const struct vec_case *c, size_t *n)
{
	if (c->data != NULL) {
		*n = strlen(c->data);
		return (const uint8_t *)c->data;
	}
	if (million == NULL) {
		if ((million = malloc(MILLION)) == NULL)
			fail_msg("malloc");
		memset(million, 'a', MILLION);
	}
	*n = MILLION;
	return million;
}

/* hex_of - hex of a digest of type t */
static void
hex_of(const uint8_t *d, enum digest_type t, char *out)
{
	digest_hex(d, digest_len(t), out);
}

/* test_vec_case - one vector: one-shot, one pass, and in chunks */
static void
test_vec_case(void **state)
{
	const struct vec_case	*c = *state;
	const uint8_t		*p;
	uint8_t			 one[DIGEST_MAXLEN];
	uint8_t			 out[DIGEST_NTYPES][DIGEST_MAXLEN];
	char			 hex[2 * DIGEST_MAXLEN + 1];
	struct digest		*d;
	size_t			 n, off, k, step;
	int			 t;

	p = vec_data(c, &n);
	for (t = 0; t < DIGEST_NTYPES; t++) {
		memset(one, 0, sizeof(one));
		assert_int_equal(digest_buf(t, p, n, one), 0);
		hex_of(one, t, hex);
		assert_string_equal(hex, c->want[t]);
	}

	assert_non_null(d = digest_new());
	assert_int_equal(digest_reset(d, ALL_TYPES), 0);
	digest_update(d, p, n);
	memset(out, UNTOUCHED, sizeof(out));
	assert_int_equal(digest_final(d, out), 0);
	for (t = 0; t < DIGEST_NTYPES; t++) {
		hex_of(out[t], t, hex);
		assert_string_equal(hex, c->want[t]);
	}

	/* in odd chunks; one million bytes only in the larger ones */
	for (k = 0; k < nitems(chunks); k++) {
		step = chunks[k];
		if (n >= MILLION && step < 1000)
			continue;
		assert_int_equal(digest_reset(d, ALL_TYPES), 0);
		for (off = 0; off < n; off += step)
			digest_update(d, p + off, n - off < step ? n - off :
			    step);
		assert_int_equal(digest_final(d, out), 0);
		for (t = 0; t < DIGEST_NTYPES; t++) {
			hex_of(out[t], t, hex);
			if (strcmp(hex, c->want[t]) != 0)
				fail_msg("%s in chunks of %zu: %s",
				    digest_name(t), step, hex);
		}
	}
	digest_free(d);
}

/* test_lengths - digest_len and digest_name */
static void
test_lengths(void **state)
{
	static const struct {
		enum digest_type	 t;
		size_t			 len;
		const char		*name;
	} want[] = {
		{ DIGEST_MD5,		16,	"md5" },
		{ DIGEST_SHA1,		20,	"sha1" },
		{ DIGEST_SHA256,	32,	"sha256" },
	};
	size_t	 i;

	(void)state;
	for (i = 0; i < nitems(want); i++) {
		assert_int_equal(digest_len(want[i].t), want[i].len);
		assert_true(digest_len(want[i].t) <= DIGEST_MAXLEN);
		assert_string_equal(digest_name(want[i].t), want[i].name);
	}
	assert_int_equal(digest_len(DIGEST_NTYPES), 0);
	assert_int_equal(digest_len((enum digest_type)-1), 0);
	assert_string_equal(digest_name(DIGEST_NTYPES), "?");
	assert_string_equal(digest_name((enum digest_type)-1), "?");
}

/* test_bad_type - digest_buf of an unknown type fails with EIO */
static void
test_bad_type(void **state)
{
	uint8_t	 out[DIGEST_MAXLEN];

	(void)state;
	errno = 0;
	assert_int_equal(digest_buf(DIGEST_NTYPES, "abc", 3, out), -1);
	assert_int_equal(errno, EIO);
	errno = 0;
	assert_int_equal(digest_buf((enum digest_type)-1, "abc", 3, out), -1);
	assert_int_equal(errno, EIO);
}

/* test_chunks - 10000 varied bytes in every chunk size == one-shot */
static void
test_chunks(void **state)
{
	uint8_t		 buf[10000], one[DIGEST_NTYPES][DIGEST_MAXLEN];
	uint8_t		 out[DIGEST_NTYPES][DIGEST_MAXLEN];
	struct digest	*d;
	size_t		 i, k, off, step;
	int		 t;

	(void)state;
	for (i = 0; i < sizeof(buf); i++)
		buf[i] = (uint8_t)(i * 131 + (i >> 7));
	for (t = 0; t < DIGEST_NTYPES; t++)
		assert_int_equal(digest_buf(t, buf, sizeof(buf), one[t]), 0);
	assert_non_null(d = digest_new());
	for (k = 0; k < nitems(chunks); k++) {
		step = chunks[k];
		assert_int_equal(digest_reset(d, ALL_TYPES), 0);
		/* zero-length updates in between change nothing */
		digest_update(d, buf, 0);
		for (off = 0; off < sizeof(buf); off += step) {
			digest_update(d, buf + off, sizeof(buf) - off < step ?
			    sizeof(buf) - off : step);
			digest_update(d, buf, 0);
		}
		assert_int_equal(digest_final(d, out), 0);
		for (t = 0; t < DIGEST_NTYPES; t++)
			if (memcmp(out[t], one[t], digest_len(t)) != 0)
				fail_msg("%s differs in chunks of %zu",
				    digest_name(t), step);
	}
	digest_free(d);
}

/* test_selected_rows - only the types in the mask are written */
static void
test_selected_rows(void **state)
{
	uint8_t		 one[DIGEST_NTYPES][DIGEST_MAXLEN];
	uint8_t		 out[DIGEST_NTYPES][DIGEST_MAXLEN];
	struct digest	*d;
	unsigned	 mask;
	size_t		 i;
	int		 t;

	(void)state;
	for (t = 0; t < DIGEST_NTYPES; t++)
		assert_int_equal(digest_buf(t, EICAR, strlen(EICAR), one[t]),
		    0);
	assert_non_null(d = digest_new());
	/* every subset of the three types, including none */
	for (mask = 0; mask <= ALL_TYPES; mask++) {
		assert_int_equal(digest_reset(d, mask), 0);
		digest_update(d, EICAR, 10);
		digest_update(d, EICAR + 10, strlen(EICAR) - 10);
		memset(out, UNTOUCHED, sizeof(out));
		assert_int_equal(digest_final(d, out), 0);
		for (t = 0; t < DIGEST_NTYPES; t++) {
			if (mask & (1u << t)) {
				assert_memory_equal(out[t], one[t],
				    digest_len(t));
				/* nothing past the digest's length */
				for (i = digest_len(t); i < DIGEST_MAXLEN; i++)
					assert_int_equal(out[t][i], UNTOUCHED);
			} else
				for (i = 0; i < DIGEST_MAXLEN; i++)
					assert_int_equal(out[t][i], UNTOUCHED);
		}
	}
	digest_free(d);
}

/* test_reuse - a context is reset between objects; final ends a pass */
static void
test_reuse(void **state)
{
	uint8_t		 out[DIGEST_NTYPES][DIGEST_MAXLEN];
	char		 hex[2 * DIGEST_MAXLEN + 1];
	struct digest	*d;
	size_t		 i;

	(void)state;
	assert_non_null(d = digest_new());
	/* a reset in the middle of a pass starts afresh */
	assert_int_equal(digest_reset(d, ALL_TYPES), 0);
	digest_update(d, "garbage", 7);
	assert_int_equal(digest_reset(d, 1u << DIGEST_SHA256), 0);
	digest_update(d, "abc", 3);
	assert_int_equal(digest_final(d, out), 0);
	hex_of(out[DIGEST_SHA256], DIGEST_SHA256, hex);
	assert_string_equal(hex, vec_cases[1].want[DIGEST_SHA256]);
	/* after final nothing is selected: a second final writes nothing */
	memset(out, UNTOUCHED, sizeof(out));
	assert_int_equal(digest_final(d, out), 0);
	for (i = 0; i < sizeof(out); i++)
		assert_int_equal(((uint8_t *)out)[i], UNTOUCHED);
	/* and the next object */
	assert_int_equal(digest_reset(d, 1u << DIGEST_MD5), 0);
	assert_int_equal(digest_final(d, out), 0);
	hex_of(out[DIGEST_MD5], DIGEST_MD5, hex);
	assert_string_equal(hex, vec_cases[0].want[DIGEST_MD5]);
	digest_free(d);
	digest_free(NULL);
}

/* test_hex_case - one row of hex_cases, and no byte past 2n+1 */
static void
test_hex_case(void **state)
{
	const struct hex_case	*c = *state;
	char			 out[2 * 8 + 1 + 8];
	size_t			 i;

	memset(out, '#', sizeof(out));
	digest_hex(c->in, c->n, out);
	assert_string_equal(out, c->want);
	for (i = 2 * c->n + 1; i < sizeof(out); i++)
		assert_int_equal(out[i], '#');
}

/* test_hex_digest - a full SHA-256 in hex is 64 lowercase digits */
static void
test_hex_digest(void **state)
{
	uint8_t	 d[DIGEST_MAXLEN];
	char	 hex[2 * DIGEST_MAXLEN + 1];
	size_t	 i;

	(void)state;
	memset(d, 0xab, sizeof(d));
	digest_hex(d, sizeof(d), hex);
	assert_int_equal(strlen(hex), 64);
	for (i = 0; i < 64; i++)
		assert_int_equal(hex[i], i % 2 ? 'b' : 'a');
}

int
main(void)
{
	struct CMUnitTest	*t;
	size_t			 n = 0, i;
	int			 rc;

	t = calloc(nitems(vec_cases) + nitems(hex_cases) + 8, sizeof(*t));
	if (t == NULL)
		return 1;
	for (i = 0; i < nitems(vec_cases); i++) {
		t[n].name = vec_cases[i].name;
		t[n].test_func = test_vec_case;
		t[n++].initial_state = (void *)&vec_cases[i];
	}
	t[n].name = "digest_len and digest_name";
	t[n++].test_func = test_lengths;
	t[n].name = "unknown type";
	t[n++].test_func = test_bad_type;
	t[n].name = "incremental in odd chunks equals one-shot";
	t[n++].test_func = test_chunks;
	t[n].name = "only selected rows are written";
	t[n++].test_func = test_selected_rows;
	t[n].name = "reset, final, reuse";
	t[n++].test_func = test_reuse;
	for (i = 0; i < nitems(hex_cases); i++) {
		t[n].name = hex_cases[i].name;
		t[n].test_func = test_hex_case;
		t[n++].initial_state = (void *)&hex_cases[i];
	}
	t[n].name = "hex: a full SHA-256";
	t[n++].test_func = test_hex_digest;
	rc = _cmocka_run_group_tests("digest", t, n, NULL, NULL);
	free(t);
	free(million);
	return rc;
}
