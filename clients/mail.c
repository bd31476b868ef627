/*
 * mail.c - the mail library: policy, removal of infected parts, marks,
 *	splices
 *
 * DESCRIPTION
 *	mail_decide() parses the message once (workers/mime.h, the same
 *	limits as the scan pipeline, so that part numbers agree), maps each
 *	finding of the verdict to a MIME part, picks the action, and
 *	collects every change as a splice of the original (struct
 *	mail_edit).  Nothing is written into the message until all splices
 *	are known; then they are sorted, checked to be disjoint and applied
 *	once.  See mail.h.
 *
 *	Mapping a finding to a part.  The pipeline (workers/pipeline.c)
 *	makes every leaf part of a message a direct child of the message's
 *	object, named "ROOT/" and the part's numbers from the top, each with
 *	":FILENAME" when the part has a file name ("ROOT/2/1:a.zip"); a
 *	forwarded message adds no number of its own.  The same names are
 *	computed here for the leaves of our own parse, and an infected
 *	object is mapped through its ancestor that is a child of the root.
 *	Anything else (an mbox of several messages, a root that is not a
 *	message, a name that matches no leaf) is "not removable".
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "av/verdict.h"
#include "clients/mail.h"
#include "clients/mail_priv.h"
#include "conf/conf.h"
#include "util/buf.h"
#include "workers/filetype.h"
#include "workers/mime.h"

#define MAIL_PARTNAME	2048		/* as the pipeline's names */

struct seqedit {
	struct mail_edit	 ed;
	uint32_t		 seq;
};

static int	 fail(struct mctx *, int, const char *);
static void	 set_reason(struct mail_out *, const char *, ...)
		    __attribute__((format(printf, 2, 3)));
static int	 count_msg(void *, size_t, size_t);
static size_t	 line_end(const uint8_t *, size_t, size_t);
static int	 field_next(const uint8_t *, size_t, size_t *, size_t *,
		    size_t *, size_t *);
static int	 field_is(const uint8_t *, size_t, size_t, const char *);
static void	 part_name(const struct mime_msg *, uint32_t, char *, size_t);
static int	 leaf_names(struct mctx *);
static int	 find_leaf(const struct mctx *, uint32_t, uint32_t *);
static int	 unit_of(const struct mctx *, uint32_t, uint32_t *);
static int	 in_removed(const struct mctx *, uint32_t);
static int	 plan_clean(struct mctx *, int *);
static int	 notice(struct mctx *, uint32_t);
static int	 marks(struct mctx *);
static int	 subject(struct mctx *, size_t, uint32_t);
static int	 add_hdr(struct mail_hdr **, size_t *, const char *,
		    const char *, size_t, uint32_t);
static int	 cmp_edit(const void *, const void *);
static int	 apply(struct mctx *);
static void	 decide(struct mctx *, int *);

/* mail_action_str - the schema's word for an action */
const char *
mail_action_str(enum mail_action a)
{
	static const char	*w[] = { "accept", "reject", "defer", "discard",
				    "clean", "quarantine" };

	return (unsigned)a < sizeof(w) / sizeof(w[0]) ? w[a] : "?";
}

/* mail_result_str - the word of X-Vigil-Result */
const char *
mail_result_str(enum mail_result r)
{
	static const char	*w[] = { "clean", "infected", "cleaned",
				    "deleted", "not scanned" };

	return (unsigned)r < sizeof(w) / sizeof(w[0]) ? w[r] : "?";
}

