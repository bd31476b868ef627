/*
 * conflog.c - a program's log as its configuration says (conflog.h)
 */
#include <sys/stat.h>

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <syslog.h>
#include <unistd.h>

#include "conf/conflog.h"
#include "util/log.h"

/* conf_facility - syslog_facility's index to a facility, -1: none */
int
conf_facility(int index)
{
	static const int facs[] = { -1, LOG_MAIL, LOG_DAEMON, LOG_USER,
	    LOG_LOCAL0, LOG_LOCAL1, LOG_LOCAL2, LOG_LOCAL3, LOG_LOCAL4,
	    LOG_LOCAL5, LOG_LOCAL6, LOG_LOCAL7 };

	if (index < 0 || (size_t)index >= sizeof(facs) / sizeof(facs[0]))
		return -1;
	return facs[index];
}

/*
 * conf_stderr_journal - whether stderr is systemd's journal: the unit
 * started us with JOURNAL_STREAM="device:inode" naming the stream that
 * stderr still is (systemd.exec(5)); 1 or 0
 */
int
conf_stderr_journal(void)
{
	const char		*js = getenv("JOURNAL_STREAM");
	unsigned long long	 dev, ino;
	struct stat		 sb;
	int			 n = 0;

	if (js == NULL || sscanf(js, "%llu:%llu%n", &dev, &ino, &n) != 2 ||
	    js[n] != '\0' || fstat(STDERR_FILENO, &sb) == -1)
		return 0;
	return (unsigned long long)sb.st_dev == dev &&
	    (unsigned long long)sb.st_ino == ino;
}

/* conf_log - the log as v says */
int
conf_log(const struct conf_view *v, int foreground)
{
	const char	*file = conf_get_str(v, CONF_K_LOG_FILE);
	int		 lvl, fac;

	lvl = (int)conf_get_int(v, CONF_K_LOG_LEVEL);
	fac = conf_facility(conf_get_enum(v, CONF_K_SYSLOG_FACILITY));
	/* syslog reaches the journal already: not every line twice */
	if (foreground && fac != -1 && conf_stderr_journal())
		foreground = 0;
	/* nowhere else to go: stderr */
	if (fac == -1 && file[0] == '\0')
		foreground = 1;
	if (log_open(lvl, fac, file, foreground) == -1) {
		log_warn("log_file: open(%s) failed", file);
		return -1;
	}
	return 0;
}
