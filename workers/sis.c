/*
 * sis.c - files of Symbian installation (SIS) packages, EPOC release 3 to 6
 *
 * DESCRIPTION
 *	A SIS file before Symbian OS 9 (all fields little-endian) starts
 *	with four UIDs: UID1 the application's, UID2 0x1000006d (EPOC
 *	release 3, 4 and 5) or 0x10003a12 (release 6), UID3 0x10000419,
 *	UID4 a checksum of the three.  Then, at offset 16: a CRC-16, the
 *	number of languages (16 bits, at 18), of file records (20), of
 *	requisites, the install language, files and drive, the number of
 *	capabilities, the installer version (32 bits, 32), the options (16
 *	bits, 36: 0x0001 names are UTF-16LE, 0x0008 files not compressed),
 *	type, version and variant, then pointers (32 bits, offsets in the
 *	file) to the languages, the file records (52), the requisites, the
 *	certificates and the component name; release 6 adds four more
 *	fields and 16 reserved bytes, 100 bytes of header in all (68
 *	before).
 *
 *	The file records follow one another from their pointer, each
 *	starting with its type (32 bits):
 *	- 0, one file, and 1, one file per language: the file type (0
 *	  standard, 1 text shown at install, 2 a SIS component, 3 run, 4
 *	  null: a file created on the device, with no data, 5 MIME), the
 *	  file details, the source name's length and pointer, the
 *	  destination name's length and pointer, then the data's lengths
 *	  (one per file) and pointers; release 6 adds the original
 *	  (uncompressed) lengths and a MIME type's length and pointer;
 *	- 2, options: a count, a name (length and pointer) per option and
 *	  language, then 16 bytes of selected options;
 *	- 3, "if", and 4, "else if": the size of a condition, then the
 *	  condition;
 *	- 5, "else", and 6, "endif": the type alone.
 *	File data is a zlib stream in release 6 unless the options say
 *	"not compressed", stored in the earlier releases.
 *
 *	Every file of types 0 and 1 with data is delivered, in record
 *	order, each language's file of a multi-language record in turn,
 *	named by its destination: the drive ("!:" lets the user choose
 *	one) and the leading backslashes removed, '\\' turned into '/',
 *	then arc_clean(); "!:\system\apps\x\clam.exe" gives
 *	"system/apps/x/clam.exe".  A file without a destination (a text
 *	shown at install) is named by the last part of its source name.
 *	Stored data is delivered straight from buf, never copied;
 *	compressed data is inflated into memory within the caps of
 *	lgwalk.h.
 *
 *	Every record costs at least four bytes of the file, its fields
 *	must lie inside the file, and the files' data together may not be
 *	larger than the file (the data of two files may not overlap
 *	enough to decode the same bytes over and over): the walk is linear
 *	in the input plus what is kept, whatever the counts claim.
 *
 *	Choices the format leaves open:
 *	- the CRC-16 and UID4 are not checked: detection (filetype.c) has
 *	  matched UID2 and UID3, and a wrong sum costs no scanning.
 *	- a record that runs past the end, or of an unknown type, ends the
 *	  walk (ARC_CORRUPT), the files before it delivered.  A name
 *	  outside the file is damage, and its file is delivered unnamed.
 *	- data past the end of the file is damage: what lies inside is
 *	  delivered (inflated as far as it goes) with e->damaged.  A zlib
 *	  stream that cannot be decoded to its end, or whose size is not
 *	  the original length a release 6 record gives, is delivered with
 *	  e->damaged too (not at all when nothing was decoded).  Bytes left
 *	  after the end of a zlib stream are ignored.
 *	- a file type 4 (null) has no data and is not delivered; a record
 *	  pointing to empty data otherwise gives an empty member.
 *	- every language's file of a record gets the record's name.
 *	- a Symbian OS 9 package (UID1 0x10201a7a, a different format) is
 *	  not read: it counts in res->unsupported.
 */
#include <errno.h>
#include <limits.h>
#include <string.h>

#include <zlib.h>

#include "util/bytes.h"
#include "workers/decode.h"
#include "workers/legacy.h"
#include "workers/lgwalk.h"

