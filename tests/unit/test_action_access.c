/* The permissions each action checks before acting (and the help view greys
 * by), actions_access(), against what the action really sends: each write
 * its plan produces (method and path, as actions_plan_writes returns them)
 * is turned back into SelfSubjectAccessReview attributes the way the API
 * server authorizes a request (verb from the method; group, resource and
 * subresource from the path), and the two sets must be equal. A check of
 * `patch deployments` for a write to deployments/NAME/scale fails here. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "opsdeck/actions.h"
#include "opsdeck/runbook.h"
#include "opsdeck/cmd.h"
#include "opsdeck/store.h"

#include "test_json.h"

/* "verb group resource subresource" (new; "-" for none, "core" for ""). */
static char *
attrs(const char *verb, const char *group, const char *resource, const char *sub)
{
	char buf[256];

	snprintf(buf, sizeof buf, "%s %s %s %s", verb, *group != '\0' ? group : "core",
	    resource, sub != NULL ? sub : "-");
	return strdup(buf);
}

/* "verb group resource subresource" of a request, as the API server's
 * RequestInfo resolves it (new), or NULL for a non-resource path. */
static char *
request_attrs(const char *method, const char *path)
{
	char buf[512], *seg[12], *q, *save = NULL, *t;
	const char *verb, *group;
	size_t n = 0, i;

	if (strcmp(method, "POST") == 0)
		verb = "create";
	else if (strcmp(method, "PATCH") == 0)
		verb = "patch";
	else if (strcmp(method, "PUT") == 0)
		verb = "update";
	else if (strcmp(method, "DELETE") == 0)
		verb = "delete";
	else
		verb = "get";
	snprintf(buf, sizeof buf, "%s", path);
	q = strchr(buf, '?');
	if (q != NULL)
		*q = '\0';
	for (t = strtok_r(buf, "/", &save); t != NULL && n < 12; t = strtok_r(NULL, "/", &save))
		seg[n++] = t;
	if (n >= 2 && strcmp(seg[0], "api") == 0) {
		group = "";
		i = 2;
	} else if (n >= 3 && strcmp(seg[0], "apis") == 0) {
		group = seg[1];
		i = 3;
	} else
		return NULL;
	if (i + 2 < n && strcmp(seg[i], "namespaces") == 0)
		i += 2;
	if (i >= n)
		return NULL;
	/* seg[i] resource, seg[i + 1] name, seg[i + 2] subresource */
	return attrs(verb, group, seg[i], i + 2 < n ? seg[i + 2] : NULL);
}

/* Does the list of strings hold s? */
static int
has(char **v, size_t n, const char *s)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (strcmp(v[i], s) == 0)
			return 1;
	}
	return 0;
}

/* Plan command on obj and compare the attributes of its writes with
 * actions_access(command, resource). */
static void
check(const char *command, const char *resource, const char *ns, const char *name,
    const char *obj_text, const char *extra_text, const char *extra2_text, int argc,
    char **argv)
{
	struct actions_access acc[ACTIONS_ACCESS_MAX];
	json_t *obj = js(obj_text), *extra = extra_text != NULL ? js(extra_text) : NULL;
	json_t *extra2 = extra2_text != NULL ? js(extra2_text) : NULL, *writes, *w;
	char *cause = NULL, *sent[16], *asked[ACTIONS_ACCESS_MAX], *a;
	size_t nsent = 0, nasked, i;

	writes = actions_plan_writes(command, resource, ns, name, obj, extra, extra2, argc,
	    argv, &cause);
	if (writes == NULL)
		fail_msg("%s: cannot plan: %s", command, cause != NULL ? cause : "?");
	if (json_array_size(writes) == 0)
		fail_msg("%s: the plan sends nothing", command);
	json_array_foreach(writes, i, w) {
		a = request_attrs(json_string_value(json_array_get(w, 0)),
		    json_string_value(json_array_get(w, 1)));
		if (a == NULL)
			fail_msg("%s: not a resource path: %s", command,
			    json_string_value(json_array_get(w, 1)));
		if (nsent < 16 && !has(sent, nsent, a))
			sent[nsent++] = a;
		else
			free(a);
	}
	nasked = actions_access(command, resource, acc);
	for (i = 0; i < nasked; i++)
		asked[i] = attrs(acc[i].verb, acc[i].group, acc[i].resource, acc[i].subresource);
	for (i = 0; i < nsent; i++) {
		if (!has(asked, nasked, sent[i]))
			fail_msg("%s on %s sends \"%s\" but its RBAC check does not ask it",
			    command, resource, sent[i]);
	}
	for (i = 0; i < nasked; i++) {
		if (!has(sent, nsent, asked[i]))
			fail_msg("%s on %s asks \"%s\" but sends no such request", command,
			    resource, asked[i]);
	}
	for (i = 0; i < nsent; i++)
		free(sent[i]);
	for (i = 0; i < nasked; i++)
		free(asked[i]);
	json_decref(writes);
	json_decref(obj);
	json_decref(extra);
	json_decref(extra2);
}

