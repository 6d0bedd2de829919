/* describe for pods, and the pod template the controllers' descriptions
 * share: containers, their state, probes, environment and mounts, volumes,
 * tolerations. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "opsdeck/json_util.h"
#include "opsdeck/printers.h"
#include "opsdeck/xmalloc.h"

#include "describe_int.h"

/* ---- pods and pod templates ---- */

static const char *
ports_string(struct dw *w, json_t *ports, bool host)
{
	json_t *p;
	size_t i;
	char *s = xstrdup(""), *t;
	const char *r;

	json_array_foreach(ports, i, p) {
		const char *name = json_string_value(json_object_get(p, "name"));

		t = xasprintf("%s%s%lld/%s%s%s%s", s, i > 0 ? ", " : "",
		    (long long)json_path_int(p, host ? "hostPort" : "containerPort", 0),
		    json_path_str_or(p, "protocol", ""), name != NULL && *name != '\0' ? " (" : "",
		    name != NULL && *name != '\0' ? name : "",
		    name != NULL && *name != '\0' ? ")" : "");
		free(s);
		s = t;
	}
	r = V(w, s);
	free(s);
	return r;
}

/* A Go-style string list: "[a b c]". */
static char *
go_list(json_t *arr)
{
	json_t *v;
	size_t i;
	char *s = xstrdup("["), *t;

	json_array_foreach(arr, i, v) {
		t = xasprintf("%s%s%s", s, i > 0 ? " " : "", json_string_value(v) ?
		    json_string_value(v) : "");
		free(s);
		s = t;
	}
	t = xasprintf("%s]", s);
	free(s);
	return t;
}

static const char *
probe_string(struct dw *w, json_t *pr)
{
	json_t *h;
	char attrs[160], *s, *cmd, *scheme;
	const char *r, *host, *port;

	snprintf(attrs, sizeof attrs, "delay=%llds timeout=%llds period=%llds #success=%lld "
	    "#failure=%lld", (long long)json_path_int(pr, "initialDelaySeconds", 0),
	    (long long)json_path_int(pr, "timeoutSeconds", 0),
	    (long long)json_path_int(pr, "periodSeconds", 0),
	    (long long)json_path_int(pr, "successThreshold", 0),
	    (long long)json_path_int(pr, "failureThreshold", 0));
	if ((h = json_object_get(pr, "exec")) != NULL) {
		cmd = go_list(json_object_get(h, "command"));
		s = xasprintf("exec %s %s", cmd, attrs);
		free(cmd);
	} else if ((h = json_object_get(pr, "httpGet")) != NULL) {
		scheme = xstrdup(json_path_str_or(h, "scheme", ""));
		for (cmd = scheme; *cmd != '\0'; cmd++)
			*cmd = (char)(*cmd >= 'A' && *cmd <= 'Z' ? *cmd - 'A' + 'a' : *cmd);
		host = json_path_str_or(h, "host", "");
		port = intstr(w, json_object_get(h, "port"));
		s = xasprintf("http-get %s%s//%s%s%s%s%s %s", scheme, *scheme != '\0' ? ":" : "",
		    strchr(host, ':') != NULL ? "[" : "", host, strchr(host, ':') != NULL ? "]" : "",
		    *port != '\0' ? ":" : "", port, attrs);
		/* the path goes after the host */
		free(scheme);
		scheme = s;
		s = xasprintf("%.*s%s%s", (int)(strchr(scheme + 9, ' ') - scheme), scheme,
		    json_path_str_or(h, "path", ""), strchr(scheme + 9, ' '));
		free(scheme);
	} else if ((h = json_object_get(pr, "tcpSocket")) != NULL) {
		s = xasprintf("tcp-socket %s:%s %s", json_path_str_or(h, "host", ""),
		    intstr(w, json_object_get(h, "port")), attrs);
	} else if ((h = json_object_get(pr, "grpc")) != NULL) {
		s = xasprintf("grpc <pod>:%lld %s %s", (long long)json_path_int(h, "port", 0),
		    json_path_str_or(h, "service", ""), attrs);
	} else
		s = xasprintf("unknown %s", attrs);
	r = V(w, s);
	free(s);
	return r;
}

