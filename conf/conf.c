/*
 * conf.c - the vigil.cfg parser, its storage and the lookups
 *
 * A file is read into one buffer and cut into lines.  Each value is
 * checked and converted when it is read, against its row of the schema
 * (schema.c), so that a loaded configuration holds only valid values and
 * the getters cannot fail.  Program sections live in a fixed array; user
 * and domain sections in an array sorted by name at the end of the load,
 * so that conf_view() finds a recipient's sections by binary search even
 * when a site lists thousands of domains.  Errors are collected with
 * their line and sorted by it, since duplicate user sections are only
 * found after the sort.
 */
#include <sys/stat.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "conf/conf.h"

#define CONF_SHOWMAX	64	/* bytes of a bad value quoted in messages */

/* one value set in a section, or a default */
struct conf_val {
	enum conf_key	 key;
	unsigned	 line;		/* 0: the default */
	int64_t		 num;
	char		*str;		/* text of the value */
	char		**list;		/* CONF_LIST items, NULL-terminated */
	size_t		 nlist;
};

struct conf_section {
	char		*name;		/* user sections: lowercase */
	enum conf_sec	 kind;
	unsigned	 line;		/* of the header; 0: not in the file */
	struct conf_val	*vals;
	size_t		 nvals;
	size_t		 cap;
};

struct conf_err {
	unsigned	 line;
	size_t		 seq;
	char		*text;
};

struct conf {
	char			*name;
	int			 loaded;
	int			 nomem;
	int			 full;		/* CONF_MAXERRORS reached */
	struct conf_val		 defs[CONF_NKEYS];
	struct conf_section	 prog[CONF_SEC_USER];
	struct conf_section	*users;
	size_t			 nusers;
	size_t			 capusers;
	struct conf_err		*errs;
	size_t			 nerrs;
};

/* the state of one load */
struct conf_parse {
	struct conf	*c;
	unsigned	 line;
	int		 cur;		/* CONF_SEC_*, or P_NONE, P_SKIP */
	size_t		 user;		/* index into c->users when USER */
};
#define P_NONE		(-1)		/* before any section */
#define P_SKIP		(-2)		/* after a bad section header */

static const char *const secnames[CONF_NSEC] = {
	"global", "daemon", "scan", "cli", "mda", "pipe", "smtp", "smfi",
	"mirror", "pac", "dac", "user"
};

static const char *const typenames[] = {
	"string", "path", "integer", "boolean", "size", "duration",
	"enumeration", "address", "list"
};

static void	 conf_adderr(struct conf_parse *, const char *, ...)
		    __attribute__((format(printf, 2, 3)));
static char	*conf_show(const char *, size_t, char *, size_t);
static void	 val_clear(struct conf_val *);
static void	 sec_clear(struct conf_section *);
static int	 item_parse(const char **, const char *, int, char **,
		    const char **);
static int	 num_parse(const char *, uint64_t *, const char **);
static int	 conv_int(const struct conf_schema *, const char *,
		    struct conf_val *, const char **);
static int	 conv_size(const struct conf_schema *, const char *,
		    struct conf_val *, const char **);
static int	 conv_duration(const struct conf_schema *, const char *,
		    struct conf_val *, const char **);
static int	 conv_enum(const struct conf_schema *, const char *,
		    struct conf_val *);
static int	 conv_addr(const char *);
static int	 conv_bool(const char *, struct conf_val *);
static int	 val_parse(enum conf_key, const char *, size_t,
		    struct conf_val *, const char **);
static int	 sec_name_ok(const char *);
static int	 sec_open(struct conf_parse *, const char *, size_t);
static void	 kv_line(struct conf_parse *, const char *, size_t);
static void	 parse_line(struct conf_parse *, const char *, size_t);
static int	 user_cmp(const void *, const void *);
static int	 err_cmp(const void *, const void *);
static void	 users_finish(struct conf_parse *);
static const struct conf_section *user_find(const struct conf *,
		    const char *, size_t);
static void	 view_add(struct conf_view *, const struct conf_section *);
static void	 view_addr(struct conf_view *, const char *, int *);
static const struct conf_val *lookup(const struct conf_view *,
		    enum conf_key);

