/*
 * sv_worker.c - vigild's supervisor: its workers
 *
 * DESCRIPTION
 *	Starting workers (fork+exec, the generation's modules, READY),
 *	handing them queued jobs, reading their answers, and ending them:
 *	reaping, a crash or a scan_timeout answered "not scanned", draining
 *	the workers of an old generation, and throttling the respawn of
 *	workers that die before their first job.  Shared state is in
 *	sv_priv.h.
 */
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bsd/sys/queue.h>

#include "av/exitcodes.h"
#include "av/msgtypes.h"
#include "av/verdict.h"
#include "av/wire.h"
#include "conf/conf.h"
#include "daemon/clamd.h"
#include "daemon/sv_exec.h"
#include "daemon/sv_gen.h"
#include "daemon/sv_log.h"
#include "daemon/sv_priv.h"
#include "signatures/matcher.h"
#include "util/log.h"
#include "util/msg.h"
#include "workers/sandbox.h"

static void	 sv_drain_old(void);
static void	 worker_bad(struct worker *, const char *);
static void	 worker_closesock(struct worker *);
static void	 worker_reaped(struct worker *, int);
static void	 worker_done_job(struct worker *);

/* sv_reap - collect every dead child */
void
sv_reap(void)
{
	struct worker	*w;
	pid_t		 pid;
	int		 st;

	while ((pid = waitpid(-1, &st, WNOHANG)) > 0) {
		TAILQ_FOREACH(w, &sv.workers, entry)
			if (w->pid == pid)
				break;
		if (w != NULL)
			worker_reaped(w, st);
		else if (!opener_reaped(pid, st))
			(void)sv_exec_reaped(pid, st);
	}
}

/* sv_fill - start workers until the current generation has enough */
void
sv_fill(void)
{
	struct worker	*w;
	unsigned	 n = 0;

	if (sv.stopping)
		return;
	TAILQ_FOREACH(w, &sv.workers, entry)
		if (w->gen == sv.gen && w->state != W_DRAINING &&
		    !w->drain)
			n++;
	while (n < sv.nworkers && sv_now() >= sv.respawn_at) {
		worker_spawn();
		n++;
	}
}

/* sv_drain_old - a new generation works: let the old workers go */
static void
sv_drain_old(void)
{
	struct worker	*w;

	TAILQ_FOREACH(w, &sv.workers, entry) {
		if (w->gen == sv.gen || w->state == W_DRAINING)
			continue;
		if (w->state == W_BUSY)
			w->drain = 1;
		else
			worker_send_drain(w);
	}
}

