/*
 * mirror_dir.c - the files of a mirror directory (update.ver, modules)
 */
#include <sys/file.h>
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "util/digest.h"
#include "util/path.h"
#include "signatures/mirror_dir.h"

static int	 md_fsyncdir(const char *);
static int	 md_listed(const struct updatever *, const char *);
static int	 md_stale(const char *);

/* md_fsyncdir - make a directory's entries durable */
static int
md_fsyncdir(const char *dir)
{
	int	 fd, rc, saved;

	if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1)
		return -1;
	rc = fsync(fd);
	saved = errno;
	close(fd);
	errno = saved;
	return rc;
}

/* mirror_dir_lock - exclusive, non-blocking lock on DIR/.lock */
int
mirror_dir_lock(const char *dir)
{
	char	 path[PATH_MAX];
	int	 fd, saved;

	if (path_join(path, sizeof(path), dir, ".lock") == -1)
		return -1;
	if ((fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644)) == -1)
		return -1;
	if (flock(fd, LOCK_EX | LOCK_NB) == -1) {
		saved = errno;
		close(fd);
		errno = saved == EAGAIN ? EWOULDBLOCK : saved;
		return -1;
	}
	return fd;
}

/* mirror_dir_read - a small file whole */
int
mirror_dir_read(const char *dir, const char *name, uint8_t *buf, size_t max,
    size_t *len)
{
	char	 path[PATH_MAX], extra;
	size_t	 n = 0;
	ssize_t	 r;
	int	 fd, saved;

	if (path_join(path, sizeof(path), dir, name) == -1)
		return -1;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return -1;
	for (;;) {
		r = n < max ? read(fd, buf + n, max - n) : read(fd, &extra, 1);
		if (r == -1) {
			if (errno == EINTR)
				continue;
			saved = errno;
			close(fd);
			errno = saved;
			return -1;
		}
		if (r == 0)
			break;
		if (n == max) {
			close(fd);
			errno = EFBIG;
			return -1;
		}
		n += (size_t)r;
	}
	close(fd);
	*len = n;
	return 0;
}

/* mirror_dir_tmpname - DIR/.NAME.tmp.PID */
int
mirror_dir_tmpname(const char *dir, const char *name, char *path,
    size_t len)
{
	return path_fmt(path, len, "%s/.%s.tmp.%ld", dir, name,
	    (long)getpid());
}

/* mirror_dir_commit - sync tmp, rename it to DIR/NAME, sync DIR */
int
mirror_dir_commit(const char *dir, const char *tmp, const char *name)
{
	char	 path[PATH_MAX];
	int	 fd, rc, saved;

	if (path_join(path, sizeof(path), dir, name) == -1)
		return -1;
	if ((fd = open(tmp, O_RDONLY | O_CLOEXEC)) == -1)
		return -1;
	rc = fsync(fd);
	saved = errno;
	close(fd);
	if (rc == -1) {
		errno = saved;
		return -1;
	}
	if (rename(tmp, path) == -1)
		return -1;
	return md_fsyncdir(dir);
}

/* mirror_dir_put - write DIR/NAME aside, then rename it into place */
int
mirror_dir_put(const char *dir, const char *name, const void *p, size_t n,
    time_t mtime)
{
	struct timespec	 ts[2];
	const uint8_t	*b = p;
	char		 tmp[PATH_MAX];
	ssize_t		 w;
	int		 fd, saved;

	if (mirror_dir_tmpname(dir, name, tmp, sizeof(tmp)) == -1)
		return -1;
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644))
	    == -1)
		return -1;
	while (n > 0) {
		if ((w = write(fd, b, n)) == -1) {
			if (errno == EINTR)
				continue;
			goto fail;
		}
		b += w;
		n -= (size_t)w;
	}
	if (mtime != 0) {
		ts[0].tv_sec = ts[1].tv_sec = mtime;
		ts[0].tv_nsec = ts[1].tv_nsec = 0;
		if (futimens(fd, ts) == -1)
			goto fail;
	}
	if (fsync(fd) == -1)
		goto fail;
	if (close(fd) == -1) {
		fd = -1;
		goto fail;
	}
	fd = -1;
	if (mirror_dir_commit(dir, tmp, name) == -1)
		goto fail;
	return 0;
fail:
	saved = errno;
	if (fd != -1)
		close(fd);
	unlink(tmp);
	errno = saved;
	return -1;
}

/* mirror_dir_check - DIR/m->file has the size and SHA-256 of m */
int
mirror_dir_check(const char *dir, const struct updatever_mod *m)
{
	uint8_t		 buf[65536], out[DIGEST_NTYPES][DIGEST_MAXLEN];
	char		 path[PATH_MAX];
	struct stat	 st;
	struct digest	*d = NULL;
	ssize_t		 r;
	int		 fd, saved, rc = -1;

	if (path_join(path, sizeof(path), dir, m->file) == -1)
		return -1;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return -1;
	if (fstat(fd, &st) == -1)
		goto done;
	if (!S_ISREG(st.st_mode) || (uint64_t)st.st_size != m->size) {
		errno = EBADMSG;
		goto done;
	}
	if ((d = digest_new()) == NULL ||
	    digest_reset(d, 1U << DIGEST_SHA256) == -1)
		goto done;
	while ((r = read(fd, buf, sizeof(buf))) != 0) {
		if (r == -1) {
			if (errno == EINTR)
				continue;
			goto done;
		}
		digest_update(d, buf, (size_t)r);
	}
	if (digest_final(d, out) == -1)
		goto done;
	if (memcmp(out[DIGEST_SHA256], m->sha256, UPDV_SHALEN) != 0) {
		errno = EBADMSG;
		goto done;
	}
	rc = 0;
done:
	saved = errno;
	digest_free(d);
	close(fd);
	errno = saved;
	return rc;
}

/* md_listed - u lists file name */
static int
md_listed(const struct updatever *u, const char *name)
{
	size_t	 i;

	if (u == NULL)
		return 0;
	for (i = 0; i < u->nmods; i++)
		if (strcmp(u->mods[i].file, name) == 0)
			return 1;
	return 0;
}

/* md_stale - ".NAME.tmp.PID": a temporary file of ours */
static int
md_stale(const char *name)
{
	const char	*t;

	if (name[0] != '.' || (t = strstr(name, ".tmp.")) == NULL ||
	    t == name)
		return 0;
	for (t += 5; *t >= '0' && *t <= '9'; t++)
		;
	return *t == '\0';
}

/* mirror_dir_prune - modules no index lists, leftovers of killed runs */
int
mirror_dir_prune(const char *dir, const struct updatever *keep,
    const struct updatever *old)
{
	DIR		*d;
	struct dirent	*de;
	size_t		 l;
	int		 rc = 0, saved = 0;

	if ((d = opendir(dir)) == NULL)
		return -1;
	while ((de = readdir(d)) != NULL) {
		l = strlen(de->d_name);
		if (md_stale(de->d_name) ||
		    (de->d_name[0] != '.' && l > 5 &&
		    strcmp(de->d_name + l - 5, ".vmod") == 0 &&
		    !md_listed(keep, de->d_name) &&
		    !md_listed(old, de->d_name))) {
			if (unlinkat(dirfd(d), de->d_name, 0) == -1 &&
			    errno != ENOENT) {
				saved = errno;
				rc = -1;
			}
		}
	}
	closedir(d);
	if (rc == -1)
		errno = saved;
	return rc;
}
