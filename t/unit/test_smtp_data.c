/*
 * test_smtp_data.c - unit tests for the DATA path of vigil-smtpd:
 *	smtp_dot_feed(), smtp_stuff(), smtp_stuff_end() (clients/smtp_proto.h)
 *	and the spool (clients/smtp_spool.h)
 *
 * The contract under test is the DATA paragraph of smtp_proto.h and the
 * whole of smtp_spool.h.  Unstuffing and stuffing are compared with
 * naive references written here from that text, line by line, on fixed
 * cases (fed whole, byte by byte, and cut in two at every offset, so that
 * pieces end right after a LF, right after the dot and right after the
 * CR) and on pseudo-random inputs (fixed seed, an alphabet biased to
 * CR, LF, dot and 'a', mail-like text with dots in and at the start of
 * lines, pieces of random sizes).  Every piece is copied into a buffer of
 * exactly its size and unstuffed into one of exactly len + 2 bytes, so
 * that a sanitizer build catches any read or write outside them (the
 * search for "\n." reads 16 bytes at a time).  The round trip stuff, end,
 * unstuff must give the message back, plus CRLF when it did not end
 * with LF, and stop exactly at the end.
 *
 * The spool: memory up to memmax inclusive, a file past it (unlinked,
 * nothing left in the directory), max with the over flag and sp->size
 * counting every byte written, failures that stick, free and reuse, and
 * smtp_spool_space() with smtp_spool_commit() agreeing exactly with
 * smtp_spool_write() on random sequences of calls.
 */
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "clients/smtp_proto.h"
#include "clients/smtp_spool.h"
#include "util/buf.h"

#define nitems(a)	(sizeof(a) / sizeof((a)[0]))

/*
 * smtp_dot_feed(): wire in, message out, bytes consumed when the end is
 * seen (all when not); inlen and wantlen 0: strlen()
 */
static const struct dot_case {
	const char	*name;
	const char	*in;
	const char	*want;
	size_t		 used;
	int		 done;
	size_t		 inlen, wantlen;
} dot_cases[] = {
	{ "dot: terminator only", ".\r\n", "", 3, 1, 0, 0 },
	{ "dot: bare LF terminator only", ".\n", "", 2, 1, 0, 0 },
	{ "dot: one line", "abc\r\n.\r\n", "abc\r\n", 8, 1, 0, 0 },
	{ "dot: bare LF terminator after a line", "abc\n.\n", "abc\n", 6, 1,
	    0, 0 },
	{ "dot: bytes after the end not consumed", "a\r\n.\r\nQUIT\r\n",
	    "a\r\n", 6, 1, 0, 0 },
	{ "dot: LF end, then more", "a\n.\nRSET\r\n", "a\n", 4, 1, 0, 0 },
	{ "dot: a dot at the very start dropped", ".abc\r\n.\r\n",
	    "abc\r\n", 9, 1, 0, 0 },
	{ "dot: two dots give one", "..\r\n.\r\n", ".\r\n", 7, 1, 0, 0 },
	{ "dot: stuffed line", "..abc\r\n.\r\n", ".abc\r\n", 10, 1, 0, 0 },
	{ "dot: dots inside lines stay", "a.b.\r\nc..d\r\n.\r\n",
	    "a.b.\r\nc..d\r\n", 15, 1, 0, 0 },
	{ "dot: dot, CR, not LF", ".\rx\r\n.\r\n", "\rx\r\n", 8, 1, 0, 0 },
	{ "dot: dot, CR, CR, LF", "x\n.\r\r\n.\n", "x\n\r\r\n", 8, 1, 0, 0 },
	{ "dot: dot and a blank", ". \r\n.\r\n", " \r\n", 7, 1, 0, 0 },
	{ "dot: empty lines", "\r\n\r\n.\r\n", "\r\n\r\n", 7, 1, 0, 0 },
	{ "dot: CR alone does not end a line", "a\r.\r\n.\r\n",
	    "a\r.\r\n", 8, 1, 0, 0 },
	{ "dot: LF alone begins a line", "a\n.b\n.\r\n", "a\nb\n", 8, 1, 0, 0 },
	{ "dot: no end yet", "abc\r\ndef", "abc\r\ndef", 0, 0, 0, 0 },
	{ "dot: a dot line without its end", "abc\r\n.", "abc\r\n", 0, 0,
	    0, 0 },
	{ "dot: a dot and CR without LF", "abc\r\n.\r", "abc\r\n", 0, 0, 0, 0 },
	{ "dot: empty input", "", "", 0, 0, 0, 0 },
	{ "dot: the terminator twice", ".\r\n.\r\n", "", 3, 1, 0, 0 },
	{ "dot: dot, dot, CR, LF, end", "..\r\n.\n", ".\r\n", 6, 1, 0, 0 },
	{ "dot: NUL bytes pass", "a\0b\r\n.\0\r\n.\r\nX", "a\0b\r\n\0\r\n",
	    12, 1, 13, 8 },
};

/* smtp_stuff() and smtp_stuff_end(): message in, wire out */
static const struct stuff_case {
	const char	*name;
	const char	*in;
	const char	*want;
} stuff_cases[] = {
	{ "stuff: empty message", "", ".\r\n" },
	{ "stuff: one line", "abc\r\n", "abc\r\n.\r\n" },
	{ "stuff: no line end at the end", "abc", "abc\r\n.\r\n" },
	{ "stuff: a dot at the start", ".abc\r\n", "..abc\r\n.\r\n" },
	{ "stuff: a lone dot line", "a\r\n.\r\nb\r\n",
	    "a\r\n..\r\nb\r\n.\r\n" },
	{ "stuff: bare LF lines", "a\n.b\n.", "a\n..b\n..\r\n.\r\n" },
	{ "stuff: dots inside lines", "a.b\r\nc.\r\n", "a.b\r\nc.\r\n.\r\n" },
	{ "stuff: a CR does not begin a line", "a\r.b", "a\r.b\r\n.\r\n" },
	{ "stuff: only a dot", ".", "..\r\n.\r\n" },
	{ "stuff: ends with CR", "a\r", "a\r\r\n.\r\n" },
};

