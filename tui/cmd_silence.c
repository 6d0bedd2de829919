/* opsdeck silence add|expire|list: Alertmanager silences without the
 * console, through each context's Alertmanager (config.yaml URL, else the
 * API server's service proxy path). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "opsdeck/cli.h"
#include "opsdeck/client.h"
#include "opsdeck/config.h"
#include "opsdeck/kubeconfig.h"
#include "opsdeck/loop.h"
#include "opsdeck/printers.h"
#include "opsdeck/sanitize.h"
#include "opsdeck/store.h"
#include "opsdeck/xmalloc.h"

/* Outcome of one Alertmanager call. */
struct silence_call {
	bool		 done;
	long		 status;
	char		*body;
	char		*error;
};

/* Print usage. */
static void
silence_usage(FILE *f)
{
	fprintf(f, "usage: opsdeck silence add [--context C] --matcher NAME=VALUE "
	    "[--matcher NAME=~RE ...]\n"
	    "                          --duration D --comment TEXT [--author U]\n"
	    "       opsdeck silence expire ID [--context C]\n"
	    "       opsdeck silence list [--context C | --all-contexts]\n"
	    "  matcher operators: = != =~ !~\n");
}

/* Completion of a call. */
static void
silence_done(const struct client_response *r, void *arg)
{
	struct silence_call *sc = arg;

	sc->done = true;
	sc->status = r->status;
	sc->body = xstrndup(r->body, r->len);
	if (r->error != NULL || r->status < 200 || r->status >= 300)
		sc->error = client_response_error(r);
}

/* Loop condition: the call finished. */
static int
silence_finished(void *arg)
{
	return ((struct silence_call *)arg)->done;
}

/* Parse "name<op>value" into a matcher object; NULL if malformed. */
static json_t *
silence_matcher(const char *spec)
{
	static const struct {
		const char	*op;
		bool		 regex;
		bool		 equal;
	} ops[] = {
		{ "!~", true, false }, { "=~", true, true }, { "!=", false, false },
		{ "=", false, true },
	};
	const char *best = NULL;
	size_t i, bi = 0;
	json_t *m;
	char *name;

	for (i = 0; i < sizeof ops / sizeof ops[0]; i++) {
		const char *p = strstr(spec, ops[i].op);

		if (p != NULL && (best == NULL || p < best ||
		    (p == best && strlen(ops[i].op) > strlen(ops[bi].op)))) {
			best = p;
			bi = i;
		}
	}
	if (best == NULL || best == spec)
		return NULL;
	name = xstrndup(spec, (size_t)(best - spec));
	m = json_pack("{s:s, s:s, s:b, s:b}", "name", name, "value",
	    best + strlen(ops[bi].op), "isRegex", ops[bi].regex, "isEqual", ops[bi].equal);
	free(name);
	return m;
}

/* Run one Alertmanager request on cluster idx and wait for it. */
static int
silence_run(struct loop *loop, struct client *c, size_t idx, const char *method,
    const char *path, const char *body, double timeout, struct silence_call *sc)
{
	memset(sc, 0, sizeof *sc);
	client_am_request(c, idx, method, path, body != NULL ? "application/json" : NULL,
	    body, silence_done, sc);
	if (loop_run_until(loop, silence_finished, sc, timeout) != 0) {
		sc->error = xstrdup("timed out waiting for Alertmanager");
		return -1;
	}
	return sc->error != NULL ? -1 : 0;
}

