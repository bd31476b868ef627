/*
 * mirror_auth.c - credentials files of vigil-mirror (auth_file)
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "clients/mirror_auth.h"

#define AUTH_FILEMAX	4096

static int	 auth_fail(char *, size_t, int, const char *, ...)
		    __attribute__((format(printf, 4, 5)));
static int	 auth_line(const char *, size_t, struct mirror_auth *, int *,
		    int *);

/* auth_fail - message into err, errno e; -1 */
static int
auth_fail(char *err, size_t errlen, int e, const char *fmt, ...)
{
	va_list	 ap;

	if (err != NULL && errlen > 0) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	errno = e;
	return -1;
}

/* auth_line - one "key=value" line; -1 when malformed */
static int
auth_line(const char *p, size_t n, struct mirror_auth *a, int *hu, int *hp)
{
	const char	*v;
	char		*dst;
	int		*seen;
	size_t		 i, k;

	if (n > 0 && p[n - 1] == '\r')
		n--;
	for (i = 0; i < n; i++)
		if ((unsigned char)p[i] < 0x20 || p[i] == 0x7f)
			return -1;
	if (n == 0 || p[0] == '#')
		return 0;
	if ((v = memchr(p, '=', n)) == NULL)
		return -1;
	k = (size_t)(v - p);
	v++;
	if (k == 8 && memcmp(p, "username", 8) == 0) {
		dst = a->user;
		seen = hu;
	} else if (k == 8 && memcmp(p, "password", 8) == 0) {
		dst = a->pass;
		seen = hp;
	} else
		return -1;
	if (*seen || n - k - 1 >= MIRROR_AUTHMAX)
		return -1;
	memcpy(dst, v, n - k - 1);
	dst[n - k - 1] = '\0';
	*seen = 1;
	return 0;
}

/* mirror_auth_load - read an auth file, mode 0600 or stricter */
int
mirror_auth_load(const char *path, struct mirror_auth *a, char *err,
    size_t errlen)
{
	char		 buf[AUTH_FILEMAX + 1];
	struct stat	 st;
	const char	*p, *nl;
	size_t		 n = 0;
	ssize_t		 r;
	unsigned	 line = 0;
	int		 fd, saved, hu = 0, hp = 0, rc = 0;

	memset(a, 0, sizeof(*a));
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return auth_fail(err, errlen, errno, "%s: %s", path,
		    strerror(errno));
	if (fstat(fd, &st) == -1) {
		saved = errno;
		close(fd);
		return auth_fail(err, errlen, saved, "%s: %s", path,
		    strerror(saved));
	}
	if (!S_ISREG(st.st_mode)) {
		close(fd);
		return auth_fail(err, errlen, EINVAL, "%s: not a regular file",
		    path);
	}
	if ((st.st_mode & 077) != 0) {
		close(fd);
		return auth_fail(err, errlen, EPERM, "%s: mode %04o: refused, "
		    "an auth file holds a password and must be mode 0600 or "
		    "stricter (chmod 600 %s)", path,
		    (unsigned)(st.st_mode & 07777), path);
	}
	while (n < sizeof(buf) && (r = read(fd, buf + n, sizeof(buf) - n))
	    != 0) {
		if (r == -1) {
			if (errno == EINTR)
				continue;
			saved = errno;
			close(fd);
			return auth_fail(err, errlen, saved, "%s: %s", path,
			    strerror(saved));
		}
		n += (size_t)r;
	}
	close(fd);
	if (n > AUTH_FILEMAX)
		rc = auth_fail(err, errlen, EFBIG, "%s: larger than %d bytes",
		    path, AUTH_FILEMAX);
	for (p = buf; rc == 0 && p < buf + n; p = nl + 1) {
		line++;
		if ((nl = memchr(p, '\n', (size_t)(buf + n - p))) == NULL)
			nl = buf + n;
		if (auth_line(p, (size_t)(nl - p), a, &hu, &hp) == -1)
			rc = auth_fail(err, errlen, EBADMSG, "%s:%u: "
			    "\"username=NAME\" or \"password=SECRET\" "
			    "expected (once each)", path, line);
	}
	if (rc == 0 && !hu)
		rc = auth_fail(err, errlen, EBADMSG, "%s: no username= line",
		    path);
	explicit_bzero(buf, sizeof(buf));
	if (rc == -1) {
		saved = errno;
		mirror_auth_clear(a);
		errno = saved;
	}
	return rc;
}

/* mirror_auth_clear - wipe the credentials */
void
mirror_auth_clear(struct mirror_auth *a)
{
	explicit_bzero(a, sizeof(*a));
}
