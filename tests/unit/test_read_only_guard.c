/* The read-only rule through the real action commands, at both points it
 * is asked (cmd_check before a command runs, the action pipeline per
 * target): read-only mode and a context the words name are refused before
 * anything starts, with the command's name, no audit line and no message
 * from the pipeline; a target the action resolves itself (an untargeted
 * silence defaulting to the first context) on a read-only context is
 * settled "refused" with the same words, audited and announced. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <jansson.h>

#include "opsdeck/actions.h"
#include "opsdeck/runbook.h"
#include "opsdeck/client.h"
#include "opsdeck/cmd.h"
#include "opsdeck/kubeconfig.h"
#include "opsdeck/loop.h"
#include "opsdeck/store.h"
#include "opsdeck/xmalloc.h"

/* What the pipeline told the caller. */
static struct {
	int	 nmessages;
	char	*message;		/* the last one */
	int	 nconfirms;
	int	 ndone;
	char	*outcome;
	char	*done_message;
} seen;

static void
ui_message(void *ui, bool error, const char *text)
{
	(void)ui;
	(void)error;
	seen.nmessages++;
	free(seen.message);
	seen.message = xstrdup(text);
}

/* A confirmation is never answered yes here: nothing may be sent. */
static void
ui_confirm(void *ui, const char *title, const char *preview, const char *typed,
    void (*done)(bool, void *), void *arg)
{
	(void)ui;
	(void)title;
	(void)preview;
	(void)typed;
	seen.nconfirms++;
	done(false, arg);
}

static const struct cmd_ui ui_ops = { .message = ui_message, .confirm = ui_confirm };

static void
on_done(const char *outcome, const char *message, void *arg)
{
	(void)arg;
	seen.ndone++;
	free(seen.outcome);
	free(seen.done_message);
	seen.outcome = xstrdup(outcome);
	seen.done_message = xstrdup(message);
}

/* Two contexts, staging (first, so the default) read-only, prod not. */
struct harness {
	char			 dir[64];
	char			*text;
	struct kubeconfig	*kc;
	struct loop		*loop;
	struct store		*st;
	struct client		*c;
};

static int
setup(void **state)
{
	struct harness *h = xcalloc(1, sizeof *h);
	struct kube_context *ctxs[2];
	struct client_opts opts;
	char *cause = NULL;

	snprintf(h->dir, sizeof h->dir, "/tmp/test_read_only_guard.XXXXXX");
	assert_non_null(mkdtemp(h->dir));
	setenv("XDG_STATE_HOME", h->dir, 1);
	h->text = xstrdup("clusters:\n- name: c\n  cluster: {server: 'http://127.0.0.1:1'}\n"
	    "users:\n- name: u\n  user: {token: t}\n"
	    "contexts:\n- {name: staging, context: {cluster: c, user: u}}\n"
	    "- {name: prod, context: {cluster: c, user: u}}\n");
	h->kc = kubeconfig_parse(h->text, strlen(h->text), "inline", NULL, &cause);
	assert_non_null(h->kc);
	ctxs[0] = kubeconfig_find(h->kc, "staging");
	ctxs[1] = kubeconfig_find(h->kc, "prod");
	assert_non_null(ctxs[0]);
	assert_non_null(ctxs[1]);
	ctxs[0]->read_only = true;
	memset(&opts, 0, sizeof opts);
	opts.health_interval = -1;
	h->loop = loop_new();
	h->st = store_new();
	h->c = client_new(h->loop, h->st, ctxs, 2, &opts);
	assert_true(store_cluster(h->st, 0)->read_only);
	assert_false(store_cluster(h->st, 1)->read_only);
	memset(&seen, 0, sizeof seen);
	*state = h;
	return 0;
}

static int
teardown(void **state)
{
	struct harness *h = *state;
	char *p;

	client_free(h->c);
	store_free(h->st);
	loop_free(h->loop);
	kubeconfig_free(h->kc);
	free(h->text);
	p = xasprintf("%s/opsdeck/audit.jsonl", h->dir);
	unlink(p);
	free(p);
	p = xasprintf("%s/opsdeck", h->dir);
	rmdir(p);
	free(p);
	rmdir(h->dir);
	free(h);
	free(seen.message);
	free(seen.outcome);
	free(seen.done_message);
	return 0;
}

