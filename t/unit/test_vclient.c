/*
 * test_vclient.c - unit tests for the connecting part of clients/vclient.h
 *
 * vclient_open() and vclient_open_nowait() against a unix socket of our
 * own that listens but does not accept: both send the native magic first;
 * when the listen queue is full, vclient_open_nowait() fails at once
 * with EAGAIN (an event loop never waits to connect) and vclient_open()
 * after its timeout, not later (a stopped vigild cannot hang an agent);
 * both succeed again once a pending connection was accepted; a path nobody listens on is
 * ENOENT or ECONNREFUSED for both.
 */
#include <sys/socket.h>
#include <sys/un.h>

#include <errno.h>
#include <fcntl.h>
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

#include "clients/vclient.h"
#include "daemon/native.h"

#define MAXFILL		4096		/* connections to fill a queue */

static char	 dir[64], path[128];

static int64_t	 now_ms(void);
static int	 listener(void);
static int	 fill(int *, size_t);

/* now_ms - the monotonic clock in milliseconds */
static int64_t
now_ms(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* setup - a directory for the socket */
static int
setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/test_vclient.XXXXXX");
	if (mkdtemp(dir) == NULL)
		return -1;
	snprintf(path, sizeof(path), "%s/s", dir);
	return 0;
}

/* teardown - the socket and the directory go */
static int
teardown(void **state)
{
	(void)state;
	unlink(path);
	return rmdir(dir);
}

/* listener - a socket at path with the smallest listen queue */
static int
listener(void)
{
	struct sockaddr_un	 sun;
	int			 s;

	unlink(path);
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	strcpy(sun.sun_path, path);
	s = socket(AF_UNIX, SOCK_STREAM, 0);
	assert_true(s >= 0);
	assert_int_equal(bind(s, (struct sockaddr *)&sun, sizeof(sun)), 0);
	assert_int_equal(listen(s, 0), 0);
	return s;
}

/* fill - non-blocking connections until the queue refuses: how many */
static int
fill(int *fds, size_t max)
{
	struct sockaddr_un	 sun;
	size_t			 n;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	strcpy(sun.sun_path, path);
	for (n = 0; n < max; n++) {
		fds[n] = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0);
		assert_true(fds[n] >= 0);
		if (connect(fds[n], (struct sockaddr *)&sun,
		    sizeof(sun)) == -1) {
			assert_int_equal(errno, EAGAIN);
			close(fds[n]);
			return (int)n;
		}
	}
	return -1;
}

/* test_magic - both open calls connect and send the magic first */
static void
test_magic(void **state)
{
	struct vclient	 vc;
	char		 got[NATIVE_MAGICLEN];
	int		 l, c, i;

	(void)state;
	l = listener();
	for (i = 0; i < 2; i++) {
		assert_int_equal(i == 0 ? vclient_open(&vc, path, 1000) :
		    vclient_open_nowait(&vc, path, 1000), 0);
		assert_true(vc.sock >= 0);
		assert_int_equal(vc.timeout, 1000);
		assert_true((c = accept(l, NULL, NULL)) >= 0);
		assert_int_equal(read(c, got, sizeof(got)), NATIVE_MAGICLEN);
		assert_memory_equal(got, NATIVE_MAGIC, NATIVE_MAGICLEN);
		close(c);
		vclient_close(&vc);
		assert_int_equal(vc.sock, -1);
	}
	close(l);
}

/* test_full - a full listen queue: EAGAIN at once, then room again */
static void
test_full(void **state)
{
	struct vclient	 vc;
	int		 fds[MAXFILL];
	int64_t		 t0;
	int		 l, c, n, i;

	(void)state;
	l = listener();
	n = fill(fds, MAXFILL);
	assert_true(n >= 1);
	errno = 0;
	assert_int_equal(vclient_open_nowait(&vc, path, 1000), -1);
	assert_int_equal(errno, EAGAIN);
	assert_int_equal(vc.sock, -1);
	vclient_close(&vc);		/* safe after a failed open */
	/* vclient_open() waits for room, at most its timeout */
	t0 = now_ms();
	errno = 0;
	assert_int_equal(vclient_open(&vc, path, 300), -1);
	assert_int_equal(errno, EAGAIN);
	assert_true(now_ms() - t0 >= 250);
	/* one accepted: one place free */
	assert_true((c = accept(l, NULL, NULL)) >= 0);
	close(c);
	assert_int_equal(vclient_open_nowait(&vc, path, 1000), 0);
	vclient_close(&vc);
	assert_true((c = accept(l, NULL, NULL)) >= 0);
	close(c);
	assert_int_equal(vclient_open(&vc, path, 300), 0);
	vclient_close(&vc);
	for (i = 0; i < n; i++)
		close(fds[i]);
	close(l);
}

/* test_nobody - no socket at path; a socket nobody listens on */
static void
test_nobody(void **state)
{
	struct vclient	 vc;
	int		 l;

	(void)state;
	unlink(path);
	assert_int_equal(vclient_open(&vc, path, 1000), -1);
	assert_int_equal(errno, ENOENT);
	assert_int_equal(vclient_open_nowait(&vc, path, 1000), -1);
	assert_int_equal(errno, ENOENT);
	l = listener();
	close(l);			/* the file stays, nobody listens */
	assert_int_equal(vclient_open(&vc, path, 1000), -1);
	assert_int_equal(errno, ECONNREFUSED);
	assert_int_equal(vclient_open_nowait(&vc, path, 1000), -1);
	assert_int_equal(errno, ECONNREFUSED);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_magic),
		cmocka_unit_test(test_full),
		cmocka_unit_test(test_nobody),
	};

	return cmocka_run_group_tests_name("vclient", tests, setup, teardown);
}
