/* The command table: registration, lookup by name, alias or unambiguous
 * prefix, shell-like splitting, the read-only guard, and the console's own
 * commands (views, navigation, options). */
#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "opsdeck/cmd.h"
#include "opsdeck/kinds.h"
#include "opsdeck/loop.h"
#include "opsdeck/prompt.h"
#include "opsdeck/runbook.h"
#include "opsdeck/store.h"
#include "opsdeck/table.h"
#include "opsdeck/ui.h"
#include "opsdeck/xmalloc.h"

#define CMD_MAX_TABLES	32
#define CMD_MAX_LINE	4096
#define CMD_MAX_ARGS	64

/* Registered tables. */
static struct {
	const struct cmd_entry	*entries;
	size_t			 n;
} cmd_tables[CMD_MAX_TABLES];
static size_t cmd_ntables;

void
cmd_register(const struct cmd_entry *entries, size_t n)
{
	size_t i;

	for (i = 0; i < cmd_ntables; i++) {
		if (cmd_tables[i].entries == entries)
			return;	/* already registered */
	}
	if (cmd_ntables == CMD_MAX_TABLES)
		fatal("too many command tables");
	cmd_tables[cmd_ntables].entries = entries;
	cmd_tables[cmd_ntables].n = n;
	cmd_ntables++;
}

size_t
cmd_count(void)
{
	size_t i, n = 0;

	for (i = 0; i < cmd_ntables; i++)
		n += cmd_tables[i].n;
	return n;
}

const struct cmd_entry *
cmd_at(size_t idx)
{
	size_t i;

	for (i = 0; i < cmd_ntables; i++) {
		if (idx < cmd_tables[i].n)
			return &cmd_tables[i].entries[idx];
		idx -= cmd_tables[i].n;
	}
	return NULL;
}

/* Find a command: exact name, exact alias, then unambiguous prefix. */
const struct cmd_entry *
cmd_find(const char *name, char **cause)
{
	const struct cmd_entry *e, *found = NULL;
	size_t i, n, len = strlen(name), nfound = 0, off;
	char list[512];

	if (len == 0) {
		*cause = xstrdup("empty command");
		return NULL;
	}
	n = cmd_count();
	for (i = 0; i < n; i++) {
		e = cmd_at(i);
		if (strcmp(e->name, name) == 0)
			return e;
	}
	for (i = 0; i < n; i++) {
		e = cmd_at(i);
		if (e->alias != NULL && strcmp(e->alias, name) == 0)
			return e;
	}
	list[0] = '\0';
	off = 0;
	for (i = 0; i < n; i++) {
		e = cmd_at(i);
		if (strncmp(e->name, name, len) != 0)
			continue;
		if (found == e)
			continue;
		nfound++;
		found = e;
		if (off < sizeof list - 1)
			off += (size_t)snprintf(list + off, sizeof list - off, "%s%s",
			    off > 0 ? ", " : "", e->name);
	}
	if (nfound == 1)
		return found;
	if (nfound == 0)
		*cause = xasprintf("unknown command: %s", name);
	else
		*cause = xasprintf("ambiguous command: %s, could be: %s", name, list);
	return NULL;
}

void
cmd_free_argv(int argc, char **argv)
{
	int i;

	if (argv == NULL)
		return;
	for (i = 0; i < argc; i++)
		free(argv[i]);
	free(argv);
}

/* Split a line into words: whitespace separates, '...' is literal, "..."
 * allows \" \\ escapes, a backslash outside quotes escapes the next byte. */
int
cmd_split(const char *line, int *argc, char ***argv, char **cause)
{
	char *word = NULL, **av;
	size_t wlen = 0;
	const char *p = line;
	int ac = 0, in_word = 0;
	char q;

	*argc = 0;
	*argv = NULL;
	if (strlen(line) > CMD_MAX_LINE) {
		*cause = xstrdup("command line too long");
		return -1;
	}
	av = xcalloc(CMD_MAX_ARGS + 1, sizeof *av);
	word = xmalloc(strlen(line) + 1);
	for (;;) {
		if (*p == '\0' || isspace((unsigned char)*p)) {
			if (in_word) {
				if (ac == CMD_MAX_ARGS) {
					*cause = xstrdup("too many arguments");
					goto fail;
				}
				word[wlen] = '\0';
				av[ac++] = xstrdup(word);
				wlen = 0;
				in_word = 0;
			}
			if (*p == '\0')
				break;
			p++;
			continue;
		}
		in_word = 1;
		if (*p == '\\') {
			p++;
			if (*p == '\0')
				break;
			word[wlen++] = *p++;
			continue;
		}
		if (*p == '\'' || *p == '"') {
			q = *p++;
			while (*p != '\0' && *p != q) {
				if (q == '"' && *p == '\\' && (p[1] == '"' || p[1] == '\\'))
					p++;
				word[wlen++] = *p++;
			}
			if (*p != q) {
				*cause = xasprintf("unterminated %s quote",
				    q == '"' ? "double" : "single");
				goto fail;
			}
			p++;
			continue;
		}
		word[wlen++] = *p++;
	}
	free(word);
	*argc = ac;
	*argv = av;
	return 0;
fail:
	free(word);
	cmd_free_argv(ac, av);
	return -1;
}

