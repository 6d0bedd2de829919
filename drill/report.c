/* opsdeck drill report: the score and timeline of a drill, read live from
 * its /drill/v1/status endpoint through a kubeconfig, or, when no drill
 * answers, the outcome the last drill saved under $XDG_STATE_HOME. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>
#include <jansson.h>

#include "opsdeck/auth.h"
#include "opsdeck/kubeconfig.h"
#include "opsdeck/look.h"
#include "opsdeck/printers.h"
#include "opsdeck/sanitize.h"
#include "opsdeck/sim_ctl.h"
#include "opsdeck/xmalloc.h"
#include "drill.h"

/* Hard cap on a status document. */
#define REPORT_BODY_MAX	(1024 * 1024)

/* The file the last drill's outcome is saved in (new string). */
char *
drill_report_path(void)
{
	const char	*state = getenv("XDG_STATE_HOME"), *home = getenv("HOME");

	if (state != NULL && *state != '\0')
		return xasprintf("%s/opsdeck/drill-report.json", state);
	return xasprintf("%s/.local/state/opsdeck/drill-report.json",
	    home != NULL ? home : ".");
}

/* A bounded response body. */
struct report_body {
	char	*p;
	size_t	 len;
	int	 toobig;
};

/* Collect a response body, refusing more than REPORT_BODY_MAX. */
static size_t
report_write(char *data, size_t size, size_t n, void *arg)
{
	struct report_body	*b = arg;
	size_t			 len = size * n;

	if (b->len + len > REPORT_BODY_MAX) {
		b->toobig = 1;
		return 0;
	}
	b->p = xrealloc(b->p, b->len + len + 1);
	memcpy(b->p + b->len, data, len);
	b->len += len;
	b->p[b->len] = '\0';
	return len;
}

/* GET /drill/v1/status on ctx: a new JSON object, or NULL with *cause. */
static json_t *
report_fetch(struct kube_context *ctx, char **cause)
{
	struct report_body	 b = { NULL, 0, 0 };
	struct curl_slist	*hdrs;
	CURL			*easy;
	CURLcode		 rc;
	json_t			*st = NULL;
	char			*url;
	long			 code = 0;

	if (auth_needs_exec(ctx)) {
		*cause = xasprintf("%s: uses an exec plugin (skipped)", ctx->name);
		return NULL;
	}
	easy = curl_easy_init();
	if (easy == NULL) {
		*cause = xstrdup("cannot start libcurl");
		return NULL;
	}
	hdrs = kube_easy_setup(easy, ctx, NULL, cause);
	if (hdrs == NULL)
		goto out;
	url = kube_url(ctx, "/drill/v1/status");
	curl_easy_setopt(easy, CURLOPT_URL, url);
	curl_easy_setopt(easy, CURLOPT_HTTPHEADER, hdrs);
	curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, report_write);
	curl_easy_setopt(easy, CURLOPT_WRITEDATA, &b);
	curl_easy_setopt(easy, CURLOPT_CONNECTTIMEOUT, 5L);
	curl_easy_setopt(easy, CURLOPT_TIMEOUT, 10L);
	curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
	rc = curl_easy_perform(easy);
	free(url);
	curl_slist_free_all(hdrs);
	if (rc != CURLE_OK) {
		*cause = xasprintf("%s: %s", ctx->name,
		    b.toobig ? "status document too large" : curl_easy_strerror(rc));
		goto out;
	}
	curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &code);
	if (code == 200 && b.p != NULL)
		st = json_loads(b.p, 0, NULL);
	if (st == NULL || !json_is_object(st) || json_object_get(st, "scenario") == NULL) {
		json_decref(st);
		st = NULL;
		*cause = xasprintf("%s: not a drill (HTTP %ld)", ctx->name, code);
	}
out:
	curl_easy_cleanup(easy);
	free(b.p);
	return st;
}

/* The status from the first context of kubeconfig path (NULL: $KUBECONFIG)
 * that answers, the named context first. NULL with *cause if none does. */
static json_t *
report_live(const char *path, const char *context, char **cause)
{
	struct kubeconfig	*kc;
	struct kube_context	*ctx, *first;
	json_t			*st = NULL;
	char			*why = NULL;
	size_t			 i;

	kc = kubeconfig_load(path, cause);
	if (kc == NULL)
		return NULL;
	first = kubeconfig_find(kc, context != NULL ? context : (kc->current_context != NULL ?
	    kc->current_context : ""));
	if (context != NULL && first == NULL) {
		*cause = xasprintf("unknown context '%s'", context);
		goto out;
	}
	for (i = 0; st == NULL && i <= kc->ncontexts; i++) {
		ctx = i == 0 ? first : kc->contexts[i - 1];
		if (ctx == NULL || (i > 0 && ctx == first) || ctx->error != NULL)
			continue;
		free(why);
		why = NULL;
		st = report_fetch(ctx, &why);
		if (context != NULL)
			break;
	}
	if (st == NULL)
		*cause = why != NULL ? why : xstrdup("no context in the kubeconfig");
	else
		free(why);
out:
	kubeconfig_free(kc);
	return st;
}

/* A string member of o, sanitised for the terminal (new), or "-". */
static char *
report_str(json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));

	return sanitize_str(s != NULL ? s : "-", 0);
}

