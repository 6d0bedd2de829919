/* Terminal actions: kubectl in the console's terminal (shell, debug) and
 * in the background (port-forward); see actions_int.h. */
#include <sys/wait.h>

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "opsdeck/actions.h"
#include "opsdeck/audit.h"
#include "opsdeck/auth.h"
#include "opsdeck/client.h"
#include "opsdeck/cmd.h"
#include "opsdeck/portfwd.h"
#include "opsdeck/term.h"
#include "opsdeck/kubeconfig.h"
#include "opsdeck/xmalloc.h"

#include "actions_int.h"

/*
 * Terminal actions: kubectl in the console's terminal.
 */

void
actions_set_kubeconfig(char *const *files, size_t n)
{
	size_t i;

	for (i = 0; i < act.kc_nfiles; i++)
		free(act.kc_files[i]);
	free(act.kc_files);
	act.kc_files = n > 0 ? xcalloc(n, sizeof *act.kc_files) : NULL;
	for (i = 0; i < n; i++)
		act.kc_files[i] = xstrdup(files[i]);
	act.kc_nfiles = n;
}

/* The names of pod's containers (and ephemeral ones) as "a, b" (new). */
static char *
shell_container_list(json_t *pod)
{
	static const char *const lists[] = { "containers", "ephemeralContainers" };
	char *out = xstrdup(""), *n;
	json_t *c;
	size_t i, l;

	for (l = 0; l < 2; l++) {
		json_array_foreach(json_object_get(json_object_get(pod, "spec"), lists[l]), i,
		    c) {
			if (jstr(c, "name", NULL) == NULL)
				continue;
			n = xasprintf("%s%s%s", out, *out != '\0' ? ", " : "",
			    jstr(c, "name", NULL));
			free(out);
			out = n;
		}
	}
	return out;
}

/* Is name one of pod's containers (or ephemeral containers)? */
static bool
shell_container_ok(json_t *pod, const char *name)
{
	static const char *const lists[] = { "containers", "ephemeralContainers" };
	const char *cn;
	json_t *c;
	size_t i, l;

	for (l = 0; l < 2; l++) {
		json_array_foreach(json_object_get(json_object_get(pod, "spec"), lists[l]), i,
		    c) {
			cn = jstr(c, "name", NULL);
			if (cn != NULL && strcmp(cn, name) == 0)
				return true;
		}
	}
	return false;
}

/* The container kubectl would pick: the default-container annotation, else
 * the first (borrowed), or NULL. */
static const char *
shell_default_container(json_t *pod)
{
	const char *d = jstr(pod, "metadata", "annotations",
	    "kubectl.kubernetes.io/default-container", NULL);

	if (d != NULL && shell_container_ok(pod, d))
		return d;
	return jstr(json_array_get(json_object_get(json_object_get(pod, "spec"),
	    "containers"), 0), "name", NULL);
}

/* Ask which container when the pod has several and none was given. */
char *
question_shell(struct act_op *op, char **initial)
{
	const char *d = shell_default_container(op->obj);
	char *list, *q;

	/* debug containers do not make it ask: name one to get into it */
	if (op_arg(op, 0) != NULL || d == NULL ||
	    json_array_size(json_object_get(json_object_get(op->obj, "spec"), "containers")) < 2)
		return NULL;
	list = shell_container_list(op->obj);
	q = xasprintf("shell into container (%s):", list);
	free(list);
	*initial = xstrdup(d);
	return q;
}

/* kubectl's argv for op: the kubeconfig (one file: --kubeconfig; several
 * go as KUBECONFIG), context and namespace, then words (NULL-ended). Set
 * as op->argv with *line its quoted form (new); -1 with *cause (and
 * op->refused) when kubectl is not on PATH, naming the command to run. */
static int
act_kubectl(struct act_op *op, char **line, char **cause, ...)
{
	struct kube_context *kc = op->b->client != NULL ?
	    client_context(op->b->client, op->cluster) : NULL;
	char *argv[32], *exe;
	const char *w;
	va_list ap;
	int argc = 0, i;

	argv[argc++] = xstrdup("kubectl");
	if (act.kc_nfiles == 1) {
		argv[argc++] = xstrdup("--kubeconfig");
		argv[argc++] = xstrdup(act.kc_files[0]);
	}
	argv[argc++] = xstrdup("--context");
	argv[argc++] = xstrdup(kc != NULL ? kc->name : op->context);
	argv[argc++] = xstrdup("-n");
	argv[argc++] = xstrdup(op->ns);
	va_start(ap, cause);
	while ((w = va_arg(ap, const char *)) != NULL && argc < 31)
		argv[argc++] = xstrdup(w);
	va_end(ap);
	argv[argc] = NULL;
	*line = cmd_quote_argv(argc, argv);
	exe = auth_lookpath("kubectl");
	if (exe == NULL) {
		*cause = xasprintf("kubectl is not on PATH; run it yourself: %s", *line);
		op->refused = xstrdup(*cause);
		free(*line);
		*line = NULL;
		for (i = 0; i < argc; i++)
			free(argv[i]);
		return -1;
	}
	free(exe);
	op->argv = xcalloc((size_t)argc + 1, sizeof *op->argv);
	memcpy(op->argv, argv, ((size_t)argc + 1) * sizeof *argv);
	json_object_set_new(op->params, "kubectl", json_string(*line));
	return 0;
}

