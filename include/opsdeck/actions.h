/* Actions: every mutation goes through one asynchronous pipeline on the
 * loop, for each target (the selected row, or every marked row across
 * clusters):
 *
 *	read-only guard → RBAC (SelfSubjectAccessReview, cached) → fetch the
 *	object → plan the exact request kubectl would send → server-side dry
 *	run (?dryRun=All) → one confirmation showing every preview (typed
 *	cluster name on protected contexts, always for restores) → the
 *	request → an audit line (fsync'd) and an incident event → a follow-up
 *	poll until done, failed or timed out, reported via ui_ops->message.
 *
 * Terminal actions (shell) take the same path up to the confirmation,
 * which only a protected context asks for; instead of a request and a dry
 * run they hand the console's terminal to kubectl (cmd_ui foreground), the
 * audit intent written when it starts and the outcome when it exits.
 *
 * Action commands (registered by actions_register) take, besides their own
 * arguments, an explicit target: "@CONTEXT" or "--context CONTEXT",
 * "-n NAMESPACE", "-t KIND/NAME" (or KIND/NAMESPACE/NAME); without -t they
 * act on ctx->targets. */
#ifndef OPSDECK_ACTIONS_H
#define OPSDECK_ACTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include <jansson.h>

struct client;
struct loop;

/* Register the action commands in the command table (runbook_register_all
 * adds them with the runbook and incident commands; `opsdeck edit` and
 * `opsdeck silence` register them alone). */
void		 actions_register(void);
/* The loop actions schedule their timers on (set once at start-up). */
void		 actions_set_loop(struct loop *);
/* The kubeconfig files the console read, for the kubectl a terminal action
 * runs (one: --kubeconfig; several: KUBECONFIG). Copied. */
void		 actions_set_kubeconfig(char *const *files, size_t n);
/* Seconds a follow-up may take before it is reported as timed out (300). */
void		 actions_set_timeout(double seconds);

/* Number of batches still running. */
size_t		 actions_running(void);
/* At teardown, before the client and the loop are freed: cancel every
 * pending timer, write an audit record with outcome "interrupted" for each
 * target whose request was sent but whose reply had not arrived or whose
 * follow-up had not finished (naming its intent when in flight), and
 * free every batch without calling its done callback or the UI. Requests
 * still in flight must then be dropped unanswered (client_free does), as
 * their callbacks would refer to freed batches. */
void		 actions_shutdown(void);

/* Requests sent (their intent written) whose reply has not arrived yet. */
size_t		 actions_inflight(void);
/* A signal asked the process to stop: from now on nothing more is sent
 * (a planned request, the next eviction of a drain, a new command) and
 * such targets settle "interrupted" with why ("SIGTERM"); follow-ups stop
 * once their request's reply is in. Replies still in flight are awaited by
 * the caller (actions_inflight), then actions_shutdown records the rest. */
void		 actions_interrupt(const char *why);

/* The audit origin name of a command origin ("key", "prompt", ...). */
const char	*actions_origin_name(int origin);

/*
 * Pure pieces, exposed for tests.
 */

/* kubectl's rollout undo: from the deployment (borrowed) and the
 * ReplicaSet list (borrowed: the items array of a ReplicaSetList), build
 * the JSON patch (new) that rolls back to revision (0: the previous one).
 * NULL with *cause on error ("you cannot rollback a paused deployment",
 * "unable to find specified revision 7 in history", "no rollout history
 * found"), or NULL with *skipped set (new string) when the template
 * already matches ("skipped rollback (current template already matches
 * revision 2)"). *summary (new) describes the change (images old → new). */
json_t		*actions_undo_patch(json_t *deploy, json_t *rs_items, long revision,
		    char **summary, char **skipped, char **cause);
/* The ReplicaSet of rs_items (borrowed) the deployment controls whose pod
 * template is the deployment's, the pod-template-hash label aside: the
 * one its rollout runs (borrowed), or NULL. */
json_t		*actions_current_rs(json_t *deploy, json_t *rs_items);
/* Was rs revision (its revision annotation or one in its revision-history:
 * a rollback gives the old ReplicaSet the next number)? */
