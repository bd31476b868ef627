/*
 * msg.c - framed messages over a socketpair, with opt-in descriptors
 *
 * A descriptor travels with the first byte of its message (one sendmsg(2)
 * carries the header and the SCM_RIGHTS control message), and Linux hands
 * it to the recvmsg(2) that reads that byte.  The receiver therefore
 * notes, for every descriptor, the stream range of the read that brought
 * it, and pairs it with the message whose first byte lies in that range
 * and whose header carries MSG_HASFD.  A descriptor that no message
 * claims, or a claim with no descriptor, is a protocol error.
 */
#include <sys/types.h>
#include <sys/socket.h>

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "util/msg.h"

#define MSGBUF_CHUNK	16384		/* read size, and the kept buffer */

static int	 msg_fail(struct msg *, int);
static int	 msg_take(struct msg *, void *, size_t);
static int	 mb_fail(struct msgbuf *, int);
static void	 mb_closefds(struct msgbuf *);
static int	 mb_room(struct msgbuf *);
static int	 mb_wait(int, short, int, const struct timespec *);

/* msg_fail - mark a message failed */
static int
msg_fail(struct msg *m, int err)
{
	if (m->failed == 0)
		m->failed = err;
	errno = m->failed;
	return -1;
}

/* msg_new - an empty message */
struct msg *
msg_new(uint32_t type, uint32_t id, uint32_t gen)
{
	struct msg	*m;

	if ((m = calloc(1, sizeof(*m))) == NULL) {
		errno = ENOMEM;
		return NULL;
	}
	m->hdr.type = type;
	m->hdr.len = MSG_HDRSIZE;
	m->hdr.id = id;
	m->hdr.gen = gen;
	m->fd = -1;
	return m;
}

/* msg_free - release a message and the descriptor it still holds */
void
msg_free(struct msg *m)
{
	if (m == NULL)
		return;
	if (m->fd != -1)
		close(m->fd);
	free(m->data);
	free(m);
}

/* msg_add_data - append n raw bytes */
int
msg_add_data(struct msg *m, const void *p, size_t n)
{
	uint8_t	*d;
	size_t	 cap;

	if (m->failed)
		return msg_fail(m, m->failed);
	if (n > MSG_MAXSIZE - MSG_HDRSIZE - m->len)
		return msg_fail(m, EMSGSIZE);
	if (n == 0)
		return 0;
	if (m->len + n > m->cap) {
		cap = m->cap ? m->cap : 64;
		while (cap < m->len + n)
			cap *= 2;
		if ((d = realloc(m->data, cap)) == NULL)
			return msg_fail(m, ENOMEM);
		m->data = d;
		m->cap = cap;
	}
	memcpy(m->data + m->len, p, n);
	m->len += n;
	m->hdr.len = (uint32_t)(MSG_HDRSIZE + m->len);
	return 0;
}

/* msg_add_u8 - append a byte */
int
msg_add_u8(struct msg *m, uint8_t v)
{
	return msg_add_data(m, &v, sizeof(v));
}

/* msg_add_u16 - append a 16-bit integer, host order */
int
msg_add_u16(struct msg *m, uint16_t v)
{
	return msg_add_data(m, &v, sizeof(v));
}

/* msg_add_u32 - append a 32-bit integer, host order */
int
msg_add_u32(struct msg *m, uint32_t v)
{
	return msg_add_data(m, &v, sizeof(v));
}

/* msg_add_u64 - append a 64-bit integer, host order */
int
msg_add_u64(struct msg *m, uint64_t v)
{
	return msg_add_data(m, &v, sizeof(v));
}

/* msg_add_str - append a string and its NUL */
int
msg_add_str(struct msg *m, const char *s)
{
	size_t	 n;

	n = strnlen(s, MSG_MAXSIZE);
	if (n == MSG_MAXSIZE)
		return msg_fail(m, EMSGSIZE);
	return msg_add_data(m, s, n + 1);
}

