/*
 * sandbox.c - confinement of a scan worker: chroot, user, rlimits, seccomp
 *
 * The steps run in the order of STYLE.md convention 23; each one that
 * fails records its name for sandbox_failed() and returns -1 with errno,
 * leaving the process as far confined as it got (the caller must exit).
 * Everything that needs a file (the password database, the chroot check)
 * happens before the chroot, and nothing after the seccomp filter is
 * loaded may make a system call outside the allowlist: the filter context
 * is released with free(), which the allowlist covers.
 */
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <iconv.h>
#include <langinfo.h>
#include <limits.h>
#include <pwd.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <seccomp.h>

#include "util/digest.h"
#include "workers/sandbox.h"

/*
 * Sanitizer builds (SAN=1, fuzzers): AddressSanitizer reserves terabytes
 * of shadow address space, so RLIMIT_AS cannot be capped, and its runtime
 * makes a few system calls of its own (SB_SAN rows of the allowlist).
 */
#if defined(__SANITIZE_ADDRESS__)
#define SANDBOX_SAN	1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SANDBOX_SAN	1
#endif
#endif
#ifndef SANDBOX_SAN
#define SANDBOX_SAN	0
#endif

#if SANDBOX_SAN
/*
 * LeakSanitizer's check at exit stops the process's threads with
 * ptrace(2) and prctl(2), which the filter refuses: the worker would die
 * of SIGSYS at every normal exit.  It asks this hook first; a confined
 * process exits without the check.
 */
static volatile int	 sb_confined;

int	 __lsan_is_turned_off(void);

int
__lsan_is_turned_off(void)
{
	return sb_confined;
}
#endif

/* argument conditions of an allowlist row */
enum sb_cond {
	SB_ANY,		/* any arguments */
	SB_NOEXEC2,	/* argument 2 (prot) without PROT_EXEC */
	SB_FDEMPTY,	/* a real descriptor and AT_EMPTY_PATH alone */
	SB_SELF,	/* tgkill(self, self, sig) */
	SB_SAN		/* only in sanitizer builds */
};

/*
 * The allowlist: what a worker needs (see sandbox.h for why each one).
 * A name that is not a system call of the running architecture (poll and
 * alarm on arm64) is skipped.
 */
static const struct sb_rule {
	const char	*name;
	enum sb_cond	 cond;
} sb_rules[] = {
	/* I/O on descriptors the worker already holds */
	{ "read",		SB_ANY },
	{ "write",		SB_ANY },
	{ "recvmsg",		SB_ANY },
	{ "sendmsg",		SB_ANY },
	{ "pread64",		SB_ANY },
	{ "lseek",		SB_ANY },
	{ "fstat",		SB_ANY },
	{ "newfstatat",		SB_FDEMPTY },
	{ "close",		SB_ANY },
	{ "poll",		SB_ANY },
	{ "ppoll",		SB_ANY },
	/* memory */
	{ "brk",		SB_ANY },
	{ "mmap",		SB_NOEXEC2 },
	{ "mprotect",		SB_NOEXEC2 },
	{ "munmap",		SB_ANY },
	{ "mremap",		SB_ANY },
	{ "madvise",		SB_ANY },
	/* time, timers, signals */
	{ "clock_gettime",	SB_ANY },
	{ "alarm",		SB_ANY },
	{ "setitimer",		SB_ANY },
	{ "rt_sigreturn",	SB_ANY },
	{ "rt_sigprocmask",	SB_ANY },
	{ "restart_syscall",	SB_ANY },
	/* process */
	{ "getpid",		SB_ANY },
	{ "gettid",		SB_ANY },
	{ "tgkill",		SB_SELF },
	{ "futex",		SB_ANY },
	{ "exit",		SB_ANY },
	{ "exit_group",		SB_ANY },
	/* ASan: __asan_handle_no_return() before _exit() and longjmp() */
	{ "sigaltstack",	SB_SAN },
};

/*
 * The character sets libarchive converts member names from (7-Zip and
 * CAB UTF-16LE, RAR and Joliet UTF-16BE, LHA CP932, UTF-8 flags of zip,
 * pax, xar, cpio): glibc opens gconv-modules.cache and dlopen()s the
 * module on first use, so sb_prepare() opens each conversion once, both
 * ways, and keeps it open for the life of the process, which keeps the
 * module loaded.
 */
