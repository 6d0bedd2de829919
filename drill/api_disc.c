/* The drill API's discovery: /version, the API groups and resource
 * lists, and the OpenAPI v3 documents kubectl reads. */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "opsdeck/buf.h"
#include "opsdeck/json_util.h"
#include "opsdeck/xmalloc.h"
#include "drill.h"
#include "api_int.h"

/* Emit /version. */
void
api_version(struct drill_req *req, struct drill_resp *resp, const struct path_match *m)
{
	resp_json(resp, 200, json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s}",
	    "major", "1", "minor", "30", "gitVersion", "v1.30.0-opsdeck-drill",
	    "gitCommit", "0000000000000000000000000000000000000000", "gitTreeState", "clean",
	    "buildDate", "2026-01-01T00:00:00Z", "goVersion", "go1.22.0",
	    "compiler", "gc", "platform", "linux/amd64"));
}

/* The group-version strings served, each once, in kind table order. */
static size_t
group_versions(const char *group, const char **out, size_t max)
{
	size_t	i, j, n = 0;

	for (i = 0; i < nkinds && n < max; i++) {
		if (!kind_on_api(&kinds[i]) ||
		    (group != NULL && strcmp(kinds[i].group, group) != 0))
			continue;
		for (j = 0; j < n; j++) {
			if (strcmp(out[j], kinds[i].version) == 0)
				break;
		}
		if (j == n)
			out[n++] = kinds[i].version;
	}
	return n;
}

/* The APIGroup document of group. */
static json_t *
api_group(const char *group)
{
	const char	*vers[8];
	json_t		*versions;
	size_t		 n, i;
	char		 gv[160];

	n = group_versions(group, vers, 8);
	versions = json_array();
	for (i = 0; i < n; i++) {
		snprintf(gv, sizeof gv, "%s/%s", group, vers[i]);
		json_array_append_new(versions, json_pack("{s:s,s:s}", "groupVersion", gv,
		    "version", vers[i]));
	}
	snprintf(gv, sizeof gv, "%s/%s", group, n > 0 ? vers[0] : "v1");
	return json_pack("{s:s,s:s,s:s,s:o,s:{s:s,s:s}}", "kind", "APIGroup", "apiVersion", "v1",
	    "name", group, "versions", versions, "preferredVersion", "groupVersion", gv,
	    "version", n > 0 ? vers[0] : "v1");
}

/* /apis: every group. */
void
api_groups(struct drill_req *req, struct drill_resp *resp, const struct path_match *m)
{
	json_t	*groups;
	size_t	 i, j;

	groups = json_array();
	for (i = 0; i < nkinds; i++) {
		if (!kind_on_api(&kinds[i]) || *kinds[i].group == '\0')
			continue;
		for (j = 0; j < i; j++) {
			if (strcmp(kinds[j].group, kinds[i].group) == 0)
				break;
		}
		if (j < i)
			continue;
		json_t *g = api_group(kinds[i].group);

		json_object_del(g, "kind");
		json_object_del(g, "apiVersion");
		json_array_append_new(groups, g);
	}
	resp_json(resp, 200, json_pack("{s:s,s:s,s:o}", "kind", "APIGroupList", "apiVersion",
	    "v1", "groups", groups));
}

