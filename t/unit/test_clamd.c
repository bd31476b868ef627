/*
 * test_clamd.c - unit tests for daemon/clamd.c
 *
 * The parser is driven by tables of raw client bytes and the events they
 * must give, written as a log ("PING z 0 0 last": event, framing z/n/o,
 * request id, reply terminator 0 or n, whether it is the last; a path in
 * brackets, INSTREAM data merged in <>, an error's reply text in <>).
 * Every row is fed whole, split in two at every byte boundary, and one
 * byte at a time, and must give the same log each time.  Every command
 * is tried in the three framings by a generated table.  Replies are
 * checked byte for byte against what clamd 1.4.6 sends (the reference:
 * ../shared/reference/signatures-and-clamd.md section 3), and so are
 * the replies of the protocol errors, the verdict mapping, VERSION and
 * STATS.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "av/verdict.h"
#include "daemon/clamd.h"
#include "util/buf.h"

#define nitems(a)	(sizeof(a) / sizeof((a)[0]))
#define S(x)		x, sizeof(x) - 1
#define PRODUCT		"ClamAV 1.4.6-Vigil-" VIGIL_VERSION

/* a stream of raw bytes and the event log it must give */
struct pcase {
	const char	*name;
	const char	*in;
	size_t		 inlen;
	int		 eop;		/* call clamd_eop() at the end */
	uint64_t	 maxstream;
	const char	*want;
};