static const char *const sb_charsets[] = {
	"UTF-8", "UTF-16LE", "UTF-16BE", "CP932"
};
#define SB_NCHARSETS	(sizeof(sb_charsets) / sizeof(sb_charsets[0]))

static const char	*sb_failed;
static iconv_t		 sb_iconv[2 * SB_NCHARSETS];

static int	 sb_prepare(void);
static int	 sb_user(const char *, uid_t *, gid_t *);
static int	 sb_checkroot(const char *);
static int	 sb_chroot(const char *);
static int	 sb_setuser(uid_t, gid_t);
static int	 sb_rlimit(int, rlim_t, rlim_t, const char *);
static int	 sb_rlimits(const struct sandbox_opts *);
static struct scmp_arg_cmp sb_cmp(unsigned, enum scmp_compare, scmp_datum_t,
		    scmp_datum_t);
static int	 sb_filter(unsigned);
static int	 sb_fail(const char *, int);

/* sb_fail - record the failed step, set errno, return -1 */
static int
sb_fail(const char *step, int err)
{
	sb_failed = step;
	errno = err;
	return -1;
}

/* sandbox_available - whether this kernel and libseccomp can filter */
int
sandbox_available(void)
{
	if (prctl(PR_GET_SECCOMP, 0, 0, 0, 0) == -1)
		return 0;
	/* API level 1: seccomp(2) or the prctl filter mode works */
	return seccomp_api_get() >= 1;
}

/* sandbox_failed - the step where the last sandbox_enter() failed */
const char *
sandbox_failed(void)
{
	return sb_failed != NULL ? sb_failed : "none";
}

/*
 * sb_prepare - do now what libraries do on first use and what needs a
 * file: the time zone (mktime() of zip and CAB member times), libcrypto's
 * configuration (the first digest), and the character set conversions.
 * With TZ unset glibc stats /etc/localtime at every mktime(); with TZ set
 * it reads the zone once, so TZ becomes ":/etc/localtime" (the same zone).
 */
static int
sb_prepare(void)
{
	static const char	 empty[1];
	uint8_t			 out[DIGEST_MAXLEN];
	const char		*cur;
	size_t			 i;
	int			 t;

	if (getenv("TZ") == NULL && setenv("TZ", ":/etc/localtime", 1) == -1)
		return sb_fail("setenv(TZ)", errno);
	tzset();
	for (t = 0; t < DIGEST_NTYPES; t++)
		if (digest_buf(t, empty, 0, out) == -1)
			return sb_fail("digest_buf", errno);
	cur = nl_langinfo(CODESET);
	for (i = 0; i < SB_NCHARSETS; i++) {
		if (sb_iconv[2 * i] == NULL)
			sb_iconv[2 * i] = iconv_open(cur, sb_charsets[i]);
		if (sb_iconv[2 * i + 1] == NULL)
			sb_iconv[2 * i + 1] = iconv_open(sb_charsets[i], cur);
	}
	return 0;
}

/* sb_user - the uid and gid of user, never root */
static int
sb_user(const char *user, uid_t *uid, gid_t *gid)
{
	struct passwd	*pw;

	errno = 0;
	if ((pw = getpwnam(user)) == NULL)
		return sb_fail("getpwnam", errno != 0 ? errno : ENOENT);
	if (pw->pw_uid == 0 || pw->pw_gid == 0)
		return sb_fail("getpwnam: user is root", EPERM);
	*uid = pw->pw_uid;
	*gid = pw->pw_gid;
	return 0;
}

/*
 * sb_checkroot - the chroot directory is a directory owned by root that
 * nobody else can write to, and empty
 */
