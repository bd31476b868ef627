/*
 * test_mail.c - the mail library (clients/mail.h)
 *
 * Verdicts are built by hand (verdict_object(), verdict_infected()) with
 * the paths the scan pipeline gives MIME parts, so that every decision
 * and every rewrite is checked without a daemon: the policy table (each
 * action for infected, not scanned and uncleanable messages), the marks
 * in LF and CRLF messages, mbox "From " and Return-Path lines, the
 * subject tag on a folded Subject, removal of one part out of three in a
 * nested multipart and in a forwarded message, footers from files and
 * from the defaults in plain, HTML, quoted-printable and base64 parts,
 * the quarantine's files and modes, max_message_size, and an unreachable
 * daemon.  Expected messages are compared byte for byte, and the three
 * forms of a rewrite (message, splices, milter edits) are checked to
 * agree.  t/integ/80-vigil-mda.t runs the library against a real vigild.
 */
#include <sys/stat.h>

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "av/verdict.h"
#include "clients/mail.h"
#include "util/buf.h"
#include "workers/filetype.h"

#define nitems(a)	(sizeof(a) / sizeof((a)[0]))
#define SCANNER		"Vigil " VIGIL_VERSION " (42)"

/* an object of a hand-made verdict: parent index (0: the message) */
struct tobj {
	uint32_t	 parent;
	const char	*path;		/* after "msg/" */
	const char	*virus;		/* NULL: clean */
	const char	*reason;	/* NULL: scanned */
};

static char	 tmpdir[64];

static void	 mkverdict(struct verdict *, const struct tobj *, size_t);
static char	*crlf(const char *);
static void	 policy(struct mail_policy *);
static void	 check_forms(const struct mail_out *, const char *, size_t);
static void	 expect_msg(const struct mail_out *, const char *);
static char	*readfile(const char *, mode_t *);
static int	 contains(const struct mail_out *, const char *);

/* mkverdict - the message "msg" (a mail) and its objects */
static void
mkverdict(struct verdict *v, const struct tobj *o, size_t n)
{
	char	 path[512];
	size_t	 i;
	int	 k;

	verdict_init(v);
	assert_int_equal(verdict_object(v, UINT32_MAX, "msg", 0, FT_MAIL,
	    1000), 0);
	for (i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "msg/%s", o[i].path);
		k = verdict_object(v, o[i].parent, path, 1, FT_TEXT_ASCII, 10);
		assert_true(k > 0);
		if (o[i].virus != NULL)
			assert_int_equal(verdict_infected(v, (uint32_t)k,
			    o[i].virus), 0);
		if (o[i].reason != NULL)
			assert_int_equal(verdict_notscanned(v, (uint32_t)k,
			    o[i].reason), 0);
	}
}

/* crlf - s with every LF as CRLF (malloc'd) */
static char *
crlf(const char *s)
{
	char	*out = malloc(strlen(s) * 2 + 1), *p = out;

	assert_non_null(out);
	for (; *s != '\0'; s++) {
		if (*s == '\n')
			*p++ = '\r';
		*p++ = *s;
	}
	*p = '\0';
	return out;
}

/* policy - the defaults of the schema, no files, no daemon */
static void
policy(struct mail_policy *p)
{
	memset(p, 0, sizeof(*p));
	p->on_infected = MAIL_REJECT;
	p->on_uncleanable = MAIL_REJECT;
	p->on_notscanned = MAIL_DEFER;
	p->write_to_header = 1;
	p->subject = "";
	p->template_dir = "/nonexistent";
	p->quarantine_dir = tmpdir;
	p->max_message_size = 25 << 20;
	p->timeout_ms = 1000;
}

/*
 * check_forms - the splices applied to msg give o->msg, and the milter's
 * body is o->msg after its header block
 */
static void
check_forms(const struct mail_out *o, const char *msg, size_t len)
{
	struct buf	 b;
	size_t		 i, at = 0;

	if (!o->changed) {
		assert_int_equal(o->nedits, 0);
		assert_null(o->body);
		return;
	}
	buf_init(&b);
	for (i = 0; i < o->nedits; i++) {
		assert_true(o->edits[i].off >= at);
		buf_add(&b, msg + at, o->edits[i].off - at);
		buf_add(&b, o->pool.data + o->edits[i].data,
		    o->edits[i].dlen);
		at = o->edits[i].off + o->edits[i].len;
	}
	buf_add(&b, msg + at, len - at);
	assert_int_equal(b.len, o->msg.len);
	assert_memory_equal(b.data, o->msg.data, b.len);
	if (o->body != NULL) {
		assert_true(o->body >= o->msg.data &&
		    o->body + o->bodylen == o->msg.data + o->msg.len);
	}
	buf_clear(&b);
}

/* expect_msg - o->msg is exactly want */
static void
expect_msg(const struct mail_out *o, const char *want)
{
	assert_true(o->changed);
	if (o->msg.len != strlen(want) ||
	    memcmp(o->msg.data, want, o->msg.len) != 0) {
		print_error("got:\n%.*s\nwant:\n%s\n", (int)o->msg.len,
		    (const char *)o->msg.data, want);
		fail();
	}
}

/* contains - whether o->msg holds s */
static int
contains(const struct mail_out *o, const char *s)
{
	if (memmem(o->msg.data, o->msg.len, s, strlen(s)) != NULL)
		return 1;
	print_error("not found:\n%s\nin:\n%.*s\n", s, (int)o->msg.len,
	    (const char *)o->msg.data);
	return 0;
}

/* readfile - a file's text and mode */
static char *
readfile(const char *path, mode_t *mode)
{
	struct stat	 st;
	char		*s;
	int		 fd;

	fd = open(path, O_RDONLY);
	assert_true(fd >= 0);
	assert_int_equal(fstat(fd, &st), 0);
	*mode = st.st_mode & 07777;
	s = calloc(1, (size_t)st.st_size + 1);
	assert_non_null(s);
	assert_int_equal(read(fd, s, (size_t)st.st_size), st.st_size);
	close(fd);
	return s;
}

/* --- messages ---------------------------------------------------------- */

static const char	 m_simple[] =
    "From: a@example.com\n"
    "To: b@example.com\n"
    "Subject: hello\n"
    "\n"
    "Hello world\n";

