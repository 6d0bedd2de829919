/* Fuzz target: kubeconfig documents, and the same bytes as a plugin's
 * ExecCredential output. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "opsdeck/auth.h"
#include "opsdeck/kubeconfig.h"
#include "opsdeck/xmalloc.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char cmd[] = "plugin", apiv[] = "client.authentication.k8s.io/v1";
	struct kube_exec exec;
	struct kube_context ctx;
	struct kubeconfig *kc;
	char *cause = NULL, *url;
	size_t i;

	kc = kubeconfig_parse((const char *)data, size, "fuzz", "/nonexistent", &cause);
	if (kc != NULL) {
		for (i = 0; i < kc->ncontexts; i++) {
			url = kube_url(kc->contexts[i], "/api");
			free(url);
		}
		kubeconfig_free(kc);
	}
	free(cause);
	cause = NULL;

	memset(&exec, 0, sizeof exec);
	memset(&ctx, 0, sizeof ctx);
	exec.command = cmd;
	exec.api_version = apiv;
	ctx.name = cmd;
	ctx.exec = &exec;
	if (auth_exec_parse(&ctx, (const char *)data, size, &cause) == 0) {
		free(exec.cred_token);
		free(exec.cred_cert);
		free(exec.cred_key);
	}
	free(exec.last_error);
	free(cause);
	return 0;
}
