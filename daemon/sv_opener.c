/*
 * sv_opener.c - vigild's supervisor: its opener
 *
 * DESCRIPTION
 *	The paths of SCAN and its variants are opened and walked by the
 *	opener (daemon/opener.c), a child forked at start, so that a slow
 *	or hung file system never holds up the event loop.  Here: starting
 *	it, queueing requests and sending them without blocking (at most
 *	SV_OPENER_MAXSENT in its socket, the rest in a queue), reading its
 *	answers and handing them to their request (req_opened()), and its
 *	end.  The opener must answer its oldest request within
 *	SV_OPENER_MS (or VIGILD_OPENER_TIMEOUT seconds); one that does not,
 *	that dies or that sends what it should not is killed, every request
 *	waiting on it is answered with an error (req_openlost()) and a new
 *	one is started, after a delay that doubles while openers die before
 *	their first answer.  Shared state is in sv_priv.h.
 */
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bsd/sys/queue.h>

#include "daemon/opener.h"
#include "daemon/sv_priv.h"
#include "util/log.h"

static int	 opener_send(struct req *, int, unsigned);
static void	 opener_flush(void);
static void	 opener_events(void);
static void	 opener_read(void);
static int	 opener_check(const struct opreq *, const struct opener_ans *,
		    const uint8_t *, size_t, int);
static void	 opener_fail(const char *, const char *, int);
static void	 opener_closesock(void);
static void	 opener_dying(pid_t);
static void	 opreq_free(struct opreq *);
static void	 opreq_freeall(struct opreqq *);
static void	 opener_lose_marked(const char *);

/* opener_init - the opener's settings (SV_OPENER_ENV), before the first */
void
opener_init(void)
{
	const char	*e;
	long		 s;
	char		*end;

	memset(&sv.op, 0, sizeof(sv.op));
	sv.op.kind = K_OPENER;
	sv.op.sock = -1;
	TAILQ_INIT(&sv.op.queue);
	TAILQ_INIT(&sv.op.sent);
	sv.op.timeout = SV_OPENER_MS;
	if ((e = getenv(SV_OPENER_ENV)) != NULL && e[0] != '\0') {
		errno = 0;
		s = strtol(e, &end, 10);
		if (errno != 0 || *end != '\0' || s < 1 || s > 3600)
			log_warnx("%s=%s: not 1 to 3600 seconds; using %d",
			    SV_OPENER_ENV, e, SV_OPENER_MS / 1000);
		else
			sv.op.timeout = (int64_t)s * 1000;
	}
}

/*
 * opener_spawn - fork the opener now: it keeps the supervisor's
 * privileges, since it must become any client to open its paths
 */
void
opener_spawn(void)
{
	struct epoll_event	 ev;
	int			 sp[2];
	pid_t			 pid;

	if (sv.op.pid != 0 || sv.stopping)
		return;
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sp) == -1) {
		log_warn("%s: socketpair", __func__);
		sv.op.respawn_at = sv_now() + SV_BACKOFF_MS;
		return;
	}
	switch (pid = fork()) {
	case -1:
		log_warn("%s: fork", __func__);
		close(sp[0]);
		close(sp[1]);
		sv.op.respawn_at = sv_now() + SV_BACKOFF_MS;
		return;
	case 0:
		close(sp[0]);
		opener_main(sp[1]);
		/* NOTREACHED */
	}
	close(sp[1]);
	if (fcntl(sp[0], F_SETFL, O_NONBLOCK) == -1)
		log_warn("%s: fcntl", __func__);
	sv.op.pid = pid;
	sv.op.sock = sp[0];
	sv.op.nanswers = 0;
	sv.op.deadline = 0;
	memset(&ev, 0, sizeof(ev));
	ev.events = sv.op.events = EPOLLIN;
	ev.data.ptr = &sv.op;
	if (epoll_ctl(sv.ep, EPOLL_CTL_ADD, sv.op.sock, &ev) == -1)
		fatal("%s: epoll_ctl", __func__);
	log_debug("opener pid %ld started", (long)pid);
	opener_flush();
}