/* Add a subresource entry to an APIResourceList. */
static void
add_subresource(json_t *list, const struct kind *r, const char *sub)
{
	char	 name[160];
	json_t	*e;

	snprintf(name, sizeof name, "%s/%s", r->resource, sub);
	e = json_pack("{s:s,s:s,s:b}", "name", name, "singularName", "", "namespaced",
	    r->namespaced);
	if (strcmp(sub, "scale") == 0) {
		json_object_set_new(e, "group", json_string("autoscaling"));
		json_object_set_new(e, "version", json_string("v1"));
		json_object_set_new(e, "kind", json_string("Scale"));
		json_object_set_new(e, "verbs", json_csv_array("get,patch,update"));
	} else if (strcmp(sub, "status") == 0) {
		json_object_set_new(e, "kind", json_string(r->kind));
		json_object_set_new(e, "verbs", json_csv_array("get,patch,update"));
	} else if (strcmp(sub, "log") == 0) {
		json_object_set_new(e, "kind", json_string("Pod"));
		json_object_set_new(e, "verbs", json_csv_array("get"));
	} else if (strcmp(sub, "ephemeralcontainers") == 0) {
		json_object_set_new(e, "kind", json_string("Pod"));
		json_object_set_new(e, "verbs", json_csv_array("get,patch,update"));
	} else if (strcmp(sub, "exec") == 0 || strcmp(sub, "attach") == 0 ||
	    strcmp(sub, "portforward") == 0) {
		json_object_set_new(e, "kind", json_string(strcmp(sub, "exec") == 0 ?
		    "PodExecOptions" : strcmp(sub, "attach") == 0 ? "PodAttachOptions" :
		    "PodPortForwardOptions"));
		json_object_set_new(e, "verbs", json_csv_array("create,get"));
	} else if (strcmp(sub, "eviction") == 0) {
		json_object_set_new(e, "group", json_string("policy"));
		json_object_set_new(e, "version", json_string("v1"));
		json_object_set_new(e, "kind", json_string("Eviction"));
		json_object_set_new(e, "verbs", json_csv_array("create"));
	} else {
		json_object_set_new(e, "kind", json_string("ServiceProxyOptions"));
		json_object_set_new(e, "verbs", json_csv_array("create,delete,get,patch,update"));
	}
	json_array_append_new(list, e);
}

/* An APIResourceList for group/version; 404 if not served. */
static void
api_resource_list(struct drill_resp *resp, const char *group, const char *version)
{
	json_t		*list, *e;
	char		 gv[160], sub[64];
	const char	*s, *end;
	size_t		 i, n = 0;

	list = json_array();
	for (i = 0; i < nkinds; i++) {
		const struct kind *r = &kinds[i];

		if (!kind_on_api(r) || strcmp(r->group, group) != 0 ||
		    strcmp(r->version, version) != 0)
			continue;
		n++;
		e = json_pack("{s:s,s:s,s:b,s:s,s:o}", "name", r->resource, "singularName",
		    r->singular, "namespaced", r->namespaced, "kind", r->kind, "verbs",
		    json_csv_array(r->verbs));
		if (*r->short_names != '\0')
			json_object_set_new(e, "shortNames", json_csv_array(r->short_names));
		if (*r->categories != '\0')
			json_object_set_new(e, "categories", json_csv_array(r->categories));
		json_array_append_new(list, e);
		for (s = r->subresources; *s != '\0'; s = *end == ',' ? end + 1 : end) {
			end = s + strcspn(s, ",");
			if ((size_t)(end - s) < sizeof sub) {
				memcpy(sub, s, (size_t)(end - s));
				sub[end - s] = '\0';
				add_subresource(list, r, sub);
			}
		}
	}
	if (n == 0) {
		json_decref(list);
		not_served(resp);
		return;
	}
	if (*group == '\0')
		snprintf(gv, sizeof gv, "%s", version);
	else
		snprintf(gv, sizeof gv, "%s/%s", group, version);
	resp_json(resp, 200, json_pack("{s:s,s:s,s:s,s:o}", "kind", "APIResourceList",
	    "apiVersion", "v1", "groupVersion", gv, "resources", list));
}

/* The OpenAPI v3 index: one entry per served group version. */
static json_t *
openapi_index(void)
{
	json_t	*paths = json_object();
	char	 key[160], url[200];
	size_t	 i;

	for (i = 0; i < nkinds; i++) {
		const struct kind *r = &kinds[i];

		if (r->source != KIND_API)
			continue;
		if (*r->group == '\0')
			snprintf(key, sizeof key, "api/%s", r->version);
		else
			snprintf(key, sizeof key, "apis/%s/%s", r->group, r->version);
		snprintf(url, sizeof url, "/openapi/v3/%s?hash=%s", key, OPSDECK_VERSION);
		json_object_set_new(paths, key, json_pack("{s:s}", "serverRelativeURL", url));
	}
	return json_pack("{s:o}", "paths", paths);
}

/* The OpenAPI v3 document of one group version: enough for kubectl to see
 * that the server validates fields itself (fieldValidation on PATCH, POST
 * and PUT) and that every kind has an open schema. */
