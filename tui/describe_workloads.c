/* describe for the workload controllers (deployments, replica sets,
 * stateful sets, daemon sets), autoscalers, disruption budgets, jobs and
 * cron jobs. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "opsdeck/http.h"
#include "opsdeck/json_util.h"
#include "opsdeck/kinds.h"
#include "opsdeck/printers.h"
#include "opsdeck/xmalloc.h"

#include "describe_int.h"

/* ---- workloads ---- */

/* A list path in obj's namespace: .../namespaces/NS/RESOURCE?labelSelector=SEL. */
static char *
selector_list_path(json_t *obj, const char *group, const char *resource)
{
	struct label_selector *ls;
	char *cause = NULL, *sel, *path;
	const char *ns = json_path_str(obj, "metadata.namespace");

	ls = label_selector_from_json(json_path(obj, "spec.selector"), &cause);
	free(cause);
	if (ls == NULL || ns == NULL) {
		label_selector_free(ls);
		return NULL;
	}
	sel = label_selector_string(ls);
	label_selector_free(ls);
	path = http_query_add(kind_path(kind_find_api(group, resource), ns, NULL),
	    "labelSelector", sel);
	free(sel);
	return path;
}

/* True if item's controller is owner (by uid). */
static bool
controlled_by(json_t *item, json_t *owner)
{
	const char *uid = json_path_str(owner, "metadata.uid");
	json_t *r;
	size_t i;

	json_array_foreach(json_path(item, "metadata.ownerReferences"), i, r) {
		if (json_is_true(json_object_get(r, "controller")))
			return uid != NULL && strcmp(json_path_str_or(r, "uid", ""), uid) == 0;
	}
	return false;
}

static void
conditions_table(struct dw *w, json_t *conds)
{
	json_t *c;
	size_t i;

	if (json_array_size(conds) == 0)
		return;
	W(w, 0, "Conditions:\n  Type\tStatus\tReason\n");
	W(w, 1, "----\t------\t------\n");
	json_array_foreach(conds, i, c)
		W(w, 1, "%s \t%s\t%s\n", VS(w, c, "type"), VS(w, c, "status"), VS(w, c, "reason"));
}

static char *
deployment_related(json_t *obj, size_t i)
{
	return i == 0 ? selector_list_path(obj, "apps", "replicasets") : NULL;
}

/* Two pod templates equal but for the pod-template-hash label. */
static bool
template_equal(json_t *a, json_t *b)
{
	json_t *ca = json_deep_copy(a), *cb = json_deep_copy(b);
	bool eq;

	json_object_del(json_path(ca, "metadata.labels"), "pod-template-hash");
	json_object_del(json_path(cb, "metadata.labels"), "pod-template-hash");
	eq = json_equal(ca, cb);
	json_decref(ca);
	json_decref(cb);
	return eq;
}

static int
rs_cmp(const void *a, const void *b)
{
	json_t *ra = *(json_t *const *)a, *rb = *(json_t *const *)b;
	int64_t ta = parse_rfc3339(json_path_str_or(ra, "metadata.creationTimestamp", "")),
	    tb = parse_rfc3339(json_path_str_or(rb, "metadata.creationTimestamp", ""));

	if (ta != tb)
		return ta < tb ? -1 : 1;
	return strcmp(json_path_str_or(ra, "metadata.name", ""),
	    json_path_str_or(rb, "metadata.name", ""));
}

/* "name (2/3 replicas created), …" or "<none>". */
static const char *
rs_list(struct dw *w, json_t **rs, size_t n)
{
	char *s = xstrdup(""), *t;
	const char *r;
	size_t i;

	for (i = 0; i < n; i++) {
		t = xasprintf("%s%s%s (%lld/%lld replicas created)", s, i > 0 ? ", " : "",
		    json_path_str_or(rs[i], "metadata.name", ""),
		    (long long)json_path_int(rs[i], "status.replicas", 0),
		    (long long)json_path_int(rs[i], "spec.replicas", 0));
		free(s);
		s = t;
	}
	r = V(w, n > 0 ? s : "<none>");
	free(s);
	return r;
}

