/* The action pipeline's private parts, shared by tui/actions.c (the
 * pipeline), tui/actions_cmd.c (the verb table, the action commands),
 * tui/actions_build.c (the pure builders), tui/actions_plan.c (planning and
 * follow-ups per verb),
 * tui/actions_edit.c (the edit flow) and tui/actions_term.c (kubectl in the
 * terminal, port-forwards). Not a contract. */
#ifndef OPSDECK_ACTIONS_INT_H
#define OPSDECK_ACTIONS_INT_H

#include <sys/queue.h>

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "opsdeck/actions.h"
#include "opsdeck/audit.h"
#include "opsdeck/client.h"
#include "opsdeck/cmd.h"

#define ACT_MAX_TARGETS	256
#define ACT_MAX_ARGS	16
#define ACT_POLL	1.0
#define ACT_PREVIEW_MAX	(32 * 1024)
#define ACT_EDIT_QUIET	5	/* status-only conflicts carried over before asking */

struct act_op;
struct act_batch;

/* What one action verb does. */
struct act_def {
	const char	*verb;		/* the kinds that allow it list it (kinds.h) */
	const char	*args;		/* usage, as the command table shows it */
	const char	*help;
	/* The writes it sends, for the RBAC checks (and the help view's
	 * greying): verb, resource (NULL: the target's) and subresource. */
	struct act_need {
		const char	*verb;
		const char	*resource;
		const char	*sub;
	}		 need[ACTIONS_ACCESS_MAX];
	bool		 am;		/* an Alertmanager request: no RBAC or dry run */
	bool		 typed;		/* always ask for the cluster name (restores) */
	bool		 no_fetch;	/* do not GET the target first */
	bool		 untargeted;	/* may run with no row selected */
	/* The user edits the fetched object in an editor before it is planned
	 * (edit): a rejected text is opened again with the reason on top, a
	 * conflict with the change carried onto the latest version. */
	bool		 edit;
	/* Runs kubectl instead of sending a request, in the console's terminal
	 * (exec) or kept in the background (port-forward): console only, no
	 * dry run, one target, confirmed only where the context asks for it
	 * (protected); the audit intent is written when it starts, the outcome
	 * when it ends. */
	bool		 kubectl;
	bool		 background;
	/* Where the verb leaves the plain flow (fetch, plan, dry run, send),
	 * or NULL: run the planned op instead of sending a request (kubectl's
	 * terminal and background runs); take over once the target is
	 * fetched (edit opens the editor); a refused dry run (dry) or request,
	 * text what the pipeline would report (edit carries a conflict over or
	 * reopens the text). */
	void		 (*run)(struct act_op *);
	void		 (*fetched)(struct act_op *);
	void		 (*refused)(struct act_op *, const struct client_response *,
			    const char *text, bool dry);
	/* A value to ask for once the target is fetched (the container), or
	 * NULL: the question (new) and its prefill in *initial (new). */
	char		*(*question)(struct act_op *, char **initial);
	/* A second GET needed for planning (after the object is fetched), or NULL. */
	char		*(*extra)(struct act_op *);
	/* Build the request and the preview. 0, or -1 with *cause; may set
	 * op->skipped instead of a request. */
	int		 (*plan)(struct act_op *, char **cause);
	/* After the request: 1 done, 0 keep polling, -1 failed (*msg set). */
	int		 (*follow)(struct act_op *, json_t *obj, char **msg);
};

/* Where one target is in the pipeline. */
enum op_state {
	OP_PREPARING,
	OP_READY,	/* planned and dry-run: awaiting confirmation */
	OP_RUNNING,	/* request sent or following up */
	OP_SETTLED,
};

