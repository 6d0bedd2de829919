/* Table printers for pod disruption budgets, namespaces and services. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "opsdeck/buf.h"
#include "opsdeck/json_util.h"
#include "opsdeck/printers.h"
#include "opsdeck/xmalloc.h"

#include "printers_int.h"

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
PRINTER(printer_pdb, "poddisruptionbudgets", "PodDisruptionBudget", pdb_columns, print_pdb);
PRINTER(printer_namespaces, "namespaces", "Namespace", namespace_columns, print_namespace);
PRINTER(printer_services, "services", "Service", service_columns, print_service);
