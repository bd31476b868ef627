/*
 * test_sandbox.c - unit tests for workers/sandbox.c
 *
 * Every test forks: the child enters the sandbox (as root with a chroot
 * to an empty directory from mkdtemp(3) and the user "nobody"; otherwise
 * with SANDBOX_UNPRIV, so without them) and the parent asserts on its
 * wait status.  The child never uses cmocka: it reports by its exit code
 * or dies by a signal.  First the scan pipeline must work inside: a zip
 * (member times, a hash signature), a tar.gz, a 7-Zip archive (UTF-16
 * member names: iconv) and a MIME message (RFC 2047 words) must
 * give their detections.  The zip and tar.gz are made by a separate
 * child, so that this process never touches libarchive, iconv or
 * libcrypto before a sandboxed child does: what sandbox_enter() prepares
 * is tested cold.
 * Then each forbidden operation in its own child, each of which must die
 * by the signal of its row (SIGSYS for the seccomp filter, SIGXFSZ for
 * RLIMIT_FSIZE), and a few allowed ones that must succeed; the state of
 * a confined child as /proc shows it; and the refusals that come before
 * any step.  Skipped with a message when the kernel has no seccomp.
 *
 * Sanitizer builds (SAN=1): sandbox.c then allows sigaltstack (ASan
 * calls it before _exit) and sets no RLIMIT_AS, so every row runs except
 * the address-space one, which is skipped with a message.
 */
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <archive.h>
#include <archive_entry.h>

#include "av/verdict.h"
#include "shm/sigmap.h"
#include "signatures/cset.h"
#include "signatures/sigsrc.h"
#include "workers/pipeline.h"
#include "workers/sandbox.h"

#if defined(__SANITIZE_ADDRESS__)
#define SAN_BUILD	1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SAN_BUILD	1
#endif
#endif
#ifndef SAN_BUILD
#define SAN_BUILD	0
#endif

#define nitems(a)	(sizeof(a) / sizeof((a)[0]))
#define MARK		"VIGIL-UNIT-MARKER-0123456789"
#define HASHED		"VIGIL-SANDBOX-HASHED-CONTENT"
#define HASHED_MD5	"d39649e3f39c21fab50face8d18682bc"
#define NOSANDBOX	99	/* child exit: sandbox_enter() failed */
#define FIXCAP		(1 << 20)

/* the archives, made by mkfixtures() in a shared mapping */
enum fix {
	FIX_ZIP,
	FIX_TGZ,
	FIX_N
};
struct fixtures {
	size_t		 len[FIX_N];
	size_t		 off[FIX_N];
	uint8_t		 data[];
};

/* everything a test needs, made once */
static struct env {
	int		 seccomp;	/* sandbox_available() */
	int		 root;
	char		 dir[64];	/* the chroot, when root */
	struct cset	*cs;
	uint8_t		*img;
	size_t		 size;
	struct sigmap	 sm;
	const struct vmod_view *views[1];
	struct pipeline	*pl;
	struct fixtures	*fx;
	pid_t		 parent;
	int		 filefd;	/* a regular file, open for writing */
	int		 sock[2];	/* a socketpair, for the worker shape */
} env;

static const char mail[] =
    "From: a@example.org\r\n"
    "To: b@example.org\r\n"
    "Subject: =?ISO-8859-1?Q?caf=E9?=\r\n"
    "MIME-Version: 1.0\r\n"
    "Content-Type: multipart/mixed; boundary=\"XX\"\r\n"
    "\r\n"
    "--XX\r\n"
    "Content-Type: text/plain; charset=utf-8\r\n"
    "\r\n"
    "Please find attached.\r\n"
    "--XX\r\n"
    "Content-Type: application/octet-stream\r\n"
    "Content-Disposition: attachment;\r\n"
    " filename=\"=?UTF-8?B?ZsOkY3R1cmUuZXhl?=\"\r\n"
    "Content-Transfer-Encoding: base64\r\n"
    "\r\n"
    "VklHSUwtVU5JVC1NQVJLRVItMDEyMzQ1Njc4OQ==\r\n"
    "--XX--\r\n";

/*
 * A 7-Zip archive (stored) of one member, evil.txt, holding MARK: made
 * once with p7zip's "7z a -m0=Copy" and pasted here, as libarchive 3.6's
 * own 7-Zip writer made one its reader calls damaged.  7-Zip names are
 * UTF-16LE, which libarchive converts with iconv.
 */
