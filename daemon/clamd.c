/*
 * clamd.c - the clamd protocol state machine and its replies
 *
 * NAME
 *	clamd - parse clamd commands, INSTREAM chunks and sessions; format
 *	clamd replies
 * DESCRIPTION
 *	One struct clamd per client connection.  Its states:
 *
 *	START	the first byte of a command decides its framing: 'z' (ends
 *		at NUL), 'n' (ends at newline), anything else is an
 *		unprefixed command, allowed only as the first command of a
 *		connection (it ends at newline, NUL or the end of the packet,
 *		which the caller reports with clamd_eop());
 *	LINE	the command's bytes, at most CLAMD_LINE_MAX in all;
 *	FILDES	the one byte that carries the descriptor;
 *	LEN	an INSTREAM chunk length, four bytes, big-endian;
 *	DATA	an INSTREAM chunk's bytes, handed out in place;
 *	DONE	after the last event: input is used and ignored.
 *
 *	Outside a session one command is read and the connection is done
 *	(clamd stops reading after it too); inside IDSESSION commands are
 *	numbered from 1 and read until END or an error.  See
 *	daemon/PROTOCOL-clamd.md.
 * DIAGNOSTICS
 *	None: protocol errors are events, and the reply functions report
 *	memory exhaustion through the buffer's failed flag.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "av/verdict.h"
#include "daemon/clamd.h"
#include "util/buf.h"
#include "util/bytes.h"

#ifndef VIGIL_VERSION
#define VIGIL_VERSION	"0.0.0"
#endif

#define CLAMD_PRODUCT	"ClamAV " CLAMD_COMPAT_VERSION "-Vigil-" VIGIL_VERSION

enum cd_state {
	ST_START = 0,
	ST_LINE,
	ST_FILDES,
	ST_LEN,
	ST_DATA,
	ST_DONE
};

/* command flags */
#define C_ARG		0x01	/* takes a path after one space */
#define C_OLD		0x02	/* allowed unprefixed */
#define C_SESS		0x04	/* allowed inside IDSESSION */

/* clamd 1.4.6's commands, in its VERSIONCOMMANDS order */
static const struct cd_cmd {
	const char		*name;
	enum clamd_evtype	 type;
	unsigned		 flags;
} cd_cmds[] = {
	{ "SCAN", CLAMD_EV_SCAN, C_ARG | C_OLD | C_SESS },
	{ "QUIT", CLAMD_EV_SHUTDOWN, C_OLD },
	{ "RELOAD", CLAMD_EV_RELOAD, C_OLD },
	{ "PING", CLAMD_EV_PING, C_OLD | C_SESS },
	{ "CONTSCAN", CLAMD_EV_CONTSCAN, C_ARG | C_OLD },
	{ "VERSIONCOMMANDS", CLAMD_EV_VERSIONCOMMANDS, C_SESS },
	{ "VERSION", CLAMD_EV_VERSION, C_OLD | C_SESS },
	{ "END", CLAMD_EV_END, C_SESS },
	{ "SHUTDOWN", CLAMD_EV_SHUTDOWN, C_OLD },
	{ "MULTISCAN", CLAMD_EV_MULTISCAN, C_ARG | C_OLD },
	{ "FILDES", CLAMD_EV_FILDES, C_OLD | C_SESS },
	{ "STATS", CLAMD_EV_STATS, C_OLD | C_SESS },
	{ "IDSESSION", CLAMD_EV_IDSESSION, 0 },
	{ "INSTREAM", CLAMD_EV_INSTREAM, C_SESS },
	{ "DETSTATSCLEAR", CLAMD_EV_NOOP, C_OLD },
	{ "DETSTATS", CLAMD_EV_NOOP, C_OLD },
	{ "ALLMATCHSCAN", CLAMD_EV_ALLMATCHSCAN, C_ARG },
};

#define NCMDS		(sizeof(cd_cmds) / sizeof(cd_cmds[0]))

static const char *const cd_errmsg[] = {
	[CLAMD_E_NONE] = NULL,
	[CLAMD_E_UNKNOWN] = "UNKNOWN COMMAND",
	[CLAMD_E_OLDSTYLE] = "Only nCMDS\\n and zCMDS\\0 are accepted inside "
	    "IDSESSION. ERROR",
	[CLAMD_E_INVALID] = "Command invalid inside IDSESSION. ERROR",
	[CLAMD_E_STREAMLIMIT] = "INSTREAM size limit exceeded. ERROR",
	[CLAMD_E_TOOLONG] = "Command too long. ERROR",
	[CLAMD_E_TIMEOUT] = "TIMED OUT WAITING FOR COMMAND",
};

