/*
 * test_sv_log.c - unit tests for daemon/sv_log.[ch] and the levels and
 * destinations of lib/util/log.[ch]
 *
 * The log goes to a temporary file (log_open) so that the tests read
 * exactly what vigild would write: the rate limiter's drops and their
 * report, escaping of what workers and clients chose, the detection lines,
 * the level filter.
 */
#include <sys/socket.h>

#include <netinet/in.h>

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
#include "daemon/sv_log.h"
#include "util/log.h"

#define nitems(a)	(sizeof(a) / sizeof((a)[0]))

static char	 logpath[] = "/tmp/vigil-test-sv-log.XXXXXX";

static char	*slurp_log(void);
static int	 count(const char *, const char *);

/* slurp_log - what was logged so far (caller frees) */
static char *
slurp_log(void)
{
	FILE	*fp;
	char	*b;
	long	 n;

	assert_non_null(fp = fopen(logpath, "r"));
	fseek(fp, 0, SEEK_END);
	n = ftell(fp);
	rewind(fp);
	assert_non_null(b = calloc(1, (size_t)n + 1));
	assert_int_equal(fread(b, 1, (size_t)n, fp), (size_t)n);
	fclose(fp);
	return b;
}

/* count - occurrences of pat in s */
static int
count(const char *s, const char *pat)
{
	int	 n = 0;

	while ((s = strstr(s, pat)) != NULL) {
		n++;
		s++;
	}
	return n;
}

static int
setup(void **state)
{
	int	 fd;

	(void)state;
	strcpy(logpath, "/tmp/vigil-test-sv-log.XXXXXX");
	assert_true((fd = mkstemp(logpath)) != -1);
	close(fd);
	log_procinit("vigild");
	return log_open(LOG_LVL_INFO, -1, logpath, 0);
}

static int
teardown(void **state)
{
	(void)state;
	log_close();
	unlink(logpath);
	return 0;
}

/* test_lograte - at most limit a window; drops reported with the next */
static void
test_lograte(void **state)
{
	static const struct step {
		int64_t		 now;
		int		 want;
		unsigned long	 dropped;
	} steps[] = {
		{ 5000, 1, 0 }, { 5001, 1, 0 }, { 5500, 1, 0 },
		{ 5600, 0, 0 }, { 5999, 0, 0 },		/* over 3 */
		{ 6000, 1, 2 },				/* a new window */
		{ 6001, 1, 0 }, { 6002, 1, 0 }, { 6003, 0, 0 },
		{ 9000, 1, 1 },
		{ 8000, 1, 0 },				/* clock went back */
	};
	struct sv_lograte	 r;
	unsigned long		 d;
	size_t			 i;

	(void)state;
	memset(&r, 0, sizeof(r));
	for (i = 0; i < nitems(steps); i++) {
		d = 99;
		assert_int_equal(sv_lograte_take(&r, steps[i].now, 3, &d),
		    steps[i].want);
		if (d != steps[i].dropped)
			fail_msg("step %zu: dropped %lu, want %lu", i, d,
			    steps[i].dropped);
	}
	/* limit 0: everything is dropped; dropped may be NULL */
	memset(&r, 0, sizeof(r));
	assert_int_equal(sv_lograte_take(&r, 1, 0, NULL), 0);
	assert_int_equal(sv_lograte_take(&r, 5000, 0, NULL), 0);
	assert_int_equal(r.dropped, 2);
}

/* test_vis - control bytes and backslashes escaped, cut to fit */
static void
test_vis(void **state)
{
	static const struct vcase {
		const char	*in;
		size_t		 len;
		const char	*want;
	} cases[] = {
		{ "plain text", 64, "plain text" },
		{ "a\nb", 64, "a\\012b" },
		{ "\x1b[31mred", 64, "\\033[31mred" },
		{ "back\\slash", 64, "back\\134slash" },
		{ "del\x7f", 64, "del\\177" },
		{ "q'uo\"te $(x) `y`", 64, "q'uo\"te $(x) `y`" },
		{ "\xc3\xa9t\xc3\xa9", 64, "\xc3\xa9t\xc3\xa9" },
		{ "abcdef", 5, "abcd" },
		{ "a\n", 5, "a" },		/* the escape does not fit */
		{ "a\n", 6, "a\\012" },
		{ "x", 1, "" },
		{ "", 8, "" },
	};
	char	 out[64];
	size_t	 i, n;

	(void)state;
	for (i = 0; i < nitems(cases); i++) {
		memset(out, 'Z', sizeof(out));
		n = sv_log_vis(out, cases[i].len, cases[i].in);
		if (strcmp(out, cases[i].want) != 0)
			fail_msg("case %zu: \"%s\", want \"%s\"", i, out,
			    cases[i].want);
		assert_int_equal(n, strlen(cases[i].want));
	}
}

