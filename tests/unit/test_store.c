/* Unit tests for the store: upsert/replace/remove by uid, identity fields
 * and sanitised cells, relist mark/sweep, versions, ordered iteration,
 * cluster and per-kind states, Alertmanager keys. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "opsdeck/store.h"

/* A pod object. */
static json_t *
pod(const char *ns, const char *name, const char *uid, const char *rv)
{
	return json_pack("{s:s, s:s, s:{s:s, s:s, s:s, s:s, s:s, s:{s:s, s:s},"
	    " s:[{s:s, s:s, s:s, s:b}]}, s:{s:[{s:s, s:s}]}, s:{s:s}}",
	    "kind", "Pod", "apiVersion", "v1",
	    "metadata", "name", name, "namespace", ns, "uid", uid,
	    "resourceVersion", rv, "creationTimestamp", "2026-01-01T00:00:00Z",
	    "labels", "tier", "web", "app", "shop",
	    "ownerReferences", "kind", "ReplicaSet", "name", "web-7d9f", "uid", "rs-uid",
	    "controller", 1,
	    "spec", "containers", "name", "c", "image", "nginx",
	    "status", "phase", "Running");
}

/* Upsert a pod object into cluster c. */
static void
put_pod(struct store *s, size_t c, const char *ns, const char *name, const char *uid,
    const char *rv)
{
	json_t *o = pod(ns, name, uid, rv);

	store_upsert(s, c, "pods", o);
	json_decref(o);
}

/* Rows seen by a foreach. */
struct seen {
	char	 names[32][64];
	size_t	 clusters[32];
	size_t	 n;
	size_t	 stop_at;
};

/* Record a row. */
static int
visit(size_t cluster, const struct row *r, void *arg)
{
	struct seen *s = arg;

	snprintf(s->names[s->n], sizeof s->names[0], "%s/%s", r->ns, r->name);
	s->clusters[s->n] = cluster;
	s->n++;
	return s->stop_at != 0 && s->n >= s->stop_at;
}

/* qsort: names seen, in byte order. */
static int
by_name(const void *a, const void *b)
{
	return strcmp(a, b);
}

/* Upsert projects identity fields; the same uid replaces; remove drops;
 * versions change with every change and only for that resource. */
static void
test_upsert_replace_remove(void **state)
{
	struct store *s = store_new();
	size_t c = store_add_cluster(s, "prod");
	json_t *p1 = pod("shop", "web-1", "u1", "10");
	json_t *p1b = pod("shop", "web-1", "u1", "11");
	const struct row *r;
	uint64_t v0, v1, v2, g;

	assert_int_equal(c, 0);
	v0 = store_version(s, "pods");
	store_upsert(s, c, "pods", p1);
	v1 = store_version(s, "pods");
	assert_true(v1 != v0);
	assert_int_equal(store_count(s, c, "pods"), 1);
	r = store_get(s, c, "pods", "shop", "web-1");
	assert_non_null(r);
	assert_string_equal(r->uid, "u1");
	assert_string_equal(r->rv, "10");
	assert_string_equal(r->labels, "app=shop,tier=web");
	assert_string_equal(r->owner_kind, "ReplicaSet");
	assert_string_equal(r->owner_name, "web-7d9f");
	assert_string_equal(r->owner_uid, "rs-uid");
	assert_true(r->created == 1767225600);
	assert_true(r->ncells >= 2);
	assert_string_equal(r->cells[0].text, "web-1");

	g = store_generation(s);
	store_upsert(s, c, "pods", p1b);
	assert_int_equal(store_count(s, c, "pods"), 1);
	r = store_get(s, c, "pods", "shop", "web-1");
	assert_string_equal(r->rv, "11");
	v2 = store_version(s, "pods");
	assert_true(v2 != v1);
	assert_true(store_generation(s) != g);
	assert_int_equal(store_version(s, "deployments"), 0);

	store_remove(s, c, "pods", p1);
	assert_int_equal(store_count(s, c, "pods"), 0);
	assert_null(store_get(s, c, "pods", "shop", "web-1"));
	assert_true(store_version(s, "pods") != v2);

	json_decref(p1);
	json_decref(p1b);
	store_free(s);
}

/* A relist keeps rows seen again, adds new ones and drops the rest;
 * synced turns true at the end. */
