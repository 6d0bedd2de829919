/* The runbook runner: one step at a time, asynchronously on the loop. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "opsdeck/actions.h"
#include "opsdeck/audit.h"
#include "opsdeck/client.h"
#include "opsdeck/http.h"
#include "opsdeck/incident.h"
#include "opsdeck/json_util.h"
#include "opsdeck/kinds.h"
#include "opsdeck/kubeconfig.h"
#include "opsdeck/loop.h"
#include "opsdeck/names.h"
#include "opsdeck/printers.h"
#include "opsdeck/runbook.h"
#include "opsdeck/sanitize.h"
#include "opsdeck/store.h"
#include "opsdeck/term.h"
#include "opsdeck/xmalloc.h"

#define RUN_OUTPUT_MAX	(64 * 1024)

/* One step's progress. */
struct rb_step_run {
	enum rb_state	 state;
	char		*message;
	char		*text;		/* the step's text expanded, or NULL */
	char		*title;		/* its title expanded, or NULL */
};

/* A running runbook. */
struct rb_run {
	const struct runbook	*rb;
	struct rb_run_opts	 o;
	char			*kind;
	char			*ns;
	char			*name;
	char			*cluster_name;
	char			**pvalues;	/* one per rb->params */
	const char		**pnames;
	char			*incident;
	struct rb_step_run	*steps;
	size_t			 nsteps;	/* copies: rb may be gone when the */
	size_t			 nparams;	/* last callback frees the run */
	size_t			 cur;
	double			 started;
	double			 ended;
	bool			 aborted;
	bool			 interrupted;	/* the console quit under it */
	bool			 finished;
	bool			 asking;	/* a question to the operator is open */
	int			 rc;
	char			*summary;	/* how it ended, or NULL */
	size_t			 nfailed;	/* steps that failed */
	size_t			 nfatal;	/* of them, not on-failure: continue */
	/* Before step one: parameter lookups still out, and where each
	 * value came from ("given", "default", or what the estate said). */
	int			 preparing;
	bool			 prep_failed;
	char			**porigin;	/* one per rb->params, or NULL */
	bool			*pgiven;
	size_t			 first_failed;	/* index of the first of them */
	int			 inflight;	/* callbacks still to come */
	int			 refs;		/* holders: the starter, views */
	struct loop_timer	*timer;
	double			 deadline;	/* wait steps */
	double			 held_since;	/* a steady wait's condition true since, or -1 */
	/* The current step, expanded: text for showing; argv for exec and
	 * action steps, one template value inside exactly one word. */
	char			*text;
	char			**argv;
	int			 argc;
	size_t			 step_cluster;
	struct rb_cond		 cond;
	bool			 have_cond;
	/* exec */
	pid_t			 pid;
	int			 fd;
	char			*output;
	size_t			 outlen;
	struct loop_timer	*exec_timer;
	char			 exec_intent[AUDIT_ID_SIZE];	/* "" when none */
};

static void	run_next(struct rb_run *);
static double	run_wait_limit(double);
static void	run_step_done(struct rb_run *, enum rb_state, const char *msg);

/* Names of step states. */
const char *
rb_state_name(enum rb_state s)
{
	switch (s) {
	case RB_PENDING:
		return "pending";
	case RB_RUNNING:
		return "running";
	case RB_OK:
		return "ok";
	case RB_FAILED:
		return "failed";
	case RB_SKIPPED:
		return "skipped";
	}
	return "?";
}

/* True if rb changes anything. */
bool
runbook_mutates(const struct runbook *rb)
{
	size_t i;

	for (i = 0; i < rb->nsteps; i++) {
		if (rb->steps[i].kind == RB_ACTION || rb->steps[i].kind == RB_EXEC)
			return true;
	}
	return false;
}

/* State of step i. */
enum rb_state
runbook_run_state(const struct rb_run *run, size_t i, const char **message)
{
	if (message != NULL)
		*message = NULL;
	if (i >= run->nsteps)
		return RB_PENDING;
	if (message != NULL)
		*message = run->steps[i].message;
	return run->steps[i].state;
}

/* Index of the current step. */
size_t
runbook_run_current(const struct rb_run *run)
{
	return run->cur;
}

/* Seconds since the run started, stopped at its end. */
static double
run_elapsed(const struct rb_run *run)
{
	return (run->finished ? run->ended : loop_now()) - run->started;
}

/* Step i's text with its templates expanded (or as written). */
const char *
runbook_run_step_text(const struct rb_run *run, size_t i)
{
	if (i >= run->nsteps)
		return "";
	if (run->steps[i].text != NULL)
		return run->steps[i].text;
	return run->rb->steps[i].text;
}

/* Step i's title with its {{...}} expanded (as written if that failed),
 * or NULL if it has none. */
const char *
runbook_run_step_title(const struct rb_run *run, size_t i)
{
	if (i >= run->nsteps)
		return NULL;
	if (run->steps[i].title != NULL)
		return run->steps[i].title;
	return run->rb->steps[i].title;
}

/* The run as a whole, for views. */
void
runbook_run_info(const struct rb_run *run, struct rb_run_info *info)
{
	memset(info, 0, sizeof *info);
	info->rb = run->rb;
	info->cluster = run->cluster_name;
	info->kind = run->kind;
	info->ns = run->ns;
	info->name = run->name;
	info->elapsed = run_elapsed(run);
	info->current = run->cur;
	info->asking = run->asking && !run->finished;
	info->finished = run->finished;
	info->aborted = run->aborted;
	info->interrupted = run->interrupted;
	info->rc = run->rc;
	info->nfailed = run->nfailed;
	info->pnames = run->pnames;
	info->pvalues = (const char *const *)run->pvalues;
	info->porigin = (const char *const *)run->porigin;
	info->nparams = run->nparams;
	info->summary = run->summary;
}

/* Tell the holder that a step's state or message changed. */
static void
run_changed(struct rb_run *run)
{
	if (run->o.changed != NULL)
		run->o.changed(run->o.arg);
}

/* Set step i's state and message (copied; NULL keeps none). */
static void
run_set_step(struct rb_run *run, size_t i, enum rb_state state, const char *msg)
{
	run->steps[i].state = state;
	free(run->steps[i].message);
	run->steps[i].message = msg != NULL ? xstrdup(msg) : NULL;
	run_changed(run);
}

/* Report a line through the UI. */
static void
run_message(struct rb_run *run, bool error, const char *text)
{
	char *clean = sanitize_str(text, 0);

	if (run->o.ui_ops != NULL && run->o.ui_ops->message != NULL)
		run->o.ui_ops->message(run->o.ui, error, clean);
	free(clean);
}

/* The context with role, for {{role:X}}. */
static const char *
run_role(const char *role, void *arg)
{
	struct rb_run *run = arg;
	struct store_cluster *sc;
	size_t i;

	for (i = 0; i < store_ncluster(run->o.store); i++) {
		sc = store_cluster(run->o.store, i);
		if (sc->role != NULL && strcmp(sc->role, role) == 0)
			return sc->name;
	}
	return NULL;
}

/* The template values of this run. */
static void
run_vars(struct rb_run *run, struct rb_vars *v)
{
	memset(v, 0, sizeof *v);
	v->cluster = run->cluster_name;
	v->ns = run->ns;
	v->name = run->name;
	v->kind = run->kind;
	v->pnames = run->pnames;
	v->pvalues = (const char *const *)run->pvalues;
	v->nparams = run->rb->nparams;
	v->role = run_role;
	v->arg = run;
}

/* Expand a text template for this run (new), or NULL with *cause. */
static char *
run_expand(struct rb_run *run, const char *tmpl, char **cause)
{
	struct rb_vars v;

	run_vars(run, &v);
	return runbook_expand(tmpl, &v, cause);
}

/* Expand step st the way its kind needs: a condition for check and wait,
 * words for exec and action (*argv, when argv is not NULL), text for the
 * rest. Returns the text to show (for words: quoted so that it reads back
 * as the same words), or NULL with *cause. */
static char *
run_expand_step(struct rb_run *run, const struct rb_step *st, int *argc, char ***argv,
    char **cause)
{
	struct rb_vars v;
	char **av = NULL, *text;
	int ac = 0;

	run_vars(run, &v);
	switch (st->kind) {
	case RB_CHECK:
	case RB_WAIT:
		return runbook_expand_cond(st->text, &v, cause);
	case RB_EXEC:
	case RB_ACTION:
		if (runbook_expand_argv(st->text, &v, &ac, &av, cause) != 0)
			return NULL;
		text = cmd_quote_argv(ac, av);
		if (argv != NULL) {
			*argc = ac;
			*argv = av;
		} else
			cmd_free_argv(ac, av);
		return text;
	case RB_CONFIRM:
	case RB_NOTE:
		break;
	}
	return runbook_expand(st->text, &v, cause);
}

/* "T+1m02s" of the run, with the RTO if the runbook has one (static). */
static const char *
run_clock(struct rb_run *run)
{
	static char buf[96];
	double t = run_elapsed(run);
	char used[32], rto[32];

	rb_format_duration(t, used, sizeof used);
	if (run->rb->rto > 0) {
		rb_format_limit(run->rb->rto, rto, sizeof rto);
		snprintf(buf, sizeof buf, "T+%s, RTO %s%s", used, rto,
		    t > run->rb->rto ? " EXCEEDED" : "");
	} else
		snprintf(buf, sizeof buf, "T+%s", used);
	return buf;
}

/* The kubeconfig user the run acts as on cluster, or NULL. */
static const char *
run_kube_user(struct rb_run *run, size_t cluster)
{
	struct kube_context *kc = run->o.client != NULL && cluster < store_ncluster(run->o.store) ?
	    client_context(run->o.client, cluster) : NULL;

	return kc != NULL ? kc->user_name : NULL;
}

/* The audit record of step i (params is the caller's to release). */
static void
run_audit_record(struct rb_run *run, size_t i, struct audit_record *rp, json_t **params)
{
	const struct rb_step *st = &run->rb->steps[i];
	struct audit_record r;

	*params = json_pack("{s:i,s:s,s:s}", "step", (json_int_t)(i + 1), "kind",
	    rb_kind_name(st->kind), "text", run->text != NULL ? run->text : st->text);
	memset(&r, 0, sizeof r);
	r.verb = "runbook-step";
	r.context = run->step_cluster < store_ncluster(run->o.store) ?
	    store_cluster(run->o.store, run->step_cluster)->name : run->cluster_name;
	r.kube_user = run_kube_user(run, run->step_cluster);
	r.kind = "runbook";
	r.ns = run->ns;
	r.name = run->rb->name;
	r.params = *params;
	r.dry_run = run->o.dry_run ? "dry run" : NULL;
	r.origin = "runbook";
	r.incident = run->incident;
	r.runbook = run->rb->name;
	*rp = r;
}

