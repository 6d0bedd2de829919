/* Unit tests of the drill object store: create, replace with conflicts,
 * in-place changes, deletion, graceful deletion, ordering, the watch
 * history with its 410 floor and byte bound, and the selector views. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "opsdeck/sim.h"
#include "../../drill/sim_store.h"

/* A pod object named name in namespace ns (new). */
static json_t *
pod(const char *ns, const char *name)
{
	return json_pack("{s:{s:s,s:s,s:{s:s}},s:{s:[{s:s,s:s}]}}", "metadata", "name", name,
	    "namespace", ns, "labels", "app", "web", "spec", "containers", "name", "c",
	    "image", "nginx:1");
}

/* Create n pods named prefix0, prefix1, ... in namespace prod. */
static void
add_pods(struct sim_cluster *c, const char *prefix, int n)
{
	char	*cause = NULL, name[16];
	int	 i;

	for (i = 0; i < n; i++) {
		snprintf(name, sizeof name, "%s%d", prefix, i);
		sim_obj_create(c, kind_find_api("", "pods"), "prod", pod("prod", name), NULL,
		    &cause);
	}
	free(cause);
}

/* The resourceVersion of obj as a number. */
static unsigned long long
rv_of(json_t *obj)
{
	return strtoull(json_string_value(json_object_get(json_object_get(obj, "metadata"),
	    "resourceVersion")), NULL, 10);
}

/* Collects names during iteration. */
static int
collect(json_t *obj, void *arg)
{
	char	*buf = arg;

	strcat(buf, json_string_value(json_object_get(json_object_get(obj, "metadata"),
	    "name")));
	strcat(buf, ",");
	return 0;
}

/* Create fills server fields; duplicates are refused; iteration is ordered. */
static void
test_create(void **state)
{
	struct sim		*sim = sim_new();
	struct sim_cluster	*c = sim_add_cluster(sim, "a", "r", "primary", false);
	const struct kind *pods = kind_find_api("", "pods");
	json_t			*out, *gen;
	char			*cause = NULL, names[256] = "";
	uint64_t		 rv0 = sim_store_rv(c);

	(void)state;
	assert_int_equal(sim_obj_create(c, pods, "prod", pod("prod", "b"), &out, &cause), 0);
	assert_string_equal(json_string_value(json_object_get(out, "kind")), "Pod");
	assert_string_equal(json_string_value(json_object_get(out, "apiVersion")), "v1");
	assert_int_equal(strlen(json_string_value(json_object_get(json_object_get(out,
	    "metadata"), "uid"))), 36);
	assert_true(rv_of(out) > rv0);
	assert_int_equal(sim_obj_create(c, pods, "prod", pod("prod", "a"), NULL, &cause), 0);
	assert_int_equal(sim_obj_create(c, pods, "dev", pod("dev", "z"), NULL, &cause), 0);
	assert_int_equal(sim_obj_create(c, pods, "prod", pod("prod", "a"), NULL, &cause), 409);
	assert_string_equal(cause, "pods \"a\" already exists");
	free(cause);
	cause = NULL;
	gen = json_pack("{s:{s:s}}", "metadata", "generateName", "web-");
	assert_int_equal(sim_obj_create(c, pods, "prod", gen, &out, &cause), 0);
	assert_int_equal(strncmp(json_string_value(json_object_get(json_object_get(out,
	    "metadata"), "name")), "web-", 4), 0);
	assert_int_equal(strlen(json_string_value(json_object_get(json_object_get(out,
	    "metadata"), "name"))), 9);
	assert_int_equal(sim_obj_count(c, pods, NULL), 4);
	assert_int_equal(sim_obj_count(c, pods, "prod"), 3);
	sim_obj_foreach(c, pods, NULL, collect, names);
	assert_int_equal(strncmp(names, "z,a,b,", 6), 0);
	names[0] = '\0';
	sim_obj_foreach(c, pods, "dev", collect, names);
	assert_string_equal(names, "z,");
	assert_int_equal(sim_obj_create(c, pods, "prod", json_pack("{s:{}}", "metadata"),
	    NULL, &cause), 422);
	free(cause);
	sim_free(sim);
}

