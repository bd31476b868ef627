/*
 * test_mime.c - unit tests for workers/mime.c
 *
 * The main table holds whole messages and, for every part mime_parse()
 * must list, its place in the tree, type, encoding, names, flags, the
 * exact text of its header block [start, hdr_end) and of its body
 * [hdr_end, end), and what mime_decode() makes of it.  Rows marked crlf
 * run a second time with every LF turned into CRLF (expected texts too,
 * decoded ones unless base64 or uuencoded).  Every parse is also checked
 * against the invariants mime.h promises (offsets ordered, inside the
 * parent's body, depth and numbering consistent, names clean).  Further
 * tables: file names (RFC 2047, RFC 2231, quoting, cleaning), header
 * field lookup, mbox splitting, mime_is_message(); then generated
 * messages for the limits and for speed (50 MB, 10000 parts, huge
 * headers, 100000 boundary-like lines, deep nesting), each of which must
 * parse in well under a second (ten under sanitizers).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "av/averr.h"
#include "util/buf.h"
#include "workers/mime.h"

#define nitems(a)	(sizeof(a) / sizeof((a)[0]))
#define NOPARENT	UINT32_MAX
#define MAXWANT		8

#if defined(__SANITIZE_ADDRESS__)
#define SLOW		10.0
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SLOW		10.0
#endif
#endif
#ifndef SLOW
#define SLOW		1.0
#endif

/* what one part must look like */
struct wpart {
	uint32_t	 parent;
	uint32_t	 depth;
	uint32_t	 number;
	uint32_t	 flags;
	enum mime_enc	 enc;
	const char	*type;
	const char	*filename;	/* NULL: empty */
	const char	*charset;	/* NULL: not checked */
	const char	*boundary;	/* NULL: empty */
	const char	*hdr;		/* header block, NULL: not checked */
	const char	*body;		/* body, NULL: not checked */
	const char	*decoded;	/* NULL: not checked */
};

