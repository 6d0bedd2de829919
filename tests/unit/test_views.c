/* Views over a store filled from API objects: the overview's problem lines
 * (crash loop, firing alert by severity, backup RPO, cluster state) and the
 * resource view's columns (CLUSTER only with more than one cluster,
 * NAMESPACE only for all namespaces), without a terminal. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <jansson.h>

#include "opsdeck/cmd.h"
#include "opsdeck/keymap.h"
#include "opsdeck/loop.h"
#include "opsdeck/printers.h"
#include "opsdeck/sanitize.h"
#include "opsdeck/store.h"
#include "opsdeck/table.h"
#include "opsdeck/ui.h"
#include "opsdeck/xmalloc.h"

/* An RFC 3339 time `ago` seconds before now. */
static const char *
ago(int64_t seconds)
{
	static char buf[4][32];
	static int i;

	i = (i + 1) % 4;
	format_rfc3339((int64_t)time(NULL) - seconds, buf[i], sizeof buf[i]);
	return buf[i];
}

/* A pod, crash-looping or running. */
static json_t *
pod(const char *name, const char *uid, bool crashing)
{
	json_t *state = crashing ?
	    json_pack("{s:{s:s}}", "waiting", "reason", "CrashLoopBackOff") :
	    json_pack("{s:{s:s}}", "running", "startedAt", ago(300));

	return json_pack("{s:s,s:s,s:{s:s,s:s,s:s,s:s,s:{s:s}},s:{s:[{s:s,s:s}]},"
	    "s:{s:s,s:[{s:s,s:b,s:i,s:o}]}}",
	    "apiVersion", "v1", "kind", "Pod",
	    "metadata", "name", name, "namespace", "production", "uid", uid,
	    "creationTimestamp", ago(600), "labels", "app", "backend",
	    "spec", "containers", "name", "app", "image", "backend:v1",
	    "status", "phase", "Running", "containerStatuses", "name", "app",
	    "ready", !crashing, "restartCount", crashing ? 7 : 0, "state", state);
}

/* An Alertmanager alert. */
static json_t *
alert(const char *name, const char *severity, const char *fp)
{
	return json_pack("{s:{s:s,s:s},s:{s:s},s:s,s:s,s:{s:s}}",
	    "labels", "alertname", name, "severity", severity,
	    "annotations", "summary", "something is wrong",
	    "fingerprint", fp, "startsAt", ago(120),
	    "status", "state", "active");
}

/* A Velero backup that completed `age` seconds ago. */
static json_t *
backup(const char *name, const char *uid, int64_t age)
{
	return json_pack("{s:s,s:s,s:{s:s,s:s,s:s,s:s},s:{s:s,s:s,s:s}}",
	    "apiVersion", "velero.io/v1", "kind", "Backup",
	    "metadata", "name", name, "namespace", "velero", "uid", uid,
	    "creationTimestamp", ago(age),
	    "status", "phase", "Completed", "startTimestamp", ago(age),
	    "completionTimestamp", ago(age - 60));
}

/* HH:MM:SS of a unix time (TZ is UTC in these tests). */
static const char *
clock_of(int64_t when)
{
	static char buf[2][16];
	static int i;
	time_t t = (time_t)when;
	struct tm tm;

	i = (i + 1) % 2;
	gmtime_r(&t, &tm);
	strftime(buf[i], sizeof buf[i], "%H:%M:%S", &tm);
	return buf[i];
}

/* A core/v1 event about pod backend-1, last seen `age` seconds ago. */
static json_t *
event(const char *name, const char *type, const char *reason, int64_t age)
{
	return json_pack("{s:s,s:s,s:{s:s,s:s,s:s},s:{s:s,s:s,s:s},s:s,s:s,s:s,s:s,s:s,s:i}",
	    "apiVersion", "v1", "kind", "Event",
	    "metadata", "name", name, "namespace", "production", "uid", name,
	    "involvedObject", "kind", "Pod", "name", "backend-1", "namespace", "production",
	    "type", type, "reason", reason, "message", "something happened",
	    "firstTimestamp", ago(age + 600), "lastTimestamp", ago(age), "count", 1);
}

/* Put obj in the store and drop our reference. */
static void
put(struct store *st, size_t c, const char *resource, json_t *obj)
{
	store_upsert(st, c, resource, obj);
	json_decref(obj);
}

/* The rows of a table view as "col0|col1|..." lines. */
static char *
dump(struct table *t)
{
	size_t i, c, len = 1;
	char *s = xcalloc(1, 1), buf[256];
	const char *text;
	struct table_row *r;

	for (i = 0; i < table_count(t); i++) {
		r = table_row_at(t, i);
		for (c = 0; c < table_ncols(t); c++) {
			text = table_cell_text(r, c, buf, sizeof buf);
			len += strlen(text) + 1;
			s = xrealloc(s, len + 1);
			strcat(s, text);
			strcat(s, c + 1 < table_ncols(t) ? "|" : "\n");
		}
	}
	return s;
}

/* A console with no terminal over st. */
static struct ui *
fake_ui(struct store *st)
{
	static struct ui ui;

	memset(&ui, 0, sizeof ui);
	ui.store = st;
	ui.ellipsis = "~";
	ui.log_lines = 100;
	ui_current = &ui;
	return &ui;
}

static void
test_overview(void **state)
{
	struct store *st = store_new();
	size_t tokyo = store_add_cluster(st, "prod-tokyo");
	size_t osaka = store_add_cluster(st, "prod-osaka");
	struct ui *ui = fake_ui(st);
	struct view *v;
	char *cause = NULL, *s, want[256];

	free(store_cluster(st, tokyo)->role);
	store_cluster(st, tokyo)->role = xstrdup("primary");
	store_set_state(st, tokyo, CONN_LIVE, NULL);
	store_set_state(st, osaka, CONN_UNREACHABLE, "connection refused");
	put(st, tokyo, "pods", pod("backend-1", "u1", true));
	put(st, tokyo, "pods", pod("backend-2", "u2", false));
	put(st, tokyo, "alerts", alert("PodCrashLooping", "critical", "f1"));
	put(st, tokyo, "alerts", alert("HighLatency", "warning", "f2"));
	store_relist_begin(st, tokyo, "backups");
	put(st, tokyo, "backups", backup("daily-1", "b1", 3 * 3600));
	store_relist_end(st, tokyo, "backups");
	store_relist_begin(st, osaka, "backups");
	put(st, osaka, "backups", backup("daily-2", "b2", 600));
	store_relist_end(st, osaka, "backups");

	v = ui_push(ui, &view_overview_class, NULL, NULL, SIZE_MAX, &cause);
	assert_non_null(v);
	s = dump(v->table);
	/* the cluster line leads, with the role, state and counts */
	/* the pod, two alerts and the breached RPO: four problems */
	assert_non_null(strstr(s, "prod-tokyo|cluster||primary, live|4 problems; "
	    "alerts firing: 1 critical, 1 warning, 0 other; backup 3h ago\n"));
	assert_non_null(strstr(s, "prod-tokyo|alert||PodCrashLooping|critical firing: something is wrong\n"));
	assert_non_null(strstr(s, "prod-tokyo|pod|production|backend-1|CrashLoopBackOff (restarts 7)\n"));
	assert_null(strstr(s, "backend-2"));	/* healthy pods are not problems */
	/* backups: three hours old breaches the default one-hour RPO */
	assert_non_null(strstr(s, "prod-tokyo|backup||newest good backup|3h ago: RPO 60m breached\n"));
	/* NAME: the role and state word only; PROBLEM: since when and why */
	snprintf(want, sizeof want, "prod-osaka|cluster||unreachable|unreachable since %s: "
	    "0 problems; connection refused; backup 10m ago\n",
	    clock_of(store_cluster(st, osaka)->since));
	assert_non_null(strstr(s, want));
	/* a backup within its RPO is information, not a problem line */
	assert_null(strstr(s, "prod-osaka|backup"));
	/* order: a cluster's line comes before its problems */
	assert_true(strstr(s, "prod-tokyo|cluster") < strstr(s, "prod-tokyo|pod"));
	assert_true(strstr(s, "prod-tokyo|pod") < strstr(s, "prod-osaka|cluster"));
	free(s);

	/* a per-context RPO of 4h: no longer breached */
	store_cluster(st, tokyo)->rpo_seconds = 4 * 3600;
	put(st, tokyo, "pods", pod("backend-3", "u3", false));	/* a change: rebuild */
	v->cls->update(v, time(NULL));
	s = dump(v->table);
	assert_null(strstr(s, "prod-tokyo|backup"));
	assert_non_null(strstr(s, "prod-tokyo|cluster||primary, live|3 problems; "
	    "alerts firing: 1 critical, 1 warning, 0 other; backup 3h ago\n"));
	free(s);

	while (ui->view != NULL) {
		v = ui->view;
		ui->view = v->prev;
		view_free(v);
	}
	store_free(st);
	ui_current = NULL;
}

