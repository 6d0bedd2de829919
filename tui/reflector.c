/* Reflectors: keep one resource of one cluster in the store.
 *
 * Kubernetes kinds: a paged list (limit=500 + continue) then a watch from
 * the list's resourceVersion with bookmarks, as client-go does, with its
 * backoff numbers. The first list leaves resourceVersion unset (the most
 * recent, a consistent read): client-go's resourceVersion="0" is served
 * from the watch cache, which ignores limit, and a non-zero
 * resourceVersion with continue is refused with 400; an unset
 * resourceVersion pages correctly on a real apiserver and on the drill.
 *
 * Alertmanager kinds (alerts, silences) and resource metrics
 * (metrics.k8s.io) have no watch: they are polled. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <curl/curl.h>
#include <jansson.h>

#include "opsdeck/client.h"
#include "opsdeck/json_util.h"
#include "opsdeck/jsonload.h"
#include "opsdeck/kinds.h"
#include "opsdeck/kubeconfig.h"
#include "opsdeck/listscan.h"
#include "opsdeck/loop.h"
#include "opsdeck/printers.h"
#include "opsdeck/projection.h"
#include "opsdeck/sanitize.h"
#include "opsdeck/store.h"
#include "opsdeck/xmalloc.h"

#include "client_int.h"

#define REFLECTOR_PAGE		500
#define BACKOFF_INITIAL		0.8
#define BACKOFF_CAP		30.0
#define BACKOFF_RESET		120.0
/* A server's Retry-After is honoured up to RETRY_AFTER_CAP seconds; a
 * one-shot run (get) retries at most ONCE_RETRIES times, each wait at most
 * ONCE_RETRY_CAP seconds, as kubectl does. */
#define RETRY_AFTER_CAP		60.0
#define ONCE_RETRIES		5
#define ONCE_RETRY_CAP		10.0

/* Where a reflector is. */
enum reflector_phase {
	REF_IDLE,
	REF_LISTING,
	REF_WATCHING,
	REF_WAITING,	/* backoff timer armed */
	REF_DONE,	/* headless and failed, or not installed */
};

/* One (cluster, resource). */
struct reflector {
	struct client			*c;
	size_t				 cluster;
	const struct kind	*res;
	char				*ns;
	char				*selector;
	enum reflector_phase		 phase;
	struct creq			*req;
	struct loop_timer		*timer;
	char				*cont;		/* list continue token */
	char				*rv;		/* last resourceVersion seen */
	bool				 relisting;
	bool				 expired;	/* watch saw ERROR 410 */
	char				*watch_error;	/* watch saw another ERROR */
	struct list_scan		 scan;		/* the list page being read */
	/* what a row reads of an object, and of a watch event */
	const struct json_proj		*proj;
	struct json_proj		 event_proj[3];
	char				*list_error;	/* an item of it was refused */
	size_t				 events;
	double				 backoff;
	double				 last_failure;
	int				 once_retries;	/* one-shot retries made */
	int				 poll_failures;	/* metrics polls failed in a row */
	int				 deferred;	/* usage polls put off (rows first) */
	bool				 capped;	/* a polled object met the row cap */
};

static void	reflector_list(struct reflector *);
static void	reflector_scan_reset(struct reflector *);
static void	reflector_watch(struct reflector *);

/* The resource name. */
const char *
reflector_resource(const struct reflector *r)
{
	return kind_store_name(r->res);
}

/* If r waits for a list page (or poll), drop that request without an
 * answer and return true: the caller hands r the answer (tests, fuzzing). */
bool
reflector_take_list(struct reflector *r)
{
	if (r->phase != REF_LISTING || r->req == NULL)
		return false;
	creq_cancel(r->req);
	r->req = NULL;
	return true;
}

/* The cluster index. */
size_t
reflector_cluster(const struct reflector *r)
{
	return r->cluster;
}

/* The collection path of r's resource (no query). */
static char *
reflector_base(const struct reflector *r)
{
	return kind_path(r->res, r->ns, NULL);
}

/* Next backoff delay (client-go: 0.8 s doubling to 30 s, jitter 1.0,
 * reset after 2 minutes without failure). */
static double
reflector_next_backoff(struct reflector *r)
{
	double now = loop_now(), d;

	if (r->backoff == 0 || now - r->last_failure > BACKOFF_RESET)
		r->backoff = BACKOFF_INITIAL;
	else if (r->backoff < BACKOFF_CAP)
		r->backoff = r->backoff * 2 > BACKOFF_CAP ? BACKOFF_CAP : r->backoff * 2;
	r->last_failure = now;
	d = r->backoff;
	return d + d * ((double)random() / (double)RAND_MAX);
}

static void	reflector_poll(struct reflector *);

