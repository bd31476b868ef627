/*
 * scanwalk.c - vigil-scan's tree walker: one open file at a time
 *
 * DESCRIPTION
 *	See scanwalk.h.  A stack of open directories (one frame each, with
 *	the length of its path in the shared path buffer); every name below
 *	a root is opened with openat(2) relative to its frame's descriptor.
 */
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "clients/scanopt.h"
#include "clients/scanwalk.h"

struct sw_frame {
	DIR		*d;
	dev_t		 dev;
	ino_t		 ino;
	size_t		 plen;		/* its path's length */
};

struct sw_excl {
	dev_t		 dev;
	ino_t		 ino;
};

struct scanwalk {
	struct scanwalk_opts	 o;
	struct sw_frame		*fr;
	size_t			 nfr, capfr;
	struct sw_excl		*ex;
	size_t			 nex, capex;
	char			*path;
	size_t			 cappath;
	char			*root;		/* to start, or NULL */
	dev_t			 rootdev;
};

static int	 sw_grow(void **, size_t *, size_t, size_t);
static int	 sw_setpath(struct scanwalk *, size_t, const char *);
static int	 sw_open(int, const char *, int);
static int	 sw_skip(const struct scanwalk *, const struct stat *);
static int	 sw_error(struct scanwalk *, struct scanwalk_ent *, int);
static int	 sw_push(struct scanwalk *, int, const struct stat *);
static void	 sw_pop(struct scanwalk *);
static int	 sw_start(struct scanwalk *, struct scanwalk_ent *);
static int	 sw_dir(struct scanwalk *, int, const char *,
		    struct scanwalk_ent *);
static int	 sw_file(struct scanwalk *, int, const char *, int,
		    struct scanwalk_ent *);
static int	 sw_entry(struct scanwalk *, const struct dirent *,
		    struct scanwalk_ent *);

/* sw_grow - room for one more element in *p */
static int
sw_grow(void **p, size_t *cap, size_t n, size_t size)
{
	size_t	 ncap;
	void	*np;

	if (n < *cap)
		return 0;
	ncap = *cap ? *cap * 2 : 16;
	if ((np = reallocarray(*p, ncap, size)) == NULL) {
		errno = ENOMEM;
		return -1;
	}
	*p = np;
	*cap = ncap;
	return 0;
}

/* sw_setpath - path[0, plen) + "/" + name */
static int
sw_setpath(struct scanwalk *w, size_t plen, const char *name)
{
	size_t	 nlen = strlen(name), need;
	int	 slash = plen > 0 && w->path[plen - 1] != '/';
	char	*np;

	need = plen + slash + nlen + 1;
	if (need > w->cappath) {
		if ((np = realloc(w->path, need * 2)) == NULL) {
			errno = ENOMEM;
			return -1;
		}
		w->path = np;
		w->cappath = need * 2;
	}
	if (slash)
		w->path[plen++] = '/';
	memcpy(w->path + plen, name, nlen + 1);
	return 0;
}

/* sw_open - openat() without updating the access time where allowed */
static int
sw_open(int dfd, const char *name, int flags)
{
	int	 fd;

	fd = openat(dfd, name, flags | O_NOATIME);
	if (fd == -1 && errno == EPERM)	/* not the owner: atime it is */
		fd = openat(dfd, name, flags);
	return fd;
}

/* sw_skip - excluded by device and inode, or on another file system */
static int
sw_skip(const struct scanwalk *w, const struct stat *st)
{
	size_t	 i;

	if (w->o.xdev && st->st_dev != w->rootdev)
		return 1;
	for (i = 0; i < w->nex; i++)
		if (w->ex[i].dev == st->st_dev && w->ex[i].ino == st->st_ino)
			return 1;
	return 0;
}

/* sw_error - an error entry for the current path */
static int
sw_error(struct scanwalk *w, struct scanwalk_ent *e, int err)
{
	memset(e, 0, sizeof(*e));
	e->type = SCANWALK_ERROR;
	e->path = w->path;
	e->name = w->path;
	e->fd = e->dirfd = -1;
	e->err = err;
	return 1;
}

/* sw_push - enter the directory open as fd (taken, closed on failure) */
static int
sw_push(struct scanwalk *w, int fd, const struct stat *st)
{
	struct sw_frame	*f;
	DIR		*d;

	if (sw_grow((void **)&w->fr, &w->capfr, w->nfr, sizeof(*w->fr))
	    == -1) {
		close(fd);
		return -1;
	}
	if ((d = fdopendir(fd)) == NULL) {
		close(fd);
		return -1;
	}
	f = &w->fr[w->nfr++];
	f->d = d;
	f->dev = st->st_dev;
	f->ino = st->st_ino;
	f->plen = strlen(w->path);
	return 0;
}

