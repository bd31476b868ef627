/*
 * archive.h - members of containers and compressed streams (libarchive)
 *
 * SYNOPSIS
 *	int	 arc_walk(const uint8_t *buf, size_t len,
 *		    const struct arc_limits *lim,
 *		    int (*cb)(void *arg, const struct arc_entry *e), void *arg,
 *		    struct arc_result *res);
 *	int	 arc_handles(enum ftype t);
 *	void	 arc_clean(char *dst, size_t size, const char *name);
 *	int	 arc_result_set(struct arc_result *res,
 *		    enum arc_status status, const char *reason);
 * DESCRIPTION
 *	arc_walk() opens buf from memory with libarchive and calls cb once
 *	for every regular-file member, in archive order, with the member
 *	decompressed into memory.  Formats: zip (stored, deflate, bzip2, lzma,
 *	xz, ZIP64, data descriptors), 7z, rar (4 and 5), cab, cpio (binary
 *	either endian, odc, newc, crc), tar (v7, ustar, pax, GNU), lha, iso9660,
 *	ar, xar.  A single compressed stream (gzip, bzip2, xz, lzma, zstd,
 *	lz4, compress .Z) is walked as one member with an empty name; a
 *	compressed tar (.tar.gz ...) is walked as the tar, members directly.
 *	Nothing touches the file system: libarchive reads from memory, and
 *	members are written to memory buffers only.
 *
 *	e->name is the member's path as stored, with "/" separators, NUL and
 *	control characters replaced by '_', at most ARC_MAXNAME - 1 bytes.
 *	e->data and e->len hold the member (valid during the callback only).
 *	e->encrypted marks a member that cannot be read without a password
 *	(data empty); e->truncated marks one cut at lim->max_entry bytes or
 *	by the total or ratio budget (data holds what was read).
 *	e->damaged marks a member whose data failed to read after some bytes
 *	came out (a bad CRC, a stream cut short or damaged): data holds what
 *	was decoded before the failure, to be scanned like what an
 *	extracting tool would write; the walk's status is then ARC_CORRUPT
 *	(unless something else stopped it).  A member that fails before its
 *	first byte is not delivered.  Members that are not directories,
 *	links, devices, FIFOs or sockets are regular, including those whose
 *	mode carries no file type (ar).  A sparse member's holes read as
 *	zeros.  e->container is the type of the archive a member of a
 *	compressed archive comes from (FT_TAR_POSIX for the members of a
 *	.tar.gz, which is walked as one), FT_NONE otherwise, so that the
 *	container chain has both levels.
 *
 *	When libarchive gives up before the first member, the walk tries
 *	what a recovery tool would: a zip by its local headers (a damaged
 *	central directory), a gzip stream through zlib and an xz or lzma
 *	stream through liblzma (libarchive's filter drops the block it was
 *	decoding, which for a small .tar.gz is all of it) with what they
 *	held read as a plain archive or stream (a stream so recovered is
 *	e->damaged).  zstd and lz4 decode whole blocks only: a cut block
 *	gives nothing.  The first failure's reason stays.
 *	Zip members in a method libarchive lacks (Deflate64, implode) are
 *	read by zipx_walk() (zipx.h) after the others, within what is left
 *	of the limits; when it reads them all, "unsupported" is forgotten.
 *
 *	Limits (0 means no limit for each): max_entry bytes of one member;
 *	max_total bytes decompressed over the whole walk; max_entries
 *	members; max_ratio: a member whose decompressed size exceeds
 *	max_ratio times the container's size (and 1 MiB) is cut there and
 *	the walk stops with ARC_LIMIT_RATIO (a compression bomb).  Members
 *	that are not regular files (directories, links, devices) are skipped
 *	and not counted.
 *
 *	res gets the outcome: ARC_OK; ARC_ENCRYPTED (some members, or the
 *	whole archive, e.g. 7z with encrypted headers, need a password);
 *	ARC_CORRUPT (libarchive failed: truncated or damaged data; the
 *	members before the damage were delivered, the damaged one too when
 *	some of it could be decoded); ARC_LIMIT_ENTRIES, ARC_LIMIT_TOTAL,
 *	ARC_LIMIT_RATIO; ARC_STOPPED (cb returned non-zero).  The first of
 *	these to happen wins, except that ARC_ENCRYPTED and ARC_CORRUPT are
 *	decided at the end of a walk that nothing stopped.  res->reason is a
 *	short text for reports ("encrypted", "corrupt: <libarchive
 *	message>", "limit: files", ...), res->entries and res->total count
 *	what was delivered (encrypted members count in entries).
 *
 *	Input that is no archive, compressed stream or format listed above
 *	(plain text, an executable, random bytes, an ARJ archive, an empty
 *	buffer) gives ARC_CORRUPT with the reason "corrupt: not an archive"
 *	and no member: arc_walk() is only called for a type that looked
 *	like an archive, so one that libarchive cannot read is damaged.
 *	A valid archive without members (an empty zip, tar or cpio) gives
 *	ARC_OK and no member.
 *
 *	res->unsupported counts the members skipped because libarchive
 *	cannot decompress their compression method (zip's implode, method
 *	6, and Deflate64, method 9, among others): they are not delivered,
 *	the walk goes on with the next member, and when nothing else went
 *	wrong the status is ARC_CORRUPT with the reason "unsupported:
 *	<libarchive message>" (e.g. "unsupported: Unsupported ZIP
 *	compression method (9: deflation-64-bit)").  A caller with a
 *	decoder of its own for those methods (zipx.h) can then deliver them
 *	and clear the status.
 *
 *	arc_handles() tells whether arc_walk() knows a detected type.
 *	arc_clean() copies a member name into dst (size > 0) the way e->name
 *	is made: control characters become '_', and a cut at size - 1
 *	bytes falls before a UTF-8 continuation byte; the other walkers
 *	(zipx.h, legacy.h) name their members with it.  arc_result_set()
 *	sets res's status and reason unless a status other than ARC_OK is
 *	there already (the first outcome wins) and returns 1, for walkers
 *	to end a walk with.
 * ERRORS
 *	arc_walk() returns 0 (see res->status for what happened), or -1 with
 *	errno ENOMEM (or EINVAL when libarchive cannot be set up).  Never
 *	exits, never logs, never reads outside buf.
 * PROCESS
 *	workers (scan pipeline), vigil-scan --db.
 */
