/*
 * pipeline.c - one input through unpacking, decoding and the matcher
 *
 * DESCRIPTION
 *	pipeline_run() walks the tree of objects an input wraps, depth
 *	first, with an explicit budget (struct walk) shared by the whole
 *	input: bytes examined, objects, time.  Each object is matched as it
 *	is, then opened by the first handler that knows its type: archives
 *	and compressed streams, mail, BinHex files, uuencode or BinHex inside
 *	text.  Children are decoded into buffers owned by the level that
 *	made them; the recursion is bounded by max_depth.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "util/buf.h"
#include "av/averr.h"
#include "workers/archive.h"
#include "workers/decode.h"
#include "workers/exeinfo.h"
#include "workers/filetype.h"
#include "workers/legacy.h"
#include "workers/mime.h"
#include "workers/pdf.h"
#include "workers/pipeline.h"

#define PL_MAXNORM	(64U << 20)	/* normalise at most this much text */
#define PL_MAXPATH	4096		/* object paths are cut here */
#define PL_MAXCHAIN	64

struct pipeline {
	struct matcher	*m;
	uint8_t		*norm;
	size_t		 normcap;
	struct exeinfo	 exe;
};

/* The budget and state of one input's walk. */
struct walk {
	struct pipeline			*pl;
	const struct scan_limits	*lim;
	unsigned			 flags;
	struct verdict			*v;
	uint64_t			 scanned;
	uint32_t			 files;
	struct timespec			 t0;
	int				 stop;		/* done: found, or time */
	int				 full;		/* max_files reached */
	int				 err;		/* errno of a failure */
	uint16_t			 chain[PL_MAXCHAIN];
	uint32_t			 nchain;
};

/* What an archive member callback needs to go on walking. */
struct arcctx {
	struct walk	*w;
	uint32_t	 parent;
	const char	*path;
	int		 depth;
	enum ftype	 ft;
	const char	*stem;		/* compressed stream: child's name */
	const struct arc_limits *al;
	uint32_t	 nenc;		/* encrypted members reported */
};

static size_t	 pl_normalise(struct pipeline *, const uint8_t *, size_t,
		    int);
static int	 pl_has(const struct match_result *, const char *);
static int	 pl_match(struct pipeline *, const uint8_t *, size_t,
		    enum ftype, const uint16_t *, uint32_t, unsigned,
		    struct match_result *);
static int	 walk_timeout(struct walk *);
static void	 walk_fail(struct walk *, int);
static void	 walk_limit(struct walk *, uint32_t, const char *);
static void	 walk_object(struct walk *, const uint8_t *, size_t, uint32_t,
		    const char *, int, const char *);
static void	 walk_children(struct walk *, const uint8_t *, size_t,
		    uint32_t, const char *, int, enum ftype);
static void	 walk_archive(struct walk *, const uint8_t *, size_t,
		    uint32_t, const char *, int, enum ftype);
static int	 walk_member(void *, const struct arc_entry *);
static void	 walk_mail(struct walk *, const uint8_t *, size_t, uint32_t,
		    const char *, int);
static int	 walk_mbox_msg(void *, size_t, size_t);
static void	 walk_message(struct walk *, const uint8_t *, size_t,
		    uint32_t, const char *, int);
static void	 walk_text(struct walk *, const uint8_t *, size_t, uint32_t,
		    const char *, int);
static void	 walk_datauri(struct walk *, const uint8_t *, size_t,
		    uint32_t, const char *, int);
static void	 walk_child(struct walk *, const uint8_t *, size_t, uint32_t,
		    const char *, const char *, int, const char *);
static void	 part_name(const struct mime_msg *, uint32_t, char *, size_t);
static void	 child_path(char *, size_t, const char *, const char *);
static const char *stream_stem(const char *, char *, size_t);

/* pipeline_new - a pipeline over a set of modules */
struct pipeline *
pipeline_new(const struct vmod_view *const *mods, size_t nmods)
{
	struct pipeline	*pl;

	if ((pl = calloc(1, sizeof(*pl))) == NULL)
		return NULL;
	if ((pl->m = matcher_new(mods, nmods)) == NULL) {
		free(pl);
		return NULL;
	}
	return pl;
}

