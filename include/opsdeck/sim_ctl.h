/* Internal contracts of the drill's controllers, scenarios and alerting
 * (drill/ctl_state.c and drill/ctl_util.c beneath the controllers,
 * drill/ctl_*.c, drill/controllers.c for their tick order,
 * drill/scenario*.c, drill/alerting.c, drill/alertmanager.c,
 * drill/generate.c, drill/churn.c). Everything here runs under the estate
 * lock.
 *
 * Time: controllers work in simulated seconds since the drill started
 * (scn->t, advanced by real_dt * speed); timestamps written into objects
 * are wall-clock RFC 3339 (sim_wallclock()), like the store's. */
#ifndef OPSDECK_SIM_CTL_H
#define OPSDECK_SIM_CTL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "opsdeck/map.h"
#include "opsdeck/sim.h"

/* Free the controller state of a cluster (drill/ctl_state.c); ctl_get
 * registers it as the cluster's ctl_free, which sim_free calls. */
void	 sim_ctl_free(struct sim_ctl *);
/* Free the scenario state of an estate (sim->scn) and every cluster's
 * controller state; scn_get registers it as sim->scn_free. */
void	 scenario_free(struct sim *);

/* Events kept per cluster before the oldest are deleted. */
#define CTL_EVENTS_MAX	1000

/* A growable vector of borrowed json objects. */
struct ctl_vec {
	json_t	**v;
	size_t	  n;
	size_t	  cap;
};
void	 ctl_vec_push(struct ctl_vec *, json_t *);
void	 ctl_vec_free(struct ctl_vec *);

/* Log state of one container instance (lines are generated lazily). */
struct ctl_log {
	char	**lines;	/* ring */
	size_t	  cap;
	size_t	  first;	/* absolute index of the oldest kept line */
	size_t	  n;		/* absolute index after the newest line */
	double	  gen_t;	/* simulated time generated up to */
	uint64_t  seq;		/* request counter for access lines */
};
/* Free a log ring's lines and empty it. */
void	 ctl_log_clear(struct ctl_log *);

/* Container runtime states. */
enum ctl_cstate {
	CS_CREATING,	/* waiting ContainerCreating */
	CS_RUNNING,
	CS_BACKOFF,	/* waiting CrashLoopBackOff */
	CS_DONE,	/* terminated for good (job pods) */
};

/* One container of a simulated pod. */
struct ctl_ctr {
	char		*name;
	char		*image;
	bool		 crash;		/* this image crash-loops */
	enum ctl_cstate	 state;
	double		 state_t;	/* simulated time the state began */
	double		 start_wall;	/* wall time the running instance started */
	int		 restarts;
	int		 exit_code;	/* of CS_DONE / last termination */
	double		 last_crash_t;	/* simulated; -1e18 if never */
	bool		 has_prev;
	double		 prev_start_t, prev_end_t, prev_start_wall, prev_end_wall;
	int		 prev_exit;
	struct ctl_log	 log;		/* newest instance */
	struct ctl_log	 prev;		/* the instance before */
	uint64_t	 seed;
};

/* Pod roles (what drives its lifecycle). */
enum ctl_podkind {
	PK_SERVICE,	/* long running */
	PK_JOB,		/* runs to completion */
};

/* Runtime state of one pod, keyed by uid. */
struct ctl_pod {
	char		*uid;
	char		*ns;
	char		*name;
	enum ctl_podkind kind;
	double		 created_t;
	double		 ready_delay;	/* simulated seconds after start */
	double		 run_seconds;	/* job pods */
	bool		 job_fail;	/* job pod fails */
	bool		 needs_db;
	bool		 is_db;
	bool		 scheduled;
	bool		 done;		/* Succeeded/Failed */
	bool		 failed;
	double		 next_t;	/* recompute at or after */
	size_t		 nctr;
	struct ctl_ctr	*ctr;
	char		*echo;		/* last echo annotation emitted */
	uint64_t	 seen;		/* tick generation */
	double		 done_wall;
	double		 start_wall;
	bool		 was_ready;
	double		 ready_wall;	/* last Ready flip */
	bool		 terminating;	/* has a deletionTimestamp */
	char		 ip[16];
	uint64_t	 epoch;		/* ctl->epoch when last computed */
};

