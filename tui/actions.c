/* Actions: one asynchronous pipeline for every mutation (see actions.h). */
#include <sys/queue.h>
#include <sys/wait.h>

#include <ctype.h>
#include <limits.h>
#include <stdarg.h>
#include <strings.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "opsdeck/actions.h"
#include "opsdeck/osc52.h"
#include "opsdeck/audit.h"
#include "opsdeck/auth.h"
#include "opsdeck/client.h"
#include "opsdeck/cmd.h"
#include "opsdeck/edit.h"
#include "opsdeck/http.h"
#include "opsdeck/incident.h"
#include "opsdeck/kinds.h"
#include "opsdeck/json_util.h"
#include "opsdeck/pdb.h"
#include "opsdeck/portfwd.h"
#include "opsdeck/kubeconfig.h"
#include "opsdeck/loop.h"
#include "opsdeck/runbook.h"
#include "opsdeck/sanitize.h"
#include "opsdeck/store.h"
#include "opsdeck/term.h"
#include "opsdeck/ui.h"
#include "opsdeck/xmalloc.h"

#define ACT_MAX_TARGETS	256
#define ACT_MAX_ARGS	16
#define ACT_POLL	1.0
#define ACT_PREVIEW_MAX	(32 * 1024)
#define ACT_EDIT_QUIET	5	/* status-only conflicts carried over before asking */

struct act_op;
struct act_batch;

/* What one action verb does. */
struct act_def {
	const char	*verb;		/* the kinds that allow it list it (kinds.h) */
	const char	*args;		/* usage, as the command table shows it */
	const char	*help;
	/* The writes it sends, for the RBAC checks (and the help view's
	 * greying): verb, resource (NULL: the target's) and subresource. */
	struct act_need {
		const char	*verb;
		const char	*resource;
		const char	*sub;
	}		 need[ACTIONS_ACCESS_MAX];
	bool		 am;		/* an Alertmanager request: no RBAC or dry run */
	bool		 typed;		/* always ask for the cluster name (restores) */
	bool		 no_fetch;	/* do not GET the target first */
	bool		 untargeted;	/* may run with no row selected */
	/* The user edits the fetched object in an editor before it is planned
	 * (edit): a rejected text is opened again with the reason on top, a
	 * conflict with the change carried onto the latest version. */
	bool		 edit;
	/* Runs kubectl instead of sending a request, in the console's terminal
	 * (exec) or kept in the background (port-forward): console only, no
	 * dry run, one target, confirmed only where the context asks for it
	 * (protected); the audit intent is written when it starts, the outcome
	 * when it ends. */
	bool		 kubectl;
	bool		 background;
	/* A value to ask for once the target is fetched (the container), or
	 * NULL: the question (new) and its prefill in *initial (new). */
	char		*(*question)(struct act_op *, char **initial);
	/* A second GET needed for planning (after the object is fetched), or NULL. */
	char		*(*extra)(struct act_op *);
	/* Build the request and the preview. 0, or -1 with *cause; may set
	 * op->skipped instead of a request. */
	int		 (*plan)(struct act_op *, char **cause);
	/* After the request: 1 done, 0 keep polling, -1 failed (*msg set). */
	int		 (*follow)(struct act_op *, json_t *obj, char **msg);
};

/* Where one target is in the pipeline. */
enum op_state {
	OP_PREPARING,
	OP_READY,	/* planned and dry-run: awaiting confirmation */
	OP_RUNNING,	/* request sent or following up */
	OP_SETTLED,
};

/* One target of an action. */
struct act_op {
	struct act_batch	*b;
	enum op_state		 state;
	size_t			 cluster;
	char			*context;	/* context name */
	char			*resource;
	char			*ns;
	char			*name;
	json_t			*obj;		/* current object */
	json_t			*extra;		/* the extra GET's answer */
	json_t			*extra2;	/* the second extra GET's answer (drain) */
	json_t			*evict;		/* drain: [[ns, name], ...] to evict */
	size_t			 nevicted;	/* drain: evictions sent so far */
	struct actions_access	 access[ACTIONS_ACCESS_MAX];	/* RBAC checks */
	size_t			 naccess;
	size_t			 nchecked;	/* checks answered yes so far */
	char			*refused;	/* planning refused the action: why */
	json_t			*params;	/* for the audit record */
	char			*method;
	char			*path;
	char			*ctype;
	char			*body;
	char			*preview;
	char			*skipped;	/* nothing to do: why */
	char			*follow_path;	/* GET for the follow-up, default path */
	char			*outcome;
	char			*message;
	double			 deadline;
	struct loop_timer	*timer;
	/* The intent of the last request sent (empty before the first): its
	 * outcome record names it. */
	char			 intent[AUDIT_ID_SIZE];
	bool			 inflight;	/* a request sent, its reply not in */
	bool			 granted;	/* every permission granted: may go on */
	char			*typed;		/* the plan wants this typed to confirm */
	/* edit: the file, the object it was made from (what the user's change
	 * is measured against), the object last written to it, the one read
	 * back; whether the text on top is an error (an untouched file then
	 * gives up) or a conflict (an untouched file is the answer). */
	struct edit_file	*edit;
	json_t			*edit_base;
	json_t			*edit_shown;
	json_t			*edited;
	bool			 edit_error;
	bool			 edit_rebased;
	int			 edit_quiet;	/* conflicts carried over unseen in a row */
	char			**argv;		/* terminal actions: the program */
	bool			 asked;		/* the def's question was asked */
};

/* One command's batch of targets. */
struct act_batch {
	const struct act_def	*def;
	struct client		*client;
	struct store		*store;
	const struct cmd_ui	*ui_ops;
	void			*ui;
	int			 origin;
	bool			 read_only;
	char			*incident;
	char			*args[ACT_MAX_ARGS];
	int			 nargs;
	char			*comment;	/* --comment */
	double			 grace;		/* --grace, -1 unset */
	struct act_op		**ops;
	size_t			 nops;
	bool			 confirming;
	cmd_done_cb		 done;
	void			*done_arg;
	json_t			**result;	/* the caller's (cmd_ctx result) */
	char			*author;	/* --author (silences) */
	/* Values to ask for once access is known (scale's count, silence's
	 * duration and comment): asking, a question is open; ask_initial,
	 * the first question's prefill. */
	bool			 ask;
	bool			 asking;
	char			*ask_initial;
	TAILQ_ENTRY(act_batch)	 entry;		/* in act_batches */
};
TAILQ_HEAD(act_batch_list, act_batch);

static struct loop	*act_loop;
static double		 act_timeout = 300;
static size_t		 act_nrunning;
static size_t		 act_ninflight;	/* requests sent whose reply is not in */
static char		*act_stopping;	/* interrupted: why; nothing more is sent */
/* The kubeconfig files the console read (for kubectl), or NULL. */
static char		**act_kc_files;
static size_t		  act_kc_nfiles;
static struct act_batch_list act_batches = TAILQ_HEAD_INITIALIZER(act_batches);

static void	op_settle(struct act_op *, const char *outcome, const char *message);
static void	batch_check(struct act_batch *);
static void	batch_ask(struct act_batch *);
static void	batch_free(struct act_batch *);
static void	op_audit(struct act_op *, const char *outcome, const char *message);

/* Set the loop timers run on. */
void
actions_set_loop(struct loop *l)
{
	act_loop = l;
}

/* Set the follow-up timeout. */
void
actions_set_timeout(double seconds)
{
	if (seconds > 0)
		act_timeout = seconds;
}

/* Requests sent whose reply has not arrived. */
size_t
actions_inflight(void)
{
	return act_ninflight;
}

/* Stop sending: every later request is settled "interrupted" unsent. */
void
actions_interrupt(const char *why)
{
	free(act_stopping);
	act_stopping = xstrdup(why != NULL ? why : "interrupted");
}

/* Batches still running. */
size_t
actions_running(void)
{
	return act_nrunning;
}

/* Drop every live batch, auditing requests whose follow-up never finished. */
void
actions_shutdown(void)
{
	struct act_batch *b;
	struct act_op *op;
	size_t i;

	while (!TAILQ_EMPTY(&act_batches)) {
		b = TAILQ_FIRST(&act_batches);
		b->ui_ops = NULL;	/* the UI is going away: no messages */
		for (i = 0; i < b->nops; i++) {
			op = b->ops[i];
			if (op->timer != NULL && act_loop != NULL)
				loop_timer_cancel(act_loop, op->timer);
			op->timer = NULL;
			if (op->state == OP_RUNNING && op->inflight) {
				char *m = xasprintf("%s before the reply arrived: outcome "
				    "unknown — check the cluster", act_stopping != NULL ?
				    act_stopping : "quit");

				op_audit(op, "interrupted", m);
				free(m);
			} else if (op->state == OP_RUNNING) {
				op_audit(op, "interrupted",
				    "quit before the outcome was known");
			}
			op->inflight = false;
		}
		batch_free(b);
	}
	act_nrunning = 0;
	act_ninflight = 0;
	free(act_stopping);
	act_stopping = NULL;
}

/* Audit name of an origin. */
const char *
actions_origin_name(int origin)
{
	switch (origin) {
	case CMD_FROM_KEY:
		return "key";
	case CMD_FROM_PROMPT:
		return "prompt";
	case CMD_FROM_RUNBOOK:
		return "runbook";
	case CMD_FROM_CLI:
		return "cli";
	}
	return "unknown";
}

/* The path of an object or collection. */
char *
actions_path(const char *resource, const char *ns, const char *name)
{
	const struct kind *r = kind_find(resource);

	if (r == NULL || r->source == KIND_ALERTMANAGER)
		return NULL;
	return kind_path(r, ns, name);
}

/* Path with dryRun=All. */
char *
actions_dry_run_path(const char *path)
{
	return xasprintf("%s%cdryRun=All", path, strchr(path, '?') != NULL ? '&' : '?');
}

char *
actions_dry_run_body(const char *method, const char *body)
{
	json_t *o;
	char *s;

	if (method == NULL || strcmp(method, "DELETE") != 0 || body == NULL || *body == '\0')
		return NULL;
	o = json_loads(body, 0, NULL);
	if (!json_is_object(o)) {
		json_decref(o);
		return NULL;
	}
	json_object_set_new(o, "dryRun", json_pack("[s]", "All"));
	s = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(o);
	return s;
}

/* A string at a path of objects: jstr(o, "spec", "x", NULL). */
static const char *
jstr(json_t *o, ...)
{
	va_list ap;
	const char *k;

	va_start(ap, o);
	for (k = va_arg(ap, const char *); k != NULL; k = va_arg(ap, const char *))
		o = json_object_get(o, k);
	va_end(ap);
	return json_string_value(o);
}

/* An integer at a path (def if absent). */
static long long
jint(json_t *o, long long def, ...)
{
	va_list ap;
	const char *k;

	va_start(ap, def);
	for (k = va_arg(ap, const char *); k != NULL; k = va_arg(ap, const char *))
		o = json_object_get(o, k);
	va_end(ap);
	return json_is_integer(o) ? json_integer_value(o) : def;
}

/* Compact JSON text of o (new). */
static char *
jdump(json_t *o)
{
	char *s = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);

	if (s == NULL)
		fatal("json_dumps");
	return s;
}

/*
 * Pure builders (tested in tests/unit/test_actions.c).
 */

/* Annotations rollout undo keeps from the deployment, not the RS. */
static const char *const undo_skip_annotations[] = {
	"kubectl.kubernetes.io/last-applied-configuration",
	"deployment.kubernetes.io/revision",
	"deployment.kubernetes.io/revision-history",
	"deployment.kubernetes.io/desired-replicas",
	"deployment.kubernetes.io/max-replicas",
	"deprecated.deployment.rollback.to",
};

/* True if key is one of undo_skip_annotations. */
static bool
undo_skipped_key(const char *key)
{
	size_t i;

	for (i = 0; i < sizeof undo_skip_annotations / sizeof undo_skip_annotations[0]; i++) {
		if (strcmp(key, undo_skip_annotations[i]) == 0)
			return true;
	}
	return false;
}

/* The revision annotation of an object as a number, or -1. */
static long
undo_revision(json_t *o)
{
	const char *s = jstr(o, "metadata", "annotations", "deployment.kubernetes.io/revision",
	    NULL);
	char *end;
	long v;

	if (s == NULL || *s == '\0')
		return -1;
	v = strtol(s, &end, 10);
	if (*end != '\0' || v < 0)
		return -1;
	return v;
}

/* A copy of a pod template without the pod-template-hash label. */
static json_t *
undo_template_nohash(json_t *tmpl)
{
	json_t *t = json_deep_copy(tmpl);
	json_t *labels = json_object_get(json_object_get(t, "metadata"), "labels");

	if (json_is_object(labels))
		json_object_del(labels, "pod-template-hash");
	return t;
}

/* Is rs controlled by the object with uid? */
static bool
undo_owned(json_t *rs, const char *uid)
{
	json_t *ref;
	size_t j;

	json_array_foreach(json_object_get(json_object_get(rs, "metadata"),
	    "ownerReferences"), j, ref) {
		if (json_is_true(json_object_get(ref, "controller")) &&
		    jstr(ref, "uid", NULL) != NULL && strcmp(jstr(ref, "uid", NULL), uid) == 0)
			return true;
	}
	return false;
}