/* conf_adderr - record "NAME:LINE: message" */
static void
conf_adderr(struct conf_parse *p, const char *fmt, ...)
{
	struct conf	*c = p->c;
	struct conf_err	*e;
	char		 msg[512];
	va_list		 ap;
	size_t		 n;

	if (c->full)
		return;
	if (c->errs == NULL &&
	    (c->errs = calloc(CONF_MAXERRORS, sizeof(*c->errs))) == NULL) {
		c->nomem = 1;
		return;
	}
	if (c->nerrs == CONF_MAXERRORS - 1) {
		c->full = 1;
		snprintf(msg, sizeof(msg), "too many errors");
	} else {
		va_start(ap, fmt);
		vsnprintf(msg, sizeof(msg), fmt, ap);
		va_end(ap);
	}
	e = &c->errs[c->nerrs];
	n = strlen(c->name) + strlen(msg) + 24;
	if ((e->text = malloc(n)) == NULL) {
		c->nomem = 1;
		return;
	}
	snprintf(e->text, n, "%s:%u: %s", c->name, p->line, msg);
	e->line = p->line;
	e->seq = c->nerrs++;
}

/* conf_show - s[0, n) quoted for a message: shortened if long */
static char *
conf_show(const char *s, size_t n, char *out, size_t outlen)
{
	if (n > CONF_SHOWMAX)
		snprintf(out, outlen, "%.*s...", CONF_SHOWMAX, s);
	else
		snprintf(out, outlen, "%.*s", (int)n, s);
	return out;
}

/* val_clear - free what a value owns */
static void
val_clear(struct conf_val *v)
{
	size_t	 i;

	free(v->str);
	if (v->list != NULL) {
		for (i = 0; i < v->nlist; i++)
			free(v->list[i]);
		free(v->list);
	}
	memset(v, 0, sizeof(*v));
}

/* sec_clear - free a section's values and name */
static void
sec_clear(struct conf_section *s)
{
	size_t	 i;

	for (i = 0; i < s->nvals; i++)
		val_clear(&s->vals[i]);
	free(s->vals);
	free(s->name);
	memset(s, 0, sizeof(*s));
}

/*
 * item_parse - one quoted or bare item from *pp (up to end), unescaped
 * into a new string *out; a bare item stops at ',' when comma is set,
 * else at end.  Advances *pp past the item and trailing blanks.  Returns
 * 0, -1 with a reason in *why, or -2 when memory ran out.
 */
static int
item_parse(const char **pp, const char *end, int comma, char **out,
    const char **why)
{
	const char	*p = *pp, *q;
	char		*s;
	size_t		 n = 0;

	*out = NULL;
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	if (p < end && *p == '"') {
		if ((s = malloc(end - p)) == NULL)
			return -2;
		for (p++; p < end && *p != '"'; p++) {
			if (*p == '\\') {
				if (p + 1 == end || (p[1] != '"' &&
				    p[1] != '\\')) {
					free(s);
					*why = p + 1 == end ?
					    "unterminated string" :
					    "bad escape (only \\\" and \\\\)";
					return -1;
				}
				p++;
			}
			s[n++] = *p;
		}
		if (p == end) {
			free(s);
			*why = "unterminated string";
			return -1;
		}
		s[n] = '\0';
		for (p++; p < end && (*p == ' ' || *p == '\t'); p++)
			;
		if (p < end && !(comma && *p == ',')) {
			free(s);
			*why = "text after the closing quote";
			return -1;
		}
	} else {
		for (q = p; q < end && !(comma && *q == ','); q++)
			if (*q == '"') {
				*why = "a quote inside a bare value "
				    "(quote the whole value)";
				return -1;
			}
		n = q - p;
		while (n > 0 && (p[n - 1] == ' ' || p[n - 1] == '\t'))
			n--;
		if ((s = malloc(n + 1)) == NULL)
			return -2;
		memcpy(s, p, n);
		s[n] = '\0';
		p = q;
	}
	*pp = p;
	*out = s;
	return 0;
}

/* num_parse - decimal digits at the start of s into *n; *end after them */
static int
num_parse(const char *s, uint64_t *n, const char **end)
{
	uint64_t	 v = 0;
	const char	*p;

	for (p = s; *p >= '0' && *p <= '9'; p++) {
		if (v > (UINT64_MAX - (uint64_t)(*p - '0')) / 10)
			return -1;
		v = v * 10 + (uint64_t)(*p - '0');
	}
	if (p == s)
		return -1;
	*n = v;
	*end = p;
	return 0;
}

/* conv_int - a signed decimal within the row's bounds */
static int
conv_int(const struct conf_schema *sc, const char *s, struct conf_val *v,
    const char **why)
{
	const char	*p = s, *e;
	uint64_t	 u;
	int		 neg = 0;

	if (*p == '-' || *p == '+')
		neg = *p++ == '-';
	if (num_parse(p, &u, &e) == -1 || *e != '\0' ||
	    u > (uint64_t)INT64_MAX) {
		*why = "not an integer";
		return -1;
	}
	v->num = neg ? -(int64_t)u : (int64_t)u;
	if ((sc->min != 0 || sc->max != 0) &&
	    (v->num < sc->min || v->num > sc->max)) {
		*why = "out of range";
		return -1;
	}
	return 0;
}

