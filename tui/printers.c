/* Table printers: kubectl's server-side columns and cell rules per kind,
 * plus opsdeck's own columns for Alertmanager, Velero, Argo and Istio, and
 * the printer columns of custom resources' CRDs. */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "opsdeck/buf.h"
#include "opsdeck/json_util.h"
#include "opsdeck/kinds.h"
#include "opsdeck/printers.h"
#include "opsdeck/xmalloc.h"

/* Longest text one cell may grow to (a list of thousands of images). */
#define CELL_TEXT_MAX	(64 * 1024)

#define NITEMS(a)	(sizeof (a) / sizeof (a)[0])
/* Seconds between a pod's start and its Ready condition's last change
 * beyond which a False Ready was True before (pod_readiness_lost). */
#define POD_READY_SLACK	2

/* Replace *dst with s (owned). */
static void
str_set(char **dst, char *s)
{
	free(*dst);
	*dst = s;
}

/* Cell constructors. */
static void
cell_text(struct cell *c, const char *s)
{
	free(c->text);
	c->type = CELL_TEXT;
	c->text = xstrdup(s == NULL ? "" : s);
}

/* A text cell taking ownership of s. */
static void
cell_take(struct cell *c, char *s)
{
	free(c->text);
	c->type = CELL_TEXT;
	c->text = s;
}

/* An integer cell. */
static void
cell_int(struct cell *c, int64_t n)
{
	c->type = CELL_INT;
	c->n = n;
}

/* An age cell; fallback (may be NULL) prints when when is 0. */
static void
cell_age(struct cell *c, int64_t when, const char *fallback)
{
	free(c->text);
	c->type = CELL_AGE;
	c->when = when;
	c->text = fallback == NULL ? NULL : xstrdup(fallback);
}

/* A time-until cell; fallback as for cell_age. */
static void
cell_until(struct cell *c, int64_t when, const char *fallback)
{
	cell_age(c, when, fallback);
	c->type = CELL_UNTIL;
}

/* A restarts cell: n, and the last restart (0 for none). */
static void
cell_restarts(struct cell *c, int64_t n, int64_t when)
{
	c->type = CELL_RESTARTS;
	c->n = n;
	c->when = when;
}

/* The time at path as unix seconds, 0 if absent or unparseable. */
static int64_t
jtime(json_t *obj, const char *path)
{
	const char *s = json_path_str(obj, path);

	return s == NULL ? 0 : parse_rfc3339(s);
}

/* Name and creation-time cells, used by nearly every printer. */
static void
cell_name(struct cell *c, json_t *obj)
{
	cell_text(c, json_path_str_or(obj, "metadata.name", ""));
}

/* An age cell from metadata.creationTimestamp. */
static void
cell_created(struct cell *c, json_t *obj)
{
	cell_age(c, jtime(obj, "metadata.creationTimestamp"), NULL);
}

/* A JSON scalar as text: strings as is, integers in decimal, reals in %g,
 * booleans as true/false; NULL for anything else. Caller frees. */
static char *
json_scalar_text(json_t *v)
{
	if (json_is_string(v))
		return xstrdup(json_string_value(v));
	if (json_is_integer(v))
		return xasprintf("%lld", (long long)json_integer_value(v));
	if (json_is_real(v))
		return xasprintf("%g", json_real_value(v));
	if (json_is_boolean(v))
		return xstrdup(json_is_true(v) ? "true" : "false");
	return NULL;
}

/* A Quantity at path as text; def when absent. Caller frees. */
static char *
quantity_text(json_t *obj, const char *path, const char *def)
{
	char *s = json_scalar_text(json_path(obj, path));

	return s == NULL ? xstrdup(def) : s;
}

/* Container names and images joined by commas (layoutContainerCells). */
static void
layout_containers(json_t *containers, struct cell *names, struct cell *images)
{
	struct buf n = { .max = CELL_TEXT_MAX }, i = { .max = CELL_TEXT_MAX };
	json_t *ct;
	size_t idx;

	json_array_foreach(containers, idx, ct) {
		if (idx != 0) {
			buf_str(&n, ",");
			buf_str(&i, ",");
		}
		buf_str(&n, json_path_str(ct, "name"));
		buf_str(&i, json_path_str(ct, "image"));
	}
	cell_take(names, buf_take(&n));
	cell_take(images, buf_take(&i));
}

/* A metav1.LabelSelector as metav1.FormatLabelSelector prints it. */
static char *
format_label_selector(json_t *sel)
{
	struct label_selector *ls;
	char *cause = NULL, *s;

	if (sel == NULL || json_is_null(sel))
		return xstrdup("<none>");
	ls = label_selector_from_json(sel, &cause);
	if (ls == NULL) {
		free(cause);
		return xstrdup("<error>");
	}
	s = label_selector_string(ls);
	label_selector_free(ls);
	if (*s == '\0')
		str_set(&s, xstrdup("<none>"));
	return s;
}

/* Go's strings.TrimSpace for ASCII white space. Caller frees. */
static char *
trim_space(const char *s)
{
	size_t n;

	if (s == NULL)
		return xstrdup("");
	while (*s != '\0' && isspace((unsigned char)*s))
		s++;
	n = strlen(s);
	while (n > 0 && isspace((unsigned char)s[n - 1]))
		n--;
	return xstrndup(s, n);
}

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

	if (quantity_parse(json_path_str_or(usage, "cpu", ""), &v) == 0)
		*cores += v;
	if (quantity_parse(json_path_str_or(usage, "memory", ""), &v) == 0)
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

/* ---- Jobs and CronJobs ---- */

static const struct column job_columns[] = {
	{ "Name", "string", "name", 0, "Name of the job.", NULL },
	{ "Status", "string", "", 0, "Status of the job.", NULL },
	{ "Completions", "string", "", 0, "Succeeded pods of the desired completions.", NULL },
	{ "Duration", "string", "", 0, "Time required to complete the job.", NULL },
	{ "Age", "string", "", 0, "Time since the job was created.", NULL },
	{ "Containers", "string", "", 1, "Names of each container in the template.", NULL },
	{ "Images", "string", "", 1, "Images referenced by each container in the template.", NULL },
	{ "Selector", "string", "", 1, "Label query over pods of the job.", NULL },
};

/* printJob, plus a Failed flag. */
static void
print_job(json_t *job, int64_t now, struct cell *c, unsigned *flags,
    char **reason)
{
	json_t *spec = json_object_get(job, "spec");
	json_t *conds = json_path(job, "status.conditions");
	int64_t succeeded = json_path_int(job, "status.succeeded", 0);
	int64_t start = jtime(job, "status.startTime");
	int64_t done = jtime(job, "status.completionTime");
	int64_t par;
	const char *st;
	char dur[32];

	if (json_is_integer(json_object_get(spec, "completions")))
		cell_take(&c[2], xasprintf("%lld/%lld", (long long)succeeded,
		    (long long)json_path_int(spec, "completions", 0)));
	else if (json_object_get(spec, "parallelism") == NULL)
		cell_take(&c[2], xasprintf("%lld/1", (long long)succeeded));
	else {
		par = json_path_int(spec, "parallelism", 0);
		if (par > 1)
			cell_take(&c[2], xasprintf("%lld/1 of %lld",
			    (long long)succeeded, (long long)par));
		else
			cell_take(&c[2], xasprintf("%lld/1", (long long)succeeded));
	}
	if (start == 0)
		cell_text(&c[3], "");
	else if (done == 0)
		cell_age(&c[3], start, NULL);
	else {
		human_duration(done - start, dur, sizeof dur);
		cell_text(&c[3], dur);
	}
	if (json_condition_is(conds, "Complete", "True"))
		st = "Complete";
	else if (json_condition_is(conds, "Failed", "True"))
		st = "Failed";
	else if (json_path_str(job, "metadata.deletionTimestamp") != NULL)
		st = "Terminating";
	else if (json_condition_is(conds, "Suspended", "True"))
		st = "Suspended";
	else if (json_condition_is(conds, "FailureTarget", "True"))
		st = "FailureTarget";
	else
		st = "Running";
	cell_name(&c[0], job);
	cell_text(&c[1], st);
	cell_created(&c[4], job);
	layout_containers(json_path(spec, "template.spec.containers"), &c[5], &c[6]);
	cell_take(&c[7], format_label_selector(json_object_get(spec, "selector")));
	if (strcmp(st, "Failed") == 0 || strcmp(st, "FailureTarget") == 0) {
		*flags |= ROW_BAD;
		*reason = xstrdup("Failed");
	}
}