#define SIS_UID2_ER5	0x1000006dU
#define SIS_UID2_ER6	0x10003a12U
#define SIS_UID3	0x10000419U
#define SIS_UID1_9X	0x10201a7aU
#define SIS_HDR_ER5	68
#define SIS_HDR_ER6	100

/* options */
#define SIS_OPT_UNICODE	0x0001
#define SIS_OPT_NOCOMP	0x0008

/* file record types */
#define SIS_REC_FILE	0
#define SIS_REC_LANG	1
#define SIS_REC_OPTIONS	2
#define SIS_REC_IF	3
#define SIS_REC_ELSEIF	4
#define SIS_REC_ELSE	5
#define SIS_REC_ENDIF	6

#define SIS_FT_NULL	4		/* file type: no data */
#define SIS_RECHEAD	28		/* a file record before its lengths */
#define SIS_NAMEIN	ARC_MAXNAME	/* name units read */
#define SIS_NAMEOUT	(ARC_MAXNAME * 3 + 1)
#define SIS_CHUNK	16384		/* inflated bytes per lg_put() */

/* what inflating a file ended with */
enum sis_rc {
	SIS_END,		/* the stream ended */
	SIS_SHORT,		/* the input ended first */
	SIS_BAD,		/* the stream is damaged */
	SIS_CUT,		/* stop count reached */
	SIS_NOMEM
};

/* the package being read */
struct sis {
	const uint8_t	*buf;
	size_t		 len;
	int		 er6;
	int		 compressed;
	int		 wide;		/* UTF-16LE names */
	uint32_t	 nlang;
	uint64_t	 used;		/* data bytes of the files so far */
	struct lg_walk	 w;
	struct lg_out	 o;
};

static int	 sis_record(struct sis *, size_t *, int *);
static int	 sis_files(struct sis *, const uint8_t *, uint32_t);
static int	 sis_file(struct sis *, const char *, uint32_t, uint32_t,
		    uint32_t);
static enum sis_rc sis_inflate(struct lg_out *, const uint8_t *, size_t);
static void	 sis_name(struct sis *, const uint8_t *, char *);
static void	 sis_string(struct sis *, uint32_t, uint32_t, char *, size_t,
		    int *);

/* sis_walk - call cb for every file of the package in buf */
int
sis_walk(const uint8_t *buf, size_t len, const struct arc_limits *lim,
    arc_cb cb, void *arg, struct arc_result *res)
{
	struct sis	 s;
	struct lg_cap	 cap;
	size_t		 off;
	uint32_t	 uid2, nrec, i;
	int		 ret = 0, stop = 0;

	memset(&s, 0, sizeof(s));
	lg_init(&s.w, len, lim, cb, arg, res);
	lg_out_init(&s.o);
	s.buf = buf;
	s.len = len;
	if (buf != NULL && len >= 8 && get_le32(buf) == SIS_UID1_9X &&
	    get_le32(buf + 4) == 0) {
		if (lg_begin(&s.w, &cap) == 0)
			lg_unsupported(&s.w, "Symbian OS 9 package");
		goto done;
	}
	if (buf == NULL || len < 16 || get_le32(buf + 8) != SIS_UID3 ||
	    ((uid2 = get_le32(buf + 4)) != SIS_UID2_ER5 &&
	    uid2 != SIS_UID2_ER6)) {
		lg_corrupt(&s.w, "not a SIS file");
		goto done;
	}
	s.er6 = uid2 == SIS_UID2_ER6;
	if (len < (s.er6 ? SIS_HDR_ER6 : SIS_HDR_ER5)) {
		lg_corrupt(&s.w, "SIS header cut short");
		goto done;
	}
	s.nlang = get_le16(buf + 18);
	nrec = get_le16(buf + 20);
	s.wide = (get_le16(buf + 36) & SIS_OPT_UNICODE) != 0;
	s.compressed = s.er6 && (get_le16(buf + 36) & SIS_OPT_NOCOMP) == 0;
	off = get_le32(buf + 52);
	for (i = 0; i < nrec && !stop; i++) {
		if ((ret = sis_record(&s, &off, &stop)) != 0)
			break;
	}
done:
	lg_out_free(&s.o);
	return lg_finish(&s.w, ret);
}