json_t *
actions_current_rs(json_t *deploy, json_t *rs_items)
{
	const char *uid = jstr(deploy, "metadata", "uid", NULL);
	json_t *want, *t, *rs, *found = NULL;
	size_t i;

	if (uid == NULL)
		return NULL;
	want = undo_template_nohash(json_object_get(json_object_get(deploy, "spec"),
	    "template"));
	json_array_foreach(rs_items, i, rs) {
		if (found != NULL || !undo_owned(rs, uid))
			continue;
		t = undo_template_nohash(json_object_get(json_object_get(rs, "spec"),
		    "template"));
		if (json_equal(t, want))
			found = rs;
		json_decref(t);
	}
	json_decref(want);
	return found;
}

bool
actions_rs_had_revision(json_t *rs, long revision)
{
	const char *h = jstr(rs, "metadata", "annotations",
	    "deployment.kubernetes.io/revision-history", NULL);
	char *end;
	long v;

	if (undo_revision(rs) == revision)
		return true;
	while (h != NULL && *h != '\0') {
		v = strtol(h, &end, 10);
		if (end == h)
			break;
		if (v == revision)
			return true;
		h = *end == ',' ? end + 1 : end;
	}
	return false;
}

/* "name=image, ..." of a template's containers (new). */
static char *
undo_images(json_t *tmpl)
{
	json_t *cs = json_object_get(json_object_get(tmpl, "spec"), "containers"), *c;
	char *s = xstrdup(""), *n;
	size_t i;

	json_array_foreach(cs, i, c) {
		n = xasprintf("%s%s%s=%s", s, i > 0 ? ", " : "",
		    jstr(c, "name", NULL) != NULL ? jstr(c, "name", NULL) : "?",
		    jstr(c, "image", NULL) != NULL ? jstr(c, "image", NULL) : "?");
		free(s);
		s = n;
	}
	return s;
}

/* kubectl's rollout undo. */
json_t *
actions_undo_patch(json_t *deploy, json_t *rs_items, long revision, char **summary,
    char **skipped, char **cause)
{
	const char *uid = jstr(deploy, "metadata", "uid", NULL), *dname;
	json_t *rs, *found = NULL, *latest = NULL, *previous = NULL;
	json_t *a, *b, *annotations, *patch, *v;
	long latest_rev = -1, previous_rev = -1, rev;
	const char *k;
	char *old_images, *new_images;
	size_t i;

	*summary = NULL;
	*skipped = NULL;
	dname = jstr(deploy, "metadata", "name", NULL);
	if (dname == NULL || uid == NULL) {
		*cause = xstrdup("malformed deployment");
		return NULL;
	}
	json_array_foreach(rs_items, i, rs) {
		if (!undo_owned(rs, uid))
			continue;
		rev = undo_revision(rs);
		if (rev < 0)
			continue;
		if (revision == 0) {
			if (latest_rev < rev) {
				previous_rev = latest_rev;
				previous = latest;
				latest_rev = rev;
				latest = rs;
			} else if (previous_rev < rev) {
				previous_rev = rev;
				previous = rs;
			}
		} else if (rev == revision) {
			found = rs;
			break;
		}
	}
	if (revision > 0 && found == NULL) {
		*cause = xasprintf("unable to find specified revision %ld in history", revision);
		return NULL;
	}
	if (revision == 0) {
		if (previous == NULL) {
			*cause = xasprintf("no rollout history found for deployment \"%s\"", dname);
			return NULL;
		}
		found = previous;
		revision = previous_rev;
	}
	if (json_is_true(json_object_get(json_object_get(deploy, "spec"), "paused"))) {
		*cause = xasprintf("you cannot rollback a paused deployment; resume it first "
		    "with 'resume' and try again");
		return NULL;
	}
	a = undo_template_nohash(json_object_get(json_object_get(found, "spec"), "template"));
	b = undo_template_nohash(json_object_get(json_object_get(deploy, "spec"), "template"));
	if (json_equal(a, b)) {
		*skipped = xasprintf("skipped rollback (current template already matches "
		    "revision %ld)", revision);
		json_decref(a);
		json_decref(b);
		return NULL;
	}
	annotations = json_object();
	json_object_foreach(json_object_get(json_object_get(deploy, "metadata"),
	    "annotations"), k, v) {
		if (undo_skipped_key(k))
			json_object_set(annotations, k, v);
	}
	json_object_foreach(json_object_get(json_object_get(found, "metadata"),
	    "annotations"), k, v) {
		if (!undo_skipped_key(k))
			json_object_set(annotations, k, v);
	}
	old_images = undo_images(b);
	new_images = undo_images(a);
	*summary = xasprintf("rollback to revision %ld: %s → %s", revision, old_images,
	    new_images);
	free(old_images);
	free(new_images);
	json_decref(b);
	patch = json_pack("[{s:s,s:s,s:o},{s:s,s:s,s:o}]",
	    "op", "replace", "path", "/spec/template", "value", a,
	    "op", "replace", "path", "/metadata/annotations", "value", annotations);
	return patch;
}

/* S-YYYYMMDDhhmmss. */
char *
actions_backup_name(const char *schedule, time_t now)
{
	struct tm tm;
	char ts[32];

	gmtime_r(&now, &tm);
	strftime(ts, sizeof ts, "%Y%m%d%H%M%S", &tm);
	return xasprintf("%s-%s", schedule, ts);
}

/* The Backup velero backup create --from-schedule posts. */
json_t *
actions_backup_from_schedule(json_t *schedule, time_t now)
{
	const char *name = jstr(schedule, "metadata", "name", NULL);
	const char *ns = jstr(schedule, "metadata", "namespace", NULL);
	json_t *tmpl = json_object_get(json_object_get(schedule, "spec"), "template");
	char *bname;
	json_t *o;

	if (name == NULL)
		return NULL;
	bname = actions_backup_name(name, now);
	o = json_pack("{s:s,s:s,s:{s:s,s:s,s:{s:s}},s:O}",
	    "apiVersion", "velero.io/v1", "kind", "Backup",
	    "metadata", "name", bname, "namespace", ns != NULL ? ns : "velero",
	    "labels", "velero.io/schedule-name", name,
	    "spec", json_is_object(tmpl) ? tmpl : json_object());
	free(bname);
	return o;
}

/* The Job kubectl create job --from=cronjob/C posts. */
json_t *
actions_job_from_cronjob(json_t *cj, time_t now)
{
	const char *name = jstr(cj, "metadata", "name", NULL);
	const char *ns = jstr(cj, "metadata", "namespace", NULL);
	const char *uid = jstr(cj, "metadata", "uid", NULL);
	json_t *jt = json_object_get(json_object_get(cj, "spec"), "jobTemplate");
	json_t *annotations, *labels, *o, *v;
	const char *k;
	char *jname;

	if (name == NULL || uid == NULL)
		return NULL;
	jname = xasprintf("%.40s-manual-%lld", name, (long long)now);
	annotations = json_object();
	json_object_foreach(json_object_get(json_object_get(jt, "metadata"), "annotations"),
	    k, v)
		json_object_set(annotations, k, v);
	json_object_set_new(annotations, "cronjob.kubernetes.io/instantiate",
	    json_string("manual"));
	labels = json_deep_copy(json_object_get(json_object_get(jt, "metadata"), "labels"));
	if (!json_is_object(labels)) {
		json_decref(labels);
		labels = json_object();
	}
	o = json_pack("{s:s,s:s,s:{s:s,s:s,s:o,s:o,s:[{s:s,s:s,s:s,s:s,s:b,s:b}]},s:O}",
	    "apiVersion", "batch/v1", "kind", "Job",
	    "metadata", "name", jname, "namespace", ns != NULL ? ns : "default",
	    "annotations", annotations, "labels", labels,
	    "ownerReferences", "apiVersion", "batch/v1", "kind", "CronJob", "name", name,
	    "uid", uid, "controller", 1, "blockOwnerDeletion", 1,
	    "spec", json_is_object(json_object_get(jt, "spec")) ?
	    json_object_get(jt, "spec") : json_object());
	free(jname);
	return o;
}

/*
 * Planning per verb.
 */

/* Set the request of op. body is taken. */
static void
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
static const char *
op_arg(struct act_op *op, int i)
{
	return i < op->b->nargs ? op->b->args[i] : NULL;
}

/* Parse a non-negative integer argument. */
static int
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
static char *
op_where(struct act_op *op)
{
	if (op->ns != NULL && *op->ns != '\0')
		return xasprintf("%s %s/%s", op->context, op->ns, op->name);
	return xasprintf("%s %s", op->context, op->name);
}

/* HPAs of the namespace, to warn when one manages a scaled workload. */
static char *
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
static int
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
static char *
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
static int
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
static int
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
static int
plan_pause(struct act_op *op, char **cause)
{
	return plan_pause_common(op, true, cause);
}

/* resume */
static int
plan_resume(struct act_op *op, char **cause)
{
	return plan_pause_common(op, false, cause);
}

/* delete [--grace N] */
static int
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
static int
plan_cordon(struct act_op *op, char **cause)
{
	return plan_cordon_common(op, true);
}

/* uncordon */
static int
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
static char *
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
static char *
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
static int
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
static int
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
static int
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
static int
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
static int
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
static int
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
static int
plan_abort(struct act_op *op, char **cause)
{
	return plan_abort_common(op, true);
}

/* retry */
static int
plan_retry(struct act_op *op, char **cause)
{
	return plan_abort_common(op, false);
}

/* switch-color COLOR: the Service selector's color (or version) label. */
static int
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
static int
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
static int
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
static int
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
static int
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
static int
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
static int
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
static int
follow_deleted(struct act_op *op, json_t *obj, char **msg)
{
	const char *uid = jstr(obj, "metadata", "uid", NULL);
	const char *was = jstr(op->obj, "metadata", "uid", NULL);

	if (obj == NULL)
		return 1;
	return uid != NULL && was != NULL && strcmp(uid, was) != 0 ? 1 : 0;
}

/* A Job ran to completion. */
static int
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
static int
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
static int
follow_abort(struct act_op *op, json_t *obj, char **msg)
{
	return json_is_true(json_object_get(json_object_get(obj, "status"), "abort")) ? 1 : 0;
}

/* A drain is done when no evictable pod is left on the node. */
static int
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

/* edit: PUT the edited object, its resourceVersion the condition */
static int
plan_edit(struct act_op *op, char **cause)
{
	char *where = op_where(op);

	free(op->preview);
	op->preview = xasprintf("%s update %s from %s", where, op->resource,
	    edit_file_path(op->edit));
	free(where);
	json_object_set_new(op->params, "file", json_string(edit_file_path(op->edit)));
	json_object_set_new(op->params, "resourceVersion",
	    json_string(json_path_str_or(op->edited, "metadata.resourceVersion", "")));
	op_request(op, "PUT", actions_path(op->resource, op->ns, op->name), "application/json",
	    jdump(op->edited));
	return 0;
}

/*
 * Terminal actions: kubectl in the console's terminal.
 */

void
actions_set_kubeconfig(char *const *files, size_t n)
{
	size_t i;

	for (i = 0; i < act_kc_nfiles; i++)
		free(act_kc_files[i]);
	free(act_kc_files);
	act_kc_files = n > 0 ? xcalloc(n, sizeof *act_kc_files) : NULL;
	for (i = 0; i < n; i++)
		act_kc_files[i] = xstrdup(files[i]);
	act_kc_nfiles = n;
}

/* Free a NULL-terminated vector. */
static void
act_argv_free(char **argv)
{
	size_t i;

	for (i = 0; argv != NULL && argv[i] != NULL; i++)
		free(argv[i]);
	free(argv);
}

/* The names of pod's containers (and ephemeral ones) as "a, b" (new). */
static char *
shell_container_list(json_t *pod)
{
	static const char *const lists[] = { "containers", "ephemeralContainers" };
	char *out = xstrdup(""), *n;
	json_t *c;
	size_t i, l;

	for (l = 0; l < 2; l++) {
		json_array_foreach(json_object_get(json_object_get(pod, "spec"), lists[l]), i,
		    c) {
			if (jstr(c, "name", NULL) == NULL)
				continue;
			n = xasprintf("%s%s%s", out, *out != '\0' ? ", " : "",
			    jstr(c, "name", NULL));
			free(out);
			out = n;
		}
	}
	return out;
}

/* Is name one of pod's containers (or ephemeral containers)? */
static bool
shell_container_ok(json_t *pod, const char *name)
{
	static const char *const lists[] = { "containers", "ephemeralContainers" };
	const char *cn;
	json_t *c;
	size_t i, l;

	for (l = 0; l < 2; l++) {
		json_array_foreach(json_object_get(json_object_get(pod, "spec"), lists[l]), i,
		    c) {
			cn = jstr(c, "name", NULL);
			if (cn != NULL && strcmp(cn, name) == 0)
				return true;
		}
	}
	return false;
}

/* The container kubectl would pick: the default-container annotation, else
 * the first (borrowed), or NULL. */
