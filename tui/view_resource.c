/* The resource view: one class for every kind the store holds, columns
 * from the kind's printer (kubectl's), plus CLUSTER (when more than one
 * cluster is shown) and NAMESPACE (when all namespaces are shown).
 * Specialisations by resource: events put warnings first, deployments drill
 * down to their pods and show their revision history, pods open logs.
 * Pods and nodes add their usage as kubectl top prints it (metrics.k8s.io),
 * HPAs, deployments and nodes sparklines of the last 15 minutes (trend.h). */
#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "opsdeck/client.h"
#include "opsdeck/json_util.h"
#include "opsdeck/kinds.h"
#include "opsdeck/loop.h"
#include "opsdeck/map.h"
#include "opsdeck/printers.h"
#include "opsdeck/sanitize.h"
#include "opsdeck/store.h"
#include "opsdeck/table.h"
#include "opsdeck/trend.h"
#include "opsdeck/ui.h"
#include "opsdeck/xmalloc.h"

#include "view_history.h"

#define RES_MAX_COLS	32

/* What a column after the printer's shows. */
enum res_extra_what {
	RES_CPU,		/* usage, from the kind's metrics rows */
	RES_MEMORY,
	RES_TREND,		/* a sparkline of trend series */
};

/* Columns some kinds add after their printer's. */
struct res_extra {
	const char		*resource;	/* the view's kind */
	const char		*metrics;	/* its usage rows in the store, or NULL */
	struct {
		const char		*name;
		enum res_extra_what	 what;
		const char		*series;	/* RES_TREND: "hpa-replicas" */
		const char		*floor;		/* ... and the series its
							 * scale reaches at least */
	}			 cols[3];
	size_t			 ncols;
};

static const struct res_extra res_extras[] = {
	{ "pods", "pods.metrics.k8s.io",
	  { { "CPU(cores)", RES_CPU, NULL, NULL }, { "MEMORY(bytes)", RES_MEMORY, NULL, NULL } },
	  2 },
	{ "nodes", "nodes.metrics.k8s.io",
	  { { "CPU(cores)", RES_CPU, NULL, NULL }, { "MEMORY(bytes)", RES_MEMORY, NULL, NULL },
	    { "CPU 15M", RES_TREND, "node-cpu", NULL } }, 3 },
	{ "horizontalpodautoscalers", NULL,
	  { { "REPLICAS 15M", RES_TREND, "hpa-replicas", NULL },
	    { "CPU 15M", RES_TREND, "hpa-current", "hpa-target" } }, 2 },
	{ "deployments", NULL, { { "RESTARTS 15M", RES_TREND, "restarts", NULL } }, 1 },
};

/* State of a resource view. */
struct res_view {
	const struct kind	*kind;		/* NULL if the kind has no view */
	const struct printer	*printer;
	uint64_t		 version;
	uint64_t		 res_version;	/* the resource's alone, in version */
	int64_t			 built_at;
	double			 last_build;	/* loop_now() of the last rebuild */
	double			 cost;		/* seconds it took */
	size_t			 rpo_breached;	/* backups: clusters past their RPO */
	char			*ns_built;
	bool			 ns_col;
	bool			 cluster_col;
	size_t			 ncols;
	char			*selector;	/* limit rows to these labels (drill-down) */
	struct label_selector	*sel;		/* selector parsed; NULL matches nothing */
	char			*owner_uid;	/* limit rows to this owner */
	char			*fixed_ns;	/* limit rows to this namespace */
	char			*of;		/* "deployments/backend" when drilled down */
	const struct res_extra	*extra;		/* columns after the printer's, or NULL */
	size_t			 extra_at;	/* the first of them */
	unsigned long		 trend_round;	/* trends seen at the last rebuild */
	char			 title[160];

	struct history		 hist;		/* deployments: the revision history pane */
	struct loop_timer	*more;		/* the next slice of changes, or NULL */
	size_t			 usage_next;	/* usage set in place: the next table
						 * row + 1 (0: not under way) */
	uint64_t		 usage_target;	/* the usage version it brings rows to */
	bool			*usage_of;	/* the clusters whose rows it sets
						 * (NULL: every cluster) */
	size_t			 nusage_of;
};

/* Upper-case a column name into buf. */
static const char *
res_upper(const char *s, char *buf, size_t len)
{
	size_t i;

	for (i = 0; s[i] != '\0' && i < len - 1; i++)
		buf[i] = s[i] == ' ' ? ' ' : (char)toupper((unsigned char)s[i]);
	buf[i] = '\0';
	return buf;
}

/* Column header names live as long as the program: intern them. */
static const char *
res_intern(const char *s)
{
	static char *names[256];
	static size_t nnames;
	size_t i;

	for (i = 0; i < nnames; i++) {
		if (strcmp(names[i], s) == 0)
			return names[i];
	}
	if (nnames == sizeof names / sizeof names[0])
		return "?";
	names[nnames] = xstrdup(s);
	return names[nnames++];
}

