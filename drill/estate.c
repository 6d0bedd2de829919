/* The estate's life: a new estate, its clusters (each with an empty
 * store), and freeing it all. */
#include <stdlib.h>
#include <time.h>

#include "opsdeck/sim.h"
#include "opsdeck/xmalloc.h"
#include "sim_store.h"

/* Create an empty estate. */
struct sim *
sim_new(void)
{
	struct sim		*sim;
	pthread_condattr_t	 ca;

	sim = xcalloc(1, sizeof *sim);
	pthread_mutex_init(&sim->lock, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&sim->changed, &ca);
	pthread_condattr_destroy(&ca);
	sim->speed = 1.0;
	sim->started = (int64_t)sim_wallclock();
	return sim;
}

/* Free the estate, every cluster's store and the state the layers above
 * keep in it (through the free functions they set). Listeners must be
 * stopped. */
void
sim_free(struct sim *sim)
{
	size_t	i;

	if (sim == NULL)
		return;
	if (sim->scn != NULL && sim->scn_free != NULL)
		sim->scn_free(sim);
	for (i = 0; i < sim->nclusters; i++) {
		struct sim_cluster *c = sim->clusters[i];

		if (c->ctl != NULL && c->ctl_free != NULL)
			c->ctl_free(c->ctl);
		sim_store_free(c->store);
		free(c->name);
		free(c->region);
		free(c->role);
		free(c);
	}
	free(sim->clusters);
	free(sim->scenario);
	pthread_cond_destroy(&sim->changed);
	pthread_mutex_destroy(&sim->lock);
	free(sim);
}

/* Add a cluster with an empty store. */
struct sim_cluster *
sim_add_cluster(struct sim *sim, const char *name, const char *region, const char *role,
    bool protected_ctx)
{
	struct sim_cluster	*c;

	c = xcalloc(1, sizeof *c);
	c->sim = sim;
	c->name = xstrdup(name);
	c->region = xstrdup(region != NULL ? region : "");
	c->role = xstrdup(role != NULL ? role : "primary");
	c->protected_ctx = protected_ctx;
	c->reach = SIM_REACH_OK;
	c->store = sim_store_new(c);
	sim->clusters = xreallocarray(sim->clusters, sim->nclusters + 1,
	    sizeof *sim->clusters);
	sim->clusters[sim->nclusters++] = c;
	return c;
}
