/* The simulated estate as its users share it: finding a cluster and the
 * estate lock. Creating and freeing the estate is estate.c's. */
#include <string.h>

#include "opsdeck/sim.h"

/* Find a cluster by name. */
struct sim_cluster *
sim_cluster_find(struct sim *sim, const char *name)
{
	size_t	i;

	for (i = 0; i < sim->nclusters; i++) {
		if (strcmp(sim->clusters[i]->name, name) == 0)
			return sim->clusters[i];
	}
	return NULL;
}

/* Take the estate lock. */
void
sim_lock(struct sim *sim)
{
	pthread_mutex_lock(&sim->lock);
}

/* Release the estate lock. */
void
sim_unlock(struct sim *sim)
{
	pthread_mutex_unlock(&sim->lock);
}
