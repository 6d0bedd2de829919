/* The console screen: view stack, header, status line, options, and the
 * glue that runs commands with the current selection. */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "opsdeck/client.h"
#include "opsdeck/cmd.h"
#include "opsdeck/incident.h"
#include "opsdeck/keymap.h"
#include "opsdeck/kinds.h"
#include "opsdeck/loop.h"
#include "opsdeck/names.h"
#include "opsdeck/printers.h"
#include "opsdeck/sanitize.h"
#include "opsdeck/store.h"
#include "opsdeck/table.h"
#include "opsdeck/theme.h"
#include "opsdeck/osc52.h"
#include "opsdeck/ui.h"
#include "opsdeck/xmalloc.h"

#define UI_MAX_HEADER_LINES	4
#define UI_MESSAGE_SECONDS	5	/* a message shows this long */
#define UI_ERROR_SECONDS	10	/* an error this long */
#define UI_STATUS_MAX_LINES	6	/* a long message wraps to at most this */
#define UI_MAX_VIEWS		32

struct ui *ui_current;

/* Options: the table drives config.yaml, :set, validation and help. */
const struct ui_option ui_options[] = {
	{ "theme", UI_OPT_STRING, 0, 0, "default", "colour theme: default, light, high-contrast, mono or a file" },
	{ "ascii", UI_OPT_BOOL, 0, 1, "off", "ASCII only: no line drawing or ellipsis characters" },
	{ "wide", UI_OPT_BOOL, 0, 1, "off", "show wide columns (kubectl -o wide)" },
	{ "wrap", UI_OPT_BOOL, 0, 1, "off", "wrap long lines in logs and YAML" },
	{ "osc52", UI_OPT_BOOL, 0, 1, "off", "runbook-url also copies the URL to the clipboard (OSC 52)" },
	{ "logLines", UI_OPT_INT, 100, 1000000, "10000", "lines a log view keeps" },
	{ "maxRows", UI_OPT_INT, 1000, 100000000, "250000",
	    "rows kept per cluster, all kinds together" },
	{ "defaultView", UI_OPT_STRING, 0, 0, "overview", "view shown at start" },
	{ "trendInterval", UI_OPT_INT, 1, 60, "10",
	    "seconds between trend samples; a sparkline shows the last 90" },
};
const size_t ui_noptions = sizeof ui_options / sizeof ui_options[0];

/* Parse a boolean option value; -1 if not one. */
static int
ui_parse_bool(const char *v, bool cur)
{
	if (strcmp(v, "toggle") == 0)
		return !cur;
	if (strcasecmp(v, "on") == 0 || strcasecmp(v, "true") == 0 || strcmp(v, "1") == 0 ||
	    strcasecmp(v, "yes") == 0)
		return 1;
	if (strcasecmp(v, "off") == 0 || strcasecmp(v, "false") == 0 || strcmp(v, "0") == 0 ||
	    strcasecmp(v, "no") == 0)
		return 0;
	return -1;
}

/* Find an option by name (case-insensitive, "log-lines" = "logLines"). */
static const struct ui_option *
ui_option_find(const char *name)
{
	char a[64], b[64];
	size_t i, j, k;

	for (i = 0, k = 0; name[i] != '\0' && k < sizeof a - 1; i++) {
		if (name[i] != '-' && name[i] != '_')
			a[k++] = name[i];
	}
	a[k] = '\0';
	for (i = 0; i < ui_noptions; i++) {
		for (j = 0, k = 0; ui_options[i].name[j] != '\0' && k < sizeof b - 1; j++)
			b[k++] = ui_options[i].name[j];
		b[k] = '\0';
		if (strcasecmp(a, b) == 0)
			return &ui_options[i];
	}
	return NULL;
}

/* Set an option, validating it against its table entry. */
int
ui_option_set(struct ui *ui, const char *name, const char *value, char **cause)
{
	const struct ui_option *o = ui_option_find(name);
	struct theme *t;
	char *end;
	long n;
	int b;
	bool *bp = NULL;

	if (o == NULL) {
		*cause = xasprintf("unknown option: %s", name);
		return -1;
	}
	switch (o->type) {
	case UI_OPT_BOOL:
		if (strcmp(o->name, "ascii") == 0)
			bp = &ui->ascii;
		else if (strcmp(o->name, "wide") == 0)
			bp = &ui->wide;
		else if (strcmp(o->name, "osc52") == 0)
			bp = &osc52_enabled;
		else
			bp = &ui->wrap;
		b = ui_parse_bool(value, *bp);
		if (b < 0) {
			*cause = xasprintf("%s: expected on or off, not '%s'", o->name, value);
			return -1;
		}
		*bp = b != 0;
		if (bp == &ui->ascii)
			ui->ellipsis = ui->ascii ? "~" : "…";
		break;
	case UI_OPT_INT:
		errno = 0;
		n = strtol(value, &end, 10);
		if (errno != 0 || *end != '\0' || end == value || n < o->min || n > o->max) {
			*cause = xasprintf("%s: expected a number from %ld to %ld, not '%s'",
			    o->name, o->min, o->max, value);
			return -1;
		}
		if (strcmp(o->name, "maxRows") == 0) {
			ui->max_rows = n;
			if (ui->store != NULL)
				store_set_max_rows(ui->store, (size_t)n);
		} else if (strcmp(o->name, "trendInterval") == 0) {
			ui->trend_interval = n;
		} else {
			ui->log_lines = n;
		}
		break;
	case UI_OPT_STRING:
		if (strcmp(o->name, "theme") == 0) {
			t = theme_load(value, cause);
			if (t == NULL)
				return -1;
			theme_free(ui->theme);
			ui->theme = t;
			free(ui->theme_name);
			ui->theme_name = xstrdup(value);
			if (ui->curses)
				theme_apply(ui->theme, ui->mono);
		} else {
			if (kind_find_view(value) == NULL && strcmp(value, "overview") != 0 &&
			    strcmp(value, "contexts") != 0) {
				*cause = xasprintf("%s: unknown view '%s'", o->name, value);
				return -1;
			}
			free(ui->default_view);
			ui->default_view = xstrdup(value);
		}
		break;
	}
	ui_dirty(ui);
	return 0;
}

