/* The table widget: filters (regex, inverted, label selector), sort by
 * column with direction toggling and numeric keys, selection and marks kept
 * across rebuilds, fitting columns to narrow screens, UTF-8 truncation. */
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
#include "opsdeck/xmalloc.h"

static const struct table_col cols[] = {
	{ "CLUSTER", 0, 0, 6, false, false },
	{ "NAME", 0, 0, 10, false, false },
	{ "STATUS", 0, 5, 6, false, false },
	{ "RESTARTS", 0, 6, 0, true, false },
	{ "IP", 1, 0, 0, false, false },
};

/* One row's data. */
struct fixture_row {
	size_t		 cluster;
	const char	*name;
	const char	*status;
	int64_t		 restarts;
	const char	*labels;
	unsigned	 flags;
};

static const struct fixture_row rows[] = {
	{ 0, "backend-1", "Running", 0, "app=backend,tier=api", 0 },
	{ 0, "frontend-1", "Running", 2, "app=frontend,tier=web", 0 },
	{ 1, "backend-1", "CrashLoopBackOff", 12, "app=backend,tier=api", ROW_BAD },
	{ 1, "db-0", "Pending", 1, "app=db", ROW_WARN },
	{ 2, "backend-2", "Running", 3, "app=backend,tier=api,canary", 0 },
};

/* Fill t with the fixture rows (n of them). */
static void
fill(struct table *t, size_t n)
{
	static const char *clusters[] = { "prod-tokyo", "prod-osaka", "staging" };
	struct table_row *r;
	char key[64], num[16];
	size_t i;

	table_begin(t);
	for (i = 0; i < n; i++) {
		snprintf(key, sizeof key, "%zu/%s", rows[i].cluster, rows[i].name);
		r = table_add(t, key, rows[i].cluster);
		r->labels = xstrdup(rows[i].labels);
		r->flags = rows[i].flags;
		r->name = xstrdup(rows[i].name);
		table_set(r, 0, clusters[rows[i].cluster], (int64_t)rows[i].cluster);
		table_set(r, 1, rows[i].name, 0);
		table_set(r, 2, rows[i].status, 0);
		snprintf(num, sizeof num, "%lld", (long long)rows[i].restarts);
		table_set(r, 3, num, rows[i].restarts);
		table_set(r, 4, "10.0.0.1", 0);
	}
	table_end(t);
}

static struct table *
new_table(void)
{
	struct table *t = table_new(cols, sizeof cols / sizeof cols[0]);

	fill(t, sizeof rows / sizeof rows[0]);
	return t;
}

/* Names of the visible rows joined by spaces. */
static void
visible(struct table *t, char *buf, size_t len)
{
	size_t i;

	buf[0] = '\0';
	for (i = 0; i < table_count(t); i++) {
		if (i > 0)
			strncat(buf, " ", len - strlen(buf) - 1);
		strncat(buf, table_row_at(t, i)->cells[0], len - strlen(buf) - 1);
		strncat(buf, "/", len - strlen(buf) - 1);
		strncat(buf, table_row_at(t, i)->cells[1], len - strlen(buf) - 1);
	}
}

static void
test_filter_regex(void **state)
{
	struct table *t = new_table();
	char buf[512], *cause = NULL;

	assert_int_equal(table_set_filter(t, "backend", &cause), 0);
	visible(t, buf, sizeof buf);
	assert_string_equal(buf, "prod-tokyo/backend-1 prod-osaka/backend-1 staging/backend-2");
	/* case-insensitive extended regex over every cell, cluster included */
	assert_int_equal(table_set_filter(t, "CRASH|^staging", &cause), 0);
	visible(t, buf, sizeof buf);
	assert_string_equal(buf, "prod-osaka/backend-1 staging/backend-2");
	assert_int_equal(table_total(t), 5);
	assert_int_equal(table_set_filter(t, "", &cause), 0);
	assert_int_equal(table_count(t), 5);
	assert_null(table_filter(t));
	/* a bad regex is an error and keeps the old filter */
	assert_int_equal(table_set_filter(t, "db", &cause), 0);
	assert_int_equal(table_set_filter(t, "(", &cause), -1);
	assert_non_null(cause);
	assert_non_null(strstr(cause, "filter"));
	free(cause);
	assert_string_equal(table_filter(t), "db");
	assert_int_equal(table_count(t), 1);
	table_free(t);
}

static void
test_filter_invert(void **state)
{
	struct table *t = new_table();
	char buf[512], *cause = NULL;

	assert_int_equal(table_set_filter(t, "!backend", &cause), 0);
	visible(t, buf, sizeof buf);
	assert_string_equal(buf, "prod-tokyo/frontend-1 prod-osaka/db-0");
	table_free(t);
}

static void
test_filter_labels(void **state)
{
	struct table *t = new_table();
	char buf[512], *cause = NULL;

	assert_int_equal(table_set_filter(t, "-l app=backend", &cause), 0);
	visible(t, buf, sizeof buf);
	assert_string_equal(buf, "prod-tokyo/backend-1 prod-osaka/backend-1 staging/backend-2");
	assert_int_equal(table_set_filter(t, "-l app=backend,canary", &cause), 0);
	visible(t, buf, sizeof buf);
	assert_string_equal(buf, "staging/backend-2");
	assert_int_equal(table_set_filter(t, "-l tier!=api", &cause), 0);
	visible(t, buf, sizeof buf);
	assert_string_equal(buf, "prod-tokyo/frontend-1 prod-osaka/db-0");
	assert_int_equal(table_set_filter(t, "-l !tier", &cause), 0);
	visible(t, buf, sizeof buf);
	assert_string_equal(buf, "prod-osaka/db-0");
	/* "app=back" is not a prefix match */
	assert_int_equal(table_set_filter(t, "-l app=back", &cause), 0);
	assert_int_equal(table_count(t), 0);
	assert_int_equal(table_set_filter(t, "-l", &cause), -1);
	free(cause);
	/* the whole kubectl grammar: sets, and spaces inside them */
	assert_int_equal(table_set_filter(t, "-l app in (backend, db)", &cause), 0);
	visible(t, buf, sizeof buf);
	assert_string_equal(buf, "prod-tokyo/backend-1 prod-osaka/backend-1 prod-osaka/db-0 "
	    "staging/backend-2");
	assert_int_equal(table_set_filter(t, "-l app notin (backend)", &cause), 0);
	visible(t, buf, sizeof buf);
	assert_string_equal(buf, "prod-tokyo/frontend-1 prod-osaka/db-0");
	/* a bad selector says why and keeps the filter that was there */
	assert_int_equal(table_set_filter(t, "-l app in (x", &cause), -1);
	assert_non_null(strstr(cause, "label selector: "));
	free(cause);
	cause = NULL;
	visible(t, buf, sizeof buf);
	assert_string_equal(buf, "prod-tokyo/frontend-1 prod-osaka/db-0");
	table_free(t);
}

