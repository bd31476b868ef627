/*
 * sv_gen.h - vigild's view of one signature generation (private)
 *
 * SYNOPSIS
 *	int	 sv_gen_open(struct sv_gen *g, const char *basedir);
 *	void	 sv_gen_close(struct sv_gen *g);
 *	int	 sv_gen_changed(const struct sv_gen *g, const char *basedir);
 * DESCRIPTION
 *	sv_gen_open() follows basedir/current, opens every NAME.vmod of the
 *	generation it names (in name order, O_RDONLY|O_CLOEXEC), maps and
 *	validates each one deeply (shm/sigmap.h), unmaps it again and keeps
 *	the descriptors: they are what workers receive with MSG_MODULES.
 *	g->serial is that of the directory's name gen-<serial>, or else the
 *	largest serial of its modules (a generation made with vigil-compile
 *	--update holds modules of older serials), g->created the newest
 *	build time, g->bytes the modules' total size, g->name the
 *	target of current.  sv_gen_close() closes the descriptors.
 *	sv_gen_changed() tells whether current now names another directory
 *	than the one g was opened from (1), the same (0), or cannot be read
 *	(-1).
 * ERRORS
 *	sv_gen_open() returns 0, or -1 with errno and g->err naming the file
 *	and the cause; nothing is left open then.  A generation without
 *	modules is ENOENT.  Never exits, never logs.
 * PROCESS
 *	the supervisor, before it forks workers on the generation.
 */
#ifndef VIGIL_SV_GEN_H
#define VIGIL_SV_GEN_H

#include <limits.h>
#include <stdint.h>

#include "av/wire.h"

struct sv_gen {
	uint64_t	 serial;
	int64_t		 created;	/* seconds since 1970 */
	uint64_t	 bytes;
	uint64_t	 nsigs;
	char		 name[NAME_MAX + 1];	/* target of current */
	int		 fds[WIRE_MAXMODULES];
	uint32_t	 nfds;
	unsigned	 refs;		/* workers started on it */
	char		 err[2 * PATH_MAX + 128];
};

int	 sv_gen_open(struct sv_gen *, const char *);
void	 sv_gen_close(struct sv_gen *);
int	 sv_gen_changed(const struct sv_gen *, const char *);

#endif
