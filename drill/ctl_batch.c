/* Batch work: CronJobs create Jobs on their schedule (in simulated time),
 * Jobs run pods to completion or failure, Velero Schedules create Backups,
 * and Backups and Restores progress to Completed (or PartiallyFailed
 * under a fault; a restore of a PartiallyFailed backup too). A successful backup resets the cluster's backup age. */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "opsdeck/duration.h"
#include "opsdeck/json_util.h"
#include "opsdeck/sim.h"
#include "opsdeck/sim_ctl.h"
#include "opsdeck/xmalloc.h"

/* Simulated seconds a Velero backup or restore takes. */
#define VELERO_SECONDS	6.0
/* Backups kept per schedule. */
#define VELERO_KEEP	30

/* A parsed cron schedule: one bit per allowed value. */
struct cron {
	uint64_t	min;
	uint32_t	hour, dom, mon, dow;
	bool		dom_star, dow_star;
};

/* Parse one cron field into a bitmask; -1 if bad. */
static int
cron_field(const char *f, int lo, int hi, uint64_t *mask, bool *star)
{
	char	*copy, *tok, *save = NULL, *slash, *dash;
	int	 a, b, step, v, rc = 0;

	*mask = 0;
	*star = strcmp(f, "*") == 0 || strcmp(f, "?") == 0;
	copy = xstrdup(f);
	for (tok = strtok_r(copy, ",", &save); tok != NULL; tok = strtok_r(NULL, ",", &save)) {
		step = 1;
		slash = strchr(tok, '/');
		if (slash != NULL) {
			*slash = '\0';
			step = atoi(slash + 1);
			if (step <= 0) {
				rc = -1;
				break;
			}
		}
		if (strcmp(tok, "*") == 0 || strcmp(tok, "?") == 0) {
			a = lo;
			b = hi;
		} else {
			if (!isdigit((unsigned char)*tok)) {
				rc = -1;
				break;
			}
			a = atoi(tok);
			dash = strchr(tok, '-');
			b = dash != NULL ? atoi(dash + 1) : (slash != NULL ? hi : a);
		}
		if (a < lo || b > hi || a > b) {
			rc = -1;
			break;
		}
		for (v = a; v <= b; v += step)
			*mask |= 1ULL << v;
	}
	free(copy);
	return rc;
}

/* Parse a five-field schedule or a macro; -1 if bad. */
static int
ctl_cron_parse(const char *s, struct cron *cr)
{
	char		 f[5][64];
	uint64_t	 m;
	bool		 star;
	int		 n;

	if (s == NULL)
		return -1;
	if (strcmp(s, "@hourly") == 0)
		s = "0 * * * *";
	else if (strcmp(s, "@daily") == 0 || strcmp(s, "@midnight") == 0)
		s = "0 0 * * *";
	else if (strcmp(s, "@weekly") == 0)
		s = "0 0 * * 0";
	else if (strcmp(s, "@monthly") == 0)
		s = "0 0 1 * *";
	else if (strcmp(s, "@yearly") == 0 || strcmp(s, "@annually") == 0)
		s = "0 0 1 1 *";
	n = sscanf(s, "%63s %63s %63s %63s %63s", f[0], f[1], f[2], f[3], f[4]);
	if (n != 5)
		return -1;
	if (cron_field(f[0], 0, 59, &cr->min, &star) != 0)
		return -1;
	if (cron_field(f[1], 0, 23, &m, &star) != 0)
		return -1;
	cr->hour = (uint32_t)m;
	if (cron_field(f[2], 1, 31, &m, &cr->dom_star) != 0)
		return -1;
	cr->dom = (uint32_t)m;
	if (cron_field(f[3], 1, 12, &m, &star) != 0)
		return -1;
	cr->mon = (uint32_t)m;
	if (cron_field(f[4], 0, 7, &m, &cr->dow_star) != 0)
		return -1;
	if (m & (1ULL << 7))
		m |= 1;
	cr->dow = (uint32_t)m;
	return 0;
}

/* Is s a valid cron schedule? */
bool
ctl_cron_valid(const char *s)
{
	struct cron	cr;

	return ctl_cron_parse(s, &cr) == 0;
}