/* Record step i's outcome in the audit log and the incident; an exec step
 * that started its command closes the intent written before it. */
static void
run_record(struct rb_run *run, size_t i, const char *outcome, const char *msg)
{
	const struct rb_step *st = &run->rb->steps[i];
	struct audit_record r;
	char *cause = NULL, *text;
	json_t *params, *extra;
	int rc;

	run_audit_record(run, i, &r, &params);
	r.outcome = outcome;
	r.message = msg;
	if (run->exec_intent[0] != '\0' && st->kind == RB_EXEC) {
		rc = audit_outcome(&r, run->exec_intent, &cause);
		run->exec_intent[0] = '\0';
	} else
		rc = audit_write(&r, &cause);
	if (rc != 0) {
		text = xasprintf("audit log: %s", cause);
		run_message(run, true, text);
		free(text);
		free(cause);
		cause = NULL;
	}
	if (run->incident != NULL) {
		extra = json_pack("{s:s,s:i,s:s,s:s}", "runbook", run->rb->name, "step",
		    (json_int_t)(i + 1), "kind", rb_kind_name(st->kind), "outcome", outcome);
		if (r.kube_user != NULL)
			json_object_set_new(extra, "kube_user", json_string(r.kube_user));
		if (st->kind == RB_NOTE)
			text = xasprintf("%s: %s", run->rb->name, msg != NULL ? msg : "");
		else
			text = xasprintf("%s step %zu (%s) %s: %s", run->rb->name, i + 1,
			    rb_kind_name(st->kind), run->text != NULL ? run->text : st->text,
			    msg != NULL ? msg : outcome);
		if (incident_event(run->incident, st->kind == RB_NOTE ? "note" : "step", text,
		    extra, &cause) != 0)
			free(cause);
		json_decref(extra);
		free(text);
	}
	json_decref(params);
}

/* Record how the run ended (text: the line for the timeline) in the audit
 * log and the open incident: its outcome, the failed steps, and the step
 * the run stopped at. */
static void
run_record_end(struct rb_run *run, const char *text)
{
	struct audit_record r;
	char *cause = NULL, *m;
	json_t *params, *extra;
	const char *outcome = run->rc == 0 ? "ok" : run->interrupted ? "interrupted" :
	    run->aborted ? "cancelled" : "failed";

	/* stopped_at: the step the run ended at, 0 before step one or after all */
	params = json_pack("{s:i,s:i,s:i}", "steps", (json_int_t)run->nsteps, "failed",
	    (json_int_t)run->nfailed, "stopped_at", (json_int_t)(run->cur < run->nsteps &&
	    !run->prep_failed ? run->cur + 1 : 0));
	if (run->nfailed > 0)
		json_object_set_new(params, "first_failed",
		    json_integer((json_int_t)(run->first_failed + 1)));
	memset(&r, 0, sizeof r);
	r.verb = "runbook-run";
	r.context = run->cluster_name;
	r.kube_user = run_kube_user(run, run->o.cluster);
	r.kind = "runbook";
	r.ns = run->ns;
	r.name = run->rb->name;
	r.params = params;
	r.dry_run = run->o.dry_run ? "dry run" : NULL;
	r.outcome = outcome;
	r.message = run->summary;
	r.origin = "runbook";
	r.incident = run->incident;
	r.runbook = run->rb->name;
	if (audit_write(&r, &cause) != 0) {
		m = xasprintf("audit log: %s", cause);
		run_message(run, true, m);
		free(m);
		free(cause);
		cause = NULL;
	}
	if (run->incident != NULL) {
		extra = json_pack("{s:s,s:s}", "runbook", run->rb->name, "outcome", outcome);
		if (r.kube_user != NULL)
			json_object_set_new(extra, "kube_user", json_string(r.kube_user));
		json_object_set(extra, "run", params);
		if (incident_event(run->incident, "step", text, extra, &cause) != 0)
			free(cause);
		json_decref(extra);
	}
	json_decref(params);
}

/* Free the run. */
static void
run_free(struct rb_run *run)
{
	size_t i;

	for (i = 0; i < run->nparams; i++) {
		free(run->pvalues[i]);
		free(run->porigin[i]);
	}
	free(run->pvalues);
	free(run->porigin);
	free(run->pgiven);
	free(run->pnames);
	for (i = 0; i < run->nsteps; i++) {
		free(run->steps[i].message);
		free(run->steps[i].text);
		free(run->steps[i].title);
	}
	free(run->steps);
	free(run->summary);
	free(run->kind);
	free(run->ns);
	free(run->name);
	free(run->cluster_name);
	free(run->incident);
	free(run->text);
	cmd_free_argv(run->argc, run->argv);
	free(run->output);
	if (run->have_cond)
		rb_cond_free(&run->cond);
	if (run->o.own_rb)
		runbook_free((struct runbook *)run->rb);
	free(run);
}

/* Free the run if it is over, nothing will call back and nobody holds it. */
static void
run_maybe_free(struct rb_run *run)
{
	if (run->finished && run->inflight == 0 && run->pid <= 0 && run->refs == 0)
		run_free(run);
}

/* Hold the run: it is not freed before runbook_run_unref. */
void
runbook_run_ref(struct rb_run *run)
{
	run->refs++;
}

/* Drop a hold; the run is freed once it is over and nobody holds it. */
void
runbook_run_unref(struct rb_run *run)
{
	if (run == NULL)
		return;
	run->refs--;
	run_maybe_free(run);
}

/* End the run. */
static void
run_finish(struct rb_run *run, int rc, const char *summary)
{
	char *text;

	if (run->finished)
		return;
	run->finished = true;
	run->ended = loop_now();
	run->rc = rc;
	run->summary = xstrdup(summary);
	if (run->timer != NULL) {
		loop_timer_cancel(run->o.loop, run->timer);
		run->timer = NULL;
	}
	text = xasprintf("runbook %s: %s%s (%s)", run->rb->name, rc == 0 ? "" :
	    run->interrupted ? "INTERRUPTED: " : run->aborted ? "ABORTED: " : "FAILED: ", summary,
	    run_clock(run));
	run_message(run, rc != 0, text);
	run_record_end(run, text);
	free(text);
	run_changed(run);
	if (run->o.done != NULL)
		run->o.done(rc, summary, run->o.arg);
	run_maybe_free(run);
}

/* Abort the run. */
void
runbook_run_abort(struct rb_run *run)
{
	char *m;

	if (run->finished || run->aborted)
		return;
	run->aborted = true;
	if (run->pid > 0)
		kill(-run->pid, SIGTERM);
	if (run->cur < run->rb->nsteps && run->steps[run->cur].state == RB_RUNNING) {
		run_set_step(run, run->cur, RB_FAILED, "aborted");
		run_record(run, run->cur, "cancelled", "aborted by the operator");
	}
	m = xasprintf("aborted by the operator at step %zu", run->cur + 1);
	run_finish(run, 1, m);
	free(m);
}

/* The console quits under the run: the current step and the run are
 * recorded as interrupted, with what was done. */
void
runbook_run_interrupt(struct rb_run *run, const char *why)
{
	const char *title;
	size_t i, done = 0;
	char *m;

	if (run->finished)
		return;
	run->interrupted = run->aborted = true;
	if (run->pid > 0)
		kill(-run->pid, SIGTERM);
	for (i = 0; i < run->nsteps; i++) {
		if (run->steps[i].state == RB_OK || run->steps[i].state == RB_SKIPPED)
			done++;
	}
	if (run->cur < run->rb->nsteps && run->steps[run->cur].state == RB_RUNNING) {
		run_set_step(run, run->cur, RB_FAILED, "interrupted");
		run_record(run, run->cur, "interrupted", why);
	}
	if (run->cur < run->rb->nsteps) {
		title = runbook_run_step_title(run, run->cur);
		m = xasprintf("interrupted at step %zu%s%s%s, %zu of %zu steps done: %s",
		    run->cur + 1, title != NULL ? " (" : "", title != NULL ? title : "",
		    title != NULL ? ")" : "", done, run->rb->nsteps, why);
	} else
		m = xasprintf("interrupted: %s", why);
	run_finish(run, 1, m);
	free(m);
}

/* The operator's choice after a failed step. */
static void
run_failure_answered(bool cont, void *arg)
{
	struct rb_run *run = arg;

	run->inflight--;
	run->asking = false;
	if (run->finished) {
		run_maybe_free(run);
		return;
	}
	if (!cont) {
		char *m = xasprintf("stopped after step %zu failed", run->cur + 1);

		run_finish(run, 1, m);
		free(m);
		return;
	}
	run->cur++;
	run_next(run);
}

/* Step finished. */
static void
run_step_done(struct rb_run *run, enum rb_state state, const char *msg)
{
	const struct rb_step *st = &run->rb->steps[run->cur];
	const char *title = runbook_run_step_title(run, run->cur);
	char *text, *q;

	if (run->finished)
		return;
	if (state == RB_FAILED && run->nfailed++ == 0)
		run->first_failed = run->cur;
	if (state == RB_FAILED && st->on_failure != RB_FAIL_CONTINUE)
		run->nfatal++;
	run_set_step(run, run->cur, state, msg != NULL ? msg : rb_state_name(state));
	run_record(run, run->cur, state == RB_OK ? "ok" : state == RB_SKIPPED ? "skipped" :
	    "failed", msg);
	text = xasprintf("[%zu/%zu] %s %s: %s%s%s", run->cur + 1, run->rb->nsteps,
	    rb_kind_name(st->kind), rb_state_name(state), title != NULL ? title : "",
	    title != NULL ? " - " : "", msg != NULL ? msg : "");
	run_message(run, state == RB_FAILED, text);
	free(text);
	if (state == RB_FAILED && st->on_failure == RB_FAIL_CONTINUE) {
		run_message(run, false, "on-failure: continue; going on with the next step");
		run->cur++;
		run_next(run);
		return;
	}
	if (state == RB_FAILED) {
		if (st->on_failure == RB_FAIL_ASK && run->o.ask_on_failure &&
		    run->o.ui_ops != NULL &&
		    run->o.ui_ops->confirm != NULL) {
			q = xasprintf("Step %zu of %s failed: %s\nContinue with step %zu anyway?",
			    run->cur + 1, run->rb->name, msg != NULL ? msg : "failed",
			    run->cur + 2);
			run->inflight++;
			run->asking = true;
			run_changed(run);
			run->o.ui_ops->confirm(run->o.ui, "runbook step failed", q, NULL,
			    run_failure_answered, run);
			free(q);
			return;
		}
		text = xasprintf("failed at step %zu%s%s%s: %s", run->cur + 1,
		    title != NULL ? " (" : "", title != NULL ? title : "",
		    title != NULL ? ")" : "", msg != NULL ? msg : "failed");
		run_finish(run, 1, text);
		free(text);
		return;
	}
	run->cur++;
	run_next(run);
}

