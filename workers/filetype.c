/*
 * filetype.c - file type detection by content, and ClamAV type names
 *
 * DESCRIPTION
 *	filetype_detect() never looks at a name, only at bytes, and prefers
 *	to say FT_BINARY over guessing.  The checks run from the most to the
 *	least specific, so that a PE stays a PE even when it also looks like
 *	text, and a tar or cpio archive holding a PDF stays an archive:
 *
 *	1. Executables whose headers are plausible: PE ("MZ", and "PE\0\0"
 *	   at e_lfanew inside the buffer), ELF (class, data and version
 *	   sane), Mach-O thin (FEEDFACE/FEEDFACF, either byte order, with a
 *	   known file type) and fat (CAFEBABE/CAFEBABF with 1 to 19
 *	   architectures and a sane first entry); CAFEBABE with a class file
 *	   major version of 45 or more is Java instead.
 *	2. Magics at offset 0, each with whatever cheap consistency check
 *	   the format offers (reserved fields, versions, header sizes).
 *	3. POSIX tar ("ustar" at 257), ISO 9660 ("CD001" at 0x8001, only
 *	   when the buffer is that long), old tar (a header checksum that
 *	   matches, without the ustar magic).
 *	4. "%PDF-" anywhere in the first 1 KiB (readers accept junk before
 *	   it, so a mail- or HTML-looking prefix must not hide a PDF).
 *	5. UTF-16 with a byte order mark, then mail, then text.
 *
 *	Text rules, over the first 4 KiB (the "window"):
 *	- text bytes are 0x07-0x0d, 0x1b (terminal escapes) and 0x20-0x7e;
 *	  a complete, well-formed UTF-8 sequence (no overlong forms, no
 *	  surrogates, nothing above U+10FFFF) is text too, and a sequence
 *	  cut short by the end of the window is ignored;
 *	- a NUL byte means the window is not 8-bit text;
 *	- any other byte (other control bytes, 0x7f, stray 8-bit bytes) is
 *	  "odd"; fewer than 1% odd bytes are tolerated (so a lone ^Z or a
 *	  Latin-1 letter in a long file does not make it binary, but a short
 *	  file must be clean);
 *	- the result is FT_TEXT_UTF8 when at least one multibyte sequence
 *	  (a BOM counts) was seen, FT_TEXT_ASCII otherwise.  Legacy 8-bit
 *	  text with more than 1% non-UTF-8 bytes is FT_BINARY (ClamAV has no
 *	  type for it), but can still be HTML or mail.
 *	- UTF-16 is recognised by its BOM (FFFE little, FEFF big endian;
 *	  the rest must pair its surrogates and carry fewer than 1% control
 *	  units), or without a BOM when at least 95% of the 16-bit units of a
 *	  window of 16 bytes or more are a text byte (or 0xa0-0xff) next to a
 *	  NUL.
 *
 *	Mail: a "From " (mbox) line, or a first line that is a header.  From
 *	there to the first empty line (or the end of the window) every line
 *	must be "Name: value" (Name: printable ASCII without ':') or a
 *	continuation starting with a blank, and must hold no NUL or control
 *	byte other than TAB and CR.  At least two distinct known names are
 *	needed, the mbox line counting as one.  Known names: Received, From,
 *	To, Cc, Subject, Date, Message-ID, MIME-Version, Return-Path,
 *	Delivered-To, Reply-To, Sender, In-Reply-To, References,
 *	Content-Type, Content-Transfer-Encoding (so a bare MIME entity is
 *	mail as well).
 *
 *	HTML: the window has no NUL and fewer than 1% odd control bytes
 *	(8-bit bytes are allowed), and the first 1 KiB (after a UTF-8 BOM)
 *	holds, case-insensitively, one of the tags <html, <head, <body,
 *	<script, <iframe, <frameset, <meta, <style, <object, <embed, <applet,
 *	<form, <img, <table, <div followed by a blank, '>' or '/', or
 *	"<a href" (blanks between), or "<!doctype html".
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "util/bytes.h"
#include "util/utf8.h"
#include "workers/filetype.h"

#define FT_TEXTWIN	4096		/* text, UTF-16 and mail window */
#define FT_TAGWIN	1024		/* HTML tag and PDF magic window */

/* counts over the text window */
struct ft_textstat {
	size_t		 n;		/* bytes looked at */
	size_t		 nul;		/* NUL bytes */
	size_t		 ctl;		/* odd control bytes */
	size_t		 bad8;		/* 8-bit bytes outside valid UTF-8 */
	size_t		 mb;		/* valid multibyte UTF-8 sequences */
};

/* a known word: mail header name or HTML tag name, lower case */
struct ft_word {
	const char	*name;
	size_t		 len;
};