/* conv_size - bytes with an optional K, M, G or T suffix */
static int
conv_size(const struct conf_schema *sc, const char *s, struct conf_val *v,
    const char **why)
{
	const char	*e;
	uint64_t	 u;
	int		 shift = 0;

	*why = "not a size (such as 512K, 10M, 2G)";
	if (num_parse(s, &u, &e) == -1)
		return -1;
	switch (tolower((unsigned char)*e)) {
	case 'k':
		shift = 10;
		break;
	case 'm':
		shift = 20;
		break;
	case 'g':
		shift = 30;
		break;
	case 't':
		shift = 40;
		break;
	case 'b':
	case '\0':
		break;
	default:
		return -1;
	}
	if (shift != 0) {
		e++;
		if (tolower((unsigned char)*e) == 'i' &&
		    tolower((unsigned char)e[1]) == 'b')
			e++;
	}
	if (tolower((unsigned char)*e) == 'b')
		e++;
	if (*e != '\0')
		return -1;
	*why = "out of range";
	if (u > ((uint64_t)INT64_MAX >> shift))
		return -1;
	v->num = (int64_t)(u << shift);
	if ((sc->min != 0 || sc->max != 0) &&
	    (v->num < sc->min || v->num > sc->max))
		return -1;
	return 0;
}

/* conv_duration - milliseconds from N, Nms, Ns, Nm, Nh or Nd */
static int
conv_duration(const struct conf_schema *sc, const char *s,
    struct conf_val *v, const char **why)
{
	const char	*e;
	uint64_t	 u, mul;

	*why = "not a duration (such as 500ms, 30s, 5m, 2h, 1d)";
	if (num_parse(s, &u, &e) == -1)
		return -1;
	if (strcasecmp(e, "ms") == 0)
		mul = 1;
	else if (*e == '\0' || strcasecmp(e, "s") == 0)
		mul = 1000;
	else if (strcasecmp(e, "m") == 0)
		mul = 60 * 1000;
	else if (strcasecmp(e, "h") == 0)
		mul = 3600 * 1000;
	else if (strcasecmp(e, "d") == 0)
		mul = 86400 * 1000;
	else
		return -1;
	*why = "out of range";
	if (u > (uint64_t)INT64_MAX / mul)
		return -1;
	v->num = (int64_t)(u * mul);
	if ((sc->min != 0 || sc->max != 0) &&
	    (v->num < sc->min || v->num > sc->max))
		return -1;
	return 0;
}

/* conv_enum - index of s among the row's words; the word kept as written
 * in the schema */
static int
conv_enum(const struct conf_schema *sc, const char *s, struct conf_val *v)
{
	const char	*w = sc->values, *bar;
	size_t		 n, len = strlen(s);
	int		 i;

	for (i = 0; w != NULL; i++) {
		bar = strchr(w, '|');
		n = bar != NULL ? (size_t)(bar - w) : strlen(w);
		if (n == len && strncasecmp(w, s, n) == 0) {
			v->num = i;
			memcpy(v->str, w, n);	/* same length */
			return 0;
		}
		w = bar != NULL ? bar + 1 : NULL;
	}
	return -1;
}

/* conv_addr - "off", HOST:PORT or [V6]:PORT */
static int
conv_addr(const char *s)
{
	const char	*colon, *e;
	uint64_t	 port;
	size_t		 i;

	if (strcasecmp(s, "off") == 0)
		return 0;
	if (*s == '[') {
		if ((e = strchr(s, ']')) == NULL || e == s + 1 || e[1] != ':')
			return -1;
		for (i = 1; s + i < e; i++)
			if (!isxdigit((unsigned char)s[i]) && s[i] != ':' &&
			    s[i] != '.')
				return -1;
		colon = e + 1;
	} else {
		if ((colon = strchr(s, ':')) == NULL || colon == s ||
		    strchr(colon + 1, ':') != NULL)
			return -1;
		for (i = 0; s + i < colon; i++)
			if (!isalnum((unsigned char)s[i]) && s[i] != '.' &&
			    s[i] != '-' && s[i] != '*')
				return -1;
	}
	if (num_parse(colon + 1, &port, &e) == -1 || *e != '\0' ||
	    port < 1 || port > 65535)
		return -1;
	return 0;
}