static const struct column cronjob_columns[] = {
	{ "Name", "string", "name", 0, "Name of the cron job.", NULL },
	{ "Schedule", "string", "", 0, "The schedule in Cron format.", NULL },
	{ "Timezone", "string", "", 0, "The time zone of the schedule.", NULL },
	{ "Suspend", "boolean", "", 0, "Whether later executions are suspended.", NULL },
	{ "Active", "integer", "", 0, "Number of currently running jobs.", NULL },
	{ "Last Schedule", "string", "", 0, "Time since the job was last scheduled.", NULL },
	{ "Age", "string", "", 0, "Time since the cron job was created.", NULL },
	{ "Containers", "string", "", 1, "Names of each container in the template.", NULL },
	{ "Images", "string", "", 1, "Images referenced by each container in the template.", NULL },
	{ "Selector", "string", "", 1, "Label query over pods of the jobs.", NULL },
};

/* printCronJob. */
static void
print_cronjob(json_t *cj, int64_t now, struct cell *c, unsigned *flags,
    char **reason)
{
	json_t *spec = json_object_get(cj, "spec");
	json_t *tz = json_object_get(spec, "timeZone");

	cell_name(&c[0], cj);
	cell_text(&c[1], json_path_str_or(spec, "schedule", ""));
	cell_text(&c[2], json_is_string(tz) ? json_string_value(tz) : "<none>");
	cell_text(&c[3], json_path_true(spec, "suspend") ? "True" : "False");
	cell_int(&c[4], (int64_t)json_path_len(cj, "status.active"));
	cell_age(&c[5], jtime(cj, "status.lastScheduleTime"), "<none>");
	cell_created(&c[6], cj);
	layout_containers(json_path(spec, "jobTemplate.spec.template.spec.containers"),
	    &c[7], &c[8]);
	cell_take(&c[9], format_label_selector(json_path(spec,
	    "jobTemplate.spec.selector")));
	if (json_path_true(spec, "suspend")) {
		*flags |= ROW_WARN;
		*reason = xstrdup("suspended");
	}
}

/* ---- PodDisruptionBudgets, Namespaces, Services ---- */

static const struct column pdb_columns[] = {
	{ "Name", "string", "name", 0, "Name of the budget.", NULL },
	{ "Min Available", "string", "", 0, "The minimum number of pods that must be available.", NULL },
	{ "Max Unavailable", "string", "", 0, "The maximum number of pods that may be unavailable.", NULL },
	{ "Allowed Disruptions", "integer", "", 0, "Calculated number of pods that may be disrupted at this time.", NULL },
	{ "Age", "string", "", 0, "Time since the budget was created.", NULL },
};

/* An IntOrString at path as text, or "N/A". */
static char *
int_or_string(json_t *obj, const char *path)
{
	json_t *v = json_path(obj, path);

	if (json_is_integer(v))
		return xasprintf("%lld", (long long)json_integer_value(v));
	if (json_is_string(v))
		return xstrdup(json_string_value(v));
	return xstrdup("N/A");
}

/* printPodDisruptionBudget. */
static void
print_pdb(json_t *pdb, int64_t now, struct cell *c, unsigned *flags,
    char **reason)
{
	int64_t allowed = json_path_int(pdb, "status.disruptionsAllowed", 0);

	cell_name(&c[0], pdb);
	cell_take(&c[1], int_or_string(pdb, "spec.minAvailable"));
	cell_take(&c[2], int_or_string(pdb, "spec.maxUnavailable"));
	cell_int(&c[3], allowed);
	cell_created(&c[4], pdb);
	if (allowed == 0) {
		*flags |= ROW_WARN;
		*reason = xstrdup("no disruptions allowed");
	}
}

static const struct column namespace_columns[] = {
	{ "Name", "string", "name", 0, "Name of the namespace.", NULL },
	{ "Status", "string", "", 0, "The status of the namespace", NULL },
	{ "Age", "string", "", 0, "Time since the namespace was created.", NULL },
};

/* printNamespace. */
static void
print_namespace(json_t *ns, int64_t now, struct cell *c, unsigned *flags,
    char **reason)
{
	const char *phase = json_path_str_or(ns, "status.phase", "");

	cell_name(&c[0], ns);
	cell_text(&c[1], phase);
	cell_created(&c[2], ns);
	if (strcmp(phase, "Terminating") == 0) {
		*flags |= ROW_WARN;
		*reason = xstrdup(phase);
	}
}

static const struct column service_columns[] = {
	{ "Name", "string", "name", 0, "Name of the service.", NULL },
	{ "Type", "string", "", 0, "How the service is exposed.", NULL },
	{ "Cluster-IP", "string", "", 0, "The IP address of the service.", NULL },
	{ "External-IP", "string", "", 0, "External addresses of the service.", NULL },
	{ "Port(s)", "string", "", 0, "Ports the service exposes.", NULL },
	{ "Age", "string", "", 0, "Time since the service was created.", NULL },
	{ "Selector", "string", "", 1, "Labels of the pods traffic is routed to.", NULL },
};

/* Join the strings of array a with sep onto sb. */
static void
sb_join(struct buf *sb, json_t *a, const char *sep)
{
	json_t *v;
	size_t i, n = 0;

	json_array_foreach(a, i, v) {
		if (!json_is_string(v))
			continue;
		if (n++ != 0)
			buf_str(sb, sep);
		buf_str(sb, json_string_value(v));
	}
}

/* loadBalancerStatusStringer (wide): sorted unique IPs or hostnames. */
static char *
service_lb_text(json_t *svc)
{
	struct buf sb = { .max = CELL_TEXT_MAX };
	json_t *ing = json_path(svc, "status.loadBalancer.ingress"), *e;
	const char **v, *s;
	size_t n = 0, i, j, k;

	if (!json_is_array(ing) || json_array_size(ing) == 0)
		return xstrdup("");
	v = xcalloc(json_array_size(ing), sizeof *v);
	json_array_foreach(ing, i, e) {
		s = json_path_str_or(e, "ip", NULL);
		if (s == NULL)
			s = json_path_str_or(e, "hostname", NULL);
		if (s != NULL)
			v[n++] = s;
	}
	for (i = 0; i < n; i++) {
		for (k = i, j = i + 1; j < n; j++) {
			if (strcmp(v[j], v[k]) < 0)
				k = j;
		}
		s = v[i];
		v[i] = v[k];
		v[k] = s;
		if (i == 0 || strcmp(v[i], v[i - 1]) != 0) {
			if (sb.len != 0)
				buf_str(&sb, ",");
			buf_str(&sb, v[i]);
		}
	}
	free(v);
	return buf_take(&sb);
}

