/* The drill's controllers driven directly through the store (no HTTP):
 * rolling updates within maxSurge/maxUnavailable at every tick, rollback
 * reusing the old ReplicaSet, crash loops, HPA limits, CronJob -> Job,
 * Velero Schedule -> Backup, Restore, events, pod logs and Alertmanager. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "opsdeck/json_util.h"
#include "opsdeck/sim.h"
#include "opsdeck/sim_ctl.h"
#include "opsdeck/xmalloc.h"

/* Ticks a test waits at most for a condition. */
#define MAX_TICKS	4000

/* A fresh estate with one cluster and three nodes. */
static struct sim *
estate(struct sim_cluster **cp)
{
	struct sim		*sim = sim_new();
	struct sim_cluster	*c;
	json_t			*zones = json_pack("[s,s]", "zone-a", "zone-b");

	c = sim_add_cluster(sim, "test", "ap-northeast-1", "primary", false);
	scn_apply_nodes(c, "general", 3, "m5.xlarge", zones);
	json_decref(zones);
	*cp = c;
	return sim;
}

/* Create obj (stolen) or fail the test. */
static json_t *
create(struct sim_cluster *c, const char *group, const char *res, const char *ns, json_t *obj)
{
	char	*cause = NULL;
	json_t	*out = NULL;
	int	 rc;

	rc = sim_obj_create(c, kind_find_api(group, res), ns, obj, &out, &cause);
	if (rc != 0)
		fail_msg("create %s: %d %s", res, rc, cause != NULL ? cause : "");
	return out;
}

/* A deployment with a given strategy. */
static json_t *
deployment(const char *name, int replicas, const char *image, const char *surge,
    const char *unavail)
{
	json_t	*labels = json_pack("{s:s}", "app", name), *d;

	d = scn_deployment("default", name, replicas, image, labels);
	json_decref(labels);
	ctl_set(d, "spec.strategy.rollingUpdate.maxSurge", json_string(surge));
	ctl_set(d, "spec.strategy.rollingUpdate.maxUnavailable", json_string(unavail));
	return d;
}

/* Pod counts of an app: live (not terminating) and ready ones. */
struct counts {
	const char	*app;
	const char	*image;	/* count pods with this image as "updated" */
	int		 live, ready, updated, terminating;
	int		 max_restarts;
	bool		 backoff;
	int		 exit_code;
};

/* Count one pod. */
static int
count_pod(json_t *pod, void *arg)
{
	struct counts	*k = arg;
	const char	*app = json_path_str(pod, "metadata.labels.app");
	json_t		*cs;

	if (app == NULL || strcmp(app, k->app) != 0)
		return 0;
	if (ctl_pod_terminating(pod)) {
		k->terminating++;
		return 0;
	}
	k->live++;
	if (ctl_pod_ready(pod))
		k->ready++;
	if (k->image != NULL && strcmp(json_path_str(json_array_get(json_object_get(json_object_get(
	    pod, "spec"), "containers"), 0), "image"), k->image) == 0)
		k->updated++;
	cs = json_array_get(json_object_get(json_object_get(pod, "status"),
	    "containerStatuses"), 0);
	if (json_path_int(cs, "restartCount", 0) > k->max_restarts)
		k->max_restarts = (int)json_path_int(cs, "restartCount", 0);
	if (json_path_str(cs, "state.waiting.reason") != NULL &&
	    strcmp(json_path_str(cs, "state.waiting.reason"), "CrashLoopBackOff") == 0)
		k->backoff = true;
	if (json_is_integer(json_object_get(json_object_get(json_object_get(cs, "lastState"),
	    "terminated"), "exitCode")))
		k->exit_code = (int)json_path_int(cs, "lastState.terminated.exitCode", -1);
	return 0;
}

/* Count the pods of app. */
static struct counts
count(struct sim_cluster *c, const char *app, const char *image)
{
	struct counts	k;

	memset(&k, 0, sizeof k);
	k.app = app;
	k.image = image;
	k.exit_code = -1;
	sim_obj_foreach(c, kind_find_api("", "pods"), NULL, count_pod, &k);
	return k;
}

/* Tick until pods of app are all ready at n replicas of image. */
static void
settle(struct sim *sim, struct sim_cluster *c, const char *app, const char *image, int n)
{
	struct counts	k;
	int		i;

	for (i = 0; i < MAX_TICKS; i++) {
		sim_tick(sim, 0.25);
		k = count(c, app, image);
		if (k.live == n && k.ready == n && k.updated == n)
			return;
	}
	fail_msg("%s did not settle at %d ready (live %d ready %d updated %d)", app, n,
	    k.live, k.ready, k.updated);
}

/* Set the first container's image of a deployment. */
static void
set_image(struct sim_cluster *c, const char *name, const char *image)
{
	const struct kind		*res = kind_find_api("apps", "deployments");
	json_t				*d = sim_obj_get(c, res, "default", name);

	assert_non_null(d);
	json_object_set_new(json_array_get(json_object_get(json_object_get(json_object_get(
	    json_object_get(d, "spec"), "template"), "spec"), "containers"), 0), "image",
	    json_string(image));
	sim_obj_modified(c, res, d, true);
}

