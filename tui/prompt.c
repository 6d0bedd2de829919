/* The prompt line on GNU Readline's callback interface, inside the one
 * loop: curses keys are fed to readline a byte at a time (rl_getc_function
 * reads from our queue), readline's redisplay only marks the screen dirty
 * and prompt_draw paints rl_line_buffer into the status line. */
#include <curses.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <readline/history.h>
#include <readline/readline.h>

#include "opsdeck/cmd.h"
#include "opsdeck/keymap.h"
#include "opsdeck/prompt.h"
#include "opsdeck/runbook.h"
#include "opsdeck/sanitize.h"
#include "opsdeck/store.h"
#include "opsdeck/table.h"
#include "opsdeck/ui.h"
#include "opsdeck/xmalloc.h"

#define PROMPT_QUEUE	64
#define PROMPT_HISTORY	1000
#define PROMPT_MAX_CAND	512

static struct ui *prompt_ui;
static unsigned char queue[PROMPT_QUEUE];
static size_t qhead, qlen;
static char *history_path;		/* ":" commands */
static char *filter_history_path;	/* "/" filters and searches */
static HISTORY_STATE *hist_cmd;		/* the history not in use, saved */
static HISTORY_STATE *hist_filter;
static bool hist_on_filter;		/* readline holds the filter history */
static FILE *devnull;
static char *saved_filter;	/* the filter before "/" started, restored on Esc */
static char *line_done;		/* the line readline handed back */
static bool got_line;

/* readline reads its next byte from our queue. */
static int
prompt_getc(FILE *f)
{
	unsigned char c;

	if (qlen == 0)
		return EOF;
	c = queue[qhead];
	qhead = (qhead + 1) % PROMPT_QUEUE;
	qlen--;
	return c;
}

/* Input is available only when queued. */
static int
prompt_input_available(void)
{
	return qlen > 0;
}

/* Terminal handling is curses': nothing to prepare. */
static void
prompt_prep(int meta)
{
}

static void
prompt_deprep(void)
{
}

/* Live filter while typing "/". */
static void
prompt_live_filter(void)
{
	struct ui *ui = prompt_ui;
	char *cause = NULL;

	if (ui == NULL || ui->prompt_mode != UI_PROMPT_FILTER || ui->view == NULL)
		return;
	if (ui->view->table != NULL && table_total(ui->view->table) <= TABLE_LIVE_FILTER_MAX) {
		if (table_set_filter(ui->view->table, rl_line_buffer, &cause) != 0)
			free(cause);
	}
}

/* readline's redisplay: the screen is drawn by ui_draw. */
static void
prompt_redisplay(void)
{
	prompt_live_filter();
	ui_dirty(prompt_ui);
}

/* readline got a whole line. */
static void
prompt_line(char *line)
{
	free(line_done);
	line_done = line;
	got_line = true;
	rl_callback_handler_remove();
}

/* Show completion matches on the status line. */
static void
prompt_show_matches(char **matches, int n, int maxlen)
{
	char buf[1024];
	size_t off = 0;
	int i;

	buf[0] = '\0';
	for (i = 1; i <= n && off < sizeof buf - 2; i++)
		off += (size_t)snprintf(buf + off, sizeof buf - off, "%s ", matches[i]);
	ui_message(prompt_ui, false, "%s", buf);
}

/* Add s to cands if it starts with word and is not there yet. */
static void
cand_add(char ***cands, size_t *n, const char *s, const char *prefix, const char *word)
{
	char *full;
	size_t i, plen = strlen(prefix);

	if (*n >= PROMPT_MAX_CAND)
		return;
	full = xasprintf("%s%s", prefix, s);
	if (strncmp(full, word, strlen(word)) != 0 || (plen > 0 && strncmp(word, prefix, plen) != 0 &&
	    strlen(word) >= plen)) {
		free(full);
		return;
	}
	for (i = 0; i < *n; i++) {
		if (strcmp((*cands)[i], full) == 0) {
			free(full);
			return;
		}
	}
	*cands = xreallocarray(*cands, *n + 2, sizeof **cands);
	(*cands)[(*n)++] = full;
	(*cands)[*n] = NULL;
}

/* Store walk state for namespace completion. */
struct ns_walk {
	char		***cands;
	size_t		*n;
	const char	*word;
};

/* Collect namespaces seen in pods. */
static int
ns_cb(size_t cluster, const struct row *r, void *arg)
{
	struct ns_walk *w = arg;

	if (r->ns != NULL && *r->ns != '\0')
		cand_add(w->cands, w->n, r->ns, "", w->word);
	return *w->n >= PROMPT_MAX_CAND;
}

/* Runbook names for :runbook: those that apply to the selection, or the
 * rest when none of those starts with word. */