static void
test_resource_columns(void **state)
{
	struct store *st = store_new();
	size_t tokyo = store_add_cluster(st, "prod-tokyo");
	size_t osaka = store_add_cluster(st, "prod-osaka");
	struct ui *ui = fake_ui(st);
	struct view *v;
	char *cause = NULL;
	int w[32];
	size_t i;

	put(st, tokyo, "pods", pod("backend-1", "u1", false));
	put(st, osaka, "pods", pod("backend-9", "u9", false));
	v = ui_push(ui, &view_resource_class, "pods", NULL, SIZE_MAX, &cause);
	assert_non_null(v);
	assert_int_equal(table_count(v->table), 2);
	table_fit(v->table, 200, false, w);
	assert_string_equal(table_col_at(v->table, 0)->name, "CLUSTER");
	assert_true(w[0] > 0);		/* two clusters: CLUSTER shown */
	assert_true(w[1] > 0);		/* all namespaces: NAMESPACE shown */
	for (i = 2; i < table_ncols(v->table); i++) {
		if (strcmp(table_col_at(v->table, i)->name, "IP") == 0)
			assert_int_equal(w[i], -1);	/* wide only */
	}
	view_free(v);
	ui->view = NULL;

	/* one cluster (@prod-osaka) and one namespace: neither column */
	ui->ns = xstrdup("production");
	v = ui_push(ui, &view_resource_class, "pods", NULL, osaka, &cause);
	assert_non_null(v);
	assert_int_equal(table_count(v->table), 1);
	assert_string_equal(table_row_at(v->table, 0)->name, "backend-9");
	table_fit(v->table, 200, false, w);
	assert_int_equal(w[0], -1);
	assert_int_equal(w[1], -1);
	view_free(v);
	ui->view = NULL;
	free(ui->ns);
	ui->ns = NULL;
	store_free(st);
	ui_current = NULL;
}

/* A pod created `age` seconds ago, in status `waiting` (NULL: running but
 * not ready), with `restarts`. */
static json_t *
young_pod(const char *name, const char *uid, int64_t age, const char *waiting,
    int restarts)
{
	json_t *state = waiting != NULL ?
	    json_pack("{s:{s:s}}", "waiting", "reason", waiting) :
	    json_pack("{s:{s:s}}", "running", "startedAt", ago(age));

	return json_pack("{s:s,s:s,s:{s:s,s:s,s:s,s:s},s:{s:[{s:s,s:s}]},"
	    "s:{s:s,s:[{s:s,s:b,s:i,s:o}]}}",
	    "apiVersion", "v1", "kind", "Pod",
	    "metadata", "name", name, "namespace", "production", "uid", uid,
	    "creationTimestamp", ago(age),
	    "spec", "containers", "name", "app", "image", "backend:v1",
	    "status", "phase", waiting != NULL ? "Pending" : "Running",
	    "containerStatuses", "name", "app", "ready", false, "restartCount", restarts,
	    "state", state);
}

/* An HPA whose target has `replicas`, with ScalingActive false for reason. */
static json_t *
hpa(const char *name, const char *uid, int replicas, const char *reason)
{
	return json_pack("{s:s,s:s,s:{s:s,s:s,s:s,s:s},"
	    "s:{s:{s:s,s:s,s:s},s:i,s:i},"
	    "s:{s:i,s:i,s:[{s:s,s:s,s:s}]}}",
	    "apiVersion", "autoscaling/v2", "kind", "HorizontalPodAutoscaler",
	    "metadata", "name", name, "namespace", "production", "uid", uid,
	    "creationTimestamp", ago(3600),
	    "spec", "scaleTargetRef", "apiVersion", "apps/v1", "kind", "Deployment",
	    "name", name, "minReplicas", 2, "maxReplicas", 10,
	    "status", "currentReplicas", replicas, "desiredReplicas", replicas,
	    "conditions", "type", "ScalingActive", "status", "False", "reason", reason);
}

/* A Velero backup that failed `age` seconds ago. */
static json_t *
failed_backup(const char *name, const char *uid, int64_t age)
{
	return json_pack("{s:s,s:s,s:{s:s,s:s,s:s,s:s},s:{s:s,s:s}}",
	    "apiVersion", "velero.io/v1", "kind", "Backup",
	    "metadata", "name", name, "namespace", "velero", "uid", uid,
	    "creationTimestamp", ago(age),
	    "status", "phase", "Failed", "startTimestamp", ago(age));
}

/* A Velero schedule. */
static json_t *
schedule(const char *name, const char *uid)
{
	return json_pack("{s:s,s:s,s:{s:s,s:s,s:s,s:s},s:{s:s}}",
	    "apiVersion", "velero.io/v1", "kind", "Schedule",
	    "metadata", "name", name, "namespace", "velero", "uid", uid,
	    "creationTimestamp", ago(86400),
	    "spec", "schedule", "0 * * * *");
}

/* Free the view stack and the store. */
static void
views_done(struct ui *ui, struct store *st)
{
	struct view *v;

	while (ui->view != NULL) {
		v = ui->view;
		ui->view = v->prev;
		view_free(v);
	}
	store_free(st);
	ui_current = NULL;
}

/* Lines of s starting with prefix. */
static size_t
count_lines(const char *s, const char *prefix)
{
	size_t n = 0;
	const char *p = s;

	while (*p != '\0') {
		if (strncmp(p, prefix, strlen(prefix)) == 0)
			n++;
		p = strchr(p, '\n');
		if (p == NULL)
			break;
		p++;
	}
	return n;
}

/* A cluster that is not live says since when and how old its rows are, and
 * marks its problems as possibly stale. */
