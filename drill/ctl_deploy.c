/* Deployments and ReplicaSets: the ReplicaSet keeps its pod count, the
 * Deployment rolls between ReplicaSets honouring maxSurge/maxUnavailable
 * (or Recreate), keeps revisions and history, and reports status and the
 * Progressing/Available conditions as upstream does. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "opsdeck/json_util.h"
#include "opsdeck/sim.h"
#include "opsdeck/sim_ctl.h"
#include "opsdeck/xmalloc.h"
#include "sim_store.h"

#define ANN_REV		"deployment.kubernetes.io/revision"
#define ANN_REVHIST	"deployment.kubernetes.io/revision-history"
#define ANN_DESIRED	"deployment.kubernetes.io/desired-replicas"
#define ANN_MAX		"deployment.kubernetes.io/max-replicas"
#define ANN_CAUSE	"kubernetes.io/change-cause"
/* Most pods a ReplicaSet creates in one tick. */
#define RS_BURST	1000

/* Order pods for scale-down: unready first, then newest. */
static int
rs_victim_cmp(const void *a, const void *b)
{
	json_t		*pa = *(json_t * const *)a, *pb = *(json_t * const *)b;
	bool		 ra = ctl_pod_ready(pa), rb = ctl_pod_ready(pb);
	const char	*ta, *tb;

	if (ra != rb)
		return ra ? 1 : -1;
	ta = json_path_str(pa, "metadata.creationTimestamp");
	tb = json_path_str(pb, "metadata.creationTimestamp");
	return -strcmp(ta != NULL ? ta : "", tb != NULL ? tb : "");
}

/* Pass state of the ReplicaSet controller. */
struct rs_pass {
	struct sim_cluster	*c;
};

/* Reconcile one ReplicaSet. */
static int
rs_one(json_t *rs, void *arg)
{
	struct rs_pass			*rp = arg;
	struct sim_cluster		*c = rp->c;
	struct sim_ctl			*ctl = ctl_get(c);
	const struct kind		*res = kind_find_api("apps", "replicasets");
	const struct kind		*pres = kind_find_api("", "pods");
	struct ctl_vec			*owned = ctl_owned(ctl, json_path_str(rs, "metadata.uid"));
	struct ctl_vec			 live = { NULL, 0, 0 };
	json_int_t			 want = json_path_int(rs, "spec.replicas", 1);
	size_t				 i, ready = 0;
	char				*cause = NULL;
	double				 speed = c->sim->speed > 0 ? c->sim->speed : 1;
	json_t				*st;

	for (i = 0; owned != NULL && i < owned->n; i++) {
		const char *ph = json_path_str(owned->v[i], "status.phase");

		if (ctl_pod_terminating(owned->v[i]))
			continue;
		if (ph != NULL && (strcmp(ph, "Succeeded") == 0 || strcmp(ph, "Failed") == 0))
			continue;
		ctl_vec_push(&live, owned->v[i]);
	}
	if ((json_int_t)live.n < want) {
		for (i = live.n; (json_int_t)i < want && i < live.n + RS_BURST; i++)
			ctl_pod_create(c, rs, "apps/v1", "ReplicaSet",
			    json_object_get(json_object_get(rs, "spec"), "template"), NULL, NULL);
	} else if ((json_int_t)live.n > want) {
		qsort(live.v, live.n, sizeof *live.v, rs_victim_cmp);
		for (i = 0; (json_int_t)i < (json_int_t)live.n - want; i++) {
			const char	*nm = json_path_str(live.v[i], "metadata.name");
			char		*name = xstrdup(nm != NULL ? nm : "");

			sim_obj_delete_graceful(c, pres, json_path_str(live.v[i], "metadata.namespace"),
			    name, json_path_int(live.v[i], "spec.terminationGracePeriodSeconds", 30),
			    sim_wallclock() + 2.0 / speed, &cause);
			free(cause);
			cause = NULL;
			if (!ctl->quiet)
				ctl_event(c, rs, "Normal", "SuccessfulDelete", "Deleted pod: %s",
				    name);
			free(name);
		}
		/* The survivors are the tail of the sorted vector. */
		memmove(live.v, live.v + (live.n - (size_t)want), (size_t)want * sizeof *live.v);
		live.n = (size_t)want;
	}
	for (i = 0; i < live.n; i++) {
		if (ctl_pod_ready(live.v[i]))
			ready++;
	}
	st = json_pack("{s:I,s:I,s:I,s:I,s:I}", "replicas", (json_int_t)live.n,
	    "fullyLabeledReplicas", (json_int_t)live.n, "readyReplicas", (json_int_t)ready,
	    "availableReplicas", (json_int_t)ready, "observedGeneration",
	    (json_int_t)json_path_int(rs, "metadata.generation", 1));
	ctl_set_status(c, res, rs, st);
	ctl_vec_free(&live);
	return 0;
}

