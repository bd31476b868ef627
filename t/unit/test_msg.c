/*
 * test_msg.c - unit tests for lib/util/msg.c
 *
 * Framing over real socketpairs: messages fed to the receiver one byte
 * at a time (and the descriptor with the first byte), descriptors passed
 * (a pipe's write end, a memfd) and used on the other side, descriptors
 * refused when the receiver did not allow them, two descriptors in one
 * control message (MSG_CTRUNC), a descriptor no message claims, headers
 * too short and too long, a message cut by end of file, a message bigger
 * than the socket buffer (written by a child), timeouts.  Then every
 * accessor on a payload one byte short, unterminated strings, leftover
 * bytes, and the sticky failure.
 */
#include <sys/types.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "av/msgtypes.h"
#include "util/msg.h"

#define nitems(a)	(sizeof(a) / sizeof((a)[0]))

static void	 pair(int[2]);
static size_t	 wire_bytes(const struct msg *, int, uint8_t *, size_t);
static void	 send_raw(int, const void *, size_t, const int *, int);
static int	 is_closed(int);
static struct msg *sample(uint32_t);
static void	 check_sample(struct msg *, uint32_t);

/* pair - a socketpair as the daemon makes them */
static void
pair(int sv[2])
{
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC |
	    SOCK_NONBLOCK, 0, sv), 0);
}

/* wire_bytes - what msg_send() puts on the wire for m */
static size_t
wire_bytes(const struct msg *m, int withfd, uint8_t *out, size_t cap)
{
	int	 sv[2], p[2] = { -1, -1 };
	ssize_t	 n;

	pair(sv);
	if (withfd)
		assert_int_equal(pipe(p), 0);
	assert_int_equal(msg_send(sv[0], m, p[1], -1), 0);
	n = read(sv[1], out, cap);	/* the descriptor is dropped */
	assert_true(n > 0);
	close(sv[0]);
	close(sv[1]);
	if (withfd) {
		close(p[0]);
		close(p[1]);
	}
	return (size_t)n;
}

/* send_raw - write bytes, with nfd descriptors in one control message */
static void
send_raw(int sock, const void *buf, size_t len, const int *fds, int nfd)
{
	union {
		struct cmsghdr	 hdr;
		char		 buf[CMSG_SPACE(4 * sizeof(int))];
	}		 cm;
	struct msghdr	 mh;
	struct iovec	 iov;
	struct cmsghdr	*c;

	memset(&mh, 0, sizeof(mh));
	memset(&cm, 0, sizeof(cm));
	iov.iov_base = (void *)buf;
	iov.iov_len = len;
	mh.msg_iov = &iov;
	mh.msg_iovlen = 1;
	if (nfd > 0) {
		mh.msg_control = cm.buf;
		mh.msg_controllen = CMSG_SPACE(nfd * sizeof(int));
		c = CMSG_FIRSTHDR(&mh);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(nfd * sizeof(int));
		memcpy(CMSG_DATA(c), fds, nfd * sizeof(int));
	}
	assert_int_equal(sendmsg(sock, &mh, 0), (ssize_t)len);
}

/*
 * is_closed - the pipe whose read end is rfd has no writer left: every
 * copy of the write end, including one sent away, was closed
 */
static int
is_closed(int rfd)
{
	char	 c;

	assert_int_equal(fcntl(rfd, F_SETFL, O_NONBLOCK), 0);
	return read(rfd, &c, 1) == 0;
}

/* sample - a message with every kind of field */
static struct msg *
sample(uint32_t id)
{
	static const uint8_t	 raw[5] = { 0, 1, 2, 0xfe, 0xff };
	struct msg		*m;

	assert_non_null(m = msg_new(MSG_JOB, id, 7));
	assert_int_equal(msg_add_u8(m, 0xab), 0);
	assert_int_equal(msg_add_u16(m, 0xbeef), 0);
	assert_int_equal(msg_add_u32(m, id), 0);
	assert_int_equal(msg_add_u64(m, 0x0123456789abcdefULL), 0);
	assert_int_equal(msg_add_str(m, "msg.eml/2:invoice.zip"), 0);
	assert_int_equal(msg_add_str(m, ""), 0);
	assert_int_equal(msg_add_data(m, raw, sizeof(raw)), 0);
	return m;
}

