/*
 * cvd.c - ClamAV .cvd/.cld containers and the tar inside them
 *
 * DESCRIPTION
 *	The header is copied into a local buffer, its padding (spaces, NULs,
 *	a stray CR or LF) trimmed from the end, and split on ':' into eight
 *	or nine fields.  Only printable ASCII is accepted.  Numbers are
 *	digits only and must fit their field.  The MD5 is 32 hex digits,
 *	stored lowercase, or the single letter "X": freshclam builds a CLD
 *	header from the first line of the .info file, which carries "X:X"
 *	in place of the MD5 and the dsig.
 *
 *	The data after the header is inflated when it starts with the gzip
 *	magic, otherwise copied as a plain tar.  Concatenated gzip members
 *	are inflated one after the other; any other byte after the last
 *	member is an error (gzip(1) would only warn).  The output buffer
 *	doubles as it fills and never exceeds the cap by more than one byte:
 *	that byte tells a tar of exactly the cap from a larger one.
 *
 *	The tar reader takes ustar, GNU and v7 headers.  The header checksum
 *	must match either the unsigned or the signed byte sum, as tar(1)
 *	accepts both.  Sizes are octal or GNU base-256 (positive only).  The
 *	archive ends at the first all-zero block (a lone zero block ends it
 *	too, as in GNU tar without -i) or exactly at the end of the buffer;
 *	a partial block is an error.  The padding of the last member's data
 *	may be missing.  Every entry's size is skipped, whatever its type.
 *
 *	Regular files are types '0', '\0' (unless the name ends in '/', a
 *	v7 directory) and '7' (contiguous).  The ustar prefix is joined only
 *	for POSIX "ustar\0" magic: in GNU headers those bytes hold times.
 *	GNU 'L' long names are honoured for the next entry (a pending one at
 *	the end of the archive is an error); 'K' long link names and pax 'x'
 *	and 'g' headers are skipped, so a pax "path" record is ignored and
 *	the ustar name is used.  Names are at most 255 bytes; an empty or
 *	longer name of a regular file is an error.
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#define ZLIB_CONST
#include <zlib.h>

#include "av/averr.h"
#include "signatures/cvd.h"
#include "util/digest.h"

#define CVD_MAGIC	"ClamAV-VDB"
#define CVD_MINFIELDS	8		/* without build-time seconds */
#define CVD_MAXFIELDS	9
#define CVD_MD5LEN	32
#define CVD_INITCAP	(64 * 1024)

#define TAR_BLOCK	512
#define TAR_NAMEMAX	255
#define TAR_NAME	0		/* offsets and sizes of header fields */
#define TAR_NAMELEN	100
#define TAR_SIZE	124
#define TAR_SIZELEN	12
#define TAR_CKSUM	148
#define TAR_CKSUMLEN	8
#define TAR_TYPE	156
#define TAR_MAGIC	257
#define TAR_MAGICLEN	6
#define TAR_PREFIX	345
#define TAR_PREFIXLEN	155

static uint64_t	 cvd_maxtar = CVD_MAXTAR;

static int	 cvd_number(const char *, uint64_t, uint64_t *);
static int	 cvd_text(char *, size_t, const char *);
static int	 cvd_md5(char *, const char *);
static int	 cvd_copy(const uint8_t *, size_t, uint8_t **, size_t *);
static int	 cvd_inflate(const uint8_t *, size_t, uint8_t **, size_t *);
static int	 cvd_grow(uint8_t **, size_t *, uint64_t);
static int	 tar_zero(const uint8_t *);
static int	 tar_octal(const uint8_t *, size_t, uint64_t *);
static int	 tar_cksum(const uint8_t *);
static int	 tar_size(const uint8_t *, uint64_t *);
static int	 tar_name(const uint8_t *, char *);
static int	 tar_longname(const uint8_t *, size_t, char *);

/* cvd_set_maxtar - lower the decompression cap (test hook) */
void
cvd_set_maxtar(uint64_t max)
{
	cvd_maxtar = (max == 0 || max > CVD_MAXTAR) ? CVD_MAXTAR : max;
}

