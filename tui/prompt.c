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
#include "opsdeck/loop.h"
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
static char word_breaks[] = " \t";	/* "@prod-t" is one word */

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

/* Seconds a typed key may spend filtering before the screen shows the
 * matches so far; the rest is done a slice at a time between keys. */
#define PROMPT_FILTER_SLICE	0.02

static struct loop_timer *filter_timer;

/* The table being filtered as typed, if its filter is not done yet. */
static struct table *
prompt_filtering(void)
{
	struct ui *ui = prompt_ui;

	if (ui == NULL || ui->view == NULL || ui->view->table == NULL ||
	    !table_filtering(ui->view->table))
		return NULL;
	return ui->view->table;
}

/* Timer: filter another slice, and again until done. */
static void
prompt_filter_more(void *arg)
{
	struct table *t;

	(void)arg;
	filter_timer = NULL;
	if ((t = prompt_filtering()) == NULL)
		return;
	if (!table_filter_continue(t, PROMPT_FILTER_SLICE))
		filter_timer = loop_timer_add(prompt_ui->loop, 0, prompt_filter_more, NULL);
	ui_dirty(prompt_ui);
}

/* Live filter while typing "/": at most a slice per key, the rest later. */
static void
prompt_live_filter(void)
{
	struct ui *ui = prompt_ui;
	char *cause = NULL;

	if (ui == NULL || ui->prompt_mode != UI_PROMPT_FILTER || ui->view == NULL ||
	    ui->view->table == NULL)
		return;
	if (table_set_filter_live(ui->view->table, rl_line_buffer, &cause,
	    PROMPT_FILTER_SLICE) != 0)
		free(cause);
	if (prompt_filtering() != NULL && filter_timer == NULL)
		filter_timer = loop_timer_add(ui->loop, 0, prompt_filter_more, NULL);
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

/* Store walk state for completion from the store's rows. */
struct row_walk {
	char		***cands;
	size_t		*n;
	const char	*word;
	bool		 ns;	/* the rows' namespaces, else their names */
};

/* Collect the namespaces (or names) of the rows walked. */
static int
row_cb(size_t cluster, const struct row *r, void *arg)
{
	struct row_walk *w = arg;
	const char *s = w->ns ? r->ns : r->name;

	if (s != NULL && *s != '\0')
		cand_add(w->cands, w->n, s, "", w->word);
	return *w->n >= PROMPT_MAX_CAND;
}

/* Add the namespaces (ns) or names of resource's rows. */
static void
cand_rows(struct ui *ui, char ***cands, size_t *n, const char *word, const char *resource,
    bool ns)
{
	struct row_walk w = { cands, n, word, ns };

	if (ui->store != NULL)
		store_foreach(ui->store, SIZE_MAX, resource, NULL, row_cb, &w);
}

/*
 * Completion follows the command's argument template (cmd_entry.args, the
 * usage help shows): "[@CLUSTER] [NAMESPACE|-A]", "[RUNBOOK] [--param K=V]...".
 * A word in capitals names a kind of value, anything else is literal; "|"
 * separates alternatives, "[" "]" and "..." are dropped. A template word
 * starting with "@" is where contexts go; one starting with "-" is a flag,
 * and a flag followed by a capitalised word takes that value. Every other
 * word is a positional slot, filled in order (the last repeats if it ends
 * in "...").
 */
#define PROMPT_MAX_SLOTS	8

struct tmpl_slot {
	char	alt[4][32];	/* the slot's alternatives */
	size_t	nalt;
	bool	repeats;
};

struct tmpl {
	struct tmpl_slot pos[PROMPT_MAX_SLOTS];	/* positional slots */
	size_t		 npos;
	char		 flags[PROMPT_MAX_SLOTS][32];
	bool		 flag_value[PROMPT_MAX_SLOTS];	/* the flag takes a value */
	size_t		 nflags;
	bool		 at;		/* takes @CONTEXT */
};

/* Whether s names a kind of value (capitals, digits, = and _ only). */
static bool
tmpl_is_value(const char *s)
{
	bool upper = false;

	for (; *s != '\0'; s++) {
		if (*s >= 'A' && *s <= 'Z')
			upper = true;
		else if (!(*s >= '0' && *s <= '9') && *s != '=' && *s != '_' && *s != '.')
			return false;
	}
	return upper;
}

/* Parse an argument template into t. */
static void
tmpl_parse(const char *args, struct tmpl *t)
{
	char buf[256], *word, *save = NULL, *alt, *save2;
	struct tmpl_slot *sl;
	size_t len;
	bool after_flag = false, rep;

	memset(t, 0, sizeof *t);
	if (args == NULL)
		return;
	snprintf(buf, sizeof buf, "%s", args);
	for (word = strtok_r(buf, " []", &save); word != NULL; word = strtok_r(NULL, " []", &save)) {
		len = strlen(word);
		rep = len > 3 && strcmp(word + len - 3, "...") == 0;
		if (rep)
			word[len - 3] = '\0';
		if (strcmp(word, "|") == 0)
			continue;
		if (*word == '@') {
			t->at = true;
			after_flag = false;
			continue;
		}
		if (*word == '-' && strchr(word, '|') == NULL) {
			if (t->nflags < PROMPT_MAX_SLOTS)
				snprintf(t->flags[t->nflags++], sizeof t->flags[0], "%s", word);
			after_flag = true;
			continue;
		}
		if (after_flag && tmpl_is_value(word)) {
			t->flag_value[t->nflags - 1] = true;
			after_flag = false;
			continue;
		}
		after_flag = false;
		if (t->npos == PROMPT_MAX_SLOTS)
			continue;
		sl = &t->pos[t->npos++];
		sl->repeats = rep;
		for (alt = strtok_r(word, "|", &save2); alt != NULL && sl->nalt < 4;
		    alt = strtok_r(NULL, "|", &save2))
			snprintf(sl->alt[sl->nalt++], sizeof sl->alt[0], "%s", alt);
	}
}

/* Whether flag takes a value in t. */
static bool
tmpl_flag_takes_value(const struct tmpl *t, const char *flag)
{
	size_t i;

	for (i = 0; i < t->nflags; i++) {
		if (strcmp(t->flags[i], flag) == 0)
			return t->flag_value[i];
	}
	return false;
}

/* The context names, each after prefix ("@" where the template says
 * @CONTEXT, "" for a CONTEXT argument). */
static void
cand_contexts(struct ui *ui, char ***cands, size_t *n, const char *prefix, const char *word)
{
	size_t i;

	for (i = 0; ui->store != NULL && i < store_ncluster(ui->store); i++)
		cand_add(cands, n, store_cluster(ui->store, i)->name, prefix, word);
}

/* Runbook names: those that apply to the selection, or the rest when
 * none of those starts with word. */
static void
cand_runbooks(struct ui *ui, char ***cands, size_t *n, const char *word)
{
	struct cmd_target *t = NULL;
	struct runbook **list;
	size_t nl, na, nt = 0, i, before = *n;

	if (ui->view != NULL && ui->view->cls->targets != NULL)
		nt = ui->view->cls->targets(ui->view, &t);
	list = runbook_list_for(nt > 0 ? t : NULL, &nl, &na);
	for (i = 0; i < na; i++)
		cand_add(cands, n, list[i]->name, "", word);
	if (*n == before) {
		/* none of those: offer the rest */
		for (i = na; i < nl; i++)
			cand_add(cands, n, list[i]->name, "", word);
	}
	runbook_list_free(list, nl);
	free(t);
}

/* Add the candidates for one kind of value (or a literal). */
static void
cand_value(struct ui *ui, char ***cands, size_t *n, const char *kind, const char *word)
{
	size_t i;

	if (kind[0] == '-' || strspn(kind, "abcdefghijklmnopqrstuvwxyz0123456789-") == strlen(kind)) {
		cand_add(cands, n, kind, "", word);	/* a literal */
	} else if (strcmp(kind, "CONTEXT") == 0) {
		cand_contexts(ui, cands, n, "", word);
	} else if (strcmp(kind, "NAMESPACE") == 0) {
		cand_rows(ui, cands, n, word, "namespaces", false);
		cand_rows(ui, cands, n, word, "pods", true);
	} else if (strcmp(kind, "OPTION") == 0) {
		for (i = 0; i < ui_noptions; i++)
			cand_add(cands, n, ui_options[i].name, "", word);
	} else if (strcmp(kind, "COLUMN") == 0) {
		if (ui->view == NULL || ui->view->table == NULL)
			return;
		for (i = 0; i < table_ncols(ui->view->table); i++)
			cand_add(cands, n, table_col_at(ui->view->table, i)->name, "", word);
	} else if (strcmp(kind, "RUNBOOK") == 0) {
		cand_runbooks(ui, cands, n, word);
	} else if (strcmp(kind, "BACKUP") == 0) {
		cand_rows(ui, cands, n, word, "backups", false);
	}
}

char **
prompt_complete(struct ui *ui, const char *line, int start, const char *word)
{
	char **cands = NULL, **argv = NULL, *why = NULL, *head;
	const struct cmd_entry *e;
	const struct tmpl_slot *sl;
	struct tmpl t;
	size_t n = 0, i, pos = 0;
	int argc = 0, a;

	cands = xcalloc(1, sizeof *cands);
	while (*line == ':' || *line == ' ') {
		line++;
		start--;
	}
	if (start <= 0) {
		for (i = 0; i < cmd_count(); i++)
			cand_add(&cands, &n, cmd_at(i)->name, "", word);
		return cands;
	}
	/* the words before the one being completed */
	head = xstrndup(line, (size_t)start);
	if (cmd_split(head, &argc, &argv, &why) != 0 || argc == 0) {
		free(why);
		free(head);
		cmd_free_argv(argc, argv);
		return cands;
	}
	free(head);
	e = cmd_find(argv[0], &why);
	free(why);
	if (e == NULL) {
		cmd_free_argv(argc, argv);
		return cands;
	}
	tmpl_parse(e->args, &t);
	if (word[0] == '@') {
		if (t.at)
			cand_contexts(ui, &cands, &n, "@", word);
	} else if (word[0] == '-') {
		for (i = 0; i < t.nflags; i++)
			cand_add(&cands, &n, t.flags[i], "", word);
		for (i = 0; i < t.npos; i++) {
			if (t.pos[i].alt[0][0] != '\0' && t.pos[i].nalt > 1)
				cand_value(ui, &cands, &n, t.pos[i].alt[t.pos[i].nalt - 1], word);
		}
	} else {
		/* which positional slot this word fills */
		for (a = 1; a < argc; a++) {
			if (argv[a][0] == '@')
				continue;
			if (argv[a][0] == '-' && strcmp(argv[a], "-A") != 0) {
				if (tmpl_flag_takes_value(&t, argv[a]))
					a++;
				continue;
			}
			pos++;
		}
		if (a > argc)	/* the word is a flag's value */
			pos = SIZE_MAX;
		if (pos != SIZE_MAX && t.npos > 0 && pos >= t.npos && t.pos[t.npos - 1].repeats)
			pos = t.npos - 1;
		if (pos < t.npos) {
			sl = &t.pos[pos];
			for (i = 0; i < sl->nalt; i++)
				cand_value(ui, &cands, &n, sl->alt[i], word);
		}
		/* nothing positional to offer: where the contexts go */
		if (n == 0 && pos != SIZE_MAX && word[0] == '\0' && t.at)
			cand_contexts(ui, &cands, &n, "@", word);
	}
	cmd_free_argv(argc, argv);
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
	rl_completer_word_break_characters = word_breaks;
	/* one Tab lists what an ambiguous word could be (the status line) */
	rl_variable_bind("show-all-if-ambiguous", "on");
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
	ui->draw_prompt = prompt_draw;
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
