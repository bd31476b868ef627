/*
 * sv_gen.c - open and validate a generation for vigild's workers
 *
 * DESCRIPTION
 *	The supervisor validates every module deeply once, before any worker
 *	sees it; workers then only check headers (workers/worker.h).  The
 *	mapping made here is dropped at once: the page cache shares the
 *	file between the workers, and the supervisor never matches.
 */
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "av/averr.h"
#include "daemon/sv_gen.h"
#include "shm/sigmap.h"

static int	 sv_gen_target(const char *, char *, size_t);
static int	 sv_gen_cmp(const void *, const void *);
static void	 sv_gen_dirserial(struct sv_gen *);

/* sv_gen_target - the target of basedir/current: 0 or -1 */
static int
sv_gen_target(const char *basedir, char *out, size_t outlen)
{
	char	 cur[PATH_MAX];
	ssize_t	 n;

	if ((size_t)snprintf(cur, sizeof(cur), "%s/current", basedir) >=
	    sizeof(cur)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	if ((n = readlink(cur, out, outlen - 1)) == -1)
		return -1;
	out[n] = '\0';
	return 0;
}

/* sv_gen_dirserial - a directory named gen-<serial> gives the serial */
static void
sv_gen_dirserial(struct sv_gen *g)
{
	const char		*b = strrchr(g->name, '/');
	char			*end;
	unsigned long long	 s;

	b = b == NULL ? g->name : b + 1;
	if (strncmp(b, "gen-", 4) != 0 || b[4] < '0' || b[4] > '9')
		return;
	errno = 0;
	s = strtoull(b + 4, &end, 10);
	if (*end == '\0' && errno == 0 && s != 0)
		g->serial = s;
}

/* sv_gen_cmp - qsort: module names in byte order */
static int
sv_gen_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* sv_gen_open - open, validate and keep the modules of current */
int
sv_gen_open(struct sv_gen *g, const char *basedir)
{
	char		 dir[PATH_MAX], file[PATH_MAX + NAME_MAX + 2];
	char		*names[WIRE_MAXMODULES];
	struct sigmap	 sm;
	struct dirent	*de;
	DIR		*d = NULL;
	size_t		 n = 0, i, len;
	int		 fd, serr = 0;

	memset(g, 0, sizeof(*g));
	if (sv_gen_target(basedir, g->name, sizeof(g->name)) == -1) {
		serr = errno;
		snprintf(g->err, sizeof(g->err), "%s/current: %s", basedir,
		    strerror(serr));
		goto fail;
	}
	if ((size_t)snprintf(dir, sizeof(dir), g->name[0] == '/' ? "%s%s" :
	    "%s/%s", g->name[0] == '/' ? "" : basedir, g->name) >=
	    sizeof(dir)) {
		serr = ENAMETOOLONG;
		snprintf(g->err, sizeof(g->err), "%s: %s", g->name,
		    strerror(serr));
		goto fail;
	}
	if ((d = opendir(dir)) == NULL) {
		serr = errno;
		snprintf(g->err, sizeof(g->err), "opendir(%s): %s", dir,
		    strerror(serr));
		goto fail;
	}
	while ((de = readdir(d)) != NULL) {
		len = strlen(de->d_name);
		if (de->d_name[0] == '.' || len <= 5 ||
		    strcmp(de->d_name + len - 5, ".vmod") != 0)
			continue;
		if (n == WIRE_MAXMODULES) {
			serr = E2BIG;
			snprintf(g->err, sizeof(g->err),
			    "%s: more than %d modules", dir, WIRE_MAXMODULES);
			goto fail;
		}
		if ((names[n] = strdup(de->d_name)) == NULL) {
			serr = errno;
			snprintf(g->err, sizeof(g->err), "%s: %s", dir,
			    strerror(serr));
			goto fail;
		}
		n++;
	}
	if (n == 0) {
		serr = ENOENT;
		snprintf(g->err, sizeof(g->err), "%s: no modules", dir);
		goto fail;
	}
	qsort(names, n, sizeof(names[0]), sv_gen_cmp);
	for (i = 0; i < n; i++) {
		snprintf(file, sizeof(file), "%s/%s", dir, names[i]);
		if ((fd = open(file, O_RDONLY | O_CLOEXEC | O_NOCTTY)) == -1) {
			serr = errno;
			snprintf(g->err, sizeof(g->err), "open(%s): %s", file,
			    strerror(serr));
			goto fail;
		}
		g->fds[g->nfds++] = fd;
		if (sigmap_open(&sm, fd, 1) == -1) {
			serr = errno;
			snprintf(g->err, sizeof(g->err), "%s: %s", file,
			    av_strerror(serr));
			goto fail;
		}
		/* a module kept from an older generation has its own serial */
		if (sm.view.hdr->serial > g->serial)
			g->serial = sm.view.hdr->serial;
		if ((int64_t)sm.view.hdr->created > g->created)
			g->created = (int64_t)sm.view.hdr->created;
		g->bytes += sm.size;
		g->nsigs += sm.view.nsigs + sm.view.hdr->nhash;
		sigmap_close(&sm);
	}
	for (i = 0; i < n; i++)
		free(names[i]);
	closedir(d);
	sv_gen_dirserial(g);
	return 0;
fail:
	for (i = 0; i < n; i++)
		free(names[i]);
	if (d != NULL)
		closedir(d);
	sv_gen_close(g);
	errno = serr;
	return -1;
}

/* sv_gen_close - close the module descriptors */
void
sv_gen_close(struct sv_gen *g)
{
	uint32_t	 i;

	for (i = 0; i < g->nfds; i++)
		close(g->fds[i]);
	g->nfds = 0;
}

/* sv_gen_changed - does current name another generation now? */
int
sv_gen_changed(const struct sv_gen *g, const char *basedir)
{
	char	 name[NAME_MAX + 1];

	if (sv_gen_target(basedir, name, sizeof(name)) == -1)
		return -1;
	return strcmp(name, g->name) != 0;
}