/* Timer: retry. */
static void
reflector_retry(void *arg)
{
	struct reflector *r = arg;

	r->timer = NULL;
	if (r->res->source != KIND_API)	/* polled: Alertmanager, usage */
		reflector_poll(r);
	else if (r->rv != NULL && !r->relisting)
		reflector_watch(r);
	else
		reflector_list(r);
}

/* Wait before retrying: the backoff, or min seconds if longer (a server's
 * Retry-After). A one-shot run gives up unless min >= 0 (the server asked
 * to be retried), and then only a few times: it stays connecting while it
 * waits, so get waits for the answer. */
static void
reflector_wait(struct reflector *r, double min)
{
	double d;

	if (r->c->opts.once) {
		const char *why = NULL;
		char *keep;

		if (min < 0 || r->once_retries >= ONCE_RETRIES) {
			r->phase = REF_DONE;
			return;
		}
		r->once_retries++;
		store_kind_state(r->c->store, r->cluster, kind_store_name(r->res), &why);
		keep = why != NULL ? xstrdup(why) : NULL;
		store_set_kind_state(r->c->store, r->cluster, kind_store_name(r->res),
		    CONN_CONNECTING, keep);
		free(keep);
		r->phase = REF_WAITING;
		r->timer = loop_timer_add(r->c->loop, min < ONCE_RETRY_CAP ? min :
		    ONCE_RETRY_CAP, reflector_retry, r);
		return;
	}
	if (min > RETRY_AFTER_CAP)
		min = RETRY_AFTER_CAP;
	d = reflector_next_backoff(r);
	if (min > d)
		d = min;
	r->phase = REF_WAITING;
	r->timer = loop_timer_add(r->c->loop, d, reflector_retry, r);
}

/* What a redirect says: where it pointed (sanitised, cut at 200 bytes)
 * and that it is not followed (credentials must not go elsewhere, as
 * kubectl does not send them). New string. */
static char *
reflector_redirect_text(const struct cresult *res)
{
	char *where, *out;

	if (res->location == NULL || *res->location == '\0')
		return xasprintf("HTTP %ld: a redirect without a location (opsdeck does not "
		    "follow redirects)", res->status);
	where = sanitize(res->location, strnlen(res->location, 200), 0);
	out = xasprintf("HTTP %ld: redirected to %s%s (opsdeck does not follow redirects)",
	    res->status, where, strlen(res->location) > 200 ? "..." : "");
	free(where);
	return out;
}

/* Record a failed response of r: sets states, then waits or gives up.
 * Returns nothing; r continues on its own. */
static void
reflector_failed(struct reflector *r, const struct cresult *res)
{
	struct store *st = r->c->store;
	const char *res_name = r->res->resource;
	char *msg = NULL, *why;
	double min = -1;

	if (res->error != NULL) {
		if (res->auth_failed) {
			/* No usable credential or context: the cluster's state
			 * (unauthorized, or error for a broken context) says which. */
			enum conn_state cs = store_cluster(st, r->cluster)->state;

			if (cs == CONN_CONNECTING || cs == CONN_LIVE)
				cs = CONN_UNAUTHORIZED;
			store_set_kind_state(st, r->cluster, res_name, cs, res->error);
		} else {
			enum conn_state cs = conn_state_for_curl(res->rc);

			conn_report_error(r->c, r->cluster, cs, res->error);
			store_set_kind_state(st, r->cluster, res_name, cs, res->error);
		}
		reflector_wait(r, -1);
		return;
	}
	msg = status_message(res->body, res->len);
	switch (res->status) {
	case 401:
		/* the reason follows the state's name wherever it is shown
		 * ("unauthorized: ..."): the message alone, as kubectl's */
		why = xstrdup(msg != NULL ? msg : "credentials rejected");
		store_set_state(st, r->cluster, CONN_UNAUTHORIZED, why);
		store_set_kind_state(st, r->cluster, res_name, CONN_UNAUTHORIZED, why);
		free(why);
		break;
	case 403:
		why = msg != NULL ? xstrdup(msg) : xasprintf("%s is forbidden", res_name);
		store_set_kind_state(st, r->cluster, res_name, CONN_FORBIDDEN, why);
		free(why);
		conn_report_ok(r->c, r->cluster);
		break;
	default:
		/* client-go retries 429 and 5xx that carry Retry-After */
		if ((res->status == 429 || res->status >= 500) && res->retry_after >= 0)
			min = res->retry_after;
		if (res->status >= 300 && res->status < 400)
			why = reflector_redirect_text(res);
		else
			why = xasprintf("HTTP %ld: %s", res->status, msg != NULL ? msg : "error");
		store_set_kind_state(st, r->cluster, res_name, CONN_ERROR, why);
		/* a cluster that never served anything is failing, with this
		 * reason, not still connecting */
		if (store_cluster(st, r->cluster)->state == CONN_CONNECTING)
			store_set_state(st, r->cluster, CONN_ERROR, why);
		free(why);
		break;
	}
	free(msg);
	reflector_wait(r, min);
}

