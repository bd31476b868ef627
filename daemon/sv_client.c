/*
 * sv_client.c - vigild's supervisor: its clients
 *
 * DESCRIPTION
 *	Accepting clients, reading what they send, telling their protocol,
 *	acting on the clamd protocol's events, buffering and writing their
 *	replies, and their lifetime until they are freed after a batch.
 *	The native protocol (daemon/native.c) is served through the host
 *	functions at the end of the file.  Shared state is in sv_priv.h.
 */
#include <sys/epoll.h>
#include <sys/mman.h>
#include <sys/socket.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bsd/sys/queue.h>

#include "av/msgtypes.h"
#include "av/verdict.h"
#include "conf/conf.h"
#include "daemon/clamd.h"
#include "daemon/native.h"
#include "daemon/sv_gen.h"
#include "daemon/sv_log.h"
#include "daemon/sv_priv.h"
#include "util/buf.h"
#include "util/log.h"
#include "util/msg.h"

static void	 client_event(struct client *, struct clamd_ev *);
static void	 client_events(struct client *);
static void	 client_stats(struct client *, const struct clamd_tag *);
static int	 client_proto(struct client *, int);
static void	 sv_peer(struct client *);
static void	 sv_peer_groups(struct client *);

/* what the native protocol borrows (native.h), at the end of the file */
static int	 sv_native_scan(void *, int, const char *,
		    const struct native_job *);
static int	 sv_native_takefd(void *);
static void	 sv_native_info(struct native_info *);
static int	 sv_native_reload(uint64_t *, uint64_t *);
static void	 sv_native_shutdown(void *);
static const struct conf *sv_native_conf(void);
static const struct native_host sv_native;

/* client_accept - take every pending connection */
void
client_accept(int lfd)
{
	struct epoll_event	 ev;
	struct client		*cl;
	struct sockaddr_storage	 ss;
	socklen_t		 sl;
	int			 fd;

	for (;;) {
		sl = sizeof(ss);
		if ((fd = accept4(lfd, (struct sockaddr *)&ss, &sl,
		    SOCK_NONBLOCK | SOCK_CLOEXEC)) == -1) {
			if (errno != EAGAIN && errno != EINTR &&
			    errno != ECONNABORTED)
				log_warn("%s: accept", __func__);
			return;
		}
		if (sv.nclients >= SV_MAXCLIENTS ||
		    (cl = calloc(1, sizeof(*cl))) == NULL) {
			log_warnx("%s: too many clients", __func__);
			close(fd);
			continue;
		}
		cl->kind = K_CLIENT;
		cl->fd = fd;
		cl->id = ++sv.nextclient;
		cl->local = ss.ss_family == AF_UNIX;
		sv_peer(cl);
		cl->memfd = -1;
		clamd_init(&cl->cd, sv.maxstream);
		buf_init(&cl->out);
		cl->rdeadline = sv_now() + SV_READ_MS;
		memset(&ev, 0, sizeof(ev));
		ev.events = cl->events = EPOLLIN;
		ev.data.ptr = cl;
		if (epoll_ctl(sv.ep, EPOLL_CTL_ADD, fd, &ev) == -1) {
			log_warn("%s: epoll_ctl", __func__);
			close(fd);
			free(cl);
			continue;
		}
		sv.nclients++;
		TAILQ_INSERT_TAIL(&sv.clients, cl, entry);
	}
}

