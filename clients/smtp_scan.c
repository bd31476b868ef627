/*
 * smtp_scan.c - pipelined descriptor scans from an event loop
 *
 * DESCRIPTION
 *	See smtp_scan.h.  Connections are kept per daemon address in the
 *	order they were opened; a message goes on the first one with room
 *	in its pipeline, so under light load a single connection carries
 *	everything.  Each connection lists its scans in flight in the order
 *	sent; vigild answers in any order, by request id.
 *
 *	The memfds that carry messages from memory are kept and written
 *	over for later messages: creating one and freeing it (in the worker
 *	that closes the last reference) cost vigil-smtpd and the worker
 *	about 7% of their time per 10 KB message.  A memfd is kept only
 *	when vigild answered its scan: the worker has read it then and
 *	holds it no longer.  One whose scan went to the pool (a timeout, a
 *	lost connection, R_ERROR) may still be read by a worker of the old
 *	request, so it is closed and never written again.  At most
 *	SCAN_KEEPFILES of at most SCAN_KEEPSIZE bytes each are kept idle.
 */
#include <sys/epoll.h>
#include <sys/mman.h>

#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <bsd/string.h>
#include <bsd/sys/queue.h>

#include "av/verdict.h"
#include "clients/mail.h"
#include "clients/smtp_scan.h"
#include "clients/vclient.h"

#define SCAN_MAXCONN	64		/* connections to vigild */
#define SCAN_KEEPFILES	64		/* idle memfds kept for reuse */
#define SCAN_KEEPSIZE	(128 * 1024)	/* bigger ones are not kept */

TAILQ_HEAD(jobq, smtp_job);

struct sconn {
	int			 kind;		/* first: the loop reads it */
	TAILQ_ENTRY(sconn)	 entry;
	struct vclient		 vc;
	char			 addr[PATH_MAX];
	struct jobq		 jobs;		/* in flight, as sent */
	int			 dead;		/* closed, not freed yet */
};

struct smtp_scan {
	int			 ep;
	int			 kind;
	struct smtp_pool	*pool;
	TAILQ_HEAD(, sconn)	 conns;
	TAILQ_HEAD(, sconn)	 dead;		/* closed during a batch */
	unsigned		 nconns;
	struct jobq		 done;
	struct verdict		 v;		/* the answer being read */
	int			 files[SCAN_KEEPFILES];	/* idle memfds */
	unsigned		 nfiles;
};

static int64_t		 now_ms(void);
static void		 to_pool(struct smtp_scan *, struct smtp_job *);
static struct sconn	*conn_get(struct smtp_scan *, const char *, int);
static void		 conn_close(struct smtp_scan *, struct sconn *);
static int		 memfd_of(struct smtp_scan *, const uint8_t *,
			    size_t);
static void		 memfd_done(struct smtp_scan *, struct smtp_job *,
			    int);
static void		 answered(struct smtp_scan *, struct smtp_job *,
			    uint64_t);