/* The value of an env var's fieldRef read from the pod described. */
static const char *
field_ref_value(struct dw *w, const char *path)
{
	static const char *plain[] = { "metadata.name", "metadata.namespace", "metadata.uid",
	    "spec.nodeName", "spec.serviceAccountName", "status.podIP", "status.hostIP" };
	size_t i;

	if (w->pod == NULL || path == NULL)
		return "";
	for (i = 0; i < sizeof plain / sizeof plain[0]; i++) {
		if (strcmp(path, plain[i]) == 0)
			return VS(w, w->pod, path);
	}
	return "";
}

static void
container_state(struct dw *w, const char *title, json_t *st)
{
	json_t *s;

	if ((s = json_object_get(st, "running")) != NULL) {
		W(w, 2, "%s:\tRunning\n", title);
		W(w, 3, "Started:\t%s\n", rfc1123z(w, json_path_str(s, "startedAt")));
	} else if ((s = json_object_get(st, "waiting")) != NULL) {
		W(w, 2, "%s:\tWaiting\n", title);
		if (*json_path_str_or(s, "reason", "") != '\0')
			W(w, 3, "Reason:\t%s\n", VS(w, s, "reason"));
	} else if ((s = json_object_get(st, "terminated")) != NULL) {
		W(w, 2, "%s:\tTerminated\n", title);
		if (*json_path_str_or(s, "reason", "") != '\0')
			W(w, 3, "Reason:\t%s\n", VS(w, s, "reason"));
		if (*json_path_str_or(s, "message", "") != '\0')
			W(w, 3, "Message:\t%s\n", VS(w, s, "message"));
		W(w, 3, "Exit Code:\t%lld\n", (long long)json_path_int(s, "exitCode", 0));
		if (json_path_int(s, "signal", 0) > 0)
			W(w, 3, "Signal:\t%lld\n", (long long)json_path_int(s, "signal", 0));
		W(w, 3, "Started:\t%s\n", rfc1123z(w, json_path_str(s, "startedAt")));
		W(w, 3, "Finished:\t%s\n", rfc1123z(w, json_path_str(s, "finishedAt")));
	} else
		W(w, 2, "%s:\tWaiting\n", title);
}

static void
resources(struct dw *w, json_t *res, int level)
{
	static const char *which[2][2] = { { "limits", "Limits" }, { "requests", "Requests" } };
	const char **keys;
	json_t *m;
	size_t n, i, j;

	for (j = 0; j < 2; j++) {
		m = json_object_get(res, which[j][0]);
		keys = sorted_keys(m, NULL, &n);
		if (n > 0)
			W(w, level, "%s:\n", which[j][1]);
		for (i = 0; i < n; i++)
			W(w, level + 1, "%s:\t%s\n", V(w, keys[i]),
			    quantity(w, json_string_value(json_object_get(m, keys[i]))));
		free(keys);
	}
}