/* getServiceExternalIP with wide output, as the API server prints it. */
static char *
service_external_ip(json_t *svc, const char *type)
{
	struct buf sb = { .max = CELL_TEXT_MAX };
	json_t *ext = json_path(svc, "spec.externalIPs");
	char *lb;

	if (strcmp(type, "ClusterIP") == 0 || strcmp(type, "NodePort") == 0) {
		if (json_is_array(ext) && json_array_size(ext) > 0) {
			sb_join(&sb, ext, ",");
			return buf_take(&sb);
		}
		return xstrdup("<none>");
	}
	if (strcmp(type, "LoadBalancer") == 0) {
		lb = service_lb_text(svc);
		if (json_is_array(ext) && json_array_size(ext) > 0) {
			buf_str(&sb, lb);
			if (*lb != '\0')
				buf_str(&sb, ",");
			sb_join(&sb, ext, ",");
			free(lb);
			return buf_take(&sb);
		}
		if (*lb != '\0')
			return lb;
		free(lb);
		return xstrdup("<pending>");
	}
	if (strcmp(type, "ExternalName") == 0)
		return xstrdup(json_path_str_or(svc, "spec.externalName", ""));
	return xstrdup("<unknown>");
}

/* printService. */
static void
print_service(json_t *svc, int64_t now, struct cell *c, unsigned *flags,
    char **reason)
{
	struct buf sb = { .max = CELL_TEXT_MAX };
	json_t *spec = json_object_get(svc, "spec"), *p;
	const char *type = json_path_str_or(spec, "type", "ClusterIP");
	const char *ip;
	size_t i;

	ip = json_path_str_or(spec, "clusterIPs.0", NULL);
	if (ip == NULL)
		ip = json_path_str_or(spec, "clusterIP", "<none>");
	json_array_foreach(json_object_get(spec, "ports"), i, p) {
		if (i != 0)
			buf_str(&sb, ",");
		if (json_path_int(p, "nodePort", 0) > 0)
			buf_printf(&sb, "%lld:%lld/%s",
			    (long long)json_path_int(p, "port", 0),
			    (long long)json_path_int(p, "nodePort", 0),
			    json_path_str_or(p, "protocol", "TCP"));
		else
			buf_printf(&sb, "%lld/%s", (long long)json_path_int(p, "port", 0),
			    json_path_str_or(p, "protocol", "TCP"));
	}
	cell_name(&c[0], svc);
	cell_text(&c[1], type);
	cell_text(&c[2], ip);
	cell_take(&c[3], service_external_ip(svc, type));
	if (sb.len == 0) {
		buf_free(&sb);
		cell_text(&c[4], "<none>");
	} else
		cell_take(&c[4], buf_take(&sb));
	cell_created(&c[5], svc);
	cell_take(&c[6], labels_to_string(json_object_get(spec, "selector")));
	if (strcmp(c[3].text, "<pending>") == 0) {
		*flags |= ROW_WARN;
		*reason = xstrdup("load balancer pending");
	}
}

/* ---- Alertmanager: alerts and silences ---- */

static const struct column alert_columns[] = {
	{ "Alertname", "string", "name", 0, "The alertname label.", NULL },
	{ "Severity", "string", "", 0, "The severity label.", NULL },
	{ "State", "string", "", 0, "firing, silenced, inhibited or unprocessed.", NULL },
	{ "Summary", "string", "", 0, "The summary annotation.", NULL },
	{ "Age", "string", "", 0, "Time since the alert started.", NULL },
	{ "Namespace", "string", "", 1, "The namespace label.", NULL },
	{ "Fingerprint", "string", "", 1, "Alertmanager's fingerprint of the labels.", NULL },
	{ "Runbook", "string", "", 1, "The runbook_url annotation.", NULL },
};

const char *
printer_alert_state(json_t *a)
{
	const char *state = json_path_str_or(a, "status.state", "");

	if (strcmp(state, "active") == 0)
		return "firing";
	if (strcmp(state, "suppressed") == 0) {
		if (json_path_len(a, "status.silencedBy") > 0)
			return "silenced";
		if (json_path_len(a, "status.inhibitedBy") > 0)
			return "inhibited";
		return "suppressed";
	}
	return *state != '\0' ? state : "<unknown>";
}

/* An Alertmanager v2 gettableAlert. */
static void
print_alert(json_t *a, int64_t now, struct cell *c, unsigned *flags,
    char **reason)
{
	const char *sev = json_path_str_or(a, "labels.severity", "<none>");
	const char *shown = printer_alert_state(a), *summary;

	summary = json_path_str_or(a, "annotations.summary", NULL);
	if (summary == NULL)
		summary = json_path_str_or(a, "annotations.description", "");
	cell_text(&c[0], json_path_str_or(a, "labels.alertname", "<none>"));
	cell_text(&c[1], sev);
	cell_text(&c[2], shown);
	cell_take(&c[3], trim_space(summary));
	cell_age(&c[4], jtime(a, "startsAt"), NULL);
	cell_text(&c[5], json_path_str_or(a, "labels.namespace", "<none>"));
	cell_text(&c[6], json_path_str_or(a, "fingerprint", ""));
	cell_text(&c[7], json_path_str_or(a, "annotations.runbook_url", "<none>"));
	if (strcmp(shown, "firing") == 0) {
		*flags |= ROW_FIRING;
		if (strcmp(sev, "critical") == 0)
			*flags |= ROW_BAD;
		else if (strcmp(sev, "warning") == 0)
			*flags |= ROW_WARN;
		*reason = xstrdup(c[0].text);
	}
}

static const struct column silence_columns[] = {
	{ "ID", "string", "name", 0, "Silence ID.", NULL },
	{ "State", "string", "", 0, "active, pending or expired.", NULL },
	{ "Matchers", "string", "", 0, "Label matchers the silence applies to.", NULL },
	{ "Created By", "string", "", 0, "Who created the silence.", NULL },
	{ "Comment", "string", "", 0, "Why the silence exists.", NULL },
	{ "Ends", "string", "", 0, "Time until (or since) the silence ends.", NULL },
	{ "Starts", "string", "", 1, "Time until (or since) the silence starts.", NULL },
};

/* An Alertmanager v2 gettableSilence. */
static void
print_silence(json_t *s, int64_t now, struct cell *c, unsigned *flags,
    char **reason)
{
	struct buf sb = { .max = CELL_TEXT_MAX };
	json_t *m;
	const char *op;
	size_t i;
	int eq, re;

	json_array_foreach(json_object_get(s, "matchers"), i, m) {
		eq = !json_is_false(json_object_get(m, "isEqual"));
		re = json_path_true(m, "isRegex");
		op = re ? (eq ? "=~" : "!~") : (eq ? "=" : "!=");
		if (i != 0)
			buf_str(&sb, ",");
		buf_printf(&sb, "%s%s%s", json_path_str_or(m, "name", ""), op,
		    json_path_str_or(m, "value", ""));
	}
	cell_text(&c[0], json_path_str_or(s, "id", ""));
	cell_text(&c[1], json_path_str_or(s, "status.state", "<unknown>"));
	cell_take(&c[2], buf_take(&sb));
	cell_text(&c[3], json_path_str_or(s, "createdBy", ""));
	cell_take(&c[4], trim_space(json_path_str(s, "comment")));
	cell_until(&c[5], jtime(s, "endsAt"), NULL);
	cell_until(&c[6], jtime(s, "startsAt"), NULL);
}

/* ---- Velero: backups, schedules, restores ---- */

