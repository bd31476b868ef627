/*
 * sv_req.c - vigild's supervisor: requests and jobs
 *
 * DESCRIPTION
 *	A client's request (a path, a descriptor, a stream) becomes one or
 *	more jobs: a directory is walked as the client, a file at a time,
 *	while jobs are in flight.  Every job ends in exactly one reply line
 *	(or, inside a directory scan, in the directory's count).  Shared
 *	state is in sv_priv.h.
 *
 *	A path is never opened here: req_path() asks the opener
 *	(sv_opener.c) and returns.  A request then moves on with each
 *	answer (req_opened()): OPEN gives the file's descriptor (a job) or
 *	tells a directory, WALK gives a walk handle, each NEXT
 *	(req_walked()) the walk's next files (each a job, or an "Access
 *	denied" line) or its end.  NEXT is asked ahead (req_ahead()),
 *	several files at once, and the files answered wait in r->pre, in
 *	walk order, until the request may have one more job in flight (one
 *	at a time; MULTISCAN: one per worker).  r->opwait says whether OPEN
 *	or WALK is awaited, r->nnext how many files are asked, r->walking
 *	that the walk is not over, r->walk the opener's handle.  A walk
 *	stopped early (SCAN's first hit, a client gone) is ended with
 *	OPENER_END.  When the opener
 *	fails, req_openlost() answers the request with an error line
 *	instead.  The replies and their order are those of the synchronous
 *	walk this replaced.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <bsd/sys/queue.h>

#include "av/verdict.h"
#include "daemon/clamd.h"
#include "daemon/native.h"
#include "daemon/opener.h"
#include "daemon/sv_exec.h"
#include "daemon/sv_gen.h"
#include "daemon/sv_log.h"
#include "daemon/sv_priv.h"
#include "util/log.h"

static void	 req_notscanned(struct req *, const char *, const char *);
static void	 req_resume(struct client *);
static unsigned	 req_par(const struct req *);
static unsigned	 req_ahead(const struct req *);
static int	 req_prefetch(struct req *, const char *, int, int);
static void	 req_droppre(struct req *);

/* req_new - a request of cl, answered with tag */
struct req *
req_new(struct client *cl, enum clamd_evtype cmd,
    const struct clamd_tag *tag, const char *path)
{
	struct req	*r;

	if ((r = calloc(1, sizeof(*r))) == NULL ||
	    (r->path = strdup(path)) == NULL) {
		free(r);
		log_warn("%s: calloc", __func__);
		if (cl->nat == NULL)	/* sv_native_scan() answers natively */
			clamd_reply_error(&cl->out, tag, path, "Out of memory");
		return NULL;
	}
	r->cl = cl;
	r->cmd = cmd;
	r->tag = *tag;
	r->started = sv_now();
	cl->pending++;
	TAILQ_INSERT_TAIL(&sv.reqs, r, entry);
	return r;
}

/*
 * req_path - SCAN, CONTSCAN, MULTISCAN, ALLMATCHSCAN of a path: the
 * opener opens it (opener_ask()); its answer goes on in req_opened()
 */
void
req_path(struct client *cl, struct clamd_ev *ev)
{
	struct req	*r;
	char		 msg[256];

	if (ev->arg[0] != '/') {
		clamd_reply_error(&cl->out, &ev->tag, ev->arg,
		    "File path check failure: No such file or directory.");
		return;
	}
	if ((r = req_new(cl, ev->type, &ev->tag, ev->arg)) == NULL)
		return;
	if (opener_ask(r, OPENER_OPEN) == -1) {
		snprintf(msg, sizeof(msg), "File path check failure: %s.",
		    errno == ESHUTDOWN ? "shutting down" : strerror(errno));
		clamd_reply_error(&cl->out, &r->tag, r->path, msg);
		req_free(r);
	}
}

/*
 * req_resume - after an answer that did not come from the client: write
 * what it owes, let a paused session read again, free it when done
 */
static void
req_resume(struct client *cl)
{
	client_flush(cl);
	if (cl->fd != -1) {
		client_feed(cl);
		client_flush(cl);
	}
	client_maybe_free(cl);
}