static const char *const ft_names[FT_NTYPES] = {
	[FT_NONE] = "CL_TYPE_UNKNOWN",
	[FT_ANY] = "CL_TYPE_ANY",
	[FT_BINARY] = "CL_TYPE_BINARY_DATA",
	[FT_TEXT_ASCII] = "CL_TYPE_TEXT_ASCII",
	[FT_TEXT_UTF8] = "CL_TYPE_TEXT_UTF8",
	[FT_TEXT_UTF16LE] = "CL_TYPE_TEXT_UTF16LE",
	[FT_TEXT_UTF16BE] = "CL_TYPE_TEXT_UTF16BE",
	[FT_HTML] = "CL_TYPE_HTML",
	[FT_MAIL] = "CL_TYPE_MAIL",
	[FT_PE] = "CL_TYPE_MSEXE",
	[FT_ELF] = "CL_TYPE_ELF",
	[FT_MACHO] = "CL_TYPE_MACHO",
	[FT_MACHO_UNIBIN] = "CL_TYPE_MACHO_UNIBIN",
	[FT_OLE2] = "CL_TYPE_MSOLE2",
	[FT_PDF] = "CL_TYPE_PDF",
	[FT_RTF] = "CL_TYPE_RTF",
	[FT_SWF] = "CL_TYPE_SWF",
	[FT_JAVA] = "CL_TYPE_JAVA",
	[FT_GIF] = "CL_TYPE_GIF",
	[FT_PNG] = "CL_TYPE_PNG",
	[FT_JPEG] = "CL_TYPE_JPEG",
	[FT_TIFF] = "CL_TYPE_TIFF",
	[FT_GRAPHICS] = "CL_TYPE_GRAPHICS",
	[FT_ZIP] = "CL_TYPE_ZIP",
	[FT_GZ] = "CL_TYPE_GZ",
	[FT_BZ] = "CL_TYPE_BZ",
	[FT_XZ] = "CL_TYPE_XZ",
	[FT_ZSTD] = "CL_TYPE_ZSTD",
	[FT_LZ4] = "CL_TYPE_LZ4",
	[FT_COMPRESS] = "CL_TYPE_COMPRESS",
	[FT_7Z] = "CL_TYPE_7Z",
	[FT_RAR] = "CL_TYPE_RAR",
	[FT_CAB] = "CL_TYPE_MSCAB",
	[FT_ARJ] = "CL_TYPE_ARJ",
	[FT_TAR_POSIX] = "CL_TYPE_POSIX_TAR",
	[FT_TAR_OLD] = "CL_TYPE_OLD_TAR",
	[FT_CPIO_OLD] = "CL_TYPE_CPIO_OLD",
	[FT_CPIO_ODC] = "CL_TYPE_CPIO_ODC",
	[FT_CPIO_NEWC] = "CL_TYPE_CPIO_NEWC",
	[FT_CPIO_CRC] = "CL_TYPE_CPIO_CRC",
	[FT_ISO9660] = "CL_TYPE_ISO9660",
	[FT_AR] = "CL_TYPE_AR",
	[FT_XAR] = "CL_TYPE_XAR",
	[FT_LHA] = "CL_TYPE_LHA_LZH",
	[FT_CHM] = "CL_TYPE_MSCHM",
	[FT_SZDD] = "CL_TYPE_MSSZDD",
	[FT_TNEF] = "CL_TYPE_TNEF",
	[FT_BINHEX] = "CL_TYPE_BINHEX",
	[FT_SIS] = "CL_TYPE_SIS",
};

#define FT_WORD(s)	{ s, sizeof(s) - 1 }
static const struct ft_word ft_mailhdrs[] = {
	FT_WORD("received"), FT_WORD("from"), FT_WORD("to"), FT_WORD("cc"),
	FT_WORD("subject"), FT_WORD("date"), FT_WORD("message-id"),
	FT_WORD("mime-version"), FT_WORD("return-path"),
	FT_WORD("delivered-to"), FT_WORD("reply-to"), FT_WORD("sender"),
	FT_WORD("in-reply-to"), FT_WORD("references"), FT_WORD("content-type"),
	FT_WORD("content-transfer-encoding"),
};

static const struct ft_word ft_htmltags[] = {
	FT_WORD("html"), FT_WORD("head"), FT_WORD("body"), FT_WORD("script"),
	FT_WORD("iframe"), FT_WORD("frameset"), FT_WORD("meta"),
	FT_WORD("style"), FT_WORD("object"), FT_WORD("embed"),
	FT_WORD("applet"), FT_WORD("form"), FT_WORD("img"), FT_WORD("table"),
	FT_WORD("div"),
};
#undef FT_WORD

#define FT_NELEM(a)	(sizeof(a) / sizeof((a)[0]))

static int		 ft_has(const uint8_t *, size_t, size_t, const char *,
			    size_t);
static int		 ft_lower(int);
static int		 ft_casehas(const uint8_t *, size_t, size_t,
			    const char *, size_t);