/* pipeline_free - release */
void
pipeline_free(struct pipeline *pl)
{
	if (pl == NULL)
		return;
	matcher_free(pl->m);
	free(pl->norm);
	free(pl);
}

/* scan_limits_default - safe limits, close to ClamAV's defaults */
void
scan_limits_default(struct scan_limits *lim)
{
	memset(lim, 0, sizeof(*lim));
	lim->max_depth = 16;
	lim->max_scansize = 400ULL << 20;
	lim->max_files = 10000;
	lim->max_filesize = 100ULL << 20;
	lim->max_ratio = 1000;
	lim->max_time = 120000;
}

/*
 * pl_normalise - lowercase copy of text; for HTML, whitespace runs become
 * one space.  Returns the length, 0 if memory ran short.
 */
static size_t
pl_normalise(struct pipeline *pl, const uint8_t *buf, size_t len, int html)
{
	size_t	 i, n = 0;
	uint8_t	*p, c;
	int	 space = 0;

	if (len > PL_MAXNORM)
		len = PL_MAXNORM;
	if (len > pl->normcap) {
		if ((p = realloc(pl->norm, len)) == NULL)
			return 0;
		pl->norm = p;
		pl->normcap = len;
	}
	for (i = 0; i < len; i++) {
		c = buf[i];
		if (html && (c == ' ' || c == '\t' || c == '\r' || c == '\n' ||
		    c == '\f' || c == '\v')) {
			if (space)
				continue;
			space = 1;
			c = ' ';
		} else {
			space = 0;
			if (c >= 'A' && c <= 'Z')
				c += 32;
		}
		pl->norm[n++] = c;
	}
	return n;
}

/* pl_has - is a name among the results */
static int
pl_has(const struct match_result *r, const char *name)
{
	uint32_t	 i;

	for (i = 0; i < r->nhits; i++)
		if (strcmp(r->hits[i].name, name) == 0)
			return 1;
	return 0;
}

/*
 * pl_match - match one object of type ft as it is: raw bytes with its
 * target group, text and HTML also normalised; chain: the container types
 * above it
 */
static int
pl_match(struct pipeline *pl, const uint8_t *buf, size_t len, enum ftype ft,
    const uint16_t *chain, uint32_t nchain, unsigned flags,
    struct match_result *r)
{
	struct match_result	 r2;
	struct scan_target	 t;
	size_t			 nlen, i;
	int			 target, n, k;

	memset(&t, 0, sizeof(t));
	target = filetype_target(ft);
	t.ftype = ft;
	t.group = matcher_group(target, 0);
	t.chain = chain;
	t.nchain = nchain;
	if ((ft == FT_PE || ft == FT_ELF || ft == FT_MACHO) &&
	    exeinfo_parse(buf, len, ft, &pl->exe) == 0)
		t.exe = &pl->exe;
	if ((n = matcher_scan(pl->m, buf, len, &t, flags, r)) == -1)
		return -1;
	if ((n > 0 && !(flags & MATCH_ALL)) || r->allowlisted ||
	    !filetype_is_text(ft) || matcher_group(target, 1) < 0)
		return n;
	nlen = pl_normalise(pl, buf, len, target == 3);
	if (nlen == 0 && len > 0) {
		errno = ENOMEM;
		return -1;
	}
	/* the copy is not the object: the allow-list is asked about buf */
	t.group = matcher_group(target, 1);
	if ((k = matcher_scan(pl->m, pl->norm, nlen, &t,
	    flags | MATCH_NOHASH | MATCH_NOFP, &r2)) == -1)
		return -1;
	r->verifies += r2.verifies;
	r->steps += r2.steps;
	r->exhausted += r2.exhausted;
	if (k == 0)
		return n;
	if (n == 0) {
		if ((k = matcher_allowlisted(pl->m, buf, len)) == -1)
			return -1;
		if (k == 1) {
			r->allowlisted = 1;
			return 0;
		}
	}
	for (i = 0; i < r2.nhits && r->nhits < MATCH_MAXHITS; i++)
		if (!pl_has(r, r2.hits[i].name))
			r->hits[r->nhits++] = r2.hits[i];
	return (int)r->nhits;
}