/* An option's value as text. */
char *
ui_option_get(struct ui *ui, const char *name)
{
	const struct ui_option *o = ui_option_find(name);

	if (o == NULL)
		return NULL;
	if (strcmp(o->name, "theme") == 0)
		return xstrdup(ui->theme_name != NULL ? ui->theme_name : "default");
	if (strcmp(o->name, "ascii") == 0)
		return xstrdup(ui->ascii ? "on" : "off");
	if (strcmp(o->name, "wide") == 0)
		return xstrdup(ui->wide ? "on" : "off");
	if (strcmp(o->name, "wrap") == 0)
		return xstrdup(ui->wrap ? "on" : "off");
	if (strcmp(o->name, "osc52") == 0)
		return xstrdup(osc52_enabled ? "on" : "off");
	if (strcmp(o->name, "logLines") == 0)
		return xasprintf("%ld", ui->log_lines);
	if (strcmp(o->name, "maxRows") == 0)
		return xasprintf("%ld", ui->max_rows);
	if (strcmp(o->name, "trendInterval") == 0)
		return xasprintf("%ld", ui->trend_interval);
	return xstrdup(ui->default_view != NULL ? ui->default_view : "overview");
}

void
ui_dirty(struct ui *ui)
{
	if (ui != NULL)
		ui->dirty = true;
}

void
ui_message(struct ui *ui, bool error, const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	s = xvasprintf(fmt, ap);
	va_end(ap);
	free(ui->status);
	ui->status = sanitize_str(s, 0);
	free(s);
	ui->status_error = error;
	ui->status_at = loop_now();
	ui_dirty(ui);
}

/* Drop the status message (it expired, or the view changed). */
static void
ui_clear_message(struct ui *ui)
{
	free(ui->status);
	ui->status = NULL;
	ui->status_error = false;
	ui_dirty(ui);
}

unsigned long
ui_attr(enum theme_slot s)
{
	return theme_attr(s);
}

/* table_style.stale: the cluster's connection is not live. */
static bool
ui_cluster_stale(size_t cluster, void *arg)
{
	struct store *st = arg;

	if (st == NULL || cluster >= store_ncluster(st))
		return false;
	return store_cluster(st, cluster)->state != CONN_LIVE &&
	    store_cluster(st, cluster)->state != CONN_CONNECTING;
}

void
ui_table_style(struct ui *ui, struct table_style *st)
{
	st->normal = ui_attr(THEME_NORMAL);
	st->colhead = ui_attr(THEME_COLHEAD);
	st->selected = ui_attr(THEME_SELECTED);
	st->marked = ui_attr(THEME_MARKED);
	st->bad = ui_attr(THEME_BAD);
	st->warn = ui_attr(THEME_WARN);
	st->progressing = ui_attr(THEME_PROGRESSING);
	st->atmax = ui_attr(THEME_AT_MAX);
	st->firing = ui_attr(THEME_FIRING);
	st->dim = ui_attr(THEME_DIM);
	st->ellipsis = ui->ellipsis;
	st->wide = ui->wide;
	st->now = time(NULL);
	st->stale = ui_cluster_stale;
	st->stale_arg = ui->store;
}

const char *
ui_namespace(struct ui *ui)
{
	return ui->ns;
}

size_t
ui_nclusters(struct ui *ui, const struct view *v)
{
	if (v != NULL && v->cluster != SIZE_MAX)
		return 1;
	return store_ncluster(ui->store);
}

/* Free a view. */
void
view_free(struct view *v)
{
	if (v == NULL)
		return;
	if (v->cls->free != NULL)
		v->cls->free(v);
	table_free(v->table);
	free(v->resource);
	free(v->arg);
	free(v->title_buf);
	free(v);
}

int
view_key(struct view *v, int key)
{
	if (v->cls->key == NULL)
		return VIEW_UNHANDLED;
	return v->cls->key(v, key);
}