static const struct pcase pcases[] = {
	/* framing details */
	{ "n: CRLF chomped", S("nPING\r\n"), 0, 0, "PING n 0 n last\n" },
	{ "z: newline not chomped", S("zPING\n\0"), 0, 0,
	    "ERROR z 0 0 last <UNKNOWN COMMAND>\n" },
	{ "old: CRLF chomped", S("PING\r\n"), 0, 0, "PING o 0 n last\n" },
	{ "old: freshclam RELOAD NUL", S("RELOAD\0"), 0, 0,
	    "RELOAD o 0 n last\n" },
	{ "old: Exim SCAN", S("SCAN /var/spool/exim/scan/1abc/1abc.eml\n"),
	    0, 0, "SCAN o 0 n last [/var/spool/exim/scan/1abc/1abc.eml]\n" },
	{ "old: amavisd CONTSCAN", S("CONTSCAN /var/lib/amavis/tmp/p1\n"), 0,
	    0, "CONTSCAN o 0 n last [/var/lib/amavis/tmp/p1]\n" },
	{ "old: clamsmtp SCAN, no terminator", S("SCAN /tmp/clamsmtp.x"), 1,
	    0, "SCAN o 0 n last [/tmp/clamsmtp.x]\n" },
	{ "old: no terminator, no eop", S("PING"), 0, 0, "" },
	{ "old: rest of the packet ignored", S("PING\nVERSION\n"), 0, 0,
	    "PING o 0 n last\n" },
	{ "one command per connection", S("zPING\0zVERSION\0"), 0, 0,
	    "PING z 0 0 last\n" },
	{ "path with spaces and newline (z)", S("zSCAN /a b\nc\0"), 0, 0,
	    "SCAN z 0 0 last [/a b\nc]\n" },
	{ "path empty", S("zSCAN \0"), 0, 0, "SCAN z 0 0 last []\n" },
	{ "path relative kept", S("nSCAN tmp/x\n"), 0, 0,
	    "SCAN n 0 n last [tmp/x]\n" },
	/* malformed */
	{ "unknown", S("zFOO\0"), 0, 0,
	    "ERROR z 0 0 last <UNKNOWN COMMAND>\n" },
	{ "unknown n", S("nFOO\n"), 0, 0,
	    "ERROR n 0 n last <UNKNOWN COMMAND>\n" },
	{ "SCAN without argument", S("zSCAN\0"), 0, 0,
	    "ERROR z 0 0 last <UNKNOWN COMMAND>\n" },
	{ "SCAN without space", S("zSCAN/x\0"), 0, 0,
	    "ERROR z 0 0 last <UNKNOWN COMMAND>\n" },
	{ "trailing garbage", S("zPINGX\0"), 0, 0,
	    "ERROR z 0 0 last <UNKNOWN COMMAND>\n" },
	{ "trailing space", S("zPING \0"), 0, 0,
	    "ERROR z 0 0 last <UNKNOWN COMMAND>\n" },
	{ "lowercase", S("zping\0"), 0, 0,
	    "ERROR z 0 0 last <UNKNOWN COMMAND>\n" },
	{ "empty z", S("z\0"), 0, 0, "ERROR z 0 0 last <UNKNOWN COMMAND>\n" },
	{ "empty old", S("\n"), 0, 0, "ERROR o 0 n last <UNKNOWN COMMAND>\n" },
	{ "NUL inside n command", S("nSCAN /a\0b\n"), 0, 0,
	    "ERROR n 0 n last <UNKNOWN COMMAND>\n" },
	{ "END outside a session", S("zEND\0"), 0, 0,
	    "ERROR z 0 0 last <UNKNOWN COMMAND>\n" },
	{ "removed STREAM", S("zSTREAM\0"), 0, 0,
	    "ERROR z 0 0 last <UNKNOWN COMMAND>\n" },
	{ "removed SESSION", S("nSESSION\n"), 0, 0,
	    "ERROR n 0 n last <UNKNOWN COMMAND>\n" },
	{ "OPTSCAN (not in 1.4.6)", S("zOPTSCAN ALLMATCH /x\0"), 0, 0,
	    "ERROR z 0 0 last <UNKNOWN COMMAND>\n" },
	{ "binary garbage", S("\xff\xfe\x01\x02\n"), 0, 0,
	    "ERROR o 0 n last <UNKNOWN COMMAND>\n" },
	{ "word starting with n", S("nonsense\n"), 0, 0,
	    "ERROR n 0 n last <UNKNOWN COMMAND>\n" },
	{ "input after an error ignored", S("zFOO\0zPING\0"), 0, 0,
	    "ERROR z 0 0 last <UNKNOWN COMMAND>\n" },
	/* INSTREAM */
	{ "instream: one chunk", S("zINSTREAM\0\0\0\0\5hello\0\0\0\0"), 0, 0,
	    "INSTREAM z 0 0\nDATA z 0 0 <hello>\nSTREAM_END z 0 0 last\n" },
	{ "instream: n framing", S("nINSTREAM\n\0\0\0\2ab\0\0\0\0"), 0, 0,
	    "INSTREAM n 0 n\nDATA n 0 n <ab>\nSTREAM_END n 0 n last\n" },
	{ "instream: 1-byte chunks", S("zINSTREAM\0\0\0\0\1a\0\0\0\1b"
	    "\0\0\0\1c\0\0\0\0"), 0, 0,
	    "INSTREAM z 0 0\nDATA z 0 0 <abc>\nSTREAM_END z 0 0 last\n" },
	{ "instream: zero-length stream", S("zINSTREAM\0\0\0\0\0"), 0, 0,
	    "INSTREAM z 0 0\nSTREAM_END z 0 0 last\n" },
	{ "instream: binary data with NUL and newline",
	    S("zINSTREAM\0\0\0\0\4\0\n\0z\0\0\0\0"), 0, 0,
	    "INSTREAM z 0 0\nDATA z 0 0 <^@\n^@z>\nSTREAM_END z 0 0 last\n" },
	{ "instream: unfinished", S("zINSTREAM\0\0\0\0\5hel"), 0, 0,
	    "INSTREAM z 0 0\nDATA z 0 0 <hel>\n" },
	{ "instream: bytes after the end ignored",
	    S("zINSTREAM\0\0\0\0\1x\0\0\0\0zPING\0"), 0, 0,
	    "INSTREAM z 0 0\nDATA z 0 0 <x>\nSTREAM_END z 0 0 last\n" },
	{ "instream: limit exactly", S("zINSTREAM\0\0\0\0\4abcd\0\0\0\6"
	    "efghij\0\0\0\0"), 0, 10,
	    "INSTREAM z 0 0\nDATA z 0 0 <abcdefghij>\n"
	    "STREAM_END z 0 0 last\n" },
	{ "instream: limit over by one", S("zINSTREAM\0\0\0\0\4abcd\0\0\0\7"
	    "efghijk\0\0\0\0"), 0, 10,
	    "INSTREAM z 0 0\nDATA z 0 0 <abcd>\n"
	    "ERROR z 0 0 last <INSTREAM size limit exceeded. ERROR>\n" },
	{ "instream: one chunk over", S("nINSTREAM\n\0\0\0\13abcdefghijk"), 0,
	    10, "INSTREAM n 0 n\n"
	    "ERROR n 0 n last <INSTREAM size limit exceeded. ERROR>\n" },
	{ "instream: 4 GB chunk, default limit",
	    S("zINSTREAM\0\xff\xff\xff\xff"), 0, 0, "INSTREAM z 0 0\n"
	    "ERROR z 0 0 last <INSTREAM size limit exceeded. ERROR>\n" },
	{ "instream: old style refused", S("INSTREAM\n\0\0\0\0"), 0, 0,
	    "ERROR o 0 n last <UNKNOWN COMMAND>\n" },
	/* FILDES */
	{ "fildes: z and its byte", S("zFILDES\0\0"), 0, 0,
	    "FILDES z 0 0 last\n" },
	{ "fildes: n, milter", S("nFILDES\nx"), 0, 0, "FILDES n 0 n last\n" },
	{ "fildes: waiting for the byte", S("zFILDES\0"), 0, 0, "" },
	/* IDSESSION */
	{ "session: numbering", S("zIDSESSION\0zPING\0zVERSION\0zSCAN /x\0"
	    "zEND\0"), 0, 0, "IDSESSION z 0 0\nPING z 1 0\nVERSION z 2 0\n"
	    "SCAN z 3 0 [/x]\nEND z 4 0 last\n" },
	{ "session: clamdtop", S("nIDSESSION\nnVERSION\nnSTATS\nnEND\n"), 0,
	    0, "IDSESSION n 0 n\nVERSION n 1 n\nSTATS n 2 n\n"
	    "END n 3 n last\n" },
	{ "session: each command keeps its framing",
	    S("zIDSESSION\0nPING\nzVERSIONCOMMANDS\0zEND\0"), 0, 0,
	    "IDSESSION z 0 0\nPING n 1 n\nVERSIONCOMMANDS z 2 0\n"
	    "END z 3 0 last\n" },
	{ "session: streams and descriptors", S("zIDSESSION\0"
	    "zINSTREAM\0\0\0\0\2ab\0\0\0\0zFILDES\0\0"
	    "zINSTREAM\0\0\0\0\0zPING\0zEND\0"), 0, 0,
	    "IDSESSION z 0 0\nINSTREAM z 1 0\nDATA z 1 0 <ab>\n"
	    "STREAM_END z 1 0\nFILDES z 2 0\nINSTREAM z 3 0\n"
	    "STREAM_END z 3 0\nPING z 4 0\nEND z 5 0 last\n" },
	{ "session: limit in a session", S("zIDSESSION\0zPING\0"
	    "zINSTREAM\0\0\0\0\5abcde"), 0, 4, "IDSESSION z 0 0\nPING z 1 0\n"
	    "INSTREAM z 2 0\n"
	    "ERROR z 2 0 last <INSTREAM size limit exceeded. ERROR>\n" },
	{ "session: old style refused", S("zIDSESSION\0zPING\0PING\n"), 0, 0,
	    "IDSESSION z 0 0\nPING z 1 0\nERROR o 2 0 last <Only nCMDS\\n and "
	    "zCMDS\\0 are accepted inside IDSESSION. ERROR>\n" },
	{ "session: CONTSCAN invalid", S("nIDSESSION\nnCONTSCAN /x\n"), 0, 0,
	    "IDSESSION n 0 n\n"
	    "ERROR n 1 n last <Command invalid inside IDSESSION. ERROR>\n" },
	{ "session: MULTISCAN invalid", S("zIDSESSION\0zMULTISCAN /x\0"), 0, 0,
	    "IDSESSION z 0 0\n"
	    "ERROR z 1 0 last <Command invalid inside IDSESSION. ERROR>\n" },
	{ "session: ALLMATCHSCAN invalid", S("zIDSESSION\0zALLMATCHSCAN /x\0"),
	    0, 0, "IDSESSION z 0 0\n"
	    "ERROR z 1 0 last <Command invalid inside IDSESSION. ERROR>\n" },
	{ "session: RELOAD invalid", S("zIDSESSION\0zPING\0zRELOAD\0"), 0, 0,
	    "IDSESSION z 0 0\nPING z 1 0\n"
	    "ERROR z 2 0 last <Command invalid inside IDSESSION. ERROR>\n" },
	{ "session: SHUTDOWN invalid", S("zIDSESSION\0zSHUTDOWN\0"), 0, 0,
	    "IDSESSION z 0 0\n"
	    "ERROR z 1 0 last <Command invalid inside IDSESSION. ERROR>\n" },
	{ "session: nested IDSESSION invalid", S("zIDSESSION\0zIDSESSION\0"),
	    0, 0, "IDSESSION z 0 0\n"
	    "ERROR z 1 0 last <Command invalid inside IDSESSION. ERROR>\n" },
	/* clamd 1.4.6 answers so (t/integ/63-clamd-diff.t compares) */
	{ "session: unknown", S("zIDSESSION\0zPING\0zFOO\0"), 0, 0,
	    "IDSESSION z 0 0\nPING z 1 0\n"
	    "ERROR z 2 0 last <Command invalid inside IDSESSION. ERROR>\n" },
	{ "session: input after END ignored", S("zIDSESSION\0zEND\0zPING\0"),
	    0, 0, "IDSESSION z 0 0\nEND z 1 0 last\n" },
	{ "session: old style IDSESSION refused", S("IDSESSION\n"), 0, 0,
	    "ERROR o 0 n last <UNKNOWN COMMAND>\n" },
	{ "session: old style after eop", S("zIDSESSION\0PING"), 1, 0,
	    "IDSESSION z 0 0\nERROR o 1 0 last <Only nCMDS\\n and "
	    "zCMDS\\0 are accepted inside IDSESSION. ERROR>\n" },
};

