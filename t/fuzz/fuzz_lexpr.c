/*
 * fuzz_lexpr.c - libFuzzer target for .ldb logical expressions
 *
 * The first input byte gives the number of subsignatures (1..64), the
 * rest is taken two ways:
 *
 * - as expression text for lexpr_compile().  A program it produces must
 *   pass lexpr_check() for the same nsub, and lexpr_eval() must keep the
 *   promises the matcher relies on, for counts drawn from the input:
 *   counts above *cap change nothing (the matcher stops counting there);
 *   without LEXPR_COUNTS only presence matters (the matcher keeps a bit
 *   set); with LEXPR_MONOTONE more matches never turn true into false
 *   (the matcher evaluates such expressions early).
 * - as a raw program, as a hostile module would store it: lexpr_check()
 *   decides, and lexpr_eval() runs over it either way, from a copy of
 *   exactly its size and against exactly 64 counts, so that ASan sees any
 *   read outside them.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "signatures/lexpr.h"

#define FZ_NCOUNTS	64
/* Counts stay below this so that sums over 64 subsignatures cannot wrap. */
#define FZ_MAXCOUNT	(1U << 24)

int	 LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void	 fz_counts(const uint8_t *, size_t, unsigned, uint32_t *);
static void	 fz_program(const uint8_t *, uint32_t, uint32_t, uint32_t,
		    uint32_t, const uint8_t *, size_t);
static void	 fz_raw(const uint8_t *, size_t, uint32_t);

/* fz_counts - a count vector drawn from the input; variant picks how */
static void
fz_counts(const uint8_t *data, size_t size, unsigned variant, uint32_t *c)
{
	uint32_t	 b;
	size_t		 i;

	for (i = 0; i < FZ_NCOUNTS; i++) {
		b = size > 0 ? data[(i * 7 + variant * 13) % size] : 0;
		switch (variant % 4) {
		case 0:				/* presence */
			c[i] = b & 1;
			break;
		case 1:				/* small counts */
			c[i] = b % 5;
			break;
		case 2:				/* around typical limits */
			c[i] = (b & 0x80) ? b : b & 3;
			break;
		default:			/* large */
			c[i] = (b << 16 | b << 8 | (uint32_t)i) %
			    FZ_MAXCOUNT;
			break;
		}
	}
}

/* fz_program - the invariants of a compiled program */
static void
fz_program(const uint8_t *code, uint32_t len, uint32_t nsub, uint32_t flags,
    uint32_t cap, const uint8_t *data, size_t size)
{
	uint32_t	*c, *clamp, *more, i;
	unsigned	 variant;
	int		 r, rc, rp, rm;

	if (len == 0 || len > LEXPR_MAXLEN ||
	    (flags & ~(LEXPR_COUNTS | LEXPR_MONOTONE)) != 0 || cap == 0)
		abort();
	if (lexpr_check(code, len, nsub) != 0)
		abort();
	if (!(flags & LEXPR_COUNTS) && cap != 1)
		abort();
	c = calloc(3 * FZ_NCOUNTS, sizeof(*c));
	if (c == NULL)
		return;
	clamp = c + FZ_NCOUNTS;
	more = c + 2 * FZ_NCOUNTS;
	for (variant = 0; variant < 4; variant++) {
		fz_counts(data, size, variant, c);
		r = lexpr_eval(code, len, c);
		if (r != 0 && r != 1)
			abort();

		/* Counts beyond the cap do not matter. */
		for (i = 0; i < FZ_NCOUNTS; i++)
			clamp[i] = c[i] < cap ? c[i] : cap;
		if ((rc = lexpr_eval(code, len, clamp)) != r)
			abort();

		/* Without LEXPR_COUNTS, presence is all that matters. */
		if (!(flags & LEXPR_COUNTS)) {
			for (i = 0; i < FZ_NCOUNTS; i++)
				clamp[i] = c[i] > 0;
			if ((rp = lexpr_eval(code, len, clamp)) != r)
				abort();
		}

		/* Monotone: more matches cannot make it false. */
		if (flags & LEXPR_MONOTONE) {
			for (i = 0; i < FZ_NCOUNTS; i++)
				more[i] = c[i] + ((data[i % size] >> 1) & 3);
			rm = lexpr_eval(code, len, more);
			if (r == 1 && rm != 1)
				abort();
		}
	}
	free(c);
}

/* fz_raw - the input as a program read from an untrusted module */
static void
fz_raw(const uint8_t *data, size_t size, uint32_t nsub)
{
	uint8_t		*code;
	uint32_t	*c, len;
	int		 r;

	len = size > LEXPR_MAXLEN + 1 ? LEXPR_MAXLEN + 1 : (uint32_t)size;
	if ((code = malloc(len ? len : 1)) == NULL)
		return;
	if ((c = calloc(FZ_NCOUNTS, sizeof(*c))) == NULL) {
		free(code);
		return;
	}
	memcpy(code, data, len);
	fz_counts(data, size, 1, c);
	if (lexpr_check(code, len, nsub) == 0) {
		if (len == 0 || len > LEXPR_MAXLEN ||
		    lexpr_check(code, len, FZ_NCOUNTS) != 0)
			abort();
		r = lexpr_eval(code, len, c);
		if (r != 0 && r != 1)
			abort();
	} else {
		/* refused: still no read outside code or counts */
		r = lexpr_eval(code, len, c);
		if (r != 0 && r != 1)
			abort();
	}
	free(c);
	free(code);
}

/* LLVMFuzzerTestOneInput - one expression and one raw program */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char	*why;
	uint8_t		*code;
	uint32_t	 nsub, codelen, flags, cap;

	if (size < 1)
		return 0;
	nsub = 1 + data[0] % 64;
	data++;
	size--;

	why = NULL;
	code = NULL;
	codelen = flags = cap = 0;
	if (lexpr_compile((const char *)data, size, nsub, &code, &codelen,
	    &flags, &cap, &why) == 0) {
		if (code == NULL)
			abort();
		fz_program(code, codelen, nsub, flags, cap, data, size);
		free(code);
	} else if (why == NULL || code != NULL)
		abort();

	fz_raw(data, size, nsub);
	return 0;
}
