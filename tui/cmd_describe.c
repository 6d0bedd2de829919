/* opsdeck describe KIND NAME: one object as `kubectl describe` shows it,
 * through the same renderers as the console's describe view (describe*.c),
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
#include "opsdeck/duration.h"
#include "opsdeck/hl_session.h"
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

#define DESCRIBE_GETS	6	/* the object, its events, up to 4 related requests */

/* One GET and its answer (describe_answer's). */
struct describe_get {
	bool		 done;
	json_t		*ans;
};

static void
describe_get_done(const struct client_response *resp, void *arg)
{
	struct describe_get *g = arg;

	g->done = true;
	g->ans = describe_answer(resp);
}

static int
describe_get_settled(void *arg)
{
	struct describe_get *g = arg;
	size_t i;

	for (i = 0; i < DESCRIBE_GETS; i++) {
		if (!g[i].done)
			return 0;
	}
	return 1;
}

static void
describe_print(const char *line, int hang, bool warning, void *arg)
{
	(void)hang;
	(void)warning;
	(void)arg;
	printf("%s\n", line);
}

/* The alerts named name (or with that fingerprint), or the silence with
 * that id, on cluster's Alertmanager. 0, or 1 if none. */
static int
describe_alerts(struct client *client, struct loop *loop, struct store *store, size_t c,
    const struct kind *k, const char *name, double timeout)
{
	struct describe_get get[DESCRIBE_GETS];
	json_t *a, *related;
	char *clean;
	size_t i, n;

	memset(get, 0, sizeof get);
	for (i = 2; i < DESCRIBE_GETS; i++)
		get[i].done = true;
	client_am_request(client, c, "GET", "/api/v2/alerts", NULL, NULL, describe_get_done,
	    &get[0]);
	client_am_request(client, c, "GET", "/api/v2/silences", NULL, NULL, describe_get_done,
	    &get[1]);
	if (loop_run_until(loop, describe_get_settled, get, timeout) != 0 ||
	    !json_is_array(get[0].ans)) {
		clean = sanitize_str(json_is_string(get[0].ans) ? json_string_value(get[0].ans) :
		    "timed out", 0);
		fprintf(stderr, "opsdeck: describe: alerts on %s: %s\n",
		    store_cluster(store, c)->name, clean);
		free(clean);
		n = 0;
		goto out;
	}
	related = describe_alert_related(get[0].ans, get[1].ans);
	for (n = 0; (a = describe_am_find(k, get[0].ans, get[1].ans, name, name, n)) != NULL;
	    n++) {
		if (n > 0)
			printf("\n");
		describe_object(k, a, related, NULL, (int64_t)time(NULL), describe_print, NULL);
	}
	json_decref(related);
	if (n == 0) {
		clean = sanitize_str(name, 0);
		fprintf(stderr, "opsdeck: describe: no %s %s on %s\n", k->singular, clean,
		    store_cluster(store, c)->name);
		free(clean);
	}
out:
	json_decref(get[0].ans);
	json_decref(get[1].ans);
	return n == 0;
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
	struct hl_session s;
	struct hl_session_opts so;
	struct loop *loop;
	struct store *store;
	struct client *client;
	struct client_opts copts;
	struct describe_get get[DESCRIBE_GETS];
	struct describe_events ev;
	json_t *related;
	const struct kind *k;
	const char *context_spec = NULL, *kubeconfig = NULL, *ns = NULL, *name, *use_ns;
	const char *why = NULL;
	char *path, *clean, *note;
	size_t c, i;
	double timeout = 60;
	bool all_contexts = false;
	int ch, rc = 2, failed = 0;

	memset(&s, 0, sizeof s);
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
			if (duration_parse(optarg, &timeout, &why) != 0 || timeout <= 0) {
				fprintf(stderr, "opsdeck: describe: bad duration '%s': %s\n", optarg,
				    why != NULL ? why : "must be more than 0");
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
	if (k == NULL || (k->source != KIND_API && k->describer == NULL)) {
		clean = sanitize_str(argv[optind], 0);
		fprintf(stderr, "opsdeck: describe: unknown kind '%s'\n", clean);
		free(clean);
		goto out;
	}
	memset(&copts, 0, sizeof copts);
	copts.once = true;
	copts.list_only = true;
	copts.health_interval = -1;
	so = (struct hl_session_opts){ .kubeconfig = kubeconfig, .spec = context_spec,
	    .all = all_contexts, .client = &copts };
	if (hl_session_open(&s, &so) != 0)
		goto out;
	loop = s.loop;
	store = s.store;
	client = s.client;
	for (c = 0; c < s.nctx; c++) {
		use_ns = ns != NULL ? ns : s.ctxs[c]->namespace_;
		if (s.nctx > 1)
			printf("%s# %s\n", c > 0 ? "\n" : "", store_cluster(store, c)->name);
		if (k->source == KIND_ALERTMANAGER) {
			failed += describe_alerts(client, loop, store, c, k, name, timeout);
			continue;
		}
		path = actions_path(k->resource, k->namespaced ? use_ns : NULL, name);
		memset(get, 0, sizeof get);
		for (i = 1; i < DESCRIBE_GETS; i++)
			get[i].done = true;
		client_request(client, c, "GET", path, NULL, NULL, describe_get_done, &get[0]);
		free(path);
		if (loop_run_until(loop, describe_get_settled, get, timeout) != 0 ||
		    !json_is_object(get[0].ans)) {
			clean = sanitize_str(json_is_string(get[0].ans) ?
			    json_string_value(get[0].ans) : "timed out", 0);
			fprintf(stderr, "opsdeck: describe: %s/%s on %s: %s\n", k->resource, name,
			    store_cluster(store, c)->name, clean);
			free(clean);
			failed++;
			json_decref(get[0].ans);
			continue;
		}
		/* its events (1) and the related requests (2...) at once */
		path = describe_events_path(get[0].ans);
		get[1].done = path == NULL;
		if (path != NULL)
			client_request(client, c, "GET", path, NULL, NULL, describe_get_done, &get[1]);
		free(path);
		related = json_array();
		for (i = 2; i < DESCRIBE_GETS &&
		    (path = describe_related_path(k, get[0].ans, i - 2)) != NULL; i++) {
			get[i].done = false;
			client_request(client, c, "GET", path, NULL, NULL, describe_get_done, &get[i]);
			free(path);
		}
		if (loop_run_until(loop, describe_get_settled, get, timeout) != 0)
			failed++;
		for (i = 2; i < DESCRIBE_GETS && get[i].ans != NULL; i++)
			json_array_append(related, get[i].ans);
		ev.items = json_is_array(get[1].ans) ? get[1].ans : NULL;
		note = ev.items == NULL ? xasprintf("could not list events: %s",
		    json_is_string(get[1].ans) ? json_string_value(get[1].ans) : "timed out") : NULL;
		ev.note = note;
		describe_object(k, get[0].ans, related, &ev, (int64_t)time(NULL), describe_print,
		    NULL);
		free(note);
		json_decref(related);
		for (i = 0; i < DESCRIBE_GETS; i++)
			json_decref(get[i].ans);
	}
	fflush(stdout);
	rc = failed > 0 ? 1 : 0;
out:
	hl_session_close(&s);
	return rc;
}
