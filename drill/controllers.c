/* The drill's controller clock and the helpers every controller shares:
 * hash map, JSON paths, owner references, selectors, template hashes and
 * core v1 Events. sim_tick drives one pass of every controller. */
#include <limits.h>
#include <fnmatch.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "opsdeck/json_util.h"
#include "opsdeck/names.h"
#include "opsdeck/printers.h"
#include "opsdeck/sim.h"
#include "opsdeck/sim_ctl.h"
#include "opsdeck/xmalloc.h"
#include "sim_store.h"

/* Pods a cluster creates per tick at most (spreads a big scale-up so the
 * API server keeps answering). */
#define CTL_CREATE_BUDGET	2000
/* Wall seconds from which a cluster's full pass counts as heavy. */
#define CTL_HEAVY		0.02
/* Events kept per cluster before the oldest are deleted. */
#define CTL_EVENTS_MAX	1000

/* Append to a vector. */
void
ctl_vec_push(struct ctl_vec *v, json_t *o)
{
	if (v->n == v->cap) {
		v->cap = v->cap == 0 ? 8 : v->cap * 2;
		v->v = xreallocarray(v->v, v->cap, sizeof *v->v);
	}
	v->v[v->n++] = o;
}

/* Free a vector's storage. */
void
ctl_vec_free(struct ctl_vec *v)
{
	free(v->v);
	v->v = NULL;
	v->n = v->cap = 0;
}

/* Free a heap vector (map value). */
static void
ctl_vec_free_heap(void *p)
{
	struct ctl_vec	*v = p;

	ctl_vec_free(v);
	free(v);
}

/* Free one alert. */
static void
ctl_alert_free(struct ctl_alert *a)
{
	json_decref(a->labels);
	json_decref(a->annotations);
	free(a->generator);
	free(a);
}

/* Free the controller state of a cluster. */
void
sim_ctl_free(struct sim_ctl *ctl)
{
	size_t	i;

	if (ctl == NULL)
		return;
	map_free(ctl->pods, ctl_pod_free);
	map_free(ctl->deps, free);
	map_free(ctl->hpas, free);
	map_free(ctl->velero, free);
	map_free(ctl->ros, free);
	ctl_index_free(ctl->owned);
	map_free(ctl->evkeys, free);
	map_free(ctl->db_bad, NULL);
	map_free(ctl->node_down, NULL);
	for (i = 0; i < ctl->nev; i++)
		free(ctl->evnames[(ctl->evhead + i) % CTL_EVENTS_MAX]);
	free(ctl->evnames);
	for (i = 0; i < ctl->nalerts; i++)
		ctl_alert_free(ctl->alerts[i]);
	free(ctl->alerts);
	for (i = 0; i < ctl->nsilences; i++) {
		json_decref(ctl->silences[i]->matchers);
		free(ctl->silences[i]->created_by);
		free(ctl->silences[i]->comment);
		free(ctl->silences[i]);
	}
	free(ctl->silences);
	ctl_nodes_free(ctl);
	free(ctl);
}

/* The controller state of c, created on first use. */
struct sim_ctl *
ctl_get(struct sim_cluster *c)
{
	struct sim_ctl	*ctl = c->ctl;

	if (ctl != NULL)
		return ctl;
	ctl = xcalloc(1, sizeof *ctl);
	ctl->c = c;
	ctl->rng = 0x9e3779b97f4a7c15ULL ^ fnv1a32(c->name);
	ctl->pods = map_new();
	ctl->deps = map_new();
	ctl->hpas = map_new();
	ctl->velero = map_new();
	ctl->ros = map_new();
	ctl->owned = map_new();
	ctl->evkeys = map_new();
	ctl->db_bad = map_new();
	ctl->node_down = map_new();
	ctl->evnames = xcalloc(CTL_EVENTS_MAX, sizeof *ctl->evnames);
	ctl->reach_until = -1;
	ctl->backup_fail_until = -1;
	ctl->velero_fail_until = -1;
	ctl->node_down_until = -1;
	ctl->last_good_backup_t = -1800;
	ctl->cron_last_min = -1;
	ctl->last_gc_t = -1e18;
	ctl->next_due = -1;
	c->ctl = ctl;
	return ctl;
}

