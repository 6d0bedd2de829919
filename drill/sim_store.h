/* Store internals shared by the simulator's own modules (estate.c, the
 * api*.c files, server.c): construction, cached serialisation and graceful
 * deletion.
 * Everything here requires the estate lock, like the sim_obj_* calls. */
#ifndef OPSDECK_DRILL_SIM_STORE_H
#define OPSDECK_DRILL_SIM_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "opsdeck/sim.h"

/* Default number of watch events kept per cluster, and most bytes of
 * their lines. Within those, events older than SIM_HISTORY_FRESH seconds
 * go as new ones come, the newest SIM_HISTORY_MIN kept whatever their
 * age: as kube-apiserver's watch cache sizes itself to keep 75 s of events
 * (DefaultEventFreshDuration) and no fewer than a lower bound. A watch
 * resumed from older than that is answered 410 Gone. */
#define SIM_HISTORY_MAX		4096
#define SIM_HISTORY_BYTES	(8 * 1024 * 1024)
#define SIM_HISTORY_FRESH	75.0
#define SIM_HISTORY_MIN		100

struct sim_store	*sim_store_new(struct sim_cluster *);
void			 sim_store_free(struct sim_store *);
/* Change the history size of a store (tests); drops everything recorded. */
void			 sim_store_set_history(struct sim_store *, size_t max);
/* Restart the random numbers of c's store (uids, generated names) from
 * seed: the same requests then give the same objects (a fuzz input
 * reproduces). */
void			 sim_store_seed(struct sim_cluster *c, uint64_t seed);
/* Keep at most max bytes of event lines in the history (tests;
 * SIM_HISTORY_BYTES by default). */
void			 sim_store_set_history_bytes(struct sim_store *, size_t max);
/* Keep events for seconds (tests; SIM_HISTORY_FRESH by default). */
void			 sim_store_set_history_fresh(struct sim_store *, double seconds);

/* Call cb with each object of res (ns NULL: all) in namespace/name order,
 * starting after (after_ns, after_name) if after_name is not NULL, with its
 * compact JSON serialisation (borrowed); stop if cb returns non-zero. */
void	 sim_obj_foreach_json(struct sim_cluster *, const struct kind *,
	    const char *ns, const char *after_ns, const char *after_name,
	    int (*cb)(json_t *obj, const char *json, size_t len, void *arg), void *arg);
/* The i-th object of res (every namespace) in namespace/name order, or
 * NULL past the last (borrowed). */
json_t	*sim_obj_at(struct sim_cluster *, const struct kind *, size_t i);
/* The compact serialisation of a stored object (borrowed), or NULL. */
const char *sim_obj_json(struct sim_cluster *, const struct kind *, json_t *obj);

/* Mark obj for deletion: set deletionTimestamp and deletionGracePeriodSeconds,
 * emit MODIFIED, and remove it once due (wall clock, seconds) has passed
 * (see sim_store_reap). grace 0 deletes now. */
int	 sim_obj_delete_graceful(struct sim_cluster *, const struct kind *,
	    const char *ns, const char *name, int64_t grace, double due, char **cause);
/* Delete every object whose graceful deletion is due at time now. */
void	 sim_store_reap(struct sim_cluster *, double now);

/* The resourceVersion of the oldest change still in history minus one: a
 * watch from below this is too old. */
uint64_t sim_history_floor(struct sim_cluster *);

/* The qualified resource name used in messages: "pods", "deployments.apps". */
void	 sim_resource_qualified(const struct kind *, char *buf, size_t len);
/* The apiVersion of res: "v1", "apps/v1". */
void	 sim_resource_api_version(const struct kind *, char *buf, size_t len);
/* Add the CustomResourceDefinitions of the served custom resources. */
void	 sim_resources_add_crds(struct sim_cluster *);
/* Is res a custom resource (served through a CustomResourceDefinition on a
 * real cluster): its group is a domain that is not one of Kubernetes' own. */
bool	 sim_kind_custom(const struct kind *res);
/* Format unix seconds as RFC 3339 UTC into buf. */
void	 sim_rfc3339(int64_t, char *buf, size_t len);

#endif
