/* Runbook measures: the health rules a condition reads off one object
 * (ready, available, crashing, age and the rest) and a rollout's crashing
 * pods. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "opsdeck/actions.h"
#include "opsdeck/json_util.h"
#include "opsdeck/kinds.h"
#include "opsdeck/xmalloc.h"

#include "runbook_run_int.h"

/* A number at a dotted path ("status.readyReplicas"), or def. */
static double
obj_number(json_t *obj, const char *path, double def)
{
	char *p = xstrdup(path), *tok, *save = NULL;
	json_t *o = obj;

	for (tok = strtok_r(p, ".", &save); tok != NULL; tok = strtok_r(NULL, ".", &save))
		o = json_object_get(o, tok);
	free(p);
	if (json_is_number(o))
		return json_number_value(o);
	if (json_is_string(o))
		return rb_cell_number(json_string_value(o)) >= 0 ?
		    rb_cell_number(json_string_value(o)) : def;
	if (json_is_true(o))
		return 1;
	return def;
}

/* Unix seconds of an RFC 3339 UTC timestamp ("...Z"), or 0. */
int64_t
run_parse_time(const char *s)
{
	struct tm tm;

	memset(&tm, 0, sizeof tm);
	if (s == NULL || sscanf(s, "%d-%d-%dT%d:%d:%d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
	    &tm.tm_hour, &tm.tm_min, &tm.tm_sec) != 6)
		return 0;
	tm.tm_year -= 1900;
	tm.tm_mon--;
	return (int64_t)timegm(&tm);
}

