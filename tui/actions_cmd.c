/* The action commands: the verb table, each command's words parsed into
 * a batch for the pipeline (actions.c), runbook-url, and their
 * registration. */
#include <sys/queue.h>

#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "opsdeck/actions.h"
#include "opsdeck/cmd.h"
#include "opsdeck/osc52.h"
#include "opsdeck/incident.h"
#include "opsdeck/kinds.h"
#include "opsdeck/kubeconfig.h"
#include "opsdeck/sanitize.h"
#include "opsdeck/store.h"
#include "opsdeck/ui.h"
#include "opsdeck/xmalloc.h"

#include "actions_int.h"

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
	  .edit = true, .fetched = op_edit_fetched, .refused = op_edit_refused,
	  .plan = plan_edit },
	/* kubectl exec -it in the console's terminal */
	{ .verb = "shell", .args = "[CONTAINER]",
	  .help = "open a shell in a pod's container (kubectl exec -it)",
	  .need = { { "create", "pods", "exec" } },
	  .kubectl = true, .run = op_terminal, .question = question_shell, .plan = plan_shell },
	{ .verb = "debug", .args = "[IMAGE]",
	  .help = "a debug container in a pod, for images without a shell (kubectl debug -it)",
	  .need = { { "patch", "pods", "ephemeralcontainers" }, { "create", "pods", "attach" } },
	  .kubectl = true, .run = op_terminal, .question = question_debug, .plan = plan_debug },
	/* kubectl port-forward, kept by the console (:port-forwards) */
	{ .verb = "port-forward", .args = "[[LOCAL:]REMOTE]",
	  .help = "forward a local port to a pod or service (kubectl port-forward)",
	  .need = { { "create", "pods", "portforward" } },
	  .kubectl = true, .background = true, .run = op_background,
	  .question = question_portforward,
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

/* The def of verb. */
const struct act_def *
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
		char *path = act_evict_path(json_string_value(json_array_get(p, 0)),
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
		return k != NULL ? act_def_access(def, k->resource, out) : 0;
	}
	return act_def_access(def, resource, out);
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
	/* read-only mode and read-only contexts: cmd_check before exec, op_start
	 * per target */
	if (act.stopping != NULL) {
		*cause = xasprintf("%s: not started (%s)", def->verb, act.stopping);
		return -1;
	}
	b = xcalloc(1, sizeof *b);
	TAILQ_INSERT_TAIL(&act.batches, b, entry);
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
	act.nrunning++;
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
	act.nrunning--;
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
	act.nrunning++;
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

/* Register the action commands. */
void
actions_register(void)
{
	const struct cmd_entry *cmds;
	size_t n;

	cmds = act_commands(&n);
	cmd_register(cmds, n);
	cmd_register(act_other_commands, sizeof act_other_commands / sizeof act_other_commands[0]);
}
