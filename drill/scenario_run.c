/* A running scenario: its faults injected and ended on their timeline,
 * the resolved_when conditions evaluated, and the /drill/v1/status
 * document. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "opsdeck/json_util.h"
#include "opsdeck/sim_ctl.h"
#include "opsdeck/xmalloc.h"
#include "scenario_int.h"

/* Set every matching deployment's first container image (set-image). */
static void
fault_set_image(struct sim_cluster *c, struct scn_fault *f)
{
	const struct kind		*res = kind_find_api("apps", "deployments");
	json_t				*d, *ctrs;
	char				*cause;

	d = sim_obj_get(c, res, f->ns != NULL ? f->ns : "default", f->name);
	if (d == NULL)
		return;
	ctrs = json_object_get(json_object_get(json_object_get(json_object_get(d, "spec"),
	    "template"), "spec"), "containers");
	if (json_array_size(ctrs) == 0)
		return;
	json_object_set_new(json_array_get(ctrs, 0), "image", json_string(f->image));
	cause = xasprintf("ci: kubectl set image deployment/%s %s=%s", f->name,
	    json_string_value(json_object_get(json_array_get(ctrs, 0), "name")) ?
	    json_string_value(json_object_get(json_array_get(ctrs, 0), "name")) : "app",
	    f->image);
	ctl_set_annotation(d, "kubernetes.io/change-cause", cause);
	free(cause);
	sim_obj_modified(c, res, d, true);
}

/* Collect db pod uids into the db-down set. */
static int
db_mark(const char *key, void *val, void *arg)
{
	struct sim_ctl	*ctl = arg;
	struct ctl_pod	*p = val;

	if (p->is_db)
		map_put(ctl->db_bad, key, (void *)1);
	return 0;
}

/* Is any db-down pod still present? */
static int
db_still(const char *key, void *val, void *arg)
{
	struct sim_ctl	*ctl = arg;

	(void)val;
	if (map_get(ctl->pods, key) != NULL)
		return 0;
	return 1;	/* replaced: forget it */
}

/* Mark nodes NotReady for a node-notready fault. */
static int
node_pick(json_t *node, void *arg)
{
	struct scn_fault	*f = ((void **)arg)[0];
	struct sim_ctl		*ctl = ((void **)arg)[1];
	size_t			*left = ((void **)arg)[2];
	const char		*name = json_path_str(node, "metadata.name");

	if (name == NULL || *left == 0)
		return 1;
	if (f->name != NULL && strcmp(f->name, name) != 0)
		return 0;
	map_put(ctl->node_down, name, (void *)1);
	(*left)--;
	return 0;
}

/* Clear a node from the down set. */
static int
node_clear(const char *key, void *val, void *arg)
{
	(void)key;
	(void)val;
	(void)arg;
	return 1;
}

/* Inject one fault now. */
static void
fault_inject(struct sim *sim, struct scn_fault *f)
{
	struct sim_cluster	*c = sim_cluster_find(sim, f->cluster);
	struct sim_ctl		*ctl;
	struct scn		*scn = scn_get(sim);
	double			 now = scn->t;
	char			 buf[32];

	f->injected = true;
	f->injected_wall = sim_wallclock();
	if (scn->first_fault_wall == 0 && !f->curve)
		scn->first_fault_wall = f->injected_wall;
	if (c == NULL)
		return;
	ctl = ctl_get(c);
	ctl->epoch++;
	if (strcmp(f->action, "set-image") == 0)
		fault_set_image(c, f);
	else if (strcmp(f->action, "cluster-unreachable") == 0) {
		c->reach = strcmp(f->mode, "hang") == 0 ? SIM_REACH_HANG : SIM_REACH_REFUSE;
		ctl->reach_until = f->duration > 0 ? now + f->duration : -1;
	} else if (strcmp(f->action, "node-notready") == 0) {
		size_t	 left = f->value > 0 ? (size_t)f->value : 1;
		void	*a[3] = { f, ctl, &left };

		sim_obj_foreach(c, kind_find_api("", "nodes"), NULL, node_pick, a);
		ctl->node_down_until = f->duration > 0 ? now + f->duration : -1;
	} else if (strcmp(f->action, "load") == 0) {
		json_t *hpa = sim_obj_get(c, kind_find_api("autoscaling",
		    "horizontalpodautoscalers"), f->ns != NULL ? f->ns : "default",
		    f->name != NULL ? f->name : "");

		if (hpa != NULL) {
			snprintf(buf, sizeof buf, "%g", f->value);
			ctl_set_annotation(hpa, "drill.opsdeck.dev/load", buf);
			sim_obj_modified(c, kind_find_api("autoscaling",
			    "horizontalpodautoscalers"), hpa, false);
		}
	} else if (strcmp(f->action, "backup-fail") == 0) {
		if (strcmp(f->mode, "velero") != 0)
			ctl->backup_fail = true;
		if (strcmp(f->mode, "velero") == 0 || strcmp(f->mode, "all") == 0)
			ctl->velero_fail = true;
		ctl->backup_fail_until = f->duration > 0 ? now + f->duration : -1;
	} else if (strcmp(f->action, "db-down") == 0) {
		ctl->db_down = true;
		map_sweep(ctl->pods, db_mark, ctl);
	}
}

