/*
 * test_sigsrc.c - unit tests for signatures/sigsrc.c
 *
 * sigsrc_offset() and sigsrc_kind() tables, then one table of database
 * lines, each loaded on its own through sigsrc_load_buffer() into a
 * fresh cset: what was added (counted in cset_stats), which skip reason
 * was counted, and which "file:line" was reported.  The expected values
 * follow ClamAV's documentation (ExtendedSignatures.md, HashSignatures.md,
 * LogicalSignatures.md, AllowLists.md) and, where the manual is silent,
 * ClamAV's loader; rows where Vigil disagrees carry a BUG comment and
 * are skipped while the bug is open (they pass once it is fixed).
 * Then whole-source behaviour: line numbers in reports, CRLF, comments,
 * NUL bytes, --strict, verbose, PUA, .gz and CVD/CLD containers built
 * here in memory.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <zlib.h>

#include "av/averr.h"
#include "signatures/cset.h"
#include "signatures/sigir.h"
#include "signatures/sigsrc.h"

#define nitems(a)	(sizeof(a) / sizeof((a)[0]))
#define NONE		(-1)
#define MD5_EICAR	"44d88612fea8a8f36de82e1278abb02f"
#define SHA1_40		"3395856ce81f2b7382dee72602f798b642f14140"
#define SHA256_64	"275a021bbfb6489e54d471899f7db9d1" \
			"663fc695ec2fe2a2c4538aabf651fd0f"

/* an offset string and its parse */
struct offcase {
	const char	*s;
	int		 rc;
	int		 kind;
	uint32_t	 sect;
	int64_t		 n;
	uint32_t	 shift;
	const char	*bug;
};

/* a source name and its kind */
struct kindcase {
	const char	*name;
	int		 kind;
};

/* what a source must add and skip */
struct linecase {
	const char	*name;
	const char	*file;
	const char	*text;
	int		 added;		/* sigs, hashes, allow-list, ignores */
	int		 reason;	/* the one skip reason, or NONE */
	unsigned long	 line;		/* MALFORMED: the reported line */
	const char	*bug;		/* non-NULL: a known engine bug */
};

/* reports collected from the cset */
struct reports {
	char		 text[8192];
	int		 n;
};

static void	 report(void *, const char *, unsigned long, const char *);
static int	 added(const struct cset_stats *);
static int	 nskipped(const struct cset_stats *);
static void	 bug_or_fail(const char *, const char *, ...)
		    __attribute__((format(printf, 2, 3)));
static size_t	 tar_add(uint8_t *, size_t, const char *, const char *);
static size_t	 gzip_buf(const uint8_t *, size_t, uint8_t *, size_t);
static void	 md5_hex(const uint8_t *, size_t, char *);
static size_t	 make_cvd(uint8_t *, size_t, const uint8_t *, size_t);
static char	*make_many(int);
static void	 test_offset(void **);
static void	 test_kind(void **);
static void	 test_line(void **);
static void	 test_report_lines(void **);
static void	 test_crlf_comments(void **);
static void	 test_nul_byte(void **);
static void	 test_strict(void **);
static void	 test_verbose(void **);
static void	 test_pua(void **);
static void	 test_unknown_kind(void **);
static void	 test_gzip(void **);
static void	 test_containers(void **);
static void	 test_sigsrc_line(void **);
static void	 test_flevel_option(void **);

static const struct offcase offcases[] = {
	{ "*", 0, OFF_ANY, 0, 0, 0, NULL },
	{ "0", 0, OFF_ABS, 0, 0, 0, NULL },
	{ "1234", 0, OFF_ABS, 0, 1234, 0, NULL },
	{ "10,5", 0, OFF_ABS, 0, 10, 5, NULL },
	{ "EOF-20", 0, OFF_EOF, 0, 20, 0, NULL },
	{ "EOF-20,3", 0, OFF_EOF, 0, 20, 3, NULL },
	{ "EP+16", 0, OFF_EP, 0, 16, 0, NULL },
	{ "EP+0", 0, OFF_EP, 0, 0, 0, NULL },
	{ "EP-16", 0, OFF_EP, 0, -16, 0, NULL },
	{ "EP+0,8", 0, OFF_EP, 0, 0, 8, NULL },
	{ "EP-4,8", 0, OFF_EP, 0, -4, 8, NULL },
	{ "S2+100", 0, OFF_SECT, 2, 100, 0, NULL },
	{ "S0+0,4", 0, OFF_SECT, 0, 0, 4, NULL },
	{ "S10+7", 0, OFF_SECT, 10, 7, 0, NULL },
	{ "SE1", 0, OFF_SE, 1, 0, 0, NULL },
	{ "SE0", 0, OFF_SE, 0, 0, 0, NULL },
	/* BUG: ExtendedSignatures.md: "All the above offsets except * can
	 * be turned into floating offsets" -- SEx,y is refused */
	{ "SE1,10", 0, OFF_SE, 1, 0, 10,
	    "SEx with a MaxShift is refused (docs: every offset but * "
	    "may float)" },
	{ "SL+8", 0, OFF_LAST, 0, 8, 0, NULL },
	{ "SL+8,2", 0, OFF_LAST, 0, 8, 2, NULL },
	{ "VI", 1, 0, 0, 0, 0, NULL },
	{ "abc", -1, 0, 0, 0, 0, NULL },
	{ "-5", -1, 0, 0, 0, 0, NULL },
	{ "EOF+5", -1, 0, 0, 0, 0, NULL },
	{ "EP*5", -1, 0, 0, 0, 0, NULL },
	{ "EPx", -1, 0, 0, 0, 0, NULL },
	{ "Sx+5", -1, 0, 0, 0, 0, NULL },
	{ "S1", -1, 0, 0, 0, 0, NULL },
	{ "S1-5", -1, 0, 0, 0, 0, NULL },
	{ "SEx", -1, 0, 0, 0, 0, NULL },
	{ "SL-5", -1, 0, 0, 0, 0, NULL },
	{ "10,x", -1, 0, 0, 0, 0, NULL },
	{ "10,-1", -1, 0, 0, 0, 0, NULL },
	{ "1 0", -1, 0, 0, 0, 0, NULL },
	{ "**", -1, 0, 0, 0, 0, NULL },
	{ "99999999999999999999999", -1, 0, 0, 0, 0, NULL },
	{ "0000000000000000000000000000000000000000000000000000000000000000"
	    "0", -1, 0, 0, 0, 0, NULL },
};

