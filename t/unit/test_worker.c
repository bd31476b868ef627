/*
 * test_worker.c - unit tests for workers/worker.c
 *
 * The test plays the supervisor: it compiles a few signatures into a
 * module in a memfd, forks a child that runs worker_main() over one end of
 * a socketpair, and talks to it with util/msg.h and av/wire.h.  The child
 * enters the real sandbox (as root: an empty mkdtemp directory and the
 * user nobody; otherwise SANDBOX_UNPRIV), so these tests also show that a
 * sandboxed worker can do its whole job.  Each case checks the replies and
 * the child's exit status.
 */
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "av/exitcodes.h"
#include "av/msgtypes.h"
#include "av/verdict.h"
#include "av/wire.h"
#include "signatures/cset.h"
#include "signatures/sigsrc.h"
#include "util/msg.h"
#include "workers/pipeline.h"
#include "workers/worker.h"

#define MARK	"VIGIL-WORKER-MARKER-0123456789"
#define SERIAL	4242

/* a running worker, seen from the supervisor's side */
struct child {
	pid_t		 pid;
	int		 sock;
	struct msgbuf	 mb;
};

static int	 modfd = -1;
static char	 rootdir[64];
static struct sandbox_opts so;

/* memfd_with - a memfd holding n bytes of p */
static int
memfd_with(const void *p, size_t n)
{
	int	 fd;

	assert_true((fd = memfd_create("t", MFD_CLOEXEC)) != -1);
	assert_int_equal(write(fd, p, n), (ssize_t)n);
	return fd;
}

/* group_setup - the module, and where the sandbox goes */
static int
group_setup(void **state)
{
	static const char	 ndb[] = "Test.Mark:0:*:"
	    "564947494c2d574f524b45522d4d41524b45522d30313233343536373839\n";
	struct cset		*cs;
	uint8_t			*img;
	size_t			 size;

	(void)state;
	if ((cs = cset_new(NULL)) == NULL ||
	    sigsrc_load_buffer(cs, "t.ndb", (const uint8_t *)ndb,
	    sizeof(ndb) - 1) == -1 ||
	    cset_build(cs, SERIAL, "t", &img, &size) == -1)
		return -1;
	cset_free(cs);
	modfd = memfd_with(img, size);
	free(img);
	memset(&so, 0, sizeof(so));
	if (geteuid() == 0) {
		snprintf(rootdir, sizeof(rootdir), "/tmp/vigil-wk.XXXXXX");
		if (mkdtemp(rootdir) == NULL)
			return -1;
		so.root = rootdir;
		so.user = "nobody";
	} else
		so.flags = SANDBOX_UNPRIV;
	return 0;
}

/* group_teardown - remove the sandbox directory */
static int
group_teardown(void **state)
{
	(void)state;
	if (rootdir[0] != '\0')
		rmdir(rootdir);
	close(modfd);
	return 0;
}

/* spawn - a worker with max_jobs, its modules not yet sent */
static void
spawn(struct child *c, uint32_t max_jobs)
{
	struct worker_opts	 wo;
	int			 sv[2];

	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0,
	    sv), 0);
	assert_true((c->pid = fork()) != -1);
	if (c->pid == 0) {
		close(sv[0]);
		memset(&wo, 0, sizeof(wo));
		wo.sock = sv[1];
		wo.sandbox = &so;
		wo.max_jobs = max_jobs;
		wo.backstop = 60;
		_exit(worker_main(&wo));
	}
	close(sv[1]);
	c->sock = sv[0];
	msgbuf_init(&c->mb, c->sock, 0);
}

/* start - a worker given the one module, once it says MSG_READY */
static void
start(struct child *c, uint32_t max_jobs)
{
	struct wire_module	 mod = { 0, 1, SERIAL };
	struct msg		*m;

	spawn(c, max_jobs);
	assert_non_null(m = msg_new(MSG_MODULES, 0, SERIAL));
	assert_int_equal(wire_put_module(m, &mod), 0);
	assert_int_equal(msg_send(c->sock, m, modfd, 5000), 0);
	msg_free(m);
	assert_int_equal(msgbuf_recv(&c->mb, &m, 10000), 1);
	assert_int_equal(m->hdr.type, MSG_READY);
	assert_int_equal(m->hdr.gen, SERIAL);
	msg_free(m);
}

/* finish - close our end and return the worker's exit status */
static int
finish(struct child *c)
{
	int	 st;

	msgbuf_clear(&c->mb);
	close(c->sock);
	assert_int_equal(waitpid(c->pid, &st, 0), c->pid);
	return st;
}

/* job - send fd as job id, return the reply (caller frees) */
static struct msg *
job(struct child *c, int fd, uint32_t id, const char *name)
{
	struct scan_limits	 lim;
	struct wire_job		 j = { 0, id, name };
	struct msg		*m;

	scan_limits_default(&lim);
	assert_non_null(m = msg_new(MSG_JOB, id, SERIAL));
	assert_int_equal(wire_put_job(m, &j, &lim), 0);
	assert_int_equal(msg_send(c->sock, m, fd, 5000), 0);
	msg_free(m);
	assert_int_equal(msgbuf_recv(&c->mb, &m, 20000), 1);
	assert_int_equal(m->hdr.id, id);
	return m;
}