static void
test_relist_sweep(void **state)
{
	struct store *s = store_new();
	size_t c = store_add_cluster(s, "prod");
	json_t *a = pod("ns", "a", "ua", "1"), *b = pod("ns", "b", "ub", "1");
	json_t *d = pod("ns", "d", "ud", "2");

	assert_false(store_synced(s, c, "pods"));
	store_relist_begin(s, c, "pods");
	store_upsert(s, c, "pods", a);
	store_upsert(s, c, "pods", b);
	store_relist_end(s, c, "pods");
	assert_true(store_synced(s, c, "pods"));
	assert_int_equal(store_count(s, c, "pods"), 2);

	store_relist_begin(s, c, "pods");
	store_upsert(s, c, "pods", b);
	store_upsert(s, c, "pods", d);
	store_relist_end(s, c, "pods");
	assert_int_equal(store_count(s, c, "pods"), 2);
	assert_null(store_get(s, c, "pods", "ns", "a"));
	assert_non_null(store_get(s, c, "pods", "ns", "b"));
	assert_non_null(store_get(s, c, "pods", "ns", "d"));

	json_decref(a);
	json_decref(b);
	json_decref(d);
	store_free(s);
}

/* What a sink was handed: rows as "cluster:ns/name:owner", NULL rows as
 * "cluster:void:resource". */
struct handed {
	char	 what[16][64];
	size_t	 n;
};

/* store sink: record a row or a void. */
static void
hand(size_t cluster, const char *resource, const struct row *r, void *arg)
{
	struct handed *h = arg;

	assert_true(h->n < 16);
	if (r == NULL)
		snprintf(h->what[h->n++], sizeof h->what[0], "%zu:void:%s", cluster, resource);
	else
		snprintf(h->what[h->n++], sizeof h->what[0], "%zu:%s/%s:%s", cluster, r->ns,
		    r->name, r->owner_name != NULL ? r->owner_name : "-");
}

/* A sink is handed each row as it is built (its fields whole: the
 * shared strings too) and the store keeps none; handed rows count
 * against the cluster's cap; a list begun again after rows were handed
 * voids them, a first list or one that handed nothing does not. */
static void
test_sink(void **state)
{
	struct store *s = store_new();
	size_t c0 = store_add_cluster(s, "prod"), c1 = store_add_cluster(s, "dr");
	struct handed h;
	json_t *o;

	(void)state;
	memset(&h, 0, sizeof h);
	store_set_sink(s, hand, &h);
	store_set_max_rows(s, 3);
	store_relist_begin(s, c0, "pods");
	put_pod(s, c0, "ns", "a", "ua", "1");
	put_pod(s, c0, "ns", "b", "ub", "1");
	store_relist_begin(s, c1, "pods");
	put_pod(s, c1, "ns", "a", "ua", "1");
	assert_int_equal(h.n, 3);
	assert_string_equal(h.what[0], "0:ns/a:web-7d9f");
	assert_string_equal(h.what[1], "0:ns/b:web-7d9f");
	assert_string_equal(h.what[2], "1:ns/a:web-7d9f");
	assert_int_equal(store_count(s, c0, "pods"), 0);
	assert_null(store_get(s, c0, "pods", "ns", "a"));
	assert_int_equal(store_cluster_rows(s, c0), 2);

	/* the cap counts what was handed: a third row fits, a fourth not */
	put_pod(s, c0, "ns", "c", "uc", "1");
	o = pod("ns", "d", "ud", "1");
	assert_int_equal(store_upsert(s, c0, "pods", o), -1);
	json_decref(o);
	assert_int_equal(h.n, 4);

	/* prod's list begins again: its rows are void, dr's stay */
	store_relist_begin(s, c0, "pods");
	assert_int_equal(h.n, 5);
	assert_string_equal(h.what[4], "0:void:pods");
	assert_int_equal(store_cluster_rows(s, c0), 0);
	assert_int_equal(store_cluster_rows(s, c1), 1);
	put_pod(s, c0, "ns", "d", "ud", "2");
	store_relist_end(s, c0, "pods");
	assert_true(store_synced(s, c0, "pods"));
	/* begun again with nothing handed since: nothing to void */
	store_relist_begin(s, c1, "deployments");
	assert_int_equal(h.n, 6);
	assert_string_equal(h.what[5], "0:ns/d:web-7d9f");

	store_free(s);
}