static void
test_sort(void **state)
{
	struct table *t = new_table();
	char buf[512], *cause = NULL;
	int dir;

	assert_int_equal(table_sort_by(t, "name", &cause), 0);
	visible(t, buf, sizeof buf);
	assert_string_equal(buf, "prod-tokyo/backend-1 prod-osaka/backend-1 staging/backend-2 "
	    "prod-osaka/db-0 prod-tokyo/frontend-1");
	assert_int_equal(table_sort_col(t, &dir), 1);
	assert_int_equal(dir, 1);
	/* again: descending */
	assert_int_equal(table_sort_by(t, "NAME", &cause), 0);
	assert_int_equal(table_sort_col(t, &dir), 1);
	assert_int_equal(dir, -1);
	assert_string_equal(table_row_at(t, 0)->cells[1], "frontend-1");
	/* numeric column: 12 sorts after 3 (text order would not) */
	assert_int_equal(table_sort_by(t, "RES", &cause), 0);
	visible(t, buf, sizeof buf);
	assert_string_equal(buf, "prod-tokyo/backend-1 prod-osaka/db-0 prod-tokyo/frontend-1 "
	    "staging/backend-2 prod-osaka/backend-1");
	assert_int_equal(table_sort_by(t, "nosuch", &cause), -1);
	assert_non_null(strstr(cause, "nosuch"));
	free(cause);
	/* sort survives a rebuild */
	fill(t, sizeof rows / sizeof rows[0]);
	assert_string_equal(table_row_at(t, 4)->cells[1], "backend-1");
	assert_string_equal(table_row_at(t, 4)->cells[0], "prod-osaka");
	table_free(t);
}

static void
test_flag_first(void **state)
{
	struct table *t = table_new(cols, sizeof cols / sizeof cols[0]);

	table_set_flag_first(t, ROW_BAD | ROW_WARN);
	fill(t, sizeof rows / sizeof rows[0]);
	assert_string_equal(table_row_at(t, 0)->cells[1], "backend-1");
	assert_string_equal(table_row_at(t, 0)->cells[0], "prod-osaka");
	assert_string_equal(table_row_at(t, 1)->cells[1], "db-0");
	assert_string_equal(table_row_at(t, 2)->cells[0], "prod-tokyo");
	table_free(t);
}

static void
test_selection_and_marks(void **state)
{
	struct table *t = new_table();
	struct table_row **marked = NULL;
	char *cause = NULL;

	table_move(t, 2);
	assert_string_equal(table_selected(t)->key, "1/backend-1");
	/* the selection follows its row through a re-sort and a rebuild */
	assert_int_equal(table_sort_by(t, "NAME", &cause), 0);
	assert_string_equal(table_selected(t)->key, "1/backend-1");
	fill(t, sizeof rows / sizeof rows[0]);
	assert_string_equal(table_selected(t)->key, "1/backend-1");
	/* marks across clusters; Space moves down */
	table_top(t);
	table_toggle_mark(t);
	assert_string_equal(table_selected(t)->key, "1/backend-1");
	table_toggle_mark(t);
	assert_int_equal(table_nmarks(t), 2);
	assert_true(table_is_marked(t, "0/backend-1"));
	assert_true(table_is_marked(t, "1/backend-1"));
	fill(t, sizeof rows / sizeof rows[0]);
	assert_int_equal(table_marked_rows(t, &marked), 2);
	free(marked);
	/* unmark one */
	table_top(t);
	table_toggle_mark(t);
	assert_int_equal(table_nmarks(t), 1);
	assert_false(table_is_marked(t, "0/backend-1"));
	/* a marked row filtered out is not a target */
	assert_int_equal(table_set_filter(t, "frontend", &cause), 0);
	assert_int_equal(table_marked_rows(t, &marked), 1);
	free(marked);
	table_clear_marks(t);
	assert_int_equal(table_nmarks(t), 0);
	/* movement clamps */
	table_move(t, -100);
	assert_int_equal(table_selected_index(t), 0);
	table_bottom(t);
	assert_int_equal(table_selected_index(t), table_count(t) - 1);
	table_free(t);
}

