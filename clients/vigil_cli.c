/*
 * vigil_cli.c - vigil-cli: amavisd-new's command-line scanner
 *
 * NAME
 *	vigil-cli - scan the parts amavisd-new decoded, through vigild
 * SYNOPSIS
 *	vigil-cli [-c FILE] [-u NAME] [-s PATH] [--subdir]
 *	    [--action none|remove] [--all-match] DIR|FILE...
 * DESCRIPTION
 *	Opens every named file, and every regular file directly in each
 *	named directory (with --subdir, or subdir = yes in [cli], in its
 *	subdirectories too), and passes the descriptor to vigild over the
 *	native protocol (clients/vclient.h), one file at a time.  The
 *	daemon is the first of the [cli] daemon_addr sockets that answers
 *	(or -s PATH); when a connection breaks the next one is tried for
 *	the same file.  Output is one line per infected object and name,
 *	object="PATH", virus="NAME", action="none|removed", and one line
 *	per object that could not be scanned, object="PATH",
 *	notscanned="REASON"; PATH and the other fields escape '"', '\' and
 *	control bytes so that a hostile member name cannot forge a line.
 *	See vigil-cli.1.
 * DIAGNOSTICS
 *	Exit status: 0 clean; 1 infected; 2 infected and every infected file
 *	removed (--action remove); 3 nothing infected but something not
 *	scanned (encrypted, limits, unreadable); 4 vigild could not be
 *	reached or broke the protocol, so that something was not scanned
 *	and nothing was found infected; 5 usage, configuration or a local
 *	failure (out of memory, standard output not written).
 */
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "av/verdict.h"
#include "clients/vclient.h"
#include "conf/conf.h"
#include "daemon/native.h"
#include "util/path.h"

#define CLI_CONFIG	"/etc/vigil/vigil.cfg"
#define CLI_MAXDEPTH	64		/* directory levels under an operand */

#define EXIT_CLEAN	0
#define EXIT_INFECTED	1
#define EXIT_REMOVED	2
#define EXIT_NOTSCANNED	3
#define EXIT_DAEMON	4
#define EXIT_USAGE	5

struct cli {
	struct vclient		 vc;
	int			 connected;
	const char *const	*addr;		/* daemon sockets, in order */
	size_t			 naddr;
	size_t			 cur;		/* the one in use */
	int			 timeout;	/* ms */
	struct native_req	 rq;
	struct verdict		 v;
	int			 subdir;
	int			 remove;
	int			 daemon_lost;	/* no daemon answers any more */
	char			 why[256];	/* its last error */
	unsigned long		 infected;	/* files */
	unsigned long		 removed;
	unsigned long		 notscanned;	/* objects and paths */
};

static void	 usage(void) __attribute__((noreturn));
static void	 quote(const char *, const char *);
static void	 put_notscanned(const char *, const char *);
static int	 cli_config(struct cli *, struct conf **, const char *,
		    const char *, int, int, const char *, const char *);
static void	 cli_limits(const struct conf_view *, struct scan_limits *);
static int	 cli_connect(struct cli *, size_t);
static int	 cli_scan(struct cli *, int, const char *);
static void	 cli_report(struct cli *, const char *, int);
static int	 cli_remove(int, const char *, int);
static void	 cli_file(struct cli *, int, int, const char *, const char *);
static void	 cli_dir(struct cli *, int, const char *, int);
static void	 cli_operand(struct cli *, const char *);
static int	 namecmp(const void *, const void *);
static int	 join(char *, size_t, const char *, const char *);

/* usage - the synopsis on stderr, then the usage exit */
static void
usage(void)
{
	fprintf(stderr, "usage: vigil-cli [-c file] [-u name] [-s socket] "
	    "[--subdir] [--action none|remove]\n"
	    "                 [--all-match] dir|file ...\n");
	exit(EXIT_USAGE);
}

/* quote - a then b as one double-quoted string: \\, \" and \xHH escapes */
static void
quote(const char *a, const char *b)
{
	const char	*s;
	unsigned char	 ch;
	int		 k;

	putchar('"');
	for (k = 0; k < 2; k++)
		for (s = k == 0 ? a : b; *s != '\0'; s++) {
			ch = (unsigned char)*s;
			if (ch == '"' || ch == '\\')
				printf("\\%c", ch);
			else if (ch < 0x20 || ch == 0x7f)
				printf("\\x%02x", ch);
			else
				putchar(ch);
		}
	putchar('"');
}

