/* Table printers for pods, nodes, their resource metrics (kubectl top) and
 * events: kubectl's columns and cell rules, plus the console's row flags. */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "opsdeck/buf.h"
#include "opsdeck/json_util.h"
#include "opsdeck/printers.h"
#include "opsdeck/xmalloc.h"

#include "printers_int.h"

/* Seconds between a pod's start and its Ready condition's last change
 * beyond which a False Ready was True before (pod_readiness_lost). */
#define POD_READY_SLACK	2

/* ---- Pods ---- */

static const struct column pod_columns[] = {
	{ "Name", "string", "name", 0, "Name of the pod.", NULL },
	{ "Ready", "string", "", 0, "The aggregate readiness state of this pod for accepting traffic.", NULL },
	{ "Status", "string", "", 0, "The aggregate status of the containers in this pod.", NULL },
	{ "Restarts", "string", "", 0, "The number of times the containers in this pod have been restarted and when the last container in this pod has restarted.", NULL },
	{ "Age", "string", "", 0, "Time since the pod was created.", NULL },
	{ "IP", "string", "", 1, "IP address allocated to the pod.", NULL },
	{ "Node", "string", "", 1, "Node the pod is scheduled onto.", NULL },
	{ "Nominated Node", "string", "", 1, "Node the scheduler nominated for preemption.", NULL },
	{ "Readiness Gates", "string", "", 1, "Readiness gates that are true, of those declared.", NULL },
};

/* True if init container name is declared with restartPolicy Always. */
static int
pod_restartable_init(json_t *inits, const char *name)
{
	json_t *ct;
	size_t i;

	if (name == NULL)
		return 0;
	json_array_foreach(inits, i, ct) {
		if (strcmp(json_path_str_or(ct, "name", ""), name) == 0) {
			return strcmp(json_path_str_or(ct, "restartPolicy", ""),
			    "Always") == 0;
		}
	}
	return 0;
}

/* The "Signal:N" / "ExitCode:N" text for a terminated state without a
 * reason, with prefix ("" or "Init:"). */
static char *
pod_terminated_text(json_t *term, const char *prefix)
{
	const char *r = json_path_str_or(term, "reason", NULL);
	int64_t sig = json_path_int(term, "signal", 0);

	if (r != NULL)
		return xasprintf("%s%s", prefix, r);
	if (sig != 0)
		return xasprintf("%sSignal:%lld", prefix, (long long)sig);
	return xasprintf("%sExitCode:%lld", prefix,
	    (long long)json_path_int(term, "exitCode", 0));
}

/* Statuses that count as healthy or merely waiting, for pod row flags. */
static const char *pod_warn_status[] = {
	"Pending", "ContainerCreating", "PodInitializing", "Terminating",
	"NotReady", "SchedulingGated",
};

/* Whether a pod's Ready condition is False after having been True: the
 * kubelet keeps a condition's lastTransitionTime while its status stays the
 * same, so a False one that changed well after the pod started went there
 * from True. A pod that never became ready keeps its first time. */
static bool
pod_readiness_lost(json_t *status, json_t *conds)
{
	json_t *ready = json_condition_find(conds, "Ready");
	int64_t started, changed;

	if (ready == NULL || strcmp(json_path_str_or(ready, "status", ""), "False") != 0)
		return false;
	started = parse_rfc3339(json_path_str_or(status, "startTime", ""));
	changed = parse_rfc3339(json_path_str_or(ready, "lastTransitionTime", ""));
	return started > 0 && changed > started + POD_READY_SLACK;
}

/* Set pod row flags and reason from the computed status and readiness. A
 * running pod that lost its readiness says so: it is never "starting". */
static void
pod_flags(const char *st, int64_t ready, int64_t total, bool lost, unsigned *flags,
    char **reason)
{
	const char *p;
	size_t i;

	if (strcmp(st, "Running") == 0) {
		if (ready < total) {
			*flags |= ROW_WARN;
			*reason = xasprintf("%s %lld/%lld", lost ? "readiness lost" :
			    "not ready", (long long)ready, (long long)total);
		}
		return;
	}
	if (strcmp(st, "Completed") == 0 || strcmp(st, "Succeeded") == 0)
		return;
	for (i = 0; i < NITEMS(pod_warn_status); i++) {
		if (strcmp(st, pod_warn_status[i]) == 0) {
			*flags |= ROW_WARN;
			*reason = xstrdup(st);
			return;
		}
	}
	/* "Init:1/3" is progress; "Init:CrashLoopBackOff" is not. */
	if (strncmp(st, "Init:", 5) == 0) {
		p = st + 5;
		while (isdigit((unsigned char)*p))
			p++;
		if (p != st + 5 && *p == '/') {
			*flags |= ROW_WARN;
			*reason = xstrdup(st);
			return;
		}
	}
	*flags |= ROW_BAD;
	*reason = xstrdup(st);
}

