/* Table printers for jobs and cron jobs. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "opsdeck/json_util.h"
#include "opsdeck/printers.h"
#include "opsdeck/xmalloc.h"

#include "printers_int.h"

/* ---- Jobs and CronJobs ---- */

static const struct column job_columns[] = {
	{ "Name", "string", "name", 0, "Name of the job.", NULL },
	{ "Status", "string", "", 0, "Status of the job.", NULL },
	{ "Completions", "string", "", 0, "Succeeded pods of the desired completions.", NULL },
	{ "Duration", "string", "", 0, "Time required to complete the job.", NULL },
	{ "Age", "string", "", 0, "Time since the job was created.", NULL },
	{ "Containers", "string", "", 1, "Names of each container in the template.", NULL },
	{ "Images", "string", "", 1, "Images referenced by each container in the template.", NULL },
	{ "Selector", "string", "", 1, "Label query over pods of the job.", NULL },
};

/* printJob, plus a Failed flag. */
static void
print_job(json_t *job, int64_t now, struct cell *c, unsigned *flags,
    char **reason)
{
	json_t *spec = json_object_get(job, "spec");
	json_t *conds = json_path(job, "status.conditions");
	int64_t succeeded = json_path_int(job, "status.succeeded", 0);
	int64_t start = jtime(job, "status.startTime");
	int64_t done = jtime(job, "status.completionTime");
	int64_t par;
	const char *st;
	char dur[32];

	if (json_is_integer(json_object_get(spec, "completions")))
		cell_take(&c[2], xasprintf("%lld/%lld", (long long)succeeded,
		    (long long)json_path_int(spec, "completions", 0)));
	else if (json_object_get(spec, "parallelism") == NULL)
		cell_take(&c[2], xasprintf("%lld/1", (long long)succeeded));
	else {
		par = json_path_int(spec, "parallelism", 0);
		if (par > 1)
			cell_take(&c[2], xasprintf("%lld/1 of %lld",
			    (long long)succeeded, (long long)par));
		else
			cell_take(&c[2], xasprintf("%lld/1", (long long)succeeded));
	}
	if (start == 0)
		cell_text(&c[3], "");
	else if (done == 0)
		cell_age(&c[3], start, NULL);
	else {
		human_duration(done - start, dur, sizeof dur);
		cell_text(&c[3], dur);
	}
	if (json_condition_is(conds, "Complete", "True"))
		st = "Complete";
	else if (json_condition_is(conds, "Failed", "True"))
		st = "Failed";
	else if (json_path_str(job, "metadata.deletionTimestamp") != NULL)
		st = "Terminating";
	else if (json_condition_is(conds, "Suspended", "True"))
		st = "Suspended";
	else if (json_condition_is(conds, "FailureTarget", "True"))
		st = "FailureTarget";
	else
		st = "Running";
	cell_name(&c[0], job);
	cell_text(&c[1], st);
	cell_created(&c[4], job);
	layout_containers(json_path(spec, "template.spec.containers"), &c[5], &c[6]);
	cell_take(&c[7], format_label_selector(json_object_get(spec, "selector")));
	if (strcmp(st, "Failed") == 0 || strcmp(st, "FailureTarget") == 0) {
		*flags |= ROW_BAD;
		*reason = xstrdup("Failed");
	}
}

static const struct column cronjob_columns[] = {
	{ "Name", "string", "name", 0, "Name of the cron job.", NULL },
	{ "Schedule", "string", "", 0, "The schedule in Cron format.", NULL },
	{ "Timezone", "string", "", 0, "The time zone of the schedule.", NULL },
	{ "Suspend", "boolean", "", 0, "Whether later executions are suspended.", NULL },
	{ "Active", "integer", "", 0, "Number of currently running jobs.", NULL },
	{ "Last Schedule", "string", "", 0, "Time since the job was last scheduled.", NULL },
	{ "Age", "string", "", 0, "Time since the cron job was created.", NULL },
	{ "Containers", "string", "", 1, "Names of each container in the template.", NULL },
	{ "Images", "string", "", 1, "Images referenced by each container in the template.", NULL },
	{ "Selector", "string", "", 1, "Label query over pods of the jobs.", NULL },
};

/* printCronJob. */
static void
print_cronjob(json_t *cj, int64_t now, struct cell *c, unsigned *flags,
    char **reason)
{
	json_t *spec = json_object_get(cj, "spec");
	json_t *tz = json_object_get(spec, "timeZone");

	cell_name(&c[0], cj);
	cell_text(&c[1], json_path_str_or(spec, "schedule", ""));
	cell_text(&c[2], json_is_string(tz) ? json_string_value(tz) : "<none>");
	cell_text(&c[3], json_path_true(spec, "suspend") ? "True" : "False");
	cell_int(&c[4], (int64_t)json_path_len(cj, "status.active"));
	cell_age(&c[5], jtime(cj, "status.lastScheduleTime"), "<none>");
	cell_created(&c[6], cj);
	layout_containers(json_path(spec, "jobTemplate.spec.template.spec.containers"),
	    &c[7], &c[8]);
	cell_take(&c[9], format_label_selector(json_path(spec,
	    "jobTemplate.spec.selector")));
	if (json_path_true(spec, "suspend")) {
		*flags |= ROW_WARN;
		*reason = xstrdup("suspended");
	}
}
PRINTER(printer_jobs, "jobs", "Job", job_columns, print_job);
PRINTER(printer_cronjobs, "cronjobs", "CronJob", cronjob_columns, print_cronjob);
