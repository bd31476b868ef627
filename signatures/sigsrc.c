/*
 * sigsrc.c - ClamAV text databases, directories and containers
 *
 * DESCRIPTION
 *	Each source is split into lines and each line handed to the parser
 *	of its kind, which fills a transient struct hashsig or struct bodysig
 *	and adds it to the cset.  The parsers work on a private copy of the
 *	line, cut into fields in place.
 */
#include <sys/stat.h>

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <zlib.h>

#include "util/digest.h"
#include "util/path.h"
#include "av/averr.h"
#include "signatures/cvd.h"
#include "signatures/hexsig.h"
#include "signatures/lexpr.h"
#include "signatures/sigsrc.h"
#include "workers/filetype.h"

#define SRC_MAXFIELDS	(BODYSIG_MAXSUB + 8)
#define SRC_MAXFILE	(4ULL << 30)	/* a decompressed source */

struct tarctx {
	struct cset	*cs;
	const char	*container;
	int		 ign;		/* this pass: .ign/.ign2 only */
};

static int	 src_split(char *, int, char **, int);
static int	 src_u64(const char *, uint64_t *);
static int	 src_range(const char *, uint64_t *, uint64_t *);
static int	 src_flevel(struct cset *, const char *, const char *,
		    const char *, unsigned long);
static int	 src_hex(const char *, uint8_t *, size_t);
static int	 src_hash(struct cset *, int, const char *, unsigned long,
		    char *, const char *, size_t);
static int	 src_ignore(struct cset *, int, const char *, unsigned long,
		    char *);
static int	 src_ndb(struct cset *, const char *, unsigned long, char *,
		    const char *, size_t);
static int	 src_ldb(struct cset *, const char *, unsigned long, char *,
		    const char *, size_t);
static int	 src_line(struct cset *, int, const char *, unsigned long,
		    char *, const char *, size_t);
static int	 src_exeoff(const struct sigoff *, uint8_t);
static int	 src_name(const char *);
static int	 src_is_ign(const char *);
static int	 src_tdb(struct cset *, char *, struct bodysig *,
		    const char *, unsigned long);
static int	 src_subsig(struct cset *, char *, struct subsig *,
		    const char *, unsigned long, const char **);
static int	 src_add_body(struct cset *, struct bodysig *, const char *,
		    unsigned long);
static int	 src_lines(struct cset *, int, const char *, const uint8_t *,
		    size_t);
static int	 src_tar_member(void *, const char *, const uint8_t *, size_t);
static int	 src_gunzip(const uint8_t *, size_t, uint8_t **, size_t *);
static int	 src_readfile(const char *, uint8_t **, size_t *);
static int	 src_namecmp(const void *, const void *);

/* sigsrc_kind - kind of a source from its name */
int
sigsrc_kind(const char *name)
{
	static const struct {
		const char	*ext;
		int		 kind;
	} kinds[] = {
		{ "hdb", SRC_HDB }, { "hsb", SRC_HSB }, { "fp", SRC_FP },
		{ "sfp", SRC_SFP }, { "ndb", SRC_NDB }, { "ldb", SRC_LDB },
		{ "ign", SRC_IGN }, { "ign2", SRC_IGN2 }, { "cvd", SRC_CVD },
		{ "cld", SRC_CLD },
		{ "hdu", SRC_HDB | SRC_PUA }, { "hsu", SRC_HSB | SRC_PUA },
		{ "ndu", SRC_NDB | SRC_PUA }, { "ldu", SRC_LDB | SRC_PUA },
		{ "mdb", SRC_OTHER }, { "msb", SRC_OTHER },
		{ "mdu", SRC_OTHER }, { "msu", SRC_OTHER },
		{ "imp", SRC_OTHER }, { "cdb", SRC_OTHER },
		{ "crb", SRC_OTHER }, { "wdb", SRC_OTHER },
		{ "pdb", SRC_OTHER }, { "gdb", SRC_OTHER },
		{ "ftm", SRC_OTHER }, { "idb", SRC_OTHER },
		{ "cbc", SRC_OTHER }, { "yar", SRC_OTHER },
		{ "yara", SRC_OTHER }, { "cfg", SRC_OTHER },
		{ "hdbu", SRC_OTHER }, { "zmd", SRC_OTHER },
		{ "rmd", SRC_OTHER }, { "db", SRC_OTHER },
		{ "ldbu", SRC_OTHER }, { "ndbu", SRC_OTHER },
	};
	const char	*dot, *end;
	char		 ext[8];
	size_t		 len, i;

	len = strlen(name);
	end = name + len;
	if (len > 3 && strcmp(end - 3, ".gz") == 0)
		end -= 3;
	for (dot = end; dot > name && dot[-1] != '.' && dot[-1] != '/'; dot--)
		continue;
	if (dot == name || dot[-1] != '.' || (size_t)(end - dot) >= sizeof(ext))
		return SRC_NONE;
	for (i = 0; i < (size_t)(end - dot); i++)
		ext[i] = tolower((unsigned char)dot[i]);
	ext[i] = '\0';
	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (strcmp(ext, kinds[i].ext) == 0)
			return kinds[i].kind;
	return SRC_NONE;
}

