/*
 * vigil_compile.c - vigil-compile: signature sources to a loading module
 *
 * NAME
 *	vigil-compile - compile ClamAV signature sources into a Vigil module
 * SYNOPSIS
 *	vigil-compile [-qv] [--strict] [--pua] [--serial N] [--name NAME]
 *	    [--flevel N] -o OUT SOURCE...
 *	vigil-compile [...] [--update] --install BASEDIR SOURCE...
 *	vigil-compile [...] [-c FILE] [--update] -i SOURCE...
 * DESCRIPTION
 *	Reads .hdb .hsb .fp .sfp .ndb .ldb .ign .ign2 files, .cvd/.cld
 *	containers, directories of them and NAME.gz of any, and writes one
 *	module (-o) or installs a new generation in BASEDIR (-i: the
 *	base_dir of vigil.cfg).  --update keeps the current generation's
 *	other modules (hard links).  Prints what it compiled unless -q.
 *	See vigil-compile.1.
 * DIAGNOSTICS
 *	Malformed lines: "file:line: reason" on stderr.  Exit status: 0 done,
 *	64 usage, 65 nothing to compile or --strict error, 66 a source is
 *	missing or unreadable, 73 the output cannot be created, 74 I/O error,
 *	78 a bad configuration file (file:line).
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
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
#include "signatures/cset.h"
#include "signatures/sigsrc.h"
#include "signatures/vmod.h"

#define CO_CONFIG	"/etc/vigil/vigil.cfg"

struct copts {
	int		 quiet;
	int		 verbose;
	unsigned long	 nreported;
};

static void	 usage(void) __attribute__((noreturn));
static void	 report(void *, const char *, unsigned long, const char *);
static double	 now(void);
static int	 write_module(const char *, const uint8_t *, size_t);
static char	*config_basedir(const char *);
static void	 print_stats(const struct cset_stats *, const char *, size_t,
		    uint64_t, double, double);
int		 compile_main(int, char **);

/* usage - how to call us */
static void
usage(void)
{
	fprintf(stderr,
	    "usage: vigil-compile [-qv] [--strict] [--pua] [--serial N] "
	    "[--name NAME]\n"
	    "                     [--flevel N] -o OUT SOURCE...\n"
	    "       vigil-compile [options] [--update] --install BASEDIR "
	    "SOURCE...\n"
	    "       vigil-compile [options] [-c FILE] [--update] -i "
	    "SOURCE...\n");
	exit(EX_USAGE);
}

/* report - a line that was not compiled */
static void
report(void *arg, const char *file, unsigned long line, const char *why)
{
	struct copts	*o = arg;

	o->nreported++;
	if (o->nreported == 1000 && !o->verbose) {
		fprintf(stderr, "vigil-compile: further errors not shown "
		    "(-v shows all)\n");
		return;
	}
	if (o->nreported > 1000 && !o->verbose)
		return;
	fprintf(stderr, "%s:%lu: %s\n", file, line, why);
}

/* now - monotonic seconds */
static double
now(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* write_module - write aside, fsync, rename into place */
static int
write_module(const char *out, const uint8_t *img, size_t size)
{
	char	 tmp[4096];
	ssize_t	 w;
	size_t	 off = 0;
	int	 fd, saved;

	if (path_fmt(tmp, sizeof(tmp), "%s.tmp.%ld", out, (long)getpid()) == -1)
		return -1;
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644))
	    == -1)
		return -1;
	while (off < size) {
		if ((w = write(fd, img + off, size - off)) == -1) {
			if (errno == EINTR)
				continue;
			goto fail;
		}
		off += w;
	}
	if (fsync(fd) == -1 || close(fd) == -1) {
		fd = -1;
		goto fail;
	}
	fd = -1;
	if (rename(tmp, out) == -1)
		goto fail;
	return 0;
fail:
	saved = errno;
	if (fd != -1)
		close(fd);
	unlink(tmp);
	errno = saved;
	return -1;
}

