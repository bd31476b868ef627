/*
 * gen.c - generations of compiled modules in a base directory
 */
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "util/path.h"
#include "av/averr.h"
#include "shm/gen.h"

static int	 gen_map(struct gen *, const char *);
static int	 gen_dir(struct gen *, const char *);
static int	 gen_namecmp(const void *, const void *);
static int	 gen_serialof(const char *, uint64_t *);
static int	 gen_write(int, const char *, const uint8_t *, size_t);
static int	 gen_fsyncdir(const char *);
static void	 gen_rmtmp(const char *);
static int	 gen_copy(int, int, const char *);
static int	 gen_keep(const char *, int, const char *const *, size_t);

/* gen_map - map and validate one module file */
static int
gen_map(struct gen *g, const char *file)
{
	int	 fd, saved;

	if (g->nmods == GEN_MAXMODS) {
		snprintf(g->err, sizeof(g->err), "%s: too many modules", file);
		errno = E2BIG;
		return -1;
	}
	if ((fd = open(file, O_RDONLY | O_CLOEXEC)) == -1) {
		saved = errno;
		snprintf(g->err, sizeof(g->err), "open(%s): %s", file,
		    strerror(errno));
		errno = saved;
		return -1;
	}
	if (sigmap_open(&g->mods[g->nmods], fd, 1) == -1) {
		saved = errno;
		snprintf(g->err, sizeof(g->err), "%s: %s", file,
		    av_strerror(errno));
		close(fd);
		errno = saved;
		return -1;
	}
	close(fd);
	g->views[g->nmods] = &g->mods[g->nmods].view;
	if (g->mods[g->nmods].view.hdr->serial > g->serial)
		g->serial = g->mods[g->nmods].view.hdr->serial;
	g->nmods++;
	return 0;
}

/* gen_namecmp - order names */
static int
gen_namecmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* gen_dir - every *.vmod of a directory, in name order */
static int
gen_dir(struct gen *g, const char *dir)
{
	DIR		*d;
	struct dirent	*de;
	char		*names[GEN_MAXMODS], full[PATH_MAX];
	size_t		 n = 0, i, l;
	int		 rc = 0;

	if ((d = opendir(dir)) == NULL) {
		snprintf(g->err, sizeof(g->err), "opendir(%s): %s", dir,
		    strerror(errno));
		return -1;
	}
	while ((de = readdir(d)) != NULL) {
		l = strlen(de->d_name);
		if (de->d_name[0] == '.' || l < 6 ||
		    strcmp(de->d_name + l - 5, ".vmod") != 0)
			continue;
		if (n == GEN_MAXMODS) {
			snprintf(g->err, sizeof(g->err),
			    "%s: more than %d modules", dir, GEN_MAXMODS);
			rc = -1;
			errno = E2BIG;
			break;
		}
		if ((names[n] = strdup(de->d_name)) == NULL) {
			rc = -1;
			break;
		}
		n++;
	}
	closedir(d);
	if (rc == 0 && n == 0) {
		snprintf(g->err, sizeof(g->err), "%s: no modules (*.vmod)",
		    dir);
		errno = ENOENT;
		rc = -1;
	}
	qsort(names, n, sizeof(names[0]), gen_namecmp);
	for (i = 0; i < n && rc == 0; i++) {
		if ((rc = path_join(full, sizeof(full), dir, names[i])) == 0)
			rc = gen_map(g, full);
	}
	for (i = 0; i < n; i++)
		free(names[i]);
	return rc;
}

/* gen_serialof - serial of a "gen-<serial>" name */
static int
gen_serialof(const char *name, uint64_t *serial)
{
	char	*end;

	if (strncmp(name, "gen-", 4) != 0 || name[4] < '0' || name[4] > '9')
		return -1;
	errno = 0;
	*serial = strtoull(name + 4, &end, 10);
	return (*end != '\0' || errno != 0) ? -1 : 0;
}

