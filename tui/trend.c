/* Trends: fixed rings of samples taken from the store, and sparklines (see
 * trend.h). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "opsdeck/json_util.h"
#include "opsdeck/kinds.h"
#include "opsdeck/map.h"
#include "opsdeck/printers.h"
#include "opsdeck/store.h"
#include "opsdeck/trend.h"
#include "opsdeck/xmalloc.h"

/* One named series in the map. */
struct trend_entry {
	struct trend		 t;
};

/* Every series, by key. */
struct trends {
	struct map		*series;	/* key -> struct trend_entry */
	size_t			 n;
	unsigned long		 round;		/* sampling rounds so far (from 1) */
};

void
trend_push(struct trend *t, double v)
{
	t->v[t->head] = v;
	t->head = (t->head + 1) % TREND_SAMPLES;
	if (t->n < TREND_SAMPLES)
		t->n++;
	t->seen++;
}

double
trend_at(const struct trend *t, unsigned i)
{
	return t->v[(t->head + TREND_SAMPLES - 1 - i % TREND_SAMPLES) % TREND_SAMPLES];
}

char *
trend_spark(const struct trend *t, int width, double floor, bool ascii)
{
	static const char *const blocks[] = { "\xe2\x96\x81", "\xe2\x96\x82", "\xe2\x96\x83",
	    "\xe2\x96\x84", "\xe2\x96\x85", "\xe2\x96\x86", "\xe2\x96\x87", "\xe2\x96\x88" };
	static const char levels[] = "_.-=#";
	unsigned i, nlev = ascii ? 5 : 8, lev, per;
	long long newest, cell;
	double hi = floor, v, *top;
	bool *has;
	char *out, *p;
	int col;

	if (width < 1)
		return xstrdup("");
	/* each cell is the largest of its share of the window's samples, cut
	 * at fixed rounds so cells do not shift as samples arrive */
	per = (TREND_SAMPLES + (unsigned)width - 1) / (unsigned)width;
	top = xcalloc((size_t)width, sizeof *top);
	has = xcalloc((size_t)width, sizeof *has);
	newest = t != NULL ? (long long)t->seen : 0;
	for (i = 0; t != NULL && i < t->n; i++) {
		cell = newest / per - (newest - (long long)i) / per;
		if (newest - (long long)i < 0 || cell >= width)
			break;
		v = trend_at(t, i);
		col = width - 1 - (int)cell;
		if (!has[col] || v > top[col])
			top[col] = v;
		has[col] = true;
		if (v > hi)
			hi = v;
	}
	out = p = xmalloc((size_t)width * 3 + 1);
	for (col = 0; col < width; col++) {
		if (!has[col]) {
			*p++ = ' ';
			continue;
		}
		lev = hi <= 0 || top[col] <= 0 ? 0 :
		    (unsigned)(top[col] / hi * (nlev - 1) + 0.5);
		if (lev >= nlev)
			lev = nlev - 1;
		if (ascii) {
			*p++ = levels[lev];
		} else {
			memcpy(p, blocks[lev], 3);
			p += 3;
		}
	}
	*p = '\0';
	free(top);
	free(has);
	return out;
}

struct trends *
trends_new(void)
{
	struct trends *ts = xcalloc(1, sizeof *ts);

	ts->series = map_new();
	return ts;
}

void
trends_free(struct trends *ts)
{
	if (ts == NULL)
		return;
	map_free(ts->series, free);
	free(ts);
}

/* The entry of key, created if create is set. */
static struct trend_entry *
trends_entry(struct trends *ts, const char *key, bool create)
{
	struct trend_entry *e = map_get(ts->series, key);

	if (e != NULL || !create)
		return e;
	e = xcalloc(1, sizeof *e);
	map_put(ts->series, key, e);
	ts->n++;
	return e;
}

const struct trend *
trends_get(const struct trends *ts, const char *key)
{
	struct trend_entry *e = trends_entry((struct trends *)(uintptr_t)ts, key, false);

	return e != NULL ? &e->t : NULL;
}

void
trends_put(struct trends *ts, const char *key, double v)
{
	struct trend_entry *e = trends_entry(ts, key, true);

	if (e->t.seen == ts->round && e->t.n > 0) {
		/* a second value in one round adds up (restarts of a deployment's pods) */
		e->t.v[(e->t.head + TREND_SAMPLES - 1) % TREND_SAMPLES] += v;
		return;
	}
	trend_push(&e->t, v);
	e->t.seen = ts->round;
}

unsigned long
trends_round(const struct trends *ts)
{
	return ts->round;
}

size_t
trends_count(const struct trends *ts)
{
	return ts->n;
}

/* Sampling state. */
struct trends_walk {
	struct trends	*ts;
	struct store	*store;
	double		 cluster_cpu;
	size_t		 firing;
};

/* "N%/M%" in an HPA's TARGETS cell ("cpu: 45%/60%", "<unknown>/60%"):
 * the first metric's current (-1 unknown) and target. 0, or -1 if none. */
static int
trends_hpa_targets(const char *s, double *cur, double *target)
{
	const char *slash = s != NULL ? strchr(s, '/') : NULL;
	const char *p;
	char *end;

	if (slash == NULL)
		return -1;
	*target = strtod(slash + 1, &end);
	if (end == slash + 1 || *end != '%')
		return -1;
	for (p = slash; p > s && (p[-1] == '%' || (p[-1] >= '0' && p[-1] <= '9')); p--)
		;
	*cur = p < slash && slash[-1] == '%' ? strtod(p, NULL) : -1;
	/* percentages, not whatever a hostile cell may spell */
	if (!(*target >= 0 && *target < 1e9) || !(*cur < 1e9))
		return -1;
	return 0;
}