/* Per-deployment (or rollout) bookkeeping. */
struct ctl_dep {
	double	 last_progress_t;
	long	 last_key;
	uint64_t seen;
};

/* Per-Rollout bookkeeping. */
struct ctl_ro {
	long	 paused_step;	/* step index we paused at, -1 if none */
	double	 pause_t;	/* simulated time the pause began */
	bool	 aborted;	/* abort seen last tick */
	bool	 completed;	/* completion event emitted for this hash */
};

/* Per-HPA bookkeeping. */
struct ctl_hpa {
	double	 rec_t[64];
	int	 rec_v[64];
	size_t	 nrec, rec_head;
	double	 last_scale_t;
	int	 last_scale_from;
	double	 load;		/* demand in pods at 100 % CPU; < 0: unset */
	uint64_t seen;
};

/* One firing or pending alert on a cluster's Alertmanager. */
struct ctl_alert {
	json_t	*labels;	/* owned */
	json_t	*annotations;	/* owned */
	char	 fingerprint[17];
	double	 active_t;	/* simulated time the condition became true */
	double	 starts_wall;
	double	 updated_wall;
	double	 ends_wall;	/* 0 while firing from a rule */
	bool	 firing;	/* past `for` */
	bool	 resolved;
	bool	 posted;	/* came from POST /api/v2/alerts */
	char	*generator;
	int	 rule;		/* index into scenario rules, -1 if posted */
};
/* Free one alert and what it owns. */
void	 ctl_alert_free(struct ctl_alert *);

/* One silence. */
struct ctl_silence {
	char	 id[37];
	json_t	*matchers;	/* owned */
	double	 starts_wall, ends_wall, updated_wall;
	char	*created_by;
	char	*comment;
};

/* Controller state of one cluster. */
struct sim_ctl {
	struct sim_cluster	*c;
	uint64_t		 rng;
	uint64_t		 gen;		/* tick generation */
	struct map		*pods;		/* uid -> struct ctl_pod */
	struct map		*deps;		/* uid -> struct ctl_dep */
	struct map		*hpas;		/* uid -> struct ctl_hpa */
	struct map		*velero;	/* backup/restore uid -> double start */
	struct map		*ros;		/* rollout uid -> struct ctl_ro */
	struct map		*owned;		/* owner uid -> struct ctl_vec (per tick) */
	struct map		*evkeys;	/* event dedupe key -> event name (owned) */
	char			**evnames;	/* FIFO of event "ns/name" */
	size_t			 nev, evhead;
	bool			 quiet;		/* no per-pod events (big estates) */
	bool			 db_down;
	struct map		*db_bad;	/* pod uids broken by db-down */
	bool			 backup_fail;	/* cronjob backup jobs fail */
	bool			 velero_fail;	/* velero backups PartiallyFailed */
	double			 backup_fail_until, velero_fail_until;
	double			 reach_until;	/* simulated; <0 forever */
	double			 last_good_backup_t;	/* simulated */
	double			 cron_last_min;	/* last simulated minute evaluated */
	struct ctl_alert	**alerts;
	size_t			 nalerts;
	struct ctl_silence	**silences;
	size_t			 nsilences;
	struct map		*node_down;	/* node name -> (void *)1 */
	double			 node_down_until;
	double			 last_gc_t;
	uint64_t		 epoch;		/* bumped when every pod must recompute */
	uint64_t		 last_epoch;
	uint64_t		 last_rv;	/* store rv after the last tick */
	double			 next_due;	/* earliest pod timer (simulated) */
	double			 last_full_wall;
	double			 full_cost;	/* wall seconds of the last full pass */
	int			 skip_left;	/* ticks to sit out after a heavy pass */
	bool			 full_pending;	/* a full pass was put off */
	int			 create_budget;	/* pods still creatable this tick */
	char			**nodes;	/* schedulable Ready nodes (this tick) */
	char			**node_ips;
	size_t			 nnodes;
	size_t			 next_node;
};

