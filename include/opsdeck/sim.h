/* The drill simulator's shared state: the estate (clusters, clock,
 * scenario) and the object store with its watch history. Used by the API
 * server (drill/server.c, drill/api.c) and by the controllers and scenarios
 * (drill/controllers.c, drill/scenario.c). The estate's life is in
 * drill/estate.c, its lookup and lock in drill/sim.c, its clock in
 * drill/sim_clock.c. The resources it serves are the
 * kinds of kinds.h that the API server serves (kind_find_api,
 * kind_find_kind); the store keeps one slot per kind.
 *
 * Threading: libmicrohttpd serves each connection on its own thread and the
 * controllers tick on another. One mutex per estate guards everything below
 * (sim_lock/sim_unlock); every sim_obj_* call requires it held. Watchers wait
 * on sim->changed, broadcast by every store change. */
#ifndef OPSDECK_SIM_H
#define OPSDECK_SIM_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "opsdeck/kinds.h"
#include "opsdeck/sim_clock.h"

/* How a cluster's listener behaves (fault injection). */
enum sim_reach {
	SIM_REACH_OK,		/* serve normally */
	SIM_REACH_REFUSE,	/* listener closed: connections refused */
	SIM_REACH_HANG,		/* accept and never answer */
};

struct sim_store;	/* objects and watch history of one cluster (drill/sim_store.c) */
struct sim_ctl;		/* controller state of one cluster (drill/ctl_state.c) */

/* One simulated cluster. */
struct sim_cluster {
	struct sim		*sim;
	char			*name;		/* context name: "prod-tokyo" */
	char			*region;	/* "ap-northeast-1" */
	char			*role;		/* primary | dr | staging | dev */
	bool			 protected_ctx;	/* operator must type the name to mutate */
	int			 port;		/* HTTPS listener on 127.0.0.1 */
	enum sim_reach		 reach;
	struct sim_store	*store;
	struct sim_ctl		*ctl;
	/* Frees ctl: set by the layer that creates it; sim_free calls it. */
	void			(*ctl_free)(struct sim_ctl *);
	void			*server;	/* server.c's listener state */
};

/* The whole simulated estate. */
struct sim {
	pthread_mutex_t		 lock;
	pthread_cond_t		 changed;	/* broadcast on every store change */
	struct sim_cluster	**clusters;
	size_t			 nclusters;
	char			*scenario;	/* scenario name */
	double			 speed;		/* controller clock multiplier (--speed) */
	int64_t			 started;	/* unix seconds when serving began */
	void			*scn;		/* the scenario's state (faults, resolved-when) */
	/* Frees scn: set by the layer that creates it; sim_free calls it. */
	void			(*scn_free)(struct sim *);
	/* Ticked by the wall clock while serving: a heavy controller pass
	 * then sits out ticks so requests are answered. Off (a caller that
	 * ticks by hand, as the unit tests do): every pass runs when due, so
	 * the outcome does not hang on how fast the machine is. */
	bool			 realtime;
	bool			 settled;	/* the controllers' first passes have
						 * made the estate's pods */
	volatile int		 stopping;
};

struct sim	*sim_new(void);
void		 sim_free(struct sim *);
/* Add a cluster (creates its empty store); returns it. */
struct sim_cluster *sim_add_cluster(struct sim *, const char *name, const char *region,
		    const char *role, bool protected_ctx);
struct sim_cluster *sim_cluster_find(struct sim *, const char *name);
void		 sim_lock(struct sim *);
void		 sim_unlock(struct sim *);

/*
 * Object store (drill/sim_store.c). Objects are jansson objects owned by the
 * store; pointers returned are borrowed and valid while the lock is held and
 * the object is not replaced or deleted. Errors return an HTTP status code
 * (404, 409, 422, ...) with *cause set to a new human message; 0 is success.
 */

/* The object, or NULL. */
json_t	*sim_obj_get(struct sim_cluster *, const struct kind *,
	    const char *ns, const char *name);
/* The object with this uid in resource, or NULL. */
json_t	*sim_obj_get_uid(struct sim_cluster *, const struct kind *, const char *uid);
/* Call cb for each object of resource (ns NULL: all namespaces), ordered by
 * namespace then name; stop early if cb returns non-zero. cb must not
 * create or delete objects of the same resource. */
void	 sim_obj_foreach(struct sim_cluster *, const struct kind *, const char *ns,
	    int (*cb)(json_t *obj, void *arg), void *arg);
/* Number of objects of resource (ns NULL: all). */
size_t	 sim_obj_count(struct sim_cluster *, const struct kind *, const char *ns);
/* Create: steals obj. Sets kind/apiVersion, metadata.uid, creationTimestamp,
 * resourceVersion, generation 1, namespace (from ns if absent); generateName
 * is honoured. 409 AlreadyExists if present. *out (optional) is borrowed. */
