/*
 * supervisor.c - vigild's supervisor: one epoll loop over clients and workers
 *
 * DESCRIPTION
 *	The supervisor owns every client connection and every deadline.  A
 *	client request becomes one or more jobs (a descriptor and a name);
 *	jobs wait in one queue for an idle worker; each worker holds at most
 *	one job.  A worker's answer, its death, or its deadline ends the
 *	job, and every job ends in exactly one reply line (or, inside a
 *	directory scan, in the directory's count).  Nothing a client or a
 *	worker sends can stop the loop: a bad client is dropped, a bad
 *	worker is killed and its job answered "not scanned".
 *
 *	The loop never blocks on a client's file system: the paths of SCAN
 *	and its variants are opened and walked by the opener, a child
 *	forked at start (daemon/opener.c), over a SOCK_SEQPACKET socket
 *	that is one more kind of event here (K_OPENER).  Its answers
 *	resume the requests; its deadline, its death or a broken answer
 *	fail the requests it held, and it is replaced.
 *
 *	Files: supervisor_main(), the configuration, the sockets, the
 *	event loop, signals and reload are here; workers in sv_worker.c,
 *	the opener's supervisor side in sv_opener.c, clients (and the
 *	native protocol's host) in sv_client.c, requests and jobs in
 *	sv_req.c, their shared state in sv_priv.h; the generation (module
 *	descriptors) is in sv_gen.c.
 */
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <netdb.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <bsd/string.h>
#include <bsd/sys/queue.h>

#include "av/exitcodes.h"
#include "av/limits.h"
#include "av/msgtypes.h"
#include "conf/conf.h"
#include "conf/conflog.h"
#include "daemon/clamd.h"
#include "daemon/native.h"
#include "daemon/supervisor.h"
#include "daemon/sv_conf.h"
#include "daemon/sv_exec.h"
#include "daemon/sv_gen.h"
#include "daemon/sv_priv.h"
#include "util/detach.h"
#include "util/log.h"
#include "workers/pipeline.h"
#include "workers/sandbox.h"

struct sv_state	 sv;

static void	 sv_config(void);
static int	 sv_config_live(void);
static void	 sv_reconfig(void);
static void	 sv_open_unix(void);
static void	 sv_open_tcp(void);
static void	 sv_listen_add(int);
static void	 sv_signals(void);
static void	 sv_emptydir(void);
static void	 sv_loop(void);
static void	 sv_bury(void);
static int	 sv_timers(void);
static void	 sv_dispatch_signal(void);

