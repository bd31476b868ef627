/*
 * mail.h - the mail library: scan one message through vigild, decide by
 *	the policy, rewrite it surgically
 *
 * SYNOPSIS
 *	void	 mail_policy_conf(struct mail_policy *p,
 *		    const struct conf_view *v);
 *	void	 mail_out_init(struct mail_out *o);
 *	void	 mail_out_free(struct mail_out *o);
 *	int	 mail_scan(const struct mail_policy *p,
 *		    const struct mail_env *e, const uint8_t *msg, size_t len,
 *		    int fd, struct mail_out *o);
 *	void	 mail_request(const struct mail_env *e, struct mail_req *r);
 *	void	 mail_conn_init(struct mail_conn *c);
 *	void	 mail_conn_close(struct mail_conn *c);
 *	int	 mail_scan_conn(const struct mail_policy *p,
 *		    const struct mail_env *e, const uint8_t *msg, size_t len,
 *		    int fd, struct mail_conn *c, struct mail_out *o);
 *	int	 mail_verdict(const struct mail_policy *p,
 *		    const struct mail_env *e, const uint8_t *msg, size_t len,
 *		    int fd, struct verdict *v, uint64_t *serial,
 *		    char *err, size_t errlen);
 *	int	 mail_decide(const struct mail_policy *p,
 *		    const struct mail_env *e, const uint8_t *msg, size_t len,
 *		    const struct verdict *v, uint64_t serial,
 *		    struct mail_out *o);
 *	int	 mail_quarantine(const char *dir, const struct mail_env *e,
 *		    const uint8_t *msg, size_t len, const char *meta,
 *		    char *path, size_t pathlen);
 *	int	 mail_template(const char *dir, const char *name,
 *		    struct buf *out);
 *	const char	*mail_action_str(enum mail_action a);
 *	const char	*mail_result_str(enum mail_result r);
 * DESCRIPTION
 *	One message, whole, in memory (or an mmap'd spool file): msg[0, len).
 *	It may start with an mbox "From " line; its lines may end with LF or
 *	CRLF (the first line end of the header block decides the style of
 *	every line this library writes).
 *
 *	Policy.  mail_policy_conf() fills p from a conf_view() of the agent's
 *	section and the recipient (conf/conf.h): action_on_infected,
 *	action_on_uncleanable, action_on_notscanned, write_to_header,
 *	write_to_subject, write_to_emails, template_dir, quarantine_dir,
 *	max_message_size, daemon_addr, daemon_timeout.  Its strings point
 *	into the configuration.  Tests and agents may also fill p by hand.
 *
 *	Scanning.  mail_scan() is mail_verdict() then mail_decide().
 *	mail_verdict() asks vigild for the verdict tree of the message
 *	(NATIVE_F_ALLMATCH, so that every infected part is known): it tries
 *	the addresses of p->daemons in order (an absolute path is a unix
 *	socket, HOST:PORT a TCP address) and takes the first answer; each
 *	send and each reply may take p->timeout_ms.  fd, if not -1, holds
 *	the same bytes as msg and is passed to a local daemon instead of
 *	streaming msg.  A message larger than p->max_message_size is not
 *	sent at all: the verdict is then one object not scanned, "limit:
 *	message size"; so is a message larger than vigild's
 *	max_stream_size.  *serial is the database serial vigild reports, 0
 *	when it does not say.
 *
 *	mail_request() fills r->rq with the scan request mail_verdict()
 *	sends for e (agent, first recipient, user, NATIVE_F_ALLMATCH; the
 *	strings cut to fit and control bytes as '_', kept in r), for
 *	agents that drive vclient themselves (vigil-smtpd's pipelined
 *	scans, clients/smtp_scan.h).
 *
 *	Kept connections.  mail_scan_conn() is mail_scan() for an agent that
 *	scans message after message (one struct mail_conn per thread): the
 *	connection that answered stays open in c, and the next call sends
 *	its request on it first, when its address is still among the
 *	policy's daemon addresses; when that fails in any way (vigild
 *	restarted, the connection timed out) it is closed and the daemons
 *	are tried in order as mail_verdict() does, so a scan is at worst
 *	sent twice, never lost.  mail_conn_init() prepares c,
 *	mail_conn_close() closes what it holds (safe twice).
 *
 *	Decision.  mail_decide() takes a verdict (from mail_verdict(), or
 *	built by hand with verdict_object() and verdict_infected()) and
 *	fills o:
 *	  verdict clean        ACCEPT, result clean;
 *	  verdict not scanned  action_on_notscanned, result not scanned;
 *	  verdict infected     action_on_infected, result infected; when
 *			       that is "clean", every infected MIME part is
 *			       replaced by a short text/plain notice naming
 *			       its file and what was found (result cleaned,
 *			       action CLEAN).  A finding that cannot be
 *			       mapped to a removable part (the message is not
 *			       multipart, the finding is in the message
 *			       itself, the verdict names parts the message
 *			       does not have) makes the message uncleanable:
 *			       action_on_uncleanable decides, and "clean"
 *			       there means REJECT.  After a clean, objects
 *			       not scanned outside the removed parts bring
 *			       action_on_notscanned in: accept or clean keep
 *			       the cleaned message, any other action applies
 *			       to the original.
 *	"clean" as action_on_notscanned is "accept" (nothing to remove).
 *	An infected part is the nearest ancestor (or self) of the finding
 *	whose parent is a multipart; a message/rfc822 part whose enclosed
 *	message is not multipart goes as a whole.
 *
 *	o->action is what the agent does: ACCEPT and CLEAN deliver (o->changed
 *	says whether the message was rewritten), REJECT refuses permanently,
 *	DEFER temporarily, DISCARD accepts and drops, QUARANTINE accepts and
 *	keeps the original in quarantine_dir without delivering it.
 *	o->result is the word of X-Vigil-Result: "clean", "infected"
 *	(delivered infected, by action_on_infected = accept or
 *	action_on_uncleanable = accept), "cleaned" (parts removed), "not
 *	scanned"; "deleted" is the result of a message that is not delivered
 *	(reject, discard, quarantine; for the logs and the metadata).
 *	o->reason is one line for logs and replies ("Virus found: NAME",
 *	"Not scanned: REASON", "Temporary failure: WHY"); o->virus the first
 *	signature name found, or "".
 *
 *	Marks, on delivered messages only.  write_to_header: the fields
 *	"X-Vigil-Result: WORD" and "X-Virus-Scanner: Vigil VERSION (SERIAL)"
 *	("(SERIAL)" left out when serial is 0).  write_to_subject: the
 *	template expanded (one "%s" is the first virus name, "%%" a '%') and a
 *	space are put before the subject's text, only on infected and cleaned
 *	messages; a message without Subject gets one.  write_to_emails: the
 *	templates sig_header_R.EXT and sig_footer_R.EXT from template_dir
 *	(R: clean, infected (also for cleaned), not_scanned; EXT: txt for
 *	text/plain, html for text/html) go at the start and the end of the
 *	first text/plain and the first text/html part that are not
 *	attachments nor inside a forwarded message (after <body ...> and
 *	before </body> in HTML), encoded as the part is (7bit/8bit/binary,
 *	quoted-printable, base64).  A file that does not exist gives the
 *	built-in default (conf/sig_*.example hold the same texts).  In the
 *	templates, %RESULT% is the result word, %VIRUSES% the signature
 *	names (comma separated), %FINDINGS% one line per infected or not
 *	scanned object ("OBJECT: NAME"; HTML-escaped in .html), %SCANNER%
 *	"Vigil VERSION (SERIAL)".
 *
 *	Rewrites are surgical: every byte not named by an edit stays as it
 *	was.  New fields go into the top header block after a leading "From "
 *	line and the delivery fields at its top (Return-Path, Delivered-To,
 *	X-Original-To), before the first other field.  Existing
 *	X-Vigil-Result fields are left alone.  The result comes in three
 *	forms, all in o: o->msg, the whole rewritten message; o->edits, the
 *	same change as splices of the original (sorted, disjoint: the bytes
 *	[off, off + len) of msg are replaced by o->pool.data[data, data +
 *	dlen)); and for a milter, o->add (fields to insert: name, value
 *	without line end, index = how many fields of the header precede it,
 *	the "From " line not counted), o->chg (fields to change: name, index
 *	among fields of that name counted from 1, the new value; continuation
 *	lines joined by "\n" without CR, the blank after the colon left out)
 *	and o->body/o->bodylen (the new body, from after the empty line that
 *	ends the header block, or NULL when the body is unchanged).
 *	o->changed is 0 when the message goes out unchanged.  A caller that
 *	sends the original and the splices itself sets o->edits_only
 *	(mail_out_free() and mail_decide() keep it): o->msg and o->body are
 *	then not built, which saves a copy of the whole message.
 *
 *	Quarantine.  When the action is QUARANTINE, and before a message is
 *	cleaned, the original is stored by mail_quarantine() in
 *	quarantine_dir (an empty quarantine_dir: no copy before a clean,
 *	DEFER for QUARANTINE); o->qpath names the file.  mail_quarantine()
 *	creates DIR/vigil-YYYYMMDDTHHMMSS-XXXXXX.eml with O_EXCL, mode 0600,
 *	writes msg, fsyncs it, then the metadata file beside it (same name,
 *	".meta": Date, Sender, Recipient lines, then the text meta), fsyncs
 *	it and the directory.
 *
 *	mail_template() appends the file dir/name to out (at most 64 KiB).
 *	mail_out_init() prepares o, mail_out_free() releases what it holds
 *	(o may be reused after it).  mail_action_str() and
 *	mail_result_str() give the words above.
 * ERRORS
 *	mail_scan() and mail_decide() always decide: they return 0, or -1
 *	with errno when an internal failure (ENOMEM, a quarantine that
 *	cannot be written, vigild unreachable, a template that cannot be
 *	read for another reason than ENOENT) made the decision DEFER, with
 *	o->reason saying why; the message is then never changed.
 *	mail_verdict() returns 0, or -1 with errno and a text in err (every
 *	address failed: the last failure).  mail_quarantine() returns 0, or
 *	-1 with errno (files it made are removed).  mail_template() returns
 *	0, -1 with errno ENOENT (no such file), EFBIG, or what open(2) and
 *	read(2) say.  Nothing here logs or exits; no global state.
 * PROCESS
 *	the mail agents (vigil-mda, vigil-pipe, vigil-smtpd, vigil-milter);
 *	one struct mail_out per message and thread.
 */
