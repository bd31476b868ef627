/*
 * vigil_scan.c - vigil-scan: on-demand scanner
 *
 * NAME
 *	vigil-scan - scan files and directories for malware
 * SYNOPSIS
 *	vigil-scan [-c FILE] [--socket PATH] [--db MODULE|DIR] [options]
 *	    [PATH | INCL1:INCL2 ...] [-- -EXCL1:EXCL2 ...]
 * DESCRIPTION
 *	Through the daemon (the default): walks the trees itself
 *	(clients/scanwalk.h: one open file at a time, relative to its
 *	directory's descriptor), opens every regular file and passes its
 *	descriptor to vigild over the native protocol, with up to
 *	max_in_flight requests pipelined on one or more connections
 *	(clients/vclient.h), so that every worker is busy.
 *	Standalone (--db, or [scan] db): maps the compiled database in this
 *	process and runs the whole pipeline on each file in turn.
 *	Both modes share the walk, the report (text or JSON lines, the log
 *	file, the summary), the progress line and the actions on infected
 *	files.  See vigil-scan.1.
 * DIAGNOSTICS
 *	Exit status: 0 nothing found, 1 something found, 2 errors only
 *	(unreadable paths, database problems, vigild unreachable).
 */
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <bsd/stdlib.h>

#include "util/buf.h"
#include "util/log.h"
#include "util/path.h"
#include "av/averr.h"
#include "av/exitcodes.h"
#include "clients/scanopt.h"
#include "clients/scanwalk.h"
#include "clients/vclient.h"
#include "conf/conf.h"
#include "daemon/native.h"
#include "shm/gen.h"
#include "workers/pipeline.h"

#define SC_CONFIG	"/etc/vigil/vigil.cfg"
#define SC_SET(c)	(1U << ((c) - 'A'))	/* an option letter */
#define SC_MAXJOBS	4096		/* max_in_flight's bound */
#define SC_DEFJOBS	4		/* when STATUS says nothing */
#define SC_TICK		0.25		/* progress: at most 4 a second */
#define SC_MAXADDRS	16		/* --socket options */

/* a file being scanned */
struct job {
	char		*path;		/* NULL: a free slot */
	const char	*name;		/* in its directory, within path */
	int		 fd;
	int		 dirfd;		/* -1 unless an action may need it */
	dev_t		 dev;
	ino_t		 ino;
	uint64_t	 size;
	size_t		 conn;
	uint32_t	 id;
	int		 resent;
};

/* one connection to vigild */
struct conn {
	struct vclient	 vc;
	int		 up;
	double		 since;		/* last answer, while busy */
};

struct scan {
	/* options */
	int		 verbose;
	int		 quiet;
	int		 json;
	int		 summary;
	int		 progress;	/* stderr is a terminal */
	unsigned	 flags;		/* MATCH_* (standalone) */
	struct scan_limits lim;		/* standalone */
	struct native_req rq;		/* daemon: options and limits */
	uint64_t	 maxsize;	/* daemon: larger files not sent */
	enum scanopt_act act;
	const char	*actdir;
	int		 actfd;
	FILE		*log;
	/* the standalone engine */
	struct pipeline	*pl;
	/* the daemon */
	const char	*addr[SC_MAXADDRS];
	size_t		 naddr;
	int		 timeout;	/* ms */
	struct conn	*conns;
	size_t		 nconns;
	int		 dead;		/* vigild went away */
	/* jobs */
	struct job	*jobs;
	size_t		 njobs;		/* max in flight */
	size_t		 inflight;
	size_t		 peak;
	struct verdict	 v;
	struct buf	 line;
	/* figures */
	uint64_t	 files;
	uint64_t	 bytes;
	uint64_t	 infected;
	uint64_t	 notscanned;
	uint64_t	 objects;
	uint64_t	 errors;
	uint64_t	 moved;
	uint64_t	 deleted;
	uint64_t	 serial;
	uint64_t	 nsigs;
	double		 t0, t1, shown;
	int		 shownlen;	/* a progress line is on the screen */
};

/* what the operands and --files-from name, one root at a time */
struct roots {
	char		**argv;
	int		 argc;
	int		 i;
	const char	*cursor;	/* in a colon list */
	FILE		*list;
	const char	*listname;
	char		*line;
	size_t		 cap;
	char		*cur;
};

static void	 usage(void) __attribute__((noreturn));
static double	 now(void);
static void	 out_clear(struct scan *);
static void	 out_progress(struct scan *, int);
static void	 out_emit(struct scan *, int);
static void	 out_objpath(struct scan *, const struct verdict *, uint32_t,
		    const char *, int);
static void	 scan_error(struct scan *, const char *, const char *);
static int	 act_same(const struct job *, char *, size_t);
static int	 act_delete(struct scan *, struct job *, char *, size_t);
static int	 act_copy(struct scan *, struct job *, char *, size_t);
static int	 act_move(struct scan *, struct job *, char *, size_t);
static void	 report_text(struct scan *, const struct job *,
		    const struct verdict *, int, const char *);
static void	 report_json(struct scan *, const struct job *,
		    const struct verdict *, int, const char *);
static void	 job_free(struct scan *, struct job *);
static void	 job_done(struct scan *, struct job *, const struct verdict *);
static void	 job_error(struct scan *, struct job *, const char *);
static void	 sa_scan(struct scan *, struct job *);
static int	 d_connect(struct scan *, struct conn *, char *, size_t);
static void	 d_open(struct scan *, uint32_t);
static void	 d_fail(struct scan *, size_t, const char *);
static int	 d_send(struct scan *, struct job *);
static void	 d_submit(struct scan *, struct job *);
static void	 d_wait(struct scan *);
static struct job *job_new(struct scan *, const struct scanwalk_ent *);
static int	 roots_next(struct roots *, struct scan *, const char **);
static void	 scan_run(struct scan *, struct scanwalk *, struct roots *);
static void	 scan_summary(struct scan *, double);
static void	 scan_config(const char *, struct scan *, unsigned,
		    const char **, struct conf **);
int		 scan_main(int, char **);

/* usage - how to call us */
static void
usage(void)
{
	fprintf(stderr,
	    "usage: vigil-scan [-c FILE] [--socket PATH] [--db MODULE|DIR] "
	    "[-rv] [--quiet] [--json]\n"
	    "                  [--all-match] [--no-summary] [--stats] "
	    "[--log FILE] [--exclude GLOB]\n"
	    "                  [--one-file-system] [--follow-symlinks] "
	    "[--action none|move:DIR|delete]\n"
	    "                  [--max-in-flight N] [--heuristic-alerts] "
	    "[--max-recursion N] [--max-files N]\n"
	    "                  [--max-filesize SIZE] [--max-scansize SIZE] "
	    "[--max-ratio N]\n"
	    "                  [--max-scantime MS] [--files-from LIST] "
	    "PATH|INCL1:INCL2... [-- -EXCL1:EXCL2...]\n");
	exit(AV_EXIT_ERROR);
}