/* One target of an action. */
struct act_op {
	struct act_batch	*b;
	enum op_state		 state;
	size_t			 cluster;
	char			*context;	/* context name */
	char			*resource;
	char			*ns;
	char			*name;
	json_t			*obj;		/* current object */
	json_t			*extra;		/* the extra GET's answer */
	json_t			*extra2;	/* the second extra GET's answer (drain) */
	json_t			*evict;		/* drain: [[ns, name], ...] to evict */
	size_t			 nevicted;	/* drain: evictions sent so far */
	struct actions_access	 access[ACTIONS_ACCESS_MAX];	/* RBAC checks */
	size_t			 naccess;
	size_t			 nchecked;	/* checks answered yes so far */
	char			*refused;	/* planning refused the action: why */
	json_t			*params;	/* for the audit record */
	char			*method;
	char			*path;
	char			*ctype;
	char			*body;
	char			*preview;
	char			*skipped;	/* nothing to do: why */
	char			*follow_path;	/* GET for the follow-up, default path */
	char			*outcome;
	char			*message;
	double			 deadline;
	struct loop_timer	*timer;
	/* The intent of the last request sent (empty before the first): its
	 * outcome record names it. */
	char			 intent[AUDIT_ID_SIZE];
	bool			 inflight;	/* a request sent, its reply not in */
	bool			 granted;	/* every permission granted: may go on */
	char			*typed;		/* the plan wants this typed to confirm */
	/* edit: the file, the object it was made from (what the user's change
	 * is measured against), the object last written to it, the one read
	 * back; whether the text on top is an error (an untouched file then
	 * gives up) or a conflict (an untouched file is the answer). */
	struct edit_file	*edit;
	json_t			*edit_base;
	json_t			*edit_shown;
	json_t			*edited;
	bool			 edit_error;
	bool			 edit_rebased;
	int			 edit_quiet;	/* conflicts carried over unseen in a row */
	char			**argv;		/* terminal actions: the program */
	bool			 asked;		/* the def's question was asked */
};

/* One command's batch of targets. */
struct act_batch {
	const struct act_def	*def;
	struct client		*client;
	struct store		*store;
	const struct cmd_ui	*ui_ops;
	void			*ui;
	int			 origin;
	bool			 read_only;
	char			*incident;
	char			*args[ACT_MAX_ARGS];
	int			 nargs;
	char			*comment;	/* --comment */
	double			 grace;		/* --grace, -1 unset */
	struct act_op		**ops;
	size_t			 nops;
	bool			 confirming;
	cmd_done_cb		 done;
	void			*done_arg;
	json_t			**result;	/* the caller's (cmd_ctx result) */
	char			*author;	/* --author (silences) */
	/* Values to ask for once access is known (scale's count, silence's
	 * duration and comment): asking, a question is open; ask_initial,
	 * the first question's prefill. */
	bool			 ask;
	bool			 asking;
	char			*ask_initial;
	TAILQ_ENTRY(act_batch)	 entry;		/* in act.batches */
};
TAILQ_HEAD(act_batch_list, act_batch);

/* The action engine's whole state, one per process (defined in actions.c):
 * nothing else in actions*.c is kept between calls. */
struct act_engine {
	struct loop		*loop;		/* the loop timers run on */
	double			 timeout;	/* seconds an action may take */
	struct act_batch_list	 batches;	/* the live batches */
	size_t			 nrunning;	/* targets running */
	size_t			 ninflight;	/* requests sent whose reply is not in */
	char			*stopping;	/* interrupted: why; nothing more is sent */
	char			**kc_files;	/* the kubeconfig files read, for kubectl */
	size_t			 kc_nfiles;
};
extern struct act_engine act;

/* The pipeline (actions.c). */
void	op_free(struct act_op *op);
void	op_audit(struct act_op *op, const char *outcome, const char *message);
void	op_finish(struct act_op *op, const char *outcome, const char *message, bool audit);
void	op_settle(struct act_op *op, const char *outcome, const char *message);
json_t	*act_parse(const struct client_response *r);
bool	act_ok(const struct client_response *r);
void	op_plan(struct act_op *op);
void	batch_free(struct act_batch *b);
void	batch_add(struct act_batch *b, size_t cluster, const char *resource, const char *ns,
	    const char *name);