static void
env_vars(struct dw *w, json_t *c)
{
	json_t *env = json_object_get(c, "env"), *e, *from, *r;
	size_t i;
	char *val, *line, *next;

	W(w, 2, "Environment:%s\n", json_array_size(env) == 0 ? "\t<none>" : "");
	json_array_foreach(env, i, e) {
		const char *name = VS(w, e, "name");

		from = json_object_get(e, "valueFrom");
		if (from == NULL) {
			val = xstrdup(json_path_str_or(e, "value", ""));
			for (line = val; line != NULL; line = next) {
				next = strchr(line, '\n');
				if (next != NULL)
					*next++ = '\0';
				if (line == val)
					W(w, 3, "%s:\t%s\n", name, V(w, line));
				else
					W(w, 3, "\t%s\n", V(w, line));
			}
			free(val);
		} else if ((r = json_object_get(from, "fieldRef")) != NULL)
			W(w, 3, "%s:\t%s (%s:%s)\n", name,
			    field_ref_value(w, json_path_str(r, "fieldPath")), VS(w, r, "apiVersion"),
			    VS(w, r, "fieldPath"));
		else if ((r = json_object_get(from, "resourceFieldRef")) != NULL)
			W(w, 3, "%s:\t (%s)\n", name, VS(w, r, "resource"));
		else if ((r = json_object_get(from, "secretKeyRef")) != NULL)
			W(w, 3, "%s:\t<set to the key '%s' in secret '%s'>\tOptional: %s\n", name,
			    VS(w, r, "key"), VS(w, r, "name"),
			    json_path_true(r, "optional") ? "true" : "false");
		else if ((r = json_object_get(from, "configMapKeyRef")) != NULL)
			W(w, 3, "%s:\t<set to the key '%s' of config map '%s'>\tOptional: %s\n", name,
			    VS(w, r, "key"), VS(w, r, "name"),
			    json_path_true(r, "optional") ? "true" : "false");
	}
}

static int
mount_cmp(const void *a, const void *b)
{
	const char *ma = json_path_str_or(*(json_t *const *)a, "mountPath", "");
	const char *mb = json_path_str_or(*(json_t *const *)b, "mountPath", "");

	return strcmp(ma, mb);
}

static void
container_mounts(struct dw *w, json_t *c)
{
	json_t *mounts = json_object_get(c, "volumeMounts"), **sorted, *m;
	size_t n = json_array_size(mounts), i;
	const char *sub;

	W(w, 2, "Mounts:%s\n", n == 0 ? "\t<none>" : "");
	sorted = xcalloc(n + 1, sizeof *sorted);
	for (i = 0; i < n; i++)
		sorted[i] = json_array_get(mounts, i);
	qsort(sorted, n, sizeof *sorted, mount_cmp);
	for (i = 0; i < n; i++) {
		m = sorted[i];
		sub = json_path_str_or(m, "subPath", "");
		W(w, 3, "%s from %s (%s%s%s%s)\n", VS(w, m, "mountPath"), VS(w, m, "name"),
		    json_path_true(m, "readOnly") ? "ro" : "rw", *sub != '\0' ? ",path=\"" : "",
		    V(w, sub), *sub != '\0' ? "\"" : "");
	}
	free(sorted);
}