/* An HPA row: replicas, current and target utilisation. */
static int
trends_hpa(size_t cluster, const struct row *r, void *arg)
{
	struct trends_walk *w = arg;
	char key[600];
	double cur, target;

	if (r->ncells > 5) {
		snprintf(key, sizeof key, "hpa-replicas/%zu/%s/%s", cluster, r->ns, r->name);
		trends_put(w->ts, key, (double)r->cells[5].n);
	}
	if (r->ncells > 2 && trends_hpa_targets(r->cells[2].text, &cur, &target) == 0) {
		snprintf(key, sizeof key, "hpa-target/%zu/%s/%s", cluster, r->ns, r->name);
		trends_put(w->ts, key, target);
		if (cur >= 0) {
			snprintf(key, sizeof key, "hpa-current/%zu/%s/%s", cluster, r->ns,
			    r->name);
			trends_put(w->ts, key, cur);
		}
	}
	return 0;
}

/* A deployment row: its restarts series starts at 0 this round. */
static int
trends_deployment(size_t cluster, const struct row *r, void *arg)
{
	struct trends_walk *w = arg;
	char key[600];

	snprintf(key, sizeof key, "restarts/%zu/%s/%s", cluster, r->ns, r->name);
	trends_put(w->ts, key, 0);
	return 0;
}

/* A pod row: its restarts count for the deployment that owns its
 * replica set (the replica set's owner, else its name less the hash). */
static int
trends_pod(size_t cluster, const struct row *r, void *arg)
{
	struct trends_walk *w = arg;
	struct trend_entry *e;
	const struct row *rs;
	const char *dash;
	char key[600];
	int n;

	if (r->ncells < 4 || r->cells[3].n <= 0 || r->owner_kind == NULL ||
	    strcmp(r->owner_kind, "ReplicaSet") != 0 || r->owner_name == NULL)
		return 0;
	/* the controller's uid is the replica set's key: no scan */
	rs = r->owner_uid != NULL ?
	    store_get_key(w->store, cluster, "replicasets", r->owner_uid) : NULL;
	if (rs != NULL && (strcmp(rs->ns, r->ns) != 0 || strcmp(rs->name, r->owner_name) != 0))
		rs = NULL;
	if (rs != NULL && rs->owner_name != NULL)
		n = snprintf(key, sizeof key, "restarts/%zu/%s/%s", cluster, r->ns,
		    rs->owner_name);
	else if ((dash = strrchr(r->owner_name, '-')) != NULL)
		n = snprintf(key, sizeof key, "restarts/%zu/%s/%.*s", cluster, r->ns,
		    (int)(dash - r->owner_name), r->owner_name);
	else
		return 0;
	/* only deployments seen this round (sampled first) collect restarts */
	e = n > 0 && (size_t)n < sizeof key ? trends_entry(w->ts, key, false) : NULL;
	if (e != NULL && e->t.seen == w->ts->round)
		trends_put(w->ts, key, (double)r->cells[3].n);
	return 0;
}

/* A node's usage row: its CPU, and the cluster's sum. */
static int
trends_node(size_t cluster, const struct row *r, void *arg)
{
	struct trends_walk *w = arg;
	char key[600];

	if (r->ncells < 2)
		return 0;
	snprintf(key, sizeof key, "node-cpu/%zu//%s", cluster, r->name);
	trends_put(w->ts, key, (double)r->cells[1].n);
	w->cluster_cpu += (double)r->cells[1].n;
	return 0;
}

/* An alert row: count it if it fires. */
static int
trends_alert(size_t cluster, const struct row *r, void *arg)
{
	struct trends_walk *w = arg;

	(void)cluster;
	if (r->flags & ROW_FIRING)
		w->firing++;
	return 0;
}

/* map_sweep: drop a series not seen for the whole window. */
static int
trends_expired(const char *key, void *val, void *arg)
{
	struct trend_entry *e = val;
	struct trends *ts = arg;

	(void)key;
	if (ts->round - e->t.seen <= TREND_SAMPLES)
		return 0;
	free(e);
	ts->n--;
	return 1;
}

void
trends_sample(struct trends *ts, struct store *st)
{
	const char *nodes = kind_store_name(kind_find("nodes.metrics.k8s.io"));
	struct trends_walk w = { .ts = ts, .store = st };
	size_t c;
	char key[64];

	ts->round++;
	for (c = 0; c < store_ncluster(st); c++) {
		store_foreach_any(st, c, "horizontalpodautoscalers", trends_hpa, &w);
		store_foreach_any(st, c, "deployments", trends_deployment, &w);
		store_foreach_any(st, c, "pods", trends_pod, &w);
		w.cluster_cpu = 0;
		w.firing = 0;
		if (store_count(st, c, nodes) > 0) {
			store_foreach_any(st, c, nodes, trends_node, &w);
			snprintf(key, sizeof key, "cluster-cpu/%zu", c);
			trends_put(ts, key, w.cluster_cpu);
		}
		if (store_synced(st, c, "alerts")) {
			store_foreach_any(st, c, "alerts", trends_alert, &w);
			snprintf(key, sizeof key, "alerts/%zu", c);
			trends_put(ts, key, (double)w.firing);
		}
	}
	/* what was not seen for the whole window is gone */
	map_sweep(ts->series, trends_expired, ts);
}