static const char *
shell_default_container(json_t *pod)
{
	const char *d = jstr(pod, "metadata", "annotations",
	    "kubectl.kubernetes.io/default-container", NULL);

	if (d != NULL && shell_container_ok(pod, d))
		return d;
	return jstr(json_array_get(json_object_get(json_object_get(pod, "spec"),
	    "containers"), 0), "name", NULL);
}

/* Ask which container when the pod has several and none was given. */
static char *
question_shell(struct act_op *op, char **initial)
{
	const char *d = shell_default_container(op->obj);
	char *list, *q;

	/* debug containers do not make it ask: name one to get into it */
	if (op_arg(op, 0) != NULL || d == NULL ||
	    json_array_size(json_object_get(json_object_get(op->obj, "spec"), "containers")) < 2)
		return NULL;
	list = shell_container_list(op->obj);
	q = xasprintf("shell into container (%s):", list);
	free(list);
	*initial = xstrdup(d);
	return q;
}

/* kubectl's argv for op: the kubeconfig (one file: --kubeconfig; several
 * go as KUBECONFIG), context and namespace, then words (NULL-ended). Set
 * as op->argv with *line its quoted form (new); -1 with *cause (and
 * op->refused) when kubectl is not on PATH, naming the command to run. */
static int
act_kubectl(struct act_op *op, char **line, char **cause, ...)
{
	struct kube_context *kc = op->b->client != NULL ?
	    client_context(op->b->client, op->cluster) : NULL;
	char *argv[32], *exe;
	const char *w;
	va_list ap;
	int argc = 0, i;

	argv[argc++] = xstrdup("kubectl");
	if (act_kc_nfiles == 1) {
		argv[argc++] = xstrdup("--kubeconfig");
		argv[argc++] = xstrdup(act_kc_files[0]);
	}
	argv[argc++] = xstrdup("--context");
	argv[argc++] = xstrdup(kc != NULL ? kc->name : op->context);
	argv[argc++] = xstrdup("-n");
	argv[argc++] = xstrdup(op->ns);
	va_start(ap, cause);
	while ((w = va_arg(ap, const char *)) != NULL && argc < 31)
		argv[argc++] = xstrdup(w);
	va_end(ap);
	argv[argc] = NULL;
	*line = cmd_quote_argv(argc, argv);
	exe = auth_lookpath("kubectl");
	if (exe == NULL) {
		*cause = xasprintf("kubectl is not on PATH; run it yourself: %s", *line);
		op->refused = xstrdup(*cause);
		free(*line);
		*line = NULL;
		for (i = 0; i < argc; i++)
			free(argv[i]);
		return -1;
	}
	free(exe);
	op->argv = xcalloc((size_t)argc + 1, sizeof *op->argv);
	memcpy(op->argv, argv, ((size_t)argc + 1) * sizeof *argv);
	json_object_set_new(op->params, "kubectl", json_string(*line));
	return 0;
}

/* Refuse op with a reason (new in *cause). */
static int
act_refuse(struct act_op *op, char **cause, char *why)
{
	*cause = why;
	op->refused = xstrdup(why);
	return -1;
}

/* kubectl exec -it into the pod: the program, the request it makes (for
 * the audit intent) and the preview. */
static int
plan_shell(struct act_op *op, char **cause)
{
	const char *container = op_arg(op, 0), *phase = jstr(op->obj, "status", "phase", NULL);
	char *line, *list, *where, *path;

	if (container == NULL)
		container = shell_default_container(op->obj);
	if (container == NULL)
		return act_refuse(op, cause, xstrdup("the pod has no containers"));
	if (!shell_container_ok(op->obj, container)) {
		list = shell_container_list(op->obj);
		act_refuse(op, cause, xasprintf("no container %s in the pod (%s)", container,
		    list));
		free(list);
		return -1;
	}
	if (phase == NULL || strcmp(phase, "Running") != 0)
		return act_refuse(op, cause, xasprintf("the pod is %s, not Running: nothing to "
		    "exec into", phase != NULL ? phase : "in no phase"));
	if (act_kubectl(op, &line, cause, "exec", "-it", op->name, "-c", container, "--", "sh",
	    (const char *)NULL) != 0)
		return -1;
	where = op_where(op);
	op->preview = xasprintf("%s: shell in container %s\n%s", where, container, line);
	free(where);
	json_object_set_new(op->params, "container", json_string(container));
	json_object_set_new(op->params, "command", json_pack("[s]", "sh"));
	free(line);
	path = actions_path(op->resource, op->ns, op->name);
	op_request(op, "POST", xasprintf("%s/exec?command=sh&container=%s&stdin=true&stdout=true"
	    "&tty=true", path, container), NULL, NULL);
	free(path);
	return 0;
}

/* The image a debug container runs unless told. */
#define ACT_DEBUG_IMAGE	"busybox:1.36"

/* Ask for the debug container's image unless given. */
static char *
question_debug(struct act_op *op, char **initial)
{
	if (op_arg(op, 0) != NULL)
		return NULL;
	*initial = xstrdup(ACT_DEBUG_IMAGE);
	return xstrdup("debug container image:");
}

/* kubectl debug -it: an ephemeral container sharing the pod's default
 * container's process namespace (for images without a shell). */
static int
plan_debug(struct act_op *op, char **cause)
{
	const char *image = op_arg(op, 0), *target = shell_default_container(op->obj);
	const char *phase = jstr(op->obj, "status", "phase", NULL), *p;
	char *line, *where, *path, *img, *tgt;

	if (image == NULL)
		image = ACT_DEBUG_IMAGE;
	for (p = image; *p != '\0'; p++) {
		if ((unsigned char)*p <= ' ' || *p == 0x7f)
			break;
	}
	if (*p != '\0' || *image == '\0' || strlen(image) > 256 || *image == '-')
		return act_refuse(op, cause, xstrdup("debug: the image is one word, like "
		    ACT_DEBUG_IMAGE));
	if (target == NULL)
		return act_refuse(op, cause, xstrdup("the pod has no containers"));
	if (phase == NULL || strcmp(phase, "Running") != 0)
		return act_refuse(op, cause, xasprintf("the pod is %s, not Running: nothing to "
		    "debug", phase != NULL ? phase : "in no phase"));
	img = xasprintf("--image=%s", image);
	tgt = xasprintf("--target=%s", target);
	if (act_kubectl(op, &line, cause, "debug", "-it", op->name, img, tgt,
	    "--profile=general", "--", "sh", (const char *)NULL) != 0) {
		free(img);
		free(tgt);
		return -1;
	}
	free(img);
	free(tgt);
	where = op_where(op);
	op->preview = xasprintf("%s: a debug container (%s) beside %s\n%s", where, image, target,
	    line);
	free(where);
	json_object_set_new(op->params, "image", json_string(image));
	json_object_set_new(op->params, "target", json_string(target));
	free(line);
	path = actions_path(op->resource, op->ns, op->name);
	op_request(op, "PATCH", xasprintf("%s/ephemeralcontainers", path), NULL, NULL);
	free(path);
	return 0;
}

/* The first port a pod's containers or a service declare, or 0. */
static long
pf_default_port(json_t *obj)
{
	json_t *c, *p;
	size_t i, j;

	json_array_foreach(json_object_get(json_object_get(obj, "spec"), "ports"), i, p) {
		if (json_is_integer(json_object_get(p, "port")))
			return (long)json_integer_value(json_object_get(p, "port"));
	}
	json_array_foreach(json_object_get(json_object_get(obj, "spec"), "containers"), i, c) {
		json_array_foreach(json_object_get(c, "ports"), j, p) {
			if (json_is_integer(json_object_get(p, "containerPort")))
				return (long)json_integer_value(json_object_get(p,
				    "containerPort"));
		}
	}
	return 0;
}

/* Ask for LOCAL:REMOTE unless given, the first declared port prefilled. */
static char *
question_portforward(struct act_op *op, char **initial)
{
	long port = pf_default_port(op->obj);

	if (op_arg(op, 0) != NULL)
		return NULL;
	*initial = port > 0 ? xasprintf("%ld:%ld", port, port) : xstrdup("");
	return xstrdup("port-forward LOCAL:REMOTE (LOCAL 0: any free port):");
}

/* kubectl port-forward, a child the console keeps (:port-forwards). */
static int
plan_portforward(struct act_op *op, char **cause)
{
	const char *spec = op_arg(op, 0), *colon;
	bool svc = strcmp(op->resource, "services") == 0;
	char *line, *where, *target, *ports, *path;
	long local, remote;

	if (spec == NULL)
		return act_refuse(op, cause, xstrdup("port-forward: which port? "
		    "(LOCAL:REMOTE or PORT)"));
	colon = strchr(spec, ':');
	if (colon != NULL) {
		char *l = xstrndup(spec, (size_t)(colon - spec));
		int bad = act_parse_count(l, 65535, &local) != 0 ||
		    act_parse_count(colon + 1, 65535, &remote) != 0;

		free(l);
		if (bad || remote < 1)
			return act_refuse(op, cause, xasprintf("port-forward: bad ports '%s' "
			    "(LOCAL:REMOTE, 0-65535 and 1-65535)", spec));
	} else if (act_parse_count(spec, 65535, &remote) != 0 || remote < 1)
		return act_refuse(op, cause, xasprintf("port-forward: bad port '%s'", spec));
	else
		local = remote;
	if (!svc && strcmp(jstr(op->obj, "status", "phase", NULL) != NULL ?
	    jstr(op->obj, "status", "phase", NULL) : "", "Running") != 0)
		return act_refuse(op, cause, xstrdup("the pod is not Running: nothing to "
		    "forward to"));
	target = xasprintf("%s/%s", svc ? "svc" : "pod", op->name);
	ports = local > 0 ? xasprintf("%ld:%ld", local, remote) : xasprintf(":%ld", remote);
	if (act_kubectl(op, &line, cause, "port-forward", "--address", "127.0.0.1", target,
	    ports, (const char *)NULL) != 0) {
		free(target);
		free(ports);
		return -1;
	}
	where = op_where(op);
	op->preview = xasprintf("%s: forward 127.0.0.1:%s to %s:%ld\n%s", where,
	    local > 0 ? ports : "(any free port)", target, remote, line);
	free(where);
	json_object_set_new(op->params, "local_port", json_integer(local));
	json_object_set_new(op->params, "remote_port", json_integer(remote));
	free(line);
	free(ports);
	free(target);
	path = actions_path(op->resource, op->ns, op->name);
	op_request(op, "POST", xasprintf("%s/portforward?ports=%ld", path, remote), NULL, NULL);
	free(path);
	return 0;
}

