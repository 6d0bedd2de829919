/* The live store: per cluster and resource, a hash map of compact rows keyed
 * by uid (alerts: fingerprint; silences: id; else namespace/name), with
 * relist mark/sweep, per-resource versions and a lazily sorted view. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "opsdeck/json_util.h"
#include "opsdeck/kinds.h"
#include "opsdeck/loop.h"
#include "opsdeck/map.h"
#include "opsdeck/printers.h"
#include "opsdeck/sanitize.h"
#include "opsdeck/store.h"
#include "opsdeck/xmalloc.h"

/* All rows of one resource on one cluster. */
struct store_kind {
	char			*resource;
	size_t			 cluster;
	struct map		*rows;		/* key -> struct row */
	enum conn_state		 state;
	char			*reason;
	int			 synced;
	int			 relisting;
	size_t			 handed;	/* rows handed to the sink since the list began */
	uint64_t		 version;	/* bumped on every row change */
	struct row		**sorted;	/* cache, valid while sorted_version == version */
	size_t			 nsorted;
	uint64_t		 sorted_version;
	int			 sorted_valid;
};

/* A resource's change counter across clusters, and its latest changes. */
struct store_version {
	char			*resource;
	uint64_t		 version;
	struct store_change	*journal;	/* oldest first; rows held */
	size_t			 njournal;
	size_t			 ajournal;	/* room for this many (grows to
						 * STORE_JOURNAL_MAX) */
	size_t			 nheavy;	/* of them, rows replaced or removed */
	uint64_t		 lost;		/* seq of the newest change dropped */
};

/* The store. */
struct store {
	struct store_cluster	**clusters;
	size_t			 nclusters;
	struct store_kind	**kinds;
	size_t			 nkinds;
	struct store_version	*versions;
	size_t			 nversions;
	uint64_t		 generation;
	uint64_t		 counter;
	bool			 server_tables;	/* rows in the API server's columns */
	size_t			 max_rows;	/* per cluster; 0: no cap */
	double			 journal_age;	/* seconds a change is kept */
	store_sink_fn		 sink;		/* rows handed over, not kept */
	void			*sink_arg;
};

/* Names of connection states. */
const char *
conn_state_name(enum conn_state s)
{
	switch (s) {
	case CONN_CONNECTING:
		return "connecting";
	case CONN_LIVE:
		return "live";
	case CONN_STALE:
		return "stale";
	case CONN_UNAUTHORIZED:
		return "unauthorized";
	case CONN_FORBIDDEN:
		return "forbidden";
	case CONN_UNREACHABLE:
		return "unreachable";
	case CONN_TLS_ERROR:
		return "tls-error";
	case CONN_ERROR:
		return "error";
	}
	return "unknown";
}

/* A shared string: one copy for every row that holds the same text. */
struct shared_str {
	unsigned	 refs;
	char		 s[];
};

/* Shared strings by text: one pool for every store, as rows outlive the
 * store that made them while a view holds them. */
static struct map *shared_pool;

/* The shared copy of s (s is freed). */
static char *
share(char *s)
{
	struct shared_str *e;
	size_t len;

	if (s == NULL)
		return NULL;
	if (shared_pool == NULL)
		shared_pool = map_new();
	if ((e = map_get(shared_pool, s)) == NULL) {
		len = strlen(s);
		e = xmalloc(sizeof *e + len + 1);
		e->refs = 0;
		memcpy(e->s, s, len + 1);
		map_put(shared_pool, s, e);
	}
	e->refs++;
	free(s);
	return e->s;
}

/* Let go of a shared string. */
static void
unshare(char *s)
{
	struct shared_str *e;

	if (s == NULL)
		return;
	e = (struct shared_str *)(void *)(s - offsetof(struct shared_str, s));
	if (--e->refs > 0)
		return;
	map_take(shared_pool, s);
	free(e);
	if (map_count(shared_pool) == 0) {
		map_free(shared_pool, NULL);
		shared_pool = NULL;
	}
}

/* True if cells of column c of p repeat from row to row (not names or
 * addresses): worth one shared copy. */
static bool
column_repeats(const struct printer *p, size_t c)
{
	const char *name, *ip;

	if (p == NULL || c >= p->ncolumns || c >= 32)
		return false;
	name = p->columns[c].name;
	ip = strstr(name, "IP");
	return strcmp(p->columns[c].format, "name") != 0 && (ip == NULL || ip[2] != '\0');
}