/*
 * Conditions.
 */

/* State of one evaluation. */
struct cond_eval {
	const struct rb_cond	*c;
	void			(*done)(int, double, const char *, void *);
	void			*arg;
	char			*measure;
	struct client		*client;	/* a deployment's own reads */
	size_t			 cluster;
	json_t			*deploy;	/* the deployment read, or NULL */
	json_t			*rsl;		/* its namespace's ReplicaSet list */
};

/* A number at a dotted path ("status.readyReplicas"), or def. */
static double
obj_number(json_t *obj, const char *path, double def)
{
	char *p = xstrdup(path), *tok, *save = NULL;
	json_t *o = obj;

	for (tok = strtok_r(p, ".", &save); tok != NULL; tok = strtok_r(NULL, ".", &save))
		o = json_object_get(o, tok);
	free(p);
	if (json_is_number(o))
		return json_number_value(o);
	if (json_is_string(o))
		return rb_cell_number(json_string_value(o)) >= 0 ?
		    rb_cell_number(json_string_value(o)) : def;
	if (json_is_true(o))
		return 1;
	return def;
}

/* Unix seconds of an RFC 3339 UTC timestamp ("...Z"), or 0. */
static int64_t
run_parse_time(const char *s)
{
	struct tm tm;

	memset(&tm, 0, sizeof tm);
	if (s == NULL || sscanf(s, "%d-%d-%dT%d:%d:%d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
	    &tm.tm_hour, &tm.tm_min, &tm.tm_sec) != 6)
		return 0;
	tm.tm_year -= 1900;
	tm.tm_mon--;
	return (int64_t)timegm(&tm);
}

/* Is a pod failing (crash loop, image pull, failed)? */
static bool
pod_bad(json_t *pod)
{
	const char *phase = json_string_value(json_object_get(json_object_get(pod, "status"),
	    "phase"));
	json_t *cs;
	size_t i;
	const char *reason;

	if (phase != NULL && strcmp(phase, "Failed") == 0)
		return true;
	json_array_foreach(json_object_get(json_object_get(pod, "status"), "containerStatuses"),
	    i, cs) {
		reason = json_string_value(json_object_get(json_object_get(json_object_get(cs,
		    "state"), "waiting"), "reason"));
		if (reason != NULL && (strcmp(reason, "CrashLoopBackOff") == 0 ||
		    strcmp(reason, "ImagePullBackOff") == 0 || strcmp(reason, "ErrImagePull") == 0 ||
		    strcmp(reason, "CreateContainerConfigError") == 0))
			return true;
	}
	return false;
}

/* The value of measure over one item of resource. */
static double
item_measure(const char *resource, const char *m, json_t *it, int64_t now)
{
	const char *phase = json_string_value(json_object_get(json_object_get(it, "status"),
	    "phase"));
	bool workload = strcmp(resource, "deployments") == 0 ||
	    strcmp(resource, "statefulsets") == 0 || strcmp(resource, "replicasets") == 0;
	double want, ready;

	if (strcmp(m, "count") == 0)
		return 1;
	if (strcmp(m, "not-ready") == 0) {
		if (workload || strcmp(resource, "rollouts") == 0) {
			want = obj_number(it, "spec.replicas", 1);
			ready = obj_number(it, "status.readyReplicas", 0);
			return want > ready ? want - ready : 0;
		}
		if (strcmp(resource, "pods") == 0)
			return (phase != NULL && strcmp(phase, "Succeeded") == 0) ||
			    json_condition_true(it, "Ready") ? 0 : 1;
		if (strcmp(resource, "nodes") == 0)
			return json_condition_true(it, "Ready") ? 0 : 1;
		return 0;
	}
	if (strcmp(m, "firing") == 0 || strcmp(m, "active") == 0) {
		/* an alert firing, a silence in force: Alertmanager's "active" */
		const char *st = json_string_value(json_object_get(json_object_get(it, "status"),
		    "state"));

		return st != NULL && strcmp(st, "active") == 0 ? 1 : 0;
	}
	if (strcmp(m, "bad") == 0) {
		if (strcmp(resource, "pods") == 0)
			return pod_bad(it) ? 1 : 0;
		if (strcmp(resource, "nodes") == 0)
			return json_condition_true(it, "Ready") ? 0 : 1;
		if (strcmp(resource, "backups") == 0 || strcmp(resource, "restores") == 0)
			return phase != NULL && (strcmp(phase, "Failed") == 0 ||
			    strcmp(phase, "PartiallyFailed") == 0 ||
			    strcmp(phase, "FailedValidation") == 0) ? 1 : 0;
		if (strcmp(resource, "jobs") == 0)
			return json_condition_true(it, "Failed") ? 1 : 0;
		if (workload) {
			json_t *c;
			size_t i;
			const char *r;

			json_array_foreach(json_object_get(json_object_get(it, "status"),
			    "conditions"), i, c) {
				r = json_string_value(json_object_get(c, "reason"));
				if (r != NULL && strcmp(r, "ProgressDeadlineExceeded") == 0)
					return 1;
			}
		}
		return 0;
	}
	if (strcmp(m, "restarted-age") == 0) {
		/* seconds since a rollout restart (kubectl's annotation on the
		 * pod template); never restarted: a very large age */
		int64_t t = run_parse_time(json_string_value(json_object_get(json_object_get(
		    json_object_get(json_object_get(json_object_get(it, "spec"), "template"),
		    "metadata"), "annotations"), "kubectl.kubernetes.io/restartedAt")));

		return t > 0 ? (double)(now - t) : 1e12;
	}
	if (strcmp(m, "rollout-pending") == 0 && workload) {
		/* what `kubectl rollout status` waits for: the spec observed,
		 * every replica updated, no old one left, the updated available */
		double spec = obj_number(it, "spec.replicas", 1);
		double updated = obj_number(it, "status.updatedReplicas", 0);
		double total = obj_number(it, "status.replicas", 0);
		double avail = obj_number(it, "status.availableReplicas", 0);
		double n = 0;

		if (obj_number(it, "status.observedGeneration", 0) <
		    obj_number(it, "metadata.generation", 0))
			n += 1;
		n += spec > updated ? spec - updated : 0;
		n += total > updated ? total - updated : 0;
		n += updated > avail ? updated - avail : 0;
		return n;
	}
	if (strcmp(resource, "virtualservices") == 0 && (strcmp(m, "canary-weight") == 0 ||
	    strcmp(m, "stable-weight") == 0 || strcmp(m, "split-total") == 0)) {
		/* the first route split between stable and canary; none: -1 */
		json_t *route, *stable, *canary;
		size_t i;

		json_array_foreach(json_path(it, "spec.http"), i, route) {
			if (!actions_vs_split(route, &stable, &canary))
				continue;
			if (strcmp(m, "canary-weight") == 0)
				return obj_number(canary, "weight", 0);
			if (strcmp(m, "stable-weight") == 0)
				return obj_number(stable, "weight", 0);
			return obj_number(canary, "weight", 0) + obj_number(stable, "weight", 0);
		}
		return -1;
	}
	if (strcmp(resource, "endpoints") == 0 && (strcmp(m, "addresses") == 0 ||
	    strncmp(m, "addresses-of:", 13) == 0 || strncmp(m, "addresses-not-of:", 17) == 0)) {
		/* ready addresses, or those whose pod is (not) named PREFIX-... */
		const char *prefix = strchr(m, ':') != NULL ? strchr(m, ':') + 1 : NULL;
		const char *pod;
		json_t *sub, *a;
		size_t i, j, pl = prefix != NULL ? strlen(prefix) : 0;
		double n = 0;
		bool of, want_of = strncmp(m, "addresses-of:", 13) == 0;

		json_array_foreach(json_object_get(it, "subsets"), i, sub) {
			json_array_foreach(json_object_get(sub, "addresses"), j, a) {
				pod = json_path_str(a, "targetRef.name");
				of = prefix != NULL && pod != NULL && strncmp(pod, prefix, pl) == 0 &&
				    pod[pl] == '-';
				if (prefix == NULL || of == want_of)
					n++;
			}
		}
		return n;
	}
	if (strcmp(m, "completed") == 0)
		return phase != NULL && strcmp(phase, "Completed") == 0 ? 1 : 0;
	if (strcmp(m, "finished") == 0)
		return phase != NULL && (strcmp(phase, "Completed") == 0 ||
		    strcmp(phase, "PartiallyFailed") == 0 || strcmp(phase, "Failed") == 0 ||
		    strcmp(phase, "FailedValidation") == 0) ? 1 : 0;
	if (strcmp(m, "available") == 0)
		return obj_number(it, "status.availableReplicas", 0);
	if (strcmp(m, "ready") == 0)
		return obj_number(it, "status.readyReplicas", 0);
	if (strcmp(m, "replicas") == 0 || strcmp(m, "desired") == 0) {
		if (strcmp(resource, "horizontalpodautoscalers") == 0)
			return obj_number(it, "status.desiredReplicas", 0);
		return obj_number(it, "spec.replicas", 1);
	}
	if (strcmp(m, "updated") == 0 || strcmp(m, "up-to-date") == 0)
		return obj_number(it, "status.updatedReplicas", 0);
	if (strcmp(m, "current") == 0)
		return obj_number(it, "status.currentReplicas", 0);
	if (strcmp(m, "min") == 0)
		return obj_number(it, "spec.minReplicas", 1);
	if (strcmp(m, "max") == 0)
		return obj_number(it, "spec.maxReplicas", 0);
	if (strcmp(m, "restarts") == 0) {
		json_t *cs;
		size_t i;
		double n = 0;

		json_array_foreach(json_object_get(json_object_get(it, "status"),
		    "containerStatuses"), i, cs)
			n += obj_number(cs, "restartCount", 0);
		return n;
	}
	return obj_number(it, m, 0);
}

