/* Pods: creation from templates, scheduling onto nodes, the container
 * lifecycle (ContainerCreating, Running, ready after a delay, crash loops
 * with back-off, jobs running to completion) and the simulated logs. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "opsdeck/json_util.h"
#include "opsdeck/sim.h"
#include "opsdeck/sim_ctl.h"
#include "opsdeck/xmalloc.h"

/* Lines kept per container instance. */
#define LOG_CAP		2000
/* Simulated seconds a crash-looping container runs before exiting. */
#define CRASH_AFTER	3.0
/* Simulated seconds from creation to a started container. */
#define START_AFTER	1.0
/* Simulated seconds between access-log lines. */
#define LOG_EVERY	1.5

/* Append a line (taken) to a ring. */
static void
log_push(struct ctl_log *l, char *line)
{
	size_t	slot;

	if (l->lines == NULL) {
		l->cap = LOG_CAP;
		l->lines = xcalloc(l->cap, sizeof *l->lines);
	}
	slot = l->n % l->cap;
	free(l->lines[slot]);
	l->lines[slot] = line;
	l->n++;
	if (l->n - l->first > l->cap)
		l->first = l->n - l->cap;
}

/* A deterministic 64-bit mix. */
static uint64_t
mix64(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 33;
	x *= 0xc4ceb9fe1a85ec53ULL;
	x ^= x >> 33;
	return x;
}

/* The startup lines of a container instance. */
static void
log_startup(struct ctl_log *l, const char *image, const char *pod, double w)
{
	char	ts[40];

	ctl_rfc3339_ms(w, ts, sizeof ts);
	if (strstr(image, "redis") != NULL) {
		log_push(l, xasprintf("1:C %s # oO0OoO0OoO0Oo Redis is starting oO0OoO0OoO0Oo", ts));
		log_push(l, xasprintf("1:M %s * Running mode=cluster, port=6379.", ts));
		log_push(l, xasprintf("1:M %s * Ready to accept connections tcp", ts));
	} else if (strstr(image, "postgres") != NULL) {
		log_push(l, xasprintf("%s [1] LOG:  starting PostgreSQL 15.5 on x86_64-pc-linux-musl", ts));
		log_push(l, xasprintf("%s [1] LOG:  listening on IPv4 address \"0.0.0.0\", port 5432", ts));
		log_push(l, xasprintf("%s [1] LOG:  database system is ready to accept connections", ts));
	} else if (strstr(image, "fluent-bit") != NULL) {
		log_push(l, xasprintf("[%s] [ info] [fluent bit] version=2.2.0, commit=, pid=1", ts));
		log_push(l, xasprintf("[%s] [ info] [output:cloudwatch_logs:cloudwatch_logs.0] worker #0 started", ts));
	} else if (strstr(image, "frontend") != NULL || strstr(image, "web") != NULL) {
		log_push(l, xasprintf("%s   ▲ Next.js 14.1.0", ts));
		log_push(l, xasprintf("%s   - Local:        http://%s:3000", ts, pod));
		log_push(l, xasprintf("%s  ✓ Ready in 412ms", ts));
	} else {
		log_push(l, xasprintf("%s [Nest] 1  - LOG [NestFactory] Starting Nest application...", ts));
		log_push(l, xasprintf("%s [Nest] 1  - LOG [InstanceLoader] AppModule dependencies initialized", ts));
		log_push(l, xasprintf("%s [Nest] 1  - LOG [RoutesResolver] HealthController {/health}", ts));
		log_push(l, xasprintf("%s [Nest] 1  - LOG [NestApplication] Nest application successfully started", ts));
	}
}

