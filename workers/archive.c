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
 *	times len, at least 1 MiB).  The data comes from
 *	archive_read_data_block(), which hands out libarchive's own buffers
 *	(no copy for what is dropped); what fits under the cap is copied into
 *	one buffer that grows by doubling, never past the cap, and is reused
 *	from member to member.  A block at an offset past the bytes seen so
 *	far leaves a hole (a sparse tar or cpio member) that reads as zeros;
 *	an offset behind them is taken as following on.  xar's offsets are
 *	not used at all: the xar reader of libarchive before 3.8.2 gives the
 *	offset in the archive's heap, not in the member, which
 *	archive_read_data() turns into a hole of zeros in front of every
 *	member but the first.  (A hole at the very end of a sparse member is
 *	not reported by libarchive before 3.8.2 and is missing here too.)
 *	Once past the cap, reading stops (e->truncated).  When the cap was
 *	max_entry and max_ratio is set, the rest of the member is still read
 *	(and dropped) up to the ratio bound: libarchive would decompress it
 *	anyway to skip it in a compressed tar or a solid 7z or rar, and a
 *	bomb must not hide behind a small max_entry.  Skipped entries
 *	(directories, links, devices) are drained the same way.  So no member
 *	costs more than the ratio bound (plus one libarchive block) in
 *	decompression, whatever its headers claim.
 *
 *	A total budget of 0 left does not end the walk by itself: an empty
 *	member still fits and is delivered; a member with a byte in it is
 *	not delivered (nothing of it fits) and the walk stops with
 *	ARC_LIMIT_TOTAL.
 *
 *	Members.  Every entry that is not a directory, a symbolic or hard
 *	link, a device, a FIFO or a socket is a member, including those whose
 *	mode has no file type at all (GNU ar in deterministic mode writes
 *	"644"): what has data gets scanned.  A hard link that carries no data
 *	(tar, and cpio except for the last name of a link set) is skipped; one
 *	that carries the data (cpio's last name) is a regular member.
 *
 *	Errors.  A member whose data read fails after some bytes came out
 *	(a bad CRC at its end, a stream cut short) is delivered with
 *	e->damaged and what was decoded: an extracting tool would write those
 *	bytes too, and a flipped CRC byte must not hide a member from the
 *	scan.  A failure before any byte is not delivered, except that an
 *	error naming encryption (a passphrase, a password) makes it an
 *	encrypted member, and one naming an unsupported compression method
 *	counts in res->unsupported.  When libarchive can go on after an
 *	entry's failure (ARCHIVE_WARN, ARCHIVE_FAILED, ARCHIVE_RETRY) the walk
 *	goes on, and ends with ARC_CORRUPT unless a limit, the callback or an
 *	encrypted member decided otherwise; ARCHIVE_FATAL ends it at once,
 *	with ARC_CORRUPT or, for an error about encryption or when libarchive
 *	has seen encrypted entries, ARC_ENCRYPTED.  An archive whose headers
 *	keep failing stops after ARC_MAXFAIL failures in a row.  res->reason
 *	keeps the first error, with control characters replaced; an
 *	unsupported method is the reason ("unsupported: ...") only when
 *	nothing else went wrong.
 *
 *	Names.  archive_entry_pathname_utf8() first (libarchive keeps zip,
 *	7z, rar, xar and pax names in UTF-8), archive_entry_pathname() when
 *	it has none.  Backslashes become "/" (cab and DOS-made zip and lha
 *	names); a name cut at ARC_MAXNAME - 1 bytes is cut before a UTF-8
 *	continuation byte.
 *
 *	Out of memory: our own allocations, and libarchive errors whose
 *	errno is ENOMEM and whose text speaks of allocation or memory, end
 *	the walk with -1 and ENOMEM; libarchive also gives ENOMEM when it
 *	rejects a size as too large, which is damage.  (libarchive itself
 *	calls exit(1) when an archive_entry accessor cannot allocate; that
 *	cannot be changed from here.)
 */
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <archive.h>
#include <archive_entry.h>
#include <lzma.h>
#include <zlib.h>

#include "workers/archive.h"
#include "workers/zipx.h"

#define ARC_FIRSTBUF	(64 * 1024)	/* first member buffer */
#define ARC_XZ_MEMLIMIT	(256U << 20)	/* liblzma: xz -9 needs 65 MiB */
#define ARC_RATIOMIN	(1024 * 1024)	/* the ratio bound's floor */
#define ARC_MAXFAIL	64		/* failed headers in a row */
#define ARC_NOLIMIT	UINT64_MAX
#define ARC_CONT(c)	(((unsigned char)(c) & 0xc0) == 0x80)	/* UTF-8 */

/* what reading one member's data ended with */
enum arc_rd {
	RD_DONE,		/* all of it */
	RD_CUT,			/* cut at the cap, the member goes on */
	RD_BOMB,		/* passed the ratio bound */
	RD_ERROR		/* libarchive failed (see rc), or no memory */
};

/* what a pass of libarchive over a buffer may recognise */
enum arc_mode {
	MODE_ALL,		/* every format and filter */
	MODE_ZIPSTREAM,		/* zip by its local headers only */
	MODE_PLAIN		/* formats and raw data, no filter */
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
	int			 seq;		/* offsets not to be trusted (xar) */
	int			 encrypted;	/* an encrypted member was seen */
	int			 damaged;	/* a member or header failed */
	int			 cutraw;	/* salvaged stream: cut short */
	int			 nomem;
	int			 format;	/* libarchive's, base */
	char			 name[ARC_MAXNAME];
	char			 unsup[sizeof(((struct arc_result *)0)->reason)];
};

/* one filter: its name and how to enable it */
struct arc_filter {
	const char	*name;
	int		(*support)(struct archive *);
};

static int	 arc_pass(struct arc_walk *, const uint8_t *, size_t,
		    enum arc_mode);
static int	 arc_salvage(struct arc_walk *, const uint8_t *, size_t);
static int	 arc_zipx(struct arc_walk *, const uint8_t *, size_t);
static int	 arc_gunzip(const uint8_t *, size_t, uint64_t, uint8_t **,
		    size_t *);
static int	 arc_unxz(const uint8_t *, size_t, uint64_t, uint8_t **,
		    size_t *);
static int	 arc_open(struct arc_walk *, const uint8_t *, size_t,
		    enum arc_mode);
static struct archive *arc_new(unsigned int, unsigned int *, enum arc_mode);
static void	 arc_name(struct arc_walk *, struct archive_entry *);
static int	 arc_grow(struct arc_walk *, uint64_t, uint64_t);
static int	 arc_put(struct arc_walk *, const void *, uint64_t, uint64_t);
static enum arc_rd arc_data(struct arc_walk *, uint64_t, int);
static int	 arc_entry(struct arc_walk *, struct archive_entry *);
static int	 arc_readerr(struct arc_walk *);
static int	 arc_deliver(struct arc_walk *, int, int, int);
static enum ftype arc_ftype(int);
static int	 arc_crypterr(struct archive *, int);
static int	 arc_unsupported(struct arc_walk *);
static int	 arc_nomem(struct archive *);
static void	 arc_tarend(struct arc_walk *, const uint8_t *, size_t);
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
	int				 ret = 0;

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
	if (len == 0) {
		/* libarchive would say "Unrecognized archive format" */
		arc_stop(&w, ARC_CORRUPT, "corrupt: not an archive");
		goto done;
	}
	if (arc_pass(&w, buf, len, MODE_ALL) == -1 ||
	    arc_salvage(&w, buf, len) == -1 ||
	    arc_zipx(&w, buf, len) == -1)
		ret = -1;
done:
	free(w.buf);
	if (ret == -1) {
		memset(res, 0, sizeof(*res));
		res->status = ARC_CORRUPT;
		errno = ENOMEM;
	}
	return ret;
}

