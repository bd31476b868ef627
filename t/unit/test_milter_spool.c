/*
 * test_milter_spool.c - unit tests for clients/milter_spool.[ch]
 *
 * The contract under test is milter_spool.h: header fields rebuilt as
 * "NAME: VALUE" CRLF with every bare LF of a folded value made CRLF; the
 * message kept in memory up to the limit (inclusive) and moved to an
 * unlinked file, mode 0600, in the directory past it, whatever the sizes
 * of the writes; the bytes given back unchanged in both cases; a
 * directory that cannot hold the file making the spool fail, and the
 * failure sticking to every later call; misuse (a write or a second
 * finish after finish) refused with EINVAL; and free leaving nothing
 * behind and the spool reusable.
 */
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
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

#include "clients/milter_spool.h"

#define nitems(a)	(sizeof(a) / sizeof((a)[0]))

/* milter_spool_header(): name and value in, the bytes spooled out */
static const struct hdr_case {
	const char	*name;
	const char	*hname;
	const char	*value;
	const char	*want;
} hdr_cases[] = {
	{ "header: plain", "Subject", "hello", "Subject: hello\r\n" },
	{ "header: empty value", "X-Empty", "", "X-Empty: \r\n" },
	{ "header: folded with LF", "Received", "from a\n\tby b\n\tfor c",
	    "Received: from a\r\n\tby b\r\n\tfor c\r\n" },
	{ "header: folded with CRLF kept", "To", "a@b,\r\n c@d",
	    "To: a@b,\r\n c@d\r\n" },
	{ "header: both styles", "X-Mix", "1\n 2\r\n 3",
	    "X-Mix: 1\r\n 2\r\n 3\r\n" },
	{ "header: a lone CR stays", "X-Cr", "a\rb", "X-Cr: a\rb\r\n" },
	{ "header: ends with LF", "X-End", "v\n", "X-End: v\r\n\r\n" },
};

/* writes of a message: the limit, the sizes of the writes, the result */
static const struct size_case {
	const char	*name;
	size_t		 limit;
	size_t		 total;
	size_t		 chunk;
	int		 infile;
} size_cases[] = {
	{ "size: empty message", 100, 0, 1, 0 },
	{ "size: one byte under the limit", 100, 99, 7, 0 },
	{ "size: exactly the limit stays in memory", 100, 100, 10, 0 },
	{ "size: one byte over goes to a file", 100, 101, 10, 1 },
	{ "size: one big write over the limit", 100, 5000, 5000, 1 },
	{ "size: byte by byte across the limit", 64, 300, 1, 1 },
	{ "size: limit 0, a file from the first byte", 0, 10, 3, 1 },
	{ "size: 1 MiB in 64 KiB chunks, 256 KiB limit", 256 * 1024,
	    1024 * 1024, 65535, 1 },
	{ "size: growth past the first capacity", 1 << 20, 100000, 4000, 0 },
};

static char	 tmpdir[64];

static int	 setup(void **);
static int	 teardown(void **);
static size_t	 dir_entries(const char *);
static void	 test_hdr_case(void **);
static void	 test_size_case(void **);
static void	 test_file_unlinked(void **);
static void	 test_no_dir(void **);
static void	 test_misuse(void **);
static void	 test_efbig(void **);
static void	 test_reuse(void **);

/* setup - a scratch directory for the files */
static int
setup(void **state)
{
	(void)state;
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/test_milter_spool.XXXXXX");
	return mkdtemp(tmpdir) == NULL ? -1 : 0;
}

/* teardown - the directory must be empty: nothing left behind */
static int
teardown(void **state)
{
	(void)state;
	return rmdir(tmpdir);
}

/* dir_entries - names in dir, "." and ".." aside */
static size_t
dir_entries(const char *dir)
{
	DIR		*d;
	struct dirent	*e;
	size_t		 n = 0;

	assert_non_null(d = opendir(dir));
	while ((e = readdir(d)) != NULL)
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
			n++;
	closedir(d);
	return n;
}

