/*
 * archive.c - members of containers and compressed streams (libarchive)
 *
 * DESCRIPTION
 *	One libarchive read handle per walk, over the caller's buffer
 *	(archive_read_open_memory; libarchive seeks in it for zip's central
 *	directory).  Nothing here opens a file, and nothing may make
 *	libarchive open one or start a program:
 *	- formats are enabled one by one: every archive format listed in
 *	  archive.h, then "raw" (lowest bid, so a .tar.gz is read as tar);
 *	  mtree is left out on purpose, since its reader opens the files its
 *	  text names, and so are warc and the "empty" format;
 *	- filters are enabled one by one, never with _filter_all(): lrzip and
 *	  grzip only ever run an external program, and uu would turn any text
 *	  with a uuencoded block into an archive (the pipeline decodes those
 *	  itself).  Each remaining _support_filter_*() call returns
 *	  ARCHIVE_WARN when this libarchive build would run an external
 *	  program for it (lzop on Debian, which has no liblzo); the handle is
 *	  then thrown away and built again with only the filters that
 *	  answered ARCHIVE_OK.
 *	- no passphrase and no passphrase callback are ever given.
 *
 *	"raw" bids on anything, so it is accepted only behind a decompression
 *	filter: raw over no filter is a plain file (text, an executable),
 *	not an archive, and the walk fails with ARC_CORRUPT "not an archive"
 *	without a member.  Raw's one member, "data" in libarchive, has the
 *	empty name.
 *
 *	Reading a member.  The bytes kept are capped by the smallest of
 *	max_entry, what is left of max_total, and the ratio bound (max_ratio
 *	times len, at least 1 MiB); archive_read_data() is asked for no more
 *	than fits under the cap, into one buffer that grows by doubling and
 *	is reused from member to member.  Past the cap, one more read tells
 *	whether the member goes on (e->truncated).  When the cap was
 *	max_entry and max_ratio is set, the rest of the member is still read
 *	(and dropped) up to the ratio bound: libarchive would decompress it
 *	anyway to skip it in a compressed tar or a solid 7z or rar, and a
 *	bomb must not hide behind a small max_entry.  Skipped entries
 *	(directories, links, devices) are drained the same way.  So no member
 *	costs more than the ratio bound in decompression, whatever its
 *	headers claim.
 *
 *	A total budget of 0 left does not end the walk by itself: an empty
 *	member still fits and is delivered; a member with a byte in it is
 *	not delivered (nothing of it fits) and the walk stops with
 *	ARC_LIMIT_TOTAL.
 *
 *	Links.  A hard link that carries no data (tar, and cpio except for
 *	the last name of a link set) is skipped like a symbolic link; one
 *	that carries the data (cpio's last name) is a regular member.
 *
 *	Errors.  A member whose data read fails is not delivered: its
 *	bytes are not known to be right.  An error that names encryption (a
 *	passphrase, a password) makes it an encrypted member instead.  When
 *	libarchive can go on after an entry's failure (ARCHIVE_WARN,
 *	ARCHIVE_FAILED, ARCHIVE_RETRY) the walk goes on, and ends with
 *	ARC_CORRUPT unless a limit, the callback or an encrypted member
 *	decided otherwise; ARCHIVE_FATAL ends it at once, with ARC_CORRUPT
 *	or, for an error about encryption or when libarchive has seen
 *	encrypted entries, ARC_ENCRYPTED.  An archive whose headers keep
 *	failing stops after ARC_MAXFAIL failures in a row.  res->reason keeps
 *	the first error, with control characters replaced.
 *
 *	Names.  archive_entry_pathname_utf8() first (libarchive keeps zip,
 *	7z, rar, xar and pax names in UTF-8), archive_entry_pathname() when
 *	it has none.  Backslashes become "/" (cab and DOS-made zip and lha
 *	names); a name cut at ARC_MAXNAME - 1 bytes is cut before a UTF-8
 *	continuation byte.
 *
 *	Out of memory: our own allocations, and libarchive errors whose
 *	errno is ENOMEM, end the walk with -1 and ENOMEM.  (libarchive itself
 *	calls exit(1) when an archive_entry accessor cannot allocate; that
 *	cannot be changed from here.)
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <archive.h>
#include <archive_entry.h>

#include "workers/archive.h"

#define ARC_FIRSTBUF	(64 * 1024)	/* first member buffer */
#define ARC_SCRATCH	(16 * 1024)	/* dropped bytes, per read */
#define ARC_RATIOMIN	(1024 * 1024)	/* the ratio bound's floor */
#define ARC_MAXFAIL	64		/* failed headers in a row */
#define ARC_NOLIMIT	UINT64_MAX

