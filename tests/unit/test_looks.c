/* Drill looks: which views count as the first relevant view of a fault
 * (drill/looks.c), and what a console may send. The cases are written from
 * the scenarios' side: what an operator opening that view would see. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "opsdeck/sim_ctl.h"
#include "opsdeck/xmalloc.h"

/* A fault as ld_faults() would load it from "action: A, target: T". */
static struct scn_fault
fault(const char *action, const char *cluster, const char *ns, const char *name)
{
	struct scn_fault f;

	memset(&f, 0, sizeof f);
	f.action = (char *)action;
	f.cluster = (char *)cluster;
	f.ns = (char *)ns;
	f.name = (char *)name;
	f.injected = true;
	return f;
}

/* A look at view over the given clusters (NULL-terminated list; none:
 * every cluster). */
static struct drill_look
look(const char *view, const char *ns, const char *name, ...)
{
	struct drill_look l;
	const char *c;
	va_list ap;

	memset(&l, 0, sizeof l);
	l.view = view;
	l.ns = ns;
	l.name = name;
	va_start(ap, name);
	for (c = va_arg(ap, const char *); c != NULL; c = va_arg(ap, const char *))
		l.clusters[l.nclusters++] = c;
	va_end(ap);
	return l;
}

/* bad-rollout: backend in prod-tokyo/production crash-loops. */
static void
test_bad_rollout(void **state)
{
	struct scn_fault f = fault("set-image", "prod-tokyo", "production", "backend");
	const char *const names[] = { "backend", NULL };
	struct drill_look l;

	(void)state;
	/* the pods of the estate, all clusters: the crash loop is on screen */
	l = look("pods", NULL, NULL, NULL);
	assert_true(drill_look_relevant(&f, &l, names));
	/* the deployments of prod-tokyo in production */
	l = look("deployments", "production", NULL, "prod-tokyo", NULL);
	assert_true(drill_look_relevant(&f, &l, names));
	/* a crash-looping pod's log, and its ReplicaSet described */
	l = look("pods", "production", "backend-86759859d7-dbslj", "prod-tokyo", NULL);
	assert_true(drill_look_relevant(&f, &l, names));
	l = look("replicasets", "production", "backend-86759859d7", "prod-tokyo", NULL);
	assert_true(drill_look_relevant(&f, &l, names));
	/* firing alerts of prod-tokyo */
	l = look("alerts", NULL, NULL, "prod-tokyo", NULL);
	assert_true(drill_look_relevant(&f, &l, names));

	/* not the fault: another cluster, another namespace, another object,
	 * an unrelated kind, a name that only shares a prefix */
	l = look("pods", "production", NULL, "staging", NULL);
	assert_false(drill_look_relevant(&f, &l, names));
	l = look("pods", "monitoring", NULL, "prod-tokyo", NULL);
	assert_false(drill_look_relevant(&f, &l, names));
	l = look("pods", "production", "frontend-658b679f6-kbl6f", "prod-tokyo", NULL);
	assert_false(drill_look_relevant(&f, &l, names));
	l = look("nodes", NULL, NULL, "prod-tokyo", NULL);
	assert_false(drill_look_relevant(&f, &l, names));
	l = look("deployments", "production", "backend2", "prod-tokyo", NULL);
	assert_false(drill_look_relevant(&f, &l, names));
	l = look("backups", NULL, NULL, NULL);
	assert_false(drill_look_relevant(&f, &l, names));
	/* alerts of the DR cluster only do not show a Tokyo crash loop */
	l = look("alerts", NULL, NULL, "prod-osaka", NULL);
	assert_false(drill_look_relevant(&f, &l, names));
}

/* region-outage: prod-tokyo stops answering. */
static void
test_region_outage(void **state)
{
	struct scn_fault f = fault("cluster-unreachable", "prod-tokyo", NULL, NULL);
	struct drill_look l;

	(void)state;
	/* the contexts view shows the state of every cluster */
	l = look("contexts", NULL, NULL, NULL);
	assert_true(drill_look_relevant(&f, &l, NULL));
	/* ServiceDown fires on the DR cluster's Alertmanager */
	l = look("alerts", NULL, NULL, "prod-osaka", NULL);
	assert_true(drill_look_relevant(&f, &l, NULL));
	/* any view narrowed to the cluster that is down: its stale rows */
	l = look("deployments", "production", NULL, "prod-tokyo", NULL);
	assert_true(drill_look_relevant(&f, &l, NULL));
	l = look("backups", NULL, NULL, "prod-tokyo", NULL);
	assert_true(drill_look_relevant(&f, &l, NULL));

	/* the DR cluster's pods say nothing of Tokyo; a view over several
	 * clusters is not a look at the one that is down (every view's header
	 * shows its state: only a deliberate look counts) */
	l = look("pods", "production", NULL, "prod-osaka", NULL);
	assert_false(drill_look_relevant(&f, &l, NULL));
	l = look("backups", NULL, NULL, NULL);
	assert_false(drill_look_relevant(&f, &l, NULL));
	l = look("deployments", NULL, NULL, "prod-tokyo", "prod-osaka", NULL);
	assert_false(drill_look_relevant(&f, &l, NULL));
}

/* traffic-spike: backend-hpa at its maximum; backup-stale; a node down;
 * the database down. */
