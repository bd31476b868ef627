/*
 * vcache.h - a worker's cache of clean verdicts
 *
 * SYNOPSIS
 *	struct vcache	*vcache_new(size_t slots, size_t maxbytes);
 *	void	 vcache_free(struct vcache *c);
 *	int	 vcache_key(struct vcache *c, uint8_t key[VCACHE_KEYLEN],
 *		    const uint8_t *buf, size_t len,
 *		    const struct scan_limits *lim, unsigned flags);
 *	int	 vcache_get(struct vcache *c, const uint8_t *key,
 *		    const char *name, struct verdict *v);
 *	void	 vcache_put(struct vcache *c, const uint8_t *key,
 *		    const struct verdict *v);
 *	void	 vcache_stats(const struct vcache *c, uint64_t *hits,
 *		    uint64_t *misses);
 * DESCRIPTION
 *	Mail brings the same attachment again and again; scanning it again
 *	gives the same answer as long as the database, the limits and the
 *	options are the same.  A worker serves one generation all its life,
 *	so a cache that lives in the worker never outlives its database.
 *
 *	vcache_key() is a GMAC (AES-128-GCM's GHASH) of the input's bytes,
 *	its length, limits and flags (MATCH_*) under a 128-bit secret that
 *	vcache_new() draws from getrandom(2) and that never leaves the
 *	worker.  Two different inputs of at most L 16-byte blocks get the
 *	same key with a probability of at most (L + 1) / 2^128 whatever
 *	they are: an attacker, who never sees the secret or a key, cannot
 *	make a malicious input take a clean one's answer (MD5, which
 *	ClamAV's cache uses, would allow that).  It runs at about 15 GB/s,
 *	where SHA-256 (used before) ran at 1.7 and cost a 1 MB message
 *	0.6 ms of the worker's time.  A key means nothing to another cache.
 *
 *	vcache_put() keeps v when it is clean (nothing infected, nothing
 *	left unscanned: limits and timeouts may not hold the next time) and
 *	has at most VCACHE_MAXOBJ objects: the shape of its tree (parents,
 *	depths, types, sizes, paths after the input's own name).  The table
 *	has slots entries, direct-mapped: a new key takes its slot from the
 *	old one.  An entry that would bring the total beyond maxbytes is
 *	not kept.  Failures to allocate are ignored: a cache may forget.
 *
 *	vcache_get() fills v (reset first) with the cached tree for key,
 *	its input named name, and returns 1; or 0 when key is not there.
 *	vcache_stats() gives the counts of vcache_get().
 * ERRORS
 *	vcache_new() returns NULL (ENOMEM, EINVAL for slots 0, EIO when
 *	libcrypto has no GMAC, or what getrandom(2) says);
 *	vcache_key() returns 0, or -1 (EIO: libcrypto failed);
 *	vcache_get() returns -1 with ENOMEM when v cannot hold the tree
 *	(v is then reset).  Never exit, never log.
 * PROCESS
 *	workers; vcache_new() before the sandbox, the rest inside it.
 */
#ifndef VIGIL_VCACHE_H
#define VIGIL_VCACHE_H

#include <stddef.h>
#include <stdint.h>

#include "av/limits.h"
#include "av/verdict.h"

#define VCACHE_KEYLEN	16		/* a GMAC tag */
#define VCACHE_MAXOBJ	256		/* objects of a tree it keeps */

struct vcache;

struct vcache	*vcache_new(size_t, size_t);
void		 vcache_free(struct vcache *);
int		 vcache_key(struct vcache *, uint8_t [VCACHE_KEYLEN],
		    const uint8_t *, size_t, const struct scan_limits *,
		    unsigned);
int		 vcache_get(struct vcache *, const uint8_t *, const char *,
		    struct verdict *);
void		 vcache_put(struct vcache *, const uint8_t *,
		    const struct verdict *);
void		 vcache_stats(const struct vcache *, uint64_t *, uint64_t *);

#endif
