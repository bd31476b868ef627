/*
 * test_filetype.c - unit tests for workers/filetype.c
 *
 * Three tables: byte strings with the type they must get, fixtures
 * built in memory (tar, cpio, ISO 9660, PE, ...), and the ClamAV test
 * files when /usr/share/clamav-testfiles is installed (skipped if not).
 * Every row becomes its own cmocka test, named after the row.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "workers/filetype.h"

#ifndef CLAMDIR
#define CLAMDIR		"/usr/share/clamav-testfiles"
#endif
#define BUILDMAX	0x9000
#define S(x)		(const uint8_t *)(x), sizeof(x) - 1

/* a literal and its type */
static const struct bytecase {
	const char	*name;
	const uint8_t	*data;
	size_t		 len;
	enum ftype	 want;
} bytecases[] = {
	{ "empty", S(""), FT_BINARY },
	{ "elf64le", S("\177ELF\2\1\1\0\0\0\0\0\0\0\0\0"), FT_ELF },
	{ "elf32be", S("\177ELF\1\2\1\0\0\0\0\0\0\0\0\0"), FT_ELF },
	{ "elf bad class", S("\177ELF\3\1\1\0\0\0\0\0\0\0\0\0"), FT_BINARY },
	{ "elf bad version", S("\177ELF\2\1\0\0\0\0\0\0\0\0\0\0"), FT_BINARY },
	{ "macho64 le", S("\xcf\xfa\xed\xfe\x07\0\0\x01\3\0\0\0\2\0\0\0"
	    "\1\0\0\0\x48\0\0\0\0\0\0\0\0\0\0\0"), FT_MACHO },
	{ "macho32 be", S("\xfe\xed\xfa\xce\0\0\0\x12\0\0\0\0\0\0\0\2"
	    "\0\0\0\1\0\0\0\x48\0\0\0\0"), FT_MACHO },
	{ "macho bad filetype", S("\xce\xfa\xed\xfe\7\0\0\0\3\0\0\0\0\0\0\0"
	    "\1\0\0\0\x48\0\0\0\0\0\0\0"), FT_BINARY },
	{ "fat macho", S("\xca\xfe\xba\xbe\0\0\0\2"
	    "\0\0\0\7\0\0\0\3\0\0\x10\0\0\0\x10\0\0\0\0\x0c"
	    "\1\0\0\7\0\0\0\3\0\0\x20\0\0\0\x10\0\0\0\0\x0c"),
	    FT_MACHO_UNIBIN },
	{ "fat macho64", S("\xca\xfe\xba\xbf\0\0\0\1"
	    "\1\0\0\x0c\0\0\0\0\0\0\0\0\0\0\x40\0\0\0\0\0\0\0\x10\0"
	    "\0\0\0\x0e\0\0\0\0"), FT_MACHO_UNIBIN },
	{ "fat bad offset", S("\xca\xfe\xba\xbe\0\0\0\2"
	    "\0\0\0\7\0\0\0\3\0\0\0\0\0\0\x10\0\0\0\0\x0c"), FT_BINARY },
	{ "java class", S("\xca\xfe\xba\xbe\0\0\0\x34\0\x1d\x0a\0"), FT_JAVA },
	{ "java minor set", S("\xca\xfe\xba\xbe\0\3\0\x2d\0\x1d\x0a\0"),
	    FT_JAVA },
	{ "cafebabe zero", S("\xca\xfe\xba\xbe\0\0\0\0\0\0\0\0"), FT_BINARY },
	{ "ole2", S("\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1\0\0"), FT_OLE2 },
	{ "pdf", S("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n"), FT_PDF },
	{ "pdf after junk", S("garbage line\r\nmore garbage\n%PDF-1.4\n"),
	    FT_PDF },
	{ "pdf after mail headers", S("From: a\nTo: b\n\n%PDF-1.4\n"), FT_PDF },
	{ "rtf", S("{\\rtf1\\ansi hello}"), FT_RTF },
	{ "swf", S("FWS\x0a\x40\0\0\0\x78\0"), FT_SWF },
	{ "swf compressed", S("CWS\x09\x40\1\0\0\x78\x9c"), FT_SWF },
	{ "swf bad version", S("FWS\0\x40\0\0\0\x78\0"), FT_BINARY },
	{ "gif", S("GIF89a\1\0\1\0\0\0\0"), FT_GIF },
	{ "png", S("\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR"), FT_PNG },
	{ "jpeg", S("\xff\xd8\xff\xe0\0\x10JFIF\0"), FT_JPEG },
	{ "tiff le", S("II*\0\x08\0\0\0\0\0"), FT_TIFF },
	{ "tiff be", S("MM\0*\0\0\0\x08\0\0"), FT_TIFF },
	{ "bmp", S("BM\x46\0\0\0\0\0\0\0\x36\0\0\0\x28\0\0\0\1\0"),
	    FT_GRAPHICS },
	{ "bm text", S("BMW is a car maker, not a bitmap\n"), FT_TEXT_ASCII },
	{ "jpeg2000", S("\0\0\0\x0cjP  \r\n\x87\n\0\0"), FT_GRAPHICS },
	{ "webp", S("RIFF\x24\0\0\0WEBPVP8 "), FT_GRAPHICS },
	{ "zip", S("PK\3\4\x14\0\0\0\x08\0"), FT_ZIP },
	{ "zip empty", S("PK\5\6\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0"),
	    FT_ZIP },
	{ "zip spanned", S("PK\7\x08PK\3\4\x14\0"), FT_ZIP },
	{ "zip spanned bad", S("PK\7\x08\0\0\0\0\0\0"), FT_BINARY },
	{ "gzip", S("\x1f\x8b\x08\0\0\0\0\0\0\3\3\0"), FT_GZ },
	{ "gzip bad method", S("\x1f\x8b\x07\0\0\0\0\0\0\3\3\0"), FT_BINARY },
	{ "bzip2", S("BZh91AY&SY\0\0"), FT_BZ },
	{ "bzip2 empty", S("BZh9\x17\x72\x45\x38\x50\x90\0\0\0\0"), FT_BZ },
	{ "bzh text", S("BZh9 is not bzip2 text\n"), FT_TEXT_ASCII },
	{ "xz", S("\xfd" "7zXZ\0\0\x04\xe6\xd6\xb4\x46"), FT_XZ },
	{ "lzma alone", S("\x5d\0\0\x80\0\xff\xff\xff\xff\xff\xff\xff\xff"
	    "\0\x3b\x9f"), FT_XZ },
	{ "lzma bad dict", S("\x5d\x01\x23\x80\0\xff\xff\xff\xff\xff\xff\xff"
	    "\xff\0\x3b\x9f"), FT_BINARY },
	{ "zstd", S("\x28\xb5\x2f\xfd\x24\x05\x29\0\0"), FT_ZSTD },
	{ "lz4", S("\x04\x22\x4d\x18\x64\x40\xa7\0\0"), FT_LZ4 },
	{ "compress", S("\x1f\x9d\x90\x68\0"), FT_COMPRESS },
	{ "7z", S("7z\xbc\xaf\x27\x1c\0\4"), FT_7Z },
	{ "rar4", S("Rar!\x1a\x07\x00\xcf\x90"), FT_RAR },
	{ "rar5", S("Rar!\x1a\x07\x01\x00\x33\x92"), FT_RAR },
	{ "cab", S("MSCF\0\0\0\0\x6d\2\0\0\0\0\0\0\x2c\0\0\0\0\0\0\0\3\1"),
	    FT_CAB },
	{ "cab bad reserved", S("MSCF\1\0\0\0\x6d\2\0\0\0\0\0\0\x2c\0\0\0\0\0"
	    "\0\0\3\1"), FT_BINARY },
	{ "arj", S("\x60\xea\x2c\0\x22\x0b\1\2\x10\0\2\x14"), FT_ARJ },
	{ "arj bad size", S("\x60\xea\xff\xff\x22\x0b\1\2\x10\0\2\x14"),
	    FT_BINARY },
	{ "ar", S("!<arch>\ndebian-binary   "), FT_AR },
	{ "xar", S("xar!\0\x1c\0\1\0\0\0\0"), FT_XAR },
	{ "lha", S("\x24\x5a-lh5-\x10\0\0\0\x20\0\0\0\0\0\0\0\x20\1\x08"),
	    FT_LHA },
	{ "lha bad method", S("\x24\x5a-lh9-\x10\0\0\0\x20\0\0\0\0\0\0\0\x20"
	    "\1\x08"), FT_BINARY },
	{ "chm", S("ITSF\3\0\0\0\x60\0\0\0"), FT_CHM },
	{ "szdd", S("SZDD\x88\xf0\x27\x33\x41\0"), FT_SZDD },
	{ "tnef", S("\x78\x9f\x3e\x22\xaf\x01\x01\x06\x90"), FT_TNEF },
	{ "binhex", S("(This file must be converted with BinHex 4.0)\n:#"),
	    FT_BINHEX },
	{ "binhex after blank line",
	    S("\r\n(This file must be converted with BinHex 4.0)\n"),
	    FT_BINHEX },
	{ "sis epoc6",
	    S("\0\0\0\1\x12\x3a\0\x10\x19\x04\0\x10\x24\x4f\x85\x73"),
	    FT_SIS },
	{ "sis 9", S("\x7a\x1a\x20\x10\0\0\0\0\x16\x37\x00\x20\x99\x1b\0\0"),
	    FT_SIS },
	{ "cpio odc", S("070707000001000002100644000000000000000001000000"
	    "000000000000000002000000000000x\0"), FT_CPIO_ODC },
	{ "cpio newc", S("070701000000020000816400000000000000000000000100"
	    "000000000000000000000000000000000000000000000000000002"
	    "00000000x\0"), FT_CPIO_NEWC },
	{ "cpio crc", S("070702000000020000816400000000000000000000000100"
	    "000000000000000000000000000000000000000000000000000002"
	    "00000000x\0"), FT_CPIO_CRC },
	{ "cpio newc bad digit", S("07070100000002000081640000000000000000000"
	    "0000100000000000000000000000000000000000000000000000000000200"
	    "0000Z0x\0"), FT_BINARY },
	{ "mail", S("From: a@example.org\nTo: b@example.org\nSubject: hi\n"
	    "\nbody\n"), FT_MAIL },
	{ "mail crlf folded", S("Received: from x\r\n\tby y\r\nDate: today"
	    "\r\n\r\nbody"), FT_MAIL },
	{ "mbox", S("From a@example.org Thu Jul 31 13:49:50 2008\nSubject: x"
	    "\n\nbody\n"), FT_MAIL },
	{ "mail one header", S("From: a@example.org\n\nbody\n"),
	    FT_TEXT_ASCII },
	{ "mail repeated header", S("Received: a\nReceived: b\n\nbody\n"),
	    FT_TEXT_ASCII },
	{ "mail broken header", S("From: a\nnot a header line\nTo: b\n\n"),
	    FT_TEXT_ASCII },
	{ "mail leading continuation", S(" From: a\nTo: b\n\n"),
	    FT_TEXT_ASCII },
	{ "mail case", S("FROM: a\nmessage-id: <x@y>\n\n"), FT_MAIL },
	{ "mail nul header", S("From: a\0\nTo: b\n\n"), FT_BINARY },
	{ "mail 8bit body", S("From: a\nTo: b\n\n\xe9\xe9\xe9\xe9\xe9\n"),
	    FT_MAIL },
	{ "html", S("<html><body>hi</body></html>\n"), FT_HTML },
	{ "html doctype", S("<!DOCTYPE html>\n<p>x</p>\n"), FT_HTML },
	{ "html anchor", S("<A\tHREF=\"x\">t</a>\n"), FT_HTML },
	{ "html script later", S("some text first\n<SCRIPT>x()</script>\n"),
	    FT_HTML },
	{ "html utf8 bom", S("\xef\xbb\xbf<div class=x>y</div>"), FT_HTML },
	{ "html latin1", S("<html>\xe9t\xe9 \xe0 la plage\xa0!</html>"),
	    FT_HTML },
	{ "not html tag prefix", S("a <htmlish> b <abbr> c\n"), FT_TEXT_ASCII },
	{ "not html compare", S("if (a <b) return <a;\n"), FT_TEXT_ASCII },
	{ "not html doctype", S("<!doctype foo>\n"), FT_TEXT_ASCII },
	{ "ascii", S("hello, world\n\tline two\f\r\n"), FT_TEXT_ASCII },
	{ "ascii escapes", S("\x1b[1mbold\x1b[0m\a\b\n"), FT_TEXT_ASCII },
	{ "utf8", S("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\n"),
	    FT_TEXT_UTF8 },
	{ "utf8 bom", S("\xef\xbb\xbfhello\n"), FT_TEXT_UTF8 },
	{ "utf8 overlong", S("ab\xc0\xaf"), FT_BINARY },
	{ "utf8 surrogate", S("ab\xed\xa0\x80"), FT_BINARY },
	{ "latin1 short", S("caf\xe9\n"), FT_BINARY },
	{ "control short", S("abc\x01\n"), FT_BINARY },
	{ "nul", S("abc\0def\n"), FT_BINARY },
	{ "utf16le bom", S("\xff\xfeh\0i\0\n\0"), FT_TEXT_UTF16LE },
	{ "utf16be bom", S("\xfe\xff\0h\0i\0\n"), FT_TEXT_UTF16BE },
	{ "utf16le pair", S("\xff\xfe\x3d\xd8\x00\xde"), FT_TEXT_UTF16LE },
	{ "utf16le lone low", S("\xff\xfe\x00\xdeh\0"), FT_BINARY },
	{ "utf16le nuls", S("h\0e\0l\0l\0o\0 \0w\0o\0r\0l\0d\0\n\0"),
	    FT_TEXT_UTF16LE },
	{ "utf16be nuls", S("\0h\0e\0l\0l\0o\0 \0w\0o\0r\0l\0d\0\n"),
	    FT_TEXT_UTF16BE },
	{ "utf16 too short", S("h\0i\0"), FT_BINARY },
	{ "mz without pe", S("MZ this is just text\n"), FT_TEXT_ASCII },
	{ "random binary", S("\x01\x92\x00\xff\x13\x37\x00\x00\xfe\x7f"),
	    FT_BINARY },
};