/* Replace refuses stale resourceVersions and bumps generation on spec change. */
static void
test_replace(void **state)
{
	struct sim		*sim = sim_new();
	struct sim_cluster	*c = sim_add_cluster(sim, "a", "r", "primary", false);
	const struct kind *deps = kind_find_api("apps", "deployments");
	json_t			*out, *upd, *stale;
	char			*cause = NULL, uid[64];

	(void)state;
	assert_int_equal(sim_obj_create(c, deps, "prod", json_pack("{s:{s:s},s:{s:i}}",
	    "metadata", "name", "web", "spec", "replicas", 2), &out, &cause), 0);
	snprintf(uid, sizeof uid, "%s", json_string_value(json_object_get(json_object_get(out,
	    "metadata"), "uid")));
	stale = json_deep_copy(out);
	upd = json_deep_copy(out);
	json_object_set_new(json_object_get(upd, "spec"), "replicas", json_integer(3));
	json_object_set_new(json_object_get(upd, "metadata"), "uid", json_string("forged"));
	assert_int_equal(sim_obj_replace(c, deps, upd, &out, &cause), 0);
	assert_int_equal(json_integer_value(json_object_get(json_object_get(out, "metadata"),
	    "generation")), 2);
	assert_string_equal(json_string_value(json_object_get(json_object_get(out,
	    "metadata"), "uid")), uid);
	json_object_set_new(json_object_get(stale, "spec"), "replicas", json_integer(9));
	assert_int_equal(sim_obj_replace(c, deps, stale, NULL, &cause), 409);
	assert_string_equal(cause, "Operation cannot be fulfilled on deployments.apps \"web\": "
	    "the object has been modified; please apply your changes to the latest version "
	    "and try again");
	free(cause);
	cause = NULL;
	out = sim_obj_get(c, deps, "prod", "web");
	assert_int_equal(json_integer_value(json_object_get(json_object_get(out, "spec"),
	    "replicas")), 3);
	/* A status-only change keeps the generation. */
	upd = json_deep_copy(out);
	json_object_set_new(upd, "status", json_pack("{s:i}", "replicas", 3));
	assert_int_equal(sim_obj_replace(c, deps, upd, &out, &cause), 0);
	assert_int_equal(json_integer_value(json_object_get(json_object_get(out, "metadata"),
	    "generation")), 2);
	assert_ptr_equal(sim_obj_get_uid(c, deps, uid), out);
	upd = json_pack("{s:{s:s}}", "metadata", "name", "missing");
	json_object_set_new(json_object_get(upd, "metadata"), "namespace", json_string("prod"));
	assert_int_equal(sim_obj_replace(c, deps, upd, NULL, &cause), 404);
	free(cause);
	sim_free(sim);
}