/* The value of measure over one item of resource. */
double
item_measure(const char *resource, const char *m, json_t *it, int64_t now)
{
	const char *phase = json_string_value(json_object_get(json_object_get(it, "status"),
	    "phase"));
	bool workload = strcmp(resource, "deployments") == 0 ||
	    strcmp(resource, "statefulsets") == 0 || strcmp(resource, "replicasets") == 0;
	double want, ready;

	if (strcmp(m, "count") == 0)
		return 1;
	if (strcmp(m, "not-ready") == 0) {
		if (workload || strcmp(resource, "rollouts") == 0) {
			want = obj_number(it, "spec.replicas", 1);
			ready = obj_number(it, "status.readyReplicas", 0);
			return want > ready ? want - ready : 0;
		}
		if (strcmp(resource, "pods") == 0)
			return (phase != NULL && strcmp(phase, "Succeeded") == 0) ||
			    json_condition_true(it, "Ready") ? 0 : 1;
		if (strcmp(resource, "nodes") == 0)
			return json_condition_true(it, "Ready") ? 0 : 1;
		return 0;
	}
	if (strcmp(m, "firing") == 0 || strcmp(m, "active") == 0) {
		/* an alert firing, a silence in force: Alertmanager's "active" */
		const char *st = json_string_value(json_object_get(json_object_get(it, "status"),
		    "state"));

		return st != NULL && strcmp(st, "active") == 0 ? 1 : 0;
	}
	if (strcmp(m, "bad") == 0)
		/* the printer's verdict, as the row's colour shows it */
		return kind_failing(kind_find(resource), it, now) ? 1 : 0;
	if (strcmp(m, "restarted-age") == 0) {
		/* seconds since a rollout restart (kubectl's annotation on the
		 * pod template); never restarted: a very large age */
		int64_t t = run_parse_time(json_string_value(json_object_get(json_object_get(
		    json_object_get(json_object_get(json_object_get(it, "spec"), "template"),
		    "metadata"), "annotations"), "kubectl.kubernetes.io/restartedAt")));

		return t > 0 ? (double)(now - t) : 1e12;
	}
	if (strcmp(m, "rollout-pending") == 0 && workload) {
		/* what `kubectl rollout status` waits for: the spec observed,
		 * every replica updated, no old one left, the updated available */
		double spec = obj_number(it, "spec.replicas", 1);
		double updated = obj_number(it, "status.updatedReplicas", 0);
		double total = obj_number(it, "status.replicas", 0);
		double avail = obj_number(it, "status.availableReplicas", 0);
		double n = 0;

		if (obj_number(it, "status.observedGeneration", 0) <
		    obj_number(it, "metadata.generation", 0))
			n += 1;
		n += spec > updated ? spec - updated : 0;
		n += total > updated ? total - updated : 0;
		n += updated > avail ? updated - avail : 0;
		return n;
	}
	if (strcmp(resource, "virtualservices") == 0 && (strcmp(m, "canary-weight") == 0 ||
	    strcmp(m, "stable-weight") == 0 || strcmp(m, "split-total") == 0)) {
		/* the first route split between stable and canary; none: -1 */
		json_t *route, *stable, *canary;
		size_t i;

		json_array_foreach(json_path(it, "spec.http"), i, route) {
			if (!actions_vs_split(route, &stable, &canary))
				continue;
			if (strcmp(m, "canary-weight") == 0)
				return obj_number(canary, "weight", 0);
			if (strcmp(m, "stable-weight") == 0)
				return obj_number(stable, "weight", 0);
			return obj_number(canary, "weight", 0) + obj_number(stable, "weight", 0);
		}
		return -1;
	}
	if (strcmp(resource, "endpoints") == 0 && (strcmp(m, "addresses") == 0 ||
	    strncmp(m, "addresses-of:", 13) == 0 || strncmp(m, "addresses-not-of:", 17) == 0)) {
		/* ready addresses, or those whose pod is (not) named PREFIX-... */
		const char *prefix = strchr(m, ':') != NULL ? strchr(m, ':') + 1 : NULL;
		const char *pod;
		json_t *sub, *a;
		size_t i, j, pl = prefix != NULL ? strlen(prefix) : 0;
		double n = 0;
		bool of, want_of = strncmp(m, "addresses-of:", 13) == 0;

		json_array_foreach(json_object_get(it, "subsets"), i, sub) {
			json_array_foreach(json_object_get(sub, "addresses"), j, a) {
				pod = json_path_str(a, "targetRef.name");
				of = prefix != NULL && pod != NULL && strncmp(pod, prefix, pl) == 0 &&
				    pod[pl] == '-';
				if (prefix == NULL || of == want_of)
					n++;
			}
		}
		return n;
	}
	if (strcmp(m, "completed") == 0)
		return phase != NULL && strcmp(phase, "Completed") == 0 ? 1 : 0;
	if (strcmp(m, "finished") == 0)
		return phase != NULL && (strcmp(phase, "Completed") == 0 ||
		    strcmp(phase, "PartiallyFailed") == 0 || strcmp(phase, "Failed") == 0 ||
		    strcmp(phase, "FailedValidation") == 0) ? 1 : 0;
	if (strcmp(m, "available") == 0)
		return obj_number(it, "status.availableReplicas", 0);
	if (strcmp(m, "ready") == 0)
		return obj_number(it, "status.readyReplicas", 0);
	if (strcmp(m, "replicas") == 0 || strcmp(m, "desired") == 0) {
		if (strcmp(resource, "horizontalpodautoscalers") == 0)
			return obj_number(it, "status.desiredReplicas", 0);
		return obj_number(it, "spec.replicas", 1);
	}
	if (strcmp(m, "updated") == 0 || strcmp(m, "up-to-date") == 0)
		return obj_number(it, "status.updatedReplicas", 0);
	if (strcmp(m, "current") == 0)
		return obj_number(it, "status.currentReplicas", 0);
	if (strcmp(m, "min") == 0)
		return obj_number(it, "spec.minReplicas", 1);
	if (strcmp(m, "max") == 0)
		return obj_number(it, "spec.maxReplicas", 0);
	if (strcmp(m, "restarts") == 0) {
		json_t *cs;
		size_t i;
		double n = 0;

		json_array_foreach(json_object_get(json_object_get(it, "status"),
		    "containerStatuses"), i, cs)
			n += obj_number(cs, "restartCount", 0);
		return n;
	}
	return obj_number(it, m, 0);
}

/*
 * Measures of a deployment's rollout that need its ReplicaSets and pods:
 * on-revision:N (1 when the deployment's pod template is the one revision
 * N had: a rollback landed) and crashing (pods of the ReplicaSet running
 * the deployment's template that crash-loop, fail or exited with an
 * error).
 */

/* Does measure m need the deployment's ReplicaSets? */
bool
cond_rollout_measure(const char *m)
{
	return strncmp(m, "on-revision:", 12) == 0 || strcmp(m, "crashing") == 0;
}

/* Has a pod crashed: failing as its row says, or a container that exited
 * with an error and has not started again? */
bool
pod_crashing(json_t *pod, int64_t now)
{
	json_t *cs;
	size_t i;

	if (kind_failing(kind_find("pods"), pod, now))
		return true;
	json_array_foreach(json_path(pod, "status.containerStatuses"), i, cs) {
		if (json_path_int(cs, "state.terminated.exitCode", 0) != 0)
			return true;
	}
	return false;
}
