/* metrics.k8s.io as metrics-server serves it (kubectl top): the usage of
 * running pods and ready nodes, computed from the simulated load. A pod of
 * a deployment an HPA scales uses its CPU request times the HPA's simulated
 * utilisation (drill.opsdeck.dev/load over the ready replicas, as
 * ctl_hpa.c computes it); other pods idle at 15-40 % of their request.
 * Memory follows CPU. A node uses what its pods use plus the system's share.
 * Every value is a function of the estate (no clock), so two readers at the
 * same moment see the same numbers. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "opsdeck/json_util.h"
#include "opsdeck/kinds.h"
#include "opsdeck/map.h"
#include "opsdeck/sim.h"
#include "opsdeck/sim_ctl.h"
#include "opsdeck/xmalloc.h"

#define METRICS_API		"metrics.k8s.io/v1beta1"
#define DEFAULT_CPU_REQUEST	0.1			/* cores */
#define DEFAULT_MEM_REQUEST	(128.0 * 1024 * 1024)	/* bytes */

/* A number in [0, 1) from s and salt (FNV-1a), stable across runs. */
static double
metrics_hash(const char *s, unsigned salt)
{
	return (double)((fnv1a32(s) ^ (uint32_t)salt * 2654435761u) % 10007) / 10007.0;
}

/* A quantity at path of obj, or def. */
static double
metrics_quantity(json_t *obj, const char *path, double def)
{
	double v;

	if (quantity_parse(json_path_str_or(obj, path, ""), &v) != 0 || v <= 0)
		return def;
	return v;
}

/* Looking for the HPA that scales a deployment. */
struct metrics_hpa {
	const char	*deploy;
	json_t		*hpa;
};

/* sim_obj_foreach: the HPA whose scaleTargetRef names the deployment. */
static int
metrics_hpa_match(json_t *hpa, void *arg)
{
	struct metrics_hpa *f = arg;

	if (strcmp(json_path_str_or(hpa, "spec.scaleTargetRef.kind", ""), "Deployment") != 0 ||
	    strcmp(json_path_str_or(hpa, "spec.scaleTargetRef.name", ""), f->deploy) != 0)
		return 0;
	f->hpa = hpa;
	return 1;
}

/* One node being summed. */
struct metrics_node {
	json_t		*node;
	double		 cores;
	double		 bytes;
};

/* Walk state for a metrics request. */
struct metrics_walk {
	struct sim_cluster	*c;
	const char		*ts;
	struct label_selector	*sel;
	json_t			*items;		/* pods: PodMetrics */
	struct metrics_node	*nodes;		/* nodes: usage sums */
	size_t			 nnodes;
	struct map		*node_at;	/* node name -> its index + 1 in nodes */
	struct map		*rs_use;	/* "namespace/replicaset" -> its pods' HPA
						 * utilisation (a double; -1: none) */
};

/* The HPA's simulated utilisation (fraction of request) for the pods of
 * replica set rs (in ns), or -1 if no HPA scales its deployment. */
static double
metrics_hpa_use(struct sim_cluster *c, const char *ns, const char *rsname)
{
	struct metrics_hpa f = { NULL, NULL };
	json_t *ref, *rs, *deploy;
	double load;
	int64_t ready;
	size_t i;

	rs = sim_obj_get(c, kind_find_api("apps", "replicasets"), ns, rsname);
	json_array_foreach(json_path(rs, "metadata.ownerReferences"), i, ref) {
		if (strcmp(json_path_str_or(ref, "kind", ""), "Deployment") == 0)
			f.deploy = json_path_str(ref, "name");
	}
	if (f.deploy == NULL)
		return -1;
	sim_obj_foreach(c, kind_find_api("autoscaling", "horizontalpodautoscalers"), ns,
	    metrics_hpa_match, &f);
	deploy = sim_obj_get(c, kind_find_api("apps", "deployments"), ns, f.deploy);
	if (f.hpa == NULL || deploy == NULL)
		return -1;
	load = ctl_hpa_load(f.hpa);
	ready = json_path_int(deploy, "status.readyReplicas", 0);
	if (ready <= 0)
		ready = json_path_int(deploy, "spec.replicas", 1);
	return load / (double)(ready > 0 ? ready : 1);
}