/* (Re)create the table's columns for the current scope. */
static void
res_columns(struct view *v, bool cluster_col, bool ns_col)
{
	struct res_view *rv = v->data;
	struct table_col cols[RES_MAX_COLS];
	const struct column *pc;
	char up[64];
	size_t i, n = 0;
	char *filter = NULL, *cause = NULL;

	memset(cols, 0, sizeof cols);
	cols[n].name = "CLUSTER";
	cols[n].min = 6;
	n++;
	cols[n].name = "NAMESPACE";
	cols[n].min = 6;
	cols[n].drop = 2;
	n++;
	for (i = 0; i < rv->printer->ncolumns && n < RES_MAX_COLS; i++) {
		pc = &rv->printer->columns[i];
		cols[n].name = res_intern(res_upper(pc->name, up, sizeof up));
		cols[n].priority = pc->priority;
		cols[n].numeric = strcmp(pc->type, "integer") == 0 || strcmp(pc->type, "date") == 0 ||
		    strcmp(pc->type, "number") == 0 || strcmp(pc->name, "Age") == 0 ||
		    strcmp(pc->name, "Restarts") == 0 || strcmp(pc->name, "Last Seen") == 0 ||
		    strcmp(pc->name, "First Seen") == 0;
		cols[n].min = strcmp(pc->format, "name") == 0 ? 16 : 0;
		cols[n].drop = strcmp(pc->format, "name") == 0 ? 0 : (int)(10 + i);
		if (strcmp(pc->name, "Age") == 0 || strcmp(pc->name, "Status") == 0 ||
		    strcmp(pc->name, "Ready") == 0)
			cols[n].drop = 1;
		n++;
	}
	rv->extra_at = n;
	for (i = 0; rv->extra != NULL && i < rv->extra->ncols && n < RES_MAX_COLS; i++) {
		cols[n].name = rv->extra->cols[i].name;
		cols[n].numeric = true;		/* usage; a trend by its newest sample */
		/* given up first when narrow, before the wide columns too */
		cols[n].priority = -1;
		cols[n].drop = (int)(40 + i);
		n++;
	}
	if (v->table != NULL) {
		if (table_filter(v->table) != NULL)
			filter = xstrdup(table_filter(v->table));
		table_free(v->table);
	}
	v->table = table_new(cols, n);
	table_col_hide(v->table, 0, !cluster_col);
	table_col_hide(v->table, 1, !ns_col);
	table_col_shrink_first(v->table, 0);
	table_col_shrink_first(v->table, 1);
	table_set_flag_first(v->table, rv->kind != NULL ? rv->kind->view.flag_first : 0);
	/* events: (warnings first, then) the most recently seen first */
	if (strcmp(v->resource, "events") == 0)
		table_set_default_sort(v->table, 2, 1);
	if (filter != NULL) {
		table_set_filter(v->table, filter, &cause);
		free(cause);
		free(filter);
	}
	rv->ncols = n;
	rv->cluster_col = cluster_col;
	rv->ns_col = ns_col;
}

/* Parse "owner=UID" / "selector=k=v,..." / "select=KEY" in arg. */
static void
res_parse_arg(struct view *v)
{
	struct res_view *rv = v->data;
	char *copy, *w, *save = NULL, *why = NULL;

	if (v->arg == NULL)
		return;
	copy = xstrdup(v->arg);
	for (w = strtok_r(copy, " ", &save); w != NULL; w = strtok_r(NULL, " ", &save)) {
		if (strncmp(w, "owner=", 6) == 0) {
			free(rv->owner_uid);
			rv->owner_uid = xstrdup(w + 6);
		} else if (strncmp(w, "of=", 3) == 0) {
			free(rv->of);
			rv->of = xstrdup(w + 3);
		} else if (strncmp(w, "ns=", 3) == 0) {
			free(rv->fixed_ns);
			rv->fixed_ns = xstrdup(w + 3);
		} else if (strncmp(w, "selector=", 9) == 0) {
			free(rv->selector);
			rv->selector = xstrdup(w + 9);
			label_selector_free(rv->sel);
			rv->sel = label_selector_parse(rv->selector, &why);
			free(why);	/* NULL matches nothing */
			why = NULL;
		}
	}
	free(copy);
}

static int
res_init(struct view *v, char **cause)
{
	struct res_view *rv = xcalloc(1, sizeof *rv);
	char *why = NULL;

	v->data = rv;
	rv->kind = kind_find_view(v->resource);
	rv->printer = printer_find(v->resource);
	rv->version = UINT64_MAX;
	rv->hist.ui = v->ui;
	for (size_t i = 0; i < sizeof res_extras / sizeof res_extras[0]; i++) {
		if (strcmp(res_extras[i].resource, v->resource) == 0)
			rv->extra = &res_extras[i];
	}
	res_parse_arg(v);
	res_columns(v, ui_nclusters(v->ui, v) > 1, true);
	if (v->ui->client != NULL && client_watch(v->ui->client, v->resource, &why) != 0) {
		ui_message(v->ui, true, "%s", why);
		free(why);
		why = NULL;
	}
	if (v->ui->client != NULL && rv->extra != NULL && rv->extra->metrics != NULL &&
	    client_watch(v->ui->client, rv->extra->metrics, &why) != 0)
		free(why);
	return 0;
}

