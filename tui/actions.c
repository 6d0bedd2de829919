/* Actions: one asynchronous pipeline for every mutation (see actions.h). */
#include <sys/queue.h>

#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "opsdeck/actions.h"
#include "opsdeck/audit.h"
#include "opsdeck/client.h"
#include "opsdeck/cmd.h"
#include "opsdeck/edit.h"
#include "opsdeck/incident.h"
#include "opsdeck/kinds.h"
#include "opsdeck/kubeconfig.h"
#include "opsdeck/loop.h"
#include "opsdeck/sanitize.h"
#include "opsdeck/store.h"
#include "opsdeck/term.h"
#include "opsdeck/xmalloc.h"

#include "actions_int.h"

struct act_engine act = {
	.timeout = 300,
	.batches = TAILQ_HEAD_INITIALIZER(act.batches),
};

static void	batch_check(struct act_batch *);
static void	batch_ask(struct act_batch *);

/* Set the loop timers run on. */
void
actions_set_loop(struct loop *l)
{
	act.loop = l;
}

/* Set the follow-up timeout. */
void
actions_set_timeout(double seconds)
{
	if (seconds > 0)
		act.timeout = seconds;
}

/* Requests sent whose reply has not arrived. */
size_t
actions_inflight(void)
{
	return act.ninflight;
}

/* Stop sending: every later request is settled "interrupted" unsent. */
void
actions_interrupt(const char *why)
{
	free(act.stopping);
	act.stopping = xstrdup(why != NULL ? why : "interrupted");
}

/* Batches still running. */
size_t
actions_running(void)
{
	return act.nrunning;
}

