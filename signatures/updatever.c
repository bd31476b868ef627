/*
 * updatever.c - update.ver: parse and write the signed mirror index
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "util/digest.h"
#include "signatures/updatever.h"

#define UPDV_MAXFIELDS	8
#define UPDV_MAGIC	"VIGIL-UPDATE 1"

struct updv_line {
	const char	*f[UPDV_MAXFIELDS];
	size_t		 len[UPDV_MAXFIELDS];
	size_t		 n;
};

static int	 updv_fail(char *, size_t, unsigned, const char *, ...)
		    __attribute__((format(printf, 4, 5)));
static int	 updv_split(const char *, size_t, struct updv_line *);
static int	 updv_num(const char *, size_t, uint64_t *);
static int	 updv_hex(const char *, size_t, uint8_t *, size_t);
static int	 updv_is(const struct updv_line *, size_t, const char *);
static int	 updv_module(const struct updv_line *, struct updatever *,
		    char *, size_t, unsigned);

/* updv_fail - set err to "line N: reason", errno EBADMSG; -1 */
static int
updv_fail(char *err, size_t errlen, unsigned line, const char *fmt, ...)
{
	va_list	 ap;
	int	 n = 0;

	if (err != NULL && errlen > 0) {
		n = snprintf(err, errlen, "line %u: ", line);
		if (n >= 0 && (size_t)n < errlen) {
			va_start(ap, fmt);
			vsnprintf(err + n, errlen - (size_t)n, fmt, ap);
			va_end(ap);
		}
	}
	errno = EBADMSG;
	return -1;
}

/* updv_split - fields separated by single spaces; -1 on an empty field */
static int
updv_split(const char *p, size_t len, struct updv_line *l)
{
	size_t	 i, start = 0;

	l->n = 0;
	for (i = 0; i <= len; i++) {
		if (i < len && p[i] != ' ')
			continue;
		if (i == start || l->n == UPDV_MAXFIELDS)
			return -1;
		l->f[l->n] = p + start;
		l->len[l->n] = i - start;
		l->n++;
		start = i + 1;
	}
	return 0;
}

/* updv_num - a decimal number without leading zeros (0 alone is 0) */
static int
updv_num(const char *p, size_t len, uint64_t *v)
{
	uint64_t	 n = 0;
	size_t		 i;

	if (len == 0 || len > 20 || (len > 1 && p[0] == '0'))
		return -1;
	for (i = 0; i < len; i++) {
		if (p[i] < '0' || p[i] > '9')
			return -1;
		if (n > (UINT64_MAX - (uint64_t)(p[i] - '0')) / 10)
			return -1;
		n = n * 10 + (uint64_t)(p[i] - '0');
	}
	*v = n;
	return 0;
}

/* updv_hex - exactly 2 * n lowercase hex digits into n bytes */
static int
updv_hex(const char *p, size_t len, uint8_t *out, size_t n)
{
	size_t	 i;
	int	 hi, lo;

	if (len != 2 * n)
		return -1;
	for (i = 0; i < n; i++) {
		hi = p[2 * i];
		lo = p[2 * i + 1];
		hi = hi >= '0' && hi <= '9' ? hi - '0' :
		    hi >= 'a' && hi <= 'f' ? hi - 'a' + 10 : -1;
		lo = lo >= '0' && lo <= '9' ? lo - '0' :
		    lo >= 'a' && lo <= 'f' ? lo - 'a' + 10 : -1;
		if (hi < 0 || lo < 0)
			return -1;
		out[i] = (uint8_t)(hi << 4 | lo);
	}
	return 0;
}

/* updv_is - field i equals s */
static int
updv_is(const struct updv_line *l, size_t i, const char *s)
{
	return i < l->n && l->len[i] == strlen(s) &&
	    memcmp(l->f[i], s, l->len[i]) == 0;
}

/* updatever_valid_name - a module name: [A-Za-z0-9_-], not '-' first */
int
updatever_valid_name(const char *s)
{
	size_t	 i, n = strlen(s);

	if (n == 0 || n >= UPDV_NAMELEN || s[0] == '-')
		return 0;
	for (i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') ||
		    (s[i] >= 'A' && s[i] <= 'Z') ||
		    (s[i] >= '0' && s[i] <= '9') || s[i] == '_' ||
		    s[i] == '-'))
			return 0;
	return 1;
}

/* updatever_valid_file - a module file name in the mirror directory */
int
updatever_valid_file(const char *s)
{
	size_t	 i, n = strlen(s);

	if (n < 6 || n >= UPDV_FILELEN || s[0] == '.' ||
	    strcmp(s + n - 5, ".vmod") != 0)
		return 0;
	for (i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') ||
		    (s[i] >= 'A' && s[i] <= 'Z') ||
		    (s[i] >= '0' && s[i] <= '9') || s[i] == '_' ||
		    s[i] == '-' || s[i] == '.'))
			return 0;
	return 1;
}