/* Containers (with their statuses when a pod is described). */
static void
containers(struct dw *w, const char *label, json_t *list, json_t *statuses, const char *space)
{
	json_t *c, *st, *s, *e;
	size_t i, j;
	const char *name, *ports;

	W(w, 0, "%s%s:%s\n", space, label, json_array_size(list) == 0 ? " <none>" : "");
	json_array_foreach(list, i, c) {
		name = json_path_str_or(c, "name", "");
		st = NULL;
		json_array_foreach(statuses, j, s) {
			if (strcmp(json_path_str_or(s, "name", ""), name) == 0) {
				st = s;
				break;
			}
		}
		W(w, 1, "%s%s:\n", *space != '\0' ? " " : "", V(w, name));
		if (st != NULL)
			W(w, 2, "Container ID:\t%s\n", VS(w, st, "containerID"));
		W(w, 2, "Image:\t%s\n", VS(w, c, "image"));
		if (st != NULL)
			W(w, 2, "Image ID:\t%s\n", VS(w, st, "imageID"));
		ports = ports_string(w, json_object_get(c, "ports"), false);
		W(w, 2, "%s:\t%s\n", strchr(ports, ',') != NULL ? "Ports" : "Port",
		    *ports != '\0' ? ports : "<none>");
		ports = ports_string(w, json_object_get(c, "ports"), true);
		W(w, 2, "%s:\t%s\n", strchr(ports, ',') != NULL ? "Host Ports" : "Host Port",
		    *ports != '\0' ? ports : "<none>");
		if (json_array_size(json_object_get(c, "command")) > 0) {
			W(w, 2, "Command:\n");
			json_array_foreach(json_object_get(c, "command"), j, e)
				W(w, 3, "%s\n", V(w, json_string_value(e)));
		}
		if (json_array_size(json_object_get(c, "args")) > 0) {
			W(w, 2, "Args:\n");
			json_array_foreach(json_object_get(c, "args"), j, e)
				W(w, 3, "%s\n", V(w, json_string_value(e)));
		}
		if (st != NULL) {
			container_state(w, "State", json_object_get(st, "state"));
			if (json_path(st, "lastState.terminated") != NULL)
				container_state(w, "Last State", json_object_get(st, "lastState"));
			W(w, 2, "Ready:\t%s\n", json_path_true(st, "ready") ? "True" : "False");
			W(w, 2, "Restart Count:\t%lld\n", (long long)json_path_int(st, "restartCount", 0));
		}
		resources(w, json_object_get(c, "resources"), 2);
		if (json_object_get(c, "livenessProbe") != NULL)
			W(w, 2, "Liveness:\t%s\n", probe_string(w, json_object_get(c, "livenessProbe")));
		if (json_object_get(c, "readinessProbe") != NULL)
			W(w, 2, "Readiness:\t%s\n", probe_string(w, json_object_get(c, "readinessProbe")));
		if (json_object_get(c, "startupProbe") != NULL)
			W(w, 2, "Startup:\t%s\n", probe_string(w, json_object_get(c, "startupProbe")));
		if (json_array_size(json_object_get(c, "envFrom")) > 0) {
			W(w, 2, "Environment Variables from:\n");
			json_array_foreach(json_object_get(c, "envFrom"), j, e) {
				json_t *ref = json_object_get(e, "configMapRef");
				const char *from = "ConfigMap", *prefix = json_path_str_or(e, "prefix", "");

				if (ref == NULL) {
					ref = json_object_get(e, "secretRef");
					from = "Secret";
				}
				if (*prefix == '\0')
					W(w, 3, "%s\t%s\tOptional: %s\n", VS(w, ref, "name"), from,
					    json_path_true(ref, "optional") ? "true" : "false");
				else
					W(w, 3, "%s\t%s with prefix '%s'\tOptional: %s\n",
					    VS(w, ref, "name"), from, V(w, prefix),
					    json_path_true(ref, "optional") ? "true" : "false");
			}
		}
		env_vars(w, c);
		container_mounts(w, c);
	}
}