/* Iteration: cluster order, then namespace/name; namespace filter; the
 * callback can stop it; the cached order follows changes. */
static void
test_foreach_order(void **state)
{
	struct store *s = store_new();
	size_t c0 = store_add_cluster(s, "zeta"), c1 = store_add_cluster(s, "alpha");
	const char *names[][2] = { { "b", "x" }, { "a", "y" }, { "a", "b" }, { "b", "a" } };
	struct seen seen;
	json_t *o;
	char uid[32];
	size_t i;

	for (i = 0; i < 4; i++) {
		snprintf(uid, sizeof uid, "c1-%zu", i);
		o = pod(names[i][0], names[i][1], uid, "1");
		store_upsert(s, c1, "pods", o);
		json_decref(o);
	}
	o = pod("z", "only", "c0-0", "1");
	store_upsert(s, c0, "pods", o);
	json_decref(o);

	memset(&seen, 0, sizeof seen);
	store_foreach(s, SIZE_MAX, "pods", NULL, visit, &seen);
	assert_int_equal(seen.n, 5);
	assert_string_equal(seen.names[0], "z/only");
	assert_int_equal(seen.clusters[0], c0);
	assert_string_equal(seen.names[1], "a/b");
	assert_string_equal(seen.names[2], "a/y");
	assert_string_equal(seen.names[3], "b/a");
	assert_string_equal(seen.names[4], "b/x");
	assert_int_equal(seen.clusters[4], c1);

	memset(&seen, 0, sizeof seen);
	store_foreach(s, c1, "pods", "b", visit, &seen);
	assert_int_equal(seen.n, 2);
	assert_string_equal(seen.names[0], "b/a");

	memset(&seen, 0, sizeof seen);
	seen.stop_at = 2;
	store_foreach(s, SIZE_MAX, "pods", NULL, visit, &seen);
	assert_int_equal(seen.n, 2);

	/* in any order: the same rows of each cluster asked, and a stop */
	memset(&seen, 0, sizeof seen);
	store_foreach_any(s, c1, "pods", visit, &seen);
	assert_int_equal(seen.n, 4);
	qsort(seen.names, seen.n, sizeof seen.names[0], by_name);
	assert_string_equal(seen.names[0], "a/b");
	assert_string_equal(seen.names[3], "b/x");
	assert_int_equal(seen.clusters[3], c1);
	memset(&seen, 0, sizeof seen);
	store_foreach_any(s, SIZE_MAX, "pods", visit, &seen);
	assert_int_equal(seen.n, 5);
	memset(&seen, 0, sizeof seen);
	seen.stop_at = 2;
	store_foreach_any(s, SIZE_MAX, "pods", visit, &seen);
	assert_int_equal(seen.n, 2);

	o = pod("a", "a", "c1-new", "1");
	store_upsert(s, c1, "pods", o);
	json_decref(o);
	memset(&seen, 0, sizeof seen);
	store_foreach(s, c1, "pods", NULL, visit, &seen);
	assert_int_equal(seen.n, 5);
	assert_string_equal(seen.names[0], "a/a");
	store_free(s);
}

/* A relist that brings rows back: the same object again is no change (no
 * new version, the row kept); a renewed row survives the sweep as it is;
 * a changed one is a change. */
static void
test_relist_unchanged(void **state)
{
	struct store *s = store_new();
	size_t c = store_add_cluster(s, "prod");
	const struct row *a, *b;
	uint64_t ver;

	store_relist_begin(s, c, "pods");
	put_pod(s, c, "shop", "a", "ua", "1");
	put_pod(s, c, "shop", "b", "ub", "1");
	store_relist_end(s, c, "pods");
	ver = store_version(s, "pods");
	a = store_get_key(s, c, "pods", "ua");
	b = store_get_key(s, c, "pods", "ub");

	store_relist_begin(s, c, "pods");
	put_pod(s, c, "shop", "a", "ua", "1");
	store_renew(s, b);
	store_relist_end(s, c, "pods");
	assert_int_equal(store_version(s, "pods"), ver);
	assert_ptr_equal(store_get_key(s, c, "pods", "ua"), a);
	assert_ptr_equal(store_get_key(s, c, "pods", "ub"), b);
	assert_int_equal(store_count(s, c, "pods"), 2);

	put_pod(s, c, "shop", "a", "ua", "2");
	assert_int_not_equal(store_version(s, "pods"), ver);
	assert_string_equal(store_get_key(s, c, "pods", "ua")->rv, "2");
	store_free(s);
}

