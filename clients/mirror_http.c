/*
 * mirror_http.c - downloads of vigil-mirror (libcurl)
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>

#include "util/digest.h"
#include "clients/mirror_http.h"

#define HTTP_MAXREDIRS	5
#define HTTP_MAXPAUSE	60000	/* ms */

struct mirror_http {
	CURL			*curl;
	struct mirror_http_opts	 o;
	struct digest		*d;
};

/* one attempt's sink */
struct http_sink {
	int		 fd;
	uint8_t		*mem;
	size_t		 max;
	uint64_t	 n;
	int		 toobig;
	int		 ioerr;
	struct digest	*d;
	char		*etag;
	size_t		 etaglen;
};

static size_t	 http_body(char *, size_t, size_t, void *);
static size_t	 http_header(char *, size_t, size_t, void *);
static int	 http_setup(struct mirror_http *, const char *,
		    struct curl_slist **, time_t, const char *);
static int	 http_transient(CURLcode, long);
static void	 http_pause(unsigned);

/* http_body - a piece of the body into the fd or the buffer, hashed */
static size_t
http_body(char *p, size_t size, size_t nmemb, void *arg)
{
	struct http_sink	*s = arg;
	size_t			 n = size * nmemb, off = 0;
	ssize_t			 w;

	if (n > s->max - s->n) {
		s->toobig = 1;
		return 0;
	}
	if (s->fd == -1)
		memcpy(s->mem + s->n, p, n);
	else {
		while (off < n) {
			if ((w = write(s->fd, p + off, n - off)) == -1) {
				if (errno == EINTR)
					continue;
				s->ioerr = errno;
				return 0;
			}
			off += (size_t)w;
		}
	}
	digest_update(s->d, p, n);
	s->n += n;
	return n;
}

/* http_header - keep the ETag of the last response */
static size_t
http_header(char *p, size_t size, size_t nmemb, void *arg)
{
	struct http_sink	*s = arg;
	size_t			 n = size * nmemb, l;

	if (n >= 5 && strncmp(p, "HTTP/", 5) == 0)
		s->etag[0] = '\0';	/* a new response (redirect) */
	if (n > 5 && strncasecmp(p, "ETag:", 5) == 0) {
		p += 5;
		l = n - 5;
		while (l > 0 && (*p == ' ' || *p == '\t')) {
			p++;
			l--;
		}
		while (l > 0 && (p[l - 1] == '\r' || p[l - 1] == '\n' ||
		    p[l - 1] == ' '))
			l--;
		if (l < s->etaglen) {
			memcpy(s->etag, p, l);
			s->etag[l] = '\0';
		}
	}
	return n;
}

/* mirror_http_new - a handle for one run */
struct mirror_http *
mirror_http_new(const struct mirror_http_opts *o)
{
	struct mirror_http	*h;

	if ((h = calloc(1, sizeof(*h))) == NULL)
		return NULL;
	h->o = *o;
	if ((h->curl = curl_easy_init()) == NULL ||
	    (h->d = digest_new()) == NULL) {
		mirror_http_free(h);
		return NULL;
	}
	return h;
}

/* mirror_http_free - release a handle */
void
mirror_http_free(struct mirror_http *h)
{
	if (h == NULL)
		return;
	if (h->curl != NULL)
		curl_easy_cleanup(h->curl);
	digest_free(h->d);
	free(h);
}

