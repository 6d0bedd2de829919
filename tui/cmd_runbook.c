/* opsdeck runbook list|show|run: runbooks without the console. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "opsdeck/actions.h"
#include "opsdeck/audit.h"
#include "opsdeck/cli.h"
#include "opsdeck/client.h"
#include "opsdeck/cmd.h"
#include "opsdeck/config.h"
#include "opsdeck/hl_session.h"
#include "opsdeck/hl_signal.h"
#include "opsdeck/hl_ui.h"
#include "opsdeck/incident.h"
#include "opsdeck/kinds.h"
#include "opsdeck/keymap.h"
#include "opsdeck/kubeconfig.h"
#include "opsdeck/loop.h"
#include "opsdeck/runbook.h"
#include "opsdeck/sanitize.h"
#include "opsdeck/store.h"
#include "opsdeck/ui.h"
#include "opsdeck/xmalloc.h"

#define RUN_PARAMS_MAX	32

/* Print usage to f. */
static void
runbook_usage(FILE *f)
{
	fprintf(f, "usage: opsdeck runbook list\n"
	    "       opsdeck runbook show NAME\n"
	    "       opsdeck runbook check FILE...\n"
	    "       opsdeck runbook run NAME [--context C] [--target KIND/NAME] [-n NS]\n"
	    "                          [--param k=v]... [--yes] [--dry-run] [--read-only]\n"
	    "                          [--kubeconfig FILE]\n");
}

/* Print a string list as "a, b". */
static void
print_list(const char *what, char **v, size_t n)
{
	size_t i;

	if (n == 0)
		return;
	printf("  %-10s ", what);
	for (i = 0; i < n; i++)
		printf("%s%s", i > 0 ? ", " : "", v[i]);
	printf("\n");
}

/* opsdeck runbook list */
static int
runbook_cmd_list(void)
{
	struct runbook **list;
	char **warnings = NULL;
	size_t n, nw = 0, i;

	list = runbook_list(&n, &warnings, &nw);
	for (i = 0; i < n; i++)
		printf("%-28s %-3s %s\n", list[i]->name, list[i]->severity, list[i]->title);
	for (i = 0; i < nw; i++) {
		fprintf(stderr, "opsdeck runbook: warning: %s\n", warnings[i]);
		free(warnings[i]);
	}
	free(warnings);
	runbook_list_free(list, n);
	return 0;
}

/* opsdeck runbook show NAME */
static int
runbook_cmd_show(const char *name)
{
	struct runbook *rb;
	char *cause = NULL;
	size_t i, j;

	rb = runbook_find(name, &cause);
	if (rb == NULL) {
		fprintf(stderr, "opsdeck runbook: %s\n", cause);
		free(cause);
		return 1;
	}
	printf("%s: %s\n", rb->name, rb->title);
	printf("  severity   %s\n", rb->severity);
	if (rb->description != NULL)
		printf("  about      %s\n", rb->description);
	print_list("kinds", rb->kinds, rb->nkinds);
	print_list("alerts", rb->alerts, rb->nalerts);
	print_list("roles", rb->roles, rb->nroles);
	if (rb->key != NULL)
		printf("  key        %s\n", rb->key);
	if (rb->rto > 0)
		printf("  rto        %.0fs\n", rb->rto);
	printf("  file       %s\n", rb->path);
	if (rb->nparams > 0)
		printf("parameters:\n");
	for (i = 0; i < rb->nparams; i++) {
		printf("  %-12s default %s", rb->params[i].name,
		    rb->params[i].def != NULL ? rb->params[i].def : "(required)");
		if (rb->params[i].type != RB_P_STRING)
			printf("  type %s", rb_ptype_name(rb->params[i].type));
		if (rb->params[i].has_min)
			printf("  min %g", rb->params[i].min);
		if (rb->params[i].has_max)
			printf("  max %g", rb->params[i].max);
		if (rb->params[i].default_from != NULL)
			printf("  default-from %s", rb->params[i].default_from);
		for (j = 0; j < rb->params[i].nchoices; j++)
			printf("%s%s", j == 0 ? "  choices " : "|", rb->params[i].choices[j]);
		if (rb->params[i].prompt != NULL)
			printf("  -- %s", rb->params[i].prompt);
		printf("\n");
	}
	for (i = 0; i < rb->nrules; i++)
		printf("%s  %s\n", i == 0 ? "rules:\n" : "", rb->rules[i].text);
	printf("steps:\n");
	for (i = 0; i < rb->nsteps; i++) {
		printf("  %2zu. %-7s %s", i + 1, rb_kind_name(rb->steps[i].kind),
		    rb->steps[i].text);
		if (rb->steps[i].context != NULL)
			printf("  [on %s]", rb->steps[i].context);
		printf("\n");
		if (rb->steps[i].title != NULL)
			printf("               (%s)\n", rb->steps[i].title);
	}
	runbook_free(rb);
	return 0;
}