static void
test_fit(void **state)
{
	struct table *t = new_table();
	int w[8];

	/* wide enough: natural widths; the wide-only IP column is hidden */
	table_fit(t, 200, false, w);
	assert_int_equal(w[0], 10);
	assert_int_equal(w[1], 10);
	assert_int_equal(w[2], 16);
	assert_int_equal(w[3], 8);
	assert_int_equal(w[4], -1);
	table_fit(t, 200, true, w);
	assert_int_equal(w[4], 8);
	/* narrower: the widest column shrinks first, toward its minimum */
	table_fit(t, 40, false, w);
	assert_int_equal(w[0] + w[1] + w[2] + w[3] + 3 * 2, 40);
	assert_int_equal(w[2], 6);
	assert_int_equal(w[3], 8);
	/* narrower still: at minimums, the highest drop rank (RESTARTS) goes */
	table_fit(t, 30, false, w);
	assert_int_equal(w[3], -1);
	assert_int_equal(w[1], 10);
	assert_true(w[0] + w[1] + w[2] + 2 * 2 <= 30);
	/* a hidden column (CLUSTER when one cluster is shown) */
	table_col_hide(t, 0, true);
	table_fit(t, 200, false, w);
	assert_int_equal(w[0], -1);
	table_free(t);
}

/* Pod columns as the resource view makes them, all namespaces, wide. */
static const struct table_col pod_cols[] = {
	{ "NAMESPACE", 0, 2, 6, false, false },
	{ "NAME", 0, 0, 16, false, false },
	{ "READY", 0, 1, 0, false, false },
	{ "NODE", 1, 16, 0, false, false },
	{ "NOMINATED NODE", 1, 17, 0, false, false },
	{ "READINESS GATES", 1, 18, 0, false, false },
};

/* A column shown without wide (priority -1, usage) is given up first when
 * the wide columns do not fit, and kept when there is room. */
static const struct table_col usage_cols[] = {
	{ "NAME", 0, 0, 16, false, false },
	{ "NODE", 1, 16, 0, false, false },
	{ "CPU(cores)", -1, 40, 0, true, false },
};

static void
test_fit_usage(void **state)
{
	struct table *t = table_new(usage_cols, sizeof usage_cols / sizeof usage_cols[0]);
	struct table_row *r;
	int w[4];

	(void)state;
	table_begin(t);
	r = table_add(t, "0/p", 0);
	table_set(r, 0, "backend-7d9f8c6b5d-x2v9k", 0);	/* 24 */
	table_set(r, 1, "worker-node-1", 0);		/* 13 */
	table_set(r, 2, "250m", 250);
	table_end(t);
	/* not wide: NAME and CPU(cores) */
	table_fit(t, 80, false, w);
	assert_int_equal(w[1], -1);
	assert_int_equal(w[2], 10);
	/* wide with room: all three */
	table_fit(t, 80, true, w);
	assert_int_equal(w[1], 13);
	assert_int_equal(w[2], 10);
	/* wide, short of room for all: CPU(cores) goes, NODE stays */
	table_fit(t, 24 + 2 + 13 + 2 + 5, true, w);
	assert_int_equal(w[2], -1);
	assert_int_equal(w[1], 13);
	assert_int_equal(w[0], 24);
	table_free(t);
}

static void
test_fit_priority(void **state)
{
	struct table *t = table_new(pod_cols, sizeof pod_cols / sizeof pod_cols[0]);
	struct table_row *r;
	const char *name = "checkout-backend-7d9f8c6b5d-x2v9k-canary";	/* 40 */
	int w[8];

	table_col_shrink_first(t, 0);
	table_begin(t);
	r = table_add(t, "0/p", 0);
	table_set(r, 0, "payments-prod", 0);		/* 13 */
	table_set(r, 1, name, 0);
	table_set(r, 2, "1/1", 0);
	table_set(r, 3, "worker-node-eu-west-1a-17", 0);	/* 25 */
	table_set(r, 4, "<none>", 0);
	table_set(r, 5, "<none>", 0);
	table_end(t);

	/* 5 columns short: NAMESPACE gives way, NAME stays whole */
	table_fit(t, 13 + 2 + 40 + 2 + 5 - 5, false, w);
	assert_int_equal(w[1], 40);
	assert_int_equal(w[0], 8);
	/* very narrow: NAMESPACE keeps 8 columns, then NAME shrinks */
	table_fit(t, 40, false, w);
	assert_int_equal(w[0], 8);
	assert_int_equal(w[1], 40 - 8 - 2 - 2 - 5);
	/* wide, 17 short: READINESS GATES goes, NODE and NAME stay whole, and
	 * NAMESPACE gets back what is left over */
	table_fit(t, 105, true, w);
	assert_int_equal(w[5], -1);
	assert_int_equal(w[4], 14);
	assert_int_equal(w[3], 25);
	assert_int_equal(w[1], 40);
	assert_int_equal(w[0], 13);
	/* narrower: NOMINATED NODE goes before NODE */
	table_fit(t, 86, true, w);
	assert_int_equal(w[4], -1);
	assert_int_equal(w[3], 25);
	assert_int_equal(w[1], 40);

	/* widths follow the rows as they are rebuilt */
	table_begin(t);
	r = table_add(t, "0/p", 0);
	table_set(r, 0, "payments-prod", 0);
	table_set(r, 1, name, 0);
	table_set(r, 2, "120/120", 0);
	table_end(t);
	table_fit(t, 200, false, w);
	assert_int_equal(w[2], 7);
	table_free(t);
}

/* A kept column (the overview's PROBLEM): the others shrink to their
 * minimum first, it gives up to half the screen, then droppable columns go
 * before it shrinks further; it is never the one dropped. */
