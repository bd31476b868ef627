/*
 * vigil_mirror.c - vigil-mirror: copy a signature mirror over HTTP(S)
 *
 * NAME
 *	vigil-mirror - download a signed Vigil mirror into a directory
 * SYNOPSIS
 *	vigil-mirror [-qv] [-c FILE] [--public-key FILE]
 *	    [--user NAME --password SECRET | --auth-file FILE]
 *	    [--proxy URL] [--proxy-auth-file FILE] [--retries N]
 *	    [--retry-delay SECONDS] [--connect-timeout SECONDS]
 *	    [--timeout SECONDS] [URL DIR]
 * DESCRIPTION
 *	Fetches URL/update.ver (conditionally: If-Modified-Since and
 *	If-None-Match from the previous run), checks its Ed25519 signature
 *	against the public key before anything else, refuses an older
 *	serial than the one in DIR, then downloads every module file DIR
 *	does not already hold with the listed size and SHA-256, checks each
 *	one and renames it into place, and writes update.ver last.  Any
 *	failure leaves the previous mirror as it was.  URL, DIR and the
 *	other settings default to the [mirror] section of the
 *	configuration.  DIR can be served as it is (vigil_upd/) to
 *	subordinate mirrors.  See vigil-mirror.1.
 * DIAGNOSTICS
 *	One line on stdout for a run (unless -q); errors on stderr.  Exit
 *	status: 0 mirrored (or up to date); 10 update.ver or a module is
 *	missing on the server; 11 update.ver malformed, wrongly signed or
 *	signed by another key; 12 a module's size or SHA-256 differ; 14 the
 *	server could not be reached or refused (after the retries); 15 the
 *	server's serial is older than the local one; 64 usage; 74 local I/O
 *	error; 75 another vigil-mirror works on DIR; 77 an auth file is
 *	refused (mode); 78 a bad configuration or public key file.
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
#include <curl/curl.h>

#include "util/log.h"
#include "util/path.h"
#include "av/exitcodes.h"
#include "conf/conf.h"
#include "clients/mirror_auth.h"
#include "clients/mirror_http.h"
#include "signatures/mirror_dir.h"
#include "signatures/mirror_sig.h"
#include "signatures/updatever.h"

#define MI_CONFIG	"/etc/vigil/vigil.cfg"
#define MI_ETAG		".vigil-mirror.etag"

struct mirror {
	const char		*url;		/* base, ends in '/' */
	const char		*dir;
	const char		*pubkey;
	const char		*authfile;
	const char		*proxyauthfile;
	struct mirror_http_opts	 ho;
	struct mirror_auth	 auth;
	struct mirror_auth	 pauth;
	uint8_t			 pk[UPDV_PKLEN];
	struct mirror_http	*h;
	int			 quiet;
	char			*owned[10];	/* strings to free */
	size_t			 nowned;
	uint64_t		 bytes;		/* downloaded in this run */
	unsigned		 nfetched;
};

static void	 usage(void) __attribute__((noreturn));
static long	 seconds(const char *, const char *);
static int	 mi_config(struct mirror *, const char *, char **, char **);
static int	 mi_neterr(const struct mirror_http_res *);
static int	 mi_module(struct mirror *, const struct updatever_mod *);
static int	 mi_local(struct mirror *, struct updatever *, time_t *,
		    char *, size_t);
static int	 mi_run(struct mirror *);
static char	*mi_own(struct mirror *, const char *);
static int	 mi_start(struct mirror *, const char *, char *, char *,
		    int *);
int		 mirror_main(int, char **);

/* usage - how to call us */
static void
usage(void)
{
	fprintf(stderr,
	    "usage: vigil-mirror [-qv] [-c file] [--public-key file]\n"
	    "                    [--user name --password secret | "
	    "--auth-file file]\n"
	    "                    [--proxy url] [--proxy-auth-file file] "
	    "[--retries n]\n"
	    "                    [--retry-delay seconds] "
	    "[--connect-timeout seconds]\n"
	    "                    [--timeout seconds] [URL DIR]\n");
	exit(EX_USAGE);
}