/*
 * req_opened - the opener's answer a (with name, and fd when not -1, now
 * ours) to r's request op: the replies and the jobs of today's path scan,
 * in the same order
 */
void
req_opened(struct req *r, int op, const struct opener_ans *a, int fd)
{
	struct client	*cl = r->cl;
	char		 msg[256];

	r->opwait = 0;
	switch (op) {
	case OPENER_OPEN:
		if (a->type == OPENER_A_ERR || a->kind == OPENER_OTHER) {
			if (a->type == OPENER_A_ERR)
				snprintf(msg, sizeof(msg),
				    "File path check failure: %s.",
				    strerror(a->err));
			else
				snprintf(msg, sizeof(msg),
				    "Not supported file type.");
			if (cl->fd != -1)
				clamd_reply_error(&cl->out, &r->tag, r->path,
				    msg);
			req_free(r);
			break;
		}
		if (a->kind == OPENER_REG) {
			if (cl->fd != -1)
				job_new(r, fd, r->path);
			else
				close(fd);	/* nobody to tell */
			req_advance(r);
			break;
		}
		r->isdir = 1;
		if (cl->fd == -1) {
			req_advance(r);		/* nobody to tell */
			break;
		}
		r->walking = 1;
		if (opener_ask(r, OPENER_WALK) == -1) {
			opener_forget(r);
			req_openlost(r, errno == ESHUTDOWN ? "shutting down" :
			    strerror(errno));
			return;
		}
		break;
	case OPENER_WALK:
		if (a->type == OPENER_A_ERR) {
			snprintf(msg, sizeof(msg), "Can't walk the directory: "
			    "%s.", strerror(a->err));
			if (cl->fd != -1)
				clamd_reply_error(&cl->out, &r->tag, r->path,
				    msg);
			r->nerrors++;
			r->walking = 0;
		} else
			r->walk = a->walk;
		req_advance(r);
		break;
	default:
		if (fd != -1)
			close(fd);
		AV_ASSERT(0);
	}
	req_resume(cl);
}

/*
 * req_walked - the opener's answer a to r's NEXT for asked files: the
 * entries in pay (opener.h), with fds for those it could open (now ours),
 * wait in walk order for their turn; a->end: the walk is over
 */
void
req_walked(struct req *r, unsigned asked, const struct opener_ans *a,
    const uint8_t *pay, const int *fds)
{
	struct client		*cl = r->cl;
	struct opener_file	 f;
	char			 name[OPENER_MAXPATH + 1];
	size_t			 off = 0;
	uint32_t		 i;
	int			 k = 0, fd;

	r->nnext = r->nnext > asked ? r->nnext - asked : 0;
	for (i = 0; i < a->nfiles; i++) {
		/* opener_check() measured every entry */
		memcpy(&f, pay + off, sizeof(f));
		memcpy(name, pay + off + sizeof(f), f.namelen);
		name[f.namelen] = '\0';
		off += sizeof(f) + f.namelen;
		fd = f.err == 0 ? fds[k++] : -1;
		if (r->stop || cl->fd == -1) {
			/* stopped meanwhile: req_advance() ends the walk */
			if (fd != -1)
				close(fd);
		} else if (req_prefetch(r, name, fd, f.err) == -1) {
			clamd_reply_error(&cl->out, &r->tag, r->path,
			    "Out of memory.");
			r->nerrors++;
		}
	}
	if (a->end) {
		r->walk = 0;
		r->walking = 0;
	}
	req_advance(r);
	req_resume(cl);
}

/*
 * req_openlost - the opener could not answer r (why): a path not opened
 * yet gets "File path check failure", a directory being walked "Can't
 * walk the directory" and then its end, as today's errors do.  The
 * caller has called opener_forget(r).
 */
void
req_openlost(struct req *r, const char *why)
{
	struct client	*cl = r->cl;
	char		 msg[256];

	if (!r->isdir) {
		snprintf(msg, sizeof(msg), "File path check failure: %s.", why);
		if (cl->fd != -1)
			clamd_reply_error(&cl->out, &r->tag, r->path, msg);
		req_free(r);
	} else {
		if (!r->stop && cl->fd != -1) {
			snprintf(msg, sizeof(msg),
			    "Can't walk the directory: %s.", why);
			clamd_reply_error(&cl->out, &r->tag, r->path, msg);
			r->nerrors++;
		}
		r->walk = 0;
		r->walking = 0;
		r->opwait = 0;
		r->nnext = 0;
		req_droppre(r);		/* nothing more of the walk */
		req_advance(r);
	}
	req_resume(cl);
}