/* client_read - read what is there (and descriptors), feed the parser */
void
client_read(struct client *cl)
{
	union {
		struct cmsghdr	 hdr;
		char		 buf[CMSG_SPACE(sizeof(int) * SV_MAXFDS)];
	} cmsgbuf;
	struct cmsghdr	*cmsg;
	struct msghdr	 mh;
	struct iovec	 iov;
	struct clamd_ev	 ev;
	ssize_t		 n;
	size_t		 i, nfd;
	int		 fd, drained = 0;

	while (cl->fd != -1 && !cl->last && !cl->eof &&
	    cl->pending < SV_MAXPENDING) {
		if (cl->inoff > 0) {
			memmove(cl->in, cl->in + cl->inoff,
			    cl->inlen - cl->inoff);
			cl->inlen -= cl->inoff;
			cl->inoff = 0;
		}
		if (cl->inlen == sizeof(cl->in))
			break;
		memset(&mh, 0, sizeof(mh));
		iov.iov_base = cl->in + cl->inlen;
		iov.iov_len = sizeof(cl->in) - cl->inlen;
		mh.msg_iov = &iov;
		mh.msg_iovlen = 1;
		mh.msg_control = cmsgbuf.buf;
		mh.msg_controllen = sizeof(cmsgbuf.buf);
		if ((n = recvmsg(cl->fd, &mh, MSG_CMSG_CLOEXEC)) == -1) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN) {
				drained = 1;
				break;
			}
			client_gone(cl);
			return;
		}
		for (cmsg = CMSG_FIRSTHDR(&mh); cmsg != NULL;
		    cmsg = CMSG_NXTHDR(&mh, cmsg)) {
			if (cmsg->cmsg_level != SOL_SOCKET ||
			    cmsg->cmsg_type != SCM_RIGHTS)
				continue;
			nfd = (cmsg->cmsg_len - CMSG_LEN(0)) / sizeof(int);
			for (i = 0; i < nfd; i++) {
				memcpy(&fd, CMSG_DATA(cmsg) + i * sizeof(int),
				    sizeof(int));
				if (cl->nfds < SV_MAXFDS)
					cl->fds[cl->nfds++] = fd;
				else
					close(fd);
			}
		}
		if (n == 0) {
			cl->eof = drained = 1;
			break;
		}
		cl->inlen += (size_t)n;
		cl->rdeadline = sv_now() + SV_READ_MS;
		client_feed(cl);
	}
	if (cl->fd == -1)
		return;
	/* a first packet shorter than the native magic is clamd's */
	if (drained && (cl->inoff < cl->inlen || cl->eof))
		(void)client_proto(cl, 1);
	client_feed(cl);
	/* an old-style command may end with the packet */
	if (drained && cl->nat == NULL && cl->inoff == cl->inlen &&
	    !cl->last &&
	    cl->pending < SV_MAXPENDING && clamd_eop(&cl->cd, &ev) == 1)
		client_event(cl, &ev);
	if (cl->eof && !cl->last && cl->inoff == cl->inlen)
		cl->last = 1;
	client_flush(cl);
}

/* client_feed - run the buffered bytes through the clamd or native parser */
void
client_feed(struct client *cl)
{
	struct clamd_ev	 ev;
	struct native_ev nev;
	size_t		 n;

	while (cl->fd != -1 && cl->inoff < cl->inlen && !cl->last &&
	    cl->pending < SV_MAXPENDING) {
		if (client_proto(cl, 0) == 0)
			break;
		if (cl->nat != NULL) {
			/* bytes off first: serving may feed again (job_done) */
			n = native_feed(cl->nat, cl->in + cl->inoff,
			    cl->inlen - cl->inoff, &nev);
			cl->inoff += n;
			native_serve(cl->nat, &nev, cl, &cl->out, &sv_native);
			if (native_done(cl->nat))
				cl->last = 1;
			continue;
		}
		n = clamd_feed(&cl->cd, cl->in + cl->inoff,
		    cl->inlen - cl->inoff, &ev);
		cl->inoff += n;
		if (ev.type != CLAMD_EV_NONE)
			client_event(cl, &ev);
	}
}

/*
 * client_proto - tell the protocols apart by the first bytes (eop: the
 * first packet ended); returns SV_PROTO_*, or 0 while it cannot tell
 */
static int
client_proto(struct client *cl, int eop)
{
	struct native_opts	 o;
	int			 k;

	if (cl->proto != 0)
		return cl->proto;
	if ((k = native_detect(cl->in + cl->inoff, cl->inlen - cl->inoff,
	    eop)) == -1)
		return 0;
	cl->proto = SV_PROTO_CLAMD;
	if (k == 1) {
		memset(&o, 0, sizeof(o));
		o.maxstream = sv.maxstream;
		/* RELOAD and SHUTDOWN: root or the daemon's own user */
		o.admin = cl->local && (cl->uid == 0 || cl->uid == sv.euid);
		o.client = cl->id;
		if ((cl->nat = native_new(&o)) == NULL) {
			log_warn("%s: native_new", __func__);
			client_gone(cl);
			return 0;
		}
		cl->inoff += NATIVE_MAGICLEN;
		cl->proto = SV_PROTO_NATIVE;
	}
	return cl->proto;
}