/* Why an upsert of r was refused: the cluster's row cap. New string. */
static char *
reflector_row_cap_text(const struct reflector *r)
{
	return xasprintf("row cap: cluster %s keeps at most %zu rows (all kinds together), "
	    "so %s is incomplete", store_cluster(r->c->store, r->cluster)->name,
	    store_max_rows(r->c->store), r->res->resource);
}

/* Keep one listed object; non-zero (list_error set) if the row cap
 * refused it. */
static int
reflector_keep(struct reflector *r, json_t *obj)
{
	if (store_upsert(r->c->store, r->cluster, r->res->resource, obj) == 0)
		return 0;
	free(r->list_error);
	r->list_error = reflector_row_cap_text(r);
	return 1;
}

/* One item of a list page, as soon as it is read: parsed and kept on its
 * own, so a page never lives as a whole tree. */
static int
reflector_list_item(const char *item, size_t len, void *arg)
{
	struct reflector *r = arg;
	json_error_t jerr;
	json_t *obj;
	int rc;

	if (r->scan.nitems > store_max_rows(r->c->store) && store_max_rows(r->c->store) != 0) {
		/* more items in one page than could ever be kept (objects
		 * without a name count too: parsing them costs all the same) */
		free(r->list_error);
		r->list_error = reflector_row_cap_text(r);
		return 1;
	}
	obj = json_load_proj(item, len, JSON_DECODE_ANY, r->proj, &jerr);
	if (obj == NULL) {
		free(r->list_error);
		r->list_error = xasprintf("bad list response: %s", jerr.text);
		return 1;
	}
	rc = reflector_keep(r, obj);
	json_decref(obj);
	return rc;
}

/* Bytes of a list page (2xx) as they arrive. */
static int
reflector_list_data(const char *data, size_t len, void *arg)
{
	struct reflector *r = arg;

	if (!r->relisting) {
		store_relist_begin(r->c->store, r->cluster, r->res->resource);
		r->relisting = true;
	}
	return list_scan_feed(&r->scan, data, len, reflector_list_item, r) != 0;
}

/* Forget the page read so far. */
static void
reflector_scan_reset(struct reflector *r)
{
	size_t max = r->c->opts.max_object != 0 ? r->c->opts.max_object :
	    CLIENT_DEFAULT_MAX_OBJECT;

	list_scan_free(&r->scan);
	list_scan_init(&r->scan, max);
	free(r->list_error);
	r->list_error = NULL;
	r->proj = projection_for(store_printer(r->c->store, kind_store_name(r->res)));
	r->event_proj[0] = (struct json_proj){ "type", NULL };
	r->event_proj[1] = (struct json_proj){ "object", r->proj };
	r->event_proj[2] = (struct json_proj){ NULL, NULL };
}

/* A list page failed while it was read (a cap, an undecodable item):
 * the kind is in error with that reason. */
static void
reflector_list_refused(struct reflector *r, const char *why)
{
	store_set_kind_state(r->c->store, r->cluster, r->res->resource, CONN_ERROR, why);
	free(r->cont);
	r->cont = NULL;
	reflector_scan_reset(r);
	reflector_wait(r, -1);
}

/* A list page came back. Its items were kept as they arrived
 * (reflector_list_data); a caller with the whole body hands it here. */