static void
res_free(struct view *v)
{
	struct res_view *rv = v->data;

	if (rv == NULL)
		return;
	history_free(&rv->hist);
	if (rv->more != NULL)
		loop_timer_cancel(v->ui->loop, rv->more);
	free(rv->ns_built);
	free(rv->selector);
	label_selector_free(rv->sel);
	free(rv->owner_uid);
	free(rv->fixed_ns);
	free(rv->of);
	free(rv->usage_of);
	free(rv);
	v->data = NULL;
}

/* Arguments for the store walk. */
struct res_walk {
	struct view	*v;
	int64_t		 now;
	const char	*ns;		/* the namespace shown, or NULL: all */
};

static void	res_event_fade(struct view *, size_t, const struct row *, struct table_row *);

/* The usage cells of a row from m, its metrics row (NULL: none). Usage is
 * "n/a" where the cluster serves no metrics (or failed to), empty for an
 * object it has none for (a pod not running, a node not ready: kubectl top
 * leaves them out) and while the first answer is awaited. */
static void
res_usage_cells(struct view *v, size_t cluster, const struct row *m, struct table_row *tr)
{
	struct res_view *rv = v->data;
	const struct res_extra *x = rv->extra;
	const char *why = NULL;
	bool none;
	size_t i;

	if (m == NULL) {
		enum conn_state st = store_kind_state(v->ui->store, cluster, x->metrics, &why);

		none = (st != CONN_LIVE && st != CONN_CONNECTING) ||
		    (why != NULL && strcmp(why, "not installed") == 0);
	} else
		none = false;
	for (i = 0; i < x->ncols; i++) {
		if (x->cols[i].what != RES_CPU && x->cols[i].what != RES_MEMORY)
			continue;
		if (m != NULL && m->ncells > 2)
			table_set_cell(tr, rv->extra_at + i,
			    &m->cells[x->cols[i].what == RES_CPU ? 1 : 2], 0);
		else
			table_set(tr, rv->extra_at + i, none ? "n/a" : "", INT64_MIN);
	}
}

/* The usage cells of the row of object r, from its usage row in the store
 * (a usage object has no uid: its key is "namespace/name"). */
static void
res_usage_of(struct view *v, size_t cluster, const struct row *r, struct table_row *tr)
{
	struct res_view *rv = v->data;
	char key[600];

	snprintf(key, sizeof key, "%s/%s", r->ns, r->name);
	res_usage_cells(v, cluster, store_get_key(v->ui->store, cluster, rv->extra->metrics, key),
	    tr);
}

static void
res_extra_cells(struct view *v, size_t cluster, const struct row *r, struct table_row *tr)
{
	struct res_view *rv = v->data;
	const struct res_extra *x = rv->extra;
	const struct trend *t, *f;
	char key[600], *spark;
	size_t i, col;

	if (x->metrics != NULL)
		res_usage_of(v, cluster, r, tr);
	for (i = 0; i < x->ncols; i++) {
		col = rv->extra_at + i;
		switch (x->cols[i].what) {
		case RES_CPU:
		case RES_MEMORY:
			break;
		case RES_TREND:
			snprintf(key, sizeof key, "%s/%zu/%s/%s", x->cols[i].series, cluster,
			    r->ns, r->name);
			t = v->ui->trends != NULL ? trends_get(v->ui->trends, key) : NULL;
			f = NULL;
			if (x->cols[i].floor != NULL && v->ui->trends != NULL) {
				snprintf(key, sizeof key, "%s/%zu/%s/%s", x->cols[i].floor,
				    cluster, r->ns, r->name);
				f = trends_get(v->ui->trends, key);
			}
			spark = trend_spark(t, TREND_WIDTH, f != NULL && f->n > 0 ?
			    trend_at(f, 0) : 0, v->ui->ascii);
			table_set(tr, col, spark, t != NULL && t->n > 0 ? (int64_t)trend_at(t, 0) :
			    INT64_MIN);
			free(spark);
			break;
		}
	}
}

/* Add a table row for store row r, if the view shows it (else NULL). */
static struct table_row *
res_row(struct res_walk *w, size_t cluster, const struct row *r)
{
	struct view *v = w->v;
	struct res_view *rv = v->data;
	struct table_row *tr;
	char key[512];

	if (v->cluster != SIZE_MAX && cluster != v->cluster)
		return NULL;
	if (w->ns != NULL && strcmp(r->ns, w->ns) != 0)
		return NULL;
	if (rv->owner_uid != NULL && (r->owner_uid == NULL || strcmp(r->owner_uid, rv->owner_uid) != 0))
		return NULL;
	if (rv->selector != NULL && !label_selector_match_flat(rv->sel, r->labels))
		return NULL;
	snprintf(key, sizeof key, "%zu/%s/%s/%s", cluster, r->uid != NULL ? r->uid : "",
	    r->ns, r->name);
	tr = table_add(v->table, key, cluster);
	tr->flags = r->flags;
	tr->resource = v->resource;
	/* the cells are the store row's, not copies */
	table_set_ref(tr, 0, store_cluster(v->ui->store, cluster)->name, (int64_t)cluster);
	table_set_ref(tr, 1, r->ns, 0);
	table_set_source(tr, 2, r, w->now);
	if (strcmp(v->resource, "events") == 0)
		res_event_fade(v, cluster, r, tr);
	if (rv->extra != NULL)
		res_extra_cells(v, cluster, r, tr);
	return tr;
}