/* one command in the three framings */
static const struct ccase {
	const char	*cmd;		/* with its argument */
	const char	*ev;		/* the event */
	const char	*arg;		/* the path, or NULL */
	int		 old;		/* allowed unprefixed */
	const char	*tail;		/* bytes after the command */
	size_t		 taillen;
	int		 more;		/* INSTREAM: the stream's log follows */
} ccases[] = {
	{ "PING", "PING", NULL, 1, S(""), 0 },
	{ "VERSION", "VERSION", NULL, 1, S(""), 0 },
	{ "VERSIONCOMMANDS", "VERSIONCOMMANDS", NULL, 0, S(""), 0 },
	{ "RELOAD", "RELOAD", NULL, 1, S(""), 0 },
	{ "SHUTDOWN", "SHUTDOWN", NULL, 1, S(""), 0 },
	{ "QUIT", "SHUTDOWN", NULL, 1, S(""), 0 },
	{ "STATS", "STATS", NULL, 1, S(""), 0 },
	{ "DETSTATS", "NOOP", NULL, 1, S(""), 0 },
	{ "DETSTATSCLEAR", "NOOP", NULL, 1, S(""), 0 },
	{ "SCAN /tmp/eicar.com", "SCAN", "/tmp/eicar.com", 1, S(""), 0 },
	{ "CONTSCAN /var/tmp/d", "CONTSCAN", "/var/tmp/d", 1, S(""), 0 },
	{ "MULTISCAN /srv", "MULTISCAN", "/srv", 1, S(""), 0 },
	{ "ALLMATCHSCAN /f", "ALLMATCHSCAN", "/f", 0, S(""), 0 },
	{ "FILDES", "FILDES", NULL, 1, S("\0"), 0 },
	{ "INSTREAM", "INSTREAM", NULL, 0, S("\0\0\0\3abc\0\0\0\0"), 1 },
	{ "IDSESSION", "IDSESSION", NULL, 0, S(""), 0 },
	{ "END", NULL, NULL, 0, S(""), 0 },
};

/* a reply built by one function */
enum rkind {
	R_TEXT,
	R_OK,
	R_FOUND,
	R_ERROR,
	R_NOTSCANNED,
	R_DIREND
};

static const struct rcase {
	const char	*name;
	enum rkind	 kind;
	uint32_t	 id;
	char		 term;
	const char	*path;
	const char	*text;
	unsigned	 ninf, nerr;	/* R_DIREND */
	const char	*want;
	size_t		 wantlen;
} rcases[] = {
	{ "PONG z", R_TEXT, 0, '\0', NULL, "PONG", 0, 0, S("PONG\0") },
	{ "PONG n", R_TEXT, 0, '\n', NULL, "PONG", 0, 0, S("PONG\n") },
	{ "PONG session", R_TEXT, 1, '\0', NULL, "PONG", 0, 0, S("1: PONG\0") },
	{ "RELOADING", R_TEXT, 0, '\0', NULL, "RELOADING", 0, 0,
	    S("RELOADING\0") },
	{ "COMMAND UNAVAILABLE", R_TEXT, 0, '\n', NULL, "COMMAND UNAVAILABLE",
	    0, 0, S("COMMAND UNAVAILABLE\n") },
	{ "OK path", R_OK, 0, '\0', "/abs/file", NULL, 0, 0,
	    S("/abs/file: OK\0") },
	{ "OK stream", R_OK, 0, '\n', "stream", NULL, 0, 0, S("stream: OK\n") },
	{ "OK session", R_OK, 12, '\n', "/d", NULL, 0, 0, S("12: /d: OK\n") },
	{ "FOUND path", R_FOUND, 0, '\0', "/abs/file",
	    "Test.EICAR.NDB.UNOFFICIAL", 0, 0,
	    S("/abs/file: Test.EICAR.NDB.UNOFFICIAL FOUND\0") },
	{ "FOUND stream session", R_FOUND, 3, '\0', "stream", "Eicar-Test",
	    0, 0, S("3: stream: Eicar-Test FOUND\0") },
	{ "FOUND fd", R_FOUND, 0, '\n', "fd[12]", "Eicar-Test", 0, 0,
	    S("fd[12]: Eicar-Test FOUND\n") },
	{ "ERROR path", R_ERROR, 0, '\0', "/nonexistent",
	    "File path check failure: No such file or directory.", 0, 0,
	    S("/nonexistent: File path check failure: No such file or "
	    "directory. ERROR\0") },
	{ "ERROR no path", R_ERROR, 0, '\n', NULL,
	    "No file descriptor received.", 0, 0,
	    S("No file descriptor received. ERROR\n") },
	{ "ERROR session", R_ERROR, 4, '\0', NULL,
	    "No file descriptor received.", 0, 0,
	    S("4: No file descriptor received. ERROR\0") },
	{ "not scanned: crash", R_NOTSCANNED, 0, '\0', "stream",
	    "terminated; signal 11", 0, 0,
	    S("stream: Not scanned (terminated; signal 11). ERROR\0") },
	{ "not scanned: colon", R_NOTSCANNED, 2, '\n', "/m.eml",
	    "limit: recursion", 0, 0,
	    S("2: /m.eml: Not scanned (limit, recursion). ERROR\n") },
	{ "not scanned: no reason", R_NOTSCANNED, 0, '\n', "stream", "", 0, 0,
	    S("stream: Not scanned (unknown). ERROR\n") },
	{ "control bytes in a path", R_OK, 0, '\n', "/tmp/a\nb\rc\x7f", NULL,
	    0, 0, S("/tmp/a?b?c?: OK\n") },
	{ "control bytes in a name", R_FOUND, 0, '\0', "stream", "A\tB\x01",
	    0, 0, S("stream: A?B? FOUND\0") },
	{ "UTF-8 path kept", R_OK, 0, '\0', "/tmp/\xc3\xa9t\xc3\xa9", NULL, 0,
	    0, S("/tmp/\xc3\xa9t\xc3\xa9: OK\0") },
	{ "dir end: clean", R_DIREND, 0, '\0', "/dir", NULL, 0, 0,
	    S("/dir: OK\0") },
	{ "dir end: infected", R_DIREND, 0, '\0', "/dir", NULL, 1, 0, S("") },
	{ "dir end: an error", R_DIREND, 0, '\0', "/dir", NULL, 0, 1, S("") },
};

