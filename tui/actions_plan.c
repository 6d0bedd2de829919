/* Planning and follow-ups per action verb (see actions_int.h). */

#include <ctype.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "opsdeck/actions.h"
#include "opsdeck/audit.h"
#include "opsdeck/http.h"
#include "opsdeck/json_util.h"
#include "opsdeck/pdb.h"
#include "opsdeck/runbook.h"
#include "opsdeck/store.h"
#include "opsdeck/xmalloc.h"

#include "actions_int.h"

/*
 * Planning per verb.
 */

/* Set the request of op. body is taken. */
void
op_request(struct act_op *op, const char *method, char *path, const char *ctype, char *body)
{
	free(op->method);
	free(op->path);
	free(op->ctype);
	free(op->body);
	op->method = xstrdup(method);
	op->path = path;
	op->ctype = ctype != NULL ? xstrdup(ctype) : NULL;
	op->body = body;
}

/* The positional argument i, or NULL. */
const char *
op_arg(struct act_op *op, int i)
{
	return i < op->b->nargs ? op->b->args[i] : NULL;
}

/* Parse a non-negative integer argument. */
int
act_parse_count(const char *s, long max, long *out)
{
	char *end;
	long v;

	if (s == NULL || *s == '\0')
		return -1;
	v = strtol(s, &end, 10);
	if (*end != '\0' || v < 0 || v > max)
		return -1;
	*out = v;
	return 0;
}

/* "ctx ns/name" prefix for previews (new). */
char *
op_where(struct act_op *op)
{
	if (op->ns != NULL && *op->ns != '\0')
		return xasprintf("%s %s/%s", op->context, op->ns, op->name);
	return xasprintf("%s %s", op->context, op->name);
}

/* HPAs of the namespace, to warn when one manages a scaled workload. */
char *
extra_hpas(struct act_op *op)
{
	return actions_path("horizontalpodautoscalers", op->ns, NULL);
}

/* A count far beyond the current one (over 3x and over +10) or beyond the
 * HPA's max (hmax, -1: none) is typed, not just confirmed: why (new), or NULL. */
static char *
scale_far(long cur, long n, long long hmax)
{
	bool far = n > cur * 3 && n > cur + 10, over = hmax >= 0 && n > hmax;
	char *cur_s = xasprintf("the current %ld", cur);
	char *max_s = xasprintf("the HPA's max %lld", hmax);
	char *why;

	if (!far && !over)
		why = NULL;
	else
		why = xasprintf("\n! %ld is %s%s%s%s: type %ld to go ahead", n,
		    far ? "far beyond " : "beyond ", far ? cur_s : max_s,
		    far && over ? " / " : "", far && over ? max_s : "", n);
	free(cur_s);
	free(max_s);
	return why;
}

/* scale REPLICAS */
int
plan_scale(struct act_op *op, char **cause)
{
	const char *kind = jstr(op->obj, "kind", NULL);
	long n, cur = jint(op->obj, 1, "spec", "replicas", NULL);
	long long hmax = -1;
	json_t *hpa;
	char *where, *warn = NULL, *base, *far;
	size_t i;

	if (act_parse_count(op_arg(op, 0), 100000, &n) != 0) {
		*cause = xstrdup("scale: give the number of replicas");
		return -1;
	}
	json_array_foreach(json_object_get(op->extra, "items"), i, hpa) {
		const char *tk = jstr(hpa, "spec", "scaleTargetRef", "kind", NULL);
		const char *tn = jstr(hpa, "spec", "scaleTargetRef", "name", NULL);

		if (tk == NULL || tn == NULL || kind == NULL || strcmp(tk, kind) != 0 ||
		    strcmp(tn, op->name) != 0)
			continue;
		warn = xasprintf("\n! HPA %s (min %lld, max %lld) manages this %s and will "
		    "override the count; to change its limits instead: hpa-minmax MIN MAX "
		    "-t horizontalpodautoscalers/%s",
		    jstr(hpa, "metadata", "name", NULL) != NULL ?
		    jstr(hpa, "metadata", "name", NULL) : "?",
		    jint(hpa, 1, "spec", "minReplicas", NULL),
		    jint(hpa, 0, "spec", "maxReplicas", NULL), kind,
		    jstr(hpa, "metadata", "name", NULL) != NULL ?
		    jstr(hpa, "metadata", "name", NULL) : "?");
		if (json_is_integer(json_object_get(json_object_get(hpa, "spec"), "maxReplicas")))
			hmax = jint(hpa, 0, "spec", "maxReplicas", NULL);
		break;
	}
	json_object_set_new(op->params, "from", json_integer(cur));
	json_object_set_new(op->params, "replicas", json_integer(n));
	where = op_where(op);
	if (cur == n && warn == NULL) {
		op->skipped = xasprintf("%s already has %ld replicas", where, n);
		free(where);
		return 0;
	}
	far = scale_far(cur, n, hmax);
	if (far != NULL)
		op->typed = xasprintf("%ld", n);
	op->preview = xasprintf("%s replicas %ld → %ld%s%s", where, cur, n,
	    far != NULL ? far : "", warn != NULL ? warn : "");
	free(where);
	free(warn);
	free(far);
	base = actions_path(op->resource, op->ns, op->name);
	op_request(op, "PATCH", xasprintf("%s/scale", base), "application/merge-patch+json",
	    xasprintf("{\"spec\":{\"replicas\":%ld}}", n));
	free(base);
	return 0;
}