/* mb_wait - poll one descriptor: 1 ready, -1 (ETIMEDOUT or poll's) */
static int
mb_wait(int fd, short ev, int timeout, const struct timespec *deadline)
{
	struct pollfd	 pfd;
	struct timespec	 now;
	long long	 ms;
	int		 n;

	if (deadline != NULL) {
		clock_gettime(CLOCK_MONOTONIC, &now);
		ms = (long long)(deadline->tv_sec - now.tv_sec) * 1000 +
		    (deadline->tv_nsec - now.tv_nsec) / 1000000;
		timeout = ms > 0 ? (ms > 3600000 ? 3600000 : (int)ms) : 0;
	}
	pfd.fd = fd;
	pfd.events = ev;
	pfd.revents = 0;
	n = poll(&pfd, 1, timeout);
	if (n == 0) {
		errno = ETIMEDOUT;
		return -1;
	}
	if (n == -1 && errno == EINTR)
		return 1;	/* the caller retries, and polls again */
	return n == -1 ? -1 : 1;
}

/* msg_send - write a whole message, with at most one descriptor */
int
msg_send(int sock, const struct msg *m, int fd, int timeout)
{
	union {
		struct cmsghdr	 hdr;
		char		 buf[CMSG_SPACE(sizeof(int))];
	}		 cm;
	struct msg_hdr	 h;
	struct msghdr	 mh;
	struct iovec	 iov[2];
	struct cmsghdr	*c;
	size_t		 sent = 0, total, po;
	ssize_t		 n;
	int		 i;

	if (m->failed) {
		errno = EINVAL;
		return -1;
	}
	h = m->hdr;
	h.len = (uint32_t)(MSG_HDRSIZE + m->len);
	total = h.len;
	if (fd != -1)
		h.len |= MSG_HASFD;
	while (sent < total) {
		memset(&mh, 0, sizeof(mh));
		i = 0;
		if (sent < MSG_HDRSIZE) {
			iov[i].iov_base = (uint8_t *)&h + sent;
			iov[i++].iov_len = MSG_HDRSIZE - sent;
		}
		if (m->len > 0) {
			po = sent > MSG_HDRSIZE ? sent - MSG_HDRSIZE : 0;
			iov[i].iov_base = m->data + po;
			iov[i++].iov_len = m->len - po;
		}
		mh.msg_iov = iov;
		mh.msg_iovlen = i;
		if (sent == 0 && fd != -1) {
			memset(&cm, 0, sizeof(cm));
			mh.msg_control = cm.buf;
			mh.msg_controllen = sizeof(cm.buf);
			c = CMSG_FIRSTHDR(&mh);
			c->cmsg_level = SOL_SOCKET;
			c->cmsg_type = SCM_RIGHTS;
			c->cmsg_len = CMSG_LEN(sizeof(int));
			memcpy(CMSG_DATA(c), &fd, sizeof(int));
		}
		if ((n = sendmsg(sock, &mh, MSG_NOSIGNAL)) >= 0) {
			sent += (size_t)n;
			continue;
		}
		if (errno == EINTR)
			continue;
		if (errno != EAGAIN && errno != EWOULDBLOCK)
			return -1;
		if (timeout == 0) {
			errno = sent == 0 ? EAGAIN : ETIMEDOUT;
			return -1;
		}
		if (mb_wait(sock, POLLOUT, timeout, NULL) == -1)
			return -1;
	}
	return 0;
}

/* msgbuf_init - a receive buffer for sock */
void
msgbuf_init(struct msgbuf *mb, int sock, int allowfd)
{
	memset(mb, 0, sizeof(*mb));
	mb->sock = sock;
	mb->allowfd = allowfd;
}

/* mb_closefds - close the descriptors not handed out */
static void
mb_closefds(struct msgbuf *mb)
{
	int	 i;

	for (i = 0; i < mb->nfds; i++)
		close(mb->fds[i].fd);
	mb->nfds = 0;
}

/* msgbuf_clear - free the buffer, close pending descriptors */
void
msgbuf_clear(struct msgbuf *mb)
{
	mb_closefds(mb);
	free(mb->buf);
	msgbuf_init(mb, mb->sock, mb->allowfd);
}

/* mb_fail - the stream is out of step for good */
static int
mb_fail(struct msgbuf *mb, int err)
{
	if (mb->failed == 0)
		mb->failed = err;
	mb_closefds(mb);
	errno = mb->failed;
	return -1;
}