/* cvd_parse_header - parse and check the 512-byte header */
int
cvd_parse_header(const uint8_t *buf, size_t len, struct cvd_header *h)
{
	struct cvd_header	 nh;
	char			 text[CVD_HDRLEN + 1];
	char			*field[CVD_MAXFIELDS], *p;
	uint64_t		 v;
	size_t			 n, i;
	int			 nf;

	if (buf == NULL || len < CVD_HDRLEN)
		goto bad;
	n = CVD_HDRLEN;
	while (n > 0 && (buf[n - 1] == ' ' || buf[n - 1] == '\0' ||
	    buf[n - 1] == '\n' || buf[n - 1] == '\r'))
		n--;
	for (i = 0; i < n; i++)
		if (buf[i] < 0x20 || buf[i] > 0x7e)
			goto bad;
	memcpy(text, buf, n);
	text[n] = '\0';

	for (nf = 0, p = text; p != NULL; nf++) {
		if (nf == CVD_MAXFIELDS)
			goto bad;
		field[nf] = p;
		if ((p = strchr(p, ':')) != NULL)
			*p++ = '\0';
	}
	if (nf < CVD_MINFIELDS || strcmp(field[0], CVD_MAGIC) != 0)
		goto bad;

	memset(&nh, 0, sizeof(nh));
	if (cvd_text(nh.stime, sizeof(nh.stime), field[1]) == -1)
		goto bad;
	if (cvd_number(field[2], UINT_MAX, &v) == -1)
		goto bad;
	nh.version = (unsigned)v;
	if (cvd_number(field[3], UINT_MAX, &v) == -1)
		goto bad;
	nh.nsigs = (unsigned)v;
	if (cvd_number(field[4], UINT_MAX, &v) == -1)
		goto bad;
	nh.flevel = (unsigned)v;
	if (cvd_md5(nh.md5, field[5]) == -1)
		goto bad;
	if (field[6][0] == '\0')		/* dsig: present, never verified */
		goto bad;
	if (cvd_text(nh.builder, sizeof(nh.builder), field[7]) == -1)
		goto bad;
	if (nf == CVD_MAXFIELDS &&
	    cvd_number(field[8], UINT64_MAX, &nh.btime) == -1)
		goto bad;
	*h = nh;
	return 0;
bad:
	errno = AV_ECVD;
	return -1;
}

/* cvd_open - check a container and return its tar */
int
cvd_open(const uint8_t *buf, size_t len, int verify_md5,
    struct cvd_header *h, uint8_t **tar, size_t *tarlen)
{
	const uint8_t	*data;
	uint8_t		 md[16];
	char		 hex[CVD_MD5LEN + 1];
	size_t		 dlen;

	*tar = NULL;
	*tarlen = 0;
	if (cvd_parse_header(buf, len, h) == -1)
		return -1;
	data = buf + CVD_HDRLEN;
	dlen = len - CVD_HDRLEN;

	if (verify_md5) {
		if (h->md5[0] == '\0') {
			errno = AV_ECVDMD5;	/* "X": nothing to verify */
			return -1;
		}
		if (digest_buf(DIGEST_MD5, data, dlen, md) == -1)
			return -1;
		digest_hex(md, sizeof(md), hex);
		if (strcmp(hex, h->md5) != 0) {
			errno = AV_ECVDMD5;
			return -1;
		}
	}

	if (dlen >= 2 && data[0] == 0x1f && data[1] == 0x8b)
		return cvd_inflate(data, dlen, tar, tarlen);
	return cvd_copy(data, dlen, tar, tarlen);
}

/* tar_walk - call cb for every regular file of an in-memory tar */
int
tar_walk(const uint8_t *tar, size_t len,
    int (*cb)(void *, const char *, const uint8_t *, size_t), void *arg)
{
	const uint8_t	*hdr, *data;
	char		 name[TAR_NAMEMAX + 1], longname[TAR_NAMEMAX + 1];
	uint64_t	 size, pad;
	size_t		 off = 0;
	int		 havelong = 0, r;

	while (off < len) {
		if (len - off < TAR_BLOCK)
			goto bad;
		hdr = tar + off;
		if (tar_zero(hdr))
			break;
		if (tar_cksum(hdr) == -1 || tar_size(hdr, &size) == -1)
			goto bad;
		off += TAR_BLOCK;
		if (size > len - off)
			goto bad;
		data = tar + off;
		pad = (TAR_BLOCK - size % TAR_BLOCK) % TAR_BLOCK;
		off = pad > len - off - size ? len : off + size + pad;

		switch (hdr[TAR_TYPE]) {
		case 'L':
			if (tar_longname(data, size, longname) == -1)
				goto bad;
			havelong = 1;
			break;
		case 'K':
		case 'x':
		case 'g':
			break;			/* metadata of the next entry */
		case '0':
		case '\0':
		case '7':
			if (havelong)
				memcpy(name, longname, sizeof(name));
			else if (tar_name(hdr, name) == -1)
				goto bad;
			havelong = 0;
			if (hdr[TAR_TYPE] == '\0' &&
			    name[strlen(name) - 1] == '/')
				break;		/* v7 directory */
			if ((r = cb(arg, name, data, (size_t)size)) != 0)
				return r;
			break;
		default:
			havelong = 0;		/* directories, links, ... */
			break;
		}
	}
	if (havelong)
		goto bad;
	return 0;
bad:
	errno = AV_ETAR;
	return -1;
}

