/* Per-cluster connections: credentials (exec plugins run on the loop, once
 * more on 401), requests to the API server, Alertmanager and Prometheus,
 * and a health probe that turns a silent live cluster stale. */
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "opsdeck/auth.h"
#include "opsdeck/client.h"
#include "opsdeck/http.h"
#include "opsdeck/kinds.h"
#include "opsdeck/kubeconfig.h"
#include "opsdeck/loop.h"
#include "opsdeck/sanitize.h"
#include "opsdeck/store.h"
#include "opsdeck/xmalloc.h"

#include "client_int.h"

/* A request of the client, queued while credentials are fetched. */
struct creq {
	struct client		*c;
	size_t			 cluster;
	enum creq_target	 target;
	char			*method;
	char			*path;
	char			*content_type;
	char			*body;
	char			*accept;
	double			 timeout;
	long			 low_speed_time;
	int			(*on_line)(const char *, size_t, void *);
	int			(*on_data)(const char *, size_t, void *);
	void			(*done)(const struct cresult *, void *);
	void			*arg;
	struct http_req		*http;
	struct loop_timer	*fail_timer;	/* reports a setup failure next turn */
	char			*fail;
	bool			 queued;
	bool			 retried;
	bool			 one_object;	/* a GET of one API object */
	struct creq		*next;
};

/* One selected context. */
struct conn {
	struct client		*c;
	size_t			 idx;
	struct kube_context	*ctx;
	struct auth_exec	*ae;
	struct loop_timer	*ae_timer;
	struct creq		*queue;		/* waiting for the credential */
	CURLSH			*share;		/* this context's own connections */
	struct loop_timer	*health_timer;
	struct creq		*health;
	struct loop_timer	*slow_timer;	/* the probe is late: stale */
	struct loop_timer	*escalate_timer; /* stale too long: its failure */
	bool			 ever_live;
	bool			 probe_failed;	/* the probe set a never-live failure */
	unsigned		 failed_probes;	/* consecutive failed health probes */
	enum conn_state		 fail_state;	/* the latest failure while stale */
	char			*fail_reason;
};

/* How a live cluster that stops answering is seen: a /version probe every
 * health_interval (CONN_PROBE_INTERVAL) that has no answer after
 * CONN_PROBE_LATE seconds turns it stale (so a hung cluster is stale within
 * interval + late seconds of its last answer); a stale cluster takes its
 * failure state (unreachable, with the age of its data) after
 * CONN_STALE_PROBES failed probes in a row, or CONN_STALE_SECONDS after it
 * turned stale, whichever is first: unreachable by 30 s of a hang. */
#define CONN_PROBE_INTERVAL	5
#define CONN_PROBE_LATE		3
#define CONN_STALE_PROBES	3
#define CONN_STALE_SECONDS	20

/* Public request completion shim. */
struct client_call {
	struct client		*c;
	size_t			 cluster;
	struct creq_spec	 spec;		/* path owned */
	struct creq		*req;		/* in flight, or NULL */
	int			 retries;
	struct loop_timer	*timer;		/* waiting to retry */
	struct client_call	*next;		/* in c->waiting */
	client_done_cb		 done;
	void			*arg;
};

/* A public stream handle. */
struct client_stream {
	struct creq		*req;
	client_line_cb		 on_line;
	client_done_cb		 done;
	void			*arg;
};

static void	creq_launch(struct creq *);
static void	conn_health_arm(struct conn *);

/* The cluster state for a curl failure. */
enum conn_state
conn_state_for_curl(CURLcode rc)
{
	switch (rc) {
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_SSL_CERTPROBLEM:
	case CURLE_SSL_CIPHER:
	case CURLE_SSL_CACERT_BADFILE:
	case CURLE_SSL_ISSUER_ERROR:
	case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
	case CURLE_SSL_INVALIDCERTSTATUS:
	case CURLE_SSL_CRL_BADFILE:
		return CONN_TLS_ERROR;
	case CURLE_COULDNT_CONNECT:
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_COULDNT_RESOLVE_PROXY:
	case CURLE_OPERATION_TIMEDOUT:
	case CURLE_RECV_ERROR:
	case CURLE_SEND_ERROR:
	case CURLE_GOT_NOTHING:
		return CONN_UNREACHABLE;
	default:
		return CONN_ERROR;
	}
}