/*
 * opener_ask - ask the opener op for r: OPENER_OPEN and OPENER_WALK of
 * r->path, OPENER_NEXT and OPENER_END of r->walk, with the identity of
 * r's client.  0 (the answer comes to req_opened(), except for
 * OPENER_END, which has none), or -1 with errno (ENOMEM, ENAMETOOLONG,
 * ESHUTDOWN) and nothing sent.
 */
int
opener_ask(struct req *r, int op)
{
	return opener_send(r, op, 0);
}

/* opener_next - ask for the next count files of r's walk: 0 or -1 */
int
opener_next(struct req *r, unsigned count)
{
	return opener_send(r, OPENER_NEXT, count);
}

/* opener_send - opener_ask() with the count of OPENER_NEXT */
static int
opener_send(struct req *r, int op, unsigned count)
{
	struct opener_req	 rq;
	struct opreq		*q;
	const struct client	*cl = r->cl;
	size_t			 plen = 0, glen = 0;
	int			 ngroups = 0;

	if (sv.stopping && op != OPENER_END) {
		errno = ESHUTDOWN;
		return -1;
	}
	/* no opener: no walk either (they die with it) */
	if (op == OPENER_END && sv.op.sock == -1)
		return 0;
	if (op == OPENER_OPEN || op == OPENER_WALK) {
		if ((plen = strlen(r->path)) > OPENER_MAXPATH) {
			errno = ENAMETOOLONG;
			return -1;
		}
	}
	if (op != OPENER_END && cl->groups != NULL)
		/* more than that: the first ones (less access, never more) */
		ngroups = cl->ngroups > OPENER_MAXGROUPS ? OPENER_MAXGROUPS :
		    cl->ngroups;
	glen = (size_t)ngroups * sizeof(gid_t);
	if ((q = calloc(1, sizeof(*q))) == NULL ||
	    (q->msg = malloc(sizeof(rq) + glen + plen)) == NULL) {
		free(q);
		errno = ENOMEM;
		return -1;
	}
	memset(&rq, 0, sizeof(rq));
	rq.id = q->id = ++sv.op.nextid;
	rq.op = (uint32_t)op;
	rq.walk = r->walk;
	rq.uid = op != OPENER_END ? cl->uid : 0;
	rq.gid = op != OPENER_END ? cl->gid : 0;
	rq.ngroups = (uint32_t)ngroups;
	rq.pathlen = (uint32_t)plen;
	rq.count = op == OPENER_NEXT ? count : 0;
	memcpy(q->msg, &rq, sizeof(rq));
	if (glen != 0)
		memcpy(q->msg + sizeof(rq), cl->groups, glen);
	if (plen != 0)
		memcpy(q->msg + sizeof(rq) + glen, r->path, plen);
	q->len = sizeof(rq) + glen + plen;
	q->op = op;
	q->req = op != OPENER_END ? r : NULL;
	q->queued = sv_now();
	q->count = rq.count;
	if (op == OPENER_NEXT)
		r->nnext += count;
	else if (op != OPENER_END)
		r->opwait = op;
	TAILQ_INSERT_TAIL(&sv.op.queue, q, entry);
	opener_flush();
	return 0;
}

/*
 * opener_flush - send what is queued without blocking, while the opener
 * has fewer than SV_OPENER_MAXSENT requests; a send that fails makes its
 * deadline now, so that the timers (never a caller in the middle of a
 * request) end it
 */
static void
opener_flush(void)
{
	struct opreq	*q;

	while (sv.op.sock != -1 && sv.op.nsent < SV_OPENER_MAXSENT &&
	    (q = TAILQ_FIRST(&sv.op.queue)) != NULL) {
		if (send(sv.op.sock, q->msg, q->len, MSG_DONTWAIT |
		    MSG_NOSIGNAL) == -1) {
			if (errno == EINTR)
				continue;
			if (errno != EAGAIN) {
				log_warn("opener pid %ld: send",
				    (long)sv.op.pid);
				sv.op.sendfail = 1;
				sv.op.deadline = sv_now();
			}
			break;
		}
		TAILQ_REMOVE(&sv.op.queue, q, entry);
		if (q->op == OPENER_END) {
			opreq_free(q);
			continue;
		}
		TAILQ_INSERT_TAIL(&sv.op.sent, q, entry);
		if (sv.op.nsent++ == 0)
			sv.op.deadline = sv_now() + sv.op.timeout;
	}
	opener_events();
}

