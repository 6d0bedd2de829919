/* Runbooks: YAML files (see opsdeck-runbook(5)) parsed with libyaml and
 * validated with line numbers (runbook.c, runbook_params.c), their {{...}}
 * templates (runbook_template.c), and the condition language of check/wait
 * steps (runbook_cond_parse.c). The runner is runbook_run.c (with
 * runbook_prep.c, runbook_cond.c and runbook_measure.c; exec steps' programs
 * through term_capture).
 *
 * Where runbooks come from, first name wins: $OPSDECK_RUNBOOKS (a colon
 * list of directories), $XDG_CONFIG_HOME/opsdeck/runbooks, the runbooks/
 * directory next to the binary's build tree, OPSDECK_DATADIR/runbooks. */
#ifndef OPSDECK_RUNBOOK_H
#define OPSDECK_RUNBOOK_H

#include <stdbool.h>
#include <stddef.h>

#include "opsdeck/cmd.h"

/* Step kinds. */
enum rb_kind {
	RB_ACTION,	/* a console command through cmd_execute */
	RB_CHECK,	/* a condition, pass or fail now */
	RB_WAIT,	/* a condition, polled until true or timeout */
	RB_CONFIRM,	/* a human gate */
	RB_EXEC,	/* an external command: an argument vector run without a
			 * shell, confirmed with every argument shown */
	RB_NOTE,	/* a line to the incident timeline */
};
const char	*rb_kind_name(enum rb_kind);

/* Parameter types (type: in the file; string when absent). */
enum rb_ptype {
	RB_P_STRING,
	RB_P_INT,	/* an integer, within min/max when given */
	RB_P_DURATION,	/* "90s", "5m", "1h30m"; min/max are durations */
	RB_P_ENUM,	/* one of choices */
	RB_P_BOOL,	/* true/false, yes/no */
	RB_P_CONTEXT,	/* a context the run knows */
	RB_P_ROLE,	/* a role some context has */
	RB_P_REVISION,	/* a revision in the target deployment's history (0: the previous one) */
};
const char	*rb_ptype_name(enum rb_ptype);

/* A runbook parameter. */
struct rb_param {
	char		*name;
	char		*prompt;	/* or NULL */
	char		*def;		/* default, or NULL (required) */
	char		**choices;
	size_t		 nchoices;
	enum rb_ptype	 type;
	bool		 has_min, has_max;
	double		 min, max;	/* int and duration bounds (seconds) */
	/* A default taken from the estate before the run: "SUBJECT replicas"
	 * (a condition's subject, templates allowed), the last known desired
	 * replicas; def is used when nothing is known. Or NULL. */
	char		*default_from;
	int		 line;
};

/* A rule between parameters (rules: ["min <= max"]): each side a
 * parameter of type int or duration, or a number. */
struct rb_rule {
	char		*text;
	char		*lhs, *rhs;
	int		 op;		/* enum rb_op */
	int		 line;
};

/* What a step does when its cluster is unreachable. */
enum rb_unreachable {
	RB_UNREACH_FAIL,
	RB_UNREACH_SKIP,	/* skip with a note */
};

/* What a failed step does to the run. A run with a failed step never ends
 * as plainly "completed": it ends FAILED (rc != 0), unless every failed
 * step said continue ("completed despite 1 failed step", rc 0). */
enum rb_on_failure {
	RB_FAIL_ABORT,		/* the run stops (the default) */
	RB_FAIL_ASK,		/* the console asks; headless runs stop */
	RB_FAIL_CONTINUE,	/* recorded as failed, the run goes on */
};

/* One step. */
struct rb_step {
	enum rb_kind	 kind;
	char		*text;		/* command, condition, question, shell line or note */
	char		*title;		/* or NULL */
	char		*context;	/* context template the step runs on, or NULL (the target's) */
	double		 timeout;	/* wait / exec / action follow-up, seconds */
	double		 interval;	/* wait polling, seconds */
	double		 steady;	/* wait: seconds the condition must hold, or 0 */
	enum rb_unreachable unreachable;
	enum rb_on_failure on_failure;
	int		 line;
};

