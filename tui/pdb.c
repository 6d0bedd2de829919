/* PodDisruptionBudget rules shared by the drill and the console's drain:
 * budget arithmetic and which evictions a budget allows (see pdb.h). */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "opsdeck/json_util.h"
#include "opsdeck/pdb.h"
#include "opsdeck/xmalloc.h"

/* Resolve an IntOrString against total (intstr.GetScaledValueFromIntOrPercent). */
int
pdb_scaled_value(json_t *v, int total, bool round_up, int *out)
{
	const char *s;
	char *end;
	long pct;
	long long x;

	*out = 0;
	if (json_is_integer(v)) {
		*out = (int)json_integer_value(v);
		return 0;
	}
	s = json_string_value(v);
	if (s == NULL || *s == '\0' || s[strlen(s) - 1] != '%')
		return -1;
	pct = strtol(s, &end, 10);
	if (end == s || *end != '%' || end[1] != '\0' || pct < 0 || pct > INT_MAX / 100)
		return -1;
	x = (long long)pct * total;
	*out = (int)(round_up ? (x + 99) / 100 : x / 100);
	return 0;
}

/* desiredHealthy of a spec over expected pods (upstream getExpectedPodCount). */
int
pdb_desired_healthy(json_t *spec, int expected)
{
	json_t *maxu = json_object_get(spec, "maxUnavailable");
	json_t *mina = json_object_get(spec, "minAvailable");
	int v;

	if (maxu != NULL && !json_is_null(maxu)) {
		if (pdb_scaled_value(maxu, expected, true, &v) != 0)
			return -1;
		return expected - v < 0 ? 0 : expected - v;
	}
	if (mina != NULL && !json_is_null(mina)) {
		if (pdb_scaled_value(mina, expected, true, &v) != 0)
			return -1;
		return v;
	}
	return 0;
}

/* disruptionsAllowed from the counts (upstream updatePdbStatus). */
int
pdb_disruptions_allowed(int current, int desired, int expected)
{
	if (expected <= 0 || current - desired <= 0)
		return 0;
	return current - desired;
}

/* Is the pod's Ready condition True? */
bool
pdb_pod_ready(json_t *pod)
{
	return json_condition_true(pod, "Ready") != 0;
}

/* upstream canIgnorePDB: terminal, pending or already deleting pods. */
bool
pdb_pod_exempt(json_t *pod)
{
	const char *phase = json_path_str(pod, "status.phase");

	if (json_path(pod, "metadata.deletionTimestamp") != NULL &&
	    !json_is_null(json_path(pod, "metadata.deletionTimestamp")))
		return true;
	return phase != NULL && (strcmp(phase, "Succeeded") == 0 ||
	    strcmp(phase, "Failed") == 0 || strcmp(phase, "Pending") == 0);
}

/* Does pdb's selector pick pod in its namespace? */
bool
pdb_selects(json_t *pdb, json_t *pod)
{
	const char *pns = json_path_str(pod, "metadata.namespace");
	const char *bns = json_path_str(pdb, "metadata.namespace");
	struct label_selector *sel;
	char *cause = NULL;
	bool match;

	if (pns == NULL || bns == NULL || strcmp(pns, bns) != 0)
		return false;
	sel = label_selector_from_json(json_path(pdb, "spec.selector"), &cause);
	if (sel == NULL) {
		/* An invalid selector matches nothing, as upstream. */
		free(cause);
		return false;
	}
	match = label_selector_match(sel, json_path(pod, "metadata.labels")) != 0;
	label_selector_free(sel);
	return match;
}

/* An unready pod the unhealthy-pod eviction policy lets go for free. */
bool
pdb_unhealthy_exempt(json_t *pdb, json_t *pod)
{
	const char *policy = json_path_str(pdb, "spec.unhealthyPodEvictionPolicy");
	int64_t desired = json_path_int(pdb, "status.desiredHealthy", 0);

	if (pdb_pod_ready(pod))
		return false;
	if (policy != NULL && strcmp(policy, "AlwaysAllow") == 0)
		return true;
	return json_path_int(pdb, "status.currentHealthy", 0) >= desired && desired > 0;
}

/* Would one more eviction against pdb be refused (upstream checkAndDecrement)? */
enum pdb_refusal
pdb_check(json_t *pdb, char **cause)
{
	const char *name = json_path_str_or(pdb, "metadata.name", "?");
	int64_t allowed = json_path_int(pdb, "status.disruptionsAllowed", 0);
	enum pdb_refusal r = PDB_ALLOWS;

	if (json_path_int(pdb, "status.observedGeneration", 0) <
	    json_path_int(pdb, "metadata.generation", 0))
		r = PDB_UNOBSERVED;
	else if (allowed < 0)
		r = PDB_NEGATIVE;
	else if (allowed == 0)
		r = PDB_EXHAUSTED;
	if (cause == NULL)
		return r;
	*cause = NULL;
	if (r == PDB_UNOBSERVED)
		*cause = xasprintf("The disruption budget %s is still being processed by the "
		    "server.", name);
	else if (r == PDB_NEGATIVE)
		*cause = xstrdup("pdb disruptions allowed is negative");
	else if (r == PDB_EXHAUSTED)
		*cause = xasprintf("The disruption budget %s needs %lld healthy pods and has "
		    "%lld currently", name,
		    (long long)json_path_int(pdb, "status.desiredHealthy", 0),
		    (long long)json_path_int(pdb, "status.currentHealthy", 0));
	return r;
}

/* The disruptions pdb allows now (0 until its status is current). */
long
pdb_allowed(json_t *pdb)
{
	if (pdb_check(pdb, NULL) != PDB_ALLOWS)
		return 0;
	return (long)json_path_int(pdb, "status.disruptionsAllowed", 0);
}