static char *a_five[] = { "5" };
static char *a_minmax[] = { "2", "9" };
static char *a_green[] = { "green" };
static char *a_twenty[] = { "20" };
static char *a_backup[] = { "daily-1" };

#define DEPLOY "{\"kind\":\"Deployment\",\"metadata\":{\"name\":\"web\"," \
	"\"namespace\":\"prod\",\"uid\":\"d1\"},\"spec\":{\"replicas\":2," \
	"\"selector\":{\"matchLabels\":{\"app\":\"web\"}},\"template\":{\"spec\":" \
	"{\"containers\":[{\"name\":\"web\",\"image\":\"web:2\"}]}}}}"
#define RSLIST "{\"items\":[" \
	"{\"metadata\":{\"name\":\"web-1\",\"annotations\":{\"deployment.kubernetes.io/revision\":\"1\"}," \
	"\"ownerReferences\":[{\"uid\":\"d1\",\"controller\":true}]},\"spec\":{\"template\":" \
	"{\"spec\":{\"containers\":[{\"name\":\"web\",\"image\":\"web:1\"}]}}}}," \
	"{\"metadata\":{\"name\":\"web-2\",\"annotations\":{\"deployment.kubernetes.io/revision\":\"2\"}," \
	"\"ownerReferences\":[{\"uid\":\"d1\",\"controller\":true}]},\"spec\":{\"template\":" \
	"{\"spec\":{\"containers\":[{\"name\":\"web\",\"image\":\"web:2\"}]}}}}]}"
#define ROLLOUT "{\"metadata\":{\"name\":\"ro\",\"namespace\":\"prod\"}," \
	"\"status\":{\"currentStepIndex\":1}}"

/* Workload actions: scale writes the scale subresource; the rest the object. */
static void
test_workloads(void **state)
{
	(void)state;
	check("scale", "deployments", "prod", "web", DEPLOY, "{\"items\":[]}", NULL, 1, a_five);
	check("scale", "statefulsets", "prod", "db", "{\"kind\":\"StatefulSet\",\"metadata\":"
	    "{\"name\":\"db\",\"namespace\":\"prod\"},\"spec\":{\"replicas\":1}}",
	    "{\"items\":[]}", NULL, 1, a_five);
	check("undo", "deployments", "prod", "web", DEPLOY, RSLIST, NULL, 0, NULL);
	check("restart", "deployments", "prod", "web", DEPLOY, NULL, NULL, 0, NULL);
	check("pause", "deployments", "prod", "web", DEPLOY, NULL, NULL, 0, NULL);
	check("resume", "deployments", "prod", "web", "{\"metadata\":{\"name\":\"web\","
	    "\"namespace\":\"prod\"},\"spec\":{\"paused\":true}}", NULL, NULL, 0, NULL);
	check("hpa-minmax", "horizontalpodautoscalers", "prod", "web", "{\"spec\":"
	    "{\"minReplicas\":1,\"maxReplicas\":4}}", NULL, NULL, 2, a_minmax);
	check("delete", "pods", "prod", "web-x", "{\"metadata\":{\"uid\":\"p1\"}}", NULL,
	    NULL, 0, NULL);
}

/* Node actions: cordon and uncordon patch the node; drain also evicts. */
static void
test_nodes(void **state)
{
	(void)state;
	check("cordon", "nodes", NULL, "n1", "{\"spec\":{}}", NULL, NULL, 0, NULL);
	check("uncordon", "nodes", NULL, "n1", "{\"spec\":{\"unschedulable\":true}}", NULL,
	    NULL, 0, NULL);
	check("drain", "nodes", NULL, "n1", "{\"spec\":{}}",
	    "{\"items\":[{\"metadata\":{\"name\":\"web-x\",\"namespace\":\"prod\"},"
	    "\"status\":{\"phase\":\"Running\"}}]}", "{\"items\":[]}", 0, NULL);
}

/* Actions that create another kind than their target's, and Argo Rollouts'
 * status writes. */