/* The audit log's records (new array; empty if there is no log). */
static json_t *
audit_records(struct harness *h)
{
	char *p = xasprintf("%s/opsdeck/audit.jsonl", h->dir), line[65536];
	json_t *all = json_array();
	FILE *f = fopen(p, "r");

	free(p);
	if (f == NULL)
		return all;
	while (fgets(line, sizeof line, f) != NULL) {
		json_t *r = json_loads(line, 0, NULL);

		assert_non_null(r);
		json_array_append_new(all, r);
	}
	fclose(f);
	return all;
}

/* Run line as a command from the CLI, waiting for its end. */
static int
run(struct harness *h, bool read_only, const char *line, char **cause)
{
	struct cmd_ctx ctx = { .origin = CMD_FROM_CLI, .client = h->c, .store = h->st,
	    .read_only = read_only, .ui_ops = &ui_ops, .done = on_done };

	*cause = NULL;
	return cmd_execute(&ctx, line, cause);
}

/* Refused before the command runs: the cause names the command, the
 * pipeline never started (no message, no end, no audit line). */
static void
refused_early(struct harness *h, bool read_only, const char *line, const char *want)
{
	json_t *recs;
	char *cause;

	assert_int_equal(run(h, read_only, line, &cause), -1);
	assert_non_null(cause);
	assert_string_equal(cause, want);
	free(cause);
	assert_int_equal(seen.nmessages, 0);
	assert_int_equal(seen.ndone, 0);
	assert_int_equal(seen.nconfirms, 0);
	recs = audit_records(h);
	assert_int_equal(json_array_size(recs), 0);
	json_decref(recs);
}

static void
test_read_only_mode(void **state)
{
	refused_early(*state, true, "silence 1h alertname=X @prod",
	    "silence: refused: read-only mode");
}

static void
test_read_only_context_named(void **state)
{
	refused_early(*state, false, "silence 1h alertname=X @staging",
	    "silence: refused: context staging is read-only");
	refused_early(*state, false, "expire-silence abc --context staging",
	    "expire-silence: refused: context staging is read-only");
}

/* No context in the words: the action resolves staging itself. */
static void
test_read_only_context_resolved(void **state)
{
	struct harness *h = *state;
	json_t *recs, *r;
	char *cause;

	assert_int_equal(run(h, false, "silence 1h alertname=X", &cause), 0);
	assert_null(cause);
	assert_int_equal(seen.nconfirms, 0);
	assert_int_equal(seen.ndone, 1);
	assert_string_equal(seen.outcome, "refused");
	assert_string_equal(seen.done_message, "refused: context staging is read-only");
	assert_int_equal(seen.nmessages, 1);
	assert_string_equal(seen.message, "silence staging: refused: context staging is read-only");
	recs = audit_records(h);
	assert_int_equal(json_array_size(recs), 1);
	r = json_array_get(recs, 0);
	assert_string_equal(json_string_value(json_object_get(r, "verb")), "silence");
	assert_string_equal(json_string_value(json_object_get(r, "context")), "staging");
	assert_string_equal(json_string_value(json_object_get(r, "outcome")), "refused");
	assert_string_equal(json_string_value(json_object_get(r, "message")),
	    "refused: context staging is read-only");
	assert_string_equal(json_string_value(json_object_get(r, "origin")), "cli");
	json_decref(recs);
}

/* The same action on the writable context gets past both points (to the
 * confirmation, answered no): the refusals above are the rule's. */
static void
test_writable_context_passes(void **state)
{
	char *cause;

	assert_int_equal(run(*state, false, "silence 1h alertname=X @prod", &cause), 0);
	assert_null(cause);
	assert_int_equal(seen.nconfirms, 1);
	assert_int_equal(seen.ndone, 1);
	assert_string_equal(seen.outcome, "cancelled");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_read_only_mode, setup, teardown),
		cmocka_unit_test_setup_teardown(test_read_only_context_named, setup, teardown),
		cmocka_unit_test_setup_teardown(test_read_only_context_resolved, setup, teardown),
		cmocka_unit_test_setup_teardown(test_writable_context_passes, setup, teardown),
	};

	runbook_register_all();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
