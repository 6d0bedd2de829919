/* The overview: per cluster, what is wrong now. One line per cluster with
 * its state and counts, then a line per problem: pods not ready or crash
 * looping, rollouts in progress or stuck, HPAs at max or unable to scale,
 * firing alerts (by severity), the newest good backup against the RPO,
 * nodes not ready. Built from the row flags and reasons the printers set;
 * Enter jumps to the line's detail. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "opsdeck/client.h"
#include "opsdeck/printers.h"
#include "opsdeck/store.h"
#include "opsdeck/table.h"
#include "opsdeck/ui.h"
#include "opsdeck/xmalloc.h"

/* Default RPO when a context has none configured (ESTATE: 1 hour). */
#define OV_DEFAULT_RPO	3600.0

/* Resources the overview watches and reports, in display order. */
static const struct {
	const char	*resource;
	const char	*what;		/* WHAT column */
	unsigned	 flags;		/* which row flags are problems */
} ov_kinds[] = {
	{ "alerts", "alert", ROW_FIRING },
	{ "pods", "pod", ROW_BAD | ROW_WARN },
	{ "deployments", "deployment", ROW_BAD | ROW_WARN | ROW_PROGRESSING | ROW_STUCK },
	{ "rollouts", "rollout", ROW_BAD | ROW_WARN | ROW_PROGRESSING | ROW_STUCK },
	{ "statefulsets", "statefulset", ROW_BAD | ROW_WARN | ROW_PROGRESSING | ROW_STUCK },
	{ "daemonsets", "daemonset", ROW_BAD | ROW_WARN | ROW_PROGRESSING | ROW_STUCK },
	{ "horizontalpodautoscalers", "hpa", ROW_AT_MAX | ROW_STUCK | ROW_BAD },
	{ "nodes", "node", ROW_BAD | ROW_WARN },
	{ "backups", "backup", ROW_BAD },
	{ "jobs", "job", ROW_BAD },
};
#define OV_NKINDS (sizeof ov_kinds / sizeof ov_kinds[0])

/* Columns. */
static const struct table_col ov_cols[] = {
	{ "CLUSTER", 0, 0, 8, false },
	{ "WHAT", 0, 0, 5, false },
	{ "NAMESPACE", 0, 3, 6, false },
	{ "NAME", 0, 0, 16, false },
	{ "PROBLEM", 0, 0, 12, false },
};

/* Counts for one cluster. */
struct ov_count {
	size_t		 problems;
	size_t		 crit, warn, other;	/* firing alerts by severity */
	int64_t		 newest_backup;		/* newest good backup start */
	size_t		 backups;
};

/* Overview state. */
struct ov_view {
	uint64_t	 gen;
	int64_t		 built_at;
	char		*ns_built;
	bool		 ns_all;
};

/* Walk state while building. */
struct ov_walk {
	struct view	*v;
	size_t		 kind;
	int64_t		 now;
	struct ov_count	*counts;
};

static int
ov_init(struct view *v, char **cause)
{
	struct ov_view *ov = xcalloc(1, sizeof *ov);
	char *why = NULL;
	size_t i;

	v->data = ov;
	ov->gen = UINT64_MAX;
	v->table = table_new(ov_cols, sizeof ov_cols / sizeof ov_cols[0]);
	if (v->ui->client != NULL) {
		for (i = 0; i < OV_NKINDS; i++) {
			if (client_watch(v->ui->client, ov_kinds[i].resource, &why) != 0) {
				free(why);
				why = NULL;
			}
		}
	}
	return 0;
}

static void
ov_free(struct view *v)
{
	struct ov_view *ov = v->data;

	if (ov != NULL)
		free(ov->ns_built);
	free(ov);
	v->data = NULL;
}

/* Severity slot of a firing alert row. */
static const char *
ov_alert_severity(const struct row *r)
{
	if (r->ncells > 1 && r->cells[1].text != NULL)
		return r->cells[1].text;
	return "";
}

