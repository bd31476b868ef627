/*
 * test_updatever.c - unit tests for signatures/updatever.[ch]
 *
 * A valid update.ver is built from one template; each rejection case
 * changes one thing in it (a line replaced, added or removed, or raw
 * bytes) and wants EBADMSG with the line number and reason of the
 * message.  Then: updatever_format() and updatever_sigline() give back
 * what updatever_parse() reads, refuse what it would refuse and short
 * buffers; updatever_find(); updatever_keyid() against the SHA-256 of 32
 * zero bytes; the name and file rules; the size cap (EFBIG); every
 * prefix of a valid file is refused.
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

#include "signatures/updatever.h"

#define nitems(a)	(sizeof(a) / sizeof((a)[0]))

#define SHA_A	"9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
#define SHA_B	"60303ae22b998861bce3b28f33eec1be758a213c86c93c076dbe9f558c11c752"
#define KEYID	"0123456789abcdef"
#define SIG	"00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff" \
		"00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff"

/* the template: line 4 and 5 are modules, line 6 the signature */
static const char *const good[] = {
	"VIGIL-UPDATE 1",
	"serial 1700000002",
	"created 1700000003",
	"module main 1700000001 4096 " SHA_A " main-1700000001.vmod -",
	"module daily 1700000002 128 " SHA_B " daily-1700000002.vmod " SHA_A,
	"sign ed25519 " KEYID " " SIG,
};

static const struct bad_case {
	const char	*name;
	int		 line;		/* template line to replace (1-based) */
	int		 insert;	/* insert before line instead */
	const char	*text;		/* NULL: remove the line */
	const char	*want;		/* message */
} bad_cases[] = {
	{ "magic", 1, 0, "VIGIL-UPDATE 2", "line 1: not an update.ver" },
	{ "magic with a trailing space", 1, 0, "VIGIL-UPDATE 1 ",
	    "line 1: empty field" },
	{ "no serial line", 2, 0, NULL, "line 2: \"serial N\" expected" },
	{ "serial 0", 2, 0, "serial 0", "line 2: \"serial N\" expected" },
	{ "serial with a leading zero", 2, 0, "serial 017",
	    "line 2: \"serial N\" expected" },
	{ "serial over 64 bits", 2, 0, "serial 18446744073709551616",
	    "line 2: \"serial N\" expected" },
	{ "serial negative", 2, 0, "serial -1",
	    "line 2: \"serial N\" expected" },
	{ "created missing", 3, 0, NULL,
	    "line 3: \"created SECONDS\" expected" },
	{ "two spaces", 3, 0, "created  1700000003",
	    "line 3: empty field" },
	{ "empty line", 4, 1, "", "line 4: empty field" },
	{ "unknown line", 4, 1, "mirror elsewhere", "line 4: unknown line" },
	{ "module: a field missing", 4, 0,
	    "module main 1700000001 4096 " SHA_A " main-1700000001.vmod",
	    "line 4: module: 6 fields expected" },
	{ "module: a field too many", 4, 0,
	    "module main 1 4096 " SHA_A " main-1.vmod - x",
	    "line 4: module: 6 fields expected" },
	{ "nine fields", 4, 0,
	    "module main 1 4096 " SHA_A " main-1.vmod - x y",
	    "line 4: empty field or too many fields" },
	{ "module: name with a dot", 4, 0,
	    "module ma.in 1 4096 " SHA_A " main-1.vmod -",
	    "line 4: bad module name" },
	{ "module: name starting with -", 4, 0,
	    "module -main 1 4096 " SHA_A " main-1.vmod -",
	    "line 4: bad module name" },
	{ "module: name too long", 4, 0,
	    "module abcdefghijabcdefghijabcdefghijab 1 4096 " SHA_A
	    " main-1.vmod -", "line 4: module name too long" },
	{ "module: version 0", 4, 0,
	    "module main 0 4096 " SHA_A " main-1.vmod -",
	    "line 4: bad module version" },
	{ "module: size 0", 4, 0,
	    "module main 1 0 " SHA_A " main-1.vmod -",
	    "line 4: bad module size" },
	{ "module: size over the cap", 4, 0,
	    "module main 1 68719476737 " SHA_A " main-1.vmod -",
	    "line 4: bad module size" },
	{ "module: SHA-256 in capitals", 4, 0,
	    "module main 1 4096 9F86D081884C7D659A2FEAA0C55AD015A3BF4F1B2B0B"
	    "822CD15D6C15B0F00A08 main-1.vmod -", "line 4: bad SHA-256" },
	{ "module: SHA-256 too short", 4, 0,
	    "module main 1 4096 9f86 main-1.vmod -", "line 4: bad SHA-256" },
	{ "module: a path as file", 4, 0,
	    "module main 1 4096 " SHA_A " ../main-1.vmod -",
	    "line 4: bad file name" },
	{ "module: a hidden file", 4, 0,
	    "module main 1 4096 " SHA_A " .main.vmod -",
	    "line 4: bad file name" },
	{ "module: not a .vmod", 4, 0,
	    "module main 1 4096 " SHA_A " main-1.cvd -",
	    "line 4: bad file name" },
	{ "module: bad source hash", 4, 0,
	    "module main 1 4096 " SHA_A " main-1.vmod x",
	    "line 4: bad source hash" },
	{ "module twice", 5, 0,
	    "module main 2 128 " SHA_B " main-2.vmod -",
	    "line 5: module main twice" },
	{ "file twice", 5, 0,
	    "module daily 2 128 " SHA_B " main-1700000001.vmod -",
	    "line 5: file main-1700000001.vmod twice" },
	{ "no signature", 6, 0, NULL, "line 5: no signature line" },
	{ "text after the signature", 7, 1, "module x 1 1 " SHA_A
	    " x-1.vmod -", "line 7: text after the signature" },
	{ "signature: another algorithm", 6, 0,
	    "sign rsa " KEYID " " SIG, "line 6: \"sign ed25519 KEYID "
	    "SIGNATURE\" expected" },
	{ "signature: short", 6, 0, "sign ed25519 " KEYID " 0011",
	    "line 6: \"sign ed25519 KEYID SIGNATURE\" expected" },
	{ "signature: key id short", 6, 0, "sign ed25519 0123 " SIG,
	    "line 6: \"sign ed25519 KEYID SIGNATURE\" expected" },
	{ "a control byte", 4, 0, "module main 1 4096 " SHA_A
	    " main-1.vmod\t-", "line 4: control or non-ASCII byte" },
	{ "a CR before the LF", 3, 0, "created 1700000003\r",
	    "line 3: control or non-ASCII byte" },
	{ "a byte over 0x7e", 3, 0, "created 1700000003\xc3\xa9",
	    "line 3: control or non-ASCII byte" },
};

