/*
 * mail_tmpl.c - templates, footers in text parts, encoders
 *
 * DESCRIPTION
 *	The templates sig_{header,footer}_{clean,infected,not_scanned}.{txt,
 *	html} come from template_dir, or from the defaults below (the same
 *	texts as conf/sig_*.example).  mail_footers() expands them and puts
 *	them into the first text/plain and the first text/html part of the
 *	message's own body (not an attachment, not a forwarded message),
 *	each encoded as its part is: identity parts get the text with the
 *	message's line ends, quoted-printable parts get it encoded, base64
 *	parts are decoded, extended and encoded again (their whole body is
 *	replaced).  Parts in x-uuencode, and parts whose header block does
 *	not end with an empty line, are left alone.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "av/averr.h"
#include "av/verdict.h"
#include "clients/mail.h"
#include "clients/mail_priv.h"
#include "util/buf.h"
#include "workers/mime.h"

static const struct deftmpl {
	const char	*name;
	const char	*text;
} deftmpl[] = {
	{ "sig_header_clean.txt", "" },
	{ "sig_footer_clean.txt",
	  "\n-- \nThis message was scanned by %SCANNER%: no virus found.\n" },
	{ "sig_header_infected.txt",
	  "*** Vigil: this message was %RESULT% (%VIRUSES%) ***\n\n" },
	{ "sig_footer_infected.txt",
	  "\n-- \nThis message was scanned by %SCANNER%.\n"
	  "Result: %RESULT%\n%FINDINGS%" },
	{ "sig_header_not_scanned.txt", "" },
	{ "sig_footer_not_scanned.txt",
	  "\n-- \nThis message could not be scanned completely by "
	  "%SCANNER%.\n%FINDINGS%" },
	{ "sig_header_clean.html", "" },
	{ "sig_footer_clean.html",
	  "<hr>\n<p>This message was scanned by %SCANNER%: no virus "
	  "found.</p>\n" },
	{ "sig_header_infected.html",
	  "<p><b>Vigil: this message was %RESULT% (%VIRUSES%)</b></p>\n" },
	{ "sig_footer_infected.html",
	  "<hr>\n<p>This message was scanned by %SCANNER%.<br>\n"
	  "Result: %RESULT%<br>\n%FINDINGS%</p>\n" },
	{ "sig_header_not_scanned.html", "" },
	{ "sig_footer_not_scanned.html",
	  "<hr>\n<p>This message could not be scanned completely by "
	  "%SCANNER%.<br>\n%FINDINGS%</p>\n" },
};

static const char	 b64[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static void	 add_esc(struct buf *, const char *, size_t, int);
static int	 load(const struct mctx *, const char *, const char *,
		    const char *, struct buf *);
static int	 expand(const struct mctx *, const struct buf *, int,
		    struct buf *);
static int	 has_blank(const uint8_t *, size_t, size_t);
static int	 in_message(const struct mime_msg *, uint32_t);
static size_t	 find_ci(const uint8_t *, size_t, size_t, const char *, int);
static int	 html_spots(const uint8_t *, size_t, size_t, size_t *,
		    size_t *);
static int	 footer_part(struct mctx *, uint32_t, int, const char *);

/* mail_template - read template file dir/name into out */
int
mail_template(const char *dir, const char *name, struct buf *out)
{
	char		 path[PATH_MAX];
	struct stat	 st;
	uint8_t		 b[4096];
	ssize_t		 n;
	size_t		 got = 0;
	int		 fd, e;

	if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, name) >=
	    sizeof(path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return -1;
	if (fstat(fd, &st) == -1)
		goto fail;
	if (!S_ISREG(st.st_mode)) {
		errno = EINVAL;
		goto fail;
	}
	for (;;) {
		if ((n = read(fd, b, sizeof(b))) == -1) {
			if (errno == EINTR)
				continue;
			goto fail;
		}
		if (n == 0)
			break;
		if ((got += (size_t)n) > MAIL_TMPLMAX) {
			errno = EFBIG;
			goto fail;
		}
		buf_add(out, b, (size_t)n);
	}
	close(fd);
	if (out->failed) {
		errno = ENOMEM;
		return -1;
	}
	return 0;
fail:
	e = errno;
	close(fd);
	errno = e;
	return -1;
}