/* Replace the row's repeated strings with shared copies. */
static void
row_share(struct row *r, const struct printer *p)
{
	size_t i;

	r->ns = share(r->ns);
	r->owner_kind = share(r->owner_kind);
	r->owner_name = share(r->owner_name);
	r->owner_uid = share(r->owner_uid);
	r->labels = share(r->labels);
	for (i = 0; i < r->ncells; i++) {
		if (r->cells[i].text != NULL && column_repeats(p, i)) {
			r->cells[i].text = share(r->cells[i].text);
			r->shared |= (uint32_t)1 << i;
		}
	}
}

/* Free a string a row holds, a shared copy or its own. */
static void
let_go(char *s, bool shared)
{
	if (shared)
		unshare(s);
	else
		free(s);
}

/* Free a row and everything it owns: its repeated strings are shared
 * copies (row_share) unless it was never kept (a sink's). */
static void
row_destroy(struct row *r, bool shared)
{
	size_t i;

	free(r->uid);
	let_go(r->ns, shared);
	free(r->name);
	free(r->rv);
	let_go(r->owner_kind, shared);
	let_go(r->owner_name, shared);
	let_go(r->owner_uid, shared);
	let_go(r->labels, shared);
	free(r->selector);
	for (i = 0; i < r->ncells && i < 32; i++) {
		if (r->shared & ((uint32_t)1 << i)) {
			unshare(r->cells[i].text);
			r->cells[i].text = NULL;	/* not cells_free's */
		}
	}
	cells_free(r->cells, r->ncells);
	free(r->reason);
	free(r);
}

/* The store lets go of a row: freed now, or when the last holder releases it. */
static void
row_free(struct row *r)
{
	if (r == NULL)
		return;
	if (r->holds > 0) {
		r->dropped = true;
		return;
	}
	row_destroy(r, true);
}

void
store_row_hold(const struct row *cr)
{
	struct row *r = (struct row *)(uintptr_t)cr;

	r->holds++;
}

void
store_row_release(const struct row *cr)
{
	struct row *r = (struct row *)(uintptr_t)cr;

	if (r == NULL || r->holds == 0)
		return;
	if (--r->holds == 0 && r->dropped)
		row_destroy(r, true);
}

static void	journal_drop(struct store_version *, size_t);

/* row_free for map_free. */
static void
row_free_any(void *r)
{
	row_free(r);
}

/* Create an empty store. */
struct store *
store_new(void)
{
	struct store *s = xcalloc(1, sizeof(struct store));

	s->journal_age = STORE_JOURNAL_AGE;
	return s;
}

void
store_set_journal_age(struct store *s, double seconds)
{
	s->journal_age = seconds;
}

/* Free a kind and its rows. */
static void
store_kind_free(struct store_kind *k)
{
	map_free(k->rows, row_free_any);
	free(k->sorted);
	free(k->resource);
	free(k->reason);
	free(k);
}

/* Rows in the API server's Table columns. */
void
store_set_server_tables(struct store *s, bool on)
{
	s->server_tables = on;
}

/* The printer rows of resource are printed with. */
const struct printer *
store_printer(const struct store *s, const char *resource)
{
	return s->server_tables ? printer_find_table(resource) : printer_find(resource);
}

/* Free the store. */
void
store_free(struct store *s)
{
	size_t i;

	if (s == NULL)
		return;
	for (i = 0; i < s->nversions; i++)
		journal_drop(&s->versions[i], s->versions[i].njournal);
	for (i = 0; i < s->nkinds; i++)
		store_kind_free(s->kinds[i]);
	for (i = 0; i < s->nclusters; i++) {
		free(s->clusters[i]->name);
		free(s->clusters[i]->role);
		free(s->clusters[i]->kube_cluster);
		free(s->clusters[i]->also);
		free(s->clusters[i]->reason);
		free(s->clusters[i]);
	}
	for (i = 0; i < s->nversions; i++) {
		free(s->versions[i].journal);
		free(s->versions[i].resource);
	}
	free(s->versions);
	free(s->kinds);
	free(s->clusters);
	free(s);
}