/* The ReplicaSets matching the deployment's selector. */
char *
extra_replicasets(struct act_op *op)
{
	json_t *ml = json_object_get(json_object_get(json_object_get(op->obj, "spec"),
	    "selector"), "matchLabels");
	const char *k;
	json_t *v;
	char *sel = xstrdup(""), *n, *esc, *base, *path;

	json_object_foreach(ml, k, v) {
		n = xasprintf("%s%s%s=%s", sel, *sel != '\0' ? "," : "", k,
		    json_string_value(v) != NULL ? json_string_value(v) : "");
		free(sel);
		sel = n;
	}
	esc = http_escape(sel);
	base = actions_path("replicasets", op->ns, NULL);
	path = xasprintf("%s?labelSelector=%s", base, esc);
	free(base);
	free(esc);
	free(sel);
	return path;
}

/* undo [REVISION] */
int
plan_undo(struct act_op *op, char **cause)
{
	long rev = 0;
	json_t *patch;
	char *summary = NULL, *where;

	if (op_arg(op, 0) != NULL && act_parse_count(op_arg(op, 0), LONG_MAX, &rev) != 0) {
		*cause = xasprintf("undo: bad revision '%s'", op_arg(op, 0));
		return -1;
	}
	patch = actions_undo_patch(op->obj, json_object_get(op->extra, "items"), rev, &summary,
	    &op->skipped, cause);
	if (patch == NULL)
		return op->skipped != NULL ? 0 : -1;
	json_object_set_new(op->params, "to_revision", json_integer(rev));
	where = op_where(op);
	op->preview = xasprintf("%s %s", where, summary);
	free(where);
	free(summary);
	op_request(op, "PATCH", actions_path(op->resource, op->ns, op->name),
	    "application/json-patch+json", jdump(patch));
	json_decref(patch);
	return 0;
}

/* restart */
int
plan_restart(struct act_op *op, char **cause)
{
	char now[40], *where, *base;
	time_t t = time(NULL);
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(now, sizeof now, "%Y-%m-%dT%H:%M:%SZ", &tm);
	where = op_where(op);
	op->preview = xasprintf("%s restart every pod (restartedAt %s)", where, now);
	free(where);
	base = actions_path(op->resource, op->ns, op->name);
	op_request(op, "PATCH", xasprintf("%s?fieldManager=kubectl-rollout", base),
	    "application/strategic-merge-patch+json",
	    xasprintf("{\"spec\":{\"template\":{\"metadata\":{\"annotations\":"
	    "{\"kubectl.kubernetes.io/restartedAt\":\"%s\"}}}}}", now));
	free(base);
	return 0;
}

/* pause / resume */
static int
plan_pause_common(struct act_op *op, bool pause, char **cause)
{
	bool paused = json_is_true(json_object_get(json_object_get(op->obj, "spec"), "paused"));
	char *where = op_where(op);

	if (paused == pause) {
		op->skipped = xasprintf("%s is already %s", where, pause ? "paused" : "resumed");
		free(where);
		return 0;
	}
	op->preview = xasprintf("%s %s the rollout", where, pause ? "pause" : "resume");
	free(where);
	op_request(op, "PATCH", actions_path(op->resource, op->ns, op->name),
	    "application/strategic-merge-patch+json",
	    xstrdup(pause ? "{\"spec\":{\"paused\":true}}" : "{\"spec\":{\"paused\":null}}"));
	return 0;
}

/* pause */
int
plan_pause(struct act_op *op, char **cause)
{
	return plan_pause_common(op, true, cause);
}

/* resume */
int
plan_resume(struct act_op *op, char **cause)
{
	return plan_pause_common(op, false, cause);
}

/* delete [--grace N] */
int
plan_delete(struct act_op *op, char **cause)
{
	char *where = op_where(op), *grace = xstrdup("");

	if (op->b->grace >= 0) {
		free(grace);
		grace = xasprintf(",\"gracePeriodSeconds\":%lld", (long long)op->b->grace);
		json_object_set_new(op->params, "grace_period", json_integer((json_int_t)op->b->grace));
	}
	op->preview = xasprintf("%s delete pod%s", where,
	    op->b->grace >= 0 ? " (grace period set)" : "");
	free(where);
	op_request(op, "DELETE", actions_path(op->resource, op->ns, op->name),
	    "application/json", xasprintf("{\"kind\":\"DeleteOptions\",\"apiVersion\":\"v1\","
	    "\"propagationPolicy\":\"Background\"%s}", grace));
	free(grace);
	return 0;
}

/* cordon / uncordon */
static int
plan_cordon_common(struct act_op *op, bool cordon)
{
	bool unsched = json_is_true(json_object_get(json_object_get(op->obj, "spec"),
	    "unschedulable"));

	if (unsched == cordon) {
		op->skipped = xasprintf("%s node %s is already %s", op->context, op->name,
		    cordon ? "cordoned" : "uncordoned");
		return 0;
	}
	op->preview = xasprintf("%s node %s: %s", op->context, op->name,
	    cordon ? "mark unschedulable (cordon)" : "mark schedulable (uncordon)");
	op_request(op, "PATCH", actions_path(op->resource, NULL, op->name),
	    "application/strategic-merge-patch+json",
	    xstrdup(cordon ? "{\"spec\":{\"unschedulable\":true}}" :
	    "{\"spec\":{\"unschedulable\":null}}"));
	return 0;
}

