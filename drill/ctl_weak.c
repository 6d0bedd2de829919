/* Fallbacks for the controller and scenario entry points, used only when
 * drill/controllers.c and drill/scenario.c do not define them: a scenario
 * then cannot be loaded and the clock does nothing. */
#include <stdlib.h>

#include "opsdeck/sim.h"
#include "opsdeck/xmalloc.h"

/* No scenario support built in. */
__attribute__((weak)) int
scenario_load(struct sim *sim, const char *name, char **cause)
{
	(void)sim;
	*cause = xasprintf("cannot load scenario %s: scenarios are not built in", name);
	return -1;
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
