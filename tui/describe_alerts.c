/* describe for Alertmanager's alerts and silences: labels, annotations,
 * times, and what silences or inhibits an alert. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "opsdeck/json_util.h"
#include "opsdeck/kinds.h"
#include "opsdeck/printers.h"
#include "opsdeck/xmalloc.h"

#include "describe_int.h"

/* ---- Alertmanager alerts ---- */

/* A time as RFC1123Z and how long ago or ahead ("5m ago", "in 2h"). */
static const char *
when(struct dw *w, const char *t, int64_t now)
{
	int64_t s = t != NULL && *t != '\0' ? parse_rfc3339(t) : 0;
	char d[32], *x;
	const char *r;

	if (s <= 0)
		return "<none>";
	human_duration(s <= now ? now - s : s - now, d, sizeof d);
	x = xasprintf("%s (%s%s%s)", rfc1123z(w, t), s <= now ? "" : "in ", d,
	    s <= now ? " ago" : "");
	r = V(w, x);
	free(x);
	return r;
}

/* Values of a key: value map, each whole (multi-line values under their
 * key, nothing shortened: an alert's description is what the on-call
 * engineer reads). */
static void
alert_map(struct dw *w, const char *title, json_t *map, const char *sep)
{
	const char **keys;
	size_t n, i;
	char *v, *line, *next;

	W(w, 0, "%s:\t", title);
	keys = sorted_keys(map, NULL, &n);
	if (n == 0)
		W(w, 0, "<none>\n");
	for (i = 0; i < n; i++) {
		v = xstrdup(json_string_value(json_object_get(map, keys[i])) != NULL ?
		    json_string_value(json_object_get(map, keys[i])) : "");
		if (strchr(v, '\n') == NULL || *sep == '=')
			W(w, 0, "%s%s%s%s\n", i != 0 ? "\t" : "", V(w, keys[i]), sep, V(w, v));
		else {
			W(w, 0, "%s%s:\n", i != 0 ? "\t" : "", V(w, keys[i]));
			for (line = v; line != NULL; line = next) {
				next = strchr(line, '\n');
				if (next != NULL)
					*next++ = '\0';
				if (next != NULL || *line != '\0')
					W(w, 0, "\t  %s\n", V(w, line));
			}
		}
		free(v);
	}
	free(keys);
}

/* The object of related (silences and alerts) with field == value. */
static json_t *
related_find(json_t *related, const char *field, const char *value)
{
	json_t *o;
	size_t i;

	json_array_foreach(related, i, o) {
		if (value != NULL && strcmp(json_path_str_or(o, field, ""), value) == 0)
			return o;
	}
	return NULL;
}

static void
alert_render(struct dw *w, json_t *a, json_t *related, int64_t now)
{
	const char *url;
	json_t *v, *o;
	size_t i;
	char *s;

	related = json_array_get(related, 0);
	W(w, 0, "Alertname:\t%s\n", V(w, json_path_str_or(a, "labels.alertname", "<none>")));
	W(w, 0, "State:\t%s\n", V(w, printer_alert_state(a)));
	W(w, 0, "Severity:\t%s\n", V(w, json_path_str_or(a, "labels.severity", "<none>")));
	W(w, 0, "Starts At:\t%s\n", when(w, json_path_str(a, "startsAt"), now));
	W(w, 0, "Updated At:\t%s\n", when(w, json_path_str(a, "updatedAt"), now));
	W(w, 0, "Ends At:\t%s\n", when(w, json_path_str(a, "endsAt"), now));
	W(w, 0, "Fingerprint:\t%s\n", V(w, json_path_str_or(a, "fingerprint", "<none>")));
	url = json_path_str_or(a, "generatorURL", "<none>");
	W(w, 0, "Generator URL:\t%s\n", V(w, url));
	url = json_path_str_or(a, "annotations.runbook_url", "<none>");
	W(w, 0, "Runbook URL:\t%s\n", V(w, url));
	name_list(w, "Receivers", json_object_get(a, "receivers"));
	alert_map(w, "Labels", json_object_get(a, "labels"), "=");
	alert_map(w, "Annotations", json_object_get(a, "annotations"), ": ");
	/* who silences it: the silence's author, end and comment */
	W(w, 0, "Silenced By:\t%s", json_path_len(a, "status.silencedBy") == 0 ? "<none>\n" : "");
	json_array_foreach(json_path(a, "status.silencedBy"), i, v) {
		o = related_find(related, "id", json_string_value(v));
		if (o != NULL)
			s = xasprintf("%s  by %s, ends %s: %s", json_string_value(v),
			    json_path_str_or(o, "createdBy", "?"),
			    when(w, json_path_str(o, "endsAt"), now),
			    json_path_str_or(o, "comment", ""));
		else
			s = xstrdup(json_string_value(v) != NULL ? json_string_value(v) : "");
		W(w, 0, "%s%s\n", i != 0 ? "\t" : "", V(w, s));
		free(s);
	}
	/* what inhibits it: the inhibiting alerts by name */
	W(w, 0, "Inhibited By:\t%s", json_path_len(a, "status.inhibitedBy") == 0 ?
	    "<none>\n" : "");
	json_array_foreach(json_path(a, "status.inhibitedBy"), i, v) {
		o = related_find(related, "fingerprint", json_string_value(v));
		if (o != NULL)
			s = xasprintf("%s  %s (%s, %s)", json_string_value(v),
			    json_path_str_or(o, "labels.alertname", "?"),
			    json_path_str_or(o, "labels.severity", "no severity"),
			    printer_alert_state(o));
		else
			s = xstrdup(json_string_value(v) != NULL ? json_string_value(v) : "");
		W(w, 0, "%s%s\n", i != 0 ? "\t" : "", V(w, s));
		free(s);
	}
}