/* Many rows (hash growth) stay reachable and counted. */
static void
test_many_rows(void **state)
{
	struct store *s = store_new();
	size_t c = store_add_cluster(s, "big"), i;
	char name[32], uid[32];
	json_t *o;

	for (i = 0; i < 5000; i++) {
		snprintf(name, sizeof name, "p-%05zu", i);
		snprintf(uid, sizeof uid, "u-%zu", i);
		o = pod("ns", name, uid, "1");
		store_upsert(s, c, "pods", o);
		json_decref(o);
	}
	assert_int_equal(store_count(s, c, "pods"), 5000);
	assert_non_null(store_get(s, c, "pods", "ns", "p-04999"));
	assert_non_null(store_get(s, c, "pods", NULL, "p-00000"));
	store_free(s);
}

/* A name held in many namespaces: with no namespace given, store_get gives
 * the first namespace in foreach order, whatever the arrival order or the
 * map's hashing; with one given, that namespace's row. */
static void
test_get_any_namespace(void **state)
{
	struct store *s = store_new();
	size_t c = store_add_cluster(s, "prod"), i;
	char ns[32], uid[32];
	const struct row *r;
	json_t *o;

	(void)state;
	for (i = 40; i > 0; i--) {
		snprintf(ns, sizeof ns, "ns-%02zu", i - 1);
		snprintf(uid, sizeof uid, "uid-%02zu", (i * 7) % 40);
		o = pod(ns, "web", uid, "1");
		store_upsert(s, c, "pods", o);
		json_decref(o);
	}
	r = store_get(s, c, "pods", NULL, "web");
	assert_non_null(r);
	assert_string_equal(r->ns, "ns-00");
	r = store_get(s, c, "pods", "ns-17", "web");
	assert_non_null(r);
	assert_string_equal(r->ns, "ns-17");
	assert_null(store_get(s, c, "pods", "ns-40", "web"));
	store_free(s);
}

/* store_lookup (and store_get once the order is made) finds by binary
 * search the row the scan finds: of two pods with one name in one
 * namespace, the one with the lower uid; none for a name not there. */
static void
test_lookup(void **state)
{
	static const char *nss[] = { "a", "b", "kube-system" };
	struct store *s = store_new();
	size_t c = store_add_cluster(s, "prod"), i, k, checked = 0;
	const struct row *scan, *found;
	uint64_t ver;
	unsigned flip = 0;
	char name[32], uid[32];
	json_t *o;

	(void)state;
	srand(7);
	for (k = 0; k < 4; k++) {
		for (i = 0; i < 60; i++) {	/* names repeat: same-name pairs */
			snprintf(name, sizeof name, "web-%d", rand() % 25);
			snprintf(uid, sizeof uid, "uid-%03d", rand() % 900);
			put_pod(s, c, nss[rand() % 3], name, uid, "1");
		}
		for (i = 0; i < 10; i++) {
			snprintf(name, sizeof name, "web-%d", rand() % 25);
			o = json_pack("{s:{s:s,s:s,s:s}}", "metadata", "name", name,
			    "namespace", nss[rand() % 3], "uid", "none");
			store_remove(s, c, "pods", o);
			json_decref(o);
		}
		for (i = 0; i < 3 * 27; i++) {
			snprintf(name, sizeof name, "web-%zu", i % 27);	/* 25, 26: never */
			/* the order is stale after a change: store_get scans */
			ver = store_version(s, "pods");
			if (flip++ % 2 == 0)
				put_pod(s, c, "zz", "marker", "m", "1");
			else {
				o = json_pack("{s:{s:s,s:s,s:s}}", "metadata", "name", "marker",
				    "namespace", "zz", "uid", "m");
				store_remove(s, c, "pods", o);
				json_decref(o);
			}
			assert_int_not_equal(store_version(s, "pods"), ver);
			scan = store_get(s, c, "pods", nss[i / 27], name);
			found = store_lookup(s, c, "pods", nss[i / 27], name);
			assert_ptr_equal(found, scan);
			assert_ptr_equal(store_get(s, c, "pods", nss[i / 27], name), scan);
			if (i % 27 >= 25)
				assert_null(found);
			checked += scan != NULL;
		}
	}
	assert_true(checked > 100);
	/* one name twice in one namespace: the lower uid */
	put_pod(s, c, "b", "twin", "uid-9", "1");
	put_pod(s, c, "b", "twin", "uid-10", "1");
	assert_string_equal(store_lookup(s, c, "pods", "b", "twin")->uid, "uid-10");
	assert_string_equal(store_get(s, c, "pods", "b", "twin")->uid, "uid-10");
	assert_null(store_lookup(s, c, "pods", "a", "twin"));
	assert_null(store_lookup(s, c, "nodes", "", "twin"));
	store_free(s);
}

