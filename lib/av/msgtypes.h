/*
 * msgtypes.h - the messages between vigild and its children
 *
 * SYNOPSIS
 *	enum msg_type { MSG_READY = 1, MSG_JOB, ... };
 *	const char	*msg_type_str(uint32_t type);
 * DESCRIPTION
 *	The type field of a util/msg.h header.  The direction and payload of
 *	each type are fixed here; av/wire.h encodes and decodes the ones
 *	with a structure.  "id" and "gen" are the header fields: a reply
 *	echoes the id of its job, and a worker always sends the generation
 *	it was started on.
 *
 *	MSG_READY	worker -> supervisor, after the sandbox is on.  No
 *			payload.  Sent once; nothing else comes before it
 *			except MSG_LOG.
 *	MSG_JOB		supervisor -> worker, with the descriptor to scan.
 *			Options (wire_put_job): flags, scan limits, object
 *			name, request id.  id is the job's number.
 *	MSG_VERDICT	worker -> supervisor, the answer to job id: the
 *			verdict tree (wire_put_verdict).
 *	MSG_LOG		worker -> supervisor: {u8 level, str text}
 *			(wire_put_log).  The supervisor prefixes the slot and
 *			pid and rate-limits.
 *	MSG_DRAIN	supervisor -> worker: finish the current job, then
 *			exit 0.  No payload.
 *	MSG_MODULES	supervisor -> worker, before MSG_READY: one signature
 *			module of generation gen per message, with its
 *			descriptor: {u32 index, u32 count, u64 serial}
 *			(wire_put_module); index runs 0 .. count - 1.
 *	MSG_STATS	worker -> supervisor, after a verdict: {u64 objects,
 *			u64 bytes, u64 usec} of that job (wire_put_stats).
 *	MSG_ERROR	worker -> supervisor, instead of a verdict when job id
 *			could not be scanned at all: {u32 code, str text}
 *			(wire_put_error); code is an errno or an AV_E* value.
 *
 *	msg_type_str() names a type for log lines ("MSG_JOB"), and gives
 *	"MSG_?" for a number outside the enum.
 * ERRORS
 *	none; never exits, never logs.
 * PROCESS
 *	the supervisor and its workers.
 */
#ifndef VIGIL_MSGTYPES_H
#define VIGIL_MSGTYPES_H

#include <stdint.h>

enum msg_type {
	MSG_READY = 1,
	MSG_JOB,
	MSG_VERDICT,
	MSG_LOG,
	MSG_DRAIN,
	MSG_MODULES,
	MSG_STATS,
	MSG_ERROR,
	MSG_NTYPES			/* one past the last */
};

const char	*msg_type_str(uint32_t);

#endif
