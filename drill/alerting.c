/* Alerting of a simulated cluster: metrics over the simulated state, the
 * scenario's alert rules evaluated every tick with `for` in simulated time,
 * and the Alertmanager v2 / Prometheus HTTP API subset served through the
 * API server's service proxy (sim_proxy). */
#include <ctype.h>
#include <math.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "opsdeck/http.h"
#include "opsdeck/json_util.h"
#include "opsdeck/sim.h"
#include "opsdeck/sim_ctl.h"
#include "opsdeck/xmalloc.h"

/* Alerts kept per cluster (resolved ones are dropped first). */
#define ALERTS_MAX	256
/* Silences kept per cluster. */
#define SILENCES_MAX	256
/* Bytes of a request body we accept. */
#define BODY_MAX	(1024 * 1024)
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
static void
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
	struct ctl_alert	*a = ctl->alerts[i];

	json_decref(a->labels);
	json_decref(a->annotations);
	free(a->generator);
	free(a);
	memmove(&ctl->alerts[i], &ctl->alerts[i + 1], (ctl->nalerts - i - 1) *
	    sizeof *ctl->alerts);
	ctl->nalerts--;
}

/* Make room for one more alert. */
static void
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

/* One matcher of a silence or filter. */
struct matcher {
	char	*name;
	char	*value;
	bool	 regex;
	bool	 equal;
	regex_t	 re;
	bool	 compiled;
};

/* Free matchers. */
static void
matchers_free(struct matcher *m, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++) {
		free(m[i].name);
		free(m[i].value);
		if (m[i].compiled)
			regfree(&m[i].re);
	}
	free(m);
}

/* Prepare a matcher (compile its regex); false if the regex is bad. */
static bool
matcher_init(struct matcher *m, const char *name, const char *value, bool regex, bool equal)
{
	char	*pat;
	int	 rc;

	m->name = xstrdup(name);
	m->value = xstrdup(value);
	m->regex = regex;
	m->equal = equal;
	m->compiled = false;
	if (!regex)
		return true;
	pat = xasprintf("^(%s)$", value);
	rc = regcomp(&m->re, pat, REG_EXTENDED | REG_NOSUB);
	free(pat);
	if (rc != 0)
		return false;
	m->compiled = true;
	return true;
}

/* Does label set match one matcher? */
static bool
matcher_match(struct matcher *m, json_t *labels)
{
	const char	*v = json_string_value(json_object_get(labels, m->name));
	bool		 hit;

	if (v == NULL)
		v = "";
	if (m->regex)
		hit = m->compiled && regexec(&m->re, v, 0, NULL, 0) == 0;
	else
		hit = strcmp(v, m->value) == 0;
	return m->equal ? hit : !hit;
}

/* Matchers of a silence (JSON array) ; NULL if any regex is bad. */
static struct matcher *
matchers_from_json(json_t *arr, size_t *n)
{
	struct matcher	*m;
	json_t		*x, *eq;
	size_t		 i;

	*n = json_array_size(arr);
	m = xcalloc(*n + 1, sizeof *m);
	json_array_foreach(arr, i, x) {
		eq = json_object_get(x, "isEqual");
		if (!matcher_init(&m[i], json_path_str_or(x, "name", ""),
		    json_path_str_or(x, "value", ""),
		    json_is_true(json_object_get(x, "isRegex")), eq == NULL || json_is_true(eq))) {
			matchers_free(m, i + 1);
			return NULL;
		}
	}
	return m;
}

