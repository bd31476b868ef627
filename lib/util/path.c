/*
 * path.c - file names that are never truncated
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>

#include "util/path.h"

/* path_fmt - snprintf that fails instead of truncating */
int
path_fmt(char *dst, size_t len, const char *fmt, ...)
{
	va_list	 ap;
	int	 n;

	va_start(ap, fmt);
	n = vsnprintf(dst, len, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= len) {
		if (len > 0)
			dst[0] = '\0';
		errno = ENAMETOOLONG;
		return -1;
	}
	return 0;
}

/* path_join - "dir/name" */
int
path_join(char *dst, size_t len, const char *dir, const char *name)
{
	if (dir[0] == '\0')
		return path_fmt(dst, len, "%s", name);
	return path_fmt(dst, len, "%s/%s", dir, name);
}