/* opener_events - what the loop waits for on the opener's socket */
static void
opener_events(void)
{
	struct epoll_event	 ev;
	uint32_t		 want = EPOLLIN;

	if (sv.op.sock == -1)
		return;
	if (!TAILQ_EMPTY(&sv.op.queue) && sv.op.nsent < SV_OPENER_MAXSENT)
		want |= EPOLLOUT;	/* the socket was full */
	if (want == sv.op.events)
		return;
	memset(&ev, 0, sizeof(ev));
	ev.events = want;
	ev.data.ptr = &sv.op;
	if (epoll_ctl(sv.ep, EPOLL_CTL_MOD, sv.op.sock, &ev) == -1)
		log_warn("%s: epoll_ctl", __func__);
	else
		sv.op.events = want;
}

/* opener_forget - r is freed: drop its requests, end its walk */
void
opener_forget(struct req *r)
{
	struct opreq	*q;

	TAILQ_FOREACH(q, &sv.op.queue, entry)
		if (q->req == r)
			q->req = NULL;
	TAILQ_FOREACH(q, &sv.op.sent, entry)
		if (q->req == r)
			q->req = NULL;
	r->opwait = 0;
	r->nnext = 0;
	if (r->walk != 0) {
		if (sv.op.sock != -1)
			(void)opener_ask(r, OPENER_END);
		r->walk = 0;
	}
	r->walking = 0;
}

/* opener_dispatch - the opener's socket is readable or writable */
void
opener_dispatch(uint32_t events)
{
	if (sv.op.sock == -1)
		return;
	if (events & EPOLLOUT)
		opener_flush();
	if (sv.op.sock != -1 && (events & (EPOLLIN | EPOLLHUP | EPOLLERR)))
		opener_read();
}

/*
 * opener_read - the answers that are there, each to its request; EOF or
 * an answer that is not what was asked ends the opener
 */
