/*
 * opener.c - vigild's opener: opens clients' paths for the supervisor
 *
 * DESCRIPTION
 *	A simple blocking loop: read a request, open or walk as the client
 *	(setfsuid, setfsgid, setgroups around each call), answer with the
 *	descriptor.  It may block for as long as the file system likes: the
 *	supervisor gives it a deadline and kills it.  Walks are kept here,
 *	keyed by a handle.  The layout of the messages is in opener.h.
 */
#include <sys/fsuid.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>

#include <errno.h>
#include <fcntl.h>
#include <fts.h>
#include <grp.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include <bsd/sys/queue.h>

#include "daemon/opener.h"

struct walk {
	LIST_ENTRY(walk)	 entry;
	uint32_t		 handle;
	FTS			*fts;
};

LIST_HEAD(walklist, walk);

struct opener {
	int			 sock;
	int			 root;		/* may change identity */
	gid_t			*groups;	/* ours, restored after each */
	int			 ngroups;
	struct walklist		 walks;
	uint32_t		 nexthandle;
};

static void	 op_init(struct opener *, int);
static void	 op_as(struct opener *, const struct opener_req *,
		    const gid_t *, int);
static void	 op_answer(struct opener *, struct opener_ans *,
		    const uint8_t *, const int *, int);
static void	 op_open(struct opener *, const struct opener_req *,
		    const gid_t *, const char *);
static void	 op_walk(struct opener *, const struct opener_req *,
		    const gid_t *, char *);
static void	 op_next(struct opener *, const struct opener_req *,
		    const gid_t *);
static void	 op_end(struct opener *, uint32_t);
static struct walk *op_find(struct opener *, uint32_t);

/* opener_main - serve the supervisor's requests on sock until it closes */
void
opener_main(int sock)
{
	static uint8_t		 buf[OPENER_REQMAX + 1];
	static gid_t		 groups[OPENER_MAXGROUPS];
	static char		 path[OPENER_MAXPATH + 1];
	struct opener		 op;
	struct opener_req	 rq;
	ssize_t			 n;
	size_t			 glen;

	op_init(&op, sock);
	for (;;) {
		if ((n = recv(op.sock, buf, sizeof(buf), 0)) == -1) {
			if (errno == EINTR)
				continue;
			_exit(EX_OSERR);
		}
		if (n == 0)
			_exit(0);	/* the supervisor closed: done */
		if ((size_t)n < sizeof(rq))
			_exit(EX_SOFTWARE);
		memcpy(&rq, buf, sizeof(rq));
		glen = (size_t)rq.ngroups * sizeof(gid_t);
		if (rq.ngroups > OPENER_MAXGROUPS ||
		    rq.pathlen > OPENER_MAXPATH ||
		    (size_t)n != sizeof(rq) + glen + rq.pathlen)
			_exit(EX_SOFTWARE);
		memcpy(groups, buf + sizeof(rq), glen);
		memcpy(path, buf + sizeof(rq) + glen, rq.pathlen);
		path[rq.pathlen] = '\0';
		switch (rq.op) {
		case OPENER_OPEN:
			op_open(&op, &rq, groups, path);
			break;
		case OPENER_WALK:
			op_walk(&op, &rq, groups, path);
			break;
		case OPENER_NEXT:
			op_next(&op, &rq, groups);
			break;
		case OPENER_END:
			op_end(&op, rq.walk);
			break;
		default:
			_exit(EX_SOFTWARE);
		}
	}
}

/*
 * op_init - the process: signals as the workers have them (a kill of the
 * process group is the supervisor's to act on), dead with the supervisor,
 * nothing open but stdio and the socket (on 3)
 */
static void
op_init(struct opener *op, int sock)
{
	sigset_t	 set;
	int		 n;

	memset(op, 0, sizeof(*op));
	sigemptyset(&set);
	sigprocmask(SIG_SETMASK, &set, NULL);
	signal(SIGINT, SIG_IGN);
	signal(SIGTERM, SIG_IGN);
	signal(SIGHUP, SIG_IGN);
	signal(SIGUSR2, SIG_IGN);
	signal(SIGPIPE, SIG_IGN);	/* a send to a gone supervisor: EPIPE */
	signal(SIGCHLD, SIG_DFL);
	(void)prctl(PR_SET_NAME, "vigild-opener", 0, 0, 0);
	(void)prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
	if (sock != 3) {
		if (dup2(sock, 3) == -1)
			_exit(EX_OSERR);
		sock = 3;
	}
	closefrom(4);
	/* the supervisor may have died before PR_SET_PDEATHSIG */
	if (getppid() == 1)
		_exit(0);
	op->sock = sock;
	op->root = geteuid() == 0;
	LIST_INIT(&op->walks);
	if ((n = getgroups(0, NULL)) > 0) {
		if ((op->groups = calloc((size_t)n, sizeof(gid_t))) == NULL)
			_exit(EX_OSERR);
		if ((op->ngroups = getgroups(n, op->groups)) == -1)
			_exit(EX_OSERR);
	}
}