/* Parse one filter matcher: name(=|!=|=~|!~)"value"; false if bad. */
static bool
filter_parse(const char *s, struct matcher *m)
{
	char		 name[128], value[512];
	size_t		 n = 0, v = 0;
	bool		 regex = false, equal = true;

	while (isspace((unsigned char)*s) || *s == '{')
		s++;
	while ((isalnum((unsigned char)*s) || *s == '_') && n < sizeof name - 1)
		name[n++] = *s++;
	name[n] = '\0';
	if (n == 0)
		return false;
	while (isspace((unsigned char)*s))
		s++;
	if (strncmp(s, "!=", 2) == 0) {
		equal = false;
		s += 2;
	} else if (strncmp(s, "=~", 2) == 0) {
		regex = true;
		s += 2;
	} else if (strncmp(s, "!~", 2) == 0) {
		regex = true;
		equal = false;
		s += 2;
	} else if (*s == '=')
		s++;
	else
		return false;
	while (isspace((unsigned char)*s))
		s++;
	if (*s == '"') {
		s++;
		while (*s != '\0' && *s != '"' && v < sizeof value - 1) {
			if (*s == '\\' && s[1] != '\0')
				s++;
			value[v++] = *s++;
		}
		if (*s != '"')
			return false;
	} else {
		while (*s != '\0' && *s != '}' && v < sizeof value - 1)
			value[v++] = *s++;
		while (v > 0 && isspace((unsigned char)value[v - 1]))
			v--;
	}
	value[v] = '\0';
	return matcher_init(m, name, value, regex, equal);
}

/* Decode %XX and + in place. */
static void
url_decode(char *s)
{
	char	*o = s;
	int	 hi, lo;

	for (; *s != '\0'; s++) {
		if (*s == '+')
			*o++ = ' ';
		else if (*s == '%' && isxdigit((unsigned char)s[1]) &&
		    isxdigit((unsigned char)s[2])) {
			hi = isdigit((unsigned char)s[1]) ? s[1] - '0' :
			    tolower((unsigned char)s[1]) - 'a' + 10;
			lo = isdigit((unsigned char)s[2]) ? s[2] - '0' :
			    tolower((unsigned char)s[2]) - 'a' + 10;
			*o++ = (char)(hi * 16 + lo);
			s += 2;
		} else
			*o++ = *s;
	}
	*o = '\0';
}

/* Query parameters as a JSON object of arrays of strings (new). */
static json_t *
query_parse(const char *q)
{
	json_t	*out = json_object(), *arr;
	char	*copy, *tok, *save = NULL, *eq;

	if (q == NULL)
		return out;
	if (*q == '?')
		q++;
	copy = xstrdup(q);
	for (tok = strtok_r(copy, "&", &save); tok != NULL; tok = strtok_r(NULL, "&", &save)) {
		eq = strchr(tok, '=');
		if (eq != NULL)
			*eq++ = '\0';
		url_decode(tok);
		if (eq != NULL)
			url_decode(eq);
		arr = json_object_get(out, tok);
		if (arr == NULL) {
			arr = json_array();
			json_object_set_new(out, tok, arr);
		}
		json_array_append_new(arr, json_string(eq != NULL ? eq : ""));
	}
	free(copy);
	return out;
}

/* A boolean query parameter (default def). */
static bool
query_bool(json_t *q, const char *name, bool def)
{
	const char	*v = json_string_value(json_array_get(json_object_get(q, name), 0));

	if (v == NULL)
		return def;
	return strcmp(v, "false") != 0 && strcmp(v, "0") != 0;
}

/* The state of a silence at wall time w. */
static const char *
silence_state(struct ctl_silence *s, double w)
{
	if (w >= s->ends_wall)
		return "expired";
	if (w < s->starts_wall)
		return "pending";
	return "active";
}

/* Does silence s match labels? */
static bool
silence_matches(struct ctl_silence *s, json_t *labels)
{
	struct matcher	*m;
	size_t		 n, i;
	bool		 ok = true;

	m = matchers_from_json(s->matchers, &n);
	if (m == NULL || n == 0) {
		if (m != NULL)
			matchers_free(m, n);
		return false;
	}
	for (i = 0; i < n && ok; i++)
		ok = matcher_match(&m[i], labels);
	matchers_free(m, n);
	return ok;
}

/* An HTTP answer in JSON: body set, status returned. */
static int
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
static int
reply_error(int code, const char *msg, char **body, const char **ct)
{
	json_t	*s = json_string(msg);

	*body = json_dumps(s, JSON_ENCODE_ANY);
	json_decref(s);
	*ct = "application/json";
	return code;
}

