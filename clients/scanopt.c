/*
 * scanopt.c - vigil-scan's pure helpers: lists, sizes, actions, JSON
 *
 * DESCRIPTION
 *	See scanopt.h.  Everything here works on its arguments only, so that
 *	t/unit/test_scanopt.c can check it row by row.
 */
#include <errno.h>
#include <fnmatch.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "clients/scanopt.h"
#include "util/buf.h"
#include "util/path.h"
#include "util/utf8.h"


/* scanopt_next - the next non-empty item of a colon list */
int
scanopt_next(const char **cursor, const char **item, size_t *len)
{
	const char	*p = *cursor, *e;

	while (*p == ':')
		p++;
	if (*p == '\0') {
		*cursor = p;
		return 0;
	}
	if ((e = strchr(p, ':')) == NULL)
		e = p + strlen(p);
	*item = p;
	*len = (size_t)(e - p);
	*cursor = e;
	return 1;
}

/* scanopt_size - digits and an optional K, M, G or T (and B) */
int
scanopt_size(const char *s, uint64_t *v)
{
	uint64_t	 n = 0, mul = 1;
	const char	*p = s;

	if (*p < '0' || *p > '9') {
		errno = EINVAL;
		return -1;
	}
	for (; *p >= '0' && *p <= '9'; p++) {
		if (n > (UINT64_MAX - (uint64_t)(*p - '0')) / 10) {
			errno = ERANGE;
			return -1;
		}
		n = n * 10 + (uint64_t)(*p - '0');
	}
	switch (*p) {
	case 'k':
	case 'K':
		mul = 1ULL << 10;
		break;
	case 'm':
	case 'M':
		mul = 1ULL << 20;
		break;
	case 'g':
	case 'G':
		mul = 1ULL << 30;
		break;
	case 't':
	case 'T':
		mul = 1ULL << 40;
		break;
	default:
		break;
	}
	if (mul != 1)
		p++;
	if (*p == 'b' || *p == 'B')
		p++;
	if (*p != '\0') {
		errno = EINVAL;
		return -1;
	}
	if (n > UINT64_MAX / mul) {
		errno = ERANGE;
		return -1;
	}
	*v = n * mul;
	return 0;
}

/* scanopt_action - none, delete or move:DIR */
int
scanopt_action(const char *s, enum scanopt_act *act, const char **dir)
{
	*dir = NULL;
	if (strcmp(s, "none") == 0)
		*act = SCANOPT_ACT_NONE;
	else if (strcmp(s, "delete") == 0)
		*act = SCANOPT_ACT_DELETE;
	else if (strncmp(s, "move:", 5) == 0 && s[5] != '\0') {
		*act = SCANOPT_ACT_MOVE;
		*dir = s + 5;
	} else {
		errno = EINVAL;
		return -1;
	}
	return 0;
}

/* scanopt_glob - does path or its last component match a pattern? */
int
scanopt_glob(const char *path, const char *const *globs, size_t n)
{
	char		 base[4096];
	const char	*b;
	size_t		 len, i;

	len = strlen(path);
	while (len > 1 && path[len - 1] == '/')
		len--;
	for (b = path + len; b > path && b[-1] != '/'; b--)
		;
	len -= (size_t)(b - path);
	if (len >= sizeof(base))
		len = 0;	/* no name is that long (NAME_MAX) */
	memcpy(base, b, len);
	base[len] = '\0';
	for (i = 0; i < n; i++)
		if (fnmatch(globs[i], path, 0) == 0 ||
		    (len > 0 && fnmatch(globs[i], base, 0) == 0))
			return 1;
	return 0;
}

/* scanopt_uniq - "name", then "name.1", "name.2" ... */
int
scanopt_uniq(char *dst, size_t len, const char *name, unsigned n)
{
	if (n == 0)
		return path_fmt(dst, len, "%s", name);
	return path_fmt(dst, len, "%s.%u", name, n);
}

/* scanopt_json_str - s as a JSON string */
void
scanopt_json_str(struct buf *b, const char *s)
{
	const unsigned char	*p = (const unsigned char *)s;
	char			 esc[8];
	size_t			 n;
	int			 cut;

	buf_add(b, "\"", 1);
	while (*p != '\0') {
		if (*p == '"' || *p == '\\') {
			esc[0] = '\\';
			esc[1] = (char)*p;
			buf_add(b, esc, 2);
			p++;
			continue;
		}
		if (*p >= 0x20 && *p < 0x7f) {
			buf_add(b, p, 1);
			p++;
			continue;
		}
		if (*p >= 0x80 && (n = utf8_seq(p, 4, &cut)) > 0) {
			buf_add(b, p, n);
			p += n;
			continue;
		}
		switch (*p) {
		case '\b':
			buf_add(b, "\\b", 2);
			break;
		case '\f':
			buf_add(b, "\\f", 2);
			break;
		case '\n':
			buf_add(b, "\\n", 2);
			break;
		case '\r':
			buf_add(b, "\\r", 2);
			break;
		case '\t':
			buf_add(b, "\\t", 2);
			break;
		default:
			/* control bytes, and bytes outside any sequence */
			snprintf(esc, sizeof(esc), "\\u%04x", (unsigned)*p);
			buf_add(b, esc, 6);
			break;
		}
		p++;
	}
	buf_add(b, "\"", 1);
}

/* scanopt_printf - append formatted text */
void
scanopt_printf(struct buf *b, const char *fmt, ...)
{
	va_list	 ap;
	char	 small[256];
	int	 n;

	va_start(ap, fmt);
	n = vsnprintf(small, sizeof(small), fmt, ap);
	va_end(ap);
	if (n < 0) {
		b->failed = 1;
		return;
	}
	if ((size_t)n < sizeof(small)) {
		buf_add(b, small, (size_t)n);
		return;
	}
	if (buf_reserve(b, (size_t)n + 1) == -1)
		return;
	va_start(ap, fmt);
	(void)vsnprintf((char *)b->data + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}