const char *
view_title(struct view *v)
{
	if (v->cls->title != NULL)
		return v->cls->title(v);
	return v->resource != NULL ? v->resource : v->cls->name;
}

/* Default drawing for table views. */
void
view_table_draw(struct view *v, WINDOW *win, int y, int h, int w, int64_t now)
{
	struct table_style st;

	ui_table_style(v->ui, &st);
	table_draw(v->table, win, y, 0, h, w, &st);
}

/* Targets from marks (if any) else the selection. */
size_t
view_table_targets(struct view *v, struct cmd_target **out)
{
	struct table_row **rows = NULL, *r;
	size_t n, i, k = 0;

	*out = NULL;
	if (v->table == NULL)
		return 0;
	n = table_marked_rows(v->table, &rows);
	if (n == 0) {
		free(rows);
		r = table_selected(v->table);
		if (r == NULL || r->name == NULL)
			return 0;
		*out = xcalloc(1, sizeof **out);
		(*out)[0].cluster = r->cluster;
		(*out)[0].resource = r->resource != NULL ? r->resource : v->resource;
		(*out)[0].ns = r->ns;
		(*out)[0].name = r->name;
		(*out)[0].uid = r->uid;
		return 1;
	}
	*out = xcalloc(n, sizeof **out);
	for (i = 0; i < n; i++) {
		r = rows[i];
		if (r->name == NULL)
			continue;
		(*out)[k].cluster = r->cluster;
		(*out)[k].resource = r->resource != NULL ? r->resource : v->resource;
		(*out)[k].ns = r->ns;
		(*out)[k].name = r->name;
		(*out)[k].uid = r->uid;
		k++;
	}
	free(rows);
	return k;
}

/* Stack depth. */
static size_t
ui_depth(struct ui *ui)
{
	struct view *v;
	size_t n = 0;

	for (v = ui->view; v != NULL; v = v->prev)
		n++;
	return n;
}

/* Push a view of class cls. */
struct view *
ui_push(struct ui *ui, const struct view_class *cls, const char *resource, const char *arg,
    size_t cluster, char **cause)
{
	struct view *v = xcalloc(1, sizeof *v), *old;

	v->cls = cls;
	v->ui = ui;
	v->resource = resource != NULL ? xstrdup(resource) : NULL;
	v->arg = arg != NULL ? xstrdup(arg) : NULL;
	v->cluster = cluster;
	/* a new view starts with a clean status line (its init may set one) */
	ui_clear_message(ui);
	if (cls->init != NULL && cls->init(v, cause) != 0) {
		view_free(v);
		return NULL;
	}
	/* bound the stack: drop the oldest above the root */
	if (ui_depth(ui) >= UI_MAX_VIEWS) {
		for (old = ui->view; old->prev != NULL && old->prev->prev != NULL; old = old->prev)
			;
		if (old->prev != NULL) {
			view_free(old->prev);
			old->prev = NULL;
		}
	}
	v->prev = ui->view;
	ui->view = v;
	if (cls->update != NULL)
		cls->update(v, time(NULL));
	/* reported once the opener has filled the view in (look.c) */
	ui->look_pending = true;
	ui_dirty(ui);
	return v;
}

void
ui_back(struct ui *ui)
{
	struct view *v = ui->view;

	if (v == NULL || v->prev == NULL)
		return;
	ui->view = v->prev;
	view_free(v);
	ui_clear_message(ui);
	/* force the revealed view to rebuild */
	if (ui->view->cls->update != NULL)
		ui->view->cls->update(ui->view, time(NULL));
	ui_dirty(ui);
}

/* Remove view v wherever it is in the stack, and free it. */
void
ui_remove(struct ui *ui, struct view *v)
{
	struct view **pp;

	for (pp = &ui->view; *pp != NULL; pp = &(*pp)->prev) {
		if (*pp == v) {
			*pp = v->prev;
			view_free(v);
			ui_dirty(ui);
			return;
		}
	}
}

size_t
ui_cluster_named(struct ui *ui, const char *name, char **cause)
{
	const char **names;
	size_t i, n = ui->store != NULL ? store_ncluster(ui->store) : 0, found;
	char *near;

	found = ui->store != NULL ? store_cluster_find(ui->store, name) : SIZE_MAX;
	if (found != SIZE_MAX)
		return found;
	names = xcalloc(n + 1, sizeof *names);
	for (i = 0; i < n; i++)
		names[i] = store_cluster(ui->store, i)->name;
	near = name_near(name, names, n);
	if (near != NULL)
		*cause = xasprintf("no context '%s'; did you mean %s?", name, near);
	else
		*cause = xasprintf("no context '%s' (see :ctx)", name);
	free(near);
	free(names);
	return SIZE_MAX;
}

/* The names of namespaces, gathered from the store. */
struct ui_ns_names {
	const char	**names;
	size_t		 n;
};

static int
ui_ns_collect(size_t cluster, const struct row *r, void *arg)
{
	struct ui_ns_names *w = arg;

	w->names = xreallocarray(w->names, w->n + 1, sizeof *w->names);
	w->names[w->n++] = r->name;
	return 0;
}

