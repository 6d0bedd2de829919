/* YAML and describe views: the object is fetched on demand from its
 * cluster (client_request), rendered (YAML through libyaml's emitter, or a
 * readable describe summary), sanitised and shown in a pager. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <jansson.h>
#include <yaml.h>

#include "opsdeck/client.h"
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

/* Append "Key:  value" (untrusted value) to the pager. */
static void
text_kv(struct pager *p, int indent, const char *key, const char *value)
{
	char *line = xasprintf("%*s%s:%*s%s", indent, "", key,
	    (int)(indent + strlen(key) < 20 ? 20 - indent - strlen(key) : 1), "",
	    value != NULL ? value : "<none>");

	pager_add(p, line, strlen(line));
	free(line);
}

/* Describe a JSON subtree as indented "Key: value" lines. */
static void
text_tree(struct pager *p, json_t *v, int indent, int depth)
{
	const char *k;
	json_t *item;
	size_t i;
	char *s, num[64];

	if (depth > 12)
		return;
	json_object_foreach(v, k, item) {
		if (strcmp(k, "managedFields") == 0)
			continue;
		if (json_is_object(item)) {
			text_kv(p, indent, k, "");
			text_tree(p, item, indent + 2, depth + 1);
		} else if (json_is_array(item)) {
			text_kv(p, indent, k, json_array_size(item) == 0 ? "<none>" : "");
			for (i = 0; i < json_array_size(item); i++) {
				json_t *e = json_array_get(item, i);

				if (json_is_object(e)) {
					snprintf(num, sizeof num, "[%zu]", i);
					text_kv(p, indent + 2, num, "");
					text_tree(p, e, indent + 4, depth + 1);
				} else {
					s = json_dumps(e, JSON_ENCODE_ANY);
					text_kv(p, indent + 2, "-", s);
					free(s);
				}
			}
		} else if (json_is_string(item))
			text_kv(p, indent, k, json_string_value(item));
		else {
			s = json_dumps(item, JSON_ENCODE_ANY);
			text_kv(p, indent, k, s);
			free(s);
		}
	}
}

/* Events about an object from the store (Object column "kind/name"). */
struct text_events {
	struct pager	*p;
	const char	*object;	/* "pod/x" */
	int64_t		 now;
	int		 n;
};

/* Store walk: add event lines that are about the object. */
static int
text_event_cb(size_t cluster, const struct row *r, void *arg)
{
	struct text_events *te = arg;
	char line[1024], age[64];
	size_t i;
	bool match = false;

	for (i = 0; i < r->ncells; i++) {
		if (r->cells[i].text != NULL && strcasecmp(r->cells[i].text, te->object) == 0)
			match = true;
	}
	if (!match || te->n >= 50)
		return 0;
	line[0] = '\0';
	for (i = 0; i < r->ncells; i++) {
		cell_format(&r->cells[i], te->now, age, sizeof age);
		if (strlen(line) + strlen(age) + 3 < sizeof line) {
			strcat(line, "  ");
			strcat(line, age);
		}
	}
	pager_add_line(te->p, line, (r->flags & (ROW_WARN | ROW_BAD)) ? THEME_WARN : THEME_NORMAL);
	te->n++;
	return 0;
}

