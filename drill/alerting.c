/* Alerting of a simulated cluster: metrics over the simulated state, the
 * scenario's alert rules evaluated every tick with `for` in simulated time,
 * the Prometheus HTTP API subset, and the replies it shares with the
 * Alertmanager API (alertmanager.c). Both are served through the service
 * proxy (monitoring.c). */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "opsdeck/http.h"
#include "opsdeck/json_util.h"
#include "opsdeck/sim.h"
#include "opsdeck/sim_ctl.h"
#include "opsdeck/xmalloc.h"
#include "alerting_int.h"

/* Alerts kept per cluster (resolved ones are dropped first). */
#define ALERTS_MAX	256
/* Simulated seconds a crash counts as "recent" (rate over 15m). */
#define CRASH_WINDOW	900.0

/* A parsed alert expression. */
struct expr {
	char	 metric[64];
	json_t	*sel;		/* label -> value */
	char	 op[3];		/* "" when absent */
	double	 threshold;
};

/* Parse "metric{k=v,...} OP number"; -1 with cause on error. */
static int
expr_parse(const char *s, struct expr *e, char **cause)
{
	size_t	n = 0;
	char	key[64], val[256], *end;
	size_t	kn, vn;

	memset(e, 0, sizeof *e);
	e->sel = json_object();
	while (isspace((unsigned char)*s))
		s++;
	while ((isalnum((unsigned char)*s) || *s == '_' || *s == ':') && n < sizeof e->metric - 1)
		e->metric[n++] = *s++;
	e->metric[n] = '\0';
	if (n == 0 || isdigit((unsigned char)e->metric[0])) {
		*cause = xstrdup("expected a metric name");
		return -1;
	}
	while (isspace((unsigned char)*s))
		s++;
	if (*s == '{') {
		s++;
		for (;;) {
			while (isspace((unsigned char)*s) || *s == ',')
				s++;
			if (*s == '}') {
				s++;
				break;
			}
			kn = 0;
			while ((isalnum((unsigned char)*s) || *s == '_') && kn < sizeof key - 1)
				key[kn++] = *s++;
			key[kn] = '\0';
			while (isspace((unsigned char)*s))
				s++;
			if (kn == 0 || *s != '=') {
				*cause = xasprintf("bad label matcher in selector near \"%.20s\"", s);
				return -1;
			}
			s++;
			while (isspace((unsigned char)*s))
				s++;
			vn = 0;
			if (*s == '"') {
				s++;
				while (*s != '\0' && *s != '"' && vn < sizeof val - 1)
					val[vn++] = *s++;
				if (*s != '"') {
					*cause = xstrdup("unterminated quoted label value");
					return -1;
				}
				s++;
			} else {
				while (*s != '\0' && *s != ',' && *s != '}' &&
				    !isspace((unsigned char)*s) && vn < sizeof val - 1)
					val[vn++] = *s++;
			}
			val[vn] = '\0';
			json_object_set_new(e->sel, key, json_string(val));
			if (*s == '\0') {
				*cause = xstrdup("unterminated label selector");
				return -1;
			}
		}
	}
	while (isspace((unsigned char)*s))
		s++;
	if (*s == '\0')
		return 0;
	if (strncmp(s, ">=", 2) == 0 || strncmp(s, "<=", 2) == 0 || strncmp(s, "==", 2) == 0 ||
	    strncmp(s, "!=", 2) == 0) {
		memcpy(e->op, s, 2);
		s += 2;
	} else if (*s == '>' || *s == '<') {
		e->op[0] = *s++;
	} else {
		*cause = xasprintf("unexpected \"%.20s\"", s);
		return -1;
	}
	e->threshold = strtod(s, &end);
	if (end == s) {
		*cause = xstrdup("expected a number after the comparison");
		return -1;
	}
	while (isspace((unsigned char)*end))
		end++;
	if (*end != '\0') {
		*cause = xasprintf("unexpected \"%.20s\"", end);
		return -1;
	}
	return 0;
}