/* Add a cluster. */
size_t
store_add_cluster(struct store *s, const char *name)
{
	struct store_cluster *c;

	c = xcalloc(1, sizeof *c);
	c->name = xstrdup(name);
	c->role = xstrdup("");
	c->state = CONN_CONNECTING;
	c->since = (int64_t)time(NULL);
	s->clusters = xreallocarray(s->clusters, s->nclusters + 1, sizeof *s->clusters);
	s->clusters[s->nclusters] = c;
	s->generation++;
	return s->nclusters++;
}

/* Number of clusters. */
size_t
store_ncluster(const struct store *s)
{
	return s->nclusters;
}

/* Cluster by index, NULL if out of range. */
struct store_cluster *
store_cluster(struct store *s, size_t idx)
{
	if (idx >= s->nclusters)
		return NULL;
	return s->clusters[idx];
}

/* Cluster index by name. */
size_t
store_cluster_find(const struct store *s, const char *name)
{
	size_t i;

	for (i = 0; i < s->nclusters; i++) {
		if (strcmp(s->clusters[i]->name, name) == 0)
			return i;
	}
	return SIZE_MAX;
}

/* Set a cluster's state and reason. */
void
store_set_state(struct store *s, size_t idx, enum conn_state st, const char *reason)
{
	struct store_cluster *c = store_cluster(s, idx);
	int64_t now = (int64_t)time(NULL);
	char *clean = NULL;

	if (c == NULL)
		return;
	if (reason != NULL)
		clean = sanitize_str(reason, 0);
	if (st == CONN_LIVE)
		c->last_ok = now;
	if (c->state == st && ((clean == NULL && c->reason == NULL) ||
	    (clean != NULL && c->reason != NULL && strcmp(clean, c->reason) == 0))) {
		free(clean);
		return;
	}
	if (c->state != st)
		c->since = now;
	c->state = st;
	free(c->reason);
	c->reason = clean;
	s->generation++;
}

/* The kind of (cluster, resource), created if create is set. */
static struct store_kind *
store_kind_get(const struct store *s, size_t cluster, const char *resource, int create)
{
	struct store *ws = (struct store *)(uintptr_t)s;
	struct store_kind *k;
	size_t i;

	for (i = 0; i < s->nkinds; i++) {
		k = s->kinds[i];
		if (k->cluster == cluster && strcmp(k->resource, resource) == 0)
			return k;
	}
	if (!create || cluster >= s->nclusters)
		return NULL;
	k = xcalloc(1, sizeof *k);
	k->resource = xstrdup(resource);
	k->cluster = cluster;
	k->rows = map_new();
	k->state = CONN_CONNECTING;
	ws->kinds = xreallocarray(ws->kinds, ws->nkinds + 1, sizeof *ws->kinds);
	ws->kinds[ws->nkinds++] = k;
	return k;
}

/* The change counter of resource, created if need be. */
static struct store_version *
store_version_of(struct store *s, const char *resource)
{
	size_t i;

	for (i = 0; i < s->nversions; i++) {
		if (strcmp(s->versions[i].resource, resource) == 0)
			return &s->versions[i];
	}
	s->versions = xreallocarray(s->versions, s->nversions + 1, sizeof *s->versions);
	memset(&s->versions[s->nversions], 0, sizeof *s->versions);
	s->versions[s->nversions].resource = xstrdup(resource);
	return &s->versions[s->nversions++];
}

/* Note a change to resource rows on k. */
static void
store_touch(struct store *s, struct store_kind *k)
{
	s->counter++;
	s->generation++;
	k->version = s->counter;
	store_version_of(s, k->resource)->version = s->counter;
}

/* Forget the n oldest changes of v. */
static void
journal_drop(struct store_version *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		v->lost = v->journal[i].seq;
		if (v->journal[i].old != NULL) {
			store_row_release(v->journal[i].old);
			v->nheavy--;
		}
		if (v->journal[i].row != NULL)
			store_row_release(v->journal[i].row);
	}
	if (n < v->njournal)	/* (a version never journalled has no array) */
		memmove(v->journal, v->journal + n,
		    (v->njournal - n) * sizeof *v->journal);
	v->njournal -= n;
	/* a burst's room goes back once the journal is a quarter of it */
	if (v->ajournal > 64 && v->njournal < v->ajournal / 4) {
		v->ajournal /= 2;
		v->journal = xreallocarray(v->journal, v->ajournal, sizeof *v->journal);
	}
}

