/* The kind table (see kinds.h). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "opsdeck/describe.h"
#include "opsdeck/json_util.h"
#include "opsdeck/kinds.h"
#include "opsdeck/printers.h"
#include "opsdeck/sanitize.h"
#include "opsdeck/xmalloc.h"

/* The verbs a read-write resource shows in discovery. */
#define RW	"create,delete,deletecollection,get,list,patch,update,watch"
/* Problems of a workload with a rollout. */
#define ROLLING	(ROW_BAD | ROW_WARN | ROW_PROGRESSING | ROW_STUCK)

const struct kind kinds[] = {
	/* The console's views, in the order of their commands. */
	{ .group = "", .version = "v1", .resource = "pods", .singular = "pod", .kind = "Pod",
	  .namespaced = true, .short_names = "po", .categories = "all",
	  .subresources = "log,status,eviction,exec,attach,portforward,ephemeralcontainers",
	  .verbs = RW,
	  .printer = &printer_pods, .problems = ROW_BAD | ROW_WARN, .overview = 2,
	  .describer = &describe_pod,
	  .actions = "delete,shell,debug,port-forward",
	  .view = { .name = "pods", .help = "pods, with their usage (kubectl top)" } },
	{ .group = "apps", .version = "v1", .resource = "deployments", .singular = "deployment",
	  .kind = "Deployment", .namespaced = true, .short_names = "deploy",
	  .categories = "all", .subresources = "scale,status", .verbs = RW,
	  .printer = &printer_deployments, .problems = ROLLING, .overview = 3,
	  .describer = &describe_deployment,
	  .actions = "scale,undo,restart,pause,resume",
	  .view = { .name = "deployments",
	      .help = "deployments (revision history below, restarts over 15 minutes)" } },
	{ .group = "apps", .version = "v1", .resource = "replicasets", .singular = "replicaset",
	  .kind = "ReplicaSet", .namespaced = true, .short_names = "rs", .categories = "all",
	  .subresources = "scale,status", .verbs = RW,
	  .printer = &printer_replicasets, .actions = "scale",
	  .describer = &describe_replicaset,
	  .view = { .name = "replicasets", .help = "replica sets" } },
	{ .group = "apps", .version = "v1", .resource = "statefulsets", .singular = "statefulset",
	  .kind = "StatefulSet", .namespaced = true, .short_names = "sts", .categories = "all",
	  .subresources = "scale,status", .verbs = RW,
	  .printer = &printer_statefulsets, .problems = ROLLING, .overview = 5,
	  .describer = &describe_statefulset,
	  .actions = "scale,restart",
	  .view = { .name = "statefulsets", .help = "stateful sets" } },
	{ .group = "apps", .version = "v1", .resource = "daemonsets", .singular = "daemonset",
	  .kind = "DaemonSet", .namespaced = true, .short_names = "ds", .categories = "all",
	  .subresources = "status", .verbs = RW,
	  .printer = &printer_daemonsets, .problems = ROLLING, .overview = 6,
	  .describer = &describe_daemonset,
	  .actions = "restart",
	  .view = { .name = "daemonsets", .help = "daemon sets" } },
	{ .group = "autoscaling", .version = "v2", .resource = "horizontalpodautoscalers",
	  .singular = "horizontalpodautoscaler", .kind = "HorizontalPodAutoscaler",
	  .namespaced = true, .short_names = "hpa", .categories = "all",
	  .subresources = "status", .verbs = RW,
	  .printer = &printer_hpa, .problems = ROW_AT_MAX | ROW_STUCK | ROW_BAD | ROW_WARN, .overview = 7,
	  .describer = &describe_hpa,
	  .actions = "hpa-minmax",
	  .view = { .name = "hpa", .help = "horizontal pod autoscalers (at max highlighted, "
	      "replicas and CPU over 15 minutes)" } },
	{ .group = "batch", .version = "v1", .resource = "jobs", .singular = "job", .kind = "Job",
	  .namespaced = true, .short_names = "", .categories = "all", .subresources = "status",
	  .verbs = RW,
	  .printer = &printer_jobs, .problems = ROW_BAD, .overview = 10,
	  .describer = &describe_job,
	  .view = { .name = "jobs", .help = "jobs" } },
	{ .group = "batch", .version = "v1", .resource = "cronjobs", .singular = "cronjob",
	  .kind = "CronJob", .namespaced = true, .short_names = "cj", .categories = "all",
	  .subresources = "status", .verbs = RW,
	  /* counted by the overview (is there a backup schedule), never a problem */
	  .printer = &printer_cronjobs, .overview = 12,
	  .describer = &describe_cronjob,
	  .actions = "run-now",
	  .view = { .name = "cronjobs", .help = "cron jobs" } },
	{ .group = "", .version = "", .resource = "alerts", .singular = "alert", .kind = "Alert",
	  .short_names = "", .categories = "", .subresources = "", .verbs = "",
	  .source = KIND_ALERTMANAGER,
	  .printer = &printer_alerts, .problems = ROW_FIRING, .overview = 1,
	  .describer = &describe_alert,
	  .actions = "silence,runbook-url",
	  .view = { .name = "alerts", .help = "Alertmanager alerts", .flag_first = ROW_FIRING } },
	{ .group = "", .version = "", .resource = "silences", .singular = "silence",
	  .kind = "Silence", .short_names = "", .categories = "", .subresources = "",
	  .verbs = "", .source = KIND_ALERTMANAGER,
	  .printer = &printer_silences, .actions = "expire-silence",
	  .describer = &describe_silence,
	  .view = { .name = "silences", .help = "Alertmanager silences" } },
	{ .group = "velero.io", .version = "v1", .resource = "backups", .singular = "backup",
	  .kind = "Backup", .namespaced = true, .short_names = "", .categories = "velero",
	  .subresources = "", .verbs = RW,
	  .printer = &printer_backups, .table = &table_backups, .problems = ROW_BAD, .overview = 9,
	  .actions = "restore",
	  .view = { .name = "backups", .args = "[@CLUSTER]",
	      .help = "Velero backups (RPO breaches highlighted)" } },
	{ .group = "velero.io", .version = "v1", .resource = "schedules", .singular = "schedule",
	  .kind = "Schedule", .namespaced = true, .short_names = "", .categories = "velero",
	  .subresources = "", .verbs = RW,
	  /* counted by the overview (is there a backup schedule), never a problem */
	  .printer = &printer_schedules, .table = &table_schedules, .overview = 11,
	  .actions = "backup-now",
	  .view = { .name = "schedules", .args = "[@CLUSTER]", .help = "Velero schedules" } },
	{ .group = "", .version = "v1", .resource = "events", .singular = "event", .kind = "Event",
	  .namespaced = true, .short_names = "ev", .categories = "", .subresources = "",
	  .verbs = RW,
	  .printer = &printer_events,
	  .view = { .name = "events", .help = "events, warnings first",
	      .flag_first = ROW_BAD | ROW_WARN } },
	{ .group = "", .version = "v1", .resource = "nodes", .singular = "node", .kind = "Node",
	  .short_names = "no", .categories = "", .subresources = "status", .verbs = RW,
	  .printer = &printer_nodes, .problems = ROW_BAD | ROW_WARN, .overview = 8,
	  .describer = &describe_node,
	  .actions = "cordon,uncordon,drain",
	  .view = { .name = "nodes", .help = "nodes, with their usage and CPU over 15 minutes" } },
	{ .group = "argoproj.io", .version = "v1alpha1", .resource = "rollouts",
	  .singular = "rollout", .kind = "Rollout", .namespaced = true, .short_names = "ro",
	  .categories = "all", .subresources = "scale,status", .verbs = RW,
	  .printer = &printer_rollouts, .table = &table_rollouts, .problems = ROLLING,
	  .overview = 4,
	  .actions = "promote,abort,retry",
	  .view = { .name = "rollouts", .help = "Argo Rollouts" } },
	{ .group = "argoproj.io", .version = "v1alpha1", .resource = "applications",
	  .singular = "application", .kind = "Application", .namespaced = true,
	  .short_names = "app,apps", .categories = "", .subresources = "", .verbs = RW,
	  .printer = &printer_applications, .table = &table_applications,
	  .problems = ROW_BAD | ROW_WARN | ROW_PROGRESSING,
	  .actions = "sync,refresh",
	  .view = { .name = "applications",
	      .help = "Argo CD applications: sync and health, the last sync" } },
	{ .group = "argoproj.io", .version = "v1alpha1", .resource = "applicationsets",
	  .singular = "applicationset", .kind = "ApplicationSet", .namespaced = true,
	  .short_names = "appset,appsets", .categories = "", .subresources = "", .verbs = RW,
	  .printer = &printer_applicationsets, .table = &table_applicationsets,
	  .view = { .name = "applicationsets", .help = "Argo CD application sets" } },

	/* Resource usage as metrics-server serves it (kubectl top): polled;
	 * the pods and nodes views show it beside their rows. */
	{ .group = "metrics.k8s.io", .version = "v1beta1", .resource = "pods",
	  .singular = "", .kind = "PodMetrics", .namespaced = true, .short_names = "",
	  .categories = "", .subresources = "", .verbs = "get,list", .source = KIND_METRICS,
	  .store_name = "pods.metrics.k8s.io", .printer = &printer_pod_metrics },
	{ .group = "metrics.k8s.io", .version = "v1beta1", .resource = "nodes",
	  .singular = "", .kind = "NodeMetrics", .short_names = "", .categories = "",
	  .subresources = "", .verbs = "get,list", .source = KIND_METRICS,
	  .store_name = "nodes.metrics.k8s.io", .printer = &printer_node_metrics },

	/* Kinds the console lists (opsdeck get, runbooks) with no view. */
	{ .group = "policy", .version = "v1", .resource = "poddisruptionbudgets",
	  .singular = "poddisruptionbudget", .kind = "PodDisruptionBudget", .namespaced = true,
	  .short_names = "pdb", .categories = "", .subresources = "status", .verbs = RW,
	  .printer = &printer_pdb, .describer = &describe_pdb },
	{ .group = "", .version = "v1", .resource = "namespaces", .singular = "namespace",
	  .kind = "Namespace", .short_names = "ns", .categories = "", .subresources = "status",
	  .verbs = "create,delete,get,list,patch,update,watch",
	  .printer = &printer_namespaces },
	{ .group = "", .version = "v1", .resource = "services", .singular = "service",
	  .kind = "Service", .namespaced = true, .short_names = "svc", .categories = "all",
	  .subresources = "status,proxy", .verbs = RW,
	  .printer = &printer_services, .actions = "switch-color,port-forward",
	  .view = { .name = "services", .help = "services" } },
	{ .group = "", .version = "v1", .resource = "configmaps", .singular = "configmap",
	  .kind = "ConfigMap", .namespaced = true, .short_names = "cm", .categories = "",
	  .subresources = "", .verbs = RW },
	{ .group = "velero.io", .version = "v1", .resource = "restores", .singular = "restore",
	  .kind = "Restore", .namespaced = true, .short_names = "", .categories = "velero",
	  .subresources = "", .verbs = RW,
	  .printer = &printer_restores, .table = &table_restores, .problems = ROW_BAD },
	{ .group = "networking.istio.io", .version = "v1beta1", .resource = "virtualservices",
	  .singular = "virtualservice", .kind = "VirtualService", .namespaced = true,
	  .short_names = "vs", .categories = "istio-io,networking-istio-io", .subresources = "",
	  .verbs = RW,
	  .printer = &printer_virtualservices, .actions = "canary-weight" },

	/* Kinds only the drill serves (kubectl, its controllers, RBAC checks). */
	{ .group = "", .version = "v1", .resource = "endpoints", .singular = "endpoints",
	  .kind = "Endpoints", .namespaced = true, .short_names = "ep", .categories = "",
	  .subresources = "", .verbs = RW, .drill_only = true },
	{ .group = "", .version = "v1", .resource = "secrets", .singular = "secret",
	  .kind = "Secret", .namespaced = true, .short_names = "", .categories = "",
	  .subresources = "", .verbs = RW, .drill_only = true },
	{ .group = "", .version = "v1", .resource = "serviceaccounts",
	  .singular = "serviceaccount", .kind = "ServiceAccount", .namespaced = true,
	  .short_names = "sa", .categories = "", .subresources = "", .verbs = RW,
	  .drill_only = true },
	{ .group = "apps", .version = "v1", .resource = "controllerrevisions",
	  .singular = "controllerrevision", .kind = "ControllerRevision", .namespaced = true,
	  .short_names = "", .categories = "", .subresources = "", .verbs = RW,
	  .drill_only = true },
	{ .group = "authorization.k8s.io", .version = "v1", .resource = "selfsubjectaccessreviews",
	  .singular = "selfsubjectaccessreview", .kind = "SelfSubjectAccessReview",
	  .short_names = "", .categories = "", .subresources = "", .verbs = "create",
	  .drill_only = true },
	{ .group = "authentication.k8s.io", .version = "v1", .resource = "selfsubjectreviews",
	  .singular = "selfsubjectreview", .kind = "SelfSubjectReview",
	  .short_names = "", .categories = "", .subresources = "", .verbs = "create",
	  .drill_only = true },
	{ .group = "apiextensions.k8s.io", .version = "v1",
	  .resource = "customresourcedefinitions", .singular = "customresourcedefinition",
	  .kind = "CustomResourceDefinition", .short_names = "crd,crds", .categories = "",
	  .subresources = "status", .verbs = RW, .drill_only = true },
	{ .group = "velero.io", .version = "v1", .resource = "backupstoragelocations",
	  .singular = "backupstoragelocation", .kind = "BackupStorageLocation",
	  .namespaced = true, .short_names = "bsl", .categories = "velero", .subresources = "",
	  .verbs = RW, .drill_only = true, .table = &table_backupstoragelocations },
};
const size_t nkinds = sizeof kinds / sizeof kinds[0];