/* http_setup - the options of one request; -1 if libcurl refuses one */
static int
http_setup(struct mirror_http *h, const char *url, struct curl_slist **hdrs,
    time_t ims, const char *etag)
{
	const struct mirror_http_opts	*o = &h->o;
	CURL				*c = h->curl;
	struct curl_slist		*n;
	struct tm			 tm;
	char				 line[300];
	CURLcode			 e = CURLE_OK;

	curl_easy_reset(c);
#define SET(opt, val)	do { if (e == CURLE_OK) \
	e = curl_easy_setopt(c, opt, val); } while (0)
	SET(CURLOPT_URL, url);
	SET(CURLOPT_PROTOCOLS_STR, "http,https");
	SET(CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
	SET(CURLOPT_FOLLOWLOCATION, 1L);
	SET(CURLOPT_MAXREDIRS, (long)HTTP_MAXREDIRS);
	SET(CURLOPT_NOSIGNAL, 1L);
	SET(CURLOPT_USERAGENT, "vigil-mirror/" VIGIL_VERSION);
	SET(CURLOPT_CONNECTTIMEOUT_MS, o->connect_ms);
	SET(CURLOPT_TIMEOUT_MS, o->transfer_ms);
	SET(CURLOPT_FILETIME, 1L);
	SET(CURLOPT_VERBOSE, o->verbose ? 1L : 0L);
	if (o->user != NULL) {
		SET(CURLOPT_HTTPAUTH, (long)CURLAUTH_BASIC);
		SET(CURLOPT_USERNAME, o->user);
		SET(CURLOPT_PASSWORD, o->pass != NULL ? o->pass : "");
	} else
		SET(CURLOPT_NETRC, (long)CURL_NETRC_OPTIONAL);
	if (o->proxy != NULL)
		SET(CURLOPT_PROXY, o->proxy);
	if (o->proxyuser != NULL) {
		SET(CURLOPT_PROXYAUTH, (long)CURLAUTH_BASIC);
		SET(CURLOPT_PROXYUSERNAME, o->proxyuser);
		SET(CURLOPT_PROXYPASSWORD, o->proxypass != NULL ?
		    o->proxypass : "");
	}
	/*
	 * The conditions go as plain headers: libcurl's own time condition
	 * would also judge a 200 by its Last-Modified on the client side and
	 * drop an index that went back in time; only the server's 304 counts.
	 */
	*hdrs = NULL;
	if (ims != 0 && gmtime_r(&ims, &tm) != NULL &&
	    strftime(line, sizeof(line), "If-Modified-Since: %a, %d %b %Y "
	    "%H:%M:%S GMT", &tm) > 0 &&
	    (*hdrs = curl_slist_append(*hdrs, line)) == NULL)
		return -1;
	if (etag != NULL && etag[0] != '\0' &&
	    (size_t)snprintf(line, sizeof(line), "If-None-Match: %s", etag) <
	    sizeof(line)) {
		if ((n = curl_slist_append(*hdrs, line)) == NULL)
			return -1;
		*hdrs = n;
	}
	if (*hdrs != NULL)
		SET(CURLOPT_HTTPHEADER, *hdrs);
	SET(CURLOPT_WRITEFUNCTION, http_body);
	SET(CURLOPT_HEADERFUNCTION, http_header);
#undef SET
	return e == CURLE_OK ? 0 : -1;
}

/* http_transient - a failure worth another attempt */
static int
http_transient(CURLcode e, long status)
{
	switch (e) {
	case CURLE_OK:
		return status == 408 || status == 429 || status >= 500;
	case CURLE_COULDNT_RESOLVE_PROXY:
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_COULDNT_CONNECT:
	case CURLE_OPERATION_TIMEDOUT:
	case CURLE_PARTIAL_FILE:
	case CURLE_RECV_ERROR:
	case CURLE_SEND_ERROR:
	case CURLE_GOT_NOTHING:
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_HTTP2:
	case CURLE_HTTP2_STREAM:
		return 1;
	default:
		return 0;
	}
}

/* http_pause - sleep ms milliseconds */
static void
http_pause(unsigned ms)
{
	struct timespec	 ts;

	ts.tv_sec = ms / 1000;
	ts.tv_nsec = (long)(ms % 1000) * 1000000L;
	while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
		;
}