/* History records every change; a watch from before the floor is refused. */
static void
test_history(void **state)
{
	struct sim		*sim = sim_new();
	struct sim_cluster	*c = sim_add_cluster(sim, "a", "r", "primary", false);
	const struct kind *pods = kind_find_api("", "pods");
	const struct kind *deps = kind_find_api("apps", "deployments");
	const struct sim_event	*evs[16];
	json_t			*p;
	char			*cause = NULL;
	uint64_t		 start = sim_store_rv(c), mid;
	long			 n;

	(void)state;
	sim_obj_create(c, pods, "prod", pod("prod", "a"), &p, &cause);
	sim_obj_create(c, deps, "prod", json_pack("{s:{s:s}}", "metadata", "name", "d"), NULL,
	    &cause);
	json_object_set_new(json_object_get(p, "metadata"), "labels", json_pack("{s:s}",
	    "app", "db"));
	sim_obj_modified(c, pods, p, false);
	assert_int_equal(sim_obj_delete(c, pods, "prod", "a", &cause), 0);
	assert_int_equal(sim_obj_delete(c, pods, "prod", "a", &cause), 404);
	free(cause);
	cause = NULL;
	n = sim_history_since(c, pods, NULL, start, evs, 16);
	assert_int_equal(n, 3);
	assert_string_equal(evs[0]->type, "ADDED");
	assert_string_equal(evs[1]->type, "MODIFIED");
	assert_string_equal(evs[2]->type, "DELETED");
	assert_true(evs[0]->rv < evs[1]->rv && evs[1]->rv < evs[2]->rv);
	assert_string_equal(json_string_value(json_object_get(json_object_get(json_object_get(
	    evs[1]->object, "metadata"), "labels"), "app")), "db");
	assert_non_null(strstr(evs[2]->line, "\"type\":\"DELETED\""));
	assert_null(evs[0]->prev_object);
	assert_string_equal(json_string_value(json_object_get(json_object_get(json_object_get(
	    evs[1]->prev_object, "metadata"), "labels"), "app")), "web");
	assert_int_equal(sim_history_since(c, pods, "dev", start, evs, 16), 0);
	assert_int_equal(sim_history_since(c, deps, NULL, start, evs, 16), 1);
	mid = evs[0]->rv;
	assert_int_equal(sim_history_since(c, deps, NULL, mid, evs, 16), 0);

	/* A small ring drops the oldest: watching from before them is 410. */
	sim_store_set_history(c->store, 4);
	mid = sim_store_rv(c);
	add_pods(c, "p", 10);
	assert_int_equal(sim_history_since(c, pods, NULL, mid, evs, 16), -1);
	assert_int_equal(sim_history_since(c, pods, NULL, sim_store_rv(c) - 4, evs, 16), 4);
	assert_int_equal(sim_history_since(c, pods, NULL, sim_store_rv(c), evs, 16), 0);
	sim_free(sim);
}

/* Counts the pods labelled app=web a JSON iteration hands over, checking
 * the JSON is the object's. */
static int
count_json(json_t *obj, const char *json, size_t len, void *arg)
{
	size_t	*n = arg;
	char	*dump;

	dump = json_dumps(obj, JSON_COMPACT);
	assert_string_equal(dump, json);
	assert_int_equal(len, strlen(json));
	free(dump);
	if (strcmp(json_string_value(json_object_get(json_object_get(json_object_get(obj,
	    "metadata"), "labels"), "app")), "web") == 0)
		(*n)++;
	return 0;
}

/* A watch's selector view carries every field a field selector may name,
 * and views with equal labels share them; iteration hands over the JSON. */
static void
test_views(void **state)
{
	struct sim		*sim = sim_new();
	struct sim_cluster	*c = sim_add_cluster(sim, "a", "r", "primary", false);
	const struct kind *pods = kind_find_api("", "pods");
	const struct sim_event	*evs[8];
	json_t			*p, *v0, *v1;
	char			*cause = NULL;
	uint64_t		 start = sim_store_rv(c);
	size_t			 n = 0;

	(void)state;
	sim_obj_create(c, pods, "prod", pod("prod", "a"), NULL, &cause);
	p = pod("prod", "b");
	json_object_set_new(json_object_get(p, "spec"), "restartPolicy", json_string("Never"));
	json_object_set_new(p, "status", json_pack("{s:s,s:s}", "phase", "Running", "podIP",
	    "10.0.0.7"));
	sim_obj_create(c, pods, "prod", p, NULL, &cause);
	assert_int_equal(sim_history_since(c, pods, NULL, start, evs, 8), 2);
	v0 = evs[0]->object;
	v1 = evs[1]->object;
	assert_string_equal(json_string_value(json_object_get(json_object_get(v1, "status"),
	    "podIP")), "10.0.0.7");
	assert_string_equal(json_string_value(json_object_get(json_object_get(v1, "spec"),
	    "restartPolicy")), "Never");
	assert_null(json_object_get(json_object_get(v1, "spec"), "containers"));
	assert_ptr_equal(json_object_get(json_object_get(v0, "metadata"), "labels"),
	    json_object_get(json_object_get(v1, "metadata"), "labels"));
	sim_obj_foreach_json(c, pods, "prod", NULL, NULL, count_json, &n);
	assert_int_equal(n, 2);
	sim_free(sim);
}

