/* The drill API's subresources besides status: scale, eviction, log,
 * exec and attach, portforward and the service proxy. */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "opsdeck/buf.h"
#include "opsdeck/json_util.h"
#include "opsdeck/pdb.h"
#include "opsdeck/sim_ctl.h"
#include "opsdeck/xmalloc.h"
#include "drill.h"
#include "api_int.h"
#include "patch.h"
#include "sim_store.h"

/* The label selector string of a workload ("app=web,tier=x"), new. */
static char *
selector_string(json_t *obj)
{
	json_t		*ml;
	const char	*k;
	json_t		*v;
	struct buf	 b = { 0 };

	ml = json_object_get(json_object_get(json_object_get(obj, "spec"), "selector"),
	    "matchLabels");
	if (ml == NULL)
		ml = json_object_get(json_object_get(obj, "spec"), "selector");
	json_object_foreach(ml, k, v) {
		if (!json_is_string(v))
			continue;
		if (b.len > 0)
			buf_add(&b, ",", 1);
		buf_str(&b, k);
		buf_add(&b, "=", 1);
		buf_str(&b, json_string_value(v));
	}
	return buf_take(&b);
}

/* The autoscaling/v1 Scale of obj. */
static json_t *
scale_of(json_t *obj)
{
	json_t	*m = json_object_get(obj, "metadata"), *sm;
	char	*sel;
	json_t	*scale;

	sm = json_object();
	json_object_set(sm, "name", json_object_get(m, "name"));
	json_object_set(sm, "namespace", json_object_get(m, "namespace"));
	json_object_set(sm, "uid", json_object_get(m, "uid"));
	json_object_set(sm, "resourceVersion", json_object_get(m, "resourceVersion"));
	json_object_set(sm, "creationTimestamp", json_object_get(m, "creationTimestamp"));
	sel = selector_string(obj);
	scale = json_pack("{s:s,s:s,s:o,s:{s:I},s:{s:I,s:s}}", "kind", "Scale", "apiVersion",
	    "autoscaling/v1", "metadata", sm, "spec", "replicas",
	    json_integer_value(json_object_get(json_object_get(obj, "spec"), "replicas")),
	    "status", "replicas",
	    json_integer_value(json_object_get(json_object_get(obj, "status"), "replicas")),
	    "selector", sel);
	free(sel);
	return scale;
}

/* GET, PUT or PATCH on the scale subresource. Lock held. */
void
api_scale(struct drill_req *req, struct drill_resp *resp, struct target *t, json_t *old,
    int dry)
{
	json_t		*scale, *in = NULL, *newobj, *out, *g;
	const char	*rv;
	char		*cause = NULL, *msg;
	json_int_t	 replicas;
	int		 rc;

	scale = scale_of(old);
	if (strcmp(req->method, "GET") == 0) {
		resp_json(resp, 200, scale);
		return;
	}
	if (strcmp(req->method, "PUT") == 0) {
		in = body_object(req, resp);
		if (in == NULL)
			goto out;
	} else {
		rc = drill_patch(req->content_type, scale, req->body, req->body_len, &in,
		    &cause);
		if (rc != 0) {
			patch_error(resp, rc, cause, t);
			goto out;
		}
	}
	rv = field_value(in, "metadata.resourceVersion");
	if (*rv != '\0' && strcmp(rv, field_value(old, "metadata.resourceVersion")) != 0) {
		conflict(resp, t);
		goto out;
	}
	if (!json_is_integer(json_object_get(json_object_get(in, "spec"), "replicas")) ||
	    json_integer_value(json_object_get(json_object_get(in, "spec"), "replicas")) < 0) {
		g = json_object_get(json_object_get(in, "spec"), "replicas");
		msg = json_is_integer(g) ? xasprintf("Invalid value: %lld: must be greater "
		    "than or equal to 0", (long long)json_integer_value(g)) :
		    xstrdup("Invalid value: null: must be greater than or equal to 0");
		invalid_field(resp, "autoscaling", "Scale", t->name, "spec.replicas",
		    "FieldValueInvalid", msg);
		free(msg);
		goto out;
	}
	replicas = json_integer_value(json_object_get(json_object_get(in, "spec"), "replicas"));
	newobj = json_deep_copy(old);
	if (!json_is_object(json_object_get(newobj, "spec")))
		json_object_set_new(newobj, "spec", json_object());
	json_object_set_new(json_object_get(newobj, "spec"), "replicas",
	    json_integer(replicas));
	if (dry) {
		json_decref(scale);
		scale = scale_of(newobj);
		json_decref(newobj);
		resp_json(resp, 200, scale);
		scale = NULL;
		goto out;
	}
	rc = sim_obj_replace(req->cluster, t->res, newobj, &out, &cause);
	if (rc != 0) {
		store_error(resp, rc, cause, t->res, t->name, 0);
		goto out;
	}
	resp_json(resp, 200, scale_of(out));
out:
	json_decref(in);
	json_decref(scale);
}