/* sv_now - monotonic milliseconds */
int64_t
sv_now(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * sv_backoff - the delay (ms) before the next start after that many
 * startup failures in a row: SV_BACKOFF_MS, doubled for each failure
 * after the first, at most SV_BACKOFF_MAX (convention 16)
 */
int64_t
sv_backoff(unsigned failures)
{
	int64_t		 d = SV_BACKOFF_MS;
	unsigned	 k;

	for (k = 1; k < failures && d < SV_BACKOFF_MAX; k++)
		d *= 2;
	return d > SV_BACKOFF_MAX ? SV_BACKOFF_MAX : d;
}

/* sv_vis - a string for a log line, control bytes as '?' (static buffer) */
const char *
sv_vis(const char *s)
{
	static char	 b[1024];
	size_t		 i;

	for (i = 0; s[i] != '\0' && i < sizeof(b) - 1; i++)
		b[i] = (unsigned char)s[i] < 0x20 || s[i] == 0x7f ? '?' : s[i];
	b[i] = '\0';
	return b;
}

/* supervisor_main - vigild's supervisor; returns the exit status */
int
supervisor_main(const char *config, int foreground)
{
	struct sv_gen	*g;
	unsigned	 i;

	memset(&sv, 0, sizeof(sv));
	sv.cfgpath = config;
	sv.fg = foreground;
	sv.ep = -1;
	sv.euid = geteuid();
	sv.t0 = sv_now();
	TAILQ_INIT(&sv.workers);
	TAILQ_INIT(&sv.clients);
	TAILQ_INIT(&sv.queue);
	TAILQ_INIT(&sv.reqs);
	TAILQ_INIT(&sv.deadw);
	TAILQ_INIT(&sv.deadc);
	log_procinit("vigild");
	sv_config();
	opener_init();

	if ((g = calloc(1, sizeof(*g))) == NULL)
		fatal("%s: calloc", __func__);
	if (sv_gen_open(g, sv.basedir) == -1) {
		log_warnx("%s: no usable signature database: %s", __func__,
		    g->err);
		return EX_CONFIG;
	}
	sv.gen = g;
	if (geteuid() == 0)
		sv_emptydir();

	if ((sv.ep = epoll_create1(EPOLL_CLOEXEC)) == -1)
		fatal("%s: epoll_create1", __func__);
	sv_open_unix();
	sv_open_tcp();
	if (!sv.fg)
		detach(sv.pidfile);
	sv_signals();

	log_notice("vigild %s started: generation %llu (%u modules), "
	    "%u workers", VIGIL_VERSION, (unsigned long long)g->serial,
	    g->nfds, sv.nworkers);
	/* after detach(): a child of the daemon, with its privileges */
	opener_spawn();
	for (i = 0; i < sv.nworkers; i++)
		worker_spawn();
	if (sv.checkms != 0)
		sv.nextcheck = sv_now() + (int64_t)sv.checkms;
	sv_loop();

	for (i = 0; i < (unsigned)sv.nlsn; i++)
		close(sv.lsn[i].fd);
	if (sv.unixsock_made)
		unlink(sv.sockpath);
	if (!sv.fg && sv.pidfile[0] != '\0')
		unlink(sv.pidfile);
	log_notice("vigild stopped");
	return sv.exitcode;
}

/* sv_config - load the configuration; exits EX_CONFIG on errors */
static void
sv_config(void)
{
	if ((sv.conf = sv_conf_load(sv.cfgpath)) == NULL)
		exit(EX_CONFIG);
	sv.conf0 = sv.conf;
	conf_view(sv.conf, &sv.v, CONF_SEC_DAEMON, NULL, NULL);
	/* read at start only (sv_conf_changes() says so on SIGHUP) */
	sv.basedir = conf_get_str(&sv.v, CONF_K_BASE_DIR);
	sv.sockpath = conf_get_str(&sv.v, CONF_K_SOCKET);
	sv.pidfile = conf_get_str(&sv.v, CONF_K_PID_FILE);
	sv.nworkers = (unsigned)conf_get_int(&sv.v, CONF_K_NUM_WORKERS);
	if (sv.nworkers == 0)
		sv.nworkers = 1;
	/* a log_file that cannot be opened at start is an error */
	if (sv_config_live() == -1)
		exit(EX_CONFIG);
}

/*
 * sv_config_live - the keys that take effect again on each SIGHUP;
 * -1 when log_file cannot be opened (logged; the rest is applied)
 */
static int
sv_config_live(void)
{
	int	 rc;

	rc = conf_log(&sv.v, sv.fg);
	sv_exec_setup(conf_get_str(&sv.v, CONF_K_EXEC_SCRIPT));
	sv.scan_timeout = conf_get_duration(&sv.v, CONF_K_SCAN_TIMEOUT);
	sv.maxstream = conf_get_size(&sv.v, CONF_K_MAX_STREAM_SIZE);
	sv.scan_cache = conf_get_bool(&sv.v, CONF_K_SCAN_CACHE);
	sv.maxjobs = (uint32_t)conf_get_int(&sv.v,
	    CONF_K_MAX_JOBS_PER_WORKER);
	sv.checkms = conf_get_duration(&sv.v, CONF_K_RELOAD_CHECK_INTERVAL);
	if (sv.scan_timeout == 0)
		sv.scan_timeout = 120000;

	scan_limits_default(&sv.lim);
	sv.lim.max_depth = (uint32_t)conf_get_int(&sv.v,
	    CONF_K_MAX_RECURSION);
	sv.lim.max_files = (uint32_t)conf_get_int(&sv.v, CONF_K_MAX_FILES);
	sv.lim.max_filesize = conf_get_size(&sv.v, CONF_K_MAX_FILESIZE);
	sv.lim.max_scansize = conf_get_size(&sv.v, CONF_K_MAX_SCANSIZE);
	sv.lim.max_ratio = (uint32_t)conf_get_int(&sv.v, CONF_K_MAX_RATIO);
	sv.lim.max_time = (uint32_t)conf_get_duration(&sv.v,
	    CONF_K_MAX_SCANTIME);
	sv.lim.heuristics = conf_get_bool(&sv.v, CONF_K_HEURISTIC_ALERTS);
	return rc;
}

/*
 * sv_reconfig - SIGHUP: read the file again beside the current one; adopt
 * it only without errors (each is logged), else keep the old one.  The
 * log file is opened again in both cases (logrotate).
 */
static void
sv_reconfig(void)
{
	struct conf		*c, *old = sv.conf;
	struct conf_view	 ov = sv.v;

	/* first, so that the file's errors go to the new log file */
	if (log_reopen() == -1)
		log_warn("log_file: reopen failed");
	if ((c = sv_conf_load(sv.cfgpath)) == NULL) {
		log_warnx("reconfigure: %s has errors; keeping the running "
		    "configuration", sv.cfgpath != NULL ? sv.cfgpath :
		    "(none)");
		return;
	}
	sv.conf = c;
	conf_view(sv.conf, &sv.v, CONF_SEC_DAEMON, NULL, NULL);
	(void)sv_config_live();
	(void)sv_conf_changes(&ov, &sv.v);
	log_notice("reconfigure: %s loaded", sv.cfgpath != NULL ?
	    sv.cfgpath : "(defaults)");
	if (sv.checkms != 0)
		sv.nextcheck = sv_now() + (int64_t)sv.checkms;
	/* the first one holds the restart-only strings */
	if (old != sv.conf0)
		conf_free(old);
}

/* sv_emptydir - the workers' chroot must exist: root-owned, 0755, empty */
static void
sv_emptydir(void)
{
	struct stat	 sb;

	if (mkdir(SANDBOX_ROOT, 0755) == -1 && errno != EEXIST)
		fatal("%s: mkdir(%s) failed", __func__, SANDBOX_ROOT);
	if (stat(SANDBOX_ROOT, &sb) == -1)
		fatal("%s: stat(%s) failed", __func__, SANDBOX_ROOT);
	if (!S_ISDIR(sb.st_mode) || sb.st_uid != 0 ||
	    (sb.st_mode & 022) != 0)
		log_warnx("%s: %s must be a directory owned by root and "
		    "writable by nobody else", __func__, SANDBOX_ROOT);
}

/* sv_open_unix - the clients' unix socket, mode 0666 */
static void
sv_open_unix(void)
{
	struct sockaddr_un	 sun;
	char			 dir[PATH_MAX], *p;
	int			 fd, c;

	if (sv.sockpath[0] == '\0')
		return;
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (strlcpy(sun.sun_path, sv.sockpath, sizeof(sun.sun_path)) >=
	    sizeof(sun.sun_path))
		fatalx("%s: socket path too long: %s", __func__, sv.sockpath);
	/* the socket's directory (/run/vigil) may be on a tmpfs */
	strlcpy(dir, sv.sockpath, sizeof(dir));
	if ((p = strrchr(dir, '/')) != NULL && p != dir) {
		*p = '\0';
		if (mkdir(dir, 0755) == -1 && errno != EEXIST)
			log_warn("%s: mkdir(%s) failed", __func__, dir);
	}
	/* a live vigild answers; a stale socket file is removed */
	if ((c = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) != -1) {
		if (connect(c, (struct sockaddr *)&sun, sizeof(sun)) == 0) {
			close(c);
			fatalx("%s: %s: another vigild is listening",
			    __func__, sv.sockpath);
		}
		close(c);
	}
	unlink(sv.sockpath);
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC |
	    SOCK_NONBLOCK, 0)) == -1)
		fatal("%s: socket", __func__);
	if (bind(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1)
		fatal("%s: bind(%s) failed", __func__, sv.sockpath);
	sv.unixsock_made = 1;
	/* like clamd's LocalSocketMode 666 on Debian: any local user */
	if (chmod(sv.sockpath, 0666) == -1)
		fatal("%s: chmod(%s) failed", __func__, sv.sockpath);
	if (listen(fd, 128) == -1)
		fatal("%s: listen(%s) failed", __func__, sv.sockpath);
	sv_listen_add(fd);
}