int
ui_namespace_check(struct ui *ui, size_t cluster, const char *ns, char **note, char **cause)
{
	struct ui_ns_names w = { NULL, 0 };
	size_t i, from, to, nknown = 0;
	char *unknown = NULL, *near, *t;
	int rc = 0;

	*note = NULL;
	if (ui->store == NULL)
		return 0;
	from = cluster != SIZE_MAX ? cluster : 0;
	to = cluster != SIZE_MAX ? cluster + 1 : store_ncluster(ui->store);
	for (i = from; i < to; i++) {
		if (!store_synced(ui->store, i, "namespaces")) {
			t = xasprintf("%s%s%s", unknown != NULL ? unknown : "",
			    unknown != NULL ? ", " : "", store_cluster(ui->store, i)->name);
			free(unknown);
			unknown = t;
			continue;
		}
		if (store_get(ui->store, i, "namespaces", NULL, ns) != NULL)
			goto out;
		nknown++;
		store_foreach(ui->store, i, "namespaces", NULL, ui_ns_collect, &w);
	}
	near = name_near(ns, w.names, w.n);
	if (unknown != NULL) {
		/* it may be on a cluster whose namespaces are not known yet */
		*note = xasprintf("namespaces of %s not known yet%s%s%s%s", unknown,
		    nknown > 0 ? "; not on the others" : "",
		    near != NULL ? "; did you mean " : "", near != NULL ? near : "",
		    near != NULL ? "?" : "");
	} else {
		*cause = near != NULL ?
		    xasprintf("no namespace '%s'; did you mean %s?", ns, near) :
		    xasprintf("no namespace '%s'", ns);
		rc = -1;
	}
	free(near);
out:
	free(unknown);
	free(w.names);
	return rc;
}

/* Open a named view: commands replace everything above the root. */
int
ui_open(struct ui *ui, const char *name, const char *arg, bool replace, char **cause)
{
	const struct view_class *cls = NULL;
	const struct kind *k;
	const char *resource = NULL, *w;
	char *copy = NULL, *word, *save = NULL, *rest = NULL, *note = NULL, key[32];
	const char *ns = NULL;
	size_t cluster = SIZE_MAX, len = 0;
	bool ns_set = false;
	struct view *v, *root;
	int rc = -1;

	if (strcmp(name, "overview") == 0 || strcmp(name, "ov") == 0)
		cls = &view_overview_class;
	else if (strcmp(name, "contexts") == 0 || strcmp(name, "ctx") == 0)
		cls = &view_contexts_class;
	else if (strcmp(name, "port-forwards") == 0 || strcmp(name, "pf") == 0)
		cls = &view_portfwd_class;
	else if (strcmp(name, "help") == 0)
		cls = &view_help_class;
	else if (strcmp(name, "alert-groups") == 0 || strcmp(name, "ag") == 0)
		cls = &view_alert_groups_class;
	else if (strcmp(name, "runbook") == 0)
		cls = &view_runbook_class;
	else if (strcmp(name, "runbooks") == 0)
		cls = &view_runbooks_class;
	else {
		k = kind_find_view(name);
		if (k == NULL) {
			*cause = xasprintf("unknown view: %s", name);
			return -1;
		}
		resource = k->resource;
		cls = &view_resource_class;
	}
	/* arguments: @cluster, -A, NAMESPACE, anything else kept as arg */
	if (arg != NULL && *arg != '\0' && cls != &view_help_class) {
		copy = xstrdup(arg);
		rest = xcalloc(1, strlen(arg) + 1);
		for (word = strtok_r(copy, " ", &save); word != NULL;
		    word = strtok_r(NULL, " ", &save)) {
			if (word[0] == '@' || cls == &view_contexts_class) {
				/* :ctx NAME selects that context's row */
				cluster = ui_cluster_named(ui, word + (word[0] == '@'), cause);
				if (cluster == SIZE_MAX)
					goto out;
			} else if (strcmp(word, "-A") == 0 || strcmp(word, "all") == 0) {
				ns = NULL;
				ns_set = true;
			} else if (cls == &view_resource_class) {
				ns = word;
				ns_set = true;
			} else {
				len = strlen(rest);
				snprintf(rest + len, strlen(arg) + 1 - len, "%s%s", len ? " " : "", word);
			}
		}
	}
	/* a namespace is checked on the cluster the view shows, changing
	 * nothing when it is not there */
	if (ns != NULL && ui_namespace_check(ui, cluster, ns, &note, cause) != 0)
		goto out;
	if (ns_set) {
		free(ui->ns);
		ui->ns = ns != NULL ? xstrdup(ns) : NULL;
	}
	w = rest != NULL && *rest != '\0' ? rest : (cls == &view_help_class ? arg : NULL);
	/* the runbook view goes on top of where the operator was, once */
	if (cls == &view_runbook_class && ui->view != NULL && ui->view->cls == cls &&
	    ui->view->prev != NULL)
		replace = true;
	if (!replace && cls != &view_help_class && cls != &view_runbook_class &&
	    cls != &view_runbooks_class) {
		/* unwind to the root */
		while (ui->view != NULL && ui->view->prev != NULL) {
			v = ui->view;
			ui->view = v->prev;
			view_free(v);
		}
		root = ui->view;
		if (root != NULL && root->cls == cls && cls != &view_help_class &&
		    ((resource == NULL && root->resource == NULL) ||
		    (resource != NULL && root->resource != NULL &&
		    strcmp(resource, root->resource) == 0)))
			replace = true;
	}
	if (replace && ui->view != NULL) {
		v = ui->view;
		ui->view = v->prev;
		view_free(v);
	}
	if (cls == &view_contexts_class) {
		/* every context stays listed; the one named is selected */
		if ((v = ui_push(ui, cls, resource, w, SIZE_MAX, cause)) == NULL)
			goto out;
		if (cluster != SIZE_MAX) {
			snprintf(key, sizeof key, "%zu", cluster);
			table_select_key(v->table, key);
		}
	} else if (ui_push(ui, cls, resource, w, cluster, cause) == NULL)
		goto out;
	if (note != NULL)
		ui_message(ui, false, "namespace: %s (%s)", ui->ns, note);
	rc = 0;
out:
	free(note);
	free(copy);
	free(rest);
	return rc;
}