/* updv_module - "module NAME VERSION SIZE SHA256 FILE SOURCE" */
static int
updv_module(const struct updv_line *l, struct updatever *u, char *err,
    size_t errlen, unsigned line)
{
	struct updatever_mod	*m;
	size_t			 i;

	if (l->n != 7)
		return updv_fail(err, errlen, line, "module: 6 fields "
		    "expected");
	if (u->nmods == UPDV_MAXMODS)
		return updv_fail(err, errlen, line, "more than %d modules",
		    UPDV_MAXMODS);
	m = &u->mods[u->nmods];
	memset(m, 0, sizeof(*m));
	if (l->len[1] >= sizeof(m->name))
		return updv_fail(err, errlen, line, "module name too long");
	memcpy(m->name, l->f[1], l->len[1]);
	if (!updatever_valid_name(m->name))
		return updv_fail(err, errlen, line, "bad module name");
	if (updv_num(l->f[2], l->len[2], &m->version) == -1 ||
	    m->version == 0)
		return updv_fail(err, errlen, line, "bad module version");
	if (updv_num(l->f[3], l->len[3], &m->size) == -1 || m->size == 0 ||
	    m->size > UPDV_MAXSIZE)
		return updv_fail(err, errlen, line, "bad module size");
	if (updv_hex(l->f[4], l->len[4], m->sha256, UPDV_SHALEN) == -1)
		return updv_fail(err, errlen, line, "bad SHA-256");
	if (l->len[5] >= sizeof(m->file))
		return updv_fail(err, errlen, line, "file name too long");
	memcpy(m->file, l->f[5], l->len[5]);
	if (!updatever_valid_file(m->file))
		return updv_fail(err, errlen, line, "bad file name");
	if (updv_is(l, 6, "-"))
		m->hassrc = 0;
	else if (updv_hex(l->f[6], l->len[6], m->src, UPDV_SHALEN) == 0)
		m->hassrc = 1;
	else
		return updv_fail(err, errlen, line, "bad source hash");
	for (i = 0; i < u->nmods; i++) {
		if (strcmp(u->mods[i].name, m->name) == 0)
			return updv_fail(err, errlen, line, "module %s twice",
			    m->name);
		if (strcmp(u->mods[i].file, m->file) == 0)
			return updv_fail(err, errlen, line, "file %s twice",
			    m->file);
	}
	u->nmods++;
	return 0;
}

/* updatever_parse - check and read a whole update.ver */
int
updatever_parse(const uint8_t *buf, size_t len, struct updatever *u,
    char *err, size_t errlen)
{
	struct updv_line	 l;
	const char		*p = (const char *)buf, *nl;
	size_t			 off = 0, ll, i;
	unsigned		 line = 0;
	int			 signed_ = 0;

	memset(u, 0, sizeof(*u));
	if (len > UPDV_MAXFILE) {
		if (err != NULL && errlen > 0)
			snprintf(err, errlen, "larger than %d bytes",
			    UPDV_MAXFILE);
		errno = EFBIG;
		return -1;
	}
	while (off < len) {
		line++;
		if (signed_)
			return updv_fail(err, errlen, line, "text after the "
			    "signature");
		if ((nl = memchr(p + off, '\n', len - off)) == NULL)
			return updv_fail(err, errlen, line, "no end of line");
		ll = (size_t)(nl - (p + off));
		for (i = 0; i < ll; i++)
			if (p[off + i] < 0x20 || p[off + i] > 0x7e)
				return updv_fail(err, errlen, line,
				    "control or non-ASCII byte");
		if (updv_split(p + off, ll, &l) == -1)
			return updv_fail(err, errlen, line, "empty field or "
			    "too many fields");
		if (line == 1) {
			if (ll != strlen(UPDV_MAGIC) ||
			    memcmp(p, UPDV_MAGIC, ll) != 0)
				return updv_fail(err, errlen, line, "not an "
				    "update.ver (\"%s\" expected)",
				    UPDV_MAGIC);
		} else if (line == 2) {
			if (l.n != 2 || !updv_is(&l, 0, "serial") ||
			    updv_num(l.f[1], l.len[1], &u->serial) == -1 ||
			    u->serial == 0)
				return updv_fail(err, errlen, line,
				    "\"serial N\" expected");
		} else if (line == 3) {
			if (l.n != 2 || !updv_is(&l, 0, "created") ||
			    updv_num(l.f[1], l.len[1], &u->created) == -1)
				return updv_fail(err, errlen, line,
				    "\"created SECONDS\" expected");
		} else if (updv_is(&l, 0, "module")) {
			if (updv_module(&l, u, err, errlen, line) == -1)
				return -1;
		} else if (updv_is(&l, 0, "sign")) {
			if (l.n != 4 || !updv_is(&l, 1, "ed25519") ||
			    updv_hex(l.f[2], l.len[2], u->keyid,
			    UPDV_KEYIDLEN) == -1 ||
			    updv_hex(l.f[3], l.len[3], u->sig,
			    UPDV_SIGLEN) == -1)
				return updv_fail(err, errlen, line,
				    "\"sign ed25519 KEYID SIGNATURE\" "
				    "expected");
			u->signedlen = off;
			signed_ = 1;
		} else
			return updv_fail(err, errlen, line, "unknown line");
		off += ll + 1;
	}
	if (line < 3)
		return updv_fail(err, errlen, line + 1, "truncated");
	if (u->nmods == 0)
		return updv_fail(err, errlen, line, "no module");
	if (!signed_)
		return updv_fail(err, errlen, line, "no signature line");
	return 0;
}

