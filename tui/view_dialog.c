/* Dialogs are views, never nested loops: a confirmation shows the preview
 * (the server's dry-run result) and waits for y/n, or for the context name
 * typed at the prompt on protected contexts. The callback runs exactly
 * once, from the loop, whatever ends the dialog (answer, Esc, quit). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "opsdeck/prompt.h"
#include "opsdeck/sanitize.h"
#include "opsdeck/ui.h"
#include "opsdeck/xmalloc.h"

/* A pending confirmation. */
struct dialog {
	struct pager	*pager;
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

static void
dialog_free(struct view *v)
{
	struct dialog *d = v->data;

	if (d == NULL)
		return;
	pager_free(d->pager);
	d->pager = NULL;
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

static void
dialog_draw(struct view *v, WINDOW *win, int y, int h, int w, int64_t now)
{
	struct dialog *d = v->data;
	char buf[512];

	wattrset(win, (attr_t)ui_attr(THEME_TITLE));
	table_put(win, y, 0, d->title, w, v->ui->ellipsis);
	pager_draw(d->pager, v->ui, win, y + 1, h - 2, w);
	if (d->typed != NULL)
		snprintf(buf, sizeof buf, " type %s at the prompt to go ahead; Esc cancels", d->typed);
	else
		snprintf(buf, sizeof buf, " y: go ahead   n or Esc: cancel");
	wattrset(win, (attr_t)ui_attr(THEME_WARN));
	table_put(win, y + h - 1, 0, buf, w, v->ui->ellipsis);
}

/* The typed confirmation came back from the prompt. */
static void
dialog_typed(const char *value, void *arg)
{
	struct view *v = arg, *it;
	struct dialog *d;

	for (it = ui_current != NULL ? ui_current->view : NULL; it != NULL && it != v; it = it->prev)
		;
	if (it == NULL || v->data == NULL)
		return;
	d = v->data;
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
		return pager_key(d->pager, key);
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
	if (preview != NULL)
		pager_add(d->pager, preview, strlen(preview));
	v = ui_push(ui, &view_dialog_class, NULL, NULL, SIZE_MAX, &cause);
	if (v == NULL) {
		free(cause);
		pager_free(d->pager);
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