/* Does minute (unix minutes, UTC) match? */
static bool
cron_match(const struct cron *cr, long minute)
{
	time_t		t = (time_t)minute * 60;
	struct tm	tm;
	bool		dom, dow;

	gmtime_r(&t, &tm);
	if (!(cr->min & (1ULL << tm.tm_min)) || !(cr->hour & (1U << tm.tm_hour)) ||
	    !(cr->mon & (1U << (tm.tm_mon + 1))))
		return false;
	dom = (cr->dom & (1U << tm.tm_mday)) != 0;
	dow = (cr->dow & (1U << tm.tm_wday)) != 0;
	if (cr->dom_star || cr->dow_star)
		return dom && dow;
	return dom || dow;
}

/* The latest minute in (from, to] matching schedule s, or -1. */
static long
cron_due(const char *s, long from, long to)
{
	struct cron	cr;
	long		m;

	if (ctl_cron_parse(s, &cr) != 0)
		return -1;
	if (to - from > 1440)
		from = to - 1440;
	for (m = to; m > from; m--) {
		if (cron_match(&cr, m))
			return m;
	}
	return -1;
}

/* Is a string annotation "true"? */
static bool
ann_true(json_t *obj, const char *key)
{
	const char	*s;

	s = ctl_annotation(obj, key);
	return s != NULL && strcmp(s, "true") == 0;
}

/* Pass state of the CronJob and Schedule controllers. */
struct cron_pass {
	struct sim_cluster	*c;
	long			 from, to;	/* simulated calendar minutes */
	struct map		*jobs;		/* cronjob uid -> struct ctl_vec of jobs */
};

/* Order jobs oldest first. */
static int
job_age_cmp(const void *a, const void *b)
{
	const char	*ta = json_path_str(*(json_t * const *)a, "metadata.creationTimestamp");
	const char	*tb = json_path_str(*(json_t * const *)b, "metadata.creationTimestamp");
	int		 r = strcmp(ta != NULL ? ta : "", tb != NULL ? tb : "");

	if (r != 0)
		return r;
	return strcmp(json_path_str(*(json_t * const *)a, "metadata.name"),
	    json_path_str(*(json_t * const *)b, "metadata.name"));
}