static const struct column backup_columns[] = {
	{ "Name", "string", "name", 0, "Name of the backup.", NULL },
	{ "Status", "string", "", 0, "Phase of the backup.", NULL },
	{ "Errors", "integer", "", 0, "Errors met while backing up.", NULL },
	{ "Warnings", "integer", "", 0, "Warnings met while backing up.", NULL },
	{ "Created", "string", "", 0, "Time since the backup started.", NULL },
	{ "Expires", "string", "", 0, "Time until the backup expires.", NULL },
	{ "Storage Location", "string", "", 0, "Where the backup is stored.", NULL },
	{ "Selector", "string", "", 0, "Label selector of the backed-up resources.", NULL },
};

/* True for Velero phases that mean a failed backup or restore. */
static int
velero_failed(const char *phase)
{
	return strcmp(phase, "Failed") == 0 ||
	    strcmp(phase, "PartiallyFailed") == 0 ||
	    strcmp(phase, "FailedValidation") == 0 ||
	    strcmp(phase, "WaitingForPluginOperationsPartiallyFailed") == 0 ||
	    strcmp(phase, "FinalizingPartiallyFailed") == 0;
}

/* True for Velero phases of work still running. */
static int
velero_running(const char *phase)
{
	return strcmp(phase, "New") == 0 || strcmp(phase, "InProgress") == 0 ||
	    strncmp(phase, "WaitingForPluginOperations", 26) == 0 ||
	    strncmp(phase, "Finalizing", 10) == 0;
}

/* A Velero phase as `velero get` prints it: Deleting, or New when unset. */
static const char *
velero_phase(json_t *obj)
{
	if (json_path_str(obj, "metadata.deletionTimestamp") != NULL)
		return "Deleting";
	return json_path_str_or(obj, "status.phase", "New");
}

/* A velero.io/v1 Backup, like `velero backup get`. */
static void
print_backup(json_t *b, int64_t now, struct cell *c, unsigned *flags,
    char **reason)
{
	const char *phase = velero_phase(b);

	cell_name(&c[0], b);
	cell_text(&c[1], phase);
	cell_int(&c[2], json_path_int(b, "status.errors", 0));
	cell_int(&c[3], json_path_int(b, "status.warnings", 0));
	cell_age(&c[4], jtime(b, "status.startTimestamp"), "n/a");
	cell_until(&c[5], jtime(b, "status.expiration"), "n/a");
	cell_text(&c[6], json_path_str_or(b, "spec.storageLocation", ""));
	cell_take(&c[7], format_label_selector(json_path(b, "spec.labelSelector")));
	if (velero_failed(phase)) {
		*flags |= ROW_BAD;
		*reason = xstrdup(phase);
	} else if (velero_running(phase))
		*flags |= ROW_PROGRESSING;
}

static const struct column schedule_columns[] = {
	{ "Name", "string", "name", 0, "Name of the schedule.", NULL },
	{ "Status", "string", "", 0, "Phase of the schedule.", NULL },
	{ "Created", "string", "", 0, "Time since the schedule was created.", NULL },
	{ "Schedule", "string", "", 0, "The schedule in Cron format.", NULL },
	{ "Backup TTL", "string", "", 0, "How long the backups are kept.", NULL },
	{ "Last Backup", "string", "", 0, "Time since the last backup.", NULL },
	{ "Selector", "string", "", 0, "Label selector of the backed-up resources.", NULL },
	{ "Paused", "string", "", 0, "Whether the schedule is paused.", NULL },
};

/* A velero.io/v1 Schedule, like `velero schedule get`. */
static void
print_schedule(json_t *s, int64_t now, struct cell *c, unsigned *flags,
    char **reason)
{
	const char *phase = velero_phase(s);
	int paused = json_path_true(s, "spec.paused");

	cell_name(&c[0], s);
	cell_text(&c[1], phase);
	cell_created(&c[2], s);
	cell_text(&c[3], json_path_str_or(s, "spec.schedule", ""));
	cell_text(&c[4], json_path_str_or(s, "spec.template.ttl", "0s"));
	cell_age(&c[5], jtime(s, "status.lastBackup"), "n/a");
	cell_take(&c[6], format_label_selector(json_path(s,
	    "spec.template.labelSelector")));
	cell_text(&c[7], paused ? "true" : "false");
	if (strcmp(phase, "FailedValidation") == 0) {
		*flags |= ROW_BAD;
		*reason = xstrdup(phase);
	} else if (paused) {
		*flags |= ROW_WARN;
		*reason = xstrdup("paused");
	}
}

static const struct column restore_columns[] = {
	{ "Name", "string", "name", 0, "Name of the restore.", NULL },
	{ "Backup", "string", "", 0, "The backup restored from.", NULL },
	{ "Status", "string", "", 0, "Phase of the restore.", NULL },
	{ "Started", "string", "", 0, "Time since the restore started.", NULL },
	{ "Completed", "string", "", 0, "Time since the restore completed.", NULL },
	{ "Errors", "integer", "", 0, "Errors met while restoring.", NULL },
	{ "Warnings", "integer", "", 0, "Warnings met while restoring.", NULL },
	{ "Created", "string", "", 0, "Time since the restore was created.", NULL },
	{ "Selector", "string", "", 0, "Label selector of the restored resources.", NULL },
};

/* A velero.io/v1 Restore, like `velero restore get`. */
static void
print_restore(json_t *r, int64_t now, struct cell *c, unsigned *flags,
    char **reason)
{
	const char *phase = velero_phase(r);

	cell_name(&c[0], r);
	cell_text(&c[1], json_path_str_or(r, "spec.backupName", ""));
	cell_text(&c[2], phase);
	cell_age(&c[3], jtime(r, "status.startTimestamp"), "n/a");
	cell_age(&c[4], jtime(r, "status.completionTimestamp"), "n/a");
	cell_int(&c[5], json_path_int(r, "status.errors", 0));
	cell_int(&c[6], json_path_int(r, "status.warnings", 0));
	cell_created(&c[7], r);
	cell_take(&c[8], format_label_selector(json_path(r, "spec.labelSelector")));
	if (velero_failed(phase)) {
		*flags |= ROW_BAD;
		*reason = xstrdup(phase);
	} else if (velero_running(phase))
		*flags |= ROW_PROGRESSING;
}

/* ---- Argo Rollouts ---- */

static const struct column rollout_columns[] = {
	{ "Name", "string", "name", 0, "Name of the rollout.", NULL },
	{ "Strategy", "string", "", 0, "Canary or BlueGreen.", NULL },
	{ "Status", "string", "", 0, "Phase of the rollout.", NULL },
	{ "Step", "string", "", 0, "Current canary step of all steps.", NULL },
	{ "Set-Weight", "string", "", 0, "Canary weight the current step sets.", NULL },
	{ "Actual-Weight", "string", "", 0, "Canary weight in effect.", NULL },
	{ "Ready", "string", "", 0, "Ready pods of the desired replicas.", NULL },
	{ "Up-to-date", "integer", "", 0, "Pods with the current template.", NULL },
	{ "Available", "integer", "", 0, "Available pods.", NULL },
	{ "Age", "string", "", 0, "Time since the rollout was created.", NULL },
	{ "Message", "string", "", 1, "Status message of the rollout.", NULL },
};

/* The weight the canary steps before the current one set (100 when all
 * steps are done), or -1 if none applies. */
static int64_t
rollout_set_weight(json_t *steps, int64_t idx)
{
	json_t *st;
	int64_t w = -1;
	size_t i;

	if (!json_is_array(steps))
		return -1;
	if (idx >= (int64_t)json_array_size(steps))
		return 100;
	json_array_foreach(steps, i, st) {
		if ((int64_t)i > idx)
			break;
		if (json_is_integer(json_object_get(st, "setWeight")))
			w = json_path_int(st, "setWeight", 0);
	}
	return w == -1 ? 0 : w;
}

