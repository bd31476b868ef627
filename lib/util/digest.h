/*
 * digest.h - MD5, SHA-1 and SHA-256, alone or several in one pass
 *
 * SYNOPSIS
 *	enum digest_type { DIGEST_MD5, DIGEST_SHA1, DIGEST_SHA256 };
 *	size_t	 digest_len(enum digest_type t);
 *	int	 digest_buf(enum digest_type t, const void *p, size_t n,
 *		    uint8_t *out);
 *	struct digest *digest_new(void);
 *	int	 digest_reset(struct digest *d, unsigned mask);
 *	void	 digest_update(struct digest *d, const void *p, size_t n);
 *	int	 digest_final(struct digest *d,
 *		    uint8_t out[DIGEST_NTYPES][DIGEST_MAXLEN]);
 *	void	 digest_free(struct digest *d);
 * DESCRIPTION
 *	digest_buf() hashes one buffer.  A struct digest computes the types
 *	selected by mask (1 << DIGEST_x) in one pass: reset, update as data
 *	arrives, final.  Only the selected rows of out are written.  The
 *	implementation is OpenSSL's libcrypto (hardware SHA where present).
 * ERRORS
 *	digest_new() returns NULL with errno ENOMEM; digest_reset(),
 *	digest_final() and digest_buf() return 0 or -1 (libcrypto failure,
 *	errno EIO).  Never exit, never log.
 * PROCESS
 *	any; call digest_new() before entering a sandbox.
 */
#ifndef VIGIL_DIGEST_H
#define VIGIL_DIGEST_H

#include <stddef.h>
#include <stdint.h>

enum digest_type {
	DIGEST_MD5,
	DIGEST_SHA1,
	DIGEST_SHA256,
	DIGEST_NTYPES
};
#define DIGEST_MAXLEN	32

struct digest;

size_t		 digest_len(enum digest_type);
const char	*digest_name(enum digest_type);
int		 digest_buf(enum digest_type, const void *, size_t, uint8_t *);
struct digest	*digest_new(void);
int		 digest_reset(struct digest *, unsigned);
void		 digest_update(struct digest *, const void *, size_t);
int		 digest_final(struct digest *, uint8_t [][DIGEST_MAXLEN]);
void		 digest_free(struct digest *);
void		 digest_hex(const uint8_t *, size_t, char *);

#endif