/* Fill ctx for a command from the current view. */
void
ui_cmd_ctx(struct ui *ui, struct cmd_ctx *ctx, enum cmd_origin origin)
{
	struct cmd_target *targets = NULL;
	size_t n = 0;

	memset(ctx, 0, sizeof *ctx);
	if (ui->view != NULL && ui->view->cls->targets != NULL)
		n = ui->view->cls->targets(ui->view, &targets);
	ctx->origin = origin;
	ctx->client = ui->client;
	ctx->store = ui->store;
	ctx->targets = targets;
	ctx->ntargets = n;
	ctx->read_only = ui->read_only;
	ctx->ui_ops = &ui->ops;
	ctx->ui = ui;
}

void
ui_cmd_ctx_free(struct cmd_ctx *ctx)
{
	free((void *)ctx->targets);
	ctx->targets = NULL;
}

/* Run a line; errors to the status line. */
int
ui_run(struct ui *ui, const char *line, enum cmd_origin origin)
{
	struct cmd_ctx ctx;
	char *cause = NULL, *probe = NULL, *word;
	const char *p = line;
	int rc;

	ui_cmd_ctx(ui, &ctx, origin);
	rc = cmd_execute(&ctx, line, &cause);
	ui_cmd_ctx_free(&ctx);
	if (rc != 0) {
		while (*p == ':' || *p == ' ')
			p++;
		if (keymap_is_action(p)) {
			word = xstrndup(p, strcspn(p, " "));
			if (cmd_find(word, &probe) == NULL) {
				free(cause);
				cause = xasprintf("%s: not available", word);
			}
			free(probe);
			free(word);
		}
		ui_message(ui, true, "%s", cause != NULL ? cause : "failed");
		free(cause);
	}
	ui_dirty(ui);
	return rc;
}

/* Attribute slot and text for a cluster's state. */
static enum theme_slot
ui_state_slot(const struct store_cluster *sc)
{
	switch (sc->state) {
	case CONN_LIVE:
		return THEME_LIVE;
	case CONN_STALE:
		return THEME_STALE;
	case CONN_CONNECTING:
		return THEME_CONNECTING;
	default:
		return THEME_DOWN;
	}
}

static void	ui_state_text_bare(const struct store_cluster *, char *, size_t);

/* The longest reason the header shows after a cluster's state (bytes). */
#define UI_HEADER_REASON	60

/* "live", "stale since 17:52:10", "unreachable (data from 17:52:04)",
 * "auth error", ...: the state and how old the data shown is; with why,
 * a failure's reason after it (cut at a character boundary). */
static void
ui_state_text(const struct store_cluster *sc, char *buf, size_t len, bool why)
{
	size_t n, r;
	bool cut = false;

	ui_state_text_bare(sc, buf, len);
	if (!why || sc->reason == NULL || *sc->reason == '\0' || sc->state == CONN_LIVE ||
	    sc->state == CONN_STALE)
		return;
	n = strlen(buf);
	r = strlen(sc->reason);
	if (strstr(sc->reason, " (data from ") != NULL)	/* said by the state */
		r = (size_t)(strstr(sc->reason, " (data from ") - sc->reason);
	if (r > UI_HEADER_REASON) {
		cut = true;
		r = UI_HEADER_REASON;
		while (r > 0 && ((unsigned char)sc->reason[r] & 0xc0) == 0x80)
			r--;
	}
	snprintf(buf + n, len - n, ": %.*s%s", (int)r, sc->reason,
	    cut ? "..." : "");
}