/* what reading one member's data ended with */
enum arc_rd {
	RD_DONE,		/* all of it */
	RD_CUT,			/* cut at the cap, the member goes on */
	RD_BOMB,		/* passed the ratio bound */
	RD_ERROR		/* libarchive failed (see rc) */
};

/* which bound the cap of a member is */
enum arc_cap {
	CAP_NONE,
	CAP_ENTRY,
	CAP_TOTAL,
	CAP_RATIO
};

struct arc_walk {
	struct archive		*a;
	const struct arc_limits	*lim;
	struct arc_result	*res;
	int			(*cb)(void *, const struct arc_entry *);
	void			*arg;
	uint64_t		 ratio;		/* ratio bound, or ARC_NOLIMIT */
	uint8_t			*buf;		/* member data */
	size_t			 bufsz;
	size_t			 len;		/* bytes in buf */
	uint64_t		 seen;		/* bytes of the member read */
	int			 rc;		/* libarchive's code on RD_ERROR */
	int			 encrypted;	/* an encrypted member was seen */
	int			 damaged;	/* a member or header failed */
	int			 nomem;
	char			 name[ARC_MAXNAME];
};

/* one filter: its name and how to enable it */
struct arc_filter {
	const char	*name;
	int		(*support)(struct archive *);
};

static int	 arc_open(struct arc_walk *, const uint8_t *, size_t);
static struct archive *arc_new(unsigned int, unsigned int *);
static void	 arc_name(struct arc_walk *, struct archive_entry *);
static int	 arc_grow(struct arc_walk *, uint64_t);
static enum arc_rd arc_data(struct arc_walk *, uint64_t, int);
static int	 arc_entry(struct arc_walk *, struct archive_entry *);
static int	 arc_deliver(struct arc_walk *, int, int);
static int	 arc_crypterr(struct archive *, int);
static void	 arc_failed(struct arc_walk *);
static int	 arc_stop(struct arc_walk *, enum arc_status, const char *);
static int	 arc_regular(struct archive_entry *);

static const uint8_t	 arc_empty[1];

/*
 * The built-in decompression filters, in no particular order (libarchive
 * bids them all).  Left out: lrzip and grzip (external programs only), uu
 * (text is not an archive).
 */
static const struct arc_filter	 arc_filters[] = {
	{ "gzip", archive_read_support_filter_gzip },
	{ "bzip2", archive_read_support_filter_bzip2 },
	{ "compress", archive_read_support_filter_compress },
	{ "xz", archive_read_support_filter_xz },
	{ "lzma", archive_read_support_filter_lzma },
	{ "lzip", archive_read_support_filter_lzip },
	{ "lz4", archive_read_support_filter_lz4 },
	{ "zstd", archive_read_support_filter_zstd },
	{ "lzop", archive_read_support_filter_lzop },
	{ "rpm", archive_read_support_filter_rpm },
};
#define ARC_NFILTERS	(sizeof(arc_filters) / sizeof(arc_filters[0]))

