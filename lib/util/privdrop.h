/*
 * privdrop.h - a daemon started as root becomes its configured user
 *
 * SYNOPSIS
 *	int	 priv_drop(const char *user, char *err, size_t errlen);
 * DESCRIPTION
 *	priv_drop() switches the process for good to user (a name from the
 *	password database): its supplementary groups (initgroups(3)), then
 *	its group and user ids, real, effective and saved.  It checks that
 *	the ids changed and that root cannot be regained.  Called after the
 *	daemon opened what needs root (a listening socket on port 25, its
 *	pid file) and before it starts threads or reads a client's byte.
 *	Nothing is done (0) when the process is not running as root or
 *	user is NULL or "".
 * ERRORS
 *	Returns 0, or -1 with the reason in err ("user vigil: no such
 *	user", "user root: ... is root", "setresuid: ..."): user unknown,
 *	user is root (uid or gid 0), or a call failed.  The caller exits:
 *	a daemon that was asked to drop root and could not must not run on.
 * PROCESS
 *	vigil-smtpd and vigil-milter at start ([smtp] and [smfi] run_as).
 */
#ifndef VIGIL_PRIVDROP_H
#define VIGIL_PRIVDROP_H

#include <stddef.h>

int	 priv_drop(const char *, char *, size_t);

#endif