/* The text at a dotted path ("spec.selector.color") for a filter: a
 * string as it is, true/false, an integer in decimal; NULL otherwise. */
static const char *
obj_text(json_t *obj, const char *path, char *buf, size_t len)
{
	char *p = xstrdup(path), *tok, *save = NULL;
	json_t *o = obj;

	for (tok = strtok_r(p, ".", &save); tok != NULL; tok = strtok_r(NULL, ".", &save))
		o = json_object_get(o, tok);
	free(p);
	if (json_is_string(o))
		return json_string_value(o);
	if (json_is_boolean(o))
		return json_is_true(o) ? "true" : "false";
	if (json_is_integer(o)) {
		snprintf(buf, len, "%lld", (long long)json_integer_value(o));
		return buf;
	}
	return NULL;
}

/* Does an Alertmanager silence match the condition? Its name is the
 * silence's id; a filter status.state=… or createdBy=… is that field, any
 * other k=v an equality matcher of the silence (k="v", not a regex). */
static bool
silence_matches(const struct rb_cond *c, json_t *s)
{
	json_t *m;
	const char *v;
	size_t i, j;
	bool found;

	if (c->name != NULL && ((v = json_string_value(json_object_get(s, "id"))) == NULL ||
	    strcmp(v, c->name) != 0))
		return false;
	for (i = 0; i < c->nfilters; i++) {
		if (strcmp(c->keys[i], "status.state") == 0 ||
		    strcmp(c->keys[i], "createdBy") == 0) {
			v = strcmp(c->keys[i], "createdBy") == 0 ?
			    json_string_value(json_object_get(s, "createdBy")) :
			    json_string_value(json_object_get(json_object_get(s, "status"),
			    "state"));
			if (v == NULL || strcmp(v, c->values[i]) != 0)
				return false;
			continue;
		}
		found = false;
		json_array_foreach(json_object_get(s, "matchers"), j, m) {
			v = json_string_value(json_object_get(m, "value"));
			if (json_is_true(json_object_get(m, "isRegex")) ||
			    json_is_false(json_object_get(m, "isEqual")) || v == NULL ||
			    strcmp(v, c->values[i]) != 0 ||
			    (v = json_string_value(json_object_get(m, "name"))) == NULL ||
			    strcmp(v, c->keys[i]) != 0)
				continue;
			found = true;
		}
		if (!found)
			return false;
	}
	return true;
}

/* Does item match the condition's name and filters? A filter key under
 * spec., status. or metadata. is a path into the object
 * (spec.selector.color=green); other keys are labels. */
static bool
item_matches(const struct rb_cond *c, json_t *it, bool am)
{
	json_t *md = json_object_get(it, "metadata");
	json_t *labels = am ? json_object_get(it, "labels") : json_object_get(md, "labels");
	const char *v;
	char num[32];
	size_t i;

	if (c->name != NULL) {
		v = am ? json_string_value(json_object_get(labels, "alertname")) :
		    json_string_value(json_object_get(md, "name"));
		if (v == NULL || strcmp(v, c->name) != 0)
			return false;
	}
	for (i = 0; i < c->nfilters; i++) {
		if (strcmp(c->keys[i], "namespace") == 0 && !am)
			v = json_string_value(json_object_get(md, "namespace"));
		else if (strcmp(c->keys[i], "name") == 0 && !am)
			v = json_string_value(json_object_get(md, "name"));
		else if (!am && (strncmp(c->keys[i], "spec.", 5) == 0 ||
		    strncmp(c->keys[i], "status.", 7) == 0 ||
		    strncmp(c->keys[i], "metadata.", 9) == 0))
			v = obj_text(it, c->keys[i], num, sizeof num);
		else
			v = json_string_value(json_object_get(labels, c->keys[i]));
		if (v == NULL || strcmp(v, c->values[i]) != 0)
			return false;
	}
	return true;
}

/* Finish an evaluation. */
static void
cond_done(struct cond_eval *ce, int result, double value, const char *msg)
{
	ce->done(result, value, msg, ce->arg);
	free(ce->measure);
	json_decref(ce->deploy);
	json_decref(ce->rsl);
	free(ce);
}

/*
 * Measures of a deployment's rollout that need its ReplicaSets and pods:
 * on-revision:N (1 when the deployment's pod template is the one revision
 * N had: a rollback landed) and crashing (pods of the ReplicaSet running
 * the deployment's template that crash-loop, fail or exited with an
 * error).
 */

/* Does measure m need the deployment's ReplicaSets? */
static bool
cond_rollout_measure(const char *m)
{
	return strncmp(m, "on-revision:", 12) == 0 || strcmp(m, "crashing") == 0;
}

/* Has a pod crashed: failing as pod_bad says, or a container that exited
 * with an error and has not started again? */
static bool
pod_crashing(json_t *pod)
{
	json_t *cs;
	size_t i;

	if (pod_bad(pod))
		return true;
	json_array_foreach(json_path(pod, "status.containerStatuses"), i, cs) {
		if (json_path_int(cs, "state.terminated.exitCode", 0) != 0)
			return true;
	}
	return false;
}

/* The measure, from ce->deploy, ce->rsl and the pods (or NULL). */
static void
cond_rollout_measured(struct cond_eval *ce, json_t *pods)
{
	const struct rb_cond *c = ce->c;
	json_t *rs = actions_current_rs(ce->deploy, json_object_get(ce->rsl, "items")), *p, *ref;
	const char *uid = json_path_str(rs, "metadata.uid"), *rsname;
	double v = 0;
	char *msg, *end;
	size_t i, j;
	long want;

	rsname = rs != NULL ? json_path_str(rs, "metadata.name") : NULL;
	if (strcmp(c->measure, "crashing") == 0 && rs == NULL) {
		/* nothing runs the template: not "none crashing" (a wait waits) */
		cond_done(ce, -1, 0, "no ReplicaSet runs the deployment's template yet");
		return;
	}
	if (strcmp(c->measure, "crashing") == 0) {
		json_array_foreach(json_object_get(pods, "items"), i, p) {
			json_array_foreach(json_path(p, "metadata.ownerReferences"), j, ref) {
				if (uid != NULL && json_path_str(ref, "uid") != NULL &&
				    strcmp(json_path_str(ref, "uid"), uid) == 0 && pod_crashing(p))
					v++;
			}
		}
		msg = xasprintf("pods of %s crashing = %g (want %s %g)",
		    rsname != NULL ? rsname : "?", v, rb_op_name(c->op), c->value);
	} else {
		want = strtol(c->measure + 12, &end, 10);
		v = rs != NULL && *end == '\0' && actions_rs_had_revision(rs, want) ? 1 : 0;
		msg = xasprintf("the template is %srevision %ld's (%s%s%s)", v > 0 ? "" : "not ",
		    want, rsname != NULL ? "ReplicaSet " : "no ReplicaSet runs it yet",
		    rsname != NULL ? rsname : "", rsname != NULL && v == 0 ?
		    ", another revision" : "");
	}
	cond_done(ce, rb_op_eval(c->op, v, c->value) ? 1 : 0, v, msg);
	free(msg);
}

/* Fail an evaluation with a read's error. */
static void
cond_read_failed(struct cond_eval *ce, const char *what, const struct client_response *r)
{
	char *err = client_response_error(r), *msg;

	msg = xasprintf("cannot read %s: %s", what, err);
	cond_done(ce, -1, 0, msg);
	free(msg);
	free(err);
}

/* The namespace's pods came back. */
static void
cond_rollout_pods(const struct client_response *r, void *arg)
{
	struct cond_eval *ce = arg;
	json_t *o;

	if (r->error != NULL || r->status < 200 || r->status >= 300) {
		cond_read_failed(ce, "pods", r);
		return;
	}
	o = json_loadb(r->body, r->len, 0, NULL);
	cond_rollout_measured(ce, o);
	json_decref(o);
}

/* The namespace's ReplicaSets came back: the pods next, if needed. */
static void
cond_rollout_rsl(const struct client_response *r, void *arg)
{
	struct cond_eval *ce = arg;
	char *path;

	if (r->error != NULL || r->status < 200 || r->status >= 300) {
		cond_read_failed(ce, "replicasets", r);
		return;
	}
	ce->rsl = json_loadb(r->body, r->len, 0, NULL);
	if (strcmp(ce->c->measure, "crashing") != 0) {
		cond_rollout_measured(ce, NULL);
		return;
	}
	path = actions_path("pods", ce->c->ns, NULL);
	client_request(ce->client, ce->cluster, "GET", path, NULL, NULL, cond_rollout_pods, ce);
	free(path);
}

/* The deployment came back: its namespace's ReplicaSets next. */
static void
cond_rollout_deploy(const struct client_response *r, void *arg)
{
	struct cond_eval *ce = arg;
	char *path;

	if (r->error != NULL || r->status < 200 || r->status >= 300) {
		cond_read_failed(ce, "deployments", r);
		return;
	}
	ce->deploy = json_loadb(r->body, r->len, 0, NULL);
	path = actions_path("replicasets", ce->c->ns, NULL);
	client_request(ce->client, ce->cluster, "GET", path, NULL, NULL, cond_rollout_rsl, ce);
	free(path);
}

