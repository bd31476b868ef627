/*
 * log.c - logging to stderr or syslog, fatal exits
 *
 * DESCRIPTION
 *	See log.h.  The destination and verbosity are process-wide; lines are
 *	formatted into one buffer and written with one write(2) so that lines
 *	from several processes sharing stderr do not interleave.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include "util/log.h"
#include "av/exitcodes.h"

static int	 log_to_stderr = 1;
static int	 log_verbose;
static char	 log_name[32] = "vigil";

static void	 log_emit(int, const char *, const char *, va_list)
		    __attribute__((format(printf, 3, 0)));

/* log_init - choose stderr (debug) or syslog */
void
log_init(int debug, int facility)
{
	log_to_stderr = debug;
	if (!debug)
		openlog(log_name, LOG_PID | LOG_NDELAY, facility);
}

/* log_procinit - set the name that prefixes every line */
void
log_procinit(const char *name)
{
	if (name != NULL)
		snprintf(log_name, sizeof(log_name), "%s", name);
}

/* log_setverbose - 0 warnings, 1 info, 2 debug */
void
log_setverbose(int v)
{
	log_verbose = v;
}

/* log_getverbose - current verbosity */
int
log_getverbose(void)
{
	return log_verbose;
}

/* log_emit - format one line and send it where it goes */
static void
log_emit(int pri, const char *suffix, const char *fmt, va_list ap)
{
	char	 line[2048];
	int	 n, m;

	if (log_to_stderr) {
		n = snprintf(line, sizeof(line), "%s: ", log_name);
		if (n < 0 || (size_t)n >= sizeof(line))
			n = 0;
	} else
		n = 0;
	m = vsnprintf(line + n, sizeof(line) - n, fmt, ap);
	if (m < 0)
		m = 0;
	n += m;
	if ((size_t)n >= sizeof(line))
		n = sizeof(line) - 1;
	if (suffix != NULL)
		n += snprintf(line + n, sizeof(line) - n, ": %s", suffix);
	if ((size_t)n >= sizeof(line) - 1)
		n = sizeof(line) - 2;
	if (log_to_stderr) {
		line[n++] = '\n';
		(void)!write(STDERR_FILENO, line, n);
	} else {
		line[n] = '\0';
		syslog(pri, "%s", line);
	}
}

/* vlog - log at a syslog priority */
void
vlog(int pri, const char *fmt, va_list ap)
{
	if (pri == LOG_DEBUG && log_verbose < 2)
		return;
	if (pri == LOG_INFO && log_verbose < 1)
		return;
	log_emit(pri, NULL, fmt, ap);
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

/* log_info - informational, shown from verbosity 1 */
void
log_info(const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	vlog(LOG_INFO, fmt, ap);
	va_end(ap);
}

/* log_debug - debugging, shown from verbosity 2 */
void
log_debug(const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	vlog(LOG_DEBUG, fmt, ap);
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
	log_warnx("%s: assertion \"%s\" failed at %s:%d", func, expr, file,
	    line);
	abort();
}