/* check_sample - what sample() wrote reads back, exactly */
static void
check_sample(struct msg *m, uint32_t id)
{
	uint8_t		 u8, raw[5];
	uint16_t	 u16;
	uint32_t	 u32;
	uint64_t	 u64;
	const char	*s;

	assert_int_equal(m->hdr.type, MSG_JOB);
	assert_int_equal(m->hdr.id, id);
	assert_int_equal(m->hdr.gen, 7);
	assert_int_equal(m->hdr.len, MSG_HDRSIZE + m->len);
	assert_int_equal(msg_get_u8(m, &u8), 0);
	assert_int_equal(u8, 0xab);
	assert_int_equal(msg_get_u16(m, &u16), 0);
	assert_int_equal(u16, 0xbeef);
	assert_int_equal(msg_get_u32(m, &u32), 0);
	assert_int_equal(u32, id);
	assert_int_equal(msg_get_u64(m, &u64), 0);
	assert_true(u64 == 0x0123456789abcdefULL);
	assert_int_equal(msg_get_str(m, &s), 0);
	assert_string_equal(s, "msg.eml/2:invoice.zip");
	assert_int_equal(msg_get_str(m, &s), 0);
	assert_string_equal(s, "");
	assert_int_equal(msg_left(m), 5);
	assert_int_equal(msg_get_data(m, raw, sizeof(raw)), 0);
	assert_int_equal(raw[4], 0xff);
	assert_int_equal(msg_left(m), 0);
	assert_int_equal(msg_end(m), 0);
}

/* test_bytewise - three messages, one byte at a time */
static void
test_bytewise(void **state)
{
	struct msgbuf	 mb;
	struct msg	*m, *e;
	uint8_t		 wire[3][256];
	size_t		 len[3], i, k;
	int		 sv[2], got;

	(void)state;
	for (k = 0; k < 2; k++) {
		m = sample((uint32_t)k + 1);
		len[k] = wire_bytes(m, 0, wire[k], sizeof(wire[k]));
		assert_int_equal(len[k], MSG_HDRSIZE + m->len);
		msg_free(m);
	}
	assert_non_null(e = msg_new(MSG_DRAIN, 9, 7));	/* empty payload */
	len[2] = wire_bytes(e, 0, wire[2], sizeof(wire[2]));
	assert_int_equal(len[2], MSG_HDRSIZE);
	msg_free(e);

	pair(sv);
	msgbuf_init(&mb, sv[1], 0);
	assert_int_equal(msgbuf_read(&mb), -1);
	assert_int_equal(errno, EAGAIN);
	for (k = 0; k < 3; k++) {
		for (i = 0; i < len[k]; i++) {
			assert_int_equal(write(sv[0], &wire[k][i], 1), 1);
			assert_int_equal(msgbuf_read(&mb), 1);
			got = msgbuf_get(&mb, &m);
			if (i + 1 < len[k]) {
				assert_int_equal(got, 0);
				assert_null(m);
				continue;
			}
			assert_int_equal(got, 1);
			assert_int_equal(m->fd, -1);
			if (k < 2)
				check_sample(m, (uint32_t)k + 1);
			else {
				assert_int_equal(m->hdr.type, MSG_DRAIN);
				assert_int_equal(m->len, 0);
				assert_int_equal(msg_end(m), 0);
			}
			msg_free(m);
		}
	}
	assert_int_equal(msgbuf_get(&mb, &m), 0);
	close(sv[0]);
	assert_int_equal(msgbuf_read(&mb), 0);		/* end of file */
	msgbuf_clear(&mb);
	close(sv[1]);
}