static char	 cd_term(enum clamd_frame);
static void	 cd_ev(struct clamd *, struct clamd_ev *, enum clamd_evtype,
		    uint32_t, char);
static void	 cd_error(struct clamd *, struct clamd_ev *, enum clamd_err,
		    uint32_t, char);
static void	 cd_command(struct clamd *, struct clamd_ev *);
static void	 cd_add(struct buf *, const char *);
static void	 cd_clean(struct buf *, const char *, int);
static void	 cd_begin(struct buf *, const struct clamd_tag *,
		    const char *);
static void	 cd_finish(struct buf *, const struct clamd_tag *);
static void	 cd_product(struct buf *, const struct clamd_dbinfo *);

/* clamd_init - a new connection */
void
clamd_init(struct clamd *c, uint64_t max_stream)
{
	memset(c, 0, sizeof(*c));
	c->state = ST_START;
	c->sterm = '\n';
	c->maxstream = max_stream ? max_stream : CLAMD_STREAM_DEFAULT;
}

/* cd_term - the reply terminator of a framing */
static char
cd_term(enum clamd_frame f)
{
	return f == CLAMD_FRAME_Z ? '\0' : '\n';
}

/* cd_ev - fill an event; the session's tag bookkeeping */
static void
cd_ev(struct clamd *c, struct clamd_ev *ev, enum clamd_evtype type,
    uint32_t id, char term)
{
	ev->type = type;
	ev->frame = c->frame;
	ev->tag.id = id;
	ev->tag.term = term;
	ev->last = 0;
}

/* cd_error - a protocol error: the last event of the connection */
static void
cd_error(struct clamd *c, struct clamd_ev *ev, enum clamd_err err,
    uint32_t id, char term)
{
	cd_ev(c, ev, CLAMD_EV_ERROR, id, term);
	ev->err = err;
	ev->msg = cd_errmsg[err];
	ev->last = 1;
	c->state = ST_DONE;
}

/* cd_command - a complete command line in c->line[0, c->nline) */
static void
cd_command(struct clamd *c, struct clamd_ev *ev)
{
	const struct cd_cmd	*cmd = NULL;
	char			*s = c->line;
	size_t			 n = c->nline, k, i;
	uint32_t		 id = 0;
	char			 term = cd_term(c->frame);

	if (c->frame != CLAMD_FRAME_Z)
		while (n > 0 && (s[n - 1] == '\r' || s[n - 1] == '\n'))
			n--;
	s[n] = '\0';
	c->nline = 0;
	if (c->session) {
		id = c->nextid++;
		c->sterm = term;
	}
	/* an n-command cannot smuggle a NUL into a path */
	if (memchr(s, '\0', n) != NULL) {
		cd_error(c, ev, CLAMD_E_UNKNOWN, id, term);
		return;
	}
	for (i = 0; i < NCMDS; i++) {
		k = strlen(cd_cmds[i].name);
		if (n < k || memcmp(s, cd_cmds[i].name, k) != 0)
			continue;
		if (cd_cmds[i].flags & C_ARG) {
			if (n > k && s[k] == ' ') {
				cmd = &cd_cmds[i];
				break;
			}
		} else if (n == k) {
			cmd = &cd_cmds[i];
			break;
		}
	}
	/* inside a session clamd has one answer for all it refuses */
	if (c->session && (cmd == NULL || !(cmd->flags & C_SESS))) {
		cd_error(c, ev, CLAMD_E_INVALID, id, term);
		return;
	}
	if (cmd == NULL || (c->frame == CLAMD_FRAME_OLD &&
	    !(cmd->flags & C_OLD)) || (!c->session &&
	    cmd->type == CLAMD_EV_END)) {
		cd_error(c, ev, CLAMD_E_UNKNOWN, id, term);
		return;
	}
	if (c->session && !(cmd->flags & C_SESS)) {
		cd_error(c, ev, CLAMD_E_INVALID, id, term);
		return;
	}
	cd_ev(c, ev, cmd->type, id, term);
	if (cmd->flags & C_ARG) {
		k = strlen(cmd->name) + 1;
		ev->arg = s + k;
		ev->arglen = n - k;
	}
	switch (cmd->type) {
	case CLAMD_EV_IDSESSION:
		c->session = 1;
		c->nextid = 1;
		c->sterm = term;
		c->state = ST_START;
		return;
	case CLAMD_EV_END:
		ev->last = 1;
		c->state = ST_DONE;
		return;
	case CLAMD_EV_INSTREAM:
		c->tag = ev->tag;
		c->quota = c->maxstream;
		c->nlen = 0;
		c->state = ST_LEN;
		return;
	case CLAMD_EV_FILDES:
		/* the event comes with the byte that carries the fd */
		c->tag = ev->tag;
		memset(ev, 0, sizeof(*ev));
		c->state = ST_FILDES;
		return;
	default:
		break;
	}
	if (c->session)
		c->state = ST_START;
	else {
		ev->last = 1;
		c->state = ST_DONE;
	}
}