/* cordon */
int
plan_cordon(struct act_op *op, char **cause)
{
	return plan_cordon_common(op, true);
}

/* uncordon */
int
plan_uncordon(struct act_op *op, char **cause)
{
	return plan_cordon_common(op, false);
}

/* True if a drain evicts pod: not a mirror pod nor owned by a DaemonSet. */
static bool
drain_evictable(json_t *pod)
{
	json_t *refs, *ref;
	const char *kind;
	size_t i;

	if (jstr(pod, "metadata", "annotations", "kubernetes.io/config.mirror", NULL) != NULL)
		return false;
	refs = json_object_get(json_object_get(pod, "metadata"), "ownerReferences");
	json_array_foreach(refs, i, ref) {
		kind = jstr(ref, "kind", NULL);
		if (kind != NULL && strcmp(kind, "DaemonSet") == 0)
			return false;
	}
	return true;
}

/* The pods on the drained node (new path). */
char *
extra_node_pods(struct act_op *op)
{
	char *sel = xasprintf("spec.nodeName=%s", op->name), *esc, *path;

	esc = http_escape(sel);
	path = xasprintf("/api/v1/pods?fieldSelector=%s", esc);
	free(esc);
	free(sel);
	return path;
}

/* The PodDisruptionBudgets of the cluster, for a drain (new path), or NULL. */
char *
act_extra2(struct act_op *op)
{
	if (strcmp(op->b->def->verb, "drain") != 0)
		return NULL;
	return xstrdup("/apis/policy/v1/poddisruptionbudgets");
}

/* The PDB (in items) covering pod, NULL if none; *n counts them all. */
static json_t *
drain_pdb_of(json_t *items, json_t *pod, size_t *n)
{
	json_t *pdb, *first = NULL;
	size_t i;

	*n = 0;
	json_array_foreach(items, i, pdb) {
		if (!pdb_selects(pdb, pod))
			continue;
		if ((*n)++ == 0)
			first = pdb;
	}
	return first;
}

/* Append "; " and a new reason (new) to *blocked. */
static void
drain_block(char **blocked, char *why)
{
	char *n = xasprintf("%s%s%s", *blocked != NULL ? *blocked : "",
	    *blocked != NULL ? "; " : "", why);

	free(*blocked);
	free(why);
	*blocked = n;
}

/* drain: cordon the node, then evict its pods, unless the API server would
 * refuse an eviction: the same rules as its eviction handler (opsdeck/pdb.h).
 * A pod pending, finished or deleting goes regardless; a pod under two PDBs
 * is refused (500); an unready pod the unhealthy-pod policy lets go costs
 * nothing; every other pod costs one disruption of its PDB, which must
 * allow as many as the node has such pods. A PDB whose status its
 * controller has not filled (or not for its generation) allows none. */
int
plan_drain(struct act_op *op, char **cause)
{
	json_t *pods = json_object_get(op->extra, "items"), *pdbs, *pdb, *pod, *need;
	const char *ns, *name;
	char *blocked = NULL, *n, *list = xstrdup(""), *key;
	long covered, allowed;
	size_t i, count = 0, npdb;

	pdbs = json_object_get(op->extra2, "items");
	if (!json_is_array(pods) || !json_is_array(pdbs)) {
		free(list);
		*cause = xstrdup("drain: cannot list the node's pods or the "
		    "PodDisruptionBudgets");
		return -1;
	}
	need = json_object();
	json_array_foreach(pods, i, pod) {
		if (!drain_evictable(pod) || pdb_pod_exempt(pod))
			continue;
		pdb = drain_pdb_of(pdbs, pod, &npdb);
		if (npdb > 1) {
			drain_block(&blocked, xasprintf("pod %s/%s is covered by %zu "
			    "PodDisruptionBudgets (the eviction API refuses such pods)",
			    json_path_str_or(pod, "metadata.namespace", "?"),
			    json_path_str_or(pod, "metadata.name", "?"), npdb));
			continue;
		}
		if (pdb == NULL || pdb_unhealthy_exempt(pdb, pod))
			continue;
		key = xasprintf("%s/%s", jstr(pdb, "metadata", "namespace", NULL),
		    jstr(pdb, "metadata", "name", NULL));
		json_object_set_new(need, key, json_integer(json_integer_value(
		    json_object_get(need, key)) + 1));
		free(key);
	}
	json_array_foreach(pdbs, i, pdb) {
		ns = jstr(pdb, "metadata", "namespace", NULL);
		name = jstr(pdb, "metadata", "name", NULL);
		if (ns == NULL || name == NULL)
			continue;
		key = xasprintf("%s/%s", ns, name);
		covered = (long)json_integer_value(json_object_get(need, key));
		free(key);
		allowed = pdb_allowed(pdb);
		if (covered == 0 || allowed >= covered)
			continue;
		drain_block(&blocked, xasprintf("PodDisruptionBudget %s/%s allows %ld "
		    "disruption%s (covers %ld pod%s on this node)", ns, name, allowed,
		    allowed == 1 ? "" : "s", covered, covered == 1 ? "" : "s"));
	}
	json_decref(need);
	if (blocked != NULL) {
		op->refused = xasprintf("drain refused: %s", blocked);
		free(blocked);
		free(list);
		*cause = xstrdup(op->refused);
		return -1;
	}
	op->evict = json_array();
	json_array_foreach(pods, i, pod) {
		ns = jstr(pod, "metadata", "namespace", NULL);
		name = jstr(pod, "metadata", "name", NULL);
		if (!drain_evictable(pod) || ns == NULL || name == NULL)
			continue;
		json_array_append_new(op->evict, json_pack("[ss]", ns, name));
		if (count++ < 64) {
			n = xasprintf("%s\n  evict pod %s/%s", list, ns, name);
			free(list);
			list = n;
		}
	}
	json_object_set_new(op->params, "pods", json_integer((json_int_t)count));
	op->preview = xasprintf("%s node %s: mark unschedulable (cordon), evict %zu pod%s%s%s",
	    op->context, op->name, count, count == 1 ? "" : "s", list,
	    count > 64 ? "\n  ..." : "");
	free(list);
	op->follow_path = extra_node_pods(op);
	op_request(op, "PATCH", actions_path(op->resource, NULL, op->name),
	    "application/strategic-merge-patch+json",
	    xstrdup("{\"spec\":{\"unschedulable\":true}}"));
	return 0;
}

