/*
 * sv_conf.h - vigild's configuration file: loading, logging, SIGHUP
 *
 * SYNOPSIS
 *	struct conf	*sv_conf_load(const char *path);
 *	int	 sv_conf_log(const struct conf_view *v, int foreground);
 *	unsigned	 sv_conf_changes(const struct conf_view *old,
 *		    const struct conf_view *new);
 *	int	 sv_conf_facility(int index);
 * DESCRIPTION
 *	sv_conf_load() reads the configuration file path (NULL: the
 *	defaults) into a new struct conf, which the caller frees with
 *	conf_free().  When the file cannot be read or has errors, it logs
 *	every message ("FILE:LINE: message") as a warning and returns NULL.
 *
 *	sv_conf_log() sets the log (util/log.h log_open()) from the [daemon]
 *	view v: log_level, syslog_facility ("none": no syslog), log_file,
 *	and stderr when foreground (vigild -f) or when there is neither
 *	syslog nor a file (so that errors before vigild daemonizes are
 *	seen, as before the file is read).  When the file cannot be
 *	opened it logs a warning; the previous file, if any, stays in use.
 *
 *	sv_conf_changes() compares the keys vigild uses in two [daemon]
 *	views of successive configurations and logs each one that differs:
 *	a notice "KEY: OLD -> NEW" for the keys that take effect at once
 *	(log_level, log_file, syslog_facility, the scan limits,
 *	scan_timeout, max_stream_size, max_jobs_per_worker, exec_script,
 *	reload_check_interval), a warning "KEY changed: needs a restart,
 *	still OLD" for the others (base_dir, socket, listen, num_workers,
 *	user, pid_file).  It returns how many keys changed.
 *
 *	sv_conf_facility() maps the index of syslog_facility's value
 *	("none|mail|daemon|...", conf_get_enum()) to a syslog facility
 *	(LOG_MAIL, ...), or -1 for "none" or an index out of range.
 * ERRORS
 *	sv_conf_load() returns NULL on any error (logged).  sv_conf_log()
 *	returns 0, or -1 when log_file cannot be opened (logged).  Never
 *	exit.
 * PROCESS
 *	vigild's supervisor: at start, and on SIGHUP.
 */
#ifndef VIGIL_SV_CONF_H
#define VIGIL_SV_CONF_H

#include "conf/conf.h"

struct conf	*sv_conf_load(const char *);
int		 sv_conf_log(const struct conf_view *, int);
unsigned	 sv_conf_changes(const struct conf_view *,
		    const struct conf_view *);
int		 sv_conf_facility(int);

#endif
