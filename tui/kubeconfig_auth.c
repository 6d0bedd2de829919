/* A context's credentials: users[].user.exec entries (the plugins run in
 * auth.c), token files re-read when they change, and the libcurl setup for
 * one context: TLS material, proxy as client-go chooses it, the bearer
 * token. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "opsdeck/auth.h"
#include "opsdeck/file.h"
#include "opsdeck/kubeconfig.h"
#include "opsdeck/xmalloc.h"
#include "opsdeck/ydoc.h"

#include "kubeconfig_int.h"

#define KC_MAX_TOKEN	(64 * 1024)		/* a tokenFile */
#define KC_EXEC_TIMEOUT	30.0

/* Free an exec plugin description and its cached credential. */
void
kc_exec_free(struct kube_exec *e)
{
	size_t i;

	if (e == NULL)
		return;
	free(e->command);
	for (i = 0; i < e->nargs; i++)
		free(e->args[i]);
	free(e->args);
	for (i = 0; i < e->nenv; i++) {
		free(e->env_names[i]);
		free(e->env_values[i]);
	}
	free(e->env_names);
	free(e->env_values);
	free(e->api_version);
	free(e->interactive_mode);
	free(e->install_hint);
	free(e->cred_token);
	if (e->cred_key != NULL)
		explicit_bzero(e->cred_key, e->cred_key_len);
	free(e->cred_cert);
	free(e->cred_key);
	free(e->last_error);
	free(e);
}

/* Parse users[].user.exec; NULL and *cause if invalid. */
struct kube_exec *
kc_parse_exec(yaml_document_t *doc, yaml_node_t *m, const char *dir, char **cause)
{
	struct kube_exec *e;
	yaml_node_t *n, *item;
	yaml_node_item_t *it;
	const char *s, *name, *value;
	int b;

	if (m->type != YAML_MAPPING_NODE) {
		*cause = xasprintf("exec must be a mapping");
		return NULL;
	}
	e = xcalloc(1, sizeof *e);
	e->timeout = KC_EXEC_TIMEOUT;
	s = ydoc_str(ydoc_get(doc, m, "command"));
	if (s == NULL || *s == '\0') {
		*cause = xasprintf("exec: command is required");
		goto bad;
	}
	e->command = strchr(s, '/') != NULL ? file_resolve(dir, s) : xstrdup(s);
	e->api_version = ydoc_strdup(doc, m, "apiVersion");
	if (e->api_version == NULL) {
		*cause = xasprintf("exec: apiVersion is required");
		goto bad;
	}
	if (strcmp(e->api_version, "client.authentication.k8s.io/v1") != 0 &&
	    strcmp(e->api_version, "client.authentication.k8s.io/v1beta1") != 0) {
		*cause = xasprintf("exec: unsupported apiVersion '%s' (want "
		    "client.authentication.k8s.io/v1 or v1beta1)", e->api_version);
		goto bad;
	}
	e->interactive_mode = ydoc_strdup(doc, m, "interactiveMode");
	if (e->interactive_mode == NULL &&
	    strcmp(e->api_version, "client.authentication.k8s.io/v1") == 0) {
		*cause = xasprintf("exec: interactiveMode must be specified for %s",
		    e->api_version);
		goto bad;
	}
	if (e->interactive_mode != NULL && strcmp(e->interactive_mode, "Never") != 0 &&
	    strcmp(e->interactive_mode, "IfAvailable") != 0 &&
	    strcmp(e->interactive_mode, "Always") != 0) {
		*cause = xasprintf("exec: invalid interactiveMode '%s' (Never, IfAvailable, "
		    "Always)", e->interactive_mode);
		goto bad;
	}
	n = ydoc_get(doc, m, "provideClusterInfo");
	if (n != NULL) {
		b = ydoc_bool(n);
		if (b == -1) {
			*cause = xasprintf("exec: provideClusterInfo must be true or false");
			goto bad;
		}
		e->provide_cluster_info = b;
	}
	e->install_hint = ydoc_strdup(doc, m, "installHint");
	n = ydoc_get(doc, m, "args");
	if (n != NULL && n->type == YAML_SEQUENCE_NODE) {
		for (it = n->data.sequence.items.start; it < n->data.sequence.items.top; it++) {
			s = ydoc_str(yaml_document_get_node(doc, *it));
			if (s == NULL) {
				*cause = xasprintf("exec: args must be strings");
				goto bad;
			}
			e->args = xreallocarray(e->args, e->nargs + 1, sizeof *e->args);
			e->args[e->nargs++] = xstrdup(s);
		}
	} else if (n != NULL && ydoc_str(n) == NULL) {
		*cause = xasprintf("exec: args must be a list");
		goto bad;
	}
	n = ydoc_get(doc, m, "env");
	if (n != NULL && n->type == YAML_SEQUENCE_NODE) {
		for (it = n->data.sequence.items.start; it < n->data.sequence.items.top; it++) {
			item = yaml_document_get_node(doc, *it);
			name = ydoc_str(ydoc_get(doc, item, "name"));
			value = ydoc_str(ydoc_get(doc, item, "value"));
			if (name == NULL || *name == '\0' || strchr(name, '=') != NULL) {
				*cause = xasprintf("exec: env entries need a name (and no '=')");
				goto bad;
			}
			e->env_names = xreallocarray(e->env_names, e->nenv + 1,
			    sizeof *e->env_names);
			e->env_values = xreallocarray(e->env_values, e->nenv + 1,
			    sizeof *e->env_values);
			e->env_names[e->nenv] = xstrdup(name);
			e->env_values[e->nenv] = xstrdup(value != NULL ? value : "");
			e->nenv++;
		}
	} else if (n != NULL && ydoc_str(n) == NULL) {
		*cause = xasprintf("exec: env must be a list of {name, value}");
		goto bad;
	}
	return e;
bad:
	kc_exec_free(e);
	return NULL;
}