/* conv_bool - yes/no, true/false, on/off, 1/0 */
static int
conv_bool(const char *s, struct conf_val *v)
{
	static const char *const	 yes[] = { "yes", "true", "on", "1" };
	static const char *const	 no[] = { "no", "false", "off", "0" };
	size_t				 i;

	for (i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
		if (strcasecmp(s, yes[i]) == 0) {
			v->num = 1;
			return 0;
		}
		if (strcasecmp(s, no[i]) == 0) {
			v->num = 0;
			return 0;
		}
	}
	return -1;
}

/*
 * val_parse - the value text t[0, len) of key k into v.  Returns 0, -1
 * with a reason in *why (v is then cleared), or -2 when memory ran out.
 */
static int
val_parse(enum conf_key k, const char *t, size_t len, struct conf_val *v,
    const char **why)
{
	const struct conf_schema	*sc = conf_schema(k);
	const char			*p = t, *end = t + len, *bad;
	char				*item, **nl;
	int				 rc;

	memset(v, 0, sizeof(*v));
	v->key = k;
	if (sc->type == CONF_LIST) {
		if ((v->str = malloc(len + 1)) == NULL)
			return -2;
		memcpy(v->str, t, len);
		v->str[len] = '\0';
		if ((v->list = calloc(1, sizeof(*v->list))) == NULL)
			goto nomem;
		while (p < end) {
			if ((rc = item_parse(&p, end, 1, &item, why)) != 0)
				goto fail;
			nl = reallocarray(v->list, v->nlist + 2,
			    sizeof(*v->list));
			if (nl == NULL) {
				free(item);
				goto nomem;
			}
			v->list = nl;
			v->list[v->nlist++] = item;
			v->list[v->nlist] = NULL;
			if (*item == '\0') {
				*why = "empty list item";
				rc = -1;
				goto fail;
			}
			if (sc->check != NULL &&
			    (bad = sc->check(item)) != NULL) {
				*why = bad;
				rc = -1;
				goto fail;
			}
			if (p < end && *p == ',' && ++p == end) {
				*why = "empty list item";
				rc = -1;
				goto fail;
			}
		}
		return 0;
	}
	if ((rc = item_parse(&p, end, 0, &v->str, why)) != 0)
		goto fail;
	rc = -1;
	switch (sc->type) {
	case CONF_STR:
		break;
	case CONF_PATH:
		if (v->str[0] != '\0' && v->str[0] != '/') {
			*why = "not an absolute path";
			goto fail;
		}
		break;
	case CONF_INT:
		if (conv_int(sc, v->str, v, why) == -1)
			goto fail;
		break;
	case CONF_BOOL:
		if (conv_bool(v->str, v) == -1) {
			*why = "not yes or no";
			goto fail;
		}
		break;
	case CONF_SIZE:
		if (conv_size(sc, v->str, v, why) == -1)
			goto fail;
		break;
	case CONF_DURATION:
		if (conv_duration(sc, v->str, v, why) == -1)
			goto fail;
		break;
	case CONF_ENUM:
		if (conv_enum(sc, v->str, v) == -1) {
			*why = "not one of the allowed words";
			goto fail;
		}
		break;
	case CONF_ADDR:
		if (v->str[0] == '\0') {
			free(v->str);
			if ((v->str = strdup("off")) == NULL)
				goto nomem;
		}
		if (conv_addr(v->str) == -1) {
			*why = "not off, HOST:PORT or [IPV6]:PORT";
			goto fail;
		}
		if (strcasecmp(v->str, "off") == 0)
			memcpy(v->str, "off", 3);
		break;
	case CONF_LIST:
		break;
	}
	if (sc->check != NULL && (bad = sc->check(v->str)) != NULL) {
		*why = bad;
		goto fail;
	}
	return 0;
nomem:
	rc = -2;
fail:
	val_clear(v);
	return rc;
}

/* sec_name_ok - a user section name: [A-Za-z0-9._+=%-], one '@' at most */
static int
sec_name_ok(const char *s)
{
	const char	*at = NULL, *p;

	if (*s == '\0')
		return 0;
	for (p = s; *p != '\0'; p++) {
		if (*p == '@') {
			if (at != NULL)
				return 0;
			at = p;
		} else if (!isalnum((unsigned char)*p) &&
		    strchr("._+=%-", *p) == NULL)
			return 0;
	}
	return at == NULL || at[1] != '\0';
}

