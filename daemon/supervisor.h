/*
 * supervisor.h - vigild's supervisor: sockets, workers, the clamd protocol
 *
 * SYNOPSIS
 *	int	 supervisor_main(const char *config, int foreground);
 * DESCRIPTION
 *	supervisor_main() is the whole life of vigild's supervisor process
 *	(DESIGN.md "Processes", STYLE.md conventions 8-24).  It reads the
 *	configuration file config (NULL: the defaults), validates the
 *	signature generation base_dir/current, opens the unix socket
 *	([daemon] socket, mode 0666) and the optional TCP listener
 *	([daemon] listen), daemonizes unless foreground (fork, setsid, the
 *	pid file), forks and execs num_workers workers ("vigild -c config
 *	-x worker -I slot", supervisor socket on descriptor 3), and then
 *	runs one epoll loop until SIGTERM, SIGINT or the clamd SHUTDOWN
 *	command.  Clients speak the clamd protocol (daemon/clamd.h); every
 *	request is answered, a worker that dies or overruns scan_timeout
 *	with "Not scanned (terminated; signal N | timeout | exited
 *	abnormally; status N)".  SIGUSR2, SIGHUP and RELOAD switch to a new
 *	generation when current changed, keeping the old one on any error.
 *	SIGHUP first reopens log_file and reads config again, adopting it
 *	only without errors (daemon/sv_conf.h); detections are logged
 *	(daemon/sv_log.h) and handed to exec_script (daemon/sv_exec.h).
 *	config must be an absolute path: workers are started with it (for
 *	ps only: their settings come as -U, -J, -T) after the supervisor
 *	changed its directory to /.
 * ERRORS
 *	returns the process's exit status: 0 after a shutdown; EX_CONFIG for
 *	a configuration error, no usable generation, or workers that cannot
 *	enter their sandbox; EX_OSERR when a socket cannot be opened.
 *	Messages go to the log (util/log.h); it may call fatal() before the
 *	loop starts.
 * PROCESS
 *	vigild's main process, started as root (workers then chroot and run
 *	as [daemon] user) or as an ordinary user (workers keep the user and
 *	skip chroot, SANDBOX_UNPRIV).
 */
#ifndef VIGIL_SUPERVISOR_H
#define VIGIL_SUPERVISOR_H

int	 supervisor_main(const char *, int);

#endif