/* Untrusted names are sanitised in identity fields and cells. */
static void
test_sanitised(void **state)
{
	struct store *s = store_new();
	size_t c = store_add_cluster(s, "prod");
	json_t *o = pod("ns", "evil\x1b[2Jname", "u-evil", "1");
	struct seen seen;

	store_upsert(s, c, "pods", o);
	memset(&seen, 0, sizeof seen);
	store_foreach(s, c, "pods", NULL, visit, &seen);
	assert_int_equal(seen.n, 1);
	assert_null(strchr(seen.names[0], '\x1b'));
	assert_non_null(strstr(seen.names[0], "\\x1b"));
	json_decref(o);
	store_free(s);
}

/* Alertmanager objects: alerts keyed by fingerprint, silences by id;
 * an alert's name is its alertname. */
static void
test_alertmanager_keys(void **state)
{
	struct store *s = store_new();
	size_t c = store_add_cluster(s, "prod");
	json_t *a1 = json_pack("{s:s, s:{s:s, s:s}, s:s, s:{s:s}}", "fingerprint", "f1",
	    "labels", "alertname", "HighLatency", "namespace", "shop",
	    "startsAt", "2026-01-01T00:00:00Z", "status", "state", "active");
	json_t *a2 = json_pack("{s:s, s:{s:s}, s:s, s:{s:s}}", "fingerprint", "f2",
	    "labels", "alertname", "HighLatency",
	    "startsAt", "2026-01-01T00:00:00Z", "status", "state", "active");
	json_t *sil = json_pack("{s:s, s:s, s:{s:s}}", "id", "sil-1", "comment", "x",
	    "status", "state", "active");
	const struct row *r;

	store_upsert(s, c, "alerts", a1);
	store_upsert(s, c, "alerts", a2);
	store_upsert(s, c, "alerts", a1);
	assert_int_equal(store_count(s, c, "alerts"), 2);
	r = store_get(s, c, "alerts", "shop", "HighLatency");
	assert_non_null(r);
	assert_string_equal(r->uid, "f1");
	store_upsert(s, c, "silences", sil);
	r = store_get(s, c, "silences", NULL, "sil-1");
	assert_non_null(r);
	json_decref(a1);
	json_decref(a2);
	json_decref(sil);
	store_free(s);
}

/* Cluster and per-kind states: reasons sanitised, since moves on change,
 * a forbidden kind leaves others and the cluster alone. */
static void
test_states(void **state)
{
	struct store *s = store_new();
	size_t c = store_add_cluster(s, "prod");
	struct store_cluster *sc = store_cluster(s, c);
	const char *reason;
	uint64_t g;

	assert_int_equal(store_cluster_find(s, "prod"), c);
	assert_int_equal(store_cluster_find(s, "nope"), SIZE_MAX);
	assert_int_equal(sc->state, CONN_CONNECTING);
	g = store_generation(s);
	store_set_state(s, c, CONN_UNREACHABLE, "refused\x1b]0;x\x07");
	assert_int_equal(sc->state, CONN_UNREACHABLE);
	assert_null(strchr(sc->reason, '\x1b'));
	assert_true(store_generation(s) != g);
	store_set_state(s, c, CONN_LIVE, NULL);
	assert_null(sc->reason);
	assert_true(sc->last_ok > 0);
	assert_string_equal(conn_state_name(CONN_STALE), "stale");

	store_set_kind_state(s, c, "secrets", CONN_FORBIDDEN, "forbidden: secrets");
	assert_int_equal(store_kind_state(s, c, "secrets", &reason), CONN_FORBIDDEN);
	assert_string_equal(reason, "forbidden: secrets");
	assert_int_equal(store_kind_state(s, c, "pods", &reason), CONN_CONNECTING);
	assert_int_equal(sc->state, CONN_LIVE);
	store_free(s);
}

