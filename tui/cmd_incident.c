/* opsdeck incident open|note|close|list|export|current: incident timelines
 * without the console (the console's :incident and :note use the same
 * module, tui/incident.c). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "opsdeck/cli.h"
#include "opsdeck/client.h"
#include "opsdeck/cmd.h"
#include "opsdeck/loop.h"
#include "opsdeck/printers.h"
#include "opsdeck/store.h"
#include "opsdeck/ui.h"
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

#define ALERTS_SEEN_MAX	1024
#define ALERTS_PERIOD	3.0

/* The console's watch over firing alerts while an incident is open. */
static struct {
	struct ui		*ui;
	struct loop_timer	*timer;
	char			*id;
	char			*seen[ALERTS_SEEN_MAX];
	size_t			 nseen;
} alert_watch;

/* Forget the alerts seen. */
static void
alert_watch_reset(void)
{
	size_t i;

	for (i = 0; i < alert_watch.nseen; i++)
		free(alert_watch.seen[i]);
	alert_watch.nseen = 0;
	free(alert_watch.id);
	alert_watch.id = NULL;
}

/* store_foreach callback: record a firing alert not seen before. */
static int
alert_watch_row(size_t cluster, const struct row *r, void *arg)
{
	struct store *store = arg;
	char *key, *text, *cause = NULL;
	json_t *extra;
	size_t i;

	if (!(r->flags & ROW_FIRING) || alert_watch.nseen == ALERTS_SEEN_MAX)
		return 0;
	key = xasprintf("%zu|%s", cluster, r->uid != NULL ? r->uid : r->name);
	for (i = 0; i < alert_watch.nseen; i++) {
		if (strcmp(alert_watch.seen[i], key) == 0) {
			free(key);
			return 0;
		}
	}
	alert_watch.seen[alert_watch.nseen++] = key;
	text = xasprintf("%s: %s firing {%s}", store_cluster(store, cluster)->name, r->name,
	    r->labels != NULL ? r->labels : "");
	extra = json_pack("{s:s,s:s}", "context", store_cluster(store, cluster)->name,
	    "alert", r->name);
	if (incident_event(alert_watch.id, "alert", text, extra, &cause) != 0)
		free(cause);
	json_decref(extra);
	free(text);
	return 0;
}

/* Every few seconds: firing alerts into the open incident's timeline. */
static void
alert_watch_tick(void *arg)
{
	struct ui *ui = arg;
	char *cur = incident_current();

	alert_watch.timer = NULL;
	if (cur == NULL || alert_watch.id == NULL || strcmp(cur, alert_watch.id) != 0) {
		free(cur);
		alert_watch_reset();
		return;
	}
	free(cur);
	store_foreach(ui->store, SIZE_MAX, "alerts", NULL, alert_watch_row, ui->store);
	alert_watch.timer = loop_timer_add(ui->loop, ALERTS_PERIOD, alert_watch_tick, ui);
}

/* Start watching alerts for incident id (in the console only). */
static void
alert_watch_start(const struct cmd_ctx *ctx, const char *id)
{
	struct ui *ui = cmd_console_ui(ctx);

	if (ui == NULL || ui->loop == NULL || ui->store == NULL)
		return;
	if (alert_watch.id != NULL && strcmp(alert_watch.id, id) == 0)
		return;
	if (alert_watch.timer != NULL) {
		loop_timer_cancel(ui->loop, alert_watch.timer);
		alert_watch.timer = NULL;
	}
	alert_watch_reset();
	alert_watch.id = xstrdup(id);
	alert_watch.ui = ui;
	alert_watch_tick(ui);
}

/* Say something through the command's UI. */
static void
incident_say(struct cmd_ctx *ctx, bool error, const char *text)
{
	if (ctx->ui_ops != NULL && ctx->ui_ops->message != NULL)
		ctx->ui_ops->message(ctx->ui, error, text);
}

/* A close waiting for the drill's status. */
struct incident_closing {
	const struct cmd_ui	*ui_ops;
	void			*ui;
	char			*text;
};

/* Close now and say so. */
static void
incident_finish_close(const struct cmd_ui *ui_ops, void *ui, const char *text)
{
	char *id = incident_current(), *cause = NULL, *msg;

	if (incident_close(text, &cause) != 0)
		msg = xasprintf("incident: %s", cause);
	else
		msg = xasprintf("incident %s closed; export: opsdeck incident export %s", id, id);
	if (ui_ops != NULL && ui_ops->message != NULL)
		ui_ops->message(ui, cause != NULL, msg);
	free(msg);
	free(cause);
	free(id);
}

/* The drill's status came back: score, then close. */
static void
incident_close_scored(const struct client_response *r, void *arg)
{
	struct incident_closing *ic = arg;
	char *id = incident_current(), *cause = NULL;
	json_t *st;

	if (id != NULL && r->error == NULL && r->status == 200) {
		st = json_loadb(r->body, r->len, 0, NULL);
		if (st != NULL && incident_drill_score(id, st, &cause) != 0)
			free(cause);
		json_decref(st);
	}
	free(id);
	incident_finish_close(ic->ui_ops, ic->ui, ic->text);
	free(ic->text);
	free(ic);
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
		text = cmd_join_argv(argc, argv, 3);
		if (incident_open(argv[2], text, &id, cause) != 0)
			goto out;
		msg = xasprintf("incident %s opened (%s): %s", id, argv[2], text);
		incident_say(ctx, false, msg);
		free(msg);
		alert_watch_start(ctx, id);
	} else if (strcmp(argv[1], "close") == 0) {
		text = argc > 2 ? cmd_join_argv(argc, argv, 2) : NULL;
		id = incident_current();
		if (id == NULL) {
			*cause = xstrdup("incident: none is open");
			goto out;
		}
		if (ctx->client != NULL && ctx->store != NULL && store_ncluster(ctx->store) > 0) {
			/* In a drill, record the score first. */
			struct incident_closing *ic = xcalloc(1, sizeof *ic);

			ic->ui_ops = ctx->ui_ops;
			ic->ui = ctx->ui;
			ic->text = text;
			text = NULL;
			/* any listener answers for the whole drill; the
			 * selected cluster may be the one that is down */
			client_request(ctx->client, store_live_cluster(ctx->store,
			    ctx->ntargets > 0 ? ctx->targets[0].cluster : 0),
			    "GET", "/drill/v1/status", NULL, NULL, incident_close_scored, ic);
		} else
			incident_finish_close(ctx->ui_ops, ctx->ui, text);
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
	text = cmd_join_argv(argc, argv, 1);
	if (incident_event(id, "note", text, NULL, cause) != 0)
		goto out;
	incident_say(ctx, false, "noted");
	alert_watch_start(ctx, id);
	rc = 0;
out:
	free(id);
	free(text);
	return rc;
}

/* The console's incident commands. */
static const struct cmd_entry incident_commands[] = {
	{ "incident", NULL, "[open P0..P3 TITLE | close [TEXT]]",
	    "open or close an incident timeline", 0, NULL, cmd_incident_exec },
	{ "note", NULL, "TEXT", "add a note to the open incident", 0, NULL,
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
		text = cmd_join_argv(argc, argv, 3);
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
		text = cmd_join_argv(argc, argv, 2);
		if (incident_event(id, "note", text, NULL, &cause) != 0)
			goto out;
	} else if (strcmp(sub, "close") == 0) {
		text = argc > 2 ? cmd_join_argv(argc, argv, 2) : NULL;
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
