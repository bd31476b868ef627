/*
 * vcache.c - a worker's cache of clean verdicts (vcache.h)
 *
 * An entry is one allocation: a header, then per object its parent,
 * depth, type, size and the length of its path after the input's name,
 * then those path tails one after the other.
 */
#include <sys/random.h>

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "workers/vcache.h"

struct vc_obj {
	uint32_t	 parent;
	uint16_t	 depth;
	uint16_t	 type;
	uint64_t	 size;
	uint32_t	 taillen;
};

struct vc_entry {
	uint8_t		 key[VCACHE_KEYLEN];
	size_t		 bytes;		/* of this allocation */
	uint32_t	 nobj;
	struct vc_obj	 obj[];		/* then the path tails */
};

struct vcache {
	EVP_CIPHER	*aes;		/* AES-128-GCM, for GMAC */
	EVP_CIPHER_CTX	*mac;
	uint8_t		 secret[16];	/* its key, this cache's own */
	struct vc_entry	**slot;
	size_t		 nslots;
	size_t		 bytes;
	size_t		 maxbytes;
	uint64_t	 hits;
	uint64_t	 misses;
};

static size_t	 vc_index(const struct vcache *, const uint8_t *);
static void	 vc_put_u64(uint8_t *, uint64_t);

/*
 * vcache_new - an empty cache with a secret of its own; the first key is
 * made here, so that libcrypto's first-use work is done before the
 * sandbox
 */
struct vcache *
vcache_new(size_t nslots, size_t maxbytes)
{
	struct scan_limits	 lim;
	struct vcache		*c;
	uint8_t			 k[VCACHE_KEYLEN];
	size_t			 got = 0;
	ssize_t			 n;

	if (nslots == 0) {
		errno = EINVAL;
		return NULL;
	}
	if ((c = calloc(1, sizeof(*c))) == NULL)
		return NULL;
	if ((c->slot = calloc(nslots, sizeof(*c->slot))) == NULL) {
		free(c);
		return NULL;
	}
	c->nslots = nslots;
	c->maxbytes = maxbytes;
	while (got < sizeof(c->secret)) {
		n = getrandom(c->secret + got, sizeof(c->secret) - got, 0);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			goto fail;
		got += (size_t)n;
	}
	/* fetched once: a fetch per key cost more than the GMAC of 10 KB */
	c->aes = EVP_CIPHER_fetch(NULL, "AES-128-GCM", NULL);
	c->mac = EVP_CIPHER_CTX_new();
	memset(&lim, 0, sizeof(lim));
	if (c->aes == NULL || c->mac == NULL ||
	    vcache_key(c, k, NULL, 0, &lim, 0) == -1) {
		errno = EIO;
		goto fail;
	}
	return c;
fail:
	vcache_free(c);
	return NULL;
}

/* vcache_free - the cache and its entries */
void
vcache_free(struct vcache *c)
{
	size_t	 i;

	if (c == NULL)
		return;
	for (i = 0; i < c->nslots; i++)
		free(c->slot[i]);
	free(c->slot);
	EVP_CIPHER_CTX_free(c->mac);
	EVP_CIPHER_free(c->aes);
	explicit_bzero(c->secret, sizeof(c->secret));
	free(c);
}

/* vc_put_u64 - a number at b, in a fixed byte order */
static void
vc_put_u64(uint8_t *b, uint64_t n)
{
	int	 i;

	for (i = 0; i < 8; i++)
		b[i] = (uint8_t)(n >> (8 * i));
}

/*
 * vcache_key - GMAC under c's secret of the limits, the flags, the
 * length and the bytes: AES-128-GCM's tag over them as additional data,
 * with nothing to encrypt.  The nonce is the same for every key: a tag
 * never leaves the worker, so nothing can be learnt of the secret.
 */
int
vcache_key(struct vcache *c, uint8_t key[VCACHE_KEYLEN], const uint8_t *buf,
    size_t len, const struct scan_limits *lim, unsigned flags)
{
	static const uint8_t	 nonce[12];
	uint8_t			 pre[9 * 8];
	size_t			 off, n;
	int			 ok, outl;

	vc_put_u64(pre, lim->max_depth);
	vc_put_u64(pre + 8, lim->max_scansize);
	vc_put_u64(pre + 16, lim->max_files);
	vc_put_u64(pre + 24, lim->max_filesize);
	vc_put_u64(pre + 32, lim->max_ratio);
	vc_put_u64(pre + 40, lim->max_time);
	vc_put_u64(pre + 48, (uint64_t)lim->heuristics);
	vc_put_u64(pre + 56, flags);
	vc_put_u64(pre + 64, len);
	ok = EVP_EncryptInit_ex2(c->mac, c->aes, c->secret, nonce, NULL) == 1 &&
	    EVP_EncryptUpdate(c->mac, NULL, &outl, pre, sizeof(pre)) == 1;
	/* an int counts the bytes of one update */
	for (off = 0; ok && off < len; off += n) {
		n = len - off < INT_MAX / 2 ? len - off : INT_MAX / 2;
		ok = EVP_EncryptUpdate(c->mac, NULL, &outl, buf + off,
		    (int)n) == 1;
	}
	ok = ok && EVP_EncryptFinal_ex(c->mac, NULL, &outl) == 1 &&
	    EVP_CIPHER_CTX_ctrl(c->mac, EVP_CTRL_AEAD_GET_TAG, VCACHE_KEYLEN,
	    key) == 1;
	if (!ok) {
		errno = EIO;
		return -1;
	}
	return 0;
}

