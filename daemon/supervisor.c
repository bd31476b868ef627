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
 *	Files: clients and requests are here; the generation (module
 *	descriptors) is in sv_gen.c.
 */
#include <sys/epoll.h>
#include <sys/fsuid.h>
#include <sys/mman.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>

#include <netdb.h>

#include <errno.h>
#include <fcntl.h>
#include <fts.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include <bsd/string.h>
#include <bsd/sys/queue.h>

#include "av/exitcodes.h"
#include "av/limits.h"
#include "av/msgtypes.h"
#include "av/verdict.h"
#include "av/wire.h"
#include "conf/conf.h"
#include "daemon/clamd.h"
#include "daemon/native.h"
#include "daemon/supervisor.h"
#include "daemon/sv_conf.h"
#include "daemon/sv_exec.h"
#include "daemon/sv_gen.h"
#include "daemon/sv_log.h"
#include "signatures/matcher.h"
#include "util/buf.h"
#include "util/log.h"
#include "util/msg.h"
#include "workers/pipeline.h"
#include "workers/sandbox.h"

#define SV_READY_MS	10000		/* a starting worker's silence */
#define SV_NOBODY	65534		/* who a TCP client is */
#define SV_READ_MS	120000		/* a client's silence */
#define SV_STOP_MS	10000		/* shutdown: then SIGKILL */
#define SV_SEND_MS	2000		/* msg_send to a worker */
#define SV_INBUF	65536		/* client input buffer */
#define SV_MAXFDS	4		/* descriptors waiting for FILDES */
#define SV_MAXPENDING	32		/* requests of one client at once */
#define SV_MAXOUT	(4U << 20)	/* unread replies: drop the client */
#define SV_MAXCLIENTS	4096
#define SV_BACKOFF_MS	100		/* first respawn delay, doubled */
#define SV_BACKOFF_MAX	30000

enum sv_kind { K_LISTEN = 1, K_SIGNAL, K_CLIENT, K_WORKER };

/* what a client speaks, told by its first bytes (native_detect) */
enum sv_proto { SV_PROTO_CLAMD = 1, SV_PROTO_NATIVE };

enum wstate {
	W_STARTING,			/* modules sent, waiting for READY */
	W_IDLE,
	W_BUSY,
	W_DRAINING			/* told to finish, or will exit */
};

struct job;
struct req;

struct worker {
	int			 kind;		/* K_WORKER */
	TAILQ_ENTRY(worker)	 entry;
	pid_t			 pid;
	uint32_t		 slot;
	int			 sock;		/* -1 once closed */
	struct msgbuf		 mb;
	enum wstate		 state;
	struct sv_gen		*gen;
	struct job		*job;		/* in flight */
	uint32_t		 njobs;
	int64_t			 deadline;	/* ms, 0: none */
	int			 timedout;
	int			 drain;		/* DRAIN after this job */
	const char		*why;		/* why we killed it */
	int			 reaped;	/* its pid is no longer ours */
	uint32_t		 maxjobs;	/* given at its start */
	struct sv_lograte	 lograte;	/* its MSG_LOG lines */
};

struct client {
	int			 kind;		/* K_CLIENT */
	TAILQ_ENTRY(client)	 entry;
	int			 fd;		/* -1 once gone */
	uint64_t		 id;
	int			 local;		/* unix: may pass descriptors */
	uid_t			 uid;		/* the peer's, for paths */
	gid_t			 gid;
	char			 peer[SV_LOG_PEERMAX];	/* for the logs */
	struct clamd		 cd;
	int			 proto;		/* SV_PROTO_*, 0: not known yet */
	struct native		*nat;		/* native protocol (native.h) */
	uint8_t			 in[SV_INBUF];
	size_t			 inoff, inlen;
	int			 fds[SV_MAXFDS];
	int			 nfds;
	int			 memfd;		/* INSTREAM being spooled */
	int			 streamerr;
	struct buf		 out;
	size_t			 outoff;
	unsigned		 pending;	/* requests not yet answered */
	int			 last;		/* no more commands */
	int			 eof;
	int			 dead;		/* freed after this batch */
	uint32_t		 events;	/* registered with epoll */
	int64_t			 rdeadline;
};