/* mail_policy_conf - the policy from a configuration view */
void
mail_policy_conf(struct mail_policy *p, const struct conf_view *v)
{
	size_t	 n;

	memset(p, 0, sizeof(*p));
	p->on_infected = conf_get_enum(v, CONF_K_ACTION_ON_INFECTED);
	p->on_uncleanable = conf_get_enum(v, CONF_K_ACTION_ON_UNCLEANABLE);
	p->on_notscanned = conf_get_enum(v, CONF_K_ACTION_ON_NOTSCANNED);
	p->write_to_header = conf_get_bool(v, CONF_K_WRITE_TO_HEADER);
	p->subject = conf_get_str(v, CONF_K_WRITE_TO_SUBJECT);
	p->write_to_emails = conf_get_bool(v, CONF_K_WRITE_TO_EMAILS);
	p->template_dir = conf_get_str(v, CONF_K_TEMPLATE_DIR);
	p->quarantine_dir = conf_get_str(v, CONF_K_QUARANTINE_DIR);
	p->max_message_size = conf_get_size(v, CONF_K_MAX_MESSAGE_SIZE);
	p->daemons = conf_get_list(v, CONF_K_DAEMON_ADDR, &n);
	p->ndaemons = n;
	p->timeout_ms = (int)conf_get_duration(v, CONF_K_DAEMON_TIMEOUT);
}

/* mail_out_init - an empty result */
void
mail_out_init(struct mail_out *o)
{
	memset(o, 0, sizeof(*o));
	buf_init(&o->msg);
	buf_init(&o->pool);
}

/* mail_out_free - release, ready for reuse */
void
mail_out_free(struct mail_out *o)
{
	size_t	 i;

	buf_clear(&o->msg);
	buf_clear(&o->pool);
	free(o->edits);
	for (i = 0; i < o->nadd; i++) {
		free(o->add[i].name);
		free(o->add[i].value);
	}
	free(o->add);
	for (i = 0; i < o->nchg; i++) {
		free(o->chg[i].name);
		free(o->chg[i].value);
	}
	free(o->chg);
	i = (size_t)o->edits_only;
	mail_out_init(o);
	o->edits_only = (int)i;
}

/* set_reason - o->reason, printf-style */
static void
set_reason(struct mail_out *o, const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	vsnprintf(o->reason, sizeof(o->reason), fmt, ap);
	va_end(ap);
}

/*
 * fail - an internal failure: DEFER, the message unchanged, -1 with
 * errno e
 */
static int
fail(struct mctx *c, int e, const char *what)
{
	struct mail_out	*o = c->o;
	size_t		 i;

	o->action = MAIL_DEFER;
	o->failed = 1;
	o->changed = 0;
	o->body = NULL;
	o->bodylen = 0;
	o->msg.len = 0;
	o->nedits = 0;
	for (i = 0; i < o->nadd; i++) {
		free(o->add[i].name);
		free(o->add[i].value);
	}
	o->nadd = 0;
	for (i = 0; i < o->nchg; i++) {
		free(o->chg[i].name);
		free(o->chg[i].value);
	}
	o->nchg = 0;
	set_reason(o, "Temporary failure: %s: %s", what, strerror(e));
	errno = e;
	return -1;
}

/* count_msg - mbox_walk() callback: count the messages */
static int
count_msg(void *arg, size_t off, size_t len)
{
	(void)off;
	(void)len;
	++*(size_t *)arg;
	return 0;
}

/* line_end - the offset after the line that starts at pos */
static size_t
line_end(const uint8_t *b, size_t end, size_t pos)
{
	const uint8_t	*nl;

	if (pos >= end)
		return end;
	nl = memchr(b + pos, '\n', end - pos);
	return nl == NULL ? end : (size_t)(nl - b) + 1;
}

/*
 * field_next - the header field at *pos in [*pos, end): its start, the
 * end of its name, its end (after the line end of its last line); 0 at
 * the empty line, a line that is no field, or the end
 */
static int
field_next(const uint8_t *b, size_t end, size_t *pos, size_t *fs,
    size_t *ne, size_t *fe)
{
	size_t	 p = *pos, le, i;

	if (p >= end || b[p] == '\n' || b[p] == '\r' || b[p] == ' ' ||
	    b[p] == '\t')
		return 0;
	le = line_end(b, end, p);
	for (i = p; i < le && b[i] > ' ' && b[i] < 0x7f && b[i] != ':'; i++)
		;
	if (i == p)
		return 0;
	*ne = i;
	while (i < le && (b[i] == ' ' || b[i] == '\t'))
		i++;
	if (i >= le || b[i] != ':')
		return 0;
	*fs = p;
	while (le < end && (b[le] == ' ' || b[le] == '\t'))
		le = line_end(b, end, le);
	*fe = *pos = le;
	return 1;
}