static int
sb_checkroot(const char *root)
{
	struct stat	 st;
	struct dirent	*de;
	DIR		*d;
	int		 fd, extra = 0;

	if ((fd = open(root, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
	    O_CLOEXEC)) == -1)
		return sb_fail("open(root)", errno);
	if (fstat(fd, &st) == -1) {
		close(fd);
		return sb_fail("fstat(root)", errno);
	}
	if (st.st_uid != 0 || (st.st_mode & (S_IWGRP | S_IWOTH)) != 0) {
		close(fd);
		return sb_fail("root: not owned by root or writable by others",
		    EPERM);
	}
	if ((d = fdopendir(fd)) == NULL) {
		close(fd);
		return sb_fail("fdopendir(root)", errno);
	}
	while ((de = readdir(d)) != NULL)
		if (strcmp(de->d_name, ".") != 0 &&
		    strcmp(de->d_name, "..") != 0)
			extra++;
	closedir(d);
	if (extra != 0)
		return sb_fail("root: not empty", ENOTEMPTY);
	return 0;
}

/* sb_chroot - into root for good */
static int
sb_chroot(const char *root)
{
	if (chroot(root) == -1)
		return sb_fail("chroot", errno);
	if (chdir("/") == -1)
		return sb_fail("chdir(/)", errno);
	return 0;
}

/* sb_setuser - drop to uid/gid for good, and check that it held */
static int
sb_setuser(uid_t uid, gid_t gid)
{
	uid_t	 ru, eu, su;
	gid_t	 rg, eg, sg;

	if (setgroups(1, &gid) == -1)
		return sb_fail("setgroups", errno);
	if (setresgid(gid, gid, gid) == -1)
		return sb_fail("setresgid", errno);
	if (setresuid(uid, uid, uid) == -1)
		return sb_fail("setresuid", errno);
	if (getresuid(&ru, &eu, &su) == -1 || getresgid(&rg, &eg, &sg) == -1)
		return sb_fail("getresuid", errno);
	if (ru != uid || eu != uid || su != uid || rg != gid || eg != gid ||
	    sg != gid)
		return sb_fail("setresuid: ids did not change", EPERM);
	/* no way back */
	if (setuid(0) != -1 || seteuid(0) != -1)
		return sb_fail("setresuid: root regained", EPERM);
	return 0;
}

/* sb_rlimit - set one limit, soft and hard */
static int
sb_rlimit(int res, rlim_t soft, rlim_t hard, const char *step)
{
	struct rlimit	 rl;

	rl.rlim_cur = soft;
	rl.rlim_max = hard;
	if (setrlimit(res, &rl) == -1)
		return sb_fail(step, errno);
	return 0;
}

/* sb_rlimits - the resource limits of a worker */
static int
sb_rlimits(const struct sandbox_opts *so)
{
	rlim_t	 as, nofile, cpu;

	as = so->max_as != 0 ? so->max_as : SANDBOX_MAX_AS;
	nofile = so->max_nofile != 0 ? so->max_nofile : SANDBOX_MAX_NOFILE;
	cpu = so->max_cpu != 0 ? so->max_cpu : SANDBOX_MAX_CPU;
	if (sb_rlimit(RLIMIT_NPROC, 0, 0, "setrlimit(NPROC)") == -1 ||
	    sb_rlimit(RLIMIT_FSIZE, 0, 0, "setrlimit(FSIZE)") == -1 ||
	    sb_rlimit(RLIMIT_NOFILE, nofile, nofile, "setrlimit(NOFILE)") ==
	    -1 ||
	    sb_rlimit(RLIMIT_CORE, 0, 0, "setrlimit(CORE)") == -1 ||
	    /* SIGXCPU at the soft limit, SIGKILL a second later */
	    sb_rlimit(RLIMIT_CPU, cpu, cpu + 1, "setrlimit(CPU)") == -1)
		return -1;
	/* SAN=1: ASan's shadow memory needs an unlimited address space */
	if (!SANDBOX_SAN &&
	    sb_rlimit(RLIMIT_AS, as, as, "setrlimit(AS)") == -1)
		return -1;
	return 0;
}

/* sb_cmp - one argument condition, every field set */
static struct scmp_arg_cmp
sb_cmp(unsigned arg, enum scmp_compare op, scmp_datum_t a, scmp_datum_t b)
{
	struct scmp_arg_cmp	 c;

	c.arg = arg;
	c.op = op;
	c.datum_a = a;
	c.datum_b = b;
	return c;
}