/* client_event - act on one clamd event */
static void
client_event(struct client *cl, struct clamd_ev *ev)
{
	struct clamd_dbinfo	 db;
	struct req		*r;
	char			 name[32];
	const uint8_t		*p;
	size_t			 left;
	ssize_t			 n;
	int			 fd, i;

	switch (ev->type) {
	case CLAMD_EV_PING:
		clamd_reply(&cl->out, &ev->tag, NULL, "PONG");
		break;
	case CLAMD_EV_VERSION:
	case CLAMD_EV_VERSIONCOMMANDS:
		db.serial = sv.gen->serial;
		db.time = sv.gen->created;
		clamd_reply_version(&cl->out, &ev->tag, &db,
		    ev->type == CLAMD_EV_VERSIONCOMMANDS);
		break;
	case CLAMD_EV_RELOAD:
		clamd_reply(&cl->out, &ev->tag, NULL, "RELOADING");
		sv.reload = 1;
		break;
	case CLAMD_EV_SHUTDOWN:
		log_notice("client %llu: SHUTDOWN", (unsigned long long)cl->id);
		sv_stop(0);
		break;
	case CLAMD_EV_SCAN:
	case CLAMD_EV_CONTSCAN:
	case CLAMD_EV_MULTISCAN:
	case CLAMD_EV_ALLMATCHSCAN:
		req_path(cl, ev);
		break;
	case CLAMD_EV_INSTREAM:
		if (cl->memfd != -1)
			close(cl->memfd);
		cl->streamerr = 0;
		if ((cl->memfd = memfd_create("vigild-stream",
		    MFD_CLOEXEC)) == -1) {
			log_warn("%s: memfd_create", __func__);
			cl->streamerr = errno;
		}
		break;
	case CLAMD_EV_DATA:
		for (p = ev->data, left = ev->len; left > 0 &&
		    cl->memfd != -1 && cl->streamerr == 0;) {
			if ((n = write(cl->memfd, p, left)) == -1) {
				if (errno == EINTR)
					continue;
				cl->streamerr = errno;
				break;
			}
			p += n;
			left -= (size_t)n;
		}
		break;
	case CLAMD_EV_STREAM_END:
		r = req_new(cl, CLAMD_EV_INSTREAM, &ev->tag, CLAMD_STREAM_PATH);
		if (r == NULL)
			break;
		if (cl->memfd == -1 || cl->streamerr != 0) {
			clamd_reply_error(&cl->out, &ev->tag, CLAMD_STREAM_PATH,
			    cl->streamerr == ENOSPC || cl->streamerr == ENOMEM ?
			    "Not enough memory" : "Cannot spool the stream");
			if (cl->memfd != -1)
				close(cl->memfd);
			cl->memfd = -1;
			req_free(r);
			break;
		}
		fd = cl->memfd;
		cl->memfd = -1;
		job_new(r, fd, CLAMD_STREAM_PATH);
		req_advance(r);
		break;
	case CLAMD_EV_FILDES:
		if (cl->nfds == 0) {
			clamd_reply_error(&cl->out, &ev->tag, NULL,
			    "No file descriptor received.");
			break;
		}
		fd = cl->fds[0];
		for (i = 1; i < cl->nfds; i++)
			cl->fds[i - 1] = cl->fds[i];
		cl->nfds--;
		snprintf(name, sizeof(name), "fd[%d]", fd);
		if ((r = req_new(cl, CLAMD_EV_FILDES, &ev->tag, name)) ==
		    NULL) {
			close(fd);
			break;
		}
		job_new(r, fd, name);
		req_advance(r);
		break;
	case CLAMD_EV_STATS:
		client_stats(cl, &ev->tag);
		break;
	case CLAMD_EV_IDSESSION:
	case CLAMD_EV_END:
	case CLAMD_EV_NOOP:
	case CLAMD_EV_NONE:
		break;
	case CLAMD_EV_ERROR:
		if (ev->msg != NULL)
			clamd_reply(&cl->out, &ev->tag, NULL, ev->msg);
		if (ev->err != CLAMD_E_UNKNOWN && ev->err != CLAMD_E_TIMEOUT)
			log_info("client %llu: %s", (unsigned long long)cl->id,
			    ev->msg != NULL ? ev->msg : "protocol error");
		cl->last = 1;
		break;
	}
	if (ev->last)
		cl->last = 1;
}