static void
deployment_render(struct dw *w, json_t *d, json_t *related, int64_t now)
{
	json_t *spec = json_object_get(d, "spec"), *st = json_object_get(d, "status"), *ru, *rs;
	json_t **owned, *newrs = NULL, **old;
	size_t n = 0, nold = 0, i;

	(void)now;
	name_ns(w, d);
	W(w, 0, "CreationTimestamp:\t%s\n", rfc1123z(w, json_path_str(d,
	    "metadata.creationTimestamp")));
	labels_multiline(w, "", "Labels", json_path(d, "metadata.labels"));
	annotations_multiline(w, "Annotations", json_path(d, "metadata.annotations"));
	W(w, 0, "Selector:\t%s\n", selector(w, json_object_get(spec, "selector"), ""));
	W(w, 0, "Replicas:\t%lld desired | %lld updated | %lld total | %lld available | "
	    "%lld unavailable\n", (long long)json_path_int(spec, "replicas", 0),
	    (long long)json_path_int(st, "updatedReplicas", 0),
	    (long long)json_path_int(st, "replicas", 0),
	    (long long)json_path_int(st, "availableReplicas", 0),
	    (long long)json_path_int(st, "unavailableReplicas", 0));
	W(w, 0, "StrategyType:\t%s\n", VS(w, spec, "strategy.type"));
	W(w, 0, "MinReadySeconds:\t%lld\n", (long long)json_path_int(spec, "minReadySeconds", 0));
	if ((ru = json_path(spec, "strategy.rollingUpdate")) != NULL)
		W(w, 0, "RollingUpdateStrategy:\t%s max unavailable, %s max surge\n",
		    intstr(w, json_object_get(ru, "maxUnavailable")),
		    intstr(w, json_object_get(ru, "maxSurge")));
	pod_template(w, json_object_get(spec, "template"));
	conditions_table(w, json_object_get(st, "conditions"));
	/* the replica sets it controls: the one with its template is new */
	related = json_array_get(related, 0);
	owned = xcalloc(json_array_size(related) + 1, sizeof *owned);
	json_array_foreach(related, i, rs) {
		if (controlled_by(rs, d))
			owned[n++] = rs;
	}
	qsort(owned, n, sizeof *owned, rs_cmp);
	old = xcalloc(n + 1, sizeof *old);
	for (i = 0; i < n; i++) {
		if (newrs == NULL && template_equal(json_path(owned[i], "spec.template"),
		    json_object_get(spec, "template")))
			newrs = owned[i];
		else
			old[nold++] = owned[i];
	}
	if (n > 0) {
		W(w, 0, "OldReplicaSets:\t%s\n", rs_list(w, old, nold));
		W(w, 0, "NewReplicaSet:\t%s\n", rs_list(w, &newrs, newrs != NULL));
	}
	free(owned);
	free(old);
}

const struct describer describe_deployment = { deployment_related, deployment_render };

/* The related request of the workloads that count their pods. */
static char *
pods_related(json_t *obj, size_t i)
{
	return i == 0 ? selector_list_path(obj, "", "pods") : NULL;
}

/* "Pods Status:" of owner: its pods (the first related answer) by phase. */
static void
pods_status(struct dw *w, json_t *owner, json_t *related)
{
	json_t *p;
	size_t i;
	int running = 0, waiting = 0, succeeded = 0, failed = 0;
	const char *phase;

	related = json_array_get(related, 0);
	json_array_foreach(related, i, p) {
		if (!controlled_by(p, owner))
			continue;
		phase = json_path_str_or(p, "status.phase", "");
		running += strcmp(phase, "Running") == 0;
		waiting += strcmp(phase, "Pending") == 0;
		succeeded += strcmp(phase, "Succeeded") == 0;
		failed += strcmp(phase, "Failed") == 0;
	}
	if (json_is_string(related))
		W(w, 0, "Pods Status:\terror in fetching pods: %s\n", V(w,
		    json_string_value(related)));
	else if (!json_is_array(related))
		W(w, 0, "Pods Status:\terror in fetching pods\n");
	else
		W(w, 0, "Pods Status:\t%d Running / %d Waiting / %d Succeeded / %d Failed\n",
		    running, waiting, succeeded, failed);
}