const struct describer describe_alert = { NULL, alert_render };

/* An Alertmanager silence: its matchers, author, comment, times, and the
 * alerts it silences now. */
static void
silence_render(struct dw *w, json_t *sl, json_t *related, int64_t now)
{
	const char *id = json_path_str_or(sl, "id", ""), *op;
	json_t *m, *a, *by;
	size_t i, j, n = 0;
	bool eq, re;
	char *s;

	related = json_array_get(related, 0);
	W(w, 0, "ID:\t%s\n", V(w, id));
	W(w, 0, "State:\t%s\n", V(w, json_path_str_or(sl, "status.state", "<unknown>")));
	W(w, 0, "Matchers:\t%s", json_path_len(sl, "matchers") == 0 ? "<none>\n" : "");
	json_array_foreach(json_object_get(sl, "matchers"), i, m) {
		eq = !json_is_false(json_object_get(m, "isEqual"));
		re = json_path_true(m, "isRegex");
		op = re ? (eq ? "=~" : "!~") : (eq ? "=" : "!=");
		W(w, 0, "%s%s%s%s\n", i != 0 ? "\t" : "", VS(w, m, "name"), op, VS(w, m, "value"));
	}
	W(w, 0, "Created By:\t%s\n", VS(w, sl, "createdBy"));
	W(w, 0, "Comment:\t%s\n", VS(w, sl, "comment"));
	W(w, 0, "Starts At:\t%s\n", when(w, json_path_str(sl, "startsAt"), now));
	W(w, 0, "Ends At:\t%s\n", when(w, json_path_str(sl, "endsAt"), now));
	W(w, 0, "Updated At:\t%s\n", when(w, json_path_str(sl, "updatedAt"), now));
	W(w, 0, "Silences:\t");
	json_array_foreach(related, i, a) {
		json_array_foreach(json_path(a, "status.silencedBy"), j, by) {
			if (strcmp(json_string_value(by) != NULL ? json_string_value(by) : "", id) != 0)
				continue;
			s = xasprintf("%s (%s, %s)", json_path_str_or(a, "labels.alertname", "?"),
			    json_path_str_or(a, "labels.severity", "no severity"),
			    json_path_str_or(a, "fingerprint", "?"));
			W(w, 0, "%s%s\n", n++ != 0 ? "\t" : "", V(w, s));
			free(s);
		}
	}
	if (n == 0)
		W(w, 0, "<none>\n");
}

const struct describer describe_silence = { NULL, silence_render };

json_t *
describe_am_find(const struct kind *k, json_t *alerts, json_t *silences,
    const char *fingerprint, const char *name, size_t n)
{
	json_t *a;
	size_t i;

	if (k != NULL && k->describer == &describe_silence) {
		json_array_foreach(silences, i, a) {
			if (strcmp(json_path_str_or(a, "id", ""), name) == 0)
				return n == 0 ? a : NULL;
		}
		return NULL;
	}
	if (fingerprint != NULL && *fingerprint != '\0') {
		json_array_foreach(alerts, i, a) {
			if (strcmp(json_path_str_or(a, "fingerprint", ""), fingerprint) == 0)
				return n == 0 ? a : NULL;
		}
	}
	json_array_foreach(alerts, i, a) {
		if (name != NULL && strcmp(json_path_str_or(a, "labels.alertname", ""), name) == 0 &&
		    n-- == 0)
			return a;
	}
	return NULL;
}

json_t *
describe_alert_related(json_t *alerts, json_t *silences)
{
	json_t *all = json_array(), *related = json_array();

	if (json_is_array(silences))
		json_array_extend(all, silences);
	if (json_is_array(alerts))
		json_array_extend(all, alerts);
	json_array_append_new(related, all);
	return related;
}
