/* Table printers of opsdeck's own columns for the extension kinds:
 * Alertmanager alerts and silences, Velero, Argo Rollouts, Istio virtual
 * services, Argo CD applications. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "opsdeck/buf.h"
#include "opsdeck/json_util.h"
#include "opsdeck/printers.h"
#include "opsdeck/xmalloc.h"

#include "printers_int.h"

/* ---- Alertmanager: alerts and silences ---- */

static const struct column alert_columns[] = {
	{ "Alertname", "string", "name", 0, "The alertname label.", NULL },
	{ "Severity", "string", "", 0, "The severity label.", NULL },
	{ "State", "string", "", 0, "firing, silenced, inhibited or unprocessed.", NULL },
	{ "Summary", "string", "", 0, "The summary annotation.", NULL },
	{ "Age", "string", "", 0, "Time since the alert started.", NULL },
	{ "Namespace", "string", "", 1, "The namespace label.", NULL },
	{ "Fingerprint", "string", "", 1, "Alertmanager's fingerprint of the labels.", NULL },
	{ "Runbook", "string", "", 1, "The runbook_url annotation.", NULL },
};

const char *
printer_alert_state(json_t *a)
{
	const char *state = json_path_str_or(a, "status.state", "");

	if (strcmp(state, "active") == 0)
		return "firing";
	if (strcmp(state, "suppressed") == 0) {
		if (json_path_len(a, "status.silencedBy") > 0)
			return "silenced";
		if (json_path_len(a, "status.inhibitedBy") > 0)
			return "inhibited";
		return "suppressed";
	}
	return *state != '\0' ? state : "<unknown>";
}

/* An Alertmanager v2 gettableAlert. */
static void
print_alert(json_t *a, int64_t now, struct cell *c, unsigned *flags,
    char **reason)
{
	const char *sev = json_path_str_or(a, "labels.severity", "<none>");
	const char *shown = printer_alert_state(a), *summary;

	summary = json_path_str_or(a, "annotations.summary", NULL);
	if (summary == NULL)
		summary = json_path_str_or(a, "annotations.description", "");
	cell_text(&c[0], json_path_str_or(a, "labels.alertname", "<none>"));
	cell_text(&c[1], sev);
	cell_text(&c[2], shown);
	cell_take(&c[3], trim_space(summary));
	cell_age(&c[4], jtime(a, "startsAt"), NULL);
	cell_text(&c[5], json_path_str_or(a, "labels.namespace", "<none>"));
	cell_text(&c[6], json_path_str_or(a, "fingerprint", ""));
	cell_text(&c[7], json_path_str_or(a, "annotations.runbook_url", "<none>"));
	if (strcmp(shown, "firing") == 0) {
		*flags |= ROW_FIRING;
		if (strcmp(sev, "critical") == 0)
			*flags |= ROW_BAD;
		else if (strcmp(sev, "warning") == 0)
			*flags |= ROW_WARN;
		*reason = xstrdup(c[0].text);
	}
}

static const struct column silence_columns[] = {
	{ "ID", "string", "name", 0, "Silence ID.", NULL },
	{ "State", "string", "", 0, "active, pending or expired.", NULL },
	{ "Matchers", "string", "", 0, "Label matchers the silence applies to.", NULL },
	{ "Created By", "string", "", 0, "Who created the silence.", NULL },
	{ "Comment", "string", "", 0, "Why the silence exists.", NULL },
	{ "Ends", "string", "", 0, "Time until (or since) the silence ends.", NULL },
	{ "Starts", "string", "", 1, "Time until (or since) the silence starts.", NULL },
};

/* An Alertmanager v2 gettableSilence. */
static void
print_silence(json_t *s, int64_t now, struct cell *c, unsigned *flags,
    char **reason)
{
	struct buf sb = { .max = CELL_TEXT_MAX };
	json_t *m;
	const char *op;
	size_t i;
	int eq, re;

	json_array_foreach(json_object_get(s, "matchers"), i, m) {
		eq = !json_is_false(json_object_get(m, "isEqual"));
		re = json_path_true(m, "isRegex");
		op = re ? (eq ? "=~" : "!~") : (eq ? "=" : "!=");
		if (i != 0)
			buf_str(&sb, ",");
		buf_printf(&sb, "%s%s%s", json_path_str_or(m, "name", ""), op,
		    json_path_str_or(m, "value", ""));
	}
	cell_text(&c[0], json_path_str_or(s, "id", ""));
	cell_text(&c[1], json_path_str_or(s, "status.state", "<unknown>"));
	cell_take(&c[2], buf_take(&sb));
	cell_text(&c[3], json_path_str_or(s, "createdBy", ""));
	cell_take(&c[4], trim_space(json_path_str(s, "comment")));
	cell_until(&c[5], jtime(s, "endsAt"), NULL);
	cell_until(&c[6], jtime(s, "startsAt"), NULL);
}