/* Kinds learnt from clusters' CRDs (kind_learn_crd), searched first;
 * their strings and tables are owned here. */
struct learnt {
	struct kind	 k;
	char		*strs[7];
	struct printer	*table;
};
static struct learnt	**learnt;
static size_t		  nlearnt;

/* True if the comma list list holds the word [w, w + n). */
static bool
list_has(const char *list, const char *w, size_t n, bool nocase)
{
	const char *p;
	size_t len;

	for (p = list; p != NULL && *p != '\0'; p += len + (p[len] == ',')) {
		len = strcspn(p, ",");
		if (len == n && (nocase ? strncasecmp(p, w, n) : strncmp(p, w, n)) == 0)
			return true;
	}
	return false;
}

/* True if k answers to the name [name, name + n). */
static bool
kind_named(const struct kind *k, const char *name, size_t n)
{
	return (strlen(k->resource) == n && strncasecmp(k->resource, name, n) == 0) ||
	    (strlen(k->singular) == n && strncasecmp(k->singular, name, n) == 0) ||
	    (strlen(k->kind) == n && strncasecmp(k->kind, name, n) == 0) ||
	    list_has(k->short_names, name, n, true);
}

const struct kind *
kind_find(const char *name)
{
	const struct kind *k;
	const char *dot;
	size_t i;

	if (name == NULL || *name == '\0')
		return NULL;
	dot = strchr(name, '.');
	for (i = 0; i < nlearnt + nkinds; i++) {
		k = i < nlearnt ? &learnt[i]->k : &kinds[i - nlearnt];
		if (k->drill_only)
			continue;
		if (kind_named(k, name, strlen(name)))
			return k;
		/* "deployments.apps" as kubectl takes it */
		if (dot != NULL && *k->group != '\0' && kind_named(k, name, (size_t)(dot - name)) &&
		    strcasecmp(dot + 1, k->group) == 0)
			return k;
	}
	return NULL;
}