/* One access or activity line k of an instance. */
static char *
log_activity(const char *image, uint64_t seed, uint64_t k, double w, bool db_down)
{
	static const char *paths[] = { "/api/v1/quizzes", "/api/v1/users/me", "/health",
	    "/api/v1/battles", "/api/v1/rankings?limit=20", "/health/ready", "/api/v1/trips" };
	static const char *methods[] = { "GET", "GET", "GET", "POST", "GET", "GET", "PUT" };
	uint64_t	 r = mix64(seed ^ (k * 0x9e3779b97f4a7c15ULL));
	char		 ts[40];
	int		 status, ms, i = (int)(r % 7);

	ctl_rfc3339_ms(w, ts, sizeof ts);
	if (strstr(image, "redis") != NULL)
		return xasprintf("1:M %s * %d changes in 60 seconds. Saving...", ts,
		    (int)(r % 900) + 100);
	if (strstr(image, "postgres") != NULL)
		return xasprintf("%s [%d] LOG:  checkpoint complete: wrote %d buffers", ts,
		    (int)(r % 90) + 60, (int)(r % 400));
	if (strstr(image, "fluent-bit") != NULL)
		return xasprintf("[%s] [ info] [input:tail:tail.0] inotify_fs_add(): inode=%d",
		    ts, (int)(r % 900000));
	if (db_down)
		return xasprintf("%s [Nest] 1  - ERROR [TypeOrmModule] Unable to connect to the "
		    "database. Retrying (%d)... Error: connect ETIMEDOUT 10.0.12.5:5432", ts,
		    (int)(k % 9) + 1);
	status = (r >> 8) % 50 == 0 ? 404 : 200;
	ms = (int)((r >> 16) % 180) + 3;
	return xasprintf("%s [Nest] 1  - LOG [HTTP] %s %s %d %dms - 10.0.%d.%d", ts,
	    methods[i], paths[i], status, ms, (int)((r >> 24) % 250),
	    (int)((r >> 32) % 250) + 1);
}

/* The stack trace a crashing instance prints. */
static void
log_crash(struct ctl_log *l, const char *image, double w)
{
	char	ts[40];

	ctl_rfc3339_ms(w, ts, sizeof ts);
	log_push(l, xasprintf("%s [Nest] 1  - ERROR [ExceptionHandler] Config validation error: "
	    "\"FEATURE_FLAGS_URL\" is required", ts));
	log_push(l, xstrdup("Error: Config validation error: \"FEATURE_FLAGS_URL\" is required"));
	log_push(l, xstrdup("    at ConfigModule.forRoot (/app/node_modules/@nestjs/config/dist/config.module.js:81:23)"));
	log_push(l, xstrdup("    at Object.<anonymous> (/app/dist/app.module.js:27:35)"));
	log_push(l, xstrdup("    at Module._compile (node:internal/modules/cjs/loader:1256:14)"));
	log_push(l, xasprintf("npm ERR! code 1 (image %s)", image));
}

/* Generate an instance's lines up to simulated time until. */
static void
log_fill(struct sim *sim, struct ctl_pod *p, struct ctl_ctr *ct, struct ctl_log *l,
    double start_t, double start_wall, double until, bool crashed, bool db_down)
{
	double		 t, speed = sim->speed > 0 ? sim->speed : 1;
	uint64_t	 k, total;

	if (l->seq == 0) {
		log_startup(l, ct->image, p->name, start_wall);
		l->gen_t = start_t;
		l->seq = 1;
	}
	if (p->kind == PK_JOB) {
		if (!crashed && until - start_t >= p->run_seconds && l->seq == 1) {
			char ts[40];

			ctl_rfc3339_ms(start_wall + p->run_seconds / speed, ts, sizeof ts);
			if (ct->exit_code == 0)
				log_push(l, xasprintf("%s backup: pg_dump, redis-cli --rdb and "
				    "manifests uploaded to s3://quiz-backups/ (%d MiB)", ts,
				    (int)(ct->seed % 900) + 100));
			else
				log_push(l, xasprintf("%s backup: upload failed: AccessDenied: "
				    "s3:PutObject on quiz-backups", ts));
			l->seq = 2;
		}
		l->gen_t = until;
		return;
	}
	if (ct->crash)
		goto crash;
	total = until > start_t + 0.5 ? (uint64_t)((until - start_t - 0.5) / LOG_EVERY) + 1 : 0;
	k = l->seq - 1;
	if (total > k + LOG_CAP)
		k = total - LOG_CAP;
	for (; k < total; k++) {
		t = start_t + 0.5 + (double)k * LOG_EVERY;
		log_push(l, log_activity(ct->image, ct->seed, k, start_wall + (t - start_t) /
		    speed, db_down));
	}
	l->seq = total + 1;
crash:
	if (crashed && l->seq < 1000000) {
		log_crash(l, ct->image, start_wall + CRASH_AFTER / speed);
		l->seq = 1000000;
	}
	l->gen_t = until;
}