static const char	 m_three[] =
    "From: a@example.com\n"
    "Subject: report\n"
    "MIME-Version: 1.0\n"
    "Content-Type: multipart/mixed; boundary=\"outer\"\n"
    "\n"
    "preamble\n"
    "--outer\n"
    "Content-Type: multipart/alternative; boundary=\"inner\"\n"
    "\n"
    "--inner\n"
    "Content-Type: text/plain\n"
    "\n"
    "plain text\n"
    "--inner\n"
    "Content-Type: text/html\n"
    "\n"
    "<html><body><p>html</p></body></html>\n"
    "--inner--\n"
    "\n"
    "--outer\n"
    "Content-Type: application/octet-stream; name=\"evil.com\"\n"
    "Content-Transfer-Encoding: base64\n"
    "\n"
    "WDVPIVAlQEFQWzRcUFpYNTQoUF4pN0NDKTd9JEVJQ0FSLVNUQU5EQVJELUFOVElWSVJVUy1U\n"
    "RVNULUZJTEUhJEgrSCo=\n"
    "--outer\n"
    "Content-Type: application/pdf; name=\"doc.pdf\"\n"
    "Content-Transfer-Encoding: base64\n"
    "\n"
    "JVBERi0xLjQK\n"
    "--outer--\n"
    "epilogue\n";

/* the objects of m_three; [2] is the infected one */
static const struct tobj	 o_three[] = {
	{ 0, "1/1", NULL, NULL },
	{ 0, "1/2", NULL, NULL },
	{ 0, "2:evil.com", "Eicar-Test-Signature", NULL },
	{ 0, "3:doc.pdf", NULL, NULL },
};

static const char	 m_fwd[] =
    "Subject: fwd\n"
    "Content-Type: multipart/mixed; boundary=b1\n"
    "\n"
    "--b1\n"
    "Content-Type: text/plain\n"
    "\n"
    "see below\n"
    "--b1\n"
    "Content-Type: message/rfc822\n"
    "\n"
    "Subject: inner\n"
    "Content-Type: multipart/mixed; boundary=b2\n"
    "\n"
    "--b2\n"
    "Content-Type: text/plain\n"
    "\n"
    "inner text\n"
    "--b2\n"
    "Content-Type: application/zip\n"
    "Content-Disposition: attachment; filename=\"x.zip\"\n"
    "\n"
    "PK\n"
    "--b2--\n"
    "--b1\n"
    "Content-Type: message/rfc822\n"
    "\n"
    "Subject: single\n"
    "\n"
    "virus body\n"
    "--b1--\n";

/* --- tests --------------------------------------------------------------- */

/* test_policy - every action for infected, not scanned, uncleanable */
static void
test_policy(void **state)
{
	static const struct pcase {
		const char		*name;
		int			 kind;	/* 0 inf, 1 notsc, 2 uncl */
		enum mail_action	 set;
		enum mail_action	 want;
		enum mail_result	 result;
		int			 changed;
		int			 quarantined;
	} cases[] = {
		{ "infected accept", 0, MAIL_ACCEPT, MAIL_ACCEPT,
		  MAIL_R_INFECTED, 1, 0 },
		{ "infected reject", 0, MAIL_REJECT, MAIL_REJECT,
		  MAIL_R_DELETED, 0, 0 },
		{ "infected defer", 0, MAIL_DEFER, MAIL_DEFER,
		  MAIL_R_DELETED, 0, 0 },
		{ "infected discard", 0, MAIL_DISCARD, MAIL_DISCARD,
		  MAIL_R_DELETED, 0, 0 },
		{ "infected clean", 0, MAIL_CLEAN, MAIL_CLEAN,
		  MAIL_R_CLEANED, 1, 1 },
		{ "infected quarantine", 0, MAIL_QUARANTINE, MAIL_QUARANTINE,
		  MAIL_R_DELETED, 0, 1 },
		{ "not scanned accept", 1, MAIL_ACCEPT, MAIL_ACCEPT,
		  MAIL_R_NOTSCANNED, 1, 0 },
		{ "not scanned reject", 1, MAIL_REJECT, MAIL_REJECT,
		  MAIL_R_DELETED, 0, 0 },
		{ "not scanned defer", 1, MAIL_DEFER, MAIL_DEFER,
		  MAIL_R_DELETED, 0, 0 },
		{ "not scanned discard", 1, MAIL_DISCARD, MAIL_DISCARD,
		  MAIL_R_DELETED, 0, 0 },
		{ "not scanned clean = accept", 1, MAIL_CLEAN, MAIL_ACCEPT,
		  MAIL_R_NOTSCANNED, 1, 0 },
		{ "not scanned quarantine", 1, MAIL_QUARANTINE,
		  MAIL_QUARANTINE, MAIL_R_DELETED, 0, 1 },
		{ "uncleanable accept", 2, MAIL_ACCEPT, MAIL_ACCEPT,
		  MAIL_R_INFECTED, 1, 0 },
		{ "uncleanable reject", 2, MAIL_REJECT, MAIL_REJECT,
		  MAIL_R_DELETED, 0, 0 },
		{ "uncleanable defer", 2, MAIL_DEFER, MAIL_DEFER,
		  MAIL_R_DELETED, 0, 0 },
		{ "uncleanable discard", 2, MAIL_DISCARD, MAIL_DISCARD,
		  MAIL_R_DELETED, 0, 0 },
		{ "uncleanable clean = reject", 2, MAIL_CLEAN, MAIL_REJECT,
		  MAIL_R_DELETED, 0, 0 },
		{ "uncleanable quarantine", 2, MAIL_QUARANTINE,
		  MAIL_QUARANTINE, MAIL_R_DELETED, 0, 1 },
	};
	static const struct tobj	 notsc[] = {
		{ 0, "1/1", NULL, NULL },
		{ 0, "2:evil.com", NULL, "encrypted" },
	};
	static const struct tobj	 single[] = {
		{ 0, "1", "Eicar-Test-Signature", NULL },
	};
	struct mail_policy	 p;
	struct mail_out		 o;
	struct verdict		 v;
	const char		*msg;
	size_t			 i;

	(void)state;
	mail_out_init(&o);
	for (i = 0; i < nitems(cases); i++) {
		const struct pcase	*c = &cases[i];

		print_message("# %s\n", c->name);
		policy(&p);
		msg = m_three;
		switch (c->kind) {
		case 0:
			p.on_infected = c->set;
			mkverdict(&v, o_three, nitems(o_three));
			break;
		case 1:
			p.on_notscanned = c->set;
			mkverdict(&v, notsc, nitems(notsc));
			break;
		default:
			p.on_infected = MAIL_CLEAN;
			p.on_uncleanable = c->set;
			msg = m_simple;
			mkverdict(&v, single, nitems(single));
			break;
		}
		assert_int_equal(mail_decide(&p, NULL, (const uint8_t *)msg,
		    strlen(msg), &v, 42, &o), 0);
		assert_int_equal(o.action, c->want);
		assert_int_equal(o.result, c->result);
		assert_int_equal(o.changed, c->changed);
		assert_int_equal(o.failed, 0);
		assert_int_equal(o.qpath[0] != '\0', c->quarantined);
		if (o.qpath[0] != '\0') {
			char	 meta[PATH_MAX];

			snprintf(meta, sizeof(meta), "%.*s.meta",
			    (int)strlen(o.qpath) - 4, o.qpath);
			assert_int_equal(unlink(o.qpath), 0);
			assert_int_equal(unlink(meta), 0);
		}
		if (c->kind == 1)
			assert_string_equal(o.reason,
			    "Not scanned: encrypted");
		else {
			assert_string_equal(o.virus, "Eicar-Test-Signature");
			assert_true(strncmp(o.reason,
			    "Virus found: Eicar-Test-Signature", 33) == 0);
		}
		check_forms(&o, msg, strlen(msg));
		verdict_free(&v);
	}
	mail_out_free(&o);
}

