/*
 * bytes.h - loading little- and big-endian integers from byte buffers
 *
 * SYNOPSIS
 *	uint16_t	 get_le16(const uint8_t *p);
 *	uint32_t	 get_le32(const uint8_t *p);
 *	uint64_t	 get_le64(const uint8_t *p);
 *	uint32_t	 get_be32(const uint8_t *p);
 * DESCRIPTION
 *	Each reads an unsigned integer of its width at p, whatever p's
 *	alignment and the host's byte order.  The caller has checked that
 *	the bytes are there.
 * PROCESS
 *	any.
 */
#ifndef VIGIL_BYTES_H
#define VIGIL_BYTES_H

#include <stdint.h>

static inline uint16_t
get_le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static inline uint32_t
get_le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	    (uint32_t)p[3] << 24;
}

static inline uint64_t
get_le64(const uint8_t *p)
{
	return (uint64_t)get_le32(p) | (uint64_t)get_le32(p + 4) << 32;
}

static inline uint32_t
get_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | (uint32_t)p[3];
}

#endif