/* mail_scanner_name - "Vigil VERSION (SERIAL)" */
void
mail_scanner_name(const struct mctx *c, char *out, size_t len)
{
	if (c->serial != 0)
		snprintf(out, len, "Vigil %s (%llu)", VIGIL_VERSION,
		    (unsigned long long)c->serial);
	else
		snprintf(out, len, "Vigil %s", VIGIL_VERSION);
}

/* mail_objpath - an object's path inside the message, for people */
const char *
mail_objpath(const struct verdict *v, uint32_t i)
{
	const char	*root = verdict_path(v, 0), *p = verdict_path(v, i);
	size_t		 rl = strlen(root);

	if (i == 0)
		return "message";
	if (strncmp(p, root, rl) == 0 && p[rl] == '/')
		return p + rl + 1;
	return p;
}

/* add_esc - s, HTML-escaped when html */
static void
add_esc(struct buf *b, const char *s, size_t n, int html)
{
	size_t	 i;

	for (i = 0; i < n; i++) {
		if (!html)
			buf_add(b, s + i, 1);
		else if (s[i] == '<')
			buf_add(b, "&lt;", 4);
		else if (s[i] == '>')
			buf_add(b, "&gt;", 4);
		else if (s[i] == '&')
			buf_add(b, "&amp;", 5);
		else if (s[i] == '"')
			buf_add(b, "&quot;", 6);
		else
			buf_add(b, s + i, 1);
	}
}

/* mail_findings - one line per finding and per object not scanned */
int
mail_findings(const struct mctx *c, int html, struct buf *out)
{
	const struct verdict	*v = c->v;
	const char		*path, *s;
	uint32_t		 i, h, k, n = 0;

	for (i = 0; i < v->nobj; i++) {
		if (v->obj[i].status == AV_CLEAN)
			continue;
		path = mail_objpath(v, i);
		for (h = v->obj[i].hit, k = 0; k < v->obj[i].nhits &&
		    h < v->nhits; h = v->hits[h].next, k++) {
			if (n++ == MAIL_MAXFIND)
				goto more;
			add_esc(out, path, strlen(path), html);
			buf_add(out, ": ", 2);
			s = verdict_name(v, h);
			add_esc(out, s, strlen(s), html);
			buf_add(out, html ? "<br>\n" : "\n", html ? 5 : 1);
		}
		if (v->obj[i].status == AV_NOTSCANNED) {
			if (n++ == MAIL_MAXFIND)
				goto more;
			add_esc(out, path, strlen(path), html);
			buf_add(out, ": not scanned (", 15);
			s = verdict_reason(v, i);
			add_esc(out, s, strlen(s), html);
			buf_add(out, html ? ")<br>\n" : ")\n", html ? 6 : 2);
		}
	}
	return out->failed ? -1 : 0;
more:
	buf_add(out, html ? "...<br>\n" : "...\n", html ? 8 : 4);
	return out->failed ? -1 : 0;
}

/* load - template sig_WHICH_R.EXT from the directory or the defaults */
static int
load(const struct mctx *c, const char *which, const char *r,
    const char *ext, struct buf *out)
{
	char	 name[64];
	size_t	 i;

	snprintf(name, sizeof(name), "sig_%s_%s.%s", which, r, ext);
	out->len = 0;
	if (c->p->template_dir != NULL && c->p->template_dir[0] != '\0') {
		if (mail_template(c->p->template_dir, name, out) == 0)
			return 0;
		if (errno != ENOENT)
			return -1;
		out->len = 0;
	}
	for (i = 0; i < sizeof(deftmpl) / sizeof(deftmpl[0]); i++)
		if (strcmp(deftmpl[i].name, name) == 0) {
			buf_add(out, deftmpl[i].text, strlen(deftmpl[i].text));
			break;
		}
	if (out->failed) {
		errno = ENOMEM;
		return -1;
	}
	return 0;
}