int	 sim_obj_create(struct sim_cluster *, const struct kind *, const char *ns,
	    json_t *obj, json_t **out, char **cause);
/* Replace: steals obj. If obj carries a resourceVersion that differs from
 * the stored one → 409 Conflict. Bumps resourceVersion; bumps
 * metadata.generation when spec changed; keeps uid/creationTimestamp. */
int	 sim_obj_replace(struct sim_cluster *, const struct kind *, json_t *obj,
	    json_t **out, char **cause);
/* The caller changed a stored object in place: bump its resourceVersion
 * (and generation if spec_changed) and emit MODIFIED. */
void	 sim_obj_modified(struct sim_cluster *, const struct kind *, json_t *obj,
	    bool spec_changed);
/* Remove now and emit DELETED. 404 if absent. */
int	 sim_obj_delete(struct sim_cluster *, const struct kind *, const char *ns,
	    const char *name, char **cause);
/* The cluster's current resourceVersion (as a number). */
uint64_t sim_store_rv(struct sim_cluster *);

/*
 * Watch history: every change is recorded as a serialised watch event line
 * {"type":..,"object":{..}} with its resourceVersion, in a bounded ring
 * (oldest dropped). A watch from a resourceVersion older than the ring's
 * oldest gets 410 Expired.
 */
struct sim_event {
	uint64_t			 rv;
	const struct kind	*res;
	char				 type[10];	/* ADDED MODIFIED DELETED */
	char				*ns;
	char				*name;
	char				*line;		/* {"type":..,"object":..} */
	json_t				*object;	/* what selectors read: metadata name,
							 * namespace, labels; spec.nodeName;
							 * status.phase; involvedObject, reason,
							 * type (events) */
	json_t				*prev_object;	/* the same before the change
							 * (NULL for ADDED): a watch with a
							 * selector turns MODIFIED into ADDED
							 * or DELETED when the match changes */
	double				 at;		/* when recorded (loop_now) */
};
/* Copy into *out the events with rv > since for res (ns NULL: all), up to
 * max; returns how many, or -1 if since is older than the history keeps
 * (410). Events are borrowed (valid under the lock). */
long	 sim_history_since(struct sim_cluster *, const struct kind *, const char *ns,
	    uint64_t since, const struct sim_event **out, size_t max);

/*
 * Controllers and scenarios (drill/controllers.c, drill/scenario.c,
 * drill/generate.c, drill/scenario_run.c).
 */

/* Load scenario by name (drill/scenarios/NAME.yaml, installed data dir) or
 * path, or generate ("--generate clusters=N,pods=M" passes spec). Adds
 * clusters and their initial objects. */
int	 scenario_load(struct sim *, const char *name_or_path, char **cause);
int	 scenario_generate(struct sim *, const char *spec, char **cause);
/* Advance every controller and the fault timeline by real_dt seconds of
 * wall clock (scaled by sim->speed inside). Lock held. */
void	 sim_tick(struct sim *, double real_dt);
/* The drill status document of /drill/v1/status (new reference). Lock held. */
json_t	*sim_drill_status(struct sim *);

/* A request through the API server's service proxy path (drill/monitoring.c)
 * (/api/v1/namespaces/NS/services/SVC[:PORT]/proxy/REST): Alertmanager v2
 * and Prometheus. Returns the HTTP status; *body (new, caller frees) and
 * *content_type (static) are set. Lock held. */
int	 sim_proxy(struct sim_cluster *, const char *ns, const char *service,
	    const char *method, const char *rest, const char *query,
	    const char *req_body, size_t req_len, char **body, const char **content_type);

/* metrics.k8s.io (drill/metrics.c): the PodMetrics or NodeMetrics (res)
 * named name in ns, or their list (name NULL; ns NULL: all namespaces;
 * selector: a label selector or NULL), new; NULL if there is no such
 * object (*cause NULL) or the selector is bad (*cause set, new). Lock held. */
json_t	*sim_metrics(struct sim_cluster *, const struct kind *res, const char *ns,
	    const char *name, const char *selector, char **cause);

/* Pod logs: the lines of container (NULL: the first) of the pod with uid,
 * from line index `from` (0-based). previous selects the last terminated
 * instance. Returns a new string of the lines (each ending in \n) and sets
 * *next to the index after the last line returned. Lock held. */
char	*sim_pod_log(struct sim_cluster *, json_t *pod, const char *container,
	    bool previous, size_t from, size_t *next);

#endif
