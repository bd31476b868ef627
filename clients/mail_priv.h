/*
 * mail_priv.h - what the files of the mail library share (not an API)
 *
 * DESCRIPTION
 *	mail.c decides and splices, mail_tmpl.c expands templates and puts
 *	footers into text parts, mail_daemon.c talks to vigild,
 *	mail_quar.c keeps originals.  struct mctx is the state of one
 *	mail_decide() call.
 * PROCESS
 *	as mail.h.
 */
#ifndef VIGIL_MAIL_PRIV_H
#define VIGIL_MAIL_PRIV_H

#include <stddef.h>
#include <stdint.h>

#include "clients/mail.h"
#include "util/buf.h"
#include "workers/mime.h"

#ifndef VIGIL_VERSION
#define VIGIL_VERSION	"0.0.0"
#endif

#define MAIL_MAXFIND	100		/* %FINDINGS% lines */

struct mctx {
	const struct mail_policy *p;
	const struct mail_env	*e;
	const uint8_t		*buf;
	size_t			 len;
	const struct verdict	*v;
	uint64_t		 serial;
	struct mail_out		*o;
	struct mime_msg		 m;
	int			 parsed;
	const char		*eol;		/* "\n" or "\r\n" */
	size_t			 eollen;
	uint8_t			*removed;	/* per part: replaced */
	uint32_t		*objunit;	/* per object: its removed part */
	size_t			*nameoff;	/* per part: in names, or
						   SIZE_MAX */
	struct buf		 names;		/* the pipeline's leaf names */
	uint32_t		*seq;		/* per edit: order of adding */
	size_t			 capedits;
	uint32_t		 nseq;
};

int	 mctx_edit(struct mctx *, size_t, size_t, const void *, size_t);
int	 mail_footers(struct mctx *);
void	 mail_scanner_name(const struct mctx *, char *, size_t);
int	 mail_findings(const struct mctx *, int, struct buf *);
int	 mail_qp_encode(const uint8_t *, size_t, const char *, struct buf *);
int	 mail_b64_encode(const uint8_t *, size_t, const char *, struct buf *);
int	 mail_eol_text(const uint8_t *, size_t, const char *, struct buf *);
const char *mail_objpath(const struct verdict *, uint32_t);

#endif