/* Bring a container's current log up to now. */
static void
log_materialize(struct sim_cluster *c, struct ctl_pod *p, struct ctl_ctr *ct)
{
	struct sim_ctl	*ctl = ctl_get(c);
	double		 now = ctl_now(c->sim);

	if (ct->state == CS_CREATING)
		return;
	if (ct->state == CS_BACKOFF) {
		/* The newest instance ended in a crash. */
		log_fill(c->sim, p, ct, &ct->log, ct->prev_start_t, ct->prev_start_wall,
		    ct->prev_end_t, true, false);
		return;
	}
	log_fill(c->sim, p, ct, &ct->log, ct->state_t, ct->start_wall, now,
	    false, p->needs_db && ctl->db_down);
}

/* Runtime state for a pod seen for the first time. */
static struct ctl_pod *
pod_state_new(struct sim_cluster *c, json_t *pod)
{
	struct sim_ctl	*ctl = ctl_get(c);
	struct ctl_pod	*p;
	json_t		*ctrs, *ct, *ann;
	const char	*s;
	size_t		 i;
	uint64_t	 r;

	p = xcalloc(1, sizeof *p);
	p->uid = xstrdup(json_path_str(pod, "metadata.uid"));
	p->ns = xstrdup(json_path_str(pod, "metadata.namespace"));
	p->name = xstrdup(json_path_str(pod, "metadata.name"));
	p->created_t = ctl_now(c->sim);
	p->ready_delay = 2;
	p->run_seconds = 4;
	ann = json_object_get(json_object_get(pod, "metadata"), "annotations");
	s = json_string_value(json_object_get(ann, "drill.opsdeck.dev/ready-after"));
	if (s != NULL)
		p->ready_delay = atof(s);
	s = json_string_value(json_object_get(ann, "drill.opsdeck.dev/run-seconds"));
	if (s != NULL)
		p->run_seconds = atof(s);
	s = json_string_value(json_object_get(ann, "drill.opsdeck.dev/fail"));
	p->job_fail = s != NULL && strcmp(s, "true") == 0;
	s = json_string_value(json_object_get(ann, "drill.opsdeck.dev/needs-db"));
	p->needs_db = s != NULL && strcmp(s, "true") == 0;
	s = json_string_value(json_object_get(ann, "drill.opsdeck.dev/database"));
	p->is_db = s != NULL && strcmp(s, "true") == 0;
	s = json_string_value(json_object_get(json_object_get(json_object_get(pod,
	    "metadata"), "labels"), "job-name"));
	if (s != NULL || strcmp(json_path_str(pod, "spec.restartPolicy") ?
	    json_path_str(pod, "spec.restartPolicy") : "Always", "Always") != 0)
		p->kind = PK_JOB;
	ctrs = json_object_get(json_object_get(pod, "spec"), "containers");
	p->nctr = json_array_size(ctrs);
	if (p->nctr == 0)
		p->nctr = 1;
	p->ctr = xcalloc(p->nctr, sizeof *p->ctr);
	for (i = 0; i < p->nctr; i++) {
		ct = json_array_get(ctrs, i);
		s = json_string_value(json_object_get(ct, "name"));
		p->ctr[i].name = xstrdup(s != NULL ? s : "main");
		s = json_string_value(json_object_get(ct, "image"));
		p->ctr[i].image = xstrdup(s != NULL ? s : "busybox");
		p->ctr[i].crash = ctl_image_crashes(c->sim, p->ctr[i].image);
		p->ctr[i].state = CS_CREATING;
		p->ctr[i].state_t = p->created_t;
		if (scn_get(c->sim)->loading && p->kind == PK_SERVICE) {
			/* An estate brought up before serving starts out running. */
			p->ctr[i].state = CS_RUNNING;
			p->ctr[i].state_t = p->created_t - p->ready_delay;
			p->ctr[i].start_wall = sim_wallclock();
		}
		p->ctr[i].last_crash_t = -1e18;
		p->ctr[i].seed = mix64(fnv1a32(p->name) ^ ((uint64_t)i << 40));
		p->ctr[i].exit_code = p->job_fail ? 1 : 0;
	}
	r = ctl_rand(ctl);
	snprintf(p->ip, sizeof p->ip, "10.%u.%u.%u", (unsigned)(r % 200) + 20,
	    (unsigned)((r >> 8) % 256), (unsigned)((r >> 16) % 253) + 1);
	p->next_t = p->created_t;
	p->ready_wall = sim_wallclock();
	return p;
}