/* Roll a deployment and check the surge/unavailability bounds every tick. */
static void
roll_within_bounds(const char *surge, const char *unavail, int replicas, int max_total,
    int min_ready)
{
	struct sim_cluster	*c;
	struct sim		*sim = estate(&c);
	struct counts		 k;
	int			 i, peak = 0, low = 1000;
	json_t			*d;

	create(c, "apps", "deployments", "default", deployment("web", replicas, "web:1", surge,
	    unavail));
	settle(sim, c, "web", "web:1", replicas);
	set_image(c, "web", "web:2");
	for (i = 0; i < MAX_TICKS; i++) {
		sim_tick(sim, 0.25);
		k = count(c, "web", "web:2");
		if (k.live > peak)
			peak = k.live;
		if (k.ready < low)
			low = k.ready;
		assert_true(k.live <= max_total);
		assert_true(k.ready >= min_ready);
		if (k.updated == replicas && k.ready == replicas && k.live == replicas)
			break;
	}
	assert_int_equal(k.updated, replicas);
	/* The rollout used its surge budget (or its unavailability budget). */
	assert_true(peak > replicas || low < replicas);
	d = sim_obj_get(c, kind_find_api("apps", "deployments"), "default", "web");
	for (i = 0; i < 40; i++)
		sim_tick(sim, 0.25);
	assert_int_equal(json_path_int(d, "status.updatedReplicas", -1), replicas);
	assert_int_equal(json_path_int(d, "status.availableReplicas", -1), replicas);
	assert_int_equal(json_path_int(d, "status.observedGeneration", -1),
	    json_path_int(d, "metadata.generation", -2));
	assert_string_equal(json_string_value(json_object_get(json_object_get(json_object_get(d,
	    "metadata"), "annotations"), "deployment.kubernetes.io/revision")), "2");
	sim_free(sim);
}

/* maxSurge 25 %, maxUnavailable 0 on 5 replicas: at most 7 pods (25 % of 5
 * rounds up to 2), never fewer than 5 ready. */
static void
test_rolling_surge_only(void **state)
{
	(void)state;
	roll_within_bounds("25%", "0", 5, 7, 5);
}

/* maxSurge 1, maxUnavailable 25 % on 4 replicas: at most 5 pods, never
 * fewer than 3 ready (25 % of 4 rounds down to 1). */
static void
test_rolling_surge_and_unavailable(void **state)
{
	(void)state;
	roll_within_bounds("1", "25%", 4, 5, 3);
}

/* maxSurge 0, maxUnavailable 50 % on 6 replicas: never more than 6 pods,
 * never fewer than 3 ready. */
static void
test_rolling_unavailable_only(void **state)
{
	(void)state;
	roll_within_bounds("0", "50%", 6, 6, 3);
}

/* Count ReplicaSets of the cluster. */
static int
count_rs(json_t *rs, void *arg)
{
	(void)rs;
	(*(int *)arg)++;
	return 0;
}

/* Is the deployment's Progressing condition at reason? */
static bool
progress_reason(json_t *d, const char *reason)
{
	json_t	*cd;
	size_t	 i;

	json_array_foreach(json_object_get(json_object_get(d, "status"), "conditions"), i, cd) {
		if (strcmp(json_path_str(cd, "type"), "Progressing") == 0)
			return strcmp(json_path_str(cd, "reason"), reason) == 0;
	}
	return false;
}

/* A crash-looping image restarts with CrashLoopBackOff; reverting the
 * template reuses the first ReplicaSet with a bumped revision. */