#ifndef VIGIL_ARCHIVE_H
#define VIGIL_ARCHIVE_H

#include <stddef.h>
#include <stdint.h>

#include "workers/filetype.h"

#define ARC_MAXNAME	512

enum arc_status {
	ARC_OK = 0,
	ARC_ENCRYPTED,
	ARC_CORRUPT,
	ARC_LIMIT_ENTRIES,
	ARC_LIMIT_TOTAL,
	ARC_LIMIT_RATIO,
	ARC_STOPPED
};

struct arc_limits {
	uint64_t	 max_entry;
	uint64_t	 max_total;
	uint32_t	 max_entries;
	uint32_t	 max_ratio;
};

struct arc_entry {
	const char	*name;
	const uint8_t	*data;
	size_t		 len;
	int		 encrypted;
	int		 truncated;
	int		 damaged;
	enum ftype	 container;	/* see above */
};

struct arc_result {
	enum arc_status	 status;
	uint32_t	 entries;
	uint64_t	 total;
	uint32_t	 unsupported;
	char		 reason[128];
};

int	 arc_walk(const uint8_t *, size_t, const struct arc_limits *,
	    int (*)(void *, const struct arc_entry *), void *,
	    struct arc_result *);
int	 arc_handles(enum ftype);
void	 arc_clean(char *, size_t, const char *);
int	 arc_result_set(struct arc_result *, enum arc_status, const char *);

#endif