/* The IP of a node, or a default. */
static const char *
node_ip(struct sim_ctl *ctl, const char *node)
{
	size_t	i;

	for (i = 0; node != NULL && i < ctl->nnodes; i++) {
		if (strcmp(ctl->nodes[i], node) == 0)
			return ctl->node_ips[i];
	}
	return "10.0.0.10";
}

/* Build a containerStatus entry. */
static json_t *
ctr_status(struct sim *sim, struct ctl_pod *p, struct ctl_ctr *ct, bool ready, double now)
{
	json_t		*st, *state, *last = json_object();
	char		 ts[40], ts2[40], cid[80], *msg;
	double		 backoff;

	snprintf(cid, sizeof cid, "containerd://%016llx%016llx",
	    (unsigned long long)ct->seed, (unsigned long long)mix64(ct->seed +
	    (uint64_t)ct->restarts));
	switch (ct->state) {
	case CS_CREATING:
		state = json_pack("{s:{s:s}}", "waiting", "reason", "ContainerCreating");
		break;
	case CS_RUNNING:
		ctl_rfc3339(ct->start_wall, ts, sizeof ts);
		state = json_pack("{s:{s:s}}", "running", "startedAt", ts);
		break;
	case CS_BACKOFF:
		backoff = fmin(10.0 * pow(2, ct->restarts - 1), 300);
		msg = xasprintf("back-off %.0fs restarting failed container=%s pod=%s_%s(%s)",
		    backoff, ct->name, p->name, p->ns, p->uid);
		state = json_pack("{s:{s:s,s:s}}", "waiting", "reason", "CrashLoopBackOff",
		    "message", msg);
		free(msg);
		break;
	default:
		ctl_rfc3339(ct->start_wall, ts, sizeof ts);
		ctl_rfc3339(p->done_wall, ts2, sizeof ts2);
		state = json_pack("{s:{s:i,s:s,s:s,s:s,s:s}}", "terminated",
		    "exitCode", ct->exit_code, "reason", ct->exit_code == 0 ? "Completed" :
		    "Error", "startedAt", ts, "finishedAt", ts2, "containerID", cid);
		break;
	}
	if (ct->has_prev) {
		ctl_rfc3339(ct->prev_start_wall, ts, sizeof ts);
		ctl_rfc3339(ct->prev_end_wall, ts2, sizeof ts2);
		json_decref(last);
		last = json_pack("{s:{s:i,s:s,s:s,s:s,s:s}}", "terminated", "exitCode",
		    ct->prev_exit, "reason", "Error", "startedAt", ts, "finishedAt", ts2,
		    "containerID", cid);
	}
	st = json_pack("{s:s,s:o,s:o,s:b,s:i,s:s,s:s,s:b}", "name", ct->name, "state", state,
	    "lastState", last, "ready", ready, "restartCount", ct->restarts, "image", ct->image,
	    "imageID", ct->image, "started", ct->state == CS_RUNNING);
	if (ct->state != CS_CREATING)
		json_object_set_new(st, "containerID", json_string(cid));
	(void)sim;
	(void)now;
	return st;
}