static char	 tmpdir[64];
static uint64_t	 rnd_state;

static int	 setup(void **);
static int	 teardown(void **);
static uint32_t	 rnd(void);
static void	 ref_unstuff(const uint8_t *, size_t, struct buf *, size_t *,
		    int *);
static void	 ref_stuff(const uint8_t *, size_t, struct buf *);
static size_t	 unstuff_pieces(const uint8_t *, size_t, const size_t *,
		    size_t, struct buf *, int *);
static void	 check_unstuff(const uint8_t *, size_t, const size_t *,
		    size_t);
static void	 check_unstuff_random_cuts(const uint8_t *, size_t, int);
static void	 check_stuff(const uint8_t *, size_t, size_t, size_t);
static void	 gen_biased(uint8_t *, size_t);
static void	 gen_mail(uint8_t *, size_t, int);
static size_t	 dir_entries(const char *);
static uint8_t	*spool_pattern(size_t);
static void	 spool_done(struct smtp_spool *, const uint8_t *, size_t);
static void	 spool_writes(struct smtp_spool *, const uint8_t *, size_t,
		    size_t);
static void	 test_dot_case(void **);
static void	 test_stuff_case(void **);
static void	 test_dot_random(void **);
static void	 test_dot_mail(void **);
static void	 test_dot_positions(void **);
static void	 test_stuff_random(void **);
static void	 test_stuff_cap(void **);
static void	 test_roundtrip(void **);
static void	 test_spool_memory(void **);
static void	 test_spool_file(void **);
static void	 test_spool_max(void **);
static void	 test_spool_max_file(void **);
static void	 test_spool_empty(void **);
static void	 test_spool_fail(void **);
static void	 test_spool_reuse(void **);
static void	 test_spool_space(void **);
static void	 test_spool_space_misuse(void **);
static void	 test_spool_space_random(void **);

/* setup - a scratch directory for the spool files */
static int
setup(void **state)
{
	(void)state;
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/test_smtp_data.XXXXXX");
	return mkdtemp(tmpdir) == NULL ? -1 : 0;
}

/* teardown - the directory must be empty: nothing left behind */
static int
teardown(void **state)
{
	(void)state;
	return rmdir(tmpdir);
}

/* rnd - xorshift64, the same sequence on every run */
static uint32_t
rnd(void)
{
	rnd_state ^= rnd_state << 13;
	rnd_state ^= rnd_state >> 7;
	rnd_state ^= rnd_state << 17;
	return (uint32_t)(rnd_state >> 32);
}

/*
 * ref_unstuff - RFC 5321 4.5.2 from the text of smtp_proto.h, line by
 * line: *used is what precedes the end (0 when not done); a last line
 * without LF gives its bytes unless it is "." or ".\r", which may yet
 * become the end
 */
static void
ref_unstuff(const uint8_t *in, size_t len, struct buf *out, size_t *used,
    int *done)
{
	size_t	 s = 0, e, ll;

	*done = 0;
	*used = 0;
	while (s < len) {
		for (e = s; e < len && in[e] != '\n'; e++)
			;
		if (e < len) {
			ll = e + 1 - s;		/* with its LF */
			if ((ll == 2 && in[s] == '.') ||
			    (ll == 3 && in[s] == '.' && in[s + 1] == '\r')) {
				*done = 1;
				*used = e + 1;
				return;
			}
		} else {
			ll = len - s;
			if ((ll == 1 && in[s] == '.') ||
			    (ll == 2 && in[s] == '.' && in[s + 1] == '\r'))
				return;
		}
		if (in[s] == '.')
			buf_add(out, in + s + 1, ll - 1);
		else
			buf_add(out, in + s, ll);
		s += ll;
	}
}

/* ref_stuff - a dot before every line that begins with one, then the end */
static void
ref_stuff(const uint8_t *in, size_t len, struct buf *out)
{
	size_t	 i;

	for (i = 0; i < len; i++) {
		if (in[i] == '.' && (i == 0 || in[i - 1] == '\n'))
			buf_add(out, ".", 1);
		buf_add(out, in + i, 1);
	}
	if (len > 0 && in[len - 1] != '\n')
		buf_add(out, "\r\n", 2);
	buf_add(out, ".\r\n", 3);
}

/*
 * unstuff_pieces - smtp_dot_feed() over in, cut at cuts[0, ncuts) (the
 * sizes of the pieces, the last one taking what is left); each piece in
 * a buffer of its own size, each output buffer exactly len + 2
 */
static uint64_t	 last_dropped;	/* unstuff_pieces()' d.dropped */

static size_t
unstuff_pieces(const uint8_t *in, size_t len, const size_t *cuts,
    size_t ncuts, struct buf *out, int *done)
{
	struct smtp_dot	 d;
	uint8_t		*piece, *o;
	size_t		 off = 0, k, used, olen, ci = 0;

	smtp_dot_init(&d);
	*done = 0;
	while (off < len && !*done) {
		k = ci < ncuts ? cuts[ci++] : len - off;
		if (k == 0 || k > len - off)
			k = len - off;
		assert_non_null(piece = malloc(k));
		assert_non_null(o = malloc(k + 2));
		memcpy(piece, in + off, k);
		olen = (size_t)-1;
		used = smtp_dot_feed(&d, piece, k, o, &olen, done);
		assert_true(olen <= k + 2);
		assert_true(used <= k);
		if (!*done)
			assert_int_equal(used, k);
		buf_add(out, o, olen);
		free(piece);
		free(o);
		off += used;
	}
	last_dropped = d.dropped;
	return off;
}

