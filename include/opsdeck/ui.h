/* The console's screen: header (clusters and their states, view, filter,
 * READ-ONLY, clock), the current view, the status line and the prompt.
 * Views are classes (a const vtable each, one per file); dialogs are views
 * too, never nested loops. Everything runs on the loop's thread. */
#ifndef OPSDECK_UI_H
#define OPSDECK_UI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <curses.h>

#include "opsdeck/cmd.h"
#include "opsdeck/pager.h"
#include "opsdeck/table.h"
#include "opsdeck/theme.h"

struct loop;
struct store;
struct client;
struct opsdeck_config;
struct ui;
struct view;

/* What a view's key handler did. */
enum view_key_result {
	VIEW_UNHANDLED = 0,	/* try the key table */
	VIEW_HANDLED = 1,
};

/* A view class (htop's PanelClass, tmux's window_mode). */
struct view_class {
	const char	*name;
	/* Set up v->data (v->resource and v->arg are set). 0 or -1 with *cause. */
	int		(*init)(struct view *, char **cause);
	void		(*free)(struct view *);
	/* Bring rows up to date with the store (cheap when nothing changed). */
	void		(*update)(struct view *, int64_t now);
	/* Draw into screen rows [y, y + h), width w. */
	void		(*draw)(struct view *, WINDOW *, int y, int h, int w, int64_t now);
	/* A key before the key table sees it (dialogs, log search). */
	int		(*key)(struct view *, int key);
	/* Enter on the selection: drill down. 0, or -1 with *cause. */
	int		(*enter)(struct view *, char **cause);
	/* A short title for the header ("pods", "logs default/api-1"). */
	const char	*(*title)(struct view *);
	/* Targets of commands: selection or marks (caller frees the array). */
	size_t		(*targets)(struct view *, struct cmd_target **);
	/* "/" in a view without a table: search for text ("" clears). */
	int		(*search)(struct view *, const char *text, char **cause);
	/* The one object the view shows: its namespace and name (borrowed,
	 * either may be NULL). Absent: the view's namespace, no single object.
	 * Drills score what an operator looks at with it (look.c). */
	void		(*subject)(struct view *, const char **ns, const char **name);
	/* The namespace the view shows (NULL: all) when it is not the
	 * console's sticky one (the overview is estate-wide). Absent: ui->ns. */
	const char	*(*namespace_)(struct view *);
};

/* One open view; views stack (Esc pops). */
struct view {
	const struct view_class	*cls;
	struct ui		*ui;
	char			*resource;	/* resource views: "pods" */
	char			*arg;		/* what opened it: "@staging", "ns/name" */
	size_t			 cluster;	/* cluster filter, SIZE_MAX for all */
	struct table		*table;		/* table views, else NULL */
	void			*data;
	char			*title_buf;
	struct view		*prev;
};

/* An option (tmux options-table): the same table drives config.yaml,
 * ":set", validation messages and the help screen. */
enum ui_option_type {
	UI_OPT_BOOL,
	UI_OPT_INT,
	UI_OPT_STRING,
};
struct ui_option {
	const char		*name;		/* config.yaml key and ":set" name */
	enum ui_option_type	 type;
	long			 min, max;
	const char		*def;
	const char		*help;
};
extern const struct ui_option	ui_options[];
extern const size_t		ui_noptions;

/* What the prompt line is doing. */
enum ui_prompt_mode {
	UI_PROMPT_NONE,
	UI_PROMPT_COMMAND,	/* ":" */
	UI_PROMPT_FILTER,	/* "/" */
	UI_PROMPT_ASK,		/* a question from a command (cmd_ui.prompt) */
};

/* The console. */
struct ui {
	struct loop		*loop;
	struct store		*store;
	struct client		*client;
	struct opsdeck_config	*cfg;
	struct theme		*theme;
	bool			 mono;
	bool			 read_only;

	/* option values (ui_options) */
	bool			 ascii;
	bool			 wide;
	bool			 wrap;
	long			 log_lines;
	long			 max_rows;	/* rows kept per cluster (maxRows) */
	long			 trend_interval; /* seconds between trend samples */
	struct trends		*trends;	/* sparklines' samples (trend.h) */
	char			*theme_name;
	char			*default_view;