static const struct kindcase kindcases[] = {
	{ "x.hdb", SRC_HDB },
	{ "x.hsb", SRC_HSB },
	{ "x.fp", SRC_FP },
	{ "x.sfp", SRC_SFP },
	{ "x.ndb", SRC_NDB },
	{ "x.ldb", SRC_LDB },
	{ "x.ign", SRC_IGN },
	{ "x.ign2", SRC_IGN2 },
	{ "main.cvd", SRC_CVD },
	{ "daily.cld", SRC_CLD },
	{ "/var/lib/clamav/daily.ldb", SRC_LDB },
	{ "dir.d/x.NDB", SRC_NDB },
	{ "X.HsB", SRC_HSB },
	{ "x.ndb.gz", SRC_NDB },
	{ "x.hsb.gz", SRC_HSB },
	{ "x.cvd.gz", SRC_CVD },
	{ "x.hdu", SRC_HDB | SRC_PUA },
	{ "x.hsu", SRC_HSB | SRC_PUA },
	{ "x.ndu", SRC_NDB | SRC_PUA },
	{ "x.ldu", SRC_LDB | SRC_PUA },
	{ "x.ldu.gz", SRC_LDB | SRC_PUA },
	{ "x.mdb", SRC_OTHER },
	{ "x.msb", SRC_OTHER },
	{ "x.mdu", SRC_OTHER },
	{ "x.imp", SRC_OTHER },
	{ "x.cdb", SRC_OTHER },
	{ "x.crb", SRC_OTHER },
	{ "x.wdb", SRC_OTHER },
	{ "x.pdb", SRC_OTHER },
	{ "x.ftm", SRC_OTHER },
	{ "x.idb", SRC_OTHER },
	{ "x.cbc", SRC_OTHER },
	{ "x.yar", SRC_OTHER },
	{ "x.yara", SRC_OTHER },
	{ "x.cfg", SRC_OTHER },
	{ "x.txt", SRC_NONE },
	{ "x.gz", SRC_NONE },
	{ "x.tar.gz", SRC_NONE },
	{ "ndb", SRC_NONE },
	{ "x.", SRC_NONE },
	{ "", SRC_NONE },
	{ ".gz", SRC_NONE },
	{ "x.ndb/readme", SRC_NONE },
	{ "x.ndbx", SRC_NONE },
	{ "x.ndb.bak", SRC_NONE },
	{ "x.info", SRC_NONE },
	{ "COPYING", SRC_NONE },
};

