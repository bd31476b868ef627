/*
 * vigil_publish.c - vigil-publish: signature sources to a signed mirror
 *
 * NAME
 *	vigil-publish - build a signed mirror of compiled signature modules
 * SYNOPSIS
 *	vigil-publish [-c FILE] --keygen PREFIX
 *	vigil-publish [-c FILE] [-q] [--pua] [--flevel N] [--serial N]
 *	    --key SECRET -o MIRROR_DIR [NAME=]SOURCE...
 * DESCRIPTION
 *	Groups the sources into named modules (NAME=SOURCE, or the file or
 *	directory name up to its first '.': main.cvd and main.hdb go to
 *	"main"), compiles each module whose sources changed since the
 *	index in MIRROR_DIR (a SHA-256 over the sources' names and bytes
 *	says so) into NAME-VERSION.vmod, reuses the others, writes
 *	update.ver (updatever.h) signed with the Ed25519 key SECRET, and
 *	removes module files that neither the new nor the previous index
 *	lists.  Every file is written aside and renamed; update.ver last.
 *	See vigil-publish.1.
 * DIAGNOSTICS
 *	Exit status: 0 published; 64 usage; 65 nothing to compile in a
 *	module; 66 a source is missing or unreadable; 73 a file cannot be
 *	created (keygen: a key file exists); 74 I/O error; 75 another
 *	vigil-publish works on MIRROR_DIR; 77 the secret key is refused
 *	(mode, format).
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
#include <time.h>
#include <unistd.h>

#include <bsd/stdlib.h>
#include <bsd/string.h>
#include <sodium.h>

#include "util/digest.h"
#include "util/log.h"
#include "util/path.h"
#include "av/averr.h"
#include "av/exitcodes.h"
#include "conf/conf.h"
#include "conf/conflog.h"
#include "signatures/cset.h"
#include "signatures/mirror_dir.h"
#include "signatures/mirror_sig.h"
#include "signatures/sigsrc.h"
#include "signatures/updatever.h"

#define PUB_CONFIG	"/etc/vigil/vigil.cfg"

struct pubmod {
	char		 name[UPDV_NAMELEN];
	const char	**paths;
	size_t		 npaths;
	uint8_t		 src[UPDV_SHALEN];
	int		 built;		/* compiled in this run */
	char		 file[UPDV_FILELEN];	/* then its file */
};

struct publish {
	struct cset_opts	 o;
	int			 quiet;
	const char		*dir;
	struct pubmod		 mods[UPDV_MAXMODS];
	size_t			 nmods;
};

static void	 usage(void) __attribute__((noreturn));
static int	 pub_config(const char *);
static void	 report(void *, const char *, unsigned long, const char *);
static struct pubmod *pub_module(struct publish *, const char *);
static int	 pub_group(struct publish *, int, char **);
static int	 pub_hashfile(struct digest *, const char *, const char *);
static int	 pub_srchash(struct publish *, struct pubmod *);
static int	 pub_compile(struct publish *, struct pubmod *, uint64_t,
		    uint8_t **, size_t *);
static int	 pub_build(struct publish *, struct pubmod *, uint64_t,
		    struct updatever_mod *);
static int	 pub_index(struct publish *, const uint8_t *,
		    const struct updatever *, uint64_t, struct updatever *,
		    int *);
static int	 pub_run(struct publish *, const char *, uint64_t, int);
int		 publish_main(int, char **);

/* usage - how to call us */
static void
usage(void)
{
	fprintf(stderr,
	    "usage: vigil-publish [-c FILE] --keygen PREFIX\n"
	    "       vigil-publish [-c FILE] [-q] [--pua] [--flevel N] "
	    "[--serial N] --key SECRET\n"
	    "                     -o MIRROR_DIR [NAME=]SOURCE...\n");
	exit(EX_USAGE);
}

/*
 * pub_config - vigil.cfg (file, or the default file when it exists): the
 * log of [global]; messages stay on stderr too.  0, or EX_CONFIG after
 * naming file and line
 */
