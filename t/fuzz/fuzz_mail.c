/*
 * fuzz_mail.c - libFuzzer harness for the mail library's rewrite path
 *
 * The first two bytes of an input choose the policy (marks, subject tag,
 * footers) and which leaf parts are infected (bit i of a 64-bit pattern
 * grown from them marks leaf i); the rest is the message.  The verdict is
 * built as the scan pipeline would name the parts (numbers from the top,
 * ":FILENAME"), with the policy "clean", then mail_decide() runs.  It must
 * decide: 0, or -1 with a DEFER that leaves the message unchanged.  A
 * rewrite must be consistent: the splices sorted and disjoint, applying
 * them to the input gives o->msg exactly, the milter's body lies at its
 * end; every infected leaf of a cleaned message lies inside a replaced
 * range, and every leaf no splice touches is byte-identical at its
 * shifted place.  The output is parsed again.  A broken promise aborts.
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "av/verdict.h"
#include "clients/mail.h"
#include "util/buf.h"
#include "workers/filetype.h"
#include "workers/mime.h"

int	 LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void	 name_of(const struct mime_msg *, uint32_t, char *, size_t);
static void	 check(const struct mail_out *, const struct mime_msg *,
		    const uint8_t *, const uint8_t *, size_t);

/* name_of - the pipeline's name of leaf i (written here on purpose) */
static void
name_of(const struct mime_msg *m, uint32_t i, char *out, size_t len)
{
	uint32_t	 chain[128], n = 0, j, k;
	size_t		 at = 0;
	int		 r;

	for (j = i; j != 0 && j < m->nparts && n < 128; j = m->parts[j].parent)
		chain[n++] = j;
	if (n == 0)
		chain[n++] = 0;
	out[0] = '\0';
	for (k = n; k-- > 0;) {
		const struct mime_part	*p = &m->parts[chain[k]];

		if (p->parent < m->nparts &&
		    (m->parts[p->parent].flags & MIME_F_MESSAGE))
			continue;
		r = snprintf(out + at, len - at, "%s%u%s%s", at ? "/" : "",
		    p->number, p->filename[0] ? ":" : "", p->filename);
		if (r < 0 || (size_t)r >= len - at)
			return;
		at += (size_t)r;
	}
}

