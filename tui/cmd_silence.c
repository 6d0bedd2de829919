/* opsdeck silence add|expire|list: Alertmanager silences without the
 * console, through each context's Alertmanager (config.yaml URL, else the
 * API server's service proxy path). add and expire run the console's
 * `silence` and `expire-silence` actions through the command table: the
 * same read-only guard, the same write-ahead audit (origin "cli"). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "opsdeck/actions.h"
#include "opsdeck/audit.h"
#include "opsdeck/cli.h"
#include "opsdeck/client.h"
#include "opsdeck/cmd.h"
#include "opsdeck/config.h"
#include "opsdeck/duration.h"
#include "opsdeck/hl_session.h"
#include "opsdeck/hl_signal.h"
#include "opsdeck/hl_ui.h"
#include "opsdeck/kubeconfig.h"
#include "opsdeck/loop.h"
#include "opsdeck/runbook.h"
#include "opsdeck/sanitize.h"
#include "opsdeck/store.h"
#include "opsdeck/xmalloc.h"

#define SILENCE_MAX_MATCHERS	12	/* the pipeline takes 16 arguments */

/* Print usage. */
static void
silence_usage(FILE *f)
{
	fprintf(f, "usage: opsdeck silence add [--context C] --matcher NAME=VALUE "
	    "[--matcher NAME=~RE ...]\n"
	    "                          --duration D --comment TEXT [--author U] "
	    "[--read-only]\n"
	    "       opsdeck silence expire ID [--context C] [--read-only]\n"
	    "       opsdeck silence list [--context C | --all-contexts]\n"
	    "  matcher operators: = != =~ !~\n");
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
		{ "read-only", no_argument, NULL, 'r' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct hl_session hs;
	struct kube_context **ctxs = NULL;
	struct loop *loop = NULL;
	struct hl_wait w;
	struct hl_ui h;
	struct cmd_ctx cctx;
	const char *sub, *context_spec = NULL, *kubeconfig = NULL, *comment = NULL;
	const char *why = NULL;
	const char *author = NULL, *id = NULL, *dur_text = NULL, *sid;
	const char *matchers[SILENCE_MAX_MATCHERS];
	char *cause = NULL, *dur = NULL, *av[32], *clean, what[32];
	json_t *m, *result = NULL;
	double duration = 0, timeout = 30;
	size_t nctx = 0, nm = 0, i, j;
	bool all = false, ro = false;
	int ch, ac, rc = 2, r;

	memset(&w, 0, sizeof w);
	memset(&hs, 0, sizeof hs);
	if (argc < 2 || strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0) {
		silence_usage(argc < 2 ? stderr : stdout);
		rc = argc < 2 ? 2 : 0;
		goto out;
	}
	sub = argv[1];
	if (strcmp(sub, "list") == 0 || strcmp(sub, "ls") == 0) {
		char **lav = xcalloc((size_t)argc + 2, sizeof *lav);

		lav[0] = (char *)"get";
		lav[1] = (char *)"silences";
		for (i = 2; i < (size_t)argc; i++)
			lav[i] = argv[i];
		rc = get_main(argc, lav);
		free(lav);
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
			m = actions_silence_matcher(optarg);
			if (m == NULL) {
				fprintf(stderr, "opsdeck: silence: bad matcher '%s' "
				    "(NAME=VALUE, NAME!=VALUE, NAME=~RE, NAME!~RE)\n", optarg);
				goto out;
			}
			json_decref(m);
			if (nm == SILENCE_MAX_MATCHERS) {
				fprintf(stderr, "opsdeck: silence: at most %d matchers\n",
				    SILENCE_MAX_MATCHERS);
				goto out;
			}
			matchers[nm++] = optarg;
			break;
		case 'd':
		case 't':
			if (duration_parse(optarg, ch == 'd' ? &duration : &timeout, &why) != 0) {
				fprintf(stderr, "opsdeck: silence: bad duration '%s': %s\n", optarg, why);
				goto out;
			}
			if (ch == 'd')
				dur_text = optarg;
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
		case 'r':
			ro = true;
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
		if (nm == 0 || duration <= 0 || comment == NULL) {
			fprintf(stderr, "opsdeck: silence add needs --matcher, --duration "
			    "and --comment\n");
			goto out;
		}
		if (author == NULL)
			author = getenv("USER");
		if (author == NULL || *author == '\0')
			author = "opsdeck";
		/* the pipeline's duration syntax, else plain seconds */
		dur = rb_parse_duration(dur_text) == duration ? xstrdup(dur_text) :
		    xasprintf("%.0fs", duration);
	}

	snprintf(what, sizeof what, "silence %s", sub);
	r = hl_action_session(&hs, kubeconfig, context_spec, all, what);
	if (r != 0) {
		rc = r;
		goto out;
	}
	loop = hs.loop;
	ctxs = hs.ctxs;
	nctx = hs.nctx;
	w.loop = loop;
	/* stdout carries only silence ids: previews and progress go to
	 * stderr, and the command line is the confirmation */
	memset(&h, 0, sizeof h);
	h.loop = loop;
	h.out = stderr;
	h.yes = true;
	h.yes_why = "confirmed by the command line";

	rc = 0;
	for (i = 0; i < nctx; i++) {
		ac = 0;
		if (id != NULL) {
			av[ac++] = (char *)"expire-silence";
			av[ac++] = (char *)id;
		} else {
			av[ac++] = (char *)"silence";
			av[ac++] = dur;
			for (j = 0; j < nm; j++)
				av[ac++] = (char *)matchers[j];
			av[ac++] = (char *)"--comment";
			av[ac++] = (char *)comment;
			av[ac++] = (char *)"--author";
			av[ac++] = (char *)author;
		}
		av[ac++] = (char *)"--context";
		av[ac++] = ctxs[i]->name;
		av[ac] = NULL;
		memset(&cctx, 0, sizeof cctx);
		cctx.origin = CMD_FROM_CLI;
		cctx.client = hs.client;
		cctx.store = hs.store;
		cctx.read_only = ro;
		cctx.ui_ops = &hl_ui_ops;
		cctx.ui = &h;
		w.done = false;
		r = hl_action_run(&cctx, ac, av, timeout, &w, &result, &cause);
		if (r > 1) {
			fprintf(stderr, "opsdeck: silence %s: interrupted by %s\n", sub,
			    hl_signal_name(hl_signal_caught()));
			rc = r;
			break;
		}
		if (r != 0) {
			fprintf(stderr, "opsdeck: %s: %s\n", ctxs[i]->name, cause);
			free(cause);
			cause = NULL;
			rc = 1;
		} else if (strcmp(w.outcome, "ok") != 0) {
			/* the pipeline has said why */
			rc = 1;
		} else if (id != NULL) {
			fprintf(stderr, "silence %s expired on %s\n", id, ctxs[i]->name);
		} else {
			sid = json_string_value(json_object_get(result, "silence_id"));
			if (sid != NULL) {
				clean = sanitize_str(sid, 0);
				printf("%s\n", clean);
				free(clean);
			} else {
				fprintf(stderr, "opsdeck: %s: reply has no silenceID\n",
				    ctxs[i]->name);
				rc = 1;
			}
		}
		json_decref(result);
		result = NULL;
	}
	fflush(stdout);
out:
	free(cause);
	free(dur);
	free(w.outcome);
	free(w.message);
	json_decref(result);
	hl_session_close(&hs);
	return rc;
}
