/* Internals shared by the drill API's files: api.c (routes, dispatch,
 * authorisation), api_reply.c (replies and request helpers), api_read.c,
 * api_write.c, api_sub.c, api_disc.c and api_drill.c. */
#ifndef OPSDECK_DRILL_API_INT_H
#define OPSDECK_DRILL_API_INT_H

#include <jansson.h>

#include "opsdeck/buf.h"
#include "drill.h"

/* One parsed field-selector requirement. */
struct freq {
	char	*key;
	char	*val;
	int	 neq;
};

/* A parsed request selection: the labels by the one selector engine, the
 * fields here (their keys depend on the kind). */
struct selector {
	struct label_selector	*l;	/* NULL: no label selector */
	struct freq		*f;
	size_t			 nf;
};

/* What a request addresses, parsed from its path. */
struct target {
	const struct kind		*res;
	char				*ns;		/* NULL: not namespaced path */
	char				*name;
	char				*sub;		/* subresource */
	char				*rest;		/* after proxy/ */
	const char			*verb;
};

/* A request path matched by a route: its segments, and what follows them
 * (after proxy/, or past the segment limit). */
struct path_match {
	char		**seg;
	size_t		  n;
	const char	 *rest;
};

/* Replies and request helpers (api_reply.c). */
void		 buf_json(struct buf *, json_t *);
const char	*field_value(json_t *obj, const char *path);
void		 resp_json(struct drill_resp *, int status, json_t *v);
void		 resp_buf(struct drill_resp *, int status, struct buf *, const char *ct);
json_t		*status_object(int code, const char *reason, const char *message,
		    const char *group, const char *kind, const char *name);
void		 api_error(struct drill_resp *, int code, const char *reason,
		    const char *message, const struct kind *res, const char *name);
void		 invalid_field(struct drill_resp *, const char *group, const char *kind,
		    const char *name, const char *field, const char *cause_reason,
		    const char *detail);
void		 not_served(struct drill_resp *);
void		 not_allowed(struct drill_resp *);
const char	*code_reason(int code);
void		 store_error(struct drill_resp *, int code, char *cause, const struct kind *res,
		    const char *name, int creating);
int		 arg_bool(struct drill_req *, const char *name);
json_t		*body_object(struct drill_req *, struct drill_resp *);
int		 has_sub(const struct kind *res, const char *sub);
int		 namespace_ok(struct sim_cluster *, const struct kind *res, const char *ns);
void		 ns_not_found(struct drill_resp *, const char *ns);
void		 resp_object(struct drill_resp *, int code, json_t *obj);

/* Selectors (api_read.c). */
void		 selector_free(struct selector *);
int		 selector_match(const struct selector *, json_t *obj);
int		 target_selector(struct drill_req *, struct drill_resp *, struct target *,
		    struct selector *);

/* Dry runs, and the writes the subresources share (api_write.c). */
int		 dry_run(struct drill_req *, struct drill_resp *, const char *verb, int *bad);
int		 delete_dry_run(struct drill_req *, const char *verb, const char *sub,
		    int query_dry);
void		 conflict(struct drill_resp *, struct target *);
void		 patch_error(struct drill_resp *, int rc, char *cause, struct target *);
void		 api_delete(struct drill_req *, struct drill_resp *, struct target *,
		    json_t *old, int dry, int eviction);

/* The handlers api.c's resource routes name: obj is the addressed object
 * (NULL on a collection, or a proxy's missing service), dry a dry run. */
void		 route_metrics(struct drill_req *, struct drill_resp *, struct target *,
		    json_t *obj, int dry);
void		 route_list(struct drill_req *, struct drill_resp *, struct target *,
		    json_t *obj, int dry);
void		 route_watch(struct drill_req *, struct drill_resp *, struct target *,
		    json_t *obj, int dry);
void		 route_get(struct drill_req *, struct drill_resp *, struct target *,
		    json_t *obj, int dry);
void		 route_delete_collection(struct drill_req *, struct drill_resp *,
		    struct target *, json_t *obj, int dry);
void		 route_create(struct drill_req *, struct drill_resp *, struct target *,
		    json_t *obj, int dry);
void		 route_update(struct drill_req *, struct drill_resp *, struct target *,
		    json_t *obj, int dry);
void		 api_patch(struct drill_req *, struct drill_resp *, struct target *,
		    json_t *old, int dry);
void		 route_delete(struct drill_req *, struct drill_resp *, struct target *,
		    json_t *obj, int dry);
void		 api_scale(struct drill_req *, struct drill_resp *, struct target *,
		    json_t *old, int dry);
void		 api_evict(struct drill_req *, struct drill_resp *, struct target *,
		    json_t *pod, int dry);
void		 route_log(struct drill_req *, struct drill_resp *, struct target *,
		    json_t *obj, int dry);
void		 route_exec(struct drill_req *, struct drill_resp *, struct target *,
		    json_t *obj, int dry);
void		 route_portforward(struct drill_req *, struct drill_resp *, struct target *,
		    json_t *obj, int dry);
void		 route_proxy(struct drill_req *, struct drill_resp *, struct target *,
		    json_t *obj, int dry);

/* The drill's own endpoints api.c's path routes name (api_drill.c). */
void		 api_reach(struct drill_req *, struct drill_resp *, const struct path_match *);
void		 api_look(struct drill_req *, struct drill_resp *, const struct path_match *);
void		 api_churn(struct drill_req *, struct drill_resp *, const struct path_match *);
void		 route_drill_status(struct drill_req *, struct drill_resp *,
		    const struct path_match *);

/* The handlers api.c's path routes name (api_disc.c). */
void		 api_version(struct drill_req *, struct drill_resp *,
		    const struct path_match *);
void		 api_groups(struct drill_req *, struct drill_resp *, const struct path_match *);
void		 route_core_versions(struct drill_req *, struct drill_resp *,
		    const struct path_match *);
void		 route_group(struct drill_req *, struct drill_resp *, const struct path_match *);
void		 route_resources(struct drill_req *, struct drill_resp *,
		    const struct path_match *);
void		 route_openapi(struct drill_req *, struct drill_resp *,
		    const struct path_match *);

#endif