/* A parsed runbook. */
struct runbook {
	char		*path;		/* file it came from, or the name given to parse */
	char		*name;
	char		*title;
	char		*description;	/* or NULL */
	char		*severity;	/* P0..P3 */
	char		**kinds;	/* applies-to */
	size_t		 nkinds;
	char		**alerts;
	size_t		 nalerts;
	char		**roles;
	size_t		 nroles;
	char		*key;		/* console key, or NULL */
	double		 rto;		/* recovery-time target in seconds, 0 none */
	struct rb_param	*params;
	size_t		 nparams;
	struct rb_rule	*rules;
	size_t		 nrules;
	struct rb_step	*steps;
	size_t		 nsteps;
};

/* Parse and validate one runbook from memory; fname names it in errors
 * ("fname:12: step 3: unknown key 'wiat'"). NULL with *cause on error. */
struct runbook	*runbook_parse(const char *buf, size_t len, const char *fname, char **cause);
/* Read and parse a file. */
struct runbook	*runbook_load(const char *path, char **cause);
void		 runbook_free(struct runbook *);

/* Check value against parameter i's type, bounds and choices (context,
 * role and revision: only their form; the runner checks them against the
 * estate). 0, or -1 with *cause naming the parameter and what it wants. */
int		 runbook_param_check(const struct runbook *, size_t i, const char *value,
		    char **cause);
/* Check the rules between parameters (values in parameter order). */
int		 runbook_rules_check(const struct runbook *, const char *const *values,
		    char **cause);

/* applies-to. A runbook with kinds applies to a selection of one of them,
 * and to an alert it names; with no target (a cluster) only if it does not
 * act on its target object ({{name}}, {{kind}}). A runbook without kinds
 * acts on a cluster and applies to any selection. */
bool		 runbook_uses_target(const struct runbook *);
bool		 runbook_applies(const struct runbook *, const char *kind, const char *name);
/* Is kind one of its applies-to kinds? */
bool		 runbook_for_kind(const struct runbook *, const char *kind);
/* The kinds it applies to, "deployments or pods", or with alerts the
 * alerts it names, "the alerts A, B" ("" if none) (new). */
char		*runbook_applies_text(const struct runbook *, bool alerts);
/* "refused: runbook R applies to ..., not KIND NS/NAME" (new; the name is
 * sanitised). */
char		*runbook_applies_refusal(const struct runbook *, const char *kind,
		    const char *ns, const char *name);

/* The search directories in order (new array of new strings). */
char		**runbook_dirs(size_t *n);
/* Every runbook found, sorted by name, first of a name wins; problems with
 * single files go to *warnings (new strings). */
struct runbook	**runbook_list(size_t *n, char ***warnings, size_t *nwarnings);
void		 runbook_list_free(struct runbook **, size_t);
/* Find by name, or load a path if name holds a '/' or ends in .yaml. */
struct runbook	*runbook_find(const char *name, char **cause);

/* Values for template expansion. */
struct rb_vars {
	const char	*cluster;	/* {{cluster}} */
	const char	*ns;		/* {{namespace}} */
	const char	*name;		/* {{name}} */
	const char	*kind;		/* {{kind}} */
	const char	*const *pnames;	/* {{param.X}} */
	const char	*const *pvalues;
	size_t		 nparams;
	/* {{role:R}}: the context whose role is R, or NULL. */
	const char	*(*role)(const char *role, void *arg);
	void		*arg;
};
/* Expand {{...}} in tmpl (new string); unknown or empty names are errors,
 * and so is a value that is not what its name claims: {{namespace}} must be
 * a DNS-1123 label, {{name}} a valid name of {{kind}} (names.h), {{cluster}}
 * and {{role:R}} context names, parameters free of control characters.
 * The refusal shows the value sanitised. For text (notes, questions). */
char		*runbook_expand(const char *tmpl, const struct rb_vars *, char **cause);
/* The same for a check/wait condition: each value must also stay one word
 * of the condition ([A-Za-z0-9._:-]). */
char		*runbook_expand_cond(const char *tmpl, const struct rb_vars *, char **cause);
/* For exec and action steps: split tmpl into words (cmd_split's rules),
 * then expand inside each word, so a value is always part of exactly one
 * argument and can add no argument, option or command. */
int		 runbook_expand_argv(const char *tmpl, const struct rb_vars *, int *argc,
		    char ***argv, char **cause);
/* Check that every {{...}} in tmpl names something this runbook can
 * provide (param names, the fixed names, role:X). */
int		 runbook_check_template(const struct runbook *, const char *tmpl, char **cause);

/* The confirmation text of an exec step: the argument vector on one line
 * (quoted as cmd_split reads it) and one argument a line (new string). */
char		*runbook_exec_preview(int argc, char *const *argv);

