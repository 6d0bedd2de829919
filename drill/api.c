/* The Kubernetes API of the drill simulator: the routes (request paths,
 * then verbs on resources), their dispatch and authorisation. Reads are in
 * api_read.c, writes in api_write.c, subresources in api_sub.c, discovery
 * in api_disc.c, the drill's own endpoints in api_drill.c; the replies they
 * all send are in api_reply.c. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "opsdeck/sim.h"
#include "opsdeck/xmalloc.h"
#include "drill.h"
#include "api_int.h"
#include "sim_store.h"

/* Free a target. */
static void
target_free(struct target *t)
{
	free(t->ns);
	free(t->name);
	free(t->sub);
	free(t->rest);
}

/* Split path into at most max segments (new strings); returns count. */
static size_t
split_path(const char *path, char **seg, size_t max, char **rest_after)
{
	const char	*p = path, *slash;
	size_t		 n = 0;

	*rest_after = NULL;
	while (*p == '/')
		p++;
	while (*p != '\0' && n < max) {
		slash = strchr(p, '/');
		seg[n++] = xstrndup(p, slash != NULL ? (size_t)(slash - p) : strlen(p));
		if (slash == NULL) {
			p += strlen(p);
			break;
		}
		p = slash + 1;
		if (n >= 2 && strcmp(seg[n - 1], "proxy") == 0) {
			*rest_after = xstrdup(p);
			return n;
		}
	}
	if (*p != '\0')
		*rest_after = xstrdup(p);
	return n;
}

/* Is verb allowed for user on (resource, sub)? */
static int
user_allowed(enum drill_user user, const char *verb, const char *resource)
{
	if (user == DRILL_USER_ADMIN)
		return 1;
	if (user != DRILL_USER_VIEWER)
		return 0;
	/* system:basic-user: every authenticated user may ask who it is and
	 * what it may do */
	if (resource != NULL && (strcmp(resource, "selfsubjectaccessreviews") == 0 ||
	    strcmp(resource, "selfsubjectreviews") == 0))
		return strcmp(verb, "create") == 0;
	return strcmp(verb, "get") == 0 || strcmp(verb, "list") == 0 ||
	    strcmp(verb, "watch") == 0;
}

/* The 403 Forbidden answer in the API server's words. */
static void
api_forbidden(struct drill_resp *resp, struct drill_req *req, struct target *t)
{
	char	 q[160], rs[200], *msg, *scope;
	json_t	*st;

	sim_resource_qualified(t->res, q, sizeof q);
	if (t->sub != NULL)
		snprintf(rs, sizeof rs, "%s/%s", t->res->resource, t->sub);
	else
		snprintf(rs, sizeof rs, "%s", t->res->resource);
	if (t->res->namespaced && t->ns != NULL)
		scope = xasprintf("in the namespace \"%s\"", t->ns);
	else
		scope = xstrdup("at the cluster scope");
	if (t->name != NULL)
		msg = xasprintf("%s \"%s\" is forbidden: User \"%s\" cannot %s resource \"%s\" "
		    "in API group \"%s\" %s", q, t->name, req->user_name, t->verb, rs,
		    t->res->group, scope);
	else
		msg = xasprintf("%s is forbidden: User \"%s\" cannot %s resource \"%s\" in API "
		    "group \"%s\" %s", q, req->user_name, t->verb, rs, t->res->group, scope);
	st = status_object(403, "Forbidden", msg, t->res->group, t->res->resource, t->name);
	resp_json(resp, 403, st);
	free(msg);
	free(scope);
}

/* Answer "not found" for t. */
static void
not_found(struct drill_resp *resp, struct target *t)
{
	char	 q[160], *msg;

	sim_resource_qualified(t->res, q, sizeof q);
	msg = xasprintf("%s \"%s\" not found", q, t->name);
	api_error(resp, 404, "NotFound", msg, t->res, t->name);
	free(msg);
}

