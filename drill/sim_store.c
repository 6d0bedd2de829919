/* The object store of one simulated cluster: objects per resource in
 * namespace/name order, a uid index, a monotonic resourceVersion and a
 * bounded history of watch events.
 * Every object is kept as its jansson tree (what the controllers and the
 * API read and write), its compact JSON (what lists and watches send) and
 * its selector view (what selectors read). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "opsdeck/loop.h"
#include "opsdeck/map.h"
#include "opsdeck/names.h"
#include "opsdeck/sim.h"
#include "opsdeck/xmalloc.h"
#include "sim_store.h"
#include "drill.h"

/* One stored object and its cached serialisation. */
struct sim_entry {
	char		*ns;		/* "" for cluster-scoped */
	char		*name;
	json_t		*obj;
	char		*json;		/* compact JSON as of the last change */
	size_t		 len;
	json_t		*view;		/* selector view as of the last change */
};

/* The objects of one resource. */
struct sim_rstore {
	struct sim_entry	**v;
	size_t			 n;
	size_t			 cap;
	struct map		*uids;		/* uid -> entry */
};

/* A pending graceful deletion. */
struct sim_pending {
	const struct kind		*res;
	char				*ns;
	char				*name;
	char				*uid;
	double				 due;
};

/* Objects and watch history of one cluster. */
struct sim_store {
	struct sim_cluster	*cluster;
	uint64_t		 rv;
	struct sim_rstore	*r;		/* one per kind: nkinds */
	struct sim_event	*ring;		/* grows to ring_max on use */
	size_t			 ring_cap;
	size_t			 ring_max;
	size_t			 ring_head;	/* index of the oldest */
	size_t			 ring_len;
	uint64_t		 dropped_rv;	/* newest rv dropped from history */
	size_t			 ring_bytes;	/* of the lines kept */
	size_t			 ring_bytes_max;
	double			 ring_fresh;	/* seconds an event is kept */
	struct sim_pending	*pending;
	size_t			 npending;
	uint64_t		 rand;
	struct map		*interned;	/* JSON -> shared view part */
	size_t			 ninterned;	/* after the last prune */
};

/* Index of res in the kind table. */
static size_t
store_index(const struct kind *res)
{
	return (size_t)(res - kinds);
}

/* A pseudo-random 64-bit number (xorshift*). */
static uint64_t
store_random(struct sim_store *s)
{
	s->rand ^= s->rand >> 12;
	s->rand ^= s->rand << 25;
	s->rand ^= s->rand >> 27;
	return s->rand * 2685821657736338717ULL;
}

/* Create an empty store for cluster c. */
struct sim_store *
sim_store_new(struct sim_cluster *c)
{
	struct sim_store	*s;
	struct timespec		 ts;
	FILE			*f;
	size_t			 i;

	s = xcalloc(1, sizeof *s);
	s->cluster = c;
	s->r = xcalloc(nkinds, sizeof *s->r);
	for (i = 0; i < nkinds; i++)
		s->r[i].uids = map_new();
	s->ring_max = SIM_HISTORY_MAX;
	s->ring_bytes_max = SIM_HISTORY_BYTES;
	s->ring_fresh = SIM_HISTORY_FRESH;
	s->interned = map_new();
	s->rv = 1;
	clock_gettime(CLOCK_REALTIME, &ts);
	s->rand = ((uint64_t)ts.tv_sec << 20) ^ (uint64_t)ts.tv_nsec ^ (uintptr_t)s;
	f = fopen("/dev/urandom", "rb");
	if (f != NULL) {
		uint64_t r;

		if (fread(&r, sizeof r, 1, f) == 1)
			s->rand ^= r;
		fclose(f);
	}
	if (s->rand == 0)
		s->rand = 0x9e3779b97f4a7c15ULL;
	return s;
}

/* Free one history event. */
static void
event_clear(struct sim_event *ev)
{
	free(ev->ns);
	free(ev->name);
	free(ev->line);
	json_decref(ev->object);
	json_decref(ev->prev_object);
	memset(ev, 0, sizeof *ev);
}