/* Text of a Status body (message, else reason), or NULL. */
char *
status_message(const char *body, size_t len)
{
	json_t *j;
	const char *m;
	char *out = NULL;

	if (body == NULL || len == 0)
		return NULL;
	j = json_loadb(body, len, 0, NULL);
	if (j == NULL)
		return NULL;
	m = json_string_value(json_object_get(j, "message"));
	if (m == NULL || *m == '\0')
		m = json_string_value(json_object_get(j, "reason"));
	if (m == NULL || *m == '\0')
		m = json_string_value(json_object_get(j, "error"));
	if (m != NULL && *m != '\0')
		out = sanitize_str(m, 0);
	json_decref(j);
	return out;
}

/* Human text for a failed public response. */
char *
client_response_error(const struct client_response *r)
{
	char *m;

	if (r->error != NULL)
		return sanitize_str(r->error, 0);
	m = status_message(r->body, r->len);
	if (m != NULL)
		return m;
	if (r->body != NULL && r->len > 0 && r->len < 512) {
		char *t = xstrndup(r->body, r->len), *s;
		size_t n = strlen(t);

		while (n > 0 && (t[n - 1] == '\n' || t[n - 1] == '\r' || t[n - 1] == ' '))
			t[--n] = '\0';
		s = sanitize_str(t, 0);
		free(t);
		if (*s != '\0') {
			m = xasprintf("HTTP %ld: %s", r->status, s);
			free(s);
			return m;
		}
		free(s);
	}
	return xasprintf("HTTP %ld", r->status);
}

/* Mark a cluster live. */
void
conn_report_ok(struct client *c, size_t cluster)
{
	struct conn *cn;

	if (cluster >= c->nconns)
		return;
	cn = c->conns[cluster];
	cn->ever_live = true;
	cn->failed_probes = 0;
	loop_timer_cancel(c->loop, cn->escalate_timer);
	cn->escalate_timer = NULL;
	store_set_state(c->store, cluster, CONN_LIVE, NULL);
}

/* A stale cluster takes its failure state, with the age of its data. */
static void
conn_escalate(struct conn *cn, enum conn_state st, const char *reason)
{
	struct store_cluster *sc = store_cluster(cn->c->store, cn->idx);
	char *r, when[32];
	time_t t;
	struct tm tm;

	loop_timer_cancel(cn->c->loop, cn->escalate_timer);
	cn->escalate_timer = NULL;
	if (!cn->ever_live || sc->last_ok == 0) {
		store_set_state(cn->c->store, cn->idx, st, reason);
		return;
	}
	t = (time_t)sc->last_ok;
	localtime_r(&t, &tm);
	strftime(when, sizeof when, "%H:%M:%S", &tm);
	r = xasprintf("%s (data from %s)", reason != NULL ? reason : "?", when);
	store_set_state(cn->c->store, cn->idx, st, r);
	free(r);
}

/* Stale for CONN_STALE_SECONDS: escalate to the latest failure. */
static void
conn_escalate_fire(void *arg)
{
	struct conn *cn = arg;
	struct store_cluster *sc = store_cluster(cn->c->store, cn->idx);

	cn->escalate_timer = NULL;
	if (sc->state != CONN_STALE)
		return;
	conn_escalate(cn, cn->fail_state, cn->fail_reason);
}

/* Turn a live (or still stale) cluster stale, keeping why. */
static void
conn_stale(struct conn *cn, enum conn_state st, const char *reason)
{
	char *r;

	cn->fail_state = st;
	free(cn->fail_reason);
	cn->fail_reason = xstrdup(reason != NULL ? reason : "?");
	r = xasprintf("not answering: %s", cn->fail_reason);
	store_set_state(cn->c->store, cn->idx, CONN_STALE, r);
	free(r);
	if (cn->escalate_timer == NULL)
		cn->escalate_timer = loop_timer_add(cn->c->loop, CONN_STALE_SECONDS,
		    conn_escalate_fire, cn);
}

/* Mark a cluster failed. A cluster that has been live keeps its rows: it
 * turns stale first, and after CONN_STALE_PROBES failed probes or
 * CONN_STALE_SECONDS takes the failure's state with the age of its data in
 * the reason. */
void
conn_report_error(struct client *c, size_t cluster, enum conn_state st, const char *reason)
{
	struct store_cluster *sc = store_cluster(c->store, cluster);
	struct conn *cn;
	int64_t now = (int64_t)time(NULL);

	if (sc == NULL || cluster >= c->nconns)
		return;
	cn = c->conns[cluster];
	if (st != CONN_UNREACHABLE && st != CONN_ERROR && st != CONN_TLS_ERROR) {
		store_set_state(c->store, cluster, st, reason);
		return;
	}
	if ((st == CONN_UNREACHABLE || st == CONN_ERROR) && (sc->state == CONN_LIVE ||
	    (sc->state == CONN_STALE && cn->failed_probes < CONN_STALE_PROBES &&
	    now - sc->since < CONN_STALE_SECONDS))) {
		conn_stale(cn, st, reason);
		return;
	}
	conn_escalate(cn, st, reason);
}