#define NTASKS	64		/* task lines of STATS */

/* client_stats - the STATS block */
static void
client_stats(struct client *cl, const struct clamd_tag *tag)
{
	struct clamd_stats	 st;
	struct clamd_task	 tasks[NTASKS];
	struct worker		*w;
	struct req		*r;
	struct job		*j;
	int64_t			 now = sv_now();
	size_t			 n = 0;

	memset(&st, 0, sizeof(st));
	TAILQ_FOREACH(w, &sv.workers, entry) {
		if (w->state == W_BUSY)
			st.live++;
		else if (w->state == W_IDLE)
			st.idle++;
	}
	TAILQ_FOREACH(j, &sv.queue, entry)
		st.queue++;
	/*
	 * clamd lists each thread: IDLE ones with the time they have waited,
	 * the one running this STATS, the others with their command
	 */
	TAILQ_FOREACH(w, &sv.workers, entry) {
		if (w->state != W_IDLE || n == NTASKS - 1)
			continue;
		tasks[n].cmd = "IDLE";
		tasks[n].secs = (double)(now - w->since) / 1000.0;
		tasks[n].path = "";
		n++;
	}
	tasks[n].cmd = "STATS";
	tasks[n].secs = 0.0;
	tasks[n].path = "";
	n++;
	TAILQ_FOREACH(r, &sv.reqs, entry) {
		if (n == NTASKS)
			break;
		tasks[n].cmd = r->cmd == CLAMD_EV_SCAN ? "SCAN" :
		    r->cmd == CLAMD_EV_CONTSCAN ? "CONTSCAN" :
		    r->cmd == CLAMD_EV_MULTISCAN ? "MULTISCAN" :
		    r->cmd == CLAMD_EV_ALLMATCHSCAN ? "ALLMATCHSCAN" :
		    r->cmd == CLAMD_EV_FILDES ? "FILDES" : "INSTREAM";
		tasks[n].secs = (double)(now - r->started) / 1000.0;
		tasks[n].path = r->path;
		n++;
	}
	st.max = sv.nworkers;
	st.idle_timeout = 0;
	st.tasks = tasks;
	st.ntasks = n;
	st.pool_used = st.pool_total = sv.gen->bytes;
	clamd_reply_stats(&cl->out, tag, &st);
}

/* client_flush - write what is owed without blocking */
void
client_flush(struct client *cl)
{
	ssize_t	 n;

	if (cl->fd == -1)
		return;
	if (cl->out.failed) {
		log_warnx("client %llu: out of memory for replies, dropped",
		    (unsigned long long)cl->id);
		client_gone(cl);
		return;
	}
	while (cl->outoff < cl->out.len) {
		n = send(cl->fd, cl->out.data + cl->outoff,
		    cl->out.len - cl->outoff, MSG_NOSIGNAL);
		if (n == -1) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN)
				break;
			client_gone(cl);
			return;
		}
		cl->outoff += (size_t)n;
	}
	if (cl->outoff == cl->out.len)
		cl->outoff = cl->out.len = 0;
	else if (cl->out.len - cl->outoff > SV_MAXOUT) {
		log_warnx("client %llu: does not read its replies, dropped",
		    (unsigned long long)cl->id);
		client_gone(cl);
		return;
	}
	client_events(cl);
}