/* The PodDisruptionBudgets covering one pod. */
struct evict_pdbs {
	json_t	*pod;
	json_t	*pdb;		/* the first (borrowed) */
	size_t	 n;
};

/* Count pdb if it selects the pod. */
static int
evict_pdb_cb(json_t *pdb, void *arg)
{
	struct evict_pdbs *e = arg;

	if (!pdb_selects(pdb, e->pod))
		return 0;
	if (e->n++ == 0)
		e->pdb = pdb;
	return 0;
}

/* The 429 (or 403) of a PDB refusing an eviction, as checkAndDecrement
 * builds it. */
static void
evict_refused(struct drill_resp *resp, json_t *pdb, enum pdb_refusal r, char *cause)
{
	const char	*name = json_path_str_or(pdb, "metadata.name", "?");
	json_t		*st, *details;
	char		*msg;

	if (r == PDB_NEGATIVE) {
		msg = xasprintf("poddisruptionbudget.policy \"%s\" is forbidden: %s", name,
		    cause);
		resp_json(resp, 403, status_object(403, "Forbidden", msg, "policy",
		    "poddisruptionbudget", name));
		free(msg);
		return;
	}
	st = status_object(429, "TooManyRequests", "Cannot evict pod as it would violate the "
	    "pod's disruption budget.", NULL, NULL, NULL);
	details = json_pack("{s:[{s:s,s:s}]}", "causes", "reason", "DisruptionBudget",
	    "message", cause);
	if (r == PDB_UNOBSERVED) {
		/* errors.NewTooManyRequests(..., 10): a Retry-After hint. */
		json_object_set_new(details, "retryAfterSeconds", json_integer(10));
		resp->retry_after = xstrdup("10");
	}
	json_object_set_new(st, "details", details);
	resp_json(resp, 429, st);
}

/* Take one disruption from pdb for the pod being evicted (upstream
 * checkAndDecrement after its checks): at once, so that two evictions
 * cannot both pass on the last disruption. */
static void
evict_decrement(struct sim_cluster *c, json_t *pdb, const char *pod)
{
	json_t	*st = json_object_get(pdb, "status"), *dp;
	char	 ts[40];

	json_object_set_new(st, "disruptionsAllowed",
	    json_integer(json_integer_value(json_object_get(st, "disruptionsAllowed")) - 1));
	if (json_integer_value(json_object_get(st, "disruptionsAllowed")) == 0)
		ctl_pdb_condition(st);
	dp = json_object_get(st, "disruptedPods");
	if (!json_is_object(dp)) {
		dp = json_object();
		json_object_set_new(st, "disruptedPods", dp);
	}
	sim_rfc3339((int64_t)sim_wallclock(), ts, sizeof ts);
	json_object_set_new(dp, pod, json_string(ts));
	sim_obj_modified(c, kind_find_api("policy", "poddisruptionbudgets"), pdb, false);
}

/* POST pods/NAME/eviction, as upstream's EvictionREST.Create: pods that are
 * pending, finished or already deleting go at once; otherwise the one PDB
 * covering the pod must allow a disruption (more than one PDB: 500), unless
 * the pod is unready and the budget's unhealthy-pod policy lets it go.
 * dryRun checks everything and changes nothing. Lock held. */
