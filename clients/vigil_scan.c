/*
 * vigil_scan.c - vigil-scan: on-demand scanner
 *
 * NAME
 *	vigil-scan - scan files and directories for malware
 * SYNOPSIS
 *	vigil-scan --db MODULE|DIR [-rv] [--quiet] [--all-match]
 *	    [--no-summary] [--stats] [--heuristic-alerts] [--max-* LIMIT]
 *	    [-f LIST] PATH...
 * DESCRIPTION
 *	Standalone mode (--db): maps the compiled database in this process
 *	and scans every named file, and directories recursively, with the
 *	whole pipeline (archives, mail, encodings), printing "OBJECT: NAME
 *	FOUND" per detection and "OBJECT: REASON NOT SCANNED" for what could
 *	not be scanned.  The daemon mode joins with vigild.
 *	See vigil-scan.1.
 * DIAGNOSTICS
 *	Exit status: 0 nothing found, 1 something found, 2 errors only
 *	(unreadable paths, database problems).
 */
#include <sys/mman.h>
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <bsd/stdlib.h>

#include "util/log.h"
#include "util/path.h"
#include "av/averr.h"
#include "av/exitcodes.h"
#include "conf/conf.h"
#include "shm/gen.h"
#include "workers/pipeline.h"

#define SC_CONFIG	"/etc/vigil/vigil.cfg"
#define SC_SET(c)	(1U << ((c) - 'A'))	/* an option letter */

struct scan {
	struct pipeline		*pl;
	struct scan_limits	 lim;
	struct verdict		 v;
	unsigned		 flags;
	int			 verbose;
	int			 quiet;
	uint64_t		 files;
	uint64_t		 bytes;
	uint64_t		 infected;
	uint64_t		 notscanned;
	uint64_t		 objects;
	uint64_t		 errors;
};

static void	 usage(void) __attribute__((noreturn));
static double	 now(void);
static void	 scan_error(struct scan *, const char *, const char *);
static void	 scan_file(struct scan *, const char *, int);
static void	 scan_path(struct scan *, const char *, int);
static void	 scan_list(struct scan *, const char *);
static void	 scan_report(struct scan *);
static uint64_t	 parse_size(const char *, const char *);
static void	 scan_config(const char *, struct scan_limits *, unsigned,
		    const char **);
int		 scan_main(int, char **);

/* usage - how to call us */
static void
usage(void)
{
	fprintf(stderr,
	    "usage: vigil-scan [-c FILE] [--db MODULE|DIR] [-rv] [--quiet] "
	    "[--all-match] [--no-summary]\n"
	    "                  [--stats] [--heuristic-alerts] "
	    "[--max-recursion N] [--max-files N]\n"
	    "                  [--max-filesize SIZE] [--max-scansize SIZE] "
	    "[--max-ratio N]\n"
	    "                  [--max-scantime MS] [-f LIST] PATH...\n");
	exit(AV_EXIT_ERROR);
}

