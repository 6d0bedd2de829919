/* The runbook runner's private parts, shared by tui/runbook_run.c (the
 * step runner: a run's state, its steps one at a time, its records),
 * tui/runbook_prep.c (before step one: parameters against
 * the estate, the target's checks, starting a run), tui/runbook_cond.c (the
 * check and wait conditions evaluated against live state) and
 * tui/runbook_measure.c (the health rules a condition measures). Not a
 * contract. */
#ifndef OPSDECK_RUNBOOK_RUN_INT_H
#define OPSDECK_RUNBOOK_RUN_INT_H

#include <sys/types.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "opsdeck/audit.h"
#include "opsdeck/loop.h"
#include "opsdeck/runbook.h"

#define RUN_OUTPUT_MAX	(64 * 1024)

/* One step's progress. */
struct rb_step_run {
	enum rb_state	 state;
	char		*message;
	char		*text;		/* the step's text expanded, or NULL */
	char		*title;		/* its title expanded, or NULL */
};

/* A running runbook. */
struct rb_run {
	const struct runbook	*rb;
	struct rb_run_opts	 o;
	char			*kind;
	char			*ns;
	char			*name;
	char			*cluster_name;
	char			**pvalues;	/* one per rb->params */
	const char		**pnames;
	char			*incident;
	struct rb_step_run	*steps;
	size_t			 nsteps;	/* copies: rb may be gone when the */
	size_t			 nparams;	/* last callback frees the run */
	size_t			 cur;
	double			 started;
	double			 ended;
	bool			 aborted;
	bool			 interrupted;	/* the console quit under it */
	bool			 finished;
	bool			 asking;	/* a question to the operator is open */
	int			 rc;
	char			*summary;	/* how it ended, or NULL */
	size_t			 nfailed;	/* steps that failed */
	size_t			 nfatal;	/* of them, not on-failure: continue */
	/* Before step one: parameter lookups still out, and where each
	 * value came from ("given", "default", or what the estate said). */
	int			 preparing;
	bool			 prep_failed;
	char			**porigin;	/* one per rb->params, or NULL */
	bool			*pgiven;
	size_t			 first_failed;	/* index of the first of them */
	int			 inflight;	/* callbacks still to come */
	int			 refs;		/* holders: the starter, views */
	struct loop_timer	*timer;
	double			 deadline;	/* wait steps */
	double			 held_since;	/* a steady wait's condition true since, or -1 */
	/* The current step, expanded: text for showing; argv for exec and
	 * action steps, one template value inside exactly one word. */
	char			*text;
	char			**argv;
	int			 argc;
	size_t			 step_cluster;
	struct rb_cond		 cond;
	bool			 have_cond;
	/* exec */
	struct term_capture	*child;		/* the exec step's program running */
	char			 exec_intent[AUDIT_ID_SIZE];	/* "" when none */
};

/* tui/runbook_run.c */
void	 run_changed(struct rb_run *run);
void	 run_message(struct rb_run *run, bool error, const char *text);
const char	*run_role(const char *role, void *arg);
char	*run_expand(struct rb_run *run, const char *tmpl, char **cause);
char	*run_expand_step(struct rb_run *run, const struct rb_step *st, int *argc,
	    char ***argv, char **cause);
void	 run_audit_record(struct rb_run *run, size_t i, struct audit_record *rp,
	    json_t **params);
void	 run_free(struct rb_run *run);
void	 run_maybe_free(struct rb_run *run);
void	 run_finish(struct rb_run *run, int rc, const char *summary);
void	 run_confirmed(bool ok, void *arg);
void	 run_step_done(struct rb_run *run, enum rb_state state, const char *msg);
void	 run_next(struct rb_run *run);

/* tui/runbook_measure.c */
int64_t	 run_parse_time(const char *s);
double	 item_measure(const char *resource, const char *m, json_t *it, int64_t now);
bool	 cond_rollout_measure(const char *m);
bool	 pod_crashing(json_t *pod, int64_t now);

#endif