static void
replicaset_render(struct dw *w, json_t *rs, json_t *related, int64_t now)
{
	(void)now;
	controller_head(w, rs, "<none>");
	W(w, 0, "Replicas:\t%lld current / %lld desired\n",
	    (long long)json_path_int(rs, "status.replicas", 0),
	    (long long)json_path_int(rs, "spec.replicas", 0));
	pods_status(w, rs, related);
	pod_template(w, json_path(rs, "spec.template"));
	conditions_table(w, json_path(rs, "status.conditions"));
}

const struct describer describe_replicaset = { pods_related, replicaset_render };

/* A statefulset's volume claim templates. */
static void
claim_templates(struct dw *w, json_t *list)
{
	json_t *c, *m;
	size_t i, j;
	const char *sc;

	if (json_array_size(list) == 0) {
		W(w, 0, "Volume Claims:\t<none>\n");
		return;
	}
	W(w, 0, "Volume Claims:\n");
	json_array_foreach(list, i, c) {
		W(w, 1, "Name:\t%s\n", VS(w, c, "metadata.name"));
		sc = json_path_str(c, "spec.storageClassName");
		if (sc == NULL)
			sc = json_string_value(json_object_get(json_path(c, "metadata.annotations"),
			    "volume.beta.kubernetes.io/storage-class"));
		W(w, 1, "StorageClass:\t%s\n", V(w, sc));
		labels_multiline(w, "  ", "Labels", json_path(c, "metadata.labels"));
		labels_multiline(w, "  ", "Annotations", json_path(c, "metadata.annotations"));
		W(w, 1, "Capacity:\t%s\n", json_path_str(c, "spec.resources.requests.storage") != NULL ?
		    quantity(w, json_path_str(c, "spec.resources.requests.storage")) : "<default>");
		W(w, 1, "Access Modes:\t[");
		json_array_foreach(json_path(c, "spec.accessModes"), j, m)
			W(w, 0, "%s%s", j != 0 ? " " : "", V(w, json_string_value(m)));
		W(w, 0, "]\n");
	}
}

static void
statefulset_render(struct dw *w, json_t *ss, json_t *related, int64_t now)
{
	json_t *spec = json_object_get(ss, "spec"), *ru;

	(void)now;
	name_ns(w, ss);
	W(w, 0, "CreationTimestamp:\t%s\n", rfc1123z(w, json_path_str(ss,
	    "metadata.creationTimestamp")));
	W(w, 0, "Selector:\t%s\n", selector(w, json_object_get(spec, "selector"), ""));
	labels_multiline(w, "", "Labels", json_path(ss, "metadata.labels"));
	annotations_multiline(w, "Annotations", json_path(ss, "metadata.annotations"));
	W(w, 0, "Replicas:\t%lld desired | %lld total\n",
	    (long long)json_path_int(spec, "replicas", 0),
	    (long long)json_path_int(ss, "status.replicas", 0));
	W(w, 0, "Update Strategy:\t%s\n", VS(w, spec, "updateStrategy.type"));
	ru = json_path(spec, "updateStrategy.rollingUpdate");
	if (json_is_integer(json_object_get(ru, "partition"))) {
		W(w, 1, "Partition:\t%s\n", int_or(w, ru, "partition", ""));
		if (json_object_get(ru, "maxUnavailable") != NULL)
			W(w, 1, "MaxUnavailable:\t%s\n", intstr(w, json_object_get(ru,
			    "maxUnavailable")));
	}
	pods_status(w, ss, related);
	pod_template(w, json_object_get(spec, "template"));
	claim_templates(w, json_object_get(spec, "volumeClaimTemplates"));
}