/* a message and its parts */
static const struct mcase {
	const char	*name;
	const char	*text;
	int		 crlf;		/* run with CRLF too */
	uint32_t	 msgflags;
	uint32_t	 max_parts;
	uint32_t	 max_depth;
	uint32_t	 nparts;
	struct wpart	 p[MAXWANT];
} mcases[] = {
	{ "simple text message",
	  "From: a@example.com\nTo: b@example.com\nSubject: hello\n\n"
	  "Hello world\n", 1, 0, 0, 0, 1, {
	    { NOPARENT, 0, 1, 0, MIME_ENC_IDENTITY, "text/plain", NULL, "",
	      NULL, "From: a@example.com\nTo: b@example.com\nSubject: hello"
	      "\n\n", "Hello world\n", "Hello world\n" } } },
	{ "multipart/mixed with attachments",
	  "From: a@example.com\n"
	  "MIME-Version: 1.0\n"
	  "Content-Type: multipart/mixed; boundary=\"XYZ\"\n"
	  "\n"
	  "This is a preamble.\n"
	  "--XYZ\n"
	  "Content-Type: text/plain; charset=UTF-8\n"
	  "\n"
	  "Body text\n"
	  "--XYZ\n"
	  "Content-Type: application/octet-stream; name=\"a.bin\"\n"
	  "Content-Disposition: attachment; filename=\"report.pdf\"\n"
	  "Content-Transfer-Encoding: base64\n"
	  "\n"
	  "SGVsbG8s\n"
	  "IHdvcmxk\n"
	  "--XYZ\n"
	  "Content-Type: text/plain; name=notes.txt\n"
	  "Content-Transfer-Encoding: quoted-printable\n"
	  "\n"
	  "caf=C3=A9 =\n"
	  "au lait\n"
	  "--XYZ--\n"
	  "epilogue\n", 1, 0, 0, 0, 4, {
	    { NOPARENT, 0, 1, MIME_F_MULTIPART, MIME_ENC_IDENTITY,
	      "multipart/mixed", NULL, "", "XYZ", NULL, NULL, NULL },
	    { 0, 1, 1, 0, MIME_ENC_IDENTITY, "text/plain", NULL, "utf-8",
	      NULL, "Content-Type: text/plain; charset=UTF-8\n\n",
	      "Body text", "Body text" },
	    { 0, 1, 2, MIME_F_ATTACHMENT, MIME_ENC_BASE64,
	      "application/octet-stream", "report.pdf", "", NULL, NULL,
	      "SGVsbG8s\nIHdvcmxk", "Hello, world" },
	    { 0, 1, 3, 0, MIME_ENC_QP, "text/plain", "notes.txt", "", NULL,
	      NULL, "caf=C3=A9 =\nau lait", "caf\xc3\xa9 au lait" } } },
	{ "nested multipart/alternative inside mixed",
	  "Content-Type: multipart/mixed; boundary=outer\n"
	  "\n"
	  "--outer\n"
	  "Content-Type: multipart/alternative; boundary=\"inner\"\n"
	  "\n"
	  "--inner\n"
	  "Content-Type: text/plain\n"
	  "\n"
	  "plain\n"
	  "--inner\n"
	  "Content-Type: text/html\n"
	  "\n"
	  "<p>html</p>\n"
	  "--inner--\n"
	  "\n"
	  "--outer\n"
	  "Content-Type: image/png; name=\"x.png\"\n"
	  "Content-Transfer-Encoding: base64\n"
	  "\n"
	  "iVBORw0KGgo=\n"
	  "--outer--\n", 1, 0, 0, 0, 5, {
	    { NOPARENT, 0, 1, MIME_F_MULTIPART, MIME_ENC_IDENTITY,
	      "multipart/mixed", NULL, NULL, "outer", NULL, NULL, NULL },
	    { 0, 1, 1, MIME_F_MULTIPART, MIME_ENC_IDENTITY,
	      "multipart/alternative", NULL, NULL, "inner",
	      "Content-Type: multipart/alternative; boundary=\"inner\"\n\n",
	      "--inner\nContent-Type: text/plain\n\nplain\n--inner\n"
	      "Content-Type: text/html\n\n<p>html</p>\n--inner--\n", NULL },
	    { 1, 2, 1, 0, MIME_ENC_IDENTITY, "text/plain", NULL, NULL, NULL,
	      NULL, "plain", "plain" },
	    { 1, 2, 2, 0, MIME_ENC_IDENTITY, "text/html", NULL, NULL, NULL,
	      NULL, "<p>html</p>", "<p>html</p>" },
	    { 0, 1, 2, 0, MIME_ENC_BASE64, "image/png", "x.png", NULL, NULL,
	      NULL, "iVBORw0KGgo=", "\x89PNG\r\n\x1a\n" } } },
	{ "message/rfc822 forwarded with its own attachment",
	  "From: a@example.com\n"
	  "Subject: Fwd: report\n"
	  "Content-Type: multipart/mixed; boundary=\"b1\"\n"
	  "\n"
	  "--b1\n"
	  "Content-Type: text/plain\n"
	  "\n"
	  "See below.\n"
	  "--b1\n"
	  "Content-Type: message/rfc822\n"
	  "\n"
	  "From: c@example.com\n"
	  "Subject: report\n"
	  "Content-Type: multipart/mixed; boundary=\"b2\"\n"
	  "\n"
	  "--b2\n"
	  "Content-Type: text/plain\n"
	  "\n"
	  "Inner text\n"
	  "--b2\n"
	  "Content-Type: application/zip\n"
	  "Content-Disposition: attachment; filename=\"inner.zip\"\n"
	  "Content-Transfer-Encoding: base64\n"
	  "\n"
	  "UEsDBA==\n"
	  "--b2--\n"
	  "--b1--\n", 1, 0, 0, 0, 6, {
	    { NOPARENT, 0, 1, MIME_F_MULTIPART, MIME_ENC_IDENTITY,
	      "multipart/mixed", NULL, NULL, "b1", NULL, NULL, NULL },
	    { 0, 1, 1, 0, MIME_ENC_IDENTITY, "text/plain", NULL, NULL, NULL,
	      NULL, "See below.", NULL },
	    { 0, 1, 2, MIME_F_MESSAGE, MIME_ENC_IDENTITY, "message/rfc822",
	      NULL, NULL, NULL, "Content-Type: message/rfc822\n\n",
	      "From: c@example.com\nSubject: report\nContent-Type: "
	      "multipart/mixed; boundary=\"b2\"\n\n--b2\nContent-Type: "
	      "text/plain\n\nInner text\n--b2\nContent-Type: application/zip"
	      "\nContent-Disposition: attachment; filename=\"inner.zip\"\n"
	      "Content-Transfer-Encoding: base64\n\nUEsDBA==\n--b2--", NULL },
	    { 2, 2, 1, MIME_F_MULTIPART, MIME_ENC_IDENTITY,
	      "multipart/mixed", NULL, NULL, "b2",
	      "From: c@example.com\nSubject: report\nContent-Type: "
	      "multipart/mixed; boundary=\"b2\"\n\n", NULL, NULL },
	    { 3, 3, 1, 0, MIME_ENC_IDENTITY, "text/plain", NULL, NULL, NULL,
	      NULL, "Inner text", NULL },
	    { 3, 3, 2, MIME_F_ATTACHMENT, MIME_ENC_BASE64, "application/zip",
	      "inner.zip", NULL, NULL, NULL, "UEsDBA==", "PK\3\4" } } },
	{ "broken: closing delimiter missing",
	  "Content-Type: multipart/mixed; boundary=\"b\"\n"
	  "\n"
	  "--b\n"
	  "Content-Type: text/plain\n"
	  "\n"
	  "one\n"
	  "--b\n"
	  "Content-Type: text/plain\n"
	  "\n"
	  "two, never closed\n", 1, 0, 0, 0, 3, {
	    { NOPARENT, 0, 1, MIME_F_MULTIPART | MIME_F_BROKEN,
	      MIME_ENC_IDENTITY, "multipart/mixed", NULL, NULL, "b", NULL,
	      NULL, NULL },
	    { 0, 1, 1, 0, MIME_ENC_IDENTITY, "text/plain", NULL, NULL, NULL,
	      NULL, "one", NULL },
	    { 0, 1, 2, 0, MIME_ENC_IDENTITY, "text/plain", NULL, NULL, NULL,
	      NULL, "two, never closed\n", NULL } } },
	{ "broken: boundary never used",
	  "Content-Type: multipart/mixed; boundary=\"never\"\n"
	  "\n"
	  "--other\n"
	  "Content-Type: text/plain\n"
	  "\n"
	  "text\n", 1, 0, 0, 0, 1, {
	    { NOPARENT, 0, 1, MIME_F_BROKEN, MIME_ENC_IDENTITY,
	      "multipart/mixed", NULL, NULL, "never", NULL,
	      "--other\nContent-Type: text/plain\n\ntext\n",
	      "--other\nContent-Type: text/plain\n\ntext\n" } } },
	{ "broken: boundaries match whatever their case",
	  "Content-Type: multipart/mixed; boundary=\"AbC\"\n"
	  "\n"
	  "--abc\n"
	  "Content-Type: text/plain\n"
	  "\n"
	  "x\n"
	  "--ABC--\n", 1, 0, 0, 0, 2, {
	    { NOPARENT, 0, 1, MIME_F_MULTIPART, MIME_ENC_IDENTITY,
	      "multipart/mixed", NULL, NULL, "AbC", NULL, NULL, NULL },
	    { 0, 1, 1, 0, MIME_ENC_IDENTITY, "text/plain", NULL, NULL,
	      NULL, "Content-Type: text/plain\n\n", "x", "x" } } },
	{ "broken: no boundary parameter",
	  "Content-Type: multipart/mixed\n\n--b\n\nx\n--b--\n", 1, 0, 0, 0,
	  1, {
	    { NOPARENT, 0, 1, MIME_F_BROKEN, MIME_ENC_IDENTITY,
	      "multipart/mixed", NULL, NULL, NULL, NULL, NULL, NULL } } },
	{ "delimiters with trailing white space",
	  "Content-Type: multipart/mixed; boundary=\"b  \"\n"
	  "\n"
	  "--b   \n"
	  "Content-Type: text/plain\n"
	  "\n"
	  "one\n"
	  "--b\t\n"
	  "Content-Type: text/plain\n"
	  "\n"
	  "two\n"
	  "--b-- \t\n", 1, 0, 0, 0, 3, {
	    { NOPARENT, 0, 1, MIME_F_MULTIPART, MIME_ENC_IDENTITY,
	      "multipart/mixed", NULL, NULL, "b", NULL, NULL, NULL },
	    { 0, 1, 1, 0, MIME_ENC_IDENTITY, "text/plain", NULL, NULL, NULL,
	      NULL, "one", NULL },
	    { 0, 1, 2, 0, MIME_ENC_IDENTITY, "text/plain", NULL, NULL, NULL,
	      NULL, "two", NULL } } },
	{ "boundary followed by other text is body",
	  "Content-Type: multipart/mixed; boundary=b\n"
	  "\n"
	  "--b\n"
	  "\n"
	  "--bx is text\n"
	  "--b--junk\n"
	  "- --b\n"
	  "--b--\n", 1, 0, 0, 0, 2, {
	    { NOPARENT, 0, 1, MIME_F_MULTIPART, MIME_ENC_IDENTITY,
	      "multipart/mixed", NULL, NULL, "b", NULL, NULL, NULL },
	    { 0, 1, 1, 0, MIME_ENC_IDENTITY, "text/plain", NULL, NULL, NULL,
	      "\n", "--bx is text\n--b--junk\n- --b", NULL } } },
	{ "broken: inner multipart ended by the outer boundary",
	  "Content-Type: multipart/mixed; boundary=\"out\"\n"
	  "\n"
	  "--out\n"
	  "Content-Type: multipart/alternative; boundary=\"in\"\n"
	  "\n"
	  "--in\n"
	  "Content-Type: text/plain\n"
	  "\n"
	  "inner one\n"
	  "--out\n"
	  "Content-Type: text/plain\n"
	  "\n"
	  "outer two\n"
	  "--out--\n", 1, 0, 0, 0, 4, {
	    { NOPARENT, 0, 1, MIME_F_MULTIPART, MIME_ENC_IDENTITY,
	      "multipart/mixed", NULL, NULL, "out", NULL, NULL, NULL },
	    { 0, 1, 1, MIME_F_MULTIPART | MIME_F_BROKEN, MIME_ENC_IDENTITY,
	      "multipart/alternative", NULL, NULL, "in", NULL,
	      "--in\nContent-Type: text/plain\n\ninner one", NULL },
	    { 1, 2, 1, 0, MIME_ENC_IDENTITY, "text/plain", NULL, NULL, NULL,
	      NULL, "inner one", NULL },
	    { 0, 1, 2, 0, MIME_ENC_IDENTITY, "text/plain", NULL, NULL, NULL,
	      NULL, "outer two", NULL } } },
	{ "nested multipart with the outer boundary",
	  "Content-Type: multipart/mixed; boundary=same\n"
	  "\n"
	  "--same\n"
	  "Content-Type: multipart/mixed; boundary=same\n"
	  "\n"
	  "--same\n"
	  "\n"
	  "x\n"
	  "--same--\n", 1, 0, 0, 0, 3, {
	    { NOPARENT, 0, 1, MIME_F_MULTIPART, MIME_ENC_IDENTITY,
	      "multipart/mixed", NULL, NULL, "same", NULL, NULL, NULL },
	    { 0, 1, 1, MIME_F_BROKEN, MIME_ENC_IDENTITY, "multipart/mixed",
	      NULL, NULL, "same", NULL, "", NULL },
	    { 0, 1, 2, 0, MIME_ENC_IDENTITY, "text/plain", NULL, NULL, NULL,
	      "\n", "x", NULL } } },
	{ "broken: a part after the closing delimiter",
	  "Content-Type: multipart/mixed; boundary=\"b\"\n"
	  "\n"
	  "--b\n"
	  "\n"
	  "one\n"
	  "--b--\n"
	  "epilogue\n"
	  "--b\n"
	  "Content-Type: application/octet-stream\n"
	  "\n"
	  "hidden\n", 1, 0, 0, 0, 3, {
	    { NOPARENT, 0, 1, MIME_F_MULTIPART, MIME_ENC_IDENTITY,
	      "multipart/mixed", NULL, NULL, "b", NULL, NULL, NULL },
	    { 0, 1, 1, 0, MIME_ENC_IDENTITY, "text/plain", NULL, NULL, NULL,
	      "\n", "one", NULL },
	    { 0, 1, 2, MIME_F_BROKEN, MIME_ENC_IDENTITY,
	      "application/octet-stream", NULL, NULL, NULL, NULL, "hidden\n",
	      NULL } } },
	{ "empty parts between delimiters",
	  "Content-Type: multipart/mixed; boundary=b\n"
	  "\n"
	  "--b\n"
	  "--b\n"
	  "\n"
	  "--b\n"
	  "Content-Type: text/html\n"
	  "--b--\n", 1, 0, 0, 0, 4, {
	    { NOPARENT, 0, 1, MIME_F_MULTIPART, MIME_ENC_IDENTITY,
	      "multipart/mixed", NULL, NULL, "b", NULL, NULL, NULL },
	    { 0, 1, 1, 0, MIME_ENC_IDENTITY, "text/plain", NULL, NULL, NULL,
	      "", "", "" },
	    { 0, 1, 2, 0, MIME_ENC_IDENTITY, "text/plain", NULL, NULL, NULL,
	      "", "", "" },
	    { 0, 1, 3, 0, MIME_ENC_IDENTITY, "text/html", NULL, NULL, NULL,
	      "Content-Type: text/html", "", "" } } },
	{ "garbled headers",
	  "Content-Type: garbage\n"
	  "Content-type: TEXT/HTML; CHARSET=\"ISO-8859-1\"\n"
	  "Content-Type: text/plain\n"
	  "X-Junk: \001\002\n"
	  " folded\n"
	  "Subject : spaced\n"
	  "\n"
	  "<html>\n", 1, 0, 0, 0, 1, {
	    { NOPARENT, 0, 1, 0, MIME_ENC_IDENTITY, "text/html", NULL,
	      "iso-8859-1", NULL, NULL, "<html>\n", NULL } } },
	{ "garbled: overlong top-level type",
	  "Content-Type: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa/b\n"
	  "Content-Type: application/x-very-long-subtype-that-does-not-fit-"
	  "in-the-field-at-all\n\nx\n", 0, 0, 0, 0, 1, {
	    { NOPARENT, 0, 1, 0, MIME_ENC_IDENTITY,
	      "application/x-very-long-subtype-that-does-not-fit-in-the-field-",
	      NULL, NULL, NULL, NULL, "x\n", NULL } } },
	{ "garbled: no usable Content-Type",
	  "Content-Type: ;;;\nContent-Type: text\nSubject: x\n\nbody\n", 1, 0,
	  0, 0, 1, {
	    { NOPARENT, 0, 1, MIME_F_BROKEN, MIME_ENC_IDENTITY, "text/plain",
	      NULL, NULL, NULL, NULL, "body\n", NULL } } },
	{ "garbled: no blank line after the headers",
	  "Subject: x\nContent-Type: text/plain\nThis is body\nmore\n", 1, 0,
	  0, 0, 1, {
	    { NOPARENT, 0, 1, MIME_F_BROKEN, MIME_ENC_IDENTITY, "text/plain",
	      NULL, NULL, NULL, "Subject: x\nContent-Type: text/plain\n",
	      "This is body\nmore\n", NULL } } },
	{ "garbled: a part header line without a colon",
	  "Content-Type: multipart/mixed; boundary=b\n"
	  "\n"
	  "--b\n"
	  "Content-Type: text/plain\n"
	  "garbage line\n"
	  "more\n"
	  "\n"
	  "--b--\n", 1, 0, 0, 0, 2, {
	    { NOPARENT, 0, 1, MIME_F_MULTIPART, MIME_ENC_IDENTITY,
	      "multipart/mixed", NULL, NULL, "b", NULL, NULL, NULL },
	    { 0, 1, 1, MIME_F_BROKEN, MIME_ENC_IDENTITY, "text/plain", NULL,
	      NULL, NULL, "Content-Type: text/plain\n", "garbage line\nmore\n",
	      NULL } } },
	{ "garbled: headers only",
	  "Subject: x\nFrom: y", 0, 0, 0, 0, 1, {
	    { NOPARENT, 0, 1, 0, MIME_ENC_IDENTITY, "text/plain", NULL, NULL,
	      NULL, "Subject: x\nFrom: y", "", "" } } },
	{ "empty input", "", 0, 0, 0, 0, 1, {
	    { NOPARENT, 0, 1, 0, MIME_ENC_IDENTITY, "text/plain", NULL, "",
	      NULL, "", "", "" } } },
	{ "mbox From line belongs to the header block",
	  "From a@b Sat Jan  1 00:00:00 2000\nSubject: x\n\nbody\n", 1, 0, 0,
	  0, 1, {
	    { NOPARENT, 0, 1, 0, MIME_ENC_IDENTITY, "text/plain", NULL, NULL,
	      NULL, "From a@b Sat Jan  1 00:00:00 2000\nSubject: x\n\n",
	      "body\n", NULL } } },
	{ "multipart/digest parts default to message/rfc822",
	  "Content-Type: multipart/digest; boundary=d\n"
	  "\n"
	  "--d\n"
	  "\n"
	  "Subject: one\n"
	  "\n"
	  "first\n"
	  "--d\n"
	  "Content-Type: text/plain\n"
	  "\n"
	  "not a message\n"
	  "--d--\n", 1, 0, 0, 0, 4, {
	    { NOPARENT, 0, 1, MIME_F_MULTIPART, MIME_ENC_IDENTITY,
	      "multipart/digest", NULL, NULL, "d", NULL, NULL, NULL },
	    { 0, 1, 1, MIME_F_MESSAGE, MIME_ENC_IDENTITY, "message/rfc822",
	      NULL, NULL, NULL, "\n", "Subject: one\n\nfirst", NULL },
	    { 1, 2, 1, 0, MIME_ENC_IDENTITY, "text/plain", NULL, NULL, NULL,
	      "Subject: one\n\n", "first", "first" },
	    { 0, 1, 2, 0, MIME_ENC_IDENTITY, "text/plain", NULL, NULL, NULL,
	      NULL, "not a message", NULL } } },
	{ "encoded message/rfc822 is a leaf",
	  "Content-Type: message/rfc822\n"
	  "Content-Transfer-Encoding: base64\n"
	  "\n"
	  "U3ViamVjdDogeAoKYm9keQo=\n", 0, 0, 0, 0, 1, {
	    { NOPARENT, 0, 1, 0, MIME_ENC_BASE64, "message/rfc822", NULL,
	      NULL, NULL, NULL, NULL, "Subject: x\n\nbody\n" } } },
	{ "containers without a body are leaves",
	  "Content-Type: multipart/mixed; boundary=b\n"
	  "\n"
	  "--b\n"
	  "Content-Type: message/rfc822\n"
	  "--b\n"
	  "Content-Type: multipart/mixed; boundary=c\n", 1, 0, 0, 0, 3, {
	    { NOPARENT, 0, 1, MIME_F_MULTIPART | MIME_F_BROKEN,
	      MIME_ENC_IDENTITY, "multipart/mixed", NULL, NULL, "b", NULL,
	      NULL, NULL },
	    { 0, 1, 1, MIME_F_BROKEN, MIME_ENC_IDENTITY, "message/rfc822",
	      NULL, NULL, NULL, "Content-Type: message/rfc822", "", NULL },
	    { 0, 1, 2, MIME_F_BROKEN, MIME_ENC_IDENTITY, "multipart/mixed",
	      NULL, NULL, "c", NULL, "", NULL } } },
	{ "mime_decode of each transfer encoding",
	  "Content-Type: multipart/mixed; boundary=b\n"
	  "\n"
	  "--b\n"
	  "Content-Transfer-Encoding: BASE64\n"
	  "\n"
	  "SGVs bG8*sIHdv\n"
	  "cmxkIQ\n"
	  "--b\n"
	  "Content-Transfer-Encoding: Quoted-Printable (comment)\n"
	  "\n"
	  "soft=\n"
	  "break, caf=c3=a9, bad =ZZ =4\n"
	  "--b\n"
	  "Content-Type: application/octet-stream\n"
	  "Content-Transfer-Encoding: x-uuencode\n"
	  "\n"
	  "begin 644 cat.txt\n"
	  "#0V%T\n"
	  "`\n"
	  "end\n"
	  "--b\n"
	  "Content-Transfer-Encoding: x-uue\n"
	  "\n"
	  "#0V%T\n"
	  "`\n"
	  "end\n"
	  "--b\n"
	  "Content-Transfer-Encoding: 8bit\n"
	  "\n"
	  "raw \xff bytes\n"
	  "--b--\n", 1, 0, 0, 0, 6, {
	    { NOPARENT, 0, 1, MIME_F_MULTIPART, MIME_ENC_IDENTITY,
	      "multipart/mixed", NULL, NULL, "b", NULL, NULL, NULL },
	    { 0, 1, 1, 0, MIME_ENC_BASE64, "text/plain", NULL, NULL, NULL,
	      NULL, NULL, "Hello, world!" },
	    { 0, 1, 2, 0, MIME_ENC_QP, "text/plain", NULL, NULL, NULL, NULL,
	      NULL, "softbreak, caf\xc3\xa9, bad =ZZ =4" },
	    { 0, 1, 3, 0, MIME_ENC_UUENCODE, "application/octet-stream",
	      NULL, NULL, NULL, NULL, NULL, "Cat" },
	    { 0, 1, 4, 0, MIME_ENC_UUENCODE, "text/plain", NULL, NULL, NULL,
	      NULL, NULL, "Cat" },
	    { 0, 1, 5, 0, MIME_ENC_IDENTITY, "text/plain", NULL, NULL, NULL,
	      NULL, "raw \xff bytes", "raw \xff bytes" } } },
	{ "limit: max_parts",
	  "Content-Type: multipart/mixed; boundary=b\n"
	  "\n"
	  "--b\n\none\n--b\n\ntwo\n--b\n\nthree\n--b\n\nfour\n--b--\n", 1,
	  MIME_MSG_LIMIT, 3, 0, 3, {
	    { NOPARENT, 0, 1, MIME_F_MULTIPART, MIME_ENC_IDENTITY,
	      "multipart/mixed", NULL, NULL, "b", NULL, NULL, NULL },
	    { 0, 1, 1, 0, MIME_ENC_IDENTITY, "text/plain", NULL, NULL, NULL,
	      "\n", "one", NULL },
	    { 0, 1, 2, 0, MIME_ENC_IDENTITY, "text/plain", NULL, NULL, NULL,
	      "\n", "two", NULL } } },
	{ "limit: max_depth",
	  "Content-Type: multipart/mixed; boundary=a\n"
	  "\n"
	  "--a\n"
	  "Content-Type: multipart/mixed; boundary=b\n"
	  "\n"
	  "--b\n"
	  "Content-Type: multipart/mixed; boundary=c\n"
	  "\n"
	  "--c\n"
	  "\n"
	  "deep\n"
	  "--c--\n"
	  "--b--\n"
	  "--a\n"
	  "Content-Type: message/rfc822\n"
	  "\n"
	  "Subject: inner\n"
	  "\n"
	  "x\n"
	  "--a--\n", 1, MIME_MSG_LIMIT, 0, 1, 3, {
	    { NOPARENT, 0, 1, MIME_F_MULTIPART, MIME_ENC_IDENTITY,
	      "multipart/mixed", NULL, NULL, "a", NULL, NULL, NULL },
	    { 0, 1, 1, MIME_F_MULTIPART, MIME_ENC_IDENTITY,
	      "multipart/mixed", NULL, NULL, "b", NULL,
	      "--b\nContent-Type: multipart/mixed; boundary=c\n\n--c\n\ndeep"
	      "\n--c--\n--b--", NULL },
	    { 0, 1, 2, MIME_F_MESSAGE, MIME_ENC_IDENTITY, "message/rfc822",
	      NULL, NULL, NULL, NULL, "Subject: inner\n\nx", NULL } } },
};