/* verdict_of - a job's verdict */
static void
verdict_of(struct child *c, int fd, uint32_t id, const char *name,
    struct verdict *v)
{
	struct msg	*m = job(c, fd, id, name);

	assert_int_equal(m->hdr.type, MSG_VERDICT);
	assert_int_equal(wire_get_verdict(m, v), 0);
	msg_free(m);
}

/* test_scan - infected, clean, empty, a pipe; then drained */
static void
test_scan(void **state)
{
	static const char	 inf[] = "xx " MARK " yy", clean[] = "hello";
	struct child		 c;
	struct verdict		 v;
	struct msg		*m;
	int			 fd, p[2], st;

	(void)state;
	if (!sandbox_available())
		skip();
	verdict_init(&v);
	start(&c, 0);
	fd = memfd_with(inf, sizeof(inf) - 1);
	verdict_of(&c, fd, 1, "inf.txt", &v);
	close(fd);
	assert_int_equal(v.status, AV_INFECTED);
	assert_string_equal(verdict_path(&v, 0), "inf.txt");
	assert_string_equal(verdict_name(&v, verdict_hit(&v, 0, 0)),
	    "Test.Mark");
	fd = memfd_with(clean, sizeof(clean) - 1);
	verdict_of(&c, fd, 2, "clean.txt", &v);
	close(fd);
	assert_int_equal(v.status, AV_CLEAN);
	fd = memfd_with("", 0);
	verdict_of(&c, fd, 3, "empty", &v);
	close(fd);
	assert_int_equal(v.status, AV_CLEAN);
	assert_int_equal(v.obj[0].size, 0);
	/* a pipe cannot be mapped: scanned as empty */
	assert_int_equal(pipe(p), 0);
	verdict_of(&c, p[0], 4, "pipe", &v);
	close(p[0]);
	close(p[1]);
	assert_int_equal(v.status, AV_CLEAN);
	/* drained: exit 0 */
	assert_non_null(m = msg_new(MSG_DRAIN, 0, SERIAL));
	assert_int_equal(msg_send(c.sock, m, -1, 5000), 0);
	msg_free(m);
	st = finish(&c);
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 0);
	verdict_free(&v);
}

/* test_max_jobs - a worker leaves after its last job */
static void
test_max_jobs(void **state)
{
	struct child	 c;
	struct verdict	 v;
	int		 fd, st;

	(void)state;
	if (!sandbox_available())
		skip();
	verdict_init(&v);
	start(&c, 2);
	fd = memfd_with("a", 1);
	verdict_of(&c, fd, 1, "a", &v);
	verdict_of(&c, fd, 2, "a", &v);
	close(fd);
	st = finish(&c);
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 0);
	verdict_free(&v);
}

/* test_protocol - what the worker does not accept ends it */
static void
test_protocol(void **state)
{
	struct scan_limits	 lim;
	struct wire_job		 j = { 0, 1, "x" };
	struct child		 c;
	struct msg		*m;
	int			 st;

	(void)state;
	if (!sandbox_available())
		skip();
	/* a job without its descriptor */
	start(&c, 0);
	scan_limits_default(&lim);
	assert_non_null(m = msg_new(MSG_JOB, 1, SERIAL));
	assert_int_equal(wire_put_job(m, &j, &lim), 0);
	assert_int_equal(msg_send(c.sock, m, -1, 5000), 0);
	msg_free(m);
	st = finish(&c);
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), EX_PROTOCOL);

	/* a type it does not take */
	start(&c, 0);
	assert_non_null(m = msg_new(MSG_VERDICT, 1, SERIAL));
	assert_int_equal(msg_send(c.sock, m, -1, 5000), 0);
	msg_free(m);
	st = finish(&c);
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), EX_PROTOCOL);

	/* a job before the modules */
	spawn(&c, 0);
	assert_non_null(m = msg_new(MSG_DRAIN, 0, SERIAL));
	assert_int_equal(msg_send(c.sock, m, -1, 5000), 0);
	msg_free(m);
	st = finish(&c);
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), EX_PROTOCOL);

	/* the supervisor goes away: exit 0 */
	start(&c, 0);
	st = finish(&c);
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 0);
}

/* test_bad_module - a module that does not validate */
static void
test_bad_module(void **state)
{
	struct wire_module	 mod = { 0, 1, SERIAL };
	struct child		 c;
	struct msg		*m;
	char			 junk[4096];
	int			 fd, st;

	(void)state;
	memset(junk, 'j', sizeof(junk));
	fd = memfd_with(junk, sizeof(junk));
	spawn(&c, 0);
	assert_non_null(m = msg_new(MSG_MODULES, 0, SERIAL));
	assert_int_equal(wire_put_module(m, &mod), 0);
	assert_int_equal(msg_send(c.sock, m, fd, 5000), 0);
	msg_free(m);
	close(fd);
	st = finish(&c);
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), EX_OSERR);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_scan),
		cmocka_unit_test(test_max_jobs),
		cmocka_unit_test(test_protocol),
		cmocka_unit_test(test_bad_module),
	};

	return cmocka_run_group_tests_name("worker", tests, group_setup,
	    group_teardown);
}
