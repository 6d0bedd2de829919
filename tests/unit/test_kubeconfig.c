/* kubeconfig merging (client-go rules), context selection, curl setup and
 * exec credential plugins (a script plugin and the real GKE plugin). */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <jansson.h>

#include "opsdeck/auth.h"
#include "opsdeck/config.h"
#include "opsdeck/kubeconfig.h"
#include "opsdeck/xmalloc.h"

#define GKE_PLUGIN "/usr/lib/google-cloud-sdk/bin/gke-gcloud-auth-plugin"

/* Fail with both strings shown unless needle occurs in haystack. */
#define assert_has(haystack, needle) do {					\
	const char *h_ = (haystack), *n_ = (needle);				\
	if (h_ == NULL || strstr(h_, n_) == NULL)				\
		fail_msg("'%s' does not contain '%s'", h_ ? h_ : "(null)", n_);	\
} while (0)

static char *data_dir;	/* absolute tests/data/kubeconfig */

/* Locate the fixtures (TESTS_DIR when run by tests/run.sh). */
static void
find_data_dir(void)
{
	const char *td = getenv("TESTS_DIR");
	char cwd[PATH_MAX];

	if (td != NULL)
		data_dir = xasprintf("%s/data/kubeconfig", td);
	else if (getcwd(cwd, sizeof cwd) != NULL)
		data_dir = xasprintf("%s/tests/data/kubeconfig", cwd);
	else
		data_dir = xstrdup("tests/data/kubeconfig");
}

/* Read a fixture file into a new string. */
static char *
slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;

	if (f == NULL)
		fail_msg("%s: %s", path, strerror(errno));
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = xmalloc((size_t)n + 1);
	if (fread(buf, 1, (size_t)n, f) != (size_t)n)
		fail_msg("short read %s", path);
	buf[n] = '\0';
	fclose(f);
	if (len != NULL)
		*len = (size_t)n;
	return buf;
}

/* Write s to path. */
static void
spit(const char *path, const char *s)
{
	FILE *f = fopen(path, "w");

	if (f == NULL)
		fail_msg("%s: %s", path, strerror(errno));
	fputs(s, f);
	fclose(f);
}

/* A new private temporary directory. */
static char *
make_tmp(void)
{
	char *t = xasprintf("%s/opsdeck-kc.XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") :
	    "/tmp");

	if (mkdtemp(t) == NULL)
		fail_msg("mkdtemp: %s", strerror(errno));
	return t;
}

/* Remove a temporary directory tree. */
static void
remove_tmp(char *t)
{
	char *cmd = xasprintf("rm -rf '%s'", t);

	if (system(cmd) != 0)
		print_message("could not remove %s\n", t);
	free(cmd);
	free(t);
}

/* The merged fixture set: first.yaml, a missing file, sub/second.yaml, third.yaml. */
static struct kubeconfig *
load_fixture_merge(void)
{
	struct kubeconfig *kc;
	char *env, *cause = NULL;

	env = xasprintf("%s/first.yaml:%s/missing.yaml:%s/sub/second.yaml:%s/third.yaml",
	    data_dir, data_dir, data_dir, data_dir);
	setenv("KUBECONFIG", env, 1);
	free(env);
	kc = kubeconfig_load(NULL, &cause);
	if (kc == NULL)
		fail_msg("load: %s", cause);
	return kc;
}

/* The first file naming an entry wins whole; missing files are skipped;
 * the first non-empty current-context wins. */
static void
test_merge_order(void **state)
{
	struct kubeconfig *kc = load_fixture_merge();
	struct kube_context *c;
	static const char *order[] = { "alpha", "shared", "both", "file", "basic",
	    "no-such-cluster", "no-such-user", "beta", "sub-file", "exec", "path-exec",
	    "bad-exec", "gamma" };
	size_t i;

	assert_int_equal(kc->nfiles, 3);
	assert_int_equal(kc->ncontexts, sizeof order / sizeof order[0]);
	for (i = 0; i < kc->ncontexts; i++)
		assert_string_equal(kc->contexts[i]->name, order[i]);
	/* first.yaml has current-context "", second's "beta" beats third's "gamma" */
	assert_string_equal(kc->current_context, "beta");

	/* "shared" context, cluster and token-user all come from first.yaml */
	c = kubeconfig_find(kc, "shared");
	assert_non_null(c);
	assert_string_equal(c->server, "https://shared-from-first.example");
	assert_true(c->insecure);
	assert_true(c->disable_compression);
	assert_false(kubeconfig_find(kc, "alpha")->disable_compression);
	assert_string_equal(c->token, "inline-token");
	assert_string_equal(c->namespace_, "default");
	assert_null(c->error);

	/* third.yaml's context is still added, anonymous (no user) */
	c = kubeconfig_find(kc, "gamma");
	assert_non_null(c);
	assert_string_equal(c->server, "https://gamma.example");
	assert_null(c->user_name);
	assert_null(kubeconfig_find(kc, "nope"));
	kubeconfig_free(kc);
}

/* Relative paths resolve against the file that holds them; -data fields are
 * base64-decoded; files are read into memory. */
static void
test_paths_and_data(void **state)
{
	struct kubeconfig *kc = load_fixture_merge();
	struct kube_context *c;
	char *path, *want;
	size_t len;

	c = kubeconfig_find(kc, "alpha");
	assert_null(c->error);
	assert_string_equal(c->namespace_, "payments");
	path = xasprintf("%s/certs/ca.pem", data_dir);
	want = slurp(path, &len);
	assert_int_equal(c->ca_len, len);
	assert_memory_equal(c->ca_data, want, len);
	free(want);
	free(path);
	assert_has(c->client_cert_data, "Y2xpZW50LWNlcnQ=");
	assert_has(c->client_key_data, "BEGIN PRIVATE KEY");
	assert_string_equal(c->tls_server_name, "api.alpha.internal");
	assert_string_equal(c->proxy_url, "socks5://127.0.0.1:1080");

	c = kubeconfig_find(kc, "beta");
	assert_null(c->error);
	assert_string_equal(c->namespace_, "web");
	assert_string_equal(c->ca_data,
	    "-----BEGIN CERTIFICATE-----\nCA-inline\n-----END CERTIFICATE-----\n");
	assert_string_equal(c->client_cert_data, "inline-cert\n");
	assert_int_equal(c->client_key_len, strlen("inline-key\n"));
	assert_string_equal(c->client_key_data, "inline-key\n");
	assert_string_equal(c->token == NULL ? "" : c->token, "");

	/* tokenFile "token" in sub/second.yaml means sub/token, not ./token */
	c = kubeconfig_find(kc, "sub-file");
	want = xasprintf("%s/sub/token", data_dir);
	assert_string_equal(c->token_file, want);
	free(want);

	/* exec command with a slash resolves; a bare name is left for PATH */
	c = kubeconfig_find(kc, "exec");
	assert_null(c->error);
	assert_non_null(c->exec);
	want = xasprintf("%s/sub/./bin/plugin", data_dir);
	assert_string_equal(c->exec->command, want);
	free(want);
	assert_int_equal(c->exec->nargs, 3);
	assert_string_equal(c->exec->args[2], "beta");
	assert_int_equal(c->exec->nenv, 1);
	assert_string_equal(c->exec->env_names[0], "PLUGIN_MODE");
	assert_string_equal(c->exec->env_values[0], "fast");
	assert_true(c->exec->provide_cluster_info);
	assert_string_equal(c->exec->interactive_mode, "Never");
	assert_string_equal(c->exec->install_hint, "install the plugin from example.com");
	c = kubeconfig_find(kc, "path-exec");
	assert_null(c->error);
	assert_string_equal(c->exec->command, "aws");
	assert_string_equal(c->exec->api_version, "client.authentication.k8s.io/v1beta1");
	kubeconfig_free(kc);
}