/*
 * sis_record - the file record at *off, *off moved past it; *stop set
 * when the walk must end.  0, or -1 (ENOMEM).
 */
static int
sis_record(struct sis *s, size_t *off, int *stop)
{
	const uint8_t	*r;
	uint64_t	 need;
	size_t		 left;
	uint32_t	 type, n;
	int		 rc;

	if (*off > s->len || s->len - *off < 4) {
		lg_corrupt(&s->w, "file records cut short");
		*stop = 1;
		return 0;
	}
	r = s->buf + *off;
	left = s->len - *off;
	type = get_le32(r);
	switch (type) {
	case SIS_REC_FILE:
	case SIS_REC_LANG:
		n = type == SIS_REC_FILE ? 1 : s->nlang;
		need = SIS_RECHEAD + 8 * (uint64_t)n;
		if (s->er6)
			need += 4 * (uint64_t)n + 8;
		break;
	case SIS_REC_OPTIONS:
		if (left < 8) {
			need = 8;
			break;
		}
		need = 8 + 8 * (uint64_t)get_le32(r + 4) * s->nlang + 16;
		break;
	case SIS_REC_IF:
	case SIS_REC_ELSEIF:
		need = left < 8 ? 8 : 8 + (uint64_t)get_le32(r + 4);
		break;
	case SIS_REC_ELSE:
	case SIS_REC_ENDIF:
		need = 4;
		break;
	default:
		lg_corrupt(&s->w, "unknown file record type");
		*stop = 1;
		return 0;
	}
	if (need > left) {
		lg_corrupt(&s->w, "file record cut short");
		*stop = 1;
		return 0;
	}
	*off += (size_t)need;
	if (type != SIS_REC_FILE && type != SIS_REC_LANG)
		return 0;
	if ((rc = sis_files(s, r, type == SIS_REC_FILE ? 1 : s->nlang)) == 1)
		*stop = 1;
	return rc == -1 ? -1 : 0;
}

/* sis_files - the n files of the record r: 1 to stop the walk, -1 ENOMEM */
static int
sis_files(struct sis *s, const uint8_t *r, uint32_t n)
{
	char		 name[ARC_MAXNAME];
	uint32_t	 j, flen, fptr, olen;
	int		 rc;

	if (get_le32(r + 4) == SIS_FT_NULL)
		return 0;
	sis_name(s, r, name);
	for (j = 0; j < n; j++) {
		flen = get_le32(r + SIS_RECHEAD + 4 * j);
		fptr = get_le32(r + SIS_RECHEAD + 4 * (n + j));
		olen = s->er6 ? get_le32(r + SIS_RECHEAD + 4 * (2 * n + j)) :
		    0;
		if ((rc = sis_file(s, name, flen, fptr, olen)) != 0)
			return rc;
	}
	return 0;
}

/* sis_file - deliver one file's data: 1 to stop the walk, -1 ENOMEM */
static int
sis_file(struct sis *s, const char *name, uint32_t flen, uint32_t fptr,
    uint32_t olen)
{
	struct lg_cap	 cap;
	const uint8_t	*data;
	size_t		 dlen, kept;
	enum sis_rc	 rc;
	int		 flags = 0;

	if (fptr > s->len) {
		lg_corrupt(&s->w, "file data past the end");
		return 0;
	}
	data = s->buf + fptr;
	dlen = flen;
	if (flen > s->len - fptr) {
		lg_corrupt(&s->w, "file data past the end");
		dlen = s->len - fptr;
		flags = LG_DAMAGED;
	}
	s->used += dlen;
	if (s->used > s->len) {
		lg_corrupt(&s->w, "file data overlap");
		return 1;
	}
	if (lg_begin(&s->w, &cap) != 0)
		return 1;
	memcpy(s->w.name, name, sizeof(s->w.name));
	if (!s->compressed) {
		kept = cap.keep < dlen ? (size_t)cap.keep : dlen;
		return lg_end(&s->w, &cap, data, kept, dlen, flags);
	}
	lg_out_reset(&s->o, &cap);
	rc = sis_inflate(&s->o, data, dlen);
	switch (rc) {
	case SIS_NOMEM:
		return -1;
	case SIS_SHORT:
		if (flags == 0)
			lg_corrupt(&s->w, "compressed data ends early");
		flags = LG_DAMAGED;
		break;
	case SIS_BAD:
		lg_corrupt(&s->w, "bad compressed data");
		flags = LG_DAMAGED;
		break;
	case SIS_END:
		if (s->er6 && s->o.n != olen) {
			lg_corrupt(&s->w, "file size mismatch");
			flags = LG_DAMAGED;
		}
		break;
	case SIS_CUT:
		break;
	}
	return lg_end(&s->w, &cap, s->o.b.data, s->o.b.len, s->o.n, flags);
}

