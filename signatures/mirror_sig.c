/*
 * mirror_sig.c - Ed25519 keys and signatures of update.ver (libsodium)
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "util/digest.h"
#include "util/path.h"
#include "signatures/mirror_sig.h"

#define SIG_PUBTAG	"vigil-ed25519-public "
#define SIG_SECTAG	"vigil-ed25519-secret "
#define SIG_FILEMAX	512

static int	 sig_fail(char *, size_t, int, const char *, ...)
		    __attribute__((format(printf, 4, 5)));
static int	 sig_init(char *, size_t);
static int	 sig_write(const char *, const char *, mode_t, char *, size_t);
static int	 sig_read(const char *, const char *, uint8_t *, size_t, int,
		    char *, size_t);
static int	 sig_unhex(const char *, size_t, uint8_t *, size_t);

/* sig_fail - message into err, errno e; -1 */
static int
sig_fail(char *err, size_t errlen, int e, const char *fmt, ...)
{
	va_list	 ap;

	if (err != NULL && errlen > 0) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	errno = e;
	return -1;
}

/* sig_init - libsodium ready */
static int
sig_init(char *err, size_t errlen)
{
	if (sodium_init() < 0)
		return sig_fail(err, errlen, EIO, "libsodium: cannot "
		    "initialise");
	return 0;
}

/* sig_write - create path exclusively with one line, fsynced */
static int
sig_write(const char *path, const char *line, mode_t mode, char *err,
    size_t errlen)
{
	size_t	 n = strlen(line), off = 0;
	ssize_t	 w;
	int	 fd, saved;

	if ((fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode))
	    == -1)
		return sig_fail(err, errlen, errno, "%s: %s", path,
		    strerror(errno));
	if (fchmod(fd, mode) == -1)	/* whatever the umask */
		goto fail;
	while (off < n) {
		if ((w = write(fd, line + off, n - off)) == -1) {
			if (errno == EINTR)
				continue;
			goto fail;
		}
		off += (size_t)w;
	}
	if (fsync(fd) == -1)
		goto fail;
	if (close(fd) == -1) {
		fd = -1;
		goto fail;
	}
	return 0;
fail:
	saved = errno;
	if (fd != -1)
		close(fd);
	unlink(path);
	return sig_fail(err, errlen, saved, "%s: %s", path, strerror(saved));
}

/* sig_unhex - exactly 2n lowercase hex digits */
static int
sig_unhex(const char *p, size_t len, uint8_t *out, size_t n)
{
	size_t	 i;
	int	 hi, lo;

	if (len != 2 * n)
		return -1;
	for (i = 0; i < 2 * n; i += 2) {
		hi = p[i] >= '0' && p[i] <= '9' ? p[i] - '0' :
		    p[i] >= 'a' && p[i] <= 'f' ? p[i] - 'a' + 10 : -1;
		lo = p[i + 1] >= '0' && p[i + 1] <= '9' ? p[i + 1] - '0' :
		    p[i + 1] >= 'a' && p[i + 1] <= 'f' ? p[i + 1] - 'a' + 10 :
		    -1;
		if (hi < 0 || lo < 0)
			return -1;
		out[i / 2] = (uint8_t)(hi << 4 | lo);
	}
	return 0;
}

/* sig_read - a key file: tag, hex, optional LF; private: mode check */
static int
sig_read(const char *path, const char *tag, uint8_t *key, size_t klen,
    int private, char *err, size_t errlen)
{
	char		 buf[SIG_FILEMAX + 1];
	struct stat	 st;
	size_t		 n = 0, tl = strlen(tag);
	ssize_t		 r;
	int		 fd, saved, rc = 0;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return sig_fail(err, errlen, errno, "%s: %s", path,
		    strerror(errno));
	if (fstat(fd, &st) == -1) {
		saved = errno;
		close(fd);
		return sig_fail(err, errlen, saved, "%s: %s", path,
		    strerror(saved));
	}
	if (private && (st.st_mode & 077) != 0) {
		close(fd);
		return sig_fail(err, errlen, EPERM, "%s: mode %04o: a secret "
		    "key must not be open to group or others (chmod 600)",
		    path, (unsigned)(st.st_mode & 07777));
	}
	while (n < sizeof(buf) &&
	    (r = read(fd, buf + n, sizeof(buf) - n)) != 0) {
		if (r == -1) {
			if (errno == EINTR)
				continue;
			saved = errno;
			close(fd);
			return sig_fail(err, errlen, saved, "%s: %s", path,
			    strerror(saved));
		}
		n += (size_t)r;
	}
	close(fd);
	if (n > 0 && buf[n - 1] == '\n')
		n--;
	if (n != tl + 2 * klen || memcmp(buf, tag, tl) != 0 ||
	    sig_unhex(buf + tl, n - tl, key, klen) == -1)
		rc = sig_fail(err, errlen, EBADMSG, "%s: not a Vigil %s key "
		    "file (\"%s\" and %zu hex digits expected)", path,
		    private ? "secret" : "public", tag, 2 * klen);
	sodium_memzero(buf, sizeof(buf));
	return rc;
}