/* An argoproj.io/v1alpha1 Rollout, like `kubectl argo rollouts list`. */
static void
print_rollout(json_t *ro, int64_t now, struct cell *c, unsigned *flags,
    char **reason)
{
	json_t *canary = json_path(ro, "spec.strategy.canary");
	json_t *steps = json_object_get(canary, "steps");
	json_t *status = json_object_get(ro, "status");
	json_t *aw = json_path(status, "canary.weights.canary.weight");
	const char *phase = json_path_str_or(status, "phase", "Unknown");
	int64_t desired = json_path_int(ro, "spec.replicas", 1);
	int64_t idx = json_path_int(status, "currentStepIndex", 0);
	int64_t nsteps = (int64_t)json_path_len(canary, "steps");
	int64_t sw, aw_now, avail, updated;

	cell_name(&c[0], ro);
	if (json_is_object(canary)) {
		cell_text(&c[1], "Canary");
		if (nsteps > 0 && json_is_integer(json_object_get(status,
		    "currentStepIndex")))
			cell_take(&c[3], xasprintf("%lld/%lld", (long long)idx,
			    (long long)nsteps));
		else
			cell_text(&c[3], "-");
		/* GetCurrentSetWeight: 0 when aborted, 100 past the steps. */
		if (json_path_true(status, "abort"))
			sw = 0;
		else
			sw = nsteps > 0 ? rollout_set_weight(steps, idx) : 100;
		cell_take(&c[4], xasprintf("%lld", (long long)sw));
		avail = json_path_int(status, "availableReplicas", 0);
		updated = json_path_int(status, "updatedReplicas", 0);
		if (nsteps == 0 || idx >= nsteps)
			aw_now = 100;
		else if (json_is_integer(aw))
			aw_now = json_integer_value(aw);
		else if (avail > 0)
			/* Without traffic routing the weight is the share of
			 * available pods on the new template. */
			aw_now = (updated < avail ? updated : avail) * 100 / avail;
		else
			aw_now = 0;
		cell_take(&c[5], xasprintf("%lld", (long long)aw_now));
	} else {
		cell_text(&c[1], json_is_object(json_path(ro,
		    "spec.strategy.blueGreen")) ? "BlueGreen" : "<unknown>");
		cell_text(&c[3], "-");
		cell_text(&c[4], "-");
		cell_text(&c[5], "-");
	}
	cell_text(&c[2], phase);
	cell_take(&c[6], xasprintf("%lld/%lld",
	    (long long)json_path_int(status, "readyReplicas", 0), (long long)desired));
	cell_int(&c[7], json_path_int(status, "updatedReplicas", 0));
	cell_int(&c[8], json_path_int(status, "availableReplicas", 0));
	cell_created(&c[9], ro);
	cell_take(&c[10], trim_space(json_path_str(status, "message")));
	if (json_path_true(status, "abort")) {
		*flags |= ROW_BAD;
		*reason = xstrdup("Aborted");
	} else if (strcmp(phase, "Degraded") == 0) {
		*flags |= ROW_BAD;
		*reason = xstrdup("Degraded");
	} else if (strcmp(phase, "Progressing") == 0 ||
	    strcmp(phase, "Paused") == 0) {
		*flags |= ROW_PROGRESSING;
		*reason = xstrdup(phase);
	}
}

/* ---- Istio VirtualServices ---- */

static const struct column virtualservice_columns[] = {
	{ "Name", "string", "name", 0, "Name of the virtual service.", NULL },
	{ "Gateways", "string", "", 0, "Gateways the routes apply to.", NULL },
	{ "Hosts", "string", "", 0, "Destination hosts the routes apply to.", NULL },
	{ "Age", "string", "", 0, "Time since the virtual service was created.", NULL },
};

/* An array as kubectl prints a CRD column holding one: compact JSON. */
static char *
json_array_text(json_t *a)
{
	char *s;

	if (!json_is_array(a))
		return xstrdup("");
	s = json_dumps(a, JSON_COMPACT | JSON_ENCODE_ANY);
	return s == NULL ? xstrdup("") : s;
}

/* A networking.istio.io VirtualService. */
static void
print_virtualservice(json_t *vs, int64_t now, struct cell *c, unsigned *flags,
    char **reason)
{
	char *s;

	cell_name(&c[0], vs);
	s = json_array_text(json_path(vs, "spec.gateways"));
	cell_text(&c[1], s);
	free(s);
	s = json_array_text(json_path(vs, "spec.hosts"));
	cell_text(&c[2], s);
	free(s);
	cell_created(&c[3], vs);
}

/* ---- Argo CD Applications ---- */

static const struct column application_columns[] = {
	{ "Name", "string", "name", 0, "Name of the application.", NULL },
	{ "Sync", "string", "", 0, "Sync status against the target revision.", NULL },
	{ "Health", "string", "", 0, "Health of the resources the application manages.",
	  NULL },
	{ "Revision", "string", "", 0, "Revision last synced.", NULL },
	{ "Last-Sync", "string", "", 0, "Phase of the last sync operation.", NULL },
	{ "Synced", "string", "", 0, "Time since the last sync finished.", NULL },
	{ "Message", "string", "", 1, "Message of the last sync operation.", NULL },
};

/* An argoproj.io/v1alpha1 Application: sync and health status, revision,
 * the last sync's result. */
static void
print_application(json_t *app, int64_t now, struct cell *c, unsigned *flags,
    char **reason)
{
	json_t *st = json_object_get(app, "status");
	const char *sync = json_path_str_or(st, "sync.status", "Unknown");
	const char *health = json_path_str_or(st, "health.status", "Unknown");
	const char *phase = json_path_str_or(st, "operationState.phase", "-");
	const char *rev = json_path_str_or(st, "sync.revision", "");
	int64_t fin = jtime(st, "operationState.finishedAt");

	cell_name(&c[0], app);
	cell_text(&c[1], sync);
	cell_text(&c[2], health);
	/* a commit is shown short, as the Argo CD UI does */
	cell_take(&c[3], xstrndup(*rev != '\0' ? rev : "-", strlen(rev) == 40 ? 7 : 64));
	cell_text(&c[4], phase);
	cell_age(&c[5], fin, "-");
	cell_take(&c[6], trim_space(json_path_str(st, "operationState.message")));
	if (strcmp(phase, "Failed") == 0 || strcmp(phase, "Error") == 0 ||
	    strcmp(health, "Degraded") == 0 || strcmp(health, "Missing") == 0) {
		*flags |= ROW_BAD;
		*reason = xstrdup(strcmp(health, "Degraded") == 0 ||
		    strcmp(health, "Missing") == 0 ? health : "SyncFailed");
	} else if (strcmp(phase, "Running") == 0 || strcmp(phase, "Terminating") == 0 ||
	    strcmp(health, "Progressing") == 0) {
		*flags |= ROW_PROGRESSING;
		*reason = xstrdup(strcmp(health, "Progressing") == 0 ? health : "Syncing");
	} else if (strcmp(sync, "OutOfSync") == 0) {
		*flags |= ROW_WARN;
		*reason = xstrdup("OutOfSync");
	}
}

static const struct column applicationset_columns[] = {
	{ "Name", "string", "name", 0, "Name of the application set.", NULL },
	{ "Generators", "string", "", 0, "Kinds of its generators.", NULL },
	{ "Project", "string", "", 0, "Project of the applications it makes.", NULL },
	{ "Age", "string", "", 0, "Time since the application set was created.", NULL },
};