/* check_unstuff - in, cut as cuts says, unstuffs as the reference */
static void
check_unstuff(const uint8_t *in, size_t len, const size_t *cuts,
    size_t ncuts)
{
	struct buf	 got, want;
	size_t		 used, wused;
	int		 done, wdone;

	buf_init(&got);
	buf_init(&want);
	ref_unstuff(in, len, &want, &wused, &wdone);
	used = unstuff_pieces(in, len, cuts, ncuts, &got, &done);
	assert_int_equal(done, wdone);
	assert_int_equal(used, wdone ? wused : len);
	assert_int_equal(got.len, want.len);
	if (want.len > 0)
		assert_memory_equal(got.data, want.data, want.len);
	/* a dropped dot is one byte less; so is each of the final line's */
	if (done)
		assert_int_equal(last_dropped, used - got.len -
		    (in[used - 2] == '\r' ? 3 : 2));
	/* none dropped: no line of the message begins with a dot */
	if (last_dropped == 0 && got.len > 0) {
		assert_true(got.data[0] != '.');
		assert_null(memmem(got.data, got.len, "\n.", 2));
	}
	assert_false(got.failed || want.failed);
	buf_clear(&got);
	buf_clear(&want);
}

/* check_unstuff_random_cuts - whole, then in pieces of random sizes */
static void
check_unstuff_random_cuts(const uint8_t *in, size_t len, int small)
{
	size_t	 cuts[64], n, i;

	check_unstuff(in, len, NULL, 0);
	n = 1 + rnd() % nitems(cuts);
	for (i = 0; i < n; i++)
		cuts[i] = 1 + rnd() % (small ? 8 : len + 1);
	check_unstuff(in, len, cuts, n);
}

/* check_stuff - in stuffed with pieces of in and out of random sizes */
static void
check_stuff(const uint8_t *in, size_t len, size_t maxin, size_t maxcap)
{
	struct smtp_stuff	 st;
	struct buf		 got, want;
	uint8_t			*piece, *o;
	size_t			 off = 0, k, cap, used, olen;
	char			 end[8];

	buf_init(&got);
	buf_init(&want);
	ref_stuff(in, len, &want);
	smtp_stuff_init(&st);
	while (off < len) {
		k = 1 + rnd() % maxin;
		if (k > len - off)
			k = len - off;
		cap = 1 + rnd() % maxcap;
		assert_non_null(piece = malloc(k));
		assert_non_null(o = malloc(cap));
		memcpy(piece, in + off, k);
		olen = (size_t)-1;
		used = smtp_stuff(&st, piece, k, o, cap, &olen);
		assert_true(used <= k && olen <= cap);
		assert_true(used > 0 || olen > 0);
		buf_add(&got, o, olen);
		free(piece);
		free(o);
		off += used;
	}
	olen = smtp_stuff_end(&st, end);
	assert_true(olen == 3 || olen == 5);
	buf_add(&got, end, olen);
	assert_int_equal(got.len, want.len);
	assert_memory_equal(got.data, want.data, want.len);
	buf_clear(&got);
	buf_clear(&want);
}

/* gen_biased - bytes mostly CR, LF, dot and 'a', a dot first now and then */
static void
gen_biased(uint8_t *p, size_t len)
{
	static const char	 alpha[] = "\r\n.a\r\n.a\r\n.abc \t\0";
	size_t			 i;

	for (i = 0; i < len; i++)
		p[i] = (uint8_t)alpha[rnd() % (sizeof(alpha) - 1)];
	if (len > 0 && rnd() % 4 == 0)
		p[0] = '.';
}

/*
 * gen_mail - lines of 1 to 100 bytes, CRLF or LF, a dot inside most and
 * at the start of one in "every" (0: none)
 */
static void
gen_mail(uint8_t *p, size_t len, int every)
{
	size_t	 o = 0, ll, k;

	while (o < len) {
		ll = 1 + rnd() % 100;
		for (k = 0; k < ll && o < len; k++)
			p[o++] = (uint8_t)('a' + rnd() % 26);
		if (rnd() % 4 != 0 && k > 1)
			p[o - 1 - rnd() % (k - 1)] = '.';
		if (every > 0 && rnd() % (unsigned)every == 0)
			p[o - k] = '.';
		if (o < len && rnd() % 3 != 0)
			p[o++] = '\r';
		if (o < len)
			p[o++] = '\n';
	}
}

/* dir_entries - names in dir, "." and ".." aside */
static size_t
dir_entries(const char *dir)
{
	DIR		*d;
	struct dirent	*e;
	size_t		 n = 0;

	assert_non_null(d = opendir(dir));
	while ((e = readdir(d)) != NULL)
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
			n++;
	closedir(d);
	return n;
}

/*
 * test_dot_case - one row of dot_cases against its expected bytes, then
 * whole, byte by byte and cut in two everywhere against the reference
 */
static void
test_dot_case(void **state)
{
	const struct dot_case	*c = *state;
	const uint8_t		*in = (const uint8_t *)c->in;
	size_t			 len, wl, i, ones[64];
	struct buf		 got, want;
	size_t			 used, wused;
	int			 done, wdone;

	len = c->inlen > 0 ? c->inlen : strlen(c->in);
	wl = c->wantlen > 0 ? c->wantlen : strlen(c->want);
	buf_init(&got);
	buf_init(&want);
	used = unstuff_pieces(in, len, NULL, 0, &got, &done);
	assert_int_equal(done, c->done);
	assert_int_equal(used, c->done ? c->used : len);
	assert_int_equal(got.len, wl);
	if (wl > 0)
		assert_memory_equal(got.data, c->want, wl);
	/* the reference agrees with the table */
	ref_unstuff(in, len, &want, &wused, &wdone);
	assert_int_equal(wdone, c->done);
	assert_int_equal(wused, c->done ? c->used : 0);
	assert_int_equal(want.len, wl);
	if (wl > 0)
		assert_memory_equal(want.data, c->want, wl);
	buf_clear(&got);
	buf_clear(&want);
	for (i = 0; i < nitems(ones); i++)
		ones[i] = 1;
	assert_true(len <= nitems(ones));
	check_unstuff(in, len, ones, len);
	for (i = 1; i < len; i++)
		check_unstuff(in, len, &i, 1);
}

