/*
 * mirror_sig.h - Ed25519 keys and signatures of update.ver (libsodium)
 *
 * SYNOPSIS
 *	int	 mirror_sig_keygen(const char *prefix, char *err,
 *		    size_t errlen);
 *	int	 mirror_sig_load_public(const char *path,
 *		    uint8_t pk[UPDV_PKLEN], char *err, size_t errlen);
 *	int	 mirror_sig_load_secret(const char *path,
 *		    uint8_t sk[MIRROR_SKLEN], char *err, size_t errlen);
 *	int	 mirror_sig_sign(const uint8_t sk[MIRROR_SKLEN],
 *		    const void *p, size_t n, uint8_t keyid[UPDV_KEYIDLEN],
 *		    uint8_t sig[UPDV_SIGLEN]);
 *	int	 mirror_sig_check(const uint8_t *buf, size_t len,
 *		    const uint8_t *pk, struct updatever *u, char *err,
 *		    size_t errlen);
 * DESCRIPTION
 *	Key files are one line each: PREFIX.pub holds
 *	"vigil-ed25519-public " and the 32-byte public key in 64 lowercase
 *	hex digits; PREFIX.sec holds "vigil-ed25519-secret " and libsodium's
 *	64-byte secret key (seed, then public key) in 128 digits.
 *
 *	mirror_sig_keygen() makes a new key pair and writes PREFIX.pub (mode
 *	0644) and PREFIX.sec (mode 0600), refusing to overwrite either.
 *	mirror_sig_load_public() reads a public key file.
 *	mirror_sig_load_secret() reads a secret key file and refuses one
 *	that its group or others may read or write (mode 0600 or stricter).
 *	mirror_sig_sign() signs n bytes and gives the signer's key id
 *	(updatever_keyid()).  mirror_sig_check() parses update.ver from buf
 *	(updatever_parse()) and, unless pk is NULL, checks that it was signed
 *	by pk: key id, then the signature over u->signedlen bytes.
 * ERRORS
 *	Return 0, or -1 with errno and a message in err (mirror_sig_sign()
 *	has none): EEXIST (keygen: a file exists), EBADMSG (a malformed key
 *	file or update.ver), EPERM (a secret key readable by others),
 *	EKEYREJECTED (update.ver was signed by another key), EBADE (its
 *	signature does not match: altered after signing), EIO (libsodium
 *	or libcrypto failed), or what open(2) and read(2) say.  Secret keys
 *	are wiped from the stack after use.  Never exit, never log.
 * PROCESS
 *	vigil-publish (keygen, sign), vigil-mirror and vigil-compile
 *	--from-mirror (check).  Calls sodium_init() itself.
 */
#ifndef VIGIL_MIRROR_SIG_H
#define VIGIL_MIRROR_SIG_H

#include <stddef.h>
#include <stdint.h>

#include "signatures/updatever.h"

#define MIRROR_SKLEN	64

int	 mirror_sig_keygen(const char *, char *, size_t);
int	 mirror_sig_load_public(const char *, uint8_t *, char *, size_t);
int	 mirror_sig_load_secret(const char *, uint8_t *, char *, size_t);
int	 mirror_sig_sign(const uint8_t *, const void *, size_t, uint8_t *,
	    uint8_t *);
int	 mirror_sig_check(const uint8_t *, size_t, const uint8_t *,
	    struct updatever *, char *, size_t);

#endif
