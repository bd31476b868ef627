/*
 * test_sv_exec.c - unit tests for daemon/sv_exec.[ch]
 *
 * The environment is checked table-driven (which object, which names, the
 * cut, what does not fit); the children are real: small sh scripts in a
 * mkdtemp(3) directory, reaped here as vigild's loop would, with the
 * clock given by the test so that the 30 s timeout is checked at once.
 */
#include <sys/stat.h>
#include <sys/wait.h>

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "av/verdict.h"
#include "daemon/sv_exec.h"
#include "util/log.h"

#define nitems(a)	(sizeof(a) / sizeof((a)[0]))

static char	 dir[] = "/tmp/vigil-test-sv-exec.XXXXXX";

static const char *env_get(const struct sv_exec_env *, const char *);
static void	 script(const char *, const char *);
static void	 reap_all(void);
static void	 slow_detection(struct sv_detection *, struct verdict *);

/* env_get - the value of name in e, or NULL */
static const char *
env_get(const struct sv_exec_env *e, const char *name)
{
	size_t	 i, n = strlen(name);

	for (i = 0; e->envp[i] != NULL; i++)
		if (strncmp(e->envp[i], name, n) == 0 && e->envp[i][n] == '=')
			return e->envp[i] + n + 1;
	return NULL;
}

/* script - write an executable sh script dir/name */
static void
script(const char *name, const char *body)
{
	char	 path[256];
	FILE	*fp;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	assert_non_null(fp = fopen(path, "w"));
	fprintf(fp, "#!/bin/sh\n%s\n", body);
	assert_int_equal(fclose(fp), 0);
	assert_int_equal(chmod(path, 0755), 0);
}

/* reap_all - wait for every child, as the supervisor's SIGCHLD path */
static void
reap_all(void)
{
	pid_t	 pid;
	int	 st;

	while ((pid = waitpid(-1, &st, 0)) > 0)
		assert_int_equal(sv_exec_reaped(pid, st), 1);
	assert_int_equal(sv_exec_running(), 0);
}

static int
setup(void **state)
{
	(void)state;
	strcpy(dir, "/tmp/vigil-test-sv-exec.XXXXXX");
	if (mkdtemp(dir) == NULL)
		return -1;
	log_setlevel(LOG_LVL_NONE);	/* the warnings are expected */
	return 0;
}