/* mb_room - compact the buffer and make room for one read */
static int
mb_room(struct msgbuf *mb)
{
	uint8_t	*p;
	size_t	 want;

	if (mb->off > 0) {
		memmove(mb->buf, mb->buf + mb->off, mb->len - mb->off);
		mb->len -= mb->off;
		mb->off = 0;
	}
	if (mb->cap - mb->len >= MSGBUF_CHUNK)
		return 0;
	want = mb->len + MSGBUF_CHUNK;
	if (want > MSG_MAXSIZE + MSGBUF_CHUNK)
		want = MSG_MAXSIZE + MSGBUF_CHUNK;
	if (want <= mb->cap) {
		if (mb->cap > mb->len)
			return 0;
		errno = ENOBUFS;	/* the caller did not take messages */
		return -1;
	}
	if ((p = realloc(mb->buf, want)) == NULL) {
		errno = ENOMEM;
		return -1;
	}
	mb->buf = p;
	mb->cap = want;
	return 0;
}

/* msgbuf_read - read once what the socket has */
ssize_t
msgbuf_read(struct msgbuf *mb)
{
	union {
		struct cmsghdr	 hdr;
		char		 buf[CMSG_SPACE(sizeof(int))];
	}		 cm;
	struct msghdr	 mh;
	struct iovec	 iov;
	struct cmsghdr	*c;
	ssize_t		 n;
	size_t		 i, nfd;
	int		 fd, bad = 0;

	if (mb->failed) {
		errno = mb->failed;
		return -1;
	}
	if (mb_room(mb) == -1)
		return -1;
	memset(&mh, 0, sizeof(mh));
	memset(&cm, 0, sizeof(cm));
	iov.iov_base = mb->buf + mb->len;
	iov.iov_len = mb->cap - mb->len;
	mh.msg_iov = &iov;
	mh.msg_iovlen = 1;
	mh.msg_control = cm.buf;
	mh.msg_controllen = sizeof(cm.buf);
	if ((n = recvmsg(mb->sock, &mh, MSG_CMSG_CLOEXEC)) == -1)
		return -1;
	for (c = CMSG_FIRSTHDR(&mh); c != NULL; c = CMSG_NXTHDR(&mh, c)) {
		if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
			continue;
		nfd = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		for (i = 0; i < nfd; i++) {
			memcpy(&fd, CMSG_DATA(c) + i * sizeof(int),
			    sizeof(int));
			if (!mb->allowfd)
				close(fd);	/* not wanted: gone at once */
			else if (i > 0 || mb->nfds == MSGBUF_MAXFD) {
				close(fd);
				bad = 1;
			} else {
				mb->fds[mb->nfds].fd = fd;
				mb->fds[mb->nfds].from = mb->total;
				mb->fds[mb->nfds++].to = mb->total +
				    (uint64_t)n;
			}
		}
	}
	mb->len += (size_t)n;
	mb->total += (uint64_t)n;
	if (mh.msg_flags & MSG_CTRUNC)
		bad = 1;
	if (bad)
		return mb_fail(mb, EBADMSG);
	return n;
}

/* msgbuf_get - the next complete message: 1, 0 (none yet), -1 */
int
msgbuf_get(struct msgbuf *mb, struct msg **mp)
{
	struct msg_hdr	 h;
	struct msg	*m;
	uint64_t	 at;
	size_t		 avail, len;
	int		 hasfd, fd = -1;

	*mp = NULL;
	if (mb->failed) {
		errno = mb->failed;
		return -1;
	}
	avail = mb->len - mb->off;
	if (avail < MSG_HDRSIZE)
		return 0;
	memcpy(&h, mb->buf + mb->off, sizeof(h));
	hasfd = (h.len & MSG_HASFD) != 0;
	h.len &= ~MSG_HASFD;
	if (h.len < MSG_HDRSIZE)
		return mb_fail(mb, EBADMSG);
	if (h.len > MSG_MAXSIZE)
		return mb_fail(mb, EMSGSIZE);
	/* the absolute offset of this message's first byte */
	at = mb->total - avail;
	if (mb->nfds > 0 && mb->fds[0].to <= at)
		return mb_fail(mb, EBADMSG);	/* nobody claimed it */
	if (hasfd && (mb->nfds == 0 || mb->fds[0].from > at))
		return mb_fail(mb, EBADMSG);	/* claimed, none came */
	if (avail < h.len)
		return 0;
	if ((m = msg_new(h.type, h.id, h.gen)) == NULL)
		return -1;
	len = h.len - MSG_HDRSIZE;
	if (len > 0 && (m->data = malloc(len)) == NULL) {
		msg_free(m);
		errno = ENOMEM;
		return -1;
	}
	if (len > 0)
		memcpy(m->data, mb->buf + mb->off + MSG_HDRSIZE, len);
	m->len = m->cap = len;
	m->hdr.len = h.len;
	if (hasfd) {
		fd = mb->fds[0].fd;
		memmove(&mb->fds[0], &mb->fds[1],
		    (size_t)(--mb->nfds) * sizeof(mb->fds[0]));
	}
	m->fd = fd;
	mb->off += h.len;
	if (mb->off == mb->len) {
		mb->off = mb->len = 0;
		if (mb->cap > 4 * MSGBUF_CHUNK) {
			free(mb->buf);	/* a big message is gone */
			mb->buf = NULL;
			mb->cap = 0;
		}
	}
	*mp = m;
	return 1;
}