/* A file in the fixture directory (new string). */
static char *
fixture(const char *name)
{
	return xasprintf("%s/%s", data_dir, name);
}

/* An invalid -data field spoils only its own context (kubectl would refuse
 * the whole file; a console of many clusters keeps the others). */
static void
test_bad_base64(void **state)
{
	struct kubeconfig *kc;
	char *p = fixture("badb64.yaml"), *cause = NULL;

	kc = kubeconfig_load(p, &cause);
	if (kc == NULL)
		fail_msg("%s", cause);
	assert_has(kubeconfig_find(kc, "bad-b64")->error,
	    "certificate-authority-data is not valid base64");
	assert_null(kubeconfig_find(kc, "fine")->error);
	kubeconfig_free(kc);
	free(p);
}

/* The string member key of object o, or NULL. */
static const char *
jstr(json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

/* The entry named name in kubectl's list (clusters, users, contexts). */
static json_t *
jentry(json_t *root, const char *list, const char *name)
{
	json_t *e;
	size_t i;

	json_array_foreach(json_object_get(root, list), i, e) {
		if (strcmp(jstr(e, "name"), name) == 0)
			return e;
	}
	return NULL;
}

/* Decode base64 text s and compare it with len bytes at p. */
static void
assert_b64_equal(const char *s, const char *p, size_t len, const char *what)
{
	char *d;
	size_t n;

	d = kube_base64_decode(s, strlen(s), &n);
	assert_non_null(d);
	if (n != len || memcmp(d, p, len) != 0)
		fail_msg("%s differs from kubectl's", what);
	free(d);
}

/* The real kubectl merges the same KUBECONFIG list to the same contexts,
 * clusters, users, current-context and file contents. */
static void
test_kubectl_agrees(void **state)
{
	struct kubeconfig *kc;
	struct kube_context *c;
	json_t *root, *e, *ctxj, *cl, *us;
	json_error_t jerr;
	const char *ns, *s;
	FILE *f;
	size_t i;

	if (access("/usr/bin/kubectl", X_OK) != 0) {
		print_message("skipping: /usr/bin/kubectl not installed\n");
		skip();
	}
	kc = load_fixture_merge();	/* sets KUBECONFIG */
	f = popen("/usr/bin/kubectl config view --flatten -o json 2>/dev/null", "r");
	assert_non_null(f);
	root = json_loadf(f, 0, &jerr);
	assert_int_equal(pclose(f), 0);
	if (root == NULL)
		fail_msg("kubectl output: %s", jerr.text);

	assert_string_equal(jstr(root, "current-context"), kc->current_context);
	assert_int_equal(json_array_size(json_object_get(root, "contexts")), kc->ncontexts);
	for (i = 0; i < kc->ncontexts; i++) {
		c = kc->contexts[i];
		e = jentry(root, "contexts", c->name);
		if (e == NULL)
			fail_msg("kubectl has no context %s", c->name);
		ctxj = json_object_get(e, "context");
		assert_string_equal(jstr(ctxj, "cluster"), c->cluster_name);
		s = jstr(ctxj, "user");
		assert_string_equal(s != NULL ? s : "", c->user_name != NULL ? c->user_name : "");
		ns = jstr(ctxj, "namespace");
		assert_string_equal(ns != NULL ? ns : "default", c->namespace_);
		cl = json_object_get(jentry(root, "clusters", c->cluster_name), "cluster");
		if (cl == NULL) {
			assert_non_null(c->error);	/* no such cluster */
			continue;
		}
		assert_string_equal(jstr(cl, "server"), c->server);
		s = jstr(cl, "certificate-authority-data");
		if (s != NULL)
			assert_b64_equal(s, c->ca_data, c->ca_len, "certificate-authority");
		else
			assert_null(c->ca_data);
		if (c->user_name == NULL || c->error != NULL)
			continue;
		us = json_object_get(jentry(root, "users", c->user_name), "user");
		assert_non_null(us);
		s = jstr(us, "token");
		assert_string_equal(s != NULL ? s : "", c->token != NULL ? c->token : "");
		s = jstr(us, "client-certificate-data");
		if (s != NULL)
			assert_b64_equal(s, c->client_cert_data, c->client_cert_len,
			    "client certificate");
		else
			assert_null(c->client_cert_data);
		s = jstr(us, "client-key-data");
		if (s != NULL && strcmp(s, "DATA+OMITTED") != 0 && strcmp(s, "REDACTED") != 0)
			assert_b64_equal(s, c->client_key_data, c->client_key_len, "client key");
	}
	json_decref(root);
	kubeconfig_free(kc);
}

/* Broken entries make only their own contexts unusable, with a reason. */
static void
test_entry_errors(void **state)
{
	struct kubeconfig *kc = load_fixture_merge();
	CURL *easy = curl_easy_init();
	struct curl_slist *h;
	char *cause = NULL;

	assert_has(kubeconfig_find(kc, "bad-exec")->error, "interactiveMode");
	assert_has(kubeconfig_find(kc, "no-such-cluster")->error, "cluster 'nowhere' not found");
	assert_has(kubeconfig_find(kc, "no-such-user")->error, "user 'nobody' not found");
	h = kube_easy_setup(easy, kubeconfig_find(kc, "no-such-cluster"), NULL, &cause);
	assert_null(h);
	assert_has(cause, "nowhere");
	free(cause);
	curl_easy_cleanup(easy);
	kubeconfig_free(kc);
}

/* Missing and malformed files give clear errors. */
static void
test_load_errors(void **state)
{
	struct kubeconfig *kc;
	char *cause = NULL, *p, *t, *home;

	kc = kubeconfig_load("/nonexistent/kubeconfig", &cause);
	assert_null(kc);
	assert_has(cause, "/nonexistent/kubeconfig");
	free(cause);
	cause = NULL;

	setenv("KUBECONFIG", "/nonexistent/a:/nonexistent/b", 1);
	kc = kubeconfig_load(NULL, &cause);
	assert_null(kc);
	assert_has(cause, "none of the files in KUBECONFIG exist");
	free(cause);
	cause = NULL;

	/* the bad indentation is on line 6 */
	p = xasprintf("%s/malformed.yaml", data_dir);
	kc = kubeconfig_load(p, &cause);
	assert_null(kc);
	t = xasprintf("%s:6:", p);
	assert_has(cause, t);
	free(t);
	free(p);
	free(cause);
	cause = NULL;

	p = xasprintf("%s/notalist.yaml", data_dir);
	kc = kubeconfig_load(p, &cause);
	assert_null(kc);
	assert_has(cause, "notalist.yaml:3:");
	assert_has(cause, "clusters must be a list");
	free(p);
	free(cause);
	cause = NULL;

	/* no KUBECONFIG: ~/.kube/config */
	unsetenv("KUBECONFIG");
	t = make_tmp();
	p = xasprintf("%s/.kube", t);
	mkdir(p, 0700);
	free(p);
	p = xasprintf("%s/.kube/config", t);
	spit(p, "clusters:\n- name: h\n  cluster: {server: https://home.example}\n"
	    "contexts:\n- name: h\n  context: {cluster: h}\ncurrent-context: h\n");
	home = getenv("HOME") != NULL ? xstrdup(getenv("HOME")) : NULL;
	setenv("HOME", t, 1);
	kc = kubeconfig_load(NULL, &cause);
	if (home != NULL)
		setenv("HOME", home, 1);
	free(home);
	if (kc == NULL)
		fail_msg("home config: %s", cause);
	assert_string_equal(kc->files[0], p);
	assert_string_equal(kubeconfig_find(kc, "h")->server, "https://home.example");
	kubeconfig_free(kc);
	free(p);
	remove_tmp(t);
}

/* Base64 vectors (RFC 4648) and rejects. */
static void
test_base64(void **state)
{
	static const char *vec[][2] = { { "", "" }, { "Zg==", "f" }, { "Zm8=", "fo" },
	    { "Zm9v", "foo" }, { "Zm9vYg==", "foob" }, { "Zm9vYmE=", "fooba" },
	    { "Zm9v\nYmFy", "foobar" } };
	static const char *bad[] = { "Zm9v!", "Z", "Zg=a", "Zg===" };
	size_t i, n;
	char *out;

	for (i = 0; i < sizeof vec / sizeof vec[0]; i++) {
		out = kube_base64_decode(vec[i][0], strlen(vec[i][0]), &n);
		assert_non_null(out);
		assert_int_equal(n, strlen(vec[i][1]));
		assert_string_equal(out, vec[i][1]);
		free(out);
	}
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		out = kube_base64_decode(bad[i], strlen(bad[i]), &n);
		if (out != NULL)
			fail_msg("'%s' decoded", bad[i]);
	}
}

