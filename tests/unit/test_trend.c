/* Trends: the ring keeps exactly TREND_SAMPLES samples, sparklines scale to
 * the largest sample (or a floor) in Unicode blocks or ASCII marks, one
 * cell per share of the window; sampling the store sums a deployment's pod
 * restarts, reads HPA replicas and utilisation, node usage from
 * metrics.k8s.io rows and counts firing alerts; series unseen for the
 * window are dropped. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "opsdeck/printers.h"
#include "opsdeck/store.h"
#include "opsdeck/trend.h"
#include "opsdeck/xmalloc.h"

/* The ring wraps: the newest TREND_SAMPLES stay, in order. */
static void
test_ring(void **state)
{
	struct trend t;
	unsigned i;

	(void)state;
	memset(&t, 0, sizeof t);
	for (i = 0; i < TREND_SAMPLES + 10; i++)
		trend_push(&t, (double)i);
	assert_int_equal(t.n, TREND_SAMPLES);
	assert_true(trend_at(&t, 0) == (double)(TREND_SAMPLES + 9));
	assert_true(trend_at(&t, TREND_SAMPLES - 1) == 10.0);
	assert_int_equal(sizeof t.v / sizeof t.v[0], TREND_SAMPLES);
}

/* One sample per cell when the width is the window: levels from 0 to the
 * largest, blanks before the first sample. */
static void
test_spark_levels(void **state)
{
	struct trend t;
	char *s;

	(void)state;
	memset(&t, 0, sizeof t);
	trend_push(&t, 0);
	trend_push(&t, 5);
	trend_push(&t, 10);
	trend_push(&t, 20);
	s = trend_spark(&t, TREND_SAMPLES, 0, true);
	assert_int_equal(strlen(s), TREND_SAMPLES);
	assert_string_equal(s + TREND_SAMPLES - 5, " _.-#");
	free(s);
	s = trend_spark(&t, TREND_SAMPLES, 0, false);
	assert_string_equal(s + TREND_SAMPLES - 5, " \xe2\x96\x81\xe2\x96\x83\xe2\x96\x85"
	    "\xe2\x96\x88");
	free(s);
	/* a floor (a target) above every sample keeps them low */
	s = trend_spark(&t, TREND_SAMPLES, 40, true);
	assert_string_equal(s + TREND_SAMPLES - 5, " _..-");
	free(s);
	/* nothing yet: blank */
	s = trend_spark(NULL, 4, 0, true);
	assert_string_equal(s, "    ");
	free(s);
}

/* A narrow sparkline shows the window: each cell the largest of its share
 * of samples (6 of 90 in 15 cells), cut at fixed rounds so that cells do
 * not shift as samples arrive; the window's oldest partial share is left
 * out. */
static void
test_spark_window(void **state)
{
	struct trend t;
	unsigned i;
	char *s;

	(void)state;
	memset(&t, 0, sizeof t);
	/* rounds 1..90; the spike at round 11 (share 1 of 0..15) */
	for (i = 1; i <= TREND_SAMPLES; i++)
		trend_push(&t, i == 11 ? 8 : 1);
	s = trend_spark(&t, 15, 0, true);
	assert_string_equal(s, "#..............");
	free(s);
	/* round 91 joins the newest cell: nothing moves */
	trend_push(&t, 1);
	s = trend_spark(&t, 15, 0, true);
	assert_string_equal(s, "#..............");
	free(s);
	/* round 96 opens a new cell: the spike's cell leaves on the left */
	for (i = 92; i <= 96; i++)
		trend_push(&t, i == 96 ? 4 : 1);
	s = trend_spark(&t, 15, 0, true);
	assert_string_equal(s, "..............#");
	free(s);
}

/* A pod of deployment dep (through replica set dep-7c9d) with restarts. */
static json_t *
pod(const char *name, const char *rs, int restarts)
{
	return json_pack("{s:{s:s,s:s,s:s,s:s,s:[{s:s,s:s,s:s,s:b}]},"
	    "s:{s:[{s:s}]},s:{s:s,s:[{s:s,s:b,s:i,s:{s:{}}}]}}",
	    "metadata", "name", name, "namespace", "prod", "uid", name,
	    "creationTimestamp", "2026-01-01T00:00:00Z", "ownerReferences", "kind",
	    "ReplicaSet", "name", rs, "uid", "rs-uid", "controller", 1,
	    "spec", "containers", "name", "app", "status", "phase", "Running",
	    "containerStatuses", "name", "app", "ready", 1, "restartCount", restarts, "state",
	    "running");
}