/* updatever_format - the signed part of update.ver */
int
updatever_format(const struct updatever *u, char *buf, size_t len,
    size_t *outlen)
{
	const struct updatever_mod	*m;
	char				 sha[2 * UPDV_SHALEN + 1];
	char				 src[2 * UPDV_SHALEN + 1];
	size_t				 off, i, j;
	int				 n;

	if (u->nmods == 0 || u->nmods > UPDV_MAXMODS || u->serial == 0) {
		errno = EINVAL;
		return -1;
	}
	n = snprintf(buf, len, "%s\nserial %llu\ncreated %llu\n", UPDV_MAGIC,
	    (unsigned long long)u->serial, (unsigned long long)u->created);
	if (n < 0 || (size_t)n >= len) {
		errno = ENOBUFS;
		return -1;
	}
	off = (size_t)n;
	for (i = 0; i < u->nmods; i++) {
		m = &u->mods[i];
		if (!updatever_valid_name(m->name) ||
		    !updatever_valid_file(m->file) || m->version == 0 ||
		    m->size == 0 || m->size > UPDV_MAXSIZE) {
			errno = EINVAL;
			return -1;
		}
		for (j = 0; j < i; j++)
			if (strcmp(u->mods[j].name, m->name) == 0 ||
			    strcmp(u->mods[j].file, m->file) == 0) {
				errno = EINVAL;
				return -1;
			}
		digest_hex(m->sha256, UPDV_SHALEN, sha);
		if (m->hassrc)
			digest_hex(m->src, UPDV_SHALEN, src);
		else
			strcpy(src, "-");
		n = snprintf(buf + off, len - off, "module %s %llu %llu %s %s "
		    "%s\n", m->name, (unsigned long long)m->version,
		    (unsigned long long)m->size, sha, m->file, src);
		if (n < 0 || (size_t)n >= len - off) {
			errno = ENOBUFS;
			return -1;
		}
		off += (size_t)n;
	}
	if (off > UPDV_MAXFILE) {
		errno = ENOBUFS;
		return -1;
	}
	*outlen = off;
	return 0;
}

/* updatever_sigline - "sign ed25519 KEYID SIGNATURE\n" */
int
updatever_sigline(const uint8_t *keyid, const uint8_t *sig, char *buf,
    size_t len)
{
	char	 k[2 * UPDV_KEYIDLEN + 1], s[2 * UPDV_SIGLEN + 1];
	int	 n;

	digest_hex(keyid, UPDV_KEYIDLEN, k);
	digest_hex(sig, UPDV_SIGLEN, s);
	n = snprintf(buf, len, "sign ed25519 %s %s\n", k, s);
	if (n < 0 || (size_t)n >= len) {
		errno = ENOBUFS;
		return -1;
	}
	return 0;
}

/* updatever_find - the module called name */
const struct updatever_mod *
updatever_find(const struct updatever *u, const char *name)
{
	size_t	 i;

	for (i = 0; i < u->nmods; i++)
		if (strcmp(u->mods[i].name, name) == 0)
			return &u->mods[i];
	return NULL;
}

/* updatever_keyid - first bytes of the SHA-256 of a public key */
int
updatever_keyid(const uint8_t *pk, uint8_t *keyid)
{
	uint8_t	 d[DIGEST_MAXLEN];

	if (digest_buf(DIGEST_SHA256, pk, UPDV_PKLEN, d) == -1)
		return -1;
	memcpy(keyid, d, UPDV_KEYIDLEN);
	return 0;
}