/* msgbuf_recv - wait for the next message: 1, 0 (end of file), -1 */
int
msgbuf_recv(struct msgbuf *mb, struct msg **mp, int timeout)
{
	struct timespec	 dl;
	ssize_t		 n;
	int		 r;

	if (timeout >= 0) {
		clock_gettime(CLOCK_MONOTONIC, &dl);
		dl.tv_sec += timeout / 1000;
		dl.tv_nsec += (long)(timeout % 1000) * 1000000;
		if (dl.tv_nsec >= 1000000000) {
			dl.tv_sec++;
			dl.tv_nsec -= 1000000000;
		}
	}
	for (;;) {
		if ((r = msgbuf_get(mb, mp)) != 0)
			return r;
		if ((n = msgbuf_read(mb)) > 0)
			continue;
		if (n == 0)
			return 0;
		if (errno == EINTR)
			continue;
		if (errno != EAGAIN && errno != EWOULDBLOCK)
			return -1;
		if (mb_wait(mb->sock, POLLIN, -1, timeout >= 0 ? &dl : NULL)
		    == -1)
			return -1;
	}
}

/* msg_take - copy out the next n bytes */
static int
msg_take(struct msg *m, void *p, size_t n)
{
	if (m->failed)
		return msg_fail(m, EBADMSG);
	if (n > m->len - m->pos)
		return msg_fail(m, EBADMSG);
	if (n > 0)
		memcpy(p, m->data + m->pos, n);
	m->pos += n;
	return 0;
}

/* msg_get_u8 - read a byte */
int
msg_get_u8(struct msg *m, uint8_t *v)
{
	return msg_take(m, v, sizeof(*v));
}

/* msg_get_u16 - read a 16-bit integer */
int
msg_get_u16(struct msg *m, uint16_t *v)
{
	return msg_take(m, v, sizeof(*v));
}

/* msg_get_u32 - read a 32-bit integer */
int
msg_get_u32(struct msg *m, uint32_t *v)
{
	return msg_take(m, v, sizeof(*v));
}

/* msg_get_u64 - read a 64-bit integer */
int
msg_get_u64(struct msg *m, uint64_t *v)
{
	return msg_take(m, v, sizeof(*v));
}

/* msg_get_data - read exactly n bytes */
int
msg_get_data(struct msg *m, void *p, size_t n)
{
	return msg_take(m, p, n);
}

/* msg_get_str - point at the next string, which must end in the message */
int
msg_get_str(struct msg *m, const char **s)
{
	const uint8_t	*p, *nul;

	if (m->failed || m->pos == m->len)
		return msg_fail(m, EBADMSG);
	p = m->data + m->pos;
	if ((nul = memchr(p, '\0', m->len - m->pos)) == NULL)
		return msg_fail(m, EBADMSG);
	*s = (const char *)p;
	m->pos += (size_t)(nul - p) + 1;
	return 0;
}

/* msg_left - bytes not read yet */
size_t
msg_left(const struct msg *m)
{
	return m->len - m->pos;
}

/* msg_end - the message was read exactly */
int
msg_end(struct msg *m)
{
	if (m->failed || m->pos != m->len)
		return msg_fail(m, EBADMSG);
	return 0;
}

/* msg_take_fd - the caller takes the received descriptor */
int
msg_take_fd(struct msg *m)
{
	int	 fd = m->fd;

	m->fd = -1;
	return fd;
}