/* Answer a SelfSubjectAccessReview. */
static void
api_ssar(struct drill_req *req, struct drill_resp *resp, json_t *body)
{
	json_t		*ra, *status;
	const char	*verb, *resource;
	int		 allowed;

	ra = json_object_get(json_object_get(body, "spec"), "resourceAttributes");
	verb = json_string_value(json_object_get(ra, "verb"));
	resource = json_string_value(json_object_get(ra, "resource"));
	if (ra == NULL && json_object_get(json_object_get(body, "spec"),
	    "nonResourceAttributes") != NULL) {
		verb = json_string_value(json_object_get(json_object_get(
		    json_object_get(body, "spec"), "nonResourceAttributes"), "verb"));
		resource = NULL;
	}
	allowed = verb != NULL && user_allowed(req->user, verb, resource);
	if (verb != NULL && strcmp(verb, "*") == 0)
		allowed = req->user == DRILL_USER_ADMIN;
	status = json_pack("{s:b}", "allowed", allowed);
	/* a real RBAC authorizer names what allowed it */
	if (allowed && req->user == DRILL_USER_ADMIN)
		json_object_set_new(status, "reason", json_string("RBAC: allowed by "
		    "ClusterRoleBinding \"cluster-admin\" of ClusterRole \"cluster-admin\" to "
		    "Group \"system:masters\""));
	else if (allowed)
		json_object_set_new(status, "reason", json_string("RBAC: allowed by "
		    "ClusterRoleBinding \"drill-viewers-view\" of ClusterRole \"view\" to "
		    "Group \"drill-viewers\""));
	json_object_set_new(body, "status", status);
	json_object_set_new(body, "apiVersion", json_string("authorization.k8s.io/v1"));
	json_object_set_new(body, "kind", json_string("SelfSubjectAccessReview"));
	if (!json_is_object(json_object_get(body, "metadata")))
		json_object_set_new(body, "metadata", json_object());
	resp_object(resp, 201, body);
}

/* Answer a SelfSubjectReview (`kubectl auth whoami`): the user the drill
 * authenticated, with the groups a real API server gives it (the admin
 * certificate's organisation, the viewers' group; every authenticated user
 * is in system:authenticated). */
static void
api_ssr(struct drill_req *req, struct drill_resp *resp, json_t *body)
{
	json_t *groups = json_array(), *ui;
	char *id = NULL;

	if (strcmp(req->user_name, "drill-admin") == 0) {
		json_array_append_new(groups, json_string("system:masters"));
		/* the x509 authenticator names the certificate */
		id = drill_cert_credential_id(req->creds->client_cert);
	} else if (req->user == DRILL_USER_VIEWER)
		json_array_append_new(groups, json_string("drill-viewers"));
	json_array_append_new(groups, json_string("system:authenticated"));
	ui = json_pack("{s:s,s:o}", "username", req->user_name, "groups", groups);
	if (id != NULL)
		json_object_set_new(ui, "extra", json_pack("{s:[s]}",
		    "authentication.kubernetes.io/credential-id", id));
	free(id);
	json_object_set_new(body, "status", json_pack("{s:o}", "userInfo", ui));
	json_object_set_new(body, "apiVersion", json_string("authentication.k8s.io/v1"));
	json_object_set_new(body, "kind", json_string("SelfSubjectReview"));
	json_object_del(body, "spec");
	if (!json_is_object(json_object_get(body, "metadata")))
		json_object_set_new(body, "metadata", json_object());
	resp_object(resp, 201, body);
}

/* Work out the verb of a request on t. */
static const char *
request_verb(struct drill_req *req, struct target *t)
{
	const char	*m = req->method;

	if (t->sub != NULL && strcmp(t->sub, "proxy") == 0)
		return strcmp(m, "GET") == 0 ? "get" : strcmp(m, "POST") == 0 ? "create" :
		    strcmp(m, "PUT") == 0 ? "update" : strcmp(m, "PATCH") == 0 ? "patch" :
		    "delete";
	/* a stream upgrade is a create, whatever its method (as RBAC sees it) */
	if (t->sub != NULL && (strcmp(t->sub, "exec") == 0 || strcmp(t->sub, "attach") == 0 ||
	    strcmp(t->sub, "portforward") == 0))
		return strcmp(m, "GET") == 0 || strcmp(m, "POST") == 0 ? "create" : NULL;
	if (strcmp(m, "GET") == 0 || strcmp(m, "HEAD") == 0) {
		if (t->name == NULL)
			return arg_bool(req, "watch") ? "watch" : "list";
		return "get";
	}
	if (strcmp(m, "POST") == 0)
		return "create";
	if (strcmp(m, "PUT") == 0)
		return "update";
	if (strcmp(m, "PATCH") == 0)
		return "patch";
	if (strcmp(m, "DELETE") == 0)
		return t->name == NULL ? "deletecollection" : "delete";
	return NULL;
}