/* pipeline_scan - match one object as it is */
int
pipeline_scan(struct pipeline *pl, const uint8_t *buf, size_t len,
    unsigned flags, struct match_result *r)
{
	return pl_match(pl, buf, len, filetype_detect(buf, len), NULL, 0,
	    flags, r);
}

/* walk_timeout - has the input used up its time */
static int
walk_timeout(struct walk *w)
{
	struct timespec	 now;
	uint64_t	 ms;

	if (w->lim->max_time == 0)
		return 0;
	clock_gettime(CLOCK_MONOTONIC, &now);
	ms = (uint64_t)(now.tv_sec - w->t0.tv_sec) * 1000 +
	    (now.tv_nsec - w->t0.tv_nsec) / 1000000;
	return ms > w->lim->max_time;
}

/* walk_fail - memory ran out (or the like): stop, keep what was found */
static void
walk_fail(struct walk *w, int err)
{
	if (w->err == 0)
		w->err = err;
	w->stop = 1;
}

/*
 * walk_limit - an object was not (wholly) scanned; with heuristics the
 * limit counts as a detection too
 */
static void
walk_limit(struct walk *w, uint32_t obj, const char *reason)
{
	char	 name[64];
	uint16_t t;

	if (verdict_notscanned(w->v, obj, reason) == -1) {
		walk_fail(w, errno);
		return;
	}
	if (!w->lim->heuristics)
		return;
	if (strcmp(reason, "encrypted") == 0) {
		/* a member is named after its archive's format */
		t = w->v->obj[obj].type;
		if (t != FT_ZIP && t != FT_7Z && t != FT_RAR &&
		    w->v->obj[obj].parent != UINT32_MAX)
			t = w->v->obj[w->v->obj[obj].parent].type;
		switch (t) {
		case FT_ZIP:
			snprintf(name, sizeof(name), "Heuristics.Encrypted.Zip");
			break;
		case FT_7Z:
			snprintf(name, sizeof(name), "Heuristics.Encrypted.7Zip");
			break;
		case FT_RAR:
			snprintf(name, sizeof(name), "Heuristics.Encrypted.RAR");
			break;
		default:
			snprintf(name, sizeof(name), "Heuristics.Encrypted");
		}
	} else if (strncmp(reason, "limit:", 6) == 0)
		snprintf(name, sizeof(name), "Heuristics.Limits.Exceeded");
	else
		return;
	if (verdict_infected(w->v, obj, name) == -1)
		walk_fail(w, errno);
	else if (!(w->flags & MATCH_ALL))
		w->stop = 1;
}

/* child_path - "parent/name", cut at PL_MAXPATH */
static void
child_path(char *out, size_t len, const char *parent, const char *name)
{
	int	 n;

	n = snprintf(out, len, "%s/%s", parent, name);
	if (n < 0 || (size_t)n >= len)
		out[len - 1] = '\0';
}

/*
 * walk_object - one object: count it against the budget, match it, open
 * it if it wraps others.  parent is its parent's index (UINT32_MAX for the
 * input), depth its nesting; partial, if not NULL, says why buf is only
 * the first part of the object.
 */
