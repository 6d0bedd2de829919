/* Incidents: timelines persisted as JSON lines, exported as Markdown. */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "opsdeck/audit.h"
#include "opsdeck/incident.h"
#include "opsdeck/look.h"
#include "opsdeck/xmalloc.h"

/* Hard caps when reading a timeline back. */
#define INCIDENT_LINE_MAX	(256 * 1024)
#define INCIDENT_EVENTS_MAX	100000

/* The incidents directory. */
char *
incident_dir(void)
{
	char *state = audit_state_dir();
	char *dir = xasprintf("%s/incidents", state);

	free(state);
	return dir;
}

/* True if s looks like INC-… made of safe characters only. */
int
incident_id_valid(const char *s)
{
	size_t i;

	if (s == NULL || strncmp(s, "INC-", 4) != 0 || strlen(s) > 64)
		return 0;
	for (i = 0; s[i] != '\0'; i++) {
		if (!isalnum((unsigned char)s[i]) && s[i] != '-' && s[i] != '_')
			return 0;
	}
	return 1;
}

/* The path of incident id's timeline (new). */
static char *
incident_file(const char *id)
{
	char *dir = incident_dir();
	char *path = xasprintf("%s/%s.jsonl", dir, id);

	free(dir);
	return path;
}

/* The open incident's id, or NULL. */
char *
incident_current(void)
{
	char *dir = incident_dir(), *path, buf[80];
	FILE *f;
	size_t n;

	path = xasprintf("%s/current", dir);
	free(dir);
	f = fopen(path, "r");
	free(path);
	if (f == NULL)
		return NULL;
	n = fread(buf, 1, sizeof buf - 1, f);
	fclose(f);
	buf[n] = '\0';
	buf[strcspn(buf, "\r\n")] = '\0';
	if (!incident_id_valid(buf))
		return NULL;
	return xstrdup(buf);
}

/* Write (or remove, if id is NULL) the current-incident marker. */
static int
incident_set_current(const char *id, char **cause)
{
	char *dir = incident_dir(), *path, *tmp;
	FILE *f;
	int rc = -1;

	path = xasprintf("%s/current", dir);
	tmp = xasprintf("%s/current.tmp", dir);
	if (id == NULL) {
		if (unlink(path) != 0 && errno != ENOENT) {
			*cause = xasprintf("%s: %s", path, strerror(errno));
			goto out;
		}
		rc = 0;
		goto out;
	}
	f = fopen(tmp, "w");
	if (f == NULL) {
		*cause = xasprintf("%s: %s", tmp, strerror(errno));
		goto out;
	}
	fprintf(f, "%s\n", id);
	if (fclose(f) != 0 || rename(tmp, path) != 0) {
		*cause = xasprintf("%s: %s", path, strerror(errno));
		goto out;
	}
	rc = 0;
out:
	free(tmp);
	free(path);
	free(dir);
	return rc;
}

/* Append one event line to id's timeline. */
static int
incident_append(const char *id, const char *type, const char *text, json_t *extra,
    char **cause)
{
	struct timespec ts;
	char when[48], *dir, *path = NULL, *body = NULL, *line = NULL;
	const char *k;
	json_t *o, *v;
	int rc = -1;

	dir = incident_dir();
	if (audit_mkdirs(dir, cause) != 0)
		goto out;
	clock_gettime(CLOCK_REALTIME, &ts);
	audit_format_time(&ts, when, sizeof when);
	o = json_object();
	json_object_set_new(o, "time", json_string(when));
	json_object_set_new(o, "type", audit_json_str(type));
	json_object_set_new(o, "user", audit_json_str(audit_local_user()));
	json_object_set_new(o, "host", audit_json_str(audit_host()));
	json_object_set_new(o, "text", audit_json_str(text));
	if (extra != NULL && json_is_object(extra)) {
		json_object_foreach(extra, k, v) {
			if (json_object_get(o, k) == NULL)
				json_object_set(o, k, v);
		}
	}
	body = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(o);
	if (body == NULL) {
		*cause = xstrdup("cannot encode the incident event");
		goto out;
	}
	line = xasprintf("%s\n", body);
	path = incident_file(id);
	rc = audit_append(path, line, cause);
out:
	free(body);
	free(line);
	free(path);
	free(dir);
	return rc;
}