/* Copy an exec description (not its cache) for one context. */
struct kube_exec *
kc_exec_dup(const struct kube_exec *e)
{
	struct kube_exec *d = xcalloc(1, sizeof *d);
	size_t i;

	d->command = xstrdup(e->command);
	d->nargs = e->nargs;
	d->args = xcalloc(e->nargs, sizeof *d->args);
	for (i = 0; i < e->nargs; i++)
		d->args[i] = xstrdup(e->args[i]);
	d->nenv = e->nenv;
	d->env_names = xcalloc(e->nenv, sizeof *d->env_names);
	d->env_values = xcalloc(e->nenv, sizeof *d->env_values);
	for (i = 0; i < e->nenv; i++) {
		d->env_names[i] = xstrdup(e->env_names[i]);
		d->env_values[i] = xstrdup(e->env_values[i]);
	}
	d->api_version = xstrdup(e->api_version);
	d->interactive_mode = e->interactive_mode != NULL ? xstrdup(e->interactive_mode) : NULL;
	d->provide_cluster_info = e->provide_cluster_info;
	d->install_hint = e->install_hint != NULL ? xstrdup(e->install_hint) : NULL;
	d->timeout = e->timeout;
	return d;
}

/* The full URL for path on ctx. */
char *
kube_url(const struct kube_context *ctx, const char *path)
{
	const char *server = ctx->server != NULL ? ctx->server : "";
	size_t len = strlen(server);
	char *base, *url = NULL, *out;
	CURLU *u;

	while (len > 0 && server[len - 1] == '/')
		len--;
	base = xstrndup(server, len);
	out = xasprintf("%s%s%s", base, path[0] == '/' || path[0] == '\0' ? "" : "/", path);
	free(base);
	if (ctx->tls_server_name == NULL)
		return out;
	u = curl_url();
	if (u != NULL && curl_url_set(u, CURLUPART_URL, out, 0) == CURLUE_OK &&
	    curl_url_set(u, CURLUPART_HOST, ctx->tls_server_name, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_URL, &url, 0) == CURLUE_OK) {
		free(out);
		out = xstrdup(url);
		curl_free(url);
	}
	curl_url_cleanup(u);
	return out;
}

/* Re-read ctx's tokenFile if its mtime changed; the token or NULL. */
static const char *
kc_file_token(struct kube_context *ctx, char **cause)
{
	struct stat st;
	char *buf, *why = NULL;
	size_t len;

	if (stat(ctx->token_file, &st) != 0) {
		*cause = xasprintf("tokenFile %s: %s", ctx->token_file, strerror(errno));
		return NULL;
	}
	if (ctx->file_token != NULL && st.st_mtim.tv_sec == ctx->file_token_mtime.tv_sec &&
	    st.st_mtim.tv_nsec == ctx->file_token_mtime.tv_nsec)
		return ctx->file_token;
	buf = file_read(ctx->token_file, KC_MAX_TOKEN, &len, &why);
	if (buf == NULL) {
		*cause = xasprintf("tokenFile %s", why);
		free(why);
		return NULL;
	}
	while (len > 0 && (buf[len - 1] == '\n' || buf[len - 1] == '\r' ||
	    buf[len - 1] == ' ' || buf[len - 1] == '\t'))
		buf[--len] = '\0';
	if (len == 0 || strpbrk(buf, "\r\n") != NULL) {
		*cause = xasprintf("tokenFile %s: %s", ctx->token_file,
		    len == 0 ? "empty" : "holds more than one line");
		free(buf);
		return NULL;
	}
	free(ctx->file_token);
	ctx->file_token = buf;
	ctx->file_token_mtime = st.st_mtim;
	return buf;
}

