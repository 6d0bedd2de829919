/* The console's own commands: its views (one per kind with a view), the
 * namespace, navigation and the table's filter and sort, options (:set),
 * help, the prompt and :q. The command table itself is tui/cmd.c. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "opsdeck/cmd.h"
#include "opsdeck/kinds.h"
#include "opsdeck/loop.h"
#include "opsdeck/prompt.h"
#include "opsdeck/runbook.h"
#include "opsdeck/table.h"
#include "opsdeck/ui.h"
#include "opsdeck/xmalloc.h"

/* The console behind ctx, or NULL with *cause. */
static struct ui *
cmd_console(struct cmd_ctx *ctx, const char *name, char **cause)
{
	struct ui *ui = cmd_console_ui(ctx);

	if (ui == NULL)
		*cause = xasprintf("%s: only available in the console", name);
	return ui;
}

/* :pods [@cluster] [NAMESPACE|-A] and every other view. */
static int
cmd_view_exec(struct cmd_ctx *ctx, int argc, char **argv, char **cause)
{
	char *arg;
	int rc;

	if (ctx->ui_ops == NULL || ctx->ui_ops->show_view == NULL) {
		*cause = xasprintf("%s: only available in the console", argv[0]);
		return -1;
	}
	arg = cmd_join_argv(argc, argv, 1);
	rc = ctx->ui_ops->show_view(ctx->ui, argv[0], arg, cause);
	free(arg);
	return rc;
}

/* :ns NAME | -A | all */
static int
cmd_ns_exec(struct cmd_ctx *ctx, int argc, char **argv, char **cause)
{
	struct ui *ui = cmd_console(ctx, argv[0], cause);
	const char *ns = NULL;
	char *note = NULL;

	if (ui == NULL)
		return -1;
	if (argc > 1 && strcmp(argv[1], "-A") != 0 && strcmp(argv[1], "all") != 0 &&
	    strcmp(argv[1], "*") != 0)
		ns = argv[1];
	/* a namespace no cluster has changes nothing */
	if (ns != NULL && ui_namespace_check(ui, SIZE_MAX, ns, &note, cause) != 0)
		return -1;
	free(ui->ns);
	ui->ns = ns != NULL ? xstrdup(ns) : NULL;
	ui_message(ui, false, "namespace: %s%s%s%s", ui->ns != NULL ? ui->ns : "all",
	    note != NULL ? " (" : "", note != NULL ? note : "", note != NULL ? ")" : "");
	free(note);
	ui_dirty(ui);
	return 0;
}

/* The operator answered "quit while a runbook runs?". */
static void
cmd_quit_answered(bool ok, void *arg)
{
	struct ui *ui = arg;

	if (!ok)
		return;
	runbook_console_interrupt("the operator quit the console");
	ui->quit = true;
	loop_stop(ui->loop);
}

/* :quit (while a runbook runs: asks first) */
static int
cmd_quit_exec(struct cmd_ctx *ctx, int argc, char **argv, char **cause)
{
	struct ui *ui = cmd_console(ctx, argv[0], cause);
	char *what = NULL, *q;

	if (ui == NULL)
		return -1;
	if (runbook_console_running(&what) && ctx->ui_ops != NULL &&
	    ctx->ui_ops->confirm != NULL) {
		q = xasprintf("Runbook %s is running.\nQuit anyway? The run is recorded as "
		    "interrupted at this step, in the audit log and the incident.", what);
		ctx->ui_ops->confirm(ctx->ui, "quit while a runbook runs", q, NULL,
		    cmd_quit_answered, ui);
		free(q);
		free(what);
		return 0;
	}
	free(what);
	ui->quit = true;
	return 0;
}

/* :set [NAME [VALUE]] */
static int
cmd_set_exec(struct cmd_ctx *ctx, int argc, char **argv, char **cause)
{
	struct ui *ui = cmd_console(ctx, argv[0], cause);
	const struct ui_option *o;
	char *v;
	size_t i;

	if (ui == NULL)
		return -1;
	if (argc < 2) {
		ui_open(ui, "help", "options", false, cause);
		return 0;
	}
	if (argc == 2) {
		for (i = 0; i < ui_noptions; i++) {
			o = &ui_options[i];
			if (strcmp(o->name, argv[1]) != 0 || o->type != UI_OPT_BOOL)
				continue;
			if (ui_option_set(ui, argv[1], "toggle", cause) != 0)
				return -1;
			v = ui_option_get(ui, argv[1]);
			ui_message(ui, false, "%s %s", argv[1], v != NULL ? v : "");
			free(v);
			return 0;
		}
		v = ui_option_get(ui, argv[1]);
		if (v == NULL) {
			*cause = xasprintf("unknown option: %s", argv[1]);
			return -1;
		}
		ui_message(ui, false, "%s %s", argv[1], v);
		free(v);
		return 0;
	}
	if (ui_option_set(ui, argv[1], argv[2], cause) != 0)
		return -1;
	v = ui_option_get(ui, argv[1]);
	ui_message(ui, false, "%s %s", argv[1], v != NULL ? v : "");
	free(v);
	return 0;
}

