/* The headless UI of the one-shot commands (see hl_ui.h). */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "opsdeck/hl_ui.h"
#include "opsdeck/loop.h"
#include "opsdeck/sanitize.h"
#include "opsdeck/xmalloc.h"

/* A deferred answer (callbacks run later, from the loop). */
struct hl_answer {
	void		(*confirm_done)(bool, void *);
	void		(*prompt_done)(const char *, void *);
	void		*arg;
	bool		 ok;
	char		*value;
};

/* Deliver a deferred answer. */
static void
hl_deliver(void *arg)
{
	struct hl_answer *a = arg;

	if (a->confirm_done != NULL)
		a->confirm_done(a->ok, a->arg);
	else
		a->prompt_done(a->value, a->arg);
	free(a->value);
	free(a);
}

/* Print a message. */
static void
hl_message(void *ui, bool error, const char *text)
{
	struct hl_ui *h = ui;
	FILE *f = error ? stderr : h->out;

	fprintf(f, "%s%s\n", error ? "opsdeck: " : "", text);
	fflush(f);
}

/* Read one answer line from the terminal (headless only); new or NULL. */
static char *
hl_read_line(void)
{
	char buf[512];

	if (fgets(buf, sizeof buf, stdin) == NULL)
		return NULL;
	buf[strcspn(buf, "\r\n")] = '\0';
	return xstrdup(buf);
}

/* Confirm: --yes, else ask on a terminal, else refuse. */
static void
hl_confirm(void *ui, const char *title, const char *preview, const char *typed,
    void (*done)(bool, void *), void *arg)
{
	struct hl_ui *h = ui;
	struct hl_answer *a = xcalloc(1, sizeof *a);
	char *line, *clean, *clean_title;

	a->confirm_done = done;
	a->arg = arg;
	clean_title = sanitize_str(title, 0);
	clean = sanitize_str(preview, SAN_KEEP_NEWLINE);
	fprintf(h->out, "== %s\n%s\n", clean_title, clean);
	free(clean_title);
	free(clean);
	if (typed != NULL)
		fprintf(h->out, "(protected: type '%s' to confirm)\n", typed);
	if (h->yes) {
		fprintf(h->out, "%s\n", h->yes_why != NULL ? h->yes_why : "confirmed");
		a->ok = true;
	} else if (h->tty) {
		printf("%s ", typed != NULL ? "type the name:" : "proceed? [y/N]");
		fflush(stdout);
		line = hl_read_line();
		if (typed != NULL)
			a->ok = line != NULL && strcmp(line, typed) == 0;
		else
			a->ok = line != NULL && (strcmp(line, "y") == 0 || strcmp(line, "yes") == 0);
		free(line);
	} else {
		fprintf(stderr, "opsdeck: refusing: confirmation needed (use --yes, or run on a "
		    "terminal)\n");
		a->ok = false;
	}
	fflush(h->out);
	loop_timer_add(h->loop, 0, hl_deliver, a);
}

/* Prompt: --yes takes the initial value, else ask on a terminal. */
static void
hl_prompt(void *ui, const char *question, const char *initial,
    void (*done)(const char *, void *), void *arg)
{
	struct hl_ui *h = ui;
	struct hl_answer *a = xcalloc(1, sizeof *a);

	a->prompt_done = done;
	a->arg = arg;
	if (h->yes)
		a->value = initial != NULL && *initial != '\0' ? xstrdup(initial) : NULL;
	else if (h->tty) {
		printf("%s [%s] ", question, initial != NULL ? initial : "");
		fflush(stdout);
		a->value = hl_read_line();
		if (a->value != NULL && *a->value == '\0' && initial != NULL) {
			free(a->value);
			a->value = xstrdup(initial);
		}
	}
	loop_timer_add(h->loop, 0, hl_deliver, a);
}

const struct cmd_ui hl_ui_ops = {
	.message = hl_message,
	.confirm = hl_confirm,
	.prompt = hl_prompt,
	.show_view = NULL,
};