void
api_evict(struct drill_req *req, struct drill_resp *resp, struct target *t, json_t *pod,
    int dry)
{
	struct evict_pdbs	 e = { pod, NULL, 0 };
	enum pdb_refusal	 r;
	char			*cause = NULL;

	if (pdb_pod_exempt(pod))
		goto evict;
	sim_obj_foreach(req->cluster, kind_find_api("policy", "poddisruptionbudgets"),
	    t->ns, evict_pdb_cb, &e);
	if (e.n > 1) {
		resp_json(resp, 500, json_pack("{s:s,s:s,s:{},s:s,s:s,s:i}", "kind", "Status",
		    "apiVersion", "v1", "metadata", "status", "Failure", "message", "This pod "
		    "has more than one PodDisruptionBudget, which the eviction subresource "
		    "does not support.", "code", 500));
		return;
	}
	if (e.n == 0 || pdb_unhealthy_exempt(e.pdb, pod))
		goto evict;
	r = pdb_check(e.pdb, &cause);
	if (r != PDB_ALLOWS) {
		evict_refused(resp, e.pdb, r, cause);
		free(cause);
		return;
	}
	if (!dry)
		evict_decrement(req->cluster, e.pdb, t->name);
evict:
	api_delete(req, resp, t, pod, dry, 1);
}

/* A streamed log (follow). */
struct logstream {
	struct sim_cluster	*c;
	char			*ns;
	char			*name;
	char			*uid;
	char			*container;
	size_t			 next;
	int			 timestamps;
	struct buf		 out;
	size_t			 off;
};

/* Prefix each line of text with a timestamp if asked; append to b. */
static void
log_append(struct buf *b, const char *text, int timestamps)
{
	const char	*p = text, *nl;
	char		 ts[64];
	struct timespec	 now;
	struct tm	 tm;

	if (!timestamps) {
		buf_str(b, text);
		return;
	}
	clock_gettime(CLOCK_REALTIME, &now);
	gmtime_r(&now.tv_sec, &tm);
	strftime(ts, sizeof ts, "%Y-%m-%dT%H:%M:%S", &tm);
	while (*p != '\0') {
		nl = strchr(p, '\n');
		buf_str(b, ts);
		{
			char frac[32];

			snprintf(frac, sizeof frac, ".%09ldZ ", now.tv_nsec);
			buf_str(b, frac);
		}
		buf_add(b, p, nl != NULL ? (size_t)(nl - p + 1) : strlen(p));
		if (nl == NULL)
			break;
		p = nl + 1;
	}
}

/* Produce more of a followed log. */
static long
log_read(void *arg, char *dst, size_t max)
{
	struct logstream	*ls = arg;
	struct sim		*sim = ls->c->sim;
	const struct kind *pods = kind_find_api("", "pods");
	struct timespec		 ts;
	json_t			*pod;
	char			*text;
	size_t			 n;
	int			 gone;

	for (;;) {
		if (ls->off < ls->out.len) {
			n = ls->out.len - ls->off;
			if (n > max)
				n = max;
			memcpy(dst, ls->out.p + ls->off, n);
			ls->off += n;
			if (ls->off == ls->out.len)
				ls->off = ls->out.len = 0;
			return (long)n;
		}
		sim_lock(sim);
		if (sim->stopping || ls->c->reach != SIM_REACH_OK) {
			sim_unlock(sim);
			return -1;
		}
		pod = sim_obj_get(ls->c, pods, ls->ns, ls->name);
		gone = pod == NULL || strcmp(field_value(pod, "metadata.uid"), ls->uid) != 0;
		if (!gone) {
			text = sim_pod_log(ls->c, pod, ls->container, false, ls->next, &ls->next);
			if (text != NULL)
				log_append(&ls->out, text, ls->timestamps);
			free(text);
		}
		if (!gone && ls->out.len == 0) {
			clock_gettime(CLOCK_MONOTONIC, &ts);
			ts.tv_nsec += 500 * 1000 * 1000;
			if (ts.tv_nsec >= 1000000000) {
				ts.tv_sec++;
				ts.tv_nsec -= 1000000000;
			}
			pthread_cond_timedwait(&sim->changed, &sim->lock, &ts);
		}
		sim_unlock(sim);
		if (gone && ls->out.len == 0)
			return -1;
	}
}