void
reflector_list_done(const struct cresult *res, void *arg)
{
	struct reflector *r = arg;
	struct store *st = r->c->store;
	json_t *doc = NULL, *items, *item;
	const char *cont, *rv, *rest;
	json_error_t jerr;
	size_t i, len;

	r->req = NULL;
	if (res->error == NULL && res->status == 404) {
		/* The kind is not served here (a CRD not installed). */
		store_relist_begin(st, r->cluster, r->res->resource);
		store_relist_end(st, r->cluster, r->res->resource);
		store_set_kind_state(st, r->cluster, r->res->resource, CONN_LIVE, "not installed");
		conn_report_ok(r->c, r->cluster);
		r->phase = REF_DONE;
		return;
	}
	if (res->error == NULL && res->status == 410 && r->cont != NULL) {
		/* The continue token expired: start the list again, after the
		 * backoff (a server that expires every token is not hammered). */
		free(r->cont);
		r->cont = NULL;
		reflector_scan_reset(r);
		reflector_wait(r, 0);	/* a one-shot run lists again too */
		return;
	}
	if (res->error == NULL && res->status == 200 && res->len > 0)
		(void)reflector_list_data(res->body, res->len, r);
	if (res->status == 200 && (r->list_error != NULL || r->scan.error != NULL)) {
		char *why = xstrdup(r->list_error != NULL ? r->list_error : r->scan.error);

		reflector_list_refused(r, why);
		free(why);
		return;
	}
	if (res->error != NULL || res->status != 200) {
		free(r->cont);
		r->cont = NULL;
		reflector_scan_reset(r);
		reflector_failed(r, res);
		return;
	}
	rest = list_scan_rest(&r->scan, &len);
	doc = json_loadb(rest, len, 0, &jerr);
	items = json_object_get(doc, "items");
	if (doc == NULL || !json_is_array(items)) {
		char *why = xasprintf("bad list response: %s", doc == NULL ? jerr.text :
		    "no items");

		json_decref(doc);
		reflector_list_refused(r, why);
		free(why);
		return;
	}
	if (!r->relisting) {
		store_relist_begin(st, r->cluster, r->res->resource);
		r->relisting = true;
	}
	/* items the scan did not recognise (an escaped key) are still here */
	json_array_foreach(items, i, item) {
		if (reflector_keep(r, item) != 0) {
			char *why = xstrdup(r->list_error);

			json_decref(doc);
			reflector_list_refused(r, why);
			free(why);
			return;
		}
	}
	cont = json_string_value(json_object_get(json_object_get(doc, "metadata"), "continue"));
	rv = json_string_value(json_object_get(json_object_get(doc, "metadata"),
	    "resourceVersion"));
	free(r->cont);
	r->cont = cont != NULL && *cont != '\0' ? xstrdup(cont) : NULL;
	if (rv != NULL) {
		free(r->rv);
		r->rv = xstrdup(rv);
	}
	json_decref(doc);
	reflector_scan_reset(r);
	conn_report_ok(r->c, r->cluster);
	if (r->cont != NULL) {
		reflector_list(r);
		return;
	}
	store_relist_end(st, r->cluster, r->res->resource);
	r->relisting = false;
	store_set_kind_state(st, r->cluster, r->res->resource, CONN_LIVE, NULL);
	if (r->c->opts.list_only) {
		r->phase = REF_DONE;
		return;
	}
	if (r->rv == NULL) {
		store_set_kind_state(st, r->cluster, r->res->resource, CONN_ERROR,
		    "list had no resourceVersion");
		reflector_wait(r, -1);
		return;
	}
	reflector_watch(r);
}

/* Issue the next list page. */
static void
reflector_list(struct reflector *r)
{
	struct creq_spec s;
	char *path, *lim;

	path = reflector_base(r);
	lim = xasprintf("%d", REFLECTOR_PAGE);
	path = http_query_add(path, "limit", lim);
	free(lim);
	if (r->cont != NULL)
		path = http_query_add(path, "continue", r->cont);
	else if (r->relisting)	/* from the first page again (an expired
				 * token, a failed page): what the attempt
				 * cut short read counts for nothing. The
				 * relist stays under way (a retry lists,
				 * never watches from a part of a list). */
		store_relist_begin(r->c->store, r->cluster, r->res->resource);
	if (r->selector != NULL)
		path = http_query_add(path, "labelSelector", r->selector);
	memset(&s, 0, sizeof s);
	s.target = CREQ_API;
	s.path = path;
	s.low_speed_time = (long)r->c->opts.list_low_speed;
	s.on_data = reflector_list_data;
	s.done = reflector_list_done;
	s.arg = r;
	r->phase = REF_LISTING;
	reflector_scan_reset(r);
	r->req = creq_start(r->c, r->cluster, &s);
	free(path);
}

/* One watch event line. */
int
reflector_event(const char *line, size_t len, void *arg)
{
	struct reflector *r = arg;
	struct store *st = r->c->store;
	json_t *ev, *obj;
	const char *type, *rv;
	int rc = 0;

	while (len > 0 && (line[len - 1] == ' ' || line[len - 1] == '\t'))
		len--;
	if (len == 0)
		return 0;
	ev = json_load_proj(line, len, 0, r->proj != NULL ? r->event_proj : NULL, NULL);
	type = json_string_value(json_object_get(ev, "type"));
	if (r->proj != NULL && type != NULL && strcmp(type, "ERROR") == 0) {
		/* an error's code and message are no object's row fields */
		json_decref(ev);
		ev = json_load_fast(line, len, 0, NULL);
	}
	if (ev == NULL) {
		free(r->watch_error);
		r->watch_error = xstrdup("undecodable watch event");
		return 1;
	}
	type = json_string_value(json_object_get(ev, "type"));
	obj = json_object_get(ev, "object");
	if (type == NULL || !json_is_object(obj)) {
		free(r->watch_error);
		r->watch_error = xstrdup("malformed watch event");
		rc = 1;
		goto out;
	}
	if (r->events++ == 0)
		conn_report_ok(r->c, r->cluster);	/* answering again */
	if (strcmp(type, "ERROR") == 0) {
		json_int_t code = json_integer_value(json_object_get(obj, "code"));

		if (code == 410) {
			r->expired = true;
		} else {
			const char *m = json_string_value(json_object_get(obj, "message"));

			free(r->watch_error);
			r->watch_error = xasprintf("watch error %lld: %s", (long long)code,
			    m != NULL ? m : "?");
		}
		rc = 1;
		goto out;
	}
	rv = json_string_value(json_object_get(json_object_get(obj, "metadata"),
	    "resourceVersion"));
	if (strcmp(type, "ADDED") == 0 || strcmp(type, "MODIFIED") == 0) {
		if (store_upsert(st, r->cluster, r->res->resource, obj) != 0) {
			free(r->watch_error);
			r->watch_error = reflector_row_cap_text(r);
			rc = 1;
			goto out;
		}
	} else if (strcmp(type, "DELETED") == 0)
		store_remove(st, r->cluster, r->res->resource, obj);
	else if (strcmp(type, "BOOKMARK") != 0)
		goto out;	/* unknown type: ignore, as client-go does */
	if (rv != NULL && *rv != '\0') {
		free(r->rv);
		r->rv = xstrdup(rv);
	}
out:
	json_decref(ev);
	return rc;
}