/* Free a request. */
static void
creq_free(struct creq *r)
{
	free(r->method);
	free(r->path);
	free(r->content_type);
	free(r->body);
	free(r->accept);
	free(r->fail);
	free(r);
}

/* Unlink r from its connection's queue. */
static void
conn_unqueue(struct conn *cn, struct creq *r)
{
	struct creq **pp;

	for (pp = &cn->queue; *pp != NULL; pp = &(*pp)->next) {
		if (*pp == r) {
			*pp = r->next;
			break;
		}
	}
	r->queued = false;
	r->next = NULL;
}

/* Finish r with a setup failure (from a timer: never inside the caller). */
static void
creq_fail_fire(void *arg)
{
	struct creq *r = arg;
	struct cresult res;

	memset(&res, 0, sizeof res);
	res.error = r->fail;
	res.retry_after = -1;
	res.auth_failed = true;
	r->fail_timer = NULL;
	r->done(&res, r->arg);
	creq_free(r);
}

/* Fail r on the next turn with reason. */
static void
creq_fail_later(struct creq *r, const char *reason)
{
	free(r->fail);
	r->fail = xstrdup(reason);
	r->fail_timer = loop_timer_add(r->c->loop, 0, creq_fail_fire, r);
}

/* An exec plugin ended (or was killed): launch or fail the queue. */
static void
conn_exec_end(struct conn *cn, int ok, const char *cause)
{
	struct creq *q = cn->queue, *next;

	cn->queue = NULL;
	for (; q != NULL; q = next) {
		next = q->next;
		q->queued = false;
		q->next = NULL;
		if (ok)
			creq_launch(q);
		else
			creq_fail_later(q, cause);
	}
	if (!ok) {
		char *r = xasprintf("credential plugin failed: %s", cause);

		store_set_state(cn->c->store, cn->idx, CONN_UNAUTHORIZED, r);
		free(r);
	}
}

/* Output from an exec plugin. */
static void
conn_exec_read(int fd, short revents, void *arg)
{
	struct conn *cn = arg;
	char *cause = NULL;
	int rc;

	if (auth_exec_feed(cn->ae) == 0)
		return;
	loop_remove_fd(cn->c->loop, fd);
	loop_timer_cancel(cn->c->loop, cn->ae_timer);
	cn->ae_timer = NULL;
	rc = auth_exec_finish(cn->ae, &cause);
	auth_exec_free(cn->ae);
	cn->ae = NULL;
	conn_exec_end(cn, rc == 0, cause != NULL ? cause : "failed");
	free(cause);
}

/* An exec plugin ran too long. */
static void
conn_exec_timeout(void *arg)
{
	struct conn *cn = arg;

	cn->ae_timer = NULL;
	loop_remove_fd(cn->c->loop, auth_exec_fd(cn->ae));
	auth_exec_free(cn->ae);
	cn->ae = NULL;
	conn_exec_end(cn, 0, "credential plugin timed out");
}

/* Start the exec plugin unless it is running; 0 or -1 with *cause. */
static int
conn_exec_start(struct conn *cn, char **cause)
{
	if (cn->ae != NULL)
		return 0;
	cn->ae = auth_exec_start(cn->ctx, cause);
	if (cn->ae == NULL)
		return -1;
	loop_add_fd(cn->c->loop, auth_exec_fd(cn->ae), POLLIN, conn_exec_read, cn);
	cn->ae_timer = loop_timer_add(cn->c->loop, auth_exec_timeout(cn->ae),
	    conn_exec_timeout, cn);
	return 0;
}