/* test_stuff_case - one row of stuff_cases, whole and byte by byte */
static void
test_stuff_case(void **state)
{
	const struct stuff_case	*c = *state;
	const uint8_t		*in = (const uint8_t *)c->in;
	size_t			 len = strlen(c->in), wl = strlen(c->want);
	struct smtp_stuff	 st;
	struct buf		 got;
	uint8_t			 o[64];
	size_t			 off, used, olen;
	char			 end[8];

	buf_init(&got);
	smtp_stuff_init(&st);
	used = smtp_stuff(&st, in, len, o, sizeof(o), &olen);
	assert_int_equal(used, len);
	buf_add(&got, o, olen);
	olen = smtp_stuff_end(&st, end);
	buf_add(&got, end, olen);
	assert_int_equal(got.len, wl);
	assert_memory_equal(got.data, c->want, wl);
	/* one byte of in, one byte of out at a time */
	got.len = 0;
	smtp_stuff_init(&st);
	for (off = 0; off < len; off += used) {
		used = smtp_stuff(&st, in + off, len - off, o, 1, &olen);
		assert_true(olen <= 1 && (used > 0 || olen > 0));
		buf_add(&got, o, olen);
	}
	olen = smtp_stuff_end(&st, end);
	buf_add(&got, end, olen);
	assert_int_equal(got.len, wl);
	assert_memory_equal(got.data, c->want, wl);
	buf_clear(&got);
}

/* test_dot_random - short biased inputs in random pieces */
static void
test_dot_random(void **state)
{
	uint8_t	 in[700];
	size_t	 len, i;

	(void)state;
	rnd_state = 0x5eed0001;
	for (i = 0; i < 6000; i++) {
		len = rnd() % (i < 3000 ? 40 : sizeof(in));
		gen_biased(in, len);
		check_unstuff_random_cuts(in, len, i % 2 == 0);
	}
}

/*
 * test_dot_mail - long mail-like inputs, where the search for "\n." runs
 * over long stretches: dotted lines rare, common or absent, with and
 * without the end
 */
static void
test_dot_mail(void **state)
{
	static const int	 every[] = { 0, 2, 50, 400 };
	uint8_t			*in;
	size_t			 len, i, cap = 40000;

	(void)state;
	rnd_state = 0x5eed0002;
	assert_non_null(in = malloc(cap + 3));
	for (i = 0; i < 160; i++) {
		len = rnd() % cap;
		gen_mail(in, len, every[i % nitems(every)]);
		if (i % 3 == 0) {
			memcpy(in + len, i % 2 ? ".\r\n" : ".\n", 3);
			if (len > 0 && in[len - 1] != '\n')
				in[len - 1] = '\n';
			len += i % 2 ? 3 : 2;
		}
		check_unstuff_random_cuts(in, len, 0);
		check_stuff(in, len, len + 1, 70000);
	}
	free(in);
}

/*
 * test_dot_positions - a single "\n." at every offset of the first
 * blocks and around the stretch boundaries, in text dense with dots (the
 * vector search) and without any (the memchr(3) search), with the dot
 * as the last byte of the piece or one byte further
 */
static void
test_dot_positions(void **state)
{
	uint8_t	*in;
	size_t	 len = 9000, pos, i, cut;
	int	 dense;

	(void)state;
	assert_non_null(in = malloc(len));
	for (dense = 0; dense < 2; dense++)
		for (pos = 0; pos + 1 < len; pos++) {
			if (pos > 300 && (pos % 4096 < 4000 ||
			    pos % 4096 > 4200) && pos + 300 < len)
				continue;
			for (i = 0; i < len; i++)
				in[i] = dense && i % 3 == 0 ? '.' : 'x';
			in[pos] = '\n';
			in[pos + 1] = '.';
			in[pos + 2 < len ? pos + 2 : pos + 1] = 'z';
			check_unstuff(in, len, NULL, 0);
			cut = pos + 1;		/* the piece ends after LF */
			check_unstuff(in, len, &cut, 1);
			cut = pos + 2;		/* after the dot */
			check_unstuff(in, len, &cut, 1);
			check_stuff(in, len, len, len + 100);
		}
	free(in);
}

/* test_stuff_random - biased inputs, random pieces and capacities */
static void
test_stuff_random(void **state)
{
	uint8_t	 in[700];
	size_t	 len, i;

	(void)state;
	rnd_state = 0x5eed0003;
	for (i = 0; i < 4000; i++) {
		len = rnd() % (i < 2000 ? 40 : sizeof(in));
		gen_biased(in, len);
		check_stuff(in, len, i % 2 ? 5 : len + 1, i % 3 ? 4 : 800);
	}
}

/*
 * test_stuff_plain - segments without an LF that a dot follows (but that
 * may begin with a dot, and follow one that ends with an LF), each
 * stuffed with st.plain set, in random pieces and capacities: the same
 * wire as the reference
 */
static void
test_stuff_plain(void **state)
{
	struct smtp_stuff	 st;
	struct buf		 got, want;
	uint8_t			 in[3000], o[64];
	size_t			 len, i, j, seg, off, end, used, olen;
	char			 fin[8];

	(void)state;
	rnd_state = 0x5eed0006;
	buf_init(&got);
	buf_init(&want);
	for (i = 0; i < 3000; i++) {
		len = rnd() % (i < 1500 ? 60 : sizeof(in));
		gen_biased(in, len);
		/* segment borders: a dot after an LF only at one */
		seg = 1 + rnd() % 40;
		for (j = 1; j < len; j++)
			if (in[j - 1] == '\n' && in[j] == '.' && j % seg != 0)
				in[j] = 'x';
		got.len = want.len = 0;
		ref_stuff(in, len, &want);
		smtp_stuff_init(&st);
		for (off = 0; off < len; off = end) {
			end = (off / seg + 1) * seg;
			if (end > len)
				end = len;
			while (off < end) {
				st.plain = 1;
				used = smtp_stuff(&st, in + off, end - off, o,
				    1 + rnd() % sizeof(o), &olen);
				assert_true(used > 0 || olen > 0);
				buf_add(&got, o, olen);
				off += used;
			}
		}
		olen = smtp_stuff_end(&st, fin);
		buf_add(&got, fin, olen);
		assert_int_equal(got.len, want.len);
		assert_memory_equal(got.data, want.data, want.len);
	}
	assert_false(got.failed || want.failed);
	buf_clear(&got);
	buf_clear(&want);
}