const struct kind *
kind_find_api(const char *group, const char *resource)
{
	size_t i;

	for (i = 0; i < nkinds; i++) {
		if (kind_on_api(&kinds[i]) && strcmp(kinds[i].group, group) == 0 &&
		    strcmp(kinds[i].resource, resource) == 0)
			return &kinds[i];
	}
	return NULL;
}

const char *
kind_store_name(const struct kind *k)
{
	return k->store_name != NULL ? k->store_name : k->resource;
}

bool
kind_on_api(const struct kind *k)
{
	return k->source != KIND_ALERTMANAGER;
}

const struct kind *
kind_find_kind(const char *kind)
{
	size_t i;

	for (i = 0; i < nkinds; i++) {
		if (kind_on_api(&kinds[i]) && strcmp(kinds[i].kind, kind) == 0)
			return &kinds[i];
	}
	return NULL;
}

const struct kind *
kind_find_view(const char *name)
{
	const struct kind *k = kind_find(name);
	size_t i;

	if (k != NULL)
		return k->view.name != NULL ? k : NULL;
	for (i = 0; name != NULL && i < nkinds; i++) {
		if (kinds[i].view.name != NULL && strcmp(kinds[i].view.name, name) == 0)
			return &kinds[i];
	}
	return NULL;
}

