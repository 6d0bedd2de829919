/* The PodDisruptionBudget controller: fills each PDB's status as upstream's
 * disruption controller does (pkg/controller/disruption/disruption.go):
 * expectedPods, currentHealthy, desiredHealthy, disruptionsAllowed,
 * disruptedPods, observedGeneration and the DisruptionAllowed condition.
 * The budget arithmetic itself is shared with the console (opsdeck/pdb.h). */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "opsdeck/json_util.h"
#include "opsdeck/pdb.h"
#include "opsdeck/sim.h"
#include "opsdeck/sim_ctl.h"
#include "opsdeck/xmalloc.h"

/* Seconds an eviction stays in status.disruptedPods waiting for the pod's
 * deletion (upstream DeletionTimeout). */
#define PDB_DELETION_TIMEOUT	120.0

/* The pods one PDB selects, counted. */
struct pdb_count {
	json_t	*pdb;
	json_t	*disrupted_old;	/* status.disruptedPods before (borrowed) */
	json_t	*disrupted;	/* the new map (owned) */
	double	 now;
	int	 matched;	/* every selected pod */
	int	 live;		/* selected and not being deleted */
	int	 healthy;	/* live, Ready, and not awaiting an eviction */
};

/* Count one pod of the PDB's namespace. */
static int
pdb_count_pod(json_t *pod, void *arg)
{
	struct pdb_count *pc = arg;
	const char *name = json_path_str(pod, "metadata.name");
	json_t *when;
	double t;

	if (name == NULL || !pdb_selects(pc->pdb, pod))
		return 0;
	pc->matched++;
	if (json_path(pod, "metadata.deletionTimestamp") != NULL)
		return 0;
	pc->live++;
	/* An eviction approved for this pod that its deletion has not yet
	 * followed: not healthy until the timeout passes (buildDisruptedPodMap). */
	when = json_object_get(pc->disrupted_old, name);
	t = json_is_string(when) ? ctl_parse_time(json_string_value(when)) : -1;
	if (t > 0 && t + PDB_DELETION_TIMEOUT > pc->now) {
		json_object_set(pc->disrupted, name, when);
		return 0;
	}
	if (pdb_pod_ready(pod))
		pc->healthy++;
	return 0;
}

/* Set the DisruptionAllowed condition from status.disruptionsAllowed
 * (upstream UpdateDisruptionAllowedCondition: metav1.Condition, the
 * transition time kept while the status stays the same). */
void
ctl_pdb_condition(json_t *status)
{
	json_t *old = json_object_get(status, "conditions"), *conds = json_array(), *cd;
	const char *ost = NULL, *olt = NULL, *t, *st;
	bool allowed = json_path_int(status, "disruptionsAllowed", 0) > 0;
	char ts[40];
	size_t i;

	json_array_foreach(old, i, cd) {
		t = json_string_value(json_object_get(cd, "type"));
		if (t != NULL && strcmp(t, "DisruptionAllowed") == 0) {
			ost = json_string_value(json_object_get(cd, "status"));
			olt = json_string_value(json_object_get(cd, "lastTransitionTime"));
		} else
			json_array_append(conds, cd);
	}
	st = allowed ? "True" : "False";
	ctl_rfc3339(sim_wallclock(), ts, sizeof ts);
	if (ost == NULL || olt == NULL || strcmp(ost, st) != 0)
		olt = ts;
	json_array_append_new(conds, json_pack("{s:s,s:s,s:I,s:s,s:s,s:s}", "type",
	    "DisruptionAllowed", "status", st, "observedGeneration",
	    (json_int_t)json_path_int(status, "observedGeneration", 0),
	    "lastTransitionTime", olt, "reason", allowed ? "SufficientPods" :
	    "InsufficientPods", "message", ""));
	json_object_set_new(status, "conditions", conds);
}

/* Recompute one PDB's status; write it (a MODIFIED event) only if it changed. */
static int
pdb_one(json_t *pdb, void *arg)
{
	struct sim_cluster *c = arg;
	const char *ns = json_path_str(pdb, "metadata.namespace");
	struct pdb_count pc;
	json_t *st, *old = json_object_get(pdb, "status");
	int expected, desired;

	if (ns == NULL)
		return 0;
	memset(&pc, 0, sizeof pc);
	pc.pdb = pdb;
	pc.now = sim_wallclock();
	pc.disrupted_old = json_object_get(old, "disruptedPods");
	pc.disrupted = json_object();
	sim_obj_foreach(c, kind_find_api("", "pods"), ns, pdb_count_pod, &pc);
	/* expectedPods: upstream takes the selected pods for an integer
	 * minAvailable, else the sum of the scales of their controllers. The
	 * drill approximates that scale by the selected pods not being
	 * deleted, which is what a settled controller runs. */
	if (json_is_integer(json_path(pdb, "spec.minAvailable")) &&
	    json_path(pdb, "spec.maxUnavailable") == NULL)
		expected = pc.matched;
	else
		expected = pc.live;
	desired = pdb_desired_healthy(json_object_get(pdb, "spec"), expected);
	if (desired < 0)
		desired = 0;
	st = json_pack("{s:I,s:i,s:i,s:i,s:i}", "observedGeneration",
	    (json_int_t)json_path_int(pdb, "metadata.generation", 1), "disruptionsAllowed",
	    pdb_disruptions_allowed(pc.healthy, desired, expected), "currentHealthy",
	    pc.healthy, "desiredHealthy", desired, "expectedPods", expected);
	if (json_object_size(pc.disrupted) > 0)
		json_object_set(st, "disruptedPods", pc.disrupted);
	json_decref(pc.disrupted);
	if (json_is_array(json_object_get(old, "conditions")))
		json_object_set(st, "conditions", json_object_get(old, "conditions"));
	ctl_pdb_condition(st);
	ctl_set_status(c, kind_find_api("policy", "poddisruptionbudgets"), pdb, st);
	return 0;
}

/* The PDB pass. */
void
ctl_pdb_tick(struct sim_cluster *c)
{
	sim_obj_foreach(c, kind_find_api("policy", "poddisruptionbudgets"), NULL, pdb_one,
	    c);
}
