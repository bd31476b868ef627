/*
 * test_cvd.c - unit tests for the CVD/CLD container and tar reader
 *
 * Every fixture is built here: a small ustar/GNU/v7 tar writer with
 * correct (or deliberately wrong) checksums, gzip through zlib, and the
 * 512-byte header with the MD5 of what follows.  Each row of the tables
 * below runs as its own cmocka test, named after the row.
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

#include "av/averr.h"
#include "signatures/cvd.h"
#include "util/buf.h"
#include "util/digest.h"

#define nitems(a)	(sizeof(a) / sizeof((a)[0]))

#define A10	"aaaaaaaaaa"
#define A50	A10 A10 A10 A10 A10
#define A100	A50 A50
#define B10	"bbbbbbbbbb"
#define B50	B10 B10 B10 B10 B10
#define P150	B50 B50 B50
#define P154	P150 "bbbb"
#define P155	P150 "bbbbb"
#define L150	A100 A50
#define L255	A100 A100 A50 "aaaaa"
#define L256	L255 "a"

#define NDB	"Eicar-Test-Signature:0:0:58354f2150254041505b345c505a58"
#define INFO	"ClamAV-VDB:22 Jun 2021 14-58 -0400:1:1:90:X:X:t:1624388302\n"
#define TWO	"test.ndb=" NDB "|test.info=" INFO "|"

#define HDRFMT	"ClamAV-VDB:22 Jun 2021 14-58 -0400:62:6:90:%s:" \
		"ttQeKzAbCdEf+/xyz:micasnyd:1624388302"
#define MD5A	"a4ab60ae1c1c4e8f787459102dcfd90b"

/* tar writer */
enum { FMT_USTAR, FMT_GNU, FMT_V7, FMT_CLAM };	/* CLAM: freshclam's */
#define E_SIGNED	0x01	/* checksum as a signed byte sum */
#define E_BADSUM	0x02	/* checksum off by one */
#define E_B256		0x04	/* size in GNU base-256 */
#define E_NEG256	0x08	/* negative base-256 size */
#define E_BADSIZE	0x10	/* size field "12x" */
#define E_HUGESIZE	0x20	/* size claims 1 MiB, data is short */
#define E_NOPAD		0x40	/* data not padded to a block */
#define E_NUL		0x80	/* data includes its NUL (GNU 'L') */
#define E_HIGHBYTE	0x100	/* a byte >= 0x80 in the mode field */

struct tw_ent {
	const char	*name;
	const char	*prefix;
	char		 type;
	const char	*data;
	int		 fmt;
	int		 flags;
};

enum { END_TWO, END_NONE, END_ONE_JUNK };

#define MAXENT	6

struct tar_case {
	const char	*name;
	struct tw_ent	 ent[MAXENT];
	int		 end;
	size_t		 cut;		/* keep this many bytes, 0 all */
	int		 stop_at;	/* callback returns 7 on call n */
	int		 want_rc;
	int		 want_errno;
	const char	*want;		/* "name=data|..." */
};

struct hdr_case {
	const char	*name;
	const char	*text;
	char		 pad;
	size_t		 len;		/* 0: CVD_HDRLEN */
	int		 nulat;		/* > 0: a NUL at this offset */
	int		 want_rc;
	const char	*stime;
	unsigned	 version, nsigs, flevel;
	const char	*md5;
	const char	*builder;
	uint64_t	 btime;
};

enum { BODY_GZTAR, BODY_TAR, BODY_GZ2, BODY_GZCORRUPT, BODY_GZTRUNC,
    BODY_GZTRAIL, BODY_NONE, BODY_ZERO88, BODY_GZTAR_NOEND, BODY_CLAMTAR };
enum { MD5_GOOD, MD5_BAD, MD5_X, MD5_UPPER };
enum { LIM_NONE, LIM_EXACT, LIM_SHORT };

struct open_case {
	const char	*name;
	int		 body;
	int		 md5;
	int		 verify;
	int		 lim;
	int		 want_rc;
	int		 want_errno;
	int		 walk_rc;
	int		 walk_errno;
	const char	*want;
};

struct walk_state {
	struct buf	 out;
	int		 calls;
	int		 stop_at;
};

static void	 tw_entry(struct buf *, const struct tw_ent *);
static void	 tw_end(struct buf *, int);
static void	 std_tar(struct buf *);
static void	 gzip_buf(const uint8_t *, size_t, struct buf *);
static void	 make_cvd(struct buf *, const char *, const uint8_t *, size_t);
static void	 make_body(int, struct buf *);
static int	 collect(void *, const char *, const uint8_t *, size_t);
static void	 check_walk(const char *, const uint8_t *, size_t, int, int,
		    int, const char *);
static void	 test_tar_case(void **);
static void	 test_hdr_case(void **);
static void	 test_open_case(void **);
static void	 test_open_big(void **);
static void	 test_null_and_short(void **);