/* src_split - cut s at sep into at most max fields; returns the count */
static int
src_split(char *s, int sep, char **f, int max)
{
	int	 n = 0;

	f[n++] = s;
	for (; *s != '\0'; s++)
		if (*s == sep) {
			if (n == max)
				return max + 1;
			*s = '\0';
			f[n++] = s + 1;
		}
	return n;
}

/* src_u64 - a decimal number, digits only */
static int
src_u64(const char *s, uint64_t *out)
{
	uint64_t	 v = 0;

	if (*s == '\0')
		return -1;
	for (; *s != '\0'; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		if (v > (UINT64_MAX - 9) / 10)
			return -1;
		v = v * 10 + (*s - '0');
	}
	*out = v;
	return 0;
}

/* src_range - "X-Y" or "X" */
static int
src_range(const char *s, uint64_t *min, uint64_t *max)
{
	char	 buf[64], *dash;

	if (strlen(s) >= sizeof(buf))
		return -1;
	snprintf(buf, sizeof(buf), "%s", s);
	if ((dash = strchr(buf, '-')) == NULL) {
		if (src_u64(buf, min) == -1)
			return -1;
		*max = *min;
		return 0;
	}
	*dash = '\0';
	if (src_u64(buf, min) == -1 || src_u64(dash + 1, max) == -1 ||
	    *max < *min)
		return -1;
	return 0;
}

/*
 * src_flevel - check optional min and max functionality levels; returns
 * 1 if the line is for another engine level (skipped), 0 if it is for us,
 * -1 if malformed (reported).
 */
static int
src_flevel(struct cset *cs, const char *min, const char *max,
    const char *file, unsigned long lineno)
{
	uint64_t	 lo = 0, hi = UINT64_MAX;
	uint32_t	 fl = cset_flevel(cs);

	if ((min != NULL && *min != '\0' && src_u64(min, &lo) == -1) ||
	    (max != NULL && *max != '\0' && src_u64(max, &hi) == -1)) {
		cset_skip(cs, CR_MALFORMED, file, lineno,
		    "bad functionality level");
		return -1;
	}
	if (lo > fl || hi < fl) {
		cset_skip(cs, CR_FLEVEL, file, lineno, NULL);
		return 1;
	}
	return 0;
}

/* src_hex - decode exactly n bytes of hex */
static int
src_hex(const char *s, uint8_t *out, size_t n)
{
	size_t	 i;
	int	 hi, lo;

	if (strlen(s) != 2 * n)
		return -1;
	for (i = 0; i < n; i++) {
		hi = isxdigit((unsigned char)s[2 * i]) ?
		    (isdigit((unsigned char)s[2 * i]) ? s[2 * i] - '0' :
		    tolower((unsigned char)s[2 * i]) - 'a' + 10) : -1;
		lo = isxdigit((unsigned char)s[2 * i + 1]) ?
		    (isdigit((unsigned char)s[2 * i + 1]) ? s[2 * i + 1] -
		    '0' : tolower((unsigned char)s[2 * i + 1]) - 'a' + 10) :
		    -1;
		if (hi < 0 || lo < 0)
			return -1;
		out[i] = hi << 4 | lo;
	}
	return 0;
}

/* src_hash - "hash:size:name[:min[:max]]" of .hdb .hsb .fp .sfp */
static int
src_hash(struct cset *cs, int kind, const char *file, unsigned long lineno,
    char *line, const char *orig, size_t origlen)
{
	struct hashsig	 h;
	char		*f[SRC_MAXFIELDS];
	size_t		 hl;
	uint64_t	 min;
	int		 n, r;

	n = src_split(line, ':', f, 5);
	if (n < 3 || n > 5) {
		cset_skip(cs, CR_MALFORMED, file, lineno,
		    "expected hash:size:name[:flevel[:flevel]]");
		return 0;
	}
	if ((r = src_flevel(cs, n > 3 ? f[3] : NULL, n > 4 ? f[4] : NULL,
	    file, lineno)) != 0)
		return 0;
	memset(&h, 0, sizeof(h));
	h.line = orig;
	h.linelen = origlen;
	/* every hash file takes MD5, SHA-1 or SHA-256, told by length */
	hl = strlen(f[0]);
	if (hl == 32)
		h.type = DIGEST_MD5;
	else if (hl == 40)
		h.type = DIGEST_SHA1;
	else if (hl == 64)
		h.type = DIGEST_SHA256;
	else {
		cset_skip(cs, CR_MALFORMED, file, lineno,
		    "hash of unexpected length");
		return 0;
	}
	if (src_hex(f[0], h.digest, hl / 2) == -1) {
		cset_skip(cs, CR_MALFORMED, file, lineno, "bad hex in hash");
		return 0;
	}
	if (strcmp(f[1], "*") == 0) {
		/* ClamAV: "*" needs a minimum functionality level of 73 */
		if (n < 4 || src_u64(f[3], &min) == -1 || min < 73) {
			cset_skip(cs, CR_MALFORMED, file, lineno,
			    "size \"*\" needs a functionality level of 73");
			return 0;
		}
		h.size = HASH_ANYSIZE;
	} else if (src_u64(f[1], &h.size) == -1 || h.size == HASH_ANYSIZE ||
	    h.size == 0) {
		cset_skip(cs, CR_MALFORMED, file, lineno, "bad file size");
		return 0;
	}
	if (!src_name(f[2])) {
		cset_skip(cs, CR_MALFORMED, file, lineno,
		    "bad name (printable ASCII, no spaces)");
		return 0;
	}
	h.name = f[2];
	h.fp = (kind == SRC_FP || kind == SRC_SFP);
	return cset_add_hash(cs, &h);
}