static void
test_sample(void **state)
{
	struct store *st = store_new();
	struct trends *ts = trends_new();
	json_t *o;
	size_t c;
	unsigned i;
	const struct trend *t;

	(void)state;
	c = store_add_cluster(st, "prod");
	o = json_pack("{s:{s:s,s:s,s:s},s:{s:i},s:{s:i}}", "metadata", "name", "web",
	    "namespace", "prod", "uid", "d1", "spec", "replicas", 2, "status", "replicas", 2);
	store_upsert(st, c, "deployments", o);
	json_decref(o);
	o = pod("web-7c9d-a", "web-7c9d", 3);
	store_upsert(st, c, "pods", o);
	json_decref(o);
	o = pod("web-7c9d-b", "web-7c9d", 4);
	store_upsert(st, c, "pods", o);
	json_decref(o);
	/* an orphan replica set's pod counts for no deployment */
	o = pod("batch-5f5f-x", "batch-5f5f", 9);
	store_upsert(st, c, "pods", o);
	json_decref(o);
	o = json_pack("{s:{s:s,s:s,s:s},s:{s:{s:s,s:s},s:i,s:i,s:[{s:s,s:{s:s,s:{s:s,s:i}}}]},"
	    "s:{s:i,s:[{s:s,s:{s:s,s:{s:i}}}]}}", "metadata", "name", "web-hpa", "namespace",
	    "prod", "uid", "h1", "spec", "scaleTargetRef", "kind", "Deployment", "name", "web",
	    "minReplicas", 2, "maxReplicas", 10, "metrics", "type", "Resource", "resource",
	    "name", "cpu", "target", "type", "Utilization", "averageUtilization", 60,
	    "status", "currentReplicas", 4, "currentMetrics", "type", "Resource", "resource",
	    "name", "cpu", "current", "averageUtilization", 85);
	store_upsert(st, c, "horizontalpodautoscalers", o);
	json_decref(o);
	o = json_pack("{s:{s:s},s:{s:s,s:s}}", "metadata", "name", "node-1", "usage", "cpu",
	    "1500000000n", "memory", "2097152Ki");
	store_upsert(st, c, "nodes.metrics.k8s.io", o);
	json_decref(o);
	store_relist_begin(st, c, "alerts");
	o = json_pack("{s:s,s:{s:s,s:s},s:{s:s},s:s}", "fingerprint", "f1", "labels",
	    "alertname", "HighLatency", "severity", "warning", "status", "state", "active",
	    "startsAt", "2026-01-01T00:00:00Z");
	store_upsert(st, c, "alerts", o);
	json_decref(o);
	store_relist_end(st, c, "alerts");

	/* usage rows have no uid: found by "namespace/name" */
	assert_non_null(store_get_key(st, c, "nodes.metrics.k8s.io", "/node-1"));
	assert_string_equal(store_get_key(st, c, "nodes.metrics.k8s.io", "/node-1")->cells[1].text,
	    "1500m");
	assert_null(store_get_key(st, c, "nodes.metrics.k8s.io", "/node-2"));

	trends_sample(ts, st);
	t = trends_get(ts, "restarts/0/prod/web");
	assert_non_null(t);
	assert_true(trend_at(t, 0) == 7.0);
	assert_null(trends_get(ts, "restarts/0/prod/batch"));
	t = trends_get(ts, "hpa-replicas/0/prod/web-hpa");
	assert_non_null(t);
	assert_true(trend_at(t, 0) == 4.0);
	assert_true(trend_at(trends_get(ts, "hpa-current/0/prod/web-hpa"), 0) == 85.0);
	assert_true(trend_at(trends_get(ts, "hpa-target/0/prod/web-hpa"), 0) == 60.0);
	assert_true(trend_at(trends_get(ts, "node-cpu/0//node-1"), 0) == 1500.0);
	assert_true(trend_at(trends_get(ts, "cluster-cpu/0"), 0) == 1500.0);
	assert_true(trend_at(trends_get(ts, "alerts/0"), 0) == 1.0);

	/* a second round adds a sample; it does not add to the first */
	trends_sample(ts, st);
	t = trends_get(ts, "restarts/0/prod/web");
	assert_int_equal(t->n, 2);
	assert_true(trend_at(t, 0) == 7.0);

	/* a deployment gone for the whole window goes */
	o = json_pack("{s:{s:s,s:s,s:s}}", "metadata", "name", "web", "namespace", "prod",
	    "uid", "d1");
	store_remove(st, c, "deployments", o);
	json_decref(o);
	for (i = 0; i <= TREND_SAMPLES; i++)
		trends_sample(ts, st);
	assert_null(trends_get(ts, "restarts/0/prod/web"));
	assert_non_null(trends_get(ts, "alerts/0"));
	trends_free(ts);
	store_free(st);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ring),
		cmocka_unit_test(test_spark_levels),
		cmocka_unit_test(test_spark_window),
		cmocka_unit_test(test_sample),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
