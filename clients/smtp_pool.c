/*
 * smtp_pool.c - scan threads for vigil-smtpd's event loop
 *
 * DESCRIPTION
 *	One mutex guards both lists; "work" wakes idle threads, the eventfd
 *	wakes the loop.  A thread holds the mutex only to take or give back
 *	a job, never while it scans.
 */
#include <sys/eventfd.h>

#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>

#include <bsd/sys/queue.h>

#include "clients/mail.h"
#include "clients/smtp_pool.h"

TAILQ_HEAD(smtp_jobq, smtp_job);

struct smtp_pool {
	pthread_mutex_t	 mu;
	pthread_cond_t	 work;
	struct smtp_jobq todo;
	struct smtp_jobq done;
	int		 efd;
	int		 stop;
	unsigned	 nthreads;
	pthread_t	*threads;
};

static void	*pool_thread(void *);

/* pool_thread - take a job, scan, give it back; until stopped */
static void *
pool_thread(void *arg)
{
	struct smtp_pool	*pl = arg;
	struct smtp_job		*j;
	struct mail_conn	 conn;		/* to vigild, between jobs */
	uint64_t		 one = 1;
	ssize_t			 n;

	mail_conn_init(&conn);
	pthread_mutex_lock(&pl->mu);
	for (;;) {
		while (TAILQ_EMPTY(&pl->todo) && !pl->stop)
			pthread_cond_wait(&pl->work, &pl->mu);
		if ((j = TAILQ_FIRST(&pl->todo)) == NULL)
			break;
		TAILQ_REMOVE(&pl->todo, j, entry);
		pthread_mutex_unlock(&pl->mu);

		if (j->decide) {
			j->rc = mail_decide(&j->p, &j->e, j->msg, j->len,
			    &j->v, j->serial, &j->o);
			j->err = j->rc == -1 ? errno : 0;
			verdict_free(&j->v);
		} else {
			j->rc = mail_scan_conn(&j->p, &j->e, j->msg, j->len,
			    j->fd, &conn, &j->o);
			j->err = j->rc == -1 ? errno : 0;
		}

		pthread_mutex_lock(&pl->mu);
		TAILQ_INSERT_TAIL(&pl->done, j, entry);
		/* a full counter (never in practice) still reads readable */
		do
			n = write(pl->efd, &one, sizeof(one));
		while (n == -1 && errno == EINTR);
	}
	pthread_mutex_unlock(&pl->mu);
	mail_conn_close(&conn);
	return NULL;
}

/* smtp_pool_new - start nthreads scan threads (at least one) */
struct smtp_pool *
smtp_pool_new(unsigned nthreads)
{
	struct smtp_pool	*pl;
	int			 e = EAGAIN;

	if (nthreads == 0)
		nthreads = 1;
	if ((pl = calloc(1, sizeof(*pl))) == NULL)
		return NULL;
	if ((pl->threads = calloc(nthreads, sizeof(pthread_t))) == NULL) {
		free(pl);
		errno = ENOMEM;
		return NULL;
	}
	TAILQ_INIT(&pl->todo);
	TAILQ_INIT(&pl->done);
	pthread_mutex_init(&pl->mu, NULL);
	pthread_cond_init(&pl->work, NULL);
	if ((pl->efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)) == -1) {
		e = errno;
		goto fail;
	}
	for (; pl->nthreads < nthreads; pl->nthreads++)
		if ((e = pthread_create(&pl->threads[pl->nthreads], NULL,
		    pool_thread, pl)) != 0)
			break;
	if (pl->nthreads > 0)
		return pl;
fail:
	if (pl->efd != -1)
		close(pl->efd);
	pthread_cond_destroy(&pl->work);
	pthread_mutex_destroy(&pl->mu);
	free(pl->threads);
	free(pl);
	errno = e;
	return NULL;
}

/* smtp_pool_fd - readable while done jobs wait */
int
smtp_pool_fd(const struct smtp_pool *pl)
{
	return pl->efd;
}

/* smtp_pool_submit - queue a job for the next idle thread */
void
smtp_pool_submit(struct smtp_pool *pl, struct smtp_job *j)
{
	pthread_mutex_lock(&pl->mu);
	TAILQ_INSERT_TAIL(&pl->todo, j, entry);
	pthread_cond_signal(&pl->work);
	pthread_mutex_unlock(&pl->mu);
}

/* smtp_pool_done - the next finished job, or NULL */
struct smtp_job *
smtp_pool_done(struct smtp_pool *pl)
{
	struct smtp_job	*j;
	uint64_t	 v;
	ssize_t		 n;

	pthread_mutex_lock(&pl->mu);
	if ((j = TAILQ_FIRST(&pl->done)) != NULL)
		TAILQ_REMOVE(&pl->done, j, entry);
	else {
		/* drained: the counter back to 0 (EAGAIN when it is) */
		n = read(pl->efd, &v, sizeof(v));
		(void)n;
	}
	pthread_mutex_unlock(&pl->mu);
	return j;
}

/* smtp_pool_free - finish the queue, stop the threads, free */
void
smtp_pool_free(struct smtp_pool *pl)
{
	unsigned	 i;

	if (pl == NULL)
		return;
	pthread_mutex_lock(&pl->mu);
	pl->stop = 1;
	pthread_cond_broadcast(&pl->work);
	pthread_mutex_unlock(&pl->mu);
	for (i = 0; i < pl->nthreads; i++)
		pthread_join(pl->threads[i], NULL);
	close(pl->efd);
	pthread_cond_destroy(&pl->work);
	pthread_mutex_destroy(&pl->mu);
	free(pl->threads);
	free(pl);
}