/* gen_open - map a module, a directory of modules or a base directory */
int
gen_open(struct gen *g, const char *path)
{
	struct stat	 st;
	char		 cur[PATH_MAX], target[PATH_MAX];
	const char	*base;
	ssize_t		 n;
	uint64_t	 serial;
	int		 saved;

	memset(g, 0, sizeof(*g));
	if (stat(path, &st) == -1) {
		saved = errno;
		snprintf(g->err, sizeof(g->err), "%s: %s", path,
		    strerror(errno));
		errno = saved;
		return -1;
	}
	if (!S_ISDIR(st.st_mode)) {
		if (path_fmt(g->path, sizeof(g->path), "%s", path) == -1 ||
		    gen_map(g, path) == -1)
			goto fail;
		return 0;
	}
	if (path_join(cur, sizeof(cur), path, "current") == -1)
		goto fail;
	if ((n = readlink(cur, target, sizeof(target) - 1)) >= 0) {
		target[n] = '\0';
		if (path_join(g->path, sizeof(g->path),
		    target[0] == '/' ? "" : path, target) == -1)
			goto fail;
	} else if (path_fmt(g->path, sizeof(g->path), "%s", path) == -1)
		goto fail;
	if (gen_dir(g, g->path) == -1)
		goto fail;
	n = (ssize_t)strlen(g->path);
	while (n > 1 && g->path[n - 1] == '/')
		g->path[--n] = '\0';
	base = strrchr(g->path, '/') ? strrchr(g->path, '/') + 1 : g->path;
	if (gen_serialof(base, &serial) == 0)
		g->serial = serial;
	return 0;
fail:
	saved = errno;
	gen_close(g);
	errno = saved;
	return -1;
}

/* gen_close - unmap every module */
void
gen_close(struct gen *g)
{
	size_t	 i;
	char	 err[sizeof(g->err)];

	memcpy(err, g->err, sizeof(err));
	for (i = 0; i < g->nmods; i++)
		sigmap_close(&g->mods[i]);
	memset(g, 0, sizeof(*g));
	memcpy(g->err, err, sizeof(err));
}

/* gen_next_serial - larger than any generation here, at least now */
uint64_t
gen_next_serial(const char *basedir)
{
	DIR		*d;
	struct dirent	*de;
	uint64_t	 s, max = 0, now = (uint64_t)time(NULL);

	if ((d = opendir(basedir)) != NULL) {
		while ((de = readdir(d)) != NULL)
			if (gen_serialof(de->d_name, &s) == 0 && s > max)
				max = s;
		closedir(d);
	}
	if (max == UINT64_MAX)
		return 0;	/* no serial left */
	return max + 1 > now ? max + 1 : now;
}

/* gen_write - create a file, write it whole, fsync */
static int
gen_write(int dirfd, const char *name, const uint8_t *p, size_t n)
{
	ssize_t	 w;
	int	 fd, saved;

	if ((fd = openat(dirfd, name, O_WRONLY | O_CREAT | O_EXCL |
	    O_CLOEXEC, 0644)) == -1)
		return -1;
	while (n > 0) {
		if ((w = write(fd, p, n)) == -1) {
			if (errno == EINTR)
				continue;
			goto fail;
		}
		p += w;
		n -= w;
	}
	if (fsync(fd) == -1)
		goto fail;
	return close(fd);
fail:
	saved = errno;
	close(fd);
	errno = saved;
	return -1;
}

/* gen_fsyncdir - make a directory's entries durable */
static int
gen_fsyncdir(const char *dir)
{
	int	 fd, rc;

	if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1)
		return -1;
	rc = fsync(fd);
	close(fd);
	return rc;
}

/* gen_rmtmp - remove a directory being built and what it holds */
static void
gen_rmtmp(const char *dir)
{
	DIR		*d;
	struct dirent	*de;

	if ((d = opendir(dir)) != NULL) {
		while ((de = readdir(d)) != NULL)
			if (de->d_name[0] != '.')
				unlinkat(dirfd(d), de->d_name, 0);
		closedir(d);
	}
	rmdir(dir);
}

/* gen_copy - copy one file between directories, fsynced */
static int
gen_copy(int from, int to, const char *name)
{
	char	 buf[65536];
	ssize_t	 r, w;
	int	 in, out, saved;

	if ((in = openat(from, name, O_RDONLY | O_CLOEXEC)) == -1)
		return -1;
	if ((out = openat(to, name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
	    0644)) == -1) {
		saved = errno;
		close(in);
		errno = saved;
		return -1;
	}
	while ((r = read(in, buf, sizeof(buf))) != 0) {
		if (r == -1) {
			if (errno == EINTR)
				continue;
			goto fail;
		}
		for (w = 0; w < r; ) {
			ssize_t	 k = write(out, buf + w, (size_t)(r - w));

			if (k == -1) {
				if (errno == EINTR)
					continue;
				goto fail;
			}
			w += k;
		}
	}
	if (fsync(out) == -1)
		goto fail;
	close(in);
	return close(out);
fail:
	saved = errno;
	close(in);
	close(out);
	errno = saved;
	return -1;
}