/* The known metric names. */
static const char *metric_names[] = { "pods_crashlooping", "error_rate",
    "cluster_unreachable", "up", "db_up", "backup_age_seconds", "hpa_at_max",
    "deployment_unavailable", "node_not_ready", "pods_not_ready", NULL };

/* Is name a known metric? */
static bool
metric_known(const char *name)
{
	size_t	i;

	for (i = 0; metric_names[i] != NULL; i++) {
		if (strcmp(metric_names[i], name) == 0)
			return true;
	}
	return false;
}

/* Check an expression's syntax and vocabulary. */
int
ctl_expr_check(const char *s, char **cause)
{
	struct expr	e;
	int		rc;

	rc = expr_parse(s, &e, cause);
	if (rc == 0 && !metric_known(e.metric)) {
		*cause = xasprintf("unknown metric \"%s\" (known: pods_crashlooping, "
		    "error_rate, cluster_unreachable, up, db_up, backup_age_seconds, "
		    "hpa_at_max, deployment_unavailable, node_not_ready, pods_not_ready)",
		    e.metric);
		rc = -1;
	}
	json_decref(e.sel);
	return rc;
}

/* Selector value of key, or NULL. */
static const char *
sel_get(json_t *sel, const char *key)
{
	return json_string_value(json_object_get(sel, key));
}

/* Does pod p belong to the namespace/deployment in sel? */
static bool
pod_selected(struct ctl_pod *p, json_t *sel)
{
	const char	*ns = sel_get(sel, "namespace"), *dep = sel_get(sel, "deployment");
	size_t		 n;

	if (ns != NULL && strcmp(ns, p->ns) != 0)
		return false;
	if (dep != NULL) {
		n = strlen(dep);
		if (strncmp(p->name, dep, n) != 0 || p->name[n] != '-')
			return false;
	}
	return true;
}

/* Accumulator for pod metrics. */
struct pod_acc {
	json_t	*sel;
	double	 now;
	bool	 db_down;
	long	 total, crash, failing, notready, db_total, db_ready;
};

/* Count one pod into the accumulator. */
static int
pod_acc_one(const char *key, void *val, void *arg)
{
	struct pod_acc	*a = arg;
	struct ctl_pod	*p = val;
	bool		 crash = false;
	size_t		 i;

	(void)key;
	if (p->terminating)
		return 0;
	if (p->is_db) {
		a->db_total++;
		if (p->was_ready)
			a->db_ready++;
	}
	if (p->kind != PK_SERVICE || !pod_selected(p, a->sel))
		return 0;
	a->total++;
	for (i = 0; i < p->nctr; i++) {
		if (a->now - p->ctr[i].last_crash_t < CRASH_WINDOW)
			crash = true;
	}
	if (crash)
		a->crash++;
	if (!p->was_ready)
		a->notready++;
	if (crash || (!p->was_ready && a->now - p->created_t > 10) ||
	    (p->needs_db && a->db_down))
		a->failing++;
	return 0;
}

/* HPA-at-max accumulator. */
struct hpa_acc {
	json_t	*sel;
	double	 n;
};

/* Count one HPA at its maximum. */
static int
hpa_acc_one(json_t *hpa, void *arg)
{
	struct hpa_acc	*a = arg;
	const char	*name = sel_get(a->sel, "hpa");
	json_t		*cd;
	size_t		 i;

	if (name != NULL && strcmp(name, json_path_str(hpa, "metadata.name")) != 0)
		return 0;
	if (json_path_int(hpa, "status.currentReplicas", 0) < json_path_int(hpa, "spec.maxReplicas", 1))
		return 0;
	json_array_foreach(json_object_get(json_object_get(hpa, "status"), "conditions"), i,
	    cd) {
		if (strcmp(json_path_str_or(cd, "reason", ""),
		    "TooManyReplicas") == 0)
			a->n++;
	}
	return 0;
}

