/*
 * scanwalk.h - vigil-scan's tree walker: one open file at a time
 *
 * SYNOPSIS
 *	struct scanwalk	*scanwalk_new(const struct scanwalk_opts *o);
 *	void	 scanwalk_free(struct scanwalk *w);
 *	int	 scanwalk_exclude(struct scanwalk *w, const char *path);
 *	int	 scanwalk_root(struct scanwalk *w, const char *path);
 *	int	 scanwalk_next(struct scanwalk *w, struct scanwalk_ent *e);
 * DESCRIPTION
 *	A walk is incremental: scanwalk_next() reads directories as it goes
 *	and returns each regular file already opened, so that its memory is
 *	the open directories from the root to the current one (one DIR
 *	buffer each) and the current path, whatever the size of the tree.
 *	Every file and directory below a root is opened relative to its
 *	parent directory's descriptor (openat(2)), never by a path, so that
 *	a directory renamed or replaced by a symbolic link during the walk
 *	cannot lead it elsewhere.
 *
 *	scanwalk_new() makes a walker with the options o (copied; the glob
 *	strings must outlive the walker):
 *	  follow	follow symbolic links found inside trees (files and
 *			directories; a directory that is its own ancestor is
 *			skipped); without it they are skipped, and files are
 *			opened O_NOFOLLOW;
 *	  xdev		do not enter a directory, nor open a file, on
 *			another file system than its root;
 *	  keepdir	give each file the descriptor of its directory, for
 *			acting on it by name later (unlinkat, renameat);
 *	  globs, nglobs	fnmatch(3) patterns of paths not scanned and
 *			subtrees not entered (scanopt_glob(): the path or
 *			its last component).
 *	scanwalk_exclude() adds a path whose file or subtree is skipped,
 *	known by its device and inode (so that "dir", "./dir" and the
 *	absolute name are the same; a missing path excludes nothing).
 *
 *	scanwalk_root() starts the walk of one path named by the user
 *	(copied); symbolic links are followed for it (stat(2)).  Then
 *	scanwalk_next() returns 1 with the next entry in *e, or 0 when the
 *	root is done (then scanwalk_root() may start the next one).  e->type
 *	is
 *	  SCANWALK_FILE		a regular file: e->fd is open read-only
 *				(O_NONBLOCK, O_NOCTTY, O_CLOEXEC, and O_NOATIME
 *				where the kernel allows it) and belongs to the
 *				caller, e->st is its fstat(2), e->dirfd is its
 *				directory's descriptor (the caller's too) when
 *				keepdir, else -1, and e->name its name in that
 *				directory;
 *	  SCANWALK_ERROR	a path that could not be read: e->err is the
 *				errno; the walk goes on without it.
 *	e->path is the path as the user would write it: the root, then
 *	"/" and the names below it.  e->path and e->name are valid until
 *	the next call.  Devices, FIFOs, sockets, symbolic links not
 *	followed and excluded paths are skipped silently.  A directory is
 *	read in the order readdir(3) gives.  Each open directory holds a
 *	descriptor: a tree deeper than the descriptor limit gives EMFILE
 *	errors for its deepest directories.
 *
 *	scanwalk_free() closes every directory and releases w (w may be
 *	NULL).
 * ERRORS
 *	scanwalk_new() returns NULL with errno ENOMEM.  scanwalk_exclude()
 *	returns 0, or -1 with errno of stat(2) or ENOMEM.  scanwalk_root()
 *	returns 0, or -1 with errno ENOMEM.  scanwalk_next() returns 1, 0,
 *	or -1 with errno ENOMEM (the walk of the root is then over).
 *	Nothing here exits or logs.
 * PROCESS
 *	vigil-scan, single-threaded.
 */
#ifndef VIGIL_SCANWALK_H
#define VIGIL_SCANWALK_H

#include <sys/stat.h>

#include <stddef.h>

struct scanwalk_opts {
	int			 follow;
	int			 xdev;
	int			 keepdir;
	const char *const	*globs;
	size_t			 nglobs;
};

enum scanwalk_type {
	SCANWALK_FILE = 1,
	SCANWALK_ERROR
};

struct scanwalk_ent {
	enum scanwalk_type	 type;
	const char		*path;
	const char		*name;
	int			 fd;
	int			 dirfd;
	struct stat		 st;
	int			 err;
};

struct scanwalk;

struct scanwalk	*scanwalk_new(const struct scanwalk_opts *);
void		 scanwalk_free(struct scanwalk *);
int		 scanwalk_exclude(struct scanwalk *, const char *);
int		 scanwalk_root(struct scanwalk *, const char *);
int		 scanwalk_next(struct scanwalk *, struct scanwalk_ent *);

#endif
