/*
 * test_conflog.c - unit tests for conf/conflog.[ch]: where a program's
 * log goes, and that a daemon under systemd (stderr is the journal,
 * JOURNAL_STREAM says so) does not send every line to the journal twice
 *
 * stderr is pointed at a temporary file for each test, so that what
 * conf_log() lets through to stderr can be read back.
 */
#include <sys/stat.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "conf/conf.h"
#include "conf/conflog.h"
#include "util/log.h"

static char	 errpath[] = "/tmp/vigil-test-conflog.XXXXXX";
static int	 saved = -1;		/* the real stderr */

/* to_file - stderr to a fresh temporary file */
static int
to_file(void **state)
{
	int	 fd;

	(void)state;
	strcpy(errpath, "/tmp/vigil-test-conflog.XXXXXX");
	if ((fd = mkstemp(errpath)) == -1 ||
	    (saved = dup(STDERR_FILENO)) == -1 ||
	    dup2(fd, STDERR_FILENO) == -1)
		return -1;
	close(fd);
	unsetenv("JOURNAL_STREAM");
	return 0;
}

/* back - the real stderr again, the log closed, the file removed */
static int
back(void **state)
{
	(void)state;
	log_close();
	dup2(saved, STDERR_FILENO);
	close(saved);
	unlink(errpath);
	unsetenv("JOURNAL_STREAM");
	return 0;
}

/* stream - set JOURNAL_STREAM to stderr's device:inode, plus delta */
static void
stream(long long delta)
{
	struct stat	 sb;
	char		 v[64];

	assert_int_equal(fstat(STDERR_FILENO, &sb), 0);
	snprintf(v, sizeof(v), "%llu:%llu", (unsigned long long)sb.st_dev,
	    (unsigned long long)sb.st_ino + (unsigned long long)delta);
	assert_int_equal(setenv("JOURNAL_STREAM", v, 1), 0);
}

/* written - the bytes stderr received so far */
static long
written(void)
{
	struct stat	 sb;

	assert_int_equal(fstat(STDERR_FILENO, &sb), 0);
	return (long)sb.st_size;
}

/* logged - conf_log() on [daemon] of text in the foreground, one notice */
static void
logged(const char *text)
{
	struct conf		*c;
	struct conf_view	 v;
	char			 err[256];

	assert_non_null(c = conf_new());
	assert_int_equal(conf_load_buf(c, "t", text, strlen(text), err,
	    sizeof(err)), 0);
	assert_int_equal(conf_view(c, &v, CONF_SEC_DAEMON, NULL, NULL), 0);
	log_procinit("test");
	assert_int_equal(conf_log(&v, 1), 0);
	log_notice("a notice");
	conf_free(c);
}

static void
test_journal_matches(void **state)
{
	(void)state;
	assert_int_equal(conf_stderr_journal(), 0);	/* unset */
	stream(0);
	assert_int_equal(conf_stderr_journal(), 1);
	stream(1);		/* another stream: stderr was redirected */
	assert_int_equal(conf_stderr_journal(), 0);
	setenv("JOURNAL_STREAM", "12:", 1);
	assert_int_equal(conf_stderr_journal(), 0);
	setenv("JOURNAL_STREAM", "x:y", 1);
	assert_int_equal(conf_stderr_journal(), 0);
	stream(0);
	{
		char	 v[80];

		snprintf(v, sizeof(v), "%sjunk", getenv("JOURNAL_STREAM"));
		setenv("JOURNAL_STREAM", v, 1);
	}
	assert_int_equal(conf_stderr_journal(), 0);
}

static void
test_foreground_stderr(void **state)
{
	(void)state;
	/* by hand (no journal): syslog and stderr both */
	logged("[global]\nsyslog_facility = mail\n");
	assert_true(written() > 0);
}

static void
test_journal_syslog(void **state)
{
	(void)state;
	/* under systemd with syslog on: syslog only */
	stream(0);
	logged("[global]\nsyslog_facility = mail\n");
	assert_int_equal(written(), 0);
}

static void
test_journal_nosyslog(void **state)
{
	(void)state;
	/* under systemd without syslog: the journal gets it through stderr */
	stream(0);
	logged("[global]\nsyslog_facility = none\n");
	assert_true(written() > 0);
}

static void
test_journal_elsewhere(void **state)
{
	(void)state;
	/* JOURNAL_STREAM inherited, stderr redirected since: stderr too */
	stream(1);
	logged("[global]\nsyslog_facility = mail\n");
	assert_true(written() > 0);
}

int
main(void)
{
	const struct CMUnitTest	 tests[] = {
		cmocka_unit_test_setup_teardown(test_journal_matches, to_file,
		    back),
		cmocka_unit_test_setup_teardown(test_foreground_stderr,
		    to_file, back),
		cmocka_unit_test_setup_teardown(test_journal_syslog, to_file,
		    back),
		cmocka_unit_test_setup_teardown(test_journal_nosyslog, to_file,
		    back),
		cmocka_unit_test_setup_teardown(test_journal_elsewhere,
		    to_file, back),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
