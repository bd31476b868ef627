/*
 * vigil_smtpd.c - vigil-smtpd: the SMTP proxy that scans mail on its way
 *	to the next hop
 *
 * NAME
 *	vigil-smtpd - SMTP content-filter proxy in front of an MTA
 * SYNOPSIS
 *	vigil-smtpd [-f] [-c FILE] [-j THREADS] [-p PIDFILE]
 * DESCRIPTION
 *	One process, one epoll loop.  Every client session gets its own
 *	session with the next hop (server_addr:server_port) and the dialogue
 *	is relayed: the next hop's greeting, its replies to EHLO (keywords
 *	that cannot be relayed faithfully removed), MAIL, RCPT, RSET, NOOP,
 *	QUIT and every other command, in order, pipelined or not.  DATA is
 *	answered here: the body is spooled (smtp_spool.h), unstuffed
 *	(smtp_proto.h), scanned (smtp_scan.h: its descriptor passed to a
 *	local vigild from the loop itself, on pipelined connections; a small
 *	pool of threads, smtp_pool.h, for remote daemons, failover and the
 *	decisions that read files), decided by the mail library (mail.h),
 *	and only then, when the policy says
 *	deliver, is DATA sent to the next hop with the message, and the next
 *	hop's reply to the final dot becomes the client's reply.  So the
 *	client gets 250 only when the next hop said 250; every failure in
 *	between is a 4xx.  See vigil-smtpd.8.
 *
 *	A session's replies come from a FIFO of what it waits for (struct
 *	pend): a reply of the next hop to a relayed command, a reply of our
 *	own, the client's DATA (decided when everything before it is
 *	answered), our RSET, DATA and final dot.  The head of the FIFO is
 *	always the next reply the client is owed, so replies stay in order
 *	however the client pipelines.
 * DIAGNOSTICS
 *	Exit status: 0 after SIGTERM; EX_USAGE for bad arguments; EX_CONFIG
 *	for a bad configuration; EX_OSERR when a socket cannot be opened.
 */
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <netinet/in.h>
#include <netinet/tcp.h>

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include <bsd/stdlib.h>
#include <bsd/string.h>
#include <bsd/sys/queue.h>

#include "av/exitcodes.h"
#include "clients/mail.h"
#include "clients/smtp_pool.h"
#include "clients/smtp_proto.h"
#include "clients/smtp_scan.h"
#include "clients/smtp_spool.h"
#include "conf/conf.h"
#include "conf/conflog.h"
#include "util/buf.h"
#include "util/detach.h"
#include "util/log.h"
#include "util/privdrop.h"
#include "util/xmalloc.h"

#define SMTPD_CONFIG	"/etc/vigil/vigil.cfg"
#define SMTPD_THREADS_PER	2		/* scan threads per vigild worker */
#define SMTPD_THREADS_MAX	1024
#define SMTPD_TICK	1000		/* ms between timeout checks */
#define CIN_MAX		(64 * 1024)	/* client bytes held unread */
#define READ_CHUNK	(64 * 1024)
#define DATA_INPLACE	(64 * 1024)	/* data_read() past this */
#define PEND_MAX	256		/* commands awaiting a reply */
#define SOUT_LOW	(64 * 1024)	/* refill the body below this */
#define BODY_CHUNK	(128 * 1024)
#define RCPT_MAX	10000

enum kind { K_LISTEN, K_SIGNAL, K_POOL, K_SCAN, K_CLIENT, K_SERVER };

enum sstate {
	S_CONNECT,			/* connecting to the next hop */
	S_GREET,			/* waiting for its greeting */
	S_CMD,				/* relaying commands */
	S_DATA,				/* the body arrives from the client */
	S_SCAN,				/* a scan thread has the message */
	S_SEND				/* DATA, body, dot to the next hop */
};

enum pkind {
	P_LOCAL,			/* our own reply, ready */
	P_GREET,			/* the next hop's greeting */
	P_SERVER,			/* its reply to a relayed command */
	P_DATA,				/* the client's DATA */
	P_SWALLOW,			/* our RSET: not relayed */
	P_SDATA,			/* our DATA */
	P_SDOT				/* the end of our data */
};

struct fdref {
	int		 kind;		/* first: the loop reads it */
	struct sess	*s;
};

/* one generation of the configuration, shared by the sessions it began */
struct cfg {
	struct conf		*c;
	struct conf_view	 v;		/* [smtp] */
	unsigned		 refs;
	struct addrinfo		*hop;
	char			 hopname[300];
	char			 listen[300];
	int64_t			 client_to, server_to, connect_to;
	unsigned		 maxconn;
};

/* the message sent on: the spool's bytes and the mail library's splices */
struct piece {
	const uint8_t		*p;
	size_t			 len;
	int			 plain;		/* no LF that a dot follows */
};

struct pend {
	TAILQ_ENTRY(pend)	 entry;
	enum pkind		 kind;
	enum smtp_verb		 verb;
	char			*text;		/* P_LOCAL: reply; MAIL, RCPT:
						   the address */
};

struct sess {
	TAILQ_ENTRY(sess)	 entry;
	struct fdref		 cref, sref;
	int			 cfd, sfd;
	uint32_t		 cev, sev;	/* events asked for */
	enum sstate		 state;
	struct cfg		*cfg;
	char			 client[80];
	struct buf		 cin, cout, sin, sout;
	size_t			 coutoff, soutoff;
	struct smtp_reply	 rep;
	TAILQ_HEAD(, pend)	 pend;
	unsigned		 npend;
	struct addrinfo		*ai;		/* the address being tried */
	int64_t			 clast, slast;	/* last progress, ms */
	unsigned		 srvext;	/* SMTP_X_* offered */
	int			 srvdead;
	char			 srvwhy[160];
	int			 dead;		/* closed, to be freed */
	int			 closing;	/* close once cout is out */
	int			 dwait;		/* a DATA is in the FIFO */
	int			 quit;
	int			 toolong;
	/* the transaction, as the next hop accepted it */
	int			 mail;
	char			*sender;
	char			*split0;	/* first RCPT sent, for
						   split_recipients */
	char			**rcpts;
	size_t			 nrcpts;
	unsigned		 ntried;
	/* the message */
	struct conf_view	 mv;
	struct smtp_dot		 dot;
	struct smtp_spool	 spool;
	struct smtp_job		*job;
	struct smtp_stuff	 stuff;
	struct piece		*body;		/* the message as it goes */
	size_t			 nbody, ibody, bodyoff;
	int			 sending, dotsent;
	int64_t			 t0;
	char			 mres[32], mact[32];
	char			 mreason[300];
};

TAILQ_HEAD(sessq, sess);

static struct smtpd {
	int			 ep;
	int			 lfd, sigfd;
	struct fdref		 lref, sigref, poolref;
	struct smtp_pool	*pool;
	struct smtp_scan	*scan;
	struct cfg		*cfg;
	const char		*cfgpath;
	const char		*pidfile;
	int			 fg;
	unsigned		 nthreads;
	unsigned		 nsess;
	struct sessq		 sessions, dead;
	int			 stopping;
	int			 paused;	/* listener off: out of fds */
	int64_t			 nexttick;
	char			 host[256];
} sd;

static void	 usage(void) __attribute__((noreturn));
static int64_t	 now_ms(void);
static const char *vis(char *, size_t, const char *, size_t);
static void	 drop_root(const char *);
static struct cfg *cfg_load(const char *);
static unsigned	 default_threads(const struct cfg *);
static void	 cfg_unref(struct cfg *);
static void	 cfg_log(const struct cfg *);
static void	 reconfigure(void);
static void	 open_listener(void);
static void	 signals(void);
static void	 loop(void);
static void	 tick(void);
static void	 dispatch_signal(void);
static void	 accept_clients(void);
static void	 sess_new(int, const struct sockaddr *, socklen_t);
static void	 sess_close(struct sess *);
static void	 sess_free(struct sess *);
static void	 sess_run(struct sess *);
static void	 sess_events(struct sess *);
static void	 ev_client(struct sess *, uint32_t);
static void	 ev_server(struct sess *, uint32_t);
static void	 srv_connect(struct sess *, const char *);
static void	 srv_connected(struct sess *);
static void	 srv_read(struct sess *);
static void	 srv_reply(struct sess *);
static void	 srv_unsolicited(struct sess *);
static void	 srv_lost(struct sess *, const char *);
static void	 srv_add(struct sess *, const char *, size_t);
static void	 srv_flush(struct sess *);
static void	 cli_read(struct sess *);
static void	 cli_gone(struct sess *, const char *);
static void	 cli_add(struct sess *, const void *, size_t);
static void	 cli_printf(struct sess *, const char *, ...)
		    __attribute__((format(printf, 2, 3)));
static void	 cli_flush(struct sess *);
static void	 pend_push(struct sess *, enum pkind, enum smtp_verb, char *);
static void	 pend_pop(struct sess *);
static void	 pend_run(struct sess *);
static int	 pend_server(const struct sess *);
static void	 cmd_input(struct sess *);
static void	 cmd_one(struct sess *, const char *, size_t);
static void	 tx_reset(struct sess *);
static int	 policy_same(const struct conf_view *,
		    const struct conf_view *);