/* the log of events */
struct log {
	struct buf	 b;
	int		 indata;
};

static const char *const evname[] = {
	[CLAMD_EV_NONE] = "NONE",
	[CLAMD_EV_PING] = "PING",
	[CLAMD_EV_VERSION] = "VERSION",
	[CLAMD_EV_VERSIONCOMMANDS] = "VERSIONCOMMANDS",
	[CLAMD_EV_RELOAD] = "RELOAD",
	[CLAMD_EV_SHUTDOWN] = "SHUTDOWN",
	[CLAMD_EV_SCAN] = "SCAN",
	[CLAMD_EV_CONTSCAN] = "CONTSCAN",
	[CLAMD_EV_MULTISCAN] = "MULTISCAN",
	[CLAMD_EV_ALLMATCHSCAN] = "ALLMATCHSCAN",
	[CLAMD_EV_INSTREAM] = "INSTREAM",
	[CLAMD_EV_DATA] = "DATA",
	[CLAMD_EV_STREAM_END] = "STREAM_END",
	[CLAMD_EV_FILDES] = "FILDES",
	[CLAMD_EV_STATS] = "STATS",
	[CLAMD_EV_IDSESSION] = "IDSESSION",
	[CLAMD_EV_END] = "END",
	[CLAMD_EV_NOOP] = "NOOP",
	[CLAMD_EV_ERROR] = "ERROR",
};

/* log_data - stream bytes into the log, NUL written as "^@" */
static void
log_data(struct log *l, const struct clamd_ev *ev)
{
	size_t	 i;

	for (i = 0; i < ev->len; i++)
		if (ev->data[i] == '\0')
			buf_add(&l->b, "^@", 2);
		else
			buf_add(&l->b, ev->data + i, 1);
}

/* log_add - one event into the log */
static void
log_add(struct log *l, const struct clamd_ev *ev)
{
	char	 s[128];
	int	 n;

	if (ev->type == CLAMD_EV_DATA && l->indata) {
		log_data(l, ev);
		return;
	}
	if (l->indata) {
		buf_add(&l->b, ">\n", 2);
		l->indata = 0;
	}
	n = snprintf(s, sizeof(s), "%s %c %u %c%s", evname[ev->type],
	    ev->frame == CLAMD_FRAME_Z ? 'z' : ev->frame == CLAMD_FRAME_N ?
	    'n' : ev->frame == CLAMD_FRAME_OLD ? 'o' : '-',
	    (unsigned)ev->tag.id, ev->tag.term == '\0' ? '0' :
	    ev->tag.term == '\n' ? 'n' : '?', ev->last ? " last" : "");
	buf_add(&l->b, s, (size_t)n);
	if (ev->type == CLAMD_EV_DATA) {
		assert_true(ev->len > 0);
		buf_add(&l->b, " <", 2);
		log_data(l, ev);
		l->indata = 1;
		return;
	}
	if (ev->arg != NULL) {
		assert_int_equal(strlen(ev->arg), ev->arglen);
		buf_add(&l->b, " [", 2);
		buf_add(&l->b, ev->arg, ev->arglen);
		buf_add(&l->b, "]", 1);
	}
	if (ev->type == CLAMD_EV_ERROR) {
		assert_non_null(ev->msg);
		buf_add(&l->b, " <", 2);
		buf_add(&l->b, ev->msg, strlen(ev->msg));
		buf_add(&l->b, ">", 1);
	}
	buf_add(&l->b, "\n", 1);
}

/* feed - one piece, all of it, every event logged */
static void
feed(struct clamd *c, const uint8_t *p, size_t len, struct log *l)
{
	struct clamd_ev	 ev;
	size_t		 n;

	while (len > 0) {
		n = clamd_feed(c, p, len, &ev);
		assert_true(n > 0 && n <= len);
		if (ev.type == CLAMD_EV_NONE)
			assert_int_equal(n, len);
		else if (ev.type == CLAMD_EV_DATA)
			assert_true(ev.data >= p && ev.data + ev.len <= p + n);
		if (ev.type != CLAMD_EV_NONE)
			log_add(l, &ev);
		p += n;
		len -= n;
	}
}

/* run - feed in at the given cuts (sorted offsets, 0 ends), then eop */
static void
run(const uint8_t *in, size_t len, const size_t *cuts, size_t ncuts,
    int eop, uint64_t maxstream, struct log *l)
{
	struct clamd	*c;
	struct clamd_ev	 ev;
	size_t		 at = 0, i;

	c = malloc(sizeof(*c));
	assert_non_null(c);
	clamd_init(c, maxstream);
	buf_init(&l->b);
	l->indata = 0;
	for (i = 0; i < ncuts; i++) {
		feed(c, in + at, cuts[i] - at, l);
		at = cuts[i];
	}
	feed(c, in + at, len - at, l);
	if (eop && clamd_eop(c, &ev))
		log_add(l, &ev);
	if (l->indata)
		buf_add(&l->b, ">\n", 2);
	buf_add(&l->b, "", 1);
	assert_false(l->b.failed);
	free(c);
}