/* The filters of a request; NULL and *bad set if one does not parse. */
static struct matcher *
filters_of(json_t *q, size_t *n, bool *bad)
{
	json_t		*arr = json_object_get(q, "filter"), *x;
	struct matcher	*m;
	size_t		 i;

	*bad = false;
	*n = json_array_size(arr);
	m = xcalloc(*n + 1, sizeof *m);
	json_array_foreach(arr, i, x) {
		if (!filter_parse(json_string_value(x), &m[i])) {
			*bad = true;
			matchers_free(m, i + 1);
			return NULL;
		}
	}
	return m;
}

/* The receiver of an alert. */
static const char *
receiver_of(json_t *labels)
{
	const char	*team = json_string_value(json_object_get(labels, "team"));

	if (team != NULL && strcmp(team, "backend") == 0)
		return "team-backend";
	if (team != NULL && strcmp(team, "platform") == 0)
		return "team-platform";
	if (team != NULL && strcmp(team, "database") == 0)
		return "team-database";
	if (team != NULL && strcmp(team, "infrastructure") == 0)
		return "team-infrastructure";
	return "default";
}

/* GET /api/v2/alerts. */
static int
am_get_alerts(struct sim_cluster *c, json_t *q, char **body, const char **ct)
{
	struct sim_ctl	*ctl = ctl_get(c);
	struct matcher	*f;
	size_t		 nf, i, j, k;
	bool		 bad, want_active, want_silenced, ok;
	double		 w = sim_wallclock();
	json_t		*out, *sil, *o;
	char		 ts1[40], ts2[40], ts3[40];

	f = filters_of(q, &nf, &bad);
	if (bad)
		return reply_error(400, "bad matcher format", body, ct);
	want_active = query_bool(q, "active", true);
	want_silenced = query_bool(q, "silenced", true);
	out = json_array();
	for (i = 0; i < ctl->nalerts; i++) {
		struct ctl_alert *a = ctl->alerts[i];

		if (a->resolved || (!a->firing && !a->posted))
			continue;
		ok = true;
		for (j = 0; j < nf && ok; j++)
			ok = matcher_match(&f[j], a->labels);
		if (!ok)
			continue;
		sil = json_array();
		for (k = 0; k < ctl->nsilences; k++) {
			struct ctl_silence *s = ctl->silences[k];

			if (strcmp(silence_state(s, w), "active") == 0 &&
			    silence_matches(s, a->labels))
				json_array_append_new(sil, json_string(s->id));
		}
		if (json_array_size(sil) > 0 ? !want_silenced : !want_active) {
			json_decref(sil);
			continue;
		}
		ctl_rfc3339_ms(a->starts_wall, ts1, sizeof ts1);
		ctl_rfc3339_ms(a->posted ? a->ends_wall : w + 240, ts2, sizeof ts2);
		ctl_rfc3339_ms(a->updated_wall, ts3, sizeof ts3);
		o = json_pack("{s:O,s:O,s:s,s:s,s:s,s:s,s:s,s:[{s:s}],s:{s:s,s:o,s:[]}}",
		    "labels", a->labels, "annotations", a->annotations, "fingerprint",
		    a->fingerprint, "startsAt", ts1, "endsAt", ts2, "updatedAt", ts3,
		    "generatorURL", a->generator != NULL ? a->generator : "",
		    "receivers", "name", receiver_of(a->labels), "status", "state",
		    json_array_size(sil) > 0 ? "suppressed" : "active", "silencedBy", sil,
		    "inhibitedBy");
		json_array_append_new(out, o);
	}
	if (f != NULL)
		matchers_free(f, nf);
	return reply_json(out, body, ct);
}

