/* The headless UI of the one-shot commands (opsdeck runbook run, opsdeck
 * silence add|expire): the cmd_ui the action pipeline and runbooks talk to
 * when there is no console. Messages go to out (progress) and stderr
 * (errors); a confirmation prints its title and preview and is answered by
 * yes (the command line is the confirmation: --yes, or a command that is
 * itself the request), else on a terminal, else refused. Answers are
 * delivered later, from the loop, as the pipeline expects. */
#ifndef OPSDECK_HL_UI_H
#define OPSDECK_HL_UI_H

#include <stdbool.h>
#include <stdio.h>

#include "opsdeck/cmd.h"

struct loop;
struct store;
struct client;
struct kubeconfig;
struct kube_context;
struct opsdeck_config;
typedef struct json_t json_t;

struct hl_ui {
	struct loop	*loop;
	FILE		*out;		/* previews and progress: stdout, stderr */
	bool		 yes;		/* confirmations are answered yes */
	const char	*yes_why;	/* said when they are: "confirmed by --yes" */
	bool		 tty;		/* else ask on the terminal (stdin) */
};

struct hl_session;

/* The operations; the ui pointer they get is a struct hl_ui. A program
 * given the terminal (an editor) is waited for. */
extern const struct cmd_ui	 hl_ui_ops;

/* One action command's end, as hl_action_run waits for it. */
struct hl_wait {
	struct loop	*loop;
	bool		 done;
	char		*outcome;	/* "ok", "failed", ... (new) */
	char		*message;
};

/* Run one action command (argv[0] an action verb) as the CLI through the
 * command table's guard, and wait up to timeout seconds for it. Returns 0
 * when it ran (then w->outcome says how it went), 1 if refused, failed to
 * start or timed out (*cause), or 128 + signal. *result gets the target's
 * audited params. */
int	 hl_action_run(struct cmd_ctx *, int argc, char **argv, double timeout,
	    struct hl_wait *, json_t **result, char **cause);

/* Open the contexts spec (or all) of the kubeconfig at path for the
 * action command what ("silence add", "edit") on an hl_session: requests an
 * earlier run left unrecorded are reported, config.yaml must be readable
 * (its read-only contexts would be unknown: refused), the loop catches the
 * signals (hl_signal.h), the client lists once without health checks and
 * the actions are registered. 0, or the exit status after saying why on
 * stderr (2: the kubeconfig or the contexts; 1: the rest). Close with
 * hl_session_close. */
int	 hl_action_session(struct hl_session *, const char *path, const char *spec, bool all,
	    const char *what);

#endif
