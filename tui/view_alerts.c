/* The alert groups view (:alert-groups): every cluster's Alertmanager
 * alerts grouped by alertname and cluster, as karma groups them, one line
 * per group (how many alerts, how many fire, are silenced or inhibited,
 * the highest severity, the oldest start, a summary), firing groups first;
 * then the silences that expired recently, because an alert that comes
 * back when its silence runs out is the first thing to check. A group's
 * line also names the last silence of its alertname that expired. d, y and
 * Enter open the group's oldest alert (or the silence). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "opsdeck/client.h"
#include "opsdeck/printers.h"
#include "opsdeck/store.h"
#include "opsdeck/table.h"
#include "opsdeck/ui.h"
#include "opsdeck/xmalloc.h"

/* How long an expired silence stays listed. */
#define ALERTS_EXPIRED_RECENT	(24 * 3600)

/* The alert printer's columns and the silence printer's (printers_ext.c). */
enum { AC_NAME, AC_SEVERITY, AC_STATE, AC_SUMMARY, AC_AGE };
enum { SC_ID, SC_STATE, SC_MATCHERS, SC_BY, SC_COMMENT, SC_ENDS };

static const struct table_col ag_cols[] = {
	{ "ALERTNAME", 0, 0, 20, false, false },
	{ "CLUSTER", 0, 0, 12, false, false },
	{ "SEVERITY", 0, 3, 4, false, false },
	{ "ALERTS", 0, 4, 3, true, false },
	{ "FIRING", 0, 0, 6, true, false },
	{ "SILENCED", 0, 4, 3, true, false },
	{ "INHIBITED", 0, 4, 3, true, false },
	{ "OLDEST", 0, 3, 3, true, false },
	{ "SUMMARY", 0, 1, 10, false, true },
	{ "SILENCE EXPIRED", 0, 2, 20, false, false },
};
enum { GC_NAME, GC_CLUSTER, GC_SEVERITY, GC_ALERTS, GC_FIRING, GC_SILENCED, GC_INHIBITED,
	GC_OLDEST, GC_SUMMARY, GC_SILENCE };

/* One group while the rows are built. */
struct ag_group {
	char		*name;
	char		*cluster_label;
	size_t		 cluster;
	int		 severity;	/* rank: 3 critical, 2 warning, 1 info, 0 other */
	char		*severity_text;
	int		 alerts, firing, silenced, inhibited;
	int64_t		 oldest;
	char		*summary;	/* of the oldest firing alert, else the oldest */
	bool		 summary_firing;
	char		*uid;		/* that alert's fingerprint */
	char		*silence;	/* the last expired silence of its alertname */
	int64_t		 silence_ended;
};

struct ag_view {
	uint64_t	 alerts_version, silences_version;
	int64_t		 built;
	struct ag_group	*groups;
	size_t		 ngroups;
	int64_t		 now;
	bool		 rows;		/* silences: add the rows, else attach to groups */
};

/* The value of label key in "k=v,k2=v2" (new string), or NULL. */
static char *
ag_label(const char *labels, const char *key)
{
	size_t klen = strlen(key), vlen;
	const char *p;

	for (p = labels; p != NULL && *p != '\0'; p = strchr(p, ',') != NULL ?
	    strchr(p, ',') + 1 : NULL) {
		if (strncmp(p, key, klen) == 0 && p[klen] == '=') {
			vlen = strcspn(p + klen + 1, ",");
			return xasprintf("%.*s", (int)vlen, p + klen + 1);
		}
	}
	return NULL;
}

static int
ag_rank(const char *sev)
{
	if (strcmp(sev, "critical") == 0)
		return 3;
	if (strcmp(sev, "warning") == 0)
		return 2;
	if (strcmp(sev, "info") == 0)
		return 1;
	return 0;
}