/* The history keeps at most its bytes of event lines. */
static void
test_history_bytes(void **state)
{
	struct sim		*sim = sim_new();
	struct sim_cluster	*c = sim_add_cluster(sim, "a", "r", "primary", false);
	const struct kind *pods = kind_find_api("", "pods");
	const struct sim_event	*evs[64];
	char			*cause = NULL;
	uint64_t		 start;
	long			 n;
	size_t			 bytes = 0;
	int			 i;

	(void)state;
	sim_obj_create(c, pods, "prod", pod("prod", "x"), NULL, &cause);
	start = sim_store_rv(c);
	sim_store_set_history_bytes(c->store, 1000);
	add_pods(c, "p", 20);
	assert_int_equal(sim_history_since(c, pods, NULL, start, evs, 64), -1);
	n = sim_history_since(c, pods, NULL, sim_history_floor(c), evs, 64);
	assert_true(n > 0 && n < 20);
	for (i = 0; i < n; i++)
		bytes += strlen(evs[i]->line);
	assert_true(bytes <= 1000);
	assert_int_equal(evs[n - 1]->rv, sim_store_rv(c));
	sim_free(sim);
}

/* The events from since on are every change after since, oldest first,
 * the newest the store's resourceVersion. */
static void
assert_history_whole(struct sim_cluster *c, const struct kind *pods, uint64_t since,
    long want)
{
	const struct sim_event	*evs[128];
	long			 n, i;

	n = sim_history_since(c, pods, NULL, since, evs, 128);
	assert_int_equal(n, want);
	for (i = 0; i < n; i++)
		assert_int_equal(evs[i]->rv, since + 1 + (uint64_t)i);
	assert_int_equal(evs[n - 1]->rv, sim_store_rv(c));
}

/* The history grows as it is used, keeping its order when the oldest
 * events were dropped (by bytes) before it grew, and stops at its count. */
static void
test_history_grows(void **state)
{
	struct sim		*sim = sim_new();
	struct sim_cluster	*c = sim_add_cluster(sim, "a", "r", "primary", false);
	const struct kind *pods = kind_find_api("", "pods");
	uint64_t		 start;

	(void)state;
	/* room for about ten events: the oldest go while it is small */
	sim_store_set_history_bytes(c->store, 2000);
	add_pods(c, "a", 25);
	assert_true(sim_history_floor(c) > 1);
	start = sim_history_floor(c);
	sim_store_set_history_bytes(c->store, 1 << 20);
	add_pods(c, "b", 60);
	assert_history_whole(c, pods, start, (long)(sim_store_rv(c) - start));

	/* a count of 40: the ring grows to it, then drops the oldest */
	sim_store_set_history(c->store, 40);
	start = sim_store_rv(c);
	add_pods(c, "c", 100);
	assert_int_equal(sim_history_since(c, pods, NULL, start, NULL, 0), -1);
	assert_history_whole(c, pods, sim_store_rv(c) - 40, 40);
	sim_free(sim);
}

/* Events older than the history's freshness go as new ones come, the
 * newest SIM_HISTORY_MIN kept whatever their age; a watch from before them
 * is 410, one from within them whole. */
