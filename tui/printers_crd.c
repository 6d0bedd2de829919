/* Custom resources: the columns the API server prints from a CRD's
 * additionalPrinterColumns, and the CRD tables of the extension kinds. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "opsdeck/json_util.h"
#include "opsdeck/printers.h"
#include "opsdeck/xmalloc.h"

#include "printers_int.h"

/* ---- Custom resources: the CRD's additionalPrinterColumns ---- */

/* The API server's first column of every custom resource Table. */
#define CRD_NAME_COLUMN \
	{ "Name", "string", "name", 0, "Name of the object.", ".metadata.name" }
/* Its only other column when a CRD declares none. */
#define CRD_AGE_COLUMN \
	{ "Age", "date", "", 0, "Time since the object was created.", \
	  ".metadata.creationTimestamp" }

/* argoproj.io Rollout, as its CRD declares. */
static const struct column rollout_crd_columns[] = {
	CRD_NAME_COLUMN,
	{ "Desired", "integer", "", 0, "Number of desired pods", ".spec.replicas" },
	{ "Current", "integer", "", 0,
	  "Total number of non-terminated pods targeted by this rollout", ".status.replicas" },
	{ "Up-to-date", "integer", "", 0, "Total number of non-terminated pods targeted by "
	  "this rollout that have the desired template spec", ".status.updatedReplicas" },
	{ "Available", "integer", "", 0, "Total number of available pods (ready for at least "
	  "minReadySeconds) targeted by this rollout", ".status.availableReplicas" },
	{ "Age", "date", "", 0, "Time since resource was created", ".metadata.creationTimestamp" },
};

/* argoproj.io Application, as its CRD declares (no AGE column). */
static const struct column application_crd_columns[] = {
	CRD_NAME_COLUMN,
	{ "Sync Status", "string", "", 0, "", ".status.sync.status" },
	{ "Health Status", "string", "", 0, "", ".status.health.status" },
	{ "Revision", "string", "", 1, "", ".status.sync.revision" },
	{ "Project", "string", "", 1, "", ".spec.project" },
};

/* velero.io Schedule, as its CRD declares. */
static const struct column schedule_crd_columns[] = {
	CRD_NAME_COLUMN,
	{ "Status", "string", "", 0, "Status of the schedule", ".status.phase" },
	{ "Schedule", "string", "", 0, "A Cron expression defining when to run the Backup",
	  ".spec.schedule" },
	{ "LastBackup", "date", "", 0, "The last time a Backup was run for this schedule",
	  ".status.lastBackup" },
	{ "Age", "date", "", 0, "", ".metadata.creationTimestamp" },
	{ "Paused", "boolean", "", 0, "", ".spec.paused" },
};

/* velero.io BackupStorageLocation, as its CRD declares. */
static const struct column bsl_crd_columns[] = {
	CRD_NAME_COLUMN,
	{ "Phase", "string", "", 0, "Backup Storage Location status such as "
	  "Available/Unavailable", ".status.phase" },
	{ "Last Validated", "date", "", 0, "LastValidationTime is the last time the backup "
	  "store location was validated", ".status.lastValidationTime" },
	{ "Age", "date", "", 0, "", ".metadata.creationTimestamp" },
	{ "Default", "boolean", "", 0, "Default backup storage location", ".spec.default" },
};

/* A CRD without printer columns (velero.io Backup, Restore). */
static const struct column crd_default_columns[] = {
	CRD_NAME_COLUMN,
	CRD_AGE_COLUMN,
};

/* A float64 as Go's fmt prints it: the shortest text that reads back. */
static char *
number_text(double d)
{
	char buf[64];
	int prec;

	for (prec = 1; prec < 17; prec++) {
		snprintf(buf, sizeof buf, "%.*g", prec, d);
		if (strtod(buf, NULL) == d)
			break;
	}
	if (prec == 17)
		snprintf(buf, sizeof buf, "%.17g", d);
	return xstrdup(buf);
}

/* One printer column's cell from the value v at its JSONPath, as the API
 * server's Table converter for custom resources makes it: a value of the
 * wrong type for the column is null, and so is an absent one. */