/* The ReplicaSet pass. */
void
ctl_rs_tick(struct sim_cluster *c)
{
	struct rs_pass	rp = { c };

	sim_obj_foreach(c, kind_find_api("apps", "replicasets"), NULL, rs_one, &rp);
}

/* The revision annotation of an object. */
static long
rs_revision(json_t *obj)
{
	const char	*s;

	s = ctl_annotation(obj, ANN_REV);
	return s != NULL ? atol(s) : 0;
}

/* Canonical form of a resource quantity ("1000m" -> "1", "1024Mi" -> "1Gi"). */
static json_t *
canon_quantity(const char *q)
{
	static const char	*bin[] = { "Ki", "Mi", "Gi", "Ti", "Pi", NULL };
	char			*end;
	long long		 v;
	size_t			 i;

	v = strtoll(q, &end, 10);
	if (end == q || v < 0)
		return json_string(q);
	if (strcmp(end, "m") == 0 && v % 1000 == 0)
		return json_sprintf("%lld", v / 1000);
	for (i = 0; bin[i] != NULL; i++) {
		if (strcmp(end, bin[i]) == 0)
			break;
	}
	if (bin[i] == NULL || v == 0)
		return json_string(q);
	while (bin[i + 1] != NULL && v % 1024 == 0) {
		v /= 1024;
		i++;
	}
	return json_sprintf("%lld%s", v, bin[i]);
	return json_string(q);
}

/* Deep copy of v without null members, with canonical resource quantities. */
static json_t *
canon(json_t *v, bool quantities)
{
	json_t		*out, *x;
	const char	*k;
	size_t		 i;

	if (json_is_object(v)) {
		out = json_object();
		json_object_foreach(v, k, x) {
			if (json_is_null(x))
				continue;
			json_object_set_new(out, k, canon(x, quantities ||
			    strcmp(k, "limits") == 0 || strcmp(k, "requests") == 0));
		}
		return out;
	}
	if (json_is_array(v)) {
		out = json_array();
		json_array_foreach(v, i, x)
			json_array_append_new(out, canon(x, false));
		return out;
	}
	if (quantities && json_is_string(v))
		return canon_quantity(json_string_value(v));
	return json_deep_copy(v);
}

/* Does the RS's template (minus pod-template-hash) equal tmpl? */
static bool
rs_matches(json_t *rs, json_t *tmpl, const char *hash_label)
{
	json_t	*t, *u, *labels;
	bool	 eq;

	t = canon(json_object_get(json_object_get(rs, "spec"), "template"), false);
	labels = json_object_get(json_object_get(t, "metadata"), "labels");
	json_object_del(labels, hash_label);
	u = canon(tmpl, false);
	eq = json_equal(t, u);
	json_decref(t);
	json_decref(u);
	return eq;
}

