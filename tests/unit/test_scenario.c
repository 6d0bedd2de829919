/* Scenario files: YAML errors carry line and column, semantic errors point
 * at the offending node, the shipped scenarios load, and their faults and
 * resolved_when conditions behave (bad-rollout, region-outage,
 * traffic-spike, backup-stale, db-connection-failure) with the clock driven
 * directly. Also the generator. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "opsdeck/json_util.h"
#include "opsdeck/sim.h"
#include "opsdeck/sim_ctl.h"
#include "opsdeck/xmalloc.h"

/* Ticks a test waits at most. */
#define MAX_TICKS	6000

/* The shipped scenario directory (tests run from the repository root). */
static const char *
scenario_dir(void)
{
	const char	*env = getenv("OPSDECK_SCENARIOS");

	return env != NULL && *env != '\0' ? env : "drill/scenarios";
}

/* Load a shipped scenario into a new estate or fail. */
static struct sim *
load(const char *name, double speed)
{
	struct sim	*sim = sim_new();
	char		*path, *cause = NULL;

	sim->speed = speed;
	path = xasprintf("%s/%s.yaml", scenario_dir(), name);
	if (scenario_load(sim, path, &cause) != 0)
		fail_msg("%s: %s", path, cause);
	free(path);
	return sim;
}

/* Load YAML text from a temporary file; returns the load status. */
static int
load_text(const char *text, char **cause)
{
	struct sim	*sim = sim_new();
	char		 path[] = "/tmp/opsdeck-scn-XXXXXX.yaml";
	int		 fd, rc;

	fd = mkstemps(path, 5);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	*cause = NULL;
	rc = scenario_load(sim, path, cause);
	unlink(path);
	sim_free(sim);
	return rc;
}

/* Syntax errors name the line and column. */
static void
test_yaml_errors_have_lines(void **state)
{
	char	*cause = NULL;
	json_t	*v;

	(void)state;
	v = scn_yaml_parse("name: x\nclusters: [a, b\nfaults: 1\n", 34, "t.yaml", &cause);
	assert_null(v);
	assert_non_null(cause);
	assert_non_null(strstr(cause, "t.yaml: line 3"));
	free(cause);
	cause = NULL;
	v = scn_yaml_parse("a:\n  - b\n - c\n", 14, "t.yaml", &cause);
	assert_null(v);
	assert_non_null(strstr(cause, "line 3, column 2"));
	free(cause);
	cause = NULL;
	v = scn_yaml_parse("a: \"unterminated\n", 17, "t.yaml", &cause);
	assert_null(v);
	assert_non_null(strstr(cause, "line 2"));
	free(cause);
	/* Types: plain scalars are typed, quoted ones stay strings. */
	cause = NULL;
	v = scn_yaml_parse("a: 5\nb: \"5\"\nc: true\nd: ~\ne: 1.5\n", 30, "t.yaml", &cause);
	assert_non_null(v);
	assert_true(json_is_integer(json_object_get(v, "a")));
	assert_true(json_is_string(json_object_get(v, "b")));
	assert_true(json_is_true(json_object_get(v, "c")));
	assert_true(json_is_null(json_object_get(v, "d")));
	assert_true(json_is_real(json_object_get(v, "e")));
	json_decref(v);
}

