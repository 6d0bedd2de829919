/* The overview: per cluster, what is wrong now. One line per cluster with
 * its state and counts, then a line per problem: pods not ready or crash
 * looping, rollouts in progress, failing or stuck, HPAs above target, at
 * max or unable to scale, firing alerts (by severity), the newest good
 * backup against the RPO, nodes not ready or under pressure (with their
 * usage). Built from the row flags and reasons the printers set; the
 * cluster line ends with sparklines of its firing alerts and its nodes'
 * CPU over the last 15 minutes (trend.h). Enter jumps to the line's detail. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "opsdeck/client.h"
#include "opsdeck/cmd.h"
#include "opsdeck/keymap.h"
#include "opsdeck/kinds.h"
#include "opsdeck/json_util.h"
#include "opsdeck/printers.h"
#include "opsdeck/store.h"
#include "opsdeck/table.h"
#include "opsdeck/trend.h"
#include "opsdeck/ui.h"
#include "opsdeck/xmalloc.h"

/* Default RPO when a context has none configured (ESTATE: 1 hour). */
#define OV_DEFAULT_RPO	3600.0

/* A pod younger than this that is still starting (pending, creating,
 * initialising, running but not ready yet, no restarts) is not a problem,
 * nor a workload short only of such pods (or younger than this). Image
 * pulls and readiness probes' initial delays often take longer than 15 s,
 * and a loaded cluster is slower still; crash loops show at once anyway. */
#define OV_START_GRACE	30

/* Cells of the cluster line's sparklines (two minutes each): short, so the
 * line leaves the other columns their room. */
#define OV_SPARK_WIDTH	8

/* The kinds the overview watches and reports, in display order (their
 * .overview places); *n of them. Which row flags are problems is each
 * kind's health rule, its WHAT its label. */
static const struct kind *const *
ov_kinds(size_t *n)
{
	static const struct kind *order[32];
	static size_t norder;
	static bool built;
	size_t i;
	int place;

	for (place = 1; !built && place <= (int)nkinds; place++) {
		for (i = 0; i < nkinds && norder < sizeof order / sizeof order[0]; i++) {
			if (kinds[i].overview == place)
				order[norder++] = &kinds[i];
		}
	}
	built = true;
	*n = norder;
	return order;
}

/* Columns. */
static const struct table_col ov_cols[] = {
	{ "CLUSTER", 0, 0, 8, false, false },
	{ "WHAT", 0, 2, 5, false, false },
	{ "NAMESPACE", 0, 3, 6, false, false },
	{ "NAME", 0, 1, 16, false, false },
	/* the problem gets the width: the others shrink and drop first */
	{ "PROBLEM", 0, 0, 12, false, true },
};

/* Counts for one cluster. */
struct ov_count {
	size_t		 problems;
	size_t		 crit, warn, other;	/* firing alerts by severity */
	size_t		 bad;			/* failing or stuck rows */
	int64_t		 newest_backup;		/* newest good backup start */
	int64_t		 newest_any;		/* newest backup start, any phase */
	bool		 newest_failed;		/* ... and it failed */
	char		 newest_name[256];
	size_t		 backups;
	size_t		 schedules;		/* Velero schedules, backup CronJobs */
};

/* Overview state. The overview is estate-wide: it never follows the
 * namespace other views stick to. Only ":overview NAMESPACE" narrows it,
 * and then its title says so and counts the problems it hides. */
struct ov_view {
	uint64_t	 gen;
	int64_t		 built_at;
	char		*ns_filter;	/* explicit filter, or NULL (all) */
	size_t		 hidden;	/* problems outside ns_filter */
	char		 title[160];
};

/* Walk state while building. */
struct ov_walk {
	struct view	*v;
	const struct kind	*kind;
	int64_t		 now;
	struct ov_count	*counts;
};