/* field_is - whether the name [s, ne) is name */
static int
field_is(const uint8_t *b, size_t s, size_t ne, const char *name)
{
	return ne - s == strlen(name) &&
	    strncasecmp((const char *)b + s, name, ne - s) == 0;
}

/*
 * part_name - a leaf's name as the pipeline gives it: the numbers from
 * the top, each with ":FILENAME"; an enclosed message adds nothing
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
		chain[n++] = 0;
	out[0] = '\0';
	for (k = n; k-- > 0 && at < len;) {
		const struct mime_part	*p = &m->parts[chain[k]];

		if (p->parent < m->nparts &&
		    (m->parts[p->parent].flags & MIME_F_MESSAGE))
			continue;
		r = snprintf(out + at, len - at, "%s%u%s%s", at ? "/" : "",
		    p->number, p->filename[0] ? ":" : "", p->filename);
		if (r < 0 || (size_t)r >= len - at) {
			out[0] = '\0';	/* cut: matches nothing */
			return;
		}
		at += r;
	}
}

/* leaf_names - the pipeline's name of every leaf, computed once */
static int
leaf_names(struct mctx *c)
{
	char		 name[MAIL_PARTNAME];
	uint32_t	 i;

	if ((c->nameoff = calloc(c->m.nparts ? c->m.nparts : 1,
	    sizeof(*c->nameoff))) == NULL)
		return -1;
	for (i = 0; i < c->m.nparts; i++) {
		c->nameoff[i] = SIZE_MAX;
		if (c->m.parts[i].flags & (MIME_F_MULTIPART | MIME_F_MESSAGE))
			continue;
		part_name(&c->m, i, name, sizeof(name));
		if (name[0] != '\0')
			c->nameoff[i] = buf_add(&c->names, name,
			    strlen(name) + 1);
	}
	if (c->names.failed) {
		errno = ENOMEM;
		return -1;
	}
	return 0;
}

/*
 * find_leaf - the leaf part that verdict object obj lies in: 0 and *leaf,
 * or -1 when it is not in one
 */
static int
find_leaf(const struct mctx *c, uint32_t obj, uint32_t *leaf)
{
	const struct verdict	*v = c->v;
	const char		*root, *path;
	size_t			 rl;
	uint32_t		 j = obj, i;

	if (obj == 0 || obj >= v->nobj || v->obj[0].type != FT_MAIL ||
	    c->nameoff == NULL)
		return -1;
	while (v->obj[j].parent != 0) {
		if (v->obj[j].parent >= j)
			return -1;	/* a tree always points back */
		j = v->obj[j].parent;
	}
	root = verdict_path(v, 0);
	path = verdict_path(v, j);
	rl = strlen(root);
	if (strncmp(path, root, rl) != 0 || path[rl] != '/')
		return -1;
	path += rl + 1;
	for (i = 0; i < c->m.nparts; i++)
		if (c->nameoff[i] != SIZE_MAX && strcmp((const char *)
		    c->names.data + c->nameoff[i], path) == 0) {
			*leaf = i;
			return 0;
		}
	return -1;
}

/*
 * unit_of - the part to replace for a finding in leaf: the nearest
 * ancestor-or-self whose parent is a multipart; -1: none
 */
static int
unit_of(const struct mctx *c, uint32_t leaf, uint32_t *unit)
{
	const struct mime_msg	*m = &c->m;
	uint32_t		 u = leaf, par;

	for (;;) {
		par = m->parts[u].parent;
		if (par >= m->nparts || par >= u)
			return -1;
		if (m->parts[par].flags & MIME_F_MULTIPART) {
			*unit = u;
			return 0;
		}
		if (!(m->parts[par].flags & MIME_F_MESSAGE))
			return -1;
		u = par;
	}
}

/* in_removed - whether part i is, or is inside, a removed part */
static int
in_removed(const struct mctx *c, uint32_t i)
{
	for (; i < c->m.nparts; i = c->m.parts[i].parent)
		if (c->removed[i])
			return 1;
	return 0;
}