static const struct tar_case tar_cases[] = {
	{ "tar: two ustar members",
	    { { "test.ndb", NULL, '0', NDB, FMT_USTAR, 0 },
	      { "test.info", NULL, '0', INFO, FMT_USTAR, 0 } },
	    END_TWO, 0, 0, 0, 0, TWO },
	{ "tar: freshclam's CLD writer (bare v7, no end)",
	    { { "COPYING", NULL, '\0', "GPL", FMT_CLAM, 0 },
	      { "test.info", NULL, '\0', INFO, FMT_CLAM, 0 },
	      { "test.ndb", NULL, '\0', NDB, FMT_CLAM, 0 } },
	    END_NONE, 0, 0, 0, 0, "COPYING=GPL|test.info=" INFO "|test.ndb="
	    NDB "|" },
	{ "tar: ustar prefix joined",
	    { { "x.ndb", "dir/sub", '0', "abc", FMT_USTAR, 0 } },
	    END_TWO, 0, 0, 0, 0, "dir/sub/x.ndb=abc|" },
	{ "tar: prefix 154 + name 100 = 255",
	    { { A100, P154, '0', "z", FMT_USTAR, 0 } },
	    END_TWO, 0, 0, 0, 0, P154 "/" A100 "=z|" },
	{ "tar: prefix 155 + name 100 too long",
	    { { A100, P155, '0', "z", FMT_USTAR, 0 } },
	    END_TWO, 0, 0, -1, AV_ETAR, "" },
	{ "tar: GNU magic, no prefix",
	    { { "x.ndb", "01234567", '0', "abc", FMT_GNU, 0 } },
	    END_TWO, 0, 0, 0, 0, "x.ndb=abc|" },
	{ "tar: v7 header, v7 directory skipped",
	    { { "d/", NULL, '\0', "", FMT_V7, 0 },
	      { "d/f", NULL, '\0', "v7", FMT_V7, 0 } },
	    END_TWO, 0, 0, 0, 0, "d/f=v7|" },
	{ "tar: non-files skipped, contiguous kept",
	    { { "dir", NULL, '5', "", FMT_USTAR, 0 },
	      { "sym", NULL, '2', "", FMT_USTAR, 0 },
	      { "hard", NULL, '1', "", FMT_USTAR, 0 },
	      { "pax", NULL, 'x', "17 path=other.ndb\n", FMT_USTAR, 0 },
	      { "glob", NULL, 'g', "9 a=bcde\n", FMT_USTAR, 0 },
	      { "c.ndb", NULL, '7', "cont", FMT_USTAR, 0 } },
	    END_TWO, 0, 0, 0, 0, "c.ndb=cont|" },
	{ "tar: GNU long name honoured",
	    { { "././@LongLink", NULL, 'L', L150, FMT_GNU, E_NUL },
	      { "short", NULL, '0', "long", FMT_GNU, 0 },
	      { "next", NULL, '0', "n", FMT_GNU, 0 } },
	    END_TWO, 0, 0, 0, 0, L150 "=long|next=n|" },
	{ "tar: GNU long name of 255",
	    { { "././@LongLink", NULL, 'L', L255, FMT_GNU, 0 },
	      { "short", NULL, '0', "x", FMT_GNU, 0 } },
	    END_TWO, 0, 0, 0, 0, L255 "=x|" },
	{ "tar: GNU long name of 256",
	    { { "././@LongLink", NULL, 'L', L256, FMT_GNU, E_NUL },
	      { "short", NULL, '0', "x", FMT_GNU, 0 } },
	    END_TWO, 0, 0, -1, AV_ETAR, "" },
	{ "tar: long link, long name, file",
	    { { "././@LongLink", NULL, 'K', "target", FMT_GNU, E_NUL },
	      { "././@LongLink", NULL, 'L', L150, FMT_GNU, E_NUL },
	      { "short", NULL, '0', "kl", FMT_GNU, 0 } },
	    END_TWO, 0, 0, 0, 0, L150 "=kl|" },
	{ "tar: long name consumed by a directory",
	    { { "././@LongLink", NULL, 'L', L150, FMT_GNU, E_NUL },
	      { "dir", NULL, '5', "", FMT_GNU, 0 },
	      { "f", NULL, '0', "own", FMT_GNU, 0 } },
	    END_TWO, 0, 0, 0, 0, "f=own|" },
	{ "tar: long name pending at end",
	    { { "a", NULL, '0', "1", FMT_GNU, 0 },
	      { "././@LongLink", NULL, 'L', L150, FMT_GNU, E_NUL } },
	    END_TWO, 0, 0, -1, AV_ETAR, "a=1|" },
	{ "tar: empty long name",
	    { { "././@LongLink", NULL, 'L', "", FMT_GNU, E_NUL },
	      { "f", NULL, '0', "x", FMT_GNU, 0 } },
	    END_TWO, 0, 0, -1, AV_ETAR, "" },
	{ "tar: bad checksum",
	    { { "a", NULL, '0', "1", FMT_USTAR, 0 },
	      { "b", NULL, '0', "2", FMT_USTAR, E_BADSUM } },
	    END_TWO, 0, 0, -1, AV_ETAR, "a=1|" },
	{ "tar: signed checksum accepted",
	    { { "s", NULL, '0', "signed", FMT_USTAR, E_SIGNED | E_HIGHBYTE } },
	    END_TWO, 0, 0, 0, 0, "s=signed|" },
	{ "tar: unsigned checksum with high byte",
	    { { "u", NULL, '0', "unsigned", FMT_USTAR, E_HIGHBYTE } },
	    END_TWO, 0, 0, 0, 0, "u=unsigned|" },
	{ "tar: size beyond end",
	    { { "a", NULL, '0', "1", FMT_USTAR, 0 },
	      { "big", NULL, '0', "short", FMT_USTAR, E_HUGESIZE } },
	    END_NONE, 0, 0, -1, AV_ETAR, "a=1|" },
	{ "tar: truncated header",
	    { { "a", NULL, '0', "1", FMT_USTAR, 0 },
	      { "b", NULL, '0', "2", FMT_USTAR, 0 } },
	    END_TWO, 512 + 512 + 100, 0, -1, AV_ETAR, "a=1|" },
	{ "tar: truncated data",
	    { { "a", NULL, '0', "0123456789", FMT_USTAR, 0 } },
	    END_TWO, 512 + 5, 0, -1, AV_ETAR, "" },
	{ "tar: no end blocks",
	    { { "a", NULL, '0', "1", FMT_USTAR, 0 },
	      { "b", NULL, '0', "2", FMT_USTAR, 0 } },
	    END_NONE, 0, 0, 0, 0, "a=1|b=2|" },
	{ "tar: last data unpadded",
	    { { "a", NULL, '0', "1", FMT_USTAR, 0 },
	      { "b", NULL, '0', "23", FMT_USTAR, E_NOPAD } },
	    END_NONE, 0, 0, 0, 0, "a=1|b=23|" },
	{ "tar: lone zero block ends it",
	    { { "a", NULL, '0', "1", FMT_USTAR, 0 } },
	    END_ONE_JUNK, 0, 0, 0, 0, "a=1|" },
	{ "tar: empty archive",
	    { { NULL, NULL, 0, NULL, 0, 0 } },
	    END_TWO, 0, 0, 0, 0, "" },
	{ "tar: empty buffer",
	    { { NULL, NULL, 0, NULL, 0, 0 } },
	    END_NONE, 0, 0, 0, 0, "" },
	{ "tar: zero-size member",
	    { { "empty", NULL, '0', "", FMT_USTAR, 0 },
	      { "b", NULL, '0', "2", FMT_USTAR, 0 } },
	    END_TWO, 0, 0, 0, 0, "empty=|b=2|" },
	{ "tar: base-256 size",
	    { { "b256", NULL, '0', "binary size", FMT_GNU, E_B256 } },
	    END_TWO, 0, 0, 0, 0, "b256=binary size|" },
	{ "tar: negative base-256 size",
	    { { "neg", NULL, '0', "x", FMT_GNU, E_NEG256 } },
	    END_TWO, 0, 0, -1, AV_ETAR, "" },
	{ "tar: bad octal size",
	    { { "bad", NULL, '0', "x", FMT_USTAR, E_BADSIZE } },
	    END_TWO, 0, 0, -1, AV_ETAR, "" },
	{ "tar: empty name",
	    { { "", NULL, '0', "x", FMT_USTAR, 0 } },
	    END_TWO, 0, 0, -1, AV_ETAR, "" },
	{ "tar: full 100-byte name",
	    { { A100, NULL, '0', "x", FMT_USTAR, 0 } },
	    END_TWO, 0, 0, 0, 0, A100 "=x|" },
	{ "tar: callback stop propagated",
	    { { "a", NULL, '0', "1", FMT_USTAR, 0 },
	      { "b", NULL, '0', "2", FMT_USTAR, 0 },
	      { "c", NULL, '0', "3", FMT_USTAR, 0 } },
	    END_TWO, 0, 2, 7, 0, "a=1|b=2|" },
};