static int		 ft_istext(int);
static int		 ft_isblank(int);
static size_t		 ft_find(const uint8_t *, size_t, const char *, size_t);
static enum ftype	 ft_exec(const uint8_t *, size_t);
static enum ftype	 ft_cafebabe(const uint8_t *, size_t);
static enum ftype	 ft_magic(const uint8_t *, size_t);
static enum ftype	 ft_image(const uint8_t *, size_t);
static enum ftype	 ft_compressed(const uint8_t *, size_t);
static enum ftype	 ft_archive(const uint8_t *, size_t);
static enum ftype	 ft_cpio(const uint8_t *, size_t);
static int		 ft_digits(const uint8_t *, size_t, int);
static int		 ft_lzma(const uint8_t *, size_t);
static int		 ft_bmp(const uint8_t *, size_t);
static int		 ft_oldtar(const uint8_t *, size_t);
static int		 ft_binhex(const uint8_t *, size_t);
static void		 ft_textstat(const uint8_t *, size_t,
			    struct ft_textstat *);
static enum ftype	 ft_utf16(const uint8_t *, size_t);
static int		 ft_utf16body(const uint8_t *, size_t, int);
static int		 ft_mail(const uint8_t *, size_t);
static int		 ft_mailhdr(const uint8_t *, size_t, uint32_t *);
static int		 ft_html(const uint8_t *, size_t);

/* ft_has - whether the n bytes of s sit at offset off */
static int
ft_has(const uint8_t *b, size_t len, size_t off, const char *s, size_t n)
{
	if (off > len || n > len - off)
		return 0;
	return memcmp(b + off, s, n) == 0;
}

/* ft_lower - ASCII lower case, locale-free */
static int
ft_lower(int c)
{
	return (c >= 'A' && c <= 'Z') ? c - 'A' + 'a' : c;
}

/* ft_casehas - ft_has, ignoring ASCII case; s must be lower case */
static int
ft_casehas(const uint8_t *b, size_t len, size_t off, const char *s, size_t n)
{
	size_t	 i;

	if (off > len || n > len - off)
		return 0;
	for (i = 0; i < n; i++)
		if (ft_lower(b[off + i]) != (unsigned char)s[i])
			return 0;
	return 1;
}

/* ft_istext - printable ASCII or a text control byte */
static int
ft_istext(int c)
{
	return (c >= 0x07 && c <= 0x0d) || c == 0x1b || (c >= 0x20 && c < 0x7f);
}

/* ft_isblank - white space inside a line or between tokens */
static int
ft_isblank(int c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f';
}

/* ft_find - offset of the n bytes of s in the first len bytes, or len */
static size_t
ft_find(const uint8_t *b, size_t len, const char *s, size_t n)
{
	const uint8_t	*p;
	size_t		 off = 0;

	while (n > 0 && n <= len - off) {
		p = memchr(b + off, (unsigned char)s[0], len - off - n + 1);
		if (p == NULL)
			break;
		off = (size_t)(p - b);
		if (memcmp(p, s, n) == 0)
			return off;
		off++;
	}
	return len;
}

/* ft_exec - PE, ELF, Mach-O and the CAFEBABE family */
static enum ftype
ft_exec(const uint8_t *b, size_t len)
{
	uint32_t	 lfanew, mt;

	if (len >= 0x40 && b[0] == 'M' && b[1] == 'Z') {
		lfanew = get_le32(b + 0x3c);
		if (ft_has(b, len, lfanew, "PE\0\0", 4))
			return FT_PE;
	}
	if (len >= 7 && ft_has(b, len, 0, "\177ELF", 4) &&
	    (b[4] == 1 || b[4] == 2) && (b[5] == 1 || b[5] == 2) && b[6] == 1)
		return FT_ELF;
	if (len >= 28) {
		/* Mach-O file types run from MH_OBJECT (1) to about 12 */
		if (ft_has(b, len, 0, "\xfe\xed\xfa\xce", 4) ||
		    ft_has(b, len, 0, "\xfe\xed\xfa\xcf", 4))
			mt = get_be32(b + 12);
		else if (ft_has(b, len, 0, "\xce\xfa\xed\xfe", 4) ||
		    ft_has(b, len, 0, "\xcf\xfa\xed\xfe", 4))
			mt = get_le32(b + 12);
		else
			mt = 0;
		if (mt >= 1 && mt <= 15)
			return FT_MACHO;
	}
	if (ft_has(b, len, 0, "\xca\xfe\xba\xbe", 4) ||
	    ft_has(b, len, 0, "\xca\xfe\xba\xbf", 4))
		return ft_cafebabe(b, len);
	return FT_NONE;
}

/*
 * ft_cafebabe - a fat Mach-O or a Java class file
 *
 * Both start with CAFEBABE.  A fat header goes on with a small
 * big-endian architecture count; a class file goes on with its minor and
 * major versions, and major versions start at 45, so the same 32 bits
 * read as a count would be at least 45.
 */