static int	 split_refuse(struct sess *, const char *);
static void	 data_begin(struct sess *);
static void	 data_input(struct sess *);
static int	 data_read(struct sess *);
static void	 data_end(struct sess *);
static void	 scan_done(struct smtp_job *);
static void	 body_pieces(struct sess *, const struct mail_out *);
static void	 body_pump(struct sess *);
static void	 msg_done(struct sess *, const char *, size_t);
static void	 msg_done_s(struct sess *, const char *);
static void	 msg_note(struct sess *, const char *, const char *,
		    const char *);
static void	 srv_rset(struct sess *);
static void	 bye(struct sess *, const char *, const char *);

/* usage - the synopsis, then exit */
static void
usage(void)
{
	fprintf(stderr, "usage: vigil-smtpd [-f] [-c file] [-j threads] "
	    "[-p pidfile]\n");
	exit(EX_USAGE);
}

/* now_ms - monotonic milliseconds */
static int64_t
now_ms(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* vis - s[0, len) for a log line or a reply: control bytes as '?' */
static const char *
vis(char *out, size_t outlen, const char *s, size_t len)
{
	size_t	 i;

	for (i = 0; i < len && s[i] != '\0' && i + 1 < outlen; i++)
		out[i] = (unsigned char)s[i] < 0x20 || s[i] == 0x7f ? '?' :
		    s[i];
	out[i] = '\0';
	return out;
}

int
main(int argc, char *argv[])
{
	const char	*errstr;
	char		 abscfg[4096];
	int		 ch;

	memset(&sd, 0, sizeof(sd));
	sd.ep = sd.lfd = sd.sigfd = -1;
	TAILQ_INIT(&sd.sessions);
	TAILQ_INIT(&sd.dead);
	log_procinit("vigil-smtpd");
	while ((ch = getopt(argc, argv, "c:fj:p:")) != -1) {
		switch (ch) {
		case 'c':
			sd.cfgpath = optarg;
			break;
		case 'f':
			sd.fg = 1;
			break;
		case 'j':
			sd.nthreads = (unsigned)strtonum(optarg, 1,
			    SMTPD_THREADS_MAX, &errstr);
			if (errstr != NULL)
				usage();
			break;
		case 'p':
			sd.pidfile = optarg;
			break;
		default:
			usage();
		}
	}
	if (optind != argc)
		usage();
	if (sd.cfgpath == NULL && access(SMTPD_CONFIG, F_OK) == 0)
		sd.cfgpath = SMTPD_CONFIG;
	if (sd.cfgpath != NULL) {
		/* SIGHUP reads it again after the chdir("/") */
		if (realpath(sd.cfgpath, abscfg) == NULL) {
			fprintf(stderr, "vigil-smtpd: %s: %s\n", sd.cfgpath,
			    strerror(errno));
			return EX_CONFIG;
		}
		sd.cfgpath = xstrdup(abscfg);
	}
	if (gethostname(sd.host, sizeof(sd.host) - 1) == -1 ||
	    sd.host[0] == '\0')
		strlcpy(sd.host, "localhost", sizeof(sd.host));
	signal(SIGPIPE, SIG_IGN);
	if ((sd.cfg = cfg_load(sd.cfgpath)) == NULL)
		return EX_CONFIG;
	sd.cfg->refs = 1;
	cfg_log(sd.cfg);
	if (sd.nthreads == 0)
		sd.nthreads = default_threads(sd.cfg);
	if ((sd.ep = epoll_create1(EPOLL_CLOEXEC)) == -1)
		fatal("%s: epoll_create1", __func__);
	open_listener();
	if (!sd.fg)
		detach(NULL);	/* the pid file is written below, -f or not */
	if (sd.pidfile != NULL) {
		FILE	*fp;

		if ((fp = fopen(sd.pidfile, "we")) == NULL ||
		    fprintf(fp, "%ld\n", (long)getpid()) < 0 ||
		    fclose(fp) == EOF)
			fatal("%s: write(%s) failed", __func__, sd.pidfile);
	}
	/* root's work is done (port 25, the pid file): before any thread */
	drop_root(conf_get_str(&sd.cfg->v, CONF_K_RUN_AS));
	/* threads inherit the mask: block what the signalfd reads first */
	signals();
	if ((sd.pool = smtp_pool_new(sd.nthreads)) == NULL)
		fatal("%s: scan threads", __func__);
	if ((sd.scan = smtp_scan_new(sd.ep, K_SCAN, sd.pool)) == NULL)
		fatal("%s: smtp_scan_new", __func__);
	sd.poolref.kind = K_POOL;
	{
		struct epoll_event	 ev;

		memset(&ev, 0, sizeof(ev));
		ev.events = EPOLLIN;
		ev.data.ptr = &sd.poolref;
		if (epoll_ctl(sd.ep, EPOLL_CTL_ADD, smtp_pool_fd(sd.pool),
		    &ev) == -1)
			fatal("%s: epoll_ctl", __func__);
	}
	log_notice("vigil-smtpd %s started: %s -> %s, %u scan threads",
	    VIGIL_VERSION, sd.cfg->listen, sd.cfg->hopname, sd.nthreads);
	loop();
	smtp_scan_free(sd.scan);
	smtp_pool_free(sd.pool);
	if (sd.pidfile != NULL)
		unlink(sd.pidfile);
	cfg_unref(sd.cfg);
	log_notice("vigil-smtpd stopped");
	return 0;
}

/*
 * drop_root - become [smtp] run_as when started as root (privdrop.h); a
 * root process without it says so.  Fatal (EX_CONFIG) when it cannot
 */
static void
drop_root(const char *user)
{
	char	 err[256];

	if (geteuid() != 0)
		return;
	if (user[0] == '\0') {
		log_warnx("running as root: set [smtp] run_as (vigil.cfg(5)) "
		    "or start vigil-smtpd as its user");
		return;
	}
	if (priv_drop(user, err, sizeof(err)) == -1) {
		log_warnx("run_as: %s", err);
		exit(EX_CONFIG);
	}
	log_info("running as %s", user);
}

/* cfg_load - the file (NULL: defaults) and the next hop; NULL: logged */
static struct cfg *
cfg_load(const char *path)
{
	struct addrinfo	 hints;
	struct cfg	*g;
	const char	*host;
	char		 err[512], port[16];
	size_t		 i;
	int		 r;

	g = xcalloc(1, sizeof(*g));
	if ((g->c = conf_new()) == NULL)
		fatal("%s: conf_new", __func__);
	if (path != NULL && conf_load_file(g->c, path, err, sizeof(err)) ==
	    -1) {
		if (conf_nerrors(g->c) == 0)
			log_warnx("%s", err);
		for (i = 0; i < conf_nerrors(g->c); i++)
			log_warnx("%s", conf_error(g->c, i));
		goto fail;
	}
	conf_view(g->c, &g->v, CONF_SEC_SMTP, NULL, NULL);
	g->client_to = (int64_t)conf_get_duration(&g->v,
	    CONF_K_CLIENT_TIMEOUT);
	g->server_to = (int64_t)conf_get_duration(&g->v,
	    CONF_K_SERVER_TIMEOUT);
	g->connect_to = (int64_t)conf_get_duration(&g->v,
	    CONF_K_CONNECT_TIMEOUT);
	g->maxconn = (unsigned)conf_get_int(&g->v, CONF_K_MAX_CONNECTIONS);
	snprintf(g->listen, sizeof(g->listen), "%s:%lld",
	    conf_get_str(&g->v, CONF_K_LISTEN_ADDR),
	    (long long)conf_get_int(&g->v, CONF_K_LISTEN_PORT));
	host = conf_get_str(&g->v, CONF_K_SERVER_ADDR);
	snprintf(port, sizeof(port), "%lld",
	    (long long)conf_get_int(&g->v, CONF_K_SERVER_PORT));
	snprintf(g->hopname, sizeof(g->hopname), "%s:%s", host, port);
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_NUMERICSERV;
	if ((r = getaddrinfo(host, port, &hints, &g->hop)) != 0) {
		log_warnx("server_addr %s: %s", host, gai_strerror(r));
		goto fail;
	}
	return g;
fail:
	conf_free(g->c);
	free(g);
	return NULL;
}

/*
 * default_threads - without -j: two scan threads per vigild worker
 * ([daemon] num_workers of the same file), one scanning while the next
 * message is on its way; more would only wait in vigild.  They carry
 * only what smtp_scan.h cannot: scans on a remote (HOST:PORT) vigild,
 * failover, and the decisions on verdicts that are not clean
 */
static unsigned
default_threads(const struct cfg *g)
{
	struct conf_view	 dv;
	int64_t			 n;

	conf_view(g->c, &dv, CONF_SEC_DAEMON, NULL, NULL);
	n = conf_get_int(&dv, CONF_K_NUM_WORKERS) * SMTPD_THREADS_PER;
	if (n < SMTPD_THREADS_PER)
		n = SMTPD_THREADS_PER;
	if (n > SMTPD_THREADS_MAX)
		n = SMTPD_THREADS_MAX;
	return (unsigned)n;
}

/* cfg_unref - one session (or the process) less uses g */
static void
cfg_unref(struct cfg *g)
{
	AV_ASSERT(g->refs > 0);
	if (--g->refs > 0)
		return;
	freeaddrinfo(g->hop);
	conf_free(g->c);
	free(g);
}

/* cfg_log - the log destinations of [smtp] */
static void
cfg_log(const struct cfg *g)
{
	const char	*dir;

	(void)conf_log(&g->v, sd.fg);	/* a failure is logged */
	dir = conf_get_str(&g->v, CONF_K_TMP_DIR);
	if (access(dir, W_OK | X_OK) == -1)
		log_warn("tmp_dir %s: messages over spool_memory will be "
		    "deferred", dir);
}

/* reconfigure - SIGHUP: a new generation for new sessions, or none */
static void
reconfigure(void)
{
	struct cfg	*g;

	if (log_reopen() == -1)
		log_warn("log_file: reopen failed");
	if ((g = cfg_load(sd.cfgpath)) == NULL) {
		log_warnx("reconfigure: %s has errors; keeping the running "
		    "configuration", sd.cfgpath);
		return;
	}
	g->refs = 1;
	if (strcmp(g->listen, sd.cfg->listen) != 0)
		log_warnx("listen_addr/listen_port changed: needs a restart, "
		    "still %s", sd.cfg->listen);
	strlcpy(g->listen, sd.cfg->listen, sizeof(g->listen));
	cfg_unref(sd.cfg);
	sd.cfg = g;
	cfg_log(g);
	log_notice("reconfigure: %s loaded; next hop %s",
	    sd.cfgpath != NULL ? sd.cfgpath : "(defaults)", g->hopname);
}

/* open_listener - listen_addr:listen_port */
static void
open_listener(void)
{
	struct addrinfo		 hints, *res = NULL;
	struct epoll_event	 ev;
	const struct conf_view	*v = &sd.cfg->v;
	char			 port[16];
	int			 on = 1, r;

	snprintf(port, sizeof(port), "%lld",
	    (long long)conf_get_int(v, CONF_K_LISTEN_PORT));
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
	if ((r = getaddrinfo(conf_get_str(v, CONF_K_LISTEN_ADDR), port,
	    &hints, &res)) != 0)
		fatalx("%s: %s: %s", __func__, sd.cfg->listen,
		    gai_strerror(r));
	if ((sd.lfd = socket(res->ai_family, res->ai_socktype |
	    SOCK_CLOEXEC | SOCK_NONBLOCK, 0)) == -1)
		fatal("%s: socket", __func__);
	setsockopt(sd.lfd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
	if (bind(sd.lfd, res->ai_addr, res->ai_addrlen) == -1)
		fatal("%s: bind(%s) failed", __func__, sd.cfg->listen);
	freeaddrinfo(res);
	if (listen(sd.lfd, 1024) == -1)
		fatal("%s: listen(%s) failed", __func__, sd.cfg->listen);
	sd.lref.kind = K_LISTEN;
	memset(&ev, 0, sizeof(ev));
	ev.events = EPOLLIN;
	ev.data.ptr = &sd.lref;
	if (epoll_ctl(sd.ep, EPOLL_CTL_ADD, sd.lfd, &ev) == -1)
		fatal("%s: epoll_ctl", __func__);
}

/* signals - TERM, INT and HUP become events on a signalfd */
static void
signals(void)
{
	struct epoll_event	 ev;
	sigset_t		 set;

	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	if (sigprocmask(SIG_BLOCK, &set, NULL) == -1)
		fatal("%s: sigprocmask", __func__);
	if ((sd.sigfd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC)) ==
	    -1)
		fatal("%s: signalfd", __func__);
	sd.sigref.kind = K_SIGNAL;
	memset(&ev, 0, sizeof(ev));
	ev.events = EPOLLIN;
	ev.data.ptr = &sd.sigref;
	if (epoll_ctl(sd.ep, EPOLL_CTL_ADD, sd.sigfd, &ev) == -1)
		fatal("%s: epoll_ctl", __func__);
}

/* loop - the event loop, until stopped and every session is gone */
static void
loop(void)
{
	struct epoll_event	 evs[128];
	struct fdref		*r;
	struct smtp_job		*j;
	struct sess		*s;
	int64_t			 now;
	int			 n, i, timeout;

	sd.nexttick = now_ms() + SMTPD_TICK;
	for (;;) {
		if (sd.stopping && sd.nsess == 0)
			break;
		now = now_ms();
		if (now >= sd.nexttick) {
			tick();
			sd.nexttick = now + SMTPD_TICK;
		}
		timeout = (int)(sd.nexttick - now);
		if ((n = epoll_wait(sd.ep, evs, 128, timeout)) == -1) {
			if (errno == EINTR)
				continue;
			fatal("%s: epoll_wait", __func__);
		}
		for (i = 0; i < n; i++) {
			r = evs[i].data.ptr;
			switch (r->kind) {
			case K_LISTEN:
				accept_clients();
				break;
			case K_SIGNAL:
				dispatch_signal();
				break;
			case K_POOL:
				while ((j = smtp_pool_done(sd.pool)) != NULL)
					scan_done(j);
				break;
			case K_SCAN:
				smtp_scan_input(sd.scan, r);
				break;
			case K_CLIENT:
				ev_client(r->s, evs[i].events);
				break;
			case K_SERVER:
				ev_server(r->s, evs[i].events);
				break;
			default:
				AV_ASSERT(0);
			}
		}
		while ((j = smtp_scan_done(sd.scan)) != NULL)
			scan_done(j);
		while ((s = TAILQ_FIRST(&sd.dead)) != NULL) {
			TAILQ_REMOVE(&sd.dead, s, entry);
			sess_free(s);
		}
	}
}

/* tick - timeouts of every session; the listener back after EMFILE */
static void
tick(void)
{
	struct sess		*s, *st;
	struct epoll_event	 ev;
	int64_t			 now = now_ms(), lim;

	smtp_scan_tick(sd.scan);	/* scans past their time: to the pool */
	if (sd.paused && !sd.stopping) {
		memset(&ev, 0, sizeof(ev));
		ev.events = EPOLLIN;
		ev.data.ptr = &sd.lref;
		if (epoll_ctl(sd.ep, EPOLL_CTL_ADD, sd.lfd, &ev) == 0)
			sd.paused = 0;
	}
	TAILQ_FOREACH_SAFE(s, &sd.sessions, entry, st) {
		if (s->dead)
			continue;
		if (s->sfd != -1 && (s->state == S_CONNECT ||
		    pend_server(s) || s->sout.len > s->soutoff)) {
			lim = s->state == S_CONNECT ? s->cfg->connect_to :
			    s->cfg->server_to;
			if (now - s->slast >= lim) {
				if (s->state == S_CONNECT) {
					close(s->sfd);
					s->sfd = -1;
					s->ai = s->ai->ai_next;
					srv_connect(s, "connect timeout");
				} else
					srv_lost(s, "timeout");
				if (!s->dead)
					sess_run(s);
				continue;
			}
		}
		if (s->closing && now - s->clast >= s->cfg->client_to) {
			/* the client does not read its last reply */
			sess_close(s);
			continue;
		}
		if ((s->state == S_CMD && s->npend == 0 && !s->closing) ||
		    s->state == S_DATA) {
			if (now - s->clast >= s->cfg->client_to) {
				log_info("%s: client timeout", s->client);
				if (s->state == S_DATA) {
					msg_note(s, "-", "-",
					    "client timeout during DATA");
					msg_done_s(s, "(timeout)");
				}
				bye(s, "4.4.2", "Error: timeout exceeded");
				sess_run(s);
			}
		}
	}
}

/* dispatch_signal - act on the signals read from the signalfd */
static void
dispatch_signal(void)
{
	struct signalfd_siginfo	 si;
	struct sess		*s, *st;

	while (read(sd.sigfd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
		switch (si.ssi_signo) {
		case SIGTERM:
		case SIGINT:
			if (sd.stopping) {
				log_notice("signal %u again: exiting now",
				    si.ssi_signo);
				exit(0);
			}
			log_notice("signal %u: shutting down after the "
			    "messages in progress", si.ssi_signo);
			sd.stopping = 1;
			epoll_ctl(sd.ep, EPOLL_CTL_DEL, sd.lfd, NULL);
			close(sd.lfd);
			sd.lfd = -1;
			TAILQ_FOREACH_SAFE(s, &sd.sessions, entry, st)
				if (!s->dead)
					sess_run(s);
			break;
		case SIGHUP:
			if (!sd.stopping)
				reconfigure();
			break;
		}
	}
}

/* accept_clients - every waiting connection: a session, or 421 */
static void
accept_clients(void)
{
	struct sockaddr_storage	 ss;
	socklen_t		 sl;
	static const char	 busy[] = "421 4.3.2 Too many connections, "
				    "try again later\r\n";
	ssize_t			 n;
	int			 fd;

	for (;;) {
		sl = sizeof(ss);
		if ((fd = accept4(sd.lfd, (struct sockaddr *)&ss, &sl,
		    SOCK_NONBLOCK | SOCK_CLOEXEC)) == -1) {
			if (errno == EINTR || errno == ECONNABORTED)
				continue;
			if (errno == EMFILE || errno == ENFILE ||
			    errno == ENOBUFS || errno == ENOMEM) {
				log_warn("%s: accept", __func__);
				epoll_ctl(sd.ep, EPOLL_CTL_DEL, sd.lfd, NULL);
				sd.paused = 1;
			} else if (errno != EAGAIN)
				log_warn("%s: accept", __func__);
			return;
		}
		if (sd.nsess >= sd.cfg->maxconn) {
			n = send(fd, busy, sizeof(busy) - 1, MSG_NOSIGNAL |
			    MSG_DONTWAIT);
			(void)n;
			close(fd);
			log_warnx("max_connections (%u) reached: connection "
			    "refused", sd.cfg->maxconn);
			continue;
		}
		sess_new(fd, (struct sockaddr *)&ss, sl);
	}
}

/* sess_new - a client: connect to the next hop for it */
static void
sess_new(int fd, const struct sockaddr *sa, socklen_t sl)
{
	struct epoll_event	 ev;
	struct sess		*s;
	char			 h[NI_MAXHOST], p[NI_MAXSERV];
	int			 on = 1;

	s = xcalloc(1, sizeof(*s));
	s->cfd = fd;
	s->sfd = -1;
	s->cref.kind = K_CLIENT;
	s->cref.s = s;
	s->sref.kind = K_SERVER;
	s->sref.s = s;
	s->cfg = sd.cfg;
	s->cfg->refs++;
	TAILQ_INIT(&s->pend);
	smtp_reply_init(&s->rep);
	smtp_spool_init(&s->spool, NULL, 0, 0);
	buf_init(&s->cin);
	buf_init(&s->cout);
	buf_init(&s->sin);
	buf_init(&s->sout);
	if (getnameinfo(sa, sl, h, sizeof(h), p, sizeof(p), NI_NUMERICHOST |
	    NI_NUMERICSERV) == 0)
		snprintf(s->client, sizeof(s->client), "[%.60s]:%.8s", h, p);
	else
		strlcpy(s->client, "[unknown]", sizeof(s->client));
	s->clast = s->slast = now_ms();
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof(on));
	TAILQ_INSERT_TAIL(&sd.sessions, s, entry);
	sd.nsess++;
	memset(&ev, 0, sizeof(ev));
	s->cev = ev.events = EPOLLIN | EPOLLRDHUP;
	ev.data.ptr = &s->cref;
	if (epoll_ctl(sd.ep, EPOLL_CTL_ADD, fd, &ev) == -1) {
		log_warn("%s: epoll_ctl", __func__);
		sess_close(s);
		return;
	}
	log_debug("%s: connected", s->client);
	s->ai = s->cfg->hop;
	srv_connect(s, "no address");
	if (!s->dead)
		sess_run(s);
}

/*
 * srv_connect - a non-blocking connect to s->ai or the addresses after
 * it; when none is left, 421 4.3.0 to the client (why: the last failure)
 */
static void
srv_connect(struct sess *s, const char *why)
{
	struct epoll_event	 ev;
	int			 fd, on = 1;

	s->state = S_CONNECT;
	s->slast = now_ms();
	for (; s->ai != NULL; s->ai = s->ai->ai_next) {
		if ((fd = socket(s->ai->ai_family, SOCK_STREAM |
		    SOCK_NONBLOCK | SOCK_CLOEXEC, 0)) == -1) {
			why = strerror(errno);
			continue;
		}
		if (connect(fd, s->ai->ai_addr, s->ai->ai_addrlen) == -1 &&
		    errno != EINPROGRESS) {
			why = strerror(errno);
			close(fd);
			continue;
		}
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof(on));
		memset(&ev, 0, sizeof(ev));
		s->sev = ev.events = EPOLLOUT | EPOLLIN | EPOLLRDHUP;
		ev.data.ptr = &s->sref;
		if (epoll_ctl(sd.ep, EPOLL_CTL_ADD, fd, &ev) == -1) {
			why = strerror(errno);
			close(fd);
			continue;
		}
		s->sfd = fd;
		return;
	}
	log_warnx("%s: next hop %s: %s", s->client, s->cfg->hopname, why);
	s->srvdead = 1;
	snprintf(s->srvwhy, sizeof(s->srvwhy), "%s", why);
	cli_printf(s, "421 4.3.0 %s Service not available: next hop "
	    "unreachable, try again later\r\n", sd.host);
	s->closing = 1;
}