static const struct hdr_case hdr_cases[] = {
	{ "hdr: good, nine fields",
	    "ClamAV-VDB:22 Jun 2021 14-58 -0400:62:6:90:" MD5A
	    ":ttQeKz+/abc:micasnyd:1624388302", ' ', 0, 0, 0,
	    "22 Jun 2021 14-58 -0400", 62, 6, 90, MD5A, "micasnyd",
	    1624388302 },
	{ "hdr: old file, no seconds",
	    "ClamAV-VDB:07 Feb 2004 13-37 +0100:1:2:3:" MD5A ":s:tk",
	    ' ', 0, 0, 0, "07 Feb 2004 13-37 +0100", 1, 2, 3, MD5A, "tk", 0 },
	{ "hdr: NUL padding",
	    "ClamAV-VDB:t:1:2:3:" MD5A ":s:b:4", '\0', 0, 0, 0,
	    "t", 1, 2, 3, MD5A, "b", 4 },
	{ "hdr: trailing newline",
	    "ClamAV-VDB:t:1:2:3:" MD5A ":s:b:4\n", ' ', 0, 0, 0,
	    "t", 1, 2, 3, MD5A, "b", 4 },
	{ "hdr: uppercase MD5 stored lowercase",
	    "ClamAV-VDB:t:1:2:3:A4AB60AE1C1C4E8F787459102DCFD90B:s:b:4", ' ',
	    0, 0, 0, "t", 1, 2, 3, MD5A, "b", 4 },
	{ "hdr: CLD with X:X",
	    "ClamAV-VDB:t:27371:2:3:X:X:b:4", ' ', 0, 0, 0,
	    "t", 27371, 2, 3, "", "b", 4 },
	{ "hdr: maximum numbers",
	    "ClamAV-VDB:t:4294967295:0:00:" MD5A ":s:b:18446744073709551615",
	    ' ', 0, 0, 0, "t", 4294967295U, 0, 0, MD5A, "b",
	    18446744073709551615ULL },
	{ "hdr: 63-byte build time",
	    "ClamAV-VDB:" A50 "0123456789abc:1:2:3:" MD5A ":s:b", ' ', 0, 0,
	    0, A50 "0123456789abc", 1, 2, 3, MD5A, "b", 0 },
	{ "hdr: 64-byte build time",
	    "ClamAV-VDB:" A50 "0123456789abcd:1:2:3:" MD5A ":s:b", ' ', 0, 0,
	    -1, NULL, 0, 0, 0, NULL, NULL, 0 },
	{ "hdr: 64-byte builder",
	    "ClamAV-VDB:t:1:2:3:" MD5A ":s:" A50 "0123456789abcd", ' ', 0, 0,
	    -1, NULL, 0, 0, 0, NULL, NULL, 0 },
	{ "hdr: bad magic",
	    "ClamAV-VDX:t:1:2:3:" MD5A ":s:b:4", ' ', 0, 0, -1,
	    NULL, 0, 0, 0, NULL, NULL, 0 },
	{ "hdr: version with a letter",
	    "ClamAV-VDB:t:1a:2:3:" MD5A ":s:b:4", ' ', 0, 0, -1,
	    NULL, 0, 0, 0, NULL, NULL, 0 },
	{ "hdr: empty version",
	    "ClamAV-VDB:t::2:3:" MD5A ":s:b:4", ' ', 0, 0, -1,
	    NULL, 0, 0, 0, NULL, NULL, 0 },
	{ "hdr: negative sigs",
	    "ClamAV-VDB:t:1:-2:3:" MD5A ":s:b:4", ' ', 0, 0, -1,
	    NULL, 0, 0, 0, NULL, NULL, 0 },
	{ "hdr: space in flevel",
	    "ClamAV-VDB:t:1:2: 3:" MD5A ":s:b:4", ' ', 0, 0, -1,
	    NULL, 0, 0, 0, NULL, NULL, 0 },
	{ "hdr: version overflow",
	    "ClamAV-VDB:t:4294967296:2:3:" MD5A ":s:b:4", ' ', 0, 0, -1,
	    NULL, 0, 0, 0, NULL, NULL, 0 },
	{ "hdr: seconds overflow",
	    "ClamAV-VDB:t:1:2:3:" MD5A ":s:b:18446744073709551616", ' ', 0,
	    0, -1, NULL, 0, 0, 0, NULL, NULL, 0 },
	{ "hdr: empty seconds",
	    "ClamAV-VDB:t:1:2:3:" MD5A ":s:b:", ' ', 0, 0, -1,
	    NULL, 0, 0, 0, NULL, NULL, 0 },
	{ "hdr: short MD5",
	    "ClamAV-VDB:t:1:2:3:a4ab60ae1c1c4e8f787459102dcfd90:s:b:4", ' ',
	    0, 0, -1, NULL, 0, 0, 0, NULL, NULL, 0 },
	{ "hdr: long MD5",
	    "ClamAV-VDB:t:1:2:3:" MD5A "0:s:b:4", ' ', 0, 0, -1,
	    NULL, 0, 0, 0, NULL, NULL, 0 },
	{ "hdr: non-hex MD5",
	    "ClamAV-VDB:t:1:2:3:g4ab60ae1c1c4e8f787459102dcfd90b:s:b:4", ' ',
	    0, 0, -1, NULL, 0, 0, 0, NULL, NULL, 0 },
	{ "hdr: empty dsig",
	    "ClamAV-VDB:t:1:2:3:" MD5A "::b:4", ' ', 0, 0, -1,
	    NULL, 0, 0, 0, NULL, NULL, 0 },
	{ "hdr: seven fields",
	    "ClamAV-VDB:t:1:2:3:" MD5A ":s", ' ', 0, 0, -1,
	    NULL, 0, 0, 0, NULL, NULL, 0 },
	{ "hdr: ten fields",
	    "ClamAV-VDB:t:1:2:3:" MD5A ":s:b:4:5", ' ', 0, 0, -1,
	    NULL, 0, 0, 0, NULL, NULL, 0 },
	{ "hdr: control character",
	    "ClamAV-VDB:t\t:1:2:3:" MD5A ":s:b:4", ' ', 0, 0, -1,
	    NULL, 0, 0, 0, NULL, NULL, 0 },
	{ "hdr: embedded NUL",
	    "ClamAV-VDB:t:1:2:3:" MD5A ":s:b:4", ' ', 0, 12, -1,
	    NULL, 0, 0, 0, NULL, NULL, 0 },
	{ "hdr: all spaces",
	    "", ' ', 0, 0, -1, NULL, 0, 0, 0, NULL, NULL, 0 },
	{ "hdr: truncated to 100 bytes",
	    "ClamAV-VDB:t:1:2:3:" MD5A ":s:b:4", ' ', 100, 0, -1,
	    NULL, 0, 0, 0, NULL, NULL, 0 },
	{ "hdr: 511 bytes",
	    "ClamAV-VDB:t:1:2:3:" MD5A ":s:b:4", ' ', 511, 0, -1,
	    NULL, 0, 0, 0, NULL, NULL, 0 },
};