/* The scenario state of sim, created on first use. */
struct scn *
scn_get(struct sim *sim)
{
	struct scn	*scn = sim->scn;

	if (scn != NULL)
		return scn;
	scn = xcalloc(1, sizeof *scn);
	scn->rpo = 3600;
	scn->resolved_when = json_array();
	scn->primary_replicas = json_object();
	sim->scn = scn;
	return scn;
}

/* Simulated seconds since start. */
double
ctl_now(struct sim *sim)
{
	return scn_get(sim)->t;
}

/* Wall time for simulated time t. */
double
ctl_wall_at(struct sim *sim, double t)
{
	double	speed = sim->speed > 0 ? sim->speed : 1;

	return (double)sim->started + t / speed;
}

/* xorshift64* step. */
uint64_t
ctl_rand(struct sim_ctl *ctl)
{
	uint64_t	x = ctl->rng;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	ctl->rng = x;
	return x * 0x2545F4914F6CDD1DULL;
}

/* A random suffix from the apiserver's alphabet. */
void
ctl_suffix(struct sim_ctl *ctl, char out[6])
{
	name_suffix(ctl_rand(ctl), out);
}

/* Set a dotted path, creating intermediate objects; steals v. */
void
ctl_set(json_t *obj, const char *path, json_t *v)
{
	char		 key[128];
	const char	*dot;
	json_t		*next;
	size_t		 n;

	for (;;) {
		dot = strchr(path, '.');
		n = dot != NULL ? (size_t)(dot - path) : strlen(path);
		if (n >= sizeof key) {
			json_decref(v);
			return;
		}
		memcpy(key, path, n);
		key[n] = '\0';
		if (dot == NULL) {
			json_object_set_new(obj, key, v);
			return;
		}
		next = json_object_get(obj, key);
		if (!json_is_object(next)) {
			next = json_object();
			json_object_set_new(obj, key, next);
		}
		obj = next;
		path = dot + 1;
	}
}

/* The string annotation key of obj. */
const char *
ctl_annotation(json_t *obj, const char *key)
{
	return json_string_value(json_object_get(json_object_get(json_object_get(obj,
	    "metadata"), "annotations"), key));
}

/* Set string annotation key of obj to val; true if it changed. */
bool
ctl_set_annotation(json_t *obj, const char *key, const char *val)
{
	json_t		*ann = json_path(obj, "metadata.annotations");
	const char	*old;

	if (!json_is_object(ann)) {
		ann = json_object();
		ctl_set(obj, "metadata.annotations", ann);
	}
	old = json_string_value(json_object_get(ann, key));
	if (old != NULL && strcmp(old, val) == 0)
		return false;
	json_object_set_new(ann, key, json_string(val));
	return true;
}

/* The uid of obj's controller owner. */
const char *
ctl_owner_uid(json_t *obj)
{
	json_t	*refs, *r;
	size_t	 i;

	refs = json_path(obj, "metadata.ownerReferences");
	json_array_foreach(refs, i, r) {
		if (json_is_true(json_object_get(r, "controller")))
			return json_string_value(json_object_get(r, "uid"));
	}
	return NULL;
}

/* An ownerReferences array for a controller owner. */
json_t *
ctl_owner_ref(json_t *owner, const char *api_version, const char *kind)
{
	return json_pack("[{s:s,s:s,s:s,s:s,s:b,s:b}]", "apiVersion", api_version,
	    "kind", kind, "name", json_path_str(owner, "metadata.name"),
	    "uid", json_path_str(owner, "metadata.uid"), "controller", 1,
	    "blockOwnerDeletion", 1);
}

/* Does image match one of the scenario's crash patterns? */
bool
ctl_image_crashes(struct sim *sim, const char *image)
{
	struct scn	*scn = scn_get(sim);
	size_t		 i;

	if (image == NULL)
		return false;
	for (i = 0; i < scn->ncrash; i++) {
		if (fnmatch(scn->crash_images[i], image, 0) == 0)
			return true;
	}
	return false;
}

