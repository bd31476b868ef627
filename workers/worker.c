/*
 * worker.c - the scan worker's life: modules, sandbox, jobs
 *
 * DESCRIPTION
 *	One job at a time, blocking: the worker has nothing else to do, and
 *	the supervisor owns every deadline.  Replies are sent whole before
 *	the next message is read.
 */
#include <sys/mman.h>
#include <sys/stat.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "av/exitcodes.h"
#include "av/msgtypes.h"
#include "av/verdict.h"
#include "av/wire.h"
#include "shm/sigmap.h"
#include "util/msg.h"
#include "workers/pipeline.h"
#include "workers/vcache.h"
#include "workers/worker.h"

#define WK_MAXMODULES	WIRE_MAXMODULES
#define WK_CACHESLOTS	4096		/* clean verdicts kept */
#define WK_CACHEBYTES	(8 << 20)	/* and their bytes at most */
#define WK_READMAX	(256 << 10)	/* objects read, not mapped */

/* what the worker holds for its life */
struct wk {
	const struct worker_opts *wo;
	struct msgbuf		 mb;
	struct sigmap		 maps[WK_MAXMODULES];
	const struct vmod_view	*views[WK_MAXMODULES];
	uint32_t		 nmods;
	uint64_t		 serial;
	struct pipeline		*pl;
	struct vcache		*vc;		/* clean verdicts; may be NULL */
	struct verdict		 v;
	uint8_t			*rbuf;		/* WK_READMAX: small objects */
};

static int	 wk_modules(struct wk *);
static int	 wk_job(struct wk *, struct msg *);
static ssize_t	 wk_read(struct wk *, int, size_t);
static int	 wk_reply(struct wk *, struct msg *);
static int	 wk_error(struct wk *, uint32_t, uint32_t, const char *);
static void	 wk_free(struct wk *);

/* worker_main - the worker's life; returns its exit status */
int
worker_main(const struct worker_opts *wo)
{
	struct wk	 w;
	struct msg	*m;
	uint32_t	 jobs = 0;
	int		 r, st;

	memset(&w, 0, sizeof(w));
	w.wo = wo;
	verdict_init(&w.v);
	msgbuf_init(&w.mb, wo->sock, 1);
	if ((st = wk_modules(&w)) != 0)
		goto done;
	if ((w.pl = pipeline_new(w.views, w.nmods)) == NULL) {
		st = AV_EX_NOMEM;
		goto done;
	}
	/* without a cache the worker still scans: it is an optimisation */
	if (wo->cache)
		w.vc = vcache_new(WK_CACHESLOTS, WK_CACHEBYTES);

	/*
	 * From here on: read and write the supervisor's socket, map the
	 * descriptors it sends, scan in memory, the alarm backstop.  No
	 * file system, no network, no new processes (sandbox.h lists the
	 * system calls).
	 */
	if (sandbox_enter(wo->sandbox) == -1) {
		st = EX_CONFIG;
		goto done;
	}
	if ((m = msg_new(MSG_READY, 0, (uint32_t)w.serial)) == NULL) {
		st = AV_EX_NOMEM;
		goto done;
	}
	r = msg_send(wo->sock, m, -1, -1);
	msg_free(m);
	if (r == -1) {
		st = EX_OSERR;
		goto done;
	}

	for (;;) {
		if ((r = msgbuf_recv(&w.mb, &m, -1)) == 0) {
			st = 0;		/* the supervisor is gone */
			break;
		}
		if (r == -1) {
			st = errno == ENOMEM ? AV_EX_NOMEM : EX_PROTOCOL;
			break;
		}
		switch (m->hdr.type) {
		case MSG_JOB:
			st = wk_job(&w, m);
			break;
		case MSG_DRAIN:
			st = msg_end(m) == 0 ? 0 : EX_PROTOCOL;
			msg_free(m);
			goto done;
		default:
			st = EX_PROTOCOL;
			break;
		}
		msg_free(m);
		if (st != 0 || (wo->max_jobs != 0 && ++jobs >= wo->max_jobs))
			break;
	}
done:
	wk_free(&w);
	return st;
}

/* wk_modules - receive and map the generation's modules: 0 or a status */
static int
wk_modules(struct wk *w)
{
	struct wire_module	 mod;
	struct msg		*m;
	uint32_t		 count = 1;
	int			 fd, r;

	while (w->nmods < count) {
		if ((r = msgbuf_recv(&w->mb, &m, -1)) != 1)
			return r == -1 && errno == ENOMEM ? AV_EX_NOMEM :
			    EX_PROTOCOL;
		if (m->hdr.type != MSG_MODULES ||
		    wire_get_module(m, &mod) == -1 ||
		    mod.index != w->nmods ||
		    (w->nmods > 0 && (mod.count != count ||
		    mod.serial != w->serial)) || mod.count > WK_MAXMODULES) {
			msg_free(m);
			return EX_PROTOCOL;
		}
		count = mod.count;
		w->serial = mod.serial;
		fd = msg_take_fd(m);
		msg_free(m);
		r = sigmap_open(&w->maps[w->nmods], fd, 0);
		close(fd);
		if (r == -1)
			return EX_OSERR;
		w->views[w->nmods] = &w->maps[w->nmods].view;
		w->nmods++;
	}
	return 0;
}

