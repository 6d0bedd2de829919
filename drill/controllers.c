/* The controllers' tick order: sim_tick advances the simulated clock and
 * drives, for every cluster, one pass of each controller (drill/ctl_*.c,
 * alerting.c) and the garbage collector, then the scenario's faults, churn
 * and resolved_when. The controllers call nothing back up here. */
#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "opsdeck/sim.h"
#include "opsdeck/sim_ctl.h"
#include "sim_store.h"

/* Pods a cluster creates per tick at most (spreads a big scale-up so the
 * API server keeps answering). */
#define CTL_CREATE_BUDGET	2000
/* Wall seconds from which a cluster's full pass counts as heavy. */
#define CTL_HEAVY		0.02

/* Owner kinds one owned kind may have at most. */
#define CTL_OWNER_KINDS	4

/* Is obj's controller owner (of the kinds listed, NULL after the last) gone? */
static bool
ctl_orphaned(struct sim_cluster *c, json_t *obj, void *arg)
{
	const struct kind	**owners = arg;
	const char		*uid = ctl_owner_uid(obj);
	size_t			 i;

	if (uid == NULL)
		return false;
	for (i = 0; i < CTL_OWNER_KINDS && owners[i] != NULL; i++) {
		if (sim_obj_get_uid(c, owners[i], uid) != NULL)
			return false;
	}
	return true;
}

/* Delete objects of res whose owner (of the given kinds, NULL after the
 * last) is gone. */
static void
ctl_gc(struct sim_cluster *c, const struct kind *res, const struct kind *o1,
    const struct kind *o2, const struct kind *o3,
    const struct kind *o4)
{
	const struct kind	*owners[CTL_OWNER_KINDS] = { o1, o2, o3, o4 };

	ctl_delete_if(c, res, ctl_orphaned, owners);
}

/* Garbage-collect orphans of every owned kind. */
static void
ctl_gc_all(struct sim_cluster *c)
{
	const struct kind		*deploy = kind_find_api("apps", "deployments");
	const struct kind		*rs = kind_find_api("apps", "replicasets");
	const struct kind		*sts = kind_find_api("apps", "statefulsets");
	const struct kind		*ds = kind_find_api("apps", "daemonsets");
	const struct kind		*job = kind_find_api("batch", "jobs");
	const struct kind		*cj = kind_find_api("batch", "cronjobs");
	const struct kind		*ro = kind_find_api("argoproj.io", "rollouts");
	const struct kind		*pods = kind_find_api("", "pods");

	ctl_gc(c, rs, deploy, ro, NULL, NULL);
	ctl_gc(c, job, cj, NULL, NULL, NULL);
	ctl_gc(c, pods, rs, sts, ds, job);
}

/* One controller pass over one cluster. */
static void
ctl_cluster_tick(struct sim_cluster *c)
{
	struct sim_ctl	*ctl = ctl_get(c);
	struct scn	*scn = scn_get(c->sim);

	double		 w = sim_wallclock(), every;
	size_t		 npods;
	uint64_t	 rv0;
	bool		 full;

	ctl->gen++;
	sim_store_reap(c, w);
	ctl->create_budget = scn->loading ? INT_MAX : CTL_CREATE_BUDGET;
	/* The pod-level passes cost O(pods): skip them while nothing changed,
	 * no pod timer is due and the estate's epoch is the same; run them at
	 * least every couple of seconds (longer for big clusters). */
	npods = sim_obj_count(c, kind_find_api("", "pods"), NULL);
	rv0 = sim_store_rv(c);
	every = npods > 4000 ? (double)npods / 2000.0 : 2.0;
	full = ctl->full_pending || ctl->last_rv != sim_store_rv(c) ||
	    scn->t >= ctl->next_due || ctl->last_epoch != ctl->epoch ||
	    w - ctl->last_full_wall >= every;
	/* After a heavy pass (tens of ms and up) a cluster sits out a few
	 * ticks, and only one heavy cluster runs per tick. */
	if (full && ctl->full_cost > CTL_HEAVY && c->sim->realtime && !scn->loading) {
		if (ctl->skip_left > 0) {
			ctl->skip_left--;
			full = false;
		} else if (scn->heavy_ran)
			full = false;
		/* Wanted but put off: it stays wanted. */
		ctl->full_pending = !full;
	}
	if (full) {
		ctl->full_pending = false;
		ctl->last_full_wall = w;
		if (ctl->full_cost > CTL_HEAVY)
			scn->heavy_ran = true;
		ctl->last_epoch = ctl->epoch;
		if (scn->t - ctl->last_gc_t >= 2.0) {
			ctl_gc_all(c);
			ctl->last_gc_t = scn->t;
		}
		ctl_nodes_tick(c);
		ctl_pods_tick(c);
		ctl_index_free(ctl->owned);
		ctl->owned = ctl_index_by_owner(c, kind_find_api("", "pods"));
		ctl_rs_tick(c);
		ctl_sts_tick(c);
		ctl_ds_tick(c);
		ctl_job_tick(c);
		ctl_deploy_tick(c);
		ctl_pdb_tick(c);
		ctl_endpoints_tick(c);
		ctl->full_cost = sim_wallclock() - w;
		if (ctl->full_cost > CTL_HEAVY) {
			/* Skip about three times the pass's cost at 10 ticks/s. */
			ctl->skip_left = (int)(ctl->full_cost * 30);
			if (ctl->skip_left > 30)
				ctl->skip_left = 30;
		}
	}
	ctl_rollouts_tick(c);
	ctl_argocd_tick(c);
	ctl_hpa_tick(c);
	ctl_cron_tick(c);
	ctl_velero_tick(c);
	ctl_alerts_tick(c);
	/* Changes made by this tick call for another full pass. */
	ctl->last_rv = sim_store_rv(c) == rv0 ? rv0 : rv0 - 1;
}

/* Advance the estate by real_dt seconds of wall clock. */
void
sim_tick(struct sim *sim, double real_dt)
{
	struct scn	*scn = scn_get(sim);
	size_t		 i;

	if (real_dt < 0)
		real_dt = 0;
	if (real_dt > 5)
		real_dt = 5;	/* a stalled ticker does not leap */
	scn->t += real_dt * (sim->speed > 0 ? sim->speed : 1);
	scn->heavy_ran = false;
	scn_faults_tick(sim);
	for (i = 0; i < sim->nclusters; i++)
		ctl_cluster_tick(sim->clusters[i]);
	scenario_churn_tick(sim, real_dt);
	scn_resolved_tick(sim);
}
