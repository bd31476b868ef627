/*
 * sv_exec.h - vigild's exec_script: a program run on each detection
 *
 * SYNOPSIS
 *	void	 sv_exec_setup(const char *script);
 *	int	 sv_exec_run(const struct sv_detection *d, int64_t now);
 *	int	 sv_exec_reaped(pid_t pid, int status);
 *	int64_t	 sv_exec_timers(int64_t now);
 *	void	 sv_exec_shorten(int64_t deadline);
 *	unsigned	 sv_exec_running(void);
 *	int	 sv_exec_env(struct sv_exec_env *e,
 *		    const struct sv_detection *d);
 * DESCRIPTION
 *	sv_exec_setup() sets the program ([daemon] exec_script, an absolute
 *	path; NULL or "" turns it off).  The text is copied.  It may be
 *	called again at any time (SIGHUP); scripts already running go on.
 *	It warns when the program is not executable now, and keeps it: it
 *	is looked for again on each detection.
 *
 *	sv_exec_run() runs the program for detection d, unless it is off:
 *	fork(2), then in the child a new process group, stdin and stdout
 *	on /dev/null, stderr kept (vigild's: /dev/null, or the terminal or
 *	journal with -f), every other descriptor closed, the signal mask
 *	and dispositions reset, and execve(2) of the script with argv
 *	{ script, NULL } and only the environment of sv_exec_env().  No
 *	shell is involved, so nothing in a path or a name is interpreted.
 *	The supervisor does not wait: at most SV_EXEC_MAX scripts run at
 *	once (a detection beyond that is logged and not reported to the
 *	script; these log lines at most once a second, with a count), and a
 *	script still running SV_EXEC_TIMEOUT_MS after its start is killed
 *	with SIGKILL, with its whole process group, by sv_exec_timers().
 *	now is the supervisor's monotonic clock in milliseconds.
 *
 *	sv_exec_reaped() is called for every child that waitpid(2) returned
 *	and is not a worker: it returns 1 and logs how the script ended
 *	(debug for exit 0, a warning otherwise) when pid is one of the
 *	scripts, 0 when it is not.  sv_exec_timers() kills the scripts past
 *	their deadline and returns the next deadline (ms), or 0 when none
 *	runs.  sv_exec_shorten() brings every deadline later than deadline
 *	forward to it: at shutdown the supervisor lets running scripts
 *	finish (a notification in flight is not lost) but waits no longer
 *	than for its workers.  sv_exec_running() says how many run.
 *
 *	sv_exec_env() builds the environment in e (e->envp, NULL-terminated,
 *	pointing into e->buf), with values as they are (not escaped; no NUL
 *	can occur):
 *	  VIGIL_PATH	the input as the client named it (a path, "stream",
 *			"fd[N]");
 *	  VIGIL_OBJECT	the path of the first infected object (equal to
 *			VIGIL_PATH, or inside it: "a.zip/dir/x.exe");
 *	  VIGIL_NAME	every signature name found, in order, once each,
 *			separated by single spaces; when they do not fit in
 *			e->buf, the last is followed by " ...";
 *	  VIGIL_CLIENT	who asked (sv_log_peer(): "uid U pid P", "A:PORT");
 *	  VIGIL_CLIENT_ID  the connection's number in the log lines;
 *	  VIGIL_SERIAL	the signature generation's serial;
 *	  VIGIL_TIME	seconds since 1970 (UTC);
 *	  VIGIL_VERSION	vigild's version;
 *	  PATH		/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:
 *			/sbin:/bin.
 * ERRORS
 *	sv_exec_run() returns 0 (started, or no script), or -1 when the
 *	detection was not reported: too many scripts running (EAGAIN), an
 *	environment that does not fit (E2BIG), or fork(2) failed; each is
 *	logged.  sv_exec_env() returns 0, or -1 with errno E2BIG when
 *	VIGIL_PATH and VIGIL_OBJECT alone do not fit.  A script that cannot
 *	be executed exits 127 in the child, reported by sv_exec_reaped().
 *	Nothing here exits.
 * PROCESS
 *	vigild's supervisor (single-threaded; the child only calls
 *	async-signal-safe functions before execve).  Scripts run with the
 *	supervisor's user: root when vigild was started as root.
 */
#ifndef VIGIL_SV_EXEC_H
#define VIGIL_SV_EXEC_H

#include <sys/types.h>

#include <stdint.h>

#include "daemon/sv_log.h"

#define SV_EXEC_MAX		8		/* scripts at once */
#define SV_EXEC_TIMEOUT_MS	30000		/* then SIGKILL */
#define SV_EXEC_NENV		9		/* variables */
#define SV_EXEC_ENVMAX		32768		/* bytes of them all */

struct sv_exec_env {
	char	*envp[SV_EXEC_NENV + 1];
	char	 buf[SV_EXEC_ENVMAX];
};

void	 sv_exec_setup(const char *);
int	 sv_exec_run(const struct sv_detection *, int64_t);
int	 sv_exec_reaped(pid_t, int);
int64_t	 sv_exec_timers(int64_t);
void	 sv_exec_shorten(int64_t);
unsigned sv_exec_running(void);
int	 sv_exec_env(struct sv_exec_env *, const struct sv_detection *);

#endif