/* build - the template with one change, in buf; its length */
static size_t
build(char *buf, size_t len, const struct bad_case *c)
{
	size_t	 off = 0, i;
	int	 n;

	buf[0] = '\0';
	for (i = 0; i <= nitems(good); i++) {
		if (c != NULL && (int)i + 1 == c->line) {
			if (c->text != NULL) {
				n = snprintf(buf + off, len - off, "%s\n",
				    c->text);
				off += (size_t)n;
			}
			if (!c->insert)
				continue;
		}
		if (i == nitems(good))
			break;
		n = snprintf(buf + off, len - off, "%s\n", good[i]);
		off += (size_t)n;
	}
	assert_true(off < len);
	return off;
}

/* test_good - the template parses, with everything in place */
static void
test_good(void **state)
{
	struct updatever		 u;
	const struct updatever_mod	*m;
	char				 buf[4096], err[256];
	size_t				 n;

	(void)state;
	n = build(buf, sizeof(buf), NULL);
	assert_int_equal(updatever_parse((uint8_t *)buf, n, &u, err,
	    sizeof(err)), 0);
	assert_int_equal(u.serial, 1700000002ULL);
	assert_int_equal(u.created, 1700000003ULL);
	assert_int_equal(u.nmods, 2);
	assert_string_equal(u.mods[0].name, "main");
	assert_int_equal(u.mods[0].version, 1700000001ULL);
	assert_int_equal(u.mods[0].size, 4096);
	assert_int_equal(u.mods[0].sha256[0], 0x9f);
	assert_int_equal(u.mods[0].sha256[31], 0x08);
	assert_string_equal(u.mods[0].file, "main-1700000001.vmod");
	assert_int_equal(u.mods[0].hassrc, 0);
	assert_int_equal(u.mods[1].hassrc, 1);
	assert_memory_equal(u.mods[1].src, u.mods[0].sha256, UPDV_SHALEN);
	assert_int_equal(u.keyid[0], 0x01);
	assert_int_equal(u.keyid[7], 0xef);
	assert_int_equal(u.sig[63], 0xff);
	/* the signed part ends right before "sign" */
	assert_int_equal(u.signedlen, (size_t)(strstr(buf, "sign ") - buf));
	m = updatever_find(&u, "daily");
	assert_non_null(m);
	assert_ptr_equal(m, &u.mods[1]);
	assert_null(updatever_find(&u, "dail"));
	assert_null(updatever_find(&u, "weekly"));
}