/* srv_connected - the connect finished: wait for the greeting, or retry */
static void
srv_connected(struct sess *s)
{
	socklen_t	 sl = sizeof(int);
	int		 e = 0;

	if (getsockopt(s->sfd, SOL_SOCKET, SO_ERROR, &e, &sl) == -1)
		e = errno;
	if (e != 0) {
		close(s->sfd);
		s->sfd = -1;
		s->ai = s->ai->ai_next;
		srv_connect(s, strerror(e));
		return;
	}
	s->state = S_GREET;
	s->slast = now_ms();
	pend_push(s, P_GREET, SMTP_V_UNKNOWN, NULL);
}

/* sess_close - close both sides; freed after the batch or the scan */
static void
sess_close(struct sess *s)
{
	struct pend	*p;

	if (s->dead)
		return;
	s->dead = 1;
	if (s->cfd != -1)
		close(s->cfd);
	if (s->sfd != -1)
		close(s->sfd);
	s->cfd = s->sfd = -1;
	while ((p = TAILQ_FIRST(&s->pend)) != NULL)
		pend_pop(s);
	TAILQ_REMOVE(&sd.sessions, s, entry);
	/* a thread still reads the message: scan_done() frees it */
	if (s->job == NULL || s->state != S_SCAN)
		TAILQ_INSERT_TAIL(&sd.dead, s, entry);
}