/* Advance a pod's containers to now; returns the next interesting time. */
static double
pod_advance(struct sim_cluster *c, json_t *pod, struct ctl_pod *p, double now)
{
	struct sim	*sim = c->sim;
	double		 next = 1e18, w = sim_wallclock(), backoff;
	size_t		 i;
	bool		 quiet = ctl_get(c)->quiet;

	for (i = 0; i < p->nctr; i++) {
		struct ctl_ctr *ct = &p->ctr[i];

		for (;;) {
			if (ct->state == CS_CREATING) {
				if (now < ct->state_t + START_AFTER) {
					next = fmin(next, ct->state_t + START_AFTER);
					break;
				}
				ct->state = CS_RUNNING;
				ct->state_t = now;
				ct->start_wall = w;
				if (!quiet) {
					ctl_event(c, pod, "Normal", "Pulled", "Container image "
					    "\"%s\" already present on machine", ct->image);
					ctl_event(c, pod, "Normal", "Created", "Created container %s",
					    ct->name);
					ctl_event(c, pod, "Normal", "Started", "Started container %s",
					    ct->name);
				}
				continue;
			}
			if (ct->state == CS_RUNNING && p->kind == PK_JOB) {
				if (now < ct->state_t + p->run_seconds) {
					next = fmin(next, ct->state_t + p->run_seconds);
					break;
				}
				log_materialize(c, p, ct);
				ct->state = CS_DONE;
				p->done_wall = w;
				break;
			}
			if (ct->state == CS_RUNNING && ct->crash) {
				if (now < ct->state_t + CRASH_AFTER) {
					next = fmin(next, ct->state_t + CRASH_AFTER);
					break;
				}
				/* The instance exits 1; its log stays the newest. */
				ct->has_prev = true;
				ct->prev_start_t = ct->state_t;
				ct->prev_end_t = now;
				ct->prev_start_wall = ct->start_wall;
				ct->prev_end_wall = w;
				ct->prev_exit = 1;
				ct->restarts++;
				ct->last_crash_t = now;
				ct->state = CS_BACKOFF;
				ct->state_t = now;
				log_fill(sim, p, ct, &ct->log, ct->prev_start_t,
				    ct->prev_start_wall, ct->prev_end_t, true, false);
				ctl_event(c, pod, "Warning", "BackOff",
				    "Back-off restarting failed container %s in pod %s_%s(%s)",
				    ct->name, p->name, p->ns, p->uid);
				continue;
			}
			if (ct->state == CS_BACKOFF) {
				backoff = fmin(10.0 * pow(2, ct->restarts - 1), 300);
				if (now < ct->state_t + backoff) {
					next = fmin(next, ct->state_t + backoff);
					break;
				}
				/* Restart: the crashed instance becomes "previous". */
				ctl_log_clear(&ct->prev);
				ct->prev = ct->log;
				memset(&ct->log, 0, sizeof ct->log);
				ct->state = CS_RUNNING;
				ct->state_t = now;
				ct->start_wall = w;
				if (!quiet)
					ctl_event(c, pod, "Normal", "Pulled", "Container image "
					    "\"%s\" already present on machine", ct->image);
				continue;
			}
			if (ct->state == CS_RUNNING && now < ct->state_t + p->ready_delay)
				next = fmin(next, ct->state_t + p->ready_delay);
			break;
		}
	}
	return next;
}

/* Debug containers (kubectl debug) run once added: their statuses, each
 * started when first seen (kept from the pod's status). */
static void
pod_ephemeral_status(json_t *pod, json_t *st, const char *now)
{
	json_t		*list = json_path(pod, "spec.ephemeralContainers"), *c, *o, *out;
	json_t		*was = json_path(pod, "status.ephemeralContainerStatuses");
	const char	*name, *started;
	size_t		 i, j;

	if (json_array_size(list) == 0)
		return;
	out = json_array();
	json_array_foreach(list, i, c) {
		name = json_path_str(c, "name");
		if (name == NULL)
			continue;
		started = now;
		json_array_foreach(was, j, o) {
			if (json_path_str(o, "name") != NULL &&
			    strcmp(json_path_str(o, "name"), name) == 0 &&
			    json_path_str(o, "state.running.startedAt") != NULL)
				started = json_path_str(o, "state.running.startedAt");
		}
		json_array_append_new(out, json_pack("{s:s,s:s,s:s,s:b,s:i,s:{s:{s:s}},s:{}}",
		    "name", name, "image", json_path_str(c, "image") != NULL ?
		    json_path_str(c, "image") : "", "imageID", "", "ready", 0, "restartCount", 0,
		    "state", "running", "startedAt", started, "lastState"));
	}
	json_object_set_new(st, "ephemeralContainerStatuses", out);
}