/* hpa-minmax MIN MAX */
int
plan_hpa(struct act_op *op, char **cause)
{
	long mn, mx;
	char *where;

	if (act_parse_count(op_arg(op, 0), 100000, &mn) != 0 ||
	    act_parse_count(op_arg(op, 1), 100000, &mx) != 0 || mn < 1 || mx < mn) {
		*cause = xstrdup("hpa-minmax: give MIN and MAX (1 <= MIN <= MAX)");
		return -1;
	}
	json_object_set_new(op->params, "min", json_integer(mn));
	json_object_set_new(op->params, "max", json_integer(mx));
	where = op_where(op);
	op->preview = xasprintf("%s HPA min %lld → %ld, max %lld → %ld", where,
	    jint(op->obj, 1, "spec", "minReplicas", NULL), mn,
	    jint(op->obj, 0, "spec", "maxReplicas", NULL), mx);
	free(where);
	op_request(op, "PATCH", actions_path(op->resource, op->ns, op->name),
	    "application/merge-patch+json",
	    xasprintf("{\"spec\":{\"minReplicas\":%ld,\"maxReplicas\":%ld}}", mn, mx));
	return 0;
}

/* run-now: a Job from the CronJob. */
int
plan_run_now(struct act_op *op, char **cause)
{
	json_t *job = actions_job_from_cronjob(op->obj, time(NULL));
	const char *jname;
	char *where;

	if (job == NULL) {
		*cause = xstrdup("run-now: malformed CronJob");
		return -1;
	}
	jname = jstr(job, "metadata", "name", NULL);
	json_object_set_new(op->params, "job", json_string(jname));
	where = op_where(op);
	op->preview = xasprintf("%s create job %s from cronjob %s", where, jname, op->name);
	free(where);
	op->follow_path = actions_path("jobs", op->ns, jname);
	op_request(op, "POST", actions_path("jobs", op->ns, NULL), "application/json",
	    jdump(job));
	json_decref(job);
	return 0;
}

/* backup-now: a Velero Backup from the Schedule. */
int
plan_backup(struct act_op *op, char **cause)
{
	json_t *bk = actions_backup_from_schedule(op->obj, time(NULL));
	const char *bname;

	if (bk == NULL) {
		*cause = xstrdup("backup-now: malformed Schedule");
		return -1;
	}
	bname = jstr(bk, "metadata", "name", NULL);
	json_object_set_new(op->params, "backup", json_string(bname));
	op->preview = xasprintf("%s create backup %s/%s from schedule %s", op->context,
	    op->ns, bname, op->name);
	op->follow_path = actions_path("backups", op->ns, bname);
	op_request(op, "POST", actions_path("backups", op->ns, NULL), "application/json",
	    jdump(bk));
	json_decref(bk);
	return 0;
}

/* restore [BACKUP]: a Velero Restore (always a typed confirmation). */
int
plan_restore(struct act_op *op, char **cause)
{
	const char *backup = op_arg(op, 0) != NULL ? op_arg(op, 0) : op->name;
	char *rname, ts[32];
	time_t now = time(NULL);
	struct tm tm;
	json_t *o;

	if (backup == NULL || *backup == '\0') {
		*cause = xstrdup("restore: which backup?");
		return -1;
	}
	gmtime_r(&now, &tm);
	strftime(ts, sizeof ts, "%Y%m%d%H%M%S", &tm);
	rname = xasprintf("%.40s-%s", backup, ts);
	o = json_pack("{s:s,s:s,s:{s:s,s:s},s:{s:s}}", "apiVersion", "velero.io/v1",
	    "kind", "Restore", "metadata", "name", rname, "namespace", op->ns,
	    "spec", "backupName", backup);
	json_object_set_new(op->params, "backup", json_string(backup));
	json_object_set_new(op->params, "restore", json_string(rname));
	op->preview = xasprintf("%s RESTORE from backup %s (restore %s/%s): objects in the "
	    "backup will be recreated", op->context, backup, op->ns, rname);
	op->follow_path = actions_path("restores", op->ns, rname);
	op_request(op, "POST", actions_path("restores", op->ns, NULL), "application/json",
	    jdump(o));
	json_decref(o);
	free(rname);
	return 0;
}