static void
walk_object(struct walk *w, const uint8_t *buf, size_t len, uint32_t parent,
    const char *path, int depth, const char *partial)
{
	const struct scan_limits *lim = w->lim;
	struct match_result	 r;
	enum ftype		 ft;
	uint32_t		 i;
	size_t			 scan = len;
	int			 obj;

	if (w->stop || w->full)
		return;
	ft = filetype_detect(buf, len);
	if ((obj = verdict_object(w->v, parent, path, (uint16_t)depth, ft,
	    len)) == -1) {
		walk_fail(w, errno);
		return;
	}
	if (partial != NULL)
		walk_limit(w, obj, partial);
	if (lim->max_files && ++w->files > lim->max_files) {
		/* the first object too many says so; the others are not made */
		walk_limit(w, obj, "limit: files");
		w->full = 1;
		return;
	}
	if (walk_timeout(w)) {
		walk_limit(w, obj, "limit: time");
		w->stop = 1;
		return;
	}
	if (lim->max_filesize && scan > lim->max_filesize) {
		scan = lim->max_filesize;
		walk_limit(w, obj, "limit: file size");
	}
	if (lim->max_scansize && w->scanned + scan > lim->max_scansize) {
		walk_limit(w, obj, "limit: scan size");
		return;
	}
	w->scanned += scan;

	if (pl_match(w->pl, buf, scan, ft, w->chain, w->nchain, w->flags,
	    &r) == -1) {
		walk_fail(w, errno);
		return;
	}
	for (i = 0; i < r.nhits; i++)
		if (verdict_infected(w->v, obj, r.hits[i].name) == -1) {
			walk_fail(w, errno);
			return;
		}
	if (r.nhits > 0 && !(w->flags & MATCH_ALL)) {
		w->stop = 1;
		return;
	}
	if (r.allowlisted)
		return;		/* known to be clean, contents and all */
	walk_children(w, buf, scan, obj, path, depth, ft);
}

/* walk_children - open an object that wraps others */
static void
walk_children(struct walk *w, const uint8_t *buf, size_t len, uint32_t obj,
    const char *path, int depth, enum ftype ft)
{
	int	 wraps = arc_handles(ft) || legacy_handles(ft) ||
		    ft == FT_PDF || ft == FT_MAIL || ft == FT_BINHEX;

	if (w->stop)
		return;
	size_t	 at;
	char	 name[8];

	if (!wraps && !filetype_is_text(ft))
		return;
	if (w->lim->max_depth && (uint32_t)depth >= w->lim->max_depth) {
		/* text is a wrapper only if it holds something to decode */
		if (wraps || uu_find(buf, len, &at, name, sizeof(name)) ||
		    binhex_find(buf, len, &at))
			walk_limit(w, obj, "limit: recursion");
		return;
	}
	if (w->nchain >= PL_MAXCHAIN) {
		walk_limit(w, obj, "limit: recursion");
		return;
	}
	/* an allow-listed container vouches for everything it holds */
	switch (matcher_allowlisted(w->pl->m, buf, len)) {
	case -1:
		walk_fail(w, errno);
		return;
	case 1:
		return;
	}
	w->chain[w->nchain++] = ft;
	if (arc_handles(ft) || legacy_handles(ft) || ft == FT_PDF)
		walk_archive(w, buf, len, obj, path, depth, ft);
	else if (ft == FT_MAIL)
		walk_mail(w, buf, len, obj, path, depth);
	else {
		if (ft == FT_HTML)
			walk_datauri(w, buf, len, obj, path, depth);
		walk_text(w, buf, len, obj, path, depth);
	}
	w->nchain--;
}

/* stream_stem - a compressed stream's content name: "x.exe.gz" -> x.exe */
static const char *
stream_stem(const char *path, char *out, size_t len)
{
	static const char	*sfx[] = { ".gz", ".tgz", ".bz2", ".xz", ".lzma",
				    ".zst", ".lz4", ".Z", ".z", ".szdd" };
	const char		*base = strrchr(path, '/');
	size_t			 n, k, i;

	base = base ? base + 1 : path;
	n = strlen(base);
	for (i = 0; i < sizeof(sfx) / sizeof(sfx[0]); i++) {
		k = strlen(sfx[i]);
		if (n > k && strcmp(base + n - k, sfx[i]) == 0) {
			snprintf(out, len, "%.*s", (int)(n - k), base);
			return out;
		}
	}
	return "-";
}

