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
 *	vigil-compile [-q] [-c FILE] [--update] (--install BASEDIR | -i)
 *	    --from-mirror DIR [--public-key FILE | --no-signature]
 *	    [--socket PATH | --no-reload]
 *	vigil-compile [-c FILE] --print-config [SECTION.]KEY
 * DESCRIPTION
 *	Reads .hdb .hsb .fp .sfp .ndb .ldb .ign .ign2 files, .cvd/.cld
 *	containers, directories of them and NAME.gz of any, and writes one
 *	module (-o) or installs a new generation in BASEDIR (-i: the
 *	base_dir of vigil.cfg).  --update keeps the current generation's
 *	other modules (hard links).  Prints what it compiled unless -q.
 *	--from-mirror installs the modules of a mirror directory
 *	(vigil-mirror, vigil-publish) after checking the signature of its
 *	update.ver and every module, sharing unchanged modules with the
 *	current generation, then asks vigild to reload (--reload does that
 *	after a source install too).  It also repairs what an install
 *	killed half-way left: the work of a dead process is removed, and a
 *	whole gen-<serial> of the mirror's serial that is not current is
 *	made current rather than written again.  --print-config prints a key's value
 *	for scripts (vigil-update).  See vigil-compile.1.
 * DIAGNOSTICS
 *	Malformed lines: "file:line: reason" on stderr.  Exit status: 0 done,
 *	64 usage, 65 nothing to compile or --strict error, 66 a source is
 *	missing or unreadable, 73 the output cannot be created, 74 I/O error,
 *	78 a bad configuration file (file:line) or public key; and for
 *	--from-mirror and --reload (signatures/updatever.h): 10 update.ver
 *	or a module it lists is missing, 11 bad signature (or malformed
 *	update.ver, or another key), 12 a bad module (size, SHA-256, header
 *	or structure), 13 installed but vigild was not told.
 */
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/types.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <bsd/stdlib.h>

#include "util/log.h"
#include "util/path.h"
#include "util/digest.h"
#include "av/averr.h"
#include "av/exitcodes.h"
#include "clients/vclient.h"
#include "conf/conf.h"
#include "daemon/native.h"
#include "shm/gen.h"
#include "signatures/cset.h"
#include "signatures/mirror_dir.h"
#include "signatures/mirror_sig.h"
#include "signatures/sigsrc.h"
#include "signatures/updatever.h"
#include "signatures/vmod.h"

#define CO_CONFIG	"/etc/vigil/vigil.cfg"
#define CO_TIMEOUT	60000	/* ms for vigild to answer a reload */

struct copts {
	int		 quiet;
	int		 verbose;
	unsigned long	 nreported;
};

/* what the configuration file says, for the options left unset */
struct cconf {
	char		*basedir;
	char		*pubkey;
	char		*socket;
};

/* one module of a mirror, mapped and checked */
struct fmod {
	const struct updatever_mod *um;
	uint8_t		*img;
	size_t		 size;
	int		 same;		/* identical in the current generation */
};

static void	 usage(void) __attribute__((noreturn));
static void	 report(void *, const char *, unsigned long, const char *);
static double	 now(void);
static int	 write_module(const char *, const uint8_t *, size_t);
static void	 config_load(const char *, struct cconf *);
static void	 config_clear(struct cconf *);
static int	 print_config(const char *, const char *);
static int	 fm_map(const char *, struct fmod *);
static int	 fm_current(const char *, struct fmod *, size_t, int *);
static uint64_t	 fm_serial(const char *, uint64_t);
static int	 fm_deadtmp(const char *);
static void	 fm_leftovers(const char *);
static int	 fm_whole(const char *, const struct fmod *, size_t);
static int	 fm_flip(const char *, const char *);
static int	 fm_install(const char *, const char *, const char *, int,
		    unsigned, int);
