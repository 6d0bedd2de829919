/* Nodes (Ready / NotReady under a fault), StatefulSets (ordinal pods,
 * ordered start) and DaemonSets (one pod per node). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "opsdeck/json_util.h"
#include "opsdeck/sim.h"
#include "opsdeck/sim_ctl.h"
#include "opsdeck/xmalloc.h"
#include "sim_store.h"

/* Pass state of the node controller. */
struct node_pass {
	struct sim_cluster	*c;
	char			**names, **ips;
	size_t			  n;
};

/* Has the node a NoSchedule/NoExecute taint? */
static bool
node_tainted(json_t *node)
{
	json_t		*taints = json_object_get(json_object_get(node, "spec"), "taints"), *t;
	size_t		 i;
	const char	*eff;

	json_array_foreach(taints, i, t) {
		eff = json_string_value(json_object_get(t, "effect"));
		if (eff != NULL && (strcmp(eff, "NoSchedule") == 0 ||
		    strcmp(eff, "NoExecute") == 0))
			return true;
	}
	return false;
}

/* Update one node's Ready condition. */
static int
node_one(json_t *node, void *arg)
{
	struct node_pass		*np = arg;
	struct sim_cluster		*c = np->c;
	struct sim_ctl			*ctl = ctl_get(c);
	const struct kind		*res = kind_find_api("", "nodes");
	const char			*name = json_path_str(node, "metadata.name");
	json_t				*st, *conds, *spec, *taints, *t, *addr, *a;
	bool				 down = name != NULL &&
					    map_get(ctl->node_down, name) != NULL;
	bool				 has_taint = false, changed = false;
	const char			*ip = "10.0.0.10";
	size_t				 i;

	if (name == NULL)
		return 0;
	st = json_deep_copy(json_object_get(node, "status"));
	if (!json_is_object(st)) {
		json_decref(st);
		st = json_object();
	}
	conds = json_object_get(st, "conditions");
	if (down)
		conds = ctl_condition(conds, "Ready", "Unknown", "NodeStatusUnknown",
		    "Kubelet stopped posting node status.", false);
	else
		conds = ctl_condition(conds, "Ready", "True", "KubeletReady",
		    "kubelet is posting ready status", false);
	json_object_set_new(st, "conditions", conds);
	/* The unreachable taint follows the condition. */
	spec = json_object_get(node, "spec");
	if (!json_is_object(spec)) {
		spec = json_object();
		json_object_set_new(node, "spec", spec);
	}
	taints = json_object_get(spec, "taints");
	json_array_foreach(taints, i, t) {
		if (strcmp(json_path_str_or(t, "key", ""),
		    "node.kubernetes.io/unreachable") == 0) {
			has_taint = true;
			if (!down) {
				json_array_remove(taints, i);
				changed = true;
				break;
			}
		}
	}
	if (down && !has_taint) {
		char ts[40];

		if (!json_is_array(taints)) {
			taints = json_array();
			json_object_set_new(spec, "taints", taints);
		}
		ctl_rfc3339(sim_wallclock(), ts, sizeof ts);
		json_array_append_new(taints, json_pack("{s:s,s:s,s:s}", "key",
		    "node.kubernetes.io/unreachable", "effect", "NoSchedule", "timeAdded", ts));
		changed = true;
	}
	if (!ctl_set_status(c, res, node, st) && changed)
		sim_obj_modified(c, res, node, true);
	addr = json_object_get(json_object_get(node, "status"), "addresses");
	json_array_foreach(addr, i, a) {
		if (strcmp(json_path_str_or(a, "type", ""), "InternalIP") == 0 &&
		    json_is_string(json_object_get(a, "address")))
			ip = json_string_value(json_object_get(a, "address"));
	}
	if (!down && !json_is_true(json_object_get(spec, "unschedulable")) &&
	    !node_tainted(node)) {
		np->names = xreallocarray(np->names, np->n + 1, sizeof *np->names);
		np->ips = xreallocarray(np->ips, np->n + 1, sizeof *np->ips);
		np->names[np->n] = xstrdup(name);
		np->ips[np->n] = xstrdup(ip);
		np->n++;
	}
	return 0;
}