/* print_stats - what was compiled */
static void
print_stats(const struct cset_stats *st, const char *out, size_t size,
    uint64_t serial, double tparse, double tbuild)
{
	uint64_t	 skipped = 0;
	int		 r;

	for (r = 0; r < CR_NREASONS; r++)
		skipped += st->skipped[r];
	printf("sources:          %llu files, %llu lines\n",
	    (unsigned long long)st->files, (unsigned long long)st->lines);
	printf("hash signatures:  md5 %llu, sha1 %llu, sha256 %llu\n",
	    (unsigned long long)st->hash[0], (unsigned long long)st->hash[1],
	    (unsigned long long)st->hash[2]);
	printf("allow-list:       md5 %llu, sha1 %llu, sha256 %llu\n",
	    (unsigned long long)st->fp[0], (unsigned long long)st->fp[1],
	    (unsigned long long)st->fp[2]);
	printf("body signatures:  ndb %llu, ldb %llu (%llu subsignatures)\n",
	    (unsigned long long)st->ndb, (unsigned long long)st->ldb,
	    (unsigned long long)st->subsigs);
	printf("patterns:         %llu: %llu at fixed offsets, %llu matched "
	    "part by part\n", (unsigned long long)st->patterns,
	    (unsigned long long)st->direct,
	    (unsigned long long)st->chained);
	printf("anchors:          %llu of 4 bytes, %llu of 2 bytes\n",
	    (unsigned long long)st->anchors4,
	    (unsigned long long)st->anchors2);
	printf("shared patterns:  %llu identical to another signature's\n",
	    (unsigned long long)st->shared);
	printf("prefilter keys:   %llu\n", (unsigned long long)st->keys);
	printf("ignore names:     %llu\n", (unsigned long long)st->ignores);
	printf("skipped:          %llu\n", (unsigned long long)skipped);
	for (r = 0; r < CR_NREASONS; r++)
		if (st->skipped[r] != 0)
			printf("  %10llu  %s\n",
			    (unsigned long long)st->skipped[r],
			    cset_reason_str(r));
	printf("module:           %s, %.1f MB, serial %llu\n", out,
	    size / 1048576.0, (unsigned long long)serial);
	printf("time:             %.2f s parsing, %.2f s building\n", tparse,
	    tbuild);
}

/*
 * config_basedir - base_dir of vigil.cfg (file, or the default file when
 * it exists, else the built-in default); a bad file is fatal, with
 * file:line
 */
static char *
config_basedir(const char *file)
{
	struct conf	*c;
	struct conf_view v;
	char		 err[512], *dir;

	if ((c = conf_new()) == NULL)
		fatal("conf_new");
	if (file == NULL && access(CO_CONFIG, F_OK) == 0)
		file = CO_CONFIG;
	if (file != NULL && conf_load_file(c, file, err, sizeof(err)) == -1) {
		log_warnx("%s", err);
		exit(EX_CONFIG);
	}
	if (conf_view(c, &v, CONF_SEC_GLOBAL, NULL, NULL) == -1)
		fatal("conf_view");
	if ((dir = strdup(conf_get_str(&v, CONF_K_BASE_DIR))) == NULL)
		fatal("strdup");
	conf_free(c);
	return dir;
}