/* :help */
static int
cmd_help_exec(struct cmd_ctx *ctx, int argc, char **argv, char **cause)
{
	struct ui *ui = cmd_console(ctx, argv[0], cause);

	if (ui == NULL)
		return -1;
	return ui_open(ui, "help", argc > 1 ? argv[1] : NULL, false, cause);
}

/* The current view's table, or NULL with *cause. */
static struct table *
cmd_table(struct cmd_ctx *ctx, const char *name, char **cause)
{
	struct ui *ui = cmd_console(ctx, name, cause);

	if (ui == NULL)
		return NULL;
	if (ui->view == NULL || ui->view->table == NULL) {
		*cause = xasprintf("%s: this view has no table", name);
		return NULL;
	}
	return ui->view->table;
}

/* :filter [EXPR] — regex, !regex, -l selector; no argument clears. */
static int
cmd_filter_exec(struct cmd_ctx *ctx, int argc, char **argv, char **cause)
{
	struct table *t = cmd_table(ctx, argv[0], cause);
	char *spec;
	int rc;

	if (t == NULL)
		return -1;
	spec = cmd_join_argv(argc, argv, 1);
	rc = table_set_filter(t, spec, cause);
	free(spec);
	ui_dirty(ctx->ui);
	return rc;
}

/* :sort [COLUMN | -n | -p] */
static int
cmd_sort_exec(struct cmd_ctx *ctx, int argc, char **argv, char **cause)
{
	struct table *t = cmd_table(ctx, argv[0], cause);
	int dir, col;

	if (t == NULL)
		return -1;
	if (argc < 2 || strcmp(argv[1], "-n") == 0)
		table_sort_step(t, 1);
	else if (strcmp(argv[1], "-p") == 0)
		table_sort_step(t, -1);
	else if (table_sort_by(t, argv[1], cause) != 0)
		return -1;
	col = table_sort_col(t, &dir);
	if (col >= 0)
		ui_message(ctx->ui, false, "sorted by %s %s", table_col_at(t, (size_t)col)->name,
		    dir > 0 ? "ascending" : "descending");
	ui_dirty(ctx->ui);
	return 0;
}

/* Movement and marks: up, down, top, bottom, page-up, page-down, mark, clear-marks. */
static int
cmd_move_exec(struct cmd_ctx *ctx, int argc, char **argv, char **cause)
{
	struct table *t;
	long n = 1;

	t = cmd_table(ctx, argv[0], cause);
	if (t == NULL) {
		free(*cause);
		*cause = NULL;
		/* views without a table take movement as keys (text, logs) */
		return ctx->ui != NULL ? 0 : -1;
	}
	if (argc > 1)
		n = strtol(argv[1], NULL, 10);
	if (n <= 0)
		n = 1;
	if (strcmp(argv[0], "up") == 0)
		table_move(t, -n);
	else if (strcmp(argv[0], "down") == 0)
		table_move(t, n);
	else if (strcmp(argv[0], "top") == 0)
		table_top(t);
	else if (strcmp(argv[0], "bottom") == 0)
		table_bottom(t);
	else if (strcmp(argv[0], "page-up") == 0)
		table_page(t, -1);
	else if (strcmp(argv[0], "page-down") == 0)
		table_page(t, 1);
	else if (strcmp(argv[0], "mark") == 0)
		table_toggle_mark(t);
	else if (strcmp(argv[0], "clear-marks") == 0)
		table_clear_marks(t);
	ui_dirty(ctx->ui);
	return 0;
}

/* enter (drill down) and back (Esc). */
static int
cmd_nav_exec(struct cmd_ctx *ctx, int argc, char **argv, char **cause)
{
	struct ui *ui = cmd_console(ctx, argv[0], cause);

	if (ui == NULL)
		return -1;
	ui_dirty(ui);
	if (strcmp(argv[0], "back") == 0) {
		if (ui->view != NULL && ui->view->table != NULL &&
		    table_filter(ui->view->table) != NULL) {
			/* Esc first clears a filter, then leaves the view */
			return table_set_filter(ui->view->table, "", cause);
		}
		ui_back(ui);
		return 0;
	}
	if (ui->view == NULL || ui->view->cls->enter == NULL) {
		*cause = xstrdup("nothing to open here");
		return -1;
	}
	return ui->view->cls->enter(ui->view, cause);
}

