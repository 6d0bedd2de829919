/* The edit action: the editor between the fetch and the plan (see
 * actions_int.h). */

#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "opsdeck/actions.h"
#include "opsdeck/client.h"
#include "opsdeck/edit.h"
#include "opsdeck/json_util.h"
#include "opsdeck/term.h"
#include "opsdeck/xmalloc.h"

#include "actions_int.h"

/* edit: PUT the edited object, its resourceVersion the condition */
int
plan_edit(struct act_op *op, char **cause)
{
	char *where = op_where(op);

	free(op->preview);
	op->preview = xasprintf("%s update %s from %s", where, op->resource,
	    edit_file_path(op->edit));
	free(where);
	json_object_set_new(op->params, "file", json_string(edit_file_path(op->edit)));
	json_object_set_new(op->params, "resourceVersion",
	    json_string(json_path_str_or(op->edited, "metadata.resourceVersion", "")));
	op_request(op, "PUT", actions_path(op->resource, op->ns, op->name), "application/json",
	    jdump(op->edited));
	return 0;
}

/*
 * edit: the editor between the fetch and the plan.
 */

static void	op_edit_closed(int, void *);

/* Settle an edit that did not apply, saying where its text is kept. */
void
op_edit_keep(struct act_op *op, const char *outcome, const char *why)
{
	char *m = xasprintf("%s; the text is kept in %s", why, edit_file_path(op->edit));

	op_settle(op, outcome, m);
	free(m);
}

/* Give the file to the editor; op_edit_closed reads it back. */
static void
op_edit_run(struct act_op *op)
{
	char **argv = term_editor_argv(edit_file_path(op->edit));

	char *cause = NULL, *m;

	op->state = OP_PREPARING;
	if (op->b->ui_ops->foreground(op->b->ui, argv, NULL, op_edit_closed, op, &cause) != 0) {
		m = xasprintf("the editor did not start: %s", cause != NULL ? cause : "?");
		op_edit_keep(op, "failed", m);
		free(m);
		free(cause);
	}
	term_argv_free(argv);
}

/* Write obj under note (a conflict's, or none) and open the editor. */
void
op_edit_open(struct act_op *op, json_t *obj, const char *note)
{
	struct act_batch *b = op->b;
	char *cause = NULL;

	if (b->ui_ops == NULL || b->ui_ops->foreground == NULL) {
		op_settle(op, "failed", "edit needs a terminal for the editor");
		return;
	}
	if (op->edit == NULL)
		op->edit = edit_file_new(op->context, op->resource, op->ns, op->name, &cause);
	if (op->edit == NULL || edit_file_write(op->edit, note, obj, &cause) != 0) {
		op_settle(op, "failed", cause);
		free(cause);
		return;
	}
	json_decref(op->edit_shown);
	op->edit_shown = json_incref(obj);
	op->edit_error = false;
	op->edit_rebased = note != NULL;
	op->edit_quiet = 0;
	op_edit_run(op);
}

/* The text cannot apply: open it again, why on top. */
void
op_edit_reject(struct act_op *op, const char *why)
{
	char *note = xasprintf("error: %s\nCorrect the text below and save, or quit without a "
	    "change to give up.", why), *cause = NULL;

	if (edit_file_renote(op->edit, note, &cause) != 0) {
		op_edit_keep(op, "failed", cause);
		free(cause);
	} else {
		op->edit_error = true;
		op->edit_rebased = false;
		op_edit_run(op);
	}
	free(note);
}

/* The editor exited: read the text back, check it, plan. */
static void
op_edit_closed(int status, void *arg)
{
	struct act_op *op = arg;
	json_t *obj = NULL;
	const char *name, *kind, *was;
	char *cause = NULL, *m;

	if (status != 0) {
		m = status < 0 ? xstrdup("the editor did not start") :
		    xasprintf("the editor: %s", term_status(status));
		op_edit_keep(op, "failed", m);
		free(m);
		return;
	}
	switch (edit_file_read(op->edit, &obj, &cause)) {
	case EDIT_INVALID:
		op_edit_reject(op, cause);
		free(cause);
		return;
	case EDIT_UNTOUCHED:
		if (op->edit_error) {
			op_edit_keep(op, "failed", "not updated: the text was left as it was after "
			    "the error");
			return;
		}
		if (!op->edit_rebased)
			break;
		obj = json_incref(op->edit_shown);
		break;
	case EDIT_CHANGED:
		break;
	}
	if (obj == NULL || (!op->edit_rebased && json_equal(obj, op->edit_base))) {
		json_decref(obj);
		edit_file_remove(op->edit);
		op->edit = NULL;
		op_settle(op, "skipped", "no changes made");
		return;
	}
	/* an edit changes this object: another name or kind would be another */
	name = json_path_str(obj, "metadata.name");
	kind = json_path_str(obj, "kind");
	was = json_path_str(op->edit_base, "kind");
	if (name == NULL || strcmp(name, op->name) != 0 || kind == NULL ||
	    (was != NULL && strcmp(kind, was) != 0)) {
		m = xasprintf("kind and metadata.name must stay %s and %s (an edit changes "
		    "this object; it cannot make another)", was != NULL ? was : "as they were",
		    op->name);
		op_edit_reject(op, m);
		free(m);
		json_decref(obj);
		return;
	}
	json_decref(op->edited);
	op->edited = obj;
	op_plan(op);
}

