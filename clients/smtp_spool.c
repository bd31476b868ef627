/*
 * smtp_spool.c - the body of one message: memory, then a temporary file
 *
 * DESCRIPTION
 *	See smtp_spool.h.  The file has no name from its creation on
 *	(O_TMPFILE) or from just after it (mkstemp, unlink), so a crash
 *	leaves nothing behind in tmp_dir.
 *
 *	The memory part doubles from SP_MEMFIRST bytes up to SP_GROWMAX,
 *	then goes to memmax at once, never past it: most mail (a few KB)
 *	costs one malloc(3), a larger message one more realloc(3) that
 *	copies at most SP_GROWMAX bytes, and none more than memmax.  (Going
 *	on doubling copied a large message once more: 7% of vigil-smtpd's
 *	time on 1 MB messages.  A mapping grown by mremap(2) copies nothing
 *	but costs more still: its pages are new for every message, where
 *	malloc(3)'s are mostly in place already.)  When a write would pass
 *	memmax, the memory part goes to the file in one write(2) and is
 *	freed.  smtp_spool_space() lets vigil-smtpd unstuff straight into
 *	the memory part, which saves copying every byte once more; past
 *	memmax its room is a buffer of the spool's own (stage), written out
 *	by the commit.  The file is mapped without MAP_POPULATE: the mapping
 *	is only read when the message is scanned in this process, and
 *	populating it measured no faster then.  Faulting in the memory part
 *	ahead with MADV_POPULATE_WRITE measured no faster in vigil-smtpd
 *	either (slower when malloc(3) hands back memory already mapped).
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

#define SP_MEMFIRST	(16 * 1024)	/* the first memory part */
#define SP_GROWMAX	(64 * 1024)	/* larger: memmax at once */

static int	 sp_fail(struct smtp_spool *, int, const char *);
static int	 sp_tmpfile(struct smtp_spool *);
static int	 sp_put(struct smtp_spool *, const void *, size_t);
static int	 sp_reserve(struct smtp_spool *, size_t);
static int	 sp_tofile(struct smtp_spool *);
static int	 sp_keep(struct smtp_spool *, const void *, size_t);

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

/*
 * sp_reserve - room for n more bytes in memory, mem.len + n <= memmax;
 * the memory part doubles up to SP_GROWMAX, then is memmax
 */
static int
sp_reserve(struct smtp_spool *sp, size_t n)
{
	size_t	 want = sp->mem.len + n, cap;
	uint8_t	*p;

	if (want <= sp->mem.cap)
		return 0;
	cap = sp->mem.cap > 0 ? sp->mem.cap : SP_MEMFIRST;
	while (cap < want)
		cap = cap <= sp->memmax / 2 ? cap * 2 : sp->memmax;
	if (cap > SP_GROWMAX)
		cap = sp->memmax;
	if (cap > sp->memmax)
		cap = sp->memmax;
	if ((p = realloc(sp->mem.data, cap)) == NULL)
		return sp_fail(sp, ENOMEM, "memory");
	sp->mem.data = p;
	sp->mem.cap = cap;
	return 0;
}

/* sp_tofile - move the memory part into a new file */
static int
sp_tofile(struct smtp_spool *sp)
{
	char	 what[300];

	if ((sp->fd = sp_tmpfile(sp)) == -1) {
		snprintf(what, sizeof(what), "open(%s)", sp->dir);
		return sp_fail(sp, errno, what);
	}
	if (sp_put(sp, sp->mem.data, sp->mem.len) == -1)
		return -1;
	buf_clear(&sp->mem);
	return 0;
}

/* sp_keep - keep len bytes (already counted), in memory or in the file */
static int
sp_keep(struct smtp_spool *sp, const void *p, size_t len)
{
	if (sp->fd == -1 && len <= sp->memmax - sp->mem.len) {
		if (sp_reserve(sp, len) == -1)
			return -1;
		memcpy(sp->mem.data + sp->mem.len, p, len);
		sp->mem.len += len;
		return 0;
	}
	if (sp->fd == -1 && sp_tofile(sp) == -1)
		return -1;
	return sp_put(sp, p, len);
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
	sp->room = SP_ROOM_NONE;
}

/* smtp_spool_write - append, in memory or in the file */
int
smtp_spool_write(struct smtp_spool *sp, const void *p, size_t len)
{
	sp->room = SP_ROOM_NONE;
	if (sp->failed) {
		errno = EIO;
		return -1;
	}
	if (len == 0)
		return 0;
	if (sp->max != 0 && (sp->over || len > sp->max - sp->size)) {
		/* counted, not kept: keep only what fits */
		if (!sp->over && sp->max > sp->size &&
		    sp_keep(sp, p, (size_t)(sp->max - sp->size)) == -1)
			return -1;
		sp->over = 1;
		sp->size += len;
		return 0;
	}
	sp->size += len;
	return sp_keep(sp, p, len);
}

/* smtp_spool_space - room for n bytes, to be appended by a commit */
uint8_t *
smtp_spool_space(struct smtp_spool *sp, size_t n)
{
	uint8_t	*p;

	sp->room = SP_ROOM_NONE;
	if (sp->failed) {
		errno = EIO;
		return NULL;
	}
	if (sp->fd == -1 && !sp->over && n > 0 &&
	    n <= sp->memmax - sp->mem.len) {
		if (sp_reserve(sp, n) == -1)
			return NULL;
		sp->room = SP_ROOM_MEM;
		sp->roomlen = n;
		return sp->mem.data + sp->mem.len;
	}
	/* past memmax, past max or in the file: the stage */
	if (n > sp->stagecap || sp->stage == NULL) {
		if ((p = realloc(sp->stage, n > 0 ? n : 1)) == NULL) {
			sp_fail(sp, ENOMEM, "memory");
			return NULL;
		}
		sp->stage = p;
		sp->stagecap = n > 0 ? n : 1;
	}
	sp->room = SP_ROOM_STAGE;
	sp->roomlen = n;
	return sp->stage;
}

/* smtp_spool_commit - append the first len bytes of the room */
int
smtp_spool_commit(struct smtp_spool *sp, size_t len)
{
	int	 room = sp->room;

	sp->room = SP_ROOM_NONE;
	if (sp->failed) {
		errno = EIO;
		return -1;
	}
	if (room == SP_ROOM_NONE || len > sp->roomlen)
		return sp_fail(sp, EINVAL, "commit");
	if (room == SP_ROOM_STAGE)
		return smtp_spool_write(sp, sp->stage, len);
	/* in memory, below memmax, not over max yet: only max to apply */
	if (sp->max != 0 && len > sp->max - sp->size) {
		sp->mem.len += (size_t)(sp->max - sp->size);
		sp->over = 1;
	} else
		sp->mem.len += len;
	sp->size += len;
	return 0;
}

/* smtp_spool_finish - the message as one piece of memory */
int
smtp_spool_finish(struct smtp_spool *sp)
{
	struct stat	 sb;

	sp->room = SP_ROOM_NONE;
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
	free(sp->stage);
	smtp_spool_init(sp, dir, memmax, max);
}
