/* The help view: generated from the key table, the command table and the
 * option table, so it always says what the program does. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "opsdeck/actions.h"
#include "opsdeck/client.h"
#include "opsdeck/cmd.h"
#include "opsdeck/store.h"
#include "opsdeck/keymap.h"
#include "opsdeck/runbook.h"
#include "opsdeck/ui.h"
#include "opsdeck/xmalloc.h"

#define HELP_RBAC_MAX 256

/* The help view's state: the pager and RBAC answers per command. */
struct help_data {
	struct pager	*pager;
	struct view	*view;		/* NULL once the view is gone */
	size_t		 cluster;
	char		*cluster_name;
	signed char	 allowed[HELP_RBAC_MAX];	/* 1 yes, 0 denied, -1 unknown */
	unsigned char	 needed[HELP_RBAC_MAX];	/* permissions per command */
	unsigned char	 granted[HELP_RBAC_MAX];	/* of which answered yes */
	size_t		 pending;
	int		 width;		/* the screen width the text was laid out for */
};

/* One outstanding review. */
struct help_req {
	struct help_data	*hd;
	size_t			 idx;
};

static void	help_fill(struct view *, struct pager *);

/* An access review came back: note it and rebuild the text. A command is
 * allowed once every permission it needs is, denied as soon as one is. */
static void
help_rbac_done(int allowed, const char *reason, void *arg)
{
	struct help_req *rq = arg;
	struct help_data *hd = rq->hd;
	size_t top, i = rq->idx;

	(void)reason;
	if (allowed == 0)
		hd->allowed[i] = 0;
	else if (allowed == 1 && hd->allowed[i] != 0 && ++hd->granted[i] == hd->needed[i])
		hd->allowed[i] = 1;
	free(rq);
	if (hd->pending > 0)
		hd->pending--;
	if (hd->view == NULL) {
		if (hd->pending == 0) {
			free(hd->cluster_name);
			free(hd);
		}
		return;
	}
	top = pager_get_top(hd->pager);
	pager_clear(hd->pager);
	help_fill(hd->view, hd->pager);
	pager_set_top(hd->pager, top);
	hd->view->ui->dirty = true;
}

/* Ask, for each mutating command, about every permission its action checks
 * before acting (actions_access: verb, group, resource and subresource). */
static void
help_rbac_start(struct view *v, struct help_data *hd)
{
	struct actions_access acc[ACTIONS_ACCESS_MAX];
	const struct cmd_entry *e;
	const struct store_cluster *sc;
	struct help_req *rq;
	const char *ns;
	size_t i, j, n;

	if (v->ui == NULL || v->ui->client == NULL || v->ui->store == NULL ||
	    store_ncluster(v->ui->store) == 0)
		return;
	hd->cluster = 0;
	if (v->prev != NULL && v->prev->cluster != SIZE_MAX &&
	    v->prev->cluster < store_ncluster(v->ui->store))
		hd->cluster = v->prev->cluster;
	sc = store_cluster(v->ui->store, hd->cluster);
	hd->cluster_name = xstrdup(sc != NULL && sc->name != NULL ? sc->name : "?");
	ns = ui_namespace(v->ui);
	if (ns == NULL)
		ns = "";
	for (i = 0; i < cmd_count() && i < HELP_RBAC_MAX; i++) {
		e = cmd_at(i);
		if (!(e->flags & CMD_MUTATES))
			continue;
		n = actions_access(e->name, NULL, acc);
		hd->needed[i] = (unsigned char)n;
		for (j = 0; j < n; j++) {
			rq = xcalloc(1, sizeof *rq);
			rq->hd = hd;
			rq->idx = i;
			hd->pending++;
			rbac_check(v->ui->client, hd->cluster, acc[j].verb, acc[j].group,
			    acc[j].resource, acc[j].subresource, ns, NULL, help_rbac_done, rq);
		}
	}
}

/* True if the RBAC answers deny the command a key line runs (its first
 * word, as the command table resolves it). */