/* Drop all history and size it for max events. */
void
sim_store_set_history(struct sim_store *s, size_t max)
{
	size_t	i;

	for (i = 0; i < s->ring_len; i++)
		event_clear(&s->ring[(s->ring_head + i) % s->ring_cap]);
	free(s->ring);
	s->ring = NULL;
	s->ring_cap = 0;
	s->ring_max = max > 0 ? max : 1;
	s->ring_head = s->ring_len = 0;
	s->ring_bytes = 0;
	s->dropped_rv = s->rv;
}

/* Restart the random numbers from seed (never 0: xorshift stays at 0). */
void
sim_store_seed(struct sim_cluster *c, uint64_t seed)
{
	c->store->rand = seed != 0 ? seed : 0x9e3779b97f4a7c15ULL;
}

/* Keep at most max bytes of event lines in the history (tests). */
void
sim_store_set_history_bytes(struct sim_store *s, size_t max)
{
	s->ring_bytes_max = max;
}

/* Keep events for seconds (tests). */
void
sim_store_set_history_fresh(struct sim_store *s, double seconds)
{
	s->ring_fresh = seconds;
}

/* Free one entry. */
static void
entry_free(struct sim_entry *e)
{
	free(e->ns);
	free(e->name);
	free(e->json);
	json_decref(e->view);
	json_decref(e->obj);
	free(e);
}

/* Free an interned part (map value). */
static void
intern_free(void *v)
{
	json_decref(v);
}

/* Free a store and everything in it. */
void
sim_store_free(struct sim_store *s)
{
	size_t	i, j;

	if (s == NULL)
		return;
	for (i = 0; i < nkinds; i++) {
		for (j = 0; j < s->r[i].n; j++)
			entry_free(s->r[i].v[j]);
		free(s->r[i].v);
		map_free(s->r[i].uids, NULL);
	}
	free(s->r);
	for (i = 0; i < s->ring_len; i++)
		event_clear(&s->ring[(s->ring_head + i) % s->ring_cap]);
	free(s->ring);
	map_free(s->interned, intern_free);
	for (i = 0; i < s->npending; i++) {
		free(s->pending[i].ns);
		free(s->pending[i].name);
		free(s->pending[i].uid);
	}
	free(s->pending);
	free(s);
}

/* Compare (ns, name) keys. */
static int
key_cmp(const char *ns1, const char *n1, const char *ns2, const char *n2)
{
	int	r;

	r = strcmp(ns1, ns2);
	if (r != 0)
		return r;
	return strcmp(n1, n2);
}