/* The node pass: conditions and the schedulable set. */
void
ctl_nodes_tick(struct sim_cluster *c)
{
	struct sim_ctl		*ctl = ctl_get(c);
	struct node_pass	 np = { c, NULL, NULL, 0 };

	sim_obj_foreach(c, kind_find_api("", "nodes"), NULL, node_one, &np);
	ctl_nodes_free(ctl);
	ctl->nodes = np.names;
	ctl->node_ips = np.ips;
	ctl->nnodes = np.n;
}

/* Pass state for workload controllers. */
struct wl_pass {
	struct sim_cluster	*c;
};

/* The ordinal of a StatefulSet pod name, or -1. */
static long
sts_ordinal(const char *sts, const char *pod)
{
	size_t	n = strlen(sts);
	char	*end;
	long	 o;

	if (strncmp(pod, sts, n) != 0 || pod[n] != '-')
		return -1;
	o = strtol(pod + n + 1, &end, 10);
	return *end == '\0' ? o : -1;
}

/* Reconcile one StatefulSet. */
static int
sts_one(json_t *sts, void *arg)
{
	struct wl_pass			*wp = arg;
	struct sim_cluster		*c = wp->c;
	struct sim_ctl			*ctl = ctl_get(c);
	const struct kind		*res = kind_find_api("apps", "statefulsets");
	const struct kind		*pres = kind_find_api("", "pods");
	struct ctl_vec			*owned = ctl_owned(ctl, json_path_str(sts, "metadata.uid"));
	const char			*name = json_path_str(sts, "metadata.name");
	json_int_t			 want = json_path_int(sts, "spec.replicas", 1);
	json_t				*tmpl = json_object_get(json_object_get(sts, "spec"),
					    "template"), *byord[512], *extra, *st;
	char				 hash[16], rev[64], *pname, *cause = NULL;
	long				 o;
	size_t				 i, ready = 0, current = 0, live = 0;
	bool				 all_before_ready = true, rolled = false;

	if (name == NULL || !json_is_object(tmpl))
		return 0;
	if (want > 512)
		want = 512;
	memset(byord, 0, sizeof byord);
	ctl_template_hash(tmpl, hash);
	snprintf(rev, sizeof rev, "%s-%s", name, hash);
	for (i = 0; owned != NULL && i < owned->n; i++) {
		json_t *p = owned->v[i];

		if (ctl_pod_terminating(p))
			continue;
		o = sts_ordinal(name, json_path_str(p, "metadata.name"));
		if (o < 0 || o >= 512)
			continue;
		if (o >= want) {
			sim_obj_delete_graceful(c, pres, json_path_str(p, "metadata.namespace"),
			    json_path_str(p, "metadata.name"), 30, sim_wallclock() + 1, &cause);
			free(cause);
			cause = NULL;
			continue;
		}
		byord[o] = p;
	}
	for (o = 0; o < want; o++) {
		json_t *p = byord[o];

		if (p == NULL) {
			if (!all_before_ready)
				break;
			pname = xasprintf("%s-%ld", name, o);
			extra = json_pack("{s:s,s:s}", "controller-revision-hash", rev,
			    "statefulset.kubernetes.io/pod-name", pname);
			ctl_pod_create(c, sts, "apps/v1", "StatefulSet", tmpl, pname, extra);
			json_decref(extra);
			free(pname);
			break;	/* OrderedReady: one at a time */
		}
		live++;
		if (ctl_pod_ready(p))
			ready++;
		else
			all_before_ready = false;
		if (strcmp(json_string_value(json_object_get(json_object_get(json_object_get(p,
		    "metadata"), "labels"), "controller-revision-hash")) ?
		    json_string_value(json_object_get(json_object_get(json_object_get(p,
		    "metadata"), "labels"), "controller-revision-hash")) : "", rev) == 0)
			current++;
	}
	/* Rolling update: replace the highest outdated ordinal once all are ready. */
	if (ready == (size_t)want && current < (size_t)want) {
		for (o = want - 1; o >= 0 && !rolled; o--) {
			json_t		*p = byord[o];
			const char	*h;

			if (p == NULL)
				continue;
			h = json_string_value(json_object_get(json_object_get(json_object_get(p,
			    "metadata"), "labels"), "controller-revision-hash"));
			if (h != NULL && strcmp(h, rev) == 0)
				continue;
			sim_obj_delete_graceful(c, pres, json_path_str(p, "metadata.namespace"),
			    json_path_str(p, "metadata.name"), 30, sim_wallclock() + 1, &cause);
			free(cause);
			cause = NULL;
			rolled = true;
		}
	}
	st = json_pack("{s:I,s:I,s:I,s:I,s:I,s:I,s:s,s:s,s:I}", "observedGeneration",
	    (json_int_t)json_path_int(sts, "metadata.generation", 1), "replicas", (json_int_t)live,
	    "readyReplicas", (json_int_t)ready, "currentReplicas", (json_int_t)current,
	    "updatedReplicas", (json_int_t)current, "availableReplicas", (json_int_t)ready,
	    "currentRevision", rev, "updateRevision", rev, "collisionCount", (json_int_t)0);
	ctl_set_status(c, res, sts, st);
	return 0;
}