static void
api_openapi_v3(struct drill_resp *resp, const char *gv)
{
	json_t		*paths, *schemas, *gvk, *params, *op;
	char		 path[256], item[300], sname[256], want[160];
	const char	*q;
	size_t		 i, n = 0, gvlen;

	if (gv == NULL) {
		resp_json(resp, 200, openapi_index());
		return;
	}
	q = strchr(gv, '?');
	gvlen = q != NULL ? (size_t)(q - gv) : strlen(gv);
	paths = json_object();
	schemas = json_object();
	for (i = 0; i < nkinds; i++) {
		const struct kind *r = &kinds[i];

		if (r->source != KIND_API)
			continue;
		if (*r->group == '\0')
			snprintf(want, sizeof want, "api/%s", r->version);
		else
			snprintf(want, sizeof want, "apis/%s/%s", r->group, r->version);
		if (strlen(want) != gvlen || strncmp(want, gv, gvlen) != 0)
			continue;
		n++;
		if (r->namespaced)
			snprintf(path, sizeof path, "/%s/namespaces/{namespace}/%s", want,
			    r->resource);
		else
			snprintf(path, sizeof path, "/%s/%s", want, r->resource);
		snprintf(item, sizeof item, "%s/{name}", path);
		gvk = json_pack("{s:s,s:s,s:s}", "group", r->group, "version", r->version,
		    "kind", r->kind);
		params = json_pack("[{s:s,s:s,s:{s:s}},{s:s,s:s,s:{s:s}},{s:s,s:s,s:{s:s}}]",
		    "name", "fieldValidation", "in", "query", "schema", "type", "string",
		    "name", "dryRun", "in", "query", "schema", "type", "string",
		    "name", "fieldManager", "in", "query", "schema", "type", "string");
		op = json_pack("{s:O,s:O}", "parameters", params,
		    "x-kubernetes-group-version-kind", gvk);
		json_object_set_new(paths, path, json_pack("{s:o}", "post", op));
		json_object_set_new(paths, item, json_pack("{s:O,s:O}", "patch", op, "put", op));
		json_decref(params);
		snprintf(sname, sizeof sname, "%s.%s.%s", *r->group != '\0' ? r->group : "core",
		    r->version, r->kind);
		json_object_set_new(schemas, sname, json_pack("{s:s,s:b,s:[O]}", "type",
		    "object", "x-kubernetes-preserve-unknown-fields", 1,
		    "x-kubernetes-group-version-kind", gvk));
		json_decref(gvk);
	}
	if (n == 0) {
		json_decref(paths);
		json_decref(schemas);
		not_served(resp);
		return;
	}
	resp_json(resp, 200, json_pack("{s:s,s:{s:s,s:s},s:o,s:{s:o}}", "openapi", "3.0.0",
	    "info", "title", "Kubernetes", "version", "v1.30.0", "paths", paths,
	    "components", "schemas", schemas));
}

/* /api: the core group's versions. */
void
route_core_versions(struct drill_req *req, struct drill_resp *resp, const struct path_match *m)
{
	char	*addr = xasprintf("127.0.0.1:%d", req->cluster->port);

	resp_json(resp, 200, json_pack("{s:s,s:[s],s:[{s:s,s:s}]}", "kind",
	    "APIVersions", "versions", "v1", "serverAddressByClientCIDRs",
	    "clientCIDR", "0.0.0.0/0", "serverAddress", addr));
	free(addr);
}

/* apis/GROUP */
void
route_group(struct drill_req *req, struct drill_resp *resp, const struct path_match *m)
{
	const char	*vers[4];

	if (group_versions(m->seg[1], vers, 4) == 0)
		not_served(resp);
	else
		resp_json(resp, 200, api_group(m->seg[1]));
}

/* api/VERSION, apis/GROUP/VERSION */
void
route_resources(struct drill_req *req, struct drill_resp *resp, const struct path_match *m)
{
	api_resource_list(resp, m->n == 2 ? "" : m->seg[1], m->seg[m->n - 1]);
}

/* openapi/v3 and its group versions. */
void
route_openapi(struct drill_req *req, struct drill_resp *resp, const struct path_match *m)
{
	api_openapi_v3(resp, m->n == 2 ? NULL : req->path + strlen("/openapi/v3/"));
}