/* walk_archive - every member of an archive or compressed stream */
static void
walk_archive(struct walk *w, const uint8_t *buf, size_t len, uint32_t obj,
    const char *path, int depth, enum ftype ft)
{
	const struct scan_limits *lim = w->lim;
	struct arc_limits	 al;
	struct arc_result	 res;
	struct arcctx		 ax;
	char			 stem[256];
	int			 rc;

	memset(&al, 0, sizeof(al));
	al.max_entry = lim->max_filesize;
	if (lim->max_scansize)
		al.max_total = lim->max_scansize > w->scanned ?
		    lim->max_scansize - w->scanned : 1;
	if (lim->max_files)
		al.max_entries = lim->max_files > w->files ?
		    lim->max_files - w->files : 1;
	al.max_ratio = lim->max_ratio;
	ax.w = w;
	ax.parent = obj;
	ax.path = path;
	ax.depth = depth;
	ax.ft = ft;
	ax.stem = stream_stem(path, stem, sizeof(stem));
	ax.al = &al;
	ax.nenc = 0;
	if (arc_handles(ft))
		rc = arc_walk(buf, len, &al, walk_member, &ax, &res);
	else if (ft == FT_PDF)
		rc = pdf_walk(buf, len, &al, walk_member, &ax, &res);
	else
		rc = legacy_walk(ft, buf, len, &al, walk_member, &ax, &res);
	if (rc == -1) {
		walk_fail(w, errno);
		return;
	}
	switch (res.status) {
	case ARC_OK:
	case ARC_STOPPED:
		break;
	case ARC_ENCRYPTED:
		/* said of the members already, unless none could be listed */
		if (ax.nenc == 0)
			walk_limit(w, obj, "encrypted");
		break;
	case ARC_CORRUPT:
		walk_limit(w, obj, res.reason[0] ? res.reason : "corrupt");
		break;
	case ARC_LIMIT_ENTRIES:
		walk_limit(w, obj, "limit: files");
		break;
	case ARC_LIMIT_TOTAL:
		walk_limit(w, obj, "limit: scan size");
		break;
	case ARC_LIMIT_RATIO:
		walk_limit(w, obj, "limit: compression ratio");
		break;
	}
}

/* walk_member - one member of an archive */
static int
walk_member(void *arg, const struct arc_entry *e)
{
	struct arcctx	*ax = arg;
	struct walk	*w = ax->w;
	char		 path[PL_MAXPATH];
	const char	*why;
	int		 obj, inner;

	if (w->stop)
		return 1;
	child_path(path, sizeof(path), ax->path, e->name[0] ? e->name :
	    ax->stem);
	if (e->encrypted) {
		if (w->full)
			return 1;
		w->files++;
		if ((obj = verdict_object(w->v, ax->parent, path,
		    (uint16_t)(ax->depth + 1), FT_BINARY, 0)) == -1) {
			walk_fail(w, errno);
			return 1;
		}
		walk_limit(w, obj, "encrypted");
		ax->nenc++;
		return w->stop;
	}
	/* a member is cut by its own size, the input's budget, or as a bomb */
	why = NULL;
	if (e->truncated) {
		if (ax->al->max_entry && e->len >= ax->al->max_entry)
			why = "limit: file size";
		else if (ax->al->max_total && w->scanned + e->len >=
		    w->lim->max_scansize)
			why = "limit: scan size";
		else
			why = "limit: compression ratio";
	}
	/* a member of a .tar.gz has the tar above it too */
	inner = e->container != FT_NONE && e->container != ax->ft &&
	    w->nchain < PL_MAXCHAIN;
	if (inner)
		w->chain[w->nchain++] = e->container;
	walk_child(w, e->data, e->len, ax->parent, ax->path,
	    e->name[0] ? e->name : ax->stem, ax->depth, why);
	if (inner)
		w->nchain--;
	return w->stop;
}

/*
 * walk_child - an object made from its parent (a member, a part, a
 * decoded blob), one level deeper
 */
static void
walk_child(struct walk *w, const uint8_t *buf, size_t len, uint32_t parent,
    const char *ppath, const char *name, int depth, const char *partial)
{
	char	 path[PL_MAXPATH];

	child_path(path, sizeof(path), ppath, name);
	walk_object(w, buf, len, parent, path, depth + 1, partial);
}

/* The messages of an mbox, as children when there are several. */
struct mboxctx {
	struct walk	*w;
	const uint8_t	*buf;
	uint32_t	 parent;
	const char	*path;
	int		 depth;
	uint32_t	 n;
	size_t		 whole;
};

