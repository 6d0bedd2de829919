/* The kind table: every name of a kind finds it and no other, the actions a
 * kind allows are registered commands (and every action is allowed by some
 * kind), the keymap's action list is the kinds' actions, each view has its
 * command, the overview's places are 1..N, and the health rule judges by the
 * printer's flags. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cmocka.h>
#include <jansson.h>

#include "opsdeck/actions.h"
#include "opsdeck/runbook.h"
#include "opsdeck/cmd.h"
#include "opsdeck/keymap.h"
#include "opsdeck/kinds.h"
#include "opsdeck/printers.h"
#include "opsdeck/ui.h"

#include "test_json.h"

#define NAMES_MAX	16

/* Every name k answers to: plural, singular, Kind and short names; a kind
 * whose plural another kind has, its store name and Kind. */
static size_t
kind_names(const struct kind *k, char names[NAMES_MAX][64])
{
	const char *p;
	size_t n = 0, len;

	if (k->store_name != NULL) {
		snprintf(names[n++], 64, "%s", k->store_name);
		snprintf(names[n++], 64, "%s", k->kind);
		return n;
	}
	snprintf(names[n++], 64, "%s", k->resource);
	snprintf(names[n++], 64, "%s", k->singular);
	snprintf(names[n++], 64, "%s", k->kind);
	for (p = k->short_names; *p != '\0' && n < NAMES_MAX; p += len + (p[len] == ',')) {
		len = strcspn(p, ",");
		snprintf(names[n++], 64, "%.*s", (int)len, p);
	}
	return n;
}

/* Each name of a console kind finds it, also "plural.group"; drill-only
 * kinds are found by group and plural only. */
static void
test_every_name_resolves(void **state)
{
	char names[NAMES_MAX][64], dotted[160];
	const struct kind *k;
	size_t i, j, n;

	assert_true(nkinds > 20);
	for (i = 0; i < nkinds; i++) {
		k = &kinds[i];
		n = kind_names(k, names);
		for (j = 0; j < n; j++) {
			if (k->drill_only)
				assert_null(kind_find(names[j]));
			else
				assert_ptr_equal(kind_find(names[j]), k);
		}
		if (!k->drill_only && *k->group != '\0') {
			snprintf(dotted, sizeof dotted, "%s.%s", k->resource, k->group);
			assert_ptr_equal(kind_find(dotted), k);
		}
		if (kind_on_api(k)) {
			assert_ptr_equal(kind_find_api(k->group, k->resource), k);
			assert_ptr_equal(kind_find_kind(k->kind), k);
		} else
			assert_null(kind_find_api(k->group, k->resource));
		/* its rows go through its own printer */
		if (k->printer != NULL)
			assert_ptr_equal(printer_find(kind_store_name(k)), k->printer);
	}
	/* the usage kinds do not take the plain plurals */
	assert_string_equal(kind_find("pods")->kind, "Pod");
	assert_string_equal(kind_find("nodes")->kind, "Node");
	assert_string_equal(kind_find("pods.metrics.k8s.io")->kind, "PodMetrics");
	assert_string_equal(kind_store_name(kind_find("NodeMetrics")), "nodes.metrics.k8s.io");
	/* kubectl's names for the kinds the issue found disagreeing */
	assert_string_equal(kind_find("job")->resource, "jobs");
	assert_string_equal(kind_find("deploy")->resource, "deployments");
	assert_string_equal(kind_find("HPA")->resource, "horizontalpodautoscalers");
	assert_string_equal(kind_find("svc")->resource, "services");
	assert_string_equal(kind_find("deployments.apps")->resource, "deployments");
	assert_null(kind_find("deployments.batch"));
	assert_null(kind_find("secrets"));
	assert_null(kind_find(""));
	assert_null(kind_find(NULL));
}

/* No name is shared by two kinds. */
static void
test_names_unique(void **state)
{
	char a[NAMES_MAX][64], b[NAMES_MAX][64];
	size_t i, j, x, y, na, nb;

	for (i = 0; i < nkinds; i++) {
		na = kind_names(&kinds[i], a);
		for (j = i + 1; j < nkinds; j++) {
			nb = kind_names(&kinds[j], b);
			for (x = 0; x < na; x++) {
				for (y = 0; y < nb; y++) {
					if (strcasecmp(a[x], b[y]) == 0)
						fail_msg("%s and %s share %s", kinds[i].resource,
						    kinds[j].resource, a[x]);
				}
			}
		}
	}
}