/* One alert rule of the scenario. */
struct scn_rule {
	char	*name;
	char	*severity;
	char	*expr;
	double	 for_s;
	json_t	*labels;	/* owned; extra labels */
	json_t	*annotations;	/* owned */
	char	**clusters;	/* NULL: every cluster */
	size_t	 nclusters;
};

/* One fault of the timeline. */
struct scn_fault {
	double	 at;		/* simulated seconds */
	char	*action;
	char	*target;	/* as written */
	char	*cluster;
	char	*ns;
	char	*name;
	char	*image;
	char	*mode;
	double	 duration;	/* 0: until fixed */
	double	 value;
	double	 injected_wall;	/* 0: not yet */
	bool	 injected;
	bool	 curve;		/* a point of an HPA load curve, not a fault */
};

/* The loaded scenario (sim->scn). */
struct scn {
	char		*name;
	char		*description;
	double		 t;		/* simulated seconds since start */
	double		 rpo;		/* seconds */
	char		**crash_images;	/* fnmatch patterns */
	size_t		 ncrash;
	struct scn_rule	*rules;
	size_t		 nrules;
	struct scn_fault *faults;
	size_t		 nfaults;
	json_t		*resolved_when;	/* array of conditions, owned */
	json_t		*primary_replicas;	/* "ns/name" -> replicas at start */
	bool		 broken;	/* a condition failed after the faults */
	bool		 resolved;
	double		 resolved_wall;
	double		 first_fault_wall;
	bool		 generated;
	double		 churn;		/* generated watch events a second */
	double		 churn_due;	/* events owed (a fraction) */
	bool		 heavy_ran;	/* a heavy cluster pass ran this tick */
	bool		 loading;	/* ticking before serving: no throttles */
	/* looks (drill/looks.c) */
	size_t		 nlooks;	/* views reported by consoles */
	json_t		*first_look;	/* the first relevant view (owned), or NULL */
	json_t		*recent_looks;	/* the last DRILL_LOOKS_RECENT looks (owned), or NULL */
	double		 first_look_wall;
	double		 first_look_fault_wall;	/* injection of the fault it showed */
};

/* Looks kept for the status document (recentLooks), newest last. */
#define DRILL_LOOKS_RECENT	16

/* Most clusters a look may name (a console showing more sends none: every
 * cluster). */
#define DRILL_LOOK_CLUSTERS_MAX	64

/* A view an operator opened, as a console reports it (POST
 * /drill/v1/looks). Strings are borrowed; NULL (or no clusters): not
 * narrowed (every cluster, every namespace, no single object). */
struct drill_look {
	const char	*view;		/* resource ("pods", "horizontalpodautoscalers"), */
					/* "alerts" or "contexts" */
	const char	*clusters[DRILL_LOOK_CLUSTERS_MAX];	/* the view's scope */
	size_t		 nclusters;
	const char	*ns;
	const char	*name;
	const char	*user;		/* the operator's OS user, as the console says */
	const char	*host;		/* the console's host, as it says */
	const char	*kube_user;	/* who the drill authenticated (not from the body) */
};

/* Parse a look from a request body (strings borrowed from body). 0, or
 * -1 with *cause. */
int		 drill_look_parse(json_t *body, struct drill_look *, char **cause);
/* Does look show what fault f broke? names (NULL-terminated, or NULL for
 * any) are the objects the fault broke. The rule per fault action is in
 * drill/looks.c and opsdeck-drill(1). */
bool		 drill_look_relevant(const struct scn_fault *f, const struct drill_look *,
		    const char *const *names);
