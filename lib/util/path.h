/*
 * path.h - building file names without silent truncation
 *
 * SYNOPSIS
 *	int	 path_join(char *dst, size_t len, const char *dir,
 *		    const char *name);
 *	int	 path_fmt(char *dst, size_t len, const char *fmt, ...);
 * DESCRIPTION
 *	path_join() writes "dir/name" (just "name" if dir is empty) into
 *	dst; path_fmt() is snprintf() for names.  Both refuse to truncate.
 * ERRORS
 *	Return 0, or -1 with errno ENAMETOOLONG (dst then holds an empty
 *	string).  Never exit, never log.
 * PROCESS
 *	any.
 */
#ifndef VIGIL_PATH_H
#define VIGIL_PATH_H

#include <stddef.h>

int	 path_join(char *, size_t, const char *, const char *);
int	 path_fmt(char *, size_t, const char *, ...)
	    __attribute__((format(printf, 3, 4)));

#endif