/* gen_keep - share the current generation's other modules (hard links) */
static int
gen_keep(const char *basedir, int dfd, const char *const *names, size_t n)
{
	DIR		*d;
	struct dirent	*de;
	char		 cur[PATH_MAX];
	size_t		 i, l;
	int		 rc = 0;

	if (path_join(cur, sizeof(cur), basedir, "current") == -1)
		return -1;
	if ((d = opendir(cur)) == NULL)
		return errno == ENOENT ? 0 : -1;	/* nothing to keep */
	while (rc == 0 && (de = readdir(d)) != NULL) {
		l = strlen(de->d_name);
		if (de->d_name[0] == '.' || l < 6 ||
		    strcmp(de->d_name + l - 5, ".vmod") != 0)
			continue;
		for (i = 0; i < n; i++)
			if (strlen(names[i]) == l - 5 &&
			    strncmp(names[i], de->d_name, l - 5) == 0)
				break;
		if (i < n)
			continue;	/* replaced */
		if (linkat(dirfd(d), de->d_name, dfd, de->d_name, 0) == -1)
			rc = gen_copy(dirfd(d), dfd, de->d_name);
	}
	closedir(d);
	return rc;
}

/* gen_install - write a generation aside, then flip current to it */
int
gen_install(const char *basedir, uint64_t serial, const char *const *names,
    const uint8_t *const *images, const size_t *sizes, size_t n, char *dir,
    size_t dirlen, unsigned flags)
{
	char	 tmp[PATH_MAX], final[PATH_MAX], link[PATH_MAX], rel[64];
	char	 file[PATH_MAX];
	size_t	 i;
	int	 dfd = -1, saved;

	/* names become file names: no path, no hidden file, no nothing */
	if (n == 0 || n > GEN_MAXMODS || serial == 0) {
		errno = EINVAL;
		return -1;
	}
	for (i = 0; i < n; i++)
		if (names[i][0] == '\0' || names[i][0] == '.' ||
		    strchr(names[i], '/') != NULL || strlen(names[i]) > 64) {
			errno = EINVAL;
			return -1;
		}
	if (mkdir(basedir, 0755) == -1 && errno != EEXIST)
		return -1;
	if (path_fmt(rel, sizeof(rel), "gen-%llu",
	    (unsigned long long)serial) == -1 ||
	    path_join(final, sizeof(final), basedir, rel) == -1 ||
	    path_fmt(tmp, sizeof(tmp), "%s/.%s.tmp.%ld", basedir, rel,
	    (long)getpid()) == -1 ||
	    path_fmt(link, sizeof(link), "%s/.current.tmp.%ld", basedir,
	    (long)getpid()) == -1)
		return -1;
	if (access(final, F_OK) == 0) {
		errno = EEXIST;
		return -1;
	}
	if (mkdir(tmp, 0755) == -1)
		return -1;
	if ((dfd = open(tmp, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1)
		goto fail;
	for (i = 0; i < n; i++) {
		if (path_fmt(file, sizeof(file), "%s.vmod", names[i]) == -1 ||
		    gen_write(dfd, file, images[i], sizes[i]) == -1)
			goto fail;
	}
	if ((flags & GEN_KEEP) && gen_keep(basedir, dfd, names, n) == -1)
		goto fail;
	if (fsync(dfd) == -1)
		goto fail;
	close(dfd);
	dfd = -1;
	if (rename(tmp, final) == -1)
		goto fail;
	unlink(link);
	if (path_join(file, sizeof(file), basedir, "current") == -1 ||
	    symlink(rel, link) == -1 || rename(link, file) == -1) {
		saved = errno;
		unlink(link);
		errno = saved;
		return -1;
	}
	if (gen_fsyncdir(basedir) == -1)
		return -1;
	if (dir != NULL && path_fmt(dir, dirlen, "%s", final) == -1)
		return -1;
	return 0;
fail:
	saved = errno;
	if (dfd != -1)
		close(dfd);
	gen_rmtmp(tmp);
	errno = saved;
	return -1;
}