/* Template hash: FNV-1a of the canonical JSON, safe-encoded as upstream. */
void
ctl_template_hash(json_t *tmpl, char out[16])
{
	char			*s, dec[16];
	size_t			 i;

	s = json_dumps(tmpl, JSON_COMPACT | JSON_SORT_KEYS);
	snprintf(dec, sizeof dec, "%u", fnv1a32(s != NULL ? s : ""));
	free(s);
	for (i = 0; dec[i] != '\0' && i < 15; i++)
		out[i] = name_safe_alphabet[(unsigned char)dec[i] % (sizeof name_safe_alphabet - 1)];
	out[i] = '\0';
}

/* Pods owned by uid in this tick's index. */
struct ctl_vec *
ctl_owned(struct sim_ctl *ctl, const char *uid)
{
	if (uid == NULL)
		return NULL;
	return map_get(ctl->owned, uid);
}

/* Is the first status condition of type on obj True? */
bool
ctl_cond_true(json_t *obj, const char *type)
{
	return json_condition_true(obj, type) != 0;
}

/* Is the pod's Ready condition True? */
bool
ctl_pod_ready(json_t *pod)
{
	return ctl_cond_true(pod, "Ready");
}

/* Has the pod a deletionTimestamp? */
bool
ctl_pod_terminating(json_t *pod)
{
	return json_path(pod, "metadata.deletionTimestamp") != NULL;
}

/* Replace obj.status with st if it differs. */
bool
ctl_set_status(struct sim_cluster *c, const struct kind *res, json_t *obj, json_t *st)
{
	if (json_equal(json_object_get(obj, "status"), st)) {
		json_decref(st);
		return false;
	}
	json_object_set_new(obj, "status", st);
	sim_obj_modified(c, res, obj, false);
	return true;
}

/* Resolve an IntOrString against total. */
int
ctl_int_or_percent(json_t *v, int total, bool round_up, int def)
{
	const char	*s;
	double		 pct;

	if (json_is_integer(v))
		return (int)json_integer_value(v);
	s = json_string_value(v);
	if (s == NULL)
		return def;
	if (strchr(s, '%') == NULL)
		return atoi(s);
	pct = atof(s);
	if (round_up)
		return (int)ceil(pct * total / 100.0 - 1e-9);
	return (int)floor(pct * total / 100.0 + 1e-9);
}

/* Drop the oldest recorded event. */
static void
ctl_event_expire(struct sim_cluster *c)
{
	struct sim_ctl	*ctl = ctl_get(c);
	char		*key, *ref, *slash, *cause = NULL;

	key = ctl->evnames[ctl->evhead];
	ctl->evnames[ctl->evhead] = NULL;
	ctl->evhead = (ctl->evhead + 1) % CTL_EVENTS_MAX;
	ctl->nev--;
	ref = map_take(ctl->evkeys, key);
	if (ref != NULL) {
		slash = strchr(ref, '/');
		if (slash != NULL) {
			*slash = '\0';
			sim_obj_delete(c, kind_find_api("", "events"), ref, slash + 1,
			    &cause);
			free(cause);
		}
		free(ref);
	}
	free(key);
}

/* Who reports an event of this reason about obj, as in a real cluster:
 * the controller of its kind; for a pod the scheduler (Scheduled, through
 * events/v1: no source component) or its node's kubelet. *host is the
 * source host and reporting instance ("" none). */
static const char *
ctl_event_source(json_t *obj, const char *reason, const char **component, const char **host)
{
	static const struct {
		const char	*kind;
		const char	*component;
	} owners[] = {
		{ "Deployment", "deployment-controller" },
		{ "ReplicaSet", "replicaset-controller" },
		{ "StatefulSet", "statefulset-controller" },
		{ "DaemonSet", "daemonset-controller" },
		{ "Job", "job-controller" },
		{ "CronJob", "cronjob-controller" },
		{ "HorizontalPodAutoscaler", "horizontal-pod-autoscaler" },
		{ "Rollout", "rollouts-controller" },
		{ "Backup", "velero" },
	};
	const char	*kind = json_string_value(json_object_get(obj, "kind"));
	size_t		 i;

	*host = "";
	if (kind == NULL || strcmp(kind, "Pod") == 0) {
		if (strcmp(reason, "Scheduled") == 0) {
			*component = "";
			return "default-scheduler";
		}
		*host = json_path_str_or(obj, "spec.nodeName", "");
		*component = "kubelet";
		return "kubelet";
	}
	for (i = 0; i < sizeof owners / sizeof owners[0]; i++) {
		if (strcmp(owners[i].kind, kind) == 0) {
			*component = owners[i].component;
			return owners[i].component;
		}
	}
	*component = "controllermanager";
	return "controllermanager";
}