/* Describe obj into the pager. */
static void
text_describe(struct view *v, struct pager *p, json_t *obj, size_t cluster)
{
	struct text_events te;
	json_t *md = json_object_get(obj, "metadata"), *sec;
	const char *k, *kind = json_string_value(json_object_get(obj, "kind"));
	json_t *val;
	char *s, lower[64];
	size_t i;

	text_kv(p, 0, "Name", json_string_value(json_object_get(md, "name")));
	if (json_object_get(md, "namespace") != NULL)
		text_kv(p, 0, "Namespace", json_string_value(json_object_get(md, "namespace")));
	text_kv(p, 0, "Kind", kind);
	text_kv(p, 0, "Cluster", store_cluster(v->ui->store, cluster)->name);
	text_kv(p, 0, "Created", json_string_value(json_object_get(md, "creationTimestamp")));
	text_kv(p, 0, "Labels", json_object_size(json_object_get(md, "labels")) == 0 ? "<none>" : "");
	json_object_foreach(json_object_get(md, "labels"), k, val) {
		s = xasprintf("%s=%s", k, json_string_value(val) ? json_string_value(val) : "");
		text_kv(p, 2, "-", s);
		free(s);
	}
	text_kv(p, 0, "Annotations",
	    json_object_size(json_object_get(md, "annotations")) == 0 ? "<none>" : "");
	json_object_foreach(json_object_get(md, "annotations"), k, val) {
		if (strcmp(k, "kubectl.kubernetes.io/last-applied-configuration") == 0)
			continue;
		s = xasprintf("%s: %s", k, json_string_value(val) ? json_string_value(val) : "");
		text_kv(p, 2, "-", s);
		free(s);
	}
	for (i = 0; i < json_array_size(json_object_get(md, "ownerReferences")); i++) {
		val = json_array_get(json_object_get(md, "ownerReferences"), i);
		s = xasprintf("%s/%s", json_string_value(json_object_get(val, "kind")) ?
		    json_string_value(json_object_get(val, "kind")) : "?",
		    json_string_value(json_object_get(val, "name")) ?
		    json_string_value(json_object_get(val, "name")) : "?");
		text_kv(p, 0, "Controlled By", s);
		free(s);
	}
	json_object_foreach(obj, k, sec) {
		if (strcmp(k, "metadata") == 0 || strcmp(k, "kind") == 0 ||
		    strcmp(k, "apiVersion") == 0)
			continue;
		pager_add_line(p, "", THEME_NORMAL);
		if (json_is_object(sec)) {
			s = xasprintf("%c%s:", k[0] >= 'a' && k[0] <= 'z' ? k[0] - 'a' + 'A' : k[0], k + 1);
			pager_add(p, s, strlen(s));
			free(s);
			text_tree(p, sec, 2, 0);
		} else {
			s = json_dumps(sec, JSON_ENCODE_ANY);
			text_kv(p, 0, k, s);
			free(s);
		}
	}
	/* events about it, from the store */
	if (kind != NULL) {
		for (i = 0; kind[i] != '\0' && i < sizeof lower - 1; i++)
			lower[i] = (char)(kind[i] >= 'A' && kind[i] <= 'Z' ? kind[i] + 32 : kind[i]);
		lower[i] = '\0';
		te.p = p;
		s = xasprintf("%s/%s", lower, json_string_value(json_object_get(md, "name")) ?
		    json_string_value(json_object_get(md, "name")) : "");
		te.object = s;
		te.now = time(NULL);
		te.n = 0;
		pager_add_line(p, "", THEME_NORMAL);
		pager_add_line(p, "Events:", THEME_SECTION);
		store_foreach(v->ui->store, cluster, "events",
		    json_string_value(json_object_get(md, "namespace")), text_event_cb, &te);
		if (te.n == 0)
			pager_add_line(p, "  <none>", THEME_DIM);
		free(s);
	}
}

/* A fetch request in flight. */
struct text_req {
	unsigned	 id;
	size_t		 cluster;
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

/* The object arrived: render it. */
static void
text_done(const struct client_response *resp, void *arg)
{
	struct text_req *req = arg;
	struct view *v = text_find(req->id);
	struct text_view *tv;
	json_t *obj = NULL;
	json_error_t jerr;
	char *out, *cause = NULL, *err;

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
	if (strcmp(tv->what, "yaml") == 0) {
		out = text_yaml(obj, &cause);
		if (out == NULL) {
			pager_add_line(tv->pager, cause, THEME_ERROR);
			free(cause);
		} else {
			pager_add(tv->pager, out, strlen(out));
			free(out);
		}
	} else
		text_describe(v, tv->pager, obj, req->cluster);
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

const struct view_class view_text_class = {
	.name = "text",
	.init = text_init,
	.free = text_free,
	.draw = text_draw,
	.key = text_key,
	.title = text_title,
	.search = text_search,
};

/* Open yaml/describe for one object. */
int
view_text_open(struct ui *ui, const char *what, size_t cluster, const char *resource,
    const char *ns, const char *name, char **cause)
{
	const struct client_resource *res = client_resource_find(resource);
	struct text_view *tv;
	struct text_req *req;
	struct view *v;
	char *path;

	if (res == NULL || res->alertmanager) {
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
	snprintf(tv->title, sizeof tv->title, "%s %s/%s%s%s @%s", what, resource,
	    res->namespaced && ns != NULL && *ns != '\0' ? ns : "",
	    res->namespaced && ns != NULL && *ns != '\0' ? "/" : "", name,
	    store_cluster(ui->store, cluster)->name);
	pager_add_line(tv->pager, "loading…", THEME_DIM);
	tv->loading = true;
	if (*res->group == '\0')
		path = res->namespaced ? xasprintf("/api/%s/namespaces/%s/%s/%s", res->version, ns,
		    res->resource, name) : xasprintf("/api/%s/%s/%s", res->version, res->resource, name);
	else
		path = res->namespaced ? xasprintf("/apis/%s/%s/namespaces/%s/%s/%s", res->group,
		    res->version, ns, res->resource, name) :
		    xasprintf("/apis/%s/%s/%s/%s", res->group, res->version, res->resource, name);
	req = xcalloc(1, sizeof *req);
	req->id = tv->id;
	req->cluster = cluster;
	client_request(ui->client, cluster, "GET", path, NULL, NULL, text_done, req);
	free(path);
	return 0;
}
