/* Exec credential plugins (client-go's ExecCredential protocol), run
 * without blocking the loop, their credentials cached until they expire. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "opsdeck/auth.h"
#include "opsdeck/buf.h"
#include "opsdeck/kubeconfig.h"
#include "opsdeck/loop.h"
#include "opsdeck/sanitize.h"
#include "opsdeck/term.h"
#include "opsdeck/xmalloc.h"

extern char **environ;

#define AUTH_MAX_STDOUT		(1024 * 1024)	/* an ExecCredential */
#define AUTH_MAX_STDERR		2048		/* what an error shows of stderr */
#define AUTH_REFRESH_MARGIN	10		/* seconds before expiry to refresh */
#define AUTH_REAP_WAIT		1.0		/* seconds to wait for exit after EOF */

/* A running credential plugin. */
struct auth_exec {
	struct kube_context	*ctx;
	pid_t			 pid;		/* -1 once reaped */
	int			 out_fd;	/* its stdout (non-blocking), or -1 */
	int			 err_fd;	/* memfd holding its stderr */
	struct buf		 out;		/* its stdout so far: a credential */
	bool			 overflow;
	bool			 finished;
	int			 status;	/* waitpid status once reaped */
	double			 started;
	double			 deadline;	/* monotonic seconds */
};

/* Untrusted plugin text made safe and short for one status line: runs of
 * white space become one space, the rest goes through sanitize(). */
static char *
auth_clean(const char *s, size_t len)
{
	char *flat = xmalloc(len + 1), *out;
	size_t i, n = 0;
	bool space = false;

	for (i = 0; i < len; i++) {
		if (s[i] == '\n' || s[i] == '\t' || s[i] == ' ' || s[i] == '\r') {
			if (n > 0)
				space = true;
			continue;
		}
		if (space) {
			flat[n++] = ' ';
			space = false;
		}
		flat[n++] = s[i];
	}
	flat[n] = '\0';
	out = sanitize(flat, n, 0);
	free(flat);
	return out;
}

/* Set the plugin's failure text on the context (replacing the last). */
static void
auth_set_error(struct kube_context *ctx, const char *msg)
{
	free(ctx->exec->last_error);
	ctx->exec->last_error = xstrdup(msg);
}

/* Drop a cached exec credential. */
static void
auth_clear_cred(struct kube_exec *e)
{
	free(e->cred_token);
	e->cred_token = NULL;
	free(e->cred_cert);
	e->cred_cert = NULL;
	if (e->cred_key != NULL)
		explicit_bzero(e->cred_key, e->cred_key_len);
	free(e->cred_key);
	e->cred_key = NULL;
	e->cred_cert_len = e->cred_key_len = 0;
	e->cred_expiry = 0;
	e->have_cred = false;
}

/* True if ctx holds an exec credential that has not expired. */
bool
auth_have_cred(const struct kube_context *ctx)
{
	const struct kube_exec *e = ctx->exec;

	if (e == NULL || !e->have_cred)
		return false;
	return e->cred_expiry == 0 || (int64_t)time(NULL) < e->cred_expiry;
}

/* True if the exec plugin must run before the next request. */
bool
auth_needs_exec(const struct kube_context *ctx)
{
	const struct kube_exec *e = ctx->exec;

	if (e == NULL)
		return false;
	if (!e->have_cred)
		return true;
	return e->cred_expiry != 0 &&
	    (int64_t)time(NULL) + AUTH_REFRESH_MARGIN >= e->cred_expiry;
}

/* Forget cached credentials. */
void
auth_invalidate(struct kube_context *ctx)
{
	if (ctx->exec != NULL)
		auth_clear_cred(ctx->exec);
	free(ctx->file_token);
	ctx->file_token = NULL;
}