/* POST /api/v2/alerts. */
static int
am_post_alerts(struct sim_cluster *c, json_t *in, char **body, const char **ct)
{
	struct sim_ctl	*ctl = ctl_get(c);
	json_t		*x, *labels;
	size_t		 i, j;
	double		 w = sim_wallclock(), t;
	struct ctl_alert *a;

	if (!json_is_array(in))
		return reply_error(400, "body must be an array of alerts", body, ct);
	json_array_foreach(in, i, x) {
		labels = json_object_get(x, "labels");
		if (!json_is_object(labels) || json_object_size(labels) == 0)
			return reply_error(400, "at least one label pair required", body, ct);
	}
	json_array_foreach(in, i, x) {
		char	fp[17];

		labels = json_object_get(x, "labels");
		fingerprint(labels, fp);
		a = NULL;
		for (j = 0; j < ctl->nalerts; j++) {
			if (ctl->alerts[j]->posted && strcmp(ctl->alerts[j]->fingerprint, fp) == 0)
				a = ctl->alerts[j];
		}
		if (a == NULL) {
			alert_room(ctl);
			a = xcalloc(1, sizeof *a);
			a->posted = true;
			a->rule = -1;
			a->labels = json_deep_copy(labels);
			memcpy(a->fingerprint, fp, sizeof fp);
			a->starts_wall = w;
			ctl->alerts = xreallocarray(ctl->alerts, ctl->nalerts + 1,
			    sizeof *ctl->alerts);
			ctl->alerts[ctl->nalerts++] = a;
		}
		json_decref(a->annotations);
		a->annotations = json_is_object(json_object_get(x, "annotations")) ?
		    json_deep_copy(json_object_get(x, "annotations")) : json_object();
		t = ctl_parse_time(json_string_value(json_object_get(x, "startsAt")));
		if (t > 0)
			a->starts_wall = t;
		t = ctl_parse_time(json_string_value(json_object_get(x, "endsAt")));
		a->ends_wall = t > 0 ? t : w + 300;
		a->resolved = a->ends_wall <= w;
		a->firing = true;
		a->updated_wall = w;
		free(a->generator);
		a->generator = xstrdup(json_path_str_or(x, "generatorURL", ""));
	}
	*body = xstrdup("");
	*ct = "application/json";
	return 200;
}

/* A silence as JSON (new). */
static json_t *
silence_json(struct ctl_silence *s, double w)
{
	char	ts1[40], ts2[40], ts3[40];

	ctl_rfc3339_ms(s->starts_wall, ts1, sizeof ts1);
	ctl_rfc3339_ms(s->ends_wall, ts2, sizeof ts2);
	ctl_rfc3339_ms(s->updated_wall, ts3, sizeof ts3);
	return json_pack("{s:s,s:O,s:s,s:s,s:s,s:s,s:s,s:{s:s}}", "id", s->id, "matchers",
	    s->matchers, "startsAt", ts1, "endsAt", ts2, "updatedAt", ts3, "createdBy",
	    s->created_by, "comment", s->comment, "status", "state", silence_state(s, w));
}

/* Find a silence by id. */
static struct ctl_silence *
silence_find(struct sim_ctl *ctl, const char *id)
{
	size_t	i;

	for (i = 0; i < ctl->nsilences; i++) {
		if (strcmp(ctl->silences[i]->id, id) == 0)
			return ctl->silences[i];
	}
	return NULL;
}