static const struct open_case open_cases[] = {
	{ "open: CVD, gzip'd tar", BODY_GZTAR, MD5_GOOD, 1, LIM_NONE,
	    0, 0, 0, 0, TWO },
	{ "open: CVD, uppercase MD5", BODY_GZTAR, MD5_UPPER, 1, LIM_NONE,
	    0, 0, 0, 0, TWO },
	{ "open: CLD, plain tar", BODY_TAR, MD5_GOOD, 1, LIM_NONE,
	    0, 0, 0, 0, TWO },
	{ "open: CLD X:X, not verified", BODY_TAR, MD5_X, 0, LIM_NONE,
	    0, 0, 0, 0, TWO },
	{ "open: CLD X:X, verified", BODY_TAR, MD5_X, 1, LIM_NONE,
	    -1, AV_ECVDMD5, 0, 0, NULL },
	{ "open: CLD as freshclam writes it", BODY_CLAMTAR, MD5_X, 0,
	    LIM_NONE, 0, 0, 0, 0, TWO },
	{ "open: CLD, gzip'd tar", BODY_GZTAR, MD5_X, 0, LIM_NONE,
	    0, 0, 0, 0, TWO },
	{ "open: two gzip members", BODY_GZ2, MD5_GOOD, 1, LIM_NONE,
	    0, 0, 0, 0, TWO },
	{ "open: MD5 mismatch", BODY_GZTAR, MD5_BAD, 1, LIM_NONE,
	    -1, AV_ECVDMD5, 0, 0, NULL },
	{ "open: MD5 mismatch, not verified", BODY_GZTAR, MD5_BAD, 0,
	    LIM_NONE, 0, 0, 0, 0, TWO },
	{ "open: CLD MD5 mismatch", BODY_TAR, MD5_BAD, 1, LIM_NONE,
	    -1, AV_ECVDMD5, 0, 0, NULL },
	{ "open: corrupted gzip", BODY_GZCORRUPT, MD5_GOOD, 1, LIM_NONE,
	    -1, AV_EGZIP, 0, 0, NULL },
	{ "open: truncated gzip", BODY_GZTRUNC, MD5_GOOD, 1, LIM_NONE,
	    -1, AV_EGZIP, 0, 0, NULL },
	{ "open: garbage after gzip", BODY_GZTRAIL, MD5_GOOD, 1, LIM_NONE,
	    -1, AV_EGZIP, 0, 0, NULL },
	{ "open: header only", BODY_NONE, MD5_GOOD, 1, LIM_NONE,
	    0, 0, 0, 0, "" },
	{ "open: 600 bytes, 88 zeros", BODY_ZERO88, MD5_GOOD, 1, LIM_NONE,
	    0, 0, -1, AV_ETAR, "" },
	{ "open: gzip'd tar without end blocks", BODY_GZTAR_NOEND, MD5_GOOD,
	    1, LIM_NONE, 0, 0, 0, 0, TWO },
	{ "open: gzip, cap exactly the tar", BODY_GZTAR, MD5_GOOD, 1,
	    LIM_EXACT, 0, 0, 0, 0, TWO },
	{ "open: gzip, cap one byte short", BODY_GZTAR, MD5_GOOD, 1,
	    LIM_SHORT, -1, AV_ELIMIT, 0, 0, NULL },
	{ "open: plain, cap exactly the tar", BODY_TAR, MD5_GOOD, 1,
	    LIM_EXACT, 0, 0, 0, 0, TWO },
	{ "open: plain, cap one byte short", BODY_TAR, MD5_GOOD, 1,
	    LIM_SHORT, -1, AV_ELIMIT, 0, 0, NULL },
};