static bool
help_denied(const struct help_data *hd, const char *command)
{
	const struct cmd_entry *e;
	char *name, *cause = NULL;
	size_t i;

	if (hd == NULL)
		return false;
	name = xstrndup(command, strcspn(command, " "));
	e = cmd_find(name, &cause);
	free(cause);
	free(name);
	for (i = 0; e != NULL && i < cmd_count() && i < HELP_RBAC_MAX; i++) {
		if (cmd_at(i) == e)
			return hd->allowed[i] == 0;
	}
	return false;
}

/*
 * The cheat sheet: every key on one screen, the keys that act first, laid
 * out in columns to the screen's width (as k9s's header does), the full
 * list below it. Keys bound to the same command share a cell ("j/Down").
 */
#define HELP_CELLS	64

struct help_cell {
	char	text[48];
	bool	mutates;
	bool	denied;
};

/* Lay cells out in columns across width w, one pager line per row: down
 * the columns, like ls, each column as wide as its widest cell and as many
 * columns as fit. */
static void
help_grid(struct pager *p, const struct help_cell *cells, size_t n, int w,
    enum theme_slot slot)
{
	char line[512];
	size_t colw[HELP_CELLS], i, r, c, ncols, nrows = 1, off, total, len;

	if (n == 0)
		return;
	for (ncols = n; ncols >= 1; ncols--) {
		nrows = (n + ncols - 1) / ncols;
		memset(colw, 0, sizeof colw);
		for (i = 0; i < n; i++) {
			len = strlen(cells[i].text) + 3;
			if (len > colw[i / nrows])
				colw[i / nrows] = len;
		}
		total = 2;
		for (c = 0; c * nrows < n; c++)
			total += colw[c];
		if (ncols == 1 || total <= (size_t)(w > 0 ? w : 1))
			break;
	}
	for (r = 0; r < nrows; r++) {
		off = (size_t)snprintf(line, sizeof line, "  ");
		for (c = 0; off < sizeof line; c++) {
			i = c * nrows + r;
			if (i >= n)
				break;
			off += (size_t)snprintf(line + off, sizeof line - off, "%-*s",
			    (int)colw[c], cells[i].text);
		}
		pager_add_line(p, line, slot);
	}
}

/* A key's label in the cheat sheet: its help up to the first note
 * ("command prompt (:pods, …)", "open: overview line …"), at most 26. */
static size_t
help_label_len(const struct key_binding *b)
{
	const char *h = b->help != NULL ? b->help : b->command;
	size_t n = strcspn(h, "(:,");

	while (n > 0 && h[n - 1] == ' ')
		n--;
	if (n == 0)
		n = strlen(h);
	return n > 26 ? 26 : n;
}

static void
help_cheat_sheet(struct help_data *hd, struct pager *p, int w)
{
	struct help_cell cells[HELP_CELLS], act[HELP_CELLS], denied[HELP_CELLS];
	const struct key_binding *b, *b2;
	const struct cmd_entry *e;
	char *name, *cause = NULL, keys[32];
	size_t i, j, n = 0, nact = 0, ndenied = 0;
	struct help_cell *cell;
	bool seen;

	for (i = 0; i < keymap_count(); i++) {
		b = keymap_at(i);
		seen = false;
		for (j = 0; j < i && !seen; j++)
			seen = strcmp(keymap_at(j)->command, b->command) == 0;
		if (seen)
			continue;
		snprintf(keys, sizeof keys, "%s", keymap_key_name(b->key));
		for (j = i + 1; j < keymap_count(); j++) {
			b2 = keymap_at(j);
			if (strcmp(b2->command, b->command) == 0 &&
			    strlen(keys) + strlen(keymap_key_name(b2->key)) + 2 < sizeof keys) {
				strcat(keys, "/");
				strcat(keys, keymap_key_name(b2->key));
			}
		}
		name = xstrndup(b->command, strcspn(b->command, " "));
		e = cmd_find(name, &cause);
		free(cause);
		cause = NULL;
		free(name);
		if (e != NULL && (e->flags & CMD_MUTATES))
			cell = help_denied(hd, b->command) ? &denied[ndenied++] : &act[nact++];
		else
			cell = &cells[n++];
		snprintf(cell->text, sizeof cell->text, "%s %.*s", keys,
		    (int)help_label_len(b), b->help != NULL ? b->help : b->command);
		if (n == HELP_CELLS || nact == HELP_CELLS || ndenied == HELP_CELLS)
			break;
	}
	pager_add_line(p, "KEYS AT A GLANCE (the full list follows; / searches)", THEME_SECTION);
	help_grid(p, act, nact, w, THEME_NORMAL);
	if (ndenied > 0) {
		char line[160];

		snprintf(line, sizeof line, "  forbidden by RBAC on %s:", hd->cluster_name);
		pager_add_line(p, line, THEME_DIM);
		help_grid(p, denied, ndenied, w, THEME_DIM);
	}
	help_grid(p, cells, n, w, THEME_NORMAL);
	pager_add_line(p, "", THEME_NORMAL);
}