/* sv_open_tcp - the optional TCP listener ([daemon] listen) */
static void
sv_open_tcp(void)
{
	struct addrinfo	 hints, *res = NULL;
	const char	*a = conf_get_str(&sv.v, CONF_K_LISTEN);
	char		 host[256], *port;
	int		 fd, on = 1, r;

	if (a[0] == '\0' || strcasecmp(a, "off") == 0)
		return;
	if (strlcpy(host, a[0] == '[' ? a + 1 : a, sizeof(host)) >=
	    sizeof(host) || (port = strrchr(host, ':')) == NULL)
		fatalx("%s: bad listen address %s", __func__, a);
	*port++ = '\0';
	if (a[0] == '[' && port - host >= 2 && port[-2] == ']')
		port[-2] = '\0';
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
	if ((r = getaddrinfo(host, port, &hints, &res)) != 0)
		fatalx("%s: %s: %s", __func__, a, gai_strerror(r));
	if ((fd = socket(res->ai_family, res->ai_socktype | SOCK_CLOEXEC |
	    SOCK_NONBLOCK, 0)) == -1)
		fatal("%s: socket", __func__);
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
	if (bind(fd, res->ai_addr, res->ai_addrlen) == -1)
		fatal("%s: bind(%s) failed", __func__, a);
	freeaddrinfo(res);
	if (listen(fd, 128) == -1)
		fatal("%s: listen(%s) failed", __func__, a);
	sv_listen_add(fd);
}