/* test_batch - many messages in one read */
static void
test_batch(void **state)
{
	struct msgbuf	 mb;
	struct msg	*m;
	uint32_t	 i, n = 0;
	int		 sv[2];

	(void)state;
	pair(sv);
	for (i = 0; i < 100; i++) {
		m = sample(i);
		assert_int_equal(msg_send(sv[0], m, -1, 0), 0);
		msg_free(m);
	}
	msgbuf_init(&mb, sv[1], 0);
	while (msgbuf_read(&mb) > 0)
		while (msgbuf_get(&mb, &m) == 1) {
			check_sample(m, n++);
			msg_free(m);
		}
	assert_int_equal(errno, EAGAIN);
	assert_int_equal(n, 100);
	msgbuf_clear(&mb);
	close(sv[0]);
	close(sv[1]);
}

/* test_fd_pipe - a pipe's write end goes across and is written through */
static void
test_fd_pipe(void **state)
{
	struct msgbuf	 mb;
	struct msg	*m;
	char		 buf[8];
	int		 sv[2], p[2], fd;

	(void)state;
	pair(sv);
	assert_int_equal(pipe(p), 0);
	m = sample(1);
	assert_int_equal(msg_send(sv[0], m, p[1], -1), 0);
	msg_free(m);
	close(p[1]);			/* the sender keeps no copy */
	msgbuf_init(&mb, sv[1], 1);
	assert_int_equal(msgbuf_recv(&mb, &m, 1000), 1);
	assert_true(m->fd >= 0);
	check_sample(m, 1);
	assert_int_equal(write(m->fd, "hello", 5), 5);
	fd = msg_take_fd(m);
	assert_int_equal(m->fd, -1);
	msg_free(m);			/* does not close a taken fd */
	assert_int_equal(write(fd, "!", 1), 1);
	close(fd);
	assert_int_equal(read(p[0], buf, sizeof(buf)), 6);
	assert_memory_equal(buf, "hello!", 6);
	assert_true(is_closed(p[0]));
	close(p[0]);
	msgbuf_clear(&mb);
	close(sv[0]);
	close(sv[1]);
}

/* test_fd_memfd - a memfd, one byte at a time; msg_free closes it */
static void
test_fd_memfd(void **state)
{
	struct msgbuf	 mb;
	struct msg	*m;
	uint8_t		 wire[256];
	char		 buf[16];
	size_t		 len, i;
	int		 sv[2], mfd, p[2];

	(void)state;
	assert_true((mfd = memfd_create("job", MFD_CLOEXEC)) >= 0);
	assert_int_equal(write(mfd, "X5O!P%@AP", 9), 9);
	m = sample(3);
	len = wire_bytes(m, 1, wire, sizeof(wire));
	msg_free(m);
	pair(sv);
	msgbuf_init(&mb, sv[1], 1);
	for (i = 0; i < len; i++) {
		send_raw(sv[0], wire + i, 1, &mfd, i == 0);
		assert_int_equal(msgbuf_read(&mb), 1);
		assert_int_equal(msgbuf_get(&mb, &m), i + 1 == len);
	}
	close(mfd);
	check_sample(m, 3);
	assert_int_equal(pread(m->fd, buf, sizeof(buf), 0), 9);
	assert_memory_equal(buf, "X5O!P%@AP", 9);
	msg_free(m);

	/* a pipe sent the same way: closed when the message is freed */
	assert_int_equal(pipe(p), 0);
	m = sample(4);
	assert_int_equal(msg_send(sv[0], m, p[1], -1), 0);
	msg_free(m);
	close(p[1]);
	assert_int_equal(msgbuf_recv(&mb, &m, 1000), 1);
	assert_false(is_closed(p[0]));
	msg_free(m);
	assert_true(is_closed(p[0]));
	close(p[0]);
	msgbuf_clear(&mb);
	close(sv[0]);
	close(sv[1]);
}