static enum ftype
ft_cafebabe(const uint8_t *b, size_t len)
{
	uint32_t	 n, major;
	uint64_t	 off;
	size_t		 entsz;

	if (len < 8)
		return FT_NONE;
	n = get_be32(b + 4);
	if (n >= 1 && n < 20) {
		entsz = b[3] == 0xbf ? 32 : 20;
		if (len < 8 + entsz)
			return FT_NONE;
		if (entsz == 20)
			off = get_be32(b + 16);
		else
			off = (uint64_t)get_be32(b + 16) << 32 | get_be32(b + 20);
		/* slices start after the arch table, aligned to <= 1 MiB */
		if (off >= 8 + (uint64_t)n * entsz &&
		    get_be32(b + 8 + entsz - (entsz == 20 ? 4 : 8)) <= 20)
			return FT_MACHO_UNIBIN;
		return FT_NONE;
	}
	major = (uint32_t)b[6] << 8 | b[7];
	if (b[3] == 0xbe && major >= 45 && major < 256)
		return FT_JAVA;
	return FT_NONE;
}

/* ft_magic - everything recognised by its first bytes */
static enum ftype
ft_magic(const uint8_t *b, size_t len)
{
	enum ftype	 t;

	if (ft_has(b, len, 0, "\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", 8))
		return FT_OLE2;
	if (ft_has(b, len, 0, "%PDF-", 5))
		return FT_PDF;
	if (ft_has(b, len, 0, "{\\rtf", 5))
		return FT_RTF;
	if (len >= 8 && (ft_has(b, len, 0, "FWS", 3) ||
	    ft_has(b, len, 0, "CWS", 3) || ft_has(b, len, 0, "ZWS", 3)) &&
	    b[3] >= 1 && b[3] <= 64 && get_le32(b + 4) >= 8)
		return FT_SWF;
	if ((t = ft_image(b, len)) != FT_NONE)
		return t;
	if ((t = ft_compressed(b, len)) != FT_NONE)
		return t;
	if ((t = ft_archive(b, len)) != FT_NONE)
		return t;
	if ((t = ft_cpio(b, len)) != FT_NONE)
		return t;
	if (ft_binhex(b, len))
		return FT_BINHEX;
	return FT_NONE;
}

/* ft_image - graphics formats */
static enum ftype
ft_image(const uint8_t *b, size_t len)
{
	if (ft_has(b, len, 0, "GIF87a", 6) || ft_has(b, len, 0, "GIF89a", 6))
		return FT_GIF;
	if (ft_has(b, len, 0, "\x89PNG\r\n\x1a\n", 8))
		return FT_PNG;
	if (ft_has(b, len, 0, "\xff\xd8\xff", 3))
		return FT_JPEG;
	/* classic TIFF and BigTIFF, both byte orders */
	if (ft_has(b, len, 0, "II*\0", 4) || ft_has(b, len, 0, "MM\0*", 4) ||
	    ft_has(b, len, 0, "II+\0", 4) || ft_has(b, len, 0, "MM\0+", 4))
		return FT_TIFF;
	if (ft_bmp(b, len))
		return FT_GRAPHICS;
	/* JPEG 2000: JP2 signature box, or a bare codestream */
	if (ft_has(b, len, 0, "\0\0\0\x0cjP  \r\n\x87\n", 12) ||
	    ft_has(b, len, 0, "\xff\x4f\xff\x51", 4))
		return FT_GRAPHICS;
	if (ft_has(b, len, 0, "RIFF", 4) && ft_has(b, len, 8, "WEBP", 4))
		return FT_GRAPHICS;
	return FT_NONE;
}

/* ft_bmp - "BM" with zero reserved fields and a known DIB header size */
static int
ft_bmp(const uint8_t *b, size_t len)
{
	uint32_t	 dib, data;

	if (len < 18 || b[0] != 'B' || b[1] != 'M' || get_le32(b + 6) != 0)
		return 0;
	data = get_le32(b + 10);
	dib = get_le32(b + 14);
	switch (dib) {
	case 12: case 16: case 40: case 52: case 56: case 64: case 108:
	case 124:
		return data >= 14 + dib;
	default:
		return 0;
	}
}