/* clamd_feed - use bytes until an event or the end of data */
size_t
clamd_feed(struct clamd *c, const uint8_t *data, size_t len,
    struct clamd_ev *ev)
{
	const uint8_t	*p;
	size_t		 used = 0, k, room;
	uint32_t	 n;
	uint8_t		 b;

	memset(ev, 0, sizeof(*ev));
	while (used < len) {
		switch (c->state) {
		case ST_START:
			b = data[used];
			if (b == 'z' || b == 'n') {
				c->frame = b == 'z' ? CLAMD_FRAME_Z :
				    CLAMD_FRAME_N;
				used++;
			} else if (c->session) {
				c->frame = CLAMD_FRAME_OLD;
				cd_error(c, ev, CLAMD_E_OLDSTYLE, c->nextid,
				    c->sterm);
				return used + 1;
			} else
				c->frame = CLAMD_FRAME_OLD;
			c->nline = 0;
			c->state = ST_LINE;
			break;
		case ST_LINE:
			room = CLAMD_LINE_MAX - (c->frame == CLAMD_FRAME_OLD ?
			    1 : 2) - c->nline;
			for (k = used; k < len; k++) {
				b = data[k];
				if (b == '\0' || (b == '\n' &&
				    c->frame != CLAMD_FRAME_Z))
					break;
			}
			/* bytes k - used are the command's, data[k] ends it */
			if (k - used > room) {
				cd_error(c, ev, CLAMD_E_TOOLONG, c->session ?
				    c->nextid : 0, cd_term(c->frame));
				return used + room + 1;
			}
			memcpy(c->line + c->nline, data + used, k - used);
			c->nline += k - used;
			if (k == len)
				return len;
			/* a NUL inside an n-command is kept, and refused */
			if (data[k] == '\0' && c->frame == CLAMD_FRAME_N) {
				if (room == k - used) {
					cd_error(c, ev, CLAMD_E_TOOLONG,
					    c->session ? c->nextid : 0, '\n');
					return k + 1;
				}
				c->line[c->nline++] = '\0';
				used = k + 1;
				break;
			}
			used = k + 1;
			cd_command(c, ev);
			if (ev->type != CLAMD_EV_NONE)
				return used;
			break;
		case ST_FILDES:
			cd_ev(c, ev, CLAMD_EV_FILDES, c->tag.id, c->tag.term);
			if (c->session)
				c->state = ST_START;
			else {
				ev->last = 1;
				c->state = ST_DONE;
			}
			return used + 1;
		case ST_LEN:
			while (c->nlen < 4 && used < len)
				c->lenbuf[c->nlen++] = data[used++];
			if (c->nlen < 4)
				return used;
			c->nlen = 0;
			n = get_be32(c->lenbuf);
			if (n == 0) {
				cd_ev(c, ev, CLAMD_EV_STREAM_END, c->tag.id,
				    c->tag.term);
				if (c->session)
					c->state = ST_START;
				else {
					ev->last = 1;
					c->state = ST_DONE;
				}
				return used;
			}
			if (n > c->quota) {
				cd_error(c, ev, CLAMD_E_STREAMLIMIT, c->tag.id,
				    c->tag.term);
				return used;
			}
			c->quota -= n;
			c->chunk = n;
			c->state = ST_DATA;
			break;
		case ST_DATA:
			p = data + used;
			k = len - used;
			if (k > c->chunk)
				k = c->chunk;
			c->chunk -= (uint32_t)k;
			if (c->chunk == 0)
				c->state = ST_LEN;
			cd_ev(c, ev, CLAMD_EV_DATA, c->tag.id, c->tag.term);
			ev->data = p;
			ev->len = k;
			return used + k;
		case ST_DONE:
		default:
			return len;
		}
	}
	return used;
}