/* opsdeck runbook check FILE...: validate files, print errors with lines. */
static int
runbook_cmd_check(int argc, char **argv)
{
	struct runbook *rb;
	char *cause;
	int i, rc = 0;

	for (i = 0; i < argc; i++) {
		cause = NULL;
		rb = runbook_load(argv[i], &cause);
		if (rb == NULL) {
			fprintf(stderr, "%s\n", cause);
			free(cause);
			rc = 1;
			continue;
		}
		printf("%s: ok (%s, %zu steps)\n", argv[i], rb->name, rb->nsteps);
		runbook_free(rb);
	}
	return rc;
}


/* State of a headless run. */
struct hl_run {
	bool		 done;
	int		 rc;
	char		*summary;	/* how the run ended */
	bool		 scoring;	/* asking the drill for its status */
	struct client	*client;
	struct store	*store;
	size_t		 cluster;
};

/* The drill's status came back: score the open incident. */
static void
hl_scored(const struct client_response *r, void *arg)
{
	struct hl_run *hr = arg;
	char *id = incident_current(), *cause = NULL;
	json_t *st;

	hr->scoring = false;
	if (id == NULL || r->error != NULL || r->status != 200)
		goto out;
	st = json_loadb(r->body, r->len, 0, NULL);
	if (st != NULL && incident_drill_score(id, st, &cause) == 0)
		printf("drill score recorded on incident %s\n", id);
	json_decref(st);
out:
	free(cause);
	free(id);
}

/* The run ended: in a drill with an open incident, record the score. */
static void
hl_run_done(int rc, const char *summary, void *arg)
{
	struct hl_run *hr = arg;
	char *id = incident_current();

	hr->done = true;
	hr->rc = rc;
	hr->summary = xstrdup(summary);
	if (id != NULL) {
		hr->scoring = true;
		client_request(hr->client, store_live_cluster(hr->store, hr->cluster), "GET",
		    "/drill/v1/status", NULL, NULL, hl_scored, hr);
	}
	free(id);
}

/* Loop condition: the run ended. */
static int
hl_run_over(void *arg)
{
	struct hl_run *hr = arg;

	if (hl_signal_caught() != 0)
		return 1;
	return hr->done && !hr->scoring && actions_running() == 0;
}

/* Append name to a comma-separated context spec unless it is the target. */
static void
spec_add(char **spec, const char *target, const char *name)
{
	char *n;

	if (strcmp(name, target) == 0)
		return;
	n = xasprintf("%s,%s", *spec, name);
	free(*spec);
	*spec = n;
}

/* Contexts to connect: the target plus every context with a role, given in
 * config.yaml or in the kubeconfig's opsdeck.dev/context extension. */
static char *
run_context_spec(struct kubeconfig *kc, const struct opsdeck_config *cfg, const char *target)
{
	char *spec = xstrdup(target);
	size_t i;

	for (i = 0; cfg != NULL && i < cfg->ncontexts; i++) {
		if (cfg->contexts[i].role != NULL && *cfg->contexts[i].role != '\0' &&
		    kubeconfig_find(kc, cfg->contexts[i].name) != NULL)
			spec_add(&spec, target, cfg->contexts[i].name);
	}
	for (i = 0; i < kc->ncontexts; i++) {
		if (kc->contexts[i]->role != NULL && *kc->contexts[i]->role != '\0' &&
		    (cfg == NULL || config_context_find(cfg, kc->contexts[i]->name) == NULL))
			spec_add(&spec, target, kc->contexts[i]->name);
	}
	return spec;
}

