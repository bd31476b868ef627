/*
 * sv_log.c - vigild's log lines: detections, clients, workers' MSG_LOG
 *
 * DESCRIPTION
 *	See sv_log.h.  Everything a client or a worker chose (paths, names,
 *	worker texts) is escaped before it reaches a log line, so that no
 *	one can forge a line or a terminal sequence.  A worker can flood its
 *	own log lines only up to SV_LOG_RATE a second; what is dropped is
 *	counted and reported, never silently lost.
 */
#include <sys/socket.h>

#include <netdb.h>

#include <stdio.h>
#include <string.h>

#include "av/verdict.h"
#include "daemon/sv_log.h"
#include "util/log.h"

/* sv_lograte_take - may one more line be written now? */
int
sv_lograte_take(struct sv_lograte *r, int64_t now, unsigned limit,
    unsigned long *dropped)
{
	if (dropped != NULL)
		*dropped = 0;
	if (r->n == 0 || now - r->start >= SV_LOG_WINDOW_MS || now < r->start) {
		r->start = now;
		r->n = 0;
	}
	if (r->n >= limit) {
		r->dropped++;
		return 0;
	}
	r->n++;
	if (dropped != NULL)
		*dropped = r->dropped;
	r->dropped = 0;
	return 1;
}

/* sv_log_vis - src made safe for a log line */
size_t
sv_log_vis(char *dst, size_t len, const char *src)
{
	const unsigned char	*s = (const unsigned char *)src;
	size_t			 o = 0;

	for (; *s != '\0'; s++) {
		if (*s < 0x20 || *s == 0x7f || *s == '\\') {
			if (o + 4 >= len)
				break;
			snprintf(dst + o, 5, "\\%03o", *s);
			o += 4;
		} else {
			if (o + 1 >= len)
				break;
			dst[o++] = (char)*s;
		}
	}
	dst[o] = '\0';
	return o;
}

/* sv_log_peer - who is on fd, for log lines and VIGIL_CLIENT */
void
sv_log_peer(char *buf, size_t len, int fd, int local)
{
	struct sockaddr_storage	 ss;
	struct ucred		 uc;
	socklen_t		 sl;
	char			 host[NI_MAXHOST], port[NI_MAXSERV];

	if (local) {
		sl = sizeof(uc);
		if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &uc, &sl) == 0 &&
		    sl == sizeof(uc))
			snprintf(buf, len, "uid %lu pid %ld",
			    (unsigned long)uc.uid, (long)uc.pid);
		else
			snprintf(buf, len, "unix");
		return;
	}
	sl = sizeof(ss);
	if (getpeername(fd, (struct sockaddr *)&ss, &sl) == -1 ||
	    getnameinfo((struct sockaddr *)&ss, sl, host, sizeof(host), port,
	    sizeof(port), NI_NUMERICHOST | NI_NUMERICSERV) != 0) {
		snprintf(buf, len, "tcp");
		return;
	}
	if (ss.ss_family == AF_INET6)
		snprintf(buf, len, "[%s]:%s", host, port);
	else
		snprintf(buf, len, "%s:%s", host, port);
}

/* sv_log_worker - a worker's MSG_LOG line, rate-limited */
void
sv_log_worker(struct sv_lograte *r, int64_t now, uint32_t slot, long pid,
    int level, const char *text)
{
	char		 vis[1024];
	unsigned long	 dropped;

	if (level < LOG_LVL_ERROR)
		level = LOG_LVL_ERROR;
	if (level > log_getlevel())
		return;
	if (!sv_lograte_take(r, now, SV_LOG_RATE, &dropped))
		return;
	if (dropped != 0)
		log_warnx("worker %u pid %ld: %lu log lines dropped (more "
		    "than %d a second)", slot, pid, dropped, SV_LOG_RATE);
	sv_log_vis(vis, sizeof(vis), text);
	log_at(level, "worker %u pid %ld: %s", slot, pid, vis);
}

/* sv_log_worker_gone - the drops of a reaped worker not yet reported */
void
sv_log_worker_gone(struct sv_lograte *r, uint32_t slot, long pid)
{
	if (r->dropped != 0)
		log_warnx("worker %u pid %ld: %lu log lines dropped (more "
		    "than %d a second)", slot, pid, r->dropped, SV_LOG_RATE);
	r->dropped = 0;
}

/* sv_log_detection - one line per object and signature */
void
sv_log_detection(const struct sv_detection *d)
{
	const struct verdict	*v = d->v;
	char			 path[2048], name[512];
	uint32_t		 o, k, h;

	if (log_getlevel() < LOG_LVL_NOTICE)
		return;
	for (o = 0; o < v->nobj; o++) {
		for (k = 0; (h = verdict_hit(v, o, k)) != UINT32_MAX; k++) {
			sv_log_vis(path, sizeof(path), verdict_path(v, o));
			sv_log_vis(name, sizeof(name), verdict_name(v, h));
			log_notice("client %llu (%s): %s: %s FOUND",
			    (unsigned long long)d->client, d->peer, path,
			    name);
		}
	}
}