/* The utilisation of pod's replica set (once per replica set and request:
 * its pods share it), or -1. */
static double
metrics_pod_hpa_use(struct metrics_walk *w, json_t *pod, const char *ns)
{
	const char *rs = NULL;
	json_t *ref;
	double *use;
	char key[512];
	size_t i;

	json_array_foreach(json_path(pod, "metadata.ownerReferences"), i, ref) {
		if (strcmp(json_path_str_or(ref, "kind", ""), "ReplicaSet") == 0)
			rs = json_path_str_or(ref, "name", "");
	}
	if (rs == NULL)
		return -1;
	if (w->rs_use == NULL)
		w->rs_use = map_new();
	snprintf(key, sizeof key, "%s/%s", ns, rs);
	use = map_get(w->rs_use, key);
	if (use == NULL) {
		use = xmalloc(sizeof *use);
		*use = metrics_hpa_use(w->c, ns, rs);
		map_put(w->rs_use, key, use);
	}
	return *use;
}

/* A pod's usage now, its totals in cores and bytes; false if it is not
 * running (metrics-server only reports running pods). Its PodMetrics (new)
 * in *pm if pm is not NULL. */
static bool
metrics_pod(struct metrics_walk *w, json_t *pod, double *cores, double *bytes, json_t **pm)
{
	const char *name = json_path_str_or(pod, "metadata.name", "");
	const char *ns = json_path_str_or(pod, "metadata.namespace", "");
	json_t *containers = NULL, *ct;
	double use, jit, cpu, mem;
	size_t i;

	*cores = *bytes = 0;
	if (strcmp(json_path_str_or(pod, "status.phase", ""), "Running") != 0 ||
	    json_path_str(pod, "spec.nodeName") == NULL)
		return false;
	use = metrics_pod_hpa_use(w, pod, ns);
	if (use < 0)
		use = 0.15 + 0.25 * metrics_hash(name, 1);
	jit = 0.9 + 0.2 * metrics_hash(name, 2);
	if (pm != NULL)
		containers = json_array();
	json_array_foreach(json_path(pod, "spec.containers"), i, ct) {
		char cbuf[32], mbuf[32];
		long long n, ki;

		cpu = metrics_quantity(ct, "resources.requests.cpu", DEFAULT_CPU_REQUEST) *
		    use * jit;
		mem = metrics_quantity(ct, "resources.requests.memory", DEFAULT_MEM_REQUEST) *
		    (0.4 + 0.35 * fmin(use, 1.5)) * (0.9 + 0.2 * metrics_hash(name, 3));
		n = llround(cpu * 1e9);
		ki = llround(mem / 1024);
		*cores += (double)n / 1e9;
		*bytes += (double)ki * 1024;
		if (containers == NULL)
			continue;
		snprintf(cbuf, sizeof cbuf, "%lldn", n);
		snprintf(mbuf, sizeof mbuf, "%lldKi", ki);
		json_array_append_new(containers, json_pack("{s:s,s:{s:s,s:s}}", "name",
		    json_path_str_or(ct, "name", ""), "usage", "cpu", cbuf, "memory", mbuf));
	}
	if (pm != NULL)
		*pm = json_pack("{s:s,s:s,s:{s:s,s:s,s:s,s:O?},s:s,s:s,s:o}", "kind",
		    "PodMetrics", "apiVersion", METRICS_API, "metadata", "name", name,
		    "namespace", ns, "creationTimestamp", w->ts, "labels",
		    json_path(pod, "metadata.labels"), "timestamp", w->ts, "window", "15s",
		    "containers", containers);
	return true;
}

/* sim_obj_foreach over pods: their PodMetrics, or their share of nodes. */
static int
metrics_pod_cb(json_t *pod, void *arg)
{
	struct metrics_walk *w = arg;
	const char *node = json_path_str_or(pod, "spec.nodeName", "");
	double cores, bytes;
	json_t *pm;
	size_t i;

	if (w->items != NULL && w->sel != NULL &&
	    !label_selector_match(w->sel, json_path(pod, "metadata.labels")))
		return 0;
	if (!metrics_pod(w, pod, &cores, &bytes, w->items != NULL ? &pm : NULL))
		return 0;
	if (w->items != NULL) {
		json_array_append_new(w->items, pm);
		return 0;
	}
	i = (size_t)(uintptr_t)map_get(w->node_at, node);
	if (i > 0) {
		w->nodes[i - 1].cores += cores;
		w->nodes[i - 1].bytes += bytes;
	}
	return 0;
}