/* Deployment-unavailable accumulator. */
static int
dep_acc_one(json_t *d, void *arg)
{
	struct hpa_acc	*a = arg;
	const char	*name = sel_get(a->sel, "deployment");
	json_int_t	 miss;

	if (name != NULL && strcmp(name, json_path_str(d, "metadata.name")) != 0)
		return 0;
	miss = json_path_int(d, "spec.replicas", 1) - json_path_int(d, "status.availableReplicas", 0);
	if (miss > 0)
		a->n += (double)miss;
	return 0;
}

/* The value of a metric on cluster c. */
bool
ctl_metric(struct sim_cluster *c, const char *metric, json_t *sel, double *value)
{
	struct sim_ctl		*ctl = ctl_get(c);
	struct pod_acc		 pa;
	struct hpa_acc		 ha = { sel, 0 };
	struct sim_cluster	*other;
	const char		*cl = sel_get(sel, "cluster"), *job;

	other = cl != NULL ? sim_cluster_find(c->sim, cl) : c;
	memset(&pa, 0, sizeof pa);
	pa.sel = sel;
	pa.now = ctl_now(c->sim);
	pa.db_down = ctl->db_down;
	*value = 0;
	if (strcmp(metric, "cluster_unreachable") == 0) {
		*value = other != NULL && other->reach != SIM_REACH_OK;
		return true;
	}
	if (strcmp(metric, "up") == 0) {
		job = sel_get(sel, "job");
		if (job != NULL && (strcmp(job, "postgresql") == 0 ||
		    strcmp(job, "postgres") == 0))
			return ctl_metric(c, "db_up", sel, value);
		*value = other != NULL && other->reach == SIM_REACH_OK;
		return true;
	}
	if (other == NULL)
		return true;
	if (strcmp(metric, "backup_age_seconds") == 0) {
		*value = floor(ctl_now(c->sim) - ctl_get(other)->last_good_backup_t);
		return true;
	}
	if (strcmp(metric, "node_not_ready") == 0) {
		*value = (double)map_count(ctl_get(other)->node_down);
		return true;
	}
	if (strcmp(metric, "hpa_at_max") == 0) {
		sim_obj_foreach(other, kind_find_api("autoscaling",
		    "horizontalpodautoscalers"), sel_get(sel, "namespace"), hpa_acc_one, &ha);
		*value = ha.n;
		return true;
	}
	if (strcmp(metric, "deployment_unavailable") == 0) {
		sim_obj_foreach(other, kind_find_api("apps", "deployments"),
		    sel_get(sel, "namespace"), dep_acc_one, &ha);
		*value = ha.n;
		return true;
	}
	pa.db_down = ctl_get(other)->db_down;
	map_sweep(ctl_get(other)->pods, pod_acc_one, &pa);
	if (strcmp(metric, "pods_crashlooping") == 0)
		*value = (double)pa.crash;
	else if (strcmp(metric, "pods_not_ready") == 0)
		*value = (double)pa.notready;
	else if (strcmp(metric, "error_rate") == 0)
		*value = pa.total > 0 ? (double)pa.failing / (double)pa.total : 0;
	else if (strcmp(metric, "db_up") == 0) {
		if (pa.db_total > 0)
			*value = pa.db_ready > 0 && !pa.db_down;
		else
			*value = !pa.db_down;
	} else
		return false;
	return true;
}

/* Apply the comparison of e to v. */
static bool
expr_holds(struct expr *e, double v)
{
	if (e->op[0] == '\0')
		return v != 0;
	if (strcmp(e->op, ">") == 0)
		return v > e->threshold;
	if (strcmp(e->op, "<") == 0)
		return v < e->threshold;
	if (strcmp(e->op, ">=") == 0)
		return v >= e->threshold;
	if (strcmp(e->op, "<=") == 0)
		return v <= e->threshold;
	if (strcmp(e->op, "==") == 0)
		return v == e->threshold;
	return v != e->threshold;
}

