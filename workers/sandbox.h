/*
 * sandbox.h - confinement of a scan worker: chroot, user, rlimits, seccomp
 *
 * SYNOPSIS
 *	struct sandbox_opts { root, user, max_as, max_nofile, max_cpu,
 *	    flags };
 *	int		 sandbox_available(void);
 *	int		 sandbox_enter(const struct sandbox_opts *so);
 *	const char	*sandbox_failed(void);
 * DESCRIPTION
 *	sandbox_enter() confines the calling process for good (STYLE.md
 *	convention 23), in this order:
 *	0. prepares what libraries would otherwise open files for on first
 *	   use: the time zone (TZ is set to ":/etc/localtime" when unset, so
 *	   that glibc reads the zone once instead of checking the file at
 *	   every mktime()), libcrypto's configuration (one digest of each
 *	   type), and iconv conversions between the locale's character set
 *	   and UTF-8, UTF-16LE, UTF-16BE and CP932 (libarchive's member
 *	   names), which stay open, and their gconv modules loaded, for the
 *	   life of the process;
 *	1. when running as root: looks up so->user (default SANDBOX_USER)
 *	   and refuses a missing user or one with uid or gid 0; checks that
 *	   so->root (default SANDBOX_ROOT) is an empty directory owned by
 *	   root and writable by nobody else; chroot(root) and chdir("/");
 *	2. when running as root: setgroups to the user's group alone,
 *	   setresgid and setresuid to the user, and checks that root cannot
 *	   be regained;
 *	3. rlimits, soft = hard: RLIMIT_NPROC 0, RLIMIT_FSIZE 0 (a write to
 *	   a regular file raises SIGXFSZ), RLIMIT_NOFILE so->max_nofile
 *	   (SANDBOX_MAX_NOFILE), RLIMIT_CORE 0, RLIMIT_AS so->max_as
 *	   (SANDBOX_MAX_AS; it counts the module mappings already in place),
 *	   RLIMIT_CPU so->max_cpu seconds (SANDBOX_MAX_CPU; SIGXCPU, then
 *	   SIGKILL one second later).  RLIMIT_CPU counts the whole life of
 *	   the process, so it is only a backstop behind the supervisor's
 *	   per-scan deadline and the worker's alarm() (convention 20);
 *	4. prctl PR_SET_NO_NEW_PRIVS and PR_SET_DUMPABLE 0;
 *	5. a seccomp filter (libseccomp) allowing the system calls below and
 *	   killing the process with SIGSYS on any other, and on any call made
 *	   through another architecture's entry (int 0x80, x32).
 *
 *	Not root: chroot and the user change need privilege.  Without
 *	SANDBOX_UNPRIV in so->flags sandbox_enter() then fails (EPERM);
 *	with it, steps 1 and 2 are skipped and the rest is done (vigild run
 *	by an ordinary user, the unit tests).  As root, SANDBOX_UNPRIV
 *	changes nothing: a scan never runs as root.
 *
 *	SANDBOX_LOG and SANDBOX_TRAP are for development only: the filter's
 *	default action becomes SCMP_ACT_LOG (the kernel logs the call to the
 *	audit log and lets it run) or SCMP_ACT_TRAP (SIGSYS is delivered;
 *	a handler installed beforehand can read si_syscall).  Use them to
 *	find a missing system call, never in production.
 *
 *	sandbox_available() tells whether the kernel and libseccomp can
 *	install a filter at all.  sandbox_failed() names the step where the
 *	last sandbox_enter() failed ("chroot", "setrlimit(AS)", ...), for
 *	the caller's log line.
 *
 * WHAT A WORKER NEEDS (the allowlist; anything else is SIGSYS)
 *	read, write		job and reply on the supervisor socketpair
 *	recvmsg, sendmsg	the same with SCM_RIGHTS: job descriptors come
 *				down (recvmsg); nothing is ever sent up but
 *				bytes (sendmsg)
 *	pread64, lseek		a job descriptor read instead of mapped
 *	fstat, newfstatat	the size of a received descriptor; newfstatat
 *				(glibc's fstat) only with a real descriptor
 *				(>= 0, not AT_FDCWD) and flags AT_EMPTY_PATH
 *				exactly, so never by path
 *	close			dropping a job descriptor
 *	poll, ppoll		the worker loop on its socket (poll does not
 *				exist on arm64 and is skipped there)
 *	brk, munmap, mremap, madvise
 *				malloc (mremap: realloc of large blocks,
 *				measured with big members)
 *	mmap, mprotect		mapping a job descriptor, malloc of large
 *				blocks; only without PROT_EXEC (argument 2),
 *				so no new code can be mapped
 *	clock_gettime		pipeline max_time (normally the vDSO)
 *	alarm, setitimer	the per-scan backstop timer (convention 20)
 *	rt_sigreturn, rt_sigprocmask, restart_syscall
 *				returning from the SIGALRM handler; signal
 *				masks in glibc; restarting an interrupted poll
 *	getpid, gettid, tgkill	abort() (AV_ASSERT) raising SIGABRT, so that
 *				the cause reads "signal 6": tgkill only with
 *				tgid and tid equal to our own pid, so no
 *				signal reaches another process
 *	futex			glibc and library one-time initialisation
 *	exit, exit_group	leaving
 *	Not allowed, among others: open, openat, creat, stat by path,
 *	socket, connect, bind, execve, fork, vfork, clone, clone3, ptrace,
 *	kill, rt_sigaction, ioctl, fcntl, dup.
 *	Sanitizer builds (SAN=1, fuzzers) also allow sigaltstack, which
 *	ASan calls before every _exit() and longjmp() (measured: the only
 *	extra call of a scan), and set no RLIMIT_AS (ASan reserves
 *	terabytes of shadow memory).  An ASan report inside the sandbox
 *	opens /proc/self/maps and dies with SIGSYS instead: reproduce it
 *	outside (vigil-scan).
 *
 * CAVEATS
 *	Everything that opens a file must happen before: receiving and
 *	mapping the module descriptors (sigmap_open), pipeline_new(),
 *	opening syslog (workers never do: convention 34), installing signal
 *	handlers (rt_sigaction is not allowed afterwards), setting the
 *	socket non-blocking, closefrom().  A library path that still opens a
 *	file at first use (a new iconv conversion, a gconv module missing
 *	from the system) kills the worker with SIGSYS: the scan is then "not
 *	scanned", never clean, and the path belongs in step 0.
 *	Standard output and error must not be regular files (RLIMIT_FSIZE).
 *	The caller must be single-threaded: the filter and the ids apply to
 *	the calling thread only.
 * ERRORS
 *	sandbox_enter() returns 0, or -1 with errno, and the process must
 *	then exit: it may be confined part way.  EINVAL: unknown flags, so
 *	NULL; ENOSYS: no seccomp in this kernel (checked before any step);
 *	EPERM: not root without SANDBOX_UNPRIV, a root user, a chroot
 *	directory not owned by root or writable by others, a failed drop;
 *	ENOENT: no such user (as root: never scan as root) or no such
 *	directory; ENOTEMPTY: the directory is not empty; or the errno of
 *	the failing call (sandbox_failed() names it).  Never exits, never
 *	logs.
 * PROCESS
 *	workers only, once, single-threaded, after receiving and mapping
 *	their module descriptors and before sending MSG_READY; vigild -x
 *	worker calls it in its entry file just before its loop (convention
 *	24).  Tests call it in forked children.
 */