/* sess_free - the memory of a closed session */
static void
sess_free(struct sess *s)
{
	if (s->job != NULL) {
		mail_out_free(&s->job->o);
		free(s->job);
	}
	free(s->body);
	smtp_spool_free(&s->spool);
	tx_reset(s);
	free(s->split0);
	free(s->rcpts);
	smtp_reply_free(&s->rep);
	buf_clear(&s->cin);
	buf_clear(&s->cout);
	buf_clear(&s->sin);
	buf_clear(&s->sout);
	cfg_unref(s->cfg);
	free(s);
	sd.nsess--;
}

/* bye - a 421 to the client, then close */
static void
bye(struct sess *s, const char *dsn, const char *text)
{
	if (s->closing)
		return;
	cli_printf(s, "421 %s %s %s\r\n", dsn, sd.host, text);
	s->closing = 1;
}

/*
 * sess_run - after any event: answer what can be answered, consume what
 * the client sent as far as the state allows, flush, close when done
 */
static void
sess_run(struct sess *s)
{
	enum sstate	 st;
	size_t		 cin;
	unsigned	 np;

	do {
		if (s->dead)
			return;
		st = s->state;
		cin = s->cin.len;
		np = s->npend;
		pend_run(s);
		if (s->dead)
			return;
		if (s->state == S_CMD)
			cmd_input(s);
		else if (s->state == S_DATA)
			data_input(s);
	} while (!s->dead && (s->state != st || s->cin.len != cin ||
	    s->npend != np));
	if (s->dead)
		return;
	/* stopping: a session with nothing in progress goes now */
	if (sd.stopping && s->state == S_CMD && s->npend == 0 &&
	    !s->closing)
		bye(s, "4.3.2", "Service shutting down");
	if (sd.stopping && (s->state == S_CONNECT || s->state == S_GREET))
		bye(s, "4.3.2", "Service shutting down");
	srv_flush(s);
	if (s->dead)
		return;
	cli_flush(s);
	if (s->dead)
		return;
	if (s->closing && s->cout.len == s->coutoff) {
		sess_close(s);
		return;
	}
	sess_events(s);
}