/* printPod: READY, STATUS and RESTARTS as the API server computes them. */
static void
print_pod(json_t *pod, int64_t now, struct cell *c, unsigned *flags,
    char **reason)
{
	json_t *spec = json_object_get(pod, "spec");
	json_t *status = json_object_get(pod, "status");
	json_t *inits = json_object_get(spec, "initContainers");
	json_t *conds = json_object_get(status, "conditions");
	json_t *cs, *cond, *gate, *state;
	const char *phase = json_path_str_or(status, "phase", "");
	const char *name, *wr, *ctype;
	char *st;
	int64_t restarts = 0, sidecar_restarts = 0, ready = 0, total, t;
	int64_t last = 0, sidecar_last = 0, gates_true;
	size_t i, j, ninit;
	int initializing = 0, has_running = 0, restartable;

	total = (int64_t)json_path_len(spec, "containers");
	ninit = json_path_len(spec, "initContainers");
	st = xstrdup(json_path_str_or(status, "reason", phase));
	json_array_foreach(conds, i, cond) {
		if (strcmp(json_path_str_or(cond, "type", ""), "PodScheduled") == 0 &&
		    strcmp(json_path_str_or(cond, "reason", ""), "SchedulingGated") == 0)
			str_set(&st, xstrdup("SchedulingGated"));
	}
	for (i = 0; i < ninit; i++) {
		if (strcmp(json_path_str_or(json_array_get(inits, i),
		    "restartPolicy", ""), "Always") == 0)
			total++;
	}

	json_array_foreach(json_object_get(status, "initContainerStatuses"), i, cs) {
		name = json_path_str(cs, "name");
		restartable = pod_restartable_init(inits, name);
		restarts += json_path_int(cs, "restartCount", 0);
		t = jtime(cs, "lastState.terminated.finishedAt");
		if (t > last)
			last = t;
		if (restartable) {
			sidecar_restarts += json_path_int(cs, "restartCount", 0);
			if (t > sidecar_last)
				sidecar_last = t;
		}
		state = json_object_get(cs, "state");
		if (json_is_object(json_object_get(state, "terminated")) &&
		    json_path_int(state, "terminated.exitCode", 0) == 0)
			continue;
		if (restartable && json_path_true(cs, "started")) {
			if (json_path_true(cs, "ready"))
				ready++;
			continue;
		}
		wr = json_path_str_or(state, "waiting.reason", NULL);
		if (json_is_object(json_object_get(state, "terminated")))
			str_set(&st, pod_terminated_text(json_object_get(state,
			    "terminated"), "Init:"));
		else if (wr != NULL && strcmp(wr, "PodInitializing") != 0)
			str_set(&st, xasprintf("Init:%s", wr));
		else
			str_set(&st, xasprintf("Init:%zu/%zu", i, ninit));
		initializing = 1;
		break;
	}

	if (!initializing || json_condition_is(conds, "Initialized", "True")) {
		restarts = sidecar_restarts;
		last = sidecar_last;
		cs = json_object_get(status, "containerStatuses");
		for (j = json_is_array(cs) ? json_array_size(cs) : 0; j > 0; j--) {
			json_t *ct = json_array_get(cs, j - 1);

			state = json_object_get(ct, "state");
			restarts += json_path_int(ct, "restartCount", 0);
			t = jtime(ct, "lastState.terminated.finishedAt");
			if (t > last)
				last = t;
			wr = json_path_str_or(state, "waiting.reason", NULL);
			if (json_is_object(json_object_get(state, "waiting")) &&
			    wr != NULL)
				str_set(&st, xstrdup(wr));
			else if (json_is_object(json_object_get(state, "terminated")))
				str_set(&st, pod_terminated_text(
				    json_object_get(state, "terminated"), ""));
			else if (json_path_true(ct, "ready") &&
			    json_is_object(json_object_get(state, "running"))) {
				has_running = 1;
				ready++;
			}
		}
		if (strcmp(st, "Completed") == 0 && has_running) {
			str_set(&st, xstrdup(json_condition_is(conds, "Ready", "True") ?
			    "Running" : "NotReady"));
		}
	}

	if (json_path_str(pod, "metadata.deletionTimestamp") != NULL) {
		if (strcmp(json_path_str_or(status, "reason", ""), "NodeLost") == 0)
			str_set(&st, xstrdup("Unknown"));
		else if (strcmp(phase, "Succeeded") != 0 &&
		    strcmp(phase, "Failed") != 0)
			str_set(&st, xstrdup("Terminating"));
	}

	cell_name(&c[0], pod);
	cell_take(&c[1], xasprintf("%lld/%lld", (long long)ready, (long long)total));
	cell_text(&c[2], st);
	cell_restarts(&c[3], restarts, restarts != 0 ? last : 0);
	cell_created(&c[4], pod);
	name = json_path_str_or(status, "podIPs.0.ip", NULL);
	if (name == NULL)
		name = json_path_str_or(status, "podIP", "<none>");
	cell_text(&c[5], name);
	cell_text(&c[6], json_path_str_or(spec, "nodeName", "<none>"));
	cell_text(&c[7], json_path_str_or(status, "nominatedNodeName", "<none>"));
	if (json_path_len(spec, "readinessGates") == 0)
		cell_text(&c[8], "<none>");
	else {
		gates_true = 0;
		json_array_foreach(json_object_get(spec, "readinessGates"), i, gate) {
			ctype = json_path_str_or(gate, "conditionType", "");
			cond = json_condition_find(conds, ctype);
			if (strcmp(json_path_str_or(cond, "status", ""), "True") == 0)
				gates_true++;
		}
		cell_take(&c[8], xasprintf("%lld/%zu", (long long)gates_true,
		    json_path_len(spec, "readinessGates")));
	}
	pod_flags(st, ready, total, pod_readiness_lost(status, conds), flags, reason);
	free(st);
}