static const uint8_t sevenzip[] = {
	0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c, 0x00, 0x04, 0xf9, 0x41, 0x49, 0xa6,
	0x23, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x4a, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0xc8, 0x30, 0xa4, 0xc0, 0x56, 0x49, 0x47, 0x49,
	0x4c, 0x2d, 0x55, 0x4e, 0x49, 0x54, 0x2d, 0x4d, 0x41, 0x52, 0x4b, 0x45,
	0x52, 0x2d, 0x30, 0x31, 0x32, 0x33, 0x34, 0x35, 0x36, 0x37, 0x38, 0x39,
	0x20, 0x69, 0x6e, 0x20, 0x37, 0x7a, 0x0a, 0x01, 0x04, 0x06, 0x00, 0x01,
	0x09, 0x23, 0x00, 0x07, 0x0b, 0x01, 0x00, 0x01, 0x01, 0x00, 0x0c, 0x23,
	0x00, 0x08, 0x0a, 0x01, 0xad, 0x04, 0xbb, 0x3d, 0x00, 0x00, 0x05, 0x01,
	0x11, 0x13, 0x00, 0x65, 0x00, 0x76, 0x00, 0x69, 0x00, 0x6c, 0x00, 0x2e,
	0x00, 0x74, 0x00, 0x78, 0x00, 0x74, 0x00, 0x00, 0x00, 0x19, 0x00, 0x14,
	0x0a, 0x01, 0x00, 0xe3, 0x9b, 0xff, 0x72, 0xe8, 0x85, 0xdd, 0x01, 0x15,
	0x06, 0x01, 0x00, 0x20, 0x80, 0xa4, 0x81, 0x00, 0x00,
};

/* a scan in the sandbox: the input and the object that must be found */
static const struct scase {
	const char	*name;
	int		 fix;		/* enum fix; -1 the mail, -2 the 7z */
	const char	*path;		/* the infected object (fnmatch) */
	const char	*sig;
} scases[] = {
	{ "z.zip", FIX_ZIP, "z.zip/evil.txt", "Test.Mark" },
	{ "z.zip", FIX_ZIP, "z.zip/hashed.bin", "Test.Hash" },
	{ "t.tar.gz", FIX_TGZ, "t.tar.gz/evil.txt", "Test.Mark" },
	{ "u.7z", -2, "u.7z/evil.txt", "Test.Mark" },
	{ "m.eml", -1, "m.eml/2:f\xc3\xa4" "cture.exe", "Test.Mark" },
};

static int	 group_setup(void **);
static int	 group_teardown(void **);
static void	 mkfixtures(void);
static int	 in_sandbox(void (*)(void), const struct sandbox_opts *);
static void	 opts(struct sandbox_opts *);
static void	 need_seccomp(void);
static const char *status_str(int, char *, size_t);
static void	 proc_line(pid_t, const char *, const char *, char *, size_t);

/* the child side of the rows */
static void	 c_scan(void);
static void	 c_open(void);
static void	 c_open_raw(void);
static void	 c_creat(void);
static void	 c_stat(void);
static void	 c_fsize(void);
static void	 c_socket(void);
static void	 c_execve(void);
static void	 c_fork(void);
static void	 c_clone3(void);
static void	 c_mmapx(void);
static void	 c_mprotx(void);
static void	 c_kill(void);
static void	 c_tgkill(void);
static void	 c_ptrace(void);
static void	 c_setuid(void);
static void	 c_abort(void);
static void	 c_alarm(void);
static void	 c_as(void);
static void	 c_fdio(void);
static void	 c_worker(void);
static void	 c_wait(void);
static void	 c_refuse(void);

/* a forbidden or allowed operation and how its child must end */
static const struct kcase {
	const char	*name;
	void		(*fn)(void);
	int		 sig;		/* the killing signal, 0: exit 0 */
	int		 nosan;		/* skipped in sanitizer builds */
} kcases[] = {
	{ "open(/etc/passwd)", c_open, SIGSYS, 0 },
	{ "open by raw syscall", c_open_raw, SIGSYS, 0 },
	{ "creat a new file", c_creat, SIGSYS, 0 },
	{ "stat by path", c_stat, SIGSYS, 0 },
	{ "write to an inherited regular file", c_fsize, SIGXFSZ, 0 },
	{ "socket", c_socket, SIGSYS, 0 },
	{ "execve", c_execve, SIGSYS, 0 },
	{ "fork", c_fork, SIGSYS, 0 },
	{ "clone3", c_clone3, SIGSYS, 0 },
	{ "mmap PROT_EXEC", c_mmapx, SIGSYS, 0 },
	{ "mprotect PROT_EXEC", c_mprotx, SIGSYS, 0 },
	{ "kill(parent, 0)", c_kill, SIGSYS, 0 },
	{ "tgkill(parent)", c_tgkill, SIGSYS, 0 },
	{ "ptrace", c_ptrace, SIGSYS, 0 },
	{ "setuid", c_setuid, SIGSYS, 0 },
	{ "abort (tgkill to self)", c_abort, SIGABRT, 0 },
	{ "alarm backstop", c_alarm, SIGALRM, 0 },
	{ "address space capped", c_as, 0, 1 },
	{ "fstat, pread, lseek, mmap, close", c_fdio, 0, 0 },
	{ "worker shape: recvmsg fd, poll, sendmsg", c_worker, 0, 0 },
};