/* A watch ended. */
static void
reflector_watch_done(const struct cresult *res, void *arg)
{
	struct reflector *r = arg;
	struct store *st = r->c->store;

	r->req = NULL;
	if (r->expired || (res->error == NULL && res->status == 410)) {
		/* Expired: list again, through the backoff like every retry, so
		 * a server that expires every watch sees a few requests a
		 * minute, not hundreds a second. */
		r->expired = false;
		free(r->rv);
		r->rv = NULL;
		reflector_wait(r, -1);
		return;
	}
	if (r->watch_error != NULL) {
		store_set_kind_state(st, r->cluster, r->res->resource, CONN_ERROR,
		    r->watch_error);
		free(r->watch_error);
		r->watch_error = NULL;
		reflector_wait(r, -1);
		return;
	}
	if (res->error != NULL || res->status != 200) {
		reflector_failed(r, res);
		return;
	}
	if (res->elapsed < 1.0) {
		/* No server ends a watch of 300 s or more this soon: back off
		 * (with events it is a server cutting every watch short). */
		if (r->events == 0)
			store_set_kind_state(st, r->cluster, r->res->resource, CONN_ERROR,
			    "watch closed at once with no events");
		reflector_wait(r, -1);
		return;
	}
	/* A normal end (timeoutSeconds): watch again from where we are. */
	reflector_watch(r);
}

/* Watch from r->rv. */
static void
reflector_watch(struct reflector *r)
{
	struct creq_spec s;
	char *path, *t;
	int secs = 300 + (int)(random() % 301);

	path = reflector_base(r);
	path = http_query_add(path, "watch", "1");
	path = http_query_add(path, "resourceVersion", r->rv);
	path = http_query_add(path, "allowWatchBookmarks", "true");
	t = xasprintf("%d", secs);
	path = http_query_add(path, "timeoutSeconds", t);
	free(t);
	if (r->selector != NULL)
		path = http_query_add(path, "labelSelector", r->selector);
	memset(&s, 0, sizeof s);
	s.target = CREQ_API;
	s.path = path;
	s.timeout = secs + 60;
	s.on_line = reflector_event;
	s.done = reflector_watch_done;
	s.arg = r;
	r->events = 0;
	r->expired = false;
	r->phase = REF_WATCHING;
	r->req = creq_start(r->c, r->cluster, &s);
	free(path);
	store_set_kind_state(r->c->store, r->cluster, r->res->resource, CONN_LIVE, NULL);
}

static void	reflector_poll(struct reflector *);

/* Timer: poll again. */
static void
reflector_poll_fire(void *arg)
{
	struct reflector *r = arg;

	r->timer = NULL;
	reflector_poll(r);
}

/* True if r's Alertmanager is reached through the API server's proxy. */
static bool
reflector_am_proxied(const struct reflector *r)
{
	struct kube_context *ctx = client_context(r->c, r->cluster);
	const char *u = ctx != NULL ? ctx->alertmanager_url : NULL;

	return u == NULL || (strncmp(u, "http://", 7) != 0 && strncmp(u, "https://", 8) != 0);
}

/* The kind state for a failed Alertmanager poll. */
static enum conn_state
reflector_am_state(const struct cresult *res)
{
	if (res->error != NULL)
		return res->auth_failed ? CONN_UNAUTHORIZED : conn_state_for_curl(res->rc);
	if (res->status == 401)
		return CONN_UNAUTHORIZED;
	if (res->status == 403)
		return CONN_FORBIDDEN;
	return CONN_ERROR;
}

/* A polled usage object (PodMetrics, NodeMetrics) whose usage is what its
 * row shows: the row is renewed, not built again (most of an idle poll). */