/* Count look (received at wall time now) and, if it is the first relevant
 * one after a fault, record it as the drill's first relevant view and
 * return that fault; else NULL. Lock held. */
const struct scn_fault *drill_look_record(struct sim *, const struct drill_look *, double now);

/* Most watch events a second a generated estate's churn may ask for. */
#define GEN_MAX_CHURN		100000
/* A generated estate's churn over real_dt seconds (drill/churn.c). */
void		 scenario_churn_tick(struct sim *, double real_dt);

/* State, clock and randomness (drill/ctl_state.c). */
/* The scenario of sim (created on demand). */
struct scn	*scn_get(struct sim *);
/* The controller state of c (created on demand). */
struct sim_ctl	*ctl_get(struct sim_cluster *);
/* Simulated seconds since start. */
double		 ctl_now(struct sim *);
/* Wall time corresponding to simulated time t. */
double		 ctl_wall_at(struct sim *, double t);

uint64_t	 ctl_rand(struct sim_ctl *);
/* A random 5-character suffix as the apiserver makes them. */
void		 ctl_suffix(struct sim_ctl *, char out[6]);
/* Does image crash-loop under the scenario? */
bool		 ctl_image_crashes(struct sim *, const char *image);

/* Object helpers (drill/ctl_util.c). */
/* Set a.b.c (creating objects), stealing v. */
void		 ctl_set(json_t *obj, const char *path, json_t *v);
/* The string annotation key of obj (keys hold dots, so not a path), or NULL. */
const char	*ctl_annotation(json_t *obj, const char *key);
/* An HPA's simulated demand, in pods at 100 % of their CPU request
 * (drill.opsdeck.dev/load; default half of minReplicas). */
double		 ctl_hpa_load(json_t *hpa);
/* Set string annotation key of obj to val (creating metadata.annotations);
 * true if it changed. */
bool		 ctl_set_annotation(json_t *obj, const char *key, const char *val);
/* The controller owner uid of obj or NULL. */
const char	*ctl_owner_uid(json_t *obj);
/* A metadata.ownerReferences array pointing at owner (new). */
json_t		*ctl_owner_ref(json_t *owner, const char *api_version, const char *kind);
/* Emit (or bump) a core v1 Event about obj. */
void		 ctl_event(struct sim_cluster *, json_t *obj, const char *type,
		    const char *reason, const char *fmt, ...)
		    __attribute__((format(printf, 5, 6)));
/* The pod-template-hash of a template (upstream-style safe encoding). */
void		 ctl_template_hash(json_t *tmpl, char out[16]);
/* The objects of res indexed by controller owner uid: a map of owner uid ->
 * struct ctl_vec of borrowed objects (new; free with ctl_index_free). */
struct map	*ctl_index_by_owner(struct sim_cluster *, const struct kind *);
void		 ctl_index_free(struct map *);
/* Pods owned by uid in this tick's index (NULL if none). */
struct ctl_vec	*ctl_owned(struct sim_ctl *, const char *uid);
/* Create a pod from a template owned by owner; returns it (borrowed) or NULL. */
json_t		*ctl_pod_create(struct sim_cluster *, json_t *owner, const char *owner_api,
		    const char *owner_kind, json_t *tmpl, const char *name,
		    json_t *extra_labels);
/* Is the first status condition of type on obj True? */
bool		 ctl_cond_true(json_t *obj, const char *type);
/* Is this pod Ready / terminating? */
bool		 ctl_pod_ready(json_t *pod);
bool		 ctl_pod_terminating(json_t *pod);
/* Replace obj's status with st (stolen) if different; true if changed. */
bool		 ctl_set_status(struct sim_cluster *, const struct kind *, json_t *obj,
		    json_t *st);
/* Resolve an IntOrString (percent or int) against total. */
int		 ctl_int_or_percent(json_t *v, int total, bool round_up, int def);