/* Free a log stream. */
static void
log_free(void *arg)
{
	struct logstream	*ls = arg;

	free(ls->ns);
	free(ls->name);
	free(ls->uid);
	free(ls->container);
	buf_free(&ls->out);
	free(ls);
}

/* The container a pods/log, exec or attach request names (borrowed from
 * pod): the only one when none is named, "" when the pod has none. NULL
 * with a 400 in resp when the name is missing or wrong. Lock held. */
static const char *
pod_container(struct drill_req *req, struct drill_resp *resp, struct target *t, json_t *pod)
{
	json_t		*containers, *ctr;
	const char	*container;
	char		*msg;
	struct buf	 names = { 0 };
	size_t		 i;
	int		 found = 0;

	containers = json_object_get(json_object_get(pod, "spec"), "containers");
	container = req->arg(req, "container");
	json_array_foreach(containers, i, ctr) {
		if (names.len > 0)
			buf_add(&names, " ", 1);
		buf_str(&names, field_value(ctr, "name"));
		if (container != NULL && strcmp(container, field_value(ctr, "name")) == 0) {
			found = 1;
			container = field_value(ctr, "name");
		}
	}
	/* a debug container added later (kubectl debug) answers too */
	json_array_foreach(json_object_get(json_object_get(pod, "spec"), "ephemeralContainers"), i,
	    ctr) {
		if (container != NULL && !found &&
		    strcmp(container, field_value(ctr, "name")) == 0) {
			found = 1;
			container = field_value(ctr, "name");
		}
	}
	if (container == NULL || *container == '\0') {
		if (json_array_size(containers) > 1) {
			msg = xasprintf("a container name must be specified for pod %s, choose "
			    "one of: [%s]", t->name, names.p != NULL ? names.p : "");
			drill_api_status(resp, 400, "BadRequest", msg, NULL, NULL);
			free(msg);
			buf_free(&names);
			return NULL;
		}
		container = json_array_size(containers) == 1 ?
		    field_value(json_array_get(containers, 0), "name") : "";
	} else if (!found) {
		msg = xasprintf("container %s is not valid for pod %s", container, t->name);
		drill_api_status(resp, 400, "BadRequest", msg, NULL, NULL);
		free(msg);
		buf_free(&names);
		return NULL;
	}
	buf_free(&names);
	return container;
}

/* GET pods/NAME/log. Lock held. */
static void
api_log(struct drill_req *req, struct drill_resp *resp, struct target *t, json_t *pod)
{
	const char	*container, *tail;
	char		*text;
	struct buf	 b = { 0 };
	struct logstream *ls;
	size_t		 i, next = 0, nl;
	long		 tail_n = -1;
	const char	*p;

	container = pod_container(req, resp, t, pod);
	if (container == NULL)
		return;
	if (*container == '\0')
		container = NULL;
	text = sim_pod_log(req->cluster, pod, container, arg_bool(req, "previous"), 0, &next);
	if (text == NULL)
		text = xstrdup("");
	tail = req->arg(req, "tailLines");
	if (tail != NULL && *tail != '\0')
		tail_n = strtol(tail, NULL, 10);
	p = text;
	if (tail_n >= 0) {
		nl = 0;
		for (i = strlen(text); i > 0; i--) {
			if (text[i - 1] == '\n' && i != strlen(text)) {
				if (++nl == (size_t)tail_n) {
					p = text + i;
					break;
				}
			}
		}
		if (tail_n == 0)
			p = text + strlen(text);
	}
	log_append(&b, p, arg_bool(req, "timestamps"));
	free(text);
	if (!arg_bool(req, "follow") || arg_bool(req, "previous")) {
		resp_buf(resp, 200, &b, "text/plain");
		return;
	}
	ls = xcalloc(1, sizeof *ls);
	ls->c = req->cluster;
	ls->ns = xstrdup(t->ns != NULL ? t->ns : "");
	ls->name = xstrdup(t->name);
	ls->uid = xstrdup(field_value(pod, "metadata.uid"));
	ls->container = container != NULL ? xstrdup(container) : NULL;
	ls->next = next;
	ls->timestamps = arg_bool(req, "timestamps");
	ls->out = b;
	resp->status = 200;
	resp->content_type = "text/plain";
	resp->stream = ls;
	resp->stream_read = log_read;
	resp->stream_free = log_free;
}