/* The URL of r, and whether it needs the cluster's credentials. */
static char *
creq_url(struct creq *r, bool *kube)
{
	struct kube_context *ctx = r->c->conns[r->cluster]->ctx;
	const char *base = NULL, *dflt = NULL;
	char *path, *url;
	size_t n;

	*kube = true;
	if (r->target == CREQ_API)
		return kube_url(ctx, r->path);
	if (r->target == CREQ_AM) {
		base = ctx->alertmanager_url;
		dflt = CLIENT_AM_PROXY_PATH;
	} else {
		base = ctx->prometheus_url;
		dflt = "/api/v1/namespaces/monitoring/services/prometheus:9090/proxy";
	}
	if (base == NULL || *base == '\0')
		base = dflt;
	n = strlen(base);
	while (n > 0 && base[n - 1] == '/')
		n--;
	if (strncmp(base, "http://", 7) == 0 || strncmp(base, "https://", 8) == 0) {
		*kube = false;
		return xasprintf("%.*s%s", (int)n, base, r->path);
	}
	path = xasprintf("%.*s%s", (int)n, base, r->path);
	url = kube_url(ctx, path);
	free(path);
	return url;
}

/* The http layer finished r. */
static void
creq_http_done(struct http_req *h, void *arg)
{
	struct creq *r = arg;
	struct conn *cn = r->c->conns[r->cluster];
	struct cresult res;
	bool kube;

	r->http = NULL;
	free(creq_url(r, &kube));
	/* 401: drop the credential, fetch it again once, retry. */
	if (http_status(h) == 401 && kube && !r->retried &&
	    (cn->ctx->exec != NULL || cn->ctx->token_file != NULL)) {
		r->retried = true;
		auth_invalidate(cn->ctx);
		creq_launch(r);
		return;
	}
	memset(&res, 0, sizeof res);
	res.status = http_status(h);
	res.body = http_body(h, &res.len);
	res.error = http_error(h);
	res.rc = http_curlcode(h);
	res.retry_after = http_retry_after(h);
	res.location = http_location(h);
	res.lines = http_lines(h);
	res.elapsed = http_elapsed(h);
	r->done(&res, r->arg);
	creq_free(r);
}

/* A streamed line for r's owner. */
static int
creq_line(const char *line, size_t len, void *arg)
{
	struct creq *r = arg;

	return r->on_line(line, len, r->arg);
}

/* Body bytes for r's owner. */
static int
creq_data(const char *data, size_t len, void *arg)
{
	struct creq *r = arg;

	return r->on_data(data, len, r->arg);
}

/* Configure and start r now (credentials are ready or not needed). */
static void
creq_launch(struct creq *r)
{
	struct conn *cn = r->c->conns[r->cluster];
	struct curl_slist *hdr = NULL;
	struct http_opts o;
	char *url, *cause = NULL, *accept, *over = NULL;
	bool kube;
	CURL *easy;

	if (cn->ctx->exec != NULL && auth_needs_exec(cn->ctx)) {
		free(creq_url(r, &kube));
		if (kube) {
			if (conn_exec_start(cn, &cause) != 0) {
				creq_fail_later(r, cause != NULL ? cause : "credential plugin failed");
				store_set_state(r->c->store, r->cluster, CONN_UNAUTHORIZED, cause);
				free(cause);
				return;
			}
			r->queued = true;
			r->next = cn->queue;
			cn->queue = r;
			return;
		}
	}
	easy = curl_easy_init();
	if (easy == NULL) {
		creq_fail_later(r, "curl_easy_init failed");
		return;
	}
	url = creq_url(r, &kube);
	accept = xasprintf("Accept: %s", r->accept != NULL ? r->accept : "application/json");
	hdr = curl_slist_append(NULL, accept);
	free(accept);
	if (kube) {
		hdr = kube_easy_setup(easy, cn->ctx, hdr, &cause);
		if (hdr == NULL) {
			curl_easy_cleanup(easy);
			free(url);
			creq_fail_later(r, cause != NULL ? cause : "cannot use this context");
			if (cn->ctx->exec != NULL)
				store_set_state(r->c->store, r->cluster, CONN_UNAUTHORIZED, cause);
			else
				store_set_state(r->c->store, r->cluster, CONN_ERROR, cause);
			free(cause);
			return;
		}
	} else {
		curl_easy_setopt(easy, CURLOPT_USERAGENT, "opsdeck/" OPSDECK_VERSION);
		curl_easy_setopt(easy, CURLOPT_ACCEPT_ENCODING, "gzip");
	}
	curl_easy_setopt(easy, CURLOPT_URL, url);
	free(url);
	/* Connections are per context: a request waiting to multiplex onto a
	 * connection that never completes (a hung server) holds up only its
	 * own context, never another one on the same server. */
	if (cn->share != NULL)
		curl_easy_setopt(easy, CURLOPT_SHARE, cn->share);

	memset(&o, 0, sizeof o);
	o.method = r->method;
	o.content_type = r->content_type;
	o.body = r->body;
	o.body_len = r->body != NULL ? strlen(r->body) : 0;
	o.headers = hdr;
	o.max_line = r->c->opts.max_line;
	o.connect_timeout = r->c->opts.connect_timeout;
	o.timeout = r->timeout;
	o.low_speed_time = r->low_speed_time;
	o.on_line = r->on_line != NULL ? creq_line : NULL;
	o.on_data = r->on_data != NULL ? creq_data : NULL;
	if (r->one_object) {
		/* one object is held whole: the per-object cap, as in a list */
		o.max_body = r->c->opts.max_object;
		over = xasprintf("the object is over %zu bytes (the per-object cap)",
		    o.max_body);
		o.over_text = over;
	}
	r->http = http_start(r->c->loop, easy, &o, creq_http_done, r);
	free(over);
}