/* The action verbs. */
static const struct act_def act_defs[] = {
	{ .verb = "scale", .args = "[REPLICAS]",
	  .help = "scale a deployment or statefulset (warns about HPAs)",
	  .need = { { "patch", NULL, "scale" } },
	  .extra = extra_hpas, .plan = plan_scale, .follow = follow_rollout },
	{ .verb = "undo", .args = "[REVISION]",
	  .help = "roll a deployment back (kubectl rollout undo)",
	  .need = { { "patch", NULL, NULL } },
	  .extra = extra_replicasets, .plan = plan_undo, .follow = follow_rollout },
	{ .verb = "restart", .args = "",
	  .help = "restart every pod of a workload (rollout restart)",
	  .need = { { "patch", NULL, NULL } },
	  .plan = plan_restart, .follow = follow_rollout },
	{ .verb = "pause", .args = "", .help = "pause a deployment's rollout",
	  .need = { { "patch", NULL, NULL } },
	  .plan = plan_pause },
	{ .verb = "resume", .args = "", .help = "resume a paused deployment",
	  .need = { { "patch", NULL, NULL } },
	  .plan = plan_resume, .follow = follow_rollout },
	{ .verb = "delete", .args = "[--grace SECONDS]", .help = "delete a pod",
	  .need = { { "delete", NULL, NULL } },
	  .plan = plan_delete, .follow = follow_deleted },
	{ .verb = "cordon", .args = "", .help = "mark a node unschedulable",
	  .need = { { "patch", NULL, NULL } },
	  .plan = plan_cordon },
	{ .verb = "uncordon", .args = "", .help = "mark a node schedulable",
	  .need = { { "patch", NULL, NULL } },
	  .plan = plan_uncordon },
	/* cordon, then a policy/v1 Eviction per pod */
	{ .verb = "drain", .args = "",
	  .help = "cordon a node and evict its pods (refused if a PDB forbids it)",
	  .need = { { "patch", NULL, NULL }, { "create", "pods", "eviction" } },
	  .extra = extra_node_pods, .plan = plan_drain, .follow = follow_drain },
	{ .verb = "hpa-minmax", .args = "MIN MAX",
	  .help = "change an HPA's minReplicas and maxReplicas",
	  .need = { { "patch", NULL, NULL } },
	  .plan = plan_hpa },
	/* these three create another kind than their target's */
	{ .verb = "run-now", .args = "", .help = "run a CronJob now (create job --from)",
	  .need = { { "create", "jobs", NULL } },
	  .plan = plan_run_now, .follow = follow_job },
	{ .verb = "backup-now", .args = "", .help = "take a Velero backup from a schedule now",
	  .need = { { "create", "backups", NULL } },
	  .plan = plan_backup, .follow = follow_velero },
	{ .verb = "restore", .args = "[BACKUP]",
	  .help = "restore a Velero backup (type the cluster name)",
	  .need = { { "create", "restores", NULL } },
	  .typed = true, .no_fetch = true, .untargeted = true,
	  .plan = plan_restore, .follow = follow_velero },
	{ .verb = "promote", .args = "[--full]",
	  .help = "promote an Argo Rollout to its next step",
	  .need = { { "patch", NULL, "status" } },
	  .plan = plan_promote },
	{ .verb = "abort", .args = "",
	  .help = "abort an Argo Rollout (traffic back to stable)",
	  .need = { { "patch", NULL, "status" } },
	  .plan = plan_abort, .follow = follow_abort },
	{ .verb = "retry", .args = "", .help = "retry an aborted Argo Rollout",
	  .need = { { "patch", NULL, "status" } },
	  .plan = plan_retry },
	{ .verb = "switch-color", .args = "COLOR",
	  .help = "switch a blue-green Service's selector",
	  .need = { { "patch", NULL, NULL } },
	  .plan = plan_switch },
	{ .verb = "canary-weight", .args = "PERCENT",
	  .help = "set the canary weight of a VirtualService",
	  .need = { { "patch", NULL, NULL } },
	  .plan = plan_canary_weight },
	{ .verb = "sync", .args = "[REVISION]",
	  .help = "sync an Argo CD application (to its target revision by default)",
	  .need = { { "patch", NULL, NULL } },
	  .plan = plan_sync },
	{ .verb = "refresh", .args = "[--hard]",
	  .help = "refresh an Argo CD application (compare with its source again)",
	  .need = { { "patch", NULL, NULL } },
	  .plan = plan_refresh },
	{ .verb = "edit", .args = "",
	  .help = "edit the object's YAML in $VISUAL or $EDITOR (dry run, diff, update)",
	  .need = { { "update", NULL, NULL } },
	  .edit = true, .plan = plan_edit },
	/* kubectl exec -it in the console's terminal */
	{ .verb = "shell", .args = "[CONTAINER]",
	  .help = "open a shell in a pod's container (kubectl exec -it)",
	  .need = { { "create", "pods", "exec" } },
	  .kubectl = true, .question = question_shell, .plan = plan_shell },
	{ .verb = "debug", .args = "[IMAGE]",
	  .help = "a debug container in a pod, for images without a shell (kubectl debug -it)",
	  .need = { { "patch", "pods", "ephemeralcontainers" }, { "create", "pods", "attach" } },
	  .kubectl = true, .question = question_debug, .plan = plan_debug },
	/* kubectl port-forward, kept by the console (:port-forwards) */
	{ .verb = "port-forward", .args = "[[LOCAL:]REMOTE]",
	  .help = "forward a local port to a pod or service (kubectl port-forward)",
	  .need = { { "create", "pods", "portforward" } },
	  .kubectl = true, .background = true, .question = question_portforward,
	  .plan = plan_portforward },
	/* Alertmanager's: no RBAC, no dry run, nothing to fetch first */
	{ .verb = "silence", .args = "[DURATION [NAME=VALUE...]] [--comment TEXT...]",
	  .help = "silence an alert in Alertmanager",
	  .am = true, .no_fetch = true, .untargeted = true,
	  .plan = plan_silence },
	{ .verb = "expire-silence", .args = "[ID]", .help = "expire an Alertmanager silence",
	  .am = true, .no_fetch = true, .untargeted = true,
	  .plan = plan_expire },
};

/*
 * The pipeline.
 */

/* Report a line through the batch's UI (sanitised). */
static void
act_message(struct act_batch *b, bool error, const char *text)
{
	char *clean = sanitize_str(text, 0);

	if (b->ui_ops != NULL && b->ui_ops->message != NULL)
		b->ui_ops->message(b->ui, error, clean);
	free(clean);
}

/* Free one op. */
static void
op_free(struct act_op *op)
{
	if (op->timer != NULL && act_loop != NULL)
		loop_timer_cancel(act_loop, op->timer);
	free(op->context);
	free(op->resource);
	free(op->ns);
	free(op->name);
	json_decref(op->obj);
	json_decref(op->extra);
	json_decref(op->extra2);
	json_decref(op->evict);
	free(op->refused);
	free(op->typed);
	edit_file_free(op->edit);
	json_decref(op->edit_base);
	json_decref(op->edit_shown);
	json_decref(op->edited);
	json_decref(op->params);
	free(op->method);
	free(op->path);
	free(op->ctype);
	free(op->body);
	free(op->preview);
	free(op->skipped);
	free(op->follow_path);
	free(op->outcome);
	free(op->message);
	act_argv_free(op->argv);
	free(op);
}

/* Free a batch. */
static void
batch_free(struct act_batch *b)
{
	size_t i;
	int a;

	TAILQ_REMOVE(&act_batches, b, entry);
	for (i = 0; i < b->nops; i++)
		op_free(b->ops[i]);
	free(b->ops);
	for (a = 0; a < b->nargs; a++)
		free(b->args[a]);
	free(b->comment);
	free(b->author);
	free(b->ask_initial);
	free(b->incident);
	free(b);
}

/* The audit record of op (borrowing from it). */
static void
op_record(struct act_op *op, struct audit_record *r)
{
	struct act_batch *b = op->b;
	struct kube_context *kc = b->client != NULL ? client_context(b->client, op->cluster) : NULL;

	memset(r, 0, sizeof *r);
	r->verb = b->def->verb;
	r->context = op->context;
	r->kube_user = kc != NULL ? kc->user_name : NULL;
	r->kind = op->resource;
	r->ns = op->ns;
	r->name = op->name;
	r->params = op->params;
	r->dry_run = op->preview;
	r->origin = actions_origin_name(b->origin);
	r->incident = b->incident;
}

/* Write-ahead: the intent of the request op is about to send. 0, or -1
 * with *cause (then nothing may be sent). */
static int
op_intent(struct act_op *op, const char *method, const char *path, const char *body,
    char **cause)
{
	struct audit_record r;

	op_record(op, &r);
	return audit_intent(&r, method, path, body, op->intent, cause);
}

/* The request was sent: count it in flight until its reply. */
static void
op_inflight(struct act_op *op, bool on)
{
	if (op->inflight == on)
		return;
	op->inflight = on;
	if (on)
		act_ninflight++;
	else if (act_ninflight > 0)
		act_ninflight--;
}

/* Write the audit line (and the incident event) for op. */
static void
op_audit(struct act_op *op, const char *outcome, const char *message)
{
	struct act_batch *b = op->b;
	struct audit_record r;
	char *cause = NULL, *text;
	json_t *extra;

	op_record(op, &r);
	r.outcome = outcome;
	r.message = message;
	r.intent = op->intent[0] != '\0' ? op->intent : NULL;
	if (audit_write(&r, &cause) != 0) {
		text = xasprintf("audit log: %s", cause);
		act_message(b, true, text);
		free(text);
		free(cause);
		cause = NULL;
	}
	if (b->incident != NULL) {
		extra = json_pack("{s:s,s:s,s:s?,s:s?}", "verb", b->def->verb, "outcome", outcome,
		    "context", op->context, "target", op->name);
		text = xasprintf("%s %s/%s/%s: %s", b->def->verb, op->context, op->resource,
		    op->name != NULL ? op->name : "", message != NULL ? message : outcome);
		if (incident_event(b->incident, "action", text, extra, &cause) != 0)
			free(cause);
		json_decref(extra);
		free(text);
	}
}

/* Finish op with outcome; audit it first if requested. */
static void
op_finish(struct act_op *op, const char *outcome, const char *message, bool audit)
{
	struct act_batch *b = op->b;
	char *text;

	if (op->state == OP_SETTLED)
		return;
	if (op->timer != NULL) {
		loop_timer_cancel(act_loop, op->timer);
		op->timer = NULL;
	}
	if (audit)
		op_audit(op, outcome, message);
	op->state = OP_SETTLED;
	op->outcome = xstrdup(outcome);
	op->message = xstrdup(message != NULL ? message : outcome);
	if (b->def->am || op->name == NULL)
		text = xasprintf("%s %s: %s", b->def->verb, op->context, op->message);
	else
		text = xasprintf("%s %s %s/%s: %s", b->def->verb, op->context,
		    op->ns != NULL && *op->ns != '\0' ? op->ns : "-", op->name, op->message);
	act_message(b, strcmp(outcome, "ok") != 0 && strcmp(outcome, "skipped") != 0, text);
	free(text);
	batch_check(b);
}

/* Settle op before any request was sent (always audited). */
static void
op_settle(struct act_op *op, const char *outcome, const char *message)
{
	op_finish(op, outcome, message, true);
}

/* Parse a JSON body (new), or NULL. */
static json_t *
act_parse(const struct client_response *r)
{
	if (r->body == NULL || r->len == 0)
		return NULL;
	return json_loadb(r->body, r->len, 0, NULL);
}

/* True if the response is a 2xx. */
static bool
act_ok(const struct client_response *r)
{
	return r->error == NULL && r->status >= 200 && r->status < 300;
}

static void	op_poll(void *);
static void	op_evict_next(struct act_op *);
static void	op_extra2_done(const struct client_response *, void *);
static char	*act_extra2(struct act_op *);

/* The follow-up GET came back. */
static void
op_polled(const struct client_response *r, void *arg)
{
	struct act_op *op = arg;
	json_t *obj = NULL;
	char *msg = NULL, *err;
	int rc;

	if (act_ok(r))
		obj = act_parse(r);
	if (obj == NULL && r->status != 404) {
		/* Transient: keep polling until the deadline. */
		rc = 0;
	} else
		rc = op->b->def->follow(op, obj, &msg);
	json_decref(obj);
	if (rc > 0) {
		op_finish(op, "ok", "done", false);
	} else if (rc < 0) {
		op_finish(op, "failed", msg != NULL ? msg : "failed", false);
	} else if (loop_now() > op->deadline) {
		err = xasprintf("timed out after %.0fs waiting for it to finish", act_timeout);
		op_finish(op, "timeout", err, false);
		free(err);
	} else
		op->timer = loop_timer_add(act_loop, ACT_POLL, op_poll, op);
	free(msg);
}

/* Poll the object after the request. */
static void
op_poll(void *arg)
{
	struct act_op *op = arg;
	char *path;

	op->timer = NULL;
	path = op->follow_path != NULL ? xstrdup(op->follow_path) :
	    actions_path(op->resource, op->ns, op->name);
	client_request(op->b->client, op->cluster, "GET", path, NULL, NULL, op_polled, op);
	free(path);
}

/* The requests were accepted: follow up, or finish. */
static void
op_accepted(struct act_op *op, const char *msg)
{
	struct act_batch *b = op->b;
	char *m;

	if (op->evict != NULL && op->nevicted < json_array_size(op->evict)) {
		op_evict_next(op);
		return;
	}
	if (act_stopping != NULL && b->def->follow != NULL) {
		m = xasprintf("request accepted; follow-up stopped (%s)", act_stopping);
		op_finish(op, "interrupted", m, true);
		free(m);
		return;
	}
	if (b->def->follow == NULL || act_loop == NULL) {
		op_finish(op, "ok", msg != NULL ? msg : "done", false);
		return;
	}
	op->deadline = loop_now() + act_timeout;
	/* while it is followed: the preview's first line (the rest are the
	 * dialog's warnings, not a status line) */
	m = xstrndup(op->preview != NULL ? op->preview : b->def->verb,
	    strcspn(op->preview != NULL ? op->preview : b->def->verb, "\n"));
	act_message(b, false, m);
	free(m);
	op->timer = loop_timer_add(act_loop, ACT_POLL / 2, op_poll, op);
}

/* One eviction came back: audit it, then go on. */
static void
op_evicted(const struct client_response *r, void *arg)
{
	struct act_op *op = arg;
	json_t *p = json_array_get(op->evict, op->nevicted);
	char *err, *msg;

	op_inflight(op, false);
	msg = xasprintf("evict pod %s/%s", json_string_value(json_array_get(p, 0)),
	    json_string_value(json_array_get(p, 1)));
	op->nevicted++;
	if (!act_ok(r)) {
		err = client_response_error(r);
		free(msg);
		msg = xasprintf("evict pod %s/%s: %s", json_string_value(json_array_get(p, 0)),
		    json_string_value(json_array_get(p, 1)), err);
		free(err);
		op_finish(op, r->status == 403 ? "forbidden" : "failed", msg, true);
		free(msg);
		return;
	}
	op_audit(op, "ok", msg);
	op->intent[0] = '\0';	/* closed: later records are not about it */
	free(msg);
	op_accepted(op, NULL);
}

/* The eviction path of a pod (new). */
static char *
evict_path(const char *ns, const char *name)
{
	char *base = actions_path("pods", ns, name), *path;

	path = xasprintf("%s/eviction", base);
	free(base);
	return path;
}