/* The state text without the reason. */
static void
ui_state_text_bare(const struct store_cluster *sc, char *buf, size_t len)
{
	struct tm tm;
	time_t t = (time_t)sc->since;
	char hm[16] = "";
	const char *name;

	switch (sc->state) {
	case CONN_LIVE:
	case CONN_CONNECTING:
		snprintf(buf, len, "%s", conn_state_name(sc->state));
		return;
	case CONN_STALE:
		localtime_r(&t, &tm);
		strftime(hm, sizeof hm, "%H:%M:%S", &tm);
		snprintf(buf, len, "stale since %s", hm);
		return;
	case CONN_UNAUTHORIZED:
		name = "auth error";
		break;
	default:
		name = conn_state_name(sc->state);
		break;
	}
	if (sc->last_ok > 0) {
		t = (time_t)sc->last_ok;
		localtime_r(&t, &tm);
		strftime(hm, sizeof hm, "%H:%M:%S", &tm);
		snprintf(buf, len, "%s (data from %s)", name, hm);
	} else
		snprintf(buf, len, "%s", name);
}

/* Fill line y with attr from x to the right edge. */
static void
ui_fill(WINDOW *win, int y, int x, int w, unsigned long attr)
{
	wattrset(win, (attr_t)attr);
	wmove(win, y, x);
	for (; x < w; x++)
		waddch(win, ' ');
}

/* Put s at (y, x) clipped to the screen; returns the new x. */
static int
ui_put(struct ui *ui, WINDOW *win, int y, int x, int w, const char *s, unsigned long attr)
{
	int width = (int)display_width(s);

	if (x >= w)
		return x;
	if (width > w - x)
		width = w - x;
	wattrset(win, (attr_t)attr);
	table_put(win, y, x, s, width, ui->ellipsis);
	return x + width;
}

/* The namespace the current view shows (NULL: all). */
static const char *
ui_view_namespace(struct ui *ui)
{
	if (ui->view != NULL && ui->view->cls->namespace_ != NULL)
		return ui->view->cls->namespace_(ui->view);
	return ui->ns;
}

/* The title line: program, view, namespace, filter, READ-ONLY, clock. */
static void
ui_draw_title(struct ui *ui, WINDOW *win, int w, int64_t now)
{
	char buf[512], clock[16], *inc;
	struct tm tm;
	time_t t = (time_t)now;
	const char *f = NULL;
	int x = 0, cw;
	size_t marks = 0;

	ui_fill(win, 0, 0, w, ui_attr(THEME_HEADER));
	localtime_r(&t, &tm);
	strftime(clock, sizeof clock, "%H:%M:%S", &tm);
	x = ui_put(ui, win, 0, x, w, " opsdeck ", ui_attr(THEME_TITLE));
	snprintf(buf, sizeof buf, " %s ", ui->view != NULL ? view_title(ui->view) : "");
	x = ui_put(ui, win, 0, x, w, buf, ui_attr(THEME_HEADER) | A_BOLD);
	if (ui->view != NULL && ui->view->table != NULL) {
		f = table_filter(ui->view->table);
		marks = table_nmarks(ui->view->table);
		snprintf(buf, sizeof buf, "[%zu/%zu] ", table_count(ui->view->table),
		    table_total(ui->view->table));
		x = ui_put(ui, win, 0, x, w, buf, ui_attr(THEME_HEADER));
	}
	snprintf(buf, sizeof buf, "ns:%s ", ui_view_namespace(ui) != NULL ?
	    ui_view_namespace(ui) : "all");
	x = ui_put(ui, win, 0, x, w, buf, ui_attr(THEME_HEADER));
	if (f != NULL) {
		snprintf(buf, sizeof buf, "filter:/%s/ ", f);
		x = ui_put(ui, win, 0, x, w, buf, ui_attr(THEME_HEADER));
	}
	if (marks > 0) {
		snprintf(buf, sizeof buf, "marked:%zu ", marks);
		x = ui_put(ui, win, 0, x, w, buf, ui_attr(THEME_HEADER));
	}
	if (ui->read_only)
		x = ui_put(ui, win, 0, x, w, " READ-ONLY ", ui_attr(THEME_READONLY));
	inc = incident_current();	/* a small file: read once a draw */
	if (inc != NULL) {
		snprintf(buf, sizeof buf, " INCIDENT %s ", inc);
		x = ui_put(ui, win, 0, x + 1, w, buf, ui_attr(THEME_ERROR));
		free(inc);
	}
	cw = (int)strlen(clock) + 1;
	if (x + cw <= w)
		ui_put(ui, win, 0, w - cw, w, clock, ui_attr(THEME_HEADER));
}

/* The full label of cluster i: "prod-tokyo(primary)". */
static void
ui_cluster_label(const struct store_cluster *sc, char *buf, size_t len)
{
	if (sc->role != NULL && *sc->role != '\0')
		snprintf(buf, len, "%s(%s)", sc->name, sc->role);
	else
		snprintf(buf, len, "%s", sc->name);
}

/* A cluster that is not live, short: "dev STALE 14s", "prod-tokyo
 * UNREACHABLE 2m" (with_age false: without the age). */