const char *
kind_label(const struct kind *k)
{
	if (k->view.name != NULL && strcmp(k->view.name, k->resource) != 0)
		return k->view.name;
	return k->singular;
}

char *
kind_path(const struct kind *k, const char *ns, const char *name)
{
	char *base, *p;

	if (*k->group == '\0')
		base = xasprintf("/api/%s", k->version);
	else
		base = xasprintf("/apis/%s/%s", k->group, k->version);
	if (k->namespaced && ns != NULL && *ns != '\0')
		p = xasprintf("%s/namespaces/%s/%s%s%s", base, ns, k->resource,
		    name != NULL ? "/" : "", name != NULL ? name : "");
	else
		p = xasprintf("%s/%s%s%s", base, k->resource, name != NULL ? "/" : "",
		    name != NULL ? name : "");
	free(base);
	return p;
}

bool
kind_allows(const struct kind *k, const char *verb)
{
	if (k == NULL || verb == NULL)
		return false;
	/* edit: every object the API server updates */
	if (strcmp(verb, "edit") == 0)
		return k->source == KIND_API && !k->drill_only &&
		    list_has(k->verbs, "update", 6, false);
	return list_has(k->actions, verb, strlen(verb), false);
}

bool
kind_is_action(const char *verb)
{
	return kind_for_action(verb, 0) != NULL;
}