/* Reconcile one CronJob. */
static int
cron_one(json_t *cj, void *arg)
{
	struct cron_pass		*cp = arg;
	struct sim_cluster		*c = cp->c;
	const struct kind		*res = kind_find_api("batch", "cronjobs");
	const struct kind		*jres = kind_find_api("batch", "jobs");
	struct ctl_vec			*jobs = map_get(cp->jobs, json_path_str(cj, "metadata.uid"));
	json_t				*st, *active, *job, *out = NULL, *jt;
	long				 due;
	char				 ts[40], *name, *cause = NULL, buf[32];
	size_t				 i, nsucc = 0, nfail = 0;
	json_int_t			 keep_s = json_path_int(cj, "spec.successfulJobsHistoryLimit", 3);
	json_int_t			 keep_f = json_path_int(cj, "spec.failedJobsHistoryLimit", 1);
	double				 last_ok = -1;

	st = json_deep_copy(json_object_get(cj, "status"));
	if (!json_is_object(st)) {
		json_decref(st);
		st = json_object();
	}
	due = json_is_true(json_object_get(json_object_get(cj, "spec"), "suspend")) ? -1 :
	    cron_due(json_path_str(cj, "spec.schedule"), cp->from, cp->to);
	if (due >= 0) {
		name = xasprintf("%s-%ld", json_path_str(cj, "metadata.name"), due);
		jt = json_object_get(json_object_get(cj, "spec"), "jobTemplate");
		snprintf(buf, sizeof buf, "%ld", due * 60);
		job = json_pack("{s:{s:s,s:s,s:O?,s:{s:s},s:o},s:O?}", "metadata", "name", name,
		    "namespace", json_path_str(cj, "metadata.namespace"), "labels",
		    json_object_get(json_object_get(jt, "metadata"), "labels"), "annotations",
		    "batch.kubernetes.io/cronjob-scheduled-timestamp", buf, "ownerReferences",
		    ctl_owner_ref(cj, "batch/v1", "CronJob"), "spec", json_object_get(jt, "spec"));
		if (job != NULL && sim_obj_create(c, jres, json_path_str(cj, "metadata.namespace"),
		    job, &out, &cause) == 0) {
			ctl_rfc3339(sim_wallclock(), ts, sizeof ts);
			json_object_set_new(st, "lastScheduleTime", json_string(ts));
			ctl_event(c, cj, "Normal", "SuccessfulCreate", "Created job %s", name);
		} else
			free(cause);
		free(name);
	}
	/* Active jobs, last success and history limits. */
	active = json_array();
	if (jobs != NULL) {
		qsort(jobs->v, jobs->n, sizeof *jobs->v, job_age_cmp);
		for (i = 0; i < jobs->n; i++) {
			job = jobs->v[i];
			if (ctl_cond_true(job, "Complete")) {
				double t = ctl_parse_time(json_path_str(job, "status.completionTime"));

				if (t > last_ok)
					last_ok = t;
				nsucc++;
			} else if (ctl_cond_true(job, "Failed"))
				nfail++;
			else
				json_array_append_new(active, json_pack("{s:s,s:s,s:s,s:s,s:s}",
				    "kind", "Job", "namespace", json_path_str(job, "metadata.namespace"),
				    "name", json_path_str(job, "metadata.name"), "uid",
				    json_path_str(job, "metadata.uid"), "apiVersion", "batch/v1"));
		}
		for (i = 0; i < jobs->n; i++) {
			bool ok;

			job = jobs->v[i];
			ok = ctl_cond_true(job, "Complete");
			if (!ok && !ctl_cond_true(job, "Failed"))
				continue;
			if (ok ? (json_int_t)nsucc <= keep_s : (json_int_t)nfail <= keep_f)
				continue;
			if (ok)
				nsucc--;
			else
				nfail--;
			sim_obj_delete(c, jres, json_path_str(job, "metadata.namespace"),
			    json_path_str(job, "metadata.name"), &cause);
			free(cause);
			cause = NULL;
		}
	}
	if (json_array_size(active) > 0)
		json_object_set_new(st, "active", active);
	else {
		json_decref(active);
		json_object_del(st, "active");
	}
	if (last_ok > 0) {
		ctl_rfc3339(last_ok, ts, sizeof ts);
		json_object_set_new(st, "lastSuccessfulTime", json_string(ts));
	}
	ctl_set_status(c, res, cj, st);
	return 0;
}

/* Create a Velero Backup for schedule sched now. */
static void
velero_from_schedule(struct sim_cluster *c, json_t *sched)
{
	const struct kind		*bres = kind_find_api("velero.io", "backups");
	json_t				*spec, *b;
	char				 stamp[32], *name, *cause = NULL;
	time_t				 now = (time_t)sim_wallclock();
	struct tm			 tm;

	gmtime_r(&now, &tm);
	strftime(stamp, sizeof stamp, "%Y%m%d%H%M%S", &tm);
	name = xasprintf("%s-%s", json_path_str(sched, "metadata.name"), stamp);
	spec = json_deep_copy(json_object_get(json_object_get(sched, "spec"), "template"));
	if (!json_is_object(spec)) {
		json_decref(spec);
		spec = json_object();
	}
	if (json_object_get(spec, "ttl") == NULL)
		json_object_set_new(spec, "ttl", json_string("720h0m0s"));
	if (json_object_get(spec, "storageLocation") == NULL)
		json_object_set_new(spec, "storageLocation", json_string("default"));
	b = json_pack("{s:{s:s,s:s,s:{s:s,s:s}},s:o}", "metadata", "name", name, "namespace",
	    json_path_str(sched, "metadata.namespace"), "labels", "velero.io/schedule-name",
	    json_path_str(sched, "metadata.name"), "velero.io/storage-location", "default",
	    "spec", spec);
	if (sim_obj_create(c, bres, json_path_str(sched, "metadata.namespace"), b, NULL, &cause) != 0)
		free(cause);
	free(name);
}