/* src_ignore - ".ign2": "Name[:md5]"; ".ign": "db:line:Name" */
static int
src_ignore(struct cset *cs, int kind, const char *file, unsigned long lineno,
    char *line)
{
	char	*f[4];
	uint8_t	 md5[16];
	int	 n;

	n = src_split(line, ':', f, 3);
	if (kind == SRC_IGN) {
		if (n != 3 || *f[2] == '\0') {
			cset_skip(cs, CR_MALFORMED, file, lineno,
			    "expected db:line:name");
			return 0;
		}
		return cset_add_ignore(cs, f[2], NULL);
	}
	if (n > 2 || *f[0] == '\0' || (n == 2 && src_hex(f[1], md5, 16) == -1)) {
		cset_skip(cs, CR_MALFORMED, file, lineno,
		    "expected name[:md5 of the signature line]");
		return 0;
	}
	return cset_add_ignore(cs, f[0], n == 2 ? md5 : NULL);
}

/* sigsrc_offset - parse an offset specification */
int
sigsrc_offset(const char *s, struct sigoff *off, const char **why)
{
	char		 buf[64], *comma, *p;
	uint64_t	 v, shift = 0, x;

	memset(off, 0, sizeof(*off));
	if (strcmp(s, "*") == 0) {
		off->kind = OFF_ANY;
		return 0;
	}
	if (strcmp(s, "VI") == 0)
		return 1;
	if (strlen(s) >= sizeof(buf)) {
		*why = "offset too long";
		return -1;
	}
	snprintf(buf, sizeof(buf), "%s", s);
	if ((comma = strchr(buf, ',')) != NULL) {
		*comma = '\0';
		if (src_u64(comma + 1, &shift) == -1 || shift > INT32_MAX) {
			*why = "bad offset shift";
			return -1;
		}
	}
	off->shift = (uint32_t)shift;
	if (strncmp(buf, "EOF-", 4) == 0) {
		off->kind = OFF_EOF;
		p = buf + 4;
	} else if (strncmp(buf, "EP+", 3) == 0 || strncmp(buf, "EP-", 3) == 0) {
		off->kind = OFF_EP;
		p = buf + 3;
	} else if (strncmp(buf, "SL+", 3) == 0) {
		off->kind = OFF_LAST;
		p = buf + 3;
	} else if (strncmp(buf, "SE", 2) == 0) {
		/* the whole section x, extended by the shift if any */
		off->kind = OFF_SE;
		if (src_u64(buf + 2, &x) == -1 || x > UINT16_MAX) {
			*why = "bad section number";
			return -1;
		}
		off->sect = (uint32_t)x;
		return 0;
	} else if (buf[0] == 'S') {
		if ((p = strchr(buf, '+')) == NULL) {
			*why = "Sx+n expected";
			return -1;
		}
		*p++ = '\0';
		if (src_u64(buf + 1, &x) == -1 || x > UINT16_MAX) {
			*why = "bad section number";
			return -1;
		}
		off->kind = OFF_SECT;
		off->sect = (uint32_t)x;
	} else {
		off->kind = OFF_ABS;
		p = buf;
	}
	if (src_u64(p, &v) == -1 || v > INT32_MAX) {
		*why = "bad offset";
		return -1;
	}
	off->n = (int64_t)v;
	if (off->kind == OFF_EP && buf[2] == '-')
		off->n = -off->n;
	return 0;
}

/* src_name - is a signature name acceptable: printable ASCII, no space */
static int
src_name(const char *name)
{
	if (*name == '\0' || strlen(name) >= 256)
		return 0;
	for (; *name != '\0'; name++)
		if (*name <= ' ' || *name > '~')
			return 0;
	return 1;
}

/* src_exeoff - is an offset usable for a target (EP, S*: executables) */
static int
src_exeoff(const struct sigoff *off, uint8_t target)
{
	switch (off->kind) {
	case OFF_EP:
	case OFF_SECT:
	case OFF_SE:
	case OFF_LAST:
		return target == 1 || target == 6 || target == 9;
	default:
		return 1;
	}
}

