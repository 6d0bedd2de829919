/* The registry of API resources the drill simulator serves. */
#include <stdlib.h>
#include <string.h>

#include "opsdeck/xmalloc.h"

#include "opsdeck/sim.h"
#include "sim_store.h"

#define RW	"create,delete,deletecollection,get,list,patch,update,watch"

const struct sim_resource sim_resources[] = {
	/* core/v1 */
	{ "", "v1", "pods", "pod", "Pod", true, "po", "all", "log,status,eviction", RW },
	{ "", "v1", "namespaces", "namespace", "Namespace", false, "ns", "", "status",
	    "create,delete,get,list,patch,update,watch" },
	{ "", "v1", "nodes", "node", "Node", false, "no", "", "status", RW },
	{ "", "v1", "events", "event", "Event", true, "ev", "", "", RW },
	{ "", "v1", "services", "service", "Service", true, "svc", "all", "status,proxy", RW },
	{ "", "v1", "endpoints", "endpoints", "Endpoints", true, "ep", "", "", RW },
	{ "", "v1", "configmaps", "configmap", "ConfigMap", true, "cm", "", "", RW },
	{ "", "v1", "secrets", "secret", "Secret", true, "", "", "", RW },
	{ "", "v1", "serviceaccounts", "serviceaccount", "ServiceAccount", true, "sa", "",
	    "", RW },
	/* apps/v1 */
	{ "apps", "v1", "deployments", "deployment", "Deployment", true, "deploy", "all",
	    "scale,status", RW },
	{ "apps", "v1", "replicasets", "replicaset", "ReplicaSet", true, "rs", "all",
	    "scale,status", RW },
	{ "apps", "v1", "statefulsets", "statefulset", "StatefulSet", true, "sts", "all",
	    "scale,status", RW },
	{ "apps", "v1", "daemonsets", "daemonset", "DaemonSet", true, "ds", "all", "status",
	    RW },
	{ "apps", "v1", "controllerrevisions", "controllerrevision", "ControllerRevision",
	    true, "", "", "", RW },
	/* autoscaling/v2 */
	{ "autoscaling", "v2", "horizontalpodautoscalers", "horizontalpodautoscaler",
	    "HorizontalPodAutoscaler", true, "hpa", "all", "status", RW },
	/* batch/v1 */
	{ "batch", "v1", "jobs", "job", "Job", true, "", "all", "status", RW },
	{ "batch", "v1", "cronjobs", "cronjob", "CronJob", true, "cj", "all", "status", RW },
	/* policy/v1 */
	{ "policy", "v1", "poddisruptionbudgets", "poddisruptionbudget",
	    "PodDisruptionBudget", true, "pdb", "", "status", RW },
	/* authorization.k8s.io/v1 */
	{ "authorization.k8s.io", "v1", "selfsubjectaccessreviews", "selfsubjectaccessreview",
	    "SelfSubjectAccessReview", false, "", "", "", "create" },
	/* apiextensions.k8s.io/v1 */
	{ "apiextensions.k8s.io", "v1", "customresourcedefinitions",
	    "customresourcedefinition", "CustomResourceDefinition", false, "crd,crds", "",
	    "status", RW },
	/* velero.io/v1 */
	{ "velero.io", "v1", "backups", "backup", "Backup", true, "", "velero", "", RW },
	{ "velero.io", "v1", "schedules", "schedule", "Schedule", true, "", "velero", "",
	    RW },
	{ "velero.io", "v1", "restores", "restore", "Restore", true, "", "velero", "", RW },
	{ "velero.io", "v1", "backupstoragelocations", "backupstoragelocation",
	    "BackupStorageLocation", true, "bsl", "velero", "", RW },
	/* argoproj.io/v1alpha1 */
	{ "argoproj.io", "v1alpha1", "rollouts", "rollout", "Rollout", true, "ro", "all",
	    "scale,status", RW },
	/* networking.istio.io/v1beta1 */
	{ "networking.istio.io", "v1beta1", "virtualservices", "virtualservice",
	    "VirtualService", true, "vs", "istio-io,networking-istio-io", "", RW },
};
const size_t sim_nresources = sizeof sim_resources / sizeof sim_resources[0];