/* Reconcile one Velero Schedule. */
static int
schedule_one(json_t *sched, void *arg)
{
	struct cron_pass		*cp = arg;
	const struct kind		*res = kind_find_api("velero.io", "schedules");
	json_t				*st;
	char				 ts[40];
	bool				 paused;
	long				 due;

	st = json_deep_copy(json_object_get(sched, "status"));
	if (!json_is_object(st)) {
		json_decref(st);
		st = json_object();
	}
	paused = json_is_true(json_object_get(json_object_get(sched, "spec"), "paused"));
	{
		struct cron cr;

		if (ctl_cron_parse(json_path_str(sched, "spec.schedule"), &cr) != 0) {
			json_object_set_new(st, "phase", json_string("FailedValidation"));
			json_object_set_new(st, "validationErrors", json_pack("[s]",
			    "invalid schedule"));
			ctl_set_status(cp->c, res, sched, st);
			return 0;
		}
	}
	json_object_set_new(st, "phase", json_string("Enabled"));
	due = paused ? -1 : cron_due(json_path_str(sched, "spec.schedule"), cp->from, cp->to);
	if (due >= 0) {
		velero_from_schedule(cp->c, sched);
		ctl_rfc3339(sim_wallclock(), ts, sizeof ts);
		json_object_set_new(st, "lastBackup", json_string(ts));
	}
	ctl_set_status(cp->c, res, sched, st);
	return 0;
}

/* The CronJob and Schedule pass. */
void
ctl_cron_tick(struct sim_cluster *c)
{
	struct sim_ctl	*ctl = ctl_get(c);
	struct cron_pass cp;
	long		 cur;

	cur = (long)floor(((double)c->sim->started + ctl_now(c->sim)) / 60.0);
	if (ctl->cron_last_min < 0)
		ctl->cron_last_min = (double)cur;
	if ((double)cur <= ctl->cron_last_min)
		return;
	cp.c = c;
	cp.from = (long)ctl->cron_last_min;
	cp.to = cur;
	ctl->cron_last_min = (double)cur;
	cp.jobs = ctl_index_by_owner(c, kind_find_api("batch", "jobs"));
	sim_obj_foreach(c, kind_find_api("batch", "cronjobs"), NULL, cron_one, &cp);
	ctl_index_free(cp.jobs);
	sim_obj_foreach(c, kind_find_api("velero.io", "schedules"), NULL, schedule_one, &cp);
}

/* Is job a backup job (its CronJob or itself carries the backup annotation)? */
static bool
job_is_backup(struct sim_cluster *c, json_t *job)
{
	json_t	*refs, *r, *cj;
	size_t	 i;

	if (ann_true(job, "drill.opsdeck.dev/backup"))
		return true;
	refs = json_object_get(json_object_get(job, "metadata"), "ownerReferences");
	json_array_foreach(refs, i, r) {
		const char *kind = json_string_value(json_object_get(r, "kind"));

		if (kind == NULL || strcmp(kind, "CronJob") != 0)
			continue;
		cj = sim_obj_get_uid(c, kind_find_api("batch", "cronjobs"),
		    json_path_str_or(r, "uid", ""));
		if (cj != NULL && ann_true(cj, "drill.opsdeck.dev/backup"))
			return true;
	}
	return false;
}