/* Binary search: index of (ns, name) or where it would be inserted. */
static size_t
rstore_find(struct sim_rstore *r, const char *ns, const char *name, int *found)
{
	size_t	lo = 0, hi = r->n, mid;
	int	c;

	*found = 0;
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		c = key_cmp(r->v[mid]->ns, r->v[mid]->name, ns, name);
		if (c == 0) {
			*found = 1;
			return mid;
		}
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* First index with namespace ns (or r->n). */
static size_t
rstore_ns_start(struct sim_rstore *r, const char *ns)
{
	size_t	lo = 0, hi = r->n, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (strcmp(r->v[mid]->ns, ns) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* A string member of obj's metadata, or "". */
static const char *
meta_str(json_t *obj, const char *key)
{
	const char	*s;

	s = json_string_value(json_object_get(json_object_get(obj, "metadata"), key));
	return s != NULL ? s : "";
}

/* The metadata object of obj, created if missing. */
static json_t *
meta_of(json_t *obj)
{
	json_t	*m;

	m = json_object_get(obj, "metadata");
	if (!json_is_object(m)) {
		m = json_object();
		json_object_set_new(obj, "metadata", m);
	}
	return m;
}

/* Format unix seconds as RFC 3339 UTC. */
void
sim_rfc3339(int64_t t, char *buf, size_t len)
{
	time_t		tt = (time_t)t;
	struct tm	tm;

	gmtime_r(&tt, &tm);
	strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* "pods" or "deployments.apps". */
void
sim_resource_qualified(const struct kind *res, char *buf, size_t len)
{
	if (*res->group == '\0')
		snprintf(buf, len, "%s", res->resource);
	else
		snprintf(buf, len, "%s.%s", res->resource, res->group);
}

/* "v1" or "apps/v1". */
void
sim_resource_api_version(const struct kind *res, char *buf, size_t len)
{
	if (*res->group == '\0')
		snprintf(buf, len, "%s", res->version);
	else
		snprintf(buf, len, "%s/%s", res->group, res->version);
}

/* Set kind and apiVersion of obj from res. */
static void
set_type_meta(const struct kind *res, json_t *obj)
{
	char	av[128];

	sim_resource_api_version(res, av, sizeof av);
	json_object_set_new(obj, "apiVersion", json_string(av));
	json_object_set_new(obj, "kind", json_string(res->kind));
}

/* Copy the member at a two-level path (a.b) of src into dst, if present. */
static void
view_copy2(json_t *dst, json_t *src, const char *a, const char *b)
{
	json_t	*x, *sub;

	x = json_object_get(json_object_get(src, a), b);
	if (x == NULL)
		return;
	sub = json_object_get(dst, a);
	if (sub == NULL) {
		sub = json_object();
		json_object_set_new(dst, a, sub);
	}
	json_object_set_new(sub, b, json_is_object(x) || json_is_array(x) ?
	    json_deep_copy(x) : json_incref(x));
}

/* Drop an interned part nothing else holds. */
static int
intern_prune(const char *key, void *val, void *arg)
{
	(void)key;
	(void)arg;
	if (((json_t *)val)->refcount > 1)
		return 0;
	json_decref(val);
	return 1;
}

/* The one shared copy of a view part equal to v (stolen): views of pods
 * of one ReplicaSet have the same labels, those on one node the same spec
 * fields. Views are never changed in place, so they can share. */
static json_t *
store_intern(struct sim_store *s, json_t *v)
{
	json_t	*have;
	char	*key;

	key = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
	if (key == NULL)
		return v;
	have = map_get(s->interned, key);
	if (have != NULL) {
		json_decref(v);
		v = json_incref(have);
	} else {
		if (map_count(s->interned) >= 2 * s->ninterned + 1024) {
			map_sweep(s->interned, intern_prune, NULL);
			s->ninterned = map_count(s->interned);
		}
		map_put(s->interned, key, json_incref(v));
	}
	free(key);
	return v;
}

/* The fields selectors read from obj (field_supported in api.c, labels):
 * what watch filtering and list selection see. Scalars are shared with obj,
 * never changed in place; parts are interned. */
static json_t *
selector_view(struct sim_store *s, json_t *obj)
{
	static const char *const paths[][2] = {
		{ "metadata", "labels" },
		{ "spec", "nodeName" }, { "spec", "restartPolicy" },
		{ "spec", "schedulerName" }, { "spec", "serviceAccountName" },
		{ "spec", "unschedulable" },
		{ "status", "phase" }, { "status", "podIP" },
		{ "status", "nominatedNodeName" },
		{ "source", "component" },
	};
	json_t	*v, *m, *x;
	size_t	 i;

	v = json_object();
	m = json_object();
	json_object_set_new(m, "name", json_string(meta_str(obj, "name")));
	json_object_set_new(m, "namespace", json_string(meta_str(obj, "namespace")));
	json_object_set_new(v, "metadata", m);
	for (i = 0; i < sizeof paths / sizeof paths[0]; i++)
		view_copy2(v, obj, paths[i][0], paths[i][1]);
	x = json_object_get(obj, "involvedObject");
	if (json_is_object(x))
		json_object_set_new(v, "involvedObject", json_deep_copy(x));
	x = json_object_get(obj, "reason");
	if (json_is_string(x))
		json_object_set(v, "reason", x);
	x = json_object_get(obj, "type");
	if (json_is_string(x))
		json_object_set(v, "type", x);
	x = json_object_get(obj, "reportingComponent");
	if (json_is_string(x))
		json_object_set(v, "reportingComponent", x);
	x = json_object_get(m, "labels");
	if (x != NULL)
		json_object_set_new(m, "labels", store_intern(s, json_incref(x)));
	/* (a pod's status part holds its IP: not worth sharing) */
	for (i = 0; i < 2; i++) {
		static const char *const parts[] = { "spec", "involvedObject" };

		x = json_object_get(v, parts[i]);
		if (x != NULL)
			json_object_set_new(v, parts[i], store_intern(s, json_incref(x)));
	}
	return v;
}

/* Make room for one more event (ring_len < ring_max): double the ring, the
 * oldest event first. A store that sees few changes (a quiet cluster, a
 * test, a fuzz input) never allocates the whole history. */
static void
ring_grow(struct sim_store *s)
{
	struct sim_event	*v;
	size_t			 cap, i;

	cap = s->ring_cap > 0 ? s->ring_cap * 2 : 16;
	if (cap > s->ring_max)
		cap = s->ring_max;
	v = xcalloc(cap, sizeof *v);
	for (i = 0; i < s->ring_len; i++)
		v[i] = s->ring[(s->ring_head + i) % s->ring_cap];
	free(s->ring);
	s->ring = v;
	s->ring_cap = cap;
	s->ring_head = 0;
}

/* Record a change in history; json is obj's serialisation (borrowed). */
static void
store_record(struct sim_store *s, const struct kind *res, const char *type,
    json_t *obj, const char *json, json_t *view, json_t *prev)
{
	struct sim_event	*ev;
	char			*line;
	size_t			 len;
	double			 now = loop_now();

	line = xasprintf("{\"type\":\"%s\",\"object\":%s}", type, json);
	len = strlen(line);
	/* Drop the oldest past the count or the bytes the history keeps, and
	 * those no longer fresh beyond the newest SIM_HISTORY_MIN. */
	while (s->ring_len > 0 && (s->ring_len == s->ring_max ||
	    s->ring_bytes + len > s->ring_bytes_max ||
	    (s->ring_len >= SIM_HISTORY_MIN &&
	    now - s->ring[s->ring_head].at > s->ring_fresh))) {
		ev = &s->ring[s->ring_head];
		s->dropped_rv = ev->rv;
		s->ring_bytes -= strlen(ev->line);
		event_clear(ev);
		s->ring_head = (s->ring_head + 1) % s->ring_cap;
		s->ring_len--;
	}
	if (s->ring_len == s->ring_cap)
		ring_grow(s);
	ev = &s->ring[(s->ring_head + s->ring_len) % s->ring_cap];
	s->ring_len++;
	s->ring_bytes += len;
	ev->rv = s->rv;
	ev->at = now;
	ev->res = res;
	snprintf(ev->type, sizeof ev->type, "%s", type);
	ev->ns = xstrdup(meta_str(obj, "namespace"));
	ev->name = xstrdup(meta_str(obj, "name"));
	ev->line = line;
	ev->object = json_incref(view);
	ev->prev_object = prev;
	pthread_cond_broadcast(&s->cluster->sim->changed);
}

/* Serialise obj compactly (new string). */
static char *
store_dump(json_t *obj, size_t *len)
{
	char	*s;

	s = json_dumps(obj, JSON_COMPACT);
	if (s == NULL)
		s = xstrdup("{}");
	*len = strlen(s);
	return s;
}

/* Bump the resourceVersion, stamp it on obj, refresh the entry's cache and
 * record the event. */
static void
store_changed(struct sim_store *s, const struct kind *res, struct sim_entry *e,
    const char *type)
{
	json_t	*prev;
	char	 buf[32];

	s->rv++;
	snprintf(buf, sizeof buf, "%llu", (unsigned long long)s->rv);
	json_object_set_new(meta_of(e->obj), "resourceVersion", json_string(buf));
	free(e->json);
	e->json = store_dump(e->obj, &e->len);
	prev = e->view;
	e->view = selector_view(s, e->obj);
	store_record(s, res, type, e->obj, e->json, e->view, prev);
}

/* Make a v4-style uid. */
static char *
store_uid(struct sim_store *s)
{
	uint64_t	a = store_random(s), b = store_random(s);

	return xasprintf("%08x-%04x-4%03x-%04x-%012llx", (unsigned)(a >> 32),
	    (unsigned)(a >> 16) & 0xffff, (unsigned)a & 0xfff,
	    (unsigned)(0x8000 | ((b >> 48) & 0x3fff)),
	    (unsigned long long)(b & 0xffffffffffffULL));
}

/* The stored object, or NULL. */
json_t *
sim_obj_get(struct sim_cluster *c, const struct kind *res, const char *ns,
    const char *name)
{
	struct sim_rstore	*r = &c->store->r[store_index(res)];
	size_t			 i;
	int			 found;

	if (!res->namespaced || ns == NULL)
		ns = "";
	i = rstore_find(r, ns, name, &found);
	return found ? r->v[i]->obj : NULL;
}

/* The stored object with uid, or NULL. */
json_t *
sim_obj_get_uid(struct sim_cluster *c, const struct kind *res, const char *uid)
{
	struct sim_entry	*e;

	e = uid != NULL ? map_get(c->store->r[store_index(res)].uids, uid) : NULL;
	return e != NULL ? e->obj : NULL;
}

/* The cached serialisation of a stored object. */
const char *
sim_obj_json(struct sim_cluster *c, const struct kind *res, json_t *obj)
{
	struct sim_rstore	*r = &c->store->r[store_index(res)];
	const char		*ns = res->namespaced ? meta_str(obj, "namespace") : "";
	size_t			 i;
	int			 found;

	i = rstore_find(r, ns, meta_str(obj, "name"), &found);
	if (!found || r->v[i]->obj != obj)
		return NULL;
	return r->v[i]->json;
}

/* Call cb with each entry of res (ns NULL: all) in order, starting after
 * (after_ns, after_name) if after_name is not NULL; stop when cb returns
 * non-zero. */
static void
store_foreach(struct sim_cluster *c, const struct kind *res, const char *ns,
    const char *after_ns, const char *after_name,
    int (*cb)(struct sim_cluster *, struct sim_entry *, void *), void *arg)
{
	struct sim_rstore	*r = &c->store->r[store_index(res)];
	size_t			 i;
	int			 found;

	if (!res->namespaced && ns != NULL)
		ns = NULL;
	if (after_name != NULL) {
		i = rstore_find(r, after_ns != NULL ? after_ns : "", after_name, &found);
		if (found)
			i++;
	} else if (ns != NULL)
		i = rstore_ns_start(r, ns);
	else
		i = 0;
	for (; i < r->n; i++) {
		if (ns != NULL && strcmp(r->v[i]->ns, ns) != 0) {
			if (strcmp(r->v[i]->ns, ns) > 0)
				break;
			continue;
		}
		if (cb(c, r->v[i], arg) != 0)
			break;
	}
}

/* What the two iterations below call. */
struct foreach_arg {
	int	(*cb)(json_t *, void *);
	int	(*json_cb)(json_t *, const char *, size_t, void *);
	void	*arg;
};

/* An entry's tree and JSON. */
static int
foreach_json_one(struct sim_cluster *c, struct sim_entry *e, void *arg)
{
	struct foreach_arg	*fa = arg;

	(void)c;
	return fa->json_cb(e->obj, e->json, e->len, fa->arg);
}

/* Iterate with serialisations, optionally starting after a key. */
void
sim_obj_foreach_json(struct sim_cluster *c, const struct kind *res, const char *ns,
    const char *after_ns, const char *after_name,
    int (*cb)(json_t *, const char *, size_t, void *), void *arg)
{
	struct foreach_arg	fa = { NULL, cb, arg };

	store_foreach(c, res, ns, after_ns, after_name, foreach_json_one, &fa);
}

/* An entry's tree. */
static int
foreach_one(struct sim_cluster *c, struct sim_entry *e, void *arg)
{
	struct foreach_arg	*fa = arg;

	(void)c;
	return fa->cb(e->obj, fa->arg);
}

/* Call cb for each object of res in order. */
void
sim_obj_foreach(struct sim_cluster *c, const struct kind *res, const char *ns,
    int (*cb)(json_t *, void *), void *arg)
{
	struct foreach_arg	fa = { cb, NULL, arg };

	store_foreach(c, res, ns, NULL, NULL, foreach_one, &fa);
}

/* The i-th object of res in namespace/name order, or NULL. */
json_t *
sim_obj_at(struct sim_cluster *c, const struct kind *res, size_t i)
{
	struct sim_rstore	*r = &c->store->r[store_index(res)];

	return i < r->n ? r->v[i]->obj : NULL;
}

/* Number of objects of res (ns NULL: all). */
size_t
sim_obj_count(struct sim_cluster *c, const struct kind *res, const char *ns)
{
	struct sim_rstore	*r = &c->store->r[store_index(res)];
	size_t			 i, n = 0;

	if (ns == NULL || !res->namespaced)
		return r->n;
	for (i = rstore_ns_start(r, ns); i < r->n && strcmp(r->v[i]->ns, ns) == 0; i++)
		n++;
	return n;
}

/* Create obj (stolen). */
int
sim_obj_create(struct sim_cluster *c, const struct kind *res, const char *ns,
    json_t *obj, json_t **out, char **cause)
{
	struct sim_store	*s = c->store;
	struct sim_rstore	*r = &s->r[store_index(res)];
	struct sim_entry	*e;
	json_t			*m;
	const char		*name, *gen, *objns;
	char			*newname = NULL, *uid, ts[40], q[160];
	size_t			 i;
	int			 found, tries, rc = 0;

	if (out != NULL)
		*out = NULL;
	if (!json_is_object(obj)) {
		*cause = xstrdup("object is not a JSON object");
		rc = 400;
		goto out;
	}
	m = meta_of(obj);
	set_type_meta(res, obj);
	drill_defaults(res, obj);
	if (res->namespaced) {
		objns = json_string_value(json_object_get(m, "namespace"));
		if (objns == NULL || *objns == '\0') {
			if (ns == NULL || *ns == '\0')
				ns = "default";
			json_object_set_new(m, "namespace", json_string(ns));
		}
		ns = json_string_value(json_object_get(m, "namespace"));
	} else {
		json_object_del(m, "namespace");
		ns = "";
	}
	name = json_string_value(json_object_get(m, "name"));
	gen = json_string_value(json_object_get(m, "generateName"));
	if ((name == NULL || *name == '\0') && gen != NULL && *gen != '\0') {
		for (tries = 0; tries < 16; tries++) {
			char		sfx[6];

			name_suffix(store_random(s), sfx);
			free(newname);
			/* the API server's: a prefix of at most 58 bytes */
			newname = xasprintf("%.58s%s", gen, sfx);
			rstore_find(r, ns, newname, &found);
			if (!found)
				break;
		}
		json_object_set_new(m, "name", json_string(newname));
		name = json_string_value(json_object_get(m, "name"));
	}
	if (name == NULL || *name == '\0') {
		*cause = xstrdup("metadata.name: Required value: name or generateName is "
		    "required");
		rc = 422;
		goto out;
	}
	i = rstore_find(r, ns, name, &found);
	if (found) {
		sim_resource_qualified(res, q, sizeof q);
		*cause = xasprintf("%s \"%s\" already exists", q, name);
		rc = 409;
		goto out;
	}
	uid = store_uid(s);
	json_object_set_new(m, "uid", json_string(uid));
	free(uid);
	sim_rfc3339((int64_t)sim_wallclock(), ts, sizeof ts);
	if (!json_is_string(json_object_get(m, "creationTimestamp")))
		json_object_set_new(m, "creationTimestamp", json_string(ts));
	json_object_set_new(m, "generation", json_integer(1));
	json_object_del(m, "deletionTimestamp");
	json_object_del(m, "deletionGracePeriodSeconds");

	if (r->n == r->cap) {
		r->cap = r->cap == 0 ? 64 : r->cap * 2;
		r->v = xreallocarray(r->v, r->cap, sizeof *r->v);
	}
	memmove(&r->v[i + 1], &r->v[i], (r->n - i) * sizeof *r->v);
	r->n++;
	e = xcalloc(1, sizeof *e);
	r->v[i] = e;
	e->ns = xstrdup(ns);
	e->name = xstrdup(name);
	e->obj = obj;
	obj = NULL;
	map_put(r->uids, meta_str(e->obj, "uid"), e);
	store_changed(s, res, e, "ADDED");
	if (out != NULL)
		*out = e->obj;
out:
	free(newname);
	json_decref(obj);
	return rc;
}

/* Replace the stored object with obj (stolen). */
int
sim_obj_replace(struct sim_cluster *c, const struct kind *res, json_t *obj,
    json_t **out, char **cause)
{
	struct sim_store	*s = c->store;
	struct sim_rstore	*r = &s->r[store_index(res)];
	struct sim_entry	*e;
	json_t			*m, *om, *x;
	const char		*ns, *name, *rv;
	char			 q[160];
	size_t			 i;
	int			 found, rc = 0;
	json_int_t		 gen;

	if (out != NULL)
		*out = NULL;
	if (!json_is_object(obj)) {
		*cause = xstrdup("object is not a JSON object");
		rc = 400;
		goto out;
	}
	m = meta_of(obj);
	set_type_meta(res, obj);
	ns = res->namespaced ? meta_str(obj, "namespace") : "";
	name = meta_str(obj, "name");
	i = rstore_find(r, ns, name, &found);
	sim_resource_qualified(res, q, sizeof q);
	if (!found) {
		*cause = xasprintf("%s \"%s\" not found", q, name);
		rc = 404;
		goto out;
	}
	e = r->v[i];
	om = meta_of(e->obj);
	rv = json_string_value(json_object_get(m, "resourceVersion"));
	if (rv != NULL && *rv != '\0' &&
	    strcmp(rv, meta_str(e->obj, "resourceVersion")) != 0) {
		*cause = xasprintf("Operation cannot be fulfilled on %s \"%s\": the object "
		    "has been modified; please apply your changes to the latest version "
		    "and try again", q, name);
		rc = 409;
		goto out;
	}
	/* Fields the server owns. */
	json_object_set(m, "uid", json_object_get(om, "uid"));
	json_object_set(m, "creationTimestamp", json_object_get(om, "creationTimestamp"));
	if (!res->namespaced)
		json_object_del(m, "namespace");
	x = json_object_get(om, "deletionTimestamp");
	if (x != NULL) {
		json_object_set(m, "deletionTimestamp", x);
		x = json_object_get(om, "deletionGracePeriodSeconds");
		if (x != NULL)
			json_object_set(m, "deletionGracePeriodSeconds", x);
	}
	gen = json_integer_value(json_object_get(om, "generation"));
	if (gen <= 0)
		gen = 1;
	if (!json_equal(json_object_get(obj, "spec"), json_object_get(e->obj, "spec")) &&
	    (json_object_get(obj, "spec") != NULL || json_object_get(e->obj, "spec") != NULL))
		gen++;
	json_object_set_new(m, "generation", json_integer(gen));
	json_decref(e->obj);
	e->obj = obj;
	obj = NULL;
	store_changed(s, res, e, "MODIFIED");
	if (out != NULL)
		*out = e->obj;
out:
	json_decref(obj);
	return rc;
}

/* Record an in-place change of a stored object. */
void
sim_obj_modified(struct sim_cluster *c, const struct kind *res, json_t *obj,
    bool spec_changed)
{
	struct sim_rstore	*r = &c->store->r[store_index(res)];
	json_t			*m;
	const char		*ns;
	size_t			 i;
	int			 found;

	ns = res->namespaced ? meta_str(obj, "namespace") : "";
	i = rstore_find(r, ns, meta_str(obj, "name"), &found);
	if (!found || r->v[i]->obj != obj)
		return;
	if (spec_changed) {
		m = meta_of(obj);
		json_object_set_new(m, "generation",
		    json_integer(json_integer_value(json_object_get(m, "generation")) + 1));
	}
	set_type_meta(res, obj);
	store_changed(c->store, res, r->v[i], "MODIFIED");
}

/* Remove the entry at index i of resource res, emitting DELETED. */
static void
store_remove(struct sim_store *s, const struct kind *res, size_t i)
{
	struct sim_rstore	*r = &s->r[store_index(res)];
	struct sim_entry	*e = r->v[i];

	map_take(r->uids, meta_str(e->obj, "uid"));
	memmove(&r->v[i], &r->v[i + 1], (r->n - i - 1) * sizeof *r->v);
	r->n--;
	store_changed(s, res, e, "DELETED");
	entry_free(e);
}

/* Delete now. */
int
sim_obj_delete(struct sim_cluster *c, const struct kind *res, const char *ns,
    const char *name, char **cause)
{
	struct sim_rstore	*r = &c->store->r[store_index(res)];
	char			 q[160];
	size_t			 i;
	int			 found;

	if (!res->namespaced || ns == NULL)
		ns = "";
	i = rstore_find(r, ns, name, &found);
	if (!found) {
		sim_resource_qualified(res, q, sizeof q);
		*cause = xasprintf("%s \"%s\" not found", q, name);
		return 404;
	}
	store_remove(c->store, res, i);
	return 0;
}

/* Mark for deletion after a grace period. */
int
sim_obj_delete_graceful(struct sim_cluster *c, const struct kind *res,
    const char *ns, const char *name, int64_t grace, double due, char **cause)
{
	struct sim_store	*s = c->store;
	struct sim_pending	*p;
	json_t			*obj, *m;
	char			 ts[40], q[160];
	size_t			 i;

	obj = sim_obj_get(c, res, ns, name);
	if (obj == NULL) {
		sim_resource_qualified(res, q, sizeof q);
		*cause = xasprintf("%s \"%s\" not found", q, name);
		return 404;
	}
	if (grace <= 0)
		return sim_obj_delete(c, res, ns, name, cause);
	m = meta_of(obj);
	if (json_object_get(m, "deletionTimestamp") != NULL)
		return 0;	/* already terminating */
	sim_rfc3339((int64_t)sim_wallclock() + grace, ts, sizeof ts);
	json_object_set_new(m, "deletionTimestamp", json_string(ts));
	json_object_set_new(m, "deletionGracePeriodSeconds", json_integer(grace));
	sim_obj_modified(c, res, obj, false);
	for (i = 0; i < s->npending; i++) {
		if (s->pending[i].due > due)
			break;
	}
	s->pending = xreallocarray(s->pending, s->npending + 1, sizeof *s->pending);
	memmove(&s->pending[i + 1], &s->pending[i], (s->npending - i) * sizeof *s->pending);
	s->npending++;
	p = &s->pending[i];
	p->res = res;
	p->ns = xstrdup(res->namespaced && ns != NULL ? ns : "");
	p->name = xstrdup(name);
	p->uid = xstrdup(meta_str(obj, "uid"));
	p->due = due;
	return 0;
}

/* Delete every object whose graceful deletion is due. */
void
sim_store_reap(struct sim_cluster *c, double now)
{
	struct sim_store	*s = c->store;
	struct sim_pending	 p;
	json_t			*obj;
	char			*cause = NULL;

	while (s->npending > 0 && s->pending[0].due <= now) {
		p = s->pending[0];
		memmove(&s->pending[0], &s->pending[1], (s->npending - 1) * sizeof p);
		s->npending--;
		obj = sim_obj_get(c, p.res, p.ns, p.name);
		if (obj != NULL && strcmp(meta_str(obj, "uid"), p.uid) == 0) {
			sim_obj_delete(c, p.res, p.ns, p.name, &cause);
			free(cause);
			cause = NULL;
		}
		free(p.ns);
		free(p.name);
		free(p.uid);
	}
}

/* The cluster's current resourceVersion. */
uint64_t
sim_store_rv(struct sim_cluster *c)
{
	return c->store->rv;
}

/* Watches from below this resourceVersion are too old. */
uint64_t
sim_history_floor(struct sim_cluster *c)
{
	return c->store->dropped_rv;
}

/* Events with rv > since for res and ns. */
long
sim_history_since(struct sim_cluster *c, const struct kind *res, const char *ns,
    uint64_t since, const struct sim_event **out, size_t max)
{
	struct sim_store	*s = c->store;
	struct sim_event	*ev;
	size_t			 lo = 0, hi = s->ring_len, mid, n = 0;

	if (since < s->dropped_rv)
		return -1;
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (s->ring[(s->ring_head + mid) % s->ring_cap].rv <= since)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (; lo < s->ring_len && n < max; lo++) {
		ev = &s->ring[(s->ring_head + lo) % s->ring_cap];
		if (ev->res != res)
			continue;
		if (ns != NULL && res->namespaced && strcmp(ev->ns, ns) != 0)
			continue;
		out[n++] = ev;
	}
	return (long)n;
}
