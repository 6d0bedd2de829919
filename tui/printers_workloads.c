/* Table printers for the workload controllers (deployments, replica sets,
 * stateful sets, daemon sets) and horizontal pod autoscalers. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "opsdeck/buf.h"
#include "opsdeck/json_util.h"
#include "opsdeck/printers.h"
#include "opsdeck/xmalloc.h"

#include "printers_int.h"

/* A Quantity at path as text; def when absent. Caller frees. */
static char *
quantity_text(json_t *obj, const char *path, const char *def)
{
	char *s = json_scalar_text(json_path(obj, path));

	return s == NULL ? xstrdup(def) : s;
}

/* ---- Deployments, ReplicaSets, StatefulSets, DaemonSets ---- */

static const struct column deployment_columns[] = {
	{ "Name", "string", "name", 0, "Name of the deployment.", NULL },
	{ "Ready", "string", "", 0, "Number of the pod with ready state", NULL },
	{ "Up-to-date", "string", "", 0, "Total number of non-terminated pods targeted by this deployment that have the desired template spec.", NULL },
	{ "Available", "string", "", 0, "Total number of available pods (ready for at least minReadySeconds) targeted by this deployment.", NULL },
	{ "Age", "string", "", 0, "Time since the deployment was created.", NULL },
	{ "Containers", "string", "", 1, "Names of each container in the template.", NULL },
	{ "Images", "string", "", 1, "Images referenced by each container in the template.", NULL },
	{ "Selector", "string", "", 1, "Label query over pods targeted by this deployment.", NULL },
};

/* printDeployment, plus rollout flags for the console. */
static void
print_deployment(json_t *d, int64_t now, struct cell *c, unsigned *flags,
    char **reason)
{
	json_t *status = json_object_get(d, "status");
	json_t *conds = json_object_get(status, "conditions");
	json_t *prog = json_condition_find(conds, "Progressing");
	struct label_selector *ls;
	char *cause = NULL;
	int64_t desired = json_path_int(d, "spec.replicas", 1);
	int64_t updated = json_path_int(status, "updatedReplicas", 0);
	int64_t ready = json_path_int(status, "readyReplicas", 0);
	int64_t avail = json_path_int(status, "availableReplicas", 0);
	int64_t current = json_path_int(status, "replicas", 0);

	cell_name(&c[0], d);
	cell_take(&c[1], xasprintf("%lld/%lld", (long long)ready, (long long)desired));
	cell_int(&c[2], updated);
	cell_int(&c[3], avail);
	cell_created(&c[4], d);
	layout_containers(json_path(d, "spec.template.spec.containers"), &c[5], &c[6]);
	ls = label_selector_from_json(json_path(d, "spec.selector"), &cause);
	if (ls == NULL) {
		free(cause);
		cell_text(&c[7], "<invalid>");
	} else {
		cell_take(&c[7], label_selector_string(ls));
		label_selector_free(ls);
	}

	if (updated < desired || current > updated || avail < updated)
		*flags |= ROW_PROGRESSING;
	if (json_path_true(d, "spec.paused") || avail < desired ||
	    json_condition_is(conds, "Available", "False"))
		*flags |= ROW_WARN;
	/* A stuck rollout is never "in progress"; a rollout is pods of an
	 * older template still running (or a new ReplicaSet just made); more
	 * pods of the same template is scaling. */
	if (strcmp(json_path_str_or(prog, "reason", ""),
	    "ProgressDeadlineExceeded") == 0) {
		*flags = (*flags & ~ROW_PROGRESSING) | ROW_STUCK;
		*reason = xstrdup("ProgressDeadlineExceeded");
	} else if (json_path_true(d, "spec.paused"))
		*reason = xstrdup("paused");
	else if (updated < desired && (current > updated ||
	    strcmp(json_path_str_or(prog, "reason", ""), "NewReplicaSetCreated") == 0))
		*reason = xasprintf("rolling out %lld/%lld updated",
		    (long long)updated, (long long)desired);
	else if (current > updated)
		*reason = xasprintf("%lld old replicas pending termination",
		    (long long)(current - updated));
	else if (updated < desired || current < desired)
		*reason = xasprintf("scaling to %lld, %lld available", (long long)desired,
		    (long long)avail);
	else if (avail < desired)
		*reason = xasprintf("available %lld/%lld", (long long)avail,
		    (long long)desired);
}