/* a fixture built in memory and its type */
struct buildcase {
	const char	*name;
	size_t		(*build)(uint8_t *);
	enum ftype	 want;
};

/* a ClamAV test file and its type */
static const struct filecase {
	const char	*name;
	enum ftype	 want;
} filecases[] = {
	{ "clam.exe", FT_PE },
	{ "clam-upx.exe", FT_PE },
	{ "clam.zip", FT_ZIP },
	{ "clam.bz2.zip", FT_ZIP },
	{ "clam.7z", FT_7Z },
	{ "clam.cab", FT_CAB },
	{ "clam.arj", FT_ARJ },
	{ "clam.tar.gz", FT_GZ },
	{ "clam.exe.bz2", FT_BZ },
	{ "clam.ole.doc", FT_OLE2 },
	{ "clam.ppt", FT_OLE2 },
	{ "clam.pdf", FT_PDF },
	{ "clam.exe.rtf", FT_RTF },
	{ "clam.chm", FT_CHM },
	{ "clam.exe.szdd", FT_SZDD },
	{ "clam.tnef", FT_TNEF },
	{ "clam.exe.binhex", FT_BINHEX },
	{ "clam.bin-le.cpio", FT_CPIO_OLD },
	{ "clam.bin-be.cpio", FT_CPIO_OLD },
	{ "clam.odc.cpio", FT_CPIO_ODC },
	{ "clam.newc.cpio", FT_CPIO_NEWC },
	{ "clam.mail", FT_MAIL },
	{ "clam.exe.mbox.base64", FT_MAIL },
	{ "clam.exe.mbox.uu", FT_MAIL },
	{ "clam.exe.html", FT_HTML },
	{ "clam.sis", FT_SIS },
};

