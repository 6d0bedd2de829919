/* The runbooks view (:runbook with no name): every runbook, those that
 * apply to the selection underneath first, with its key, what it is for
 * and what it applies to. Enter runs the selected one on that selection,
 * as ":runbook NAME" there would. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "opsdeck/cmd.h"
#include "opsdeck/printers.h"
#include "opsdeck/runbook.h"
#include "opsdeck/sanitize.h"
#include "opsdeck/table.h"
#include "opsdeck/ui.h"
#include "opsdeck/xmalloc.h"

static const struct table_col rbs_cols[] = {
	{ "FOR", 0, 0, 3, true, false },	/* sorts by the listing's order */
	{ "NAME", 0, 0, 27, false, false },	/* database-connection-failure */
	{ "KEY", 0, 3, 3, false, false },
	{ "TITLE", 0, 0, 20, false, true },
	{ "APPLIES TO", 0, 2, 12, false, false },
};

/* What the view lists them for: the selection underneath, in words. */
struct rbs_data {
	char	*what;
	char	*title;
};

static int
rbs_init(struct view *v, char **cause)
{
	struct view *under = v->ui->view;
	struct cmd_target *t = NULL;
	struct rbs_data *d = xcalloc(1, sizeof *d);
	struct runbook **list;
	struct table_row *tr;
	char *s, *kinds, *alerts;
	size_t nt = 0, na, nl, i;

	if (under != NULL && under->cls->targets != NULL)
		nt = under->cls->targets(under, &t);
	if (nt > 0 && t[0].name != NULL)
		d->what = xasprintf("%s %s%s%s", t[0].resource != NULL ? t[0].resource : "?",
		    t[0].ns != NULL ? t[0].ns : "", t[0].ns != NULL && *t[0].ns != '\0' ? "/" : "",
		    t[0].name);
	else
		d->what = xstrdup("the cluster");
	v->data = d;
	v->table = table_new(rbs_cols, sizeof rbs_cols / sizeof rbs_cols[0]);
	list = runbook_list_for(nt > 0 ? t : NULL, &nl, &na);
	table_begin(v->table);
	for (i = 0; i < nl; i++) {
		tr = table_add(v->table, list[i]->name, 0);
		tr->name = xstrdup(list[i]->name);
		tr->ns = xstrdup("");
		tr->resource = "runbooks";
		/* the order runbook_list_for gives: those for the selection first */
		table_set(tr, 0, i < na ? "yes" : "", (int64_t)i);
		table_set(tr, 1, list[i]->name, 0);
		table_set(tr, 2, list[i]->key != NULL ? list[i]->key : "", 0);
		table_set(tr, 3, list[i]->title != NULL ? list[i]->title : "", 0);
		kinds = runbook_applies_text(list[i], false);
		alerts = runbook_applies_text(list[i], true);
		s = xasprintf("%s%s%s", kinds, *kinds != '\0' && *alerts != '\0' ? ", " : "",
		    alerts);
		table_set(tr, 4, *s != '\0' ? s : "any cluster", 0);
		free(s);
		free(kinds);
		free(alerts);
		if (i >= na)
			tr->attr = ui_attr(THEME_DIM);
	}
	table_end(v->table);
	table_set_default_sort(v->table, 0, 1);
	runbook_list_free(list, nl);
	free(t);
	return 0;
}

static void
rbs_free(struct view *v)
{
	struct rbs_data *d = v->data;

	if (d == NULL)
		return;
	free(d->what);
	free(d->title);
	free(d);
	v->data = NULL;
}

/* Enter: back to the selection, and run the runbook on it. */
static int
rbs_enter(struct view *v, char **cause)
{
	struct table_row *r = table_selected(v->table);
	struct ui *ui = v->ui;
	char *line;

	if (r == NULL) {
		*cause = xstrdup("no runbook selected");
		return -1;
	}
	line = xasprintf("runbook %s", r->name);
	ui_back(ui);		/* v is gone: the selection's view is current */
	ui_run(ui, line, CMD_FROM_PROMPT);
	free(line);
	return 0;
}

static const char *
rbs_title(struct view *v)
{
	struct rbs_data *d = v->data;
	char *clean;

	free(d->title);
	clean = sanitize_str(d->what, 0);
	d->title = xasprintf("runbooks for %s", clean);
	free(clean);
	return d->title;
}

const struct view_class view_runbooks_class = {
	.name = "runbooks",
	.init = rbs_init,
	.free = rbs_free,
	.draw = view_table_draw,
	.enter = rbs_enter,
	.title = rbs_title,
};
