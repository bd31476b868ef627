/*
 * mail_quar.c - keep an original message in the quarantine directory
 *
 * DESCRIPTION
 *	mail_quarantine() (mail.h): DIR/vigil-YYYYMMDDTHHMMSS-XXXXXX.eml made
 *	by mkostemps() (O_EXCL, mode 0600, made 0600 again with fchmod()
 *	whatever the umask), the message written and fsync()ed; then
 *	DIR/vigil-...-XXXXXX.meta, O_EXCL and 0600 too, with the date, the
 *	envelope (control bytes as '_': they come from the peer), the size
 *	and the caller's text; then fsync() of the directory.  Any failure
 *	removes what was made.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "clients/mail.h"
#include "util/buf.h"

static int	 write_all(int, const void *, size_t);
static void	 add_clean(struct buf *, const char *, const char *);

/* write_all - write everything, or -1 */
static int
write_all(int fd, const void *p, size_t len)
{
	const uint8_t	*b = p;
	ssize_t		 n;

	while (len > 0) {
		if ((n = write(fd, b, len)) == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		b += n;
		len -= (size_t)n;
	}
	return 0;
}

/* add_clean - "name: value\n", control bytes of the value as '_' */
static void
add_clean(struct buf *b, const char *name, const char *s)
{
	buf_add(b, name, strlen(name));
	buf_add(b, ": ", 2);
	for (; s != NULL && *s != '\0'; s++)
		buf_add(b, (unsigned char)*s < 0x20 || *s == 0x7f ? "_" : s, 1);
	buf_add(b, "\n", 1);
}

/* mail_quarantine - store msg and its metadata in dir */
int
mail_quarantine(const char *dir, const struct mail_env *e,
    const uint8_t *msg, size_t len, const char *meta, char *path,
    size_t pathlen)
{
	char		 mpath[PATH_MAX], stamp[32], date[64], size[32];
	struct buf	 mb;
	struct tm	 tm;
	time_t		 now = time(NULL);
	size_t		 i, pl;
	int		 fd = -1, mfd = -1, dfd = -1, err, made = 0;

	buf_init(&mb);
	if (localtime_r(&now, &tm) == NULL ||
	    strftime(stamp, sizeof(stamp), "%Y%m%dT%H%M%S", &tm) == 0 ||
	    strftime(date, sizeof(date), "%a, %d %b %Y %H:%M:%S %z", &tm) == 0)
		stamp[0] = date[0] = '\0';
	if (pathlen == 0 || (size_t)snprintf(path, pathlen,
	    "%s/vigil-%s-XXXXXX.eml", dir, stamp) >= pathlen) {
		errno = ENAMETOOLONG;
		return -1;
	}
	if ((fd = mkostemps(path, 4, O_CLOEXEC)) == -1)
		goto fail0;
	if (fchmod(fd, 0600) == -1 || write_all(fd, msg, len) == -1 ||
	    fsync(fd) == -1)
		goto fail;
	if (close(fd) == -1) {
		fd = -1;
		goto fail;
	}
	fd = -1;
	pl = strlen(path);
	snprintf(mpath, sizeof(mpath), "%.*s.meta", (int)(pl - 4), path);
	add_clean(&mb, "Date", date);
	add_clean(&mb, "Sender", e != NULL && e->sender != NULL ? e->sender :
	    "");
	for (i = 0; e != NULL && i < e->nrcpts; i++)
		add_clean(&mb, "Recipient", e->rcpts[i]);
	if (e != NULL && e->user != NULL)
		add_clean(&mb, "User", e->user);
	snprintf(size, sizeof(size), "%zu", len);
	add_clean(&mb, "Size", size);
	if (meta != NULL)
		buf_add(&mb, meta, strlen(meta));
	if (mb.failed) {
		errno = ENOMEM;
		goto fail;
	}
	if ((mfd = open(mpath, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC |
	    O_NOFOLLOW, 0600)) == -1)
		goto fail;
	made = 1;
	if (fchmod(mfd, 0600) == -1 || write_all(mfd, mb.data, mb.len) == -1 ||
	    fsync(mfd) == -1)
		goto fail;
	if (close(mfd) == -1) {
		mfd = -1;
		goto fail;
	}
	mfd = -1;
	if ((dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1 ||
	    fsync(dfd) == -1)
		goto fail;
	close(dfd);
	buf_clear(&mb);
	return 0;
fail:
	err = errno;
	if (fd != -1)
		close(fd);
	if (mfd != -1)
		close(mfd);
	if (dfd != -1)
		close(dfd);
	unlink(path);
	if (made)
		unlink(mpath);
	errno = err;
fail0:
	err = errno;
	buf_clear(&mb);
	path[0] = '\0';
	errno = err;
	return -1;
}
