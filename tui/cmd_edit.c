/* opsdeck edit KIND/NAME: the console's edit without the console. The
 * editor has the terminal; the dry run's diff is shown and confirmed on the
 * terminal (or by --yes); the same pipeline, checks and audit records. */
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "opsdeck/actions.h"
#include "opsdeck/cli.h"
#include "opsdeck/cmd.h"
#include "opsdeck/hl_signal.h"
#include "opsdeck/hl_session.h"
#include "opsdeck/hl_ui.h"
#include "opsdeck/kubeconfig.h"
#include "opsdeck/xmalloc.h"

/* The editor may stay open this long (seconds). */
#define EDIT_WAIT	(7 * 86400.0)

static void
edit_usage(FILE *f)
{
	fprintf(f, "usage: opsdeck edit KIND/NAME [-n NAMESPACE] [--context CONTEXT]\n"
	    "                    [--kubeconfig FILE] [--read-only] [--yes]\n");
}

/* opsdeck edit. */
int
edit_main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "namespace", required_argument, NULL, 'n' },
		{ "context", required_argument, NULL, 'c' },
		{ "kubeconfig", required_argument, NULL, 'k' },
		{ "read-only", no_argument, NULL, 'r' },
		{ "yes", no_argument, NULL, 'y' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct hl_session hs;
	struct hl_wait w;
	struct hl_ui h;
	struct cmd_ctx cctx;
	const char *ns = NULL, *context = NULL, *kubeconfig = NULL;
	char *cause = NULL, *av[8];
	bool ro = false, yes = false;
	int ch, ac = 0, rc = 2, r;

	memset(&w, 0, sizeof w);
	memset(&hs, 0, sizeof hs);
	memset(&h, 0, sizeof h);
	optind = 1;
	while ((ch = getopt_long(argc, argv, "n:yh", longopts, NULL)) != -1) {
		switch (ch) {
		case 'n':
			ns = optarg;
			break;
		case 'c':
			context = optarg;
			break;
		case 'k':
			kubeconfig = optarg;
			break;
		case 'r':
			ro = true;
			break;
		case 'y':
			yes = true;
			break;
		case 'h':
			edit_usage(stdout);
			return 0;
		default:
			edit_usage(stderr);
			return 2;
		}
	}
	if (optind + 1 != argc || strchr(argv[optind], '/') == NULL) {
		edit_usage(stderr);
		return 2;
	}
	if (context != NULL && strchr(context, ',') != NULL) {
		fprintf(stderr, "opsdeck: edit: one context at a time\n");
		return 2;
	}
	rc = hl_action_session(&hs, kubeconfig, context, false, "edit");
	if (rc != 0)
		goto out;
	rc = 1;
	if (hs.nctx != 1) {
		fprintf(stderr, "opsdeck: edit: one context at a time (%zu selected)\n", hs.nctx);
		goto out;
	}
	w.loop = hs.loop;
	h.loop = hs.loop;
	h.out = stdout;
	h.yes = yes;
	h.yes_why = "confirmed by --yes";
	h.tty = isatty(STDIN_FILENO);

	av[ac++] = (char *)"edit";
	av[ac++] = (char *)"-t";
	av[ac++] = argv[optind];
	if (ns != NULL) {
		av[ac++] = (char *)"-n";
		av[ac++] = (char *)ns;
	}
	av[ac++] = (char *)"--context";
	av[ac++] = hs.ctxs[0]->name;
	av[ac] = NULL;
	memset(&cctx, 0, sizeof cctx);
	cctx.origin = CMD_FROM_CLI;
	cctx.client = hs.client;
	cctx.store = hs.store;
	cctx.read_only = ro;
	cctx.ui_ops = &hl_ui_ops;
	cctx.ui = &h;
	r = hl_action_run(&cctx, ac, av, EDIT_WAIT, &w, NULL, &cause);
	if (r > 1) {
		fprintf(stderr, "opsdeck: edit: interrupted by %s\n",
		    hl_signal_name(hl_signal_caught()));
		rc = r;
	} else if (r != 0)
		fprintf(stderr, "opsdeck: %s\n", cause);
	else
		rc = strcmp(w.outcome, "ok") == 0 || strcmp(w.outcome, "skipped") == 0 ? 0 : 1;
out:
	free(cause);
	free(w.outcome);
	free(w.message);
	hl_session_close(&hs);
	return rc;
}