/*
 * op_as - open with the client's file-system identity (on), or ours again
 * (off), so that a client can scan only what it can read itself.  Nothing
 * to do when we are not root, or the client is.  A supplementary group
 * list that cannot be set leaves none: less access, never more.
 */
static void
op_as(struct opener *op, const struct opener_req *rq, const gid_t *groups,
    int on)
{
	if (!op->root || rq->uid == 0)
		return;
	if (on) {
		if (setgroups(rq->ngroups, groups) == -1)
			(void)setgroups(0, NULL);
		(void)setfsgid(rq->gid);
		(void)setfsuid(rq->uid);
	} else {
		(void)setfsuid(0);
		(void)setfsgid(0);
		/* never keep a client's groups */
		if (setgroups((size_t)op->ngroups, op->groups) == -1)
			_exit(EX_OSERR);
	}
}

/*
 * op_answer - send an answer (a->namelen bytes of pay after it, and the
 * nfd descriptors fds, which are then closed); a supervisor that cannot
 * take it is gone or broken: exit
 */
static void
op_answer(struct opener *op, struct opener_ans *a, const uint8_t *pay,
    const int *fds, int nfd)
{
	union {
		struct cmsghdr	 hdr;
		char		 buf[CMSG_SPACE(sizeof(int) *
				    OPENER_MAXBATCH)];
	} cmsgbuf;
	struct cmsghdr	*cmsg;
	struct msghdr	 mh;
	struct iovec	 iov[2];
	int		 i;

	memset(&mh, 0, sizeof(mh));
	iov[0].iov_base = a;
	iov[0].iov_len = sizeof(*a);
	iov[1].iov_base = (void *)(uintptr_t)(pay != NULL ? pay :
	    (const uint8_t *)"");
	iov[1].iov_len = a->namelen;
	mh.msg_iov = iov;
	mh.msg_iovlen = 2;
	if (nfd > 0) {
		memset(&cmsgbuf, 0, sizeof(cmsgbuf));
		mh.msg_control = cmsgbuf.buf;
		mh.msg_controllen = CMSG_SPACE(sizeof(int) * (size_t)nfd);
		cmsg = CMSG_FIRSTHDR(&mh);
		cmsg->cmsg_level = SOL_SOCKET;
		cmsg->cmsg_type = SCM_RIGHTS;
		cmsg->cmsg_len = CMSG_LEN(sizeof(int) * (size_t)nfd);
		memcpy(CMSG_DATA(cmsg), fds, sizeof(int) * (size_t)nfd);
	}
	while (sendmsg(op->sock, &mh, MSG_NOSIGNAL) == -1)
		if (errno != EINTR)
			_exit(errno == EPIPE ? 0 : EX_OSERR);
	for (i = 0; i < nfd; i++)
		close(fds[i]);
}

/* op_open - OPENER_OPEN: a descriptor for a regular file, or what it is */
static void
op_open(struct opener *op, const struct opener_req *rq, const gid_t *groups,
    const char *path)
{
	struct opener_ans	 a;
	struct stat		 sb;
	int			 fd;

	memset(&a, 0, sizeof(a));
	a.id = rq->id;
	op_as(op, rq, groups, 1);
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	op_as(op, rq, groups, 0);
	if (fd == -1 || fstat(fd, &sb) == -1) {
		a.type = OPENER_A_ERR;
		a.err = errno;
		if (fd != -1)
			close(fd);
		op_answer(op, &a, NULL, NULL, 0);
		return;
	}
	a.type = OPENER_A_OPEN;
	if (S_ISREG(sb.st_mode)) {
		a.kind = OPENER_REG;
		op_answer(op, &a, NULL, &fd, 1);
		return;
	}
	close(fd);
	a.kind = S_ISDIR(sb.st_mode) ? OPENER_DIR : OPENER_OTHER;
	op_answer(op, &a, NULL, NULL, 0);
}

