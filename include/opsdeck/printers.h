/* Table printers: kubectl's columns and cell rules for each kind, computed
 * from one decoded API object. One implementation serves the drill
 * simulator (as=Table responses), the client store (compact rows),
 * `opsdeck get` and the console, so every surface prints the same cells.
 *
 * Cells hold raw text exactly as computed from the object; callers that
 * write to a terminal sanitise (see sanitize.h). Time-dependent cells (ages,
 * "5 (2m ago)") keep their timestamp and are formatted at display time. */
#ifndef OPSDECK_PRINTERS_H
#define OPSDECK_PRINTERS_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

enum cell_type {
	CELL_TEXT,	/* text as is (NULL prints as "") */
	CELL_AGE,	/* when: unix seconds; HumanDuration(now - when); 0 → text if
			 * set (e.g. "<none>", "n/a"), else "<unknown>" */
	CELL_RESTARTS,	/* n restarts; when: last restart (0 none) → "n" or "n (2m ago)" */
	CELL_INT,	/* n, printed in decimal */
	CELL_UNTIL,	/* when in the future: HumanDuration(when - now); in the past:
			 * "HumanDuration(now - when) ago"; 0 as CELL_AGE */
	CELL_NONE,	/* no value (a Table's null cell): kubectl prints nothing */
};

/* One cell of a row. text is owned by the cell (may be NULL for non-text). */
struct cell {
	enum cell_type	 type;
	char		*text;
	int64_t		 n;
	int64_t		 when;
};

/* A column as in a meta.k8s.io/v1 Table columnDefinition. */
struct column {
	const char	*name;		/* "Name", "Ready", ... (kubectl upper-cases) */
	const char	*type;		/* "string", "integer", "date", "number" */
	const char	*format;	/* "name" for the name column, else "" */
	int		 priority;	/* 0 always shown, 1 wide only */
	const char	*description;
	/* A custom resource's printer column: the JSONPath of its value
	 * (json_jsonpath); NULL in printers that compute their cells. */
	const char	*json_path;
};

/* Row flags the console and overview use to colour and count problems. */
enum row_flag {
	ROW_BAD		= 0x01,	/* failing now: CrashLoopBackOff, Failed backup, ... */
	ROW_WARN	= 0x02,	/* degraded: not ready, pending, stale backup */
	ROW_PROGRESSING	= 0x04,	/* rollout in progress */
	ROW_AT_MAX	= 0x08,	/* HPA at maxReplicas */
	ROW_STUCK	= 0x10,	/* ProgressDeadlineExceeded, unable to scale */
	ROW_FIRING	= 0x20,	/* alert firing (active, not silenced) */
};

/* What a printer produced for one object; free with printed_free(). */
struct printed {
	struct cell	*cells;		/* ncells == printer->ncolumns */
	size_t		 ncells;
	unsigned	 flags;		/* enum row_flag */
	char		*reason;	/* short "why" for overview lines, or NULL */
};

/* A printer for one resource (plural lower-case name as in the API path). */
struct printer {
	const char		*resource;	/* "pods", "deployments", "alerts", ... */
	const char		*kind;		/* "Pod", ... */
	const struct column	*columns;
	size_t			 ncolumns;
	/* Fill cells[0..ncolumns) from obj (borrowed); set *flags, *reason.
	 * NULL: every column has a json_path, and a cell is the value there
	 * as the API server's Table gives it for a custom resource's
	 * additionalPrinterColumns (by the column's type: integer, number,
	 * boolean, string, date as an age; null when absent: an empty cell). */
	void			(*print)(json_t *obj, int64_t now, struct cell *cells,
				    unsigned *flags, char **reason);
};

/* The built-in printers; struct kind names its own (kinds.h). */
extern const struct printer printer_pods, printer_deployments, printer_replicasets,
    printer_statefulsets, printer_daemonsets, printer_hpa, printer_nodes, printer_events,
    printer_jobs, printer_cronjobs, printer_pdb, printer_namespaces, printer_services,
    printer_alerts, printer_silences, printer_backups, printer_schedules, printer_restores,
    printer_rollouts, printer_virtualservices, printer_pod_metrics, printer_node_metrics,
    printer_applications, printer_applicationsets;
/* A PodMetrics' or NodeMetrics' usage (obj borrowed; pods: the sum of
 * their containers'), as kubectl top counts it: CPU in millicores rounded
 * up, memory in bytes. The printers' CPU and MEMORY cells keep them in n. */
void		 metrics_usage(json_t *obj, int64_t *millicores, int64_t *bytes);

/* The Tables the API server builds for custom resources from their
 * CustomResourceDefinitions' additionalPrinterColumns (struct kind's
 * table; NAME and AGE when a CRD declares none). */
extern const struct printer table_rollouts, table_backups, table_schedules,
    table_restores, table_backupstoragelocations, table_applications,
    table_applicationsets;

/* NAME and AGE, for any object: the printer of a kind that has none of its
 * own (printer_find in kinds.h looks a resource's printer up). */
extern const struct printer printer_default;
/* A printer of the columns crd (a CustomResourceDefinition, borrowed)
 * declares for version, as the API server builds its Table: NAME, then
 * the version's additionalPrinterColumns, or AGE when there are none.
 * NULL if crd does not serve version. Free with printer_free(). */
struct printer		*printer_from_crd(json_t *crd, const char *version);
void			 printer_free(struct printer *);
/* Run p over obj (borrowed) at time now (unix seconds). */
void			 printer_print(const struct printer *p, json_t *obj, int64_t now,
			    struct printed *out);
void			 printed_free(struct printed *);
void			 cells_free(struct cell *, size_t);

/* Format a cell at time now into buf (always NUL-terminated); returns length. */
size_t			 cell_format(const struct cell *, int64_t now, char *buf, size_t len);
/* A cell as a meta.k8s.io/v1 Table cell at time now: a JSON integer for
 * CELL_INT, else the formatted string. Returns a new reference. */
json_t			*cell_json(const struct cell *, int64_t now);
/* An Alertmanager v2 alert's state as the console shows it: firing,
 * silenced, inhibited, suppressed, unprocessed (borrowed string). */
const char		*printer_alert_state(json_t *alert);
/* kubectl's duration.HumanDuration: "45s", "5m", "2m30s", "3h", "2d3h", "8y". */
void			 human_duration(int64_t seconds, char *buf, size_t len);
/* Parse RFC 3339 ("2026-11-23T17:45:00Z", fractional seconds, offsets);
 * returns unix seconds or 0 on failure. */
int64_t			 parse_rfc3339(const char *);
/* Format unix seconds as RFC 3339 UTC ("2026-11-23T17:45:00Z"). */
void			 format_rfc3339(int64_t, char *buf, size_t len);

#endif