/* Take the scope words (struct cmd_scope) of argv[1..] into *sc; the other
 * words go to *out (borrowed, NULL-terminated; the caller frees the array),
 * argv[0] first. 0, or -1 with *cause if an option lacks its value. */
static int
cmd_scope_parse(const struct cmd_entry *e, int argc, char *const *argv, struct cmd_scope *sc,
    int *outc, char ***out, char **cause)
{
	const char **slot;
	int a, n = 1;

	*out = xcalloc((size_t)argc + 1, sizeof **out);
	(*out)[0] = argv[0];
	for (a = 1; a < argc; a++) {
		slot = NULL;
		if (argv[a][0] == '@' && argv[a][1] != '\0') {
			sc->context = argv[a] + 1;
			continue;
		}
		if (strncmp(argv[a], "--context=", 10) == 0) {
			sc->context = argv[a] + 10;
			continue;
		}
		if (strcmp(argv[a], "--context") == 0)
			slot = &sc->context;
		else if (strcmp(argv[a], "-n") == 0)
			slot = &sc->ns;
		else if (strcmp(argv[a], "-t") == 0)
			slot = &sc->target;
		if (slot == NULL) {
			(*out)[n++] = argv[a];
			continue;
		}
		if (a + 1 >= argc) {
			*cause = xasprintf("%s: %s needs a value", e->name, argv[a]);
			free(*out);
			*out = NULL;
			return -1;
		}
		*slot = argv[++a];
	}
	*outc = n;
	return 0;
}

/* The read-only rule, written here only. */
char *
cmd_read_only_refusal(bool read_only, const struct store_cluster *sc)
{
	if (read_only)
		return xstrdup("refused: read-only mode");
	if (sc != NULL && sc->read_only)
		return xasprintf("refused: context %s is read-only", sc->name);
	return NULL;
}

/* The refusal (new) of a change going to cluster ci of st, or NULL. */
static char *
cmd_cluster_refusal(struct store *st, size_t ci)
{
	if (st == NULL || ci >= store_ncluster(st))
		return NULL;
	return cmd_read_only_refusal(false, store_cluster(st, ci));
}

/*
 * The guard every command passes before it runs.
 *
 * The read-only rule (cmd_read_only_refusal) is asked at two points, with
 * the same words. Here, for every CMD_MUTATES entry, on what the command's
 * words and selection name (the session, each target's cluster, the scope's
 * context): a refused command asks nothing, plans nothing, writes no audit
 * line and fails at once (the CLI's exit status, the status line). The
 * action pipeline asks again per target once the action has resolved where
 * it writes (op_start in actions.c): a target the words did not name (an
 * untargeted action defaulting to the first context) is known only there;
 * that refusal settles the target like any other (audited "refused").
 */
int
cmd_check(const struct cmd_entry *e, struct cmd_ctx *ctx, char **cause)
{
	char *refusal;
	size_t i;

	if ((e->flags & CMD_CONSOLE_ONLY) &&
	    (ctx->ui_ops == NULL || ctx->ui_ops->show_view == NULL)) {
		*cause = xasprintf("%s: only available in the console", e->name);
		return -1;
	}
	if (!(e->flags & CMD_MUTATES))
		return 0;
	refusal = cmd_read_only_refusal(ctx->read_only, NULL);
	for (i = 0; refusal == NULL && i < ctx->ntargets; i++)
		refusal = cmd_cluster_refusal(ctx->store, ctx->targets[i].cluster);
	if (refusal == NULL && ctx->scope.context != NULL && ctx->store != NULL)
		refusal = cmd_cluster_refusal(ctx->store,
		    store_cluster_find(ctx->store, ctx->scope.context));
	if (refusal != NULL) {
		*cause = xasprintf("%s: %s", e->name, refusal);
		free(refusal);
		return -1;
	}
	if ((e->flags & CMD_NEEDS_TARGET) && ctx->ntargets == 0 && ctx->origin == CMD_FROM_KEY) {
		*cause = xasprintf("%s: nothing selected", e->name);
		return -1;
	}
	return 0;
}