/* expand - the template t with its %WORDS% replaced, LF line ends */
static int
expand(const struct mctx *c, const struct buf *t, int html, struct buf *out)
{
	const struct verdict	*v = c->v;
	const char		*w = mail_result_str(c->o->result);
	char			 sc[128];
	size_t			 i, k;
	uint32_t		 o, h, n = 0, hn;

	out->len = 0;
	for (i = 0; i < t->len; i++) {
		const char	*p = (const char *)t->data + i;
		size_t		 left = t->len - i;

		if (*p == '\r' && left > 1 && p[1] == '\n')
			continue;
		if (*p != '%') {
			buf_add(out, p, 1);
			continue;
		}
		if (left >= 8 && memcmp(p, "%RESULT%", 8) == 0) {
			add_esc(out, w, strlen(w), html);
			i += 7;
		} else if (left >= 9 && memcmp(p, "%SCANNER%", 9) == 0) {
			mail_scanner_name(c, sc, sizeof(sc));
			add_esc(out, sc, strlen(sc), html);
			i += 8;
		} else if (left >= 10 && memcmp(p, "%FINDINGS%", 10) == 0) {
			if (mail_findings(c, html, out) == -1)
				return -1;
			i += 9;
		} else if (left >= 9 && memcmp(p, "%VIRUSES%", 9) == 0) {
			for (o = 0; o < v->nobj; o++)
				for (h = v->obj[o].hit, hn = 0;
				    hn < v->obj[o].nhits && h < v->nhits;
				    h = v->hits[h].next, hn++) {
					const char *s = verdict_name(v, h);

					if (n++ > 0)
						buf_add(out, ", ", 2);
					add_esc(out, s, strlen(s), html);
				}
			i += 8;
		} else
			buf_add(out, p, 1);
	}
	/* control bytes other than tab and line end become '_' */
	for (k = 0; k < out->len; k++)
		if ((out->data[k] < 0x20 && out->data[k] != '\t' &&
		    out->data[k] != '\n') || out->data[k] == 0x7f)
			out->data[k] = '_';
	if (out->failed) {
		errno = ENOMEM;
		return -1;
	}
	return 0;
}

/* mail_eol_text - text with its line ends (LF or CRLF) as eol */
int
mail_eol_text(const uint8_t *t, size_t len, const char *eol, struct buf *out)
{
	size_t	 i;

	for (i = 0; i < len; i++) {
		if (t[i] == '\r' && i + 1 < len && t[i + 1] == '\n')
			continue;
		if (t[i] == '\n')
			buf_add(out, eol, strlen(eol));
		else
			buf_add(out, t + i, 1);
	}
	if (out->failed) {
		errno = ENOMEM;
		return -1;
	}
	return 0;
}

/*
 * mail_qp_encode - text as quoted-printable: its line ends (LF or CRLF)
 * become eol, lines longer than 76 are cut with soft breaks
 */
int
mail_qp_encode(const uint8_t *t, size_t len, const char *eol,
    struct buf *out)
{
	static const char	 hex[] = "0123456789ABCDEF";
	size_t			 i, col = 0, el = strlen(eol);
	char			 e[3];
	int			 lit, last;

	for (i = 0; i < len; i++) {
		if (t[i] == '\r' && i + 1 < len && t[i + 1] == '\n')
			continue;
		if (t[i] == '\n') {
			buf_add(out, eol, el);
			col = 0;
			continue;
		}
		last = i + 1 == len || t[i + 1] == '\n' ||
		    (t[i + 1] == '\r' && i + 2 < len && t[i + 2] == '\n');
		lit = (t[i] >= 33 && t[i] <= 126 && t[i] != '=') ||
		    ((t[i] == ' ' || t[i] == '\t') && !last);
		if (col + (lit ? 1 : 3) > 75) {
			buf_add(out, "=", 1);
			buf_add(out, eol, el);
			col = 0;
		}
		if (lit) {
			buf_add(out, t + i, 1);
			col++;
		} else {
			e[0] = '=';
			e[1] = hex[t[i] >> 4];
			e[2] = hex[t[i] & 15];
			buf_add(out, e, 3);
			col += 3;
		}
	}
	if (out->failed) {
		errno = ENOMEM;
		return -1;
	}
	return 0;
}

