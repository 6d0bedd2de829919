/* The session of a headless command (opsdeck get, describe, silence,
 * runbook run): config.yaml and the kubeconfig loaded, contexts selected,
 * and the loop, store and client built over them, torn down in one call.
 *
 * Two steps, so a command that derives its contexts from the files (runbook
 * run adds the contexts that have a role) can do so between them; the
 * others call hl_session_open. */
#ifndef OPSDECK_HL_SESSION_H
#define OPSDECK_HL_SESSION_H

#include <stdbool.h>
#include <stddef.h>

struct client;
struct client_opts;
struct kube_context;
struct kubeconfig;
struct loop;
struct opsdeck_config;
struct store;

struct hl_session_opts {
	const char			*kubeconfig;	/* path, or NULL: $KUBECONFIG */
	const char			*spec;		/* contexts, as kubeconfig_select */
	bool				 all;		/* every context */
	bool				 need_config;	/* a broken config.yaml is an error,
							 * else reported and ignored */
	bool				 server_tables;	/* rows in the API server's columns */
	bool				 signals;	/* catch signals (hl_signals_install) */
	/* Registers the commands the session runs, the action pipeline
	 * then running on the loop; NULL: none (a read-only session). */
	void				(*commands)(void);
	const struct client_opts	*client;	/* NULL: defaults */
};

struct hl_session {
	struct opsdeck_config	 *cfg;		/* NULL if broken and ignored */
	struct kubeconfig	 *kc;
	struct kube_context	**ctxs;		/* selected, store cluster order */
	size_t			  nctx;
	struct loop		 *loop;
	struct store		 *store;
	struct client		 *client;
	bool			  signals;	/* installed: removed on close */
	bool			  actions;	/* registered: shut down on close */
};

/* Step one: load config.yaml and the kubeconfig, print their warnings on
 * stderr. 0, or -1 with *cause. */
int	 hl_session_load(struct hl_session *, const struct hl_session_opts *, char **cause);
/* Step two: select the contexts (none is an error) and build the loop,
 * store and client over them. 0, or -1 with *cause; s->loop is still NULL
 * if the selection failed. */
int	 hl_session_start(struct hl_session *, const struct hl_session_opts *, char **cause);
/* Both steps; on failure prints "opsdeck: CAUSE" on stderr and returns -1. */
int	 hl_session_open(struct hl_session *, const struct hl_session_opts *);
/* Tear down what was built (after either step, or none: zeroed). */
void	 hl_session_close(struct hl_session *);

#endif
