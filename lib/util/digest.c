/*
 * digest.c - message digests over libcrypto's EVP interface
 */
#include <errno.h>
#include <stdlib.h>

#include <openssl/evp.h>

#include "util/digest.h"

struct digest {
	EVP_MD_CTX	*ctx[DIGEST_NTYPES];
	unsigned	 mask;
};

static const EVP_MD	*digest_md(enum digest_type);

/* digest_md - libcrypto's method for a type */
static const EVP_MD *
digest_md(enum digest_type t)
{
	switch (t) {
	case DIGEST_MD5:
		return EVP_md5();
	case DIGEST_SHA1:
		return EVP_sha1();
	case DIGEST_SHA256:
		return EVP_sha256();
	default:
		return NULL;
	}
}

/* digest_len - length in bytes of a digest type */
size_t
digest_len(enum digest_type t)
{
	static const size_t len[DIGEST_NTYPES] = { 16, 20, 32 };

	return (unsigned)t < DIGEST_NTYPES ? len[t] : 0;
}

/* digest_name - printable name of a digest type */
const char *
digest_name(enum digest_type t)
{
	static const char *name[DIGEST_NTYPES] = { "md5", "sha1", "sha256" };

	return (unsigned)t < DIGEST_NTYPES ? name[t] : "?";
}

/* digest_buf - hash one buffer */
int
digest_buf(enum digest_type t, const void *p, size_t n, uint8_t *out)
{
	unsigned int	 len;

	if (digest_md(t) == NULL || !EVP_Digest(p, n, out, &len, digest_md(t),
	    NULL)) {
		errno = EIO;
		return -1;
	}
	return 0;
}

/* digest_new - contexts for every type */
struct digest *
digest_new(void)
{
	struct digest	*d;
	int		 i;

	if ((d = calloc(1, sizeof(*d))) == NULL)
		return NULL;
	for (i = 0; i < DIGEST_NTYPES; i++)
		if ((d->ctx[i] = EVP_MD_CTX_new()) == NULL) {
			digest_free(d);
			errno = ENOMEM;
			return NULL;
		}
	return d;
}

/* digest_reset - start the types in mask */
int
digest_reset(struct digest *d, unsigned mask)
{
	int	 i;

	d->mask = 0;
	for (i = 0; i < DIGEST_NTYPES; i++) {
		if (!(mask & (1u << i)))
			continue;
		if (!EVP_DigestInit_ex(d->ctx[i], digest_md(i), NULL)) {
			errno = EIO;
			return -1;
		}
		d->mask |= 1u << i;
	}
	return 0;
}

/* digest_update - feed data to every started type */
void
digest_update(struct digest *d, const void *p, size_t n)
{
	int	 i;

	for (i = 0; i < DIGEST_NTYPES; i++)
		if (d->mask & (1u << i))
			(void)EVP_DigestUpdate(d->ctx[i], p, n);
}

/* digest_final - finish every started type */
int
digest_final(struct digest *d, uint8_t out[][DIGEST_MAXLEN])
{
	unsigned int	 len;
	int		 i, rc = 0;

	for (i = 0; i < DIGEST_NTYPES; i++)
		if (d->mask & (1u << i))
			if (!EVP_DigestFinal_ex(d->ctx[i], out[i], &len))
				rc = -1;
	d->mask = 0;
	if (rc == -1)
		errno = EIO;
	return rc;
}

/* digest_free - release contexts */
void
digest_free(struct digest *d)
{
	int	 i;

	if (d == NULL)
		return;
	for (i = 0; i < DIGEST_NTYPES; i++)
		EVP_MD_CTX_free(d->ctx[i]);
	free(d);
}

/* digest_hex - lowercase hex of n bytes into out (2n+1 bytes) */
void
digest_hex(const uint8_t *p, size_t n, char *out)
{
	static const char	 hex[] = "0123456789abcdef";
	size_t			 i;

	for (i = 0; i < n; i++) {
		out[2 * i] = hex[p[i] >> 4];
		out[2 * i + 1] = hex[p[i] & 15];
	}
	out[2 * n] = '\0';
}
