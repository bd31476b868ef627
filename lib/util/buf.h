/*
 * buf.h - growable byte buffers
 *
 * SYNOPSIS
 *	struct buf { uint8_t *data; size_t len, cap; int failed; };
 *	void	 buf_init(struct buf *b);
 *	void	 buf_clear(struct buf *b);
 *	int	 buf_reserve(struct buf *b, size_t more);
 *	size_t	 buf_add(struct buf *b, const void *p, size_t n);
 *	size_t	 buf_addz(struct buf *b, size_t n);
 *	size_t	 buf_align(struct buf *b, size_t a);
 * DESCRIPTION
 *	A buffer owns data.  buf_add() appends n bytes and returns the
 *	offset where they start; buf_addz() appends n zero bytes;
 *	buf_align() pads with zeros to a multiple of a (a power of two) and
 *	returns the new length.  buf_clear() frees and reinitialises.
 * ERRORS
 *	Library-safe: on allocation failure the buffer's "failed" flag is set,
 *	further additions are ignored, and buf_reserve() returns -1 with
 *	errno ENOMEM.  Callers test b->failed once at the end.
 * PROCESS
 *	any.
 */
#ifndef VIGIL_BUF_H
#define VIGIL_BUF_H

#include <stddef.h>
#include <stdint.h>

struct buf {
	uint8_t	*data;
	size_t	 len;
	size_t	 cap;
	int	 failed;
};

void	 buf_init(struct buf *);
void	 buf_clear(struct buf *);
int	 buf_reserve(struct buf *, size_t);
size_t	 buf_add(struct buf *, const void *, size_t);
size_t	 buf_addz(struct buf *, size_t);
size_t	 buf_align(struct buf *, size_t);

#endif