/* A condition:  SUBJECT MEASURE OP NUMBER
 *	SUBJECT := RESOURCE[/NS[/NAME]][{k=v,...}][@CONTEXT]
 *	MEASURE := count | a column (available, ready, replicas, ...) summed
 *	           over the matching rows | not-ready | firing | bad | warn
 *	OP	:= == != < <= > >=
 * or a Prometheus query:  prom QUERY OP NUMBER  (first sample's value). */
enum rb_op { RB_EQ, RB_NE, RB_LT, RB_LE, RB_GT, RB_GE };

struct rb_cond {
	bool		 prom;
	char		*query;		/* prom: the PromQL text */
	char		*resource;
	char		*ns;		/* or NULL */
	char		*name;		/* or NULL */
	char		**keys;		/* {k=v} filters: namespace, name, a label or a column */
	char		**values;
	size_t		 nfilters;
	char		*context;	/* @CONTEXT, or NULL */
	char		*measure;
	enum rb_op	 op;
	double		 value;
};
int		 rb_cond_parse(const char *, struct rb_cond *, char **cause);
void		 rb_cond_free(struct rb_cond *);
bool		 rb_op_eval(enum rb_op, double lhs, double rhs);
const char	*rb_op_name(enum rb_op);
/* A number at the start of a cell: "3/5" → 3, "8" → 8; -1 if none. */
double		 rb_cell_number(const char *);

/* A duration (duration.h) of at most a week, in seconds; -1 otherwise. */
double		 rb_parse_duration(const char *);
/* Format elapsed seconds as "0m16s" or "1h02m03s" into buf. */
void		 rb_format_duration(double secs, char *buf, size_t len);
/* Format a limit the way runbooks write one: "2h", "2h30m", "5m", "1m30s". */
void		 rb_format_limit(double secs, char *buf, size_t len);
/* The RTO clock for a run elapsed seconds in: "RTO 2h: 0m16s used, 1h59m44s
 * left" (the time left only while running), "RTO 5m: 6m02s used, EXCEEDED
 * by 1m02s", or "" when rto is 0. */
void		 rb_format_rto(double rto, double elapsed, bool running, char *buf,
		    size_t len);

/*
 * The runner (runbook_run.c and the files it names): a state machine on
 * the loop, used by the console and by `opsdeck runbook run`. Steps run one at a time; a failed
 * step stops the run unless the step says otherwise (on-failure: continue,
 * or ask: the console asks, headless runs stop). A run that went on past
 * a failed step (ask) ends with rc != 0 even when it reached the end. Every step is written to
 * the audit log and to the open incident's timeline.
 */
struct client;
struct store;
struct loop;
struct rb_run;

/* Step states. */
enum rb_state {
	RB_PENDING,
	RB_RUNNING,
	RB_OK,
	RB_FAILED,
	RB_SKIPPED,
};
const char	*rb_state_name(enum rb_state);

/* How to run. Strings are copied. */
struct rb_run_opts {
	struct client		*client;
	struct store		*store;
	struct loop		*loop;
	const struct cmd_ui	*ui_ops;
	void			*ui;
	size_t			 cluster;	/* the target's cluster */
	const char		*kind;		/* target resource, or NULL */
	const char		*ns;
	const char		*name;
	const char		*const *pnames;	/* --param k=v */
	const char		*const *pvalues;
	size_t			 nparams;
	bool			 read_only;
	bool			 dry_run;	/* evaluate checks, run nothing that mutates */
	bool			 ask_on_failure; /* console: offer to continue past a failure */
	bool			 own_rb;	/* the run frees rb when it is freed */
	/* Called once when the run ends: 0 all steps ok, else non-zero. */
	void			(*done)(int rc, const char *summary, void *arg);
	/* Called when a step's state or message changes, or the run ends
	 * (a view redraws); may be NULL. */
	void			(*changed)(void *arg);
	void			*arg;
};

/*
 * Start running rb (borrowed unless own_rb: then the run frees it, but only
 * when the start succeeds). NULL with *cause when it cannot start (missing
 * parameter, unknown role, read-only refusal).
 *
 * The caller gets a reference: the run (and its progress, for views) lives
 * until it has ended, no callback is pending, and every reference has been
 * dropped with runbook_run_unref. The first step starts from the loop, so
 * the caller can show the run before any question is asked.
 */
struct rb_run	*runbook_run_start(const struct runbook *, const struct rb_run_opts *,
		    char **cause);