/* Items of a list came back: measure. */
static void
cond_listed(const struct client_response *r, void *arg)
{
	struct cond_eval *ce = arg;
	const struct rb_cond *c = ce->c;
	bool am = strcmp(c->resource, "alerts") == 0;
	bool silences = strcmp(c->resource, "silences") == 0;
	json_t *o = NULL, *items, *it;
	double total = 0, newest = -1;
	char *err, *msg;
	size_t i;
	int64_t now = (int64_t)time(NULL);

	if (r->status == 404 && c->name != NULL && !am && !silences) {
		items = json_array();	/* the named object does not exist */
		o = items;
	} else if (r->error != NULL || r->status < 200 || r->status >= 300) {
		err = client_response_error(r);
		msg = xasprintf("cannot read %s: %s", c->resource, err);
		cond_done(ce, -1, 0, msg);
		free(msg);
		free(err);
		return;
	} else {
		o = json_loadb(r->body, r->len, 0, NULL);
		if (json_is_array(o))
			items = o;
		else if (json_is_array(json_object_get(o, "items")))
			items = json_object_get(o, "items");
		else if (json_is_object(o) && c->name != NULL) {
			items = json_array();
			json_array_append(items, o);
			json_decref(o);
			o = items;
		} else {
			json_decref(o);
			cond_done(ce, -1, 0, "malformed list");
			return;
		}
	}
	json_array_foreach(items, i, it) {
		if (silences ? !silence_matches(c, it) : !item_matches(c, it, am))
			continue;
		if (strcmp(c->measure, "newest-age") == 0) {
			const char *ph = json_string_value(json_object_get(json_object_get(it,
			    "status"), "phase"));
			const char *ts = json_string_value(json_object_get(json_object_get(it,
			    "status"), "completionTimestamp"));
			int64_t t;

			if (ph == NULL || strcmp(ph, "Completed") != 0 || ts == NULL)
				continue;
			t = run_parse_time(ts);
			if (t > 0 && (newest < 0 || (double)(now - t) < newest))
				newest = (double)(now - t);
			continue;
		}
		total += item_measure(c->resource, c->measure, it, now);
	}
	json_decref(o);
	if (strcmp(c->measure, "newest-age") == 0)
		total = newest < 0 ? 1e12 : newest;
	msg = xasprintf("%s %s = %g (want %s %g)", c->resource, c->measure, total,
	    rb_op_name(c->op), c->value);
	cond_done(ce, rb_op_eval(c->op, total, c->value) ? 1 : 0, total, msg);
	free(msg);
}

/* A Prometheus answer came back. */
static void
cond_prom(const struct client_response *r, void *arg)
{
	struct cond_eval *ce = arg;
	json_t *o, *res, *val;
	double v = 0;
	char *err, *msg;
	const char *s;

	if (r->error != NULL || r->status < 200 || r->status >= 300) {
		err = client_response_error(r);
		msg = xasprintf("prometheus: %s", err);
		cond_done(ce, -1, 0, msg);
		free(msg);
		free(err);
		return;
	}
	o = json_loadb(r->body, r->len, 0, NULL);
	res = json_object_get(json_object_get(o, "data"), "result");
	val = json_object_get(json_array_get(res, 0), "value");
	s = json_string_value(json_array_get(val, 1));
	if (s != NULL)
		v = strtod(s, NULL);
	else if (json_is_array(json_object_get(json_object_get(o, "data"), "result")) == 0) {
		json_decref(o);
		cond_done(ce, -1, 0, "prometheus: malformed answer");
		return;
	}
	json_decref(o);
	msg = xasprintf("query = %g (want %s %g)", v, rb_op_name(ce->c->op), ce->c->value);
	cond_done(ce, rb_op_eval(ce->c->op, v, ce->c->value) ? 1 : 0, v, msg);
	free(msg);
}

/* Evaluate a condition against live state. */
void
rb_cond_eval(struct client *client, size_t cluster, const struct rb_cond *c,
    void (*done)(int, double, const char *, void *), void *arg)
{
	struct cond_eval *ce = xcalloc(1, sizeof *ce);
	char *path, *q;

	ce->c = c;
	ce->done = done;
	ce->arg = arg;
	if (c->prom) {
		q = http_query_add(xstrdup("/api/v1/query"), "query", c->query);
		client_prom_request(client, cluster, q, cond_prom, ce);
		free(q);
		return;
	}
	if (strcmp(c->resource, "alerts") == 0 || strcmp(c->resource, "silences") == 0) {
		path = xasprintf("/api/v2/%s", c->resource);
		client_am_request(client, cluster, "GET", path, NULL, NULL, cond_listed, ce);
		free(path);
		return;
	}
	if (strcmp(c->resource, "deployments") == 0 && cond_rollout_measure(c->measure)) {
		if (c->ns == NULL || c->name == NULL) {
			q = xasprintf("%s is a measure of one deployment "
			    "(deployments/NAMESPACE/NAME)", c->measure);
			cond_done(ce, -1, 0, q);
			free(q);
			return;
		}
		ce->client = client;
		ce->cluster = cluster;
		path = actions_path(c->resource, c->ns, c->name);
		client_request(client, cluster, "GET", path, NULL, NULL, cond_rollout_deploy, ce);
		free(path);
		return;
	}
	path = actions_path(c->resource, c->ns, c->name);
	if (path == NULL && kind_find_api("", c->resource) != NULL && c->ns != NULL &&
	    kind_find_api("", c->resource)->namespaced) {
		/* a core kind the console does not list (endpoints) */
		path = xasprintf("/api/v1/namespaces/%s/%s%s%s", c->ns, c->resource,
		    c->name != NULL ? "/" : "", c->name != NULL ? c->name : "");
	}
	if (path == NULL) {
		q = xasprintf("unknown resource '%s'", c->resource);
		cond_done(ce, -1, 0, q);
		free(q);
		return;
	}
	client_request(client, cluster, "GET", path, NULL, NULL, cond_listed, ce);
	free(path);
}

/*
 * Steps.
 */

static void	run_wait_poll(void *);

/* A condition evaluated for a check or wait step. */
static void
run_cond_done(int result, double value, const char *msg, void *arg)
{
	struct rb_run *run = arg;
	const struct rb_step *st;

	run->inflight--;
	if (run->finished) {
		run_maybe_free(run);
		return;
	}
	st = &run->rb->steps[run->cur];
	if (result == 1 && st->kind == RB_WAIT && st->steady > 0 && !run->o.dry_run) {
		/* true, and must stay true for st->steady seconds */
		char *m;

		if (run->held_since < 0)
			run->held_since = loop_now();
		if (loop_now() - run->held_since >= st->steady) {
			m = xasprintf("%s, for %.0fs", msg, loop_now() - run->held_since);
			run_step_done(run, RB_OK, m);
			free(m);
			return;
		}
		if (loop_now() >= run->deadline) {
			m = xasprintf("timed out after %.0fs: held %.0fs of %.0fs: %s",
			    run_wait_limit(st->timeout), loop_now() - run->held_since, st->steady,
			    msg);
			run_step_done(run, RB_FAILED, m);
			free(m);
			return;
		}
		m = xasprintf("%s, held %.0fs of %.0fs", msg, loop_now() - run->held_since,
		    st->steady);
		run_set_step(run, run->cur, RB_RUNNING, m);
		free(m);
		run->timer = loop_timer_add(run->o.loop, st->interval, run_wait_poll, run);
		return;
	}
	if (result == 1) {
		run_step_done(run, RB_OK, msg);
		return;
	}
	run->held_since = -1;
	if (st->kind == RB_WAIT && run->o.dry_run) {
		char *m = xasprintf("dry run: would wait (now %s)", msg);

		run_step_done(run, RB_SKIPPED, m);
		free(m);
		return;
	}
	if (st->kind == RB_CHECK) {
		run_step_done(run, RB_FAILED, msg);
		return;
	}
	/* wait: until true or the deadline; errors count as not yet. */
	if (loop_now() >= run->deadline) {
		char *m = xasprintf("timed out after %.0fs: %s", run_wait_limit(st->timeout), msg);

		run_step_done(run, RB_FAILED, m);
		free(m);
		return;
	}
	run_set_step(run, run->cur, RB_RUNNING, msg);
	run->timer = loop_timer_add(run->o.loop, st->interval, run_wait_poll, run);
}

/* Evaluate the current condition once. */
static void
run_wait_poll(void *arg)
{
	struct rb_run *run = arg;

	run->timer = NULL;
	run->inflight++;
	rb_cond_eval(run->o.client, run->step_cluster, &run->cond, run_cond_done, run);
}

/* The action batch of an action step finished. */
static void
run_action_done(const char *outcome, const char *message, void *arg)
{
	struct rb_run *run = arg;
	char *m;

	run->inflight--;
	if (run->finished) {
		run_maybe_free(run);
		return;
	}
	if (strcmp(outcome, "ok") == 0 || strcmp(outcome, "skipped") == 0) {
		run_step_done(run, strcmp(outcome, "ok") == 0 ? RB_OK : RB_SKIPPED, message);
		return;
	}
	m = xasprintf("%s: %s", outcome, message);
	run_step_done(run, RB_FAILED, m);
	free(m);
}

/* Run the current step's command through the command table. */
static void
run_action(struct rb_run *run)
{
	struct cmd_target t;
	struct cmd_ctx ctx;
	char *cause = NULL, *m;
	int rc;

	memset(&t, 0, sizeof t);
	t.cluster = run->o.cluster;
	t.resource = run->kind;
	t.ns = run->ns;
	t.name = run->name;
	memset(&ctx, 0, sizeof ctx);
	ctx.origin = CMD_FROM_RUNBOOK;
	ctx.client = run->o.client;
	ctx.store = run->o.store;
	ctx.targets = run->kind != NULL && run->name != NULL ? &t : NULL;
	ctx.ntargets = ctx.targets != NULL ? 1 : 0;
	ctx.read_only = run->o.read_only;
	ctx.incident_id = run->incident;
	ctx.ui_ops = run->o.ui_ops;
	ctx.ui = run->o.ui;
	ctx.done = run_action_done;
	ctx.done_arg = run;
	run->inflight++;
	rc = cmd_execute_argv(&ctx, run->argc, run->argv, &cause);
	if (!ctx.started) {
		run->inflight--;
		if (rc != 0) {
			m = xasprintf("%s", cause != NULL ? cause : "failed");
			run_step_done(run, RB_FAILED, m);
			free(m);
		} else
			run_step_done(run, RB_OK, "done");
	} else if (rc != 0) {
		/* Claimed but failed: the batch still reports through its callback. */
		m = xasprintf("%s", cause != NULL ? cause : "failed");
		run_message(run, true, m);
		free(m);
	}
	free(cause);
}

/* Reachability probe for on-unreachable: skip. */
static void
run_probed(const struct client_response *r, void *arg)
{
	struct rb_run *run = arg;
	char *m;

	run->inflight--;
	if (run->finished) {
		run_maybe_free(run);
		return;
	}
	if (r->error != NULL || r->status == 0) {
		m = xasprintf("skipped: %s is unreachable (%s)",
		    store_cluster(run->o.store, run->step_cluster)->name,
		    r->error != NULL ? r->error : "no answer");
		run_step_done(run, RB_SKIPPED, m);
		free(m);
		return;
	}
	run_action(run);
}