/* create selfsubjectaccessreviews or selfsubjectreviews; nothing else. */
static void
route_review(struct drill_req *req, struct drill_resp *resp, struct target *t, json_t *obj,
    int dry)
{
	json_t	*body;

	if (strcmp(t->verb, "create") != 0 || t->name != NULL) {
		not_allowed(resp);
		return;
	}
	body = body_object(req, resp);
	if (body != NULL && strcmp(t->res->resource, "selfsubjectreviews") == 0)
		api_ssr(req, resp, body);
	else if (body != NULL)
		api_ssar(req, resp, body);
	json_decref(body);
}

/* Where a resource route applies. */
enum route_scope {
	ON_ANY,			/* either */
	ON_COLLECTION,		/* no name in the path */
	ON_OBJECT,		/* a named object or its subresource */
};

/* One route of the verbs on resources. */
struct res_route {
	const char		*group;		/* NULL: any API group */
	const char		*resource;	/* NULL: any resource */
	enum route_scope	 scope;
	const char		*sub;		/* subresource; NULL: none */
	const char		*verb;		/* NULL: any */
	/* answered as it is: no dry run, no object looked up, no lock */
	int			 bare;
	/* a collection's handler runs without the lock (it takes it as it
	 * needs), an object's with it held */
	void			(*fn)(struct drill_req *, struct drill_resp *,
				    struct target *, json_t *obj, int dry);
};

/* Every verb on every resource, first match wins; none: 405. */
static const struct res_route res_routes[] = {
	{ "metrics.k8s.io", NULL, ON_ANY, NULL, NULL, 1, route_metrics },
	{ NULL, "selfsubjectaccessreviews", ON_ANY, NULL, NULL, 1, route_review },
	{ NULL, "selfsubjectreviews", ON_ANY, NULL, NULL, 1, route_review },

	{ NULL, NULL, ON_COLLECTION, NULL, "list", 0, route_list },
	{ NULL, NULL, ON_COLLECTION, NULL, "watch", 0, route_watch },
	{ NULL, NULL, ON_COLLECTION, NULL, "deletecollection", 0, route_delete_collection },
	{ NULL, NULL, ON_COLLECTION, NULL, "create", 0, route_create },

	{ NULL, NULL, ON_OBJECT, NULL, "get", 0, route_get },
	{ NULL, NULL, ON_OBJECT, NULL, "update", 0, route_update },
	{ NULL, NULL, ON_OBJECT, NULL, "patch", 0, api_patch },
	{ NULL, NULL, ON_OBJECT, NULL, "delete", 0, route_delete },
	{ NULL, NULL, ON_OBJECT, "status", "get", 0, route_get },
	{ NULL, NULL, ON_OBJECT, "status", "update", 0, route_update },
	{ NULL, NULL, ON_OBJECT, "status", "patch", 0, api_patch },
	{ NULL, NULL, ON_OBJECT, "scale", "get", 0, api_scale },
	{ NULL, NULL, ON_OBJECT, "scale", "update", 0, api_scale },
	{ NULL, NULL, ON_OBJECT, "scale", "patch", 0, api_scale },
	{ NULL, NULL, ON_OBJECT, "ephemeralcontainers", "get", 0, route_get },
	{ NULL, NULL, ON_OBJECT, "ephemeralcontainers", "patch", 0, api_patch },
	{ NULL, NULL, ON_OBJECT, "log", "get", 0, route_log },
	{ NULL, NULL, ON_OBJECT, "eviction", "create", 0, api_evict },
	{ NULL, NULL, ON_OBJECT, "exec", "create", 0, route_exec },
	{ NULL, NULL, ON_OBJECT, "attach", "create", 0, route_exec },
	{ NULL, NULL, ON_OBJECT, "portforward", "create", 0, route_portforward },
	{ NULL, NULL, ON_OBJECT, "proxy", NULL, 0, route_proxy },
};

