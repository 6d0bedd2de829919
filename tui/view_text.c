/* YAML and describe views: the object is fetched on demand from its
 * cluster (client_request), rendered (YAML through libyaml's emitter, or
 * describe as kubectl shows it: describe.c), sanitised and shown in a pager. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <jansson.h>
#include <yaml.h>

#include "opsdeck/actions.h"
#include "opsdeck/client.h"
#include "opsdeck/describe.h"
#include "opsdeck/json_util.h"
#include "opsdeck/kinds.h"
#include "opsdeck/printers.h"
#include "opsdeck/sanitize.h"
#include "opsdeck/store.h"
#include "opsdeck/ui.h"
#include "opsdeck/xmalloc.h"

#define TEXT_MAX_OUT	(8u * 1024 * 1024)

/* State of a text view. */
struct text_view {
	struct pager	*pager;
	char		*what;		/* "yaml" or "describe" */
	char		*ns;
	char		*name;
	char		 title[256];
	unsigned	 id;
	bool		 loading;
	size_t		 cluster;
	const struct kind *kind;
	char		*uid;		/* an alert's fingerprint, or NULL */
	int		 am_pending;	/* Alertmanager lists still to come */
	json_t		*am_alerts;	/* Alertmanager's alerts, or NULL */
	json_t		*am_silences;	/* and silences, or NULL */
	json_t		*obj;		/* describe: the object */
	json_t		*events;	/* describe: its events (array), or NULL */
	json_t		*related;	/* describe: the related answers, or NULL */
	char		*events_error;	/* describe: why there are none */
	bool		 events_loading;
};

/* Request ids, to ignore answers for views already closed. */
static unsigned text_counter;

/* A growing output buffer with a cap. */
struct text_buf {
	char		*s;
	size_t		 len;
	size_t		 cap;
	bool		 toobig;
};

/* libyaml write handler into a text_buf. */
static int
text_write(void *arg, unsigned char *data, size_t size)
{
	struct text_buf *b = arg;

	if (b->len + size > TEXT_MAX_OUT) {
		b->toobig = true;
		return 0;
	}
	if (b->len + size + 1 > b->cap) {
		b->cap = (b->len + size + 1) * 2;
		b->s = xrealloc(b->s, b->cap);
	}
	memcpy(b->s + b->len, data, size);
	b->len += size;
	b->s[b->len] = '\0';
	return 1;
}

/* Emit one scalar. */
static int
emit_scalar(yaml_emitter_t *em, const char *s, bool plain_ok)
{
	yaml_event_t ev;

	yaml_scalar_event_initialize(&ev, NULL, NULL, (yaml_char_t *)s, (int)strlen(s),
	    plain_ok, 1, plain_ok ? YAML_ANY_SCALAR_STYLE : YAML_SINGLE_QUOTED_SCALAR_STYLE);
	return yaml_emitter_emit(em, &ev);
}

