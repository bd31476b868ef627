/*
 * fuzz_wire.c - libFuzzer harness for lib/util/msg.c and lib/av/wire.c
 *
 * The input is used twice.  First as the payload of a MSG_VERDICT, given
 * straight to wire_get_verdict(), the supervisor's decoder of what a
 * worker says.  Then, after its first byte (which picks a chunk size), as
 * a byte stream written to a socketpair piece by piece and framed by a
 * msgbuf; each complete message goes to the decoder of its type.  Whatever
 * decodes must re-encode to exactly the payload it came from, and a
 * decoded verdict must keep the promises of verdict.h and wire.h: one
 * root first, parents before children, depths one more than the parent's,
 * statuses in range and equal to what the names and reasons say, the
 * input's status the highest, the counts right, bounded strings.  A broken
 * promise aborts, which libFuzzer reports.
 */
#include <sys/types.h>
#include <sys/socket.h>

#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "av/msgtypes.h"
#include "av/verdict.h"
#include "av/wire.h"
#include "util/msg.h"
#include "workers/pipeline.h"

#define FZ_FD		1000		/* a stand-in descriptor, never used */

int	 LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void	 fz_same(const struct msg *, const struct msg *);
static void	 fz_check(const struct verdict *);
static void	 fz_verdict(struct msg *, struct verdict *);
static void	 fz_dispatch(struct msg *, struct verdict *);
static void	 fz_stream(const uint8_t *, size_t, struct verdict *);

/* fz_same - a re-encoding equals the payload it came from */
static void
fz_same(const struct msg *in, const struct msg *out)
{
	if (out->failed || out->len != in->len ||
	    (in->len > 0 && memcmp(in->data, out->data, in->len) != 0))
		abort();
}

/* fz_check - the invariants of a decoded verdict */
static void
fz_check(const struct verdict *v)
{
	const struct av_object	*o;
	uint32_t		 i, k, h, inf = 0, ns = 0;
	uint8_t			 top = AV_CLEAN;

	if (v->nobj < 1 || v->nobj > WIRE_MAXOBJ ||
	    v->nhits > WIRE_MAXALLHITS || v->obj[0].parent != UINT32_MAX ||
	    v->obj[0].depth != 0)
		abort();
	for (i = 0; i < v->nobj; i++) {
		o = &v->obj[i];
		if (i > 0 && (o->parent >= i ||
		    o->depth != v->obj[o->parent].depth + 1))
			abort();
		if (strlen(verdict_path(v, i)) > WIRE_MAXSTR ||
		    strlen(verdict_reason(v, i)) > WIRE_MAXSTR)
			abort();
		if (o->status > AV_INFECTED || o->nhits > WIRE_MAXHITS ||
		    (o->status == AV_INFECTED) != (o->nhits > 0))
			abort();
		if (o->status == AV_NOTSCANNED &&
		    verdict_reason(v, i)[0] == '\0')
			abort();
		if (o->status == AV_CLEAN && o->reason != 0)
			abort();
		for (k = 0; k < o->nhits; k++) {
			if ((h = verdict_hit(v, i, k)) >= v->nhits ||
			    verdict_name(v, h)[0] == '\0' ||
			    strlen(verdict_name(v, h)) > WIRE_MAXSTR)
				abort();
		}
		if (verdict_hit(v, i, o->nhits) != UINT32_MAX)
			abort();
		inf += o->status == AV_INFECTED;
		ns += o->status == AV_NOTSCANNED;
		if (o->status > top)
			top = o->status;
	}
	if (v->status != top || v->ninfected != inf || v->nnotscanned != ns)
		abort();
}

/* fz_verdict - decode a verdict payload; check and re-encode a good one */
static void
fz_verdict(struct msg *m, struct verdict *v)
{
	struct msg	*out;

	if (wire_get_verdict(m, v) == -1) {
		if ((errno != EBADMSG && errno != ENOMEM) || v->nobj != 0)
			abort();
		return;
	}
	fz_check(v);
	if ((out = msg_new(MSG_VERDICT, 0, 0)) == NULL)
		abort();
	if (wire_put_verdict(out, v) == -1)
		abort();
	fz_same(m, out);
	msg_free(out);
}