static int
pub_config(const char *file)
{
	struct conf	*c;
	struct conf_view v;
	char		 err[512];
	size_t		 i;

	if (file == NULL && access(PUB_CONFIG, F_OK) == 0)
		file = PUB_CONFIG;
	if (file == NULL)
		return 0;
	if ((c = conf_new()) == NULL)
		fatal("conf_new");
	if (conf_load_file(c, file, err, sizeof(err)) == -1) {
		if (conf_nerrors(c) == 0)
			log_warnx("%s", err);
		for (i = 0; i < conf_nerrors(c); i++)
			log_warnx("%s", conf_error(c, i));
		conf_free(c);
		return EX_CONFIG;
	}
	conf_view(c, &v, CONF_SEC_GLOBAL, NULL, NULL);
	(void)conf_log(&v, 1);
	conf_free(c);
	return 0;
}

/* report - a malformed source line */
static void
report(void *arg, const char *file, unsigned long line, const char *why)
{
	(void)arg;
	fprintf(stderr, "%s:%lu: %s\n", file, line, why);
}

/* pub_module - the module called name, added if new; NULL: too many */
static struct pubmod *
pub_module(struct publish *p, const char *name)
{
	size_t	 i;

	for (i = 0; i < p->nmods; i++)
		if (strcmp(p->mods[i].name, name) == 0)
			return &p->mods[i];
	if (p->nmods == UPDV_MAXMODS)
		return NULL;
	strlcpy(p->mods[p->nmods].name, name, UPDV_NAMELEN);
	return &p->mods[p->nmods++];
}

/*
 * pub_group - sources into modules: NAME=PATH, or PATH and the name its
 * last component has up to the first '.'
 */
static int
pub_group(struct publish *p, int argc, char **argv)
{
	struct pubmod	*m;
	const char	*path, *base, *eq;
	char		 name[UPDV_NAMELEN + 1];
	size_t		 l;
	int		 i;

	for (i = 0; i < argc; i++) {
		eq = strchr(argv[i], '=');
		if (eq != NULL && memchr(argv[i], '/',
		    (size_t)(eq - argv[i])) == NULL) {
			base = argv[i];
			l = (size_t)(eq - argv[i]);
			path = eq + 1;
		} else {
			path = argv[i];
			l = strlen(path);
			while (l > 1 && path[l - 1] == '/')
				l--;
			base = path + l;
			while (base > path && base[-1] != '/')
				base--;
			l -= (size_t)(base - path);
			if ((eq = memchr(base, '.', l)) != NULL)
				l = (size_t)(eq - base);
		}
		if (l >= sizeof(name))
			l = sizeof(name) - 1;
		memcpy(name, base, l);
		name[l] = '\0';
		if (!updatever_valid_name(name)) {
			log_warnx("%s: \"%s\" is not a valid module name "
			    "(letters, digits, _ and -; write NAME=%s)",
			    argv[i], name, path);
			return EX_USAGE;
		}
		if ((m = pub_module(p, name)) == NULL) {
			log_warnx("more than %d modules", UPDV_MAXMODS);
			return EX_USAGE;
		}
		if ((m->paths = reallocarray(m->paths, m->npaths + 1,
		    sizeof(*m->paths))) == NULL)
			fatal("reallocarray");
		m->paths[m->npaths++] = path;
	}
	return 0;
}

/* pub_hashfile - "name\0size\0" and the bytes of one file into d */
static int
pub_hashfile(struct digest *d, const char *path, const char *name)
{
	uint8_t		 buf[65536];
	char		 hdr[64];
	struct stat	 st;
	ssize_t		 r;
	int		 fd, saved;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return -1;
	if (fstat(fd, &st) == -1) {
		saved = errno;
		close(fd);
		errno = saved;
		return -1;
	}
	digest_update(d, name, strlen(name) + 1);
	snprintf(hdr, sizeof(hdr), "%lld", (long long)st.st_size);
	digest_update(d, hdr, strlen(hdr) + 1);
	while ((r = read(fd, buf, sizeof(buf))) != 0) {
		if (r == -1) {
			if (errno == EINTR)
				continue;
			saved = errno;
			close(fd);
			errno = saved;
			return -1;
		}
		digest_update(d, buf, (size_t)r);
	}
	close(fd);
	return 0;
}

/*
 * pub_srchash - SHA-256 of what a module is compiled from: the options,
 * then each source (a directory: its regular files in name order)
 */