/* Set an RS's spec.replicas; true if changed. */
static bool
rs_scale(struct sim_cluster *c, json_t *owner, json_t *rs, json_int_t n, int max_surge)
{
	const struct kind		*res = kind_find_api("apps", "replicasets");
	json_int_t			 old = json_path_int(rs, "spec.replicas", 1);
	char				 buf[32];

	snprintf(buf, sizeof buf, "%lld", (long long)json_path_int(owner, "spec.replicas", 1));
	ctl_set_annotation(rs, ANN_DESIRED, buf);
	snprintf(buf, sizeof buf, "%lld", (long long)json_path_int(owner, "spec.replicas", 1) +
	    max_surge);
	ctl_set_annotation(rs, ANN_MAX, buf);
	if (old == n)
		return false;
	ctl_set(rs, "spec.replicas", json_integer(n));
	sim_obj_modified(c, res, rs, true);
	ctl_event(c, owner, "Normal", "ScalingReplicaSet", "Scaled %s replica set %s from "
	    "%lld to %lld", n > old ? "up" : "down", json_path_str(rs, "metadata.name"),
	    (long long)old, (long long)n);
	return true;
}

/* Create the new ReplicaSet of a workload for template tmpl. */
json_t *
ctl_rs_create(struct sim_cluster *c, json_t *owner, const char *owner_kind, json_t *tmpl,
    const char *hash_label, long revision, json_int_t replicas)
{
	const struct kind		*res = kind_find_api("apps", "replicasets");
	json_t				*rs, *t, *sel, *labels, *out = NULL, *ann;
	char				 hash[16], rev[32], *name, *cause = NULL;
	const char			*cause_ann;

	ctl_template_hash(tmpl, hash);
	t = json_deep_copy(tmpl);
	labels = json_object_get(json_object_get(t, "metadata"), "labels");
	if (!json_is_object(labels)) {
		labels = json_object();
		ctl_set(t, "metadata.labels", labels);
	}
	json_object_set_new(labels, hash_label, json_string(hash));
	sel = json_deep_copy(json_object_get(json_object_get(owner, "spec"), "selector"));
	if (!json_is_object(sel)) {
		json_decref(sel);
		sel = json_object();
	}
	if (!json_is_object(json_object_get(sel, "matchLabels")))
		json_object_set_new(sel, "matchLabels", json_object());
	json_object_set_new(json_object_get(sel, "matchLabels"), hash_label, json_string(hash));
	name = xasprintf("%s-%s", json_path_str(owner, "metadata.name"), hash);
	snprintf(rev, sizeof rev, "%ld", revision);
	ann = json_pack("{s:s}", ANN_REV, rev);
	cause_ann = ctl_annotation(owner, ANN_CAUSE);
	if (cause_ann != NULL)
		json_object_set_new(ann, ANN_CAUSE, json_string(cause_ann));
	rs = json_pack("{s:{s:s,s:s,s:O,s:o,s:o},s:{s:I,s:o,s:o}}",
	    "metadata", "name", name, "namespace", json_path_str(owner, "metadata.namespace"),
	    "labels", labels, "annotations", ann, "ownerReferences",
	    ctl_owner_ref(owner, json_string_value(json_object_get(owner, "apiVersion")) ?
	    json_string_value(json_object_get(owner, "apiVersion")) : "apps/v1", owner_kind),
	    "spec", "replicas", replicas, "selector", sel, "template", t);
	if (sim_obj_create(c, res, json_path_str(owner, "metadata.namespace"), rs, &out, &cause)
	    != 0) {
		free(cause);
		out = NULL;
	} else
		ctl_event(c, owner, "Normal", "ScalingReplicaSet", "Scaled up replica set %s "
		    "from 0 to %lld", name, (long long)replicas);
	free(name);
	return out;
}