/* Compute the pod's status document from its runtime state. */
static json_t *
pod_status(struct sim_cluster *c, json_t *pod, struct ctl_pod *p, double now)
{
	struct sim_ctl	*ctl = ctl_get(c);
	json_t		*st, *cs = json_array(), *conds;
	const char	*node = json_path_str(pod, "spec.nodeName");
	const char	*phase = "Running", *hostip;
	char		 ts[40], tsready[40], *unready = NULL, *tmp;
	bool		 all_ready = true, any_created = false, all_done = true, any_fail = false;
	bool		 node_bad = node != NULL && map_get(ctl->node_down, node) != NULL;
	size_t		 i;

	for (i = 0; i < p->nctr; i++) {
		struct ctl_ctr	*ct = &p->ctr[i];
		bool		 r;

		r = ct->state == CS_RUNNING && !ct->crash && p->kind == PK_SERVICE &&
		    now >= ct->state_t + p->ready_delay && !node_bad &&
		    !(p->needs_db && ctl->db_down) &&
		    !(p->is_db && map_get(ctl->db_bad, p->uid) != NULL);
		if (ct->state != CS_CREATING)
			any_created = true;
		if (ct->state != CS_DONE)
			all_done = false;
		if (ct->state == CS_DONE && ct->exit_code != 0)
			any_fail = true;
		if (!r) {
			all_ready = false;
			tmp = unready;
			unready = xasprintf("%s%s%s", tmp != NULL ? tmp : "", tmp != NULL ?
			    " " : "", ct->name);
			free(tmp);
		}
		json_array_append_new(cs, ctr_status(c->sim, p, &p->ctr[i], r, now));
	}
	if (!any_created)
		phase = "Pending";
	if (all_done && p->nctr > 0) {
		phase = any_fail ? "Failed" : "Succeeded";
		p->done = true;
		p->failed = any_fail;
	}
	if (all_ready != p->was_ready) {
		p->was_ready = all_ready;
		p->ready_wall = sim_wallclock();
	}
	ctl_rfc3339(p->start_wall, ts, sizeof ts);
	ctl_rfc3339(p->ready_wall, tsready, sizeof tsready);
	conds = json_array();
	json_array_append_new(conds, json_pack("{s:s,s:s,s:n,s:s}", "type",
	    "PodReadyToStartContainers", "status", any_created ? "True" : "False",
	    "lastProbeTime", "lastTransitionTime", ts));
	json_array_append_new(conds, json_pack("{s:s,s:s,s:n,s:s}", "type", "Initialized",
	    "status", "True", "lastProbeTime", "lastTransitionTime", ts));
	if (all_ready) {
		json_array_append_new(conds, json_pack("{s:s,s:s,s:n,s:s}", "type", "Ready",
		    "status", "True", "lastProbeTime", "lastTransitionTime", tsready));
		json_array_append_new(conds, json_pack("{s:s,s:s,s:n,s:s}", "type",
		    "ContainersReady", "status", "True", "lastProbeTime",
		    "lastTransitionTime", tsready));
	} else {
		const char	*reason = p->done ? "PodCompleted" : "ContainersNotReady";
		char		*msg = p->done ? xstrdup("") :
				    xasprintf("containers with unready status: [%s]",
				    unready != NULL ? unready : "");

		json_array_append_new(conds, json_pack("{s:s,s:s,s:n,s:s,s:s,s:s}", "type",
		    "Ready", "status", "False", "lastProbeTime", "lastTransitionTime", tsready,
		    "reason", reason, "message", msg));
		json_array_append_new(conds, json_pack("{s:s,s:s,s:n,s:s,s:s,s:s}", "type",
		    "ContainersReady", "status", "False", "lastProbeTime", "lastTransitionTime",
		    tsready, "reason", reason, "message", msg));
		free(msg);
	}
	json_array_append_new(conds, json_pack("{s:s,s:s,s:n,s:s}", "type", "PodScheduled",
	    "status", "True", "lastProbeTime", "lastTransitionTime", ts));
	free(unready);
	hostip = node_ip(ctl, node);
	st = json_pack("{s:s,s:o,s:s,s:[{s:s}],s:s,s:[{s:s}],s:s,s:o,s:s}", "phase", phase,
	    "conditions", conds, "hostIP", hostip, "hostIPs", "ip", hostip, "podIP", p->ip,
	    "podIPs", "ip", p->ip, "startTime", ts, "containerStatuses", cs,
	    "qosClass", "Burstable");
	pod_ephemeral_status(pod, st, ts);
	return st;
}

/* Arguments of the pod pass. */
struct pods_pass {
	struct sim_cluster	*c;
	double			 now;
	double			 min_next;
};

/* Put a pod without a node onto one. */
static void
pod_schedule(struct sim_cluster *c, json_t *pod)
{
	struct sim_ctl	*ctl = ctl_get(c);
	json_t		*spec = json_object_get(pod, "spec");

	if (!json_is_object(spec) || ctl->nnodes == 0)
		return;
	json_object_set_new(spec, "nodeName",
	    json_string(ctl->nodes[ctl->next_node++ % ctl->nnodes]));
	if (!json_is_string(json_object_get(spec, "schedulerName")))
		json_object_set_new(spec, "schedulerName", json_string("default-scheduler"));
}

