/*
 * sv_priv.h - vigild's supervisor: state shared by its files (private)
 *
 * SYNOPSIS
 *	#include "daemon/sv_priv.h"
 * DESCRIPTION
 *	Private to daemon/supervisor.c and daemon/sv_worker.c,
 *	daemon/sv_opener.c, daemon/sv_client.c, daemon/sv_req.c; nothing
 *	else includes it (the supervisor's API is daemon/supervisor.h).  It
 *	holds the supervisor's state (sv, defined in supervisor.c), the
 *	structures of a worker, a client, a request, a job and the opener
 *	(the child that opens clients' paths, daemon/opener.h, with its
 *	queued and sent requests), and the functions that one of these
 *	files calls in another.  They behave as described above each
 *	definition; everything else stays static in its file.
 * ERRORS
 *	as each function's comment says; fatal() only where noted there.
 * PROCESS
 *	vigild's supervisor process, single-threaded: every function runs
 *	from the epoll loop (or before it starts, in supervisor_main()).
 *	None of them touches a client's path: the opener does.
 */
#ifndef VIGIL_SV_PRIV_H
#define VIGIL_SV_PRIV_H

#include <sys/types.h>

#include <stdint.h>

#include <bsd/sys/queue.h>

#include "av/limits.h"
#include "av/verdict.h"
#include "conf/conf.h"
#include "daemon/clamd.h"
#include "daemon/native.h"
#include "daemon/opener.h"
#include "daemon/sv_gen.h"
#include "daemon/sv_log.h"
#include "util/buf.h"
#include "util/msg.h"

#define SV_READY_MS	10000		/* a starting worker's silence */
#define SV_NOBODY	65534		/* who a TCP client is */
#define SV_READ_MS	120000		/* a client's silence */
#define SV_STOP_MS	10000		/* shutdown: then SIGKILL */
#define SV_SEND_MS	2000		/* msg_send to a worker */
#define SV_INBUF	65536		/* client input buffer */
#define SV_MAXFDS	4		/* descriptors waiting for FILDES */
#define SV_MAXPENDING	32		/* requests of one client at once */
#define SV_PREFETCH	64		/* files of a walk opened ahead, */
#define SV_AHEAD	16		/* at least this many beyond those
					   scanning */
#define SV_MAXOUT	(4U << 20)	/* unread replies: drop the client */
#define SV_MAXCLIENTS	4096
#define SV_BACKOFF_MS	100		/* first respawn delay, doubled */
#define SV_BACKOFF_MAX	30000
#define SV_OPENER_MS	30000		/* the opener's time for a request */
#define SV_OPENER_ENV	"VIGILD_OPENER_TIMEOUT"	/* seconds: vigild.8 */
#define SV_OPENER_MAXSENT 64		/* requests in its socket at once */
#define SV_OPENER_NDYING 4		/* killed openers awaiting waitpid */

enum sv_kind { K_LISTEN = 1, K_SIGNAL, K_CLIENT, K_WORKER, K_OPENER };

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
	int			 ready;		/* sent MSG_READY */
	struct sv_gen		*gen;
	struct job		*job;		/* in flight */
	uint32_t		 njobs;
	int64_t			 deadline;	/* ms, 0: none */
	int64_t			 since;		/* ms: idle since */
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
	gid_t			*groups;	/* its supplementary groups */
	int			 ngroups;
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
	int			 opwait;	/* OPENER_OPEN or _WALK asked */
	unsigned		 nnext;		/* OPENER_NEXT asked, unanswered */
	struct opfile		*pre;		/* answered, waiting for a slot */
	unsigned		 npre, prehead;	/* in walk order (a ring) */
	int			 walking;	/* a walk not over yet */
	uint32_t		 walk;		/* the opener's handle, 0: none */
	int			 oplost;	/* sv_opener.c: to be failed */
	unsigned		 inflight, ninfected, nerrors;
	int			 stop;		/* SCAN: first hit ends it */
	int64_t			 started;
	struct native_job	 nj;		/* nj.on: a native SCAN */
};

/* a file of a walk, opened ahead (fd) or not (err), for its turn */
struct opfile {
	int			 fd;		/* -1: err says why not */
	int			 err;
	char			*name;
};

struct job {
	TAILQ_ENTRY(job)	 entry;		/* the queue */
	uint32_t		 id;
	int			 fd;
	char			*name;		/* in the reply and the logs */
	struct req		*req;
	uint64_t		 serial;	/* its worker's generation */
};

/* a request to the opener (sv_opener.c), queued or sent */
struct opreq {
	TAILQ_ENTRY(opreq)	 entry;
	uint32_t		 id;
	int			 op;		/* enum opener_op */
	unsigned		 count;		/* OPENER_NEXT: files asked */
	struct req		*req;		/* NULL: no answer, or forgotten */
	int64_t			 queued;	/* ms */
	size_t			 len;
	uint8_t			*msg;		/* the datagram */
};

TAILQ_HEAD(opreqq, opreq);