/* Set (or keep) a condition in a conditions array; new array returned. */
json_t *
ctl_condition(json_t *old, const char *type, const char *status, const char *reason,
    const char *message, bool update_time)
{
	json_t		*conds = json_array(), *cd, *keep = NULL;
	size_t		 i;
	char		 ts[40];
	const char	*lt = NULL, *lu = NULL;

	ctl_rfc3339(sim_wallclock(), ts, sizeof ts);
	json_array_foreach(old, i, cd) {
		const char *t = json_string_value(json_object_get(cd, "type"));

		if (t != NULL && strcmp(t, type) == 0)
			keep = cd;
		else
			json_array_append(conds, cd);
	}
	if (keep != NULL) {
		const char *os = json_string_value(json_object_get(keep, "status"));
		const char *orr = json_string_value(json_object_get(keep, "reason"));
		const char *om = json_string_value(json_object_get(keep, "message"));

		if (os != NULL && strcmp(os, status) == 0)
			lt = json_string_value(json_object_get(keep, "lastTransitionTime"));
		if (lt != NULL && orr != NULL && strcmp(orr, reason) == 0 && om != NULL &&
		    strcmp(om, message) == 0 && !update_time)
			lu = json_string_value(json_object_get(keep, "lastUpdateTime"));
	}
	cd = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s}", "type", type, "status", status,
	    "lastUpdateTime", lu != NULL ? lu : ts, "lastTransitionTime", lt != NULL ? lt : ts,
	    "reason", reason, "message", message);
	json_array_append_new(conds, cd);
	return conds;
}

/* Sort ReplicaSets oldest revision first. */
static int
rs_rev_cmp(const void *a, const void *b)
{
	long	ra = rs_revision(*(json_t * const *)a), rb = rs_revision(*(json_t * const *)b);

	return ra < rb ? -1 : ra > rb;
}

/* Pass state of the Deployment controller. */
struct dep_pass {
	struct sim_cluster	*c;
	struct map		*rsidx;
};

/* Roll a Deployment one step; returns true if something was scaled. */
static bool
dep_roll(struct sim_cluster *c, json_t *d, json_t *newrs, struct ctl_vec *old, int R,
    int surge, int unavail, bool recreate)
{
	json_int_t	 newrep = newrs != NULL ? json_path_int(newrs, "spec.replicas", 0) : 0;
	json_int_t	 oldpods = 0, allpods, maxtotal, up, minavail, newunavail, maxdown;
	json_int_t	 avail = 0, total_down, cleaned = 0, n;
	size_t		 i;

	for (i = 0; i < old->n; i++)
		oldpods += json_path_int(old->v[i], "spec.replicas", 0);
	if (recreate) {
		json_int_t running = 0;

		if (oldpods > 0) {
			for (i = 0; i < old->n; i++)
				rs_scale(c, d, old->v[i], 0, 0);
			return true;
		}
		for (i = 0; i < old->n; i++)
			running += json_path_int(old->v[i], "status.replicas", 0);
		if (running > 0 || newrs == NULL)
			return false;
		return rs_scale(c, d, newrs, R, 0);
	}
	/* Scale up the new ReplicaSet. */
	if (newrs != NULL) {
		if (newrep > R)
			return rs_scale(c, d, newrs, R, surge);
		if (newrep < R) {
			maxtotal = R + surge;
			allpods = oldpods + newrep;
			if (allpods < maxtotal) {
				up = maxtotal - allpods;
				if (up > R - newrep)
					up = R - newrep;
				if (up > 0)
					return rs_scale(c, d, newrs, newrep + up, surge);
			}
		}
	}
	/* Scale down old ReplicaSets. */
	if (oldpods == 0)
		return false;
	allpods = oldpods + newrep;
	minavail = R - unavail;
	newunavail = newrep - (newrs != NULL ? json_path_int(newrs, "status.availableReplicas", 0) : 0);
	maxdown = allpods - minavail - newunavail;
	if (maxdown <= 0)
		return false;
	qsort(old->v, old->n, sizeof *old->v, rs_rev_cmp);
	/* Unhealthy old replicas go first. */
	for (i = 0; i < old->n && cleaned < maxdown; i++) {
		json_int_t rep = json_path_int(old->v[i], "spec.replicas", 0);
		json_int_t bad = rep - json_path_int(old->v[i], "status.availableReplicas", 0);

		if (rep == 0 || bad <= 0)
			continue;
		n = bad < maxdown - cleaned ? bad : maxdown - cleaned;
		rs_scale(c, d, old->v[i], rep - n, surge);
		cleaned += n;
	}
	if (cleaned > 0)
		return true;
	for (i = 0; i < old->n; i++)
		avail += json_path_int(old->v[i], "status.availableReplicas", 0);
	if (newrs != NULL)
		avail += json_path_int(newrs, "status.availableReplicas", 0);
	total_down = avail - minavail;
	if (total_down <= 0)
		return false;
	for (i = 0; i < old->n && total_down > 0; i++) {
		json_int_t rep = json_path_int(old->v[i], "spec.replicas", 0);

		if (rep == 0)
			continue;
		n = rep < total_down ? rep : total_down;
		rs_scale(c, d, old->v[i], rep - n, surge);
		total_down -= n;
		cleaned += n;
	}
	return cleaned > 0;
}