/* An argoproj.io/v1alpha1 ApplicationSet. */
static void
print_applicationset(json_t *as, int64_t now, struct cell *c, unsigned *flags,
    char **reason)
{
	json_t *gens = json_path(as, "spec.generators"), *g;
	const char *k;
	char *gk = xstrdup(""), *t;
	size_t i;
	void *it;

	cell_name(&c[0], as);
	json_array_foreach(gens, i, g) {
		for (it = json_object_iter(g); it != NULL; it = json_object_iter_next(g, it)) {
			k = json_object_iter_key(it);
			t = xasprintf("%s%s%s", gk, *gk != '\0' ? "," : "", k);
			free(gk);
			gk = t;
		}
	}
	cell_take(&c[1], *gk != '\0' ? gk : (free(gk), xstrdup("-")));
	cell_text(&c[2], json_path_str_or(as, "spec.template.spec.project", "-"));
	cell_created(&c[3], as);
}

/* ---- Custom resources: the CRD's additionalPrinterColumns ---- */

/* The API server's first column of every custom resource Table. */
#define CRD_NAME_COLUMN \
	{ "Name", "string", "name", 0, "Name of the object.", ".metadata.name" }
/* Its only other column when a CRD declares none. */
#define CRD_AGE_COLUMN \
	{ "Age", "date", "", 0, "Time since the object was created.", \
	  ".metadata.creationTimestamp" }

/* argoproj.io Rollout, as its CRD declares. */
static const struct column rollout_crd_columns[] = {
	CRD_NAME_COLUMN,
	{ "Desired", "integer", "", 0, "Number of desired pods", ".spec.replicas" },
	{ "Current", "integer", "", 0,
	  "Total number of non-terminated pods targeted by this rollout", ".status.replicas" },
	{ "Up-to-date", "integer", "", 0, "Total number of non-terminated pods targeted by "
	  "this rollout that have the desired template spec", ".status.updatedReplicas" },
	{ "Available", "integer", "", 0, "Total number of available pods (ready for at least "
	  "minReadySeconds) targeted by this rollout", ".status.availableReplicas" },
	{ "Age", "date", "", 0, "Time since resource was created", ".metadata.creationTimestamp" },
};

/* argoproj.io Application, as its CRD declares (no AGE column). */
static const struct column application_crd_columns[] = {
	CRD_NAME_COLUMN,
	{ "Sync Status", "string", "", 0, "", ".status.sync.status" },
	{ "Health Status", "string", "", 0, "", ".status.health.status" },
	{ "Revision", "string", "", 1, "", ".status.sync.revision" },
	{ "Project", "string", "", 1, "", ".spec.project" },
};

/* velero.io Schedule, as its CRD declares. */
static const struct column schedule_crd_columns[] = {
	CRD_NAME_COLUMN,
	{ "Status", "string", "", 0, "Status of the schedule", ".status.phase" },
	{ "Schedule", "string", "", 0, "A Cron expression defining when to run the Backup",
	  ".spec.schedule" },
	{ "LastBackup", "date", "", 0, "The last time a Backup was run for this schedule",
	  ".status.lastBackup" },
	{ "Age", "date", "", 0, "", ".metadata.creationTimestamp" },
	{ "Paused", "boolean", "", 0, "", ".spec.paused" },
};

/* velero.io BackupStorageLocation, as its CRD declares. */
static const struct column bsl_crd_columns[] = {
	CRD_NAME_COLUMN,
	{ "Phase", "string", "", 0, "Backup Storage Location status such as "
	  "Available/Unavailable", ".status.phase" },
	{ "Last Validated", "date", "", 0, "LastValidationTime is the last time the backup "
	  "store location was validated", ".status.lastValidationTime" },
	{ "Age", "date", "", 0, "", ".metadata.creationTimestamp" },
	{ "Default", "boolean", "", 0, "Default backup storage location", ".spec.default" },
};

/* A CRD without printer columns (velero.io Backup, Restore). */
static const struct column crd_default_columns[] = {
	CRD_NAME_COLUMN,
	CRD_AGE_COLUMN,
};

/* A float64 as Go's fmt prints it: the shortest text that reads back. */
static char *
number_text(double d)
{
	char buf[64];
	int prec;

	for (prec = 1; prec < 17; prec++) {
		snprintf(buf, sizeof buf, "%.*g", prec, d);
		if (strtod(buf, NULL) == d)
			break;
	}
	if (prec == 17)
		snprintf(buf, sizeof buf, "%.17g", d);
	return xstrdup(buf);
}

/* One printer column's cell from the value v at its JSONPath, as the API
 * server's Table converter for custom resources makes it: a value of the
 * wrong type for the column is null, and so is an absent one. */
static void
cell_from_column(struct cell *c, const struct column *col, json_t *v)
{
	char *s;

	c->type = CELL_NONE;
	if (v == NULL || json_is_null(v))
		return;
	if (strcmp(col->type, "integer") == 0) {
		if (json_is_integer(v))
			cell_int(c, (int64_t)json_integer_value(v));
		else if (json_is_real(v) && json_real_value(v) > -9.2e18 &&
		    json_real_value(v) < 9.2e18)
			cell_int(c, (int64_t)json_real_value(v));
	} else if (strcmp(col->type, "number") == 0) {
		if (json_is_number(v))
			cell_take(c, number_text(json_number_value(v)));
	} else if (strcmp(col->type, "boolean") == 0) {
		if (json_is_boolean(v))
			cell_text(c, json_is_true(v) ? "true" : "false");
	} else if (strcmp(col->type, "date") == 0) {
		if (json_is_string(v)) {
			int64_t when = parse_rfc3339(json_string_value(v));

			if (when == 0)
				cell_text(c, "<invalid>");
			else
				cell_age(c, when, NULL);
		}
	} else if (strcmp(col->type, "string") == 0) {
		/* any value: text as JSONPath prints it (objects and
		 * arrays as JSON) */
		if (json_is_real(v))
			s = number_text(json_real_value(v));
		else if (json_is_object(v) || json_is_array(v))
			s = json_dumps(v, JSON_COMPACT | JSON_SORT_KEYS);
		else
			s = json_scalar_text(v);
		if (s != NULL)
			cell_take(c, s);
	}
}

/* The cells of a printer of printer columns (print == NULL). */
static void
print_columns(const struct printer *p, json_t *obj, struct cell *c)
{
	size_t i;

	for (i = 0; i < p->ncolumns; i++)
		cell_from_column(&c[i], &p->columns[i],
		    json_jsonpath(obj, p->columns[i].json_path));
}

/* Set *dst to a copy of src (every string owned). */
static void
column_dup(struct column *dst, const struct column *src)
{
	dst->name = xstrdup(src->name);
	dst->type = xstrdup(src->type);
	dst->format = xstrdup(src->format != NULL ? src->format : "");
	dst->priority = src->priority;
	dst->description = xstrdup(src->description != NULL ? src->description : "");
	dst->json_path = xstrdup(src->json_path != NULL ? src->json_path : "");
}

/* A printer for the columns of one served version of crd. */
struct printer *
printer_from_crd(json_t *crd, const char *version)
{
	json_t *v = NULL, *cols, *col;
	struct printer *p;
	struct column *out, c;
	size_t i, n;

	json_array_foreach(json_path(crd, "spec.versions"), i, col) {
		if (strcmp(json_path_str_or(col, "name", ""), version) == 0) {
			v = col;
			break;
		}
	}
	if (v == NULL)
		return NULL;
	cols = json_object_get(v, "additionalPrinterColumns");
	n = json_is_array(cols) ? json_array_size(cols) : 0;
	out = xcalloc(n + 2, sizeof *out);
	column_dup(&out[0], &crd_default_columns[0]);
	if (n == 0)
		column_dup(&out[1], &crd_default_columns[1]);
	json_array_foreach(cols, i, col) {
		c.name = json_path_str_or(col, "name", "");
		c.type = json_path_str_or(col, "type", "string");
		c.format = json_path_str_or(col, "format", "");
		c.priority = (int)json_path_int(col, "priority", 0);
		c.description = json_path_str_or(col, "description", "");
		c.json_path = json_path_str_or(col, "jsonPath", "");
		column_dup(&out[i + 1], &c);
	}
	p = xcalloc(1, sizeof *p);
	p->resource = xstrdup(json_path_str_or(crd, "spec.names.plural", ""));
	p->kind = xstrdup(json_path_str_or(crd, "spec.names.kind", ""));
	p->columns = out;
	p->ncolumns = n == 0 ? 2 : n + 1;
	return p;
}

