/* Looks: the views an operator opens during a drill, reported by the
 * console (POST /drill/v1/looks), judged against the fault timeline. The
 * first look after a fault that shows what that fault broke is the drill's
 * "first relevant view"; its distance from the fault is the time to
 * detect. The rule is the drill's, where the faults are known exactly; the
 * console only says what it shows. See opsdeck-drill(1), STATUS. */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "drill.h"
#include "opsdeck/sim.h"
#include "opsdeck/sanitize.h"
#include "opsdeck/sim_ctl.h"
#include "opsdeck/xmalloc.h"

/* Longest field of a look accepted. */
#define LOOK_FIELD_MAX	253

/* The views that show what each fault action breaks. */
struct look_rule {
	const char		*action;
	const char *const	*views;
	bool			 any_cluster_alerts;	/* alerts of any cluster count */
	bool			 own_cluster_any_view;	/* any view of the faulted cluster */
};

static const char *const views_rollout[] = { "deployments", "replicasets", "pods", "events",
    "alerts", NULL };
static const char *const views_unreachable[] = { "contexts", "alerts", NULL };
static const char *const views_node[] = { "nodes", "pods", "events", "alerts", NULL };
static const char *const views_load[] = { "horizontalpodautoscalers", "deployments", "pods",
    "events", "alerts", NULL };
static const char *const views_backup[] = { "backups", "schedules", "events", "alerts", NULL };
static const char *const views_db[] = { "pods", "statefulsets", "deployments", "events",
    "alerts", NULL };

static const struct look_rule look_rules[] = {
	{ "set-image", views_rollout, false, false },
	{ "cluster-unreachable", views_unreachable, true, true },
	{ "node-notready", views_node, false, false },
	{ "load", views_load, false, false },
	{ "backup-fail", views_backup, false, false },
	{ "db-down", views_db, false, false },
};

/* The rule for a fault action, or NULL. */
static const struct look_rule *
look_rule_find(const char *action)
{
	size_t i;

	for (i = 0; i < sizeof look_rules / sizeof look_rules[0]; i++) {
		if (strcmp(look_rules[i].action, action) == 0)
			return &look_rules[i];
	}
	return NULL;
}

/* True if a and b name the same object or one owns the other by the
 * apiserver's naming ("backend" → "backend-86759859d7" → "backend-…-dbslj"). */
static bool
look_names_related(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);

	if (la == lb)
		return strcmp(a, b) == 0;
	if (la < lb)
		return strncmp(a, b, la) == 0 && b[la] == '-';
	return strncmp(a, b, lb) == 0 && a[lb] == '-';
}

/* True if the look's scope holds cluster (no scope: every cluster). */
static bool
look_in_scope(const struct drill_look *l, const char *cluster)
{
	size_t i;

	if (l->nclusters == 0)
		return true;
	for (i = 0; i < l->nclusters; i++) {
		if (strcmp(l->clusters[i], cluster) == 0)
			return true;
	}
	return false;
}

/* Is look l relevant to fault f? names (NULL-terminated, may be NULL) are
 * the objects the fault broke; NULL means any object of a relevant view. */
bool
drill_look_relevant(const struct scn_fault *f, const struct drill_look *l,
    const char *const *names)
{
	const struct look_rule	*rule = look_rule_find(f->action);
	bool			 view_ok = false, alerts;
	size_t			 i;

	if (rule == NULL || l->view == NULL)
		return false;
	alerts = strcmp(l->view, "alerts") == 0;
	if (!look_in_scope(l, f->cluster) && !(alerts && rule->any_cluster_alerts))
		return false;
	for (i = 0; rule->views[i] != NULL; i++) {
		if (strcmp(rule->views[i], l->view) == 0)
			view_ok = true;
	}
	/* a view narrowed to the faulted cluster alone */
	if (rule->own_cluster_any_view && l->nclusters == 1 &&
	    strcmp(l->clusters[0], f->cluster) == 0)
		view_ok = true;
	if (!view_ok)
		return false;
	/* a view narrowed to another namespace does not show the fault */
	if (f->ns != NULL && l->ns != NULL && strcmp(f->ns, l->ns) != 0)
		return false;
	/* a view of one object: one the fault broke (alerts and events are
	 * about the fault whatever their name) */
	if (l->name == NULL || names == NULL || alerts || strcmp(l->view, "events") == 0)
		return true;
	for (i = 0; names[i] != NULL; i++) {
		if (look_names_related(names[i], l->name))
			return true;
	}
	return false;
}

/* Append name to a NULL-terminated vector (n counts the entries). */
static void
names_add(char ***v, size_t *n, const char *name)
{
	*v = xreallocarray(*v, *n + 2, sizeof **v);
	(*v)[(*n)++] = xstrdup(name);
	(*v)[*n] = NULL;
}

/* map_sweep: names of the pods a db-down fault breaks. */
static int
db_pod_name(const char *key, void *val, void *arg)
{
	struct ctl_pod	*p = val;
	void		**a = arg;

	(void)key;
	if (p->is_db || p->needs_db)
		names_add(a[0], a[1], p->name);
	return 0;
}

/* map_sweep: names of the nodes a node-notready fault took down. */
static int
down_node_name(const char *key, void *val, void *arg)
{
	void **a = arg;

	(void)val;
	names_add(a[0], a[1], key);
	return 0;
}

/* The objects fault f broke (new vector, NULL-terminated; NULL: any).
 * Lock held. */