/* Send the next eviction of a drain. */
static void
op_evict_next(struct act_op *op)
{
	json_t *p = json_array_get(op->evict, op->nevicted);
	const char *ns = json_string_value(json_array_get(p, 0));
	const char *name = json_string_value(json_array_get(p, 1));
	json_t *body;
	char *text, *path, *cause = NULL, *m;

	if (act_stopping != NULL) {
		m = xasprintf("stopped before evicting pod %s/%s (%s); %zu of %zu evicted",
		    ns, name, act_stopping, op->nevicted, json_array_size(op->evict));
		op_finish(op, "interrupted", m, true);
		free(m);
		return;
	}
	body = json_pack("{s:s,s:s,s:{s:s,s:s}}", "apiVersion", "policy/v1", "kind",
	    "Eviction", "metadata", "name", name, "namespace", ns);
	text = jdump(body);
	json_decref(body);
	path = evict_path(ns, name);
	if (op_intent(op, "POST", path, text, &cause) != 0) {
		m = xasprintf("cannot write the audit record, pod %s/%s not evicted "
		    "(%s)", ns, name, cause);
		op_finish(op, "refused", m, false);
		free(m);
		free(cause);
	} else {
		op_inflight(op, true);
		client_request(op->b->client, op->cluster, "POST", path, "application/json",
		    text, op_evicted, op);
	}
	free(path);
	free(text);
}

/*
 * edit: the editor between the fetch and the plan.
 */

static void	op_plan(struct act_op *);
static void	op_edit_closed(int, void *);

/* Settle an edit that did not apply, saying where its text is kept. */
static void
op_edit_keep(struct act_op *op, const char *outcome, const char *why)
{
	char *m = xasprintf("%s; the text is kept in %s", why, edit_file_path(op->edit));

	op_settle(op, outcome, m);
	free(m);
}

/* Give the file to the editor; op_edit_closed reads it back. */
static void
op_edit_run(struct act_op *op)
{
	char **argv = term_editor_argv(edit_file_path(op->edit));

	char *cause = NULL, *m;

	op->state = OP_PREPARING;
	if (op->b->ui_ops->foreground(op->b->ui, argv, NULL, op_edit_closed, op, &cause) != 0) {
		m = xasprintf("the editor did not start: %s", cause != NULL ? cause : "?");
		op_edit_keep(op, "failed", m);
		free(m);
		free(cause);
	}
	term_argv_free(argv);
}

/* Write obj under note (a conflict's, or none) and open the editor. */
static void
op_edit_open(struct act_op *op, json_t *obj, const char *note)
{
	struct act_batch *b = op->b;
	char *cause = NULL;

	if (b->ui_ops == NULL || b->ui_ops->foreground == NULL) {
		op_settle(op, "failed", "edit needs a terminal for the editor");
		return;
	}
	if (op->edit == NULL)
		op->edit = edit_file_new(op->context, op->resource, op->ns, op->name, &cause);
	if (op->edit == NULL || edit_file_write(op->edit, note, obj, &cause) != 0) {
		op_settle(op, "failed", cause);
		free(cause);
		return;
	}
	json_decref(op->edit_shown);
	op->edit_shown = json_incref(obj);
	op->edit_error = false;
	op->edit_rebased = note != NULL;
	op->edit_quiet = 0;
	op_edit_run(op);
}

/* The text cannot apply: open it again, why on top. */
static void
op_edit_reject(struct act_op *op, const char *why)
{
	char *note = xasprintf("error: %s\nCorrect the text below and save, or quit without a "
	    "change to give up.", why), *cause = NULL;

	if (edit_file_renote(op->edit, note, &cause) != 0) {
		op_edit_keep(op, "failed", cause);
		free(cause);
	} else {
		op->edit_error = true;
		op->edit_rebased = false;
		op_edit_run(op);
	}
	free(note);
}

/* The editor exited: read the text back, check it, plan. */
static void
op_edit_closed(int status, void *arg)
{
	struct act_op *op = arg;
	json_t *obj = NULL;
	const char *name, *kind, *was;
	char *cause = NULL, *m;

	if (status != 0) {
		m = xasprintf("the editor %s", status < 0 ? "did not start" : term_status(status));
		op_edit_keep(op, "failed", m);
		free(m);
		return;
	}
	switch (edit_file_read(op->edit, &obj, &cause)) {
	case EDIT_INVALID:
		op_edit_reject(op, cause);
		free(cause);
		return;
	case EDIT_UNTOUCHED:
		if (op->edit_error) {
			op_edit_keep(op, "failed", "not updated: the text was left as it was after "
			    "the error");
			return;
		}
		if (!op->edit_rebased)
			break;
		obj = json_incref(op->edit_shown);
		break;
	case EDIT_CHANGED:
		break;
	}
	if (obj == NULL || (!op->edit_rebased && json_equal(obj, op->edit_base))) {
		json_decref(obj);
		edit_file_remove(op->edit);
		op->edit = NULL;
		op_settle(op, "skipped", "no changes made");
		return;
	}
	/* an edit changes this object: another name or kind would be another */
	name = json_path_str(obj, "metadata.name");
	kind = json_path_str(obj, "kind");
	was = json_path_str(op->edit_base, "kind");
	if (name == NULL || strcmp(name, op->name) != 0 || kind == NULL ||
	    (was != NULL && strcmp(kind, was) != 0)) {
		m = xasprintf("kind and metadata.name must stay %s and %s (an edit changes "
		    "this object; it cannot make another)", was != NULL ? was : "as they were",
		    op->name);
		op_edit_reject(op, m);
		free(m);
		json_decref(obj);
		return;
	}
	json_decref(op->edited);
	op->edited = obj;
	op_plan(op);
}

/* The object again after a conflict: the user's change carried onto it. */
static void
op_edit_refetched(const struct client_response *r, void *arg)
{
	struct act_op *op = arg;
	json_t *latest = act_ok(r) ? act_parse(r) : NULL, *stripped, *rebased;
	char *err, *m, *diff;

	if (!json_is_object(latest)) {
		json_decref(latest);
		err = client_response_error(r);
		m = xasprintf("the object changed on the server and could not be read again: %s",
		    err);
		op_edit_keep(op, "failed", m);
		free(m);
		free(err);
		return;
	}
	stripped = edit_strip(latest);
	rebased = edit_rebase(op->edit_base, op->edited, stripped);
	if (edit_status_only(op->edit_base, stripped) && op->edit_quiet++ < ACT_EDIT_QUIET) {
		/* a controller wrote the status: nothing the user must see */
		json_decref(op->obj);
		op->obj = latest;
		json_decref(op->edit_base);
		op->edit_base = stripped;
		json_decref(op->edited);
		op->edited = rebased;
		op_plan(op);
		return;
	}
	diff = edit_diff(op->edit_base, stripped, "  ");
	m = xasprintf("conflict: the object changed on the server since it was opened here:\n"
	    "%s\nYour change is made again below, on the server's latest version: save to "
	    "update it.", *diff != '\0' ? diff : "  (resourceVersion only)\n");
	json_decref(op->obj);
	op->obj = latest;
	json_decref(op->edit_base);
	op->edit_base = stripped;
	op_edit_open(op, rebased, m);
	json_decref(rebased);
	free(diff);
	free(m);
}

/* 409 Conflict: read the latest version. */
static void
op_edit_conflict(struct act_op *op)
{
	char *path = actions_path(op->resource, op->ns, op->name);

	op->state = OP_PREPARING;
	client_request(op->b->client, op->cluster, "GET", path, NULL, NULL, op_edit_refetched,
	    op);
	free(path);
}

/* A refusal the user may correct in the text: the request's fault (400,
 * 422) or a conflict (409). */
static bool
op_edit_correctable(const struct client_response *r)
{
	return r->error == NULL && (r->status == 400 || r->status == 409 || r->status == 422);
}

/* The real request came back. */
static void
op_sent(const struct client_response *r, void *arg)
{
	struct act_op *op = arg;
	struct act_batch *b = op->b;
	json_t *o;
	char *err, *msg;

	op_inflight(op, false);
	if (!act_ok(r)) {
		err = client_response_error(r);
		if (b->def->edit && op_edit_correctable(r)) {
			/* the request's record, then the text again */
			op_audit(op, r->status == 409 ? "conflict" : "failed", err);
			op->intent[0] = '\0';
			if (r->status == 409)
				op_edit_conflict(op);
			else {
				msg = xasprintf("the server refused the update: %s", err);
				op_edit_reject(op, msg);
				free(msg);
			}
		} else if (b->def->edit)
			op_edit_keep(op, r->status == 403 ? "forbidden" : "failed", err);
		else
			op_finish(op, r->status == 403 ? "forbidden" : "failed", err, true);
		free(err);
		return;
	}
	if (b->def->edit) {
		/* applied: the text has done its work */
		edit_file_remove(op->edit);
		op->edit = NULL;
	}
	msg = NULL;
	if (b->def->am) {
		o = act_parse(r);
		if (jstr(o, "silenceID", NULL) != NULL) {
			json_object_set_new(op->params, "silence_id",
			    json_string(jstr(o, "silenceID", NULL)));
			msg = xasprintf("silence %s created", jstr(o, "silenceID", NULL));
		}
		json_decref(o);
	}
	op_audit(op, "ok", msg != NULL ? msg : "request accepted");
	op->intent[0] = '\0';	/* closed: later records are not about it */
	op_accepted(op, msg);
	free(msg);
}

/* The program of a terminal action ended (status from waitpid). */
static void
op_terminal_done(int status, void *arg)
{
	struct act_op *op = arg;
	char *msg;

	if (WIFEXITED(status)) {
		json_object_set_new(op->params, "exit_status", json_integer(WEXITSTATUS(status)));
		msg = xasprintf("ended (kubectl exit status %d)", WEXITSTATUS(status));
		op_finish(op, WEXITSTATUS(status) == 0 ? "ok" : "failed", msg, true);
	} else {
		msg = xasprintf("ended (kubectl killed by signal %d)",
		    WIFSIGNALED(status) ? WTERMSIG(status) : 0);
		op_finish(op, "interrupted", msg, true);
	}
	free(msg);
}

/* The environment for kubectl (new array borrowing environ's strings, and
 * *own to free), or NULL: ours. Several kubeconfig files go as KUBECONFIG. */
static char **
act_kubectl_env(char **own)
{
	extern char **environ;
	char **envp, *joined, *n;
	size_t i, ne = 0;

	*own = NULL;
	if (act_kc_nfiles < 2)
		return NULL;
	joined = xstrdup(act_kc_files[0]);
	for (i = 1; i < act_kc_nfiles; i++) {
		n = xasprintf("%s:%s", joined, act_kc_files[i]);
		free(joined);
		joined = n;
	}
	for (i = 0; environ[i] != NULL; i++)
		;
	envp = xcalloc(i + 2, sizeof *envp);
	for (i = 0; environ[i] != NULL; i++) {
		if (strncmp(environ[i], "KUBECONFIG=", 11) != 0)
			envp[ne++] = environ[i];
	}
	envp[ne++] = *own = xasprintf("KUBECONFIG=%s", joined);
	free(joined);
	return envp;
}

/* Run a terminal action's program (its intent is written). */
static void
op_terminal(struct act_op *op)
{
	struct act_batch *b = op->b;
	char **envp, *own, *cause = NULL, *m;

	envp = act_kubectl_env(&own);
	if (b->ui_ops == NULL || b->ui_ops->foreground == NULL)
		cause = xstrdup("only the console can hand its terminal to kubectl");
	else if (b->ui_ops->foreground(b->ui, op->argv, envp, op_terminal_done, op,
	    &cause) == 0)
		cause = NULL;
	else if (cause == NULL)
		cause = xstrdup("cannot start kubectl");
	free(envp);
	free(own);
	if (cause != NULL) {
		m = xasprintf("%s: %s", b->def->verb, cause);
		op_finish(op, "failed", m, true);
		free(m);
		free(cause);
	}
}

/* What the end of a background program is audited with (copies). */
struct act_bg {
	char	*verb, *context, *kube_user, *kind, *ns, *name, *origin, *incident;
	char	 intent[AUDIT_ID_SIZE];
	json_t	*params;
	time_t	 started;
};

static void	act_bg_free(struct act_bg *);

/* A background program ended: its closing audit record. */
static void
op_background_done(int status, const char *why, void *arg)
{
	struct act_bg *g = arg;
	struct audit_record r;
	char *msg, *cause = NULL;
	bool ok = why != NULL || (WIFEXITED(status) && WEXITSTATUS(status) == 0);

	if (why != NULL)
		msg = xasprintf("ended after %llds: %s", (long long)(time(NULL) - g->started), why);
	else if (WIFEXITED(status))
		msg = xasprintf("ended after %llds: kubectl exit status %d",
		    (long long)(time(NULL) - g->started), WEXITSTATUS(status));
	else
		msg = xasprintf("ended after %llds: kubectl killed by signal %d",
		    (long long)(time(NULL) - g->started), WIFSIGNALED(status) ? WTERMSIG(status) : 0);
	memset(&r, 0, sizeof r);
	r.verb = g->verb;
	r.context = g->context;
	r.kube_user = g->kube_user;
	r.kind = g->kind;
	r.ns = g->ns;
	r.name = g->name;
	r.params = g->params;
	r.origin = g->origin;
	r.incident = g->incident;
	r.intent = g->intent[0] != '\0' ? g->intent : NULL;
	r.outcome = ok ? "ok" : "failed";
	r.message = msg;
	if (audit_write(&r, &cause) != 0)
		free(cause);
	free(msg);
	act_bg_free(g);
}