/* test_bad_case - one change, refused with its message */
static void
test_bad_case(void **state)
{
	const struct bad_case	*c = *state;
	struct updatever	 u;
	char			 buf[4096], err[256];
	size_t			 n;

	n = build(buf, sizeof(buf), c);
	errno = 0;
	assert_int_equal(updatever_parse((uint8_t *)buf, n, &u, err,
	    sizeof(err)), -1);
	assert_int_equal(errno, EBADMSG);
	if (strncmp(err, c->want, strlen(c->want)) != 0)
		fail_msg("%s: got \"%s\", want \"%s\"", c->name, err, c->want);
}

/* test_prefixes - every proper prefix of a valid file is refused */
static void
test_prefixes(void **state)
{
	struct updatever	 u;
	char			 buf[4096], err[256];
	size_t			 n, i;

	(void)state;
	n = build(buf, sizeof(buf), NULL);
	for (i = 0; i < n; i++) {
		errno = 0;
		assert_int_equal(updatever_parse((uint8_t *)buf, i, &u, err,
		    sizeof(err)), -1);
		assert_int_equal(errno, EBADMSG);
	}
	/* a NUL inside is a control byte */
	buf[10] = '\0';
	assert_int_equal(updatever_parse((uint8_t *)buf, n, &u, err,
	    sizeof(err)), -1);
	assert_string_equal(err, "line 1: control or non-ASCII byte");
}

/* test_limits - the module count and the file size */
static void
test_limits(void **state)
{
	struct updatever	 u;
	static char		 buf[UPDV_MAXFILE + 2];
	char			 err[256];
	size_t			 off = 0, i;
	int			 n;

	(void)state;
	n = snprintf(buf, sizeof(buf), "VIGIL-UPDATE 1\nserial 9\n"
	    "created 9\n");
	off = (size_t)n;
	for (i = 0; i < UPDV_MAXMODS + 1; i++) {
		n = snprintf(buf + off, sizeof(buf) - off, "module m%zu 1 1 "
		    SHA_A " m%zu.vmod -\n", i, i);
		off += (size_t)n;
	}
	assert_int_equal(updatever_parse((uint8_t *)buf, off, &u, err,
	    sizeof(err)), -1);
	assert_string_equal(err, "line 36: more than 32 modules");
	/* 32 are fine */
	off -= (size_t)n;
	n = snprintf(buf + off, sizeof(buf) - off, "sign ed25519 " KEYID " "
	    SIG "\n");
	off += (size_t)n;
	assert_int_equal(updatever_parse((uint8_t *)buf, off, &u, err,
	    sizeof(err)), 0);
	assert_int_equal(u.nmods, UPDV_MAXMODS);
	memset(buf, 'x', sizeof(buf));
	errno = 0;
	assert_int_equal(updatever_parse((uint8_t *)buf, UPDV_MAXFILE + 1, &u,
	    err, sizeof(err)), -1);
	assert_int_equal(errno, EFBIG);
	/* err may be NULL */
	assert_int_equal(updatever_parse((uint8_t *)"x", 1, &u, NULL, 0), -1);
	assert_int_equal(errno, EBADMSG);
}

