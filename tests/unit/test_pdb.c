/* Unit tests for the PodDisruptionBudget rules (tui/pdb.c): desiredHealthy
 * rounding for integer and percentage minAvailable / maxUnavailable, the
 * allowed disruptions, and which evictions a budget refuses. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "opsdeck/pdb.h"

#include "test_json.h"

/* desiredHealthy of spec text over expected pods. */
static int
desired(const char *spec, int expected)
{
	json_t *s = js(spec);
	int d = pdb_desired_healthy(s, expected);

	json_decref(s);
	return d;
}

/* minAvailable: an integer as is, a percentage of expected rounded up. */
static void
test_min_available(void **state)
{
	(void)state;
	assert_int_equal(desired("{\"minAvailable\":2}", 3), 2);
	assert_int_equal(desired("{\"minAvailable\":5}", 3), 5);
	assert_int_equal(desired("{\"minAvailable\":\"50%\"}", 3), 2);	/* 1.5 → 2 */
	assert_int_equal(desired("{\"minAvailable\":\"50%\"}", 4), 2);
	assert_int_equal(desired("{\"minAvailable\":\"34%\"}", 3), 2);	/* 1.02 → 2 */
	assert_int_equal(desired("{\"minAvailable\":\"100%\"}", 7), 7);
	assert_int_equal(desired("{\"minAvailable\":\"1%\"}", 1), 1);
	assert_int_equal(desired("{\"minAvailable\":\"0%\"}", 9), 0);
	assert_int_equal(desired("{\"minAvailable\":\"50%\"}", 0), 0);
	/* neither field: nothing is required */
	assert_int_equal(desired("{}", 3), 0);
	/* a string without "%" is not an IntOrString percentage */
	assert_int_equal(desired("{\"minAvailable\":\"2\"}", 3), -1);
	assert_int_equal(desired("{\"minAvailable\":\"x%\"}", 3), -1);
}

/* maxUnavailable: expected minus the value (a percentage rounded up), >= 0;
 * it wins over minAvailable as upstream checks it first. */
static void
test_max_unavailable(void **state)
{
	(void)state;
	assert_int_equal(desired("{\"maxUnavailable\":1}", 3), 2);
	assert_int_equal(desired("{\"maxUnavailable\":5}", 3), 0);
	assert_int_equal(desired("{\"maxUnavailable\":\"34%\"}", 3), 1);	/* 1.02 → 2 */
	assert_int_equal(desired("{\"maxUnavailable\":\"25%\"}", 10), 7);	/* 2.5 → 3 */
	assert_int_equal(desired("{\"maxUnavailable\":\"0%\"}", 4), 4);
	assert_int_equal(desired("{\"maxUnavailable\":\"100%\"}", 4), 0);
	assert_int_equal(desired("{\"maxUnavailable\":1,\"minAvailable\":3}", 3), 2);
	assert_int_equal(desired("{\"maxUnavailable\":null,\"minAvailable\":3}", 3), 3);
}

/* disruptionsAllowed: current - desired, never negative, 0 with no pods. */
static void
test_allowed(void **state)
{
	(void)state;
	assert_int_equal(pdb_disruptions_allowed(3, 2, 3), 1);
	assert_int_equal(pdb_disruptions_allowed(2, 2, 3), 0);
	assert_int_equal(pdb_disruptions_allowed(1, 2, 3), 0);
	assert_int_equal(pdb_disruptions_allowed(3, 0, 0), 0);
	assert_int_equal(pdb_disruptions_allowed(3, 0, 3), 3);
}

/* Which pods skip the budget and which budgets refuse, with the cause text
 * the API server sends. */
static void
test_eviction_rules(void **state)
{
	json_t *running = js("{\"metadata\":{\"namespace\":\"a\",\"labels\":{\"app\":\"web\"}},"
	    "\"status\":{\"phase\":\"Running\",\"conditions\":[{\"type\":\"Ready\","
	    "\"status\":\"True\"}]}}");
	json_t *unready = js("{\"metadata\":{\"namespace\":\"a\",\"labels\":{\"app\":\"web\"}},"
	    "\"status\":{\"phase\":\"Running\",\"conditions\":[{\"type\":\"Ready\","
	    "\"status\":\"False\"}]}}");
	json_t *pending = js("{\"metadata\":{\"namespace\":\"a\"},\"status\":{\"phase\":\"Pending\"}}");
	json_t *deleting = js("{\"metadata\":{\"namespace\":\"a\",\"deletionTimestamp\":"
	    "\"2025-01-01T00:00:00Z\"},\"status\":{\"phase\":\"Running\"}}");
	json_t *spent = js("{\"metadata\":{\"name\":\"web\",\"namespace\":\"a\",\"generation\":2},"
	    "\"spec\":{\"selector\":{\"matchExpressions\":[{\"key\":\"app\",\"operator\":\"In\","
	    "\"values\":[\"web\",\"api\"]}]}},\"status\":{\"observedGeneration\":2,"
	    "\"disruptionsAllowed\":0,\"currentHealthy\":2,\"desiredHealthy\":2}}");
	json_t *unobserved = js("{\"metadata\":{\"name\":\"new\",\"namespace\":\"a\","
	    "\"generation\":1},\"spec\":{\"selector\":{}}}");
	json_t *room = js("{\"metadata\":{\"name\":\"r\",\"namespace\":\"b\",\"generation\":1},"
	    "\"spec\":{\"selector\":{},\"unhealthyPodEvictionPolicy\":\"AlwaysAllow\"},"
	    "\"status\":{\"observedGeneration\":1,\"disruptionsAllowed\":2,"
	    "\"currentHealthy\":0,\"desiredHealthy\":0}}");
	char *cause = NULL;

	(void)state;
	assert_false(pdb_pod_exempt(running));
	assert_true(pdb_pod_exempt(pending));
	assert_true(pdb_pod_exempt(deleting));
	assert_true(pdb_pod_ready(running));
	assert_false(pdb_pod_ready(unready));

	/* matchExpressions select; another namespace never does; an empty
	 * selector takes the whole namespace */
	assert_true(pdb_selects(spent, running));
	assert_false(pdb_selects(room, running));
	assert_true(pdb_selects(unobserved, pending));

	/* IfHealthyBudget: an unready pod goes free only while healthy >= desired > 0 */
	assert_true(pdb_unhealthy_exempt(spent, unready));
	assert_false(pdb_unhealthy_exempt(spent, running));
	assert_false(pdb_unhealthy_exempt(unobserved, unready));
	assert_true(pdb_unhealthy_exempt(room, unready));	/* AlwaysAllow */

	assert_int_equal(pdb_check(spent, &cause), PDB_EXHAUSTED);
	assert_string_equal(cause, "The disruption budget web needs 2 healthy pods and has 2 "
	    "currently");
	free(cause);
	assert_int_equal(pdb_allowed(spent), 0);
	/* no status yet: refused until its controller observes it */
	assert_int_equal(pdb_check(unobserved, &cause), PDB_UNOBSERVED);
	assert_string_equal(cause, "The disruption budget new is still being processed by the "
	    "server.");
	free(cause);
	assert_int_equal(pdb_allowed(unobserved), 0);
	assert_int_equal(pdb_check(room, NULL), PDB_ALLOWS);
	assert_int_equal(pdb_allowed(room), 2);

	json_decref(running);
	json_decref(unready);
	json_decref(pending);
	json_decref(deleting);
	json_decref(spent);
	json_decref(unobserved);
	json_decref(room);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_min_available),
		cmocka_unit_test(test_max_unavailable),
		cmocka_unit_test(test_allowed),
		cmocka_unit_test(test_eviction_rules),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