/* Standard base64 of len bytes (new string). */
static char *
auth_base64(const char *in, size_t len)
{
	static const char a[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	const unsigned char *p = (const unsigned char *)in;
	char *out = xmalloc((len + 2) / 3 * 4 + 1);
	size_t i, n = 0;
	unsigned int v;

	for (i = 0; i + 2 < len; i += 3) {
		v = (unsigned int)p[i] << 16 | (unsigned int)p[i + 1] << 8 | p[i + 2];
		out[n++] = a[v >> 18 & 63];
		out[n++] = a[v >> 12 & 63];
		out[n++] = a[v >> 6 & 63];
		out[n++] = a[v & 63];
	}
	if (i < len) {
		v = (unsigned int)p[i] << 16 | (i + 1 < len ? (unsigned int)p[i + 1] << 8 : 0);
		out[n++] = a[v >> 18 & 63];
		out[n++] = a[v >> 12 & 63];
		out[n++] = i + 1 < len ? a[v >> 6 & 63] : '=';
		out[n++] = '=';
	}
	out[n] = '\0';
	return out;
}

/* The KUBERNETES_EXEC_INFO value for ctx. */
char *
auth_exec_info(const struct kube_context *ctx)
{
	json_t *root, *spec, *cluster;
	char *b64, *s, *out;

	spec = json_object();
	json_object_set_new(spec, "interactive", json_false());
	if (ctx->exec != NULL && ctx->exec->provide_cluster_info) {
		cluster = json_object();
		json_object_set_new(cluster, "server", json_string(ctx->server != NULL ?
		    ctx->server : ""));
		if (ctx->tls_server_name != NULL)
			json_object_set_new(cluster, "tls-server-name",
			    json_string(ctx->tls_server_name));
		if (ctx->insecure)
			json_object_set_new(cluster, "insecure-skip-tls-verify", json_true());
		if (ctx->ca_data != NULL) {
			b64 = auth_base64(ctx->ca_data, ctx->ca_len);
			json_object_set_new(cluster, "certificate-authority-data",
			    json_string(b64));
			free(b64);
		}
		if (ctx->proxy_url != NULL)
			json_object_set_new(cluster, "proxy-url", json_string(ctx->proxy_url));
		if (ctx->disable_compression)
			json_object_set_new(cluster, "disable-compression", json_true());
		json_object_set_new(spec, "cluster", cluster);
	}
	root = json_object();
	json_object_set_new(root, "kind", json_string("ExecCredential"));
	json_object_set_new(root, "apiVersion", json_string(ctx->exec != NULL ?
	    ctx->exec->api_version : "client.authentication.k8s.io/v1"));
	json_object_set_new(root, "spec", spec);
	s = json_dumps(root, JSON_COMPACT);
	json_decref(root);
	if (s == NULL)
		fatal("cannot encode ExecCredential");
	out = xstrdup(s);
	free(s);
	return out;
}

/* Parse expirationTimestamp (RFC 3339, UTC or with an offset). */
static int
auth_parse_time(const char *s, int64_t *out)
{
	struct tm tm;
	const char *p;
	int64_t t;
	int oh, om;

	memset(&tm, 0, sizeof tm);
	p = strptime(s, "%Y-%m-%dT%H:%M:%S", &tm);
	if (p == NULL)
		return -1;
	if (*p == '.') {
		p++;
		while (*p >= '0' && *p <= '9')
			p++;
	}
	t = (int64_t)timegm(&tm);
	if (*p == 'Z' || *p == 'z') {
		p++;
	} else if ((*p == '+' || *p == '-') && sscanf(p + 1, "%2d:%2d", &oh, &om) == 2) {
		t += (*p == '+' ? -1 : 1) * (int64_t)(oh * 3600 + om * 60);
		p += 6;
	} else
		return -1;
	if (*p != '\0')
		return -1;
	*out = t;
	return 0;
}

/* Parse an ExecCredential and cache it in ctx->exec. */
int
auth_exec_parse(struct kube_context *ctx, const char *buf, size_t len, char **cause)
{
	struct kube_exec *e = ctx->exec;
	json_t *root = NULL, *status;
	json_error_t jerr;
	const char *kind, *apiv, *token, *cert, *key, *exp;
	int64_t expiry = 0;
	int rc = -1;

	if (e == NULL) {
		*cause = xasprintf("context '%s' has no exec plugin", ctx->name);
		return -1;
	}
	root = json_loadb(buf, len, 0, &jerr);
	if (root == NULL || !json_is_object(root)) {
		*cause = xasprintf("credential plugin %s printed no ExecCredential JSON "
		    "(line %d: %s)", e->command, jerr.line, root == NULL ? jerr.text :
		    "not an object");
		goto out;
	}
	kind = json_string_value(json_object_get(root, "kind"));
	apiv = json_string_value(json_object_get(root, "apiVersion"));
	if (kind == NULL || strcmp(kind, "ExecCredential") != 0) {
		*cause = xasprintf("credential plugin %s printed kind '%s', not ExecCredential",
		    e->command, kind != NULL ? kind : "");
		goto out;
	}
	if (apiv == NULL || strcmp(apiv, e->api_version) != 0) {
		*cause = xasprintf("credential plugin %s is configured for %s but returned "
		    "%s", e->command, e->api_version, apiv != NULL ? apiv : "no apiVersion");
		goto out;
	}
	status = json_object_get(root, "status");
	if (!json_is_object(status)) {
		*cause = xasprintf("credential plugin %s returned no status", e->command);
		goto out;
	}
	token = json_string_value(json_object_get(status, "token"));
	cert = json_string_value(json_object_get(status, "clientCertificateData"));
	key = json_string_value(json_object_get(status, "clientKeyData"));
	exp = json_string_value(json_object_get(status, "expirationTimestamp"));
	if (token != NULL && *token == '\0')
		token = NULL;
	if (cert != NULL && *cert == '\0')
		cert = NULL;
	if (key != NULL && *key == '\0')
		key = NULL;
	if ((cert == NULL) != (key == NULL)) {
		*cause = xasprintf("credential plugin %s returned only one of "
		    "clientCertificateData and clientKeyData", e->command);
		goto out;
	}
	if (token == NULL && cert == NULL) {
		*cause = xasprintf("credential plugin %s returned neither a token nor a "
		    "certificate and key", e->command);
		goto out;
	}
	if (token != NULL && strpbrk(token, "\r\n") != NULL) {
		*cause = xasprintf("credential plugin %s returned a token with a line break",
		    e->command);
		goto out;
	}
	if (exp != NULL && *exp != '\0' && auth_parse_time(exp, &expiry) != 0) {
		*cause = xasprintf("credential plugin %s returned a bad expirationTimestamp",
		    e->command);
		goto out;
	}
	auth_clear_cred(e);
	e->cred_token = token != NULL ? xstrdup(token) : NULL;
	if (cert != NULL) {
		e->cred_cert = xstrdup(cert);
		e->cred_cert_len = strlen(cert);
		e->cred_key = xstrdup(key);
		e->cred_key_len = strlen(key);
	}
	e->cred_expiry = expiry;
	e->have_cred = true;
	free(e->last_error);
	e->last_error = NULL;
	rc = 0;
out:
	json_decref(root);
	return rc;
}

/* Build the plugin's environment: ours, its env entries, the exec info. */
static char **
auth_exec_env(const struct kube_context *ctx)
{
	const struct kube_exec *e = ctx->exec;
	size_t n = 0, i, j, len;
	char **envp, *info;
	bool skip;

	while (environ[n] != NULL)
		n++;
	envp = xcalloc(n + e->nenv + 2, sizeof *envp);
	n = 0;
	for (i = 0; environ[i] != NULL; i++) {
		skip = strncmp(environ[i], "KUBERNETES_EXEC_INFO=", 21) == 0;
		for (j = 0; j < e->nenv && !skip; j++) {
			len = strlen(e->env_names[j]);
			if (strncmp(environ[i], e->env_names[j], len) == 0 &&
			    environ[i][len] == '=')
				skip = true;
		}
		if (!skip)
			envp[n++] = xstrdup(environ[i]);
	}
	for (j = 0; j < e->nenv; j++)
		envp[n++] = xasprintf("%s=%s", e->env_names[j], e->env_values[j]);
	info = auth_exec_info(ctx);
	envp[n++] = xasprintf("KUBERNETES_EXEC_INFO=%s", info);
	free(info);
	envp[n] = NULL;
	return envp;
}

/* Free a NULL-terminated string vector. */
static void
auth_strv_free(char **v)
{
	size_t i;

	if (v == NULL)
		return;
	for (i = 0; v[i] != NULL; i++)
		free(v[i]);
	free(v);
}

char *
auth_lookpath(const char *command)
{
	const char *path = getenv("PATH");
	char *copy, *dir, *save = NULL, *cand;

	if (strchr(command, '/') != NULL)
		return access(command, X_OK) == 0 ? xstrdup(command) : NULL;
	if (path == NULL || *path == '\0')
		path = "/usr/local/bin:/usr/bin:/bin";
	copy = xstrdup(path);
	for (dir = strtok_r(copy, ":", &save); dir != NULL; dir = strtok_r(NULL, ":", &save)) {
		cand = xasprintf("%s/%s", *dir != '\0' ? dir : ".", command);
		if (access(cand, X_OK) == 0) {
			free(copy);
			return cand;
		}
		free(cand);
	}
	free(copy);
	return NULL;
}

/* Start ctx's exec plugin. */
struct auth_exec *
auth_exec_start(struct kube_context *ctx, char **cause)
{
	struct kube_exec *e = ctx->exec;
	struct auth_exec *ae = NULL;
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t attr;
	sigset_t none, defs;
	char **argv = NULL, **envp = NULL, *msg, *exe;
	int out[2] = { -1, -1 }, errfd = -1, err;
	size_t i;
	pid_t pid;

	if (e == NULL) {
		*cause = xasprintf("context '%s' has no exec plugin", ctx->name);
		return NULL;
	}
	if (e->interactive_mode != NULL && strcmp(e->interactive_mode, "Always") == 0) {
		msg = xasprintf("credential plugin %s needs an interactive terminal "
		    "(interactiveMode: Always); run it once in a shell first", e->command);
		auth_set_error(ctx, msg);
		*cause = msg;
		return NULL;
	}
	exe = auth_lookpath(e->command);
	if (exe == NULL) {
		msg = xasprintf("credential plugin %s not found%s%s", e->command,
		    e->install_hint != NULL ? "; " : "",
		    e->install_hint != NULL ? e->install_hint : "");
		*cause = auth_clean(msg, strlen(msg));
		free(msg);
		auth_set_error(ctx, *cause);
		return NULL;
	}
	if (pipe2(out, O_CLOEXEC) != 0) {
		*cause = xasprintf("credential plugin: pipe: %s", strerror(errno));
		free(exe);
		return NULL;
	}
	errfd = memfd_create("opsdeck-plugin-stderr", MFD_CLOEXEC);
	if (errfd == -1) {
		*cause = xasprintf("credential plugin: memfd_create: %s", strerror(errno));
		close(out[0]);
		close(out[1]);
		free(exe);
		return NULL;
	}
	argv = xcalloc(e->nargs + 2, sizeof *argv);
	argv[0] = xstrdup(e->command);
	for (i = 0; i < e->nargs; i++)
		argv[i + 1] = xstrdup(e->args[i]);
	envp = auth_exec_env(ctx);

	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_adddup2(&fa, out[1], 1);
	posix_spawn_file_actions_adddup2(&fa, errfd, 2);
	posix_spawnattr_init(&attr);
	sigemptyset(&none);
	sigemptyset(&defs);
	sigaddset(&defs, SIGPIPE);
	sigaddset(&defs, SIGINT);
	sigaddset(&defs, SIGTERM);
	sigaddset(&defs, SIGHUP);
	sigaddset(&defs, SIGCHLD);
	sigaddset(&defs, SIGWINCH);
	posix_spawnattr_setsigmask(&attr, &none);
	posix_spawnattr_setsigdefault(&attr, &defs);
	posix_spawnattr_setpgroup(&attr, 0);	/* its own group: killed whole */
	posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF |
	    POSIX_SPAWN_SETPGROUP);
	err = posix_spawn(&pid, exe, &fa, &attr, argv, envp);
	free(exe);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&attr);
	auth_strv_free(argv);
	auth_strv_free(envp);
	close(out[1]);
	if (err != 0) {
		msg = xasprintf("credential plugin %s: %s%s%s", e->command, strerror(err),
		    e->install_hint != NULL ? "; " : "",
		    e->install_hint != NULL ? e->install_hint : "");
		*cause = auth_clean(msg, strlen(msg));
		free(msg);
		auth_set_error(ctx, *cause);
		close(out[0]);
		close(errfd);
		return NULL;
	}
	fcntl(out[0], F_SETFL, fcntl(out[0], F_GETFL) | O_NONBLOCK);
	e->runs++;
	ae = xcalloc(1, sizeof *ae);
	ae->ctx = ctx;
	ae->pid = pid;
	ae->out_fd = out[0];
	ae->err_fd = errfd;
	ae->started = loop_now();
	ae->deadline = ae->started + (e->timeout > 0 ? e->timeout : 30.0);
	return ae;
}