/* check_all - whole, every two-piece split, one byte at a time */
static void
check_all(const char *in, size_t len, int eop, uint64_t maxstream,
    const char *want, size_t wantlen)
{
	const uint8_t	*p = (const uint8_t *)in;
	struct log	 l;
	size_t		*cuts, i;

	run(p, len, NULL, 0, eop, maxstream, &l);
	if (l.b.len - 1 != wantlen || memcmp(l.b.data, want, wantlen) != 0)
		fail_msg("got:\n%s\nwant:\n%s", (char *)l.b.data, want);
	buf_clear(&l.b);
	for (i = 1; i < len; i++) {
		run(p, len, &i, 1, eop, maxstream, &l);
		assert_int_equal(l.b.len - 1, wantlen);
		assert_memory_equal(l.b.data, want, wantlen);
		buf_clear(&l.b);
	}
	if (len < 2)
		return;
	cuts = calloc(len, sizeof(*cuts));
	assert_non_null(cuts);
	for (i = 1; i < len; i++)
		cuts[i - 1] = i;
	run(p, len, cuts, len - 1, eop, maxstream, &l);
	assert_int_equal(l.b.len - 1, wantlen);
	assert_memory_equal(l.b.data, want, wantlen);
	buf_clear(&l.b);
	free(cuts);
}

/* test_pcase - one row of the parser table */
static void
test_pcase(void **state)
{
	const struct pcase	*c = *state;

	check_all(c->in, c->inlen, c->eop, c->maxstream, c->want,
	    strlen(c->want));
}

/* test_ccase - one command, z, n and unprefixed (newline, then eop) */
static void
test_ccase(void **state)
{
	const struct ccase	*c = *state;
	static const char	 fr[] = { 'z', 'n', 'o', 'e' };
	char			 in[256], want[512], more[256];
	size_t			 n, k;
	int			 f, w;
	char			 fc, tc;

	for (f = 0; f < 4; f++) {
		n = 0;
		if (fr[f] == 'z' || fr[f] == 'n')
			in[n++] = fr[f];
		k = strlen(c->cmd);
		memcpy(in + n, c->cmd, k);
		n += k;
		if (fr[f] == 'z')
			in[n++] = '\0';
		else if (fr[f] != 'e')
			in[n++] = '\n';
		fc = fr[f] == 'e' ? 'o' : fr[f];
		tc = fr[f] == 'z' ? '0' : 'n';
		/* with eop the packet ends at the command: nothing after it */
		if (fr[f] != 'e') {
			memcpy(in + n, c->tail, c->taillen);
			n += c->taillen;
		}
		if (strcmp(c->cmd, "IDSESSION") == 0 && fc != 'o') {
			/* a session needs its END */
			/* "zEND" and its NUL, or "nEND\n" */
			memcpy(in + n, fr[f] == 'z' ? "zEND" : "nEND\n", 5);
			n += 5;
			snprintf(want, sizeof(want), "IDSESSION %c 0 %c\n"
			    "END %c 1 %c last\n", fc, tc, fc, tc);
		} else if (c->ev == NULL || (fc == 'o' && !c->old))
			snprintf(want, sizeof(want),
			    "ERROR %c 0 %c last <UNKNOWN COMMAND>\n", fc, tc);
		else if (fr[f] == 'e' && strcmp(c->ev, "FILDES") == 0)
			want[0] = '\0';		/* still waiting for the byte */
		else {
			more[0] = '\0';
			if (c->more)
				snprintf(more, sizeof(more), "DATA %c 0 %c "
				    "<abc>\nSTREAM_END %c 0 %c last\n", fc, tc,
				    fc, tc);
			w = snprintf(want, sizeof(want), "%s %c 0 %c%s",
			    c->ev, fc, tc, c->more ? "" : " last");
			if (c->arg != NULL)
				w += snprintf(want + w, sizeof(want) - w,
				    " [%s]", c->arg);
			snprintf(want + w, sizeof(want) - w, "\n%s", more);
		}
		check_all(in, n, fr[f] == 'e', 0, want, strlen(want));
	}
}

/* test_rcase - one reply */
static void
test_rcase(void **state)
{
	const struct rcase	*c = *state;
	struct clamd_tag	 t = { c->id, c->term };
	struct buf		 out;

	buf_init(&out);
	switch (c->kind) {
	case R_TEXT:
		clamd_reply(&out, &t, c->path, c->text);
		break;
	case R_OK:
		clamd_reply_ok(&out, &t, c->path);
		break;
	case R_FOUND:
		clamd_reply_found(&out, &t, c->path, c->text);
		break;
	case R_ERROR:
		clamd_reply_error(&out, &t, c->path, c->text);
		break;
	case R_NOTSCANNED:
		clamd_reply_notscanned(&out, &t, c->path, c->text);
		break;
	case R_DIREND:
		clamd_reply_dirend(&out, &t, c->path, c->ninf, c->nerr);
		break;
	}
	assert_false(out.failed);
	assert_int_equal(out.len, c->wantlen);
	if (c->wantlen > 0)
		assert_memory_equal(out.data, c->want, c->wantlen);
	buf_clear(&out);
}

/* reply_of - the reply to the first error event of an input */
static void
reply_of(const char *in, size_t len, int eop, uint64_t maxstream,
    const char *want, size_t wantlen)
{
	struct clamd	*c;
	struct clamd_ev	 ev;
	struct buf	 out;
	size_t		 n;
	int		 got = 0;

	c = malloc(sizeof(*c));
	assert_non_null(c);
	clamd_init(c, maxstream);
	buf_init(&out);
	while (len > 0) {
		n = clamd_feed(c, (const uint8_t *)in, len, &ev);
		if (ev.type == CLAMD_EV_ERROR && !got) {
			clamd_reply(&out, &ev.tag, NULL, ev.msg);
			got = 1;
		}
		in += n;
		len -= n;
	}
	if (eop && clamd_eop(c, &ev) && ev.type == CLAMD_EV_ERROR && !got) {
		clamd_reply(&out, &ev.tag, NULL, ev.msg);
		got = 1;
	}
	assert_true(got);
	assert_int_equal(out.len, wantlen);
	assert_memory_equal(out.data, want, wantlen);
	buf_clear(&out);
	free(c);
}