static int
pub_srchash(struct publish *p, struct pubmod *m)
{
	uint8_t		 out[DIGEST_NTYPES][DIGEST_MAXLEN];
	char		 opt[64], full[PATH_MAX];
	struct digest	*d;
	struct dirent	**ents = NULL;
	struct stat	 st;
	const char	*base;
	size_t		 i;
	int		 k, n, rc = -1;

	if ((d = digest_new()) == NULL ||
	    digest_reset(d, 1U << DIGEST_SHA256) == -1)
		fatal("digest");
	snprintf(opt, sizeof(opt), "vigil-publish 1 %u %d",
	    (unsigned)p->o.flevel, p->o.pua);
	digest_update(d, opt, strlen(opt) + 1);
	for (i = 0; i < m->npaths; i++) {
		if (stat(m->paths[i], &st) == -1)
			goto fail;
		base = strrchr(m->paths[i], '/') ?
		    strrchr(m->paths[i], '/') + 1 : m->paths[i];
		if (!S_ISDIR(st.st_mode)) {
			if (pub_hashfile(d, m->paths[i], base) == -1)
				goto fail;
			continue;
		}
		if ((n = scandir(m->paths[i], &ents, NULL, alphasort)) == -1)
			goto fail;
		for (k = 0; k < n; k++) {
			if (ents[k]->d_name[0] != '.' &&
			    path_join(full, sizeof(full), m->paths[i],
			    ents[k]->d_name) == 0 &&
			    stat(full, &st) == 0 && S_ISREG(st.st_mode) &&
			    pub_hashfile(d, full, ents[k]->d_name) == -1)
				break;
		}
		for (k = 0; k < n; k++)
			free(ents[k]);
		free(ents);
		ents = NULL;
		if (k < n)
			goto fail;
	}
	if (digest_final(d, out) == -1)
		fatal("digest_final");
	memcpy(m->src, out[DIGEST_SHA256], UPDV_SHALEN);
	rc = 0;
fail:
	if (rc == -1)
		log_warn("%s: %s", m->name, m->paths[i]);
	digest_free(d);
	return rc;
}

/* pub_compile - a module's sources, ignore lists first, to an image */
static int
pub_compile(struct publish *p, struct pubmod *m, uint64_t version,
    uint8_t **img, size_t *size)
{
	struct cset	*cs;
	size_t		 i, n = m->npaths;
	int		 ex = 0;

	if ((cs = cset_new(&p->o)) == NULL)
		fatal("cset_new");
	for (i = 0; i < 2 * n && ex == 0; i++) {
		int	 k = sigsrc_kind(m->paths[i % n]);
		int	 ign = k == SRC_IGN || k == SRC_IGN2;

		if ((i < n) != ign)
			continue;
		if (sigsrc_load_path(cs, m->paths[i % n]) == 0)
			continue;
		if (errno == ENOMEM)
			fatalx("%s: out of memory", m->paths[i % n]);
		log_warnx("%s: %s", m->paths[i % n], errno == EINVAL ?
		    "not a signature source (unknown file type)" :
		    av_strerror(errno));
		ex = EX_NOINPUT;
	}
	if (ex == 0 && cset_build(cs, version, m->name, img, size) == -1) {
		if (errno != AV_ENOSIGS)
			fatal("cset_build");
		log_warnx("module %s: no signatures to compile", m->name);
		ex = EX_DATAERR;
	}
	cset_free(cs);
	return ex;
}

/* pub_build - compile one module into NAME-VERSION.vmod */
static int
pub_build(struct publish *p, struct pubmod *m, uint64_t version,
    struct updatever_mod *um)
{
	uint8_t	*img = NULL;
	size_t	 size = 0;
	int	 ex;

	if ((ex = pub_compile(p, m, version, &img, &size)) != 0)
		return ex;
	memset(um, 0, sizeof(*um));
	strlcpy(um->name, m->name, sizeof(um->name));
	um->version = version;
	um->size = size;
	um->hassrc = 1;
	memcpy(um->src, m->src, UPDV_SHALEN);
	snprintf(um->file, sizeof(um->file), "%s-%llu.vmod", m->name,
	    (unsigned long long)version);
	if (digest_buf(DIGEST_SHA256, img, size, um->sha256) == -1)
		fatal("SHA-256");
	if (mirror_dir_put(p->dir, um->file, img, size, 0) == -1) {
		log_warn("%s/%s", p->dir, um->file);
		ex = EX_IOERR;
	}
	m->built = 1;
	strlcpy(m->file, um->file, sizeof(m->file));
	free(img);
	return ex;
}

/*
 * pub_index - every module built or reused; then update.ver, signed,
 * unless same is set on entry and nothing changed (same stays 1).  The
 * new update.ver's time is always later than the old one's, even within
 * a second, so that If-Modified-Since never hides a new index.
 */