/* sess_events - ask epoll for what each side needs now */
static void
sess_events(struct sess *s)
{
	struct epoll_event	 ev;
	uint32_t		 want;

	want = 0;
	/* not reading: only HUP and ERR (always reported) say it left */
	if (!s->closing && (s->state == S_DATA || s->cin.len < CIN_MAX))
		want |= EPOLLIN | EPOLLRDHUP;
	if (s->cout.len > s->coutoff)
		want |= EPOLLOUT;
	if (want != s->cev && s->cfd != -1) {
		memset(&ev, 0, sizeof(ev));
		ev.events = want;
		ev.data.ptr = &s->cref;
		if (epoll_ctl(sd.ep, EPOLL_CTL_MOD, s->cfd, &ev) == 0)
			s->cev = want;
	}
	if (s->sfd == -1)
		return;
	want = EPOLLIN | EPOLLRDHUP;
	if (s->state == S_CONNECT || s->sout.len > s->soutoff)
		want |= EPOLLOUT;
	if (want != s->sev) {
		memset(&ev, 0, sizeof(ev));
		ev.events = want;
		ev.data.ptr = &s->sref;
		if (epoll_ctl(sd.ep, EPOLL_CTL_MOD, s->sfd, &ev) == 0)
			s->sev = want;
	}
}

/* ev_client - the client's socket is ready */
static void
ev_client(struct sess *s, uint32_t events)
{
	if (s->dead)
		return;
	if (events & EPOLLOUT)
		cli_flush(s);
	if (s->dead)
		return;
	if (events & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR)) {
		if (s->cev & EPOLLIN)
			cli_read(s);
		else if (events & (EPOLLHUP | EPOLLERR))
			cli_gone(s, "connection lost");
	}
	if (!s->dead)
		sess_run(s);
}

/* ev_server - the next hop's socket is ready */
static void
ev_server(struct sess *s, uint32_t events)
{
	if (s->dead || s->sfd == -1)
		return;
	if (s->state == S_CONNECT) {
		if (events & (EPOLLOUT | EPOLLERR | EPOLLHUP))
			srv_connected(s);
		if (!s->dead)
			sess_run(s);
		return;
	}
	if (events & EPOLLOUT) {
		srv_flush(s);
		if (!s->dead && s->sfd != -1)
			body_pump(s);
	}
	if (!s->dead && s->sfd != -1 &&
	    (events & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR)))
		srv_read(s);
	if (!s->dead)
		sess_run(s);
}

/* cli_read - what the client sent, into cin */
static void
cli_read(struct sess *s)
{
	ssize_t	 n;

	if (s->state == S_DATA && s->cin.len == 0 &&
	    s->spool.size >= DATA_INPLACE && data_read(s) == 0)
		return;

	/* small buffers for commands: thousands of sessions wait in them */
	if (buf_reserve(&s->cin, s->state == S_DATA ? READ_CHUNK : 4096) ==
	    -1) {
		cli_gone(s, "out of memory");
		return;
	}
	for (;;) {
		n = recv(s->cfd, s->cin.data + s->cin.len, s->cin.cap -
		    s->cin.len, 0);
		if (n > 0) {
			s->cin.len += (size_t)n;
			s->clast = now_ms();
			return;
		}
		if (n == 0) {
			cli_gone(s, "connection closed");
			return;
		}
		if (errno == EINTR)
			continue;
		if (errno != EAGAIN)
			cli_gone(s, strerror(errno));
		return;
	}
}

/*
 * cli_gone - the client left: nothing it did not see accepted may be
 * delivered, so a message not yet ended towards the next hop is dropped
 */
static void
cli_gone(struct sess *s, const char *why)
{
	log_debug("%s: client: %s", s->client, why);
	switch (s->state) {
	case S_DATA:
		msg_note(s, "-", "-", "client left during DATA");
		msg_done_s(s, "(client left)");
		break;
	case S_SCAN:
		msg_note(s, NULL, NULL, NULL);
		break;
	case S_SEND:
		if (s->dotsent)
			log_warnx("%s: client left after the end of data: "
			    "the next hop may deliver the message",
			    s->client);
		msg_done_s(s, "(client left)");
		break;
	default:
		break;
	}
	sess_close(s);
}

/* cli_add - bytes for the client */
static void
cli_add(struct sess *s, const void *p, size_t len)
{
	buf_add(&s->cout, p, len);
}

/* cli_printf - a formatted reply for the client */
static void
cli_printf(struct sess *s, const char *fmt, ...)
{
	char	 b[1024];
	va_list	 ap;
	int	 n;

	va_start(ap, fmt);
	n = vsnprintf(b, sizeof(b), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n >= sizeof(b)) {
		/* cut, still one line */
		n = sizeof(b) - 1;
		memcpy(b + n - 2, "\r\n", 2);
	}
	cli_add(s, b, (size_t)n);
}

/* cli_flush - write what the client is owed */
static void
cli_flush(struct sess *s)
{
	ssize_t	 n;

	if (s->cout.failed) {
		cli_gone(s, "out of memory");
		return;
	}
	while (s->cfd != -1 && s->coutoff < s->cout.len) {
		n = send(s->cfd, s->cout.data + s->coutoff, s->cout.len -
		    s->coutoff, MSG_NOSIGNAL);
		if (n > 0) {
			s->coutoff += (size_t)n;
			s->clast = now_ms();
			continue;
		}
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1 && errno == EAGAIN)
			return;
		cli_gone(s, n == 0 ? "send: nothing written" :
		    strerror(errno));
		return;
	}
	s->cout.len = s->coutoff = 0;
}

/* srv_add - bytes for the next hop */
static void
srv_add(struct sess *s, const char *p, size_t len)
{
	if (s->sfd == -1)
		return;
	if (s->sout.len == s->soutoff && !pend_server(s))
		s->slast = now_ms();
	buf_add(&s->sout, p, len);
}

/* srv_flush - write what the next hop is to get */
static void
srv_flush(struct sess *s)
{
	ssize_t	 n;

	if (s->sfd == -1 || s->state == S_CONNECT)
		return;
	if (s->sout.failed) {
		srv_lost(s, "out of memory");
		return;
	}
	while (s->soutoff < s->sout.len) {
		n = send(s->sfd, s->sout.data + s->soutoff, s->sout.len -
		    s->soutoff, MSG_NOSIGNAL);
		if (n > 0) {
			s->soutoff += (size_t)n;
			s->slast = now_ms();
			continue;
		}
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1 && errno == EAGAIN)
			return;
		srv_lost(s, n == 0 ? "send: nothing written" :
		    strerror(errno));
		return;
	}
	s->sout.len = s->soutoff = 0;
}

/* srv_read - the next hop's replies, line by line */
static void
srv_read(struct sess *s)
{
	const uint8_t	*nl;
	size_t		 len, used;
	ssize_t		 n;
	int		 eof = 0, r;

	if (buf_reserve(&s->sin, 4096) == -1) {
		srv_lost(s, "out of memory");
		return;
	}
	for (;;) {
		n = recv(s->sfd, s->sin.data + s->sin.len, s->sin.cap -
		    s->sin.len, 0);
		if (n > 0) {
			s->sin.len += (size_t)n;
			s->slast = now_ms();
			break;
		}
		if (n == 0) {
			eof = 1;
			break;
		}
		if (errno == EINTR)
			continue;
		if (errno == EAGAIN)
			return;
		srv_lost(s, strerror(errno));
		return;
	}
	used = 0;
	while ((nl = memchr(s->sin.data + used, '\n', s->sin.len - used)) !=
	    NULL) {
		len = (size_t)(nl - (s->sin.data + used));
		if (len > 0 && s->sin.data[used + len - 1] == '\r')
			len--;
		r = smtp_reply_feed(&s->rep, (const char *)s->sin.data + used,
		    len);
		used = (size_t)(nl - s->sin.data) + 1;
		if (r == -1) {
			srv_lost(s, "malformed reply");
			return;
		}
		if (r == 1) {
			srv_reply(s);
			smtp_reply_clear(&s->rep);
			if (s->dead || s->sfd == -1)
				return;
		}
	}
	memmove(s->sin.data, s->sin.data + used, s->sin.len - used);
	s->sin.len -= used;
	if (s->sin.len > SMTP_LINEMAX) {
		srv_lost(s, "reply line too long");
		return;
	}
	if (eof)
		srv_lost(s, "connection closed");
}

/* pend_server - whether the head of the FIFO waits for the next hop */
static int
pend_server(const struct sess *s)
{
	const struct pend	*p = TAILQ_FIRST(&s->pend);

	return p != NULL && p->kind != P_LOCAL && p->kind != P_DATA;
}

/* pend_push - one more reply owed, in order; text is taken over */
static void
pend_push(struct sess *s, enum pkind kind, enum smtp_verb verb, char *text)
{
	struct pend	*p;

	p = xcalloc(1, sizeof(*p));
	p->kind = kind;
	p->verb = verb;
	p->text = text;
	if (kind != P_LOCAL && kind != P_DATA && !pend_server(s))
		s->slast = now_ms();
	TAILQ_INSERT_TAIL(&s->pend, p, entry);
	s->npend++;
}

/* pend_pop - the head is answered */
static void
pend_pop(struct sess *s)
{
	struct pend	*p = TAILQ_FIRST(&s->pend);

	TAILQ_REMOVE(&s->pend, p, entry);
	s->npend--;
	free(p->text);
	free(p);
}