/* test_hdr_case - one field, then the empty line and a body line */
static void
test_hdr_case(void **state)
{
	const struct hdr_case	*c = *state;
	struct milter_spool	 s;
	const uint8_t		*msg;
	char			 want[256];
	size_t			 len;
	int			 fd;

	milter_spool_init(&s, 4096, tmpdir);
	assert_int_equal(milter_spool_header(&s, c->hname, c->value), 0);
	assert_int_equal(milter_spool_write(&s, "\r\nbody\r\n", 8), 0);
	assert_int_equal(milter_spool_finish(&s, &msg, &len, &fd), 0);
	snprintf(want, sizeof(want), "%s\r\nbody\r\n", c->want);
	assert_int_equal(fd, -1);
	assert_int_equal(len, strlen(want));
	assert_memory_equal(msg, want, len);
	milter_spool_free(&s);
}

/* test_size_case - a pattern written in chunks comes back unchanged */
static void
test_size_case(void **state)
{
	const struct size_case	*c = *state;
	struct milter_spool	 s;
	const uint8_t		*msg;
	uint8_t			*pat;
	struct stat		 st;
	size_t			 i, n, len;
	int			 fd;

	assert_non_null(pat = malloc(c->total + 1));
	for (i = 0; i < c->total; i++)
		pat[i] = (uint8_t)(i * 31 + i / 251);
	milter_spool_init(&s, c->limit, tmpdir);
	for (i = 0; i < c->total; i += n) {
		n = c->total - i < c->chunk ? c->total - i : c->chunk;
		assert_int_equal(milter_spool_write(&s, pat + i, n), 0);
	}
	assert_int_equal(milter_spool_finish(&s, &msg, &len, &fd), 0);
	assert_int_equal(len, c->total);
	assert_non_null(msg);
	if (len > 0)
		assert_memory_equal(msg, pat, len);
	if (c->infile) {
		assert_true(fd >= 0);
		assert_int_equal(fstat(fd, &st), 0);
		assert_int_equal(st.st_size, (off_t)c->total);
		assert_int_equal(st.st_mode & 07777, 0600);
		assert_int_equal(lseek(fd, 0, SEEK_CUR), 0);
		assert_null(s.mem);
	} else
		assert_int_equal(fd, -1);
	milter_spool_free(&s);
	assert_int_equal(dir_entries(tmpdir), 0);
	free(pat);
}

/* test_file_unlinked - the file has no name while it is in use */
static void
test_file_unlinked(void **state)
{
	struct milter_spool	 s;
	struct stat		 st;
	const uint8_t		*msg;
	size_t			 len;
	int			 fd;

	(void)state;
	milter_spool_init(&s, 0, tmpdir);
	assert_int_equal(milter_spool_write(&s, "x", 1), 0);
	assert_int_equal(dir_entries(tmpdir), 0);
	assert_int_equal(milter_spool_finish(&s, &msg, &len, &fd), 0);
	assert_int_equal(fstat(fd, &st), 0);
	assert_int_equal(st.st_nlink, 0);
	assert_true(fcntl(fd, F_GETFD) & FD_CLOEXEC);
	milter_spool_free(&s);
}

/* test_no_dir - no file can be made: the failure sticks */
static void
test_no_dir(void **state)
{
	struct milter_spool	 s;
	const uint8_t		*msg;
	char			 dir[128];
	size_t			 len;
	int			 fd;

	(void)state;
	snprintf(dir, sizeof(dir), "%s/nothing", tmpdir);
	milter_spool_init(&s, 8, dir);
	assert_int_equal(milter_spool_write(&s, "12345678", 8), 0);
	errno = 0;
	assert_int_equal(milter_spool_write(&s, "9", 1), -1);
	assert_int_equal(errno, ENOENT);
	assert_int_equal(s.error, ENOENT);
	errno = 0;
	assert_int_equal(milter_spool_write(&s, "", 0), -1);
	assert_int_equal(errno, ENOENT);
	errno = 0;
	assert_int_equal(milter_spool_header(&s, "A", "b"), -1);
	assert_int_equal(errno, ENOENT);
	errno = 0;
	assert_int_equal(milter_spool_finish(&s, &msg, &len, &fd), -1);
	assert_int_equal(errno, ENOENT);
	milter_spool_free(&s);
	assert_int_equal(s.error, 0);
	milter_spool_free(&s);
}