/* file names: a header block, the name it must give */
static const struct ncase {
	const char	*name;
	const char	*hdr;
	const char	*want;
	uint32_t	 flags;
} ncases[] = {
	{ "name: RFC 2047 B in filename",
	  "Content-Disposition: attachment; filename=\"=?UTF-8?B?w6lsw6h2ZS5w"
	  "ZGY=?=\"", "\xc3\xa9l\xc3\xa8ve.pdf", MIME_F_ATTACHMENT },
	{ "name: RFC 2047 Q with underscores",
	  "Content-Disposition: attachment;\n filename=\"=?ISO-8859-1?Q?caf=E9"
	  "_cr=E8me.txt?=\"", "caf\xc3\xa9 cr\xc3\xa8me.txt",
	  MIME_F_ATTACHMENT },
	{ "name: RFC 2047 words joined",
	  "Content-Type: text/plain;\n"
	  " name=\"=?UTF-8?Q?a?=\n =?UTF-8?Q?b.txt?=\"",
	  "ab.txt", 0 },
	{ "name: RFC 2231 continuations",
	  "Content-Disposition: inline; filename*0=\"long\";\n"
	  " filename*1=\"name\"; filename*2=.txt", "longname.txt", 0 },
	{ "name: RFC 2231 charset and language",
	  "Content-Disposition: attachment; filename*=UTF-8'en'%C3%A9t%C3%A9"
	  ".doc", "\xc3\xa9t\xc3\xa9.doc", MIME_F_ATTACHMENT },
	{ "name: RFC 2231 ISO-8859-1",
	  "Content-Disposition: attachment; filename*=iso-8859-1''caf%e9.txt",
	  "caf\xc3\xa9.txt", MIME_F_ATTACHMENT },
	{ "name: RFC 2231 extended continuations",
	  "Content-Disposition: attachment;\n"
	  " filename*0*=UTF-8''%C3%A9;\n"
	  " filename*1*=%C3%A9; filename*2=\"x%20.txt\"",
	  "\xc3\xa9\xc3\xa9x%20.txt", MIME_F_ATTACHMENT },
	{ "name: RFC 2231 sections out of order",
	  "Content-Type: text/plain; name*1=\"b.txt\"; NAME*0=\"a\"", "ab.txt",
	  0 },
	{ "name: RFC 2231 stops at a gap",
	  "Content-Type: text/plain; name*0=\"a\"; name*2=\"c\"", "a", 0 },
	{ "name: RFC 2231 preferred to plain",
	  "Content-Disposition: attachment; filename=\"plain.txt\";"
	  " filename*=UTF-8''ext.txt", "ext.txt", MIME_F_ATTACHMENT },
	{ "name: RFC 2231 unknown charset",
	  "Content-Disposition: attachment; filename*=koi8-r''%C1.txt",
	  "?.txt", MIME_F_ATTACHMENT },
	{ "name: RFC 2231 empty charset keeps bytes",
	  "Content-Disposition: attachment; filename*=''%C3%A9.txt",
	  "\xc3\xa9.txt", MIME_F_ATTACHMENT },
	{ "name: quoted with escaped quotes",
	  "Content-Disposition: attachment; filename=\"say \\\"hi\\\".txt\"",
	  "say \"hi\".txt", MIME_F_ATTACHMENT },
	{ "name: escaped backslash",
	  "Content-Disposition: attachment; filename=\"a\\\\b.txt\"",
	  "a\\b.txt", MIME_F_ATTACHMENT },
	{ "name: slashes replaced",
	  "Content-Disposition: attachment; filename=\"../../etc/passwd\"",
	  ".._.._etc_passwd", MIME_F_ATTACHMENT },
	{ "name: control characters replaced",
	  "Content-Disposition: attachment; filename=\"=?UTF-8?Q?a=01b=2Fc=7F"
	  "d=00e?=\"", "a_b_c_d_e", MIME_F_ATTACHMENT },
	{ "name: RFC 2231 control characters replaced",
	  "Content-Disposition: attachment; filename*=UTF-8''a%09b%0Ac",
	  "a_b_c", MIME_F_ATTACHMENT },
	{ "name: parameter names case-insensitive",
	  "Content-Disposition: ATTACHMENT; FileName=\"up.txt\"", "up.txt",
	  MIME_F_ATTACHMENT },
	{ "name: Content-Type name as fallback",
	  "Content-Type: application/octet-stream; name=\"ct.bin\"", "ct.bin",
	  0 },
	{ "name: Content-Disposition wins",
	  "Content-Type: application/octet-stream; name=\"ct.bin\"\n"
	  "Content-Disposition: attachment; filename=\"cd.bin\"", "cd.bin",
	  MIME_F_ATTACHMENT },
	{ "name: unquoted with spaces",
	  "Content-Disposition: attachment; filename=my file.exe ;x=y",
	  "my file.exe", MIME_F_ATTACHMENT },
	{ "name: missing semicolon",
	  "Content-Disposition: attachment filename=x.exe", "x.exe",
	  MIME_F_ATTACHMENT },
	{ "name: junk between parameters",
	  "Content-Disposition: attachment; ;; junk (a comment); =odd;"
	  " filename=\"j.txt\"", "j.txt", MIME_F_ATTACHMENT },
	{ "name: folded inside quotes",
	  "Content-Disposition: attachment; filename=\"fold\n ed.txt\"",
	  "fold ed.txt", MIME_F_ATTACHMENT },
	{ "name: unterminated quote",
	  "Content-Disposition: attachment; filename=\"abc.txt", "abc.txt",
	  MIME_F_ATTACHMENT },
	{ "name: raw UTF-8 kept",
	  "Content-Disposition: attachment; filename=\"\xc3\xa9t\xc3\xa9.txt\"",
	  "\xc3\xa9t\xc3\xa9.txt", MIME_F_ATTACHMENT },
	{ "name: comment after the type",
	  "Content-Type: text/plain (a comment); name=\"c.txt\"", "c.txt", 0 },
	{ "name: inline is no attachment",
	  "Content-Disposition: inline; filename=\"i.txt\"", "i.txt", 0 },
	{ "name: none", "Content-Type: text/plain", "", 0 },
};