/* store_foreach: add one store row to the table. */
static int
res_add_row(size_t cluster, const struct row *r, void *arg)
{
	res_row(arg, cluster, r);
	return 0;
}

/* Changes placed row by row in one slice: a watch's stream is placed a
 * slice per loop turn, keys handled between slices, so a key never waits
 * behind more than one; the rows not placed yet show the store as it was
 * (a consistent past state, each row where a full sort puts it). A slice
 * is RES_PLACE_MAX changes, or fewer once it has taken RES_PLACE_SECONDS
 * (a row that moves costs a pass over the order: on 150,000 rows, 256 of
 * them took up to 30 ms). */
#define RES_PLACE_MAX		256
#define RES_PLACE_SECONDS	0.008

/* What res_apply did. */
enum res_applied {
	RES_APPLY_FAILED,	/* rebuild */
	RES_APPLY_SLICE,	/* one slice placed, more changes wait */
	RES_APPLY_DONE,		/* every change placed */
};

/* Seconds after which a view of derived rows (res_derived) is built
 * again; other views' rows change only with the store (ages are formatted
 * as drawn). */
#define RES_TIMED_REBUILD	60

/* True if the view derives its rows from more than their own objects:
 * events fade once their object is gone, backups breach their RPO as time
 * goes by. Such rows change with the clock and with other rows: they are
 * built afresh, never placed one by one. */
static bool
res_derived(const struct view *v)
{
	return strcmp(v->resource, "events") == 0 || strcmp(v->resource, "backups") == 0;
}

/* n rows were placed or taken out: each moves those after it by one, so
 * usage being set in place (res_usage_refresh) starts again that many rows
 * back (a row placed was built with the usage now). */
static void
res_usage_back(struct res_view *rv, size_t n)
{
	if (rv->usage_next > 0)
		rv->usage_next = rv->usage_next > n ? rv->usage_next - n : 1;
}

/* Apply the store's changes since the table was built, at most
 * RES_PLACE_MAX of them, each row taken out and put back where it now
 * sorts (when every one is a new row, all of them, merged in at once);
 * *upto is the store's version the table then shows. Failed if the
 * table must be rebuilt (changes forgotten, or views whose rows depend on
 * other rows). */
static enum res_applied
res_apply(struct res_walk *w, uint64_t *upto)
{
	struct view *v = w->v;
	struct res_view *rv = v->data;
	const struct store_change *ch;
	struct table_row *po, *pn;
	size_t i, n, first;
	double t0;
	bool ok;

	if (res_derived(v) ||
	    !store_changes(v->ui->store, v->resource, rv->res_version, &ch, &n))
		return RES_APPLY_FAILED;
	/* rows new to the store only (list pages): placed in one merge */
	for (i = 0; i < n && ch[i].old == NULL; i++)
		;
	if (n > 1 && i == n) {
		first = table_total(v->table);
		for (i = 0; i < n; i++)
			res_row(w, ch[i].cluster, ch[i].row);
		if (!table_place_from(v->table, first)) {
			rv->version = UINT64_MAX;
			return RES_APPLY_FAILED;
		}
		res_usage_back(rv, n);
		return RES_APPLY_DONE;
	}
	/* many changes into a table much smaller than them: rebuild */
	if (n > RES_PLACE_MAX && n > table_total(v->table) / 4)
		return RES_APPLY_FAILED;
	t0 = loop_now();
	for (i = 0; i < n && i < RES_PLACE_MAX; i++) {
		if ((i & 15) == 15 && loop_now() - t0 > RES_PLACE_SECONDS)
			break;
		/* a probe built like the row shown, and the row now */
		po = ch[i].old != NULL ? res_row(w, ch[i].cluster, ch[i].old) : NULL;
		pn = ch[i].row != NULL ? res_row(w, ch[i].cluster, ch[i].row) : NULL;
		if (po != NULL && pn != NULL)
			ok = table_replace(v->table, po, pn);
		else if (po != NULL)
			ok = table_remove_like(v->table, po);
		else
			ok = pn == NULL || table_place(v->table, pn);
		if (!ok) {
			rv->version = UINT64_MAX;	/* half done: rebuild now */
			return RES_APPLY_FAILED;
		}
	}
	res_usage_back(rv, i);
	if (i < n) {
		*upto = ch[i - 1].seq;
		return RES_APPLY_SLICE;
	}
	return RES_APPLY_DONE;
}

/*
 * Usage for many rows at once (a cluster's first poll, every pod's usage
 * moving, or more changes than the journal keeps) is set in the rows where
 * they are, RES_USAGE_ROWS table rows a loop turn, instead of each row
 * taken out and put back (or a rebuild of the table): the order does not
 * depend on usage unless the rows sort by it. The rows still to be set
 * show the usage they had.
 */
#define RES_USAGE_ROWS	2048
#define RES_USAGE_PASS	(16 * RES_USAGE_ROWS)