/* seconds - a whole number of seconds as milliseconds */
static long
seconds(const char *opt, const char *s)
{
	const char	*errstr;
	long		 n;

	n = (long)strtonum(s, 0, 86400, &errstr);
	if (errstr != NULL) {
		log_warnx("%s %s: %s (0 to 86400 seconds)", opt, s, errstr);
		exit(EX_USAGE);
	}
	return n * 1000;
}

/*
 * mi_config - the [mirror] section fills what the command line left
 * unset; returns 0 or an exit status
 */
static int
mi_config(struct mirror *m, const char *file, char **url, char **dir)
{
	struct conf	*c;
	struct conf_view v;
	char		 err[1024];
	int		 rc = 0;

	if ((c = conf_new()) == NULL)
		fatal("conf_new");
	if (file == NULL && access(MI_CONFIG, F_OK) == 0)
		file = MI_CONFIG;
	if (file != NULL && conf_load_file(c, file, err, sizeof(err)) == -1) {
		log_warnx("%s", err);
		conf_free(c);
		return EX_CONFIG;
	}
	conf_view(c, &v, CONF_SEC_MIRROR, NULL, NULL);
#define DUP(dst, k)	do { if ((dst) == NULL && \
	conf_get_str(&v, k)[0] != '\0') \
	(dst) = mi_own(m, conf_get_str(&v, k)); } while (0)
	DUP(*url, CONF_K_URL);
	DUP(*dir, CONF_K_MIRROR_DIR);
	DUP(m->pubkey, CONF_K_PUBLIC_KEY);
	DUP(m->authfile, CONF_K_AUTH_FILE);
	DUP(m->proxyauthfile, CONF_K_PROXY_AUTH_FILE);
	DUP(m->ho.proxy, CONF_K_PROXY);
#undef DUP
	if (m->ho.retries == UINT_MAX)
		m->ho.retries = (unsigned)conf_get_int(&v, CONF_K_RETRIES);
	if (m->ho.connect_ms == -1)
		m->ho.connect_ms = (long)conf_get_duration(&v,
		    CONF_K_CONNECT_TIMEOUT);
	if (m->ho.transfer_ms == -1)
		m->ho.transfer_ms = (long)conf_get_duration(&v,
		    CONF_K_TRANSFER_TIMEOUT);
	conf_free(c);
	return rc;
}

/* mi_own - a copy of s that the program frees at its end */
static char *
mi_own(struct mirror *m, const char *s)
{
	if (m->nowned == sizeof(m->owned) / sizeof(m->owned[0]))
		fatalx("mi_own: too many strings");
	if ((m->owned[m->nowned] = strdup(s)) == NULL)
		fatal("strdup");
	return m->owned[m->nowned++];
}

/* mi_neterr - the exit status of a failed download */
static int
mi_neterr(const struct mirror_http_res *r)
{
	switch (errno) {
	case ENOENT:
		return UPD_EX_NOBASE;
	case EFBIG:
		return UPD_EX_BADMOD;
	case EIO:
		return EX_IOERR;
	default:
		return UPD_EX_NET;
	}
	(void)r;
}

/*
 * mi_local - the index DIR holds now, if it is signed by our key and
 * complete (every module there and intact): 1, else 0; with its mtime
 * and the ETag the server gave it
 */