/* Create the new ReplicaSet of a Deployment/Rollout for tmpl (drill/ctl_deploy.c). */
json_t	*ctl_rs_create(struct sim_cluster *, json_t *owner, const char *owner_kind,
	    json_t *tmpl, const char *hash_label, long revision, json_int_t replicas);
/* A conditions array (new) with condition type set; timestamps kept when
 * nothing changed. */
json_t	*ctl_condition(json_t *old, const char *type, const char *status,
	    const char *reason, const char *message, bool update_time);

/* Is s a valid cron schedule (five fields or @hourly...)? */
bool	 ctl_cron_valid(const char *);

/* Controllers, one pass per tick (drill/ctl_*.c). */
void	 ctl_nodes_tick(struct sim_cluster *);
/* Free the schedulable node set (ctl->nodes, ctl->node_ips). */
void	 ctl_nodes_free(struct sim_ctl *);
void	 ctl_pods_tick(struct sim_cluster *);
void	 ctl_rs_tick(struct sim_cluster *);
void	 ctl_deploy_tick(struct sim_cluster *);
void	 ctl_sts_tick(struct sim_cluster *);
void	 ctl_ds_tick(struct sim_cluster *);
void	 ctl_hpa_tick(struct sim_cluster *);
void	 ctl_cron_tick(struct sim_cluster *);
void	 ctl_job_tick(struct sim_cluster *);
void	 ctl_velero_tick(struct sim_cluster *);
void	 ctl_rollouts_tick(struct sim_cluster *);
void	 ctl_argocd_tick(struct sim_cluster *);
void	 ctl_alerts_tick(struct sim_cluster *);
/* Delete every object of res for which gone(c, obj, arg) is true (objects
 * are collected first, then deleted). */
void	 ctl_delete_if(struct sim_cluster *, const struct kind *res,
	    bool (*gone)(struct sim_cluster *, json_t *, void *), void *arg);
/* Endpoints of the Services with a selector (drill/ctl_endpoints.c). */
void	 ctl_endpoints_tick(struct sim_cluster *);
/* PodDisruptionBudget status (drill/ctl_pdb.c). */
void	 ctl_pdb_tick(struct sim_cluster *);
/* Set status.conditions' DisruptionAllowed from status.disruptionsAllowed
 * (upstream UpdateDisruptionAllowedCondition). */
void	 ctl_pdb_condition(json_t *status);
void	 ctl_pod_free(void *);

/* Metrics over simulated state (drill/alerting.c): the value of a metric
 * with label selector sel (object of string values) on cluster c; false if
 * the metric is unknown. */
bool	 ctl_metric(struct sim_cluster *, const char *metric, json_t *sel, double *value);
/* Evaluate an alert expression; -1 on a syntax error (cause set). */
int	 ctl_expr_eval(struct sim_cluster *, const char *expr, double *value, char **cause);
/* Check an expression's syntax without a cluster; -1 with cause if bad. */
int	 ctl_expr_check(const char *expr, char **cause);

/* Scenario internals (drill/scenario.c, scenario_yaml.c, scenario_run.c). */
/* Inject due faults and end expired ones. */
void	 scn_faults_tick(struct sim *);
/* Evaluate the resolved_when conditions. */
void	 scn_resolved_tick(struct sim *);
/* Parse YAML text into JSON (new); on error NULL with cause carrying
 * "line L, column C". */
json_t	*scn_yaml_parse(const char *text, size_t len, const char *what, char **cause);
/* Load a scenario from parsed YAML (name for messages). */
int	 scn_load_doc(struct sim *, json_t *doc, const char *what, char **cause);
/* Build the initial objects of one workload kind into cluster c. */
void	 scn_apply_nodes(struct sim_cluster *, const char *group, int count,
	    const char *instance_type, json_t *zones);
json_t	*scn_deployment(const char *ns, const char *name, int replicas, const char *image,
	    json_t *labels);

#endif