/* The selected row (not the marks) in the console, else the first of
 * ctx's targets, or NULL with *cause. */
static const struct cmd_target *
cmd_one_target(struct cmd_ctx *ctx, const char *name, char **cause)
{
	static struct cmd_target sel;
	struct ui *ui = ctx->ui;
	struct table_row *r;

	if (ui != NULL && ui->view != NULL && ui->view->table != NULL) {
		r = table_selected(ui->view->table);
		if (r != NULL && r->name != NULL) {
			sel.cluster = r->cluster;
			sel.resource = r->resource != NULL ? r->resource : ui->view->resource;
			sel.ns = r->ns;
			sel.name = r->name;
			sel.uid = r->uid;
			return &sel;
		}
	}
	if (ctx->ntargets == 0) {
		*cause = xasprintf("%s: nothing selected", name);
		return NULL;
	}
	return &ctx->targets[0];
}

/* describe / yaml: the selected object, fetched from its cluster. */
static int
cmd_object_exec(struct cmd_ctx *ctx, int argc, char **argv, char **cause)
{
	const struct cmd_target *t;
	struct ui *ui = cmd_console(ctx, argv[0], cause);

	if (ui == NULL)
		return -1;
	t = cmd_one_target(ctx, argv[0], cause);
	if (t == NULL)
		return -1;
	return view_text_open(ui, argv[0], t->cluster, t->resource, t->ns, t->name, t->uid,
	    cause);
}

/* logs [-p] [CONTAINER]: the selected pod's log. */
static int
cmd_logs_exec(struct cmd_ctx *ctx, int argc, char **argv, char **cause)
{
	const struct cmd_target *t;
	struct ui *ui = cmd_console(ctx, argv[0], cause);
	const char *container = NULL;
	bool previous = false;
	int i;

	if (ui == NULL)
		return -1;
	t = cmd_one_target(ctx, argv[0], cause);
	if (t == NULL)
		return -1;
	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "-p") == 0 || strcmp(argv[i], "--previous") == 0)
			previous = true;
		else
			container = argv[i];
	}
	if (strcmp(t->resource, "pods") != 0) {
		*cause = xasprintf("logs: select a pod (this is %s)", t->resource);
		return -1;
	}
	return view_logs_open(ui, t->cluster, t->ns, t->name, container, previous, cause);
}

/* command-prompt, filter-prompt, redraw. */
static int
cmd_prompt_exec(struct cmd_ctx *ctx, int argc, char **argv, char **cause)
{
	struct ui *ui = cmd_console(ctx, argv[0], cause);
	char *initial;

	if (ui == NULL)
		return -1;
	if (strcmp(argv[0], "redraw") == 0) {
		if (ui->curses)
			clearok(curscr, TRUE);
		ui_dirty(ui);
		return 0;
	}
	initial = cmd_join_argv(argc, argv, 1);
	if (strcmp(argv[0], "filter-prompt") == 0)
		prompt_start(ui, UI_PROMPT_FILTER, "/", initial);
	else
		prompt_start(ui, UI_PROMPT_COMMAND, ":", initial);
	free(initial);
	return 0;
}

/* The overview comes first; then a view per kind (kinds.h). */
static const struct cmd_entry console_first[] = {
	{ "overview", "ov", "", "what is wrong now, per cluster", CMD_CONSOLE_ONLY, NULL, cmd_view_exec },
};