/* test_error_replies - the bytes clamd sends for protocol errors */
static void
test_error_replies(void **state)
{
	(void)state;
	reply_of(S("zFOO\0"), 0, 0, S("UNKNOWN COMMAND\0"));
	reply_of(S("nFOO\n"), 0, 0, S("UNKNOWN COMMAND\n"));
	reply_of(S("FOO"), 1, 0, S("UNKNOWN COMMAND\n"));
	reply_of(S("zIDSESSION\0zPING\0zFOO\0"), 0, 0,
	    S("2: Command invalid inside IDSESSION. ERROR\0"));
	reply_of(S("zINSTREAM\0\0\0\0\5abcde"), 0, 4,
	    S("INSTREAM size limit exceeded. ERROR\0"));
	reply_of(S("nINSTREAM\n\0\0\0\5abcde"), 0, 4,
	    S("INSTREAM size limit exceeded. ERROR\n"));
	reply_of(S("nIDSESSION\nnINSTREAM\n\0\0\0\5abcde"), 0, 4,
	    S("1: INSTREAM size limit exceeded. ERROR\n"));
	reply_of(S("zIDSESSION\0zCONTSCAN /x\0"), 0, 0,
	    S("1: Command invalid inside IDSESSION. ERROR\0"));
	reply_of(S("zIDSESSION\0SCAN /x\n"), 0, 0,
	    S("1: Only nCMDS\\n and zCMDS\\0 are accepted inside IDSESSION. "
	    "ERROR\0"));
}

/* too_long - a command of n bytes between prefix and terminator */
static void
too_long(char frame, size_t n, const char *want)
{
	char	*in, w[128];
	size_t	 len = 0;

	in = malloc(n + 2);
	assert_non_null(in);
	if (frame != 'o')
		in[len++] = frame;
	memset(in + len, 'A', n);
	len += n;
	if (frame == 'z')
		in[len++] = '\0';
	else if (frame == 'n')
		in[len++] = '\n';
	snprintf(w, sizeof(w), "ERROR %c 0 %c last <%s>\n", frame,
	    frame == 'z' ? '0' : 'n', want);
	/* all two-piece splits of 4 kB are too many: whole and bytewise */
	{
		struct log	 l;
		size_t		*cuts, i;

		run((uint8_t *)in, len, NULL, 0, frame == 'o', 0, &l);
		assert_string_equal((char *)l.b.data, w);
		buf_clear(&l.b);
		cuts = calloc(len, sizeof(*cuts));
		assert_non_null(cuts);
		for (i = 1; i < len; i++)
			cuts[i - 1] = i;
		run((uint8_t *)in, len, cuts, len - 1, frame == 'o', 0, &l);
		assert_string_equal((char *)l.b.data, w);
		buf_clear(&l.b);
		for (i = 1; i < len; i += 509) {
			run((uint8_t *)in, len, &i, 1, frame == 'o', 0, &l);
			assert_string_equal((char *)l.b.data, w);
			buf_clear(&l.b);
		}
		free(cuts);
	}
	free(in);
}

/* test_line_limit - CLAMD_LINE_MAX exactly, and one over */
static void
test_line_limit(void **state)
{
	(void)state;
	too_long('z', CLAMD_LINE_MAX - 2, "UNKNOWN COMMAND");
	too_long('z', CLAMD_LINE_MAX - 1, "Command too long. ERROR");
	too_long('n', CLAMD_LINE_MAX - 2, "UNKNOWN COMMAND");
	too_long('n', CLAMD_LINE_MAX - 1, "Command too long. ERROR");
	too_long('o', CLAMD_LINE_MAX - 1, "UNKNOWN COMMAND");
	too_long('o', CLAMD_LINE_MAX, "Command too long. ERROR");
}

/* test_long_path - the longest path that fits is delivered whole */
static void
test_long_path(void **state)
{
	struct clamd	*c;
	struct clamd_ev	 ev;
	char		*in;
	size_t		 n, plen = CLAMD_LINE_MAX - 2 - 5, len;

	(void)state;
	len = 1 + 5 + plen + 1;
	in = malloc(len);
	c = malloc(sizeof(*c));
	assert_non_null(in);
	assert_non_null(c);
	memcpy(in, "zSCAN ", 6);
	memset(in + 6, 'p', plen);
	in[6] = '/';
	in[len - 1] = '\0';
	clamd_init(c, 0);
	n = clamd_feed(c, (uint8_t *)in, len, &ev);
	assert_int_equal(n, len);
	assert_int_equal(ev.type, CLAMD_EV_SCAN);
	assert_int_equal(ev.arglen, plen);
	assert_memory_equal(ev.arg, in + 6, plen);
	free(c);
	free(in);
}

/* test_endless_line - a client that never ends its line is cut off */
static void
test_endless_line(void **state)
{
	struct clamd	*c;
	struct clamd_ev	 ev;
	uint8_t		 junk[1000];
	size_t		 i, n, total = 0;
	int		 errors = 0;

	(void)state;
	c = malloc(sizeof(*c));
	assert_non_null(c);
	memset(junk, 'x', sizeof(junk));
	clamd_init(c, 0);
	for (i = 0; i < 1000; i++) {
		n = clamd_feed(c, junk, sizeof(junk), &ev);
		if (ev.type == CLAMD_EV_ERROR) {
			assert_int_equal(ev.err, CLAMD_E_TOOLONG);
			assert_true(ev.last);
			errors++;
			assert_true(total + n <= CLAMD_LINE_MAX);
		} else
			assert_int_equal(ev.type, CLAMD_EV_NONE);
		total += n;
	}
	assert_int_equal(errors, 1);
	assert_false(clamd_timeout(c, &ev));
	free(c);
}