/*
 * test_dot_inplace - pieces read into out + smtp_dot_lag() and unstuffed
 * there, as vigil-smtpd's data_read() does: the reference's message
 */
static void
test_dot_inplace(void **state)
{
	struct smtp_dot	 d;
	struct buf	 got, want;
	uint8_t		 in[2000], room[2000 + 3];
	size_t		 len, i, off, k, lag, used, olen, wused;
	int		 done, wdone;

	(void)state;
	rnd_state = 0x5eed0007;
	buf_init(&got);
	buf_init(&want);
	for (i = 0; i < 6000; i++) {
		len = rnd() % (i < 3000 ? 50 : sizeof(in));
		gen_biased(in, len);
		/* a line's dot and CR at a piece's end, then not an LF */
		if (i % 7 == 0 && len > 8)
			memcpy(in + len / 2 - 3, "\n.\rx", 4);
		got.len = want.len = 0;
		ref_unstuff(in, len, &want, &wused, &wdone);
		smtp_dot_init(&d);
		done = 0;
		for (off = 0; off < len && !done; off += used) {
			k = 1 + rnd() % (i % 2 ? 4 : len);
			if (i % 7 == 0 && off < len / 2)
				k = len / 2 - off;	/* cut after ".\r" */
			if (k > len - off)
				k = len - off;
			lag = smtp_dot_lag(&d);
			memset(room, 0xa5, sizeof(room));
			memcpy(room + lag, in + off, k);
			used = smtp_dot_feed(&d, room + lag, k, room, &olen,
			    &done);
			assert_true(olen <= lag + used);
			buf_add(&got, room, olen);
		}
		assert_int_equal(done, wdone);
		assert_int_equal(got.len, want.len);
		if (want.len > 0)
			assert_memory_equal(got.data, want.data, want.len);
	}
	assert_false(got.failed || want.failed);
	buf_clear(&got);
	buf_clear(&want);
}

/* test_dot_dropped - the count of transparency dots */
static void
test_dot_dropped(void **state)
{
	static const struct {
		const char	*in;
		uint64_t	 dropped;
	} c[] = {
		{ "a.b\r\n.\r\n", 0 },
		{ "..a\r\n.\r\n", 1 },
		{ "a\r\n..\r\n...\r\n.\r\n", 2 },
		{ "a\n.b\n.\n", 1 },		/* bare LFs */
		{ "a\r\n.\rb\r\n.\r\n", 1 },	/* ".\r" then no LF */
		{ "\r\n.\r\n..\r\n", 0 },	/* after the end: not read */
	};
	struct smtp_dot	 d;
	uint8_t		 o[64];
	size_t		 i, olen;
	int		 done;

	(void)state;
	for (i = 0; i < nitems(c); i++) {
		smtp_dot_init(&d);
		smtp_dot_feed(&d, (const uint8_t *)c[i].in, strlen(c[i].in),
		    o, &olen, &done);
		assert_true(done);
		assert_int_equal(d.dropped, c[i].dropped);
	}
	/* smtp_dot_init() starts the count again */
	smtp_dot_init(&d);
	assert_int_equal(d.dropped, 0);
}

/* test_stuff_cap - no room: nothing consumed, nothing written */
static void
test_stuff_cap(void **state)
{
	struct smtp_stuff	 st;
	uint8_t			 o[4];
	size_t			 olen = 99;

	(void)state;
	smtp_stuff_init(&st);
	assert_int_equal(smtp_stuff(&st, (const uint8_t *)".a", 2, o, 0,
	    &olen), 0);
	assert_int_equal(olen, 0);
	/* the added dot alone fits, its line follows */
	assert_int_equal(smtp_stuff(&st, (const uint8_t *)".a", 2, o, 1,
	    &olen), 0);
	assert_int_equal(olen, 1);
	assert_int_equal(o[0], '.');
	assert_int_equal(smtp_stuff(&st, (const uint8_t *)".a", 2, o, 4,
	    &olen), 2);
	assert_int_equal(olen, 2);
	assert_memory_equal(o, ".a", 2);
}

/* test_roundtrip - stuff in pieces, unstuff in pieces: the message */
static void
test_roundtrip(void **state)
{
	struct smtp_stuff	 st;
	struct buf		 wire, back;
	uint8_t			*in, tmp[300];
	size_t			 len, i, off, used, olen, cap, cuts[16], k;
	char			 end[8];
	int			 done;

	(void)state;
	rnd_state = 0x5eed0004;
	assert_non_null(in = malloc(20000));
	buf_init(&wire);
	buf_init(&back);
	for (i = 0; i < 3000; i++) {
		len = rnd() % (i % 10 == 0 ? 20000 : 300);
		if (i % 2)
			gen_biased(in, len);
		else
			gen_mail(in, len, 3);
		wire.len = back.len = 0;
		smtp_stuff_init(&st);
		for (off = 0; off < len; off += used) {
			cap = 1 + rnd() % sizeof(tmp);
			used = smtp_stuff(&st, in + off, len - off, tmp, cap,
			    &olen);
			buf_add(&wire, tmp, olen);
		}
		olen = smtp_stuff_end(&st, end);
		buf_add(&wire, end, olen);
		for (k = 0; k < nitems(cuts); k++)
			cuts[k] = 1 + rnd() % 200;
		used = unstuff_pieces(wire.data, wire.len, cuts, nitems(cuts),
		    &back, &done);
		assert_true(done);
		assert_int_equal(used, wire.len);
		if (len > 0 && in[len - 1] != '\n') {
			assert_int_equal(back.len, len + 2);
			assert_memory_equal(back.data + len, "\r\n", 2);
		} else
			assert_int_equal(back.len, len);
		if (len > 0)
			assert_memory_equal(back.data, in, len);
	}
	assert_false(wire.failed || back.failed);
	buf_clear(&wire);
	buf_clear(&back);
	free(in);
}

