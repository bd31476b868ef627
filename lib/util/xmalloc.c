/*
 * xmalloc.c - allocation that exits with AV_EX_NOMEM on failure
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/xmalloc.h"
#include "av/exitcodes.h"

static void	 xmalloc_fail(void) __attribute__((noreturn));

/* xmalloc_fail - report and exit without allocating */
static void
xmalloc_fail(void)
{
	static const char msg[] = "vigil: out of memory\n";

	(void)!write(STDERR_FILENO, msg, sizeof(msg) - 1);
	_exit(AV_EX_NOMEM);
}

/* xmalloc - malloc or exit */
void *
xmalloc(size_t n)
{
	void	*p;

	if ((p = malloc(n == 0 ? 1 : n)) == NULL)
		xmalloc_fail();
	return p;
}

/* xcalloc - calloc or exit */
void *
xcalloc(size_t nmemb, size_t size)
{
	void	*p;

	if (nmemb == 0 || size == 0)
		nmemb = size = 1;
	if ((p = calloc(nmemb, size)) == NULL)
		xmalloc_fail();
	return p;
}

/* xreallocarray - reallocarray or exit */
void *
xreallocarray(void *p, size_t nmemb, size_t size)
{
	void	*q;

	if (nmemb == 0 || size == 0)
		nmemb = size = 1;
	if ((q = reallocarray(p, nmemb, size)) == NULL)
		xmalloc_fail();
	return q;
}

/* xstrdup - strdup or exit */
char *
xstrdup(const char *s)
{
	char	*p;

	if ((p = strdup(s)) == NULL)
		xmalloc_fail();
	return p;
}

/* xstrndup - strndup or exit */
char *
xstrndup(const char *s, size_t n)
{
	char	*p;

	if ((p = strndup(s, n)) == NULL)
		xmalloc_fail();
	return p;
}