/* Free a printer from printer_from_crd. */
void
printer_free(struct printer *p)
{
	struct column *c;
	size_t i;

	if (p == NULL)
		return;
	c = (struct column *)(uintptr_t)p->columns;
	for (i = 0; i < p->ncolumns; i++) {
		free((char *)(uintptr_t)c[i].name);
		free((char *)(uintptr_t)c[i].type);
		free((char *)(uintptr_t)c[i].format);
		free((char *)(uintptr_t)c[i].description);
		free((char *)(uintptr_t)c[i].json_path);
	}
	free(c);
	free((char *)(uintptr_t)p->resource);
	free((char *)(uintptr_t)p->kind);
	free(p);
}

/* ---- Default ---- */

static const struct column default_columns[] = {
	{ "Name", "string", "name", 0, "Name of the object.", NULL },
	{ "Age", "string", "", 0, "Time since the object was created.", NULL },
};

/* NAME and AGE for any object. */
static void
print_default(json_t *obj, int64_t now, struct cell *c, unsigned *flags,
    char **reason)
{
	cell_name(&c[0], obj);
	cell_created(&c[1], obj);
}

#define PRINTER(name, res, kind, cols, fn) \
	const struct printer name = { res, kind, cols, NITEMS(cols), fn }

PRINTER(printer_pods, "pods", "Pod", pod_columns, print_pod);
PRINTER(printer_deployments, "deployments", "Deployment", deployment_columns, print_deployment);
PRINTER(printer_replicasets, "replicasets", "ReplicaSet", replicaset_columns, print_replicaset);
PRINTER(printer_statefulsets, "statefulsets", "StatefulSet", statefulset_columns,
    print_statefulset);
PRINTER(printer_daemonsets, "daemonsets", "DaemonSet", daemonset_columns, print_daemonset);
PRINTER(printer_hpa, "horizontalpodautoscalers", "HorizontalPodAutoscaler", hpa_columns,
    print_hpa);
PRINTER(printer_nodes, "nodes", "Node", node_columns, print_node);
PRINTER(printer_pod_metrics, "pods", "PodMetrics", pod_metrics_columns, print_metrics);
PRINTER(printer_node_metrics, "nodes", "NodeMetrics", node_metrics_columns, print_metrics);
PRINTER(printer_events, "events", "Event", event_columns, print_event);
PRINTER(printer_jobs, "jobs", "Job", job_columns, print_job);
PRINTER(printer_cronjobs, "cronjobs", "CronJob", cronjob_columns, print_cronjob);
PRINTER(printer_pdb, "poddisruptionbudgets", "PodDisruptionBudget", pdb_columns, print_pdb);
PRINTER(printer_namespaces, "namespaces", "Namespace", namespace_columns, print_namespace);
PRINTER(printer_services, "services", "Service", service_columns, print_service);
PRINTER(printer_alerts, "alerts", "Alert", alert_columns, print_alert);
PRINTER(printer_silences, "silences", "Silence", silence_columns, print_silence);
PRINTER(printer_backups, "backups", "Backup", backup_columns, print_backup);
PRINTER(printer_schedules, "schedules", "Schedule", schedule_columns, print_schedule);
PRINTER(printer_restores, "restores", "Restore", restore_columns, print_restore);
PRINTER(printer_rollouts, "rollouts", "Rollout", rollout_columns, print_rollout);
PRINTER(printer_virtualservices, "virtualservices", "VirtualService", virtualservice_columns,
    print_virtualservice);
PRINTER(printer_applications, "applications", "Application", application_columns,
    print_application);
PRINTER(printer_applicationsets, "applicationsets", "ApplicationSet", applicationset_columns,
    print_applicationset);
PRINTER(table_applications, "applications", "Application", application_crd_columns, NULL);
PRINTER(table_applicationsets, "applicationsets", "ApplicationSet", crd_default_columns,
    NULL);
PRINTER(table_rollouts, "rollouts", "Rollout", rollout_crd_columns, NULL);
PRINTER(table_backups, "backups", "Backup", crd_default_columns, NULL);
PRINTER(table_schedules, "schedules", "Schedule", schedule_crd_columns, NULL);
PRINTER(table_restores, "restores", "Restore", crd_default_columns, NULL);
PRINTER(table_backupstoragelocations, "backupstoragelocations", "BackupStorageLocation",
    bsl_crd_columns, NULL);

static const struct printer default_printer =
    { "", "", default_columns, NITEMS(default_columns), print_default };

/* The kind resource names (a group suffix is ignored), or NULL. */
static const struct kind *
printer_kind(const char *resource)
{
	char name[128];
	size_t n;

	if (resource == NULL)
		return NULL;
	/* a kind whose plural another kind has ("pods.metrics.k8s.io") */
	if (strchr(resource, '.') != NULL && kind_find(resource) != NULL &&
	    kind_find(resource)->store_name != NULL)
		return kind_find(resource);
	n = strcspn(resource, ".");
	if (n == 0 || n >= sizeof name)
		return NULL;
	memcpy(name, resource, n);
	name[n] = '\0';
	return kind_find(name);
}

/* The built-in printer of the kind resource names, or NULL. */
static const struct printer *
printer_lookup(const char *resource)
{
	const struct kind *k = printer_kind(resource);

	return k != NULL ? k->printer : NULL;
}

/* Look up a printer, falling back to NAME/AGE. */
const struct printer *
printer_find(const char *resource)
{
	const struct printer *p = printer_lookup(resource);

	return p == NULL ? &default_printer : p;
}

/* The API server's Table columns for resource. */
const struct printer *
printer_find_table(const char *resource)
{
	const struct kind *k = printer_kind(resource);

	return k != NULL && k->table != NULL ? k->table : printer_find(resource);
}

/* True if resource has a printer of its own. */
int
printer_has(const char *resource)
{
	return printer_lookup(resource) != NULL;
}

/* Run a printer over one object into a new row. */
void
printer_print(const struct printer *p, json_t *obj, int64_t now,
    struct printed *out)
{
	size_t i;

	memset(out, 0, sizeof *out);
	out->ncells = p->ncolumns;
	out->cells = xcalloc(p->ncolumns, sizeof *out->cells);
	if (p->print == NULL)
		print_columns(p, obj, out->cells);
	else
		p->print(obj, now, out->cells, &out->flags, &out->reason);
	for (i = 0; i < out->ncells; i++) {
		if (out->cells[i].type == CELL_TEXT && out->cells[i].text == NULL)
			out->cells[i].text = xstrdup("");
	}
}

/* Free n cells and their text. */
void
cells_free(struct cell *cells, size_t n)
{
	size_t i;

	if (cells == NULL)
		return;
	for (i = 0; i < n; i++)
		free(cells[i].text);
	free(cells);
}

/* Free what printer_print produced. */
void
printed_free(struct printed *p)
{
	if (p == NULL)
		return;
	cells_free(p->cells, p->ncells);
	free(p->reason);
	p->cells = NULL;
	p->ncells = 0;
	p->reason = NULL;
}