/* pend_run - the replies of our own at the head of the FIFO */
static void
pend_run(struct sess *s)
{
	struct pend	*p;

	while ((p = TAILQ_FIRST(&s->pend)) != NULL) {
		if (p->kind == P_LOCAL) {
			cli_add(s, p->text, strlen(p->text));
			pend_pop(s);
		} else if (p->kind == P_DATA) {
			pend_pop(s);
			s->dwait = 0;
			data_begin(s);
		} else
			break;
	}
}

/*
 * policy_same - do two views of [smtp] decide a message alike: every key
 * the mail library reads for its policy and marks, as written
 */
static int
policy_same(const struct conf_view *a, const struct conf_view *b)
{
	static const enum conf_key keys[] = { CONF_K_ACTION_ON_INFECTED,
	    CONF_K_ACTION_ON_UNCLEANABLE, CONF_K_ACTION_ON_NOTSCANNED,
	    CONF_K_WRITE_TO_HEADER, CONF_K_WRITE_TO_SUBJECT,
	    CONF_K_WRITE_TO_EMAILS, CONF_K_TEMPLATE_DIR,
	    CONF_K_QUARANTINE_DIR, CONF_K_MAX_MESSAGE_SIZE,
	    CONF_K_DAEMON_ADDR, CONF_K_DAEMON_TIMEOUT, CONF_K_MAX_RECURSION,
	    CONF_K_MAX_FILES, CONF_K_MAX_FILESIZE, CONF_K_MAX_SCANSIZE,
	    CONF_K_MAX_RATIO, CONF_K_MAX_SCANTIME, CONF_K_HEURISTIC_ALERTS };
	size_t	 i;

	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (strcmp(conf_get_str(a, keys[i]), conf_get_str(b, keys[i]))
		    != 0)
			return 0;
	return 1;
}

/*
 * split_refuse - with split_recipients, should RCPT rcpt be refused (452)
 * because its sections decide otherwise than those of the transaction's
 * first RCPT; the first one is remembered
 */
static int
split_refuse(struct sess *s, const char *rcpt)
{
	struct conf_view	 a, b;

	if (!conf_get_bool(&s->cfg->v, CONF_K_SPLIT_RECIPIENTS))
		return 0;
	if (s->split0 == NULL) {
		s->split0 = xstrdup(rcpt);
		return 0;
	}
	conf_view(s->cfg->c, &a, CONF_SEC_SMTP, s->split0, NULL);
	conf_view(s->cfg->c, &b, CONF_SEC_SMTP, rcpt, NULL);
	return !policy_same(&a, &b);
}

/* tx_reset - the mail transaction is over */
static void
tx_reset(struct sess *s)
{
	size_t	 i;

	s->mail = 0;
	free(s->sender);
	s->sender = NULL;
	for (i = 0; i < s->nrcpts; i++)
		free(s->rcpts[i]);
	s->nrcpts = 0;
	s->ntried = 0;
}

/* cmd_input - the client's command lines, as far as we may take them */
static void
cmd_input(struct sess *s)
{
	char		 line[SMTP_LINEMAX + 1];
	const uint8_t	*nl;
	size_t		 len, used;

	for (;;) {
		/* stopping: no new command, the session ends when idle */
		if (s->dead || s->state != S_CMD || s->dwait || s->closing ||
		    s->quit || sd.stopping)
			return;
		if (s->npend >= PEND_MAX ||
		    (s->npend > 0 && !(s->srvext & SMTP_X_PIPELINING)))
			return;
		if (s->cin.len == 0 ||
		    (nl = memchr(s->cin.data, '\n', s->cin.len)) == NULL) {
			if (s->cin.len > SMTP_LINEMAX) {
				s->toolong = 1;
				s->cin.len = 0;
			}
			return;
		}
		len = (size_t)(nl - s->cin.data);
		used = len + 1;
		if (len > 0 && s->cin.data[len - 1] == '\r')
			len--;
		if (s->toolong || len > SMTP_LINEMAX) {
			s->toolong = 0;
			pend_push(s, P_LOCAL, SMTP_V_UNKNOWN,
			    xstrdup("500 5.5.2 Error: line too long\r\n"));
		} else {
			memcpy(line, s->cin.data, len);
			line[len] = '\0';
			cmd_one(s, line, len);
		}
		memmove(s->cin.data, s->cin.data + used, s->cin.len - used);
		s->cin.len -= used;
		pend_run(s);
	}
}

/* cmd_one - one command: relayed, or answered here */
static void
cmd_one(struct sess *s, const char *line, size_t len)
{
	struct smtp_cmd	 c;
	char		 addr[SMTP_LINEMAX + 1], *a = NULL;

	smtp_cmd_parse(line, len, &c);
	if (s->srvdead) {
		bye(s, "4.4.2", "Error: next hop closed the connection");
		return;
	}
	switch (c.verb) {
	case SMTP_V_DATA:
		pend_push(s, P_DATA, c.verb, NULL);
		s->dwait = 1;
		return;
	case SMTP_V_BDAT:
		/* the chunk that follows cannot be told from commands */
		pend_push(s, P_LOCAL, c.verb, xstrdup("502 5.5.1 Error: "
		    "BDAT not offered, closing connection\r\n"));
		pend_run(s);
		s->closing = 1;
		return;
	case SMTP_V_STARTTLS:
		pend_push(s, P_LOCAL, c.verb,
		    xstrdup("454 4.7.0 TLS not available\r\n"));
		return;
	case SMTP_V_AUTH:
		pend_push(s, P_LOCAL, c.verb, xstrdup("502 5.5.1 Error: "
		    "authentication not available\r\n"));
		return;
	case SMTP_V_QUIT:
		s->quit = 1;
		break;
	case SMTP_V_MAIL:
		/* a new transaction, as the client sees it (pipelining) */
		free(s->split0);
		s->split0 = NULL;
		if (smtp_path(c.arg, c.arglen, "FROM:", addr,
		    sizeof(addr)) == 0)
			a = xstrdup(addr);
		break;
	case SMTP_V_RSET:
	case SMTP_V_EHLO:
	case SMTP_V_HELO:
		free(s->split0);
		s->split0 = NULL;
		break;
	case SMTP_V_RCPT:
		if (smtp_path(c.arg, c.arglen, "TO:", addr,
		    sizeof(addr)) == 0)
			a = xstrdup(addr);
		if (a != NULL && split_refuse(s, a)) {
			free(a);
			pend_push(s, P_LOCAL, c.verb, xstrdup("452 4.5.3 "
			    "Recipient's virus policy differs: send to it in "
			    "another transaction\r\n"));
			return;
		}
		break;
	default:
		break;
	}
	srv_add(s, line, len);
	srv_add(s, "\r\n", 2);
	pend_push(s, P_SERVER, c.verb, a);
}

/* srv_reply - a complete reply of the next hop: whose is it */
static void
srv_reply(struct sess *s)
{
	struct pend	*p;
	struct smtp_reply *r = &s->rep;
	unsigned	 ext;
	int		 ok = r->code / 100 == 2;

	/* our own replies queued before this one are due first */
	pend_run(s);
	p = TAILQ_FIRST(&s->pend);
	if (p == NULL || p->kind == P_LOCAL || p->kind == P_DATA) {
		srv_unsolicited(s);
		return;
	}
	switch (p->kind) {
	case P_GREET:
		cli_add(s, r->text.data, r->text.len);
		s->state = S_CMD;
		s->clast = now_ms();
		break;
	case P_SERVER:
		switch (p->verb) {
		case SMTP_V_EHLO:
			if (smtp_ehlo_filter(r, &s->cout, &ext) == -1) {
				pend_pop(s);
				srv_lost(s, "out of memory");
				return;
			}
			s->srvext = ext;
			if (ok)
				tx_reset(s);
			break;
		case SMTP_V_HELO:
			cli_add(s, r->text.data, r->text.len);
			if (ok) {
				s->srvext = 0;
				tx_reset(s);
			}
			break;
		case SMTP_V_MAIL:
			cli_add(s, r->text.data, r->text.len);
			if (ok) {
				tx_reset(s);
				s->mail = 1;
				s->sender = p->text != NULL ? p->text :
				    xstrdup("");
				p->text = NULL;
			}
			break;
		case SMTP_V_RCPT:
			cli_add(s, r->text.data, r->text.len);
			s->ntried++;
			if (ok && s->nrcpts < RCPT_MAX) {
				s->rcpts = xreallocarray(s->rcpts,
				    s->nrcpts + 1, sizeof(char *));
				s->rcpts[s->nrcpts++] = p->text != NULL ?
				    p->text : xstrdup("");
				p->text = NULL;
			}
			break;
		case SMTP_V_RSET:
			cli_add(s, r->text.data, r->text.len);
			tx_reset(s);
			break;
		case SMTP_V_XCLIENT:
			cli_add(s, r->text.data, r->text.len);
			if (r->code == 220) {
				s->srvext = 0;
				tx_reset(s);
			}
			break;
		case SMTP_V_QUIT:
			cli_add(s, r->text.data, r->text.len);
			s->closing = 1;
			break;
		default:
			cli_add(s, r->text.data, r->text.len);
			break;
		}
		break;
	case P_SWALLOW:
		if (!ok)
			log_info("%s: next hop answered RSET with %d",
			    s->client, r->code);
		break;
	case P_SDATA:
		if (r->code == 354) {
			s->sending = 1;
			smtp_stuff_init(&s->stuff);
			pend_pop(s);
			body_pump(s);
			return;
		}
		msg_done(s, (const char *)r->text.data, r->text.len);
		srv_rset(s);
		break;
	case P_SDOT:
		msg_done(s, (const char *)r->text.data, r->text.len);
		break;
	default:
		AV_ASSERT(0);
	}
	if (!TAILQ_EMPTY(&s->pend) && TAILQ_FIRST(&s->pend) == p)
		pend_pop(s);
	if (r->code == 421 && p->kind != P_SWALLOW) {
		/* the next hop closes: so do we, after the reply */
		s->closing = 1;
	}
}