/*
 * plan_clean - mark the parts to remove; *ok is 1 when every finding
 * maps to one, 0 when the message is uncleanable
 */
static int
plan_clean(struct mctx *c, int *ok)
{
	const struct verdict	*v = c->v;
	size_t			 nmsg = 0;
	uint32_t		 i, leaf, unit;

	*ok = 0;
	if (mbox_walk(c->buf, c->len, count_msg, &nmsg) == -1)
		return -1;
	if (nmsg != 1)
		return 0;
	if (leaf_names(c) == -1)
		return -1;
	if ((c->removed = calloc(c->m.nparts ? c->m.nparts : 1, 1)) == NULL ||
	    (c->objunit = calloc(v->nobj, sizeof(*c->objunit))) == NULL)
		return -1;
	for (i = 0; i < v->nobj; i++) {
		c->objunit[i] = UINT32_MAX;
		if (v->obj[i].status != AV_INFECTED)
			continue;
		if (find_leaf(c, i, &leaf) == -1 ||
		    unit_of(c, leaf, &unit) == -1)
			return 0;
		c->removed[unit] = 1;
		c->objunit[i] = unit;
	}
	/* a removed part inside another removed one goes with it */
	for (i = 0; i < c->m.nparts; i++)
		if (c->removed[i] && c->m.parts[i].parent < c->m.nparts &&
		    in_removed(c, c->m.parts[i].parent))
			c->removed[i] = 0;
	for (i = 0; i < v->nobj; i++)
		for (unit = c->objunit[i]; unit != UINT32_MAX &&
		    !c->removed[unit]; unit = c->m.parts[unit].parent)
			c->objunit[i] = c->m.parts[unit].parent;
	*ok = 1;
	return 0;
}

/* clean_text - a file name or signature name with control bytes as '_' */
static void
clean_text(struct buf *b, const char *s)
{
	for (; *s != '\0'; s++)
		buf_add(b, (unsigned char)*s < 0x20 || *s == 0x7f ? "_" : s,
		    1);
}

/* notice - replace part u by a text/plain part saying what it held */
static int
notice(struct mctx *c, uint32_t u)
{
	const struct mime_part	*p = &c->m.parts[u];
	const struct verdict	*v = c->v;
	struct buf		 text, out;
	uint32_t		 i, h, n = 0, hn;
	size_t			 j;
	int			 ascii = 1;

	buf_init(&text);
	buf_init(&out);
	buf_add(&text, "Vigil removed this part of the message: it was "
	    "infected.\n", 57);
	if (p->filename[0] != '\0') {
		buf_add(&text, "File: ", 6);
		clean_text(&text, p->filename);
		buf_add(&text, "\n", 1);
	}
	buf_add(&text, "Type: ", 6);
	clean_text(&text, p->type);
	buf_add(&text, "\nFound: ", 8);
	for (i = 0; i < v->nobj; i++) {
		if (c->objunit[i] != u)
			continue;
		for (h = v->obj[i].hit, hn = 0; h < v->nhits &&
		    hn < v->obj[i].nhits; h = v->hits[h].next, hn++) {
			if (n++ > 0)
				buf_add(&text, ", ", 2);
			clean_text(&text, verdict_name(v, h));
		}
	}
	buf_add(&text, "\n", 1);
	for (j = 0; j < text.len; j++)
		if (text.data[j] >= 0x80)
			ascii = 0;
	if (p->start > 0 && c->buf[p->start - 1] != '\n')
		buf_add(&out, c->eol, c->eollen);
	if (ascii) {
		buf_add(&out, "Content-Type: text/plain; charset=us-ascii", 42);
		buf_add(&out, c->eol, c->eollen);
		buf_add(&out, "Content-Disposition: inline", 27);
		buf_add(&out, c->eol, c->eollen);
		buf_add(&out, "Content-Transfer-Encoding: 7bit", 31);
		buf_add(&out, c->eol, c->eollen);
		buf_add(&out, c->eol, c->eollen);
		if (mail_eol_text(text.data, text.len, c->eol, &out) == -1)
			goto fail;
	} else {
		buf_add(&out, "Content-Type: text/plain; charset=utf-8", 39);
		buf_add(&out, c->eol, c->eollen);
		buf_add(&out, "Content-Disposition: inline", 27);
		buf_add(&out, c->eol, c->eollen);
		buf_add(&out, "Content-Transfer-Encoding: quoted-printable",
		    43);
		buf_add(&out, c->eol, c->eollen);
		buf_add(&out, c->eol, c->eollen);
		if (mail_qp_encode(text.data, text.len, c->eol, &out) == -1)
			goto fail;
	}
	/* the line break before the next delimiter belongs to it */
	if (p->end < c->len && out.len >= c->eollen)
		out.len -= c->eollen;
	if (text.failed || out.failed ||
	    mctx_edit(c, p->start, p->end - p->start, out.data, out.len) == -1)
		goto fail;
	buf_clear(&text);
	buf_clear(&out);
	return 0;
fail:
	buf_clear(&text);
	buf_clear(&out);
	errno = ENOMEM;
	return -1;
}

