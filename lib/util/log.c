/*
 * log.c - logging to stderr, syslog and a file; fatal exits
 *
 * DESCRIPTION
 *	See log.h.  The level and the destinations are process-wide; each
 *	line is formatted once into one buffer and written with one write(2)
 *	per destination, so that lines from several processes sharing stderr
 *	or the file do not interleave.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "util/log.h"
#include "av/exitcodes.h"

#define LOG_LINEMAX	2048
#define LOG_PATHMAX	4096

static int	 log_stderr = 1;		/* write to stderr */
static int	 log_syslog;			/* openlog() done */
static int	 log_facility = -1;
static int	 log_fd = -1;			/* log_file, or -1 */
static char	 log_path[LOG_PATHMAX];
static int	 log_level = LOG_LVL_NOTICE;
static char	 log_name[32] = "vigil";

static int	 log_pri_level(int);
static int	 log_level_pri(int);
static int	 log_file_open(const char *);
static void	 log_emit(int, const char *, const char *, va_list)
		    __attribute__((format(printf, 3, 0)));

/* log_init - choose stderr (debug) or syslog; the level is kept */
void
log_init(int debug, int facility)
{
	if (debug)
		(void)log_open(log_level, -1, NULL, 1);
	else
		(void)log_open(log_level, facility, NULL, 0);
}

/* log_open - set the level and every destination */
int
log_open(int level, int facility, const char *file, int tostderr)
{
	log_setlevel(level);
	log_stderr = tostderr;
	if (log_syslog && facility != log_facility) {
		closelog();
		log_syslog = 0;
		log_facility = -1;
	}
	if (facility >= 0 && !log_syslog) {
		openlog(log_name, LOG_PID | LOG_NDELAY, facility);
		log_syslog = 1;
		log_facility = facility;
	}
	if (file == NULL || file[0] == '\0') {
		if (log_fd != -1)
			close(log_fd);
		log_fd = -1;
		log_path[0] = '\0';
		return 0;
	}
	return log_file_open(file);
}

/* log_reopen - open the current file again under its name (logrotate) */
int
log_reopen(void)
{
	char	 path[LOG_PATHMAX];

	if (log_fd == -1 || log_path[0] == '\0')
		return 0;
	memcpy(path, log_path, sizeof(path));
	return log_file_open(path);
}

/* log_close - back to stderr only */
void
log_close(void)
{
	if (log_fd != -1)
		close(log_fd);
	log_fd = -1;
	log_path[0] = '\0';
	if (log_syslog)
		closelog();
	log_syslog = 0;
	log_facility = -1;
	log_stderr = 1;
}

