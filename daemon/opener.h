/*
 * opener.h - vigild's opener: the process that opens the paths clients name
 *
 * SYNOPSIS
 *	#include "daemon/opener.h"
 *
 *	void	 opener_main(int sock);
 * DESCRIPTION
 *	The supervisor never touches a client's path itself: a hung NFS
 *	mount would stop its event loop, so every client.  It forks one
 *	opener (daemon/sv_opener.c) that does that I/O, one request at a
 *	time, and passes the descriptors back over a SOCK_SEQPACKET
 *	socketpair: one datagram per request and per answer.
 *
 *	A request is a struct opener_req, then ngroups gid_t, then pathlen
 *	bytes of path (no NUL).  Operations:
 *
 *	OPENER_OPEN	open the path (O_RDONLY|O_CLOEXEC|O_NOCTTY|O_NONBLOCK)
 *			and fstat it as uid, gid and groups.  Answer
 *			OPENER_A_OPEN with kind OPENER_REG and the descriptor,
 *			or kind OPENER_DIR or OPENER_OTHER and none (a
 *			directory is walked by its path), or OPENER_A_ERR.
 *	OPENER_WALK	fts_open the path (FTS_PHYSICAL|FTS_NOCHDIR).  Answer
 *			OPENER_A_WALK with a handle, or OPENER_A_ERR.
 *	OPENER_NEXT	the walk's next count regular files (1 to
 *			OPENER_MAXBATCH), each opened O_RDONLY|O_CLOEXEC|
 *			O_NOCTTY|O_NONBLOCK|O_NOFOLLOW.  Answer
 *			OPENER_A_FILES: nfiles entries (fewer than count when
 *			the walk ended, or when more would not fit in
 *			OPENER_ANSMAX), each a struct opener_file (err: 0, or
 *			the errno of its open) then namelen bytes of name;
 *			one descriptor per entry whose err is 0, in order;
 *			end set when the walk is over (and freed).
 *	OPENER_END	forget a walk.  No answer.
 *
 *	An answer is a struct opener_ans then namelen bytes (the entries
 *	of OPENER_A_FILES; none otherwise); descriptors ride with it as
 *	SCM_RIGHTS.
 *	Answers come in the order of the requests (OPENER_END excepted).
 *
 *	opener_main() serves sock until the supervisor closes it; it never
 *	returns.
 * ERRORS
 *	A request the opener cannot parse is the supervisor's bug: the
 *	opener exits with EX_SOFTWARE.  EOF on sock: exit 0.  It never logs
 *	(its descriptors are closed): errors of the file system are
 *	answers.
 * PROCESS
 *	The opener: forked by the supervisor, not executed, with the
 *	supervisor's privileges (it must become any client), nothing open
 *	but stdio and sock.  It runs no program.
 */
#ifndef VIGIL_OPENER_H
#define VIGIL_OPENER_H

#include <stdint.h>

#define OPENER_MAXPATH		8192	/* bytes of a path or a name */
#define OPENER_MAXBATCH		16	/* files in one answer */
#define OPENER_MAXGROUPS	4096	/* more: the first ones (less access) */

enum opener_op {
	OPENER_OPEN = 1,
	OPENER_WALK,
	OPENER_NEXT,
	OPENER_END
};

enum opener_anstype {
	OPENER_A_OPEN = 1,
	OPENER_A_ERR,
	OPENER_A_WALK,
	OPENER_A_FILES
};

enum opener_kind {
	OPENER_REG = 1,
	OPENER_DIR,
	OPENER_OTHER
};

struct opener_req {
	uint32_t	 id;		/* echoed in the answer */
	uint32_t	 op;		/* enum opener_op */
	uint32_t	 walk;		/* OPENER_NEXT, OPENER_END */
	uint32_t	 uid;
	uint32_t	 gid;
	uint32_t	 ngroups;
	uint32_t	 pathlen;
	uint32_t	 count;		/* OPENER_NEXT: files wanted */
};

struct opener_ans {
	uint32_t	 id;
	uint32_t	 type;		/* enum opener_anstype */
	int32_t		 err;		/* OPENER_A_ERR, OPENER_A_FILEERR */
	uint32_t	 kind;		/* OPENER_A_OPEN */
	uint32_t	 walk;		/* OPENER_A_WALK */
	uint32_t	 nfiles;	/* OPENER_A_FILES */
	uint32_t	 end;		/* OPENER_A_FILES: the walk is over */
	uint32_t	 namelen;	/* bytes after this (the entries) */
};

/* an entry of OPENER_A_FILES, then namelen bytes of its name */
struct opener_file {
	int32_t		 err;		/* 0: its descriptor came along */
	uint32_t	 namelen;
};

#define OPENER_REQMAX	(sizeof(struct opener_req) + \
			    OPENER_MAXGROUPS * sizeof(uint32_t) + \
			    OPENER_MAXPATH)
#define OPENER_ANSMAX	65536	/* an answer, at most */

void	 opener_main(int) __attribute__((noreturn));

#endif