static void
test_fit_keep(void **state)
{
	static const struct table_col kc[] = {
		{ "CLUSTER", 0, 0, 8, false, false },
		{ "WHAT", 0, 2, 5, false, false },
		{ "NAME", 0, 1, 16, false, false },
		{ "PROBLEM", 0, 0, 12, false, true },
	};
	struct table *t = table_new(kc, 4);
	struct table_row *r;
	int w[4];

	(void)state;
	table_begin(t);
	r = table_add(t, "a", 0);
	table_set(r, 0, "prod-tokyo", 0);				/* 10 */
	table_set(r, 1, "deployment", 0);				/* 10 */
	table_set(r, 2, "websocket-66595fbf7d-hqctc", 0);		/* 26 */
	table_set(r, 3, "unreachable since 13:23:57, data below from 13:23:42: "
	    "3 problems; connection refused", 0);			/* 86 */
	table_end(t);
	/* 80: the others at their minimum (8 + 5 + 16 and three gaps of 2),
	 * PROBLEM gets the rest, above half the screen: nothing dropped */
	table_fit(t, 80, false, w);
	assert_int_equal(w[0], 8);
	assert_int_equal(w[1], 5);
	assert_int_equal(w[2], 16);
	assert_int_equal(w[3], 80 - 8 - 5 - 16 - 6);
	/* 60: PROBLEM would fall below half: WHAT (drop 2) goes first */
	table_fit(t, 60, false, w);
	assert_int_equal(w[1], -1);
	assert_int_equal(w[2], 16);
	assert_int_equal(w[3], 60 - 8 - 16 - 4);
	/* 40: NAME goes too; PROBLEM stays */
	table_fit(t, 40, false, w);
	assert_int_equal(w[1], -1);
	assert_int_equal(w[2], -1);
	assert_int_equal(w[3], 40 - 8 - 2);
	/* 20: the last column that is not kept goes, never PROBLEM */
	table_fit(t, 20, false, w);
	assert_int_equal(w[0], -1);
	assert_true(w[3] >= 12);
	table_free(t);
}

/* A column left with a little room above its minimum (too little to be
 * worth shrinking) must not stop the kept column from giving way: on a
 * wide screen with a very long problem, nothing is dropped. */
static void
test_fit_keep_little_room(void **state)
{
	static const struct table_col kc[] = {
		{ "CLUSTER", 0, 0, 8, false, false },
		{ "WHAT", 0, 2, 5, false, false },
		{ "NAMESPACE", 0, 3, 6, false, false },
		{ "NAME", 0, 1, 16, false, false },
		{ "PROBLEM", 0, 0, 12, false, true },
	};
	struct table *t = table_new(kc, 5);
	struct table_row *r;
	char problem[201];
	int w[5];

	(void)state;
	memset(problem, 'x', 200);
	problem[200] = '\0';
	table_begin(t);
	r = table_add(t, "a", 0);
	table_set(r, 0, "prod-tokyo", 0);				/* 10 */
	table_set(r, 1, "deployment", 0);				/* 10 */
	table_set(r, 2, "production", 0);				/* 10: 4 above its min */
	table_set(r, 3, "websocket-66595fbf7d-hqctc", 0);		/* 26 */
	table_set(r, 4, problem, 0);
	table_end(t);
	table_fit(t, 160, false, w);
	assert_true(w[1] > 0);
	assert_true(w[2] > 0);
	assert_true(w[3] > 0);
	assert_int_equal(w[0] + w[1] + w[2] + w[3] + w[4] + 4 * 2, 160);
	assert_true(w[4] >= 80);
	table_free(t);
}

/* End the screen a test drew into, and its files. */
static void
screen_done(WINDOW *win, SCREEN *scr, FILE *out, FILE *in)
{
	delwin(win);
	endwin();
	delscreen(scr);
	fclose(out);
	fclose(in);
}

static void
test_timed_grow(void **state)
{
	static const struct table_col rc[] = {
		{ "NAME", 0, 0, 16, false, false },
		{ "RESTARTS", 0, 6, 0, true, false },
	};
	struct table *t = table_new(rc, 2);
	struct table_style st;
	struct table_row *r;
	struct cell c = { CELL_RESTARTS, NULL, 3, 0 };
	FILE *out = fopen("/dev/null", "w"), *in = fopen("/dev/null", "r");
	SCREEN *scr;
	WINDOW *win;
	int64_t now = 1700000000;
	int w[2];

	assert_non_null(out);
	assert_non_null(in);
	scr = newterm("xterm", out, in);
	if (scr == NULL) {
		fclose(out);
		fclose(in);
		table_free(t);
		skip();
	}
	win = newwin(5, 160, 0, 0);
	table_begin(t);
	r = table_add(t, "p", 0);
	table_set(r, 0, "backend-1", 0);
	c.when = now - 5;			/* "3 (5s ago)" when built */
	table_set_cell(r, 1, &c, now);
	table_end(t);
	table_fit(t, 160, false, w);
	assert_int_equal(w[1], 12);		/* 10, and room for two more */
	/* five and a half hours on, without a rebuild: "3 (5h30m ago)" is
	 * wider than the room kept when built; drawing it grows the column */
	memset(&st, 0, sizeof st);
	st.ellipsis = "~";
	st.now = now - 5 + 5 * 3600 + 30 * 60;
	table_draw(t, win, 0, 0, 5, 160, &st);
	table_fit(t, 160, false, w);
	assert_int_equal(w[1], 13);
	screen_done(win, scr, out, in);
	table_free(t);
}

static void
test_fit_bytes(void **state)
{
	int used;

	assert_int_equal(table_fit_bytes("abcdef", 3, &used), 3);
	assert_int_equal(used, 3);
	/* "é" is 2 bytes, 1 column; "日" 3 bytes, 2 columns */
	assert_int_equal(table_fit_bytes("é日x", 2, &used), 2);
	assert_int_equal(used, 1);
	assert_int_equal(table_fit_bytes("é日x", 3, &used), 5);
	assert_int_equal(used, 3);
	assert_int_equal(table_fit_bytes("日本", 1, &used), 0);
	assert_int_equal(used, 0);
}

/* Keys of the visible rows, in order, joined by spaces (into a new string). */
static char *
visible_keys(struct table *t)
{
	size_t i, len = 1;
	char *s = xcalloc(1, 1);

	for (i = 0; i < table_count(t); i++) {
		len += strlen(table_row_at(t, i)->key) + 1;
		s = xrealloc(s, len);
		strcat(s, table_row_at(t, i)->key);
		strcat(s, " ");
	}
	return s;
}

