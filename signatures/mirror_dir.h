/*
 * mirror_dir.h - the files of a mirror directory (update.ver, modules)
 *
 * SYNOPSIS
 *	int	 mirror_dir_lock(const char *dir);
 *	int	 mirror_dir_read(const char *dir, const char *name,
 *		    uint8_t *buf, size_t max, size_t *len);
 *	int	 mirror_dir_put(const char *dir, const char *name,
 *		    const void *p, size_t n, time_t mtime);
 *	int	 mirror_dir_tmpname(const char *dir, const char *name,
 *		    char *path, size_t len);
 *	int	 mirror_dir_commit(const char *dir, const char *tmp,
 *		    const char *name);
 *	int	 mirror_dir_check(const char *dir,
 *		    const struct updatever_mod *m);
 *	int	 mirror_dir_prune(const char *dir,
 *		    const struct updatever *keep, const struct updatever *old);
 * DESCRIPTION
 *	A mirror directory is flat: update.ver and the module files it
 *	lists, served as they are by any web server (as vigil_upd/).  Every
 *	file is written aside as ".NAME.tmp.PID", synced, renamed into place
 *	and the directory synced, so a web server or a reader never sees a
 *	half-written file, and update.ver is renamed last.
 *
 *	mirror_dir_lock() takes an exclusive flock(2) on DIR/.lock (created
 *	mode 0644) without waiting, and returns its descriptor, which the
 *	caller keeps open (close-on-exec) for as long as it writes.
 *	mirror_dir_read() reads DIR/NAME whole into buf (at most max bytes).
 *	mirror_dir_put() writes n bytes as DIR/NAME the safe way, with
 *	modification time mtime (0: now).  mirror_dir_tmpname() gives the
 *	temporary path for NAME, for a caller that writes it itself;
 *	mirror_dir_commit() then syncs tmp, renames it to DIR/NAME and syncs
 *	DIR.  mirror_dir_check() says whether DIR/m->file is there with
 *	m->size bytes whose SHA-256 is m->sha256.  mirror_dir_prune() removes
 *	the *.vmod files that neither keep nor old (which may be NULL) lists,
 *	and temporary files left by a killed run; the module files of the
 *	previous index stay one round, so that a subordinate mirror that read
 *	the old update.ver a moment ago still finds them.  Call it only
 *	under the lock.
 * ERRORS
 *	Return 0 (mirror_dir_lock(): a descriptor), or -1 with errno:
 *	EWOULDBLOCK (another process holds the lock), EFBIG (read: larger
 *	than max), ENOENT, EBADMSG (check: size or SHA-256 differ), EIO
 *	(libcrypto), or what the system calls say.  mirror_dir_prune() goes
 *	on past a file it cannot remove and returns -1 at the end.  Never
 *	exit, never log.
 * PROCESS
 *	vigil-publish, vigil-mirror, vigil-compile --from-mirror (read).
 */
#ifndef VIGIL_MIRROR_DIR_H
#define VIGIL_MIRROR_DIR_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "signatures/updatever.h"

int	 mirror_dir_lock(const char *);
int	 mirror_dir_read(const char *, const char *, uint8_t *, size_t,
	    size_t *);
int	 mirror_dir_put(const char *, const char *, const void *, size_t,
	    time_t);
int	 mirror_dir_tmpname(const char *, const char *, char *, size_t);
int	 mirror_dir_commit(const char *, const char *, const char *);
int	 mirror_dir_check(const char *, const struct updatever_mod *);
int	 mirror_dir_prune(const char *, const struct updatever *,
	    const struct updatever *);

#endif