/* Selection by names, groups, all and current; config applied. */
static void
test_select(void **state)
{
	static const char cfgtext[] =
	    "groups:\n  estate: [beta, shared, alpha]\n  broken: [beta, ghost]\n"
	    "contexts:\n  beta: {role: dr, protected: true, readOnly: true, backupRPO: 30m,\n"
	    "    alertmanager: {url: https://am.example}}\n";
	struct kubeconfig *kc = load_fixture_merge();
	struct opsdeck_config *cfg;
	struct kube_context **sel;
	char *cause = NULL;
	size_t n;

	cfg = config_parse(cfgtext, strlen(cfgtext), "config.yaml", &cause);
	if (cfg == NULL)
		fail_msg("config: %s", cause);

	assert_int_equal(kubeconfig_select(kc, cfg, NULL, false, &sel, &n, &cause), 0);
	assert_int_equal(n, 1);
	assert_string_equal(sel[0]->name, "beta");
	assert_string_equal(sel[0]->role, "dr");
	assert_true(sel[0]->protected_ctx);
	assert_true(sel[0]->read_only);
	assert_true(sel[0]->rpo_seconds == 1800);
	assert_string_equal(sel[0]->alertmanager_url, "https://am.example");
	free(sel);

	/* names and groups mixed, in order, without duplicates */
	assert_int_equal(kubeconfig_select(kc, cfg, "gamma,estate,alpha", false, &sel, &n,
	    &cause), 0);
	assert_int_equal(n, 4);
	assert_string_equal(sel[0]->name, "gamma");
	assert_string_equal(sel[1]->name, "beta");
	assert_string_equal(sel[2]->name, "shared");
	assert_string_equal(sel[3]->name, "alpha");
	free(sel);

	assert_int_equal(kubeconfig_select(kc, cfg, NULL, true, &sel, &n, &cause), 0);
	assert_int_equal(n, kc->ncontexts);
	free(sel);

	assert_int_equal(kubeconfig_select(kc, cfg, "beta,nope", false, &sel, &n, &cause), -1);
	assert_has(cause, "'nope'");
	assert_null(sel);
	free(cause);
	cause = NULL;
	assert_int_equal(kubeconfig_select(kc, cfg, "broken", false, &sel, &n, &cause), -1);
	assert_has(cause, "ghost");
	free(cause);
	cause = NULL;
	config_free(cfg);
	kubeconfig_free(kc);
}

/* The value of header name in list h (borrowed), or NULL. */
static const char *
header(struct curl_slist *h, const char *name)
{
	size_t len = strlen(name);

	for (; h != NULL; h = h->next) {
		if (strncasecmp(h->data, name, len) == 0 && h->data[len] == ':')
			return h->data + len + 2;
	}
	return NULL;
}

/* A kubeconfig in dir t with one context per auth kind, token in t/token. */
static struct kubeconfig *
load_token_config(const char *t)
{
	struct kubeconfig *kc;
	char *p, *text, *cause = NULL;

	text = xasprintf("clusters:\n- name: c\n  cluster: {server: https://127.0.0.1:6443/,"
	    " tls-server-name: api.internal}\n"
	    "users:\n- name: both\n  user: {token: inline, tokenFile: token}\n"
	    "- name: file\n  user: {tokenFile: %s/token}\n"
	    "- name: missing\n  user: {tokenFile: nothere}\n"
	    "contexts:\n- name: both\n  context: {cluster: c, user: both}\n"
	    "- name: file\n  context: {cluster: c, user: file}\n"
	    "- name: missing\n  context: {cluster: c, user: missing}\n", t);
	p = xasprintf("%s/config", t);
	spit(p, text);
	kc = kubeconfig_load(p, &cause);
	if (kc == NULL)
		fail_msg("%s", cause);
	free(text);
	free(p);
	return kc;
}

/* Authorization for ctx after kube_easy_setup (new string or NULL). */
static char *
bearer_of(struct kube_context *ctx, char **cause)
{
	CURL *easy = curl_easy_init();
	struct curl_slist *h;
	const char *v;
	char *out = NULL;

	h = kube_easy_setup(easy, ctx, NULL, cause);
	if (h != NULL) {
		v = header(h, "Authorization");
		out = v != NULL ? xstrdup(v) : xstrdup("");
	}
	curl_slist_free_all(h);
	curl_easy_cleanup(easy);
	return out;
}

/* tokenFile: wins over token while readable (client-go re-reads it per
 * request), re-read when it changes; token is the fallback. */