/* Take and drop a reference (a view showing the run holds one). */
void		 runbook_run_ref(struct rb_run *);
void		 runbook_run_unref(struct rb_run *);
/* Abort: the current step is abandoned, the run ends with rc != 0. */
void		 runbook_run_abort(struct rb_run *);
/* The same when the console quits under the run: the step and the run are
 * recorded "interrupted" with why and how many steps were done. */
void		 runbook_run_interrupt(struct rb_run *, const char *why);
/* Progress for views: the state of step i and its last message (borrowed,
 * NULL if none; raw: sanitise before showing). */
enum rb_state	 runbook_run_state(const struct rb_run *, size_t step, const char **message);
size_t		 runbook_run_current(const struct rb_run *);
/* Step i's text with its {{...}} expanded (as written if that failed). */
const char	*runbook_run_step_text(const struct rb_run *, size_t step);
/* Its title the same way, or NULL when it has none. */
const char	*runbook_run_step_title(const struct rb_run *, size_t step);
/* The run as a whole; pointers are borrowed from the run. */
struct rb_run_info {
	const struct runbook	*rb;
	const char		*cluster;	/* the target's context */
	const char		*kind;		/* target, or NULL */
	const char		*ns;
	const char		*name;
	double			 elapsed;	/* seconds, stopped at the end */
	size_t			 current;	/* step index (nsteps when done) */
	bool			 asking;	/* waiting for the operator's answer */
	bool			 finished;
	bool			 aborted;
	bool			 interrupted;	/* the console quit under it */
	int			 rc;		/* when finished: 0 all steps ok */
	size_t			 nfailed;	/* steps that failed so far */
	/* The parameters' values and where each came from ("given",
	 * "default", "last known deployments/...", ...); raw. */
	const char		*const *pnames;
	const char		*const *pvalues;
	const char		*const *porigin;
	size_t			 nparams;
	const char		*summary;	/* when finished: "completed", ... */
};
void		 runbook_run_info(const struct rb_run *, struct rb_run_info *);
/* The console's run: the one running or the last one (borrowed; hold a
 * reference to keep it), or NULL. */
struct rb_run	*runbook_console_run(void);
/* Drop the console's reference to its run (at exit). */
void		 runbook_console_release(void);
/* While the console's run has not ended: true, and *what (new) says which
 * runbook at which step. */
bool		 runbook_console_running(char **what);
/* Record the console's run, if it has not ended, as interrupted (why). */
void		 runbook_console_interrupt(const char *why);
/* Every runbook (runbook_list), those that apply to the selection t (NULL:
 * a cluster) first, *napply of them, each part in name order. Free with
 * runbook_list_free. */
struct runbook	**runbook_list_for(const struct cmd_target *t, size_t *n, size_t *napply);
/* Runbook keys (console): bind every runbook's key: for the kinds it
 * applies to, ahead of the global keymap; problems (a bad key name, two
 * runbooks claiming a key for one kind) go to *warnings (new, or NULL). */
void		 runbook_keys_load(char **warnings);
void		 runbook_keys_free(void);
/* The runbook bound to key for a selection of kind, or NULL. */
const char	*runbook_key_lookup(int key, const char *kind);
/* For the help view: how many, and line i (new). */
size_t		 runbook_keys_count(void);
char		*runbook_key_line(size_t i);
/* Register the console's :runbook, :runbook-show and :runbook-abort
 * (runbook_register_all does this). */
void		 runbook_register_commands(void);
/* Register every command a runbook's steps may run, then the runbook
 * commands: the actions, :incident and :note, :runbook... Once, at the
 * start of the console and of `opsdeck runbook run`. */
void		 runbook_register_all(void);
/* True if rb has steps that change something (action, exec). */
bool		 runbook_mutates(const struct runbook *);
/* Whether a run of rb is refused by the read-only rule: NULL, or the
 * refusal naming the runbook (new). sc: the run's context, NULL if not
 * known yet. Never for a dry run or a runbook that changes nothing. */
char		*runbook_refusal(const struct runbook *, bool dry_run, bool read_only,
		    const struct store_cluster *sc);

/* Evaluate a condition now: done(result 1 true / 0 false / -1 error, the
 * measured value, a message). */
void		 rb_cond_eval(struct client *, size_t cluster, const struct rb_cond *,
		    void (*done)(int result, double value, const char *msg, void *arg),
		    void *arg);

#endif
