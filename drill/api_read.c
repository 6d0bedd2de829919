/* The drill API's reads: label and field selectors, Table output, lists
 * (paged, with continue tokens), watches from the store's history, and
 * metrics.k8s.io. */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <gnutls/gnutls.h>

#include "opsdeck/buf.h"
#include "opsdeck/json_util.h"
#include "opsdeck/printers.h"
#include "opsdeck/xmalloc.h"
#include "drill.h"
#include "api_int.h"
#include "sim_store.h"

/* Free a selector. */
void
selector_free(struct selector *s)
{
	size_t	i;

	label_selector_free(s->l);
	for (i = 0; i < s->nf; i++) {
		free(s->f[i].key);
		free(s->f[i].val);
	}
	free(s->f);
	memset(s, 0, sizeof *s);
}

/* Parse a label selector. Returns 0 or -1 with *cause. */
static int
parse_label_selector(const char *s, struct selector *sel, char **cause)
{
	char	*why = NULL;

	if (s == NULL)
		return 0;
	sel->l = label_selector_parse(s, &why);
	if (sel->l == NULL) {
		*cause = xasprintf("unable to parse requirement: %s", why);
		free(why);
		return -1;
	}
	return 0;
}

/* Field keys selectable on every resource and per kind. */
static int
field_supported(const struct kind *res, const char *key)
{
	static const char *pod_keys[] = { "spec.nodeName", "status.phase", "spec.restartPolicy",
	    "spec.schedulerName", "spec.serviceAccountName", "status.podIP",
	    "status.nominatedNodeName", NULL };
	static const char *event_keys[] = { "involvedObject.kind", "involvedObject.namespace",
	    "involvedObject.name", "involvedObject.uid", "involvedObject.apiVersion",
	    "involvedObject.resourceVersion", "involvedObject.fieldPath", "reason", "type",
	    "source", "reportingComponent", NULL };
	const char	**k = NULL;

	if (strcmp(key, "metadata.name") == 0 || strcmp(key, "metadata.namespace") == 0)
		return 1;
	if (strcmp(res->resource, "pods") == 0)
		k = pod_keys;
	else if (strcmp(res->resource, "events") == 0)
		k = event_keys;
	else if (strcmp(res->resource, "nodes") == 0 && strcmp(key, "spec.unschedulable") == 0)
		return 1;
	for (; k != NULL && *k != NULL; k++) {
		if (strcmp(*k, key) == 0)
			return 1;
	}
	return 0;
}

/* Parse a field selector for res. Returns 0, or an HTTP code with *cause. */
static int
parse_field_selector(const struct kind *res, const char *s, struct selector *sel,
    char **cause)
{
	const char	*p = s, *end, *op;
	struct freq	*f;
	size_t		 len;

	if (s == NULL || *s == '\0')
		return 0;
	while (*p != '\0') {
		end = strchr(p, ',');
		len = end != NULL ? (size_t)(end - p) : strlen(p);
		if (sel->nf >= 32) {
			*cause = xstrdup("too many requirements in field selector");
			return 400;
		}
		op = memchr(p, '=', len);
		if (op == NULL) {
			*cause = xasprintf("invalid selector: '%s'; can't understand '%.*s'", s,
			    (int)len, p);
			return 400;
		}
		sel->f = xreallocarray(sel->f, sel->nf + 1, sizeof *sel->f);
		f = &sel->f[sel->nf++];
		f->neq = op > p && op[-1] == '!';
		f->key = xstrndup(p, (size_t)(op - p) - (f->neq ? 1 : 0));
		if (op + 1 < p + len && op[1] == '=')
			op++;
		f->val = xstrndup(op + 1, (size_t)(p + len - op - 1));
		if (!field_supported(res, f->key)) {
			*cause = xasprintf("field label not supported: %s", f->key);
			return 400;
		}
		p += len;
		if (*p == ',')
			p++;
	}
	return 0;
}

