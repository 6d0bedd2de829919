/* kubeconfig loading with client-go's merge rules, cluster selection and
 * the libcurl setup that talks to one context (TLS, auth, proxy).
 *
 * Certificate and key material is kept in memory only (never written to
 * disk): curl receives it through CURLOPT_*_BLOB. Everything here is
 * single-threaded; nothing blocks except kubeconfig_load (local files). */
#ifndef OPSDECK_KUBECONFIG_H
#define OPSDECK_KUBECONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <curl/curl.h>

struct opsdeck_config;

/* One exec credential plugin (users[].user.exec) and its cached result. */
struct kube_exec {
	char		*command;	/* absolute if it held a slash (resolved) */
	char		**args;
	size_t		 nargs;
	char		**env_names;	/* env [{name, value}] */
	char		**env_values;
	size_t		 nenv;
	char		*api_version;	/* client.authentication.k8s.io/v1 or v1beta1 */
	char		*interactive_mode; /* Never | IfAvailable | Always, or NULL */
	bool		 provide_cluster_info;
	char		*install_hint;	/* or NULL */
	double		 timeout;	/* seconds before the plugin is killed (30) */

	/* Cached credential (auth.c). */
	bool		 have_cred;
	char		*cred_token;	/* status.token, or NULL */
	char		*cred_cert;	/* status.clientCertificateData (PEM) */
	size_t		 cred_cert_len;
	char		*cred_key;	/* status.clientKeyData (PEM) */
	size_t		 cred_key_len;
	int64_t		 cred_expiry;	/* unix seconds; 0: never expires */
	char		*last_error;	/* last plugin failure (sanitised), or NULL */
	unsigned	 runs;		/* how many times the plugin ran */
};

/* One resolved context: everything needed to talk to it. */
struct kube_context {
	char		*name;
	char		*cluster_name;
	char		*user_name;
	char		*namespace_;	/* "default" if unset */

	/* cluster */
	char		*server;	/* "https://127.0.0.1:1234" */
	char		*ca_data;	/* PEM (from certificate-authority file or -data), or NULL */
	size_t		 ca_len;
	bool		 insecure;	/* insecure-skip-tls-verify */
	char		*tls_server_name; /* or NULL */
	char		*proxy_url;	/* http://, https://, socks5://, socks5h://, or NULL */
	bool		 disable_compression; /* no Accept-Encoding: gzip */

	/* user */
	char		*client_cert_data; /* PEM, in memory only */
	size_t		 client_cert_len;
	char		*client_key_data;
	size_t		 client_key_len;
	char		*token;		/* or NULL */
	char		*token_file;	/* absolute path, or NULL */
	char		*username;	/* basic auth, or NULL */
	char		*password;
	struct kube_exec *exec;		/* NULL unless an exec plugin */

	/* tokenFile cache: re-read when the file's mtime changes */
	char		*file_token;
	struct timespec	 file_token_mtime;

	/* CURLOPT_CONNECT_TO list for tls-server-name (owned), or NULL */
	struct curl_slist *connect_to;

	/* problems found while resolving (missing cluster, unreadable CA),
	 * or NULL: the context is listed but cannot connect */
	char		*error;

	/* from config.yaml (config.h) */
	char		*role;		/* primary | dr | staging | dev, or NULL */
	bool		 protected_ctx;
	bool		 read_only;
	char		*alertmanager_url; /* full URL or API service proxy path, or NULL */
	char		*prometheus_url;
	double		 rpo_seconds;	/* 0: unset */
	/* from the opsdeck.dev/context extension only: a drill simulator's
	 * context (the console reports the views it opens, for the score) */
	bool		 drill;
};

/* A merged kubeconfig. */
struct kubeconfig {
	struct kube_context	**contexts;	/* in first-seen order */
	size_t			  ncontexts;
	char			 *current_context; /* or NULL */
	char			**files;	/* files actually read */
	size_t			  nfiles;
	char			**warnings;	/* non-fatal problems, "file: ..." */
	size_t			  nwarnings;
};

/* Load explicit_path (--kubeconfig; may not be missing), else $KUBECONFIG
 * (colon list; missing files skipped), else ~/.kube/config. Returns NULL
 * and sets *cause (caller frees) if a file is unreadable or malformed
 * ("file:line:col: message"), or no file exists at all. */