/* test_roundtrip - format and sigline give what parse reads back */
static void
test_roundtrip(void **state)
{
	struct updatever	 u, v;
	uint8_t			 keyid[UPDV_KEYIDLEN], sig[UPDV_SIGLEN];
	char			 buf[4096], small[64], err[256];
	size_t			 n, i;

	(void)state;
	memset(&u, 0, sizeof(u));
	u.serial = 42;
	u.created = 0;
	u.nmods = 2;
	strcpy(u.mods[0].name, "main");
	u.mods[0].version = 41;
	u.mods[0].size = 99;
	memset(u.mods[0].sha256, 0x5a, UPDV_SHALEN);
	strcpy(u.mods[0].file, "main-41.vmod");
	strcpy(u.mods[1].name, "daily_2-x");
	u.mods[1].version = 42;
	u.mods[1].size = 1;
	strcpy(u.mods[1].file, "daily_2-x.42.vmod");
	u.mods[1].hassrc = 1;
	memset(u.mods[1].src, 0xc3, UPDV_SHALEN);
	assert_int_equal(updatever_format(&u, buf, sizeof(buf), &n), 0);
	assert_int_equal(strlen(buf), n);
	assert_string_equal(buf, "VIGIL-UPDATE 1\nserial 42\ncreated 0\n"
	    "module main 41 99 5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a"
	    "5a5a5a5a5a5a5a5a5a main-41.vmod -\n"
	    "module daily_2-x 42 1 00000000000000000000000000000000000000000"
	    "00000000000000000000000 daily_2-x.42.vmod c3c3c3c3c3c3c3c3c3c3c3"
	    "c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3\n");
	for (i = 0; i < UPDV_KEYIDLEN; i++)
		keyid[i] = (uint8_t)i;
	for (i = 0; i < UPDV_SIGLEN; i++)
		sig[i] = (uint8_t)(255 - i);
	assert_int_equal(updatever_sigline(keyid, sig, buf + n,
	    sizeof(buf) - n), 0);
	assert_int_equal(updatever_parse((uint8_t *)buf, strlen(buf), &v, err,
	    sizeof(err)), 0);
	assert_int_equal(v.signedlen, n);
	assert_int_equal(v.serial, 42);
	assert_int_equal(v.nmods, 2);
	assert_memory_equal(&v.mods[0], &u.mods[0], sizeof(u.mods[0]));
	assert_memory_equal(&v.mods[1], &u.mods[1], sizeof(u.mods[1]));
	assert_memory_equal(v.keyid, keyid, UPDV_KEYIDLEN);
	assert_memory_equal(v.sig, sig, UPDV_SIGLEN);
	/* short buffers */
	assert_int_equal(updatever_format(&u, small, sizeof(small), &n), -1);
	assert_int_equal(errno, ENOBUFS);
	assert_int_equal(updatever_sigline(keyid, sig, small, sizeof(small)),
	    -1);
	assert_int_equal(errno, ENOBUFS);
	/* what parse refuses, format refuses too */
	strcpy(u.mods[1].file, "main-41.vmod");
	assert_int_equal(updatever_format(&u, buf, sizeof(buf), &n), -1);
	assert_int_equal(errno, EINVAL);
	strcpy(u.mods[1].file, "x/y.vmod");
	assert_int_equal(updatever_format(&u, buf, sizeof(buf), &n), -1);
	strcpy(u.mods[1].file, "y.vmod");
	u.mods[1].size = 0;
	assert_int_equal(updatever_format(&u, buf, sizeof(buf), &n), -1);
	u.mods[1].size = 1;
	u.nmods = 0;
	assert_int_equal(updatever_format(&u, buf, sizeof(buf), &n), -1);
	assert_int_equal(errno, EINVAL);
}

/* test_names - the name and file rules */
static void
test_names(void **state)
{
	(void)state;
	assert_true(updatever_valid_name("main"));
	assert_true(updatever_valid_name("a-b_C9"));
	assert_true(updatever_valid_name("abcdefghijabcdefghijabcdefghija"));
	assert_false(updatever_valid_name("abcdefghijabcdefghijabcdefghijab"));
	assert_false(updatever_valid_name(""));
	assert_false(updatever_valid_name("-x"));
	assert_false(updatever_valid_name("a b"));
	assert_false(updatever_valid_name("a/b"));
	assert_false(updatever_valid_name(".a"));
	assert_true(updatever_valid_file("a.vmod"));
	assert_true(updatever_valid_file("main-1.2_x.vmod"));
	assert_false(updatever_valid_file(".vmod"));
	assert_false(updatever_valid_file("x.vmodx"));
	assert_false(updatever_valid_file(".a.vmod"));
	assert_false(updatever_valid_file("a/b.vmod"));
	assert_false(updatever_valid_file("a b.vmod"));
}

/* test_keyid - first 8 bytes of SHA-256 */
static void
test_keyid(void **state)
{
	static const uint8_t	 want[] = {
		0x66, 0x68, 0x7a, 0xad, 0xf8, 0x62, 0xbd, 0x77
	};
	uint8_t			 pk[UPDV_PKLEN], id[UPDV_KEYIDLEN];

	(void)state;
	memset(pk, 0, sizeof(pk));
	assert_int_equal(updatever_keyid(pk, id), 0);
	assert_memory_equal(id, want, sizeof(want));
}

int
main(void)
{
	struct CMUnitTest	*t;
	size_t			 n = 0, i;
	int			 rc;

	t = calloc(nitems(bad_cases) + 8, sizeof(*t));
	if (t == NULL)
		return 1;
	t[n].name = "a valid update.ver";
	t[n++].test_func = test_good;
	for (i = 0; i < nitems(bad_cases); i++) {
		t[n].name = bad_cases[i].name;
		t[n].test_func = test_bad_case;
		t[n++].initial_state = (void *)&bad_cases[i];
	}
	t[n].name = "every prefix is refused";
	t[n++].test_func = test_prefixes;
	t[n].name = "32 modules, 64 KiB";
	t[n++].test_func = test_limits;
	t[n].name = "format, sigline, parse";
	t[n++].test_func = test_roundtrip;
	t[n].name = "module and file names";
	t[n++].test_func = test_names;
	t[n].name = "key id";
	t[n++].test_func = test_keyid;
	rc = _cmocka_run_group_tests("updatever", t, n, NULL, NULL);
	free(t);
	return rc;
}