	char			*ns;		/* namespace shown, NULL for all */
	struct view		*view;		/* top of the stack */

	char			*status;
	bool			 status_error;
	double			 status_at;

	enum ui_prompt_mode	 prompt_mode;
	char			*prompt_question;
	/* Draws the prompt line while one is open: set by the prompt
	 * (prompt.c) when it opens, so the screen knows no line editor. */
	void			(*draw_prompt)(struct ui *, WINDOW *, int y, int w);
	void			(*ask_done)(const char *, void *);
	void			*ask_arg;

	bool			 look_pending;	/* a view opened: tell the drill (look.c) */
	bool			 dirty;		/* redraw this turn (input, resize) */
	bool			 frame;		/* redraw soon, at most 10 times a second */
	bool			 quit;
	bool			 curses;	/* initscr done */
	uint64_t		 seen_gen;
	int64_t			 seen_sec;
	double			 last_draw;
	int			 rows, cols;
	WINDOW			*input;		/* a pad keys are read from */
	const char		*ellipsis;

	/* A child program has the terminal (ui_suspend): no keys are read,
	 * nothing is drawn; the loop and every watch go on. */
	bool			 suspended;
	/* reads the keys (console.c): taken off the loop while suspended */
	void			(*input_cb)(int fd, short revents, void *arg);
	int			 fg_pid;	/* the child ui_foreground runs, or 0 */
	void			(*fg_done)(int status, void *arg);
	void			*fg_arg;

	/* pending key sequence for count or multi-key? (none yet) */
	struct cmd_ui		 ops;
};

/* The one console (set by console_main; NULL headless). */
extern struct ui	*ui_current;

/* Open a view by name ("pods", "overview", "logs", ...) with arg; pushes it
 * (replace: instead of the top). 0 or -1 with *cause. */
int		 ui_open(struct ui *, const char *name, const char *arg, bool replace,
		    char **cause);
/* The cluster named name, or SIZE_MAX with *cause saying there is no such
 * context and offering the near names. */
size_t		 ui_cluster_named(struct ui *, const char *name, char **cause);
/* Check a namespace typed for cluster (SIZE_MAX: any cluster) against the
 * namespaces the clusters listed. 0 when it is one, or when it may be (some
 * cluster's namespaces are not known yet: then *note says so, new string);
 * -1 with *cause, offering the near names, when none of them has it. */
int		 ui_namespace_check(struct ui *, size_t cluster, const char *ns,
		    char **note, char **cause);
/* Open a view of a given class directly (logs, yaml, dialogs). */
struct view	*ui_push(struct ui *, const struct view_class *, const char *resource,
		    const char *arg, size_t cluster, char **cause);
/* Remove v from the stack (wherever it is) and free it. */
void		 ui_remove(struct ui *, struct view *);
/* Pop the top view (Esc); the last one stays. */
void		 ui_back(struct ui *);
/* Status line message (copied; sanitised by the caller). */
void		 ui_message(struct ui *, bool error, const char *fmt, ...)
		    __attribute__((format(printf, 3, 4)));
/* Mark for redraw. */
void		 ui_dirty(struct ui *);
/* Set an option by name ("ascii", "logLines", ...). */
int		 ui_option_set(struct ui *, const char *name, const char *value, char **cause);
/* Current value of an option as text (caller frees). */
char		*ui_option_get(struct ui *, const char *name);
/* The cmd_ctx for a command from origin in the current view. */
void		 ui_cmd_ctx(struct ui *, struct cmd_ctx *, enum cmd_origin);
void		 ui_cmd_ctx_free(struct cmd_ctx *);
/* Run a command line with the current selection as targets; errors go to
 * the status line. Returns 0 or -1. */
int		 ui_run(struct ui *, const char *line, enum cmd_origin);
/* The one place the console hands the terminal over (tui/suspend.c).
 * ui_suspend saves the curses state and leaves the screen, stops reading
 * keys and drawing; ui_resume takes the terminal back and redraws it whole.
 * The loop runs meanwhile: watches are kept, not restarted. */