/* Answer 101 to a WebSocket upgrade offering one of protocols: resp takes
 * ex, its protocol set; 0. Otherwise 400 naming what is served, ex freed;
 * -1. */
static int
ws_upgrade(struct drill_req *req, struct drill_resp *resp, struct drill_exec *ex,
    const char *const *protocols, const char *served)
{
	const char	*proto = drill_ws_protocol(req->ws_protocol, protocols);
	char		*msg;

	if (req->upgrade == NULL || strcasecmp(req->upgrade, "websocket") != 0 ||
	    req->ws_key == NULL || proto == NULL) {
		msg = xasprintf("Upgrade request required (the drill serves %s only)", served);
		drill_api_status(resp, 400, "BadRequest", msg, NULL, NULL);
		free(msg);
		drill_exec_free(ex);
		return -1;
	}
	resp->ws_accept = drill_ws_accept(req->ws_key);
	if (resp->ws_accept == NULL) {
		drill_api_status(resp, 500, "InternalError", "cannot hash the key", NULL, NULL);
		drill_exec_free(ex);
		return -1;
	}
	ex->protocol = proto;
	resp->status = 101;
	resp->exec = ex;
	return 0;
}

/* GET or POST pods/NAME/exec or attach: validate, then answer 101 with
 * the session for server.c to run. Only WebSocket upgrades are served (no
 * SPDY). Lock held. */
static void
api_exec(struct drill_req *req, struct drill_resp *resp, struct target *t, json_t *pod,
    int attach)
{
	const char		*container, *cmd[64];
	struct drill_exec	*ex;
	json_t			*ctr = NULL, *e;
	size_t			 i, n = 0;
	char			*msg;

	container = pod_container(req, resp, t, pod);
	if (container == NULL)
		return;
	if (!attach) {
		n = req->arg_all(req, "command", cmd, sizeof cmd / sizeof cmd[0]);
		if (n == 0) {
			drill_api_status(resp, 400, "BadRequest", "you must specify at least 1 "
			    "command", NULL, NULL);
			return;
		}
	}
	if (!arg_bool(req, "stdin") && !arg_bool(req, "stdout") && !arg_bool(req, "stderr")) {
		drill_api_status(resp, 400, "BadRequest", "you must specify at least 1 of "
		    "stdin, stdout, stderr", NULL, NULL);
		return;
	}
	if (*container == '\0' || strcmp(field_value(pod, "status.phase"), "Running") != 0) {
		msg = xasprintf("unable to upgrade connection: container not found (\"%s\")",
		    container);
		drill_api_status(resp, 400, "BadRequest", msg, NULL, NULL);
		free(msg);
		return;
	}
	ex = xcalloc(1, sizeof *ex);
	ex->attach = attach;
	ex->argc = n;
	ex->argv = xcalloc(n + 1, sizeof *ex->argv);
	for (i = 0; i < n; i++)
		ex->argv[i] = xstrdup(cmd[i]);
	json_array_foreach(json_object_get(json_object_get(pod, "spec"), "containers"), i, e) {
		if (strcmp(field_value(e, "name"), container) == 0)
			ctr = e;
	}
	json_array_foreach(json_object_get(ctr, "env"), i, e) {
		if (!json_is_string(json_object_get(e, "value")) || ex->nenv >= 256)
			continue;
		ex->env = xreallocarray(ex->env, ex->nenv + 1, sizeof *ex->env);
		ex->env[ex->nenv++] = xasprintf("%s=%s", field_value(e, "name"),
		    field_value(e, "value"));
	}
	ex->hostname = xstrdup(*field_value(pod, "spec.hostname") != '\0' ?
	    field_value(pod, "spec.hostname") : t->name);
	ex->ns = xstrdup(t->ns != NULL ? t->ns : "default");
	ex->ip = xstrdup(field_value(pod, "status.podIP"));
	ex->tty = arg_bool(req, "tty");
	ex->in = arg_bool(req, "stdin");
	ex->out = arg_bool(req, "stdout");
	ex->err = arg_bool(req, "stderr");
	if (ws_upgrade(req, resp, ex, drill_exec_protocols, "WebSocket v5.channel.k8s.io and "
	    "v4.channel.k8s.io") == 0)
		ex->v5 = strcmp(ex->protocol, "v5.channel.k8s.io") == 0;
}