/* tw_entry - append one tar entry: header, data, padding */
static void
tw_entry(struct buf *b, const struct tw_ent *e)
{
	uint8_t		 h[512];
	char		 field[32];
	size_t		 dlen, size, i;
	unsigned long	 sum;
	long		 ssum;

	memset(h, 0, sizeof(h));
	dlen = strlen(e->data) + ((e->flags & E_NUL) ? 1 : 0);
	size = (e->flags & E_HUGESIZE) ? 1024 * 1024 : dlen;

	memcpy(h, e->name, strnlen(e->name, 100));
	if (e->fmt == FMT_CLAM) {
		/* name, bare octal size, checksum: nothing else */
		snprintf(field, sizeof(field), "%lo", (unsigned long)size);
		memcpy(h + 124, field, strlen(field));
		goto sum;
	}
	memcpy(h + 100, "0000644", 8);
	memcpy(h + 108, "0001750", 8);
	memcpy(h + 116, "0001750", 8);
	if (e->flags & (E_B256 | E_NEG256)) {
		memset(h + 124, 0, 12);
		h[124] = (e->flags & E_NEG256) ? 0xff : 0x80;
		for (i = 0; i < 8; i++)
			h[135 - i] = (uint8_t)(size >> (8 * i));
	} else if (e->flags & E_BADSIZE)
		memcpy(h + 124, "0000000012x", 12);
	else {
		snprintf(field, sizeof(field), "%011lo", (unsigned long)size);
		memcpy(h + 124, field, 12);
	}
	memcpy(h + 136, "14012345670", 12);
	h[156] = (uint8_t)e->type;
	switch (e->fmt) {
	case FMT_USTAR:
		memcpy(h + 257, "ustar", 6);
		memcpy(h + 263, "00", 2);
		break;
	case FMT_GNU:
		memcpy(h + 257, "ustar  ", 8);
		break;
	default:
		break;
	}
	if (e->fmt != FMT_V7) {
		memcpy(h + 265, "vigil", 5);
		memcpy(h + 297, "vigil", 5);
	}
	if (e->prefix != NULL)
		memcpy(h + 345, e->prefix, strnlen(e->prefix, 155));
	if (e->flags & E_HIGHBYTE)
		h[107] = 0xe9;		/* where a NUL would be */

sum:
	memset(h + 148, ' ', 8);
	sum = 0;
	ssum = 0;
	for (i = 0; i < sizeof(h); i++) {
		sum += h[i];
		ssum += h[i] < 0x80 ? (long)h[i] : (long)h[i] - 256;
	}
	if (e->flags & E_SIGNED)
		sum = (unsigned long)ssum;
	if (e->flags & E_BADSUM)
		sum++;
	snprintf(field, sizeof(field), "%06lo", sum & 0777777);
	memcpy(h + 148, field, 7);
	h[155] = ' ';

	buf_add(b, h, sizeof(h));
	buf_add(b, e->data, dlen);
	if (!(e->flags & E_NOPAD) && dlen % 512 != 0)
		buf_addz(b, 512 - dlen % 512);
}