/* The Argo Rollouts status path of op. */
static char *
rollout_status_path(struct act_op *op)
{
	char *base = actions_path(op->resource, op->ns, op->name);
	char *p = xasprintf("%s/status", base);

	free(base);
	return p;
}

/* promote [--full=yes] */
int
plan_promote(struct act_op *op, char **cause)
{
	long step = jint(op->obj, 0, "status", "currentStepIndex", NULL);
	const char *full = NULL;
	char *where = op_where(op);
	int i;

	for (i = 0; i < op->b->nargs; i++) {
		if (strncmp(op->b->args[i], "--full=", 7) == 0)
			full = op->b->args[i] + 7;
		else if (strcmp(op->b->args[i], "--full") == 0)
			full = "yes";
	}
	if (full != NULL && (strcmp(full, "yes") == 0 || strcmp(full, "true") == 0)) {
		op->preview = xasprintf("%s promote fully (skip the remaining steps)", where);
		op_request(op, "PATCH", rollout_status_path(op), "application/merge-patch+json",
		    xstrdup("{\"status\":{\"promoteFull\":true}}"));
		json_object_set_new(op->params, "full", json_true());
	} else {
		op->preview = xasprintf("%s promote: step %ld → %ld", where, step, step + 1);
		op_request(op, "PATCH", rollout_status_path(op), "application/merge-patch+json",
		    xasprintf("{\"status\":{\"pauseConditions\":null,\"currentStepIndex\":%ld}}",
		    step + 1));
		json_object_set_new(op->params, "step", json_integer(step + 1));
	}
	free(where);
	return 0;
}

/* abort / retry */
static int
plan_abort_common(struct act_op *op, bool abort)
{
	char *where = op_where(op);

	op->preview = xasprintf("%s %s", where, abort ?
	    "abort the rollout (traffic back to stable)" : "retry the aborted rollout");
	free(where);
	op_request(op, "PATCH", rollout_status_path(op), "application/merge-patch+json",
	    xstrdup(abort ? "{\"status\":{\"abort\":true}}" : "{\"status\":{\"abort\":false}}"));
	return 0;
}

/* abort */
int
plan_abort(struct act_op *op, char **cause)
{
	return plan_abort_common(op, true);
}

/* retry */
int
plan_retry(struct act_op *op, char **cause)
{
	return plan_abort_common(op, false);
}

/* switch-color COLOR: the Service selector's color (or version) label. */
int
plan_switch(struct act_op *op, char **cause)
{
	json_t *sel = json_object_get(json_object_get(op->obj, "spec"), "selector");
	const char *to = op_arg(op, 0), *key = NULL, *from;
	char *where;

	if (to == NULL) {
		*cause = xstrdup("switch-color: give the colour (blue or green)");
		return -1;
	}
	if (json_object_get(sel, "color") != NULL)
		key = "color";
	else if (json_object_get(sel, "version") != NULL)
		key = "version";
	if (key == NULL) {
		*cause = xasprintf("switch-color: service %s has no color or version selector",
		    op->name);
		return -1;
	}
	from = json_string_value(json_object_get(sel, key));
	if (from != NULL && strcmp(from, to) == 0) {
		op->skipped = xasprintf("%s already selects %s=%s", op->name, key, to);
		return 0;
	}
	json_object_set_new(op->params, "selector", json_string(key));
	json_object_set_new(op->params, "to", json_string(to));
	where = op_where(op);
	op->preview = xasprintf("%s selector %s: %s → %s", where, key, from != NULL ? from : "?",
	    to);
	free(where);
	op_request(op, "PATCH", actions_path(op->resource, op->ns, op->name),
	    "application/merge-patch+json",
	    xasprintf("{\"spec\":{\"selector\":{\"%s\":\"%s\"}}}", key, to));
	return 0;
}

bool
actions_vs_split(json_t *http_route, json_t **stable, json_t **canary)
{
	json_t *r;
	const char *subset;
	size_t j;

	*stable = *canary = NULL;
	json_array_foreach(json_object_get(http_route, "route"), j, r) {
		subset = jstr(r, "destination", "subset", NULL);
		if (subset != NULL && strcmp(subset, "canary") == 0)
			*canary = r;
		else if (subset != NULL && strcmp(subset, "stable") == 0)
			*stable = r;
	}
	return *stable != NULL && *canary != NULL;
}

/* canary-weight N: the canary/stable weights of the VirtualService's
 * routes that split between the two (a route to the canary alone, such
 * as one forced by a header, stays as it is). */