/* now - monotonic seconds */
static double
now(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* scan_error - a path that could not be scanned */
static void
scan_error(struct scan *s, const char *path, const char *why)
{
	s->errors++;
	fprintf(stderr, "vigil-scan: %s: %s\n", path, why);
}

/* scan_report - the lines of one input's verdict */
static void
scan_report(struct scan *s)
{
	const struct verdict	*v = &s->v;
	uint32_t		 i, k, h;

	for (i = 0; i < v->nobj; i++) {
		const struct av_object	*o = &v->obj[i];

		if (o->status == AV_INFECTED)
			for (k = 0; (h = verdict_hit(v, i, k)) != UINT32_MAX;
			    k++)
				printf("%s: %s FOUND\n", verdict_path(v, i),
				    verdict_name(v, h));
		else if (o->status == AV_NOTSCANNED && !s->quiet)
			printf("%s: %s NOT SCANNED\n", verdict_path(v, i),
			    verdict_reason(v, i));
	}
	if (v->status == AV_CLEAN && s->verbose)
		printf("%s: OK\n", verdict_path(v, 0));
}

/* scan_file - scan one regular file (fd open) */
static void
scan_file(struct scan *s, const char *path, int fd)
{
	struct stat		 st;
	const uint8_t		*p = NULL;
	int			 n;

	if (fstat(fd, &st) == -1) {
		scan_error(s, path, strerror(errno));
		return;
	}
	if (st.st_size > 0) {
		p = mmap(NULL, st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
		if (p == MAP_FAILED) {
			scan_error(s, path, strerror(errno));
			return;
		}
		(void)madvise((void *)(uintptr_t)p, st.st_size,
		    MADV_SEQUENTIAL);
	}
	n = pipeline_run(s->pl, p, st.st_size, path, &s->lim, s->flags,
	    &s->v);
	if (p != NULL)
		munmap((void *)(uintptr_t)p, st.st_size);
	s->files++;
	s->bytes += st.st_size;
	s->objects += s->v.nobj;
	if (n == -1) {
		scan_error(s, path, strerror(errno));
		return;
	}
	if (s->v.status == AV_INFECTED)
		s->infected++;
	else if (s->v.status == AV_NOTSCANNED)
		s->notscanned++;
	scan_report(s);
}

/* parse_size - "10M" and the like */
static uint64_t
parse_size(const char *opt, const char *arg)
{
	char		*end;
	uint64_t	 v, mul = 1;

	errno = 0;
	v = strtoull(arg, &end, 10);
	if (errno != 0 || end == arg)
		fatalx("%s %s: not a size", opt, arg);
	switch (*end) {
	case 'k':
	case 'K':
		mul = 1ULL << 10;
		end++;
		break;
	case 'm':
	case 'M':
		mul = 1ULL << 20;
		end++;
		break;
	case 'g':
	case 'G':
		mul = 1ULL << 30;
		end++;
		break;
	default:
		break;
	}
	if (*end != '\0' || v > UINT64_MAX / mul)
		fatalx("%s %s: not a size", opt, arg);
	return v * mul;
}

/* scan_path - a file or a directory tree; top: named by the user */
static void
scan_path(struct scan *s, const char *path, int top)
{
	struct stat	 st;
	DIR		*d;
	struct dirent	*de;
	char		 sub[4096];
	int		 fd;

	if ((top ? stat(path, &st) : lstat(path, &st)) == -1) {
		scan_error(s, path, strerror(errno));
		return;
	}
	if (S_ISLNK(st.st_mode))
		return;		/* not followed inside trees */
	if (S_ISDIR(st.st_mode)) {
		if ((d = opendir(path)) == NULL) {
			scan_error(s, path, strerror(errno));
			return;
		}
		while ((de = readdir(d)) != NULL) {
			if (strcmp(de->d_name, ".") == 0 ||
			    strcmp(de->d_name, "..") == 0)
				continue;
			if (path_join(sub, sizeof(sub), strcmp(path, "/") ?
			    path : "", de->d_name) == -1) {
				scan_error(s, de->d_name, "path too long");
				continue;
			}
			scan_path(s, sub, 0);
		}
		closedir(d);
		return;
	}
	if (!S_ISREG(st.st_mode))
		return;		/* devices, fifos, sockets */
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY |
	    (top ? 0 : O_NOFOLLOW))) == -1) {
		scan_error(s, path, strerror(errno));
		return;
	}
	scan_file(s, path, fd);
	close(fd);
}

/* scan_list - every path named in a file, one per line */
static void
scan_list(struct scan *s, const char *list)
{
	FILE	*f;
	char	*line = NULL;
	size_t	 cap = 0;
	ssize_t	 n;

	if ((f = strcmp(list, "-") == 0 ? stdin : fopen(list, "r")) == NULL) {
		scan_error(s, list, strerror(errno));
		return;
	}
	while ((n = getline(&line, &cap, f)) != -1) {
		if (n > 0 && line[n - 1] == '\n')
			line[--n] = '\0';
		if (n > 0)
			scan_path(s, line, 1);
	}
	free(line);
	if (f != stdin)
		fclose(f);
}

/*
 * scan_config - the [scan] section of vigil.cfg (file, or the default
 * file when it exists): limits not given as options, and base_dir as the
 * database when --db is not given.  A bad file is fatal, with file:line.
 */