static void	 put16le(uint8_t *, uint16_t);
static void	 put32le(uint8_t *, uint32_t);
static void	 octal(uint8_t *, size_t, unsigned long);
static size_t	 build_pe(uint8_t *);
static size_t	 build_pe_text(uint8_t *);
static size_t	 build_pe_badlfanew(uint8_t *);
static size_t	 build_tarhdr(uint8_t *, int);
static size_t	 build_tar_posix(uint8_t *);
static size_t	 build_tar_gnu(uint8_t *);
static size_t	 build_tar_old(uint8_t *);
static size_t	 build_tar_old_badsum(uint8_t *);
static size_t	 build_tar_pdf(uint8_t *);
static size_t	 build_cpio_le(uint8_t *);
static size_t	 build_cpio_be(uint8_t *);
static size_t	 build_iso(uint8_t *);
static size_t	 build_iso_short(uint8_t *);
static size_t	 build_pdf_late(uint8_t *);
static size_t	 build_html_late(uint8_t *);
static size_t	 build_latin1_long(uint8_t *);
static size_t	 build_mail_long(uint8_t *);
static size_t	 build_utf8_cut(uint8_t *);
static void	 test_bytes(void **);
static void	 test_build(void **);
static void	 test_file(void **);
static void	 test_names(void **);
static void	 test_byname(void **);
static void	 test_target(void **);
static void	 test_is_text(void **);