const struct describer describe_statefulset = { pods_related, statefulset_render };

static void
daemonset_render(struct dw *w, json_t *ds, json_t *related, int64_t now)
{
	json_t *st = json_object_get(ds, "status");
	char *ns = labels_to_string(json_path(ds, "spec.template.spec.nodeSelector"));

	(void)now;
	name_ns(w, ds);
	W(w, 0, "Selector:\t%s\n", selector(w, json_path(ds, "spec.selector"), ""));
	W(w, 0, "Node-Selector:\t%s\n", V(w, ns));
	free(ns);
	labels_multiline(w, "", "Labels", json_path(ds, "metadata.labels"));
	annotations_multiline(w, "Annotations", json_path(ds, "metadata.annotations"));
	W(w, 0, "Desired Number of Nodes Scheduled: %lld\n",
	    (long long)json_path_int(st, "desiredNumberScheduled", 0));
	W(w, 0, "Current Number of Nodes Scheduled: %lld\n",
	    (long long)json_path_int(st, "currentNumberScheduled", 0));
	W(w, 0, "Number of Nodes Scheduled with Up-to-date Pods: %lld\n",
	    (long long)json_path_int(st, "updatedNumberScheduled", 0));
	W(w, 0, "Number of Nodes Scheduled with Available Pods: %lld\n",
	    (long long)json_path_int(st, "numberAvailable", 0));
	W(w, 0, "Number of Nodes Misscheduled: %lld\n",
	    (long long)json_path_int(st, "numberMisscheduled", 0));
	pods_status(w, ds, related);
	pod_template(w, json_path(ds, "spec.template"));
}

const struct describer describe_daemonset = { pods_related, daemonset_render };

/* ---- autoscaling, disruption budgets, batch ---- */

/* One HPA metric line (autoscaling/v2). */
static void
hpa_metric(struct dw *w, json_t *m, json_t *cur)
{
	const char *type = json_path_str_or(m, "type", "");
	json_t *t;
	char *s;

	if (strcmp(type, "Resource") == 0 || strcmp(type, "ContainerResource") == 0) {
		bool cr = strcmp(type, "ContainerResource") == 0;
		json_t *src = json_object_get(m, cr ? "containerResource" : "resource");
		json_t *c = json_path(cur, cr ? "containerResource.current" : "resource.current");

		if (cr)
			W(w, 1, "resource %s of container \"%s\" on pods", VS(w, src, "name"),
			    VS(w, src, "container"));
		else
			W(w, 1, "resource %s on pods", VS(w, src, "name"));
		t = json_object_get(src, "target");
		if (json_object_get(t, "averageValue") != NULL) {
			W(w, 0, ":\t%s / %s\n", json_object_get(c, "averageValue") != NULL ?
			    quantity(w, json_path_str(c, "averageValue")) : "<unknown>",
			    quantity(w, json_path_str(t, "averageValue")));
			return;
		}
		if (json_is_integer(json_object_get(c, "averageUtilization"))) {
			s = xasprintf("%lld%% (%s)", (long long)json_path_int(c,
			    "averageUtilization", 0), quantity(w, json_path_str_or(c,
			    "averageValue", "0")));
			W(w, 1, "(as a percentage of request):\t%s / ", V(w, s));
			free(s);
		} else
			W(w, 1, "(as a percentage of request):\t<unknown> / ");
		if (json_is_integer(json_object_get(t, "averageUtilization")))
			W(w, 0, "%lld%%\n", (long long)json_path_int(t, "averageUtilization", 0));
		else
			W(w, 0, "<auto>\n");
	} else if (strcmp(type, "Pods") == 0) {
		W(w, 1, "\"%s\" on pods:\t%s / %s\n", VS(w, m, "pods.metric.name"),
		    json_path(cur, "pods.current.averageValue") != NULL ?
		    quantity(w, json_path_str(cur, "pods.current.averageValue")) : "<unknown>",
		    quantity(w, json_path_str(m, "pods.target.averageValue")));
	} else if (strcmp(type, "Object") == 0) {
		bool avg = strcmp(json_path_str_or(m, "object.target.type", ""), "AverageValue") == 0;
		const char *f = avg ? "averageValue" : "value";
		json_t *c = json_path(cur, "object.current");

		W(w, 1, "\"%s\" on %s/%s ", VS(w, m, "object.metric.name"),
		    VS(w, m, "object.describedObject.kind"), VS(w, m, "object.describedObject.name"));
		W(w, 0, "(target %s):\t%s / %s\n", avg ? "average value" : "value",
		    json_object_get(c, f) != NULL ? quantity(w, json_path_str(c, f)) : "<unknown>",
		    quantity(w, json_string_value(json_object_get(json_path(m, "object.target"), f))));
	} else if (strcmp(type, "External") == 0) {
		bool avg = json_path(m, "external.target.averageValue") != NULL;
		const char *f = avg ? "averageValue" : "value";
		json_t *c = json_path(cur, "external.current");

		W(w, 1, "\"%s\" (target %s):\t%s / %s\n", VS(w, m, "external.metric.name"),
		    avg ? "average value" : "value",
		    json_object_get(c, f) != NULL ? quantity(w, json_path_str(c, f)) : "<unknown>",
		    quantity(w, json_string_value(json_object_get(json_path(m,
		    "external.target"), f))));
	} else
		W(w, 1, "<unknown metric type \"%s\">\n", V(w, type));
}