/* status_str - a wait status in words */
static const char *
status_str(int st, char *out, size_t n)
{
	if (WIFEXITED(st))
		snprintf(out, n, "exit %d", WEXITSTATUS(st));
	else if (WIFSIGNALED(st))
		snprintf(out, n, "signal %d (%s)", WTERMSIG(st),
		    strsignal(WTERMSIG(st)));
	else
		snprintf(out, n, "status 0x%x", st);
	return out;
}

/* opts - the sandbox of these tests */
static void
opts(struct sandbox_opts *so)
{
	memset(so, 0, sizeof(*so));
	if (env.root) {
		so->root = env.dir;
		so->user = "nobody";
	} else
		so->flags = SANDBOX_UNPRIV;
}

/* need_seccomp - skip when the kernel cannot filter */
static void
need_seccomp(void)
{
	if (!env.seccomp) {
		print_message("# seccomp unavailable in this kernel or "
		    "container (prctl PR_GET_SECCOMP / seccomp_api_get): "
		    "skipped\n");
		skip();
	}
}

/*
 * in_sandbox - fork; the child enters the sandbox of so, runs fn and
 * exits 0 (NOSANDBOX if sandbox_enter fails); the wait status
 */
static int
in_sandbox(void (*fn)(void), const struct sandbox_opts *so)
{
	pid_t	 pid;
	int	 st;

	fflush(stdout);
	fflush(stderr);
	assert_true((pid = fork()) != -1);
	if (pid == 0) {
		if (sandbox_enter(so) == -1)
			_exit(NOSANDBOX);
		fn();
		_exit(0);
	}
	assert_int_equal(waitpid(pid, &st, 0), pid);
	return st;
}

/*
 * mkfixtures - the archives, written by a child into a shared mapping so
 * that this process never initialises libarchive, iconv or the time zone
 * before the sandboxed children do
 */
static void
mkfixtures(void)
{
	static const struct {
		int		 format, filter;
		const char	*names[2];
		const char	*data[2];
	} arcs[FIX_N] = {
		{ ARCHIVE_FORMAT_ZIP, ARCHIVE_FILTER_NONE,
		    { "evil.txt", "hashed.bin" },
		    { "xx " MARK " yy", HASHED } },
		{ ARCHIVE_FORMAT_TAR_PAX_RESTRICTED, ARCHIVE_FILTER_GZIP,
		    { "evil.txt", NULL }, { "zz " MARK, NULL } },
	};
	struct archive		*a;
	struct archive_entry	*e;
	struct fixtures		*fx;
	size_t			 at = 0, used;
	pid_t			 pid;
	int			 i, j, st;

	fx = mmap(NULL, FIXCAP, PROT_READ | PROT_WRITE,
	    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	assert_true(fx != MAP_FAILED);
	assert_true((pid = fork()) != -1);
	if (pid == 0) {
		for (i = 0; i < FIX_N; i++) {
			if ((a = archive_write_new()) == NULL ||
			    archive_write_set_format(a, arcs[i].format) ||
			    (arcs[i].filter != ARCHIVE_FILTER_NONE &&
			    archive_write_add_filter(a, arcs[i].filter)) ||
			    archive_write_set_bytes_in_last_block(a, 1) ||
			    archive_write_open_memory(a, fx->data + at,
			    FIXCAP - sizeof(*fx) - at, &used))
				_exit(1);
			for (j = 0; j < 2 && arcs[i].names[j] != NULL; j++) {
				if ((e = archive_entry_new()) == NULL)
					_exit(2);
				archive_entry_set_pathname(e,
				    arcs[i].names[j]);
				archive_entry_set_filetype(e, AE_IFREG);
				archive_entry_set_perm(e, 0644);
				archive_entry_set_mtime(e, 1700000000, 0);
				archive_entry_set_size(e,
				    (la_int64_t)strlen(arcs[i].data[j]));
				if (archive_write_header(a, e) != ARCHIVE_OK ||
				    archive_write_data(a, arcs[i].data[j],
				    strlen(arcs[i].data[j])) !=
				    (la_ssize_t)strlen(arcs[i].data[j]))
					_exit(3);
				archive_entry_free(e);
			}
			if (archive_write_close(a) != ARCHIVE_OK)
				_exit(4);
			archive_write_free(a);
			fx->off[i] = at;
			fx->len[i] = used;
			at += used;
		}
		_exit(0);
	}
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 0);
	env.fx = fx;
}