static void
ui_cluster_short(const struct store_cluster *sc, int64_t now, bool with_age, char *buf,
    size_t len)
{
	char age[32];
	const char *st;

	switch (sc->state) {
	case CONN_UNAUTHORIZED:
		st = "AUTH-ERROR";
		break;
	case CONN_CONNECTING:
		st = "connecting";
		with_age = false;
		break;
	default:
		st = conn_state_name(sc->state);
		break;
	}
	human_duration(now - sc->since, age, sizeof age);
	if (with_age && sc->since > 0)
		snprintf(buf, len, "%s %s %s", sc->name, st, age);
	else
		snprintf(buf, len, "%s %s", sc->name, st);
	if (sc->state != CONN_CONNECTING && sc->state != CONN_UNAUTHORIZED) {
		/* STALE, UNREACHABLE: the state word in capitals */
		for (char *p = buf + strlen(sc->name) + 1; *p != '\0' && *p != ' '; p++)
			*p = (char)toupper((unsigned char)*p);
	}
}

/* The compact form, when the full one does not fit: the live clusters
 * folded into a count, every other one named with its state ("3 live ·
 * dev STALE 14s"). Returns the lines used, or -1 if it does not fit
 * either. */
static int
ui_draw_clusters_compact(struct ui *ui, WINDOW *win, int y0, int w, int maxlines,
    bool with_age, bool draw)
{
	struct store_cluster *sc;
	size_t i, n = store_ncluster(ui->store), live = 0;
	char buf[320];
	int y = y0, x = 0, need;
	int64_t now = time(NULL);

	for (i = 0; i < n; i++) {
		if (store_cluster(ui->store, i)->state == CONN_LIVE)
			live++;
	}
	if (draw)
		ui_fill(win, y, 0, w, ui_attr(THEME_HEADER));
	if (live > 0) {
		snprintf(buf, sizeof buf, " %zu live", live);
		if (draw)
			x = ui_put(ui, win, y, x, w, buf, ui_attr(THEME_LIVE));
		else
			x += (int)strlen(buf);
	}
	for (i = 0; i < n; i++) {
		sc = store_cluster(ui->store, i);
		if (sc->state == CONN_LIVE)
			continue;
		ui_cluster_short(sc, now, with_age, buf, sizeof buf);
		need = (int)display_width(buf) + (x > 0 ? 3 : 1);
		if (x > 0 && x + need > w) {
			if (y - y0 + 1 >= maxlines)
				return -1;
			y++;
			x = 0;
			need = (int)display_width(buf) + 1;
			if (draw)
				ui_fill(win, y, 0, w, ui_attr(THEME_HEADER));
		}
		if (x + need > w && !draw)
			return -1;
		if (draw) {
			x = ui_put(ui, win, y, x, w, x > 0 ? " · " : " ", ui_attr(THEME_HEADER));
			x = ui_put(ui, win, y, x, w, buf, ui_attr(ui_state_slot(sc)));
		} else
			x += need;
	}
	return y - y0 + 1;
}

/* The full form: every cluster with its role and state, wrapped. Returns
 * the lines used, or -1 if it needs more than maxlines (draw false
 * measures only, with the same layout). */
static int
ui_draw_clusters_full(struct ui *ui, WINDOW *win, int y0, int w, int maxlines, bool why,
    bool draw)
{
	struct store_cluster *sc;
	size_t i, n = store_ncluster(ui->store);
	char state[192], buf[256];
	int y = y0, x = 0, need;

	if (draw)
		ui_fill(win, y, 0, w, ui_attr(THEME_HEADER));
	for (i = 0; i < n; i++) {
		sc = store_cluster(ui->store, i);
		ui_state_text(sc, state, sizeof state, why);
		ui_cluster_label(sc, buf, sizeof buf);
		/* " label state " */
		need = (int)display_width(buf) + (int)display_width(state) + 4;
		if (x > 0 && x + need > w) {
			if (y - y0 + 1 >= maxlines)
				return -1;
			y++;
			x = 0;
			if (draw)
				ui_fill(win, y, 0, w, ui_attr(THEME_HEADER));
		}
		if (!draw) {
			x += need - 1;
			continue;
		}
		x = ui_put(ui, win, y, x, w, " ", ui_attr(THEME_HEADER));
		x = ui_put(ui, win, y, x, w, buf, ui_attr(THEME_HEADER) | A_BOLD);
		x = ui_put(ui, win, y, x, w, " ", ui_attr(THEME_HEADER));
		x = ui_put(ui, win, y, x, w, state, ui_attr(ui_state_slot(sc)));
		x = ui_put(ui, win, y, x, w, " ", ui_attr(THEME_HEADER));
	}
	return y - y0 + 1;
}

/* The cluster lines: the full form; where that does not fit in maxlines,
 * the compact form, so every cluster that is not live is named at any
 * size. Returns lines used. */