static void
test_history_fresh(void **state)
{
	struct sim		*sim = sim_new();
	struct sim_cluster	*c = sim_add_cluster(sim, "a", "r", "primary", false);
	const struct kind *pods = kind_find_api("", "pods");
	struct timespec		 pause = { 0, 300 * 1000 * 1000 };
	uint64_t		 start, mid;

	(void)state;
	sim_store_set_history_fresh(c->store, 0.2);
	start = sim_store_rv(c);
	add_pods(c, "a", SIM_HISTORY_MIN + 20);
	assert_history_whole(c, pods, start, SIM_HISTORY_MIN + 20);	/* all fresh */
	nanosleep(&pause, NULL);
	mid = sim_store_rv(c);
	add_pods(c, "b", 20);
	/* the stale ones went, but the newest SIM_HISTORY_MIN stay */
	assert_int_equal(sim_history_since(c, pods, NULL, start, NULL, 0), -1);
	assert_history_whole(c, pods, sim_store_rv(c) - SIM_HISTORY_MIN, SIM_HISTORY_MIN);
	assert_true(sim_history_floor(c) >= sim_store_rv(c) - SIM_HISTORY_MIN);
	/* fresh ones stay beyond that count */
	sim_store_set_history_fresh(c->store, 60);
	add_pods(c, "c", SIM_HISTORY_MIN);
	assert_history_whole(c, pods, mid, (long)(sim_store_rv(c) - mid));
	sim_free(sim);
}

/* The same seed gives the same uids; another seed, others. */
static void
test_seed(void **state)
{
	struct sim		*sim = sim_new();
	struct sim_cluster	*a = sim_add_cluster(sim, "a", "r", "primary", false);
	struct sim_cluster	*b = sim_add_cluster(sim, "b", "r", "primary", false);
	const struct kind *pods = kind_find_api("", "pods");
	json_t			*pa, *pb;
	char			*cause = NULL;

	(void)state;
	sim_store_seed(a, 42);
	sim_store_seed(b, 42);
	sim_obj_create(a, pods, "prod", pod("prod", "x"), &pa, &cause);
	sim_obj_create(b, pods, "prod", pod("prod", "x"), &pb, &cause);
	assert_string_equal(json_string_value(json_object_get(json_object_get(pa, "metadata"),
	    "uid")), json_string_value(json_object_get(json_object_get(pb, "metadata"), "uid")));
	sim_store_seed(b, 43);
	sim_obj_create(a, pods, "prod", pod("prod", "y"), &pa, &cause);
	sim_obj_create(b, pods, "prod", pod("prod", "y"), &pb, &cause);
	assert_string_not_equal(json_string_value(json_object_get(json_object_get(pa,
	    "metadata"), "uid")), json_string_value(json_object_get(json_object_get(pb,
	    "metadata"), "uid")));
	sim_free(sim);
}

/* Graceful deletion marks the object and removes it when due. */
static void
test_graceful(void **state)
{
	struct sim		*sim = sim_new();
	struct sim_cluster	*c = sim_add_cluster(sim, "a", "r", "primary", false);
	const struct kind *pods = kind_find_api("", "pods");
	json_t			*p;
	char			*cause = NULL;

	(void)state;
	sim_obj_create(c, pods, "prod", pod("prod", "a"), NULL, &cause);
	assert_int_equal(sim_obj_delete_graceful(c, pods, "prod", "a", 30, 100.0, &cause), 0);
	p = sim_obj_get(c, pods, "prod", "a");
	assert_non_null(p);
	assert_non_null(json_object_get(json_object_get(p, "metadata"), "deletionTimestamp"));
	assert_int_equal(json_integer_value(json_object_get(json_object_get(p, "metadata"),
	    "deletionGracePeriodSeconds")), 30);
	sim_store_reap(c, 99.0);
	assert_non_null(sim_obj_get(c, pods, "prod", "a"));
	sim_store_reap(c, 100.5);
	assert_null(sim_obj_get(c, pods, "prod", "a"));
	assert_int_equal(sim_obj_delete_graceful(c, pods, "prod", "a", 30, 1.0, &cause), 404);
	free(cause);
	sim_free(sim);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_create),
		cmocka_unit_test(test_replace),
		cmocka_unit_test(test_history),
		cmocka_unit_test(test_graceful),
		cmocka_unit_test(test_views),
		cmocka_unit_test(test_history_bytes),
		cmocka_unit_test(test_history_grows),
		cmocka_unit_test(test_history_fresh),
		cmocka_unit_test(test_seed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