/* ft_compressed - single-stream compressors */
static enum ftype
ft_compressed(const uint8_t *b, size_t len)
{
	/* gzip: deflate is the only method; flag bits 5-7 are reserved */
	if (len >= 10 && b[0] == 0x1f && b[1] == 0x8b && b[2] == 8 &&
	    (b[3] & 0xe0) == 0)
		return FT_GZ;
	/* bzip2: block size digit, then a block or end-of-stream magic */
	if (len >= 10 && ft_has(b, len, 0, "BZh", 3) && b[3] >= '1' &&
	    b[3] <= '9' && (ft_has(b, len, 4, "\x31\x41\x59\x26\x53\x59", 6) ||
	    ft_has(b, len, 4, "\x17\x72\x45\x38\x50\x90", 6)))
		return FT_BZ;
	/* xz: stream flags are a zero byte and a known check type */
	if (len >= 8 && ft_has(b, len, 0, "\xfd" "7zXZ\0", 6) && b[6] == 0 &&
	    (b[7] == 0 || b[7] == 1 || b[7] == 4 || b[7] == 10))
		return FT_XZ;
	/* zstd: frame header descriptor bit 3 is reserved */
	if (len >= 5 && ft_has(b, len, 0, "\x28\xb5\x2f\xfd", 4) &&
	    (b[4] & 0x08) == 0)
		return FT_ZSTD;
	/* lz4 frame: version 01, reserved flag bit clear; or legacy */
	if (len >= 5 && ft_has(b, len, 0, "\x04\x22\x4d\x18", 4) &&
	    (b[4] & 0xc2) == 0x40)
		return FT_LZ4;
	if (len >= 8 && ft_has(b, len, 0, "\x02\x21\x4c\x18", 4))
		return FT_LZ4;
	/* compress(1): 9 to 16 bits, reserved bits clear */
	if (len >= 3 && b[0] == 0x1f && b[1] == 0x9d && (b[2] & 0x60) == 0 &&
	    (b[2] & 0x1f) >= 9 && (b[2] & 0x1f) <= 16)
		return FT_COMPRESS;
	if (ft_lzma(b, len))
		return FT_XZ;
	return FT_NONE;
}

/*
 * ft_lzma - an lzma-alone (.lzma) header
 *
 * The format has no magic, so all of these must hold: a properties byte
 * below 9*5*5; a dictionary size of 2^n or 2^n + 2^(n-1) (what the
 * encoders write) of at least 4 KiB; an uncompressed size that is either
 * unknown (all ones) or below 2^40; and a first range-coder byte of 0.
 */
static int
ft_lzma(const uint8_t *b, size_t len)
{
	uint32_t	 dict, low;
	uint64_t	 usize;

	if (len < 14 || b[0] >= 9 * 5 * 5 || b[13] != 0)
		return 0;
	dict = get_le32(b + 1);
	if (dict < 4096)
		return 0;
	low = dict & -dict;
	if (dict != low && dict != low + (low << 1))
		return 0;
	usize = get_le64(b + 5);
	return usize == UINT64_MAX || usize < ((uint64_t)1 << 40);
}

/* ft_archive - multi-member archives and other containers */
static enum ftype
ft_archive(const uint8_t *b, size_t len)
{
	uint32_t	 v;

	if (ft_has(b, len, 0, "PK\3\4", 4))
		return FT_ZIP;
	if (len >= 22 && ft_has(b, len, 0, "PK\5\6", 4))
		return FT_ZIP;
	if ((ft_has(b, len, 0, "PK\7\x08", 4) || ft_has(b, len, 0, "PK00", 4))
	    && ft_has(b, len, 4, "PK\3\4", 4))
		return FT_ZIP;
	if (ft_has(b, len, 0, "7z\xbc\xaf\x27\x1c", 6))
		return FT_7Z;
	if (ft_has(b, len, 0, "Rar!\x1a\x07\x00", 7) ||
	    ft_has(b, len, 0, "Rar!\x1a\x07\x01\x00", 8))
		return FT_RAR;
	/* CAB: reserved1 is zero, major version 1 */
	if (len >= 26 && ft_has(b, len, 0, "MSCF\0\0\0\0", 8) && b[25] == 1)
		return FT_CAB;
	/* ARJ main header: sane sizes, file type 2 */
	if (len >= 11 && b[0] == 0x60 && b[1] == 0xea) {
		v = get_le16(b + 2);
		if (v >= 30 && v <= 2600 && b[4] >= 30 && b[4] <= v &&
		    b[10] == 2)
			return FT_ARJ;
	}
	if (len >= 8 && ft_has(b, len, 0, "ITSF", 4) &&
	    (get_le32(b + 4) == 2 || get_le32(b + 4) == 3))
		return FT_CHM;
	if (ft_has(b, len, 0, "SZDD\x88\xf0\x27\x33", 8))
		return FT_SZDD;
	/* TNEF signature, then the first attribute's level: 1 or 2 */
	if (len >= 7 && get_le32(b) == 0x223e9f78 && (b[6] == 1 || b[6] == 2))
		return FT_TNEF;
	if (len >= 8 && ft_has(b, len, 0, "xar!", 4) &&
	    (b[4] << 8 | b[5]) >= 28 && (b[6] << 8 | b[7]) == 1)
		return FT_XAR;
	if (ft_has(b, len, 0, "!<arch>\n", 8) ||
	    ft_has(b, len, 0, "!<thin>\n", 8))
		return FT_AR;
	/* LHA: "-lh0-" to "-lh7-", "-lhd-", "-lzs-", "-lz4-", "-lz5-" */
	if (len >= 21 && b[0] != 0 && b[2] == '-' && b[3] == 'l' &&
	    b[6] == '-' && ((b[4] == 'h' && ((b[5] >= '0' && b[5] <= '7') ||
	    b[5] == 'd')) || (b[4] == 'z' && (b[5] == 's' || b[5] == '4' ||
	    b[5] == '5'))))
		return FT_LHA;
	/* SIS: EPOC UIDs (before 9.x), or the 9.x UID1 and empty UID2 */
	if (len >= 16 && get_le32(b + 8) == 0x10000419 &&
	    (get_le32(b + 4) == 0x10003a12 || get_le32(b + 4) == 0x1000006d))
		return FT_SIS;
	if (len >= 16 && get_le32(b) == 0x10201a7a && get_le32(b + 4) == 0)
		return FT_SIS;
	return FT_NONE;
}

