/* Starting a runbook run: the target's checks, the parameters checked
 * against the estate and resolved from it, and the phase before step one. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "opsdeck/actions.h"
#include "opsdeck/client.h"
#include "opsdeck/incident.h"
#include "opsdeck/json_util.h"
#include "opsdeck/kinds.h"
#include "opsdeck/names.h"
#include "opsdeck/sanitize.h"
#include "opsdeck/store.h"
#include "opsdeck/xmalloc.h"

#include "runbook_run_int.h"

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

	*cause = runbook_refusal(rb, o->dry_run, o->read_only,
	    o->cluster < store_ncluster(o->store) ? store_cluster(o->store, o->cluster) : NULL);
	if (*cause != NULL)
		return NULL;
	if (o->cluster >= store_ncluster(o->store)) {
		*cause = xstrdup("no target context");
		return NULL;
	}
	sc = store_cluster(o->store, o->cluster);
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