/* test_clean_verdict - nothing found: accept, one header pair */
static void
test_marks_lf(void **state)
{
	struct mail_policy	 p;
	struct mail_out		 o;
	struct verdict		 v;
	static const struct tobj obj[] = { { 0, "1", NULL, NULL } };

	(void)state;
	policy(&p);
	mail_out_init(&o);
	mkverdict(&v, obj, 1);
	assert_int_equal(mail_decide(&p, NULL, (const uint8_t *)m_simple,
	    strlen(m_simple), &v, 42, &o), 0);
	assert_int_equal(o.action, MAIL_ACCEPT);
	assert_int_equal(o.result, MAIL_R_CLEAN);
	expect_msg(&o,
	    "X-Vigil-Result: clean\n"
	    "X-Virus-Scanner: " SCANNER "\n"
	    "From: a@example.com\n"
	    "To: b@example.com\n"
	    "Subject: hello\n"
	    "\n"
	    "Hello world\n");
	check_forms(&o, m_simple, strlen(m_simple));
	assert_null(o.body);
	assert_int_equal(o.nadd, 2);
	assert_string_equal(o.add[0].name, "X-Vigil-Result");
	assert_string_equal(o.add[0].value, "clean");
	assert_int_equal(o.add[0].index, 0);
	assert_string_equal(o.add[1].name, "X-Virus-Scanner");
	assert_string_equal(o.add[1].value, SCANNER);
	assert_int_equal(o.add[1].index, 1);
	assert_int_equal(o.nchg, 0);

	/* no serial: no parenthesis; write_to_header off: unchanged */
	assert_int_equal(mail_decide(&p, NULL, (const uint8_t *)m_simple,
	    strlen(m_simple), &v, 0, &o), 0);
	assert_string_equal(o.add[1].value, "Vigil " VIGIL_VERSION);
	p.write_to_header = 0;
	assert_int_equal(mail_decide(&p, NULL, (const uint8_t *)m_simple,
	    strlen(m_simple), &v, 42, &o), 0);
	assert_int_equal(o.changed, 0);
	assert_int_equal(o.action, MAIL_ACCEPT);
	check_forms(&o, m_simple, strlen(m_simple));
	verdict_free(&v);
	mail_out_free(&o);
}

/* test_marks_mbox - after "From " and the delivery fields, CRLF kept */
static void
test_marks_mbox(void **state)
{
	static const char	 in[] =
	    "From sender@example.org Mon Jan  1 00:00:00 2024\n"
	    "X-Original-To: rcpt@example.net\n"
	    "Delivered-To: rcpt@example.net\n"
	    "Return-Path: <sender@example.org>\n"
	    "Received: from x\n"
	    "\tby y; Mon, 1 Jan 2024 00:00:00 +0000\n"
	    "Subject: hi\n"
	    "\n"
	    "body\n";
	static const char	 want[] =
	    "From sender@example.org Mon Jan  1 00:00:00 2024\n"
	    "X-Original-To: rcpt@example.net\n"
	    "Delivered-To: rcpt@example.net\n"
	    "Return-Path: <sender@example.org>\n"
	    "X-Vigil-Result: clean\n"
	    "X-Virus-Scanner: " SCANNER "\n"
	    "Received: from x\n"
	    "\tby y; Mon, 1 Jan 2024 00:00:00 +0000\n"
	    "Subject: hi\n"
	    "\n"
	    "body\n";
	static const struct tobj obj[] = { { 0, "1", NULL, NULL } };
	struct mail_policy	 p;
	struct mail_out		 o;
	struct verdict		 v;
	char			*cin, *cwant;

	(void)state;
	policy(&p);
	mail_out_init(&o);
	mkverdict(&v, obj, 1);
	assert_int_equal(mail_decide(&p, NULL, (const uint8_t *)in,
	    strlen(in), &v, 42, &o), 0);
	expect_msg(&o, want);
	assert_int_equal(o.add[0].index, 3);
	check_forms(&o, in, strlen(in));

	cin = crlf(in);
	cwant = crlf(want);
	assert_int_equal(mail_decide(&p, NULL, (const uint8_t *)cin,
	    strlen(cin), &v, 42, &o), 0);
	expect_msg(&o, cwant);
	check_forms(&o, cin, strlen(cin));
	free(cin);
	free(cwant);
	verdict_free(&v);
	mail_out_free(&o);
}