/* ft_cpio - the four cpio header formats */
static enum ftype
ft_cpio(const uint8_t *b, size_t len)
{
	uint16_t	 namesz;

	/* binary: 070707 as a 16-bit word, little or big endian */
	if (len >= 26 && ((b[0] == 0xc7 && b[1] == 0x71) ||
	    (b[0] == 0x71 && b[1] == 0xc7))) {
		if (b[0] == 0xc7)
			namesz = get_le16(b + 20);
		else
			namesz = (uint16_t)(b[20] << 8 | b[21]);
		if (namesz < 1 || namesz > 4096)
			return FT_NONE;
		if (26 + (size_t)namesz <= len && b[26 + namesz - 1] != 0)
			return FT_NONE;
		return FT_CPIO_OLD;
	}
	if (len >= 76 && ft_has(b, len, 0, "070707", 6) &&
	    ft_digits(b + 6, 70, 8))
		return FT_CPIO_ODC;
	if (len >= 110 && ft_has(b, len, 0, "070701", 6) &&
	    ft_digits(b + 6, 104, 16))
		return FT_CPIO_NEWC;
	if (len >= 110 && ft_has(b, len, 0, "070702", 6) &&
	    ft_digits(b + 6, 104, 16))
		return FT_CPIO_CRC;
	return FT_NONE;
}

/* ft_digits - whether n bytes are all digits of the given base (8, 16) */
static int
ft_digits(const uint8_t *p, size_t n, int base)
{
	size_t	 i;
	int	 c;

	for (i = 0; i < n; i++) {
		c = p[i];
		if (c >= '0' && c <= '7')
			continue;
		if (base == 16 && ((c >= '8' && c <= '9') ||
		    (ft_lower(c) >= 'a' && ft_lower(c) <= 'f')))
			continue;
		return 0;
	}
	return 1;
}

/*
 * ft_oldtar - a pre-POSIX tar header: non-empty name, and a checksum
 * field (octal, blank or NUL padded) equal to the sum of the 512 header
 * bytes with the field itself counted as blanks, either unsigned or
 * signed as some historical tars computed it.
 */
static int
ft_oldtar(const uint8_t *b, size_t len)
{
	uint32_t	 want = 0, usum = 0;
	int32_t		 ssum = 0;
	size_t		 i;
	int		 digits = 0;

	if (len < 512 || b[0] == 0)
		return 0;
	for (i = 148; i < 156 && b[i] == ' '; i++)
		continue;
	for (; i < 156 && b[i] >= '0' && b[i] <= '7'; i++, digits++)
		want = want << 3 | (uint32_t)(b[i] - '0');
	if (digits == 0 || digits > 7)
		return 0;
	for (; i < 156; i++)
		if (b[i] != ' ' && b[i] != '\0')
			return 0;
	for (i = 0; i < 512; i++) {
		if (i >= 148 && i < 156) {
			usum += ' ';
			ssum += ' ';
		} else {
			usum += b[i];
			ssum += (int8_t)b[i];
		}
	}
	return want == usum || (int64_t)want == (int64_t)ssum;
}

/* ft_binhex - the BinHex 4.0 banner, after optional blank lines */
static int
ft_binhex(const uint8_t *b, size_t len)
{
	static const char	 banner[] =
	    "(This file must be converted with BinHex";
	size_t			 i;

	for (i = 0; i < len && i < FT_TAGWIN && ft_isblank(b[i]); i++)
		continue;
	return ft_has(b, len, i, banner, sizeof(banner) - 1);
}

/* ft_textstat - classify the bytes of the text window */
static void
ft_textstat(const uint8_t *b, size_t len, struct ft_textstat *ts)
{
	size_t	 i, k;
	int	 cut;

	memset(ts, 0, sizeof(*ts));
	ts->n = len < FT_TEXTWIN ? len : FT_TEXTWIN;
	for (i = 0; i < ts->n; ) {
		if (b[i] < 0x80) {
			if (b[i] == 0)
				ts->nul++;
			else if (!ft_istext(b[i]))
				ts->ctl++;
			i++;
			continue;
		}
		k = utf8_seq(b + i, ts->n - i, &cut);
		if (cut)
			break;
		if (k == 0) {
			ts->bad8++;
			i++;
		} else {
			ts->mb++;
			i += k;
		}
	}
}