/* True if the rows sort by a usage column. */
static bool
res_usage_sorted(struct view *v)
{
	struct res_view *rv = v->data;
	int dir, col = table_sort_col(v->table, &dir);
	size_t i;

	for (i = 0; col >= 0 && i < rv->extra->ncols; i++) {
		if ((rv->extra->cols[i].what == RES_CPU || rv->extra->cols[i].what == RES_MEMORY) &&
		    (size_t)col == rv->extra_at + i)
			return true;
	}
	return false;
}

/* The next RES_USAGE_ROWS rows' usage set from the store; *upto: the
 * usage version the rows then show (since until every row is set). When
 * it begins, ch (n changes, or NULL: the journal lost some) says which
 * clusters' usage moved: only their rows are set (an estate's clusters
 * are polled one at a time), and the walk passes over the others'. */
static enum res_applied
res_usage_refresh(struct res_walk *w, uint64_t since, const struct store_change *ch, size_t n,
    uint64_t *upto)
{
	struct view *v = w->v;
	struct res_view *rv = v->data;
	struct store *st = v->ui->store;
	struct table_row *tr;
	size_t i, set = 0, total = table_total(v->table);
	bool shown;

	if (rv->usage_next == 0) {
		rv->usage_target = store_version(st, rv->extra->metrics);
		rv->usage_next = 1;
		free(rv->usage_of);
		rv->usage_of = NULL;
		if (ch != NULL) {
			rv->nusage_of = store_ncluster(st);
			rv->usage_of = xcalloc(rv->nusage_of + 1, sizeof *rv->usage_of);
			for (i = 0; i < n; i++) {
				if (ch[i].cluster < rv->nusage_of)
					rv->usage_of[ch[i].cluster] = true;
			}
		}
	}
	/* a slice sets RES_USAGE_ROWS rows, and passes over at most
	 * RES_USAGE_PASS rows in all */
	for (i = rv->usage_next - 1; i < total && set < RES_USAGE_ROWS &&
	    i - (rv->usage_next - 1) < RES_USAGE_PASS; i++) {
		tr = table_row_raw(v->table, i);
		if (tr->src == NULL || (rv->usage_of != NULL &&
		    (tr->cluster >= rv->nusage_of || !rv->usage_of[tr->cluster])))
			continue;
		shown = table_edit(v->table, tr);
		res_usage_of(v, tr->cluster, tr->src, tr);
		table_edit_done(v->table, tr, shown);
		set++;
	}
	if (i < total) {
		rv->usage_next = i + 1;
		*upto = since;
		return RES_APPLY_SLICE;
	}
	rv->usage_next = 0;
	*upto = rv->usage_target;
	return rv->usage_target == store_version(st, rv->extra->metrics) ?
	    RES_APPLY_DONE : RES_APPLY_SLICE;
}

/* Apply the usage polled since metrics version since, at most
 * RES_PLACE_MAX changes of it (*upto: the metrics version then shown):
 * each row whose usage changed is taken out (found by a probe carrying the
 * usage it was built with) and put back with the new usage where it now
 * sorts; the other rows are not touched. Failed if the table must be
 * rebuilt. */
static enum res_applied
res_apply_usage(struct res_walk *w, uint64_t since, uint64_t *upto)
{
	struct view *v = w->v;
	struct res_view *rv = v->data;
	const struct store_change *ch;
	struct table_row *tr;
	struct res_usage_hit {
		const struct row *src;	/* the object's row */
		size_t		 cluster;
		const struct row *old;	/* the usage its table row shows */
	} *hit;
	struct map *was;
	char key[600];
	size_t i, n = 0, nhit = 0;
	bool ok = true, more = false, kept, sorted = res_usage_sorted(v);

	if (rv->usage_next > 0 && sorted) {
		rv->usage_next = 0;	/* sorted by usage since it began: rebuild */
		return RES_APPLY_FAILED;
	}
	kept = store_changes(v->ui->store, rv->extra->metrics, since, &ch, &n);
	if (rv->usage_next > 0 || ((!kept || n > RES_PLACE_MAX) && !sorted))
		return res_usage_refresh(w, since, kept ? ch : NULL, n, upto);
	if (!kept)
		return RES_APPLY_FAILED;
	if (n == 0)
		return RES_APPLY_FAILED;	/* synced, no row changed: "n/a" may now be "" */
	if (n > RES_PLACE_MAX) {
		n = RES_PLACE_MAX;
		*upto = ch[n - 1].seq;
		more = true;
	}
	/* per object, its first change: the usage its row was built with.
	 * Every change of the kind's rows is placed (usage comes after them),
	 * so the row each table row holds is the store's: found by name */
	was = map_new();
	hit = xcalloc(n, sizeof *hit);
	for (i = 0; i < n; i++) {
		const struct row *m = ch[i].row != NULL ? ch[i].row : ch[i].old, *src;

		snprintf(key, sizeof key, "%zu/%s/%s", ch[i].cluster, m->ns, m->name);
		if (map_get(was, key) != NULL)
			continue;
		map_put(was, key, (void *)(uintptr_t)1);
		src = store_lookup(v->ui->store, ch[i].cluster, v->resource, m->ns, m->name);
		if (src == NULL)
			continue;	/* no such object (gone, or not listed yet) */
		hit[nhit].src = src;
		hit[nhit].cluster = ch[i].cluster;
		hit[nhit++].old = ch[i].old;
	}
	map_free(was, NULL);
	/* each out (a probe with the old usage finds it; one placed by an
	 * earlier slice shows the usage now) and back in */
	for (i = 0; i < nhit && ok; i++) {
		if ((tr = res_row(w, hit[i].cluster, hit[i].src)) == NULL)
			continue;	/* not a row of this view */
		res_usage_cells(v, hit[i].cluster, hit[i].old, tr);
		ok = (table_remove_like(v->table, tr) ||
		    ((tr = res_row(w, hit[i].cluster, hit[i].src)) != NULL &&
		    table_remove_like(v->table, tr))) &&
		    (tr = res_row(w, hit[i].cluster, hit[i].src)) != NULL &&
		    table_place(v->table, tr);
	}
	free(hit);
	if (!ok) {
		rv->version = UINT64_MAX;	/* half done: rebuild now */
		return RES_APPLY_FAILED;
	}
	return more ? RES_APPLY_SLICE : RES_APPLY_DONE;
}