/* group_setup - signatures, fixtures, the chroot directory */
static int
group_setup(void **state)
{
	char		 ndb[256], hdb[128], tmpl[] = "/tmp/vigil-sbxf-XXXXXX";
	const char	*m;
	size_t		 i;

	(void)state;
	memset(&env, 0, sizeof(env));
	env.seccomp = sandbox_available();
	env.root = geteuid() == 0;
	env.parent = getpid();
	if (env.root) {
		if (getpwnam("nobody") == NULL) {
			print_message("# no user \"nobody\": running as root "
			    "needs one to drop to\n");
			return -1;
		}
		strcpy(env.dir, "/tmp/vigil-sbx-XXXXXX");
		if (mkdtemp(env.dir) == NULL)
			return -1;
	}
	/* Test.Mark anywhere; Test.Hash: the MD5 of a member (libcrypto) */
	strcpy(ndb, "Test.Mark:0:*:");
	for (m = MARK, i = strlen(ndb); *m != '\0'; m++, i += 2)
		snprintf(ndb + i, sizeof(ndb) - i, "%02x", (unsigned char)*m);
	strcat(ndb, "\n");
	snprintf(hdb, sizeof(hdb), "%s:%zu:Test.Hash\n", HASHED_MD5,
	    strlen(HASHED));
	if ((env.cs = cset_new(NULL)) == NULL ||
	    sigsrc_load_buffer(env.cs, "t.ndb", (const uint8_t *)ndb,
	    strlen(ndb)) != 0 ||
	    sigsrc_load_buffer(env.cs, "t.hdb", (const uint8_t *)hdb,
	    strlen(hdb)) != 0 ||
	    cset_build(env.cs, 1, "t", &env.img, &env.size) != 0 ||
	    sigmap_openmem(&env.sm, env.img, env.size, 1) != 0)
		return -1;
	env.views[0] = &env.sm.view;
	if ((env.pl = pipeline_new(env.views, 1)) == NULL)
		return -1;
	mkfixtures();
	/* a regular file the children inherit, to write to */
	if ((env.filefd = mkstemp(tmpl)) == -1)
		return -1;
	unlink(tmpl);
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, env.sock) == -1)
		return -1;
	return 0;
}

/* group_teardown - release what group_setup made */
static int
group_teardown(void **state)
{
	(void)state;
	close(env.sock[0]);
	close(env.sock[1]);
	close(env.filefd);
	munmap(env.fx, FIXCAP);
	pipeline_free(env.pl);
	sigmap_close(&env.sm);
	free(env.img);
	cset_free(env.cs);
	if (env.root)
		rmdir(env.dir);
	return 0;
}

/*
 * c_scan - every scan row in the sandbox; exit 10 + the row that failed,
 * 9 when pipeline_run() itself failed
 */
static void
c_scan(void)
{
	const struct scase	*c;
	struct verdict		 v;
	const uint8_t		*p;
	size_t			 i, len;
	uint32_t		 k, h;
	int			 found;

	verdict_init(&v);
	for (i = 0; i < nitems(scases); i++) {
		c = &scases[i];
		if (c->fix == -1) {
			p = (const uint8_t *)mail;
			len = sizeof(mail) - 1;
		} else if (c->fix == -2) {
			p = sevenzip;
			len = sizeof(sevenzip);
		} else {
			p = env.fx->data + env.fx->off[c->fix];
			len = env.fx->len[c->fix];
		}
		if (pipeline_run(env.pl, p, len, c->name, NULL, MATCH_ALL,
		    &v) != 0)
			_exit(9);
		found = 0;
		for (k = 0; k < v.nobj; k++) {
			if (fnmatch(c->path, verdict_path(&v, k), 0) != 0 ||
			    v.obj[k].status != AV_INFECTED)
				continue;
			for (h = 0; h < v.obj[k].nhits; h++)
				if (strcmp(verdict_name(&v,
				    verdict_hit(&v, k, h)), c->sig) == 0)
					found = 1;
		}
		if (!found)
			_exit(10 + (int)i);
	}
	verdict_free(&v);
}