static int	 tell_vigild(const char *, int);
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
	    "SOURCE...\n"
	    "       vigil-compile [-q] [-c FILE] [--update] "
	    "(--install BASEDIR | -i)\n"
	    "                     --from-mirror DIR [--public-key FILE | "
	    "--no-signature]\n"
	    "                     [--socket PATH | --no-reload]\n"
	    "       vigil-compile [-c FILE] --print-config [SECTION.]KEY\n");
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
 * config_load - base_dir, [mirror] public_key and [daemon] socket of
 * vigil.cfg (file, or the default file when it exists, else the built-in
 * defaults); a bad file is fatal, with file:line
 */
static void
config_load(const char *file, struct cconf *cc)
{
	struct conf	*c;
	struct conf_view v;
	char		 err[512];

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
	if ((cc->basedir = strdup(conf_get_str(&v, CONF_K_BASE_DIR))) == NULL)
		fatal("strdup");
	if (conf_view(c, &v, CONF_SEC_MIRROR, NULL, NULL) == -1)
		fatal("conf_view");
	if ((cc->pubkey = strdup(conf_get_str(&v, CONF_K_PUBLIC_KEY))) ==
	    NULL)
		fatal("strdup");
	if (conf_view(c, &v, CONF_SEC_DAEMON, NULL, NULL) == -1)
		fatal("conf_view");
	if ((cc->socket = strdup(conf_get_str(&v, CONF_K_SOCKET))) == NULL)
		fatal("strdup");
	conf_free(c);
}

/* config_clear - free what config_load() read */
static void
config_clear(struct cconf *cc)
{
	free(cc->basedir);
	free(cc->pubkey);
	free(cc->socket);
	memset(cc, 0, sizeof(*cc));
}

/*
 * print_config - the effective value of [SECTION.]KEY (section mirror by
 * default) as a program of that section sees it, on one line
 */
static int
print_config(const char *file, const char *what)
{
	struct conf	*c;
	struct conf_view v;
	const char	*dot;
	char		 sec[64], err[512];
	int		 s = CONF_SEC_MIRROR, k;

	if ((dot = strchr(what, '.')) != NULL) {
		if ((size_t)(dot - what) >= sizeof(sec))
			usage();
		memcpy(sec, what, (size_t)(dot - what));
		sec[dot - what] = '\0';
		if ((s = conf_sec_find(sec)) == -1) {
			log_warnx("--print-config %s: no section [%s]", what,
			    sec);
			return EX_USAGE;
		}
		what = dot + 1;
	}
	if ((k = conf_key_find(what)) == -1) {
		log_warnx("--print-config: no key %s", what);
		return EX_USAGE;
	}
	if ((c = conf_new()) == NULL)
		fatal("conf_new");
	if (file == NULL && access(CO_CONFIG, F_OK) == 0)
		file = CO_CONFIG;
	if (file != NULL && conf_load_file(c, file, err, sizeof(err)) == -1) {
		log_warnx("%s", err);
		conf_free(c);
		return EX_CONFIG;
	}
	if (conf_view(c, &v, (enum conf_sec)s, NULL, NULL) == -1)
		fatal("conf_view");
	printf("%s\n", conf_get_str(&v, (enum conf_key)k));
	conf_free(c);
	return 0;
}

/*
 * fm_map - map a mirror's module and check it: the size and SHA-256 of
 * update.ver, then the module's own validation, name and serial
 */