static const struct linecase linecases[] = {
	/* .ndb */
	{ "ndb plain", "t.ndb", "N:0:*:41424344", 1, NONE, 0, NULL },
	{ "ndb flevel min", "t.ndb", "N:0:*:41424344:51", 1, NONE, 0, NULL },
	{ "ndb flevel range", "t.ndb", "N:0:*:41424344:51:255", 1, NONE, 0,
	    NULL },
	{ "ndb flevel max below ours, text body (EOL sig)", "t.ndb",
	    "Win.Trojan.EOL-1:0:*:This ClamAV version has reached End of "
	    "Life!:0:38", 0, CR_FLEVEL, 0, NULL },
	{ "ndb flevel min above ours, garbage body", "t.ndb",
	    "N:zz:nowhere:((garbage:999", 0, CR_FLEVEL, 0, NULL },
	{ "ndb flevel exactly ours", "t.ndb", "N:0:*:41424344:212:212", 1,
	    NONE, 0, NULL },
	{ "ndb flevel one above", "t.ndb", "N:0:*:41424344:213", 0,
	    CR_FLEVEL, 0, NULL },
	{ "ndb flevel not a number", "t.ndb", "N:0:*:41424344:x1", 0,
	    CR_MALFORMED, 1, NULL },
	{ "ndb 3 fields", "t.ndb", "N:0:*", 0, CR_MALFORMED, 1, NULL },
	{ "ndb 7 fields", "t.ndb", "N:0:*:41424344:1:255:9", 0,
	    CR_MALFORMED, 1, NULL },
	{ "ndb empty name", "t.ndb", ":0:*:41424344", 0, CR_MALFORMED, 1,
	    NULL },
	{ "ndb bad target", "t.ndb", "N:x:*:41424344", 0, CR_MALFORMED, 1,
	    NULL },
	{ "ndb target out of range", "t.ndb", "N:99:*:41424344", 0,
	    CR_MALFORMED, 1, NULL },
	{ "ndb bad offset", "t.ndb", "N:0:abc:41424344", 0, CR_MALFORMED, 1,
	    NULL },
	{ "ndb VI offset", "t.ndb", "N:1:VI:41424344", 0, CR_VI, 0, NULL },
	{ "ndb bad hex", "t.ndb", "N:0:*:4142434", 0, CR_MALFORMED, 1, NULL },
	{ "ndb no two fixed bytes", "t.ndb", "N:0:*:41??42??43", 0,
	    CR_NOANCHOR, 0, NULL },
	{ "ndb no two fixed bytes, parts", "t.ndb", "N:0:*:41*42", 0,
	    CR_NOANCHOR, 0, NULL },
	/* ClamAV wants two static bytes even at a fixed offset */
	{ "ndb no anchor but a fixed offset", "t.ndb", "N:0:10:41??42", 0,
	    CR_NOANCHOR, 0, NULL },
	{ "ndb EP on PE", "t.ndb", "N:1:EP+0:41424344", 1, NONE, 0, NULL },
	{ "ndb Sx on ELF", "t.ndb", "N:6:S0+4:41424344", 1, NONE, 0, NULL },
	{ "ndb SL on Mach-O", "t.ndb", "N:9:SL+4:41424344", 1, NONE, 0,
	    NULL },
	/* BUG: ClamAV (cli_caloff) refuses EP/Sx/SEx/SL offsets unless the
	 * target is 1, 6 or 9 ("Invalid offset type for target") */
	{ "ndb EP offset on target 0", "t.ndb", "N:0:EP+0:41424344", 0,
	    CR_MALFORMED, 1,
	    "EP+n on target 0 is accepted (ClamAV: malformed)" },
	{ "ndb S offset on target 7", "t.ndb", "N:7:S1+0:41424344", 0,
	    CR_MALFORMED, 1,
	    "Sx+n on target 7 is accepted (ClamAV: malformed)" },
	/* BUG: SEx,y is a valid floating offset (ExtendedSignatures.md) */
	{ "ndb SEx with shift", "t.ndb", "N:1:SE1,5:41424344", 1, NONE, 0,
	    "SE1,5 refused as malformed" },
	{ "ndb floating absolute", "t.ndb", "N:0:10,20:41424344", 1, NONE, 0,
	    NULL },
	{ "ndb big float without anchor", "t.ndb",
	    "N:0:10,100000:41??42", 0, CR_NOANCHOR, 0, NULL },
	/* .hdb .hsb .fp .sfp */
	{ "hdb md5", "t.hdb", MD5_EICAR ":68:Eicar", 1, NONE, 0, NULL },
	{ "hdb md5 uppercase", "t.hdb",
	    "44D88612FEA8A8F36DE82E1278ABB02F:68:Eicar", 1, NONE, 0, NULL },
	/* BUG: ClamAV's cli_loadhash() takes MD5, SHA-1 or SHA-256 by
	 * length in every hash database; unit_tests/input/clamav.hdb is a
	 * SHA-256 line */
	{ "hdb sha256", "t.hdb", SHA256_64 ":68:Eicar", 1, NONE, 0,
	    "a SHA-256 line in .hdb is refused (ClamAV accepts it)" },
	{ "hdb sha1", "t.hdb", SHA1_40 ":68:Eicar", 1, NONE, 0,
	    "a SHA-1 line in .hdb is refused (ClamAV accepts it)" },
	{ "hsb md5", "t.hsb", MD5_EICAR ":68:Eicar", 1, NONE, 0, NULL },
	{ "hsb sha1", "t.hsb", SHA1_40 ":68:Eicar", 1, NONE, 0, NULL },
	{ "hsb sha256", "t.hsb", SHA256_64 ":68:Eicar", 1, NONE, 0, NULL },
	{ "hsb 31 digits", "t.hsb", "44d88612fea8a8f36de82e1278abb02:68:E",
	    0, CR_MALFORMED, 1, NULL },
	{ "hsb 33 digits", "t.hsb", MD5_EICAR "0:68:E", 0, CR_MALFORMED, 1,
	    NULL },
	{ "hsb 63 digits", "t.hsb",
	    "275a021bbfb6489e54d471899f7db9d1663fc695ec2fe2a2c4538aabf651fd0:"
	    "68:E", 0, CR_MALFORMED, 1, NULL },
	{ "hsb bad hex", "t.hsb", "44d88612fea8a8f36de82e1278abb0zz:68:E", 0,
	    CR_MALFORMED, 1, NULL },
	{ "hsb any size with 73", "t.hsb", SHA256_64 ":*:E:73", 1, NONE, 0,
	    NULL },
	/* BUG: HashSignatures.md: "Signatures that use the wildcard size
	 * without this level [73] set will be rejected as malformed" */
	{ "hsb any size without flevel", "t.hsb", SHA256_64 ":*:E", 0,
	    CR_MALFORMED, 1,
	    "a '*' size without min flevel 73 is accepted" },
	{ "hsb any size with flevel 72", "t.hsb", SHA256_64 ":*:E:72", 0,
	    CR_MALFORMED, 1,
	    "a '*' size with min flevel 72 is accepted" },
	/* BUG: cli_loadhash() refuses size 0 ("Invalid value for the size
	 * field") */
	{ "hdb size 0", "t.hdb", MD5_EICAR ":0:E", 0, CR_MALFORMED, 1,
	    "size 0 is accepted (ClamAV: malformed)" },
	{ "hdb size not a number", "t.hdb", MD5_EICAR ":68x:E", 0,
	    CR_MALFORMED, 1, NULL },
	{ "hdb size negative", "t.hdb", MD5_EICAR ":-1:E", 0, CR_MALFORMED, 1,
	    NULL },
	{ "hdb 2 fields", "t.hdb", MD5_EICAR ":68", 0, CR_MALFORMED, 1, NULL },
	{ "hdb 6 fields", "t.hdb", MD5_EICAR ":68:E:1:255:7", 0, CR_MALFORMED,
	    1, NULL },
	{ "hdb flevel excluded", "t.hdb", MD5_EICAR ":68:E:0:38", 0,
	    CR_FLEVEL, 0, NULL },
	{ "hdb flevel first, garbage hash", "t.hdb", "zz:yy:E:999", 0,
	    CR_FLEVEL, 0, NULL },
	{ "fp md5", "t.fp", MD5_EICAR ":68:Eicar", 1, NONE, 0, NULL },
	/* BUG: .fp lines go through the same cli_loadhash() */
	{ "fp sha256", "t.fp", SHA256_64 ":68:Eicar", 1, NONE, 0,
	    "a SHA-256 line in .fp is refused (ClamAV accepts it)" },
	{ "sfp sha1", "t.sfp", SHA1_40 ":68:Eicar", 1, NONE, 0, NULL },
	{ "sfp sha256", "t.sfp", SHA256_64 ":68:Eicar", 1, NONE, 0, NULL },
	{ "sfp md5", "t.sfp", MD5_EICAR ":68:Eicar", 1, NONE, 0, NULL },
	/* .ign .ign2 */
	{ "ign2 name", "t.ign2", "Eicar-Test-Signature", 1, NONE, 0, NULL },
	{ "ign2 name and md5", "t.ign2",
	    "Eicar-Test-Signature:bc356bae4c42f19a3de16e333ba3569c", 1, NONE,
	    0, NULL },
	{ "ign2 three fields", "t.ign2", "a:b:c", 0, CR_MALFORMED, 1, NULL },
	{ "ign db:line:name", "t.ign", "daily.ndb:12:Eicar", 1, NONE, 0,
	    NULL },
	{ "ign name only", "t.ign", "Eicar", 0, CR_MALFORMED, 1, NULL },
	/* .ldb */
	{ "ldb plain", "t.ldb", "L;Target:0;0;41424344", 1, NONE, 0, NULL },
	{ "ldb engine and two subsigs", "t.ldb",
	    "L;Engine:81-255,Target:1;0&1;41424344;45464748", 1, NONE, 0,
	    NULL },
	{ "ldb doc Sig4", "t.ldb",
	    "Sig4;Engine:51-255,Target:1;((0|1)&(2|3))&4;EP+123:33c06834f0"
	    "4100f2aef7d14951684cf04100e8110a00;S2+78:22??232c2d252229{-15}"
	    "6e6573(63|64)61706528;S3+50:68efa311c3b9963cb1ee8e586d32aeb904"
	    "3e;f9c58dcf43987e4f519d629b103375;SL+550:6300680065005c004600"
	    "69006900", 1, NONE, 0, NULL },
	{ "ldb without Target", "t.ldb", "L;Engine:81-255;0;41424344", 0,
	    CR_MALFORMED, 1, NULL },
	{ "ldb 3 fields", "t.ldb", "L;Target:0;0", 0, CR_MALFORMED, 1, NULL },
	{ "ldb empty name", "t.ldb", ";Target:0;0;41424344", 0,
	    CR_MALFORMED, 1, NULL },
	{ "ldb engine below", "t.ldb", "L;Engine:1-20,Target:0;0;41424344",
	    0, CR_FLEVEL, 0, NULL },
	{ "ldb engine above", "t.ldb",
	    "L;Engine:300-400,Target:0;0;41424344", 0, CR_FLEVEL, 0, NULL },
	{ "ldb engine first, rest garbage", "t.ldb",
	    "L;Engine:1-20,Nonsense;((;zz", 0, CR_FLEVEL, 0, NULL },
	/* BUG: ClamAV parses Engine anywhere in the TDB (the manual's own
	 * Firefox.TreeRange.UseAfterFree example ends with Engine:81-255) */
	{ "ldb engine not first", "t.ldb",
	    "L;Target:0,Engine:81-255;0;41424344", 1, NONE, 0,
	    "Engine after Target is refused as malformed" },
	{ "ldb bad expression", "t.ldb", "L;Target:0;0&;41424344", 0,
	    CR_MALFORMED, 1, NULL },
	{ "ldb expression index out of range", "t.ldb",
	    "L;Target:0;0&1;41424344", 0, CR_MALFORMED, 1, NULL },
	/* BUG: cli_loadldb(): "The number of subsignatures doesn't match
	 * the IDs in the logical expression" is malformed */
	{ "ldb subsig not in expression", "t.ldb",
	    "L;Target:0;0;41424344;45464748", 0, CR_MALFORMED, 1,
	    "an .ldb with more subsignatures than its expression names is "
	    "accepted" },
	{ "ldb EntryPoint on target 1", "t.ldb",
	    "L;Target:1,EntryPoint:0-100;0;41424344", 1, NONE, 0, NULL },
	{ "ldb EntryPoint on target 0", "t.ldb",
	    "L;Target:0,EntryPoint:0-100;0;41424344", 0, CR_MALFORMED, 1,
	    NULL },
	{ "ldb NumberOfSections on target 0", "t.ldb",
	    "L;Target:0,NumberOfSections:1-3;0;41424344", 0, CR_MALFORMED, 1,
	    NULL },
	{ "ldb NumberOfSections on ELF", "t.ldb",
	    "L;Target:6,NumberOfSections:1-3;0;41424344", 1, NONE, 0, NULL },
	{ "ldb FileSize", "t.ldb", "L;Target:0,FileSize:10-100;0;41424344",
	    1, NONE, 0, NULL },
	{ "ldb FileSize reversed", "t.ldb",
	    "L;Target:0,FileSize:100-10;0;41424344", 0, CR_MALFORMED, 1,
	    NULL },
	{ "ldb FileSize not a number", "t.ldb",
	    "L;Target:0,FileSize:ten;0;41424344", 0, CR_MALFORMED, 1, NULL },
	{ "ldb Container", "t.ldb",
	    "L;Target:0,Container:CL_TYPE_ZIP;0;41424344", 1, NONE, 0, NULL },
	{ "ldb Container ANY", "t.ldb",
	    "L;Target:0,Container:CL_TYPE_ANY;0;41424344", 1, NONE, 0, NULL },
	{ "ldb Intermediates", "t.ldb",
	    "L;Target:0,Intermediates:CL_TYPE_ZIP>CL_TYPE_ANY;0;41424344", 1,
	    NONE, 0, NULL },
	{ "ldb IconGroup1", "t.ldb",
	    "L;Target:1,IconGroup1:DEMO;0;41424344", 0, CR_ICON, 0, NULL },
	{ "ldb unknown TDB key", "t.ldb", "L;Target:0,Bogus:1;0;41424344", 0,
	    CR_UNSUPPORTED, 0, NULL },
	{ "ldb TDB item without colon", "t.ldb", "L;Target:0,Bogus;0;41424344",
	    0, CR_MALFORMED, 1, NULL },
	{ "ldb pcre", "t.ldb",
	    "L;Engine:81-255,Target:0;0&1;41424344;0/abc\\x3Bdef/i", 0,
	    CR_PCRE, 0, NULL },
	{ "ldb pcre with offset", "t.ldb",
	    "L;Engine:81-255,Target:0;0&1;41424344;200,300:0/clamav/ge", 0,
	    CR_PCRE, 0, NULL },
	{ "ldb byte compare", "t.ldb",
	    "L;Engine:81-255,Target:0;0&1;41424344;0(>>5#hb2#=1)", 0,
	    CR_BYTECMP, 0, NULL },
	{ "ldb macro", "t.ldb", "L;Engine:51-255,Target:0;0&1;616161;"
	    "${6-7}12$", 0, CR_MACRO, 0, NULL },
	{ "ldb fuzzy image", "t.ldb", "L;Engine:150-255,Target:0;0&1;41424344"
	    ";fuzzy_img#af2ad01ed42993c7#0", 0, CR_FUZZY, 0, NULL },
	{ "ldb VI subsig", "t.ldb", "L;Target:1;0;VI:41424344", 0, CR_VI, 0,
	    NULL },
	{ "ldb subsig offset", "t.ldb", "L;Target:0;0;10:41424344", 1, NONE,
	    0, NULL },
	{ "ldb subsig EOF offset", "t.ldb", "L;Target:0;0;EOF-10,4:41424344",
	    1, NONE, 0, NULL },
	/* BUG: as for .ndb, ClamAV refuses EP offsets unless target 1/6/9 */
	{ "ldb subsig EP offset on target 0", "t.ldb",
	    "L;Target:0;0;EP+0:41424344", 0, CR_MALFORMED, 1,
	    "EP+n subsignature offset on target 0 is accepted" },
	{ "ldb subsig bad offset", "t.ldb", "L;Target:0;0;xyz:41424344", 0,
	    CR_MALFORMED, 1, NULL },
	{ "ldb modifiers iwfa", "t.ldb",
	    "L;Engine:81-255,Target:0;0;41424344::iwfa", 1, NONE, 0, NULL },
	{ "ldb offset and modifiers", "t.ldb",
	    "L;Engine:81-255,Target:0;0;10,5:41424344::i", 1, NONE, 0, NULL },
	{ "ldb unknown modifier", "t.ldb",
	    "L;Engine:81-255,Target:0;0;41424344::x", 0, CR_MALFORMED, 1,
	    NULL },
	{ "ldb five tokens: options ignored", "t.ldb",
	    "L;Engine:81-255,Target:0;0;616263::i*646566::i", 1, NONE, 0,
	    NULL },
	{ "ldb bad hex subsig", "t.ldb", "L;Target:0;0;4142434", 0,
	    CR_MALFORMED, 1, NULL },
	{ "ldb subsig no anchor", "t.ldb", "L;Target:0;0&1;41424344;41*42", 0,
	    CR_NOANCHOR, 0, NULL },
	{ "ldb 64 subsigs", "t.ldb", NULL, 1, NONE, 0, NULL },
	{ "ldb 65 subsigs", "t.ldb", NULL, 0, CR_MALFORMED, 1, NULL },
	/* kinds Vigil does not read */
	{ "mdb line", "t.mdb", "1024:" MD5_EICAR ":Sect", 0, CR_FILETYPE, 0,
	    NULL },
	{ "yara line", "t.yar", "rule x { condition: true }", 0, CR_FILETYPE,
	    0, NULL },
};