/* Free g. */
static void
act_bg_free(struct act_bg *g)
{
	free(g->verb);
	free(g->context);
	free(g->kube_user);
	free(g->kind);
	free(g->ns);
	free(g->name);
	free(g->origin);
	free(g->incident);
	json_decref(g->params);
	free(g);
}

/* Start a background program (its intent is written): the action is done
 * once it runs; its end is audited when it comes. */
static void
op_background(struct act_op *op)
{
	struct act_batch *b = op->b;
	struct kube_context *kc = b->client != NULL ? client_context(b->client, op->cluster) :
	    NULL;
	struct act_bg *g = xcalloc(1, sizeof *g);
	char **envp, *own, *cause = NULL, *m, *target;
	int id;

	g->verb = xstrdup(b->def->verb);
	g->context = xstrdup(op->context);
	g->kube_user = kc != NULL && kc->user_name != NULL ? xstrdup(kc->user_name) : NULL;
	g->kind = xstrdup(op->resource);
	g->ns = xstrdup(op->ns);
	g->name = xstrdup(op->name);
	g->origin = xstrdup(actions_origin_name(b->origin));
	g->incident = b->incident != NULL ? xstrdup(b->incident) : NULL;
	memcpy(g->intent, op->intent, sizeof g->intent);
	g->params = json_incref(op->params);
	g->started = time(NULL);
	target = xasprintf("%s/%s", strcmp(op->resource, "services") == 0 ? "svc" : "pod",
	    op->name);
	envp = act_kubectl_env(&own);
	id = portfwd_start(act_loop, op->argv, envp, op->context, op->ns, target,
	    (int)jint(op->params, 0, "local_port", NULL), (int)jint(op->params, 0,
	    "remote_port", NULL), op_background_done, g, &cause);
	free(envp);
	free(own);
	if (id < 0) {
		act_bg_free(g);
		m = xasprintf("%s: %s", b->def->verb, cause);
		op_finish(op, "failed", m, true);
		free(m);
		free(cause);
	} else {
		m = xasprintf("started: %s on 127.0.0.1 (:port-forwards lists it)", target);
		op_finish(op, "ok", m, true);
		free(m);
	}
	free(target);
}

/* Send the planned request, its intent written first. */
static void
op_send(struct act_op *op)
{
	struct act_batch *b = op->b;
	char *cause = NULL, *m;

	op->state = OP_RUNNING;
	if (act_stopping != NULL) {
		m = xasprintf("not sent (%s)", act_stopping);
		op_finish(op, "interrupted", m, true);
		free(m);
		return;
	}
	if (op_intent(op, op->method, op->path, op->body, &cause) != 0) {
		/* Its outcome record would fail the same way: say it here. */
		m = xasprintf("cannot write the audit record, nothing was sent (%s)",
		    cause);
		op_finish(op, "refused", m, false);
		free(m);
		free(cause);
		return;
	}
	if (b->def->kubectl) {
		if (b->def->background)
			op_background(op);
		else
			op_terminal(op);
		return;
	}
	op_inflight(op, true);
	if (b->def->am)
		client_am_request(b->client, op->cluster, op->method, op->path, op->ctype,
		    op->body, op_sent, op);
	else
		client_request(b->client, op->cluster, op->method, op->path, op->ctype, op->body,
		    op_sent, op);
}

/* The dry run came back. */
static void
op_dry_done(const struct client_response *r, void *arg)
{
	struct act_op *op = arg;
	json_t *res;
	char *err, *msg, *diff;

	if (!act_ok(r)) {
		err = client_response_error(r);
		msg = xasprintf("server dry run refused it: %s", err);
		if (op->b->def->edit && r->status == 409)
			op_edit_conflict(op);
		else if (op->b->def->edit && op_edit_correctable(r))
			op_edit_reject(op, msg);
		else if (op->b->def->edit)
			op_edit_keep(op, r->status == 403 ? "forbidden" : "failed", msg);
		else
			op_settle(op, r->status == 403 ? "forbidden" : "failed", msg);
		free(msg);
		free(err);
		return;
	}
	if (op->b->def->edit) {
		/* what the update would change: the object now against what the
		 * server made of the text */
		res = act_parse(r);
		diff = edit_diff(op->obj, json_is_object(res) ? res : op->edited, "");
		msg = xasprintf("%s\n%s", op->preview, *diff != '\0' ? diff :
		    "(the server's object would not change)");
		free(op->preview);
		op->preview = msg;
		free(diff);
		json_decref(res);
	}
	op->state = OP_READY;
	batch_check(op->b);
}

static void	op_plan(struct act_op *);

/* The def's question answered: NULL (Esc) or empty cancels. */
static void
op_answered(const char *value, void *arg)
{
	struct act_op *op = arg;
	struct act_batch *b = op->b;

	if (value == NULL || *value == '\0') {
		op_settle(op, "cancelled", "cancelled");
		return;
	}
	if (b->nargs == 0)
		b->args[b->nargs++] = xstrdup(value);
	op_plan(op);
}

/* Plan the request, then dry-run it. */
static void
op_plan(struct act_op *op)
{
	struct act_batch *b = op->b;
	char *cause = NULL, *dry, *dry_body, *q, *initial = NULL;

	if (b->def->question != NULL && !op->asked && b->ui_ops != NULL &&
	    b->ui_ops->prompt != NULL) {
		op->asked = true;
		q = b->def->question(op, &initial);
		if (q != NULL) {
			b->ui_ops->prompt(b->ui, q, initial, op_answered, op);
			free(q);
			free(initial);
			return;
		}
	}

	if (b->def->plan(op, &cause) != 0) {
		op_settle(op, op->refused != NULL ? "refused" : "failed",
		    cause != NULL ? cause : "cannot plan the request");
		free(cause);
		return;
	}
	if (op->skipped != NULL) {
		op_settle(op, "skipped", op->skipped);
		return;
	}
	if (b->def->am || b->def->kubectl) {
		op->state = OP_READY;
		batch_check(b);
		return;
	}
	dry = actions_dry_run_path(op->path);
	dry_body = actions_dry_run_body(op->method, op->body);
	client_request(b->client, op->cluster, op->method, dry, op->ctype,
	    dry_body != NULL ? dry_body : op->body, op_dry_done, op);
	free(dry_body);
	free(dry);
}

/* The second extra GET came back (failures leave op->extra2 NULL). */
static void
op_extra2_done(const struct client_response *r, void *arg)
{
	struct act_op *op = arg;

	if (act_ok(r))
		op->extra2 = act_parse(r);
	op_plan(op);
}

/* The extra GET came back (failures leave op->extra NULL). */
static void
op_extra_done(const struct client_response *r, void *arg)
{
	struct act_op *op = arg;
	char *path;

	if (act_ok(r))
		op->extra = act_parse(r);
	path = act_extra2(op);
	if (path != NULL) {
		client_request(op->b->client, op->cluster, "GET", path, NULL, NULL,
		    op_extra2_done, op);
		free(path);
		return;
	}
	op_plan(op);
}

/* The object came back. */
static void
op_fetched(const struct client_response *r, void *arg)
{
	struct act_op *op = arg;
	char *err, *path;

	if (!act_ok(r)) {
		err = client_response_error(r);
		op_settle(op, r->status == 403 ? "forbidden" : "failed", err);
		free(err);
		return;
	}
	op->obj = act_parse(r);
	if (!json_is_object(op->obj)) {
		op_settle(op, "failed", "malformed object from the API server");
		return;
	}
	if (op->b->def->edit) {
		op->edit_base = edit_strip(op->obj);
		op_edit_open(op, op->edit_base, NULL);
		return;
	}
	if (op->b->def->extra != NULL) {
		path = op->b->def->extra(op);
		client_request(op->b->client, op->cluster, "GET", path, NULL, NULL, op_extra_done,
		    op);
		free(path);
		return;
	}
	op_plan(op);
}

/* Fetch the target, or plan straight away. */
static void
op_fetch(struct act_op *op)
{
	char *path;

	if (op->b->def->no_fetch) {
		op_plan(op);
		return;
	}
	path = actions_path(op->resource, op->ns, op->name);
	client_request(op->b->client, op->cluster, "GET", path, NULL, NULL, op_fetched, op);
	free(path);
}

/* The permissions def needs on an object of resource. */
static size_t
act_access(const struct act_def *def, const char *resource,
    struct actions_access out[ACTIONS_ACCESS_MAX])
{
	const struct kind *r;
	size_t i, n = 0;

	if (def->am)
		return 0;
	for (i = 0; i < ACTIONS_ACCESS_MAX && def->need[i].verb != NULL; i++) {
		r = kind_find(def->need[i].resource != NULL ? def->need[i].resource :
		    resource);
		if (r == NULL)
			return 0;
		out[n].verb = def->need[i].verb;
		out[n].group = r->group;
		out[n].resource = r->resource;
		out[n].subresource = def->need[i].sub;
		n++;
	}
	return n;
}

static void	op_rbac_done(int, const char *, void *);

/* Ask about the next permission op needs, or fetch once all are granted. */
static void
op_rbac_next(struct act_op *op)
{
	const struct kind *r = kind_find(op->resource);
	const struct actions_access *a;

	if (op->nchecked == op->naccess) {
		if (op->b->ask) {
			/* a value is still to be asked: wait for the others */
			op->granted = true;
			batch_check(op->b);
		} else
			op_fetch(op);
		return;
	}
	a = &op->access[op->nchecked];
	/* The object's name only where the write goes to the object itself. */
	rbac_check(op->b->client, op->cluster, a->verb, a->group, a->resource,
	    a->subresource, op->ns, r != NULL && strcmp(a->resource, r->resource) == 0 ?
	    op->name : NULL, op_rbac_done, op);
}

/* The RBAC answer. */
static void
op_rbac_done(int allowed, const char *reason, void *arg)
{
	struct act_op *op = arg;
	struct kube_context *kc = client_context(op->b->client, op->cluster);
	const struct actions_access *a = &op->access[op->nchecked];
	char *msg;

	if (allowed == 0) {
		msg = xasprintf("forbidden by RBAC: %s may not %s %s%s%s%s%s (%s)",
		    kc != NULL && kc->user_name != NULL ? kc->user_name : "this user",
		    a->verb, a->resource, a->subresource != NULL ? "/" : "",
		    a->subresource != NULL ? a->subresource : "",
		    op->ns != NULL && *op->ns != '\0' ? " in " : "",
		    op->ns != NULL ? op->ns : "", reason != NULL ? reason : "denied");
		op_settle(op, "forbidden", msg);
		free(msg);
		return;
	}
	if (allowed < 0) {
		op_settle(op, "failed", reason != NULL ? reason : "access review failed");
		return;
	}
	op->nchecked++;
	op_rbac_next(op);
}

/* Start one target: guard, then RBAC. */
static void
op_start(struct act_op *op)
{
	struct act_batch *b = op->b;
	const struct store_cluster *sc = NULL;
	char *msg;

	if (b->store != NULL && op->cluster < store_ncluster(b->store))
		sc = store_cluster(b->store, op->cluster);
	if (b->read_only || (sc != NULL && sc->read_only)) {
		msg = xasprintf("refused: %s", b->read_only ? "read-only mode" :
		    "the context is read-only");
		op_settle(op, "refused", msg);
		free(msg);
		return;
	}
	op->naccess = act_access(b->def, op->resource, op->access);
	op->nchecked = 0;
	op_rbac_next(op);
}

/* Confirmation answered. */
static void
batch_confirmed(bool ok, void *arg)
{
	struct act_batch *b = arg;
	size_t i, n = b->nops;
	struct act_op **ops = xcalloc(n, sizeof *ops);

	b->confirming = false;
	/* Settling may finish (and free) the batch: work on a copy. */
	memcpy(ops, b->ops, n * sizeof *ops);
	b->confirming = true;	/* hold batch_check until every op moved on */
	for (i = 0; i < n; i++) {
		if (ops[i]->state != OP_READY)
			continue;
		if (ok)
			op_send(ops[i]);
		else {
			ops[i]->state = OP_RUNNING;
			op_audit(ops[i], "cancelled", "not confirmed");
			ops[i]->outcome = xstrdup("cancelled");
			ops[i]->message = xstrdup("cancelled");
			ops[i]->state = OP_SETTLED;
		}
	}
	b->confirming = false;
	free(ops);
	if (!ok) {
		/* an edit's text is kept: say where */
		char *m = b->def->edit && b->nops == 1 && b->ops[0]->edit != NULL ?
		    xasprintf("%s: cancelled (not confirmed); the text is kept in %s",
		    b->def->verb, edit_file_path(b->ops[0]->edit)) :
		    xasprintf("%s: cancelled (not confirmed)", b->def->verb);

		act_message(b, true, m);
		free(m);
	}
	batch_check(b);
}