void	batch_start(struct act_batch *b);
/* The permissions def needs on an object of resource (none for
 * Alertmanager's): what the RBAC step asks and help lists. */
size_t	act_def_access(const struct act_def *def, const char *resource,
	    struct actions_access out[ACTIONS_ACCESS_MAX]);
/* The eviction path of a pod (new). */
char	*act_evict_path(const char *ns, const char *name);

/* The verb table (actions_cmd.c). */
const struct act_def	*act_def_find(const char *verb);

/* JSON getters (actions_build.c). */
const char	*jstr(json_t *o, ...);
long long	jint(json_t *o, long long def, ...);
char	*jdump(json_t *o);

/* Planning and follow-ups per verb (actions_plan.c). */
void	op_request(struct act_op *op, const char *method, char *path, const char *ctype,
	    char *body);
const char	*op_arg(struct act_op *op, int i);
int	act_parse_count(const char *s, long max, long *out);
char	*op_where(struct act_op *op);
char	*extra_hpas(struct act_op *op);
int	plan_scale(struct act_op *op, char **cause);
char	*extra_replicasets(struct act_op *op);
int	plan_undo(struct act_op *op, char **cause);
int	plan_restart(struct act_op *op, char **cause);
int	plan_pause(struct act_op *op, char **cause);
int	plan_resume(struct act_op *op, char **cause);
int	plan_delete(struct act_op *op, char **cause);
int	plan_cordon(struct act_op *op, char **cause);
int	plan_uncordon(struct act_op *op, char **cause);
char	*extra_node_pods(struct act_op *op);
char	*act_extra2(struct act_op *op);
int	plan_drain(struct act_op *op, char **cause);
int	plan_hpa(struct act_op *op, char **cause);
int	plan_run_now(struct act_op *op, char **cause);
int	plan_backup(struct act_op *op, char **cause);
int	plan_restore(struct act_op *op, char **cause);
int	plan_promote(struct act_op *op, char **cause);
int	plan_abort(struct act_op *op, char **cause);
int	plan_retry(struct act_op *op, char **cause);
int	plan_switch(struct act_op *op, char **cause);
int	plan_canary_weight(struct act_op *op, char **cause);
int	plan_sync(struct act_op *op, char **cause);
int	plan_refresh(struct act_op *op, char **cause);
int	plan_silence(struct act_op *op, char **cause);
int	plan_expire(struct act_op *op, char **cause);
int	follow_rollout(struct act_op *op, json_t *obj, char **msg);
int	follow_deleted(struct act_op *op, json_t *obj, char **msg);
int	follow_job(struct act_op *op, json_t *obj, char **msg);
int	follow_velero(struct act_op *op, json_t *obj, char **msg);
int	follow_abort(struct act_op *op, json_t *obj, char **msg);
int	follow_drain(struct act_op *op, json_t *obj, char **msg);

/* The edit flow (actions_edit.c). */
int	plan_edit(struct act_op *op, char **cause);
void	op_edit_keep(struct act_op *op, const char *outcome, const char *why);
void	op_edit_open(struct act_op *op, json_t *obj, const char *note);
void	op_edit_reject(struct act_op *op, const char *why);
void	op_edit_conflict(struct act_op *op);
bool	op_edit_correctable(const struct client_response *r);
void	op_edit_fetched(struct act_op *op);
void	op_edit_refused(struct act_op *op, const struct client_response *r,
	    const char *text, bool dry);

/* Terminal and background actions (actions_term.c). */
char	*question_shell(struct act_op *op, char **initial);
int	plan_shell(struct act_op *op, char **cause);
char	*question_debug(struct act_op *op, char **initial);
int	plan_debug(struct act_op *op, char **cause);
char	*question_portforward(struct act_op *op, char **initial);
int	plan_portforward(struct act_op *op, char **cause);
void	op_terminal(struct act_op *op);
void	op_background(struct act_op *op);

#endif
