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
	json_t		*obj;		/* describe: the object */
	json_t		*events;	/* describe: its events (array), or NULL */
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

#define TEXT_VALUE_COL	20	/* where describe's values start */

/* Append "Key:  value" (untrusted value) to the pager; the lines of a
 * multi-line value, and the wrapped parts of a long one, start under the
 * value (kubectl's layout). */
static void
text_kv(struct pager *p, int indent, const char *key, const char *value)
{
	int col = indent + (int)strlen(key) + 1 < TEXT_VALUE_COL ? TEXT_VALUE_COL :
	    indent + (int)strlen(key) + 2;
	char *line, *clean, *s, *nl;

	clean = sanitize_str(value != NULL ? value : "<none>", SAN_KEEP_NEWLINE);
	s = clean;
	nl = strchr(s, '\n');
	if (nl != NULL)
		*nl = '\0';
	line = xasprintf("%*s%s:%*s%s", indent, "", key,
	    col - indent - (int)strlen(key) - 1, "", s);
	pager_add_hanging(p, line, col);
	free(line);
	while (nl != NULL) {
		s = nl + 1;
		nl = strchr(s, '\n');
		if (nl != NULL)
			*nl = '\0';
		if (nl == NULL && *s == '\0')
			break;
		line = xasprintf("%*s%s", col, "", s);
		pager_add_hanging(p, line, col);
		free(line);
	}
	free(clean);
}

/* Append an untrusted value on a line of its own, indented by pad. */
static void
text_cont(struct pager *p, const char *pad, const char *value)
{
	char *clean = sanitize_str(value, 0), *line = xasprintf("%s%s", pad, clean);

	pager_add_hanging(p, line, (int)strlen(pad));
	free(line);
	free(clean);
}

/* Append a block of "k=v" (labels) or "k: v" (annotations) lines, the
 * first after "Key:", the rest under it; <none> when empty. */