/* The StatefulSet pass. */
void
ctl_sts_tick(struct sim_cluster *c)
{
	struct wl_pass	wp = { c };

	sim_obj_foreach(c, kind_find_api("apps", "statefulsets"), NULL, sts_one, &wp);
}

/* Pass state of node enumeration for DaemonSets. */
struct ds_nodes {
	char	**names;
	size_t	  n;
};

/* Collect every node name. */
static int
ds_node(json_t *node, void *arg)
{
	struct ds_nodes	*dn = arg;
	const char	*name = json_path_str(node, "metadata.name");

	if (name == NULL)
		return 0;
	dn->names = xreallocarray(dn->names, dn->n + 1, sizeof *dn->names);
	dn->names[dn->n++] = xstrdup(name);
	return 0;
}

/* Pass state of the DaemonSet controller. */
struct ds_pass {
	struct sim_cluster	*c;
	struct ds_nodes		 nodes;
};

/* Reconcile one DaemonSet. */
static int
ds_one(json_t *ds, void *arg)
{
	struct ds_pass			*dp = arg;
	struct sim_cluster		*c = dp->c;
	struct sim_ctl			*ctl = ctl_get(c);
	const struct kind		*res = kind_find_api("apps", "daemonsets");
	struct ctl_vec			*owned = ctl_owned(ctl, json_path_str(ds, "metadata.uid"));
	json_t				*tmpl = json_object_get(json_object_get(ds, "spec"),
					    "template"), *t, *st, *p;
	size_t				 i, j, ready = 0, sched = 0;
	bool				 found;

	if (!json_is_object(tmpl))
		return 0;
	for (i = 0; i < dp->nodes.n; i++) {
		found = false;
		for (j = 0; owned != NULL && j < owned->n; j++) {
			const char *nn = json_path_str(owned->v[j], "spec.nodeName");

			if (nn != NULL && strcmp(nn, dp->nodes.names[i]) == 0 &&
			    !ctl_pod_terminating(owned->v[j])) {
				found = true;
				sched++;
				if (ctl_pod_ready(owned->v[j]))
					ready++;
				break;
			}
		}
		if (found)
			continue;
		t = json_deep_copy(tmpl);
		ctl_set(t, "spec.nodeName", json_string(dp->nodes.names[i]));
		p = ctl_pod_create(c, ds, "apps/v1", "DaemonSet", t, NULL, NULL);
		json_decref(t);
		(void)p;
	}
	st = json_pack("{s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I}", "observedGeneration",
	    (json_int_t)json_path_int(ds, "metadata.generation", 1), "desiredNumberScheduled",
	    (json_int_t)dp->nodes.n, "currentNumberScheduled", (json_int_t)sched,
	    "numberReady", (json_int_t)ready, "numberAvailable", (json_int_t)ready,
	    "updatedNumberScheduled", (json_int_t)sched, "numberMisscheduled", (json_int_t)0,
	    "numberUnavailable", (json_int_t)(dp->nodes.n - ready));
	ctl_set_status(c, res, ds, st);
	return 0;
}

/* The DaemonSet pass. */
void
ctl_ds_tick(struct sim_cluster *c)
{
	struct ds_pass	dp = { c, { NULL, 0 } };
	size_t		i;

	if (sim_obj_count(c, kind_find_api("apps", "daemonsets"), NULL) == 0)
		return;
	sim_obj_foreach(c, kind_find_api("", "nodes"), NULL, ds_node, &dp.nodes);
	sim_obj_foreach(c, kind_find_api("apps", "daemonsets"), NULL, ds_one, &dp);
	for (i = 0; i < dp.nodes.n; i++)
		free(dp.nodes.names[i]);
	free(dp.nodes.names);
}