/* Record that old became row on k (before the store_touch that follows). */
static void
store_journal(struct store *s, struct store_kind *k, const struct row *old,
    const struct row *row)
{
	struct store_version *v = store_version_of(s, k->resource);
	struct store_change *c;
	double now = loop_now();
	size_t old_ones = 0;

	while (old_ones < v->njournal && now - v->journal[old_ones].at > s->journal_age)
		old_ones++;
	if (old_ones > 0)
		journal_drop(v, old_ones);
	/* new rows cost an entry only (the store holds them); a row
	 * replaced or removed is held by the journal alone */
	if (v->nheavy == STORE_JOURNAL || v->njournal == STORE_JOURNAL_MAX)
		journal_drop(v, v->njournal / 2);
	if (v->njournal == v->ajournal) {
		/* most kinds change a few rows at a time: room as they need it */
		v->ajournal = v->ajournal == 0 ? 64 : v->ajournal * 2;
		v->journal = xreallocarray(v->journal, v->ajournal, sizeof *v->journal);
	}
	c = &v->journal[v->njournal++];
	c->seq = s->counter + 1;
	c->cluster = k->cluster;
	c->old = old;
	c->row = row;
	c->at = now;
	if (old != NULL) {
		store_row_hold(old);
		v->nheavy++;
	}
	if (row != NULL)
		store_row_hold(row);
}

bool
store_changes(const struct store *s, const char *resource, uint64_t since,
    const struct store_change **out, size_t *n)
{
	size_t i, lo = 0, hi;

	*out = NULL;
	*n = 0;
	for (i = 0; i < s->nversions; i++) {
		if (strcmp(s->versions[i].resource, resource) == 0)
			break;
	}
	if (i == s->nversions)
		return since == 0;
	if (s->versions[i].lost > since)
		return false;
	hi = s->versions[i].njournal;
	while (lo < hi) {
		if (s->versions[i].journal[lo + (hi - lo) / 2].seq <= since)
			lo = lo + (hi - lo) / 2 + 1;
		else
			hi = lo + (hi - lo) / 2;
	}
	*out = s->versions[i].journal + lo;
	*n = s->versions[i].njournal - lo;
	return true;
}

/* Set the state of one resource on one cluster. */
void
store_set_kind_state(struct store *s, size_t cluster, const char *resource,
    enum conn_state st, const char *reason)
{
	struct store_kind *k = store_kind_get(s, cluster, resource, 1);
	char *clean;

	if (k == NULL)
		return;
	clean = reason != NULL ? sanitize_str(reason, 0) : NULL;
	if (k->state == st && ((clean == NULL && k->reason == NULL) ||
	    (clean != NULL && k->reason != NULL && strcmp(clean, k->reason) == 0))) {
		free(clean);
		return;
	}
	k->state = st;
	free(k->reason);
	k->reason = clean;
	s->generation++;
}

/* State of one resource on one cluster. */
enum conn_state
store_kind_state(const struct store *s, size_t cluster, const char *resource,
    const char **reason)
{
	struct store_kind *k = store_kind_get(s, cluster, resource, 0);

	if (reason != NULL)
		*reason = k != NULL ? k->reason : NULL;
	return k != NULL ? k->state : CONN_CONNECTING;
}

/* True once a full list was applied. */
bool
store_synced(const struct store *s, size_t cluster, const char *resource)
{
	struct store_kind *k = store_kind_get(s, cluster, resource, 0);

	return k != NULL && k->synced;
}

/* A string member of obj, or NULL. */
static const char *
json_str(json_t *obj, const char *key)
{
	return json_string_value(json_object_get(obj, key));
}

/* Sanitised copy of s (NULL stays NULL unless dflt given). */
static char *
clean_dup(const char *s, const char *dflt)
{
	if (s == NULL)
		s = dflt;
	if (s == NULL)
		return NULL;
	return sanitize_str(s, 0);
}

/* "k=v,k2=v2" of a string map in key order (labels_to_string's form, ""
 * for none), sanitised, or NULL if map is not an object. */
static char *
labels_string(json_t *map)
{
	char *flat, *clean;

	if (!json_is_object(map))
		return NULL;
	flat = labels_to_string(map);
	clean = sanitize_str(strcmp(flat, "<none>") == 0 ? "" : flat, 0);
	free(flat);
	return clean;
}