/* test_subject - the tag on a folded CRLF Subject, and a missing one */
static void
test_subject(void **state)
{
	static const char	 in[] =
	    "From: a@example.com\r\n"
	    "Subject: a rather long subject\r\n"
	    "  folded here\r\n"
	    "To: b@example.com\r\n"
	    "\r\n"
	    "text\r\n";
	static const char	 want[] =
	    "X-Vigil-Result: infected\r\n"
	    "X-Virus-Scanner: " SCANNER "\r\n"
	    "From: a@example.com\r\n"
	    "Subject: [virus Eicar-Test-Signature 100%] a rather long "
	    "subject\r\n"
	    "  folded here\r\n"
	    "To: b@example.com\r\n"
	    "\r\n"
	    "text\r\n";
	static const char	 nosub[] =
	    "From: a@example.com\n"
	    "\n"
	    "text\n";
	static const char	 nosubwant[] =
	    "Subject: [virus Eicar-Test-Signature 100%]\n"
	    "From: a@example.com\n"
	    "\n"
	    "text\n";
	static const struct tobj obj[] = {
		{ 0, "1", "Eicar-Test-Signature", NULL } };
	struct mail_policy	 p;
	struct mail_out		 o;
	struct verdict		 v;

	(void)state;
	policy(&p);
	p.on_infected = MAIL_ACCEPT;
	p.subject = "[virus %s 100%%]";
	mail_out_init(&o);
	mkverdict(&v, obj, 1);
	assert_int_equal(mail_decide(&p, NULL, (const uint8_t *)in,
	    strlen(in), &v, 42, &o), 0);
	assert_int_equal(o.action, MAIL_ACCEPT);
	expect_msg(&o, want);
	check_forms(&o, in, strlen(in));
	assert_int_equal(o.nchg, 1);
	assert_string_equal(o.chg[0].name, "Subject");
	assert_int_equal(o.chg[0].index, 1);
	assert_string_equal(o.chg[0].value, "[virus Eicar-Test-Signature "
	    "100%] a rather long subject\n  folded here");

	p.write_to_header = 0;
	assert_int_equal(mail_decide(&p, NULL, (const uint8_t *)nosub,
	    strlen(nosub), &v, 42, &o), 0);
	expect_msg(&o, nosubwant);
	assert_int_equal(o.nchg, 0);
	assert_int_equal(o.nadd, 1);
	assert_string_equal(o.add[0].name, "Subject");
	assert_string_equal(o.add[0].value,
	    "[virus Eicar-Test-Signature 100%]");
	check_forms(&o, nosub, strlen(nosub));

	/* a clean message gets no tag */
	verdict_free(&v);
	mkverdict(&v, obj, 0);
	assert_int_equal(mail_decide(&p, NULL, (const uint8_t *)in,
	    strlen(in), &v, 42, &o), 0);
	assert_int_equal(o.changed, 0);
	verdict_free(&v);
	mail_out_free(&o);
}

/* the part that replaces evil.com in m_three */
#define NOTICE(eol) \
    "Content-Type: text/plain; charset=us-ascii" eol \
    "Content-Disposition: inline" eol \
    "Content-Transfer-Encoding: 7bit" eol \
    eol \
    "Vigil removed this part of the message: it was infected." eol \
    "File: evil.com" eol \
    "Type: application/octet-stream" eol \
    "Found: Eicar-Test-Signature"

/* test_clean_nested - one part of three removed, the rest byte-exact */
static void
test_clean_nested(void **state)
{
	const char		*ev = strstr(m_three, "Content-Type: "
				    "application/octet-stream");
	const char		*evend = strstr(ev, "\n--outer");
	struct mail_policy	 p;
	struct mail_out		 o;
	struct verdict		 v;
	struct buf		 want;
	char			*orig;
	mode_t			 mode;
	char			*cin, *cwant;

	(void)state;
	policy(&p);
	p.on_infected = MAIL_CLEAN;
	p.subject = "[virus]";
	mail_out_init(&o);
	mkverdict(&v, o_three, nitems(o_three));
	assert_int_equal(mail_decide(&p, NULL, (const uint8_t *)m_three,
	    strlen(m_three), &v, 42, &o), 0);
	assert_int_equal(o.action, MAIL_CLEAN);
	assert_int_equal(o.result, MAIL_R_CLEANED);
	assert_int_equal(o.nremoved, 1);
	buf_init(&want);
	{
		const char	*top = "X-Vigil-Result: cleaned\n"
				    "X-Virus-Scanner: " SCANNER "\n"
				    "From: a@example.com\n"
				    "Subject: [virus] report\n";

		buf_add(&want, top, strlen(top));
	}
	{
		const char	*rest = strstr(m_three, "MIME-Version");

		buf_add(&want, rest, (size_t)(ev - rest));
		buf_add(&want, NOTICE("\n"), strlen(NOTICE("\n")));
		buf_add(&want, evend, strlen(evend) + 1);
	}
	expect_msg(&o, (const char *)want.data);
	check_forms(&o, m_three, strlen(m_three));
	/* the milter's view: two fields, the subject, the new body */
	assert_int_equal(o.nadd, 2);
	assert_int_equal(o.nchg, 1);
	assert_string_equal(o.chg[0].value, "[virus] report");
	assert_non_null(o.body);
	assert_true(o.bodylen == strlen(strstr((const char *)want.data,
	    "\n\npreamble") + 2));
	assert_memory_equal(o.body, strstr((const char *)want.data,
	    "\n\npreamble") + 2, o.bodylen);
	/* the original went to the quarantine first */
	assert_true(o.qpath[0] != '\0');
	orig = readfile(o.qpath, &mode);
	assert_string_equal(orig, m_three);
	assert_int_equal(mode, 0600);
	free(orig);
	unlink(o.qpath);
	o.qpath[strlen(o.qpath) - 4] = '\0';
	strcat(o.qpath, ".meta");
	unlink(o.qpath);

	/* the same in CRLF, without marks and quarantine */
	p.write_to_header = 0;
	p.subject = "";
	p.quarantine_dir = "";
	cin = crlf(m_three);
	want.len = 0;
	buf_add(&want, m_three, (size_t)(ev - m_three));
	buf_add(&want, NOTICE("\n"), strlen(NOTICE("\n")));
	buf_add(&want, evend, strlen(evend) + 1);
	cwant = crlf((const char *)want.data);
	assert_int_equal(mail_decide(&p, NULL, (const uint8_t *)cin,
	    strlen(cin), &v, 42, &o), 0);
	assert_int_equal(o.action, MAIL_CLEAN);
	assert_int_equal(o.qpath[0], '\0');
	expect_msg(&o, cwant);
	check_forms(&o, cin, strlen(cin));
	assert_int_equal(o.nadd, 0);
	assert_int_equal(o.nedits, 1);
	free(cin);
	free(cwant);
	buf_clear(&want);
	verdict_free(&v);
	mail_out_free(&o);
}

/*
 * test_edits_only - a caller that applies the splices itself gets the
 * same decision and splices, and neither o->msg nor o->body; the flag
 * survives mail_out_free() and mail_decide()
 */
