/* Asynchronous HTTP requests on the loop with bounded body and line
 * buffers. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "opsdeck/http.h"
#include "opsdeck/loop.h"
#include "opsdeck/xmalloc.h"

/* One request in flight. */
struct http_req {
	struct loop		*loop;
	CURL			*easy;
	struct curl_slist	*headers;
	char			*send_body;
	char			*method;
	void			(*done)(struct http_req *, void *);
	void			*arg;
	int			(*on_line)(const char *, size_t, void *);
	int			(*on_data)(const char *, size_t, void *);
	size_t			 data_len;	/* data mode: bytes handed over */
	uint64_t		 fed_turn;	/* the loop turn it last had data */

	struct buf		 body;		/* body mode, or non-2xx in stream mode */
	size_t			 max_body;
	char			*over_text;	/* the error past max_body, or NULL */
	struct line_splitter	 split;
	size_t			 nlines;

	long			 status;
	CURLcode		 rc;
	char			*error;
	double			 retry_after;
	char			*location;	/* a redirect's target, or NULL */
	double			 started;
	char			 errbuf[CURL_ERROR_SIZE];
};

/* Set up a splitter. */
void
splitter_init(struct line_splitter *s, size_t max)
{
	memset(s, 0, sizeof *s);
	s->max = max != 0 ? max : HTTP_DEFAULT_MAX_LINE;
}

/* Free a splitter's buffer. */
void
splitter_free(struct line_splitter *s)
{
	buf_free(&s->b);
}

/* Bytes held back. */
size_t
splitter_pending(const struct line_splitter *s)
{
	return s->b.len;
}

/* Append n bytes to the held partial line; -1 if over max. */
static int
splitter_hold(struct line_splitter *s, const char *p, size_t n)
{
	if (n > s->max || s->b.len > s->max - n) {
		s->failed = 1;
		splitter_free(s);
		return -1;
	}
	buf_add(&s->b, p, n);
	return 0;
}

/* Deliver one line, dropping a trailing CR. */
static int
splitter_emit(const char *line, size_t n, int (*cb)(const char *, size_t, void *),
    void *arg)
{
	if (n > 0 && line[n - 1] == '\r')
		n--;
	return cb(line, n, arg);
}

/* Feed bytes. */
int
splitter_feed(struct line_splitter *s, const char *data, size_t len,
    int (*cb)(const char *, size_t, void *), void *arg)
{
	const char *p = data, *end = data + len, *nl;
	size_t n;
	int rc;

	if (s->failed)
		return -1;
	while (p < end) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (nl == NULL)
			return splitter_hold(s, p, (size_t)(end - p));
		n = (size_t)(nl - p);
		if (s->b.len > 0) {
			if (splitter_hold(s, p, n) != 0)
				return -1;
			n = s->b.len;
			s->b.len = 0;
			rc = splitter_emit(s->b.p, n, cb, arg);
		} else {
			if (n > s->max) {
				s->failed = 1;
				return -1;
			}
			rc = splitter_emit(p, n, cb, arg);
		}
		if (rc != 0)
			return rc;
		p = nl + 1;
	}
	return 0;
}

/* Keep body bytes up to the cap; 0 if over it. */
static int
http_keep(struct http_req *r, const char *p, size_t n)
{
	if (n > r->max_body || r->body.len > r->max_body - n)
		return 0;
	buf_add(&r->body, p, n);
	return 1;
}

/* The error for a body over the cap. New string. */
static char *
http_over_text(const struct http_req *r)
{
	if (r->over_text != NULL)
		return xstrdup(r->over_text);
	return xasprintf("response body over %zu bytes", r->max_body);
}

/* Count a line and hand it to the owner. */
static int
http_line(const char *line, size_t len, void *arg)
{
	struct http_req *r = arg;

	r->nlines++;
	return r->on_line(line, len, r->arg);
}

