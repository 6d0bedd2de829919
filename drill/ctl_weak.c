/* Fallbacks for the controller and scenario entry points, used only when
 * drill/controllers.c and drill/scenario.c do not define them: a scenario
 * then cannot be loaded and the clock does nothing. */
#include <stdlib.h>

#include "opsdeck/sim.h"
#include "opsdeck/xmalloc.h"

/* Without the scenario module: load a JSON estate file
 * {"clusters":[{"name":..,"region":..,"role":..,"objects":[...]}]}. */
__attribute__((weak)) int
scenario_load(struct sim *sim, const char *name, char **cause)
{
	const struct sim_resource	*res;
	struct sim_cluster		*c;
	json_error_t			 err;
	json_t				*doc, *cl, *obj;
	const char			*kind;
	char				*why = NULL;
	size_t				 i, j;

	doc = json_load_file(name, 0, &err);
	if (doc == NULL) {
		*cause = xasprintf("cannot load scenario %s: %s", name, err.text);
		return -1;
	}
	json_array_foreach(json_object_get(doc, "clusters"), i, cl) {
		c = sim_add_cluster(sim, json_string_value(json_object_get(cl, "name")) != NULL ?
		    json_string_value(json_object_get(cl, "name")) : "drill",
		    json_string_value(json_object_get(cl, "region")),
		    json_string_value(json_object_get(cl, "role")), false);
		json_array_foreach(json_object_get(cl, "objects"), j, obj) {
			kind = json_string_value(json_object_get(obj, "kind"));
			res = kind != NULL ? sim_resource_by_kind(kind) : NULL;
			if (res == NULL)
				continue;
			if (sim_obj_create(c, res, NULL, json_deep_copy(obj), NULL, &why) != 0) {
				free(why);
				why = NULL;
			}
		}
	}
	json_decref(doc);
	return 0;
}

/* No generator built in. */
__attribute__((weak)) int
scenario_generate(struct sim *sim, const char *spec, char **cause)
{
	(void)sim;
	*cause = xasprintf("cannot generate %s: generator is not built in", spec);
	return -1;
}

/* No controllers built in. */
__attribute__((weak)) void
sim_tick(struct sim *sim, double dt)
{
	(void)sim;
	(void)dt;
}

/* A minimal status document. */
__attribute__((weak)) json_t *
sim_drill_status(struct sim *sim)
{
	return json_pack("{s:s?,s:b}", "scenario", sim->scenario, "controllers", 0);
}

/* No proxied services. */
__attribute__((weak)) int
sim_proxy(struct sim_cluster *c, const char *ns, const char *service, const char *method,
    const char *rest, const char *query, const char *req_body, size_t req_len, char **body,
    const char **content_type)
{
	*body = xasprintf("no service %s/%s behind the proxy\n", ns, service);
	*content_type = "text/plain; charset=utf-8";
	return 503;
}

/* No logs. */
__attribute__((weak)) char *
sim_pod_log(struct sim_cluster *c, json_t *pod, const char *container, bool previous,
    size_t from, size_t *next)
{
	*next = from;
	return xstrdup("");
}