/* now - monotonic seconds */
static double
now(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* out_clear - take the progress line off the terminal */
static void
out_clear(struct scan *s)
{
	if (s->shownlen == 0)
		return;
	fprintf(stderr, "\r%*s\r", s->shownlen, "");
	fflush(stderr);
	s->shownlen = 0;
}

/* out_progress - files, bytes, rate, infected; force: even within a tick */
static void
out_progress(struct scan *s, int force)
{
	double	 t = now(), mb = s->bytes / 1048576.0;
	int	 n;

	if (!s->progress || (!force && t - s->shown < SC_TICK))
		return;
	s->shown = t;
	n = fprintf(stderr, "\r%llu files, %.1f MB, %.1f MB/s, %llu infected ",
	    (unsigned long long)s->files, mb,
	    t > s->t1 ? mb / (t - s->t1) : 0.0,
	    (unsigned long long)s->infected);
	fflush(stderr);
	if (n > s->shownlen)
		s->shownlen = n;
}

/* out_emit - the line in s->line, to stdout (when asked) and the log */
static void
out_emit(struct scan *s, int tostdout)
{
	buf_add(&s->line, "\n", 1);
	if (s->line.failed)
		fatalx("out of memory");
	if (tostdout) {
		out_clear(s);
		fwrite(s->line.data, 1, s->line.len, stdout);
		if (s->progress)
			fflush(stdout);
	}
	if (s->log != NULL)
		fwrite(s->line.data, 1, s->line.len, s->log);
	s->line.len = 0;
}

/*
 * out_objpath - object i's path with the file's own path in front: the
 * verdict names the input as vigild saw it ("fd[N]" when the path could
 * not be sent), and what follows is the object's place inside it
 */
static void
out_objpath(struct scan *s, const struct verdict *v, uint32_t i,
    const char *path, int json)
{
	const char	*root = verdict_path(v, 0), *p = verdict_path(v, i);
	size_t		 rl = strlen(root);
	char		*full;

	if (strncmp(p, root, rl) == 0) {
		if (asprintf(&full, "%s%s", path, p + rl) == -1)
			fatalx("out of memory");
	} else if ((full = strdup(p)) == NULL)
		fatalx("out of memory");
	if (json)
		scanopt_json_str(&s->line, full);
	else
		buf_add(&s->line, full, strlen(full));
	free(full);
}

/* scan_error - a path that could not be scanned */
static void
scan_error(struct scan *s, const char *path, const char *why)
{
	s->errors++;
	out_clear(s);
	fprintf(stderr, "vigil-scan: %s: %s\n", path, why);
	if (s->json) {
		buf_add(&s->line, "{\"path\":", 8);
		scanopt_json_str(&s->line, path);
		buf_add(&s->line, ",\"status\":\"error\",\"objects\":"
		    "[{\"path\":", 37);
		scanopt_json_str(&s->line, path);
		buf_add(&s->line, ",\"reason\":", 10);
		scanopt_json_str(&s->line, why);
		buf_add(&s->line, "}]}", 3);
		out_emit(s, 1);
	} else if (s->log != NULL) {
		scanopt_printf(&s->line, "%s: %s ERROR", path, why);
		out_emit(s, 0);
	}
}

/* act_same - does the name still refer to the file that was scanned? */
static int
act_same(const struct job *j, char *why, size_t len)
{
	struct stat	 st;

	if (j->dirfd == -1) {
		snprintf(why, len, "its directory could not be opened");
		return 0;
	}
	if (fstatat(j->dirfd, j->name, &st, AT_SYMLINK_NOFOLLOW) == -1) {
		snprintf(why, len, "%s", strerror(errno));
		return 0;
	}
	if (!S_ISREG(st.st_mode) || st.st_dev != j->dev ||
	    st.st_ino != j->ino) {
		snprintf(why, len, "%s", S_ISLNK(st.st_mode) ?
		    "a symbolic link" : "replaced since it was scanned");
		return 0;
	}
	return 1;
}

/* act_delete - unlink the file by name, if it is still the one scanned */
static int
act_delete(struct scan *s, struct job *j, char *why, size_t len)
{
	if (!act_same(j, why, len))
		return -1;
	if (unlinkat(j->dirfd, j->name, 0) == -1) {
		snprintf(why, len, "%s", strerror(errno));
		return -1;
	}
	s->deleted++;
	snprintf(why, len, "deleted");
	return 0;
}

/*
 * act_copy - move across file systems: a new file in the directory
 * (O_EXCL, mode 0600) with the bytes of the descriptor that was scanned,
 * fsync, then the original is unlinked; on any failure the copy goes
 */
static int
act_copy(struct scan *s, struct job *j, char *why, size_t len)
{
	char		 dst[NAME_MAX + 1], b[65536];
	ssize_t		 n, w;
	off_t		 off = 0;
	unsigned	 k;
	int		 out = -1, e;

	for (k = 0; k < 1000 && out == -1; k++) {
		if (scanopt_uniq(dst, sizeof(dst), j->name, k) == -1)
			break;
		out = openat(s->actfd, dst, O_WRONLY | O_CREAT | O_EXCL |
		    O_NOFOLLOW | O_CLOEXEC, 0600);
		if (out == -1 && errno != EEXIST) {
			snprintf(why, len, "%s/%s: %s", s->actdir, dst,
			    strerror(errno));
			return -1;
		}
	}
	if (out == -1) {
		snprintf(why, len, "%s: no free name", s->actdir);
		return -1;
	}
	if (fchmod(out, 0600) == -1)
		goto fail;
	for (;;) {
		if ((n = pread(j->fd, b, sizeof(b), off)) == -1) {
			if (errno == EINTR)
				continue;
			goto fail;
		}
		if (n == 0)
			break;
		for (w = 0; w < n; ) {
			ssize_t	 r = write(out, b + w, (size_t)(n - w));

			if (r == -1) {
				if (errno == EINTR)
					continue;
				goto fail;
			}
			w += r;
		}
		off += n;
	}
	if (fsync(out) == -1 || close(out) == -1) {
		out = -1;
		goto fail;
	}
	out = -1;
	if (fsync(s->actfd) == -1)
		goto fail;
	if (!act_same(j, why, len) || unlinkat(j->dirfd, j->name, 0) == -1) {
		if (errno != 0 && why[0] == '\0')
			snprintf(why, len, "%s", strerror(errno));
		(void)unlinkat(s->actfd, dst, 0);
		return -1;
	}
	s->moved++;
	snprintf(why, len, "%s/%s", s->actdir, dst);
	return 0;
fail:
	e = errno;
	if (out != -1)
		close(out);
	(void)unlinkat(s->actfd, dst, 0);
	snprintf(why, len, "%s/%s: %s", s->actdir, dst, strerror(e));
	return -1;
}

/* act_move - rename into the directory under a free name, or copy */
static int
act_move(struct scan *s, struct job *j, char *why, size_t len)
{
	char		 dst[NAME_MAX + 1];
	unsigned	 k;

	if (!act_same(j, why, len))
		return -1;
	for (k = 0; k < 1000; k++) {
		if (scanopt_uniq(dst, sizeof(dst), j->name, k) == -1)
			break;
		if (renameat2(j->dirfd, j->name, s->actfd, dst,
		    RENAME_NOREPLACE) == 0) {
			/* the same inode: only its owner may read it now */
			(void)fchmod(j->fd, 0600);
			(void)fsync(s->actfd);
			s->moved++;
			snprintf(why, len, "%s/%s", s->actdir, dst);
			return 0;
		}
		if (errno == EEXIST)
			continue;
		/* another file system, or one without RENAME_NOREPLACE */
		if (errno == EXDEV || errno == EINVAL || errno == ENOSYS) {
			why[0] = '\0';
			return act_copy(s, j, why, len);
		}
		snprintf(why, len, "%s", strerror(errno));
		return -1;
	}
	snprintf(why, len, "%s: no free name", s->actdir);
	return -1;
}

/* report_text - the lines of one file's verdict (and its action) */
static void
report_text(struct scan *s, const struct job *j, const struct verdict *v,
    int acted, const char *act)
{
	uint32_t	 i, k, h;

	for (i = 0; i < v->nobj; i++) {
		const struct av_object	*o = &v->obj[i];

		if (o->status == AV_INFECTED)
			for (k = 0; (h = verdict_hit(v, i, k)) != UINT32_MAX;
			    k++) {
				out_objpath(s, v, i, j->path, 0);
				scanopt_printf(&s->line, ": %s FOUND",
				    verdict_name(v, h));
				out_emit(s, 1);
			}
		else if (o->status == AV_NOTSCANNED) {
			out_objpath(s, v, i, j->path, 0);
			scanopt_printf(&s->line, ": %s NOT SCANNED",
			    verdict_reason(v, i));
			out_emit(s, 1);
		}
	}
	if (v->status == AV_CLEAN && s->verbose) {
		scanopt_printf(&s->line, "%s: OK", j->path);
		out_emit(s, !s->quiet);
	}
	if (act == NULL)
		return;
	if (acted == 0 && s->act == SCANOPT_ACT_MOVE)
		scanopt_printf(&s->line, "%s: moved to %s", j->path, act);
	else if (acted == 0)
		scanopt_printf(&s->line, "%s: deleted", j->path);
	else
		scanopt_printf(&s->line, "%s: not %s: %s", j->path,
		    s->act == SCANOPT_ACT_MOVE ? "moved" : "deleted", act);
	out_emit(s, 1);
}

/* report_json - one line for an infected or not scanned file */
static void
report_json(struct scan *s, const struct job *j, const struct verdict *v,
    int acted, const char *act)
{
	uint32_t	 i, k, h;
	int		 first = 1;

	if (v->status == AV_CLEAN)
		return;
	buf_add(&s->line, "{\"path\":", 8);
	scanopt_json_str(&s->line, j->path);
	scanopt_printf(&s->line, ",\"status\":\"%s\",\"objects\":[",
	    v->status == AV_INFECTED ? "infected" : "notscanned");
	for (i = 0; i < v->nobj; i++) {
		const struct av_object	*o = &v->obj[i];

		if (o->status == AV_CLEAN)
			continue;
		buf_add(&s->line, first ? "{\"path\":" : ",{\"path\":",
		    first ? 8 : 9);
		first = 0;
		out_objpath(s, v, i, j->path, 1);
		if (o->status == AV_INFECTED) {
			buf_add(&s->line, ",\"names\":[", 10);
			for (k = 0; (h = verdict_hit(v, i, k)) != UINT32_MAX;
			    k++) {
				if (k > 0)
					buf_add(&s->line, ",", 1);
				scanopt_json_str(&s->line,
				    verdict_name(v, h));
			}
			buf_add(&s->line, "]}", 2);
		} else {
			buf_add(&s->line, ",\"reason\":", 10);
			scanopt_json_str(&s->line, verdict_reason(v, i));
			buf_add(&s->line, "}", 1);
		}
	}
	buf_add(&s->line, "]", 1);
	if (act != NULL) {
		if (acted == 0 && s->act == SCANOPT_ACT_MOVE) {
			buf_add(&s->line, ",\"action\":\"moved\",\"to\":", 23);
			scanopt_json_str(&s->line, act);
		} else if (acted == 0)
			buf_add(&s->line, ",\"action\":\"deleted\"", 19);
		else {
			buf_add(&s->line, ",\"action\":\"failed\",\"reason\":",
			    28);
			scanopt_json_str(&s->line, act);
		}
	}
	buf_add(&s->line, "}", 1);
	out_emit(s, 1);
}

/* job_free - close the file and free the slot */
static void
job_free(struct scan *s, struct job *j)
{
	close(j->fd);
	if (j->dirfd != -1)
		close(j->dirfd);
	free(j->path);
	j->path = NULL;
	s->inflight--;
}

/* job_done - count, act, report */
static void
job_done(struct scan *s, struct job *j, const struct verdict *v)
{
	char		 act[PATH_MAX + 256];
	const char	*what = NULL;
	int		 acted = 0;

	s->files++;
	s->bytes += j->size;
	s->objects += v->nobj;
	if (v->status == AV_INFECTED)
		s->infected++;
	else if (v->status == AV_NOTSCANNED)
		s->notscanned++;
	if (v->status == AV_INFECTED && s->act != SCANOPT_ACT_NONE) {
		act[0] = '\0';
		acted = s->act == SCANOPT_ACT_MOVE ?
		    act_move(s, j, act, sizeof(act)) :
		    act_delete(s, j, act, sizeof(act));
		if (acted == -1)
			s->errors++;
		what = act;
	}
	if (s->json)
		report_json(s, j, v, acted, what);
	else
		report_text(s, j, v, acted, what);
	job_free(s, j);
	out_progress(s, 0);
}

/* job_error - a file vigild could not scan */
static void
job_error(struct scan *s, struct job *j, const char *why)
{
	scan_error(s, j->path, why);
	job_free(s, j);
}

/* sa_scan - scan one file in this process */
static void
sa_scan(struct scan *s, struct job *j)
{
	const uint8_t	*p = NULL;
	int		 n;

	if (j->size > 0) {
		p = mmap(NULL, j->size, PROT_READ, MAP_PRIVATE, j->fd, 0);
		if (p == MAP_FAILED) {
			job_error(s, j, strerror(errno));
			return;
		}
		(void)madvise((void *)(uintptr_t)p, j->size, MADV_SEQUENTIAL);
	}
	n = pipeline_run(s->pl, p, j->size, j->path, &s->lim, s->flags,
	    &s->v);
	if (p != NULL)
		munmap((void *)(uintptr_t)p, j->size);
	if (n == -1) {
		s->files++;
		s->bytes += j->size;
		job_error(s, j, strerror(errno));
		return;
	}
	job_done(s, j, &s->v);
}

/* d_connect - the first daemon_addr that answers; why: the last failure */
static int
d_connect(struct scan *s, struct conn *c, char *why, size_t len)
{
	size_t	 i;

	snprintf(why, len, "no daemon_addr is a unix socket");
	for (i = 0; i < s->naddr; i++) {
		if (s->addr[i][0] != '/')
			continue;	/* HOST:PORT: no descriptor passing */
		if (vclient_open(&c->vc, s->addr[i], s->timeout) == 0) {
			c->up = 1;
			return 0;
		}
		snprintf(why, len, "%s", c->vc.text);
		vclient_close(&c->vc);
	}
	c->up = 0;
	return -1;
}

/* d_open - connect, ask STATUS, size the pipeline, open the connections */
static void
d_open(struct scan *s, uint32_t maxjobs)
{
	struct native_info	 in;
	struct rlimit		 rl;
	struct msg		*m = NULL;
	char			 why[512];
	size_t			 i, perjob;
	int			 r;

	for (i = 0; i < s->naddr; i++)
		if (s->addr[i][0] != '/')
			log_warnx("%s: not a unix socket, skipped (descriptors "
			    "pass only over unix sockets)", s->addr[i]);
	if ((s->conns = calloc(1, sizeof(*s->conns))) == NULL)
		fatal("calloc");
	s->nconns = 1;
	memset(&in, 0, sizeof(in));
	if (d_connect(s, &s->conns[0], why, sizeof(why)) == -1) {
		log_warnx("cannot reach vigild: %s", why);
		exit(AV_EXIT_ERROR);
	}
	/* it listens; if it does not answer STATUS, it is not usable */
	r = vclient_request(&s->conns[0].vc, NATIVE_STATUS, &m);
	if (r != 0 || native_get_info(m, &in) == -1) {
		log_warnx("vigild: STATUS: %s", r == 0 ? "malformed reply" :
		    s->conns[0].vc.text);
		exit(AV_EXIT_ERROR);
	}
	msg_free(m);
	s->serial = in.serial;
	s->nsigs = in.nsigs;
	if (maxjobs == 0)
		maxjobs = in.nworkers > 0 ? 2 * in.nworkers : SC_DEFJOBS;
	if (maxjobs > SC_MAXJOBS)
		maxjobs = SC_MAXJOBS;
	/* a file (and its directory) per job, and room for the walk */
	perjob = s->act != SCANOPT_ACT_NONE ? 2 : 1;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0) {
		if (rl.rlim_cur < rl.rlim_max) {
			rl.rlim_cur = rl.rlim_max;
			(void)setrlimit(RLIMIT_NOFILE, &rl);
			(void)getrlimit(RLIMIT_NOFILE, &rl);
		}
		if (rl.rlim_cur != RLIM_INFINITY &&
		    maxjobs * perjob + 64 + maxjobs / VCLIENT_MAXPIPE >
		    rl.rlim_cur)
			maxjobs = rl.rlim_cur > 64 + 2 * perjob ?
			    (uint32_t)((rl.rlim_cur - 64) / (perjob + 1)) : 1;
	}
	s->njobs = maxjobs;
	s->nconns = (maxjobs + VCLIENT_MAXPIPE - 1) / VCLIENT_MAXPIPE;
	if ((s->conns = reallocarray(s->conns, s->nconns,
	    sizeof(*s->conns))) == NULL)
		fatal("reallocarray");
	for (i = 1; i < s->nconns; i++) {
		memset(&s->conns[i], 0, sizeof(s->conns[i]));
		if (d_connect(s, &s->conns[i], why, sizeof(why)) == -1) {
			log_warnx("cannot reach vigild: %s", why);
			exit(AV_EXIT_ERROR);
		}
	}
}