/* now_ms - the monotonic clock in milliseconds */
static int64_t
now_ms(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* smtp_scan_new - no connection yet; jobs it cannot send go to pl */
struct smtp_scan *
smtp_scan_new(int ep, int kind, struct smtp_pool *pl)
{
	struct smtp_scan	*sc;

	if ((sc = calloc(1, sizeof(*sc))) == NULL)
		return NULL;
	sc->ep = ep;
	sc->kind = kind;
	sc->pool = pl;
	TAILQ_INIT(&sc->conns);
	TAILQ_INIT(&sc->dead);
	TAILQ_INIT(&sc->done);
	verdict_init(&sc->v);
	return sc;
}

/* to_pool - a thread scans j again from the start, with failover */
static void
to_pool(struct smtp_scan *sc, struct smtp_job *j)
{
	memfd_done(sc, j, 0);
	j->conn = NULL;
	j->decide = 0;
	smtp_pool_submit(sc->pool, j);
}

/* conn_get - a connection to addr with room for one more scan, or NULL */
static struct sconn *
conn_get(struct smtp_scan *sc, const char *addr, int timeout)
{
	struct epoll_event	 ev;
	struct sconn		*c;

	TAILQ_FOREACH(c, &sc->conns, entry)
		if (c->vc.npending < VCLIENT_MAXPIPE &&
		    strcmp(c->addr, addr) == 0)
			return c;
	if (sc->nconns >= SCAN_MAXCONN || strlen(addr) >= sizeof(c->addr) ||
	    (c = calloc(1, sizeof(*c))) == NULL)
		return NULL;
	c->kind = sc->kind;
	strlcpy(c->addr, addr, sizeof(c->addr));
	TAILQ_INIT(&c->jobs);
	if (vclient_open_nowait(&c->vc, addr, timeout) == -1) {
		vclient_close(&c->vc);
		free(c);
		return NULL;
	}
	memset(&ev, 0, sizeof(ev));
	ev.events = EPOLLIN;
	ev.data.ptr = c;
	if (epoll_ctl(sc->ep, EPOLL_CTL_ADD, c->vc.sock, &ev) == -1) {
		vclient_close(&c->vc);
		free(c);
		return NULL;
	}
	TAILQ_INSERT_TAIL(&sc->conns, c, entry);
	sc->nconns++;
	return c;
}

/*
 * conn_close - drop a connection; its scans in flight go to the pool.
 * It is freed by smtp_scan_done(): an event for it may still wait in
 * the loop's batch.
 */
static void
conn_close(struct smtp_scan *sc, struct sconn *c)
{
	struct smtp_job	*j;

	while ((j = TAILQ_FIRST(&c->jobs)) != NULL) {
		TAILQ_REMOVE(&c->jobs, j, entry);
		to_pool(sc, j);
	}
	epoll_ctl(sc->ep, EPOLL_CTL_DEL, c->vc.sock, NULL);
	vclient_close(&c->vc);
	TAILQ_REMOVE(&sc->conns, c, entry);
	sc->nconns--;
	c->dead = 1;
	TAILQ_INSERT_TAIL(&sc->dead, c, entry);
}

/*
 * memfd_of - an anonymous file holding exactly msg[0, len): a kept one
 * written over, or a new one; -1 when none can be had
 */
static int
memfd_of(struct smtp_scan *sc, const uint8_t *msg, size_t len)
{
	ssize_t	 n;
	size_t	 off = 0;
	int	 fd;

	if (sc->nfiles > 0)
		fd = sc->files[--sc->nfiles];
	else if ((fd = memfd_create("vigil-smtp", MFD_CLOEXEC)) == -1)
		return -1;
	while (off < len) {
		n = pwrite(fd, msg + off, len - off, (off_t)off);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			close(fd);
			return -1;
		}
		off += (size_t)n;
	}
	/* a longer message may have been there before */
	if (ftruncate(fd, (off_t)len) == -1) {
		close(fd);
		return -1;
	}
	return fd;
}

/*
 * memfd_done - j's memfd is no longer needed: kept for the next message
 * when the scan was answered (keep), else closed
 */
static void
memfd_done(struct smtp_scan *sc, struct smtp_job *j, int keep)
{
	if (j->scratch == -1)
		return;
	if (keep && j->len <= SCAN_KEEPSIZE && sc->nfiles < SCAN_KEEPFILES)
		sc->files[sc->nfiles++] = j->scratch;
	else
		close(j->scratch);
	j->scratch = -1;
}

/* smtp_scan_submit - send j to vigild, or give it to the pool */
void
smtp_scan_submit(struct smtp_scan *sc, struct smtp_job *j)
{
	const struct mail_policy	*p = &j->p;
	struct mail_req			 mr;
	struct sconn			*c;
	int				 fd = j->fd, r;

	verdict_init(&j->v);
	j->decide = 0;
	j->conn = NULL;
	j->scratch = -1;
	if (p->ndaemons == 0 || p->daemons[0][0] != '/' ||
	    (p->max_message_size != 0 && j->len > p->max_message_size) ||
	    (c = conn_get(sc, p->daemons[0], p->timeout_ms)) == NULL) {
		to_pool(sc, j);
		return;
	}
	if (fd == -1) {
		if ((fd = memfd_of(sc, j->msg, j->len)) == -1) {
			to_pool(sc, j);
			return;
		}
		j->scratch = fd;
	}
	mail_request(&j->e, &mr);
	c->vc.timeout = p->timeout_ms;
	r = vclient_scan_send(&c->vc, fd, &mr.rq, &j->id);
	if (r != 0) {
		conn_close(sc, c);
		to_pool(sc, j);
		return;
	}
	j->conn = c;
	j->deadline = p->timeout_ms < 0 ? INT64_MAX :
	    now_ms() + p->timeout_ms;
	TAILQ_INSERT_TAIL(&c->jobs, j, entry);
}