/* Fill the pager from the tables. */
static void
help_fill(struct view *v, struct pager *p)
{
	struct help_data *hd = v->data;
	bool denied;
	const struct key_binding *b;
	const struct cmd_entry *e;
	const struct ui_option *o;
	char line[512], name[64], note[160];
	size_t i;
	bool options_only = v->arg != NULL && strcmp(v->arg, "options") == 0;

	if (!options_only) {
		hd->width = COLS > 0 ? COLS : 80;
		help_cheat_sheet(hd, p, hd->width);
		pager_add_line(p, "KEYS (config.yaml keys: to change)", THEME_SECTION);
		for (i = 0; i < keymap_count(); i++) {
			b = keymap_at(i);
			denied = help_denied(hd, b->command);
			note[0] = '\0';
			if (denied) {
				snprintf(note, sizeof note, " (forbidden by RBAC on %s)",
				    hd->cluster_name);
			}
			snprintf(line, sizeof line, "  %-10s %-22s %s%s", keymap_key_name(b->key),
			    b->command, b->help != NULL ? b->help : "", note);
			pager_add_line(p, line, denied ? THEME_DIM : THEME_NORMAL);
		}
		pager_add_line(p, "", THEME_NORMAL);
		if (runbook_keys_count() > 0) {
			pager_add_line(p, "RUNBOOK KEYS (ahead of the keys above, where the "
			    "selection is what the runbook applies to)", THEME_SECTION);
			for (i = 0; i < runbook_keys_count(); i++) {
				char *l = runbook_key_line(i);

				pager_add_line(p, l, THEME_NORMAL);
				free(l);
			}
			pager_add_line(p, "", THEME_NORMAL);
		}
		pager_add_line(p, "IN LOGS, YAML AND DESCRIBE", THEME_SECTION);
		pager_add_line(p, "  f          follow         Space      pause (logs)", THEME_NORMAL);
		pager_add_line(p, "  w          wrap lines     p          previous container (logs)", THEME_NORMAL);
		pager_add_line(p, "  /          search         n, N       next, previous match", THEME_NORMAL);
		pager_add_line(p, "", THEME_NORMAL);
		pager_add_line(p, "IN THE RUNBOOK VIEW (:runbook NAME, :runbook-show)", THEME_SECTION);
		for (i = 0; i < view_runbook_nkeys; i++) {
			snprintf(line, sizeof line, "  %-10s %s", view_runbook_keys[i].key,
			    view_runbook_keys[i].help);
			pager_add_line(p, line, THEME_NORMAL);
		}
		pager_add_line(p, "", THEME_NORMAL);
		pager_add_line(p, "FILTERS (/ or :filter)", THEME_SECTION);
		pager_add_line(p, "  REGEX      rows matching (extended, case-insensitive)", THEME_NORMAL);
		pager_add_line(p, "  !REGEX     rows not matching", THEME_NORMAL);
		pager_add_line(p, "  -l SELECTOR  the rows' labels: k=v,k2!=v2,k3,!k4,k5 in (a,b)", THEME_NORMAL);
		pager_add_line(p, "", THEME_NORMAL);
		pager_add_line(p, "COMMANDS (: prompt; unambiguous prefixes work)", THEME_SECTION);
		if (hd != NULL && hd->cluster_name != NULL && hd->pending == 0) {
			snprintf(line, sizeof line, "  RBAC checked on %s : greyed keys and commands are "
			    "forbidden there", hd->cluster_name);
			pager_add_line(p, line, THEME_NORMAL);
		}
		for (i = 0; i < cmd_count(); i++) {
			e = cmd_at(i);
			snprintf(name, sizeof name, "%s%s%s%s", e->name, e->alias != NULL ? " (" : "",
			    e->alias != NULL ? e->alias : "", e->alias != NULL ? ")" : "");
			denied = hd != NULL && i < HELP_RBAC_MAX && hd->allowed[i] == 0;
			note[0] = '\0';
			if (denied) {
				snprintf(note, sizeof note, "(forbidden by RBAC on %s) ",
				    hd->cluster_name);
			}
			snprintf(line, sizeof line, "  :%-28s %-28s %s%s%s", name,
			    e->args != NULL ? e->args : "", note, e->help != NULL ? e->help : "",
			    (e->flags & CMD_MUTATES) ? " [mutates]" : "");
			pager_add_line(p, line, denied ? THEME_DIM : THEME_NORMAL);
		}
		pager_add_line(p, "", THEME_NORMAL);
	}
	pager_add_line(p, "OPTIONS (:set NAME VALUE; config.yaml NAME: VALUE)", THEME_SECTION);
	for (i = 0; i < ui_noptions; i++) {
		o = &ui_options[i];
		snprintf(line, sizeof line, "  %-14s %-8s default %-10s %s", o->name,
		    o->type == UI_OPT_BOOL ? "on|off" : o->type == UI_OPT_INT ? "number" : "text",
		    o->def, o->help);
		pager_add_line(p, line, THEME_NORMAL);
	}
}