/* t shows the rows ref shows, in the same order; ref is freed. */
static void
same_rows(struct table *t, struct table *ref)
{
	char *got = visible_keys(t), *want = visible_keys(ref);

	assert_string_equal(got, want);
	free(got);
	free(want);
	table_free(ref);
}

/* n rows with names from a small alphabet, so that typed text narrows
 * step by step; sorted by NAME. */
static struct table *
many_rows(size_t n, unsigned seed)
{
	struct table *t = table_new(cols, sizeof cols / sizeof cols[0]);
	struct table_row *r;
	char name[16], key[32], *cause = NULL;
	size_t i, j;

	srand(seed);
	table_begin(t);
	for (i = 0; i < n; i++) {
		for (j = 0; j < 6; j++)
			name[j] = "abcd"[rand() % 4];
		name[j] = '\0';
		snprintf(key, sizeof key, "%zu/%s", i, name);
		r = table_add(t, key, i % 3);
		table_set(r, 0, i % 3 == 0 ? "prod" : "staging", (int64_t)(i % 3));
		table_set(r, 1, name, 0);
		table_set(r, 2, i % 7 == 0 ? "Pending" : "Running", 0);
		table_set(r, 3, "0", 0);
	}
	table_end(t);
	assert_int_equal(table_sort_by(t, "NAME", &cause), 0);
	return t;
}

/* Typing a filter key by key (and backspacing), applied a slice at a time
 * then finished: the same rows in the same order as filtering afresh. */
static void
test_live_filter(void **state)
{
	static const char *typed[] = {
		"b", "ba", "bac", "ba", "bad", "badc", "bad", "ba", "b", "", "c", "cd",
		"cdd", "!cd", "!c", "pend", "pendi", "pending", "cd", "c.d", "cad", "",
	};
	/* plain text containing the plain text before it */
	static const bool narrows[] = {
		false, true, true, false, true, true, false, false, false, false, false, true,
		true, false, false, false, true, true, false, false, false, false,
	};
	struct table *t = many_rows(3000, 7), *ref;
	char *cause = NULL;
	size_t i, slices, before = 3000;

	for (i = 0; i < sizeof typed / sizeof typed[0]; i++) {
		/* a budget so small that each slice filters only a few rows */
		assert_int_equal(table_set_filter_live(t, typed[i], &cause, 1e-12), 0);
		for (slices = 1; table_filtering(t); slices++)
			table_filter_continue(t, 1e-12);
		ref = many_rows(3000, 7);
		assert_int_equal(table_set_filter(ref, typed[i], &cause), 0);
		same_rows(t, ref);
		/* a slice ends after 256 rows here: an extended plain text
		 * walks only the matches before it, anything else every row */
		if (narrows[i])
			assert_true(slices <= before / 256 + 1);
		else
			assert_true(slices >= 3000 / 256);
		before = table_count(t);
	}
	/* the same filter again (Enter) finishes it at once */
	assert_int_equal(table_set_filter_live(t, "a", &cause, 1e-12), 0);
	assert_true(table_filtering(t));
	assert_true(table_count(t) < 3000);
	assert_int_equal(table_set_filter(t, "a", &cause), 0);
	assert_false(table_filtering(t));
	ref = many_rows(3000, 7);
	assert_int_equal(table_set_filter(ref, "a", &cause), 0);
	assert_int_equal(table_count(t), table_count(ref));
	table_free(ref);
	table_free(t);
	(void)state;
}

/* Columns of a pods view: cluster and namespace, then the printer's. */
static const struct table_col podview_cols[] = {
	{ "CLUSTER", 0, 0, 6, false, false },
	{ "NAMESPACE", 0, 2, 6, false, false },
	{ "NAME", 0, 0, 16, false, false },
	{ "READY", 0, 1, 0, false, false },
	{ "STATUS", 0, 1, 0, false, false },
	{ "RESTARTS", 0, 12, 0, true, false },
	{ "AGE", 0, 1, 0, true, false },
};
static const char *pod_clusters[] = { "prod-tokyo", "prod-osaka" };

/* A pod whose sort keys come from small sets, so that many tie. */
static void
put_pod(struct store *st, size_t cluster, unsigned id)
{
	static const char *phases[] = { "Running", "Pending", "Failed" };
	static const char *nss[] = { "shop", "payments", "kube-system" };
	char name[32], uid[32], ts[32];
	time_t when = 1700000000 + (rand() % 4) * 3600;
	json_t *pod;

	snprintf(name, sizeof name, "pod-%u", (unsigned)(rand() % 40));
	snprintf(uid, sizeof uid, "uid-%u", id);
	strftime(ts, sizeof ts, "%Y-%m-%dT%H:%M:%SZ", gmtime(&when));
	pod = json_pack("{s:s,s:s,s:{s:s,s:s,s:s,s:s},s:{s:[{s:s}]},"
	    "s:{s:s,s:[{s:s,s:b,s:i}]}}", "apiVersion", "v1", "kind", "Pod",
	    "metadata", "name", name, "namespace", nss[rand() % 3], "uid", uid,
	    "creationTimestamp", ts, "spec", "containers", "name", "app",
	    "status", "phase", phases[rand() % 3], "containerStatuses", "name", "app",
	    "ready", rand() % 2, "restartCount", rand() % 3);
	store_upsert(st, cluster, "pods", pod);
	json_decref(pod);
}

/* Add a row for store row src as a pods view does. */
static struct table_row *
add_pod_row(struct table *t, size_t cluster, const struct row *src)
{
	struct table_row *r;
	char key[128];

	snprintf(key, sizeof key, "%zu/%s", cluster, src->uid);
	r = table_add(t, key, cluster);
	r->flags = src->flags;
	table_set_ref(r, 0, pod_clusters[cluster], (int64_t)cluster);
	table_set_ref(r, 1, src->ns, 0);
	table_set_source(r, 2, src, 1700100000);
	return r;
}