/* vc_index - the slot of a key */
static size_t
vc_index(const struct vcache *c, const uint8_t *key)
{
	uint64_t	 h = 0;
	int		 i;

	for (i = 0; i < 8; i++)
		h = h << 8 | key[i];
	return (size_t)(h % c->nslots);
}

/* vcache_put - keep a clean verdict's tree */
void
vcache_put(struct vcache *c, const uint8_t *key, const struct verdict *v)
{
	struct vc_entry	*e, **sp;
	const char	*root, *p;
	size_t		 rootlen, bytes, tails = 0, pl;
	uint32_t	 i;
	char		*t;

	if (v->status != AV_CLEAN || v->nobj == 0 ||
	    v->nobj > VCACHE_MAXOBJ)
		return;
	root = verdict_path(v, 0);
	rootlen = strlen(root);
	for (i = 1; i < v->nobj; i++) {
		p = verdict_path(v, i);
		pl = strlen(p);
		/* every path is the input's name, then its own tail */
		if (pl < rootlen || memcmp(p, root, rootlen) != 0)
			return;
		tails += pl - rootlen;
	}
	bytes = sizeof(*e) + v->nobj * sizeof(e->obj[0]) + tails;
	sp = &c->slot[vc_index(c, key)];
	if (c->bytes - (*sp != NULL ? (*sp)->bytes : 0) + bytes > c->maxbytes)
		return;
	if ((e = malloc(bytes)) == NULL)
		return;
	memcpy(e->key, key, VCACHE_KEYLEN);
	e->bytes = bytes;
	e->nobj = v->nobj;
	t = (char *)&e->obj[v->nobj];
	for (i = 0; i < v->nobj; i++) {
		e->obj[i].parent = v->obj[i].parent;
		e->obj[i].depth = v->obj[i].depth;
		e->obj[i].type = v->obj[i].type;
		e->obj[i].size = v->obj[i].size;
		pl = i == 0 ? 0 : strlen(verdict_path(v, i)) - rootlen;
		e->obj[i].taillen = (uint32_t)pl;
		memcpy(t, verdict_path(v, i) + rootlen, pl);
		t += pl;
	}
	if (*sp != NULL) {
		c->bytes -= (*sp)->bytes;
		free(*sp);
	}
	*sp = e;
	c->bytes += bytes;
}

/* vcache_get - the cached tree of key, its input called name */
int
vcache_get(struct vcache *c, const uint8_t *key, const char *name,
    struct verdict *v)
{
	const struct vc_entry	*e = c->slot[vc_index(c, key)];
	const char		*t;
	char			*path = NULL, *np;
	size_t			 namelen = strlen(name), cap = 0, need;
	uint32_t		 i;

	if (e == NULL || memcmp(e->key, key, VCACHE_KEYLEN) != 0) {
		c->misses++;
		return 0;
	}
	verdict_reset(v);
	t = (const char *)&e->obj[e->nobj];
	for (i = 0; i < e->nobj; i++) {
		need = namelen + e->obj[i].taillen + 1;
		if (need > cap) {
			if ((np = realloc(path, need)) == NULL)
				goto fail;
			path = np;
			cap = need;
		}
		memcpy(path, name, namelen);
		memcpy(path + namelen, t, e->obj[i].taillen);
		path[need - 1] = '\0';
		t += e->obj[i].taillen;
		if (verdict_object(v, e->obj[i].parent, path, e->obj[i].depth,
		    e->obj[i].type, e->obj[i].size) == -1)
			goto fail;
	}
	free(path);
	c->hits++;
	return 1;
fail:
	free(path);
	verdict_reset(v);
	errno = ENOMEM;
	return -1;
}

/* vcache_stats - how often vcache_get() found its key, and did not */
void
vcache_stats(const struct vcache *c, uint64_t *hits, uint64_t *misses)
{
	*hits = c->hits;
	*misses = c->misses;
}
