/* Dialogs are views, never nested loops: a confirmation shows the preview
 * (the server's dry-run result) and waits for y/n, or for the context name
 * typed at the prompt on protected contexts. The preview is word-wrapped to
 * the dialog, which is as tall as its text (up to the screen) and drawn over
 * the view below it; it scrolls when the text does not fit. The callback
 * runs exactly once, from the loop, whatever ends the dialog (answer, Esc,
 * quit). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "opsdeck/prompt.h"
#include "opsdeck/sanitize.h"
#include "opsdeck/table.h"
#include "opsdeck/ui.h"
#include "opsdeck/xmalloc.h"

/* A pending confirmation. */
struct dialog {
	struct pager	*pager;		/* the preview wrapped to wrap_w */
	char		*preview;	/* sanitised, newlines kept */
	int		 wrap_w;
	char		*title;
	char		*typed;
	void		(*done)(bool, void *);
	void		*arg;
	bool		 answered;
};

/* Answer once. */
static void
dialog_answer(struct view *v, bool ok)
{
	struct dialog *d = v->data;
	void (*done)(bool, void *) = d->done;

	if (d->answered)
		return;
	d->answered = true;
	ui_remove(v->ui, v);	/* frees v */
	if (done != NULL)
		done(ok, d->arg);
	free(d);
}

static int
dialog_init(struct view *v, char **cause)
{
	return 0;
}

static void	dialog_typed(const char *, void *);

static void
dialog_free(struct view *v)
{
	struct dialog *d = v->data;

	if (d == NULL)
		return;
	if (v->ui->ask_done == dialog_typed && v->ui->ask_arg == v) {
		/* the typed confirmation's prompt is still open: it answers
		 * nothing now */
		v->ui->ask_done = NULL;
		v->ui->ask_arg = NULL;
	}
	pager_free(d->pager);
	d->pager = NULL;
	free(d->preview);
	d->preview = NULL;
	free(d->title);
	d->title = NULL;
	free(d->typed);
	d->typed = NULL;
	if (!d->answered) {
		/* closed without an answer (quit, stack unwound): a no */
		d->answered = true;
		if (d->done != NULL)
			d->done(false, d->arg);
		free(d);
	}
	/* when answered, dialog_answer frees d after the callback */
	v->data = NULL;
}

/* Draw a dialog line: border, text padded to the inner width, border. */
static void
dialog_line(struct view *v, WINDOW *win, int y, int x, int iw, const char *text,
    unsigned long attr)
{
	const char *side = v->ui->ascii ? "|" : "\xe2\x94\x82";

	wattrset(win, (attr_t)ui_attr(THEME_TITLE));
	mvwaddstr(win, y, x, side);
	waddch(win, ' ');
	wattrset(win, (attr_t)attr);
	table_put(win, y, x + 2, text, iw, v->ui->ellipsis);
	wattrset(win, (attr_t)ui_attr(THEME_TITLE));
	waddch(win, ' ');
	waddstr(win, side);
}

/* Draw a border line with a label: "┌ label ───┐" or "└───┘". */
static void
dialog_edge(struct view *v, WINDOW *win, int y, int x, int bw, const char *label, bool top)
{
	const char *h = v->ui->ascii ? "-" : "\xe2\x94\x80";
	const char *l = v->ui->ascii ? "+" : top ? "\xe2\x94\x8c" : "\xe2\x94\x94";
	const char *r = v->ui->ascii ? "+" : top ? "\xe2\x94\x90" : "\xe2\x94\x98";
	int i, used = 0;

	wattrset(win, (attr_t)ui_attr(THEME_TITLE));
	mvwaddstr(win, y, x, l);
	if (label != NULL && bw > 6) {
		waddch(win, ' ');
		used = (int)display_width(label);
		if (used > bw - 6)
			used = bw - 6;
		table_put(win, y, x + 2, label, used, v->ui->ellipsis);
		waddch(win, ' ');
		used += 2;
	}
	for (i = used; i < bw - 2; i++)
		waddstr(win, h);
	waddstr(win, r);
}