/* Does obj match the selector? */
int
selector_match(const struct selector *sel, json_t *obj)
{
	const char	*v;
	size_t		 i;

	if (sel->l != NULL && !label_selector_match(sel->l,
	    json_object_get(json_object_get(obj, "metadata"), "labels")))
		return 0;
	for (i = 0; i < sel->nf; i++) {
		v = field_value(obj, sel->f[i].key);
		if ((strcmp(v, sel->f[i].val) == 0) == sel->f[i].neq)
			return 0;
	}
	return 1;
}

/* The columns of res's Tables on c into *p: a custom resource's from the
 * CustomResourceDefinition c serves for it, as a real API server builds
 * them; else the printer's. Lock held. Returns what to printer_free(). */
static struct printer *
table_printer(struct sim_cluster *c, const struct kind *res, const struct printer **p)
{
	const struct kind	*crd_kind;
	struct printer		*own = NULL;
	json_t			*crd;
	char			*name;

	if (sim_kind_custom(res)) {
		crd_kind = kind_find_api("apiextensions.k8s.io", "customresourcedefinitions");
		name = xasprintf("%s.%s", res->resource, res->group);
		crd = sim_obj_get(c, crd_kind, NULL, name);
		free(name);
		if (crd != NULL)
			own = printer_from_crd(crd, res->version);
	}
	*p = own != NULL ? own : printer_find_table(res->resource);
	return own;
}

/* Table column definitions in p's columns. */
static json_t *
table_columns(const struct printer *p)
{
	json_t			*cols;
	size_t			 i;

	cols = json_array();
	for (i = 0; i < p->ncolumns; i++) {
		json_array_append_new(cols, json_pack("{s:s,s:s,s:s,s:s,s:i}",
		    "name", p->columns[i].name, "type", p->columns[i].type,
		    "format", p->columns[i].format != NULL ? p->columns[i].format : "",
		    "description", p->columns[i].description != NULL ?
		    p->columns[i].description : "",
		    "priority", p->columns[i].priority));
	}
	return cols;
}

/* How a Table row carries its object. */
enum include_object { INCLUDE_METADATA, INCLUDE_OBJECT, INCLUDE_NONE };

/* One Table row for obj. */
static json_t *
table_row(const struct printer *p, json_t *obj, enum include_object inc)
{
	struct printed		 out;
	json_t			*cells, *row, *meta;
	int64_t			 now = (int64_t)sim_wallclock();
	size_t			 i;

	cells = json_array();
	printer_print(p, obj, now, &out);
	for (i = 0; i < out.ncells; i++)
		json_array_append_new(cells, cell_json(&out.cells[i], now));
	printed_free(&out);
	row = json_pack("{s:o}", "cells", cells);
	if (inc == INCLUDE_OBJECT)
		json_object_set(row, "object", obj);
	else if (inc == INCLUDE_METADATA) {
		meta = json_deep_copy(json_object_get(obj, "metadata"));
		json_object_del(meta, "managedFields");
		json_object_set_new(row, "object", json_pack("{s:s,s:s,s:o}", "kind",
		    "PartialObjectMetadata", "apiVersion", "meta.k8s.io/v1", "metadata",
		    meta != NULL ? meta : json_object()));
	}
	return row;
}

/* Does the Accept header ask for a Table? */
static int
wants_table(const char *accept)
{
	return accept != NULL && strstr(accept, "as=Table") != NULL;
}

/* State of a list being built. */
struct list_ctx {
	struct selector		*sel;
	struct buf		*b;
	const struct kind *res;
	int			 table;
	enum include_object	 inc;
	json_t			*rows;
	long			 limit;		/* 0: none */
	long			 count;
	long			 matched_after;	/* items left after the page */
	char			*last_ns;
	char			*last_name;
	int			 full;
	int			 strip_type;	/* items without apiVersion, kind */
};

/* The end of the JSON value that starts at p (compact JSON, as the store
 * writes it), or NULL if it does not end before end. */