/* mail_b64_encode - base64 in lines of 76, each ended by eol */
int
mail_b64_encode(const uint8_t *t, size_t len, const char *eol,
    struct buf *out)
{
	size_t		 i, col = 0, el = strlen(eol);
	char		 q[4];
	uint32_t	 x;

	for (i = 0; i < len; i += 3) {
		x = (uint32_t)t[i] << 16;
		if (i + 1 < len)
			x |= (uint32_t)t[i + 1] << 8;
		if (i + 2 < len)
			x |= t[i + 2];
		q[0] = b64[x >> 18];
		q[1] = b64[(x >> 12) & 63];
		q[2] = i + 1 < len ? b64[(x >> 6) & 63] : '=';
		q[3] = i + 2 < len ? b64[x & 63] : '=';
		buf_add(out, q, 4);
		if ((col += 4) == 76) {
			buf_add(out, eol, el);
			col = 0;
		}
	}
	if (col > 0)
		buf_add(out, eol, el);
	if (out->failed) {
		errno = ENOMEM;
		return -1;
	}
	return 0;
}

/* has_blank - whether the header block [s, e) ends with an empty line */
static int
has_blank(const uint8_t *b, size_t s, size_t e)
{
	if (e <= s || b[e - 1] != '\n')
		return 0;
	if (e - 1 == s || b[e - 2] == '\n')
		return 1;
	return b[e - 2] == '\r' && (e - 2 == s || b[e - 3] == '\n');
}

/* in_message - whether part i lies inside a forwarded message */
static int
in_message(const struct mime_msg *m, uint32_t i)
{
	for (i = m->parts[i].parent; i < m->nparts; i = m->parts[i].parent)
		if (m->parts[i].flags & MIME_F_MESSAGE)
			return 1;
	return 0;
}

/*
 * find_ci - the offset of s (ASCII case aside) in b[from, len), the first
 * or the last one; len when absent
 */
static size_t
find_ci(const uint8_t *b, size_t from, size_t len, const char *s, int last)
{
	size_t	 n = strlen(s), i, found = len;

	if (len < n)
		return len;
	for (i = from; i + n <= len; i++)
		if (strncasecmp((const char *)b + i, s, n) == 0) {
			found = i;
			if (!last)
				break;
		}
	return found;
}

/*
 * html_spots - where header and footer go in HTML b[s, e): after the
 * <body ...> tag (or s) and before </body> (or e)
 */
static int
html_spots(const uint8_t *b, size_t s, size_t e, size_t *hp, size_t *fp)
{
	const uint8_t	*gt;
	size_t		 k;

	*hp = s;
	*fp = e;
	k = find_ci(b, s, e, "<body", 0);
	if (k < e && (gt = memchr(b + k, '>', e - k)) != NULL)
		*hp = (size_t)(gt - b) + 1;
	k = find_ci(b, *hp, e, "</body", 1);
	if (k < e)
		*fp = k;
	return 0;
}

