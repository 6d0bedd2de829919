/* PodDisruptionBudget rules shared by the drill (its PDB status controller
 * and the pods/eviction handler) and the console's drain pre-check, so the
 * console refuses exactly the evictions the server would refuse. The rules
 * follow upstream Kubernetes: pkg/controller/disruption/disruption.go
 * (getExpectedPodCount, countHealthyPods, updatePdbStatus) and
 * pkg/registry/core/pod/storage/eviction.go (canIgnorePDB,
 * getPodDisruptionBudgets, the unhealthy-pod policy, checkAndDecrement).
 * Every json_t argument is borrowed. */
#ifndef OPSDECK_PDB_H
#define OPSDECK_PDB_H

#include <stdbool.h>

#include <jansson.h>

/* Resolve an IntOrString against total as intstr.GetScaledValueFromIntOrPercent
 * does: an integer as is, "N%" as N * total / 100 rounded up (round_up) or
 * down; 0 and -1 for anything else (a string without "%", a bad number). */
int	 pdb_scaled_value(json_t *v, int total, bool round_up, int *out);
/* desiredHealthy of a PodDisruptionBudget spec when expected pods are
 * expected: minAvailable as an integer, minAvailable "N%" of expected
 * rounded up, or expected minus maxUnavailable (an integer or "N%" of
 * expected rounded up), never below 0; 0 with neither. -1 if malformed. */
int	 pdb_desired_healthy(json_t *spec, int expected);
/* disruptionsAllowed: current - desired, 0 when that is negative or no pod
 * is expected (upstream updatePdbStatus). */
int	 pdb_disruptions_allowed(int current, int desired, int expected);

/* Is the pod's Ready condition True? */
bool	 pdb_pod_ready(json_t *pod);
/* Can the pod be evicted without looking at any PDB (upstream canIgnorePDB):
 * phase Succeeded, Failed or Pending, or already being deleted. */
bool	 pdb_pod_exempt(json_t *pod);
/* Does pdb cover pod: same namespace, and its spec.selector (matchLabels and
 * matchExpressions; an empty selector selects every pod of the namespace,
 * a missing or invalid one none) matches the pod's labels? */
bool	 pdb_selects(json_t *pdb, json_t *pod);
/* An unready pod covered by pdb that may go without consuming its budget:
 * unhealthyPodEvictionPolicy AlwaysAllow, or (IfHealthyBudget, the default)
 * currentHealthy >= desiredHealthy > 0 in the PDB's status. */
bool	 pdb_unhealthy_exempt(json_t *pdb, json_t *pod);

/* Why checkAndDecrement refuses an eviction against pdb. */
enum pdb_refusal {
	PDB_ALLOWS = 0,		/* disruptionsAllowed > 0: decrement and go */
	PDB_UNOBSERVED,		/* status.observedGeneration < metadata.generation: 429 */
	PDB_NEGATIVE,		/* disruptionsAllowed < 0: 403 */
	PDB_EXHAUSTED,		/* disruptionsAllowed == 0: 429 */
};
/* Would one more eviction against pdb be refused, and why? With a refusal
 * *cause (may be NULL) gets the DisruptionBudget cause message the API
 * server sends ("The disruption budget web needs 2 healthy pods and has 2
 * currently"); new string. */
enum pdb_refusal pdb_check(json_t *pdb, char **cause);
/* The disruptions pdb allows now: status.disruptionsAllowed when the status
 * is current, else 0 (a budget its controller has not observed yet). */
long	 pdb_allowed(json_t *pdb);

#endif
