/* opsdeck incident open|note|close|list|export|current: incident timelines
 * without the console (the console's :incident and :note use the same
 * module, tui/incident.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "opsdeck/cli.h"
#include "opsdeck/cmd.h"
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

/* Say something through the command's UI. */
static void
incident_say(struct cmd_ctx *ctx, bool error, const char *text)
{
	if (ctx->ui_ops != NULL && ctx->ui_ops->message != NULL)
		ctx->ui_ops->message(ctx->ui, error, text);
}

/* :incident [open P0..P3 TITLE | close [TEXT] | export] */
static int
cmd_incident_exec(struct cmd_ctx *ctx, int argc, char **argv, char **cause)
{
	char *id = NULL, *text = NULL, *msg;
	int rc = -1;

	if (argc < 2) {
		id = incident_current();
		msg = id != NULL ? xasprintf("incident %s is open", id) :
		    xstrdup("no incident is open (:incident open P1 \"title\")");
		incident_say(ctx, false, msg);
		free(msg);
		free(id);
		return 0;
	}
	if (strcmp(argv[1], "open") == 0 && argc >= 4) {
		text = join_args(argc, argv, 3);
		if (incident_open(argv[2], text, &id, cause) != 0)
			goto out;
		msg = xasprintf("incident %s opened (%s): %s", id, argv[2], text);
		incident_say(ctx, false, msg);
		free(msg);
	} else if (strcmp(argv[1], "close") == 0) {
		text = argc > 2 ? join_args(argc, argv, 2) : NULL;
		id = incident_current();
		if (incident_close(text, cause) != 0)
			goto out;
		msg = xasprintf("incident %s closed; export: opsdeck incident export %s", id, id);
		incident_say(ctx, false, msg);
		free(msg);
	} else {
		*cause = xstrdup("usage: incident [open P0|P1|P2|P3 TITLE | close [TEXT]]");
		goto out;
	}
	rc = 0;
out:
	free(id);
	free(text);
	return rc;
}

/* :note TEXT */
static int
cmd_note_exec(struct cmd_ctx *ctx, int argc, char **argv, char **cause)
{
	char *id = incident_current(), *text = NULL;
	int rc = -1;

	if (id == NULL) {
		*cause = xstrdup("note: no incident is open (:incident open P1 \"title\")");
		goto out;
	}
	if (argc < 2) {
		*cause = xstrdup("note: what?");
		goto out;
	}
	text = join_args(argc, argv, 1);
	if (incident_event(id, "note", text, NULL, cause) != 0)
		goto out;
	incident_say(ctx, false, "noted");
	rc = 0;
out:
	free(id);
	free(text);
	return rc;
}

/* The console's incident commands. */
static const struct cmd_entry incident_commands[] = {
	{ "incident", NULL, "[open P0..P3 TITLE | close [TEXT]]",
	    "open or close an incident timeline", 0, NULL, NULL, cmd_incident_exec },
	{ "note", NULL, "TEXT", "add a note to the open incident", 0, NULL, NULL,
	    cmd_note_exec },
};

/* Register :incident and :note. */
void
incident_register_commands(void)
{
	cmd_register(incident_commands, sizeof incident_commands / sizeof incident_commands[0]);
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