/* Emit a JSON value as YAML events. */
static int
emit_json(yaml_emitter_t *em, json_t *v, int depth)
{
	static const char *first_keys[] = { "apiVersion", "kind", "metadata" };
	yaml_event_t ev;
	const char *k;
	json_t *item;
	size_t i;
	char buf[64];

	if (depth > 64)
		return emit_scalar(em, "...", true);
	switch (json_typeof(v)) {
	case JSON_OBJECT:
		yaml_mapping_start_event_initialize(&ev, NULL, NULL, 1, YAML_BLOCK_MAPPING_STYLE);
		if (!yaml_emitter_emit(em, &ev))
			return 0;
		/* kubectl's order at the top: apiVersion, kind, metadata, the rest */
		for (i = 0; depth == 1 && i < 3; i++) {
			item = json_object_get(v, first_keys[i]);
			if (item == NULL)
				continue;
			if (!emit_scalar(em, first_keys[i], true) || !emit_json(em, item, depth + 1))
				return 0;
		}
		json_object_foreach(v, k, item) {
			if (depth == 1 && (strcmp(k, "apiVersion") == 0 || strcmp(k, "kind") == 0 ||
			    strcmp(k, "metadata") == 0))
				continue;
			if (depth == 2 && strcmp(k, "managedFields") == 0)
				continue;
			if (!emit_scalar(em, k, true) || !emit_json(em, item, depth + 1))
				return 0;
		}
		yaml_mapping_end_event_initialize(&ev);
		return yaml_emitter_emit(em, &ev);
	case JSON_ARRAY:
		yaml_sequence_start_event_initialize(&ev, NULL, NULL, 1, YAML_BLOCK_SEQUENCE_STYLE);
		if (!yaml_emitter_emit(em, &ev))
			return 0;
		json_array_foreach(v, i, item) {
			if (!emit_json(em, item, depth + 1))
				return 0;
		}
		yaml_sequence_end_event_initialize(&ev);
		return yaml_emitter_emit(em, &ev);
	case JSON_STRING:
		/* strings that would read back as other types are quoted */
		k = json_string_value(v);
		if (*k == '\0' || strcasecmp(k, "true") == 0 || strcasecmp(k, "false") == 0 ||
		    strcasecmp(k, "yes") == 0 || strcasecmp(k, "no") == 0 ||
		    strcasecmp(k, "on") == 0 || strcasecmp(k, "off") == 0 ||
		    strcasecmp(k, "null") == 0 || strcmp(k, "~") == 0 ||
		    strspn(k, "0123456789.-+eE:") == strlen(k))
			return emit_scalar(em, k, false);
		return emit_scalar(em, k, true);
	case JSON_INTEGER:
		snprintf(buf, sizeof buf, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
		return emit_scalar(em, buf, true);
	case JSON_REAL:
		snprintf(buf, sizeof buf, "%.17g", json_real_value(v));
		return emit_scalar(em, buf, true);
	case JSON_TRUE:
		return emit_scalar(em, "true", true);
	case JSON_FALSE:
		return emit_scalar(em, "false", true);
	default:
		return emit_scalar(em, "null", true);
	}
}

/* Render obj as YAML (new string), or NULL with *cause. */
static char *
text_yaml(json_t *obj, char **cause)
{
	yaml_emitter_t em;
	yaml_event_t ev;
	struct text_buf b = { NULL, 0, 0, false };
	int ok;

	yaml_emitter_initialize(&em);
	yaml_emitter_set_output(&em, text_write, &b);
	yaml_emitter_set_unicode(&em, 1);
	yaml_emitter_set_width(&em, -1);
	yaml_stream_start_event_initialize(&ev, YAML_UTF8_ENCODING);
	ok = yaml_emitter_emit(&em, &ev);
	if (ok) {
		yaml_document_start_event_initialize(&ev, NULL, NULL, NULL, 1);
		ok = yaml_emitter_emit(&em, &ev);
	}
	if (ok)
		ok = emit_json(&em, obj, 1);
	if (ok) {
		yaml_document_end_event_initialize(&ev, 1);
		ok = yaml_emitter_emit(&em, &ev);
	}
	if (ok) {
		yaml_stream_end_event_initialize(&ev);
		ok = yaml_emitter_emit(&em, &ev);
	}
	if (ok)
		yaml_emitter_flush(&em);
	yaml_emitter_delete(&em);
	if (!ok || b.toobig) {
		*cause = xstrdup(b.toobig ? "object too large to show" : "YAML rendering failed");
		free(b.s);
		return NULL;
	}
	return b.s != NULL ? b.s : xstrdup("");
}

/* A describe line into the pager. */
static void
text_line(const char *line, int hang, bool warning, void *arg)
{
	struct pager *p = arg;

	pager_add_hanging(p, line, hang);
	if (warning)
		pager_set_last_slot(p, THEME_WARN);
}

/* Render the view's describe text again (the object, its related list or
 * its events came). */
static void
text_render(struct view *v)
{
	struct text_view *tv = v->data;
	size_t top = pager_get_top(tv->pager);
	struct describe_events ev = { tv->events, NULL };
	char *note = NULL;

	if (tv->events_loading)
		ev.note = "(loading)";
	else if (tv->events_error != NULL)
		ev.note = note = xasprintf("could not list events: %s", tv->events_error);
	pager_clear(tv->pager);
	describe_object(tv->kind, tv->obj, tv->related,
	    tv->kind->source == KIND_API ? &ev : NULL, time(NULL), text_line, tv->pager);
	pager_set_top(tv->pager, top);
	free(note);
}

/* A fetch request in flight. */
struct text_req {
	unsigned	 id;
	size_t		 cluster;
	bool		 silences;	/* Alertmanager's silences, not alerts */
	int		 related;	/* the related request's index; -1: events */
};

/* Find the open text view with id. */
static struct view *
text_find(unsigned id)
{
	struct view *v;

	for (v = ui_current != NULL ? ui_current->view : NULL; v != NULL; v = v->prev) {
		if (v->cls == &view_text_class && v->data != NULL &&
		    ((struct text_view *)v->data)->id == id)
			return v;
	}
	return NULL;
}

/* The events list or a related request answered. */
static void
text_list_done(const struct client_response *resp, void *arg)
{
	struct text_req *req = arg;
	struct view *v = text_find(req->id);
	struct text_view *tv;
	json_t *ans;

	if (v == NULL)
		goto out;
	tv = v->data;
	ans = describe_answer(resp);
	if (req->related < 0) {
		tv->events_loading = false;
		if (json_is_array(ans))
			tv->events = json_incref(ans);
		else
			tv->events_error = xstrdup(json_is_string(ans) ? json_string_value(ans) :
			    "the server sent malformed JSON");
		json_decref(ans);
	} else
		json_array_set_new(tv->related, (size_t)req->related, ans);
	if (tv->obj != NULL)
		text_render(v);
	ui_dirty(v->ui);
out:
	free(req);
}

/* Ask for the object's events and the list its describe reads. */
static void
text_events_fetch(struct view *v, json_t *obj)
{
	struct text_view *tv = v->data;
	struct text_req *req;
	char *path;
	size_t i;

	tv->related = json_array();
	for (i = 0; (path = describe_related_path(tv->kind, obj, i)) != NULL; i++) {
		json_array_append_new(tv->related, json_null());
		req = xcalloc(1, sizeof *req);
		req->id = tv->id;
		req->cluster = tv->cluster;
		req->related = (int)i;
		client_request(v->ui->client, tv->cluster, "GET", path, NULL, NULL,
		    text_list_done, req);
		free(path);
	}
	path = describe_events_path(obj);
	if (path == NULL) {
		tv->events_error = xstrdup("the object has no name");
		return;
	}
	tv->events_loading = true;
	req = xcalloc(1, sizeof *req);
	req->id = tv->id;
	req->cluster = tv->cluster;
	req->related = -1;
	client_request(v->ui->client, tv->cluster, "GET", path, NULL, NULL, text_list_done, req);
	free(path);
}

/* Show obj (borrowed) as YAML, or describe it (Kubernetes objects: with
 * their events and related list, fetched now). */
static void
text_show(struct view *v, json_t *obj)
{
	struct text_view *tv = v->data;
	char *out, *cause = NULL;

	if (strcmp(tv->what, "yaml") == 0) {
		pager_clear(tv->pager);
		out = text_yaml(obj, &cause);
		if (out == NULL) {
			pager_add_line(tv->pager, cause, THEME_ERROR);
			free(cause);
		} else {
			pager_add(tv->pager, out, strlen(out));
			free(out);
		}
		return;
	}
	tv->obj = json_incref(obj);
	if (tv->kind->source == KIND_API)
		text_events_fetch(v, obj);
	text_render(v);
}

/* One of Alertmanager's lists arrived; with both, find the alert (by
 * fingerprint, else by name) and show it. */
static void
text_am_done(const struct client_response *resp, void *arg)
{
	struct text_req *req = arg;
	struct view *v = text_find(req->id);
	struct text_view *tv;
	json_t *list = NULL, *found;
	json_error_t jerr;
	char *err, *line;

	if (v == NULL)
		goto out;
	tv = v->data;
	if (resp->error == NULL && resp->status / 100 == 2)
		list = json_loadb(resp->body, resp->len, 0, &jerr);
	if (!json_is_array(list)) {
		json_decref(list);
		list = NULL;
	}
	if (req->silences)
		tv->am_silences = list;
	else if (list != NULL)
		tv->am_alerts = list;
	else {
		err = client_response_error(resp);
		line = xasprintf("could not read Alertmanager's alerts: %s", err);
		pager_clear(tv->pager);
		text_line(line, 0, false, tv->pager);
		pager_set_last_slot(tv->pager, THEME_ERROR);
		free(line);
		free(err);
	}
	list = NULL;
	if (--tv->am_pending > 0 || tv->am_alerts == NULL)
		goto done;
	tv->loading = false;
	found = describe_am_find(tv->kind, tv->am_alerts, tv->am_silences, tv->uid, tv->name,
	    0);
	if (found == NULL) {
		pager_clear(tv->pager);
		line = xasprintf("%s is no longer in Alertmanager", tv->name);
		text_line(line, 0, false, tv->pager);
		free(line);
		goto done;
	}
	tv->related = describe_alert_related(tv->am_alerts, tv->am_silences);
	text_show(v, found);
done:
	ui_dirty(v->ui);
out:
	json_decref(list);
	free(req);
}

/* The object arrived: render it. */
static void
text_done(const struct client_response *resp, void *arg)
{
	struct text_req *req = arg;
	struct view *v = text_find(req->id);
	struct text_view *tv;
	json_t *obj = NULL;
	json_error_t jerr;
	char *err;

	if (v == NULL)
		goto out;
	tv = v->data;
	tv->loading = false;
	pager_clear(tv->pager);
	if (resp->error != NULL || resp->status / 100 != 2) {
		err = client_response_error(resp);
		pager_add_line(tv->pager, "could not fetch the object:", THEME_ERROR);
		pager_add(tv->pager, err, strlen(err));
		free(err);
		goto done;
	}
	obj = json_loadb(resp->body, resp->len, 0, &jerr);
	if (obj == NULL) {
		pager_add_line(tv->pager, "the server sent malformed JSON", THEME_ERROR);
		goto done;
	}
	text_show(v, obj);
done:
	ui_dirty(v->ui);
out:
	json_decref(obj);
	free(req);
}

static int
text_init(struct view *v, char **cause)
{
	struct text_view *tv = xcalloc(1, sizeof *tv);

	tv->pager = pager_new(200000);
	tv->id = ++text_counter;
	v->data = tv;
	return 0;
}

static void
text_free(struct view *v)
{
	struct text_view *tv = v->data;

	if (tv == NULL)
		return;
	pager_free(tv->pager);
	json_decref(tv->obj);
	json_decref(tv->events);
	json_decref(tv->related);
	json_decref(tv->am_alerts);
	json_decref(tv->am_silences);
	free(tv->uid);
	free(tv->events_error);
	free(tv->what);
	free(tv->ns);
	free(tv->name);
	free(tv);
}

static void
text_draw(struct view *v, WINDOW *win, int y, int h, int w, int64_t now)
{
	struct text_view *tv = v->data;

	pager_draw(tv->pager, v->ui, win, y, h, w);
}

static int
text_key(struct view *v, int key)
{
	struct text_view *tv = v->data;

	if (key == 'w') {
		v->ui->wrap = !v->ui->wrap;
		return VIEW_HANDLED;
	}
	return pager_key(tv->pager, key);
}

static const char *
text_title(struct view *v)
{
	struct text_view *tv = v->data;

	return tv->title[0] != '\0' ? tv->title : v->cls->name;
}

static int
text_search(struct view *v, const char *text, char **cause)
{
	struct text_view *tv = v->data;

	return pager_search(tv->pager, text, cause);
}

/* The object shown. */
static void
text_subject(struct view *v, const char **ns, const char **name)
{
	struct text_view *tv = v->data;

	*ns = tv->ns != NULL && *tv->ns != '\0' ? tv->ns : NULL;
	*name = tv->name;
}

const struct view_class view_text_class = {
	.name = "text",
	.init = text_init,
	.free = text_free,
	.draw = text_draw,
	.key = text_key,
	.title = text_title,
	.search = text_search,
	.subject = text_subject,
};

/* Open yaml/describe for one object. */
int
view_text_open(struct ui *ui, const char *what, size_t cluster, const char *resource,
    const char *ns, const char *name, const char *uid, char **cause)
{
	const struct kind *res = kind_find(resource);
	struct text_view *tv;
	struct text_req *req;
	struct view *v;
	char *path;
	int i;

	if (res == NULL || (res->source == KIND_ALERTMANAGER && res->describer == NULL)) {
		*cause = xasprintf("%s: not available for %s", what, resource);
		return -1;
	}
	if (ui->client == NULL) {
		*cause = xasprintf("%s: no connection", what);
		return -1;
	}
	v = ui_push(ui, &view_text_class, resource, name, cluster, cause);
	if (v == NULL)
		return -1;
	tv = v->data;
	tv->what = xstrdup(what);
	tv->ns = xstrdup(ns != NULL ? ns : "");
	tv->name = xstrdup(name);
	tv->cluster = cluster;
	tv->kind = res;
	tv->uid = uid != NULL && *uid != '\0' ? xstrdup(uid) : NULL;
	snprintf(tv->title, sizeof tv->title, "%s %s/%s%s%s @%s", what, resource,
	    res->namespaced && ns != NULL && *ns != '\0' ? ns : "",
	    res->namespaced && ns != NULL && *ns != '\0' ? "/" : "", name,
	    store_cluster(ui->store, cluster)->name);
	pager_add_line(tv->pager, "loading…", THEME_DIM);
	tv->loading = true;
	if (res->source == KIND_ALERTMANAGER) {
		/* the alert, its silences and inhibitors, from Alertmanager */
		tv->am_pending = 2;
		for (i = 0; i < 2; i++) {
			req = xcalloc(1, sizeof *req);
			req->id = tv->id;
			req->cluster = cluster;
			req->silences = i == 1;
			client_am_request(ui->client, cluster, "GET",
			    i == 1 ? "/api/v2/silences" : "/api/v2/alerts", NULL, NULL,
			    text_am_done, req);
		}
		return 0;
	}
	path = actions_path(res->resource, res->namespaced ? ns : NULL, name);
	req = xcalloc(1, sizeof *req);
	req->id = tv->id;
	req->cluster = cluster;
	client_request(ui->client, cluster, "GET", path, NULL, NULL, text_done, req);
	free(path);
	return 0;
}
