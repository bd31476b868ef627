/*
 * lgtest.h - what the tests of the legacy walkers share (t/unit only)
 *
 * DESCRIPTION
 *	Included by test_legacy.c, test_sis.c and test_chm.c: struct got
 *	keeps a copy of every member a walk delivered (name, bytes, flags;
 *	the callback stops the walk after stopat members, 0: never);
 *	lgt_walk() runs legacy_walk() into it and checks what every walk
 *	must satisfy (counts and totals agree with what was delivered, the
 *	reason is a string, and is given when the status is not ARC_OK);
 *	lgt_readfile() reads a whole file (-1 when it cannot be opened, so
 *	that a test skips); lgt_sha256hex() gives a digest in hex.  All
 *	functions are static inline, so that a test need not use them all.
 */
#ifndef VIGIL_LGTEST_H
#define VIGIL_LGTEST_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "util/digest.h"
#include "workers/legacy.h"

#ifndef CLAMDIR
#define CLAMDIR		"/usr/share/clamav-testfiles"
#endif
#define MAXGOT		64
#define CLAMSHA		"71e7b604d18aefd839e51a39c88df838" \
			"3bb4c071dc31f87f00a2b5df580d4495"

/* the members a walk delivered */
struct got {
	int		 stopat;	/* the callback stops there, 0: never */
	uint32_t	 n;
	struct {
		char	 name[ARC_MAXNAME];
		uint8_t	*data;
		size_t	 len;
		int	 enc, trunc, dmg;
	}		 m[MAXGOT];
};

/* lgt_collect - keep a copy of every member */
static inline int
lgt_collect(void *arg, const struct arc_entry *e)
{
	struct got	*g = arg;
	uint32_t	 i = g->n++;

	assert_true(i < MAXGOT);
	assert_non_null(e->data);
	assert_true(strlen(e->name) < ARC_MAXNAME);
	snprintf(g->m[i].name, sizeof(g->m[i].name), "%s", e->name);
	g->m[i].data = malloc(e->len + 1);
	assert_non_null(g->m[i].data);
	if (e->len > 0)
		memcpy(g->m[i].data, e->data, e->len);
	g->m[i].len = e->len;
	g->m[i].enc = e->encrypted;
	g->m[i].trunc = e->truncated;
	g->m[i].dmg = e->damaged;
	return g->stopat != 0 && g->n >= (uint32_t)g->stopat;
}

/* got_free - release the copies */
static inline void
got_free(struct got *g)
{
	uint32_t	 i;

	for (i = 0; i < g->n && i < MAXGOT; i++)
		free(g->m[i].data);
	g->n = 0;
}

/* lgt_walk - legacy_walk() into g, with the checks every walk must pass */
static inline int
lgt_walk(enum ftype t, const uint8_t *buf, size_t len,
    const struct arc_limits *lim, struct got *g, struct arc_result *res)
{
	uint64_t	 total = 0;
	uint32_t	 i;
	int		 rc;

	got_free(g);
	rc = legacy_walk(t, buf, len, lim, lgt_collect, g, res);
	if (rc == 0) {
		assert_int_equal(res->entries, g->n);
		for (i = 0; i < g->n; i++)
			total += g->m[i].len;
		assert_int_equal(res->total, total);
		assert_non_null(memchr(res->reason, '\0',
		    sizeof(res->reason)));
		if (res->status != ARC_OK)
			assert_true(res->reason[0] != '\0');
	}
	return rc;
}

/* lgt_readfile - a whole file: 0, or -1 when it cannot be opened */
static inline int
lgt_readfile(const char *path, struct buf *b)
{
	uint8_t	 chunk[8192];
	size_t	 n;
	FILE	*fp;

	buf_init(b);
	if ((fp = fopen(path, "rb")) == NULL)
		return -1;
	while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0)
		buf_add(b, chunk, n);
	fclose(fp);
	assert_false(b->failed);
	return 0;
}

/* lgt_sha256hex - the SHA-256 of p in hex */
static inline void
lgt_sha256hex(const uint8_t *p, size_t n, char *hex)
{
	uint8_t	 md[DIGEST_MAXLEN];
	int	 i;

	assert_int_equal(digest_buf(DIGEST_SHA256, p, n, md), 0);
	for (i = 0; i < 32; i++)
		snprintf(hex + 2 * i, 3, "%02x", md[i]);
}

#endif