static const char *
json_value_end(const char *p, const char *end)
{
	int	depth = 0, instr = 0;

	for (; p < end; p++) {
		if (instr) {
			if (*p == '\\')
				p++;
			else if (*p == '"')
				instr = 0;
			if (!instr && depth == 0)
				return p + 1;
			continue;
		}
		switch (*p) {
		case '"':
			instr = 1;
			break;
		case '{':
		case '[':
			depth++;
			break;
		case '}':
		case ']':
			if (--depth == 0)
				return p + 1;
			if (depth < 0)
				return p;
			break;
		case ',':
			if (depth == 0)
				return p;
			break;
		default:
			break;
		}
	}
	return depth == 0 && p <= end ? p : NULL;
}

/* Append the object json (compact) to b without its top-level apiVersion
 * and kind: a real API server's list of a built-in kind leaves them out of
 * the items (a custom resource's keep theirs). */
static void
buf_item(struct buf *b, const char *json, size_t len)
{
	const char	*p = json, *end = json + len, *k, *v;
	size_t		 start = b->len;
	int		 first = 1;

	if (len < 2 || *p != '{') {
		buf_add(b, json, len);
		return;
	}
	buf_add(b, "{", 1);
	p++;
	while (p < end && *p == '"') {
		k = p;
		v = json_value_end(k, end);		/* the key */
		if (v == NULL || v >= end || *v != ':')
			goto whole;
		v = json_value_end(v + 1, end);		/* its value */
		if (v == NULL || v > end)
			goto whole;
		if (!((size_t)(v - k) > 12 && strncmp(k, "\"apiVersion\":", 13) == 0) &&
		    !((size_t)(v - k) > 6 && strncmp(k, "\"kind\":", 7) == 0)) {
			if (!first)
				buf_add(b, ",", 1);
			buf_add(b, k, (size_t)(v - k));
			first = 0;
		}
		p = v;
		if (p < end && *p == ',')
			p++;
	}
	buf_add(b, "}", 1);
	return;
whole:
	/* not the shape expected: the object as it is */
	b->len = start;
	buf_add(b, json, len);
}

/* Add one object to a list. */
static int
list_cb(json_t *obj, const char *json, size_t len, void *arg)
{
	struct list_ctx	*lc = arg;

	if (!selector_match(lc->sel, obj))
		return 0;
	if (lc->full) {
		lc->matched_after++;
		return 0;
	}
	if (lc->table) {
		/* Rows are built after the lock is released, from a copy. */
		json_array_append_new(lc->rows, json != NULL ? json_stringn(json, len) :
		    json_incref(obj));
	} else {
		if (lc->count > 0)
			buf_add(lc->b, ",", 1);
		if (json != NULL && lc->strip_type)
			buf_item(lc->b, json, len);
		else if (json != NULL)
			buf_add(lc->b, json, len);
		else if (lc->strip_type) {
			char	*dump = json_dumps(obj, JSON_COMPACT);

			if (dump != NULL)
				buf_item(lc->b, dump, strlen(dump));
			free(dump);
		} else
			buf_json(lc->b, obj);
	}
	lc->count++;
	if (lc->limit > 0 && lc->count >= lc->limit) {
		free(lc->last_ns);
		free(lc->last_name);
		lc->last_ns = xstrdup(field_value(obj, "metadata.namespace"));
		lc->last_name = xstrdup(field_value(obj, "metadata.name"));
		lc->full = 1;
	}
	return 0;
}

/* Decode a continue token; 0 ok. */
static int
continue_decode(const char *tok, uint64_t *rv, char **ns, char **name)
{
	gnutls_datum_t	 in, out;
	json_t		*v;
	int		 rc = -1;

	in.data = (unsigned char *)(uintptr_t)tok;
	in.size = (unsigned)strlen(tok);
	if (gnutls_base64_decode2(&in, &out) != 0)
		return -1;
	v = json_loadb((char *)out.data, out.size, 0, NULL);
	gnutls_free(out.data);
	if (json_is_integer(json_object_get(v, "rv")) &&
	    json_is_string(json_object_get(v, "ns")) &&
	    json_is_string(json_object_get(v, "name"))) {
		*rv = (uint64_t)json_integer_value(json_object_get(v, "rv"));
		*ns = xstrdup(json_string_value(json_object_get(v, "ns")));
		*name = xstrdup(json_string_value(json_object_get(v, "name")));
		rc = 0;
	}
	json_decref(v);
	return rc;
}