static int
ov_init(struct view *v, char **cause)
{
	struct ov_view *ov = xcalloc(1, sizeof *ov);
	const struct kind *const *ks;
	char *why = NULL;
	size_t i, nks;

	v->data = ov;
	ov->gen = UINT64_MAX;
	if (v->arg != NULL && *v->arg != '\0' && strcmp(v->arg, "-A") != 0 &&
	    strcmp(v->arg, "all") != 0)
		ov->ns_filter = xstrdup(v->arg);
	v->table = table_new(ov_cols, sizeof ov_cols / sizeof ov_cols[0]);
	if (v->ui->client != NULL) {
		ks = ov_kinds(&nks);
		for (i = 0; i < nks; i++) {
			if (client_watch(v->ui->client, ks[i]->resource, &why) != 0) {
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
		free(ov->ns_filter);
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

/* When a backup row started (its start time, else its creation). */
static int64_t
ov_backup_when(const struct row *r)
{
	if (r->ncells > 4 && r->cells[4].type == CELL_AGE && r->cells[4].when != 0)
		return r->cells[4].when;
	return r->created;
}

/* Whether a backup row completed well. */
static bool
ov_backup_good(const struct row *r)
{
	return !(r->flags & (ROW_BAD | ROW_PROGRESSING)) && r->ncells > 1 &&
	    r->cells[1].text != NULL && strcmp(r->cells[1].text, "Completed") == 0;
}

/* Whether a pod row is merely starting: young, no restarts, waiting or
 * not ready yet (not crash looping or failed, which are ROW_BAD). */
static bool
ov_pod_starting(const struct row *r, int64_t now)
{
	static const char *starting[] = { "Pending", "ContainerCreating",
	    "PodInitializing", "Init:", "not ready " };
	size_t i;

	if (r->created == 0 || now - r->created >= OV_START_GRACE ||
	    (r->flags & (ROW_BAD | ROW_STUCK)) || r->reason == NULL)
		return false;
	if (r->ncells > 3 && r->cells[3].n > 0)
		return false;	/* restarted: not just starting */
	for (i = 0; i < sizeof starting / sizeof starting[0]; i++) {
		if (strncmp(r->reason, starting[i], strlen(starting[i])) == 0)
			return true;
	}
	return false;
}

/* A workload's pods: how many, and how many are problems. */
struct ov_pods {
	const struct row *wl;
	struct label_selector *sel;	/* the workload's selector */
	int64_t		 now;
	size_t		 matched, starting, failing, young;
	size_t		 bad;		/* crash looping, failed: ROW_BAD */
	char		 bad_reason[128];	/* the first bad pod's */
};

/* Count one pod of a workload. */
static int
ov_pod_of(size_t cluster, const struct row *r, void *arg)
{
	struct ov_pods *op = arg;

	if (!label_selector_match_flat(op->sel, r->labels))
		return 0;
	op->matched++;
	if (r->created != 0 && op->now - r->created < OV_START_GRACE)
		op->young++;
	if (ov_pod_starting(r, op->now))
		op->starting++;
	else if (r->flags & (ROW_BAD | ROW_WARN))
		op->failing++;
	if ((r->flags & ROW_BAD) && op->bad++ == 0)
		snprintf(op->bad_reason, sizeof op->bad_reason, "%s",
		    r->reason != NULL ? r->reason : "failing");
	return 0;
}

/* Whether res is a workload kind whose pods follow its selector. */
static bool
ov_workload(const char *res)
{
	return strcmp(res, "deployments") == 0 || strcmp(res, "statefulsets") == 0 ||
	    strcmp(res, "daemonsets") == 0 || strcmp(res, "rollouts") == 0;
}

/* Count a workload's pods (op is cleared first). */
static void
ov_workload_pods(struct ov_walk *w, size_t cluster, const struct row *r, struct ov_pods *op)
{
	char *cause = NULL;

	memset(op, 0, sizeof *op);
	op->wl = r;
	op->now = w->now;
	if (r->selector == NULL || *r->selector == '\0')
		return;
	op->sel = label_selector_parse(r->selector, &cause);
	free(cause);
	if (op->sel != NULL)
		store_foreach(w->v->ui->store, cluster, "pods", r->ns, ov_pod_of, op);
	label_selector_free(op->sel);
	op->sel = NULL;
}

/* Whether a row is merely starting: a young pod (ov_pod_starting), or a
 * workload that is neither stuck nor paused, has no failing pods and some
 * starting or young ones (or was created moments ago). */
static bool
ov_starting(struct ov_walk *w, size_t cluster, const struct row *r, const char *res)
{
	struct ov_pods op;

	if (strcmp(res, "pods") == 0)
		return ov_pod_starting(r, w->now);
	if (!ov_workload(res))
		return false;
	/* an update in progress is worth seeing; so is a paused one */
	if ((r->flags & (ROW_BAD | ROW_STUCK)) || (r->reason != NULL &&
	    (strcmp(r->reason, "paused") == 0 || strncmp(r->reason, "rolling out", 11) == 0)))
		return false;
	if (r->created != 0 && w->now - r->created < OV_START_GRACE)
		return true;
	if (r->selector == NULL || *r->selector == '\0')
		return false;
	ov_workload_pods(w, cluster, r, &op);
	/* young pods count too: an ordered StatefulSet is short between
	 * one pod turning ready and the next being created */
	return (op.starting > 0 || op.young > 0) && op.failing == 0;
}

/* Whether an HPA row is ScalingDisabled because its target is scaled to 0.
 * The HPA controller turns scaling off by design when a target has zero
 * replicas (a pilot-light DR copy, a workload parked on purpose): that is a
 * deliberate state, whatever the cluster's role, so it is never listed. */
static bool
ov_scaled_to_zero(const struct row *r, const char *res)
{
	if (strcmp(res, "horizontalpodautoscalers") != 0 || r->reason == NULL ||
	    strcmp(r->reason, "ScalingDisabled") != 0)
		return false;
	return r->ncells > 5 && r->cells[5].n == 0;
}

/* A node's problem with its usage as kubectl top prints it, when the
 * cluster's metrics have the node ("MemoryPressure; CPU 3612m, memory
 * 14020Mi"). */
static void
ov_node_detail(struct view *v, size_t cluster, const struct row *r, char *detail, size_t len)
{
	const char *why = r->reason != NULL ? r->reason : "degraded";
	const struct row *m;
	char key[300];

	snprintf(key, sizeof key, "/%s", r->name);
	m = store_get_key(v->ui->store, cluster, "nodes.metrics.k8s.io", key);

	if (m != NULL && m->ncells > 2)
		snprintf(detail, len, "%s; CPU %s, memory %s", why, m->cells[1].text,
		    m->cells[2].text);
	else
		snprintf(detail, len, "%s", why);
}

/* "; 15m alerts SPARK, CPU SPARK" for a cluster line: what the trends
 * hold of the last 15 minutes (empty when they hold nothing). */
static void
ov_trends(struct view *v, size_t ci, char *out, size_t len)
{
	static const struct {
		const char	*series;
		const char	*label;
	} shown[] = { { "alerts", "alerts" }, { "cluster-cpu", "CPU" } };
	const struct trend *t;
	char key[64], *spark;
	size_t i, used = 0;
	int n;

	*out = '\0';
	for (i = 0; v->ui->trends != NULL && i < sizeof shown / sizeof shown[0]; i++) {
		snprintf(key, sizeof key, "%s/%zu", shown[i].series, ci);
		t = trends_get(v->ui->trends, key);
		if (t == NULL || t->n == 0)
			continue;
		spark = trend_spark(t, OV_SPARK_WIDTH, 0, v->ui->ascii);
		n = snprintf(out + used, len - used, "%s%s %s", used == 0 ? "; 15m " : ", ",
		    shown[i].label, spark);
		free(spark);
		if (n < 0 || (size_t)n >= len - used) {
			out[used] = '\0';	/* no room: leave the line as it was */
			break;
		}
		used += (size_t)n;
	}
}

/* Set a problem line's text, marked when its cluster's data may be old. */
static void
ov_set_problem(struct view *v, struct table_row *tr, size_t cluster, const char *detail)
{
	struct store_cluster *sc = store_cluster(v->ui->store, cluster);
	char buf[560];

	if (sc->state != CONN_LIVE && sc->state != CONN_CONNECTING) {
		snprintf(buf, sizeof buf, "%s (stale)", detail);
		table_set(tr, 4, buf, 0);
	} else
		table_set(tr, 4, detail, 0);
}

/* Walk one kind's rows of one cluster: count and add problem rows. */
static int
ov_row(size_t cluster, const struct row *r, void *arg)
{
	struct ov_walk *w = arg;
	struct view *v = w->v;
	struct ov_view *ov = v->data;
	struct ov_count *c = &w->counts[cluster];
	struct table_row *tr;
	struct ov_pods op;
	char key[512], detail[512], buf[128], *failing = NULL;
	const char *what = kind_label(w->kind), *sev, *res = w->kind->resource;
	int64_t when;

	if (strcmp(res, "backups") == 0) {
		c->backups++;
		when = ov_backup_when(r);
		if (ov_backup_good(r)) {
			if (when > c->newest_backup)
				c->newest_backup = when;
		}
		if (!(r->flags & ROW_PROGRESSING) && when >= c->newest_any) {
			c->newest_any = when;
			c->newest_failed = (r->flags & ROW_BAD) != 0;
			snprintf(c->newest_name, sizeof c->newest_name, "%s",
			    r->name != NULL ? r->name : "");
		}
		/* the backup line speaks for them */
		return 0;
	}
	if (strcmp(res, "schedules") == 0 || (strcmp(res, "cronjobs") == 0 &&
	    ((r->name != NULL && strstr(r->name, "backup") != NULL) ||
	    (r->labels != NULL && strstr(r->labels, "backup") != NULL)))) {
		c->schedules++;
		return 0;
	}
	if (!(r->flags & w->kind->problems))
		return 0;
	if (ov_starting(w, cluster, r, res) || ov_scaled_to_zero(r, res))
		return 0;
	if (ov->ns_filter != NULL && w->kind->namespaced &&
	    (r->ns == NULL || strcmp(r->ns, ov->ns_filter) != 0)) {
		ov->hidden++;
		return 0;
	}
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
	} else if (strcmp(res, "nodes") == 0) {
		ov_node_detail(v, cluster, r, detail, sizeof detail);
	} else
		snprintf(detail, sizeof detail, "%s", r->reason != NULL ? r->reason :
		    (r->flags & ROW_PROGRESSING) ? "in progress" : "degraded");
	/* a workload whose pods crash loop or fail is failing, whatever its
	 * rollout says: red, with the pods' reason first */
	if (ov_workload(res)) {
		ov_workload_pods(w, cluster, r, &op);
		if (op.bad > 0) {
			failing = xasprintf("failing: %zu pod%s %s; %s", op.bad,
			    op.bad == 1 ? "" : "s", op.bad_reason, detail);
			tr->flags = (tr->flags & ~ROW_PROGRESSING) | ROW_BAD;
		}
	}
	if (tr->flags & (ROW_BAD | ROW_STUCK))
		c->bad++;
	ov_set_problem(v, tr, cluster, failing != NULL ? failing : detail);
	free(failing);
	return 0;
}

/* HH:MM:SS of a unix time, local. */
static void
ov_clock(int64_t when, char *buf, size_t len)
{
	time_t t = (time_t)when;
	struct tm tm;

	localtime_r(&t, &tm);
	strftime(buf, len, "%H:%M:%S", &tm);
}

/* The backup line's text, and whether it is a problem: the RPO breached,
 * the newest backup failed, or no good backup although a schedule exists.
 * info gets the cluster line's note ("backup 22m ago"). Returns false when
 * there is nothing to say. */
static bool
ov_backup(struct store_cluster *sc, struct ov_count *c, int64_t now, char *detail,
    size_t len, char *info, size_t ilen, bool *problem)
{
	double limit = sc->rpo_seconds > 0 ? sc->rpo_seconds : OV_DEFAULT_RPO;
	char age[32], rpo[32];

	*problem = false;
	*info = '\0';
	human_duration((int64_t)limit, rpo, sizeof rpo);
	if (c->newest_backup != 0) {
		human_duration(now - c->newest_backup, age, sizeof age);
		snprintf(info, ilen, "backup %s ago", age);
	}
	if (c->newest_failed && c->newest_any >= c->newest_backup) {
		*problem = true;
		if (c->newest_backup != 0)
			snprintf(detail, len, "%s failed; newest good %s ago%s%s%s",
			    c->newest_name, age, (double)(now - c->newest_backup) > limit ?
			    ": RPO " : " (RPO ", rpo,
			    (double)(now - c->newest_backup) > limit ? " breached" : ")");
		else
			snprintf(detail, len, "%s failed; none completed (RPO %s)",
			    c->newest_name, rpo);
		return true;
	}
	if (c->newest_backup == 0) {
		if (c->schedules == 0)
			return false;	/* nothing scheduled: nothing expected */
		*problem = true;
		snprintf(detail, len, "none completed (RPO %s)", rpo);
		return true;
	}
	if ((double)(now - c->newest_backup) > limit) {
		*problem = true;
		snprintf(detail, len, "%s ago: RPO %s breached", age, rpo);
		return true;
	}
	return false;
}

/* Fill the cluster line (state, counts) and add the backup line when it is
 * a problem. */
static void
ov_cluster(struct view *v, size_t ci, struct table_row *tr, struct ov_count *c, int64_t now)
{
	struct store_cluster *sc = store_cluster(v->ui->store, ci);
	char key[64], detail[1024], bdetail[512], info[64], since[32], ok[32], state[320];
	char trends[256];
	const char *name;
	struct table_row *br;
	bool backup_line = false, backup_problem = false;

	/* backups: the newest good one against the RPO */
	if (c->backups != 0 || store_synced(v->ui->store, ci, "backups")) {
		backup_line = ov_backup(sc, c, now, bdetail, sizeof bdetail, info, sizeof info,
		    &backup_problem);
	} else
		*info = '\0';
	if (backup_problem)
		c->problems++;

	tr->attr = ui_attr(THEME_SECTION);
	tr->resource = "contexts";
	tr->name = xstrdup(sc->name);
	tr->ns = xstrdup("");
	table_set(tr, 0, sc->name, (int64_t)ci);
	table_set(tr, 1, "cluster", 0);
	table_set(tr, 2, "", 0);
	/* NAME holds the role and the state word; how long and why go to
	 * PROBLEM, which gets the width */
	name = sc->state == CONN_UNAUTHORIZED ? "auth error" : conn_state_name(sc->state);
	if (sc->role != NULL && *sc->role != '\0')
		snprintf(state, sizeof state, "%s, %s", sc->role, name);
	else
		snprintf(state, sizeof state, "%s", name);
	table_set(tr, 3, state, 0);
	if (sc->state != CONN_LIVE && sc->state != CONN_CONNECTING) {
		tr->attr = ui_attr(sc->state == CONN_STALE ? THEME_WARN : THEME_BAD);
		ov_clock(sc->since, since, sizeof since);
		if (sc->last_ok != 0)
			ov_clock(sc->last_ok, ok, sizeof ok);
		snprintf(detail, sizeof detail, "%s since %s%s%s: %zu problem%s%s%s",
		    name, since, sc->last_ok != 0 ? ", data below from " : "",
		    sc->last_ok != 0 ? ok : "", c->problems, c->problems == 1 ? "" : "s",
		    sc->reason != NULL ? "; " : "", sc->reason != NULL ? sc->reason : "");
	} else if (c->problems == 0)
		snprintf(detail, sizeof detail, "all good");
	else {
		/* the cluster line takes the colour of its worst problem: a
		 * critical alert or a failing object is never drawn as "all
		 * good" is */
		tr->attr = ui_attr(c->crit > 0 ? THEME_FIRING : c->bad > 0 || backup_problem ?
		    THEME_BAD : THEME_WARN);
		snprintf(detail, sizeof detail,
		    "%zu problem%s; alerts firing: %zu critical, %zu warning, %zu other",
		    c->problems, c->problems == 1 ? "" : "s", c->crit, c->warn, c->other);
	}
	if (*info != '\0' && strlen(detail) + strlen(info) + 3 < sizeof detail) {
		strcat(detail, "; ");
		strcat(detail, info);
	}
	ov_trends(v, ci, trends, sizeof trends);
	if (strlen(detail) + strlen(trends) < sizeof detail)
		strcat(detail, trends);
	table_set(tr, 4, detail, 0);

	if (!backup_line)
		return;
	snprintf(key, sizeof key, "%zu/backup-rpo", ci);
	br = table_add(v->table, key, ci);
	br->resource = "backups";
	br->flags = backup_problem ? ROW_BAD : 0;
	table_set(br, 0, sc->name, (int64_t)ci);
	table_set(br, 1, "backup", 0);
	table_set(br, 2, "", 0);
	table_set(br, 3, "newest good backup", 0);
	ov_set_problem(v, br, ci, bdetail);
}

/* Rebuild when anything changed (or once a second for ages). */
static void
ov_update(struct view *v, int64_t now)
{
	struct ov_view *ov = v->data;
	struct store *st = v->ui->store;
	uint64_t gen = store_generation(st);
	size_t n = store_ncluster(st), ci, k, nks;
	const struct kind *const *ks = ov_kinds(&nks);
	struct ov_count *counts;
	struct ov_walk w;
	struct table_row *head;
	char key[64];

	if (gen == ov->gen && now == ov->built_at)
		return;
	ov->gen = gen;
	ov->built_at = now;
	ov->hidden = 0;
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
		for (k = 0; k < nks; k++) {
			w.kind = ks[k];
			store_foreach(st, ci, ks[k]->resource, NULL, ov_row, &w);
		}
		ov_cluster(v, ci, head, &counts[ci], now);
	}
	table_end(v->table);
	free(counts);
}

/* The newest good backup of a cluster (else the newest), for Enter. */
struct ov_newest {
	int64_t		 when;
	bool		 good;
	char		 key[512];
};

/* Walk a cluster's backups for the newest good one. */
static int
ov_newest_row(size_t cluster, const struct row *r, void *arg)
{
	struct ov_newest *nw = arg;
	int64_t when = ov_backup_when(r);
	bool good = ov_backup_good(r);

	if ((good && !nw->good) || (good == nw->good && when >= nw->when)) {
		nw->when = when;
		nw->good = good;
		snprintf(nw->key, sizeof nw->key, "%zu/%s/%s/%s", cluster,
		    r->uid != NULL ? r->uid : "", r->ns, r->name);
	}
	return 0;
}

/* Velero schedules of one cluster. */
struct ov_sched {
	size_t		 n;
	const struct row *first;
};

/* Count a cluster's schedules. */
static int
ov_sched_row(size_t cluster, const struct row *r, void *arg)
{
	struct ov_sched *os = arg;

	if (os->n++ == 0)
		os->first = r;
	return 0;
}

/* The cluster of the selected line when it is a cluster or backup line and
 * nothing is marked, else SIZE_MAX. */
static size_t
ov_backup_cluster(struct view *v)
{
	struct table_row *r, **rows = NULL;
	size_t n;

	if (v->table == NULL)
		return SIZE_MAX;
	n = table_marked_rows(v->table, &rows);
	free(rows);
	r = table_selected(v->table);
	if (n != 0 || r == NULL || r->resource == NULL || r->key == NULL)
		return SIZE_MAX;
	if (strcmp(r->resource, "contexts") == 0)
		return r->cluster;
	if (strcmp(r->resource, "backups") == 0 && strstr(r->key, "/backup-rpo") != NULL)
		return r->cluster;
	return SIZE_MAX;
}

/* Targets: on a cluster or backup line, the cluster's one Velero schedule
 * (what backup-now needs); otherwise the selection or marks. */
static size_t
ov_targets(struct view *v, struct cmd_target **out)
{
	size_t ci = ov_backup_cluster(v);
	struct ov_sched os;

	memset(&os, 0, sizeof os);
	if (ci != SIZE_MAX)
		store_foreach(v->ui->store, ci, "schedules", NULL, ov_sched_row, &os);
	if (os.n == 1) {
		*out = xcalloc(1, sizeof **out);
		(*out)[0].cluster = ci;
		(*out)[0].resource = "schedules";
		(*out)[0].ns = os.first->ns;
		(*out)[0].name = os.first->name;
		(*out)[0].uid = os.first->uid;
		return 1;
	}
	return view_table_targets(v, out);
}

/* A key before the key table: backup-now on a cluster or backup line of a
 * cluster with no or several schedules says so (and lists them). */
static int
ov_key(struct view *v, int key)
{
	const char *cmd = keymap_lookup(key);
	size_t ci = ov_backup_cluster(v);
	struct ui *ui = v->ui;
	struct ov_sched os;
	char *arg, *cause = NULL, *name;

	if (cmd == NULL || strcmp(cmd, "backup-now") != 0 || ci == SIZE_MAX)
		return VIEW_UNHANDLED;
	memset(&os, 0, sizeof os);
	store_foreach(ui->store, ci, "schedules", NULL, ov_sched_row, &os);
	if (os.n == 1)
		return VIEW_UNHANDLED;	/* ov_targets gives it */
	name = xstrdup(store_cluster(ui->store, ci)->name);
	if (os.n == 0) {
		ui_message(ui, true, "backup-now: no Velero schedule on %s", name);
		free(name);
		return VIEW_HANDLED;
	}
	/* opening a view may free this one */
	arg = xasprintf("@%s", name);
	if (ui_open(ui, "schedules", arg, false, &cause) != 0) {
		ui_message(ui, true, "%s", cause);
		free(cause);
	} else
		ui_message(ui, false, "%zu schedules on %s: choose a schedule", os.n, name);
	free(arg);
	free(name);
	return VIEW_HANDLED;
}

/* Enter: the line's detail (the object in its kind's view); the backup
 * line opens the backups at the newest good one. */
static int
ov_enter(struct view *v, char **cause)
{
	struct table_row *r = table_selected(v->table);
	struct ui *ui = v->ui;
	struct store_cluster *sc;
	struct ov_newest nw;
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
	if (strcmp(r->resource, "backups") == 0 && strstr(r->key, "/backup-rpo") != NULL) {
		memset(&nw, 0, sizeof nw);
		store_foreach(ui->store, r->cluster, "backups", NULL, ov_newest_row, &nw);
		key = xstrdup(nw.key);
	} else
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
	struct ov_view *ov = v->data;

	if (ov == NULL || ov->ns_filter == NULL)
		return "overview";
	snprintf(ov->title, sizeof ov->title, "overview of ns %s, %zu problem%s elsewhere hidden",
	    ov->ns_filter, ov->hidden, ov->hidden == 1 ? "" : "s");
	return ov->title;
}

/* The namespace the overview shows: its own filter, never the sticky one. */
static const char *
ov_namespace(struct view *v)
{
	struct ov_view *ov = v->data;

	return ov != NULL ? ov->ns_filter : NULL;
}

const struct view_class view_overview_class = {
	.name = "overview",
	.init = ov_init,
	.free = ov_free,
	.update = ov_update,
	.draw = view_table_draw,
	.key = ov_key,
	.enter = ov_enter,
	.title = ov_title,
	.targets = ov_targets,
	.namespace_ = ov_namespace,
};