int
plan_canary_weight(struct act_op *op, char **cause)
{
	json_t *http, *route, *stable, *canary, *patch;
	long w;
	size_t i;
	int changed = 0;
	char *where;
	long old = -1;

	if (act_parse_count(op_arg(op, 0), 100, &w) != 0) {
		*cause = xstrdup("canary-weight: give the canary weight 0-100");
		return -1;
	}
	http = json_deep_copy(json_object_get(json_object_get(op->obj, "spec"), "http"));
	json_array_foreach(http, i, route) {
		if (!actions_vs_split(route, &stable, &canary))
			continue;
		old = jint(canary, 0, "weight", NULL);
		json_object_set_new(canary, "weight", json_integer(w));
		json_object_set_new(stable, "weight", json_integer(100 - w));
		changed += 2;
	}
	if (changed < 2) {
		json_decref(http);
		*cause = xasprintf("canary-weight: %s has no stable and canary subsets", op->name);
		return -1;
	}
	json_object_set_new(op->params, "canary_weight", json_integer(w));
	where = op_where(op);
	op->preview = xasprintf("%s canary weight %ld → %ld (stable %ld)", where, old, w, 100 - w);
	free(where);
	patch = json_pack("{s:{s:o}}", "spec", "http", http);
	op_request(op, "PATCH", actions_path(op->resource, op->ns, op->name),
	    "application/merge-patch+json", jdump(patch));
	json_decref(patch);
	return 0;
}

/* sync [REVISION]: an Argo CD sync operation (the application controller
 * runs what .operation asks, as `argocd app sync` requests it). */
int
plan_sync(struct act_op *op, char **cause)
{
	const char *rev = op_arg(op, 0), *phase;
	json_t *patch;
	char *where;

	phase = json_path_str_or(op->obj, "status.operationState.phase", "");
	if (json_object_get(op->obj, "operation") != NULL || strcmp(phase, "Running") == 0 ||
	    strcmp(phase, "Terminating") == 0) {
		*cause = xasprintf("sync: another operation is already in progress on %s",
		    op->name);
		return -1;
	}
	if (rev == NULL || *rev == '\0')
		rev = json_path_str_or(op->obj, "spec.source.targetRevision", "HEAD");
	if (*rev == '\0')
		rev = "HEAD";
	json_object_set_new(op->params, "revision", json_string(rev));
	where = op_where(op);
	op->preview = xasprintf("%s sync to revision %s (now %s, %s)", where, rev,
	    json_path_str_or(op->obj, "status.sync.status", "Unknown"),
	    json_path_str_or(op->obj, "status.health.status", "Unknown"));
	free(where);
	patch = json_pack("{s:{s:{s:s,s:b},s:{s:s}}}", "operation", "initiatedBy",
	    "username", audit_local_user(), "automated", 0, "sync", "revision", rev);
	op_request(op, "PATCH", actions_path(op->resource, op->ns, op->name),
	    "application/merge-patch+json", jdump(patch));
	json_decref(patch);
	return 0;
}

/* refresh [--hard]: ask Argo CD to compare the application with its source
 * again (the refresh annotation; hard also drops the manifest cache). */
int
plan_refresh(struct act_op *op, char **cause)
{
	const char *arg = op_arg(op, 0);
	const char *mode = arg != NULL && (strcmp(arg, "--hard") == 0 ||
	    strcmp(arg, "hard") == 0) ? "hard" : "normal";
	json_t *patch;
	char *where;

	if (arg != NULL && strcmp(mode, "normal") == 0 && strcmp(arg, "normal") != 0) {
		*cause = xasprintf("refresh: unknown argument %s (give --hard or nothing)", arg);
		return -1;
	}
	json_object_set_new(op->params, "refresh", json_string(mode));
	where = op_where(op);
	op->preview = xasprintf("%s refresh (%s): compare with the source again", where,
	    mode);
	free(where);
	patch = json_pack("{s:{s:{s:s}}}", "metadata", "annotations",
	    "argocd.argoproj.io/refresh", mode);
	op_request(op, "PATCH", actions_path(op->resource, op->ns, op->name),
	    "application/merge-patch+json", jdump(patch));
	json_decref(patch);
	return 0;
}

/* The labels of a store row of the target, as "k=v,..." (borrowed), or NULL. */
struct row_find {
	const char	*name;
	const char	*uid;
	const char	*labels;
};

/* store_foreach callback: find the row by uid or name. */
static int
row_find_cb(size_t cluster, const struct row *r, void *arg)
{
	struct row_find *rf = arg;

	(void)cluster;
	if ((rf->uid != NULL && r->uid != NULL && strcmp(r->uid, rf->uid) == 0) ||
	    (rf->uid == NULL && strcmp(r->name, rf->name) == 0)) {
		rf->labels = r->labels;
		return 1;
	}
	return 0;
}

/* RFC 3339 of now + offset seconds (static buffer per call site). */
static void
act_rfc3339(double offset, char *buf, size_t len)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += (time_t)offset;
	audit_format_time(&ts, buf, len);
}

/* Alertmanager's matcher operators, by position in the spec, longest first
 * at the same position. */
static const struct {
	const char	*op;
	bool		 regex;
	bool		 equal;
} act_matcher_ops[] = {
	{ "!~", true, false }, { "=~", true, true }, { "!=", false, false },
	{ "=", false, true },
};