/* True if the path segment at seg is the word w. */
static bool
seg_is(const char *seg, const char *w)
{
	size_t n = strlen(w);

	return strncmp(seg, w, n) == 0 && (seg[n] == '/' || seg[n] == '?' || seg[n] == '\0');
}

/* True if path (a query aside) names one API object or a subresource of
 * one, not a collection: /api/v1/[namespaces/NS/]RESOURCE/NAME[/SUB],
 * /apis/GROUP/VERSION/[namespaces/NS/]RESOURCE/NAME[/SUB], a namespace
 * (/api/v1/namespaces/NS) and its status and finalize. */
static bool
api_path_is_object(const char *path)
{
	size_t n = 0, base, len = strcspn(path, "?");
	const char *seg[8], *p = path;

	while (n < 8) {
		while (p < path + len && *p == '/')
			p++;
		if (p >= path + len)
			break;
		seg[n++] = p;
		p += strcspn(p, "/?");
	}
	if (n == 0)
		return false;
	base = seg_is(seg[0], "api") ? 2 : seg_is(seg[0], "apis") ? 3 : 0;
	if (base == 0 || n <= base + 1)
		return false;
	if (!seg_is(seg[base], "namespaces"))
		return true;	/* RESOURCE/NAME[/SUB] */
	if (n == base + 3)	/* namespaces/NS/RESOURCE, or a namespace's status */
		return seg_is(seg[base + 2], "status") || seg_is(seg[base + 2], "finalize");
	return true;		/* namespaces/NS, namespaces/NS/RESOURCE/NAME... */
}

/* Start a request on cluster. */
struct creq *
creq_start(struct client *c, size_t cluster, const struct creq_spec *s)
{
	struct creq *r;

	r = xcalloc(1, sizeof *r);
	r->c = c;
	r->cluster = cluster;
	r->target = s->target;
	r->method = s->method != NULL ? xstrdup(s->method) : NULL;
	r->path = xstrdup(s->path);
	r->content_type = s->content_type != NULL ? xstrdup(s->content_type) : NULL;
	r->body = s->body != NULL ? xstrdup(s->body) : NULL;
	r->accept = s->accept != NULL ? xstrdup(s->accept) : NULL;
	r->timeout = s->timeout;
	r->low_speed_time = s->low_speed_time;
	r->on_line = s->on_line;
	r->on_data = s->on_data;
	r->done = s->done;
	r->arg = s->arg;
	r->one_object = s->target == CREQ_API && (s->method == NULL ||
	    strcmp(s->method, "GET") == 0) && s->on_line == NULL && s->on_data == NULL &&
	    api_path_is_object(s->path);
	if (cluster >= c->nconns)
		creq_fail_later(r, "no such cluster");
	else
		creq_launch(r);
	return r;
}

/* Abort a request. */
void
creq_cancel(struct creq *r)
{
	if (r == NULL)
		return;
	if (r->queued)
		conn_unqueue(r->c->conns[r->cluster], r);
	if (r->fail_timer != NULL)
		loop_timer_cancel(r->c->loop, r->fail_timer);
	if (r->http != NULL)
		http_cancel(r->http);
	creq_free(r);
}

/* The health probe is late: a live cluster that does not answer within
 * CONN_PROBE_LATE seconds is stale now, not when the probe times out. */