/* True if word reads back from cmd_split unchanged without quotes. */
static bool
cmd_word_plain(const char *w)
{
	const unsigned char *p;

	if (*w == '\0')
		return false;
	for (p = (const unsigned char *)w; *p != '\0'; p++) {
		if (isspace(*p) || *p == '\'' || *p == '"' || *p == '\\' || *p < 0x20 ||
		    *p == 0x7f)
			return false;
	}
	return true;
}

/* The words as one line that cmd_split reads back as the same words. */
char *
cmd_quote_argv(int argc, char *const *argv)
{
	size_t len = 1, i;
	char *s, *o;
	int a;

	for (a = 0; a < argc; a++)
		len += 2 * strlen(argv[a]) + 3;
	s = o = xmalloc(len);
	for (a = 0; a < argc; a++) {
		if (a > 0)
			*o++ = ' ';
		if (cmd_word_plain(argv[a])) {
			o = stpcpy(o, argv[a]);
			continue;
		}
		/* "..." with \" and \\ escaped: everything else is literal */
		*o++ = '"';
		for (i = 0; argv[a][i] != '\0'; i++) {
			if (argv[a][i] == '"' || argv[a][i] == '\\')
				*o++ = '\\';
			*o++ = argv[a][i];
		}
		*o++ = '"';
	}
	*o = '\0';
	return s;
}

/* Find, guard and run a command given as words; argv[0] is the command. */
int
cmd_execute_argv(struct cmd_ctx *ctx, int argc, char *const *argv, char **cause)
{
	const struct cmd_entry *e;
	struct cmd_scope outer = ctx->scope;
	char **words = NULL, **av;
	int a, n = argc, rc = -1;

	if (argc == 0) {
		*cause = xstrdup("empty command");
		return -1;
	}
	e = cmd_find(argv[0], cause);
	if (e == NULL)
		return -1;
	memset(&ctx->scope, 0, sizeof ctx->scope);
	if (e->flags & CMD_SCOPED) {
		if (cmd_scope_parse(e, argc, argv, &ctx->scope, &n, &words, cause) != 0)
			goto out;
	}
	if (cmd_check(e, ctx, cause) != 0)
		goto out;
	av = xcalloc((size_t)n + 1, sizeof *av);
	av[0] = xstrdup(e->name);
	for (a = 1; a < n; a++)
		av[a] = xstrdup(words != NULL ? words[a] : argv[a]);
	rc = e->exec(ctx, n, av, cause);
	if (rc != 0 && *cause == NULL)
		*cause = xasprintf("%s failed", e->name);
	cmd_free_argv(n, av);
out:
	free(words);
	ctx->scope = outer;
	return rc;
}

/* Split, find, guard and run a command line. */
int
cmd_execute(struct cmd_ctx *ctx, const char *line, char **cause)
{
	char **argv = NULL;
	int argc = 0, rc;

	while (*line == ' ' || *line == ':')
		line++;
	if (cmd_split(line, &argc, &argv, cause) != 0)
		return -1;
	rc = cmd_execute_argv(ctx, argc, argv, cause);
	cmd_free_argv(argc, argv);
	return rc;
}

/*
 * The console's own commands.
 */

/* The console a command runs in, or NULL headless: only the console shows
 * views, and its ctx->ui is its struct ui. */
struct ui *
cmd_console_ui(const struct cmd_ctx *ctx)
{
	if (ctx->ui == NULL || ctx->ui_ops == NULL || ctx->ui_ops->show_view == NULL)
		return NULL;
	return ctx->ui;
}

/* The console behind ctx, or NULL with *cause. */
static struct ui *
cmd_console(struct cmd_ctx *ctx, const char *name, char **cause)
{
	struct ui *ui = cmd_console_ui(ctx);

	if (ui == NULL)
		*cause = xasprintf("%s: only available in the console", name);
	return ui;
}

/* Join argv[from..] with spaces (new string). */
static char *
cmd_join(int argc, char **argv, int from)
{
	size_t len = 1;
	char *s;
	int i;

	for (i = from; i < argc; i++)
		len += strlen(argv[i]) + 1;
	s = xcalloc(1, len);
	for (i = from; i < argc; i++) {
		if (i > from)
			strcat(s, " ");
		strcat(s, argv[i]);
	}
	return s;
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
	arg = cmd_join(argc, argv, 1);
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
	spec = cmd_join(argc, argv, 1);
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
	initial = cmd_join(argc, argv, 1);
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