/* ---- Velero: backups, schedules, restores ---- */

static const struct column backup_columns[] = {
	{ "Name", "string", "name", 0, "Name of the backup.", NULL },
	{ "Status", "string", "", 0, "Phase of the backup.", NULL },
	{ "Errors", "integer", "", 0, "Errors met while backing up.", NULL },
	{ "Warnings", "integer", "", 0, "Warnings met while backing up.", NULL },
	{ "Created", "string", "", 0, "Time since the backup started.", NULL },
	{ "Expires", "string", "", 0, "Time until the backup expires.", NULL },
	{ "Storage Location", "string", "", 0, "Where the backup is stored.", NULL },
	{ "Selector", "string", "", 0, "Label selector of the backed-up resources.", NULL },
};

/* True for Velero phases that mean a failed backup or restore. */
static int
velero_failed(const char *phase)
{
	return strcmp(phase, "Failed") == 0 ||
	    strcmp(phase, "PartiallyFailed") == 0 ||
	    strcmp(phase, "FailedValidation") == 0 ||
	    strcmp(phase, "WaitingForPluginOperationsPartiallyFailed") == 0 ||
	    strcmp(phase, "FinalizingPartiallyFailed") == 0;
}

/* True for Velero phases of work still running. */
static int
velero_running(const char *phase)
{
	return strcmp(phase, "New") == 0 || strcmp(phase, "InProgress") == 0 ||
	    strncmp(phase, "WaitingForPluginOperations", 26) == 0 ||
	    strncmp(phase, "Finalizing", 10) == 0;
}

/* A Velero phase as `velero get` prints it: Deleting, or New when unset. */
static const char *
velero_phase(json_t *obj)
{
	if (json_path_str(obj, "metadata.deletionTimestamp") != NULL)
		return "Deleting";
	return json_path_str_or(obj, "status.phase", "New");
}

/* A velero.io/v1 Backup, like `velero backup get`. */
static void
print_backup(json_t *b, int64_t now, struct cell *c, unsigned *flags,
    char **reason)
{
	const char *phase = velero_phase(b);

	cell_name(&c[0], b);
	cell_text(&c[1], phase);
	cell_int(&c[2], json_path_int(b, "status.errors", 0));
	cell_int(&c[3], json_path_int(b, "status.warnings", 0));
	cell_age(&c[4], jtime(b, "status.startTimestamp"), "n/a");
	cell_until(&c[5], jtime(b, "status.expiration"), "n/a");
	cell_text(&c[6], json_path_str_or(b, "spec.storageLocation", ""));
	cell_take(&c[7], format_label_selector(json_path(b, "spec.labelSelector")));
	if (velero_failed(phase)) {
		*flags |= ROW_BAD;
		*reason = xstrdup(phase);
	} else if (velero_running(phase))
		*flags |= ROW_PROGRESSING;
}

static const struct column schedule_columns[] = {
	{ "Name", "string", "name", 0, "Name of the schedule.", NULL },
	{ "Status", "string", "", 0, "Phase of the schedule.", NULL },
	{ "Created", "string", "", 0, "Time since the schedule was created.", NULL },
	{ "Schedule", "string", "", 0, "The schedule in Cron format.", NULL },
	{ "Backup TTL", "string", "", 0, "How long the backups are kept.", NULL },
	{ "Last Backup", "string", "", 0, "Time since the last backup.", NULL },
	{ "Selector", "string", "", 0, "Label selector of the backed-up resources.", NULL },
	{ "Paused", "string", "", 0, "Whether the schedule is paused.", NULL },
};