/* sv_listen_add - watch a listening socket */
static void
sv_listen_add(int fd)
{
	struct epoll_event	 ev;
	struct sv_fdref		*r = &sv.lsn[sv.nlsn++];

	r->kind = K_LISTEN;
	r->fd = fd;
	memset(&ev, 0, sizeof(ev));
	ev.events = EPOLLIN;
	ev.data.ptr = r;
	if (epoll_ctl(sv.ep, EPOLL_CTL_ADD, fd, &ev) == -1)
		fatal("%s: epoll_ctl", __func__);
}

/* sv_signals - signals become events on a signalfd */
static void
sv_signals(void)
{
	struct epoll_event	 ev;
	sigset_t		 set;

	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGUSR2);
	if (sigprocmask(SIG_BLOCK, &set, NULL) == -1)
		fatal("%s: sigprocmask", __func__);
	if ((sv.sig.fd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC)) ==
	    -1)
		fatal("%s: signalfd", __func__);
	sv.sig.kind = K_SIGNAL;
	memset(&ev, 0, sizeof(ev));
	ev.events = EPOLLIN;
	ev.data.ptr = &sv.sig;
	if (epoll_ctl(sv.ep, EPOLL_CTL_ADD, sv.sig.fd, &ev) == -1)
		fatal("%s: epoll_ctl", __func__);
}

/*
 * sv_loop - the event loop, until stopped and every worker, script and
 * opener is gone
 */
