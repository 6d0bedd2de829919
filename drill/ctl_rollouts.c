/* Argo Rollouts canary controller: a template change starts a canary
 * ReplicaSet that walks spec.strategy.canary.steps (setWeight scales the
 * canary to that share of the replicas; pause waits for a promote, or for
 * its duration), then becomes stable. Reacts to the status patches of
 * `kubectl argo rollouts` promote / promote --full / abort / retry. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "opsdeck/duration.h"
#include "opsdeck/json_util.h"
#include "opsdeck/sim.h"
#include "opsdeck/sim_ctl.h"
#include "opsdeck/xmalloc.h"

#define HASH_LABEL	"rollouts-pod-template-hash"

/* Pass state: ReplicaSets indexed by owner. */
struct ro_pass {
	struct sim_cluster	*c;
	struct map		*rsidx;
};

/* The hash label of a ReplicaSet. */
static const char *
rs_hash(json_t *rs)
{
	return json_string_value(json_object_get(json_object_get(json_object_get(rs,
	    "metadata"), "labels"), HASH_LABEL));
}

/* Scale a ReplicaSet; emits an event on the rollout. */
static void
ro_scale(struct sim_cluster *c, json_t *ro, json_t *rs, json_int_t n)
{
	json_int_t	old;

	if (rs == NULL)
		return;
	old = json_path_int(rs, "spec.replicas", 0);
	if (old == n)
		return;
	ctl_set(rs, "spec.replicas", json_integer(n));
	sim_obj_modified(c, kind_find_api("apps", "replicasets"), rs, true);
	ctl_event(c, ro, "Normal", "ScalingReplicaSet", "Scaled %s ReplicaSet %s from %lld "
	    "to %lld", n > old ? "up" : "down", json_path_str(rs, "metadata.name"), (long long)old,
	    (long long)n);
}

/* A step's pause duration in seconds (0: until promoted). */
static double
step_pause(json_t *step)
{
	json_t		*d = json_object_get(json_object_get(step, "pause"), "duration");
	double		 v;

	if (json_is_integer(d))
		return (double)json_integer_value(d);
	if (json_string_value(d) == NULL || duration_parse(json_string_value(d), &v, NULL) != 0)
		return 0;
	return v;
}

