/*
 * detach.h - a daemon leaves its terminal
 *
 * SYNOPSIS
 *	void	 detach(const char *pidfile);
 * DESCRIPTION
 *	detach() forks (the parent exits 0 at once), starts a new session,
 *	changes to "/", points descriptors 0, 1 and 2 at /dev/null and, when
 *	pidfile is neither NULL nor "", writes the new process's pid to it.
 *	Descriptors the caller holds (listening sockets) stay open.
 * ERRORS
 *	Fatal (util/log.h fatal()): fork, setsid, chdir or the pid file
 *	failing; a daemon that cannot do these must not run on.
 * PROCESS
 *	vigild, vigil-smtpd, vigil-milter at start, before their threads.
 */
#ifndef VIGIL_DETACH_H
#define VIGIL_DETACH_H

void	 detach(const char *);

#endif