/*
 * wk_job - scan the descriptor of one job and answer it: 0, or the exit
 * status when the worker must end
 */
static int
wk_job(struct wk *w, struct msg *m)
{
	struct scan_limits	 lim;
	struct wire_job		 job;
	struct stat		 sb;
	const uint8_t		*buf = NULL;
	void			*p = MAP_FAILED;
	size_t			 len = 0;
	uint32_t		 id = m->hdr.id;
	uint8_t			 key[VCACHE_KEYLEN];
	ssize_t			 n;
	int			 fd, r, st, cached;

	if (wire_get_job(m, &job, &lim) == -1)
		return EX_PROTOCOL;
	if ((fd = msg_take_fd(m)) == -1)
		return EX_PROTOCOL;
	if (fstat(fd, &sb) == -1) {
		r = errno;
		close(fd);
		return wk_error(w, id, (uint32_t)r, "cannot read the object");
	}
	if (S_ISREG(sb.st_mode) && sb.st_size > 0 &&
	    sb.st_size <= WK_READMAX) {
		if ((n = wk_read(w, fd, (size_t)sb.st_size)) == -1) {
			r = errno;
			close(fd);
			return wk_error(w, id, (uint32_t)r,
			    "cannot read the object");
		}
		len = (size_t)n;
		buf = w->rbuf;
	} else if (S_ISREG(sb.st_mode) && sb.st_size > 0) {
		len = (size_t)sb.st_size;
		p = mmap(NULL, len, PROT_READ, MAP_PRIVATE, fd, 0);
		if (p == MAP_FAILED) {
			r = errno;
			close(fd);
			return wk_error(w, id, (uint32_t)r,
			    "cannot map the object");
		}
		buf = p;
	}
	close(fd);
	if (w->wo->backstop != 0)
		alarm(w->wo->backstop);
	/* a clean answer for the same bytes, limits and flags is known */
	cached = w->vc != NULL && vcache_key(w->vc, key, buf, len, &lim,
	    job.flags) == 0;
	if (!cached || (r = vcache_get(w->vc, key, job.name, &w->v)) != 1) {
		r = pipeline_run(w->pl, buf, len, job.name, &lim, job.flags,
		    &w->v);
		if (r == 0 && cached)
			vcache_put(w->vc, key, &w->v);
	} else
		r = 0;
	if (w->wo->backstop != 0)
		alarm(0);
	if (p != MAP_FAILED)
		munmap(p, len);
	if (r == -1)
		return wk_error(w, id, (uint32_t)errno, "out of memory");
	if ((m = msg_new(MSG_VERDICT, id, (uint32_t)w->serial)) == NULL)
		return AV_EX_NOMEM;
	if (wire_put_verdict(m, &w->v) == -1) {
		r = errno;
		msg_free(m);
		/* a tree too big for one message */
		return wk_error(w, id, (uint32_t)r, "verdict too large");
	}
	st = wk_reply(w, m);
	msg_free(m);
	return st;
}

/*
 * wk_read - read an object of at most WK_READMAX bytes into w->rbuf:
 * cheaper than a mapping for the small objects that most mail is (no
 * page faults, no unmapping's TLB flush); the bytes read, fewer if the
 * file shrank meanwhile, or -1
 */
static ssize_t
wk_read(struct wk *w, int fd, size_t size)
{
	size_t	 off = 0;
	ssize_t	 n;

	if (w->rbuf == NULL && (w->rbuf = malloc(WK_READMAX)) == NULL)
		return -1;
	while (off < size) {
		n = pread(fd, w->rbuf + off, size - off, (off_t)off);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			return -1;
		if (n == 0)
			break;
		off += (size_t)n;
	}
	return (ssize_t)off;
}

/* wk_reply - send a reply: 0, or EX_OSERR */
static int
wk_reply(struct wk *w, struct msg *m)
{
	return msg_send(w->wo->sock, m, -1, -1) == -1 ? EX_OSERR : 0;
}

/* wk_error - answer job id with MSG_ERROR: 0, or the exit status */
static int
wk_error(struct wk *w, uint32_t id, uint32_t code, const char *text)
{
	struct msg	*m;
	int		 st;

	if ((m = msg_new(MSG_ERROR, id, (uint32_t)w->serial)) == NULL)
		return AV_EX_NOMEM;
	if (wire_put_error(m, code, text) == -1) {
		msg_free(m);
		return AV_EX_NOMEM;
	}
	st = wk_reply(w, m);
	msg_free(m);
	return st;
}

/* wk_free - release what the worker holds */
static void
wk_free(struct wk *w)
{
	uint32_t	 i;

	pipeline_free(w->pl);
	for (i = 0; i < w->nmods; i++)
		sigmap_close(&w->maps[i]);
	verdict_free(&w->v);
	vcache_free(w->vc);
	free(w->rbuf);
	msgbuf_clear(&w->mb);
}