/* CURLOPT_WRITEFUNCTION: split lines or keep the body, within caps. */
static size_t
http_write(char *ptr, size_t size, size_t nmemb, void *arg)
{
	struct http_req *r = arg;
	size_t n = size * nmemb;
	int rc;

	if (r->status == 0)
		curl_easy_getinfo(r->easy, CURLINFO_RESPONSE_CODE, &r->status);
	/* a stream's data waits for the next turn once this one is spent
	 * (each stream is read at least once a turn) */
	if ((r->on_line != NULL || r->on_data != NULL) && r->status >= 200 &&
	    r->status < 300) {
		if (r->fed_turn == loop_turn(r->loop) && loop_busy(r->loop)) {
			loop_pause(r->loop, r->easy);
			return CURL_WRITEFUNC_PAUSE;
		}
		r->fed_turn = loop_turn(r->loop);
	}
	if (r->on_line != NULL && r->status >= 200 && r->status < 300) {
		rc = splitter_feed(&r->split, ptr, n, http_line, r);
		if (rc == 0)
			return n;
		free(r->error);
		if (rc == -1)
			r->error = xasprintf("a streamed line is over %zu bytes", r->split.max);
		else
			r->error = xstrdup("aborted");
		return 0;
	}
	if (r->on_data != NULL && r->status >= 200 && r->status < 300) {
		/* counted as decoded: a small compressed body that inflates
		 * past the cap stops at the cap */
		if (n > r->max_body || r->data_len > r->max_body - n) {
			r->error = http_over_text(r);
			return 0;
		}
		r->data_len += n;
		if (r->on_data(ptr, n, r->arg) != 0) {
			r->error = xstrdup("aborted");
			return 0;
		}
		return n;
	}
	if (!http_keep(r, ptr, n)) {
		free(r->error);
		r->error = http_over_text(r);
		return 0;
	}
	return n;
}

/* Seconds a Retry-After value asks for (delta-seconds or an HTTP date),
 * or -1 if it says nothing usable. */
double
http_parse_retry_after(const char *v, size_t vlen)
{
	char tmp[128], *end;
	double secs;

	while (vlen > 0 && isspace((unsigned char)*v)) {
		v++;
		vlen--;
	}
	while (vlen > 0 && isspace((unsigned char)v[vlen - 1]))
		vlen--;
	if (vlen == 0 || vlen >= sizeof tmp || memchr(v, '\0', vlen) != NULL)
		return -1;
	memcpy(tmp, v, vlen);
	tmp[vlen] = '\0';
	secs = strtod(tmp, &end);
	if (end != tmp && *end == '\0')
		return secs >= 0 && secs <= 1e9 ? secs : -1;	/* no nan, no inf */
	{
		time_t t = curl_getdate(tmp, NULL);

		if (t == (time_t)-1)
			return -1;
		secs = difftime(t, time(NULL));
		return secs > 0 ? secs : 0;
	}
}

/* CURLOPT_HEADERFUNCTION: note the status and Retry-After. */
static size_t
http_header(char *ptr, size_t size, size_t nmemb, void *arg)
{
	struct http_req *r = arg;
	size_t n = size * nmemb, klen = strlen("retry-after:");
	double secs;

	if (n >= 5 && strncmp(ptr, "HTTP/", 5) == 0) {
		r->status = 0;
		r->retry_after = -1;
		return n;
	}
	if (n <= klen || strncasecmp(ptr, "retry-after:", klen) != 0)
		return n;
	secs = http_parse_retry_after(ptr + klen, n - klen);
	if (secs >= 0)
		r->retry_after = secs;
	return n;
}

/* Free a request and its handle. */
static void
http_free(struct http_req *r)
{
	curl_easy_cleanup(r->easy);
	curl_slist_free_all(r->headers);
	splitter_free(&r->split);
	free(r->send_body);
	free(r->method);
	buf_free(&r->body);
	free(r->error);
	free(r->over_text);
	free(r->location);
	free(r);
}

/* The loop says the transfer ended. */
static void
http_finished(CURL *easy, CURLcode rc, void *arg)
{
	struct http_req *r = arg;
	long status = 0;

	char *loc = NULL;

	r->rc = rc;
	curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &status);
	r->status = status;
	if (status >= 300 && status < 400 &&
	    curl_easy_getinfo(easy, CURLINFO_REDIRECT_URL, &loc) == CURLE_OK && loc != NULL)
		r->location = xstrdup(loc);
	if (rc == CURLE_OUT_OF_MEMORY && r->error == NULL && r->errbuf[0] == '\0') {
		/* what curl says of a header line over its 100 KB limit */
		r->error = xstrdup("response header too large (a header line over curl's "
		    "limit; curl reports it as \"Out of memory\")");
	} else if (rc != CURLE_OK && r->error == NULL) {
		size_t n = strlen(r->errbuf);

		while (n > 0 && (r->errbuf[n - 1] == '\n' || r->errbuf[n - 1] == ' '))
			r->errbuf[--n] = '\0';
		r->error = xstrdup(n > 0 ? r->errbuf : curl_easy_strerror(rc));
	}
	if (r->body.p == NULL)
		http_keep(r, "", 0);
	if (r->done != NULL)
		r->done(r, r->arg);
	http_free(r);
}