/* Refuse op with a reason (new in *cause). */
static int
act_refuse(struct act_op *op, char **cause, char *why)
{
	*cause = why;
	op->refused = xstrdup(why);
	return -1;
}

/* kubectl exec -it into the pod: the program, the request it makes (for
 * the audit intent) and the preview. */
int
plan_shell(struct act_op *op, char **cause)
{
	const char *container = op_arg(op, 0), *phase = jstr(op->obj, "status", "phase", NULL);
	char *line, *list, *where, *path;

	if (container == NULL)
		container = shell_default_container(op->obj);
	if (container == NULL)
		return act_refuse(op, cause, xstrdup("the pod has no containers"));
	if (!shell_container_ok(op->obj, container)) {
		list = shell_container_list(op->obj);
		act_refuse(op, cause, xasprintf("no container %s in the pod (%s)", container,
		    list));
		free(list);
		return -1;
	}
	if (phase == NULL || strcmp(phase, "Running") != 0)
		return act_refuse(op, cause, xasprintf("the pod is %s, not Running: nothing to "
		    "exec into", phase != NULL ? phase : "in no phase"));
	if (act_kubectl(op, &line, cause, "exec", "-it", op->name, "-c", container, "--", "sh",
	    (const char *)NULL) != 0)
		return -1;
	where = op_where(op);
	op->preview = xasprintf("%s: shell in container %s\n%s", where, container, line);
	free(where);
	json_object_set_new(op->params, "container", json_string(container));
	json_object_set_new(op->params, "command", json_pack("[s]", "sh"));
	free(line);
	path = actions_path(op->resource, op->ns, op->name);
	op_request(op, "POST", xasprintf("%s/exec?command=sh&container=%s&stdin=true&stdout=true"
	    "&tty=true", path, container), NULL, NULL);
	free(path);
	return 0;
}

/* The image a debug container runs unless told. */
#define ACT_DEBUG_IMAGE	"busybox:1.36"

/* Ask for the debug container's image unless given. */
char *
question_debug(struct act_op *op, char **initial)
{
	if (op_arg(op, 0) != NULL)
		return NULL;
	*initial = xstrdup(ACT_DEBUG_IMAGE);
	return xstrdup("debug container image:");
}

/* kubectl debug -it: an ephemeral container sharing the pod's default
 * container's process namespace (for images without a shell). */
int
plan_debug(struct act_op *op, char **cause)
{
	const char *image = op_arg(op, 0), *target = shell_default_container(op->obj);
	const char *phase = jstr(op->obj, "status", "phase", NULL), *p;
	char *line, *where, *path, *img, *tgt;

	if (image == NULL)
		image = ACT_DEBUG_IMAGE;
	for (p = image; *p != '\0'; p++) {
		if ((unsigned char)*p <= ' ' || *p == 0x7f)
			break;
	}
	if (*p != '\0' || *image == '\0' || strlen(image) > 256 || *image == '-')
		return act_refuse(op, cause, xstrdup("debug: the image is one word, like "
		    ACT_DEBUG_IMAGE));
	if (target == NULL)
		return act_refuse(op, cause, xstrdup("the pod has no containers"));
	if (phase == NULL || strcmp(phase, "Running") != 0)
		return act_refuse(op, cause, xasprintf("the pod is %s, not Running: nothing to "
		    "debug", phase != NULL ? phase : "in no phase"));
	img = xasprintf("--image=%s", image);
	tgt = xasprintf("--target=%s", target);
	if (act_kubectl(op, &line, cause, "debug", "-it", op->name, img, tgt,
	    "--profile=general", "--", "sh", (const char *)NULL) != 0) {
		free(img);
		free(tgt);
		return -1;
	}
	free(img);
	free(tgt);
	where = op_where(op);
	op->preview = xasprintf("%s: a debug container (%s) beside %s\n%s", where, image, target,
	    line);
	free(where);
	json_object_set_new(op->params, "image", json_string(image));
	json_object_set_new(op->params, "target", json_string(target));
	free(line);
	path = actions_path(op->resource, op->ns, op->name);
	op_request(op, "PATCH", xasprintf("%s/ephemeralcontainers", path), NULL, NULL);
	free(path);
	return 0;
}