/* Emit an echo annotation's text into the first container's log. */
static void
pod_echo(struct sim_cluster *c, json_t *pod, struct ctl_pod *p)
{
	const char	*echo, *s, *nl;

	echo = ctl_annotation(pod, "drill.opsdeck.dev/echo");
	if (echo == NULL || (p->echo != NULL && strcmp(p->echo, echo) == 0))
		return;
	free(p->echo);
	p->echo = xstrdup(echo);
	if (p->nctr == 0)
		return;
	log_materialize(c, p, &p->ctr[0]);
	for (s = echo; ; s = nl + 1) {
		nl = strchr(s, '\n');
		log_push(&p->ctr[0].log, nl != NULL ? xstrndup(s, (size_t)(nl - s)) :
		    xstrdup(s));
		if (nl == NULL)
			break;
	}
}

/* Update one pod. */
static int
pods_one(json_t *pod, void *arg)
{
	struct pods_pass		*pp = arg;
	struct sim_cluster		*c = pp->c;
	struct sim_ctl			*ctl = ctl_get(c);
	const struct kind		*res = kind_find_api("", "pods");
	struct ctl_pod			*p;
	const char			*uid = json_path_str(pod, "metadata.uid");

	if (uid == NULL)
		return 0;
	p = map_get(ctl->pods, uid);
	if (p == NULL) {
		p = pod_state_new(c, pod);
		map_put(ctl->pods, uid, p);
		p->start_wall = sim_wallclock();
		if (json_path_str(pod, "spec.nodeName") == NULL) {
			pod_schedule(c, pod);
			if (!ctl->quiet)
				ctl_event(c, pod, "Normal", "Scheduled", "Successfully assigned "
				    "%s/%s to %s", p->ns, p->name, json_path_str(pod, "spec.nodeName") ?
				    json_path_str(pod, "spec.nodeName") : "node");
		}
		p->epoch = ctl->epoch - 1;
	}
	p->seen = ctl->gen;
	pod_echo(c, pod, p);
	if (ctl_pod_terminating(pod)) {
		p->terminating = true;
		return 0;
	}
	/* a debug container just added starts now, not at the next event */
	if (pp->now < p->next_t && p->epoch == ctl->epoch &&
	    json_array_size(json_path(pod, "spec.ephemeralContainers")) ==
	    json_array_size(json_path(pod, "status.ephemeralContainerStatuses")))
		goto out;
	p->epoch = ctl->epoch;
	p->next_t = pod_advance(c, pod, p, pp->now);
	ctl_set_status(c, res, pod, pod_status(c, pod, p, pp->now));
out:
	if (p->next_t < pp->min_next)
		pp->min_next = p->next_t;
	return 0;
}

/* Drop runtime state of pods that are gone. */
static int
pods_sweep(const char *key, void *val, void *arg)
{
	struct ctl_pod	*p = val;
	uint64_t	*gen = arg;

	(void)key;
	if (p->seen == *gen)
		return 0;
	ctl_pod_free(p);
	return 1;
}

/* The pod pass. */
void
ctl_pods_tick(struct sim_cluster *c)
{
	struct sim_ctl		*ctl = ctl_get(c);
	struct pods_pass	 pp = { c, ctl_now(c->sim), 1e18 };

	sim_obj_foreach(c, kind_find_api("", "pods"), NULL, pods_one, &pp);
	ctl->next_due = pp.min_next;
	map_sweep(ctl->pods, pods_sweep, &ctl->gen);
}