/* ---- Nodes ---- */

static const struct column node_columns[] = {
	{ "Name", "string", "name", 0, "Name of the node.", NULL },
	{ "Status", "string", "", 0, "The status of the node", NULL },
	{ "Roles", "string", "", 0, "The roles of the node", NULL },
	{ "Age", "string", "", 0, "Time since the node was created.", NULL },
	{ "Version", "string", "", 0, "Kubelet version reported by the node.", NULL },
	{ "Internal-IP", "string", "", 1, "First internal address of the node.", NULL },
	{ "External-IP", "string", "", 1, "First external address of the node.", NULL },
	{ "OS-Image", "string", "", 1, "OS image reported by the node.", NULL },
	{ "Kernel-Version", "string", "", 1, "Kernel version reported by the node.", NULL },
	{ "Container-Runtime", "string", "", 1, "Container runtime version reported by the node.", NULL },
};

/* The first node address of type, or "<none>". */
static const char *
node_address(json_t *node, const char *type)
{
	json_t *a;
	size_t i;

	json_array_foreach(json_path(node, "status.addresses"), i, a) {
		if (strcmp(json_path_str_or(a, "type", ""), type) == 0)
			return json_path_str_or(a, "address", "");
	}
	return "<none>";
}

/* Roles from node-role.kubernetes.io/<role> and kubernetes.io/role labels,
 * sorted and unique, or "<none>". */
static char *
node_roles(json_t *labels)
{
	static const char prefix[] = "node-role.kubernetes.io/";
	struct buf sb = { .max = CELL_TEXT_MAX };
	const char *key, **roles;
	json_t *v;
	size_t n = 0, i;

	if (!json_is_object(labels) || json_object_size(labels) == 0)
		return xstrdup("<none>");
	roles = xcalloc(json_object_size(labels), sizeof *roles);
	json_object_foreach(labels, key, v) {
		if (strncmp(key, prefix, sizeof prefix - 1) == 0 &&
		    key[sizeof prefix - 1] != '\0')
			roles[n++] = key + sizeof prefix - 1;
		else if (strcmp(key, "kubernetes.io/role") == 0 &&
		    json_is_string(v) && *json_string_value(v) != '\0')
			roles[n++] = json_string_value(v);
	}
	for (i = 0; i < n; i++) {
		size_t j, k = i;

		for (j = i + 1; j < n; j++) {
			if (strcmp(roles[j], roles[k]) < 0)
				k = j;
		}
		key = roles[i];
		roles[i] = roles[k];
		roles[k] = key;
		if (i == 0 || strcmp(roles[i], roles[i - 1]) != 0) {
			if (sb.len != 0)
				buf_str(&sb, ",");
			buf_str(&sb, roles[i]);
		}
	}
	free(roles);
	if (sb.len == 0) {
		buf_free(&sb);
		return xstrdup("<none>");
	}
	return buf_take(&sb);
}