/* tw_end - append the end of an archive */
static void
tw_end(struct buf *b, int end)
{
	switch (end) {
	case END_TWO:
		buf_addz(b, 1024);
		break;
	case END_ONE_JUNK:
		buf_addz(b, 512);
		buf_add(b, "junk", 4);
		buf_addz(b, 508);
		break;
	default:
		break;
	}
}

/* std_tar - the two-member tar of the container tests */
static void
std_tar(struct buf *b)
{
	static const struct tw_ent	 ent[] = {
		{ "test.ndb", NULL, '0', NDB, FMT_USTAR, 0 },
		{ "test.info", NULL, '0', INFO, FMT_USTAR, 0 },
	};

	tw_entry(b, &ent[0]);
	tw_entry(b, &ent[1]);
}

/* gzip_buf - gzip p into out with zlib */
static void
gzip_buf(const uint8_t *p, size_t n, struct buf *out)
{
	z_stream	 z;
	uLong		 bound;
	size_t		 off;

	memset(&z, 0, sizeof(z));
	assert_int_equal(deflateInit2(&z, 9, Z_DEFLATED, 16 + MAX_WBITS, 8,
	    Z_DEFAULT_STRATEGY), Z_OK);
	bound = deflateBound(&z, (uLong)n);
	off = buf_addz(out, bound);
	assert_false(out->failed);
	z.next_in = (Bytef *)(uintptr_t)p;
	z.avail_in = (uInt)n;
	z.next_out = out->data + off;
	z.avail_out = (uInt)bound;
	assert_int_equal(deflate(&z, Z_FINISH), Z_STREAM_END);
	out->len = off + z.total_out;
	deflateEnd(&z);
}

/* make_cvd - header (md5 NULL: the right one) then body */
static void
make_cvd(struct buf *out, const char *md5, const uint8_t *body, size_t n)
{
	uint8_t	 md[16];
	char	 hex[33], text[CVD_HDRLEN + 1];
	int	 len;

	if (md5 == NULL) {
		assert_int_equal(digest_buf(DIGEST_MD5, body, n, md), 0);
		digest_hex(md, sizeof(md), hex);
		md5 = hex;
	}
	len = snprintf(text, sizeof(text), HDRFMT, md5);
	assert_true(len > 0 && len < CVD_HDRLEN);
	memset(text + len, ' ', CVD_HDRLEN - (size_t)len);
	buf_add(out, text, CVD_HDRLEN);
	buf_add(out, body, n);
	assert_false(out->failed);
}

/* make_body - the data after the header, for each body kind */
static void
make_body(int kind, struct buf *body)
{
	static const struct tw_ent	 clam[] = {
		{ "test.ndb", NULL, '\0', NDB, FMT_CLAM, 0 },
		{ "test.info", NULL, '\0', INFO, FMT_CLAM, 0 },
	};
	struct buf			 tar;
	size_t				 half;

	if (kind == BODY_CLAMTAR) {
		tw_entry(body, &clam[0]);
		tw_entry(body, &clam[1]);
		assert_false(body->failed);
		return;
	}
	buf_init(&tar);
	std_tar(&tar);
	if (kind != BODY_GZTAR_NOEND)
		tw_end(&tar, END_TWO);
	assert_false(tar.failed);

	switch (kind) {
	case BODY_GZTAR:
	case BODY_GZTAR_NOEND:
		gzip_buf(tar.data, tar.len, body);
		break;
	case BODY_TAR:
		buf_add(body, tar.data, tar.len);
		break;
	case BODY_GZ2:
		half = tar.len / 2 + 7;
		gzip_buf(tar.data, half, body);
		gzip_buf(tar.data + half, tar.len - half, body);
		break;
	case BODY_GZCORRUPT:
		gzip_buf(tar.data, tar.len, body);
		body->data[body->len / 2] ^= 0x55;
		body->data[body->len / 2 + 1] ^= 0xaa;
		break;
	case BODY_GZTRUNC:
		gzip_buf(tar.data, tar.len, body);
		body->len -= 9;
		break;
	case BODY_GZTRAIL:
		gzip_buf(tar.data, tar.len, body);
		buf_add(body, "junk", 4);
		break;
	case BODY_ZERO88:
		buf_addz(body, 88);
		break;
	default:
		break;
	}
	assert_false(body->failed);
	buf_clear(&tar);
}

