/* Asynchronous HTTP requests on the loop with bounded buffers.
 *
 * Body mode: the whole response body is kept up to a cap per request; a
 * body over the cap ends that request with an error (never an OOM).
 * Stream mode (watches, logs): 2xx bodies are split into lines handed to a
 * callback as they arrive, each line capped (default 16 MiB); a longer line
 * ends the request with an error. Non-2xx bodies in stream mode are kept as
 * in body mode so the caller can read the Status.
 *
 * The caller configures the easy handle (URL, TLS, auth: kube_easy_setup);
 * http_start takes it over and cleans it up with the request. */
#ifndef OPSDECK_HTTP_H
#define OPSDECK_HTTP_H

#include <stddef.h>

#include <curl/curl.h>

#include "opsdeck/buf.h"

struct loop;
struct http_req;

#define HTTP_DEFAULT_MAX_BODY	(256u * 1024 * 1024)
#define HTTP_DEFAULT_MAX_LINE	(16u * 1024 * 1024)

/* Splits a byte stream into lines ('\n'; a trailing '\r' is removed), each
 * at most max bytes. Used by stream mode; exposed for tests and fuzzing. */
struct line_splitter {
	struct buf	 b;		/* the unterminated line held back */
	size_t		 max;
	int		 failed;	/* a line went over max */
};

void	 splitter_init(struct line_splitter *, size_t max);
void	 splitter_free(struct line_splitter *);
/* Feed len bytes; cb runs for each complete line (not NUL-terminated;
 * line[len] is readable). Returns 0, -1 if a line is over max (the splitter
 * stays failed), or cb's non-zero return value, which stops feeding. */
int	 splitter_feed(struct line_splitter *, const char *data, size_t len,
	    int (*cb)(const char *line, size_t len, void *arg), void *arg);
/* Bytes of an unterminated line held back. */
size_t	 splitter_pending(const struct line_splitter *);

/* Seconds a Retry-After header value (len bytes, not NUL-terminated) asks
 * for: delta-seconds or an HTTP date (0 if past); -1 if unusable. Exposed
 * for tests and fuzzing. */
double	 http_parse_retry_after(const char *v, size_t len);

/* What to send and how to receive. Zero values mean defaults. */
struct http_opts {
	const char		*method;	/* NULL: GET */
	const char		*content_type;	/* for body */
	const char		*body;		/* copied */
	size_t			 body_len;
	struct curl_slist	*headers;	/* taken (freed with the request) */
	size_t			 max_body;	/* HTTP_DEFAULT_MAX_BODY */
	/* The error when a body goes over max_body (copied); NULL:
	 * "response body over N bytes". */
	const char		*over_text;
	size_t			 max_line;	/* stream mode: HTTP_DEFAULT_MAX_LINE */
	double			 connect_timeout; /* seconds, 0: 5 */
	double			 timeout;	/* whole request, 0: none */
	long			 low_speed_time; /* abort below 1 byte/s for this many s; 0: off */
	/* Stream mode if set: return non-zero to stop the request (it then
	 * ends with error "aborted"). */
	int			(*on_line)(const char *line, size_t len, void *arg);
	/* Data mode if set (and on_line is not): a 2xx body's bytes, as
	 * decoded (gzip inflated), go here instead of being kept; max_body
	 * still bounds their total. Return non-zero to stop the request (it
	 * then ends with error "aborted"). */
	int			(*on_data)(const char *data, size_t len, void *arg);
};

/* s percent-encoded for a URL (every byte but RFC 3986's unreserved
 * letters, digits and "-._~"), by libcurl; new string. */
char		*http_escape(const char *s);
/* path with the query parameter key=value added ('?' or '&'), the value
 * escaped; takes path, returns a new string. */
char		*http_query_add(char *path, const char *key, const char *value);

/* Start a request on easy (taken). done and on_line get arg. done runs once when it ends (not after
 * http_cancel); the request is freed after done returns. */
struct http_req	*http_start(struct loop *, CURL *easy, const struct http_opts *,
		    void (*done)(struct http_req *, void *arg), void *arg);
/* Abort and free a running request; done is not called. */
void		 http_cancel(struct http_req *);

/* Results, valid inside done. */
long		 http_status(const struct http_req *);		/* 0 if no response */
CURLcode	 http_curlcode(const struct http_req *);
/* Human-readable transport error (curl's message, or over-cap), or NULL if
 * an HTTP response was received completely. */
const char	*http_error(const struct http_req *);
const char	*http_body(const struct http_req *, size_t *len);	/* NUL-terminated */
/* Retry-After in seconds, or -1. */
double		 http_retry_after(const struct http_req *);
/* Where a 3xx response pointed (never followed), or NULL. */
const char	*http_location(const struct http_req *);
/* Lines delivered in stream mode. */
size_t		 http_lines(const struct http_req *);
/* Seconds since the request started. */
double		 http_elapsed(const struct http_req *);
CURL		*http_easy(const struct http_req *);

#endif