/* POST /api/v2/silences. */
static int
am_post_silence(struct sim_cluster *c, json_t *in, char **body, const char **ct)
{
	struct sim_ctl		*ctl = ctl_get(c);
	struct ctl_silence	*s;
	struct matcher		*m;
	json_t			*matchers, *x;
	const char		*id, *by, *comment;
	double			 starts, ends, w = sim_wallclock();
	size_t			 n, i;
	uint64_t		 a, b;

	if (!json_is_object(in))
		return reply_error(400, "body must be a silence object", body, ct);
	matchers = json_object_get(in, "matchers");
	if (!json_is_array(matchers) || json_array_size(matchers) == 0)
		return reply_error(400, "silence invalid: at least one matcher required", body,
		    ct);
	json_array_foreach(matchers, i, x) {
		const char *nm = json_string_value(json_object_get(x, "name"));

		if (nm == NULL || *nm == '\0' || !json_is_string(json_object_get(x, "value")))
			return reply_error(400, "silence invalid: invalid label matcher", body,
			    ct);
	}
	m = matchers_from_json(matchers, &n);
	if (m == NULL)
		return reply_error(400, "silence invalid: invalid regular expression", body, ct);
	matchers_free(m, n);
	starts = ctl_parse_time(json_string_value(json_object_get(in, "startsAt")));
	ends = ctl_parse_time(json_string_value(json_object_get(in, "endsAt")));
	if (starts < 0)
		starts = w;
	if (ends < 0)
		return reply_error(400, "silence invalid: endsAt is required", body, ct);
	if (ends < starts)
		return reply_error(400, "silence invalid: end time must not be before start time",
		    body, ct);
	if (ends < w)
		return reply_error(400, "silence invalid: end time can't be in the past", body,
		    ct);
	by = json_string_value(json_object_get(in, "createdBy"));
	comment = json_string_value(json_object_get(in, "comment"));
	if (by == NULL || *by == '\0')
		return reply_error(400, "silence invalid: creator information missing", body,
		    ct);
	if (comment == NULL || *comment == '\0')
		return reply_error(400, "silence invalid: comment missing", body, ct);
	id = json_string_value(json_object_get(in, "id"));
	s = NULL;
	if (id != NULL && *id != '\0') {
		s = silence_find(ctl, id);
		if (s == NULL)
			return reply_error(404, "silence not found", body, ct);
		json_decref(s->matchers);
		free(s->created_by);
		free(s->comment);
	} else {
		if (ctl->nsilences == SILENCES_MAX) {
			for (i = 0; i < ctl->nsilences; i++) {
				if (strcmp(silence_state(ctl->silences[i], w), "expired") == 0)
					break;
			}
			if (i == ctl->nsilences)
				return reply_error(400, "too many silences", body, ct);
			json_decref(ctl->silences[i]->matchers);
			free(ctl->silences[i]->created_by);
			free(ctl->silences[i]->comment);
			free(ctl->silences[i]);
			memmove(&ctl->silences[i], &ctl->silences[i + 1],
			    (ctl->nsilences - i - 1) * sizeof *ctl->silences);
			ctl->nsilences--;
		}
		s = xcalloc(1, sizeof *s);
		a = ctl_rand(ctl);
		b = ctl_rand(ctl);
		snprintf(s->id, sizeof s->id, "%08x-%04x-4%03x-%04x-%012llx",
		    (unsigned)(a >> 32), (unsigned)(a >> 16) & 0xffff, (unsigned)a & 0xfff,
		    (unsigned)(0x8000 | ((b >> 48) & 0x3fff)),
		    (unsigned long long)(b & 0xffffffffffffULL));
		ctl->silences = xreallocarray(ctl->silences, ctl->nsilences + 1,
		    sizeof *ctl->silences);
		ctl->silences[ctl->nsilences++] = s;
	}
	s->matchers = json_array();
	json_array_foreach(matchers, i, x) {
		json_t *eq = json_object_get(x, "isEqual");

		json_array_append_new(s->matchers, json_pack("{s:s,s:s,s:b,s:b}", "name",
		    json_string_value(json_object_get(x, "name")), "value",
		    json_string_value(json_object_get(x, "value")), "isRegex",
		    json_is_true(json_object_get(x, "isRegex")), "isEqual",
		    eq == NULL || json_is_true(eq)));
	}
	s->starts_wall = starts;
	s->ends_wall = ends;
	s->updated_wall = w;
	s->created_by = xstrdup(by);
	s->comment = xstrdup(comment);
	return reply_json(json_pack("{s:s}", "silenceID", s->id), body, ct);
}