static int
teardown(void **state)
{
	char	 cmd[128];

	(void)state;
	sv_exec_setup(NULL);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

/* test_env - the variables, for several verdicts */
static void
test_env(void **state)
{
	static const struct ecase {
		const char	*name;
		const char	*path;
		/* objects: path of each, "" ends; names "a b", "" none */
		const char	*objs[4];
		const char	*hits[4];
		const char	*object, *names;
	} cases[] = {
		{ "the input itself", "/srv/eicar.com",
		    { "/srv/eicar.com", "" }, { "Eicar-Test-Signature" },
		    "/srv/eicar.com", "Eicar-Test-Signature" },
		{ "inside an archive, names once each", "stream",
		    { "stream", "stream/a.exe", "stream/b.exe", "" },
		    { "", "X.One X.Two", "X.Two X.Three" },
		    "stream/a.exe", "X.One X.Two X.Three" },
		{ "a hostile name, literally", "/t/q'$(id)`id`;\"\n.com",
		    { "/t/q'$(id)`id`;\"\n.com", "" }, { "N" },
		    "/t/q'$(id)`id`;\"\n.com", "N" },
	};
	struct sv_exec_env	 e;
	struct sv_detection	 d;
	struct verdict		 v;
	char			 buf[256], *p, *tok;
	size_t			 i, o;
	int			 obj;

	(void)state;
	for (i = 0; i < nitems(cases); i++) {
		verdict_init(&v);
		for (o = 0; cases[i].objs[o][0] != '\0'; o++) {
			obj = verdict_object(&v, o == 0 ? UINT32_MAX : 0,
			    cases[i].objs[o], o == 0 ? 0 : 1, 0, 1);
			assert_int_equal(obj, (int)o);
			if (cases[i].hits[o] == NULL)
				continue;
			snprintf(buf, sizeof(buf), "%s", cases[i].hits[o]);
			for (tok = strtok_r(buf, " ", &p); tok != NULL;
			    tok = strtok_r(NULL, " ", &p))
				assert_int_equal(verdict_infected(&v,
				    (uint32_t)o, tok), 0);
		}
		memset(&d, 0, sizeof(d));
		d.client = 5;
		d.peer = "uid 0 pid 1";
		d.path = cases[i].path;
		d.v = &v;
		d.serial = 1234;
		d.time = 1700000000;
		assert_int_equal(sv_exec_env(&e, &d), 0);
		assert_string_equal(env_get(&e, "VIGIL_PATH"), cases[i].path);
		assert_string_equal(env_get(&e, "VIGIL_OBJECT"),
		    cases[i].object);
		assert_string_equal(env_get(&e, "VIGIL_NAME"), cases[i].names);
		assert_string_equal(env_get(&e, "VIGIL_CLIENT"), "uid 0 pid 1");
		assert_string_equal(env_get(&e, "VIGIL_CLIENT_ID"), "5");
		assert_string_equal(env_get(&e, "VIGIL_SERIAL"), "1234");
		assert_string_equal(env_get(&e, "VIGIL_TIME"), "1700000000");
		assert_non_null(env_get(&e, "VIGIL_VERSION"));
		assert_non_null(env_get(&e, "PATH"));
		for (o = 0; e.envp[o] != NULL; o++)
			;
		if (o != SV_EXEC_NENV)
			fail_msg("%s: %zu variables", cases[i].name, o);
		verdict_free(&v);
	}
}

/* test_env_bounds - names cut with " ...", a path that cannot fit */
static void
test_env_bounds(void **state)
{
	struct sv_exec_env	 e;
	struct sv_detection	 d;
	struct verdict		 v;
	const char		*names;
	char			 nm[600], *big;
	int			 i;

	(void)state;
	verdict_init(&v);
	assert_int_equal(verdict_object(&v, UINT32_MAX, "f", 0, 0, 1), 0);
	/* 100 names of 500 bytes: far more than SV_EXEC_ENVMAX */
	for (i = 0; i < 100; i++) {
		memset(nm, 'a' + i % 26, 500);
		snprintf(nm + 500, sizeof(nm) - 500, "%03d", i);
		assert_int_equal(verdict_infected(&v, 0, nm), 0);
	}
	memset(&d, 0, sizeof(d));
	d.peer = "tcp";
	d.path = "f";
	d.v = &v;
	assert_int_equal(sv_exec_env(&e, &d), 0);
	names = env_get(&e, "VIGIL_NAME");
	assert_non_null(names);
	assert_true(strlen(names) > 20000);
	assert_true(strlen(names) < SV_EXEC_ENVMAX);
	assert_string_equal(names + strlen(names) - 4, " ...");
	/* whole names only: before " ..." ends a name's number */
	assert_true(names[strlen(names) - 5] >= '0' &&
	    names[strlen(names) - 5] <= '9');

	/* a path larger than the whole environment */
	assert_non_null(big = malloc(SV_EXEC_ENVMAX + 1));
	memset(big, 'p', SV_EXEC_ENVMAX);
	big[SV_EXEC_ENVMAX] = '\0';
	d.path = big;
	errno = 0;
	assert_int_equal(sv_exec_env(&e, &d), -1);
	assert_int_equal(errno, E2BIG);
	assert_null(e.envp[0]);
	free(big);
	verdict_free(&v);
}

/* test_run - the script runs with the environment, without a shell */
static void
test_run(void **state)
{
	struct sv_detection	 d;
	struct verdict		 v;
	char			 path[256], out[256], line[512];
	const char		*hostile = "/x/a'b\"c $(touch pwned) `touch "
	    "pwned2`;touch pwned3";
	FILE			*fp;
	int			 found = 0;

	(void)state;
	snprintf(out, sizeof(out), "%s/env.out", dir);
	snprintf(line, sizeof(line), "cd %s && env > env.tmp && "
	    "readlink /proc/$$/fd/0 >> env.tmp && mv env.tmp env.out", dir);
	script("hook", line);
	snprintf(path, sizeof(path), "%s/hook", dir);
	sv_exec_setup(path);

	verdict_init(&v);
	assert_int_equal(verdict_object(&v, UINT32_MAX, hostile, 0, 0, 1), 0);
	assert_int_equal(verdict_infected(&v, 0, "Eicar"), 0);
	memset(&d, 0, sizeof(d));
	d.client = 1;
	d.peer = "uid 1 pid 2";
	d.path = hostile;
	d.v = &v;
	assert_int_equal(sv_exec_run(&d, 0), 0);
	assert_int_equal(sv_exec_running(), 1);
	reap_all();
	assert_non_null(fp = fopen(out, "r"));
	while (fgets(line, sizeof(line), fp) != NULL) {
		line[strcspn(line, "\n")] = '\0';
		if (strncmp(line, "VIGIL_PATH=", 11) == 0) {
			assert_string_equal(line + 11, hostile);
			found++;
		}
		if (strcmp(line, "/dev/null") == 0)
			found++;
	}
	fclose(fp);
	assert_int_equal(found, 2);
	snprintf(path, sizeof(path), "%s/pwned", dir);
	assert_int_equal(access(path, F_OK), -1);
	snprintf(path, sizeof(path), "%s/pwned2", dir);
	assert_int_equal(access(path, F_OK), -1);
	snprintf(path, sizeof(path), "%s/pwned3", dir);
	assert_int_equal(access(path, F_OK), -1);

	/* off: nothing runs */
	sv_exec_setup("");
	assert_int_equal(sv_exec_run(&d, 0), 0);
	assert_int_equal(sv_exec_running(), 0);
	/* a child that is not a script */
	assert_int_equal(sv_exec_reaped(1, 0), 0);
	verdict_free(&v);
}

/* slow_detection - a script that sleeps, and a detection for it */
static void
slow_detection(struct sv_detection *d, struct verdict *v)
{
	char	 path[256];

	script("slow", "sleep 60");
	snprintf(path, sizeof(path), "%s/slow", dir);
	sv_exec_setup(path);
	verdict_init(v);
	assert_int_equal(verdict_object(v, UINT32_MAX, "f", 0, 0, 1), 0);
	assert_int_equal(verdict_infected(v, 0, "N"), 0);
	memset(d, 0, sizeof(*d));
	d->peer = "tcp";
	d->path = "f";
	d->v = v;
}

/* test_cap_timeout - SV_EXEC_MAX at once; killed at the deadline */
static void
test_cap_timeout(void **state)
{
	struct sv_detection	 d;
	struct verdict		 v;
	char			 path[256];
	int			 i;

	(void)state;
	slow_detection(&d, &v);
	for (i = 0; i < SV_EXEC_MAX; i++)
		assert_int_equal(sv_exec_run(&d, 1000 + i), 0);
	assert_int_equal(sv_exec_running(), SV_EXEC_MAX);
	errno = 0;
	assert_int_equal(sv_exec_run(&d, 2000), -1);
	assert_int_equal(errno, EAGAIN);
	assert_int_equal(sv_exec_run(&d, 2001), -1);

	/* the earliest deadline; nothing killed before it */
	assert_int_equal(sv_exec_timers(5000), 1000 + SV_EXEC_TIMEOUT_MS);
	assert_int_equal(sv_exec_running(), SV_EXEC_MAX);
	/* the first four are due */
	assert_int_equal(sv_exec_timers(1003 + SV_EXEC_TIMEOUT_MS),
	    1004 + SV_EXEC_TIMEOUT_MS);
	/* all of them (and their sleep, in the same process group) */
	assert_int_equal(sv_exec_timers(1000000), 0);
	reap_all();
	/* a free slot again */
	script("quick", "exit 3");
	snprintf(path, sizeof(path), "%s/quick", dir);
	sv_exec_setup(path);
	assert_int_equal(sv_exec_run(&d, 3000), 0);
	reap_all();
	verdict_free(&v);
}

/* test_shorten - at shutdown no script outlives the supervisor's deadline */
static void
test_shorten(void **state)
{
	struct sv_detection	 d;
	struct verdict		 v;

	(void)state;
	slow_detection(&d, &v);
	assert_int_equal(sv_exec_run(&d, 1000), 0);
	assert_int_equal(sv_exec_run(&d, 2000), 0);
	/* a later deadline is not pushed back, an earlier one moves */
	sv_exec_shorten(1000 + SV_EXEC_TIMEOUT_MS + 5);
	assert_int_equal(sv_exec_timers(1500), 1000 + SV_EXEC_TIMEOUT_MS);
	sv_exec_shorten(1600);
	assert_int_equal(sv_exec_timers(1500), 1600);
	assert_int_equal(sv_exec_running(), 2);
	assert_int_equal(sv_exec_timers(1600), 0);	/* both killed */
	reap_all();
	assert_int_equal(sv_exec_running(), 0);
	verdict_free(&v);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_env),
		cmocka_unit_test(test_env_bounds),
		cmocka_unit_test_setup_teardown(test_run, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cap_timeout, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_shorten, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