/* sec_open - a section header naming n[0, len) */
static int
sec_open(struct conf_parse *p, const char *n, size_t len)
{
	struct conf		*c = p->c;
	struct conf_section	*s;
	char			 name[CONF_SHOWMAX + 8], *lc;
	size_t			 i;
	int			 k;

	p->cur = P_SKIP;
	if (len > 255 || memchr(n, '\0', len) != NULL) {
		conf_adderr(p, "bad section name \"%s\"",
		    conf_show(n, len, name, sizeof(name)));
		return 0;
	}
	if ((lc = malloc(len + 1)) == NULL)
		return -1;
	for (i = 0; i < len; i++)
		lc[i] = tolower((unsigned char)n[i]);
	lc[len] = '\0';
	if ((k = conf_sec_find(lc)) != -1) {
		free(lc);
		s = &c->prog[k];
		if (s->line != 0) {
			conf_adderr(p, "duplicate section [%s] (first at line "
			    "%u)", secnames[k], s->line);
			return 0;
		}
		s->line = p->line;
		p->cur = k;
		return 0;
	}
	if (!sec_name_ok(lc)) {
		free(lc);
		conf_adderr(p, "bad section name \"%s\"",
		    conf_show(n, len, name, sizeof(name)));
		return 0;
	}
	if (c->nusers == c->capusers) {
		s = reallocarray(c->users, c->capusers ? 2 * c->capusers : 8,
		    sizeof(*s));
		if (s == NULL) {
			free(lc);
			return -1;
		}
		c->users = s;
		c->capusers = c->capusers ? 2 * c->capusers : 8;
	}
	s = &c->users[c->nusers];
	memset(s, 0, sizeof(*s));
	s->name = lc;
	s->kind = CONF_SEC_USER;
	s->line = p->line;
	p->cur = CONF_SEC_USER;
	p->user = c->nusers++;
	return 0;
}

/* kv_line - "key = value", l[0, len) trimmed, with an '=' */
static void
kv_line(struct conf_parse *p, const char *l, size_t len)
{
	struct conf		*c = p->c;
	struct conf_section	*s;
	struct conf_val		 v, *nv;
	const struct conf_schema *sc;
	const char		*eq = memchr(l, '=', len), *vt, *why = NULL;
	char			 key[40], show[CONF_SHOWMAX + 8];
	size_t			 klen, i;
	int			 k, rc;

	for (klen = eq - l; klen > 0 && (l[klen - 1] == ' ' ||
	    l[klen - 1] == '\t'); klen--)
		;
	if (klen == 0) {
		conf_adderr(p, "expected \"[section]\" or \"key = value\"");
		return;
	}
	conf_show(l, klen, show, sizeof(show));
	if (p->cur == P_SKIP)
		return;
	if (p->cur == P_NONE) {
		conf_adderr(p, "key \"%s\" outside any section", show);
		return;
	}
	k = -1;
	if (klen < sizeof(key)) {
		memcpy(key, l, klen);
		key[klen] = '\0';
		k = conf_key_find(key);
	}
	if (k == -1) {
		conf_adderr(p, "unknown key \"%s\"", show);
		return;
	}
	sc = conf_schema(k);
	s = p->cur == CONF_SEC_USER ? &c->users[p->user] : &c->prog[p->cur];
	if (!(sc->sections & CONF_M(s->kind))) {
		conf_adderr(p, "key \"%s\" not allowed in [%s]", sc->name,
		    s->name != NULL ? s->name : secnames[s->kind]);
		return;
	}
	for (i = 0; i < s->nvals; i++)
		if (s->vals[i].key == (enum conf_key)k) {
			conf_adderr(p, "duplicate key \"%s\" in [%s] (first at "
			    "line %u)", sc->name, s->name != NULL ? s->name :
			    secnames[s->kind], s->vals[i].line);
			return;
		}
	for (vt = eq + 1; vt < l + len && (*vt == ' ' || *vt == '\t'); vt++)
		;
	rc = val_parse(k, vt, l + len - vt, &v, &why);
	if (rc == -2) {
		c->nomem = 1;
		return;
	}
	if (rc == -1) {
		conf_adderr(p, "%s: %s: \"%s\"", sc->name, why,
		    conf_show(vt, l + len - vt, show, sizeof(show)));
		return;
	}
	v.line = p->line;
	if (s->nvals == s->cap) {
		nv = reallocarray(s->vals, s->cap ? 2 * s->cap : 8,
		    sizeof(*nv));
		if (nv == NULL) {
			val_clear(&v);
			c->nomem = 1;
			return;
		}
		s->vals = nv;
		s->cap = s->cap ? 2 * s->cap : 8;
	}
	s->vals[s->nvals++] = v;
}