/* Key of obj within resource: uid, else fingerprint, else id, else ns/name.
 * NULL if nothing identifies it. */
static char *
store_key(json_t *obj)
{
	json_t *md = json_object_get(obj, "metadata");
	const char *s, *ns;

	s = json_str(md, "uid");
	if (s != NULL && *s != '\0')
		return xstrdup(s);
	s = json_str(obj, "fingerprint");
	if (s != NULL && *s != '\0')
		return xstrdup(s);
	s = json_str(obj, "id");
	if (s != NULL && *s != '\0')
		return xstrdup(s);
	s = json_str(md, "name");
	if (s == NULL)
		return NULL;
	ns = json_str(md, "namespace");
	return xasprintf("%s/%s", ns != NULL ? ns : "", s);
}

/* A row in the 128-byte chunk of malloc (the 150,000 rows of a fleet take
 * 2.4 MB less than in the next one up): see struct row. */
_Static_assert(sizeof(struct row) <= 120 || sizeof(void *) != 8,
    "struct row outgrew its 128-byte malloc chunk");

/* Project obj into a new row through p, resource's printer (or the API
 * server's Table columns). */
static struct row *
row_build(const struct printer *p, const char *resource, json_t *obj, const char *key)
{
	json_t *md = json_object_get(obj, "metadata");
	json_t *labels = json_object_get(obj, "labels");
	json_t *ref;
	struct printed pr;
	struct row *r;
	const char *name, *ns, *ts;
	size_t i;

	r = xcalloc(1, sizeof *r);
	r->uid = clean_dup(key, NULL);

	name = json_str(md, "name");
	ns = json_str(md, "namespace");
	if (md == NULL) {
		/* Alertmanager objects: alerts by alertname, silences by id. */
		name = json_str(labels, "alertname");
		if (name == NULL)
			name = json_str(obj, "id");
		ns = json_str(labels, "namespace");
	}
	r->name = clean_dup(name, "");
	r->ns = clean_dup(ns, "");
	r->rv = clean_dup(json_str(md, "resourceVersion"), "");
	ts = json_str(md, "creationTimestamp");
	if (ts == NULL)
		ts = json_str(obj, "startsAt");
	/* metrics.k8s.io stamps usage with the time of the answer: it is no
	 * creation, and would make every poll a change */
	if (strlen(resource) > 15 &&
	    strcmp(resource + strlen(resource) - 15, ".metrics.k8s.io") == 0)
		ts = NULL;
	r->created = ts != NULL ? parse_rfc3339(ts) : 0;

	json_array_foreach(json_object_get(md, "ownerReferences"), i, ref) {
		if (!json_is_true(json_object_get(ref, "controller")))
			continue;
		r->owner_kind = clean_dup(json_str(ref, "kind"), "");
		r->owner_name = clean_dup(json_str(ref, "name"), "");
		r->owner_uid = clean_dup(json_str(ref, "uid"), "");
		break;
	}
	r->labels = labels_string(md != NULL ? json_object_get(md, "labels") : labels);
	if (r->labels == NULL)
		r->labels = xstrdup("");
	r->selector = labels_string(json_object_get(json_object_get(
	    json_object_get(obj, "spec"), "selector"), "matchLabels"));

	memset(&pr, 0, sizeof pr);
	printer_print(p, obj, (int64_t)time(NULL), &pr);
	for (i = 0; i < pr.ncells; i++) {
		char *t = pr.cells[i].text;

		if (t != NULL && !sanitize_is_clean(t, strlen(t), 0)) {
			pr.cells[i].text = sanitize_str(t, 0);
			free(t);
		}
	}
	r->cells = pr.cells;
	r->ncells = pr.ncells;
	r->flags = pr.flags;
	r->reason = pr.reason != NULL ? sanitize_str(pr.reason, 0) : NULL;
	free(pr.reason);
	return r;
}

/* Set the per-cluster row cap. */
void
store_set_max_rows(struct store *s, size_t n)
{
	s->max_rows = n;
}

/* The per-cluster row cap (0: none). */
size_t
store_max_rows(const struct store *s)
{
	return s->max_rows;
}