/* Events: a warning or error about an object that is gone (its kind is
 * listed on the cluster and the object is not there) fades once it was
 * last seen RES_EVENT_FADE seconds ago: no longer sorted first, drawn dim.
 * A crash loop of a deleted pod must not sit above what is failing now. */
#define RES_EVENT_FADE	180

static void
res_event_fade(struct view *v, size_t cluster, const struct row *r, struct table_row *tr)
{
	struct store *st = v->ui->store;
	const struct kind *k;
	const char *obj, *slash;
	char *kname;

	if (!(tr->flags & (ROW_BAD | ROW_WARN)) || r->ncells < 4 ||
	    table_cell_num(tr, 2) == INT64_MIN || table_cell_num(tr, 2) < RES_EVENT_FADE)
		return;
	obj = r->cells[3].text;		/* OBJECT: "pod/backend-7c9d-x2" */
	if (obj == NULL || (slash = strchr(obj, '/')) == NULL)
		return;
	kname = xstrndup(obj, (size_t)(slash - obj));
	k = kind_find(kname);
	free(kname);
	if (k == NULL || !store_synced(st, cluster, k->resource) ||
	    store_get(st, cluster, k->resource, k->namespaced ? r->ns : "", slash + 1) != NULL)
		return;
	tr->flags &= ~(unsigned)(ROW_BAD | ROW_WARN);
	tr->attr = ui_attr(THEME_DIM);
}

/* Backups: per cluster, when the newest completed backup is older than the
 * RPO, mark it (and say so in the status of the view's title). */
static void
res_backup_rpo(struct view *v, int64_t now)
{
	struct res_view *rv = v->data;
	struct store *st = v->ui->store;
	struct table_row *r, **newest;
	size_t i, n = store_ncluster(st), breached = 0;
	double rpo;
	char buf[256];

	newest = xcalloc(n == 0 ? 1 : n, sizeof *newest);
	for (i = 0; i < table_total(v->table); i++) {
		r = table_row_raw(v->table, i);
		if (r->cluster >= n || table_cell_num(r, 6) < 0 ||
		    strcmp(table_cell_text(r, 3, buf, sizeof buf), "Completed") != 0)
			continue;
		if (newest[r->cluster] == NULL ||
		    table_cell_num(r, 6) < table_cell_num(newest[r->cluster], 6))
			newest[r->cluster] = r;
	}
	for (i = 0; i < n; i++) {
		if (newest[i] == NULL)
			continue;
		rpo = store_cluster(st, i)->rpo_seconds > 0 ? store_cluster(st, i)->rpo_seconds :
		    3600.0;
		if ((double)table_cell_num(newest[i], 6) > rpo) {
			newest[i]->flags |= ROW_BAD;
			breached++;
		}
	}
	rv->rpo_breached = breached;
	free(newest);
}

/* True if x has a trend column (a new sample changes its cells). */
static bool
res_trends_shown(const struct res_extra *x)
{
	size_t i;

	for (i = 0; i < x->ncols; i++) {
		if (x->cols[i].what == RES_TREND)
			return true;
	}
	return false;
}

static void	res_update(struct view *, int64_t);
static void	res_more(struct view *);

/* The next slice of changes, on a loop turn of its own: unless a key
 * waits to be drawn (its frame places one), and only while the view is
 * the one shown (a view revealed again catches up as it is). */
static void
res_more_cb(void *arg)
{
	struct view *v = arg;
	struct res_view *rv = v->data;

	rv->more = NULL;
	if (v->ui->view != v)
		return;
	if (v->ui->dirty) {
		res_more(v);
		return;
	}
	res_update(v, time(NULL));
	v->ui->frame = true;	/* drawn at the store's bounded rate */
}

/* Ask for the next slice of changes. */
static void
res_more(struct view *v)
{
	struct res_view *rv = v->data;

	if (rv->more == NULL && v->ui->loop != NULL)
		rv->more = loop_timer_add(v->ui->loop, 0, res_more_cb, v);
}