static void
test_overview_stale(void **state)
{
	struct store *st = store_new();
	size_t tokyo = store_add_cluster(st, "prod-tokyo");
	size_t osaka = store_add_cluster(st, "prod-osaka");
	struct ui *ui = fake_ui(st);
	struct store_cluster *sc = store_cluster(st, tokyo);
	struct view *v;
	char *cause = NULL, *s, want[256], ok[16];

	store_set_state(st, tokyo, CONN_LIVE, NULL);
	store_set_state(st, osaka, CONN_LIVE, NULL);
	put(st, tokyo, "pods", pod("backend-1", "u1", true));
	put(st, osaka, "pods", pod("backend-9", "u9", true));
	store_set_state(st, tokyo, CONN_UNREACHABLE, "connection refused (data from x)");
	sc->last_ok -= 125;	/* the rows are two minutes old */
	sc->since -= 60;
	v = ui_push(ui, &view_overview_class, NULL, NULL, SIZE_MAX, &cause);
	assert_non_null(v);
	s = dump(v->table);
	snprintf(ok, sizeof ok, "%s", clock_of(sc->last_ok));
	snprintf(want, sizeof want, "prod-tokyo|cluster||unreachable|unreachable since %s, "
	    "data below from %s: 1 problem; connection refused (data from x)\n",
	    clock_of(sc->since), ok);
	assert_non_null(strstr(s, want));
	assert_non_null(strstr(s, "prod-tokyo|pod|production|backend-1|"
	    "CrashLoopBackOff (restarts 7) (stale)\n"));
	/* the live cluster's problems are not marked */
	assert_non_null(strstr(s, "prod-osaka|pod|production|backend-9|"
	    "CrashLoopBackOff (restarts 7)\n"));
	assert_non_null(strstr(s, "prod-osaka|cluster||live|1 problem;"));
	free(s);
	views_done(ui, st);
}

/* Starting pods, pilot-light HPAs and backups within the RPO are not
 * problems; the cluster's count matches the problem lines. */
static void
test_overview_noise(void **state)
{
	struct store *st = store_new();
	size_t tokyo = store_add_cluster(st, "prod-tokyo");
	size_t osaka = store_add_cluster(st, "prod-osaka");
	size_t staging = store_add_cluster(st, "staging");
	struct ui *ui = fake_ui(st);
	struct view *v;
	char *cause = NULL, *s;

	store_set_state(st, tokyo, CONN_LIVE, NULL);
	store_set_state(st, osaka, CONN_LIVE, NULL);
	store_set_state(st, staging, CONN_LIVE, NULL);
	/* tokyo: starting pods (not problems), an old not-ready pod, a young
	 * one that restarted and one crash looping at once (problems) */
	put(st, tokyo, "pods", young_pod("start-1", "p1", 3, "ContainerCreating", 0));
	put(st, tokyo, "pods", young_pod("start-2", "p2", 3, NULL, 0));
	put(st, tokyo, "pods", young_pod("old-1", "p3", 120, NULL, 0));
	put(st, tokyo, "pods", young_pod("restarted-1", "p4", 5, NULL, 2));
	put(st, tokyo, "pods", young_pod("crash-1", "p5", 2, "CrashLoopBackOff", 1));
	/* a backup 22 minutes old: within the RPO */
	store_relist_begin(st, tokyo, "backups");
	put(st, tokyo, "backups", backup("daily-1", "b1", 22 * 60));
	store_relist_end(st, tokyo, "backups");
	/* osaka: pilot-light HPA (target at 0) is fine, a stuck one is not;
	 * the newest backup failed */
	put(st, osaka, "horizontalpodautoscalers", hpa("backend", "h1", 0, "ScalingDisabled"));
	put(st, osaka, "horizontalpodautoscalers", hpa("frontend", "h2", 3, "FailedGetResourceMetric"));
	store_relist_begin(st, osaka, "backups");
	put(st, osaka, "backups", backup("daily-old", "b2", 7200));
	put(st, osaka, "backups", failed_backup("daily-new", "b3", 600));
	store_relist_end(st, osaka, "backups");
	/* staging: no backups and no schedule */
	store_relist_begin(st, staging, "backups");
	store_relist_end(st, staging, "backups");

	v = ui_push(ui, &view_overview_class, NULL, NULL, SIZE_MAX, &cause);
	assert_non_null(v);
	s = dump(v->table);
	assert_null(strstr(s, "start-1"));
	assert_null(strstr(s, "start-2"));
	assert_non_null(strstr(s, "prod-tokyo|pod|production|old-1|not ready 0/1"));
	assert_non_null(strstr(s, "prod-tokyo|pod|production|restarted-1|not ready 0/1"));
	assert_non_null(strstr(s, "prod-tokyo|pod|production|crash-1|CrashLoopBackOff"));
	assert_null(strstr(s, "prod-tokyo|backup"));
	assert_non_null(strstr(s, "prod-tokyo|cluster||live|3 problems; alerts firing: "
	    "0 critical, 0 warning, 0 other; backup 22m ago\n"));
	assert_int_equal(count_lines(s, "prod-tokyo|") - 1, 3);

	assert_null(strstr(s, "|backend|ScalingDisabled"));
	assert_non_null(strstr(s, "prod-osaka|hpa|production|frontend|FailedGetResourceMetric\n"));
	assert_non_null(strstr(s, "prod-osaka|backup||newest good backup|daily-new failed; "
	    "newest good 120m ago: RPO 60m breached\n"));
	assert_non_null(strstr(s, "prod-osaka|cluster||live|2 problems;"));
	assert_int_equal(count_lines(s, "prod-osaka|") - 1, 2);

	/* nothing scheduled, nothing expected */
	assert_non_null(strstr(s, "staging|cluster||live|all good\n"));
	assert_int_equal(count_lines(s, "staging|"), 1);
	free(s);

	/* a schedule on staging with no backup yet: that is a problem */
	put(st, staging, "schedules", schedule("daily", "s1"));
	v->cls->update(v, time(NULL));
	s = dump(v->table);
	assert_non_null(strstr(s, "staging|backup||newest good backup|none completed (RPO 60m)\n"));
	assert_non_null(strstr(s, "staging|cluster||live|1 problem;"));
	free(s);
	views_done(ui, st);
}

/* Enter on the backup line selects the newest good backup; on a cluster or
 * backup line the target is the cluster's one Velero schedule, and `b` with
 * several schedules opens them to choose from. */
static void
test_overview_backup_keys(void **state)
{
	struct store *st = store_new();
	size_t tokyo = store_add_cluster(st, "prod-tokyo");
	size_t osaka = store_add_cluster(st, "prod-osaka");
	struct ui *ui = fake_ui(st);
	struct view *v;
	struct cmd_target *t = NULL;
	char *cause = NULL;
	size_t n;

	keymap_init();
	store_set_state(st, tokyo, CONN_LIVE, NULL);
	store_set_state(st, osaka, CONN_LIVE, NULL);
	put(st, tokyo, "schedules", schedule("daily-production", "s1"));
	put(st, osaka, "schedules", schedule("daily-a", "s2"));
	put(st, osaka, "schedules", schedule("daily-b", "s3"));
	/* oldest first in the backups view; the newest one failed */
	store_relist_begin(st, tokyo, "backups");
	put(st, tokyo, "backups", backup("daily-1", "b1", 4 * 3600));
	put(st, tokyo, "backups", backup("daily-2", "b2", 3 * 3600));
	put(st, tokyo, "backups", backup("daily-3", "b3", 2 * 3600));
	put(st, tokyo, "backups", failed_backup("daily-4", "b4", 600));
	store_relist_end(st, tokyo, "backups");

	v = ui_push(ui, &view_overview_class, NULL, NULL, SIZE_MAX, &cause);
	assert_non_null(v);
	v->cls->update(v, time(NULL));

	/* the cluster line and the backup line target the one schedule */
	assert_true(table_select_key(v->table, "0/cluster"));
	n = v->cls->targets(v, &t);
	assert_int_equal(n, 1);
	assert_string_equal(t[0].resource, "schedules");
	assert_string_equal(t[0].name, "daily-production");
	assert_string_equal(t[0].ns, "velero");
	assert_int_equal(t[0].cluster, tokyo);
	free(t);
	assert_true(table_select_key(v->table, "0/backup-rpo"));
	n = v->cls->targets(v, &t);
	assert_int_equal(n, 1);
	assert_string_equal(t[0].name, "daily-production");
	free(t);
	/* a key bound to something else is the key table's */
	assert_int_equal(v->cls->key(v, 'j'), VIEW_UNHANDLED);
	assert_int_equal(v->cls->key(v, 'b'), VIEW_UNHANDLED);

	/* Enter on the backup line: the backups view at the newest good one */
	assert_int_equal(v->cls->enter(v, &cause), 0);
	assert_ptr_not_equal(ui->view, v);
	assert_string_equal(ui->view->resource, "backups");
	ui->view->cls->update(ui->view, time(NULL));
	assert_non_null(table_selected(ui->view->table));
	assert_string_equal(table_selected(ui->view->table)->name, "daily-3");
	v = ui->view;
	ui->view = v->prev;
	view_free(v);
	v = ui->view;

	/* two schedules on osaka: b opens them and asks to choose */
	assert_true(table_select_key(v->table, "1/cluster"));
	n = v->cls->targets(v, &t);
	assert_int_equal(n, 1);
	assert_string_equal(t[0].resource, "contexts");
	free(t);
	assert_int_equal(v->cls->key(v, 'b'), VIEW_HANDLED);
	assert_string_equal(ui->view->resource, "schedules");
	assert_int_equal(ui->view->cluster, osaka);
	assert_non_null(strstr(ui->status, "choose a schedule"));

	views_done(ui, st);
	free(ui->status);
	keymap_free();
}