/* Print the "detected" line: the first view an operator opened that showed
 * a fault, and how long after that fault. */
static void
report_print_detected(json_t *st)
{
	json_t	*fv = json_object_get(st, "firstRelevantView");
	char	*what, *user, *host, *kube;

	if (!json_is_object(fv)) {
		printf("detected   no relevant view reported (%lld views opened)\n",
		    (long long)json_integer_value(json_object_get(st, "looks")));
		return;
	}
	what = look_describe(fv);
	user = report_str(fv, "user");
	host = report_str(fv, "host");
	kube = report_str(fv, "kubeUser");
	/* who: the OS user on the console's host, and the kube identity the
	 * drill authenticated (two consoles of one OS user differ by it) */
	printf("detected   %.1fs after its fault: %s, by %s@%s as %s\n",
	    json_number_value(json_object_get(st, "timeToDetectSeconds")), what, user, host,
	    kube);
	free(what);
	free(user);
	free(host);
	free(kube);
}

/* Print the status as text: scenario, faults, resolution and its times. */
static void
report_print(json_t *st)
{
	json_t		*f, *c;
	char		 d[32], *s, *a, *b;
	double		 ttm;
	int64_t		 start, t;
	size_t		 i;

	s = report_str(st, "scenario");
	a = report_str(st, "started");
	printf("drill      %s (speed %.1fx), started %s\n", s,
	    json_number_value(json_object_get(st, "speed")), a);
	free(s);
	free(a);
	s = report_str(st, "description");
	if (strcmp(s, "-") != 0)
		printf("           %s\n", s);
	free(s);
	start = parse_rfc3339(json_string_value(json_object_get(st, "started")));
	json_array_foreach(json_object_get(st, "faults"), i, f) {
		s = report_str(f, "action");
		a = report_str(f, "target");
		b = report_str(f, "injected");
		printf("fault      +%.0fs  %-20s %-36s %s\n",
		    json_number_value(json_object_get(f, "at")), s, a,
		    strcmp(b, "-") == 0 ? "not yet injected" : b);
		free(s);
		free(a);
		free(b);
	}
	report_print_detected(st);
	if (json_is_true(json_object_get(st, "resolved"))) {
		s = report_str(st, "resolvedAt");
		printf("resolved   yes, at %s\n", s);
		free(s);
		ttm = json_number_value(json_object_get(st, "timeToMitigateSeconds"));
		if (json_object_get(st, "timeToMitigateSeconds") != NULL) {
			human_duration((int64_t)ttm, d, sizeof d);
			printf("mitigated  %s after the first fault\n", d);
		}
	} else {
		t = start != 0 ? (int64_t)json_number_value(json_object_get(st,
		    "simulatedSeconds")) : 0;
		human_duration(t, d, sizeof d);
		printf("resolved   no (%s simulated so far)\n", d);
	}
	json_array_foreach(json_object_get(st, "clusters"), i, c) {
		s = report_str(c, "name");
		a = report_str(c, "role");
		printf("cluster    %-12s %-8s %s\n", s, a,
		    json_is_false(json_object_get(c, "reachable")) ? "unreachable" : "reachable");
		free(s);
		free(a);
	}
}

/* opsdeck drill report [--kubeconfig FILE] [--context C] [-o text|json] */
int
drill_report(int argc, char **argv)
{
	const char	*path = NULL, *context = NULL, *fmt = "text";
	char		*cause = NULL, *saved;
	json_t		*st = NULL;
	json_error_t	 err;
	int		 i, rc = 0;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--kubeconfig") == 0 && i + 1 < argc)
			path = argv[++i];
		else if (strcmp(argv[i], "--context") == 0 && i + 1 < argc)
			context = argv[++i];
		else if (strcmp(argv[i], "-o") == 0 && i + 1 < argc)
			fmt = argv[++i];
		else if (strcmp(argv[i], "--json") == 0)
			fmt = "json";
		else {
			fprintf(stderr, "usage: opsdeck drill report [--kubeconfig FILE] "
			    "[--context C] [-o text|json]\n");
			return 2;
		}
	}
	if (strcmp(fmt, "text") != 0 && strcmp(fmt, "json") != 0) {
		fprintf(stderr, "opsdeck drill report: -o takes text or json\n");
		return 2;
	}
	if (path != NULL || getenv("KUBECONFIG") != NULL) {
		curl_global_init(CURL_GLOBAL_DEFAULT);
		st = report_live(path, context, &cause);
		curl_global_cleanup();
		if (st == NULL && path != NULL) {
			fprintf(stderr, "opsdeck drill report: %s\n", cause);
			free(cause);
			return 1;
		}
	}
	if (st == NULL) {
		saved = drill_report_path();
		st = json_load_file(saved, 0, &err);
		if (st == NULL) {
			fprintf(stderr, "opsdeck drill report: no drill answers%s%s and none "
			    "is recorded in %s\n", cause != NULL ? ": " : "",
			    cause != NULL ? cause : "", saved);
			rc = 1;
		}
		free(saved);
	}
	free(cause);
	if (st == NULL)
		return rc;
	if (strcmp(fmt, "json") == 0) {
		json_dumpf(st, stdout, JSON_INDENT(2));
		putchar('\n');
	} else
		report_print(st);
	json_decref(st);
	return 0;
}