void		 ui_suspend(struct ui *);
void		 ui_resume(struct ui *);
/* Run argv (PATH searched; envp NULL: ours) in the terminal's foreground
 * with the console suspended; done(wait status, arg) runs from the loop
 * once it exited and the console is back. 0, or -1 with *cause (nothing
 * ran, nothing suspended). One child at a time. */
int		 ui_foreground(struct ui *, char *const argv[], char *const envp[],
		    void (*done)(int status, void *arg), void *arg, char **cause);
/* A SIGCHLD arrived: reap the foreground child if it exited. */
void		 ui_foreground_reap(struct ui *);
/* The console is exiting: hang up the foreground child, wait for it, and
 * tell its caller (status as from waitpid). */
void		 ui_foreground_stop(struct ui *);
/* Draw everything (called from the loop's before-sleep hook when dirty). */
void		 ui_draw(struct ui *);
/* Theme attributes shortcut. */
unsigned long	 ui_attr(enum theme_slot);
/* Fill a table style from the theme and options. */
void		 ui_table_style(struct ui *, struct table_style *);
/* Namespace the current view shows (NULL: all). */
const char	*ui_namespace(struct ui *);
/* Number of clusters in view v's scope. */
size_t		 ui_nclusters(struct ui *, const struct view *);

/* View helpers used by table views. */
void		 view_table_draw(struct view *, WINDOW *, int y, int h, int w, int64_t now);
size_t		 view_table_targets(struct view *, struct cmd_target **);
void		 view_free(struct view *);
int		 view_key(struct view *, int key);
const char	*view_title(struct view *);

/* View classes. */
extern const struct view_class	view_overview_class;
extern const struct view_class	view_resource_class;
extern const struct view_class	view_contexts_class;
extern const struct view_class	view_portfwd_class;
extern const struct view_class	view_help_class;
extern const struct view_class	view_alert_groups_class;	/* alerts by name and cluster */
extern const struct view_class	view_text_class;	/* yaml, describe */
extern const struct view_class	view_logs_class;
extern const struct view_class	view_dialog_class;
extern const struct view_class	view_runbook_class;	/* a runbook run's progress */
extern const struct view_class	view_runbooks_class;	/* the runbooks, to pick one */

/* A key a view handles itself, for the help screen. */
struct view_key_help {
	const char	*key;
	const char	*help;
};
/* The runbook view's own keys. */
extern const struct view_key_help	view_runbook_keys[];
extern const size_t			view_runbook_nkeys;

/* Tell a drill simulator, if any selected context is a drill's, which view
 * the operator has just opened (POST /drill/v1/looks): the drill scores
 * the first one that shows a fault as its time to detect. Called from the
 * loop's before-sleep step once a view has opened; a no-op on real
 * clusters. */
void		 look_report(struct ui *);

/* cmd_ui.confirm for the console: pushes a dialog view. */
void		 dialog_confirm(void *ui, const char *title, const char *preview,
		    const char *typed, void (*done)(bool, void *), void *arg);

/* Resource views: the resource of a kind with a view, by its view's name
 * or any name kind_find() takes ("deploy" → "deployments"), or NULL. */
/* Container images ("a/b:t,c/d:u") shortened from the left to width
 * columns, keeping each name:tag ("…/quiz-backend:v2.4.0-bad"). New string. */
char		*view_short_image(const char *images, int width, const char *ellipsis);
/* The share of traffic a VirtualService of list (a VirtualServiceList)
 * gives the deployment name with selector ("k=v,.."): "traffic 5% (canary
 * subset of VirtualService frontend, stable/canary 95/5)", sanitised; new,
 * or NULL when none routes to it. */
char		*view_vs_traffic(json_t *list, const char *name, const char *selector);
/* Open the text view for (cluster, resource, ns, name): what is "yaml" or
 * "describe". uid (may be NULL) picks an alert by fingerprint. */
int		 view_text_open(struct ui *, const char *what, size_t cluster,
		    const char *resource, const char *ns, const char *name, const char *uid,
		    char **cause);
/* Open the log view for a pod (container may be NULL); previous: -p. */
int		 view_logs_open(struct ui *, size_t cluster, const char *ns, const char *pod,
		    const char *container, bool previous, char **cause);

#endif
