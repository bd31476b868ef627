/*
 * fuzz_updatever.c - libFuzzer target for the update.ver parser
 *
 * The input is taken as an update.ver, which any server on the way may
 * have written.  Whatever updatever_parse() accepts must satisfy what it
 * promises (bounds, terminated and valid names and files, no duplicates,
 * the signed part ends inside the input) and must come back unchanged
 * through updatever_format() and updatever_sigline(): the signed part
 * byte for byte, and the parsed structure field for field.  Nothing here
 * needs libsodium or libcurl.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "signatures/updatever.h"

int	 LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct updatever	 u, v;
	static char		 buf[UPDV_MAXFILE + 512];
	char			 err[256];
	size_t			 i, j, n;

	if (updatever_parse(data, size, &u, err, sizeof(err)) == -1) {
		if (memchr(err, '\0', sizeof(err)) == NULL)
			abort();
		return 0;
	}
	if (u.nmods == 0 || u.nmods > UPDV_MAXMODS || u.serial == 0 ||
	    u.signedlen >= size)
		abort();
	for (i = 0; i < u.nmods; i++) {
		if (!updatever_valid_name(u.mods[i].name) ||
		    !updatever_valid_file(u.mods[i].file) ||
		    u.mods[i].size == 0 || u.mods[i].size > UPDV_MAXSIZE ||
		    u.mods[i].version == 0 ||
		    updatever_find(&u, u.mods[i].name) != &u.mods[i])
			abort();
		for (j = 0; j < i; j++)
			if (strcmp(u.mods[i].file, u.mods[j].file) == 0)
				abort();
	}
	if (updatever_format(&u, buf, sizeof(buf), &n) == -1 ||
	    n != u.signedlen || memcmp(buf, data, n) != 0)
		abort();
	if (updatever_sigline(u.keyid, u.sig, buf + n, sizeof(buf) - n) == -1)
		abort();
	n += strlen(buf + n);
	if (n != size || memcmp(buf, data, size) != 0)
		abort();
	if (updatever_parse((const uint8_t *)buf, n, &v, err,
	    sizeof(err)) == -1 || memcmp(&u, &v, sizeof(u)) != 0)
		abort();
	return 0;
}
