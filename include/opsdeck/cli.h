/* Entry points of opsdeck's subcommands, dispatched from main(). Each takes
 * the arguments after the subcommand name (argv[0] is the subcommand) and
 * returns the process exit status. */
#ifndef OPSDECK_CLI_H
#define OPSDECK_CLI_H

int	console_main(int, char **);	/* opsdeck [--drill S] [options]   tui/console.c */
int	drill_main(int, char **);	/* opsdeck drill serve|report|credential  drill/drill_main.c */
int	get_main(int, char **);		/* opsdeck get KIND ...             tui/cmd_get.c */
int	describe_main(int, char **);	/* opsdeck describe KIND NAME ...   tui/cmd_describe.c */
int	edit_main(int, char **);	/* opsdeck edit KIND/NAME ...       tui/cmd_edit.c */
int	silence_main(int, char **);	/* opsdeck silence add|expire|list  tui/cmd_silence.c */
int	runbook_main(int, char **);	/* opsdeck runbook list|show|run    tui/cmd_runbook.c */
int	incident_main(int, char **);	/* opsdeck incident export ID       tui/cmd_incident.c */

#endif
