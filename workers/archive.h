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
 *	members before the damage were delivered); ARC_LIMIT_ENTRIES,
 *	ARC_LIMIT_TOTAL, ARC_LIMIT_RATIO; ARC_STOPPED (cb returned non-zero).
 *	res->reason is a short text for reports ("encrypted", "corrupt:
 *	<libarchive message>", "limit: files", ...), res->entries and
 *	res->total count what was delivered.
 *
 *	arc_handles() tells whether arc_walk() knows a detected type.
 *	arc_clean() copies a member name into dst (size > 0) the way e->name
 *	is made: control characters become '_', and a cut at size - 1
 *	bytes falls before a UTF-8 continuation byte; the other walkers
 *	(zipx.h, legacy.h) name their members with it.
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
};

struct arc_result {
	enum arc_status	 status;
	uint32_t	 entries;
	uint64_t	 total;
	char		 reason[128];
};

int	 arc_walk(const uint8_t *, size_t, const struct arc_limits *,
	    int (*)(void *, const struct arc_entry *), void *,
	    struct arc_result *);
int	 arc_handles(enum ftype);
void	 arc_clean(char *, size_t, const char *);

#endif