/* worker_spawn - fork+exec one worker on the current generation */
void
worker_spawn(void)
{
	struct epoll_event	 ev;
	struct wire_module	 mod;
	struct worker		*w;
	struct msg		*m;
	struct stat		 sb;
	sigset_t		 set;
	struct conf_view	 v0;
	char			 slot[16], wjobs[16], wtmo[24];
	char			*argv[16];
	uint32_t		 i;
	int			 sp[2], fd;

	if ((w = calloc(1, sizeof(*w))) == NULL) {
		log_warn("%s: calloc", __func__);
		return;
	}
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sp) == -1) {
		log_warn("%s: socketpair", __func__);
		free(w);
		return;
	}
	w->kind = K_WORKER;
	w->slot = sv.nextslot++;
	w->gen = sv.gen;
	w->maxjobs = sv.maxjobs;
	snprintf(slot, sizeof(slot), "%u", w->slot);
	/*
	 * The worker's settings go on its command line, so that it never
	 * reads the file: one edited since the last SIGHUP (or broken)
	 * cannot reach a worker.  user is a restart-only key: from conf0.
	 */
	conf_view(sv.conf0, &v0, CONF_SEC_DAEMON, NULL, NULL);
	snprintf(wjobs, sizeof(wjobs), "%u", w->maxjobs);
	snprintf(wtmo, sizeof(wtmo), "%llu",
	    (unsigned long long)sv.scan_timeout);
	switch (w->pid = fork()) {
	case -1:
		log_warn("%s: fork", __func__);
		close(sp[0]);
		close(sp[1]);
		free(w);
		return;
	case 0:
		/*
		 * the child: socket on 3, nothing else but stdio.  The
		 * supervisor stops it with MSG_DRAIN or SIGKILL only; the
		 * signals a terminal (^C) or a kill of the whole process
		 * group sends are the supervisor's to act on, so that the
		 * scans in progress are drained, not cut (ignored
		 * dispositions survive the exec).
		 */
		sigemptyset(&set);
		sigprocmask(SIG_SETMASK, &set, NULL);
		signal(SIGPIPE, SIG_DFL);
		signal(SIGINT, SIG_IGN);
		signal(SIGTERM, SIG_IGN);
		signal(SIGHUP, SIG_IGN);
		if (sp[1] == 3)
			fcntl(3, F_SETFD, 0);
		else if (dup2(sp[1], 3) == -1)
			_exit(EX_OSERR);
		/* RLIMIT_FSIZE 0 in the sandbox: no regular file as stdio */
		if ((fd = open("/dev/null", O_RDWR)) != -1) {
			dup2(fd, 0);
			dup2(fd, 1);
			if (fstat(2, &sb) == -1 || S_ISREG(sb.st_mode))
				dup2(fd, 2);
			if (fd > 3)
				close(fd);
		}
		i = 0;
		argv[i++] = "vigild";
		if (sv.cfgpath != NULL) {
			argv[i++] = "-c";
			argv[i++] = (char *)sv.cfgpath;
		}
		argv[i++] = "-x";
		argv[i++] = "worker";
		argv[i++] = "-I";
		argv[i++] = slot;
		argv[i++] = "-U";
		argv[i++] = (char *)conf_get_str(&v0, CONF_K_USER);
		argv[i++] = "-J";
		argv[i++] = wjobs;
		argv[i++] = "-T";
		argv[i++] = wtmo;
		argv[i++] = "-C";
		argv[i++] = sv.scan_cache ? "1" : "0";
		argv[i] = NULL;
		execv("/proc/self/exe", argv);
		_exit(EX_OSERR);
	}
	close(sp[1]);
	w->sock = sp[0];
	if (fcntl(w->sock, F_SETFL, O_NONBLOCK) == -1)
		log_warn("%s: fcntl", __func__);
	msgbuf_init(&w->mb, w->sock, 0);
	w->state = W_STARTING;
	w->deadline = sv_now() + SV_READY_MS;
	sv.gen->refs++;
	TAILQ_INSERT_TAIL(&sv.workers, w, entry);
	memset(&ev, 0, sizeof(ev));
	ev.events = EPOLLIN;
	ev.data.ptr = w;
	if (epoll_ctl(sv.ep, EPOLL_CTL_ADD, w->sock, &ev) == -1)
		fatal("%s: epoll_ctl", __func__);
	for (i = 0; i < sv.gen->nfds; i++) {
		mod.index = i;
		mod.count = sv.gen->nfds;
		mod.serial = sv.gen->serial;
		if ((m = msg_new(MSG_MODULES, 0, (uint32_t)sv.gen->serial)) ==
		    NULL || wire_put_module(m, &mod) == -1 ||
		    msg_send(w->sock, m, sv.gen->fds[i], SV_SEND_MS) == -1) {
			msg_free(m);
			worker_bad(w, "cannot send the modules");
			return;
		}
		msg_free(m);
	}
	log_debug("worker %u pid %ld started on generation %llu", w->slot,
	    (long)w->pid, (unsigned long long)sv.gen->serial);
}

/* worker_bad - a worker we no longer trust: kill it; the reap answers */
static void
worker_bad(struct worker *w, const char *why)
{
	log_warnx("worker %u pid %ld: %s, killed", w->slot, (long)w->pid, why);
	if (w->why == NULL)
		w->why = why;
	if (!w->reaped)
		kill(w->pid, SIGKILL);
	worker_closesock(w);
}

/* worker_closesock - forget a worker's socket (it is dead or dying) */
static void
worker_closesock(struct worker *w)
{
	if (w->sock == -1)
		return;
	epoll_ctl(sv.ep, EPOLL_CTL_DEL, w->sock, NULL);
	msgbuf_clear(&w->mb);
	close(w->sock);
	w->sock = -1;
}

/* worker_send_drain - tell a worker to finish and exit */
void
worker_send_drain(struct worker *w)
{
	struct msg	*m;

	w->state = W_DRAINING;
	w->drain = 0;
	if (w->sock == -1)
		return;
	if ((m = msg_new(MSG_DRAIN, 0, (uint32_t)w->gen->serial)) == NULL ||
	    msg_send(w->sock, m, -1, SV_SEND_MS) == -1) {
		msg_free(m);
		worker_bad(w, "cannot send MSG_DRAIN");
		return;
	}
	msg_free(m);
}