static void
hpa_direction(struct dw *w, const char *title, json_t *rules)
{
	json_t *p;
	size_t i;

	if (rules == NULL)
		return;
	W(w, 1, "%s:\n", title);
	if (json_is_integer(json_object_get(rules, "stabilizationWindowSeconds")))
		W(w, 2, "Stabilization Window: %lld seconds\n",
		    (long long)json_path_int(rules, "stabilizationWindowSeconds", 0));
	if (json_array_size(json_object_get(rules, "policies")) > 0) {
		W(w, 2, "Select Policy: %s\n", V(w, json_path_str_or(rules, "selectPolicy", "Max")));
		W(w, 2, "Policies:\n");
		json_array_foreach(json_object_get(rules, "policies"), i, p)
			W(w, 3, "- Type: %s\tValue: %lld\tPeriod: %lld seconds\n", VS(w, p, "type"),
			    (long long)json_path_int(p, "value", 0),
			    (long long)json_path_int(p, "periodSeconds", 0));
	}
}

static void
hpa_render(struct dw *w, json_t *hpa, json_t *related, int64_t now)
{
	json_t *spec = json_object_get(hpa, "spec"), *st = json_object_get(hpa, "status"), *m, *c;
	size_t i;

	(void)related;
	(void)now;
	name_meta(w, hpa);
	W(w, 0, "CreationTimestamp:\t%s\n", rfc1123z(w, json_path_str(hpa,
	    "metadata.creationTimestamp")));
	W(w, 0, "Reference:\t%s/%s\n", VS(w, spec, "scaleTargetRef.kind"),
	    VS(w, spec, "scaleTargetRef.name"));
	W(w, 0, "Metrics:\t( current / target )\n");
	json_array_foreach(json_object_get(spec, "metrics"), i, m)
		hpa_metric(w, m, json_array_get(json_object_get(st, "currentMetrics"), i));
	W(w, 0, "Min replicas:\t%s\n", int_or(w, spec, "minReplicas", "<unset>"));
	W(w, 0, "Max replicas:\t%lld\n", (long long)json_path_int(spec, "maxReplicas", 0));
	if (json_object_get(spec, "behavior") != NULL) {
		W(w, 0, "Behavior:\n");
		hpa_direction(w, "Scale Up", json_path(spec, "behavior.scaleUp"));
		hpa_direction(w, "Scale Down", json_path(spec, "behavior.scaleDown"));
	}
	W(w, 0, "%s pods:\t%lld current / %lld desired\n", VS(w, spec, "scaleTargetRef.kind"),
	    (long long)json_path_int(st, "currentReplicas", 0),
	    (long long)json_path_int(st, "desiredReplicas", 0));
	if (json_array_size(json_object_get(st, "conditions")) > 0) {
		W(w, 0, "Conditions:\n");
		W(w, 1, "Type\tStatus\tReason\tMessage\n");
		W(w, 1, "----\t------\t------\t-------\n");
		json_array_foreach(json_object_get(st, "conditions"), i, c)
			W(w, 1, "%s\t%s\t%s\t%s\n", VS(w, c, "type"), VS(w, c, "status"),
			    VS(w, c, "reason"), VS(w, c, "message"));
	}
}