static void
test_crash_loop_and_rollback(void **state)
{
	struct sim_cluster	*c;
	struct sim		*sim = estate(&c);
	struct scn		*scn = scn_get(sim);
	struct counts		 k;
	const struct kind *rsres = kind_find_api("apps", "replicasets");
	json_t			*d;
	int			 i, nrs = 0;

	(void)state;
	scn->crash_images = xcalloc(1, sizeof *scn->crash_images);
	scn->crash_images[0] = xstrdup("*:*bad*");
	scn->ncrash = 1;
	d = deployment("api", 3, "api:1", "1", "0");
	ctl_set(d, "spec.progressDeadlineSeconds", json_integer(60));
	create(c, "apps", "deployments", "default", d);
	settle(sim, c, "api", "api:1", 3);
	d = sim_obj_get(c, kind_find_api("apps", "deployments"), "default", "api");
	assert_true(progress_reason(d, "NewReplicaSetAvailable"));
	set_image(c, "api", "api:2-bad");
	for (i = 0; i < MAX_TICKS; i++) {
		sim_tick(sim, 0.5);
		k = count(c, "api", "api:2-bad");
		if (k.max_restarts >= 3 && k.backoff)
			break;
	}
	assert_true(k.max_restarts >= 3);
	assert_true(k.backoff);
	assert_int_equal(k.exit_code, 1);
	/* No progress for progressDeadlineSeconds: ProgressDeadlineExceeded. */
	for (i = 0; i < MAX_TICKS && !progress_reason(d, "ProgressDeadlineExceeded"); i++)
		sim_tick(sim, 0.5);
	assert_true(progress_reason(d, "ProgressDeadlineExceeded"));
	/* Old pods stay: maxUnavailable 0 and the new ones never get ready. */
	k = count(c, "api", "api:1");
	assert_int_equal(k.updated, 3);
	assert_int_equal(k.ready, 3);
	assert_int_equal(json_path_int(d, "status.updatedReplicas", -1), 1);
	/* Roll back: same template as revision 1. */
	set_image(c, "api", "api:1");
	settle(sim, c, "api", "api:1", 3);
	for (i = 0; i < 20; i++)
		sim_tick(sim, 0.25);
	/* No third ReplicaSet: the first one was reused. */
	sim_obj_foreach(c, rsres, "default", count_rs, &nrs);
	assert_int_equal(nrs, 2);
	{
		json_t *ann = json_object_get(json_object_get(d, "metadata"), "annotations");

		assert_string_equal(json_string_value(json_object_get(ann,
		    "deployment.kubernetes.io/revision")), "3");
	}
	assert_int_equal(json_path_int(d, "status.updatedReplicas", -1), 3);
	assert_int_equal(json_path_int(d, "status.availableReplicas", -1), 3);
	assert_true(progress_reason(d, "NewReplicaSetAvailable"));
	sim_free(sim);
}

/* An HPA under more load than maxReplicas allows pins at max with
 * ScalingLimited/TooManyReplicas, and scales the target. */
static void
test_hpa_clamps_to_max(void **state)
{
	struct sim_cluster	*c;
	struct sim		*sim = estate(&c);
	json_t			*hpa, *d, *cd;
	size_t			 i;
	int			 t;
	bool			 limited = false;

	(void)state;
	create(c, "apps", "deployments", "default", deployment("api", 3, "api:1", "1", "0"));
	hpa = json_pack("{s:{s:s,s:{s:s}},s:{s:{s:s,s:s,s:s},s:i,s:i,s:[{s:s,s:{s:s,s:{s:s,"
	    "s:i}}}]}}", "metadata", "name", "api-hpa", "annotations", "drill.opsdeck.dev/load",
	    "40", "spec", "scaleTargetRef", "apiVersion", "apps/v1", "kind", "Deployment",
	    "name", "api", "minReplicas", 2, "maxReplicas", 6, "metrics", "type", "Resource",
	    "resource", "name", "cpu", "target", "type", "Utilization", "averageUtilization", 70);
	hpa = create(c, "autoscaling", "horizontalpodautoscalers", "default", hpa);
	d = sim_obj_get(c, kind_find_api("apps", "deployments"), "default", "api");
	for (t = 0; t < MAX_TICKS; t++) {
		sim_tick(sim, 1);
		if (json_path_int(d, "spec.replicas", 0) == 6 &&
		    json_path_int(hpa, "status.currentReplicas", 0) == 6)
			break;
	}
	assert_int_equal(json_path_int(d, "spec.replicas", 0), 6);
	assert_int_equal(json_path_int(hpa, "status.desiredReplicas", 0), 6);
	json_array_foreach(json_object_get(json_object_get(hpa, "status"), "conditions"), i,
	    cd) {
		if (strcmp(json_path_str(cd, "type"), "ScalingLimited") == 0) {
			assert_string_equal(json_path_str(cd, "status"), "True");
			assert_string_equal(json_path_str(cd, "reason"), "TooManyReplicas");
			limited = true;
		}
	}
	assert_true(limited);
	assert_true(json_path_int(json_array_get(json_object_get(json_object_get(hpa, "status"),
	    "currentMetrics"), 0), "resource.current.averageUtilization", 0) > 70);
	sim_free(sim);
}

/* Find the first job (any). */
static int
first_obj(json_t *obj, void *arg)
{
	*(json_t **)arg = obj;
	return 1;
}

/* Has obj a condition type with status True? */
static bool
has_condition(json_t *obj, const char *type)
{
	json_t	*cd;
	size_t	 i;

	json_array_foreach(json_object_get(json_object_get(obj, "status"), "conditions"), i, cd) {
		if (strcmp(json_path_str(cd, "type"), type) == 0 &&
		    strcmp(json_path_str(cd, "status"), "True") == 0)
			return true;
	}
	return false;
}

/* A CronJob creates a Job on schedule (simulated minutes); the Job's pod
 * runs to Succeeded and the Job completes; a failing backup Job fails. */