static void
conn_health_late(void *arg)
{
	struct conn *cn = arg;
	struct store_cluster *sc = store_cluster(cn->c->store, cn->idx);
	char why[64];

	cn->slow_timer = NULL;
	if (sc->state == CONN_CONNECTING && !cn->ever_live) {
		/* never answered: say so now, not when a request times out */
		snprintf(why, sizeof why, "no answer to /version in %ds", CONN_PROBE_LATE);
		store_set_state(cn->c->store, cn->idx, CONN_UNREACHABLE, why);
		cn->probe_failed = true;
		return;
	}
	if (sc->state != CONN_LIVE)
		return;
	snprintf(why, sizeof why, "no answer in %ds", CONN_PROBE_LATE);
	conn_stale(cn, CONN_UNREACHABLE, why);
}

/* The health probe answered. */
static void
conn_health_done(const struct cresult *res, void *arg)
{
	struct conn *cn = arg;

	cn->health = NULL;
	loop_timer_cancel(cn->c->loop, cn->slow_timer);
	cn->slow_timer = NULL;
	if (res->error != NULL && !res->auth_failed) {
		cn->failed_probes++;
		cn->probe_failed = !cn->ever_live;
		conn_report_error(cn->c, cn->idx, conn_state_for_curl(res->rc), res->error);
	} else if (res->status == 200 && cn->ever_live) {
		conn_report_ok(cn->c, cn->idx);
	} else if (res->status == 200) {
		/* answering again before any list succeeded: connecting, not
		 * the failure the probe (or its lateness) set */
		struct store_cluster *sc = store_cluster(cn->c->store, cn->idx);

		if (cn->probe_failed && (sc->state == CONN_UNREACHABLE ||
		    sc->state == CONN_ERROR))
			store_set_state(cn->c->store, cn->idx, CONN_CONNECTING, NULL);
		cn->probe_failed = false;
	} else if (res->status == 429 || res->status >= 500) {
		/* answering, but not serving: the status and the server's words */
		char *msg = status_message(res->body, res->len), *why;

		why = xasprintf("HTTP %ld: %s", res->status, msg != NULL ? msg : "error");
		cn->failed_probes++;
		cn->probe_failed = !cn->ever_live;
		conn_report_error(cn->c, cn->idx, CONN_ERROR, why);
		free(why);
		free(msg);
	}
	conn_health_arm(cn);
}

/* Time for a health probe. */
static void
conn_health_fire(void *arg)
{
	struct conn *cn = arg;
	struct creq_spec s;
	double t = cn->c->opts.connect_timeout * 2;

	cn->health_timer = NULL;
	memset(&s, 0, sizeof s);
	s.target = CREQ_API;
	s.path = "/version";
	s.timeout = t > 10 ? t : 10;
	s.done = conn_health_done;
	s.arg = cn;
	cn->health = creq_start(cn->c, cn->idx, &s);
	if (cn->health != NULL)
		cn->slow_timer = loop_timer_add(cn->c->loop, CONN_PROBE_LATE, conn_health_late,
		    cn);
}

/* Schedule the next health probe. */
static void
conn_health_arm(struct conn *cn)
{
	if (cn->c->opts.once || cn->c->opts.health_interval < 0)
		return;
	cn->health_timer = loop_timer_add(cn->c->loop, cn->c->opts.health_interval,
	    conn_health_fire, cn);
}

/* Create the client. */
struct client *
client_new(struct loop *loop, struct store *store, struct kube_context **ctxs, size_t n,
    const struct client_opts *opts)
{
	struct client *c;
	struct store_cluster *sc;
	size_t i;

	static bool seeded;

	if (!seeded) {
		/* jitter and watch timeouts must differ between processes */
		srandom((unsigned)time(NULL) ^ (unsigned)getpid());
		seeded = true;
	}
	c = xcalloc(1, sizeof *c);
	c->loop = loop;
	c->store = store;
	if (opts != NULL)
		c->opts = *opts;
	if (c->opts.connect_timeout <= 0)
		c->opts.connect_timeout = 5;
	if (c->opts.list_low_speed <= 0)
		c->opts.list_low_speed = 30;
	if (c->opts.health_interval == 0)
		c->opts.health_interval = CONN_PROBE_INTERVAL;
	if (c->opts.am_interval <= 0)
		c->opts.am_interval = 10;
	if (c->opts.metrics_interval <= 0)
		c->opts.metrics_interval = 15;
	if (c->opts.max_object == 0)
		c->opts.max_object = CLIENT_DEFAULT_MAX_OBJECT;
	if (c->opts.max_rows == 0)
		c->opts.max_rows = store_max_rows(store) != 0 ? store_max_rows(store) :
		    CLIENT_DEFAULT_MAX_ROWS;
	if (c->opts.max_line == 0)	/* one watch event: an object and its envelope */
		c->opts.max_line = c->opts.max_object + 64 * 1024;
	store_set_max_rows(store, c->opts.max_rows);
	c->conns = xcalloc(n + 1, sizeof *c->conns);
	for (i = 0; i < n; i++) {
		struct conn *cn = xcalloc(1, sizeof *cn);
		size_t idx = store_add_cluster(store, ctxs[i]->name);

		cn->c = c;
		cn->idx = idx;
		cn->ctx = ctxs[i];
		cn->share = curl_share_init();
		if (cn->share != NULL)
			curl_share_setopt(cn->share, CURLSHOPT_SHARE, CURL_LOCK_DATA_CONNECT);
		c->conns[idx] = cn;
		sc = store_cluster(store, idx);
		free(sc->role);
		sc->role = xstrdup(ctxs[i]->role != NULL ? ctxs[i]->role : "");
		sc->protected_ctx = ctxs[i]->protected_ctx;
		sc->read_only = ctxs[i]->read_only;
		sc->rpo_seconds = ctxs[i]->rpo_seconds;
		sc->drill = ctxs[i]->drill;
		sc->kube_cluster = ctxs[i]->cluster_name != NULL ?
		    xstrdup(ctxs[i]->cluster_name) : NULL;
		if (ctxs[i]->error != NULL)
			store_set_state(store, idx, CONN_ERROR, ctxs[i]->error);
		conn_health_arm(cn);
	}
	c->nconns = n;
	return c;
}

