/*
 * utf8.c - well-formed UTF-8 sequences (utf8.h)
 */
#include "util/utf8.h"

/* utf8_seq - length of the multibyte sequence at p, 0 if malformed */
size_t
utf8_seq(const uint8_t *p, size_t n, int *cut)
{
	size_t	 need, i;
	uint8_t	 lo = 0x80, hi = 0xbf;

	*cut = 0;
	if (p[0] >= 0xc2 && p[0] <= 0xdf)
		need = 2;
	else if (p[0] >= 0xe0 && p[0] <= 0xef) {
		need = 3;
		if (p[0] == 0xe0)
			lo = 0xa0;		/* overlong */
		else if (p[0] == 0xed)
			hi = 0x9f;		/* surrogates */
	} else if (p[0] >= 0xf0 && p[0] <= 0xf4) {
		need = 4;
		if (p[0] == 0xf0)
			lo = 0x90;		/* overlong */
		else if (p[0] == 0xf4)
			hi = 0x8f;		/* above U+10FFFF */
	} else
		return 0;
	for (i = 1; i < need; i++) {
		if (i >= n) {
			*cut = 1;
			return 0;
		}
		if (p[i] < lo || p[i] > hi)
			return 0;
		lo = 0x80;
		hi = 0xbf;
	}
	return need;
}