/* Rows of cluster, all kinds (with a sink, those handed over). */
size_t
store_cluster_rows(const struct store *s, size_t cluster)
{
	size_t i, n = 0;

	for (i = 0; i < s->nkinds; i++) {
		if (s->kinds[i]->cluster == cluster)
			n += map_count(s->kinds[i]->rows) + s->kinds[i]->handed;
	}
	return n;
}

/* Hand rows to cb instead of keeping them. */
void
store_set_sink(struct store *s, store_sink_fn cb, void *arg)
{
	s->sink = cb;
	s->sink_arg = arg;
}

/* True if the strings are both NULL or equal. */
static bool
str_same(const char *a, const char *b)
{
	return a == b || (a != NULL && b != NULL && strcmp(a, b) == 0);
}

/* True if rows a and b would show the same: a poll that brings an object
 * back unchanged (usage, alerts) is no change. */
static bool
row_same(const struct row *a, const struct row *b)
{
	size_t i;

	if (a->ncells != b->ncells || a->flags != b->flags || a->created != b->created ||
	    !str_same(a->rv, b->rv) || !str_same(a->name, b->name) ||
	    !str_same(a->ns, b->ns) || !str_same(a->labels, b->labels) ||
	    !str_same(a->selector, b->selector) || !str_same(a->reason, b->reason) ||
	    !str_same(a->owner_kind, b->owner_kind) || !str_same(a->owner_name, b->owner_name) ||
	    !str_same(a->owner_uid, b->owner_uid))
		return false;
	for (i = 0; i < a->ncells; i++) {
		if (a->cells[i].type != b->cells[i].type || a->cells[i].n != b->cells[i].n ||
		    a->cells[i].when != b->cells[i].when ||
		    !str_same(a->cells[i].text, b->cells[i].text))
			return false;
	}
	return true;
}

/* Insert or replace obj. */
int
store_upsert(struct store *s, size_t cluster, const char *resource, json_t *obj)
{
	const struct printer *p;
	struct store_kind *k;
	struct row *r, *old;
	char *key;

	if (!json_is_object(obj))
		return 0;
	k = store_kind_get(s, cluster, resource, 1);
	if (k == NULL)
		return 0;
	key = store_key(obj);
	if (key == NULL)
		return 0;
	old = s->sink == NULL ? map_get(k->rows, key) : NULL;	/* one lookup a row */
	if (old == NULL && s->max_rows != 0 &&
	    store_cluster_rows(s, cluster) >= s->max_rows) {
		free(key);
		return -1;
	}
	p = store_printer(s, resource);		/* once a row: a lookup by name */
	r = row_build(p, resource, obj, key);
	if (s->sink != NULL) {
		s->sink(cluster, resource, r, s->sink_arg);
		row_destroy(r, false);
		free(key);
		k->handed++;
		store_touch(s, k);
		return 0;
	}
	row_share(r, p);
	r->seen = true;
	if (old != NULL && row_same(old, r)) {
		old->seen = true;	/* renewed: no change, no new version */
		row_free(r);
		free(key);
		return 0;
	}
	store_journal(s, k, old, r);
	row_free(map_put(k->rows, key, r));
	free(key);
	store_touch(s, k);
	return 0;
}

/* Remove obj. */
void
store_remove(struct store *s, size_t cluster, const char *resource, json_t *obj)
{
	struct store_kind *k = store_kind_get(s, cluster, resource, 0);
	struct row *r;
	char *key;

	if (k == NULL || !json_is_object(obj))
		return;
	key = store_key(obj);
	if (key == NULL)
		return;
	r = map_take(k->rows, key);
	if (r != NULL) {
		store_journal(s, k, r, NULL);
		row_free(r);
		store_touch(s, k);
	}
	free(key);
}

/* map_sweep: the row becomes unseen, stays. */
static int
row_unsee(const char *key, void *r, void *arg)
{
	(void)key;
	(void)arg;
	((struct row *)r)->seen = false;
	return 0;
}

/* Renew a row during a relist. */
void
store_renew(struct store *s, const struct row *r)
{
	(void)s;
	((struct row *)(uintptr_t)r)->seen = true;	/* the store's own row */
}