/* put_notscanned - the line of a path that was not scanned */
static void
put_notscanned(const char *path, const char *reason)
{
	fputs("object=", stdout);
	quote(path, "");
	fputs(", notscanned=", stdout);
	quote(reason, "");
	putchar('\n');
}

/*
 * cli_config - load the configuration and fill c from the [cli] view of
 * user; command-line settings (subdir, action, allmatch, sock: -1 or NULL
 * when not given) win.  0, or -1 after a message.
 */
static int
cli_config(struct cli *c, struct conf **cp, const char *cfg,
    const char *user, int subdir, int allmatch, const char *action,
    const char *sock)
{
	static const char	*one[2];
	struct conf_view	 v;
	char			 err[1024];
	size_t			 i, n;
	uint64_t		 ms;

	if (cfg == NULL && access(CLI_CONFIG, F_OK) == 0)
		cfg = CLI_CONFIG;
	if ((*cp = conf_new()) == NULL) {
		fprintf(stderr, "vigil-cli: out of memory\n");
		return -1;
	}
	if (cfg != NULL && conf_load_file(*cp, cfg, err, sizeof(err)) == -1) {
		fprintf(stderr, "vigil-cli: %s\n", err);
		return -1;
	}
	conf_view(*cp, &v, CONF_SEC_CLI, NULL, user);
	c->subdir = subdir != -1 ? subdir : conf_get_bool(&v, CONF_K_SUBDIR);
	if (allmatch == 1 || conf_get_bool(&v, CONF_K_ALL_MATCH))
		c->rq.flags |= NATIVE_F_ALLMATCH;
	if (action == NULL)
		action = conf_get_str(&v, CONF_K_ACTION);
	if (strcmp(action, "none") == 0)
		c->remove = 0;
	else if (strcmp(action, "remove") == 0 ||
	    strcmp(action, "delete") == 0)
		c->remove = 1;
	else {
		fprintf(stderr, "vigil-cli: action %s: expected none or "
		    "remove (delete)\n", action);
		return -1;
	}
	ms = conf_get_duration(&v, CONF_K_DAEMON_TIMEOUT);
	c->timeout = ms > INT_MAX ? INT_MAX : (int)ms;
	if (sock != NULL) {
		one[0] = sock;
		one[1] = NULL;
		c->addr = one;
		c->naddr = 1;
	} else
		c->addr = conf_get_list(&v, CONF_K_DAEMON_ADDR, &c->naddr);
	for (i = 0, n = 0; i < c->naddr; i++)
		if (c->addr[i][0] == '/')
			n++;
		else
			fprintf(stderr, "vigil-cli: daemon_addr %s: only unix "
			    "sockets are supported, skipped\n", c->addr[i]);
	if (n == 0) {
		fprintf(stderr, "vigil-cli: daemon_addr names no unix "
		    "socket\n");
		return -1;
	}
	cli_limits(&v, &c->rq.lim);
	return 0;
}

/*
 * cli_limits - the scan limits set in the view (not defaults): the
 * daemon lowers its own to them, never raises one
 */
static void
cli_limits(const struct conf_view *v, struct scan_limits *l)
{
	memset(l, 0, sizeof(*l));
	if (conf_get_line(v, CONF_K_MAX_RECURSION) != 0)
		l->max_depth = (uint32_t)conf_get_int(v, CONF_K_MAX_RECURSION);
	if (conf_get_line(v, CONF_K_MAX_FILES) != 0)
		l->max_files = (uint32_t)conf_get_int(v, CONF_K_MAX_FILES);
	if (conf_get_line(v, CONF_K_MAX_FILESIZE) != 0)
		l->max_filesize = conf_get_size(v, CONF_K_MAX_FILESIZE);
	if (conf_get_line(v, CONF_K_MAX_SCANSIZE) != 0)
		l->max_scansize = conf_get_size(v, CONF_K_MAX_SCANSIZE);
	if (conf_get_line(v, CONF_K_MAX_RATIO) != 0)
		l->max_ratio = (uint32_t)conf_get_int(v, CONF_K_MAX_RATIO);
	if (conf_get_line(v, CONF_K_MAX_SCANTIME) != 0)
		l->max_time = (uint32_t)conf_get_duration(v,
		    CONF_K_MAX_SCANTIME);
}