static void
cell_from_column(struct cell *c, const struct column *col, json_t *v)
{
	char *s;

	c->type = CELL_NONE;
	if (v == NULL || json_is_null(v))
		return;
	if (strcmp(col->type, "integer") == 0) {
		if (json_is_integer(v))
			cell_int(c, (int64_t)json_integer_value(v));
		else if (json_is_real(v) && json_real_value(v) > -9.2e18 &&
		    json_real_value(v) < 9.2e18)
			cell_int(c, (int64_t)json_real_value(v));
	} else if (strcmp(col->type, "number") == 0) {
		if (json_is_number(v))
			cell_take(c, number_text(json_number_value(v)));
	} else if (strcmp(col->type, "boolean") == 0) {
		if (json_is_boolean(v))
			cell_text(c, json_is_true(v) ? "true" : "false");
	} else if (strcmp(col->type, "date") == 0) {
		if (json_is_string(v)) {
			int64_t when = parse_rfc3339(json_string_value(v));

			if (when == 0)
				cell_text(c, "<invalid>");
			else
				cell_age(c, when, NULL);
		}
	} else if (strcmp(col->type, "string") == 0) {
		/* any value: text as JSONPath prints it (objects and
		 * arrays as JSON) */
		if (json_is_real(v))
			s = number_text(json_real_value(v));
		else if (json_is_object(v) || json_is_array(v))
			s = json_dumps(v, JSON_COMPACT | JSON_SORT_KEYS);
		else
			s = json_scalar_text(v);
		if (s != NULL)
			cell_take(c, s);
	}
}

/* The cells of a printer of printer columns (print == NULL). */
void
print_columns(const struct printer *p, json_t *obj, struct cell *c)
{
	size_t i;

	for (i = 0; i < p->ncolumns; i++)
		cell_from_column(&c[i], &p->columns[i],
		    json_jsonpath(obj, p->columns[i].json_path));
}

/* Set *dst to a copy of src (every string owned). */
static void
column_dup(struct column *dst, const struct column *src)
{
	dst->name = xstrdup(src->name);
	dst->type = xstrdup(src->type);
	dst->format = xstrdup(src->format != NULL ? src->format : "");
	dst->priority = src->priority;
	dst->description = xstrdup(src->description != NULL ? src->description : "");
	dst->json_path = xstrdup(src->json_path != NULL ? src->json_path : "");
}

/* A printer for the columns of one served version of crd. */
struct printer *
printer_from_crd(json_t *crd, const char *version)
{
	json_t *v = NULL, *cols, *col;
	struct printer *p;
	struct column *out, c;
	size_t i, n;

	json_array_foreach(json_path(crd, "spec.versions"), i, col) {
		if (strcmp(json_path_str_or(col, "name", ""), version) == 0) {
			v = col;
			break;
		}
	}
	if (v == NULL)
		return NULL;
	cols = json_object_get(v, "additionalPrinterColumns");
	n = json_is_array(cols) ? json_array_size(cols) : 0;
	out = xcalloc(n + 2, sizeof *out);
	column_dup(&out[0], &crd_default_columns[0]);
	if (n == 0)
		column_dup(&out[1], &crd_default_columns[1]);
	json_array_foreach(cols, i, col) {
		c.name = json_path_str_or(col, "name", "");
		c.type = json_path_str_or(col, "type", "string");
		c.format = json_path_str_or(col, "format", "");
		c.priority = (int)json_path_int(col, "priority", 0);
		c.description = json_path_str_or(col, "description", "");
		c.json_path = json_path_str_or(col, "jsonPath", "");
		column_dup(&out[i + 1], &c);
	}
	p = xcalloc(1, sizeof *p);
	p->resource = xstrdup(json_path_str_or(crd, "spec.names.plural", ""));
	p->kind = xstrdup(json_path_str_or(crd, "spec.names.kind", ""));
	p->columns = out;
	p->ncolumns = n == 0 ? 2 : n + 1;
	return p;
}

/* Free a printer from printer_from_crd. */
void
printer_free(struct printer *p)
{
	struct column *c;
	size_t i;

	if (p == NULL)
		return;
	c = (struct column *)(uintptr_t)p->columns;
	for (i = 0; i < p->ncolumns; i++) {
		free((char *)(uintptr_t)c[i].name);
		free((char *)(uintptr_t)c[i].type);
		free((char *)(uintptr_t)c[i].format);
		free((char *)(uintptr_t)c[i].description);
		free((char *)(uintptr_t)c[i].json_path);
	}
	free(c);
	free((char *)(uintptr_t)p->resource);
	free((char *)(uintptr_t)p->kind);
	free(p);
}
PRINTER(table_applications, "applications", "Application", application_crd_columns, NULL);
PRINTER(table_applicationsets, "applicationsets", "ApplicationSet", crd_default_columns,
    NULL);
PRINTER(table_rollouts, "rollouts", "Rollout", rollout_crd_columns, NULL);
PRINTER(table_backups, "backups", "Backup", crd_default_columns, NULL);
PRINTER(table_schedules, "schedules", "Schedule", schedule_crd_columns, NULL);
PRINTER(table_restores, "restores", "Restore", crd_default_columns, NULL);
PRINTER(table_backupstoragelocations, "backupstoragelocations", "BackupStorageLocation",
    bsl_crd_columns, NULL);
