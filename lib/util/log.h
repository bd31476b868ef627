/*
 * log.h - one logging interface for every Vigil process
 *
 * SYNOPSIS
 *	void	 log_init(int debug, int facility);
 *	int	 log_open(int level, int facility, const char *file,
 *		    int tostderr);
 *	int	 log_reopen(void);
 *	void	 log_close(void);
 *	void	 log_procinit(const char *name);
 *	void	 log_setlevel(int level);
 *	int	 log_getlevel(void);
 *	void	 log_setverbose(int level);
 *	int	 log_getverbose(void);
 *	void	 log_at(int level, const char *fmt, ...);
 *	void	 log_warn(const char *fmt, ...);
 *	void	 log_warnx(const char *fmt, ...);
 *	void	 log_notice(const char *fmt, ...);
 *	void	 log_info(const char *fmt, ...);
 *	void	 log_debug(const char *fmt, ...);
 *	void	 vlog(int priority, const char *fmt, va_list ap);
 *	void	 fatal(const char *fmt, ...);
 *	void	 fatalx(const char *fmt, ...);
 * DESCRIPTION
 *	Levels (vigil.cfg log_level): LOG_LVL_NONE 0 nothing, LOG_LVL_ERROR 1
 *	errors (fatal, fatalx), LOG_LVL_WARN 2 warnings (log_warn,
 *	log_warnx), LOG_LVL_NOTICE 3 notices and detections (log_notice),
 *	LOG_LVL_INFO 4 information (log_info), LOG_LVL_DEBUG 5 debugging
 *	(log_debug).  A line is written when its level is at most the
 *	current level, which is LOG_LVL_NOTICE until set; at level 0 nothing
 *	is written anywhere, not even by fatal().
 *
 *	Destinations.  Until log_init() or log_open() is called every line
 *	goes to stderr only, as "name: message".  log_init() is the short
 *	form for tools: debug != 0 writes to stderr, otherwise to syslog
 *	with the given facility (LOG_MAIL, ...), and the level is kept.
 *	log_open() sets the level and every destination at once, each
 *	independent of the others: syslog with facility (-1: no syslog),
 *	the file named file (NULL or "": none; opened O_APPEND|O_CREAT,
 *	mode 0640, close-on-exec; lines read "2026-01-31T12:00:00+0100
 *	name[pid]: message"), and stderr when tostderr.  It may be called
 *	again (vigild's SIGHUP) to change any of them; the file is then
 *	opened again.  log_reopen() opens the current file again under its
 *	name (after logrotate moved it).  log_close() closes the file and
 *	syslog and goes back to stderr only.
 *
 *	log_procinit() sets the name that prefixes every line
 *	("vigil-compile: ..."), and the syslog ident.  log_setlevel() and
 *	log_getlevel() set and read the level (clamped to 0..5).
 *	log_setverbose() and log_getverbose() are the older scale: 0
 *	warnings and notices (level 3), 1 adds info (4), 2 adds debug (5).
 *	log_at() logs at level (1 to 5; 0 or less counts as 1, more than 5
 *	as 5) with the matching syslog priority (LOG_ERR, LOG_WARNING,
 *	LOG_NOTICE, LOG_INFO, LOG_DEBUG).  vlog() is the same with a syslog
 *	priority (LOG_CRIT and above count as errors) and a va_list.
 *
 *	log_warn() and fatal() append ": " and strerror(errno); the x variants
 *	do not.  Messages should begin with "%s: ", __func__ and read
 *	"open(%s) failed" for system call failures.  Each line is formatted
 *	into one buffer (at most 2047 bytes, truncated beyond) and written
 *	with one write(2) per destination, so that lines of several processes
 *	sharing stderr or the file do not interleave.
 * ERRORS
 *	log_open() and log_reopen() return 0, or -1 with errno of open(2)
 *	when the file cannot be opened: every other setting is applied, and
 *	the file that was open before (if any) stays in use.  They never
 *	log themselves, so that the caller says what failed.
 *	fatal() and fatalx() never return: they exit with EX_OSERR and
 *	EX_SOFTWARE respectively (lib/av/exitcodes.h).  Library modules
 *	(signatures/, shm/, lib/) never call them; only process glue does.
 * PROCESS
 *	any process; vigild's supervisor is the only one that uses a file or
 *	syslog through log_open() (workers send MSG_LOG instead, STYLE.md
 *	convention 34).  Not thread-safe with respect to log_init, log_open
 *	and log_procinit.
 */
#ifndef VIGIL_LOG_H
#define VIGIL_LOG_H

#include <stdarg.h>

#define LOG_LVL_NONE	0
#define LOG_LVL_ERROR	1
#define LOG_LVL_WARN	2
#define LOG_LVL_NOTICE	3
#define LOG_LVL_INFO	4
#define LOG_LVL_DEBUG	5

void	log_init(int, int);
int	log_open(int, int, const char *, int);
int	log_reopen(void);
void	log_close(void);
void	log_procinit(const char *);
void	log_setlevel(int);
int	log_getlevel(void);
void	log_setverbose(int);
int	log_getverbose(void);
void	log_at(int, const char *, ...) __attribute__((format(printf, 2, 3)));
void	log_warn(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_warnx(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_notice(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_info(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_debug(const char *, ...) __attribute__((format(printf, 1, 2)));
void	vlog(int, const char *, va_list) __attribute__((format(printf, 2, 0)));
__attribute__((noreturn))
void	fatal(const char *, ...) __attribute__((format(printf, 1, 2)));
__attribute__((noreturn))
void	fatalx(const char *, ...) __attribute__((format(printf, 1, 2)));

/* AV_ASSERT - our own invariant; logs and aborts for a core dump */
#define AV_ASSERT(e) do {						\
	if (!(e))							\
		log_assert_failed(#e, __FILE__, __LINE__, __func__);	\
} while (0)
__attribute__((noreturn))
void	log_assert_failed(const char *, const char *, int, const char *);

#endif
