/* The audit log: $XDG_STATE_HOME/opsdeck/audit.jsonl (else
 * ~/.local/state/opsdeck/audit.jsonl), one JSON object per line, written
 * with one write() on an O_APPEND descriptor and fsync()ed, so a line is
 * never torn even if the process is killed mid-burst. The directory is
 * created 0700, the file 0600.
 *
 * Write-ahead: before any request that changes a cluster or Alertmanager
 * is sent, an intent record is written and fsync()ed; if that fails the
 * request is not sent (the action is refused with the reason). The record
 * of what happened afterwards names the intent by its id. A process that
 * dies between the two leaves the intent unmatched: the next start reports
 * it ("outcome unknown — check the cluster", audit_recover) and appends an
 * outcome record with outcome "unknown" so it is reported once.
 *
 * An intent:
 *	{"time":"2026-11-23T17:45:00.123Z","user":"ana","host":"laptop",
 *	 "kube_user":"admin@prod-tokyo","context":"prod-tokyo","verb":"scale",
 *	 "target":{"kind":"deployments","namespace":"production","name":"backend"},
 *	 "params":{"replicas":8},"dry_run":"replicas 5 → 8","outcome":"pending",
 *	 "message":null,"origin":"key","incident":null,
 *	 "phase":"intent","id":"9f2c4e1a0b7d3c55","pid":4242,
 *	 "request":{"method":"PATCH",
 *	   "path":"/apis/apps/v1/namespaces/production/deployments/backend/scale",
 *	   "body":"{\"spec\":{\"replicas\":8}}"}}
 * The request body is kept verbatim when it is valid UTF-8 of at most
 * AUDIT_BODY_MAX bytes; a larger (or binary) one is recorded as
 * "body":null,"body_sha256":HEX,"body_bytes":N so the line stays well
 * under the line cap (an oversized line would be replaced by a stub and
 * lose the target) while still identifying exactly what was sent.
 *
 * An outcome (every other line; "intent" is null when no request was sent,
 * e.g. refusals, cancellations, runbook steps):
 *	{"time":...,"verb":"scale",...,"outcome":"ok","message":"scaled",
 *	 "origin":"key","incident":"INC-20261123-174500",
 *	 "phase":"outcome","intent":"9f2c4e1a0b7d3c55"}
 */
#ifndef OPSDECK_AUDIT_H
#define OPSDECK_AUDIT_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include <jansson.h>

/* What one audit line says. Every string is borrowed and may be NULL
 * (written as null); params is borrowed (an object, or NULL for {}). */
struct audit_record {
	const char	*verb;		/* "scale", "undo", "runbook-step", ... */
	const char	*context;	/* kubeconfig context */
	const char	*kube_user;	/* kubeconfig user of the context */
	const char	*kind;		/* target resource: "deployments" */
	const char	*ns;
	const char	*name;
	json_t		*params;
	const char	*dry_run;	/* preview summary */
	/* ok | failed | refused | forbidden | cancelled | timeout | skipped |
	 * interrupted (quit or signalled while a sent request was in flight or
	 * followed up) | unknown (closed at a later start: the process died
	 * after the intent); intents are written as "pending" */
	const char	*outcome;
	const char	*message;
	const char	*origin;	/* key | prompt | runbook | cli */
	const char	*incident;	/* open incident id */
	const char	*runbook;	/* runbook name when a runbook step, else NULL */
	/* An outcome record: the id of the intent it closes, or NULL. */
	const char	*intent;
	/* Set by audit_intent only: the intent's own id and its request. */
	const char	*id;
	const char	*method;	/* "PATCH" */
	const char	*path;		/* "/apis/apps/v1/...?fieldManager=..." */
	const char	*body;		/* request body, or NULL */
};

/* An intent id: 16 lowercase hex digits and a NUL. */
#define AUDIT_ID_SIZE	17
/* Largest request body kept verbatim in an intent (else its SHA-256). */
#define AUDIT_BODY_MAX	(8 * 1024)

/* $XDG_STATE_HOME/opsdeck (or ~/.local/state/opsdeck); new string. */
char	*audit_state_dir(void);
/* Create dir and its parents (mode 0700 for new ones). 0, or -1 with *cause. */
int	 audit_mkdirs(const char *dir, char **cause);
/* The audit log's path; new string. */
char	*audit_path(void);

/* RFC 3339 UTC with milliseconds ("2026-11-23T17:45:00.123Z") of ts. */
void	 audit_format_time(const struct timespec *ts, char *buf, size_t len);
/* A JSON string for s that is always valid UTF-8 (invalid bytes become
 * U+FFFD); json null for NULL. New reference. */
json_t	*audit_json_str(const char *s);
/* The audit line for r at time ts, ending in "\n"; new string. */
char	*audit_format(const struct audit_record *r, const struct timespec *ts);

/* Append line (ending in "\n") to path with a single write() on an
 * O_APPEND descriptor (created 0600), then fsync. 0, or -1 with *cause. */
int	 audit_append(const char *path, const char *line, char **cause);
/* Format r now and append it to the audit log (creating its directory). */
int	 audit_write(const struct audit_record *r, char **cause);

/* Write-ahead: write and fsync the intent record for r (its verb, context,
 * target, params, preview, origin, incident) and the request about to be
 * sent (method, path, body; r->method etc. are ignored). On success id gets
 * the new intent's id and 0 is returned; on failure -1 with *cause, and the
 * caller must not send the request. */
int	 audit_intent(const struct audit_record *r, const char *method, const char *path,
	    const char *body, char id[AUDIT_ID_SIZE], char **cause);
/* The outcome record of intent id (r->intent is ignored): audit_write with
 * "intent" set. 0, or -1 with *cause. */
int	 audit_outcome(const struct audit_record *r, const char *id, char **cause);

/* Intents left unmatched by a process that died: for each one whose writer
 * is gone (same host and its pid no longer runs, or another host and older
 * than AUDIT_ORPHAN_AGE seconds), call report with a one-line, sanitised
 * description ("outcome unknown — check the cluster: ...") and append an
 * outcome record with outcome "unknown" naming it, so it is reported once.
 * Runs under an exclusive flock on the log (two starts do not both close
 * the same intent). Returns the number reported; -1 with *cause if the log
 * cannot be read (a missing log is 0). Closing records that cannot be
 * written are reported again at the next start. */
#define AUDIT_ORPHAN_AGE	900
int	 audit_recover(void (*report)(const char *line, void *arg), void *arg,
	    char **cause);
/* Print unmatched intents to stderr prefixed "opsdeck: " (headless starts). */
void	 audit_recover_stderr(void);

/* Local user name (from the password database, else $USER, else uid). */
const char *audit_local_user(void);
/* Host name. */
const char *audit_host(void);

#endif
