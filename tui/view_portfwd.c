/* The port-forwards view (:port-forwards, :pf): every kubectl
 * port-forward the console keeps, with its local port, target, state and
 * connections (bytes are not known: kubectl does not say); Ctrl-D stops
 * the selected one (its end is audited). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "opsdeck/portfwd.h"
#include "opsdeck/printers.h"
#include "opsdeck/table.h"
#include "opsdeck/ui.h"
#include "opsdeck/xmalloc.h"

static const struct table_col pfv_cols[] = {
	{ "LOCAL", 0, 0, 5, true, false },
	{ "TARGET", 0, 0, 12, false, true },
	{ "CONTEXT", 0, 2, 7, false, false },
	{ "STATE", 0, 0, 5, false, false },
	{ "CONNECTIONS", 0, 3, 4, true, false },
	{ "AGE", 0, 4, 3, true, false },
	{ "MESSAGE", 0, 1, 10, false, false },
};

static const char *const pfv_states[] = { "starting", "forwarding", "stopping", "ended" };

/* What the rows were built from. */
struct pfv_data {
	uint64_t	gen;
	int64_t		at;
};

static int
pfv_init(struct view *v, char **cause)
{
	(void)cause;
	v->table = table_new(pfv_cols, sizeof pfv_cols / sizeof pfv_cols[0]);
	v->data = xcalloc(1, sizeof(struct pfv_data));
	((struct pfv_data *)v->data)->gen = UINT64_MAX;
	return 0;
}

static void
pfv_free(struct view *v)
{
	free(v->data);
	v->data = NULL;
}

static void
pfv_update(struct view *v, int64_t now)
{
	struct pfv_data *d = v->data;
	const struct portfwd *const *list;
	const struct portfwd *f;
	struct table_row *tr;
	char key[32], local[16], age[32], *target;
	size_t i, n;

	if (d->gen == portfwd_generation() && d->at == now)
		return;
	d->gen = portfwd_generation();
	d->at = now;
	list = portfwd_list(&n);
	table_begin(v->table);
	for (i = 0; i < n; i++) {
		f = list[i];
		snprintf(key, sizeof key, "%d", f->id);
		tr = table_add(v->table, key, 0);
		tr->name = xstrdup(key);
		tr->ns = xstrdup("");
		tr->resource = "port-forwards";
		if (f->state == PF_ENDED)
			tr->flags = f->message != NULL && strcmp(f->message, "stopped") == 0 ?
			    0 : ROW_BAD;
		else if (f->state != PF_FORWARDING)
			tr->flags = ROW_WARN;
		snprintf(local, sizeof local, f->local > 0 ? "%d" : "?", f->local);
		target = xasprintf("%s/%s:%d", f->ns, f->target, f->remote);
		human_duration(now - f->started, age, sizeof age);
		table_set(tr, 0, local, f->local);
		table_set(tr, 1, target, 0);
		table_set(tr, 2, f->context, 0);
		table_set(tr, 3, pfv_states[f->state], f->state);
		snprintf(key, sizeof key, "%lu", f->connections);
		table_set(tr, 4, key, (int64_t)f->connections);
		table_set(tr, 5, age, f->started);
		table_set(tr, 6, f->message != NULL ? f->message : "", 0);
		free(target);
	}
	table_end(v->table);
}

/* Ctrl-D: stop the selected forward. */
static int
pfv_key(struct view *v, int key)
{
	struct table_row *r;

	if (key != 4)
		return 0;
	r = table_selected(v->table);
	if (r == NULL)
		ui_message(v->ui, true, "no port-forward selected");
	else if (portfwd_stop(atoi(r->name)) != 0)
		ui_message(v->ui, true, "port-forward %s has ended already", r->name);
	else
		ui_message(v->ui, false, "stopping port-forward %s", r->name);
	return VIEW_HANDLED;
}

static const char *
pfv_title(struct view *v)
{
	(void)v;
	return "port-forwards (C-d stops one)";
}

const struct view_class view_portfwd_class = {
	.name = "port-forwards",
	.init = pfv_init,
	.free = pfv_free,
	.update = pfv_update,
	.draw = view_table_draw,
	.key = pfv_key,
	.title = pfv_title,
};
