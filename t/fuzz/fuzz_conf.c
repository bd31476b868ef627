/*
 * fuzz_conf.c - libFuzzer harness for conf/conf.c
 *
 * Every input is loaded as a configuration file, then checked against
 * what conf.h promises: the load succeeds with no messages or fails with
 * EINVAL and 1 to CONF_MAXERRORS messages, each "fuzz:LINE: ..." with
 * lines in order and never past the last line, the first one in the
 * caller's buffer; every getter of every key answers in every section
 * and for a few recipients, with values in the key's bounds (an enum
 * index among its words, a list terminated by NULL, a path absolute or
 * empty).  The input is loaded a second time with a BOM and CRLF line
 * ends and must give the same number of messages.  A broken invariant
 * aborts, which libFuzzer reports.
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf/conf.h"

#define nitems(a)	(sizeof(a) / sizeof((a)[0]))

int	 LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void	 fz_values(const struct conf_view *);
static size_t	 fz_load(const uint8_t *, size_t, size_t);

/* fz_values - every getter of every key through one view */
static void
fz_values(const struct conf_view *v)
{
	const struct conf_schema	*sc;
	const char *const		*l;
	const char			*s, *p;
	size_t				 n, i, words;
	int64_t				 x;
	int				 k;

	for (k = 0; k < CONF_NKEYS; k++) {
		sc = conf_schema(k);
		s = conf_get_str(v, k);
		if (s == NULL || strlen(s) > CONF_LINEMAX)
			abort();
		x = conf_get_int(v, k);
		l = conf_get_list(v, k, &n);
		if (l == NULL || l[n] != NULL)
			abort();
		for (i = 0; i < n; i++)
			if (l[i] == NULL || l[i][0] == '\0')
				abort();
		if (sc->type != CONF_LIST && n != 0)
			abort();
		switch (sc->type) {
		case CONF_PATH:
			if (s[0] != '\0' && s[0] != '/')
				abort();
			break;
		case CONF_BOOL:
			if (x != 0 && x != 1)
				abort();
			if (conf_get_bool(v, k) != x)
				abort();
			break;
		case CONF_INT:
		case CONF_SIZE:
		case CONF_DURATION:
			if ((sc->min != 0 || sc->max != 0) &&
			    (x < sc->min || x > sc->max))
				abort();
			if (x < 0 && sc->type != CONF_INT)
				abort();
			if (sc->type == CONF_SIZE &&
			    conf_get_size(v, k) != (uint64_t)x)
				abort();
			if (sc->type == CONF_DURATION &&
			    conf_get_duration(v, k) != (uint64_t)x)
				abort();
			break;
		case CONF_ENUM:
			for (words = 1, p = sc->values; *p != '\0'; p++)
				words += *p == '|';
			if (conf_get_enum(v, k) < 0 ||
			    (size_t)conf_get_enum(v, k) >= words)
				abort();
			break;
		case CONF_ADDR:
			if (s[0] == '\0')
				abort();
			break;
		default:
			break;
		}
		(void)conf_get_line(v, k);
	}
}

/*
 * fz_load - load buf as a file (with a BOM and CRLF ends when crlf is
 * set, buf then being copied), check it, return its number of messages
 */
static size_t
fz_load(const uint8_t *buf, size_t len, size_t crlf)
{
	static const char *const	 who[] = {
		NULL, "bob@example.com", "<a@b>", "@", "x", ""
	};
	struct conf_view		 v;
	struct conf			*c;
	const char			*e;
	char				 err[128], *copy = NULL;
	size_t				 i, n, nerr, lines;
	unsigned long			 line, last = 0;
	int				 rc, s, j;

	if (crlf) {
		if ((copy = malloc(3 + 2 * len)) == NULL)
			abort();
		memcpy(copy, "\xef\xbb\xbf", 3);
		for (i = 0, n = 3; i < len; i++) {
			if (buf[i] == '\n')
				copy[n++] = '\r';
			copy[n++] = buf[i];
		}
		buf = (const uint8_t *)copy;
		len = n;
	}
	for (i = 0, lines = 1; i < len; i++)
		lines += buf[i] == '\n';
	if ((c = conf_new()) == NULL)
		abort();
	memset(err, 'Z', sizeof(err));
	errno = 0;
	rc = conf_load_buf(c, "fuzz", buf, len, err, sizeof(err));
	if (memchr(err, '\0', sizeof(err)) == NULL)
		abort();
	nerr = conf_nerrors(c);
	if (rc == 0 && (nerr != 0 || err[0] != '\0'))
		abort();
	if (rc == -1 && (errno != EINVAL || nerr == 0 ||
	    nerr > CONF_MAXERRORS))
		abort();
	for (i = 0; i < nerr; i++) {
		e = conf_error(c, i);
		if (e == NULL || strncmp(e, "fuzz:", 5) != 0)
			abort();
		line = strtoul(e + 5, NULL, 10);
		if (line < 1 || line > lines || line < last)
			abort();
		last = line;
		if (i == 0 && strncmp(err, e, sizeof(err) - 1) != 0)
			abort();
	}
	if (conf_error(c, nerr) != NULL)
		abort();
	for (s = 0; s < CONF_NSEC; s++)
		for (j = 0; j < 2; j++) {
			i = (s + j) % nitems(who);
			if (conf_view(c, &v, s, who[i],
			    who[(i + 3) % nitems(who)]) < 0)
				abort();
			fz_values(&v);
		}
	conf_free(c);
	free(copy);
	return nerr;
}

/* LLVMFuzzerTestOneInput - one input */
int
LLVMFuzzerTestOneInput(const uint8_t *buf, size_t len)
{
	size_t	 a, b, i;

	if (len > 65536)
		return 0;
	a = fz_load(buf, len, 0);
	/* the same text in CRLF with a BOM: the same verdict, unless the
	 * input already held CRs or started with a BOM */
	for (i = 0; i < len; i++)
		if (buf[i] == '\r')
			return 0;
	if (len >= 3 && memcmp(buf, "\xef\xbb\xbf", 3) == 0)
		return 0;
	b = fz_load(buf, len, 1);
	if ((a == 0) != (b == 0))
		abort();
	return 0;
}