/* store_foreach: add the row. */
static int
add_pod_cb(size_t cluster, const struct row *src, void *arg)
{
	add_pod_row(arg, cluster, src);
	return 0;
}

/* How a pods table is sorted (sort clicked toggles times) and filtered. */
struct pods_sort {
	const char	*sort;
	int		 toggles;
	const char	*filter;
};

/* A pods table built afresh from the store, sorted and filtered so. */
static struct table *
pods_table(struct store *st, const char *sort, int toggles, const char *filter)
{
	struct table *t = table_new(podview_cols, sizeof podview_cols / sizeof podview_cols[0]);
	char *cause = NULL;
	int i;

	table_begin(t);
	store_foreach(st, SIZE_MAX, "pods", NULL, add_pod_cb, t);
	table_end(t);
	for (i = 0; sort != NULL && i < toggles; i++)
		assert_int_equal(table_sort_by(t, sort, &cause), 0);
	assert_int_equal(table_set_filter(t, filter, &cause), 0);
	return t;
}

/* Random adds, changes and deletes placed one row at a time: after each,
 * the same rows in the same order as a table built and sorted afresh. */
static void
test_incremental_order(void **state)
{
	static const struct pods_sort cases[] = {
		{ NULL, 0, "" }, { "NAME", 1, "" }, { "STATUS", 1, "" },
		{ "RESTARTS", 2, "" }, { "AGE", 1, "run" }, { "NAMESPACE", 1, "" },
		{ "CLUSTER", 2, "!pend" }, { "READY", 1, "" },
	};
	struct store *st;
	struct table *t, *ref;
	const struct row *old, *now;
	struct table_row *probe;
	char uid[32];
	unsigned next, id;
	size_t k, n, c, moved = 0, in_place = 0;
	int op, wt[7], wr[7];
	json_t *gone;

	for (k = 0; k < sizeof cases / sizeof cases[0]; k++) {
		srand((unsigned)k + 11);
		st = store_new();
		store_add_cluster(st, pod_clusters[0]);
		store_add_cluster(st, pod_clusters[1]);
		for (next = 0; next < 120; next++)
			put_pod(st, next % 2, next);
		t = pods_table(st, cases[k].sort, cases[k].toggles, cases[k].filter);
		for (n = 0; n < 250; n++) {
			op = rand() % 3;
			id = (unsigned)rand() % next;
			c = id % 2;
			snprintf(uid, sizeof uid, "uid-%u", id);
			old = store_get_key(st, c, "pods", uid);
			if (op == 0) {		/* a new pod */
				id = next++;
				c = id % 2;
				snprintf(uid, sizeof uid, "uid-%u", id);
				old = NULL;
			}
			if (op == 2 && old != NULL) {		/* deleted */
				gone = json_pack("{s:{s:s,s:s,s:s}}", "metadata", "name",
				    old->name, "namespace", old->ns, "uid", uid);
				store_remove(st, c, "pods", gone);
				json_decref(gone);
			} else
				put_pod(st, c, id);
			now = store_get_key(st, c, "pods", uid);
			if (old != NULL && now != NULL && n % 2 == 0) {
				/* changed: both at once */
				probe = add_pod_row(t, c, old);
				assert_true(table_replace(t, probe, add_pod_row(t, c, now)));
				/* moved: placed last; in place: where the old one was */
				if (table_row_raw(t, table_total(t) - 1)->src == now)
					moved++;
				else
					in_place++;
			} else {
				if (old != NULL) {
					probe = add_pod_row(t, c, old);
					assert_true(table_remove_like(t, probe));
				}
				if (now != NULL)
					assert_true(table_place(t, add_pod_row(t, c, now)));
			}
			ref = pods_table(st, cases[k].sort, cases[k].toggles, cases[k].filter);
			assert_int_equal(table_total(t), table_total(ref));
			/* the widest row gone, the next widest sets the width */
			table_fit(t, 1000, true, wt);
			table_fit(ref, 1000, true, wr);
			assert_memory_equal(wt, wr, sizeof wt);
			same_rows(t, ref);
		}
		/* the selected row changes and moves: still selected (when
		 * the filter still shows it) */
		if (table_count(t) > 10 && cases[k].filter[0] == '\0') {
			table_move(t, 10);
			now = table_selected(t)->src;
			c = table_selected(t)->cluster;
			snprintf(uid, sizeof uid, "%s", now->uid);
			put_pod(st, c, (unsigned)atoi(uid + 4));
			probe = add_pod_row(t, c, now);
			assert_true(table_remove_like(t, probe));
			now = store_get_key(st, c, "pods", uid);
			assert_true(table_place(t, add_pod_row(t, c, now)));
			assert_ptr_equal(table_selected(t)->src, now);
		}
		table_free(t);
		store_free(st);
	}
	assert_true(moved > 0);
	assert_true(in_place > 0);
	(void)state;
}

/* The store row of put_pod's pod id. */
static const struct row *
pod_src(struct store *st, unsigned id)
{
	char uid[32];

	snprintf(uid, sizeof uid, "uid-%u", id);
	return store_get_key(st, id % 2, "pods", uid);
}

/* Batches of new pods (list pages) placed in one merge each: after each,
 * the same rows in the same order and the same column widths as a table
 * built afresh, and the selection on the row it was on; a row taken out
 * while selected and placed again in a batch is selected again. */