/* report - collect "file:line: msg" */
static void
report(void *arg, const char *file, unsigned long line, const char *msg)
{
	struct reports	*r = arg;
	size_t		 n = strlen(r->text);

	snprintf(r->text + n, sizeof(r->text) - n, "%s:%lu: %s\n", file, line,
	    msg);
	r->n++;
}

/* added - everything a source added to the cset */
static int
added(const struct cset_stats *st)
{
	int	 i, n = (int)(st->ndb + st->ldb + st->ignores);

	for (i = 0; i < 3; i++)
		n += (int)(st->hash[i] + st->fp[i]);
	return n;
}

/* nskipped - lines counted as skipped, all reasons */
static int
nskipped(const struct cset_stats *st)
{
	int	 i, n = 0;

	for (i = 0; i < CR_NREASONS; i++)
		n += (int)st->skipped[i];
	return n;
}

/*
 * bug_or_fail - a mismatch: a failure, or for a row marked with a known
 * engine bug, a message and a skip (so that the suite stays green while
 * the bug is open; the row passes by itself once it is fixed).
 */
static void
bug_or_fail(const char *bug, const char *fmt, ...)
{
	char	 msg[1024], *nl;
	va_list	 ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	for (nl = msg; (nl = strchr(nl, '\n')) != NULL; )
		*nl = ' ';
	if (bug != NULL) {
		print_message("# BUG: %s (%s)\n", bug, msg);
		skip();
	}
	fail_msg("%s", msg);
}