/* parse_line - one line l[0, len), without its end */
static void
parse_line(struct conf_parse *p, const char *l, size_t len)
{
	size_t	 i;

	if (len > 0 && l[len - 1] == '\r')
		len--;
	if (len > CONF_LINEMAX) {
		conf_adderr(p, "line longer than %d bytes", CONF_LINEMAX);
		return;
	}
	for (i = 0; i < len; i++) {
		if (l[i] == '\0') {
			conf_adderr(p, "NUL byte in line");
			return;
		}
		if (((unsigned char)l[i] < 0x20 && l[i] != '\t') ||
		    l[i] == 0x7f) {
			conf_adderr(p, "control character 0x%02x in line",
			    (unsigned char)l[i]);
			return;
		}
	}
	while (len > 0 && (*l == ' ' || *l == '\t')) {
		l++;
		len--;
	}
	while (len > 0 && (l[len - 1] == ' ' || l[len - 1] == '\t'))
		len--;
	if (len == 0 || *l == '#' || *l == ';')
		return;
	if (*l == '[') {
		if (l[len - 1] != ']') {
			conf_adderr(p, "expected \"]\" at the end of a section "
			    "header");
			p->cur = P_SKIP;
			return;
		}
		for (l++, len -= 2; len > 0 && (*l == ' ' || *l == '\t');
		    l++, len--)
			;
		while (len > 0 && (l[len - 1] == ' ' || l[len - 1] == '\t'))
			len--;
		if (sec_open(p, l, len) == -1)
			p->c->nomem = 1;
		return;
	}
	if (memchr(l, '=', len) == NULL) {
		conf_adderr(p, "expected \"[section]\" or \"key = value\"");
		return;
	}
	kv_line(p, l, len);
}

/* user_cmp - user sections by name, then line */
static int
user_cmp(const void *a, const void *b)
{
	const struct conf_section	*x = a, *y = b;
	int				 d = strcmp(x->name, y->name);

	if (d != 0)
		return d;
	return (x->line > y->line) - (x->line < y->line);
}

/* err_cmp - errors by line, then by when they were found */
static int
err_cmp(const void *a, const void *b)
{
	const struct conf_err	*x = a, *y = b;

	if (x->line != y->line)
		return (x->line > y->line) - (x->line < y->line);
	return (x->seq > y->seq) - (x->seq < y->seq);
}

/* users_finish - sort user sections; a name seen twice is an error */
static void
users_finish(struct conf_parse *p)
{
	struct conf	*c = p->c;
	size_t		 i, j;

	if (c->nusers == 0)
		return;
	qsort(c->users, c->nusers, sizeof(*c->users), user_cmp);
	for (i = 1, j = 0; i < c->nusers; i++) {
		if (strcmp(c->users[i].name, c->users[j].name) == 0) {
			p->line = c->users[i].line;
			conf_adderr(p, "duplicate section [%s] (first at line "
			    "%u)", c->users[i].name, c->users[j].line);
			sec_clear(&c->users[i]);
			continue;
		}
		if (++j != i) {
			c->users[j] = c->users[i];
			memset(&c->users[i], 0, sizeof(c->users[i]));
		}
	}
	c->nusers = j + 1;
}

/* conf_new - a configuration holding the defaults */
struct conf *
conf_new(void)
{
	struct conf	*c;
	const char	*why;
	int		 k, rc;

	if ((c = calloc(1, sizeof(*c))) == NULL)
		return NULL;
	for (k = 0; k < CONF_SEC_USER; k++)
		c->prog[k].kind = k;
	for (k = 0; k < CONF_NKEYS; k++) {
		rc = val_parse(k, conf_schema(k)->def,
		    strlen(conf_schema(k)->def), &c->defs[k], &why);
		if (rc != 0) {
			/* a schema bug: test_conf catches it */
			conf_free(c);
			errno = rc == -2 ? ENOMEM : EINVAL;
			return NULL;
		}
	}
	return c;
}

/* conf_load_buf - load buf[0, len), named name in messages */
int
conf_load_buf(struct conf *c, const char *name, const void *buf, size_t len,
    char *err, size_t errlen)
{
	struct conf_parse	 p;
	const char		*s = buf, *end = s + len, *nl;

	if (errlen > 0)
		err[0] = '\0';
	if (c->loaded) {
		if (errlen > 0)
			snprintf(err, errlen, "%s: already loaded", name);
		errno = EINVAL;
		return -1;
	}
	c->loaded = 1;
	if ((c->name = strdup(name)) == NULL)
		goto nomem;
	memset(&p, 0, sizeof(p));
	p.c = c;
	p.cur = P_NONE;
	if (len >= 3 && memcmp(s, "\xef\xbb\xbf", 3) == 0)
		s += 3;
	while (s < end && !c->full && !c->nomem) {
		p.line++;
		if ((nl = memchr(s, '\n', end - s)) == NULL)
			nl = end;
		parse_line(&p, s, nl - s);
		s = nl < end ? nl + 1 : end;
	}
	users_finish(&p);
	if (c->nomem)
		goto nomem;
	if (c->nerrs > 0) {
		qsort(c->errs, c->nerrs, sizeof(*c->errs), err_cmp);
		if (errlen > 0)
			snprintf(err, errlen, "%s", c->errs[0].text);
		errno = EINVAL;
		return -1;
	}
	return 0;
nomem:
	if (errlen > 0)
		snprintf(err, errlen, "%s: %s", name, strerror(ENOMEM));
	errno = ENOMEM;
	return -1;
}