/* Emit (or bump the count of) an Event about obj. */
void
ctl_event(struct sim_cluster *c, json_t *obj, const char *type, const char *reason,
    const char *fmt, ...)
{
	const struct kind		*res = kind_find_api("", "events");
	struct sim_ctl			*ctl = ctl_get(c);
	va_list				 ap;
	char				*msg, *key, *ref, ts[40], sfx[6];
	const char			*ns, *uid, *name, *slash, *reporting, *component, *host;
	char				*instance;
	json_t				*ev, *out = NULL;
	char				*cause = NULL;

	va_start(ap, fmt);
	msg = xvasprintf(fmt, ap);
	va_end(ap);
	ns = json_path_str(obj, "metadata.namespace");
	if (ns == NULL || *ns == '\0')
		ns = "default";
	uid = json_path_str(obj, "metadata.uid");
	name = json_path_str(obj, "metadata.name");
	if (name == NULL)
		name = "unknown";
	key = xasprintf("%s|%s|%s", uid != NULL ? uid : name, reason, msg);
	ctl_rfc3339(sim_wallclock(), ts, sizeof ts);
	ref = map_get(ctl->evkeys, key);
	if (ref != NULL) {
		slash = strchr(ref, '/');
		ev = NULL;
		if (slash != NULL) {
			char *evns = xstrndup(ref, (size_t)(slash - ref));

			ev = sim_obj_get(c, res, evns, slash + 1);
			free(evns);
		}
		if (ev != NULL) {
			json_object_set_new(ev, "count",
			    json_integer(json_path_int(ev, "count", 1) + 1));
			json_object_set_new(ev, "lastTimestamp", json_string(ts));
			sim_obj_modified(c, res, ev, false);
			goto out;
		}
		free(map_take(ctl->evkeys, key));
	}
	ctl_suffix(ctl, sfx);
	reporting = ctl_event_source(obj, reason, &component, &host);
	instance = *host != '\0' ? xstrdup(host) : strcmp(reporting, "default-scheduler") == 0 ?
	    xasprintf("default-scheduler-%s", c->name) : xstrdup("");
	ev = json_pack("{s:{s:s+,s:s},s:{s:s,s:s,s:s,s:s?,s:s?},s:s,s:s,s:{s:s,s:s},"
	    "s:s,s:s,s:i,s:s,s:n,s:s,s:s}",
	    "metadata", "name", name, ".", "namespace", ns,
	    "involvedObject", "kind", json_string_value(json_object_get(obj, "kind")) ?
	    json_string_value(json_object_get(obj, "kind")) : "Pod",
	    "apiVersion", json_string_value(json_object_get(obj, "apiVersion")) ?
	    json_string_value(json_object_get(obj, "apiVersion")) : "v1",
	    "name", name, "namespace", json_path_str(obj, "metadata.namespace"),
	    "uid", uid,
	    "reason", reason, "message", msg, "source", "component", component, "host", host,
	    "firstTimestamp", ts, "lastTimestamp", ts, "count", 1, "type", type,
	    "eventTime", "reportingComponent", reporting,
	    "reportingInstance", instance);
	free(instance);
	if (ev == NULL)
		goto out;
	/* the source's fields are left out when empty, as upstream's omitempty */
	if (*component == '\0')
		json_object_del(json_object_get(ev, "source"), "component");
	if (*host == '\0')
		json_object_del(json_object_get(ev, "source"), "host");
	/* A unique suffix like the apiserver's hex one. */
	{
		char	*nm = xasprintf("%s.%08x%s", name, (unsigned)ctl_rand(ctl), sfx);

		json_object_set_new(json_object_get(ev, "metadata"), "name", json_string(nm));
		free(nm);
	}
	if (sim_obj_create(c, res, ns, ev, &out, &cause) != 0 || out == NULL) {
		free(cause);
		goto out;
	}
	if (ctl->nev == CTL_EVENTS_MAX)
		ctl_event_expire(c);
	map_put(ctl->evkeys, key, xasprintf("%s/%s", ns, json_path_str(out, "metadata.name")));
	ctl->evnames[(ctl->evhead + ctl->nev) % CTL_EVENTS_MAX] = xstrdup(key);
	ctl->nev++;
out:
	free(key);
	free(msg);
}