/* A deployment created `age` seconds ago with `ready` of 2 replicas. */
static json_t *
deployment(const char *name, const char *uid, int64_t age, int ready)
{
	return json_pack("{s:s,s:s,s:{s:s,s:s,s:s,s:s},"
	    "s:{s:i,s:{s:{s:s}},s:{s:{s:[{s:s,s:s}]}}},"
	    "s:{s:i,s:i,s:i,s:i}}",
	    "apiVersion", "apps/v1", "kind", "Deployment",
	    "metadata", "name", name, "namespace", "production", "uid", uid,
	    "creationTimestamp", ago(age),
	    "spec", "replicas", 2, "selector", "matchLabels", "app", name,
	    "template", "spec", "containers", "name", "app", "image", "app:v1",
	    "status", "replicas", 2, "updatedReplicas", 2, "readyReplicas", ready,
	    "availableReplicas", ready);
}

/* p with the label app=app. */
static json_t *
labelled(json_t *p, const char *app)
{
	json_object_set_new(json_object_get(p, "metadata"), "labels",
	    json_pack("{s:s}", "app", app));
	return p;
}

/* A workload created moments ago, or short only of pods that are starting,
 * is starting, not degraded; an old one
 * that is not ready is a problem. */
static void
test_overview_starting_workloads(void **state)
{
	struct store *st = store_new();
	size_t tokyo = store_add_cluster(st, "prod-tokyo");
	struct ui *ui = fake_ui(st);
	struct view *v;
	char *cause = NULL, *s;

	store_set_state(st, tokyo, CONN_LIVE, NULL);
	put(st, tokyo, "deployments", deployment("fresh", "d1", 2, 0));
	put(st, tokyo, "deployments", deployment("old", "d2", 600, 1));
	/* short only of pods that are starting: not a problem */
	put(st, tokyo, "deployments", deployment("web", "d3", 600, 0));
	put(st, tokyo, "pods", labelled(young_pod("web-1", "p1", 3, "ContainerCreating", 0),
	    "web"));
	put(st, tokyo, "pods", labelled(young_pod("web-2", "p2", 3, NULL, 0), "web"));
	/* between two pods of an ordered rollout: the young pod is ready */
	put(st, tokyo, "deployments", deployment("ordered", "d5", 600, 1));
	put(st, tokyo, "pods", labelled(pod("ordered-0", "p5", false), "ordered"));
	json_t *p6 = labelled(young_pod("ordered-1", "p6", 5, NULL, 0), "ordered");
	json_object_set_new(json_array_get(json_object_get(json_object_get(p6, "status"),
	    "containerStatuses"), 0), "ready", json_true());
	put(st, tokyo, "pods", p6);
	/* one starting, one not ready for minutes: both shown */
	put(st, tokyo, "deployments", deployment("mixed", "d4", 600, 0));
	put(st, tokyo, "pods", labelled(young_pod("mixed-1", "p3", 3, NULL, 0), "mixed"));
	put(st, tokyo, "pods", labelled(young_pod("mixed-2", "p4", 300, NULL, 0), "mixed"));
	v = ui_push(ui, &view_overview_class, NULL, NULL, SIZE_MAX, &cause);
	assert_non_null(v);
	s = dump(v->table);
	assert_null(strstr(s, "|fresh|"));
	assert_non_null(strstr(s, "prod-tokyo|deployment|production|old|"));
	assert_null(strstr(s, "|web"));
	assert_null(strstr(s, "|ordered"));
	assert_non_null(strstr(s, "prod-tokyo|deployment|production|mixed|"));
	assert_non_null(strstr(s, "prod-tokyo|pod|production|mixed-2|"));
	assert_null(strstr(s, "|mixed-1|"));
	assert_non_null(strstr(s, "|live|3 problems;"));
	free(s);
	views_done(ui, st);
}

/* The events view: warnings first, then newest first by last seen. */
static void
test_events_order(void **state)
{
	struct store *st = store_new();
	size_t tokyo = store_add_cluster(st, "prod-tokyo");
	struct ui *ui = fake_ui(st);
	struct view *v;
	char *cause = NULL, order[128];
	size_t i;

	/* stored in an order that is neither by age nor by name */
	put(st, tokyo, "events", event("e-74", "Normal", "Pulled", 74));
	put(st, tokyo, "events", event("e-232", "Normal", "Created", 232));
	put(st, tokyo, "events", event("e-91", "Normal", "Started", 91));
	put(st, tokyo, "events", event("e-300w", "Warning", "BackOff", 300));
	put(st, tokyo, "events", event("e-213", "Normal", "Scheduled", 213));
	put(st, tokyo, "events", event("e-10w", "Warning", "Unhealthy", 10));
	v = ui_push(ui, &view_resource_class, "events", NULL, SIZE_MAX, &cause);
	assert_non_null(v);
	assert_int_equal(table_count(v->table), 6);
	order[0] = '\0';
	for (i = 0; i < table_count(v->table); i++) {
		strcat(order, table_row_at(v->table, i)->name);
		strcat(order, " ");
	}
	/* warnings first, then newest first by LAST SEEN */
	assert_string_equal(order, "e-10w e-300w e-74 e-91 e-213 e-232 ");
	view_free(v);
	ui->view = NULL;
	store_free(st);
	ui_current = NULL;
}

/* A resource view's rows read the store's rows, not copies of them, and
 * keep reading a row the store replaced or removed until they are rebuilt. */