static int
fm_map(const char *dir, struct fmod *f)
{
	const struct updatever_mod	*um = f->um;
	const struct vmod_hdr		*h;
	uint8_t				 sha[DIGEST_MAXLEN];
	char				 path[PATH_MAX];
	struct stat			 st;
	void				*p;
	int				 fd;

	if (path_join(path, sizeof(path), dir, um->file) == -1) {
		log_warnx("%s/%s: name too long", dir, um->file);
		return EX_USAGE;
	}
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		log_warn("module %s: %s", um->name, path);
		return errno == ENOENT ? UPD_EX_NOBASE : EX_IOERR;
	}
	if (fstat(fd, &st) == -1) {
		log_warn("%s", path);
		close(fd);
		return EX_IOERR;
	}
	if (!S_ISREG(st.st_mode) || (uint64_t)st.st_size != um->size) {
		log_warnx("%s: %lld bytes, update.ver lists %llu: refused",
		    path, (long long)st.st_size,
		    (unsigned long long)um->size);
		close(fd);
		return UPD_EX_BADMOD;
	}
	p = mmap(NULL, (size_t)um->size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (p == MAP_FAILED) {
		log_warn("mmap %s", path);
		return EX_IOERR;
	}
	f->img = p;
	f->size = (size_t)um->size;
	/* from here on only the mapped bytes count: they are what we check */
	if (digest_buf(DIGEST_SHA256, f->img, f->size, sha) == -1)
		fatalx("SHA-256 failed");
	if (memcmp(sha, um->sha256, UPDV_SHALEN) != 0) {
		log_warnx("%s: SHA-256 differs from update.ver: refused",
		    path);
		return UPD_EX_BADMOD;
	}
	if (vmod_validate(f->img, f->size, 1) == -1) {
		log_warnx("%s: %s: refused", path, av_strerror(errno));
		return UPD_EX_BADMOD;
	}
	h = (const struct vmod_hdr *)(const void *)f->img;
	if (strncmp(h->name, um->name, sizeof(h->name)) != 0 ||
	    h->serial != um->version) {
		log_warnx("%s: the module's header does not say module %s "
		    "version %llu: refused", path, um->name,
		    (unsigned long long)um->version);
		return UPD_EX_BADMOD;
	}
	return 0;
}

/*
 * fm_current - mark the modules the current generation already holds,
 * byte for byte; *extra counts its modules the mirror does not have
 */
static int
fm_current(const char *basedir, struct fmod *f, size_t n, int *extra)
{
	struct updatever_mod	 m;
	struct dirent		*de;
	DIR			*d;
	char			 cur[PATH_MAX];
	size_t			 i, l;

	*extra = 0;
	if (path_join(cur, sizeof(cur), basedir, "current") == -1)
		return -1;
	if ((d = opendir(cur)) == NULL)
		return errno == ENOENT ? 0 : -1;
	while ((de = readdir(d)) != NULL) {
		l = strlen(de->d_name);
		if (de->d_name[0] == '.' || l < 6 ||
		    strcmp(de->d_name + l - 5, ".vmod") != 0)
			continue;
		for (i = 0; i < n; i++)
			if (strlen(f[i].um->name) == l - 5 &&
			    strncmp(f[i].um->name, de->d_name, l - 5) == 0)
				break;
		if (i == n) {
			(*extra)++;
			continue;
		}
		m = *f[i].um;
		if (path_fmt(m.file, sizeof(m.file), "%s", de->d_name) == 0 &&
		    mirror_dir_check(cur, &m) == 0)
			f[i].same = 1;
	}
	closedir(d);
	return 0;
}

/*
 * fm_serial - the mirror's serial for the new generation when it is
 * above every generation in basedir; else the next free serial
 */
static uint64_t
fm_serial(const char *basedir, uint64_t want)
{
	DIR		*d;
	struct dirent	*de;
	char		*end;
	uint64_t	 s, max = 0;

	if ((d = opendir(basedir)) != NULL) {
		while ((de = readdir(d)) != NULL) {
			if (strncmp(de->d_name, "gen-", 4) != 0 ||
			    de->d_name[4] < '0' || de->d_name[4] > '9')
				continue;
			errno = 0;
			s = strtoull(de->d_name + 4, &end, 10);
			if (*end == '\0' && errno == 0 && s > max)
				max = s;
		}
		closedir(d);
	}
	return want > max ? want : gen_next_serial(basedir);
}

/*
 * fm_deadtmp - name is ".gen-<serial>.tmp.<pid>" or ".current.tmp.<pid>"
 * (gen_install()'s work in progress) and process pid is gone: 1
 */