const struct describer describe_hpa = { NULL, hpa_render };

static void
pdb_render(struct dw *w, json_t *pdb, json_t *related, int64_t now)
{
	json_t *spec = json_object_get(pdb, "spec"), *st = json_object_get(pdb, "status");

	(void)related;
	(void)now;
	name_ns(w, pdb);
	if (json_object_get(spec, "minAvailable") != NULL)
		W(w, 0, "Min available:\t%s\n", intstr(w, json_object_get(spec, "minAvailable")));
	else if (json_object_get(spec, "maxUnavailable") != NULL)
		W(w, 0, "Max unavailable:\t%s\n", intstr(w, json_object_get(spec,
		    "maxUnavailable")));
	W(w, 0, "Selector:\t%s\n", json_object_get(spec, "selector") != NULL ?
	    selector(w, json_object_get(spec, "selector"), "<unset>")[0] != '\0' ?
	    selector(w, json_object_get(spec, "selector"), "<unset>") : "<none>" : "<unset>");
	W(w, 0, "Status:\n");
	W(w, 2, "Allowed disruptions:\t%lld\n", (long long)json_path_int(st,
	    "disruptionsAllowed", 0));
	W(w, 2, "Current:\t%lld\n", (long long)json_path_int(st, "currentHealthy", 0));
	W(w, 2, "Desired:\t%lld\n", (long long)json_path_int(st, "desiredHealthy", 0));
	W(w, 2, "Total:\t%lld\n", (long long)json_path_int(st, "expectedPods", 0));
}

const struct describer describe_pdb = { NULL, pdb_render };

static void
job_render(struct dw *w, json_t *job, json_t *related, int64_t now)
{
	json_t *spec = json_object_get(job, "spec"), *st = json_object_get(job, "status");
	const char *start = json_path_str(st, "startTime"),
	    *done = json_path_str(st, "completionTime");
	char d[32];

	(void)related;
	(void)now;
	controller_head(w, job, "");
	if (json_is_integer(json_object_get(spec, "parallelism")))
		W(w, 0, "Parallelism:\t%s\n", int_or(w, spec, "parallelism", ""));
	W(w, 0, "Completions:\t%s\n", int_or(w, spec, "completions", "<unset>"));
	if (json_path_str(spec, "completionMode") != NULL)
		W(w, 0, "Completion Mode:\t%s\n", VS(w, spec, "completionMode"));
	if (json_is_boolean(json_object_get(spec, "suspend")))
		W(w, 0, "Suspend:\t%s\n", json_path_true(spec, "suspend") ? "true" : "false");
	if (json_is_integer(json_object_get(spec, "backoffLimit")))
		W(w, 0, "Backoff Limit:\t%s\n", int_or(w, spec, "backoffLimit", ""));
	if (json_is_integer(json_object_get(spec, "ttlSecondsAfterFinished")))
		W(w, 0, "TTL Seconds After Finished:\t%s\n", int_or(w, spec,
		    "ttlSecondsAfterFinished", ""));
	if (start != NULL)
		W(w, 0, "Start Time:\t%s\n", rfc1123z(w, start));
	if (done != NULL)
		W(w, 0, "Completed At:\t%s\n", rfc1123z(w, done));
	if (start != NULL && done != NULL) {
		human_duration(parse_rfc3339(done) - parse_rfc3339(start), d, sizeof d);
		W(w, 0, "Duration:\t%s\n", d);
	}
	if (json_is_integer(json_object_get(spec, "activeDeadlineSeconds")))
		W(w, 0, "Active Deadline Seconds:\t%ss\n", int_or(w, spec,
		    "activeDeadlineSeconds", ""));
	if (json_is_integer(json_object_get(st, "ready")))
		W(w, 0, "Pods Statuses:\t%lld Active (%lld Ready) / %lld Succeeded / %lld Failed\n",
		    (long long)json_path_int(st, "active", 0), (long long)json_path_int(st,
		    "ready", 0), (long long)json_path_int(st, "succeeded", 0),
		    (long long)json_path_int(st, "failed", 0));
	else
		W(w, 0, "Pods Statuses:\t%lld Active / %lld Succeeded / %lld Failed\n",
		    (long long)json_path_int(st, "active", 0),
		    (long long)json_path_int(st, "succeeded", 0),
		    (long long)json_path_int(st, "failed", 0));
	if (strcmp(json_path_str_or(spec, "completionMode", ""), "Indexed") == 0)
		W(w, 0, "Completed Indexes:\t%s\n",
		    V(w, json_path_str_or(st, "completedIndexes", "<none>")));
	pod_template(w, json_object_get(spec, "template"));
}