static const struct buildcase buildcases[] = {
	{ "pe", build_pe, FT_PE },
	{ "pe full of text", build_pe_text, FT_PE },
	{ "pe e_lfanew past end", build_pe_badlfanew, FT_BINARY },
	{ "tar posix", build_tar_posix, FT_TAR_POSIX },
	{ "tar gnu", build_tar_gnu, FT_TAR_POSIX },
	{ "tar old", build_tar_old, FT_TAR_OLD },
	{ "tar old bad checksum", build_tar_old_badsum, FT_BINARY },
	{ "tar holding a pdf", build_tar_pdf, FT_TAR_POSIX },
	{ "cpio binary le", build_cpio_le, FT_CPIO_OLD },
	{ "cpio binary be", build_cpio_be, FT_CPIO_OLD },
	{ "iso9660", build_iso, FT_ISO9660 },
	{ "iso9660 too short", build_iso_short, FT_BINARY },
	{ "pdf past 1 KiB", build_pdf_late, FT_TEXT_ASCII },
	{ "html past 1 KiB", build_html_late, FT_TEXT_ASCII },
	{ "latin1 under 1%", build_latin1_long, FT_TEXT_ASCII },
	{ "mail headers past window", build_mail_long, FT_MAIL },
	{ "utf8 cut by window", build_utf8_cut, FT_TEXT_UTF8 },
};

