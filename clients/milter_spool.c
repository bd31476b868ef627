/*
 * milter_spool.c - a message in memory, then in an unlinked temporary file
 *
 * DESCRIPTION
 *	See milter_spool.h.  The memory part grows by doubling up to the
 *	limit; past it, the file takes everything, the memory part is freed
 *	and the file is mapped read-only once the message is complete.
 */
#include <sys/mman.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "clients/milter_spool.h"

#define SPOOL_MINCAP	4096

static int	 spool_fail(struct milter_spool *, int);
static int	 spool_open(const char *);
static int	 spool_fdwrite(int, const uint8_t *, size_t);
static int	 spool_tofile(struct milter_spool *);
static int	 spool_memadd(struct milter_spool *, const uint8_t *, size_t);

/* spool_fail - remember the first failure; -1 with that errno */
static int
spool_fail(struct milter_spool *s, int e)
{
	if (s->error == 0)
		s->error = e;
	errno = s->error;
	return -1;
}

/* spool_open - a new unlinked file in dir; -1 with errno */
static int
spool_open(const char *dir)
{
	char	 path[PATH_MAX];
	int	 fd, n, e;

	fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
	if (fd != -1 || (errno != EOPNOTSUPP && errno != EISDIR))
		return fd;
	n = snprintf(path, sizeof(path), "%s/vigil-milter.XXXXXX", dir);
	if (n < 0 || (size_t)n >= sizeof(path)) {
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

/* spool_fdwrite - all of p to fd; -1 with errno */
static int
spool_fdwrite(int fd, const uint8_t *p, size_t len)
{
	ssize_t	 n;

	while (len > 0) {
		if ((n = write(fd, p, len)) == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (n == 0) {
			errno = EIO;
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* spool_tofile - move the memory part into a new file */
static int
spool_tofile(struct milter_spool *s)
{
	int	 fd, e;

	if ((fd = spool_open(s->dir)) == -1)
		return -1;
	if (s->len > 0 && spool_fdwrite(fd, s->mem, s->len) == -1) {
		e = errno;
		close(fd);
		errno = e;
		return -1;
	}
	free(s->mem);
	s->mem = NULL;
	s->cap = 0;
	s->fd = fd;
	return 0;
}

/* spool_memadd - p into the memory part, which has room up to the limit */
static int
spool_memadd(struct milter_spool *s, const uint8_t *p, size_t len)
{
	uint8_t	*m;
	size_t	 cap;

	if (s->len + len > s->cap) {
		cap = s->cap ? s->cap : SPOOL_MINCAP;
		while (cap < s->len + len)
			cap = cap > SIZE_MAX / 2 ? SIZE_MAX : cap * 2;
		if (cap > s->memlimit)
			cap = s->memlimit;
		if ((m = realloc(s->mem, cap)) == NULL)
			return -1;
		s->mem = m;
		s->cap = cap;
	}
	memcpy(s->mem + s->len, p, len);
	s->len += len;
	return 0;
}

/* milter_spool_init - an empty spool */
void
milter_spool_init(struct milter_spool *s, size_t memlimit, const char *dir)
{
	memset(s, 0, sizeof(*s));
	s->memlimit = memlimit;
	s->dir = dir;
	s->fd = -1;
}

/* milter_spool_write - append len bytes */
int
milter_spool_write(struct milter_spool *s, const void *p, size_t len)
{
	if (s->error != 0)
		return spool_fail(s, s->error);
	if (s->finished)
		return spool_fail(s, EINVAL);
	if (len == 0)
		return 0;
	if (len > SIZE_MAX - s->len)
		return spool_fail(s, EFBIG);
	if (s->fd == -1 && s->len + len > s->memlimit &&
	    spool_tofile(s) == -1)
		return spool_fail(s, errno);
	if (s->fd == -1) {
		if (spool_memadd(s, p, len) == -1)
			return spool_fail(s, ENOMEM);
		return 0;
	}
	if (spool_fdwrite(s->fd, p, len) == -1)
		return spool_fail(s, errno);
	s->len += len;
	return 0;
}

/* milter_spool_header - "NAME: VALUE" CRLF, bare LF made CRLF */
int
milter_spool_header(struct milter_spool *s, const char *name,
    const char *value)
{
	const char	*v, *nl;

	if (milter_spool_write(s, name, strlen(name)) == -1 ||
	    milter_spool_write(s, ": ", 2) == -1)
		return -1;
	for (v = value; (nl = strchr(v, '\n')) != NULL; v = nl + 1) {
		if (nl > v && nl[-1] == '\r') {
			if (milter_spool_write(s, v, (size_t)(nl - v) + 1) ==
			    -1)
				return -1;
			continue;
		}
		if (milter_spool_write(s, v, (size_t)(nl - v)) == -1 ||
		    milter_spool_write(s, "\r\n", 2) == -1)
			return -1;
	}
	if (milter_spool_write(s, v, strlen(v)) == -1 ||
	    milter_spool_write(s, "\r\n", 2) == -1)
		return -1;
	return 0;
}

/* milter_spool_finish - the whole message, in memory or mapped */
int
milter_spool_finish(struct milter_spool *s, const uint8_t **msg,
    size_t *len, int *fd)
{
	struct stat	 st;
	void		*m;

	if (s->error != 0)
		return spool_fail(s, s->error);
	if (s->finished)
		return spool_fail(s, EINVAL);
	s->finished = 1;
	*msg = (const uint8_t *)"";
	*len = s->len;
	*fd = s->fd;
	if (s->fd == -1) {
		if (s->len > 0)
			*msg = s->mem;
		return 0;
	}
	if (fstat(s->fd, &st) == -1)
		return spool_fail(s, errno);
	if ((uintmax_t)st.st_size != (uintmax_t)s->len)
		return spool_fail(s, EIO);
	if (lseek(s->fd, 0, SEEK_SET) == -1)
		return spool_fail(s, errno);
	if (s->len > 0) {
		m = mmap(NULL, s->len, PROT_READ, MAP_SHARED, s->fd, 0);
		if (m == MAP_FAILED)
			return spool_fail(s, errno);
		s->map = m;
		*msg = s->map;
	}
	return 0;
}

/* milter_spool_free - release everything; s is empty again */
void
milter_spool_free(struct milter_spool *s)
{
	size_t		 memlimit = s->memlimit;
	const char	*dir = s->dir;

	if (s->map != NULL)
		munmap(s->map, s->len);
	if (s->fd != -1)
		close(s->fd);
	free(s->mem);
	milter_spool_init(s, memlimit, dir);
}