static void
c_open(void)
{
	(void)open("/etc/passwd", O_RDONLY);
}

static void
c_open_raw(void)
{
#ifdef SYS_open
	(void)syscall(SYS_open, "/etc/passwd", O_RDONLY);
#else
	(void)syscall(SYS_openat, AT_FDCWD, "/etc/passwd", O_RDONLY);
#endif
}

static void
c_creat(void)
{
	(void)open("new-file", O_WRONLY | O_CREAT | O_EXCL, 0600);
}

static void
c_stat(void)
{
	struct stat	 st;

	(void)stat("/etc/passwd", &st);
}

static void
c_fsize(void)
{
	if (write(env.filefd, "x", 1) == 1)
		_exit(1);
}

static void
c_socket(void)
{
	(void)socket(AF_INET, SOCK_STREAM, 0);
}

static void
c_execve(void)
{
	char *const	 argv[] = { "true", NULL };

	(void)execve("/bin/true", argv, argv + 1);
}

static void
c_fork(void)
{
	if (fork() == 0)
		_exit(0);
}

static void
c_clone3(void)
{
#ifdef SYS_clone3
	(void)syscall(SYS_clone3, NULL, 0);
#else
	(void)syscall(SYS_clone, SIGCHLD, 0, 0, 0, 0);
#endif
}