/* conf_load_file - read path and load it */
int
conf_load_file(struct conf *c, const char *path, char *err, size_t errlen)
{
	struct stat	 st;
	char		*buf = NULL, *nb;
	size_t		 len = 0, cap = 0;
	ssize_t		 n;
	int		 fd, rc = -1, serrno;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		goto fail;
	if (fstat(fd, &st) == -1)
		goto fail;
	if (S_ISDIR(st.st_mode)) {
		errno = EISDIR;
		goto fail;
	}
	for (;;) {
		if (len == cap) {
			cap = cap == 0 ? 8192 : 2 * cap;
			if (cap > CONF_FILEMAX + 1)
				cap = CONF_FILEMAX + 1;
			if ((nb = realloc(buf, cap)) == NULL)
				goto fail;
			buf = nb;
		}
		if ((n = read(fd, buf + len, cap - len)) == -1) {
			if (errno == EINTR)
				continue;
			goto fail;
		}
		if (n == 0)
			break;
		len += n;
		if (len > CONF_FILEMAX) {
			errno = EFBIG;
			if (errlen > 0)
				snprintf(err, errlen,
				    "%s: larger than %d bytes", path,
				    CONF_FILEMAX);
			close(fd);
			free(buf);
			return -1;
		}
	}
	close(fd);
	fd = -1;
	rc = conf_load_buf(c, path, buf, len, err, errlen);
	serrno = errno;
	free(buf);
	errno = serrno;
	return rc;
fail:
	serrno = errno;
	if (errlen > 0)
		snprintf(err, errlen, "%s: %s", path, strerror(serrno));
	if (fd != -1)
		close(fd);
	free(buf);
	errno = serrno;
	return -1;
}

/* conf_nerrors - how many messages the load left */
size_t
conf_nerrors(const struct conf *c)
{
	return c->nerrs;
}

/* conf_error - message i, or NULL */
const char *
conf_error(const struct conf *c, size_t i)
{
	return i < c->nerrs ? c->errs[i].text : NULL;
}

/* conf_free - release c */
void
conf_free(struct conf *c)
{
	size_t	 i;

	if (c == NULL)
		return;
	for (i = 0; i < CONF_NKEYS; i++)
		val_clear(&c->defs[i]);
	for (i = 0; i < CONF_SEC_USER; i++)
		sec_clear(&c->prog[i]);
	for (i = 0; i < c->nusers; i++)
		sec_clear(&c->users[i]);
	free(c->users);
	for (i = 0; i < c->nerrs; i++)
		free(c->errs[i].text);
	free(c->errs);
	free(c->name);
	free(c);
}

