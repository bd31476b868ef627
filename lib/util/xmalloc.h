/*
 * xmalloc.h - allocation that cannot fail
 *
 * SYNOPSIS
 *	void	*xmalloc(size_t n);
 *	void	*xcalloc(size_t nmemb, size_t size);
 *	void	*xreallocarray(void *p, size_t nmemb, size_t size);
 *	char	*xstrdup(const char *s);
 *	char	*xstrndup(const char *s, size_t n);
 * DESCRIPTION
 *	As their libc namesakes, but on failure they log and exit with
 *	AV_EX_NOMEM, which a supervisor reports as "out of memory".
 * ERRORS
 *	Never return NULL; may exit.  Library modules (signatures/, shm/)
 *	must not use them: they return ENOMEM instead.
 * PROCESS
 *	process glue of any program.
 */
#ifndef VIGIL_XMALLOC_H
#define VIGIL_XMALLOC_H

#include <stddef.h>

void	*xmalloc(size_t);
void	*xcalloc(size_t, size_t);
void	*xreallocarray(void *, size_t, size_t);
char	*xstrdup(const char *);
char	*xstrndup(const char *, size_t);

#endif