static void
opener_read(void)
{
	static uint8_t	 buf[OPENER_ANSMAX + 1];
	union {
		struct cmsghdr	 hdr;
		char		 buf[CMSG_SPACE(sizeof(int) *
				    (OPENER_MAXBATCH + 1))];
	} cmsgbuf;
	struct opener_ans a;
	struct cmsghdr	*cmsg;
	struct msghdr	 mh;
	struct iovec	 iov;
	struct opreq	*q;
	ssize_t		 n;
	int		 fds[OPENER_MAXBATCH + 1], nfd, i, fd;

	while (sv.op.sock != -1) {
		memset(&mh, 0, sizeof(mh));
		iov.iov_base = buf;
		iov.iov_len = sizeof(buf);
		mh.msg_iov = &iov;
		mh.msg_iovlen = 1;
		mh.msg_control = cmsgbuf.buf;
		mh.msg_controllen = sizeof(cmsgbuf.buf);
		if ((n = recvmsg(sv.op.sock, &mh, MSG_DONTWAIT |
		    MSG_CMSG_CLOEXEC)) == -1) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN)
				break;
			/* a dead peer with our request unread: ECONNRESET */
			opener_fail("cannot be read", errno == ECONNRESET ?
			    "opener died" : "opener failed", 1);
			return;
		}
		nfd = 0;
		for (cmsg = CMSG_FIRSTHDR(&mh); cmsg != NULL;
		    cmsg = CMSG_NXTHDR(&mh, cmsg)) {
			if (cmsg->cmsg_level != SOL_SOCKET ||
			    cmsg->cmsg_type != SCM_RIGHTS)
				continue;
			for (i = 0; i < (int)((cmsg->cmsg_len - CMSG_LEN(0)) /
			    sizeof(int)); i++) {
				memcpy(&fd, CMSG_DATA(cmsg) + i * sizeof(int),
				    sizeof(int));
				if (nfd < OPENER_MAXBATCH + 1)
					fds[nfd++] = fd;
				else
					close(fd);
			}
		}
		if (n == 0) {
			opener_fail("closed its socket", "opener died", 1);
			return;
		}
		q = TAILQ_FIRST(&sv.op.sent);
		memset(&a, 0, sizeof(a));
		if ((size_t)n >= sizeof(a))
			memcpy(&a, buf, sizeof(a));
		if ((mh.msg_flags & (MSG_TRUNC | MSG_CTRUNC)) || q == NULL ||
		    opener_check(q, &a, buf + sizeof(a), (size_t)n, nfd) ==
		    -1) {
			for (i = 0; i < nfd; i++)
				close(fds[i]);
			opener_fail("sent a broken answer", "opener failed",
			    1);
			return;
		}
		TAILQ_REMOVE(&sv.op.sent, q, entry);
		sv.op.nsent--;
		sv.op.deadline = sv.op.nsent != 0 ? sv_now() + sv.op.timeout :
		    0;
		sv.op.nanswers++;
		sv.op.failures = 0;
		if (q->req != NULL && a.type == OPENER_A_FILES)
			req_walked(q->req, q->count, &a, buf + sizeof(a), fds);
		else if (q->req != NULL)
			req_opened(q->req, q->op, &a, nfd == 1 ? fds[0] : -1);
		else {
			/* its request is gone: so is what it asked for */
			for (i = 0; i < nfd; i++)
				close(fds[i]);
			if (a.type == OPENER_A_WALK) {
				struct req	 tmp;

				/* only the handle matters for OPENER_END */
				memset(&tmp, 0, sizeof(tmp));
				tmp.walk = a.walk;
				(void)opener_ask(&tmp, OPENER_END);
			}
		}
		opreq_free(q);
	}
	opener_flush();
}

/*
 * opener_check - is a with its entries p (n bytes in all, nfd
 * descriptors) an answer to q?  0, or -1 when it is not
 */
static int
opener_check(const struct opreq *q, const struct opener_ans *a,
    const uint8_t *p, size_t n, int nfd)
{
	struct opener_file	 f;
	size_t			 off;
	uint32_t		 i;
	int			 wantfd;

	if (n < sizeof(*a) || a->id != q->id ||
	    n != sizeof(*a) + (size_t)a->namelen ||
	    (a->type != OPENER_A_FILES && a->namelen != 0))
		return -1;
	switch (a->type) {
	case OPENER_A_OPEN:
		if (q->op != OPENER_OPEN || (a->kind != OPENER_REG &&
		    a->kind != OPENER_DIR && a->kind != OPENER_OTHER))
			return -1;
		wantfd = a->kind == OPENER_REG;
		break;
	case OPENER_A_ERR:
		if (q->op != OPENER_OPEN && q->op != OPENER_WALK)
			return -1;
		wantfd = 0;
		break;
	case OPENER_A_WALK:
		if (q->op != OPENER_WALK || a->walk == 0)
			return -1;
		wantfd = 0;
		break;
	case OPENER_A_FILES:
		/* as many as asked at most, none only at the end */
		if (q->op != OPENER_NEXT || a->nfiles > q->count ||
		    (a->nfiles == 0 && !a->end) || a->end > 1)
			return -1;
		for (i = 0, off = 0, wantfd = 0; i < a->nfiles; i++) {
			if (a->namelen - off < sizeof(f))
				return -1;
			memcpy(&f, p + off, sizeof(f));
			off += sizeof(f);
			if (f.namelen == 0 || f.namelen > OPENER_MAXPATH ||
			    f.namelen > a->namelen - off || f.err < 0 ||
			    memchr(p + off, '\0', f.namelen) != NULL)
				return -1;
			off += f.namelen;
			wantfd += f.err == 0;
		}
		if (off != a->namelen)
			return -1;
		break;
	default:
		return -1;
	}
	return nfd == wantfd ? 0 : -1;
}