/* opsdeck runbook run NAME ... */
static int
runbook_cmd_run(int argc, char **argv)
{
	const char *pnames[RUN_PARAMS_MAX], *pvalues[RUN_PARAMS_MAX];
	const char *context = NULL, *target = NULL, *ns = NULL, *kcpath = NULL, *name = NULL;
	char *cause = NULL, *spec = NULL, *kind = NULL, *tname = NULL, *tns = NULL, *eq;
	struct hl_session s;
	struct hl_session_opts so;
	struct runbook *rb = NULL;
	struct client *client;
	struct store *store;
	struct loop *loop;
	struct rb_run_opts o;
	struct rb_run *run = NULL;
	struct hl_ui h;
	struct hl_run hr;
	const struct kind *res;
	size_t np = 0, cluster, i;
	double budget = 60;
	bool yes = false, dry = false, ro = false;
	int a, rc = 1;

	memset(&hr, 0, sizeof hr);
	memset(&s, 0, sizeof s);
	for (a = 1; a < argc; a++) {
		if ((strcmp(argv[a], "--context") == 0 || strcmp(argv[a], "-c") == 0) &&
		    a + 1 < argc)
			context = argv[++a];
		else if (strcmp(argv[a], "--target") == 0 && a + 1 < argc)
			target = argv[++a];
		else if (strcmp(argv[a], "-n") == 0 && a + 1 < argc)
			ns = argv[++a];
		else if (strcmp(argv[a], "--kubeconfig") == 0 && a + 1 < argc)
			kcpath = argv[++a];
		else if (strcmp(argv[a], "--param") == 0 && a + 1 < argc) {
			a++;
			eq = strchr(argv[a], '=');
			if (eq == NULL || eq == argv[a] || np == RUN_PARAMS_MAX) {
				fprintf(stderr, "opsdeck runbook: --param wants NAME=VALUE\n");
				return 2;
			}
			*eq = '\0';
			pnames[np] = argv[a];
			pvalues[np++] = eq + 1;
		} else if (strcmp(argv[a], "--yes") == 0 || strcmp(argv[a], "-y") == 0)
			yes = true;
		else if (strcmp(argv[a], "--dry-run") == 0)
			dry = true;
		else if (strcmp(argv[a], "--read-only") == 0)
			ro = true;
		else if (argv[a][0] == '-') {
			fprintf(stderr, "opsdeck runbook: unknown option %s\n", argv[a]);
			runbook_usage(stderr);
			return 2;
		} else if (name == NULL)
			name = argv[a];
		else {
			runbook_usage(stderr);
			return 2;
		}
	}
	if (name == NULL) {
		runbook_usage(stderr);
		return 2;
	}
	/* Requests an earlier run sent without recording their outcome. */
	audit_recover_stderr();
	rb = runbook_find(name, &cause);
	if (rb == NULL)
		goto out;
	if ((cause = runbook_refusal(rb, dry, ro, NULL)) != NULL)
		goto out;
	so = (struct hl_session_opts){ .kubeconfig = kcpath, .need_config = true,
	    .signals = true, .commands = runbook_register_all };
	if (hl_session_load(&s, &so, &cause) != 0)
		goto out;
	if (context == NULL)
		context = s.kc->current_context;
	if (context == NULL || kubeconfig_find(s.kc, context) == NULL) {
		cause = xasprintf("unknown context '%s'", context != NULL ? context : "(none)");
		goto out;
	}
	spec = run_context_spec(s.kc, s.cfg, context);
	so.spec = spec;
	if (hl_session_start(&s, &so, &cause) != 0)
		goto out;
	loop = s.loop;
	store = s.store;
	client = s.client;
	if (target != NULL) {
		char *p = xstrdup(target), *q = strchr(p, '/');

		if (q == NULL) {
			free(p);
			cause = xstrdup("--target wants KIND/NAME or KIND/NAMESPACE/NAME");
			goto out;
		}
		*q++ = '\0';
		res = kind_find(p);
		kind = xstrdup(res != NULL ? res->resource : p);
		if (strchr(q, '/') != NULL) {
			tns = xstrndup(q, strcspn(q, "/"));
			tname = xstrdup(q + strcspn(q, "/") + 1);
		} else
			tname = xstrdup(q);
		free(p);
		if (ns == NULL)
			ns = tns;
	}
	cluster = store_cluster_find(store, context);
	if (ns == NULL)
		ns = kubeconfig_find(s.kc, context)->namespace_;
	if (ro) {
		for (i = 0; i < store_ncluster(store); i++)
			store_cluster(store, i)->read_only = true;
	}
	memset(&h, 0, sizeof h);
	h.loop = loop;
	h.out = stdout;
	h.yes = yes;
	h.yes_why = "confirmed by --yes";
	h.tty = isatty(0) != 0;
	hr.client = client;
	hr.store = store;
	hr.cluster = cluster;
	memset(&o, 0, sizeof o);
	o.client = client;
	o.store = store;
	o.loop = loop;
	o.ui_ops = &hl_ui_ops;
	o.ui = &h;
	o.cluster = cluster;
	o.kind = kind;
	o.ns = ns;
	o.name = tname;
	o.pnames = pnames;
	o.pvalues = pvalues;
	o.nparams = np;
	o.read_only = ro;
	o.dry_run = dry;
	o.done = hl_run_done;
	o.arg = &hr;
	for (i = 0; i < rb->nsteps; i++)
		budget += rb->steps[i].timeout + 5;
	run = runbook_run_start(rb, &o, &cause);
	if (run == NULL)
		goto out;
	if (loop_run_until(loop, hl_run_over, &hr, budget) != 0) {
		cause = xstrdup("runbook did not finish in time");
		goto out;
	}
	if (hl_signal_caught() != 0) {
		/* Stop: no further step or request; the replies of requests
		 * already sent are awaited so their outcomes are recorded. */
		if (!hr.done)
			runbook_run_abort(run);
		rc = hl_signals_finish(loop, HL_SIGNAL_WAIT);
		cause = xasprintf("interrupted by %s", hl_signal_name(hl_signal_caught()));
		goto out;
	}
	rc = hr.rc != 0 ? 1 : 0;
	if (rc != 0)
		cause = xasprintf("runbook %s FAILED: %s", rb->name, hr.summary);
out:
	if (cause != NULL)
		fprintf(stderr, "opsdeck runbook: %s\n", cause);
	free(cause);
	free(hr.summary);
	free(spec);
	free(kind);
	free(tname);
	free(tns);
	runbook_run_unref(run);
	hl_session_close(&s);
	runbook_free(rb);
	return rc;
}