static void
volumes(struct dw *w, json_t *vols, const char *space)
{
	json_t *v, *s, *src;
	size_t i, j;

	if (json_array_size(vols) == 0) {
		W(w, 0, "%sVolumes:\t<none>\n", space);
		return;
	}
	W(w, 0, "%sVolumes:\n", space);
	json_array_foreach(vols, i, v) {
		W(w, 1, "%s%s:\n", *space != '\0' ? " " : "", VS(w, v, "name"));
		if ((s = json_object_get(v, "hostPath")) != NULL)
			W(w, 2, "Type:\tHostPath (bare host directory volume)\n    Path:\t%s\n"
			    "    HostPathType:\t%s\n", VS(w, s, "path"),
			    V(w, json_path_str_or(s, "type", "<none>")));
		else if ((s = json_object_get(v, "emptyDir")) != NULL)
			W(w, 2, "Type:\tEmptyDir (a temporary directory that shares a pod's lifetime)\n"
			    "    Medium:\t%s\n    SizeLimit:\t%s\n", VS(w, s, "medium"),
			    json_object_get(s, "sizeLimit") != NULL ?
			    quantity(w, json_path_str(s, "sizeLimit")) : "<unset>");
		else if ((s = json_object_get(v, "secret")) != NULL)
			W(w, 2, "Type:\tSecret (a volume populated by a Secret)\n    SecretName:\t%s\n"
			    "    Optional:\t%s\n", VS(w, s, "secretName"),
			    json_path_true(s, "optional") ? "true" : "false");
		else if ((s = json_object_get(v, "configMap")) != NULL)
			W(w, 2, "Type:\tConfigMap (a volume populated by a ConfigMap)\n    Name:\t%s\n"
			    "    Optional:\t%s\n", VS(w, s, "name"),
			    json_path_true(s, "optional") ? "true" : "false");
		else if ((s = json_object_get(v, "persistentVolumeClaim")) != NULL)
			W(w, 2, "Type:\tPersistentVolumeClaim (a reference to a PersistentVolumeClaim "
			    "in the same namespace)\n    ClaimName:\t%s\n    ReadOnly:\t%s\n",
			    VS(w, s, "claimName"), json_path_true(s, "readOnly") ? "true" : "false");
		else if ((s = json_object_get(v, "projected")) != NULL) {
			W(w, 2, "Type:\tProjected (a volume that contains injected data from "
			    "multiple sources)\n");
			json_array_foreach(json_object_get(s, "sources"), j, src) {
				json_t *x;

				if ((x = json_object_get(src, "secret")) != NULL)
					W(w, 2, "SecretName:\t%s\n    Optional:\t%s\n", VS(w, x, "name"),
					    json_path_true(x, "optional") ? "true" : "false");
				else if (json_object_get(src, "downwardAPI") != NULL)
					W(w, 2, "DownwardAPI:\ttrue\n");
				else if ((x = json_object_get(src, "configMap")) != NULL)
					W(w, 2, "ConfigMapName:\t%s\n    Optional:\t%s\n",
					    VS(w, x, "name"),
					    json_path_true(x, "optional") ? "true" : "false");
				else if ((x = json_object_get(src, "serviceAccountToken")) != NULL)
					W(w, 2, "TokenExpirationSeconds:\t%lld\n",
					    (long long)json_path_int(x, "expirationSeconds", 0));
			}
		} else if ((s = json_object_get(v, "downwardAPI")) != NULL) {
			W(w, 2, "Type:\tDownwardAPI (a volume populated by information about the pod)\n"
			    "    Items:\n");
			json_array_foreach(json_object_get(s, "items"), j, src) {
				if (json_object_get(src, "fieldRef") != NULL)
					W(w, 3, "%s -> %s\n", VS(w, src, "fieldRef.fieldPath"),
					    VS(w, src, "path"));
				if (json_object_get(src, "resourceFieldRef") != NULL)
					W(w, 3, "%s -> %s\n", VS(w, src, "resourceFieldRef.resource"),
					    VS(w, src, "path"));
			}
		} else
			W(w, 2, "Type:\t<unknown>\n");
	}
}

static int
toleration_cmp(const void *a, const void *b)
{
	return strcmp(json_path_str_or(*(json_t *const *)a, "key", ""),
	    json_path_str_or(*(json_t *const *)b, "key", ""));
}

static void
tolerations(struct dw *w, const char *indent, json_t *list)
{
	size_t n = json_array_size(list), i;
	json_t **t = xcalloc(n + 1, sizeof *t);
	const char *key, *val, *eff, *op;

	W(w, 0, "%sTolerations:\t", indent);
	if (n == 0)
		W(w, 0, "<none>\n");
	for (i = 0; i < n; i++)
		t[i] = json_array_get(list, i);
	qsort(t, n, sizeof *t, toleration_cmp);
	for (i = 0; i < n; i++) {
		key = json_path_str_or(t[i], "key", "");
		val = json_path_str_or(t[i], "value", "");
		eff = json_path_str_or(t[i], "effect", "");
		op = json_path_str_or(t[i], "operator", "");
		if (i != 0)
			W(w, 0, "%s\t", indent);
		W(w, 0, "%s%s%s%s%s", V(w, key), *val != '\0' ? "=" : "", V(w, val),
		    *eff != '\0' ? ":" : "", V(w, eff));
		if (strcmp(op, "Exists") == 0 && *val == '\0')
			W(w, 0, "%sop=Exists", *key != '\0' || *eff != '\0' ? " " : "");
		if (json_is_integer(json_object_get(t[i], "tolerationSeconds")))
			W(w, 0, " for %llds",
			    (long long)json_path_int(t[i], "tolerationSeconds", 0));
		W(w, 0, "\n");
	}
	free(t);
}