/* walk_mbox_msg - one message of an mbox */
static int
walk_mbox_msg(void *arg, size_t off, size_t len)
{
	struct mboxctx	*mc = arg;
	char		 name[32];

	if (mc->w->stop)
		return 1;
	if (off == 0 && len == mc->whole) {
		/* one message: its parts are the object's children */
		walk_message(mc->w, mc->buf, len, mc->parent, mc->path,
		    mc->depth);
		return mc->w->stop;
	}
	snprintf(name, sizeof(name), "%u", ++mc->n);
	walk_child(mc->w, mc->buf + off, len, mc->parent, mc->path, name,
	    mc->depth, NULL);
	return mc->w->stop;
}

/* walk_mail - a message, or the messages of an mbox */
static void
walk_mail(struct walk *w, const uint8_t *buf, size_t len, uint32_t obj,
    const char *path, int depth)
{
	struct mboxctx	 mc;

	memset(&mc, 0, sizeof(mc));
	mc.w = w;
	mc.buf = buf;
	mc.parent = obj;
	mc.path = path;
	mc.depth = depth;
	mc.whole = len;
	if (mbox_walk(buf, len, walk_mbox_msg, &mc) == -1)
		walk_fail(w, errno);
}

/*
 * part_name - a part's name relative to its message: its number (and
 * file name) after those of its ancestors; a forwarded message adds no
 * name of its own (its parts follow the message/rfc822 part's)
 */
static void
part_name(const struct mime_msg *m, uint32_t i, char *out, size_t len)
{
	uint32_t	 chain[128], n = 0, j, k;
	size_t		 at = 0;
	int		 r;

	for (j = i; j != 0 && j < m->nparts && n < 128; j = m->parts[j].parent)
		chain[n++] = j;
	if (n == 0)
		chain[n++] = 0;		/* a message that is not multipart */
	out[0] = '\0';
	for (k = n; k-- > 0 && at < len;) {
		const struct mime_part	*p = &m->parts[chain[k]];

		if (p->parent < m->nparts &&
		    (m->parts[p->parent].flags & MIME_F_MESSAGE))
			continue;	/* the enclosed message itself */
		r = snprintf(out + at, len - at, "%s%u%s%s", at ? "/" : "",
		    p->number, p->filename[0] ? ":" : "", p->filename);
		if (r < 0 || (size_t)r >= len - at)
			break;
		at += r;
	}
}

/*
 * walk_message - the parts of one message: every part with content is a
 * child, its transfer encoding decoded; multiparts and forwarded-message
 * wrappers only lend their numbers to their children's names
 */
static void
walk_message(struct walk *w, const uint8_t *buf, size_t len, uint32_t obj,
    const char *path, int depth)
{
	struct mime_limits	 ml;
	struct mime_msg		 m;
	struct mime_part	*p;
	struct buf		 dec;
	char			 name[PL_MAXPATH / 2];
	const char		*partial;
	uint32_t		 i;

	memset(&ml, 0, sizeof(ml));
	ml.max_decoded = w->lim->max_filesize;
	if (mime_parse(buf, len, &ml, &m) == -1) {
		walk_fail(w, errno);
		return;
	}
	if (m.flags & MIME_MSG_LIMIT)
		walk_limit(w, obj, "limit: mail parts");
	buf_init(&dec);
	for (i = 0; i < m.nparts && !w->stop; i++) {
		p = &m.parts[i];
		if (p->flags & (MIME_F_MULTIPART | MIME_F_MESSAGE))
			continue;
		dec.len = 0;
		partial = NULL;
		if (mime_decode(buf, len, p, &ml, &dec) == -1) {
			if (errno != AV_ELIMIT) {
				walk_fail(w, errno);
				break;
			}
			partial = "limit: file size";
		}
		part_name(&m, i, name, sizeof(name));
		walk_child(w, dec.data ? dec.data : (const uint8_t *)"",
		    dec.len, obj, path, name, depth, partial);
	}
	buf_clear(&dec);
	mime_free(&m);
}

/*
 * walk_text - uuencoded and BinHex data in text, and BinHex files: each
 * decoded blob is a child named as its header says
 */
