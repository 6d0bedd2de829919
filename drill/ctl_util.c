/* What every controller shares for working on objects: JSON paths and
 * annotations, owner references and the per-tick owner index, template
 * hashes, conditions and status, and core v1 Events. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "opsdeck/json_util.h"
#include "opsdeck/names.h"
#include "opsdeck/sim.h"
#include "opsdeck/sim_ctl.h"
#include "opsdeck/xmalloc.h"

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