static void
test_batch_order(void **state)
{
	static const struct pods_sort cases[] = {
		{ NULL, 0, "" }, { "NAME", 1, "" }, { "RESTARTS", 2, "" },
		{ "AGE", 1, "run" }, { "CLUSTER", 2, "!pend" },
	};
	struct store *st;
	struct table *t, *ref;
	const struct table_row *sel;
	const struct row *src;
	struct table_row *probe;
	char *key;
	unsigned next;
	size_t k, b, i, nb, first, c;
	int wt[7], wr[7];
	bool from_empty;

	for (k = 0; k < sizeof cases / sizeof cases[0]; k++) {
		srand((unsigned)k + 31);
		st = store_new();
		store_add_cluster(st, pod_clusters[0]);
		store_add_cluster(st, pod_clusters[1]);
		from_empty = k % 2 == 0;	/* the first page into an empty table */
		for (next = 0; next < (from_empty ? 0u : 50u); next++)
			put_pod(st, next % 2, next);
		t = pods_table(st, cases[k].sort, cases[k].toggles, cases[k].filter);
		for (b = 0; b < 12; b++) {
			if (table_count(t) > 3)
				table_move(t, (long)(rand() % 3));
			sel = table_count(t) > 0 ? table_selected(t) : NULL;
			key = sel != NULL ? xstrdup(sel->key) : NULL;
			first = table_total(t);
			nb = 1 + (size_t)rand() % 40;
			for (i = 0; i < nb; i++, next++) {
				put_pod(st, next % 2, next);
				add_pod_row(t, next % 2, pod_src(st, next));
			}
			assert_true(table_place_from(t, first));
			ref = pods_table(st, cases[k].sort, cases[k].toggles, cases[k].filter);
			table_fit(t, 1000, true, wt);
			table_fit(ref, 1000, true, wr);
			assert_memory_equal(wt, wr, sizeof wt);
			assert_int_equal(table_total(t), table_total(ref));
			same_rows(t, ref);
			if (key != NULL)
				assert_string_equal(table_selected(t)->key, key);
			free(key);
		}
		/* the selected row taken out, then back in a batch: selected */
		if (table_count(t) > 5) {
			table_move(t, 4);
			src = table_selected(t)->src;
			c = table_selected(t)->cluster;
			key = xstrdup(table_selected(t)->key);
			probe = add_pod_row(t, c, src);
			assert_true(table_remove_like(t, probe));
			first = table_total(t);
			add_pod_row(t, c, src);
			put_pod(st, next % 2, next);
			add_pod_row(t, next % 2, pod_src(st, next));
			next++;
			assert_true(table_place_from(t, first));
			assert_string_equal(table_selected(t)->key, key);
			free(key);
		}
		table_free(t);
		store_free(st);
	}

	/* refused: a row with no source, or no order to place into */
	t = table_new(podview_cols, sizeof podview_cols / sizeof podview_cols[0]);
	table_begin(t);
	table_end(t);
	first = table_total(t);
	table_set(table_add(t, "plain", 0), 2, "plain", 0);
	assert_false(table_place_from(t, first));
	assert_false(table_place_from(t, table_total(t) + 1));
	table_free(t);
	(void)state;
}

/* Pod name of the shop namespace in phase (the same object each time). */
static const struct row *
put_phase(struct store *st, const char *name, const char *phase)
{
	json_t *pod = json_pack("{s:s,s:s,s:{s:s,s:s,s:s,s:s},s:{s:[{s:s}]},s:{s:s}}",
	    "apiVersion", "v1", "kind", "Pod", "metadata", "name", name, "namespace", "shop",
	    "uid", name, "creationTimestamp", "2023-11-14T22:13:20Z", "spec", "containers",
	    "name", "app", "status", "phase", phase);

	store_upsert(st, 0, "pods", pod);
	json_decref(pod);
	return store_get(st, 0, "pods", "shop", name);
}

/* table_replace of the row built from old by one built from now. */
static bool
replace_row(struct table *t, const struct row *old, const struct row *now)
{
	struct table_row *probe = add_pod_row(t, 0, old);

	return table_replace(t, probe, add_pod_row(t, 0, now));
}

/* A change that leaves a row's sort keys alone replaces it where it is
 * (no other row moves); under a filter it leaves the rows shown, or comes
 * back to them, where a full sort puts it, the selection kept on it. */
static void
test_replace_in_place(void **state)
{
	struct store *st = store_new();
	struct table *t, *ref;
	const struct row *old, *now;
	struct table_row *moved_row;
	char name[16], *cause = NULL;
	int i;

	store_add_cluster(st, pod_clusters[0]);
	for (i = 0; i < 20; i++) {
		snprintf(name, sizeof name, "web-%02d", i);
		put_phase(st, name, "Running");
	}
	t = pods_table(st, NULL, 0, "Running");
	assert_int_equal(table_count(t), 20);
	table_move(t, 7);
	assert_string_equal(table_selected(t)->name, "web-07");
	/* web-03 stops running: out of the rows shown, web-07 still selected */
	old = store_get(st, 0, "pods", "shop", "web-03");
	now = put_phase(st, "web-03", "Pending");
	assert_true(replace_row(t, old, now));
	moved_row = table_row_raw(t, table_total(t) - 1);
	assert_ptr_not_equal(moved_row->src, now);	/* in place, not placed last */
	assert_int_equal(table_total(t), 20);
	ref = pods_table(st, NULL, 0, "Running");
	same_rows(t, ref);
	assert_string_equal(table_selected(t)->name, "web-07");
	/* and runs again: back where it sorts */
	old = now;
	now = put_phase(st, "web-03", "Running");
	assert_true(replace_row(t, old, now));
	ref = pods_table(st, NULL, 0, "Running");
	same_rows(t, ref);
	assert_string_equal(table_selected(t)->name, "web-07");
	/* the selected row itself changes in place: still selected */
	old = store_get(st, 0, "pods", "shop", "web-07");
	now = put_phase(st, "web-07", "Running (2)");
	assert_true(replace_row(t, old, now));
	assert_ptr_equal(table_selected(t)->src, now);
	/* no row like the probe: both go, nothing else changes */
	old = now;
	assert_int_equal(table_set_filter(t, "", &cause), 0);
	now = put_phase(st, "web-99", "Running");
	assert_false(replace_row(t, now, old));
	assert_int_equal(table_total(t), 20);
	table_free(t);
	store_free(st);
	(void)state;
}