/* The rest of the console's commands. */
static const struct cmd_entry console_cmds[] = {
	{ "contexts", "ctx", "[CONTEXT]", "the selected contexts and their connection state", CMD_CONSOLE_ONLY, NULL, cmd_view_exec },
	{ "port-forwards", "pf", "", "the console's kubectl port-forwards (C-d stops one)", CMD_CONSOLE_ONLY, NULL, cmd_view_exec },
	{ "alert-groups", "ag", "[@CLUSTER]", "alerts grouped by name and cluster, recently expired silences", CMD_CONSOLE_ONLY, NULL, cmd_view_exec },
	{ "ns", "namespace", "NAMESPACE|-A", "show one namespace, or all", CMD_CONSOLE_ONLY, NULL, cmd_ns_exec },
	{ "quit", "q", "", "leave the console", CMD_CONSOLE_ONLY, NULL, cmd_quit_exec },
	{ "set", NULL, "[OPTION [VALUE]]", "show or set an option (a bare boolean toggles)", CMD_CONSOLE_ONLY, NULL, cmd_set_exec },
	{ "help", "?", "[options]", "keys, commands and options", CMD_CONSOLE_ONLY, NULL, cmd_help_exec },
	{ "filter", NULL, "[REGEX | !REGEX | -l SELECTOR]", "filter rows (no argument clears)", CMD_CONSOLE_ONLY, NULL, cmd_filter_exec },
	{ "sort", NULL, "[COLUMN | -n | -p]", "sort by a column; again reverses", CMD_CONSOLE_ONLY, NULL, cmd_sort_exec },
	{ "up", NULL, "[N]", "move the selection up", CMD_CONSOLE_ONLY, NULL, cmd_move_exec },
	{ "down", NULL, "[N]", "move the selection down", CMD_CONSOLE_ONLY, NULL, cmd_move_exec },
	{ "top", NULL, "", "first row", CMD_CONSOLE_ONLY, NULL, cmd_move_exec },
	{ "bottom", NULL, "", "last row", CMD_CONSOLE_ONLY, NULL, cmd_move_exec },
	{ "page-up", NULL, "", "one page up", CMD_CONSOLE_ONLY, NULL, cmd_move_exec },
	{ "page-down", NULL, "", "one page down", CMD_CONSOLE_ONLY, NULL, cmd_move_exec },
	{ "mark", NULL, "", "mark or unmark the row (bulk actions)", CMD_CONSOLE_ONLY, NULL, cmd_move_exec },
	{ "clear-marks", NULL, "", "unmark every row", CMD_CONSOLE_ONLY, NULL, cmd_move_exec },
	{ "enter", NULL, "", "open the selection (drill down)", CMD_CONSOLE_ONLY, NULL, cmd_nav_exec },
	{ "back", NULL, "", "clear the filter, else go back", CMD_CONSOLE_ONLY, NULL, cmd_nav_exec },
	{ "describe", NULL, "", "describe the selected object", CMD_CONSOLE_ONLY | CMD_NEEDS_TARGET, NULL, cmd_object_exec },
	{ "yaml", NULL, "", "the selected object as YAML", CMD_CONSOLE_ONLY | CMD_NEEDS_TARGET, NULL, cmd_object_exec },
	{ "logs", "log", "[-p] [CONTAINER]", "the selected pod's log (-p: previous container)", CMD_CONSOLE_ONLY | CMD_NEEDS_TARGET, "pods", cmd_logs_exec },
	{ "command-prompt", NULL, "[TEXT]", "open the : prompt", CMD_CONSOLE_ONLY, NULL, cmd_prompt_exec },
	{ "filter-prompt", NULL, "[TEXT]", "open the / filter prompt", CMD_CONSOLE_ONLY, NULL, cmd_prompt_exec },
	{ "redraw", NULL, "", "redraw the screen", CMD_CONSOLE_ONLY, NULL, cmd_prompt_exec },
};

/* The view commands, one per kind with a view: named after the view, the
 * alias the plural where the view's name is not (hpa), else kubectl's first
 * short name. Built once; lives as long as the program. */
static const struct cmd_entry *
cmd_kind_views(size_t *n)
{
	static struct cmd_entry *views;
	static size_t nviews;
	const struct kind *k;
	struct cmd_entry *e;
	size_t i;

	if (views != NULL) {
		*n = nviews;
		return views;
	}
	views = xcalloc(nkinds, sizeof *views);
	for (i = 0; i < nkinds; i++) {
		k = &kinds[i];
		if (k->view.name == NULL)
			continue;
		e = &views[nviews++];
		e->name = k->view.name;
		if (strcmp(k->view.name, k->resource) != 0)
			e->alias = k->resource;
		else if (*k->short_names != '\0')
			e->alias = xstrndup(k->short_names, strcspn(k->short_names, ","));
		e->args = k->view.args != NULL ? k->view.args :
		    k->namespaced ? "[@CLUSTER] [NAMESPACE|-A]" : "[@CLUSTER]";
		e->help = k->view.help;
		e->flags = CMD_CONSOLE_ONLY;
		e->exec = cmd_view_exec;
	}
	*n = nviews;
	return views;
}

void
cmd_console_register(void)
{
	const struct cmd_entry *views;
	size_t n;

	views = cmd_kind_views(&n);
	cmd_register(console_first, sizeof console_first / sizeof console_first[0]);
	cmd_register(views, n);
	cmd_register(console_cmds, sizeof console_cmds / sizeof console_cmds[0]);
}