static int
ag_add_alert(size_t cluster, const struct row *r, void *arg)
{
	struct view *v = arg;
	struct ag_view *av = v->data;
	struct ag_group *g = NULL;
	const char *name = r->cells[AC_NAME].text, *state = r->cells[AC_STATE].text;
	const char *ctx = store_cluster(v->ui->store, cluster)->name;
	char *label = ag_label(r->labels, "cluster");
	bool firing = strcmp(state, "firing") == 0;
	size_t i;

	for (i = 0; i < av->ngroups; i++) {
		g = &av->groups[i];
		if (g->cluster == cluster && strcmp(g->name, name) == 0 &&
		    strcmp(g->cluster_label, label != NULL ? label : ctx) == 0)
			break;
	}
	if (i == av->ngroups) {
		av->groups = xreallocarray(av->groups, av->ngroups + 1, sizeof *av->groups);
		g = &av->groups[av->ngroups++];
		memset(g, 0, sizeof *g);
		g->name = xstrdup(name);
		g->cluster = cluster;
		g->cluster_label = xstrdup(label != NULL ? label : ctx);
		g->severity = -1;
	}
	free(label);
	g->alerts++;
	g->firing += firing;
	g->silenced += strcmp(state, "silenced") == 0;
	g->inhibited += strcmp(state, "inhibited") == 0;
	if (ag_rank(r->cells[AC_SEVERITY].text) > g->severity) {
		g->severity = ag_rank(r->cells[AC_SEVERITY].text);
		free(g->severity_text);
		g->severity_text = xstrdup(r->cells[AC_SEVERITY].text);
	}
	/* the summary and the alert opened: the oldest firing one */
	if (g->uid == NULL || (firing && !g->summary_firing) ||
	    (firing == g->summary_firing && r->cells[AC_AGE].when < g->oldest)) {
		free(g->summary);
		free(g->uid);
		g->summary = xstrdup(r->cells[AC_SUMMARY].text);
		g->uid = xstrdup(r->uid != NULL ? r->uid : "");
		g->summary_firing = firing;
	}
	if (g->oldest == 0 || (r->cells[AC_AGE].when != 0 && r->cells[AC_AGE].when < g->oldest))
		g->oldest = r->cells[AC_AGE].when;
	return 0;
}

/* The alertname an expired silence matched ("alertname=X" among its
 * matchers), or NULL (new string). */
static char *
ag_silence_alertname(const struct row *r)
{
	return ag_label(r->cells[SC_MATCHERS].text, "alertname");
}

/* An expired silence in words: "12m ago by alice: fix rolling out". */
static char *
ag_silence_text(const struct row *r, int64_t now)
{
	char ago[32];

	human_duration(now - r->cells[SC_ENDS].when, ago, sizeof ago);
	return xasprintf("%s ago by %s: %s", ago, r->cells[SC_BY].text,
	    r->cells[SC_COMMENT].text);
}

/* Recently expired silences: attached to their alertname's groups on that
 * cluster, else a row of their own. */
static int
ag_add_silence(size_t cluster, const struct row *r, void *arg)
{
	struct view *v = arg;
	struct ag_view *av = v->data;
	struct table_row *tr;
	char *name, *text, *desc, key[512];
	bool attached = false;
	size_t i;

	if (r->ncells <= SC_ENDS || strcmp(r->cells[SC_STATE].text, "expired") != 0 ||
	    r->cells[SC_ENDS].when == 0 || av->now - r->cells[SC_ENDS].when > ALERTS_EXPIRED_RECENT)
		return 0;
	name = ag_silence_alertname(r);
	text = ag_silence_text(r, av->now);
	for (i = 0; name != NULL && i < av->ngroups; i++) {
		struct ag_group *g = &av->groups[i];

		if (g->cluster != cluster || strcmp(g->name, name) != 0)
			continue;
		attached = true;
		if (!av->rows && r->cells[SC_ENDS].when > g->silence_ended) {
			free(g->silence);
			g->silence = xstrdup(text);
			g->silence_ended = r->cells[SC_ENDS].when;
		}
	}
	if (!attached && av->rows) {
		snprintf(key, sizeof key, "s:%zu:%s", cluster, r->cells[SC_ID].text);
		tr = table_add(v->table, key, cluster);
		tr->resource = "silences";
		tr->name = xstrdup(r->cells[SC_ID].text);
		tr->uid = xstrdup(r->cells[SC_ID].text);
		tr->ns = xstrdup("");
		table_set(tr, GC_NAME, name != NULL ? name : r->cells[SC_MATCHERS].text, 0);
		table_set(tr, GC_CLUSTER, store_cluster(v->ui->store, cluster)->name, 0);
		table_set(tr, GC_SEVERITY, "-", -1);
		table_set(tr, GC_ALERTS, "0", 0);
		table_set(tr, GC_FIRING, "0", 0);
		table_set(tr, GC_SILENCED, "0", 0);
		table_set(tr, GC_INHIBITED, "0", 0);
		table_set(tr, GC_OLDEST, "-", 0);
		desc = xasprintf("(no alert) silence of %s", r->cells[SC_MATCHERS].text);
		table_set(tr, GC_SUMMARY, desc, 0);
		free(desc);
		table_set(tr, GC_SILENCE, text, r->cells[SC_ENDS].when);
	}
	free(name);
	free(text);
	return 0;
}