/* Add obj to the owner index arg (a map) under its controller owner. */
static int
ctl_index_one(json_t *obj, void *arg)
{
	struct map	*m = arg;
	struct ctl_vec	*v;
	const char	*uid = ctl_owner_uid(obj);

	if (uid == NULL)
		return 0;
	v = map_get(m, uid);
	if (v == NULL) {
		v = xcalloc(1, sizeof *v);
		map_put(m, uid, v);
	}
	ctl_vec_push(v, obj);
	return 0;
}

/* Index the objects of res by controller owner uid. */
struct map *
ctl_index_by_owner(struct sim_cluster *c, const struct kind *res)
{
	struct map	*m = map_new();

	sim_obj_foreach(c, res, NULL, ctl_index_one, m);
	return m;
}

/* Free an owner index. */
void
ctl_index_free(struct map *m)
{
	map_free(m, ctl_vec_free_heap);
}

/* Objects to delete, by namespace and name, collected by ctl_delete_if. */
struct ctl_doomed {
	char		**ns, **name;
	size_t		  n;
	bool		(*gone)(struct sim_cluster *, json_t *, void *);
	void		 *arg;
	struct sim_cluster *c;
};

/* Note obj if it is to go. */
static int
ctl_doom(json_t *obj, void *arg)
{
	struct ctl_doomed	*d = arg;

	if (!d->gone(d->c, obj, d->arg))
		return 0;
	d->ns = xreallocarray(d->ns, d->n + 1, sizeof *d->ns);
	d->name = xreallocarray(d->name, d->n + 1, sizeof *d->name);
	d->ns[d->n] = xstrdup(json_path_str_or(obj, "metadata.namespace", ""));
	d->name[d->n] = xstrdup(json_path_str_or(obj, "metadata.name", ""));
	d->n++;
	return 0;
}

void
ctl_delete_if(struct sim_cluster *c, const struct kind *res,
    bool (*gone)(struct sim_cluster *, json_t *, void *), void *arg)
{
	struct ctl_doomed	d = { NULL, NULL, 0, gone, arg, c };
	char			*cause = NULL;
	size_t			 i;

	sim_obj_foreach(c, res, NULL, ctl_doom, &d);
	for (i = 0; i < d.n; i++) {
		sim_obj_delete(c, res, *d.ns[i] != '\0' ? d.ns[i] : NULL, d.name[i], &cause);
		free(cause);
		cause = NULL;
		free(d.ns[i]);
		free(d.name[i]);
	}
	free(d.ns);
	free(d.name);
}

/* Owner kinds one owned kind may have at most. */
#define CTL_OWNER_KINDS	4

/* Is obj's controller owner (of the kinds listed, NULL after the last) gone? */
static bool
ctl_orphaned(struct sim_cluster *c, json_t *obj, void *arg)
{
	const struct kind	**owners = arg;
	const char		*uid = ctl_owner_uid(obj);
	size_t			 i;

	if (uid == NULL)
		return false;
	for (i = 0; i < CTL_OWNER_KINDS && owners[i] != NULL; i++) {
		if (sim_obj_get_uid(c, owners[i], uid) != NULL)
			return false;
	}
	return true;
}

/* Delete objects of res whose owner (of the given kinds, NULL after the
 * last) is gone. */
static void
ctl_gc(struct sim_cluster *c, const struct kind *res, const struct kind *o1,
    const struct kind *o2, const struct kind *o3,
    const struct kind *o4)
{
	const struct kind	*owners[CTL_OWNER_KINDS] = { o1, o2, o3, o4 };

	ctl_delete_if(c, res, ctl_orphaned, owners);
}

/* Garbage-collect orphans of every owned kind. */
static void
ctl_gc_all(struct sim_cluster *c)
{
	const struct kind		*deploy = kind_find_api("apps", "deployments");
	const struct kind		*rs = kind_find_api("apps", "replicasets");
	const struct kind		*sts = kind_find_api("apps", "statefulsets");
	const struct kind		*ds = kind_find_api("apps", "daemonsets");
	const struct kind		*job = kind_find_api("batch", "jobs");
	const struct kind		*cj = kind_find_api("batch", "cronjobs");
	const struct kind		*ro = kind_find_api("argoproj.io", "rollouts");
	const struct kind		*pods = kind_find_api("", "pods");

	ctl_gc(c, rs, deploy, ro, NULL, NULL);
	ctl_gc(c, job, cj, NULL, NULL, NULL);
	ctl_gc(c, pods, rs, sts, ds, job);
}