/* clamd_eop - the packet ended: an unterminated unprefixed command is whole */
int
clamd_eop(struct clamd *c, struct clamd_ev *ev)
{
	memset(ev, 0, sizeof(*ev));
	if (c->state != ST_LINE || c->frame != CLAMD_FRAME_OLD ||
	    c->nline == 0)
		return 0;
	cd_command(c, ev);
	return ev->type != CLAMD_EV_NONE;
}

/* clamd_timeout - the caller's read timer fired */
int
clamd_timeout(struct clamd *c, struct clamd_ev *ev)
{
	memset(ev, 0, sizeof(*ev));
	switch (c->state) {
	case ST_START:
		cd_error(c, ev, CLAMD_E_TIMEOUT, c->nextid, c->sterm);
		return 1;
	case ST_LINE:
		cd_error(c, ev, CLAMD_E_TIMEOUT, c->session ? c->nextid : 0,
		    cd_term(c->frame));
		return 1;
	case ST_FILDES:
	case ST_LEN:
	case ST_DATA:
		/* the client is sending, not reading: just close */
		cd_error(c, ev, CLAMD_E_TIMEOUT, c->tag.id, c->tag.term);
		ev->msg = NULL;
		return 1;
	default:
		return 0;
	}
}

/* cd_add - append a string */
static void
cd_add(struct buf *b, const char *s)
{
	buf_add(b, s, strlen(s));
}

/* cd_clean - append outside text, control bytes (and colons) made safe */
static void
cd_clean(struct buf *b, const char *s, int nocolon)
{
	const uint8_t	*p = (const uint8_t *)s;
	size_t		 i, run;
	char		 r;

	for (i = 0; p[i] != '\0'; ) {
		for (run = i; p[run] >= 0x20 && p[run] != 0x7f &&
		    !(nocolon && p[run] == ':'); run++)
			;
		buf_add(b, p + i, run - i);
		if (p[run] == '\0')
			break;
		r = p[run] == ':' ? ',' : '?';
		buf_add(b, &r, 1);
		i = run + 1;
	}
}

/* cd_begin - "N: " in a session, then "path: " if there is one */
static void
cd_begin(struct buf *b, const struct clamd_tag *t, const char *path)
{
	char	 id[16];

	if (t->id != 0) {
		snprintf(id, sizeof(id), "%u: ", (unsigned)t->id);
		cd_add(b, id);
	}
	if (path != NULL) {
		cd_clean(b, path, 0);
		cd_add(b, ": ");
	}
}

/* cd_finish - the terminator */
static void
cd_finish(struct buf *b, const struct clamd_tag *t)
{
	buf_add(b, &t->term, 1);
}

/* clamd_reply - "[N: ][path: ]text" */
void
clamd_reply(struct buf *b, const struct clamd_tag *t, const char *path,
    const char *text)
{
	cd_begin(b, t, path);
	cd_add(b, text);
	cd_finish(b, t);
}

/* clamd_reply_ok - "path: OK" */
void
clamd_reply_ok(struct buf *b, const struct clamd_tag *t, const char *path)
{
	clamd_reply(b, t, path, "OK");
}

/* clamd_reply_found - "path: name FOUND" */
void
clamd_reply_found(struct buf *b, const struct clamd_tag *t, const char *path,
    const char *name)
{
	cd_begin(b, t, path);
	cd_clean(b, name, 0);
	cd_add(b, " FOUND");
	cd_finish(b, t);
}

/* clamd_reply_error - "[path: ]msg ERROR" */
void
clamd_reply_error(struct buf *b, const struct clamd_tag *t, const char *path,
    const char *msg)
{
	cd_begin(b, t, path);
	cd_clean(b, msg, 0);
	cd_add(b, " ERROR");
	cd_finish(b, t);
}

/* clamd_reply_notscanned - "path: Not scanned (reason). ERROR" */
void
clamd_reply_notscanned(struct buf *b, const struct clamd_tag *t,
    const char *path, const char *reason)
{
	cd_begin(b, t, path);
	cd_add(b, "Not scanned (");
	cd_clean(b, reason != NULL && reason[0] != '\0' ? reason : "unknown",
	    1);
	cd_add(b, "). ERROR");
	cd_finish(b, t);
}