/*
 * cli_connect - connect to the first daemon that answers, trying each
 * address once from index start on; 0, or -1 (c->why says why)
 */
static int
cli_connect(struct cli *c, size_t start)
{
	size_t	 k, i;

	if (c->connected) {
		vclient_close(&c->vc);
		c->connected = 0;
	}
	snprintf(c->why, sizeof(c->why), "no daemon_addr to connect to");
	for (k = 0; k < c->naddr; k++) {
		i = (start + k) % c->naddr;
		if (c->addr[i][0] != '/')
			continue;
		if (vclient_open(&c->vc, c->addr[i], c->timeout) == 0) {
			c->cur = i;
			c->connected = 1;
			return 0;
		}
		snprintf(c->why, sizeof(c->why), "%s", c->vc.text);
		vclient_close(&c->vc);
	}
	return -1;
}

/*
 * cli_scan - the verdict of fd into c->v, failing over to the next
 * daemon when a connection breaks or a daemon is stopping: 0, 1 when
 * a daemon refused the request (c->why says why), -1 when no daemon
 * answered (c->daemon_lost is then set)
 */
static int
cli_scan(struct cli *c, int fd, const char *path)
{
	const unsigned char	*p;
	size_t			 tries;
	int			 r;

	/* names with control bytes cannot travel; the daemon picks one */
	c->rq.name = path;
	if (strlen(path) > NATIVE_MAXNAME)
		c->rq.name = "";
	for (p = (const unsigned char *)path; *p != '\0'; p++)
		if (*p < 0x20 || *p == 0x7f)
			c->rq.name = "";
	for (tries = 0; tries <= c->naddr; tries++) {
		if (!c->connected && cli_connect(c, c->cur) == -1)
			break;
		r = vclient_scan_fd(&c->vc, fd, &c->rq, &c->v);
		if (r == 0)
			return 0;
		snprintf(c->why, sizeof(c->why), "%s", c->vc.text);
		if (r == 1 && c->vc.code != NATIVE_E_STOPPING)
			return 1;
		/* broken, or shutting down: the next daemon */
		vclient_close(&c->vc);
		c->connected = 0;
		c->cur = (c->cur + 1) % c->naddr;
	}
	c->daemon_lost = 1;
	fprintf(stderr, "vigil-cli: cannot reach vigild: %s\n", c->why);
	return -1;
}


/*
 * cli_report - the lines of c->v for the file path, whose own name in
 * the verdict is replaced by path; removed says what happened to it
 */
static void
cli_report(struct cli *c, const char *path, int removed)
{
	const struct verdict	*v = &c->v;
	const char		*root, *pre, *p;
	size_t			 nroot;
	uint32_t		 i, k, h;

	if (v->status == AV_INFECTED)
		c->infected++;
	else if (v->status == AV_NOTSCANNED)
		c->notscanned++;
	root = verdict_path(v, 0);
	nroot = strlen(root);
	for (i = 0; i < v->nobj; i++) {
		if (v->obj[i].status == AV_CLEAN)
			continue;
		pre = path;
		p = verdict_path(v, i);
		if (strncmp(p, root, nroot) == 0)
			p += nroot;
		else
			pre = "";	/* not under the root: as it came */
		if (v->obj[i].status == AV_NOTSCANNED) {
			fputs("object=", stdout);
			quote(pre, p);
			fputs(", notscanned=", stdout);
			quote(verdict_reason(v, i), "");
			putchar('\n');
			continue;
		}
		for (k = 0; (h = verdict_hit(v, i, k)) != UINT32_MAX; k++) {
			fputs("object=", stdout);
			quote(pre, p);
			fputs(", virus=", stdout);
			quote(verdict_name(v, h), "");
			printf(", action=\"%s\"\n", removed ? "removed" : "none");
		}
	}
}

/*
 * cli_remove - unlink name (in directory dfd) if it is still the file
 * open on fd, never through a symbolic link; 1 removed, 0 not
 */