/* src_add_body - add a parsed signature, counting a refusal */
static int
src_add_body(struct cset *cs, struct bodysig *s, const char *file,
    unsigned long lineno)
{
	const char	*why = NULL;

	if (cset_add_body(cs, s, &why) == 0)
		return 0;
	if (errno == ENOMEM)
		return -1;
	cset_skip(cs, CR_NOANCHOR, file, lineno, why);
	return 0;
}

/* src_ndb - "Name:Target:Offset:Hex[:min[:max]]" */
static int
src_ndb(struct cset *cs, const char *file, unsigned long lineno, char *line,
    const char *orig, size_t origlen)
{
	struct bodysig	*s;
	char		*f[SRC_MAXFIELDS], msg[128];
	const char	*why = NULL;
	uint64_t	 t;
	int		 n, r, rc = 0;

	n = src_split(line, ':', f, 6);
	if (n < 4 || n > 6) {
		cset_skip(cs, CR_MALFORMED, file, lineno,
		    "expected name:target:offset:hex[:flevel[:flevel]]");
		return 0;
	}
	if (src_flevel(cs, n > 4 ? f[4] : NULL, n > 5 ? f[5] : NULL, file,
	    lineno) != 0)
		return 0;
	if ((s = calloc(1, sizeof(*s))) == NULL)
		return -1;
	s->kind = BODYSIG_NDB;
	s->name = f[0];
	s->line = orig;
	s->linelen = origlen;
	s->nsub = 1;
	s->sub[0].npat = 1;
	if (!src_name(f[0])) {
		cset_skip(cs, CR_MALFORMED, file, lineno,
		    "bad name (printable ASCII, no spaces)");
		goto done;
	}
	if (src_u64(f[1], &t) == -1 || t > 14) {
		cset_skip(cs, CR_MALFORMED, file, lineno, "bad target type");
		goto done;
	}
	s->target = (uint8_t)t;
	if ((r = sigsrc_offset(f[2], &s->sub[0].off, &why)) != 0) {
		if (r == 1)
			cset_skip(cs, CR_VI, file, lineno, NULL);
		else
			cset_skip(cs, CR_MALFORMED, file, lineno, why);
		goto done;
	}
	if (!src_exeoff(&s->sub[0].off, s->target)) {
		cset_skip(cs, CR_MALFORMED, file, lineno,
		    "EP and section offsets need target 1, 6 or 9");
		goto done;
	}
	if (hexsig_parse(f[3], strlen(f[3]), 0, &s->sub[0].pat[0], &why)
	    == -1) {
		snprintf(msg, sizeof(msg), "bad hex signature: %s", why);
		cset_skip(cs, CR_MALFORMED, file, lineno, msg);
		goto done;
	}
	rc = src_add_body(cs, s, file, lineno);
done:
	bodysig_clear(s);
	free(s);
	return rc;
}

/* src_tdb - the target description block of an .ldb line */
static int
src_tdb(struct cset *cs, char *tdb, struct bodysig *s, const char *file,
    unsigned long lineno)
{
	char		*f[32], *colon, *val, *gt;
	uint64_t	 lo, hi;
	int		 n, i, k;
	enum ftype	 ft;

	n = src_split(tdb, ',', f, 31);
	if (n > 31) {
		cset_skip(cs, CR_MALFORMED, file, lineno,
		    "too many target description items");
		return -1;
	}
	for (i = 0; i < n; i++) {
		if ((colon = strchr(f[i], ':')) == NULL) {
			cset_skip(cs, CR_MALFORMED, file, lineno,
			    "target description item without ':'");
			return -1;
		}
		*colon = '\0';
		val = colon + 1;
		if (strcmp(f[i], "Engine") == 0) {
			/* checked before the rest of the line */
		} else if (strcmp(f[i], "Target") == 0) {
			if (src_u64(val, &lo) == -1 || lo > 14) {
				cset_skip(cs, CR_MALFORMED, file, lineno,
				    "bad Target");
				return -1;
			}
			s->target = (uint8_t)lo;
			s->has_target = 1;
		} else if (strcmp(f[i], "FileSize") == 0) {
			if (src_range(val, &lo, &hi) == -1)
				goto badrange;
			s->tdb.flags |= TDB_FILESIZE;
			s->tdb.fsize_min = lo;
			s->tdb.fsize_max = hi;
		} else if (strcmp(f[i], "EntryPoint") == 0) {
			if (src_range(val, &lo, &hi) == -1)
				goto badrange;
			s->tdb.flags |= TDB_EP;
			s->tdb.ep_min = lo;
			s->tdb.ep_max = hi;
		} else if (strcmp(f[i], "NumberOfSections") == 0) {
			if (src_range(val, &lo, &hi) == -1 || hi > UINT32_MAX)
				goto badrange;
			s->tdb.flags |= TDB_NSECT;
			s->tdb.nsect_min = (uint32_t)lo;
			s->tdb.nsect_max = (uint32_t)hi;
		} else if (strcmp(f[i], "Container") == 0) {
			if ((ft = filetype_byname(val)) == FT_NONE) {
				cset_skip(cs, CR_UNSUPPORTED, file, lineno,
				    "unknown Container type");
				return -1;
			}
			s->tdb.flags |= TDB_CONTAINER;
			s->tdb.container = ft;
		} else if (strcmp(f[i], "Intermediates") == 0) {
			s->tdb.flags |= TDB_INTERMED;
			for (k = 0; val != NULL && *val != '\0'; k++) {
				if (k == TDB_MAXINTER) {
					cset_skip(cs, CR_MALFORMED, file,
					    lineno, "too many Intermediates");
					return -1;
				}
				if ((gt = strchr(val, '>')) != NULL)
					*gt++ = '\0';
				if ((ft = filetype_byname(val)) == FT_NONE) {
					cset_skip(cs, CR_UNSUPPORTED, file,
					    lineno, "unknown Intermediates type");
					return -1;
				}
				s->tdb.inter[k] = ft;
				val = gt;
			}
			s->tdb.ninter = k;
		} else if (strcmp(f[i], "IconGroup1") == 0 ||
		    strcmp(f[i], "IconGroup2") == 0) {
			cset_skip(cs, CR_ICON, file, lineno, NULL);
			return -1;
		} else {
			cset_skip(cs, CR_UNSUPPORTED, file, lineno, f[i]);
			return -1;
		}
	}
	return 0;
badrange:
	cset_skip(cs, CR_MALFORMED, file, lineno, "bad range");
	return -1;
}