static int
fm_deadtmp(const char *name)
{
	const char	*t;
	char		*end;
	long		 pid;

	if (strncmp(name, ".gen-", 5) != 0 &&
	    strncmp(name, ".current.tmp.", 13) != 0)
		return 0;
	if ((t = strstr(name, ".tmp.")) == NULL || t[5] < '1' || t[5] > '9')
		return 0;
	errno = 0;
	pid = strtol(t + 5, &end, 10);
	if (*end != '\0' || errno != 0 || pid <= 0 || (pid_t)pid != pid)
		return 0;
	return kill((pid_t)pid, 0) == -1 && errno == ESRCH;
}

/*
 * fm_leftovers - remove what an install killed half-way left in basedir:
 * its generation directory being built and its temporary current link
 */
static void
fm_leftovers(const char *basedir)
{
	DIR		*d, *sub;
	struct dirent	*de, *se;
	int		 fd;

	if ((d = opendir(basedir)) == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		if (!fm_deadtmp(de->d_name))
			continue;
		if (unlinkat(dirfd(d), de->d_name, 0) == 0)
			continue;	/* the link */
		if ((fd = openat(dirfd(d), de->d_name, O_RDONLY |
		    O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) == -1)
			continue;
		if ((sub = fdopendir(fd)) == NULL) {
			close(fd);
			continue;
		}
		while ((se = readdir(sub)) != NULL)
			if (strcmp(se->d_name, ".") != 0 &&
			    strcmp(se->d_name, "..") != 0)
				unlinkat(dirfd(sub), se->d_name, 0);
		closedir(sub);
		if (unlinkat(dirfd(d), de->d_name, AT_REMOVEDIR) == -1)
			log_warn("%s/%s", basedir, de->d_name);
	}
	closedir(d);
}

/*
 * fm_whole - gendir holds exactly the n modules f, intact: an install
 * killed after it wrote the generation and before it flipped current
 */
static int
fm_whole(const char *gendir, const struct fmod *f, size_t n)
{
	struct updatever_mod	 m;
	struct dirent		*de;
	DIR			*d;
	size_t			 i, l, nmods = 0;

	for (i = 0; i < n; i++) {
		m = *f[i].um;
		if (path_fmt(m.file, sizeof(m.file), "%s.vmod", m.name) ==
		    -1 || mirror_dir_check(gendir, &m) == -1)
			return 0;
	}
	if ((d = opendir(gendir)) == NULL)
		return 0;
	while ((de = readdir(d)) != NULL) {
		l = strlen(de->d_name);
		if (l > 5 && strcmp(de->d_name + l - 5, ".vmod") == 0)
			nmods++;
	}
	closedir(d);
	return nmods == n;
}

/* fm_flip - point basedir/current at rel, atomically, durably */
static int
fm_flip(const char *basedir, const char *rel)
{
	char	 link[PATH_MAX], cur[PATH_MAX];
	int	 fd, rc, saved;

	if (path_fmt(link, sizeof(link), "%s/.current.tmp.%ld", basedir,
	    (long)getpid()) == -1 ||
	    path_join(cur, sizeof(cur), basedir, "current") == -1)
		return -1;
	(void)unlink(link);
	if (symlink(rel, link) == -1)
		return -1;
	if (rename(link, cur) == -1) {
		saved = errno;
		(void)unlink(link);
		errno = saved;
		return -1;
	}
	if ((fd = open(basedir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1)
		return -1;
	rc = fsync(fd);
	saved = errno;
	close(fd);
	errno = saved;
	return rc;
}

/*
 * fm_install - a new generation from a mirror directory; returns the
 * exit status (0 also when the current generation is the mirror's)
 */
static int
fm_install(const char *dir, const char *basedir, const char *pubkey,
    int quiet, unsigned gflags, int nosig)
{
	struct updatever	 u;
	struct fmod		 f[UPDV_MAXMODS];
	const char		*names[UPDV_MAXMODS];
	const uint8_t		*imgs[UPDV_MAXMODS];
	size_t			 sizes[UPDV_MAXMODS];
	uint8_t			 pk[UPDV_PKLEN], buf[UPDV_MAXFILE];
	char			 err[PATH_MAX + 256], gendir[PATH_MAX];
	char			 rel[64];
	size_t			 len, i, n = 0, nsame = 0;
	uint64_t		 serial;
	int			 ex = 0, extra = 0;
	unsigned		 flags;

	memset(f, 0, sizeof(f));
	if (!nosig && mirror_sig_load_public(pubkey, pk, err, sizeof(err)) ==
	    -1) {
		log_warnx("public key: %s", err);
		return EX_CONFIG;
	}
	if (mirror_dir_read(dir, UPDV_FILENAME, buf, sizeof(buf), &len) ==
	    -1) {
		log_warn("%s/%s", dir, UPDV_FILENAME);
		return errno == ENOENT ? UPD_EX_NOBASE : errno == EFBIG ?
		    UPD_EX_BADSIG : EX_IOERR;
	}
	if (nosig)
		log_warnx("WARNING: the signature of %s/%s is NOT checked "
		    "(--no-signature): anyone who could write the mirror "
		    "chooses your signatures", dir, UPDV_FILENAME);
	if (mirror_sig_check(buf, len, nosig ? NULL : pk, &u, err,
	    sizeof(err)) == -1) {
		log_warnx("%s: %s: refused", dir, err);
		return errno == EIO ? EX_SOFTWARE : UPD_EX_BADSIG;
	}
	for (i = 0; i < u.nmods && ex == 0; i++) {
		f[i].um = &u.mods[i];
		ex = fm_map(dir, &f[i]);
	}
	if (ex != 0)
		goto done;
	fm_leftovers(basedir);
	if (fm_current(basedir, f, u.nmods, &extra) == -1) {
		log_warn("%s/current", basedir);
		ex = EX_IOERR;
		goto done;
	}
	for (i = 0; i < u.nmods; i++)
		nsame += f[i].same;
	if (nsame == u.nmods && (extra == 0 || (gflags & GEN_KEEP))) {
		if (!quiet)
			printf("up to date: %s/current holds mirror serial "
			    "%llu\n", basedir, (unsigned long long)u.serial);
		goto done;
	}
	/*
	 * Unchanged modules become hard links to the current generation's
	 * files (GEN_KEEP) when that keeps nothing the mirror lacks, or
	 * when --update asks to keep the others; else all are written.
	 */
	flags = (extra == 0 || (gflags & GEN_KEEP)) ? GEN_KEEP : 0;
	for (i = 0; i < u.nmods; i++) {
		if (f[i].same && flags == GEN_KEEP)
			continue;
		names[n] = f[i].um->name;
		imgs[n] = f[i].img;
		sizes[n] = f[i].size;
		n++;
	}
	/* the mirror's generation is there, whole, but not current */
	if (path_fmt(rel, sizeof(rel), "gen-%llu",
	    (unsigned long long)u.serial) == 0 &&
	    path_join(gendir, sizeof(gendir), basedir, rel) == 0 &&
	    fm_whole(gendir, f, u.nmods)) {
		if (fm_flip(basedir, rel) == -1) {
			log_warn("%s/current", basedir);
			ex = EX_IOERR;
		} else if (!quiet)
			printf("installed %s from mirror serial %llu: %zu "
			    "modules, already there\n", gendir,
			    (unsigned long long)u.serial, u.nmods);
		goto done;
	}
	serial = fm_serial(basedir, u.serial);
	if (serial == 0 || gen_install(basedir, serial, names, imgs, sizes, n,
	    gendir, sizeof(gendir), flags) == -1) {
		log_warn("install into %s", basedir);
		ex = EX_IOERR;
		goto done;
	}
	if (!quiet)
		printf("installed %s from mirror serial %llu: %zu modules, "
		    "%zu new\n", gendir, (unsigned long long)u.serial,
		    u.nmods, n);
done:
	for (i = 0; i < u.nmods; i++)
		if (f[i].img != NULL)
			munmap(f[i].img, f[i].size);
	return ex;
}

/* tell_vigild - RELOAD over the control socket; 0 or UPD_EX_NOTOLD */
static int
tell_vigild(const char *sock, int quiet)
{
	struct vclient	 vc;
	struct msg	*m = NULL;
	uint64_t	 before, after;
	uint32_t	 res;
	int		 r;

	if (sock == NULL || sock[0] == '\0') {
		log_warnx("vigild not told: no control socket ([daemon] "
		    "socket or --socket)");
		return UPD_EX_NOTOLD;
	}
	if (vclient_open(&vc, sock, CO_TIMEOUT) == -1) {
		log_warnx("vigild not told: %s", vc.text);
		vclient_close(&vc);
		return UPD_EX_NOTOLD;
	}
	if ((r = vclient_request(&vc, NATIVE_RELOAD, &m)) != 0) {
		if (r == 1)
			log_warnx("vigild refused the reload: %s (%s)",
			    vc.text, native_strerror(vc.code));
		else
			log_warnx("vigild not told: %s", vc.text);
		vclient_close(&vc);
		return UPD_EX_NOTOLD;
	}
	r = native_get_reload(m, &res, &before, &after);
	msg_free(m);
	vclient_close(&vc);
	if (r == -1) {
		log_warnx("vigild not told: a malformed reply");
		return UPD_EX_NOTOLD;
	}
	if (!quiet) {
		if (res == NATIVE_RELOAD_SWITCHED)
			printf("vigild reloaded: generation %llu -> %llu\n",
			    (unsigned long long)before,
			    (unsigned long long)after);
		else
			printf("vigild unchanged: generation %llu\n",
			    (unsigned long long)after);
	}
	return 0;
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
		{ "from-mirror", required_argument, NULL, 'M' },
		{ "public-key", required_argument, NULL, 'K' },
		{ "no-signature", no_argument, NULL, 'N' },
		{ "socket", required_argument, NULL, 'X' },
		{ "reload", no_argument, NULL, 'L' },
		{ "no-reload", no_argument, NULL, 'l' },
		{ "print-config", required_argument, NULL, 'P' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct cconf		 cc;
	struct cset_opts	 o;
	struct copts		 co;
	struct cset		*cs;
	const char		*out = NULL, *install = NULL, *name = NULL;
	const char		*errstr, *config = NULL;
	const char		*mirror = NULL, *pubkey = NULL, *sock = NULL;
	const char		*printkey = NULL;
	int			 nosig = 0, reload = -1;
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
	memset(&cc, 0, sizeof(cc));
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
		case 'M':
			mirror = optarg;
			break;
		case 'K':
			pubkey = optarg;
			break;
		case 'N':
			nosig = 1;
			break;
		case 'X':
			sock = optarg;
			break;
		case 'L':
			reload = 1;
			break;
		case 'l':
			reload = 0;
			break;
		case 'P':
			printkey = optarg;
			break;
		default:
			usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (printkey != NULL) {
		if (argc != 0 || out != NULL || install != NULL || confinst ||
		    mirror != NULL)
			usage();
		return print_config(config, printkey);
	}
	if (confinst && install != NULL)
		usage();
	if (confinst || config != NULL || mirror != NULL || reload == 1)
		config_load(config, &cc);	/* checked all the same */
	if (confinst)
		install = cc.basedir;
	if ((pubkey != NULL || nosig) && mirror == NULL)
		usage();
	if (mirror != NULL) {
		if (argc != 0 || out != NULL || install == NULL ||
		    (pubkey != NULL && nosig) || name != NULL)
			usage();
		ex = fm_install(mirror, install, pubkey != NULL ? pubkey :
		    cc.pubkey, co.quiet, gflags, nosig);
		if (ex == 0 && reload != 0)
			ex = tell_vigild(sock != NULL ? sock : cc.socket,
			    co.quiet);
		config_clear(&cc);
		return ex;
	}
	if (argc == 0 || (out == NULL) == (install == NULL) ||
	    (gflags != 0 && install == NULL) ||
	    (reload == 1 && install == NULL))
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
	if (reload == 1)
		ex = tell_vigild(sock != NULL ? sock : cc.socket, co.quiet);
done:
	free(img);
	config_clear(&cc);
	cset_free(cs);
	return ex;
}

int
main(int argc, char **argv)
{
	return compile_main(argc, argv);
}