/* Inject due faults and end expired ones. */
void
scn_faults_tick(struct sim *sim)
{
	struct scn	*scn = scn_get(sim);
	size_t		 i;
	double		 now = scn->t;

	for (i = 0; i < scn->nfaults; i++) {
		if (!scn->faults[i].injected && now >= scn->faults[i].at)
			fault_inject(sim, &scn->faults[i]);
	}
	for (i = 0; i < sim->nclusters; i++) {
		struct sim_cluster	*c = sim->clusters[i];
		struct sim_ctl		*ctl = ctl_get(c);

		if (c->reach != SIM_REACH_OK && ctl->reach_until >= 0 && now >= ctl->reach_until)
			c->reach = SIM_REACH_OK;
		if (map_count(ctl->node_down) > 0 && ctl->node_down_until >= 0 &&
		    now >= ctl->node_down_until) {
			map_sweep(ctl->node_down, node_clear, NULL);
			ctl->epoch++;
		}
		if ((ctl->backup_fail || ctl->velero_fail) && ctl->backup_fail_until >= 0 &&
		    now >= ctl->backup_fail_until) {
			ctl->backup_fail = false;
			ctl->velero_fail = false;
		}
		if (ctl->db_down) {
			/* The database recovers once its broken pods were replaced. */
			map_sweep(ctl->db_bad, db_still, ctl);
			if (map_count(ctl->db_bad) == 0) {
				ctl->db_down = false;
				ctl->epoch++;
			}
		}
	}
}

/* Is deployment d healthy: fully rolled out, all available, no crashing image? */
static bool
deployment_healthy(struct sim *sim, json_t *d)
{
	json_int_t	 r = json_path_int(d, "spec.replicas", 1);
	json_t		*ctrs, *ct;
	size_t		 i;

	if (json_path_int(d, "status.observedGeneration", 0) < json_path_int(d, "metadata.generation", 1))
		return false;
	if (json_path_int(d, "status.updatedReplicas", 0) != r ||
	    json_path_int(d, "status.availableReplicas", 0) < r ||
	    json_path_int(d, "status.replicas", 0) != r)
		return false;
	ctrs = json_object_get(json_object_get(json_object_get(json_object_get(d, "spec"),
	    "template"), "spec"), "containers");
	json_array_foreach(ctrs, i, ct) {
		if (ctl_image_crashes(sim, json_string_value(json_object_get(ct, "image"))))
			return false;
	}
	return true;
}

/* Check one dr_matches_primary condition. */
static bool
dr_matches(struct sim *sim, json_t *cond)
{
	struct scn		*scn = scn_get(sim);
	const char		*ns = fstr(cond, "namespace", "production");
	struct sim_cluster	*dr = sim_cluster_find(sim, fstr(cond, "dr", ""));
	const struct kind *res = kind_find_api("apps", "deployments");
	const char		*k;
	json_t			*v, *d;
	size_t			 n = strlen(ns), count = 0;

	if (dr == NULL)
		return false;
	json_object_foreach(scn->primary_replicas, k, v) {
		if (strncmp(k, ns, n) != 0 || k[n] != '/')
			continue;
		count++;
		d = sim_obj_get(dr, res, ns, k + n + 1);
		if (d == NULL || json_path_int(d, "status.availableReplicas", 0) <
		    json_integer_value(v))
			return false;
	}
	return count > 0;
}

/* Does one resolved_when condition hold? */
static bool
condition_holds(struct sim *sim, json_t *cond)
{
	struct scn		*scn = scn_get(sim);
	struct sim_cluster	*c;
	json_t			*x, *d;
	double			 v;
	char			*cause = NULL;
	size_t			 i;
	int			 rc;

	x = json_object_get(cond, "deployment_healthy");
	if (x != NULL) {
		c = sim_cluster_find(sim, fstr(x, "cluster", ""));
		if (c == NULL)
			return false;
		d = sim_obj_get(c, kind_find_api("apps", "deployments"),
		    fstr(x, "namespace", "default"), fstr(x, "name", ""));
		return d != NULL && deployment_healthy(sim, d);
	}
	x = json_object_get(cond, "dr_matches_primary");
	if (x != NULL)
		return dr_matches(sim, x);
	x = json_object_get(cond, "hpa_not_at_max");
	if (x != NULL) {
		c = sim_cluster_find(sim, fstr(x, "cluster", ""));
		if (c == NULL)
			return false;
		d = sim_obj_get(c, kind_find_api("autoscaling", "horizontalpodautoscalers"),
		    fstr(x, "namespace", "default"), fstr(x, "name", ""));
		if (d == NULL)
			return false;
		return json_path_int(d, "status.desiredReplicas", 0) < json_path_int(d, "spec.maxReplicas", 1)
		    && json_path_int(d, "status.currentReplicas", 0) < json_path_int(d, "spec.maxReplicas", 1);
	}
	x = json_object_get(cond, "backup_fresh");
	if (x != NULL) {
		c = sim_cluster_find(sim, fstr(x, "cluster", ""));
		return c != NULL && scn->t - ctl_get(c)->last_good_backup_t < scn->rpo;
	}
	x = json_object_get(cond, "db_up");
	if (x != NULL) {
		c = sim_cluster_find(sim, fstr(x, "cluster", ""));
		return c != NULL && ctl_metric(c, "db_up", NULL, &v) && v == 1;
	}
	x = json_object_get(cond, "alert_clear");
	if (x != NULL) {
		struct sim_ctl *ctl;

		c = sim_cluster_find(sim, fstr(x, "cluster", ""));
		if (c == NULL)
			return false;
		ctl = ctl_get(c);
		for (i = 0; i < ctl->nalerts; i++) {
			if (ctl->alerts[i]->firing && !ctl->alerts[i]->resolved &&
			    strcmp(json_string_value(json_object_get(ctl->alerts[i]->labels,
			    "alertname")) ? json_string_value(json_object_get(
			    ctl->alerts[i]->labels, "alertname")) : "", fstr(x, "alert", "")) == 0)
				return false;
		}
		return true;
	}
	x = json_object_get(cond, "expr");
	if (x != NULL) {
		c = sim_cluster_find(sim, fstr(x, "cluster", ""));
		if (c == NULL)
			return false;
		rc = ctl_expr_eval(c, fstr(x, "expr", ""), &v, &cause);
		free(cause);
		return rc == 1;
	}
	return false;
}

