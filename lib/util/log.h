/*
 * log.h - one logging interface for every Vigil process
 *
 * SYNOPSIS
 *	void	 log_init(int debug, int facility);
 *	void	 log_procinit(const char *name);
 *	void	 log_setverbose(int level);
 *	int	 log_getverbose(void);
 *	void	 log_warn(const char *fmt, ...);
 *	void	 log_warnx(const char *fmt, ...);
 *	void	 log_info(const char *fmt, ...);
 *	void	 log_debug(const char *fmt, ...);
 *	void	 fatal(const char *fmt, ...);
 *	void	 fatalx(const char *fmt, ...);
 * DESCRIPTION
 *	log_init() chooses the destination: debug != 0 writes to stderr,
 *	otherwise syslog with the given facility.  Before log_init() is called
 *	everything goes to stderr.  log_procinit() sets the name that prefixes
 *	every line ("vigil-compile: ...").  log_setverbose() sets the level:
 *	0 warnings only, 1 adds info, 2 adds debug.
 *
 *	log_warn() and fatal() append ": " and strerror(errno); the x variants
 *	do not.  Messages should begin with "%s: ", __func__ and read
 *	"open(%s) failed" for system call failures.
 * ERRORS
 *	fatal() and fatalx() never return: they exit with EX_OSERR and
 *	EX_SOFTWARE respectively (lib/av/exitcodes.h).  Library modules
 *	(signatures/, shm/, lib/) never call them; only process glue does.
 * PROCESS
 *	any process; not thread-safe with respect to log_init/log_procinit.
 */
#ifndef VIGIL_LOG_H
#define VIGIL_LOG_H

#include <stdarg.h>

void	log_init(int, int);
void	log_procinit(const char *);
void	log_setverbose(int);
int	log_getverbose(void);
void	log_warn(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_warnx(const char *, ...) __attribute__((format(printf, 1, 2)));
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