static void
test_cronjob_to_job(void **state)
{
	struct sim_cluster	*c;
	struct sim		*sim = estate(&c);
	json_t			*cj, *job = NULL, *pod = NULL, *tmpl;
	int			 t;

	(void)state;
	sim->speed = 30;
	tmpl = json_pack("{s:{s:{s:s}},s:{s:[{s:s,s:s}],s:s}}", "metadata", "annotations",
	    "drill.opsdeck.dev/run-seconds", "3", "spec", "containers", "name", "backup",
	    "image", "ops-backup:1", "restartPolicy", "Never");
	cj = json_pack("{s:{s:s,s:{s:s}},s:{s:s,s:{s:{s:i,s:o}}}}", "metadata", "name",
	    "backup", "annotations", "drill.opsdeck.dev/backup", "true", "spec", "schedule",
	    "*/1 * * * *", "jobTemplate", "spec", "backoffLimit", 0, "template", tmpl);
	cj = create(c, "batch", "cronjobs", "default", cj);
	for (t = 0; t < MAX_TICKS && job == NULL; t++) {
		sim_tick(sim, 0.5);
		sim_obj_foreach(c, kind_find_api("batch", "jobs"), "default", first_obj, &job);
	}
	assert_non_null(job);
	assert_non_null(strstr(json_path_str(job, "metadata.name"), "backup-"));
	assert_string_equal(json_path_str(json_array_get(json_object_get(json_object_get(job,
	    "metadata"), "ownerReferences"), 0), "kind"), "CronJob");
	for (t = 0; t < MAX_TICKS && !has_condition(job, "Complete"); t++)
		sim_tick(sim, 0.25);
	assert_true(has_condition(job, "Complete"));
	assert_int_equal(json_path_int(job, "status.succeeded", 0), 1);
	assert_non_null(json_path_str(job, "status.completionTime"));
	sim_obj_foreach(c, kind_find_api("", "pods"), "default", first_obj, &pod);
	assert_non_null(pod);
	assert_string_equal(json_path_str(pod, "status.phase"), "Succeeded");
	for (t = 0; t < MAX_TICKS && json_path_str(cj, "status.lastSuccessfulTime") == NULL; t++)
		sim_tick(sim, 0.25);
	assert_non_null(json_path_str(cj, "status.lastScheduleTime"));
	assert_non_null(json_path_str(cj, "status.lastSuccessfulTime"));
	assert_true(ctl_get(c)->last_good_backup_t > 0);

	/* While backups fail, a manual run fails with BackoffLimitExceeded. */
	ctl_get(c)->backup_fail = true;
	job = json_pack("{s:{s:s,s:{s:s},s:[{s:s,s:s,s:s,s:s,s:b}]},s:O}", "metadata", "name",
	    "backup-manual", "annotations", "cronjob.kubernetes.io/instantiate", "manual",
	    "ownerReferences", "apiVersion", "batch/v1", "kind", "CronJob", "name", "backup",
	    "uid", json_path_str(cj, "metadata.uid"), "controller", 1, "spec",
	    json_object_get(json_object_get(json_object_get(cj, "spec"), "jobTemplate"), "spec"));
	job = create(c, "batch", "jobs", "default", job);
	for (t = 0; t < MAX_TICKS && !has_condition(job, "Failed"); t++)
		sim_tick(sim, 0.1);
	assert_true(has_condition(job, "Failed"));
	assert_int_equal(json_path_int(job, "status.failed", 0), 1);
	sim_free(sim);
}

/* Find a backup created by a schedule. */
static int
scheduled_backup(json_t *b, void *arg)
{
	const char *s = json_string_value(json_object_get(json_object_get(json_object_get(b,
	    "metadata"), "labels"), "velero.io/schedule-name"));

	if (s != NULL && strcmp(s, "hourly") == 0) {
		*(json_t **)arg = b;
		return 1;
	}
	return 0;
}

/* Object timestamps parse with fractions and offsets and format back as
 * whole-second or millisecond UTC; malformed or unset times are -1. */
static void
test_times(void **state)
{
	char	buf[40];

	(void)state;
	/* 2026-11-23T17:45:00Z is 1795455900 unix seconds. */
	assert_true(ctl_parse_time("2026-11-23T17:45:00Z") == 1795455900.0);
	assert_true(ctl_parse_time("2026-11-23T17:45:00.25Z") == 1795455900.25);
	assert_true(ctl_parse_time("2026-11-23T18:45:00+01:00") == 1795455900.0);
	assert_true(ctl_parse_time("2026-11-23T17:15:00.5-00:30") == 1795455900.5);
	assert_true(ctl_parse_time(NULL) == -1);
	assert_true(ctl_parse_time("") == -1);
	assert_true(ctl_parse_time("yesterday") == -1);
	assert_true(ctl_parse_time("2026-11-23T17:45:00") == -1);
	assert_true(ctl_parse_time("2026-11-23T17:45:00Zjunk") == -1);
	assert_true(ctl_parse_time("0001-01-01T00:00:00Z") == -1);
	ctl_rfc3339(1795455900.9, buf, sizeof buf);
	assert_string_equal(buf, "2026-11-23T17:45:00Z");
	ctl_rfc3339(951782400, buf, sizeof buf);
	assert_string_equal(buf, "2000-02-29T00:00:00Z");
	ctl_rfc3339_ms(1795455900.25, buf, sizeof buf);
	assert_string_equal(buf, "2026-11-23T17:45:00.250Z");
}

