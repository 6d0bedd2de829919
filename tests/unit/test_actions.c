/* Unit tests for the action builders: kubectl's rollout undo on fixture
 * ReplicaSet lists, the ReplicaSet a deployment's template runs and the
 * revisions it had, a VirtualService route's stable/canary split, Velero backups from schedules, Jobs from CronJobs,
 * object paths and the access review body. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "opsdeck/actions.h"

/* A deployment at revision 3 (image v3, bad), uid d-1. */
static const char deploy_json[] =
    "{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\","
    "\"metadata\":{\"name\":\"web\",\"namespace\":\"production\",\"uid\":\"d-1\","
    "\"annotations\":{\"deployment.kubernetes.io/revision\":\"3\",\"team\":\"backend\","
    "\"kubectl.kubernetes.io/last-applied-configuration\":\"{}\"}},"
    "\"spec\":{\"replicas\":5,\"selector\":{\"matchLabels\":{\"app\":\"web\"}},"
    "\"template\":{\"metadata\":{\"labels\":{\"app\":\"web\"}},"
    "\"spec\":{\"containers\":[{\"name\":\"web\",\"image\":\"web:v3\"}]}}}}";

/* A ReplicaSet of deployment uid owner at revision rev running image. */
static json_t *
rs(const char *name, const char *owner, int controller, int rev, const char *image,
    const char *change_cause)
{
	json_t *o;
	char revs[16];

	snprintf(revs, sizeof revs, "%d", rev);
	o = json_pack("{s:{s:s,s:{s:s,s:s,s:s},s:[{s:s,s:s,s:s,s:b}]},"
	    "s:{s:{s:{s:{s:s,s:s}},s:{s:[{s:s,s:s}]}}}}",
	    "metadata", "name", name,
	    "annotations", "deployment.kubernetes.io/revision", revs,
	    "kubernetes.io/change-cause", change_cause,
	    "deployment.kubernetes.io/desired-replicas", "5",
	    "ownerReferences", "kind", "Deployment", "name", "web", "uid", owner,
	    "controller", controller,
	    "spec", "template", "metadata", "labels", "app", "web", "pod-template-hash", name,
	    "spec", "containers", "name", "web", "image", image);
	assert_non_null(o);
	return o;
}

/* The fixture list: revisions 1..3 owned, a foreign RS at 9, a
 * non-controller owner at 8, in shuffled order. */
static json_t *
rs_list(void)
{
	json_t *a = json_array();

	json_array_append_new(a, rs("web-b", "d-1", 1, 2, "web:v2", "deploy v2"));
	json_array_append_new(a, rs("other", "d-9", 1, 9, "other:v9", "x"));
	json_array_append_new(a, rs("web-c", "d-1", 1, 3, "web:v3", "deploy v3"));
	json_array_append_new(a, rs("web-a", "d-1", 1, 1, "web:v1", "deploy v1"));
	json_array_append_new(a, rs("adopted", "d-1", 0, 8, "web:v8", "y"));
	return a;
}

/* Revision 0 picks the previous revision among owned ReplicaSets. */
static void
test_undo_previous(void **state)
{
	json_t *d = json_loads(deploy_json, 0, NULL), *items = rs_list(), *p, *tmpl, *ann;
	char *summary = NULL, *skipped = NULL, *cause = NULL;

	(void)state;
	p = actions_undo_patch(d, items, 0, &summary, &skipped, &cause);
	if (p == NULL)
		fail_msg("%s", cause != NULL ? cause : skipped);
	assert_int_equal(json_array_size(p), 2);
	assert_string_equal(json_string_value(json_object_get(json_array_get(p, 0), "op")),
	    "replace");
	assert_string_equal(json_string_value(json_object_get(json_array_get(p, 0), "path")),
	    "/spec/template");
	tmpl = json_object_get(json_array_get(p, 0), "value");
	assert_string_equal(json_string_value(json_object_get(json_array_get(json_object_get(
	    json_object_get(tmpl, "spec"), "containers"), 0), "image")), "web:v2");
	/* pod-template-hash removed, other labels kept. */
	assert_null(json_object_get(json_object_get(json_object_get(tmpl, "metadata"), "labels"),
	    "pod-template-hash"));
	assert_string_equal(json_string_value(json_object_get(json_object_get(json_object_get(
	    tmpl, "metadata"), "labels"), "app")), "web");
	assert_string_equal(json_string_value(json_object_get(json_array_get(p, 1), "path")),
	    "/metadata/annotations");
	ann = json_object_get(json_array_get(p, 1), "value");
	/* From the RS: change-cause; kept from the deployment: revision and
	 * last-applied; dropped: the RS's desired-replicas and revision. */
	assert_string_equal(json_string_value(json_object_get(ann, "kubernetes.io/change-cause")),
	    "deploy v2");
	assert_string_equal(json_string_value(json_object_get(ann,
	    "deployment.kubernetes.io/revision")), "3");
	assert_non_null(json_object_get(ann, "kubectl.kubernetes.io/last-applied-configuration"));
	assert_null(json_object_get(ann, "deployment.kubernetes.io/desired-replicas"));
	assert_null(json_object_get(ann, "team"));	/* not on the RS: dropped, as kubectl does */
	assert_string_equal(summary, "rollback to revision 2: web=web:v3 → web=web:v2");
	json_decref(p);
	free(summary);
	json_decref(items);
	json_decref(d);
}