/* Open a new incident and make it current. */
int
incident_open(const char *severity, const char *title, char **id, char **cause)
{
	struct timespec ts;
	struct tm tm;
	char buf[64], *cur, *path;
	json_t *extra;
	int rc = -1, i;

	*id = NULL;
	if (severity == NULL || strlen(severity) != 2 || severity[0] != 'P' ||
	    severity[1] < '0' || severity[1] > '3') {
		*cause = xasprintf("severity must be P0, P1, P2 or P3");
		return -1;
	}
	if (title == NULL || *title == '\0') {
		*cause = xstrdup("an incident needs a title");
		return -1;
	}
	cur = incident_current();
	if (cur != NULL) {
		*cause = xasprintf("incident %s is already open (close it first)", cur);
		free(cur);
		return -1;
	}
	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	strftime(buf, sizeof buf, "INC-%Y%m%d-%H%M%S", &tm);
	/* Two incidents in one second: add a suffix. */
	*id = xstrdup(buf);
	for (i = 2; i < 100; i++) {
		path = incident_file(*id);
		if (access(path, F_OK) != 0) {
			free(path);
			break;
		}
		free(path);
		free(*id);
		*id = xasprintf("%s-%d", buf, i);
	}
	extra = json_object();
	json_object_set_new(extra, "id", json_string(*id));
	json_object_set_new(extra, "severity", json_string(severity));
	json_object_set_new(extra, "title", audit_json_str(title));
	rc = incident_append(*id, "open", title, extra, cause);
	json_decref(extra);
	if (rc == 0)
		rc = incident_set_current(*id, cause);
	if (rc != 0) {
		free(*id);
		*id = NULL;
	}
	return rc;
}

/* Append an event to id (or the current incident). */
int
incident_event(const char *id, const char *type, const char *text, json_t *extra,
    char **cause)
{
	char *cur = NULL;
	int rc;

	if (id == NULL) {
		cur = incident_current();
		if (cur == NULL)
			return 0;
		id = cur;
	}
	if (!incident_id_valid(id)) {
		*cause = xasprintf("bad incident id");
		free(cur);
		return -1;
	}
	rc = incident_append(id, type, text, extra, cause);
	free(cur);
	return rc;
}

/* Close the current incident. */
int
incident_close(const char *text, char **cause)
{
	char *cur = incident_current();
	int rc;

	if (cur == NULL) {
		*cause = xstrdup("no incident is open");
		return -1;
	}
	rc = incident_append(cur, "close", text != NULL ? text : "closed", NULL, cause);
	if (rc == 0)
		rc = incident_set_current(NULL, cause);
	free(cur);
	return rc;
}

/* Read id's events into a JSON array (new), or NULL with *cause. */
static json_t *
incident_read(const char *id, char **cause)
{
	char *path, *line = NULL;
	size_t cap = 0;
	ssize_t n;
	json_t *arr, *ev;
	FILE *f;

	if (!incident_id_valid(id)) {
		*cause = xasprintf("bad incident id: %s", id);
		return NULL;
	}
	path = incident_file(id);
	f = fopen(path, "r");
	if (f == NULL) {
		*cause = xasprintf("incident %s: %s", id, strerror(errno));
		free(path);
		return NULL;
	}
	free(path);
	arr = json_array();
	for (n = getline(&line, &cap, f); n != -1; n = getline(&line, &cap, f)) {
		if (n > INCIDENT_LINE_MAX || json_array_size(arr) >= INCIDENT_EVENTS_MAX)
			continue;
		ev = json_loads(line, 0, NULL);
		if (ev == NULL || !json_is_object(ev)) {
			json_decref(ev);
			continue;	/* a damaged line is skipped, not fatal */
		}
		json_array_append_new(arr, ev);
	}
	free(line);
	fclose(f);
	return arr;
}