void
pod_template(struct dw *w, json_t *tmpl)
{
	json_t *spec = json_object_get(tmpl, "spec");

	W(w, 0, "Pod Template:\n");
	if (tmpl == NULL) {
		W(w, 1, "<unset>");
		return;
	}
	labels_multiline(w, "  ", "Labels", json_path(tmpl, "metadata.labels"));
	if (json_object_size(json_path(tmpl, "metadata.annotations")) > 0)
		annotations_multiline(w, "  Annotations", json_path(tmpl, "metadata.annotations"));
	if (*json_path_str_or(spec, "serviceAccountName", "") != '\0')
		W(w, 1, "Service Account:\t%s\n", VS(w, spec, "serviceAccountName"));
	if (json_array_size(json_object_get(spec, "initContainers")) > 0)
		containers(w, "Init Containers", json_object_get(spec, "initContainers"), NULL, "  ");
	containers(w, "Containers", json_object_get(spec, "containers"), NULL, "  ");
	volumes(w, json_object_get(spec, "volumes"), "  ");
	if (*json_path_str_or(spec, "priorityClassName", "") != '\0')
		W(w, 1, "Priority Class Name:\t%s\n", VS(w, spec, "priorityClassName"));
	labels_multiline(w, "  ", "Node-Selectors", json_object_get(spec, "nodeSelector"));
	tolerations(w, "  ", json_object_get(spec, "tolerations"));
}