/*
 * src_subsig - "[offset:]hex[::modifiers]"; returns 0, or -1 when the
 * line was counted as skipped.  The split follows ClamAV's loader: at most
 * five ':'-separated tokens; an even count starts with an offset; options
 * come from a three- or four-token split only (so "a::i*b::i" is "a").
 */
static int
src_subsig(struct cset *cs, char *str, struct subsig *ss, const char *file,
    unsigned long lineno, const char **why)
{
	char		*mods = NULL, *hex, *p, *f[6], msg[128];
	unsigned	 flags = 0;
	int		 n, r;

	if (strncmp(str, "${", 2) == 0) {
		cset_skip(cs, CR_MACRO, file, lineno, NULL);
		return -1;
	}
	if (strncmp(str, "fuzzy_img#", 10) == 0) {
		cset_skip(cs, CR_FUZZY, file, lineno, NULL);
		return -1;
	}
	if (strchr(str, '/') != NULL) {
		cset_skip(cs, CR_PCRE, file, lineno, NULL);
		return -1;
	}
	if (strchr(str, '#') != NULL) {
		cset_skip(cs, CR_BYTECMP, file, lineno, NULL);
		return -1;
	}
	if ((n = src_split(str, ':', f, 5)) > 5)
		n = 5;		/* the fifth token keeps the rest */
	if (n % 2 == 0) {
		if ((r = sigsrc_offset(f[0], &ss->off, why)) != 0) {
			if (r == 1)
				cset_skip(cs, CR_VI, file, lineno, NULL);
			else
				cset_skip(cs, CR_MALFORMED, file, lineno,
				    *why);
			return -1;
		}
		hex = f[1];
	} else
		hex = f[0];
	if (n == 3)
		mods = f[2];
	else if (n == 4)
		mods = f[3];
	for (p = mods; p != NULL && *p != '\0'; p++) {
		switch (*p) {
		case 'i':
			flags |= HEXF_NOCASE;
			break;
		case 'w':
			flags |= HEXF_WIDE;
			break;
		case 'f':
			flags |= HEXF_FULLWORD;
			break;
		case 'a':
			flags |= HEXF_ASCII;
			break;
		default:
			cset_skip(cs, CR_MALFORMED, file, lineno,
			    "unknown subsignature modifier");
			return -1;
		}
	}
	ss->npat = 1;
	if (hexsig_parse(hex, strlen(hex), flags & ~HEXF_ASCII, &ss->pat[0],
	    why) == -1)
		goto bad;
	if ((flags & HEXF_WIDE) && (flags & HEXF_ASCII)) {
		ss->npat = 2;
		if (hexsig_parse(hex, strlen(hex),
		    flags & ~(HEXF_ASCII | HEXF_WIDE), &ss->pat[1], why) == -1)
			goto bad;
	}
	return 0;
bad:
	snprintf(msg, sizeof(msg), "bad hex subsignature: %s", *why);
	cset_skip(cs, CR_MALFORMED, file, lineno, msg);
	return -1;
}