/* Reconcile one Job. */
static int
job_one(json_t *job, void *arg)
{
	struct sim_cluster		*c = arg;
	struct sim_ctl			*ctl = ctl_get(c);
	const struct kind		*res = kind_find_api("batch", "jobs");
	struct ctl_vec			*pods = ctl_owned(ctl, json_path_str(job, "metadata.uid"));
	json_t				*st, *conds, *tmpl, *extra;
	size_t				 i, active = 0, succ = 0, fail = 0, ready = 0;
	json_int_t			 completions = json_path_int(job, "spec.completions", 1);
	json_int_t			 parallel = json_path_int(job, "spec.parallelism", 1);
	json_int_t			 backoff = json_path_int(job, "spec.backoffLimit", 6);
	char				 ts[40];
	const char			*uid = json_path_str(job, "metadata.uid");

	if (uid == NULL || ctl_cond_true(job, "Complete") || ctl_cond_true(job, "Failed"))
		return 0;
	if (json_is_true(json_object_get(json_object_get(job, "spec"), "suspend")))
		return 0;
	for (i = 0; pods != NULL && i < pods->n; i++) {
		const char *ph = json_path_str(pods->v[i], "status.phase");

		if (ph != NULL && strcmp(ph, "Succeeded") == 0)
			succ++;
		else if (ph != NULL && strcmp(ph, "Failed") == 0)
			fail++;
		else if (!ctl_pod_terminating(pods->v[i])) {
			active++;
			if (ctl_pod_ready(pods->v[i]))
				ready++;
		}
	}
	st = json_deep_copy(json_object_get(job, "status"));
	if (!json_is_object(st)) {
		json_decref(st);
		st = json_object();
	}
	ctl_rfc3339(sim_wallclock(), ts, sizeof ts);
	if (json_object_get(st, "startTime") == NULL)
		json_object_set_new(st, "startTime", json_string(ts));
	conds = json_object_get(st, "conditions");
	if ((json_int_t)succ >= completions) {
		json_object_set_new(st, "completionTime", json_string(ts));
		json_object_set_new(st, "conditions", ctl_condition(conds, "Complete", "True",
		    "", "", false));
		ctl_event(c, job, "Normal", "Completed", "Job completed");
		if (job_is_backup(c, job))
			ctl->last_good_backup_t = ctl_now(c->sim);
		active = 0;
	} else if ((json_int_t)fail > backoff) {
		json_object_set_new(st, "conditions", ctl_condition(conds, "Failed", "True",
		    "BackoffLimitExceeded", "Job has reached the specified backoff limit",
		    false));
		ctl_event(c, job, "Warning", "BackoffLimitExceeded",
		    "Job has reached the specified backoff limit");
		active = 0;
	} else if ((json_int_t)active < parallel && (json_int_t)(succ + active) < completions) {
		tmpl = json_deep_copy(json_object_get(json_object_get(job, "spec"), "template"));
		if (!json_is_object(tmpl)) {
			json_decref(tmpl);
			tmpl = json_object();
		}
		if (job_is_backup(c, job) && ctl->backup_fail) {
			ctl_set_annotation(tmpl, "drill.opsdeck.dev/fail", "true");
		}
		extra = json_pack("{s:s,s:s,s:s,s:s}", "job-name", json_path_str(job, "metadata.name"),
		    "controller-uid", uid, "batch.kubernetes.io/job-name",
		    json_path_str(job, "metadata.name"), "batch.kubernetes.io/controller-uid", uid);
		if (json_object_get(json_object_get(tmpl, "spec"), "restartPolicy") == NULL)
			ctl_set(tmpl, "spec.restartPolicy", json_string("Never"));
		ctl_pod_create(c, job, "batch/v1", "Job", tmpl, NULL, extra);
		json_decref(extra);
		json_decref(tmpl);
		active++;
	}
	json_object_set_new(st, "active", json_integer((json_int_t)active));
	json_object_set_new(st, "succeeded", json_integer((json_int_t)succ));
	json_object_set_new(st, "failed", json_integer((json_int_t)fail));
	json_object_set_new(st, "ready", json_integer((json_int_t)ready));
	json_object_set_new(st, "terminating", json_integer(0));
	if (active == 0)
		json_object_del(st, "active");
	ctl_set_status(c, res, job, st);
	return 0;
}

/* The Job pass. */
void
ctl_job_tick(struct sim_cluster *c)
{
	sim_obj_foreach(c, kind_find_api("batch", "jobs"), NULL, job_one, c);
}

/* Simulated seconds since the Velero object with uid started (first call
 * starts its clock). */
static double
sim_since(struct sim_cluster *c, const char *uid)
{
	struct sim_ctl	*ctl = ctl_get(c);
	double		*t;

	if (uid == NULL)
		return 0;
	t = map_get(ctl->velero, uid);
	if (t == NULL) {
		t = xmalloc(sizeof *t);
		*t = ctl_now(c->sim);
		map_put(ctl->velero, uid, t);
	}
	return ctl_now(c->sim) - *t;
}

/* Forget the clock of a finished Velero object. */
static void
sim_since_done(struct sim_cluster *c, const char *uid)
{
	if (uid != NULL)
		free(map_take(ctl_get(c)->velero, uid));
}