static int
pub_index(struct publish *p, const uint8_t *sk, const struct updatever *old,
    uint64_t serial, struct updatever *u, int *same)
{
	const struct updatever_mod	*om;
	char				 buf[UPDV_MAXFILE + 512];
	char				 path[PATH_MAX];
	struct stat			 st;
	time_t				 mtime;
	size_t				 i, len;
	uint8_t				 keyid[UPDV_KEYIDLEN], sig[UPDV_SIGLEN];
	int				 ex;

	memset(u, 0, sizeof(*u));
	u->serial = serial;
	u->created = (uint64_t)time(NULL);
	for (i = 0; i < p->nmods; i++) {
		struct pubmod	*m = &p->mods[i];

		if (pub_srchash(p, m) == -1)
			return EX_NOINPUT;
		om = old != NULL ? updatever_find(old, m->name) : NULL;
		if (om != NULL && om->hassrc &&
		    memcmp(om->src, m->src, UPDV_SHALEN) == 0 &&
		    mirror_dir_check(p->dir, om) == 0) {
			u->mods[i] = *om;	/* unchanged: reused */
			continue;
		}
		*same = 0;
		if ((ex = pub_build(p, m, serial, &u->mods[i])) != 0)
			return ex;
	}
	u->nmods = p->nmods;
	if (old == NULL || old->nmods != u->nmods)
		*same = 0;
	if (*same) {
		*u = *old;	/* the same modules: keep update.ver */
		return 0;
	}
	if (updatever_format(u, buf, sizeof(buf), &len) == -1)
		fatalx("update.ver: %s", strerror(errno));
	if (mirror_sig_sign(sk, buf, len, keyid, sig) == -1)
		fatalx("cannot sign (libsodium)");
	if (updatever_sigline(keyid, sig, buf + len, sizeof(buf) - len) == -1)
		fatalx("update.ver: %s", strerror(errno));
	len += strlen(buf + len);
	memcpy(u->keyid, keyid, sizeof(keyid));
	memcpy(u->sig, sig, sizeof(sig));
	mtime = time(NULL);
	if (path_join(path, sizeof(path), p->dir, UPDV_FILENAME) == 0 &&
	    stat(path, &st) == 0 && st.st_mtime >= mtime)
		mtime = st.st_mtime + 1;
	if (mirror_dir_put(p->dir, UPDV_FILENAME, buf, len, mtime) == -1) {
		log_warn("%s/%s", p->dir, UPDV_FILENAME);
		return EX_IOERR;
	}
	return 0;
}

/* pub_run - lock, read the old index, publish; the exit status */
static int
pub_run(struct publish *p, const char *key, uint64_t serial, int explicit)
{
	struct updatever	 old, u;
	uint8_t			 sk[MIRROR_SKLEN], buf[UPDV_MAXFILE];
	char			 err[PATH_MAX + 256], id[2 * UPDV_KEYIDLEN + 1];
	size_t			 i, len;
	int			 ex, lockfd, haveold = 0, same;

	if (mirror_sig_load_secret(key, sk, err, sizeof(err)) == -1) {
		log_warnx("%s", err);
		return EX_NOPERM;
	}
	if (mkdir(p->dir, 0755) == -1 && errno != EEXIST) {
		log_warn("mkdir %s", p->dir);
		sodium_memzero(sk, sizeof(sk));
		return EX_CANTCREAT;
	}
	if ((lockfd = mirror_dir_lock(p->dir)) == -1) {
		ex = errno == EWOULDBLOCK ? UPD_EX_LOCKED : EX_IOERR;
		if (errno == EWOULDBLOCK)
			log_warnx("%s: another vigil-publish is working here",
			    p->dir);
		else
			log_warn("%s/.lock", p->dir);
		sodium_memzero(sk, sizeof(sk));
		return ex;
	}
	/* the previous index, if it is ours: unchanged modules are reused */
	if (mirror_dir_read(p->dir, UPDV_FILENAME, buf, sizeof(buf), &len)
	    == 0) {
		if (mirror_sig_check(buf, len, sk + 32, &old, err,
		    sizeof(err)) == 0)
			haveold = 1;
		else
			log_warnx("%s/%s: %s: every module is rebuilt", p->dir,
			    UPDV_FILENAME, err);
	}
	if (haveold && serial != 0 && serial <= old.serial) {
		log_warnx("--serial %llu: not above the published serial %llu",
		    (unsigned long long)serial,
		    (unsigned long long)old.serial);
		ex = EX_USAGE;
		goto done;
	}
	if (serial == 0)
		serial = (uint64_t)time(NULL);
	if (haveold && serial <= old.serial)
		serial = old.serial + 1;	/* several runs a second */
	same = haveold && !explicit;
	ex = pub_index(p, sk, haveold ? &old : NULL, serial, &u, &same);
	if (ex == 0 && mirror_dir_prune(p->dir, &u, haveold ? &old : NULL)
	    == -1)
		log_warn("%s: removing old modules", p->dir);
	if (ex != 0) {
		/* what this run compiled is listed nowhere: remove it */
		for (i = 0; i < p->nmods; i++) {
			char	 f[PATH_MAX];

			if (p->mods[i].built && path_join(f, sizeof(f),
			    p->dir, p->mods[i].file) == 0)
				unlink(f);
		}
	}
	if (ex == 0 && !p->quiet) {
		digest_hex(u.keyid, UPDV_KEYIDLEN, id);
		for (i = 0; i < u.nmods; i++)
			printf("%-12s version %llu, %llu bytes, %s (%s)\n",
			    u.mods[i].name,
			    (unsigned long long)u.mods[i].version,
			    (unsigned long long)u.mods[i].size,
			    u.mods[i].file, p->mods[i].built ? "compiled" :
			    "unchanged");
		printf("update.ver: serial %llu, %zu modules, signed by key "
		    "%s%s\n", (unsigned long long)u.serial, u.nmods, id,
		    same ? " (nothing changed: kept)" : "");
	}
done:
	sodium_memzero(sk, sizeof(sk));
	close(lockfd);
	return ex;
}