/* the archive formats; "raw" is added after them */
static int	(*const arc_formats[])(struct archive *) = {
	archive_read_support_format_7zip,
	archive_read_support_format_ar,
	archive_read_support_format_cab,
	archive_read_support_format_cpio,
	archive_read_support_format_iso9660,
	archive_read_support_format_lha,
	archive_read_support_format_rar,
	archive_read_support_format_rar5,
	archive_read_support_format_tar,
	archive_read_support_format_xar,
	archive_read_support_format_zip,
};
#define ARC_NFORMATS	(sizeof(arc_formats) / sizeof(arc_formats[0]))

/* arc_handles - whether arc_walk() opens a detected type */
int
arc_handles(enum ftype t)
{
	switch (t) {
	case FT_ZIP:
	case FT_7Z:
	case FT_RAR:
	case FT_CAB:
	case FT_TAR_POSIX:
	case FT_TAR_OLD:
	case FT_CPIO_OLD:
	case FT_CPIO_ODC:
	case FT_CPIO_NEWC:
	case FT_CPIO_CRC:
	case FT_ISO9660:
	case FT_AR:
	case FT_XAR:
	case FT_LHA:
	case FT_GZ:
	case FT_BZ:
	case FT_XZ:
	case FT_ZSTD:
	case FT_LZ4:
	case FT_COMPRESS:
		return 1;
	default:
		/*
		 * libarchive has no reader for ARJ, CHM, SZDD, TNEF, BinHex
		 * or SIS.
		 */
		return 0;
	}
}

/* arc_walk - call cb for every regular member of the archive in buf */
int
arc_walk(const uint8_t *buf, size_t len, const struct arc_limits *lim,
    int (*cb)(void *, const struct arc_entry *), void *arg,
    struct arc_result *res)
{
	static const struct arc_limits	 nolim;
	struct arc_walk			 w;
	struct archive_entry		*ae;
	int				 r, fails = 0, first = 1, ret = 0;

	memset(res, 0, sizeof(*res));
	res->status = ARC_OK;
	memset(&w, 0, sizeof(w));
	w.lim = lim != NULL ? lim : &nolim;
	w.res = res;
	w.cb = cb;
	w.arg = arg;
	w.ratio = ARC_NOLIMIT;
	if (w.lim->max_ratio != 0) {
		if (len > ARC_NOLIMIT / w.lim->max_ratio)
			w.ratio = ARC_NOLIMIT;
		else
			w.ratio = (uint64_t)len * w.lim->max_ratio;
		if (w.ratio < ARC_RATIOMIN)
			w.ratio = ARC_RATIOMIN;
	}
	if (buf == NULL)
		buf = arc_empty;

	if ((r = arc_open(&w, buf, len)) != 0) {
		if (r == -1) {
			ret = -1;
			goto done;
		}
		goto end;	/* not readable: res says why */
	}

	for (;;) {
		r = archive_read_next_header(w.a, &ae);
		if (r == ARCHIVE_EOF)
			break;
		if (r == ARCHIVE_FATAL) {
			if (archive_errno(w.a) == ENOMEM) {
				w.nomem = 1;
				break;
			}
			if (arc_crypterr(w.a, 1))
				arc_stop(&w, ARC_ENCRYPTED, "encrypted");
			else
				arc_failed(&w);
			break;
		}
		if (first && archive_format(w.a) == ARCHIVE_FORMAT_RAW &&
		    archive_filter_count(w.a) <= 1) {
			arc_stop(&w, ARC_CORRUPT, "corrupt: not an archive");
			break;
		}
		first = 0;
		if (r == ARCHIVE_RETRY ||
		    (r == ARCHIVE_FAILED && !archive_entry_is_encrypted(ae))) {
			arc_failed(&w);
			if (++fails >= ARC_MAXFAIL) {
				res->status = ARC_CORRUPT;
				break;
			}
			continue;
		}
		fails = 0;
		/* ARCHIVE_OK, ARCHIVE_WARN, or an encrypted ARCHIVE_FAILED */
		if (arc_entry(&w, ae) != 0)
			break;
	}
	if (w.nomem) {
		ret = -1;
		goto done;
	}

end:
	if (res->status == ARC_OK) {
		if (w.encrypted)
			arc_stop(&w, ARC_ENCRYPTED, "encrypted");
		else if (w.damaged)
			res->status = ARC_CORRUPT;
	}
done:
	if (w.a != NULL)
		archive_read_free(w.a);
	free(w.buf);
	if (ret == -1) {
		memset(res, 0, sizeof(*res));
		res->status = ARC_CORRUPT;
		errno = ENOMEM;
	}
	return ret;
}