/* The first port a pod's containers or a service declare, or 0. */
static long
pf_default_port(json_t *obj)
{
	json_t *c, *p;
	size_t i, j;

	json_array_foreach(json_object_get(json_object_get(obj, "spec"), "ports"), i, p) {
		if (json_is_integer(json_object_get(p, "port")))
			return (long)json_integer_value(json_object_get(p, "port"));
	}
	json_array_foreach(json_object_get(json_object_get(obj, "spec"), "containers"), i, c) {
		json_array_foreach(json_object_get(c, "ports"), j, p) {
			if (json_is_integer(json_object_get(p, "containerPort")))
				return (long)json_integer_value(json_object_get(p,
				    "containerPort"));
		}
	}
	return 0;
}

/* Ask for LOCAL:REMOTE unless given, the first declared port prefilled. */
char *
question_portforward(struct act_op *op, char **initial)
{
	long port = pf_default_port(op->obj);

	if (op_arg(op, 0) != NULL)
		return NULL;
	*initial = port > 0 ? xasprintf("%ld:%ld", port, port) : xstrdup("");
	return xstrdup("port-forward LOCAL:REMOTE (LOCAL 0: any free port):");
}

/* kubectl port-forward, a child the console keeps (:port-forwards). */
int
plan_portforward(struct act_op *op, char **cause)
{
	const char *spec = op_arg(op, 0), *colon;
	bool svc = strcmp(op->resource, "services") == 0;
	char *line, *where, *target, *ports, *path;
	long local, remote;

	if (spec == NULL)
		return act_refuse(op, cause, xstrdup("port-forward: which port? "
		    "(LOCAL:REMOTE or PORT)"));
	colon = strchr(spec, ':');
	if (colon != NULL) {
		char *l = xstrndup(spec, (size_t)(colon - spec));
		int bad = act_parse_count(l, 65535, &local) != 0 ||
		    act_parse_count(colon + 1, 65535, &remote) != 0;

		free(l);
		if (bad || remote < 1)
			return act_refuse(op, cause, xasprintf("port-forward: bad ports '%s' "
			    "(LOCAL:REMOTE, 0-65535 and 1-65535)", spec));
	} else if (act_parse_count(spec, 65535, &remote) != 0 || remote < 1)
		return act_refuse(op, cause, xasprintf("port-forward: bad port '%s'", spec));
	else
		local = remote;
	if (!svc && strcmp(jstr(op->obj, "status", "phase", NULL) != NULL ?
	    jstr(op->obj, "status", "phase", NULL) : "", "Running") != 0)
		return act_refuse(op, cause, xstrdup("the pod is not Running: nothing to "
		    "forward to"));
	target = xasprintf("%s/%s", svc ? "svc" : "pod", op->name);
	ports = local > 0 ? xasprintf("%ld:%ld", local, remote) : xasprintf(":%ld", remote);
	if (act_kubectl(op, &line, cause, "port-forward", "--address", "127.0.0.1", target,
	    ports, (const char *)NULL) != 0) {
		free(target);
		free(ports);
		return -1;
	}
	where = op_where(op);
	op->preview = xasprintf("%s: forward 127.0.0.1:%s to %s:%ld\n%s", where,
	    local > 0 ? ports : "(any free port)", target, remote, line);
	free(where);
	json_object_set_new(op->params, "local_port", json_integer(local));
	json_object_set_new(op->params, "remote_port", json_integer(remote));
	free(line);
	free(ports);
	free(target);
	path = actions_path(op->resource, op->ns, op->name);
	op_request(op, "POST", xasprintf("%s/portforward?ports=%ld", path, remote), NULL, NULL);
	free(path);
	return 0;
}

/* The program of a terminal action ended (status from waitpid). */
static void
op_terminal_done(int status, void *arg)
{
	struct act_op *op = arg;
	char *msg;

	msg = xasprintf("ended (kubectl %s)", term_status(status));
	if (WIFEXITED(status)) {
		json_object_set_new(op->params, "exit_status", json_integer(WEXITSTATUS(status)));
		op_finish(op, WEXITSTATUS(status) == 0 ? "ok" : "failed", msg, true);
	} else
		op_finish(op, "interrupted", msg, true);
	free(msg);
}

/* The environment for kubectl (new array borrowing environ's strings, and
 * *own to free), or NULL: ours. Several kubeconfig files go as KUBECONFIG. */
static char **
act_kubectl_env(char **own)
{
	extern char **environ;
	char **envp, *joined, *n;
	size_t i, ne = 0;

	*own = NULL;
	if (act.kc_nfiles < 2)
		return NULL;
	joined = xstrdup(act.kc_files[0]);
	for (i = 1; i < act.kc_nfiles; i++) {
		n = xasprintf("%s:%s", joined, act.kc_files[i]);
		free(joined);
		joined = n;
	}
	for (i = 0; environ[i] != NULL; i++)
		;
	envp = xcalloc(i + 2, sizeof *envp);
	for (i = 0; environ[i] != NULL; i++) {
		if (strncmp(environ[i], "KUBECONFIG=", 11) != 0)
			envp[ne++] = environ[i];
	}
	envp[ne++] = *own = xasprintf("KUBECONFIG=%s", joined);
	free(joined);
	return envp;
}

