/* YAML and describe views: the object is fetched on demand from its
 * cluster (client_request), rendered (YAML: ydoc_emit_json, or
 * describe as kubectl shows it: describe*.c), sanitised and shown in a pager. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <jansson.h>

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
#include "opsdeck/ydoc.h"

/* State of a text view. */
struct text_view {
	struct pager	*pager;
	char		*what;		/* "yaml" or "describe" */
	char		*ns;
	char		*name;
	char		 title[256];
	struct text_req	*reqs;		/* requests in flight */
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

/* A fetch request in flight, on its view's list until it is answered or
 * the view is freed (which cancels it). */
struct text_req {
	struct view	*v;
	struct client_call *call;
	struct text_req	*next;
	bool		 silences;	/* Alertmanager's silences, not alerts */
	int		 related;	/* the related request's index; -1: events */
};

/* A new request of v's, on its list (send it with text_send). */
static struct text_req *
text_req_new(struct view *v)
{
	struct text_view *tv = v->data;
	struct text_req *req = xcalloc(1, sizeof *req);

	req->v = v;
	req->next = tv->reqs;
	tv->reqs = req;
	return req;
}

/* An answered request leaves its view's list; its view. */
static struct view *
text_req_done(struct text_req *req)
{
	struct text_view *tv = req->v->data;
	struct text_req **pp;

	for (pp = &tv->reqs; *pp != NULL; pp = &(*pp)->next) {
		if (*pp == req) {
			*pp = req->next;
			break;
		}
	}
	return req->v;
}

/* The events list or a related request answered. */
static void
text_list_done(const struct client_response *resp, void *arg)
{
	struct text_req *req = arg;
	struct view *v = text_req_done(req);
	struct text_view *tv;
	json_t *ans;

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
		req = text_req_new(v);
		req->related = (int)i;
		req->call = client_request(v->ui->client, tv->cluster, "GET", path, NULL, NULL,
		    text_list_done, req);
		free(path);
	}
	path = describe_events_path(obj);
	if (path == NULL) {
		tv->events_error = xstrdup("the object has no name");
		return;
	}
	tv->events_loading = true;
	req = text_req_new(v);
	req->related = -1;
	req->call = client_request(v->ui->client, tv->cluster, "GET", path, NULL, NULL,
	    text_list_done, req);
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
		out = ydoc_emit_json(obj, &cause);
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
	struct view *v = text_req_done(req);
	struct text_view *tv;
	json_t *list = NULL, *found;
	json_error_t jerr;
	char *err, *line;

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
	json_decref(list);
	free(req);
}

/* The object arrived: render it. */
static void
text_done(const struct client_response *resp, void *arg)
{
	struct text_req *req = arg;
	struct view *v = text_req_done(req);
	struct text_view *tv;
	json_t *obj = NULL;
	json_error_t jerr;
	char *err;

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
	json_decref(obj);
	free(req);
}

static int
text_init(struct view *v, char **cause)
{
	struct text_view *tv = xcalloc(1, sizeof *tv);

	tv->pager = pager_new(200000);
	v->data = tv;
	return 0;
}

static void
text_free(struct view *v)
{
	struct text_view *tv = v->data;
	struct text_req *req;

	if (tv == NULL)
		return;
	while ((req = tv->reqs) != NULL) {
		tv->reqs = req->next;
		client_call_cancel(v->ui->client, req->call);
		free(req);
	}
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

	pager_draw(tv->pager, win, y, h, w, v->ui->wrap, v->ui->ellipsis);
}

static int
text_key(struct view *v, int key)
{
	struct text_view *tv = v->data;

	if (key == 'w') {
		v->ui->wrap = !v->ui->wrap;
		return VIEW_HANDLED;
	}
	return pager_key(tv->pager, key) ? VIEW_HANDLED : VIEW_UNHANDLED;
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
			req = text_req_new(v);
			req->silences = i == 1;
			req->call = client_am_request(ui->client, cluster, "GET",
			    i == 1 ? "/api/v2/silences" : "/api/v2/alerts", NULL, NULL,
			    text_am_done, req);
		}
		return 0;
	}
	path = actions_path(res->resource, res->namespaced ? ns : NULL, name);
	req = text_req_new(v);
	req->call = client_request(ui->client, cluster, "GET", path, NULL, NULL, text_done, req);
	free(path);
	return 0;
}