#ifndef VIGIL_SANDBOX_H
#define VIGIL_SANDBOX_H

#include <stdint.h>

#define SANDBOX_ROOT		"/var/empty"	/* default chroot */
#define SANDBOX_USER		"vigil"		/* default user */
#define SANDBOX_MAX_AS		((uint64_t)2 << 30)	/* 2 GiB */
#define SANDBOX_MAX_NOFILE	16
#define SANDBOX_MAX_CPU		3600		/* seconds, per process */

#define SANDBOX_UNPRIV		0x01	/* not root: skip chroot and user */
#define SANDBOX_LOG		0x02	/* development: log, do not kill */
#define SANDBOX_TRAP		0x04	/* development: SIGSYS to a handler */

struct sandbox_opts {
	const char	*root;		/* empty directory; NULL: default */
	const char	*user;		/* user to become; NULL: default */
	uint64_t	 max_as;	/* bytes; 0: SANDBOX_MAX_AS */
	uint32_t	 max_nofile;	/* 0: SANDBOX_MAX_NOFILE */
	uint32_t	 max_cpu;	/* seconds; 0: SANDBOX_MAX_CPU */
	unsigned	 flags;		/* SANDBOX_* */
};

int		 sandbox_available(void);
int		 sandbox_enter(const struct sandbox_opts *);
const char	*sandbox_failed(void);

#endif