/*
 * req_par - how many jobs of r may be in flight at once: one, or one per
 * worker for MULTISCAN
 */
static unsigned
req_par(const struct req *r)
{
	unsigned	 par;

	par = r->cmd == CLAMD_EV_MULTISCAN ? sv.nworkers : 1;
	return par > SV_PREFETCH ? SV_PREFETCH : par < 1 ? 1 : par;
}

/*
 * req_ahead - how many files of r's walk are asked of the opener ahead:
 * its jobs in flight and SV_AHEAD more, so that the workers never wait
 * for the opener's round trip
 */
static unsigned
req_ahead(const struct req *r)
{
	unsigned	 n = req_par(r) + SV_AHEAD;

	return n > SV_PREFETCH ? SV_PREFETCH : n;
}

/*
 * req_prefetch - keep the next file of r's walk (fd, now ours; or the
 * errno err of its open) until a job slot is free: 0, or -1 (out of
 * memory; fd closed)
 */
static int
req_prefetch(struct req *r, const char *name, int fd, int err)
{
	struct opfile	*f;

	if (r->pre == NULL &&
	    (r->pre = calloc(SV_PREFETCH, sizeof(*r->pre))) == NULL) {
		if (fd != -1)
			close(fd);
		return -1;
	}
	AV_ASSERT(r->npre < SV_PREFETCH);
	f = &r->pre[(r->prehead + r->npre) % SV_PREFETCH];
	if ((f->name = strdup(name)) == NULL) {
		if (fd != -1)
			close(fd);
		return -1;
	}
	f->fd = fd;
	f->err = err;
	r->npre++;
	return 0;
}

/* req_droppre - forget the files r holds ahead */
static void
req_droppre(struct req *r)
{
	struct opfile	*f;

	while (r->npre > 0) {
		f = &r->pre[r->prehead];
		if (f->fd != -1)
			close(f->fd);
		free(f->name);
		r->prehead = (r->prehead + 1) % SV_PREFETCH;
		r->npre--;
	}
}

/*
 * req_advance - start what the request may start now: ask the opener for
 * the next file of a directory while fewer jobs than allowed are in
 * flight (one; MULTISCAN: one per worker); finish it when nothing is
 * left to wait for
 */
void
req_advance(struct req *r)
{
	struct client	*cl = r->cl;
	struct opfile	*f;
	unsigned	 par, ahead, want;
	char		 msg[256];

	if (cl->fd == -1)
		r->stop = 1;	/* nobody to tell: walk no further */
	par = req_par(r);
	/* the files answered ahead, in walk order, as slots free */
	while (!r->stop && r->npre > 0 && r->inflight < par) {
		f = &r->pre[r->prehead];
		r->prehead = (r->prehead + 1) % SV_PREFETCH;
		r->npre--;
		if (f->fd == -1) {
			snprintf(msg, sizeof(msg), "Access denied: %s.",
			    strerror(f->err));
			clamd_reply_error(&cl->out, &r->tag, f->name, msg);
			r->nerrors++;
		} else
			job_new(r, f->fd, f->name);
		free(f->name);
	}
	/*
	 * the opener works ahead of the workers, several files an answer:
	 * asked again once half of what it gave is used
	 */
	ahead = req_ahead(r);
	if (!r->stop && r->walk != 0 && r->opwait == 0 && r->nnext == 0 &&
	    r->npre <= ahead / 2) {
		want = ahead - r->npre;
		if (opener_next(r, want > OPENER_MAXBATCH ? OPENER_MAXBATCH :
		    want) == -1) {
			opener_forget(r);
			req_openlost(r, errno == ESHUTDOWN ? "shutting down" :
			    strerror(errno));
			return;
		}
	}
	if (r->stop) {
		/* the rest of the walk is not wanted: nothing to wait for */
		req_droppre(r);
		if (r->walk != 0 || r->nnext != 0 || r->opwait != 0)
			opener_forget(r);
	}
	if (r->inflight != 0 || r->opwait != 0 || r->nnext != 0 ||
	    r->npre != 0 || (!r->stop && r->walking))
		return;
	if (r->walk != 0)
		(void)opener_ask(r, OPENER_END);
	r->walk = 0;
	r->walking = 0;
	if (r->isdir && cl->fd != -1)
		clamd_reply_dirend(&cl->out, &r->tag, r->path, r->ninfected,
		    r->nerrors);
	req_free(r);
	client_flush(cl);
}