static char **
fault_names(struct sim *sim, const struct scn_fault *f)
{
	struct sim_cluster	*c = sim_cluster_find(sim, f->cluster);
	char			**v = NULL;
	size_t			 n = 0;
	void			*a[2] = { &v, &n };
	json_t			*hpa;
	const char		*target;

	if (c == NULL)
		return NULL;
	if (strcmp(f->action, "set-image") == 0 && f->name != NULL)
		names_add(&v, &n, f->name);
	else if (strcmp(f->action, "load") == 0 && f->name != NULL) {
		names_add(&v, &n, f->name);
		hpa = sim_obj_get(c, kind_find_api("autoscaling", "horizontalpodautoscalers"),
		    f->ns != NULL ? f->ns : "default", f->name);
		target = json_string_value(json_object_get(json_object_get(json_object_get(hpa,
		    "spec"), "scaleTargetRef"), "name"));
		if (target != NULL)
			names_add(&v, &n, target);
	} else if (strcmp(f->action, "node-notready") == 0) {
		if (f->name != NULL)
			names_add(&v, &n, f->name);
		else
			map_sweep(ctl_get(c)->node_down, down_node_name, a);
	} else if (strcmp(f->action, "db-down") == 0)
		map_sweep(ctl_get(c)->pods, db_pod_name, a);
	/* a node-notready that picked nothing, or no db pods: any object */
	return v;
}

/* Free a name vector. */
static void
names_free(char **v)
{
	size_t i;

	for (i = 0; v != NULL && v[i] != NULL; i++)
		free(v[i]);
	free(v);
}

/* An optional string field of a look: NULL if absent, null or empty; -1
 * if present but not a string or too long. */
static int
look_field(json_t *body, const char *key, const char **out)
{
	json_t *v = json_object_get(body, key);

	*out = NULL;
	if (v == NULL || json_is_null(v))
		return 0;
	if (!json_is_string(v) || json_string_length(v) > LOOK_FIELD_MAX)
		return -1;
	if (json_string_length(v) > 0)
		*out = json_string_value(v);
	return 0;
}

/* Parse a look from a request body (borrowed strings into body). */
int
drill_look_parse(json_t *body, struct drill_look *l, char **cause)
{
	static const char *const keys[] = { "view", "namespace", "name", "user", "host" };
	const char	**out[] = { &l->view, &l->ns, &l->name, &l->user, &l->host };
	json_t		*cl, *v;
	size_t		 i;

	memset(l, 0, sizeof *l);
	if (!json_is_object(body)) {
		*cause = xstrdup("a look is a JSON object");
		return -1;
	}
	for (i = 0; i < sizeof keys / sizeof keys[0]; i++) {
		if (look_field(body, keys[i], out[i]) != 0) {
			*cause = xasprintf("%s: a string of at most %d characters", keys[i],
			    LOOK_FIELD_MAX);
			return -1;
		}
	}
	if (l->view == NULL) {
		*cause = xstrdup("view is required");
		return -1;
	}
	cl = json_object_get(body, "clusters");
	if (cl != NULL && !json_is_null(cl)) {
		if (!json_is_array(cl) || json_array_size(cl) > DRILL_LOOK_CLUSTERS_MAX) {
			*cause = xasprintf("clusters: a list of at most %d names",
			    DRILL_LOOK_CLUSTERS_MAX);
			return -1;
		}
		json_array_foreach(cl, i, v) {
			if (!json_is_string(v) || json_string_length(v) == 0 ||
			    json_string_length(v) > LOOK_FIELD_MAX) {
				*cause = xasprintf("clusters: a list of names of at most %d "
				    "characters", LOOK_FIELD_MAX);
				return -1;
			}
			l->clusters[l->nclusters++] = json_string_value(v);
		}
	}
	return 0;
}

/* A look as the status shows it (new): when, what, whose (the OS user and
 * host the console reported, the kube identity the drill authenticated). */
static json_t *
look_json(const struct drill_look *l, double now)
{
	char	 ts[40];
	json_t	*o, *cl = json_array();
	size_t	 i;

	ctl_rfc3339_ms(now, ts, sizeof ts);
	for (i = 0; i < l->nclusters; i++)
		json_array_append_new(cl, json_string(l->clusters[i]));
	o = json_pack("{s:s,s:s,s:o,s:s?,s:s?,s:s?,s:s?,s:s?}", "at", ts, "view", l->view,
	    "clusters", cl, "namespace", l->ns, "name", l->name, "user", l->user, "host",
	    l->host, "kubeUser", l->kube_user);
	return o;
}

/* Record look l (received at wall time now). Returns the fault it is the
 * first relevant view of, or NULL (not relevant, before any fault, or a
 * first one was already recorded). Lock held. */
const struct scn_fault *
drill_look_record(struct sim *sim, const struct drill_look *l, double now)
{
	struct scn		*scn = scn_get(sim);
	const struct scn_fault	*found = NULL;
	char			**names;
	json_t			*o;
	size_t			 i;

	scn->nlooks++;
	for (i = 0; i < scn->nfaults && scn->first_look == NULL; i++) {
		struct scn_fault *f = &scn->faults[i];

		if (!f->injected || f->curve || now < f->injected_wall)
			continue;
		names = fault_names(sim, f);
		if (drill_look_relevant(f, l, (const char *const *)names))
			found = f;
		names_free(names);
		if (found == NULL)
			continue;
		scn->first_look = look_json(l, now);
		json_object_set_new(scn->first_look, "fault", json_string(f->target));
		scn->first_look_wall = now;
		scn->first_look_fault_wall = f->injected_wall;
	}
	if (scn->recent_looks == NULL)
		scn->recent_looks = json_array();
	if (json_array_size(scn->recent_looks) == DRILL_LOOKS_RECENT)
		json_array_remove(scn->recent_looks, 0);
	o = look_json(l, now);
	json_object_set_new(o, "firstRelevant", json_boolean(found != NULL));
	json_array_append_new(scn->recent_looks, o);
	return found;
}
