/* The session of a headless command (see hl_session.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "opsdeck/actions.h"
#include "opsdeck/client.h"
#include "opsdeck/config.h"
#include "opsdeck/hl_session.h"
#include "opsdeck/hl_signal.h"
#include "opsdeck/kubeconfig.h"
#include "opsdeck/loop.h"
#include "opsdeck/store.h"
#include "opsdeck/xmalloc.h"

/* Load the files: a required config.yaml first, then the kubeconfig. */
int
hl_session_load(struct hl_session *s, const struct hl_session_opts *o, char **cause)
{
	memset(s, 0, sizeof *s);
	if (o->need_config && (s->cfg = config_load(NULL, cause)) == NULL)
		return -1;
	s->kc = kubeconfig_load(o->kubeconfig, cause);
	if (s->kc == NULL)
		return -1;
	if (!o->need_config && (s->cfg = config_load(NULL, cause)) == NULL) {
		fprintf(stderr, "opsdeck: %s (ignored)\n", *cause);
		free(*cause);
		*cause = NULL;
	}
	kubeconfig_warnings(s->kc, s->cfg, kubeconfig_warn_stderr, NULL);
	return 0;
}

/* Select the contexts, build the loop, store and client. */
int
hl_session_start(struct hl_session *s, const struct hl_session_opts *o, char **cause)
{
	if (kubeconfig_select(s->kc, s->cfg, o->spec, o->all, &s->ctxs, &s->nctx, cause) != 0)
		return -1;
	if (s->nctx == 0) {
		*cause = xstrdup("no context selected (no current-context; use --context or "
		    "--all-contexts)");
		return -1;
	}
	s->loop = loop_new();
	if (o->signals) {
		if (hl_signals_install(s->loop, cause) != 0)
			return -1;
		s->signals = true;
	}
	s->store = store_new();
	if (o->server_tables)
		store_set_server_tables(s->store, true);
	s->client = client_new(s->loop, s->store, s->ctxs, s->nctx, o->client);
	if (o->commands != NULL) {
		actions_set_loop(s->loop);
		o->commands();
		s->actions = true;
	}
	return 0;
}

/* Both steps, the cause on stderr. */
int
hl_session_open(struct hl_session *s, const struct hl_session_opts *o)
{
	char *cause = NULL;

	if (hl_session_load(s, o, &cause) == 0 && hl_session_start(s, o, &cause) == 0)
		return 0;
	fprintf(stderr, "opsdeck: %s\n", cause);
	free(cause);
	return -1;
}

/* Tear down, the pipeline first (it records what did not finish). */
void
hl_session_close(struct hl_session *s)
{
	if (s->actions)
		actions_shutdown();
	client_free(s->client);
	store_free(s->store);
	if (s->signals)
		hl_signals_remove(s->loop);
	loop_free(s->loop);
	free(s->ctxs);
	kubeconfig_free(s->kc);
	config_free(s->cfg);
	memset(s, 0, sizeof *s);
}