/* cvd_number - parse a decimal field, digits only, at most max */
static int
cvd_number(const char *s, uint64_t max, uint64_t *out)
{
	uint64_t	 v = 0;
	unsigned	 d;

	if (*s == '\0')
		return -1;
	for (; *s != '\0'; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		d = (unsigned)(*s - '0');
		if (v > (max - d) / 10)
			return -1;
		v = v * 10 + d;
	}
	*out = v;
	return 0;
}

/* cvd_text - copy a text field that must fit in size bytes with its NUL */
static int
cvd_text(char *dst, size_t size, const char *s)
{
	size_t	 n;

	if ((n = strlen(s)) >= size)
		return -1;
	memcpy(dst, s, n + 1);
	return 0;
}

/* cvd_md5 - 32 hex digits to lowercase, or "X" to the empty string */
static int
cvd_md5(char *dst, const char *s)
{
	size_t	 i;
	char	 c;

	if (strcmp(s, "X") == 0 || strcmp(s, "x") == 0) {
		dst[0] = '\0';
		return 0;
	}
	if (strlen(s) != CVD_MD5LEN)
		return -1;
	for (i = 0; i < CVD_MD5LEN; i++) {
		c = s[i];
		if (c >= 'A' && c <= 'F')
			c = (char)(c - 'A' + 'a');
		else if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
			return -1;
		dst[i] = c;
	}
	dst[CVD_MD5LEN] = '\0';
	return 0;
}

/* cvd_copy - a plain tar: copy it into a buffer of its own */
static int
cvd_copy(const uint8_t *data, size_t len, uint8_t **out, size_t *outlen)
{
	uint8_t	*p;

	if (len > cvd_maxtar) {
		errno = AV_ELIMIT;
		return -1;
	}
	if ((p = malloc(len > 0 ? len : 1)) == NULL) {
		errno = ENOMEM;
		return -1;
	}
	if (len > 0)
		memcpy(p, data, len);
	*out = p;
	*outlen = len;
	return 0;
}

/* cvd_grow - double a buffer, to at most max bytes */
static int
cvd_grow(uint8_t **buf, size_t *cap, uint64_t max)
{
	uint64_t	 ncap;
	uint8_t		*p;

	ncap = *cap > max / 2 ? max : (uint64_t)*cap * 2;
	if (ncap > SIZE_MAX) {
		errno = ENOMEM;
		return -1;
	}
	if ((p = realloc(*buf, (size_t)ncap)) == NULL) {
		errno = ENOMEM;
		return -1;
	}
	*buf = p;
	*cap = (size_t)ncap;
	return 0;
}

/* cvd_inflate - gunzip one or more members into a new buffer */
static int
cvd_inflate(const uint8_t *in, size_t inlen, uint8_t **out, size_t *outlen)
{
	z_stream	 z;
	const uint8_t	*tail;
	uint8_t		*buf = NULL, *p;
	uint64_t	 max;
	size_t		 cap, len = 0, fed = 0, rest, chunk;
	int		 zr, err = 0;

	/*
	 * One byte more than the cap, so that a tar of exactly the cap
	 * fits.  Start at four times the input: tars compress well.
	 */
	max = cvd_maxtar + 1;
	cap = CVD_INITCAP;
	if (inlen > cap / 4)
		cap = inlen > max / 4 ? (size_t)max : inlen * 4;
	if (cap > max)
		cap = (size_t)max;

	memset(&z, 0, sizeof(z));
	zr = inflateInit2(&z, 16 + MAX_WBITS);
	if (zr != Z_OK) {
		errno = zr == Z_MEM_ERROR ? ENOMEM : EINVAL;
		return -1;
	}
	if ((buf = malloc(cap)) == NULL) {
		err = ENOMEM;
		goto fail;
	}

	for (;;) {
		if (len == cap) {
			if (cap == max) {
				err = AV_ELIMIT;
				goto fail;
			}
			if (cvd_grow(&buf, &cap, max) == -1) {
				err = errno;
				goto fail;
			}
		}
		if (z.avail_in == 0 && fed < inlen) {
			chunk = inlen - fed > UINT_MAX ? UINT_MAX : inlen - fed;
			z.next_in = in + fed;
			z.avail_in = (uInt)chunk;
			fed += chunk;
		}
		chunk = cap - len > UINT_MAX ? UINT_MAX : cap - len;
		z.next_out = buf + len;
		z.avail_out = (uInt)chunk;
		zr = inflate(&z, Z_NO_FLUSH);
		len += chunk - z.avail_out;

		if (zr == Z_STREAM_END) {
			rest = z.avail_in + (inlen - fed);
			if (rest == 0)
				break;
			tail = in + (inlen - rest);
			if (rest < 2 || tail[0] != 0x1f || tail[1] != 0x8b) {
				err = AV_EGZIP;	/* trailing garbage */
				goto fail;
			}
			if (inflateReset(&z) != Z_OK) {
				err = AV_EGZIP;
				goto fail;
			}
			continue;
		}
		if (zr == Z_MEM_ERROR) {
			err = ENOMEM;
			goto fail;
		}
		if (zr != Z_OK && zr != Z_BUF_ERROR) {
			err = AV_EGZIP;		/* data, dictionary, stream */
			goto fail;
		}
		if (z.avail_out != 0 && z.avail_in == 0 && fed == inlen) {
			err = AV_EGZIP;		/* input ended mid-stream */
			goto fail;
		}
	}
	inflateEnd(&z);

	if (len > cvd_maxtar) {
		free(buf);
		errno = AV_ELIMIT;
		return -1;
	}
	if (len < cap && (p = realloc(buf, len > 0 ? len : 1)) != NULL)
		buf = p;
	*out = buf;
	*outlen = len;
	return 0;
fail:
	inflateEnd(&z);
	free(buf);
	errno = err;
	return -1;
}