/* Rebuild rows when the store changed or the second ticked (ages). */
static void
res_update(struct view *v, int64_t now)
{
	struct res_view *rv = v->data;
	struct res_walk w = { v, now, NULL };
	uint64_t ver = store_version(v->ui->store, v->resource), res_ver = ver;
	unsigned long round = v->ui->trends != NULL ? trends_round(v->ui->trends) : 0;
	const char *ns = rv->kind != NULL && !rv->kind->namespaced ? NULL :
	    rv->fixed_ns != NULL ? rv->fixed_ns : ui_namespace(v->ui);
	bool want_cluster = ui_nclusters(v->ui, v) > 1, want_ns = ns == NULL &&
	    (rv->kind == NULL || rv->kind->namespaced);
	bool ns_changed, fresh = !res_derived(v) || now - rv->built_at < RES_TIMED_REBUILD;
	double t0 = loop_now();
	uint64_t seen_usage, upto = 0;
	enum res_applied applied;

	ns_changed = (ns == NULL) != (rv->ns_built == NULL) ||
	    (ns != NULL && strcmp(ns, rv->ns_built) != 0);
	/* ages are formatted at draw time: rebuild only on changes, and under
	 * a flood of changes no more often than four times what a rebuild
	 * costs, so input stays responsive on large estates */
	/* usage and trends are cells too */
	if (rv->extra != NULL && rv->extra->metrics != NULL)
		ver += store_version(v->ui->store, rv->extra->metrics);
	if (rv->extra != NULL && round != rv->trend_round && res_trends_shown(rv->extra)) {
		rv->trend_round = round;
		rv->version = UINT64_MAX - 1;
	}
	if (ver == rv->version && !ns_changed && fresh &&
	    want_cluster == rv->cluster_col && want_ns == rv->ns_col)
		return;
	/* while a typed filter is being applied, changes wait for it */
	if (!ns_changed && table_filtering(v->table))
		return;
	/* only rows of the kind changed: each goes where it sorts, a slice
	 * at a time (the rest on the next loop turn); usage once they are */
	w.ns = ns;
	seen_usage = rv->version - rv->res_version;
	if (!ns_changed && rv->version < UINT64_MAX - 1 && fresh &&
	    want_cluster == rv->cluster_col && want_ns == rv->ns_col &&
	    (applied = res_ver == rv->res_version ? RES_APPLY_DONE :
	    res_apply(&w, &upto)) != RES_APPLY_FAILED) {
		if (applied == RES_APPLY_SLICE) {
			rv->res_version = upto;
			rv->version = seen_usage + upto;
			res_more(v);
			return;
		}
		rv->res_version = res_ver;
		rv->version = res_ver + seen_usage;	/* the rows, not yet their usage */
		if (ver - res_ver != seen_usage)
			applied = res_apply_usage(&w, seen_usage, &upto);
		if (applied == RES_APPLY_SLICE) {
			rv->version = res_ver + upto;
			res_more(v);
			return;
		}
		if (applied == RES_APPLY_DONE) {
			rv->version = ver;
			return;
		}
	}
	if (!ns_changed && rv->version != UINT64_MAX && t0 - rv->last_build < 4 * rv->cost)
		return;
	if (want_cluster != rv->cluster_col || want_ns != rv->ns_col) {
		table_col_hide(v->table, 0, !want_cluster);
		table_col_hide(v->table, 1, !want_ns);
		rv->cluster_col = want_cluster;
		rv->ns_col = want_ns;
	}
	rv->version = ver;
	rv->res_version = res_ver;
	rv->usage_next = 0;	/* the rows are built with the usage now */
	rv->built_at = now;
	free(rv->ns_built);
	rv->ns_built = ns != NULL ? xstrdup(ns) : NULL;
	table_begin(v->table);
	store_foreach(v->ui->store, v->cluster, v->resource, ns, res_add_row, &w);
	if (strcmp(v->resource, "backups") == 0)
		res_backup_rpo(v, now);
	table_end(v->table);
	rv->last_build = loop_now();
	rv->cost = rv->last_build - t0;
}

static const char *
res_title(struct view *v)
{
	struct res_view *rv = v->data;
	const char *c = v->cluster != SIZE_MAX ?
	    store_cluster(v->ui->store, v->cluster)->name : NULL;

	snprintf(rv->title, sizeof rv->title, "%s%s%s%s%s%s",
	    rv->kind != NULL ? rv->kind->view.name : v->resource,
	    c != NULL ? " @" : "", c != NULL ? c : "",
	    rv->of != NULL ? " of " : "", rv->of != NULL ? rv->of : "",
	    rv->rpo_breached > 0 ? " RPO BREACHED" : "");
	return rv->title;
}

/* The reason kind resource of cluster i shows no rows, as "name: state:
 * reason" (new string), or NULL when it is listed or still coming: the
 * kind's own failure (forbidden, HTTP 500 ...), else the cluster's when it
 * failed before the kind was listed. */
static char *
res_notice(struct store *st, size_t i, const char *resource)
{
	struct store_cluster *sc = store_cluster(st, i);
	const char *why = NULL;
	enum conn_state ks = store_kind_state(st, i, resource, &why);

	const char *name;

	if (ks == CONN_LIVE)	/* "not installed" */
		return why != NULL ? xasprintf("%s: %s", sc->name, why) : NULL;
	if (ks == CONN_CONNECTING) {
		if (store_synced(st, i, resource) || sc->state == CONN_LIVE ||
		    (sc->state == CONN_CONNECTING && sc->reason == NULL))
			return NULL;
		ks = sc->state;
		why = sc->reason;
	}
	name = conn_state_name(ks);
	if (why == NULL)
		return xasprintf("%s: %s", sc->name, name);
	return xasprintf("%s: %s: %s", sc->name, name, why);
}