static const struct column replicaset_columns[] = {
	{ "Name", "string", "name", 0, "Name of the replica set.", NULL },
	{ "Desired", "integer", "", 0, "Number of desired pods.", NULL },
	{ "Current", "integer", "", 0, "The most recently observed number of replicas.", NULL },
	{ "Ready", "integer", "", 0, "The number of ready replicas.", NULL },
	{ "Age", "string", "", 0, "Time since the replica set was created.", NULL },
	{ "Containers", "string", "", 1, "Names of each container in the template.", NULL },
	{ "Images", "string", "", 1, "Images referenced by each container in the template.", NULL },
	{ "Selector", "string", "", 1, "Label query over pods that should match the replica count.", NULL },
};

/* printReplicaSet. */
static void
print_replicaset(json_t *rs, int64_t now, struct cell *c, unsigned *flags,
    char **reason)
{
	int64_t desired = json_path_int(rs, "spec.replicas", 1);
	int64_t ready = json_path_int(rs, "status.readyReplicas", 0);

	cell_name(&c[0], rs);
	cell_int(&c[1], desired);
	cell_int(&c[2], json_path_int(rs, "status.replicas", 0));
	cell_int(&c[3], ready);
	cell_created(&c[4], rs);
	layout_containers(json_path(rs, "spec.template.spec.containers"), &c[5], &c[6]);
	cell_take(&c[7], format_label_selector(json_path(rs, "spec.selector")));
	if (ready < desired) {
		*flags |= ROW_WARN;
		*reason = xasprintf("ready %lld/%lld", (long long)ready,
		    (long long)desired);
	}
}

static const struct column statefulset_columns[] = {
	{ "Name", "string", "name", 0, "Name of the stateful set.", NULL },
	{ "Ready", "string", "", 0, "Number of the pod with ready state", NULL },
	{ "Age", "string", "", 0, "Time since the stateful set was created.", NULL },
	{ "Containers", "string", "", 1, "Names of each container in the template.", NULL },
	{ "Images", "string", "", 1, "Images referenced by each container in the template.", NULL },
};

/* printStatefulSet. */
static void
print_statefulset(json_t *ss, int64_t now, struct cell *c, unsigned *flags,
    char **reason)
{
	int64_t desired = json_path_int(ss, "spec.replicas", 1);
	int64_t ready = json_path_int(ss, "status.readyReplicas", 0);

	cell_name(&c[0], ss);
	cell_take(&c[1], xasprintf("%lld/%lld", (long long)ready, (long long)desired));
	cell_created(&c[2], ss);
	layout_containers(json_path(ss, "spec.template.spec.containers"), &c[3], &c[4]);
	if (ready < desired) {
		*flags |= ROW_WARN;
		*reason = xasprintf("ready %lld/%lld", (long long)ready,
		    (long long)desired);
	}
}

static const struct column daemonset_columns[] = {
	{ "Name", "string", "name", 0, "Name of the daemon set.", NULL },
	{ "Desired", "integer", "", 0, "Number of nodes that should be running the daemon pod.", NULL },
	{ "Current", "integer", "", 0, "Number of nodes running at least one daemon pod that should.", NULL },
	{ "Ready", "integer", "", 0, "Number of nodes with a ready daemon pod.", NULL },
	{ "Up-to-date", "integer", "", 0, "Number of nodes running the updated daemon pod.", NULL },
	{ "Available", "integer", "", 0, "Number of nodes with an available daemon pod.", NULL },
	{ "Node Selector", "string", "", 0, "Node selector of the pod template.", NULL },
	{ "Age", "string", "", 0, "Time since the daemon set was created.", NULL },
	{ "Containers", "string", "", 1, "Names of each container in the template.", NULL },
	{ "Images", "string", "", 1, "Images referenced by each container in the template.", NULL },
	{ "Selector", "string", "", 1, "Label query over pods managed by the daemon set.", NULL },
};