/* tar_zero - whether a block is all zero bytes */
static int
tar_zero(const uint8_t *b)
{
	size_t	 i;

	for (i = 0; i < TAR_BLOCK; i++)
		if (b[i] != 0)
			return 0;
	return 1;
}

/* tar_octal - parse an octal field: spaces, digits, then NULs or spaces */
static int
tar_octal(const uint8_t *f, size_t n, uint64_t *out)
{
	uint64_t	 v = 0;
	size_t		 i = 0, start;

	while (i < n && f[i] == ' ')
		i++;
	for (start = i; i < n && f[i] >= '0' && f[i] <= '7'; i++) {
		if (v > (UINT64_MAX >> 3))
			return -1;
		v = (v << 3) | (uint64_t)(f[i] - '0');
	}
	if (i == start)
		return -1;
	for (; i < n; i++)
		if (f[i] != '\0' && f[i] != ' ')
			return -1;
	*out = v;
	return 0;
}

/* tar_cksum - check the header checksum, unsigned or signed */
static int
tar_cksum(const uint8_t *hdr)
{
	uint64_t	 want;
	long		 usum = 0, ssum = 0;
	size_t		 i;
	uint8_t		 c;

	if (tar_octal(hdr + TAR_CKSUM, TAR_CKSUMLEN, &want) == -1)
		return -1;
	for (i = 0; i < TAR_BLOCK; i++) {
		c = (i >= TAR_CKSUM && i < TAR_CKSUM + TAR_CKSUMLEN) ?
		    ' ' : hdr[i];
		usum += c;
		ssum += c < 0x80 ? (long)c : (long)c - 256;
	}
	if (want == (uint64_t)usum || (ssum >= 0 && want == (uint64_t)ssum))
		return 0;
	return -1;
}

/* tar_size - the size field, octal or GNU base-256 */
static int
tar_size(const uint8_t *hdr, uint64_t *size)
{
	const uint8_t	*f = hdr + TAR_SIZE;
	uint64_t	 v;
	size_t		 i;

	if ((f[0] & 0x80) == 0)
		return tar_octal(f, TAR_SIZELEN, size);
	if (f[0] & 0x40)
		return -1;			/* negative */
	v = f[0] & 0x3f;
	for (i = 1; i < TAR_SIZELEN; i++) {
		if (v > (UINT64_MAX >> 8))
			return -1;
		v = (v << 8) | f[i];
	}
	*size = v;
	return 0;
}

/* tar_name - the entry's name, with a ustar prefix joined */
static int
tar_name(const uint8_t *hdr, char *name)
{
	size_t	 nlen, plen = 0;

	nlen = strnlen((const char *)hdr + TAR_NAME, TAR_NAMELEN);
	if (nlen == 0)
		return -1;
	if (memcmp(hdr + TAR_MAGIC, "ustar", TAR_MAGICLEN) == 0)
		plen = strnlen((const char *)hdr + TAR_PREFIX, TAR_PREFIXLEN);
	if (plen > 0) {
		if (plen + 1 + nlen > TAR_NAMEMAX)
			return -1;
		memcpy(name, hdr + TAR_PREFIX, plen);
		name[plen++] = '/';
	}
	memcpy(name + plen, hdr + TAR_NAME, nlen);
	name[plen + nlen] = '\0';
	return 0;
}

/* tar_longname - the name carried by a GNU 'L' entry */
static int
tar_longname(const uint8_t *data, size_t size, char *name)
{
	size_t	 n;

	n = strnlen((const char *)data, size);
	if (n == 0 || n > TAR_NAMEMAX)
		return -1;
	memcpy(name, data, n);
	name[n] = '\0';
	return 0;
}