static void
test_rows_from_store(void **state)
{
	struct store *st = store_new();
	size_t tokyo = store_add_cluster(st, "prod-tokyo");
	struct ui *ui = fake_ui(st);
	const struct row *sr;
	struct table_row *tr;
	struct view *v;
	json_t *gone;
	char *cause = NULL, *s, buf[256];
	double until;

	put(st, tokyo, "pods", pod("backend-1", "u1", false));
	put(st, tokyo, "pods", pod("backend-2", "u2", false));
	v = ui_push(ui, &view_resource_class, "pods", NULL, SIZE_MAX, &cause);
	assert_non_null(v);
	assert_int_equal(table_count(v->table), 2);
	tr = table_row_at(v->table, 0);
	sr = store_get(st, tokyo, "pods", "production", "backend-1");
	assert_non_null(sr);
	/* one copy: the row's strings are the store's */
	assert_ptr_equal(tr->name, sr->name);
	assert_ptr_equal(tr->labels, sr->labels);
	assert_ptr_equal(table_cell_text(tr, 1, buf, sizeof buf), sr->ns);
	assert_ptr_equal(table_cell_text(tr, 4, buf, sizeof buf), sr->cells[2].text);
	assert_string_equal(table_cell_text(tr, 4, buf, sizeof buf), "Running");
	/* the store replaces one row and drops the other: the table still
	 * shows what it was built from (valgrind/ASan: nothing freed under it) */
	put(st, tokyo, "pods", pod("backend-1", "u1", true));
	gone = json_pack("{s:{s:s,s:s,s:s}}", "metadata", "name", "backend-2",
	    "namespace", "production", "uid", "u2");
	store_remove(st, tokyo, "pods", gone);
	json_decref(gone);
	s = dump(v->table);
	assert_non_null(strstr(s, "backend-1|1/1|Running|0|"));
	assert_non_null(strstr(s, "backend-2|1/1|Running|0|"));
	free(s);
	/* rebuilt (once the view's rebuild throttle lets it): the new row,
	 * and the removed one gone */
	until = loop_now() + 10;
	do
		v->cls->update(v, time(NULL));
	while (table_count(v->table) != 1 && loop_now() < until);
	assert_int_equal(table_count(v->table), 1);
	s = dump(v->table);
	assert_non_null(strstr(s, "backend-1|0/1|CrashLoopBackOff|7|"));
	free(s);
	view_free(v);
	ui->view = NULL;
	store_free(st);
	ui_current = NULL;
}

/* A PodMetrics object: pod name in production using cpu and memory, as
 * polled `ago` seconds ago (metrics-server stamps its creationTimestamp
 * and timestamp with the time of the answer). */
static json_t *
pod_usage(const char *name, const char *cpu, const char *memory, int64_t polled)
{
	return json_pack("{s:s,s:s,s:{s:s,s:s,s:s},s:s,s:s,s:[{s:s,s:{s:s,s:s}}]}",
	    "apiVersion", "metrics.k8s.io/v1beta1", "kind", "PodMetrics",
	    "metadata", "name", name, "namespace", "production",
	    "creationTimestamp", ago(polled), "timestamp", ago(polled), "window", "30s",
	    "containers", "name", "app", "usage", "cpu", cpu, "memory", memory);
}

/* The pods view's row of pod name, or NULL. */
static struct table_row *
row_named(struct table *t, const char *name)
{
	size_t i;

	for (i = 0; i < table_count(t); i++) {
		if (strcmp(table_row_at(t, i)->name, name) == 0)
			return table_row_at(t, i);
	}
	return NULL;
}

/* Rows that change with the clock are built again as it moves: a backup
 * within its RPO breaches it a quarter of an hour later, with no store
 * change. A pods view's rows change only with the store: an hour later
 * with none, its rows are the ones built (ages are formatted as drawn). */
static void
test_timed_rebuild(void **state)
{
	struct store *st = store_new();
	size_t tokyo = store_add_cluster(st, "prod-tokyo");
	struct ui *ui = fake_ui(st);
	struct view *v;
	static int untouched;
	char *cause = NULL;
	int64_t now = time(NULL);
	size_t i;

	store_set_state(st, tokyo, CONN_LIVE, NULL);
	put(st, tokyo, "backups", backup("daily-1", "b1", 50 * 60));
	put(st, tokyo, "pods", pod("backend-1", "u1", false));
	put(st, tokyo, "pods", pod("backend-2", "u2", false));

	v = ui_push(ui, &view_resource_class, "backups", NULL, SIZE_MAX, &cause);
	assert_non_null(v);
	assert_int_equal(table_count(v->table), 1);
	assert_false(table_row_at(v->table, 0)->flags & ROW_BAD);
	/* (rebuilds are spaced by four times what they cost: let one pass) */
	for (i = 0; i < 50 && !(table_row_at(v->table, 0)->flags & ROW_BAD); i++) {
		usleep(20000);
		v->cls->update(v, now + 15 * 60);
	}
	assert_true(table_row_at(v->table, 0)->flags & ROW_BAD);
	view_free(v);

	v = ui_push(ui, &view_resource_class, "pods", NULL, SIZE_MAX, &cause);
	assert_non_null(v);
	for (i = 0; i < table_count(v->table); i++)
		table_row_at(v->table, i)->data = &untouched;
	for (i = 0; i < 5; i++) {
		usleep(20000);
		v->cls->update(v, now + 3600);
	}
	assert_int_equal(table_count(v->table), 2);
	for (i = 0; i < table_count(v->table); i++)
		assert_ptr_equal(table_row_at(v->table, i)->data, &untouched);
	view_free(v);
	ui->view = NULL;
	store_free(st);
	ui_current = NULL;
	(void)state;
}

/* A metrics poll: the same usage again is no change to the store; new
 * usage of one pod updates that row's usage cells in place, at once (not
 * after a rebuild throttle), and leaves the other rows as they were built. */
static void
test_usage_incremental(void **state)
{
	struct store *st = store_new();
	size_t tokyo = store_add_cluster(st, "prod-tokyo");
	struct ui *ui = fake_ui(st);
	struct table_row *tr;
	struct view *v;
	char *cause = NULL, buf[256];
	static int untouched;
	size_t cpu = SIZE_MAX, i;
	uint64_t ver;

	put(st, tokyo, "pods", pod("backend-1", "u1", false));
	put(st, tokyo, "pods", pod("backend-2", "u2", false));
	put(st, tokyo, "pods", pod("backend-3", "u3", false));
	store_set_kind_state(st, tokyo, "pods.metrics.k8s.io", CONN_LIVE, NULL);
	store_relist_begin(st, tokyo, "pods.metrics.k8s.io");
	put(st, tokyo, "pods.metrics.k8s.io", pod_usage("backend-1", "100m", "64Mi", 30));
	put(st, tokyo, "pods.metrics.k8s.io", pod_usage("backend-2", "200m", "64Mi", 30));
	put(st, tokyo, "pods.metrics.k8s.io", pod_usage("backend-3", "300m", "64Mi", 30));
	store_relist_end(st, tokyo, "pods.metrics.k8s.io");
	v = ui_push(ui, &view_resource_class, "pods", NULL, SIZE_MAX, &cause);
	assert_non_null(v);
	for (i = 0; i < table_ncols(v->table); i++) {
		if (strcmp(table_col_at(v->table, i)->name, "CPU(cores)") == 0)
			cpu = i;
	}
	assert_int_not_equal(cpu, SIZE_MAX);
	assert_string_equal(table_cell_text(row_named(v->table, "backend-2"), cpu, buf,
	    sizeof buf), "200m");
	/* rows built once: a mark a rebuild would not carry over */
	for (i = 0; i < table_count(v->table); i++)
		table_row_at(v->table, i)->data = &untouched;

	/* the same usage polled again: nothing changed */
	ver = store_version(st, "pods.metrics.k8s.io");
	store_relist_begin(st, tokyo, "pods.metrics.k8s.io");
	put(st, tokyo, "pods.metrics.k8s.io", pod_usage("backend-1", "100m", "64Mi", 20));
	put(st, tokyo, "pods.metrics.k8s.io", pod_usage("backend-2", "200m", "64Mi", 20));
	put(st, tokyo, "pods.metrics.k8s.io", pod_usage("backend-3", "300m", "64Mi", 20));
	store_relist_end(st, tokyo, "pods.metrics.k8s.io");
	assert_int_equal(store_version(st, "pods.metrics.k8s.io"), ver);
	assert_non_null(store_get_key(st, tokyo, "pods.metrics.k8s.io", "production/backend-3"));

	/* backend-2 uses more: one update applies it */
	store_relist_begin(st, tokyo, "pods.metrics.k8s.io");
	put(st, tokyo, "pods.metrics.k8s.io", pod_usage("backend-1", "100m", "64Mi", 10));
	put(st, tokyo, "pods.metrics.k8s.io", pod_usage("backend-2", "750m", "128Mi", 10));
	put(st, tokyo, "pods.metrics.k8s.io", pod_usage("backend-3", "300m", "64Mi", 10));
	store_relist_end(st, tokyo, "pods.metrics.k8s.io");
	assert_int_not_equal(store_version(st, "pods.metrics.k8s.io"), ver);
	v->cls->update(v, time(NULL));
	assert_int_equal(table_count(v->table), 3);
	tr = row_named(v->table, "backend-2");
	assert_non_null(tr);
	assert_string_equal(table_cell_text(tr, cpu, buf, sizeof buf), "750m");
	assert_int_equal(table_cell_num(tr, cpu), 750);
	assert_string_equal(table_cell_text(tr, cpu + 1, buf, sizeof buf), "128Mi");
	assert_ptr_not_equal(tr->data, &untouched);	/* its row was replaced */
	/* the others: the rows built first, their usage as it was */
	tr = row_named(v->table, "backend-1");
	assert_ptr_equal(tr->data, &untouched);
	assert_string_equal(table_cell_text(tr, cpu, buf, sizeof buf), "100m");
	tr = row_named(v->table, "backend-3");
	assert_ptr_equal(tr->data, &untouched);
	assert_string_equal(table_cell_text(tr, cpu, buf, sizeof buf), "300m");

	/* usage of a pod the store has not (yet) got beside backend-3's:
	 * backend-3's row is placed, the others stay as built (no rebuild) */
	put(st, tokyo, "pods.metrics.k8s.io", pod_usage("ghost-1", "900m", "1Gi", 5));
	put(st, tokyo, "pods.metrics.k8s.io", pod_usage("backend-3", "333m", "64Mi", 5));
	v->cls->update(v, time(NULL));
	assert_int_equal(table_count(v->table), 3);
	assert_null(row_named(v->table, "ghost-1"));
	tr = row_named(v->table, "backend-3");
	assert_int_equal(table_cell_num(tr, cpu), 333);
	assert_ptr_not_equal(tr->data, &untouched);
	assert_ptr_equal(row_named(v->table, "backend-1")->data, &untouched);
	view_free(v);
	ui->view = NULL;
	store_free(st);
	ui_current = NULL;
}