static int
cli_remove(int dfd, const char *name, int fd)
{
	struct stat	 st, now;

	if (fstat(fd, &st) == -1 ||
	    fstatat(dfd, name, &now, AT_SYMLINK_NOFOLLOW) == -1) {
		fprintf(stderr, "vigil-cli: %s: not removed: %s\n", name,
		    strerror(errno));
		return 0;
	}
	if (st.st_dev != now.st_dev || st.st_ino != now.st_ino) {
		fprintf(stderr, "vigil-cli: %s: not removed: not the file "
		    "scanned (a symbolic link, or replaced)\n", name);
		return 0;
	}
	if (unlinkat(dfd, name, 0) == -1) {
		fprintf(stderr, "vigil-cli: %s: not removed: %s\n", name,
		    strerror(errno));
		return 0;
	}
	return 1;
}

/*
 * cli_file - scan the regular file open on fd, named name in directory
 * dfd and path for the report; remove it if asked and infected
 */
static void
cli_file(struct cli *c, int dfd, int fd, const char *path, const char *name)
{
	int	 r, removed = 0;

	if ((r = cli_scan(c, fd, path)) == -1)
		return;
	if (r == 1) {
		char	 why[300];

		snprintf(why, sizeof(why), "vigild: %s", c->why);
		put_notscanned(path, why);
		c->notscanned++;
		return;
	}
	if (c->v.status == AV_INFECTED && c->remove &&
	    (removed = cli_remove(dfd, name, fd)) == 1)
		c->removed++;
	cli_report(c, path, removed);
}

/* namecmp - qsort() order of directory entries: bytes */
static int
namecmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* join - "dir/name" into dst, without a doubled '/'; 0 or -1 */
static int
join(char *dst, size_t len, const char *dir, const char *name)
{
	size_t	 n = strlen(dir);

	if (n > 0 && dir[n - 1] == '/')
		return path_fmt(dst, len, "%s%s", dir, name);
	return path_join(dst, len, dir, name);
}

/*
 * cli_dir - the regular files of the directory open on dfd (closed
 * here), in byte order of their names, and its subdirectories with
 * --subdir; symbolic links, devices, FIFOs and sockets are skipped
 */
static void
cli_dir(struct cli *c, int dfd, const char *path, int depth)
{
	struct dirent	*de;
	struct stat	 st;
	DIR		*d;
	char		**names = NULL, **nn, sub[PATH_MAX];
	size_t		 n = 0, cap = 0, i;
	int		 fd;

	if ((d = fdopendir(dfd)) == NULL) {
		put_notscanned(path, strerror(errno));
		c->notscanned++;
		close(dfd);
		return;
	}
	for (errno = 0; (de = readdir(d)) != NULL; errno = 0) {
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		if (n == cap) {
			cap = cap == 0 ? 64 : cap * 2;
			if ((nn = reallocarray(names, cap, sizeof(*nn))) ==
			    NULL)
				goto nomem;
			names = nn;
		}
		if ((names[n] = strdup(de->d_name)) == NULL)
			goto nomem;
		n++;
	}
	if (errno != 0) {
		put_notscanned(path, strerror(errno));
		c->notscanned++;
	}
	if (n > 0)
		qsort(names, n, sizeof(*names), namecmp);
	for (i = 0; i < n && !c->daemon_lost; i++) {
		if (join(sub, sizeof(sub), path, names[i]) == -1) {
			put_notscanned(names[i], strerror(errno));
			c->notscanned++;
			continue;
		}
		if (fstatat(dfd, names[i], &st, AT_SYMLINK_NOFOLLOW) == -1) {
			if (errno != ENOENT) {	/* gone: nothing to scan */
				put_notscanned(sub, strerror(errno));
				c->notscanned++;
			}
			continue;
		}
		if (S_ISDIR(st.st_mode) && !c->subdir)
			continue;
		if (S_ISDIR(st.st_mode) && depth >= CLI_MAXDEPTH) {
			put_notscanned(sub, "limit: directory depth");
			c->notscanned++;
			continue;
		}
		if (!S_ISDIR(st.st_mode) && !S_ISREG(st.st_mode))
			continue;
		fd = openat(dfd, names[i], O_RDONLY | O_NOFOLLOW | O_NOCTTY |
		    O_NONBLOCK | O_CLOEXEC |
		    (S_ISDIR(st.st_mode) ? O_DIRECTORY : 0));
		if (fd == -1) {
			if (errno != ENOENT && errno != ELOOP) {
				put_notscanned(sub, strerror(errno));
				c->notscanned++;
			}
			continue;
		}
		if (S_ISDIR(st.st_mode)) {
			cli_dir(c, fd, sub, depth + 1);
			continue;
		}
		/* replaced by something else since fstatat(): skip it */
		if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode))
			cli_file(c, dfd, fd, sub, names[i]);
		close(fd);
	}
	goto done;