/* A kind listed empty is synced with no change journalled: freeing the
 * store then leaves its (absent) journal alone (UBSan in `make asan`). */
static void
test_empty_list_free(void **state)
{
	struct store *s = store_new();
	size_t c = store_add_cluster(s, "prod");
	uint64_t g = store_generation(s);

	(void)state;
	store_relist_begin(s, c, "configmaps");
	store_relist_end(s, c, "configmaps");
	assert_true(store_generation(s) != g);
	assert_true(store_version(s, "configmaps") > 0);
	store_free(s);
}

/* store_live_cluster keeps a live preference, else takes the first live
 * cluster, else falls back to the preference. */
static void
test_live_cluster(void **state)
{
	struct store *st = store_new();
	size_t a = store_add_cluster(st, "prod-tokyo");
	size_t b = store_add_cluster(st, "prod-osaka");
	size_t c = store_add_cluster(st, "staging");

	(void)state;
	assert_int_equal(store_live_cluster(st, a), a);	/* nobody live yet */
	store_set_state(st, b, CONN_LIVE, NULL);
	store_set_state(st, c, CONN_LIVE, NULL);
	store_set_state(st, a, CONN_UNREACHABLE, "refused");
	assert_int_equal(store_live_cluster(st, a), b);
	assert_int_equal(store_live_cluster(st, c), c);
	store_set_state(st, a, CONN_LIVE, NULL);
	assert_int_equal(store_live_cluster(st, a), a);
	assert_int_equal(store_live_cluster(st, 99), a);	/* out of range */
	store_free(st);
}

/* n pods prefix-0... in shop at rv. */
static void
put_pods(struct store *s, size_t c, const char *prefix, size_t n, const char *rv)
{
	char name[32];
	size_t i;

	for (i = 0; i < n; i++) {
		snprintf(name, sizeof name, "%s-%zu", prefix, i);
		put_pod(s, c, "shop", name, name, rv);
	}
}

/* The changes since v are no longer kept; the last ten are. */
static void
assert_forgotten(struct store *s, uint64_t v)
{
	const struct store_change *ch;
	size_t n;

	assert_false(store_changes(s, "pods", v, &ch, &n));
	assert_true(store_changes(s, "pods", store_version(s, "pods") - 10, &ch, &n));
	assert_int_equal(n, 10);
}

/* The newest change of pods. */
static const struct store_change *
ch_last(struct store *s)
{
	const struct store_change *ch;
	size_t n;

	assert_true(store_changes(s, "pods", store_version(s, "pods") - 1, &ch, &n));
	assert_int_equal(n, 1);
	return ch;
}

/* The journal: each change with the row before and after, in order, the
 * rows kept valid while it holds them; a view too far behind is told so. */
static void
test_changes(void **state)
{
	struct store *s = store_new();
	size_t c = store_add_cluster(s, "prod");
	const struct store_change *ch;
	const struct row *a1, *a2;
	uint64_t v0, v1;
	json_t *o;
	size_t n;

	(void)state;
	assert_true(store_changes(s, "pods", 0, &ch, &n));
	assert_int_equal(n, 0);
	o = pod("shop", "a", "u-a", "1");
	store_upsert(s, c, "pods", o);
	json_decref(o);
	v0 = store_version(s, "pods");
	a1 = store_get_key(s, c, "pods", "u-a");
	o = pod("shop", "a", "u-a", "2");
	store_upsert(s, c, "pods", o);
	store_remove(s, c, "pods", o);
	json_decref(o);
	o = pod("shop", "b", "u-b", "1");
	store_upsert(s, c, "pods", o);
	json_decref(o);
	v1 = store_version(s, "pods");
	assert_true(store_changes(s, "pods", v0, &ch, &n));
	assert_int_equal(n, 3);
	a2 = ch[0].row;
	assert_ptr_equal(ch[0].old, a1);
	assert_string_equal(ch[0].old->rv, "1");	/* replaced, still readable */
	assert_string_equal(a2->rv, "2");
	assert_ptr_equal(ch[1].old, a2);
	assert_null(ch[1].row);
	assert_null(ch[2].old);
	assert_string_equal(ch[2].row->name, "b");
	assert_true(ch[0].seq > v0 && ch[2].seq == v1);
	assert_true(store_changes(s, "pods", v1, &ch, &n));
	assert_int_equal(n, 0);
	/* new rows beyond STORE_JOURNAL (a large first list): all kept */
	put_pods(s, c, "p", STORE_JOURNAL + 100, "1");
	assert_true(store_changes(s, "pods", v0, &ch, &n));
	assert_int_equal(n, 3 + STORE_JOURNAL + 100);
	/* more replaced rows than it keeps (fewer changes in all than
	 * STORE_JOURNAL_MAX): the oldest changes are forgotten */
	put_pods(s, c, "p", STORE_JOURNAL, "2");
	assert_forgotten(s, v0);
	assert_string_equal(ch_last(s)->old->rv, "1");
	/* and more changes in all than it keeps */
	v1 = store_version(s, "pods");
	put_pods(s, c, "q", STORE_JOURNAL_MAX, "1");
	assert_forgotten(s, v1);
	store_free(s);
}