/*
 * arc_pass - one run of libarchive over buf, recognising what mode allows;
 * res (which starts the pass as ARC_OK) gets the outcome: 0, or -1 when
 * memory ran out
 */
static int
arc_pass(struct arc_walk *w, const uint8_t *buf, size_t len,
    enum arc_mode mode)
{
	struct arc_result	*res = w->res;
	struct archive_entry	*ae;
	int			 r, fails = 0, first = 1;

	if ((r = arc_open(w, buf, len, mode)) != 0) {
		if (r == -1)
			return -1;
		goto end;	/* not readable: res says why */
	}

	for (;;) {
		r = archive_read_next_header(w->a, &ae);
		w->format = archive_format(w->a) & ARCHIVE_FORMAT_BASE_MASK;
		if (r == ARCHIVE_EOF) {
			arc_tarend(w, buf, len);
			break;
		}
		if (r == ARCHIVE_FATAL) {
			if (arc_nomem(w->a)) {
				w->nomem = 1;
				break;
			}
			if (arc_crypterr(w->a, 1))
				arc_stop(w, ARC_ENCRYPTED, "encrypted");
			else
				arc_failed(w);
			break;
		}
		if (first && mode != MODE_PLAIN &&
		    archive_format(w->a) == ARCHIVE_FORMAT_RAW &&
		    archive_filter_count(w->a) <= 1) {
			arc_stop(w, ARC_CORRUPT, "corrupt: not an archive");
			break;
		}
		first = 0;
		w->seq = (archive_format(w->a) & ARCHIVE_FORMAT_BASE_MASK) ==
		    ARCHIVE_FORMAT_XAR;
		if (r == ARCHIVE_RETRY ||
		    (r == ARCHIVE_FAILED && !archive_entry_is_encrypted(ae))) {
			arc_failed(w);
			if (++fails >= ARC_MAXFAIL) {
				res->status = ARC_CORRUPT;
				break;
			}
			continue;
		}
		fails = 0;
		/* ARCHIVE_OK, ARCHIVE_WARN, or an encrypted ARCHIVE_FAILED */
		if (arc_entry(w, ae) != 0)
			break;
	}
	if (w->nomem) {
		archive_read_free(w->a);
		w->a = NULL;
		return -1;
	}

end:
	if (res->status == ARC_OK) {
		if (w->encrypted)
			arc_stop(w, ARC_ENCRYPTED, "encrypted");
		else if (w->damaged)
			res->status = ARC_CORRUPT;
		else if (res->unsupported > 0) {
			res->status = ARC_CORRUPT;
			memcpy(res->reason, w->unsup, sizeof(res->reason));
		}
	}
	archive_read_free(w->a);
	w->a = NULL;
	return 0;
}