static void
walk_text(struct walk *w, const uint8_t *buf, size_t len, uint32_t obj,
    const char *path, int depth)
{
	struct buf	 dec;
	char		 name[256];
	size_t		 off = 0, at, used;
	int		 rc;

	buf_init(&dec);
	/* uuencode: "begin 644 name" ... "end", possibly several */
	while (!w->stop && off < len && uu_find(buf + off, len - off, &at,
	    name, sizeof(name))) {
		dec.len = 0;
		used = 0;
		rc = uu_decode(buf + off + at, len - off - at, &dec,
		    w->lim->max_filesize, &used);
		if (rc == -1 && errno != AV_ELIMIT) {
			walk_fail(w, errno);
			break;
		}
		if (dec.len > 0)
			walk_child(w, dec.data, dec.len, obj, path,
			    name[0] ? name : "uuencoded", depth, rc == -1 ?
			    "limit: file size" : NULL);
		off += at + (used > 0 ? used : 1);
	}
	/* BinHex 4.0 */
	if (!w->stop && binhex_find(buf, len, &at)) {
		dec.len = 0;
		name[0] = '\0';
		rc = binhex_decode(buf + at, len - at, &dec,
		    w->lim->max_filesize, name, sizeof(name));
		if (rc == -1 && errno != AV_ELIMIT)
			walk_fail(w, errno);
		else if (dec.len > 0)
			walk_child(w, dec.data, dec.len, obj, path,
			    name[0] ? name : "binhex", depth, rc == -1 ?
			    "limit: file size" : NULL);
	}
	buf_clear(&dec);
}

/*
 * walk_datauri - the base64 data: URIs of HTML (<a href="data:...;base64,
 * ...">, <img src=...>): each decoded payload is a child "data:N"
 */
static void
walk_datauri(struct walk *w, const uint8_t *buf, size_t len, uint32_t obj,
    const char *path, int depth)
{
	static const char	 tag[] = ";base64,";
	const uint8_t		*p, *at = buf, *end = buf + len, *q;
	struct buf		 dec;
	char			 name[32];
	unsigned		 n = 0;
	int			 rc;

	buf_init(&dec);
	while (!w->stop && (p = memmem(at, (size_t)(end - at), tag,
	    sizeof(tag) - 1)) != NULL) {
		/* only a data: URI's parameters may come before the tag */
		for (q = p; q > at && q > p - 256 && q[-1] != ':' &&
		    q[-1] != '"' && q[-1] != '\'' && q[-1] != '<'; q--)
			continue;
		at = p + sizeof(tag) - 1;
		if (q - buf < 5 || strncasecmp((const char *)q - 5, "data:",
		    5) != 0)
			continue;
		for (q = at; q < end && (isalnum(*q) || *q == '+' ||
		    *q == '/' || *q == '=' || *q == '\r' || *q == '\n' ||
		    *q == ' ' || *q == '\t'); q++)
			continue;
		if (q == at)
			continue;
		dec.len = 0;
		rc = b64_decode(at, (size_t)(q - at), &dec,
		    w->lim->max_filesize);
		if (rc == -1 && errno != AV_ELIMIT) {
			walk_fail(w, errno);
			break;
		}
		snprintf(name, sizeof(name), "data:%u", ++n);
		walk_child(w, dec.data ? dec.data : (const uint8_t *)"",
		    dec.len, obj, path, name, depth, rc == -1 ?
		    "limit: file size" : NULL);
		at = q;
	}
	buf_clear(&dec);
}

/* pipeline_run - scan one input and everything it wraps */
int
pipeline_run(struct pipeline *pl, const uint8_t *buf, size_t len,
    const char *path, const struct scan_limits *lim, unsigned flags,
    struct verdict *v)
{
	struct scan_limits	 def;
	struct walk		 w;

	if (lim == NULL) {
		scan_limits_default(&def);
		lim = &def;
	}
	memset(&w, 0, sizeof(w));
	w.pl = pl;
	w.lim = lim;
	w.flags = flags;
	w.v = v;
	clock_gettime(CLOCK_MONOTONIC, &w.t0);
	verdict_reset(v);
	walk_object(&w, buf ? buf : (const uint8_t *)"", len, UINT32_MAX,
	    path, 0, NULL);
	if (w.err) {
		errno = w.err;
		return -1;
	}
	return 0;
}