static int
help_init(struct view *v, char **cause)
{
	struct help_data *hd = xcalloc(1, sizeof *hd);

	memset(hd->allowed, -1, sizeof hd->allowed);
	hd->pager = pager_new(4096);
	hd->view = v;
	v->data = hd;
	help_fill(v, hd->pager);
	help_rbac_start(v, hd);
	return 0;
}

static void
help_free(struct view *v)
{
	struct help_data *hd = v->data;

	pager_free(hd->pager);
	hd->pager = NULL;
	hd->view = NULL;
	if (hd->pending == 0) {
		free(hd->cluster_name);
		free(hd);
	}
	v->data = NULL;
}

/* The line of p reading anchor nearest to line near, or near when none
 * does (or anchor is blank). */
static size_t
help_anchor(const struct pager *p, const char *anchor, size_t near)
{
	size_t i, n = pager_count(p), best = near, dist = SIZE_MAX, d;

	if (anchor == NULL || *anchor == '\0')
		return near;
	for (i = 0; i < n; i++) {
		if (strcmp(pager_line(p, i), anchor) != 0)
			continue;
		d = i > near ? i - near : near - i;
		if (d < dist) {
			dist = d;
			best = i;
		}
	}
	return best;
}

static void
help_draw(struct view *v, WINDOW *win, int y, int h, int w, int64_t now)
{
	struct help_data *hd = v->data;
	const char *line;
	char *anchor;
	size_t top;

	if (hd->width != 0 && hd->width != w) {
		/* resized: lay out again, the line on top staying there (the
		 * key sheet above it changes its height with the width) */
		top = pager_get_top(hd->pager);
		line = top < pager_count(hd->pager) ? pager_line(hd->pager, top) : NULL;
		anchor = line != NULL ? xstrdup(line) : NULL;
		pager_clear(hd->pager);
		help_fill(v, hd->pager);
		pager_set_top(hd->pager, help_anchor(hd->pager, anchor, top));
		free(anchor);
	}
	pager_draw(hd->pager, win, y, h, w, v->ui->wrap, v->ui->ellipsis);
}

static int
help_key(struct view *v, int key)
{
	if (key == 'q' || key == '?') {
		ui_back(v->ui);
		return VIEW_HANDLED;
	}
	return pager_key(((struct help_data *)v->data)->pager, key) ? VIEW_HANDLED :
	    VIEW_UNHANDLED;
}

static const char *
help_title(struct view *v)
{
	return "help";
}

static int
help_search(struct view *v, const char *text, char **cause)
{
	return pager_search(((struct help_data *)v->data)->pager, text, cause);
}

const struct view_class view_help_class = {
	.name = "help",
	.init = help_init,
	.free = help_free,
	.draw = help_draw,
	.key = help_key,
	.title = help_title,
	.search = help_search,
};