static void
prompt_runbooks(struct ui *ui, char ***cands, size_t *n, const char *word)
{
	struct cmd_target *t = NULL;
	char **names;
	size_t na, nt = 0, i, before = *n;

	if (ui->view != NULL && ui->view->cls->targets != NULL)
		nt = ui->view->cls->targets(ui->view, &t);
	names = runbook_names_for(nt > 0 ? t : NULL, &na);
	for (i = 0; i < na; i++)
		cand_add(cands, n, names[i], "", word);
	if (*n == before) {
		/* none of those: offer the rest */
		for (i = na; names[i] != NULL; i++)
			cand_add(cands, n, names[i], "", word);
	}
	for (i = 0; names[i] != NULL; i++)
		free(names[i]);
	free(names);
	free(t);
}

char **
prompt_complete(struct ui *ui, const char *line, int start, const char *word)
{
	char **cands = NULL, first[64];
	const struct cmd_entry *e;
	struct ns_walk w;
	size_t n = 0, i, flen;
	char *why = NULL;

	cands = xcalloc(1, sizeof *cands);
	while (*line == ':' || *line == ' ') {
		line++;
		start--;
	}
	if (start <= 0) {
		for (i = 0; i < cmd_count(); i++) {
			e = cmd_at(i);
			cand_add(&cands, &n, e->name, "", word);
		}
		return cands;
	}
	flen = strcspn(line, " ");
	if (flen >= sizeof first)
		flen = sizeof first - 1;
	memcpy(first, line, flen);
	first[flen] = '\0';
	e = cmd_find(first, &why);
	free(why);
	if (word[0] == '@' || (e != NULL && strcmp(e->name, "ns") != 0 &&
	    view_resource_find(e->name) != NULL && word[0] == '\0')) {
		for (i = 0; ui->store != NULL && i < store_ncluster(ui->store); i++)
			cand_add(&cands, &n, store_cluster(ui->store, i)->name, "@", word);
	}
	if (e == NULL)
		return cands;
	if (strcmp(e->name, "set") == 0) {
		for (i = 0; i < ui_noptions; i++)
			cand_add(&cands, &n, ui_options[i].name, "", word);
	} else if (strcmp(e->name, "sort") == 0 && ui->view != NULL && ui->view->table != NULL) {
		for (i = 0; i < table_ncols(ui->view->table); i++)
			cand_add(&cands, &n, table_col_at(ui->view->table, i)->name, "", word);
	} else if (strcmp(e->name, "help") == 0) {
		cand_add(&cands, &n, "options", "", word);
	} else if (strcmp(e->name, "runbook") == 0 && word[0] != '@' && word[0] != '-') {
		prompt_runbooks(ui, &cands, &n, word);
	} else if (strcmp(e->name, "ns") == 0 || view_resource_find(e->name) != NULL) {
		w.cands = &cands;
		w.n = &n;
		w.word = word;
		if (word[0] != '@' && ui->store != NULL)
			store_foreach(ui->store, SIZE_MAX, "pods", NULL, ns_cb, &w);
		if (strcmp(e->name, "ns") == 0)
			cand_add(&cands, &n, "-A", "", word);
	}
	return cands;
}

/* readline generator over prompt_complete's candidates. */
static char **gen_cands;

static char *
prompt_generator(const char *text, int state)
{
	static size_t idx;

	if (state == 0)
		idx = 0;
	if (gen_cands == NULL || gen_cands[idx] == NULL)
		return NULL;
	return strdup(gen_cands[idx++]);
}

/* readline's completion entry. */
static char **
prompt_attempt(const char *text, int start, int end)
{
	char **m;
	size_t i;

	rl_attempted_completion_over = 1;
	if (prompt_ui->prompt_mode != UI_PROMPT_COMMAND)
		return NULL;
	gen_cands = prompt_complete(prompt_ui, rl_line_buffer, start, text);
	m = rl_completion_matches(text, prompt_generator);
	for (i = 0; gen_cands[i] != NULL; i++)
		free(gen_cands[i]);
	free(gen_cands);
	gen_cands = NULL;
	return m;
}

/* A history file: $XDG_STATE_HOME/opsdeck/NAME. */
static char *
prompt_history_path(const char *name)
{
	const char *state = getenv("XDG_STATE_HOME"), *home = getenv("HOME");
	char *dir, *path;

	if (state != NULL && *state != '\0')
		dir = xasprintf("%s/opsdeck", state);
	else if (home != NULL && *home != '\0')
		dir = xasprintf("%s/.local/state/opsdeck", home);
	else
		return NULL;
	path = xasprintf("%s/%s", dir, name);
	if (mkdir(dir, 0700) != 0 && errno == ENOENT) {
		/* make the parents one level at a time */
		char *p;

		for (p = dir + 1; *p != '\0'; p++) {
			if (*p == '/') {
				*p = '\0';
				mkdir(dir, 0700);
				*p = '/';
			}
		}
		mkdir(dir, 0700);
	}
	free(dir);
	return path;
}

