/* Runbook conditions: a check or wait step's condition evaluated against
 * live state (lists, a deployment's rollout with its ReplicaSets and pods,
 * Alertmanager, Prometheus), asynchronously on the loop. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "opsdeck/actions.h"
#include "opsdeck/client.h"
#include "opsdeck/http.h"
#include "opsdeck/json_util.h"
#include "opsdeck/kinds.h"
#include "opsdeck/xmalloc.h"

#include "runbook_run_int.h"

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
				    strcmp(json_path_str(ref, "uid"), uid) == 0 &&
				    pod_crashing(p, (int64_t)time(NULL)))
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