/* publish_main - the program */
int
publish_main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "keygen", required_argument, NULL, 'K' },
		{ "key", required_argument, NULL, 'k' },
		{ "output", required_argument, NULL, 'o' },
		{ "serial", required_argument, NULL, 'S' },
		{ "pua", no_argument, NULL, 'p' },
		{ "flevel", required_argument, NULL, 'F' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "config", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct publish		 p;
	const char		*keygen = NULL, *key = NULL, *errstr;
	const char		*config = NULL;
	char			 err[PATH_MAX + 256];
	uint64_t		 serial = 0;
	size_t			 i;
	int			 ch, ex, explicit = 0;

	log_procinit("vigil-publish");
	memset(&p, 0, sizeof(p));
	while ((ch = getopt_long(argc, argv, "c:o:qh", longopts, NULL)) !=
	    -1) {
		switch (ch) {
		case 'c':
			config = optarg;
			break;
		case 'K':
			keygen = optarg;
			break;
		case 'k':
			key = optarg;
			break;
		case 'o':
			p.dir = optarg;
			break;
		case 'S':
			serial = strtonum(optarg, 1, LLONG_MAX, &errstr);
			if (errstr != NULL)
				fatalx("--serial %s: %s", optarg, errstr);
			explicit = 1;
			break;
		case 'p':
			p.o.pua = 1;
			break;
		case 'F':
			p.o.flevel = strtonum(optarg, 1, UINT32_MAX, &errstr);
			if (errstr != NULL)
				fatalx("--flevel %s: %s", optarg, errstr);
			break;
		case 'q':
			p.quiet = 1;
			break;
		default:
			usage();
		}
	}
	argc -= optind;
	argv += optind;
	if ((ex = pub_config(config)) != 0)
		return ex;
	if (keygen != NULL) {
		if (argc != 0 || key != NULL || p.dir != NULL)
			usage();
		if (mirror_sig_keygen(keygen, err, sizeof(err)) == -1) {
			log_warnx("%s", err);
			return errno == EEXIST ? EX_CANTCREAT : EX_IOERR;
		}
		if (!p.quiet)
			printf("wrote %s.pub and %s.sec (keep this one "
			    "secret)\n", keygen, keygen);
		return 0;
	}
	if (argc == 0 || key == NULL || p.dir == NULL)
		usage();
	p.o.report = report;
	if ((ex = pub_group(&p, argc, argv)) == 0)
		ex = pub_run(&p, key, serial, explicit);
	for (i = 0; i < p.nmods; i++)
		free(p.mods[i].paths);
	return ex;
}

int
main(int argc, char **argv)
{
	return publish_main(argc, argv);
}