/* test_misuse - writing or finishing after finish */
static void
test_misuse(void **state)
{
	struct milter_spool	 s;
	const uint8_t		*msg;
	size_t			 len;
	int			 fd;

	(void)state;
	milter_spool_init(&s, 100, tmpdir);
	assert_int_equal(milter_spool_write(&s, "ab", 2), 0);
	assert_int_equal(milter_spool_finish(&s, &msg, &len, &fd), 0);
	errno = 0;
	assert_int_equal(milter_spool_write(&s, "c", 1), -1);
	assert_int_equal(errno, EINVAL);
	errno = 0;
	assert_int_equal(milter_spool_finish(&s, &msg, &len, &fd), -1);
	assert_int_equal(errno, EINVAL);
	milter_spool_free(&s);
}

/* test_efbig - a total that would pass SIZE_MAX */
static void
test_efbig(void **state)
{
	struct milter_spool	 s;

	(void)state;
	milter_spool_init(&s, 100, tmpdir);
	s.len = SIZE_MAX - 1;		/* as if that much had come */
	errno = 0;
	assert_int_equal(milter_spool_write(&s, "ab", 2), -1);
	assert_int_equal(errno, EFBIG);
	s.len = 0;
	milter_spool_free(&s);
}

/* test_reuse - after free, the same limit and directory, empty */
static void
test_reuse(void **state)
{
	struct milter_spool	 s;
	const uint8_t		*msg;
	size_t			 len;
	int			 fd;

	(void)state;
	milter_spool_init(&s, 4, tmpdir);
	assert_int_equal(milter_spool_write(&s, "123456", 6), 0);
	milter_spool_free(&s);
	assert_int_equal(s.memlimit, 4);
	assert_ptr_equal(s.dir, tmpdir);
	assert_int_equal(s.fd, -1);
	assert_int_equal(s.len, 0);
	assert_int_equal(milter_spool_write(&s, "abc", 3), 0);
	assert_int_equal(milter_spool_finish(&s, &msg, &len, &fd), 0);
	assert_int_equal(fd, -1);
	assert_int_equal(len, 3);
	assert_memory_equal(msg, "abc", 3);
	milter_spool_free(&s);
	milter_spool_free(&s);
}

int
main(void)
{
	static const struct {
		const char		*name;
		CMUnitTestFunction	 fn;
	} other[] = {
		{ "file: unlinked and close-on-exec", test_file_unlinked },
		{ "fail: no directory, the failure sticks", test_no_dir },
		{ "fail: write and finish after finish", test_misuse },
		{ "fail: a total past SIZE_MAX", test_efbig },
		{ "free: empty and reusable, twice is safe", test_reuse },
	};
	struct CMUnitTest	 t[nitems(hdr_cases) + nitems(size_cases) +
				    nitems(other)];
	size_t			 i, n = 0;

	for (i = 0; i < nitems(hdr_cases); i++) {
		memset(&t[n], 0, sizeof(t[n]));
		t[n].name = hdr_cases[i].name;
		t[n].test_func = test_hdr_case;
		t[n++].initial_state = (void *)&hdr_cases[i];
	}
	for (i = 0; i < nitems(size_cases); i++) {
		memset(&t[n], 0, sizeof(t[n]));
		t[n].name = size_cases[i].name;
		t[n].test_func = test_size_case;
		t[n++].initial_state = (void *)&size_cases[i];
	}
	for (i = 0; i < nitems(other); i++) {
		memset(&t[n], 0, sizeof(t[n]));
		t[n].name = other[i].name;
		t[n++].test_func = other[i].fn;
	}
	return _cmocka_run_group_tests("milter_spool", t, n, setup, teardown);
}