/* Changes older than the journal's age are forgotten as new ones come (a
 * view that far behind rebuilds); younger ones stay. */
static void
test_changes_age(void **state)
{
	struct store *s = store_new();
	size_t c = store_add_cluster(s, "prod");
	const struct store_change *ch;
	struct timespec pause = { 0, 300 * 1000 * 1000 };
	uint64_t v0, v1;
	size_t n;

	(void)state;
	store_set_journal_age(s, 0.2);
	put_pod(s, c, "shop", "a", "u-a", "1");
	v0 = store_version(s, "pods");
	put_pod(s, c, "shop", "a", "u-a", "2");
	assert_true(store_changes(s, "pods", v0, &ch, &n));
	assert_int_equal(n, 1);
	nanosleep(&pause, NULL);
	/* still kept until a change comes */
	assert_true(store_changes(s, "pods", v0, &ch, &n));
	assert_int_equal(n, 1);
	v1 = store_version(s, "pods");
	put_pod(s, c, "shop", "b", "u-b", "1");
	assert_false(store_changes(s, "pods", v0, &ch, &n));
	put_pod(s, c, "shop", "c", "u-c", "1");
	assert_true(store_changes(s, "pods", v1, &ch, &n));
	assert_int_equal(n, 2);
	assert_string_equal(ch[0].row->name, "b");
	assert_string_equal(ch[1].row->name, "c");
	store_free(s);
}

/* Rows repeating a text share one copy of it, which outlives the rows
 * and the store that made it while a row is held. */
static void
test_shared_strings(void **state)
{
	struct store *s = store_new();
	size_t c = store_add_cluster(s, "prod");
	const struct row *a, *b;
	json_t *o;

	(void)state;
	put_pod(s, c, "shop", "a", "u-a", "1");
	put_pod(s, c, "shop", "b", "u-b", "1");
	a = store_get_key(s, c, "pods", "u-a");
	b = store_get_key(s, c, "pods", "u-b");
	assert_ptr_equal(a->ns, b->ns);
	assert_ptr_equal(a->labels, b->labels);
	assert_ptr_equal(a->owner_uid, b->owner_uid);
	assert_ptr_equal(a->cells[2].text, b->cells[2].text);	/* STATUS */
	assert_ptr_not_equal(a->name, b->name);
	assert_string_equal(b->cells[2].text, "Running");
	store_row_hold(b);
	o = pod("shop", "a", "u-a", "1");
	store_remove(s, c, "pods", o);
	json_decref(o);
	store_free(s);
	/* valgrind/ASan: still there */
	assert_string_equal(b->ns, "shop");
	assert_string_equal(b->labels, "app=shop,tier=web");
	assert_string_equal(b->cells[2].text, "Running");
	store_row_release(b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_live_cluster),
		cmocka_unit_test(test_upsert_replace_remove),
		cmocka_unit_test(test_relist_sweep),
		cmocka_unit_test(test_sink),
		cmocka_unit_test(test_foreach_order),
		cmocka_unit_test(test_relist_unchanged),
		cmocka_unit_test(test_many_rows),
		cmocka_unit_test(test_get_any_namespace),
		cmocka_unit_test(test_lookup),
		cmocka_unit_test(test_sanitised),
		cmocka_unit_test(test_alertmanager_keys),
		cmocka_unit_test(test_states),
		cmocka_unit_test(test_changes),
		cmocka_unit_test(test_changes_age),
		cmocka_unit_test(test_shared_strings),
		cmocka_unit_test(test_empty_list_free),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