/* Reconcile one Rollout. */
static int
ro_one(json_t *ro, void *arg)
{
	struct ro_pass			*rp = arg;
	struct sim_cluster		*c = rp->c;
	struct sim_ctl			*ctl = ctl_get(c);
	const struct kind		*res = kind_find_api("argoproj.io", "rollouts");
	struct ctl_vec			*all = map_get(rp->rsidx, json_path_str(ro, "metadata.uid"));
	json_t				*tmpl = json_object_get(json_object_get(ro, "spec"),
					    "template");
	json_t				*steps, *step, *st, *old, *canary = NULL, *stable = NULL;
	struct ctl_ro			*ds;
	const char			*uid = json_path_str(ro, "metadata.uid");
	const char			*stable_hash, *cur_hash;
	char				 hash[16], ts[40], gen[32], *msg = NULL;
	json_int_t			 R = json_path_int(ro, "spec.replicas", 1), want_canary;
	long				 i, nsteps, maxrev = 0;
	size_t				 k;
	bool				 abort_, promote_full, paused = false;
	const char			*phase;
	double				 now = ctl_now(c->sim), weight = 0;

	if (uid == NULL || !json_is_object(tmpl))
		return 0;
	ctl_template_hash(tmpl, hash);
	old = json_object_get(ro, "status");
	stable_hash = json_path_str(ro, "status.stableRS");
	cur_hash = json_path_str(ro, "status.currentPodHash");
	steps = json_object_get(json_object_get(json_object_get(json_object_get(ro, "spec"),
	    "strategy"), "canary"), "steps");
	nsteps = (long)json_array_size(steps);
	i = (long)json_path_int(ro, "status.currentStepIndex", 0);
	abort_ = json_is_true(json_object_get(old, "abort"));
	promote_full = json_is_true(json_object_get(old, "promoteFull"));
	ds = map_get(ctl->ros, uid);
	if (ds == NULL) {
		ds = xcalloc(1, sizeof *ds);
		ds->paused_step = -1;
		map_put(ctl->ros, uid, ds);
	}
	if (ds->aborted && !abort_) {
		/* Retry: walk the steps again. */
		i = 0;
		ds->paused_step = -1;
	}
	ds->aborted = abort_;
	for (k = 0; all != NULL && k < all->n; k++) {
		const char	*h = rs_hash(all->v[k]);
		const char	*rv = ctl_annotation(all->v[k], "rollout.argoproj.io/revision");

		if (rv != NULL && atol(rv) > maxrev)
			maxrev = atol(rv);
		if (h != NULL && strcmp(h, hash) == 0)
			canary = all->v[k];
		else if (h != NULL && stable_hash != NULL && strcmp(h, stable_hash) == 0)
			stable = all->v[k];
	}
	if (canary == NULL) {
		canary = ctl_rs_create(c, ro, "Rollout", tmpl, HASH_LABEL, maxrev + 1,
		    stable_hash == NULL ? R : 0);
		if (canary != NULL) {
			snprintf(gen, sizeof gen, "%ld", maxrev + 1);
			ctl_set_annotation(canary, "rollout.argoproj.io/revision", gen);
			sim_obj_modified(c, kind_find_api("apps", "replicasets"), canary, false);
		}
	}
	if (stable_hash == NULL || (stable == NULL && strcmp(stable_hash, hash) != 0)) {
		/* First rollout (or stable lost): the current template is stable. */
		stable_hash = hash;
		stable = canary;
	}
	if (cur_hash == NULL || strcmp(cur_hash, hash) != 0) {
		/* A new template: start over at step 0. */
		i = 0;
		abort_ = false;
		ds->aborted = false;
		ds->paused_step = -1;
		ds->completed = false;
	}
	if (strcmp(stable_hash, hash) == 0) {
		/* Fully promoted: scale the stable set, retire the others. */
		ro_scale(c, ro, canary, R);
		for (k = 0; all != NULL && k < all->n; k++) {
			if (all->v[k] != canary)
				ro_scale(c, ro, all->v[k], 0);
		}
		i = nsteps;
		phase = json_path_int(canary, "status.availableReplicas", 0) >= R ? "Healthy" :
		    "Progressing";
		weight = 0;
	} else if (abort_) {
		const char *crev = ctl_annotation(canary, "rollout.argoproj.io/revision");

		ro_scale(c, ro, canary, 0);
		ro_scale(c, ro, stable, R);
		phase = "Degraded";
		msg = xasprintf("RolloutAborted: Rollout aborted update to revision %s",
		    crev != NULL ? crev : "?");
		if (!ds->completed)
			ctl_event(c, ro, "Warning", "RolloutAborted", "Rollout aborted update to "
			    "revision");
		ds->completed = true;
	} else {
		if (promote_full)
			i = nsteps;
		phase = "Progressing";
		/* The weight set by the steps already taken. */
		for (k = 0; (long)k < i && (long)k < nsteps; k++) {
			step = json_array_get(steps, k);
			if (json_object_get(step, "setWeight") != NULL)
				weight = (double)json_path_int(step, "setWeight", 0);
		}
		/* Walk steps as far as they allow this tick. */
		while (i < nsteps) {
			step = json_array_get(steps, (size_t)i);
			if (json_object_get(step, "setWeight") != NULL) {
				weight = (double)json_path_int(step, "setWeight", 0);
				want_canary = (json_int_t)ceil((double)R * weight / 100.0);
				ro_scale(c, ro, canary, want_canary);
				ro_scale(c, ro, stable, R - want_canary > 0 ? R - want_canary : 0);
				if (json_path_int(canary, "status.availableReplicas", 0) < want_canary)
					break;
				i++;
				continue;
			}
			if (json_object_get(step, "pause") != NULL) {
				json_t *pc = json_object_get(old, "pauseConditions");

				if (ds->paused_step != i) {
					/* Entering the pause. */
					ds->paused_step = i;
					ds->pause_t = now;
					paused = true;
					break;
				}
				if (json_array_size(pc) == 0 && json_path_str(ro, "status.phase") != NULL &&
				    strcmp(json_path_str(ro, "status.phase"), "Paused") == 0) {
					/* Promoted: the pause conditions were cleared. */
					i++;
					continue;
				}
				if (step_pause(step) > 0 && now - ds->pause_t >= step_pause(step)) {
					i++;
					continue;
				}
				paused = true;
				break;
			}
			i++;	/* steps we do not simulate (analysis, experiment) pass */
		}
		if (i >= nsteps) {
			/* Promote: the canary becomes stable. */
			ro_scale(c, ro, canary, R);
			if (json_path_int(canary, "status.availableReplicas", 0) >= R) {
				ro_scale(c, ro, stable, 0);
				stable_hash = hash;
				if (!ds->completed)
					ctl_event(c, ro, "Normal", "RolloutCompleted", "Rollout "
					    "completed update to revision");
				ds->completed = true;
			}
			weight = 100;
		}
		if (paused)
			phase = "Paused";
	}
	ctl_rfc3339(sim_wallclock(), ts, sizeof ts);
	snprintf(gen, sizeof gen, "%lld", (long long)json_path_int(ro, "metadata.generation", 1));
	st = json_pack("{s:s,s:I,s:s,s:s,s:{s:{s:{s:s,s:i},s:{s:s,s:i}}},s:I,s:I,s:I,s:I,"
	    "s:s,s:b}",
	    "phase", phase, "currentStepIndex", (json_int_t)(i > nsteps ? nsteps : i),
	    "currentPodHash", hash, "stableRS", stable_hash, "canary", "weights", "canary",
	    "podTemplateHash", hash, "weight", strcmp(stable_hash, hash) == 0 ? 0 :
	    (int)weight, "stable", "podTemplateHash", stable_hash, "weight",
	    strcmp(stable_hash, hash) == 0 ? 100 : 100 - (int)weight,
	    "replicas", R, "updatedReplicas",
	    (json_int_t)json_path_int(canary, "status.replicas", 0), "readyReplicas",
	    (json_int_t)(json_path_int(canary, "status.readyReplicas", 0) +
	    (stable != NULL && stable != canary ? json_path_int(stable, "status.readyReplicas", 0) : 0)),
	    "availableReplicas", (json_int_t)(json_path_int(canary, "status.availableReplicas", 0) +
	    (stable != NULL && stable != canary ? json_path_int(stable, "status.availableReplicas", 0) :
	    0)), "observedGeneration", gen, "abort", abort_);
	if (paused) {
		json_t *pc = json_object_get(old, "pauseConditions");
		const char *since = json_array_size(pc) > 0 ?
		    json_path_str(json_array_get(pc, 0), "startTime") : NULL;

		json_object_set_new(st, "pauseConditions", json_pack("[{s:s,s:s}]", "reason",
		    "CanaryPauseStep", "startTime", since != NULL ? since : ts));
		json_object_set_new(st, "controllerPause", json_true());
	}
	if (msg != NULL) {
		json_object_set_new(st, "message", json_string(msg));
		free(msg);
	}
	{
		json_t	*sel = json_path(ro, "spec.selector.matchLabels");
		char	*s;

		/* "a=b,c=d" sorted by key as labels.FormatLabels; "" when empty. */
		s = json_object_size(sel) > 0 ? labels_to_string(sel) : xstrdup("");
		json_object_set_new(st, "selector", json_string(s));
		free(s);
	}
	json_object_set_new(st, "conditions", ctl_condition(json_object_get(old, "conditions"),
	    "Progressing", strcmp(phase, "Degraded") == 0 ? "False" : "True",
	    strcmp(phase, "Healthy") == 0 ? "NewReplicaSetAvailable" :
	    strcmp(phase, "Degraded") == 0 ? "RolloutAborted" :
	    strcmp(phase, "Paused") == 0 ? "RolloutPaused" : "ReplicaSetUpdated",
	    strcmp(phase, "Healthy") == 0 ? "Rollout is healthy" : "Rollout is progressing",
	    false));
	ctl_set_status(c, res, ro, st);
	return 0;
}

/* The Rollout pass. */
void
ctl_rollouts_tick(struct sim_cluster *c)
{
	const struct kind		*res = kind_find_api("argoproj.io", "rollouts");
	struct ro_pass			 rp;

	if (res == NULL || sim_obj_count(c, res, NULL) == 0)
		return;
	rp.c = c;
	rp.rsidx = ctl_index_by_owner(c, kind_find_api("apps", "replicasets"));
	sim_obj_foreach(c, res, NULL, ro_one, &rp);
	ctl_index_free(rp.rsidx);
}