/* sis_inflate - the zlib stream in into o, up to o's stop count */
static enum sis_rc
sis_inflate(struct lg_out *o, const uint8_t *in, size_t len)
{
	z_stream	 z;
	uint8_t		 chunk[SIS_CHUNK];
	size_t		 made, left = len;
	enum sis_rc	 rc;
	int		 zr, pr;

	memset(&z, 0, sizeof(z));
	if (inflateInit(&z) != Z_OK)
		return SIS_NOMEM;
	z.next_in = (Bytef *)(uintptr_t)in;
	for (;;) {
		if (z.avail_in == 0 && left > 0) {
			z.avail_in = left > UINT_MAX ? UINT_MAX : (uInt)left;
			left -= z.avail_in;
		}
		z.next_out = chunk;
		z.avail_out = sizeof(chunk);
		zr = inflate(&z, Z_NO_FLUSH);
		made = sizeof(chunk) - z.avail_out;
		if ((pr = lg_put(o, chunk, made)) == -1) {
			rc = SIS_NOMEM;
			break;
		}
		if (zr == Z_STREAM_END) {
			rc = SIS_END;
			break;
		}
		if (pr == 1) {
			rc = SIS_CUT;
			break;
		}
		if (zr == Z_MEM_ERROR) {
			rc = SIS_NOMEM;
			break;
		}
		if (zr == Z_BUF_ERROR || (zr == Z_OK && made == 0 &&
		    z.avail_in == 0 && left == 0)) {
			rc = SIS_SHORT;
			break;
		}
		if (zr != Z_OK) {
			rc = SIS_BAD;
			break;
		}
	}
	inflateEnd(&z);
	if (rc == SIS_NOMEM)
		errno = ENOMEM;
	return rc;
}

/*
 * sis_name - the name of the files of record r into out (ARC_MAXNAME):
 * the destination without its drive and leading backslashes, or the last
 * part of the source
 */
static void
sis_name(struct sis *s, const uint8_t *r, char *out)
{
	char		 name[SIS_NAMEOUT];
	const char	*p, *q;
	int		 bad = 0;

	sis_string(s, get_le32(r + 20), get_le32(r + 24), name,
	    sizeof(name), &bad);
	p = name;
	if (p[0] == '\0') {
		sis_string(s, get_le32(r + 12), get_le32(r + 16), name,
		    sizeof(name), &bad);
		for (q = name; *q != '\0'; q++)
			if (*q == '\\' || *q == '/' || *q == ':')
				p = q + 1;
	}
	if (bad)
		lg_corrupt(&s->w, "file name past the end");
	if (p[0] != '\0' && p[1] == ':')
		p += 2;
	while (*p == '\\' || *p == '/')
		p++;
	lg_name(&s->w, p);
	memcpy(out, s->w.name, ARC_MAXNAME);
}

/* sis_string - the string of nlen bytes at ptr as UTF-8 ("" if outside) */
static void
sis_string(struct sis *s, uint32_t nlen, uint32_t ptr, char *out,
    size_t outlen, int *bad)
{
	size_t	 n = nlen;

	out[0] = '\0';
	if (nlen == 0)
		return;
	if (ptr > s->len || nlen > s->len - ptr) {
		*bad = 1;
		return;
	}
	if (s->wide)
		(void)charset_to_utf8("utf-16le", s->buf + ptr,
		    n < 2 * SIS_NAMEIN ? n : 2 * SIS_NAMEIN, out, outlen);
	else {
		if (n > SIS_NAMEIN)
			n = SIS_NAMEIN;
		(void)charset_to_utf8("windows-1252", s->buf + ptr, n, out,
		    outlen);
	}
}

