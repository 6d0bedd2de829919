/* describe for nodes: addresses, capacity, the pods' requests and limits
 * against what is allocatable, taints, the lease. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "opsdeck/http.h"
#include "opsdeck/json_util.h"
#include "opsdeck/xmalloc.h"

#include "describe_int.h"

/* ---- nodes ---- */

static char *
node_related(json_t *obj, size_t i)
{
	const char *name = json_path_str(obj, "metadata.name");
	char *q, *sel, *path;

	if (name == NULL || i > 1)
		return NULL;
	q = http_escape(name);
	if (i == 1) {
		path = xasprintf("/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/%s",
		    q);
		free(q);
		return path;
	}
	free(q);
	sel = xasprintf("spec.nodeName=%s,status.phase!=Succeeded,status.phase!=Failed", name);
	q = http_escape(sel);
	path = xasprintf("/api/v1/pods?fieldSelector=%s", q);
	free(sel);
	free(q);
	return path;
}

/* Go's zero time, as kubectl prints an unset timestamp. */
static const char *
time_or_zero(struct dw *w, const char *t)
{
	return t != NULL && *t != '\0' ? rfc1123z(w, t) : "Mon, 01 Jan 0001 00:00:00 +0000";
}

/* A sum of quantities of one resource: the value in milli-units, and
 * whether the first one added was binary (Ki, Mi...): Go's Quantity.Add
 * keeps the receiver's format. */
struct qsum {
	long long	 milli;
	bool		 set, binary;
};

static void
qsum_add(struct qsum *q, const char *s)
{
	double v;
	size_t n;

	if (s == NULL || quantity_parse(s, &v) != 0 || !(v > -1e12 && v < 1e12))
		return;
	if (!q->set) {
		n = strlen(s);
		q->binary = n > 1 && s[n - 1] == 'i';
		q->set = true;
	}
	q->milli += llround(v * 1000);
}

/* The sum as kubectl prints it ("750m", "1536Mi", "0"). */
static const char *
qsum_string(struct dw *w, const struct qsum *q)
{
	char buf[64];

	if (q->milli == 0)
		return "0";
	if (q->milli % 1000 != 0)
		snprintf(buf, sizeof buf, "%lldm", q->milli);
	else if (q->binary && (q->milli / 1000) % 1024 == 0)
		snprintf(buf, sizeof buf, "%lldKi", q->milli / 1000 / 1024);
	else
		snprintf(buf, sizeof buf, "%lld", q->milli / 1000);
	return quantity(w, buf);
}

/* "750m (19%)": the sum and its share of the allocatable quantity. */
static const char *
qsum_share(struct dw *w, const struct qsum *q, const char *alloc)
{
	double a = 0, pct;
	char *s;
	const char *r;

	if (alloc == NULL || quantity_parse(alloc, &a) != 0)
		a = 0;
	pct = a > 0 ? (double)q->milli / (a * 1000) * 100 : 0;
	s = xasprintf("%s (%lld%%)", qsum_string(w, q),
	    pct > -1e15 && pct < 1e15 ? (long long)pct : 0LL);
	r = V(w, s);
	free(s);
	return r;
}

/* A pod's requests or limits of resource: its containers summed, at least
 * any one init container's, plus the pod overhead (kubectl's rule). */
static void
pod_resource(json_t *pod, const char *which, const char *resource, struct qsum *out)
{
	struct qsum sum = { 0, false, false }, init;
	json_t *c, *q;
	size_t i;
	char path[128];

	snprintf(path, sizeof path, "resources.%s", which);
	json_array_foreach(json_path(pod, "spec.containers"), i, c) {
		q = json_object_get(json_path(c, path), resource);
		qsum_add(&sum, json_string_value(q));
	}
	json_array_foreach(json_path(pod, "spec.initContainers"), i, c) {
		init = (struct qsum){ 0, false, false };
		qsum_add(&init, json_string_value(json_object_get(json_path(c, path), resource)));
		if (init.milli > sum.milli) {
			init.binary = sum.set ? sum.binary : init.binary;
			sum = init;
		}
	}
	if (strcmp(which, "requests") == 0)
		qsum_add(&sum, json_string_value(json_object_get(json_path(pod,
		    "spec.overhead"), resource)));
	if (sum.set) {
		if (!out->set) {
			out->binary = sum.binary;
			out->set = true;
		}
		out->milli += sum.milli;
	}
}

static bool
hugepages(const char *r)
{
	return strncmp(r, "hugepages-", 10) == 0;
}