/* Create a pod from tmpl owned by owner. */
json_t *
ctl_pod_create(struct sim_cluster *c, json_t *owner, const char *owner_api,
    const char *owner_kind, json_t *tmpl, const char *name, json_t *extra_labels)
{
	const struct kind		*res = kind_find_api("", "pods");
	struct sim_ctl			*ctl = ctl_get(c);
	json_t				*pod, *meta, *labels, *spec, *out = NULL;
	char				*cause = NULL, sfx[6], *nm;
	const char			*k;
	json_t				*v;

	if (ctl->create_budget <= 0)
		return NULL;
	ctl->create_budget--;
	meta = json_object();
	labels = json_deep_copy(json_object_get(json_object_get(tmpl, "metadata"), "labels"));
	if (!json_is_object(labels)) {
		json_decref(labels);
		labels = json_object();
	}
	json_object_foreach(extra_labels, k, v)
		json_object_set(labels, k, v);
	json_object_set_new(meta, "labels", labels);
	v = json_object_get(json_object_get(tmpl, "metadata"), "annotations");
	if (json_is_object(v))
		json_object_set_new(meta, "annotations", json_deep_copy(v));
	if (name != NULL)
		nm = xstrdup(name);
	else {
		ctl_suffix(ctl, sfx);
		nm = xasprintf("%s-%s", json_path_str(owner, "metadata.name"), sfx);
	}
	json_object_set_new(meta, "name", json_string(nm));
	json_object_set_new(meta, "namespace", json_string(json_path_str(owner,
	    "metadata.namespace")));
	json_object_set_new(meta, "ownerReferences", ctl_owner_ref(owner, owner_api,
	    owner_kind));
	spec = json_deep_copy(json_object_get(tmpl, "spec"));
	if (!json_is_object(spec)) {
		json_decref(spec);
		spec = json_pack("{s:[{s:s,s:s}]}", "containers", "name", "main", "image",
		    "busybox");
	}
	if (json_object_get(spec, "restartPolicy") == NULL)
		json_object_set_new(spec, "restartPolicy", json_string("Always"));
	if (json_object_get(spec, "terminationGracePeriodSeconds") == NULL)
		json_object_set_new(spec, "terminationGracePeriodSeconds", json_integer(30));
	if (json_object_get(spec, "dnsPolicy") == NULL)
		json_object_set_new(spec, "dnsPolicy", json_string("ClusterFirst"));
	if (json_object_get(spec, "serviceAccountName") == NULL)
		json_object_set_new(spec, "serviceAccountName", json_string("default"));
	pod = json_pack("{s:o,s:o,s:{s:s,s:s}}", "metadata", meta, "spec", spec, "status",
	    "phase", "Pending", "qosClass", "Burstable");
	if (json_object_get(spec, "nodeName") == NULL)
		pod_schedule(c, pod);
	if (sim_obj_create(c, res, json_path_str(owner, "metadata.namespace"), pod, &out,
	    &cause) != 0) {
		free(cause);
		out = NULL;
	} else if (!ctl->quiet) {
		ctl_event(c, owner, "Normal", "SuccessfulCreate", "Created pod: %s", nm);
		ctl_event(c, out, "Normal", "Scheduled", "Successfully assigned %s/%s to %s",
		    json_path_str(out, "metadata.namespace"), nm, json_path_str(out, "spec.nodeName") ?
		    json_path_str(out, "spec.nodeName") : "node");
	}
	free(nm);
	return out;
}

/* The pod logs (see sim.h). */
char *
sim_pod_log(struct sim_cluster *c, json_t *pod, const char *container, bool previous,
    size_t from, size_t *next)
{
	struct sim_ctl	*ctl = ctl_get(c);
	struct ctl_pod	*p;
	struct ctl_ctr	*ct = NULL;
	struct ctl_log	*l;
	size_t		 i, len = 0, cap = 256;
	char		*out;
	const char	*uid = json_path_str(pod, "metadata.uid");

	*next = from;
	out = xmalloc(cap);
	out[0] = '\0';
	p = uid != NULL ? map_get(ctl->pods, uid) : NULL;
	if (p == NULL || p->nctr == 0)
		return out;
	for (i = 0; i < p->nctr; i++) {
		if (container == NULL || strcmp(p->ctr[i].name, container) == 0) {
			ct = &p->ctr[i];
			break;
		}
	}
	if (ct == NULL)
		return out;
	if (!previous)
		log_materialize(c, p, ct);
	l = previous ? &ct->prev : &ct->log;
	if (previous && ct->state == CS_BACKOFF)
		l = &ct->prev;
	i = from < l->first ? l->first : from;
	for (; i < l->n; i++) {
		const char	*line = l->lines[i % l->cap];
		size_t		 n = strlen(line);

		while (len + n + 2 > cap) {
			cap *= 2;
			out = xrealloc(out, cap);
		}
		memcpy(out + len, line, n);
		len += n;
		out[len++] = '\n';
		out[len] = '\0';
	}
	*next = l->n;
	return out;
}