/* printDaemonSet. */
static void
print_daemonset(json_t *ds, int64_t now, struct cell *c, unsigned *flags,
    char **reason)
{
	json_t *st = json_object_get(ds, "status");
	int64_t desired = json_path_int(st, "desiredNumberScheduled", 0);
	int64_t ready = json_path_int(st, "numberReady", 0);

	cell_name(&c[0], ds);
	cell_int(&c[1], desired);
	cell_int(&c[2], json_path_int(st, "currentNumberScheduled", 0));
	cell_int(&c[3], ready);
	cell_int(&c[4], json_path_int(st, "updatedNumberScheduled", 0));
	cell_int(&c[5], json_path_int(st, "numberAvailable", 0));
	cell_take(&c[6], labels_to_string(json_path(ds, "spec.template.spec.nodeSelector")));
	cell_created(&c[7], ds);
	layout_containers(json_path(ds, "spec.template.spec.containers"), &c[8], &c[9]);
	cell_take(&c[10], format_label_selector(json_path(ds, "spec.selector")));
	if (ready < desired) {
		*flags |= ROW_WARN;
		*reason = xasprintf("ready %lld/%lld", (long long)ready,
		    (long long)desired);
	}
}

/* ---- HorizontalPodAutoscalers ---- */

static const struct column hpa_columns[] = {
	{ "Name", "string", "name", 0, "Name of the autoscaler.", NULL },
	{ "Reference", "string", "", 0, "The target resource to scale.", NULL },
	{ "Targets", "string", "", 0, "Current and target values of the metrics.", NULL },
	{ "MinPods", "string", "", 0, "Lower limit for the number of replicas.", NULL },
	{ "MaxPods", "string", "", 0, "Upper limit for the number of replicas.", NULL },
	{ "Replicas", "string", "", 0, "Current number of replicas.", NULL },
	{ "Age", "string", "", 0, "Time since the autoscaler was created.", NULL },
};

/* One metric of formatHPAMetrics; src is "external", "pods", ... and st
 * the matching status entry's source object (NULL when absent). */
static char *
hpa_metric_text(const char *type, json_t *spec, json_t *status)
{
	json_t *src, *cur;
	char *current, *target, *out;
	const char *rname;

	if (strcmp(type, "External") == 0 || strcmp(type, "Object") == 0) {
		src = json_object_get(spec, strcmp(type, "External") == 0 ?
		    "external" : "object");
		cur = json_object_get(status, strcmp(type, "External") == 0 ?
		    "external" : "object");
		if (json_path(src, "target.averageValue") != NULL) {
			if (json_is_object(cur) &&
			    json_path(cur, "current.averageValue") != NULL)
				current = quantity_text(cur, "current.averageValue", "0");
			else
				current = xstrdup("<unknown>");
			target = quantity_text(src, "target.averageValue", "0");
			out = xasprintf("%s/%s (avg)", current, target);
		} else {
			current = json_is_object(cur) ?
			    quantity_text(cur, "current.value", "0") :
			    xstrdup("<unknown>");
			target = quantity_text(src, "target.value", "0");
			out = xasprintf("%s/%s", current, target);
		}
	} else if (strcmp(type, "Pods") == 0) {
		cur = json_object_get(status, "pods");
		current = json_is_object(cur) ?
		    quantity_text(cur, "current.averageValue", "0") :
		    xstrdup("<unknown>");
		target = quantity_text(spec, "pods.target.averageValue", "0");
		out = xasprintf("%s/%s", current, target);
	} else if (strcmp(type, "Resource") == 0 ||
	    strcmp(type, "ContainerResource") == 0) {
		src = json_object_get(spec, strcmp(type, "Resource") == 0 ?
		    "resource" : "containerResource");
		cur = json_object_get(status, strcmp(type, "Resource") == 0 ?
		    "resource" : "containerResource");
		rname = json_path_str_or(src, "name", "");
		if (json_path(src, "target.averageValue") != NULL) {
			current = json_is_object(cur) ?
			    quantity_text(cur, "current.averageValue", "0") :
			    xstrdup("<unknown>");
			target = quantity_text(src, "target.averageValue", "0");
		} else {
			if (json_is_object(cur) && json_is_number(json_path(cur,
			    "current.averageUtilization")))
				current = xasprintf("%lld%%", (long long)json_path_int(
				    cur, "current.averageUtilization", 0));
			else
				current = xstrdup("<unknown>");
			if (json_is_number(json_path(src, "target.averageUtilization")))
				target = xasprintf("%lld%%", (long long)json_path_int(
				    src, "target.averageUtilization", 0));
			else
				target = xstrdup("<auto>");
		}
		out = xasprintf("%s: %s/%s", rname, current, target);
	} else
		return xstrdup("<unknown type>");
	free(current);
	free(target);
	return out;
}