/* An explicit revision; a missing one is an error in kubectl's words. */
static void
test_undo_revision(void **state)
{
	json_t *d = json_loads(deploy_json, 0, NULL), *items = rs_list(), *p;
	char *summary = NULL, *skipped = NULL, *cause = NULL;

	(void)state;
	p = actions_undo_patch(d, items, 1, &summary, &skipped, &cause);
	assert_non_null(p);
	assert_string_equal(json_string_value(json_object_get(json_array_get(json_object_get(
	    json_object_get(json_object_get(json_array_get(p, 0), "value"), "spec"),
	    "containers"), 0), "image")), "web:v1");
	json_decref(p);
	free(summary);

	/* 9 belongs to another deployment, 8 is not a controller reference. */
	assert_null(actions_undo_patch(d, items, 9, &summary, &skipped, &cause));
	assert_string_equal(cause, "unable to find specified revision 9 in history");
	free(cause);
	cause = NULL;
	assert_null(actions_undo_patch(d, items, 8, &summary, &skipped, &cause));
	assert_non_null(cause);
	free(cause);
	json_decref(items);
	json_decref(d);
}

/* Paused deployments, identical templates and no history. */
static void
test_undo_refusals(void **state)
{
	json_t *d = json_loads(deploy_json, 0, NULL), *items = rs_list(), *one;
	char *summary = NULL, *skipped = NULL, *cause = NULL;

	(void)state;
	/* Rolling back to the current revision's template: skipped. */
	assert_null(actions_undo_patch(d, items, 3, &summary, &skipped, &cause));
	assert_null(cause);
	assert_string_equal(skipped,
	    "skipped rollback (current template already matches revision 3)");
	free(skipped);
	skipped = NULL;

	json_object_set_new(json_object_get(d, "spec"), "paused", json_true());
	assert_null(actions_undo_patch(d, items, 0, &summary, &skipped, &cause));
	assert_non_null(strstr(cause, "you cannot rollback a paused deployment"));
	free(cause);
	cause = NULL;
	json_object_del(json_object_get(d, "spec"), "paused");

	one = json_array();
	json_array_append(one, json_array_get(items, 2));	/* web-c only */
	assert_null(actions_undo_patch(d, one, 0, &summary, &skipped, &cause));
	assert_string_equal(cause, "no rollout history found for deployment \"web\"");
	free(cause);
	json_decref(one);
	json_decref(items);
	json_decref(d);
}

/* velero backup create --from-schedule. */
/* The ReplicaSet running the deployment's template (pod-template-hash
 * aside, owned by it as controller), and the revisions a ReplicaSet had:
 * its own and those of its revision-history. */