/* collect - tar_walk callback: record "name=data|" */
static int
collect(void *arg, const char *name, const uint8_t *data, size_t size)
{
	struct walk_state	*ws = arg;

	assert_true(strlen(name) <= 255);
	buf_add(&ws->out, name, strlen(name));
	buf_add(&ws->out, "=", 1);
	buf_add(&ws->out, data, size);
	buf_add(&ws->out, "|", 1);
	if (++ws->calls == ws->stop_at)
		return 7;
	return 0;
}

/* check_walk - walk a tar and compare result and members */
static void
check_walk(const char *what, const uint8_t *tar, size_t len, int stop_at,
    int want_rc, int want_errno, const char *want)
{
	struct walk_state	 ws;
	int			 rc;

	memset(&ws, 0, sizeof(ws));
	buf_init(&ws.out);
	ws.stop_at = stop_at;
	errno = 0;
	rc = tar_walk(tar, len, collect, &ws);
	if (rc != want_rc)
		fail_msg("%s: tar_walk returned %d, want %d (errno %d)", what,
		    rc, want_rc, errno);
	if (rc == -1 && errno != want_errno)
		fail_msg("%s: errno %d (%s), want %d", what, errno,
		    av_strerror(errno), want_errno);
	buf_add(&ws.out, "", 1);
	assert_false(ws.out.failed);
	if (want != NULL && strcmp((char *)ws.out.data, want) != 0)
		fail_msg("%s: members \"%s\", want \"%s\"", what,
		    (char *)ws.out.data, want);
	buf_clear(&ws.out);
}

/* test_tar_case - one row of tar_cases */
static void
test_tar_case(void **state)
{
	const struct tar_case	*c = *state;
	struct buf		 b;
	int			 i;

	buf_init(&b);
	for (i = 0; i < MAXENT && c->ent[i].name != NULL; i++)
		tw_entry(&b, &c->ent[i]);
	tw_end(&b, c->end);
	assert_false(b.failed);
	if (c->cut != 0) {
		assert_true(c->cut <= b.len);
		b.len = c->cut;
	}
	check_walk(c->name, b.data, b.len, c->stop_at, c->want_rc,
	    c->want_errno, c->want);
	buf_clear(&b);
}

/* test_hdr_case - one row of hdr_cases */
static void
test_hdr_case(void **state)
{
	const struct hdr_case	*c = *state;
	struct cvd_header	 h;
	uint8_t			 buf[CVD_HDRLEN];
	size_t			 n;
	int			 rc;

	n = strlen(c->text);
	assert_true(n <= sizeof(buf));
	memset(buf, c->pad, sizeof(buf));
	memcpy(buf, c->text, n);
	if (c->nulat > 0)
		buf[c->nulat] = '\0';
	memset(&h, 0x5a, sizeof(h));
	errno = 0;
	rc = cvd_parse_header(buf, c->len ? c->len : sizeof(buf), &h);
	if (rc != c->want_rc)
		fail_msg("%s: returned %d, want %d", c->name, rc, c->want_rc);
	if (rc == -1) {
		assert_int_equal(errno, AV_ECVD);
		return;
	}
	assert_string_equal(h.stime, c->stime);
	assert_int_equal(h.version, c->version);
	assert_int_equal(h.nsigs, c->nsigs);
	assert_int_equal(h.flevel, c->flevel);
	assert_string_equal(h.md5, c->md5);
	assert_string_equal(h.builder, c->builder);
	assert_true(h.btime == c->btime);
}

/* test_open_case - one row of open_cases */
static void
test_open_case(void **state)
{
	const struct open_case	*c = *state;
	struct cvd_header	 h;
	struct buf		 body, file, plain;
	uint8_t			*tar, md[16];
	char			 md5[33];
	size_t			 tarlen, i;
	int			 rc;

	buf_init(&body);
	buf_init(&file);
	buf_init(&plain);
	make_body(c->body, &body);
	assert_int_equal(digest_buf(DIGEST_MD5, body.data, body.len, md), 0);
	digest_hex(md, sizeof(md), md5);
	switch (c->md5) {
	case MD5_BAD:
		md5[7] = md5[7] == '0' ? '1' : '0';
		break;
	case MD5_X:
		strcpy(md5, "X");
		break;
	case MD5_UPPER:
		for (i = 0; md5[i] != '\0'; i++)
			if (md5[i] >= 'a' && md5[i] <= 'f')
				md5[i] = (char)(md5[i] - 'a' + 'A');
		break;
	default:
		break;
	}
	make_cvd(&file, md5, body.data, body.len);

	if (c->lim != LIM_NONE) {
		std_tar(&plain);
		tw_end(&plain, END_TWO);
		cvd_set_maxtar(plain.len - (c->lim == LIM_SHORT ? 1 : 0));
	}
	tar = md;		/* cvd_open must reset both */
	tarlen = 1;
	errno = 0;
	rc = cvd_open(file.data, file.len, c->verify, &h, &tar, &tarlen);
	cvd_set_maxtar(0);
	if (rc != c->want_rc)
		fail_msg("%s: cvd_open returned %d, want %d (errno %d: %s)",
		    c->name, rc, c->want_rc, errno, av_strerror(errno));
	if (rc == -1) {
		if (errno != c->want_errno)
			fail_msg("%s: errno %d (%s), want %d", c->name, errno,
			    av_strerror(errno), c->want_errno);
		assert_null(tar);
		assert_int_equal(tarlen, 0);
	} else {
		assert_non_null(tar);
		assert_int_equal(h.version, 62);
		assert_int_equal(h.nsigs, 6);
		assert_int_equal(h.flevel, 90);
		assert_string_equal(h.builder, "micasnyd");
		assert_true(h.btime == 1624388302);
		if (c->md5 == MD5_X)
			assert_string_equal(h.md5, "");
		else
			assert_int_equal(strlen(h.md5), 32);
		check_walk(c->name, tar, tarlen, 0, c->walk_rc, c->walk_errno,
		    c->want);
		free(tar);
	}
	buf_clear(&plain);
	buf_clear(&file);
	buf_clear(&body);
}