/* mctx_edit - add a splice; its data is copied */
int
mctx_edit(struct mctx *c, size_t off, size_t len, const void *data,
    size_t dlen)
{
	struct mail_out		*o = c->o;
	struct mail_edit	*e;
	uint32_t		*s;
	size_t			 cap;

	if (off > c->len || len > c->len - off) {
		errno = EINVAL;
		return -1;
	}
	if (o->nedits == c->capedits) {
		cap = c->capedits ? c->capedits * 2 : 16;
		if ((e = reallocarray(o->edits, cap, sizeof(*e))) == NULL)
			return -1;
		o->edits = e;
		if ((s = reallocarray(c->seq, cap, sizeof(*s))) == NULL)
			return -1;
		c->seq = s;
		c->capedits = cap;
	}
	e = &o->edits[o->nedits];
	e->off = off;
	e->len = len;
	e->dlen = dlen;
	e->data = o->pool.len;
	if (dlen > 0)
		buf_add(&o->pool, data, dlen);
	if (o->pool.failed) {
		errno = ENOMEM;
		return -1;
	}
	c->seq[o->nedits++] = c->nseq++;
	return 0;
}

/* add_hdr - append a field for the milter */
static int
add_hdr(struct mail_hdr **a, size_t *n, const char *name, const char *val,
    size_t vlen, uint32_t index)
{
	struct mail_hdr	*h;

	if ((h = reallocarray(*a, *n + 1, sizeof(*h))) == NULL)
		return -1;
	*a = h;
	h = &h[*n];
	h->name = strdup(name);
	h->value = strndup(val, vlen);
	h->index = index;
	if (h->name == NULL || h->value == NULL) {
		free(h->name);
		free(h->value);
		return -1;
	}
	(*n)++;
	return 0;
}

/*
 * subject - the subject tag: a splice in the Subject field, or a new
 * field at the insertion point ins, field number sidx of the new header
 */