#ifndef VIGIL_MAIL_H
#define VIGIL_MAIL_H

#include <limits.h>
#include <stddef.h>
#include <stdint.h>

#include "av/verdict.h"
#include "clients/vclient.h"
#include "util/buf.h"

struct conf_view;

/* in the order of the schema's words: conf_get_enum() gives them */
enum mail_action {
	MAIL_ACCEPT = 0,
	MAIL_REJECT,
	MAIL_DEFER,
	MAIL_DISCARD,
	MAIL_CLEAN,
	MAIL_QUARANTINE
};

enum mail_result {
	MAIL_R_CLEAN = 0,
	MAIL_R_INFECTED,
	MAIL_R_CLEANED,
	MAIL_R_DELETED,
	MAIL_R_NOTSCANNED
};

#define MAIL_TMPLMAX	(64 * 1024)	/* bytes of a template file */

struct mail_policy {
	enum mail_action	 on_infected;
	enum mail_action	 on_uncleanable;
	enum mail_action	 on_notscanned;
	int			 write_to_header;
	const char		*subject;	/* "" or NULL: none */
	int			 write_to_emails;
	const char		*template_dir;
	const char		*quarantine_dir; /* "" or NULL: none */
	uint64_t		 max_message_size; /* 0: no limit */
	const char *const	*daemons;
	size_t			 ndaemons;
	int			 timeout_ms;	/* -1: none */
};

