/* The registry of API resources the drill simulator serves. */
#include <string.h>

#include "opsdeck/sim.h"

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