const struct describer describe_job = { NULL, job_render };

static void
cronjob_render(struct dw *w, json_t *cj, json_t *related, int64_t now)
{
	json_t *spec = json_object_get(cj, "spec"), *jt = json_path(cj, "spec.jobTemplate.spec");

	(void)related;
	(void)now;
	name_meta(w, cj);
	W(w, 0, "Schedule:\t%s\n", VS(w, spec, "schedule"));
	W(w, 0, "Concurrency Policy:\t%s\n", VS(w, spec, "concurrencyPolicy"));
	W(w, 0, "Suspend:\t%s\n", !json_is_boolean(json_object_get(spec, "suspend")) ? "<unset>" :
	    json_path_true(spec, "suspend") ? "True" : "False");
	W(w, 0, "Successful Job History Limit:\t%s\n", int_or(w, spec,
	    "successfulJobsHistoryLimit", "<unset>"));
	W(w, 0, "Failed Job History Limit:\t%s\n", int_or(w, spec, "failedJobsHistoryLimit",
	    "<unset>"));
	if (json_is_integer(json_object_get(spec, "startingDeadlineSeconds")))
		W(w, 0, "Starting Deadline Seconds:\t%ss\n", int_or(w, spec,
		    "startingDeadlineSeconds", ""));
	else
		W(w, 0, "Starting Deadline Seconds:\t<unset>\n");
	W(w, 0, "Selector:\t%s\n", selector(w, json_object_get(jt, "selector"), "<unset>"));
	W(w, 0, "Parallelism:\t%s\n", int_or(w, jt, "parallelism", "<unset>"));
	W(w, 0, "Completions:\t%s\n", int_or(w, jt, "completions", "<unset>"));
	if (json_is_integer(json_object_get(jt, "activeDeadlineSeconds")))
		W(w, 0, "Active Deadline Seconds:\t%ss\n", int_or(w, jt, "activeDeadlineSeconds", ""));
	pod_template(w, json_object_get(jt, "template"));
	if (json_path_str(cj, "status.lastScheduleTime") != NULL)
		W(w, 0, "Last Schedule Time:\t%s\n", rfc1123z(w, json_path_str(cj,
		    "status.lastScheduleTime")));
	else
		W(w, 0, "Last Schedule Time:\t<unset>\n");
	name_list(w, "Active Jobs", json_path(cj, "status.active"));
}

const struct describer describe_cronjob = { NULL, cronjob_render };
