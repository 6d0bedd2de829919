/* The audit log: $XDG_STATE_HOME/opsdeck/audit.jsonl (else
 * ~/.local/state/opsdeck/audit.jsonl), one JSON object per line, written
 * with one write() on an O_APPEND descriptor and fsync()ed before the
 * action is reported done, so a line is never torn even if the process is
 * killed mid-burst. The directory is created 0700, the file 0600.
 *
 * A line:
 *	{"time":"2026-11-23T17:45:00.123Z","user":"ana","host":"laptop",
 *	 "kube_user":"admin@prod-tokyo","context":"prod-tokyo","verb":"scale",
 *	 "target":{"kind":"deployments","namespace":"production","name":"backend"},
 *	 "params":{"replicas":8},"dry_run":"replicas 5 → 8","outcome":"ok",
 *	 "message":"scaled","origin":"key","incident":"INC-20261123-174500"}
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
	 * interrupted (quit while following up a sent request) */
	const char	*outcome;
	const char	*message;
	const char	*origin;	/* key | prompt | runbook | cli */
	const char	*incident;	/* open incident id */
	const char	*runbook;	/* runbook name when a runbook step, else NULL */
};

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

/* Local user name (from the password database, else $USER, else uid). */
const char *audit_local_user(void);
/* Host name. */
const char *audit_host(void);

#endif
