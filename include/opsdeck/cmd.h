/* Commands are data: one table entry per command. A key binding, the ":"
 * prompt, a runbook `action` step and the headless CLI all go through
 * cmd_execute(): the same lookup (unambiguous prefixes), the same read-only
 * guard for CMD_MUTATES entries, the same audit (done by the action
 * pipeline). Entries are registered by their modules at start-up: the
 * console's view/navigation commands (tui/cmd.c, tui/console.c) and the
 * actions (tui/actions_cmd.c). */
#ifndef OPSDECK_CMD_H
#define OPSDECK_CMD_H

#include <stdbool.h>
#include <stddef.h>

struct client;
struct store;
struct store_cluster;
struct cmd_ctx;
struct ui;
typedef struct json_t json_t;

/* The end of an action a caller waits for (struct cmd_ctx's done). */
typedef void (*cmd_done_cb)(const char *outcome, const char *message, void *arg);

/* Where a command came from (recorded in the audit log). */
enum cmd_origin {
	CMD_FROM_KEY,
	CMD_FROM_PROMPT,
	CMD_FROM_RUNBOOK,
	CMD_FROM_CLI,
};

enum cmd_flag {
	CMD_MUTATES		= 0x01,	/* refused in read-only mode / read-only contexts */
	CMD_NEEDS_TARGET	= 0x02,	/* needs a selected row (or marked rows) */
	CMD_CONSOLE_ONLY	= 0x04,	/* meaningless headless (views, navigation) */
	CMD_SCOPED		= 0x08,	/* takes the scope words (struct cmd_scope) */
};

/* Where a command acts when its words say so, parsed once by cmd_execute
 * for CMD_SCOPED commands and taken out of the words they get:
 * "@CONTEXT", "--context CONTEXT" or "--context=CONTEXT"; "-n NAMESPACE";
 * "-t KIND/NAME" or "-t KIND/NAMESPACE/NAME". NULL where not given. Other
 * commands get every word as typed (an incident title may hold "@team"). */
struct cmd_scope {
	const char	*context;
	const char	*ns;
	const char	*target;
};

/* One object a command acts on: the selected row, or each marked row. */
struct cmd_target {
	size_t		 cluster;	/* store cluster index */
	const char	*resource;	/* "deployments", "pods", "alerts", ... */
	const char	*ns;
	const char	*name;
	const char	*uid;
};

/* How a command talks back: the console implements these with views (a
 * confirmation dialog is a view, never a nested loop); headless runs
 * implement them on stdio (--yes answers confirmations). */
struct cmd_ui {
	/* A one-line message to the status line (or stderr). */
	void	(*message)(void *ui, bool error, const char *text);
	/* Show preview (multi-line) and ask. If typed is non-NULL the operator
	 * must type exactly that (protected contexts). done(ok, arg) runs
	 * later, from the loop, exactly once. */
	void	(*confirm)(void *ui, const char *title, const char *preview, const char *typed,
		    void (*done)(bool ok, void *arg), void *arg);
	/* Ask for a value (scale replicas, silence duration): done(value or NULL). */
	void	(*prompt)(void *ui, const char *question, const char *initial,
		    void (*done)(const char *value, void *arg), void *arg);
	/* Switch the console to a view (":pods @prod-tokyo"); NULL headless. */
	int	(*show_view)(void *ui, const char *view, const char *arg, char **cause);
	/* Give the terminal to argv (envp NULL: ours) until it exits (an
	 * editor, kubectl exec): the console leaves the screen to it, every
	 * watch running meanwhile, and takes it back after; headless, the
	 * command waits for it. done(wait status, arg) runs later, from the
	 * loop, exactly once; 0, or -1 with *cause (done not called). NULL: no
	 * terminal to give. */
	int	(*foreground)(void *ui, char *const argv[], char *const envp[],
		    void (*done)(int status, void *arg), void *arg, char **cause);
};

