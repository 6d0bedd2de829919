/* Credentials for a kube_context: exec credential plugins (client-go's
 * ExecCredential protocol, v1 and v1beta1) run without blocking the loop,
 * their result cached until expirationTimestamp and dropped on 401.
 *
 * Loop use (no thread, no blocking):
 *	if (auth_needs_exec(ctx)) {
 *		ae = auth_exec_start(ctx, &cause);	// fork/exec, pipes
 *		loop_add_fd(loop, auth_exec_fd(ae), POLLIN, cb, ae);
 *		loop_timer_add(loop, auth_exec_timeout(ae), timeout_cb, ae);
 *	}
 *	cb:	if (auth_exec_feed(ae) != 0) {	// EOF or error
 *			loop_remove_fd(...); cancel the timer;
 *			rc = auth_exec_finish(ae, &cause); auth_exec_free(ae);
 *			// rc 0: the credential is cached in ctx->exec
 *		}
 *	timeout_cb: loop_remove_fd; auth_exec_free(ae) (kills the plugin);
 *		    ctx->exec->last_error says it timed out.
 *
 * auth_exec_run is the blocking variant for headless tools and tests. */
#ifndef OPSDECK_AUTH_H
#define OPSDECK_AUTH_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

struct kube_context;
struct auth_exec;
struct loop;

/* True if ctx uses an exec plugin and has no credential valid now (none
 * cached, or it expires within the refresh margin of 10 s). */
bool		 auth_needs_exec(const struct kube_context *);
/* A program's executable: command itself if it has a slash, else the
 * first executable match on PATH (new string), or NULL. */
char		*auth_lookpath(const char *command);
/* True if ctx's exec plugin has left a credential that has not expired. */
bool		 auth_have_cred(const struct kube_context *);
/* Forget cached credentials (call on 401, then run the plugin again once).
 * Also forces the tokenFile to be re-read. */
void		 auth_invalidate(struct kube_context *);

/* Start ctx's exec plugin. NULL and *cause on failure (no exec, fork). */
struct auth_exec *auth_exec_start(struct kube_context *, char **cause);
/* The plugin's stdout, non-blocking: watch for POLLIN. */
int		 auth_exec_fd(const struct auth_exec *);
pid_t		 auth_exec_pid(const struct auth_exec *);
/* Seconds from now until the plugin must be killed. */
double		 auth_exec_timeout(const struct auth_exec *);
/* Read what is available: 0 more to come, 1 EOF, -1 error (output over the
 * 1 MiB cap or read error). */
int		 auth_exec_feed(struct auth_exec *);
/* After feed returned non-zero: reap the plugin (killing it if it lingers),
 * parse its ExecCredential, cache it in ctx->exec. 0, or -1 with *cause
 * (stderr, bounded and sanitised, plus installHint), also kept in
 * ctx->exec->last_error. */
int		 auth_exec_finish(struct auth_exec *, char **cause);
/* Kill (if still running), reap and free. */
void		 auth_exec_free(struct auth_exec *);

/* Blocking: run the plugin (bounded by its timeout) and cache the result. */
int		 auth_exec_run(struct kube_context *, char **cause);

/* Parse an ExecCredential document (the plugin's stdout) for ctx: checks
 * kind and apiVersion, stores token or certificate+key and expiry in
 * ctx->exec. 0, or -1 with *cause. */
int		 auth_exec_parse(struct kube_context *, const char *buf, size_t len,
		    char **cause);
/* The KUBERNETES_EXEC_INFO value for ctx (new string). */
char		*auth_exec_info(const struct kube_context *);

#endif
