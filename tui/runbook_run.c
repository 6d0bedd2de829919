/* The runbook runner: one step at a time, asynchronously on the loop.
 * Exec steps run their program through term_capture (tui/term.c); the
 * preparation before step one is in tui/runbook_prep.c, conditions in tui/runbook_cond.c and
 * tui/runbook_measure.c (see runbook_run_int.h). */
#include <sys/wait.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "opsdeck/actions.h"
#include "opsdeck/client.h"
#include "opsdeck/cmd.h"
#include "opsdeck/incident.h"
#include "opsdeck/kubeconfig.h"
#include "opsdeck/sanitize.h"
#include "opsdeck/store.h"
#include "opsdeck/term.h"
#include "opsdeck/xmalloc.h"

#include "runbook_run_int.h"

static double	run_wait_limit(double);

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

/* The read-only rule (cmd_read_only_refusal) for a whole run of rb on
 * cluster sc (NULL: not known yet), the runbook named; NULL if it may run.
 * A dry run, or one that changes nothing, may always. */
char *
runbook_refusal(const struct runbook *rb, bool dry_run, bool read_only,
    const struct store_cluster *sc)
{
	char *r, *out;

	if (dry_run || !runbook_mutates(rb) ||
	    (r = cmd_read_only_refusal(read_only, sc)) == NULL)
		return NULL;
	out = xasprintf("%s (runbook %s changes things)", r, rb->name);
	free(r);
	return out;
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
void
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
void
run_message(struct rb_run *run, bool error, const char *text)
{
	char *clean = sanitize_str(text, 0);

	if (run->o.ui_ops != NULL && run->o.ui_ops->message != NULL)
		run->o.ui_ops->message(run->o.ui, error, clean);
	free(clean);
}

/* The context with role, for {{role:X}}. */
const char *
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
char *
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
char *
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
void
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
void
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
	if (run->have_cond)
		rb_cond_free(&run->cond);
	if (run->o.own_rb)
		runbook_free((struct runbook *)run->rb);
	free(run);
}

/* Free the run if it is over, nothing will call back and nobody holds it. */
void
run_maybe_free(struct rb_run *run)
{
	if (run->finished && run->inflight == 0 && run->child == NULL && run->refs == 0)
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
void
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
	term_capture_kill(run->child, SIGTERM);
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
	term_capture_kill(run->child, SIGTERM);
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
void
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

/* The exec step's program was reaped: its output as messages, the step
 * done by its exit status. */
static void
run_exec_done(int status, const char *output, bool timed_out, void *arg)
{
	struct rb_run *run = arg;
	char *m, *out, *line, *save = NULL;

	run->child = NULL;
	run->inflight--;
	if (run->finished) {
		run_maybe_free(run);
		return;
	}
	if (output != NULL) {
		out = xstrdup(output);
		for (line = strtok_r(out, "\n", &save); line != NULL; line = strtok_r(NULL, "\n", &save)) {
			m = xasprintf("  | %s", line);
			run_message(run, false, m);
			free(m);
		}
		free(out);
	}
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
		m = xasprintf("exit 0%s%s", output != NULL ? ": " : "", output != NULL ? output : "");
		m[strcspn(m, "\n")] = '\0';
		run_step_done(run, RB_OK, m);
	} else {
		m = xasprintf("%s%s", term_status(status), timed_out ? " (timed out)" : "");
		run_step_done(run, RB_FAILED, m);
	}
	free(m);
}

/* Start the current exec step's argument vector, output captured. No
 * shell: argv[0] is looked up in PATH and every word is one argument. */
static void
run_exec_start(struct rb_run *run)
{
	struct audit_record r;
	json_t *params;
	int rc;
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
	run->child = term_capture_start(run->o.loop, run->argv,
	    run->rb->steps[run->cur].timeout, RUN_OUTPUT_MAX, run_exec_done, run, &cause);
	if (run->child == NULL) {
		run_step_done(run, RB_FAILED, cause);
		free(cause);
		return;
	}
	run->inflight++;
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
void
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
void
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