/* Walk one kind's rows of one cluster: count and add problem rows. */
static int
ov_row(size_t cluster, const struct row *r, void *arg)
{
	struct ov_walk *w = arg;
	struct view *v = w->v;
	struct ov_count *c = &w->counts[cluster];
	struct table_row *tr;
	char key[512], detail[512], buf[128];
	const char *what = ov_kinds[w->kind].what, *sev, *res = ov_kinds[w->kind].resource;
	int64_t when;

	if (strcmp(res, "backups") == 0) {
		c->backups++;
		if (!(r->flags & (ROW_BAD | ROW_PROGRESSING)) && r->ncells > 1 &&
		    r->cells[1].text != NULL && strcmp(r->cells[1].text, "Completed") == 0) {
			when = r->ncells > 4 && r->cells[4].type == CELL_AGE && r->cells[4].when != 0 ?
			    r->cells[4].when : r->created;
			if (when > c->newest_backup)
				c->newest_backup = when;
		}
	}
	if (!(r->flags & ov_kinds[w->kind].flags))
		return 0;
	if (strcmp(res, "alerts") == 0) {
		sev = ov_alert_severity(r);
		if (strcmp(sev, "critical") == 0)
			c->crit++;
		else if (strcmp(sev, "warning") == 0)
			c->warn++;
		else
			c->other++;
	}
	c->problems++;
	snprintf(key, sizeof key, "%zu/%s/%s/%s", cluster, r->uid != NULL ? r->uid : "", r->ns,
	    r->name);
	tr = table_add(v->table, key, cluster);
	tr->flags = r->flags;
	tr->ns = xstrdup(r->ns != NULL ? r->ns : "");
	tr->name = xstrdup(r->name != NULL ? r->name : "");
	tr->uid = xstrdup(r->uid != NULL ? r->uid : "");
	tr->resource = res;
	tr->labels = r->labels != NULL ? xstrdup(r->labels) : NULL;
	table_set(tr, 0, store_cluster(v->ui->store, cluster)->name, (int64_t)cluster);
	table_set(tr, 1, what, 0);
	table_set(tr, 2, r->ns, 0);
	table_set(tr, 3, r->name, 0);
	if (strcmp(res, "alerts") == 0) {
		snprintf(detail, sizeof detail, "%s %s: %s", ov_alert_severity(r), "firing",
		    r->ncells > 3 && r->cells[3].text != NULL ? r->cells[3].text : "");
		table_set(tr, 3, r->ncells > 0 && r->cells[0].text != NULL ? r->cells[0].text :
		    r->name, 0);
	} else if (strcmp(res, "pods") == 0 && r->ncells > 3) {
		cell_format(&r->cells[3], w->now, buf, sizeof buf);
		snprintf(detail, sizeof detail, "%s (restarts %s)",
		    r->reason != NULL ? r->reason : "not ready", buf);
	} else
		snprintf(detail, sizeof detail, "%s", r->reason != NULL ? r->reason :
		    (r->flags & ROW_PROGRESSING) ? "in progress" : "degraded");
	table_set(tr, 4, detail, 0);
	return 0;
}

/* Fill the cluster line (state, counts) and add the backup line. */
static void
ov_cluster(struct view *v, size_t ci, struct table_row *tr, struct ov_count *c, int64_t now)
{
	struct store_cluster *sc = store_cluster(v->ui->store, ci);
	char key[64], detail[512], age[32], rpo[32], state[640];
	double limit = sc->rpo_seconds > 0 ? sc->rpo_seconds : OV_DEFAULT_RPO;
	struct tm tm;
	time_t t = (time_t)sc->since;

	tr->attr = ui_attr(THEME_SECTION);
	tr->resource = "contexts";
	tr->name = xstrdup(sc->name);
	tr->ns = xstrdup("");
	table_set(tr, 0, sc->name, (int64_t)ci);
	table_set(tr, 1, "cluster", 0);
	table_set(tr, 2, "", 0);
	if (sc->state == CONN_STALE) {
		localtime_r(&t, &tm);
		strftime(age, sizeof age, "%H:%M:%S", &tm);
		snprintf(detail, sizeof detail, "stale since %s", age);
	} else
		snprintf(detail, sizeof detail, "%s", sc->state == CONN_UNAUTHORIZED ?
		    "auth error" : conn_state_name(sc->state));
	if (sc->role != NULL && *sc->role != '\0')
		snprintf(state, sizeof state, "%s, %s", sc->role, detail);
	else
		snprintf(state, sizeof state, "%s", detail);
	table_set(tr, 3, state, 0);
	if (sc->state != CONN_LIVE && sc->state != CONN_CONNECTING) {
		tr->attr = ui_attr(sc->state == CONN_STALE ? THEME_WARN : THEME_BAD);
		snprintf(detail, sizeof detail, "%s%s%zu problem%s", sc->reason != NULL ?
		    sc->reason : "", sc->reason != NULL ? "; " : "", c->problems,
		    c->problems == 1 ? "" : "s");
	} else if (c->problems == 0)
		snprintf(detail, sizeof detail, "all good");
	else
		snprintf(detail, sizeof detail,
		    "%zu problem%s; alerts firing: %zu critical, %zu warning, %zu other",
		    c->problems, c->problems == 1 ? "" : "s", c->crit, c->warn, c->other);
	table_set(tr, 4, detail, 0);

	/* backups: the newest good one against the RPO */
	if (c->backups == 0 && !store_synced(v->ui->store, ci, "backups"))
		return;
	snprintf(key, sizeof key, "%zu/backup-rpo", ci);
	tr = table_add(v->table, key, ci);
	tr->resource = "backups";
	table_set(tr, 0, sc->name, (int64_t)ci);
	table_set(tr, 1, "backup", 0);
	table_set(tr, 2, "", 0);
	table_set(tr, 3, "newest good backup", 0);
	human_duration((int64_t)limit, rpo, sizeof rpo);
	if (c->newest_backup == 0) {
		tr->flags = ROW_BAD;
		snprintf(detail, sizeof detail, "none completed (RPO %s)", rpo);
	} else {
		human_duration(now - c->newest_backup, age, sizeof age);
		if ((double)(now - c->newest_backup) > limit) {
			tr->flags = ROW_BAD;
			snprintf(detail, sizeof detail, "%s ago: RPO %s breached", age, rpo);
		} else
			snprintf(detail, sizeof detail, "%s ago (RPO %s)", age, rpo);
	}
	table_set(tr, 4, detail, 0);
}