/* A Go duration like 720h0m0s in seconds (0 if bad). */
static double
go_duration(const char *s)
{
	double d;

	return duration_parse(s, &d, NULL) == 0 ? d : 0;
}

/* Progress one Backup. */
static int
backup_one(json_t *b, void *arg)
{
	struct sim_cluster		*c = arg;
	struct sim_ctl			*ctl = ctl_get(c);
	const struct kind		*res = kind_find_api("velero.io", "backups");
	const char			*phase = json_path_str(b, "status.phase");
	json_t				*st;
	char				 ts[40];
	double				 el, ttl;
	int				 total = 180 + (int)(fnv1a32(
					    json_path_str_or(b, "metadata.name", "")) % 300);

	if (phase != NULL && strcmp(phase, "New") != 0 && strcmp(phase, "InProgress") != 0)
		return 0;
	st = json_deep_copy(json_object_get(b, "status"));
	if (!json_is_object(st)) {
		json_decref(st);
		st = json_object();
	}
	ctl_rfc3339(sim_wallclock(), ts, sizeof ts);
	if (phase == NULL || strcmp(phase, "New") == 0) {
		ttl = go_duration(json_path_str(b, "spec.ttl"));
		if (ttl <= 0)
			ttl = 720 * 3600;
		json_object_set_new(st, "phase", json_string("InProgress"));
		json_object_set_new(st, "startTimestamp", json_string(ts));
		json_object_set_new(st, "version", json_integer(1));
		json_object_set_new(st, "formatVersion", json_string("1.1.0"));
		ctl_rfc3339(sim_wallclock() + ttl, ts, sizeof ts);
		json_object_set_new(st, "expiration", json_string(ts));
		json_object_set_new(st, "progress", json_pack("{s:i,s:i}", "totalItems", total,
		    "itemsBackedUp", 0));
		ctl_set_status(c, res, b, st);
		sim_since(c, json_path_str(b, "metadata.uid"));
		return 0;
	}
	el = sim_since(c, json_path_str(b, "metadata.uid"));
	if (el < VELERO_SECONDS) {
		json_object_set_new(st, "progress", json_pack("{s:i,s:i}", "totalItems", total,
		    "itemsBackedUp", (int)(total * el / VELERO_SECONDS)));
		ctl_set_status(c, res, b, st);
		return 0;
	}
	sim_since_done(c, json_path_str(b, "metadata.uid"));
	json_object_set_new(st, "completionTimestamp", json_string(ts));
	json_object_set_new(st, "progress", json_pack("{s:i,s:i}", "totalItems", total,
	    "itemsBackedUp", total));
	if (ctl->velero_fail) {
		json_object_set_new(st, "phase", json_string("PartiallyFailed"));
		json_object_set_new(st, "errors", json_integer(3));
		json_object_set_new(st, "warnings", json_integer(1));
		ctl_event(c, b, "Warning", "BackupPartiallyFailed", "backup %s partially "
		    "failed: 3 errors uploading to the backup storage location",
		    json_path_str(b, "metadata.name"));
	} else {
		json_object_set_new(st, "phase", json_string("Completed"));
		json_object_set_new(st, "warnings", json_integer(0));
		json_object_set_new(st, "errors", json_integer(0));
		ctl->last_good_backup_t = ctl_now(c->sim);
	}
	ctl_set_status(c, res, b, st);
	return 0;
}