static bool
reflector_usage_same(struct store *st, size_t cluster, const char *resource, json_t *obj)
{
	json_t *md = json_object_get(obj, "metadata");
	json_t *ns = json_object_get(md, "namespace"), *name = json_object_get(md, "name");
	size_t nlen = json_string_length(ns), len = json_string_length(name);
	const struct row *row;
	int64_t m, b;
	char key[600];

	/* the store's key of an object without a uid: "namespace/name" */
	if (len == 0 || nlen + len + 2 > sizeof key)
		return false;
	if (nlen > 0)
		memcpy(key, json_string_value(ns), nlen);
	key[nlen] = '/';
	memcpy(key + nlen + 1, json_string_value(name), len + 1);
	row = store_get_key(st, cluster, resource, key);
	if (row == NULL || row->ncells < 3)
		return false;
	metrics_usage(obj, &m, &b);
	if (m != row->cells[1].n || b != row->cells[2].n)
		return false;
	store_renew(st, row);
	return true;
}

/* Keep one polled object (borrowed): a usage object whose usage is what
 * its row shows is renewed, anything else upserted (a refusal by the row
 * cap is remembered in r->capped). */
static void
reflector_poll_keep(struct reflector *r, json_t *obj)
{
	struct store *st = r->c->store;
	const char *name = kind_store_name(r->res);

	if (r->res->source == KIND_METRICS && reflector_usage_same(st, r->cluster, name, obj))
		return;
	if (store_upsert(st, r->cluster, name, obj) != 0)
		r->capped = true;
}

/* One item of a metrics poll, as soon as it is read: only what tells
 * whether its usage moved is built; the row's members only if it did. */
static int
reflector_usage_item(const char *item, size_t len, void *arg)
{
	struct reflector *r = arg;
	json_error_t jerr;
	json_t *obj;

	obj = json_load_proj(item, len, JSON_DECODE_ANY, projection_usage_key, &jerr);
	if (obj == NULL) {
		free(r->list_error);
		r->list_error = xasprintf("metrics: bad response: %s", jerr.text);
		return 1;
	}
	if (!reflector_usage_same(r->c->store, r->cluster, kind_store_name(r->res), obj)) {
		json_decref(obj);
		/* the same bytes (accepted a moment ago), as its row reads them */
		obj = json_load_proj(item, len, JSON_DECODE_ANY, r->proj, NULL);
		reflector_poll_keep(r, obj);
	}
	json_decref(obj);
	return 0;
}

/* Bytes of a metrics poll (2xx) as they arrive. */
static int
reflector_usage_data(const char *data, size_t len, void *arg)
{
	struct reflector *r = arg;

	if (!r->relisting) {
		store_relist_begin(r->c->store, r->cluster, kind_store_name(r->res));
		r->relisting = true;
	}
	return list_scan_feed(&r->scan, data, len, reflector_usage_item, r) != 0;
}

/* The document of a poll answer (200): a metrics list read as it came
 * (its items are kept already; what is left of it is returned), or
 * Alertmanager's array. NULL with *why set if it is not what was asked. */
static json_t *
reflector_poll_doc(struct reflector *r, const struct cresult *res, char **why)
{
	const char *rest;
	json_t *doc;
	size_t len;

	*why = NULL;
	if (r->res->source != KIND_METRICS) {
		doc = json_loadb(res->body, res->len, 0, NULL);
		if (!json_is_array(doc)) {
			json_decref(doc);
			*why = xstrdup("alertmanager: response is not a JSON array");
			return NULL;
		}
		return doc;
	}
	if (r->list_error != NULL || r->scan.error != NULL) {
		*why = r->list_error != NULL ? xstrdup(r->list_error) :
		    xasprintf("metrics: %s", r->scan.error);
		return NULL;
	}
	rest = list_scan_rest(&r->scan, &len);
	doc = json_loadb(rest, len, 0, NULL);
	if (!json_is_array(json_object_get(doc, "items"))) {
		json_decref(doc);
		*why = xstrdup("metrics: response is not a list");
		return NULL;
	}
	return doc;
}