/* op_walk - OPENER_WALK: start walking path, symbolic links not followed */
static void
op_walk(struct opener *op, const struct opener_req *rq, const gid_t *groups,
    char *path)
{
	struct opener_ans	 a;
	struct walk		*w;
	char			*argv[2] = { path, NULL };

	memset(&a, 0, sizeof(a));
	a.id = rq->id;
	if ((w = calloc(1, sizeof(*w))) == NULL) {
		a.type = OPENER_A_ERR;
		a.err = ENOMEM;
		op_answer(op, &a, NULL, NULL, 0);
		return;
	}
	op_as(op, rq, groups, 1);
	w->fts = fts_open(argv, FTS_PHYSICAL | FTS_NOCHDIR, NULL);
	a.err = errno;
	op_as(op, rq, groups, 0);
	if (w->fts == NULL) {
		free(w);
		a.type = OPENER_A_ERR;
		op_answer(op, &a, NULL, NULL, 0);
		return;
	}
	a.err = 0;
	/* 0 is no walk: handles start at 1 */
	do {
		w->handle = ++op->nexthandle;
	} while (w->handle == 0 || op_find(op, w->handle) != NULL);
	LIST_INSERT_HEAD(&op->walks, w, entry);
	a.type = OPENER_A_WALK;
	a.walk = w->handle;
	op_answer(op, &a, NULL, NULL, 0);
}

/*
 * op_next - OPENER_NEXT: the walk's next regular files, each with its
 * descriptor or the reason it cannot be opened, as many as asked and as
 * fit in one answer; end set when the walk is over
 */
static void
op_next(struct opener *op, const struct opener_req *rq, const gid_t *groups)
{
	static uint8_t		 pay[OPENER_ANSMAX - sizeof(struct opener_ans)];
	struct opener_ans	 a;
	struct opener_file	 f;
	struct walk		*w;
	FTSENT			*e;
	size_t			 len = 0, nl;
	uint32_t		 want;
	int			 fds[OPENER_MAXBATCH], nfd = 0, fd;

	memset(&a, 0, sizeof(a));
	a.id = rq->id;
	a.type = OPENER_A_FILES;
	want = rq->count < 1 ? 1 : rq->count > OPENER_MAXBATCH ?
	    OPENER_MAXBATCH : rq->count;
	if ((w = op_find(op, rq->walk)) == NULL) {
		/* a walk of another opener: over */
		a.end = 1;
		op_answer(op, &a, NULL, NULL, 0);
		return;
	}
	op_as(op, rq, groups, 1);
	while (a.nfiles < want &&
	    len + sizeof(f) + OPENER_MAXPATH <= sizeof(pay)) {
		while ((e = fts_read(w->fts)) != NULL && e->fts_info != FTS_F)
			;
		if (e == NULL) {
			a.end = 1;
			break;
		}
		/* fts_path is at most PATH_MAX here: longer ones fail stat */
		nl = strlen(e->fts_path);
		f.err = 0;
		if (nl > OPENER_MAXPATH) {
			nl = OPENER_MAXPATH;
			f.err = ENAMETOOLONG;
		} else if ((fd = open(e->fts_path, O_RDONLY | O_CLOEXEC |
		    O_NOCTTY | O_NONBLOCK | O_NOFOLLOW)) == -1)
			f.err = errno != 0 ? errno : EIO;
		else
			fds[nfd++] = fd;
		f.namelen = (uint32_t)nl;
		memcpy(pay + len, &f, sizeof(f));
		memcpy(pay + len + sizeof(f), e->fts_path, nl);
		len += sizeof(f) + nl;
		a.nfiles++;
	}
	op_as(op, rq, groups, 0);
	if (a.end)
		op_end(op, rq->walk);
	a.namelen = (uint32_t)len;
	op_answer(op, &a, pay, fds, nfd);
}

/* op_end - forget a walk (an unknown handle: already over) */
static void
op_end(struct opener *op, uint32_t handle)
{
	struct walk	*w;

	if ((w = op_find(op, handle)) == NULL)
		return;
	LIST_REMOVE(w, entry);
	fts_close(w->fts);
	free(w);
}

/* op_find - the walk with this handle, or NULL */
static struct walk *
op_find(struct opener *op, uint32_t handle)
{
	struct walk	*w;

	LIST_FOREACH(w, &op->walks, entry)
		if (w->handle == handle)
			return w;
	return NULL;
}