/* src_ldb - "Name;TDB;Expr;Sub0;Sub1;..." */
static int
src_ldb(struct cset *cs, const char *file, unsigned long lineno, char *line,
    const char *orig, size_t origlen)
{
	struct bodysig	*s = NULL;
	char		*f[SRC_MAXFIELDS], *eng, *end, *dash;
	const char	*why = NULL;
	char		 lv[32], msg[128];
	int		 n, i, r, rc = 0;

	n = src_split(line, ';', f, SRC_MAXFIELDS - 1);
	if (n < 4) {
		cset_skip(cs, CR_MALFORMED, file, lineno,
		    "expected name;target;expression;subsig...");
		return 0;
	}
	if (n - 3 > BODYSIG_MAXSUB) {
		cset_skip(cs, CR_MALFORMED, file, lineno,
		    "more than 64 subsignatures");
		return 0;
	}
	/*
	 * Functionality level first: "Engine:X-Y" should lead the block, but
	 * ClamAV finds it anywhere (its manual's own examples put it last).
	 */
	eng = NULL;
	if (strncmp(f[1], "Engine:", 7) == 0)
		eng = f[1] + 7;
	else if ((eng = strstr(f[1], ",Engine:")) != NULL)
		eng += 8;
	if (eng != NULL) {
		end = strchr(eng, ',');
		if ((end ? (size_t)(end - eng) : strlen(eng)) >= sizeof(lv)) {
			cset_skip(cs, CR_MALFORMED, file, lineno,
			    "bad Engine range");
			return 0;
		}
		memcpy(lv, eng, end ? (size_t)(end - eng) : strlen(eng));
		lv[end ? (size_t)(end - eng) : strlen(eng)] = '\0';
		if ((dash = strchr(lv, '-')) != NULL)
			*dash++ = '\0';
		if (src_flevel(cs, lv, dash, file, lineno) != 0)
			return 0;
	}
	if ((s = calloc(1, sizeof(*s))) == NULL)
		return -1;
	s->kind = BODYSIG_LDB;
	s->name = f[0];
	s->line = orig;
	s->linelen = origlen;
	if (!src_name(f[0])) {
		cset_skip(cs, CR_MALFORMED, file, lineno,
		    "bad name (printable ASCII, no spaces)");
		goto done;
	}
	if (src_tdb(cs, f[1], s, file, lineno) == -1)
		goto done;
	if (!s->has_target) {
		cset_skip(cs, CR_MALFORMED, file, lineno,
		    "no Target in the target description");
		goto done;
	}
	if ((s->tdb.flags & (TDB_EP | TDB_NSECT)) && s->target != 1 &&
	    s->target != 6 && s->target != 9) {
		cset_skip(cs, CR_MALFORMED, file, lineno,
		    "EntryPoint/NumberOfSections need target 1, 6 or 9");
		goto done;
	}
	s->nsub = n - 3;
	for (i = 0; i < n - 3; i++)
		if (src_subsig(cs, f[3 + i], &s->sub[i], file, lineno, &why)
		    == -1)
			goto done;
	for (i = 0; i < n - 3; i++)
		if (!src_exeoff(&s->sub[i].off, s->target)) {
			cset_skip(cs, CR_MALFORMED, file, lineno,
			    "EP and section offsets need target 1, 6 or 9");
			goto done;
		}
	if ((r = lexpr_compile(f[2], strlen(f[2]), s->nsub, &s->expr,
	    &s->exprlen, &s->exprflags, &s->exprcap, &why)) == -1) {
		snprintf(msg, sizeof(msg), "bad logical expression: %s", why);
		cset_skip(cs, CR_MALFORMED, file, lineno, msg);
		goto done;
	}
	if (lexpr_maxsub(s->expr, s->exprlen) + 1 != (int)s->nsub) {
		cset_skip(cs, CR_MALFORMED, file, lineno, "the number of "
		    "subsignatures does not match the logical expression");
		goto done;
	}
	rc = src_add_body(cs, s, file, lineno);
done:
	bodysig_clear(s);
	free(s);
	return rc;
}

/* sigsrc_line - parse and add one line of a kind */
int
sigsrc_line(struct cset *cs, int kind, const char *file, unsigned long lineno,
    char *line)
{
	char	*orig;
	int	 rc;

	if ((orig = strdup(line)) == NULL)
		return -1;
	rc = src_line(cs, kind, file, lineno, line, orig, strlen(orig));
	free(orig);
	return rc;
}

/* src_line - one line; orig is its text before it is cut into fields */
static int
src_line(struct cset *cs, int kind, const char *file, unsigned long lineno,
    char *line, const char *orig, size_t origlen)
{
	cset_stats_rw(cs)->lines++;
	switch (kind & ~SRC_PUA) {
	case SRC_HDB:
	case SRC_HSB:
	case SRC_FP:
	case SRC_SFP:
		return src_hash(cs, kind & ~SRC_PUA, file, lineno, line, orig,
		    origlen);
	case SRC_NDB:
		return src_ndb(cs, file, lineno, line, orig, origlen);
	case SRC_LDB:
		return src_ldb(cs, file, lineno, line, orig, origlen);
	case SRC_IGN:
	case SRC_IGN2:
		return src_ignore(cs, kind, file, lineno, line);
	default:
		cset_skip(cs, CR_FILETYPE, file, lineno, NULL);
		return 0;
	}
}