/* A velero.io/v1 Schedule, like `velero schedule get`. */
static void
print_schedule(json_t *s, int64_t now, struct cell *c, unsigned *flags,
    char **reason)
{
	const char *phase = velero_phase(s);
	int paused = json_path_true(s, "spec.paused");

	cell_name(&c[0], s);
	cell_text(&c[1], phase);
	cell_created(&c[2], s);
	cell_text(&c[3], json_path_str_or(s, "spec.schedule", ""));
	cell_text(&c[4], json_path_str_or(s, "spec.template.ttl", "0s"));
	cell_age(&c[5], jtime(s, "status.lastBackup"), "n/a");
	cell_take(&c[6], format_label_selector(json_path(s,
	    "spec.template.labelSelector")));
	cell_text(&c[7], paused ? "true" : "false");
	if (strcmp(phase, "FailedValidation") == 0) {
		*flags |= ROW_BAD;
		*reason = xstrdup(phase);
	} else if (paused) {
		*flags |= ROW_WARN;
		*reason = xstrdup("paused");
	}
}

static const struct column restore_columns[] = {
	{ "Name", "string", "name", 0, "Name of the restore.", NULL },
	{ "Backup", "string", "", 0, "The backup restored from.", NULL },
	{ "Status", "string", "", 0, "Phase of the restore.", NULL },
	{ "Started", "string", "", 0, "Time since the restore started.", NULL },
	{ "Completed", "string", "", 0, "Time since the restore completed.", NULL },
	{ "Errors", "integer", "", 0, "Errors met while restoring.", NULL },
	{ "Warnings", "integer", "", 0, "Warnings met while restoring.", NULL },
	{ "Created", "string", "", 0, "Time since the restore was created.", NULL },
	{ "Selector", "string", "", 0, "Label selector of the restored resources.", NULL },
};

/* A velero.io/v1 Restore, like `velero restore get`. */
static void
print_restore(json_t *r, int64_t now, struct cell *c, unsigned *flags,
    char **reason)
{
	const char *phase = velero_phase(r);

	cell_name(&c[0], r);
	cell_text(&c[1], json_path_str_or(r, "spec.backupName", ""));
	cell_text(&c[2], phase);
	cell_age(&c[3], jtime(r, "status.startTimestamp"), "n/a");
	cell_age(&c[4], jtime(r, "status.completionTimestamp"), "n/a");
	cell_int(&c[5], json_path_int(r, "status.errors", 0));
	cell_int(&c[6], json_path_int(r, "status.warnings", 0));
	cell_created(&c[7], r);
	cell_take(&c[8], format_label_selector(json_path(r, "spec.labelSelector")));
	if (velero_failed(phase)) {
		*flags |= ROW_BAD;
		*reason = xstrdup(phase);
	} else if (velero_running(phase))
		*flags |= ROW_PROGRESSING;
}

/* ---- Argo Rollouts ---- */

static const struct column rollout_columns[] = {
	{ "Name", "string", "name", 0, "Name of the rollout.", NULL },
	{ "Strategy", "string", "", 0, "Canary or BlueGreen.", NULL },
	{ "Status", "string", "", 0, "Phase of the rollout.", NULL },
	{ "Step", "string", "", 0, "Current canary step of all steps.", NULL },
	{ "Set-Weight", "string", "", 0, "Canary weight the current step sets.", NULL },
	{ "Actual-Weight", "string", "", 0, "Canary weight in effect.", NULL },
	{ "Ready", "string", "", 0, "Ready pods of the desired replicas.", NULL },
	{ "Up-to-date", "integer", "", 0, "Pods with the current template.", NULL },
	{ "Available", "integer", "", 0, "Available pods.", NULL },
	{ "Age", "string", "", 0, "Time since the rollout was created.", NULL },
	{ "Message", "string", "", 1, "Status message of the rollout.", NULL },
};

/* The weight the canary steps before the current one set (100 when all
 * steps are done), or -1 if none applies. */
static int64_t
rollout_set_weight(json_t *steps, int64_t idx)
{
	json_t *st;
	int64_t w = -1;
	size_t i;

	if (!json_is_array(steps))
		return -1;
	if (idx >= (int64_t)json_array_size(steps))
		return 100;
	json_array_foreach(steps, i, st) {
		if ((int64_t)i > idx)
			break;
		if (json_is_integer(json_object_get(st, "setWeight")))
			w = json_path_int(st, "setWeight", 0);
	}
	return w == -1 ? 0 : w;
}