static void
sv_loop(void)
{
	struct epoll_event	 evs[64];
	int			 n, i, timeout, kind;

	for (;;) {
		timeout = sv_timers();
		if (sv.stopping && TAILQ_EMPTY(&sv.workers) &&
		    sv_exec_running() == 0 && !opener_running())
			break;
		if ((n = epoll_wait(sv.ep, evs, 64, timeout)) == -1) {
			if (errno == EINTR)
				continue;
			fatal("%s: epoll_wait", __func__);
		}
		for (i = 0; i < n; i++) {
			kind = *(int *)evs[i].data.ptr;
			switch (kind) {
			case K_LISTEN:
				client_accept(((struct sv_fdref *)
				    evs[i].data.ptr)->fd);
				break;
			case K_SIGNAL:
				sv_dispatch_signal();
				break;
			case K_WORKER:
				worker_dispatch_msg(evs[i].data.ptr);
				break;
			case K_OPENER:
				opener_dispatch(evs[i].events);
				break;
			case K_CLIENT: {
				struct client	*cl = evs[i].data.ptr;

				/* a client dropped earlier in this batch */
				if (cl->dead || cl->fd == -1)
					break;
				if (evs[i].events & EPOLLOUT)
					client_flush(cl);
				if (cl->fd != -1 && (evs[i].events &
				    (EPOLLIN | EPOLLHUP | EPOLLERR)))
					client_read(cl);
				/* hung up while we do not read: gone */
				if (cl->fd != -1 && (evs[i].events &
				    (EPOLLHUP | EPOLLERR)) && !(cl->events &
				    EPOLLIN))
					client_gone(cl);
				client_maybe_free(cl);
				break;
			}
			default:
				AV_ASSERT(0);
			}
		}
		if (sv.reload) {
			sv.reload = 0;
			sv_reload();
		}
		job_dispatch();
		sv_bury();
	}
	/* last replies, best effort */
	while (!TAILQ_EMPTY(&sv.clients)) {
		struct client	*cl = TAILQ_FIRST(&sv.clients);

		if (cl->fd != -1 && cl->out.len > cl->outoff)
			(void)send(cl->fd, cl->out.data + cl->outoff,
			    cl->out.len - cl->outoff, MSG_NOSIGNAL);
		client_gone(cl);
		if (cl->pending != 0) {
			/* requests left without a worker: drop them */
			struct req	*r, *rt;

			TAILQ_FOREACH_SAFE(r, &sv.reqs, entry, rt)
				if (r->cl == cl)
					req_free(r);
		}
		client_maybe_free(cl);
	}
	sv_bury();
}

/* sv_bury - free the workers and clients dropped during the batch */
static void
sv_bury(void)
{
	struct worker	*w;
	struct client	*cl;

	while ((w = TAILQ_FIRST(&sv.deadw)) != NULL) {
		TAILQ_REMOVE(&sv.deadw, w, entry);
		free(w);
	}
	while ((cl = TAILQ_FIRST(&sv.deadc)) != NULL) {
		TAILQ_REMOVE(&sv.deadc, cl, entry);
		native_free(cl->nat);
		free(cl->groups);
		free(cl);
	}
}

/* sv_timers - expire deadlines; returns the epoll timeout (ms) */
static int
sv_timers(void)
{
	struct worker	*w;
	struct client	*cl, *ct;
	struct clamd_ev	 ev;
	int64_t		 now = sv_now(), next = now + 60000;

	TAILQ_FOREACH(w, &sv.workers, entry) {
		if (w->deadline != 0 && now >= w->deadline) {
			w->deadline = 0;
			if (w->state == W_STARTING) {
				log_warnx("worker %u pid %ld: no READY within "
				    "%d s, killed", w->slot, (long)w->pid,
				    SV_READY_MS / 1000);
				w->why = "startup timeout";
			} else if (w->job != NULL) {
				log_warnx("worker %u pid %ld: %s: scan_timeout,"
				    " killed", w->slot, (long)w->pid,
				    sv_vis(w->job->name));
				w->timedout = 1;
			}
			kill(w->pid, SIGKILL);
		}
		if (w->deadline != 0 && w->deadline < next)
			next = w->deadline;
	}
	TAILQ_FOREACH_SAFE(cl, &sv.clients, entry, ct) {
		if (cl->fd == -1 || cl->rdeadline == 0)
			continue;
		if (now >= cl->rdeadline) {
			cl->rdeadline = 0;
			if (cl->nat == NULL &&
			    clamd_timeout(&cl->cd, &ev) == 1 &&
			    ev.msg != NULL && ev.type == CLAMD_EV_ERROR)
				clamd_reply(&cl->out, &ev.tag, NULL, ev.msg);
			cl->last = 1;
			client_flush(cl);
			if (cl->fd != -1)
				client_maybe_free(cl);
			continue;
		}
		if (cl->rdeadline < next)
			next = cl->rdeadline;
	}
	if (sv.stopping) {
		if (now >= sv.stopdeadline) {
			TAILQ_FOREACH(w, &sv.workers, entry)
				kill(w->pid, SIGKILL);
			sv.stopdeadline = now + 1000;
		}
		if (sv.stopdeadline < next)
			next = sv.stopdeadline;
	} else {
		if (sv.checkms != 0 && now >= sv.nextcheck) {
			sv.nextcheck = now + (int64_t)sv.checkms;
			if (sv_gen_changed(sv.gen, sv.basedir) == 1)
				sv_reload();
		}
		if (sv.checkms != 0 && sv.nextcheck < next)
			next = sv.nextcheck;
		sv_fill();
		if (sv.respawn_at > now && sv.respawn_at < next)
			next = sv.respawn_at;
	}
	{
		/* exec_script children past their deadline */
		int64_t	 t = sv_exec_timers(now);

		if (t != 0 && t < next)
			next = t;
		/* the opener's deadline and respawn */
		if ((t = opener_timers(now)) != 0 && t < next)
			next = t;
	}
	return next <= now ? 0 : (int)(next - now);
}