/* Evaluate an expression: 1 true, 0 false, -1 error. */
int
ctl_expr_eval(struct sim_cluster *c, const char *s, double *value, char **cause)
{
	struct expr	e;
	int		rc = -1;

	if (expr_parse(s, &e, cause) != 0)
		goto out;
	if (!ctl_metric(c, e.metric, e.sel, value)) {
		*cause = xasprintf("unknown metric \"%s\"", e.metric);
		goto out;
	}
	rc = expr_holds(&e, *value) ? 1 : 0;
out:
	json_decref(e.sel);
	return rc;
}

/* Prometheus-style label fingerprint: FNV-1a 64 over sorted name/value. */
void
fingerprint(json_t *labels, char out[17])
{
	const char	**keys, *k;
	json_t		 *v;
	size_t		  n = 0, i, j;
	uint64_t	  h = 14695981039346656037ULL;
	const char	 *p;

	keys = xcalloc(json_object_size(labels) + 1, sizeof *keys);
	json_object_foreach(labels, k, v)
		keys[n++] = k;
	for (i = 1; i < n; i++) {
		for (j = i; j > 0 && strcmp(keys[j - 1], keys[j]) > 0; j--) {
			k = keys[j];
			keys[j] = keys[j - 1];
			keys[j - 1] = k;
		}
	}
	for (i = 0; i < n; i++) {
		for (p = keys[i]; *p != '\0'; p++) {
			h ^= (unsigned char)*p;
			h *= 1099511628211ULL;
		}
		h ^= 0xff;
		h *= 1099511628211ULL;
		for (p = json_string_value(json_object_get(labels, keys[i])); p != NULL &&
		    *p != '\0'; p++) {
			h ^= (unsigned char)*p;
			h *= 1099511628211ULL;
		}
		h ^= 0xff;
		h *= 1099511628211ULL;
	}
	free(keys);
	snprintf(out, 17, "%016llx", (unsigned long long)h);
}

/* Expand {{ $labels.X }} in s against labels (new string). */
static char *
expand(const char *s, json_t *labels)
{
	char		*out = xstrdup(""), *tmp, name[64];
	const char	*open, *close, *v;
	size_t		 n;

	for (;;) {
		open = strstr(s, "{{");
		if (open == NULL)
			break;
		close = strstr(open, "}}");
		if (close == NULL)
			break;
		tmp = out;
		out = xasprintf("%s%.*s", tmp, (int)(open - s), s);
		free(tmp);
		v = NULL;
		{
			const char *q = strstr(open, "$labels.");

			if (q != NULL && q < close) {
				q += 8;
				n = 0;
				while ((isalnum((unsigned char)q[n]) || q[n] == '_') &&
				    n < sizeof name - 1) {
					name[n] = q[n];
					n++;
				}
				name[n] = '\0';
				v = json_string_value(json_object_get(labels, name));
			}
		}
		tmp = out;
		out = xasprintf("%s%s", tmp, v != NULL ? v : "");
		free(tmp);
		s = close + 2;
	}
	tmp = out;
	out = xasprintf("%s%s", tmp, s);
	free(tmp);
	return out;
}

/* Remove alert i. */
static void
alert_remove(struct sim_ctl *ctl, size_t i)
{
	ctl_alert_free(ctl->alerts[i]);
	memmove(&ctl->alerts[i], &ctl->alerts[i + 1], (ctl->nalerts - i - 1) *
	    sizeof *ctl->alerts);
	ctl->nalerts--;
}

/* Make room for one more alert. */
void
alert_room(struct sim_ctl *ctl)
{
	size_t	i;

	if (ctl->nalerts < ALERTS_MAX)
		return;
	for (i = 0; i < ctl->nalerts; i++) {
		if (ctl->alerts[i]->resolved) {
			alert_remove(ctl, i);
			return;
		}
	}
	alert_remove(ctl, 0);
}