struct sv_opener {
	int			 kind;		/* K_OPENER */
	pid_t			 pid;		/* 0: none running */
	int			 sock;		/* -1: none */
	uint32_t		 events;	/* registered with epoll */
	struct opreqq		 queue;		/* not sent yet */
	struct opreqq		 sent;		/* in its socket, in order */
	unsigned		 nsent;
	uint32_t		 nextid;
	int64_t			 deadline;	/* ms: its next answer, 0: none */
	int64_t			 timeout;	/* ms per request */
	unsigned		 nanswers;	/* by this one */
	unsigned		 failures;	/* died at once, in a row */
	int64_t			 respawn_at;
	int			 sendfail;	/* a send failed: end it */
	int64_t			 stopby;	/* shutdown: kill it then */
	pid_t			 dying[SV_OPENER_NDYING]; /* unreaped */
};

TAILQ_HEAD(workerq, worker);
TAILQ_HEAD(clientq, client);
TAILQ_HEAD(jobq, job);
TAILQ_HEAD(reqq, req);

struct sv_fdref {
	int	 kind;
	int	 fd;
};

struct sv_state {
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
	int			 scan_cache;	/* workers keep clean verdicts */
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
	struct sv_opener	 op;		/* sv_opener.c */
};

extern struct sv_state	 sv;	/* supervisor.c */

/* supervisor.c */
/* sv_now - monotonic milliseconds */
int64_t	 sv_now(void);
/* sv_backoff - the delay (ms) before a start after failures in a row */
int64_t	 sv_backoff(unsigned);
/* sv_vis - a string for a log line, control bytes as '?' (static buffer) */
const char *sv_vis(const char *);
/* sv_reload - switch to a new generation, or keep the old one */
void	 sv_reload(void);
/* sv_gen_unref - free a generation that is no longer current nor used */
void	 sv_gen_unref(struct sv_gen *);
/* sv_stop - stop accepting, drain the workers, then exit with code */
void	 sv_stop(int);

/* sv_worker.c */
/* sv_reap - collect every dead child */
void	 sv_reap(void);
/* sv_fill - start workers until the current generation has enough */
void	 sv_fill(void);
/* worker_spawn - fork+exec one worker on the current generation */
void	 worker_spawn(void);
/* worker_send_drain - tell a worker to finish and exit */
void	 worker_send_drain(struct worker *);
/* worker_dispatch_msg - read what a worker sent (untrusted input) */
void	 worker_dispatch_msg(struct worker *);
/* job_dispatch - give queued jobs to idle workers, current ones first */
void	 job_dispatch(void);

/* sv_opener.c */
/* opener_init - the opener's settings (SV_OPENER_ENV), before the first */
void	 opener_init(void);
/* opener_spawn - fork the opener now (the supervisor's privileges) */
void	 opener_spawn(void);
/* opener_ask - ask the opener op for r (r->path, or r->walk); 0 or -1 */
int	 opener_ask(struct req *, int);
/* opener_next - ask for the next count files of r's walk; 0 or -1 */
int	 opener_next(struct req *, unsigned);
/* opener_forget - r is freed: drop its requests, end its walk */
void	 opener_forget(struct req *);
/* opener_dispatch - the opener's socket is readable or writable */
void	 opener_dispatch(uint32_t);
/* opener_timers - its deadline, its respawn; returns the next time or 0 */
int64_t	 opener_timers(int64_t);
/* opener_reaped - was pid an opener?  Then its requests are answered */
int	 opener_reaped(pid_t, int);
/* opener_stop - shutdown: answer what waits, close its socket */
void	 opener_stop(void);
/* opener_running - an opener is still to be reaped */
int	 opener_running(void);

/* sv_client.c */
/* client_accept - take every pending connection */
void	 client_accept(int);
/* client_read - read what is there (and descriptors), feed the parser */
void	 client_read(struct client *);
/* client_feed - run the buffered bytes through the clamd or native parser */
void	 client_feed(struct client *);
/* client_flush - write what is owed without blocking */
void	 client_flush(struct client *);
/* client_gone - close the connection; the client lives while it owes */
void	 client_gone(struct client *);
/* client_maybe_free - close a finished client, free a forgotten one */
void	 client_maybe_free(struct client *);

/* sv_req.c */
/* req_new - a request of cl, answered with tag */
struct req *req_new(struct client *, enum clamd_evtype,
		    const struct clamd_tag *, const char *);
/* req_path - SCAN, CONTSCAN, MULTISCAN, ALLMATCHSCAN of a path */
void	 req_path(struct client *, struct clamd_ev *);
/* req_advance - start what the request may start now; finish it */
void	 req_advance(struct req *);
/* req_free - forget a request */
void	 req_free(struct req *);
/* req_opened - the opener's answer to r's OPEN or WALK: go on */
void	 req_opened(struct req *, int, const struct opener_ans *, int);
/* req_walked - the opener's answer to r's NEXT (asked files): go on */
void	 req_walked(struct req *, unsigned, const struct opener_ans *,
	    const uint8_t *, const int *);
/* req_openlost - the opener failed r (why); answer it, end its walk */
void	 req_openlost(struct req *, const char *);
/* job_new - queue fd (now the job's) for scanning as name */
void	 job_new(struct req *, int, const char *);
/* job_done - a job's answer (a verdict, or why not scanned); goes on */
void	 job_done(struct job *, struct verdict *, const char *);

#endif