/* check - the promises of a rewrite */
static void
check(const struct mail_out *o, const struct mime_msg *m,
    const uint8_t *inf, const uint8_t *msg, size_t len)
{
	struct buf	 b;
	size_t		 i, at = 0, s, e, pos;
	long long	 shift;
	uint32_t	 k;
	int		 touched, inside;

	buf_init(&b);
	for (i = 0; i < o->nedits; i++) {
		const struct mail_edit	*ed = &o->edits[i];

		if (ed->off < at || ed->off + ed->len > len ||
		    ed->data + ed->dlen > o->pool.len)
			abort();
		buf_add(&b, msg + at, ed->off - at);
		buf_add(&b, o->pool.data + ed->data, ed->dlen);
		at = ed->off + ed->len;
	}
	buf_add(&b, msg + at, len - at);
	if (b.failed || b.len != o->msg.len ||
	    (b.len > 0 && memcmp(b.data, o->msg.data, b.len) != 0))
		abort();
	buf_clear(&b);
	if (o->body != NULL && (o->body < o->msg.data ||
	    o->body + o->bodylen != o->msg.data + o->msg.len))
		abort();
	for (k = 0; k < m->nparts; k++) {
		if (m->parts[k].flags & (MIME_F_MULTIPART | MIME_F_MESSAGE))
			continue;
		s = (size_t)m->parts[k].start;
		e = (size_t)m->parts[k].end;
		touched = inside = 0;
		shift = 0;
		for (i = 0; i < o->nedits; i++) {
			const struct mail_edit	*ed = &o->edits[i];

			if (ed->off <= s && e <= ed->off + ed->len &&
			    (ed->len > 0 || s == e))
				inside = 1;
			if (ed->off + ed->len <= s && !(ed->len == 0 &&
			    ed->off == s && e > s))
				shift += (long long)ed->dlen -
				    (long long)ed->len;
			else if (ed->off < e || (ed->off == e && ed->len > 0) ||
			    (ed->off == s && ed->len == 0))
				touched = 1;
		}
		if (inf[k] && o->action == MAIL_CLEAN && !inside)
			abort();
		if (touched || inside)
			continue;
		pos = (size_t)((long long)s + shift);
		if (pos + (e - s) > o->msg.len ||
		    memcmp(o->msg.data + pos, msg + s, e - s) != 0)
			abort();
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char	*rcpts[] = { "r@example.net" };
	struct mail_env		 env = { "fuzz", "s@example.org", rcpts, 1,
				    NULL };
	struct mail_policy	 p;
	struct mime_limits	 ml;
	struct mime_msg		 m, m2;
	struct mail_out		 o;
	struct verdict		 v;
	char			 name[2048], path[2100];
	uint8_t			*inf = NULL;
	uint64_t		 pick;
	const uint8_t		*msg;
	size_t			 len;
	uint32_t		 k, leaf = 0;
	int			 obj, rc;

	if (size < 2)
		return 0;
	pick = (uint64_t)data[1] * 0x9e3779b97f4a7c15ULL;
	msg = data + 2;
	len = size - 2;
	memset(&ml, 0, sizeof(ml));
	if (mime_parse(msg, len, &ml, &m) == -1)
		return 0;
	verdict_init(&v);
	mail_out_init(&o);
	if ((inf = calloc(m.nparts + 1, 1)) == NULL ||
	    verdict_object(&v, UINT32_MAX, "msg", 0, FT_MAIL, len) == -1)
		goto done;
	for (k = 0; k < m.nparts; k++) {
		if (m.parts[k].flags & (MIME_F_MULTIPART | MIME_F_MESSAGE))
			continue;
		name_of(&m, k, name, sizeof(name));
		snprintf(path, sizeof(path), "msg/%s", name);
		if ((obj = verdict_object(&v, 0, path, 1, FT_BINARY,
		    m.parts[k].end - m.parts[k].hdr_end)) == -1)
			goto done;
		if ((pick >> (leaf++ % 64)) & 1) {
			inf[k] = 1;
			if (verdict_infected(&v, (uint32_t)obj, "Fuzz.Test") ==
			    -1)
				goto done;
		} else if (data[0] & 0x80 && (pick >> ((leaf + 7) % 64)) & 1 &&
		    verdict_notscanned(&v, (uint32_t)obj, "encrypted") == -1)
			goto done;
	}
	memset(&p, 0, sizeof(p));
	p.on_infected = MAIL_CLEAN;
	p.on_uncleanable = MAIL_ACCEPT;
	p.on_notscanned = MAIL_ACCEPT;
	p.write_to_header = data[0] & 1;
	p.subject = data[0] & 2 ? "[virus %s]" : "";
	p.write_to_emails = (data[0] & 4) != 0;
	p.template_dir = "";
	p.quarantine_dir = "";
	rc = mail_decide(&p, &env, msg, len, &v, data[0] & 8 ? 7 : 0, &o);
	if (rc == -1) {
		if (o.action != MAIL_DEFER || !o.failed || o.changed)
			abort();
		goto done;
	}
	if (o.action != MAIL_ACCEPT && o.action != MAIL_CLEAN)
		abort();
	if (o.changed)
		check(&o, &m, inf, msg, len);
	else if (o.nedits != 0 || (v.ninfected > 0 && o.action == MAIL_CLEAN))
		abort();
	if (o.changed && mime_parse(o.msg.data, o.msg.len, &ml, &m2) == 0)
		mime_free(&m2);
done:
	free(inf);
	mail_out_free(&o);
	verdict_free(&v);
	mime_free(&m);
	return 0;
}
