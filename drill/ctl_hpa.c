/* HorizontalPodAutoscaler (autoscaling/v2) against a simulated load: the
 * annotation drill.opsdeck.dev/load on the HPA is the demand in pods at
 * 100 % of their CPU request; utilisation = load / ready replicas. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "opsdeck/json_util.h"
#include "opsdeck/sim.h"
#include "opsdeck/sim_ctl.h"
#include "opsdeck/xmalloc.h"

/* The demand of an HPA (annotation), default 50 % of min replicas. */
double
ctl_hpa_load(json_t *hpa)
{
	const char	*s;

	s = ctl_annotation(hpa, "drill.opsdeck.dev/load");
	if (s != NULL)
		return atof(s);
	return 0.5 * (double)json_path_int(hpa, "spec.minReplicas", 1);
}

/* The target utilisation of resource metric name, or 0. */
static int
hpa_target(json_t *hpa, const char *name)
{
	json_t	*m;
	size_t	 i;

	json_array_foreach(json_object_get(json_object_get(hpa, "spec"), "metrics"), i, m) {
		const char *t = json_string_value(json_object_get(m, "type"));

		if (t == NULL || strcmp(t, "Resource") != 0)
			continue;
		if (strcmp(json_path_str_or(m, "resource.name", ""),
		    name) == 0)
			return (int)json_path_int(m, "resource.target.averageUtilization", 0);
	}
	return 0;
}

/* The rate limit of a behavior direction: most replicas allowed from cur. */
static long
hpa_limit(json_t *rules, long cur, bool up, double *period)
{
	json_t		*pol, *p;
	const char	*sel;
	size_t		 i;
	long		 best = up ? -1 : (long)1e9, v;
	bool		 any = false;

	pol = json_object_get(rules, "policies");
	sel = json_string_value(json_object_get(rules, "selectPolicy"));
	*period = 15;
	if (sel != NULL && strcmp(sel, "Disabled") == 0)
		return cur;
	json_array_foreach(pol, i, p) {
		const char	*type = json_string_value(json_object_get(p, "type"));
		long		 val = (long)json_path_int(p, "value", 0);

		if (type == NULL)
			continue;
		*period = (double)json_path_int(p, "periodSeconds", 15);
		if (strcmp(type, "Percent") == 0)
			v = up ? (long)ceil(cur * (1 + val / 100.0)) :
			    (long)ceil(cur * (1 - val / 100.0));
		else
			v = up ? cur + val : cur - val;
		if (!any || (sel != NULL && strcmp(sel, "Min") == 0 ? (up ? v < best : v > best) :
		    (up ? v > best : v < best)))
			best = v;
		any = true;
	}
	if (!any) {
		if (up)
			return cur * 2 > cur + 4 ? cur * 2 : cur + 4;
		return 0;
	}
	return best;
}