/* printNode, plus NotReady / SchedulingDisabled / pressure flags. */
static void
print_node(json_t *node, int64_t now, struct cell *c, unsigned *flags,
    char **reason)
{
	json_t *conds = json_path(node, "status.conditions"), *cond, *ready = NULL;
	json_t *info = json_path(node, "status.nodeInfo");
	const char *rs;
	int unsched = json_path_true(node, "spec.unschedulable");
	size_t i;

	/* The last Ready condition wins, as the upstream map does. */
	json_array_foreach(conds, i, cond) {
		if (strcmp(json_path_str_or(cond, "type", ""), "Ready") == 0)
			ready = cond;
	}
	if (ready == NULL)
		rs = "Unknown";
	else if (strcmp(json_path_str_or(ready, "status", ""), "True") == 0)
		rs = "Ready";
	else
		rs = "NotReady";
	cell_name(&c[0], node);
	cell_take(&c[1], xasprintf("%s%s", rs, unsched ? ",SchedulingDisabled" : ""));
	cell_take(&c[2], node_roles(json_path(node, "metadata.labels")));
	cell_created(&c[3], node);
	cell_text(&c[4], json_path_str_or(info, "kubeletVersion", ""));
	cell_text(&c[5], node_address(node, "InternalIP"));
	cell_text(&c[6], node_address(node, "ExternalIP"));
	cell_text(&c[7], json_path_str_or(info, "osImage", "<unknown>"));
	cell_text(&c[8], json_path_str_or(info, "kernelVersion", "<unknown>"));
	cell_text(&c[9], json_path_str_or(info, "containerRuntimeVersion", "<unknown>"));
	if (strcmp(rs, "Ready") != 0) {
		*flags |= ROW_BAD;
		*reason = xstrdup(rs);
	} else if (unsched) {
		*flags |= ROW_WARN;
		*reason = xstrdup("SchedulingDisabled");
	} else {
		/* the kubelet's pressure conditions: the node evicts pods */
		static const char *const pressure[] = { "MemoryPressure", "DiskPressure",
		    "PIDPressure" };

		for (i = 0; i < sizeof pressure / sizeof pressure[0]; i++) {
			if (json_condition_is(conds, pressure[i], "True")) {
				*flags |= ROW_WARN;
				*reason = xstrdup(pressure[i]);
				break;
			}
		}
	}
}

/* ---- Resource metrics (metrics.k8s.io, as kubectl top prints them) ---- */

static const struct column pod_metrics_columns[] = {
	{ "Name", "string", "name", 0, "Name of the pod.", NULL },
	{ "CPU(cores)", "string", "", 0, "CPU in use, in millicores.", NULL },
	{ "MEMORY(bytes)", "string", "", 0, "Memory in use, in MiB.", NULL },
};

static const struct column node_metrics_columns[] = {
	{ "Name", "string", "name", 0, "Name of the node.", NULL },
	{ "CPU(cores)", "string", "", 0, "CPU in use, in millicores.", NULL },
	{ "MEMORY(bytes)", "string", "", 0, "Memory in use, in MiB.", NULL },
};

/* Add usage (a ResourceList, borrowed) to cores and bytes. */
static void
usage_add(json_t *usage, double *cores, double *bytes)
{
	double v;

	const char *cpu = json_string_value(json_object_get(usage, "cpu"));
	const char *mem = json_string_value(json_object_get(usage, "memory"));

	if (cpu != NULL && quantity_parse(cpu, &v) == 0)
		*cores += v;
	if (mem != NULL && quantity_parse(mem, &v) == 0)
		*bytes += v;
}

/* v as an integer, held within int64_t (a hostile "1e400" is not UB). */
static int64_t
usage_int(double v)
{
	if (!(v > -9.2e18))
		return v != v ? 0 : INT64_MIN;
	if (!(v < 9.2e18))
		return INT64_MAX;
	return (int64_t)v;
}

void
metrics_usage(json_t *obj, int64_t *millicores, int64_t *bytes)
{
	double cores = 0, b = 0;
	json_t *ct;
	size_t i;

	if (json_is_object(json_object_get(obj, "usage")))
		usage_add(json_object_get(obj, "usage"), &cores, &b);
	json_array_foreach(json_object_get(obj, "containers"), i, ct)
		usage_add(json_object_get(ct, "usage"), &cores, &b);
	/* Quantity.MilliValue rounds up; the slack absorbs binary fractions
	 * ("250m" is not exact as a double) */
	*millicores = usage_int(ceil(cores * 1000 - 1e-6));
	*bytes = usage_int(ceil(b - 1e-6));
}