/* test_offset - one sigsrc_offset() row */
static void
test_offset(void **state)
{
	const struct offcase	*c = *state;
	struct sigoff		 o;
	const char		*why = NULL;
	int			 rc;

	memset(&o, 0xa5, sizeof(o));
	rc = sigsrc_offset(c->s, &o, &why);
	if (rc != c->rc)
		bug_or_fail(c->bug, "\"%s\": rc %d, want %d (%s)", c->s, rc,
		    c->rc, why ? why : "");
	if (rc == -1) {
		assert_non_null(why);
		return;
	}
	if (rc == 1)
		return;
	if (o.kind != c->kind || o.n != c->n || o.shift != c->shift ||
	    ((c->kind == OFF_SECT || c->kind == OFF_SE) && o.sect != c->sect))
		bug_or_fail(c->bug, "\"%s\": kind %u sect %u n %lld shift %u",
		    c->s, o.kind, o.sect, (long long)o.n, o.shift);
}

/* test_kind - one sigsrc_kind() row */
static void
test_kind(void **state)
{
	const struct kindcase	*c = *state;
	int			 k = sigsrc_kind(c->name);

	if (k != c->kind)
		fail_msg("\"%s\": kind %#x, want %#x", c->name, k, c->kind);
}

/* make_many - an .ldb line with n subsignatures, all required */
static char *
make_many(int n)
{
	char	*s, t[32];
	int	 i;

	s = malloc((size_t)n * 32 + 64);
	assert_non_null(s);
	strcpy(s, "L;Target:0;");
	for (i = 0; i < n; i++) {
		snprintf(t, sizeof(t), "%s%d", i ? "&" : "", i);
		strcat(s, t);
	}
	for (i = 0; i < n; i++) {
		snprintf(t, sizeof(t), ";4142%04x", i);
		strcat(s, t);
	}
	return s;
}

/* test_line - one source line through sigsrc_load_buffer() */
static void
test_line(void **state)
{
	const struct linecase	*c = *state;
	struct cset_opts	 o;
	struct cset		*cs;
	struct reports		 r;
	const struct cset_stats	*st;
	char			*text = NULL, want[256];
	int			 rc, n, ns;

	memset(&r, 0, sizeof(r));
	memset(&o, 0, sizeof(o));
	o.report = report;
	o.arg = &r;
	cs = cset_new(&o);
	assert_non_null(cs);
	if (c->text == NULL)
		text = make_many(strstr(c->name, "65") ? 65 : 64);
	rc = sigsrc_load_buffer(cs, c->file, (const uint8_t *)(text ? text :
	    c->text), strlen(text ? text : c->text));
	free(text);
	assert_int_equal(rc, 0);
	assert_false(cset_failed(cs));
	st = cset_stats(cs);
	assert_int_equal(st->lines, 1);
	n = added(st);
	ns = nskipped(st);
	if (n != c->added) {
		cset_free(cs);
		bug_or_fail(c->bug, "added %d, want %d; reports: %s", n,
		    c->added, r.text);
	}
	if (c->reason == NONE) {
		if (ns != 0) {
			cset_free(cs);
			bug_or_fail(c->bug, "%d skipped; reports: %s", ns,
			    r.text);
		}
	} else if (ns != 1 || st->skipped[c->reason] != 1) {
		int	 i;

		for (i = 0; i < CR_NREASONS; i++)
			if (st->skipped[i])
				print_message("# skipped[%s] = %llu\n",
				    cset_reason_str(i),
				    (unsigned long long)st->skipped[i]);
		cset_free(cs);
		bug_or_fail(c->bug, "want one skip for \"%s\"",
		    cset_reason_str(c->reason));
	}
	/* malformed lines, and only they, are reported (not verbose) */
	if (c->reason == CR_MALFORMED) {
		snprintf(want, sizeof(want), "%s:%lu: ", c->file, c->line);
		if (r.n != 1 || strncmp(r.text, want, strlen(want)) != 0) {
			cset_free(cs);
			fail_msg("reports \"%s\", want one starting \"%s\"",
			    r.text, want);
		}
		if (strlen(r.text) <= strlen(want) + 1)
			fail_msg("report without a reason: %s", r.text);
	} else if (r.n != 0) {
		cset_free(cs);
		fail_msg("unexpected report: %s", r.text);
	}
	cset_free(cs);
	if (c->bug != NULL)
		print_message("# known bug \"%s\" no longer reproduces\n",
		    c->bug);
}

/* test_report_lines - physical line numbers, the rest still compiles */
static void
test_report_lines(void **state)
{
	static const char src[] =
	    "# a comment\n"				/* 1 */
	    "\n"					/* 2 */
	    "Good.1:0:*:41424344\n"			/* 3 */
	    "Bad.1:0:*:4142434\n"			/* 4 */
	    "Good.2:0:*:45464748\n"			/* 5 */
	    "# another\n"				/* 6 */
	    "Bad.2:0:*:41(42\n"				/* 7 */
	    "Good.3:0:*:494a4b4c";			/* 8, no LF */
	struct cset_opts	 o;
	struct cset		*cs;
	struct reports		 r;
	const struct cset_stats	*st;
	uint8_t			*img;
	size_t			 size;

	(void)state;
	memset(&r, 0, sizeof(r));
	memset(&o, 0, sizeof(o));
	o.report = report;
	o.arg = &r;
	cs = cset_new(&o);
	assert_non_null(cs);
	assert_int_equal(sigsrc_load_buffer(cs, "db/x.ndb",
	    (const uint8_t *)src, strlen(src)), 0);
	st = cset_stats(cs);
	assert_int_equal(st->ndb, 3);
	assert_int_equal(st->skipped[CR_MALFORMED], 2);
	assert_int_equal(r.n, 2);
	assert_non_null(strstr(r.text, "db/x.ndb:4: "));
	assert_non_null(strstr(r.text, "db/x.ndb:7: "));
	assert_int_equal(st->files, 1);
	assert_false(cset_failed(cs));
	assert_int_equal(cset_build(cs, 1, "t", &img, &size), 0);
	free(img);
	cset_free(cs);
}