/* src_lines - every line of a text source */
static int
src_lines(struct cset *cs, int kind, const char *file, const uint8_t *data,
    size_t len)
{
	const uint8_t	*p = data, *end = data + len, *nl;
	char		*line = NULL, *q;
	size_t		 n, cap = 0;
	unsigned long	 lineno = 0;
	int		 rc = 0;

	while (p < end && !cset_failed(cs)) {
		lineno++;
		if ((nl = memchr(p, '\n', end - p)) == NULL)
			nl = end;
		n = nl - p;
		if (n > 0 && p[n - 1] == '\r')
			n--;
		if (n == 0 || p[0] == '#') {
			p = nl + 1;
			continue;
		}
		if (n + 1 > cap) {
			cap = n + 1;
			if ((q = realloc(line, cap)) == NULL) {
				rc = -1;
				break;
			}
			line = q;
		}
		memcpy(line, p, n);
		line[n] = '\0';
		if (memchr(line, '\0', n) != NULL)
			cset_skip(cs, CR_MALFORMED, file, lineno,
			    "NUL byte in line");
		else if ((kind & SRC_PUA) && !cset_pua(cs))
			cset_skip(cs, CR_PUA, file, lineno, NULL);
		else if (src_line(cs, kind, file, lineno, line, (const char *)p,
		    n) == -1) {
			rc = -1;
			break;
		}
		p = nl + 1;
	}
	free(line);
	if (rc == 0 && cset_failed(cs)) {
		errno = AV_ESYNTAX;
		return -1;
	}
	return rc;
}

/* src_tar_member - load one member of a container */
static int
src_tar_member(void *arg, const char *name, const uint8_t *data, size_t size)
{
	struct tarctx	*t = arg;
	char		 full[PATH_MAX];
	const char	*base;
	int		 kind;

	base = strrchr(name, '/') ? strrchr(name, '/') + 1 : name;
	kind = sigsrc_kind(base);
	if (kind == SRC_NONE || kind == SRC_CVD || kind == SRC_CLD)
		return 0;	/* COPYING, *.info, ... */
	if (t->ign != src_is_ign(base))
		return 0;	/* the other pass */
	if (path_fmt(full, sizeof(full), "%s:%s", t->container, base) == -1)
		return -1;
	cset_stats_rw(t->cs)->files++;
	if (src_lines(t->cs, kind, full, data, size) == -1)
		return -1;
	return 0;
}

/* src_gunzip - inflate a gzip buffer into a new one */
static int
src_gunzip(const uint8_t *in, size_t inlen, uint8_t **out, size_t *outlen)
{
	z_stream	 z;
	uint8_t		*buf = NULL, *nb;
	size_t		 cap = inlen * 4 + 4096, len = 0;
	int		 r;

	memset(&z, 0, sizeof(z));
	if (inflateInit2(&z, 16 + MAX_WBITS) != Z_OK) {
		errno = ENOMEM;
		return -1;
	}
	z.next_in = (uint8_t *)(uintptr_t)in;
	for (;;) {
		if (len == cap || buf == NULL) {
			if (buf != NULL)
				cap *= 2;
			if (cap > SRC_MAXFILE) {
				errno = AV_ELIMIT;
				goto fail;
			}
			if ((nb = realloc(buf, cap)) == NULL) {
				errno = ENOMEM;
				goto fail;
			}
			buf = nb;
		}
		if (z.avail_in == 0) {
			size_t	 consumed = (size_t)(z.next_in - in);
			size_t	 chunk = inlen - consumed;

			if (chunk > UINT32_MAX)
				chunk = UINT32_MAX;
			z.avail_in = (uInt)chunk;
		}
		z.next_out = buf + len;
		z.avail_out = (uInt)((cap - len) > UINT32_MAX ? UINT32_MAX :
		    cap - len);
		r = inflate(&z, Z_NO_FLUSH);
		len = (size_t)(z.next_out - buf);
		if (r == Z_STREAM_END)
			break;
		if (r != Z_OK && !(r == Z_BUF_ERROR && z.avail_out == 0)) {
			errno = AV_EGZIP;
			goto fail;
		}
		if (r == Z_BUF_ERROR && z.avail_in == 0 &&
		    (size_t)(z.next_in - in) == inlen) {
			errno = AV_EGZIP;	/* truncated */
			goto fail;
		}
	}
	inflateEnd(&z);
	*out = buf;
	*outlen = len;
	return 0;
fail:
	inflateEnd(&z);
	free(buf);
	return -1;
}