/* A string field of o, or def. */
static const char *
ev_str(json_t *o, const char *key, const char *def)
{
	const char *s = json_string_value(json_object_get(o, key));

	return s != NULL ? s : def;
}

/* Print text for Markdown on one line: newlines become spaces, control
 * characters are dropped, Markdown table/emphasis characters escaped. */
static void
md_inline(FILE *f, const char *s)
{
	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '\n' || c == '\r' || c == '\t')
			fputc(' ', f);
		else if (c < 0x20 || c == 0x7f)
			continue;
		else if (strchr("|*_`<>[]\\", c) != NULL) {
			fputc('\\', f);
			fputc(c, f);
		} else
			fputc(c, f);
	}
}

/* Seconds between two RFC 3339 ms timestamps as written here (or -1). */
static double
ts_diff(const char *a, const char *b)
{
	struct tm ta, tb;
	int ma = 0, mb = 0;
	time_t sa, sb;

	memset(&ta, 0, sizeof ta);
	memset(&tb, 0, sizeof tb);
	if (a == NULL || b == NULL)
		return -1;
	if (sscanf(a, "%d-%d-%dT%d:%d:%d.%dZ", &ta.tm_year, &ta.tm_mon, &ta.tm_mday,
	    &ta.tm_hour, &ta.tm_min, &ta.tm_sec, &ma) < 6)
		return -1;
	if (sscanf(b, "%d-%d-%dT%d:%d:%d.%dZ", &tb.tm_year, &tb.tm_mon, &tb.tm_mday,
	    &tb.tm_hour, &tb.tm_min, &tb.tm_sec, &mb) < 6)
		return -1;
	ta.tm_year -= 1900;
	tb.tm_year -= 1900;
	ta.tm_mon--;
	tb.tm_mon--;
	sa = timegm(&ta);
	sb = timegm(&tb);
	return (double)(sb - sa) + (mb - ma) / 1000.0;
}

/* Format a duration in seconds as "1h02m03s" / "4m05s" / "12.3s". */
static void
fmt_dur(double s, char *buf, size_t len)
{
	long t = (long)s;

	if (s < 0)
		snprintf(buf, len, "-");
	else if (t >= 3600)
		snprintf(buf, len, "%ldh%02ldm%02lds", t / 3600, (t / 60) % 60, t % 60);
	else if (t >= 60)
		snprintf(buf, len, "%ldm%02lds", t / 60, t % 60);
	else
		snprintf(buf, len, "%.1fs", s);
}