/* The route of a request on t, or NULL. */
static const struct res_route *
res_route_find(const struct target *t)
{
	const struct res_route	*r;
	size_t			 i;

	for (i = 0; i < sizeof res_routes / sizeof res_routes[0]; i++) {
		r = &res_routes[i];
		if (r->group != NULL && strcmp(r->group, t->res->group) != 0)
			continue;
		if (r->resource != NULL && strcmp(r->resource, t->res->resource) != 0)
			continue;
		if ((r->scope == ON_COLLECTION && t->name != NULL) ||
		    (r->scope == ON_OBJECT && t->name == NULL))
			continue;
		if ((r->sub == NULL) != (t->sub == NULL) ||
		    (r->sub != NULL && strcmp(r->sub, t->sub) != 0))
			continue;
		if (r->verb != NULL && strcmp(r->verb, t->verb) != 0)
			continue;
		return r;
	}
	return NULL;
}

/* Answer a resource request: prefix gives group and version, seg the rest. */
static void
api_resource(struct drill_req *req, struct drill_resp *resp, const char *group,
    const char *version, char **seg, size_t nseg, const char *rest)
{
	struct sim_cluster	*c = req->cluster;
	const struct res_route	*route;
	struct target		 t;
	json_t			*obj;
	size_t			 i = 0;
	int			 dry, bad;

	memset(&t, 0, sizeof t);
	/* namespaces/NS/RESOURCE...; namespaces/NS alone is the namespace. */
	if (nseg >= 3 && strcmp(seg[0], "namespaces") == 0) {
		t.ns = xstrdup(seg[1]);
		i = 2;
	}
	if (i >= nseg)
		goto notfound;
	t.res = kind_find_api(group, seg[i]);
	if (t.res == NULL || strcmp(t.res->version, version) != 0)
		goto notfound;
	if (t.res->namespaced == false && t.ns != NULL)
		goto notfound;
	if (i + 1 < nseg)
		t.name = xstrdup(seg[i + 1]);
	if (i + 2 < nseg)
		t.sub = xstrdup(seg[i + 2]);
	if (i + 3 < nseg)
		goto notfound;
	if (t.sub != NULL && !has_sub(t.res, t.sub))
		goto notfound;
	if (t.sub != NULL && strcmp(t.sub, "proxy") == 0)
		t.rest = rest != NULL ? xstrdup(rest) : NULL;
	else if (rest != NULL)
		goto notfound;
	t.verb = request_verb(req, &t);
	if (t.verb == NULL) {
		not_allowed(resp);
		goto out;
	}
	if (!user_allowed(req->user, t.verb, t.res->resource)) {
		api_forbidden(resp, req, &t);
		goto out;
	}
	route = res_route_find(&t);
	if (route != NULL && route->bare) {
		route->fn(req, resp, &t, NULL, 0);
		goto out;
	}
	/* a namespaced kind is created in a namespace's path only */
	if (strcmp(t.verb, "create") == 0 && t.name == NULL && t.res->namespaced &&
	    t.ns == NULL)
		goto notallowed;
	dry = dry_run(req, resp, t.verb, &bad);
	if (bad)
		goto out;
	dry = delete_dry_run(req, t.verb, t.sub, dry);
	if (route == NULL && t.name == NULL)
		goto notallowed;
	if (t.name == NULL) {
		route->fn(req, resp, &t, NULL, dry);
		goto out;
	}

	sim_lock(c->sim);
	obj = sim_obj_get(c, t.res, t.ns, t.name);
	if (obj == NULL && !(t.sub != NULL && strcmp(t.sub, "proxy") == 0)) {
		bad = t.ns != NULL && !namespace_ok(c, t.res, t.ns) &&
		    strcmp(t.verb, "get") != 0;
		sim_unlock(c->sim);
		if (bad)
			ns_not_found(resp, t.ns);
		else
			not_found(resp, &t);
		goto out;
	}
	if (route != NULL)
		route->fn(req, resp, &t, obj, dry);
	sim_unlock(c->sim);
	if (route == NULL)
		not_allowed(resp);
	goto out;

notallowed:
	not_allowed(resp);
	goto out;
notfound:
	not_served(resp);
out:
	target_free(&t);
}