/* The CPU column of view v. */
static size_t
cpu_col(struct view *v)
{
	size_t i;

	for (i = 0; i < table_ncols(v->table); i++) {
		if (strcmp(table_col_at(v->table, i)->name, "CPU(cores)") == 0)
			return i;
	}
	fail_msg("no CPU(cores) column");
	return SIZE_MAX;
}

/* Pod n of the churn test, restarted `restarts` times. */
static json_t *
churn_pod(unsigned n, int restarts)
{
	char name[32], uid[32];
	json_t *p;

	snprintf(name, sizeof name, "churn-%04u", n);
	snprintf(uid, sizeof uid, "c%u", n);
	p = pod(name, uid, false);
	json_object_set_new(json_array_get(json_object_get(json_object_get(p, "status"),
	    "containerStatuses"), 0), "restartCount", json_integer(restarts));
	return p;
}

/* A pods view over n churn pods (k restarted k % 7 times) on one live
 * cluster of a new store. */
static struct view *
churn_view(struct store **st, unsigned n)
{
	struct ui *ui;
	struct view *v;
	char *cause = NULL;
	size_t tokyo;
	unsigned k;

	*st = store_new();
	tokyo = store_add_cluster(*st, "prod-tokyo");
	ui = fake_ui(*st);
	store_set_state(*st, tokyo, CONN_LIVE, NULL);
	for (k = 0; k < n; k++)
		put(*st, tokyo, "pods", churn_pod(k, (int)(k % 7)));
	v = ui_push(ui, &view_resource_class, "pods", NULL, SIZE_MAX, &cause);
	assert_non_null(v);
	assert_int_equal(table_count(v->table), n);
	return v;
}

/* v's rows are those of a pods view built afresh (sorted by sort, if
 * not NULL), and its columns as wide: the rows' text (new string). */
static char *
assert_as_fresh(struct view *v, const char *sort)
{
	struct view *fresh, *top = v->ui->view;
	char *cause = NULL, *a, *b;
	int wv[64], wf[64];

	fresh = ui_push(v->ui, &view_resource_class, "pods", NULL, SIZE_MAX, &cause);
	assert_non_null(fresh);
	if (sort != NULL)
		assert_int_equal(table_sort_by(fresh->table, sort, &cause), 0);
	assert_int_equal(table_count(fresh->table), table_count(v->table));
	a = dump(v->table);
	b = dump(fresh->table);
	assert_string_equal(a, b);
	free(b);
	assert_int_equal(table_ncols(v->table), table_ncols(fresh->table));
	table_fit(v->table, 1000, true, wv);
	table_fit(fresh->table, 1000, true, wf);
	assert_memory_equal(wv, wf, table_ncols(v->table) * sizeof *wv);
	view_free(fresh);
	v->ui->view = top;	/* popped */
	return a;
}

/* Free churn_view's view and store. */
static void
churn_view_free(struct view *v, struct store *st)
{
	v->ui->view = NULL;
	view_free(v);
	store_free(st);
	ui_current = NULL;
}

/* The view's rows are where a full sort of the same rows puts them: sorting
 * them again (twice, to keep the direction) changes nothing. */
static void
assert_sorted(struct table *t)
{
	char *before = dump(t), *after, *cause = NULL;

	assert_int_equal(table_sort_by(t, "RESTARTS", &cause), 0);
	assert_int_equal(table_sort_by(t, "RESTARTS", &cause), 0);
	after = dump(t);
	assert_string_equal(before, after);
	free(before);
	free(after);
}

/* A first poll of many pods (3,000: more than a slice of changes, and of
 * rows): the usage is set in the rows where they are, a slice of rows per
 * update, and no row is rebuilt; a pod that changes meanwhile is placed,
 * and every row ends with its usage, as a view built afresh shows it. */
static void
test_usage_in_place(void **state)
{
	struct store *st;
	struct view *v = churn_view(&st, 3000);
	size_t tokyo = 0, i, cpu = cpu_col(v), with = 0;
	struct table_row *tr;
	static int untouched;
	char name[32], cpu_s[16], buf[256];
	unsigned k;
	int turns;

	for (i = 0; i < table_count(v->table); i++) {
		tr = table_row_at(v->table, i);
		/* the first answer awaited: empty, not "n/a" */
		assert_string_equal(table_cell_text(tr, cpu, buf, sizeof buf), "");
		tr->data = &untouched;
	}

	store_set_kind_state(st, tokyo, "pods.metrics.k8s.io", CONN_LIVE, NULL);
	store_relist_begin(st, tokyo, "pods.metrics.k8s.io");
	for (k = 0; k < 3000; k++) {
		snprintf(name, sizeof name, "churn-%04u", k);
		snprintf(cpu_s, sizeof cpu_s, "%um", k % 900 + 1);
		/* one pod's memory wider than the column: it widens */
		put(st, tokyo, "pods.metrics.k8s.io", pod_usage(name, cpu_s,
		    k == 2345 ? "987654321098765Mi" : "64Mi", 5));
	}
	store_relist_end(st, tokyo, "pods.metrics.k8s.io");

	/* one update: some rows have their usage, not all, none rebuilt */
	v->cls->update(v, time(NULL));
	for (i = 0; i < table_count(v->table); i++) {
		tr = table_row_at(v->table, i);
		assert_ptr_equal(tr->data, &untouched);
		if (*table_cell_text(tr, cpu, buf, sizeof buf) != '\0')
			with++;
	}
	assert_true(with > 0);
	assert_true(with < 3000);
	/* a pod restarts meanwhile: its row is placed anew */
	put(st, tokyo, "pods", churn_pod(7, 3));
	for (turns = 0; turns < 10; turns++)
		v->cls->update(v, time(NULL));
	assert_int_equal(table_count(v->table), 3000);
	for (i = 0; i < table_count(v->table); i++) {
		tr = table_row_at(v->table, i);
		assert_int_equal(sscanf(tr->name, "churn-%u", &k), 1);
		if (table_cell_num(tr, cpu) != (int64_t)(k % 900 + 1))
			fail_msg("%s: CPU %s", tr->name, table_cell_text(tr, cpu, buf, sizeof buf));
		if (k == 7)
			assert_ptr_not_equal(tr->data, &untouched);
		else
			assert_ptr_equal(tr->data, &untouched);
	}
	free(assert_as_fresh(v, NULL));
	churn_view_free(v, st);
	(void)state;
}

