/*
 * updatever.h - update.ver: the signed index of a signature mirror
 *
 * SYNOPSIS
 *	int	 updatever_parse(const uint8_t *buf, size_t len,
 *		    struct updatever *u, char *err, size_t errlen);
 *	int	 updatever_format(const struct updatever *u, char *buf,
 *		    size_t len, size_t *outlen);
 *	int	 updatever_sigline(const uint8_t keyid[UPDV_KEYIDLEN],
 *		    const uint8_t sig[UPDV_SIGLEN], char *buf, size_t len);
 *	const struct updatever_mod *updatever_find(const struct updatever *u,
 *		    const char *name);
 *	int	 updatever_keyid(const uint8_t pk[UPDV_PKLEN],
 *		    uint8_t keyid[UPDV_KEYIDLEN]);
 *	int	 updatever_valid_name(const char *name);
 *	int	 updatever_valid_file(const char *file);
 * DESCRIPTION
 *	A mirror (vigil-publish, vigil-mirror) is a flat directory of
 *	compiled modules plus update.ver, a text file of lines ending in LF,
 *	fields separated by one space, printable ASCII only:
 *
 *	    VIGIL-UPDATE 1
 *	    serial SERIAL
 *	    created SECONDS
 *	    module NAME VERSION SIZE SHA256 FILE SOURCE
 *	    ...			(1 to UPDV_MAXMODS module lines)
 *	    sign ed25519 KEYID SIGNATURE
 *
 *	SERIAL is the database serial, VERSION the serial at which that
 *	module last changed (the serial in its header), SIZE its length in
 *	bytes, SHA256 the SHA-256 of the file in 64 lowercase hex digits,
 *	FILE its name in the mirror directory (letters, digits, '.', '_',
 *	'-', not starting with '.', ending in ".vmod", at most 64 bytes) and
 *	SOURCE the publisher's SHA-256 of the sources it was compiled from
 *	(or "-"), so that a publisher rebuilds only what changed.  NAME is a
 *	module name (letters, digits, '_', '-', not starting with '-', at
 *	most UPDV_NAMELEN - 1 bytes).  Names and files are unique.  Numbers
 *	are decimal without leading zeros; SERIAL, VERSION and SIZE are not
 *	0.  The last line carries the Ed25519 signature (128 hex digits) of
 *	every byte before it, and KEYID, the first 8 bytes of the SHA-256 of
 *	the signer's public key (16 hex digits), so that a wrong key is told
 *	apart from a bad signature.  The signature sits inside the file so
 *	that publishing is one rename(2): a reader gets the old or the new
 *	index, never an index with another index's signature.
 *
 *	updatever_parse() checks all of that (and len <= UPDV_MAXFILE) and
 *	fills u; u->signedlen is the length of the signed part.  It does not
 *	verify the signature (signatures/mirror_sig.h does).
 *	updatever_format() writes u's lines up to and excluding the sign
 *	line into buf (u->nmods modules in order; SOURCE "-" when hassrc is
 *	0); updatever_sigline() writes the sign line, NUL-terminated.
 *	updatever_find() returns the module called name, or NULL.
 *	updatever_keyid() computes a public key's KEYID.
 *	updatever_valid_name() and updatever_valid_file() say (1 or 0)
 *	whether a string is allowed as NAME or FILE.
 * ERRORS
 *	updatever_parse() returns 0, or -1 with errno EBADMSG and err set to
 *	"line N: reason" (EFBIG when len is over UPDV_MAXFILE).
 *	updatever_format() and updatever_sigline() return 0, or -1 with
 *	errno ENOBUFS (buf too small) or EINVAL (u breaks the rules above).
 *	updatever_keyid() returns 0 or -1 (EIO, from libcrypto).
 *	Never exit, never log, never allocate (but for libcrypto's digest).
 * PROCESS
 *	vigil-publish, vigil-mirror, vigil-compile --from-mirror; the
 *	parser reads hostile data (whatever a server sends) and is fuzzed.
 */
#ifndef VIGIL_UPDATEVER_H
#define VIGIL_UPDATEVER_H

#include <stddef.h>
#include <stdint.h>

#define UPDV_FILENAME	"update.ver"
#define UPDV_MAXFILE	65536		/* bytes of update.ver */
#define UPDV_MAXMODS	32		/* as GEN_MAXMODS */
#define UPDV_NAMELEN	32		/* as VMOD_NAMELEN, with the NUL */
#define UPDV_FILELEN	65		/* with the NUL */
#define UPDV_MAXSIZE	(1ULL << 36)	/* bytes of one module */
#define UPDV_PKLEN	32
#define UPDV_SIGLEN	64
#define UPDV_KEYIDLEN	8
#define UPDV_SHALEN	32

/*
 * Exit codes of vigil-mirror and vigil-compile --from-mirror (besides
 * 0, 64 usage, 74 I/O and 78 configuration): the update tools' contract,
 * used by scripts/vigil-update.
 */
#define UPD_EX_NOBASE	10	/* update.ver or a module it lists missing */
#define UPD_EX_BADSIG	11	/* update.ver malformed, bad or wrong key */
#define UPD_EX_BADMOD	12	/* a module fails size, SHA-256 or checks */
#define UPD_EX_NOTOLD	13	/* installed, but vigild was not told */
#define UPD_EX_NET	14	/* the server could not be reached/used */
#define UPD_EX_DOWNGRADE 15	/* the server's serial is older than ours */
#define UPD_EX_LOCKED	75	/* another run holds the lock */

struct updatever_mod {
	char		 name[UPDV_NAMELEN];
	uint64_t	 version;
	uint64_t	 size;
	uint8_t		 sha256[UPDV_SHALEN];
	char		 file[UPDV_FILELEN];
	int		 hassrc;
	uint8_t		 src[UPDV_SHALEN];
};

struct updatever {
	uint64_t		 serial;
	uint64_t		 created;
	size_t			 nmods;
	struct updatever_mod	 mods[UPDV_MAXMODS];
	size_t			 signedlen;	/* bytes before the sign line */
	uint8_t			 keyid[UPDV_KEYIDLEN];
	uint8_t			 sig[UPDV_SIGLEN];
};

int	 updatever_parse(const uint8_t *, size_t, struct updatever *, char *,
	    size_t);
int	 updatever_format(const struct updatever *, char *, size_t, size_t *);
int	 updatever_sigline(const uint8_t *, const uint8_t *, char *, size_t);
const struct updatever_mod *updatever_find(const struct updatever *,
	    const char *);
int	 updatever_keyid(const uint8_t *, uint8_t *);
int	 updatever_valid_name(const char *);
int	 updatever_valid_file(const char *);

#endif