/* test_fd_refused - a receiver that allows none closes what comes */
static void
test_fd_refused(void **state)
{
	struct msgbuf	 mb;
	struct msg	*m;
	int		 sv[2], p[2];

	(void)state;
	pair(sv);
	assert_int_equal(pipe(p), 0);
	m = sample(1);
	assert_int_equal(msg_send(sv[0], m, p[1], -1), 0);
	msg_free(m);
	close(p[1]);
	msgbuf_init(&mb, sv[1], 0);
	assert_true(msgbuf_read(&mb) > 0);
	assert_true(is_closed(p[0]));	/* already gone */
	assert_int_equal(msgbuf_get(&mb, &m), -1);
	assert_int_equal(errno, EBADMSG);	/* it claimed one */
	assert_null(m);
	assert_int_equal(msgbuf_get(&mb, &m), -1);	/* and stays failed */
	assert_int_equal(msgbuf_read(&mb), -1);
	assert_int_equal(errno, EBADMSG);
	close(p[0]);
	msgbuf_clear(&mb);
	close(sv[0]);
	close(sv[1]);
}

/* test_ctrunc - two descriptors in one message: both closed, an error */
static void
test_ctrunc(void **state)
{
	struct msgbuf	 mb;
	struct msg	*m;
	uint8_t		 wire[256];
	size_t		 len;
	int		 sv[2], p[2], q[2], fds[2];

	(void)state;
	m = sample(1);
	len = wire_bytes(m, 1, wire, sizeof(wire));
	msg_free(m);
	pair(sv);
	assert_int_equal(pipe(p), 0);
	assert_int_equal(pipe(q), 0);
	fds[0] = p[1];
	fds[1] = q[1];
	send_raw(sv[0], wire, len, fds, 2);
	close(p[1]);
	close(q[1]);
	msgbuf_init(&mb, sv[1], 1);
	assert_int_equal(msgbuf_read(&mb), -1);
	assert_int_equal(errno, EBADMSG);
	assert_true(is_closed(p[0]));
	assert_true(is_closed(q[0]));
	assert_int_equal(msgbuf_get(&mb, &m), -1);
	assert_int_equal(errno, EBADMSG);
	close(p[0]);
	close(q[0]);
	msgbuf_clear(&mb);
	close(sv[0]);
	close(sv[1]);
}

/* test_fd_unclaimed - a descriptor without MSG_HASFD, or a claim without */
static void
test_fd_unclaimed(void **state)
{
	struct msgbuf	 mb;
	struct msg	*m;
	uint8_t		 wire[256], wfd[256];
	size_t		 len;
	int		 sv[2], p[2];

	(void)state;
	m = sample(1);
	len = wire_bytes(m, 0, wire, sizeof(wire));
	assert_int_equal(wire_bytes(m, 1, wfd, sizeof(wfd)), len);
	msg_free(m);

	/* an fd sent with an unflagged message, then the next one */
	pair(sv);
	assert_int_equal(pipe(p), 0);
	send_raw(sv[0], wire, len, &p[1], 1);
	send_raw(sv[0], wire, len, NULL, 0);
	close(p[1]);
	msgbuf_init(&mb, sv[1], 1);
	assert_int_equal(msgbuf_recv(&mb, &m, 1000), 1);
	assert_int_equal(m->fd, -1);
	msg_free(m);
	assert_int_equal(msgbuf_recv(&mb, &m, 1000), -1);
	assert_int_equal(errno, EBADMSG);
	msgbuf_clear(&mb);
	assert_true(is_closed(p[0]));
	close(p[0]);
	close(sv[0]);
	close(sv[1]);

	/* a flagged message that came without one */
	pair(sv);
	send_raw(sv[0], wfd, len, NULL, 0);
	msgbuf_init(&mb, sv[1], 1);
	assert_int_equal(msgbuf_recv(&mb, &m, 1000), -1);
	assert_int_equal(errno, EBADMSG);
	msgbuf_clear(&mb);
	close(sv[0]);
	close(sv[1]);
}

/* a header with a bad length, sent raw */
static const struct hcase {
	const char	*name;
	uint32_t	 len;
	int		 err;
} hcases[] = {
	{ "hdr: len 0", 0, EBADMSG },
	{ "hdr: len 15", MSG_HDRSIZE - 1, EBADMSG },
	{ "hdr: len 0 with fd flag", MSG_HASFD, EBADMSG },
	{ "hdr: len max + 1", MSG_MAXSIZE + 1, EMSGSIZE },
	{ "hdr: len 0x7fffffff", 0x7fffffffU, EMSGSIZE },
	{ "hdr: len 0xffffffff", 0xffffffffU, EMSGSIZE },
};