/* test_crlf_comments - CRLF, blank lines, comments, no final newline */
static void
test_crlf_comments(void **state)
{
	static const char src[] =
	    "#comment\r\n\r\nA:0:*:41424344\r\nB:0:*:45464748:51:255\r\n"
	    "";
	struct cset_opts	 o;
	struct cset		*cs;
	struct reports		 r;
	const struct cset_stats	*st;

	(void)state;
	memset(&r, 0, sizeof(r));
	memset(&o, 0, sizeof(o));
	o.report = report;
	o.arg = &r;
	cs = cset_new(&o);
	assert_non_null(cs);
	assert_int_equal(sigsrc_load_buffer(cs, "x.ndb", (const uint8_t *)src,
	    strlen(src)), 0);
	st = cset_stats(cs);
	assert_int_equal(st->ndb, 2);
	assert_int_equal(nskipped(st), 0);
	assert_int_equal(r.n, 0);
	cset_free(cs);
}

/* test_nul_byte - a NUL inside a line makes it malformed, only it */
static void
test_nul_byte(void **state)
{
	static const char src[] = "A:0:*:41424344\nB:0:*:4546\0004748\n"
	    "C:0:*:494a4b4c\n";
	struct cset_opts	 o;
	struct cset		*cs;
	struct reports		 r;

	(void)state;
	memset(&r, 0, sizeof(r));
	memset(&o, 0, sizeof(o));
	o.report = report;
	o.arg = &r;
	cs = cset_new(&o);
	assert_non_null(cs);
	assert_int_equal(sigsrc_load_buffer(cs, "x.ndb", (const uint8_t *)src,
	    sizeof(src) - 1), 0);
	assert_int_equal(cset_stats(cs)->ndb, 2);
	assert_int_equal(cset_stats(cs)->skipped[CR_MALFORMED], 1);
	assert_non_null(strstr(r.text, "x.ndb:2: "));
	cset_free(cs);
}

/* test_strict - a malformed line stops the load */
static void
test_strict(void **state)
{
	static const char src[] = "A:0:*:41424344\nB:0:*:zz\n"
	    "C:0:*:494a4b4c\n";
	static const char flv[] = "A:0:*:41424344\nB:0:*:zz:999\n"
	    "C:0:*:494a4b4c\n";
	struct cset_opts	 o;
	struct cset		*cs;
	struct reports		 r;

	(void)state;
	memset(&r, 0, sizeof(r));
	memset(&o, 0, sizeof(o));
	o.report = report;
	o.arg = &r;
	o.strict = 1;
	cs = cset_new(&o);
	assert_non_null(cs);
	errno = 0;
	assert_int_equal(sigsrc_load_buffer(cs, "x.ndb", (const uint8_t *)src,
	    strlen(src)), -1);
	assert_int_equal(errno, AV_ESYNTAX);
	assert_true(cset_failed(cs));
	assert_int_equal(cset_stats(cs)->ndb, 1);	/* C never loaded */
	assert_non_null(strstr(r.text, "x.ndb:2: "));
	/* a second source is not loaded either */
	assert_int_equal(sigsrc_load_buffer(cs, "y.ndb", (const uint8_t *)
	    "D:0:*:41424344\n", 15), -1);
	assert_int_equal(cset_stats(cs)->ndb, 1);
	cset_free(cs);

	/* skips that are not errors do not fail a strict load */
	memset(&r, 0, sizeof(r));
	cs = cset_new(&o);
	assert_non_null(cs);
	assert_int_equal(sigsrc_load_buffer(cs, "x.ndb", (const uint8_t *)flv,
	    strlen(flv)), 0);
	assert_false(cset_failed(cs));
	assert_int_equal(cset_stats(cs)->ndb, 2);
	assert_int_equal(cset_stats(cs)->skipped[CR_FLEVEL], 1);
	assert_int_equal(r.n, 0);
	cset_free(cs);

	/* without strict the same source loads what it can */
	o.strict = 0;
	memset(&r, 0, sizeof(r));
	cs = cset_new(&o);
	assert_non_null(cs);
	assert_int_equal(sigsrc_load_buffer(cs, "x.ndb", (const uint8_t *)src,
	    strlen(src)), 0);
	assert_false(cset_failed(cs));
	assert_int_equal(cset_stats(cs)->ndb, 2);
	cset_free(cs);
}

/* test_verbose - every skip is reported with its reason */
static void
test_verbose(void **state)
{
	static const char src[] = "A:0:*:41424344:0:38\nB:1:VI:41424344\n";
	struct cset_opts	 o;
	struct cset		*cs;
	struct reports		 r;

	(void)state;
	memset(&r, 0, sizeof(r));
	memset(&o, 0, sizeof(o));
	o.report = report;
	o.arg = &r;
	o.verbose = 1;
	cs = cset_new(&o);
	assert_non_null(cs);
	assert_int_equal(sigsrc_load_buffer(cs, "x.ndb", (const uint8_t *)src,
	    strlen(src)), 0);
	assert_int_equal(r.n, 2);
	assert_non_null(strstr(r.text, "x.ndb:1: "));
	assert_non_null(strstr(r.text, "x.ndb:2: "));
	cset_free(cs);
}

/* test_pua - .ndu and friends only with the pua option */
static void
test_pua(void **state)
{
	static const char ndu[] = "PUA.A:0:*:41424344\n";
	static const char hdu[] = MD5_EICAR ":68:PUA.H\n";
	struct cset_opts	 o;
	struct cset		*cs;

	(void)state;
	memset(&o, 0, sizeof(o));
	cs = cset_new(&o);
	assert_non_null(cs);
	assert_int_equal(sigsrc_load_buffer(cs, "x.ndu", (const uint8_t *)ndu,
	    strlen(ndu)), 0);
	assert_int_equal(sigsrc_load_buffer(cs, "x.hdu", (const uint8_t *)hdu,
	    strlen(hdu)), 0);
	assert_int_equal(cset_stats(cs)->ndb, 0);
	assert_int_equal(cset_stats(cs)->hash[0], 0);
	assert_int_equal(cset_stats(cs)->skipped[CR_PUA], 2);
	cset_free(cs);
	o.pua = 1;
	cs = cset_new(&o);
	assert_non_null(cs);
	assert_int_equal(sigsrc_load_buffer(cs, "x.ndu", (const uint8_t *)ndu,
	    strlen(ndu)), 0);
	assert_int_equal(sigsrc_load_buffer(cs, "x.hdu", (const uint8_t *)hdu,
	    strlen(hdu)), 0);
	assert_int_equal(cset_stats(cs)->ndb, 1);
	assert_int_equal(cset_stats(cs)->hash[0], 1);
	assert_int_equal(cset_stats(cs)->skipped[CR_PUA], 0);
	cset_free(cs);
}