/*
 * arc_open - set up libarchive over buf: 0, 1 when it cannot read it (res
 * filled), or -1 (ENOMEM)
 */
static int
arc_open(struct arc_walk *w, const uint8_t *buf, size_t len)
{
	unsigned int	 bad = 0, bad2 = 0;

	if ((w->a = arc_new(0, &bad)) == NULL)
		return -1;
	if (bad != 0) {
		/* some filter would run a program: only the others */
		archive_read_free(w->a);
		if ((w->a = arc_new(bad, &bad2)) == NULL)
			return -1;
		if (bad2 != 0) {
			errno = EINVAL;
			return -1;
		}
	}
	if (archive_read_open_memory(w->a, buf, len) != ARCHIVE_OK) {
		if (archive_errno(w->a) == ENOMEM) {
			w->nomem = 1;
			return -1;
		}
		if (arc_crypterr(w->a, 1))
			arc_stop(w, ARC_ENCRYPTED, "encrypted");
		else {
			arc_failed(w);
			w->res->status = ARC_CORRUPT;
		}
		return 1;
	}
	return 0;
}

/*
 * arc_new - a read handle with the formats and the filters not in skip
 * (bit i: arc_filters[i]); *bad gets the filters that answered other than
 * ARCHIVE_OK.  NULL: out of memory.
 */
static struct archive *
arc_new(unsigned int skip, unsigned int *bad)
{
	struct archive	*a;
	size_t		 i;

	*bad = 0;
	if ((a = archive_read_new()) == NULL) {
		errno = ENOMEM;
		return NULL;
	}
	for (i = 0; i < ARC_NFORMATS; i++)
		if (arc_formats[i](a) != ARCHIVE_OK)
			goto fail;
	if (archive_read_support_format_raw(a) != ARCHIVE_OK)
		goto fail;
	for (i = 0; i < ARC_NFILTERS; i++) {
		if (skip & (1U << i))
			continue;
		if (arc_filters[i].support(a) != ARCHIVE_OK)
			*bad |= 1U << i;
	}
	return a;
fail:
	/* registration fails only for want of memory */
	archive_read_free(a);
	errno = ENOMEM;
	return NULL;
}

/* arc_regular - whether an entry is a member with data of its own */
static int
arc_regular(struct archive_entry *ae)
{
	if (archive_entry_filetype(ae) != AE_IFREG)
		return 0;
	if (archive_entry_hardlink(ae) != NULL &&
	    (!archive_entry_size_is_set(ae) || archive_entry_size(ae) <= 0))
		return 0;
	return 1;
}