/* formatHPAMetrics: the first two metrics, then " + N more...". */
static char *
hpa_targets(json_t *specs, json_t *statuses)
{
	struct buf sb = { .max = CELL_TEXT_MAX };
	json_t *m;
	char *one;
	size_t i, count;

	count = json_is_array(specs) ? json_array_size(specs) : 0;
	if (count == 0)
		return xstrdup("<none>");
	json_array_foreach(specs, i, m) {
		if (i >= 2)
			break;
		one = hpa_metric_text(json_path_str_or(m, "type", ""), m,
		    json_array_get(statuses, i));
		if (i != 0)
			buf_str(&sb, ", ");
		buf_str(&sb, one);
		free(one);
	}
	if (count > 2)
		buf_printf(&sb, " + %zu more...", count - 2);
	return buf_take(&sb);
}

/* One metric's current value and target as numbers, when both are known
 * and comparable (utilisation with utilisation, quantity with quantity). */
static bool
hpa_metric_values(json_t *spec, json_t *status, double *cur, double *target)
{
	const char *type = json_path_str_or(spec, "type", "");
	const char *key;
	json_t *src, *st;

	if (strcmp(type, "Resource") == 0 || strcmp(type, "ContainerResource") == 0)
		key = strcmp(type, "Resource") == 0 ? "resource" : "containerResource";
	else if (strcmp(type, "Pods") == 0)
		key = "pods";
	else if (strcmp(type, "Object") == 0)
		key = "object";
	else if (strcmp(type, "External") == 0)
		key = "external";
	else
		return false;
	src = json_path(json_object_get(spec, key), "target");
	st = json_path(json_object_get(status, key), "current");
	if (!json_is_object(src) || !json_is_object(st))
		return false;
	if (json_is_number(json_object_get(src, "averageUtilization")))
		return json_is_number(json_object_get(st, "averageUtilization")) &&
		    (*cur = json_number_value(json_object_get(st, "averageUtilization")),
		    *target = json_number_value(json_object_get(src, "averageUtilization")),
		    true);
	if (json_is_string(json_object_get(src, "averageValue")))
		return quantity_parse(json_path_str_or(st, "averageValue", ""), cur) == 0 &&
		    quantity_parse(json_path_str_or(src, "averageValue", ""), target) == 0;
	if (json_is_string(json_object_get(src, "value")))
		return quantity_parse(json_path_str_or(st, "value", ""), cur) == 0 &&
		    quantity_parse(json_path_str_or(src, "value", ""), target) == 0;
	return false;
}

