/* Drill scenarios, the loader: scenario YAML (read by scenario_yaml.c) into
 * the estate's clusters and initial objects, alert rules, the fault
 * timeline and the resolved_when conditions, which scenario_run.c runs.
 * See opsdeck-drill(1), SCENARIO FILES. */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "opsdeck/duration.h"
#include "opsdeck/json_util.h"
#include "opsdeck/sim.h"
#include "opsdeck/sim_ctl.h"
#include "opsdeck/file.h"
#include "opsdeck/xmalloc.h"
#include "scenario_int.h"

/* Most replicas a scenario workload may ask for. */
#define SCN_MAX_REPLICAS	20000
/* Most base: levels followed. */
#define SCN_MAX_BASE	4

/* Loader context: the document, its marks, the estate. */
struct ld {
	struct sim		*sim;
	struct scn_marks	*m;
	const char		*what;
	char			**cause;
	double			 wall;
};

/* Fail with a positioned message about v. */
static int
ld_fail(struct ld *ld, json_t *v, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Fail with a positioned message about v. */
static int
ld_fail(struct ld *ld, json_t *v, const char *fmt, ...)
{
	va_list	ap;
	char	*msg, where[64];

	va_start(ap, fmt);
	msg = xvasprintf(fmt, ap);
	va_end(ap);
	*ld->cause = xasprintf("%s: %s%s", ld->what, marks_where(ld->m, v, where,
	    sizeof where), msg);
	free(msg);
	return -1;
}

/* A string field or def. */
const char *
fstr(json_t *o, const char *key, const char *def)
{
	const char	*s = json_string_value(json_object_get(o, key));

	return s != NULL ? s : def;
}

/* A duration in seconds: a number, or a string as duration.h reads it. */
static double
fdur(json_t *v, double def)
{
	const char	*s;
	double		 d;

	if (json_is_number(v))
		return json_number_value(v);
	s = json_string_value(v);
	if (s == NULL || duration_parse(s, &d, NULL) != 0)
		return def;
	return d;
}

/* A number field or def. */
static double
fnum(json_t *o, const char *key, double def)
{
	return fdur(json_object_get(o, key), def);
}

/* Does item apply to cluster c (its clusters: list, default all)? */
static bool
applies(json_t *item, struct sim_cluster *c)
{
	json_t	*list = json_object_get(item, "clusters"), *x;
	size_t	 i;

	if (json_is_string(list))
		return strcmp(json_string_value(list), c->name) == 0;
	if (!json_is_array(list))
		return true;
	json_array_foreach(list, i, x) {
		if (json_is_string(x) && strcmp(json_string_value(x), c->name) == 0)
			return true;
		if (json_is_string(x) && strcmp(json_string_value(x), c->role) == 0)
			return true;
	}
	return false;
}

/* Create an object (stolen) in c, ignoring failure of duplicates. */
static json_t *
put(struct sim_cluster *c, const char *group, const char *resource, const char *ns,
    json_t *obj)
{
	char	*cause = NULL;
	json_t	*out = NULL;

	if (obj == NULL)
		return NULL;
	if (sim_obj_create(c, kind_find_api(group, resource), ns, obj, &out, &cause) != 0) {
		free(cause);
		return NULL;
	}
	return out;
}

/* The creation time of estate objects: three days before the drill. */
static void
aged(json_t *obj, double wall, double age)
{
	char	ts[40];

	ctl_rfc3339(wall - age, ts, sizeof ts);
	ctl_set(obj, "metadata.creationTimestamp", json_string(ts));
}

/* Labels of an item (default app: name), new. */
static json_t *
item_labels(json_t *item, const char *name)
{
	json_t	*l = json_object_get(item, "labels");

	if (json_is_object(l) && json_object_size(l) > 0)
		return json_deep_copy(l);
	return json_pack("{s:s}", "app", name);
}

/* A pod template for a workload item (new). */
static json_t *
pod_template(json_t *item, const char *name, json_t *labels, bool service)
{
	json_t		*ann = json_object(), *ctr, *x;
	char		 buf[32];
	const char	*image = fstr(item, "image", "busybox:1.36");

	if (json_object_get(item, "readiness_delay") != NULL) {
		snprintf(buf, sizeof buf, "%g", fnum(item, "readiness_delay", 2));
		json_object_set_new(ann, "drill.opsdeck.dev/ready-after", json_string(buf));
	}
	if (json_is_true(json_object_get(item, "needs_db")))
		json_object_set_new(ann, "drill.opsdeck.dev/needs-db", json_string("true"));
	if (json_is_true(json_object_get(item, "database")))
		json_object_set_new(ann, "drill.opsdeck.dev/database", json_string("true"));
	if (json_object_get(item, "run_seconds") != NULL) {
		snprintf(buf, sizeof buf, "%g", fnum(item, "run_seconds", 4));
		json_object_set_new(ann, "drill.opsdeck.dev/run-seconds", json_string(buf));
	}
	ctr = json_pack("{s:s,s:s,s:s}", "name", fstr(item, "container", name), "image", image,
	    "imagePullPolicy", "IfNotPresent");
	if (json_is_integer(json_object_get(item, "port")))
		json_object_set_new(ctr, "ports", json_pack("[{s:I,s:s}]", "containerPort",
		    json_integer_value(json_object_get(item, "port")), "protocol", "TCP"));
	x = json_object_get(item, "resources");
	json_object_set_new(ctr, "resources", json_is_object(x) ? json_deep_copy(x) :
	    json_object());
	x = json_object_get(item, "env");
	if (json_is_array(x))
		json_object_set_new(ctr, "env", json_deep_copy(x));
	x = json_object_get(item, "command");
	if (json_is_array(x))
		json_object_set_new(ctr, "command", json_deep_copy(x));
	if (service && json_is_integer(json_object_get(item, "port")))
		json_object_set_new(ctr, "readinessProbe", json_pack("{s:{s:s,s:I},s:i,s:i}",
		    "httpGet", "path", fstr(item, "readiness_path", "/health/ready"), "port",
		    json_integer_value(json_object_get(item, "port")), "periodSeconds", 5,
		    "failureThreshold", 3));
	json_object_set_new(ctr, "terminationMessagePath", json_string("/dev/termination-log"));
	json_object_set_new(ctr, "terminationMessagePolicy", json_string("File"));
	return json_pack("{s:{s:O,s:o},s:{s:[o],s:s,s:I,s:s,s:s}}", "metadata", "labels",
	    labels, "annotations", ann, "spec", "containers", ctr, "restartPolicy",
	    service ? "Always" : "Never", "terminationGracePeriodSeconds",
	    (json_int_t)fnum(item, "grace", 30), "dnsPolicy", "ClusterFirst", "schedulerName",
	    "default-scheduler");
}

/* The replica count of an item in cluster c (namespace scale overrides). */
static json_int_t
replicas_in(json_t *item, json_t *cl, const char *ns, json_int_t def)
{
	json_t	*scale = json_object_get(cl, "scale"), *v;

	double	 r;

	v = json_object_get(scale, ns);
	if (json_is_integer(v))
		r = (double)json_integer_value(v);
	else
		r = fnum(item, "replicas", (double)def);
	if (!(r >= 0))
		return 0;
	return r > SCN_MAX_REPLICAS ? SCN_MAX_REPLICAS : (json_int_t)r;
}

/* Build a Deployment (new). */
json_t *
scn_deployment(const char *ns, const char *name, int replicas, const char *image,
    json_t *labels)
{
	json_t	*item, *d;

	item = json_pack("{s:s}", "image", image);
	d = json_pack("{s:{s:s,s:s,s:O},s:{s:i,s:{s:O},s:o,s:{s:s,s:{s:s,s:s}},"
	    "s:i,s:i}}", "metadata", "name", name, "namespace", ns, "labels", labels,
	    "spec", "replicas", replicas, "selector", "matchLabels", labels, "template",
	    pod_template(item, name, labels, true), "strategy", "type", "RollingUpdate",
	    "rollingUpdate", "maxSurge", "25%", "maxUnavailable", "25%",
	    "revisionHistoryLimit", 10, "progressDeadlineSeconds", 600);
	json_decref(item);
	return d;
}

/* Create the deployments of the document in cluster c. */
static int
ld_deployments(struct ld *ld, json_t *doc, struct sim_cluster *c, json_t *cl)
{
	json_t		*item, *labels, *d, *strat, *ann, *x;
	size_t		 i;
	const char	*name, *ns;
	struct scn	*scn = scn_get(ld->sim);
	json_t		*surge25 = json_string("25%");

	json_array_foreach(json_object_get(doc, "deployments"), i, item) {
		if (!applies(item, c))
			continue;
		name = fstr(item, "name", NULL);
		if (name == NULL || !json_is_string(json_object_get(item, "image")))
		{
			json_decref(surge25);
			return ld_fail(ld, item, "a deployment needs name and image");
		}
		ns = fstr(item, "namespace", "default");
		labels = item_labels(item, name);
		strat = json_object_get(item, "strategy");
		if (json_is_object(strat) && strcmp(fstr(strat, "type", "RollingUpdate"),
		    "Recreate") == 0)
			strat = json_pack("{s:s}", "type", "Recreate");
		else
			strat = json_pack("{s:s,s:{s:O,s:O}}", "type", "RollingUpdate",
			    "rollingUpdate", "maxSurge", json_object_get(strat, "maxSurge") ?
			    json_object_get(strat, "maxSurge") : surge25,
			    "maxUnavailable", json_object_get(strat, "maxUnavailable") ?
			    json_object_get(strat, "maxUnavailable") : surge25);
		ann = json_object();
		x = json_object_get(item, "change_cause");
		if (json_is_string(x))
			json_object_set(ann, "kubernetes.io/change-cause", x);
		d = json_pack("{s:{s:s,s:s,s:O,s:o},s:{s:I,s:{s:O},s:o,s:o,s:I,s:I,s:b}}",
		    "metadata", "name", name, "namespace", ns, "labels", labels, "annotations",
		    ann, "spec", "replicas", replicas_in(item, cl, ns, 1), "selector",
		    "matchLabels", labels, "template", pod_template(item, name, labels, true),
		    "strategy", strat, "revisionHistoryLimit",
		    (json_int_t)fnum(item, "revisionHistoryLimit", 10), "progressDeadlineSeconds",
		    (json_int_t)fnum(item, "progressDeadlineSeconds", 600), "paused",
		    json_is_true(json_object_get(item, "paused")));
		json_decref(labels);
		if (d == NULL) {
			json_decref(surge25);
			return ld_fail(ld, item, "bad deployment %s", name);
		}
		aged(d, ld->wall, 3 * 86400);
		if (strcmp(c->role, "primary") == 0) {
			char *key = xasprintf("%s/%s", ns, name);

			json_object_set_new(scn->primary_replicas, key, json_integer(
			    json_path_int(d, "spec.replicas", 1)));
			free(key);
		}
		put(c, "apps", "deployments", ns, d);
	}
	json_decref(surge25);
	return 0;
}

/* Create the StatefulSets and DaemonSets of the document in c. */
static int
ld_sets(struct ld *ld, json_t *doc, struct sim_cluster *c, json_t *cl)
{
	json_t		*item, *labels, *o;
	size_t		 i;
	const char	*name, *ns;

	json_array_foreach(json_object_get(doc, "statefulsets"), i, item) {
		if (!applies(item, c))
			continue;
		name = fstr(item, "name", NULL);
		if (name == NULL || !json_is_string(json_object_get(item, "image")))
			return ld_fail(ld, item, "a statefulset needs name and image");
		ns = fstr(item, "namespace", "default");
		labels = item_labels(item, name);
		o = json_pack("{s:{s:s,s:s,s:O},s:{s:I,s:s,s:{s:O},s:o,s:s,s:{s:s}}}",
		    "metadata", "name", name, "namespace", ns, "labels", labels, "spec",
		    "replicas", replicas_in(item, cl, ns, 1), "serviceName", name, "selector",
		    "matchLabels", labels, "template", pod_template(item, name, labels, true),
		    "podManagementPolicy", "OrderedReady", "updateStrategy", "type",
		    "RollingUpdate");
		json_decref(labels);
		aged(o, ld->wall, 3 * 86400);
		put(c, "apps", "statefulsets", ns, o);
	}
	json_array_foreach(json_object_get(doc, "daemonsets"), i, item) {
		if (!applies(item, c))
			continue;
		name = fstr(item, "name", NULL);
		if (name == NULL || !json_is_string(json_object_get(item, "image")))
			return ld_fail(ld, item, "a daemonset needs name and image");
		ns = fstr(item, "namespace", "kube-system");
		labels = item_labels(item, name);
		o = json_pack("{s:{s:s,s:s,s:O},s:{s:{s:O},s:o,s:{s:s}}}", "metadata", "name",
		    name, "namespace", ns, "labels", labels, "spec", "selector", "matchLabels",
		    labels, "template", pod_template(item, name, labels, true),
		    "updateStrategy", "type", "RollingUpdate");
		json_decref(labels);
		aged(o, ld->wall, 3 * 86400);
		put(c, "apps", "daemonsets", ns, o);
	}
	return 0;
}

/* Turn an HPA's load_curve ([{at, value}]) into timed load changes. */
static int
ld_curve(struct ld *ld, struct sim_cluster *c, const char *ns, const char *name,
    json_t *curve)
{
	struct scn	*scn = scn_get(ld->sim);
	struct scn_fault *f;
	json_t		*pt;
	size_t		 i;

	json_array_foreach(curve, i, pt) {
		if (!json_is_number(json_object_get(pt, "value")))
			return ld_fail(ld, pt, "a load_curve point needs at and a numeric value");
		scn->faults = xreallocarray(scn->faults, scn->nfaults + 1, sizeof *scn->faults);
		f = &scn->faults[scn->nfaults++];
		memset(f, 0, sizeof *f);
		f->curve = true;
		f->at = fnum(pt, "at", 0);
		f->action = xstrdup("load");
		f->target = xasprintf("%s/%s/%s", c->name, ns, name);
		f->cluster = xstrdup(c->name);
		f->ns = xstrdup(ns);
		f->name = xstrdup(name);
		f->mode = xstrdup("");
		f->value = json_number_value(json_object_get(pt, "value"));
	}
	return 0;
}

/* Create Services, HPAs, CronJobs and Velero schedules of the document in c. */
static int
ld_misc(struct ld *ld, json_t *doc, struct sim_cluster *c, json_t *cl)
{
	json_t		*item, *o, *sel, *ports, *metrics, *x;
	size_t		 i, k;
	const char	*name, *ns;
	char		 buf[64];
	double		 age = fnum(cl, "backup_age", 1200);

	json_array_foreach(json_object_get(doc, "services"), i, item) {
		if (!applies(item, c))
			continue;
		name = fstr(item, "name", NULL);
		if (name == NULL)
			return ld_fail(ld, item, "a service needs a name");
		ns = fstr(item, "namespace", "default");
		sel = json_object_get(item, "selector");
		sel = json_is_object(sel) ? json_deep_copy(sel) : json_pack("{s:s}", "app", name);
		ports = json_array();
		json_array_foreach(json_object_get(item, "ports"), k, x) {
			json_int_t p = json_is_integer(x) ? json_integer_value(x) :
			    (json_int_t)fnum(x, "port", 80);

			json_array_append_new(ports, json_pack("{s:s,s:I,s:I,s:s}", "name",
			    fstr(x, "name", "http"), "port", p, "targetPort",
			    json_is_object(x) ? (json_int_t)fnum(x, "targetPort", (double)p) : p,
			    "protocol", "TCP"));
		}
		snprintf(buf, sizeof buf, "172.20.%u.%u", fnv1a32(name) % 250,
		    (fnv1a32(ns) % 250) + 1);
		o = json_pack("{s:{s:s,s:s},s:{s:s,s:o,s:o,s:s,s:[s]}}", "metadata", "name",
		    name, "namespace", ns, "spec", "type", fstr(item, "type", "ClusterIP"),
		    "selector", sel, "ports", ports, "clusterIP", buf, "clusterIPs", buf);
		aged(o, ld->wall, 3 * 86400);
		put(c, "", "services", ns, o);
	}
	json_array_foreach(json_object_get(doc, "hpas"), i, item) {
		if (!applies(item, c))
			continue;
		name = fstr(item, "name", NULL);
		if (name == NULL || fstr(item, "target", NULL) == NULL)
			return ld_fail(ld, item, "an hpa needs name and target");
		ns = fstr(item, "namespace", "default");
		metrics = json_array();
		if (json_object_get(item, "cpu") != NULL)
			json_array_append_new(metrics, json_pack("{s:s,s:{s:s,s:{s:s,s:I}}}", "type",
			    "Resource", "resource", "name", "cpu", "target", "type", "Utilization",
			    "averageUtilization", (json_int_t)fnum(item, "cpu", 70)));
		if (json_object_get(item, "memory") != NULL)
			json_array_append_new(metrics, json_pack("{s:s,s:{s:s,s:{s:s,s:I}}}", "type",
			    "Resource", "resource", "name", "memory", "target", "type",
			    "Utilization", "averageUtilization", (json_int_t)fnum(item, "memory",
			    80)));
		snprintf(buf, sizeof buf, "%g", fnum(item, "load", 0.5 * fnum(item, "min", 1)));
		o = json_pack("{s:{s:s,s:s,s:{s:s}},s:{s:{s:s,s:s,s:s},s:I,s:I,s:o}}",
		    "metadata", "name", name, "namespace", ns, "annotations",
		    "drill.opsdeck.dev/load", buf, "spec", "scaleTargetRef", "apiVersion",
		    "apps/v1", "kind", fstr(item, "target_kind", "Deployment"), "name",
		    fstr(item, "target", ""), "minReplicas", (json_int_t)fnum(item, "min", 1),
		    "maxReplicas", (json_int_t)fnum(item, "max", 10), "metrics", metrics);
		x = json_object_get(item, "behavior");
		if (json_is_object(x))
			ctl_set(o, "spec.behavior", json_deep_copy(x));
		if (json_is_array(json_object_get(item, "load_curve")) &&
		    ld_curve(ld, c, ns, name, json_object_get(item, "load_curve")) != 0) {
			json_decref(o);
			return -1;
		}
		aged(o, ld->wall, 3 * 86400);
		put(c, "autoscaling", "horizontalpodautoscalers", ns, o);
	}
	json_array_foreach(json_object_get(doc, "rollouts"), i, item) {
		json_t *labels, *steps;

		if (!applies(item, c))
			continue;
		name = fstr(item, "name", NULL);
		if (name == NULL || !json_is_string(json_object_get(item, "image")))
			return ld_fail(ld, item, "a rollout needs name and image");
		ns = fstr(item, "namespace", "default");
		labels = item_labels(item, name);
		steps = json_object_get(item, "steps");
		steps = json_is_array(steps) ? json_deep_copy(steps) : json_pack("[{s:i},{s:{}}]",
		    "setWeight", 20, "pause");
		o = json_pack("{s:{s:s,s:s,s:O},s:{s:I,s:{s:O},s:o,s:{s:{s:o}}}}", "metadata",
		    "name", name, "namespace", ns, "labels", labels, "spec", "replicas",
		    replicas_in(item, cl, ns, 1), "selector", "matchLabels", labels, "template",
		    pod_template(item, name, labels, true), "strategy", "canary", "steps", steps);
		json_decref(labels);
		aged(o, ld->wall, 3 * 86400);
		put(c, "argoproj.io", "rollouts", ns, o);
	}
	json_array_foreach(json_object_get(doc, "applications"), i, item) {
		const char *head, *dest;

		if (!applies(item, c))
			continue;
		name = fstr(item, "name", NULL);
		head = fstr(item, "head", NULL);
		if (name == NULL || head == NULL || strlen(head) != 40 ||
		    strspn(head, "0123456789abcdef") != 40)
			return ld_fail(ld, item, "an application needs a name and a head "
			    "(a 40-digit commit)");
		ns = fstr(item, "namespace", "argocd");
		dest = fstr(item, "destination", "default");
		o = json_pack("{s:{s:s,s:s,s:{s:s}},s:{s:s,s:{s:s,s:s,s:s},s:{s:s,s:s}},"
		    "s:{s:{s:s}}}", "metadata", "name", name, "namespace", ns, "annotations",
		    "drill.opsdeck.dev/head-revision", head, "spec", "project",
		    fstr(item, "project", "default"), "source", "repoURL",
		    fstr(item, "repo", "https://git.example.com/platform/deploy.git"), "path",
		    fstr(item, "path", name), "targetRevision", fstr(item, "target_revision",
		    "main"), "destination", "server", "https://kubernetes.default.svc",
		    "namespace", dest, "status", "sync", "revision", fstr(item, "revision", head));
		if (json_is_true(json_object_get(item, "automated")))
			ctl_set(o, "spec.syncPolicy.automated", json_pack("{s:b,s:b}", "prune", 1,
			    "selfHeal", 1));
		aged(o, ld->wall, 3 * 86400);
		put(c, "argoproj.io", "applications", ns, o);
	}
	json_array_foreach(json_object_get(doc, "applicationsets"), i, item) {
		json_t *elems = json_object_get(item, "elements");

		if (!applies(item, c))
			continue;
		name = fstr(item, "name", NULL);
		if (name == NULL || !json_is_array(elems))
			return ld_fail(ld, item, "an applicationset needs a name and elements");
		ns = fstr(item, "namespace", "argocd");
		o = json_pack("{s:{s:s,s:s},s:{s:[{s:{s:O}}],s:{s:{s:s},s:{s:s,s:{s:s,s:s,s:s},"
		    "s:{s:s,s:s}}}}}", "metadata", "name", name, "namespace", ns, "spec",
		    "generators", "list", "elements", elems, "template", "metadata", "name",
		    fstr(item, "app_name", "{{name}}"), "spec", "project",
		    fstr(item, "project", "default"), "source", "repoURL",
		    fstr(item, "repo", "https://git.example.com/platform/deploy.git"), "path",
		    fstr(item, "path", "{{name}}"), "targetRevision",
		    fstr(item, "target_revision", "main"), "destination", "server",
		    "https://kubernetes.default.svc", "namespace", fstr(item, "destination",
		    "{{namespace}}"));
		aged(o, ld->wall, 3 * 86400);
		put(c, "argoproj.io", "applicationsets", ns, o);
	}
	json_array_foreach(json_object_get(doc, "virtualservices"), i, item) {
		const char *host;
		json_int_t cw;

		if (!applies(item, c))
			continue;
		name = fstr(item, "name", NULL);
		if (name == NULL)
			return ld_fail(ld, item, "a virtualservice needs a name");
		ns = fstr(item, "namespace", "default");
		host = fstr(item, "host", name);
		cw = (json_int_t)fnum(item, "canary_weight", 5);
		if (cw < 0 || cw > 100)
			return ld_fail(ld, item, "canary_weight must be 0..100");
		/* the estate's canary: a header forces the canary, the rest splits */
		o = json_pack("{s:{s:s,s:s},s:{s:[s],s:[{s:[{s:{s:{s:s}}}],s:[{s:{s:s,s:s}}]},"
		    "{s:[{s:{s:s,s:s},s:I},{s:{s:s,s:s},s:I}]}]}}", "metadata", "name", name,
		    "namespace", ns, "spec", "hosts", host, "http", "match", "headers",
		    "x-canary", "exact", "true", "route", "destination", "host", host, "subset",
		    "canary", "route", "destination", "host", host, "subset", "stable", "weight",
		    100 - cw, "destination", "host", host, "subset", "canary", "weight", cw);
		aged(o, ld->wall, 3 * 86400);
		put(c, "networking.istio.io", "virtualservices", ns, o);
	}
	json_array_foreach(json_object_get(doc, "cronjobs"), i, item) {
		json_t *labels, *tmpl;
		char	ts[40];

		if (!applies(item, c))
			continue;
		name = fstr(item, "name", NULL);
		if (name == NULL || !ctl_cron_valid(fstr(item, "schedule", NULL)))
			return ld_fail(ld, item, "a cronjob needs a name and a valid schedule");
		ns = fstr(item, "namespace", "default");
		labels = item_labels(item, name);
		tmpl = pod_template(item, name, labels, false);
		o = json_pack("{s:{s:s,s:s,s:{s:s}},s:{s:s,s:s,s:i,s:i,s:{s:{s:O},s:{s:I,s:o}}}}",
		    "metadata", "name", name, "namespace", ns, "annotations",
		    "drill.opsdeck.dev/backup", json_is_true(json_object_get(item, "backup")) ?
		    "true" : "false", "spec", "schedule", fstr(item, "schedule", "0 * * * *"),
		    "concurrencyPolicy", "Forbid", "successfulJobsHistoryLimit", 3,
		    "failedJobsHistoryLimit", 1, "jobTemplate", "metadata", "labels", labels,
		    "spec", "backoffLimit", (json_int_t)fnum(item, "backoffLimit", 1),
		    "template", tmpl);
		json_decref(labels);
		ctl_rfc3339(ld->wall - age, ts, sizeof ts);
		json_object_set_new(o, "status", json_pack("{s:s,s:s}", "lastScheduleTime", ts,
		    "lastSuccessfulTime", ts));
		aged(o, ld->wall, 30 * 86400);
		put(c, "batch", "cronjobs", ns, o);
	}
	json_array_foreach(json_object_get(doc, "velero_schedules"), i, item) {
		json_t	*inc;
		int	 n, b;
		char	 ts[40];

		if (!applies(item, c))
			continue;
		name = fstr(item, "name", NULL);
		if (name == NULL || !ctl_cron_valid(fstr(item, "schedule", NULL)))
			return ld_fail(ld, item, "a velero schedule needs a name and a valid "
			    "schedule");
		ns = fstr(item, "namespace", "velero");
		inc = json_object_get(item, "include_namespaces");
		inc = json_is_array(inc) ? json_deep_copy(inc) : json_pack("[s]", "*");
		o = json_pack("{s:{s:s,s:s},s:{s:s,s:{s:s,s:o,s:s},s:b}}", "metadata", "name",
		    name, "namespace", ns, "spec", "schedule", fstr(item, "schedule", "0 * * * *"),
		    "template", "ttl", fstr(item, "ttl", "720h0m0s"), "includedNamespaces", inc,
		    "storageLocation", "default", "paused", 0);
		ctl_rfc3339(ld->wall - age, ts, sizeof ts);
		json_object_set_new(o, "status", json_pack("{s:s,s:s}", "phase", "Enabled",
		    "lastBackup", ts));
		aged(o, ld->wall, 30 * 86400);
		put(c, "velero.io", "schedules", ns, o);
		/* Completed backups: hourly, the newest backup_age ago. */
		n = (int)fnum(item, "existing_backups", 3);
		for (b = n - 1; b >= 0; b--) {
			double		 done = ld->wall - age - b * 3600.0;
			char		 stamp[32], ts2[40], ts3[40], *bn;
			time_t		 tt = (time_t)(done - 95);
			struct tm	 tm;

			gmtime_r(&tt, &tm);
			strftime(stamp, sizeof stamp, "%Y%m%d%H%M%S", &tm);
			bn = xasprintf("%s-%s", name, stamp);
			ctl_rfc3339(done - 95, ts, sizeof ts);
			ctl_rfc3339(done, ts2, sizeof ts2);
			ctl_rfc3339(done + 720 * 3600.0, ts3, sizeof ts3);
			x = json_pack("{s:{s:s,s:s,s:{s:s,s:s}},s:{s:s,s:s},s:{s:s,s:s,s:s,s:s,"
			    "s:i,s:s,s:{s:i,s:i},s:i,s:i}}", "metadata", "name", bn, "namespace",
			    ns, "labels", "velero.io/schedule-name", name,
			    "velero.io/storage-location", "default", "spec", "ttl", "720h0m0s",
			    "storageLocation", "default", "status", "phase", "Completed",
			    "startTimestamp", ts, "completionTimestamp", ts2, "expiration", ts3,
			    "version", 1, "formatVersion", "1.1.0", "progress", "totalItems", 412,
			    "itemsBackedUp", 412, "errors", 0, "warnings", 0);
			aged(x, done - 95, 0);
			put(c, "velero.io", "backups", ns, x);
			free(bn);
		}
	}
	return 0;
}

/* Create nodes of one group. */
void
scn_apply_nodes(struct sim_cluster *c, const char *group, int count,
    const char *instance_type, json_t *zones)
{
	json_t	*node, *taints;
	int	 i;
	size_t	 nz = json_array_size(zones);
	char	 name[128], ip[32], ts[40];
	const char *zone;
	static int seq;

	ctl_rfc3339(sim_wallclock() - 5 * 86400, ts, sizeof ts);
	for (i = 0; i < count; i++) {
		zone = nz > 0 ? json_string_value(json_array_get(zones, (size_t)i % nz)) : NULL;
		if (zone == NULL)
			zone = "zone-a";
		seq++;
		snprintf(ip, sizeof ip, "10.0.%d.%d", 10 + (seq / 250) % 240, seq % 250 + 1);
		snprintf(name, sizeof name, "ip-10-0-%d-%d.%s.compute.internal",
		    10 + (seq / 250) % 240, seq % 250 + 1, c->region[0] != '\0' ? c->region :
		    "local");
		taints = json_array();
		if (strcmp(group, "spot") == 0)
			json_array_append_new(taints, json_pack("{s:s,s:s,s:s}", "key", "spot",
			    "value", "true", "effect", "NoSchedule"));
		else if (strcmp(group, "compute") == 0)
			json_array_append_new(taints, json_pack("{s:s,s:s,s:s}", "key",
			    "workload-type", "value", "compute", "effect", "NoSchedule"));
		else if (strcmp(group, "gpu") == 0)
			json_array_append_new(taints, json_pack("{s:s,s:s,s:s}", "key",
			    "nvidia.com/gpu", "value", "true", "effect", "NoSchedule"));
		node = json_pack("{s:{s:s,s:s,s:{s:s,s:s,s:s,s:s,s:s,s:s,s:s}},"
		    "s:{s:s,s:o},"
		    "s:{s:{s:s,s:s,s:s},s:{s:s,s:s,s:s},s:[{s:s,s:s},{s:s,s:s}],"
		    "s:{s:s,s:s,s:s,s:s,s:s,s:s,s:s},s:[]}}",
		    "metadata", "name", name, "creationTimestamp", ts, "labels",
		    "kubernetes.io/hostname", name, "kubernetes.io/os", "linux",
		    "kubernetes.io/arch", "amd64", "topology.kubernetes.io/zone", zone,
		    "topology.kubernetes.io/region", c->region, "node.kubernetes.io/instance-type",
		    instance_type, "eks.amazonaws.com/nodegroup", group,
		    "spec", "providerID", "aws:///node", "taints", taints,
		    "status", "capacity", "cpu", "4", "memory", "15944020Ki", "pods", "58",
		    "allocatable", "cpu", "3920m", "memory", "15034708Ki", "pods", "58",
		    "addresses", "type", "InternalIP", "address", ip, "type", "Hostname",
		    "address", name, "nodeInfo", "kubeletVersion", "v1.29.3-eks-ae9a62a",
		    "osImage", "Amazon Linux 2", "containerRuntimeVersion", "containerd://1.7.11",
		    "kernelVersion", "5.10.210-201.852.amzn2.x86_64", "operatingSystem", "linux",
		    "architecture", "amd64", "kubeProxyVersion", "v1.29.3-eks-ae9a62a",
		    "conditions");
		put(c, "", "nodes", NULL, node);
	}
}

/* Create one cluster and its base objects. */
static int
ld_cluster(struct ld *ld, json_t *doc, json_t *cl)
{
	struct sim_cluster	*c;
	json_t			*x, *nss, *seen;
	const char		*name = fstr(cl, "name", NULL), *role, *k;
	size_t			 i;
	static const char	*lists[] = { "deployments", "statefulsets", "daemonsets",
				    "services", "hpas", "cronjobs", "velero_schedules", "rollouts",
				    "applications", "applicationsets", "virtualservices", NULL };

	if (name == NULL)
		return ld_fail(ld, cl, "a cluster needs a name");
	role = fstr(cl, "role", "primary");
	if (strcmp(role, "primary") != 0 && strcmp(role, "dr") != 0 &&
	    strcmp(role, "staging") != 0 && strcmp(role, "dev") != 0)
		return ld_fail(ld, json_object_get(cl, "role"), "role must be primary, dr, "
		    "staging or dev, not \"%s\"", role);
	if (sim_cluster_find(ld->sim, name) != NULL)
		return ld_fail(ld, cl, "cluster %s is declared twice", name);
	c = sim_add_cluster(ld->sim, name, fstr(cl, "region", "local"), role,
	    json_is_true(json_object_get(cl, "protected")));
	ctl_get(c)->last_good_backup_t = -fnum(cl, "backup_age", 1200);
	/* Namespaces: declared ones plus every one an object uses. */
	seen = json_object();
	json_object_set_new(seen, "default", json_true());
	json_object_set_new(seen, "kube-system", json_true());
	json_object_set_new(seen, "monitoring", json_true());
	nss = json_object_get(cl, "namespaces");
	if (!json_is_array(nss))
		nss = json_object_get(doc, "namespaces");
	json_array_foreach(nss, i, x) {
		if (json_is_string(x))
			json_object_set_new(seen, json_string_value(x), json_true());
	}
	for (i = 0; lists[i] != NULL; i++) {
		size_t j;

		json_array_foreach(json_object_get(doc, lists[i]), j, x) {
			if (applies(x, c) && json_is_string(json_object_get(x, "namespace")))
				json_object_set_new(seen, json_string_value(json_object_get(x,
				    "namespace")), json_true());
		}
	}
	json_object_foreach(seen, k, x) {
		json_t *ns = json_pack("{s:{s:s,s:{s:s}},s:{s:[s]},s:{s:s}}", "metadata", "name",
		    k, "labels", "kubernetes.io/metadata.name", k, "spec", "finalizers",
		    "kubernetes", "status", "phase", "Active");

		aged(ns, ld->wall, 30 * 86400);
		put(c, "", "namespaces", NULL, ns);
	}
	json_decref(seen);
	/* Nodes. */
	x = json_object_get(cl, "nodes");
	if (json_is_array(x)) {
		json_t *g;

		json_array_foreach(x, i, g) {
			int n = (int)fnum(g, "count", 3);

			if (n < 0 || n > 1000)
				return ld_fail(ld, g, "node count must be 0..1000");
			scn_apply_nodes(c, fstr(g, "group", "general"), n,
			    fstr(g, "instance_type", "m5.xlarge"), json_object_get(g, "zones"));
		}
	} else {
		json_t *zones = json_pack("[s,s,s]", "zone-a", "zone-b", "zone-c");

		scn_apply_nodes(c, "general", 3, "m5.xlarge", zones);
		json_decref(zones);
	}
	/* The monitoring services the proxy serves. */
	put(c, "", "services", "monitoring", json_pack("{s:{s:s,s:s,s:{s:s}},s:{s:s,s:{s:s},"
	    "s:[{s:s,s:i,s:i,s:s}]}}", "metadata", "name", "alertmanager", "namespace",
	    "monitoring", "labels", "app", "alertmanager", "spec", "type", "ClusterIP",
	    "selector", "app", "alertmanager", "ports", "name", "web", "port", 9093,
	    "targetPort", 9093, "protocol", "TCP"));
	put(c, "", "services", "monitoring", json_pack("{s:{s:s,s:s,s:{s:s}},s:{s:s,s:{s:s},"
	    "s:[{s:s,s:i,s:i,s:s}]}}", "metadata", "name", "prometheus", "namespace",
	    "monitoring", "labels", "app", "prometheus", "spec", "type", "ClusterIP",
	    "selector", "app", "prometheus", "ports", "name", "web", "port", 9090,
	    "targetPort", 9090, "protocol", "TCP"));
	if (json_array_size(json_object_get(doc, "velero_schedules")) > 0)
		put(c, "velero.io", "backupstoragelocations", "velero", json_pack("{s:{s:s,s:s},"
		    "s:{s:s,s:{s:s,s:s},s:b},s:{s:s}}", "metadata", "name", "default",
		    "namespace", "velero", "spec", "provider", "aws", "objectStorage", "bucket",
		    "quiz-backups", "prefix", c->name, "default", 1, "status", "phase",
		    "Available"));
	if (ld_deployments(ld, doc, c, cl) != 0 || ld_sets(ld, doc, c, cl) != 0 ||
	    ld_misc(ld, doc, c, cl) != 0)
		return -1;
	return 0;
}

/* Load the alert rules. */
static int
ld_rules(struct ld *ld, json_t *doc)
{
	struct scn	*scn = scn_get(ld->sim);
	json_t		*item, *x;
	size_t		 i, j;
	char		*why = NULL;
	const char	*expr, *name;

	json_array_foreach(json_object_get(doc, "alerts"), i, item) {
		struct scn_rule *r;

		name = fstr(item, "name", NULL);
		expr = fstr(item, "expr", NULL);
		if (name == NULL || expr == NULL)
			return ld_fail(ld, item, "an alert needs name and expr");
		if (ctl_expr_check(expr, &why) != 0) {
			ld_fail(ld, json_object_get(item, "expr"), "alert %s: %s", name, why);
			free(why);
			return -1;
		}
		scn->rules = xreallocarray(scn->rules, scn->nrules + 1, sizeof *scn->rules);
		r = &scn->rules[scn->nrules++];
		memset(r, 0, sizeof *r);
		r->name = xstrdup(name);
		r->severity = xstrdup(fstr(item, "severity", "warning"));
		r->expr = xstrdup(expr);
		r->for_s = fnum(item, "for", 0);
		x = json_object_get(item, "labels");
		r->labels = json_is_object(x) ? json_deep_copy(x) : json_object();
		x = json_object_get(item, "annotations");
		r->annotations = json_is_object(x) ? json_deep_copy(x) : json_object();
		x = json_object_get(item, "clusters");
		if (json_is_string(x)) {
			r->clusters = xcalloc(1, sizeof *r->clusters);
			r->clusters[0] = xstrdup(json_string_value(x));
			r->nclusters = 1;
		}
		json_array_foreach(x, j, item) {
			if (!json_is_string(item))
				continue;
			r->clusters = xreallocarray(r->clusters, r->nclusters + 1,
			    sizeof *r->clusters);
			r->clusters[r->nclusters++] = xstrdup(json_string_value(item));
		}
	}
	return 0;
}

/* The fault actions understood. */
static const char *fault_actions[] = { "set-image", "cluster-unreachable", "node-notready",
    "load", "backup-fail", "db-down", NULL };

/* Load the fault timeline. */
static int
ld_faults(struct ld *ld, json_t *doc)
{
	struct scn	*scn = scn_get(ld->sim);
	json_t		*item;
	size_t		 i, k;
	const char	*action, *target;
	char		*t, *p, *save = NULL;
	bool		 known;

	json_array_foreach(json_object_get(doc, "faults"), i, item) {
		struct scn_fault *f;

		action = fstr(item, "action", NULL);
		target = fstr(item, "target", NULL);
		if (action == NULL || target == NULL)
			return ld_fail(ld, item, "a fault needs action and target");
		known = false;
		for (k = 0; fault_actions[k] != NULL; k++) {
			if (strcmp(fault_actions[k], action) == 0)
				known = true;
		}
		if (!known)
			return ld_fail(ld, json_object_get(item, "action"), "unknown fault action "
			    "\"%s\" (set-image, cluster-unreachable, node-notready, load, "
			    "backup-fail, db-down)", action);
		scn->faults = xreallocarray(scn->faults, scn->nfaults + 1, sizeof *scn->faults);
		f = &scn->faults[scn->nfaults++];
		memset(f, 0, sizeof *f);
		f->at = fnum(item, "at", 0);
		f->action = xstrdup(action);
		f->target = xstrdup(target);
		f->image = json_is_string(json_object_get(item, "image")) ?
		    xstrdup(fstr(item, "image", "")) : NULL;
		f->mode = xstrdup(fstr(item, "mode", ""));
		f->duration = fnum(item, "duration", 0);
		f->value = fnum(item, "value", 0);
		/* target: CLUSTER[/NAMESPACE[/NAME]] */
		t = xstrdup(target);
		p = strtok_r(t, "/", &save);
		f->cluster = xstrdup(p != NULL ? p : "");
		p = strtok_r(NULL, "/", &save);
		if (p != NULL) {
			char *q = strtok_r(NULL, "/", &save);

			if (q != NULL) {
				f->ns = xstrdup(p);
				f->name = xstrdup(q);
			} else
				f->name = xstrdup(p);
		}
		free(t);
		if (sim_cluster_find(ld->sim, f->cluster) == NULL)
			return ld_fail(ld, json_object_get(item, "target"), "fault target cluster "
			    "\"%s\" is not declared", f->cluster);
		if (strcmp(action, "set-image") == 0 && (f->image == NULL || f->name == NULL))
			return ld_fail(ld, item, "set-image needs target CLUSTER/NS/DEPLOYMENT "
			    "and image");
	}
	return 0;
}

/* Merge base (borrowed) under doc (borrowed): lists concatenate, else doc wins. */
static json_t *
merge_base(json_t *base, json_t *doc)
{
	json_t		*out = json_deep_copy(base), *v, *b;
	const char	*k;

	json_object_del(out, "base");
	if (json_is_string(json_object_get(base, "base")))
		json_object_set(out, "base", json_object_get(base, "base"));
	json_object_foreach(doc, k, v) {
		if (strcmp(k, "base") == 0)
			continue;
		b = json_object_get(out, k);
		if (json_is_array(b) && json_is_array(v) && strcmp(k, "clusters") != 0)
			json_array_extend(b, v);
		else
			json_object_set(out, k, v);
	}
	return out;
}

/* Resolve a scenario name to a readable path (new), or NULL. */
static char *
scn_find(const char *name)
{
	char		 exe[PATH_MAX], *dir, *p;
	const char	*env = getenv("OPSDECK_SCENARIOS");
	ssize_t		 n;
	const char	*tries[3] = { "..", "../..", NULL };
	size_t		 i;

	if (strchr(name, '/') != NULL || (strlen(name) > 5 &&
	    strcmp(name + strlen(name) - 5, ".yaml") == 0))
		return xstrdup(name);
	for (i = 0; name[i] != '\0'; i++) {
		if (!isalnum((unsigned char)name[i]) && name[i] != '-' && name[i] != '_')
			return NULL;
	}
	if (env != NULL && *env != '\0') {
		p = xasprintf("%s/%s.yaml", env, name);
		if (access(p, R_OK) == 0)
			return p;
		free(p);
	}
	n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	if (n > 0) {
		exe[n] = '\0';
		dir = strrchr(exe, '/');
		if (dir != NULL)
			*dir = '\0';
		for (i = 0; tries[i] != NULL; i++) {
			p = xasprintf("%s/%s/drill/scenarios/%s.yaml", exe, tries[i], name);
			if (access(p, R_OK) == 0)
				return p;
			free(p);
		}
	}
	p = xasprintf("%s/scenarios/%s.yaml", OPSDECK_DATADIR, name);
	if (access(p, R_OK) == 0)
		return p;
	free(p);
	return NULL;
}

/* Load the parsed scenario doc (borrowed) into sim. */
static int
load_doc(struct sim *sim, json_t *doc, const char *what, struct scn_marks *m, char **cause)
{
	struct scn	*scn = scn_get(sim);
	struct ld	 ld = { sim, m, what, cause, sim_wallclock() };
	json_t		*x, *cl;
	size_t		 i;

	if (!json_is_object(doc))
		return ld_fail(&ld, doc, "a scenario is a mapping");
	if (!json_is_array(json_object_get(doc, "clusters")) ||
	    json_array_size(json_object_get(doc, "clusters")) == 0)
		return ld_fail(&ld, doc, "a scenario needs at least one cluster");
	free(scn->name);
	scn->name = xstrdup(fstr(doc, "name", what));
	free(scn->description);
	scn->description = xstrdup(fstr(doc, "description", ""));
	scn->rpo = fnum(doc, "rpo", 3600);
	json_array_foreach(json_object_get(doc, "crash_images"), i, x) {
		if (!json_is_string(x))
			return ld_fail(&ld, x, "crash_images holds strings");
		scn->crash_images = xreallocarray(scn->crash_images, scn->ncrash + 1,
		    sizeof *scn->crash_images);
		scn->crash_images[scn->ncrash++] = xstrdup(json_string_value(x));
	}
	json_array_foreach(json_object_get(doc, "clusters"), i, cl) {
		if (!json_is_object(cl))
			return ld_fail(&ld, cl, "a cluster is a mapping");
		if (ld_cluster(&ld, doc, cl) != 0)
			return -1;
	}
	if (ld_rules(&ld, doc) != 0 || ld_faults(&ld, doc) != 0)
		return -1;
	x = json_object_get(doc, "resolved_when");
	if (x != NULL && !json_is_array(x))
		return ld_fail(&ld, x, "resolved_when is a list of conditions");
	json_array_foreach(x, i, cl) {
		static const char *conds[] = { "deployment_healthy", "dr_matches_primary",
		    "hpa_not_at_max", "backup_fresh", "db_up", "alert_clear", "expr", NULL };
		size_t	k;
		bool	ok = false;

		for (k = 0; conds[k] != NULL; k++) {
			if (json_object_get(cl, conds[k]) != NULL)
				ok = true;
		}
		if (!ok)
			return ld_fail(&ld, cl, "unknown resolved_when condition (deployment_healthy, "
			    "dr_matches_primary, hpa_not_at_max, backup_fresh, db_up, "
			    "alert_clear, expr)");
		json_array_append(scn->resolved_when, cl);
	}
	free(sim->scenario);
	sim->scenario = xstrdup(scn->name);
	return 0;
}

/* Load a scenario document from parsed YAML (no marks). */
int
scn_load_doc(struct sim *sim, json_t *doc, const char *what, char **cause)
{
	return load_doc(sim, doc, what, NULL, cause);
}

/* Load a scenario by name or path. */
int
scenario_load(struct sim *sim, const char *name, char **cause)
{
	struct scn_marks	 m;
	char			*path = NULL, *text = NULL, *bpath = NULL, *btext = NULL;
	json_t			*doc = NULL, *base, *merged;
	size_t			 len, blen;
	int			 rc = -1, depth;
	const char		*bname;

	memset(&m, 0, sizeof m);
	path = scn_find(name);
	if (path == NULL) {
		*cause = xasprintf("scenario %s not found (looked in $OPSDECK_SCENARIOS, "
		    "the source tree's drill/scenarios and %s/scenarios)", name,
		    OPSDECK_DATADIR);
		goto out;
	}
	text = file_read(path, SCN_MAX_BYTES, &len, cause);
	if (text == NULL)
		goto out;
	doc = yaml_parse_marks(text, len, path, &m, cause);
	if (doc == NULL)
		goto out;
	for (depth = 0; json_is_string(json_object_get(doc, "base")); depth++) {
		if (depth >= SCN_MAX_BASE) {
			*cause = xasprintf("%s: base: nested too deeply", path);
			goto out;
		}
		bname = json_string_value(json_object_get(doc, "base"));
		free(bpath);
		bpath = scn_find(bname);
		if (bpath == NULL && strchr(bname, '/') == NULL) {
			/* Next to the scenario itself. */
			char *dir = xstrdup(path), *slash = strrchr(dir, '/');

			if (slash != NULL) {
				*slash = '\0';
				bpath = xasprintf("%s/%s.yaml", dir, bname);
			}
			free(dir);
		}
		if (bpath == NULL) {
			*cause = xasprintf("%s: base scenario %s not found", path, bname);
			goto out;
		}
		free(btext);
		btext = file_read(bpath, SCN_MAX_BYTES, &blen, cause);
		if (btext == NULL)
			goto out;
		base = yaml_parse_marks(btext, blen, bpath, &m, cause);
		if (base == NULL)
			goto out;
		if (!json_is_object(base)) {
			json_decref(base);
			*cause = xasprintf("%s: a scenario is a mapping", bpath);
			goto out;
		}
		merged = merge_base(base, doc);
		json_decref(base);
		json_decref(doc);
		doc = merged;
	}
	rc = load_doc(sim, doc, path, &m, cause);
out:
	json_decref(doc);
	marks_free(&m);
	free(path);
	free(text);
	free(bpath);
	free(btext);
	return rc;
}