/* worker_dispatch_msg - read what a worker sent (untrusted input) */
void
worker_dispatch_msg(struct worker *w)
{
	struct verdict	 v;
	struct msg	*m;
	const char	*text;
	uint32_t	 code;
	ssize_t		 n;
	int		 r, level;

	if (w->sock == -1)
		return;
	if ((n = msgbuf_read(&w->mb)) == 0 ||
	    (n == -1 && errno != EAGAIN && errno != EINTR)) {
		/* dead or dying: the reap gives the cause */
		worker_closesock(w);
		return;
	}
	for (;;) {
		if ((r = msgbuf_get(&w->mb, &m)) == 0)
			return;
		if (r == -1) {
			worker_bad(w, "sent a broken message");
			return;
		}
		switch (m->hdr.type) {
		case MSG_READY:
			if (w->ready || (w->state != W_STARTING &&
			    w->state != W_DRAINING) || msg_end(m) == -1 ||
			    m->hdr.gen != (uint32_t)w->gen->serial) {
				msg_free(m);
				worker_bad(w, "unexpected MSG_READY");
				return;
			}
			w->ready = 1;
			w->deadline = 0;
			sv.everready = 1;
			if (w->state == W_DRAINING) {
				/* told to drain as it started: exits next */
				log_debug("worker %u pid %ld ready, draining",
				    w->slot, (long)w->pid);
				break;
			}
			w->state = W_IDLE;
			w->since = sv_now();
			log_debug("worker %u pid %ld ready", w->slot,
			    (long)w->pid);
			if (w->gen == sv.gen)
				sv_drain_old();
			break;
		case MSG_VERDICT:
		case MSG_ERROR:
			if (w->job == NULL || m->hdr.id != w->job->id) {
				msg_free(m);
				worker_bad(w, "answer to no job");
				return;
			}
			if (m->hdr.type == MSG_VERDICT) {
				verdict_init(&v);
				if (wire_get_verdict(m, &v) == -1) {
					verdict_free(&v);
					msg_free(m);
					worker_bad(w, "sent a broken verdict");
					return;
				}
				job_done(w->job, &v, NULL);
				verdict_free(&v);
			} else {
				char	 reason[256];

				if (wire_get_error(m, &code, &text) == -1) {
					msg_free(m);
					worker_bad(w, "sent a broken error");
					return;
				}
				snprintf(reason, sizeof(reason), "%s", text);
				job_done(w->job, NULL, reason);
			}
			w->job = NULL;
			worker_done_job(w);
			break;
		case MSG_LOG:
			if (wire_get_log(m, &level, &text) == -1) {
				msg_free(m);
				worker_bad(w, "sent a broken log");
				return;
			}
			/* escaped, at most SV_LOG_RATE a second */
			sv_log_worker(&w->lograte, sv_now(), w->slot,
			    (long)w->pid, level, text);
			break;
		default:
			msg_free(m);
			worker_bad(w, "sent an unexpected message");
			return;
		}
		msg_free(m);
	}
}

/* worker_done_job - a worker answered: idle it, retire or drain it */
static void
worker_done_job(struct worker *w)
{
	w->njobs++;
	w->deadline = 0;
	sv.failures = 0;
	if (w->maxjobs != 0 && w->njobs >= w->maxjobs) {
		/* worker_main() exits by itself after max_jobs (-J) */
		w->state = W_DRAINING;
		sv_fill();
	} else if (w->drain || sv.stopping)
		worker_send_drain(w);
	else
		w->state = W_IDLE;
}