/* LIST. */
static void
api_list(struct drill_req *req, struct drill_resp *resp, struct target *t,
    struct selector *sel)
{
	struct sim_cluster	*c = req->cluster;
	struct list_ctx		 lc;
	struct buf		 b = { 0 };
	const char		*lim, *cont, *rvarg, *inc;
	char			*cns = NULL, *cname = NULL, *tok, av[128], rvs[32], *enc;
	uint64_t		 rv;
	json_t			*meta, *table;
	const struct printer	*tp = NULL;
	struct printer		*own = NULL;

	memset(&lc, 0, sizeof lc);
	lc.sel = sel;
	lc.b = &b;
	lc.res = t->res;
	lc.table = wants_table(req->accept);
	lc.strip_type = !sim_kind_custom(t->res);
	inc = req->arg(req, "includeObject");
	lc.inc = INCLUDE_METADATA;
	if (inc != NULL && strcmp(inc, "Object") == 0)
		lc.inc = INCLUDE_OBJECT;
	else if (inc != NULL && strcmp(inc, "None") == 0)
		lc.inc = INCLUDE_NONE;
	lim = req->arg(req, "limit");
	if (lim != NULL)
		lc.limit = strtol(lim, NULL, 10);
	if (lc.limit < 0)
		lc.limit = 0;
	cont = req->arg(req, "continue");
	rvarg = req->arg(req, "resourceVersion");
	if (cont != NULL && *cont != '\0' && rvarg != NULL && *rvarg != '\0' &&
	    strcmp(rvarg, "0") != 0) {
		drill_api_status(resp, 400, "BadRequest", "specifying resource version is not "
		    "allowed when using continue", NULL, NULL);
		return;
	}
	sim_lock(c->sim);
	rv = sim_store_rv(c);
	if (cont != NULL && *cont != '\0') {
		if (continue_decode(cont, &rv, &cns, &cname) != 0) {
			sim_unlock(c->sim);
			drill_api_status(resp, 400, "BadRequest", "continue key is not valid: "
			    "illegal base64 data", NULL, NULL);
			return;
		}
		if (rv < sim_history_floor(c))
			rv = sim_store_rv(c);
	}
	if (lc.table) {
		lc.rows = json_array();
		own = table_printer(c, t->res, &tp);
	} else {
		sim_resource_api_version(t->res, av, sizeof av);
		buf_str(&b, "{\"kind\":\"");
		buf_str(&b, t->res->kind);
		buf_str(&b, "List\",\"apiVersion\":\"");
		buf_str(&b, av);
		buf_str(&b, "\",\"metadata\":");
		/* metadata is patched in below via a placeholder-free layout */
	}
	{
		struct buf items = { 0 };

		lc.b = &items;
		sim_obj_foreach_json(c, t->res, t->ns, cname != NULL ? cns : NULL, cname,
		    list_cb, &lc);
		snprintf(rvs, sizeof rvs, "%llu", (unsigned long long)rv);
		meta = json_pack("{s:s}", "resourceVersion", rvs);
		if (lc.full && lc.matched_after > 0) {
			json_t *ct = json_pack("{s:I,s:s,s:s}", "rv", (json_int_t)rv, "ns",
			    lc.last_ns, "name", lc.last_name);

			tok = json_dumps(ct, JSON_COMPACT);
			enc = drill_base64(tok, strlen(tok));
			json_object_set_new(meta, "continue", json_string(enc));
			json_object_set_new(meta, "remainingItemCount",
			    json_integer(lc.matched_after));
			free(enc);
			free(tok);
			json_decref(ct);
		}
		sim_unlock(c->sim);
		if (lc.table) {
			json_t	*rows = json_array(), *copy, *it;
			size_t	 k;

			json_array_foreach(lc.rows, k, it) {
				copy = json_is_string(it) ? json_loadb(json_string_value(it),
				    json_string_length(it), 0, NULL) : NULL;
				if (copy == NULL)
					continue;
				json_array_append_new(rows, table_row(tp, copy, lc.inc));
				json_decref(copy);
			}
			json_decref(lc.rows);
			lc.rows = rows;
			table = json_pack("{s:s,s:s,s:o,s:o,s:o}", "kind", "Table", "apiVersion",
			    "meta.k8s.io/v1", "metadata", meta, "columnDefinitions",
			    table_columns(tp), "rows", lc.rows);
			resp_json(resp, 200, table);
			printer_free(own);
		} else {
			buf_json(&b, meta);
			json_decref(meta);
			buf_str(&b, ",\"items\":[");
			if (items.p != NULL)
				buf_add(&b, items.p, items.len);
			buf_str(&b, "]}");
			resp_buf(resp, 200, &b, "application/json");
		}
		buf_free(&items);
	}
	free(lc.last_ns);
	free(lc.last_name);
	free(cns);
	free(cname);
}