/* Evaluate the scenario's rules on c. */
void
ctl_alerts_tick(struct sim_cluster *c)
{
	struct sim_ctl	*ctl = ctl_get(c);
	struct scn	*scn = scn_get(c->sim);
	struct scn_rule	*r;
	struct expr	 e;
	struct ctl_alert *a;
	size_t		 i, j;
	double		 v, now = scn->t, w = sim_wallclock();
	char		*cause = NULL, *enc;
	bool		 applies, holds;
	const char	*k;
	json_t		*x;

	for (i = 0; i < scn->nrules; i++) {
		r = &scn->rules[i];
		applies = r->nclusters == 0;
		for (j = 0; j < r->nclusters; j++) {
			if (strcmp(r->clusters[j], c->name) == 0)
				applies = true;
		}
		if (!applies)
			continue;
		if (expr_parse(r->expr, &e, &cause) != 0) {
			free(cause);
			cause = NULL;
			json_decref(e.sel);
			continue;
		}
		holds = ctl_metric(c, e.metric, e.sel, &v) && expr_holds(&e, v);
		a = NULL;
		for (j = 0; j < ctl->nalerts; j++) {
			if (ctl->alerts[j]->rule == (int)i && !ctl->alerts[j]->resolved) {
				a = ctl->alerts[j];
				break;
			}
		}
		if (holds && a == NULL) {
			alert_room(ctl);
			a = xcalloc(1, sizeof *a);
			a->rule = (int)i;
			a->labels = json_pack("{s:s,s:s,s:s}", "alertname", r->name, "severity",
			    r->severity, "cluster", c->name);
			json_object_foreach(e.sel, k, x)
				json_object_set(a->labels, k, x);
			json_object_foreach(r->labels, k, x)
				json_object_set(a->labels, k, x);
			json_object_set_new(a->labels, "prometheus", json_string("monitoring/k8s"));
			a->annotations = json_object();
			json_object_foreach(r->annotations, k, x) {
				char *s = expand(json_string_value(x) ? json_string_value(x) : "",
				    a->labels);

				json_object_set_new(a->annotations, k, json_string(s));
				free(s);
			}
			fingerprint(a->labels, a->fingerprint);
			a->active_t = now;
			a->starts_wall = w;
			a->updated_wall = w;
			enc = http_escape(r->expr);
			a->generator = xasprintf("http://prometheus-k8s.monitoring.svc:9090/graph?"
			    "g0.expr=%s&g0.tab=1", enc);
			free(enc);
			ctl->alerts = xreallocarray(ctl->alerts, ctl->nalerts + 1,
			    sizeof *ctl->alerts);
			ctl->alerts[ctl->nalerts++] = a;
		}
		if (holds && !a->firing && now - a->active_t >= r->for_s) {
			a->firing = true;
			a->updated_wall = w;
		}
		if (!holds && a != NULL) {
			if (a->firing) {
				a->resolved = true;
				a->ends_wall = w;
				a->updated_wall = w;
			} else {
				for (j = 0; j < ctl->nalerts; j++) {
					if (ctl->alerts[j] == a) {
						alert_remove(ctl, j);
						break;
					}
				}
			}
		}
		json_decref(e.sel);
	}
	/* Posted alerts resolve at their endsAt. */
	for (i = 0; i < ctl->nalerts; i++) {
		a = ctl->alerts[i];
		if (a->posted && !a->resolved && a->ends_wall > 0 && a->ends_wall <= w)
			a->resolved = true;
	}
}

/* A boolean query parameter (default def). */
bool
query_bool(json_t *q, const char *name, bool def)
{
	const char	*v = json_string_value(json_array_get(json_object_get(q, name), 0));

	if (v == NULL)
		return def;
	return strcmp(v, "false") != 0 && strcmp(v, "0") != 0;
}