/* d_send - send job j on the connection with the fewest pending */
static int
d_send(struct scan *s, struct job *j)
{
	struct native_req	 rq = s->rq;
	struct conn		*c = NULL;
	const char		*p;
	size_t			 i;

	for (i = 0; i < s->nconns; i++)
		if (s->conns[i].up && s->conns[i].vc.npending <
		    VCLIENT_MAXPIPE && (c == NULL ||
		    s->conns[i].vc.npending < c->vc.npending))
			c = &s->conns[i];
	if (c == NULL)
		return -1;
	/* the path goes as the verdict's name when the protocol allows */
	rq.name = "";
	if (strlen(j->path) <= NATIVE_MAXNAME) {
		for (p = j->path; *p != '\0' && (unsigned char)*p >= 0x20 &&
		    *p != 0x7f; p++)
			;
		if (*p == '\0')
			rq.name = j->path;
	}
	j->conn = (size_t)(c - s->conns);
	if (c->vc.npending == 0)
		c->since = now();
	if (vclient_scan_send(&c->vc, j->fd, &rq, &j->id) == -1) {
		j->conn = SIZE_MAX;
		d_fail(s, (size_t)(c - s->conns), c->vc.text);
		return 1;
	}
	return 0;
}

/* d_submit - send a job; when no connection takes it, it fails */
static void
d_submit(struct scan *s, struct job *j)
{
	int	 r, tries = 0;

	/* a connection that breaks is made again (d_fail): twice at most */
	while ((r = d_send(s, j)) == 1 && ++tries < 3)
		;
	if (r != 0)
		job_error(s, j, "vigild is gone");
}