static void
test_edits_only(void **state)
{
	static const struct tobj	 clean[] = { { 0, "1", NULL, NULL } };
	struct mail_policy	 p;
	struct mail_out		 a, b;
	struct verdict		 v;
	size_t			 i, k;

	(void)state;
	policy(&p);
	p.on_infected = MAIL_CLEAN;
	p.subject = "[virus]";
	p.quarantine_dir = "";
	for (k = 0; k < 2; k++) {
		mail_out_init(&a);
		mail_out_init(&b);
		b.edits_only = 1;
		if (k == 0)
			mkverdict(&v, o_three, nitems(o_three));
		else
			mkverdict(&v, clean, nitems(clean));
		assert_int_equal(mail_decide(&p, NULL,
		    (const uint8_t *)m_three, strlen(m_three), &v, 42, &a), 0);
		mail_out_free(&b);
		assert_int_equal(b.edits_only, 1);
		assert_int_equal(mail_decide(&p, NULL,
		    (const uint8_t *)m_three, strlen(m_three), &v, 42, &b), 0);
		assert_int_equal(b.edits_only, 1);
		assert_int_equal(a.action, k == 0 ? MAIL_CLEAN : MAIL_ACCEPT);
		assert_int_equal(b.action, a.action);
		assert_int_equal(b.result, a.result);
		assert_int_equal(a.changed, 1);
		assert_int_equal(b.changed, 1);
		assert_true(a.msg.len > 0);
		assert_int_equal(b.msg.len, 0);
		assert_null(b.body);
		assert_int_equal(b.nedits, a.nedits);
		for (i = 0; i < a.nedits; i++) {
			assert_int_equal(b.edits[i].off, a.edits[i].off);
			assert_int_equal(b.edits[i].len, a.edits[i].len);
			assert_int_equal(b.edits[i].dlen, a.edits[i].dlen);
			assert_memory_equal(b.pool.data + b.edits[i].data,
			    a.pool.data + a.edits[i].data, a.edits[i].dlen);
		}
		verdict_free(&v);
		mail_out_free(&a);
		mail_out_free(&b);
	}
}

/* test_clean_forwarded - inside a forwarded message, and a whole one */
static void
test_clean_forwarded(void **state)
{
	static const struct tobj obj[] = {
		{ 0, "1", NULL, NULL },
		{ 0, "2/1", NULL, NULL },
		{ 0, "2/2:x.zip", NULL, NULL },
		{ 3, "2/2:x.zip/evil.exe", "Worm.A", NULL },
		{ 0, "3", "Virus.B", NULL },
	};
	static const char	 want[] =
	    "Subject: fwd\n"
	    "Content-Type: multipart/mixed; boundary=b1\n"
	    "\n"
	    "--b1\n"
	    "Content-Type: text/plain\n"
	    "\n"
	    "see below\n"
	    "--b1\n"
	    "Content-Type: message/rfc822\n"
	    "\n"
	    "Subject: inner\n"
	    "Content-Type: multipart/mixed; boundary=b2\n"
	    "\n"
	    "--b2\n"
	    "Content-Type: text/plain\n"
	    "\n"
	    "inner text\n"
	    "--b2\n"
	    "Content-Type: text/plain; charset=us-ascii\n"
	    "Content-Disposition: inline\n"
	    "Content-Transfer-Encoding: 7bit\n"
	    "\n"
	    "Vigil removed this part of the message: it was infected.\n"
	    "File: x.zip\n"
	    "Type: application/zip\n"
	    "Found: Worm.A\n"
	    "--b2--\n"
	    "--b1\n"
	    "Content-Type: text/plain; charset=us-ascii\n"
	    "Content-Disposition: inline\n"
	    "Content-Transfer-Encoding: 7bit\n"
	    "\n"
	    "Vigil removed this part of the message: it was infected.\n"
	    "Type: message/rfc822\n"
	    "Found: Virus.B\n"
	    "--b1--\n";
	struct mail_policy	 p;
	struct mail_out		 o;
	struct verdict		 v;

	(void)state;
	policy(&p);
	p.on_infected = MAIL_CLEAN;
	p.write_to_header = 0;
	p.quarantine_dir = "";
	mail_out_init(&o);
	mkverdict(&v, obj, nitems(obj));
	assert_int_equal(mail_decide(&p, NULL, (const uint8_t *)m_fwd,
	    strlen(m_fwd), &v, 42, &o), 0);
	assert_int_equal(o.action, MAIL_CLEAN);
	assert_int_equal(o.nremoved, 2);
	expect_msg(&o, want);
	check_forms(&o, m_fwd, strlen(m_fwd));
	verdict_free(&v);
	mail_out_free(&o);
}

/* test_clean_broken - a multipart that never closes: its last part */
static void
test_clean_broken(void **state)
{
	static const char	 in[] =
	    "Subject: broken\n"
	    "Content-Type: multipart/mixed; boundary=\"zz\"\n"
	    "\n"
	    "--zz\n"
	    "Content-Type: text/plain\n"
	    "\n"
	    "hello\n"
	    "--zz\n"
	    "Content-Type: application/octet-stream; name=\"v\x01.exe\"\n"
	    "\n"
	    "MZ virus\n";
	static const char	 want[] =
	    "Subject: broken\n"
	    "Content-Type: multipart/mixed; boundary=\"zz\"\n"
	    "\n"
	    "--zz\n"
	    "Content-Type: text/plain\n"
	    "\n"
	    "hello\n"
	    "--zz\n"
	    "Content-Type: text/plain; charset=us-ascii\n"
	    "Content-Disposition: inline\n"
	    "Content-Transfer-Encoding: 7bit\n"
	    "\n"
	    "Vigil removed this part of the message: it was infected.\n"
	    "File: v_.exe\n"
	    "Type: application/octet-stream\n"
	    "Found: Trojan.X\n";
	static const struct tobj obj[] = {
		{ 0, "1", NULL, NULL },
		{ 0, "2:v_.exe", "Trojan.X", NULL },
	};
	struct mail_policy	 p;
	struct mail_out		 o;
	struct verdict		 v;

	(void)state;
	policy(&p);
	p.on_infected = MAIL_CLEAN;
	p.write_to_header = 0;
	p.quarantine_dir = "";
	mail_out_init(&o);
	mkverdict(&v, obj, nitems(obj));
	assert_int_equal(mail_decide(&p, NULL, (const uint8_t *)in,
	    strlen(in), &v, 42, &o), 0);
	assert_int_equal(o.action, MAIL_CLEAN);
	expect_msg(&o, want);
	check_forms(&o, in, strlen(in));
	verdict_free(&v);
	mail_out_free(&o);
}