/* sw_pop - leave the innermost directory */
static void
sw_pop(struct scanwalk *w)
{
	closedir(w->fr[--w->nfr].d);
}

/* sw_start - the root: 1 an entry, 0 nothing (or a directory entered) */
static int
sw_start(struct scanwalk *w, struct scanwalk_ent *e)
{
	struct stat	 st;
	char		*slash, save;
	int		 fd, e0;

	if (stat(w->path, &st) == -1)
		return sw_error(w, e, errno);
	if (scanopt_glob(w->path, w->o.globs, w->o.nglobs))
		return 0;
	w->rootdev = st.st_dev;
	if (sw_skip(w, &st))
		return 0;
	if (S_ISDIR(st.st_mode)) {
		fd = sw_open(AT_FDCWD, w->path, O_RDONLY | O_DIRECTORY |
		    O_CLOEXEC | O_NONBLOCK);
		if (fd == -1)
			return sw_error(w, e, errno);
		if (fstat(fd, &st) == -1) {
			e0 = errno;
			close(fd);
			return sw_error(w, e, e0);
		}
		if (sw_push(w, fd, &st) == -1)	/* fd closed */
			return errno == ENOMEM ? -1 : sw_error(w, e, errno);
		return 0;
	}
	if (!S_ISREG(st.st_mode))
		return 0;
	fd = sw_open(AT_FDCWD, w->path, O_RDONLY | O_NOCTTY | O_NONBLOCK |
	    O_CLOEXEC);
	if (fd == -1)
		return sw_error(w, e, errno);
	memset(e, 0, sizeof(*e));
	if (fstat(fd, &e->st) == -1) {
		e0 = errno;
		close(fd);
		return sw_error(w, e, e0);
	}
	if (!S_ISREG(e->st.st_mode)) {
		close(fd);
		return 0;
	}
	e->type = SCANWALK_FILE;
	e->path = w->path;
	e->fd = fd;
	e->dirfd = -1;
	if ((slash = strrchr(w->path, '/')) == NULL) {
		e->name = w->path;
		if (w->o.keepdir)
			e->dirfd = open(".", O_RDONLY | O_DIRECTORY |
			    O_CLOEXEC);
	} else {
		e->name = slash + 1;
		if (w->o.keepdir) {
			/* the directory part, "/" for "/name" */
			save = slash[slash == w->path];
			slash[slash == w->path] = '\0';
			e->dirfd = open(w->path, O_RDONLY | O_DIRECTORY |
			    O_CLOEXEC);
			slash[slash == w->path] = save;
		}
	}
	return 1;
}

/* sw_dir - enter directory name of dfd, unless it is to be skipped */
static int
sw_dir(struct scanwalk *w, int dfd, const char *name,
    struct scanwalk_ent *e)
{
	struct stat	 st;
	size_t		 i;
	int		 fd, e0;

	fd = sw_open(dfd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC |
	    O_NONBLOCK | (w->o.follow ? 0 : O_NOFOLLOW));
	if (fd == -1) {
		/* gone, or replaced by a symbolic link since readdir */
		if (errno == ENOENT || (errno == ELOOP && !w->o.follow) ||
		    errno == ENOTDIR)
			return 0;
		return sw_error(w, e, errno);
	}
	if (fstat(fd, &st) == -1) {
		e0 = errno;
		close(fd);
		return sw_error(w, e, e0);
	}
	if (sw_skip(w, &st)) {
		close(fd);
		return 0;
	}
	for (i = 0; i < w->nfr; i++)
		if (w->fr[i].dev == st.st_dev && w->fr[i].ino == st.st_ino) {
			close(fd);	/* a loop through a symbolic link */
			return 0;
		}
	if (sw_push(w, fd, &st) == -1)
		return errno == ENOMEM ? -1 : sw_error(w, e, errno);
	return 0;
}

/* sw_file - open regular file name of dfd */
static int
sw_file(struct scanwalk *w, int dfd, const char *name, int nofollow,
    struct scanwalk_ent *e)
{
	struct stat	 st;
	int		 fd, e0;