/* compile_main - the program */
int
compile_main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "strict", no_argument, NULL, 's' },
		{ "pua", no_argument, NULL, 'p' },
		{ "serial", required_argument, NULL, 'S' },
		{ "name", required_argument, NULL, 'n' },
		{ "flevel", required_argument, NULL, 'F' },
		{ "install", required_argument, NULL, 'I' },
		{ "update", no_argument, NULL, 'U' },
		{ "config", required_argument, NULL, 'c' },
		{ "output", required_argument, NULL, 'o' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct cset_opts	 o;
	struct copts		 co;
	struct cset		*cs;
	const char		*out = NULL, *install = NULL, *name = NULL;
	const char		*errstr, *config = NULL;
	char			*confdir = NULL;
	uint8_t			*img = NULL;
	size_t			 size = 0;
	uint64_t		 serial = 0;
	double			 t0, t1, t2;
	char			 gendir[4096];
	unsigned		 gflags = 0;
	int			 ch, i, ex = 0, confinst = 0;

	log_procinit("vigil-compile");
	memset(&o, 0, sizeof(o));
	memset(&co, 0, sizeof(co));
	while ((ch = getopt_long(argc, argv, "c:io:qvh", longopts,
	    NULL)) != -1) {
		switch (ch) {
		case 's':
			o.strict = 1;
			break;
		case 'p':
			o.pua = 1;
			break;
		case 'S':
			serial = strtonum(optarg, 1, LLONG_MAX, &errstr);
			if (errstr != NULL)
				fatalx("--serial %s: %s", optarg, errstr);
			break;
		case 'n':
			name = optarg;
			break;
		case 'F':
			o.flevel = strtonum(optarg, 1, UINT32_MAX, &errstr);
			if (errstr != NULL)
				fatalx("--flevel %s: %s", optarg, errstr);
			break;
		case 'I':
			install = optarg;
			break;
		case 'U':
			gflags |= GEN_KEEP;
			break;
		case 'c':
			config = optarg;
			break;
		case 'i':
			confinst = 1;
			break;
		case 'o':
			out = optarg;
			break;
		case 'q':
			co.quiet = 1;
			break;
		case 'v':
			co.verbose = 1;
			o.verbose = 1;
			break;
		default:
			usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (confinst) {
		if (install != NULL)
			usage();
		install = confdir = config_basedir(config);
	} else if (config != NULL)
		free(config_basedir(config));	/* checked all the same */
	if (argc == 0 || (out == NULL) == (install == NULL) ||
	    (gflags != 0 && install == NULL))
		usage();
	if (name == NULL)
		name = "vigil";
	if (strchr(name, '/') != NULL || name[0] == '.' ||
	    strlen(name) >= VMOD_NAMELEN)
		fatalx("--name %s: not a valid module name", name);
	o.report = report;
	o.arg = &co;

	if ((cs = cset_new(&o)) == NULL)
		fatal("cset_new");
	t0 = now();
	/* two passes: ignore lists first, so that they apply to the rest */
	for (i = 0; i < 2 * argc; i++) {
		int	 k = sigsrc_kind(argv[i % argc]);
		int	 ign = k == SRC_IGN || k == SRC_IGN2;

		if ((i < argc) != ign)
			continue;
		if (sigsrc_load_path(cs, argv[i % argc]) == -1) {
			if (errno == AV_ESYNTAX) {
				log_warnx("%s: stopped at the first error "
				    "(--strict)", argv[i % argc]);
				ex = EX_DATAERR;
			} else if (errno == EINVAL) {
				log_warnx("%s: not a signature source (unknown "
				    "file type)", argv[i % argc]);
				ex = EX_NOINPUT;
			} else if (errno == ENOMEM) {
				fatalx("%s: out of memory", argv[i % argc]);
			} else {
				log_warnx("%s: %s", argv[i % argc],
				    av_strerror(errno));
				ex = EX_NOINPUT;
			}
			goto done;
		}
	}
	t1 = now();
	if (serial == 0)
		serial = install ? gen_next_serial(install) :
		    (uint64_t)time(NULL);
	if (serial == 0) {
		log_warnx("%s: no serial left after the largest generation",
		    install);
		ex = EX_CANTCREAT;
		goto done;
	}
	if (cset_build(cs, serial, name, &img, &size) == -1) {
		if (errno == AV_ENOSIGS) {
			log_warnx("no signatures to compile");
			ex = EX_DATAERR;
			goto done;
		}
		fatal("cset_build");
	}
	t2 = now();
	if (install != NULL) {
		const char	*names[1] = { name };
		const uint8_t	*imgs[1] = { img };
		size_t		 sizes[1] = { size };

		if (gen_install(install, serial, names, imgs, sizes, 1,
		    gendir, sizeof(gendir), gflags) == -1) {
			log_warn("install into %s", install);
			ex = errno == EEXIST ? EX_CANTCREAT : EX_IOERR;
			goto done;
		}
		out = gendir;
	} else if (write_module(out, img, size) == -1) {
		log_warn("%s", out);
		ex = EX_CANTCREAT;
		goto done;
	}
	if (!co.quiet)
		print_stats(cset_stats(cs), out, size, serial, t1 - t0,
		    t2 - t1);
done:
	free(img);
	free(confdir);
	cset_free(cs);
	return ex;
}

int
main(int argc, char **argv)
{
	return compile_main(argc, argv);
}
