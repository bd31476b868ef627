/*
 * native.h - vigild's native protocol for Vigil's own agents
 *
 * SYNOPSIS
 *	int	 native_detect(const uint8_t *p, size_t len, int eop);
 *
 *	void	 native_init(struct native *n, const struct native_opts *o);
 *	size_t	 native_feed(struct native *n, const uint8_t *p, size_t len,
 *		    struct native_ev *ev);
 *	void	 native_limits(const struct scan_limits *base,
 *		    const struct native_req *rq, struct scan_limits *out);
 *	void	 native_view_limits(const struct conf *c, const char *rcpt,
 *		    const char *user, struct scan_limits *out);
 *
 *	struct native	*native_new(const struct native_opts *o);
 *	void	 native_free(struct native *n);
 *	void	 native_serve(struct native *n, const struct native_ev *ev,
 *		    void *ctx, struct buf *out, const struct native_host *h);
 *	int	 native_done(const struct native *n);
 *
 *	int	 native_frame(struct buf *out, const struct msg *m);
 *	void	 native_reply_ok(struct buf *out, uint32_t id,
 *		    const char *text);
 *	void	 native_reply_error(struct buf *out, uint32_t id,
 *		    uint32_t code, const char *text);
 *	void	 native_reply_verdict(struct buf *out, uint32_t id,
 *		    const char *name, const struct verdict *v,
 *		    const char *reason, uint64_t serial);
 *	void	 native_reply_info(struct buf *out, uint32_t id,
 *		    uint32_t type, const struct native_info *in);
 *	void	 native_reply_reload(struct buf *out, uint32_t id,
 *		    uint32_t result, uint64_t before, uint64_t after);
 *
 *	int	 native_put_scan(struct msg *m, const struct native_req *rq);
 *	int	 native_get_info(struct msg *m, struct native_info *in);
 *	int	 native_get_version(struct msg *m, const char **version,
 *		    uint64_t *serial, int64_t *created);
 *	int	 native_get_reload(struct msg *m, uint32_t *result,
 *		    uint64_t *before, uint64_t *after);
 *	int	 native_get_error(struct msg *m, uint32_t *code,
 *		    const char **text);
 *	int	 native_get_verdict(struct msg *m, struct verdict *v);
 *	const char	*native_strerror(uint32_t code);
 * DESCRIPTION
 *	The protocol itself is specified in daemon/PROTOCOL.md: a client
 *	connects to vigild's socket, sends the four bytes NATIVE_MAGIC, then
 *	util/msg.h frames (16-byte header in host byte order, typed fields).
 *	This module holds both ends' codecs, the server's parser and the
 *	server's handling of one connection; the supervisor keeps the socket
 *	and lends what only it has through struct native_host.
 *
 *	native_detect() looks at the first bytes of a connection: 1 when
 *	they begin with NATIVE_MAGIC (native), 0 when they cannot (clamd),
 *	-1 when they are a proper prefix of it and more may come.  eop says
 *	that the client's first packet ended (the read drained the socket):
 *	a prefix is then clamd, which takes a packet as an old-style command
 *	(and answers UNKNOWN COMMAND).  No clamd command begins with the
 *	magic, so that no clamd client sees a difference.
 *
 *	The parser.  native_init() prepares n (the caller's memory) for a
 *	connection whose magic was consumed; o->maxstream bounds a stream (0:
 *	NATIVE_STREAM_DEFAULT).  native_feed() consumes bytes until it has
 *	an event or has used them all and returns how many it used, as
 *	clamd_feed() does (daemon/clamd.h); events do not depend on how the
 *	bytes were split.  ev->type is
 *	  NATIVE_EV_NONE	no event, every byte used;
 *	  NATIVE_EV_REQUEST	ev->req is a decoded request of ev->id: its
 *				strings point into n and are valid until the
 *				next call; a SCAN with NATIVE_F_STREAM opens
 *				the stream;
 *	  NATIVE_EV_DATA	stream bytes ev->data/ev->len (pointers into
 *				the caller's p, never empty);
 *	  NATIVE_EV_END		the stream of request ev->id ended; ev->err
 *				is NATIVE_E_TOOBIG when it went over maxstream
 *				(its bytes past the limit gave no DATA), or 0;
 *	  NATIVE_EV_ERROR	malformed input: ev->err and ev->msg say why,
 *				ev->id is the frame's id (0 before a whole
 *				header).  It is the last event: later input is
 *				used and ignored, and the connection must be
 *				closed once the error is sent.
 *	native_limits() gives the limits of a scan: each limit of base that
 *	the request sets lower (a non-zero value below base's, or any
 *	non-zero value where base's is 0, no limit); never a higher one.
 *	native_view_limits() reads the scan limits that apply to a recipient
 *	and a user (conf_view() of [daemon]; either may be NULL or "").
 *
 *	The server.  native_new() allocates and initialises a connection;
 *	native_free() releases it, closing a stream being spooled (n may be
 *	NULL).  native_serve() handles an event of native_feed() on n:
 *	PING, VERSION, STATUS and STATS are answered into out at
 *	once; RELOAD and SHUTDOWN too, after h->reload() and h->shutdown(),
 *	only for an admin connection (o->admin: the peer is root or the
 *	daemon's user); a SCAN takes the passed descriptor (h->takefd()) or
 *	spools the stream into a memfd, computes the limits (h->conf()'s
 *	view for the request's recipient and user, lowered by it) and
 *	calls h->scan(), which owns the descriptor from then on and answers
 *	later with native_reply_verdict().  A protocol error is answered with
 *	NATIVE_R_ERROR and logged; native_done() is then 1, and the caller
 *	closes the connection once out is sent.  The caller takes the
 *	bytes native_feed() used off its input before it calls
 *	native_serve(), whose callbacks may make it read again (re-entry),
 *	and checks that the client is still there before it feeds more.
 *
 *	Replies.  native_frame() appends m (header and payload, no
 *	descriptor) to out.  native_reply_ok() sends NATIVE_R_OK {str text};
 *	native_reply_error() NATIVE_R_ERROR {u32 code, str text};
 *	native_reply_verdict() NATIVE_R_VERDICT with v (av/wire.h payload),
 *	or, when v is NULL, the tree of one object name not scanned for
 *	reason (a worker that crashed or timed out); a tree too large for a
 *	frame is cut to its root with the same status (its names, or
 *	"verdict too large").  Its header's gen field carries serial, the
 *	generation that scanned (0 when it does not fit in 32 bits), for
 *	the agents' marks.  native_reply_info() sends NATIVE_R_STATUS or
 *	NATIVE_R_STATS (type) from in; native_reply_reload() NATIVE_R_RELOAD.
 *
 *	The client's codecs.  native_put_scan() appends a SCAN payload (the
 *	caller made m with msg_new(NATIVE_SCAN, id, 0)).  native_get_*()
 *	read a whole reply of the matching type (checking the type, every
 *	field and msg_end()); strings point into m.  native_get_info() reads
 *	NATIVE_R_STATUS or NATIVE_R_STATS (the fields the other one lacks are
 *	left 0).  native_get_verdict() reads a NATIVE_R_VERDICT with the
 *	checks of wire_get_verdict().  native_strerror() names an error code.
 * ERRORS
 *	native_feed() and native_serve() cannot fail: bad input is an event.
 *	native_new() returns NULL with errno ENOMEM.  Reply functions leave
 *	out->failed set when memory runs out (util/buf.h); native_frame()
 *	also returns -1 then.  native_put_scan() returns 0, or -1 with errno
 *	EINVAL (a string too long or with a control byte, unknown flags) or
 *	ENOMEM.  native_get_*() return 0, or -1 with errno EBADMSG (also:
 *	another type) or ENOMEM.  Nothing here exits; native_serve() logs.
 * PROCESS
 *	the supervisor (parser and server, one struct native per native
 *	client); agents and vigilctl (clients/vclient.h, the codecs).
 */