/* A running watch. */
struct watch {
	struct sim_cluster		*c;
	const struct kind		*res;
	char				*ns;
	struct selector			 sel;
	uint64_t			 since;
	int				 table;
	int				 table_headers_sent;
	int				 bookmarks;
	double				 deadline;
	double				 next_bookmark;
	struct buf			 out;		/* pending bytes */
	size_t				 off;
	int				 ending;	/* end once out is drained */
};

/* Append an event line for a watch (Table-converted if asked). */
static void
watch_emit(struct watch *w, const char *type, json_t *obj, const char *line)
{
	json_t			*ev, *table;
	const struct printer	*tp;
	struct printer		*own;

	if (!w->table) {
		if (line == NULL)
			return;
		buf_str(&w->out, line);
		buf_add(&w->out, "\n", 1);
		return;
	}
	own = table_printer(w->c, w->res, &tp);
	table = json_pack("{s:s,s:s,s:{s:s},s:o,s:[o]}", "kind", "Table", "apiVersion",
	    "meta.k8s.io/v1", "metadata", "resourceVersion",
	    field_value(obj, "metadata.resourceVersion"), "columnDefinitions",
	    w->table_headers_sent ? json_array() : table_columns(tp), "rows",
	    table_row(tp, obj, INCLUDE_METADATA));
	printer_free(own);
	w->table_headers_sent = 1;
	ev = json_pack("{s:s,s:o}", "type", type, "object", table);
	buf_json(&w->out, ev);
	buf_add(&w->out, "\n", 1);
	json_decref(ev);
}

/* Append the 410 Expired ERROR event and end. */
static void
watch_expired(struct watch *w, uint64_t asked)
{
	char	*msg;
	json_t	*ev;

	msg = xasprintf("too old resource version: %llu (%llu)", (unsigned long long)asked,
	    (unsigned long long)(sim_history_floor(w->c) + 1));
	ev = json_pack("{s:s,s:o}", "type", "ERROR", "object",
	    status_object(410, "Expired", msg, NULL, NULL, NULL));
	buf_json(&w->out, ev);
	buf_add(&w->out, "\n", 1);
	json_decref(ev);
	free(msg);
	w->ending = 1;
}

