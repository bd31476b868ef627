/*
 * sv_req.c - vigild's supervisor: requests and jobs
 *
 * DESCRIPTION
 *	A client's request (a path, a descriptor, a stream) becomes one or
 *	more jobs: a directory is walked as the client, a file at a time,
 *	while jobs are in flight.  Every job ends in exactly one reply line
 *	(or, inside a directory scan, in the directory's count).  Shared
 *	state is in sv_priv.h.
 */
#include <sys/fsuid.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <fts.h>
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <bsd/sys/queue.h>

#include "av/verdict.h"
#include "daemon/clamd.h"
#include "daemon/native.h"
#include "daemon/sv_exec.h"
#include "daemon/sv_gen.h"
#include "daemon/sv_log.h"
#include "daemon/sv_priv.h"
#include "util/log.h"

static void	 req_notscanned(struct req *, const char *, const char *);
static int	 req_walk(struct req *);
static char	*req_nextfile(struct req *);
static void	 sv_as(const struct client *, int);

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

/* req_path - SCAN, CONTSCAN, MULTISCAN, ALLMATCHSCAN of a path */
void
req_path(struct client *cl, struct clamd_ev *ev)
{
	struct stat	 sb;
	struct req	*r;
	char		 msg[256];
	int		 fd, rc;

	if (ev->arg[0] != '/') {
		clamd_reply_error(&cl->out, &ev->tag, ev->arg,
		    "File path check failure: No such file or directory.");
		return;
	}
	sv_as(cl, 1);
	fd = open(ev->arg, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	sv_as(cl, 0);
	if (fd == -1 || fstat(fd, &sb) == -1) {
		snprintf(msg, sizeof(msg), "File path check failure: %s.",
		    strerror(errno));
		clamd_reply_error(&cl->out, &ev->tag, ev->arg, msg);
		if (fd != -1)
			close(fd);
		return;
	}
	if (!S_ISDIR(sb.st_mode) && !S_ISREG(sb.st_mode)) {
		clamd_reply_error(&cl->out, &ev->tag, ev->arg,
		    "Not supported file type.");
		close(fd);
		return;
	}
	if ((r = req_new(cl, ev->type, &ev->tag, ev->arg)) == NULL) {
		close(fd);
		return;
	}
	if (S_ISREG(sb.st_mode)) {
		job_new(r, fd, ev->arg);
		req_advance(r);
		return;
	}
	close(fd);
	r->isdir = 1;
	sv_as(cl, 1);
	rc = req_walk(r);
	sv_as(cl, 0);
	if (rc == -1) {
		snprintf(msg, sizeof(msg), "Can't walk the directory: %s.",
		    strerror(errno));
		clamd_reply_error(&cl->out, &r->tag, r->path, msg);
		r->nerrors++;
	}
	req_advance(r);
}

/*
 * sv_as - open paths with the client's file-system identity (on), or the
 * daemon's again (off), so that a client can scan only what it can read
 * itself: its uid, gid and supplementary groups.  Nothing to do when the
 * daemon is not root, or the client is.  The supervisor has one thread,
 * so changing its groups for the time of an open is safe.
 */
static void
sv_as(const struct client *cl, int on)
{
	if (sv.euid != 0 || cl->uid == 0)
		return;
	if (on) {
		if (setgroups((size_t)cl->ngroups, cl->groups) == -1)
			(void)setgroups(0, NULL);
		(void)setfsgid(cl->gid);
		(void)setfsuid(cl->uid);
	} else {
		(void)setfsuid(0);
		(void)setfsgid(0);
		if (setgroups((size_t)sv.ngroups, sv.groups) == -1)
			log_warn("%s: setgroups", __func__);
	}
}

/*
 * req_walk - start walking r->path (symlinks not followed); its files are
 * read one at a time as workers are free (req_nextfile), so that a big
 * tree neither fills memory nor holds up the event loop: 0, or -1
 */
static int
req_walk(struct req *r)
{
	char	*argv[2] = { r->path, NULL };

	r->fts = fts_open(argv, FTS_PHYSICAL | FTS_NOCHDIR, NULL);
	return r->fts == NULL ? -1 : 0;
}

/*
 * req_nextfile - the next regular file of a directory request, read with
 * the client's identity; NULL at the end of the walk (or when memory ran
 * out, said as an error); the caller frees it
 */
static char *
req_nextfile(struct req *r)
{
	FTSENT	*e;
	char	*f = NULL;

	if (r->fts == NULL)
		return NULL;
	sv_as(r->cl, 1);
	while ((e = fts_read(r->fts)) != NULL)
		if (e->fts_info == FTS_F) {
			if ((f = strdup(e->fts_path)) == NULL) {
				r->nerrors++;
				if (r->cl->fd != -1)
					clamd_reply_error(&r->cl->out, &r->tag,
					    r->path, "Out of memory.");
			}
			break;
		}
	sv_as(r->cl, 0);
	if (f == NULL) {
		fts_close(r->fts);
		r->fts = NULL;
	}
	return f;
}

/* req_advance - start what the request may start now; finish it */
void
req_advance(struct req *r)
{
	struct client	*cl = r->cl;
	char		*f;
	char		 msg[256];
	unsigned	 par;
	int		 fd;

	if (cl->fd == -1)
		r->stop = 1;	/* nobody to tell: walk no further */
	par = r->cmd == CLAMD_EV_MULTISCAN ? sv.nworkers : 1;
	while (!r->stop && r->inflight < par &&
	    (f = req_nextfile(r)) != NULL) {
		sv_as(cl, 1);
		fd = open(f, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK |
		    O_NOFOLLOW);
		sv_as(cl, 0);
		if (fd == -1) {
			snprintf(msg, sizeof(msg), "Access denied: %s.",
			    strerror(errno));
			if (cl->fd != -1)
				clamd_reply_error(&cl->out, &r->tag, f, msg);
			r->nerrors++;
			free(f);
			continue;
		}
		job_new(r, fd, f);
		free(f);
	}
	if (r->inflight != 0 || (!r->stop && r->fts != NULL))
		return;
	if (r->isdir && cl->fd != -1)
		clamd_reply_dirend(&cl->out, &r->tag, r->path, r->ninfected,
		    r->nerrors);
	req_free(r);
	client_flush(cl);
}

/* req_free - forget a request */
void
req_free(struct req *r)
{
	TAILQ_REMOVE(&sv.reqs, r, entry);
	r->cl->pending--;
	if (r->fts != NULL)
		fts_close(r->fts);
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