struct req {
	TAILQ_ENTRY(req)	 entry;		/* all requests, for STATS */
	struct client		*cl;
	enum clamd_evtype	 cmd;
	struct clamd_tag	 tag;
	char			*path;		/* as the client named it */
	int			 isdir;
	FTS			*fts;		/* the walk, read as needed */
	unsigned		 inflight, ninfected, nerrors;
	int			 stop;		/* SCAN: first hit ends it */
	int64_t			 started;
	struct native_job	 nj;		/* nj.on: a native SCAN */
};

struct job {
	TAILQ_ENTRY(job)	 entry;		/* the queue */
	uint32_t		 id;
	int			 fd;
	char			*name;		/* in the reply and the logs */
	struct req		*req;
};

TAILQ_HEAD(workerq, worker);
TAILQ_HEAD(clientq, client);
TAILQ_HEAD(jobq, job);
TAILQ_HEAD(reqq, req);

struct sv_fdref {
	int	 kind;
	int	 fd;
};

static struct {
	const char		*cfgpath;
	int			 fg;
	struct conf		*conf;		/* current: replaced on SIGHUP */
	struct conf_view	 v;		/* its [daemon] view */
	struct conf		*conf0;		/* at start: restart-only keys */
	const char		*basedir;
	const char		*sockpath;
	const char		*pidfile;
	unsigned		 nworkers;
	uint64_t		 scan_timeout;	/* ms */
	uint64_t		 maxstream;
	uint32_t		 maxjobs;
	uint64_t		 checkms;	/* reload_check_interval */
	struct scan_limits	 lim;

	int			 ep;
	struct sv_fdref		 sig;
	struct sv_fdref		 lsn[2];
	int			 nlsn;
	int			 unixsock_made;

	struct sv_gen		*gen;		/* current */
	struct workerq		 workers;
	struct clientq		 clients;
	struct jobq		 queue;
	struct reqq		 reqs;
	struct workerq		 deadw;		/* freed after each batch */
	struct clientq		 deadc;
	unsigned		 nclients;
	uint32_t		 nextslot;
	uint32_t		 nextjob;
	uint64_t		 nextclient;

	int			 everready;
	unsigned		 failures;	/* startup failures in a row */
	int64_t			 respawn_at;
	int			 reload;	/* requested */
	int64_t			 nextcheck;
	int			 stopping;
	int			 exitcode;
	int64_t			 stopdeadline;

	uint64_t		 njobs, ninfected, ncrashes, ntimeouts;
	uid_t			 euid;		/* at start */
	int64_t			 t0;		/* sv_now() at start */
} sv;

static int64_t	 sv_now(void);
static void	 sv_config(void);
static int	 sv_config_live(void);
static void	 sv_reconfig(void);
static void	 sv_open_unix(void);
static void	 sv_open_tcp(void);
static void	 sv_listen_add(int);
static void	 sv_daemonize(void);
static void	 sv_signals(void);
static void	 sv_emptydir(void);
static void	 sv_loop(void);
static void	 sv_bury(void);
static int	 sv_timers(void);
static void	 sv_dispatch_signal(void);
static void	 sv_reap(void);
static void	 sv_reload(void);
static void	 sv_stop(int);
static void	 sv_fill(void);
static void	 sv_drain_old(void);
static void	 sv_gen_unref(struct sv_gen *);
static const char *sv_vis(const char *);

static void	 worker_spawn(void);
static void	 worker_dispatch_msg(struct worker *);
static void	 worker_bad(struct worker *, const char *);
static void	 worker_closesock(struct worker *);
static void	 worker_reaped(struct worker *, int);
static void	 worker_send_drain(struct worker *);
static void	 worker_done_job(struct worker *);