static int
ui_draw_clusters(struct ui *ui, WINDOW *win, int y0, int w, int maxlines)
{
	int n;

	if (store_ncluster(ui->store) == 0) {
		ui_fill(win, y0, 0, w, ui_attr(THEME_HEADER));
		ui_put(ui, win, y0, 0, w, " no clusters selected", ui_attr(THEME_HEADER));
		return 1;
	}
	/* with the failures' reasons when they take no extra line */
	n = ui_draw_clusters_full(ui, win, y0, w, maxlines, false, false);
	if (n > 0)
		return ui_draw_clusters_full(ui, win, y0, w, maxlines,
		    ui_draw_clusters_full(ui, win, y0, w, n, true, false) > 0, true);
	if (ui_draw_clusters_compact(ui, win, y0, w, maxlines, true, false) > 0)
		return ui_draw_clusters_compact(ui, win, y0, w, maxlines, true, true);
	if (ui_draw_clusters_compact(ui, win, y0, w, maxlines, false, false) > 0)
		return ui_draw_clusters_compact(ui, win, y0, w, maxlines, false, true);
	/* names cut at the edge: still every one that fits */
	ui_draw_clusters_compact(ui, win, y0, w, 1, false, true);
	return 1;
}

/* The status line: prompt, message or key hints. A message comes
 * word-wrapped (wrapped, n lines): its lines end at y, or at y - 1 above
 * the prompt while one is open (completion matches). */
static void
ui_draw_status(struct ui *ui, WINDOW *win, int y, int w, struct pager *wrapped, int n)
{
	int i, last = ui->prompt_mode != UI_PROMPT_NONE ? y - 1 : y;

	ui_fill(win, y, 0, w, ui_attr(THEME_STATUS));
	if (ui->status != NULL && wrapped != NULL) {
		for (i = 0; i < n; i++) {
			ui_fill(win, last - n + 1 + i, 0, w, ui_attr(THEME_STATUS));
			ui_put(ui, win, last - n + 1 + i, 0, w, pager_line(wrapped, (size_t)i),
			    ui_attr(ui->status_error ? THEME_ERROR : THEME_STATUS));
		}
	}
	if (ui->prompt_mode != UI_PROMPT_NONE) {
		if (ui->draw_prompt != NULL)
			ui->draw_prompt(ui, win, y, w);
		return;
	}
	if (wrapped != NULL)
		return;
	if (ui->status != NULL) {
		ui_put(ui, win, y, 0, w, ui->status,
		    ui_attr(ui->status_error ? THEME_ERROR : THEME_STATUS));
		return;
	}
	ui_put(ui, win, y, 0, w,
	    "?:help  ::command  /:filter  Enter:open  Esc:back  d:describe  y:yaml  l:logs  :q quit",
	    ui_attr(THEME_DIM));
}

/* Draw the whole screen into stdscr (the caller does doupdate). */
void
ui_draw(struct ui *ui)
{
	int64_t now = time(NULL);
	int w = COLS, h = LINES, used, body, nstatus = 1, maxstatus;
	struct pager *wrapped = NULL;

	if (ui->status != NULL && loop_now() - ui->status_at >
	    (ui->status_error ? UI_ERROR_SECONDS : UI_MESSAGE_SECONDS))
		ui_clear_message(ui);
	if (ui->view != NULL && ui->view->cls->update != NULL)
		ui->view->cls->update(ui->view, now);
	if (h < 4 || w < 10) {
		werase(stdscr);
		mvwaddstr(stdscr, 0, 0, "too small");
		wnoutrefresh(stdscr);
		return;
	}
	ui_draw_title(ui, stdscr, w, now);
	used = 1 + ui_draw_clusters(ui, stdscr, 1, w, h > 20 ? UI_MAX_HEADER_LINES - 1 : 1);
	body = h - used - 1;
	/* A message wider than the screen (an RBAC refusal names the user,
	 * verb, resource, namespace and reason) is wrapped, not clipped: it
	 * takes lines from the view's bottom, at most half of it, and the
	 * view stays where the operator was. */
	maxstatus = body / 2 + 1 < UI_STATUS_MAX_LINES ? body / 2 + 1 : UI_STATUS_MAX_LINES;
	if (ui->status != NULL && (ui->prompt_mode != UI_PROMPT_NONE ||
	    ((int)display_width(ui->status) > w && maxstatus > 1))) {
		wrapped = pager_new(64);
		pager_wrap(wrapped, ui->status, w);
		nstatus = (int)pager_count(wrapped);
		nstatus = nstatus > maxstatus ? maxstatus : nstatus;
		/* while prompting, the message (completion matches) goes
		 * above the prompt */
		body -= ui->prompt_mode != UI_PROMPT_NONE ? nstatus : nstatus - 1;
	}
	if (ui->view != NULL && body > 0)
		ui->view->cls->draw(ui->view, stdscr, used, body, w, now);
	/* the cursor only matters at the prompt: elsewhere leave it be */
	leaveok(stdscr, ui->prompt_mode == UI_PROMPT_NONE);
	ui_draw_status(ui, stdscr, h - 1, w, wrapped, nstatus);
	pager_free(wrapped);
	wattrset(stdscr, A_NORMAL);
	wnoutrefresh(stdscr);
}
