/*
 * fuzz_smtp.c - libFuzzer harness for clients/smtp_proto.c, the parsers of
 *	vigil-smtpd
 *
 * The first byte of the input picks a piece size (1 to 64) for everything
 * streamed; the rest is used four times.  As command lines: the verb and
 * the argument must lie inside the line, and a MAIL/RCPT path must be
 * NUL-terminated, shorter than its buffer and found in the argument.  As
 * reply lines from a next hop: every complete reply goes through the EHLO
 * filter, whose output must be a well-formed 250 reply (or the reply
 * itself) that the parser reads back and the filter leaves unchanged.  As
 * a message: dot-stuffed piece by piece and unstuffed piece by piece, it
 * must come back byte for byte (plus the CRLF that ends a last line
 * without LF), with the end seen exactly at the end.  As raw DATA: the
 * unstuffer must give the same bytes and stop at the same place whether
 * fed in pieces or whole.  A broken promise aborts, which libFuzzer
 * reports.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "clients/smtp_proto.h"
#include "util/buf.h"

int	 LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void	 fz_commands(const uint8_t *, size_t);
static void	 fz_replies(const uint8_t *, size_t);
static void	 fz_check_ehlo(const struct smtp_reply *);
static void	 fz_roundtrip(const uint8_t *, size_t, size_t);
static size_t	 fz_unstuff(const uint8_t *, size_t, size_t, struct buf *,
		    int *);
static void	 fz_pieces(const uint8_t *, size_t, size_t);

#define FZ_CHECK(e)	do { if (!(e)) abort(); } while (0)

/* fz_commands - every line as a command */
static void
fz_commands(const uint8_t *p, size_t len)
{
	struct smtp_cmd	 c;
	const uint8_t	*nl;
	char		*line, small[16], big[SMTP_LINEMAX + 1];
	size_t		 ll;
	int		 i;

	while (len > 0) {
		nl = memchr(p, '\n', len);
		ll = nl != NULL ? (size_t)(nl - p) : len;
		if ((line = malloc(ll + 1)) == NULL)
			return;
		memcpy(line, p, ll);
		line[ll] = '\0';
		smtp_cmd_parse(line, ll, &c);
		FZ_CHECK(c.arg >= line && c.arg + c.arglen == line + ll);
		for (i = 0; i < 2; i++) {
			const char	*pre = i == 0 ? "FROM:" : "TO:";

			if (smtp_path(c.arg, c.arglen, pre, big,
			    sizeof(big)) == 0) {
				FZ_CHECK(strlen(big) < sizeof(big));
				FZ_CHECK(big[0] == '\0' ||
				    memmem(c.arg, c.arglen, big,
				    strlen(big)) != NULL);
			}
			if (smtp_path(c.arg, c.arglen, pre, small,
			    sizeof(small)) == 0)
				FZ_CHECK(strlen(small) < sizeof(small));
			else
				FZ_CHECK(small[0] == '\0');
		}
		free(line);
		if (nl == NULL)
			break;
		len -= ll + 1;
		p += ll + 1;
	}
}

/* fz_check_ehlo - the filtered reply is well formed and stable */
static void
fz_check_ehlo(const struct smtp_reply *r)
{
	struct smtp_reply	 again;
	struct buf		 out, out2;
	const uint8_t		*p, *end, *nl;
	unsigned		 off, off2;
	int			 rc = 0;

	buf_init(&out);
	buf_init(&out2);
	smtp_reply_init(&again);
	if (smtp_ehlo_filter(r, &out, &off) == -1)
		goto done;
	FZ_CHECK((off & ~0xffU) == 0);
	if (r->code != 250) {
		FZ_CHECK(off == 0 && out.len == r->text.len &&
		    memcmp(out.data, r->text.data, out.len) == 0);
		goto done;
	}
	FZ_CHECK(out.len >= 6);
	p = out.data;
	end = p + out.len;
	for (; p < end; p = nl + 1) {
		nl = memchr(p, '\n', (size_t)(end - p));
		FZ_CHECK(nl != NULL && nl - p >= 5 && nl[-1] == '\r');
		FZ_CHECK(memcmp(p, "250", 3) == 0);
		FZ_CHECK(p[3] == (nl + 1 == end ? ' ' : '-'));
		rc = smtp_reply_feed(&again, (const char *)p,
		    (size_t)(nl - p) - 1);
		FZ_CHECK(rc == (nl + 1 == end ? 1 : 0));
	}
	FZ_CHECK(smtp_ehlo_filter(&again, &out2, &off2) == 0);
	FZ_CHECK(off2 == off && out2.len == out.len &&
	    memcmp(out2.data, out.data, out.len) == 0);
done:
	smtp_reply_free(&again);
	buf_clear(&out);
	buf_clear(&out2);
}

