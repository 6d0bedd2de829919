/* The headless UI of the one-shot commands (see hl_ui.h). */
#include <sys/wait.h>

#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "opsdeck/actions.h"
#include "opsdeck/audit.h"
#include "opsdeck/client.h"
#include "opsdeck/config.h"
#include "opsdeck/hl_signal.h"
#include "opsdeck/hl_session.h"
#include "opsdeck/hl_ui.h"
#include "opsdeck/kubeconfig.h"
#include "opsdeck/loop.h"
#include "opsdeck/sanitize.h"
#include "opsdeck/store.h"
#include "opsdeck/term.h"
#include "opsdeck/xmalloc.h"

/* A deferred answer (callbacks run later, from the loop). */
struct hl_answer {
	void		(*confirm_done)(bool, void *);
	void		(*prompt_done)(const char *, void *);
	void		(*term_done)(int, void *);
	void		*arg;
	bool		 ok;
	char		*value;
	int		 status;
};

/* Deliver a deferred answer. */
static void
hl_deliver(void *arg)
{
	struct hl_answer *a = arg;

	if (a->confirm_done != NULL)
		a->confirm_done(a->ok, a->arg);
	else if (a->term_done != NULL)
		a->term_done(a->status, a->arg);
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

/* Run a program on the terminal: nothing else is on it, so wait for it. */
static int
hl_foreground(void *ui, char *const argv[], char *const envp[],
    void (*done)(int, void *), void *arg, char **cause)
{
	struct hl_ui *h = ui;
	struct hl_answer *a;
	struct sigaction ign, old_int, old_quit;
	pid_t pid;

	pid = term_spawn(argv, envp, false, cause);
	if (pid < 0)
		return -1;
	a = xcalloc(1, sizeof *a);
	a->term_done = done;
	a->arg = arg;
	a->status = -1;
	/* ^C and ^\ on the terminal are the program's */
	memset(&ign, 0, sizeof ign);
	ign.sa_handler = SIG_IGN;
	sigemptyset(&ign.sa_mask);
	sigaction(SIGINT, &ign, &old_int);
	sigaction(SIGQUIT, &ign, &old_quit);
	while (waitpid(pid, &a->status, 0) < 0 && errno == EINTR)
		;
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGQUIT, &old_quit, NULL);
	loop_timer_add(h->loop, 0, hl_deliver, a);
	return 0;
}

const struct cmd_ui hl_ui_ops = {
	.message = hl_message,
	.confirm = hl_confirm,
	.prompt = hl_prompt,
	.show_view = NULL,
	.foreground = hl_foreground,
};

/* The batch ended. */
static void
hl_action_done(const char *outcome, const char *message, void *arg)
{
	struct hl_wait *w = arg;

	w->done = true;
	free(w->outcome);
	free(w->message);
	w->outcome = xstrdup(outcome);
	w->message = xstrdup(message != NULL ? message : outcome);
}

/* Loop condition: the batch ended, or a signal came. */
static int
hl_action_over(void *arg)
{
	return ((struct hl_wait *)arg)->done || hl_signal_caught() != 0;
}

/* Run one action command and wait for it. */
int
hl_action_run(struct cmd_ctx *ctx, int argc, char **argv, double timeout,
    struct hl_wait *w, json_t **result, char **cause)
{
	ctx->done = hl_action_done;
	ctx->done_arg = w;
	ctx->result = result;
	ctx->started = false;
	if (cmd_execute_argv(ctx, argc, argv, cause) != 0)
		return 1;
	if (!ctx->started) {
		*cause = xasprintf("%s did not start", argv[0]);
		return 1;
	}
	if (loop_run_until(w->loop, hl_action_over, w, timeout) != 0) {
		*cause = xasprintf("timed out after %.0fs", timeout);
		actions_interrupt("timed out");
		return 1;
	}
	if (hl_signal_caught() != 0)
		return hl_signals_finish(w->loop, HL_SIGNAL_WAIT);
	return 0;
}

/* Open an action command's contexts. */
int
hl_action_session(struct hl_session *s, const char *path, const char *spec, bool all,
    const char *what)
{
	struct hl_session_opts so;
	struct client_opts copts;

	memset(s, 0, sizeof *s);
	/* requests an earlier run sent without recording their outcome */
	audit_recover_stderr();
	memset(&copts, 0, sizeof copts);
	copts.once = true;
	copts.health_interval = -1;
	so = (struct hl_session_opts){ .kubeconfig = path, .spec = spec, .all = all,
	    .signals = true, .commands = actions_register, .client = &copts };
	if (hl_session_open(s, &so) != 0)
		return s->loop != NULL ? 1 : 2;	/* selected, but no signals */
	if (s->cfg == NULL) {
		fprintf(stderr, "opsdeck: %s: refused: config.yaml could not be read, so its "
		    "read-only contexts are unknown\n", what);
		return 1;
	}
	return 0;
}