/* spool_done - finish: the message is want[0, len); then free */
static void
spool_done(struct smtp_spool *sp, const uint8_t *want, size_t len)
{
	assert_int_equal(smtp_spool_finish(sp), 0);
	assert_int_equal(sp->len, len);
	assert_memory_equal(sp->data, want, len);
	smtp_spool_free(sp);
}

/* spool_pattern - n bytes that differ from offset to offset */
static uint8_t *
spool_pattern(size_t n)
{
	uint8_t	*p;
	size_t	 i;

	assert_non_null(p = malloc(n + 1));
	for (i = 0; i < n; i++)
		p[i] = (uint8_t)(i * 31 + i / 251);
	return p;
}

/* spool_writes - write pat[0, total) in writes of chunk bytes */
static void
spool_writes(struct smtp_spool *sp, const uint8_t *pat, size_t total,
    size_t chunk)
{
	size_t	 i, n;

	for (i = 0; i < total; i += n) {
		n = total - i < chunk ? total - i : chunk;
		assert_int_equal(smtp_spool_write(sp, pat + i, n), 0);
	}
}

/* test_spool_memory - up to memmax inclusive: memory, bytes exact */
static void
test_spool_memory(void **state)
{
	static const size_t	 memmax[] = { 1, 100, 3000, 65536, 65537,
	    300001, 1048576 };
	struct smtp_spool	 sp;
	uint8_t			*pat;
	size_t			 i, chunk;

	(void)state;
	for (i = 0; i < nitems(memmax); i++)
		for (chunk = 1; chunk <= memmax[i]; chunk = chunk * 3 + 1) {
			pat = spool_pattern(memmax[i]);
			smtp_spool_init(&sp, tmpdir, memmax[i], 0);
			spool_writes(&sp, pat, memmax[i], chunk);
			assert_int_equal(smtp_spool_finish(&sp), 0);
			assert_int_equal(sp.fd, -1);
			assert_null(sp.map);
			assert_int_equal(sp.len, memmax[i]);
			assert_int_equal(sp.size, memmax[i]);
			assert_memory_equal(sp.data, pat, sp.len);
			/* the memory part never grows past memmax */
			assert_true(sp.mem.cap <= memmax[i]);
			/* past 64 KiB it is memmax at once: one realloc */
			assert_true(sp.mem.cap <= 65536 ||
			    sp.mem.cap == memmax[i]);
			assert_int_equal(sp.over, 0);
			smtp_spool_free(&sp);
			free(pat);
		}
	assert_int_equal(dir_entries(tmpdir), 0);
}

/* test_spool_file - one byte past memmax, mid-write: all in the file */
static void
test_spool_file(void **state)
{
	static const struct {
		size_t	 memmax, total, chunk;
	} c[] = {
		{ 100, 101, 10 },	/* the last write passes */
		{ 100, 120, 60 },	/* the second write crosses mid-way */
		{ 100, 5000, 5000 },	/* one write far past */
		{ 64, 300, 1 },
		{ 0, 10, 3 },		/* a file from the first byte */
		{ 256 * 1024, 1024 * 1024 + 7, 65535 },
	};
	struct smtp_spool	 sp;
	struct stat		 sb;
	uint8_t			*pat;
	size_t			 i;

	(void)state;
	for (i = 0; i < nitems(c); i++) {
		pat = spool_pattern(c[i].total);
		smtp_spool_init(&sp, tmpdir, c[i].memmax, 0);
		spool_writes(&sp, pat, c[i].total, c[i].chunk);
		assert_true(sp.fd >= 0);
		assert_null(sp.mem.data);
		assert_int_equal(dir_entries(tmpdir), 0);
		assert_int_equal(smtp_spool_finish(&sp), 0);
		assert_int_equal(fstat(sp.fd, &sb), 0);
		assert_int_equal(sb.st_size, (off_t)c[i].total);
		assert_int_equal(sb.st_nlink, 0);
		assert_int_equal(sb.st_mode & 07777, 0600);
		assert_true(fcntl(sp.fd, F_GETFD) & FD_CLOEXEC);
		assert_non_null(sp.map);
		assert_ptr_equal(sp.data, sp.map);
		assert_int_equal(sp.len, c[i].total);
		assert_int_equal(sp.size, c[i].total);
		assert_memory_equal(sp.data, pat, sp.len);
		smtp_spool_free(&sp);
		free(pat);
	}
	assert_int_equal(dir_entries(tmpdir), 0);
}

/* test_spool_max - past max: counted, not kept, over set */
static void
test_spool_max(void **state)
{
	struct smtp_spool	 sp;
	uint8_t			*pat = spool_pattern(1000);

	(void)state;
	/* exactly max: not over */
	smtp_spool_init(&sp, tmpdir, 4096, 100);
	spool_writes(&sp, pat, 100, 30);
	assert_int_equal(sp.over, 0);
	assert_int_equal(sp.size, 100);
	/* one byte more */
	assert_int_equal(smtp_spool_write(&sp, pat + 100, 1), 0);
	assert_int_equal(sp.over, 1);
	assert_int_equal(sp.size, 101);
	spool_done(&sp, pat, 100);

	/* a write that crosses max keeps its first part */
	smtp_spool_init(&sp, tmpdir, 4096, 100);
	assert_int_equal(smtp_spool_write(&sp, pat, 80), 0);
	assert_int_equal(smtp_spool_write(&sp, pat + 80, 50), 0);
	assert_int_equal(sp.over, 1);
	assert_int_equal(sp.size, 130);
	assert_int_equal(smtp_spool_write(&sp, pat + 130, 870), 0);
	assert_int_equal(sp.size, 1000);
	assert_int_equal(smtp_spool_finish(&sp), 0);
	assert_int_equal(sp.fd, -1);
	assert_int_equal(sp.len, 100);
	assert_memory_equal(sp.data, pat, 100);
	smtp_spool_free(&sp);

	/* the first write already past max */
	smtp_spool_init(&sp, tmpdir, 4096, 100);
	assert_int_equal(smtp_spool_write(&sp, pat, 1000), 0);
	assert_int_equal(sp.over, 1);
	assert_int_equal(sp.size, 1000);
	spool_done(&sp, pat, 100);
	free(pat);
}