/* Cluster c's poll of n pods' usage: pod k uses k % mod + add millicores. */
static void
poll_usage(struct store *st, size_t c, unsigned n, unsigned mod, unsigned add)
{
	char name[32], cpu_s[16];
	unsigned k;

	store_set_kind_state(st, c, "pods.metrics.k8s.io", CONN_LIVE, NULL);
	store_relist_begin(st, c, "pods.metrics.k8s.io");
	for (k = 0; k < n; k++) {
		snprintf(name, sizeof name, "churn-%04u", k);
		snprintf(cpu_s, sizeof cpu_s, "%um", k % mod + add);
		put(st, c, "pods.metrics.k8s.io", pod_usage(name, cpu_s, "64Mi", 5));
	}
	store_relist_end(st, c, "pods.metrics.k8s.io");
}

/* Every row of v shows its pod's CPU as poll_usage(mod, add) of its
 * cluster (tokyo's or the other's) left it. */
static void
assert_cpu(struct view *v, size_t tokyo, unsigned mod_t, unsigned add_t, unsigned mod_o,
    unsigned add_o)
{
	struct table_row *tr;
	char buf[256];
	size_t i, cpu = cpu_col(v);
	unsigned k, want;

	for (i = 0; i < table_count(v->table); i++) {
		tr = table_row_at(v->table, i);
		assert_int_equal(sscanf(tr->name, "churn-%u", &k), 1);
		want = tr->cluster == tokyo ? k % mod_t + add_t : k % mod_o + add_o;
		if (table_cell_num(tr, cpu) != (int64_t)want)
			fail_msg("%zu %s: CPU %s, want %um", tr->cluster, tr->name,
			    table_cell_text(tr, cpu, buf, sizeof buf), want);
	}
}

/* Two clusters' usage: polls of both set the rows of both in place; a
 * poll of one sets its rows; the other polling while that is under way
 * has its rows set after it. Every row ends with its own cluster's newest
 * usage, as a view built afresh shows it. */
static void
test_usage_per_cluster(void **state)
{
	struct store *st;
	struct ui *ui;
	struct view *v;
	char *cause = NULL;
	size_t tokyo, osaka, i;
	unsigned k;
	int turns;

	st = store_new();
	tokyo = store_add_cluster(st, "prod-tokyo");
	osaka = store_add_cluster(st, "prod-osaka");
	ui = fake_ui(st);
	for (i = 0; i < 2; i++) {
		store_set_state(st, i, CONN_LIVE, NULL);
		for (k = 0; k < 3000; k++)
			put(st, i, "pods", churn_pod(k, (int)(k % 7)));
	}
	v = ui_push(ui, &view_resource_class, "pods", NULL, SIZE_MAX, &cause);
	assert_non_null(v);
	assert_int_equal(table_count(v->table), 6000);
	poll_usage(st, tokyo, 3000, 900, 1);
	poll_usage(st, osaka, 3000, 500, 1);
	for (turns = 0; turns < 20; turns++)
		v->cls->update(v, time(NULL));
	assert_cpu(v, tokyo, 900, 1, 500, 1);
	/* tokyo polls again; osaka polls once that is under way */
	poll_usage(st, tokyo, 3000, 800, 2);
	v->cls->update(v, time(NULL));
	poll_usage(st, osaka, 3000, 700, 3);
	for (turns = 0; turns < 20; turns++)
		v->cls->update(v, time(NULL));
	assert_cpu(v, tokyo, 800, 2, 700, 3);
	free(assert_as_fresh(v, NULL));
	churn_view_free(v, st);
	(void)state;
}

/* List pages of new pods, five times the rows shown: merged in by one
 * update, the rows shown kept (none rebuilt) and the selection on its
 * row; the table is the one a fresh view builds. Pages with a changed pod
 * among the new ones are placed too, and end the same. */
static void
test_page_merged(void **state)
{
	struct store *st;
	struct view *v = churn_view(&st, 200);
	struct table_row *tr;
	static int untouched;
	char *key;
	size_t i, kept = 0;
	unsigned k;
	int turns;

	for (i = 0; i < table_count(v->table); i++)
		table_row_at(v->table, i)->data = &untouched;
	table_move(v->table, 17);
	key = xstrdup(table_selected(v->table)->key);
	for (k = 200; k < 1200; k++)
		put(st, 0, "pods", churn_pod(k, (int)(k % 7)));
	v->cls->update(v, time(NULL));
	assert_int_equal(table_count(v->table), 1200);
	for (i = 0; i < table_count(v->table); i++) {
		tr = table_row_at(v->table, i);
		assert_int_equal(sscanf(tr->name, "churn-%u", &k), 1);
		if (k < 200) {
			assert_ptr_equal(tr->data, &untouched);
			kept++;
		} else
			assert_null(tr->data);
	}
	assert_int_equal(kept, 200);
	assert_string_equal(table_selected(v->table)->key, key);
	free(assert_as_fresh(v, NULL));

	/* new pods and a changed one */
	for (k = 1200; k < 1700; k++)
		put(st, 0, "pods", churn_pod(k, (int)(k % 7)));
	put(st, 0, "pods", churn_pod(3, 6));
	for (turns = 0; turns < 10; turns++)
		v->cls->update(v, time(NULL));
	assert_int_equal(table_count(v->table), 1700);
	free(assert_as_fresh(v, NULL));
	free(key);
	churn_view_free(v, st);
	(void)state;
}

/* A stream of watch changes larger than one slice is placed a slice per
 * update: in between, the table shows the store as it was part way
 * through, each row where a full sort puts it, and keys move over it (the
 * selection follows its row); once the slices are done it is the table a
 * fresh view builds. */