/* worker_reaped - a worker is dead: answer its job, maybe replace it */
static void
worker_reaped(struct worker *w, int st)
{
	char		 cause[64];
	struct sv_gen	*g = w->gen;
	int		 failed, normal, i;

	/*
	 * SIGCHLD may come before the socket is read: the last verdict (a
	 * worker exits right after its max_jobs-th answer) is still there.
	 */
	w->reaped = 1;
	for (i = 0; i < 64 && w->sock != -1; i++)
		worker_dispatch_msg(w);
	if (w->timedout)
		snprintf(cause, sizeof(cause), "terminated; timeout");
	else if (WIFSIGNALED(st))
		snprintf(cause, sizeof(cause), "terminated; signal %d",
		    WTERMSIG(st));
	else if (WIFEXITED(st) && WEXITSTATUS(st) == AV_EX_TIMEOUT)
		snprintf(cause, sizeof(cause), "terminated; timeout");
	else if (WIFEXITED(st) && WEXITSTATUS(st) == AV_EX_NOMEM)
		snprintf(cause, sizeof(cause), "scan error; out of memory");
	else
		snprintf(cause, sizeof(cause), "exited abnormally; status %d",
		    WIFEXITED(st) ? WEXITSTATUS(st) : -1);
	normal = WIFEXITED(st) && WEXITSTATUS(st) == 0 && w->job == NULL;
	failed = !normal && w->job == NULL && w->njobs == 0 &&
	    w->state != W_DRAINING;

	if (w->job != NULL) {
		if (w->timedout)
			sv.ntimeouts++;
		else
			sv.ncrashes++;
		log_warnx("worker %u pid %ld: %s: not scanned (%s)", w->slot,
		    (long)w->pid, sv_vis(w->job->name), cause);
		job_done(w->job, NULL, cause);
		w->job = NULL;
	} else if (!normal)
		log_warnx("worker %u pid %ld %s%s%s", w->slot, (long)w->pid,
		    cause, w->why != NULL ? ": " : "",
		    w->why != NULL ? w->why : "");
	else
		log_debug("worker %u pid %ld exited after %u jobs", w->slot,
		    (long)w->pid, w->njobs);

	if (WIFEXITED(st) && WEXITSTATUS(st) == EX_CONFIG && !sv.everready) {
		log_warnx("workers cannot start (configuration or sandbox: "
		    "is [daemon] user a real user? is %s an empty "
		    "root-owned directory?); stopping", SANDBOX_ROOT);
		sv_stop(EX_CONFIG);
	}
	if (failed) {
		/* only startup failures are throttled (convention 16) */
		int64_t	 d = sv_backoff(++sv.failures);

		sv.respawn_at = sv_now() + d;
		log_warnx("worker startup failure %u: next start in %lld ms",
		    sv.failures, (long long)d);
	}
	sv_log_worker_gone(&w->lograte, w->slot, (long)w->pid);
	worker_closesock(w);
	TAILQ_REMOVE(&sv.workers, w, entry);
	TAILQ_INSERT_TAIL(&sv.deadw, w, entry);
	g->refs--;
	sv_gen_unref(g);
	sv_fill();
}

/* job_dispatch - give queued jobs to idle workers, current ones first */
void
job_dispatch(void)
{
	struct worker	*w, *best;
	struct job	*j;
	struct msg	*m;
	struct wire_job	 wj;

	while ((j = TAILQ_FIRST(&sv.queue)) != NULL) {
		best = NULL;
		TAILQ_FOREACH(w, &sv.workers, entry) {
			if (w->state != W_IDLE || w->drain || w->sock == -1)
				continue;
			if (best == NULL || (w->gen == sv.gen &&
			    best->gen != sv.gen))
				best = w;
		}
		if (best == NULL)
			return;
		w = best;
		memset(&wj, 0, sizeof(wj));
		wj.flags = j->req->nj.on ? j->req->nj.flags :
		    j->req->cmd == CLAMD_EV_ALLMATCHSCAN ? MATCH_ALL : 0;
		wj.reqid = j->id;
		wj.name = j->name;
		if ((m = msg_new(MSG_JOB, j->id, (uint32_t)w->gen->serial)) ==
		    NULL || wire_put_job(m, &wj, j->req->nj.on ?
		    &j->req->nj.lim : &sv.lim) == -1) {
			msg_free(m);
			TAILQ_REMOVE(&sv.queue, j, entry);
			job_done(j, NULL, "out of memory");
			continue;
		}
		if (msg_send(w->sock, m, j->fd, SV_SEND_MS) == -1) {
			msg_free(m);
			worker_bad(w, "cannot send a job");
			continue;	/* the job waits for another */
		}
		msg_free(m);
		TAILQ_REMOVE(&sv.queue, j, entry);
		close(j->fd);
		j->fd = -1;
		w->job = j;
		j->serial = w->gen->serial;
		w->state = W_BUSY;
		log_debug("job %u %s: worker %u pid %ld, its job %u", j->id,
		    sv_vis(j->name), w->slot, (long)w->pid, w->njobs + 1);
		w->deadline = sv_now() + (int64_t)sv.scan_timeout;
	}
}