static void
scan_config(const char *file, struct scan_limits *lim, unsigned set,
    const char **db)
{
	static struct conf	*c;
	struct conf_view	 v;
	char			 err[512];

	if (file == NULL) {
		if (access(SC_CONFIG, F_OK) == -1)
			return;
		file = SC_CONFIG;
	}
	if ((c = conf_new()) == NULL)
		fatal("conf_new");
	if (conf_load_file(c, file, err, sizeof(err)) == -1) {
		log_warnx("%s", err);
		exit(AV_EXIT_ERROR);
	}
	if (conf_view(c, &v, CONF_SEC_SCAN, NULL, NULL) == -1)
		fatal("conf_view");
	if (!(set & SC_SET('R')))
		lim->max_depth = (uint32_t)conf_get_int(&v,
		    CONF_K_MAX_RECURSION);
	if (!(set & SC_SET('F')))
		lim->max_files = (uint32_t)conf_get_int(&v, CONF_K_MAX_FILES);
	if (!(set & SC_SET('S')))
		lim->max_filesize = conf_get_size(&v, CONF_K_MAX_FILESIZE);
	if (!(set & SC_SET('Z')))
		lim->max_scansize = conf_get_size(&v, CONF_K_MAX_SCANSIZE);
	if (!(set & SC_SET('X')))
		lim->max_ratio = (uint32_t)conf_get_int(&v, CONF_K_MAX_RATIO);
	if (!(set & SC_SET('M')))
		lim->max_time = (uint32_t)conf_get_duration(&v,
		    CONF_K_MAX_SCANTIME);
	if (!(set & SC_SET('H')))
		lim->heuristics = conf_get_bool(&v, CONF_K_HEURISTIC_ALERTS);
	if (*db == NULL)
		*db = conf_get_str(&v, CONF_K_BASE_DIR);
}