static void
pod_render(struct dw *w, json_t *pod, json_t *related, int64_t now)
{
	json_t *spec = json_object_get(pod, "spec"), *st = json_object_get(pod, "status"), *v;
	const char *phase = json_path_str_or(st, "phase", ""), *ctl;
	char age[32];
	size_t i;

	(void)related;
	w->pod = pod;
	name_ns(w, pod);
	if (json_is_integer(json_object_get(spec, "priority")))
		W(w, 0, "Priority:\t%s\n", int_or(w, spec, "priority", ""));
	if (*json_path_str_or(spec, "priorityClassName", "") != '\0')
		W(w, 0, "Priority Class Name:\t%s\n", VS(w, spec, "priorityClassName"));
	if (*json_path_str_or(spec, "runtimeClassName", "") != '\0')
		W(w, 0, "Runtime Class Name:\t%s\n", VS(w, spec, "runtimeClassName"));
	if (*json_path_str_or(spec, "serviceAccountName", "") != '\0')
		W(w, 0, "Service Account:\t%s\n", VS(w, spec, "serviceAccountName"));
	if (*json_path_str_or(spec, "nodeName", "") == '\0')
		W(w, 0, "Node:\t<none>\n");
	else
		W(w, 0, "Node:\t%s/%s\n", VS(w, spec, "nodeName"), VS(w, st, "hostIP"));
	if (json_path_str(st, "startTime") != NULL)
		W(w, 0, "Start Time:\t%s\n", rfc1123z(w, json_path_str(st, "startTime")));
	labels_multiline(w, "", "Labels", json_path(pod, "metadata.labels"));
	annotations_multiline(w, "Annotations", json_path(pod, "metadata.annotations"));
	if (json_path_str(pod, "metadata.deletionTimestamp") != NULL &&
	    strcmp(phase, "Failed") != 0 && strcmp(phase, "Succeeded") != 0) {
		int64_t del = parse_rfc3339(json_path_str(pod, "metadata.deletionTimestamp"));

		human_duration(now - del, age, sizeof age);
		W(w, 0, "Status:\tTerminating (lasts %s)\n", age);
		W(w, 0, "Termination Grace Period:\t%llds\n",
		    (long long)json_path_int(pod, "metadata.deletionGracePeriodSeconds", 0));
	} else
		W(w, 0, "Status:\t%s\n", V(w, phase));
	if (*json_path_str_or(st, "reason", "") != '\0')
		W(w, 0, "Reason:\t%s\n", VS(w, st, "reason"));
	if (*json_path_str_or(st, "message", "") != '\0')
		W(w, 0, "Message:\t%s\n", VS(w, st, "message"));
	if (json_path(spec, "securityContext.seccompProfile") != NULL) {
		W(w, 0, "SeccompProfile:\t%s\n", VS(w, spec, "securityContext.seccompProfile.type"));
		if (strcmp(json_path_str_or(spec, "securityContext.seccompProfile.type", ""),
		    "Localhost") == 0)
			W(w, 0, "LocalhostProfile:\t%s\n",
			    VS(w, spec, "securityContext.seccompProfile.localhostProfile"));
	}
	W(w, 0, "IP:\t%s\n", VS(w, st, "podIP"));
	if (json_array_size(json_object_get(st, "podIPs")) == 0)
		W(w, 0, "IPs:\t<none>\n");
	else {
		W(w, 0, "IPs:\n");
		json_array_foreach(json_object_get(st, "podIPs"), i, v)
			W(w, 1, "IP:\t%s\n", VS(w, v, "ip"));
	}
	if ((ctl = controller_of(w, pod)) != NULL)
		W(w, 0, "Controlled By:\t%s\n", ctl);
	if (*json_path_str_or(st, "nominatedNodeName", "") != '\0')
		W(w, 0, "NominatedNodeName:\t%s\n", VS(w, st, "nominatedNodeName"));
	if (json_object_get(spec, "resources") != NULL) {
		W(w, 0, "Resources:\n");
		resources(w, json_object_get(spec, "resources"), 1);
	}
	if (json_array_size(json_object_get(spec, "initContainers")) > 0)
		containers(w, "Init Containers", json_object_get(spec, "initContainers"),
		    json_object_get(st, "initContainerStatuses"), "");
	containers(w, "Containers", json_object_get(spec, "containers"),
	    json_object_get(st, "containerStatuses"), "");
	if (json_array_size(json_object_get(spec, "readinessGates")) > 0) {
		W(w, 0, "Readiness Gates:\n  Type\tStatus\n");
		json_array_foreach(json_object_get(spec, "readinessGates"), i, v) {
			const char *type = json_path_str_or(v, "conditionType", ""), *status = "<none>";
			json_t *c;
			size_t j;

			json_array_foreach(json_object_get(st, "conditions"), j, c) {
				if (strcmp(json_path_str_or(c, "type", ""), type) == 0) {
					status = VS(w, c, "status");
					break;
				}
			}
			W(w, 1, "%s \t%s \n", V(w, type), status);
		}
	}
	if (json_array_size(json_object_get(st, "conditions")) > 0) {
		W(w, 0, "Conditions:\n  Type\tStatus\n");
		json_array_foreach(json_object_get(st, "conditions"), i, v)
			W(w, 1, "%s \t%s \n", VS(w, v, "type"), VS(w, v, "status"));
	}
	volumes(w, json_object_get(spec, "volumes"), "");
	W(w, 0, "QoS Class:\t%s\n", VS(w, st, "qosClass"));
	labels_multiline(w, "", "Node-Selectors", json_object_get(spec, "nodeSelector"));
	tolerations(w, "", json_object_get(spec, "tolerations"));
}

const struct describer describe_pod = { NULL, pod_render };