/* Semantic errors point at the node. */
static void
test_semantic_errors(void **state)
{
	char	*cause = NULL;

	(void)state;
	assert_int_not_equal(load_text("name: x\nclusters:\n  - name: a\n    role: boss\n",
	    &cause), 0);
	assert_non_null(strstr(cause, "line 4, column 11"));
	assert_non_null(strstr(cause, "role must be"));
	free(cause);
	assert_int_not_equal(load_text("clusters:\n  - name: a\nfaults:\n  - at: 5\n"
	    "    action: explode\n    target: a\n", &cause), 0);
	assert_non_null(strstr(cause, "line 5"));
	assert_non_null(strstr(cause, "unknown fault action \"explode\""));
	free(cause);
	assert_int_not_equal(load_text("clusters:\n  - name: a\nalerts:\n  - name: X\n"
	    "    expr: nonsense_metric > 1\n", &cause), 0);
	assert_non_null(strstr(cause, "line 5"));
	assert_non_null(strstr(cause, "unknown metric"));
	free(cause);
	assert_int_not_equal(load_text("clusters:\n  - name: a\nfaults:\n  - at: 1\n"
	    "    action: db-down\n    target: nowhere\n", &cause), 0);
	assert_non_null(strstr(cause, "line 6"));
	assert_non_null(strstr(cause, "nowhere"));
	free(cause);
	assert_int_not_equal(load_text("clusters: []\n", &cause), 0);
	assert_non_null(strstr(cause, "at least one cluster"));
	free(cause);
	assert_int_not_equal(load_text("- just\n- a list\n", &cause), 0);
	assert_non_null(strstr(cause, "mapping"));
	free(cause);
	/* Alias expansion is bounded. */
	assert_int_not_equal(load_text("a: &a [x, x, x, x, x, x, x, x, x, x]\n"
	    "b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
	    "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\n"
	    "d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
	    "e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\n"
	    "f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]\n", &cause), 0);
	assert_non_null(strstr(cause, "too many"));
	free(cause);
	/* Unknown names are not found. */
	{
		struct sim *sim = sim_new();

		assert_int_not_equal(scenario_load(sim, "no-such-scenario", &cause), 0);
		assert_non_null(strstr(cause, "not found"));
		free(cause);
		sim_free(sim);
	}
}

/* Find a firing alert by name on a cluster. */
static bool
firing(struct sim_cluster *c, const char *name)
{
	struct sim_ctl	*ctl = ctl_get(c);
	size_t		 i;

	for (i = 0; i < ctl->nalerts; i++) {
		struct ctl_alert *a = ctl->alerts[i];

		if (a->firing && !a->resolved && strcmp(json_string_value(json_object_get(
		    a->labels, "alertname")), name) == 0)
			return true;
	}
	return false;
}

/* The status document's resolved flag. */
static bool
resolved(struct sim *sim)
{
	json_t	*st = sim_drill_status(sim);
	bool	 r = json_is_true(json_object_get(st, "resolved"));

	json_decref(st);
	return r;
}

/* The estate loads with its four clusters and its workloads come up. */
static void
test_estate(void **state)
{
	struct sim		*sim = load("estate", 10);
	struct sim_cluster	*tokyo = sim_cluster_find(sim, "prod-tokyo");
	struct sim_cluster	*osaka = sim_cluster_find(sim, "prod-osaka");
	json_t			*d, *st;
	int			 t;

	(void)state;
	assert_int_equal(sim->nclusters, 4);
	assert_non_null(tokyo);
	assert_non_null(osaka);
	assert_string_equal(tokyo->role, "primary");
	assert_true(tokyo->protected_ctx);
	assert_string_equal(osaka->region, "ap-northeast-3");
	d = sim_obj_get(tokyo, kind_find_api("apps", "deployments"), "production",
	    "backend");
	assert_non_null(d);
	for (t = 0; t < MAX_TICKS && json_path_int(d, "status.availableReplicas", 0) < 5; t++)
		sim_tick(sim, 0.2);
	assert_int_equal(json_path_int(d, "status.availableReplicas", 0), 5);
	d = sim_obj_get(osaka, kind_find_api("apps", "deployments"), "production",
	    "backend");
	assert_non_null(d);
	assert_int_equal(json_path_int(d, "spec.replicas", -1), 0);
	assert_non_null(sim_obj_get(tokyo, kind_find_api("apps", "statefulsets"),
	    "production", "redis-cluster"));
	assert_int_equal(sim_obj_count(tokyo, kind_find_api("velero.io", "backups"),
	    "velero"), 3);
	st = sim_drill_status(sim);
	assert_string_equal(json_string_value(json_object_get(st, "scenario")), "estate");
	assert_int_equal(json_array_size(json_object_get(st, "clusters")), 4);
	assert_false(json_is_true(json_object_get(st, "resolved")));
	json_decref(st);
	sim_free(sim);
}