#ifndef VIGIL_NATIVE_H
#define VIGIL_NATIVE_H

#include <stddef.h>
#include <stdint.h>

#include "av/limits.h"
#include "av/verdict.h"
#include "util/buf.h"
#include "util/msg.h"

#define NATIVE_MAGIC		"VGL1"
#define NATIVE_MAGICLEN		4
#define NATIVE_MAXREQ		8192	/* a request frame, header included */
#define NATIVE_MAXCHUNK		(1U << 20)	/* a DATA frame's payload */
#define NATIVE_MAXNAME		1024	/* agent, rcpt, user, name bytes */
#define NATIVE_MAXTASKS		64	/* requests listed by STATS */
#define NATIVE_STREAM_DEFAULT	(100ULL * 1024 * 1024)

/* frame types; far from av/msgtypes.h so that a mix-up is obvious */
enum native_type {
	/* requests: client -> vigild */
	NATIVE_PING = 0x100,
	NATIVE_VERSION,
	NATIVE_STATUS,
	NATIVE_STATS,
	NATIVE_RELOAD,
	NATIVE_SHUTDOWN,
	NATIVE_SCAN,
	NATIVE_DATA,
	/* replies: vigild -> client, with the request's id */
	NATIVE_R_OK = 0x200,
	NATIVE_R_ERROR,
	NATIVE_R_VERSION,
	NATIVE_R_STATUS,
	NATIVE_R_STATS,
	NATIVE_R_RELOAD,
	NATIVE_R_VERDICT
};