/* test_hdr - bad lengths are refused as soon as the header is there */
static void
test_hdr(void **state)
{
	const struct hcase	*c = *state;
	struct msg_hdr		 h = { MSG_JOB, 0, 1, 1 };
	struct msgbuf		 mb;
	struct msg		*m;
	int			 sv[2], p[2];

	pair(sv);
	assert_int_equal(pipe(p), 0);
	h.len = c->len;
	send_raw(sv[0], &h, sizeof(h), &p[1], (c->len & MSG_HASFD) != 0);
	close(p[1]);
	msgbuf_init(&mb, sv[1], 1);
	assert_int_equal(msgbuf_recv(&mb, &m, 1000), -1);
	assert_int_equal(errno, c->err);
	assert_null(m);
	assert_int_equal(msgbuf_get(&mb, &m), -1);
	assert_int_equal(errno, c->err);
	assert_true(is_closed(p[0]));
	close(p[0]);
	msgbuf_clear(&mb);
	close(sv[0]);
	close(sv[1]);
}

/* test_truncated - end of file in the middle of a message */
static void
test_truncated(void **state)
{
	struct msgbuf	 mb;
	struct msg	*m;
	uint8_t		 wire[256];
	size_t		 len, cut;
	int		 sv[2];

	(void)state;
	m = sample(1);
	len = wire_bytes(m, 0, wire, sizeof(wire));
	msg_free(m);
	for (cut = 0; cut < len; cut++) {
		pair(sv);
		if (cut > 0)
			send_raw(sv[0], wire, cut, NULL, 0);
		close(sv[0]);
		msgbuf_init(&mb, sv[1], 0);
		assert_int_equal(msgbuf_recv(&mb, &m, 1000), 0);
		assert_null(m);
		msgbuf_clear(&mb);
		close(sv[1]);
	}
}

/* test_big - bigger than the socket buffer: a child writes, we read */
static void
test_big(void **state)
{
	struct msgbuf	 mb;
	struct msg	*m;
	uint8_t		*blob, *got;
	size_t		 n = MSG_MAXSIZE - MSG_HDRSIZE - 4, i;
	pid_t		 pid;
	uint32_t	 n32;
	int		 sv[2], st;

	(void)state;
	assert_non_null(blob = malloc(n));
	for (i = 0; i < n; i++)
		blob[i] = (uint8_t)(i * 7 + (i >> 12));
	assert_non_null(m = msg_new(MSG_VERDICT, 5, 2));
	assert_int_equal(msg_add_u32(m, (uint32_t)n), 0);
	assert_int_equal(msg_add_data(m, blob, n), 0);
	assert_int_equal(m->hdr.len, MSG_MAXSIZE);
	assert_int_equal(msg_add_u8(m, 0), -1);		/* one too many */
	assert_int_equal(errno, EMSGSIZE);
	assert_int_equal(msg_send(0, m, -1, -1), -1);	/* failed: refused */
	assert_int_equal(errno, EINVAL);
	m->failed = 0;		/* the content itself is complete */
	pair(sv);
	if ((pid = fork()) == 0) {
		close(sv[1]);
		_exit(msg_send(sv[0], m, -1, -1) == 0 ? 0 : 1);
	}
	assert_true(pid > 0);
	close(sv[0]);
	msg_free(m);
	msgbuf_init(&mb, sv[1], 0);
	assert_int_equal(msgbuf_recv(&mb, &m, 10000), 1);
	assert_int_equal(m->hdr.id, 5);
	assert_int_equal(msg_get_u32(m, &n32), 0);
	assert_int_equal(n32, n);
	assert_non_null(got = malloc(n));
	assert_int_equal(msg_get_data(m, got, n), 0);
	assert_memory_equal(got, blob, n);
	assert_int_equal(msg_end(m), 0);
	msg_free(m);
	assert_int_equal(msgbuf_recv(&mb, &m, 1000), 0);
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	msgbuf_clear(&mb);
	close(sv[1]);
	free(got);
	free(blob);
}