/*
 * srv_unsolicited - a reply nobody asked for: a 421 before closing, or
 * the next hop's verdict while we still send the body
 */
static void
srv_unsolicited(struct sess *s)
{
	struct smtp_reply	*r = &s->rep;
	char			 b[200];

	if (s->state == S_SEND && r->code >= 400) {
		msg_done(s, (const char *)r->text.data, r->text.len);
		srv_lost(s, "reply during the data");
		return;
	}
	if (r->code == 421) {
		if (s->state == S_CMD && TAILQ_EMPTY(&s->pend)) {
			cli_add(s, r->text.data, r->text.len);
			s->closing = 1;
		}
		srv_lost(s, "421 from the next hop");
		return;
	}
	log_warnx("%s: next hop: unexpected reply: %s", s->client,
	    vis(b, sizeof(b), (const char *)r->text.data, r->text.len));
	srv_lost(s, "unexpected reply");
}

/*
 * srv_lost - the next hop is gone (closed, timed out, broke the
 * protocol): what the client is owed becomes a 4xx, then we close
 */
static void
srv_lost(struct sess *s, const char *why)
{
	if (s->sfd == -1)
		return;
	log_info("%s: next hop %s: %s", s->client, s->cfg->hopname, why);
	close(s->sfd);
	s->sfd = -1;
	s->srvdead = 1;
	snprintf(s->srvwhy, sizeof(s->srvwhy), "%s", why);
	s->sout.len = s->soutoff = 0;
	switch (s->state) {
	case S_CONNECT:
	case S_GREET:
		while (!TAILQ_EMPTY(&s->pend))
			pend_pop(s);
		log_warnx("%s: next hop %s: %s", s->client, s->cfg->hopname,
		    why);
		bye(s, "4.3.0", "Service not available: next hop "
		    "unreachable, try again later");
		break;
	case S_CMD:
		/* our own replies before the first lost one still go */
		pend_run(s);
		while (!TAILQ_EMPTY(&s->pend))
			pend_pop(s);
		s->dwait = 0;
		bye(s, "4.4.2", "Error: next hop closed the connection");
		break;
	case S_SEND:
		while (!TAILQ_EMPTY(&s->pend))
			pend_pop(s);
		if (s->job != NULL) {
			msg_note(s, NULL, NULL, NULL);
			msg_done_s(s, "451 4.4.2 Error: next hop lost, message "
			    "not delivered\r\n");
		}
		bye(s, "4.4.2", "Error: next hop closed the connection");
		break;
	case S_DATA:
	case S_SCAN:
		/* answered when the message is complete or scanned */
		while (!TAILQ_EMPTY(&s->pend))
			pend_pop(s);
		break;
	}
}

/* srv_rset - end the next hop's transaction without a message */
static void
srv_rset(struct sess *s)
{
	if (s->sfd == -1)
		return;
	srv_add(s, "RSET\r\n", 6);
	pend_push(s, P_SWALLOW, SMTP_V_RSET, NULL);
}

/* data_begin - the client's DATA is at the head: 354, or why not */
static void
data_begin(struct sess *s)
{
	const char	*dir;

	if (!s->mail) {
		cli_printf(s, "503 5.5.1 Error: need MAIL command\r\n");
		return;
	}
	if (s->nrcpts == 0) {
		cli_printf(s, s->ntried == 0 ? "503 5.5.1 Error: need RCPT "
		    "command\r\n" : "554 5.5.1 Error: no valid recipients\r\n");
		return;
	}
	/* the first accepted recipient's sections decide (issue 7) */
	conf_view(s->cfg->c, &s->mv, CONF_SEC_SMTP, s->rcpts[0], NULL);
	dir = conf_get_str(&s->mv, CONF_K_TMP_DIR);
	smtp_spool_init(&s->spool, dir,
	    (size_t)conf_get_size(&s->mv, CONF_K_SPOOL_MEMORY),
	    conf_get_size(&s->mv, CONF_K_MAX_MESSAGE_SIZE));
	smtp_dot_init(&s->dot);
	s->t0 = now_ms();
	s->mres[0] = s->mact[0] = s->mreason[0] = '\0';
	cli_printf(s, "354 End data with <CR><LF>.<CR><LF>\r\n");
	s->state = S_DATA;
}

/*
 * data_read - a large message's data read straight into the spool's room
 * and unstuffed there (smtp_proto.h: smtp_dot_lag()), which saves
 * copying every byte through cin once (5% of vigil-smtpd's time on 1 MB
 * messages); what follows the final dot (pipelined commands) goes to
 * cin.  Only past DATA_INPLACE bytes, where the spool's memory part
 * has its full size already (smtp_spool.c) and asking for a whole
 * READ_CHUNK of room grows it no more.  0, or -1 when the spool has no
 * room (it failed: cin takes the data, data_input() drops it).
 */
static int
data_read(struct sess *s)
{
	uint8_t	*dst;
	size_t	 lag = smtp_dot_lag(&s->dot), used, olen;
	ssize_t	 n;
	int	 done;

	if ((dst = smtp_spool_space(&s->spool, lag + READ_CHUNK + 2)) ==
	    NULL)
		return -1;
	while ((n = recv(s->cfd, dst + lag, READ_CHUNK, 0)) == -1 &&
	    errno == EINTR)
		;
	if (n <= 0) {
		(void)smtp_spool_commit(&s->spool, 0);
		if (n == 0)
			cli_gone(s, "connection closed");
		else if (errno != EAGAIN)
			cli_gone(s, strerror(errno));
		return 0;
	}
	s->clast = now_ms();
	used = smtp_dot_feed(&s->dot, dst + lag, (size_t)n, dst, &olen,
	    &done);
	/* before the commit, which may write the room out */
	if (used < (size_t)n) {
		if (buf_reserve(&s->cin, (size_t)n - used) == -1) {
			(void)smtp_spool_commit(&s->spool, 0);
			cli_gone(s, "out of memory");
			return 0;
		}
		buf_add(&s->cin, dst + lag + used, (size_t)n - used);
	}
	(void)smtp_spool_commit(&s->spool, olen);
	if (done)
		data_end(s);
	return 0;
}

/* data_input - the body, unstuffed into the spool, until the dot */
static void
data_input(struct sess *s)
{
	static uint8_t	 out[READ_CHUNK + 2];	/* when the spool failed */
	uint8_t		*dst;
	size_t		 n, used, olen;
	int		 done;

	while (s->state == S_DATA && s->cin.len > 0) {
		n = s->cin.len < READ_CHUNK ? s->cin.len : READ_CHUNK;
		/* unstuffed straight into the spool */
		dst = smtp_spool_space(&s->spool, n + 2);
		used = smtp_dot_feed(&s->dot, s->cin.data, n,
		    dst != NULL ? dst : out, &olen, &done);
		if (dst != NULL)
			(void)smtp_spool_commit(&s->spool, olen);
		memmove(s->cin.data, s->cin.data + used, s->cin.len - used);
		s->cin.len -= used;
		if (done)
			data_end(s);
	}
}

/* data_end - the final dot: refuse, or hand the message to a thread */
static void
data_end(struct sess *s)
{
	struct smtp_job	*j;
	char		 b[300];

	if (s->srvdead) {
		msg_note(s, "-", "-", s->srvwhy);
		msg_done_s(s, "451 4.4.2 Error: next hop closed the connection, "
		    "message not delivered\r\n");
		bye(s, "4.4.2", "Error: next hop closed the connection");
		return;
	}
	if (s->spool.over) {
		msg_note(s, "-", "reject", "message size exceeds "
		    "max_message_size");
		msg_done_s(s, "552 5.3.4 Error: message size exceeds fixed "
		    "limit\r\n");
		srv_rset(s);
		return;
	}
	if (smtp_spool_finish(&s->spool) == -1) {
		log_warnx("%s: spool: %s", s->client, s->spool.err);
		snprintf(b, sizeof(b), "spool: %.250s", s->spool.err);
		msg_note(s, "not scanned", "defer", b);
		msg_done_s(s, "451 4.7.1 Temporary failure: the message could "
		    "not be spooled, try again later\r\n");
		srv_rset(s);
		return;
	}
	j = xcalloc(1, sizeof(*j));
	mail_policy_conf(&j->p, &s->mv);
	j->e.agent = "smtp";
	j->e.sender = s->sender;
	j->e.rcpts = (const char *const *)s->rcpts;
	j->e.nrcpts = s->nrcpts;
	j->msg = s->spool.data;
	j->len = s->spool.len;
	j->fd = s->spool.fd;
	j->arg = s;
	mail_out_init(&j->o);
	j->o.edits_only = 1;		/* sent as pieces: no copy */
	s->job = j;
	s->state = S_SCAN;
	smtp_scan_submit(sd.scan, j);
}