/*
 * opener_fail - the opener no longer serves (why, for the log; told,
 * for the clients): kill it unless it is reaped (reaped), answer every
 * request that waits on it or walks with it, start another one soon
 */
static void
opener_fail(const char *why, const char *told, int kill_it)
{
	struct opreq	*q, *qt;
	struct req	*r;
	int64_t		 now = sv_now(), d;

	if (sv.op.pid != 0) {
		log_warnx("opener pid %ld: %s%s", (long)sv.op.pid, why,
		    kill_it ? ", killed" : "");
		if (kill_it) {
			kill(sv.op.pid, SIGKILL);
			opener_dying(sv.op.pid);
		}
	}
	opener_closesock();
	/* the ones that never answered are throttled (convention 16) */
	if (sv.op.nanswers == 0 && !sv.stopping) {
		d = sv_backoff(++sv.op.failures);
		sv.op.respawn_at = now + d;
		if (sv.op.failures > 1)
			log_warnx("opener failure %u: next start in %lld ms",
			    sv.op.failures, (long long)d);
	} else
		sv.op.respawn_at = now;
	sv.op.pid = 0;
	opreq_freeall(&sv.op.sent);
	sv.op.nsent = 0;
	/*
	 * Its walks died with it: what is queued for them goes; a queued
	 * OPENER_OPEN waits for the next opener.  Mark first: answering one
	 * request may start others (a session's next command), which belong
	 * to the next opener.
	 */
	for (q = TAILQ_FIRST(&sv.op.queue); q != NULL; q = qt) {
		qt = TAILQ_NEXT(q, entry);
		if (q->op != OPENER_OPEN) {
			TAILQ_REMOVE(&sv.op.queue, q, entry);
			opreq_free(q);
		}
	}
	TAILQ_FOREACH(r, &sv.reqs, entry) {
		r->oplost = r->walk != 0 || r->walking || r->nnext != 0 ||
		    (r->opwait != 0 && r->opwait != OPENER_OPEN);
		if (r->opwait == OPENER_OPEN) {
			/* sent: lost; still queued: waits */
			r->oplost = 1;
			TAILQ_FOREACH(q, &sv.op.queue, entry)
				if (q->req == r)
					r->oplost = 0;
		}
	}
	opener_lose_marked(told);
}

/* opener_closesock - forget the opener's socket (it is dead or dying) */
static void
opener_closesock(void)
{
	if (sv.op.sock == -1)
		return;
	epoll_ctl(sv.ep, EPOLL_CTL_DEL, sv.op.sock, NULL);
	close(sv.op.sock);
	sv.op.sock = -1;
	sv.op.events = 0;
	sv.op.deadline = 0;
	sv.op.sendfail = 0;
}

/* opener_dying - remember a killed opener until it is reaped */
static void
opener_dying(pid_t pid)
{
	size_t	 i;

	for (i = 0; i < SV_OPENER_NDYING; i++)
		if (sv.op.dying[i] == 0) {
			sv.op.dying[i] = pid;
			return;
		}
	/* more than that stuck in the kernel: reaped as strangers */
}

/*
 * opener_lose_marked - answer every request marked oplost with why
 * (req_openlost()); each answer may free requests, so look again each time
 */
static void
opener_lose_marked(const char *why)
{
	struct req	*r;

	for (;;) {
		TAILQ_FOREACH(r, &sv.reqs, entry)
			if (r->oplost)
				break;
		if (r == NULL)
			break;
		r->oplost = 0;
		opener_forget(r);
		req_openlost(r, why);
	}
}

/* opreq_free - free a request to the opener */
static void
opreq_free(struct opreq *q)
{
	free(q->msg);
	free(q);
}

/* opreq_freeall - free every request of the list qq */
static void
opreq_freeall(struct opreqq *qq)
{
	struct opreq	*q;

	while ((q = TAILQ_FIRST(qq)) != NULL) {
		TAILQ_REMOVE(qq, q, entry);
		opreq_free(q);
	}
}

/*
 * opener_timers - the opener's deadline, its respawn, requests queued for
 * too long without one, and at shutdown its end; returns the next time
 * (ms) it needs, or 0
 */