/* test_spool_max_file - max past memmax: the file holds max bytes */
static void
test_spool_max_file(void **state)
{
	struct smtp_spool	 sp;
	uint8_t			*pat = spool_pattern(150);

	(void)state;
	smtp_spool_init(&sp, tmpdir, 50, 100);
	spool_writes(&sp, pat, 150, 30);
	assert_true(sp.fd >= 0);
	assert_int_equal(sp.over, 1);
	assert_int_equal(sp.size, 150);
	spool_done(&sp, pat, 100);
	free(pat);
}

/* test_spool_empty - nothing written: "" in memory; empty writes */
static void
test_spool_empty(void **state)
{
	struct smtp_spool	 sp;

	(void)state;
	smtp_spool_init(&sp, tmpdir, 0, 10);
	assert_int_equal(smtp_spool_write(&sp, "", 0), 0);
	assert_int_equal(smtp_spool_finish(&sp), 0);
	assert_int_equal(sp.fd, -1);
	assert_int_equal(sp.len, 0);
	assert_non_null(sp.data);
	assert_int_equal(sp.data[0], '\0');
	smtp_spool_free(&sp);
}

/* test_spool_fail - no directory: the failure and its text stick */
static void
test_spool_fail(void **state)
{
	struct smtp_spool	 sp;
	char			 dir[128], want[160];

	(void)state;
	snprintf(dir, sizeof(dir), "%s/nothing", tmpdir);
	smtp_spool_init(&sp, dir, 8, 0);
	assert_int_equal(smtp_spool_write(&sp, "12345678", 8), 0);
	errno = 0;
	assert_int_equal(smtp_spool_write(&sp, "9", 1), -1);
	assert_int_equal(errno, ENOENT);
	assert_int_equal(sp.failed, 1);
	snprintf(want, sizeof(want), "open(%s): %s", dir, strerror(ENOENT));
	assert_string_equal(sp.err, want);
	errno = 0;
	assert_int_equal(smtp_spool_write(&sp, "a", 1), -1);
	assert_int_equal(errno, EIO);
	errno = 0;
	assert_null(smtp_spool_space(&sp, 10));
	assert_int_equal(errno, EIO);
	errno = 0;
	assert_int_equal(smtp_spool_commit(&sp, 0), -1);
	assert_int_equal(errno, EIO);
	errno = 0;
	assert_int_equal(smtp_spool_finish(&sp), -1);
	assert_int_equal(errno, EIO);
	assert_string_equal(sp.err, want);
	smtp_spool_free(&sp);
	assert_int_equal(sp.failed, 0);
	assert_int_equal(sp.err[0], '\0');
	smtp_spool_free(&sp);
}

/* test_spool_reuse - free leaves the settings and an empty spool */
static void
test_spool_reuse(void **state)
{
	struct smtp_spool	 sp;
	uint8_t			*pat = spool_pattern(300);
	uint8_t			*room;

	(void)state;
	smtp_spool_init(&sp, tmpdir, 100, 200);
	assert_non_null(smtp_spool_space(&sp, 300));
	spool_writes(&sp, pat, 300, 7);
	assert_int_equal(smtp_spool_finish(&sp), 0);
	smtp_spool_free(&sp);
	assert_ptr_equal(sp.dir, tmpdir);
	assert_int_equal(sp.memmax, 100);
	assert_int_equal(sp.max, 200);
	assert_int_equal(sp.size, 0);
	assert_int_equal(sp.over, 0);
	assert_int_equal(sp.fd, -1);
	assert_null(sp.mem.data);
	assert_null(sp.stage);
	assert_null(sp.map);
	assert_null(sp.data);
	assert_int_equal(sp.len, 0);
	assert_int_equal(dir_entries(tmpdir), 0);
	assert_non_null(room = smtp_spool_space(&sp, 3));
	memcpy(room, "abc", 3);
	assert_int_equal(smtp_spool_commit(&sp, 3), 0);
	assert_int_equal(smtp_spool_finish(&sp), 0);
	assert_int_equal(sp.fd, -1);
	assert_int_equal(sp.len, 3);
	assert_memory_equal(sp.data, "abc", 3);
	smtp_spool_free(&sp);
	smtp_spool_free(&sp);
	free(pat);
}

/* test_spool_space - the room in memory, then the stage past memmax */
static void
test_spool_space(void **state)
{
	struct smtp_spool	 sp;
	uint8_t			*room, *pat = spool_pattern(300);

	(void)state;
	smtp_spool_init(&sp, tmpdir, 100, 0);
	assert_non_null(room = smtp_spool_space(&sp, 60));
	memcpy(room, pat, 50);
	assert_int_equal(smtp_spool_commit(&sp, 50), 0);
	assert_int_equal(sp.fd, -1);
	assert_int_equal(sp.size, 50);
	/* 60 more would pass memmax: elsewhere; 50 of them still fit */
	assert_non_null(room = smtp_spool_space(&sp, 60));
	memcpy(room, pat + 50, 50);
	assert_int_equal(smtp_spool_commit(&sp, 50), 0);
	assert_int_equal(sp.fd, -1);
	assert_int_equal(sp.mem.len, 100);
	/* a room given back */
	assert_non_null(room = smtp_spool_space(&sp, 10));
	memset(room, 'X', 10);
	assert_int_equal(smtp_spool_commit(&sp, 0), 0);
	assert_int_equal(sp.size, 100);
	/* one byte more: the file */
	assert_non_null(room = smtp_spool_space(&sp, 200));
	memcpy(room, pat + 100, 200);
	assert_int_equal(smtp_spool_commit(&sp, 200), 0);
	assert_true(sp.fd >= 0);
	spool_done(&sp, pat, 300);
	free(pat);
}