/* Begin a relist: every row becomes unseen. */
void
store_relist_begin(struct store *s, size_t cluster, const char *resource)
{
	struct store_kind *k = store_kind_get(s, cluster, resource, 1);

	if (k == NULL)
		return;
	map_sweep(k->rows, row_unsee, NULL);
	k->relisting = 1;
	if (s->sink != NULL && k->handed > 0) {
		/* the list begins again: what it handed over is void */
		k->handed = 0;
		s->sink(cluster, resource, NULL, s->sink_arg);
	}
}

/* A relist's sweep: the store, the kind, whether a row went. */
struct store_sweep {
	struct store		*s;
	struct store_kind	*k;
	int			 changed;
};

/* map_sweep: drop an unseen row (recorded in the journal). */
static int
row_drop_unseen(const char *key, void *r, void *arg)
{
	struct store_sweep *sw = arg;

	(void)key;
	if (((struct row *)r)->seen)
		return 0;
	store_journal(sw->s, sw->k, r, NULL);
	row_free(r);
	sw->changed = 1;
	return 1;
}

/* End a relist: drop unseen rows, mark synced. */
void
store_relist_end(struct store *s, size_t cluster, const char *resource)
{
	struct store_kind *k = store_kind_get(s, cluster, resource, 1);
	struct store_sweep sw = { s, k, 0 };

	if (k == NULL)
		return;
	map_sweep(k->rows, row_drop_unseen, &sw);
	k->relisting = 0;
	if (!k->synced)
		sw.changed = 1;
	k->synced = 1;
	if (sw.changed)
		store_touch(s, k);
}

/* Order rows by namespace, then name, then uid. */
static int
row_cmp(const void *a, const void *b)
{
	const struct row *x = *(const struct row *const *)a;
	const struct row *y = *(const struct row *const *)b;
	int c;

	c = strcmp(x->ns, y->ns);
	if (c != 0)
		return c;
	c = strcmp(x->name, y->name);
	if (c != 0)
		return c;
	return strcmp(x->uid != NULL ? x->uid : "", y->uid != NULL ? y->uid : "");
}

/* map_sweep: append the row to k->sorted. */
static int
row_collect(const char *key, void *r, void *arg)
{
	struct store_kind *k = arg;

	(void)key;
	k->sorted[k->nsorted++] = r;
	return 0;
}

/* The sorted rows of k, rebuilt only when k changed. */
static struct row **
store_kind_sorted(struct store_kind *k)
{
	if (k->sorted_valid && k->sorted_version == k->version)
		return k->sorted;
	free(k->sorted);
	k->sorted = xcalloc(map_count(k->rows) + 1, sizeof *k->sorted);
	k->nsorted = 0;
	map_sweep(k->rows, row_collect, k);
	qsort(k->sorted, k->nsorted, sizeof *k->sorted, row_cmp);
	k->sorted_version = k->version;
	k->sorted_valid = 1;
	return k->sorted;
}

/* Visit rows in cluster, then namespace/name order. */
void
store_foreach(struct store *s, size_t cluster, const char *resource, const char *ns,
    int (*cb)(size_t, const struct row *, void *), void *arg)
{
	struct store_kind *k;
	struct row **rows;
	size_t c, i;

	for (c = 0; c < s->nclusters; c++) {
		if (cluster != SIZE_MAX && c != cluster)
			continue;
		k = store_kind_get(s, c, resource, 0);
		if (k == NULL)
			continue;
		rows = store_kind_sorted(k);
		for (i = 0; i < k->nsorted; i++) {
			if (ns != NULL && strcmp(rows[i]->ns, ns) != 0)
				continue;
			if (cb(c, rows[i], arg) != 0)
				return;
		}
	}
}

/* map_sweep: store_foreach_any's callback for one row. */
struct store_any {
	size_t		 cluster;
	int		(*cb)(size_t, const struct row *, void *);
	void		*arg;
	int		 stop;
};

static int
row_any(const char *key, void *r, void *arg)
{
	struct store_any *a = arg;

	(void)key;
	if (a->stop == 0)
		a->stop = a->cb(a->cluster, r, a->arg);
	return 0;
}

void
store_foreach_any(struct store *s, size_t cluster, const char *resource,
    int (*cb)(size_t, const struct row *, void *), void *arg)
{
	struct store_any a = { 0, cb, arg, 0 };
	struct store_kind *k;
	size_t c;

	for (c = 0; c < s->nclusters && a.stop == 0; c++) {
		if (cluster != SIZE_MAX && c != cluster)
			continue;
		if ((k = store_kind_get(s, c, resource, 0)) == NULL)
			continue;
		a.cluster = c;
		map_sweep(k->rows, row_any, &a);
	}
}