/* Rebuild when anything changed (or once a second for ages). */
static void
ov_update(struct view *v, int64_t now)
{
	struct ov_view *ov = v->data;
	struct store *st = v->ui->store;
	uint64_t gen = store_generation(st);
	size_t n = store_ncluster(st), ci, k;
	struct ov_count *counts;
	struct ov_walk w;
	struct table_row *head;
	char key[64];
	const char *ns = ui_namespace(v->ui);
	bool ns_changed = (ns == NULL) != (ov->ns_built == NULL) ||
	    (ns != NULL && strcmp(ns, ov->ns_built) != 0);

	if (gen == ov->gen && now == ov->built_at && !ns_changed)
		return;
	ov->gen = gen;
	ov->built_at = now;
	free(ov->ns_built);
	ov->ns_built = ns != NULL ? xstrdup(ns) : NULL;
	table_col_hide(v->table, 0, n <= 1);
	counts = xcalloc(n == 0 ? 1 : n, sizeof *counts);
	table_begin(v->table);
	for (ci = 0; ci < n; ci++) {
		if (v->cluster != SIZE_MAX && ci != v->cluster)
			continue;
		snprintf(key, sizeof key, "%zu/cluster", ci);
		head = table_add(v->table, key, ci);
		memset(&w, 0, sizeof w);
		w.v = v;
		w.now = now;
		w.counts = counts;
		for (k = 0; k < OV_NKINDS; k++) {
			w.kind = k;
			store_foreach(st, ci, ov_kinds[k].resource,
			    strcmp(ov_kinds[k].resource, "nodes") == 0 ||
			    strcmp(ov_kinds[k].resource, "alerts") == 0 ? NULL : ns, ov_row, &w);
		}
		ov_cluster(v, ci, head, &counts[ci], now);
	}
	table_end(v->table);
	free(counts);
}

/* Enter: the line's detail (the object in its kind's view). */
static int
ov_enter(struct view *v, char **cause)
{
	struct table_row *r = table_selected(v->table);
	struct ui *ui = v->ui;
	struct store_cluster *sc;
	char *arg, *key;
	int rc;

	if (r == NULL) {
		*cause = xstrdup("nothing selected");
		return -1;
	}
	sc = store_cluster(v->ui->store, r->cluster);
	if (strcmp(r->resource, "contexts") == 0) {
		arg = xasprintf("@%s", sc->name);
		rc = ui_open(ui, "pods", arg, false, cause);
		free(arg);
		return rc;
	}
	/* opening a view may free this one (when it is not the root) */
	key = xstrdup(r->key);
	arg = xasprintf("@%s", sc->name);
	rc = ui_open(ui, r->resource, arg, false, cause);
	free(arg);
	if (rc == 0 && ui->view->table != NULL)
		table_select_key(ui->view->table, key);
	free(key);
	return rc;
}

static const char *
ov_title(struct view *v)
{
	return "overview";
}

const struct view_class view_overview_class = {
	.name = "overview",
	.init = ov_init,
	.free = ov_free,
	.update = ov_update,
	.draw = view_table_draw,
	.enter = ov_enter,
	.title = ov_title,
	.targets = view_table_targets,
};