/* fz_dispatch - one framed message to the decoder of its type */
static void
fz_dispatch(struct msg *m, struct verdict *v)
{
	struct scan_limits	 lim;
	struct wire_job		 j;
	struct wire_module	 mod;
	struct wire_stats	 st;
	struct msg		*out;
	const char		*text;
	uint32_t		 code;
	int			 level, rc = -1;

	if (m->hdr.len != MSG_HDRSIZE + m->len || m->fd != -1)
		abort();
	(void)msg_type_str(m->hdr.type);
	if (m->hdr.type == MSG_VERDICT) {
		fz_verdict(m, v);
		return;
	}
	if ((out = msg_new(m->hdr.type, 0, 0)) == NULL)
		abort();
	m->fd = FZ_FD;		/* jobs and modules need one */
	switch (m->hdr.type) {
	case MSG_JOB:
		if ((rc = wire_get_job(m, &j, &lim)) == 0)
			rc = wire_put_job(out, &j, &lim);
		break;
	case MSG_MODULES:
		if ((rc = wire_get_module(m, &mod)) == 0)
			rc = wire_put_module(out, &mod);
		break;
	}
	if (msg_take_fd(m) != FZ_FD)
		abort();
	switch (m->hdr.type) {
	case MSG_LOG:
		if ((rc = wire_get_log(m, &level, &text)) == 0)
			rc = wire_put_log(out, level, text);
		break;
	case MSG_STATS:
		if ((rc = wire_get_stats(m, &st)) == 0)
			rc = wire_put_stats(out, &st);
		break;
	case MSG_ERROR:
		if ((rc = wire_get_error(m, &code, &text)) == 0)
			rc = wire_put_error(out, code, text);
		break;
	}
	if (rc == 0)
		fz_same(m, out);
	msg_free(out);
}

/* fz_stream - the bytes through a socketpair, in chunks, framed */
static void
fz_stream(const uint8_t *buf, size_t len, struct verdict *v)
{
	struct msgbuf	 mb;
	struct msg	*m;
	size_t		 chunk, off, n, got;
	ssize_t		 r;
	int		 sv[2], rc = 0;

	chunk = buf[0] % 17 == 0 ? 4096 : buf[0] % 17;
	buf++;
	len--;
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    0, sv) == -1)
		abort();
	msgbuf_init(&mb, sv[1], 0);
	for (off = 0; off < len && rc != -1; off += n) {
		n = len - off < chunk ? len - off : chunk;
		if (write(sv[0], buf + off, n) != (ssize_t)n)
			abort();
		for (got = 0; got < n && rc != -1; got += (size_t)r) {
			if ((r = msgbuf_read(&mb)) <= 0)
				abort();
			while ((rc = msgbuf_get(&mb, &m)) == 1) {
				fz_dispatch(m, v);
				msg_free(m);
			}
			if (rc == -1 && errno != EBADMSG &&
			    errno != EMSGSIZE)
				abort();
		}
	}
	close(sv[0]);
	/* what is left is an incomplete message, or the stream broke */
	if (msgbuf_recv(&mb, &m, 0) == 1)
		abort();
	msgbuf_clear(&mb);
	close(sv[1]);
}

/* LLVMFuzzerTestOneInput - one input */
int
LLVMFuzzerTestOneInput(const uint8_t *buf, size_t len)
{
	struct verdict	 v;
	struct msg	 m;

	if (len > MSG_MAXSIZE - MSG_HDRSIZE)
		return 0;
	verdict_init(&v);
	memset(&m, 0, sizeof(m));
	m.hdr.type = MSG_VERDICT;
	m.hdr.len = (uint32_t)(MSG_HDRSIZE + len);
	m.fd = -1;
	m.data = (uint8_t *)buf;	/* read only: nothing writes it */
	m.len = m.cap = len;
	fz_verdict(&m, &v);
	if (len > 0)
		fz_stream(buf, len, &v);
	verdict_free(&v);
	return 0;
}
