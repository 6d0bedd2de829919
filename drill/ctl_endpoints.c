/* The Endpoints controller: for each Service with a selector, an Endpoints
 * object of the same name listing the pods it selects, as upstream's
 * endpoint controller does (pkg/controller/endpoint): one subset with the
 * ready pods' addresses, the others under notReadyAddresses, each naming
 * its pod (targetRef) and node, and the Service's ports resolved to the
 * pods' target ports. Pods being deleted or without an IP are left out;
 * a Service without pods has no subsets. The object is written only when
 * its subsets change, and removed with its Service (only one this
 * controller wrote). */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "opsdeck/json_util.h"
#include "opsdeck/sim.h"
#include "opsdeck/sim_ctl.h"
#include "opsdeck/xmalloc.h"

/* The pods of one Service, collected. */
struct ep_pass {
	json_t	*selector;	/* spec.selector (borrowed) */
	json_t	*ready;		/* addresses (owned) */
	json_t	*unready;	/* notReadyAddresses (owned) */
	json_t	*port_pod;	/* a selected pod, for named target ports (borrowed) */
};

/* Does every key=value of selector appear in the pod's labels? */
static bool
ep_selects(json_t *selector, json_t *pod)
{
	json_t *labels = json_path(pod, "metadata.labels"), *v, *have;
	const char *k;

	json_object_foreach(selector, k, v) {
		have = json_object_get(labels, k);
		if (!json_is_string(have) || !json_is_string(v) ||
		    strcmp(json_string_value(have), json_string_value(v)) != 0)
			return false;
	}
	return true;
}

/* Collect one pod of the Service's namespace. */
static int
ep_pod(json_t *pod, void *arg)
{
	struct ep_pass *ep = arg;
	const char *ip = json_path_str(pod, "status.podIP");
	json_t *addr;

	if (ip == NULL || json_path(pod, "metadata.deletionTimestamp") != NULL ||
	    !ep_selects(ep->selector, pod))
		return 0;
	addr = json_pack("{s:s,s:{s:s,s:s?,s:s?,s:s?}}", "ip", ip, "targetRef", "kind", "Pod",
	    "namespace", json_path_str(pod, "metadata.namespace"), "name",
	    json_path_str(pod, "metadata.name"), "uid", json_path_str(pod, "metadata.uid"));
	if (json_path_str(pod, "spec.nodeName") != NULL)
		json_object_set_new(addr, "nodeName", json_string(json_path_str(pod,
		    "spec.nodeName")));
	json_array_append_new(json_condition_true(pod, "Ready") ? ep->ready : ep->unready, addr);
	if (ep->port_pod == NULL)
		ep->port_pod = pod;
	return 0;
}

/* A Service port's target port on pod: a number as it is, a name looked up
 * in the pod's containers, none: the Service port. -1 when unresolved. */
static json_int_t
ep_target_port(json_t *sp, json_t *pod)
{
	json_t *tp = json_object_get(sp, "targetPort"), *c, *p;
	size_t i, j;

	if (json_is_integer(tp))
		return json_integer_value(tp);
	if (!json_is_string(tp))
		return json_path_int(sp, "port", -1);
	json_array_foreach(json_path(pod, "spec.containers"), i, c) {
		json_array_foreach(json_object_get(c, "ports"), j, p) {
			if (json_is_string(json_object_get(p, "name")) &&
			    strcmp(json_string_value(json_object_get(p, "name")),
			    json_string_value(tp)) == 0)
				return json_path_int(p, "containerPort", -1);
		}
	}
	return -1;
}