/* Append a BOOKMARK event. */
static void
watch_bookmark(struct watch *w, int initial_end)
{
	char	 av[128], rvs[32];
	json_t	*meta, *ev;

	sim_resource_api_version(w->res, av, sizeof av);
	snprintf(rvs, sizeof rvs, "%llu", (unsigned long long)w->since);
	meta = json_pack("{s:s}", "resourceVersion", rvs);
	if (initial_end)
		json_object_set_new(meta, "annotations", json_pack("{s:s}",
		    "k8s.io/initial-events-end", "true"));
	ev = json_pack("{s:s,s:{s:s,s:s,s:o}}", "type", "BOOKMARK", "object", "kind",
	    w->res->kind, "apiVersion", av, "metadata", meta);
	buf_json(&w->out, ev);
	buf_add(&w->out, "\n", 1);
	json_decref(ev);
}

/* Synthetic ADDED for a current object. */
static int
watch_initial_cb(json_t *obj, const char *json, size_t len, void *arg)
{
	struct watch	*w = arg;

	if (!selector_match(&w->sel, obj))
		return 0;
	if (w->table)
		watch_emit(w, "ADDED", obj, NULL);
	else {
		buf_str(&w->out, "{\"type\":\"ADDED\",\"object\":");
		buf_add(&w->out, json, len);
		buf_str(&w->out, "}\n");
	}
	return 0;
}

/* The event type a watch with a selector sends for ev, or NULL for none:
 * objects entering the selection are ADDED, leaving it DELETED. */
static const char *
watch_type(struct watch *w, const struct sim_event *ev)
{
	int	now, before;

	now = selector_match(&w->sel, ev->object);
	if (strcmp(ev->type, "MODIFIED") != 0 || ev->prev_object == NULL)
		return now ? ev->type : NULL;
	before = selector_match(&w->sel, ev->prev_object);
	if (now && before)
		return "MODIFIED";
	if (now)
		return "ADDED";
	if (before)
		return "DELETED";
	return NULL;
}

/* Collect new history events into w->out. Lock held. */
static void
watch_collect(struct watch *w)
{
	const struct sim_event	*evs[256];
	json_t			*full, *obj;
	const char		*type, *line;
	long			 n, i;

	for (;;) {
		n = sim_history_since(w->c, w->res, w->ns, w->since, evs, 256);
		if (n < 0) {
			watch_expired(w, w->since);
			return;
		}
		for (i = 0; i < n; i++) {
			type = watch_type(w, evs[i]);
			if (type != NULL && w->table) {
				full = json_loads(evs[i]->line, 0, NULL);
				obj = json_object_get(full, "object");
				if (obj != NULL)
					watch_emit(w, type, obj, NULL);
				json_decref(full);
			} else if (type != NULL && strcmp(type, evs[i]->type) == 0)
				watch_emit(w, type, NULL, evs[i]->line);
			else if (type != NULL) {
				/* Same object, another event type. */
				line = strstr(evs[i]->line, ",\"object\":");
				if (line != NULL) {
					buf_str(&w->out, "{\"type\":\"");
					buf_str(&w->out, type);
					buf_str(&w->out, "\"");
					buf_str(&w->out, line);
					buf_add(&w->out, "\n", 1);
				}
			}
			w->since = evs[i]->rv;
		}
		if (n < 256) {
			w->since = sim_store_rv(w->c);
			return;
		}
	}
}

/* Produce watch output; blocks until something is ready. */
static long
watch_read(void *arg, char *dst, size_t max)
{
	struct watch	*w = arg;
	struct sim	*sim = w->c->sim;
	struct timespec	 ts;
	size_t		 n;
	double		 now;

	for (;;) {
		if (w->off < w->out.len) {
			n = w->out.len - w->off;
			if (n > max)
				n = max;
			memcpy(dst, w->out.p + w->off, n);
			w->off += n;
			if (w->off == w->out.len)
				w->off = w->out.len = 0;
			return (long)n;
		}
		if (w->ending)
			return -1;
		now = sim_wallclock();
		if (now >= w->deadline)
			return -1;
		sim_lock(sim);
		if (sim->stopping || w->c->reach != SIM_REACH_OK) {
			sim_unlock(sim);
			return -1;
		}
		watch_collect(w);
		if (w->out.len == 0 && !w->ending) {
			if (w->bookmarks && now >= w->next_bookmark) {
				watch_bookmark(w, 0);
				w->next_bookmark = now + 15;
			} else {
				clock_gettime(CLOCK_MONOTONIC, &ts);
				ts.tv_sec += 1;
				pthread_cond_timedwait(&sim->changed, &sim->lock, &ts);
				watch_collect(w);
			}
		}
		sim_unlock(sim);
	}
}