/* test_open_big - a tar beyond the first buffer, and the default cap */
static void
test_open_big(void **state)
{
	struct tw_ent		 e;
	struct cvd_header	 h;
	struct buf		 tar, gz, file;
	struct walk_state	 ws;
	uint8_t			*out;
	char			*data;
	size_t			 n = 3 * 1024 * 1024 + 17, outlen, i;

	(void)state;
	data = malloc(n + 1);
	assert_non_null(data);
	for (i = 0; i < n; i++)
		data[i] = (char)('a' + (i * 7 + i / 1000) % 26);
	data[n] = '\0';
	memset(&e, 0, sizeof(e));
	e.name = "big.ndb";
	e.type = '0';
	e.data = data;
	e.fmt = FMT_USTAR;

	buf_init(&tar);
	buf_init(&gz);
	buf_init(&file);
	tw_entry(&tar, &e);
	tw_end(&tar, END_TWO);
	gzip_buf(tar.data, tar.len, &gz);
	make_cvd(&file, NULL, gz.data, gz.len);

	assert_int_equal(cvd_open(file.data, file.len, 1, &h, &out, &outlen),
	    0);
	assert_int_equal(outlen, tar.len);
	assert_memory_equal(out, tar.data, tar.len);
	memset(&ws, 0, sizeof(ws));
	buf_init(&ws.out);
	assert_int_equal(tar_walk(out, outlen, collect, &ws), 0);
	assert_int_equal(ws.calls, 1);
	assert_int_equal(ws.out.len, strlen("big.ndb=") + n + 1);
	assert_memory_equal(ws.out.data + 8, data, n);
	free(out);

	/* the same with a cap below it */
	cvd_set_maxtar(1024 * 1024);
	out = NULL;
	assert_int_equal(cvd_open(file.data, file.len, 1, &h, &out, &outlen),
	    -1);
	assert_int_equal(errno, AV_ELIMIT);
	assert_null(out);
	cvd_set_maxtar(0);

	buf_clear(&ws.out);
	buf_clear(&file);
	buf_clear(&gz);
	buf_clear(&tar);
	free(data);
}

/* test_null_and_short - NULL and short buffers */
static void
test_null_and_short(void **state)
{
	struct cvd_header	 h;
	uint8_t			 buf[CVD_HDRLEN], *tar;
	size_t			 tarlen;

	(void)state;
	memset(buf, ' ', sizeof(buf));
	errno = 0;
	assert_int_equal(cvd_parse_header(NULL, 0, &h), -1);
	assert_int_equal(errno, AV_ECVD);
	errno = 0;
	assert_int_equal(cvd_open(buf, 0, 0, &h, &tar, &tarlen), -1);
	assert_int_equal(errno, AV_ECVD);
	assert_null(tar);
	errno = 0;
	assert_int_equal(cvd_open(buf, sizeof(buf), 0, &h, &tar, &tarlen),
	    -1);
	assert_int_equal(errno, AV_ECVD);
	assert_int_equal(tar_walk(NULL, 0, collect, NULL), 0);
}

int
main(void)
{
	struct CMUnitTest	*t;
	size_t			 n = 0, i;
	int			 rc;

	t = calloc(nitems(tar_cases) + nitems(hdr_cases) +
	    nitems(open_cases) + 2, sizeof(*t));
	if (t == NULL)
		return 1;
	for (i = 0; i < nitems(tar_cases); i++) {
		t[n].name = tar_cases[i].name;
		t[n].test_func = test_tar_case;
		t[n++].initial_state = (void *)&tar_cases[i];
	}
	for (i = 0; i < nitems(hdr_cases); i++) {
		t[n].name = hdr_cases[i].name;
		t[n].test_func = test_hdr_case;
		t[n++].initial_state = (void *)&hdr_cases[i];
	}
	for (i = 0; i < nitems(open_cases); i++) {
		t[n].name = open_cases[i].name;
		t[n].test_func = test_open_case;
		t[n++].initial_state = (void *)&open_cases[i];
	}
	t[n].name = "open: large tar, growth and cap";
	t[n++].test_func = test_open_big;
	t[n].name = "NULL and short buffers";
	t[n++].test_func = test_null_and_short;

	rc = _cmocka_run_group_tests("cvd", t, n, NULL, NULL);
	free(t);
	return rc;
}