/* test_worker - MSG_LOG lines: prefix, level, rate, escaping */
static void
test_worker(void **state)
{
	struct sv_lograte	 r;
	char			*got;
	int			 i;

	(void)state;
	memset(&r, 0, sizeof(r));
	for (i = 0; i < SV_LOG_RATE + 5; i++)
		sv_log_worker(&r, 1000, 7, 4242, LOG_LVL_INFO, "zip: odd");
	/* debug is above the level: neither written nor counted */
	sv_log_worker(&r, 1001, 7, 4242, LOG_LVL_DEBUG, "debug line");
	sv_log_worker(&r, 2000, 7, 4242, LOG_LVL_WARN, "evil\nvigild: forged");
	sv_log_worker(&r, 2001, 7, 4242, 0, "level zero");
	got = slurp_log();
	assert_int_equal(count(got, "vigild["), SV_LOG_RATE + 3);
	assert_int_equal(count(got, "]: worker 7 pid 4242: zip: odd\n"),
	    SV_LOG_RATE);
	assert_non_null(strstr(got, "]: worker 7 pid 4242: 5 log lines "
	    "dropped (more than 20 a second)\n"));
	assert_null(strstr(got, "debug line"));
	assert_non_null(strstr(got, "]: worker 7 pid 4242: "
	    "evil\\012vigild: forged\n"));
	assert_non_null(strstr(got, "]: worker 7 pid 4242: level zero\n"));
	free(got);

	/* drops not yet reported when the worker is reaped */
	for (i = 0; i < SV_LOG_RATE + 2; i++)
		sv_log_worker(&r, 9000, 8, 99, LOG_LVL_INFO, "again");
	sv_log_worker_gone(&r, 8, 99);
	sv_log_worker_gone(&r, 8, 99);		/* once only */
	got = slurp_log();
	assert_int_equal(count(got, "worker 8 pid 99: 2 log lines dropped"),
	    1);
	free(got);
}

/* test_levels - what each level lets through */
static void
test_levels(void **state)
{
	static const struct lcase {
		int		 level;
		const char	*want;		/* first letters, in order */
	} cases[] = {
		{ 0, "" },
		{ 1, "" },		/* fatal is the only error */
		{ 2, "w" },
		{ 3, "wn" },
		{ 4, "wni" },
		{ 5, "wnid" },
	};
	char	*got, want[64], *p;
	size_t	 i;

	(void)state;
	for (i = 0; i < nitems(cases); i++) {
		assert_int_equal(truncate(logpath, 0), 0);
		log_setlevel(cases[i].level);
		assert_int_equal(log_getlevel(), cases[i].level);
		log_warnx("w");
		log_notice("n");
		log_info("i");
		log_debug("d");
		got = slurp_log();
		want[0] = '\0';
		for (p = got; (p = strstr(p, "]: ")) != NULL; p += 3)
			strncat(want, p + 3, 1);
		if (strcmp(want, cases[i].want) != 0)
			fail_msg("level %d: \"%s\", want \"%s\"",
			    cases[i].level, want, cases[i].want);
		free(got);
	}
	/* the older scale */
	log_setverbose(0);
	assert_int_equal(log_getlevel(), LOG_LVL_NOTICE);
	log_setverbose(2);
	assert_int_equal(log_getverbose(), 2);
	log_setlevel(99);
	assert_int_equal(log_getlevel(), LOG_LVL_DEBUG);
	log_setlevel(-1);
	assert_int_equal(log_getlevel(), LOG_LVL_NONE);
	log_setlevel(LOG_LVL_INFO);
}

/* test_reopen - after a rename the file is created again */
static void
test_reopen(void **state)
{
	char	 moved[sizeof(logpath) + 8], *got;

	(void)state;
	snprintf(moved, sizeof(moved), "%s.1", logpath);
	log_notice("before");
	assert_int_equal(rename(logpath, moved), 0);
	assert_int_equal(log_reopen(), 0);
	log_notice("after");
	got = slurp_log();
	assert_null(strstr(got, "before"));
	assert_non_null(strstr(got, "after"));
	free(got);
	/* a file that cannot be opened: the old one stays */
	assert_int_equal(log_open(LOG_LVL_INFO, -1, "/nonexistent/dir/log",
	    0), -1);
	log_notice("still");
	got = slurp_log();
	assert_non_null(strstr(got, "still"));
	free(got);
	unlink(moved);
}