/* A Velero Schedule creates SCHEDULE-YYYYMMDDhhmmss Backups that complete;
 * a client's Backup and a Restore complete too. */
static void
test_schedule_to_backup(void **state)
{
	struct sim_cluster	*c;
	struct sim		*sim = estate(&c);
	json_t			*sched, *b = NULL, *own, *rst;
	const char		*name, *p;
	int			 t;

	(void)state;
	sim->speed = 30;
	sched = json_pack("{s:{s:s},s:{s:s,s:{s:s,s:[s]}}}", "metadata", "name", "hourly",
	    "spec", "schedule", "*/1 * * * *", "template", "ttl", "2h0m0s",
	    "includedNamespaces", "production");
	sched = create(c, "velero.io", "schedules", "velero", sched);
	own = create(c, "velero.io", "backups", "velero", json_pack("{s:{s:s},s:{}}",
	    "metadata", "name", "manual-1", "spec"));
	for (t = 0; t < MAX_TICKS && b == NULL; t++) {
		sim_tick(sim, 0.5);
		sim_obj_foreach(c, kind_find_api("velero.io", "backups"), "velero",
		    scheduled_backup, &b);
	}
	assert_non_null(b);
	name = json_path_str(b, "metadata.name");
	assert_true(strncmp(name, "hourly-", 7) == 0);
	assert_int_equal(strlen(name), strlen("hourly-") + 14);
	for (p = name + 7; *p != '\0'; p++)
		assert_true(*p >= '0' && *p <= '9');
	for (t = 0; t < MAX_TICKS; t++) {
		sim_tick(sim, 0.25);
		if (json_path_str(b, "status.phase") != NULL &&
		    strcmp(json_path_str(b, "status.phase"), "Completed") == 0)
			break;
	}
	assert_string_equal(json_path_str(b, "status.phase"), "Completed");
	assert_non_null(json_path_str(b, "status.startTimestamp"));
	assert_non_null(json_path_str(b, "status.completionTimestamp"));
	assert_true(ctl_parse_time(json_path_str(b, "status.expiration")) -
	    ctl_parse_time(json_path_str(b, "status.startTimestamp")) > 7000);
	assert_int_equal(json_path_int(b, "status.progress.itemsBackedUp", -1),
	    json_path_int(b, "status.progress.totalItems", -2));
	assert_string_equal(json_path_str(own, "status.phase"), "Completed");
	assert_non_null(json_path_str(sched, "status.lastBackup"));
	assert_string_equal(json_path_str(sched, "status.phase"), "Enabled");
	rst = create(c, "velero.io", "restores", "velero", json_pack("{s:{s:s},s:{s:s}}",
	    "metadata", "name", "restore-1", "spec", "backupName", "manual-1"));
	for (t = 0; t < MAX_TICKS; t++) {
		sim_tick(sim, 0.25);
		if (json_path_str(rst, "status.phase") != NULL &&
		    strcmp(json_path_str(rst, "status.phase"), "Completed") == 0)
			break;
	}
	assert_string_equal(json_path_str(rst, "status.phase"), "Completed");
	sim_free(sim);
}

/* Look for an event with a reason. */
struct ev_find {
	const char	*reason;
	json_t		*found;
};

/* Match one event. */
static int
ev_match(json_t *ev, void *arg)
{
	struct ev_find	*f = arg;

	if (strcmp(json_path_str(ev, "reason"), f->reason) == 0) {
		f->found = ev;
		return 1;
	}
	return 0;
}