/* put16le - store a little-endian 16-bit value */
static void
put16le(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

/* put32le - store a little-endian 32-bit value */
static void
put32le(uint8_t *p, uint32_t v)
{
	put16le(p, (uint16_t)v);
	put16le(p + 2, (uint16_t)(v >> 16));
}

/* octal - a NUL-terminated, zero-padded octal field of n bytes */
static void
octal(uint8_t *p, size_t n, unsigned long v)
{
	char	 tmp[32];

	snprintf(tmp, sizeof(tmp), "%0*lo", (int)(n - 1), v);
	memcpy(p, tmp, n - 1);
	p[n - 1] = '\0';
}

/* build_pe - the smallest PE32 header that detection needs */
static size_t
build_pe(uint8_t *b)
{
	memset(b, 0, 0x200);
	b[0] = 'M';
	b[1] = 'Z';
	put32le(b + 0x3c, 0x80);
	memcpy(b + 0x80, "PE\0\0", 4);
	put16le(b + 0x84, 0x14c);
	put16le(b + 0x98, 0x10b);
	return 0x200;
}

/* build_pe_text - a PE whose DOS stub and tail are plain text */
static size_t
build_pe_text(uint8_t *b)
{
	size_t	 i;

	for (i = 0; i < 0x1000; i++)
		b[i] = (uint8_t)('a' + i % 26);
	b[0] = 'M';
	b[1] = 'Z';
	memcpy(b + 0x3c, "\x80\0\0\0", 4);
	memcpy(b + 0x80, "PE\0\0", 4);
	return 0x1000;
}

/* build_pe_badlfanew - "MZ" with e_lfanew beyond the buffer */
static size_t
build_pe_badlfanew(uint8_t *b)
{
	size_t	 n = build_pe(b);

	put32le(b + 0x3c, 0xfffffff0);
	return n;
}

/* build_tarhdr - one 512-byte tar header for "hello.txt", and its data */
static size_t
build_tarhdr(uint8_t *b, int magic)
{
	unsigned long	 sum = 0;
	size_t		 i;

	memset(b, 0, 1024);
	memcpy(b, "hello.txt", 9);
	octal(b + 100, 8, 0644);
	octal(b + 108, 8, 1000);
	octal(b + 116, 8, 1000);
	octal(b + 124, 12, 6);
	octal(b + 136, 12, 1234567890);
	b[156] = '0';
	if (magic == 1)
		memcpy(b + 257, "ustar\00000", 8);
	else if (magic == 2)
		memcpy(b + 257, "ustar  \0", 8);
	memset(b + 148, ' ', 8);
	for (i = 0; i < 512; i++)
		sum += b[i];
	octal(b + 148, 7, sum);
	b[155] = ' ';
	memcpy(b + 512, "hello\n", 6);
	return 1024;
}

/* build_tar_posix - POSIX ustar */
static size_t
build_tar_posix(uint8_t *b)
{
	return build_tarhdr(b, 1);
}

/* build_tar_gnu - GNU "ustar  " magic */
static size_t
build_tar_gnu(uint8_t *b)
{
	return build_tarhdr(b, 2);
}

/* build_tar_old - v7 tar: no magic, checksum only */
static size_t
build_tar_old(uint8_t *b)
{
	return build_tarhdr(b, 0);
}

/* build_tar_old_badsum - v7 tar with a wrong checksum */
static size_t
build_tar_old_badsum(uint8_t *b)
{
	size_t	 n = build_tarhdr(b, 0);

	b[0] = 'j';
	return n;
}

/* build_tar_pdf - a tar whose first member is a PDF */
static size_t
build_tar_pdf(uint8_t *b)
{
	size_t	 n = build_tarhdr(b, 1);

	memcpy(b + 512, "%PDF-1.4\n", 9);
	return n;
}

/* build_cpio_le - binary cpio, little endian, name "clam.exe" */
static size_t
build_cpio_le(uint8_t *b)
{
	memset(b, 0, 64);
	put16le(b, 070707);
	put16le(b + 20, 9);
	memcpy(b + 26, "clam.exe", 9);
	return 64;
}

/* build_cpio_be - binary cpio, big endian */
static size_t
build_cpio_be(uint8_t *b)
{
	memset(b, 0, 64);
	b[0] = 0x71;
	b[1] = 0xc7;
	b[21] = 9;
	memcpy(b + 26, "clam.exe", 9);
	return 64;
}

/* build_iso - a primary volume descriptor at sector 16 */
static size_t
build_iso(uint8_t *b)
{
	memset(b, 0, 0x8800);
	b[0x8000] = 1;
	memcpy(b + 0x8001, "CD001\1", 6);
	return 0x8800;
}

/* build_iso_short - the same, cut before the magic ends */
static size_t
build_iso_short(uint8_t *b)
{
	build_iso(b);
	return 0x8004;
}

/* build_pdf_late - "%PDF-" beyond the first KiB of text */
static size_t
build_pdf_late(uint8_t *b)
{
	memset(b, 'x', 1100);
	memcpy(b + 1100, "%PDF-1.4\n", 9);
	return 1109;
}

/* build_html_late - an HTML tag beyond the first KiB of text */
static size_t
build_html_late(uint8_t *b)
{
	memset(b, 'x', 1100);
	memcpy(b + 1100, "<html>\n", 7);
	return 1107;
}

/* build_latin1_long - 300 text bytes with one Latin-1 letter (< 1%) */
static size_t
build_latin1_long(uint8_t *b)
{
	memset(b, 'e', 300);
	b[150] = 0xe9;
	return 300;
}

/* build_mail_long - more headers than the window holds */
static size_t
build_mail_long(uint8_t *b)
{
	size_t	 n = 14;

	memcpy(b, "From: a\nTo: b\n", 14);
	while (n < 5000) {
		memcpy(b + n, "Received: from relay.example.org\n", 33);
		n += 33;
	}
	return n;
}

/* build_utf8_cut - a UTF-8 sequence straddling the 4 KiB window */
static size_t
build_utf8_cut(uint8_t *b)
{
	memset(b, 'a', 5000);
	memcpy(b + 100, "\xc3\xa9", 2);
	memcpy(b + 4095, "\xe2\x82\xac", 3);
	return 5000;
}

/* test_bytes - one literal row */
static void
test_bytes(void **state)
{
	const struct bytecase	*c = *state;

	assert_int_equal(filetype_detect(c->data, c->len), c->want);
}

/* test_build - one in-memory fixture row */
static void
test_build(void **state)
{
	const struct buildcase	*c = *state;
	uint8_t			*b;
	size_t			 n;

	b = calloc(1, BUILDMAX);
	assert_non_null(b);
	n = c->build(b);
	assert_true(n <= BUILDMAX);
	assert_int_equal(filetype_detect(b, n), c->want);
	free(b);
}

/* test_file - one ClamAV test file row; skipped when not installed */
static void
test_file(void **state)
{
	const struct filecase	*c = *state;
	char			 path[512];
	uint8_t			*b;
	size_t			 n;
	long			 sz;
	FILE			*fp;

	snprintf(path, sizeof(path), "%s/%s", CLAMDIR, c->name);
	if ((fp = fopen(path, "rb")) == NULL) {
		skip();
		return;
	}
	assert_int_equal(fseek(fp, 0, SEEK_END), 0);
	sz = ftell(fp);
	assert_true(sz > 0);
	rewind(fp);
	b = malloc((size_t)sz);
	assert_non_null(b);
	n = fread(b, 1, (size_t)sz, fp);
	fclose(fp);
	assert_int_equal(n, (size_t)sz);
	assert_int_equal(filetype_detect(b, n), c->want);
	free(b);
}

/* test_names - every type has a CL_TYPE_ name that maps back to it */
static void
test_names(void **state)
{
	unsigned int	 t;
	const char	*name;

	(void)state;
	for (t = FT_ANY; t < FT_NTYPES; t++) {
		name = filetype_name((enum ftype)t);
		assert_non_null(name);
		assert_memory_equal(name, "CL_TYPE_", 8);
		assert_int_equal(filetype_byname(name), t);
	}
	assert_string_equal(filetype_name(FT_PE), "CL_TYPE_MSEXE");
	assert_string_equal(filetype_name(FT_OLE2), "CL_TYPE_MSOLE2");
	assert_string_equal(filetype_name(FT_BINARY), "CL_TYPE_BINARY_DATA");
	assert_string_equal(filetype_name(FT_TAR_POSIX), "CL_TYPE_POSIX_TAR");
	assert_string_equal(filetype_name(FT_LHA), "CL_TYPE_LHA_LZH");
	assert_non_null(filetype_name(FT_NONE));
	assert_non_null(filetype_name(FT_NTYPES));
	assert_non_null(filetype_name((enum ftype)-1));
}

/* test_byname - unknown and odd names */
static void
test_byname(void **state)
{
	static const struct {
		const char	*name;
		enum ftype	 want;
	} c[] = {
		{ "CL_TYPE_ANY", FT_ANY },
		{ "CL_TYPE_ZIP", FT_ZIP },
		{ "CL_TYPE_MSCAB", FT_CAB },
		{ "CL_TYPE_TEXT_UTF16BE", FT_TEXT_UTF16BE },
		{ "cl_type_zip", FT_NONE },
		{ "CL_TYPE_ZIPSFX", FT_NONE },
		{ "CL_TYPE_ZI", FT_NONE },
		{ "", FT_NONE },
		{ "CL_TYPE_UNKNOWN", FT_NONE },
	};
	size_t	 i;

	(void)state;
	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++)
		assert_int_equal(filetype_byname(c[i].name), c[i].want);
	assert_int_equal(filetype_byname(NULL), FT_NONE);
}