static void
test_token_file(void **state)
{
	char *t = make_tmp(), *tok, *p, *cause = NULL, *url;
	struct kubeconfig *kc;
	struct kube_context *c;
	struct timespec times[2];

	p = xasprintf("%s/token", t);
	spit(p, "from-file-1\n");
	kc = load_token_config(t);

	c = kubeconfig_find(kc, "both");
	tok = bearer_of(c, &cause);
	assert_string_equal(tok, "Bearer from-file-1");
	free(tok);

	c = kubeconfig_find(kc, "file");
	tok = bearer_of(c, &cause);
	assert_string_equal(tok, "Bearer from-file-1");
	free(tok);

	/* rotate the file (new mtime): the next request sends the new token */
	spit(p, "from-file-2\n");
	clock_gettime(CLOCK_REALTIME, &times[0]);
	times[0].tv_sec += 5;
	times[1] = times[0];
	utimensat(AT_FDCWD, p, times, 0);
	tok = bearer_of(c, &cause);
	assert_string_equal(tok, "Bearer from-file-2");
	free(tok);

	/* the file disappears: "both" falls back to its token, "file" fails */
	unlink(p);
	auth_invalidate(kubeconfig_find(kc, "both"));
	tok = bearer_of(kubeconfig_find(kc, "both"), &cause);
	assert_string_equal(tok, "Bearer inline");
	free(tok);
	auth_invalidate(c);
	tok = bearer_of(c, &cause);
	assert_null(tok);
	assert_has(cause, "tokenFile");
	free(cause);
	cause = NULL;
	tok = bearer_of(kubeconfig_find(kc, "missing"), &cause);
	assert_null(tok);
	assert_has(cause, "nothere");
	free(cause);

	/* tls-server-name: the URL names it (SNI), Host keeps the server */
	url = kube_url(c, "/api/v1/pods?limit=500");
	assert_string_equal(url, "https://api.internal:6443/api/v1/pods?limit=500");
	free(url);
	kubeconfig_free(kc);
	free(p);
	remove_tmp(t);
}

/* Headers and URL for an ordinary token context. */
static void
test_easy_headers(void **state)
{
	struct kubeconfig *kc = load_fixture_merge();
	struct kube_context *c = kubeconfig_find(kc, "shared");
	CURL *easy = curl_easy_init();
	struct curl_slist *h, *extra;
	char *cause = NULL, *url;

	extra = curl_slist_append(NULL, "Accept: application/json");
	h = kube_easy_setup(easy, c, extra, &cause);
	assert_non_null(h);
	assert_string_equal(header(h, "Authorization"), "Bearer inline-token");
	assert_string_equal(header(h, "Accept"), "application/json");
	assert_null(header(h, "Host"));
	curl_slist_free_all(h);
	url = kube_url(c, "/version");
	assert_string_equal(url, "https://shared-from-first.example/version");
	free(url);
	url = kube_url(kubeconfig_find(kc, "beta"), "api");
	assert_string_equal(url, "https://beta.example:443/api");
	free(url);
	/* tls-server-name keeps the real server in Host */
	h = kube_easy_setup(easy, kubeconfig_find(kc, "alpha"), NULL, &cause);
	assert_non_null(h);
	assert_string_equal(header(h, "Host"), "alpha.example:6443");
	curl_slist_free_all(h);
	curl_easy_cleanup(easy);
	kubeconfig_free(kc);
}

/* A fake proxy on 127.0.0.1: a child that accepts one connection, answers a
 * SOCKS5 greeting if it gets one, and writes what it received to a pipe. */
struct fake_proxy {
	int	port;
	pid_t	pid;
	int	rfd;
};

/* Start the fake proxy. */
static void
fake_proxy_start(struct fake_proxy *fp)
{
	struct sockaddr_in sa;
	socklen_t sl = sizeof sa;
	int ls, p[2], c;
	char buf[1024];
	ssize_t n, m;
	static const unsigned char ok[] = { 5, 0 };

	ls = socket(AF_INET, SOCK_STREAM, 0);
	memset(&sa, 0, sizeof sa);
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (ls == -1 || bind(ls, (struct sockaddr *)&sa, sizeof sa) != 0 || listen(ls, 4) != 0 ||
	    getsockname(ls, (struct sockaddr *)&sa, &sl) != 0 || pipe(p) != 0)
		fail_msg("fake proxy: %s", strerror(errno));
	fp->port = ntohs(sa.sin_port);
	fp->pid = fork();
	if (fp->pid == 0) {
		close(p[0]);
		alarm(20);
		c = accept(ls, NULL, NULL);
		if (c == -1)
			_exit(1);
		n = read(c, buf, sizeof buf);
		if (n > 0 && buf[0] == 5) {	/* SOCKS5 greeting */
			if (write(c, ok, sizeof ok) != (ssize_t)sizeof ok)
				_exit(1);
			m = read(c, buf + n, sizeof buf - (size_t)n);
			if (m > 0)
				n += m;
		}
		if (n > 0 && write(p[1], buf, (size_t)n) != n)
			_exit(1);
		_exit(0);
	}
	close(ls);
	close(p[1]);
	fp->rfd = p[0];
}

/* Stop the fake proxy; what it received (up to len bytes), or -1 if nothing. */
static ssize_t
fake_proxy_stop(struct fake_proxy *fp, char *buf, size_t len)
{
	struct pollfd pfd = { fp->rfd, POLLIN, 0 };
	ssize_t n = -1;

	if (poll(&pfd, 1, 0) == 1)
		n = read(fp->rfd, buf, len);
	if (n == 0)
		n = -1;
	kill(fp->pid, SIGKILL);
	waitpid(fp->pid, NULL, 0);
	close(fp->rfd);
	return n;
}

/* One request to ctx's /version, failing or not; its curl result. */
static CURLcode
try_request(struct kube_context *ctx)
{
	CURL *easy = curl_easy_init();
	struct curl_slist *h;
	char *cause = NULL, *url;
	CURLcode rc;

	h = kube_easy_setup(easy, ctx, NULL, &cause);
	if (h == NULL)
		fail_msg("setup: %s", cause);
	url = kube_url(ctx, "/version");
	curl_easy_setopt(easy, CURLOPT_URL, url);
	curl_easy_setopt(easy, CURLOPT_CONNECTTIMEOUT, 10L);
	curl_easy_setopt(easy, CURLOPT_TIMEOUT, 15L);
	rc = curl_easy_perform(easy);
	curl_slist_free_all(h);
	curl_easy_cleanup(easy);
	free(url);
	return rc;
}

/* Proxies as client-go chooses them: proxy-url (socks5 resolving at the
 * proxy), else HTTPS_PROXY honouring NO_PROXY, never for loopback, never
 * ALL_PROXY. */