bool		 actions_rs_had_revision(json_t *rs, long revision);
/* Does an Istio HTTP route (an item of a VirtualService's spec.http) split
 * between the subsets stable and canary? Their route entries (borrowed). */
bool		 actions_vs_split(json_t *http_route, json_t **stable, json_t **canary);
/* Velero's name for a backup from schedule at now: S-YYYYMMDDhhmmss (UTC). */
char		*actions_backup_name(const char *schedule, time_t now);
/* The Backup object velero backup create --from-schedule S posts (new). */
json_t		*actions_backup_from_schedule(json_t *schedule, time_t now);
/* The Job kubectl create job --from=cronjob/C posts (new). */
json_t		*actions_job_from_cronjob(json_t *cronjob, time_t now);
/* The path of one object: /api/v1/namespaces/NS/pods/X,
 * /apis/apps/v1/namespaces/NS/deployments/X (name NULL: the collection).
 * NULL if resource is unknown. New string. */
char		*actions_path(const char *resource, const char *ns, const char *name);
/* An Alertmanager matcher from "NAME=VALUE", "NAME!=VALUE", "NAME=~RE" or
 * "NAME!~RE" (new object: name, value, isRegex, isEqual), or NULL. */
json_t		*actions_silence_matcher(const char *spec);
/* Append ?dryRun=All (or &dryRun=All) to path; new string. */
char		*actions_dry_run_path(const char *path);
/* The body of the dry run of a request with this method and body: a DELETE
 * with a DeleteOptions body gets "dryRun":["All"] in it, because a real API
 * server reads a DELETE's options from its body alone when it has one and
 * then ignores the query. NULL when the body is unchanged (use body), or
 * when body is not a JSON object. New string. */
char		*actions_dry_run_body(const char *method, const char *body);

/* One permission an action needs: the attributes of the
 * SelfSubjectAccessReview asked before it acts (static strings). */
struct actions_access {
	const char	*verb;		/* "patch", "create", "delete" */
	const char	*group;		/* "" for the core group */
	const char	*resource;	/* "deployments" */
	const char	*subresource;	/* "scale", "status", "eviction", or NULL */
};
/* Most permissions one action needs (drain: patch nodes, create pods/eviction). */
#define ACTIONS_ACCESS_MAX	2
/* The permissions command needs to act on an object of resource (NULL: the
 * first kind it applies to), in the order the action checks them; the help
 * view greys a command by the same answer. Returns how many were filled; 0
 * if command is not an action or checks none (Alertmanager actions). */
size_t		 actions_access(const char *command, const char *resource,
		    struct actions_access out[ACTIONS_ACCESS_MAX]);

/* Plan command (an action verb) on the fetched object obj of resource ns/name
 * as the pipeline does, extra and extra2 standing for the answers of its
 * extra GETs (HPAs, ReplicaSets; a drain's node pods and PDBs), args as
 * typed after the command; nothing is sent. The writes it would send, in
 * order, as [["METHOD", "PATH"], ...] (new; a drain's evictions after its
 * cordon; empty if it would skip), or NULL with *cause. For tests. */
json_t		*actions_plan_writes(const char *command, const char *resource,
		    const char *ns, const char *name, json_t *obj, json_t *extra,
		    json_t *extra2, int argc, char **argv, char **cause);

/*
 * RBAC (tui/rbac.c): SelfSubjectAccessReview with a per cluster + verb +
 * group + resource + subresource + namespace cache (180 s).
 */
typedef void (*rbac_done_cb)(int allowed, const char *reason, void *arg);
/* allowed: 1 yes, 0 denied (reason says why), -1 the review itself failed. */
void		 rbac_check(struct client *, size_t cluster, const char *verb,
		    const char *group, const char *resource, const char *subresource,
		    const char *ns, const char *name, rbac_done_cb done, void *arg);
/* The SelfSubjectAccessReview body (new string). */
char		*rbac_review_body(const char *verb, const char *group, const char *resource,
		    const char *subresource, const char *ns, const char *name);
/* Forget every cached answer. */
void		 rbac_flush(void);

#endif
