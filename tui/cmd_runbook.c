/* opsdeck runbook list|show|run: runbooks without the console. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "opsdeck/cli.h"
#include "opsdeck/runbook.h"
#include "opsdeck/xmalloc.h"

/* Print usage to f. */
static void
runbook_usage(FILE *f)
{
	fprintf(f, "usage: opsdeck runbook list\n"
	    "       opsdeck runbook show NAME\n"
	    "       opsdeck runbook check FILE...\n"
	    "       opsdeck runbook run NAME [--context C] [--target KIND/NAME] [-n NS]\n"
	    "                          [--param k=v]... [--yes] [--dry-run] [--read-only]\n"
	    "                          [--kubeconfig FILE]\n");
}

/* Print a string list as "a, b". */
static void
print_list(const char *what, char **v, size_t n)
{
	size_t i;

	if (n == 0)
		return;
	printf("  %-10s ", what);
	for (i = 0; i < n; i++)
		printf("%s%s", i > 0 ? ", " : "", v[i]);
	printf("\n");
}

/* opsdeck runbook list */
static int
runbook_cmd_list(void)
{
	struct runbook **list;
	char **warnings = NULL;
	size_t n, nw = 0, i;

	list = runbook_list(&n, &warnings, &nw);
	for (i = 0; i < n; i++)
		printf("%-28s %-3s %s\n", list[i]->name, list[i]->severity, list[i]->title);
	for (i = 0; i < nw; i++) {
		fprintf(stderr, "opsdeck runbook: warning: %s\n", warnings[i]);
		free(warnings[i]);
	}
	free(warnings);
	runbook_list_free(list, n);
	return 0;
}

/* opsdeck runbook show NAME */
static int
runbook_cmd_show(const char *name)
{
	struct runbook *rb;
	char *cause = NULL;
	size_t i, j;

	rb = runbook_find(name, &cause);
	if (rb == NULL) {
		fprintf(stderr, "opsdeck runbook: %s\n", cause);
		free(cause);
		return 1;
	}
	printf("%s: %s\n", rb->name, rb->title);
	printf("  severity   %s\n", rb->severity);
	if (rb->description != NULL)
		printf("  about      %s\n", rb->description);
	print_list("kinds", rb->kinds, rb->nkinds);
	print_list("alerts", rb->alerts, rb->nalerts);
	print_list("roles", rb->roles, rb->nroles);
	if (rb->key != NULL)
		printf("  key        %s\n", rb->key);
	if (rb->rto > 0)
		printf("  rto        %.0fs\n", rb->rto);
	printf("  file       %s\n", rb->path);
	if (rb->nparams > 0)
		printf("parameters:\n");
	for (i = 0; i < rb->nparams; i++) {
		printf("  %-12s default %s", rb->params[i].name,
		    rb->params[i].def != NULL ? rb->params[i].def : "(required)");
		for (j = 0; j < rb->params[i].nchoices; j++)
			printf("%s%s", j == 0 ? "  choices " : "|", rb->params[i].choices[j]);
		if (rb->params[i].prompt != NULL)
			printf("  -- %s", rb->params[i].prompt);
		printf("\n");
	}
	printf("steps:\n");
	for (i = 0; i < rb->nsteps; i++) {
		printf("  %2zu. %-7s %s", i + 1, rb_kind_name(rb->steps[i].kind),
		    rb->steps[i].text);
		if (rb->steps[i].context != NULL)
			printf("  [on %s]", rb->steps[i].context);
		printf("\n");
		if (rb->steps[i].title != NULL)
			printf("               (%s)\n", rb->steps[i].title);
	}
	runbook_free(rb);
	return 0;
}

/* opsdeck runbook check FILE...: validate files, print errors with lines. */
static int
runbook_cmd_check(int argc, char **argv)
{
	struct runbook *rb;
	char *cause;
	int i, rc = 0;

	for (i = 0; i < argc; i++) {
		cause = NULL;
		rb = runbook_load(argv[i], &cause);
		if (rb == NULL) {
			fprintf(stderr, "%s\n", cause);
			free(cause);
			rc = 1;
			continue;
		}
		printf("%s: ok (%s, %zu steps)\n", argv[i], rb->name, rb->nsteps);
		runbook_free(rb);
	}
	return rc;
}

/* Entry point of `opsdeck runbook`. */
int
runbook_main(int argc, char **argv)
{
	if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		runbook_usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	if (strcmp(argv[1], "list") == 0)
		return runbook_cmd_list();
	if (strcmp(argv[1], "show") == 0 && argc == 3)
		return runbook_cmd_show(argv[2]);
	if (strcmp(argv[1], "check") == 0 && argc >= 3)
		return runbook_cmd_check(argc - 2, argv + 2);
	runbook_usage(stderr);
	return 2;
}