/* Find a resource by group and plural name. */
const struct sim_resource *
sim_resource_find(const char *group, const char *resource)
{
	size_t	i;

	for (i = 0; i < sim_nresources; i++) {
		if (strcmp(sim_resources[i].group, group) == 0 &&
		    strcmp(sim_resources[i].resource, resource) == 0)
			return &sim_resources[i];
	}
	return NULL;
}

/* Find a resource by Kind. */
const struct sim_resource *
sim_resource_by_kind(const char *kind)
{
	size_t	i;

	for (i = 0; i < sim_nresources; i++) {
		if (strcmp(sim_resources[i].kind, kind) == 0)
			return &sim_resources[i];
	}
	return NULL;
}

/* Is res served by a CustomResourceDefinition on a real cluster? */
static bool
resource_is_custom(const struct sim_resource *res)
{
	return strcmp(res->group, "velero.io") == 0 || strcmp(res->group, "argoproj.io") == 0 ||
	    strcmp(res->group, "networking.istio.io") == 0;
}

/* A JSON array of a comma-separated list. */
static json_t *
resource_list(const char *s)
{
	json_t		*a = json_array();
	const char	*end;

	while (s != NULL && *s != '\0') {
		end = strchr(s, ',');
		if (end == NULL) {
			json_array_append_new(a, json_string(s));
			break;
		}
		json_array_append_new(a, json_stringn(s, (size_t)(end - s)));
		s = end + 1;
	}
	return a;
}

/* Add the CustomResourceDefinitions of the custom resources the simulator
 * serves to cluster c (names, scope, versions and subresources; the schema
 * is open: x-kubernetes-preserve-unknown-fields). Existing ones are kept. */
void
sim_resources_add_crds(struct sim_cluster *c)
{
	const struct sim_resource	*crd, *r;
	json_t				*obj, *names, *version, *subs;
	char				*name, *cause = NULL;
	size_t				 i;

	crd = sim_resource_find("apiextensions.k8s.io", "customresourcedefinitions");
	for (i = 0; i < sim_nresources; i++) {
		r = &sim_resources[i];
		if (!resource_is_custom(r))
			continue;
		name = xasprintf("%s.%s", r->resource, r->group);
		if (sim_obj_get(c, crd, NULL, name) != NULL) {
			free(name);
			continue;
		}
		names = json_pack("{s:s,s:s,s:s,s:s}", "plural", r->resource, "singular",
		    r->singular, "kind", r->kind, "listKind", "");
		json_object_set_new(names, "listKind", json_sprintf("%sList", r->kind));
		if (*r->short_names != '\0')
			json_object_set_new(names, "shortNames", resource_list(r->short_names));
		if (*r->categories != '\0')
			json_object_set_new(names, "categories", resource_list(r->categories));
		subs = json_object();
		if (strstr(r->subresources, "status") != NULL)
			json_object_set_new(subs, "status", json_object());
		if (strstr(r->subresources, "scale") != NULL)
			json_object_set_new(subs, "scale", json_pack("{s:s,s:s,s:s}",
			    "specReplicasPath", ".spec.replicas", "statusReplicasPath",
			    ".status.replicas", "labelSelectorPath", ".status.selector"));
		version = json_pack("{s:s,s:b,s:b,s:{s:{s:s,s:b}},s:o}", "name", r->version,
		    "served", 1, "storage", 1, "schema", "openAPIV3Schema", "type", "object",
		    "x-kubernetes-preserve-unknown-fields", 1, "subresources", subs);
		obj = json_pack("{s:{s:s},s:{s:s,s:o,s:s,s:[o]},s:{s:o,s:[s]}}",
		    "metadata", "name", name,
		    "spec", "group", r->group, "names", names, "scope",
		    r->namespaced ? "Namespaced" : "Cluster", "versions", version,
		    "status", "acceptedNames", json_deep_copy(names), "storedVersions", r->version);
		if (sim_obj_create(c, crd, NULL, obj, NULL, &cause) != 0) {
			free(cause);
			cause = NULL;
		}
		free(name);
	}
}