/* The actions a kind allows are the action table's commands, and every
 * action (every mutating command) applies to some kind. */
static void
test_actions_registered(void **state)
{
	const struct cmd_entry *e;
	const char *p;
	char verb[64], *cause = NULL;
	size_t i, len, nactions = 0;

	runbook_register_all();
	for (i = 0; i < nkinds; i++) {
		for (p = kinds[i].actions; p != NULL && *p != '\0'; p += len + (p[len] == ',')) {
			len = strcspn(p, ",");
			snprintf(verb, sizeof verb, "%.*s", (int)len, p);
			e = cmd_find(verb, &cause);
			if (e == NULL || strcmp(e->name, verb) != 0)
				fail_msg("%s allows %s, not a command", kinds[i].resource, verb);
			assert_false(e->flags & CMD_CONSOLE_ONLY);
			assert_true(kind_allows(&kinds[i], verb));
			assert_true(kind_is_action(verb));
			nactions++;
		}
	}
	assert_true(nactions >= 21);
	for (i = 0; i < cmd_count(); i++) {
		e = cmd_at(i);
		if ((e->flags & CMD_MUTATES) && kind_for_action(e->name, 0) == NULL)
			fail_msg("action %s applies to no kind", e->name);
	}
	/* the kinds an action lists, in table order */
	p = kind_action_kinds("scale");
	assert_string_equal(p, "deployments,replicasets,statefulsets");
	free((char *)p);
	assert_false(kind_allows(kind_find("pods"), "scale"));
	assert_false(kind_allows(kind_find("pods"), "delet"));
	assert_null(kind_for_action("scale", 3));
}

/* The keymap's action list is the kinds' actions: real command names. */
static void
test_keymap_actions(void **state)
{
	const struct key_binding *b;
	const struct cmd_entry *e;
	char word[64], *cause = NULL;
	size_t i;

	runbook_register_all();
	cmd_console_register();
	keymap_init();
	for (i = 0; i < keymap_count(); i++) {
		b = keymap_at(i);
		snprintf(word, sizeof word, "%.*s", (int)strcspn(b->command, " "), b->command);
		e = cmd_find(word, &cause);
		if (e == NULL || strcmp(e->name, word) != 0)
			fail_msg("key %s runs %s, not a command", keymap_key_name(b->key), word);
		if (keymap_is_action(b->command))
			assert_true(kind_is_action(word));
	}
	keymap_free();
	assert_true(keymap_is_action("drain"));
	assert_true(keymap_is_action("run-now"));
	assert_true(keymap_is_action("expire-silence"));
	assert_false(keymap_is_action("trigger"));
	assert_false(keymap_is_action("expire"));
	assert_false(keymap_is_action("delete-pod"));
}

/* Each view has its ":" command, found by the view's name and the kind's
 * names; the overview's places run 1..N once each. */
static void
test_views_and_overview(void **state)
{
	char names[NAMES_MAX][64], *cause = NULL;
	const struct cmd_entry *e;
	size_t i, j, n, views = 0, places = 0;
	int seen[64];

	cmd_console_register();
	memset(seen, 0, sizeof seen);
	for (i = 0; i < nkinds; i++) {
		if (kinds[i].overview > 0) {
			assert_true(kinds[i].overview < 64);
			seen[kinds[i].overview]++;
			places++;
		}
		if (kinds[i].view.name == NULL) {
			assert_null(kind_find_view(kind_store_name(&kinds[i])));
			continue;
		}
		views++;
		e = cmd_find(kinds[i].view.name, &cause);
		assert_non_null(e);
		assert_string_equal(e->name, kinds[i].view.name);
		assert_non_null(e->help);
		assert_ptr_equal(kind_find_view(kinds[i].view.name), &kinds[i]);
		assert_string_equal(kind_find_view(kinds[i].view.name)->resource, kinds[i].resource);
		n = kind_names(&kinds[i], names);
		for (j = 0; j < n; j++)
			assert_string_equal(kind_find_view(names[j])->resource, kinds[i].resource);
	}
	assert_int_equal(views, 18);
	for (i = 1; i <= places; i++)
		assert_int_equal(seen[i], 1);
	assert_string_equal(kind_label(kind_find("hpa")), "hpa");
	assert_string_equal(kind_label(kind_find("pods")), "pod");
	assert_null(kind_find_view("ns"));
	assert_null(kind_find_view("overview"));
}