/* test_spool_space_misuse - a commit without a room, or past it */
static void
test_spool_space_misuse(void **state)
{
	struct smtp_spool	 sp;

	(void)state;
	smtp_spool_init(&sp, tmpdir, 100, 0);
	errno = 0;
	assert_int_equal(smtp_spool_commit(&sp, 1), -1);
	assert_int_equal(errno, EINVAL);
	assert_int_equal(sp.failed, 1);
	smtp_spool_free(&sp);

	assert_non_null(smtp_spool_space(&sp, 5));
	errno = 0;
	assert_int_equal(smtp_spool_commit(&sp, 6), -1);
	assert_int_equal(errno, EINVAL);
	smtp_spool_free(&sp);

	/* a write ends the room */
	assert_non_null(smtp_spool_space(&sp, 5));
	assert_int_equal(smtp_spool_write(&sp, "ab", 2), 0);
	errno = 0;
	assert_int_equal(smtp_spool_commit(&sp, 1), -1);
	assert_int_equal(errno, EINVAL);
	smtp_spool_free(&sp);

	/* so does a commit */
	assert_non_null(smtp_spool_space(&sp, 5));
	assert_int_equal(smtp_spool_commit(&sp, 1), 0);
	errno = 0;
	assert_int_equal(smtp_spool_commit(&sp, 1), -1);
	assert_int_equal(errno, EINVAL);
	smtp_spool_free(&sp);
	assert_int_equal(dir_entries(tmpdir), 0);
}

/*
 * test_spool_space_random - the same calls through write and through
 * space and commit (committing a random part of the room): the same
 * message, size, over flag and place
 */
static void
test_spool_space_random(void **state)
{
	static const size_t	 memmax[] = { 0, 1, 100, 1000, 4096 };
	static const uint64_t	 max[] = { 0, 1, 99, 1000, 5000 };
	struct smtp_spool	 a, b;
	uint8_t			*pat = spool_pattern(20000), *room;
	size_t			 i, off, n, used;
	int			 k;

	(void)state;
	rnd_state = 0x5eed0005;
	for (i = 0; i < 600; i++) {
		smtp_spool_init(&a, tmpdir, memmax[i % nitems(memmax)],
		    max[i / nitems(memmax) % nitems(max)]);
		smtp_spool_init(&b, tmpdir, a.memmax, a.max);
		for (off = 0, k = rnd() % 40; k > 0; k--) {
			n = rnd() % (rnd() % 4 == 0 ? 3000 : 200);
			used = n > 0 ? rnd() % (n + 1) : 0;
			if (used > 20000 - off)
				break;
			assert_non_null(room = smtp_spool_space(&b, n));
			memcpy(room, pat + off, used);
			assert_int_equal(smtp_spool_commit(&b, used), 0);
			assert_int_equal(smtp_spool_write(&a, pat + off, used),
			    0);
			off += used;
			assert_int_equal(a.size, b.size);
			assert_int_equal(a.over, b.over);
			assert_int_equal(a.fd == -1, b.fd == -1);
			assert_true(b.mem.cap <= b.memmax);
		}
		assert_int_equal(a.size, off);
		assert_int_equal(smtp_spool_finish(&a), 0);
		assert_int_equal(smtp_spool_finish(&b), 0);
		assert_int_equal(a.len, b.len);
		assert_int_equal(a.len, a.max != 0 && off > a.max ?
		    a.max : off);
		assert_memory_equal(a.data, pat, a.len);
		assert_memory_equal(b.data, pat, b.len);
		smtp_spool_free(&a);
		smtp_spool_free(&b);
	}
	assert_int_equal(dir_entries(tmpdir), 0);
	free(pat);
}

int
main(void)
{
	static const struct {
		const char		*name;
		CMUnitTestFunction	 fn;
	} other[] = {
		{ "dot: 6000 biased inputs in random pieces", test_dot_random },
		{ "dot: long mail-like inputs", test_dot_mail },
		{ "dot: one dotted line at every offset", test_dot_positions },
		{ "stuff: 4000 biased inputs, random pieces and room",
		    test_stuff_random },
		{ "stuff: plain segments, no search", test_stuff_plain },
		{ "unstuff: transparency dots counted", test_dot_dropped },
		{ "unstuff: in place, read after the lag", test_dot_inplace },
		{ "stuff: no room, room for the dot alone", test_stuff_cap },
		{ "round trip: stuff, end, unstuff", test_roundtrip },
		{ "spool: memory up to memmax", test_spool_memory },
		{ "spool: past memmax, a file", test_spool_file },
		{ "spool: past max, counted not kept", test_spool_max },
		{ "spool: past max in the file", test_spool_max_file },
		{ "spool: empty message", test_spool_empty },
		{ "spool: no directory, the failure sticks", test_spool_fail },
		{ "spool: free and reuse", test_spool_reuse },
		{ "spool: space and commit", test_spool_space },
		{ "spool: commit without room or past it",
		    test_spool_space_misuse },
		{ "spool: space and commit agree with write",
		    test_spool_space_random },
	};
	struct CMUnitTest	 t[nitems(dot_cases) + nitems(stuff_cases) +
				    nitems(other)];
	size_t			 i, n = 0;

	for (i = 0; i < nitems(dot_cases); i++) {
		memset(&t[n], 0, sizeof(t[n]));
		t[n].name = dot_cases[i].name;
		t[n].test_func = test_dot_case;
		t[n++].initial_state = (void *)&dot_cases[i];
	}
	for (i = 0; i < nitems(stuff_cases); i++) {
		memset(&t[n], 0, sizeof(t[n]));
		t[n].name = stuff_cases[i].name;
		t[n].test_func = test_stuff_case;
		t[n++].initial_state = (void *)&stuff_cases[i];
	}
	for (i = 0; i < nitems(other); i++) {
		memset(&t[n], 0, sizeof(t[n]));
		t[n].name = other[i].name;
		t[n++].test_func = other[i].fn;
	}
	return _cmocka_run_group_tests("smtp_data", t, n, setup, teardown);
}