/* Number of rows of resource (cluster SIZE_MAX: all). */
size_t
store_count(struct store *s, size_t cluster, const char *resource)
{
	size_t c, n = 0;
	struct store_kind *k;

	for (c = 0; c < s->nclusters; c++) {
		if (cluster != SIZE_MAX && c != cluster)
			continue;
		k = store_kind_get(s, c, resource, 0);
		if (k != NULL)
			n += map_count(k->rows);
	}
	return n;
}

/* What store_get looks for, and the best row found so far. */
struct store_find {
	const char	*ns;		/* NULL: any */
	const char	*name;
	struct row	*found;
	const char	*found_key;
};

/* map_sweep: keep, of the rows with f's namespace and name, the first in
 * namespace order (then key order, for two objects briefly sharing a name),
 * so the answer never depends on the map's hashing. */
static int
row_find(const char *key, void *rv, void *arg)
{
	struct store_find *f = arg;
	struct row *r = rv;
	int c;

	if (strcmp(r->name, f->name) != 0 || (f->ns != NULL && strcmp(r->ns, f->ns) != 0))
		return 0;
	if (f->found != NULL) {
		c = strcmp(r->ns, f->found->ns);
		if (c > 0 || (c == 0 && strcmp(key, f->found_key) >= 0))
			return 0;
	}
	f->found = r;
	f->found_key = key;
	return 0;
}

/* The first of k's rows in order named name in namespace ns (the order
 * made again first if k changed since), or NULL: a binary search. */
static struct row *
store_kind_find(struct store_kind *k, const char *ns, const char *name)
{
	struct row **rows = store_kind_sorted(k);
	size_t lo = 0, hi = k->nsorted, mid;
	int c;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if ((c = strcmp(rows[mid]->ns, ns)) == 0)
			c = strcmp(rows[mid]->name, name);
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < k->nsorted && strcmp(rows[lo]->ns, ns) == 0 &&
	    strcmp(rows[lo]->name, name) == 0 ? rows[lo] : NULL;
}

/* Row of resource on cluster by namespace and name, or NULL: a binary
 * search when the kind's order is up to date, else a scan. */
const struct row *
store_get(struct store *s, size_t cluster, const char *resource, const char *ns,
    const char *name)
{
	struct store_kind *k = store_kind_get(s, cluster, resource, 0);
	struct store_find f = { ns, name, NULL, NULL };

	if (k == NULL)
		return NULL;
	if (ns != NULL && k->sorted_valid && k->sorted_version == k->version)
		return store_kind_find(k, ns, name);
	map_sweep(k->rows, row_find, &f);
	return f.found;
}

const struct row *
store_lookup(struct store *s, size_t cluster, const char *resource, const char *ns,
    const char *name)
{
	struct store_kind *k = store_kind_get(s, cluster, resource, 0);

	if (k == NULL)
		return NULL;
	if (ns == NULL)		/* the first namespace with the name: a scan */
		return store_get(s, cluster, resource, ns, name);
	return store_kind_find(k, ns, name);
}

const struct row *
store_get_key(struct store *s, size_t cluster, const char *resource, const char *key)
{
	struct store_kind *k = store_kind_get(s, cluster, resource, 0);

	return k != NULL ? map_get(k->rows, key) : NULL;
}

/* Change counter of resource. */
uint64_t
store_version(const struct store *s, const char *resource)
{
	size_t i;

	for (i = 0; i < s->nversions; i++) {
		if (strcmp(s->versions[i].resource, resource) == 0)
			return s->versions[i].version;
	}
	return 0;
}

/* Change counter of everything. */
uint64_t
store_generation(const struct store *s)
{
	return s->generation;
}

/* A live cluster, preferring prefer. */
size_t
store_live_cluster(struct store *st, size_t prefer)
{
	size_t i, n = store_ncluster(st);

	if (prefer < n && store_cluster(st, prefer)->state == CONN_LIVE)
		return prefer;
	for (i = 0; i < n; i++) {
		if (store_cluster(st, i)->state == CONN_LIVE)
			return i;
	}
	return prefer;
}