/* mime_field(): the field that name must find in the fixture */
static const char ftext[] =
    "From: a@example.com\n"
    "Subject: this is\n"
    " a folded\n"
    "\tsubject\n"
    "content-TYPE: text/plain;\n"
    "  charset=us-ascii\n"
    "Received : spaced name\n"
    "X-Last: v\n"
    "\n"
    "Body: not a field\n";

static const struct fcase {
	const char	*name;
	const char	*field;
	const char	*want;		/* NULL: ENOENT */
} fcases[] = {
	{ "field: first", "from", "From: a@example.com\n" },
	{ "field: folded", "Subject",
	  "Subject: this is\n a folded\n\tsubject\n" },
	{ "field: case-insensitive", "Content-Type",
	  "content-TYPE: text/plain;\n  charset=us-ascii\n" },
	{ "field: blank before colon", "received", "Received : spaced name\n" },
	{ "field: last", "X-LAST", "X-Last: v\n" },
	{ "field: absent", "To", NULL },
	{ "field: not in the body", "Body", NULL },
	{ "field: prefix is not a match", "X-Las", NULL },
};

/* mime_is_message() */
static const struct icase {
	const char	*text;
	int		 want;
} icases[] = {
	{ "From: a\nTo: b\n\nhi\n", 1 },
	{ "From x Mon Jan  1 10:00:00 2024\nSubject: s\n\n", 1 },
	{ "X-Foo: 1\nSubject: x\n", 1 },
	{ "Received: from x\n\tby y\nTo: z\n", 1 },
	{ "content-type: text/plain\n\nx", 1 },
	{ "Note: hi\n", 0 },
	{ "hello world\n", 0 },
	{ "", 0 },
	{ " Subject: x\n", 0 },
	{ "From the desk of nobody\n", 0 },
	{ "\x7f" "ELF\2\1\1", 0 },
};

