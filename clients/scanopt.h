/*
 * scanopt.h - vigil-scan's pure helpers: lists, sizes, actions, JSON
 *
 * SYNOPSIS
 *	int	 scanopt_next(const char **cursor, const char **item,
 *		    size_t *len);
 *	int	 scanopt_size(const char *s, uint64_t *v);
 *	int	 scanopt_action(const char *s, enum scanopt_act *act,
 *		    const char **dir);
 *	int	 scanopt_glob(const char *path, const char *const *globs,
 *		    size_t n);
 *	int	 scanopt_uniq(char *dst, size_t len, const char *name,
 *		    unsigned n);
 *	void	 scanopt_json_str(struct buf *b, const char *s);
 *	void	 scanopt_printf(struct buf *b, const char *fmt, ...);
 * DESCRIPTION
 *	scanopt_next() walks a colon list ("a:b:/c", the classic
 *	"INCL1:INCL2 -- -EXCL1:EXCL2" form): *cursor starts at the list and
 *	moves past each item; it returns 1 with *item pointing at the next
 *	non-empty item (not NUL-terminated) and *len its length, or 0 when
 *	no item is left.  Empty items ("a::b", a leading or trailing colon)
 *	are skipped.  Nothing is copied or allocated.
 *
 *	scanopt_size() reads a size: decimal digits, then optionally K, M,
 *	G or T (powers of 1024, any case) and optionally B after it.
 *
 *	scanopt_action() reads --action: "none", "delete" or "move:DIR"
 *	(DIR not empty; *dir then points into s after the colon, else NULL).
 *
 *	scanopt_glob() says whether path, or its last component (after the
 *	last '/', trailing slashes ignored), matches one of the n fnmatch(3)
 *	patterns (flags 0: '*' also matches '/' in the whole path).
 *
 *	scanopt_uniq() writes the n-th candidate name for a file moved
 *	aside: name itself for n 0, else "name.N".
 *
 *	scanopt_json_str() appends s to b as a JSON string, quotes included:
 *	'"' and '\' are escaped, control bytes (below 0x20, and 0x7f) become
 *	\b \f \n \r \t or \u00XX, well-formed UTF-8 sequences (no overlong
 *	forms, no surrogates, nothing above U+10FFFF) are copied as they
 *	are, and every byte that is not part of one becomes \u00XX, XX
 *	being the byte's value: a name that is not UTF-8 reads as if it were
 *	Latin-1, and its bytes can be told back from it.  The output is
 *	always valid UTF-8 and valid JSON.
 *	scanopt_printf() appends formatted text to b (no NUL is kept).
 * ERRORS
 *	scanopt_size() and scanopt_action() return 0, or -1 with errno
 *	EINVAL (not a size or action), ERANGE (a size beyond 2^64 - 1).
 *	scanopt_uniq() returns 0, or -1 with errno ENAMETOOLONG (dst then
 *	holds "").  The buf functions set b->failed when memory runs out
 *	(util/buf.h).  Nothing here exits or logs; no global state.
 * PROCESS
 *	vigil-scan.
 */
#ifndef VIGIL_SCANOPT_H
#define VIGIL_SCANOPT_H

#include <stddef.h>
#include <stdint.h>

#include "util/buf.h"

enum scanopt_act {
	SCANOPT_ACT_NONE = 0,
	SCANOPT_ACT_MOVE,
	SCANOPT_ACT_DELETE
};

int	 scanopt_next(const char **, const char **, size_t *);
int	 scanopt_size(const char *, uint64_t *);
int	 scanopt_action(const char *, enum scanopt_act *, const char **);
int	 scanopt_glob(const char *, const char *const *, size_t);
int	 scanopt_uniq(char *, size_t, const char *, unsigned);
void	 scanopt_json_str(struct buf *, const char *);
void	 scanopt_printf(struct buf *, const char *, ...)
	    __attribute__((format(printf, 2, 3)));

#endif