/* The bearer token to send for ctx, NULL for none; -1 on error. */
static int
kc_bearer(struct kube_context *ctx, const char **token, char **cause)
{
	const char *ft;
	char *why = NULL;

	*token = NULL;
	if (ctx->exec != NULL) {
		if (!auth_have_cred(ctx)) {
			*cause = ctx->exec->last_error != NULL ? xstrdup(ctx->exec->last_error) :
			    xasprintf("credential plugin %s has not run yet", ctx->exec->command);
			return -1;
		}
		if (ctx->exec->cred_token != NULL) {
			*token = ctx->exec->cred_token;
			return 0;
		}
	}
	/*
	 * client-go: with both token and tokenFile the file is re-read per
	 * request and wins while it is readable, the inline token is the
	 * fallback; with only tokenFile an unreadable file is an error.
	 */
	if (ctx->token_file != NULL) {
		ft = kc_file_token(ctx, &why);
		if (ft != NULL) {
			*token = ft;
			return 0;
		}
		if (ctx->token == NULL) {
			*cause = why;
			return -1;
		}
		free(why);
	}
	*token = ctx->token;
	return 0;
}

/* True if the URL's host is this machine (never proxied by client-go). */
static bool
kc_loopback(const char *url)
{
	char *host = NULL;
	bool yes = false;
	CURLU *u = curl_url();

	if (u != NULL && curl_url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_HOST, &host, 0) == CURLUE_OK) {
		yes = strcasecmp(host, "localhost") == 0 || strncmp(host, "127.", 4) == 0 ||
		    strcmp(host, "[::1]") == 0;
	}
	curl_free(host);
	curl_url_cleanup(u);
	return yes;
}

/*
 * Without proxy-url, client-go takes the proxy from HTTPS_PROXY/https_proxy
 * and NO_PROXY/no_proxy (Go's ProxyFromEnvironment), ignores ALL_PROXY and
 * never proxies loopback hosts; set curl up the same way rather than let it
 * read the environment by its own rules.
 */
static void
kc_env_proxy(CURL *easy, const struct kube_context *ctx)
{
	const char *p = getenv("HTTPS_PROXY"), *np = getenv("NO_PROXY");

	if (p == NULL || *p == '\0')
		p = getenv("https_proxy");
	if (np == NULL || *np == '\0')
		np = getenv("no_proxy");
	if (p == NULL || *p == '\0' || kc_loopback(ctx->server)) {
		curl_easy_setopt(easy, CURLOPT_PROXY, "");
		return;
	}
	curl_easy_setopt(easy, CURLOPT_PROXY, p);
	curl_easy_setopt(easy, CURLOPT_NOPROXY, np != NULL ? np : "");
}

