/* opsdeck describe KIND NAME: one object as `kubectl describe` shows it,
 * through the same renderers as the console's describe view (describe.c),
 * for each selected context in turn. */
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "opsdeck/actions.h"
#include "opsdeck/cli.h"
#include "opsdeck/client.h"
#include "opsdeck/config.h"
#include "opsdeck/describe.h"
#include "opsdeck/kinds.h"
#include "opsdeck/kubeconfig.h"
#include "opsdeck/loop.h"
#include "opsdeck/sanitize.h"
#include "opsdeck/store.h"
#include "opsdeck/xmalloc.h"

static void
describe_usage(FILE *f)
{
	fprintf(f, "usage: opsdeck describe KIND NAME [-n NS] [--context A,B | --all-contexts]\n"
	    "                        [--kubeconfig FILE] [--request-timeout DURATION]\n");
}

/* One GET and its answer. */
struct describe_get {
	bool		 done;
	long		 status;
	json_t		*body;
	char		*error;
};

static void
describe_get_done(const struct client_response *resp, void *arg)
{
	struct describe_get *g = arg;
	json_error_t jerr;

	g->done = true;
	g->status = resp->status;
	if (resp->error != NULL || resp->status / 100 != 2) {
		g->error = client_response_error(resp);
		return;
	}
	g->body = json_loadb(resp->body, resp->len, 0, &jerr);
	if (g->body == NULL)
		g->error = xstrdup("the server sent malformed JSON");
}

static int
describe_get_settled(void *arg)
{
	struct describe_get *g = arg;
	size_t i;

	for (i = 0; i < 3; i++) {
		if (!g[i].done)
			return 0;
	}
	return 1;
}

static void
describe_get_clear(struct describe_get *g)
{
	json_decref(g->body);
	free(g->error);
	memset(g, 0, sizeof *g);
}

static void
describe_print(const char *line, int hang, bool warning, void *arg)
{
	(void)hang;
	(void)warning;
	(void)arg;
	printf("%s\n", line);
}

int
describe_main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "namespace", required_argument, NULL, 'n' },
		{ "context", required_argument, NULL, 'c' },
		{ "all-contexts", no_argument, NULL, 'a' },
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
	struct describe_get get[3];
	const struct kind *k;
	const char *context_spec = NULL, *kubeconfig = NULL, *ns = NULL, *name, *use_ns;
	char *path, *clean;
	size_t nctx = 0, c;
	double timeout = 60;
	bool all_contexts = false;
	int ch, rc = 2, failed = 0;

	memset(get, 0, sizeof get);
	optind = 1;
	for (;;) {
		ch = getopt_long(argc, argv, "n:h", longopts, NULL);
		if (ch == -1)
			break;
		switch (ch) {
		case 'n':
			ns = optarg;
			break;
		case 'c':
			context_spec = optarg;
			break;
		case 'a':
			all_contexts = true;
			break;
		case 'k':
			kubeconfig = optarg;
			break;
		case 't':
			if (config_parse_duration(optarg, &timeout) != 0 || timeout <= 0) {
				fprintf(stderr, "opsdeck: describe: bad duration '%s'\n", optarg);
				goto out;
			}
			break;
		case 'h':
			describe_usage(stdout);
			rc = 0;
			goto out;
		default:
			describe_usage(stderr);
			goto out;
		}
	}
	if (argc - optind != 2) {
		describe_usage(stderr);
		goto out;
	}
	k = kind_find(argv[optind]);
	name = argv[optind + 1];
	if (k == NULL || k->source != KIND_API) {
		clean = sanitize_str(argv[optind], 0);
		fprintf(stderr, "opsdeck: describe: unknown kind '%s'\n", clean);
		free(clean);
		goto out;
	}
	if (kubeconfig_open_headless(kubeconfig, context_spec, all_contexts, &kc, &cfg, &ctxs,
	    &nctx) != 0)
		goto out;
	loop = loop_new();
	store = store_new();
	memset(&copts, 0, sizeof copts);
	copts.once = true;
	copts.list_only = true;
	copts.health_interval = -1;
	client = client_new(loop, store, ctxs, nctx, &copts);
	for (c = 0; c < nctx; c++) {
		use_ns = ns != NULL ? ns : ctxs[c]->namespace_;
		if (nctx > 1)
			printf("%s# %s\n", c > 0 ? "\n" : "", store_cluster(store, c)->name);
		path = actions_path(k->resource, k->namespaced ? use_ns : NULL, name);
		client_request(client, c, "GET", path, NULL, NULL, describe_get_done, &get[0]);
		free(path);
		get[1].done = get[2].done = true;
		if (loop_run_until(loop, describe_get_settled, get, timeout) != 0 ||
		    get[0].error != NULL) {
			clean = sanitize_str(get[0].error != NULL ? get[0].error : "timed out", 0);
			fprintf(stderr, "opsdeck: describe: %s/%s on %s: %s\n", k->resource, name,
			    store_cluster(store, c)->name, clean);
			free(clean);
			failed++;
			describe_get_clear(&get[0]);
			continue;
		}
		get[1].done = get[2].done = false;
		path = describe_related_path(k, get[0].body);
		if (path != NULL)
			client_request(client, c, "GET", path, NULL, NULL, describe_get_done, &get[1]);
		else
			get[1].done = true;
		free(path);
		path = describe_events_path(get[0].body);
		if (path != NULL)
			client_request(client, c, "GET", path, NULL, NULL, describe_get_done, &get[2]);
		else
			get[2].done = true;
		free(path);
		if (loop_run_until(loop, describe_get_settled, get, timeout) != 0)
			failed++;
		{
			struct describe_events ev = { json_object_get(get[2].body, "items"), NULL };
			char *note = NULL;

			if (ev.items == NULL)
				ev.note = note = xasprintf("could not list events: %s",
				    get[2].error != NULL ? get[2].error : "timed out");
			describe_object(k, get[0].body, json_object_get(get[1].body, "items"), &ev,
			    (int64_t)time(NULL), describe_print, NULL);
			free(note);
		}
		describe_get_clear(&get[0]);
		describe_get_clear(&get[1]);
		describe_get_clear(&get[2]);
	}
	fflush(stdout);
	rc = failed > 0 ? 1 : 0;
out:
	client_free(client);
	store_free(store);
	loop_free(loop);
	free(ctxs);
	kubeconfig_free(kc);
	config_free(cfg);
	return rc;
}