/* An argoproj.io/v1alpha1 Rollout, like `kubectl argo rollouts list`. */
static void
print_rollout(json_t *ro, int64_t now, struct cell *c, unsigned *flags,
    char **reason)
{
	json_t *canary = json_path(ro, "spec.strategy.canary");
	json_t *steps = json_object_get(canary, "steps");
	json_t *status = json_object_get(ro, "status");
	json_t *aw = json_path(status, "canary.weights.canary.weight");
	const char *phase = json_path_str_or(status, "phase", "Unknown");
	int64_t desired = json_path_int(ro, "spec.replicas", 1);
	int64_t idx = json_path_int(status, "currentStepIndex", 0);
	int64_t nsteps = (int64_t)json_path_len(canary, "steps");
	int64_t sw, aw_now, avail, updated;

	cell_name(&c[0], ro);
	if (json_is_object(canary)) {
		cell_text(&c[1], "Canary");
		if (nsteps > 0 && json_is_integer(json_object_get(status,
		    "currentStepIndex")))
			cell_take(&c[3], xasprintf("%lld/%lld", (long long)idx,
			    (long long)nsteps));
		else
			cell_text(&c[3], "-");
		/* GetCurrentSetWeight: 0 when aborted, 100 past the steps. */
		if (json_path_true(status, "abort"))
			sw = 0;
		else
			sw = nsteps > 0 ? rollout_set_weight(steps, idx) : 100;
		cell_take(&c[4], xasprintf("%lld", (long long)sw));
		avail = json_path_int(status, "availableReplicas", 0);
		updated = json_path_int(status, "updatedReplicas", 0);
		if (nsteps == 0 || idx >= nsteps)
			aw_now = 100;
		else if (json_is_integer(aw))
			aw_now = json_integer_value(aw);
		else if (avail > 0)
			/* Without traffic routing the weight is the share of
			 * available pods on the new template. */
			aw_now = (updated < avail ? updated : avail) * 100 / avail;
		else
			aw_now = 0;
		cell_take(&c[5], xasprintf("%lld", (long long)aw_now));
	} else {
		cell_text(&c[1], json_is_object(json_path(ro,
		    "spec.strategy.blueGreen")) ? "BlueGreen" : "<unknown>");
		cell_text(&c[3], "-");
		cell_text(&c[4], "-");
		cell_text(&c[5], "-");
	}
	cell_text(&c[2], phase);
	cell_take(&c[6], xasprintf("%lld/%lld",
	    (long long)json_path_int(status, "readyReplicas", 0), (long long)desired));
	cell_int(&c[7], json_path_int(status, "updatedReplicas", 0));
	cell_int(&c[8], json_path_int(status, "availableReplicas", 0));
	cell_created(&c[9], ro);
	cell_take(&c[10], trim_space(json_path_str(status, "message")));
	if (json_path_true(status, "abort")) {
		*flags |= ROW_BAD;
		*reason = xstrdup("Aborted");
	} else if (strcmp(phase, "Degraded") == 0) {
		*flags |= ROW_BAD;
		*reason = xstrdup("Degraded");
	} else if (strcmp(phase, "Progressing") == 0 ||
	    strcmp(phase, "Paused") == 0) {
		*flags |= ROW_PROGRESSING;
		*reason = xstrdup(phase);
	}
}

/* ---- Istio VirtualServices ---- */

static const struct column virtualservice_columns[] = {
	{ "Name", "string", "name", 0, "Name of the virtual service.", NULL },
	{ "Gateways", "string", "", 0, "Gateways the routes apply to.", NULL },
	{ "Hosts", "string", "", 0, "Destination hosts the routes apply to.", NULL },
	{ "Age", "string", "", 0, "Time since the virtual service was created.", NULL },
};

/* An array as kubectl prints a CRD column holding one: compact JSON. */
static char *
json_array_text(json_t *a)
{
	char *s;

	if (!json_is_array(a))
		return xstrdup("");
	s = json_dumps(a, JSON_COMPACT | JSON_ENCODE_ANY);
	return s == NULL ? xstrdup("") : s;
}

/* A networking.istio.io VirtualService. */
static void
print_virtualservice(json_t *vs, int64_t now, struct cell *c, unsigned *flags,
    char **reason)
{
	char *s;

	cell_name(&c[0], vs);
	s = json_array_text(json_path(vs, "spec.gateways"));
	cell_text(&c[1], s);
	free(s);
	s = json_array_text(json_path(vs, "spec.hosts"));
	cell_text(&c[2], s);
	free(s);
	cell_created(&c[3], vs);
}

/* ---- Argo CD Applications ---- */

