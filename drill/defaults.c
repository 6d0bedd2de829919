/* The API's field defaults, as a real API server fills them when it decodes
 * a create, update or patch (the SetDefaults functions of k8s.io/api's
 * types): what kubectl get -o yaml and describe then read back. Admission
 * plugins (service account, priority, default tolerations) and allocators
 * (cluster IPs) are not defaults and are not done here. */
#include <string.h>

#include "opsdeck/sim.h"
#include "drill.h"

/* Set key of obj to v (stolen) if obj has no such key; v freed otherwise. */
static void
def(json_t *obj, const char *key, json_t *v)
{
	if (json_is_object(obj) && json_object_get(obj, key) == NULL)
		json_object_set_new(obj, key, v);
	else
		json_decref(v);
}

/* The object at key of obj, made if missing (NULL if obj is no object). */
static json_t *
sub(json_t *obj, const char *key)
{
	json_t	*v;

	if (!json_is_object(obj))
		return NULL;
	v = json_object_get(obj, key);
	if (v == NULL) {
		v = json_object();
		json_object_set_new(obj, key, v);
	}
	return json_is_object(v) ? v : NULL;
}

/* Always for an image without a tag or tagged latest; IfNotPresent else. */
static const char *
pull_policy(const char *image)
{
	const char	*slash, *colon;

	if (image == NULL || strchr(image, '@') != NULL)
		return "IfNotPresent";
	slash = strrchr(image, '/');
	colon = strrchr(slash != NULL ? slash : image, ':');
	if (colon == NULL || strcmp(colon, ":latest") == 0)
		return "Always";
	return "IfNotPresent";
}

static void
probe_defaults(json_t *probe)
{
	json_t	*get;

	if (!json_is_object(probe))
		return;
	def(probe, "timeoutSeconds", json_integer(1));
	def(probe, "periodSeconds", json_integer(10));
	def(probe, "successThreshold", json_integer(1));
	def(probe, "failureThreshold", json_integer(3));
	get = json_object_get(probe, "httpGet");
	if (json_is_object(get)) {
		def(get, "path", json_string("/"));
		def(get, "scheme", json_string("HTTP"));
	}
}

static void
containers_defaults(json_t *list)
{
	json_t	*c, *p;
	size_t	 i, j;

	json_array_foreach(list, i, c) {
		if (!json_is_object(c))
			continue;
		def(c, "imagePullPolicy", json_string(pull_policy(
		    json_string_value(json_object_get(c, "image")))));
		def(c, "terminationMessagePath", json_string("/dev/termination-log"));
		def(c, "terminationMessagePolicy", json_string("File"));
		json_array_foreach(json_object_get(c, "ports"), j, p)
			def(p, "protocol", json_string("TCP"));
		probe_defaults(json_object_get(c, "readinessProbe"));
		probe_defaults(json_object_get(c, "livenessProbe"));
		probe_defaults(json_object_get(c, "startupProbe"));
	}
}

static void
pod_spec_defaults(json_t *spec)
{
	if (!json_is_object(spec))
		return;
	def(spec, "restartPolicy", json_string("Always"));
	def(spec, "terminationGracePeriodSeconds", json_integer(30));
	def(spec, "dnsPolicy", json_string("ClusterFirst"));
	def(spec, "securityContext", json_object());
	def(spec, "schedulerName", json_string("default-scheduler"));
	containers_defaults(json_object_get(spec, "containers"));
	containers_defaults(json_object_get(spec, "initContainers"));
}

/* spec.template.spec of a workload. */
static void
template_defaults(json_t *spec)
{
	pod_spec_defaults(json_object_get(json_object_get(spec, "template"), "spec"));
}

static void
job_spec_defaults(json_t *spec)
{
	if (!json_is_object(spec))
		return;
	if (json_object_get(spec, "completions") == NULL &&
	    json_object_get(spec, "parallelism") == NULL)
		def(spec, "completions", json_integer(1));
	def(spec, "parallelism", json_integer(1));
	def(spec, "backoffLimit", json_integer(6));
	def(spec, "completionMode", json_string("NonIndexed"));
	def(spec, "suspend", json_false());
	def(spec, "podReplacementPolicy", json_string("TerminatingOrFailed"));
	template_defaults(spec);
}