/* SCAN flags */
#define NATIVE_F_ALLMATCH	0x1	/* every signature, not the first */
#define NATIVE_F_STREAM		0x2	/* DATA frames follow; no descriptor */
#define NATIVE_F_ALL		(NATIVE_F_ALLMATCH | NATIVE_F_STREAM)

/* NATIVE_R_ERROR codes */
enum native_err {
	NATIVE_E_NONE = 0,
	NATIVE_E_BADFRAME,		/* framing: type, length, order */
	NATIVE_E_BADREQ,		/* a request's fields */
	NATIVE_E_NOFD,			/* SCAN: no descriptor came with it */
	NATIVE_E_TOOBIG,		/* stream over max_stream_size */
	NATIVE_E_NOMEM,
	NATIVE_E_DENIED,		/* RELOAD, SHUTDOWN: not an admin */
	NATIVE_E_RELOAD,		/* the new generation is not usable */
	NATIVE_E_STOPPING,		/* the daemon is shutting down */
	NATIVE_E_NCODES
};

/* NATIVE_R_RELOAD results */
#define NATIVE_RELOAD_SWITCHED	0
#define NATIVE_RELOAD_UNCHANGED	1

/* worker states, as STATUS counts them */
enum native_wstate {
	NATIVE_W_STARTING = 0,
	NATIVE_W_IDLE,
	NATIVE_W_BUSY,
	NATIVE_W_DRAINING,
	NATIVE_W_NSTATES
};

/* a decoded request; SCAN fields are 0 or "" for the others */
struct native_req {
	uint32_t		 type;		/* NATIVE_PING ... NATIVE_SCAN */
	uint32_t		 id;
	int			 hasfd;		/* a descriptor came with it */
	uint32_t		 flags;		/* NATIVE_F_* */
	const char		*agent;		/* for the logs */
	const char		*rcpt;		/* conf_view() recipient */
	const char		*user;		/* conf_view() user */
	const char		*name;		/* the input's path in the verdict */
	struct scan_limits	 lim;		/* 0: the daemon's (heuristics
						   unused) */
};

enum native_evtype {
	NATIVE_EV_NONE = 0,
	NATIVE_EV_REQUEST,
	NATIVE_EV_DATA,
	NATIVE_EV_END,
	NATIVE_EV_ERROR
};

struct native_ev {
	enum native_evtype	 type;
	uint32_t		 id;
	struct native_req	 req;		/* REQUEST */
	const uint8_t		*data;		/* DATA */
	size_t			 len;
	uint32_t		 err;		/* ERROR, END: NATIVE_E_* */
	const char		*msg;		/* ERROR: why */
};

/* a request in progress, for STATS */
struct native_task {
	const char	*cmd;
	uint64_t	 ms;		/* since it came */
	const char	*path;
};