/* bad-rollout: crash loop alerts fire; reverting the image resolves it. */
static void
test_bad_rollout(void **state)
{
	struct sim		*sim = load("bad-rollout", 10);
	struct sim_cluster	*c = sim_cluster_find(sim, "prod-tokyo");
	const struct kind *res = kind_find_api("apps", "deployments");
	json_t			*d, *ctr, *st;
	char			*good;
	int			 t;

	(void)state;
	d = sim_obj_get(c, res, "production", "backend");
	ctr = json_array_get(json_object_get(json_object_get(json_object_get(json_object_get(d,
	    "spec"), "template"), "spec"), "containers"), 0);
	good = xstrdup(json_string_value(json_object_get(ctr, "image")));
	for (t = 0; t < MAX_TICKS && !(firing(c, "PodCrashLooping") &&
	    firing(c, "HighErrorRate")); t++)
		sim_tick(sim, 0.2);
	assert_true(firing(c, "PodCrashLooping"));
	assert_true(firing(c, "HighErrorRate"));
	assert_non_null(strstr(json_string_value(json_object_get(ctr, "image")), "bad"));
	assert_false(resolved(sim));
	/* The rollback. */
	json_object_set_new(ctr, "image", json_string(good));
	free(good);
	sim_obj_modified(c, res, d, true);
	for (t = 0; t < MAX_TICKS && !resolved(sim); t++)
		sim_tick(sim, 0.2);
	assert_true(resolved(sim));
	st = sim_drill_status(sim);
	assert_true(json_is_string(json_object_get(st, "resolvedAt")));
	assert_true(json_is_integer(json_object_get(st, "timeToMitigateSeconds")));
	assert_true(json_is_string(json_object_get(json_array_get(json_object_get(st, "faults"),
	    0), "injected")));
	json_decref(st);
	for (t = 0; t < 200 && firing(c, "PodCrashLooping"); t++)
		sim_tick(sim, 0.2);
	assert_false(firing(c, "PodCrashLooping"));
	sim_free(sim);
}

/* Scale every production deployment of the DR cluster to the primary's counts. */
static int
scale_up(json_t *d, void *arg)
{
	struct sim_cluster	*c = arg;
	struct sim_cluster	*p = sim_cluster_find(c->sim, "prod-tokyo");
	json_t			*pd;

	pd = sim_obj_get(p, kind_find_api("apps", "deployments"), "production",
	    json_path_str(d, "metadata.name"));
	if (pd == NULL)
		return 0;
	ctl_set(d, "spec.replicas", json_integer(json_path_int(pd, "spec.replicas", 1)));
	sim_obj_modified(c, kind_find_api("apps", "deployments"), d, true);
	return 0;
}

/* region-outage: the primary refuses; ServiceDown fires on the DR; scaling
 * the DR resolves it. */
static void
test_region_outage(void **state)
{
	struct sim		*sim = load("region-outage", 10);
	struct sim_cluster	*tokyo = sim_cluster_find(sim, "prod-tokyo");
	struct sim_cluster	*osaka = sim_cluster_find(sim, "prod-osaka");
	int			 t;

	(void)state;
	assert_int_equal(tokyo->reach, SIM_REACH_OK);
	for (t = 0; t < MAX_TICKS && !firing(osaka, "ServiceDown"); t++)
		sim_tick(sim, 0.2);
	assert_int_equal(tokyo->reach, SIM_REACH_REFUSE);
	assert_true(firing(osaka, "ServiceDown"));
	assert_false(resolved(sim));
	sim_obj_foreach(osaka, kind_find_api("apps", "deployments"), "production", scale_up,
	    osaka);
	for (t = 0; t < MAX_TICKS && !resolved(sim); t++)
		sim_tick(sim, 0.2);
	assert_true(resolved(sim));
	sim_free(sim);
}