/* Column col of row r, in t, set to text in place; true if r was shown. */
static bool
edit_cell(struct table *t, struct table_row *r, size_t col, const char *text)
{
	bool shown = table_edit(t, r);

	table_set(r, col, text, 0);
	table_edit_done(t, r, shown);
	return shown;
}

/* The width table_fit gives column col of t. */
static int
fit_col(struct table *t, size_t col)
{
	int w[7];

	table_fit(t, 1000, true, w);
	return w[col];
}

/* Cells set in place between table_edit and table_edit_done: the column
 * widens to a wider cell and narrows again when it goes; a row the filter
 * hides counts only once it is shown. */
static void
test_edit_in_place(void **state)
{
	struct store *st = store_new();
	struct table *t;
	struct table_row *r = NULL;
	char name[16], *cause = NULL;
	size_t i;

	store_add_cluster(st, pod_clusters[0]);
	for (i = 0; i < 20; i++) {
		snprintf(name, sizeof name, "web-%02zu", i);
		put_phase(st, name, i == 5 ? "Pending" : "Running");
	}
	t = pods_table(st, NULL, 0, "Running");
	assert_int_equal(fit_col(t, 1), 9);	/* "NAMESPACE" over "shop" */
	assert_true(edit_cell(t, table_row_at(t, 3), 1, "a-much-longer-namespace"));
	assert_int_equal(fit_col(t, 1), 23);
	/* a second row as wide: the first going back leaves it the widest */
	edit_cell(t, table_row_at(t, 8), 1, "another-long-namespace!");
	edit_cell(t, table_row_at(t, 3), 1, "shop");
	assert_int_equal(fit_col(t, 1), 23);
	edit_cell(t, table_row_at(t, 8), 1, "shop");
	assert_int_equal(fit_col(t, 1), 9);
	/* web-05 is filtered out: its width counts once it shows */
	for (i = 0; i < table_total(t); i++) {
		r = table_row_raw(t, i);
		if (strcmp(r->name, "web-05") == 0)
			break;
	}
	assert_string_equal(r->name, "web-05");
	assert_false(edit_cell(t, r, 1, "the-namespace-of-a-pending-pod"));
	assert_int_equal(fit_col(t, 1), 9);
	assert_int_equal(table_set_filter(t, "", &cause), 0);
	assert_int_equal(fit_col(t, 1), 30);
	table_free(t);
	store_free(st);
	(void)state;
}

/* Ages are formatted for the rows drawn only: built, an age column is as
 * wide as an age's room to grow; a wider age widens it once it is shown. */
static void
test_ages_drawn_only(void **state)
{
	struct store *st = store_new();
	struct table *t;
	struct table_style ts;
	FILE *out = fopen("/dev/null", "w"), *in = fopen("/dev/null", "r");
	SCREEN *scr;
	WINDOW *win;
	json_t *pod;
	char name[16];
	int i, w[7];

	assert_non_null(out);
	assert_non_null(in);
	store_add_cluster(st, pod_clusters[0]);
	for (i = 0; i < 30; i++) {
		snprintf(name, sizeof name, "web-%02d", i);
		put_phase(st, name, "Running");		/* 27h old when built */
	}
	/* 2y107d old, sorted last */
	pod = json_pack("{s:s,s:s,s:{s:s,s:s,s:s,s:s},s:{s:[{s:s}]},s:{s:s}}",
	    "apiVersion", "v1", "kind", "Pod", "metadata", "name", "zz-old", "namespace",
	    "shop", "uid", "zz-old", "creationTimestamp", "2021-08-01T00:00:00Z", "spec",
	    "containers", "name", "app", "status", "phase", "Running");
	store_upsert(st, 0, "pods", pod);
	json_decref(pod);
	t = pods_table(st, NULL, 0, "");
	scr = newterm("xterm", out, in);
	if (scr == NULL) {
		fclose(out);
		fclose(in);
		table_free(t);
		store_free(st);
		skip();
	}
	table_fit(t, 160, false, w);
	assert_int_equal(w[6], 5);
	win = newwin(6, 160, 0, 0);
	memset(&ts, 0, sizeof ts);
	ts.ellipsis = "~";
	ts.now = 1700100000;
	table_draw(t, win, 0, 0, 6, 160, &ts);
	table_fit(t, 160, false, w);
	assert_int_equal(w[6], 5);		/* "27h" shown */
	table_bottom(t);
	table_draw(t, win, 0, 0, 6, 160, &ts);
	table_fit(t, 160, false, w);
	assert_int_equal(w[6], 6);		/* "2y107d" shown */
	screen_done(win, scr, out, in);
	table_free(t);
	store_free(st);
	(void)state;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_filter_regex),
		cmocka_unit_test(test_filter_invert),
		cmocka_unit_test(test_filter_labels),
		cmocka_unit_test(test_sort),
		cmocka_unit_test(test_flag_first),
		cmocka_unit_test(test_selection_and_marks),
		cmocka_unit_test(test_fit),
		cmocka_unit_test(test_fit_priority),
		cmocka_unit_test(test_fit_usage),
		cmocka_unit_test(test_fit_keep),
		cmocka_unit_test(test_fit_keep_little_room),
		cmocka_unit_test(test_timed_grow),
		cmocka_unit_test(test_fit_bytes),
		cmocka_unit_test(test_live_filter),
		cmocka_unit_test(test_incremental_order),
		cmocka_unit_test(test_batch_order),
		cmocka_unit_test(test_replace_in_place),
		cmocka_unit_test(test_edit_in_place),
		cmocka_unit_test(test_ages_drawn_only),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