static void
node_resources(struct dw *w, json_t *node, json_t *pods, int64_t now)
{
	static const char *std[] = { "cpu", "memory", "ephemeral-storage" };
	json_t *alloc = json_path(node, "status.allocatable"), *p;
	struct qsum r, l;
	const char **keys;
	char age[32];
	size_t i, j, n;

	if (json_object_size(alloc) == 0)
		alloc = json_path(node, "status.capacity");
	W(w, 0, "Non-terminated Pods:\t(%zu in total)\n", json_array_size(pods));
	W(w, 1, "Namespace\tName\t\tCPU Requests\tCPU Limits\tMemory Requests\tMemory Limits"
	    "\tAge\n");
	W(w, 1, "---------\t----\t\t------------\t----------\t---------------\t-------------"
	    "\t---\n");
	json_array_foreach(pods, i, p) {
		W(w, 1, "%s\t%s\t", VS(w, p, "metadata.namespace"), VS(w, p, "metadata.name"));
		for (j = 0; j < 4; j++) {
			r = (struct qsum){ 0, false, false };
			pod_resource(p, j % 2 == 0 ? "requests" : "limits", j < 2 ? "cpu" : "memory",
			    &r);
			W(w, 0, "\t%s", qsum_share(w, &r, json_string_value(json_object_get(alloc,
			    j < 2 ? "cpu" : "memory"))));
		}
		since(json_path_str(p, "metadata.creationTimestamp"), now, age, sizeof age);
		W(w, 0, "\t%s\n", age);
	}
	W(w, 0, "Allocated resources:\n  (Total limits may be over 100 percent, i.e., "
	    "overcommitted.)\n");
	W(w, 1, "Resource\tRequests\tLimits\n");
	W(w, 1, "--------\t--------\t------\n");
	keys = sorted_keys(alloc, NULL, &n);
	for (j = 0; j < 3 + n; j++) {
		const char *res = j < 3 ? std[j] : keys[j - 3];
		bool huge = hugepages(res);

		if (j >= 3 && (strcmp(res, "pods") == 0 || strcmp(res, "cpu") == 0 ||
		    strcmp(res, "memory") == 0 || strcmp(res, "ephemeral-storage") == 0 ||
		    strcmp(res, "storage") == 0))
			continue;
		r = (struct qsum){ 0, false, false };
		l = (struct qsum){ 0, false, false };
		json_array_foreach(pods, i, p) {
			pod_resource(p, "requests", res, &r);
			pod_resource(p, "limits", res, &l);
		}
		if (j < 3 || huge)
			W(w, 1, "%s\t%s\t%s\n", V(w, res), qsum_share(w, &r,
			    json_string_value(json_object_get(alloc, res))), qsum_share(w, &l,
			    json_string_value(json_object_get(alloc, res))));
		else
			W(w, 1, "%s\t%s\t%s\n", V(w, res), qsum_string(w, &r), qsum_string(w, &l));
	}
	free(keys);
}

static int
taint_cmp(const void *a, const void *b)
{
	json_t *ta = *(json_t *const *)a, *tb = *(json_t *const *)b;
	int c = strcmp(json_path_str_or(ta, "effect", ""), json_path_str_or(tb, "effect", ""));

	return c != 0 ? c : strcmp(json_path_str_or(ta, "key", ""),
	    json_path_str_or(tb, "key", ""));
}

