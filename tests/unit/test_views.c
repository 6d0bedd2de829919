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

#include <cmocka.h>
#include <jansson.h>

#include "opsdeck/printers.h"
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
	char *s = xcalloc(1, 1);
	struct table_row *r;

	for (i = 0; i < table_count(t); i++) {
		r = table_row_at(t, i);
		for (c = 0; c < table_ncols(t); c++) {
			len += strlen(r->cells[c] != NULL ? r->cells[c] : "") + 1;
			s = xrealloc(s, len + 1);
			strcat(s, r->cells[c] != NULL ? r->cells[c] : "");
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
	char *cause = NULL, *s;

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
	assert_non_null(strstr(s, "prod-tokyo|cluster||primary, live|3 problems; "
	    "alerts firing: 1 critical, 1 warning, 0 other\n"));
	assert_non_null(strstr(s, "prod-tokyo|alert||PodCrashLooping|critical firing: something is wrong\n"));
	assert_non_null(strstr(s, "prod-tokyo|pod|production|backend-1|CrashLoopBackOff (restarts 7)\n"));
	assert_null(strstr(s, "backend-2"));	/* healthy pods are not problems */
	/* backups: three hours old breaches the default one-hour RPO */
	assert_non_null(strstr(s, "prod-tokyo|backup||newest good backup|3h ago: RPO 60m breached\n"));
	assert_non_null(strstr(s, "prod-osaka|cluster||unreachable|connection refused; 0 problems\n"));
	assert_non_null(strstr(s, "prod-osaka|backup||newest good backup|10m ago (RPO 60m)\n"));
	/* order: a cluster's line comes before its problems */
	assert_true(strstr(s, "prod-tokyo|cluster") < strstr(s, "prod-tokyo|pod"));
	assert_true(strstr(s, "prod-tokyo|pod") < strstr(s, "prod-osaka|cluster"));
	free(s);

	/* a per-context RPO of 4h: no longer breached */
	store_cluster(st, tokyo)->rpo_seconds = 4 * 3600;
	put(st, tokyo, "pods", pod("backend-2", "u2", false));	/* a change: rebuild */
	v->cls->update(v, time(NULL));
	s = dump(v->table);
	assert_non_null(strstr(s, "prod-tokyo|backup||newest good backup|3h ago (RPO 4h)\n"));
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

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_overview),
		cmocka_unit_test(test_resource_columns),
	};

	setenv("TZ", "UTC", 1);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