/* The health rule: the printer's flags that are a problem for the kind. */
static void
test_health(void **state)
{
	json_t *crash = js("{\"metadata\":{\"name\":\"web-1\",\"namespace\":\"p\"},"
	    "\"spec\":{\"containers\":[{\"name\":\"c\"}]},\"status\":{\"phase\":\"Running\","
	    "\"containerStatuses\":[{\"name\":\"c\",\"ready\":false,\"restartCount\":5,"
	    "\"state\":{\"waiting\":{\"reason\":\"CrashLoopBackOff\"}}}]}}");
	json_t *fine = js("{\"metadata\":{\"name\":\"web-2\",\"namespace\":\"p\"},"
	    "\"spec\":{\"containers\":[{\"name\":\"c\"}]},\"status\":{\"phase\":\"Running\","
	    "\"conditions\":[{\"type\":\"Ready\",\"status\":\"True\"}],"
	    "\"containerStatuses\":[{\"name\":\"c\",\"ready\":true,\"restartCount\":0,"
	    "\"state\":{\"running\":{}}}]}}");
	char *reason = NULL;

	assert_true(kind_health(kind_find("pods"), crash, 1000, &reason) & ROW_BAD);
	assert_non_null(reason);
	free(reason);
	assert_int_equal(kind_health(kind_find("pods"), fine, 1000, &reason), 0);
	assert_null(reason);
	/* a kind with no problems in its rule is never unhealthy */
	assert_int_equal(kind_find("cronjobs")->problems, 0);
	assert_int_equal(kind_health(kind_find("cronjobs"), crash, 1000, NULL), 0);
	assert_int_equal(kind_health(kind_find("configmaps"), crash, 1000, NULL), 0);
	json_decref(crash);
	json_decref(fine);
}

/* The failure rule (the runbooks' "bad") is the printer's verdict: a pod
 * whose container exited in error is failing as its red row says, even
 * with phase Running; a pod still starting or not ready is a warning, not
 * a failure; a rollout past its deadline and a node not Ready fail. */
static void
test_failing(void **state)
{
	json_t *err = js("{\"metadata\":{\"name\":\"p\"},\"spec\":{\"containers\":[{}]},"
	    "\"status\":{\"phase\":\"Running\",\"containerStatuses\":[{\"ready\":false,"
	    "\"restartCount\":0,\"state\":{\"terminated\":{\"exitCode\":1,"
	    "\"reason\":\"Error\"}}}]}}");
	json_t *pending = js("{\"metadata\":{\"name\":\"p\"},\"spec\":{\"containers\":[{}]},"
	    "\"status\":{\"phase\":\"Pending\"}}");
	json_t *notready = js("{\"metadata\":{\"name\":\"p\"},\"spec\":{\"containers\":[{}]},"
	    "\"status\":{\"phase\":\"Running\",\"containerStatuses\":[{\"ready\":false,"
	    "\"restartCount\":0,\"state\":{\"running\":{}}}]}}");
	json_t *stuck = js("{\"metadata\":{\"name\":\"d\"},\"spec\":{\"replicas\":2},"
	    "\"status\":{\"replicas\":2,\"updatedReplicas\":1,\"availableReplicas\":1,"
	    "\"conditions\":[{\"type\":\"Progressing\",\"status\":\"False\","
	    "\"reason\":\"ProgressDeadlineExceeded\"}]}}");
	json_t *rolling = js("{\"metadata\":{\"name\":\"d\"},\"spec\":{\"replicas\":2},"
	    "\"status\":{\"replicas\":3,\"updatedReplicas\":1,\"availableReplicas\":2,"
	    "\"conditions\":[{\"type\":\"Progressing\",\"status\":\"True\","
	    "\"reason\":\"ReplicaSetUpdated\"}]}}");
	json_t *node = js("{\"metadata\":{\"name\":\"n\"},\"status\":{\"conditions\":"
	    "[{\"type\":\"Ready\",\"status\":\"Unknown\"}]}}");
	const struct kind *pods = kind_find("pods");
	struct printed out;

	assert_true(kind_failing(pods, err, 1000));
	printer_print(pods->printer, err, 1000, &out);
	assert_true(out.flags & ROW_BAD);
	printed_free(&out);
	assert_false(kind_failing(pods, pending, 1000));
	assert_false(kind_failing(pods, notready, 1000));
	assert_true(kind_health(pods, notready, 1000, NULL) & ROW_WARN);
	assert_true(kind_failing(kind_find("deployments"), stuck, 1000));
	assert_false(kind_failing(kind_find("deployments"), rolling, 1000));
	assert_true(kind_failing(kind_find("nodes"), node, 1000));
	assert_false(kind_failing(NULL, err, 1000));
	json_decref(err);
	json_decref(pending);
	json_decref(notready);
	json_decref(stuck);
	json_decref(rolling);
	json_decref(node);
}