/* arc_entry - handle one header: 0 to go on, 1 to stop */
static int
arc_entry(struct arc_walk *w, struct archive_entry *ae)
{
	const struct arc_limits	*lim = w->lim;
	struct arc_result	*res = w->res;
	uint64_t		 keep, left;
	enum arc_cap		 why;
	enum arc_rd		 rd;

	if (!arc_regular(ae)) {
		if (w->ratio == ARC_NOLIMIT)
			return 0;	/* libarchive skips it */
		rd = arc_data(w, 0, 1);
		if (rd == RD_BOMB)
			return arc_stop(w, ARC_LIMIT_RATIO,
			    "limit: compression ratio");
		if (rd == RD_ERROR) {
			if (w->nomem)
				return 1;
			arc_failed(w);
			return w->rc == ARCHIVE_FATAL;
		}
		return 0;
	}

	if (lim->max_entries != 0 && res->entries >= lim->max_entries)
		return arc_stop(w, ARC_LIMIT_ENTRIES, "limit: files");
	arc_name(w, ae);
	if (archive_entry_is_encrypted(ae)) {
		w->encrypted = 1;
		return arc_deliver(w, 1, 0);
	}

	keep = ARC_NOLIMIT;
	why = CAP_NONE;
	if (w->ratio != ARC_NOLIMIT) {
		keep = w->ratio;
		why = CAP_RATIO;
	}
	if (lim->max_total != 0) {
		left = lim->max_total > res->total ?
		    lim->max_total - res->total : 0;
		if (left < keep) {
			keep = left;
			why = CAP_TOTAL;
		}
	}
	if (lim->max_entry != 0 && lim->max_entry < keep) {
		keep = lim->max_entry;
		why = CAP_ENTRY;
	}

	rd = arc_data(w, keep, why == CAP_ENTRY);
	switch (rd) {
	case RD_DONE:
		return arc_deliver(w, 0, 0);
	case RD_ERROR:
		if (w->nomem)
			return 1;
		if (arc_crypterr(w->a, 0)) {
			w->encrypted = 1;
			if (arc_deliver(w, 1, 0) != 0)
				return 1;
		} else
			arc_failed(w);
		return w->rc == ARCHIVE_FATAL;
	case RD_BOMB:
		if (arc_deliver(w, 0, 1) != 0)
			return 1;
		return arc_stop(w, ARC_LIMIT_RATIO, "limit: compression ratio");
	case RD_CUT:
		break;
	}
	if (why == CAP_TOTAL) {
		if (w->len > 0 && arc_deliver(w, 0, 1) != 0)
			return 1;
		return arc_stop(w, ARC_LIMIT_TOTAL, "limit: scan size");
	}
	return arc_deliver(w, 0, 1);
}

/*
 * arc_data - read the current entry's data: keep its first keep bytes in
 * w->buf, and read on past them only to know whether there is more or, with
 * drain and a ratio bound, until the entry ends or passes the bound
 */
static enum arc_rd
arc_data(struct arc_walk *w, uint64_t keep, int drain)
{
	uint8_t		 scratch[ARC_SCRATCH];
	uint64_t	 want;
	la_ssize_t	 n;

	w->len = 0;
	w->seen = 0;
	w->rc = ARCHIVE_OK;
	for (;;) {
		if (w->len < keep) {
			if (w->len == w->bufsz && arc_grow(w, keep) == -1) {
				w->rc = ARCHIVE_FATAL;
				return RD_ERROR;
			}
			want = w->bufsz - w->len;
			if (want > keep - w->len)
				want = keep - w->len;
			n = archive_read_data(w->a, w->buf + w->len,
			    (size_t)want);
		} else {
			if (w->seen > keep &&
			    (!drain || w->ratio == ARC_NOLIMIT))
				return RD_CUT;
			want = sizeof(scratch);
			if (w->ratio != ARC_NOLIMIT &&
			    w->ratio - w->seen + 1 < want)
				want = w->ratio - w->seen + 1;
			n = archive_read_data(w->a, scratch, (size_t)want);
		}
		if (n < 0) {
			w->rc = (int)n;
			if (archive_errno(w->a) == ENOMEM)
				w->nomem = 1;
			return RD_ERROR;
		}
		if (n == 0)
			return w->seen > w->len ? RD_CUT : RD_DONE;
		if (w->len < keep)
			w->len += (size_t)n;
		w->seen += (uint64_t)n;
		if (w->seen > w->ratio)
			return RD_BOMB;
	}
}

