/* opsdeck incident open|note|close|list|export|current: incident timelines
 * without the console (the console's :incident and :note use the same
 * module, tui/incident.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "opsdeck/cli.h"
#include "opsdeck/incident.h"
#include "opsdeck/xmalloc.h"

/* Print usage to f. */
static void
incident_usage(FILE *f)
{
	fprintf(f, "usage: opsdeck incident open P0|P1|P2|P3 TITLE\n"
	    "       opsdeck incident note TEXT\n"
	    "       opsdeck incident close [TEXT]\n"
	    "       opsdeck incident list\n"
	    "       opsdeck incident current\n"
	    "       opsdeck incident export [ID]\n");
}

/* Join argv[from..argc) with spaces (new string). */
static char *
join_args(int argc, char **argv, int from)
{
	size_t len = 1;
	char *s;
	int i;

	for (i = from; i < argc; i++)
		len += strlen(argv[i]) + 1;
	s = xcalloc(1, len);
	for (i = from; i < argc; i++) {
		if (i > from)
			strcat(s, " ");
		strcat(s, argv[i]);
	}
	return s;
}

/* Entry point of `opsdeck incident`. */
int
incident_main(int argc, char **argv)
{
	char *cause = NULL, *id = NULL, *text = NULL;
	const char *sub;
	int rc = 1;

	if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		incident_usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	sub = argv[1];
	if (strcmp(sub, "open") == 0) {
		if (argc < 4) {
			incident_usage(stderr);
			return 2;
		}
		text = join_args(argc, argv, 3);
		if (incident_open(argv[2], text, &id, &cause) != 0)
			goto out;
		printf("%s\n", id);
	} else if (strcmp(sub, "note") == 0) {
		if (argc < 3) {
			incident_usage(stderr);
			return 2;
		}
		id = incident_current();
		if (id == NULL) {
			cause = xstrdup("no incident is open");
			goto out;
		}
		text = join_args(argc, argv, 2);
		if (incident_event(id, "note", text, NULL, &cause) != 0)
			goto out;
	} else if (strcmp(sub, "close") == 0) {
		text = argc > 2 ? join_args(argc, argv, 2) : NULL;
		if (incident_close(text, &cause) != 0)
			goto out;
	} else if (strcmp(sub, "list") == 0) {
		if (incident_list(stdout, &cause) != 0)
			goto out;
	} else if (strcmp(sub, "current") == 0) {
		id = incident_current();
		if (id == NULL) {
			cause = xstrdup("no incident is open");
			goto out;
		}
		printf("%s\n", id);
	} else if (strcmp(sub, "export") == 0) {
		id = argc > 2 ? xstrdup(argv[2]) : incident_current();
		if (id == NULL) {
			cause = xstrdup("no incident is open; name one (opsdeck incident list)");
			goto out;
		}
		if (incident_export(id, stdout, &cause) != 0)
			goto out;
	} else {
		fprintf(stderr, "opsdeck incident: unknown command '%s'\n", sub);
		incident_usage(stderr);
		return 2;
	}
	rc = 0;
out:
	if (cause != NULL)
		fprintf(stderr, "opsdeck incident: %s\n", cause);
	free(cause);
	free(id);
	free(text);
	return rc;
}
