/*
 * buf.c - growable byte buffers that fail softly
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"

/* buf_init - empty buffer */
void
buf_init(struct buf *b)
{
	memset(b, 0, sizeof(*b));
}

/* buf_clear - free and reinitialise */
void
buf_clear(struct buf *b)
{
	free(b->data);
	buf_init(b);
}

/* buf_reserve - make room for more bytes */
int
buf_reserve(struct buf *b, size_t more)
{
	size_t	 want, cap;
	uint8_t	*p;

	if (b->failed) {
		errno = ENOMEM;
		return -1;
	}
	if (more > SIZE_MAX - b->len)
		goto fail;
	want = b->len + more;
	if (want <= b->cap)
		return 0;
	cap = b->cap ? b->cap : 256;
	while (cap < want) {
		if (cap > SIZE_MAX / 2)
			goto fail;
		cap *= 2;
	}
	if ((p = realloc(b->data, cap)) == NULL)
		goto fail;
	b->data = p;
	b->cap = cap;
	return 0;
fail:
	b->failed = 1;
	errno = ENOMEM;
	return -1;
}

/* buf_add - append n bytes, return their offset */
size_t
buf_add(struct buf *b, const void *p, size_t n)
{
	size_t	 off = b->len;

	if (n == 0 || buf_reserve(b, n) == -1)
		return off;
	memcpy(b->data + b->len, p, n);
	b->len += n;
	return off;
}

/* buf_addz - append n zero bytes, return their offset */
size_t
buf_addz(struct buf *b, size_t n)
{
	size_t	 off = b->len;

	if (n == 0 || buf_reserve(b, n) == -1)
		return off;
	memset(b->data + b->len, 0, n);
	b->len += n;
	return off;
}

/* buf_align - zero-pad to a multiple of a */
size_t
buf_align(struct buf *b, size_t a)
{
	size_t	 pad = (a - (b->len & (a - 1))) & (a - 1);

	buf_addz(b, pad);
	return b->len;
}