/* The plugin's stdout. */
int
auth_exec_fd(const struct auth_exec *ae)
{
	return ae->out_fd;
}

/* The plugin's process id. */
pid_t
auth_exec_pid(const struct auth_exec *ae)
{
	return ae->pid;
}

/* Seconds left before the plugin is killed. */
double
auth_exec_timeout(const struct auth_exec *ae)
{
	double left = ae->deadline - loop_now();

	return left > 0 ? left : 0;
}

/* Read what the plugin has written. */
int
auth_exec_feed(struct auth_exec *ae)
{
	char chunk[8192];
	ssize_t r;

	if (ae->out_fd == -1)
		return 1;
	for (;;) {
		r = read(ae->out_fd, chunk, sizeof chunk);
		if (r == -1 && errno == EINTR)
			continue;
		if (r == -1 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return 0;
		if (r == -1)
			return -1;
		if (r == 0)
			return 1;
		if (ae->out.len + (size_t)r > AUTH_MAX_STDOUT) {
			ae->overflow = true;
			return -1;
		}
		buf_add(&ae->out, chunk, (size_t)r);
	}
}

/* Kill the plugin's process group and reap it. */
static void
auth_exec_kill(struct auth_exec *ae)
{
	if (ae->pid <= 0)
		return;
	kill(-ae->pid, SIGKILL);
	kill(ae->pid, SIGKILL);
	while (waitpid(ae->pid, &ae->status, 0) == -1 && errno == EINTR)
		;
	ae->pid = -1;
}

/* Reap the plugin, waiting a little for it to exit after EOF. */
static void
auth_exec_reap(struct auth_exec *ae)
{
	struct timespec ts = { 0, 5 * 1000 * 1000 };
	double until = loop_now() + AUTH_REAP_WAIT;
	pid_t r;

	while (ae->pid > 0) {
		r = waitpid(ae->pid, &ae->status, WNOHANG);
		if (r == ae->pid) {
			ae->pid = -1;
			kill(-r, SIGKILL);	/* stragglers in its group */
			return;
		}
		if (r == -1 && errno != EINTR) {
			ae->pid = -1;
			return;
		}
		if (loop_now() >= until) {
			auth_exec_kill(ae);
			return;
		}
		nanosleep(&ts, NULL);
	}
}

/* The first bytes of the plugin's stderr, cleaned (new string). */
static char *
auth_exec_stderr(struct auth_exec *ae)
{
	char buf[AUTH_MAX_STDERR];
	ssize_t r;
	size_t n = 0;

	if (lseek(ae->err_fd, 0, SEEK_SET) == 0) {
		while (n < sizeof buf) {
			r = read(ae->err_fd, buf + n, sizeof buf - n);
			if (r == -1 && errno == EINTR)
				continue;
			if (r <= 0)
				break;
			n += (size_t)r;
		}
	}
	return auth_clean(buf, n);
}

/* Reap, parse, cache. */
int
auth_exec_finish(struct auth_exec *ae, char **cause)
{
	struct kube_exec *e = ae->ctx->exec;
	char *err = NULL, *msg = NULL, *why = NULL, *hint;
	int rc = -1;

	if (ae->out_fd != -1) {
		close(ae->out_fd);
		ae->out_fd = -1;
	}
	if (ae->overflow)
		auth_exec_kill(ae);
	else
		auth_exec_reap(ae);
	ae->finished = true;
	hint = e->install_hint != NULL ? auth_clean(e->install_hint,
	    strlen(e->install_hint)) : NULL;
	err = auth_exec_stderr(ae);
	if (ae->overflow) {
		msg = xasprintf("credential plugin %s printed more than %d bytes", e->command,
		    AUTH_MAX_STDOUT);
	} else if (!WIFEXITED(ae->status) || WEXITSTATUS(ae->status) != 0) {
		msg = xasprintf("credential plugin %s failed (%s)%s%s%s%s", e->command,
		    term_status(ae->status), *err != '\0' ? ": " : "", err,
		    WIFEXITED(ae->status) && hint != NULL ? "; " : "",
		    WIFEXITED(ae->status) && hint != NULL ? hint : "");
	} else if (auth_exec_parse(ae->ctx, ae->out.p != NULL ? ae->out.p : "", ae->out.len,
	    &why) != 0) {
		msg = xasprintf("%s%s%s", why, *err != '\0' ? ": " : "", err);
	} else
		rc = 0;
	if (rc != 0) {
		free(why);
		why = auth_clean(msg, strlen(msg));
		auth_set_error(ae->ctx, why);
		*cause = why;
	}
	free(msg);
	free(err);
	free(hint);
	return rc;
}

/* Kill if needed, reap and free. */
void
auth_exec_free(struct auth_exec *ae)
{
	char *msg;

	if (ae == NULL)
		return;
	if (!ae->finished && ae->pid > 0) {
		msg = loop_now() >= ae->deadline - 0.05 ?
		    xasprintf("credential plugin %s timed out after %.0f s and was killed",
		    ae->ctx->exec->command, ae->deadline - ae->started) :
		    xasprintf("credential plugin %s was cancelled", ae->ctx->exec->command);
		auth_set_error(ae->ctx, msg);
		free(msg);
	}
	auth_exec_kill(ae);
	if (ae->out_fd != -1)
		close(ae->out_fd);
	close(ae->err_fd);
	if (ae->out.p != NULL)
		explicit_bzero(ae->out.p, ae->out.len);
	buf_free(&ae->out);
	free(ae);
}

/* Run the plugin to completion, blocking (bounded by its timeout). */
int
auth_exec_run(struct kube_context *ctx, char **cause)
{
	struct auth_exec *ae;
	struct pollfd pfd;
	double left;
	int r;

	ae = auth_exec_start(ctx, cause);
	if (ae == NULL)
		return -1;
	for (;;) {
		left = auth_exec_timeout(ae);
		if (left <= 0) {
			ae->deadline = loop_now();
			auth_exec_free(ae);
			*cause = xstrdup(ctx->exec->last_error);
			return -1;
		}
		pfd.fd = ae->out_fd;
		pfd.events = POLLIN;
		pfd.revents = 0;
		r = poll(&pfd, 1, (int)(left * 1000) + 1);
		if (r == -1 && errno != EINTR) {
			*cause = xasprintf("credential plugin: poll: %s", strerror(errno));
			auth_exec_free(ae);
			return -1;
		}
		if (r > 0 && auth_exec_feed(ae) != 0)
			break;
	}
	r = auth_exec_finish(ae, cause);
	auth_exec_free(ae);
	return r;
}