/* test_uncleanable - nothing to remove: action_on_uncleanable */
static void
test_uncleanable(void **state)
{
	static const struct tobj	 top[] = {
		{ 0, "1", "Eicar-Test-Signature", NULL } };
	static const struct tobj	 unknown[] = {
		{ 0, "9:nothere.exe", "Eicar-Test-Signature", NULL } };
	struct mail_policy	 p;
	struct mail_out		 o;
	struct verdict		 v;

	(void)state;
	policy(&p);
	p.on_infected = MAIL_CLEAN;
	p.on_uncleanable = MAIL_DISCARD;
	mail_out_init(&o);
	/* a message that is not multipart */
	mkverdict(&v, top, 1);
	assert_int_equal(mail_decide(&p, NULL, (const uint8_t *)m_simple,
	    strlen(m_simple), &v, 42, &o), 0);
	assert_int_equal(o.action, MAIL_DISCARD);
	assert_int_equal(o.changed, 0);
	assert_string_equal(o.reason,
	    "Virus found: Eicar-Test-Signature (uncleanable)");
	verdict_free(&v);
	/* a finding in the message object itself */
	verdict_init(&v);
	assert_int_equal(verdict_object(&v, UINT32_MAX, "msg", 0, FT_MAIL,
	    10), 0);
	assert_int_equal(verdict_infected(&v, 0, "X"), 0);
	assert_int_equal(mail_decide(&p, NULL, (const uint8_t *)m_three,
	    strlen(m_three), &v, 42, &o), 0);
	assert_int_equal(o.action, MAIL_DISCARD);
	verdict_free(&v);
	/* a part the message does not have */
	mkverdict(&v, unknown, 1);
	assert_int_equal(mail_decide(&p, NULL, (const uint8_t *)m_three,
	    strlen(m_three), &v, 42, &o), 0);
	assert_int_equal(o.action, MAIL_DISCARD);
	verdict_free(&v);
	/* uncleanable accept: delivered, marked infected */
	p.on_uncleanable = MAIL_ACCEPT;
	mkverdict(&v, top, 1);
	assert_int_equal(mail_decide(&p, NULL, (const uint8_t *)m_simple,
	    strlen(m_simple), &v, 42, &o), 0);
	assert_int_equal(o.action, MAIL_ACCEPT);
	assert_int_equal(o.result, MAIL_R_INFECTED);
	assert_true(o.changed);
	assert_true(strncmp((const char *)o.msg.data,
	    "X-Vigil-Result: infected\n", 25) == 0);
	verdict_free(&v);
	mail_out_free(&o);
}

/* test_cleaned_notscanned - an unscanned part left: its action */
static void
test_cleaned_notscanned(void **state)
{
	static const struct tobj	 obj[] = {
		{ 0, "2:evil.com", "Eicar-Test-Signature", NULL },
		{ 0, "3:doc.pdf", NULL, "encrypted" },
	};
	struct mail_policy	 p;
	struct mail_out		 o;
	struct verdict		 v;

	(void)state;
	policy(&p);
	p.on_infected = MAIL_CLEAN;
	p.quarantine_dir = "";
	mail_out_init(&o);
	mkverdict(&v, obj, nitems(obj));
	assert_int_equal(mail_decide(&p, NULL, (const uint8_t *)m_three,
	    strlen(m_three), &v, 42, &o), 0);
	assert_int_equal(o.action, MAIL_DEFER);
	assert_int_equal(o.changed, 0);
	p.on_notscanned = MAIL_ACCEPT;
	assert_int_equal(mail_decide(&p, NULL, (const uint8_t *)m_three,
	    strlen(m_three), &v, 42, &o), 0);
	assert_int_equal(o.action, MAIL_CLEAN);
	assert_int_equal(o.result, MAIL_R_CLEANED);
	verdict_free(&v);
	mail_out_free(&o);
}

/* test_quarantine - the files, their modes, their metadata */
static void
test_quarantine(void **state)
{
	static const char	*rcpts[] = { "r1@example.net",
				    "r2@example.net\nInjected: yes" };
	struct mail_env		 e = { "mda", "s@example.org", rcpts, 2,
				    NULL };
	struct mail_policy	 p;
	struct mail_out		 o;
	struct verdict		 v;
	char			 meta[PATH_MAX], *s;
	mode_t			 mode;

	(void)state;
	policy(&p);
	p.on_infected = MAIL_QUARANTINE;
	mail_out_init(&o);
	mkverdict(&v, o_three, nitems(o_three));
	assert_int_equal(mail_decide(&p, &e, (const uint8_t *)m_three,
	    strlen(m_three), &v, 42, &o), 0);
	assert_int_equal(o.action, MAIL_QUARANTINE);
	assert_int_equal(o.changed, 0);
	assert_true(strncmp(o.qpath, tmpdir, strlen(tmpdir)) == 0);
	assert_true(strcmp(o.qpath + strlen(o.qpath) - 4, ".eml") == 0);
	s = readfile(o.qpath, &mode);
	assert_string_equal(s, m_three);
	assert_int_equal(mode, 0600);
	free(s);
	snprintf(meta, sizeof(meta), "%.*s.meta", (int)strlen(o.qpath) - 4,
	    o.qpath);
	s = readfile(meta, &mode);
	assert_int_equal(mode, 0600);
	assert_true(strncmp(s, "Date: ", 6) == 0);
	assert_non_null(strstr(s, "\nSender: s@example.org\n"
	    "Recipient: r1@example.net\n"
	    "Recipient: r2@example.net_Injected: yes\n"));
	assert_non_null(strstr(s, "\nAgent: mda\nResult: infected\n"
	    "Action: quarantine\nReason: Virus found: "
	    "Eicar-Test-Signature\n"));
	assert_non_null(strstr(s, "\nSize: "));
	free(s);
	unlink(o.qpath);
	unlink(meta);

	/* no directory, or none configured: defer, never lose it */
	p.quarantine_dir = "/nonexistent/quarantine";
	assert_int_equal(mail_decide(&p, &e, (const uint8_t *)m_three,
	    strlen(m_three), &v, 42, &o), -1);
	assert_int_equal(o.action, MAIL_DEFER);
	assert_int_equal(o.failed, 1);
	assert_true(strncmp(o.reason, "Temporary failure: quarantine: ",
	    31) == 0);
	p.quarantine_dir = "";
	assert_int_equal(mail_decide(&p, &e, (const uint8_t *)m_three,
	    strlen(m_three), &v, 42, &o), -1);
	assert_int_equal(o.action, MAIL_DEFER);
	/* a clean that cannot keep the original does not clean */
	p.on_infected = MAIL_CLEAN;
	p.quarantine_dir = "/nonexistent/quarantine";
	assert_int_equal(mail_decide(&p, &e, (const uint8_t *)m_three,
	    strlen(m_three), &v, 42, &o), -1);
	assert_int_equal(o.action, MAIL_DEFER);
	assert_int_equal(o.changed, 0);
	verdict_free(&v);
	mail_out_free(&o);
}