/* scan_done - a thread is back with the verdict: apply the policy */
static void
scan_done(struct smtp_job *j)
{
	struct sess	*s = j->arg;
	struct mail_out	*o = &j->o;
	char		 r[sizeof(o->reason)];

	AV_ASSERT(s->job == j && s->state == S_SCAN);
	vis(r, sizeof(r), o->reason, strlen(o->reason));
	if (s->dead) {
		/* the client left during the scan: nothing is sent */
		msg_note(s, mail_result_str(o->result),
		    mail_action_str(o->action), "client left during the scan");
		msg_done_s(s, "(client left)");
		TAILQ_INSERT_TAIL(&sd.dead, s, entry);
		return;
	}
	if (j->rc == -1)
		log_warnx("%s: scan failed: %s", s->client, r);
	msg_note(s, mail_result_str(o->result), mail_action_str(o->action),
	    r);
	switch (o->action) {
	case MAIL_ACCEPT:
	case MAIL_CLEAN:
		if (s->srvdead) {
			msg_done_s(s, "451 4.4.2 Error: next hop closed the "
			    "connection, message not delivered\r\n");
			bye(s, "4.4.2", "Error: next hop closed the "
			    "connection");
			break;
		}
		body_pieces(s, o);
		s->sending = s->dotsent = 0;
		s->state = S_SEND;
		srv_add(s, "DATA\r\n", 6);
		pend_push(s, P_SDATA, SMTP_V_DATA, NULL);
		break;
	case MAIL_REJECT:
		cli_printf(s, "554 5.7.1 %s\r\n", r);
		msg_done(s, NULL, 0);
		srv_rset(s);
		break;
	case MAIL_DISCARD:
	case MAIL_QUARANTINE:
		cli_printf(s, "250 2.0.0 Ok: %s by Vigil (%s)\r\n",
		    o->action == MAIL_DISCARD ? "discarded" : "quarantined",
		    r);
		msg_done(s, NULL, 0);
		srv_rset(s);
		break;
	case MAIL_DEFER:
	default:
		if (j->rc == -1)
			cli_printf(s, "451 4.7.1 Temporary failure: the message "
			    "could not be scanned, try again later\r\n");
		else
			cli_printf(s, "451 4.7.1 %s\r\n", r);
		msg_done(s, NULL, 0);
		srv_rset(s);
		break;
	}
	sess_run(s);
}

/*
 * body_pieces - what goes to the next hop: the spool's bytes between the
 * mail library's splices (o->edits, sorted and disjoint) and theirs
 */
static void
body_pieces(struct sess *s, const struct mail_out *o)
{
	const struct mail_edit	*e;
	size_t			 i, at = 0, n = 0;
	int			 plain;

	/*
	 * The spool's pieces need no search for dots to stuff when the
	 * client stuffed none (smtp_proto.h): 9% of vigil-smtpd's time on
	 * 1 MB of text.  The library's own text is searched.
	 */
	plain = s->dot.dropped == 0;
	s->body = xcalloc(2 * o->nedits + 1, sizeof(*s->body));
	for (i = 0; i < o->nedits; i++) {
		e = &o->edits[i];
		s->body[n].p = s->spool.data + at;
		s->body[n].plain = plain;
		s->body[n++].len = e->off - at;
		s->body[n].p = o->pool.data + e->data;
		s->body[n++].len = e->dlen;
		at = e->off + e->len;
	}
	s->body[n].p = s->spool.data + at;
	s->body[n].plain = plain;
	s->body[n++].len = s->spool.len - at;
	s->nbody = n;
	s->ibody = s->bodyoff = 0;
}

/* body_pump - the message, dot-stuffed, while the next hop takes it */
static void
body_pump(struct sess *s)
{
	const struct piece	*pc;
	size_t			 used, olen, room;
	char			 end[8];

	if (s->state != S_SEND || !s->sending || s->dotsent || s->sfd == -1)
		return;
	while (s->sout.len - s->soutoff < SOUT_LOW) {
		if (s->soutoff > 0) {
			memmove(s->sout.data, s->sout.data + s->soutoff,
			    s->sout.len - s->soutoff);
			s->sout.len -= s->soutoff;
			s->soutoff = 0;
		}
		if (buf_reserve(&s->sout, BODY_CHUNK) == -1) {
			srv_lost(s, "out of memory");
			return;
		}
		for (room = BODY_CHUNK; room > 0 && s->ibody < s->nbody;
		    room -= olen) {
			pc = &s->body[s->ibody];
			s->stuff.plain = pc->plain;
			used = smtp_stuff(&s->stuff, pc->p + s->bodyoff,
			    pc->len - s->bodyoff, s->sout.data + s->sout.len,
			    room, &olen);
			s->sout.len += olen;
			s->bodyoff += used;
			if (s->bodyoff == pc->len) {
				s->ibody++;
				s->bodyoff = 0;
			} else if (used == 0 && olen == 0)
				break;
		}
		if (s->ibody == s->nbody) {
			/* the end goes with the last piece: one send */
			olen = smtp_stuff_end(&s->stuff, end);
			srv_add(s, end, olen);
			s->dotsent = 1;
			pend_push(s, P_SDOT, SMTP_V_DATA, NULL);
			break;
		}
		srv_flush(s);
		if (s->sfd == -1)
			return;
	}
	srv_flush(s);
}

/* msg_note - what the scan said, for the log line (NULL: keep) */
static void
msg_note(struct sess *s, const char *res, const char *act,
    const char *reason)
{
	if (res != NULL)
		strlcpy(s->mres, res, sizeof(s->mres));
	if (act != NULL)
		strlcpy(s->mact, act, sizeof(s->mact));
	if (reason != NULL)
		strlcpy(s->mreason, reason, sizeof(s->mreason));
}

/* msg_done_s - msg_done() with a string */
static void
msg_done_s(struct sess *s, const char *reply)
{
	msg_done(s, reply, strlen(reply));
}

/*
 * msg_done - the message's end: the client's reply (reply; NULL: already
 * given), the log line, the spool and the transaction released
 */
static void
msg_done(struct sess *s, const char *reply, size_t rlen)
{
	struct buf	 to;
	const char	*nl;
	char		 rv[300], fr[300], rs[300];
	size_t		 i, shown;
	const char	*given;

	if (reply != NULL && reply[0] >= '2' && reply[0] <= '5')
		cli_add(s, reply, rlen);
	/* the reply for the log: its first line, or the last we gave */
	given = reply;
	shown = rlen;
	if (reply == NULL) {
		given = "";
		shown = 0;
		if (s->cout.len > s->coutoff) {
			given = (const char *)s->cout.data + s->coutoff;
			shown = s->cout.len - s->coutoff;
			for (i = shown - 1; i > 0 && given[i - 1] != '\n'; i--)
				;
			given += i;
			shown -= i;
		}
	}
	if (shown > 0 && (nl = memchr(given, '\r', shown)) != NULL)
		shown = (size_t)(nl - given);
	buf_init(&to);
	for (i = 0; i < s->nrcpts && to.len < 600; i++) {
		if (i > 0)
			buf_add(&to, ",", 1);
		buf_add(&to, s->rcpts[i], strlen(s->rcpts[i]));
	}
	buf_add(&to, "", 1);
	vis(rv, sizeof(rv), given, shown);
	log_notice("%s: from=<%s> to=<%s> size=%llu result=%s action=%s "
	    "reason=\"%s\" reply=\"%s\" time=%.3fs", s->client,
	    vis(fr, sizeof(fr), s->sender != NULL ? s->sender : "",
	    SIZE_MAX), to.failed ? "?" : vis(rs, sizeof(rs),
	    (const char *)to.data, SIZE_MAX), (unsigned long long)s->spool.size,
	    s->mres[0] ? s->mres : "-", s->mact[0] ? s->mact : "-",
	    s->mreason, rv, (double)(now_ms() - s->t0) / 1000.0);
	buf_clear(&to);
	if (s->job != NULL) {
		mail_out_free(&s->job->o);
		free(s->job);
		s->job = NULL;
	}
	free(s->body);
	s->body = NULL;
	s->nbody = s->ibody = s->bodyoff = 0;
	s->sending = s->dotsent = 0;
	smtp_spool_free(&s->spool);
	tx_reset(s);
	if (s->state == S_DATA || s->state == S_SCAN || s->state == S_SEND)
		s->state = S_CMD;
}