/* footer_part - header and footer templates into text part i */
static int
footer_part(struct mctx *c, uint32_t i, int html, const char *r)
{
	const struct mime_part	*p = &c->m.parts[i];
	const char		*ext = html ? "html" : "txt", *ceol;
	struct buf		 t, h, f, dec, out;
	struct mime_limits	 ml;
	size_t			 hs = (size_t)p->hdr_end, be = (size_t)p->end;
	size_t			 hp, fp;
	const uint8_t		*src;
	int			 rc = -1;

	buf_init(&t);
	buf_init(&h);
	buf_init(&f);
	buf_init(&dec);
	buf_init(&out);
	if (load(c, "header", r, ext, &t) == -1 || expand(c, &t, html, &h) ==
	    -1 || load(c, "footer", r, ext, &t) == -1 ||
	    expand(c, &t, html, &f) == -1)
		goto done;
	if (h.len == 0 && f.len == 0) {
		rc = 0;
		goto done;
	}
	if (h.len > 0 && h.data[h.len - 1] != '\n')
		buf_add(&h, "\n", 1);
	if (f.len > 0 && f.data[f.len - 1] != '\n')
		buf_add(&f, "\n", 1);
	if (p->enc == MIME_ENC_BASE64) {
		memset(&ml, 0, sizeof(ml));
		if (mime_decode(c->buf, c->len, p, &ml, &dec) == -1)
			goto done;
		if (dec.data == NULL && buf_reserve(&dec, 1) == -1)
			goto done;
		ceol = memmem(dec.data, dec.len, "\r\n", 2) ? "\r\n" : "\n";
		if (html)
			html_spots(dec.data, 0, dec.len, &hp, &fp);
		else {
			hp = 0;
			fp = dec.len;
		}
		t.len = 0;
		buf_add(&t, dec.data, hp);
		if (mail_eol_text(h.data, h.len, ceol, &t) == -1)
			goto done;
		buf_add(&t, dec.data + hp, fp - hp);
		if (f.len > 0 && fp > 0 && dec.data[fp - 1] != '\n')
			buf_add(&t, ceol, strlen(ceol));
		if (mail_eol_text(f.data, f.len, ceol, &t) == -1)
			goto done;
		buf_add(&t, dec.data + fp, dec.len - fp);
		if (t.failed || mail_b64_encode(t.data, t.len, c->eol, &out) ==
		    -1)
			goto done;
		/* the line break of a delimiter that follows is its own */
		if (be > hs && c->buf[be - 1] != '\n' && out.len >= c->eollen)
			out.len -= c->eollen;
		rc = mctx_edit(c, hs, be - hs, out.data, out.len);
		goto done;
	}
	if (html)
		html_spots(c->buf, hs, be, &hp, &fp);
	else {
		hp = hs;
		fp = be;
	}
	src = c->buf;
	if (h.len > 0) {
		if ((p->enc == MIME_ENC_QP ? mail_qp_encode(h.data, h.len,
		    c->eol, &out) : mail_eol_text(h.data, h.len, c->eol, &out))
		    == -1 || mctx_edit(c, hp, 0, out.data, out.len) == -1)
			goto done;
	}
	out.len = 0;
	if (f.len > 0) {
		if (fp > hs && src[fp - 1] != '\n')
			buf_add(&out, c->eol, c->eollen);
		if ((p->enc == MIME_ENC_QP ? mail_qp_encode(f.data, f.len,
		    c->eol, &out) : mail_eol_text(f.data, f.len, c->eol, &out))
		    == -1 || mctx_edit(c, fp, 0, out.data, out.len) == -1)
			goto done;
	}
	rc = 0;
done:
	if (rc == -1 && errno == 0)
		errno = ENOMEM;
	buf_clear(&t);
	buf_clear(&h);
	buf_clear(&f);
	buf_clear(&dec);
	buf_clear(&out);
	return rc;
}

/* mail_footers - the templates into the message's text parts */
int
mail_footers(struct mctx *c)
{
	const struct mime_msg	*m = &c->m;
	const char		*r;
	uint32_t		 i, plain = UINT32_MAX, html = UINT32_MAX;

	switch (c->o->result) {
	case MAIL_R_CLEAN:
		r = "clean";
		break;
	case MAIL_R_NOTSCANNED:
		r = "not_scanned";
		break;
	default:
		r = "infected";
		break;
	}
	for (i = 0; i < m->nparts; i++) {
		const struct mime_part	*p = &m->parts[i];

		if ((p->flags & (MIME_F_MULTIPART | MIME_F_MESSAGE |
		    MIME_F_ATTACHMENT)) || p->filename[0] != '\0' ||
		    p->enc == MIME_ENC_UUENCODE ||
		    (c->removed != NULL && c->removed[i]) ||
		    in_message(m, i) ||
		    !has_blank(c->buf, (size_t)p->start, (size_t)p->hdr_end))
			continue;
		if (plain == UINT32_MAX && strcmp(p->type, "text/plain") == 0)
			plain = i;
		else if (html == UINT32_MAX &&
		    strcmp(p->type, "text/html") == 0)
			html = i;
	}
	if (plain != UINT32_MAX && footer_part(c, plain, 0, r) == -1)
		return -1;
	if (html != UINT32_MAX && footer_part(c, html, 1, r) == -1)
		return -1;
	return 0;
}