static int
mi_local(struct mirror *m, struct updatever *u, time_t *mtime, char *etag,
    size_t etaglen)
{
	uint8_t		 buf[UPDV_MAXFILE];
	char		 path[PATH_MAX], err[512];
	struct stat	 st;
	size_t		 len, i;

	*mtime = 0;
	etag[0] = '\0';
	if (mirror_dir_read(m->dir, UPDV_FILENAME, buf, sizeof(buf), &len)
	    == -1)
		return 0;
	if (mirror_sig_check(buf, len, m->pk, u, err, sizeof(err)) == -1) {
		log_warnx("%s/%s: %s: mirroring everything again", m->dir,
		    UPDV_FILENAME, err);
		return 0;
	}
	for (i = 0; i < u->nmods; i++)
		if (mirror_dir_check(m->dir, &u->mods[i]) == -1)
			return 2;	/* an index, but incomplete */
	if (path_join(path, sizeof(path), m->dir, UPDV_FILENAME) == 0 &&
	    stat(path, &st) == 0)
		*mtime = st.st_mtime;
	if (mirror_dir_read(m->dir, MI_ETAG, (uint8_t *)etag, etaglen - 1,
	    &len) == 0) {
		etag[len] = '\0';
		etag[strcspn(etag, "\r\n")] = '\0';
	} else
		etag[0] = '\0';
	return 1;
}

/* mi_module - download one module aside, check it, rename it in */
static int
mi_module(struct mirror *m, const struct updatever_mod *um)
{
	struct mirror_http_res	 r;
	char			 url[4096], tmp[PATH_MAX];
	int			 fd, ex = 0;

	if (path_fmt(url, sizeof(url), "%s%s", m->url, um->file) == -1 ||
	    mirror_dir_tmpname(m->dir, um->file, tmp, sizeof(tmp)) == -1) {
		log_warnx("%s: name too long", um->file);
		return EX_USAGE;
	}
	if ((fd = open(tmp, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644)) ==
	    -1) {
		log_warn("%s", tmp);
		return EX_IOERR;
	}
	if (mirror_http_get(m->h, url, fd, NULL, (size_t)um->size, 0, NULL,
	    &r) == -1) {
		log_warnx("%s", r.err);
		ex = mi_neterr(&r);
		if (ex == UPD_EX_BADMOD)
			log_warnx("%s: larger than the %llu bytes update.ver "
			    "lists", um->file, (unsigned long long)um->size);
	} else if (r.bytes != um->size) {
		log_warnx("%s: %llu bytes, update.ver lists %llu: refused",
		    url, (unsigned long long)r.bytes,
		    (unsigned long long)um->size);
		ex = UPD_EX_BADMOD;
	} else if (memcmp(r.sha256, um->sha256, UPDV_SHALEN) != 0) {
		log_warnx("%s: SHA-256 differs from update.ver: refused", url);
		ex = UPD_EX_BADMOD;
	}
	m->bytes += r.bytes;
	if (close(fd) == -1 && ex == 0) {
		log_warn("%s", tmp);
		ex = EX_IOERR;
	}
	if (ex == 0 && mirror_dir_commit(m->dir, tmp, um->file) == -1) {
		log_warn("%s/%s", m->dir, um->file);
		ex = EX_IOERR;
	}
	if (ex != 0)
		unlink(tmp);
	else
		m->nfetched++;
	return ex;
}