static void
c_mmapx(void)
{
	(void)mmap(NULL, 4096, PROT_READ | PROT_EXEC,
	    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
}

static void
c_mprotx(void)
{
	void	*p;

	p = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		_exit(1);
	(void)mprotect(p, 4096, PROT_READ | PROT_EXEC);
}

static void
c_kill(void)
{
	(void)kill(env.parent, 0);
}

static void
c_tgkill(void)
{
	(void)syscall(SYS_tgkill, env.parent, env.parent, 0);
}

static void
c_ptrace(void)
{
	(void)ptrace(PTRACE_TRACEME, 0, NULL, NULL);
}

static void
c_setuid(void)
{
	if (setuid(0) == 0)
		_exit(1);
}

static void
c_abort(void)
{
	abort();
}

/* c_alarm - alarm() is allowed and its SIGALRM ends a runaway scan */
static void
c_alarm(void)
{
	struct timespec	 t0, t;

	alarm(1);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	do
		clock_gettime(CLOCK_MONOTONIC, &t);
	while (t.tv_sec - t0.tv_sec < 5);
	_exit(1);
}

/* c_as - 3 GiB cannot be had under the 2 GiB default */
static void
c_as(void)
{
	void	*p;

	p = mmap(NULL, (size_t)3 << 30, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (p != MAP_FAILED)
		_exit(1);
	if (errno != ENOMEM)
		_exit(2);
}

/* c_fdio - what a worker does with a job descriptor it holds */
static void
c_fdio(void)
{
	struct stat	 st;
	char		 b[4];
	void		*p;

	if (fstat(env.filefd, &st) == -1 || !S_ISREG(st.st_mode))
		_exit(1);
	if (lseek(env.filefd, 0, SEEK_SET) != 0)
		_exit(2);
	if (pread(env.filefd, b, sizeof(b), 0) != 0)	/* empty file */
		_exit(3);
	p = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, env.filefd, 0);
	if (p == MAP_FAILED)
		_exit(4);
	if (munmap(p, 4096) == -1)
		_exit(5);
	if (close(env.filefd) == -1)
		_exit(6);
}

/*
 * c_worker - the worker's side of a job: a descriptor arrives with
 * recvmsg (SCM_RIGHTS), is mapped and scanned, the answer goes back with
 * sendmsg
 */
static void
c_worker(void)
{
	union {
		struct cmsghdr	 h;
		char		 b[CMSG_SPACE(sizeof(int))];
	}			 cm;
	struct msghdr		 mh;
	struct cmsghdr		*c;
	struct iovec		 iov;
	struct pollfd		 pfd;
	struct stat		 st;
	struct verdict		 v;
	uint8_t			*p;
	char			 byte;
	int			 fd;

	pfd.fd = env.sock[1];
	pfd.events = POLLIN;
	if (poll(&pfd, 1, 5000) != 1)
		_exit(1);
	memset(&mh, 0, sizeof(mh));
	iov.iov_base = &byte;
	iov.iov_len = 1;
	mh.msg_iov = &iov;
	mh.msg_iovlen = 1;
	mh.msg_control = cm.b;
	mh.msg_controllen = sizeof(cm.b);
	if (recvmsg(env.sock[1], &mh, MSG_CMSG_CLOEXEC) != 1)
		_exit(2);
	if ((c = CMSG_FIRSTHDR(&mh)) == NULL || c->cmsg_type != SCM_RIGHTS)
		_exit(3);
	memcpy(&fd, CMSG_DATA(c), sizeof(fd));
	if (fstat(fd, &st) == -1 || st.st_size <= 0)
		_exit(4);
	p = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	if (p == MAP_FAILED)
		_exit(5);
	verdict_init(&v);
	if (pipeline_run(env.pl, p, (size_t)st.st_size, "job", NULL, 0,
	    &v) != 0)
		_exit(6);
	byte = (char)v.status;
	iov.iov_base = &byte;
	mh.msg_control = NULL;
	mh.msg_controllen = 0;
	if (sendmsg(env.sock[1], &mh, MSG_NOSIGNAL) != 1)
		_exit(7);
	verdict_free(&v);
	munmap(p, (size_t)st.st_size);
	close(fd);
}

/* c_wait - tell the parent we are confined, wait for its word */
static void
c_wait(void)
{
	char	 b = 'r';

	if (write(env.sock[1], &b, 1) != 1 || read(env.sock[1], &b, 1) != 1)
		_exit(1);
}

/* test_scan - the pipeline works inside: archives, names, hashes, mail */
static void
test_scan(void **state)
{
	struct sandbox_opts	 so;
	char			 s[64];
	int			 st;

	(void)state;
	need_seccomp();
	opts(&so);
	st = in_sandbox(c_scan, &so);
	if (WIFEXITED(st) && WEXITSTATUS(st) >= 10 &&
	    WEXITSTATUS(st) < 10 + (int)nitems(scases))
		fail_msg("in the sandbox: %s: no %s",
		    scases[WEXITSTATUS(st) - 10].path,
		    scases[WEXITSTATUS(st) - 10].sig);
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
		fail_msg("scanning child: %s", status_str(st, s, sizeof(s)));
}

/* test_calls - each row in its own child, dying as the row says */
static void
test_calls(void **state)
{
	const struct kcase	*k;
	struct sandbox_opts	 so;
	char			 s[64];
	size_t			 i;
	int			 st, bad = 0;

	(void)state;
	need_seccomp();
	opts(&so);
	for (i = 0; i < nitems(kcases); i++) {
		k = &kcases[i];
		if (k->nosan && SAN_BUILD) {
			print_message("# %s: skipped in sanitizer builds (no "
			    "RLIMIT_AS under ASan)\n", k->name);
			continue;
		}
		if (k->fn == c_worker) {
			/* the supervisor's side: a job descriptor */
			int	 fd;
			pid_t	 pid;
			char	 byte = 'j', cbuf[CMSG_SPACE(sizeof(int))];
			struct msghdr	 mh;
			struct cmsghdr	*c;
			struct iovec	 iov;
			char		 tmpl[] = "/tmp/vigil-sbxj-XXXXXX";

			assert_true((fd = mkstemp(tmpl)) != -1);
			unlink(tmpl);
			assert_int_equal(write(fd, mail, sizeof(mail) - 1),
			    (ssize_t)sizeof(mail) - 1);
			fflush(stdout);
			assert_true((pid = fork()) != -1);
			if (pid == 0) {
				close(fd);
				if (sandbox_enter(&so) == -1)
					_exit(NOSANDBOX);
				c_worker();
				_exit(0);
			}
			memset(&mh, 0, sizeof(mh));
			memset(cbuf, 0, sizeof(cbuf));
			iov.iov_base = &byte;
			iov.iov_len = 1;
			mh.msg_iov = &iov;
			mh.msg_iovlen = 1;
			mh.msg_control = cbuf;
			mh.msg_controllen = sizeof(cbuf);
			c = CMSG_FIRSTHDR(&mh);
			c->cmsg_level = SOL_SOCKET;
			c->cmsg_type = SCM_RIGHTS;
			c->cmsg_len = CMSG_LEN(sizeof(int));
			memcpy(CMSG_DATA(c), &fd, sizeof(fd));
			assert_int_equal(sendmsg(env.sock[0], &mh, 0), 1);
			close(fd);
			assert_int_equal(waitpid(pid, &st, 0), pid);
			if (WIFEXITED(st) && WEXITSTATUS(st) == 0) {
				assert_int_equal(read(env.sock[0], &byte, 1),
				    1);
				assert_int_equal(byte, AV_INFECTED);
			}
		} else
			st = in_sandbox(k->fn, &so);
		if (k->sig != 0 ? WIFSIGNALED(st) && WTERMSIG(st) == k->sig :
		    WIFEXITED(st) && WEXITSTATUS(st) == 0) {
			print_message("# ok: %s: %s\n", k->name,
			    status_str(st, s, sizeof(s)));
			continue;
		}
		print_message("# FAIL: %s: %s, want %s\n", k->name,
		    status_str(st, s, sizeof(s)),
		    k->sig != 0 ? strsignal(k->sig) : "exit 0");
		bad++;
	}
	assert_int_equal(bad, 0);
}

/* proc_line - the value of "key:" in /proc/pid/file, or "" */
static void
proc_line(pid_t pid, const char *file, const char *key, char *out,
    size_t n)
{
	char	 path[64], line[256];
	FILE	*f;
	size_t	 kl = strlen(key);

	out[0] = '\0';
	snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, file);
	assert_non_null(f = fopen(path, "r"));
	while (fgets(line, sizeof(line), f) != NULL)
		if (strncmp(line, key, kl) == 0) {
			snprintf(out, n, "%s", line + kl +
			    strspn(line + kl, " \t:"));
			out[strcspn(out, "\n")] = '\0';
			break;
		}
	fclose(f);
}