/*
 * The console's :runbook and :runbook-abort.
 */

/* The console's run, running or the last one (one runs at a time): a
 * reference, dropped when the next one starts or at exit. The run owns its
 * runbook. */
static struct rb_run	*console_run;

/* The console's run, for the runbook view. */
struct rb_run *
runbook_console_run(void)
{
	return console_run;
}

/* Drop the console's reference (at exit). */
void
runbook_console_release(void)
{
	runbook_run_unref(console_run);
	console_run = NULL;
}

/* True while the console's run has not ended. */
static bool
console_run_active(void)
{
	struct rb_run_info info;

	if (console_run == NULL)
		return false;
	runbook_run_info(console_run, &info);
	return !info.finished;
}

/* While the console's run goes on: which runbook, at which step. */
bool
runbook_console_running(char **what)
{
	struct rb_run_info info;

	if (!console_run_active())
		return false;
	runbook_run_info(console_run, &info);
	*what = xasprintf("%s at step %zu of %zu", info.rb->name, info.current + 1,
	    info.rb->nsteps);
	return true;
}

/* The console quits: record its run as interrupted. */
void
runbook_console_interrupt(const char *why)
{
	if (console_run_active())
		runbook_run_interrupt(console_run, why);
}

/* A step of the console's run changed: redraw its view. */
static void
console_run_changed(void *arg)
{
	ui_dirty(arg);
}

/* Say something through the command's UI. */
static void
cmd_say(struct cmd_ctx *ctx, bool error, const char *text)
{
	if (ctx->ui_ops != NULL && ctx->ui_ops->message != NULL)
		ctx->ui_ops->message(ctx->ui, error, text);
}