/* an mbox and the messages it holds */
static const char mboxtext[] =
    "From alice@example.com Mon Jan  1 10:00:00 2024\n"
    "Subject: one\n"
    "\n"
    "Body one\n"
    ">From the escaped line\n"
    "From here on, text (no blank line before)\n"
    "\n"
    "From bob@example.com Mon Jan  1 11:00:00 2024\n"
    "Subject: two\n"
    "\n"
    "Body two\n"
    "\n"
    "From carol@example.com Mon Jan  1 12:00:00 2024\n"
    "Subject: three\n"
    "\n"
    "Body three\n";

static const char *const mboxwant[] = {
	"From alice@example.com Mon Jan  1 10:00:00 2024\nSubject: one\n\n"
	"Body one\n>From the escaped line\nFrom here on, text (no blank "
	"line before)\n",
	"From bob@example.com Mon Jan  1 11:00:00 2024\nSubject: two\n\n"
	"Body two\n",
	"From carol@example.com Mon Jan  1 12:00:00 2024\nSubject: three\n\n"
	"Body three\n",
};

/* a table row run with LF or CRLF line ends */
struct mrun {
	const struct mcase	*c;
	int			 crlf;
	char			 name[96];
};

static struct mrun	 mruns[2 * nitems(mcases)];

/* mbox_walk() callback state */
struct walkrec {
	size_t		 n;
	size_t		 off[8];
	size_t		 len[8];
	int		 ret;
};

static char	*lf2crlf(const char *, size_t);
static void	 check_invariants(const struct mime_msg *, size_t);
static void	 check_part(const struct mime_msg *, uint32_t,
		    const struct wpart *, const uint8_t *, size_t, int);
static double	 now(void);
static void	 addstr(struct buf *, const char *);
static int	 walk_cb(void *, size_t, size_t);

/* lf2crlf - a copy with every LF made CRLF */
static char *
lf2crlf(const char *s, size_t n)
{
	char	*d;
	size_t	 i, o = 0;

	d = malloc(2 * n + 1);
	assert_non_null(d);
	for (i = 0; i < n; i++) {
		if (s[i] == '\n')
			d[o++] = '\r';
		d[o++] = s[i];
	}
	d[o] = '\0';
	return d;
}

/* addstr - append a string */
static void
addstr(struct buf *b, const char *s)
{
	buf_add(b, s, strlen(s));
}