/*
 * arc_salvage - when libarchive gave up before the first member, read the
 * archive as a recovery tool would: a zip by its local headers (the
 * central directory may be what is damaged), a gzip stream with zlib,
 * which keeps every byte before the damage (libarchive's filter drops its
 * last block), and what it held as a plain archive or stream.  The first
 * pass's reason stays; res->entries and total count what was found.
 * Returns 0, or -1 when memory ran out.
 */
static int
arc_salvage(struct arc_walk *w, const uint8_t *buf, size_t len)
{
	struct arc_result	*res = w->res, first;
	uint8_t			*dec = NULL;
	size_t			 declen = 0;
	uint64_t		 cap;
	int			 rc;

	if (res->status != ARC_CORRUPT || res->entries != 0 ||
	    res->unsupported != 0)
		return 0;
	first = *res;
	memset(res, 0, sizeof(*res));
	w->damaged = w->encrypted = 0;
	if (w->format == ARCHIVE_FORMAT_ZIP)
		rc = arc_pass(w, buf, len, MODE_ZIPSTREAM);
	else if ((len >= 2 && buf[0] == 0x1f && buf[1] == 0x8b) ||
	    (len >= 6 && memcmp(buf, "\xfd" "7zXZ\0", 6) == 0) ||
	    (len >= 13 && buf[0] == 0x5d && buf[1] == 0 && buf[2] == 0)) {
		/*
		 * gzip, xz or lzma (libarchive may fail before it names the
		 * filter); zstd and lz4 decode whole blocks only, so a cut
		 * one has nothing more to give
		 */
		cap = w->ratio;
		if (w->lim->max_total != 0 && w->lim->max_total < cap)
			cap = w->lim->max_total;
		rc = buf[0] == 0x1f ? arc_gunzip(buf, len, cap, &dec, &declen) :
		    arc_unxz(buf, len, cap, &dec, &declen);
		w->cutraw = 1;
		if (rc == 0 && declen > 0)
			rc = arc_pass(w, dec, declen, MODE_PLAIN);
		w->cutraw = 0;
		free(dec);
	} else
		rc = 0;
	if (rc == -1)
		return -1;
	if (res->entries == 0) {
		*res = first;		/* nothing more to be had */
		return 0;
	}
	if (res->status == ARC_OK || res->status == ARC_CORRUPT) {
		res->status = ARC_CORRUPT;
		memcpy(res->reason, first.reason, sizeof(res->reason));
	}
	return 0;
}