/* sb_filter - load the allowlist; mode is SANDBOX_LOG, _TRAP or 0 */
static int
sb_filter(unsigned mode)
{
	const struct sb_rule	*r;
	scmp_filter_ctx		 ctx;
	uint32_t		 deflt, kill;
	pid_t			 self = getpid();
	size_t			 i;
	int			 nr, rc = 0;
	const char		*step = NULL;

	/* kill the whole process where the kernel can (Linux 4.14) */
	kill = seccomp_api_get() >= 3 ? SCMP_ACT_KILL_PROCESS : SCMP_ACT_KILL;
	if (mode & SANDBOX_TRAP)
		deflt = SCMP_ACT_TRAP;
	else if (mode & SANDBOX_LOG)
		deflt = SCMP_ACT_LOG;
	else
		deflt = kill;
	if ((ctx = seccomp_init(deflt)) == NULL)
		return sb_fail("seccomp_init", ENOMEM);
	/* another architecture's system call numbers (int 0x80, x32) */
	if ((rc = seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH, kill)) < 0) {
		step = "seccomp_attr_set";
		goto done;
	}
	for (i = 0; i < sizeof(sb_rules) / sizeof(sb_rules[0]); i++) {
		r = &sb_rules[i];
		if (r->cond == SB_SAN && !SANDBOX_SAN)
			continue;
		if ((nr = seccomp_syscall_resolve_name(r->name)) < 0)
			continue;
		switch (r->cond) {
		case SB_NOEXEC2:
			rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nr, 1,
			    sb_cmp(2, SCMP_CMP_MASKED_EQ, PROT_EXEC, 0));
			break;
		case SB_FDEMPTY:
			rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nr, 2,
			    sb_cmp(0, SCMP_CMP_LE, INT_MAX, 0),
			    sb_cmp(3, SCMP_CMP_EQ, AT_EMPTY_PATH, 0));
			break;
		case SB_SELF:
			rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nr, 2,
			    sb_cmp(0, SCMP_CMP_EQ, (scmp_datum_t)self, 0),
			    sb_cmp(1, SCMP_CMP_EQ, (scmp_datum_t)self, 0));
			break;
		case SB_ANY:
		case SB_SAN:
			rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nr, 0);
			break;
		}
		if (rc < 0) {
			step = "seccomp_rule_add";
			goto done;
		}
	}
	if ((rc = seccomp_load(ctx)) < 0)
		step = "seccomp_load";
done:
	seccomp_release(ctx);
	if (step != NULL)
		return sb_fail(step, -rc);
	return 0;
}

/* sandbox_enter - confine this process for good */
int
sandbox_enter(const struct sandbox_opts *so)
{
	const char	*root, *user;
	uid_t		 uid = 0;
	gid_t		 gid = 0;
	int		 priv;

	sb_failed = NULL;
	if (so == NULL || (so->flags & ~(SANDBOX_UNPRIV | SANDBOX_LOG |
	    SANDBOX_TRAP)) != 0)
		return sb_fail("options", EINVAL);
	/* fail before any step that cannot be undone */
	if (!sandbox_available())
		return sb_fail("seccomp unavailable", ENOSYS);
	if (sb_prepare() == -1)
		return -1;
	root = so->root != NULL ? so->root : SANDBOX_ROOT;
	user = so->user != NULL ? so->user : SANDBOX_USER;
	priv = geteuid() == 0;
	if (!priv && !(so->flags & SANDBOX_UNPRIV))
		return sb_fail("not root", EPERM);
	if (priv) {
		if (sb_user(user, &uid, &gid) == -1 ||
		    sb_checkroot(root) == -1 ||
		    sb_chroot(root) == -1 ||
		    sb_setuser(uid, gid) == -1)
			return -1;
	}
	if (sb_rlimits(so) == -1)
		return -1;
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == -1)
		return sb_fail("prctl(NO_NEW_PRIVS)", errno);
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) == -1)
		return sb_fail("prctl(DUMPABLE)", errno);
	if (sb_filter(so->flags & (SANDBOX_LOG | SANDBOX_TRAP)) == -1)
		return -1;
#if SANDBOX_SAN
	sb_confined = 1;
#endif
	return 0;
}