/* Parse "name<op>value" (= != =~ !~) into a matcher object (new), or NULL. */
json_t *
actions_silence_matcher(const char *spec)
{
	const char *best = NULL, *p;
	size_t i, bi = 0;
	json_t *m;
	char *name;

	for (i = 0; i < sizeof act_matcher_ops / sizeof act_matcher_ops[0]; i++) {
		p = strstr(spec, act_matcher_ops[i].op);
		if (p != NULL && (best == NULL || p < best ||
		    (p == best && strlen(act_matcher_ops[i].op) > strlen(act_matcher_ops[bi].op)))) {
			best = p;
			bi = i;
		}
	}
	if (best == NULL || best == spec)
		return NULL;
	name = xstrndup(spec, (size_t)(best - spec));
	m = json_pack("{s:s, s:s, s:b, s:b}", "name", name, "value",
	    best + strlen(act_matcher_ops[bi].op), "isRegex", act_matcher_ops[bi].regex,
	    "isEqual", act_matcher_ops[bi].equal);
	free(name);
	return m;
}

/* The operator of a matcher object. */
static const char *
matcher_op(json_t *m)
{
	bool re = json_is_true(json_object_get(m, "isRegex"));
	bool eq = !json_is_false(json_object_get(m, "isEqual"));

	return re ? (eq ? "=~" : "!~") : (eq ? "=" : "!=");
}

/* silence DURATION [k=v k!=v k=~re k!~re ...] [--comment TEXT] [--author U]:
 * matchers from the alert's labels (the selected alert row) plus any given. */
int
plan_silence(struct act_op *op, char **cause)
{
	const char *dur = op_arg(op, 0);
	json_t *matchers = json_array(), *m, *o;
	struct row_find rf;
	double secs;
	char start[48], end[48], *labels = NULL, *tok, *save = NULL, *p, *eq;
	char *mtext = xstrdup("");
	size_t i;
	int a;

	secs = dur != NULL ? rb_parse_duration(dur) : -1;
	if (secs <= 0) {
		*cause = xstrdup("silence: give a duration (e.g. 2h) first");
		json_decref(matchers);
		free(mtext);
		return -1;
	}
	/* The alert's labels from the store, when a row is the target. */
	if (op->b->store != NULL && op->name != NULL && strcmp(op->resource, "alerts") == 0) {
		memset(&rf, 0, sizeof rf);
		rf.name = op->name;
		store_foreach(op->b->store, op->cluster, "alerts", NULL, row_find_cb, &rf);
		if (rf.labels != NULL)
			labels = xstrdup(rf.labels);
	}
	for (tok = labels != NULL ? strtok_r(labels, ",", &save) : NULL; tok != NULL;
	    tok = strtok_r(NULL, ",", &save)) {
		eq = strchr(tok, '=');
		if (eq == NULL)
			continue;
		*eq = '\0';
		json_array_append_new(matchers, json_pack("{s:s,s:s,s:b,s:b}", "name", tok,
		    "value", eq + 1, "isRegex", 0, "isEqual", 1));
	}
	free(labels);
	for (a = 1; a < op->b->nargs; a++) {
		json_t *given = actions_silence_matcher(op->b->args[a]);

		if (given == NULL) {
			*cause = xasprintf("silence: matcher '%s' is not name=value (or !=, =~, "
			    "!~)", op->b->args[a]);
			json_decref(matchers);
			free(mtext);
			return -1;
		}
		/* A given matcher replaces one of the same name from the alert. */
		json_array_foreach(matchers, i, m) {
			if (strcmp(jstr(m, "name", NULL), jstr(given, "name", NULL)) == 0 &&
			    !json_is_true(json_object_get(m, "given"))) {
				json_array_remove(matchers, i);
				break;
			}
		}
		json_object_set_new(given, "given", json_true());
		json_array_append_new(matchers, given);
	}
	json_array_foreach(matchers, i, m)
		json_object_del(m, "given");
	if (json_array_size(matchers) == 0 && op->name != NULL && *op->name != '\0')
		json_array_append_new(matchers, json_pack("{s:s,s:s,s:b,s:b}", "name",
		    "alertname", "value", op->name, "isRegex", 0, "isEqual", 1));
	if (json_array_size(matchers) == 0) {
		*cause = xstrdup("silence: no matchers (select an alert or give name=value)");
		json_decref(matchers);
		free(mtext);
		return -1;
	}
	json_array_foreach(matchers, i, m) {
		p = xasprintf("%s%s%s%s\"%s\"", mtext, i > 0 ? "," : "", jstr(m, "name", NULL),
		    matcher_op(m), jstr(m, "value", NULL));
		free(mtext);
		mtext = p;
	}
	act_rfc3339(0, start, sizeof start);
	act_rfc3339(secs, end, sizeof end);
	o = json_pack("{s:O,s:s,s:s,s:s,s:s}", "matchers", matchers, "startsAt", start,
	    "endsAt", end, "createdBy", op->b->author != NULL ? op->b->author :
	    audit_local_user(), "comment",
	    op->b->comment != NULL ? op->b->comment : "silenced from opsdeck");
	json_object_set_new(op->params, "matchers", json_string(mtext));
	json_object_set_new(op->params, "duration", json_string(dur));
	op->preview = xasprintf("%s silence {%s} for %s until %s: %s", op->context, mtext, dur,
	    end, op->b->comment != NULL ? op->b->comment : "silenced from opsdeck");
	op_request(op, "POST", xstrdup("/api/v2/silences"), "application/json", jdump(o));
	json_decref(o);
	json_decref(matchers);
	free(mtext);
	return 0;
}