/* Collect exec output; on EOF reap the child. */
static void	run_exec_reap(void *);
static void	run_confirmed(bool, void *);

/* Output from the exec'd command. */
static void
run_exec_read(int fd, short revents, void *arg)
{
	struct rb_run *run = arg;
	char buf[4096];
	ssize_t n;

	n = read(fd, buf, sizeof buf);
	if (n > 0) {
		if (run->outlen + (size_t)n <= RUN_OUTPUT_MAX) {
			run->output = xrealloc(run->output, run->outlen + (size_t)n + 1);
			memcpy(run->output + run->outlen, buf, (size_t)n);
			run->outlen += (size_t)n;
			run->output[run->outlen] = '\0';
		}
		return;
	}
	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return;
	loop_remove_fd(run->o.loop, fd);
	close(fd);
	run->fd = -1;
	run_exec_reap(run);
}

/* Wait for the child without blocking (polls until it is gone). */
static void
run_exec_reap(void *arg)
{
	struct rb_run *run = arg;
	int status;
	pid_t p;
	char *m, *out, *line, *save = NULL;

	run->exec_timer = NULL;
	p = waitpid(run->pid, &status, WNOHANG);
	if (p == 0) {
		if (loop_now() > run->deadline && run->fd == -1)
			kill(-run->pid, SIGKILL);
		run->exec_timer = loop_timer_add(run->o.loop, 0.05, run_exec_reap, run);
		return;
	}
	run->pid = 0;
	run->inflight--;
	if (run->finished) {
		run_maybe_free(run);
		return;
	}
	if (run->output != NULL) {
		out = xstrdup(run->output);
		for (line = strtok_r(out, "\n", &save); line != NULL; line = strtok_r(NULL, "\n", &save)) {
			m = xasprintf("  | %s", line);
			run_message(run, false, m);
			free(m);
		}
		free(out);
	}
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
		m = xasprintf("exit 0%s%s", run->output != NULL ? ": " : "",
		    run->output != NULL ? run->output : "");
		m[strcspn(m, "\n")] = '\0';
		run_step_done(run, RB_OK, m);
	} else {
		m = xasprintf("%s%s", term_status(status),
		    !WIFEXITED(status) && loop_now() > run->deadline ? " (timed out)" : "");
		run_step_done(run, RB_FAILED, m);
	}
	free(m);
}

/* The exec timed out: kill its process group. */
static void
run_exec_timeout(void *arg)
{
	struct rb_run *run = arg;

	run->timer = NULL;
	if (run->pid > 0)
		kill(-run->pid, SIGTERM);
}

/* Start the current exec step's argument vector, output captured. No
 * shell: argv[0] is looked up in PATH and every word is one argument. */
static void
run_exec_start(struct rb_run *run)
{
	struct audit_record r;
	json_t *params;
	int fds[2], devnull, rc;
	pid_t pid;
	char *m, *line, *cause = NULL;

	/* Write-ahead: the command is on disk before it runs; if it cannot
	 * be recorded it does not run. */
	run_audit_record(run, run->cur, &r, &params);
	line = cmd_quote_argv(run->argc, run->argv);
	rc = audit_intent(&r, "EXEC", line, NULL, run->exec_intent, &cause);
	free(line);
	json_decref(params);
	if (rc != 0) {
		run->exec_intent[0] = '\0';
		m = xasprintf("not run: audit log: %s", cause);
		free(cause);
		run_step_done(run, RB_FAILED, m);
		free(m);
		return;
	}
	m = xasprintf("exec: %s", run->text);
	run_message(run, false, m);
	free(m);
	if (pipe2(fds, O_CLOEXEC) != 0) {
		run_step_done(run, RB_FAILED, strerror(errno));
		return;
	}
	pid = fork();
	if (pid < 0) {
		close(fds[0]);
		close(fds[1]);
		run_step_done(run, RB_FAILED, strerror(errno));
		return;
	}
	if (pid == 0) {
		setpgid(0, 0);
		devnull = open("/dev/null", O_RDONLY);
		if (devnull >= 0)
			dup2(devnull, 0);
		dup2(fds[1], 1);
		dup2(fds[1], 2);
		execvp(run->argv[0], run->argv);
		dprintf(2, "cannot run %s: %s\n", run->argv[0], strerror(errno));
		_exit(127);
	}
	setpgid(pid, pid);
	close(fds[1]);
	fcntl(fds[0], F_SETFL, fcntl(fds[0], F_GETFL) | O_NONBLOCK);
	run->pid = pid;
	run->fd = fds[0];
	free(run->output);
	run->output = NULL;
	run->outlen = 0;
	run->inflight++;
	run->deadline = loop_now() + run->rb->steps[run->cur].timeout;
	run->timer = loop_timer_add(run->o.loop, run->rb->steps[run->cur].timeout,
	    run_exec_timeout, run);
	loop_add_fd(run->o.loop, fds[0], POLLIN, run_exec_read, run);
}

/* The question for an exec step: the exact argument vector, one word a
 * line, as it will be passed (new). */
char *
runbook_exec_preview(int argc, char *const *argv)
{
	char *line = cmd_quote_argv(argc, argv), *s, *n;
	int a;

	s = xasprintf("run this command, without a shell, %d argument%s:\n  %s\n", argc,
	    argc == 1 ? "" : "s", line);
	free(line);
	for (a = 0; a < argc; a++) {
		line = cmd_quote_argv(1, &argv[a]);
		n = xasprintf("%s  [%d] %s\n", s, a, line);
		free(line);
		free(s);
		s = n;
	}
	return s;
}

/* The current exec step: every one is confirmed with its argument vector
 * shown, so no command runs before the operator has seen it. */
static void
run_exec(struct rb_run *run)
{
	char *title, *preview;

	if (run->o.ui_ops == NULL || run->o.ui_ops->confirm == NULL) {
		run_step_done(run, RB_FAILED, "nobody to confirm the command");
		return;
	}
	run->inflight++;
	run->asking = true;
	run_changed(run);
	title = xasprintf("runbook %s, step %zu: run a command", run->rb->name, run->cur + 1);
	preview = runbook_exec_preview(run->argc, run->argv);
	run->o.ui_ops->confirm(run->o.ui, title, preview, NULL, run_confirmed, run);
	free(preview);
	free(title);
}

/* A confirm step, or an exec step's question, answered. */
static void
run_confirmed(bool ok, void *arg)
{
	struct rb_run *run = arg;

	run->inflight--;
	run->asking = false;
	if (run->finished) {
		run_maybe_free(run);
		return;
	}
	if (!ok) {
		run_set_step(run, run->cur, RB_FAILED, "declined");
		run_record(run, run->cur, "cancelled", "declined by the operator");
		run_finish(run, 1, run->rb->steps[run->cur].kind == RB_EXEC ?
		    "stopped: the operator declined to run the command" :
		    "stopped: the operator declined to continue");
		return;
	}
	if (run->rb->steps[run->cur].kind == RB_EXEC)
		run_exec_start(run);
	else
		run_step_done(run, RB_OK, "confirmed");
}

/* The cluster a step runs on: its context template, the condition's
 * @CONTEXT, an @CONTEXT in an action, else the target's. */
static int
run_step_cluster(struct rb_run *run, const struct rb_step *st, size_t *cluster, char **cause)
{
	const char *name = NULL;
	char *ctx = NULL;
	size_t c;
	int a, rc = -1;

	*cluster = run->o.cluster;
	if (st->context != NULL) {
		ctx = run_expand(run, st->context, cause);
		if (ctx == NULL)
			return -1;
		name = ctx;
	} else if (run->have_cond && run->cond.context != NULL)
		name = run->cond.context;
	else if (st->kind == RB_ACTION) {
		for (a = 1; a < run->argc; a++) {
			if (run->argv[a][0] == '@') {
				name = run->argv[a] + 1;
				break;
			}
		}
	}
	if (name != NULL) {
		c = store_cluster_find(run->o.store, name);
		if (c == SIZE_MAX) {
			*cause = xasprintf("unknown context '%s'", name);
			goto out;
		}
		*cluster = c;
	}
	rc = 0;
out:
	free(ctx);
	return rc;
}

/* Test-only: OPSDECK_RUNBOOK_NOOP=1 replaces every action and exec step
 * with a no-op that reports success, so a test can prove that a runbook's
 * checks fail when nothing was done. */
static bool
run_noop(void)
{
	const char *e = getenv("OPSDECK_RUNBOOK_NOOP");

	return e != NULL && strcmp(e, "1") == 0;
}

/* A wait step's limit: its timeout, capped by the test-only
 * OPSDECK_RUNBOOK_WAIT_MAX (seconds) when set. */
static double
run_wait_limit(double timeout)
{
	const char *e = getenv("OPSDECK_RUNBOOK_WAIT_MAX");
	double cap = e != NULL ? strtod(e, NULL) : 0;

	return cap > 0 && cap < timeout ? cap : timeout;
}