static void
test_other_faults(void **state)
{
	struct scn_fault load = fault("load", "prod-tokyo", "production", "backend-hpa");
	struct scn_fault bk = fault("backup-fail", "prod-tokyo", NULL, NULL);
	struct scn_fault node = fault("node-notready", "prod-tokyo", NULL, NULL);
	struct scn_fault db = fault("db-down", "prod-tokyo", NULL, NULL);
	const char *const hpa[] = { "backend-hpa", "backend", NULL };
	const char *const down[] = { "ip-10-0-1-12", NULL };
	const char *const dbpods[] = { "postgresql-0", "backend-6c8b7cf94c-68fzk", NULL };
	struct drill_look l;

	(void)state;
	l = look("horizontalpodautoscalers", "production", NULL, "prod-tokyo", NULL);
	assert_true(drill_look_relevant(&load, &l, hpa));
	/* the HPA's target deployment described */
	l = look("deployments", "production", "backend", "prod-tokyo", NULL);
	assert_true(drill_look_relevant(&load, &l, hpa));
	l = look("horizontalpodautoscalers", "production", "frontend-hpa", "prod-tokyo", NULL);
	assert_false(drill_look_relevant(&load, &l, hpa));

	l = look("backups", NULL, NULL, NULL);
	assert_true(drill_look_relevant(&bk, &l, NULL));
	l = look("schedules", "velero", "daily-production", "prod-tokyo", NULL);
	assert_true(drill_look_relevant(&bk, &l, NULL));
	l = look("pods", NULL, NULL, NULL);
	assert_false(drill_look_relevant(&bk, &l, NULL));

	l = look("nodes", NULL, NULL, "prod-tokyo", NULL);
	assert_true(drill_look_relevant(&node, &l, down));
	l = look("nodes", NULL, "ip-10-0-1-12", "prod-tokyo", NULL);
	assert_true(drill_look_relevant(&node, &l, down));
	l = look("nodes", NULL, "ip-10-0-3-40", "prod-tokyo", NULL);
	assert_false(drill_look_relevant(&node, &l, down));

	l = look("statefulsets", "production", "postgresql", "prod-tokyo", NULL);
	assert_true(drill_look_relevant(&db, &l, dbpods));
	l = look("pods", "production", "backend-6c8b7cf94c-68fzk", "prod-tokyo", NULL);
	assert_true(drill_look_relevant(&db, &l, dbpods));
	l = look("pods", "production", "redis-cluster-0", "prod-tokyo", NULL);
	assert_false(drill_look_relevant(&db, &l, dbpods));

	/* an action the rules do not know is never detected by a view */
	load.action = (char *)"unknown";
	l = look("pods", NULL, NULL, NULL);
	assert_false(drill_look_relevant(&load, &l, NULL));
}

/* Parse body text as a look; returns the parse status, *cause on error. */
static int
parse(const char *text, struct drill_look *l, json_t **body, char **cause)
{
	*body = json_loads(text, 0, NULL);
	assert_non_null(*body);
	return drill_look_parse(*body, l, cause);
}

/* What a console sends, and what is refused with a reason. */
static void
test_parse(void **state)
{
	struct drill_look l;
	json_t *body;
	char *cause = NULL, big[400], *text;
	size_t i;

	(void)state;
	assert_int_equal(parse("{\"view\":\"pods\",\"clusters\":[\"prod-tokyo\",\"dev\"],"
	    "\"namespace\":\"production\",\"name\":null,\"user\":\"ana\"}", &l, &body, &cause), 0);
	assert_string_equal(l.view, "pods");
	assert_int_equal(l.nclusters, 2);
	assert_string_equal(l.clusters[1], "dev");
	assert_string_equal(l.ns, "production");
	assert_null(l.name);
	assert_string_equal(l.user, "ana");
	json_decref(body);

	/* an empty namespace is no namespace (every one) */
	assert_int_equal(parse("{\"view\":\"pods\",\"namespace\":\"\"}", &l, &body, &cause), 0);
	assert_null(l.ns);
	assert_int_equal(l.nclusters, 0);
	json_decref(body);

	assert_int_equal(parse("{\"clusters\":[]}", &l, &body, &cause), -1);
	assert_string_equal(cause, "view is required");
	free(cause);
	json_decref(body);
	assert_int_equal(parse("[1]", &l, &body, &cause), -1);
	free(cause);
	json_decref(body);
	assert_int_equal(parse("{\"view\":\"pods\",\"clusters\":\"prod-tokyo\"}", &l, &body,
	    &cause), -1);
	assert_non_null(strstr(cause, "clusters"));
	free(cause);
	json_decref(body);
	assert_int_equal(parse("{\"view\":\"pods\",\"clusters\":[\"\"]}", &l, &body, &cause), -1);
	free(cause);
	json_decref(body);
	assert_int_equal(parse("{\"view\":\"pods\",\"name\":7}", &l, &body, &cause), -1);
	assert_non_null(strstr(cause, "name"));
	free(cause);
	json_decref(body);

	/* over-long strings and too many clusters are refused, not cut */
	memset(big, 'a', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	text = xasprintf("{\"view\":\"%s\"}", big);
	assert_int_equal(parse(text, &l, &body, &cause), -1);
	free(cause);
	free(text);
	json_decref(body);
	body = json_pack("{s:s,s:[]}", "view", "pods", "clusters");
	for (i = 0; i <= DRILL_LOOK_CLUSTERS_MAX; i++)
		json_array_append_new(json_object_get(body, "clusters"), json_string("c"));
	assert_int_equal(drill_look_parse(body, &l, &cause), -1);
	free(cause);
	json_array_remove(json_object_get(body, "clusters"), 0);
	assert_int_equal(drill_look_parse(body, &l, &cause), 0);
	assert_int_equal(l.nclusters, DRILL_LOOK_CLUSTERS_MAX);
	json_decref(body);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bad_rollout),
		cmocka_unit_test(test_region_outage),
		cmocka_unit_test(test_other_faults),
		cmocka_unit_test(test_parse),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
