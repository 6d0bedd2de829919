/* opsdeck: dispatch to a subcommand in the style of git. */
#include <stdio.h>
#include <string.h>

#include "opsdeck/cli.h"

/* A subcommand's name and entry point. */
struct subcommand {
	const char	*name;
	int		(*main)(int, char **);
	const char	*summary;
};

static const struct subcommand subcommands[] = {
	{ "get", get_main, "print rows of KIND across clusters (table, wide, json)" },
	{ "describe", describe_main, "show one object as kubectl describe does, per cluster" },
	{ "edit", edit_main, "edit one object's YAML in $VISUAL/$EDITOR (dry run, diff, update)" },
	{ "silence", silence_main, "add, list or expire Alertmanager silences" },
	{ "runbook", runbook_main, "list, show or run runbooks without the console" },
	{ "incident", incident_main, "export an incident timeline as Markdown" },
	{ "drill", drill_main, "serve simulated clusters; report on a drill" },
};

static void
usage(FILE *f)
{
	size_t i;

	fprintf(f, "usage: opsdeck [--drill SCENARIO] [--context A,B | --all-contexts] "
	    "[--read-only] [--kubeconfig FILE]\n");
	fprintf(f, "       opsdeck COMMAND [ARGS]\n\ncommands:\n");
	for (i = 0; i < sizeof subcommands / sizeof subcommands[0]; i++)
		fprintf(f, "  %-10s %s\n", subcommands[i].name, subcommands[i].summary);
	fprintf(f, "\nWith no command, opens the console. See opsdeck(1).\n");
}

int
main(int argc, char **argv)
{
	size_t i;

	if (argc > 1 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
		usage(stdout);
		return 0;
	}
	if (argc > 1 && strcmp(argv[1], "--version") == 0) {
		printf("opsdeck %s\n", OPSDECK_VERSION);
		return 0;
	}
	if (argc > 1 && argv[1][0] != '-') {
		for (i = 0; i < sizeof subcommands / sizeof subcommands[0]; i++) {
			if (strcmp(argv[1], subcommands[i].name) == 0)
				return subcommands[i].main(argc - 1, argv + 1);
		}
		fprintf(stderr, "opsdeck: unknown command '%s'\n", argv[1]);
		usage(stderr);
		return 2;
	}
	return console_main(argc, argv);
}