/*
 * d_fail - connection k broke: connect again (the first daemon_addr that
 * answers) and send its jobs once more, or fail them
 */
static void
d_fail(struct scan *s, size_t k, const char *cause)
{
	struct conn	*c = &s->conns[k];
	char		 was[256], why[512], msg[600];
	size_t		 i;

	/* cause may be c->vc.text, which connecting again clears */
	snprintf(was, sizeof(was), "%s", cause);
	snprintf(msg, sizeof(msg), "vigild: %s", was);
	vclient_close(&c->vc);
	c->up = 0;
	if (d_connect(s, c, why, sizeof(why)) == -1) {
		out_clear(s);
		log_warnx("lost vigild (%s), and %s", was, why);
	}
	for (i = 0; i < s->njobs; i++) {
		struct job	*j = &s->jobs[i];

		if (j->path == NULL || j->conn != k)
			continue;
		j->conn = SIZE_MAX;
		if (!c->up || j->resent ||
		    vclient_scan_send(&c->vc, j->fd, &s->rq, &j->id) == -1) {
			job_error(s, j, msg);
			continue;
		}
		j->resent = 1;
		j->conn = k;
		c->since = now();
	}
	for (i = 0; i < s->nconns; i++)
		if (s->conns[i].up)
			return;
	s->dead = 1;
}