/* ft_utf16 - UTF-16 text, by BOM or by the pattern of its NULs */
static enum ftype
ft_utf16(const uint8_t *b, size_t len)
{
	size_t	 n, i, units, good[2];
	int	 k;

	if (len >= 2 && b[0] == 0xff && b[1] == 0xfe)
		return ft_utf16body(b + 2, len - 2, 0) ? FT_TEXT_UTF16LE :
		    FT_NONE;
	if (len >= 2 && b[0] == 0xfe && b[1] == 0xff)
		return ft_utf16body(b + 2, len - 2, 1) ? FT_TEXT_UTF16BE :
		    FT_NONE;
	n = (len < FT_TEXTWIN ? len : FT_TEXTWIN) & ~(size_t)1;
	if (n < 16)
		return FT_NONE;
	units = n / 2;
	good[0] = good[1] = 0;
	for (i = 0; i < n; i += 2)
		for (k = 0; k < 2; k++)
			if (b[i + 1 - k] == 0 && (ft_istext(b[i + k]) ||
			    b[i + k] >= 0xa0))
				good[k]++;
	if (good[0] * 100 >= units * 95)
		return FT_TEXT_UTF16LE;
	if (good[1] * 100 >= units * 95)
		return FT_TEXT_UTF16BE;
	return FT_NONE;
}

/* ft_utf16body - text after a BOM: paired surrogates, < 1% controls */
static int
ft_utf16body(const uint8_t *b, size_t len, int be)
{
	size_t		 n, i, units, odd = 0;
	unsigned int	 u, v;

	n = (len < FT_TEXTWIN ? len : FT_TEXTWIN) & ~(size_t)1;
	units = n / 2;
	for (i = 0; i < n; i += 2) {
		u = be ? (unsigned int)(b[i] << 8 | b[i + 1]) :
		    (unsigned int)(b[i + 1] << 8 | b[i]);
		if (u >= 0xdc00 && u <= 0xdfff)
			return 0;
		if (u >= 0xd800 && u <= 0xdbff) {
			if (i + 2 >= n)
				break;		/* cut by the window */
			i += 2;
			v = be ? (unsigned int)(b[i] << 8 | b[i + 1]) :
			    (unsigned int)(b[i + 1] << 8 | b[i]);
			if (v < 0xdc00 || v > 0xdfff)
				return 0;
			continue;
		}
		if (u < 0x80 && !ft_istext((int)u))
			odd++;
	}
	return odd * 100 < units || units == 0;
}

/* ft_mail - RFC 5322 headers (or an mbox "From " line) at the start */
static int
ft_mail(const uint8_t *b, size_t len)
{
	size_t		 n, pos = 0, eol, end, i;
	uint32_t	 seen = 0;
	int		 known = 0, lines = 0, r;

	n = len < FT_TEXTWIN ? len : FT_TEXTWIN;
	while (pos < n) {
		for (eol = pos; eol < n && b[eol] != '\n'; eol++)
			continue;
		if (eol == n && n < len)
			break;		/* cut by the window: undecided */
		end = eol;
		if (end > pos && b[end - 1] == '\r')
			end--;
		if (end == pos)
			break;		/* end of the header block */
		for (i = pos; i < end; i++)
			if (b[i] == 0 || (b[i] < 0x20 && b[i] != '\t') ||
			    b[i] == 0x7f)
				return 0;
		if (lines == 0 && ft_has(b, end, pos, "From ", 5))
			known++;
		else if (b[pos] == ' ' || b[pos] == '\t') {
			if (lines == 0)
				return 0;
		} else if ((r = ft_mailhdr(b + pos, end - pos, &seen)) < 0) {
			/*
			 * a line that is not a header ends the header block
			 * the way clients read it: a message if the headers
			 * were convincing, or if a MIME delimiter follows
			 */
			if (lines == 0)
				return 0;
			return known >= 3 || (known >= 2 && end - pos >= 2 &&
			    b[pos] == '-' && b[pos + 1] == '-');
		} else
			known += r;
		lines++;
		pos = eol + 1;
	}
	return known >= 2;
}

/*
 * ft_mailhdr - parse "Name:" at the start of a line; -1 if it is not a
 * header, else 1 for a known name not seen before, 0 otherwise.
 */
static int
ft_mailhdr(const uint8_t *p, size_t n, uint32_t *seen)
{
	size_t	 k, j;

	for (k = 0; k < n && p[k] > 0x20 && p[k] < 0x7f && p[k] != ':'; k++)
		continue;
	if (k == 0 || k == n || p[k] != ':')
		return -1;
	for (j = 0; j < FT_NELEM(ft_mailhdrs); j++) {
		if (ft_mailhdrs[j].len != k ||
		    !ft_casehas(p, n, 0, ft_mailhdrs[j].name, k))
			continue;
		if (*seen & (uint32_t)1 << j)
			return 0;
		*seen |= (uint32_t)1 << j;
		return 1;
	}
	return 0;
}