/* The metrics whose current value is above their target, as the TARGETS
 * cell writes them ("cpu: 133%/70%"), or NULL when none is (new string).
 * Metrics are matched to their status by position, as kubectl does. */
static char *
hpa_over_target(json_t *specs, json_t *statuses)
{
	struct buf sb = { .max = CELL_TEXT_MAX };
	json_t *m, *st;
	double cur, target;
	char *one;
	size_t i;

	json_array_foreach(specs, i, m) {
		st = json_array_get(statuses, i);
		if (!hpa_metric_values(m, st, &cur, &target) || cur <= target)
			continue;
		one = hpa_metric_text(json_path_str_or(m, "type", ""), m, st);
		if (sb.len != 0)
			buf_str(&sb, ", ");
		buf_str(&sb, one);
		free(one);
	}
	return sb.len != 0 ? buf_take(&sb) : NULL;
}

/* printHorizontalPodAutoscaler, plus the console's flags: above target
 * (warning), at max (critical when also above target), unable to scale. */
static void
print_hpa(json_t *h, int64_t now, struct cell *c, unsigned *flags,
    char **reason)
{
	json_t *spec = json_object_get(h, "spec");
	json_t *conds = json_path(h, "status.conditions");
	json_t *cond;
	int64_t max = json_path_int(spec, "maxReplicas", 0);
	int64_t cur = json_path_int(h, "status.currentReplicas", 0);
	char *over;

	cell_name(&c[0], h);
	cell_take(&c[1], xasprintf("%s/%s",
	    json_path_str_or(spec, "scaleTargetRef.kind", ""),
	    json_path_str_or(spec, "scaleTargetRef.name", "")));
	cell_take(&c[2], hpa_targets(json_object_get(spec, "metrics"),
	    json_path(h, "status.currentMetrics")));
	cell_take(&c[3], xasprintf("%lld",
	    (long long)json_path_int(spec, "minReplicas", 1)));
	cell_int(&c[4], max);
	cell_int(&c[5], cur);
	cell_created(&c[6], h);

	over = hpa_over_target(json_object_get(spec, "metrics"),
	    json_path(h, "status.currentMetrics"));
	if (max > 0 && cur == max) {
		/* at max: it cannot add more; above target there too is the
		 * load outrunning the ceiling */
		*flags |= ROW_AT_MAX | (over != NULL ? ROW_BAD : 0);
		*reason = over != NULL ? xasprintf("at max %lld/%lld, %s", (long long)cur,
		    (long long)max, over) : xasprintf("at max %lld/%lld", (long long)cur,
		    (long long)max);
	} else if (over != NULL) {
		/* above target from the first observation, before it scales */
		*flags |= ROW_WARN;
		*reason = xasprintf("above target: %s (%lld/%lld replicas)", over,
		    (long long)cur, (long long)max);
	}
	free(over);
	cond = NULL;
	if (json_condition_is(conds, "AbleToScale", "False"))
		cond = json_condition_find(conds, "AbleToScale");
	else if (json_condition_is(conds, "ScalingActive", "False"))
		cond = json_condition_find(conds, "ScalingActive");
	if (cond != NULL) {
		*flags |= ROW_STUCK;
		str_set(reason, xstrdup(json_path_str_or(cond, "reason",
		    json_path_str_or(cond, "type", ""))));
	}
}
PRINTER(printer_deployments, "deployments", "Deployment", deployment_columns, print_deployment);
PRINTER(printer_replicasets, "replicasets", "ReplicaSet", replicaset_columns, print_replicaset);
PRINTER(printer_statefulsets, "statefulsets", "StatefulSet", statefulset_columns,
    print_statefulset);
PRINTER(printer_daemonsets, "daemonsets", "DaemonSet", daemonset_columns, print_daemonset);
PRINTER(printer_hpa, "horizontalpodautoscalers", "HorizontalPodAutoscaler", hpa_columns,
    print_hpa);