/* The context a command runs in. */
struct cmd_ctx {
	enum cmd_origin		 origin;
	struct client		*client;
	struct store		*store;
	const struct cmd_target	*targets;	/* selection or marks; may be 0 */
	size_t			 ntargets;
	bool			 read_only;	/* --read-only for the whole session */
	const char		*incident_id;	/* open incident, or NULL */
	const struct cmd_ui	*ui_ops;
	void			*ui;
	struct cmd_scope	 scope;		/* set by cmd_execute while exec runs */
	/* Set by a caller that waits for an action it starts (a runbook
	 * step, opsdeck silence): done runs once when the action's batch of
	 * targets ends, outcome "ok" when every target succeeded, else the
	 * first failure's (failed, refused, forbidden, cancelled, timeout,
	 * skipped), with a message; never for batches actions_shutdown
	 * drops. *result, if result is set, gets a new reference to the
	 * first target's audited params (a silence's "silence_id") or stays
	 * NULL. The action sets started when it took done; a command that
	 * completed at once, or failed before starting, leaves it false. */
	cmd_done_cb		 done;
	void			*done_arg;
	json_t			**result;
	bool			 started;
};

/* One command. */
struct cmd_entry {
	const char	*name;		/* "scale" */
	const char	*alias;		/* "sc", or NULL */
	const char	*args;		/* "[REPLICAS]" for usage and help */
	const char	*help;		/* one line */
	unsigned	 flags;		/* enum cmd_flag */
	/* Comma list of resources it applies to, or NULL (any). Actions leave
	 * it NULL: the kinds that allow one list it (kinds.h). */
	const char	*kinds;
	/* Run with argv[0] = the command name. Returns 0 when started; errors
	 * set *cause. Asynchronous work reports through ctx->ui_ops. */
	int		(*exec)(struct cmd_ctx *, int argc, char **argv, char **cause);
};

/* Register n entries (kept by pointer: pass a static table). */
void		 cmd_register(const struct cmd_entry *, size_t n);
/* Find by exact name or alias, else by unambiguous prefix; on ambiguity
 * *cause lists the candidates. */
const struct cmd_entry *cmd_find(const char *name, char **cause);
/* Iterate registered commands (help screen, completion). */
size_t		 cmd_count(void);
const struct cmd_entry *cmd_at(size_t);
/* Split line shell-like (quotes, backslashes), find, apply the read-only
 * guard (global and per target cluster), run. Returns 0 or -1 with *cause. */
int		 cmd_execute(struct cmd_ctx *, const char *line, char **cause);
/* The same for a command already split into words (argv[0] the command):
 * each word is one argument whatever it holds, so values put into words
 * (runbook templates) cannot add arguments or commands. */
int		 cmd_execute_argv(struct cmd_ctx *, int argc, char *const *argv, char **cause);
/* One line that cmd_split reads back as exactly argv (words needing it are
 * double-quoted with \" and \\ escaped); new string. For showing argument
 * vectors unambiguously. */
char		*cmd_quote_argv(int argc, char *const *argv);
/* argv[from] .. argv[argc - 1] joined by single spaces, unquoted (free
 * text such as a note or a filter); new string, "" when there are none. */
char		*cmd_join_argv(int argc, char *const *argv, int from);
/* Split line shell-like into *argv (NULL-terminated; free with
 * cmd_free_argv). 0, or -1 with *cause (unterminated quote, too long). */
int		 cmd_split(const char *line, int *argc, char ***argv, char **cause);
void		 cmd_free_argv(int argc, char **argv);
/* The read-only rule, the one place it is written: a change may not go
 * out in read-only mode (read_only, the session's --read-only), nor to a
 * read-only context (sc, NULL when not known). NULL if it may, else the
 * refusal (new string): "refused: read-only mode" or "refused: context
 * NAME is read-only". cmd_check asks it before a command runs, the action
 * pipeline again per target, runbooks before a run starts. */
char		*cmd_read_only_refusal(bool read_only, const struct store_cluster *sc);
/* The guard alone: console-only commands headless, and for CMD_MUTATES
 * commands read-only mode, read-only target clusters and a read-only
 * ctx->scope.context. 0 if e may run in ctx, else -1 and *cause says why. */
int		 cmd_check(const struct cmd_entry *, struct cmd_ctx *, char **cause);
/* The console a command runs in (the struct ui behind ctx->ui), or NULL
 * when it runs headless. */
struct ui	*cmd_console_ui(const struct cmd_ctx *);
/* Register the console's own commands (views, navigation, :set, :q). */
void		 cmd_console_register(void);

#endif