/* Make readline use the filter history (true) or the command history. */
static void
prompt_use_history(bool filter)
{
	HISTORY_STATE **save, **load;

	if (filter == hist_on_filter)
		return;
	save = hist_on_filter ? &hist_filter : &hist_cmd;
	load = filter ? &hist_filter : &hist_cmd;
	free(*save);
	*save = history_get_history_state();
	if (*load != NULL) {
		history_set_history_state(*load);
		free(*load);
		*load = NULL;
	}
	hist_on_filter = filter;
}

void
prompt_init(struct ui *ui)
{
	prompt_ui = ui;
	devnull = fopen("/dev/null", "w");
	rl_readline_name = "opsdeck";
	rl_getc_function = prompt_getc;
	rl_input_available_hook = prompt_input_available;
	rl_redisplay_function = prompt_redisplay;
	rl_prep_term_function = prompt_prep;
	rl_deprep_term_function = prompt_deprep;
	rl_catch_signals = 0;
	rl_catch_sigwinch = 0;
	rl_change_environment = 0;
	rl_outstream = devnull;
	rl_attempted_completion_function = prompt_attempt;
	rl_completion_display_matches_hook = prompt_show_matches;
	rl_inhibit_completion = 0;
	using_history();
	/* the filter history first, then set aside for the command history */
	hist_on_filter = true;
	stifle_history(PROMPT_HISTORY);
	filter_history_path = prompt_history_path("filter-history");
	if (filter_history_path != NULL)
		read_history(filter_history_path);
	hist_filter = history_get_history_state();
	history_set_history_state(&(HISTORY_STATE){ 0 });
	hist_on_filter = false;
	stifle_history(PROMPT_HISTORY);
	history_path = prompt_history_path("history");
	if (history_path != NULL)
		read_history(history_path);
}

void
prompt_done(struct ui *ui)
{
	if (ui->prompt_mode != UI_PROMPT_NONE)
		rl_callback_handler_remove();
	prompt_use_history(false);
	if (history_path != NULL) {
		write_history(history_path);
		chmod(history_path, 0600);
	}
	clear_history();
	prompt_use_history(true);
	if (filter_history_path != NULL) {
		write_history(filter_history_path);
		chmod(filter_history_path, 0600);
	}
	free(history_path);
	history_path = NULL;
	free(filter_history_path);
	filter_history_path = NULL;
	free(saved_filter);
	saved_filter = NULL;
	free(line_done);
	line_done = NULL;
	clear_history();
	if (hist_cmd != NULL)
		free(hist_cmd->entries);	/* emptied by clear_history above */
	free(hist_cmd);
	hist_cmd = NULL;
	free(hist_filter);
	hist_filter = NULL;
	hist_on_filter = false;
	if (devnull != NULL)
		fclose(devnull);
	devnull = NULL;
	rl_outstream = NULL;
}

void
prompt_start(struct ui *ui, enum ui_prompt_mode mode, const char *prefix, const char *initial)
{
	const char *f;

	if (ui->prompt_mode != UI_PROMPT_NONE)
		rl_callback_handler_remove();
	prompt_ui = ui;
	ui->prompt_mode = mode;
	free(ui->prompt_question);
	ui->prompt_question = sanitize_str(prefix, 0);
	free(saved_filter);
	saved_filter = NULL;
	if (mode == UI_PROMPT_FILTER && ui->view != NULL && ui->view->table != NULL) {
		f = table_filter(ui->view->table);
		saved_filter = xstrdup(f != NULL ? f : "");
	}
	qlen = 0;
	got_line = false;
	prompt_use_history(mode == UI_PROMPT_FILTER);
	using_history();
	rl_callback_handler_install("", prompt_line);
	if (initial != NULL && *initial != '\0') {
		rl_insert_text(initial);
		rl_point = rl_end;
	}
	curs_set(1);
	ui_dirty(ui);
}

