/* kubeconfig files merged with client-go's rules, and context selection.
 * A context's credentials and the libcurl configuration for one context
 * are in kubeconfig_auth.c (see kubeconfig_int.h). */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "opsdeck/config.h"
#include "opsdeck/file.h"
#include "opsdeck/kubeconfig.h"
#include "opsdeck/sanitize.h"
#include "opsdeck/xmalloc.h"
#include "opsdeck/ydoc.h"

#include "kubeconfig_int.h"

#define KC_MAX_FILE	(16 * 1024 * 1024)	/* a kubeconfig */
#define KC_MAX_PEM	(1024 * 1024)		/* a CA, certificate or key file */
#define KC_MAX_FILES	64
#define KC_MAX_WARNINGS	64

/* A cluster entry as read, before contexts join it. */
struct kc_cluster {
	char		*name;
	char		*server;
	char		*ca_data;
	size_t		 ca_len;
	bool		 insecure;
	char		*tls_server_name;
	char		*proxy_url;
	bool		 disable_compression;
	char		*error;
};

/* A user entry as read. */
struct kc_user {
	char		*name;
	char		*cert_data;
	size_t		 cert_len;
	char		*key_data;
	size_t		 key_len;
	char		*token;
	char		*token_file;
	char		*username;
	char		*password;
	struct kube_exec *exec;
	char		*error;
};

/* A context entry as read. */
struct kc_ctx {
	char		*name;
	char		*cluster;
	char		*user;
	char		*ns;
	char		*role;		/* from the opsdeck.dev/context extension */
	int		 protected_ctx;	/* -1 unset, else 0/1 (same extension) */
	int		 read_only;	/* -1 unset, else 0/1 */
	bool		 drill;		/* the extension says drill: true */
};

/* Everything read from all files, first entry of each name kept. */
struct kc_merge {
	struct kc_cluster	*clusters;
	size_t			 nclusters;
	struct kc_user		*users;
	size_t			 nusers;
	struct kc_ctx		*ctxs;
	size_t			 nctxs;
	struct kubeconfig	*kc;
};

static const char b64_alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* Decode standard base64, ignoring whitespace. */
char *
kube_base64_decode(const char *in, size_t inlen, size_t *outlen)
{
	char *out = xmalloc(inlen / 4 * 3 + 4);
	unsigned int acc = 0;
	size_t i, n = 0, bits = 0, pad = 0, sym = 0;
	const char *p;

	for (i = 0; i < inlen; i++) {
		if (in[i] == ' ' || in[i] == '\n' || in[i] == '\r' || in[i] == '\t')
			continue;
		if (in[i] == '=') {
			pad++;
			continue;
		}
		if (pad != 0 || in[i] == '\0')
			goto bad;
		p = strchr(b64_alphabet, in[i]);
		if (p == NULL)
			goto bad;
		sym++;
		acc = (acc << 6) | (unsigned int)(p - b64_alphabet);
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			out[n++] = (char)((acc >> bits) & 0xff);
		}
	}
	if (pad > 2 || sym % 4 == 1 || (pad != 0 && (sym + pad) % 4 != 0))
		goto bad;
	out[n] = '\0';
	*outlen = n;
	return out;
bad:
	free(out);
	return NULL;
}

