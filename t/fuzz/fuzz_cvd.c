/*
 * fuzz_cvd.c - libFuzzer target for the CVD/CLD container and tar reader
 *
 * The input is taken as a whole container: header parse, cvd_open() with
 * and without the MD5 check, then tar_walk() over the returned tar and
 * over the raw input.  The decompression cap is lowered to FUZZ_MAXTAR
 * through cvd_set_maxtar() so that a small gzip bomb stays inside
 * libFuzzer's -rss_limit_mb and the AV_ELIMIT path is exercised.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "signatures/cvd.h"

#define FUZZ_MAXTAR	(1024 * 1024)

struct fuzz_walk {
	uint32_t	 sum;
	unsigned	 calls;
};

int	 LLVMFuzzerInitialize(int *, char ***);
int	 LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static int	 fuzz_cb(void *, const char *, const uint8_t *, size_t);

/* fuzz_cb - read every byte of name and data; stop on a name "stop" */
static int
fuzz_cb(void *arg, const char *name, const uint8_t *data, size_t size)
{
	struct fuzz_walk	*fw = arg;
	size_t			 i, n;

	n = strlen(name);
	if (n == 0 || n > 255)
		abort();
	for (i = 0; i < n; i++)
		fw->sum = fw->sum * 31 + (uint8_t)name[i];
	for (i = 0; i < size; i++)
		fw->sum += data[i];
	fw->calls++;
	return strcmp(name, "stop") == 0 ? 42 : 0;
}

/* LLVMFuzzerInitialize - lower the cap once */
int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	cvd_set_maxtar(FUZZ_MAXTAR);
	return 0;
}

/* LLVMFuzzerTestOneInput - one container */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cvd_header	 h;
	struct fuzz_walk	 fw;
	uint8_t			*tar;
	size_t			 tarlen;
	int			 verify, rc;

	(void)cvd_parse_header(data, size, &h);
	for (verify = 0; verify <= 1; verify++) {
		if (cvd_open(data, size, verify, &h, &tar, &tarlen) == -1) {
			if (tar != NULL || tarlen != 0)
				abort();
			continue;
		}
		if (tarlen > FUZZ_MAXTAR || strlen(h.md5) % 32 != 0)
			abort();
		memset(&fw, 0, sizeof(fw));
		rc = tar_walk(tar, tarlen, fuzz_cb, &fw);
		if (rc != 0 && rc != -1 && rc != 42)
			abort();
		free(tar);
	}
	memset(&fw, 0, sizeof(fw));
	(void)tar_walk(data, size, fuzz_cb, &fw);
	return 0;
}