/* d_wait - wait for answers (a progress tick at most) and handle them */
static void
d_wait(struct scan *s)
{
	struct pollfd	 pfd[SC_MAXJOBS / VCLIENT_MAXPIPE + 1];
	size_t		 i, k, n = 0, map[SC_MAXJOBS / VCLIENT_MAXPIPE + 1];
	uint32_t	 id;
	double		 t;
	int		 r;

	for (k = 0; k < s->nconns; k++)
		if (s->conns[k].up && s->conns[k].vc.npending > 0) {
			pfd[n].fd = s->conns[k].vc.sock;
			pfd[n].events = POLLIN;
			pfd[n].revents = 0;
			map[n++] = k;
		}
	if (n == 0)
		return;
	if (poll(pfd, n, (int)(SC_TICK * 1000)) == -1 && errno != EINTR)
		fatal("poll");
	t = now();
	for (i = 0; i < n; i++) {
		struct conn	*c = &s->conns[map[i]];

		if (pfd[i].revents == 0) {
			if (t - c->since > s->timeout / 1000.0)
				d_fail(s, map[i], "no answer within "
				    "daemon_timeout");
			continue;
		}
		while (c->up && c->vc.npending > 0) {
			r = vclient_scan_recv(&c->vc, 0, &id, &s->v);
			if (r == -1 && errno == ETIMEDOUT)
				break;
			if (r == -1 || (r == 1 && id == 0)) {
				d_fail(s, map[i], c->vc.text);
				break;
			}
			c->since = t;
			for (k = 0; k < s->njobs; k++)
				if (s->jobs[k].path != NULL &&
				    s->jobs[k].conn == map[i] &&
				    s->jobs[k].id == id)
					break;
			if (k == s->njobs) {
				d_fail(s, map[i], "an answer to no request");
				break;
			}
			if (r == 1) {
				char	 why[300];

				snprintf(why, sizeof(why), "vigild: %s",
				    c->vc.text);
				job_error(s, &s->jobs[k], why);
			} else
				job_done(s, &s->jobs[k], &s->v);
		}
	}
	out_progress(s, 0);
}

/* job_new - a slot for the file the walker opened (taking its fds) */
static struct job *
job_new(struct scan *s, const struct scanwalk_ent *e)
{
	struct job	*j = NULL;
	size_t		 i;

	for (i = 0; i < s->njobs; i++)
		if (s->jobs[i].path == NULL) {
			j = &s->jobs[i];
			break;
		}
	if (j == NULL)
		fatalx("%s: no free slot", __func__);
	memset(j, 0, sizeof(*j));
	if ((j->path = strdup(e->path)) == NULL)
		fatal("strdup");
	j->name = j->path + (e->name - e->path);
	j->fd = e->fd;
	j->dirfd = e->dirfd;
	j->dev = e->st.st_dev;
	j->ino = e->st.st_ino;
	j->size = (uint64_t)e->st.st_size;
	j->conn = SIZE_MAX;
	s->inflight++;
	if (s->inflight > s->peak)
		s->peak = s->inflight;
	return j;
}

/*
 * roots_next - the next path to walk: each operand (a colon list split
 * into its items, unless the whole operand names an existing file), then
 * each line of the --files-from list
 */
static int
roots_next(struct roots *r, struct scan *s, const char **path)
{
	struct stat	 st;
	const char	*item;
	size_t		 len;
	ssize_t		 n;

	free(r->cur);
	r->cur = NULL;
	for (;;) {
		if (r->cursor != NULL &&
		    scanopt_next(&r->cursor, &item, &len)) {
			if ((r->cur = strndup(item, len)) == NULL)
				fatal("strndup");
			*path = r->cur;
			return 1;
		}
		r->cursor = NULL;
		if (r->i < r->argc) {
			const char	*a = r->argv[r->i++];

			if (a[0] == '-' && a[1] != '\0')
				continue;	/* an exclusion list */
			if (strchr(a, ':') == NULL || lstat(a, &st) == 0) {
				*path = a;
				return 1;
			}
			r->cursor = a;
			continue;
		}
		if (r->list == NULL)
			return 0;
		if ((n = getline(&r->line, &r->cap, r->list)) == -1) {
			if (ferror(r->list))
				scan_error(s, r->listname, strerror(errno));
			if (r->list != stdin)
				fclose(r->list);
			r->list = NULL;
			return 0;
		}
		if (n > 0 && r->line[n - 1] == '\n')
			r->line[--n] = '\0';
		if (n > 0) {
			*path = r->line;
			return 1;
		}
	}
}