/* sigsrc_load_buffer - load a source held in memory */
int
sigsrc_load_buffer(struct cset *cs, const char *name, const uint8_t *data,
    size_t len)
{
	struct cvd_header	 h;
	struct tarctx		 t;
	uint8_t			*tar = NULL, *plain = NULL;
	size_t			 tarlen, plainlen;
	char			 inner[PATH_MAX];
	int			 kind, rc;

	kind = sigsrc_kind(name);
	if (kind == SRC_NONE) {
		errno = EINVAL;
		return -1;
	}
	if (strlen(name) > 3 && strcmp(name + strlen(name) - 3, ".gz") == 0) {
		if (src_gunzip(data, len, &plain, &plainlen) == -1)
			return -1;
		if (path_fmt(inner, sizeof(inner), "%.*s",
		    (int)(strlen(name) - 3), name) == -1) {
			free(plain);
			return -1;
		}
		rc = sigsrc_load_buffer(cs, inner, plain, plainlen);
		free(plain);
		return rc;
	}
	if (kind == SRC_CVD || kind == SRC_CLD) {
		/* a CLD written by freshclam has "X" for its MD5 */
		if (cvd_parse_header(data, len, &h) == -1 ||
		    cvd_open(data, len, h.md5[0] != '\0', &h, &tar, &tarlen)
		    == -1)
			return -1;
		/* a container's flevel is informational: lines say their
		 * own levels and are checked one by one */
		t.cs = cs;
		t.container = name;
		t.ign = 1;	/* ignore lists first, then the rest */
		if ((rc = tar_walk(tar, tarlen, src_tar_member, &t)) == 0) {
			t.ign = 0;
			rc = tar_walk(tar, tarlen, src_tar_member, &t);
		}
		free(tar);
		if (rc != 0 && errno != ENOMEM && errno != AV_ESYNTAX &&
		    errno != AV_ETAR)
			errno = AV_ETAR;
		return rc == 0 ? 0 : -1;
	}
	/* SRC_OTHER lines are counted as CR_FILETYPE by sigsrc_line() */
	cset_stats_rw(cs)->files++;
	return src_lines(cs, kind, name, data, len);
}

/* src_readfile - whole file into memory */
static int
src_readfile(const char *path, uint8_t **out, size_t *outlen)
{
	struct stat	 st;
	uint8_t		*buf;
	size_t		 off = 0;
	ssize_t		 r;
	int		 fd, saved;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return -1;
	if (fstat(fd, &st) == -1)
		goto fail;
	if (!S_ISREG(st.st_mode)) {
		errno = S_ISDIR(st.st_mode) ? EISDIR : EINVAL;
		goto fail;
	}
	if ((uint64_t)st.st_size > SRC_MAXFILE) {
		errno = AV_ELIMIT;
		goto fail;
	}
	if ((buf = malloc(st.st_size ? st.st_size : 1)) == NULL)
		goto fail;
	while (off < (size_t)st.st_size) {
		r = read(fd, buf + off, st.st_size - off);
		if (r == -1 && errno == EINTR)
			continue;
		if (r <= 0) {
			if (r == 0)
				errno = EIO;
			free(buf);
			goto fail;
		}
		off += r;
	}
	close(fd);
	*out = buf;
	*outlen = off;
	return 0;
fail:
	saved = errno;
	close(fd);
	errno = saved;
	return -1;
}

/* src_is_ign - is a source an ignore list (.ign, .ign2, maybe .gz) */
static int
src_is_ign(const char *name)
{
	int	 k = sigsrc_kind(name);

	return k == SRC_IGN || k == SRC_IGN2;
}

/* src_namecmp - order directory entries: ignore lists first, then names */
static int
src_namecmp(const void *a, const void *b)
{
	const char	*x = *(char *const *)a, *y = *(char *const *)b;

	if (src_is_ign(x) != src_is_ign(y))
		return src_is_ign(x) ? -1 : 1;
	return strcmp(x, y);
}

/* sigsrc_load_path - a file, or the recognised files of a directory */
int
sigsrc_load_path(struct cset *cs, const char *path)
{
	struct stat	 st;
	DIR		*d;
	struct dirent	*de;
	char		**names = NULL, **nn, full[PATH_MAX];
	size_t		 n = 0, cap = 0, i;
	uint8_t		*data;
	size_t		 len;
	int		 rc = 0, saved;

	if (stat(path, &st) == -1)
		return -1;
	if (!S_ISDIR(st.st_mode)) {
		if (sigsrc_kind(path) == SRC_NONE) {
			errno = EINVAL;
			return -1;
		}
		if (src_readfile(path, &data, &len) == -1)
			return -1;
		rc = sigsrc_load_buffer(cs, path, data, len);
		saved = errno;
		free(data);
		errno = saved;
		return rc;
	}
	if ((d = opendir(path)) == NULL)
		return -1;
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.' || sigsrc_kind(de->d_name) == SRC_NONE)
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 16;
			if ((nn = reallocarray(names, cap, sizeof(*nn)))
			    == NULL) {
				rc = -1;
				goto done;
			}
			names = nn;
		}
		if ((names[n] = strdup(de->d_name)) == NULL) {
			rc = -1;
			goto done;
		}
		n++;
	}
	qsort(names, n, sizeof(*names), src_namecmp);
	for (i = 0; i < n && rc == 0; i++) {
		if (path_join(full, sizeof(full), path, names[i]) == -1) {
			rc = -1;
			break;
		}
		if (stat(full, &st) == -1 || !S_ISREG(st.st_mode))
			continue;
		rc = sigsrc_load_path(cs, full);
	}
done:
	saved = errno;
	closedir(d);
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	errno = saved;
	return rc;
}