/* Append a warning to kc (capped). */
static void
kc_warn(struct kubeconfig *kc, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void
kc_warn(struct kubeconfig *kc, const char *fmt, ...)
{
	va_list ap;

	if (kc->nwarnings >= KC_MAX_WARNINGS)
		return;
	kc->warnings = xreallocarray(kc->warnings, kc->nwarnings + 1, sizeof *kc->warnings);
	va_start(ap, fmt);
	kc->warnings[kc->nwarnings++] = xvasprintf(fmt, ap);
	va_end(ap);
}

/* The directory holding file, made absolute (new string). */
static char *
kc_dirname(const char *file)
{
	const char *slash = strrchr(file, '/');
	char cwd[PATH_MAX], *dir;

	if (slash == NULL)
		dir = xstrdup(".");
	else if (slash == file)
		dir = xstrdup("/");
	else
		dir = xstrndup(file, (size_t)(slash - file));
	if (dir[0] != '/' && getcwd(cwd, sizeof cwd) != NULL) {
		char *abs = strcmp(dir, ".") == 0 ? xstrdup(cwd) : xasprintf("%s/%s", cwd, dir);

		free(dir);
		dir = abs;
	}
	return dir;
}

/* Load PEM material from a -data field (base64) or a file (resolved). */
static int
kc_material(yaml_document_t *doc, yaml_node_t *m, const char *datakey, const char *filekey,
    const char *dir, char **out, size_t *outlen, char **cause)
{
	const char *data = ydoc_str(ydoc_get(doc, m, datakey));
	const char *file = ydoc_str(ydoc_get(doc, m, filekey));
	char *path, *why = NULL;

	if (data != NULL && *data != '\0') {
		*out = kube_base64_decode(data, strlen(data), outlen);
		if (*out == NULL) {
			*cause = xasprintf("%s is not valid base64", datakey);
			return -1;
		}
		return 0;
	}
	if (file == NULL || *file == '\0')
		return 0;
	path = file_resolve(dir, file);
	*out = file_read(path, KC_MAX_PEM, outlen, &why);
	free(path);
	if (*out == NULL) {
		*cause = xasprintf("%s: %s", filekey, why);
		free(why);
		return -1;
	}
	return 0;
}

/* Index of the cluster named name, or -1. */
static ssize_t
kc_find_cluster(struct kc_merge *mg, const char *name)
{
	size_t i;

	for (i = 0; i < mg->nclusters; i++) {
		if (strcmp(mg->clusters[i].name, name) == 0)
			return (ssize_t)i;
	}
	return -1;
}

/* Index of the user named name, or -1. */
static ssize_t
kc_find_user(struct kc_merge *mg, const char *name)
{
	size_t i;

	for (i = 0; i < mg->nusers; i++) {
		if (strcmp(mg->users[i].name, name) == 0)
			return (ssize_t)i;
	}
	return -1;
}

/* Index of the context named name, or -1. */
static ssize_t
kc_find_ctx(struct kc_merge *mg, const char *name)
{
	size_t i;

	for (i = 0; i < mg->nctxs; i++) {
		if (strcmp(mg->ctxs[i].name, name) == 0)
			return (ssize_t)i;
	}
	return -1;
}

/* Read clusters[] of one file (entries already named are skipped). */
static void
kc_read_clusters(struct kc_merge *mg, yaml_document_t *doc, yaml_node_t *seq,
    const char *file, const char *dir)
{
	struct kc_cluster *c;
	yaml_node_item_t *it;
	yaml_node_t *item, *m, *n;
	const char *name;
	char *why = NULL;

	for (it = seq->data.sequence.items.start; it < seq->data.sequence.items.top; it++) {
		item = yaml_document_get_node(doc, *it);
		name = ydoc_str(ydoc_get(doc, item, "name"));
		if (name == NULL || *name == '\0') {
			kc_warn(mg->kc, "%s:%d: a cluster without a name is ignored", file,
			    ydoc_line(item));
			continue;
		}
		if (kc_find_cluster(mg, name) != -1)
			continue;
		mg->clusters = xreallocarray(mg->clusters, mg->nclusters + 1,
		    sizeof *mg->clusters);
		c = &mg->clusters[mg->nclusters++];
		memset(c, 0, sizeof *c);
		c->name = xstrdup(name);
		m = ydoc_get(doc, item, "cluster");
		if (m == NULL || m->type != YAML_MAPPING_NODE) {
			c->error = xasprintf("%s:%d: cluster '%s' has no cluster: mapping", file,
			    ydoc_line(item), name);
			continue;
		}
		c->server = ydoc_strdup(doc, m, "server");
		c->tls_server_name = ydoc_strdup(doc, m, "tls-server-name");
		c->proxy_url = ydoc_strdup(doc, m, "proxy-url");
		n = ydoc_get(doc, m, "insecure-skip-tls-verify");
		if (n != NULL)
			c->insecure = ydoc_bool(n) == 1;
		n = ydoc_get(doc, m, "disable-compression");
		if (n != NULL)
			c->disable_compression = ydoc_bool(n) == 1;
		if (ydoc_str(ydoc_get(doc, m, "certificate-authority")) != NULL &&
		    ydoc_str(ydoc_get(doc, m, "certificate-authority-data")) != NULL)
			kc_warn(mg->kc, "%s:%d: cluster '%s': certificate-authority-data "
			    "overrides certificate-authority", file, ydoc_line(m), name);
		if (kc_material(doc, m, "certificate-authority-data", "certificate-authority",
		    dir, &c->ca_data, &c->ca_len, &why) != 0) {
			c->error = xasprintf("cluster '%s': %s", name, why);
			free(why);
			why = NULL;
		}
		if (c->server == NULL && c->error == NULL)
			c->error = xasprintf("cluster '%s' has no server", name);
		if (c->proxy_url != NULL && strncmp(c->proxy_url, "http://", 7) != 0 &&
		    strncmp(c->proxy_url, "https://", 8) != 0 &&
		    strncmp(c->proxy_url, "socks5://", 9) != 0 &&
		    strncmp(c->proxy_url, "socks5h://", 10) != 0 && c->error == NULL)
			c->error = xasprintf("cluster '%s': unsupported proxy-url scheme in '%s' "
			    "(http, https, socks5)", name, c->proxy_url);
	}
}

/* Read users[] of one file. */
static void
kc_read_users(struct kc_merge *mg, yaml_document_t *doc, yaml_node_t *seq,
    const char *file, const char *dir)
{
	struct kc_user *u;
	yaml_node_item_t *it;
	yaml_node_t *item, *m, *n;
	const char *name, *s;
	char *why = NULL;

	for (it = seq->data.sequence.items.start; it < seq->data.sequence.items.top; it++) {
		item = yaml_document_get_node(doc, *it);
		name = ydoc_str(ydoc_get(doc, item, "name"));
		if (name == NULL || *name == '\0') {
			kc_warn(mg->kc, "%s:%d: a user without a name is ignored", file,
			    ydoc_line(item));
			continue;
		}
		if (kc_find_user(mg, name) != -1)
			continue;
		mg->users = xreallocarray(mg->users, mg->nusers + 1, sizeof *mg->users);
		u = &mg->users[mg->nusers++];
		memset(u, 0, sizeof *u);
		u->name = xstrdup(name);
		m = ydoc_get(doc, item, "user");
		if (m == NULL || m->type != YAML_MAPPING_NODE)
			continue;	/* an empty user: no credentials */
		u->token = ydoc_strdup(doc, m, "token");
		s = ydoc_str(ydoc_get(doc, m, "tokenFile"));
		if (s != NULL && *s != '\0')
			u->token_file = file_resolve(dir, s);
		u->username = ydoc_strdup(doc, m, "username");
		u->password = ydoc_strdup(doc, m, "password");
		if (kc_material(doc, m, "client-certificate-data", "client-certificate", dir,
		    &u->cert_data, &u->cert_len, &why) != 0 ||
		    kc_material(doc, m, "client-key-data", "client-key", dir,
		    &u->key_data, &u->key_len, &why) != 0) {
			u->error = xasprintf("user '%s': %s", name, why);
			free(why);
			why = NULL;
		}
		if (u->error == NULL && (u->cert_data == NULL) != (u->key_data == NULL))
			u->error = xasprintf("user '%s': client certificate and key must both "
			    "be given", name);
		n = ydoc_get(doc, m, "exec");
		if (n != NULL) {
			u->exec = kc_parse_exec(doc, n, dir, &why);
			if (u->exec == NULL && u->error == NULL) {
				u->error = xasprintf("user '%s': %s", name, why);
			}
			free(why);
			why = NULL;
		}
		if (ydoc_get(doc, m, "auth-provider") != NULL)
			kc_warn(mg->kc, "%s:%d: user '%s': auth-provider is not supported (use "
			    "an exec plugin)", file, ydoc_line(m), name);
	}
}

/* opsdeck's settings for a context carried in the kubeconfig itself, as a
 * context extension (kubectl ignores extensions it does not know):
 *   extensions: [{name: opsdeck.dev/context, extension: {role: dr,
 *                 protected: true, readOnly: false, drill: true}}]
 * config.yaml, where it names the context, takes precedence. */
static void
kc_read_extension(yaml_document_t *doc, yaml_node_t *m, struct kc_ctx *c)
{
	yaml_node_t *seq, *item, *ext, *n;
	yaml_node_item_t *it;
	const char *name;

	c->protected_ctx = -1;
	c->read_only = -1;
	seq = m != NULL ? ydoc_get(doc, m, "extensions") : NULL;
	if (seq == NULL || seq->type != YAML_SEQUENCE_NODE)
		return;
	for (it = seq->data.sequence.items.start; it < seq->data.sequence.items.top; it++) {
		item = yaml_document_get_node(doc, *it);
		name = ydoc_str(ydoc_get(doc, item, "name"));
		if (name == NULL || strcmp(name, "opsdeck.dev/context") != 0)
			continue;
		ext = ydoc_get(doc, item, "extension");
		if (ext == NULL || ext->type != YAML_MAPPING_NODE)
			continue;
		free(c->role);
		c->role = ydoc_strdup(doc, ext, "role");
		n = ydoc_get(doc, ext, "protected");
		if (n != NULL && ydoc_bool(n) != -1)
			c->protected_ctx = ydoc_bool(n);
		n = ydoc_get(doc, ext, "readOnly");
		if (n != NULL && ydoc_bool(n) != -1)
			c->read_only = ydoc_bool(n);
		n = ydoc_get(doc, ext, "drill");
		c->drill = n != NULL && ydoc_bool(n) == 1;
	}
}

/* Read contexts[] of one file. */
static void
kc_read_contexts(struct kc_merge *mg, yaml_document_t *doc, yaml_node_t *seq, const char *file)
{
	struct kc_ctx *c;
	yaml_node_item_t *it;
	yaml_node_t *item, *m;
	const char *name;

	for (it = seq->data.sequence.items.start; it < seq->data.sequence.items.top; it++) {
		item = yaml_document_get_node(doc, *it);
		name = ydoc_str(ydoc_get(doc, item, "name"));
		if (name == NULL || *name == '\0') {
			kc_warn(mg->kc, "%s:%d: a context without a name is ignored", file,
			    ydoc_line(item));
			continue;
		}
		if (kc_find_ctx(mg, name) != -1)
			continue;
		mg->ctxs = xreallocarray(mg->ctxs, mg->nctxs + 1, sizeof *mg->ctxs);
		c = &mg->ctxs[mg->nctxs++];
		memset(c, 0, sizeof *c);
		c->name = xstrdup(name);
		m = ydoc_get(doc, item, "context");
		c->cluster = ydoc_strdup(doc, m, "cluster");
		c->user = ydoc_strdup(doc, m, "user");
		c->ns = ydoc_strdup(doc, m, "namespace");
		kc_read_extension(doc, m, c);
	}
}

/* Merge one file's document into mg. */
static int
kc_merge_buffer(struct kc_merge *mg, const char *buf, size_t len, const char *file,
    const char *dir, char **cause)
{
	yaml_document_t doc;
	yaml_node_t *root, *n;
	const char *cur;
	static const char *lists[] = { "clusters", "users", "contexts" };
	size_t i;

	if (ydoc_load(&doc, buf, len, file, cause) != 0)
		return -1;
	root = ydoc_root(&doc);
	if (root == NULL)
		goto out;	/* an empty file is an empty config */
	if (root->type != YAML_MAPPING_NODE) {
		*cause = xasprintf("%s:%d:%d: a kubeconfig must be a mapping", file,
		    ydoc_line(root), (int)root->start_mark.column + 1);
		yaml_document_delete(&doc);
		return -1;
	}
	for (i = 0; i < sizeof lists / sizeof lists[0]; i++) {
		n = ydoc_get(&doc, root, lists[i]);
		if (n == NULL || (n->type == YAML_SCALAR_NODE && (ydoc_str(n)[0] == '\0' ||
		    strcmp(ydoc_str(n), "null") == 0 || strcmp(ydoc_str(n), "~") == 0)))
			continue;
		if (n->type != YAML_SEQUENCE_NODE) {
			*cause = xasprintf("%s:%d:%d: %s must be a list", file, ydoc_line(n),
			    (int)n->start_mark.column + 1, lists[i]);
			yaml_document_delete(&doc);
			return -1;
		}
		if (i == 0)
			kc_read_clusters(mg, &doc, n, file, dir);
		else if (i == 1)
			kc_read_users(mg, &doc, n, file, dir);
		else
			kc_read_contexts(mg, &doc, n, file);
	}
	cur = ydoc_str(ydoc_get(&doc, root, "current-context"));
	if (mg->kc->current_context == NULL && cur != NULL && *cur != '\0')
		mg->kc->current_context = xstrdup(cur);
out:
	yaml_document_delete(&doc);
	return 0;
}

/* Duplicate len bytes (keeping a NUL after them), or NULL. */
static char *
kc_memdup(const char *p, size_t len)
{
	char *q;

	if (p == NULL)
		return NULL;
	q = xmalloc(len + 1);
	memcpy(q, p, len);
	q[len] = '\0';
	return q;
}

/* Optional string copy. */
static char *
kc_dup(const char *s)
{
	return s != NULL ? xstrdup(s) : NULL;
}

/* Join contexts with their clusters and users into kc->contexts. */
static void
kc_resolve_contexts(struct kc_merge *mg)
{
	struct kubeconfig *kc = mg->kc;
	struct kube_context *ctx;
	struct kc_cluster *c;
	struct kc_user *u;
	struct kc_ctx *x;
	ssize_t ci, ui;
	size_t i;

	kc->contexts = xcalloc(mg->nctxs, sizeof *kc->contexts);
	for (i = 0; i < mg->nctxs; i++) {
		x = &mg->ctxs[i];
		ctx = xcalloc(1, sizeof *ctx);
		kc->contexts[kc->ncontexts++] = ctx;
		ctx->name = xstrdup(x->name);
		ctx->cluster_name = kc_dup(x->cluster);
		ctx->user_name = kc_dup(x->user);
		ctx->namespace_ = xstrdup(x->ns != NULL ? x->ns : "default");
		ctx->role = kc_dup(x->role);
		ctx->protected_ctx = x->protected_ctx == 1;
		ctx->read_only = x->read_only == 1;
		ctx->drill = x->drill;

		ci = x->cluster != NULL ? kc_find_cluster(mg, x->cluster) : -1;
		if (ci == -1) {
			ctx->error = x->cluster == NULL ?
			    xasprintf("context '%s' names no cluster", x->name) :
			    xasprintf("context '%s': cluster '%s' not found", x->name, x->cluster);
			continue;
		}
		c = &mg->clusters[ci];
		ctx->server = kc_dup(c->server);
		ctx->ca_data = kc_memdup(c->ca_data, c->ca_len);
		ctx->ca_len = c->ca_len;
		ctx->insecure = c->insecure;
		ctx->tls_server_name = kc_dup(c->tls_server_name);
		ctx->proxy_url = kc_dup(c->proxy_url);
		ctx->disable_compression = c->disable_compression;
		if (c->error != NULL) {
			ctx->error = xstrdup(c->error);
			continue;
		}
		if (x->user == NULL)
			continue;	/* anonymous */
		ui = kc_find_user(mg, x->user);
		if (ui == -1) {
			ctx->error = xasprintf("context '%s': user '%s' not found", x->name,
			    x->user);
			continue;
		}
		u = &mg->users[ui];
		if (u->error != NULL) {
			ctx->error = xstrdup(u->error);
			continue;
		}
		ctx->client_cert_data = kc_memdup(u->cert_data, u->cert_len);
		ctx->client_cert_len = u->cert_len;
		ctx->client_key_data = kc_memdup(u->key_data, u->key_len);
		ctx->client_key_len = u->key_len;
		ctx->token = kc_dup(u->token);
		ctx->token_file = kc_dup(u->token_file);
		ctx->username = kc_dup(u->username);
		ctx->password = kc_dup(u->password);
		if (u->exec != NULL)
			ctx->exec = kc_exec_dup(u->exec);
	}
}

/* Free the merge scratch state (not mg->kc). */
static void
kc_merge_free(struct kc_merge *mg)
{
	size_t i;

	for (i = 0; i < mg->nclusters; i++) {
		free(mg->clusters[i].name);
		free(mg->clusters[i].server);
		free(mg->clusters[i].ca_data);
		free(mg->clusters[i].tls_server_name);
		free(mg->clusters[i].proxy_url);
		free(mg->clusters[i].error);
	}
	free(mg->clusters);
	for (i = 0; i < mg->nusers; i++) {
		free(mg->users[i].name);
		free(mg->users[i].cert_data);
		if (mg->users[i].key_data != NULL)
			explicit_bzero(mg->users[i].key_data, mg->users[i].key_len);
		free(mg->users[i].key_data);
		free(mg->users[i].token);
		free(mg->users[i].token_file);
		free(mg->users[i].username);
		free(mg->users[i].password);
		kc_exec_free(mg->users[i].exec);
		free(mg->users[i].error);
	}
	free(mg->users);
	for (i = 0; i < mg->nctxs; i++) {
		free(mg->ctxs[i].name);
		free(mg->ctxs[i].cluster);
		free(mg->ctxs[i].user);
		free(mg->ctxs[i].ns);
		free(mg->ctxs[i].role);
	}
	free(mg->ctxs);
}

/* Parse one kubeconfig document from memory. */
struct kubeconfig *
kubeconfig_parse(const char *buf, size_t len, const char *name, const char *dir, char **cause)
{
	struct kc_merge mg;
	struct kubeconfig *kc;

	memset(&mg, 0, sizeof mg);
	kc = mg.kc = xcalloc(1, sizeof *kc);
	if (kc_merge_buffer(&mg, buf, len, name, dir, cause) != 0) {
		kc_merge_free(&mg);
		kubeconfig_free(kc);
		return NULL;
	}
	kc_resolve_contexts(&mg);
	kc_merge_free(&mg);
	return kc;
}

/* Add path to the list of files to read unless already there. */
static void
kc_add_path(char ***paths, size_t *n, const char *p)
{
	size_t i;

	if (*p == '\0' || *n >= KC_MAX_FILES)
		return;
	for (i = 0; i < *n; i++) {
		if (strcmp((*paths)[i], p) == 0)
			return;
	}
	*paths = xreallocarray(*paths, *n + 1, sizeof **paths);
	(*paths)[(*n)++] = xstrdup(p);
}

/* Load and merge kubeconfig files. */
struct kubeconfig *
kubeconfig_load(const char *explicit_path, char **cause)
{
	struct kc_merge mg;
	struct kubeconfig *kc = NULL;
	const char *env = getenv("KUBECONFIG"), *home = getenv("HOME");
	char **paths = NULL, *copy, *tok, *save = NULL, *buf, *dir, *why = NULL;
	size_t npaths = 0, i, len;
	bool must_exist = false;
	struct stat st;

	memset(&mg, 0, sizeof mg);
	if (explicit_path != NULL && *explicit_path != '\0') {
		kc_add_path(&paths, &npaths, explicit_path);
		must_exist = true;
	} else if (env != NULL && *env != '\0') {
		copy = xstrdup(env);
		for (tok = strtok_r(copy, ":", &save); tok != NULL;
		    tok = strtok_r(NULL, ":", &save))
			kc_add_path(&paths, &npaths, tok);
		free(copy);
	} else {
		copy = xasprintf("%s/.kube/config", home != NULL ? home : ".");
		kc_add_path(&paths, &npaths, copy);
		free(copy);
	}

	mg.kc = xcalloc(1, sizeof *mg.kc);
	for (i = 0; i < npaths; i++) {
		if (stat(paths[i], &st) != 0 && errno == ENOENT && !must_exist)
			continue;	/* client-go skips missing files */
		buf = file_read(paths[i], KC_MAX_FILE, &len, &why);
		if (buf == NULL) {
			*cause = why;
			goto out;
		}
		dir = kc_dirname(paths[i]);
		if (kc_merge_buffer(&mg, buf, len, paths[i], dir, cause) != 0) {
			free(dir);
			free(buf);
			goto out;
		}
		free(dir);
		free(buf);
		mg.kc->files = xreallocarray(mg.kc->files, mg.kc->nfiles + 1,
		    sizeof *mg.kc->files);
		mg.kc->files[mg.kc->nfiles++] = xstrdup(paths[i]);
	}
	if (mg.kc->nfiles == 0) {
		*cause = env != NULL && *env != '\0' && explicit_path == NULL ?
		    xasprintf("no kubeconfig found: none of the files in KUBECONFIG exist (%s)",
		    env) :
		    xasprintf("no kubeconfig found at %s (set KUBECONFIG or use --kubeconfig)",
		    npaths > 0 ? paths[0] : "~/.kube/config");
		goto out;
	}
	kc_resolve_contexts(&mg);
	kc = mg.kc;
	mg.kc = NULL;
out:
	kc_merge_free(&mg);
	kubeconfig_free(mg.kc);
	for (i = 0; i < npaths; i++)
		free(paths[i]);
	free(paths);
	return kc;
}

/* Free one context. */
static void
kc_context_free(struct kube_context *ctx)
{
	free(ctx->name);
	free(ctx->cluster_name);
	free(ctx->user_name);
	free(ctx->namespace_);
	free(ctx->server);
	free(ctx->ca_data);
	free(ctx->tls_server_name);
	free(ctx->proxy_url);
	free(ctx->client_cert_data);
	if (ctx->client_key_data != NULL)
		explicit_bzero(ctx->client_key_data, ctx->client_key_len);
	free(ctx->client_key_data);
	free(ctx->token);
	free(ctx->token_file);
	free(ctx->file_token);
	free(ctx->username);
	free(ctx->password);
	kc_exec_free(ctx->exec);
	curl_slist_free_all(ctx->connect_to);
	free(ctx->error);
	free(ctx->role);
	free(ctx->alertmanager_url);
	free(ctx->prometheus_url);
	free(ctx);
}

/* Free kc and every context in it. */
void
kubeconfig_free(struct kubeconfig *kc)
{
	size_t i;

	if (kc == NULL)
		return;
	for (i = 0; i < kc->ncontexts; i++)
		kc_context_free(kc->contexts[i]);
	free(kc->contexts);
	free(kc->current_context);
	for (i = 0; i < kc->nfiles; i++)
		free(kc->files[i]);
	free(kc->files);
	for (i = 0; i < kc->nwarnings; i++)
		free(kc->warnings[i]);
	free(kc->warnings);
	free(kc);
}

/* The context named name. */
struct kube_context *
kubeconfig_find(struct kubeconfig *kc, const char *name)
{
	size_t i;

	if (kc == NULL || name == NULL)
		return NULL;
	for (i = 0; i < kc->ncontexts; i++) {
		if (strcmp(kc->contexts[i]->name, name) == 0)
			return kc->contexts[i];
	}
	return NULL;
}

/* Copy config.yaml's per-context settings onto the contexts; a role given
 * in the kubeconfig's extension stays unless config.yaml names another. */
void
kubeconfig_apply_config(struct kubeconfig *kc, const struct opsdeck_config *cfg)
{
	const struct config_context *cc;
	struct kube_context *ctx;
	size_t i;

	if (kc == NULL || cfg == NULL)
		return;
	for (i = 0; i < kc->ncontexts; i++) {
		ctx = kc->contexts[i];
		cc = config_context_find(cfg, ctx->name);
		if (cc == NULL)
			continue;
		if (cc->role != NULL) {
			free(ctx->role);
			ctx->role = kc_dup(cc->role);
		}
		if (cc->protected_set)
			ctx->protected_ctx = cc->protected_ctx;
		if (cc->read_only_set)
			ctx->read_only = cc->read_only;
		free(ctx->alertmanager_url);
		ctx->alertmanager_url = kc_dup(cc->alertmanager_url);
		free(ctx->prometheus_url);
		ctx->prometheus_url = kc_dup(cc->prometheus_url);
		ctx->rpo_seconds = cc->rpo_seconds;
	}
}

/* Append ctx to the selection unless it is already there. */
static void
kc_select_add(struct kube_context ***out, size_t *n, struct kube_context *ctx)
{
	size_t i;

	for (i = 0; i < *n; i++) {
		if ((*out)[i] == ctx)
			return;
	}
	*out = xreallocarray(*out, *n + 1, sizeof **out);
	(*out)[(*n)++] = ctx;
}

bool
kubeconfig_same_cluster(const struct kube_context *a, const struct kube_context *b)
{
	const char *ta = a->tls_server_name != NULL ? a->tls_server_name : "";
	const char *tb = b->tls_server_name != NULL ? b->tls_server_name : "";

	if (a->server == NULL || b->server == NULL || strcmp(a->server, b->server) != 0 ||
	    strcmp(ta, tb) != 0 || a->insecure != b->insecure || a->ca_len != b->ca_len)
		return false;
	return a->ca_len == 0 || memcmp(a->ca_data, b->ca_data, a->ca_len) == 0;
}

/* What config.yaml says of the cluster (not of the identity) is the
 * cluster's whichever context it was said for: to, acting for the
 * cluster, takes from from what it lacks; protection is kept if any
 * context has it. read-only stays the identity's own. */
static void
kc_inherit(struct kube_context *to, const struct kube_context *from)
{
	if (to->role == NULL && from->role != NULL)
		to->role = xstrdup(from->role);
	if (to->alertmanager_url == NULL && from->alertmanager_url != NULL)
		to->alertmanager_url = xstrdup(from->alertmanager_url);
	if (to->prometheus_url == NULL && from->prometheus_url != NULL)
		to->prometheus_url = xstrdup(from->prometheus_url);
	if (to->rpo_seconds == 0)
		to->rpo_seconds = from->rpo_seconds;
	to->protected_ctx = to->protected_ctx || from->protected_ctx;
	to->drill = to->drill || from->drill;
}

size_t
kubeconfig_fold(struct kube_context **ctxs, size_t n, const char *prefer, char **also)
{
	struct kube_context *c, *folded;
	size_t i, j, kept = 0;
	char *s;

	for (i = 0; i < n; i++) {
		c = ctxs[i];
		for (j = 0; j < kept && !kubeconfig_same_cluster(ctxs[j], c); j++)
			;
		if (j == kept) {		/* a cluster not seen yet */
			also[kept] = NULL;
			ctxs[kept++] = c;
			continue;
		}
		folded = c;
		if (prefer != NULL && strcmp(c->name, prefer) == 0) {
			folded = ctxs[j];	/* the preferred context acts */
			ctxs[j] = c;
		}
		kc_inherit(ctxs[j], folded);
		s = also[j] == NULL ? xstrdup(folded->name) :
		    xasprintf("%s, %s", also[j], folded->name);
		free(also[j]);
		also[j] = s;
	}
	return kept;
}

/* Select contexts by names, groups, all, or the current one. */
int
kubeconfig_select(struct kubeconfig *kc, const struct opsdeck_config *cfg, const char *spec,
    bool all, struct kube_context ***out, size_t *n, char **cause)
{
	const struct config_group *g;
	struct kube_context *ctx;
	char *copy = NULL, *tok, *save = NULL;
	size_t i;
	int rc = -1;

	*out = NULL;
	*n = 0;
	kubeconfig_apply_config(kc, cfg);
	if (all) {
		for (i = 0; i < kc->ncontexts; i++)
			kc_select_add(out, n, kc->contexts[i]);
		if (*n == 0) {
			*cause = xasprintf("the kubeconfig has no contexts");
			goto out;
		}
		rc = 0;
		goto out;
	}
	if (spec == NULL || *spec == '\0') {
		if (kc->current_context == NULL) {
			*cause = xasprintf("no current-context is set: use --context NAME or "
			    "--all-contexts");
			goto out;
		}
		ctx = kubeconfig_find(kc, kc->current_context);
		if (ctx == NULL) {
			*cause = xasprintf("current-context '%s' does not exist in the kubeconfig",
			    kc->current_context);
			goto out;
		}
		kc_select_add(out, n, ctx);
		rc = 0;
		goto out;
	}
	copy = xstrdup(spec);
	for (tok = strtok_r(copy, ",", &save); tok != NULL; tok = strtok_r(NULL, ",", &save)) {
		while (*tok == ' ')
			tok++;
		if (*tok == '\0')
			continue;
		ctx = kubeconfig_find(kc, tok);
		if (ctx != NULL) {
			kc_select_add(out, n, ctx);
			continue;
		}
		g = config_group_find(cfg, tok);
		if (g == NULL) {
			*cause = xasprintf("context '%s' not found in the kubeconfig (and no group "
			    "of that name in config.yaml)", tok);
			goto out;
		}
		for (i = 0; i < g->nmembers; i++) {
			ctx = kubeconfig_find(kc, g->members[i]);
			if (ctx == NULL) {
				*cause = xasprintf("group '%s': context '%s' not found in the "
				    "kubeconfig", g->name, g->members[i]);
				goto out;
			}
			kc_select_add(out, n, ctx);
		}
	}
	if (*n == 0) {
		*cause = xasprintf("no contexts selected by '%s'", spec);
		goto out;
	}
	rc = 0;
out:
	free(copy);
	if (rc != 0) {
		free(*out);
		*out = NULL;
		*n = 0;
	}
	return rc;
}

/* Hand every kubeconfig and config.yaml warning, sanitised, to emit. */
size_t
kubeconfig_warnings(const struct kubeconfig *kc, const struct opsdeck_config *cfg,
    void (*emit)(const char *, void *), void *arg)
{
	size_t i, n = 0;
	char *clean;

	for (i = 0; kc != NULL && i < kc->nwarnings; i++, n++) {
		clean = sanitize_str(kc->warnings[i], 0);
		emit(clean, arg);
		free(clean);
	}
	for (i = 0; cfg != NULL && i < cfg->nwarnings; i++, n++) {
		clean = sanitize_str(cfg->warnings[i], 0);
		emit(clean, arg);
		free(clean);
	}
	return n;
}

/* Print one warning on stderr (headless commands). */
void
kubeconfig_warn_stderr(const char *text, void *arg)
{
	(void)arg;
	fprintf(stderr, "opsdeck: warning: %s\n", text);
}