/* client_events - what the loop waits for on this client */
static void
client_events(struct client *cl)
{
	struct epoll_event	 ev;
	uint32_t		 want = 0;

	if (cl->fd == -1)
		return;
	if (!cl->last && !cl->eof && cl->pending < SV_MAXPENDING)
		want |= EPOLLIN;
	if (cl->outoff < cl->out.len)
		want |= EPOLLOUT;
	cl->rdeadline = want & EPOLLIN && cl->pending == 0 ?
	    (cl->rdeadline != 0 ? cl->rdeadline : sv_now() + SV_READ_MS) : 0;
	if (want == cl->events)
		return;
	memset(&ev, 0, sizeof(ev));
	ev.events = want;
	ev.data.ptr = cl;
	if (epoll_ctl(sv.ep, EPOLL_CTL_MOD, cl->fd, &ev) == -1) {
		log_warn("%s: epoll_ctl", __func__);
		client_gone(cl);
		return;
	}
	cl->events = want;
}

/* client_gone - close the connection; the client lives while it owes */
void
client_gone(struct client *cl)
{
	int	 i;

	if (cl->fd == -1)
		return;
	epoll_ctl(sv.ep, EPOLL_CTL_DEL, cl->fd, NULL);
	close(cl->fd);
	cl->fd = -1;
	for (i = 0; i < cl->nfds; i++)
		close(cl->fds[i]);
	cl->nfds = 0;
	if (cl->memfd != -1)
		close(cl->memfd);
	cl->memfd = -1;
	cl->last = 1;
	buf_clear(&cl->out);
	cl->outoff = 0;
}

/* client_maybe_free - close a finished client, free a forgotten one */
void
client_maybe_free(struct client *cl)
{
	if (cl->dead || cl->pending != 0)
		return;
	if (cl->fd != -1 && (!cl->last || cl->outoff < cl->out.len))
		return;
	client_gone(cl);
	cl->dead = 1;
	TAILQ_REMOVE(&sv.clients, cl, entry);
	TAILQ_INSERT_TAIL(&sv.deadc, cl, entry);
	sv.nclients--;
	buf_clear(&cl->out);
}

/*
 * sv_peer_groups - the supplementary groups of a local peer as it
 * connected (SO_PEERGROUPS), so that SCAN opens what it could open
 * itself; when they cannot be read it has none (less access, never more)
 */
static void
sv_peer_groups(struct client *cl)
{
	socklen_t	 len = 0;

	if (getsockopt(cl->fd, SOL_SOCKET, SO_PEERGROUPS, NULL, &len) == 0 ||
	    errno != ERANGE || len == 0 || len % sizeof(gid_t) != 0)
		return;
	if ((cl->groups = malloc(len)) == NULL)
		return;
	if (getsockopt(cl->fd, SOL_SOCKET, SO_PEERGROUPS, cl->groups,
	    &len) == -1 || len % sizeof(gid_t) != 0) {
		free(cl->groups);
		cl->groups = NULL;
		return;
	}
	cl->ngroups = (int)(len / sizeof(gid_t));
}

/*
 * sv_peer - who the client is: a local peer's credentials (SO_PEERCRED);
 * a TCP peer, or one whose credentials cannot be read, is nobody
 */
static void
sv_peer(struct client *cl)
{
	struct ucred	 uc;
	socklen_t	 len = sizeof(uc);

	cl->uid = SV_NOBODY;
	cl->gid = SV_NOBODY;
	if (cl->local && getsockopt(cl->fd, SOL_SOCKET, SO_PEERCRED, &uc,
	    &len) == 0 && len == sizeof(uc)) {
		cl->uid = uc.uid;
		cl->gid = uc.gid;
		sv_peer_groups(cl);
	}
	sv_log_peer(cl->peer, sizeof(cl->peer), cl->fd, cl->local);
}

/*
 * The native protocol (daemon/native.c) serves its clients through these:
 * a SCAN becomes a request with one job, like FILDES and INSTREAM, whose
 * answer job_done() sends as a whole verdict tree.
 */