/* Controllers emit events; a pod's log has lines and carries echoed text. */
static void
test_events_and_logs(void **state)
{
	struct sim_cluster	*c;
	struct sim		*sim = estate(&c);
	struct ev_find		 f = { "ScalingReplicaSet", NULL };
	json_t			*pod = NULL, *ann;
	char			*text;
	size_t			 next, next2;
	int			 t;

	(void)state;
	create(c, "apps", "deployments", "default", deployment("api", 2, "api:1", "1", "0"));
	settle(sim, c, "api", "api:1", 2);
	sim_obj_foreach(c, kind_find_api("", "events"), "default", ev_match, &f);
	assert_non_null(f.found);
	assert_string_equal(json_path_str(f.found, "involvedObject.kind"), "Deployment");
	assert_string_equal(json_path_str(f.found, "type"), "Normal");
	assert_non_null(strstr(json_path_str(f.found, "message"), "Scaled up replica set api-"));
	f.reason = "Scheduled";
	f.found = NULL;
	sim_obj_foreach(c, kind_find_api("", "events"), "default", ev_match, &f);
	assert_non_null(f.found);
	for (t = 0; t < 40; t++)
		sim_tick(sim, 0.25);
	sim_obj_foreach(c, kind_find_api("", "pods"), "default", first_obj, &pod);
	assert_non_null(pod);
	text = sim_pod_log(c, pod, NULL, false, 0, &next);
	assert_true(next > 4);
	assert_non_null(strstr(text, "Nest application successfully started"));
	assert_non_null(strstr(text, "[HTTP]"));
	free(text);
	/* Echo annotation text arrives as a log line after next. */
	ann = json_object_get(json_object_get(pod, "metadata"), "annotations");
	if (!json_is_object(ann)) {
		ann = json_object();
		ctl_set(pod, "metadata.annotations", ann);
	}
	json_object_set_new(ann, "drill.opsdeck.dev/echo", json_string("\x1b[31mHOSTILE\x07"));
	sim_obj_modified(c, kind_find_api("", "pods"), pod, false);
	sim_tick(sim, 0.1);
	text = sim_pod_log(c, pod, NULL, false, next, &next2);
	assert_true(next2 > next);
	assert_non_null(strstr(text, "\x1b[31mHOSTILE\x07\n"));
	free(text);
	sim_free(sim);
}

/* Call the proxy and return the parsed JSON body (new). */
static json_t *
proxy(struct sim_cluster *c, const char *svc, const char *method, const char *path,
    const char *query, const char *body, int want)
{
	char		*out = NULL;
	const char	*ct = NULL;
	json_t		*v;
	json_error_t	 err;
	int		 code;

	code = sim_proxy(c, "monitoring", svc, method, path, query, body,
	    body != NULL ? strlen(body) : 0, &out, &ct);
	if (code != want)
		fail_msg("%s %s: %d (want %d): %s", method, path, code, want, out);
	v = json_loads(out, JSON_DECODE_ANY, &err);
	free(out);
	return v;
}

/* A rule fires after `for`; a silence suppresses it; expiring the silence
 * makes it active again; Prometheus answers ALERTS and the metric. */
static void
test_alertmanager_silence(void **state)
{
	struct sim_cluster	*c;
	struct sim		*sim = estate(&c);
	struct scn		*scn = scn_get(sim);
	json_t			*alerts, *a, *sil, *q;
	char			*body, ends[40];
	const char		*id;
	int			 t;

	(void)state;
	scn->rules = xcalloc(1, sizeof *scn->rules);
	scn->nrules = 1;
	scn->rules[0].name = xstrdup("BackupStale");
	scn->rules[0].severity = xstrdup("warning");
	scn->rules[0].expr = xstrdup("backup_age_seconds > 3600");
	scn->rules[0].for_s = 5;
	scn->rules[0].labels = json_pack("{s:s}", "team", "platform");
	scn->rules[0].annotations = json_pack("{s:s}", "summary", "stale on {{ $labels.cluster }}");
	ctl_get(c)->last_good_backup_t = -7200;
	sim_tick(sim, 1);
	alerts = proxy(c, "alertmanager", "GET", "/api/v2/alerts", "", NULL, 200);
	assert_int_equal(json_array_size(alerts), 0);	/* pending, not yet firing */
	json_decref(alerts);
	for (t = 0; t < 10; t++)
		sim_tick(sim, 1);
	alerts = proxy(c, "alertmanager", "GET", "/api/v2/alerts",
	    "filter=alertname%3D%22BackupStale%22", NULL, 200);
	assert_int_equal(json_array_size(alerts), 1);
	a = json_array_get(alerts, 0);
	assert_string_equal(json_path_str(a, "status.state"), "active");
	assert_string_equal(json_path_str(a, "labels.cluster"), "test");
	assert_string_equal(json_path_str(a, "annotations.summary"), "stale on test");
	assert_int_equal(strlen(json_path_str(a, "fingerprint")), 16);
	assert_string_equal(json_path_str(json_array_get(json_object_get(a, "receivers"), 0), "name"),
	    "team-platform");
	json_decref(alerts);

	ctl_rfc3339(sim_wallclock() + 3600, ends, sizeof ends);
	body = xasprintf("{\"matchers\":[{\"name\":\"alertname\",\"value\":\"Backup.*\","
	    "\"isRegex\":true}],\"endsAt\":\"%s\",\"createdBy\":\"test\",\"comment\":\"known\"}",
	    ends);
	sil = proxy(c, "alertmanager", "POST", "/api/v2/silences", "", body, 200);
	free(body);
	id = json_path_str(sil, "silenceID");
	assert_non_null(id);
	assert_int_equal(strlen(id), 36);
	alerts = proxy(c, "alertmanager", "GET", "/api/v2/alerts", "", NULL, 200);
	a = json_array_get(alerts, 0);
	assert_string_equal(json_path_str(a, "status.state"), "suppressed");
	assert_string_equal(json_string_value(json_array_get(json_object_get(json_object_get(a,
	    "status"), "silencedBy"), 0)), id);
	json_decref(alerts);
	alerts = proxy(c, "alertmanager", "GET", "/api/v2/alerts", "silenced=false", NULL, 200);
	assert_int_equal(json_array_size(alerts), 0);
	json_decref(alerts);
	/* Expire it. */
	body = xasprintf("/api/v2/silence/%s", id);
	json_decref(proxy(c, "alertmanager", "DELETE", body, "", NULL, 200));
	q = proxy(c, "alertmanager", "GET", body, "", NULL, 200);
	assert_string_equal(json_path_str(q, "status.state"), "expired");
	json_decref(q);
	free(body);
	alerts = proxy(c, "alertmanager", "GET", "/api/v2/alerts", "", NULL, 200);
	assert_string_equal(json_path_str(json_array_get(alerts, 0), "status.state"), "active");
	json_decref(alerts);
	json_decref(sil);
	/* Bad silences are refused. */
	json_decref(proxy(c, "alertmanager", "POST", "/api/v2/silences", "",
	    "{\"matchers\":[],\"endsAt\":\"2099-01-01T00:00:00Z\",\"createdBy\":\"x\","
	    "\"comment\":\"y\"}", 400));
	/* Prometheus. */
	q = proxy(c, "prometheus", "GET", "/api/v1/query", "query=ALERTS", NULL, 200);
	assert_string_equal(json_path_str(q, "status"), "success");
	assert_string_equal(json_path_str(json_array_get(json_object_get(json_object_get(q, "data"),
	    "result"), 0), "metric.alertstate"), "firing");
	json_decref(q);
	q = proxy(c, "prometheus", "GET", "/api/v1/query", "query=backup_age_seconds", NULL, 200);
	assert_true(atof(json_string_value(json_array_get(json_object_get(json_array_get(
	    json_object_get(json_object_get(q, "data"), "result"), 0), "value"), 1))) > 3600);
	json_decref(q);
	/* A fresh backup resolves the alert. */
	ctl_get(c)->last_good_backup_t = ctl_now(sim);
	sim_tick(sim, 1);
	alerts = proxy(c, "alertmanager", "GET", "/api/v2/alerts", "", NULL, 200);
	assert_int_equal(json_array_size(alerts), 0);
	json_decref(alerts);
	sim_free(sim);
}