static const struct column application_columns[] = {
	{ "Name", "string", "name", 0, "Name of the application.", NULL },
	{ "Sync", "string", "", 0, "Sync status against the target revision.", NULL },
	{ "Health", "string", "", 0, "Health of the resources the application manages.",
	  NULL },
	{ "Revision", "string", "", 0, "Revision last synced.", NULL },
	{ "Last-Sync", "string", "", 0, "Phase of the last sync operation.", NULL },
	{ "Synced", "string", "", 0, "Time since the last sync finished.", NULL },
	{ "Message", "string", "", 1, "Message of the last sync operation.", NULL },
};

/* An argoproj.io/v1alpha1 Application: sync and health status, revision,
 * the last sync's result. */
static void
print_application(json_t *app, int64_t now, struct cell *c, unsigned *flags,
    char **reason)
{
	json_t *st = json_object_get(app, "status");
	const char *sync = json_path_str_or(st, "sync.status", "Unknown");
	const char *health = json_path_str_or(st, "health.status", "Unknown");
	const char *phase = json_path_str_or(st, "operationState.phase", "-");
	const char *rev = json_path_str_or(st, "sync.revision", "");
	int64_t fin = jtime(st, "operationState.finishedAt");

	cell_name(&c[0], app);
	cell_text(&c[1], sync);
	cell_text(&c[2], health);
	/* a commit is shown short, as the Argo CD UI does */
	cell_take(&c[3], xstrndup(*rev != '\0' ? rev : "-", strlen(rev) == 40 ? 7 : 64));
	cell_text(&c[4], phase);
	cell_age(&c[5], fin, "-");
	cell_take(&c[6], trim_space(json_path_str(st, "operationState.message")));
	if (strcmp(phase, "Failed") == 0 || strcmp(phase, "Error") == 0 ||
	    strcmp(health, "Degraded") == 0 || strcmp(health, "Missing") == 0) {
		*flags |= ROW_BAD;
		*reason = xstrdup(strcmp(health, "Degraded") == 0 ||
		    strcmp(health, "Missing") == 0 ? health : "SyncFailed");
	} else if (strcmp(phase, "Running") == 0 || strcmp(phase, "Terminating") == 0 ||
	    strcmp(health, "Progressing") == 0) {
		*flags |= ROW_PROGRESSING;
		*reason = xstrdup(strcmp(health, "Progressing") == 0 ? health : "Syncing");
	} else if (strcmp(sync, "OutOfSync") == 0) {
		*flags |= ROW_WARN;
		*reason = xstrdup("OutOfSync");
	}
}

static const struct column applicationset_columns[] = {
	{ "Name", "string", "name", 0, "Name of the application set.", NULL },
	{ "Generators", "string", "", 0, "Kinds of its generators.", NULL },
	{ "Project", "string", "", 0, "Project of the applications it makes.", NULL },
	{ "Age", "string", "", 0, "Time since the application set was created.", NULL },
};

/* An argoproj.io/v1alpha1 ApplicationSet. */
static void
print_applicationset(json_t *as, int64_t now, struct cell *c, unsigned *flags,
    char **reason)
{
	json_t *gens = json_path(as, "spec.generators"), *g;
	const char *k;
	char *gk = xstrdup(""), *t;
	size_t i;
	void *it;

	cell_name(&c[0], as);
	json_array_foreach(gens, i, g) {
		for (it = json_object_iter(g); it != NULL; it = json_object_iter_next(g, it)) {
			k = json_object_iter_key(it);
			t = xasprintf("%s%s%s", gk, *gk != '\0' ? "," : "", k);
			free(gk);
			gk = t;
		}
	}
	cell_take(&c[1], *gk != '\0' ? gk : (free(gk), xstrdup("-")));
	cell_text(&c[2], json_path_str_or(as, "spec.template.spec.project", "-"));
	cell_created(&c[3], as);
}
PRINTER(printer_alerts, "alerts", "Alert", alert_columns, print_alert);
PRINTER(printer_silences, "silences", "Silence", silence_columns, print_silence);
PRINTER(printer_backups, "backups", "Backup", backup_columns, print_backup);
PRINTER(printer_schedules, "schedules", "Schedule", schedule_columns, print_schedule);
PRINTER(printer_restores, "restores", "Restore", restore_columns, print_restore);
PRINTER(printer_rollouts, "rollouts", "Rollout", rollout_columns, print_rollout);
PRINTER(printer_virtualservices, "virtualservices", "VirtualService", virtualservice_columns,
    print_virtualservice);
PRINTER(printer_applications, "applications", "Application", application_columns,
    print_application);
PRINTER(printer_applicationsets, "applicationsets", "ApplicationSet", applicationset_columns,
    print_applicationset);
