/*
 * detach.c - a daemon leaves its terminal (detach.h)
 */
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

#include "util/detach.h"
#include "util/log.h"

/* detach - fork, setsid, chdir /, stdio to /dev/null, pid file */
void
detach(const char *pidfile)
{
	FILE	*fp;
	int	 fd;

	switch (fork()) {
	case -1:
		fatal("%s: fork", __func__);
	case 0:
		break;
	default:
		_exit(0);
	}
	if (setsid() == -1)
		fatal("%s: setsid", __func__);
	if (chdir("/") == -1)
		fatal("%s: chdir(/)", __func__);
	if ((fd = open("/dev/null", O_RDWR)) != -1) {
		dup2(fd, 0);
		dup2(fd, 1);
		dup2(fd, 2);
		if (fd > 2)
			close(fd);
	}
	if (pidfile == NULL || pidfile[0] == '\0')
		return;
	if ((fp = fopen(pidfile, "we")) == NULL)
		fatal("%s: fopen(%s) failed", __func__, pidfile);
	fprintf(fp, "%ld\n", (long)getpid());
	if (fclose(fp) == EOF)
		fatal("%s: write(%s) failed", __func__, pidfile);
}