/* Free the client: reflectors (through unwatch_all), requests, plugins. */
void
client_free(struct client *c)
{
	size_t i;

	if (c == NULL)
		return;
	if (c->unwatch_all != NULL)
		c->unwatch_all(c);
	while (c->waiting != NULL) {
		struct client_call *cc = c->waiting;

		c->waiting = cc->next;
		loop_timer_cancel(c->loop, cc->timer);
		free((char *)cc->spec.path);
		free(cc);
	}
	for (i = 0; i < c->nconns; i++) {
		struct conn *cn = c->conns[i];

		loop_timer_cancel(c->loop, cn->health_timer);
		loop_timer_cancel(c->loop, cn->slow_timer);
		loop_timer_cancel(c->loop, cn->escalate_timer);
		free(cn->fail_reason);
		creq_cancel(cn->health);
		while (cn->queue != NULL)
			creq_cancel(cn->queue);
		if (cn->ae != NULL) {
			loop_remove_fd(c->loop, auth_exec_fd(cn->ae));
			loop_timer_cancel(c->loop, cn->ae_timer);
			auth_exec_free(cn->ae);
		}
		curl_share_cleanup(cn->share);
		free(cn);
	}
	free(c->conns);
	free(c);
}

/* The context of cluster. */
struct kube_context *
client_context(struct client *c, size_t cluster)
{
	if (cluster >= c->nconns)
		return NULL;
	return c->conns[cluster]->ctx;
}

/* True when the first list finished or failed. */
bool
client_settled(struct client *c, size_t cluster, const char *resource)
{
	const struct kind *res = kind_find(resource);

	if (res == NULL || cluster >= c->nconns)
		return true;
	if (store_synced(c->store, cluster, kind_store_name(res)))
		return true;
	/* every failure path of a reflector sets its kind state */
	return store_kind_state(c->store, cluster, kind_store_name(res), NULL) != CONN_CONNECTING;
}

/* A public GET answered 429 or 5xx with Retry-After is tried again after
 * the time asked (at most CALL_RETRY_CAP seconds), up to CALL_RETRIES
 * times, as kubectl does; other methods are never repeated. */
#define CALL_RETRIES	5
#define CALL_RETRY_CAP	10.0

/* Take a public call off the list of those waiting to retry. */
static void
client_call_unwait(struct client_call *cc)
{
	struct client_call **pp;

	for (pp = &cc->c->waiting; *pp != NULL; pp = &(*pp)->next) {
		if (*pp == cc) {
			*pp = cc->next;
			break;
		}
	}
	cc->next = NULL;
}

/* Retry a public GET. */
static void
client_call_retry(void *arg)
{
	struct client_call *cc = arg;

	client_call_unwait(cc);
	cc->timer = NULL;
	cc->req = creq_start(cc->c, cc->cluster, &cc->spec);
}