/* StatefulSets make ordinal pods; DaemonSets one pod per node. */
static void
test_statefulset_daemonset(void **state)
{
	struct sim_cluster	*c;
	struct sim		*sim = estate(&c);
	json_t			*sts, *ds, *labels = json_pack("{s:s}", "app", "redis");
	json_t			*t;
	int			 i;

	(void)state;
	t = json_pack("{s:{s:O},s:{s:[{s:s,s:s}]}}", "metadata", "labels", labels, "spec",
	    "containers", "name", "redis", "image", "redis:7.2-alpine");
	sts = json_pack("{s:{s:s},s:{s:i,s:{s:O},s:o}}", "metadata", "name", "redis", "spec",
	    "replicas", 3, "selector", "matchLabels", labels, "template", t);
	sts = create(c, "apps", "statefulsets", "default", sts);
	json_decref(labels);
	labels = json_pack("{s:s}", "app", "agent");
	t = json_pack("{s:{s:O},s:{s:[{s:s,s:s}]}}", "metadata", "labels", labels, "spec",
	    "containers", "name", "agent", "image", "fluent-bit:2");
	ds = json_pack("{s:{s:s},s:{s:{s:O},s:o}}", "metadata", "name", "agent", "spec",
	    "selector", "matchLabels", labels, "template", t);
	json_decref(labels);
	ds = create(c, "apps", "daemonsets", "default", ds);
	for (i = 0; i < MAX_TICKS; i++) {
		sim_tick(sim, 0.25);
		if (json_path_int(sts, "status.readyReplicas", 0) == 3 &&
		    json_path_int(ds, "status.numberReady", 0) == 3)
			break;
	}
	assert_int_equal(json_path_int(sts, "status.readyReplicas", 0), 3);
	assert_non_null(sim_obj_get(c, kind_find_api("", "pods"), "default", "redis-0"));
	assert_non_null(sim_obj_get(c, kind_find_api("", "pods"), "default", "redis-2"));
	assert_int_equal(json_path_int(ds, "status.desiredNumberScheduled", 0), 3);
	assert_int_equal(json_path_int(ds, "status.numberReady", 0), 3);
	sim_free(sim);
}

/* Set a top-level status field of a rollout as a status patch would. */
static void
ro_patch(struct sim_cluster *c, json_t *ro, const char *key, json_t *v)
{
	if (v == NULL)
		json_object_del(json_object_get(ro, "status"), key);
	else
		json_object_set_new(json_object_get(ro, "status"), key, v);
	sim_obj_modified(c, kind_find_api("argoproj.io", "rollouts"), ro, false);
}

