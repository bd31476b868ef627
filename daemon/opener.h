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
 *	OPENER_NEXT	the walk's next regular file, opened O_RDONLY|
 *			O_CLOEXEC|O_NOCTTY|O_NONBLOCK|O_NOFOLLOW.  Answer
 *			OPENER_A_FILE with its name and descriptor,
 *			OPENER_A_FILEERR with its name and the errno of its
 *			open, or OPENER_A_END (the walk is over and freed).
 *	OPENER_END	forget a walk.  No answer.
 *
 *	An answer is a struct opener_ans then namelen bytes of name; the
 *	descriptor, when there is one, rides with it as SCM_RIGHTS.
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
	OPENER_A_FILE,
	OPENER_A_FILEERR,
	OPENER_A_END
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
};

struct opener_ans {
	uint32_t	 id;
	uint32_t	 type;		/* enum opener_anstype */
	int32_t		 err;		/* OPENER_A_ERR, OPENER_A_FILEERR */
	uint32_t	 kind;		/* OPENER_A_OPEN */
	uint32_t	 walk;		/* OPENER_A_WALK */
	uint32_t	 namelen;	/* OPENER_A_FILE, OPENER_A_FILEERR */
};

#define OPENER_REQMAX	(sizeof(struct opener_req) + \
			    OPENER_MAXGROUPS * sizeof(uint32_t) + OPENER_MAXPATH)
#define OPENER_ANSMAX	(sizeof(struct opener_ans) + OPENER_MAXPATH)

void	 opener_main(int) __attribute__((noreturn));

#endif
