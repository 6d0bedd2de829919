/* The action pipeline's pure builders and JSON getters: no request, no
 * state (see actions_int.h); the API paths and dry-run requests it sends,
 * and the audit name of a command's origin. */

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "opsdeck/actions.h"
#include "opsdeck/kinds.h"
#include "opsdeck/xmalloc.h"

#include "actions_int.h"

/* A string at a path of objects: jstr(o, "spec", "x", NULL). */
const char *
jstr(json_t *o, ...)
{
	va_list ap;
	const char *k;

	va_start(ap, o);
	for (k = va_arg(ap, const char *); k != NULL; k = va_arg(ap, const char *))
		o = json_object_get(o, k);
	va_end(ap);
	return json_string_value(o);
}

/* An integer at a path (def if absent). */
long long
jint(json_t *o, long long def, ...)
{
	va_list ap;
	const char *k;

	va_start(ap, def);
	for (k = va_arg(ap, const char *); k != NULL; k = va_arg(ap, const char *))
		o = json_object_get(o, k);
	va_end(ap);
	return json_is_integer(o) ? json_integer_value(o) : def;
}

/* Compact JSON text of o (new). */
char *
jdump(json_t *o)
{
	char *s = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);

	if (s == NULL)
		fatal("json_dumps");
	return s;
}

/*
 * Pure builders (tested in tests/unit/test_actions.c).
 */

/* Annotations rollout undo keeps from the deployment, not the RS. */
static const char *const undo_skip_annotations[] = {
	"kubectl.kubernetes.io/last-applied-configuration",
	"deployment.kubernetes.io/revision",
	"deployment.kubernetes.io/revision-history",
	"deployment.kubernetes.io/desired-replicas",
	"deployment.kubernetes.io/max-replicas",
	"deprecated.deployment.rollback.to",
};

/* True if key is one of undo_skip_annotations. */
static bool
undo_skipped_key(const char *key)
{
	size_t i;

	for (i = 0; i < sizeof undo_skip_annotations / sizeof undo_skip_annotations[0]; i++) {
		if (strcmp(key, undo_skip_annotations[i]) == 0)
			return true;
	}
	return false;
}

/* The revision annotation of an object as a number, or -1. */
static long
undo_revision(json_t *o)
{
	const char *s = jstr(o, "metadata", "annotations", "deployment.kubernetes.io/revision",
	    NULL);
	char *end;
	long v;

	if (s == NULL || *s == '\0')
		return -1;
	v = strtol(s, &end, 10);
	if (*end != '\0' || v < 0)
		return -1;
	return v;
}

/* A copy of a pod template without the pod-template-hash label. */
static json_t *
undo_template_nohash(json_t *tmpl)
{
	json_t *t = json_deep_copy(tmpl);
	json_t *labels = json_object_get(json_object_get(t, "metadata"), "labels");

	if (json_is_object(labels))
		json_object_del(labels, "pod-template-hash");
	return t;
}

/* Is rs controlled by the object with uid? */
static bool
undo_owned(json_t *rs, const char *uid)
{
	json_t *ref;
	size_t j;

	json_array_foreach(json_object_get(json_object_get(rs, "metadata"),
	    "ownerReferences"), j, ref) {
		if (json_is_true(json_object_get(ref, "controller")) &&
		    jstr(ref, "uid", NULL) != NULL && strcmp(jstr(ref, "uid", NULL), uid) == 0)
			return true;
	}
	return false;
}

json_t *
actions_current_rs(json_t *deploy, json_t *rs_items)
{
	const char *uid = jstr(deploy, "metadata", "uid", NULL);
	json_t *want, *t, *rs, *found = NULL;
	size_t i;

	if (uid == NULL)
		return NULL;
	want = undo_template_nohash(json_object_get(json_object_get(deploy, "spec"),
	    "template"));
	json_array_foreach(rs_items, i, rs) {
		if (found != NULL || !undo_owned(rs, uid))
			continue;
		t = undo_template_nohash(json_object_get(json_object_get(rs, "spec"),
		    "template"));
		if (json_equal(t, want))
			found = rs;
		json_decref(t);
	}
	json_decref(want);
	return found;
}