static void
node_render(struct dw *w, json_t *node, json_t *related, int64_t now)
{
	static const char *info[][2] = { { "Machine ID", "machineID" },
	    { "System UUID", "systemUUID" }, { "Boot ID", "bootID" },
	    { "Kernel Version", "kernelVersion" }, { "OS Image", "osImage" },
	    { "Operating System", "operatingSystem" }, { "Architecture", "architecture" },
	    { "Container Runtime Version", "containerRuntimeVersion" },
	    { "Kubelet Version", "kubeletVersion" }, { "Kube-Proxy Version", "kubeProxyVersion" } };
	json_t *labels = json_path(node, "metadata.labels"), *v, *pods, *lease, **taints, *m;
	const char **keys, *k, *ni;
	size_t n, i, nroles = 0;
	char *roles = xstrdup(""), *t;

	W(w, 0, "Name:\t%s\n", VS(w, node, "metadata.name"));
	keys = sorted_keys(labels, NULL, &n);
	for (i = 0; i < n; i++) {
		k = NULL;
		if (strncmp(keys[i], "node-role.kubernetes.io/", 24) == 0 && keys[i][24] != '\0')
			k = keys[i] + 24;
		else if (strcmp(keys[i], "kubernetes.io/role") == 0 &&
		    *json_path_str_or(json_object_get(labels, keys[i]), "", "") != '\0')
			k = json_string_value(json_object_get(labels, keys[i]));
		if (k == NULL)
			continue;
		t = xasprintf("%s%s%s", roles, nroles++ > 0 ? "," : "", k);
		free(roles);
		roles = t;
	}
	free(keys);
	W(w, 0, "Roles:\t%s\n", nroles > 0 ? V(w, roles) : "<none>");
	free(roles);
	labels_multiline(w, "", "Labels", labels);
	annotations_multiline(w, "Annotations", json_path(node, "metadata.annotations"));
	W(w, 0, "CreationTimestamp:\t%s\n", rfc1123z(w, json_path_str(node,
	    "metadata.creationTimestamp")));
	n = json_path_len(node, "spec.taints");
	W(w, 0, "Taints:\t%s", n == 0 ? "<none>\n" : "");
	taints = xcalloc(n + 1, sizeof *taints);
	for (i = 0; i < n; i++)
		taints[i] = json_array_get(json_path(node, "spec.taints"), i);
	qsort(taints, n, sizeof *taints, taint_cmp);
	for (i = 0; i < n; i++)
		W(w, 0, "%s%s%s%s:%s\n", i != 0 ? "\t" : "", VS(w, taints[i], "key"),
		    *json_path_str_or(taints[i], "value", "") != '\0' ? "=" : "",
		    VS(w, taints[i], "value"), VS(w, taints[i], "effect"));
	free(taints);
	W(w, 0, "Unschedulable:\t%s\n", json_path_true(node, "spec.unschedulable") ? "true" :
	    "false");
	lease = json_array_get(related, 1);
	if (json_is_object(lease)) {
		W(w, 0, "Lease:\n");
		W(w, 1, "HolderIdentity:\t%s\n", V(w, json_path_str_or(lease,
		    "spec.holderIdentity", "<unset>")));
		W(w, 1, "AcquireTime:\t%s\n", json_path_str(lease, "spec.acquireTime") != NULL ?
		    rfc1123z(w, json_path_str(lease, "spec.acquireTime")) : "<unset>");
		W(w, 1, "RenewTime:\t%s\n", json_path_str(lease, "spec.renewTime") != NULL ?
		    rfc1123z(w, json_path_str(lease, "spec.renewTime")) : "<unset>");
	} else
		W(w, 0, "Lease:\tFailed to get lease: %s\n", V(w, json_is_string(lease) ?
		    json_string_value(lease) : "not fetched"));
	if (json_path_len(node, "status.conditions") > 0) {
		W(w, 0, "Conditions:\n  Type\tStatus\tLastHeartbeatTime\tLastTransitionTime\tReason"
		    "\tMessage\n");
		W(w, 1, "----\t------\t-----------------\t------------------\t------\t-------\n");
		json_array_foreach(json_path(node, "status.conditions"), i, v)
			W(w, 1, "%s \t%s \t%s \t%s \t%s \t%s\n", VS(w, v, "type"), VS(w, v, "status"),
			    time_or_zero(w, json_path_str(v, "lastHeartbeatTime")),
			    time_or_zero(w, json_path_str(v, "lastTransitionTime")),
			    VS(w, v, "reason"), VS(w, v, "message"));
	}
	W(w, 0, "Addresses:\n");
	json_array_foreach(json_path(node, "status.addresses"), i, v)
		W(w, 1, "%s:\t%s\n", VS(w, v, "type"), VS(w, v, "address"));
	for (i = 0; i < 2; i++) {
		m = json_path(node, i == 0 ? "status.capacity" : "status.allocatable");
		if (json_object_size(m) == 0)
			continue;
		W(w, 0, "%s:\n", i == 0 ? "Capacity" : "Allocatable");
		keys = sorted_keys(m, NULL, &n);
		for (size_t j = 0; j < n; j++)
			W(w, 0, "  %s:\t%s\n", V(w, keys[j]),
			    quantity(w, json_string_value(json_object_get(m, keys[j]))));
		free(keys);
	}
	W(w, 0, "System Info:\n");
	for (i = 0; i < sizeof info / sizeof info[0]; i++) {
		ni = json_string_value(json_object_get(json_path(node, "status.nodeInfo"),
		    info[i][1]));
		if (ni != NULL || i < 9)
			W(w, 0, "  %s:\t%s\n", info[i][0], V(w, ni));
	}
	if (*json_path_str_or(node, "spec.podCIDR", "") != '\0')
		W(w, 0, "PodCIDR:\t%s\n", VS(w, node, "spec.podCIDR"));
	if (json_path_len(node, "spec.podCIDRs") > 0) {
		W(w, 0, "PodCIDRs:\t");
		json_array_foreach(json_path(node, "spec.podCIDRs"), i, v)
			W(w, 0, "%s%s", i != 0 ? "," : "", V(w, json_string_value(v)));
		W(w, 0, "\n");
	}
	if (*json_path_str_or(node, "spec.providerID", "") != '\0')
		W(w, 0, "ProviderID:\t%s\n", VS(w, node, "spec.providerID"));
	pods = json_array_get(related, 0);
	if (json_is_array(pods))
		node_resources(w, node, pods, now);
	else if (json_is_string(pods) && strstr(json_string_value(pods), "forbidden") != NULL)
		W(w, 0, "Pods:\tnot authorized\n");
	else
		W(w, 0, "Pods:\t%s\n", V(w, json_is_string(pods) ? json_string_value(pods) :
		    "(loading)"));
}

const struct describer describe_node = { node_related, node_render };
