/*
 * sv_conf.h - vigild's configuration file: loading, logging, SIGHUP
 *
 * SYNOPSIS
 *	struct conf	*sv_conf_load(const char *path);
 *	unsigned	 sv_conf_changes(const struct conf_view *old,
 *		    const struct conf_view *new);
 * DESCRIPTION
 *	sv_conf_load() reads the configuration file path (NULL: the
 *	defaults) into a new struct conf, which the caller frees with
 *	conf_free().  When the file cannot be read or has errors, it logs
 *	every message ("FILE:LINE: message") as a warning and returns NULL.
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
 *	The log itself is set by conf_log() (conf/conflog.h).
 * ERRORS
 *	sv_conf_load() returns NULL on any error (logged).  Never exit.
 * PROCESS
 *	vigild's supervisor: at start, and on SIGHUP.
 */
#ifndef VIGIL_SV_CONF_H
#define VIGIL_SV_CONF_H

#include "conf/conf.h"

struct conf	*sv_conf_load(const char *);
unsigned	 sv_conf_changes(const struct conf_view *,
		    const struct conf_view *);

#endif