const struct kind *
kind_for_action(const char *verb, size_t n)
{
	size_t i;

	for (i = 0; i < nkinds; i++) {
		if (kind_allows(&kinds[i], verb) && n-- == 0)
			return &kinds[i];
	}
	return NULL;
}

char *
kind_action_kinds(const char *verb)
{
	const struct kind *k;
	char *s = xstrdup(""), *t;
	size_t i;

	for (i = 0; (k = kind_for_action(verb, i)) != NULL; i++) {
		t = xasprintf("%s%s%s", s, i > 0 ? "," : "", k->resource);
		free(s);
		s = t;
	}
	return s;
}

unsigned
kind_health(const struct kind *k, json_t *obj, int64_t now, char **reason)
{
	struct printed out;
	unsigned flags;

	if (reason != NULL)
		*reason = NULL;
	if (k == NULL || k->printer == NULL || k->problems == 0)
		return 0;
	printer_print(k->printer, obj, now, &out);
	flags = out.flags & k->problems;
	if (reason != NULL && flags != 0) {
		*reason = out.reason;
		out.reason = NULL;
	}
	printed_free(&out);
	return flags;
}

bool
kind_failing(const struct kind *k, json_t *obj, int64_t now)
{
	struct printed out;
	bool failing;

	if (k == NULL || k->printer == NULL)
		return false;
	printer_print(k->printer, obj, now, &out);
	failing = (out.flags & (ROW_BAD | ROW_STUCK)) != 0;
	printed_free(&out);
	return failing;
}

/* ---- The printer of the kind a resource names ---- */

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

	return p == NULL ? &printer_default : p;
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

/* ---- Kinds learnt from a cluster's CustomResourceDefinitions ---- */


/* True if s is a non-empty name fit for an API path: lower-case letters,
 * digits, '-' and '.', as the API server allows in groups, versions and
 * plurals. */
static bool
path_name_ok(const char *s, bool dots)
{
	if (s == NULL || *s == '\0' || strlen(s) > 253)
		return false;
	for (; *s != '\0'; s++) {
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '-' ||
		    (dots && *s == '.')))
			return false;
	}
	return true;
}

/* The rank of a version name in the API server's discovery order: GA
 * (v2 > v1) before beta (v1beta2 > v1beta1) before alpha, the rest last.
 * Larger ranks first. */
