/*
 * filetype.h - file type detection by content, and ClamAV type names
 *
 * SYNOPSIS
 *	enum ftype	 filetype_detect(const uint8_t *buf, size_t len);
 *	int		 filetype_target(enum ftype t);
 *	const char	*filetype_name(enum ftype t);
 *	enum ftype	 filetype_byname(const char *clname);
 *	int		 filetype_is_text(enum ftype t);
 * DESCRIPTION
 *	filetype_detect() looks at the first bytes (and for text at up to
 *	the first 4 KiB) of an object and never at its name.  Executables are
 *	recognised only when their headers are plausible (PE: "MZ" and a
 *	"PE\0\0" at e_lfanew inside the buffer; ELF; Mach-O thin and fat).
 *	Anything unrecognised is FT_BINARY.
 *
 *	filetype_target() maps a type to ClamAV's target type number
 *	(0 any, 1 PE, 2 OLE2, 3 HTML, 4 mail, 5 graphics, 6 ELF, 7 ASCII
 *	text, 9 Mach-O, 10 PDF, 11 Flash, 12 Java class); types with no
 *	target of their own map to 0.
 *
 *	filetype_name() returns the "CL_TYPE_*" name used by .ldb
 *	Container: and Intermediates: conditions; filetype_byname() is its
 *	inverse (FT_NONE for an unknown name; "CL_TYPE_ANY" gives FT_ANY).
 *	filetype_is_text() is true for the types whose target-3/7 signatures
 *	run on a normalised copy (HTML and text).
 * ERRORS
 *	none; never exits, never logs, never reads past len.
 * PROCESS
 *	worker (scan pipeline), vigil-scan --db.
 */
#ifndef VIGIL_FILETYPE_H
#define VIGIL_FILETYPE_H

#include <stddef.h>
#include <stdint.h>

enum ftype {
	FT_NONE = 0,		/* unknown name (filetype_byname only) */
	FT_ANY,			/* CL_TYPE_ANY: "not in a container" */
	FT_BINARY,		/* CL_TYPE_BINARY_DATA */
	FT_TEXT_ASCII,		/* CL_TYPE_TEXT_ASCII */
	FT_TEXT_UTF8,		/* CL_TYPE_TEXT_UTF8 */
	FT_TEXT_UTF16LE,	/* CL_TYPE_TEXT_UTF16LE */
	FT_TEXT_UTF16BE,	/* CL_TYPE_TEXT_UTF16BE */
	FT_HTML,		/* CL_TYPE_HTML */
	FT_MAIL,		/* CL_TYPE_MAIL */
	FT_PE,			/* CL_TYPE_MSEXE */
	FT_ELF,			/* CL_TYPE_ELF */
	FT_MACHO,		/* CL_TYPE_MACHO */
	FT_MACHO_UNIBIN,	/* CL_TYPE_MACHO_UNIBIN */
	FT_OLE2,		/* CL_TYPE_MSOLE2 */
	FT_PDF,			/* CL_TYPE_PDF */
	FT_RTF,			/* CL_TYPE_RTF */
	FT_SWF,			/* CL_TYPE_SWF */
	FT_JAVA,		/* CL_TYPE_JAVA (class file) */
	FT_GIF,			/* CL_TYPE_GIF */
	FT_PNG,			/* CL_TYPE_PNG */
	FT_JPEG,		/* CL_TYPE_JPEG */
	FT_TIFF,		/* CL_TYPE_TIFF */
	FT_GRAPHICS,		/* CL_TYPE_GRAPHICS (BMP, JPEG2000, ...) */
	FT_ZIP,			/* CL_TYPE_ZIP */
	FT_GZ,			/* CL_TYPE_GZ */
	FT_BZ,			/* CL_TYPE_BZ */
	FT_XZ,			/* CL_TYPE_XZ (also lzma-alone) */
	FT_ZSTD,		/* CL_TYPE_ZSTD */
	FT_LZ4,			/* no ClamAV name: "CL_TYPE_LZ4" */
	FT_COMPRESS,		/* .Z: no ClamAV name: "CL_TYPE_COMPRESS" */
	FT_7Z,			/* CL_TYPE_7Z */
	FT_RAR,			/* CL_TYPE_RAR */
	FT_CAB,			/* CL_TYPE_MSCAB */
	FT_ARJ,			/* CL_TYPE_ARJ */
	FT_TAR_POSIX,		/* CL_TYPE_POSIX_TAR */
	FT_TAR_OLD,		/* CL_TYPE_OLD_TAR */
	FT_CPIO_OLD,		/* CL_TYPE_CPIO_OLD (binary, either endian) */
	FT_CPIO_ODC,		/* CL_TYPE_CPIO_ODC */
	FT_CPIO_NEWC,		/* CL_TYPE_CPIO_NEWC */
	FT_CPIO_CRC,		/* CL_TYPE_CPIO_CRC */
	FT_ISO9660,		/* CL_TYPE_ISO9660 */
	FT_AR,			/* no ClamAV name: "CL_TYPE_AR" */
	FT_XAR,			/* CL_TYPE_XAR */
	FT_LHA,			/* CL_TYPE_LHA_LZH */
	FT_CHM,			/* CL_TYPE_MSCHM */
	FT_SZDD,		/* CL_TYPE_MSSZDD */
	FT_TNEF,		/* CL_TYPE_TNEF */
	FT_BINHEX,		/* CL_TYPE_BINHEX */
	FT_SIS,			/* CL_TYPE_SIS */
	FT_NTYPES
};

enum ftype	 filetype_detect(const uint8_t *, size_t);
int		 filetype_target(enum ftype);
const char	*filetype_name(enum ftype);
enum ftype	 filetype_byname(const char *);
int		 filetype_is_text(enum ftype);

#endif