static void
test_churn_slices(void **state)
{
	struct store *st;
	struct view *v = churn_view(&st, 3000);
	size_t tokyo = 0, i, changed, rcol = SIZE_MAX, total;
	struct table_row *tr;
	char *cause = NULL, *a, buf[256], key[64];
	unsigned k;
	json_t *gone;
	int turns;

	assert_int_equal(table_sort_by(v->table, "RESTARTS", &cause), 0);
	for (i = 0; i < table_ncols(v->table); i++) {
		if (strcmp(table_col_at(v->table, i)->name, "RESTARTS") == 0)
			rcol = i;
	}
	assert_int_not_equal(rcol, SIZE_MAX);
	assert_int_equal(table_count(v->table), 3000);
	/* 600 changes (a watch's stream, not a list page: fewer than a
	 * quarter of the rows): 400 pods restart 100 more times (they move to
	 * the end), 100 of them are deleted and 100 new ones come */
	for (k = 0; k < 400; k++)
		put(st, tokyo, "pods", churn_pod(k, (int)(k % 7) + 100));
	for (k = 0; k < 100; k++) {
		snprintf(buf, sizeof buf, "churn-%04u", k * 4);
		snprintf(key, sizeof key, "c%u", k * 4);
		gone = json_pack("{s:{s:s,s:s,s:s}}", "metadata", "name", buf,
		    "namespace", "production", "uid", key);
		store_remove(st, tokyo, "pods", gone);
		json_decref(gone);
		put(st, tokyo, "pods", churn_pod(5000 + k, 50));
	}

	/* one update places one slice: some rows changed, not all */
	v->cls->update(v, time(NULL));
	changed = 0;
	total = table_count(v->table);
	for (i = 0; i < total; i++) {
		tr = table_row_at(v->table, i);
		if (table_cell_num(tr, rcol) >= 50)
			changed++;
	}
	assert_int_equal(total, 3000);	/* no deletion or addition placed yet */
	assert_true(changed > 0);
	assert_true(changed < 400);
	/* a key mid-slice: the selection moves over a consistent table */
	table_top(v->table);
	table_move(v->table, 5);
	assert_int_equal(table_selected_index(v->table), 5);
	assert_ptr_equal(table_selected(v->table), table_row_at(v->table, 5));
	snprintf(key, sizeof key, "%s", table_selected(v->table)->key);
	assert_sorted(v->table);
	/* the next update places the next slice around the selection */
	v->cls->update(v, time(NULL));
	assert_non_null(table_selected(v->table));
	for (i = 0; i < table_count(v->table); i++) {
		if (strcmp(table_row_at(v->table, i)->key, key) == 0)
			assert_int_equal(table_selected_index(v->table), i);
	}
	assert_sorted(v->table);

	/* slices until done: the rows of a view built afresh, in its order */
	for (turns = 0; turns < 10; turns++)
		v->cls->update(v, time(NULL));
	assert_int_equal(table_count(v->table), 3000);
	a = assert_as_fresh(v, "RESTARTS");
	assert_null(strstr(a, "churn-0000|"));	/* deleted */
	assert_non_null(strstr(a, "churn-5099|"));	/* added */
	free(a);
	churn_view_free(v, st);
	(void)state;
}

/* A confirmation preview wraps to the box, keeping every character and indent. */
static void
test_pager_wrap(void **state)
{
	struct pager *p = pager_new(100);
	const char *text = "prod-tokyo production/backend set image "
	    "backend=123456789012.dkr.ecr.ap-northeast-1.amazonaws.com/quiz-backend:v2.4.0 "
	    "(was v2.3.9)\n  WARNING: the HPA backend scales this deployment; its minimum "
	    "of 4 replicas wins over the new count";
	char all[1024] = "";
	size_t i;
	const char *l;

	pager_wrap(p, text, 30);
	assert_true(pager_count(p) > 6);
	for (i = 0; i < pager_count(p); i++) {
		l = pager_line(p, i);
		assert_true(display_width(l) <= 30);
		strcat(all, l);
		strcat(all, "|");
	}
	/* every character kept, in order: only spaces and line breaks differ */
	for (i = 0, l = text; all[i] != '\0'; i++) {
		if (all[i] == ' ' || all[i] == '|')
			continue;
		while (*l == ' ' || *l == '\n')
			l++;
		assert_int_equal(all[i], *l);
		l++;
	}
	assert_string_equal(l, "");
	/* a word that does not fit starts a line; one wider than a line is split */
	assert_string_equal(pager_line(p, 0), "prod-tokyo production/backend");
	assert_non_null(strstr(all, "|set image|backend=123456789012.dkr.ecr.a|p-northeast"));
	/* the indented paragraph keeps its indent on its wrapped parts */
	assert_non_null(strstr(all, "(was v2.3.9)|  WARNING: the HPA backend|  scales this"));
	assert_non_null(strstr(all, "|  over the new count|"));
	pager_free(p);
}

/* Images shorten from the left, keeping repository and tag. */
static void
test_short_image(void **state)
{
	const char *img = "123456789012.dkr.ecr.ap-northeast-1.amazonaws.com/quiz-backend:v2.4.0-bad";
	char *s;

	s = view_short_image(img, 80, "…");
	assert_string_equal(s, img);		/* fits: as it is */
	free(s);
	s = view_short_image(img, 30, "…");
	assert_string_equal(s, "…/quiz-backend:v2.4.0-bad");	/* the tag is kept */
	free(s);
	s = view_short_image(img, 12, "~");
	assert_string_equal(s, "~:v2.4.0-bad");	/* narrower still: the right end */
	assert_int_equal(display_width(s), 12);
	free(s);
	s = view_short_image("registry.example.com/team/api:v1,registry.example.com/team/sidecar:v9",
	    30, "~");
	assert_string_equal(s, "~/api:v1,~/sidecar:v9");
	free(s);
}

/* A deployment's share of a VirtualService's stable/canary split: matched
 * by its app label (or name) and version label, NULL when nothing routes
 * to it, the VirtualService's name sanitised. */
static void
test_vs_traffic(void **state)
{
	json_t *list = json_loads("{\"items\":[{\"metadata\":{\"name\":\"front\\u001b[2J\"},"
	    "\"spec\":{\"http\":["
	    "{\"route\":[{\"destination\":{\"host\":\"frontend\",\"subset\":\"canary\"}}]},"
	    "{\"route\":[{\"destination\":{\"host\":\"frontend.production.svc.cluster.local\","
	    "\"subset\":\"stable\"},\"weight\":90},{\"destination\":{\"host\":"
	    "\"frontend.production.svc.cluster.local\",\"subset\":\"canary\"},\"weight\":10}]}"
	    "]}}]}", 0, NULL);
	char *s;

	assert_non_null(list);
	s = view_vs_traffic(list, "frontend-canary", "app=frontend,version=canary");
	assert_non_null(s);
	assert_non_null(strstr(s, "traffic 10% (canary subset"));
	assert_non_null(strstr(s, "stable/canary 90/10"));
	assert_null(strchr(s, '\033'));
	free(s);
	/* no version label: the stable subset; no app label: the name */
	s = view_vs_traffic(list, "frontend", "");
	assert_non_null(s);
	assert_non_null(strstr(s, "traffic 90% (stable subset"));
	free(s);
	/* another app, or a subset the split does not name */
	assert_null(view_vs_traffic(list, "backend", "app=backend"));
	assert_null(view_vs_traffic(list, "frontend-blue", "app=frontend,version=blue"));
	assert_null(view_vs_traffic(NULL, "frontend", "app=frontend"));
	json_decref(list);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_overview),
		cmocka_unit_test(test_resource_columns),
		cmocka_unit_test(test_overview_stale),
		cmocka_unit_test(test_overview_noise),
		cmocka_unit_test(test_overview_backup_keys),
		cmocka_unit_test(test_overview_starting_workloads),
		cmocka_unit_test(test_events_order),
		cmocka_unit_test(test_rows_from_store),
		cmocka_unit_test(test_timed_rebuild),
		cmocka_unit_test(test_usage_incremental),
		cmocka_unit_test(test_churn_slices),
		cmocka_unit_test(test_usage_in_place),
		cmocka_unit_test(test_usage_per_cluster),
		cmocka_unit_test(test_page_merged),
		cmocka_unit_test(test_pager_wrap),
		cmocka_unit_test(test_short_image),
		cmocka_unit_test(test_vs_traffic),
	};

	setenv("TZ", "UTC", 1);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