/* stream_chunks - a large stream in chunks of one size, fed in pieces */
static void
stream_chunks(size_t total, size_t chunk, size_t piece, uint64_t max,
    int over)
{
	struct clamd	*c;
	struct clamd_ev	 ev;
	struct buf	 in, got;
	size_t		 at, k, n, len;
	uint8_t		 hdr[4];
	int		 end = 0, err = 0;

	c = malloc(sizeof(*c));
	assert_non_null(c);
	buf_init(&in);
	buf_init(&got);
	buf_add(&in, "zINSTREAM", 10);
	for (at = 0; at < total; at += k) {
		k = total - at < chunk ? total - at : chunk;
		hdr[0] = (uint8_t)(k >> 24);
		hdr[1] = (uint8_t)(k >> 16);
		hdr[2] = (uint8_t)(k >> 8);
		hdr[3] = (uint8_t)k;
		buf_add(&in, hdr, 4);
		for (n = 0; n < k; n++) {
			hdr[0] = (uint8_t)((at + n) * 31 + 7);
			buf_add(&in, hdr, 1);
		}
	}
	buf_add(&in, "\0\0\0\0", 4);
	assert_false(in.failed);
	clamd_init(c, max);
	for (at = 0; at < in.len; at += len) {
		len = in.len - at < piece ? in.len - at : piece;
		for (k = 0; k < len; k += n) {
			n = clamd_feed(c, in.data + at + k, len - k, &ev);
			if (ev.type == CLAMD_EV_DATA)
				buf_add(&got, ev.data, ev.len);
			else if (ev.type == CLAMD_EV_STREAM_END)
				end++;
			else if (ev.type == CLAMD_EV_ERROR)
				err++;
		}
	}
	if (over) {
		assert_int_equal(err, 1);
		assert_int_equal(end, 0);
		assert_true(got.len <= max);
	} else {
		assert_int_equal(err, 0);
		assert_int_equal(end, 1);
		assert_int_equal(got.len, total);
		for (n = 0; n < total; n++)
			assert_int_equal(got.data[n], (uint8_t)(n * 31 + 7));
	}
	buf_clear(&in);
	buf_clear(&got);
	free(c);
}

/* test_stream_sizes - chunk and piece sizes, BUFSIZ and whole-message */
static void
test_stream_sizes(void **state)
{
	static const size_t	 chunks[] = { 1, 3, 4096, 8192, 65536, 300000 };
	static const size_t	 pieces[] = { 1, 5, 4096, 65536, 1000000 };
	size_t			 i, j;

	(void)state;
	for (i = 0; i < nitems(chunks); i++)
		for (j = 0; j < nitems(pieces); j++) {
			if (pieces[j] == 1 && chunks[i] > 4096)
				continue;
			stream_chunks(chunks[i] == 1 ? 2000 : 300000,
			    chunks[i], pieces[j], 0, 0);
		}
	/* exactly at the limit, then one byte over, in several shapes */
	stream_chunks(300000, 4096, 4096, 300000, 0);
	stream_chunks(300000, 300000, 7, 300000, 0);
	stream_chunks(300001, 4096, 4096, 300000, 1);
	stream_chunks(300001, 300001, 65536, 300000, 1);
	stream_chunks(300000, 1, 1000000, 299999, 1);
}

/* test_timeout - the read timer's replies */
static void
test_timeout(void **state)
{
	struct clamd	 c;
	struct clamd_ev	 ev;
	struct buf	 out;

	(void)state;
	buf_init(&out);
	clamd_init(&c, 0);
	assert_true(clamd_timeout(&c, &ev));
	assert_int_equal(ev.err, CLAMD_E_TIMEOUT);
	assert_true(ev.last);
	clamd_reply(&out, &ev.tag, NULL, ev.msg);
	assert_int_equal(out.len,
	    sizeof("TIMED OUT WAITING FOR COMMAND\n") - 1);
	assert_memory_equal(out.data, "TIMED OUT WAITING FOR COMMAND\n",
	    out.len);
	assert_false(clamd_timeout(&c, &ev));

	/* half a z command: its terminator */
	out.len = 0;
	clamd_init(&c, 0);
	(void)clamd_feed(&c, (const uint8_t *)"zSCA", 4, &ev);
	assert_true(clamd_timeout(&c, &ev));
	clamd_reply(&out, &ev.tag, NULL, ev.msg);
	assert_memory_equal(out.data, "TIMED OUT WAITING FOR COMMAND\0",
	    out.len);

	/* idle in a session: the next id, the last terminator */
	out.len = 0;
	clamd_init(&c, 0);
	(void)clamd_feed(&c, (const uint8_t *)"nIDSESSION\n", 11, &ev);
	(void)clamd_feed(&c, (const uint8_t *)"nPING\n", 6, &ev);
	assert_true(clamd_timeout(&c, &ev));
	clamd_reply(&out, &ev.tag, NULL, ev.msg);
	assert_int_equal(out.len, sizeof("2: TIMED OUT WAITING FOR COMMAND\n") -
	    1);
	assert_memory_equal(out.data, "2: TIMED OUT WAITING FOR COMMAND\n",
	    out.len);

	/* inside a stream: close without a reply */
	clamd_init(&c, 0);
	(void)clamd_feed(&c, (const uint8_t *)"zINSTREAM\0\0\0", 12, &ev);
	assert_true(clamd_timeout(&c, &ev));
	assert_int_equal(ev.type, CLAMD_EV_ERROR);
	assert_null(ev.msg);
	assert_true(ev.last);
	buf_clear(&out);
}

/* verdict_make - a verdict from a little script */
static void
verdict_make(struct verdict *v, const char *const *hits, size_t nhits,
    const char *reason)
{
	size_t	 i;

	verdict_init(v);
	assert_int_equal(verdict_object(v, UINT32_MAX, "in", 0, 0, 10), 0);
	assert_int_equal(verdict_object(v, 0, "in/a", 1, 0, 5), 1);
	assert_int_equal(verdict_object(v, 0, "in/b", 1, 0, 5), 2);
	if (reason != NULL)
		assert_int_equal(verdict_notscanned(v, 2, reason), 0);
	/* "1:Name" puts Name on object 1 */
	for (i = 0; i < nhits; i++)
		assert_int_equal(verdict_infected(v, (uint32_t)(hits[i][0] -
		    '0'), hits[i] + 2), 0);
}