/* GET or POST pods/NAME/portforward: SPDY/3.1, upgraded directly or
 * tunnelled through WebSocket (what kubectl 1.31+ asks first); the session
 * is the pod's containerPorts answering HTTP. Lock held. */
static void
api_portforward(struct drill_req *req, struct drill_resp *resp, struct target *t, json_t *pod)
{
	struct drill_exec	*ex;
	json_t			*c, *port;
	size_t			 i, j;

	if (strcmp(field_value(pod, "status.phase"), "Running") != 0) {
		drill_api_status(resp, 400, "BadRequest", "unable to upgrade connection: pod "
		    "is not running", NULL, NULL);
		return;
	}
	ex = xcalloc(1, sizeof *ex);
	ex->portforward = 1;
	ex->hostname = xstrdup(t->name);
	ex->ns = xstrdup(t->ns != NULL ? t->ns : "default");
	json_array_foreach(json_object_get(json_object_get(pod, "spec"), "containers"), i, c) {
		json_array_foreach(json_object_get(c, "ports"), j, port) {
			if (!json_is_integer(json_object_get(port, "containerPort")) ||
			    ex->nports >= 64)
				continue;
			ex->ports = xreallocarray(ex->ports, ex->nports + 1, sizeof *ex->ports);
			ex->ports[ex->nports++] = (int)json_integer_value(json_object_get(port,
			    "containerPort"));
		}
	}
	if (req->upgrade != NULL && strcasecmp(req->upgrade, "SPDY/3.1") == 0 &&
	    req->stream_protocol != NULL && strstr(req->stream_protocol,
	    "portforward.k8s.io") != NULL) {
		/* SPDY itself: no key to answer */
		ex->spdy = 1;
		ex->protocol = "portforward.k8s.io";
		resp->status = 101;
		resp->exec = ex;
		return;
	}
	ws_upgrade(req, resp, ex, drill_pf_protocols, "port-forward as SPDY/3.1, upgraded "
	    "or over WebSocket,");
}

/* The service proxy. Lock held. */
static void
api_proxy(struct drill_req *req, struct drill_resp *resp, struct target *t)
{
	char		*svc, *colon, *body = NULL, *rest;
	const char	*ct = "text/plain";
	int		 code;

	svc = xstrdup(t->name);
	colon = strchr(svc, ':');
	if (colon != NULL)
		*colon = '\0';
	if (sim_obj_get(req->cluster, t->res, t->ns, svc) == NULL) {
		char *msg = xasprintf("services \"%s\" not found", svc);

		api_error(resp, 404, "NotFound", msg, t->res, svc);
		free(msg);
		free(svc);
		return;
	}
	rest = xasprintf("/%s", t->rest != NULL ? t->rest : "");
	code = sim_proxy(req->cluster, t->ns, svc, req->method, rest,
	    req->query != NULL ? req->query : "", req->body, req->body_len, &body, &ct);
	resp->status = code;
	resp->content_type = ct;
	resp->body = body != NULL ? body : xstrdup("");
	resp->body_len = strlen(resp->body);
	free(rest);
	free(svc);
}

/* get pods/log. */
void
route_log(struct drill_req *req, struct drill_resp *resp, struct target *t, json_t *obj,
    int dry)
{
	api_log(req, resp, t, obj);
}

/* create pods/exec or pods/attach. */
void
route_exec(struct drill_req *req, struct drill_resp *resp, struct target *t, json_t *obj,
    int dry)
{
	api_exec(req, resp, t, obj, strcmp(t->sub, "attach") == 0);
}

/* create pods/portforward. */
void
route_portforward(struct drill_req *req, struct drill_resp *resp, struct target *t,
    json_t *obj, int dry)
{
	api_portforward(req, resp, t, obj);
}

/* Any verb on services/proxy. */
void
route_proxy(struct drill_req *req, struct drill_resp *resp, struct target *t, json_t *obj,
    int dry)
{
	api_proxy(req, resp, t);
}