/* Free a watch. */
static void
watch_free(void *arg)
{
	struct watch	*w = arg;

	selector_free(&w->sel);
	free(w->ns);
	buf_free(&w->out);
	free(w);
}

/* WATCH: takes over sel. */
static void
api_watch(struct drill_req *req, struct drill_resp *resp, struct target *t,
    struct selector *sel)
{
	struct sim_cluster	*c = req->cluster;
	struct watch		*w;
	const char		*rvarg, *to, *sie;
	char			*end;
	uint64_t		 rv = 0;
	int			 initial, send_initial;
	double			 timeout = 1800;

	rvarg = req->arg(req, "resourceVersion");
	sie = req->arg(req, "sendInitialEvents");
	send_initial = arg_bool(req, "sendInitialEvents");
	if (send_initial && !arg_bool(req, "allowWatchBookmarks")) {
		drill_api_status(resp, 422, "Invalid", "sendInitialEvents: Forbidden: "
		    "sendInitialEvents requires setting allowWatchBookmarks to true", NULL, NULL);
		selector_free(sel);
		return;
	}
	initial = rvarg == NULL || *rvarg == '\0' || strcmp(rvarg, "0") == 0 || send_initial;
	if (sie != NULL && strcmp(sie, "false") == 0 && (rvarg == NULL || *rvarg == '\0'))
		initial = 0;
	if (rvarg != NULL && *rvarg != '\0') {
		rv = strtoull(rvarg, &end, 10);
		if (*end != '\0') {
			drill_api_status(resp, 400, "BadRequest", "invalid resource version",
			    NULL, NULL);
			selector_free(sel);
			return;
		}
	}
	to = req->arg(req, "timeoutSeconds");
	if (to != NULL && strtol(to, NULL, 10) > 0)
		timeout = (double)strtol(to, NULL, 10);
	w = xcalloc(1, sizeof *w);
	w->c = c;
	w->res = t->res;
	w->ns = t->ns != NULL ? xstrdup(t->ns) : NULL;
	w->sel = *sel;
	memset(sel, 0, sizeof *sel);
	w->table = wants_table(req->accept);
	w->bookmarks = arg_bool(req, "allowWatchBookmarks") && !w->table;
	w->deadline = sim_wallclock() + timeout;
	w->next_bookmark = sim_wallclock() + 15;

	sim_lock(c->sim);
	if (initial) {
		sim_obj_foreach_json(c, t->res, t->ns, NULL, NULL, watch_initial_cb, w);
		w->since = sim_store_rv(c);
		if (send_initial)
			watch_bookmark(w, 1);
	} else if (rv < sim_history_floor(c))
		watch_expired(w, rv);
	else
		w->since = rv;
	sim_unlock(c->sim);

	resp->status = 200;
	resp->content_type = "application/json";
	resp->stream = w;
	resp->stream_read = watch_read;
	resp->stream_free = watch_free;
}

/* A Table holding the one row of obj (kubectl get KIND NAME). Lock held. */
static json_t *
table_of_one(const struct kind *res, json_t *obj, struct drill_req *req)
{
	const char		*inc = req->arg(req, "includeObject");
	enum include_object	 mode = INCLUDE_METADATA;
	const struct printer	*tp;
	struct printer		*own = table_printer(req->cluster, res, &tp);
	json_t			*table;

	if (inc != NULL && strcmp(inc, "Object") == 0)
		mode = INCLUDE_OBJECT;
	else if (inc != NULL && strcmp(inc, "None") == 0)
		mode = INCLUDE_NONE;
	table = json_pack("{s:s,s:s,s:{s:s},s:o,s:[o]}", "kind", "Table", "apiVersion",
	    "meta.k8s.io/v1", "metadata", "resourceVersion",
	    field_value(obj, "metadata.resourceVersion"), "columnDefinitions",
	    table_columns(tp), "rows", table_row(tp, obj, mode));
	printer_free(own);
	return table;
}