/* Drop every live batch, auditing requests whose follow-up never finished. */
void
actions_shutdown(void)
{
	struct act_batch *b;
	struct act_op *op;
	size_t i;

	while (!TAILQ_EMPTY(&act.batches)) {
		b = TAILQ_FIRST(&act.batches);
		b->ui_ops = NULL;	/* the UI is going away: no messages */
		for (i = 0; i < b->nops; i++) {
			op = b->ops[i];
			if (op->timer != NULL && act.loop != NULL)
				loop_timer_cancel(act.loop, op->timer);
			op->timer = NULL;
			if (op->state == OP_RUNNING && op->inflight) {
				char *m = xasprintf("%s before the reply arrived: outcome "
				    "unknown — check the cluster", act.stopping != NULL ?
				    act.stopping : "quit");

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
	act.nrunning = 0;
	act.ninflight = 0;
	free(act.stopping);
	act.stopping = NULL;
}

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
void
op_free(struct act_op *op)
{
	if (op->timer != NULL && act.loop != NULL)
		loop_timer_cancel(act.loop, op->timer);
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
	term_argv_free(op->argv);
	free(op);
}

/* Free a batch. */
void
batch_free(struct act_batch *b)
{
	size_t i;
	int a;

	TAILQ_REMOVE(&act.batches, b, entry);
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
		act.ninflight++;
	else if (act.ninflight > 0)
		act.ninflight--;
}

/* Write the audit line (and the incident event) for op. */
void
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
void
op_finish(struct act_op *op, const char *outcome, const char *message, bool audit)
{
	struct act_batch *b = op->b;
	char *text;

	if (op->state == OP_SETTLED)
		return;
	if (op->timer != NULL) {
		loop_timer_cancel(act.loop, op->timer);
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
void
op_settle(struct act_op *op, const char *outcome, const char *message)
{
	op_finish(op, outcome, message, true);
}

/* Parse a JSON body (new), or NULL. */
json_t *
act_parse(const struct client_response *r)
{
	if (r->body == NULL || r->len == 0)
		return NULL;
	return json_loadb(r->body, r->len, 0, NULL);
}

/* True if the response is a 2xx. */
bool
act_ok(const struct client_response *r)
{
	return r->error == NULL && r->status >= 200 && r->status < 300;
}

static void	op_poll(void *);
static void	op_evict_next(struct act_op *);
static void	op_extra2_done(const struct client_response *, void *);

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
		err = xasprintf("timed out after %.0fs waiting for it to finish", act.timeout);
		op_finish(op, "timeout", err, false);
		free(err);
	} else
		op->timer = loop_timer_add(act.loop, ACT_POLL, op_poll, op);
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
	if (act.stopping != NULL && b->def->follow != NULL) {
		m = xasprintf("request accepted; follow-up stopped (%s)", act.stopping);
		op_finish(op, "interrupted", m, true);
		free(m);
		return;
	}
	if (b->def->follow == NULL || act.loop == NULL) {
		op_finish(op, "ok", msg != NULL ? msg : "done", false);
		return;
	}
	op->deadline = loop_now() + act.timeout;
	/* while it is followed: the preview's first line (the rest are the
	 * dialog's warnings, not a status line) */
	m = xstrndup(op->preview != NULL ? op->preview : b->def->verb,
	    strcspn(op->preview != NULL ? op->preview : b->def->verb, "\n"));
	act_message(b, false, m);
	free(m);
	op->timer = loop_timer_add(act.loop, ACT_POLL / 2, op_poll, op);
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

char *
act_evict_path(const char *ns, const char *name)
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

	if (act.stopping != NULL) {
		m = xasprintf("stopped before evicting pod %s/%s (%s); %zu of %zu evicted",
		    ns, name, act.stopping, op->nevicted, json_array_size(op->evict));
		op_finish(op, "interrupted", m, true);
		free(m);
		return;
	}
	body = json_pack("{s:s,s:s,s:{s:s,s:s}}", "apiVersion", "policy/v1", "kind",
	    "Eviction", "metadata", "name", name, "namespace", ns);
	text = jdump(body);
	json_decref(body);
	path = act_evict_path(ns, name);
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
		if (b->def->refused != NULL)
			b->def->refused(op, r, err, false);
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

/* Send the planned request, its intent written first. */
static void
op_send(struct act_op *op)
{
	struct act_batch *b = op->b;
	char *cause = NULL, *m;

	op->state = OP_RUNNING;
	if (act.stopping != NULL) {
		m = xasprintf("not sent (%s)", act.stopping);
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
	if (b->def->run != NULL) {
		b->def->run(op);
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
		if (op->b->def->refused != NULL)
			op->b->def->refused(op, r, msg, true);
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
void
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
	if (op->b->def->fetched != NULL) {
		op->b->def->fetched(op);
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

size_t
act_def_access(const struct act_def *def, const char *resource,
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
	/* the second of the rule's two points (cmd_check says why two) */
	msg = cmd_read_only_refusal(b->read_only, sc);
	if (msg != NULL) {
		op_settle(op, "refused", msg);
		free(msg);
		return;
	}
	op->naccess = act_def_access(b->def, op->resource, op->access);
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

/* Add what to the comma list *typed the operator must type, unless the
 * list already holds it as a whole item ("prod" is not in "prod-tokyo"). */
static void
batch_typed_add(char **typed, const char *what)
{
	const char *p;
	size_t n = strlen(what);
	char *s;

	for (p = *typed; p != NULL; p = strchr(p, ',') != NULL ? strchr(p, ',') + 1 : NULL)
		if (strncmp(p, what, n) == 0 && (p[n] == ',' || p[n] == '\0'))
			return;
	if (*typed == NULL)
		s = xstrdup(what);
	else {
		s = xasprintf("%s,%s", *typed, what);
		free(*typed);
	}
	*typed = s;
}

/* Whether op's context must be typed to go ahead. */
static bool
batch_op_typed(const struct act_batch *b, const struct act_op *op)
{
	const struct store_cluster *sc;

	sc = b->store != NULL && op->cluster < store_ncluster(b->store) ?
	    store_cluster(b->store, op->cluster) : NULL;
	return b->def->typed || (sc != NULL && sc->protected_ctx);
}

/* Ask once for every ready target. The contexts to type come in the
 * estate's order (the order of --context), whatever order the rows were
 * marked in or sorted on screen, then any other word an op needs. */
static void
batch_confirm(struct act_batch *b)
{
	char *preview = xstrdup(""), *typed = NULL, *title, *n;
	struct act_op *op;
	size_t i, c, nready = 0, ncl = b->store != NULL ? store_ncluster(b->store) : 0;

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
	}
	for (c = 0; c <= ncl; c++)	/* c == ncl: ops with no cluster of the store */
		for (i = 0; i < b->nops; i++) {
			op = b->ops[i];
			if (op->state == OP_READY && (op->cluster < ncl ? op->cluster == c : c == ncl) &&
			    batch_op_typed(b, op))
				batch_typed_add(&typed, op->context);
		}
	for (i = 0; i < b->nops; i++)
		if (b->ops[i]->state == OP_READY && b->ops[i]->typed != NULL)
			batch_typed_add(&typed, b->ops[i]->typed);
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

		act.nrunning--;
		batch_free(b);
		if (done != NULL)
			done(oc, msg, done_arg);
		free(oc);
	}
	free(msg);
}

/* Add an op to the batch. */
void
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
void
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