/* One controller pass over one cluster. */
static void
ctl_cluster_tick(struct sim_cluster *c)
{
	struct sim_ctl	*ctl = ctl_get(c);
	struct scn	*scn = scn_get(c->sim);

	double		 w = sim_wallclock(), every;
	size_t		 npods;
	uint64_t	 rv0;
	bool		 full;

	ctl->gen++;
	sim_store_reap(c, w);
	ctl->create_budget = scn->loading ? INT_MAX : CTL_CREATE_BUDGET;
	/* The pod-level passes cost O(pods): skip them while nothing changed,
	 * no pod timer is due and the estate's epoch is the same; run them at
	 * least every couple of seconds (longer for big clusters). */
	npods = sim_obj_count(c, kind_find_api("", "pods"), NULL);
	rv0 = sim_store_rv(c);
	every = npods > 4000 ? (double)npods / 2000.0 : 2.0;
	full = ctl->full_pending || ctl->last_rv != sim_store_rv(c) ||
	    scn->t >= ctl->next_due || ctl->last_epoch != ctl->epoch ||
	    w - ctl->last_full_wall >= every;
	/* After a heavy pass (tens of ms and up) a cluster sits out a few
	 * ticks, and only one heavy cluster runs per tick. */
	if (full && ctl->full_cost > CTL_HEAVY && !scn->loading) {
		if (ctl->skip_left > 0) {
			ctl->skip_left--;
			full = false;
		} else if (scn->heavy_ran)
			full = false;
		/* Wanted but put off: it stays wanted. */
		ctl->full_pending = !full;
	}
	if (full) {
		ctl->full_pending = false;
		ctl->last_full_wall = w;
		if (ctl->full_cost > CTL_HEAVY)
			scn->heavy_ran = true;
		ctl->last_epoch = ctl->epoch;
		if (scn->t - ctl->last_gc_t >= 2.0) {
			ctl_gc_all(c);
			ctl->last_gc_t = scn->t;
		}
		ctl_nodes_tick(c);
		ctl_pods_tick(c);
		ctl_index_free(ctl->owned);
		ctl->owned = ctl_index_by_owner(c, kind_find_api("", "pods"));
		ctl_rs_tick(c);
		ctl_sts_tick(c);
		ctl_ds_tick(c);
		ctl_job_tick(c);
		ctl_deploy_tick(c);
		ctl_pdb_tick(c);
		ctl_endpoints_tick(c);
		ctl->full_cost = sim_wallclock() - w;
		if (ctl->full_cost > CTL_HEAVY) {
			/* Skip about three times the pass's cost at 10 ticks/s. */
			ctl->skip_left = (int)(ctl->full_cost * 30);
			if (ctl->skip_left > 30)
				ctl->skip_left = 30;
		}
	}
	ctl_rollouts_tick(c);
	ctl_argocd_tick(c);
	ctl_hpa_tick(c);
	ctl_cron_tick(c);
	ctl_velero_tick(c);
	ctl_alerts_tick(c);
	/* Changes made by this tick call for another full pass. */
	ctl->last_rv = sim_store_rv(c) == rv0 ? rv0 : rv0 - 1;
}

/* Advance the estate by real_dt seconds of wall clock. */
void
sim_tick(struct sim *sim, double real_dt)
{
	struct scn	*scn = scn_get(sim);
	size_t		 i;

	if (real_dt < 0)
		real_dt = 0;
	if (real_dt > 5)
		real_dt = 5;	/* a stalled ticker does not leap */
	scn->t += real_dt * (sim->speed > 0 ? sim->speed : 1);
	scn->heavy_ran = false;
	scn_faults_tick(sim);
	for (i = 0; i < sim->nclusters; i++)
		ctl_cluster_tick(sim->clusters[i]);
	scenario_churn_tick(sim, real_dt);
	scn_resolved_tick(sim);
}