static void
text_map(struct pager *p, const char *key, json_t *map, const char *sep, const char *skip)
{
	const char *k, *first = key;
	json_t *val;
	char *s, *pad;
	size_t n = 0;

	json_object_foreach(map, k, val) {
		if (skip != NULL && strcmp(k, skip) == 0)
			continue;
		s = xasprintf("%s%s%s", k, sep, json_is_string(val) ? json_string_value(val) : "");
		if (first != NULL)
			text_kv(p, 0, first, s);
		else {
			pad = xasprintf("%*s", TEXT_VALUE_COL, "");
			/* a continuation line: no key, value under the first */
			text_cont(p, pad, s);
			free(pad);
		}
		first = NULL;
		free(s);
		n++;
	}
	if (n == 0)
		text_kv(p, 0, key, "<none>");
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

/* One event as describe shows it. */
struct text_event {
	const char	*type;
	char		*reason;
	char		*age;
	char		*from;
	char		*message;
	int64_t		 last;
};

/* Compare events by when they were last seen, oldest first (kubectl). */
static int
text_event_cmp(const void *a, const void *b)
{
	const struct text_event *ea = a, *eb = b;

	if (ea->last != eb->last)
		return ea->last < eb->last ? -1 : 1;
	return 0;
}

/* Unix seconds of an event's time field, or 0. */
static int64_t
text_event_time(json_t *ev, const char *field)
{
	const char *s = json_string_value(json_object_get(ev, field));

	return s != NULL && *s != '\0' ? parse_rfc3339(s) : 0;
}

/* Pad s (sanitised) with spaces to width columns. */
static void
text_pad(char *buf, size_t len, const char *s, int width)
{
	int w = (int)display_width(s);
	size_t off = strlen(buf);

	snprintf(buf + off, len - off, "%s%*s", s, width > w ? width - w : 0, "");
}

/* The Events section, kubectl's table: Type, Reason, Age, From, Message,
 * oldest first; every field sanitised. */
static void
text_events(struct pager *p, json_t *items, int64_t now)
{
	struct text_event *evs;
	json_t *ev, *src;
	size_t i, n = 0;
	int64_t first, count;
	const char *comp, *host, *reason, *msg;
	char a1[32], a2[32], *line;
	int wt = 4, wr = 6, wa = 3, wf = 4, w;
	size_t len;

	if (json_array_size(items) == 0) {
		pager_add_line(p, "Events:             <none>", THEME_NORMAL);
		return;
	}
	evs = xcalloc(json_array_size(items), sizeof *evs);
	json_array_foreach(items, i, ev) {
		struct text_event *e = &evs[n++];

		first = text_event_time(ev, "firstTimestamp");
		if (first == 0)
			first = text_event_time(ev, "eventTime");
		e->last = text_event_time(ev, "lastTimestamp");
		if (e->last == 0)
			e->last = first;
		count = json_integer_value(json_object_get(ev, "count"));
		human_duration(e->last != 0 ? now - e->last : 0, a1, sizeof a1);
		human_duration(first != 0 ? now - first : 0, a2, sizeof a2);
		if (count > 1)
			e->age = xasprintf("%s (x%lld over %s)", a1, (long long)count, a2);
		else
			e->age = xstrdup(first != 0 ? a2 : "<unknown>");
		e->type = json_is_string(json_object_get(ev, "type")) ?
		    json_string_value(json_object_get(ev, "type")) : "";
		e->type = strcmp(e->type, "Warning") == 0 ? "Warning" :
		    strcmp(e->type, "Normal") == 0 ? "Normal" : "?";
		reason = json_string_value(json_object_get(ev, "reason"));
		e->reason = sanitize_str(reason != NULL ? reason : "", 0);
		src = json_object_get(ev, "source");
		comp = json_string_value(json_object_get(src, "component"));
		host = json_string_value(json_object_get(src, "host"));
		if (comp == NULL || *comp == '\0')
			comp = json_string_value(json_object_get(ev, "reportingComponent"));
		if (host == NULL || *host == '\0')
			host = json_string_value(json_object_get(ev, "reportingInstance"));
		if (comp == NULL)
			comp = "";
		line = host != NULL && *host != '\0' ? xasprintf("%s, %s", comp, host) :
		    xstrdup(comp);
		e->from = sanitize_str(line, 0);
		free(line);
		msg = json_string_value(json_object_get(ev, "message"));
		while (msg != NULL && (*msg == ' ' || *msg == '\n' || *msg == '\t'))
			msg++;
		e->message = sanitize_str(msg != NULL ? msg : "", 0);
		len = strlen(e->message);
		while (len > 0 && e->message[len - 1] == ' ')
			e->message[--len] = '\0';
	}
	qsort(evs, n, sizeof *evs, text_event_cmp);
	for (i = 0; i < n; i++) {
		w = (int)display_width(evs[i].type);
		wt = w > wt ? w : wt;
		w = (int)display_width(evs[i].reason);
		wr = w > wr ? w : wr;
		w = (int)display_width(evs[i].age);
		wa = w > wa ? w : wa;
		w = (int)display_width(evs[i].from);
		wf = w > wf ? w : wf;
	}
	pager_add_line(p, "Events:", THEME_NORMAL);
	for (i = 0; i < n + 2; i++) {
		static const char *head[5] = { "Type", "Reason", "Age", "From", "Message" };
		static const char *rule[5] = { "----", "------", "----", "----", "-------" };
		char buf[4096] = "  ";
		const char *c[5];

		if (i < 2)
			memcpy(c, i == 0 ? head : rule, sizeof c);
		else {
			c[0] = evs[i - 2].type;
			c[1] = evs[i - 2].reason;
			c[2] = evs[i - 2].age;
			c[3] = evs[i - 2].from;
			c[4] = evs[i - 2].message;
		}
		text_pad(buf, sizeof buf, c[0], wt + 2);
		text_pad(buf, sizeof buf, c[1], wr + 2);
		text_pad(buf, sizeof buf, c[2], wa + 2);
		text_pad(buf, sizeof buf, c[3], wf + 2);
		text_pad(buf, sizeof buf, c[4], 0);
		pager_add_hanging(p, buf, 2 + wt + wr + wa + wf + 8);
		if (i >= 2 && strcmp(evs[i - 2].type, "Warning") == 0)
			pager_set_last_slot(p, THEME_WARN);
	}
	for (i = 0; i < n; i++) {
		free(evs[i].reason);
		free(evs[i].age);
		free(evs[i].from);
		free(evs[i].message);
	}
	free(evs);
}

/* Describe obj into the pager. */
static void
text_describe(struct view *v, struct pager *p, json_t *obj, size_t cluster)
{
	struct text_view *tv = v->data;
	json_t *md = json_object_get(obj, "metadata"), *sec;
	const char *k, *kind = json_string_value(json_object_get(obj, "kind"));
	json_t *val;
	char *s;
	size_t i;

	text_kv(p, 0, "Name", json_string_value(json_object_get(md, "name")));
	if (json_object_get(md, "namespace") != NULL)
		text_kv(p, 0, "Namespace", json_string_value(json_object_get(md, "namespace")));
	text_kv(p, 0, "Kind", kind);
	text_kv(p, 0, "Cluster", store_cluster(v->ui->store, cluster)->name);
	text_kv(p, 0, "Created", json_string_value(json_object_get(md, "creationTimestamp")));
	text_map(p, "Labels", json_object_get(md, "labels"), "=", NULL);
	text_map(p, "Annotations", json_object_get(md, "annotations"), ": ",
	    "kubectl.kubernetes.io/last-applied-configuration");
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
	/* events about it, fetched when the view opened */
	pager_add_line(p, "", THEME_NORMAL);
	if (tv->events_loading)
		pager_add_line(p, "Events:             (loading)", THEME_DIM);
	else if (tv->events_error != NULL) {
		pager_add_line(p, "Events:", THEME_NORMAL);
		s = xasprintf("  could not list events: %s", tv->events_error);
		pager_add_line(p, s, THEME_ERROR);
		free(s);
	} else
		text_events(p, tv->events, time(NULL));
}

/* Render the view's describe text again (the object or its events came). */
static void
text_render(struct view *v)
{
	struct text_view *tv = v->data;
	size_t top = pager_get_top(tv->pager);

	pager_clear(tv->pager);
	text_describe(v, tv->pager, tv->obj, tv->cluster);
	pager_set_top(tv->pager, top);
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

/* Append s to buf percent-encoded for a query value. */
static void
text_query_escape(char *buf, size_t len, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t off = strlen(buf);
	unsigned char c;

	for (; *s != '\0' && off + 4 < len; s++) {
		c = (unsigned char)*s;
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		    c == '-' || c == '.' || c == '_' || c == '~')
			buf[off++] = (char)c;
		else {
			buf[off++] = '%';
			buf[off++] = hex[c >> 4];
			buf[off++] = hex[c & 15];
		}
	}
	buf[off] = '\0';
}

/* The events list arrived. */
static void
text_events_done(const struct client_response *resp, void *arg)
{
	struct text_req *req = arg;
	struct view *v = text_find(req->id);
	struct text_view *tv;
	json_t *list = NULL;
	json_error_t jerr;
	char *err;

	if (v == NULL)
		goto out;
	tv = v->data;
	tv->events_loading = false;
	if (resp->error != NULL || resp->status / 100 != 2) {
		err = client_response_error(resp);
		tv->events_error = sanitize_str(err, 0);
		free(err);
	} else {
		list = json_loadb(resp->body, resp->len, 0, &jerr);
		if (!json_is_array(json_object_get(list, "items")))
			tv->events_error = xstrdup("the server sent malformed JSON");
		else
			tv->events = json_incref(json_object_get(list, "items"));
	}
	if (tv->obj != NULL)
		text_render(v);
	ui_dirty(v->ui);
out:
	json_decref(list);
	free(req);
}

/* Ask for the events about obj, as kubectl describe does: by the involved
 * object's name, namespace and uid. */
static void
text_events_fetch(struct view *v, json_t *obj)
{
	struct text_view *tv = v->data;
	json_t *md = json_object_get(obj, "metadata");
	const char *name = json_string_value(json_object_get(md, "name"));
	const char *ns = json_string_value(json_object_get(md, "namespace"));
	const char *uid = json_string_value(json_object_get(md, "uid"));
	const char *kind = json_string_value(json_object_get(obj, "kind"));
	struct text_req *req;
	char q[4096] = "", e[512] = "", *sel, *path;

	if (name == NULL) {
		tv->events_error = xstrdup("the object has no name");
		return;
	}
	/* a node's events carry the node's name as their uid (the kubelet's
	 * way) or its real uid: ask by kind and name instead */
	if (kind != NULL && strcmp(kind, "Node") == 0)
		uid = NULL;
	sel = xasprintf("involvedObject.name=%s%s%s%s%s%s", name,
	    kind != NULL && strcmp(kind, "Node") == 0 ? ",involvedObject.kind=Node" : "",
	    ns != NULL && *ns != '\0' ? ",involvedObject.namespace=" : "",
	    ns != NULL && *ns != '\0' ? ns : "",
	    uid != NULL && *uid != '\0' ? ",involvedObject.uid=" : "",
	    uid != NULL && *uid != '\0' ? uid : "");
	text_query_escape(q, sizeof q, sel);
	free(sel);
	if (ns != NULL && *ns != '\0') {
		text_query_escape(e, sizeof e, ns);
		path = xasprintf("/api/v1/namespaces/%s/events?fieldSelector=%s", e, q);
	} else
		path = xasprintf("/api/v1/events?fieldSelector=%s", q);
	tv->events_loading = true;
	req = xcalloc(1, sizeof *req);
	req->id = tv->id;
	req->cluster = tv->cluster;
	client_request(v->ui->client, tv->cluster, "GET", path, NULL, NULL, text_events_done,
	    req);
	free(path);
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
	} else {
		tv->obj = json_incref(obj);
		text_events_fetch(v, obj);
		text_render(v);
	}
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
    const char *ns, const char *name, char **cause)
{
	const struct kind *res = kind_find(resource);
	struct text_view *tv;
	struct text_req *req;
	struct view *v;
	char *path;

	if (res == NULL || res->source == KIND_ALERTMANAGER) {
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