/* A kind learnt from a cluster's CRD: found by its names, read at the
 * served version the API server prefers, in that version's columns; a kind
 * the table knows keeps its console printer and gets the cluster's Table;
 * names unfit for a path are refused, hostile column names cleaned. */
static void
test_learn_crd(void **state)
{
	json_t *crd = js("{\"spec\":{\"group\":\"example.com\",\"scope\":\"Cluster\","
	    "\"names\":{\"plural\":\"widgets\",\"singular\":\"widget\",\"kind\":\"Widget\","
	    "\"shortNames\":[\"wd\",\"W D\"]},\"versions\":["
	    "{\"name\":\"v2alpha1\",\"served\":true,\"additionalPrinterColumns\":"
	    "[{\"name\":\"A\",\"type\":\"string\",\"jsonPath\":\".a\"}]},"
	    "{\"name\":\"v1\",\"served\":true,\"additionalPrinterColumns\":"
	    "[{\"name\":\"Col\\u001b[31m\",\"type\":\"integer\",\"jsonPath\":\".spec.n\"}]},"
	    "{\"name\":\"v3\",\"served\":false},"
	    "{\"name\":\"v1beta2\",\"served\":true}]}}");
	json_t *rollout = js("{\"spec\":{\"group\":\"argoproj.io\",\"scope\":\"Namespaced\","
	    "\"names\":{\"plural\":\"rollouts\",\"singular\":\"rollout\",\"kind\":\"Rollout\"},"
	    "\"versions\":[{\"name\":\"v1alpha1\",\"served\":true}]}}");
	json_t *bad = js("{\"spec\":{\"group\":\"ex/../x\",\"names\":{\"plural\":\"ws\","
	    "\"kind\":\"W\"},\"versions\":[{\"name\":\"v1\",\"served\":true}]}}");
	const struct kind *k, *builtin = kind_find("rollouts");

	assert_null(kind_find("widgets"));
	k = kind_learn_crd(crd);
	assert_non_null(k);
	assert_ptr_equal(kind_find("wd"), k);
	assert_ptr_equal(kind_find("Widget"), k);
	assert_ptr_equal(kind_find("widgets.example.com"), k);
	assert_null(kind_find("W D"));
	assert_string_equal(k->version, "v1");	/* GA before beta and alpha */
	assert_false(k->namespaced);
	assert_int_equal(printer_find_table("widgets")->ncolumns, 2);
	assert_string_equal(printer_find_table("widgets")->columns[1].name, "Col\\x1b[31m");
	assert_string_equal(printer_find_table("widgets")->columns[1].json_path, ".spec.n");

	k = kind_learn_crd(rollout);
	assert_ptr_equal(kind_find("rollouts"), k);
	assert_ptr_not_equal(k, builtin);
	assert_ptr_equal(k->printer, builtin->printer);	/* the console's own */
	assert_ptr_equal(k->describer, builtin->describer);
	assert_string_equal(printer_find_table("rollouts")->columns[1].name, "Age");
	assert_int_equal(printer_find_table("rollouts")->ncolumns, 2);

	assert_null(kind_learn_crd(bad));
	kind_forget_learnt();
	assert_null(kind_find("widgets"));
	assert_ptr_equal(kind_find("rollouts"), builtin);
	json_decref(crd);
	json_decref(rollout);
	json_decref(bad);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_name_resolves),
		cmocka_unit_test(test_names_unique),
		cmocka_unit_test(test_actions_registered),
		cmocka_unit_test(test_keymap_actions),
		cmocka_unit_test(test_views_and_overview),
		cmocka_unit_test(test_health),
		cmocka_unit_test(test_failing),
		cmocka_unit_test(test_learn_crd),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
