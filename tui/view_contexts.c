/* The contexts view: every selected cluster with role, connection state
 * (and since when), the reason of a failure, protection and read-only, and
 * the other contexts that reach the same cluster (folded into this one). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "opsdeck/printers.h"
#include "opsdeck/store.h"
#include "opsdeck/table.h"
#include "opsdeck/ui.h"
#include "opsdeck/xmalloc.h"

static const struct table_col ctx_cols[] = {
	{ "CONTEXT", 0, 0, 8, false, false },
	{ "ROLE", 0, 0, 4, false, false },
	{ "STATE", 0, 0, 5, false, false },
	{ "SINCE", 0, 2, 5, true, false },
	{ "LAST OK", 0, 3, 5, true, false },
	{ "PROTECTED", 0, 4, 3, false, false },
	{ "READ-ONLY", 0, 4, 3, false, false },
	{ "REASON", 0, 0, 10, false, false },
	{ "ALSO AS", 0, 5, 7, false, false },	/* contexts folded into this one */
};

static int
ctx_init(struct view *v, char **cause)
{
	v->table = table_new(ctx_cols, sizeof ctx_cols / sizeof ctx_cols[0]);
	v->data = xcalloc(1, sizeof(uint64_t) + sizeof(int64_t));
	return 0;
}

static void
ctx_free(struct view *v)
{
	free(v->data);
	v->data = NULL;
}

static void
ctx_update(struct view *v, int64_t now)
{
	uint64_t *seen = v->data, gen = store_generation(v->ui->store);
	int64_t *at = (int64_t *)(seen + 1);
	struct store_cluster *sc;
	struct table_row *tr;
	char key[32], since[32], ok[32];
	size_t i;

	if (*seen == gen && *at == now)
		return;
	*seen = gen;
	*at = now;
	table_begin(v->table);
	for (i = 0; i < store_ncluster(v->ui->store); i++) {
		sc = store_cluster(v->ui->store, i);
		snprintf(key, sizeof key, "%zu", i);
		tr = table_add(v->table, key, i);
		tr->name = xstrdup(sc->name);
		tr->ns = xstrdup("");
		tr->resource = "contexts";
		if (sc->state == CONN_STALE)
			tr->flags = ROW_WARN;
		else if (sc->state != CONN_LIVE && sc->state != CONN_CONNECTING)
			tr->flags = ROW_BAD;
		human_duration(sc->since != 0 ? now - sc->since : 0, since, sizeof since);
		human_duration(sc->last_ok != 0 ? now - sc->last_ok : 0, ok, sizeof ok);
		table_set(tr, 0, sc->name, (int64_t)i);
		table_set(tr, 1, sc->role != NULL && *sc->role != '\0' ? sc->role : "-", 0);
		table_set(tr, 2, sc->state == CONN_UNAUTHORIZED ? "auth error" :
		    conn_state_name(sc->state), (int64_t)sc->state);
		table_set(tr, 3, sc->since != 0 ? since : "-", sc->since);
		table_set(tr, 4, sc->last_ok != 0 ? ok : "never", sc->last_ok);
		table_set(tr, 5, sc->protected_ctx ? "yes" : "no", 0);
		table_set(tr, 6, sc->read_only || v->ui->read_only ? "yes" : "no", 0);
		table_set(tr, 7, sc->reason != NULL ? sc->reason : "", 0);
		table_set(tr, 8, sc->also != NULL ? sc->also : "", 0);
	}
	table_end(v->table);
}

/* Enter: the overview of that cluster alone. */
static int
ctx_enter(struct view *v, char **cause)
{
	struct table_row *r = table_selected(v->table);
	char *arg;
	int rc;

	if (r == NULL) {
		*cause = xstrdup("nothing selected");
		return -1;
	}
	arg = xasprintf("@%s", r->name);
	rc = ui_open(v->ui, "pods", arg, false, cause);
	free(arg);
	return rc;
}

static const char *
ctx_title(struct view *v)
{
	return "contexts";
}

const struct view_class view_contexts_class = {
	.name = "contexts",
	.init = ctx_init,
	.free = ctx_free,
	.update = ctx_update,
	.draw = view_table_draw,
	.enter = ctx_enter,
	.title = ctx_title,
	.targets = view_table_targets,
};