static void	 client_accept(int);
static void	 client_read(struct client *);
static void	 client_feed(struct client *);
static void	 client_event(struct client *, struct clamd_ev *);
static void	 client_flush(struct client *);
static void	 client_events(struct client *);
static void	 client_gone(struct client *);
static void	 client_maybe_free(struct client *);
static void	 client_stats(struct client *, const struct clamd_tag *);
static int	 client_proto(struct client *, int);
static void	 req_notscanned(struct req *, const char *, const char *);

/* what the native protocol borrows (native.h), at the end of the file */
static int	 sv_native_scan(void *, int, const char *,
		    const struct native_job *);
static int	 sv_native_takefd(void *);
static void	 sv_native_info(struct native_info *);
static int	 sv_native_reload(uint64_t *, uint64_t *);
static void	 sv_native_shutdown(void *);
static const struct conf *sv_native_conf(void);
static const struct native_host sv_native;

static struct req *req_new(struct client *, enum clamd_evtype,
		    const struct clamd_tag *, const char *);
static void	 req_path(struct client *, struct clamd_ev *);
static void	 req_advance(struct req *);
static void	 req_free(struct req *);
static int	 req_walk(struct req *);
static char	*req_nextfile(struct req *);
static void	 sv_peer(struct client *);
static void	 sv_as(const struct client *, int);
static void	 job_new(struct req *, int, const char *);
static void	 job_done(struct job *, struct verdict *, const char *);
static void	 job_dispatch(void);