static int
subject(struct mctx *c, size_t ins, uint32_t sidx)
{
	const uint8_t	*b = c->buf;
	const char	*t = c->p->subject;
	struct buf	 tag, val;
	size_t		 pos = 0, fs, ne, fe, q, i, hend;
	int		 found = 0, rc = -1;

	buf_init(&tag);
	buf_init(&val);
	for (; *t != '\0'; t++) {
		if (t[0] == '%' && t[1] == 's') {
			clean_text(&tag, c->o->virus);
			t++;
		} else if (t[0] == '%' && t[1] == '%') {
			buf_add(&tag, "%", 1);
			t++;
		} else
			buf_add(&tag, t, 1);
	}
	hend = (size_t)c->m.parts[0].hdr_end;
	if (hend > 5 && memcmp(b, "From ", 5) == 0)
		pos = line_end(b, hend, 0);
	while (field_next(b, hend, &pos, &fs, &ne, &fe)) {
		if (field_is(b, fs, ne, "Subject")) {
			found = 1;
			break;
		}
	}
	if (!found) {
		buf_add(&val, "Subject: ", 9);
		buf_add(&val, tag.data, tag.len);
		buf_add(&val, c->eol, c->eollen);
		if (val.failed || mctx_edit(c, ins, 0, val.data, val.len) ==
		    -1 || add_hdr(&c->o->add, &c->o->nadd, "Subject",
		    (const char *)tag.data, tag.len, sidx) == -1)
			goto done;
		rc = 0;
		goto done;
	}
	q = (size_t)((const uint8_t *)memchr(b + ne, ':', fe - ne) - b) + 1;
	while (q < fe && (b[q] == ' ' || b[q] == '\t'))
		q++;
	/* the text put in: "TAG " before the value, " TAG" on an empty line */
	if (q == fe || b[q] == '\r' || b[q] == '\n') {
		buf_add(&val, b[q - 1] == ':' ? " " : "", b[q - 1] == ':');
		buf_add(&val, tag.data, tag.len);
	} else {
		buf_add(&val, tag.data, tag.len);
		buf_add(&val, " ", 1);
	}
	if (val.failed || mctx_edit(c, q, 0, val.data, val.len) == -1)
		goto done;
	/* the milter's view: the new value, CRs dropped, no final line end */
	tag.len = 0;
	i = (size_t)((const uint8_t *)memchr(b + ne, ':', fe - ne) - b) + 1;
	if (i < q && b[i] == ' ')
		i++;
	for (; i < fe; i++) {
		if (i == q)
			buf_add(&tag, val.data, val.len);
		if (b[i] != '\r')
			buf_add(&tag, b + i, 1);
	}
	if (q == fe)
		buf_add(&tag, val.data, val.len);
	while (tag.len > 0 && tag.data[tag.len - 1] == '\n')
		tag.len--;
	if (tag.failed || add_hdr(&c->o->chg, &c->o->nchg, "Subject",
	    (const char *)tag.data, tag.len, 1) == -1)
		goto done;
	rc = 0;
done:
	if (rc == -1)
		errno = ENOMEM;
	buf_clear(&tag);
	buf_clear(&val);
	return rc;
}

/* marks - header fields and subject tag of a delivered message */
static int
marks(struct mctx *c)
{
	const uint8_t	*b = c->buf;
	struct mail_out	*o = c->o;
	char		 scanner[128], line[256];
	size_t		 pos = 0, fs, ne, fe, hend, ins;
	uint32_t	 index = 0;
	const char	*word = mail_result_str(o->result);
	int		 n, blank;
	size_t		 before;

	before = o->nedits;
	hend = (size_t)c->m.parts[0].hdr_end;
	if (hend > 5 && memcmp(b, "From ", 5) == 0)
		pos = line_end(b, hend, 0);
	ins = pos;
	while (field_next(b, hend, &pos, &fs, &ne, &fe) &&
	    (field_is(b, fs, ne, "Return-Path") ||
	    field_is(b, fs, ne, "Delivered-To") ||
	    field_is(b, fs, ne, "X-Original-To"))) {
		ins = pos;
		index++;
	}
	/* a header block without fields: ours need the empty line after */
	pos = ins;
	blank = ins < hend && !field_next(b, hend, &pos, &fs, &ne, &fe) &&
	    b[ins] != '\n' && b[ins] != '\r';
	if (c->p->write_to_header) {
		mail_scanner_name(c, scanner, sizeof(scanner));
		n = snprintf(line, sizeof(line), "X-Vigil-Result: %s%s"
		    "X-Virus-Scanner: %s%s", word, c->eol, scanner, c->eol);
		if (n < 0 || (size_t)n >= sizeof(line) ||
		    mctx_edit(c, ins, 0, line, (size_t)n) == -1 ||
		    add_hdr(&o->add, &o->nadd, "X-Vigil-Result", word,
		    strlen(word), index) == -1 ||
		    add_hdr(&o->add, &o->nadd, "X-Virus-Scanner", scanner,
		    strlen(scanner), index + 1) == -1)
			return -1;
		index += 2;
	}
	if (c->p->subject != NULL && c->p->subject[0] != '\0' &&
	    (o->result == MAIL_R_INFECTED || o->result == MAIL_R_CLEANED) &&
	    subject(c, ins, index) == -1)
		return -1;
	if (blank && o->nedits > before && mctx_edit(c, ins, 0, c->eol,
	    c->eollen) == -1)
		return -1;
	if (c->p->write_to_emails && mail_footers(c) == -1)
		return -1;
	return 0;
}