	fd = sw_open(dfd, name, O_RDONLY | O_NOCTTY | O_NONBLOCK |
	    O_CLOEXEC | (nofollow ? O_NOFOLLOW : 0));
	if (fd == -1) {
		if (errno == ENOENT || (errno == ELOOP && nofollow))
			return 0;
		return sw_error(w, e, errno);
	}
	if (fstat(fd, &st) == -1) {
		e0 = errno;
		close(fd);
		return sw_error(w, e, e0);
	}
	if (!S_ISREG(st.st_mode) || sw_skip(w, &st)) {
		close(fd);
		return 0;
	}
	memset(e, 0, sizeof(*e));
	e->dirfd = -1;
	if (w->o.keepdir &&
	    (e->dirfd = fcntl(dfd, F_DUPFD_CLOEXEC, 0)) == -1) {
		e0 = errno;
		close(fd);
		return sw_error(w, e, e0);
	}
	e->type = SCANWALK_FILE;
	e->path = w->path;
	e->name = w->path + strlen(w->path) - strlen(name);
	e->fd = fd;
	e->st = st;
	return 1;
}

/* sw_entry - one name read from the innermost directory */
static int
sw_entry(struct scanwalk *w, const struct dirent *de,
    struct scanwalk_ent *e)
{
	struct sw_frame	*f = &w->fr[w->nfr - 1];
	struct stat	 st;
	int		 dfd = dirfd(f->d), type = de->d_type, link = 0;

	if (sw_setpath(w, f->plen, de->d_name) == -1)
		return -1;
	if (scanopt_glob(w->path, w->o.globs, w->o.nglobs))
		return 0;
	if (type == DT_LNK) {
		if (!w->o.follow)
			return 0;
		link = 1;
	}
	if (type == DT_UNKNOWN || link) {
		if (fstatat(dfd, de->d_name, &st,
		    link ? 0 : AT_SYMLINK_NOFOLLOW) == -1)
			/* gone, or a link to nothing */
			return errno == ENOENT ? 0 : sw_error(w, e, errno);
		if (S_ISDIR(st.st_mode))
			type = DT_DIR;
		else if (S_ISREG(st.st_mode))
			type = DT_REG;
		else
			return 0;
	}
	if (type == DT_DIR)
		return sw_dir(w, dfd, de->d_name, e);
	if (type == DT_REG)
		return sw_file(w, dfd, de->d_name, !w->o.follow, e);
	return 0;		/* devices, FIFOs, sockets */
}

/* scanwalk_new - a walker */
struct scanwalk *
scanwalk_new(const struct scanwalk_opts *o)
{
	struct scanwalk	*w;

	if ((w = calloc(1, sizeof(*w))) == NULL) {
		errno = ENOMEM;
		return NULL;
	}
	w->o = *o;
	return w;
}

/* scanwalk_free - close everything */
void
scanwalk_free(struct scanwalk *w)
{
	if (w == NULL)
		return;
	while (w->nfr > 0)
		sw_pop(w);
	free(w->fr);
	free(w->ex);
	free(w->path);
	free(w->root);
	free(w);
}

/* scanwalk_exclude - skip path's file or subtree */
int
scanwalk_exclude(struct scanwalk *w, const char *path)
{
	struct stat	 st;

	if (stat(path, &st) == -1)
		return -1;
	if (sw_grow((void **)&w->ex, &w->capex, w->nex, sizeof(*w->ex)) == -1)
		return -1;
	w->ex[w->nex].dev = st.st_dev;
	w->ex[w->nex].ino = st.st_ino;
	w->nex++;
	return 0;
}

/* scanwalk_root - start the walk of path */
int
scanwalk_root(struct scanwalk *w, const char *path)
{
	char	*r;
	size_t	 len;

	while (w->nfr > 0)
		sw_pop(w);
	if ((r = strdup(path)) == NULL) {
		errno = ENOMEM;
		return -1;
	}
	/* "dir/" and "dir" walk the same: no "dir//name" */
	for (len = strlen(r); len > 1 && r[len - 1] == '/'; len--)
		r[len - 1] = '\0';
	free(w->root);
	w->root = r;
	return 0;
}

/* scanwalk_next - the next file or error of the walk */
int
scanwalk_next(struct scanwalk *w, struct scanwalk_ent *e)
{
	struct dirent	*de;
	int		 r;

	if (w->root != NULL) {
		r = sw_setpath(w, 0, w->root);
		free(w->root);
		w->root = NULL;
		if (r == -1)
			return -1;
		if ((r = sw_start(w, e)) != 0)
			return r;
	}
	while (w->nfr > 0) {
		errno = 0;
		if ((de = readdir(w->fr[w->nfr - 1].d)) == NULL) {
			r = errno;
			w->path[w->fr[w->nfr - 1].plen] = '\0';
			sw_pop(w);
			if (r != 0)
				return sw_error(w, e, r);
			continue;
		}
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		if ((r = sw_entry(w, de, e)) != 0) {
			if (r == -1)
				while (w->nfr > 0)
					sw_pop(w);
			return r;
		}
	}
	return 0;
}