bool
actions_rs_had_revision(json_t *rs, long revision)
{
	const char *h = jstr(rs, "metadata", "annotations",
	    "deployment.kubernetes.io/revision-history", NULL);
	char *end;
	long v;

	if (undo_revision(rs) == revision)
		return true;
	while (h != NULL && *h != '\0') {
		v = strtol(h, &end, 10);
		if (end == h)
			break;
		if (v == revision)
			return true;
		h = *end == ',' ? end + 1 : end;
	}
	return false;
}

/* "name=image, ..." of a template's containers (new). */
static char *
undo_images(json_t *tmpl)
{
	json_t *cs = json_object_get(json_object_get(tmpl, "spec"), "containers"), *c;
	char *s = xstrdup(""), *n;
	size_t i;

	json_array_foreach(cs, i, c) {
		n = xasprintf("%s%s%s=%s", s, i > 0 ? ", " : "",
		    jstr(c, "name", NULL) != NULL ? jstr(c, "name", NULL) : "?",
		    jstr(c, "image", NULL) != NULL ? jstr(c, "image", NULL) : "?");
		free(s);
		s = n;
	}
	return s;
}

/* kubectl's rollout undo. */
json_t *
actions_undo_patch(json_t *deploy, json_t *rs_items, long revision, char **summary,
    char **skipped, char **cause)
{
	const char *uid = jstr(deploy, "metadata", "uid", NULL), *dname;
	json_t *rs, *found = NULL, *latest = NULL, *previous = NULL;
	json_t *a, *b, *annotations, *patch, *v;
	long latest_rev = -1, previous_rev = -1, rev;
	const char *k;
	char *old_images, *new_images;
	size_t i;

	*summary = NULL;
	*skipped = NULL;
	dname = jstr(deploy, "metadata", "name", NULL);
	if (dname == NULL || uid == NULL) {
		*cause = xstrdup("malformed deployment");
		return NULL;
	}
	json_array_foreach(rs_items, i, rs) {
		if (!undo_owned(rs, uid))
			continue;
		rev = undo_revision(rs);
		if (rev < 0)
			continue;
		if (revision == 0) {
			if (latest_rev < rev) {
				previous_rev = latest_rev;
				previous = latest;
				latest_rev = rev;
				latest = rs;
			} else if (previous_rev < rev) {
				previous_rev = rev;
				previous = rs;
			}
		} else if (rev == revision) {
			found = rs;
			break;
		}
	}
	if (revision > 0 && found == NULL) {
		*cause = xasprintf("unable to find specified revision %ld in history", revision);
		return NULL;
	}
	if (revision == 0) {
		if (previous == NULL) {
			*cause = xasprintf("no rollout history found for deployment \"%s\"", dname);
			return NULL;
		}
		found = previous;
		revision = previous_rev;
	}
	if (json_is_true(json_object_get(json_object_get(deploy, "spec"), "paused"))) {
		*cause = xasprintf("you cannot rollback a paused deployment; resume it first "
		    "with 'resume' and try again");
		return NULL;
	}
	a = undo_template_nohash(json_object_get(json_object_get(found, "spec"), "template"));
	b = undo_template_nohash(json_object_get(json_object_get(deploy, "spec"), "template"));
	if (json_equal(a, b)) {
		*skipped = xasprintf("skipped rollback (current template already matches "
		    "revision %ld)", revision);
		json_decref(a);
		json_decref(b);
		return NULL;
	}
	annotations = json_object();
	json_object_foreach(json_object_get(json_object_get(deploy, "metadata"),
	    "annotations"), k, v) {
		if (undo_skipped_key(k))
			json_object_set(annotations, k, v);
	}
	json_object_foreach(json_object_get(json_object_get(found, "metadata"),
	    "annotations"), k, v) {
		if (!undo_skipped_key(k))
			json_object_set(annotations, k, v);
	}
	old_images = undo_images(b);
	new_images = undo_images(a);
	*summary = xasprintf("rollback to revision %ld: %s → %s", revision, old_images,
	    new_images);
	free(old_images);
	free(new_images);
	json_decref(b);
	patch = json_pack("[{s:s,s:s,s:o},{s:s,s:s,s:o}]",
	    "op", "replace", "path", "/spec/template", "value", a,
	    "op", "replace", "path", "/metadata/annotations", "value", annotations);
	return patch;
}