/* fz_replies - every line as a reply line of a next hop */
static void
fz_replies(const uint8_t *p, size_t len)
{
	struct smtp_reply	 r;
	const uint8_t		*nl;
	size_t			 ll;
	int			 rc;

	smtp_reply_init(&r);
	while (len > 0) {
		nl = memchr(p, '\n', len);
		ll = nl != NULL ? (size_t)(nl - p) : len;
		rc = smtp_reply_feed(&r, (const char *)p,
		    ll > 0 && p[ll - 1] == '\r' ? ll - 1 : ll);
		if (rc == 1) {
			FZ_CHECK(r.code >= 200 && r.code <= 599);
			fz_check_ehlo(&r);
		}
		if (rc != 0)
			smtp_reply_clear(&r);
		if (nl == NULL)
			break;
		len -= ll + 1;
		p += ll + 1;
	}
	smtp_reply_free(&r);
}

/* fz_unstuff - DATA in pieces of n into out; returns bytes consumed */
static size_t
fz_unstuff(const uint8_t *p, size_t len, size_t n, struct buf *out,
    int *done)
{
	struct smtp_dot	 d;
	uint8_t		 tmp[64 + 2];
	size_t		 off = 0, k, used, olen;

	smtp_dot_init(&d);
	*done = 0;
	while (off < len && !*done) {
		k = len - off < n ? len - off : n;
		used = smtp_dot_feed(&d, p + off, k, tmp, &olen, done);
		FZ_CHECK(used <= k && olen <= k + 2);
		FZ_CHECK(*done || used == k);
		buf_add(out, tmp, olen);
		off += used;
	}
	return off;
}

/* fz_roundtrip - stuff in pieces, unstuff in pieces: the same message */
static void
fz_roundtrip(const uint8_t *p, size_t len, size_t n)
{
	struct smtp_stuff	 st;
	struct buf		 wire, back;
	uint8_t			 tmp[64];
	char			 end[8];
	size_t			 off = 0, used, olen, got;
	int			 done;

	buf_init(&wire);
	buf_init(&back);
	smtp_stuff_init(&st);
	while (off < len) {
		used = smtp_stuff(&st, p + off, len - off, tmp, n, &olen);
		FZ_CHECK(olen <= n && (used > 0 || olen > 0));
		buf_add(&wire, tmp, olen);
		off += used;
	}
	olen = smtp_stuff_end(&st, end);
	buf_add(&wire, end, olen);
	if (wire.failed)
		goto done;
	got = fz_unstuff(wire.data, wire.len, n, &back, &done);
	FZ_CHECK(done && got == wire.len);
	if (back.failed)
		goto done;
	if (len > 0 && p[len - 1] != '\n') {
		FZ_CHECK(back.len == len + 2);
		FZ_CHECK(memcmp(back.data + len, "\r\n", 2) == 0);
	} else
		FZ_CHECK(back.len == len);
	FZ_CHECK(len == 0 || memcmp(back.data, p, len) == 0);
done:
	buf_clear(&wire);
	buf_clear(&back);
}

/*
 * fz_pieces - raw DATA: in pieces of n, of 64 and whole (one call, an
 * output of exactly len + 2 bytes: the long-run search of dot_line()),
 * the same; stuffed whole, the same as in pieces of 64
 */