/* Record the drill score. */
int
incident_drill_score(const char *id, json_t *status, char **cause)
{
	json_t *arr, *ev, *f, *extra, *look;
	const char *fault = NULL, *opened = NULL, *first_action = NULL, *resolved, *type;
	const char *scenario, *look_at = NULL;
	char d0[32], d1[32], d2[32], d3[32], *text, *seen, *where;
	size_t i;
	int rc;

	scenario = json_string_value(json_object_get(status, "scenario"));
	if (scenario == NULL) {
		*cause = xstrdup("not a drill status document");
		return -1;
	}
	json_array_foreach(json_object_get(status, "faults"), i, f) {
		const char *inj = json_string_value(json_object_get(f, "injected"));

		if (inj != NULL && (fault == NULL || strcmp(inj, fault) < 0))
			fault = inj;
	}
	if (fault == NULL) {
		*cause = xasprintf("drill %s: no fault injected yet", scenario);
		return -1;
	}
	arr = incident_read(id, cause);
	if (arr == NULL)
		return -1;
	json_array_foreach(arr, i, ev) {
		type = ev_str(ev, "type", "");
		if (strcmp(type, "open") == 0 && opened == NULL)
			opened = ev_str(ev, "time", NULL);
		if (strcmp(type, "action") == 0 && first_action == NULL &&
		    strcmp(ev_str(ev, "outcome", ""), "ok") == 0)
			first_action = ev_str(ev, "time", NULL);
	}
	resolved = json_is_true(json_object_get(status, "resolved")) ?
	    json_string_value(json_object_get(status, "resolvedAt")) : NULL;
	/* detection is the drill's own judgement (drill/looks.c): the first
	 * view, in any console of the drill, that showed the fault */
	look = json_object_get(status, "firstRelevantView");
	if (json_is_object(look)) {
		look_at = json_string_value(json_object_get(look, "at"));
		fmt_dur(json_number_value(json_object_get(status, "timeToDetectSeconds")), d0,
		    sizeof d0);
		where = look_describe(look);
		seen = xasprintf("first relevant view +%s (%s)", d0, where);
		free(where);
	} else
		seen = xstrdup("no relevant view seen");
	fmt_dur(ts_diff(fault, opened), d1, sizeof d1);
	fmt_dur(ts_diff(fault, first_action), d2, sizeof d2);
	fmt_dur(ts_diff(fault, resolved), d3, sizeof d3);
	text = xasprintf("%s: fault at %s; %s, incident opened +%s, first action +%s, %s%s",
	    scenario, fault, seen, d1, d2, resolved != NULL ? "resolved +" : "not resolved",
	    resolved != NULL ? d3 : "");
	extra = json_pack("{s:s,s:s,s:s?,s:s?,s:s?,s:s?,s:O?}", "scenario", scenario, "fault",
	    fault, "first_view", look_at, "opened", opened, "first_action", first_action,
	    "resolved", resolved, "first_view_detail", json_is_object(look) ? look : NULL);
	free(seen);
	rc = incident_append(id, "drill", text, extra, cause);
	json_decref(extra);
	json_decref(arr);
	free(text);
	return rc;
}

/* Markdown timeline of incident id. */
int
incident_export(const char *id, FILE *f, char **cause)
{
	json_t *arr, *ev, *open = NULL, *close = NULL;
	const char *type, *first = NULL, *last = NULL;
	char dur[32];
	size_t i, nnotes = 0, nactions = 0, nsteps = 0, nalerts = 0;

	arr = incident_read(id, cause);
	if (arr == NULL)
		return -1;
	json_array_foreach(arr, i, ev) {
		type = ev_str(ev, "type", "");
		if (first == NULL)
			first = ev_str(ev, "time", NULL);
		last = ev_str(ev, "time", NULL);
		if (strcmp(type, "open") == 0 && open == NULL)
			open = ev;
		else if (strcmp(type, "close") == 0)
			close = ev;
		else if (strcmp(type, "note") == 0)
			nnotes++;
		else if (strcmp(type, "action") == 0)
			nactions++;
		else if (strcmp(type, "step") == 0)
			nsteps++;
		else if (strcmp(type, "alert") == 0)
			nalerts++;
	}
	fprintf(f, "# Incident %s", id);
	if (open != NULL) {
		fprintf(f, " (%s): ", ev_str(open, "severity", "?"));
		md_inline(f, ev_str(open, "title", ""));
	}
	fprintf(f, "\n\n");
	fprintf(f, "- Opened: %s by ", open != NULL ? ev_str(open, "time", "?") : "?");
	md_inline(f, open != NULL ? ev_str(open, "user", "?") : "?");
	fprintf(f, "\n");
	if (close != NULL) {
		fmt_dur(ts_diff(ev_str(open != NULL ? open : close, "time", NULL),
		    ev_str(close, "time", NULL)), dur, sizeof dur);
		fprintf(f, "- Closed: %s (duration %s)\n", ev_str(close, "time", "?"), dur);
	} else {
		fmt_dur(ts_diff(first, last), dur, sizeof dur);
		fprintf(f, "- Status: open (timeline spans %s)\n", dur);
	}
	fprintf(f, "- Events: %zu alerts, %zu notes, %zu actions, %zu runbook steps\n",
	    nalerts, nnotes, nactions, nsteps);

	/* Drill score lines, if the drill recorded any. */
	json_array_foreach(arr, i, ev) {
		if (strcmp(ev_str(ev, "type", ""), "drill") != 0)
			continue;
		fprintf(f, "- Drill: ");
		md_inline(f, ev_str(ev, "text", ""));
		fprintf(f, "\n");
	}

	fprintf(f, "\n## Timeline\n\n| time (UTC) | +t | type | who | what |\n|---|---|---|---|---|\n");
	json_array_foreach(arr, i, ev) {
		const char *outcome = ev_str(ev, "outcome", NULL);

		fmt_dur(ts_diff(first, ev_str(ev, "time", NULL)), dur, sizeof dur);
		fprintf(f, "| %s | %s | ", ev_str(ev, "time", "?"), dur);
		md_inline(f, ev_str(ev, "type", "?"));
		fprintf(f, " | ");
		/* who: OS user@host, and the kube identity when an event has one */
		md_inline(f, ev_str(ev, "user", ""));
		if (ev_str(ev, "host", NULL) != NULL) {
			fprintf(f, "@");
			md_inline(f, ev_str(ev, "host", ""));
		}
		if (ev_str(ev, "kube_user", NULL) != NULL) {
			fprintf(f, " as ");
			md_inline(f, ev_str(ev, "kube_user", ""));
		}
		fprintf(f, " | ");
		md_inline(f, ev_str(ev, "text", ""));
		if (outcome != NULL) {
			fprintf(f, " (");
			md_inline(f, outcome);
			fprintf(f, ")");
		}
		fprintf(f, " |\n");
	}
	fprintf(f, "\n## Follow-up\n\n- [ ] Root cause\n- [ ] Action items\n");
	json_decref(arr);
	return 0;
}