nomem:
	/* found wins, even now */
	fprintf(stderr, "vigil-cli: out of memory\n");
	fflush(stdout);
	exit(c->infected > 0 ? EXIT_INFECTED : EXIT_USAGE);
done:
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	closedir(d);
}

/* cli_operand - a file or directory named on the command line */
static void
cli_operand(struct cli *c, const char *path)
{
	struct stat	 st;
	int		 fd;

	/* the operand itself may be a symbolic link: followed */
	fd = open(path, O_RDONLY | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
	if (fd == -1 || fstat(fd, &st) == -1) {
		put_notscanned(path, strerror(errno));
		c->notscanned++;
		if (fd != -1)
			close(fd);
		return;
	}
	if (S_ISDIR(st.st_mode)) {
		cli_dir(c, fd, path, 0);
		return;
	}
	if (S_ISREG(st.st_mode))
		cli_file(c, AT_FDCWD, fd, path, path);
	else {
		put_notscanned(path, "not a regular file or directory");
		c->notscanned++;
	}
	close(fd);
}

/* main - options, configuration, the operands, one exit status */
int
main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "user", required_argument, NULL, 'u' },
		{ "socket", required_argument, NULL, 's' },
		{ "subdir", no_argument, NULL, 'r' },
		{ "action", required_argument, NULL, 'A' },
		{ "all-match", no_argument, NULL, 'a' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	static char	 prog[] = "vigil-cli";
	struct cli	 c;
	struct conf	*conf = NULL;
	const char	*cfg = NULL, *user = NULL, *sock = NULL;
	const char	*action = NULL;
	int		 ch, i, subdir = -1, allmatch = -1, status;

	argv[0] = prog;		/* getopt_long()'s messages name it so */
	while ((ch = getopt_long(argc, argv, "c:u:s:rah", longopts, NULL))
	    != -1) {
		switch (ch) {
		case 'c':
			cfg = optarg;
			break;
		case 'u':
			user = optarg;
			break;
		case 's':
			sock = optarg;
			break;
		case 'r':
			subdir = 1;
			break;
		case 'A':
			action = optarg;
			break;
		case 'a':
			allmatch = 1;
			break;
		default:
			usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (argc < 1)
		usage();
	if (sock != NULL && sock[0] != '/') {
		fprintf(stderr, "vigil-cli: --socket %s: not an absolute "
		    "path\n", sock);
		return EXIT_USAGE;
	}
	if (user != NULL && (user[0] == '\0' || strlen(user) >
	    NATIVE_MAXNAME)) {
		fprintf(stderr, "vigil-cli: --user: a name of 1 to %d bytes\n",
		    NATIVE_MAXNAME);
		return EXIT_USAGE;
	}
	memset(&c, 0, sizeof(c));
	c.vc.sock = -1;
	c.rq.agent = "vigil-cli";
	c.rq.user = user != NULL ? user : "";
	c.rq.rcpt = "";
	if (cli_config(&c, &conf, cfg, user, subdir, allmatch, action,
	    sock) == -1) {
		conf_free(conf);
		return EXIT_USAGE;
	}
	verdict_init(&c.v);
	if (cli_connect(&c, 0) == -1) {
		fprintf(stderr, "vigil-cli: cannot reach vigild: %s\n", c.why);
		c.daemon_lost = 1;
	}
	for (i = 0; i < argc && !c.daemon_lost; i++)
		cli_operand(&c, argv[i]);
	if (c.connected)
		vclient_close(&c.vc);
	verdict_free(&c.v);
	conf_free(conf);

	if (c.infected > 0)
		status = c.remove && c.removed == c.infected ? EXIT_REMOVED :
		    EXIT_INFECTED;
	else if (c.daemon_lost)
		status = EXIT_DAEMON;
	else if (c.notscanned > 0)
		status = EXIT_NOTSCANNED;
	else
		status = EXIT_CLEAN;
	if (fflush(stdout) == EOF || ferror(stdout)) {
		fprintf(stderr, "vigil-cli: standard output: %s\n",
		    strerror(errno));
		if (c.infected == 0)
			status = EXIT_USAGE;
	}
	return status;
}