/* traffic-spike: the HPA pins at max; raising maxReplicas resolves it. */
static void
test_traffic_spike(void **state)
{
	struct sim		*sim = load("traffic-spike", 30);
	struct sim_cluster	*c = sim_cluster_find(sim, "prod-tokyo");
	json_t			*hpa;
	int			 t;

	(void)state;
	hpa = sim_obj_get(c, kind_find_api("autoscaling", "horizontalpodautoscalers"),
	    "production", "backend-hpa");
	assert_non_null(hpa);
	for (t = 0; t < MAX_TICKS && !firing(c, "HPAMaxedOut"); t++)
		sim_tick(sim, 0.2);
	assert_true(firing(c, "HPAMaxedOut"));
	assert_int_equal(json_path_int(hpa, "status.currentReplicas", 0), 20);
	assert_false(resolved(sim));
	ctl_set(hpa, "spec.maxReplicas", json_integer(40));
	sim_obj_modified(c, kind_find_api("autoscaling", "horizontalpodautoscalers"), hpa,
	    true);
	for (t = 0; t < MAX_TICKS && !resolved(sim); t++)
		sim_tick(sim, 0.2);
	assert_true(resolved(sim));
	/* It now scales past the old ceiling (24 pods of demand at 70 %: 35). */
	for (t = 0; t < MAX_TICKS && json_path_int(hpa, "status.currentReplicas", 0) < 35; t++)
		sim_tick(sim, 0.2);
	assert_int_equal(json_path_int(hpa, "status.currentReplicas", 0), 35);
	sim_free(sim);
}

/* backup-stale: BackupStale fires; a Velero backup resolves it. */
static void
test_backup_stale(void **state)
{
	struct sim		*sim = load("backup-stale", 10);
	struct sim_cluster	*c = sim_cluster_find(sim, "prod-tokyo");
	char			*cause = NULL;
	int			 t;

	(void)state;
	for (t = 0; t < MAX_TICKS && !firing(c, "BackupStale"); t++)
		sim_tick(sim, 0.2);
	assert_true(firing(c, "BackupStale"));
	assert_true(ctl_get(c)->backup_fail);
	assert_int_equal(sim_obj_create(c, kind_find_api("velero.io", "backups"), "velero",
	    json_pack("{s:{s:s},s:{s:[s]}}", "metadata", "name", "now-1", "spec",
	    "includedNamespaces", "production"), NULL, &cause), 0);
	for (t = 0; t < MAX_TICKS && !resolved(sim); t++)
		sim_tick(sim, 0.2);
	assert_true(resolved(sim));
	for (t = 0; t < 100 && firing(c, "BackupStale"); t++)
		sim_tick(sim, 0.2);
	assert_false(firing(c, "BackupStale"));
	sim_free(sim);
}

/* db-connection-failure: the database alert fires and backend loses
 * readiness; deleting the database pod brings it back. */
static void
test_db_failure(void **state)
{
	struct sim		*sim = load("db-connection-failure", 10);
	struct sim_cluster	*c = sim_cluster_find(sim, "prod-tokyo");
	json_t			*d;
	char			*cause = NULL;
	int			 t;

	(void)state;
	d = sim_obj_get(c, kind_find_api("apps", "deployments"), "production", "backend");
	for (t = 0; t < MAX_TICKS && !firing(c, "DatabaseConnectionFailure"); t++)
		sim_tick(sim, 0.2);
	assert_true(firing(c, "DatabaseConnectionFailure"));
	for (t = 0; t < MAX_TICKS && json_path_int(d, "status.availableReplicas", 0) > 0; t++)
		sim_tick(sim, 0.2);
	assert_int_equal(json_path_int(d, "status.availableReplicas", -1), 0);
	assert_int_equal(sim_obj_delete(c, kind_find_api("", "pods"), "production",
	    "postgresql-0", &cause), 0);
	for (t = 0; t < MAX_TICKS && !resolved(sim); t++)
		sim_tick(sim, 0.2);
	assert_true(resolved(sim));
	assert_int_equal(json_path_int(d, "status.availableReplicas", 0), 5);
	sim_free(sim);
}

/* The first node. */
static int
first_node(json_t *node, void *arg)
{
	*(json_t **)arg = node;
	return 1;
}

/* Load YAML text into a new estate (speed 10) or fail. */
static struct sim *
load_keep(const char *text)
{
	struct sim	*sim = sim_new();
	char		 path[] = "/tmp/opsdeck-scn-XXXXXX.yaml", *cause = NULL;
	int		 fd;

	sim->speed = 10;
	fd = mkstemps(path, 5);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	if (scenario_load(sim, path, &cause) != 0)
		fail_msg("%s", cause);
	unlink(path);
	return sim;
}

/* Count pods on a node that are Ready. */
struct on_node {
	const char	*node;
	int		 pods, ready;
};