/* sv_now - monotonic milliseconds */
static int64_t
sv_now(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* sv_vis - a string for a log line, control bytes as '?' (static buffer) */
static const char *
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
		sv_daemonize();
	sv_signals();

	log_notice("vigild %s started: generation %llu (%u modules), "
	    "%u workers", VIGIL_VERSION, (unsigned long long)g->serial,
	    g->nfds, sv.nworkers);
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

	rc = sv_conf_log(&sv.v, sv.fg);
	sv_exec_setup(conf_get_str(&sv.v, CONF_K_EXEC_SCRIPT));
	sv.scan_timeout = conf_get_duration(&sv.v, CONF_K_SCAN_TIMEOUT);
	sv.maxstream = conf_get_size(&sv.v, CONF_K_MAX_STREAM_SIZE);
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

/* sv_daemonize - fork, setsid, chdir /, stdio to /dev/null, pid file */
static void
sv_daemonize(void)
{
	FILE	*fp;
	int	 fd;

	switch (fork()) {
	case -1:
		fatal("%s: fork", __func__);
	case 0:
		break;
	default:
		/* the parent: the socket belongs to the child now */
		_exit(0);
	}
	if (setsid() == -1)
		fatal("%s: setsid", __func__);
	if (chdir("/") == -1)
		fatal("%s: chdir(/)", __func__);
	if ((fd = open("/dev/null", O_RDWR)) != -1) {
		dup2(fd, 0);
		dup2(fd, 1);
		dup2(fd, 2);
		if (fd > 2)
			close(fd);
	}
	if (sv.pidfile[0] != '\0') {
		if ((fp = fopen(sv.pidfile, "we")) == NULL)
			fatal("%s: fopen(%s) failed", __func__, sv.pidfile);
		fprintf(fp, "%ld\n", (long)getpid());
		if (fclose(fp) == EOF)
			fatal("%s: write(%s) failed", __func__, sv.pidfile);
	}
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

/* sv_loop - the event loop, until stopped and every worker is gone */
static void
sv_loop(void)
{
	struct epoll_event	 evs[64];
	int			 n, i, timeout, kind;

	for (;;) {
		timeout = sv_timers();
		if (sv.stopping && TAILQ_EMPTY(&sv.workers))
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

/* sv_reap - collect every dead child */
static void
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
		else
			(void)sv_exec_reaped(pid, st);
	}
}

/* sv_reload - switch to a new generation, or keep the old one */
static void
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
static void
sv_gen_unref(struct sv_gen *g)
{
	if (g == sv.gen || g->refs != 0)
		return;
	sv_gen_close(g);
	free(g);
}

/* sv_stop - stop accepting, drain the workers, then exit with code */
static void
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
	TAILQ_FOREACH(w, &sv.workers, entry) {
		if (w->state == W_BUSY)
			w->drain = 1;
		else
			worker_send_drain(w);
	}
}

/* sv_fill - start workers until the current generation has enough */
static void
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
static void
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
		/* the child: socket on 3, nothing else but stdio */
		sigemptyset(&set);
		sigprocmask(SIG_SETMASK, &set, NULL);
		signal(SIGPIPE, SIG_DFL);
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
static void
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
static void
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
			if (w->state != W_STARTING || msg_end(m) == -1 ||
			    m->hdr.gen != (uint32_t)w->gen->serial) {
				msg_free(m);
				worker_bad(w, "unexpected MSG_READY");
				return;
			}
			w->state = W_IDLE;
			w->deadline = 0;
			sv.everready = 1;
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
		int64_t	 d = SV_BACKOFF_MS;
		unsigned k;

		sv.failures++;
		for (k = 1; k < sv.failures && d < SV_BACKOFF_MAX; k++)
			d *= 2;
		if (d > SV_BACKOFF_MAX)
			d = SV_BACKOFF_MAX;
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

/* client_accept - take every pending connection */
static void
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
static void
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
static void
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

/* client_stats - the STATS block */
static void
client_stats(struct client *cl, const struct clamd_tag *tag)
{
	struct clamd_stats	 st;
	struct clamd_task	 tasks[64];
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
	TAILQ_FOREACH(r, &sv.reqs, entry) {
		if (n == sizeof(tasks) / sizeof(tasks[0]))
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
static void
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
static void
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
static void
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

/* req_new - a request of cl, answered with tag */
static struct req *
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
static void
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
	}
	sv_log_peer(cl->peer, sizeof(cl->peer), cl->fd, cl->local);
}

/*
 * sv_as - open paths with the client's file-system identity (on), or the
 * daemon's again (off), so that a client can scan only what it can read
 * itself; supplementary groups are not applied.  Nothing to do when the
 * daemon is not root, or the client is.
 */
static void
sv_as(const struct client *cl, int on)
{
	if (sv.euid != 0 || cl->uid == 0)
		return;
	if (on) {
		(void)setfsgid(cl->gid);
		(void)setfsuid(cl->uid);
	} else {
		(void)setfsuid(0);
		(void)setfsgid(0);
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
static void
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
static void
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
static void
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
static void
job_done(struct job *j, struct verdict *v, const char *reason)
{
	struct req	*r = j->req;
	struct client	*cl = r->cl;
	struct sv_detection d;
	int		 quiet = r->isdir && r->cmd != CLAMD_EV_ALLMATCHSCAN;

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
		d.serial = sv.gen->serial;
		d.time = time(NULL);
		sv_log_detection(&d);
		(void)sv_exec_run(&d, sv_now());
		if (r->cmd == CLAMD_EV_SCAN)
			r->stop = 1;
	} else if (v == NULL || v->status == AV_NOTSCANNED)
		r->nerrors++;
	if (cl->fd != -1 && r->nj.on)	/* native: the whole tree */
		native_reply_verdict(&cl->out, r->nj.id, j->name, v, reason);
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

/* job_dispatch - give queued jobs to idle workers, current ones first */
static void
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
		w->state = W_BUSY;
		log_debug("job %u %s: worker %u pid %ld, its job %u", j->id,
		    sv_vis(j->name), w->slot, (long)w->pid, w->njobs + 1);
		w->deadline = sv_now() + (int64_t)sv.scan_timeout;
	}
}

/* req_notscanned - a job not scanned, answered in the client's protocol */
static void
req_notscanned(struct req *r, const char *name, const char *reason)
{
	if (r->cl->fd == -1)
		return;
	if (r->nj.on)
		native_reply_verdict(&r->cl->out, r->nj.id, name, NULL,
		    reason);
	else
		clamd_reply_notscanned(&r->cl->out, &r->tag, name, reason);
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