/* Progress one Restore. */
static int
restore_one(json_t *r, void *arg)
{
	struct sim_cluster		*c = arg;
	const struct kind		*res = kind_find_api("velero.io", "restores");
	const char			*phase = json_path_str(r, "status.phase"), *bphase;
	json_t				*st, *backup;
	char				 ts[40];

	if (phase != NULL && strcmp(phase, "New") != 0 && strcmp(phase, "InProgress") != 0)
		return 0;
	st = json_deep_copy(json_object_get(r, "status"));
	if (!json_is_object(st)) {
		json_decref(st);
		st = json_object();
	}
	ctl_rfc3339(sim_wallclock(), ts, sizeof ts);
	if (phase == NULL || strcmp(phase, "New") == 0) {
		json_object_set_new(st, "phase", json_string("InProgress"));
		json_object_set_new(st, "startTimestamp", json_string(ts));
		json_object_set_new(st, "progress", json_pack("{s:i,s:i}", "totalItems", 120,
		    "itemsRestored", 0));
		sim_since(c, json_path_str(r, "metadata.uid"));
	} else if (sim_since(c, json_path_str(r, "metadata.uid")) >= VELERO_SECONDS) {
		sim_since_done(c, json_path_str(r, "metadata.uid"));
		json_object_set_new(st, "completionTimestamp", json_string(ts));
		backup = json_path_str(r, "spec.backupName") != NULL ? sim_obj_get(c,
		    kind_find_api("velero.io", "backups"), json_path_str(r, "metadata.namespace"),
		    json_path_str(r, "spec.backupName")) : NULL;
		bphase = json_path_str(backup, "status.phase");
		if (ctl_get(c)->velero_fail ||
		    (bphase != NULL && strcmp(bphase, "PartiallyFailed") == 0)) {
			/* the storage location failing, or a backup with holes:
			 * some items cannot be read back */
			json_object_set_new(st, "phase", json_string("PartiallyFailed"));
			json_object_set_new(st, "progress", json_pack("{s:i,s:i}", "totalItems",
			    120, "itemsRestored", 118));
			json_object_set_new(st, "warnings", json_integer(1));
			json_object_set_new(st, "errors", json_integer(2));
			ctl_event(c, r, "Warning", "RestorePartiallyFailed", "restore %s partially "
			    "failed: 2 errors reading from the backup storage location",
			    json_path_str(r, "metadata.name"));
		} else {
			json_object_set_new(st, "phase", json_string("Completed"));
			json_object_set_new(st, "progress", json_pack("{s:i,s:i}", "totalItems",
			    120, "itemsRestored", 120));
			json_object_set_new(st, "warnings", json_integer(0));
			json_object_set_new(st, "errors", json_integer(0));
		}
	}
	ctl_set_status(c, res, r, st);
	return 0;
}

/* Names of backups of one schedule, for pruning. */
struct prune {
	const char	*sched;
	char		**names;
	size_t		  n;
};

/* Collect backups of a schedule. */
static int
prune_collect(json_t *b, void *arg)
{
	struct prune	*p = arg;
	const char	*s = json_string_value(json_object_get(json_object_get(json_object_get(b,
			    "metadata"), "labels"), "velero.io/schedule-name"));

	if (s == NULL || strcmp(s, p->sched) != 0)
		return 0;
	p->names = xreallocarray(p->names, p->n + 1, sizeof *p->names);
	p->names[p->n++] = xstrdup(json_path_str(b, "metadata.name"));
	return 0;
}

/* Keep at most VELERO_KEEP backups of each schedule. */
static int
prune_schedule(json_t *sched, void *arg)
{
	struct sim_cluster		*c = arg;
	const struct kind		*bres = kind_find_api("velero.io", "backups");
	struct prune			 p = { json_path_str(sched, "metadata.name"), NULL, 0 };
	char				*cause = NULL;
	size_t				 i;

	if (p.sched == NULL)
		return 0;
	sim_obj_foreach(c, bres, json_path_str(sched, "metadata.namespace"), prune_collect, &p);
	/* Names sort by timestamp suffix: oldest first. */
	for (i = 0; i < p.n; i++) {
		if (p.n - i > VELERO_KEEP) {
			sim_obj_delete(c, bres, json_path_str(sched, "metadata.namespace"), p.names[i],
			    &cause);
			free(cause);
			cause = NULL;
		}
		free(p.names[i]);
	}
	free(p.names);
	return 0;
}

/* The Velero pass. */
void
ctl_velero_tick(struct sim_cluster *c)
{
	struct sim_ctl	*ctl = ctl_get(c);

	sim_obj_foreach(c, kind_find_api("velero.io", "backups"), NULL, backup_one, c);
	sim_obj_foreach(c, kind_find_api("velero.io", "restores"), NULL, restore_one, c);
	if (ctl->gen % 32 == 0)
		sim_obj_foreach(c, kind_find_api("velero.io", "schedules"), NULL,
		    prune_schedule, c);
}