/* sv_dispatch_signal - act on the signals read from the signalfd */
static void
sv_dispatch_signal(void)
{
	struct signalfd_siginfo	 si;

	while (read(sv.sig.fd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
		switch (si.ssi_signo) {
		case SIGCHLD:
			sv_reap();
			break;
		case SIGTERM:
		case SIGINT:
			log_notice("signal %u: shutting down", si.ssi_signo);
			sv_stop(0);
			break;
		case SIGHUP:
			/* the file again, the log reopened, then as USR2 */
			if (!sv.stopping)
				sv_reconfig();
			/* FALLTHROUGH */
		case SIGUSR2:
			sv.reload = 1;
			break;
		}
	}
	/* a SIGCHLD merged into one read: reap anyway */
	sv_reap();
}

/* sv_reload - switch to a new generation, or keep the old one */
void
sv_reload(void)
{
	struct sv_gen	*g, *old = sv.gen;

	if (sv.stopping)
		return;
	if ((g = calloc(1, sizeof(*g))) == NULL) {
		log_warn("%s: calloc", __func__);
		return;
	}
	if (sv_gen_open(g, sv.basedir) == -1) {
		log_warnx("reload: %s; keeping generation %llu", g->err,
		    (unsigned long long)old->serial);
		free(g);
		return;
	}
	if (strcmp(g->name, old->name) == 0 && g->serial == old->serial) {
		log_info("reload: generation %llu unchanged",
		    (unsigned long long)g->serial);
		sv_gen_close(g);
		free(g);
		return;
	}
	log_notice("reload: generation %llu -> %llu (%u modules)",
	    (unsigned long long)old->serial, (unsigned long long)g->serial,
	    g->nfds);
	sv.gen = g;
	sv.failures = 0;
	sv.respawn_at = 0;
	sv_fill();
	sv_gen_unref(old);
}

/* sv_gen_unref - free a generation that is no longer current nor used */
void
sv_gen_unref(struct sv_gen *g)
{
	if (g == sv.gen || g->refs != 0)
		return;
	sv_gen_close(g);
	free(g);
}

/* sv_stop - stop accepting, drain the workers, then exit with code */
void
sv_stop(int code)
{
	struct worker	*w;
	struct job	*j;
	int		 i;

	if (sv.stopping)
		return;
	sv.stopping = 1;
	sv.exitcode = code;
	sv.stopdeadline = sv_now() + SV_STOP_MS;
	sv_exec_shorten(sv.stopdeadline);
	for (i = 0; i < sv.nlsn; i++) {
		epoll_ctl(sv.ep, EPOLL_CTL_DEL, sv.lsn[i].fd, NULL);
		close(sv.lsn[i].fd);
	}
	sv.nlsn = 0;
	if (sv.unixsock_made) {
		unlink(sv.sockpath);
		sv.unixsock_made = 0;
	}
	while ((j = TAILQ_FIRST(&sv.queue)) != NULL) {
		TAILQ_REMOVE(&sv.queue, j, entry);
		job_done(j, NULL, "shutting down");
	}
	opener_stop();
	TAILQ_FOREACH(w, &sv.workers, entry) {
		if (w->state == W_BUSY)
			w->drain = 1;
		else if (w->state != W_DRAINING)
			worker_send_drain(w);
		/* draining: told already, or retiring after max_jobs */
	}
}
