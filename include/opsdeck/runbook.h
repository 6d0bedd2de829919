/* Runbooks: YAML files (see opsdeck-runbook(5)) parsed with libyaml and
 * validated with line numbers, their {{...}} templates, and the condition
 * language of check/wait steps. The runner is runbook_run.c.
 *
 * Where runbooks come from, first name wins: $OPSDECK_RUNBOOKS (a colon
 * list of directories), $XDG_CONFIG_HOME/opsdeck/runbooks, the runbooks/
 * directory next to the binary's build tree, OPSDECK_DATADIR/runbooks. */
#ifndef OPSDECK_RUNBOOK_H
#define OPSDECK_RUNBOOK_H

#include <stdbool.h>
#include <stddef.h>

/* Step kinds. */
enum rb_kind {
	RB_ACTION,	/* a console command through cmd_execute */
	RB_CHECK,	/* a condition, pass or fail now */
	RB_WAIT,	/* a condition, polled until true or timeout */
	RB_CONFIRM,	/* a human gate */
	RB_EXEC,	/* an external command (sh -c), shown before it runs */
	RB_NOTE,	/* a line to the incident timeline */
};
const char	*rb_kind_name(enum rb_kind);

/* A runbook parameter. */
struct rb_param {
	char		*name;
	char		*prompt;	/* or NULL */
	char		*def;		/* default, or NULL (required) */
	char		**choices;
	size_t		 nchoices;
	int		 line;
};

/* What a step does when its cluster is unreachable. */
enum rb_unreachable {
	RB_UNREACH_FAIL,
	RB_UNREACH_SKIP,	/* skip with a note */
};

/* One step. */
struct rb_step {
	enum rb_kind	 kind;
	char		*text;		/* command, condition, question, shell line or note */
	char		*title;		/* or NULL */
	char		*context;	/* context template the step runs on, or NULL (the target's) */
	double		 timeout;	/* wait / exec / action follow-up, seconds */
	double		 interval;	/* wait polling, seconds */
	enum rb_unreachable unreachable;
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
	struct rb_step	*steps;
	size_t		 nsteps;
};

/* Parse and validate one runbook from memory; fname names it in errors
 * ("fname:12: step 3: unknown key 'wiat'"). NULL with *cause on error. */
struct runbook	*runbook_parse(const char *buf, size_t len, const char *fname, char **cause);
/* Read and parse a file. */
struct runbook	*runbook_load(const char *path, char **cause);
void		 runbook_free(struct runbook *);

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
/* Expand {{...}} in tmpl (new string); unknown or empty names are errors. */
char		*runbook_expand(const char *tmpl, const struct rb_vars *, char **cause);
/* Check that every {{...}} in tmpl names something this runbook can
 * provide (param names, the fixed names, role:X). */
int		 runbook_check_template(const struct runbook *, const char *tmpl, char **cause);

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

/* Parse "90s", "5m", "2h", "1h30m", "45" into seconds; -1 on error. */
double		 rb_parse_duration(const char *);

#endif