/* test_verdict - clean, infected, all matches, not scanned */
static void
test_verdict(void **state)
{
	static const char *const	 h1[] = { "1:Eicar-Test" };
	static const char *const	 h3[] = { "1:A", "2:B", "2:A", "0:C" };
	struct clamd_tag		 z = { 0, '\0' }, s = { 4, '\n' };
	struct verdict			 v;
	struct buf			 out;

	(void)state;
	buf_init(&out);
	verdict_make(&v, NULL, 0, NULL);
	clamd_reply_verdict(&out, &z, "stream", &v, 0);
	assert_int_equal(out.len, sizeof("stream: OK\0") - 1);
	assert_memory_equal(out.data, "stream: OK\0", out.len);
	verdict_free(&v);

	out.len = 0;
	verdict_make(&v, h1, 1, NULL);
	clamd_reply_verdict(&out, &z, "/f", &v, 0);
	assert_int_equal(out.len, sizeof("/f: Eicar-Test FOUND\0") - 1);
	assert_memory_equal(out.data, "/f: Eicar-Test FOUND\0", out.len);
	verdict_free(&v);

	/* the first name only; then every distinct name, first seen first */
	out.len = 0;
	verdict_make(&v, h3, 4, NULL);
	clamd_reply_verdict(&out, &z, "/f", &v, 0);
	assert_int_equal(out.len, sizeof("/f: C FOUND\0") - 1);
	assert_memory_equal(out.data, "/f: C FOUND\0", out.len);
	out.len = 0;
	clamd_reply_verdict(&out, &s, "/f", &v, 1);
	assert_int_equal(out.len,
	    sizeof("4: /f: C FOUND\n4: /f: A FOUND\n4: /f: B FOUND\n") - 1);
	assert_memory_equal(out.data,
	    "4: /f: C FOUND\n4: /f: A FOUND\n4: /f: B FOUND\n", out.len);
	verdict_free(&v);

	/* not scanned: an ERROR, never OK */
	out.len = 0;
	verdict_make(&v, NULL, 0, "encrypted");
	assert_int_equal(v.status, AV_NOTSCANNED);
	clamd_reply_verdict(&out, &z, "stream", &v, 0);
	assert_int_equal(out.len,
	    sizeof("stream: Not scanned (encrypted). ERROR\0") - 1);
	assert_memory_equal(out.data,
	    "stream: Not scanned (encrypted). ERROR\0", out.len);
	verdict_free(&v);

	/* infected wins over not scanned */
	out.len = 0;
	verdict_make(&v, h1, 1, "limit: size");
	clamd_reply_verdict(&out, &z, "stream", &v, 1);
	assert_int_equal(out.len, sizeof("stream: Eicar-Test FOUND\0") - 1);
	assert_memory_equal(out.data, "stream: Eicar-Test FOUND\0", out.len);
	verdict_free(&v);
	buf_clear(&out);
}

/* test_version - VERSION and VERSIONCOMMANDS */
static void
test_version(void **state)
{
	static const char	 cmds[] = "| COMMANDS: SCAN QUIT RELOAD PING "
	    "CONTSCAN VERSIONCOMMANDS VERSION END SHUTDOWN MULTISCAN FILDES "
	    "STATS IDSESSION INSTREAM DETSTATSCLEAR DETSTATS ALLMATCHSCAN";
	struct clamd_dbinfo	 db = { 7, 1700000000 };
	struct clamd_tag	 z = { 0, '\0' }, n = { 2, '\n' };
	struct buf		 out;
	char			 want[512];

	(void)state;
	buf_init(&out);
	clamd_reply_version(&out, &z, NULL, 0);
	assert_int_equal(out.len, sizeof(PRODUCT "\0") - 1);
	assert_memory_equal(out.data, PRODUCT "\0", out.len);

	out.len = 0;
	clamd_reply_version(&out, &z, &db, 0);
	assert_int_equal(out.len,
	    sizeof(PRODUCT "/7/Tue Nov 14 22:13:20 2023\0") - 1);
	assert_memory_equal(out.data, PRODUCT "/7/Tue Nov 14 22:13:20 2023\0",
	    out.len);

	/* a one-digit day is padded like ctime(3), as clamdtop expects */
	out.len = 0;
	db.time = 1700000000 - 13 * 86400;
	clamd_reply_version(&out, &n, &db, 0);
	assert_int_equal(out.len,
	    sizeof("2: " PRODUCT "/7/Wed Nov  1 22:13:20 2023\n") - 1);
	assert_memory_equal(out.data,
	    "2: " PRODUCT "/7/Wed Nov  1 22:13:20 2023\n", out.len);

	out.len = 0;
	clamd_reply_version(&out, &n, NULL, 1);
	snprintf(want, sizeof(want), "2: %s%s\n", PRODUCT, cmds);
	assert_int_equal(out.len, strlen(want));
	assert_memory_equal(out.data, want, out.len);
	buf_clear(&out);
}

/* test_stats - the STATS block */
static void
test_stats(void **state)
{
	static const char	 want[] = "3: POOLS: 1\n\n"
	    "STATE: VALID PRIMARY\n"
	    "THREADS: live 2  idle 6 max 8 idle-timeout 30\nQUEUE: 1 items\n"
	    "\tINSTREAM 0.250000 stream\n\tSCAN 1.500000 /a?b\n"
	    "\nMEMSTATS: heap N/A mmap N/A used N/A free N/A releasable N/A "
	    "pools 1 pools_used 12.000M pools_total 16.500M\nEND\0";
	static const struct clamd_task	 tasks[] = {
		{ "INSTREAM", 0.25, "stream" },
		{ "SCAN", 1.5, "/a\nb" },
	};
	struct clamd_stats	 st = { 2, 6, 8, 30, 1, tasks, 2,
	    12 * 1048576ULL, 16 * 1048576ULL + 524288 };
	struct clamd_tag	 t = { 3, '\0' };
	struct buf		 out;

	(void)state;
	buf_init(&out);
	clamd_reply_stats(&out, &t, &st);
	assert_int_equal(out.len, sizeof(want) - 1);
	assert_memory_equal(out.data, want, out.len);
	buf_clear(&out);
}

/* test_failed_buffer - replies into a failed buffer add nothing */
static void
test_failed_buffer(void **state)
{
	struct clamd_tag	 t = { 1, '\0' };
	struct buf		 out;

	(void)state;
	buf_init(&out);
	out.failed = 1;
	clamd_reply_ok(&out, &t, "/x");
	clamd_reply_version(&out, &t, NULL, 1);
	assert_int_equal(out.len, 0);
	assert_true(out.failed);
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
	static struct CMUnitTest	 tests[nitems(pcases) +
	    nitems(ccases) + nitems(rcases) + 16];
	size_t				 i, n = 0;

	ADD(pcases, test_pcase);
	for (i = 0; i < nitems(ccases); i++) {
		tests[n].name = ccases[i].cmd;
		tests[n].test_func = test_ccase;
		tests[n++].initial_state = (void *)&ccases[i];
	}
	ADD(rcases, test_rcase);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_error_replies);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_line_limit);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_long_path);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_endless_line);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_stream_sizes);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_timeout);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_verdict);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_version);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_stats);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_failed_buffer);
	return _cmocka_run_group_tests("clamd", tests, n, NULL, NULL);
}