/* The runbooks, those that apply to the selection t (NULL: none, a
 * cluster) first: *napply of them. */
struct runbook **
runbook_list_for(const struct cmd_target *t, size_t *n, size_t *napply)
{
	struct runbook **list, **out;
	size_t i, k = 0, pass;
	bool ap;

	list = runbook_list(n, NULL, NULL);
	out = xcalloc(*n + 1, sizeof *out);
	*napply = 0;
	for (pass = 0; pass < 2; pass++) {
		for (i = 0; i < *n; i++) {
			ap = runbook_applies(list[i], t != NULL && t->name != NULL ?
			    t->resource : NULL, t != NULL ? t->name : NULL);
			if (ap != (pass == 0))
				continue;
			out[k++] = list[i];
			if (ap)
				(*napply)++;
		}
	}
	free(list);
	return out;
}

/* :runbook without a name: the runbooks, those for the selection first. */
static void
cmd_runbook_list(struct cmd_ctx *ctx)
{
	const struct cmd_target *t = ctx->ntargets > 0 ? &ctx->targets[0] : NULL;
	struct runbook **list;
	char *line, *n, *what, *cause = NULL;
	size_t nl, na, i;

	/* the console lists them in a view, whole, to pick one */
	if (ctx->ui_ops != NULL && ctx->ui_ops->show_view != NULL) {
		if (ctx->ui_ops->show_view(ctx->ui, "runbooks", NULL, &cause) == 0)
			return;
		cmd_say(ctx, true, cause);
		free(cause);
		return;
	}
	list = runbook_list_for(t, &nl, &na);
	if (t != NULL && t->name != NULL)
		what = xasprintf("%s %s%s%s", t->resource, t->ns != NULL && *t->ns != '\0' ?
		    t->ns : "", t->ns != NULL && *t->ns != '\0' ? "/" : "", t->name);
	else
		what = xstrdup("the cluster");
	line = xasprintf("runbooks for %s:%s", what, na == 0 ? " none" : "");
	for (i = 0; i < nl; i++) {
		n = xasprintf("%s%s %s", line, i == na ? " | others:" : "", list[i]->name);
		free(line);
		line = n;
	}
	runbook_list_free(list, nl);
	n = sanitize_str(line, 0);
	cmd_say(ctx, false, n);
	free(n);
	free(line);
	free(what);
}

