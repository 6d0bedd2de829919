/* The help view: generated from the key table, the command table and the
 * option table, so it always says what the program does. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "opsdeck/cmd.h"
#include "opsdeck/keymap.h"
#include "opsdeck/ui.h"
#include "opsdeck/xmalloc.h"

/* Fill the pager from the tables. */
static void
help_fill(struct view *v, struct pager *p)
{
	const struct key_binding *b;
	const struct cmd_entry *e;
	const struct ui_option *o;
	char line[512], name[64];
	size_t i;
	bool options_only = v->arg != NULL && strcmp(v->arg, "options") == 0;

	if (!options_only) {
		pager_add_line(p, "KEYS (config.yaml keys: to change)", THEME_SECTION);
		for (i = 0; i < keymap_count(); i++) {
			b = keymap_at(i);
			snprintf(line, sizeof line, "  %-10s %-22s %s", keymap_key_name(b->key),
			    b->command, b->help != NULL ? b->help : "");
			pager_add_line(p, line, THEME_NORMAL);
		}
		pager_add_line(p, "", THEME_NORMAL);
		pager_add_line(p, "IN LOGS, YAML AND DESCRIBE", THEME_SECTION);
		pager_add_line(p, "  f          follow         Space      pause (logs)", THEME_NORMAL);
		pager_add_line(p, "  w          wrap lines     p          previous container (logs)", THEME_NORMAL);
		pager_add_line(p, "  /          search         n, N       next, previous match", THEME_NORMAL);
		pager_add_line(p, "", THEME_NORMAL);
		pager_add_line(p, "FILTERS (/ or :filter)", THEME_SECTION);
		pager_add_line(p, "  REGEX      rows matching (extended, case-insensitive)", THEME_NORMAL);
		pager_add_line(p, "  !REGEX     rows not matching", THEME_NORMAL);
		pager_add_line(p, "  -l k=v,k2!=v2  label selector on the rows' labels", THEME_NORMAL);
		pager_add_line(p, "", THEME_NORMAL);
		pager_add_line(p, "COMMANDS (: prompt; unambiguous prefixes work)", THEME_SECTION);
		for (i = 0; i < cmd_count(); i++) {
			e = cmd_at(i);
			snprintf(name, sizeof name, "%s%s%s%s", e->name, e->alias != NULL ? " (" : "",
			    e->alias != NULL ? e->alias : "", e->alias != NULL ? ")" : "");
			snprintf(line, sizeof line, "  :%-28s %-28s %s%s", name,
			    e->args != NULL ? e->args : "", e->help != NULL ? e->help : "",
			    (e->flags & CMD_MUTATES) ? " [mutates]" : "");
			pager_add_line(p, line, THEME_NORMAL);
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
	struct pager *p = pager_new(4096);

	v->data = p;
	help_fill(v, p);
	return 0;
}

static void
help_free(struct view *v)
{
	pager_free(v->data);
	v->data = NULL;
}

static void
help_draw(struct view *v, WINDOW *win, int y, int h, int w, int64_t now)
{
	pager_draw(v->data, v->ui, win, y, h, w);
}

static int
help_key(struct view *v, int key)
{
	if (key == 'q' || key == '?') {
		ui_back(v->ui);
		return VIEW_HANDLED;
	}
	return pager_key(v->data, key);
}

static const char *
help_title(struct view *v)
{
	return "help";
}

static int
help_search(struct view *v, const char *text, char **cause)
{
	return pager_search(v->data, text, cause);
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