/* clamd_reply_verdict - a verdict as clamd lines */
void
clamd_reply_verdict(struct buf *b, const struct clamd_tag *t,
    const char *path, const struct verdict *v, int allmatch)
{
	const char	*name, *prev;
	uint32_t	 o, k, h, o2, k2, h2;
	int		 nfound = 0, dup;

	if (v->status == AV_INFECTED) {
		for (o = 0; o < v->nobj; o++) {
			for (k = 0; (h = verdict_hit(v, o, k)) != UINT32_MAX;
			    k++) {
				name = verdict_name(v, h);
				dup = 0;
				/* one line per name, first seen first */
				for (o2 = 0; o2 <= o && !dup; o2++)
					for (k2 = 0; (h2 = verdict_hit(v, o2,
					    k2)) != UINT32_MAX; k2++) {
						if (o2 == o && k2 == k)
							break;
						prev = verdict_name(v, h2);
						if (strcmp(prev, name) == 0) {
							dup = 1;
							break;
						}
					}
				if (dup)
					continue;
				clamd_reply_found(b, t, path, name);
				if (!allmatch)
					return;
				nfound++;
			}
		}
		if (nfound == 0)
			clamd_reply_found(b, t, path, "Vigil.Unnamed");
		return;
	}
	if (v->status == AV_NOTSCANNED) {
		for (o = 0; o < v->nobj; o++)
			if (verdict_reason(v, o)[0] != '\0')
				break;
		clamd_reply_notscanned(b, t, path, o < v->nobj ?
		    verdict_reason(v, o) : NULL);
		return;
	}
	clamd_reply_ok(b, t, path);
}

/* clamd_reply_dirend - "dir: OK" only when all of it was clean */
void
clamd_reply_dirend(struct buf *b, const struct clamd_tag *t,
    const char *path, unsigned ninfected, unsigned nerrors)
{
	if (ninfected == 0 && nerrors == 0)
		clamd_reply_ok(b, t, path);
}

/* cd_product - "ClamAV 1.4.6-Vigil-x.y.z[/serial/date]" */
static void
cd_product(struct buf *b, const struct clamd_dbinfo *db)
{
	char		 s[96], date[64];
	struct tm	 tm;
	time_t		 when;

	cd_add(b, CLAMD_PRODUCT);
	if (db == NULL || db->serial == 0)
		return;
	when = (time_t)db->time;
	if (gmtime_r(&when, &tm) == NULL ||
	    strftime(date, sizeof(date), "%a %b %e %H:%M:%S %Y", &tm) == 0) {
		when = 0;
		gmtime_r(&when, &tm);
		strftime(date, sizeof(date), "%a %b %e %H:%M:%S %Y", &tm);
	}
	snprintf(s, sizeof(s), "/%llu/%s", (unsigned long long)db->serial,
	    date);
	cd_add(b, s);
}

/* clamd_reply_version - VERSION, or VERSIONCOMMANDS */
void
clamd_reply_version(struct buf *b, const struct clamd_tag *t,
    const struct clamd_dbinfo *db, int commands)
{
	size_t	 i;

	cd_begin(b, t, NULL);
	cd_product(b, db);
	if (commands) {
		cd_add(b, "| COMMANDS:");
		for (i = 0; i < NCMDS; i++) {
			cd_add(b, " ");
			cd_add(b, cd_cmds[i].name);
		}
	}
	cd_finish(b, t);
}

/* clamd_reply_stats - the STATS block, in the shape clamdtop reads */
void
clamd_reply_stats(struct buf *b, const struct clamd_tag *t,
    const struct clamd_stats *st)
{
	char	 s[256];
	size_t	 i;

	cd_begin(b, t, NULL);
	snprintf(s, sizeof(s), "POOLS: 1\n\nSTATE: VALID PRIMARY\n"
	    "THREADS: live %u  idle %u max %u idle-timeout %u\n"
	    "QUEUE: %u items\n", st->live, st->idle, st->max,
	    st->idle_timeout, st->queue);
	cd_add(b, s);
	for (i = 0; i < st->ntasks; i++) {
		cd_add(b, "\t");
		cd_clean(b, st->tasks[i].cmd != NULL ? st->tasks[i].cmd :
		    "SCAN", 0);
		snprintf(s, sizeof(s), " %f ", st->tasks[i].secs);
		cd_add(b, s);
		cd_clean(b, st->tasks[i].path != NULL ? st->tasks[i].path :
		    "", 0);
		cd_add(b, "\n");
	}
	snprintf(s, sizeof(s), "\nMEMSTATS: heap N/A mmap N/A used N/A "
	    "free N/A releasable N/A pools 1 pools_used %.3fM "
	    "pools_total %.3fM\nEND", (double)st->pool_used / 1048576.0,
	    (double)st->pool_total / 1048576.0);
	cd_add(b, s);
	cd_finish(b, t);
}