/* Alertmanager or the metrics API answered a poll. */
void
reflector_poll_done(const struct cresult *res, void *arg)
{
	struct reflector *r = arg;
	struct store *st = r->c->store;
	const char *name = kind_store_name(r->res);
	const char *who = r->res->source == KIND_METRICS ? "metrics" : "alertmanager";
	bool metrics = r->res->source == KIND_METRICS;
	json_t *doc, *items, *item;
	size_t i;
	char *msg, *why;
	bool failed = true, refused;
	double delay, retry_after = -1;

	r->req = NULL;
	/* a caller with the whole body hands it here (tests, fuzzing) */
	if (metrics && res->status == 200 && res->len > 0)
		(void)reflector_usage_data(res->body, res->len, r);
	/* the decoder stopped the transfer: its reason, not the abort's */
	refused = metrics && res->status == 200 &&
	    (r->list_error != NULL || r->scan.error != NULL);
	if (res->error == NULL && res->status == 404 && (metrics || reflector_am_proxied(r))) {
		/* No Alertmanager service behind the API server's proxy, or no
		 * metrics-server (its API group is not registered). */
		store_relist_begin(st, r->cluster, name);
		store_relist_end(st, r->cluster, name);
		store_set_kind_state(st, r->cluster, name, CONN_LIVE, "not installed");
		goto again;
	}
	if (!refused && (res->error != NULL || res->status != 200)) {
		if (res->error != NULL) {
			why = xasprintf("%s: %s", who, res->error);
		} else {
			msg = status_message(res->body, res->len);
			why = xasprintf("%s: HTTP %ld%s%s", who, res->status,
			    msg != NULL ? ": " : "", msg != NULL ? msg : "");
			free(msg);
		}
		store_set_kind_state(st, r->cluster, name, reflector_am_state(res), why);
		free(why);
		/* as the API server's lists: 429 and 5xx with Retry-After */
		if (res->error == NULL && (res->status == 429 || res->status >= 500))
			retry_after = res->retry_after;
		goto again;
	}
	doc = reflector_poll_doc(r, res, &why);
	if (doc == NULL) {
		/* rows stay as the last good poll left them */
		store_set_kind_state(st, r->cluster, name, CONN_ERROR, why);
		free(why);
		goto again;
	}
	failed = false;
	if (!r->relisting)
		store_relist_begin(st, r->cluster, name);
	/* a metrics list's items were kept as they arrived: any left here
	 * are those the scan did not recognise (an escaped key) */
	items = metrics ? json_object_get(doc, "items") : doc;
	json_array_foreach(items, i, item)
		reflector_poll_keep(r, item);
	store_relist_end(st, r->cluster, name);
	if (r->capped) {
		why = reflector_row_cap_text(r);
		store_set_kind_state(st, r->cluster, name, CONN_ERROR, why);
		free(why);
	} else {
		store_set_kind_state(st, r->cluster, name, CONN_LIVE, NULL);
	}
	json_decref(doc);
again:
	r->relisting = false;
	r->capped = false;
	reflector_scan_reset(r);
	if (r->c->opts.once) {
		if (retry_after >= 0)
			reflector_wait(r, retry_after);	/* a few times, then done */
		else
			r->phase = REF_DONE;
		return;
	}
	/* the next poll: the period, or later if the server asked so (up to
	 * RETRY_AFTER_CAP) */
	if (retry_after > RETRY_AFTER_CAP)
		retry_after = RETRY_AFTER_CAP;
	r->phase = REF_WAITING;
	/* usage every 15 s: metrics-server scrapes that often (its default
	 * resolution), so asking sooner mostly reads the same scrape again,
	 * and at 150,000 pods each poll is some 45 MB to read */
	delay = metrics ? r->c->opts.metrics_interval : r->c->opts.am_interval;
	/* a cluster without metrics (or failing) is asked less and less
	 * often: the poll period doubled per failure, up to eight times it */
	r->poll_failures = failed ? r->poll_failures + 1 : 0;
	if (metrics && failed)
		delay *= 1 << (r->poll_failures - 1 < 3 ? r->poll_failures - 1 : 3);
	if (retry_after > delay)
		delay = retry_after;
	r->timer = loop_timer_add(r->c->loop, delay, reflector_poll_fire, r);
}

/*
 * Usage is put off while a first list of the objects it belongs to (the
 * pods of pods.metrics.k8s.io) is still coming in: from the same cluster,
 * or from another one whose rows have begun to arrive. Every cluster is
 * decoded on this one thread, and a usage list of every pod costs about
 * as much to read as the pods: the estate's rows come first, their usage
 * a moment after. A cluster that has not answered at all (hung, or slow
 * to connect) holds back only its own usage. Checked every
 * USAGE_DEFER_STEP seconds, for at most USAGE_DEFER_MAX checks: a list
 * that never completes does not hold the usage back for more than 30 s.
 */
#define USAGE_DEFER_STEP	0.25
#define USAGE_DEFER_MAX		120

static bool
reflector_usage_waits(const struct reflector *r)
{
	const struct kind *base;
	const struct reflector *b;
	const char *name;
	size_t i;

	if (r->res->source != KIND_METRICS || r->deferred >= USAGE_DEFER_MAX)
		return false;
	if ((base = kind_find_api("", r->res->resource)) == NULL)
		return false;
	name = kind_store_name(base);
	for (i = 0; i < r->c->nrefs; i++) {
		b = r->c->refs[i];
		if (b->res != base || b->phase != REF_LISTING ||
		    store_synced(r->c->store, b->cluster, name))
			continue;
		if (b->cluster == r->cluster || store_count(r->c->store, b->cluster, name) > 0)
			return true;
	}
	return false;
}