/* test_footers - default and file templates in plain, HTML, QP, base64 */
static void
test_footers(void **state)
{
	static const struct tobj obj[] = { { 0, "1/1", NULL, NULL } };
	static const char	 qp[] =
	    "Subject: q\n"
	    "Content-Type: text/plain; charset=utf-8\n"
	    "Content-Transfer-Encoding: quoted-printable\n"
	    "\n"
	    "caf=C3=A9\n";
	static const char	 b64msg[] =
	    "Subject: b\n"
	    "Content-Type: multipart/mixed; boundary=B\n"
	    "\n"
	    "--B\n"
	    "Content-Type: text/plain\n"
	    "Content-Transfer-Encoding: base64\n"
	    "\n"
	    "aGVsbG8K\n"
	    "--B--\n";
	struct mail_policy	 p;
	struct mail_out		 o;
	struct verdict		 v;
	char			 path[PATH_MAX];
	FILE			*f;

	(void)state;
	policy(&p);
	p.write_to_header = 0;
	p.write_to_emails = 1;
	mail_out_init(&o);
	mkverdict(&v, obj, 1);

	/* the built-in defaults: a plain and an HTML part */
	assert_int_equal(mail_decide(&p, NULL, (const uint8_t *)m_three,
	    strlen(m_three), &v, 42, &o), 0);
	check_forms(&o, m_three, strlen(m_three));
	assert_true(contains(&o, "plain text\n\n-- \n"
	    "This message was scanned by " SCANNER ": no virus found.\n\n"
	    "--inner\n"));
	assert_true(contains(&o, "<html><body><p>html</p>\n<hr>\n<p>This "
	    "message was scanned by " SCANNER ": no virus found.</p>\n"
	    "</body></html>\n--inner--"));

	/* from files: header and footer */
	snprintf(path, sizeof(path), "%s/sig_footer_clean.txt", tmpdir);
	assert_non_null(f = fopen(path, "w"));
	fputs("FOOT %RESULT% caf\xc3\xa9\n", f);
	fclose(f);
	snprintf(path, sizeof(path), "%s/sig_header_clean.txt", tmpdir);
	assert_non_null(f = fopen(path, "w"));
	fputs("HEAD\n", f);
	fclose(f);
	p.template_dir = tmpdir;
	assert_int_equal(mail_decide(&p, NULL, (const uint8_t *)m_simple,
	    strlen(m_simple), &v, 42, &o), 0);
	expect_msg(&o, "From: a@example.com\nTo: b@example.com\n"
	    "Subject: hello\n\nHEAD\nHello world\nFOOT clean caf\xc3\xa9\n");
	assert_non_null(o.body);
	assert_int_equal(o.bodylen, strlen("HEAD\nHello world\nFOOT clean "
	    "caf\xc3\xa9\n"));
	check_forms(&o, m_simple, strlen(m_simple));

	/* quoted-printable: encoded */
	assert_int_equal(mail_decide(&p, NULL, (const uint8_t *)qp,
	    strlen(qp), &v, 42, &o), 0);
	expect_msg(&o, "Subject: q\nContent-Type: text/plain; charset=utf-8\n"
	    "Content-Transfer-Encoding: quoted-printable\n\n"
	    "HEAD\ncaf=C3=A9\nFOOT clean caf=C3=A9\n");

	/* base64: decoded, extended, encoded again */
	assert_int_equal(mail_decide(&p, NULL, (const uint8_t *)b64msg,
	    strlen(b64msg), &v, 42, &o), 0);
	/* "HEAD\nhello\nFOOT clean café\n" */
	expect_msg(&o, "Subject: b\n"
	    "Content-Type: multipart/mixed; boundary=B\n\n--B\n"
	    "Content-Type: text/plain\nContent-Transfer-Encoding: base64\n\n"
	    "SEVBRApoZWxsbwpGT09UIGNsZWFuIGNhZsOpCg==\n--B--\n");
	check_forms(&o, b64msg, strlen(b64msg));

	/* an unreadable template: defer */
	snprintf(path, sizeof(path), "%s/sig_footer_clean.txt", tmpdir);
	unlink(path);
	assert_int_equal(mkdir(path, 0700), 0);
	assert_int_equal(mail_decide(&p, NULL, (const uint8_t *)m_simple,
	    strlen(m_simple), &v, 42, &o), -1);
	assert_int_equal(o.action, MAIL_DEFER);
	rmdir(path);
	snprintf(path, sizeof(path), "%s/sig_header_clean.txt", tmpdir);
	unlink(path);
	verdict_free(&v);
	mail_out_free(&o);
}

/* test_footer_infected - findings listed in the default footer */
static void
test_footer_infected(void **state)
{
	struct mail_policy	 p;
	struct mail_out		 o;
	struct verdict		 v;

	(void)state;
	policy(&p);
	p.on_infected = MAIL_CLEAN;
	p.write_to_header = 0;
	p.write_to_emails = 1;
	p.quarantine_dir = "";
	mail_out_init(&o);
	mkverdict(&v, o_three, nitems(o_three));
	assert_int_equal(mail_decide(&p, NULL, (const uint8_t *)m_three,
	    strlen(m_three), &v, 42, &o), 0);
	assert_int_equal(o.action, MAIL_CLEAN);
	check_forms(&o, m_three, strlen(m_three));
	assert_true(contains(&o, "\n\n*** Vigil: this message was cleaned "
	    "(Eicar-Test-Signature) ***\n\nplain text\n\n-- \nThis message "
	    "was scanned by " SCANNER ".\nResult: cleaned\n2:evil.com: "
	    "Eicar-Test-Signature\n\n--inner\n"));
	verdict_free(&v);
	mail_out_free(&o);
}

