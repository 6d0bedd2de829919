/* The Alertmanager v2 API subset of a simulated cluster, served through
 * the API server's service proxy (sim_proxy in monitoring.c): alerts with
 * their filters and receivers, posted alerts, silences and the status. */
#include <ctype.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "opsdeck/json_util.h"
#include "opsdeck/sim.h"
#include "opsdeck/sim_ctl.h"
#include "opsdeck/xmalloc.h"
#include "alerting_int.h"

/* Silences kept per cluster. */
#define SILENCES_MAX	256

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
int
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