/* One usage row: NAME, CPU(cores) ("250m"), MEMORY(bytes) ("123Mi"). */
static void
print_metrics(json_t *obj, int64_t now, struct cell *c, unsigned *flags,
    char **reason)
{
	int64_t m, b;

	(void)now;
	(void)flags;
	(void)reason;
	metrics_usage(obj, &m, &b);
	cell_name(&c[0], obj);
	cell_take(&c[1], xasprintf("%lldm", (long long)m));
	cell_take(&c[2], xasprintf("%lldMi", (long long)(b / (1024 * 1024))));
	c[1].n = m;
	c[2].n = b;
}

/* ---- Events ---- */

static const struct column event_columns[] = {
	{ "Last Seen", "string", "", 0, "Time since the event was last seen.", NULL },
	{ "Type", "string", "", 0, "Type of this event (Normal, Warning).", NULL },
	{ "Reason", "string", "", 0, "Why the action was taken.", NULL },
	{ "Object", "string", "", 0, "The object this event is about.", NULL },
	{ "Subobject", "string", "", 1, "Field path within the object.", NULL },
	{ "Source", "string", "", 1, "The component reporting this event.", NULL },
	{ "Message", "string", "", 0, "A human-readable description of the event.", NULL },
	{ "First Seen", "string", "", 1, "Time since the event was first seen.", NULL },
	{ "Count", "string", "", 1, "The number of times this event has occurred.", NULL },
	{ "Name", "string", "name", 1, "Name of the event.", NULL },
};

/* printEvent for core/v1 and events.k8s.io/v1 objects. */
static void
print_event(json_t *ev, int64_t now, struct cell *c, unsigned *flags,
    char **reason)
{
	int modern = json_object_get(ev, "regarding") != NULL ||
	    json_object_get(ev, "note") != NULL ||
	    json_object_get(ev, "deprecatedCount") != NULL;
	json_t *ref = json_object_get(ev, modern ? "regarding" : "involvedObject");
	json_t *series = json_object_get(ev, "series");
	const char *kind, *oname, *comp, *inst, *type;
	char *lkind, *p;
	int64_t first, last, count;

	first = jtime(ev, modern ? "deprecatedFirstTimestamp" : "firstTimestamp");
	if (first == 0)
		first = jtime(ev, "eventTime");
	last = jtime(ev, modern ? "deprecatedLastTimestamp" : "lastTimestamp");
	if (last == 0)
		last = first;
	count = json_path_int(ev, modern ? "deprecatedCount" : "count", 0);
	if (json_is_object(series)) {
		last = jtime(series, "lastObservedTime");
		count = json_path_int(series, "count", 0);
	} else if (count == 0)
		count = 1;

	kind = json_path_str_or(ref, "kind", "");
	oname = json_path_str_or(ref, "name", "");
	lkind = xstrdup(kind);
	for (p = lkind; *p != '\0'; p++)
		*p = (char)tolower((unsigned char)*p);
	comp = json_path_str_or(ev, modern ? "deprecatedSource.component" :
	    "source.component", NULL);
	if (comp == NULL)
		comp = json_path_str_or(ev, modern ? "reportingController" :
		    "reportingComponent", "");
	inst = json_path_str_or(ev, modern ? "deprecatedSource.host" :
	    "source.host", NULL);
	if (inst == NULL)
		inst = json_path_str_or(ev, "reportingInstance", "");
	type = json_path_str_or(ev, "type", "");

	cell_age(&c[0], last, NULL);
	cell_text(&c[1], type);
	cell_text(&c[2], json_path_str_or(ev, "reason", ""));
	if (*oname != '\0') {
		cell_take(&c[3], xasprintf("%s/%s", lkind, oname));
		free(lkind);
	} else
		cell_take(&c[3], lkind);
	cell_text(&c[4], json_path_str_or(ref, "fieldPath", ""));
	if (*inst == '\0')
		cell_text(&c[5], comp);
	else
		cell_take(&c[5], xasprintf("%s, %s", comp, inst));
	cell_take(&c[6], trim_space(json_path_str(ev, modern ? "note" : "message")));
	cell_age(&c[7], first, NULL);
	cell_int(&c[8], count);
	cell_name(&c[9], ev);
	if (strcmp(type, "Warning") == 0) {
		*flags |= ROW_WARN;
		*reason = xstrdup(json_path_str_or(ev, "reason", "Warning"));
	}
}

PRINTER(printer_pods, "pods", "Pod", pod_columns, print_pod);
PRINTER(printer_nodes, "nodes", "Node", node_columns, print_node);
PRINTER(printer_pod_metrics, "pods", "PodMetrics", pod_metrics_columns, print_metrics);
PRINTER(printer_node_metrics, "nodes", "NodeMetrics", node_metrics_columns, print_metrics);
PRINTER(printer_events, "events", "Event", event_columns, print_event);