/* a connection to vigild kept between messages (mail_scan_conn) */
struct mail_conn {
	struct vclient		 vc;
	int			 open;
	int			 local;		/* a unix socket */
	char			 addr[PATH_MAX];	/* the daemon_addr */
};

/* a scan request as mail_verdict() sends it (mail_request) */
#define MAIL_REQSTR	1000		/* below NATIVE_MAXNAME */

struct mail_req {
	struct native_req	 rq;
	char			 agent[64];
	char			 rcpt[MAIL_REQSTR];
	char			 user[MAIL_REQSTR];
};

/* the envelope, for vigild's request and the quarantine's metadata */
struct mail_env {
	const char		*agent;		/* "mda", "smtp", ... */
	const char		*sender;	/* NULL: unknown */
	const char *const	*rcpts;
	size_t			 nrcpts;
	const char		*user;		/* NULL: none */
};

/* bytes [off, off + len) of the original become pool[data, data + dlen) */
struct mail_edit {
	size_t			 off;
	size_t			 len;
	size_t			 data;
	size_t			 dlen;
};

struct mail_hdr {
	char			*name;
	char			*value;
	uint32_t		 index;
};

struct mail_out {
	enum mail_action	 action;
	enum mail_result	 result;
	int			 failed;	/* DEFER by an internal failure */
	char			 reason[512];
	char			 virus[256];
	uint64_t		 serial;
	uint32_t		 nremoved;	/* parts replaced by notices */
	char			 qpath[PATH_MAX]; /* "" : no copy kept */
	int			 changed;
	int			 edits_only;	/* no o->msg, o->body */
	struct buf		 msg;		/* the rewritten message */
	struct mail_edit	*edits;
	size_t			 nedits;
	struct buf		 pool;
	struct mail_hdr		*add;
	size_t			 nadd;
	struct mail_hdr		*chg;
	size_t			 nchg;
	const uint8_t		*body;		/* into msg, NULL: unchanged */
	size_t			 bodylen;
};

void		 mail_policy_conf(struct mail_policy *,
		    const struct conf_view *);
void		 mail_out_init(struct mail_out *);
void		 mail_out_free(struct mail_out *);
int		 mail_scan(const struct mail_policy *, const struct mail_env *,
		    const uint8_t *, size_t, int, struct mail_out *);
int		 mail_scan_conn(const struct mail_policy *,
		    const struct mail_env *, const uint8_t *, size_t, int,
		    struct mail_conn *, struct mail_out *);
void		 mail_request(const struct mail_env *, struct mail_req *);
void		 mail_conn_init(struct mail_conn *);
void		 mail_conn_close(struct mail_conn *);
int		 mail_verdict(const struct mail_policy *,
		    const struct mail_env *, const uint8_t *, size_t, int,
		    struct verdict *, uint64_t *, char *, size_t);
int		 mail_decide(const struct mail_policy *,
		    const struct mail_env *, const uint8_t *, size_t,
		    const struct verdict *, uint64_t, struct mail_out *);
int		 mail_quarantine(const char *, const struct mail_env *,
		    const uint8_t *, size_t, const char *, char *, size_t);
int		 mail_template(const char *, const char *, struct buf *);
const char	*mail_action_str(enum mail_action);
const char	*mail_result_str(enum mail_result);

#endif