/* Start a request. */
struct http_req *
http_start(struct loop *loop, CURL *easy, const struct http_opts *o,
    void (*done)(struct http_req *, void *), void *arg)
{
	struct http_req *r;
	double ct;

	r = xcalloc(1, sizeof *r);
	r->loop = loop;
	r->easy = easy;
	r->done = done;
	r->arg = arg;
	r->on_line = o->on_line;
	r->on_data = o->on_line == NULL ? o->on_data : NULL;
	r->headers = o->headers;
	r->max_body = o->max_body != 0 ? o->max_body : HTTP_DEFAULT_MAX_BODY;
	r->over_text = o->over_text != NULL ? xstrdup(o->over_text) : NULL;
	r->retry_after = -1;
	r->started = loop_now();
	splitter_init(&r->split, o->max_line);

	curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(easy, CURLOPT_ERRORBUFFER, r->errbuf);
	curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, http_write);
	curl_easy_setopt(easy, CURLOPT_WRITEDATA, r);
	curl_easy_setopt(easy, CURLOPT_HEADERFUNCTION, http_header);
	curl_easy_setopt(easy, CURLOPT_HEADERDATA, r);
	curl_easy_setopt(easy, CURLOPT_PIPEWAIT, 1L);
	curl_easy_setopt(easy, CURLOPT_TCP_KEEPALIVE, 1L);
	ct = o->connect_timeout > 0 ? o->connect_timeout : 5.0;
	curl_easy_setopt(easy, CURLOPT_CONNECTTIMEOUT_MS, (long)(ct * 1000));
	if (o->timeout > 0)
		curl_easy_setopt(easy, CURLOPT_TIMEOUT_MS, (long)(o->timeout * 1000));
	if (o->low_speed_time > 0) {
		curl_easy_setopt(easy, CURLOPT_LOW_SPEED_LIMIT, 1L);
		curl_easy_setopt(easy, CURLOPT_LOW_SPEED_TIME, o->low_speed_time);
	}
	if (o->content_type != NULL) {
		char *h = xasprintf("Content-Type: %s", o->content_type);

		r->headers = curl_slist_append(r->headers, h);
		free(h);
	}
	if (r->headers != NULL)
		curl_easy_setopt(easy, CURLOPT_HTTPHEADER, r->headers);
	if (o->method != NULL && strcmp(o->method, "GET") != 0) {
		r->method = xstrdup(o->method);
		curl_easy_setopt(easy, CURLOPT_CUSTOMREQUEST, r->method);
	}
	if (o->body != NULL) {
		r->send_body = xmalloc(o->body_len + 1);
		memcpy(r->send_body, o->body, o->body_len);
		r->send_body[o->body_len] = '\0';
		curl_easy_setopt(easy, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)o->body_len);
		curl_easy_setopt(easy, CURLOPT_POSTFIELDS, r->send_body);
	}
	loop_add_transfer(loop, easy, http_finished, r);
	return r;
}

/* Abort a request without calling done. */
void
http_cancel(struct http_req *r)
{
	if (r == NULL)
		return;
	loop_cancel_transfer(r->loop, r->easy);
	http_free(r);
}

/* HTTP status, 0 if none. */
long
http_status(const struct http_req *r)
{
	return r->status;
}

/* curl's result. */
CURLcode
http_curlcode(const struct http_req *r)
{
	return r->rc;
}

/* Transport error text, or NULL. */
const char *
http_error(const struct http_req *r)
{
	return r->error;
}

/* The kept body (NUL-terminated). */
const char *
http_body(const struct http_req *r, size_t *len)
{
	if (len != NULL)
		*len = r->body.len;
	return r->body.p != NULL ? r->body.p : "";
}

/* Retry-After seconds, or -1. */
double
http_retry_after(const struct http_req *r)
{
	return r->retry_after;
}

/* Where a 3xx response pointed, or NULL. */
const char *
http_location(const struct http_req *r)
{
	return r->location;
}

/* Lines streamed. */
size_t
http_lines(const struct http_req *r)
{
	return r->nlines;
}

/* Seconds since start. */
double
http_elapsed(const struct http_req *r)
{
	return loop_now() - r->started;
}

/* The easy handle. */
CURL *
http_easy(const struct http_req *r)
{
	return r->easy;
}

char *
http_escape(const char *s)
{
	char *esc = curl_easy_escape(NULL, s, 0), *out;

	if (esc == NULL)
		fatal("curl_easy_escape: out of memory");
	out = xstrdup(esc);
	curl_free(esc);
	return out;
}

char *
http_query_add(char *path, const char *key, const char *value)
{
	char *esc = http_escape(value), *out;

	out = xasprintf("%s%c%s=%s", path, strchr(path, '?') != NULL ? '&' : '?', key, esc);
	free(esc);
	free(path);
	return out;
}