/* Start the current step. */
static void
run_next(struct rb_run *run)
{
	const struct rb_step *st;
	char *cause = NULL, *m;

	if (run->finished)
		return;
	if (run->aborted) {
		run_finish(run, 1, "aborted");
		return;
	}
	if (run->cur >= run->rb->nsteps) {
		if (run->nfailed > 0) {
			/* went on past a failure: FAILED unless every failed step
			 * said on-failure: continue; either way the summary says so */
			const char *ft = runbook_run_step_title(run, run->first_failed);

			m = xasprintf("%s %s %zu failed step%s (%sfirst: step %zu%s%s)",
			    run->o.dry_run ? "dry run complete" : "completed",
			    run->nfatal > 0 ? "with" : "despite", run->nfailed,
			    run->nfailed == 1 ? "" : "s", run->nfatal > 0 ? "" :
			    "on-failure: continue; ", run->first_failed + 1,
			    ft != NULL ? ", " : "", ft != NULL ? ft : "");
			run_finish(run, run->nfatal > 0 ? 1 : 0, m);
			free(m);
			return;
		}
		run_finish(run, 0, run->o.dry_run ? "dry run complete" : "completed");
		return;
	}
	st = &run->rb->steps[run->cur];
	run_set_step(run, run->cur, RB_RUNNING, NULL);
	free(run->text);
	cmd_free_argv(run->argc, run->argv);
	run->argv = NULL;
	run->argc = 0;
	if (run->have_cond) {
		rb_cond_free(&run->cond);
		run->have_cond = false;
	}
	run->text = run_expand_step(run, st, &run->argc, &run->argv, &cause);
	if (run->text == NULL) {
		run_step_done(run, RB_FAILED, cause);
		free(cause);
		return;
	}
	free(run->steps[run->cur].text);
	run->steps[run->cur].text = xstrdup(run->text);
	if (st->kind == RB_CHECK || st->kind == RB_WAIT) {
		if (rb_cond_parse(run->text, &run->cond, &cause) != 0) {
			run_step_done(run, RB_FAILED, cause);
			free(cause);
			return;
		}
		run->have_cond = true;
	}
	if (run_step_cluster(run, st, &run->step_cluster, &cause) != 0) {
		run_step_done(run, RB_FAILED, cause);
		free(cause);
		return;
	}
	m = xasprintf("[%zu/%zu] %s: %s (%s)", run->cur + 1, run->rb->nsteps,
	    rb_kind_name(st->kind), run->text, run_clock(run));
	run_message(run, false, m);
	free(m);

	if ((st->kind == RB_ACTION || st->kind == RB_EXEC) && !run->o.dry_run && run_noop()) {
		m = xasprintf("no-op (OPSDECK_RUNBOOK_NOOP, a test switch): not run: %s",
		    run->text);
		run_step_done(run, RB_OK, m);
		free(m);
		return;
	}
	switch (st->kind) {
	case RB_NOTE:
		if (run->nfatal > 0) {
			/* the note was written for a run that went well */
			m = xasprintf("%s (written after %zu failed step%s)", run->text,
			    run->nfatal, run->nfatal == 1 ? "" : "s");
			run_step_done(run, RB_OK, m);
			free(m);
			break;
		}
		run_step_done(run, RB_OK, run->text);
		break;
	case RB_CONFIRM:
		if (run->o.dry_run) {
			run_step_done(run, RB_OK, "dry run: not asked");
			break;
		}
		if (run->o.ui_ops == NULL || run->o.ui_ops->confirm == NULL) {
			run_step_done(run, RB_FAILED, "nobody to confirm");
			break;
		}
		run->inflight++;
		run->asking = true;
		run_changed(run);
		m = xasprintf("runbook %s, step %zu", run->rb->name, run->cur + 1);
		run->o.ui_ops->confirm(run->o.ui, m, run->text, NULL, run_confirmed, run);
		free(m);
		break;
	case RB_CHECK:
	case RB_WAIT:
		run->deadline = loop_now() + run_wait_limit(st->timeout);
		run->held_since = -1;
		run_wait_poll(run);
		break;
	case RB_EXEC:
		if (run->o.dry_run) {
			m = xasprintf("dry run: would exec: %s", run->text);
			run_step_done(run, RB_SKIPPED, m);
			free(m);
			break;
		}
		run_exec(run);
		break;
	case RB_ACTION:
		if (run->o.dry_run) {
			m = xasprintf("dry run: would run: %s", run->text);
			run_step_done(run, RB_SKIPPED, m);
			free(m);
			break;
		}
		actions_set_timeout(st->timeout);
		if (st->unreachable == RB_UNREACH_SKIP) {
			run->inflight++;
			client_request(run->o.client, run->step_cluster, "GET", "/version", NULL,
			    NULL, run_probed, run);
			break;
		}
		run_action(run);
		break;
	}
}

/*
 * Before step one: values that need the estate. A revision parameter must
 * exist in the target deployment's history (its ReplicaSets' revision
 * annotations); a default-from parameter not given takes the last known
 * desired replicas of an object (the store, else a live read, else the
 * runbook's default). Then the rules between parameters, and the values are
 * shown. Any refusal ends the run FAILED before step one.
 */

/* One lookup of the prepare phase. */
struct prep {
	struct rb_run	*run;
	size_t		 param;
	char		*what;		/* default-from, expanded */
	char		*measure;	/* replicas or a path */
};

/* Set parameter i's value and where it came from. */
static void
run_set_param(struct rb_run *run, size_t i, const char *value, const char *origin)
{
	if (value != NULL) {
		free(run->pvalues[i]);
		run->pvalues[i] = xstrdup(value);
	}
	free(run->porigin[i]);
	run->porigin[i] = xstrdup(origin);
}

/* The prepare phase failed: end the run before step one. */
static void
run_prep_fail(struct rb_run *run, const char *why)
{
	char *m;

	run->prep_failed = true;
	m = xasprintf("refused before step one: %s", why);
	run_finish(run, 1, m);
	free(m);
}

/* A line with every parameter, its value and where it came from (new). */
static char *
run_params_line(struct rb_run *run)
{
	char *s = xstrdup("parameters:"), *n;
	size_t i;

	for (i = 0; i < run->nparams; i++) {
		n = xasprintf("%s %s=%s (%s)%s", s, run->pnames[i], run->pvalues[i],
		    run->porigin[i], i + 1 < run->nparams ? "," : "");
		free(s);
		s = n;
	}
	return s;
}

/* The steps' texts and titles with the parameters' values (again once
 * the values from the estate are in). */
static void
run_expand_texts(struct rb_run *run)
{
	char *cause = NULL;
	size_t i;

	for (i = 0; i < run->rb->nsteps; i++) {
		free(run->steps[i].text);
		run->steps[i].text = run_expand_step(run, &run->rb->steps[i], NULL, NULL,
		    &cause);
		free(cause);	/* the step fails with it when it runs */
		cause = NULL;
		free(run->steps[i].title);
		run->steps[i].title = NULL;
		if (run->rb->steps[i].title != NULL) {
			run->steps[i].title = run_expand(run, run->rb->steps[i].title, &cause);
			free(cause);	/* shown as written */
			cause = NULL;
		}
	}
}

/* Every lookup is back: the rules, the values shown, step one. */
static void
run_prepared(struct rb_run *run)
{
	char *cause = NULL, *m;

	if (run->preparing > 0 || run->finished)
		return;
	if (runbook_rules_check(run->rb, (const char *const *)run->pvalues, &cause) != 0) {
		run_prep_fail(run, cause);
		free(cause);
		return;
	}
	run_expand_texts(run);
	if (run->nparams > 0) {
		m = run_params_line(run);
		run_message(run, false, m);
		if (run->incident != NULL && incident_event(run->incident, "step", m, NULL,
		    &cause) != 0)
			free(cause);
		free(m);
	}
	run_changed(run);
	run_next(run);
}

/* The target's ReplicaSets came back: is the revision in its history? */
static void
run_prep_revisions(const struct client_response *r, void *arg)
{
	struct prep *pp = arg;
	struct rb_run *run = pp->run;
	const char *want = run->pvalues[pp->param], *rev, *owner;
	json_t *o = NULL, *it, *refs, *ref;
	size_t i, j, n = 0;
	char *list = xstrdup(""), *x, *err, *why = NULL;
	bool found = false;
	long top = 0, second = 0;

	run->inflight--;
	run->preparing--;
	if (run->finished)
		goto out;
	if (r->error != NULL || r->status < 200 || r->status >= 300) {
		err = client_response_error(r);
		why = xasprintf("parameter '%s': cannot read the history of %s/%s: %s",
		    run->pnames[pp->param], run->ns, run->name, err);
		free(err);
		goto out;
	}
	o = json_loadb(r->body, r->len, 0, NULL);
	json_array_foreach(json_object_get(o, "items"), i, it) {
		refs = json_object_get(json_object_get(it, "metadata"), "ownerReferences");
		owner = NULL;
		json_array_foreach(refs, j, ref) {
			const char *k = json_string_value(json_object_get(ref, "kind"));

			if (k != NULL && strcmp(k, "Deployment") == 0)
				owner = json_string_value(json_object_get(ref, "name"));
		}
		if (owner == NULL || strcmp(owner, run->name) != 0)
			continue;
		rev = json_string_value(json_object_get(json_object_get(json_object_get(it,
		    "metadata"), "annotations"), "deployment.kubernetes.io/revision"));
		if (rev == NULL)
			continue;
		n++;
		if (strcmp(rev, want) == 0)
			found = true;
		if (atol(rev) > top) {
			second = top;
			top = atol(rev);
		} else if (atol(rev) > second)
			second = atol(rev);
		x = xasprintf("%s%s%s", list, *list != '\0' ? ", " : "", rev);
		free(list);
		list = x;
	}
	if (strcmp(want, "0") == 0 ? n < 2 : !found) {
		x = sanitize_str(want, 0);
		why = strcmp(want, "0") == 0 ?
		    xasprintf("parameter '%s': %s/%s has no previous revision to go back to "
		    "(revisions: %s)", run->pnames[pp->param], run->ns, run->name,
		    *list != '\0' ? list : "none") :
		    xasprintf("parameter '%s': %s/%s has no revision %s (revisions: %s)",
		    run->pnames[pp->param], run->ns, run->name, x, *list != '\0' ? list : "none");
		free(x);
	} else if (strcmp(want, "0") == 0) {
		/* the number, so later steps can check the rollback landed on it */
		x = xasprintf("%ld", second);
		run_set_param(run, pp->param, x, "0: the previous revision");
		free(x);
	} else
		run_set_param(run, pp->param, NULL, "in the deployment's history");
out:
	json_decref(o);
	free(list);
	if (why != NULL && !run->finished)
		run_prep_fail(run, why);
	free(why);
	free(pp);
	if (run->finished) {
		run_maybe_free(run);
		return;
	}
	run_prepared(run);
}

/* The desired replicas of a deployment-like row: "ready/desired". */
static bool
row_desired(const char *resource, const struct row *row, double *out)
{
	const struct printer *pr = printer_find(resource);
	const char *t, *slash;
	size_t i;

	for (i = 0; pr != NULL && i < pr->ncolumns && i < row->ncells; i++) {
		if (strcmp(pr->columns[i].name, "Ready") != 0)
			continue;
		t = row->cells[i].text;
		slash = t != NULL ? strchr(t, '/') : NULL;
		if (slash == NULL)
			return false;
		*out = rb_cell_number(slash + 1);
		return *out >= 0;
	}
	return false;
}