/* mi_run - one mirror run under the lock; the exit status */
static int
mi_run(struct mirror *m)
{
	struct updatever	 old, u;
	struct mirror_http_res	 r;
	uint8_t			 buf[UPDV_MAXFILE];
	char			 url[4096], err[512], etag[256];
	time_t			 mtime;
	size_t			 i;
	int			 have, ex;

	have = mi_local(m, &old, &mtime, etag, sizeof(etag));
	if (path_fmt(url, sizeof(url), "%s%s", m->url, UPDV_FILENAME) == -1) {
		log_warnx("%s: URL too long", m->url);
		return EX_USAGE;
	}
	if (mirror_http_get(m->h, url, -1, buf, sizeof(buf),
	    have == 1 ? mtime : 0, have == 1 ? etag : NULL, &r) == -1) {
		log_warnx("%s", r.err);
		ex = mi_neterr(&r);
		return ex == UPD_EX_BADMOD ? UPD_EX_BADSIG : ex;
	}
	m->bytes += r.bytes;
	if (r.notmodified) {
		if (!m->quiet)
			printf("serial %llu: up to date (not modified), "
			    "%llu bytes\n", (unsigned long long)old.serial,
			    (unsigned long long)m->bytes);
		return 0;
	}
	if (mirror_sig_check(buf, (size_t)r.bytes, m->pk, &u, err,
	    sizeof(err)) == -1) {
		log_warnx("%s: %s: refused", m->url, err);
		return UPD_EX_BADSIG;
	}
	if (have && u.serial < old.serial) {
		log_warnx("%s: serial %llu is older than ours (%llu): refused",
		    url, (unsigned long long)u.serial,
		    (unsigned long long)old.serial);
		return UPD_EX_DOWNGRADE;
	}
	for (i = 0; i < u.nmods; i++) {
		if (mirror_dir_check(m->dir, &u.mods[i]) == 0)
			continue;	/* already here, intact */
		if ((ex = mi_module(m, &u.mods[i])) != 0)
			return ex;
	}
	/* every module is in place: now the index */
	if (mirror_dir_put(m->dir, UPDV_FILENAME, buf, (size_t)r.bytes,
	    r.filetime) == -1) {
		log_warn("%s/%s", m->dir, UPDV_FILENAME);
		return EX_IOERR;
	}
	if (mirror_dir_put(m->dir, MI_ETAG, r.etag, strlen(r.etag), 0) == -1)
		log_warn("%s/%s", m->dir, MI_ETAG);
	if (mirror_dir_prune(m->dir, &u, have ? &old : NULL) == -1)
		log_warn("%s: removing old modules", m->dir);
	if (!m->quiet)
		printf("serial %llu: %u of %zu modules downloaded, %llu "
		    "bytes\n", (unsigned long long)u.serial, m->nfetched,
		    u.nmods, (unsigned long long)m->bytes);
	return 0;
}