static void
test_proxy_choice(void **state)
{
	static const char text[] =
	    "clusters:\n- name: remote\n  cluster: {server: 'https://api.example.invalid:6443'}\n"
	    "- name: local\n  cluster: {server: 'https://127.0.0.1:1'}\n"
	    "- name: socks\n  cluster: {server: 'https://api.example.invalid:6443',"
	    " proxy-url: 'socks5://127.0.0.1:PORT'}\n"
	    "users:\n- name: u\n  user: {token: t}\n"
	    "contexts:\n- {name: remote, context: {cluster: remote, user: u}}\n"
	    "- {name: local, context: {cluster: local, user: u}}\n"
	    "- {name: socks, context: {cluster: socks, user: u}}\n";
	struct fake_proxy fp;
	struct kubeconfig *kc;
	char buf[1024], *env, *cause = NULL, *port, *c;
	ssize_t n;

	kc = kubeconfig_parse(text, strlen(text), "inline", NULL, &cause);
	assert_non_null(kc);
	unsetenv("https_proxy");
	unsetenv("no_proxy");
	unsetenv("NO_PROXY");

	/* HTTPS_PROXY: a CONNECT for the API server's host and port */
	fake_proxy_start(&fp);
	env = xasprintf("http://127.0.0.1:%d", fp.port);
	setenv("HTTPS_PROXY", env, 1);
	try_request(kubeconfig_find(kc, "remote"));
	n = fake_proxy_stop(&fp, buf, sizeof buf - 1);
	assert_true(n > 0);
	buf[n] = '\0';
	assert_has(buf, "CONNECT api.example.invalid:6443 HTTP/1.1");

	/* loopback servers are never proxied */
	fake_proxy_start(&fp);
	free(env);
	env = xasprintf("http://127.0.0.1:%d", fp.port);
	setenv("HTTPS_PROXY", env, 1);
	try_request(kubeconfig_find(kc, "local"));
	assert_int_equal(fake_proxy_stop(&fp, buf, sizeof buf), -1);

	/* NO_PROXY matches */
	fake_proxy_start(&fp);
	free(env);
	env = xasprintf("http://127.0.0.1:%d", fp.port);
	setenv("HTTPS_PROXY", env, 1);
	setenv("NO_PROXY", "example.invalid", 1);
	try_request(kubeconfig_find(kc, "remote"));
	assert_int_equal(fake_proxy_stop(&fp, buf, sizeof buf), -1);
	unsetenv("NO_PROXY");
	unsetenv("HTTPS_PROXY");

	/* ALL_PROXY is not client-go's: ignored */
	fake_proxy_start(&fp);
	free(env);
	env = xasprintf("http://127.0.0.1:%d", fp.port);
	setenv("ALL_PROXY", env, 1);
	try_request(kubeconfig_find(kc, "remote"));
	assert_int_equal(fake_proxy_stop(&fp, buf, sizeof buf), -1);
	unsetenv("ALL_PROXY");
	free(env);	/* before the fork below: the child would report it lost */
	env = NULL;

	/* socks5:// proxy-url: the proxy gets the host name to resolve */
	fake_proxy_start(&fp);
	port = xasprintf("socks5://127.0.0.1:%d", fp.port);
	free(kubeconfig_find(kc, "socks")->proxy_url);
	kubeconfig_find(kc, "socks")->proxy_url = port;
	try_request(kubeconfig_find(kc, "socks"));
	n = fake_proxy_stop(&fp, buf, sizeof buf);
	/* greeting 05 N methods..., then CONNECT 05 01 00 03 <len> name <port> */
	assert_true(n > 2);
	assert_int_equal(buf[0], 5);
	c = buf + 2 + (unsigned char)buf[1];
	assert_true(n >= (c - buf) + 5 + 19 + 2);
	assert_int_equal(c[0], 5);
	assert_int_equal(c[1], 1);
	assert_int_equal(c[3], 3);	/* a domain name, not an address */
	assert_int_equal(c[4], (int)strlen("api.example.invalid"));
	assert_memory_equal(c + 5, "api.example.invalid", strlen("api.example.invalid"));
	assert_int_equal((unsigned char)c[24] << 8 | (unsigned char)c[25], 6443);
	free(env);
	kubeconfig_free(kc);
}

/* State for exec plugin tests: a temp dir with a script plugin. */
struct plug {
	char			*t;
	struct kubeconfig	*kc;
	struct kube_context	*ctx;
};

static const char plugin_script[] =
    "#!/bin/sh\n"
    "# Test credential plugin: logs each run, prints what $T/mode says.\n"
    "echo \"run args=$* mode=$PLUGIN_MODE\" >> \"$T/log\"\n"
    "printf '%s' \"$KUBERNETES_EXEC_INFO\" > \"$T/info.json\"\n"
    "n=$(wc -l < \"$T/log\" | tr -d ' ')\n"
    "case $(cat \"$T/mode\") in\n"
    "token) printf '{\"kind\":\"ExecCredential\",\"apiVersion\":\"%s\",\"status\":"
    "{\"token\":\"tok-%s\",\"expirationTimestamp\":\"%s\"}}\\n' \"$(cat \"$T/apiv\")\" "
    "\"$n\" \"$(cat \"$T/expiry\")\" ;;\n"
    "cert) printf '{\"kind\":\"ExecCredential\",\"apiVersion\":\"%s\",\"status\":"
    "{\"clientCertificateData\":\"CERT\",\"clientKeyData\":\"KEY\"}}' \"$(cat \"$T/apiv\")\" ;;\n"
    "fail) printf '\\033[31mboom: no credentials\\nsecond line\\n' >&2; exit 3 ;;\n"
    "garbage) echo 'not json' ;;\n"
    "sleep) sleep 60 ;;\n"
    "esac\n";

/* Write the plugin and a kubeconfig using it. */
static int
plug_setup(void **state)
{
	struct plug *p = xcalloc(1, sizeof *p);
	char *path, *text, *cause = NULL, *cadata;
	size_t n;

	p->t = make_tmp();
	path = xasprintf("%s/plugin.sh", p->t);
	spit(path, plugin_script);
	chmod(path, 0755);
	free(path);
	cadata = xasprintf("%s", "LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCkNBCi0tLS0tRU5EIENFUlRJRklDQVRFLS0tLS0K");
	text = xasprintf(
	    "clusters:\n- name: c\n  cluster:\n    server: https://127.0.0.1:7443\n"
	    "    certificate-authority-data: %s\n"
	    "users:\n- name: u\n  user:\n    exec:\n"
	    "      apiVersion: client.authentication.k8s.io/v1\n"
	    "      command: ./plugin.sh\n      args: [get-token, --x]\n"
	    "      env:\n      - {name: T, value: %s}\n      - {name: PLUGIN_MODE, value: fast}\n"
	    "      interactiveMode: IfAvailable\n      provideClusterInfo: true\n"
	    "      installHint: see example.com/install\n"
	    "contexts:\n- name: x\n  context: {cluster: c, user: u}\n", cadata, p->t);
	path = xasprintf("%s/config", p->t);
	spit(path, text);
	p->kc = kubeconfig_load(path, &cause);
	if (p->kc == NULL)
		fail_msg("%s", cause);
	p->ctx = kubeconfig_find(p->kc, "x");
	assert_null(p->ctx->error);
	free(path);
	free(text);
	free(cadata);
	(void)n;
	*state = p;
	return 0;
}