struct kubeconfig	*kubeconfig_load(const char *explicit_path, char **cause);
/* Parse one document from memory as if it were file `name` (relative paths
 * resolve against dir, which may be NULL for the working directory). */
struct kubeconfig	*kubeconfig_parse(const char *buf, size_t len, const char *name,
			    const char *dir, char **cause);
void			 kubeconfig_free(struct kubeconfig *);
/* The context named name, or NULL. Borrowed. */
struct kube_context	*kubeconfig_find(struct kubeconfig *, const char *name);

/* Copy config.yaml's per-context settings (role, protected, readOnly,
 * alertmanager, prometheus, backupRPO) onto the matching contexts. cfg may
 * be NULL. */
void			 kubeconfig_apply_config(struct kubeconfig *, const struct opsdeck_config *);

/* Select contexts: all (every context), or spec: a comma list of context
 * names and/or group names from config.yaml, or NULL/"" for the current
 * context. *out is a new array of borrowed pointers (caller frees the array
 * only), in spec order without duplicates. Applies cfg as above. Returns 0,
 * or -1 with *cause naming what is unknown. */
int			 kubeconfig_select(struct kubeconfig *, const struct opsdeck_config *,
			    const char *spec, bool all, struct kube_context ***out, size_t *n,
			    char **cause);

/* Whether two contexts reach the same cluster: the same server, CA and TLS
 * server name (whoever they authenticate as). */
bool			 kubeconfig_same_cluster(const struct kube_context *,
			    const struct kube_context *);
/* One context per cluster: contexts reaching a cluster already in ctxs[0..n)
 * fold into the first that reached it, which acts for it, unless prefer
 * names one of them (that one acts). ctxs is packed in place, in order;
 * returns how many are kept. also (n entries) gets for each kept context
 * the names folded into it ("viewer@a, exec@a", new strings) or NULL. The
 * acting context takes the cluster's role, protection, Alertmanager,
 * Prometheus and RPO from those folded into it where it has none. */
size_t			 kubeconfig_fold(struct kube_context **ctxs, size_t n,
			    const char *prefer, char **also);

/* The full URL for path ("/api/v1/pods?limit=500") on ctx. When
 * tls-server-name is set the URL names that host (so curl sends it as SNI
 * and checks the certificate against it) and kube_easy_setup connects to
 * the real server with CURLOPT_CONNECT_TO. Caller frees. */
char			*kube_url(const struct kube_context *, const char *path);

/* Configure easy for ctx: CA blob, client certificate/key blobs (from the
 * kubeconfig or an exec credential), insecure, tls-server-name, proxy,
 * Authorization from the current credential (token, tokenFile re-read when
 * its mtime changes and wins over token while readable, as in client-go;
 * exec token or certificate; basic auth), User-Agent opsdeck/VERSION,
 * Accept-Encoding gzip (unless disable-compression), HTTP/2 over TLS.
 * Without proxy-url the proxy comes from HTTPS_PROXY/NO_PROXY as client-go
 * takes it (never for loopback servers; ALL_PROXY ignored); socks5:// is
 * resolved at the proxy (curl's socks5h). extra (taken, may be NULL) is
 * appended to. Returns the header list to pass as CURLOPT_HTTPHEADER (the
 * caller frees it after the transfer), or NULL with *cause set if ctx
 * cannot be used (ctx->error, or an exec plugin whose credential is
 * missing: run it first, see auth.h). The URL is the caller's (kube_url). */
struct curl_slist	*kube_easy_setup(CURL *, struct kube_context *, struct curl_slist *extra,
			    char **cause);

/* Call emit once per warning of kc and then of cfg (either may be NULL),
 * each text sanitised ("file:12: unknown key 'colour'"). Returns how many. */
size_t			 kubeconfig_warnings(const struct kubeconfig *, const struct opsdeck_config *,
			    void (*emit)(const char *text, void *arg), void *arg);
/* An emit for kubeconfig_warnings: "opsdeck: warning: TEXT" on stderr
 * (headless commands, see hl_session.h). */
void			 kubeconfig_warn_stderr(const char *text, void *arg);

/* Decode standard base64 (whitespace ignored); NULL on bad input. *outlen
 * excludes the NUL that is always appended. */
char			*kube_base64_decode(const char *in, size_t inlen, size_t *outlen);

#endif
