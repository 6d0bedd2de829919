/* The kubeconfig reader's private parts, shared by tui/kubeconfig.c (the
 * loader and merger, context selection) and tui/kubeconfig_auth.c (a
 * context's credentials: exec plugin entries, token files, and the libcurl
 * setup for one context). Not a contract. */
#ifndef OPSDECK_KUBECONFIG_INT_H
#define OPSDECK_KUBECONFIG_INT_H

#include <yaml.h>

#include "opsdeck/kubeconfig.h"

/* tui/kubeconfig_auth.c */
void	 kc_exec_free(struct kube_exec *e);
struct kube_exec	*kc_parse_exec(yaml_document_t *doc, yaml_node_t *m, const char *dir,
	    char **cause);
struct kube_exec	*kc_exec_dup(const struct kube_exec *e);

#endif