/*
 * arc_zipx - the members of a zip libarchive skipped for their method
 * (Deflate64, implode) through zipx_walk(), within what is left of the
 * limits; when it delivers them all, the walk no longer says
 * "unsupported".  Returns 0, or -1 when memory ran out.
 */
static int
arc_zipx(struct arc_walk *w, const uint8_t *buf, size_t len)
{
	struct arc_result	*res = w->res, zr;
	struct arc_limits	 zl = *w->lim;

	if (res->unsupported == 0 || w->format != ARCHIVE_FORMAT_ZIP ||
	    res->status == ARC_STOPPED)
		return 0;
	if (zl.max_total != 0)
		zl.max_total = zl.max_total > res->total ?
		    zl.max_total - res->total : 1;
	if (zl.max_entries != 0) {
		if (res->entries >= zl.max_entries)
			return 0;
		zl.max_entries -= res->entries;
	}
	if (zipx_walk(buf, len, &zl, w->cb, w->arg, &zr) == -1)
		return -1;
	res->entries += zr.entries;
	res->total += zr.total;
	if (zr.entries >= res->unsupported && zr.status == ARC_OK &&
	    strncmp(res->reason, "unsupported: ", 13) == 0) {
		/* nothing else was wrong: the walk is whole after all */
		res->status = ARC_OK;
		res->reason[0] = '\0';
		res->unsupported = 0;
		return 0;
	}
	if (zr.entries >= res->unsupported)
		res->unsupported = 0;
	if (zr.status == ARC_STOPPED || (zr.status != ARC_OK &&
	    (res->status == ARC_OK ||
	    strncmp(res->reason, "unsupported: ", 13) == 0))) {
		/* the callback's stop is always told */
		res->status = zr.status;
		memcpy(res->reason, zr.reason, sizeof(res->reason));
	}
	return 0;
}

/*
 * arc_unxz - decode the xz streams (or the lzma-alone stream) in buf up to
 * where they end or break, at most cap bytes, into a new *out: 0, or -1
 * (ENOMEM).  A header asking for a dictionary beyond ARC_XZ_MEMLIMIT
 * (any header can ask for 4 GiB) stops the decoding there, as damage does.
 */