/* Tick until the rollout's phase is want. */
static void
ro_wait(struct sim *sim, json_t *ro, const char *want)
{
	int	t;

	for (t = 0; t < MAX_TICKS; t++) {
		sim_tick(sim, 0.25);
		if (json_path_str(ro, "status.phase") != NULL &&
		    strcmp(json_path_str(ro, "status.phase"), want) == 0)
			return;
	}
	fail_msg("rollout phase %s, want %s", json_path_str(ro, "status.phase"), want);
}

/* Argo Rollout canary: setWeight scales the canary, pause waits for a
 * promote, a timed pause passes by itself, abort and retry. */
static void
test_rollout_canary(void **state)
{
	struct sim_cluster	*c;
	struct sim		*sim = estate(&c);
	json_t			*ro, *t, *labels = json_pack("{s:s,s:s}", "tier", "fe",
				    "app", "quiz");
	struct counts		 k;
	char			*first;

	(void)state;
	t = json_pack("{s:{s:O},s:{s:[{s:s,s:s}]}}", "metadata", "labels", labels, "spec",
	    "containers", "name", "quiz", "image", "quiz:1");
	ro = json_pack("{s:{s:s},s:{s:i,s:{s:O},s:o,s:{s:{s:[{s:i},{s:{}},{s:i},{s:{s:s}}]}}}}",
	    "metadata", "name", "quiz", "spec", "replicas", 4, "selector", "matchLabels", labels,
	    "template", t, "strategy", "canary", "steps", "setWeight", 25, "pause", "setWeight",
	    50, "pause", "duration", "10s");
	json_decref(labels);
	ro = create(c, "argoproj.io", "rollouts", "default", ro);
	ro_wait(sim, ro, "Healthy");
	/* The selector as Kubernetes formats label sets: sorted by key. */
	assert_string_equal(json_path_str(ro, "status.selector"), "app=quiz,tier=fe");
	first = xstrdup(json_path_str(ro, "status.stableRS"));
	assert_string_equal(first, json_path_str(ro, "status.currentPodHash"));
	/* New template: canary at 25 % (1 of 4), paused at step 1. */
	json_object_set_new(json_array_get(json_object_get(json_object_get(json_object_get(
	    json_object_get(ro, "spec"), "template"), "spec"), "containers"), 0), "image",
	    json_string("quiz:2"));
	sim_obj_modified(c, kind_find_api("argoproj.io", "rollouts"), ro, true);
	ro_wait(sim, ro, "Paused");
	assert_int_equal(json_path_int(ro, "status.currentStepIndex", -1), 1);
	assert_string_equal(json_path_str(ro, "status.stableRS"), first);
	assert_int_equal(json_path_int(ro, "status.canary.weights.canary.weight", -1), 25);
	assert_string_equal(json_path_str(json_array_get(json_object_get(json_object_get(ro, "status"),
	    "pauseConditions"), 0), "reason"), "CanaryPauseStep");
	k = count(c, "quiz", "quiz:2");
	assert_int_equal(k.updated, 1);
	/* Abort: canary to 0, Degraded; retry: back to the first pause. */
	ro_patch(c, ro, "abort", json_true());
	ro_wait(sim, ro, "Degraded");
	settle(sim, c, "quiz", "quiz:1", 4);
	assert_non_null(strstr(json_path_str(ro, "status.message"), "RolloutAborted"));
	ro_patch(c, ro, "abort", json_false());
	ro_wait(sim, ro, "Paused");
	assert_int_equal(json_path_int(ro, "status.currentStepIndex", -1), 1);
	/* Promote: clear the pause, next step; the timed pause passes; healthy. */
	ro_patch(c, ro, "pauseConditions", NULL);
	ro_patch(c, ro, "currentStepIndex", json_integer(2));
	ro_wait(sim, ro, "Paused");
	assert_int_equal(json_path_int(ro, "status.currentStepIndex", -1), 3);
	assert_int_equal(json_path_int(ro, "status.canary.weights.canary.weight", -1), 50);
	ro_wait(sim, ro, "Healthy");
	assert_string_not_equal(json_path_str(ro, "status.stableRS"), first);
	assert_string_equal(json_path_str(ro, "status.stableRS"), json_path_str(ro, "status.currentPodHash"));
	settle(sim, c, "quiz", "quiz:2", 4);
	free(first);
	sim_free(sim);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rolling_surge_only),
		cmocka_unit_test(test_rolling_surge_and_unavailable),
		cmocka_unit_test(test_rolling_unavailable_only),
		cmocka_unit_test(test_crash_loop_and_rollback),
		cmocka_unit_test(test_hpa_clamps_to_max),
		cmocka_unit_test(test_cronjob_to_job),
		cmocka_unit_test(test_times),
		cmocka_unit_test(test_schedule_to_backup),
		cmocka_unit_test(test_events_and_logs),
		cmocka_unit_test(test_alertmanager_silence),
		cmocka_unit_test(test_statefulset_daemonset),
		cmocka_unit_test(test_rollout_canary),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