/* The subsets of one Service (new). */
static json_t *
ep_subsets(struct sim_cluster *c, json_t *svc)
{
	struct ep_pass ep;
	json_t *subsets = json_array(), *ports, *sp, *port, *sub;
	json_int_t n;
	size_t i;

	memset(&ep, 0, sizeof ep);
	ep.selector = json_path(svc, "spec.selector");
	ep.ready = json_array();
	ep.unready = json_array();
	sim_obj_foreach(c, kind_find_api("", "pods"), json_path_str(svc, "metadata.namespace"),
	    ep_pod, &ep);
	if (json_array_size(ep.ready) + json_array_size(ep.unready) > 0) {
		ports = json_array();
		json_array_foreach(json_path(svc, "spec.ports"), i, sp) {
			n = ep_target_port(sp, ep.port_pod);
			if (n < 0)
				continue;
			port = json_pack("{s:I,s:s}", "port", n, "protocol",
			    json_path_str_or(sp, "protocol", "TCP"));
			if (json_path_str(sp, "name") != NULL && *json_path_str(sp, "name") != '\0')
				json_object_set_new(port, "name", json_string(json_path_str(sp,
				    "name")));
			json_array_append_new(ports, port);
		}
		sub = json_object();
		if (json_array_size(ep.ready) > 0)
			json_object_set(sub, "addresses", ep.ready);
		if (json_array_size(ep.unready) > 0)
			json_object_set(sub, "notReadyAddresses", ep.unready);
		json_object_set_new(sub, "ports", ports);
		json_array_append_new(subsets, sub);
	}
	json_decref(ep.ready);
	json_decref(ep.unready);
	return subsets;
}

/* Keep one Service's Endpoints. */
static int
ep_service(json_t *svc, void *arg)
{
	struct sim_cluster *c = arg;
	const struct kind *res = kind_find_api("", "endpoints");
	const char *ns = json_path_str(svc, "metadata.namespace");
	const char *name = json_path_str(svc, "metadata.name");
	json_t *ep, *subsets, *old, *labels;
	char *cause = NULL, ts[40];

	if (ns == NULL || name == NULL || json_object_size(json_path(svc, "spec.selector")) == 0)
		return 0;	/* no selector: its Endpoints are someone else's */
	subsets = ep_subsets(c, svc);
	ep = sim_obj_get(c, res, ns, name);
	if (ep == NULL) {
		labels = json_path(svc, "metadata.labels");
		ctl_rfc3339(sim_wallclock(), ts, sizeof ts);
		ep = json_pack("{s:{s:s,s:s,s:O,s:{s:s}}}", "metadata", "name", name,
		    "namespace", ns, "labels", json_is_object(labels) ? labels : json_null(),
		    "annotations", "endpoints.kubernetes.io/last-change-trigger-time", ts);
		if (!json_is_object(labels))
			json_object_del(json_object_get(ep, "metadata"), "labels");
		if (json_array_size(subsets) > 0)
			json_object_set(ep, "subsets", subsets);
		if (sim_obj_create(c, res, ns, ep, NULL, &cause) != 0)
			free(cause);
		json_decref(subsets);
		return 0;
	}
	old = json_object_get(ep, "subsets");
	if ((old == NULL && json_array_size(subsets) == 0) || json_equal(old, subsets)) {
		json_decref(subsets);
		return 0;
	}
	if (json_array_size(subsets) > 0)
		json_object_set_new(ep, "subsets", subsets);
	else {
		json_object_del(ep, "subsets");
		json_decref(subsets);
	}
	sim_obj_modified(c, res, ep, false);
	return 0;
}

/* Is ep one this controller wrote whose Service is gone (the real one's
 * leftover check)? */
static bool
ep_orphaned(struct sim_cluster *c, json_t *ep, void *arg)
{
	const char *ns = json_path_str(ep, "metadata.namespace");
	const char *name = json_path_str(ep, "metadata.name");

	(void)arg;
	return ns != NULL && name != NULL && json_object_get(json_path(ep,
	    "metadata.annotations"), "endpoints.kubernetes.io/last-change-trigger-time") !=
	    NULL && sim_obj_get(c, kind_find_api("", "services"), ns, name) == NULL;
}

/* The Endpoints pass. */
void
ctl_endpoints_tick(struct sim_cluster *c)
{
	const struct kind *res = kind_find_api("", "endpoints");

	if (res == NULL)
		return;
	sim_obj_foreach(c, kind_find_api("", "services"), NULL, ep_service, c);
	ctl_delete_if(c, res, ep_orphaned, NULL);
}