/* mirror_http_get - one file, with retries */
int
mirror_http_get(struct mirror_http *h, const char *url, int fd, uint8_t *mem,
    size_t max, time_t ims, const char *etag, struct mirror_http_res *r)
{
	uint8_t			 out[DIGEST_NTYPES][DIGEST_MAXLEN];
	struct http_sink	 s;
	struct curl_slist	*hdrs = NULL;
	char			 ebuf[CURL_ERROR_SIZE];
	curl_off_t		 ft;
	off_t			 start = 0;
	CURLcode		 e;
	unsigned		 pause = h->o.retry_ms;

	memset(r, 0, sizeof(*r));
	if (fd != -1 && (start = lseek(fd, 0, SEEK_CUR)) == -1)
		return -1;
	for (;;) {
		r->attempts++;
		memset(&s, 0, sizeof(s));
		s.fd = fd;
		s.mem = mem;
		s.max = max;
		s.d = h->d;
		s.etag = r->etag;
		s.etaglen = sizeof(r->etag);
		r->etag[0] = '\0';
		ebuf[0] = '\0';
		if (fd != -1 && (ftruncate(fd, start) == -1 ||
		    lseek(fd, start, SEEK_SET) == -1)) {
			snprintf(r->err, sizeof(r->err), "%s: %s", url,
			    strerror(errno));
			errno = EIO;
			return -1;
		}
		if (digest_reset(h->d, 1U << DIGEST_SHA256) == -1 ||
		    http_setup(h, url, &hdrs, ims, etag) == -1 ||
		    curl_easy_setopt(h->curl, CURLOPT_WRITEDATA, &s) !=
		    CURLE_OK ||
		    curl_easy_setopt(h->curl, CURLOPT_HEADERDATA, &s) !=
		    CURLE_OK ||
		    curl_easy_setopt(h->curl, CURLOPT_ERRORBUFFER, ebuf) !=
		    CURLE_OK) {
			curl_slist_free_all(hdrs);
			snprintf(r->err, sizeof(r->err), "%s: libcurl refused "
			    "an option", url);
			errno = EIO;
			return -1;
		}
		e = curl_easy_perform(h->curl);
		(void)curl_easy_setopt(h->curl, CURLOPT_ERRORBUFFER, NULL);
		(void)curl_easy_setopt(h->curl, CURLOPT_HTTPHEADER, NULL);
		curl_slist_free_all(hdrs);
		hdrs = NULL;
		r->status = 0;
		curl_easy_getinfo(h->curl, CURLINFO_RESPONSE_CODE, &r->status);
		r->bytes = s.n;
		if (s.toobig) {
			snprintf(r->err, sizeof(r->err), "%s: more than %zu "
			    "bytes", url, max);
			errno = EFBIG;
			return -1;
		}
		if (s.ioerr != 0) {
			snprintf(r->err, sizeof(r->err), "%s: writing: %s",
			    url, strerror(s.ioerr));
			errno = EIO;
			return -1;
		}
		if (e == CURLE_OK && (r->status == 200 || r->status == 304))
			break;
		if (e != CURLE_OK)
			snprintf(r->err, sizeof(r->err), "%s: %s", url,
			    ebuf[0] != '\0' ? ebuf : curl_easy_strerror(e));
		else
			snprintf(r->err, sizeof(r->err), "%s: HTTP status %ld",
			    url, r->status);
		if (!http_transient(e, r->status) ||
		    r->attempts > h->o.retries) {
			if (e == CURLE_OK)
				errno = r->status == 404 || r->status == 410 ?
				    ENOENT : r->status == 401 ||
				    r->status == 403 || r->status == 407 ?
				    EACCES : EPROTO;
			else
				errno = e == CURLE_OPERATION_TIMEDOUT ?
				    ETIMEDOUT : e == CURLE_COULDNT_CONNECT ?
				    ECONNREFUSED : ECONNRESET;
			return -1;
		}
		http_pause(pause);
		pause = pause * 2 > HTTP_MAXPAUSE ? HTTP_MAXPAUSE : pause * 2;
	}
	r->notmodified = r->status == 304;
	ft = -1;
	if (curl_easy_getinfo(h->curl, CURLINFO_FILETIME_T, &ft) == CURLE_OK &&
	    ft > 0)
		r->filetime = (time_t)ft;
	if (digest_final(h->d, out) == -1) {
		snprintf(r->err, sizeof(r->err), "%s: SHA-256 failed", url);
		errno = EIO;
		return -1;
	}
	memcpy(r->sha256, out[DIGEST_SHA256], sizeof(r->sha256));
	return 0;
}
