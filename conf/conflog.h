/*
 * conflog.h - a program's log as its configuration says
 *
 * SYNOPSIS
 *	int	 conf_log(const struct conf_view *v, int foreground);
 *	int	 conf_facility(int index);
 *	int	 conf_stderr_journal(void);
 * DESCRIPTION
 *	conf_log() sets the log (util/log.h log_open()) from the view v of
 *	the program's section: log_level, syslog_facility ("none": no
 *	syslog), log_file, and stderr when foreground (a daemon's -f, or a
 *	program run by hand) or when there is neither syslog nor a file (so
 *	that errors are seen somewhere).  A foreground daemon that systemd
 *	started with stderr connected to the journal (conf_stderr_journal())
 *	does not also write there when syslog is on: journald receives the
 *	syslog line already, and would show every line twice.  When the file cannot be opened it
 *	logs a warning; the previous file, if any, stays in use.
 *
 *	conf_facility() maps the index of syslog_facility's value
 *	("none|mail|daemon|...", conf_get_enum()) to a syslog facility
 *	(LOG_MAIL, ...), or -1 for "none" or an index out of range.
 *
 *	conf_stderr_journal() tells whether stderr is the journal stream
 *	that systemd named in JOURNAL_STREAM ("device:inode"): 1 or 0.
 * ERRORS
 *	conf_log() returns 0, or -1 when log_file cannot be opened
 *	(logged).  Never exits.
 * PROCESS
 *	every program, after it read its configuration (and again on
 *	SIGHUP for the daemons).
 */
#ifndef VIGIL_CONFLOG_H
#define VIGIL_CONFLOG_H

#include "conf/conf.h"

int	 conf_log(const struct conf_view *, int);
int	 conf_facility(int);
int	 conf_stderr_journal(void);

#endif