/* test_full - a peer that does not read: no wait, or a timeout */
static void
test_full(void **state)
{
	struct msg	*m;
	static uint8_t	 blob[60000];
	int		 sv[2], rc, k;

	(void)state;
	pair(sv);
	assert_non_null(m = msg_new(MSG_LOG, 1, 1));
	assert_int_equal(msg_add_data(m, blob, sizeof(blob)), 0);
	for (k = 0; k < 1000; k++)
		if ((rc = msg_send(sv[0], m, -1, 0)) == -1)
			break;
	assert_int_equal(rc, -1);
	assert_true(errno == EAGAIN || errno == ETIMEDOUT);
	assert_int_equal(msg_send(sv[0], m, -1, 50), -1);
	assert_int_equal(errno, ETIMEDOUT);
	close(sv[1]);
	assert_int_equal(msg_send(sv[0], m, -1, 50), -1);
	assert_int_equal(errno, EPIPE);		/* no SIGPIPE either */
	msg_free(m);
	close(sv[0]);
}

/* test_timeout - msgbuf_recv gives up */
static void
test_timeout(void **state)
{
	struct msgbuf	 mb;
	struct msg	*m;
	int		 sv[2];

	(void)state;
	pair(sv);
	msgbuf_init(&mb, sv[1], 0);
	assert_int_equal(msgbuf_recv(&mb, &m, 30), -1);
	assert_int_equal(errno, ETIMEDOUT);
	assert_int_equal(write(sv[0], "\x01\x00", 2), 2);	/* half a hdr */
	assert_int_equal(msgbuf_recv(&mb, &m, 0), -1);
	assert_int_equal(errno, ETIMEDOUT);
	msgbuf_clear(&mb);
	close(sv[0]);
	close(sv[1]);
}

/* a payload and the reads that must fail on it */
enum getop {
	G_U8,
	G_U16,
	G_U32,
	G_U64,
	G_STR,
	G_DATA4
};

static const struct gcase {
	const char	*name;
	const char	*payload;
	size_t		 len;
	enum getop	 ops[4];
	int		 nops;
	int		 fails;		/* index of the failing op, or -1 */
	int		 endok;
} gcases[] = {
	{ "get: u8 on empty", "", 0, { G_U8 }, 1, 0, 0 },
	{ "get: u16 on 1 byte", "a", 1, { G_U16 }, 1, 0, 0 },
	{ "get: u32 on 3 bytes", "abc", 3, { G_U32 }, 1, 0, 0 },
	{ "get: u64 on 7 bytes", "abcdefg", 7, { G_U64 }, 1, 0, 0 },
	{ "get: data 4 on 3 bytes", "abc", 3, { G_DATA4 }, 1, 0, 0 },
	{ "get: str on empty", "", 0, { G_STR }, 1, 0, 0 },
	{ "get: str unterminated", "abc", 3, { G_STR }, 1, 0, 0 },
	{ "get: second str unterminated", "ab\0cd", 5, { G_STR, G_STR }, 2,
	    1, 0 },
	{ "get: u32 after str overruns", "a\0xyz", 5, { G_STR, G_U32 }, 2,
	    1, 0 },
	{ "get: sticky after overrun", "abcdefgh", 8, { G_U64, G_U8, G_U8 },
	    3, 1, 0 },
	{ "get: exact", "abcdefgh\0", 9, { G_U32, G_U16, G_U8, G_STR }, 4,
	    -1, 1 },
	{ "get: leftover byte", "abcde", 5, { G_U32 }, 1, -1, 0 },
	{ "get: leftover string", "abcd\0", 5, { G_DATA4 }, 1, -1, 0 },
	{ "get: empty string, exact", "\0", 1, { G_STR }, 1, -1, 1 },
};