/* An HTTP answer in JSON: body set, status returned. */
int
reply_json(json_t *v, char **body, const char **ct)
{
	*body = json_dumps(v, JSON_COMPACT);
	if (*body == NULL)
		*body = xstrdup("null");
	json_decref(v);
	*ct = "application/json";
	return 200;
}

/* An HTTP error in Alertmanager's style (a JSON string). */
int
reply_error(int code, const char *msg, char **body, const char **ct)
{
	json_t	*s = json_string(msg);

	*body = json_dumps(s, JSON_ENCODE_ANY);
	json_decref(s);
	*ct = "application/json";
	return code;
}

/* A Prometheus sample (new). */
static json_t *
prom_sample(json_t *metric, double v)
{
	char	buf[64];

	if (v == floor(v) && fabs(v) < 1e15)
		snprintf(buf, sizeof buf, "%.0f", v);
	else
		snprintf(buf, sizeof buf, "%g", v);
	return json_pack("{s:O,s:[f,s]}", "metric", metric, "value", sim_wallclock(), buf);
}

/* A Prometheus error reply. */
static int
prom_error(int code, const char *type, const char *msg, char **body, const char **ct)
{
	reply_json(json_pack("{s:s,s:s,s:s}", "status", "error", "errorType", type, "error",
	    msg), body, ct);
	return code;
}

/* GET /api/v1/query. */
static int
prom_query(struct sim_cluster *c, json_t *q, char **body, const char **ct)
{
	struct sim_ctl	*ctl = ctl_get(c);
	const char	*query = json_string_value(json_array_get(json_object_get(q, "query"), 0));
	struct expr	 e;
	json_t		*result = json_array(), *m;
	char		*cause = NULL;
	double		 v;
	size_t		 i;
	int		 rc;
	static const char *jobs[] = { "apiserver", "kubelet", "postgresql", "redis",
	    "node-exporter", NULL };

	if (query == NULL || *query == '\0') {
		json_decref(result);
		return prom_error(400, "bad_data", "invalid parameter \"query\": empty query",
		    body, ct);
	}
	if (expr_parse(query, &e, &cause) != 0) {
		char *msg = xasprintf("invalid parameter \"query\": %s", cause);

		free(cause);
		json_decref(e.sel);
		json_decref(result);
		rc = prom_error(400, "bad_data", msg, body, ct);
		free(msg);
		return rc;
	}
	if (strcmp(e.metric, "ALERTS") == 0) {
		for (i = 0; i < ctl->nalerts; i++) {
			struct ctl_alert *a = ctl->alerts[i];

			if (a->resolved || a->posted)
				continue;
			m = json_deep_copy(a->labels);
			json_object_del(m, "prometheus");
			json_object_set_new(m, "__name__", json_string("ALERTS"));
			json_object_set_new(m, "alertstate", json_string(a->firing ? "firing" :
			    "pending"));
			if (sel_get(e.sel, "alertname") == NULL || strcmp(sel_get(e.sel,
			    "alertname"), json_string_value(json_object_get(a->labels,
			    "alertname"))) == 0)
				json_array_append_new(result, prom_sample(m, 1));
			json_decref(m);
		}
	} else if (strcmp(e.metric, "up") == 0 && sel_get(e.sel, "job") == NULL) {
		for (i = 0; jobs[i] != NULL; i++) {
			json_object_set_new(e.sel, "job", json_string(jobs[i]));
			ctl_metric(c, "up", e.sel, &v);
			if (expr_holds(&e, v) || e.op[0] == '\0') {
				m = json_pack("{s:s,s:s,s:s}", "__name__", "up", "job", jobs[i],
				    "cluster", c->name);
				json_array_append_new(result, prom_sample(m, v));
				json_decref(m);
			}
		}
	} else if (!ctl_metric(c, e.metric, e.sel, &v)) {
		json_decref(e.sel);
		json_decref(result);
		return reply_json(json_pack("{s:s,s:{s:s,s:[]}}", "status", "success", "data",
		    "resultType", "vector", "result"), body, ct);
	} else if (e.op[0] == '\0' || expr_holds(&e, v)) {
		m = json_deep_copy(e.sel);
		json_object_set_new(m, "__name__", json_string(e.metric));
		if (json_object_get(m, "cluster") == NULL)
			json_object_set_new(m, "cluster", json_string(c->name));
		json_array_append_new(result, prom_sample(m, v));
		json_decref(m);
	}
	json_decref(e.sel);
	return reply_json(json_pack("{s:s,s:{s:s,s:o}}", "status", "success", "data",
	    "resultType", "vector", "result", result), body, ct);
}