/* Lines under the table saying why clusters show no rows of this kind (at
 * most a third of h; the last says how many more). Returns lines used. */
static int
res_draw_notices(struct view *v, WINDOW *win, int y, int h, int w)
{
	struct store *st = v->ui->store;
	size_t i, n = store_ncluster(st);
	char **lines = xcalloc(n + 1, sizeof *lines), *more;
	int k = 0, max = h / 3, used;

	for (i = 0; i < n; i++) {
		if (v->cluster != SIZE_MAX && v->cluster != i)
			continue;
		if ((lines[k] = res_notice(st, i, v->resource)) != NULL)
			k++;
	}
	used = k < max ? k : max;
	for (i = 0; i < (size_t)used; i++) {
		wattrset(win, (attr_t)ui_attr(strstr(lines[i], ": not installed") != NULL ?
		    THEME_DIM : THEME_BAD));
		if (i + 1 == (size_t)used && used < k) {
			more = xasprintf(" ! %s (and %d more: :ctx)", lines[i], k - used);
			table_put(win, y + h - used + (int)i, 0, more, w, v->ui->ellipsis);
			free(more);
		} else {
			more = xasprintf(" ! %s", lines[i]);
			table_put(win, y + h - used + (int)i, 0, more, w, v->ui->ellipsis);
			free(more);
		}
	}
	for (i = 0; i < (size_t)k; i++)
		free(lines[i]);
	free(lines);
	return used;
}

/* Draw the table, with the revision history pane under deployments,
 * anchored at the bottom and as tall as the history (up to a third), and
 * under them why a cluster shows no rows. */
static void
res_draw(struct view *v, WINDOW *win, int y, int h, int w, int64_t now)
{
	struct res_view *rv = v->data;
	int ph = 0;

	h -= res_draw_notices(v, win, y, h, w);
	if (strcmp(v->resource, "deployments") == 0 && h >= 14 && table_selected(v->table) != NULL) {
		history_fetch(&rv->hist, table_selected(v->table));
		ph = history_height(&rv->hist, h);
	}
	view_table_draw(v, win, y, h - ph, w, now);
	if (ph > 0)
		history_draw(&rv->hist, table_selected(v->table)->name, win, y + h - ph,
		    ph, w, now);
}

/* Finder for a row's selector. */
struct res_find {
	const char	*uid;
	char		*selector;
};

/* Store walk: remember the selector of the row with uid. */
static int
res_find_cb(size_t cluster, const struct row *r, void *arg)
{
	struct res_find *f = arg;

	if (r->uid == NULL || strcmp(r->uid, f->uid) != 0)
		return 0;
	if (r->selector != NULL && *r->selector != '\0')
		f->selector = xstrdup(r->selector);
	return 1;
}

/* "selector=k=v,.. ns=NS" for a workload row, or NULL. */
static char *
res_selector_arg(struct view *v, struct table_row *r)
{
	struct res_find f = { r->uid, NULL };
	char *arg;

	store_foreach(v->ui->store, r->cluster, v->resource, r->ns, res_find_cb, &f);
	if (f.selector == NULL)
		return NULL;
	arg = xasprintf("selector=%s ns=%s of=%s/%s", f.selector, r->ns, v->resource, r->name);
	free(f.selector);
	return arg;
}

/* Enter: deployment → its pods (by selector); pod → its logs; others describe. */
static int
res_enter(struct view *v, char **cause)
{
	struct table_row *r = table_selected(v->table);
	struct view *nv;
	char *arg;

	if (r == NULL) {
		*cause = xstrdup("nothing selected");
		return -1;
	}
	if (strcmp(v->resource, "pods") == 0)
		return view_logs_open(v->ui, r->cluster, r->ns, r->name, NULL, false, cause);
	if (strcmp(v->resource, "deployments") == 0 || strcmp(v->resource, "statefulsets") == 0 ||
	    strcmp(v->resource, "daemonsets") == 0 || strcmp(v->resource, "replicasets") == 0 ||
	    strcmp(v->resource, "rollouts") == 0 || strcmp(v->resource, "jobs") == 0) {
		arg = res_selector_arg(v, r);
		if (arg == NULL) {
			*cause = xasprintf("%s %s has no selector", v->resource, r->name);
			return -1;
		}
		nv = ui_push(v->ui, &view_resource_class, "pods", arg, r->cluster, cause);
		free(arg);
		return nv == NULL ? -1 : 0;
	}
	return view_text_open(v->ui, "describe", r->cluster, v->resource, r->ns, r->name,
	    r->uid, cause);
}

const struct view_class view_resource_class = {
	.name = "resource",
	.init = res_init,
	.free = res_free,
	.update = res_update,
	.draw = res_draw,
	.enter = res_enter,
	.title = res_title,
	.targets = view_table_targets,
};