/* req_free - forget a request (and what it asked of the opener) */
void
req_free(struct req *r)
{
	TAILQ_REMOVE(&sv.reqs, r, entry);
	r->cl->pending--;
	if (r->opwait != 0 || r->walk != 0 || r->nnext != 0)
		opener_forget(r);
	req_droppre(r);
	free(r->pre);
	free(r->path);
	free(r);
}

/* job_new - queue fd (now the job's) for scanning as name */
void
job_new(struct req *r, int fd, const char *name)
{
	struct job	*j;

	if ((j = calloc(1, sizeof(*j))) == NULL ||
	    (j->name = strdup(name)) == NULL) {
		free(j);
		close(fd);
		log_warn("%s: calloc", __func__);
		req_notscanned(r, name, "out of memory");
		r->nerrors++;
		return;
	}
	if (sv.stopping) {
		req_notscanned(r, name, "shutting down");
		r->nerrors++;
		close(fd);
		free(j->name);
		free(j);
		return;
	}
	j->id = ++sv.nextjob;
	j->fd = fd;
	j->req = r;
	r->inflight++;
	TAILQ_INSERT_TAIL(&sv.queue, j, entry);
}

/*
 * job_done - the answer to a job (a verdict, or the reason it was not
 * scanned); the request goes on or ends
 */
void
job_done(struct job *j, struct verdict *v, const char *reason)
{
	struct req	*r = j->req;
	struct client	*cl = r->cl;
	struct sv_detection d;
	int		 quiet = r->isdir;	/* clean files of a directory */
	uint64_t	 serial = j->serial != 0 ? j->serial : sv.gen->serial;

	sv.njobs++;
	if (v != NULL && v->status == AV_INFECTED) {
		r->ninfected++;
		sv.ninfected++;
		/* the log line and exec_script (sv_log.c, sv_exec.c) */
		memset(&d, 0, sizeof(d));
		d.client = cl->id;
		d.peer = cl->peer;
		d.path = j->name;
		d.v = v;
		d.serial = serial;
		d.time = time(NULL);
		sv_log_detection(&d);
		(void)sv_exec_run(&d, sv_now());
		if (r->cmd == CLAMD_EV_SCAN)
			r->stop = 1;
	} else if (v == NULL || v->status == AV_NOTSCANNED)
		r->nerrors++;
	if (cl->fd != -1 && r->nj.on)	/* native: the whole tree */
		native_reply_verdict(&cl->out, r->nj.id, j->name, v, reason,
		    serial);
	else if (cl->fd != -1) {
		if (v == NULL)
			clamd_reply_notscanned(&cl->out, &r->tag, j->name,
			    reason);
		else if (!(quiet && v->status == AV_CLEAN))
			clamd_reply_verdict(&cl->out, &r->tag, j->name, v,
			    r->cmd == CLAMD_EV_ALLMATCHSCAN);
	}
	if (j->fd != -1)
		close(j->fd);
	free(j->name);
	free(j);
	r->inflight--;
	req_advance(r);
	client_flush(cl);
	if (cl->fd != -1) {
		/* a paused session may read again */
		client_feed(cl);
		client_flush(cl);
	}
	client_maybe_free(cl);
}

/* req_notscanned - a job not scanned, answered in the client's protocol */
static void
req_notscanned(struct req *r, const char *name, const char *reason)
{
	if (r->cl->fd == -1)
		return;
	if (r->nj.on)
		native_reply_verdict(&r->cl->out, r->nj.id, name, NULL,
		    reason, sv.gen->serial);
	else
		clamd_reply_notscanned(&r->cl->out, &r->tag, name, reason);
}