/* scan_main - the program */
int
scan_main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "db", required_argument, NULL, 'd' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "all-match", no_argument, NULL, 'a' },
		{ "no-summary", no_argument, NULL, 'N' },
		{ "stats", no_argument, NULL, 'T' },
		{ "file-list", required_argument, NULL, 'f' },
		{ "recursive", no_argument, NULL, 'r' },
		{ "heuristic-alerts", no_argument, NULL, 'H' },
		{ "max-recursion", required_argument, NULL, 'R' },
		{ "max-files", required_argument, NULL, 'F' },
		{ "max-filesize", required_argument, NULL, 'S' },
		{ "max-scansize", required_argument, NULL, 'Z' },
		{ "max-ratio", required_argument, NULL, 'X' },
		{ "max-scantime", required_argument, NULL, 'M' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char	*errstr;
	struct scan	 s;
	struct gen	 g;
	const char	*db = NULL, *list = NULL, *cfg = NULL;
	unsigned	 set = 0;		/* limits given as options */
	double		 t0, t1, t2;
	uint64_t	 nsigs = 0;
	size_t		 i;
	int		 ch, summary = 1, stats = 0;

	log_procinit("vigil-scan");
	memset(&s, 0, sizeof(s));
	scan_limits_default(&s.lim);
	verdict_init(&s.v);
	while ((ch = getopt_long(argc, argv, "c:d:vqaf:rh", longopts, NULL))
	    != -1) {
		switch (ch) {
		case 'c':
			cfg = optarg;
			break;
		case 'd':
			db = optarg;
			break;
		case 'v':
			s.verbose = 1;
			break;
		case 'q':
			s.quiet = 1;
			summary = 0;
			break;
		case 'a':
			s.flags |= MATCH_ALL;
			break;
		case 'N':
			summary = 0;
			break;
		case 'T':
			stats = 1;
			break;
		case 'f':
			list = optarg;
			break;
		case 'r':
			break;		/* directories are always walked */
		case 'H':
			set |= SC_SET('H');
			s.lim.heuristics = 1;
			break;
		case 'R':
			set |= SC_SET('R');
			s.lim.max_depth = strtonum(optarg, 0, 1000, &errstr);
			if (errstr != NULL)
				fatalx("--max-recursion %s: %s", optarg, errstr);
			break;
		case 'F':
			set |= SC_SET('F');
			s.lim.max_files = strtonum(optarg, 0, UINT32_MAX,
			    &errstr);
			if (errstr != NULL)
				fatalx("--max-files %s: %s", optarg, errstr);
			break;
		case 'S':
			set |= SC_SET('S');
			s.lim.max_filesize = parse_size("--max-filesize",
			    optarg);
			break;
		case 'Z':
			set |= SC_SET('Z');
			s.lim.max_scansize = parse_size("--max-scansize",
			    optarg);
			break;
		case 'X':
			set |= SC_SET('X');
			s.lim.max_ratio = strtonum(optarg, 0, UINT32_MAX,
			    &errstr);
			if (errstr != NULL)
				fatalx("--max-ratio %s: %s", optarg, errstr);
			break;
		case 'M':
			set |= SC_SET('M');
			s.lim.max_time = strtonum(optarg, 0, UINT32_MAX,
			    &errstr);
			if (errstr != NULL)
				fatalx("--max-scantime %s: %s", optarg, errstr);
			break;
		default:
			usage();
		}
	}
	argc -= optind;
	argv += optind;
	scan_config(cfg, &s.lim, set, &db);
	if (db == NULL) {
		log_warnx("the daemon mode needs vigild; use --db MODULE|DIR");
		usage();
	}
	if (argc == 0 && list == NULL)
		usage();

	t0 = now();
	if (gen_open(&g, db) == -1) {
		log_warnx("%s", g.err);
		return AV_EXIT_ERROR;
	}
	if ((s.pl = pipeline_new(g.views, g.nmods)) == NULL)
		fatal("pipeline_new");
	t1 = now();
	for (i = 0; i < g.nmods; i++)
		nsigs += g.views[i]->hdr->nhash + g.views[i]->hdr->nbody;

	for (i = 0; i < (size_t)argc; i++)
		scan_path(&s, argv[i], 1);
	if (list != NULL)
		scan_list(&s, list);
	t2 = now();
	fflush(stdout);

	if (summary) {
		printf("\n----------- SCAN SUMMARY -----------\n");
		printf("Known signatures: %llu\n", (unsigned long long)nsigs);
		printf("Engine version: Vigil %s\n", VIGIL_VERSION);
		printf("Database serial: %llu\n",
		    (unsigned long long)g.serial);
		printf("Scanned files: %llu\n", (unsigned long long)s.files);
		printf("Infected files: %llu\n",
		    (unsigned long long)s.infected);
		printf("Not scanned files: %llu\n",
		    (unsigned long long)s.notscanned);
		printf("Objects scanned: %llu\n",
		    (unsigned long long)s.objects);
		printf("Errors: %llu\n", (unsigned long long)s.errors);
		printf("Data scanned: %.2f MB\n", s.bytes / 1048576.0);
		printf("Time: %.3f sec\n", t2 - t0);
		printf("Throughput: %.1f MB/s\n",
		    t2 > t1 ? s.bytes / 1048576.0 / (t2 - t1) : 0.0);
	}
	if (stats)
		fprintf(stderr, "stats: load_ms=%.3f files=%llu bytes=%llu "
		    "scan_s=%.3f mbps=%.1f infected=%llu notscanned=%llu "
		    "objects=%llu\n", (t1 - t0) * 1000,
		    (unsigned long long)s.files, (unsigned long long)s.bytes,
		    t2 - t1, t2 > t1 ? s.bytes / 1048576.0 / (t2 - t1) : 0.0,
		    (unsigned long long)s.infected,
		    (unsigned long long)s.notscanned,
		    (unsigned long long)s.objects);
	verdict_free(&s.v);
	pipeline_free(s.pl);
	gen_close(&g);
	if (s.infected)
		return AV_EXIT_INFECTED;
	return s.errors ? AV_EXIT_ERROR : AV_EXIT_CLEAN;
}

int
main(int argc, char **argv)
{
	return scan_main(argc, argv);
}