static void
dialog_draw(struct view *v, WINDOW *win, int y, int h, int w, int64_t now)
{
	struct dialog *d = v->data;
	char buf[512];
	int iw, bw, bh, ch, x, y0, i, need;
	size_t top, n;

	/* the view below shows through around the dialog */
	if (v->prev != NULL && v->prev->cls->draw != NULL)
		v->prev->cls->draw(v->prev, win, y, h, w, now);
	if (d->typed != NULL)
		snprintf(buf, sizeof buf, "type %s at the prompt to go ahead; Esc cancels", d->typed);
	else
		snprintf(buf, sizeof buf, "y: go ahead   n or Esc: cancel");
	iw = w - 4 > 96 ? 96 : w - 4;
	if (iw < 1 || h < 4) {
		wattrset(win, (attr_t)ui_attr(THEME_WARN));
		table_put(win, y, 0, buf, w, v->ui->ellipsis);
		return;
	}
	if (d->wrap_w != iw) {
		pager_wrap(d->pager, d->preview, iw);
		d->wrap_w = iw;
	}
	/* as wide as the longest line (at least the key hint), up to iw */
	need = (int)display_width(buf);
	if ((int)display_width(d->title) + 2 > need)
		need = (int)display_width(d->title) + 2;
	n = pager_count(d->pager);
	for (top = 0; top < n; top++) {
		i = (int)display_width(pager_line(d->pager, top));
		need = i > need ? i : need;
	}
	if (need < iw)
		iw = need;
	bw = iw + 4;
	ch = (int)n;
	bh = ch + 4;		/* top edge, text, blank, key hint, bottom edge: ch + 4 */
	if (bh > h) {
		ch = h - 4;
		bh = h;
	}
	if (ch < 1)
		ch = 1;
	top = pager_get_top(d->pager);
	if (n > (size_t)ch && top > n - (size_t)ch)
		top = n - (size_t)ch;
	if (n <= (size_t)ch)
		top = 0;
	pager_set_top(d->pager, top);
	x = (w - bw) / 2;
	y0 = y + (h - bh) / 2;
	if (n > (size_t)ch)
		snprintf(buf + strlen(buf), sizeof buf - strlen(buf), "   [%zu-%zu/%zu j/k]",
		    top + 1, top + (size_t)ch, n);
	dialog_edge(v, win, y0, x, bw, d->title, true);
	for (i = 0; i < ch; i++) {
		dialog_line(v, win, y0 + 1 + i, x, iw,
		    pager_line(d->pager, top + (size_t)i) != NULL ?
		    pager_line(d->pager, top + (size_t)i) : "", ui_attr(THEME_NORMAL));
	}
	dialog_line(v, win, y0 + 1 + ch, x, iw, "", ui_attr(THEME_NORMAL));
	dialog_line(v, win, y0 + 2 + ch, x, iw, buf, ui_attr(THEME_WARN));
	dialog_edge(v, win, y0 + 3 + ch, x, bw, NULL, false);
	wattrset(win, (attr_t)ui_attr(THEME_NORMAL));
}

/* The typed confirmation came back from the prompt. */
static void
dialog_typed(const char *value, void *arg)
{
	struct view *v = arg;	/* dialog_free takes the prompt's answer back */
	struct dialog *d = v->data;

	if (d == NULL)
		return;
	if (value != NULL && strcmp(value, d->typed) != 0) {
		ui_message(v->ui, true, "typed '%s', expected '%s': cancelled", value, d->typed);
		dialog_answer(v, false);
		return;
	}
	dialog_answer(v, value != NULL);
}

static int
dialog_key(struct view *v, int key)
{
	struct dialog *d = v->data;
	char *q;

	if (d->typed != NULL) {
		if (key == 27 || key == 'n') {
			dialog_answer(v, false);
			return VIEW_HANDLED;
		}
		if (key == '\n' || key == '\r' || key == ':') {
			q = xasprintf("type %s: ", d->typed);
			v->ui->ask_done = dialog_typed;
			v->ui->ask_arg = v;
			prompt_start(v->ui, UI_PROMPT_ASK, q, "");
			free(q);
			return VIEW_HANDLED;
		}
		return pager_key(d->pager, key) ? VIEW_HANDLED : VIEW_UNHANDLED;
	}
	if (key == 'y' || key == 'Y') {
		dialog_answer(v, true);
		return VIEW_HANDLED;
	}
	if (key == 'n' || key == 'N' || key == 27 || key == 'q') {
		dialog_answer(v, false);
		return VIEW_HANDLED;
	}
	pager_key(d->pager, key);
	return VIEW_HANDLED;	/* nothing else runs while a dialog is up */
}

static const char *
dialog_title(struct view *v)
{
	return "confirm";
}

const struct view_class view_dialog_class = {
	.name = "dialog",
	.init = dialog_init,
	.free = dialog_free,
	.draw = dialog_draw,
	.key = dialog_key,
	.title = dialog_title,
};

/* cmd_ui.confirm for the console. */
void
dialog_confirm(void *uip, const char *title, const char *preview, const char *typed,
    void (*done)(bool, void *), void *arg)
{
	struct ui *ui = uip;
	struct dialog *d = xcalloc(1, sizeof *d);
	struct view *v;
	char *cause = NULL, *q;

	d->pager = pager_new(100000);
	d->title = sanitize_str(title != NULL ? title : "confirm", 0);
	d->typed = typed != NULL ? sanitize_str(typed, 0) : NULL;
	d->done = done;
	d->arg = arg;
	d->preview = sanitize_str(preview != NULL ? preview : "", SAN_KEEP_NEWLINE);
	v = ui_push(ui, &view_dialog_class, NULL, NULL, SIZE_MAX, &cause);
	if (v == NULL) {
		free(cause);
		pager_free(d->pager);
		free(d->preview);
		free(d->title);
		free(d->typed);
		free(d);
		done(false, arg);
		return;
	}
	v->data = d;
	if (d->typed != NULL) {
		q = xasprintf("type %s: ", d->typed);
		ui->ask_done = dialog_typed;
		ui->ask_arg = v;
		prompt_start(ui, UI_PROMPT_ASK, q, "");
		free(q);
	}
}