/* test_detection - one notice per object and name, escaped */
static void
test_detection(void **state)
{
	struct sv_detection	 d;
	struct verdict		 v;
	char			*got;
	int			 a, b;

	(void)state;
	verdict_init(&v);
	assert_int_equal(verdict_object(&v, UINT32_MAX, "/srv/a.zip", 0, 0,
	    10), 0);
	assert_true((a = verdict_object(&v, 0, "/srv/a.zip/x\n.exe", 1, 0,
	    5)) > 0);
	assert_true((b = verdict_object(&v, 0, "/srv/a.zip/y.com", 1, 0,
	    5)) > 0);
	assert_int_equal(verdict_infected(&v, (uint32_t)a, "Eicar-Test"), 0);
	assert_int_equal(verdict_infected(&v, (uint32_t)a, "Other"), 0);
	assert_int_equal(verdict_infected(&v, (uint32_t)b, "Eicar-Test"), 0);
	memset(&d, 0, sizeof(d));
	d.client = 12;
	d.peer = "uid 1000 pid 77";
	d.path = "/srv/a.zip";
	d.v = &v;
	sv_log_detection(&d);
	got = slurp_log();
	assert_non_null(strstr(got, "]: client 12 (uid 1000 pid 77): "
	    "/srv/a.zip/x\\012.exe: Eicar-Test FOUND\n"));
	assert_non_null(strstr(got, "]: client 12 (uid 1000 pid 77): "
	    "/srv/a.zip/x\\012.exe: Other FOUND\n"));
	assert_non_null(strstr(got, "]: client 12 (uid 1000 pid 77): "
	    "/srv/a.zip/y.com: Eicar-Test FOUND\n"));
	assert_int_equal(count(got, " FOUND\n"), 3);
	free(got);
	/* below notices: nothing */
	assert_int_equal(truncate(logpath, 0), 0);
	log_setlevel(LOG_LVL_WARN);
	sv_log_detection(&d);
	got = slurp_log();
	assert_string_equal(got, "");
	free(got);
	log_setlevel(LOG_LVL_INFO);
	verdict_free(&v);
}

/* test_peer - unix peers by credentials, TCP peers by address */
static void
test_peer(void **state)
{
	struct sockaddr_in	 sin;
	socklen_t		 sl = sizeof(sin);
	char			 buf[SV_LOG_PEERMAX], want[64];
	int			 sp[2], l, c, a;

	(void)state;
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sp), 0);
	sv_log_peer(buf, sizeof(buf), sp[0], 1);
	snprintf(want, sizeof(want), "uid %lu pid %ld",
	    (unsigned long)getuid(), (long)getpid());
	assert_string_equal(buf, want);
	close(sp[0]);
	close(sp[1]);
	sv_log_peer(buf, sizeof(buf), -1, 1);
	assert_string_equal(buf, "unix");
	sv_log_peer(buf, sizeof(buf), -1, 0);
	assert_string_equal(buf, "tcp");

	assert_true((l = socket(AF_INET, SOCK_STREAM, 0)) != -1);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(l, (struct sockaddr *)&sin, sizeof(sin)), 0);
	assert_int_equal(listen(l, 1), 0);
	assert_int_equal(getsockname(l, (struct sockaddr *)&sin, &sl), 0);
	assert_true((c = socket(AF_INET, SOCK_STREAM, 0)) != -1);
	assert_int_equal(connect(c, (struct sockaddr *)&sin, sizeof(sin)), 0);
	assert_true((a = accept(l, NULL, NULL)) != -1);
	sl = sizeof(sin);
	assert_int_equal(getsockname(c, (struct sockaddr *)&sin, &sl), 0);
	snprintf(want, sizeof(want), "127.0.0.1:%u", ntohs(sin.sin_port));
	sv_log_peer(buf, sizeof(buf), a, 0);
	assert_string_equal(buf, want);
	close(a);
	close(c);
	close(l);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lograte),
		cmocka_unit_test(test_vis),
		cmocka_unit_test_setup_teardown(test_worker, setup, teardown),
		cmocka_unit_test_setup_teardown(test_levels, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reopen, setup, teardown),
		cmocka_unit_test_setup_teardown(test_detection, setup,
		    teardown),
		cmocka_unit_test(test_peer),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