/* sim_obj_foreach over nodes: the ready ones (metrics-server cannot scrape
 * a kubelet that does not answer). */
static int
metrics_node_cb(json_t *node, void *arg)
{
	struct metrics_walk *w = arg;

	if (!json_condition_true(node, "Ready"))
		return 0;
	if (w->sel != NULL && !label_selector_match(w->sel, json_path(node, "metadata.labels")))
		return 0;
	w->nodes = xreallocarray(w->nodes, w->nnodes + 1, sizeof *w->nodes);
	w->nodes[w->nnodes].node = node;
	w->nodes[w->nnodes].cores = 0;
	w->nodes[w->nnodes].bytes = 0;
	w->nnodes++;
	map_put(w->node_at, json_path_str_or(node, "metadata.name", ""), (void *)(uintptr_t)w->nnodes);
	return 0;
}

/* A node's NodeMetrics (new) from its pods' sums. */
static json_t *
metrics_node(const struct metrics_node *n, const char *ts)
{
	const char *name = json_path_str_or(n->node, "metadata.name", "");
	double cores = n->cores + 0.12 + 0.08 * metrics_hash(name, 4);
	double bytes = n->bytes + (700.0 + 300.0 * metrics_hash(name, 5)) * 1024 * 1024;
	char cbuf[32], mbuf[32];

	snprintf(cbuf, sizeof cbuf, "%lldn", (long long)llround(cores * 1e9));
	snprintf(mbuf, sizeof mbuf, "%lldKi", (long long)llround(bytes / 1024));
	return json_pack("{s:s,s:s,s:{s:s,s:s,s:O?},s:s,s:s,s:{s:s,s:s}}", "kind",
	    "NodeMetrics", "apiVersion", METRICS_API, "metadata", "name", name,
	    "creationTimestamp", ts, "labels", json_path(n->node, "metadata.labels"),
	    "timestamp", ts, "window", "15s", "usage", "cpu", cbuf, "memory", mbuf);
}

json_t *
sim_metrics(struct sim_cluster *c, const struct kind *res, const char *ns, const char *name,
    const char *selector, char **cause)
{
	struct metrics_walk w;
	const struct kind *pods = kind_find_api("", "pods");
	json_t *out = NULL, *items, *one;
	char ts[40];
	size_t i;
	bool nodes = strcmp(res->resource, "nodes") == 0;

	memset(&w, 0, sizeof w);
	*cause = NULL;
	ctl_rfc3339(sim_wallclock(), ts, sizeof ts);
	w.c = c;
	w.ts = ts;
	if (name == NULL && selector != NULL && *selector != '\0') {
		w.sel = label_selector_parse(selector, cause);
		if (w.sel == NULL)
			return NULL;
	}
	items = json_array();
	if (nodes) {
		w.node_at = map_new();
		sim_obj_foreach(c, kind_find_api("", "nodes"), NULL, metrics_node_cb, &w);
		sim_obj_foreach(c, pods, NULL, metrics_pod_cb, &w);
		for (i = 0; i < w.nnodes; i++)
			json_array_append_new(items, metrics_node(&w.nodes[i], ts));
	} else {
		w.items = items;
		sim_obj_foreach(c, pods, ns, metrics_pod_cb, &w);
	}
	if (name == NULL) {
		out = json_pack("{s:s,s:s,s:{},s:O}", "kind", nodes ? "NodeMetricsList" :
		    "PodMetricsList", "apiVersion", METRICS_API, "metadata", "items", items);
	} else {
		json_array_foreach(items, i, one) {
			if (strcmp(json_path_str_or(one, "metadata.name", ""), name) == 0) {
				out = json_incref(one);
				break;
			}
		}
	}
	json_decref(items);
	free(w.nodes);
	if (w.node_at != NULL)
		map_free(w.node_at, NULL);
	if (w.rs_use != NULL)
		map_free(w.rs_use, free);
	label_selector_free(w.sel);
	return out;
}