/* Delete old ReplicaSets beyond revisionHistoryLimit. */
static void
dep_cleanup(struct sim_cluster *c, json_t *d, struct ctl_vec *old)
{
	const struct kind		*res = kind_find_api("apps", "replicasets");
	json_int_t			 limit = json_path_int(d, "spec.revisionHistoryLimit", 10);
	size_t				 i, idle = 0, drop;
	char				*cause = NULL;

	for (i = 0; i < old->n; i++) {
		if (json_path_int(old->v[i], "spec.replicas", 0) == 0 &&
		    json_path_int(old->v[i], "status.replicas", 0) == 0)
			idle++;
	}
	if ((json_int_t)idle <= limit)
		return;
	drop = idle - (size_t)limit;
	qsort(old->v, old->n, sizeof *old->v, rs_rev_cmp);
	for (i = 0; i < old->n && drop > 0; i++) {
		if (json_path_int(old->v[i], "spec.replicas", 0) != 0 ||
		    json_path_int(old->v[i], "status.replicas", 0) != 0)
			continue;
		sim_obj_delete(c, res, json_path_str(old->v[i], "metadata.namespace"),
		    json_path_str(old->v[i], "metadata.name"), &cause);
		free(cause);
		cause = NULL;
		old->v[i] = NULL;
		drop--;
	}
}