int64_t
opener_timers(int64_t now)
{
	struct opreq	*q;
	int64_t		 next = 0;
	size_t		 i;

#define SOONER(t)	do {				\
		if (next == 0 || (t) < next)		\
			next = (t);			\
	} while (0)
	if (sv.op.sock != -1 && sv.op.deadline != 0 && now >= sv.op.deadline) {
		if (sv.op.sendfail)
			opener_fail("cannot be written", "opener failed", 1);
		else
			opener_fail("no answer in time", "timed out", 1);
	}
	if (sv.stopping) {
		if (now >= sv.op.stopby)
			for (i = 0; i < SV_OPENER_NDYING; i++)
				if (sv.op.dying[i] != 0)
					kill(sv.op.dying[i], SIGKILL);
		return 0;
	}
	if (sv.op.pid == 0 && now >= sv.op.respawn_at)
		opener_spawn();
	if (sv.op.pid == 0) {
		SOONER(sv.op.respawn_at);
		/* none can be started: do not keep clients waiting forever */
		while ((q = TAILQ_FIRST(&sv.op.queue)) != NULL &&
		    now >= q->queued + sv.op.timeout) {
			TAILQ_REMOVE(&sv.op.queue, q, entry);
			if (q->req != NULL) {
				struct req	*r = q->req;

				opreq_free(q);
				opener_forget(r);
				req_openlost(r, "no opener");
			} else
				opreq_free(q);
		}
		if ((q = TAILQ_FIRST(&sv.op.queue)) != NULL)
			SOONER(q->queued + sv.op.timeout);
	}
	if (sv.op.sock != -1 && sv.op.deadline != 0)
		SOONER(sv.op.deadline);
#undef SOONER
	return next;
}

/*
 * opener_reaped - was pid an opener?  Then 1: what it answered before
 * it died is read, and what it did not is answered with an error;
 * otherwise 0
 */
int
opener_reaped(pid_t pid, int st)
{
	char	 why[64];
	size_t	 i;

	for (i = 0; i < SV_OPENER_NDYING; i++)
		if (sv.op.dying[i] == pid && pid > 0) {
			sv.op.dying[i] = 0;
			log_debug("opener pid %ld reaped", (long)pid);
			return 1;
		}
	if (pid <= 0 || pid != sv.op.pid)
		return 0;
	/* like a worker's last verdict, its last answers may be there */
	for (i = 0; i < 64 && sv.op.sock != -1 && sv.op.pid == pid; i++)
		opener_read();
	if (sv.op.pid != pid)
		return 1;	/* the EOF ended it */
	if (WIFSIGNALED(st))
		snprintf(why, sizeof(why), "terminated; signal %d",
		    WTERMSIG(st));
	else
		snprintf(why, sizeof(why), "exited; status %d",
		    WIFEXITED(st) ? WEXITSTATUS(st) : -1);
	opener_fail(why, "opener died", 0);
	return 1;
}

/* opener_stop - shutdown: answer what waits, close the opener's socket */
void
opener_stop(void)
{
	struct req	*r;

	/* it exits on EOF; reaped in the loop, killed at the deadline */
	sv.op.stopby = sv_now() + SV_STOP_MS;
	if (sv.op.pid != 0)
		opener_dying(sv.op.pid);
	sv.op.pid = 0;
	opener_closesock();
	opreq_freeall(&sv.op.sent);
	sv.op.nsent = 0;
	opreq_freeall(&sv.op.queue);
	TAILQ_FOREACH(r, &sv.reqs, entry)
		r->oplost = r->walk != 0 || r->walking || r->opwait != 0 ||
		    r->nnext != 0;
	opener_lose_marked("shutting down");
}

/* opener_running - an opener is still to be reaped */
int
opener_running(void)
{
	size_t	 i;

	if (sv.op.pid != 0)
		return 1;
	for (i = 0; i < SV_OPENER_NDYING; i++)
		if (sv.op.dying[i] != 0)
			return 1;
	return 0;
}
