/* The kubeconfig a drill writes for its clusters: per cluster an admin
 * context (client certificate), a viewer context (bearer token) and, for the
 * first cluster, an exec-plugin context; written atomically. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "opsdeck/xmalloc.h"
#include "drill.h"

/* Base64 of a string (new). */
static char *
b64(const char *s)
{
	return drill_base64(s, strlen(s));
}

/* Append context name for cluster c and user. The admin context (the one
 * named after the cluster) carries the cluster's role and protection in the
 * opsdeck.dev/context extension: kubectl ignores it, opsdeck reads it, so a
 * drill needs no config.yaml and {{role:dr}} names exactly one context. */
static void
add_context(json_t *contexts, const char *name, const struct sim_cluster *c,
    const char *user)
{
	json_t *ctx;

	ctx = json_pack("{s:s,s:s}", "cluster", c->name, "user", user);
	if (strcmp(name, c->name) == 0) {
		json_object_set_new(ctx, "extensions", json_pack("[{s:s,s:{s:s,s:s,s:b,s:b}}]",
		    "name", "opsdeck.dev/context", "extension",
		    "role", c->role != NULL ? c->role : "",
		    "region", c->region != NULL ? c->region : "",
		    "protected", c->protected_ctx, "drill", 1));
	} else {
		/* viewer@ and exec@ contexts: a drill's, but no role (one
		 * context per role keeps {{role:dr}} unambiguous) */
		json_object_set_new(ctx, "extensions", json_pack("[{s:s,s:{s:b}}]",
		    "name", "opsdeck.dev/context", "extension", "drill", 1));
	}
	json_array_append_new(contexts, json_pack("{s:s,s:o}", "name", name, "context", ctx));
}

/* Write the kubeconfig (JSON is valid YAML) to path via a temporary file. */
int
drill_kubeconfig_write(struct sim *sim, const struct drill_creds *cr, const char *path,
    const char *self, char **cause)
{
	json_t		*kc, *clusters, *users, *contexts, *exec;
	char		*ca, *cert, *key, *server, *ctx, *tmp = NULL;
	const char	*ttl;
	size_t		 i;
	FILE		*f = NULL;
	int		 rc = -1, fd;

	ca = b64(cr->ca_cert);
	cert = b64(cr->client_cert);
	key = b64(cr->client_key);
	clusters = json_array();
	users = json_array();
	contexts = json_array();
	json_array_append_new(users, json_pack("{s:s,s:{s:s,s:s}}", "name", "drill-admin",
	    "user", "client-certificate-data", cert, "client-key-data", key));
	json_array_append_new(users, json_pack("{s:s,s:{s:s}}", "name", "drill-viewer",
	    "user", "token", cr->viewer_token));
	exec = json_pack("{s:s,s:s,s:[s,s],s:[{s:s,s:s}],s:s,s:b}",
	    "apiVersion", "client.authentication.k8s.io/v1", "command", self,
	    "args", "drill", "credential",
	    "env", "name", "OPSDECK_DRILL_SECRET", "value", cr->exec_secret,
	    "interactiveMode", "Never", "provideClusterInfo", 0);
	ttl = getenv("OPSDECK_DRILL_TOKEN_TTL");
	if (ttl != NULL && *ttl != '\0')
		json_array_append_new(json_object_get(exec, "env"), json_pack("{s:s,s:s}",
		    "name", "OPSDECK_DRILL_TOKEN_TTL", "value", ttl));
	json_array_append_new(users, json_pack("{s:s,s:{s:o}}", "name", "drill-exec", "user",
	    "exec", exec));
	for (i = 0; i < sim->nclusters; i++) {
		struct sim_cluster *c = sim->clusters[i];

		server = xasprintf("https://127.0.0.1:%d", c->port);
		json_array_append_new(clusters, json_pack("{s:s,s:{s:s,s:s}}", "name", c->name,
		    "cluster", "server", server, "certificate-authority-data", ca));
		add_context(contexts, c->name, c, "drill-admin");
		ctx = xasprintf("viewer@%s", c->name);
		add_context(contexts, ctx, c, "drill-viewer");
		free(ctx);
		ctx = xasprintf("exec@%s", c->name);
		add_context(contexts, ctx, c, "drill-exec");
		free(ctx);
		free(server);
	}
	kc = json_pack("{s:s,s:s,s:o,s:o,s:o,s:s,s:{}}", "apiVersion", "v1", "kind", "Config",
	    "clusters", clusters, "users", users, "contexts", contexts, "current-context",
	    sim->nclusters > 0 ? sim->clusters[0]->name : "", "preferences");
	tmp = xasprintf("%s.tmp.%ld", path, (long)getpid());
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	f = fd != -1 ? fdopen(fd, "w") : NULL;
	if (f == NULL) {
		if (fd != -1)
			close(fd);
		*cause = xasprintf("%s: %s", tmp, strerror(errno));
		goto out;
	}
	if (json_dumpf(kc, f, JSON_INDENT(2)) != 0 || fputc('\n', f) == EOF ||
	    fflush(f) != 0 || fsync(fileno(f)) != 0) {
		*cause = xasprintf("%s: write failed", tmp);
		goto out;
	}
	fclose(f);
	f = NULL;
	if (rename(tmp, path) != 0) {
		*cause = xasprintf("%s: %s", path, strerror(errno));
		goto out;
	}
	rc = 0;
out:
	if (f != NULL)
		fclose(f);
	if (rc != 0 && tmp != NULL)
		unlink(tmp);
	free(tmp);
	json_decref(kc);
	free(ca);
	free(cert);
	free(key);
	return rc;
}