/* Count one pod. */
static int
on_node_one(json_t *pod, void *arg)
{
	struct on_node	*o = arg;

	if (json_path_str(pod, "spec.nodeName") == NULL || strcmp(json_path_str(pod, "spec.nodeName"),
	    o->node) != 0)
		return 0;
	o->pods++;
	if (ctl_pod_ready(pod))
		o->ready++;
	return 0;
}

/* The Ready condition status of a node. */
static const char *
node_ready(json_t *node)
{
	json_t	*cd;
	size_t	 i;

	json_array_foreach(json_object_get(json_object_get(node, "status"), "conditions"), i,
	    cd) {
		if (strcmp(json_path_str(cd, "type"), "Ready") == 0)
			return json_path_str(cd, "status");
	}
	return "";
}

/* node-notready: the node goes Unknown with the unreachable taint, its pods
 * lose readiness and NodeNotReady fires; after the duration all recovers. */
static void
test_node_notready(void **state)
{
	struct sim		*sim = load_keep("clusters:\n  - name: a\n    nodes:\n"
	    "      - {group: general, count: 1, zones: [z1]}\n"
	    "daemonsets:\n  - {name: agent, namespace: kube-system, image: fluent-bit:2}\n"
	    "alerts:\n  - {name: NodeNotReady, expr: node_not_ready > 0, for: 2}\n"
	    "faults:\n  - {at: 10, action: node-notready, target: a, value: 1, duration: 60}\n");
	struct sim_cluster	*c = sim_cluster_find(sim, "a");
	json_t			*node = NULL;
	struct on_node		 o;
	int			 t;

	(void)state;
	sim_obj_foreach(c, kind_find_api("", "nodes"), NULL, first_node, &node);
	assert_non_null(node);
	o.node = json_path_str(node, "metadata.name");
	for (t = 0; t < MAX_TICKS; t++) {
		sim_tick(sim, 0.1);
		o.pods = o.ready = 0;
		sim_obj_foreach(c, kind_find_api("", "pods"), NULL, on_node_one, &o);
		if (o.ready == 1)
			break;
	}
	assert_int_equal(o.ready, 1);
	assert_string_equal(node_ready(node), "True");
	for (t = 0; t < MAX_TICKS && !firing(c, "NodeNotReady"); t++)
		sim_tick(sim, 0.1);
	assert_true(firing(c, "NodeNotReady"));
	assert_string_equal(node_ready(node), "Unknown");
	assert_string_equal(json_path_str(json_array_get(json_object_get(json_object_get(node, "spec"),
	    "taints"), 0), "key"), "node.kubernetes.io/unreachable");
	o.pods = o.ready = 0;
	sim_obj_foreach(c, kind_find_api("", "pods"), NULL, on_node_one, &o);
	assert_int_equal(o.pods, 1);
	assert_int_equal(o.ready, 0);
	for (t = 0; t < MAX_TICKS && firing(c, "NodeNotReady"); t++)
		sim_tick(sim, 0.1);
	assert_false(firing(c, "NodeNotReady"));
	assert_string_equal(node_ready(node), "True");
	sim_free(sim);
}

/* An HPA load curve changes the demand on schedule; its points are not
 * faults in the status document. */
static void
test_load_curve(void **state)
{
	struct sim		*sim = load_keep("clusters:\n  - name: a\n"
	    "deployments:\n  - {name: web, replicas: 2, image: web:1}\n"
	    "hpas:\n  - name: web\n    target: web\n    min: 2\n    max: 8\n    cpu: 50\n"
	    "    load: 1\n    load_curve: [{at: 30, value: 3}]\n");
	struct sim_cluster	*c = sim_cluster_find(sim, "a");
	json_t			*hpa, *st;
	int			 t;

	(void)state;
	hpa = sim_obj_get(c, kind_find_api("autoscaling", "horizontalpodautoscalers"),
	    "default", "web");
	assert_non_null(hpa);
	for (t = 0; t < 10; t++)	/* 20 simulated seconds at speed 10 */
		sim_tick(sim, 0.2);
	assert_int_equal(json_path_int(hpa, "status.currentReplicas", 0), 2);
	for (t = 0; t < MAX_TICKS && json_path_int(hpa, "status.currentReplicas", 0) != 6; t++)
		sim_tick(sim, 0.2);
	assert_int_equal(json_path_int(hpa, "status.currentReplicas", 0), 6);
	st = sim_drill_status(sim);
	assert_int_equal(json_array_size(json_object_get(st, "faults")), 0);
	json_decref(st);
	sim_free(sim);
}