static void
fz_pieces(const uint8_t *p, size_t len, size_t n)
{
	struct smtp_dot		 d;
	struct smtp_stuff	 st;
	struct buf		 a, b;
	uint8_t			*w, tmp[64 + 2];
	size_t			 ua, ub, uw, olen, off, used, wl;
	int			 da, db, dw;

	buf_init(&a);
	buf_init(&b);
	ua = fz_unstuff(p, len, n, &a, &da);
	ub = fz_unstuff(p, len, 64, &b, &db);
	FZ_CHECK(ua == ub && da == db);
	FZ_CHECK(a.failed || b.failed || (a.len == b.len &&
	    (a.len == 0 || memcmp(a.data, b.data, a.len) == 0)));
	if ((w = malloc(2 * len + 2)) == NULL)
		goto done;
	smtp_dot_init(&d);
	uw = smtp_dot_feed(&d, p, len, w, &olen, &dw);
	FZ_CHECK(uw == ua && dw == da && olen <= len + 2);
	FZ_CHECK(a.failed || (olen == a.len &&
	    (olen == 0 || memcmp(w, a.data, olen) == 0)));
	/* none dropped: no line of the message begins with a dot */
	FZ_CHECK(d.dropped > 0 || olen == 0 || (w[0] != '.' &&
	    memmem(w, olen, "\n.", 2) == NULL));
	/* in place, pieces of n read after the lag (vigil-smtpd) */
	smtp_dot_init(&d);
	b.len = 0;
	dw = 0;
	for (off = 0; off < len && !dw; off += used) {
		wl = len - off < n ? len - off : n;
		uw = smtp_dot_lag(&d);
		FZ_CHECK(uw <= 1);
		memcpy(tmp + uw, p + off, wl);
		used = smtp_dot_feed(&d, tmp + uw, wl, tmp, &olen, &dw);
		FZ_CHECK(olen <= uw + used);
		buf_add(&b, tmp, olen);
	}
	FZ_CHECK(dw == da && (a.failed || b.failed || (a.len == b.len &&
	    (a.len == 0 || memcmp(a.data, b.data, a.len) == 0))));
	/* input without an LF that a dot follows: plain stuffs the same */
	if (len > 0 && memmem(p, len, "\n.", 2) == NULL) {
		a.len = b.len = 0;
		smtp_stuff_init(&st);
		for (off = 0; off < len; off += used) {
			used = smtp_stuff(&st, p + off, len - off, tmp, n,
			    &olen);
			buf_add(&a, tmp, olen);
		}
		smtp_stuff_init(&st);
		for (off = 0; off < len; off += used) {
			st.plain = 1;
			used = smtp_stuff(&st, p + off, len - off, tmp, n,
			    &olen);
			FZ_CHECK(used > 0 || olen > 0);
			buf_add(&b, tmp, olen);
		}
		FZ_CHECK(a.failed || b.failed || (a.len == b.len &&
		    (a.len == 0 || memcmp(a.data, b.data, a.len) == 0)));
	}
	a.len = 0;
	/* stuffed: whole into 2 * len bytes (the most it can grow) */
	smtp_stuff_init(&st);
	wl = 0;
	for (off = 0; off < len; off += used) {
		used = smtp_stuff(&st, p + off, len - off, w + wl,
		    2 * len + 2 - wl, &olen);
		FZ_CHECK(used > 0 || olen > 0);
		wl += olen;
	}
	smtp_stuff_init(&st);
	for (off = 0; off < len; off += used) {
		used = smtp_stuff(&st, p + off, len - off, tmp, sizeof(tmp),
		    &olen);
		buf_add(&a, tmp, olen);
	}
	FZ_CHECK(a.failed || (wl == a.len &&
	    (wl == 0 || memcmp(w, a.data, wl) == 0)));
	free(w);
done:
	buf_clear(&a);
	buf_clear(&b);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t	 n;

	if (size < 1)
		return 0;
	n = (size_t)(data[0] % 64) + 1;
	data++;
	size--;
	fz_commands(data, size);
	fz_replies(data, size);
	fz_roundtrip(data, size, n);
	fz_pieces(data, size, n);
	return 0;
}
