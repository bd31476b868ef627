/*
 * mirror_http.h - downloads of vigil-mirror (libcurl)
 *
 * SYNOPSIS
 *	struct mirror_http *mirror_http_new(const struct mirror_http_opts *o);
 *	void	 mirror_http_free(struct mirror_http *h);
 *	int	 mirror_http_get(struct mirror_http *h, const char *url,
 *		    int fd, uint8_t *mem, size_t max, time_t ims,
 *		    const char *etag, struct mirror_http_res *r);
 * DESCRIPTION
 *	One libcurl easy handle, kept for every download of a run so that
 *	the connection is reused.  Only http and https are spoken, also
 *	after a redirect (at most 5); credentials are not sent to another
 *	host after one.  Options (o is copied, its strings are not: they
 *	must outlive h): user and pass for the server (HTTP Basic; NULL
 *	user: an entry of ~/.netrc for the host, if there is one), proxy
 *	("http://host:port"; NULL: libcurl's default, the http_proxy and
 *	https_proxy environment variables) with proxyuser and proxypass,
 *	connect_ms and transfer_ms (time to connect, and for a whole
 *	download), retries (further attempts after a failure that may pass:
 *	no connection, a timeout, a broken transfer, HTTP 408, 429 and 5xx)
 *	with a pause of retry_ms before the first, doubled for each next,
 *	capped at 60 s; verbose (libcurl's trace on stderr).
 *
 *	mirror_http_get() fetches url.  The body goes to fd (from its
 *	current offset; each attempt truncates fd back to that offset) or,
 *	when fd is -1, into mem; either way at most max bytes: a longer body
 *	fails.  A non-zero ims sends If-Modified-Since, a non-NULL etag
 *	If-None-Match.  r gets the HTTP status, notmodified (a 304), the
 *	bytes received, the SHA-256 of the body, the server's Last-Modified
 *	time (0 if none) and ETag ("" if none), and, on failure, a message
 *	naming the url.
 * ERRORS
 *	mirror_http_new() returns NULL when libcurl cannot start.
 *	mirror_http_get() returns 0 for a 200 or a 304, or -1 with errno:
 *	ENOENT (404, 410), EACCES (401, 403, 407: credentials), EFBIG (body
 *	over max), EIO (writing fd failed), EPROTO (another status), or
 *	ETIMEDOUT, ECONNREFUSED, ECONNRESET for what stayed broken after the
 *	retries.  Never exits, never logs (verbose aside).
 * PROCESS
 *	vigil-mirror.  Call curl_global_init() before the first handle.
 */
#ifndef VIGIL_MIRROR_HTTP_H
#define VIGIL_MIRROR_HTTP_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

struct mirror_http_opts {
	const char	*user;
	const char	*pass;
	const char	*proxy;
	const char	*proxyuser;
	const char	*proxypass;
	long		 connect_ms;
	long		 transfer_ms;
	unsigned	 retries;
	unsigned	 retry_ms;
	int		 verbose;
};

struct mirror_http_res {
	long		 status;
	int		 notmodified;
	uint64_t	 bytes;
	uint8_t		 sha256[32];
	time_t		 filetime;
	char		 etag[256];
	unsigned	 attempts;
	char		 err[512];
};

struct mirror_http;

struct mirror_http *mirror_http_new(const struct mirror_http_opts *);
void	 mirror_http_free(struct mirror_http *);
int	 mirror_http_get(struct mirror_http *, const char *, int, uint8_t *,
	    size_t, time_t, const char *, struct mirror_http_res *);

#endif