/* Remove the plugin's directory. */
static int
plug_teardown(void **state)
{
	struct plug *p = *state;

	kubeconfig_free(p->kc);
	remove_tmp(p->t);
	free(p);
	return 0;
}

/* Write file name in the plugin dir. */
static void
plug_set(struct plug *p, const char *name, const char *value)
{
	char *path = xasprintf("%s/%s", p->t, name);

	spit(path, value);
	free(path);
}

/* Lines in the plugin's invocation log. */
static int
plug_runs(struct plug *p)
{
	char *path = xasprintf("%s/log", p->t), *s;
	int n = 0;

	if (access(path, F_OK) == 0) {
		s = slurp(path, NULL);
		for (char *c = s; *c != '\0'; c++)
			n += *c == '\n';
		free(s);
	}
	free(path);
	return n;
}

/* RFC 3339 for now + delta seconds. */
static void
plug_expiry(struct plug *p, long delta)
{
	char buf[64];
	time_t t = time(NULL) + delta;
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
	plug_set(p, "expiry", buf);
}

/* Make sure the context has a credential, running the plugin if needed. */
static int
plug_ensure(struct plug *p, char **cause)
{
	if (!auth_needs_exec(p->ctx))
		return 0;
	return auth_exec_run(p->ctx, cause);
}

/* Cached until expiry, re-run on expiry and after a 401 (invalidate). */
static void
test_exec_cache(void **state)
{
	struct plug *p = *state;
	char *cause = NULL, *tok, *info;
	json_t *j;

	plug_set(p, "mode", "token");
	plug_set(p, "apiv", "client.authentication.k8s.io/v1");
	plug_expiry(p, 3600);
	assert_true(auth_needs_exec(p->ctx));
	tok = bearer_of(p->ctx, &cause);	/* no credential yet: refused */
	assert_null(tok);
	assert_has(cause, "has not run");
	free(cause);
	cause = NULL;

	assert_int_equal(plug_ensure(p, &cause), 0);
	assert_int_equal(plug_runs(p), 1);
	tok = bearer_of(p->ctx, &cause);
	assert_string_equal(tok, "Bearer tok-1");
	free(tok);
	/* many more requests: still cached, the plugin does not run again */
	for (int i = 0; i < 5; i++) {
		assert_int_equal(plug_ensure(p, &cause), 0);
		tok = bearer_of(p->ctx, &cause);
		assert_string_equal(tok, "Bearer tok-1");
		free(tok);
	}
	assert_int_equal(plug_runs(p), 1);
	assert_int_equal(p->ctx->exec->runs, 1);

	/* 401: invalidate, run once more */
	auth_invalidate(p->ctx);
	assert_true(auth_needs_exec(p->ctx));
	assert_int_equal(plug_ensure(p, &cause), 0);
	tok = bearer_of(p->ctx, &cause);
	assert_string_equal(tok, "Bearer tok-2");
	free(tok);
	assert_int_equal(plug_runs(p), 2);

	/* a credential that expires within the refresh margin is refreshed early
	 * but still usable meanwhile */
	plug_expiry(p, 4);
	auth_invalidate(p->ctx);
	assert_int_equal(plug_ensure(p, &cause), 0);
	assert_int_equal(plug_runs(p), 3);
	assert_true(auth_have_cred(p->ctx));
	assert_true(auth_needs_exec(p->ctx));
	tok = bearer_of(p->ctx, &cause);
	assert_string_equal(tok, "Bearer tok-3");
	free(tok);

	/* an already expired credential is never sent; the next ensure re-runs */
	plug_expiry(p, -60);
	assert_int_equal(plug_ensure(p, &cause), 0);
	assert_int_equal(plug_runs(p), 4);
	assert_false(auth_have_cred(p->ctx));
	tok = bearer_of(p->ctx, &cause);
	assert_null(tok);
	free(cause);
	cause = NULL;
	plug_expiry(p, 3600);
	assert_int_equal(plug_ensure(p, &cause), 0);
	assert_int_equal(plug_runs(p), 5);
	tok = bearer_of(p->ctx, &cause);
	assert_string_equal(tok, "Bearer tok-5");
	free(tok);

	/* args and env reached the plugin */
	info = xasprintf("%s/log", p->t);
	tok = slurp(info, NULL);
	assert_has(tok, "run args=get-token --x mode=fast\n");
	free(tok);
	free(info);

	/* KUBERNETES_EXEC_INFO: v1, non-interactive, cluster info with CA */
	info = xasprintf("%s/info.json", p->t);
	tok = slurp(info, NULL);
	j = json_loads(tok, 0, NULL);
	assert_non_null(j);
	assert_string_equal(json_string_value(json_object_get(j, "kind")), "ExecCredential");
	assert_string_equal(json_string_value(json_object_get(j, "apiVersion")),
	    "client.authentication.k8s.io/v1");
	assert_true(json_is_false(json_object_get(json_object_get(j, "spec"), "interactive")));
	assert_string_equal(json_string_value(json_object_get(json_object_get(
	    json_object_get(j, "spec"), "cluster"), "server")), "https://127.0.0.1:7443");
	assert_string_equal(json_string_value(json_object_get(json_object_get(
	    json_object_get(j, "spec"), "cluster"), "certificate-authority-data")),
	    "LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCkNBCi0tLS0tRU5EIENFUlRJRklDQVRFLS0tLS0K");
	json_decref(j);
	free(tok);
	free(info);
}

/* A failing plugin: its stderr (cleaned) and the install hint are the error;
 * garbage output and a wrong apiVersion are refused. */
static void
test_exec_failures(void **state)
{
	struct plug *p = *state;
	char *cause = NULL;

	plug_set(p, "mode", "fail");
	assert_int_equal(auth_exec_run(p->ctx, &cause), -1);
	assert_has(cause, "exit status 3");
	assert_has(cause, "boom: no credentials second line");
	assert_has(cause, "\\x1b[31m");
	assert_null(strchr(cause, '\033'));
	assert_has(cause, "see example.com/install");
	assert_string_equal(p->ctx->exec->last_error, cause);
	free(cause);
	cause = NULL;
	/* the request path reports the plugin's failure */
	assert_null(bearer_of(p->ctx, &cause));
	assert_has(cause, "boom");
	free(cause);
	cause = NULL;

	plug_set(p, "mode", "garbage");
	assert_int_equal(auth_exec_run(p->ctx, &cause), -1);
	assert_has(cause, "no ExecCredential JSON");
	free(cause);
	cause = NULL;

	plug_set(p, "mode", "token");
	plug_expiry(p, 3600);
	plug_set(p, "apiv", "client.authentication.k8s.io/v1beta1");
	assert_int_equal(auth_exec_run(p->ctx, &cause), -1);
	assert_has(cause, "configured for client.authentication.k8s.io/v1 but returned "
	    "client.authentication.k8s.io/v1beta1");
	free(cause);
	cause = NULL;

	/* a client certificate credential */
	plug_set(p, "mode", "cert");
	plug_set(p, "apiv", "client.authentication.k8s.io/v1");
	assert_int_equal(auth_exec_run(p->ctx, &cause), 0);
	assert_string_equal(p->ctx->exec->cred_cert, "CERT");
	assert_string_equal(p->ctx->exec->cred_key, "KEY");
	assert_int_equal(p->ctx->exec->cred_expiry, 0);
	assert_false(auth_needs_exec(p->ctx));
}