/* Count pods that are Running. */
static int
running(json_t *pod, void *arg)
{
	if (json_path_str(pod, "status.phase") != NULL &&
	    strcmp(json_path_str(pod, "status.phase"), "Running") == 0)
		(*(size_t *)arg)++;
	return 0;
}

/* The generator makes N clusters of M pods. */
static void
test_generate(void **state)
{
	struct sim	*sim = sim_new();
	char		*cause = NULL;
	size_t		 n = 0, i;
	int		 t;

	(void)state;
	assert_int_not_equal(scenario_generate(sim, "clusters=0", &cause), 0);
	free(cause);
	assert_int_not_equal(scenario_generate(sim, "pods=x", &cause), 0);
	free(cause);
	assert_int_equal(scenario_generate(sim, "clusters=2,pods=520", &cause), 0);
	assert_int_equal(sim->nclusters, 2);
	for (t = 0; t < 200; t++) {
		sim_tick(sim, 0.5);
		n = 0;
		for (i = 0; i < sim->nclusters; i++)
			sim_obj_foreach(sim->clusters[i], kind_find_api("", "pods"), NULL,
			    running, &n);
		if (n == 1040)
			break;
	}
	assert_int_equal(n, 1040);
	sim_free(sim);
}

/* Sums restarts and counts pods not Ready. */
struct churn_count {
	size_t	pods, unready;
	long	restarts;
};

static int
churn_counted(json_t *pod, void *arg)
{
	struct churn_count	*cc = arg;

	cc->pods++;
	if (!json_condition_true(pod, "Ready"))
		cc->unready++;
	cc->restarts += (long)json_path_int(pod, "status.containerStatuses.0.restartCount", 0);
	return 0;
}

/* churn=E adds about E watch events a second to a steady generated estate:
 * Ready flips, restarts and pods replaced for their ReplicaSet. */
static void
test_generate_churn(void **state)
{
	struct sim		*sim = sim_new();
	struct sim_cluster	*c;
	const struct kind	*pods = kind_find_api("", "pods");
	const struct sim_event	*evs[1024];
	struct churn_count	 cc = { 0, 0, 0 };
	char			*cause = NULL;
	uint64_t		 rv;
	long			 n, i, added = 0, deleted = 0, modified = 0;
	int			 t;

	(void)state;
	assert_int_not_equal(scenario_generate(sim, "churn=100001", &cause), 0);
	assert_non_null(strstr(cause, "churn"));
	free(cause);
	assert_int_equal(scenario_generate(sim, "clusters=1,pods=60,churn=400", &cause), 0);
	c = sim->clusters[0];
	rv = sim_store_rv(c);
	for (t = 0; t < 5; t++)
		sim_tick(sim, 0.1);
	n = sim_history_since(c, pods, NULL, rv, evs, 1024);
	assert_true(n > 0);
	for (i = 0; i < n; i++) {
		if (strcmp(evs[i]->type, "ADDED") == 0)
			added++;
		else if (strcmp(evs[i]->type, "DELETED") == 0)
			deleted++;
		else
			modified++;
	}
	/* about 400/s for half a second, give or take what the controllers add */
	assert_true(added + deleted + modified >= 150);
	assert_true(modified > 0 && deleted > 0 && added >= deleted);
	sim_obj_foreach(c, pods, NULL, churn_counted, &cc);
	assert_int_equal(cc.pods, 60);	/* replaced, not lost */
	assert_true(cc.restarts > 0);
	sim_free(sim);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_yaml_errors_have_lines),
		cmocka_unit_test(test_semantic_errors),
		cmocka_unit_test(test_estate),
		cmocka_unit_test(test_bad_rollout),
		cmocka_unit_test(test_region_outage),
		cmocka_unit_test(test_traffic_spike),
		cmocka_unit_test(test_backup_stale),
		cmocka_unit_test(test_db_failure),
		cmocka_unit_test(test_node_notready),
		cmocka_unit_test(test_load_curve),
		cmocka_unit_test(test_generate),
		cmocka_unit_test(test_generate_churn),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