/* Run a terminal action's program (its intent is written). */
void
op_terminal(struct act_op *op)
{
	struct act_batch *b = op->b;
	char **envp, *own, *cause = NULL, *m;

	envp = act_kubectl_env(&own);
	if (b->ui_ops == NULL || b->ui_ops->foreground == NULL)
		cause = xstrdup("only the console can hand its terminal to kubectl");
	else if (b->ui_ops->foreground(b->ui, op->argv, envp, op_terminal_done, op,
	    &cause) == 0)
		cause = NULL;
	else if (cause == NULL)
		cause = xstrdup("cannot start kubectl");
	free(envp);
	free(own);
	if (cause != NULL) {
		m = xasprintf("%s: %s", b->def->verb, cause);
		op_finish(op, "failed", m, true);
		free(m);
		free(cause);
	}
}

/* What the end of a background program is audited with (copies). */
struct act_bg {
	char	*verb, *context, *kube_user, *kind, *ns, *name, *origin, *incident;
	char	 intent[AUDIT_ID_SIZE];
	json_t	*params;
	time_t	 started;
};

static void	act_bg_free(struct act_bg *);

/* A background program ended: its closing audit record. */
static void
op_background_done(int status, const char *why, void *arg)
{
	struct act_bg *g = arg;
	struct audit_record r;
	char *msg, *cause = NULL;
	bool ok = why != NULL || (WIFEXITED(status) && WEXITSTATUS(status) == 0);

	if (why != NULL)
		msg = xasprintf("ended after %llds: %s", (long long)(time(NULL) - g->started), why);
	else
		msg = xasprintf("ended after %llds: kubectl %s",
		    (long long)(time(NULL) - g->started), term_status(status));
	memset(&r, 0, sizeof r);
	r.verb = g->verb;
	r.context = g->context;
	r.kube_user = g->kube_user;
	r.kind = g->kind;
	r.ns = g->ns;
	r.name = g->name;
	r.params = g->params;
	r.origin = g->origin;
	r.incident = g->incident;
	r.intent = g->intent[0] != '\0' ? g->intent : NULL;
	r.outcome = ok ? "ok" : "failed";
	r.message = msg;
	if (audit_write(&r, &cause) != 0)
		free(cause);
	free(msg);
	act_bg_free(g);
}

/* Free g. */
static void
act_bg_free(struct act_bg *g)
{
	free(g->verb);
	free(g->context);
	free(g->kube_user);
	free(g->kind);
	free(g->ns);
	free(g->name);
	free(g->origin);
	free(g->incident);
	json_decref(g->params);
	free(g);
}

/* Start a background program (its intent is written): the action is done
 * once it runs; its end is audited when it comes. */
void
op_background(struct act_op *op)
{
	struct act_batch *b = op->b;
	struct kube_context *kc = b->client != NULL ? client_context(b->client, op->cluster) :
	    NULL;
	struct act_bg *g = xcalloc(1, sizeof *g);
	char **envp, *own, *cause = NULL, *m, *target;
	int id;

	g->verb = xstrdup(b->def->verb);
	g->context = xstrdup(op->context);
	g->kube_user = kc != NULL && kc->user_name != NULL ? xstrdup(kc->user_name) : NULL;
	g->kind = xstrdup(op->resource);
	g->ns = xstrdup(op->ns);
	g->name = xstrdup(op->name);
	g->origin = xstrdup(actions_origin_name(b->origin));
	g->incident = b->incident != NULL ? xstrdup(b->incident) : NULL;
	memcpy(g->intent, op->intent, sizeof g->intent);
	g->params = json_incref(op->params);
	g->started = time(NULL);
	target = xasprintf("%s/%s", strcmp(op->resource, "services") == 0 ? "svc" : "pod",
	    op->name);
	envp = act_kubectl_env(&own);
	id = portfwd_start(act.loop, op->argv, envp, op->context, op->ns, target,
	    (int)jint(op->params, 0, "local_port", NULL), (int)jint(op->params, 0,
	    "remote_port", NULL), op_background_done, g, &cause);
	free(envp);
	free(own);
	if (id < 0) {
		act_bg_free(g);
		m = xasprintf("%s: %s", b->def->verb, cause);
		op_finish(op, "failed", m, true);
		free(m);
		free(cause);
	} else {
		m = xasprintf("started: %s on 127.0.0.1 (:port-forwards lists it)", target);
		op_finish(op, "ok", m, true);
		free(m);
	}
	free(target);
}