/* Hand an internal result to a public callback. */
static void
client_call_done(const struct cresult *res, void *arg)
{
	struct client_call *cc = arg;
	struct client_response r;

	cc->req = NULL;		/* the request frees itself once this returns */
	if (res->error == NULL && (res->status == 429 || res->status >= 500) &&
	    res->retry_after >= 0 && cc->retries < CALL_RETRIES && cc->spec.method == NULL) {
		cc->retries++;
		cc->timer = loop_timer_add(cc->c->loop, res->retry_after < CALL_RETRY_CAP ?
		    res->retry_after : CALL_RETRY_CAP, client_call_retry, cc);
		cc->next = cc->c->waiting;
		cc->c->waiting = cc;
		return;
	}
	r.status = res->status;
	r.body = res->body != NULL ? res->body : "";
	r.len = res->len;
	r.error = res->error;
	cc->done(&r, cc->arg);
	free((char *)cc->spec.path);
	free(cc);
}

/* Start a public request to target; its handle (done runs later, even for
 * a cluster that does not exist). */
static struct client_call *
client_call(struct client *c, size_t cluster, enum creq_target target, const char *method,
    const char *path, const char *content_type, const char *body, client_done_cb done,
    void *arg)
{
	struct client_call *cc;
	struct creq_spec *s;

	cc = xcalloc(1, sizeof *cc);
	cc->c = c;
	cc->cluster = cluster;
	cc->done = done;
	cc->arg = arg;
	s = &cc->spec;
	s->target = target;
	s->method = method;
	s->path = xstrdup(path);
	s->content_type = content_type;
	s->body = body;
	s->timeout = 60;
	s->done = client_call_done;
	s->arg = cc;
	cc->req = creq_start(c, cluster, s);
	/* creq_start copied what it sends; only a GET is sent again (its
	 * spec's method NULL), never a request that may change something */
	s->content_type = NULL;
	s->body = NULL;
	s->method = method == NULL || (strcmp(method, "GET") == 0 && body == NULL) ? NULL :
	    "not repeated";
	return cc;
}

/* A request to the API server. */
struct client_call *
client_request(struct client *c, size_t cluster, const char *method, const char *path,
    const char *content_type, const char *body, client_done_cb done, void *arg)
{
	return client_call(c, cluster, CREQ_API, method, path, content_type, body, done, arg);
}

/* Drop a public request: in flight or waiting to retry, done never runs. */
void
client_call_cancel(struct client *c, struct client_call *cc)
{
	if (cc == NULL)
		return;
	if (cc->timer != NULL) {
		loop_timer_cancel(c->loop, cc->timer);
		client_call_unwait(cc);
	}
	creq_cancel(cc->req);
	free((char *)cc->spec.path);
	free(cc);
}

/* A request to Alertmanager. */
struct client_call *
client_am_request(struct client *c, size_t cluster, const char *method, const char *path,
    const char *content_type, const char *body, client_done_cb done, void *arg)
{
	return client_call(c, cluster, CREQ_AM, method, path, content_type, body, done, arg);
}

/* A GET to Prometheus. */
void
client_prom_request(struct client *c, size_t cluster, const char *path,
    client_done_cb done, void *arg)
{
	client_call(c, cluster, CREQ_PROM, "GET", path, NULL, NULL, done, arg);
}

/* A streamed line for a public stream. */
static int
client_stream_line(const char *line, size_t len, void *arg)
{
	struct client_stream *st = arg;

	return st->on_line(line, len, st->arg);
}

/* A public stream ended. */
static void
client_stream_done(const struct cresult *res, void *arg)
{
	struct client_stream *st = arg;
	struct client_response r;

	r.status = res->status;
	r.body = res->body != NULL ? res->body : "";
	r.len = res->len;
	r.error = res->error;
	if (st->done != NULL)
		st->done(&r, st->arg);
	free(st);
}

/* A streamed GET. */
struct client_stream *
client_stream(struct client *c, size_t cluster, const char *path, client_line_cb on_line,
    client_done_cb done, void *arg)
{
	struct client_stream *st;
	struct creq_spec s;

	if (cluster >= c->nconns)
		return NULL;
	st = xcalloc(1, sizeof *st);
	st->on_line = on_line;
	st->done = done;
	st->arg = arg;
	memset(&s, 0, sizeof s);
	s.target = CREQ_API;
	s.path = path;
	s.accept = "*/*";
	s.on_line = client_stream_line;
	s.done = client_stream_done;
	s.arg = st;
	st->req = creq_start(c, cluster, &s);
	return st;
}

/* Stop a stream; done is not called. */
void
client_stream_cancel(struct client *c, struct client_stream *st)
{
	if (st == NULL)
		return;
	creq_cancel(st->req);
	free(st);
}