/* ft_html - an HTML tag early in the text */
static int
ft_html(const uint8_t *b, size_t len)
{
	const uint8_t	*p;
	size_t		 n, off, i, j, k;

	if (ft_has(b, len, 0, "\xef\xbb\xbf", 3)) {
		b += 3;
		len -= 3;
	}
	n = len < FT_TAGWIN ? len : FT_TAGWIN;
	for (off = 0; off < n; off = (size_t)(p - b) + 1) {
		if ((p = memchr(b + off, '<', n - off)) == NULL)
			break;
		i = (size_t)(p - b) + 1;
		if (ft_casehas(b, n, i, "!doctype", 8)) {
			for (j = i + 8; j < n && ft_isblank(b[j]); j++)
				continue;
			if (j > i + 8 && ft_casehas(b, n, j, "html", 4))
				return 1;
			continue;
		}
		if (i + 1 < n && ft_lower(b[i]) == 'a' &&
		    ft_isblank(b[i + 1])) {
			for (j = i + 1; j < n && ft_isblank(b[j]); j++)
				continue;
			if (ft_casehas(b, n, j, "href", 4))
				return 1;
			continue;
		}
		for (k = 0; k < FT_NELEM(ft_htmltags); k++) {
			j = i + ft_htmltags[k].len;
			if (j < n && ft_casehas(b, n, i, ft_htmltags[k].name,
			    ft_htmltags[k].len) && (ft_isblank(b[j]) ||
			    b[j] == '>' || b[j] == '/'))
				return 1;
		}
	}
	return 0;
}

/* filetype_detect - the type of an object, from its content */
enum ftype
filetype_detect(const uint8_t *buf, size_t len)
{
	struct ft_textstat	 ts;
	enum ftype		 t;
	size_t			 win;

	if (buf == NULL || len == 0)
		return FT_BINARY;
	if ((t = ft_exec(buf, len)) != FT_NONE)
		return t;
	if ((t = ft_magic(buf, len)) != FT_NONE)
		return t;
	if (ft_has(buf, len, 257, "ustar\0", 6) ||
	    ft_has(buf, len, 257, "ustar ", 6))
		return FT_TAR_POSIX;
	if (len >= 0x8007 && ft_has(buf, len, 0x8001, "CD001", 5) &&
	    buf[0x8006] == 1 && (buf[0x8000] <= 3 || buf[0x8000] == 0xff))
		return FT_ISO9660;
	if (ft_oldtar(buf, len))
		return FT_TAR_OLD;
	win = len < FT_TAGWIN ? len : FT_TAGWIN;
	if (ft_find(buf, win, "%PDF-", 5) < win)
		return FT_PDF;
	if ((t = ft_utf16(buf, len)) != FT_NONE)
		return t;
	if (ft_mail(buf, len))
		return FT_MAIL;
	ft_textstat(buf, len, &ts);
	if (ts.nul == 0 && ts.ctl * 100 < ts.n && ft_html(buf, len))
		return FT_HTML;
	if (ts.nul == 0 && (ts.ctl + ts.bad8) * 100 < ts.n)
		return ts.mb > 0 ? FT_TEXT_UTF8 : FT_TEXT_ASCII;
	return FT_BINARY;
}

/* filetype_target - ClamAV target type of a file type */
int
filetype_target(enum ftype t)
{
	switch (t) {
	case FT_PE:
		return 1;
	case FT_OLE2:
		return 2;
	case FT_HTML:
		return 3;
	case FT_MAIL:
		return 4;
	case FT_GIF:
	case FT_PNG:
	case FT_JPEG:
	case FT_TIFF:
	case FT_GRAPHICS:
		return 5;
	case FT_ELF:
		return 6;
	case FT_TEXT_ASCII:
	case FT_TEXT_UTF8:
	case FT_TEXT_UTF16LE:
	case FT_TEXT_UTF16BE:
		return 7;
	case FT_MACHO:
		return 9;
	case FT_PDF:
		return 10;
	case FT_SWF:
		return 11;
	case FT_JAVA:
		return 12;
	default:
		/* a fat Mach-O is a container: its slices are FT_MACHO */
		return 0;
	}
}

/* filetype_name - the CL_TYPE_* name of a type */
const char *
filetype_name(enum ftype t)
{
	if ((unsigned int)t >= FT_NTYPES)
		return ft_names[FT_NONE];
	return ft_names[t];
}

/* filetype_byname - the type of a CL_TYPE_* name; exact, case-sensitive */
enum ftype
filetype_byname(const char *name)
{
	unsigned int	 t;

	if (name == NULL)
		return FT_NONE;
	for (t = FT_ANY; t < FT_NTYPES; t++)
		if (strcmp(name, ft_names[t]) == 0)
			return (enum ftype)t;
	return FT_NONE;
}

/* filetype_is_text - whether a type's signatures see normalised text */
int
filetype_is_text(enum ftype t)
{
	switch (t) {
	case FT_HTML:
	case FT_TEXT_ASCII:
	case FT_TEXT_UTF8:
	case FT_TEXT_UTF16LE:
	case FT_TEXT_UTF16BE:
		return 1;
	default:
		return 0;
	}
}