static void
test_creators_and_rollouts(void **state)
{
	(void)state;
	check("run-now", "cronjobs", "prod", "report", "{\"metadata\":{\"name\":\"report\","
	    "\"namespace\":\"prod\",\"uid\":\"c1\"},\"spec\":{\"jobTemplate\":{\"spec\":"
	    "{}}}}", NULL, NULL, 0, NULL);
	check("backup-now", "schedules", "velero", "daily", "{\"metadata\":{\"name\":"
	    "\"daily\",\"namespace\":\"velero\"},\"spec\":{\"template\":{}}}", NULL, NULL,
	    0, NULL);
	check("restore", "backups", "velero", NULL, "{}", NULL, NULL, 1, a_backup);
	check("promote", "rollouts", "prod", "ro", ROLLOUT, NULL, NULL, 0, NULL);
	check("abort", "rollouts", "prod", "ro", ROLLOUT, NULL, NULL, 0, NULL);
	check("retry", "rollouts", "prod", "ro", ROLLOUT, NULL, NULL, 0, NULL);
	check("switch-color", "services", "prod", "web", "{\"spec\":{\"selector\":"
	    "{\"color\":\"blue\"}}}", NULL, NULL, 1, a_green);
	check("canary-weight", "virtualservices", "prod", "web", "{\"spec\":{\"http\":[{"
	    "\"route\":[{\"destination\":{\"subset\":\"stable\"},\"weight\":100},"
	    "{\"destination\":{\"subset\":\"canary\"},\"weight\":0}]}]}}", NULL, NULL,
	    1, a_twenty);
}

/* The help view asks without a target kind: the command's first kind. */
static void
test_default_kind(void **state)
{
	struct actions_access acc[ACTIONS_ACCESS_MAX];

	(void)state;
	assert_int_equal(actions_access("scale", NULL, acc), 1);
	assert_string_equal(acc[0].verb, "patch");
	assert_string_equal(acc[0].group, "apps");
	assert_string_equal(acc[0].resource, "deployments");
	assert_non_null(acc[0].subresource);
	assert_string_equal(acc[0].subresource, "scale");
	assert_int_equal(actions_access("silence", NULL, acc), 0);	/* Alertmanager */
	assert_int_equal(actions_access("pods", NULL, acc), 0);	/* not an action */
}

/* Every command the real table registers (actions, runbook and incident
 * commands): one that asks RBAC for a write (or writes to Alertmanager) is
 * marked mutating; and every mutating command is refused by
 * both read-only guards (--read-only, and a read-only context among its
 * targets) before it runs: a command that forgot its flag would act on a
 * read-only context. Counts what it checked so an empty table cannot pass. */
static void
test_every_mutating_command_guarded(void **state)
{
	struct store *st = store_new();
	struct cmd_target staging = { 1, "deployments", "production", "backend", "uid-1" };
	struct cmd_ctx ctx = { .origin = CMD_FROM_CLI, .store = st, .read_only = true };
	struct actions_access acc[ACTIONS_ACCESS_MAX];
	const struct cmd_entry *e;
	char *cause;
	size_t i, nmut = 0, nact = 0;

	(void)state;
	store_add_cluster(st, "prod-tokyo");
	store_add_cluster(st, "staging");
	store_cluster(st, 1)->read_only = true;
	runbook_register_all();
	for (i = 0; i < cmd_count(); i++) {
		e = cmd_at(i);
		/* Alertmanager's writes ask no RBAC: named here */
		if (actions_access(e->name, NULL, acc) > 0 ||
		    strcmp(e->name, "silence") == 0 || strcmp(e->name, "expire") == 0) {
			nact++;
			if (!(e->flags & CMD_MUTATES))
				fail_msg("%s writes but is not marked mutating", e->name);
		}
		if (!(e->flags & CMD_MUTATES))
			continue;
		nmut++;
		/* --read-only */
		cause = NULL;
		ctx.read_only = true;
		ctx.targets = NULL;
		ctx.ntargets = 0;
		if (cmd_execute(&ctx, e->name, &cause) != -1 || cause == NULL ||
		    strstr(cause, "read-only") == NULL)
			fail_msg("%s ran under --read-only (%s)", e->name, cause ? cause : "no cause");
		free(cause);
		/* a read-only context among the targets */
		cause = NULL;
		ctx.read_only = false;
		ctx.targets = &staging;
		ctx.ntargets = 1;
		if (cmd_execute(&ctx, e->name, &cause) != -1 || cause == NULL ||
		    strstr(cause, "staging is read-only") == NULL)
			fail_msg("%s ran on read-only staging (%s)", e->name, cause ? cause : "no cause");
		free(cause);
	}
	/* scale, undo, restart, ..., silence, expire: the table is not empty */
	assert_true(nact >= 10);
	assert_true(nmut >= nact);
	store_free(st);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_workloads),
		cmocka_unit_test(test_every_mutating_command_guarded),
		cmocka_unit_test(test_nodes),
		cmocka_unit_test(test_creators_and_rollouts),
		cmocka_unit_test(test_default_kind),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