/* Reconcile one Deployment. */
static int
dep_one(json_t *d, void *arg)
{
	struct dep_pass			*dp = arg;
	struct sim_cluster		*c = dp->c;
	struct sim_ctl			*ctl = ctl_get(c);
	const struct kind		*res = kind_find_api("apps", "deployments");
	struct ctl_vec			*all = map_get(dp->rsidx, json_path_str(d, "metadata.uid"));
	struct ctl_vec			 old = { NULL, 0, 0 };
	json_t				*tmpl = json_object_get(json_object_get(d, "spec"),
					    "template");
	json_t				*newrs = NULL, *st, *conds, *strategy, *ru;
	struct ctl_dep			*ds;
	const char			*uid = json_path_str(d, "metadata.uid");
	const char			*stype;
	int				 R = (int)json_path_int(d, "spec.replicas", 1);
	int				 surge = 0, unavail = 0;
	bool				 paused, recreate, meta_changed = false, created = false;
	long				 maxold = 0, rev;
	json_int_t			 sreplicas = 0, supdated = 0, sready = 0, savail = 0;
	size_t				 i;
	char				 buf[64], *msg;
	double				 now = ctl_now(c->sim);
	long				 key;

	if (uid == NULL || !json_is_object(tmpl))
		return 0;
	paused = json_is_true(json_object_get(json_object_get(d, "spec"), "paused"));
	strategy = json_object_get(json_object_get(d, "spec"), "strategy");
	stype = json_string_value(json_object_get(strategy, "type"));
	recreate = stype != NULL && strcmp(stype, "Recreate") == 0;
	if (!recreate) {
		ru = json_object_get(strategy, "rollingUpdate");
		surge = ctl_int_or_percent(json_object_get(ru, "maxSurge"), R, true, -1);
		unavail = ctl_int_or_percent(json_object_get(ru, "maxUnavailable"), R, false, -1);
		if (surge < 0)
			surge = (int)ceil(R * 0.25 - 1e-9);
		if (unavail < 0)
			unavail = (int)floor(R * 0.25 + 1e-9);
		if (surge == 0 && unavail == 0)
			unavail = 1;
	}
	for (i = 0; all != NULL && i < all->n; i++) {
		if (newrs == NULL && rs_matches(all->v[i], tmpl, "pod-template-hash"))
			newrs = all->v[i];
		else
			ctl_vec_push(&old, all->v[i]);
	}
	for (i = 0; i < old.n; i++) {
		if (rs_revision(old.v[i]) > maxold)
			maxold = rs_revision(old.v[i]);
	}
	if (newrs == NULL && !paused) {
		json_int_t start = old.n == 0 ? R : 0;

		newrs = ctl_rs_create(c, d, "Deployment", tmpl, "pod-template-hash", maxold + 1,
		    start);
		created = newrs != NULL;
	} else if (newrs != NULL && rs_revision(newrs) <= maxold && !paused) {
		/* A rollback reuses an old ReplicaSet: bump its revision. */
		char	hist[64];

		snprintf(buf, sizeof buf, "%ld", maxold + 1);
		snprintf(hist, sizeof hist, "%ld", rs_revision(newrs));
		ctl_set_annotation(newrs, ANN_REVHIST, hist);
		ctl_set_annotation(newrs, ANN_REV, buf);
		sim_obj_modified(c, kind_find_api("apps", "replicasets"), newrs, false);
	}
	if (newrs != NULL && !paused) {
		const char *cause_ann = ctl_annotation(d, ANN_CAUSE);

		if (cause_ann != NULL && ctl_set_annotation(newrs, ANN_CAUSE, cause_ann))
			sim_obj_modified(c, kind_find_api("apps", "replicasets"), newrs, false);
		rev = rs_revision(newrs);
		snprintf(buf, sizeof buf, "%ld", rev);
		meta_changed = ctl_set_annotation(d, ANN_REV, buf);
	}
	if (!paused)
		dep_roll(c, d, newrs, &old, R, surge, unavail, recreate);
	else if (newrs != NULL && old.n == 0)
		rs_scale(c, d, newrs, R, surge);
	dep_cleanup(c, d, &old);

	/* Status from the ReplicaSets. */
	for (i = 0; i < old.n; i++) {
		if (old.v[i] == NULL)
			continue;
		sreplicas += json_path_int(old.v[i], "status.replicas", 0);
		sready += json_path_int(old.v[i], "status.readyReplicas", 0);
		savail += json_path_int(old.v[i], "status.availableReplicas", 0);
	}
	if (newrs != NULL) {
		sreplicas += json_path_int(newrs, "status.replicas", 0);
		supdated = json_path_int(newrs, "status.replicas", 0);
		sready += json_path_int(newrs, "status.readyReplicas", 0);
		savail += json_path_int(newrs, "status.availableReplicas", 0);
	}
	ds = map_get(ctl->deps, uid);
	if (ds == NULL) {
		ds = xcalloc(1, sizeof *ds);
		ds->last_progress_t = now;
		map_put(ctl->deps, uid, ds);
	}
	ds->seen = ctl->gen;
	key = (long)(supdated * 1000003 + savail * 1009 + sreplicas * 7 + sready +
	    (newrs != NULL ? json_path_int(newrs, "spec.replicas", 0) * 100003 : 0));
	if (key != ds->last_key || created) {
		ds->last_key = key;
		ds->last_progress_t = now;
	}
	st = json_object();
	json_object_set_new(st, "observedGeneration",
	    json_integer(json_path_int(d, "metadata.generation", 1)));
	json_object_set_new(st, "replicas", json_integer(sreplicas));
	json_object_set_new(st, "updatedReplicas", json_integer(supdated));
	json_object_set_new(st, "readyReplicas", json_integer(sready));
	json_object_set_new(st, "availableReplicas", json_integer(savail));
	if (R - savail > 0)
		json_object_set_new(st, "unavailableReplicas", json_integer(R - savail));
	conds = json_object_get(json_object_get(d, "status"), "conditions");
	if (savail >= R - unavail)
		conds = ctl_condition(conds, "Available", "True", "MinimumReplicasAvailable",
		    "Deployment has minimum availability.", false);
	else
		conds = ctl_condition(conds, "Available", "False", "MinimumReplicasUnavailable",
		    "Deployment does not have minimum availability.", false);
	{
		json_t		*c2;
		const char	*rsname = newrs != NULL ? json_path_str(newrs, "metadata.name") : "";
		double		 deadline = (double)json_path_int(d, "spec.progressDeadlineSeconds", 600);
		bool		 complete = newrs != NULL && supdated == R && sreplicas == R &&
				    savail == R;

		if (paused)
			c2 = ctl_condition(conds, "Progressing", "Unknown", "DeploymentPaused",
			    "Deployment is paused", false);
		else if (complete) {
			msg = xasprintf("ReplicaSet \"%s\" has successfully progressed.", rsname);
			c2 = ctl_condition(conds, "Progressing", "True", "NewReplicaSetAvailable",
			    msg, false);
			free(msg);
		} else if (now - ds->last_progress_t > deadline) {
			msg = xasprintf("ReplicaSet \"%s\" has timed out progressing.", rsname);
			c2 = ctl_condition(conds, "Progressing", "False",
			    "ProgressDeadlineExceeded", msg, false);
			free(msg);
		} else if (created) {
			msg = xasprintf("Created new replica set \"%s\"", rsname);
			c2 = ctl_condition(conds, "Progressing", "True", "NewReplicaSetCreated",
			    msg, true);
			free(msg);
		} else {
			const char *prev = NULL;
			json_t	   *pc;
			size_t	    j;

			json_array_foreach(conds, j, pc) {
				if (strcmp(json_path_str_or(pc, "type", ""),
				    "Progressing") == 0)
					prev = json_string_value(json_object_get(pc, "reason"));
			}
			msg = xasprintf("ReplicaSet \"%s\" is progressing.", rsname);
			if (prev != NULL && strcmp(prev, "NewReplicaSetCreated") == 0 &&
			    ds->last_progress_t < now)
				c2 = ctl_condition(conds, "Progressing", "True",
				    "ReplicaSetUpdated", msg, false);
			else
				c2 = ctl_condition(conds, "Progressing", "True",
				    "ReplicaSetUpdated", msg, ds->last_progress_t == now);
			free(msg);
		}
		json_decref(conds);
		conds = c2;
	}
	json_object_set_new(st, "conditions", conds);
	if (!ctl_set_status(c, res, d, st) && meta_changed)
		sim_obj_modified(c, res, d, false);
	ctl_vec_free(&old);
	return 0;
}

/* Drop bookkeeping of deployments that are gone. */
static int
dep_sweep(const char *key, void *val, void *arg)
{
	struct ctl_dep	*ds = val;
	uint64_t	*gen = arg;

	(void)key;
	if (ds->seen == *gen)
		return 0;
	free(ds);
	return 1;
}

/* The Deployment pass. */
void
ctl_deploy_tick(struct sim_cluster *c)
{
	struct sim_ctl	*ctl = ctl_get(c);
	struct dep_pass	 dp = { c, NULL };

	dp.rsidx = ctl_index_by_owner(c, kind_find_api("apps", "replicasets"));
	sim_obj_foreach(c, kind_find_api("apps", "deployments"), NULL, dep_one, &dp);
	ctl_index_free(dp.rsidx);
	if (ctl->gen % 64 == 0)
		map_sweep(ctl->deps, dep_sweep, &ctl->gen);
}