/* expire-silence [ID] */
int
plan_expire(struct act_op *op, char **cause)
{
	const char *id = op_arg(op, 0) != NULL ? op_arg(op, 0) : op->name;
	size_t i;

	if (id == NULL || *id == '\0') {
		*cause = xstrdup("expire-silence: which silence id?");
		return -1;
	}
	for (i = 0; id[i] != '\0'; i++) {
		if (!isxdigit((unsigned char)id[i]) && id[i] != '-') {
			*cause = xasprintf("expire-silence: bad id '%s'", id);
			return -1;
		}
	}
	json_object_set_new(op->params, "silence", json_string(id));
	op->preview = xasprintf("%s expire silence %s", op->context, id);
	op_request(op, "DELETE", xasprintf("/api/v2/silence/%s", id), NULL, NULL);
	return 0;
}

/*
 * Follow-ups.
 */

/* kubectl rollout status for deployments; readiness for statefulsets. */
int
follow_rollout(struct act_op *op, json_t *obj, char **msg)
{
	long long gen = jint(obj, 0, "metadata", "generation", NULL);
	long long ogen = jint(obj, 0, "status", "observedGeneration", NULL);
	long long want = jint(obj, 1, "spec", "replicas", NULL);
	long long updated = jint(obj, 0, "status", "updatedReplicas", NULL);
	long long total = jint(obj, 0, "status", "replicas", NULL);
	long long avail = jint(obj, 0, "status", "availableReplicas", NULL);
	long long ready = jint(obj, 0, "status", "readyReplicas", NULL);
	json_t *c;

	if (gen > ogen)
		return 0;
	if (strcmp(op->resource, "statefulsets") == 0)
		return ready >= want && total == want ? 1 : 0;
	c = json_condition_find(json_path(obj, "status.conditions"), "Progressing");
	if (c != NULL && jstr(c, "reason", NULL) != NULL &&
	    strcmp(jstr(c, "reason", NULL), "ProgressDeadlineExceeded") == 0) {
		*msg = xasprintf("deployment \"%s\" exceeded its progress deadline", op->name);
		return -1;
	}
	if (updated < want || total > updated || avail < updated)
		return 0;
	return 1;
}

/* A deleted pod is gone (404) or replaced (another uid). */
int
follow_deleted(struct act_op *op, json_t *obj, char **msg)
{
	const char *uid = jstr(obj, "metadata", "uid", NULL);
	const char *was = jstr(op->obj, "metadata", "uid", NULL);

	if (obj == NULL)
		return 1;
	return uid != NULL && was != NULL && strcmp(uid, was) != 0 ? 1 : 0;
}

/* A Job ran to completion. */
int
follow_job(struct act_op *op, json_t *obj, char **msg)
{
	json_t *c = json_condition_find(json_path(obj, "status.conditions"), "Failed");

	if (c != NULL && jstr(c, "status", NULL) != NULL &&
	    strcmp(jstr(c, "status", NULL), "True") == 0) {
		*msg = xasprintf("job failed: %s", jstr(c, "message", NULL) != NULL ?
		    jstr(c, "message", NULL) : "?");
		return -1;
	}
	return jint(obj, 0, "status", "succeeded", NULL) >= 1 ? 1 : 0;
}

/* A Velero Backup or Restore reached a final phase. */
int
follow_velero(struct act_op *op, json_t *obj, char **msg)
{
	const char *phase = jstr(obj, "status", "phase", NULL);

	if (phase == NULL)
		return 0;
	if (strcmp(phase, "Completed") == 0)
		return 1;
	if (strcmp(phase, "Failed") == 0 || strcmp(phase, "PartiallyFailed") == 0 ||
	    strcmp(phase, "FailedValidation") == 0) {
		/* the object followed (a restore follows its Restore, not the
		 * backup it was asked on), with what went wrong counted */
		*msg = xasprintf("%s phase %s (%lld errors, %lld warnings)%s%s",
		    jstr(obj, "kind", NULL) != NULL ? jstr(obj, "kind", NULL) : op->resource,
		    phase, (long long)jint(obj, 0, "status", "errors", NULL),
		    (long long)jint(obj, 0, "status", "warnings", NULL),
		    jstr(obj, "status", "failureReason", NULL) != NULL ? ": " : "",
		    jstr(obj, "status", "failureReason", NULL) != NULL ?
		    jstr(obj, "status", "failureReason", NULL) : "");
		return -1;
	}
	return 0;
}

/* An aborted Argo Rollout has status.abort set. */
int
follow_abort(struct act_op *op, json_t *obj, char **msg)
{
	return json_is_true(json_object_get(json_object_get(obj, "status"), "abort")) ? 1 : 0;
}

/* A drain is done when no evictable pod is left on the node. */
int
follow_drain(struct act_op *op, json_t *obj, char **msg)
{
	json_t *pod;
	size_t i;

	if (!json_is_array(json_object_get(obj, "items")))
		return 0;
	json_array_foreach(json_object_get(obj, "items"), i, pod) {
		if (drain_evictable(pod))
			return 0;
	}
	return 1;
}