/* test_target - ClamAV target type numbers */
static void
test_target(void **state)
{
	static const struct {
		enum ftype	 t;
		int		 want;
	} c[] = {
		{ FT_NONE, 0 }, { FT_ANY, 0 }, { FT_BINARY, 0 },
		{ FT_PE, 1 }, { FT_OLE2, 2 }, { FT_HTML, 3 }, { FT_MAIL, 4 },
		{ FT_GIF, 5 }, { FT_PNG, 5 }, { FT_JPEG, 5 }, { FT_TIFF, 5 },
		{ FT_GRAPHICS, 5 }, { FT_ELF, 6 }, { FT_TEXT_ASCII, 7 },
		{ FT_TEXT_UTF8, 7 }, { FT_TEXT_UTF16LE, 7 },
		{ FT_TEXT_UTF16BE, 7 }, { FT_MACHO, 9 },
		{ FT_MACHO_UNIBIN, 0 }, { FT_PDF, 10 }, { FT_SWF, 11 },
		{ FT_JAVA, 12 }, { FT_ZIP, 0 }, { FT_RTF, 0 }, { FT_SIS, 0 },
		{ FT_NTYPES, 0 },
	};
	size_t	 i;

	(void)state;
	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++)
		assert_int_equal(filetype_target(c[i].t), c[i].want);
}