static int
arc_unxz(const uint8_t *buf, size_t len, uint64_t cap, uint8_t **out,
    size_t *outlen)
{
	lzma_stream	 z = LZMA_STREAM_INIT;
	lzma_ret	 lr;
	uint8_t		*p = NULL, *np;
	size_t		 size = 0, n = 0, want;

	*out = NULL;
	*outlen = 0;
	if (lzma_auto_decoder(&z, ARC_XZ_MEMLIMIT, LZMA_CONCATENATED) !=
	    LZMA_OK) {
		errno = ENOMEM;
		return -1;
	}
	z.next_in = buf;
	z.avail_in = len;
	while (n < cap) {
		if (n == size) {
			want = size == 0 ? ARC_FIRSTBUF : size * 2;
			if (want > cap)
				want = (size_t)cap;
			if ((np = realloc(p, want)) == NULL) {
				lzma_end(&z);
				free(p);
				errno = ENOMEM;
				return -1;
			}
			p = np;
			size = want;
		}
		z.next_out = p + n;
		z.avail_out = size - n;
		lr = lzma_code(&z, z.avail_in > 0 ? LZMA_RUN : LZMA_FINISH);
		n = size - z.avail_out;
		if (lr != LZMA_OK)
			break;		/* the end, damage or a cut: keep it */
	}
	lzma_end(&z);
	*out = p;
	*outlen = n;
	return 0;
}

/*
 * arc_gunzip - inflate the gzip members in buf up to where they end or
 * break, at most cap bytes, into a new *out: 0, or -1 (ENOMEM)
 */
static int
arc_gunzip(const uint8_t *buf, size_t len, uint64_t cap, uint8_t **out,
    size_t *outlen)
{
	z_stream	 z;
	uint8_t		*p = NULL, *np;
	size_t		 size = 0, n = 0, want;
	int		 zr;

	*out = NULL;
	*outlen = 0;
	memset(&z, 0, sizeof(z));
	if (inflateInit2(&z, 15 + 16) != Z_OK) {
		errno = ENOMEM;
		return -1;
	}
	z.next_in = (Bytef *)(uintptr_t)buf;
	z.avail_in = len > UINT_MAX ? UINT_MAX : (uInt)len;
	while (n < cap) {
		if (n == size) {
			want = size == 0 ? ARC_FIRSTBUF : size * 2;
			if (want > cap)
				want = (size_t)cap;
			if ((np = realloc(p, want)) == NULL) {
				inflateEnd(&z);
				free(p);
				errno = ENOMEM;
				return -1;
			}
			p = np;
			size = want;
		}
		z.next_out = p + n;
		z.avail_out = (uInt)(size - n > UINT_MAX ? UINT_MAX : size - n);
		zr = inflate(&z, Z_NO_FLUSH);
		n = size - z.avail_out;
		if (zr == Z_STREAM_END) {
			/* another gzip member may follow */
			if (z.avail_in < 2 || z.next_in[0] != 0x1f ||
			    z.next_in[1] != 0x8b || inflateReset(&z) != Z_OK)
				break;
			continue;
		}
		if (zr != Z_OK)
			break;		/* damaged or cut: keep what came */
	}
	inflateEnd(&z);
	*out = p;
	*outlen = n;
	return 0;
}

/*
 * arc_open - set up libarchive over buf: 0, 1 when it cannot read it (res
 * filled), or -1 (ENOMEM)
 */
static int
arc_open(struct arc_walk *w, const uint8_t *buf, size_t len,
    enum arc_mode mode)
{
	unsigned int	 bad = 0, bad2 = 0;