/* /healthz, /readyz, /livez. */
static void
route_health(struct drill_req *req, struct drill_resp *resp, const struct path_match *m)
{
	resp->status = 200;
	resp->content_type = "text/plain; charset=utf-8";
	resp->body = xstrdup("ok");
	resp->body_len = 2;
}

/* api/VERSION/..., apis/GROUP/VERSION/... */
static void
route_resource(struct drill_req *req, struct drill_resp *resp, const struct path_match *m)
{
	size_t	at = strcmp(m->seg[0], "api") == 0 ? 2 : 3;

	api_resource(req, resp, at == 2 ? "" : m->seg[1], m->seg[at - 1], m->seg + at,
	    m->n - at, m->rest);
}

/* One route of the request paths. */
struct path_route {
	/* "/..." the whole path exactly; otherwise its segments: a word is
	 * itself, "*" any one segment, a trailing "..." any further ones */
	const char	*shape;
	int		 open;		/* answered without credentials */
	void		(*fn)(struct drill_req *, struct drill_resp *,
			    const struct path_match *);
};

/* Every path the drill serves, first match wins; none: 404. */
static const struct path_route path_routes[] = {
	{ "/version", 1, api_version },
	{ "/version/", 1, api_version },
	{ "/healthz", 1, route_health },
	{ "/readyz", 1, route_health },
	{ "/livez", 1, route_health },
	{ "/drill/v1/reach", 0, api_reach },
	{ "/drill/v1/looks", 0, api_look },
	{ "/drill/v1/churn", 0, api_churn },
	{ "/drill/v1/status", 0, route_drill_status },
	{ "api", 0, route_core_versions },
	{ "apis", 0, api_groups },
	{ "api/*", 0, route_resources },
	{ "apis/*", 0, route_group },
	{ "apis/*/*", 0, route_resources },
	{ "openapi/v3...", 0, route_openapi },
	{ "api/*/*...", 0, route_resource },
	{ "apis/*/*/*...", 0, route_resource },
};

/* Does the path (raw, and its n segments) have the shape? */
static int
path_matches(const char *shape, const char *path, char **seg, size_t n)
{
	const char	*s = shape, *end;
	size_t		 i = 0, len;

	if (*shape == '/')
		return strcmp(shape, path) == 0;
	while (*s != '\0') {
		if (strcmp(s, "...") == 0)
			return 1;
		if (i >= n)
			return 0;
		end = s + strcspn(s, "/.");
		len = (size_t)(end - s);
		if (!(len == 1 && *s == '*') &&
		    (strlen(seg[i]) != len || strncmp(seg[i], s, len) != 0))
			return 0;
		i++;
		s = *end == '/' ? end + 1 : end;
	}
	return i == n;
}

/* Answer a request. */
void
drill_api_handle(struct drill_req *req, struct drill_resp *resp)
{
	const struct path_route	*route = NULL;
	struct path_match	 m;
	char			*seg[12], *rest = NULL;
	size_t			 n, i;

	n = split_path(req->path, seg, sizeof seg / sizeof seg[0], &rest);
	m.seg = seg;
	m.n = n;
	m.rest = rest;
	for (i = 0; i < sizeof path_routes / sizeof path_routes[0]; i++) {
		if (path_matches(path_routes[i].shape, req->path, seg, n)) {
			route = &path_routes[i];
			break;
		}
	}
	if ((route == NULL || !route->open) && req->user == DRILL_USER_NONE)
		drill_api_status(resp, 401, "Unauthorized", "Unauthorized", NULL, NULL);
	else if (route == NULL)
		not_served(resp);
	else
		route->fn(req, resp, &m);
	for (i = 0; i < n; i++)
		free(seg[i]);
	free(rest);
}