/* A hanging plugin is killed at its timeout. */
static void
test_exec_timeout(void **state)
{
	struct plug *p = *state;
	char *cause = NULL;

	plug_set(p, "mode", "sleep");
	p->ctx->exec->timeout = 0.5;
	assert_int_equal(auth_exec_run(p->ctx, &cause), -1);
	assert_has(cause, "timed out");
	free(cause);
}

/* The loop-style path: start, watch the fd, feed, finish. */
static void
test_exec_async(void **state)
{
	struct plug *p = *state;
	struct auth_exec *ae;
	struct pollfd pfd;
	char *cause = NULL;
	int r = 0;

	plug_set(p, "mode", "token");
	plug_set(p, "apiv", "client.authentication.k8s.io/v1");
	plug_expiry(p, 3600);
	ae = auth_exec_start(p->ctx, &cause);
	assert_non_null(ae);
	assert_true(auth_exec_pid(ae) > 0);
	assert_true(auth_exec_timeout(ae) > 1);
	while (r == 0) {
		pfd.fd = auth_exec_fd(ae);
		pfd.events = POLLIN;
		assert_int_equal(poll(&pfd, 1, 30000), 1);
		r = auth_exec_feed(ae);
	}
	assert_int_equal(r, 1);
	assert_int_equal(auth_exec_finish(ae, &cause), 0);
	auth_exec_free(ae);
	assert_has(p->ctx->exec->cred_token, "tok-");

	/* freeing a running plugin kills it */
	plug_set(p, "mode", "sleep");
	ae = auth_exec_start(p->ctx, &cause);
	assert_non_null(ae);
	auth_exec_free(ae);
	assert_has(p->ctx->exec->last_error, "cancelled");
}

/* KUBERNETES_EXEC_INFO carries the cluster only with provideClusterInfo;
 * interactiveMode Always cannot be honoured without a terminal. */
static void
test_exec_info(void **state)
{
	static const char text[] =
	    "clusters:\n- name: c\n  cluster: {server: 'https://10.0.0.1:6443',"
	    " tls-server-name: api, insecure-skip-tls-verify: true}\n"
	    "users:\n- name: u\n  user:\n    exec:\n"
	    "      apiVersion: client.authentication.k8s.io/v1beta1\n"
	    "      command: some-plugin\n"
	    "- name: always\n  user:\n    exec:\n"
	    "      apiVersion: client.authentication.k8s.io/v1\n"
	    "      command: some-plugin\n      interactiveMode: Always\n"
	    "contexts:\n- {name: x, context: {cluster: c, user: u}}\n"
	    "- {name: always, context: {cluster: c, user: always}}\n";
	struct kubeconfig *kc;
	struct kube_context *c;
	char *cause = NULL, *info;
	json_t *j, *spec, *cl;

	kc = kubeconfig_parse(text, strlen(text), "inline", NULL, &cause);
	assert_non_null(kc);
	c = kubeconfig_find(kc, "x");
	assert_null(c->error);
	info = auth_exec_info(c);
	j = json_loads(info, 0, NULL);
	assert_non_null(j);
	assert_string_equal(json_string_value(json_object_get(j, "apiVersion")),
	    "client.authentication.k8s.io/v1beta1");
	spec = json_object_get(j, "spec");
	assert_true(json_is_false(json_object_get(spec, "interactive")));
	assert_null(json_object_get(spec, "cluster"));
	json_decref(j);
	free(info);

	c->exec->provide_cluster_info = true;
	info = auth_exec_info(c);
	j = json_loads(info, 0, NULL);
	cl = json_object_get(json_object_get(j, "spec"), "cluster");
	assert_string_equal(json_string_value(json_object_get(cl, "server")),
	    "https://10.0.0.1:6443");
	assert_string_equal(json_string_value(json_object_get(cl, "tls-server-name")), "api");
	assert_true(json_is_true(json_object_get(cl, "insecure-skip-tls-verify")));
	assert_null(json_object_get(cl, "certificate-authority-data"));
	json_decref(j);
	free(info);

	c = kubeconfig_find(kc, "always");
	assert_null(c->error);
	assert_null(auth_exec_start(c, &cause));
	assert_has(cause, "interactiveMode: Always");
	assert_int_equal(c->exec->runs, 0);
	free(cause);
	kubeconfig_free(kc);
}

/* A plugin that is not installed: "not found" plus the install hint. */
static void
test_exec_not_found(void **state)
{
	static const char text[] =
	    "clusters:\n- name: c\n  cluster: {server: https://127.0.0.1:1}\n"
	    "users:\n- name: u\n  user:\n    exec:\n"
	    "      apiVersion: client.authentication.k8s.io/v1beta1\n"
	    "      command: opsdeck-no-such-plugin\n"
	    "      installHint: 'brew install opsdeck-no-such-plugin'\n"
	    "contexts:\n- name: x\n  context: {cluster: c, user: u}\n";
	struct kubeconfig *kc;
	char *cause = NULL;

	kc = kubeconfig_parse(text, strlen(text), "inline", NULL, &cause);
	assert_non_null(kc);
	assert_int_equal(auth_exec_run(kubeconfig_find(kc, "x"), &cause), -1);
	assert_has(cause, "opsdeck-no-such-plugin not found");
	assert_has(cause, "brew install");
	free(cause);
	kubeconfig_free(kc);
}

/* The real GKE plugin without Google credentials fails; its message shows. */
static void
test_exec_gke(void **state)
{
	struct kubeconfig *kc;
	char *t, *text, *cause = NULL;

	if (access(GKE_PLUGIN, X_OK) != 0) {
		print_message("skipping: %s not installed\n", GKE_PLUGIN);
		skip();
	}
	t = make_tmp();
	text = xasprintf("clusters:\n- name: c\n  cluster: {server: https://127.0.0.1:1}\n"
	    "users:\n- name: u\n  user:\n    exec:\n"
	    "      apiVersion: client.authentication.k8s.io/v1beta1\n"
	    "      command: %s\n"
	    "      env: [{name: HOME, value: %s}, {name: CLOUDSDK_CONFIG, value: %s/gcloud}]\n"
	    "      installHint: Install gke-gcloud-auth-plugin for use with kubectl\n"
	    "      provideClusterInfo: true\n"
	    "contexts:\n- name: gke\n  context: {cluster: c, user: u}\n", GKE_PLUGIN, t, t);
	kc = kubeconfig_parse(text, strlen(text), "inline", NULL, &cause);
	assert_non_null(kc);
	assert_int_equal(auth_exec_run(kubeconfig_find(kc, "gke"), &cause), -1);
	assert_has(cause, "credential plugin " GKE_PLUGIN " failed (exit status");
	assert_has(cause, "print credential failed");
	assert_has(cause, "Install gke-gcloud-auth-plugin");
	assert_null(strchr(cause, '\n'));
	free(cause);
	free(text);
	kubeconfig_free(kc);
	remove_tmp(t);
}