/* Poll Alertmanager for alerts or silences, or the metrics API. */
static void
reflector_poll(struct reflector *r)
{
	struct creq_spec s;
	char *path;

	if (reflector_usage_waits(r)) {
		r->deferred++;
		r->phase = REF_WAITING;
		r->timer = loop_timer_add(r->c->loop, USAGE_DEFER_STEP, reflector_poll_fire, r);
		return;
	}
	if (r->res->source == KIND_METRICS) {
		path = reflector_base(r);
		if (r->selector != NULL)
			path = http_query_add(path, "labelSelector", r->selector);
	} else
		path = xasprintf("/api/v2/%s", r->res->resource);
	memset(&s, 0, sizeof s);
	s.target = r->res->source == KIND_METRICS ? CREQ_API : CREQ_AM;
	s.path = path;
	s.timeout = 30;
	if (r->res->source == KIND_METRICS)
		s.on_data = reflector_usage_data;
	s.done = reflector_poll_done;
	s.arg = r;
	r->phase = REF_LISTING;
	reflector_scan_reset(r);
	r->relisting = false;
	r->capped = false;
	r->req = creq_start(r->c, r->cluster, &s);
	free(path);
}

/* Create a reflector without starting it. */
struct reflector *
reflector_alloc(struct client *c, size_t cluster, const struct kind *res,
    const char *ns, const char *selector)
{
	struct reflector *r;

	r = xcalloc(1, sizeof *r);
	r->c = c;
	r->cluster = cluster;
	r->res = res;
	r->ns = ns != NULL && *ns != '\0' ? xstrdup(ns) : NULL;
	r->selector = selector != NULL && *selector != '\0' ? xstrdup(selector) : NULL;
	reflector_scan_reset(r);
	store_set_kind_state(c->store, cluster, kind_store_name(res), CONN_CONNECTING, NULL);
	return r;
}

/* Create and start a reflector. */
struct reflector *
reflector_new(struct client *c, size_t cluster, const struct kind *res,
    const char *ns, const char *selector)
{
	struct reflector *r = reflector_alloc(c, cluster, res, ns, selector);

	if (res->source != KIND_API)
		reflector_poll(r);
	else
		reflector_list(r);
	return r;
}

/* Stop and free a reflector (rows stay in the store). */
void
reflector_free(struct reflector *r)
{
	if (r == NULL)
		return;
	creq_cancel(r->req);
	loop_timer_cancel(r->c->loop, r->timer);
	free(r->ns);
	free(r->selector);
	free(r->cont);
	free(r->rv);
	free(r->watch_error);
	list_scan_free(&r->scan);
	free(r->list_error);
	free(r);
}

/*
 * The client's watches: one reflector per watched resource and cluster,
 * above the connections and requests (cluster.c), which free them through
 * unwatch_all.
 */

/* Stop every reflector of c. */
static void
client_unwatch_all(struct client *c)
{
	size_t i;

	for (i = 0; i < c->nrefs; i++)
		reflector_free(c->refs[i]);
	free(c->refs);
	c->refs = NULL;
	c->nrefs = 0;
}

/* Start reflectors for resource, all namespaces. */
int
client_watch(struct client *c, const char *resource, char **cause)
{
	return client_watch_scoped(c, resource, NULL, NULL, cause);
}

/* Start reflectors for resource in a scope. */
int
client_watch_scoped(struct client *c, const char *resource, const char *ns,
    const char *selector, char **cause)
{
	const struct kind *res = kind_find(resource);
	size_t i;

	if (res == NULL) {
		*cause = xasprintf("unknown resource type \"%s\"", resource);
		return -1;
	}
	for (i = 0; i < c->nrefs; i++) {
		if (strcmp(reflector_resource(c->refs[i]), kind_store_name(res)) == 0)
			return 0;
	}
	c->refs = xreallocarray(c->refs, c->nrefs + c->nconns + 1, sizeof *c->refs);
	c->unwatch_all = client_unwatch_all;
	for (i = 0; i < c->nconns; i++) {
		const char *scope = ns;
		struct reflector *r;

		if (scope != NULL && *scope == '\0')
			scope = client_context(c, i)->namespace_;
		/* a new reflector may look at the others (reflector_usage_waits):
		 * it is counted once it is there */
		r = reflector_new(c, i, res, scope, selector);
		c->refs[c->nrefs++] = r;
	}
	return 0;
}

/* Stop the reflectors of resource. */
void
client_unwatch(struct client *c, const char *resource)
{
	const struct kind *res = kind_find(resource);
	size_t i, j;

	if (res == NULL)
		return;
	for (i = j = 0; i < c->nrefs; i++) {
		if (strcmp(reflector_resource(c->refs[i]), kind_store_name(res)) == 0)
			reflector_free(c->refs[i]);
		else
			c->refs[j++] = c->refs[i];
	}
	c->nrefs = j;
}
