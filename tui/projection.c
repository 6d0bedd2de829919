/* The members each printer's rows read (projection.h). A field a printer
 * or the store starts to read must be added here: test_fixtures decodes
 * every fixture with and without the projection and compares the rows. */
#include <stddef.h>

#include "opsdeck/projection.h"

/* Keep the member, none of its members (an array keeps its length). */
static const struct json_proj keep_none[] = {
	{ NULL, NULL },
};

/* An owner reference as the store reads it. */
static const struct json_proj owner_ref[] = {
	{ "kind", NULL },
	{ "name", NULL },
	{ "uid", NULL },
	{ "controller", NULL },
	{ NULL, NULL },
};

/* The store's identity fields under metadata (store.c: key, name,
 * namespace, resourceVersion, creationTimestamp, controller owner,
 * labels), and deletionTimestamp, which printers read. */
#define META_IDENTITY \
	{ "name", NULL }, \
	{ "namespace", NULL }, \
	{ "uid", NULL }, \
	{ "resourceVersion", NULL }, \
	{ "creationTimestamp", NULL }, \
	{ "deletionTimestamp", NULL }, \
	{ "labels", NULL }, \
	{ "ownerReferences", owner_ref }

static const struct json_proj meta_identity[] = {
	META_IDENTITY,
	{ NULL, NULL },
};

/* spec.selector.matchLabels, the store's selector of a workload. */
static const struct json_proj selector[] = {
	{ "matchLabels", NULL },
	{ NULL, NULL },
};

/* The top-level members the store reads of any object: metadata, and an
 * Alertmanager object's fingerprint, id, labels and startsAt. */
#define TOP_IDENTITY(meta) \
	{ "metadata", meta }, \
	{ "fingerprint", NULL }, \
	{ "id", NULL }, \
	{ "labels", NULL }, \
	{ "startsAt", NULL }

/* Everything but the bulk no row reads. */
static const struct json_proj generic_annotations[] = {
	{ "kubectl.kubernetes.io/last-applied-configuration", json_proj_drop },
	{ "*", NULL },
	{ NULL, NULL },
};
static const struct json_proj generic_meta[] = {
	{ "managedFields", json_proj_drop },
	{ "annotations", generic_annotations },
	{ "*", NULL },
	{ NULL, NULL },
};
static const struct json_proj generic[] = {
	{ "metadata", generic_meta },
	{ "*", NULL },
	{ NULL, NULL },
};

/* Pods (print_pod and its helpers). */
static const struct json_proj pod_init_container[] = {
	{ "name", NULL },
	{ "restartPolicy", NULL },
	{ NULL, NULL },
};
static const struct json_proj pod_spec[] = {
	{ "containers", keep_none },		/* counted */
	{ "initContainers", pod_init_container },
	{ "nodeName", NULL },
	{ "readinessGates", NULL },
	{ "selector", selector },
	{ NULL, NULL },
};
static const struct json_proj pod_condition[] = {
	{ "type", NULL },
	{ "status", NULL },
	{ "reason", NULL },
	{ "lastTransitionTime", NULL },
	{ NULL, NULL },
};
static const struct json_proj pod_terminated_at[] = {
	{ "finishedAt", NULL },
	{ NULL, NULL },
};
static const struct json_proj pod_last_state[] = {
	{ "terminated", pod_terminated_at },
	{ NULL, NULL },
};
static const struct json_proj pod_waiting[] = {
	{ "reason", NULL },
	{ NULL, NULL },
};
static const struct json_proj pod_terminated[] = {
	{ "reason", NULL },
	{ "signal", NULL },
	{ "exitCode", NULL },
	{ NULL, NULL },
};
static const struct json_proj pod_state[] = {
	{ "waiting", pod_waiting },
	{ "terminated", pod_terminated },
	{ "running", keep_none },
	{ NULL, NULL },
};
static const struct json_proj pod_container_status[] = {
	{ "name", NULL },
	{ "restartCount", NULL },
	{ "lastState", pod_last_state },
	{ "state", pod_state },
	{ "started", NULL },
	{ "ready", NULL },
	{ NULL, NULL },
};
static const struct json_proj pod_ip[] = {
	{ "ip", NULL },
	{ NULL, NULL },
};
static const struct json_proj pod_status[] = {
	{ "phase", NULL },
	{ "reason", NULL },
	{ "conditions", pod_condition },
	{ "initContainerStatuses", pod_container_status },
	{ "containerStatuses", pod_container_status },
	{ "podIPs", pod_ip },
	{ "podIP", NULL },
	{ "nominatedNodeName", NULL },
	{ "startTime", NULL },
	{ NULL, NULL },
};
static const struct json_proj pods[] = {
	TOP_IDENTITY(meta_identity),
	{ "spec", pod_spec },
	{ "status", pod_status },
	{ NULL, NULL },
};

/* Resource usage (print_metrics, metrics_usage): a NodeMetrics' usage, a
 * PodMetrics' containers' usage. */
static const struct json_proj usage_container[] = {
	{ "usage", NULL },
	{ NULL, NULL },
};
static const struct json_proj usage[] = {
	TOP_IDENTITY(meta_identity),
	{ "usage", NULL },
	{ "containers", usage_container },
	{ NULL, NULL },
};

/* What the metrics poll reads to tell whether a row's usage moved
 * (reflector.c: its store key and metrics_usage). */
static const struct json_proj usage_key_meta[] = {
	{ "name", NULL },
	{ "namespace", NULL },
	{ NULL, NULL },
};
const struct json_proj projection_usage_key[] = {
	{ "metadata", usage_key_meta },
	{ "usage", NULL },
	{ "containers", usage_container },
	{ NULL, NULL },
};

static const struct {
	const struct printer	*printer;
	const struct json_proj	*proj;
} projections[] = {
	{ &printer_pods, pods },
	{ &printer_pod_metrics, usage },
	{ &printer_node_metrics, usage },
};

const struct json_proj *
projection_for(const struct printer *p)
{
	size_t i;

	for (i = 0; i < sizeof projections / sizeof projections[0]; i++) {
		if (projections[i].printer == p)
			return projections[i].proj;
	}
	return p->print != NULL ? generic : NULL;
}