/* Reconcile one HPA. */
static int
hpa_one(json_t *hpa, void *arg)
{
	struct sim_cluster		*c = arg;
	struct sim_ctl			*ctl = ctl_get(c);
	const struct kind		*res = kind_find_api("autoscaling",
					    "horizontalpodautoscalers");
	const struct kind		*tres;
	struct ctl_hpa			*hs;
	json_t				*target, *st, *conds, *metrics, *behavior, *old;
	const char			*kind = json_path_str(hpa, "spec.scaleTargetRef.kind");
	const char			*tname = json_path_str(hpa, "spec.scaleTargetRef.name");
	const char			*uid = json_path_str(hpa, "metadata.uid");
	long				 cur, minr, maxr, desired, raw, ready, limit, rec;
	double				 load, cpu, mem, now = ctl_now(c->sim), period, window;
	int				 tcpu, tmem;
	size_t				 i;
	char				 ts[40];
	bool				 scaled = false;

	if (uid == NULL || tname == NULL)
		return 0;
	hs = map_get(ctl->hpas, uid);
	if (hs == NULL) {
		hs = xcalloc(1, sizeof *hs);
		hs->last_scale_t = -1e18;
		map_put(ctl->hpas, uid, hs);
	}
	hs->seen = ctl->gen;
	tres = kind_find_api("apps", kind != NULL && strcmp(kind, "StatefulSet") == 0 ?
	    "statefulsets" : "deployments");
	target = sim_obj_get(c, tres, json_path_str(hpa, "metadata.namespace"), tname);
	old = json_object_get(json_object_get(hpa, "status"), "conditions");
	minr = (long)json_path_int(hpa, "spec.minReplicas", 1);
	maxr = (long)json_path_int(hpa, "spec.maxReplicas", minr);
	if (target == NULL) {
		conds = ctl_condition(old, "AbleToScale", "False", "FailedGetScale",
		    "the HPA controller was unable to get the target's current scale", false);
		st = json_pack("{s:i,s:i,s:o}", "currentReplicas", 0, "desiredReplicas", 0,
		    "conditions", conds);
		ctl_set_status(c, res, hpa, st);
		return 0;
	}
	cur = (long)json_path_int(target, "spec.replicas", 1);
	ready = (long)json_path_int(target, "status.readyReplicas", 0);
	if (ready <= 0)
		ready = cur > 0 ? cur : 1;
	load = ctl_hpa_load(hpa);
	cpu = 100.0 * load / (double)ready;
	mem = fmin(95, 40 + 0.35 * cpu);
	tcpu = hpa_target(hpa, "cpu");
	tmem = hpa_target(hpa, "memory");
	if (cur == 0 && minr != 0) {
		conds = ctl_condition(old, "AbleToScale", "True", "SucceededGetScale",
		    "the HPA controller was able to get the target's current scale", false);
		json_t *c2 = ctl_condition(conds, "ScalingActive", "False", "ScalingDisabled",
		    "scaling is disabled since the replica count of the target is zero", false);
		json_decref(conds);
		st = json_pack("{s:i,s:i,s:n,s:o}", "currentReplicas", 0, "desiredReplicas", 0,
		    "currentMetrics", "conditions", c2);
		ctl_set_status(c, res, hpa, st);
		return 0;
	}
	raw = -1;
	if (tcpu > 0)
		raw = fabs(cpu / tcpu - 1) > 0.1 ? (long)ceil((double)cur * cpu / tcpu) : cur;
	if (tmem > 0) {
		long m = fabs(mem / tmem - 1) > 0.1 ? (long)ceil((double)cur * mem / tmem) : cur;

		if (m > raw)
			raw = m;
	}
	if (raw < 0)
		raw = cur;
	/* Stabilisation: remember recommendations over the window. */
	hs->rec_t[hs->rec_head] = now;
	hs->rec_v[hs->rec_head] = (int)raw;
	hs->rec_head = (hs->rec_head + 1) % 64;
	if (hs->nrec < 64)
		hs->nrec++;
	behavior = json_object_get(json_object_get(hpa, "spec"), "behavior");
	rec = raw;
	if (raw < cur) {
		window = (double)json_path_int(behavior, "scaleDown.stabilizationWindowSeconds", 300);
		for (i = 0; i < hs->nrec; i++) {
			if (now - hs->rec_t[i] <= window && hs->rec_v[i] > rec)
				rec = hs->rec_v[i];
		}
		if (rec > cur)
			rec = cur;
	} else if (raw > cur) {
		window = (double)json_path_int(behavior, "scaleUp.stabilizationWindowSeconds", 0);
		for (i = 0; i < hs->nrec; i++) {
			if (now - hs->rec_t[i] <= window && hs->rec_v[i] < rec)
				rec = hs->rec_v[i];
		}
		if (rec < cur)
			rec = cur;
	}
	desired = rec;
	if (desired > cur) {
		limit = hpa_limit(json_object_get(behavior, "scaleUp"), cur, true, &period);
		if (now - hs->last_scale_t < period)
			desired = cur;
		else if (desired > limit)
			desired = limit;
	} else if (desired < cur) {
		json_t *down = json_object_get(behavior, "scaleDown");

		limit = down != NULL ? hpa_limit(down, cur, false, &period) : 0;
		if (down == NULL)
			period = 15;
		if (now - hs->last_scale_t < period)
			desired = cur;
		else if (desired < limit)
			desired = limit;
	}
	if (desired > maxr)
		desired = maxr;
	if (desired < minr)
		desired = minr;
	conds = ctl_condition(old, "AbleToScale", "True", desired != cur ? "SucceededRescale" :
	    "ReadyForNewScale", desired != cur ? "the HPA controller was able to update the "
	    "target scale" : "recommended size matches current size", false);
	{
		json_t *c2 = ctl_condition(conds, "ScalingActive", "True", "ValidMetricFound",
		    "the HPA was able to successfully calculate a replica count from cpu "
		    "resource utilization (percentage of request)", false);
		json_decref(conds);
		conds = c2;
		if (raw > maxr)
			c2 = ctl_condition(conds, "ScalingLimited", "True", "TooManyReplicas",
			    "the desired replica count is more than the maximum replica count",
			    false);
		else if (raw < minr)
			c2 = ctl_condition(conds, "ScalingLimited", "True", "TooFewReplicas",
			    "the desired replica count is less than the minimum replica count",
			    false);
		else
			c2 = ctl_condition(conds, "ScalingLimited", "False", "DesiredWithinRange",
			    "the desired count is within the acceptable range", false);
		json_decref(conds);
		conds = c2;
	}
	if (desired != cur) {
		ctl_set(target, "spec.replicas", json_integer(desired));
		sim_obj_modified(c, tres, target, true);
		hs->last_scale_t = now;
		hs->last_scale_from = (int)cur;
		ctl_event(c, hpa, "Normal", "SuccessfulRescale", "New size: %ld; reason: cpu "
		    "resource utilization (percentage of request) %s target", desired,
		    desired > cur ? "above" : "below");
		scaled = true;
	}
	metrics = json_array();
	if (tcpu > 0 || tmem == 0)
		json_array_append_new(metrics, json_pack("{s:s,s:{s:s,s:{s:i,s:s}}}", "type",
		    "Resource", "resource", "name", "cpu", "current", "averageUtilization",
		    (int)lround(cpu), "averageValue", "250m"));
	if (tmem > 0) {
		json_array_append_new(metrics, json_pack("{s:s,s:{s:s,s:{s:i,s:s}}}", "type",
		    "Resource", "resource", "name", "memory", "current", "averageUtilization",
		    (int)lround(mem), "averageValue", "300Mi"));
	}
	st = json_pack("{s:i,s:i,s:o,s:o}", "currentReplicas", (int)cur, "desiredReplicas",
	    (int)desired, "currentMetrics", metrics, "conditions", conds);
	if (scaled) {
		ctl_rfc3339(sim_wallclock(), ts, sizeof ts);
		json_object_set_new(st, "lastScaleTime", json_string(ts));
	} else if (json_is_string(json_object_get(json_object_get(hpa, "status"),
	    "lastScaleTime")))
		json_object_set(st, "lastScaleTime", json_object_get(json_object_get(hpa,
		    "status"), "lastScaleTime"));
	ctl_set_status(c, res, hpa, st);
	return 0;
}

/* Drop bookkeeping of HPAs that are gone. */
static int
hpa_sweep(const char *key, void *val, void *arg)
{
	struct ctl_hpa	*hs = val;
	uint64_t	*gen = arg;

	(void)key;
	if (hs->seen == *gen)
		return 0;
	free(hs);
	return 1;
}

/* The HPA pass. */
void
ctl_hpa_tick(struct sim_cluster *c)
{
	struct sim_ctl	*ctl = ctl_get(c);

	sim_obj_foreach(c, kind_find_api("autoscaling", "horizontalpodautoscalers"), NULL,
	    hpa_one, c);
	if (ctl->gen % 64 == 0)
		map_sweep(ctl->hpas, hpa_sweep, &ctl->gen);
}