/* what STATUS and STATS report; the host fills it */
struct native_info {
	uint64_t		 serial;	/* generation in use */
	int64_t			 created;	/* its build time */
	uint64_t		 nsigs;
	uint64_t		 sigbytes;	/* its modules' size */
	uint32_t		 nworkers;	/* num_workers */
	uint32_t		 workers[NATIVE_W_NSTATES];
	uint64_t		 jobs, infected, crashes, timeouts;
	uint64_t		 uptime;	/* seconds */
	uint32_t		 clients, queued;
	struct native_task	 tasks[NATIVE_MAXTASKS];
	uint32_t		 ntasks;
};

/* what a scan job carries to the supervisor's queue */
struct native_job {
	int			 on;		/* a native request */
	int			 stream;	/* of a stream (for STATS) */
	uint32_t		 id;		/* the client's request id */
	uint32_t		 flags;		/* MATCH_* for the worker */
	struct scan_limits	 lim;
};

struct conf;

/* what the supervisor lends to the server; ctx is its client */
struct native_host {
	/* fd (now the host's) is scanned as name; 0, or -1: not queued */
	int	(*scan)(void *ctx, int fd, const char *name,
		    const struct native_job *nj);
	/* the oldest descriptor the client passed, or -1 */
	int	(*takefd)(void *ctx);
	void	(*info)(struct native_info *in);
	/* -1: the new generation is not usable; else NATIVE_RELOAD_* */
	int	(*reload)(uint64_t *before, uint64_t *after);
	void	(*shutdown)(void *ctx);
	/* the configuration in use now (it changes on SIGHUP), or NULL */
	const struct conf *(*conf)(void);
};

struct native_opts {
	uint64_t		 maxstream;
	int			 admin;
	uint64_t		 client;	/* for the logs */
};

/* one connection; native_init() or native_new() fills it */
struct native {
	int			 state;
	uint8_t			 hdr[MSG_HDRSIZE];
	size_t			 nhdr;
	struct msg_hdr		 h;
	int			 hasfd;
	size_t			 left;		/* payload bytes to come */
	size_t			 nbody;
	int			 instream;
	uint32_t		 streamid;
	uint64_t		 streamed;
	int			 toobig;
	struct native_opts	 o;
	/* the server's */
	int			 memfd;		/* the stream, or -1 */
	int			 memerr;
	int			 done;
	char			 sname[NATIVE_MAXNAME + 1];
	struct native_job	 sjob;
	uint8_t			 body[NATIVE_MAXREQ];
};

int		 native_detect(const uint8_t *, size_t, int);
void		 native_init(struct native *, const struct native_opts *);
size_t		 native_feed(struct native *, const uint8_t *, size_t,
		    struct native_ev *);
void		 native_limits(const struct scan_limits *,
		    const struct native_req *, struct scan_limits *);
void		 native_view_limits(const struct conf *, const char *,
		    const char *, struct scan_limits *);

struct native	*native_new(const struct native_opts *);
void		 native_free(struct native *);
void		 native_serve(struct native *, const struct native_ev *,
		    void *, struct buf *, const struct native_host *);
int		 native_done(const struct native *);

int		 native_frame(struct buf *, const struct msg *);
void		 native_reply_ok(struct buf *, uint32_t, const char *);
void		 native_reply_error(struct buf *, uint32_t, uint32_t,
		    const char *);
void		 native_reply_verdict(struct buf *, uint32_t, const char *,
		    const struct verdict *, const char *, uint64_t);
void		 native_reply_info(struct buf *, uint32_t, uint32_t,
		    const struct native_info *);
void		 native_reply_reload(struct buf *, uint32_t, uint32_t,
		    uint64_t, uint64_t);

int		 native_put_scan(struct msg *, const struct native_req *);
int		 native_get_info(struct msg *, struct native_info *);
int		 native_get_version(struct msg *, const char **, uint64_t *,
		    int64_t *);
int		 native_get_reload(struct msg *, uint32_t *, uint64_t *,
		    uint64_t *);
int		 native_get_error(struct msg *, uint32_t *, const char **);
int		 native_get_verdict(struct msg *, struct verdict *);
const char	*native_strerror(uint32_t);

#endif
