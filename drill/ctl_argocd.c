/* Argo CD application controller: runs the sync operation an Application's
 * .operation asks for (Running, then Succeeded with the revision synced),
 * answers the refresh annotation (compares again, then drops it) and keeps
 * the health of the Deployments of the destination namespace.
 *
 * The drill has no Git repository: the commit the source's target revision
 * resolves to is the annotation drill.opsdeck.dev/head-revision (a scenario
 * moves it to play a new commit). An application is Synced when the revision
 * it last synced is that commit; the comparison is made when the application
 * is first seen, after a sync and on refresh, as Argo CD compares on its
 * refresh cycle rather than on every push. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "opsdeck/json_util.h"
#include "opsdeck/sim.h"
#include "opsdeck/sim_ctl.h"
#include "opsdeck/xmalloc.h"

#define HEAD_ANNOTATION		"drill.opsdeck.dev/head-revision"
#define REFRESH_ANNOTATION	"argocd.argoproj.io/refresh"
/* Wall seconds a sync operation stays Running. */
#define SYNC_SECONDS		1.0

/* Argo CD's health order, least to most severe. */
static const char *const health_order[] = {
	"Healthy", "Suspended", "Progressing", "Missing", "Degraded", "Unknown", NULL
};

static int
health_rank(const char *h)
{
	int i;

	for (i = 0; health_order[i] != NULL; i++)
		if (strcmp(health_order[i], h) == 0)
			return i;
	return 0;
}

/* A Deployment's health as Argo CD assesses it. */
static const char *
deploy_health(json_t *d)
{
	json_t *conds = json_path(d, "status.conditions"), *x;
	json_int_t want = json_path_int(d, "spec.replicas", 1);
	size_t i;

	if (json_path_true(d, "spec.paused"))
		return "Suspended";
	json_array_foreach(conds, i, x) {
		if (strcmp(json_path_str_or(x, "type", ""), "Progressing") == 0 &&
		    strcmp(json_path_str_or(x, "reason", ""), "ProgressDeadlineExceeded") == 0)
			return "Degraded";
	}
	if (json_path_int(d, "status.observedGeneration", 0) <
	    json_path_int(d, "metadata.generation", 0) ||
	    json_path_int(d, "status.updatedReplicas", 0) < want ||
	    json_path_int(d, "status.availableReplicas", 0) < want)
		return "Progressing";
	return "Healthy";
}

struct health_pass {
	const char	*worst;
	size_t		 n;
};

static int
health_one(json_t *d, void *arg)
{
	struct health_pass *hp = arg;
	const char *h = deploy_health(d);

	hp->n++;
	if (health_rank(h) > health_rank(hp->worst))
		hp->worst = h;
	return 0;
}

/* The health of the Deployments of the application's destination namespace
 * (Missing when there are none). */
static const char *
app_health(struct sim_cluster *c, json_t *app)
{
	struct health_pass hp = { "Healthy", 0 };
	const char *ns = json_path_str_or(app, "spec.destination.namespace", "");

	sim_obj_foreach(c, kind_find_api("apps", "deployments"), ns, health_one, &hp);
	return hp.n == 0 ? "Missing" : hp.worst;
}

/* The commit revision rev names: itself when it is one, else the head. */
static const char *
app_resolve(json_t *app, const char *rev)
{
	const char *head = ctl_annotation(app, HEAD_ANNOTATION);
	size_t n = rev != NULL ? strlen(rev) : 0;

	if (n == 40 && strspn(rev, "0123456789abcdef") == 40)
		return rev;
	return head != NULL ? head : "";
}

/* Reconcile one Application. */
static int
app_one(json_t *app, void *arg)
{
	struct sim_cluster *c = arg;
	const struct kind *res = kind_find_api("argoproj.io", "applications");
	json_t *st = json_deep_copy(json_object_get(app, "status")), *op, *os;
	const char *head = app_resolve(app, NULL), *phase, *rev;
	bool compare = false, touched = false;
	double now = sim_wallclock(), started;
	char ts[40];

	if (!json_is_object(st))
		st = json_object();
	ctl_rfc3339(now, ts, sizeof ts);
	if (json_path_str(st, "sync.status") == NULL)
		compare = true;
	/* a sync asked for: start it */
	op = json_object_get(app, "operation");
	if (json_is_object(op)) {
		rev = app_resolve(app, json_path_str(op, "sync.revision"));
		os = json_pack("{s:O,s:s,s:s,s:s,s:{s:s}}", "operation", op, "phase", "Running",
		    "message", "one or more tasks are running", "startedAt", ts,
		    "syncResult", "revision", rev);
		json_object_set_new(st, "operationState", os);
		json_object_del(app, "operation");
		touched = true;
		ctl_event(c, app, "Normal", "OperationStarted", "Initiated sync to %s",
		    *rev != '\0' ? rev : "HEAD");
	}
	/* a running sync: finish it */
	os = json_object_get(st, "operationState");
	phase = json_path_str_or(os, "phase", "");
	started = ctl_parse_time(json_path_str(os, "startedAt"));
	if (strcmp(phase, "Running") == 0 && !touched && now - started >= SYNC_SECONDS) {
		rev = json_path_str_or(os, "syncResult.revision", "");
		json_object_set_new(os, "phase", json_string("Succeeded"));
		json_object_set_new(os, "message", json_string("successfully synced (all tasks run)"));
		json_object_set_new(os, "finishedAt", json_string(ts));
		ctl_set(st, "sync.revision", json_string(rev));
		compare = true;
		ctl_event(c, app, "Normal", "OperationCompleted", "Sync operation to %s succeeded",
		    rev);
	}
	/* a refresh asked for: compare again, then drop the annotation */
	if (ctl_annotation(app, REFRESH_ANNOTATION) != NULL) {
		json_object_del(json_path(app, "metadata.annotations"), REFRESH_ANNOTATION);
		touched = true;
		compare = true;
		json_object_set_new(st, "reconciledAt", json_string(ts));
		ctl_event(c, app, "Normal", "ResourceUpdated", "Refreshed (compared with %s)",
		    *head != '\0' ? head : "the source");
	}
	if (compare) {
		rev = json_path_str_or(st, "sync.revision", "");
		ctl_set(st, "sync.status", json_string(*head == '\0' ? "Unknown" :
		    strcmp(rev, head) == 0 ? "Synced" : "OutOfSync"));
		ctl_set(st, "sync.comparedTo.source", json_deep_copy(json_path(app,
		    "spec.source")));
		if (json_object_get(st, "reconciledAt") == NULL)
			json_object_set_new(st, "reconciledAt", json_string(ts));
	}
	ctl_set(st, "health.status", json_string(app_health(c, app)));
	if (touched) {
		json_object_set_new(app, "status", st);
		sim_obj_modified(c, res, app, false);
	} else
		ctl_set_status(c, res, app, st);
	return 0;
}

/* The Application pass. */
void
ctl_argocd_tick(struct sim_cluster *c)
{
	const struct kind *res = kind_find_api("argoproj.io", "applications");

	if (res == NULL || sim_obj_count(c, res, NULL) == 0)
		return;
	sim_obj_foreach(c, res, NULL, app_one, c);
}