/* mirror_main - the program */
int
mirror_main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "public-key", required_argument, NULL, 'k' },
		{ "user", required_argument, NULL, 'u' },
		{ "password", required_argument, NULL, 'P' },
		{ "auth-file", required_argument, NULL, 'a' },
		{ "proxy", required_argument, NULL, 'x' },
		{ "proxy-auth-file", required_argument, NULL, 'A' },
		{ "retries", required_argument, NULL, 'r' },
		{ "retry-delay", required_argument, NULL, 'R' },
		{ "connect-timeout", required_argument, NULL, 'C' },
		{ "timeout", required_argument, NULL, 'T' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct mirror	 m;
	const char	*config = NULL, *errstr;
	char		*url = NULL, *dir = NULL;
	char		 err[PATH_MAX + 256];
	int		 ch, ex, lockfd = -1, pwarg = 0;

	log_procinit("vigil-mirror");
	memset(&m, 0, sizeof(m));
	m.ho.retries = UINT_MAX;
	m.ho.connect_ms = m.ho.transfer_ms = -1;
	m.ho.retry_ms = 2000;
	while ((ch = getopt_long(argc, argv, "c:qvh", longopts, NULL)) !=
	    -1) {
		switch (ch) {
		case 'c':
			config = optarg;
			break;
		case 'k':
			m.pubkey = optarg;
			break;
		case 'u':
			m.ho.user = optarg;
			break;
		case 'P':
			m.ho.pass = mi_own(&m, optarg);
			explicit_bzero(optarg, strlen(optarg));
			pwarg = 1;
			break;
		case 'a':
			m.authfile = optarg;
			break;
		case 'x':
			m.ho.proxy = optarg;
			break;
		case 'A':
			m.proxyauthfile = optarg;
			break;
		case 'r':
			m.ho.retries = (unsigned)strtonum(optarg, 0, 100,
			    &errstr);
			if (errstr != NULL)
				fatalx("--retries %s: %s", optarg, errstr);
			break;
		case 'R':
			m.ho.retry_ms = (unsigned)seconds("--retry-delay",
			    optarg);
			break;
		case 'C':
			m.ho.connect_ms = seconds("--connect-timeout", optarg);
			break;
		case 'T':
			m.ho.transfer_ms = seconds("--timeout", optarg);
			break;
		case 'q':
			m.quiet = 1;
			break;
		case 'v':
			m.ho.verbose = 1;
			break;
		default:
			usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (argc != 0 && argc != 2)
		usage();
	if (argc == 2) {
		url = argv[0];
		dir = argv[1];
	}
	if ((m.ho.user == NULL) != (m.ho.pass == NULL) ||
	    (m.ho.user != NULL && m.authfile != NULL))
		usage();
	if (pwarg)
		log_warnx("warning: --password is visible to every user in "
		    "ps(1); prefer --auth-file");
	if ((ex = mi_config(&m, config, &url, &dir)) == 0)
		ex = mi_start(&m, url, dir, err, &lockfd);
	if (ex == -1) {
		if (curl_global_init(CURL_GLOBAL_DEFAULT) != 0 ||
		    (m.h = mirror_http_new(&m.ho)) == NULL)
			fatalx("libcurl cannot start");
		ex = mi_run(&m);
		mirror_http_free(m.h);
		curl_global_cleanup();
	}
	mirror_auth_clear(&m.auth);
	mirror_auth_clear(&m.pauth);
	if (lockfd != -1)
		close(lockfd);
	while (m.nowned > 0) {
		m.nowned--;
		explicit_bzero(m.owned[m.nowned], strlen(m.owned[m.nowned]));
		free(m.owned[m.nowned]);
	}
	return ex;
}

/*
 * mi_start - check the settings, read the keys and credentials, lock
 * DIR: -1 to go on, or an exit status
 */
static int
mi_start(struct mirror *m, const char *url, char *dir, char *err,
    int *lockfd)
{
	size_t	 l, errlen = PATH_MAX + 256;

	if (url == NULL || dir == NULL) {
		log_warnx("no %s: give URL and DIR, or set [mirror] %s",
		    url == NULL ? "URL" : "DIR",
		    url == NULL ? "url" : "mirror_dir");
		return EX_USAGE;
	}
	if (strncmp(url, "http://", 7) != 0 && strncmp(url, "https://", 8)
	    != 0) {
		log_warnx("%s: only http:// and https:// URLs", url);
		return EX_USAGE;
	}
	l = strlen(url);
	m->url = mi_own(m, url);
	if (l == 0 || url[l - 1] != '/') {
		char	*b;

		if (asprintf(&b, "%s/", url) == -1)
			fatal("asprintf");
		m->url = mi_own(m, b);
		free(b);
	}
	m->dir = dir;
	if (m->pubkey == NULL || mirror_sig_load_public(m->pubkey, m->pk, err,
	    errlen) == -1) {
		log_warnx("%s", m->pubkey == NULL ? "no public key "
		    "(--public-key or [mirror] public_key)" : err);
		return EX_CONFIG;
	}
	if (m->authfile != NULL) {
		if (mirror_auth_load(m->authfile, &m->auth, err, errlen) ==
		    -1) {
			log_warnx("%s", err);
			return errno == EPERM ? EX_NOPERM : EX_CONFIG;
		}
		m->ho.user = m->auth.user;
		m->ho.pass = m->auth.pass;
	}
	if (m->proxyauthfile != NULL) {
		if (mirror_auth_load(m->proxyauthfile, &m->pauth, err,
		    errlen) == -1) {
			log_warnx("%s", err);
			return errno == EPERM ? EX_NOPERM : EX_CONFIG;
		}
		m->ho.proxyuser = m->pauth.user;
		m->ho.proxypass = m->pauth.pass;
	}
	if (mkdir(m->dir, 0755) == -1 && errno != EEXIST) {
		log_warn("%s", m->dir);
		return EX_IOERR;
	}
	if ((*lockfd = mirror_dir_lock(m->dir)) == -1) {
		if (errno == EWOULDBLOCK) {
			log_warnx("%s: another vigil-mirror is working here",
			    m->dir);
			return UPD_EX_LOCKED;
		}
		log_warn("%s/.lock", m->dir);
		return EX_IOERR;
	}
	return -1;
}

int
main(int argc, char **argv)
{
	return mirror_main(argc, argv);
}