/*
 * answered - j's verdict is in sc->v: decide here when it is clean and
 * the policy reads no template, else let a thread decide
 */
static void
answered(struct smtp_scan *sc, struct smtp_job *j, uint64_t serial)
{
	struct verdict	 t;

	memfd_done(sc, j, 1);
	t = j->v;
	j->v = sc->v;
	sc->v = t;
	j->serial = serial;
	if (j->v.ninfected == 0 && j->v.nnotscanned == 0 &&
	    !j->p.write_to_emails) {
		j->rc = mail_decide(&j->p, &j->e, j->msg, j->len, &j->v,
		    serial, &j->o);
		j->err = j->rc == -1 ? errno : 0;
		verdict_free(&j->v);
		TAILQ_INSERT_TAIL(&sc->done, j, entry);
		return;
	}
	j->decide = 1;
	smtp_pool_submit(sc->pool, j);
}

/* smtp_scan_input - a connection is readable: every answer it holds */
void
smtp_scan_input(struct smtp_scan *sc, void *ref)
{
	struct sconn	*c = ref;
	struct smtp_job	*j;
	uint32_t	 id;
	int		 r;

	if (c->dead)
		return;			/* closed earlier in this batch */
	if (c->vc.npending == 0) {
		/* nothing asked: vigild closed it (or spoke out of turn) */
		conn_close(sc, c);
		return;
	}
	while (c->vc.npending > 0) {
		r = vclient_scan_recv(&c->vc, 0, &id, &sc->v);
		if (r == -1 && errno == ETIMEDOUT)
			return;			/* no more for now */
		if (r == -1 || (r == 1 && id == 0)) {
			conn_close(sc, c);
			return;
		}
		TAILQ_FOREACH(j, &c->jobs, entry)
			if (j->id == id)
				break;
		if (j == NULL) {
			conn_close(sc, c);	/* an answer to nothing */
			return;
		}
		TAILQ_REMOVE(&c->jobs, j, entry);
		j->conn = NULL;
		if (r == 1)
			to_pool(sc, j);		/* R_ERROR: try it all again */
		else
			answered(sc, j, c->vc.serial);
	}
}

/*
 * smtp_scan_done - the next job decided here; NULL when none is left,
 * and then the connections closed since are freed
 */
struct smtp_job *
smtp_scan_done(struct smtp_scan *sc)
{
	struct smtp_job	*j;
	struct sconn	*c;

	if ((j = TAILQ_FIRST(&sc->done)) != NULL) {
		TAILQ_REMOVE(&sc->done, j, entry);
		return j;
	}
	while ((c = TAILQ_FIRST(&sc->dead)) != NULL) {
		TAILQ_REMOVE(&sc->dead, c, entry);
		free(c);
	}
	return NULL;
}

/* smtp_scan_tick - a connection with a scan past its time is dropped */
void
smtp_scan_tick(struct smtp_scan *sc)
{
	struct sconn	*c, *ct;
	struct smtp_job	*j;
	int64_t		 now = now_ms();

	TAILQ_FOREACH_SAFE(c, &sc->conns, entry, ct)
		TAILQ_FOREACH(j, &c->jobs, entry)
			if (j->deadline <= now) {
				conn_close(sc, c);
				break;
			}
}

/* smtp_scan_free - close every connection, then free */
void
smtp_scan_free(struct smtp_scan *sc)
{
	struct sconn	*c;

	if (sc == NULL)
		return;
	while ((c = TAILQ_FIRST(&sc->conns)) != NULL)
		conn_close(sc, c);
	while (smtp_scan_done(sc) != NULL)
		;			/* the loop collected them all */
	while (sc->nfiles > 0)
		close(sc->files[--sc->nfiles]);
	verdict_free(&sc->v);
	free(sc);
}
