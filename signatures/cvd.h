/*
 * cvd.h - ClamAV .cvd/.cld containers and the tar inside them
 *
 * SYNOPSIS
 *	struct cvd_header { char name[...]; ... };
 *	int	 cvd_parse_header(const uint8_t *buf, size_t len,
 *		    struct cvd_header *h);
 *	int	 cvd_open(const uint8_t *buf, size_t len, int verify_md5,
 *		    struct cvd_header *h, uint8_t **tar, size_t *tarlen);
 *	int	 tar_walk(const uint8_t *tar, size_t len,
 *		    int (*cb)(void *arg, const char *name, const uint8_t *data,
 *		    size_t size), void *arg);
 *	void	 cvd_set_maxtar(uint64_t max);
 * DESCRIPTION
 *	A CVD is a 512-byte space-padded ASCII header
 *	"ClamAV-VDB:build time:version:#sigs:flevel:MD5:dsig:builder:stime"
 *	followed by a gzip'd tar; a CLD has the same header followed by a
 *	plain tar (or, rarely, a gzip'd one: detected by the gzip magic).
 *	cvd_parse_header() parses and checks the header fields (version,
 *	sigs, flevel numeric; MD5 32 hex digits; build time kept as text).
 *	A CLD made by freshclam carries "X" instead of the MD5 (its header
 *	is the first line of the .info file); md5 is then the empty string.
 *	cvd_open() parses the header, checks the MD5 of everything after
 *	byte 512 against it when verify_md5 (a header without an MD5 then
 *	fails with AV_ECVDMD5: pass 0 for such CLDs), and returns the tar,
 *	decompressed into a new malloc(3)ed buffer that the caller frees, in
 *	*tar.  Decompression is capped at CVD_MAXTAR bytes.  The RSA "dsig"
 *	is not verified (Vigil trusts its own Ed25519-signed mirrors; see
 *	vigil-compile(1)).
 *
 *	tar_walk() calls cb for every regular file of a ustar/GNU/v7 tar in
 *	memory, in archive order, with its name (NUL-terminated, at most 255
 *	bytes, prefix field joined) and its data (pointing into tar).  Other
 *	entry types (directories, links, pax headers) are skipped.  A
 *	non-zero return from cb stops the walk and is returned.
 *
 *	cvd_set_maxtar() is a test hook for the unit tests and fuzzers: it
 *	lowers the cap of later cvd_open() calls in this process to max
 *	bytes (0, or anything above CVD_MAXTAR, restores CVD_MAXTAR).
 * ERRORS
 *	cvd_parse_header(), cvd_open(): 0, or -1 with errno AV_ECVD (bad
 *	header), AV_ECVDMD5 (MD5 mismatch), AV_EGZIP (bad gzip data),
 *	AV_ELIMIT (tar larger than CVD_MAXTAR), ENOMEM, EIO (libcrypto).
 *	tar_walk(): 0, the callback's non-zero value, or -1 with errno
 *	AV_ETAR (truncated or malformed header, bad checksum, size past the
 *	end, a regular file's name empty or longer than 255 bytes).  Never
 *	exit, never log.
 * PROCESS
 *	vigil-compile (and the mirror's compile step).
 */
#ifndef VIGIL_CVD_H
#define VIGIL_CVD_H

#include <stddef.h>
#include <stdint.h>

#define CVD_HDRLEN	512
#define CVD_MAXTAR	(2ULL << 30)	/* 2 GiB decompressed */

struct cvd_header {
	char		 stime[64];	/* build time, as written */
	unsigned	 version;
	unsigned	 nsigs;
	unsigned	 flevel;
	char		 md5[33];	/* lowercase hex */
	char		 builder[64];
	uint64_t	 btime;		/* build time, seconds (0 if absent) */
};

int	 cvd_parse_header(const uint8_t *, size_t, struct cvd_header *);
int	 cvd_open(const uint8_t *, size_t, int, struct cvd_header *,
	    uint8_t **, size_t *);
int	 tar_walk(const uint8_t *, size_t,
	    int (*)(void *, const char *, const uint8_t *, size_t), void *);
void	 cvd_set_maxtar(uint64_t);

#endif