/* test_is_text - HTML and the text types only */
static void
test_is_text(void **state)
{
	unsigned int	 t;
	int		 want;

	(void)state;
	for (t = 0; t < FT_NTYPES; t++) {
		want = t == FT_HTML || t == FT_TEXT_ASCII ||
		    t == FT_TEXT_UTF8 || t == FT_TEXT_UTF16LE ||
		    t == FT_TEXT_UTF16BE;
		assert_int_equal(filetype_is_text((enum ftype)t), want);
	}
}

#define NBYTE	(sizeof(bytecases) / sizeof(bytecases[0]))
#define NBUILD	(sizeof(buildcases) / sizeof(buildcases[0]))
#define NFILE	(sizeof(filecases) / sizeof(filecases[0]))

int
main(void)
{
	static struct CMUnitTest	 tests[NBYTE + NBUILD + NFILE + 4];
	size_t				 i, n = 0;

	for (i = 0; i < NBYTE; i++) {
		tests[n].name = bytecases[i].name;
		tests[n].test_func = test_bytes;
		tests[n++].initial_state = (void *)&bytecases[i];
	}
	for (i = 0; i < NBUILD; i++) {
		tests[n].name = buildcases[i].name;
		tests[n].test_func = test_build;
		tests[n++].initial_state = (void *)&buildcases[i];
	}
	for (i = 0; i < NFILE; i++) {
		tests[n].name = filecases[i].name;
		tests[n].test_func = test_file;
		tests[n++].initial_state = (void *)&filecases[i];
	}
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_names);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_byname);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_target);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_is_text);
	return _cmocka_run_group_tests("filetype", tests, n, NULL, NULL);
}
