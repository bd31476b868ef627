/*
 * smtp_spool.c - the body of one message: memory, then a temporary file
 *
 * DESCRIPTION
 *	See smtp_spool.h.  The file has no name from its creation on
 *	(O_TMPFILE) or from just after it (mkstemp, unlink), so a crash
 *	leaves nothing behind in tmp_dir.
 */
#include <sys/mman.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "clients/smtp_spool.h"
#include "util/buf.h"

static int	 sp_fail(struct smtp_spool *, int, const char *);
static int	 sp_tmpfile(struct smtp_spool *);
static int	 sp_put(struct smtp_spool *, const void *, size_t);

/* sp_fail - the spool fails for good: -1 with errno e */
static int
sp_fail(struct smtp_spool *sp, int e, const char *what)
{
	if (!sp->failed)
		snprintf(sp->err, sizeof(sp->err), "%s: %s", what,
		    strerror(e));
	sp->failed = 1;
	errno = e;
	return -1;
}

/* sp_tmpfile - a file without a name in sp->dir */
static int
sp_tmpfile(struct smtp_spool *sp)
{
	char	 path[4096];
	int	 fd, e;

	fd = open(sp->dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
	if (fd != -1)
		return fd;
	if (errno != EOPNOTSUPP && errno != EISDIR && errno != EINVAL)
		return -1;
	if (snprintf(path, sizeof(path), "%s/vigil-smtpd.XXXXXX", sp->dir) >=
	    (int)sizeof(path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	if ((fd = mkostemp(path, O_CLOEXEC)) == -1)
		return -1;
	if (unlink(path) == -1) {
		e = errno;
		close(fd);
		errno = e;
		return -1;
	}
	return fd;
}

/* sp_put - write all of p to the file */
static int
sp_put(struct smtp_spool *sp, const void *p, size_t len)
{
	const uint8_t	*b = p;
	ssize_t		 n;

	while (len > 0) {
		if ((n = write(sp->fd, b, len)) == -1) {
			if (errno == EINTR)
				continue;
			return sp_fail(sp, errno, "write");
		}
		b += n;
		len -= (size_t)n;
	}
	return 0;
}

/* smtp_spool_init - an empty spool */
void
smtp_spool_init(struct smtp_spool *sp, const char *dir, size_t memmax,
    uint64_t max)
{
	memset(sp, 0, sizeof(*sp));
	sp->dir = dir;
	sp->memmax = memmax;
	sp->max = max;
	sp->fd = -1;
	buf_init(&sp->mem);
}

/* smtp_spool_write - append, in memory or in the file */
int
smtp_spool_write(struct smtp_spool *sp, const void *p, size_t len)
{
	if (sp->failed) {
		errno = EIO;
		return -1;
	}
	if (len == 0)
		return 0;
	if (sp->max != 0 && (sp->over || len > sp->max - sp->size)) {
		/* counted, not kept: keep only what fits */
		if (!sp->over && sp->max > sp->size &&
		    smtp_spool_write(sp, p, (size_t)(sp->max - sp->size)) ==
		    -1)
			return -1;
		sp->over = 1;
		sp->size += len;
		return 0;
	}
	sp->size += len;
	if (sp->fd == -1 && sp->mem.len + len <= sp->memmax) {
		buf_add(&sp->mem, p, len);
		if (sp->mem.failed)
			return sp_fail(sp, ENOMEM, "memory");
		return 0;
	}
	if (sp->fd == -1) {
		if ((sp->fd = sp_tmpfile(sp)) == -1) {
			char	 what[300];

			snprintf(what, sizeof(what), "open(%s)", sp->dir);
			return sp_fail(sp, errno, what);
		}
		if (sp_put(sp, sp->mem.data, sp->mem.len) == -1)
			return -1;
		buf_clear(&sp->mem);
	}
	return sp_put(sp, p, len);
}

/* smtp_spool_finish - the message as one piece of memory */
int
smtp_spool_finish(struct smtp_spool *sp)
{
	struct stat	 sb;

	if (sp->failed) {
		errno = EIO;
		return -1;
	}
	if (sp->fd == -1) {
		sp->data = sp->mem.len > 0 ? sp->mem.data :
		    (const uint8_t *)"";
		sp->len = sp->mem.len;
		return 0;
	}
	if (fstat(sp->fd, &sb) == -1)
		return sp_fail(sp, errno, "fstat");
	sp->len = (size_t)sb.st_size;
	if (sp->len == 0) {
		sp->data = (const uint8_t *)"";
		return 0;
	}
	sp->map = mmap(NULL, sp->len, PROT_READ, MAP_SHARED, sp->fd, 0);
	if (sp->map == MAP_FAILED) {
		sp->map = NULL;
		return sp_fail(sp, errno, "mmap");
	}
	sp->data = sp->map;
	return 0;
}

/* smtp_spool_free - release everything; the settings stay */
void
smtp_spool_free(struct smtp_spool *sp)
{
	const char	*dir = sp->dir;
	size_t		 memmax = sp->memmax;
	uint64_t	 max = sp->max;

	if (sp->map != NULL)
		munmap(sp->map, sp->len);
	if (sp->fd != -1)
		close(sp->fd);
	buf_clear(&sp->mem);
	smtp_spool_init(sp, dir, memmax, max);
}