/* cmp_edit - by offset, then in the order they were added */
static int
cmp_edit(const void *a, const void *b)
{
	const struct seqedit	*x = a, *y = b;

	if (x->ed.off != y->ed.off)
		return x->ed.off < y->ed.off ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* apply - sort the splices, check them, build the message and body */
static int
apply(struct mctx *c)
{
	struct mail_out	*o = c->o;
	struct seqedit	*se;
	size_t		 i, at = 0, hend, body = 0;
	int		 inbody = 0;

	if (o->nedits == 0)
		return 0;
	if ((se = calloc(o->nedits, sizeof(*se))) == NULL)
		return -1;
	for (i = 0; i < o->nedits; i++) {
		se[i].ed = o->edits[i];
		se[i].seq = c->seq[i];
	}
	qsort(se, o->nedits, sizeof(*se), cmp_edit);
	for (i = 0; i < o->nedits; i++)
		o->edits[i] = se[i].ed;
	free(se);
	hend = (size_t)c->m.parts[0].hdr_end;
	for (i = 1; i < o->nedits; i++)
		if (o->edits[i].off < o->edits[i - 1].off + o->edits[i - 1].len) {
			errno = EINVAL;		/* overlapping splices: a bug */
			return -1;
		}
	o->changed = 1;
	if (o->edits_only)
		return 0;
	if (buf_reserve(&o->msg, c->len + o->pool.len) == -1)
		return -1;
	for (i = 0; i < o->nedits; i++) {
		const struct mail_edit	*e = &o->edits[i];

		if (e->off >= hend && !inbody) {
			buf_add(&o->msg, c->buf + at, hend - at);
			at = hend;
			body = o->msg.len;
			inbody = 1;
		}
		buf_add(&o->msg, c->buf + at, e->off - at);
		buf_add(&o->msg, o->pool.data + e->data, e->dlen);
		at = e->off + e->len;
	}
	if (!inbody) {
		if (at <= hend) {
			buf_add(&o->msg, c->buf + at, hend - at);
			at = hend;
		}
		body = o->msg.len;
	}
	buf_add(&o->msg, c->buf + at, c->len - at);
	if (o->msg.failed) {
		o->changed = 0;
		errno = ENOMEM;
		return -1;
	}
	if (inbody) {
		o->body = o->msg.data + body;
		o->bodylen = o->msg.len - body;
	}
	return 0;
}

/* decide - the action and result from the verdict; *clean: remove parts */
static void
decide(struct mctx *c, int *clean)
{
	const struct verdict	*v = c->v;
	struct mail_out		*o = c->o;
	const char		*why = "";
	uint32_t		 i;

	*clean = 0;
	for (i = 0; i < v->nobj && o->virus[0] == '\0'; i++)
		if (v->obj[i].nhits > 0)
			snprintf(o->virus, sizeof(o->virus), "%s",
			    verdict_name(v, v->obj[i].hit));
	for (i = 0; i < v->nobj && why[0] == '\0'; i++)
		if (v->obj[i].status == AV_NOTSCANNED)
			why = verdict_reason(v, i);
	switch (v->status) {
	case AV_CLEAN:
		o->action = MAIL_ACCEPT;
		o->result = MAIL_R_CLEAN;
		set_reason(o, "Clean");
		return;
	case AV_NOTSCANNED:
		o->action = c->p->on_notscanned;
		if (o->action == MAIL_CLEAN)
			o->action = MAIL_ACCEPT;
		o->result = MAIL_R_NOTSCANNED;
		set_reason(o, "Not scanned: %s", why[0] ? why : "unknown");
		return;
	default:
		break;
	}
	o->action = c->p->on_infected;
	o->result = MAIL_R_INFECTED;
	set_reason(o, "Virus found: %s", o->virus[0] ? o->virus : "unknown");
	if (o->action == MAIL_CLEAN)
		*clean = 1;
}

/* mail_decide - the decision and the rewritten message */
int
mail_decide(const struct mail_policy *p, const struct mail_env *e,
    const uint8_t *msg, size_t len, const struct verdict *v, uint64_t serial,
    struct mail_out *o)
{
	struct mctx	 c;
	struct mime_limits ml;
	char		 meta[1024];
	uint32_t	 i, leaf;
	int		 clean, ok, rc = 0, left = 0;

	mail_out_free(o);
	memset(&c, 0, sizeof(c));
	c.p = p;
	c.e = e;
	c.buf = msg;
	c.len = len;
	c.v = v;
	c.serial = serial;
	c.o = o;
	buf_init(&c.names);
	o->serial = serial;
	if (v == NULL || v->nobj == 0) {
		rc = fail(&c, EINVAL, "no verdict");
		goto done;
	}
	memset(&ml, 0, sizeof(ml));
	if (mime_parse(msg, len, &ml, &c.m) == -1) {
		rc = fail(&c, errno, "mime_parse");
		goto done;
	}
	c.parsed = 1;
	i = (uint32_t)line_end(msg, len, 0);
	c.eol = i >= 2 && msg[i - 1] == '\n' && msg[i - 2] == '\r' ?
	    "\r\n" : "\n";
	c.eollen = strlen(c.eol);

	decide(&c, &clean);
	if (clean) {
		if (plan_clean(&c, &ok) == -1) {
			rc = fail(&c, errno, "clean");
			goto done;
		}
		if (!ok) {
			o->action = p->on_uncleanable;
			if (o->action == MAIL_CLEAN)
				o->action = MAIL_REJECT;
			set_reason(o, "Virus found: %s (uncleanable)",
			    o->virus[0] ? o->virus : "unknown");
		} else {
			o->action = MAIL_CLEAN;
			o->result = MAIL_R_CLEANED;
			for (i = 0; i < v->nobj; i++)
				if (v->obj[i].status == AV_NOTSCANNED &&
				    (find_leaf(&c, i, &leaf) == -1 ||
				    !in_removed(&c, leaf)))
					left = 1;
			if (left && p->on_notscanned != MAIL_ACCEPT &&
			    p->on_notscanned != MAIL_CLEAN) {
				o->action = p->on_notscanned;
				o->result = MAIL_R_INFECTED;
				set_reason(o, "Virus found: %s (and parts "
				    "not scanned)", o->virus);
			}
		}
	}
	if (o->action == MAIL_QUARANTINE || o->action == MAIL_CLEAN) {
		snprintf(meta, sizeof(meta), "Agent: %s\nResult: %s\n"
		    "Action: %s\nReason: %s\n", e && e->agent ? e->agent : "",
		    mail_result_str(o->result), mail_action_str(o->action),
		    o->reason);
		if (p->quarantine_dir == NULL || p->quarantine_dir[0] == '\0') {
			if (o->action == MAIL_QUARANTINE) {
				rc = fail(&c, ENOENT, "quarantine_dir");
				goto done;
			}
		} else if (mail_quarantine(p->quarantine_dir, e, msg, len,
		    meta, o->qpath, sizeof(o->qpath)) == -1) {
			rc = fail(&c, errno, "quarantine");
			goto done;
		}
	}
	if (o->action != MAIL_ACCEPT && o->action != MAIL_CLEAN) {
		o->result = MAIL_R_DELETED;
		goto done;
	}
	if (o->action == MAIL_CLEAN)
		for (i = 0; i < c.m.nparts; i++)
			if (c.removed[i]) {
				if (notice(&c, i) == -1) {
					rc = fail(&c, errno, "notice");
					goto done;
				}
				o->nremoved++;
			}
	if (marks(&c) == -1) {
		rc = fail(&c, errno, "marks");
		goto done;
	}
	if (apply(&c) == -1)
		rc = fail(&c, errno, "rewrite");
done:
	if (c.parsed)
		mime_free(&c.m);
	free(c.removed);
	free(c.objunit);
	free(c.nameoff);
	buf_clear(&c.names);
	free(c.seq);
	return rc;
}
