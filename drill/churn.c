/* A generated estate's churn (--generate ...,churn=E): about E watch
 * events a second across the estate, pods turning unready and ready again,
 * containers restarting, pods deleted and made again for their ReplicaSet,
 * so a console can be measured while events arrive. Run by the tick. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "opsdeck/json_util.h"
#include "opsdeck/sim.h"
#include "opsdeck/sim_ctl.h"
#include "opsdeck/xmalloc.h"
#include "sim_store.h"

/* Turn a running pod unready, or ready again. */
static void
churn_flip(struct sim_cluster *c, const struct kind *res, json_t *pod, const char *now)
{
	static const char	*types[] = { "Ready", "ContainersReady" };
	json_t			*st, *cond, *cs;
	const char		*to;
	size_t			 i;

	to = ctl_pod_ready(pod) ? "False" : "True";
	st = json_deep_copy(json_object_get(pod, "status"));
	for (i = 0; i < 2; i++) {
		cond = json_condition_find(json_object_get(st, "conditions"), types[i]);
		if (cond == NULL)
			continue;
		json_object_set_new(cond, "status", json_string(to));
		json_object_set_new(cond, "lastTransitionTime", json_string(now));
	}
	json_array_foreach(json_object_get(st, "containerStatuses"), i, cs)
		json_object_set_new(cs, "ready", json_boolean(*to == 'T'));
	ctl_set_status(c, res, pod, st);
}

/* Restart a pod's first container: its count goes up, the last run ends. */
static void
churn_restart(struct sim_cluster *c, const struct kind *res, json_t *pod, const char *now)
{
	struct ctl_pod	*p;
	json_t		*st, *cs, *started;
	json_int_t	 n;

	st = json_deep_copy(json_object_get(pod, "status"));
	cs = json_array_get(json_object_get(st, "containerStatuses"), 0);
	if (!json_is_object(cs)) {
		json_decref(st);
		return;
	}
	n = json_integer_value(json_object_get(cs, "restartCount")) + 1;
	started = json_object_get(json_object_get(json_object_get(cs, "state"), "running"),
	    "startedAt");
	json_object_set_new(cs, "lastState", json_pack("{s:{s:i,s:s,s:O?,s:s,s:s}}",
	    "terminated", "exitCode", 137, "reason", "Error", "startedAt", started,
	    "finishedAt", now, "containerID", json_string_value(json_object_get(cs,
	    "containerID")) != NULL ? json_string_value(json_object_get(cs,
	    "containerID")) : ""));
	json_object_set_new(cs, "restartCount", json_integer(n));
	json_object_set_new(cs, "state", json_pack("{s:{s:s}}", "running", "startedAt", now));
	/* the controllers count restarts too: a later pass keeps this one */
	p = map_get(ctl_get(c)->pods, json_path_str_or(pod, "metadata.uid", ""));
	if (p != NULL && p->nctr > 0)
		p->ctr[0].restarts = (int)n;
	ctl_set_status(c, res, pod, st);
}

/* Delete a pod and make its replacement at once, as its ReplicaSet would
 * (a new name and uid, the same owner and spec, a fresh start). */
static void
churn_replace(struct sim_cluster *c, const struct kind *res, json_t *pod, const char *now)
{
	json_t		*copy, *m;
	const char	*owner;
	char		 sfx[6], *nm, *ns, *cause = NULL;

	owner = json_path_str(pod, "metadata.ownerReferences.0.name");
	if (owner == NULL)
		return;
	copy = json_deep_copy(pod);
	ns = xstrdup(json_path_str_or(pod, "metadata.namespace", "default"));
	if (sim_obj_delete(c, res, ns, json_path_str_or(pod, "metadata.name", ""),
	    &cause) != 0) {
		free(cause);
		free(ns);
		json_decref(copy);
		return;
	}
	/* pod is gone: what follows reads the copy */
	m = json_object_get(copy, "metadata");
	ctl_suffix(ctl_get(c), sfx);
	nm = xasprintf("%s-%s", json_path_str_or(copy, "metadata.ownerReferences.0.name", ""),
	    sfx);
	json_object_set_new(m, "name", json_string(nm));
	json_object_del(m, "uid");
	json_object_del(m, "resourceVersion");
	json_object_set_new(m, "creationTimestamp", json_string(now));
	ctl_set(copy, "status.startTime", json_string(now));
	if (sim_obj_create(c, res, ns, copy, NULL, &cause) != 0)
		free(cause);
	free(nm);
	free(ns);
}

/* Churn: about scn->churn watch events a second over real_dt seconds,
 * spread over every cluster's pods. Its own changes do not call for a
 * controller pass. Lock held. */
void
scenario_churn_tick(struct sim *sim, double real_dt)
{
	struct scn		*scn = scn_get(sim);
	const struct kind	*res = kind_find_api("", "pods");
	struct sim_cluster	*c;
	struct sim_ctl		*ctl;
	json_t			*pod;
	uint64_t		 r, rv0;
	size_t			 npods;
	char			 now[40];
	long			 n;

	if (scn->churn <= 0 || sim->nclusters == 0 || scn->loading)
		return;
	scn->churn_due += scn->churn * (real_dt > 1 ? 1 : real_dt);
	n = (long)scn->churn_due;
	scn->churn_due -= (double)n;
	sim_rfc3339((int64_t)sim_wallclock(), now, sizeof now);
	while (n > 0) {
		c = sim->clusters[ctl_rand(ctl_get(sim->clusters[0])) % sim->nclusters];
		ctl = ctl_get(c);
		npods = sim_obj_count(c, res, NULL);
		if (npods == 0) {
			n--;
			continue;
		}
		rv0 = sim_store_rv(c);
		r = ctl_rand(ctl);
		pod = sim_obj_at(c, res, (size_t)(r % npods));
		r = (r >> 32) % 100;
		if (pod == NULL || ctl_pod_terminating(pod) ||
		    json_path_str(pod, "status.startTime") == NULL)
			n--;
		else if (r < 60) {
			churn_flip(c, res, pod, now);
			n--;
		} else if (r < 90) {
			churn_restart(c, res, pod, now);
			n--;
		} else {
			churn_replace(c, res, pod, now);
			n -= 2;		/* DELETED and ADDED */
		}
		if (ctl->last_rv == rv0)
			ctl->last_rv = sim_store_rv(c);
	}
}