/* Configure easy to talk to ctx. */
struct curl_slist *
kube_easy_setup(CURL *easy, struct kube_context *ctx, struct curl_slist *extra, char **cause)
{
	struct curl_blob blob;
	struct curl_slist *h = extra;
	const char *token = NULL, *cert, *key;
	size_t cert_len, key_len;
	char *line, *host = NULL, *port = NULL, *proxy;
	CURLU *u = NULL;

	if (ctx->error != NULL) {
		*cause = xstrdup(ctx->error);
		goto bad;
	}
	if (ctx->server == NULL) {
		*cause = xasprintf("context '%s' has no server", ctx->name);
		goto bad;
	}
	if (kc_bearer(ctx, &token, cause) != 0)
		goto bad;

	if (ctx->ca_data != NULL) {
		blob.data = ctx->ca_data;
		blob.len = ctx->ca_len;
		blob.flags = CURL_BLOB_COPY;
		curl_easy_setopt(easy, CURLOPT_CAINFO_BLOB, &blob);
	}
	if (ctx->insecure) {
		curl_easy_setopt(easy, CURLOPT_SSL_VERIFYPEER, 0L);
		curl_easy_setopt(easy, CURLOPT_SSL_VERIFYHOST, 0L);
	} else {
		curl_easy_setopt(easy, CURLOPT_SSL_VERIFYPEER, 1L);
		curl_easy_setopt(easy, CURLOPT_SSL_VERIFYHOST, 2L);
	}

	cert = ctx->client_cert_data;
	cert_len = ctx->client_cert_len;
	key = ctx->client_key_data;
	key_len = ctx->client_key_len;
	if (ctx->exec != NULL && ctx->exec->cred_cert != NULL && ctx->exec->cred_key != NULL) {
		cert = ctx->exec->cred_cert;
		cert_len = ctx->exec->cred_cert_len;
		key = ctx->exec->cred_key;
		key_len = ctx->exec->cred_key_len;
	}
	if (cert != NULL && key != NULL) {
		blob.data = (void *)cert;
		blob.len = cert_len;
		blob.flags = CURL_BLOB_COPY;
		curl_easy_setopt(easy, CURLOPT_SSLCERT_BLOB, &blob);
		curl_easy_setopt(easy, CURLOPT_SSLCERTTYPE, "PEM");
		blob.data = (void *)key;
		blob.len = key_len;
		curl_easy_setopt(easy, CURLOPT_SSLKEY_BLOB, &blob);
		curl_easy_setopt(easy, CURLOPT_SSLKEYTYPE, "PEM");
	}

	if (ctx->tls_server_name != NULL) {
		/*
		 * curl has no option to set SNI alone: the URL (kube_url) names
		 * tls-server-name, CONNECT_TO sends the connection to the real
		 * server, and Host keeps the real server's name as client-go does.
		 */
		u = curl_url();
		if (u == NULL || curl_url_set(u, CURLUPART_URL, ctx->server, 0) != CURLUE_OK ||
		    curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK ||
		    curl_url_get(u, CURLUPART_PORT, &port, CURLU_DEFAULT_PORT) != CURLUE_OK) {
			*cause = xasprintf("context '%s': cannot parse server '%s'", ctx->name,
			    ctx->server);
			goto bad;
		}
		if (ctx->connect_to == NULL) {
			line = xasprintf("%s:%s:%s:%s", ctx->tls_server_name, port, host, port);
			ctx->connect_to = curl_slist_append(NULL, line);
			free(line);
		}
		curl_easy_setopt(easy, CURLOPT_CONNECT_TO, ctx->connect_to);
		line = xasprintf("Host: %s:%s", host, port);
		h = curl_slist_append(h, line);
		free(line);
	}

	if (ctx->proxy_url != NULL) {
		/* client-go resolves names at a SOCKS5 proxy: that is curl's socks5h. */
		if (strncmp(ctx->proxy_url, "socks5://", 9) == 0)
			proxy = xasprintf("socks5h://%s", ctx->proxy_url + 9);
		else
			proxy = xstrdup(ctx->proxy_url);
		curl_easy_setopt(easy, CURLOPT_PROXY, proxy);
		free(proxy);
	} else
		kc_env_proxy(easy, ctx);

	if (token != NULL) {
		line = xasprintf("Authorization: Bearer %s", token);
		h = curl_slist_append(h, line);
		explicit_bzero(line, strlen(line));
		free(line);
	} else if (ctx->username != NULL) {
		curl_easy_setopt(easy, CURLOPT_HTTPAUTH, (long)CURLAUTH_BASIC);
		curl_easy_setopt(easy, CURLOPT_USERNAME, ctx->username);
		curl_easy_setopt(easy, CURLOPT_PASSWORD,
		    ctx->password != NULL ? ctx->password : "");
	}

	curl_easy_setopt(easy, CURLOPT_USERAGENT, "opsdeck/" OPSDECK_VERSION);
	if (!ctx->disable_compression)
		curl_easy_setopt(easy, CURLOPT_ACCEPT_ENCODING, "gzip");
	curl_easy_setopt(easy, CURLOPT_HTTP_VERSION, (long)CURL_HTTP_VERSION_2TLS);
	if (h == NULL)
		h = curl_slist_append(NULL, "Expect:");	/* never return NULL on success */
	curl_easy_setopt(easy, CURLOPT_HTTPHEADER, h);
	curl_free(host);
	curl_free(port);
	curl_url_cleanup(u);
	return h;
bad:
	curl_free(host);
	curl_free(port);
	curl_url_cleanup(u);
	curl_slist_free_all(h);
	return NULL;
}