static long
version_rank(const char *v)
{
	char *end;
	long major, minor = 0, level = 3;

	if (v[0] != 'v' || v[1] < '1' || v[1] > '9')
		return -1;
	major = strtol(v + 1, &end, 10);
	if (*end != '\0') {
		if (strncmp(end, "beta", 4) == 0)
			level = 2, end += 4;
		else if (strncmp(end, "alpha", 5) == 0)
			level = 1, end += 5;
		else
			return -1;
		if (*end < '1' || *end > '9')
			return -1;
		minor = strtol(end, &end, 10);
		if (*end != '\0')
			return -1;
	}
	if (major > 9999 || minor > 9999)
		return -1;
	return level * 100000000L + major * 10000L + minor;
}

/* The version kubectl reads crd at: the served one first in the API
 * server's discovery order (names it cannot rank after, alphabetically). */
static const char *
crd_preferred_version(json_t *crd)
{
	const char *best = NULL, *name;
	json_t *v;
	size_t i;

	json_array_foreach(json_path(crd, "spec.versions"), i, v) {
		name = json_path_str_or(v, "name", "");
		if (!json_is_true(json_object_get(v, "served")) || !path_name_ok(name, false))
			continue;
		if (best == NULL || version_rank(name) > version_rank(best) ||
		    (version_rank(name) == version_rank(best) && version_rank(name) < 0 &&
		    strcmp(name, best) < 0))
			best = name;
	}
	return best;
}

const struct kind *
kind_learn_crd(json_t *crd)
{
	const struct kind *known;
	struct learnt *l;
	struct printer *table;
	const char *group = json_path_str_or(crd, "spec.group", "");
	const char *plural = json_path_str_or(crd, "spec.names.plural", "");
	const char *version = crd_preferred_version(crd);
	const char *kind = json_path_str_or(crd, "spec.names.kind", "");
	char *shorts = xstrdup(""), *t;
	json_t *s;
	size_t i;

	if (!path_name_ok(group, true) || !path_name_ok(plural, false) || version == NULL ||
	    !sanitize_is_clean(kind, strlen(kind), 0) || *kind == '\0' ||
	    (table = printer_from_crd(crd, version)) == NULL) {
		free(shorts);
		return NULL;
	}
	json_array_foreach(json_path(crd, "spec.names.shortNames"), i, s) {
		if (!json_is_string(s) || !path_name_ok(json_string_value(s), false))
			continue;
		t = xasprintf("%s%s%s", shorts, *shorts != '\0' ? "," : "", json_string_value(s));
		free(shorts);
		shorts = t;
	}
	for (i = 0; i < table->ncolumns; i++) {
		struct column *c = (struct column *)(uintptr_t)&table->columns[i];

		if (!sanitize_is_clean(c->name, strlen(c->name), 0)) {
			t = sanitize_str(c->name, 0);
			free((char *)(uintptr_t)c->name);
			c->name = t;
		}
	}
	l = xcalloc(1, sizeof *l);
	known = kind_find_api(group, plural);
	if (known != NULL) {
		/* the console's own knowledge of it stays; the Table is the
		 * cluster's */
		l->k = *known;
	} else {
		l->k.group = l->strs[0] = xstrdup(group);
		l->k.version = l->strs[1] = xstrdup(version);
		l->k.resource = l->strs[2] = xstrdup(plural);
		l->k.singular = l->strs[3] = xstrdup(json_path_str_or(crd,
		    "spec.names.singular", ""));
		l->k.kind = l->strs[4] = xstrdup(kind);
		l->k.short_names = l->strs[5] = shorts;
		shorts = NULL;
		l->k.categories = "";
		l->k.subresources = "";
		l->k.verbs = l->strs[6] = xstrdup("get,list,watch");
		l->k.namespaced = strcmp(json_path_str_or(crd, "spec.scope", ""),
		    "Namespaced") == 0;
		l->k.source = KIND_API;
		l->k.actions = "";
	}
	free(shorts);
	l->table = table;
	l->k.table = table;
	learnt = xreallocarray(learnt, nlearnt + 1, sizeof *learnt);
	learnt[nlearnt++] = l;
	return &l->k;
}

void
kind_forget_learnt(void)
{
	size_t i, j;

	for (i = 0; i < nlearnt; i++) {
		for (j = 0; j < sizeof learnt[i]->strs / sizeof learnt[i]->strs[0]; j++)
			free(learnt[i]->strs[j]);
		printer_free(learnt[i]->table);
		free(learnt[i]);
	}
	free(learnt);
	learnt = NULL;
	nlearnt = 0;
}