/* test_state - a confined child as /proc shows it */
static void
test_state(void **state)
{
	static const struct {
		const char	*key;
		const char	*want;
	} limits[] = {
		{ "Max processes", "0                    0" },
		{ "Max file size", "0                    0" },
		{ "Max open files", "16                   16" },
		{ "Max core file size", "0                    0" },
		{ "Max cpu time", "3600                 3601" },
	};
	struct sandbox_opts	 so;
	struct passwd		*pw;
	char			 v[256], want[128], link[256];
	pid_t			 pid;
	ssize_t			 n;
	size_t			 i;
	int			 st;
	char			 b;

	(void)state;
	need_seccomp();
	opts(&so);
	fflush(stdout);
	assert_true((pid = fork()) != -1);
	if (pid == 0) {
		if (sandbox_enter(&so) == -1)
			_exit(NOSANDBOX);
		c_wait();
		_exit(0);
	}
	if (read(env.sock[0], &b, 1) != 1) {
		assert_int_equal(waitpid(pid, &st, 0), pid);
		fail_msg("child: %s", status_str(st, v, sizeof(v)));
	}
	proc_line(pid, "status", "Seccomp:", v, sizeof(v));
	assert_string_equal(v, "2");
	proc_line(pid, "status", "NoNewPrivs:", v, sizeof(v));
	assert_string_equal(v, "1");
	for (i = 0; i < nitems(limits); i++) {
		proc_line(pid, "limits", limits[i].key, v, sizeof(v));
		if (strncmp(v, limits[i].want, strlen(limits[i].want)) != 0)
			fail_msg("%s: \"%s\", want \"%s\"", limits[i].key, v,
			    limits[i].want);
	}
	proc_line(pid, "limits", "Max address space", v, sizeof(v));
	if (SAN_BUILD)
		print_message("# Max address space %s (not capped under "
		    "ASan)\n", v);
	else
		assert_memory_equal(v, "2147483648", 10);
	if (env.root) {
		assert_non_null(pw = getpwnam("nobody"));
		snprintf(want, sizeof(want), "%u\t%u\t%u\t%u",
		    (unsigned)pw->pw_uid, (unsigned)pw->pw_uid,
		    (unsigned)pw->pw_uid, (unsigned)pw->pw_uid);
		proc_line(pid, "status", "Uid:", v, sizeof(v));
		assert_string_equal(v, want);
		snprintf(want, sizeof(want), "%u\t%u\t%u\t%u",
		    (unsigned)pw->pw_gid, (unsigned)pw->pw_gid,
		    (unsigned)pw->pw_gid, (unsigned)pw->pw_gid);
		proc_line(pid, "status", "Gid:", v, sizeof(v));
		assert_string_equal(v, want);
		snprintf(want, sizeof(want), "%u", (unsigned)pw->pw_gid);
		proc_line(pid, "status", "Groups:", v, sizeof(v));
		v[strcspn(v, " ")] = '\0';
		assert_string_equal(v, want);
		snprintf(v, sizeof(v), "/proc/%d/root", (int)pid);
		assert_true((n = readlink(v, link, sizeof(link) - 1)) > 0);
		link[n] = '\0';
		assert_string_equal(link, env.dir);
	} else
		print_message("# not root: chroot and user not checked\n");
	assert_int_equal(write(env.sock[0], "g", 1), 1);
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 0);
}