/* scan_run - walk every root, keeping up to njobs files in flight */
static void
scan_run(struct scan *s, struct scanwalk *w, struct roots *r)
{
	struct scanwalk_ent	 e;
	struct job		*j;
	const char		*root;
	int			 n;

	while (!s->dead && roots_next(r, s, &root)) {
		if (scanwalk_root(w, root) == -1)
			fatal("scanwalk_root");
		for (;;) {
			while (!s->dead && s->inflight >= s->njobs)
				d_wait(s);
			if (s->dead)
				break;
			if ((n = scanwalk_next(w, &e)) == -1)
				fatal("scanwalk_next");
			if (n == 0)
				break;
			if (e.type == SCANWALK_ERROR) {
				scan_error(s, e.path, strerror(e.err));
				continue;
			}
			j = job_new(s, &e);
			if (s->maxsize > 0 && j->size > s->maxsize) {
				verdict_reset(&s->v);
				if (verdict_object(&s->v, UINT32_MAX, j->path,
				    0, 0, j->size) == -1 ||
				    verdict_notscanned(&s->v, 0,
				    "limit: file size") == -1)
					fatal("verdict");
				j->size = 0;	/* no byte scanned */
				job_done(s, j, &s->v);
			} else if (s->pl != NULL)
				sa_scan(s, j);
			else
				d_submit(s, j);
		}
	}
	while (!s->dead && s->inflight > 0)
		d_wait(s);
	if (s->dead) {
		out_clear(s);
		log_warnx("vigild is unreachable; the scan stopped");
		s->errors++;
	}
}

/* scan_summary - the figures, on stdout (unless --quiet) and the log */
static void
scan_summary(struct scan *s, double t2)
{
	double	 mb = s->bytes / 1048576.0;
	double	 rate = t2 > s->t1 ? mb / (t2 - s->t1) : 0.0;
	int	 tty = !s->quiet;

	if (s->json) {
		scanopt_printf(&s->line, "{\"summary\":{\"files\":%llu,"
		    "\"bytes\":%llu,\"infected\":%llu,\"notscanned\":%llu,"
		    "\"errors\":%llu,\"objects\":%llu,\"moved\":%llu,"
		    "\"deleted\":%llu,\"seconds\":%.3f,\"mbps\":%.1f,"
		    "\"signatures\":%llu,\"serial\":%llu}}",
		    (unsigned long long)s->files, (unsigned long long)s->bytes,
		    (unsigned long long)s->infected,
		    (unsigned long long)s->notscanned,
		    (unsigned long long)s->errors,
		    (unsigned long long)s->objects,
		    (unsigned long long)s->moved,
		    (unsigned long long)s->deleted, t2 - s->t0, rate,
		    (unsigned long long)s->nsigs,
		    (unsigned long long)s->serial);
		out_emit(s, tty);
		return;
	}
	out_emit(s, tty);
	scanopt_printf(&s->line, "----------- SCAN SUMMARY -----------");
	out_emit(s, tty);
	scanopt_printf(&s->line, "Known signatures: %llu",
	    (unsigned long long)s->nsigs);
	out_emit(s, tty);
	scanopt_printf(&s->line, "Engine version: Vigil %s", VIGIL_VERSION);
	out_emit(s, tty);
	scanopt_printf(&s->line, "Database serial: %llu",
	    (unsigned long long)s->serial);
	out_emit(s, tty);
	scanopt_printf(&s->line, "Scanned files: %llu",
	    (unsigned long long)s->files);
	out_emit(s, tty);
	scanopt_printf(&s->line, "Infected files: %llu",
	    (unsigned long long)s->infected);
	out_emit(s, tty);
	scanopt_printf(&s->line, "Not scanned files: %llu",
	    (unsigned long long)s->notscanned);
	out_emit(s, tty);
	scanopt_printf(&s->line, "Objects scanned: %llu",
	    (unsigned long long)s->objects);
	out_emit(s, tty);
	scanopt_printf(&s->line, "Errors: %llu", (unsigned long long)s->errors);
	out_emit(s, tty);
	if (s->act == SCANOPT_ACT_MOVE) {
		scanopt_printf(&s->line, "Moved files: %llu",
		    (unsigned long long)s->moved);
		out_emit(s, tty);
	} else if (s->act == SCANOPT_ACT_DELETE) {
		scanopt_printf(&s->line, "Deleted files: %llu",
		    (unsigned long long)s->deleted);
		out_emit(s, tty);
	}
	scanopt_printf(&s->line, "Data scanned: %.2f MB", mb);
	out_emit(s, tty);
	scanopt_printf(&s->line, "Time: %.3f sec", t2 - s->t0);
	out_emit(s, tty);
	scanopt_printf(&s->line, "Throughput: %.1f MB/s", rate);
	out_emit(s, tty);
}

/*
 * scan_config - the [scan] section of vigil.cfg (file, or the default
 * file when it exists).  Standalone: every limit not given as an option.
 * Through vigild: only the limits the file sets (the daemon's apply
 * otherwise), daemon_addr unless --socket, daemon_timeout.  Both: the
 * [scan] switches (an option can only turn one on), action unless
 * --action, db unless --db.  A bad file is fatal, with file:line.
 */
static void
scan_config(const char *file, struct scan *s, unsigned set,
    const char **db, struct conf **cp)
{
	struct conf		*c;
	struct conf_view	 v;
	char			 err[512];

	if ((c = conf_new()) == NULL)
		fatal("conf_new");
	*cp = c;
	if (file == NULL && access(SC_CONFIG, F_OK) == 0)
		file = SC_CONFIG;
	if (file != NULL && conf_load_file(c, file, err, sizeof(err)) == -1) {
		log_warnx("%s", err);
		exit(AV_EXIT_ERROR);
	}
	if (conf_view(c, &v, CONF_SEC_SCAN, NULL, NULL) == -1)
		fatal("conf_view");
	/* without a file the pipeline's own defaults stay */
#define SC_LIM(letter, key, field, get)					\
	do {								\
		if (file != NULL && !(set & SC_SET(letter))) {		\
			s->lim.field = get(&v, key);			\
			if (conf_get_line(&v, key) != 0)		\
				s->rq.lim.field = s->lim.field;		\
		}							\
	} while (0)
	SC_LIM('R', CONF_K_MAX_RECURSION, max_depth, (uint32_t)conf_get_int);
	SC_LIM('F', CONF_K_MAX_FILES, max_files, (uint32_t)conf_get_int);
	SC_LIM('S', CONF_K_MAX_FILESIZE, max_filesize, conf_get_size);
	SC_LIM('Z', CONF_K_MAX_SCANSIZE, max_scansize, conf_get_size);
	SC_LIM('X', CONF_K_MAX_RATIO, max_ratio, (uint32_t)conf_get_int);
	SC_LIM('M', CONF_K_MAX_SCANTIME, max_time,
	    (uint32_t)conf_get_duration);
#undef SC_LIM
	if (file != NULL && !(set & SC_SET('H')))
		s->lim.heuristics = conf_get_bool(&v, CONF_K_HEURISTIC_ALERTS);
	if (*db == NULL && conf_get_str(&v, CONF_K_DB)[0] != '\0')
		*db = conf_get_str(&v, CONF_K_DB);
	s->quiet |= conf_get_bool(&v, CONF_K_QUIET);
	s->json |= conf_get_bool(&v, CONF_K_JSON);
	if (conf_get_bool(&v, CONF_K_ALL_MATCH)) {
		s->flags |= MATCH_ALL;
		s->rq.flags |= NATIVE_F_ALLMATCH;
	}
	s->timeout = (int)conf_get_duration(&v, CONF_K_DAEMON_TIMEOUT);
}