/* GET /api/v1/rules and /api/v1/alerts. */
static int
prom_rules(struct sim_cluster *c, bool only_alerts, char **body, const char **ct)
{
	struct sim_ctl	*ctl = ctl_get(c);
	struct scn	*scn = scn_get(c->sim);
	json_t		*rules = json_array(), *all = json_array(), *alerts, *a;
	size_t		 i, j;
	char		 ts[40];
	const char	*state;

	for (i = 0; i < scn->nrules; i++) {
		struct scn_rule *r = &scn->rules[i];

		alerts = json_array();
		state = "inactive";
		for (j = 0; j < ctl->nalerts; j++) {
			struct ctl_alert *x = ctl->alerts[j];

			if (x->rule != (int)i || x->resolved)
				continue;
			state = x->firing ? "firing" : "pending";
			ctl_rfc3339_ms(x->starts_wall, ts, sizeof ts);
			a = json_pack("{s:O,s:O,s:s,s:s,s:s}", "labels", x->labels, "annotations",
			    x->annotations, "state", state, "activeAt", ts, "value", "1e+00");
			json_array_append(alerts, a);
			json_array_append_new(all, a);
		}
		json_array_append_new(rules, json_pack("{s:s,s:s,s:s,s:f,s:O,s:O,s:o,s:s,s:s}",
		    "type", "alerting", "name", r->name, "query", r->expr, "duration", r->for_s,
		    "labels", r->labels, "annotations", r->annotations, "alerts", alerts,
		    "health", "ok", "state", state));
	}
	if (only_alerts) {
		json_decref(rules);
		return reply_json(json_pack("{s:s,s:{s:o}}", "status", "success", "data",
		    "alerts", all), body, ct);
	}
	json_decref(all);
	return reply_json(json_pack("{s:s,s:{s:[{s:s,s:s,s:i,s:o}]}}", "status", "success",
	    "data", "groups", "name", "drill.rules", "file", "/etc/prometheus/rules/drill.yaml",
	    "interval", 15, "rules", rules), body, ct);
}

/* The Prometheus HTTP API subset. */
int
prometheus(struct sim_cluster *c, const char *method, const char *path, json_t *q,
    char **body, const char **ct)
{
	if (strcmp(path, "/api/v1/query") == 0 && strcmp(method, "GET") == 0)
		return prom_query(c, q, body, ct);
	if (strcmp(path, "/api/v1/rules") == 0 && strcmp(method, "GET") == 0)
		return prom_rules(c, false, body, ct);
	if (strcmp(path, "/api/v1/alerts") == 0 && strcmp(method, "GET") == 0)
		return prom_rules(c, true, body, ct);
	if (strcmp(path, "/-/healthy") == 0 || strcmp(path, "/-/ready") == 0) {
		*body = xstrdup("Prometheus Server is Ready.\n");
		*ct = "text/plain; charset=utf-8";
		return 200;
	}
	*body = xstrdup("404 page not found\n");
	*ct = "text/plain; charset=utf-8";
	return 404;
}
