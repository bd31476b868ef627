/*
 * fhash.c - four-lane multiply-rotate hash
 */
#include <string.h>

#include "util/fhash.h"

#define FH_K1	0xa0761d6478bd642fULL
#define FH_K2	0xe7037ed1a0b428dbULL
#define FH_K3	0x8ebc6af09c88c6e3ULL
#define FH_K4	0x589965cc75374cc3ULL

static inline uint64_t
fh_rotl(uint64_t x, int r)
{
	return (x << r) | (x >> (64 - r));
}

static inline uint64_t
fh_load(const unsigned char *p)
{
	uint64_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static inline uint64_t
fh_mix(uint64_t h)
{
	h ^= h >> 31;
	h *= FH_K2;
	h ^= h >> 29;
	h *= FH_K3;
	h ^= h >> 32;
	return h;
}

/* fhash64 - hash n bytes */
uint64_t
fhash64(const void *vp, size_t n, uint64_t seed)
{
	const unsigned char	*p = vp;
	uint64_t		 a, b, c, d, h;
	size_t			 left = n;

	a = seed ^ FH_K1;
	b = seed + FH_K2;
	c = seed ^ FH_K3;
	d = seed - FH_K4;
	while (left >= 32) {
		a = fh_rotl(a + fh_load(p) * FH_K2, 29) * FH_K1;
		b = fh_rotl(b + fh_load(p + 8) * FH_K2, 29) * FH_K1;
		c = fh_rotl(c + fh_load(p + 16) * FH_K2, 29) * FH_K1;
		d = fh_rotl(d + fh_load(p + 24) * FH_K2, 29) * FH_K1;
		p += 32;
		left -= 32;
	}
	h = fh_rotl(a, 1) ^ fh_rotl(b, 7) ^ fh_rotl(c, 13) ^ fh_rotl(d, 19);
	h = fh_mix(h ^ (uint64_t)n);
	while (left >= 8) {
		h = fh_mix(h ^ fh_load(p) * FH_K4);
		p += 8;
		left -= 8;
	}
	while (left > 0) {
		h = fh_mix(h ^ (uint64_t)*p++ * FH_K1);
		left--;
	}
	return fh_mix(h);
}