/* opsdeck silence. */
int
silence_main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "context", required_argument, NULL, 'c' },
		{ "all-contexts", no_argument, NULL, 'a' },
		{ "matcher", required_argument, NULL, 'm' },
		{ "duration", required_argument, NULL, 'd' },
		{ "comment", required_argument, NULL, 'C' },
		{ "author", required_argument, NULL, 'u' },
		{ "kubeconfig", required_argument, NULL, 'k' },
		{ "request-timeout", required_argument, NULL, 't' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct kubeconfig *kc = NULL;
	struct opsdeck_config *cfg = NULL;
	struct kube_context **ctxs = NULL;
	struct loop *loop = NULL;
	struct store *store = NULL;
	struct client *client = NULL;
	struct client_opts copts;
	struct silence_call sc;
	json_t *matchers = json_array(), *m, *body = NULL, *reply;
	const char *sub, *context_spec = NULL, *kubeconfig = NULL, *comment = NULL;
	const char *author = NULL, *id = NULL;
	char *cause = NULL, *s, *path, starts[64], ends[64];
	double duration = 0, timeout = 30;
	size_t nctx = 0, i;
	bool all = false;
	int ch, rc = 2;

	memset(&sc, 0, sizeof sc);
	if (argc < 2 || strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0) {
		silence_usage(argc < 2 ? stderr : stdout);
		rc = argc < 2 ? 2 : 0;
		goto out;
	}
	sub = argv[1];
	if (strcmp(sub, "list") == 0 || strcmp(sub, "ls") == 0) {
		char **av = xcalloc((size_t)argc + 2, sizeof *av);

		av[0] = (char *)"get";
		av[1] = (char *)"silences";
		for (i = 2; i < (size_t)argc; i++)
			av[i] = argv[i];
		rc = get_main(argc, av);
		free(av);
		goto out;
	}
	if (strcmp(sub, "add") != 0 && strcmp(sub, "expire") != 0) {
		fprintf(stderr, "opsdeck: silence: unknown command '%s'\n", sub);
		silence_usage(stderr);
		goto out;
	}
	optind = 2;
	for (;;) {
		ch = getopt_long(argc, argv, "m:d:h", longopts, NULL);
		if (ch == -1)
			break;
		switch (ch) {
		case 'c':
			context_spec = optarg;
			break;
		case 'a':
			all = true;
			break;
		case 'm':
			m = silence_matcher(optarg);
			if (m == NULL) {
				fprintf(stderr, "opsdeck: silence: bad matcher '%s' "
				    "(NAME=VALUE, NAME!=VALUE, NAME=~RE, NAME!~RE)\n", optarg);
				goto out;
			}
			json_array_append_new(matchers, m);
			break;
		case 'd':
		case 't':
			if (config_parse_duration(optarg, ch == 'd' ? &duration : &timeout) != 0) {
				fprintf(stderr, "opsdeck: silence: bad duration '%s'\n", optarg);
				goto out;
			}
			break;
		case 'C':
			comment = optarg;
			break;
		case 'u':
			author = optarg;
			break;
		case 'k':
			kubeconfig = optarg;
			break;
		case 'h':
			silence_usage(stdout);
			rc = 0;
			goto out;
		default:
			silence_usage(stderr);
			goto out;
		}
	}
	if (strcmp(sub, "expire") == 0) {
		if (optind >= argc) {
			fprintf(stderr, "opsdeck: silence expire: no silence id given\n");
			goto out;
		}
		id = argv[optind];
	} else {
		if (json_array_size(matchers) == 0 || duration <= 0 || comment == NULL) {
			fprintf(stderr, "opsdeck: silence add needs --matcher, --duration "
			    "and --comment\n");
			goto out;
		}
		if (author == NULL)
			author = getenv("USER");
		if (author == NULL || *author == '\0')
			author = "opsdeck";
	}

	if (kubeconfig_open_headless(kubeconfig, context_spec, all, &kc, &cfg, &ctxs,
	    &nctx) != 0)
		goto out;
	loop = loop_new();
	store = store_new();
	memset(&copts, 0, sizeof copts);
	copts.once = true;
	copts.health_interval = -1;
	client = client_new(loop, store, ctxs, nctx, &copts);

	rc = 0;
	for (i = 0; i < nctx; i++) {
		if (id != NULL) {
			char *esc = curl_easy_escape(NULL, id, 0);

			path = xasprintf("/api/v2/silence/%s", esc != NULL ? esc : "");
			curl_free(esc);
			if (silence_run(loop, client, i, "DELETE", path, NULL, timeout, &sc) == 0)
				fprintf(stderr, "silence %s expired on %s\n", id, ctxs[i]->name);
			free(path);
		} else {
			time_t now = time(NULL);

			format_rfc3339((int64_t)now, starts, sizeof starts);
			format_rfc3339((int64_t)now + (int64_t)duration, ends, sizeof ends);
			body = json_pack("{s:O, s:s, s:s, s:s, s:s}", "matchers", matchers,
			    "startsAt", starts, "endsAt", ends, "createdBy", author,
			    "comment", comment);
			s = json_dumps(body, JSON_COMPACT);
			json_decref(body);
			body = NULL;
			if (silence_run(loop, client, i, "POST", "/api/v2/silences", s, timeout,
			    &sc) == 0) {
				const char *sid;

				reply = json_loads(sc.body, 0, NULL);
				sid = json_string_value(json_object_get(reply, "silenceID"));
				if (sid != NULL) {
					char *clean = sanitize_str(sid, 0);

					printf("%s\n", clean);
					free(clean);
				} else {
					sc.error = xstrdup("reply has no silenceID");
				}
				json_decref(reply);
			}
			free(s);
		}
		if (sc.error != NULL) {
			fprintf(stderr, "opsdeck: %s: %s\n", ctxs[i]->name, sc.error);
			rc = 1;
		}
		free(sc.body);
		free(sc.error);
		memset(&sc, 0, sizeof sc);
	}
out:
	free(cause);
	json_decref(matchers);
	client_free(client);
	store_free(store);
	loop_free(loop);
	free(ctxs);
	kubeconfig_free(kc);
	config_free(cfg);
	return rc;
}