/* now - when without overflow. */
static int64_t
time_diff(int64_t a, int64_t b)
{
	if (b < 0 && a > INT64_MAX + b)
		return INT64_MAX;
	if (b > 0 && a < INT64_MIN + b)
		return INT64_MIN;
	return a - b;
}

/* Format one cell as kubectl shows it at time now. */
size_t
cell_format(const struct cell *c, int64_t now, char *buf, size_t len)
{
	char d[64];
	int n = 0;

	if (len == 0)
		return 0;
	switch (c->type) {
	case CELL_TEXT:
		n = snprintf(buf, len, "%s", c->text == NULL ? "" : c->text);
		break;
	case CELL_INT:
		n = snprintf(buf, len, "%lld", (long long)c->n);
		break;
	case CELL_AGE:
	case CELL_UNTIL:
		if (c->when == 0) {
			n = snprintf(buf, len, "%s",
			    c->text != NULL ? c->text : "<unknown>");
		} else if (c->type == CELL_AGE || c->when < now) {
			human_duration(time_diff(now, c->when), d, sizeof d);
			n = snprintf(buf, len, "%s%s", d,
			    c->type == CELL_UNTIL ? " ago" : "");
		} else {
			human_duration(time_diff(c->when, now), d, sizeof d);
			n = snprintf(buf, len, "%s", d);
		}
		break;
	case CELL_NONE:
		buf[0] = '\0';
		break;
	case CELL_RESTARTS:
		if (c->n != 0 && c->when != 0) {
			human_duration(time_diff(now, c->when), d, sizeof d);
			n = snprintf(buf, len, "%lld (%s ago)", (long long)c->n, d);
		} else
			n = snprintf(buf, len, "%lld", (long long)c->n);
		break;
	default:
		buf[0] = '\0';
		break;
	}
	if (n < 0) {
		buf[0] = '\0';
		return 0;
	}
	return (size_t)n >= len ? len - 1 : (size_t)n;
}

/* One cell as a Table cell value. */
json_t *
cell_json(const struct cell *c, int64_t now)
{
	char buf[256];
	json_t *j;

	if (c->type == CELL_INT)
		return json_integer((json_int_t)c->n);
	if (c->type == CELL_NONE)
		return json_null();
	if (c->type == CELL_TEXT && c->text != NULL && strlen(c->text) >= sizeof buf)
		j = json_string(c->text);
	else {
		cell_format(c, now, buf, sizeof buf);
		j = json_string(buf);
	}
	/* Text from jansson is valid UTF-8; anything else becomes "". */
	return j != NULL ? j : json_string("");
}

/* duration.HumanDuration over whole seconds. */
void
human_duration(int64_t s, char *buf, size_t len)
{
	int64_t m, h;

	if (s < -1)
		snprintf(buf, len, "<invalid>");
	else if (s < 0)
		snprintf(buf, len, "0s");
	else if (s < 60 * 2)
		snprintf(buf, len, "%llds", (long long)s);
	else if ((m = s / 60) < 10) {
		if (s % 60 == 0)
			snprintf(buf, len, "%lldm", (long long)m);
		else
			snprintf(buf, len, "%lldm%llds", (long long)m,
			    (long long)(s % 60));
	} else if (m < 60 * 3)
		snprintf(buf, len, "%lldm", (long long)m);
	else if ((h = s / 3600) < 8) {
		if (m % 60 == 0)
			snprintf(buf, len, "%lldh", (long long)h);
		else
			snprintf(buf, len, "%lldh%lldm", (long long)h,
			    (long long)(m % 60));
	} else if (h < 48)
		snprintf(buf, len, "%lldh", (long long)h);
	else if (h < 24 * 8) {
		if (h % 24 == 0)
			snprintf(buf, len, "%lldd", (long long)(h / 24));
		else
			snprintf(buf, len, "%lldd%lldh", (long long)(h / 24),
			    (long long)(h % 24));
	} else if (h < 24 * 365 * 2)
		snprintf(buf, len, "%lldd", (long long)(h / 24));
	else if (h < 24 * 365 * 8) {
		if ((h / 24) % 365 == 0)
			snprintf(buf, len, "%lldy", (long long)(h / 24 / 365));
		else
			snprintf(buf, len, "%lldy%lldd", (long long)(h / 24 / 365),
			    (long long)((h / 24) % 365));
	} else
		snprintf(buf, len, "%lldy", (long long)(h / 24 / 365));
}

/* Days since 1970-01-01 of a proleptic Gregorian date. */
static int64_t
days_from_civil(int64_t y, int64_t m, int64_t d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

/* Read exactly n digits at *p into *out and advance; -1 if not digits. */
static int
read_digits(const char **p, int n, int *out)
{
	int v = 0, i;

	for (i = 0; i < n; i++) {
		if (!isdigit((unsigned char)(*p)[i]))
			return -1;
		v = v * 10 + ((*p)[i] - '0');
	}
	*p += n;
	*out = v;
	return 0;
}

int64_t
parse_rfc3339(const char *s)
{
	static const int mdays[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	const char *p = s;
	int y, mo, d, h, mi, sec, oh = 0, om = 0, sign = 0, dim;
	int64_t t;

	if (s == NULL)
		return 0;
	if (read_digits(&p, 4, &y) != 0 || *p++ != '-' ||
	    read_digits(&p, 2, &mo) != 0 || *p++ != '-' ||
	    read_digits(&p, 2, &d) != 0 || (*p != 'T' && *p != 't'))
		return 0;
	p++;
	if (read_digits(&p, 2, &h) != 0 || *p++ != ':' ||
	    read_digits(&p, 2, &mi) != 0 || *p++ != ':' ||
	    read_digits(&p, 2, &sec) != 0)
		return 0;
	if (*p == '.') {
		p++;
		if (!isdigit((unsigned char)*p))
			return 0;
		while (isdigit((unsigned char)*p))
			p++;
	}
	if (*p == 'Z' || *p == 'z')
		p++;
	else if (*p == '+' || *p == '-') {
		sign = *p++ == '-' ? -1 : 1;
		if (read_digits(&p, 2, &oh) != 0 || *p++ != ':' ||
		    read_digits(&p, 2, &om) != 0 || oh > 23 || om > 59)
			return 0;
	} else
		return 0;
	if (*p != '\0')
		return 0;
	if (mo < 1 || mo > 12 || d < 1 || h > 23 || mi > 59 || sec > 60)
		return 0;
	dim = mdays[mo - 1];
	if (mo == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		dim = 29;
	if (d > dim)
		return 0;
	/* Go's zero time (metav1.Time{}) means unset. */
	if (y == 1 && mo == 1 && d == 1 && h == 0 && mi == 0 && sec == 0 &&
	    sign == 0)
		return 0;
	t = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec;
	t -= (int64_t)sign * (oh * 3600 + om * 60);
	return t;
}

void
format_rfc3339(int64_t t, char *buf, size_t len)
{
	int64_t days, secs, z, era, doe, yoe, y, doy, mp, d, m;

	days = t / 86400;
	secs = t % 86400;
	if (secs < 0) {
		secs += 86400;
		days--;
	}
	z = days + 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	y = yoe + era * 400;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	d = doy - (153 * mp + 2) / 5 + 1;
	m = mp + (mp < 10 ? 3 : -9);
	y += m <= 2;
	snprintf(buf, len, "%04lld-%02lld-%02lldT%02lld:%02lld:%02lldZ",
	    (long long)y, (long long)m, (long long)d, (long long)(secs / 3600),
	    (long long)(secs % 3600 / 60), (long long)(secs % 60));
}