/* Role and protection ride in a context's opsdeck.dev/context extension;
 * other extensions are ignored; config.yaml, where it names a context, sets
 * protection and overrides the role only when it gives one. */
static void
test_context_extension(void **state)
{
	static const char kcy[] =
	    "clusters: [{name: c, cluster: {server: 'https://c.example'}}]\n"
	    "users: [{name: u, user: {token: t}}]\n"
	    "contexts:\n"
	    "- name: tokyo\n"
	    "  context:\n"
	    "    cluster: c\n"
	    "    user: u\n"
	    "    extensions:\n"
	    "    - {name: example.com/other, extension: {role: wrong}}\n"
	    "    - name: opsdeck.dev/context\n"
	    "      extension: {role: primary, protected: true, readOnly: true}\n"
	    "- name: osaka\n"
	    "  context: {cluster: c, user: u, extensions: [{name: opsdeck.dev/context, "
	    "extension: {role: dr, protected: yes}}]}\n"
	    "- name: plain\n"
	    "  context: {cluster: c, user: u}\n";
	static const char cfgy[] =
	    "contexts:\n"
	    "  tokyo: {protected: false}\n"
	    "  plain: {role: staging}\n";
	struct kubeconfig *kc;
	struct opsdeck_config *cfg;
	struct kube_context *c;
	char *cause = NULL;

	(void)state;
	kc = kubeconfig_parse(kcy, sizeof kcy - 1, "ext.yaml", NULL, &cause);
	assert_non_null(kc);
	c = kubeconfig_find(kc, "tokyo");
	assert_string_equal(c->role, "primary");
	assert_true(c->protected_ctx);
	assert_true(c->read_only);
	c = kubeconfig_find(kc, "osaka");
	assert_string_equal(c->role, "dr");
	assert_true(c->protected_ctx);
	assert_false(c->read_only);
	c = kubeconfig_find(kc, "plain");
	assert_null(c->role);
	assert_false(c->protected_ctx);

	cfg = config_parse(cfgy, sizeof cfgy - 1, "config.yaml", &cause);
	assert_non_null(cfg);
	kubeconfig_apply_config(kc, cfg);
	c = kubeconfig_find(kc, "tokyo");
	assert_string_equal(c->role, "primary");	/* config gave no role */
	assert_false(c->protected_ctx);			/* config said so */
	assert_true(c->read_only);			/* config said nothing */
	assert_string_equal(kubeconfig_find(kc, "plain")->role, "staging");
	assert_string_equal(kubeconfig_find(kc, "osaka")->role, "dr");
	config_free(cfg);
	kubeconfig_free(kc);
}

/* Contexts reaching one cluster (same server, CA and TLS name) fold into
 * one: the first, or the preferred; the cluster's role and protection
 * carry over to the acting one; a different CA or server is another
 * cluster. */
static void
test_fold(void **state)
{
	static char ca1[] = "CA-ONE", ca2[] = "CA-TWO";
	struct kube_context a = { 0 }, va = { 0 }, ea = { 0 }, b = { 0 }, other_ca = { 0 };
	struct kube_context *ctxs[5];
	char *also[5];
	size_t n, i;

	a.name = "prod"; a.server = "https://10.0.0.1:6443"; a.ca_data = ca1; a.ca_len = 6;
	a.protected_ctx = true;
	va = a; va.name = "viewer@prod"; va.protected_ctx = false;
	ea = a; ea.name = "exec@prod"; ea.protected_ctx = false;
	b.name = "staging"; b.server = "https://10.0.0.2:6443";
	other_ca = a; other_ca.name = "prod-other-ca"; other_ca.ca_data = ca2;
	a.role = NULL;
	va.role = NULL;
	ea.role = "primary";	/* said for one context only */
	assert_true(kubeconfig_same_cluster(&a, &va));
	assert_false(kubeconfig_same_cluster(&a, &b));
	assert_false(kubeconfig_same_cluster(&a, &other_ca));

	ctxs[0] = &va; ctxs[1] = &b; ctxs[2] = &a; ctxs[3] = &ea; ctxs[4] = &other_ca;
	n = kubeconfig_fold(ctxs, 5, NULL, also);
	assert_int_equal(n, 3);
	assert_ptr_equal(ctxs[0], &va);		/* the first named acts */
	assert_ptr_equal(ctxs[1], &b);
	assert_ptr_equal(ctxs[2], &other_ca);
	assert_string_equal(also[0], "prod, exec@prod");
	assert_null(also[1]);
	assert_null(also[2]);
	assert_true(va.protected_ctx);		/* the cluster is protected */
	assert_string_equal(va.role, "primary");
	for (i = 0; i < n; i++)
		free(also[i]);
	free(va.role);
	va.role = NULL;
	va.protected_ctx = false;

	/* the preferred context acts wherever it is listed */
	ctxs[0] = &va; ctxs[1] = &a; ctxs[2] = &ea;
	n = kubeconfig_fold(ctxs, 3, "prod", also);
	assert_int_equal(n, 1);
	assert_ptr_equal(ctxs[0], &a);
	assert_string_equal(also[0], "viewer@prod, exec@prod");
	assert_string_equal(a.role, "primary");
	free(also[0]);
	free(a.role);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_merge_order),
		cmocka_unit_test(test_context_extension),
		cmocka_unit_test(test_paths_and_data),
		cmocka_unit_test(test_entry_errors),
		cmocka_unit_test(test_bad_base64),
		cmocka_unit_test(test_kubectl_agrees),
		cmocka_unit_test(test_load_errors),
		cmocka_unit_test(test_base64),
		cmocka_unit_test(test_select),
		cmocka_unit_test(test_fold),
		cmocka_unit_test(test_token_file),
		cmocka_unit_test(test_easy_headers),
		cmocka_unit_test(test_proxy_choice),
		cmocka_unit_test_setup_teardown(test_exec_cache, plug_setup, plug_teardown),
		cmocka_unit_test_setup_teardown(test_exec_failures, plug_setup, plug_teardown),
		cmocka_unit_test_setup_teardown(test_exec_timeout, plug_setup, plug_teardown),
		cmocka_unit_test_setup_teardown(test_exec_async, plug_setup, plug_teardown),
		cmocka_unit_test(test_exec_info),
		cmocka_unit_test(test_exec_not_found),
		cmocka_unit_test(test_exec_gke),
	};

	find_data_dir();
	curl_global_init(CURL_GLOBAL_DEFAULT);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