/* test_get - accessors on short and long payloads */
static void
test_get(void **state)
{
	const struct gcase	*c = *state;
	struct msg		*m;
	const char		*s;
	uint64_t		 v;
	int			 i, rc = 0;

	assert_non_null(m = msg_new(MSG_LOG, 1, 1));
	assert_int_equal(msg_add_data(m, c->payload, c->len), 0);
	for (i = 0; i < c->nops; i++) {
		errno = 0;
		switch (c->ops[i]) {
		case G_U8:
			rc = msg_get_u8(m, (uint8_t *)&v);
			break;
		case G_U16:
			rc = msg_get_u16(m, (uint16_t *)&v);
			break;
		case G_U32:
			rc = msg_get_u32(m, (uint32_t *)&v);
			break;
		case G_U64:
			rc = msg_get_u64(m, &v);
			break;
		case G_STR:
			rc = msg_get_str(m, &s);
			break;
		case G_DATA4:
			rc = msg_get_data(m, &v, 4);
			break;
		}
		if (c->fails >= 0 && i >= c->fails) {
			assert_int_equal(rc, -1);
			assert_int_equal(errno, EBADMSG);
		} else
			assert_int_equal(rc, 0);
	}
	assert_int_equal(msg_end(m), c->endok ? 0 : -1);
	if (!c->endok) {
		assert_int_equal(errno, EBADMSG);
		assert_int_equal(msg_end(m), -1);	/* sticky */
	}
	msg_free(m);
}

/* test_add - sizes at the limit; strings; msg_type_str */
static void
test_add(void **state)
{
	struct msg	*m;
	char		*big;
	size_t		 n = MSG_MAXSIZE - MSG_HDRSIZE;

	(void)state;
	assert_non_null(big = malloc(n + 1));
	memset(big, 'a', n);
	big[n] = '\0';
	assert_non_null(m = msg_new(MSG_LOG, 1, 1));
	assert_int_equal(msg_add_str(m, big), -1);	/* n + 1 with NUL */
	assert_int_equal(errno, EMSGSIZE);
	assert_int_equal(msg_add_u8(m, 1), -1);		/* failed for good */
	assert_int_equal(errno, EMSGSIZE);
	msg_free(m);
	big[n - 1] = '\0';
	assert_non_null(m = msg_new(MSG_LOG, 1, 1));
	assert_int_equal(msg_add_str(m, big), 0);	/* exactly full */
	assert_int_equal(m->hdr.len, MSG_MAXSIZE);
	assert_int_equal(msg_add_data(m, NULL, 0), 0);
	assert_int_equal(msg_add_u8(m, 1), -1);
	msg_free(m);
	msg_free(NULL);
	free(big);

	assert_string_equal(msg_type_str(MSG_READY), "MSG_READY");
	assert_string_equal(msg_type_str(MSG_JOB), "MSG_JOB");
	assert_string_equal(msg_type_str(MSG_VERDICT), "MSG_VERDICT");
	assert_string_equal(msg_type_str(MSG_LOG), "MSG_LOG");
	assert_string_equal(msg_type_str(MSG_DRAIN), "MSG_DRAIN");
	assert_string_equal(msg_type_str(MSG_MODULES), "MSG_MODULES");
	assert_string_equal(msg_type_str(MSG_STATS), "MSG_STATS");
	assert_string_equal(msg_type_str(MSG_ERROR), "MSG_ERROR");
	assert_string_equal(msg_type_str(0), "MSG_?");
	assert_string_equal(msg_type_str(MSG_NTYPES), "MSG_?");
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
	static struct CMUnitTest	 tests[nitems(hcases) +
	    nitems(gcases) + 16];
	size_t				 i, n = 0;

	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_bytewise);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_batch);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_fd_pipe);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_fd_memfd);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_fd_refused);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_ctrunc);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_fd_unclaimed);
	ADD(hcases, test_hdr);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_truncated);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_big);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_full);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_timeout);
	ADD(gcases, test_get);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_add);
	return _cmocka_run_group_tests("msg", tests, n, NULL, NULL);
}