/* Evaluate resolved_when once every fault has been injected. */
void
scn_resolved_tick(struct sim *sim)
{
	struct scn	*scn = scn_get(sim);
	json_t		*cond;
	size_t		 i;

	if (scn->resolved || json_array_size(scn->resolved_when) == 0)
		return;
	for (i = 0; i < scn->nfaults; i++) {
		if (!scn->faults[i].injected && !scn->faults[i].curve)
			return;
	}
	json_array_foreach(scn->resolved_when, i, cond) {
		if (!condition_holds(sim, cond)) {
			scn->broken = true;
			return;
		}
	}
	/* Resolved only once the fault has shown. */
	if (!scn->broken)
		return;
	scn->resolved = true;
	scn->resolved_wall = sim_wallclock();
}

/* The /drill/v1/status document. */
json_t *
sim_drill_status(struct sim *sim)
{
	struct scn	*scn = scn_get(sim);
	json_t		*st, *faults = json_array(), *clusters = json_array();
	char		 ts[40];
	size_t		 i;

	for (i = 0; i < scn->nfaults; i++) {
		struct scn_fault *f = &scn->faults[i];

		if (f->curve)
			continue;
		ctl_rfc3339_ms(f->injected_wall, ts, sizeof ts);
		json_array_append_new(faults, json_pack("{s:f,s:s,s:s,s:s?}", "at", f->at,
		    "action", f->action, "target", f->target, "injected", f->injected ? ts :
		    NULL));
		if (!f->injected)
			json_object_set_new(json_array_get(faults, json_array_size(faults) - 1),
			    "injected", json_null());
	}
	for (i = 0; i < sim->nclusters; i++) {
		struct sim_cluster *c = sim->clusters[i];

		json_array_append_new(clusters, json_pack("{s:s,s:s,s:s,s:b,s:b}", "name",
		    c->name, "role", c->role, "region", c->region, "protected",
		    c->protected_ctx, "reachable", c->reach == SIM_REACH_OK));
	}
	ctl_rfc3339((double)sim->started, ts, sizeof ts);
	st = json_pack("{s:s,s:s,s:s,s:f,s:f,s:o,s:b,s:o,s:o}", "scenario",
	    scn->name != NULL ? scn->name : (sim->scenario != NULL ? sim->scenario : ""),
	    "description", scn->description != NULL ? scn->description : "",
	    "started", ts, "speed", sim->speed, "simulatedSeconds", floor(scn->t), "faults", faults,
	    "resolved", scn->resolved, "clusters", clusters, "resolvedAt", json_null());
	if (scn->resolved) {
		ctl_rfc3339_ms(scn->resolved_wall, ts, sizeof ts);
		json_object_set_new(st, "resolvedAt", json_string(ts));
		if (scn->first_fault_wall > 0)
			json_object_set_new(st, "timeToMitigateSeconds",
			    json_integer((json_int_t)llround(scn->resolved_wall -
			    scn->first_fault_wall)));
	}
	if (json_object_get(st, "timeToMitigateSeconds") == NULL)
		json_object_set_new(st, "timeToMitigateSeconds", json_null());
	/* detection: the first view that showed a fault (drill/looks.c) */
	json_object_set_new(st, "looks", json_integer((json_int_t)scn->nlooks));
	json_object_set(st, "firstRelevantView", scn->first_look != NULL ? scn->first_look :
	    json_null());
	json_object_set_new(st, "recentLooks", scn->recent_looks != NULL ?
	    json_deep_copy(scn->recent_looks) : json_array());
	json_object_set_new(st, "timeToDetectSeconds", scn->first_look == NULL ? json_null() :
	    json_real(floor((scn->first_look_wall - scn->first_look_fault_wall) * 10) / 10));
	return st;
}