/* test_unknown_kind - a name that is no database */
static void
test_unknown_kind(void **state)
{
	struct cset_opts	 o;
	struct cset		*cs;

	(void)state;
	memset(&o, 0, sizeof(o));
	cs = cset_new(&o);
	assert_non_null(cs);
	errno = 0;
	assert_int_equal(sigsrc_load_buffer(cs, "notes.txt",
	    (const uint8_t *)"A:0:*:41424344\n", 15), -1);
	assert_int_equal(errno, EINVAL);
	assert_int_equal(cset_stats(cs)->ndb, 0);
	/* an empty source loads nothing, and is no error */
	assert_int_equal(sigsrc_load_buffer(cs, "e.ndb", (const uint8_t *)"",
	    0), 0);
	cset_free(cs);
}

/* gzip_buf - gzip in into out; returns the length */
static size_t
gzip_buf(const uint8_t *in, size_t len, uint8_t *out, size_t cap)
{
	z_stream	 z;

	memset(&z, 0, sizeof(z));
	assert_int_equal(deflateInit2(&z, 6, Z_DEFLATED, 16 + 15, 8,
	    Z_DEFAULT_STRATEGY), Z_OK);
	z.next_in = (uint8_t *)(uintptr_t)in;
	z.avail_in = (uInt)len;
	z.next_out = out;
	z.avail_out = (uInt)cap;
	assert_int_equal(deflate(&z, Z_FINISH), Z_STREAM_END);
	deflateEnd(&z);
	return cap - z.avail_out;
}

/* test_gzip - NAME.gz is looked through; a broken one refused */
static void
test_gzip(void **state)
{
	static const char src[] = "A:0:*:41424344\nB:0:*:45464748\n";
	uint8_t			 gz[512];
	size_t			 n;
	struct cset_opts	 o;
	struct cset		*cs;
	struct reports		 r;

	(void)state;
	memset(&r, 0, sizeof(r));
	memset(&o, 0, sizeof(o));
	o.report = report;
	o.arg = &r;
	n = gzip_buf((const uint8_t *)src, strlen(src), gz, sizeof(gz));
	cs = cset_new(&o);
	assert_non_null(cs);
	assert_int_equal(sigsrc_load_buffer(cs, "x.ndb.gz", gz, n), 0);
	assert_int_equal(cset_stats(cs)->ndb, 2);
	/* truncated */
	errno = 0;
	assert_int_equal(sigsrc_load_buffer(cs, "y.ndb.gz", gz, n / 2), -1);
	assert_int_equal(errno, AV_EGZIP);
	/* not gzip at all */
	errno = 0;
	assert_int_equal(sigsrc_load_buffer(cs, "z.ndb.gz",
	    (const uint8_t *)src, strlen(src)), -1);
	assert_int_equal(errno, AV_EGZIP);
	assert_int_equal(cset_stats(cs)->ndb, 2);
	cset_free(cs);
}

/* tar_add - append a ustar member (or, with name NULL, the end) */
static size_t
tar_add(uint8_t *tar, size_t off, const char *name, const char *data)
{
	uint8_t		*h = tar + off;
	size_t		 len, i;
	unsigned	 sum = 0;

	if (name == NULL) {
		memset(h, 0, 1024);
		return off + 1024;
	}
	len = strlen(data);
	memset(h, 0, 512);
	snprintf((char *)h, 100, "%s", name);
	memcpy(h + 100, "0000644", 7);
	memcpy(h + 108, "0000000", 7);
	memcpy(h + 116, "0000000", 7);
	assert_true(len < 0x40000000);
	snprintf((char *)h + 124, 12, "%011o", (unsigned)len);
	memcpy(h + 136, "00000000000", 11);
	memset(h + 148, ' ', 8);
	h[156] = '0';
	memcpy(h + 257, "ustar", 6);
	memcpy(h + 263, "00", 2);
	for (i = 0; i < 512; i++)
		sum += h[i];
	snprintf((char *)h + 148, 8, "%06o", sum);
	h[155] = ' ';
	memset(h + 512, 0, (len + 511) / 512 * 512);
	memcpy(h + 512, data, len);
	return off + 512 + (len + 511) / 512 * 512;
}

/* md5_hex - lowercase hex MD5 */
static void
md5_hex(const uint8_t *p, size_t n, char *out)
{
	unsigned char	 d[EVP_MAX_MD_SIZE];
	unsigned int	 dl = 0, i;

	assert_int_equal(EVP_Digest(p, n, d, &dl, EVP_md5(), NULL), 1);
	for (i = 0; i < dl; i++)
		sprintf(out + 2 * i, "%02x", d[i]);
}

/* make_cvd - a CVD header for body (already gzip'd or a plain tar) */
static size_t
make_cvd(uint8_t *out, size_t cap, const uint8_t *body, size_t len)
{
	char	 md5[33];
	int	 n;

	assert_true(cap >= 512 + len);
	md5_hex(body, len, md5);
	memset(out, ' ', 512);
	n = snprintf((char *)out, 512, "ClamAV-VDB:22 Jun 2021 14-58 -0400:"
	    "7:3:90:%s:ttQeKzAbCdEf:tester:1624388302", md5);
	out[n] = ' ';
	memcpy(out + 512, body, len);
	return 512 + len;
}