/* S-YYYYMMDDhhmmss. */
char *
actions_backup_name(const char *schedule, time_t now)
{
	struct tm tm;
	char ts[32];

	gmtime_r(&now, &tm);
	strftime(ts, sizeof ts, "%Y%m%d%H%M%S", &tm);
	return xasprintf("%s-%s", schedule, ts);
}

/* The Backup velero backup create --from-schedule posts. */
json_t *
actions_backup_from_schedule(json_t *schedule, time_t now)
{
	const char *name = jstr(schedule, "metadata", "name", NULL);
	const char *ns = jstr(schedule, "metadata", "namespace", NULL);
	json_t *tmpl = json_object_get(json_object_get(schedule, "spec"), "template");
	char *bname;
	json_t *o;

	if (name == NULL)
		return NULL;
	bname = actions_backup_name(name, now);
	o = json_pack("{s:s,s:s,s:{s:s,s:s,s:{s:s}},s:O}",
	    "apiVersion", "velero.io/v1", "kind", "Backup",
	    "metadata", "name", bname, "namespace", ns != NULL ? ns : "velero",
	    "labels", "velero.io/schedule-name", name,
	    "spec", json_is_object(tmpl) ? tmpl : json_object());
	free(bname);
	return o;
}

/* The Job kubectl create job --from=cronjob/C posts. */
json_t *
actions_job_from_cronjob(json_t *cj, time_t now)
{
	const char *name = jstr(cj, "metadata", "name", NULL);
	const char *ns = jstr(cj, "metadata", "namespace", NULL);
	const char *uid = jstr(cj, "metadata", "uid", NULL);
	json_t *jt = json_object_get(json_object_get(cj, "spec"), "jobTemplate");
	json_t *annotations, *labels, *o, *v;
	const char *k;
	char *jname;

	if (name == NULL || uid == NULL)
		return NULL;
	jname = xasprintf("%.40s-manual-%lld", name, (long long)now);
	annotations = json_object();
	json_object_foreach(json_object_get(json_object_get(jt, "metadata"), "annotations"),
	    k, v)
		json_object_set(annotations, k, v);
	json_object_set_new(annotations, "cronjob.kubernetes.io/instantiate",
	    json_string("manual"));
	labels = json_deep_copy(json_object_get(json_object_get(jt, "metadata"), "labels"));
	if (!json_is_object(labels)) {
		json_decref(labels);
		labels = json_object();
	}
	o = json_pack("{s:s,s:s,s:{s:s,s:s,s:o,s:o,s:[{s:s,s:s,s:s,s:s,s:b,s:b}]},s:O}",
	    "apiVersion", "batch/v1", "kind", "Job",
	    "metadata", "name", jname, "namespace", ns != NULL ? ns : "default",
	    "annotations", annotations, "labels", labels,
	    "ownerReferences", "apiVersion", "batch/v1", "kind", "CronJob", "name", name,
	    "uid", uid, "controller", 1, "blockOwnerDeletion", 1,
	    "spec", json_is_object(json_object_get(jt, "spec")) ?
	    json_object_get(jt, "spec") : json_object());
	free(jname);
	return o;
}

/* Audit name of an origin. */
const char *
actions_origin_name(int origin)
{
	switch (origin) {
	case CMD_FROM_KEY:
		return "key";
	case CMD_FROM_PROMPT:
		return "prompt";
	case CMD_FROM_RUNBOOK:
		return "runbook";
	case CMD_FROM_CLI:
		return "cli";
	}
	return "unknown";
}

/* The path of an object or collection. */
char *
actions_path(const char *resource, const char *ns, const char *name)
{
	const struct kind *r = kind_find(resource);

	if (r == NULL || r->source == KIND_ALERTMANAGER)
		return NULL;
	return kind_path(r, ns, name);
}

/* Path with dryRun=All. */
char *
actions_dry_run_path(const char *path)
{
	return xasprintf("%s%cdryRun=All", path, strchr(path, '?') != NULL ? '&' : '?');
}

char *
actions_dry_run_body(const char *method, const char *body)
{
	json_t *o;
	char *s;

	if (method == NULL || strcmp(method, "DELETE") != 0 || body == NULL || *body == '\0')
		return NULL;
	o = json_loads(body, 0, NULL);
	if (!json_is_object(o)) {
		json_decref(o);
		return NULL;
	}
	json_object_set_new(o, "dryRun", json_pack("[s]", "All"));
	s = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(o);
	return s;
}