/* :runbook NAME [--param k=v]... [--dry-run] [@CONTEXT] */
static int
cmd_runbook_exec(struct cmd_ctx *ctx, int argc, char **argv, char **cause)
{
	const char *pnames[RUN_PARAMS_MAX], *pvalues[RUN_PARAMS_MAX], *name = NULL;
	struct runbook *rb;
	struct rb_run_opts o;
	struct rb_run *run;
	struct ui *ui = cmd_console_ui(ctx);
	struct loop *loop = ui != NULL ? ui->loop : NULL;
	char *eq, *params[RUN_PARAMS_MAX], *vcause = NULL;
	size_t np = 0, i, cluster = SIZE_MAX;
	bool dry = false;
	int a, rc = -1;

	if (argc < 2) {
		cmd_runbook_list(ctx);
		return 0;
	}
	if (console_run_active()) {
		*cause = xstrdup("runbook: one is running (:runbook-show shows it, "
		    ":runbook-abort stops it)");
		return -1;
	}
	if (loop == NULL || ctx->client == NULL || ctx->store == NULL) {
		*cause = xstrdup("runbook: run it from the console, or use opsdeck runbook run");
		return -1;
	}
	for (a = 1; a < argc; a++) {
		if (strcmp(argv[a], "--param") == 0 && a + 1 < argc && np < RUN_PARAMS_MAX) {
			a++;
			eq = strchr(argv[a], '=');
			if (eq == NULL || eq == argv[a]) {
				*cause = xstrdup("runbook: --param wants NAME=VALUE");
				goto out;
			}
			params[np] = xstrndup(argv[a], (size_t)(eq - argv[a]));
			pnames[np] = params[np];
			pvalues[np++] = eq + 1;
		} else if (strcmp(argv[a], "--dry-run") == 0)
			dry = true;
		else if (name == NULL)
			name = argv[a];
	}
	if (ctx->scope.ns != NULL || ctx->scope.target != NULL) {
		*cause = xstrdup("runbook: acts on the selection: select its row (-n and -t "
		    "are for actions)");
		goto out;
	}
	if (ctx->scope.context != NULL) {
		cluster = store_cluster_find(ctx->store, ctx->scope.context);
		if (cluster == SIZE_MAX) {
			*cause = xasprintf("runbook: unknown context %s", ctx->scope.context);
			goto out;
		}
	}
	if (name == NULL) {
		*cause = xstrdup("runbook: which one?");
		goto out;
	}
	rb = runbook_find(name, cause);
	if (rb == NULL)
		goto out;
	memset(&o, 0, sizeof o);
	o.client = ctx->client;
	o.store = ctx->store;
	o.loop = loop;
	o.ui_ops = ctx->ui_ops;
	o.ui = ctx->ui;
	if (ctx->ntargets > 0) {
		o.cluster = ctx->targets[0].cluster;
		o.kind = ctx->targets[0].resource;
		o.ns = ctx->targets[0].ns;
		o.name = ctx->targets[0].name;
	}
	if (cluster != SIZE_MAX)
		o.cluster = cluster;
	o.pnames = pnames;
	o.pvalues = pvalues;
	o.nparams = np;
	o.read_only = ctx->read_only;
	o.dry_run = dry;
	o.ask_on_failure = true;
	o.own_rb = true;
	o.changed = console_run_changed;
	o.arg = ui;
	actions_set_loop(loop);
	run = runbook_run_start(rb, &o, cause);
	if (run == NULL) {
		runbook_free(rb);
		goto out;
	}
	runbook_run_unref(console_run);
	console_run = run;
	rc = 0;
	/* the progress view, before the first step asks anything */
	if (ctx->ui_ops != NULL && ctx->ui_ops->show_view != NULL &&
	    ctx->ui_ops->show_view(ctx->ui, "runbook", NULL, &vcause) != 0) {
		cmd_say(ctx, true, vcause);
		free(vcause);
	}
out:
	for (i = 0; i < np; i++)
		free(params[i]);
	return rc;
}

/*
 * Runbook keys: a runbook's `key:` runs it where the selection is one of
 * its applies-to kinds, ahead of the global keymap; so S silences on alerts
 * and scales out on deployments. (Not on the alerts it names: its steps act
 * on a workload, which an alert is not.)
 */

/* One bound runbook (borrowed from rb_keys_list). */
struct rb_key {
	int			 key;
	const struct runbook	*rb;
};
static struct rb_key	*rb_keys;
static size_t		 rb_nkeys;
static struct runbook	**rb_keys_list;
static size_t		 rb_keys_nlist;

/* Free the runbook keys. */
void
runbook_keys_free(void)
{
	free(rb_keys);
	rb_keys = NULL;
	rb_nkeys = 0;
	runbook_list_free(rb_keys_list, rb_keys_nlist);
	rb_keys_list = NULL;
	rb_keys_nlist = 0;
}

/* Bind the runbooks' keys; a key that does not parse, or one two runbooks
 * claim for the same kind, is reported in *warnings (new, joined with "; ",
 * or NULL) and the later runbook (by name) is not bound. */