void
drill_defaults(const struct kind *res, json_t *obj)
{
	json_t		*spec = json_object_get(obj, "spec"), *s, *p;
	const char	*r = res->resource, *type;
	size_t		 i;

	if (!json_is_object(spec))
		return;
	if (strcmp(r, "pods") == 0) {
		pod_spec_defaults(spec);
		def(spec, "enableServiceLinks", json_true());
	} else if (strcmp(r, "deployments") == 0) {
		def(spec, "replicas", json_integer(1));
		s = sub(spec, "strategy");
		def(s, "type", json_string("RollingUpdate"));
		type = json_string_value(json_object_get(s, "type"));
		if (type != NULL && strcmp(type, "RollingUpdate") == 0) {
			p = sub(s, "rollingUpdate");
			def(p, "maxUnavailable", json_string("25%"));
			def(p, "maxSurge", json_string("25%"));
		}
		def(spec, "revisionHistoryLimit", json_integer(10));
		def(spec, "progressDeadlineSeconds", json_integer(600));
		template_defaults(spec);
	} else if (strcmp(r, "statefulsets") == 0) {
		def(spec, "replicas", json_integer(1));
		def(spec, "podManagementPolicy", json_string("OrderedReady"));
		s = sub(spec, "updateStrategy");
		def(s, "type", json_string("RollingUpdate"));
		type = json_string_value(json_object_get(s, "type"));
		if (type != NULL && strcmp(type, "RollingUpdate") == 0)
			def(sub(s, "rollingUpdate"), "partition", json_integer(0));
		def(spec, "revisionHistoryLimit", json_integer(10));
		s = sub(spec, "persistentVolumeClaimRetentionPolicy");
		def(s, "whenDeleted", json_string("Retain"));
		def(s, "whenScaled", json_string("Retain"));
		template_defaults(spec);
	} else if (strcmp(r, "daemonsets") == 0) {
		s = sub(spec, "updateStrategy");
		def(s, "type", json_string("RollingUpdate"));
		type = json_string_value(json_object_get(s, "type"));
		if (type != NULL && strcmp(type, "RollingUpdate") == 0) {
			p = sub(s, "rollingUpdate");
			def(p, "maxUnavailable", json_integer(1));
			def(p, "maxSurge", json_integer(0));
		}
		def(spec, "revisionHistoryLimit", json_integer(10));
		template_defaults(spec);
	} else if (strcmp(r, "replicasets") == 0) {
		def(spec, "replicas", json_integer(1));
		template_defaults(spec);
	} else if (strcmp(r, "jobs") == 0) {
		job_spec_defaults(spec);
	} else if (strcmp(r, "cronjobs") == 0) {
		def(spec, "concurrencyPolicy", json_string("Allow"));
		def(spec, "suspend", json_false());
		def(spec, "successfulJobsHistoryLimit", json_integer(3));
		def(spec, "failedJobsHistoryLimit", json_integer(1));
		template_defaults(json_object_get(json_object_get(spec, "jobTemplate"), "spec"));
	} else if (strcmp(r, "services") == 0) {
		def(spec, "type", json_string("ClusterIP"));
		def(spec, "sessionAffinity", json_string("None"));
		type = json_string_value(json_object_get(spec, "type"));
		if (type != NULL && strcmp(type, "ExternalName") != 0)
			def(spec, "internalTrafficPolicy", json_string("Cluster"));
		json_array_foreach(json_object_get(spec, "ports"), i, p) {
			def(p, "protocol", json_string("TCP"));
			if (json_is_object(p) && json_object_get(p, "port") != NULL)
				def(p, "targetPort", json_deep_copy(json_object_get(p, "port")));
		}
	} else if (strcmp(r, "horizontalpodautoscalers") == 0) {
		def(spec, "minReplicas", json_integer(1));
		s = json_object_get(spec, "metrics");
		if (s == NULL || (json_is_array(s) && json_array_size(s) == 0))
			json_object_set_new(spec, "metrics", json_pack("[{s:s,s:{s:s,s:{s:s,s:i}}}]",
			    "type", "Resource", "resource", "name", "cpu", "target", "type",
			    "Utilization", "averageUtilization", 80));
	}
}