/* arc_grow - room for more of a member, up to keep bytes in all */
static int
arc_grow(struct arc_walk *w, uint64_t keep)
{
	uint8_t		*p;
	uint64_t	 sz;

	sz = w->bufsz == 0 ? ARC_FIRSTBUF : (uint64_t)w->bufsz * 2;
	if (sz < w->bufsz || sz > keep)
		sz = keep;
	if (sz > SIZE_MAX)
		sz = SIZE_MAX;
	if (sz <= w->bufsz || (p = realloc(w->buf, (size_t)sz)) == NULL) {
		w->nomem = 1;
		errno = ENOMEM;
		return -1;
	}
	w->buf = p;
	w->bufsz = (size_t)sz;
	return 0;
}

/* arc_deliver - hand the member in w to the callback: 0 to go on, 1 to stop */
static int
arc_deliver(struct arc_walk *w, int encrypted, int truncated)
{
	struct arc_entry	 e;

	memset(&e, 0, sizeof(e));
	e.name = w->name;
	e.encrypted = encrypted;
	e.truncated = truncated;
	if (encrypted || w->len == 0) {
		e.data = arc_empty;
		e.len = 0;
	} else {
		e.data = w->buf;
		e.len = w->len;
	}
	w->res->entries++;
	w->res->total += e.len;
	if (w->cb != NULL && w->cb(w->arg, &e) != 0)
		return arc_stop(w, ARC_STOPPED, "stopped");
	return 0;
}

/* arc_name - the entry's name as archive.h promises it, into w->name */
static void
arc_name(struct arc_walk *w, struct archive_entry *ae)
{
	const char	*s;
	size_t		 i;

	if (archive_format(w->a) == ARCHIVE_FORMAT_RAW) {
		w->name[0] = '\0';
		return;
	}
	if ((s = archive_entry_pathname_utf8(ae)) == NULL &&
	    (s = archive_entry_pathname(ae)) == NULL)
		s = "";
	arc_clean(w->name, sizeof(w->name), s);
	for (i = 0; w->name[i] != '\0'; i++)
		if (w->name[i] == '\\')
			w->name[i] = '/';
}

/*
 * arc_clean - copy s into dst (size > 0): control characters become '_',
 * and a cut falls before a UTF-8 continuation byte
 */
void
arc_clean(char *dst, size_t size, const char *s)
{
	size_t	 i, n;

	n = strlen(s);
	if (n >= size) {
		n = size - 1;
		while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
			n--;
	}
	for (i = 0; i < n; i++) {
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			dst[i] = '_';
		else
			dst[i] = s[i];
	}
	dst[n] = '\0';
}

/*
 * arc_crypterr - whether libarchive's last error is about encryption; with
 * whole, also when libarchive has seen encrypted entries (for a header that
 * cannot be read: 7z and rar with encrypted headers)
 */
static int
arc_crypterr(struct archive *a, int whole)
{
	const char	*s;

	if (whole && archive_read_has_encrypted_entries(a) > 0)
		return 1;
	if ((s = archive_error_string(a)) == NULL)
		return 0;
	return strcasestr(s, "encrypt") != NULL ||
	    strcasestr(s, "passphrase") != NULL ||
	    strcasestr(s, "password") != NULL;
}

/* arc_failed - note libarchive's error: the first one is the reason */
static void
arc_failed(struct arc_walk *w)
{
	struct arc_result	*res = w->res;
	static const char	 pfx[] = "corrupt: ";
	const char		*s;

	if (!w->damaged && res->status == ARC_OK) {
		if ((s = archive_error_string(w->a)) == NULL)
			s = "unknown error";
		memcpy(res->reason, pfx, sizeof(pfx) - 1);
		arc_clean(res->reason + sizeof(pfx) - 1,
		    sizeof(res->reason) - (sizeof(pfx) - 1), s);
	}
	w->damaged = 1;
}

/* arc_stop - end the walk with status (the first one set wins): 1 */
static int
arc_stop(struct arc_walk *w, enum arc_status status, const char *reason)
{
	struct arc_result	*res = w->res;

	if (res->status == ARC_OK) {
		res->status = status;
		snprintf(res->reason, sizeof(res->reason), "%s", reason);
	}
	return 1;
}