/* Add what to the comma list *typed the operator must type (once). */
static void
batch_typed_add(char **typed, const char *what)
{
	char *n;

	if (*typed == NULL)
		*typed = xstrdup(what);
	else if (strstr(*typed, what) == NULL) {
		n = xasprintf("%s,%s", *typed, what);
		free(*typed);
		*typed = n;
	}
}

/* Ask once for every ready target. */
static void
batch_confirm(struct act_batch *b)
{
	char *preview = xstrdup(""), *typed = NULL, *title, *n;
	const struct store_cluster *sc;
	struct act_op *op;
	size_t i, nready = 0;

	for (i = 0; i < b->nops; i++) {
		op = b->ops[i];
		if (op->state != OP_READY)
			continue;
		nready++;
		if (strlen(preview) < ACT_PREVIEW_MAX) {
			n = xasprintf("%s%s%s", preview, *preview != '\0' ? "\n" : "",
			    op->preview != NULL ? op->preview : b->def->verb);
			free(preview);
			preview = n;
		}
		sc = b->store != NULL && op->cluster < store_ncluster(b->store) ?
		    store_cluster(b->store, op->cluster) : NULL;
		if (b->def->typed || (sc != NULL && sc->protected_ctx))
			batch_typed_add(&typed, op->context);
		if (op->typed != NULL)
			batch_typed_add(&typed, op->typed);
	}
	if (b->def->kubectl && typed == NULL) {
		/* nothing to type: a shell starts without a question */
		free(preview);
		batch_confirmed(true, b);
		return;
	}
	title = xasprintf("%s: %zu target%s (%s)", b->def->verb, nready, nready == 1 ? "" : "s",
	    b->def->am ? "Alertmanager has no dry run: preview" :
	    b->def->background ? "kubectl port-forward, kept by the console" :
	    b->def->kubectl ? "kubectl in this terminal" : "dry run passed");
	b->confirming = true;
	if (b->ui_ops == NULL || b->ui_ops->confirm == NULL) {
		free(title);
		free(preview);
		free(typed);
		batch_confirmed(false, b);
		return;
	}
	b->ui_ops->confirm(b->ui, title, preview, typed, batch_confirmed, b);
	free(title);
	free(preview);
	free(typed);
}

/* Move the batch on when every op is ready or settled; finish when all settled. */
static void
batch_check(struct act_batch *b)
{
	size_t i, nready = 0, nbusy = 0, nskipped = 0;
	const char *outcome = NULL;
	char *msg = NULL;
	cmd_done_cb done;
	void *done_arg;

	if (b->confirming)
		return;
	if (b->ask) {
		batch_ask(b);
		return;
	}
	for (i = 0; i < b->nops; i++) {
		switch (b->ops[i]->state) {
		case OP_PREPARING:
		case OP_RUNNING:
			nbusy++;
			break;
		case OP_READY:
			nready++;
			break;
		case OP_SETTLED:
			if (strcmp(b->ops[i]->outcome, "skipped") == 0)
				nskipped++;
			else if (strcmp(b->ops[i]->outcome, "ok") != 0 && outcome == NULL) {
				outcome = b->ops[i]->outcome;
				msg = b->ops[i]->message;
			}
			break;
		}
	}
	if (nbusy > 0)
		return;
	if (nready > 0) {
		batch_confirm(b);
		return;
	}
	if (outcome == NULL) {
		outcome = nskipped == b->nops ? "skipped" : "ok";
		msg = b->nops > 0 ? b->ops[0]->message : "nothing to do";
	}
	done = b->done;
	done_arg = b->done_arg;
	if (b->result != NULL && b->nops > 0)
		*b->result = json_incref(b->ops[0]->params);
	msg = xstrdup(msg != NULL ? msg : outcome);
	{
		char *oc = xstrdup(outcome);

		act_nrunning--;
		batch_free(b);
		if (done != NULL)
			done(oc, msg, done_arg);
		free(oc);
	}
	free(msg);
}

/* The def of verb. */
static const struct act_def *
act_def_find(const char *verb)
{
	size_t i;

	for (i = 0; i < sizeof act_defs / sizeof act_defs[0]; i++) {
		if (strcmp(act_defs[i].verb, verb) == 0)
			return &act_defs[i];
	}
	return NULL;
}

/* Plan command on obj without sending anything: its writes (for tests). */
json_t *
actions_plan_writes(const char *command, const char *resource, const char *ns,
    const char *name, json_t *obj, json_t *extra, json_t *extra2, int argc, char **argv,
    char **cause)
{
	struct act_batch b;
	struct act_op *op;
	json_t *writes = NULL, *p;
	size_t i;
	int a;

	memset(&b, 0, sizeof b);
	b.def = act_def_find(command);
	if (b.def == NULL) {
		*cause = xasprintf("%s is not an action", command);
		return NULL;
	}
	b.grace = -1;
	for (a = 0; a < argc && a < ACT_MAX_ARGS; a++)
		b.args[b.nargs++] = xstrdup(argv[a]);
	op = xcalloc(1, sizeof *op);
	op->b = &b;
	op->context = xstrdup("test");
	op->resource = xstrdup(resource);
	op->ns = ns != NULL ? xstrdup(ns) : NULL;
	op->name = name != NULL ? xstrdup(name) : NULL;
	op->obj = json_incref(obj);
	op->extra = json_incref(extra);
	op->extra2 = json_incref(extra2);
	op->params = json_object();
	*cause = NULL;
	if (b.def->plan(op, cause) != 0)
		goto out;
	writes = json_array();
	if (op->method != NULL)
		json_array_append_new(writes, json_pack("[ss]", op->method, op->path));
	json_array_foreach(op->evict, i, p) {
		char *path = evict_path(json_string_value(json_array_get(p, 0)),
		    json_string_value(json_array_get(p, 1)));

		json_array_append_new(writes, json_pack("[ss]", "POST", path));
		free(path);
	}
out:
	op_free(op);
	for (a = 0; a < b.nargs; a++)
		free(b.args[a]);
	return writes;
}

/* The permissions command needs on resource (NULL: its first kind). */
size_t
actions_access(const char *command, const char *resource,
    struct actions_access out[ACTIONS_ACCESS_MAX])
{
	const struct act_def *def = act_def_find(command);
	const struct kind *k;

	if (def == NULL)
		return 0;
	if (resource == NULL) {
		k = kind_for_action(def->verb, 0);
		return k != NULL ? act_access(def, k->resource, out) : 0;
	}
	return act_access(def, resource, out);
}

/* True if def applies to resource. */
static bool
act_kind_ok(const struct act_def *def, const char *resource)
{
	return kind_allows(kind_find(resource), def->verb);
}

/* "VERB applies to KINDS, not WHAT" into *cause. */
static void
act_not_for(const struct act_def *def, const char *what, char **cause)
{
	char *list = kind_action_kinds(def->verb);

	*cause = xasprintf("%s applies to %s, not %s", def->verb, list, what);
	free(list);
}

/* Add an op to the batch. */
static void
batch_add(struct act_batch *b, size_t cluster, const char *resource, const char *ns,
    const char *name)
{
	struct act_op *op = xcalloc(1, sizeof *op);

	op->b = b;
	op->state = OP_PREPARING;
	op->cluster = cluster;
	op->context = xstrdup(b->store != NULL && cluster < store_ncluster(b->store) ?
	    store_cluster(b->store, cluster)->name : "?");
	op->resource = xstrdup(resource);
	op->ns = xstrdup(ns != NULL ? ns : "");
	op->name = name != NULL ? xstrdup(name) : NULL;
	op->params = json_object();
	b->ops = xreallocarray(b->ops, b->nops + 1, sizeof *b->ops);
	b->ops[b->nops++] = op;
}

/* Start every op, then check the batch once. */
static void
batch_start(struct act_batch *b)
{
	size_t i, n = b->nops;
	struct act_op **ops = xcalloc(n, sizeof *ops);

	memcpy(ops, b->ops, n * sizeof *ops);
	b->confirming = true;	/* hold batch_check until all started */
	for (i = 0; i < n; i++)
		op_start(ops[i]);
	b->confirming = false;
	free(ops);
	batch_check(b);
}

/* The next value to ask for (new), its prefill in *initial (new); NULL
 * when everything is known. */
static char *
batch_question(struct act_batch *b, char **initial)
{
	size_t i, n = 0;

	for (i = 0; i < b->nops; i++)
		n += b->ops[i]->state == OP_PREPARING && b->ops[i]->granted;
	if (strcmp(b->def->verb, "scale") == 0 && b->nargs == 0) {
		*initial = xstrdup(b->ask_initial != NULL ? b->ask_initial : "");
		return xasprintf("scale %zu target%s to replicas:", n, n == 1 ? "" : "s");
	}
	if (strcmp(b->def->verb, "silence") != 0)
		return NULL;
	if (b->nargs == 0) {
		*initial = xstrdup("2h");
		return xasprintf("silence %zu alert%s for (e.g. 30m, 2h, 1d):", n,
		    n == 1 ? "" : "s");
	}
	if (b->comment == NULL) {
		*initial = xasprintf("silenced from opsdeck by %s", audit_local_user());
		return xstrdup("comment:");
	}
	return NULL;
}

static void	op_fetch(struct act_op *);

/* Every value known: fetch and plan the targets access was granted for. */
static void
batch_go(struct act_batch *b)
{
	size_t i, n = b->nops;
	struct act_op **ops = xcalloc(n, sizeof *ops);

	b->ask = false;
	memcpy(ops, b->ops, n * sizeof *ops);
	b->confirming = true;	/* hold batch_check until all moved on */
	for (i = 0; i < n; i++) {
		if (ops[i]->state == OP_PREPARING && ops[i]->granted)
			op_fetch(ops[i]);
	}
	b->confirming = false;
	free(ops);
	batch_check(b);
}

/* A question answered: NULL (Esc), or empty where a value is needed, cancels. */
static void
batch_prompted(const char *value, void *arg)
{
	struct act_batch *b = arg;
	size_t i;

	b->asking = false;
	if (value == NULL || (*value == '\0' && b->nargs == 0)) {
		b->ask = false;
		for (i = 0; i < b->nops; i++) {
			if (b->ops[i]->state == OP_SETTLED)
				continue;
			b->ops[i]->state = OP_SETTLED;
			b->ops[i]->outcome = xstrdup("cancelled");
			b->ops[i]->message = xstrdup("cancelled");
		}
		act_message(b, false, "cancelled");
		batch_check(b);
		return;
	}
	if (b->nargs == 0)
		b->args[b->nargs++] = xstrdup(value);
	else if (*value != '\0')
		b->comment = xstrdup(value);
	else
		b->comment = xstrdup("silenced from opsdeck");
	batch_ask(b);
}

/* Once every target's access is known, ask for the values still missing
 * (nothing is asked when no target may be changed), then go on. */
static void
batch_ask(struct act_batch *b)
{
	size_t i, nwait = 0, ngranted = 0;
	char *q, *initial = NULL;

	if (b->confirming || b->asking)
		return;
	for (i = 0; i < b->nops; i++) {
		if (b->ops[i]->state != OP_PREPARING)
			continue;
		if (b->ops[i]->granted)
			ngranted++;
		else
			nwait++;
	}
	if (nwait > 0)
		return;
	if (ngranted == 0) {
		b->ask = false;
		batch_check(b);
		return;
	}
	q = batch_question(b, &initial);
	if (q == NULL) {
		batch_go(b);
		return;
	}
	b->asking = true;
	b->ui_ops->prompt(b->ui, q, initial, batch_prompted, b);
	free(q);
	free(initial);
}

/* Current replicas of a store row ("3/5" Ready → 5), or NULL (new). */
struct row_replicas {
	const char	*uid;
	const char	*name;
	char		*out;
};

/* store_foreach callback: the desired count from a "ready/desired" cell. */
static int
row_replicas_cb(size_t cluster, const struct row *r, void *arg)
{
	struct row_replicas *rr = arg;
	const char *slash;
	size_t i;

	(void)cluster;
	if (!((rr->uid != NULL && r->uid != NULL && strcmp(r->uid, rr->uid) == 0) ||
	    (rr->uid == NULL && rr->name != NULL && strcmp(r->name, rr->name) == 0)))
		return 0;
	for (i = 0; i < r->ncells; i++) {
		slash = r->cells[i].text != NULL ? strchr(r->cells[i].text, '/') : NULL;
		if (slash != NULL && isdigit((unsigned char)slash[1])) {
			rr->out = xstrdup(slash + 1);
			break;
		}
	}
	return 1;
}

