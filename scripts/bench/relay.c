/*
 * relay.c - a bare TCP byte relay: the floor of any proxy (smtpdbench)
 *
 * SYNOPSIS
 *	relay LISTEN_PORT TARGET_PORT
 * DESCRIPTION
 *	Listens on 127.0.0.1:LISTEN_PORT; every connection gets its own
 *	connection to 127.0.0.1:TARGET_PORT, and the bytes are copied both
 *	ways as they come, through 64 KiB buffers, by one epoll loop.  No
 *	SMTP, no spool, no scan: what a proxy cannot avoid (one more pair
 *	of sockets per session, every byte received and sent once more).
 *	smtpdbench puts it between smtp-source and smtp-sink as the
 *	"byte relay" row, so that vigil-smtpd's rate can be read against
 *	the rate of a proxy that does nothing on the same machine.
 *
 *	A benchmark tool, not part of Vigil: it trusts its peers, exits on
 *	the first unexpected error, and closes both sides of a session when
 *	either side ends.
 */
#define _GNU_SOURCE
#include <sys/epoll.h>
#include <sys/socket.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>

#include <err.h>
#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

#define BUFSZ	65536

struct side {
	int		 fd;
	int		 dead;
	struct side	*peer;
	struct side	*next;		/* on the list of the dead */
	size_t		 len, off;	/* bytes waiting to go to fd */
	unsigned char	 buf[BUFSZ];
};

static int		 ep;
static struct side	*dead;

static void	 watch(struct side *, int);
static void	 drop(struct side *);
static void	 pump(struct side *);
static void	 flush(struct side *);
static int	 tcp(int, int);

/*
 * watch - read while the peer's buffer is free (level-triggered: a side
 * that cannot be read now must not be watched), write while bytes wait
 */
static void
watch(struct side *s, int op)
{
	struct epoll_event	 ev;

	ev.events = (s->peer->len == 0 ? EPOLLIN : 0) |
	    (s->len > 0 ? EPOLLOUT : 0);
	ev.data.ptr = s;
	if (epoll_ctl(ep, op, s->fd, &ev) == -1)
		err(1, "epoll_ctl");
}

/*
 * drop - the session ends: both sides closed; freed after the batch of
 * events, which may still name them
 */
static void
drop(struct side *s)
{
	struct side	*p = s->peer;

	close(s->fd);
	close(p->fd);
	s->dead = p->dead = 1;
	s->next = p;
	p->next = dead;
	dead = s;
}

/* flush - send what waits for s; the watches follow */
static void
flush(struct side *s)
{
	ssize_t	 n;

	while (s->off < s->len) {
		n = send(s->fd, s->buf + s->off, s->len - s->off,
		    MSG_NOSIGNAL | MSG_DONTWAIT);
		if (n == -1 && errno == EAGAIN)
			break;
		if (n == -1) {
			drop(s);
			return;
		}
		s->off += (size_t)n;
	}
	if (s->off == s->len)
		s->len = s->off = 0;
	watch(s, EPOLL_CTL_MOD);
	watch(s->peer, EPOLL_CTL_MOD);
}

/* pump - s is readable and its peer's buffer free: read into it */
static void
pump(struct side *s)
{
	struct side	*p = s->peer;
	ssize_t		 n;

	n = recv(s->fd, p->buf, sizeof(p->buf), MSG_DONTWAIT);
	if (n == -1 && errno == EAGAIN)
		return;
	if (n <= 0) {
		drop(s);
		return;
	}
	p->len = (size_t)n;
	p->off = 0;
	flush(p);
}

/* tcp - a socket on 127.0.0.1:port, listening (listen) or connected */
static int
tcp(int port, int listen_it)
{
	struct sockaddr_in	 sin;
	int			 s, on = 1;

	if ((s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1)
		err(1, "socket");
	sin.sin_family = AF_INET;
	sin.sin_port = htons((unsigned short)port);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (listen_it) {
		setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
		if (bind(s, (struct sockaddr *)&sin, sizeof(sin)) == -1 ||
		    listen(s, 1024) == -1)
			err(1, "listen on %d", port);
	} else {
		if (connect(s, (struct sockaddr *)&sin, sizeof(sin)) == -1)
			err(1, "connect to %d", port);
		setsockopt(s, IPPROTO_TCP, TCP_NODELAY, &on, sizeof(on));
	}
	return s;
}

int
main(int argc, char *argv[])
{
	struct epoll_event	 evs[64], ev;
	struct side		*a, *b;
	int			 l, c, n, i, lport, tport, on = 1;

	if (argc != 3 || (lport = atoi(argv[1])) <= 0 ||
	    (tport = atoi(argv[2])) <= 0)
		errx(64, "usage: relay LISTEN_PORT TARGET_PORT");
	l = tcp(lport, 1);
	if ((ep = epoll_create1(EPOLL_CLOEXEC)) == -1)
		err(1, "epoll_create1");
	ev.events = EPOLLIN;
	ev.data.ptr = NULL;
	if (epoll_ctl(ep, EPOLL_CTL_ADD, l, &ev) == -1)
		err(1, "epoll_ctl");
	for (;;) {
		if ((n = epoll_wait(ep, evs, 64, -1)) == -1) {
			if (errno == EINTR)
				continue;
			err(1, "epoll_wait");
		}
		for (i = 0; i < n; i++) {
			if (evs[i].data.ptr == NULL) {
				if ((c = accept4(l, NULL, NULL,
				    SOCK_CLOEXEC)) == -1)
					continue;
				setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &on,
				    sizeof(on));
				if ((a = calloc(1, sizeof(*a))) == NULL ||
				    (b = calloc(1, sizeof(*b))) == NULL)
					err(1, "calloc");
				a->fd = c;
				b->fd = tcp(tport, 0);
				a->peer = b;
				b->peer = a;
				watch(a, EPOLL_CTL_ADD);
				watch(b, EPOLL_CTL_ADD);
				continue;
			}
			a = evs[i].data.ptr;
			if (!a->dead && (evs[i].events & EPOLLOUT))
				flush(a);
			if (!a->dead && a->peer->len == 0 &&
			    (evs[i].events & (EPOLLIN | EPOLLHUP | EPOLLERR)))
				pump(a);
		}
		while ((a = dead) != NULL) {
			dead = a->next;
			free(a);
		}
	}
}