static void
test_current_rs(void **state)
{
	json_t *d = json_loads(deploy_json, 0, NULL), *items = rs_list(), *cur;

	(void)state;
	cur = actions_current_rs(d, items);
	assert_non_null(cur);
	assert_string_equal(json_string_value(json_object_get(json_object_get(cur, "metadata"),
	    "name")), "web-c");
	/* the template of revision 1 (v1): web-a; a foreign v9 is not ours */
	json_object_set_new(json_object_get(json_object_get(json_object_get(d, "spec"),
	    "template"), "spec"), "containers", json_pack("[{s:s,s:s}]", "name", "web",
	    "image", "web:v1"));
	cur = actions_current_rs(d, items);
	assert_string_equal(json_string_value(json_object_get(json_object_get(cur, "metadata"),
	    "name")), "web-a");
	assert_true(actions_rs_had_revision(cur, 1));
	assert_false(actions_rs_had_revision(cur, 4));
	/* rolled back to: the next number, the old one in its history */
	json_object_set_new(json_object_get(json_object_get(cur, "metadata"), "annotations"),
	    "deployment.kubernetes.io/revision", json_string("4"));
	json_object_set_new(json_object_get(json_object_get(cur, "metadata"), "annotations"),
	    "deployment.kubernetes.io/revision-history", json_string("1,3"));
	assert_true(actions_rs_had_revision(cur, 4));
	assert_true(actions_rs_had_revision(cur, 1));
	assert_true(actions_rs_had_revision(cur, 3));
	assert_false(actions_rs_had_revision(cur, 2));
	json_object_set_new(json_object_get(json_object_get(json_object_get(d, "spec"),
	    "template"), "spec"), "containers", json_pack("[{s:s,s:s}]", "name", "web",
	    "image", "web:v9"));
	assert_null(actions_current_rs(d, items));
	json_decref(d);
	json_decref(items);
}

/* A route splits when it has both subsets; one to the canary alone (a
 * header's) does not. */
static void
test_vs_split(void **state)
{
	json_t *split = json_loads("{\"route\":[{\"destination\":{\"host\":\"s\","
	    "\"subset\":\"stable\"},\"weight\":95},{\"destination\":{\"host\":\"s\","
	    "\"subset\":\"canary\"},\"weight\":5}]}", 0, NULL);
	json_t *header = json_loads("{\"match\":[{\"headers\":{\"x-canary\":{\"exact\":"
	    "\"true\"}}}],\"route\":[{\"destination\":{\"host\":\"s\",\"subset\":"
	    "\"canary\"}}]}", 0, NULL);
	json_t *st, *ca;

	(void)state;
	assert_true(actions_vs_split(split, &st, &ca));
	assert_int_equal(json_integer_value(json_object_get(st, "weight")), 95);
	assert_int_equal(json_integer_value(json_object_get(ca, "weight")), 5);
	assert_false(actions_vs_split(header, &st, &ca));
	json_decref(split);
	json_decref(header);
}

static void
test_backup(void **state)
{
	json_t *sched, *b;
	char *name;

	(void)state;
	name = actions_backup_name("daily", 1763919900);	/* 2025-11-23 17:45:00 UTC */
	assert_string_equal(name, "daily-20251123174500");
	free(name);
	sched = json_pack("{s:{s:s,s:s},s:{s:s,s:{s:[s],s:s}}}",
	    "metadata", "name", "daily", "namespace", "velero",
	    "spec", "schedule", "0 * * * *", "template", "includedNamespaces", "production",
	    "ttl", "720h0m0s");
	b = actions_backup_from_schedule(sched, 1763919900);
	assert_string_equal(json_string_value(json_object_get(b, "kind")), "Backup");
	assert_string_equal(json_string_value(json_object_get(json_object_get(b, "metadata"),
	    "name")), "daily-20251123174500");
	assert_string_equal(json_string_value(json_object_get(json_object_get(json_object_get(b,
	    "metadata"), "labels"), "velero.io/schedule-name")), "daily");
	assert_true(json_equal(json_object_get(b, "spec"),
	    json_object_get(json_object_get(sched, "spec"), "template")));
	json_decref(b);
	json_decref(sched);
}

/* kubectl create job --from=cronjob. */
static void
test_job(void **state)
{
	json_t *cj, *j, *ref;

	(void)state;
	cj = json_pack("{s:{s:s,s:s,s:s},s:{s:s,s:{s:{s:{s:s}},s:{s:i}}}}",
	    "metadata", "name", "nightly", "namespace", "production", "uid", "cj-1",
	    "spec", "schedule", "0 3 * * *", "jobTemplate", "metadata", "labels", "app",
	    "nightly", "spec", "backoffLimit", 2);
	j = actions_job_from_cronjob(cj, 1763919900);
	assert_string_equal(json_string_value(json_object_get(j, "kind")), "Job");
	assert_string_equal(json_string_value(json_object_get(json_object_get(json_object_get(j,
	    "metadata"), "annotations"), "cronjob.kubernetes.io/instantiate")), "manual");
	assert_string_equal(json_string_value(json_object_get(json_object_get(json_object_get(j,
	    "metadata"), "labels"), "app")), "nightly");
	ref = json_array_get(json_object_get(json_object_get(j, "metadata"), "ownerReferences"), 0);
	assert_string_equal(json_string_value(json_object_get(ref, "kind")), "CronJob");
	assert_string_equal(json_string_value(json_object_get(ref, "uid")), "cj-1");
	assert_true(json_is_true(json_object_get(ref, "controller")));
	assert_int_equal(json_integer_value(json_object_get(json_object_get(j, "spec"),
	    "backoffLimit")), 2);
	assert_string_equal(json_string_value(json_object_get(json_object_get(j, "metadata"),
	    "name")), "nightly-manual-1763919900");
	json_decref(j);
	json_decref(cj);
}

