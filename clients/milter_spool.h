/*
 * milter_spool.h - one message as a milter receives it: in memory up to a
 *	threshold, then in an unlinked temporary file
 *
 * SYNOPSIS
 *	void	 milter_spool_init(struct milter_spool *s, size_t memlimit,
 *		    const char *dir);
 *	int	 milter_spool_write(struct milter_spool *s, const void *p,
 *		    size_t len);
 *	int	 milter_spool_header(struct milter_spool *s, const char *name,
 *		    const char *value);
 *	int	 milter_spool_finish(struct milter_spool *s,
 *		    const uint8_t **msg, size_t *len, int *fd);
 *	void	 milter_spool_free(struct milter_spool *s);
 * DESCRIPTION
 *	A milter is given a message in pieces: header fields as name and
 *	value, the end of the header, then body chunks with CRLF line ends.
 *	The spool puts the pieces back together as one message in the
 *	MTA's form, so that the mail library (clients/mail.h) can scan and
 *	rewrite it.
 *
 *	milter_spool_init() prepares an empty spool s that keeps up to
 *	memlimit bytes in memory; the first write that would pass memlimit
 *	moves everything into a new file in dir, created with O_TMPFILE (or
 *	mkstemp(3) and unlink(2) where the file system lacks it), mode 0600,
 *	close-on-exec, and every later byte goes there.  memlimit 0 means a
 *	file from the first byte.  s keeps the pointer dir: it must outlive
 *	s.
 *
 *	milter_spool_write() appends len bytes of p.
 *	milter_spool_header() appends the field "NAME: VALUE" and CRLF.  The
 *	MTA gives the value without the blank after the colon and with its
 *	continuation lines joined by LF or CRLF: every LF not preceded by CR
 *	becomes CRLF, so that the whole message has one style of line end.
 *	The empty line that ends the header is milter_spool_write(s, "\r\n",
 *	2).
 *
 *	milter_spool_finish() ends the writing and gives the message: *msg
 *	and *len its bytes (a pointer into memory, or a read-only mapping of
 *	the file; *msg is a valid pointer to nothing when *len is 0), *fd the
 *	file's descriptor (at offset 0) or -1 when the message is in memory.
 *	All of it belongs to s; *msg stays valid until milter_spool_free().
 *	After it, writes fail with EINVAL.
 *
 *	milter_spool_free() releases the memory, the mapping and the file
 *	(which, being unlinked, then disappears) and leaves s empty, as
 *	after milter_spool_init() with the same limit and directory.  It is
 *	safe on a spool that was only initialised, and twice.
 * ERRORS
 *	milter_spool_write(), milter_spool_header() and
 *	milter_spool_finish() return 0, or -1 with errno: ENOMEM; what
 *	open(2), write(2) (ENOSPC, EIO, ...), mmap(2) or fstat(2) say;
 *	EINVAL after milter_spool_finish(); EFBIG when the total would pass
 *	SIZE_MAX.  After a failure the spool is "failed": every later call
 *	but milter_spool_free() fails with the same errno, so that a caller
 *	may test only the last one.  Nothing here logs or exits.
 * PROCESS
 *	vigil-milter, in libmilter's threads: one spool per message, used by
 *	one thread at a time; no global state.
 */
#ifndef VIGIL_MILTER_SPOOL_H
#define VIGIL_MILTER_SPOOL_H

#include <stddef.h>
#include <stdint.h>

struct milter_spool {
	uint8_t		*mem;		/* memory part, NULL: none */
	size_t		 cap;
	size_t		 len;		/* bytes spooled */
	size_t		 memlimit;
	const char	*dir;
	int		 fd;		/* -1: in memory */
	uint8_t		*map;		/* mapping of fd after finish */
	int		 finished;
	int		 error;		/* errno of the first failure, or 0 */
};

void	 milter_spool_init(struct milter_spool *, size_t, const char *);
int	 milter_spool_write(struct milter_spool *, const void *, size_t);
int	 milter_spool_header(struct milter_spool *, const char *,
	    const char *);
int	 milter_spool_finish(struct milter_spool *, const uint8_t **, size_t *,
	    int *);
void	 milter_spool_free(struct milter_spool *);

#endif