/* sv_native_scan - queue fd (now ours) as name for a native client */
static int
sv_native_scan(void *ctx, int fd, const char *name,
    const struct native_job *nj)
{
	struct client		*cl = ctx;
	struct clamd_tag	 tag = { 0, '\n' };
	struct req		*r;

	if ((r = req_new(cl, nj->stream ? CLAMD_EV_INSTREAM :
	    CLAMD_EV_FILDES, &tag, name)) == NULL) {
		close(fd);
		native_reply_error(&cl->out, nj->id, NATIVE_E_NOMEM,
		    "out of memory");
		return -1;
	}
	r->nj = *nj;
	job_new(r, fd, name);
	req_advance(r);
	return 0;
}

/* sv_native_takefd - the oldest descriptor the client passed, or -1 */
static int
sv_native_takefd(void *ctx)
{
	struct client	*cl = ctx;
	int		 fd, i;

	if (cl->nfds == 0)
		return -1;
	fd = cl->fds[0];
	for (i = 1; i < cl->nfds; i++)
		cl->fds[i - 1] = cl->fds[i];
	cl->nfds--;
	return fd;
}

/* sv_native_info - the figures of STATUS and STATS */
static void
sv_native_info(struct native_info *in)
{
	static const int	 st[] = { [W_STARTING] = NATIVE_W_STARTING,
	    [W_IDLE] = NATIVE_W_IDLE, [W_BUSY] = NATIVE_W_BUSY,
	    [W_DRAINING] = NATIVE_W_DRAINING };
	struct native_task	*t;
	struct worker		*w;
	struct req		*r;
	struct job		*j;
	int64_t			 now = sv_now();

	in->serial = sv.gen->serial;
	in->created = sv.gen->created;
	in->nsigs = sv.gen->nsigs;
	in->sigbytes = sv.gen->bytes;
	in->nworkers = sv.nworkers;
	TAILQ_FOREACH(w, &sv.workers, entry)
		in->workers[st[w->state]]++;
	in->jobs = sv.njobs;
	in->infected = sv.ninfected;
	in->crashes = sv.ncrashes;
	in->timeouts = sv.ntimeouts;
	in->uptime = (uint64_t)(now - sv.t0) / 1000;
	in->clients = sv.nclients;
	TAILQ_FOREACH(j, &sv.queue, entry)
		in->queued++;
	TAILQ_FOREACH(r, &sv.reqs, entry) {
		if (in->ntasks == NATIVE_MAXTASKS)
			break;
		t = &in->tasks[in->ntasks++];
		t->cmd = r->nj.on ? (r->nj.stream ? "native-stream" :
		    "native-fd") : r->cmd == CLAMD_EV_INSTREAM ? "INSTREAM" :
		    r->cmd == CLAMD_EV_FILDES ? "FILDES" : "SCAN";
		t->ms = (uint64_t)(now - r->started);
		t->path = r->path;
	}
}

/*
 * sv_native_reload - RELOAD now: NATIVE_RELOAD_SWITCHED or _UNCHANGED,
 * or -1 when the new generation is not usable (sv_reload() logs why)
 */
static int
sv_native_reload(uint64_t *before, uint64_t *after)
{
	struct sv_gen	*old = sv.gen;

	*before = *after = sv.gen->serial;
	if (sv.stopping)
		return -1;
	if (sv_gen_changed(sv.gen, sv.basedir) == 0)
		return NATIVE_RELOAD_UNCHANGED;
	sv_reload();
	*after = sv.gen->serial;
	/* the new one was allocated while old lived: never the same */
	return sv.gen != old ? NATIVE_RELOAD_SWITCHED : -1;
}

/* sv_native_shutdown - SHUTDOWN, as the clamd command does */
static void
sv_native_shutdown(void *ctx)
{
	(void)ctx;
	sv_stop(0);
}

/* sv_native_conf - the configuration in use (SIGHUP replaces it) */
static const struct conf *
sv_native_conf(void)
{
	return sv.conf;
}

static const struct native_host sv_native = {
	.scan = sv_native_scan,
	.takefd = sv_native_takefd,
	.info = sv_native_info,
	.reload = sv_native_reload,
	.shutdown = sv_native_shutdown,
	.conf = sv_native_conf,
};