/* a refusal: sandbox_enter() fails before any step, with this errno */
static const struct rcase {
	const char	*name;
	int		 root;		/* 1: only as root, 0: only not */
	const char	*dir;		/* chroot: NULL the test's, else a
					   subdirectory of it to make */
	mode_t		 mode;
	int		 file;		/* put a file in dir */
	const char	*user;
	unsigned	 flags;
	int		 null;		/* pass NULL */
	int		 want;		/* errno */
} rcases[] = {
	{ "unknown user", 1, NULL, 0, 0, "vigil-no-such-user", 0, 0,
	    ENOENT },
	{ "user root", 1, NULL, 0, 0, "root", 0, 0, EPERM },
	{ "no such directory", 1, "missing", 0, 0, "nobody", 0, 0, ENOENT },
	{ "directory not empty", 1, "full", 0755, 1, "nobody", 0, 0,
	    ENOTEMPTY },
	{ "directory writable by others", 1, "open", 01777, 0, "nobody", 0,
	    0, EPERM },
	{ "not root without SANDBOX_UNPRIV", 0, NULL, 0, 0, NULL, 0, 0,
	    EPERM },
	{ "unknown flag", -1, NULL, 0, 0, NULL, 0x80, 0, EINVAL },
	{ "no options", -1, NULL, 0, 0, NULL, 0, 1, EINVAL },
};
static const struct rcase	*rcase;
static struct sandbox_opts	 rcase_opts;

/* c_refuse - exit 0 when sandbox_enter() fails as the row says */
static void
c_refuse(void)
{
	uid_t	 uid = geteuid();

	if (sandbox_enter(rcase->null ? NULL : &rcase_opts) != -1)
		_exit(1);
	if (errno != rcase->want)
		_exit(2);
	/* nothing irreversible happened: same user, no filter */
	if (geteuid() != uid || prctl(PR_GET_SECCOMP, 0, 0, 0, 0) != 0)
		_exit(3);
	_exit(0);
}

/* test_refuse - what sandbox_enter() refuses, before any step */
static void
test_refuse(void **state)
{
	char		 path[128], file[160], s[64];
	size_t		 i;
	pid_t		 pid;
	int		 st, fd;

	(void)state;
	need_seccomp();
	for (i = 0; i < nitems(rcases); i++) {
		rcase = &rcases[i];
		if (rcase->root != -1 && rcase->root != env.root)
			continue;
		memset(&rcase_opts, 0, sizeof(rcase_opts));
		rcase_opts.root = env.root ? env.dir : NULL;
		rcase_opts.user = rcase->user;
		rcase_opts.flags = rcase->flags;
		path[0] = '\0';
		if (rcase->dir != NULL) {
			snprintf(path, sizeof(path), "%s.%s", env.dir,
			    rcase->dir);
			rcase_opts.root = path;
			if (rcase->mode != 0) {
				assert_int_equal(mkdir(path, 0700), 0);
				assert_int_equal(chmod(path, rcase->mode), 0);
			}
			if (rcase->file) {
				snprintf(file, sizeof(file), "%s/f", path);
				assert_true((fd = open(file, O_WRONLY |
				    O_CREAT, 0600)) != -1);
				close(fd);
			}
		}
		fflush(stdout);
		assert_true((pid = fork()) != -1);
		if (pid == 0)
			c_refuse();
		assert_int_equal(waitpid(pid, &st, 0), pid);
		if (rcase->file)
			unlink(file);
		if (rcase->mode != 0)
			rmdir(path);
		if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
			fail_msg("%s: %s (2: wrong errno, want %s)",
			    rcase->name, status_str(st, s, sizeof(s)),
			    strerror(rcase->want));
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_scan),
		cmocka_unit_test(test_calls),
		cmocka_unit_test(test_state),
		cmocka_unit_test(test_refuse),
	};

	return cmocka_run_group_tests_name("sandbox", tests, group_setup,
	    group_teardown);
}