/* scan_main - the program */
int
scan_main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "db", required_argument, NULL, 'd' },
		{ "socket", required_argument, NULL, 's' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "all-match", no_argument, NULL, 'a' },
		{ "no-summary", no_argument, NULL, 'N' },
		{ "stats", no_argument, NULL, 'T' },
		{ "file-list", required_argument, NULL, 'f' },
		{ "files-from", required_argument, NULL, 'f' },
		{ "recursive", no_argument, NULL, 'r' },
		{ "exclude", required_argument, NULL, 'E' },
		{ "one-file-system", no_argument, NULL, 'x' },
		{ "follow-symlinks", no_argument, NULL, 'L' },
		{ "log", required_argument, NULL, 'l' },
		{ "json", no_argument, NULL, 'j' },
		{ "action", required_argument, NULL, 'A' },
		{ "max-in-flight", required_argument, NULL, 'I' },
		{ "heuristic-alerts", no_argument, NULL, 'H' },
		{ "max-recursion", required_argument, NULL, 'R' },
		{ "max-files", required_argument, NULL, 'F' },
		{ "max-filesize", required_argument, NULL, 'S' },
		{ "max-scansize", required_argument, NULL, 'Z' },
		{ "max-ratio", required_argument, NULL, 'X' },
		{ "max-scantime", required_argument, NULL, 'M' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char		*errstr, *db = NULL, *list = NULL, *cfg = NULL;
	const char		*logfile = NULL, *action = NULL, *item;
	const char		*const *items;
	const char		**globs = NULL;
	struct scanwalk_opts	 wo;
	struct scanwalk		*w = NULL;
	struct conf_view	 cv;
	struct conf		*conf = NULL;
	struct roots		 r;
	struct scan		 s;
	struct gen		 g;
	unsigned		 set = 0;	/* limits given as options */
	uint64_t		 u;
	double			 t2;
	size_t			 i, k, len, nglobs = 0, nitems;
	uint32_t		 maxjobs = 0;
	char			 excl[PATH_MAX];
	int			 ch, stats = 0, follow = 0, xdev = 0, fd;
	int			 maxset = 0, heur = 0, genok = 0;
	int			 rc = AV_EXIT_ERROR;

	log_procinit("vigil-scan");
	memset(&s, 0, sizeof(s));
	memset(&g, 0, sizeof(g));
	s.summary = 1;
	s.actfd = -1;
	scan_limits_default(&s.lim);
	verdict_init(&s.v);
	buf_init(&s.line);
	s.rq.agent = "scan";
	s.rq.rcpt = s.rq.user = s.rq.name = "";
	if ((globs = calloc((size_t)argc + 1, sizeof(*globs))) == NULL)
		fatal("calloc");
	while ((ch = getopt_long(argc, argv, "c:d:s:vqaf:rxh", longopts,
	    NULL)) != -1) {
		switch (ch) {
		case 'c':
			cfg = optarg;
			break;
		case 'd':
			db = optarg;
			break;
		case 's':
			if (s.naddr == SC_MAXADDRS)
				fatalx("too many --socket options");
			s.addr[s.naddr++] = optarg;
			break;
		case 'v':
			s.verbose = 1;
			break;
		case 'q':
			s.quiet = 1;
			break;
		case 'a':
			s.flags |= MATCH_ALL;
			s.rq.flags |= NATIVE_F_ALLMATCH;
			break;
		case 'N':
			s.summary = 0;
			break;
		case 'T':
			stats = 1;
			break;
		case 'f':
			list = optarg;
			break;
		case 'r':
			break;		/* directories are always walked */
		case 'E':
			globs[nglobs++] = optarg;
			break;
		case 'x':
			xdev = 1;
			break;
		case 'L':
			follow = 1;
			break;
		case 'l':
			logfile = optarg;
			break;
		case 'j':
			s.json = 1;
			break;
		case 'A':
			action = optarg;
			break;
		case 'I':
			maxjobs = strtonum(optarg, 0, SC_MAXJOBS, &errstr);
			if (errstr != NULL)
				fatalx("--max-in-flight %s: %s", optarg,
				    errstr);
			maxset = 1;
			break;
		case 'H':
			set |= SC_SET('H');
			s.lim.heuristics = 1;
			heur = 1;
			break;
		case 'R':
			set |= SC_SET('R');
			s.lim.max_depth = strtonum(optarg, 0, 1000, &errstr);
			if (errstr != NULL)
				fatalx("--max-recursion %s: %s", optarg,
				    errstr);
			s.rq.lim.max_depth = s.lim.max_depth;
			break;
		case 'F':
			set |= SC_SET('F');
			s.lim.max_files = strtonum(optarg, 0, UINT32_MAX,
			    &errstr);
			if (errstr != NULL)
				fatalx("--max-files %s: %s", optarg, errstr);
			s.rq.lim.max_files = s.lim.max_files;
			break;
		case 'S':
			set |= SC_SET('S');
			if (scanopt_size(optarg, &u) == -1)
				fatalx("--max-filesize %s: not a size", optarg);
			s.lim.max_filesize = s.rq.lim.max_filesize = u;
			break;
		case 'Z':
			set |= SC_SET('Z');
			if (scanopt_size(optarg, &u) == -1)
				fatalx("--max-scansize %s: not a size", optarg);
			s.lim.max_scansize = s.rq.lim.max_scansize = u;
			break;
		case 'X':
			set |= SC_SET('X');
			s.lim.max_ratio = strtonum(optarg, 0, UINT32_MAX,
			    &errstr);
			if (errstr != NULL)
				fatalx("--max-ratio %s: %s", optarg, errstr);
			s.rq.lim.max_ratio = s.lim.max_ratio;
			break;
		case 'M':
			set |= SC_SET('M');
			s.lim.max_time = strtonum(optarg, 0, UINT32_MAX,
			    &errstr);
			if (errstr != NULL)
				fatalx("--max-scantime %s: %s", optarg, errstr);
			s.rq.lim.max_time = s.lim.max_time;
			break;
		default:
			usage();
		}
	}
	argc -= optind;
	argv += optind;
	scan_config(cfg, &s, set, &db, &conf);
	if (conf_view(conf, &cv, CONF_SEC_SCAN, NULL, NULL) == -1)
		fatal("conf_view");
	items = conf_get_list(&cv, CONF_K_EXCLUDE, &nitems);
	if ((globs = reallocarray(globs, nglobs + nitems + 1,
	    sizeof(*globs))) == NULL)
		fatal("reallocarray");
	for (i = 0; i < nitems; i++)
		globs[nglobs++] = items[i];
	follow |= conf_get_bool(&cv, CONF_K_FOLLOW_SYMLINKS);
	xdev |= conf_get_bool(&cv, CONF_K_ONE_FILE_SYSTEM);
	if (action == NULL)
		action = conf_get_str(&cv, CONF_K_ACTION);
	if (scanopt_action(action, &s.act, &s.actdir) == -1)
		fatalx("--action %s: none, delete or move:DIR", action);
	if (!maxset)
		maxjobs = (uint32_t)conf_get_int(&cv, CONF_K_MAX_IN_FLIGHT);
	if (s.naddr == 0) {
		items = conf_get_list(&cv, CONF_K_DAEMON_ADDR, &nitems);
		for (i = 0; i < nitems && s.naddr < SC_MAXADDRS; i++)
			s.addr[s.naddr++] = items[i];
	}
	if (s.quiet)
		s.verbose = 0;
	if (argc == 0 && list == NULL)
		usage();

	memset(&r, 0, sizeof(r));
	r.argv = argv;
	r.argc = argc;
	if (list != NULL) {
		r.listname = list;
		if (strcmp(list, "-") == 0)
			r.list = stdin;
		else if ((r.list = fopen(list, "re")) == NULL) {
			log_warn("%s", list);
			goto done;
		}
	}
	if (logfile != NULL) {
		if ((fd = open(logfile, O_WRONLY | O_APPEND | O_CREAT |
		    O_CLOEXEC | O_NOCTTY, 0640)) == -1 ||
		    (s.log = fdopen(fd, "a")) == NULL) {
			log_warn("%s", logfile);
			goto done;
		}
	}
	if (s.act == SCANOPT_ACT_MOVE) {
		if (mkdir(s.actdir, 0700) == -1 && errno != EEXIST) {
			log_warn("%s", s.actdir);
			goto done;
		}
		if ((s.actfd = open(s.actdir, O_RDONLY | O_DIRECTORY |
		    O_CLOEXEC)) == -1) {
			log_warn("%s", s.actdir);
			goto done;
		}
	}

	memset(&wo, 0, sizeof(wo));
	wo.follow = follow;
	wo.xdev = xdev;
	wo.keepdir = s.act != SCANOPT_ACT_NONE;
	wo.globs = globs;
	wo.nglobs = nglobs;
	if ((w = scanwalk_new(&wo)) == NULL)
		fatal("scanwalk_new");
	/* "-EXCL1:EXCL2" operands (after "--"), and the move directory */
	for (i = 0; i < (size_t)argc; i++) {
		const char	*cur = argv[i] + 1;

		if (argv[i][0] != '-' || argv[i][1] == '\0')
			continue;
		while (scanopt_next(&cur, &item, &len))
			if (len < sizeof(excl)) {
				memcpy(excl, item, len);
				excl[len] = '\0';
				(void)scanwalk_exclude(w, excl);
			}
	}
	if (s.act == SCANOPT_ACT_MOVE)
		(void)scanwalk_exclude(w, s.actdir);

	s.progress = isatty(STDERR_FILENO);
	s.t0 = now();
	if (db != NULL) {
		if (gen_open(&g, db) == -1) {
			log_warnx("%s", g.err);
			goto done;
		}
		genok = 1;
		if ((s.pl = pipeline_new(g.views, g.nmods)) == NULL)
			fatal("pipeline_new");
		for (k = 0; k < g.nmods; k++)
			s.nsigs += g.views[k]->hdr->nhash +
			    g.views[k]->hdr->nbody;
		s.serial = g.serial;
		s.njobs = 1;
	} else {
		if (heur)
			log_warnx("--heuristic-alerts: vigild's "
			    "heuristic_alerts applies");
		/* the daemon gets the limits given; the size is ours too */
		s.maxsize = s.rq.lim.max_filesize;
		d_open(&s, maxjobs);
	}
	if ((s.jobs = calloc(s.njobs, sizeof(*s.jobs))) == NULL)
		fatal("calloc");
	s.t1 = now();
	s.shown = s.t1;

	scan_run(&s, w, &r);
	t2 = now();
	out_clear(&s);
	fflush(stdout);

	if (s.summary)
		scan_summary(&s, t2);
	if (stats)
		fprintf(stderr, "stats: load_ms=%.3f files=%llu bytes=%llu "
		    "scan_s=%.3f mbps=%.1f infected=%llu notscanned=%llu "
		    "objects=%llu in_flight=%zu peak=%zu connections=%zu\n",
		    (s.t1 - s.t0) * 1000,
		    (unsigned long long)s.files, (unsigned long long)s.bytes,
		    t2 - s.t1, t2 > s.t1 ? s.bytes / 1048576.0 / (t2 - s.t1) :
		    0.0, (unsigned long long)s.infected,
		    (unsigned long long)s.notscanned,
		    (unsigned long long)s.objects, s.njobs, s.peak,
		    s.nconns);
	if (fflush(stdout) == EOF)
		s.errors++;
	if (s.log != NULL && fclose(s.log) == EOF) {
		log_warn("%s", logfile);
		s.errors++;
	}
	s.log = NULL;
	if (s.infected)
		rc = AV_EXIT_INFECTED;
	else
		rc = s.errors ? AV_EXIT_ERROR : AV_EXIT_CLEAN;
done:
	if (s.log != NULL)
		fclose(s.log);
	for (i = 0; i < s.nconns; i++)
		vclient_close(&s.conns[i].vc);
	free(s.conns);
	free(s.jobs);
	free(r.cur);
	free(r.line);
	if (r.list != NULL && r.list != stdin)
		fclose(r.list);
	if (s.actfd != -1)
		close(s.actfd);
	scanwalk_free(w);
	free(globs);
	buf_clear(&s.line);
	verdict_free(&s.v);
	pipeline_free(s.pl);
	if (genok)
		gen_close(&g);
	conf_free(conf);
	return rc;
}

int
main(int argc, char **argv)
{
	return scan_main(argc, argv);
}