/* Every action command runs here. */
static int
act_exec(struct cmd_ctx *ctx, int argc, char **argv, char **cause)
{
	const struct act_def *def = act_def_find(argv[0]);
	const struct kind *res;
	struct act_batch *b;
	const char *context = ctx->scope.context, *ns = ctx->scope.ns, *target = ctx->scope.target;
	char *kind = NULL, *tns = NULL, *tname = NULL, *p, *q;
	size_t cluster = SIZE_MAX, i;
	int a, rc = -1;

	if (def == NULL) {
		*cause = xasprintf("%s: not an action", argv[0]);
		return -1;
	}
	if (ctx->client == NULL || ctx->store == NULL) {
		*cause = xasprintf("%s: no cluster connection", def->verb);
		return -1;
	}
	if (act_loop == NULL && ui_current != NULL)
		act_loop = ui_current->loop;
	/* read-only mode and read-only contexts: cmd_check, before any exec */
	if (act_stopping != NULL) {
		*cause = xasprintf("%s: not started (%s)", def->verb, act_stopping);
		return -1;
	}
	b = xcalloc(1, sizeof *b);
	TAILQ_INSERT_TAIL(&act_batches, b, entry);
	b->def = def;
	b->client = ctx->client;
	b->store = ctx->store;
	b->ui_ops = ctx->ui_ops;
	b->ui = ctx->ui;
	b->origin = (int)ctx->origin;
	b->read_only = ctx->read_only;
	b->incident = ctx->incident_id != NULL ? xstrdup(ctx->incident_id) : incident_current();
	b->grace = -1;
	for (a = 1; a < argc; a++) {
		if (strcmp(argv[a], "--comment") == 0 && a + 1 < argc) {
			/* the rest of the words up to the next --option (a quoted
			 * string is one word) */
			free(b->comment);
			b->comment = xstrdup(argv[++a]);
			while (a + 1 < argc && strncmp(argv[a + 1], "--", 2) != 0) {
				p = xasprintf("%s %s", b->comment, argv[++a]);
				free(b->comment);
				b->comment = p;
			}
		} else if (strcmp(argv[a], "--author") == 0 && a + 1 < argc &&
		    def->am) {
			free(b->author);
			b->author = xstrdup(argv[++a]);
		} else if (strcmp(argv[a], "--grace") == 0 && a + 1 < argc) {
			long g;

			if (act_parse_count(argv[++a], 86400, &g) != 0) {
				*cause = xasprintf("%s: bad grace period '%s'", def->verb, argv[a]);
				goto out;
			}
			b->grace = (double)g;
		} else if (b->nargs < ACT_MAX_ARGS)
			b->args[b->nargs++] = xstrdup(argv[a]);
		else {
			*cause = xasprintf("%s: too many arguments", def->verb);
			goto out;
		}
	}
	if (context != NULL) {
		cluster = store_cluster_find(ctx->store, context);
		if (cluster == SIZE_MAX) {
			*cause = xasprintf("%s: unknown context '%s'", def->verb, context);
			goto out;
		}
	}
	if (target != NULL) {
		p = xstrdup(target);
		q = strchr(p, '/');
		if (q == NULL) {
			free(p);
			*cause = xasprintf("%s: -t wants KIND/NAME or KIND/NAMESPACE/NAME",
			    def->verb);
			goto out;
		}
		*q++ = '\0';
		kind = p;
		if (strchr(q, '/') != NULL) {
			tns = xstrndup(q, strcspn(q, "/"));
			tname = xstrdup(q + strcspn(q, "/") + 1);
		} else
			tname = xstrdup(q);
		res = kind_find(kind);
		if (res == NULL || !kind_allows(res, def->verb)) {
			act_not_for(def, kind, cause);
			goto out;
		}
		if (cluster == SIZE_MAX)
			cluster = ctx->ntargets > 0 ? ctx->targets[0].cluster : 0;
		if (ns == NULL)
			ns = tns;
		if (ns == NULL && ctx->ntargets > 0 && ctx->targets[0].cluster == cluster &&
		    ctx->targets[0].ns != NULL && *ctx->targets[0].ns != '\0')
			ns = ctx->targets[0].ns;
		if (ns == NULL && client_context(ctx->client, cluster) != NULL)
			ns = client_context(ctx->client, cluster)->namespace_;
		if (cluster >= store_ncluster(ctx->store)) {
			*cause = xasprintf("%s: no such cluster", def->verb);
			goto out;
		}
		batch_add(b, cluster, res->resource, res->namespaced ? ns : "", tname);
	} else if (ctx->ntargets > 0 && !(def->no_fetch && ctx->targets[0].resource != NULL &&
	    !act_kind_ok(def, ctx->targets[0].resource))) {
		if (ctx->ntargets > ACT_MAX_TARGETS) {
			*cause = xasprintf("%s: too many targets (%zu)", def->verb, ctx->ntargets);
			goto out;
		}
		for (i = 0; i < ctx->ntargets; i++) {
			const struct cmd_target *t = &ctx->targets[i];

			if (t->resource == NULL || !act_kind_ok(def, t->resource)) {
				act_not_for(def, t->resource != NULL ? t->resource : "this row",
				    cause);
				goto out;
			}
			batch_add(b, cluster != SIZE_MAX ? cluster : t->cluster, t->resource,
			    ns != NULL ? ns : t->ns, t->name);
		}
	} else if (def->no_fetch) {
		if (cluster == SIZE_MAX)
			cluster = ctx->ntargets > 0 ? ctx->targets[0].cluster : 0;
		if (cluster >= store_ncluster(ctx->store)) {
			*cause = xasprintf("%s: no such cluster", def->verb);
			goto out;
		}
		if (ns == NULL && ctx->ntargets > 0 && ctx->targets[0].ns != NULL &&
		    *ctx->targets[0].ns != '\0')
			ns = ctx->targets[0].ns;
		if (ns == NULL && client_context(ctx->client, cluster) != NULL)
			ns = client_context(ctx->client, cluster)->namespace_;
		batch_add(b, cluster, kind_for_action(def->verb, 0)->resource, ns, NULL);
	} else {
		*cause = xasprintf("%s: nothing selected (select a row, mark rows, or give "
		    "-t KIND/NAME)", def->verb);
		goto out;
	}

	if (def->edit && b->nops != 1) {
		*cause = xasprintf("%s: one object at a time (%zu marked)", def->verb, b->nops);
		goto out;
	}
	if (def->edit && (ctx->ui_ops == NULL || ctx->ui_ops->foreground == NULL)) {
		*cause = xasprintf("%s: needs a terminal for the editor", def->verb);
		goto out;
	}
	/* headless (no views) kubectl would be run for its own sake */
	if (def->kubectl && (ctx->ui_ops == NULL || ctx->ui_ops->foreground == NULL ||
	    ctx->ui_ops->show_view == NULL)) {
		*cause = xasprintf("%s: only in the console (it runs kubectl there)", def->verb);
		goto out;
	}
	if (def->kubectl && b->nops != 1) {
		*cause = xasprintf("%s: one target at a time (%zu selected)", def->verb, b->nops);
		goto out;
	}
	act_nrunning++;
	if (ctx->done != NULL) {
		/* the caller (a runbook step, opsdeck silence) hears the end */
		b->done = ctx->done;
		b->done_arg = ctx->done_arg;
		b->result = ctx->result;
		ctx->started = true;
	}
	/* scale with no count, silence with no duration: ask once access is
	 * known (the count prefilled with the current desired count). */
	if ((strcmp(def->verb, "scale") == 0 || strcmp(def->verb, "silence") == 0) &&
	    b->nargs == 0 && b->ui_ops != NULL && b->ui_ops->prompt != NULL) {
		struct row_replicas rr = { NULL, NULL, NULL };

		if (strcmp(def->verb, "scale") == 0 && ctx->ntargets > 0) {
			rr.uid = ctx->targets[0].uid;
			rr.name = ctx->targets[0].name;
			store_foreach(ctx->store, b->ops[0]->cluster, b->ops[0]->resource, NULL,
			    row_replicas_cb, &rr);
		}
		b->ask_initial = rr.out;
		b->ask = true;
	}
	batch_start(b);
	b = NULL;
	rc = 0;
out:
	if (b != NULL)
		batch_free(b);
	free(kind);
	free(tns);
	free(tname);
	return rc;
}

/* A runbook-url lookup in flight. */
struct act_url {
	const struct cmd_ui	*ui_ops;
	void			*ui;
	char			*alertname;
	char			*fingerprint;
	cmd_done_cb		 done;		/* a runbook step waiting, or NULL */
	void			*done_arg;
};

/* With the osc52 option on, copy the sanitised url and say so in *msg. */
static void
act_url_copy(const char *url, char **msg)
{
	char *clean = sanitize_str(url, 0), *m;

	if (osc52_copy(clean) == 0) {
		m = xasprintf("%s: copied to clipboard (OSC 52)", *msg);
		free(*msg);
		*msg = m;
	}
	free(clean);
}

/* Alertmanager's alerts came back: print the alert's runbook_url. */
static void
act_url_done(const struct client_response *r, void *arg)
{
	struct act_url *u = arg;
	json_t *arr = NULL, *a;
	const char *url = NULL, *fp, *name;
	char *msg, *clean;
	size_t i;

	if (r->error == NULL && r->status == 200)
		arr = json_loadb(r->body, r->len, 0, NULL);
	json_array_foreach(arr, i, a) {
		name = jstr(a, "labels", "alertname", NULL);
		fp = jstr(a, "fingerprint", NULL);
		if (name == NULL || strcmp(name, u->alertname) != 0)
			continue;
		if (u->fingerprint != NULL && fp != NULL && strcmp(fp, u->fingerprint) != 0)
			continue;
		url = jstr(a, "annotations", "runbook_url", NULL);
		if (url != NULL)
			break;
	}
	if (url != NULL)
		msg = xasprintf("%s runbook: %s", u->alertname, url);
	else if (arr == NULL)
		msg = xasprintf("runbook-url: cannot read alerts (HTTP %ld)", r->status);
	else
		msg = xasprintf("runbook-url: %s has no runbook_url annotation", u->alertname);
	clean = sanitize_str(msg, 0);
	if (url != NULL && u->ui_ops != NULL && u->ui_ops->show_view != NULL)
		act_url_copy(url, &clean);
	if (u->ui_ops != NULL && u->ui_ops->message != NULL)
		u->ui_ops->message(u->ui, url == NULL, clean);
	free(clean);
	act_nrunning--;
	if (u->done != NULL)
		u->done(url != NULL ? "ok" : "failed", msg, u->done_arg);
	free(msg);
	json_decref(arr);
	free(u->alertname);
	free(u->fingerprint);
	free(u);
}

/* runbook-url: print the selected alert's runbook_url annotation. */
static int
act_runbook_url(struct cmd_ctx *ctx, int argc, char **argv, char **cause)
{
	const struct cmd_target *t = ctx->ntargets > 0 ? &ctx->targets[0] : NULL;
	struct act_url *u;

	if (ctx->client == NULL) {
		*cause = xstrdup("runbook-url: no cluster connection");
		return -1;
	}
	if ((t == NULL || t->resource == NULL || strcmp(t->resource, "alerts") != 0) &&
	    argc < 2) {
		*cause = xstrdup("runbook-url: select an alert (or give its name)");
		return -1;
	}
	u = xcalloc(1, sizeof *u);
	u->ui_ops = ctx->ui_ops;
	u->ui = ctx->ui;
	u->alertname = xstrdup(argc >= 2 ? argv[1] : t->name);
	if (argc < 2 && t->uid != NULL && *t->uid != '\0' &&
	    strspn(t->uid, "0123456789abcdef") == strlen(t->uid))
		u->fingerprint = xstrdup(t->uid);
	if (ctx->done != NULL) {
		u->done = ctx->done;
		u->done_arg = ctx->done_arg;
		ctx->started = true;
	}
	act_nrunning++;
	client_am_request(ctx->client, t != NULL ? t->cluster : 0, "GET", "/api/v2/alerts",
	    NULL, NULL, act_url_done, u);
	return 0;
}

/* The action commands (the kinds each applies to: kinds.h). */
/* The commands that are not actions. */
static const struct cmd_entry act_other_commands[] = {
	{ "runbook-url", NULL, "[ALERTNAME]", "show the selected alert's runbook URL",
	    0, NULL, act_runbook_url },
};

/* The action commands, one per act_defs entry, built once (they live as
 * long as the program): every action mutates and takes the scope words. */
static const struct cmd_entry *
act_commands(size_t *n)
{
	static struct cmd_entry cmds[sizeof act_defs / sizeof act_defs[0]];
	size_t i;

	*n = sizeof act_defs / sizeof act_defs[0];
	if (cmds[0].name != NULL)
		return cmds;
	for (i = 0; i < *n; i++) {
		cmds[i].name = act_defs[i].verb;
		cmds[i].args = act_defs[i].args;
		cmds[i].help = act_defs[i].help;
		cmds[i].flags = CMD_MUTATES | CMD_SCOPED |
		    (act_defs[i].untargeted ? 0 : CMD_NEEDS_TARGET);
		cmds[i].exec = act_exec;
	}
	return cmds;
}

/* Register the action commands, and the runbook and incident commands. */
void
actions_register(void)
{
	const struct cmd_entry *cmds;
	size_t n;

	cmds = act_commands(&n);
	cmd_register(cmds, n);
	cmd_register(act_other_commands, sizeof act_other_commands / sizeof act_other_commands[0]);
	runbook_register_commands();
	incident_register_commands();
}