/* test_examples - conf/sig_*.example are the built-in defaults */
static void
test_examples(void **state)
{
	static const char	*res[] = { "clean", "infected",
				    "not_scanned" };
	static const char	*kind[] = { "header", "footer" };
	static const char	*ext[] = { "txt", "html" };
	static const struct tobj notsc[] = {
		{ 0, "1/1", NULL, "encrypted" } };
	const char		*top = getenv("VIGIL_TOP");
	char			 dir[128], src[PATH_MAX], dst[PATH_MAX];
	struct mail_policy	 p;
	struct mail_out		 a, b;
	struct verdict		 v[3];
	size_t			 i, j, k;
	int			 in, out;
	ssize_t			 n;
	char			 tmp[4096];

	(void)state;
	snprintf(dir, sizeof(dir), "%s/ex", tmpdir);
	assert_int_equal(mkdir(dir, 0700), 0);
	for (i = 0; i < 3; i++)
		for (j = 0; j < 2; j++)
			for (k = 0; k < 2; k++) {
				snprintf(src, sizeof(src),
				    "%s/conf/sig_%s_%s.%s.example",
				    top ? top : ".", kind[j], res[i], ext[k]);
				snprintf(dst, sizeof(dst), "%s/sig_%s_%s.%s",
				    dir, kind[j], res[i], ext[k]);
				in = open(src, O_RDONLY);
				assert_true(in >= 0);
				out = open(dst, O_WRONLY | O_CREAT, 0600);
				assert_true(out >= 0);
				while ((n = read(in, tmp, sizeof(tmp))) > 0)
					assert_int_equal(write(out, tmp,
					    (size_t)n), n);
				close(in);
				close(out);
			}
	mkverdict(&v[0], o_three, 0);
	mkverdict(&v[1], o_three, nitems(o_three));
	mkverdict(&v[2], notsc, 1);
	policy(&p);
	p.on_infected = MAIL_CLEAN;
	p.on_notscanned = MAIL_ACCEPT;
	p.quarantine_dir = "";
	p.write_to_emails = 1;
	mail_out_init(&a);
	mail_out_init(&b);
	for (i = 0; i < 3; i++) {
		p.template_dir = "/nonexistent";
		assert_int_equal(mail_decide(&p, NULL,
		    (const uint8_t *)m_three, strlen(m_three), &v[i], 42, &a),
		    0);
		p.template_dir = dir;
		assert_int_equal(mail_decide(&p, NULL,
		    (const uint8_t *)m_three, strlen(m_three), &v[i], 42, &b),
		    0);
		assert_int_equal(a.msg.len, b.msg.len);
		assert_memory_equal(a.msg.data, b.msg.data, a.msg.len);
		verdict_free(&v[i]);
	}
	for (i = 0; i < 3; i++)
		for (j = 0; j < 2; j++)
			for (k = 0; k < 2; k++) {
				snprintf(dst, sizeof(dst), "%s/sig_%s_%s.%s",
				    dir, kind[j], res[i], ext[k]);
				unlink(dst);
			}
	rmdir(dir);
	mail_out_free(&a);
	mail_out_free(&b);
}

/* test_max_size - too large: not scanned, no daemon asked */
static void
test_max_size(void **state)
{
	static const char	*none[] = { "/nonexistent/vigild.sock" };
	struct mail_policy	 p;
	struct mail_out		 o;

	(void)state;
	policy(&p);
	p.daemons = none;
	p.ndaemons = 1;
	p.max_message_size = 10;
	mail_out_init(&o);
	assert_int_equal(mail_scan(&p, NULL, (const uint8_t *)m_simple,
	    strlen(m_simple), -1, &o), 0);
	assert_int_equal(o.action, MAIL_DEFER);
	assert_int_equal(o.failed, 0);
	assert_string_equal(o.reason, "Not scanned: limit: message size");
	p.on_notscanned = MAIL_ACCEPT;
	assert_int_equal(mail_scan(&p, NULL, (const uint8_t *)m_simple,
	    strlen(m_simple), -1, &o), 0);
	assert_int_equal(o.action, MAIL_ACCEPT);
	assert_true(contains(&o, "X-Vigil-Result: not scanned\n"
	    "X-Virus-Scanner: Vigil " VIGIL_VERSION "\nFrom: "));
	/* at the limit: scanned, and the daemon is not there */
	p.max_message_size = strlen(m_simple);
	assert_int_equal(mail_scan(&p, NULL, (const uint8_t *)m_simple,
	    strlen(m_simple), -1, &o), -1);
	assert_int_equal(o.action, MAIL_DEFER);
	assert_int_equal(o.failed, 1);
	assert_string_equal(o.reason, "Temporary failure: vigild: "
	    "/nonexistent/vigild.sock: No such file or directory");
	mail_out_free(&o);
}

/* test_strings - the words */
static void
test_strings(void **state)
{
	(void)state;
	assert_string_equal(mail_action_str(MAIL_ACCEPT), "accept");
	assert_string_equal(mail_action_str(MAIL_QUARANTINE), "quarantine");
	assert_string_equal(mail_action_str(99), "?");
	assert_string_equal(mail_result_str(MAIL_R_NOTSCANNED),
	    "not scanned");
	assert_string_equal(mail_result_str(MAIL_R_CLEANED), "cleaned");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_policy),
		cmocka_unit_test(test_marks_lf),
		cmocka_unit_test(test_marks_mbox),
		cmocka_unit_test(test_subject),
		cmocka_unit_test(test_clean_nested),
		cmocka_unit_test(test_edits_only),
		cmocka_unit_test(test_clean_forwarded),
		cmocka_unit_test(test_clean_broken),
		cmocka_unit_test(test_uncleanable),
		cmocka_unit_test(test_cleaned_notscanned),
		cmocka_unit_test(test_quarantine),
		cmocka_unit_test(test_footers),
		cmocka_unit_test(test_footer_infected),
		cmocka_unit_test(test_examples),
		cmocka_unit_test(test_max_size),
		cmocka_unit_test(test_strings),
	};
	int	 rc;

	snprintf(tmpdir, sizeof(tmpdir), "/tmp/test_mail.XXXXXX");
	if (mkdtemp(tmpdir) == NULL)
		return 1;
	rc = cmocka_run_group_tests_name("mail", tests, NULL, NULL);
	rmdir(tmpdir);
	return rc;
}