	if ((w->a = arc_new(0, &bad, mode)) == NULL)
		return -1;
	if (bad != 0) {
		/* some filter would run a program: only the others */
		archive_read_free(w->a);
		if ((w->a = arc_new(bad, &bad2, mode)) == NULL)
			return -1;
		if (bad2 != 0) {
			errno = EINVAL;
			return -1;
		}
	}
	if (archive_read_open_memory(w->a, buf, len) != ARCHIVE_OK) {
		if (arc_nomem(w->a)) {
			w->nomem = 1;
			return -1;
		}
		/*
		 * No format was chosen: archive_read_has_encrypted_entries()
		 * would dereference the missing one (libarchive 3.6).
		 */
		if (arc_crypterr(w->a, 0))
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
arc_new(unsigned int skip, unsigned int *bad, enum arc_mode mode)
{
	struct archive	*a;
	size_t		 i;

	*bad = 0;
	if ((a = archive_read_new()) == NULL) {
		errno = ENOMEM;
		return NULL;
	}
	if (mode == MODE_ZIPSTREAM) {
		if (archive_read_support_format_zip_streamable(a) !=
		    ARCHIVE_OK)
			goto fail;
		return a;
	}
	for (i = 0; i < ARC_NFORMATS; i++)
		if (arc_formats[i](a) != ARCHIVE_OK)
			goto fail;
	if (archive_read_support_format_raw(a) != ARCHIVE_OK)
		goto fail;
	for (i = 0; i < ARC_NFILTERS && mode == MODE_ALL; i++) {
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
	switch (archive_entry_filetype(ae)) {
	case AE_IFDIR:
	case AE_IFLNK:
	case AE_IFCHR:
	case AE_IFBLK:
	case AE_IFIFO:
	case AE_IFSOCK:
		return 0;
	default:
		/* AE_IFREG, or no type at all (ar) */
		break;
	}
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
			if (!arc_unsupported(w))
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
		return arc_deliver(w, 1, 0, 0);
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
		return arc_deliver(w, 0, 0, 0);
	case RD_ERROR:
		return arc_readerr(w);
	case RD_BOMB:
		if (arc_deliver(w, 0, 1, 0) != 0)
			return 1;
		return arc_stop(w, ARC_LIMIT_RATIO, "limit: compression ratio");
	case RD_CUT:
		break;
	}
	if (why == CAP_TOTAL) {
		if (w->len > 0 && arc_deliver(w, 0, 1, 0) != 0)
			return 1;
		return arc_stop(w, ARC_LIMIT_TOTAL, "limit: scan size");
	}
	return arc_deliver(w, 0, 1, 0);
}

/*
 * arc_readerr - a member's data read failed (w->rc): deliver what came out,
 * note the error; 0 to go on, 1 to stop
 */
static int
arc_readerr(struct arc_walk *w)
{
	int	 stop = w->rc == ARCHIVE_FATAL;

	if (w->nomem)
		return 1;
	if (w->seen == 0 && arc_crypterr(w->a, 0)) {
		w->encrypted = 1;
		return arc_deliver(w, 1, 0, 0) != 0 || stop;
	}
	if (w->seen == 0 && arc_unsupported(w))
		return stop;
	arc_failed(w);
	if (w->len > 0 && arc_deliver(w, 0, w->seen > w->len, 1) != 0)
		return 1;
	return stop;
}

/*
 * arc_data - read the current entry's data: keep its first keep bytes in
 * w->buf, and read on past them only with drain and a ratio bound, until
 * the entry ends or passes the bound
 */
static enum arc_rd
arc_data(struct arc_walk *w, uint64_t keep, int drain)
{
	const void	*p;
	size_t		 n;
	la_int64_t	 off;
	int		 r;

	w->len = 0;
	w->seen = 0;
	w->rc = ARCHIVE_OK;
	for (;;) {
		if (w->seen > keep && (!drain || w->ratio == ARC_NOLIMIT))
			return RD_CUT;
		r = archive_read_data_block(w->a, &p, &n, &off);
		if (r == ARCHIVE_EOF)
			return w->seen > w->len ? RD_CUT : RD_DONE;
		if (r != ARCHIVE_OK) {
			/* ARCHIVE_WARN too: archive_read_data() fails then */
			w->rc = r;
			if (arc_nomem(w->a))
				w->nomem = 1;
			return RD_ERROR;
		}
		if (!w->seq && off > 0 && (uint64_t)off > w->seen &&
		    arc_put(w, NULL, (uint64_t)off - w->seen, keep) == -1)
			return RD_ERROR;
		if (n > 0 && arc_put(w, p, n, keep) == -1)
			return RD_ERROR;
		if (w->seen > w->ratio)
			return RD_BOMB;
	}
}

/*
 * arc_put - n more bytes of the member (zeros when p is NULL): keep what
 * fits under keep, count them all in w->seen; -1 when out of memory
 */
static int
arc_put(struct arc_walk *w, const void *p, uint64_t n, uint64_t keep)
{
	uint64_t	 take = 0;

	if (w->len < keep) {
		take = keep - w->len < n ? keep - w->len : n;
		if (w->len + take > w->bufsz &&
		    arc_grow(w, w->len + take, keep) == -1) {
			w->rc = ARCHIVE_FATAL;
			return -1;
		}
		if (p != NULL)
			memcpy(w->buf + w->len, p, (size_t)take);
		else
			memset(w->buf + w->len, 0, (size_t)take);
		w->len += (size_t)take;
	}
	/* a hole may claim up to 2^63 bytes: saturate */
	w->seen = n > ARC_NOLIMIT - w->seen ? ARC_NOLIMIT : w->seen + n;
	return 0;
}

/* arc_grow - room for need bytes of a member (need <= keep) */
static int
arc_grow(struct arc_walk *w, uint64_t need, uint64_t keep)
{
	uint8_t		*p;
	uint64_t	 sz;

	sz = w->bufsz == 0 ? ARC_FIRSTBUF : w->bufsz;
	while (sz < need && sz <= ARC_NOLIMIT / 2)
		sz *= 2;
	if (sz < need)
		sz = need;
	if (sz > keep)
		sz = keep;
	if (sz > SIZE_MAX || (p = realloc(w->buf, (size_t)sz)) == NULL) {
		w->nomem = 1;
		errno = ENOMEM;
		return -1;
	}
	w->buf = p;
	w->bufsz = (size_t)sz;
	return 0;
}

/*
 * arc_ftype - the type of an archive in libarchive's format code, for
 * members of compressed archives (FT_NONE: a plain stream)
 */
static enum ftype
arc_ftype(int format)
{
	switch (format) {
	case ARCHIVE_FORMAT_TAR:
		return FT_TAR_OLD;
	case ARCHIVE_FORMAT_CPIO_POSIX:
		return FT_CPIO_ODC;
	case ARCHIVE_FORMAT_CPIO_BIN_LE:
	case ARCHIVE_FORMAT_CPIO_BIN_BE:
		return FT_CPIO_OLD;
	case ARCHIVE_FORMAT_CPIO_SVR4_CRC:
		return FT_CPIO_CRC;
	}
	switch (format & ARCHIVE_FORMAT_BASE_MASK) {
	case ARCHIVE_FORMAT_TAR:
		return FT_TAR_POSIX;
	case ARCHIVE_FORMAT_CPIO:
		return FT_CPIO_NEWC;
	case ARCHIVE_FORMAT_ZIP:
		return FT_ZIP;
	case ARCHIVE_FORMAT_7ZIP:
		return FT_7Z;
	case ARCHIVE_FORMAT_AR:
		return FT_AR;
	case ARCHIVE_FORMAT_ISO9660:
		return FT_ISO9660;
	case ARCHIVE_FORMAT_XAR:
		return FT_XAR;
	case ARCHIVE_FORMAT_CAB:
		return FT_CAB;
	case ARCHIVE_FORMAT_LHA:
		return FT_LHA;
	case ARCHIVE_FORMAT_RAR:
	case ARCHIVE_FORMAT_RAR_V5:
		return FT_RAR;
	default:
		return FT_NONE;
	}
}

/* arc_deliver - hand the member in w to the callback: 0 to go on, 1 to stop */
static int
arc_deliver(struct arc_walk *w, int encrypted, int truncated, int damaged)
{
	struct arc_entry	 e;

	memset(&e, 0, sizeof(e));
	e.name = w->name;
	e.encrypted = encrypted;
	e.truncated = truncated;
	/* what a salvaged stream holds ends where the damage began */
	e.damaged = damaged || (w->cutraw && w->format == ARCHIVE_FORMAT_RAW);
	if (w->a != NULL && (w->cutraw || archive_filter_count(w->a) > 1))
		e.container = arc_ftype(archive_format(w->a));
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
 * and a cut falls before a UTF-8 continuation byte (before the lead byte
 * of a character that would not fit; a run of more than three continuation
 * bytes is no character, and is cut where it is)
 */
void
arc_clean(char *dst, size_t size, const char *s)
{
	size_t	 i, n, k;

	n = strlen(s);
	if (n >= size) {
		n = k = size - 1;
		while (k > 0 && n - k < 3 && ARC_CONT(s[k]))
			k--;
		if (!ARC_CONT(s[k]))
			n = k;
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

/*
 * arc_unsupported - whether libarchive's last error is about a compression
 * method it cannot decompress (zip's implode and Deflate64 in 3.6): count
 * it, the first one's message kept for res->reason
 */
static int
arc_unsupported(struct arc_walk *w)
{
	static const char	 pfx[] = "unsupported: ";
	const char		*s;

	if (w->rc == ARCHIVE_FATAL ||
	    (s = archive_error_string(w->a)) == NULL ||
	    strcasestr(s, "unsupported") == NULL ||
	    strcasestr(s, "compression") == NULL)
		return 0;
	if (w->res->unsupported++ == 0) {
		memcpy(w->unsup, pfx, sizeof(pfx) - 1);
		arc_clean(w->unsup + sizeof(pfx) - 1,
		    sizeof(w->unsup) - (sizeof(pfx) - 1), s);
	}
	return 1;
}

/*
 * arc_nomem - whether libarchive's last error is a failed allocation: it
 * also sets ENOMEM when it rejects a size as too large ("symlink contents
 * exceed 1 megabyte"), which is damage, not our want of memory
 */
static int
arc_nomem(struct archive *a)
{
	const char	*s;

	if (archive_errno(a) != ENOMEM)
		return 0;
	if ((s = archive_error_string(a)) == NULL)
		return 1;
	return strcasestr(s, "alloc") != NULL ||
	    strcasestr(s, "memory") != NULL;
}

/*
 * arc_tarend - at the end of a tar that is not compressed, what follows
 * the last header libarchive consumed must be zeros.  libarchive 3.6 can
 * answer ARCHIVE_EOF for a tar cut inside a header block (once a bidder,
 * iso9660's, has read ahead to the end of the buffer, a short last block
 * reads as the end): that is a cut, and must not pass for a whole tar.
 */
static void
arc_tarend(struct arc_walk *w, const uint8_t *buf, size_t len)
{
	la_int64_t	 used;
	size_t		 i;

	if ((archive_format(w->a) & ARCHIVE_FORMAT_BASE_MASK) !=
	    ARCHIVE_FORMAT_TAR || archive_filter_count(w->a) != 1)
		return;
	if ((used = archive_filter_bytes(w->a, 0)) < 0 || (uint64_t)used >=
	    len)
		return;
	for (i = (size_t)used; i < len; i++)
		if (buf[i] != 0)
			break;
	if (i == len)
		return;
	if (!w->damaged && w->res->status == ARC_OK)
		snprintf(w->res->reason, sizeof(w->res->reason),
		    "corrupt: Truncated tar archive");
	w->damaged = 1;
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
	return arc_result_set(w->res, status, reason);
}

/* arc_result_set - the outcome of a walk, unless one is set: 1 */
int
arc_result_set(struct arc_result *res, enum arc_status status,
    const char *reason)
{
	if (res->status == ARC_OK) {
		res->status = status;
		snprintf(res->reason, sizeof(res->reason), "%s", reason);
	}
	return 1;
}