/* Compare two strings for qsort (newest id first). */
static int
cmp_desc(const void *a, const void *b)
{
	return strcmp(*(char *const *)b, *(char *const *)a);
}

/* List incidents, newest first. */
int
incident_list(FILE *f, char **cause)
{
	char *dir = incident_dir(), *cur = incident_current(), **ids = NULL, *id;
	struct dirent *de;
	size_t n = 0, i, len;
	json_t *arr, *ev;
	DIR *d;

	d = opendir(dir);
	if (d == NULL) {
		free(dir);
		free(cur);
		if (errno == ENOENT)
			return 0;
		*cause = xasprintf("incidents: %s", strerror(errno));
		return -1;
	}
	for (de = readdir(d); de != NULL; de = readdir(d)) {
		len = strlen(de->d_name);
		if (len < 7 || strcmp(de->d_name + len - 6, ".jsonl") != 0)
			continue;
		id = xstrndup(de->d_name, len - 6);
		if (!incident_id_valid(id) || n >= 10000) {
			free(id);
			continue;
		}
		ids = xreallocarray(ids, n + 1, sizeof *ids);
		ids[n++] = id;
	}
	closedir(d);
	qsort(ids, n, sizeof *ids, cmp_desc);
	for (i = 0; i < n; i++) {
		char *c = NULL;
		const char *sev = "?", *title = "";

		arr = incident_read(ids[i], &c);
		free(c);
		ev = arr != NULL ? json_array_get(arr, 0) : NULL;
		if (ev != NULL) {
			sev = ev_str(ev, "severity", "?");
			title = ev_str(ev, "title", "");
		}
		fprintf(f, "%-24s %-3s %-7s ", ids[i], sev,
		    cur != NULL && strcmp(cur, ids[i]) == 0 ? "open" : "closed");
		md_inline(f, title);
		fputc('\n', f);
		json_decref(arr);
		free(ids[i]);
	}
	free(ids);
	free(dir);
	free(cur);
	return 0;
}
