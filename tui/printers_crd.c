/* Custom resources: printers made from a CRD's additionalPrinterColumns
 * (printers.c runs them), and the CRD tables of the extension kinds. */
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