/* The object again after a conflict: the user's change carried onto it. */
static void
op_edit_refetched(const struct client_response *r, void *arg)
{
	struct act_op *op = arg;
	json_t *latest = act_ok(r) ? act_parse(r) : NULL, *stripped, *rebased;
	char *err, *m, *diff;

	if (!json_is_object(latest)) {
		json_decref(latest);
		err = client_response_error(r);
		m = xasprintf("the object changed on the server and could not be read again: %s",
		    err);
		op_edit_keep(op, "failed", m);
		free(m);
		free(err);
		return;
	}
	stripped = edit_strip(latest);
	rebased = edit_rebase(op->edit_base, op->edited, stripped);
	if (edit_status_only(op->edit_base, stripped) && op->edit_quiet++ < ACT_EDIT_QUIET) {
		/* a controller wrote the status: nothing the user must see */
		json_decref(op->obj);
		op->obj = latest;
		json_decref(op->edit_base);
		op->edit_base = stripped;
		json_decref(op->edited);
		op->edited = rebased;
		op_plan(op);
		return;
	}
	diff = edit_diff(op->edit_base, stripped, "  ");
	m = xasprintf("conflict: the object changed on the server since it was opened here:\n"
	    "%s\nYour change is made again below, on the server's latest version: save to "
	    "update it.", *diff != '\0' ? diff : "  (resourceVersion only)\n");
	json_decref(op->obj);
	op->obj = latest;
	json_decref(op->edit_base);
	op->edit_base = stripped;
	op_edit_open(op, rebased, m);
	json_decref(rebased);
	free(diff);
	free(m);
}

/* 409 Conflict: read the latest version. */
void
op_edit_conflict(struct act_op *op)
{
	char *path = actions_path(op->resource, op->ns, op->name);

	op->state = OP_PREPARING;
	client_request(op->b->client, op->cluster, "GET", path, NULL, NULL, op_edit_refetched,
	    op);
	free(path);
}

/* A refusal the user may correct in the text: the request's fault (400,
 * 422) or a conflict (409). */
bool
op_edit_correctable(const struct client_response *r)
{
	return r->error == NULL && (r->status == 400 || r->status == 409 || r->status == 422);
}

/* The target fetched: open it in the editor. */
void
op_edit_fetched(struct act_op *op)
{
	op->edit_base = edit_strip(op->obj);
	op_edit_open(op, op->edit_base, NULL);
}

/* The dry run or the update refused (text: the pipeline's report): a
 * conflict is carried onto the latest version, a text the server can
 * tell the user how to correct is opened again with the reason on top,
 * anything else keeps the text and says where it is. The update's own
 * audit record comes first when the text goes back to the editor. */
void
op_edit_refused(struct act_op *op, const struct client_response *r, const char *text,
    bool dry)
{
	char *msg;

	if (dry) {
		if (r->status == 409)
			op_edit_conflict(op);
		else if (op_edit_correctable(r))
			op_edit_reject(op, text);
		else
			op_edit_keep(op, r->status == 403 ? "forbidden" : "failed", text);
		return;
	}
	if (!op_edit_correctable(r)) {
		op_edit_keep(op, r->status == 403 ? "forbidden" : "failed", text);
		return;
	}
	op_audit(op, r->status == 409 ? "conflict" : "failed", text);
	op->intent[0] = '\0';
	if (r->status == 409)
		op_edit_conflict(op);
	else {
		msg = xasprintf("the server refused the update: %s", text);
		op_edit_reject(op, msg);
		free(msg);
	}
}
