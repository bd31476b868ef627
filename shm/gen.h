/*
 * gen.h - database generations: locate, map, install
 *
 * SYNOPSIS
 *	struct gen { uint64_t serial; size_t nmods; struct sigmap mods[];
 *		     const struct vmod_view *views[]; ... };
 *	int	 gen_open(struct gen *g, const char *path);
 *	void	 gen_close(struct gen *g);
 *	int	 gen_install(const char *basedir, uint64_t serial,
 *		    const char *const *names, const uint8_t *const *images,
 *		    const size_t *sizes, size_t n, char *dir, size_t dirlen,
 *		    unsigned flags);
 *	uint64_t gen_next_serial(const char *basedir);
 * DESCRIPTION
 *	A base directory holds generations gen-<serial>/, each with the
 *	modules (*.vmod) of one database version, and the symlink current
 *	-> gen-<serial>, replaced with rename(2) so that a reader sees the
 *	old or the new set, never a mix.
 *
 *	gen_open() accepts a module file, a directory of modules, or a base
 *	directory (it then follows current), maps every module read-only and
 *	validates it completely; g->views then feed matcher_new().  The
 *	generation's serial is that of gen-<serial>, or the largest module
 *	serial.  g->err describes a failure, naming the file.
 *
 *	gen_install() writes the modules as NAME.vmod into
 *	basedir/.gen-<serial>.tmp.<pid>, fsyncs each file and the directory,
 *	renames it to gen-<serial>, points a temporary symlink
 *	.current.tmp.<pid> at it and renames that over current, then fsyncs
 *	basedir.  It refuses an existing gen-<serial>, no modules, and names
 *	that are empty, start with '.', contain '/' or are longer than 64
 *	bytes (EINVAL, before anything is written).  With GEN_KEEP in flags
 *	the new generation also holds every module of the current one that
 *	is not among names, as a hard link to the same file (a copy where
 *	the file system refuses links): an update that replaces one module
 *	shares the others' pages with the running generation, so a swap
 *	maps only what changed.  Without a current generation there is
 *	nothing to keep.  On failure it removes what it wrote.  The new generation's path goes to dir (ENAMETOOLONG
 *	if it does not fit).  gen_next_serial() returns a serial larger than
 *	every generation in basedir and at least the current time in
 *	seconds, or 0 when the largest serial is already used.
 * ERRORS
 *	gen_open() and gen_install() return 0, or -1 with errno (and
 *	g->err, for gen_open).  Never exit, never log.
 * PROCESS
 *	supervisor, vigil-scan --db, vigil-compile --install.
 */
#ifndef VIGIL_GEN_H
#define VIGIL_GEN_H

#include <limits.h>
#include <stddef.h>
#include <stdint.h>

#include "shm/sigmap.h"

#define GEN_MAXMODS	32
#define GEN_KEEP	0x01	/* gen_install: keep current's other modules */

struct gen {
	uint64_t		 serial;
	char			 path[PATH_MAX];	/* directory or file */
	size_t			 nmods;
	struct sigmap		 mods[GEN_MAXMODS];
	const struct vmod_view	*views[GEN_MAXMODS];
	char			 err[PATH_MAX + 128];
};

int	 gen_open(struct gen *, const char *);
void	 gen_close(struct gen *);
int	 gen_install(const char *, uint64_t, const char *const *,
	    const uint8_t *const *, const size_t *, size_t, char *, size_t,
	    unsigned);
uint64_t gen_next_serial(const char *);

#endif