/* log_file_open - open path; on failure the old file stays */
static int
log_file_open(const char *path)
{
	int	 fd;

	if (strlen(path) >= sizeof(log_path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	if ((fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC |
	    O_NOCTTY, 0640)) == -1)
		return -1;
	if (log_fd != -1)
		close(log_fd);
	log_fd = fd;
	snprintf(log_path, sizeof(log_path), "%s", path);
	return 0;
}

/* log_procinit - set the name that prefixes every line */
void
log_procinit(const char *name)
{
	if (name != NULL)
		snprintf(log_name, sizeof(log_name), "%s", name);
}

/* log_setlevel - 0 nothing .. 5 debug */
void
log_setlevel(int level)
{
	if (level < LOG_LVL_NONE)
		level = LOG_LVL_NONE;
	if (level > LOG_LVL_DEBUG)
		level = LOG_LVL_DEBUG;
	log_level = level;
}

/* log_getlevel - the current level */
int
log_getlevel(void)
{
	return log_level;
}

/* log_setverbose - the older scale: 0 notices, 1 info, 2 debug */
void
log_setverbose(int v)
{
	log_setlevel(v <= 0 ? LOG_LVL_NOTICE : v == 1 ? LOG_LVL_INFO :
	    LOG_LVL_DEBUG);
}

/* log_getverbose - the level on the older scale */
int
log_getverbose(void)
{
	return log_level >= LOG_LVL_DEBUG ? 2 : log_level >= LOG_LVL_INFO ?
	    1 : 0;
}

/* log_pri_level - the level of a syslog priority */
static int
log_pri_level(int pri)
{
	switch (pri) {
	case LOG_EMERG:
	case LOG_ALERT:
	case LOG_CRIT:
	case LOG_ERR:
		return LOG_LVL_ERROR;
	case LOG_WARNING:
		return LOG_LVL_WARN;
	case LOG_NOTICE:
		return LOG_LVL_NOTICE;
	case LOG_INFO:
		return LOG_LVL_INFO;
	default:
		return LOG_LVL_DEBUG;
	}
}

/* log_level_pri - the syslog priority of a level */
static int
log_level_pri(int level)
{
	static const int	 pri[] = { LOG_ERR, LOG_ERR, LOG_WARNING,
	    LOG_NOTICE, LOG_INFO, LOG_DEBUG };

	if (level < LOG_LVL_ERROR)
		level = LOG_LVL_ERROR;
	if (level > LOG_LVL_DEBUG)
		level = LOG_LVL_DEBUG;
	return pri[level];
}

/* log_emit - format one line and send it where it goes */
static void
log_emit(int pri, const char *suffix, const char *fmt, va_list ap)
{
	char		 line[LOG_LINEMAX], stamp[40];
	struct tm	 tm;
	time_t		 now;
	size_t		 len, plen;
	int		 n;

	if (log_pri_level(pri) > log_level)
		return;
	/* line = prefix room, then the message; each prefix goes before */
	n = vsnprintf(line, sizeof(line), fmt, ap);
	len = n < 0 ? 0 : (size_t)n;
	if (len >= sizeof(line))
		len = sizeof(line) - 1;
	if (suffix != NULL) {
		n = snprintf(line + len, sizeof(line) - len, ": %s", suffix);
		len += n < 0 ? 0 : (size_t)n;
		if (len >= sizeof(line))
			len = sizeof(line) - 1;
	}
	line[len] = '\0';

	if (log_syslog)
		syslog(pri, "%s", line);
	if (log_stderr) {
		char	 out[sizeof(log_name) + 2 + LOG_LINEMAX + 1];

		plen = (size_t)snprintf(out, sizeof(out), "%s: %s\n",
		    log_name, line);
		if (plen >= sizeof(out))
			plen = sizeof(out) - 1;
		(void)!write(STDERR_FILENO, out, plen);
	}
	if (log_fd != -1) {
		char	 out[sizeof(stamp) + sizeof(log_name) + 16 +
		    LOG_LINEMAX + 1];

		now = time(NULL);
		if (localtime_r(&now, &tm) == NULL ||
		    strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%S%z",
		    &tm) == 0)
			snprintf(stamp, sizeof(stamp), "%lld", (long long)now);
		plen = (size_t)snprintf(out, sizeof(out), "%s %s[%ld]: %s\n",
		    stamp, log_name, (long)getpid(), line);
		if (plen >= sizeof(out))
			plen = sizeof(out) - 1;
		(void)!write(log_fd, out, plen);
	}
}

/* vlog - log at a syslog priority */
void
vlog(int pri, const char *fmt, va_list ap)
{
	log_emit(pri, NULL, fmt, ap);
}

/* log_at - log at a level (1 errors .. 5 debug) */
void
log_at(int level, const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	log_emit(log_level_pri(level), NULL, fmt, ap);
	va_end(ap);
}

/* log_warn - warning with strerror(errno) */
void
log_warn(const char *fmt, ...)
{
	va_list	 ap;
	int	 saved = errno;

	va_start(ap, fmt);
	log_emit(LOG_WARNING, strerror(saved), fmt, ap);
	va_end(ap);
	errno = saved;
}

/* log_warnx - warning */
void
log_warnx(const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	log_emit(LOG_WARNING, NULL, fmt, ap);
	va_end(ap);
}

/* log_notice - notices and detections, shown from level 3 */
void
log_notice(const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	log_emit(LOG_NOTICE, NULL, fmt, ap);
	va_end(ap);
}

/* log_info - informational, shown from level 4 */
void
log_info(const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	log_emit(LOG_INFO, NULL, fmt, ap);
	va_end(ap);
}

/* log_debug - debugging, shown from level 5 */
void
log_debug(const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	log_emit(LOG_DEBUG, NULL, fmt, ap);
	va_end(ap);
}

/* fatal - the environment failed: log with errno and exit EX_OSERR */
void
fatal(const char *fmt, ...)
{
	va_list	 ap;
	int	 saved = errno;

	va_start(ap, fmt);
	log_emit(LOG_CRIT, saved ? strerror(saved) : NULL, fmt, ap);
	va_end(ap);
	exit(EX_OSERR);
}

/* fatalx - unrecoverable condition without errno: exit EX_SOFTWARE */
void
fatalx(const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	log_emit(LOG_CRIT, NULL, fmt, ap);
	va_end(ap);
	exit(EX_SOFTWARE);
}

/* log_assert_failed - AV_ASSERT failed: our bug, dump core */
void
log_assert_failed(const char *expr, const char *file, int line,
    const char *func)
{
	log_at(LOG_LVL_ERROR, "%s: assertion \"%s\" failed at %s:%d", func,
	    expr, file, line);
	abort();
}