/* The prompt ended: run what it was for. */
static void
prompt_finish(struct ui *ui, const char *line)
{
	enum ui_prompt_mode mode = ui->prompt_mode;
	void (*ask)(const char *, void *) = ui->ask_done;
	void *ask_arg = ui->ask_arg;
	char *cause = NULL, *copy;

	ui->prompt_mode = UI_PROMPT_NONE;
	ui->ask_done = NULL;
	ui->ask_arg = NULL;
	curs_set(0);
	ui_dirty(ui);
	copy = line != NULL ? xstrdup(line) : NULL;
	switch (mode) {
	case UI_PROMPT_COMMAND:
		if (copy != NULL && *copy != '\0') {
			add_history(copy);
			if (history_path != NULL)
				append_history(1, history_path);
			ui_run(ui, copy, CMD_FROM_PROMPT);
		}
		break;
	case UI_PROMPT_FILTER:
		if (copy != NULL && *copy != '\0') {
			add_history(copy);
			if (filter_history_path != NULL)
				append_history(1, filter_history_path);
		}
		if (ui->view == NULL)
			break;
		if (copy == NULL) {
			if (ui->view->table != NULL && saved_filter != NULL)
				table_set_filter(ui->view->table, saved_filter, &cause);
			break;
		}
		if (ui->view->table != NULL) {
			if (table_set_filter(ui->view->table, copy, &cause) != 0)
				ui_message(ui, true, "%s", cause);
		} else if (ui->view->cls->search != NULL) {
			if (ui->view->cls->search(ui->view, copy, &cause) != 0)
				ui_message(ui, true, "%s", cause);
		}
		break;
	case UI_PROMPT_ASK:
		if (ask != NULL)
			ask(copy, ask_arg);
		break;
	case UI_PROMPT_NONE:
		break;
	}
	free(cause);
	free(copy);
}

/* Queue one byte for readline and let it read it. */
static void
prompt_feed(unsigned char c)
{
	if (qlen == PROMPT_QUEUE)
		return;
	queue[(qhead + qlen) % PROMPT_QUEUE] = c;
	qlen++;
	while (qlen > 0 && !got_line)
		rl_callback_read_char();
}

void
prompt_key(struct ui *ui, int key)
{
	char *line;

	prompt_ui = ui;
	switch (key) {
	case 27:	/* Esc: cancel */
	case 3:		/* C-c */
		rl_callback_handler_remove();
		prompt_finish(ui, NULL);
		return;
	case KEY_LEFT:
		rl_backward_char(1, 0);
		break;
	case KEY_RIGHT:
		rl_forward_char(1, 0);
		break;
	case KEY_HOME:
		rl_beg_of_line(1, 0);
		break;
	case KEY_END:
		rl_end_of_line(1, 0);
		break;
	case KEY_UP:
		if (ui->prompt_mode == UI_PROMPT_COMMAND || ui->prompt_mode == UI_PROMPT_FILTER)
			rl_get_previous_history(1, 0);
		prompt_live_filter();
		break;
	case KEY_DOWN:
		if (ui->prompt_mode == UI_PROMPT_COMMAND || ui->prompt_mode == UI_PROMPT_FILTER)
			rl_get_next_history(1, 0);
		prompt_live_filter();
		break;
	case KEY_DC:
		rl_delete(1, 0);
		break;
	case KEY_BACKSPACE:
	case 127:
	case 8:
		if (rl_end == 0) {
			/* backspace on an empty line leaves, like vi and k9s */
			rl_callback_handler_remove();
			prompt_finish(ui, NULL);
			return;
		}
		prompt_feed(127);
		break;
	case KEY_ENTER:
	case '\r':
		prompt_feed('\n');
		break;
	default:
		if (key >= 0 && key < 256)
			prompt_feed((unsigned char)key);
		break;
	}
	prompt_live_filter();
	if (got_line) {
		got_line = false;
		line = line_done;
		line_done = NULL;
		prompt_finish(ui, line != NULL ? line : "");
		free(line);
	}
	ui_dirty(ui);
}

void
prompt_draw(struct ui *ui, WINDOW *win, int y, int w)
{
	const char *q = ui->prompt_question != NULL ? ui->prompt_question : ":";
	char *clean = sanitize_str(rl_line_buffer != NULL ? rl_line_buffer : "", 0);
	char *before;
	int qw = (int)display_width(q), cw, avail, start = 0, used;
	size_t point = (size_t)(rl_point >= 0 ? rl_point : 0), off;

	wattrset(win, (attr_t)ui_attr(THEME_PROMPT));
	mvwaddstr(win, y, 0, q);
	/* cursor column: width of the text before the point */
	before = sanitize(rl_line_buffer != NULL ? rl_line_buffer : "",
	    rl_line_buffer != NULL && point <= strlen(rl_line_buffer) ? point : 0, 0);
	cw = (int)display_width(before);
	free(before);
	avail = w - qw - 1;
	if (avail < 1)
		avail = 1;
	if (cw > avail)
		start = cw - avail;
	/* skip start columns */
	off = table_fit_bytes(clean, start, &used);
	table_put(win, y, qw, clean + off, w - qw, ui->ellipsis);
	wmove(win, y, qw + cw - used);
	free(clean);
}
