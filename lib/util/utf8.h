/*
 * utf8.h - well-formed UTF-8 sequences
 *
 * SYNOPSIS
 *	size_t	 utf8_seq(const uint8_t *p, size_t n, int *cut);
 * DESCRIPTION
 *	utf8_seq() returns the length (2 to 4) of the well-formed multibyte
 *	UTF-8 sequence that starts at p[0] within p[0, n), or 0 when there
 *	is none there (an ASCII byte, a stray continuation byte, an overlong
 *	form, a surrogate, a code point above U+10FFFF, a bad continuation).
 *	*cut is set to 1 when the sequence was well-formed so far but
 *	p[0, n) ends inside it, else to 0.  Bytes are read in order and no
 *	further than the first one that fails, so for a NUL-terminated
 *	string n may be larger than what is left of it.
 * ERRORS
 *	None; n is at least 1.
 * PROCESS
 *	any.
 */
#ifndef VIGIL_UTF8_H
#define VIGIL_UTF8_H

#include <stddef.h>
#include <stdint.h>

size_t	 utf8_seq(const uint8_t *, size_t, int *);

#endif