/* GET /api/v2/silences. */
static int
am_get_silences(struct sim_cluster *c, json_t *q, char **body, const char **ct)
{
	struct sim_ctl	*ctl = ctl_get(c);
	struct matcher	*f;
	size_t		 nf, i, j, k;
	bool		 bad, ok;
	json_t		*out = json_array(), *ms, *mx;
	double		 w = sim_wallclock();

	f = filters_of(q, &nf, &bad);
	if (bad) {
		json_decref(out);
		return reply_error(400, "bad matcher format", body, ct);
	}
	for (i = 0; i < ctl->nsilences; i++) {
		struct ctl_silence *s = ctl->silences[i];

		/* A filter matches a silence that has an equal matcher. */
		ok = true;
		for (j = 0; j < nf && ok; j++) {
			ok = false;
			ms = s->matchers;
			json_array_foreach(ms, k, mx) {
				if (strcmp(json_string_value(json_object_get(mx, "name")),
				    f[j].name) == 0 &&
				    strcmp(json_string_value(json_object_get(mx, "value")),
				    f[j].value) == 0)
					ok = true;
			}
		}
		if (ok)
			json_array_append_new(out, silence_json(s, w));
	}
	if (f != NULL)
		matchers_free(f, nf);
	return reply_json(out, body, ct);
}

/* GET /api/v2/status. */
static int
am_status(struct sim_cluster *c, char **body, const char **ct)
{
	char	ts[40], *cfg;
	int	rc;

	ctl_rfc3339_ms((double)c->sim->started, ts, sizeof ts);
	cfg = xasprintf("global:\n  resolve_timeout: 5m\nroute:\n  receiver: default\n"
	    "  group_by: [alertname, cluster]\n  routes:\n  - receiver: team-backend\n"
	    "    matchers: [team=\"backend\"]\n  - receiver: team-platform\n"
	    "    matchers: [team=\"platform\"]\nreceivers:\n- name: default\n"
	    "- name: team-backend\n- name: team-platform\n- name: team-database\n"
	    "- name: team-infrastructure\n");
	rc = reply_json(json_pack("{s:{s:s,s:[],s:s},s:{s:s},s:s,s:{s:s,s:s,s:s,s:s,s:s,"
	    "s:s}}", "cluster", "name", c->name, "peers", "status", "disabled", "config",
	    "original", cfg, "uptime", ts, "versionInfo", "branch", "HEAD", "buildDate",
	    "20240101-00:00:00", "buildUser", "opsdeck-drill", "goVersion", "go1.21.5",
	    "revision", "drill", "version", "0.25.0"), body, ct);
	free(cfg);
	return rc;
}