static void
ag_clear(struct ag_view *av)
{
	size_t i;

	for (i = 0; i < av->ngroups; i++) {
		free(av->groups[i].name);
		free(av->groups[i].cluster_label);
		free(av->groups[i].severity_text);
		free(av->groups[i].summary);
		free(av->groups[i].uid);
		free(av->groups[i].silence);
	}
	free(av->groups);
	av->groups = NULL;
	av->ngroups = 0;
}

static void
ag_update(struct view *v, int64_t now)
{
	struct ag_view *av = v->data;
	struct store *st = v->ui->store;
	struct table_row *tr;
	struct ag_group *g;
	char key[512], num[32], age[32];
	size_t i;

	/* ages and "expired … ago" tick: rebuild every few seconds at most */
	if (av->alerts_version == store_version(st, "alerts") &&
	    av->silences_version == store_version(st, "silences") && now - av->built < 5)
		return;
	av->alerts_version = store_version(st, "alerts");
	av->silences_version = store_version(st, "silences");
	av->built = now;
	av->now = now;
	ag_clear(av);
	table_begin(v->table);
	store_foreach(st, v->cluster, "alerts", NULL, ag_add_alert, v);
	av->rows = false;
	store_foreach(st, v->cluster, "silences", NULL, ag_add_silence, v);
	for (i = 0; i < av->ngroups; i++) {
		g = &av->groups[i];
		snprintf(key, sizeof key, "g:%zu:%s:%s", g->cluster, g->cluster_label, g->name);
		tr = table_add(v->table, key, g->cluster);
		tr->resource = "alerts";
		tr->name = xstrdup(g->name);
		tr->uid = xstrdup(g->uid);
		tr->ns = xstrdup("");
		if (g->firing > 0) {
			tr->flags = ROW_FIRING;
			if (g->severity == 3)
				tr->flags |= ROW_BAD;
			else if (g->severity == 2)
				tr->flags |= ROW_WARN;
		}
		table_set(tr, GC_NAME, g->name, 0);
		table_set(tr, GC_CLUSTER, g->cluster_label, 0);
		table_set(tr, GC_SEVERITY, g->severity_text, g->severity);
		snprintf(num, sizeof num, "%d", g->alerts);
		table_set(tr, GC_ALERTS, num, g->alerts);
		snprintf(num, sizeof num, "%d", g->firing);
		table_set(tr, GC_FIRING, num, g->firing);
		snprintf(num, sizeof num, "%d", g->silenced);
		table_set(tr, GC_SILENCED, num, g->silenced);
		snprintf(num, sizeof num, "%d", g->inhibited);
		table_set(tr, GC_INHIBITED, num, g->inhibited);
		human_duration(g->oldest != 0 ? now - g->oldest : 0, age, sizeof age);
		table_set(tr, GC_OLDEST, g->oldest != 0 ? age : "-", g->oldest != 0 ?
		    now - g->oldest : 0);
		table_set(tr, GC_SUMMARY, g->summary, 0);
		table_set(tr, GC_SILENCE, g->silence != NULL ? g->silence : "-", g->silence_ended);
	}
	/* expired silences no group took, after the groups */
	av->rows = true;
	store_foreach(st, v->cluster, "silences", NULL, ag_add_silence, v);
	table_end(v->table);
}

static int
ag_init(struct view *v, char **cause)
{
	static const char *kinds[] = { "alerts", "silences" };
	char *why = NULL;
	size_t i;

	(void)cause;
	v->table = table_new(ag_cols, sizeof ag_cols / sizeof ag_cols[0]);
	table_set_flag_first(v->table, ROW_FIRING);
	v->data = xcalloc(1, sizeof(struct ag_view));
	for (i = 0; v->ui->client != NULL && i < 2; i++) {
		if (client_watch(v->ui->client, kinds[i], &why) != 0) {
			ui_message(v->ui, true, "%s", why);
			free(why);
			why = NULL;
		}
	}
	return 0;
}

static void
ag_free(struct view *v)
{
	struct ag_view *av = v->data;

	if (av == NULL)
		return;
	ag_clear(av);
	free(av);
	v->data = NULL;
}

/* Enter: the group's oldest firing alert, or the expired silence. */
static int
ag_enter(struct view *v, char **cause)
{
	struct table_row *r = table_selected(v->table);

	if (r == NULL) {
		*cause = xstrdup("nothing selected");
		return -1;
	}
	return view_text_open(v->ui, "describe", r->cluster, r->resource, NULL, r->name, r->uid,
	    cause);
}

static const char *
ag_title(struct view *v)
{
	(void)v;
	return "alert groups";
}

const struct view_class view_alert_groups_class = {
	.name = "alert-groups",
	.init = ag_init,
	.free = ag_free,
	.update = ag_update,
	.draw = view_table_draw,
	.enter = ag_enter,
	.title = ag_title,
	.targets = view_table_targets,
};