/* user_find - the user section named n[0, len), any case, or NULL */
static const struct conf_section *
user_find(const struct conf *c, const char *n, size_t len)
{
	size_t	 lo = 0, hi = c->nusers, mid;
	int	 d;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		d = strncasecmp(n, c->users[mid].name, len);
		if (d == 0 && c->users[mid].name[len] != '\0')
			d = -1;
		if (d == 0)
			return &c->users[mid];
		if (d < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

/* view_add - append a section to the chain, once */
static void
view_add(struct conf_view *v, const struct conf_section *s)
{
	size_t	 i;

	if (s == NULL || v->n == CONF_VIEWMAX)
		return;
	for (i = 0; i < v->n; i++)
		if (v->chain[i] == s)
			return;
	v->chain[v->n++] = s;
}

/* view_addr - the sections of an address or name: exact, then @domain */
static void
view_addr(struct conf_view *v, const char *a, int *found)
{
	const struct conf_section	*s;
	const char			*at;
	size_t				 len, n0 = v->n;

	if (a == NULL)
		return;
	len = strlen(a);
	if (len >= 2 && a[0] == '<' && a[len - 1] == '>') {
		a++;
		len -= 2;
	}
	if (len == 0)
		return;
	if ((s = user_find(v->conf, a, len)) != NULL)
		view_add(v, s);
	at = memchr(a, '@', len);
	if (at != NULL && at != a)
		view_add(v, user_find(v->conf, at, len - (at - a)));
	*found += v->n - n0;
}

/* conf_view - the lookup chain for a program and a recipient or user */
int
conf_view(const struct conf *c, struct conf_view *v, enum conf_sec prog,
    const char *rcpt, const char *user)
{
	int	 found = 0;

	memset(v, 0, sizeof(*v));
	v->conf = c;
	if (c == NULL)
		return 0;
	view_addr(v, rcpt, &found);
	view_addr(v, user, &found);
	if (prog > CONF_SEC_GLOBAL && prog < CONF_SEC_USER)
		view_add(v, &c->prog[prog]);
	view_add(v, &c->prog[CONF_SEC_GLOBAL]);
	return found;
}

/* lookup - the effective value of k, or NULL for a bad key or view */
static const struct conf_val *
lookup(const struct conf_view *v, enum conf_key k)
{
	const struct conf_section	*s;
	size_t				 i, j;

	if (v == NULL || v->conf == NULL || (unsigned)k >= CONF_NKEYS)
		return NULL;
	for (i = 0; i < v->n; i++) {
		s = v->chain[i];
		for (j = 0; j < s->nvals; j++)
			if (s->vals[j].key == k)
				return &s->vals[j];
	}
	return &v->conf->defs[k];
}

/* conf_get_str - the text of k's value */
const char *
conf_get_str(const struct conf_view *v, enum conf_key k)
{
	const struct conf_val	*x = lookup(v, k);

	return x != NULL && x->str != NULL ? x->str : "";
}

/* conf_get_int - the number of k's value */
int64_t
conf_get_int(const struct conf_view *v, enum conf_key k)
{
	const struct conf_val	*x = lookup(v, k);

	return x != NULL ? x->num : 0;
}

/* conf_get_bool - k as 0 or 1 */
int
conf_get_bool(const struct conf_view *v, enum conf_key k)
{
	return conf_get_int(v, k) != 0;
}

/* conf_get_size - k in bytes */
uint64_t
conf_get_size(const struct conf_view *v, enum conf_key k)
{
	int64_t	 n = conf_get_int(v, k);

	return n > 0 ? (uint64_t)n : 0;
}

/* conf_get_duration - k in milliseconds */
uint64_t
conf_get_duration(const struct conf_view *v, enum conf_key k)
{
	int64_t	 n = conf_get_int(v, k);

	return n > 0 ? (uint64_t)n : 0;
}

/* conf_get_enum - k's index among its words */
int
conf_get_enum(const struct conf_view *v, enum conf_key k)
{
	const struct conf_val	*x = lookup(v, k);

	if (x == NULL || conf_schema(k)->type != CONF_ENUM)
		return 0;
	return (int)x->num;
}

/* conf_get_list - k's items, NULL-terminated */
const char *const *
conf_get_list(const struct conf_view *v, enum conf_key k, size_t *n)
{
	static const char *const	 empty[1] = { NULL };
	const struct conf_val		*x = lookup(v, k);

	if (x == NULL || x->list == NULL) {
		if (n != NULL)
			*n = 0;
		return empty;
	}
	if (n != NULL)
		*n = x->nlist;
	return (const char *const *)x->list;
}

/* conf_get_line - where k's effective value was set; 0: the default */
unsigned
conf_get_line(const struct conf_view *v, enum conf_key k)
{
	const struct conf_val	*x = lookup(v, k);

	return x != NULL ? x->line : 0;
}

/* conf_key_find - the key named name, or -1 */
int
conf_key_find(const char *name)
{
	int	 k;

	for (k = 0; k < CONF_NKEYS; k++)
		if (strcmp(conf_schema(k)->name, name) == 0)
			return k;
	return -1;
}

/* conf_sec_find - the program section named name (any case), or -1 */
int
conf_sec_find(const char *name)
{
	int	 s;

	for (s = 0; s < CONF_SEC_USER; s++)
		if (strcasecmp(secnames[s], name) == 0)
			return s;
	return -1;
}

/* conf_sec_name - "global", "daemon", ..., "user" */
const char *
conf_sec_name(enum conf_sec s)
{
	return (unsigned)s < CONF_NSEC ? secnames[s] : "?";
}

/* conf_type_name - "string", "path", ... */
const char *
conf_type_name(enum conf_type t)
{
	if ((unsigned)t >= sizeof(typenames) / sizeof(typenames[0]))
		return "?";
	return typenames[t];
}