/* Object paths and the dry-run query. */
static void
test_paths(void **state)
{
	char *p;

	(void)state;
	p = actions_path("deployments", "production", "web");
	assert_string_equal(p, "/apis/apps/v1/namespaces/production/deployments/web");
	free(p);
	p = actions_path("pods", "default", NULL);
	assert_string_equal(p, "/api/v1/namespaces/default/pods");
	free(p);
	p = actions_path("nodes", "ignored", "node-1");
	assert_string_equal(p, "/api/v1/nodes/node-1");
	free(p);
	p = actions_path("schedules", "velero", "daily");
	assert_string_equal(p, "/apis/velero.io/v1/namespaces/velero/schedules/daily");
	free(p);
	p = actions_path("virtualservices", "production", "web");
	assert_string_equal(p,
	    "/apis/networking.istio.io/v1beta1/namespaces/production/virtualservices/web");
	free(p);
	assert_null(actions_path("nonsense", "x", "y"));
	p = actions_dry_run_path("/api/v1/namespaces/a/pods/b");
	assert_string_equal(p, "/api/v1/namespaces/a/pods/b?dryRun=All");
	free(p);
	p = actions_dry_run_path("/apis/apps/v1/x?fieldManager=kubectl-rollout");
	assert_string_equal(p, "/apis/apps/v1/x?fieldManager=kubectl-rollout&dryRun=All");
	free(p);
	/* a DELETE's options come from its body when it has one */
	p = actions_dry_run_body("DELETE", "{\"kind\":\"DeleteOptions\",\"apiVersion\":\"v1\","
	    "\"propagationPolicy\":\"Background\"}");
	assert_string_equal(p, "{\"kind\":\"DeleteOptions\",\"apiVersion\":\"v1\","
	    "\"propagationPolicy\":\"Background\",\"dryRun\":[\"All\"]}");
	free(p);
	assert_null(actions_dry_run_body("DELETE", NULL));
	assert_null(actions_dry_run_body("PATCH", "{\"spec\":{}}"));
	assert_null(actions_dry_run_body("DELETE", "not json"));
}

/* The SelfSubjectAccessReview body. */
static void
test_review(void **state)
{
	char *body = rbac_review_body("patch", "apps", "deployments", "scale", "production",
	    "web");
	json_t *o = json_loads(body, 0, NULL), *ra;

	(void)state;
	assert_non_null(o);
	assert_string_equal(json_string_value(json_object_get(o, "kind")),
	    "SelfSubjectAccessReview");
	assert_string_equal(json_string_value(json_object_get(o, "apiVersion")),
	    "authorization.k8s.io/v1");
	ra = json_object_get(json_object_get(o, "spec"), "resourceAttributes");
	assert_string_equal(json_string_value(json_object_get(ra, "verb")), "patch");
	assert_string_equal(json_string_value(json_object_get(ra, "group")), "apps");
	assert_string_equal(json_string_value(json_object_get(ra, "resource")), "deployments");
	assert_string_equal(json_string_value(json_object_get(ra, "subresource")), "scale");
	assert_string_equal(json_string_value(json_object_get(ra, "namespace")), "production");
	assert_string_equal(json_string_value(json_object_get(ra, "name")), "web");
	json_decref(o);
	free(body);
	/* Cluster-scoped: no namespace key. */
	body = rbac_review_body("patch", "", "nodes", NULL, "", "n1");
	o = json_loads(body, 0, NULL);
	ra = json_object_get(json_object_get(o, "spec"), "resourceAttributes");
	assert_null(json_object_get(ra, "namespace"));
	assert_null(json_object_get(ra, "subresource"));
	json_decref(o);
	free(body);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_undo_previous),
		cmocka_unit_test(test_undo_revision),
		cmocka_unit_test(test_undo_refusals),
		cmocka_unit_test(test_current_rs),
		cmocka_unit_test(test_vs_split),
		cmocka_unit_test(test_backup),
		cmocka_unit_test(test_job),
		cmocka_unit_test(test_paths),
		cmocka_unit_test(test_review),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