/* test_containers - CVD (gzip'd tar) and CLD (plain tar) */
static void
test_containers(void **state)
{
	uint8_t			*tar, *gz, *cvd;
	size_t			 tl, gl, cl;
	struct cset_opts	 o;
	struct cset		*cs;
	struct reports		 r;
	const struct cset_stats	*st;

	(void)state;
	tar = calloc(1, 16384);
	gz = calloc(1, 16384);
	cvd = calloc(1, 32768);
	assert_non_null(tar);
	assert_non_null(gz);
	assert_non_null(cvd);
	tl = tar_add(tar, 0, "COPYING", "GPL\n");
	tl = tar_add(tar, tl, "test.info", "ClamAV-VDB:x\n");
	tl = tar_add(tar, tl, "test.ndb",
	    "A:0:*:41424344\nBad:0:*:414\nB:0:*:45464748:0:38\n");
	tl = tar_add(tar, tl, "test.hdb", MD5_EICAR ":68:Eicar\n");
	tl = tar_add(tar, tl, "test.mdb", "1:" MD5_EICAR ":X\n");
	tl = tar_add(tar, tl, NULL, NULL);
	gl = gzip_buf(tar, tl, gz, 16384);

	memset(&r, 0, sizeof(r));
	memset(&o, 0, sizeof(o));
	o.report = report;
	o.arg = &r;
	cs = cset_new(&o);
	assert_non_null(cs);
	cl = make_cvd(cvd, 32768, gz, gl);
	assert_int_equal(sigsrc_load_buffer(cs, "main.cvd", cvd, cl), 0);
	st = cset_stats(cs);
	assert_int_equal(st->ndb, 1);
	assert_int_equal(st->hash[0], 1);
	assert_int_equal(st->skipped[CR_MALFORMED], 1);
	assert_int_equal(st->skipped[CR_FLEVEL], 1);
	assert_int_equal(st->skipped[CR_FILETYPE], 1);
	/* reported as container:member:line */
	assert_non_null(strstr(r.text, "main.cvd:test.ndb:2: "));
	cset_free(cs);

	/* the same as a CLD with a plain tar */
	memset(&r, 0, sizeof(r));
	cs = cset_new(&o);
	assert_non_null(cs);
	cl = make_cvd(cvd, 32768, tar, tl);
	assert_int_equal(sigsrc_load_buffer(cs, "daily.cld", cvd, cl), 0);
	assert_int_equal(cset_stats(cs)->ndb, 1);
	assert_non_null(strstr(r.text, "daily.cld:test.ndb:2: "));
	cset_free(cs);

	/* a wrong MD5 refuses the whole container */
	cs = cset_new(&o);
	assert_non_null(cs);
	cl = make_cvd(cvd, 32768, gz, gl);
	cvd[cl - 1] ^= 1;
	errno = 0;
	assert_int_equal(sigsrc_load_buffer(cs, "main.cvd", cvd, cl), -1);
	assert_int_equal(errno, AV_ECVDMD5);
	assert_int_equal(cset_stats(cs)->ndb, 0);
	cset_free(cs);

	/* a truncated one too */
	cs = cset_new(&o);
	assert_non_null(cs);
	assert_int_equal(sigsrc_load_buffer(cs, "main.cvd", cvd, 300), -1);
	cset_free(cs);
	free(tar);
	free(gz);
	free(cvd);
}

/* test_sigsrc_line - the fuzzers' entry: one line of a given kind */
static void
test_sigsrc_line(void **state)
{
	struct cset_opts	 o;
	struct cset		*cs;
	char			 a[] = "A:0:*:41424344";
	char			 b[] = "L;Target:0;0;41424344";
	char			 c[] = MD5_EICAR ":68:E";
	char			 d[] = "whatever";

	(void)state;
	memset(&o, 0, sizeof(o));
	cs = cset_new(&o);
	assert_non_null(cs);
	assert_int_equal(sigsrc_line(cs, SRC_NDB, "f", 1, a), 0);
	assert_int_equal(sigsrc_line(cs, SRC_LDB, "f", 2, b), 0);
	assert_int_equal(sigsrc_line(cs, SRC_HDB, "f", 3, c), 0);
	assert_int_equal(sigsrc_line(cs, SRC_OTHER, "f", 4, d), 0);
	assert_int_equal(cset_stats(cs)->ndb, 1);
	assert_int_equal(cset_stats(cs)->ldb, 1);
	assert_int_equal(cset_stats(cs)->hash[0], 1);
	assert_int_equal(cset_stats(cs)->skipped[CR_FILETYPE], 1);
	assert_int_equal(cset_stats(cs)->lines, 4);
	cset_free(cs);
}

/* test_flevel_option - cset_opts.flevel moves the engine level */
static void
test_flevel_option(void **state)
{
	static const char src[] = "A:0:*:41424344:100\nB:0:*:45464748:0:90\n"
	    "L;Engine:81-99,Target:0;0;494a4b4c\n";
	struct cset_opts	 o;
	struct cset		*cs;

	(void)state;
	memset(&o, 0, sizeof(o));
	o.flevel = 95;
	cs = cset_new(&o);
	assert_non_null(cs);
	assert_int_equal(cset_flevel(cs), 95);
	assert_int_equal(sigsrc_load_buffer(cs, "x.ndb", (const uint8_t *)src,
	    strchr(src, 'L') - src), 0);
	assert_int_equal(sigsrc_load_buffer(cs, "x.ldb", (const uint8_t *)
	    strchr(src, 'L'), strlen(strchr(src, 'L'))), 0);
	assert_int_equal(cset_stats(cs)->ndb, 0);
	assert_int_equal(cset_stats(cs)->ldb, 1);
	assert_int_equal(cset_stats(cs)->skipped[CR_FLEVEL], 2);
	cset_free(cs);
	o.flevel = 0;
	cs = cset_new(&o);
	assert_non_null(cs);
	assert_int_equal(cset_flevel(cs), VIGIL_FLEVEL);
	cset_free(cs);
}

int
main(void)
{
	struct CMUnitTest	*t;
	size_t			 n = 0, i;
	int			 rc;

	t = calloc(nitems(offcases) + nitems(kindcases) + nitems(linecases) +
	    16, sizeof(*t));
	if (t == NULL)
		return 1;
	for (i = 0; i < nitems(offcases); i++) {
		t[n].name = offcases[i].s;
		t[n].test_func = test_offset;
		t[n++].initial_state = (void *)&offcases[i];
	}
	for (i = 0; i < nitems(kindcases); i++) {
		t[n].name = kindcases[i].name[0] ? kindcases[i].name :
		    "(empty name)";
		t[n].test_func = test_kind;
		t[n++].initial_state = (void *)&kindcases[i];
	}
	for (i = 0; i < nitems(linecases); i++) {
		t[n].name = linecases[i].name;
		t[n].test_func = test_line;
		t[n++].initial_state = (void *)&linecases[i];
	}
	t[n].name = "report line numbers";
	t[n++].test_func = test_report_lines;
	t[n].name = "CRLF and comments";
	t[n++].test_func = test_crlf_comments;
	t[n].name = "NUL byte in a line";
	t[n++].test_func = test_nul_byte;
	t[n].name = "strict";
	t[n++].test_func = test_strict;
	t[n].name = "verbose";
	t[n++].test_func = test_verbose;
	t[n].name = "PUA databases";
	t[n++].test_func = test_pua;
	t[n].name = "unknown kind";
	t[n++].test_func = test_unknown_kind;
	t[n].name = "gzip";
	t[n++].test_func = test_gzip;
	t[n].name = "CVD and CLD containers";
	t[n++].test_func = test_containers;
	t[n].name = "sigsrc_line";
	t[n++].test_func = test_sigsrc_line;
	t[n].name = "flevel option";
	t[n++].test_func = test_flevel_option;
	rc = _cmocka_run_group_tests("sigsrc", t, n, NULL, NULL);
	free(t);
	return rc;
}