/* GET of metrics.k8s.io: a PodMetrics or NodeMetrics, or their list. */
static void
api_metrics(struct drill_req *req, struct drill_resp *resp, struct target *t)
{
	json_t	*v;
	char	*cause = NULL, *msg;

	if (strcmp(t->verb, "get") != 0 && strcmp(t->verb, "list") != 0) {
		not_allowed(resp);
		return;
	}
	sim_lock(req->cluster->sim);
	v = sim_metrics(req->cluster, t->res, t->ns, t->name, req->arg(req, "labelSelector"),
	    &cause);
	sim_unlock(req->cluster->sim);
	if (cause != NULL) {
		drill_api_status(resp, 400, "BadRequest", cause, NULL, NULL);
		free(cause);
	} else if (v == NULL) {
		msg = xasprintf("%s.metrics.k8s.io \"%s\" not found",
		    strcmp(t->res->resource, "nodes") == 0 ? "nodemetrics" : "podmetrics",
		    t->name != NULL ? t->name : "");
		drill_api_status(resp, 404, "NotFound", msg, t->res->kind, t->name);
		free(msg);
	} else {
		resp_json(resp, 200, v);
	}
}

/* Parse the request's label and field selectors for t into sel; 0, or -1
 * once answered 400. */
int
target_selector(struct drill_req *req, struct drill_resp *resp, struct target *t,
    struct selector *sel)
{
	char	*cause = NULL;

	if (parse_label_selector(req->arg(req, "labelSelector"), sel, &cause) != 0 ||
	    parse_field_selector(t->res, req->arg(req, "fieldSelector"), sel, &cause) != 0) {
		drill_api_status(resp, 400, "BadRequest", cause, NULL, NULL);
		free(cause);
		return -1;
	}
	return 0;
}

/* Any verb on metrics.k8s.io. */
void
route_metrics(struct drill_req *req, struct drill_resp *resp, struct target *t, json_t *obj,
    int dry)
{
	api_metrics(req, resp, t);
}

/* list: the collection, selected. */
void
route_list(struct drill_req *req, struct drill_resp *resp, struct target *t, json_t *obj,
    int dry)
{
	struct selector	 sel;

	memset(&sel, 0, sizeof sel);
	if (target_selector(req, resp, t, &sel) == 0)
		api_list(req, resp, t, &sel);
	selector_free(&sel);
}

/* watch: the collection's changes, selected. */
void
route_watch(struct drill_req *req, struct drill_resp *resp, struct target *t, json_t *obj,
    int dry)
{
	struct selector	 sel;

	memset(&sel, 0, sizeof sel);
	if (target_selector(req, resp, t, &sel) != 0)
		;
	else if (req->arg(req, "resourceVersionMatch") != NULL &&
	    *req->arg(req, "resourceVersionMatch") != '\0' &&
	    req->arg(req, "sendInitialEvents") == NULL)
		invalid_field(resp, "meta.k8s.io", "ListOptions", NULL,
		    "resourceVersionMatch", "FieldValueForbidden", "Forbidden: "
		    "resourceVersionMatch is forbidden for watch unless "
		    "sendInitialEvents is provided");
	else
		api_watch(req, resp, t, &sel);
	selector_free(&sel);
}

/* get: the object (or its status or ephemeral containers), or its Table. */
void
route_get(struct drill_req *req, struct drill_resp *resp, struct target *t, json_t *obj,
    int dry)
{
	if (t->sub == NULL && wants_table(req->accept))
		resp_json(resp, 200, table_of_one(t->res, obj, req));
	else
		resp_object(resp, 200, obj);
}