void
runbook_keys_load(char **warnings)
{
	const struct runbook *rb;
	size_t i, j, k;
	char *w = NULL, *m, *n;
	int key;

	runbook_keys_free();
	rb_keys_list = runbook_list(&rb_keys_nlist, NULL, NULL);
	for (i = 0; i < rb_keys_nlist; i++) {
		rb = rb_keys_list[i];
		if (rb->key == NULL)
			continue;
		m = NULL;
		key = keymap_key_parse(rb->key);
		if (key < 0)
			m = xasprintf("runbook %s: key '%s' is not a key name", rb->name, rb->key);
		else if (rb->nkinds == 0)
			m = xasprintf("runbook %s: key '%s' needs applies-to kinds", rb->name, rb->key);
		for (j = 0; m == NULL && j < rb_nkeys; j++) {
			for (k = 0; m == NULL && rb_keys[j].key == key && k < rb->nkinds; k++) {
				if (runbook_for_kind(rb_keys[j].rb, rb->kinds[k]))
					m = xasprintf("runbook %s: key '%s' clashes with runbook %s "
					    "on %s", rb->name, rb->key, rb_keys[j].rb->name,
					    rb->kinds[k]);
			}
		}
		if (m != NULL) {
			n = xasprintf("%s%s%s", w != NULL ? w : "", w != NULL ? "; " : "", m);
			free(w);
			free(m);
			w = n;
			continue;
		}
		rb_keys = xreallocarray(rb_keys, rb_nkeys + 1, sizeof *rb_keys);
		rb_keys[rb_nkeys].key = key;
		rb_keys[rb_nkeys++].rb = rb;
	}
	*warnings = w;
}

/* The runbook key for a selection of kind (resource), or NULL. */
const char *
runbook_key_lookup(int key, const char *kind)
{
	size_t i;

	for (i = 0; kind != NULL && i < rb_nkeys; i++) {
		if (rb_keys[i].key == key && runbook_for_kind(rb_keys[i].rb, kind))
			return rb_keys[i].rb->name;
	}
	return NULL;
}

/* The bound runbook keys, one line each for the help view: "S  :runbook
 * scale-out  on deployments, horizontalpodautoscalers". */
size_t
runbook_keys_count(void)
{
	return rb_nkeys;
}

char *
runbook_key_line(size_t i)
{
	const struct rb_key *k = &rb_keys[i];
	char *on = runbook_applies_text(k->rb, false), *line;

	line = xasprintf("  %-10s :runbook %-22s on %s", keymap_key_name(k->key), k->rb->name,
	    on);
	free(on);
	return line;
}

/* :runbook-show: the progress view of the console's run. */
static int
cmd_runbook_show_exec(struct cmd_ctx *ctx, int argc, char **argv, char **cause)
{
	if (console_run == NULL) {
		*cause = xstrdup("runbook-show: no runbook has run (:runbook NAME starts one)");
		return -1;
	}
	return ctx->ui_ops->show_view(ctx->ui, "runbook", NULL, cause);
}

/* :runbook-abort */
static int
cmd_runbook_abort_exec(struct cmd_ctx *ctx, int argc, char **argv, char **cause)
{
	if (!console_run_active()) {
		*cause = xstrdup("runbook-abort: no runbook is running");
		return -1;
	}
	runbook_run_abort(console_run);
	return 0;
}

/* The console's runbook commands. */
static const struct cmd_entry runbook_commands[] = {
	{ "runbook", "rb", "[RUNBOOK] [--param K=V]... [--dry-run] [@CONTEXT]",
	    "run a runbook on the selection (no name: list them)", CMD_SCOPED, NULL,
	    cmd_runbook_exec },
	{ "runbook-show", NULL, "", "show the runbook run: every step and its state",
	    CMD_CONSOLE_ONLY, NULL, cmd_runbook_show_exec },
	{ "runbook-abort", NULL, "", "abort the running runbook", 0, NULL,
	    cmd_runbook_abort_exec },
};

/* Register :runbook, :runbook-show and :runbook-abort. */
void
runbook_register_commands(void)
{
	cmd_register(runbook_commands, sizeof runbook_commands / sizeof runbook_commands[0]);
}

void
runbook_register_all(void)
{
	actions_register();
	runbook_register_commands();
	incident_register_commands();
}

/* Entry point of `opsdeck runbook`. */
int
runbook_main(int argc, char **argv)
{
	if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		runbook_usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	if (strcmp(argv[1], "list") == 0)
		return runbook_cmd_list();
	if (strcmp(argv[1], "show") == 0 && argc == 3)
		return runbook_cmd_show(argv[2]);
	if (strcmp(argv[1], "check") == 0 && argc >= 3)
		return runbook_cmd_check(argc - 2, argv + 2);
	if (strcmp(argv[1], "run") == 0)
		return runbook_cmd_run(argc - 1, argv + 1);
	runbook_usage(stderr);
	return 2;
}