/* now - monotonic seconds */
static double
now(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* check_invariants - what mime.h promises of any parse */
static void
check_invariants(const struct mime_msg *m, size_t len)
{
	const struct mime_part	*p, *q;
	uint32_t		 i, j, last;

	assert_true(m->nparts >= 1);
	assert_true(m->nparts <= m->lim.max_parts);
	p = &m->parts[0];
	assert_int_equal(p->parent, NOPARENT);
	assert_int_equal(p->depth, 0);
	assert_int_equal(p->start, 0);
	assert_int_equal(p->end, len);
	for (i = 0; i < m->nparts; i++) {
		p = &m->parts[i];
		assert_true(p->start <= p->hdr_end);
		assert_true(p->hdr_end <= p->end);
		assert_true(p->end <= len);
		assert_true(p->depth <= m->lim.max_depth);
		assert_non_null(memchr(p->type, '\0', sizeof(p->type)));
		assert_non_null(memchr(p->filename, '\0', sizeof(p->filename)));
		assert_null(strchr(p->filename, '/'));
		for (j = 0; p->filename[j] != '\0'; j++)
			assert_true((uint8_t)p->filename[j] >= 0x20 &&
			    p->filename[j] != 0x7f);
		if (i == 0)
			continue;
		assert_true(p->parent < i);
		q = &m->parts[p->parent];
		assert_int_equal(p->depth, q->depth + 1);
		assert_true(p->start >= q->hdr_end);
		assert_true(p->end <= q->end);
		assert_true(p->number >= 1);
		/* siblings in order, numbered from 1, not overlapping */
		for (last = i; last-- > p->parent + 1;)
			if (m->parts[last].parent == p->parent)
				break;
		if (last > p->parent && m->parts[last].parent == p->parent) {
			assert_true(p->number > m->parts[last].number);
			assert_true(p->start >= m->parts[last].end);
		}
		if (q->flags & MIME_F_MESSAGE) {
			assert_int_equal(p->start, q->hdr_end);
			assert_int_equal(p->number, 1);
		}
	}
}

/* check_part - one part against its row */
static void
check_part(const struct mime_msg *m, uint32_t i, const struct wpart *w,
    const uint8_t *buf, size_t len, int crlf)
{
	const struct mime_part	*p = &m->parts[i];
	struct mime_limits	 lim;
	struct buf		 out;
	char			*x;
	const char		*s;

	assert_int_equal(p->parent, w->parent);
	assert_int_equal(p->depth, w->depth);
	assert_int_equal(p->number, w->number);
	assert_int_equal(p->flags, w->flags);
	assert_int_equal(p->enc, w->enc);
	assert_string_equal(p->type, w->type);
	assert_string_equal(p->filename, w->filename ? w->filename : "");
	assert_string_equal(p->boundary, w->boundary ? w->boundary : "");
	if (w->charset != NULL)
		assert_string_equal(p->charset, w->charset);
	if (w->hdr != NULL) {
		x = crlf ? lf2crlf(w->hdr, strlen(w->hdr)) : NULL;
		s = x ? x : w->hdr;
		assert_int_equal(p->hdr_end - p->start, strlen(s));
		assert_memory_equal(buf + p->start, s, strlen(s));
		free(x);
	}
	if (w->body != NULL) {
		x = crlf ? lf2crlf(w->body, strlen(w->body)) : NULL;
		s = x ? x : w->body;
		assert_int_equal(p->end - p->hdr_end, strlen(s));
		assert_memory_equal(buf + p->hdr_end, s, strlen(s));
		free(x);
	}
	if (w->decoded != NULL) {
		x = crlf && p->enc != MIME_ENC_BASE64 &&
		    p->enc != MIME_ENC_UUENCODE ?
		    lf2crlf(w->decoded, strlen(w->decoded)) : NULL;
		s = x ? x : w->decoded;
		memset(&lim, 0, sizeof(lim));
		buf_init(&out);
		assert_int_equal(mime_decode(buf, len, p, &lim, &out), 0);
		assert_int_equal(out.len, strlen(s));
		if (out.len > 0)
			assert_memory_equal(out.data, s, out.len);
		buf_clear(&out);
		free(x);
	}
}

/* test_mcase - one message row */
static void
test_mcase(void **state)
{
	const struct mrun	*r = *state;
	const struct mcase	*c = r->c;
	struct mime_limits	 lim;
	struct mime_msg		 m;
	const uint8_t		*buf;
	char			*x = NULL;
	size_t			 len = strlen(c->text);
	uint32_t		 i;

	if (r->crlf) {
		x = lf2crlf(c->text, len);
		len = strlen(x);
	}
	buf = (const uint8_t *)(x ? x : c->text);
	memset(&lim, 0, sizeof(lim));
	lim.max_parts = c->max_parts;
	lim.max_depth = c->max_depth;
	assert_int_equal(mime_parse(buf, len, &lim, &m), 0);
	check_invariants(&m, len);
	assert_int_equal(m.flags, c->msgflags);
	assert_int_equal(m.nparts, c->nparts);
	for (i = 0; i < m.nparts && i < MAXWANT; i++)
		check_part(&m, i, &c->p[i], buf, len, r->crlf);
	mime_free(&m);
	free(x);
}

/* test_offsets - the multipart/mixed row, offsets found in the text */
static void
test_offsets(void **state)
{
	const char		*t = mcases[1].text, *a, *b;
	struct mime_msg		 m;
	size_t			 len = strlen(t);

	(void)state;
	assert_int_equal(mime_parse((const uint8_t *)t, len, NULL, &m), 0);
	assert_int_equal(m.nparts, 4);
	a = strstr(t, "\n\nThis is a preamble.");
	assert_int_equal(m.parts[0].hdr_end, a + 2 - t);
	assert_int_equal(m.parts[0].end, len);

	a = strstr(t, "--XYZ\nContent-Type: text/plain; charset");
	assert_int_equal(m.parts[1].start, a + 6 - t);
	assert_int_equal(m.parts[1].hdr_end, strstr(t, "Body text") - t);
	b = strstr(t, "\n--XYZ\nContent-Type: application");
	assert_int_equal(m.parts[1].end, b - t);

	assert_int_equal(m.parts[2].start, b + 7 - t);
	assert_int_equal(m.parts[2].hdr_end, strstr(t, "SGVsbG8s") - t);
	b = strstr(t, "\n--XYZ\nContent-Type: text/plain; name");
	assert_int_equal(m.parts[2].end, b - t);

	assert_int_equal(m.parts[3].start, b + 7 - t);
	assert_int_equal(m.parts[3].hdr_end, strstr(t, "caf=C3") - t);
	assert_int_equal(m.parts[3].end, strstr(t, "\n--XYZ--") - t);
	mime_free(&m);
}

/* test_ncase - one file name row */
static void
test_ncase(void **state)
{
	const struct ncase	*c = *state;
	struct mime_msg		 m;
	char			 text[1024];
	int			 n;

	n = snprintf(text, sizeof(text), "%s\n\nbody\n", c->hdr);
	assert_true(n > 0 && (size_t)n < sizeof(text));
	assert_int_equal(mime_parse((const uint8_t *)text, n, NULL, &m), 0);
	check_invariants(&m, n);
	assert_int_equal(m.nparts, 1);
	assert_string_equal(m.parts[0].filename, c->want);
	assert_int_equal(m.parts[0].flags & MIME_F_ATTACHMENT, c->flags);
	mime_free(&m);
}

/* test_long_name - names are cut to fit, never inside a character */
static void
test_long_name(void **state)
{
	struct mime_msg	 m;
	char		 text[2048];
	size_t		 n, i;

	(void)state;
	n = (size_t)snprintf(text, sizeof(text),
	    "Content-Disposition: attachment; filename*=UTF-8''");
	for (i = 0; i < 200; i++)
		n += (size_t)snprintf(text + n, sizeof(text) - n, "%%C3%%A9");
	n += (size_t)snprintf(text + n, sizeof(text) - n, "\n\nx\n");
	assert_int_equal(mime_parse((const uint8_t *)text, n, NULL, &m), 0);
	assert_int_equal(strlen(m.parts[0].filename), 254);
	for (i = 0; i < 254; i += 2)
		assert_memory_equal(m.parts[0].filename + i, "\xc3\xa9", 2);
	mime_free(&m);

	n = (size_t)snprintf(text, sizeof(text),
	    "Content-Type: text/plain; name=\"");
	for (i = 0; i < 400; i++)
		text[n++] = 'a';
	n += (size_t)snprintf(text + n, sizeof(text) - n, "\"\n\nx\n");
	assert_int_equal(mime_parse((const uint8_t *)text, n, NULL, &m), 0);
	assert_int_equal(strlen(m.parts[0].filename), MIME_MAXNAME - 1);
	mime_free(&m);
}

/* test_fcase - one mime_field() row */
static void
test_fcase(void **state)
{
	const struct fcase	*c = *state;
	struct mime_msg		 m;
	size_t			 s = 7, e = 7, len = sizeof(ftext) - 1;

	assert_int_equal(mime_parse((const uint8_t *)ftext, len, NULL, &m), 0);
	if (c->want == NULL) {
		errno = 0;
		assert_int_equal(mime_field((const uint8_t *)ftext, len,
		    &m.parts[0], c->field, &s, &e), -1);
		assert_int_equal(errno, ENOENT);
	} else {
		assert_int_equal(mime_field((const uint8_t *)ftext, len,
		    &m.parts[0], c->field, &s, &e), 0);
		assert_int_equal(e - s, strlen(c->want));
		assert_memory_equal(ftext + s, c->want, e - s);
	}
	mime_free(&m);
}

/* test_field_parts - fields of sub-parts, CRLF, a cut header block */
static void
test_field_parts(void **state)
{
	static const char	 t[] =
	    "Content-Type: multipart/mixed; boundary=b\r\n"
	    "\r\n"
	    "--b\r\n"
	    "Content-Type: text/plain;\r\n"
	    "\tname=x\r\n"
	    "X-Cut: y\r\n"
	    "--b--\r\n";
	struct mime_msg		 m;
	size_t			 s, e, len = sizeof(t) - 1;

	(void)state;
	assert_int_equal(mime_parse((const uint8_t *)t, len, NULL, &m), 0);
	assert_int_equal(m.nparts, 2);
	assert_int_equal(mime_field((const uint8_t *)t, len, &m.parts[1],
	    "content-type", &s, &e), 0);
	assert_int_equal(s, strstr(t, "Content-Type: text/plain") - t);
	assert_int_equal(e, strstr(t, "X-Cut") - t);
	assert_int_equal(mime_field((const uint8_t *)t, len, &m.parts[1],
	    "x-cut", &s, &e), 0);
	assert_int_equal(s, strstr(t, "X-Cut") - t);
	assert_int_equal(e, strstr(t, "\r\n--b--") - t);
	assert_int_equal(mime_field((const uint8_t *)t, len, &m.parts[0],
	    "x-cut", &s, &e), -1);
	assert_string_equal(m.parts[1].filename, "x");
	mime_free(&m);
}

/* walk_cb - record one mbox message */
static int
walk_cb(void *arg, size_t off, size_t len)
{
	struct walkrec	*w = arg;

	if (w->n < nitems(w->off)) {
		w->off[w->n] = off;
		w->len[w->n] = len;
	}
	w->n++;
	return w->ret;
}

/* test_mbox - three messages, escapes and look-alikes */
static void
test_mbox(void **state)
{
	static const char	 notmbox[] =
	    "Subject: x\n\nFrom a Mon Jan  1 10:00:00 2024\n";
	static const char	 undated[] =
	    "From a\nX: y\n\nbody\n\nFrom here\n";
	struct walkrec	 w;
	struct mime_msg	 m;
	size_t		 i, len = sizeof(mboxtext) - 1;

	(void)state;
	memset(&w, 0, sizeof(w));
	assert_int_equal(mbox_walk((const uint8_t *)mboxtext, len, walk_cb,
	    &w), 0);
	assert_int_equal(w.n, nitems(mboxwant));
	for (i = 0; i < nitems(mboxwant); i++) {
		assert_int_equal(w.len[i], strlen(mboxwant[i]));
		assert_memory_equal(mboxtext + w.off[i], mboxwant[i], w.len[i]);
		assert_int_equal(mime_parse((const uint8_t *)mboxtext +
		    w.off[i], w.len[i], NULL, &m), 0);
		assert_int_equal(m.nparts, 1);
		assert_int_equal(m.parts[0].flags, 0);
		mime_free(&m);
	}
	assert_int_equal(mime_is_message((const uint8_t *)mboxtext, len), 1);

	/* the callback stops the walk */
	memset(&w, 0, sizeof(w));
	w.ret = 1;
	assert_int_equal(mbox_walk((const uint8_t *)mboxtext, len, walk_cb,
	    &w), 0);
	assert_int_equal(w.n, 1);
	memset(&w, 0, sizeof(w));
	w.ret = -1;
	assert_int_equal(mbox_walk((const uint8_t *)mboxtext, len, walk_cb,
	    &w), -1);
	assert_int_equal(w.n, 1);

	/* any "From " line after an empty line separates */
	memset(&w, 0, sizeof(w));
	assert_int_equal(mbox_walk((const uint8_t *)undated, strlen(undated),
	    walk_cb, &w), 0);
	assert_int_equal(w.n, 2);
	assert_int_equal(w.len[0], 18);
	assert_int_equal(w.off[1], 19);

	/* not an mbox: the whole buffer once */
	memset(&w, 0, sizeof(w));
	assert_int_equal(mbox_walk((const uint8_t *)notmbox, strlen(notmbox),
	    walk_cb, &w), 0);
	assert_int_equal(w.n, 1);
	assert_int_equal(w.off[0], 0);
	assert_int_equal(w.len[0], strlen(notmbox));
	memset(&w, 0, sizeof(w));
	assert_int_equal(mbox_walk((const uint8_t *)"", 0, walk_cb, &w), 0);
	assert_int_equal(w.n, 1);
	assert_int_equal(w.len[0], 0);
}

/* test_is_message - mime_is_message() rows */
static void
test_is_message(void **state)
{
	size_t	 i;

	(void)state;
	for (i = 0; i < nitems(icases); i++)
		assert_int_equal(mime_is_message(
		    (const uint8_t *)icases[i].text, strlen(icases[i].text)),
		    icases[i].want);
}

/* test_max_decoded - AV_ELIMIT with the first max bytes */
static void
test_max_decoded(void **state)
{
	static const char	 t[] =
	    "Content-Type: multipart/mixed; boundary=b\n\n"
	    "--b\nContent-Transfer-Encoding: base64\n\nSGVsbG8sIHdvcmxkIQ==\n"
	    "--b\n\nplain text\n--b--\n";
	struct mime_limits	 lim;
	struct mime_msg		 m;
	struct buf		 out;

	(void)state;
	memset(&lim, 0, sizeof(lim));
	lim.max_decoded = 5;
	assert_int_equal(mime_parse((const uint8_t *)t, sizeof(t) - 1, &lim,
	    &m), 0);
	assert_int_equal(m.lim.max_decoded, 5);
	assert_int_equal(m.lim.max_parts, 10000);
	assert_int_equal(m.lim.max_depth, 64);
	buf_init(&out);
	assert_int_equal(mime_decode((const uint8_t *)t, sizeof(t) - 1,
	    &m.parts[1], &lim, &out), -1);
	assert_int_equal(errno, AV_ELIMIT);
	assert_int_equal(out.len, 5);
	assert_memory_equal(out.data, "Hello", 5);
	out.len = 0;
	assert_int_equal(mime_decode((const uint8_t *)t, sizeof(t) - 1,
	    &m.parts[2], &lim, &out), -1);
	assert_int_equal(errno, AV_ELIMIT);
	assert_int_equal(out.len, 5);
	assert_memory_equal(out.data, "plain", 5);
	out.len = 0;
	lim.max_decoded = 10;
	assert_int_equal(mime_decode((const uint8_t *)t, sizeof(t) - 1,
	    &m.parts[2], &lim, &out), 0);
	assert_int_equal(out.len, 10);
	/* a part outside the buffer decodes to nothing */
	out.len = 0;
	assert_int_equal(mime_decode((const uint8_t *)t, 10, &m.parts[2], NULL,
	    &out), 0);
	assert_int_equal(out.len, 0);
	buf_clear(&out);
	mime_free(&m);
}

/* test_200_parts - one attachment after another */
static void
test_200_parts(void **state)
{
	struct buf	 t;
	struct mime_msg	 m;
	char		 line[256], want[32];
	int		 n, i;

	(void)state;
	buf_init(&t);
	n = snprintf(line, sizeof(line), "Subject: many\nContent-Type: "
	    "multipart/mixed; boundary=\"=_sep\"\n\npreamble\n");
	buf_add(&t, line, n);
	for (i = 0; i < 200; i++) {
		n = snprintf(line, sizeof(line), "--=_sep\nContent-Type: "
		    "text/plain; name=\"f%03d.txt\"\n\ncontent %d\n", i, i);
		buf_add(&t, line, n);
	}
	addstr(&t, "--=_sep--\n");
	assert_false(t.failed);
	assert_int_equal(mime_parse(t.data, t.len, NULL, &m), 0);
	check_invariants(&m, t.len);
	assert_int_equal(m.nparts, 201);
	assert_int_equal(m.flags, 0);
	for (i = 0; i < 200; i++) {
		snprintf(want, sizeof(want), "f%03d.txt", i);
		assert_string_equal(m.parts[i + 1].filename, want);
		assert_int_equal(m.parts[i + 1].number, i + 1);
		snprintf(want, sizeof(want), "content %d", i);
		assert_int_equal(m.parts[i + 1].end - m.parts[i + 1].hdr_end,
		    strlen(want));
		assert_memory_equal(t.data + m.parts[i + 1].hdr_end, want,
		    strlen(want));
	}
	mime_free(&m);
	buf_clear(&t);
}

/* test_deep_limits - nesting beyond max_depth, in both container kinds */
static void
test_deep_limits(void **state)
{
	struct buf	 t;
	struct mime_msg	 m;
	char		 line[128];
	int		 n, i;
	double		 t0;

	(void)state;
	buf_init(&t);
	for (i = 0; i < 5000; i++) {
		n = snprintf(line, sizeof(line), "Content-Type: "
		    "multipart/mixed; boundary=\"b%d\"\n\n--b%d\n", i, i);
		buf_add(&t, line, n);
		addstr(&t, "Content-Type: message/rfc822\n\n");
	}
	addstr(&t, "\nleaf\n");
	assert_false(t.failed);
	t0 = now();
	assert_int_equal(mime_parse(t.data, t.len, NULL, &m), 0);
	fprintf(stderr, "# deep nesting (%zu bytes): %.3f s\n", t.len,
	    now() - t0);
	assert_true(now() - t0 < SLOW);
	check_invariants(&m, t.len);
	assert_int_equal(m.flags, MIME_MSG_LIMIT);
	assert_int_equal(m.nparts, 65);
	assert_int_equal(m.parts[64].depth, 64);
	mime_free(&m);
	buf_clear(&t);
}

/* test_big_parts - 50 MB, 10000 parts */
static void
test_big_parts(void **state)
{
	struct buf	 t;
	struct mime_msg	 m;
	char		 line[256], b64[77];
	int		 n, i, j;
	double		 t0, dt;

	(void)state;
	for (i = 0; i < 76; i++)
		b64[i] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
		    "0123456789+/"[i * 7 % 64];
	b64[76] = '\n';
	buf_init(&t);
	n = snprintf(line, sizeof(line), "Subject: big\nContent-Type: "
	    "multipart/mixed; boundary=\"----=_Part_0_1234567890\"\n\n");
	buf_add(&t, line, n);
	for (i = 0; i < 9999; i++) {
		n = snprintf(line, sizeof(line), "------=_Part_0_1234567890\n"
		    "Content-Type: application/octet-stream; name=\"p%d.bin\"\n"
		    "Content-Transfer-Encoding: base64\n\n", i);
		buf_add(&t, line, n);
		for (j = 0; j < 68; j++)
			buf_add(&t, b64, sizeof(b64));
	}
	addstr(&t, "------=_Part_0_1234567890--\n");
	assert_false(t.failed);
	t0 = now();
	assert_int_equal(mime_parse(t.data, t.len, NULL, &m), 0);
	dt = now() - t0;
	fprintf(stderr, "# 10000 parts (%zu bytes): %.3f s\n", t.len, dt);
	assert_true(dt < SLOW);
	assert_true(t.len >= 50000000);
	check_invariants(&m, t.len);
	assert_int_equal(m.nparts, 10000);
	assert_int_equal(m.flags, 0);
	assert_string_equal(m.parts[9999].filename, "p9998.bin");
	mime_free(&m);
	buf_clear(&t);
}

/* test_big_header - one 50 MB header field, folded or not */
static void
test_big_header(void **state)
{
	static const char *const piece[3] = {
		"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
		"\n\txxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
		";\n a*1=\"x;\" junk name*2=y (c) ;;=; \"q\" name=",
	};
	static const char *const tail[3] = {
		"\nContent-Type: text/plain; name=a.txt\n\nx\n",
		"\nContent-Type: text/plain; name=a.txt\n\nx\n",
		"; name*0=\"end.txt\"\n\nbody\n",
	};
	struct buf	 t;
	struct mime_msg	 m;
	size_t		 i, s, e;
	double		 t0, dt;
	int		 k;

	(void)state;
	for (k = 0; k < 3; k++) {
		buf_init(&t);
		if (k == 2)
			addstr(&t, "Content-Type: text/plain");
		else
			addstr(&t, "Subject: ");
		for (i = 0; t.len < 50000000; i++)
			addstr(&t, piece[k]);
		addstr(&t, tail[k]);
		assert_false(t.failed);
		t0 = now();
		assert_int_equal(mime_parse(t.data, t.len, NULL, &m), 0);
		assert_int_equal(mime_field(t.data, t.len, &m.parts[0],
		    "content-type", &s, &e), 0);
		dt = now() - t0;
		fprintf(stderr, "# huge header %d (%zu bytes): %.3f s\n", k,
		    t.len, dt);
		assert_true(dt < SLOW);
		check_invariants(&m, t.len);
		assert_int_equal(m.nparts, 1);
		assert_string_equal(m.parts[0].filename,
		    k == 2 ? "end.txt" : "a.txt");
		mime_free(&m);
		buf_clear(&t);
	}
}

/* test_boundary_lines - 100000 lines that look like delimiters */
static void
test_boundary_lines(void **state)
{
	struct buf	 t;
	struct mime_msg	 m;
	char		 line[256];
	int		 n, i;
	double		 t0, dt;

	(void)state;
	buf_init(&t);
	/* 60 nested multiparts whose boundaries differ in the last byte */
	for (i = 0; i < 60; i++) {
		n = snprintf(line, sizeof(line), "Content-Type: "
		    "multipart/mixed; boundary=\"%060d\"\n\n--%060d\n", i, i);
		buf_add(&t, line, n);
	}
	addstr(&t, "\n");
	for (i = 0; i < 100000; i++) {
		n = snprintf(line, sizeof(line), "--%060d%s\n", 100 + i % 900,
		    i % 3 == 0 ? "--" : i % 3 == 1 ? "  " : "x");
		buf_add(&t, line, n);
	}
	for (i = 0; i < 400; i++)
		addstr(&t, "--\n-- \n---\n");
	assert_false(t.failed);
	t0 = now();
	assert_int_equal(mime_parse(t.data, t.len, NULL, &m), 0);
	dt = now() - t0;
	fprintf(stderr, "# boundary-like lines (%zu bytes): %.3f s\n", t.len,
	    dt);
	assert_true(dt < SLOW);
	check_invariants(&m, t.len);
	assert_int_equal(m.nparts, 61);
	assert_int_equal(m.parts[60].end, t.len);
	mime_free(&m);
	buf_clear(&t);
}

/* main - every row and check as its own test */
int
main(void)
{
	static struct CMUnitTest	 tests[2 * nitems(mcases) +
	    nitems(ncases) + nitems(fcases) + 16];
	size_t				 i, n = 0, r = 0;

	for (i = 0; i < nitems(mcases); i++) {
		mruns[r].c = &mcases[i];
		snprintf(mruns[r].name, sizeof(mruns[r].name), "%s",
		    mcases[i].name);
		tests[n].name = mruns[r].name;
		tests[n].test_func = test_mcase;
		tests[n++].initial_state = &mruns[r++];
		if (!mcases[i].crlf)
			continue;
		mruns[r].c = &mcases[i];
		mruns[r].crlf = 1;
		snprintf(mruns[r].name, sizeof(mruns[r].name), "%s (CRLF)",
		    mcases[i].name);
		tests[n].name = mruns[r].name;
		tests[n].test_func = test_mcase;
		tests[n++].initial_state = &mruns[r++];
	}
	for (i = 0; i < nitems(ncases); i++) {
		tests[n].name = ncases[i].name;
		tests[n].test_func = test_ncase;
		tests[n++].initial_state = (void *)&ncases[i];
	}
	for (i = 0; i < nitems(fcases); i++) {
		tests[n].name = fcases[i].name;
		tests[n].test_func = test_fcase;
		tests[n++].initial_state = (void *)&fcases[i];
	}
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_offsets);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_long_name);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_field_parts);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_mbox);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_is_message);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_max_decoded);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_200_parts);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_deep_limits);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_big_parts);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_big_header);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_boundary_lines);
	return _cmocka_run_group_tests("mime", tests, n, NULL, NULL);
}
