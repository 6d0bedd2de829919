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

struct hl_ui {
	struct loop	*loop;
	FILE		*out;		/* previews and progress: stdout, stderr */
	bool		 yes;		/* confirmations are answered yes */
	const char	*yes_why;	/* said when they are: "confirmed by --yes" */
	bool		 tty;		/* else ask on the terminal (stdin) */
};

/* The operations; the ui pointer they get is a struct hl_ui. */
extern const struct cmd_ui	 hl_ui_ops;

#endif
