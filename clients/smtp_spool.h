/*
 * smtp_spool.h - the body of one message while it arrives: memory first,
 *	then an unlinked temporary file
 *
 * SYNOPSIS
 *	void	 smtp_spool_init(struct smtp_spool *sp, const char *dir,
 *		    size_t memmax, uint64_t max);
 *	int	 smtp_spool_write(struct smtp_spool *sp, const void *p,
 *		    size_t len);
 *	uint8_t	*smtp_spool_space(struct smtp_spool *sp, size_t n);
 *	int	 smtp_spool_commit(struct smtp_spool *sp, size_t len);
 *	int	 smtp_spool_finish(struct smtp_spool *sp);
 *	void	 smtp_spool_free(struct smtp_spool *sp);
 * DESCRIPTION
 *	smtp_spool_init() prepares an empty spool: up to memmax bytes are
 *	kept in memory; the first write beyond moves everything into a file
 *	created in dir (O_TMPFILE, or mkstemp(3) and unlink(2) where the
 *	file system has no O_TMPFILE), which nobody else can open.  max (0:
 *	none) is the size limit: bytes beyond it are counted in sp->size
 *	but not kept, and sp->over is set.  dir is not copied.
 *
 *	smtp_spool_write() appends len bytes.  smtp_spool_space() and
 *	smtp_spool_commit() do the same without a copy: space returns room
 *	for n bytes where the caller writes (in the memory part when they
 *	fit below memmax, elsewhere in a buffer the spool owns), and
 *	commit(len), len <= n, appends the first len bytes of that room
 *	exactly as smtp_spool_write() of them would (memmax, max, sp->size
 *	and sp->over alike).  The room is valid until the next call on sp;
 *	commit(0) gives it back.  smtp_spool_finish() ends the
 *	message: sp->data and sp->len are then the message (a read-only
 *	shared mapping of the file, or the memory; data is "" for an empty
 *	message) and sp->fd the file (-1 in memory), for the mail library
 *	(clients/mail.h: mail_scan() passes fd to a local vigild).
 *	smtp_spool_free() releases the memory, the mapping and the file,
 *	and leaves sp as smtp_spool_init() with the same settings would.
 * ERRORS
 *	smtp_spool_write(), smtp_spool_commit() and smtp_spool_finish()
 *	return 0, or -1 with errno: ENOMEM, what open(2), write(2) or
 *	mmap(2) say, EINVAL (a commit without a room, or longer than it);
 *	sp->err then holds a short text ("open(DIR): ..."), and the spool
 *	stays failed (further calls are ignored and fail again with EIO).
 *	smtp_spool_space() returns NULL when the spool has failed (EIO) or
 *	fails now (ENOMEM): the caller then puts its bytes anywhere and
 *	drops them, as smtp_spool_write() would.  Nothing here logs or
 *	exits; no global state.
 * PROCESS
 *	vigil-smtpd's event loop (the mapping is read by a scan thread while
 *	the loop leaves the spool alone).
 */
#ifndef VIGIL_SMTP_SPOOL_H
#define VIGIL_SMTP_SPOOL_H

#include <stddef.h>
#include <stdint.h>

#include "util/buf.h"

#define SP_ROOM_NONE	0
#define SP_ROOM_MEM	1		/* at mem.data + mem.len */
#define SP_ROOM_STAGE	2		/* at stage */

struct smtp_spool {
	const char	*dir;
	size_t		 memmax;
	uint64_t	 max;		/* 0: no limit */
	uint64_t	 size;		/* bytes written, kept or not */
	int		 over;		/* size passed max */
	int		 failed;
	int		 fd;		/* -1: in memory */
	struct buf	 mem;		/* grows to memmax at most */
	int		 room;		/* smtp_spool_space() gave: SP_ROOM_ */
	size_t		 roomlen;
	uint8_t		*stage;		/* room outside memory */
	size_t		 stagecap;
	const uint8_t	*data;		/* after smtp_spool_finish() */
	size_t		 len;
	void		*map;
	char		 err[512];
};

void	 smtp_spool_init(struct smtp_spool *, const char *, size_t,
	    uint64_t);
int	 smtp_spool_write(struct smtp_spool *, const void *, size_t);
uint8_t	*smtp_spool_space(struct smtp_spool *, size_t);
int	 smtp_spool_commit(struct smtp_spool *, size_t);
int	 smtp_spool_finish(struct smtp_spool *);
void	 smtp_spool_free(struct smtp_spool *);

#endif