/* A live read of a default-from object came back. */
static void
run_prep_object(const struct client_response *r, void *arg)
{
	struct prep *pp = arg;
	struct rb_run *run = pp->run;
	json_t *o, *f;
	char *v, *origin;

	run->inflight--;
	run->preparing--;
	if (!run->finished && r->error == NULL && r->status == 200) {
		o = json_loadb(r->body, r->len, 0, NULL);
		/* "replicas" is the desired count; a path, that integer field */
		f = json_path(o, strcmp(pp->measure, "replicas") == 0 ? "spec.replicas" :
		    pp->measure);
		if (json_is_integer(f)) {
			v = xasprintf("%lld", (long long)json_integer_value(f));
			origin = xasprintf("%s, read now", pp->what);
			run_set_param(run, pp->param, v, origin);
			free(origin);
			free(v);
		}
		json_decref(o);
	}
	free(pp->what);
	free(pp->measure);
	free(pp);
	if (run->finished) {
		run_maybe_free(run);
		return;
	}
	run_prepared(run);
}

/* Start the lookups of parameter i, if it needs any. */
static void
run_prep_param(struct rb_run *run, size_t i)
{
	const struct rb_param *pa = &run->rb->params[i];
	struct rb_cond c;
	const struct row *row;
	struct prep *pp;
	char *text, *cond, *cause = NULL, *path, *v, *origin;
	size_t cl;
	double d;

	if (pa->type == RB_P_REVISION) {
		if (run->kind == NULL || strcmp(run->kind, "deployments") != 0 ||
		    run->name == NULL || run->ns == NULL) {
			v = xasprintf("parameter '%s' is a revision of the target deployment, and "
			    "the target is not a deployment", pa->name);
			run_prep_fail(run, v);
			free(v);
			return;
		}
		pp = xcalloc(1, sizeof *pp);
		pp->run = run;
		pp->param = i;
		run->preparing++;
		run->inflight++;
		path = actions_path("replicasets", run->ns, NULL);
		client_request(run->o.client, run->o.cluster, "GET", path, NULL, NULL,
		    run_prep_revisions, pp);
		free(path);
		return;
	}
	if (pa->default_from == NULL || run->pgiven[i])
		return;
	/* "SUBJECT replicas": the subject parsed as a condition's */
	text = run_expand(run, pa->default_from, &cause);
	if (text == NULL) {
		run_set_param(run, i, NULL, "runbook default");
		free(cause);
		return;
	}
	cond = xasprintf("%s >= 0", text);
	if (rb_cond_parse(cond, &c, &cause) != 0) {
		free(cause);
		free(cond);
		free(text);
		run_set_param(run, i, NULL, "runbook default");
		return;
	}
	free(cond);
	cl = c.context != NULL ? store_cluster_find(run->o.store, c.context) : run->o.cluster;
	row = cl != SIZE_MAX && c.name != NULL ? store_get(run->o.store, cl, c.resource, c.ns,
	    c.name) : NULL;
	if (row != NULL && strcmp(c.measure, "replicas") == 0 &&
	    row_desired(c.resource, row, &d)) {
		v = xasprintf("%.0f", d);
		origin = xasprintf("last known %s", text);
		run_set_param(run, i, v, origin);
		free(origin);
		free(v);
	} else if (cl != SIZE_MAX && c.name != NULL &&
	    (path = actions_path(c.resource, c.ns, c.name)) != NULL) {
		origin = xasprintf("runbook default: %s not known", text);
		run_set_param(run, i, NULL, origin);
		free(origin);
		pp = xcalloc(1, sizeof *pp);
		pp->run = run;
		pp->param = i;
		pp->what = xstrdup(text);
		pp->measure = xstrdup(c.measure);
		run->preparing++;
		run->inflight++;
		client_request(run->o.client, cl, "GET", path, NULL, NULL, run_prep_object, pp);
		free(path);
	} else
		run_set_param(run, i, NULL, "runbook default");
	rb_cond_free(&c);
	free(text);
}

/* The run's first step, from the loop: its values first. */
static void
run_begin(void *arg)
{
	struct rb_run *run = arg;
	size_t i;

	run->timer = NULL;
	run->preparing++;	/* none finishes the phase before all have started */
	for (i = 0; i < run->nparams && !run->finished; i++)
		run_prep_param(run, i);
	run->preparing--;
	if (!run->finished)
		run_prepared(run);
}

/* Refuse a target whose kind, namespace or name is not what it claims to
 * be (it came from a cluster or an alert): nothing runs. */
static int
run_target_check(const struct rb_run_opts *o, char **cause)
{
	const char *what = NULL, *val = NULL, *rule = NULL;
	char *clean;

	if (o->kind != NULL && !name_is_resource(o->kind)) {
		what = "kind";
		val = o->kind;
		rule = "a resource name";
	} else if (o->ns != NULL && *o->ns != '\0' && !name_is_dns1123_label(o->ns)) {
		what = "namespace";
		val = o->ns;
		rule = "a namespace (a DNS-1123 label: a-z, 0-9 and '-', at most 63)";
	} else if (o->name != NULL && (rule = name_object_rule(o->kind, o->name)) != NULL) {
		what = "name";
		val = o->name;
	}
	if (what == NULL)
		return 0;
	clean = sanitize_str(val, 0);
	*cause = xasprintf("refused: the target's %s '%s' is not %s", what, clean, rule);
	free(clean);
	return -1;
}

/* Check a context or role parameter against the estate the run knows. */
static int
run_param_estate(struct rb_run *run, size_t i, const char *v, char **cause)
{
	const struct rb_param *pa = &run->rb->params[i];
	char *clean;

	if (pa->type == RB_P_CONTEXT && store_cluster_find(run->o.store, v) != SIZE_MAX)
		return 0;
	if (pa->type == RB_P_ROLE && run_role(v, run) != NULL)
		return 0;
	if (pa->type != RB_P_CONTEXT && pa->type != RB_P_ROLE)
		return 0;
	clean = sanitize_str(v, 0);
	*cause = xasprintf("parameter '%s': no %s '%s' here", pa->name,
	    pa->type == RB_P_CONTEXT ? "context" : "context has the role", clean);
	free(clean);
	return -1;
}

/* Start a run. */
struct rb_run *
runbook_run_start(const struct runbook *rb, const struct rb_run_opts *o, char **cause)
{
	struct rb_run *run;
	struct store_cluster *sc;
	size_t i, j;
	const char *v;
	char *m, *c2 = NULL;
	bool defaults_from;

	if (o->read_only && runbook_mutates(rb) && !o->dry_run) {
		*cause = xasprintf("refused: read-only mode (runbook %s changes things)", rb->name);
		return NULL;
	}
	if (o->cluster >= store_ncluster(o->store)) {
		*cause = xstrdup("no target context");
		return NULL;
	}
	sc = store_cluster(o->store, o->cluster);
	if (sc->read_only && runbook_mutates(rb) && !o->dry_run) {
		*cause = xasprintf("refused: context %s is read-only", sc->name);
		return NULL;
	}
	if (run_target_check(o, cause) != 0)
		return NULL;
	if (!runbook_applies(rb, o->name != NULL ? o->kind : NULL, o->name)) {
		*cause = runbook_applies_refusal(rb, o->name != NULL ? o->kind : NULL, o->ns,
		    o->name);
		return NULL;
	}
	for (j = 0; j < o->nparams; j++) {
		for (i = 0; i < rb->nparams; i++) {
			if (strcmp(rb->params[i].name, o->pnames[j]) == 0)
				break;
		}
		if (i == rb->nparams) {
			*cause = xasprintf("runbook %s has no parameter '%s'", rb->name,
			    o->pnames[j]);
			return NULL;
		}
	}
	run = xcalloc(1, sizeof *run);
	run->rb = rb;
	run->o = *o;
	run->fd = -1;
	run->kind = o->kind != NULL ? xstrdup(o->kind) : NULL;
	run->ns = o->ns != NULL ? xstrdup(o->ns) : NULL;
	run->name = o->name != NULL ? xstrdup(o->name) : NULL;
	run->cluster_name = xstrdup(sc->name);
	run->incident = incident_current();
	run->steps = xcalloc(rb->nsteps, sizeof *run->steps);
	run->nsteps = rb->nsteps;
	run->nparams = rb->nparams;
	run->pvalues = xcalloc(rb->nparams + 1, sizeof *run->pvalues);
	run->pnames = xcalloc(rb->nparams + 1, sizeof *run->pnames);
	run->porigin = xcalloc(rb->nparams + 1, sizeof *run->porigin);
	run->pgiven = xcalloc(rb->nparams + 1, sizeof *run->pgiven);
	defaults_from = false;
	for (i = 0; i < rb->nparams; i++) {
		run->pnames[i] = rb->params[i].name;
		v = rb->params[i].def;
		for (j = 0; j < o->nparams; j++) {
			if (strcmp(o->pnames[j], rb->params[i].name) == 0) {
				v = o->pvalues[j];
				run->pgiven[i] = true;
			}
		}
		if (v == NULL) {
			*cause = xasprintf("parameter '%s' is required (--param %s=VALUE)",
			    rb->params[i].name, rb->params[i].name);
			goto fail;
		}
		if (runbook_param_check(rb, i, v, cause) != 0 ||
		    run_param_estate(run, i, v, cause) != 0)
			goto fail;
		run->pvalues[i] = xstrdup(v);
		run->porigin[i] = xstrdup(run->pgiven[i] ? "given" : "default");
		if (rb->params[i].default_from != NULL && !run->pgiven[i])
			defaults_from = true;
	}
	/* the rules now, unless a value is still to come from the estate */
	if (!defaults_from &&
	    runbook_rules_check(rb, (const char *const *)run->pvalues, cause) != 0)
		goto fail;
	run_expand_texts(run);
	run->started = loop_now();
	m = xasprintf("runbook %s (%s) on %s%s%s%s%s", rb->name, rb->severity, sc->name,
	    run->name != NULL ? ", target " : "", run->kind != NULL ? run->kind : "",
	    run->name != NULL ? "/" : "", run->name != NULL ? run->name : "");
	run_message(run, false, m);
	if (run->incident != NULL && incident_event(run->incident, "step", m, NULL, &c2) != 0) {
		free(c2);
		c2 = NULL;
	}
	free(m);
	/* the first step starts from the loop: the caller can show the run first */
	run->refs = 1;
	run->timer = loop_timer_add(run->o.loop, 0, run_begin, run);
	return run;
fail:
	run->finished = true;
	run->o.own_rb = false;	/* the caller keeps rb when the start fails */
	run_free(run);
	return NULL;
}