/* The Alertmanager v2 API. */
static int
alertmanager(struct sim_cluster *c, const char *method, const char *path, json_t *q,
    const char *req, size_t req_len, char **body, const char **ct)
{
	struct sim_ctl		*ctl = ctl_get(c);
	struct ctl_silence	*s;
	json_t			*in = NULL;
	json_error_t		 err;
	int			 rc;
	double			 w = sim_wallclock();

	if (strcmp(method, "POST") == 0) {
		if (req_len > BODY_MAX)
			return reply_error(413, "request body too large", body, ct);
		in = json_loadb(req != NULL ? req : "", req_len, 0, &err);
		if (in == NULL) {
			char *msg = xasprintf("parsing request body: %s", err.text);

			rc = reply_error(400, msg, body, ct);
			free(msg);
			return rc;
		}
	}
	if (strcmp(path, "/api/v2/alerts") == 0 && strcmp(method, "GET") == 0)
		rc = am_get_alerts(c, q, body, ct);
	else if (strcmp(path, "/api/v2/alerts") == 0 && strcmp(method, "POST") == 0)
		rc = am_post_alerts(c, in, body, ct);
	else if (strcmp(path, "/api/v2/silences") == 0 && strcmp(method, "GET") == 0)
		rc = am_get_silences(c, q, body, ct);
	else if (strcmp(path, "/api/v2/silences") == 0 && strcmp(method, "POST") == 0)
		rc = am_post_silence(c, in, body, ct);
	else if (strncmp(path, "/api/v2/silence/", 16) == 0 && strcmp(method, "GET") == 0) {
		s = silence_find(ctl, path + 16);
		rc = s == NULL ? reply_error(404, "silence not found", body, ct) :
		    reply_json(silence_json(s, w), body, ct);
	} else if (strncmp(path, "/api/v2/silence/", 16) == 0 &&
	    strcmp(method, "DELETE") == 0) {
		s = silence_find(ctl, path + 16);
		if (s == NULL)
			rc = reply_error(404, "silence not found", body, ct);
		else if (strcmp(silence_state(s, w), "expired") == 0)
			rc = reply_error(500, "silence already expired", body, ct);
		else {
			if (s->starts_wall > w)
				s->starts_wall = w;
			s->ends_wall = w;
			s->updated_wall = w;
			*body = xstrdup("");
			*ct = "application/json";
			rc = 200;
		}
	} else if (strcmp(path, "/api/v2/status") == 0 && strcmp(method, "GET") == 0)
		rc = am_status(c, body, ct);
	else if (strcmp(path, "/api/v2/receivers") == 0 && strcmp(method, "GET") == 0)
		rc = reply_json(json_pack("[{s:s},{s:s},{s:s},{s:s},{s:s}]", "name", "default",
		    "name", "team-backend", "name", "team-platform", "name", "team-database",
		    "name", "team-infrastructure"), body, ct);
	else if (strcmp(path, "/-/healthy") == 0 || strcmp(path, "/-/ready") == 0) {
		*body = xstrdup("OK");
		*ct = "text/plain; charset=utf-8";
		rc = 200;
	} else {
		*body = xstrdup("404 page not found\n");
		*ct = "text/plain; charset=utf-8";
		rc = 404;
	}
	json_decref(in);
	return rc;
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

/* A request to a proxied monitoring service. */
int
sim_proxy(struct sim_cluster *c, const char *ns, const char *service, const char *method,
    const char *rest, const char *query, const char *req_body, size_t req_len, char **body,
    const char **content_type)
{
	json_t		*q;
	char		*path, *qm;
	const char	*qs = query;
	int		 rc;

	*body = NULL;
	*content_type = "application/json";
	if (ns == NULL || strcmp(ns, "monitoring") != 0 || service == NULL ||
	    (strncmp(service, "alertmanager", 12) != 0 &&
	    strncmp(service, "prometheus", 10) != 0)) {
		*body = xasprintf("{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},"
		    "\"status\":\"Failure\",\"message\":\"services \\\"%s\\\" not found\","
		    "\"reason\":\"NotFound\",\"details\":{\"name\":\"%s\",\"kind\":"
		    "\"services\"},\"code\":404}", service != NULL ? service : "",
		    service != NULL ? service : "");
		return 404;
	}
	if (method == NULL)
		method = "GET";
	path = xasprintf("%s%s", rest != NULL && *rest == '/' ? "" : "/", rest != NULL ? rest : "");
	qm = strchr(path, '?');
	if (qm != NULL) {
		*qm = '\0';
		if (qs == NULL || *qs == '\0')
			qs = qm + 1;
	}
	q = query_parse(qs);
	if (strcmp(method, "POST") == 0 && strcmp(path, "/api/v1/query") == 0 &&
	    req_body != NULL && req_len < BODY_MAX) {
		/* A form-encoded POST query. */
		char	*form = xstrndup(req_body, req_len);
		json_t	*fq = query_parse(form);

		json_object_update(q, fq);
		json_decref(fq);
		free(form);
		method = "GET";
	}
	if (strncmp(service, "alertmanager", 12) == 0)
		rc = alertmanager(c, method, path, q, req_body, req_len, body, content_type);
	else if (strcmp(path, "/api/v1/query") == 0 && strcmp(method, "GET") == 0)
		rc = prom_query(c, q, body, content_type);
	else if (strcmp(path, "/api/v1/rules") == 0 && strcmp(method, "GET") == 0)
		rc = prom_rules(c, false, body, content_type);
	else if (strcmp(path, "/api/v1/alerts") == 0 && strcmp(method, "GET") == 0)
		rc = prom_rules(c, true, body, content_type);
	else if (strcmp(path, "/-/healthy") == 0 || strcmp(path, "/-/ready") == 0) {
		*body = xstrdup("Prometheus Server is Ready.\n");
		*content_type = "text/plain; charset=utf-8";
		rc = 200;
	} else {
		*body = xstrdup("404 page not found\n");
		*content_type = "text/plain; charset=utf-8";
		rc = 404;
	}
	json_decref(q);
	free(path);
	return rc;
}