/* mirror_sig_keygen - PREFIX.pub and PREFIX.sec */
int
mirror_sig_keygen(const char *prefix, char *err, size_t errlen)
{
	uint8_t	 pk[crypto_sign_PUBLICKEYBYTES], sk[crypto_sign_SECRETKEYBYTES];
	char	 pub[PATH_MAX], sec[PATH_MAX];
	char	 line[sizeof(SIG_SECTAG) + 2 * MIRROR_SKLEN + 2];
	int	 rc = -1;

	if (sig_init(err, errlen) == -1)
		return -1;
	if (path_fmt(pub, sizeof(pub), "%s.pub", prefix) == -1 ||
	    path_fmt(sec, sizeof(sec), "%s.sec", prefix) == -1)
		return sig_fail(err, errlen, ENAMETOOLONG, "%s: name too long",
		    prefix);
	if (access(pub, F_OK) == 0 || access(sec, F_OK) == 0)
		return sig_fail(err, errlen, EEXIST, "%s.pub or %s.sec "
		    "exists: not overwritten", prefix, prefix);
	if (crypto_sign_keypair(pk, sk) != 0)
		return sig_fail(err, errlen, EIO, "libsodium: no key pair");
	memcpy(line, SIG_SECTAG, sizeof(SIG_SECTAG) - 1);
	digest_hex(sk, sizeof(sk), line + sizeof(SIG_SECTAG) - 1);
	strcat(line, "\n");
	if (sig_write(sec, line, 0600, err, errlen) == -1)
		goto done;
	memcpy(line, SIG_PUBTAG, sizeof(SIG_PUBTAG) - 1);
	digest_hex(pk, sizeof(pk), line + sizeof(SIG_PUBTAG) - 1);
	strcat(line, "\n");
	if (sig_write(pub, line, 0644, err, errlen) == -1) {
		unlink(sec);
		goto done;
	}
	rc = 0;
done:
	sodium_memzero(sk, sizeof(sk));
	sodium_memzero(line, sizeof(line));
	return rc;
}

/* mirror_sig_load_public - a .pub file */
int
mirror_sig_load_public(const char *path, uint8_t *pk, char *err,
    size_t errlen)
{
	return sig_read(path, SIG_PUBTAG, pk, UPDV_PKLEN, 0, err, errlen);
}

/* mirror_sig_load_secret - a .sec file, mode 0600 or stricter */
int
mirror_sig_load_secret(const char *path, uint8_t *sk, char *err,
    size_t errlen)
{
	uint8_t	 pk[crypto_sign_PUBLICKEYBYTES];
	uint8_t	 sk2[crypto_sign_SECRETKEYBYTES];
	int	 bad;

	if (sig_init(err, errlen) == -1 ||
	    sig_read(path, SIG_SECTAG, sk, MIRROR_SKLEN, 1, err, errlen) == -1)
		return -1;
	/* the public half must be the one the seed gives */
	bad = crypto_sign_seed_keypair(pk, sk2, sk) != 0 ||
	    sodium_memcmp(sk2, sk, sizeof(sk2)) != 0;
	sodium_memzero(sk2, sizeof(sk2));
	if (bad) {
		sodium_memzero(sk, MIRROR_SKLEN);
		return sig_fail(err, errlen, EBADMSG, "%s: inconsistent "
		    "secret key", path);
	}
	return 0;
}

/* mirror_sig_sign - detached signature and key id */
int
mirror_sig_sign(const uint8_t *sk, const void *p, size_t n, uint8_t *keyid,
    uint8_t *sig)
{
	if (sodium_init() < 0 ||
	    crypto_sign_detached(sig, NULL, p, n, sk) != 0 ||
	    updatever_keyid(sk + 32, keyid) == -1) {
		errno = EIO;
		return -1;
	}
	return 0;
}

/* mirror_sig_check - parse update.ver, then check who signed it */
int
mirror_sig_check(const uint8_t *buf, size_t len, const uint8_t *pk,
    struct updatever *u, char *err, size_t errlen)
{
	uint8_t	 id[UPDV_KEYIDLEN];
	char	 why[256];

	if (updatever_parse(buf, len, u, why, sizeof(why)) == -1)
		return sig_fail(err, errlen, EBADMSG, "update.ver: %s", why);
	if (pk == NULL)
		return 0;
	if (sig_init(err, errlen) == -1)
		return -1;
	if (updatever_keyid(pk, id) == -1)
		return sig_fail(err, errlen, EIO, "libcrypto: SHA-256 failed");
	if (memcmp(id, u->keyid, sizeof(id)) != 0)
		return sig_fail(err, errlen, EKEYREJECTED, "update.ver: "
		    "signed by another key than the configured public key");
	if (crypto_sign_verify_detached(u->sig, buf, u->signedlen, pk) != 0)
		return sig_fail(err, errlen, EBADE, "update.ver: bad "
		    "signature (altered after signing)");
	return 0;
}
