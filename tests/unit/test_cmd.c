/* The command table: lookup by name, alias and unambiguous prefix,
 * ambiguity messages, shell-like splitting, the read-only guard (global,
 * per target context, per named context) and console-only commands refused
 * headless. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "opsdeck/cmd.h"
#include "opsdeck/prompt.h"
#include "opsdeck/runbook.h"
#include "opsdeck/store.h"
#include "opsdeck/ui.h"
#include "opsdeck/xmalloc.h"

/* What the last test command saw. */
static int ran;
static char seen[512];
static char seen_scope[256];	/* "context|ns|target", "-" for none */

/* A test command: records its argv. */
static int
record_exec(struct cmd_ctx *ctx, int argc, char **argv, char **cause)
{
	int i;

	ran++;
	seen[0] = '\0';
	for (i = 0; i < argc; i++) {
		strncat(seen, "[", sizeof seen - strlen(seen) - 1);
		strncat(seen, argv[i], sizeof seen - strlen(seen) - 1);
		strncat(seen, "]", sizeof seen - strlen(seen) - 1);
	}
	snprintf(seen_scope, sizeof seen_scope, "%s|%s|%s",
	    ctx->scope.context != NULL ? ctx->scope.context : "-",
	    ctx->scope.ns != NULL ? ctx->scope.ns : "-",
	    ctx->scope.target != NULL ? ctx->scope.target : "-");
	return 0;
}

static const struct cmd_entry test_cmds[] = {
	{ "zz-scale", "zzs", "REPLICAS", "scale", CMD_MUTATES | CMD_NEEDS_TARGET, "deployments", record_exec },
	{ "zz-scatter", NULL, "", "test", 0, NULL, record_exec },
	{ "zz-restart", NULL, "", "restart", CMD_MUTATES | CMD_SCOPED, NULL, record_exec },
	{ "zz-note", NULL, "TEXT...", "words as typed", CMD_MUTATES, NULL, record_exec },
	{ "zz-read", NULL, "", "read", 0, NULL, record_exec },
	{ "zz-view", NULL, "", "console only", CMD_CONSOLE_ONLY, NULL, record_exec },
};

/* A headless context over a store with two clusters, staging read-only. */
static struct store *
setup_store(void)
{
	struct store *st = store_new();

	store_add_cluster(st, "prod-tokyo");
	store_add_cluster(st, "staging");
	store_cluster(st, 1)->read_only = true;
	return st;
}

static int
group_setup(void **state)
{
	cmd_register(test_cmds, sizeof test_cmds / sizeof test_cmds[0]);
	/* registering twice is harmless */
	cmd_register(test_cmds, sizeof test_cmds / sizeof test_cmds[0]);
	return 0;
}

static void
test_find(void **state)
{
	const struct cmd_entry *e;
	char *cause = NULL;
	size_t i, found;

	e = cmd_find("zz-scale", &cause);
	assert_non_null(e);
	assert_string_equal(e->name, "zz-scale");
	e = cmd_find("zzs", &cause);		/* alias beats prefix */
	assert_non_null(e);
	assert_string_equal(e->name, "zz-scale");
	e = cmd_find("zz-res", &cause);		/* unique prefix */
	assert_non_null(e);
	assert_string_equal(e->name, "zz-restart");
	e = cmd_find("zz-sca", &cause);		/* ambiguous */
	assert_null(e);
	assert_non_null(strstr(cause, "ambiguous command: zz-sca, could be: "));
	assert_non_null(strstr(cause, "zz-scale"));
	assert_non_null(strstr(cause, "zz-scatter"));
	assert_null(strstr(cause, "zz-restart"));
	free(cause);
	cause = NULL;
	e = cmd_find("nosuch", &cause);
	assert_null(e);
	assert_non_null(strstr(cause, "unknown command: nosuch"));
	free(cause);
	/* other modules may have registered tables too (actions) */
	for (i = 0, found = 0; i < cmd_count(); i++)
		found += cmd_at(i) >= test_cmds && cmd_at(i) < test_cmds + 5;
	assert_int_equal(found, 5);
	assert_null(cmd_at(cmd_count()));
}

static void
test_split(void **state)
{
	char **argv, *cause = NULL;
	int argc;

	assert_int_equal(cmd_split("  scale  3 ", &argc, &argv, &cause), 0);
	assert_int_equal(argc, 2);
	assert_string_equal(argv[0], "scale");
	assert_string_equal(argv[1], "3");
	assert_null(argv[2]);
	cmd_free_argv(argc, argv);
	assert_int_equal(cmd_split("silence 'a b' \"c \\\"d\\\"\" e\\ f g''h", &argc, &argv,
	    &cause), 0);
	assert_int_equal(argc, 5);
	assert_string_equal(argv[1], "a b");
	assert_string_equal(argv[2], "c \"d\"");
	assert_string_equal(argv[3], "e f");
	assert_string_equal(argv[4], "gh");
	cmd_free_argv(argc, argv);
	assert_int_equal(cmd_split("x ''", &argc, &argv, &cause), 0);
	assert_int_equal(argc, 2);
	assert_string_equal(argv[1], "");
	cmd_free_argv(argc, argv);
	assert_int_equal(cmd_split("x 'open", &argc, &argv, &cause), -1);
	assert_non_null(strstr(cause, "unterminated single quote"));
	free(cause);
	cause = NULL;
	assert_int_equal(cmd_split("x \"open", &argc, &argv, &cause), -1);
	assert_non_null(strstr(cause, "unterminated double quote"));
	free(cause);
}

static void
test_execute(void **state)
{
	struct store *st = setup_store();
	struct cmd_target t = { 0, "deployments", "production", "backend", "uid-1" };
	struct cmd_ctx ctx = { .origin = CMD_FROM_PROMPT, .store = st, .targets = &t, .ntargets = 1 };
	char *cause = NULL;

	ran = 0;
	assert_int_equal(cmd_execute(&ctx, ":zzs 5", &cause), 0);
	assert_int_equal(ran, 1);
	assert_string_equal(seen, "[zz-scale][5]");	/* argv[0] is the full name */
	assert_int_equal(cmd_execute(&ctx, "", &cause), -1);
	assert_non_null(cause);
	free(cause);
	cause = NULL;
	assert_int_equal(cmd_execute(&ctx, "zz-sca 1", &cause), -1);
	assert_non_null(strstr(cause, "ambiguous"));
	free(cause);
	assert_int_equal(ran, 1);
	store_free(st);
}

static void
test_read_only(void **state)
{
	struct store *st = setup_store();
	struct cmd_target prod = { 0, "deployments", "production", "backend", "uid-1" };
	struct cmd_target both[2] = {
		{ 0, "deployments", "production", "backend", "uid-1" },
		{ 1, "deployments", "production", "backend", "uid-2" },
	};
	struct cmd_ctx ctx = { .origin = CMD_FROM_KEY, .store = st, .targets = &prod,
	    .ntargets = 1, .read_only = true };
	char *cause = NULL;

	ran = 0;
	/* --read-only refuses mutating commands, whatever their origin */
	assert_int_equal(cmd_execute(&ctx, "zz-scale 3", &cause), -1);
	assert_non_null(strstr(cause, "read-only"));
	free(cause);
	cause = NULL;
	ctx.origin = CMD_FROM_RUNBOOK;
	assert_int_equal(cmd_execute(&ctx, "zz-restart", &cause), -1);
	free(cause);
	cause = NULL;
	/* reading is fine */
	assert_int_equal(cmd_execute(&ctx, "zz-read", &cause), 0);
	assert_int_equal(ran, 1);
	/* per-context readOnly: a marked row on staging refuses the whole command */
	ctx.read_only = false;
	ctx.targets = both;
	ctx.ntargets = 2;
	assert_int_equal(cmd_execute(&ctx, "zz-scale 3", &cause), -1);
	assert_non_null(strstr(cause, "staging is read-only"));
	free(cause);
	cause = NULL;
	assert_int_equal(ran, 1);
	/* a context named in the arguments counts too */
	ctx.targets = NULL;
	ctx.ntargets = 0;
	assert_int_equal(cmd_execute(&ctx, "zz-restart deploy/x @staging", &cause), -1);
	assert_non_null(strstr(cause, "staging is read-only"));
	free(cause);
	cause = NULL;
	assert_int_equal(cmd_execute(&ctx, "zz-restart deploy/x --context staging", &cause), -1);
	free(cause);
	cause = NULL;
	assert_int_equal(cmd_execute(&ctx, "zz-restart deploy/x --context=staging", &cause), -1);
	free(cause);
	cause = NULL;
	assert_int_equal(cmd_execute(&ctx, "zz-restart deploy/x --context=prod-tokyo", &cause), 0);
	assert_int_equal(ran, 2);
	/* the scope words are taken out of a scoped command's words */
	assert_string_equal(seen, "[zz-restart][deploy/x]");
	assert_string_equal(seen_scope, "prod-tokyo|-|-");
	assert_int_equal(cmd_execute(&ctx, "zz-restart -n web @prod-tokyo -t deploy/x 3", &cause),
	    0);
	assert_string_equal(seen, "[zz-restart][3]");
	assert_string_equal(seen_scope, "prod-tokyo|web|deploy/x");
	/* an option without its value is an error, not a word */
	assert_int_equal(cmd_execute(&ctx, "zz-restart -t", &cause), -1);
	assert_non_null(strstr(cause, "-t needs a value"));
	free(cause);
	cause = NULL;
	/* a command without scope words gets every word as typed: "@staging"
	 * in a note is text, not a context */
	assert_int_equal(cmd_execute(&ctx, "zz-note paged @staging -n", &cause), 0);
	assert_string_equal(seen, "[zz-note][paged][@staging][-n]");
	assert_string_equal(seen_scope, "-|-|-");
	ran = 2;
	/* a key needing a target with nothing selected */
	ctx.origin = CMD_FROM_KEY;
	assert_int_equal(cmd_execute(&ctx, "zz-scale", &cause), -1);
	assert_non_null(strstr(cause, "nothing selected"));
	free(cause);
	store_free(st);
}

static void
test_console_only(void **state)
{
	struct cmd_ctx ctx = { .origin = CMD_FROM_CLI };
	char *cause = NULL;

	ran = 0;
	assert_int_equal(cmd_execute(&ctx, "zz-view", &cause), -1);
	assert_non_null(strstr(cause, "only available in the console"));
	free(cause);
	assert_int_equal(ran, 0);
}

static void
test_console_commands(void **state)
{
	struct cmd_ctx ctx = { .origin = CMD_FROM_CLI };
	const struct cmd_entry *e;
	char *cause = NULL;

	cmd_console_register();
	e = cmd_find("deploy", &cause);
	assert_non_null(e);
	assert_string_equal(e->name, "deployments");
	e = cmd_find("q", &cause);
	assert_non_null(e);
	assert_string_equal(e->name, "quit");
	e = cmd_find("ctx", &cause);
	assert_non_null(e);
	assert_string_equal(e->name, "contexts");
	/* headless, a view command says so instead of crashing */
	assert_int_equal(cmd_execute(&ctx, "pods @staging", &cause), -1);
	assert_non_null(strstr(cause, "console"));
	free(cause);
}

/* Join a NULL-terminated candidate list and free it. */
static void
joined(char **c, char *buf, size_t len)
{
	size_t i;

	buf[0] = '\0';
	for (i = 0; c[i] != NULL; i++) {
		if (i > 0)
			strncat(buf, " ", len - strlen(buf) - 1);
		strncat(buf, c[i], len - strlen(buf) - 1);
		free(c[i]);
	}
	free(c);
}

static void
test_completion(void **state)
{
	struct ui ui;
	char buf[1024];

	cmd_console_register();
	memset(&ui, 0, sizeof ui);
	ui.store = setup_store();
	/* command names */
	joined(prompt_complete(&ui, ":dep", 0, "dep"), buf, sizeof buf);
	assert_string_equal(buf, "deployments");
	/* contexts after a view command */
	joined(prompt_complete(&ui, "pods @st", 5, "@st"), buf, sizeof buf);
	assert_string_equal(buf, "@staging");
	joined(prompt_complete(&ui, "pods @", 5, "@"), buf, sizeof buf);
	assert_string_equal(buf, "@prod-tokyo @staging");
	/* option names for :set */
	joined(prompt_complete(&ui, "set log", 4, "log"), buf, sizeof buf);
	assert_string_equal(buf, "logLines");
	/* by the argument's kind: after "@" only contexts, never a namespace
	 * that happens to start the same way */
	store_upsert(ui.store, 0, "pods", json_pack("{s:{s:s,s:s,s:s}}", "metadata",
	    "name", "web-1", "namespace", "production", "uid", "u1"));
	joined(prompt_complete(&ui, "pods @pr", 5, "@pr"), buf, sizeof buf);
	assert_string_equal(buf, "@prod-tokyo");
	/* a view's first positional argument is a namespace or -A */
	joined(prompt_complete(&ui, "pods ", 5, ""), buf, sizeof buf);
	assert_string_equal(buf, "production -A");
	joined(prompt_complete(&ui, "ns pro", 3, "pro"), buf, sizeof buf);
	assert_string_equal(buf, "production");
	/* a namespace given, nothing positional is left: the contexts */
	joined(prompt_complete(&ui, "pods production ", 16, ""), buf, sizeof buf);
	assert_string_equal(buf, "@prod-tokyo @staging");
	/* flags and literals from the template */
	joined(prompt_complete(&ui, "sort -", 5, "-"), buf, sizeof buf);
	assert_string_equal(buf, "-n -p");
	joined(prompt_complete(&ui, "help ", 5, ""), buf, sizeof buf);
	assert_string_equal(buf, "options");
	/* runbooks for :runbook, not contexts or namespaces; a flag's value
	 * is not a runbook */
	runbook_register_commands();
	setenv("OPSDECK_RUNBOOKS", "runbooks", 1);
	joined(prompt_complete(&ui, "rb ", 3, ""), buf, sizeof buf);
	assert_non_null(strstr(buf, "region-failover"));
	assert_null(strstr(buf, "@"));
	assert_null(strstr(buf, "production"));
	/* with no row selected those for the whole cluster come first; the
	 * others when none of those starts with the word */
	assert_null(strstr(buf, "rollback-deployment"));
	joined(prompt_complete(&ui, "rb roll", 3, "roll"), buf, sizeof buf);
	assert_string_equal(buf, "rollback-deployment");
	joined(prompt_complete(&ui, "rb --param ", 11, ""), buf, sizeof buf);
	assert_string_equal(buf, "");
	joined(prompt_complete(&ui, "rb scale-out --", 13, "--"), buf, sizeof buf);
	assert_string_equal(buf, "--param --dry-run");
	/* nothing for an unknown command's arguments */
	joined(prompt_complete(&ui, "nosuch x", 7, "x"), buf, sizeof buf);
	assert_string_equal(buf, "");
	store_free(ui.store);
}

/* cmd_join_argv: the words from one on, single spaces, nothing quoted. */
static void
test_join(void **state)
{
	char *argv[] = { "note", "db", "is \"down\"", "again", NULL };
	char *s;

	(void)state;
	s = cmd_join_argv(4, argv, 1);
	assert_string_equal(s, "db is \"down\" again");
	free(s);
	s = cmd_join_argv(4, argv, 3);
	assert_string_equal(s, "again");
	free(s);
	s = cmd_join_argv(4, argv, 4);
	assert_string_equal(s, "");
	free(s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_find),
		cmocka_unit_test(test_split),
		cmocka_unit_test(test_join),
		cmocka_unit_test(test_execute),
		cmocka_unit_test(test_read_only),
		cmocka_unit_test(test_console_only),
		cmocka_unit_test(test_console_commands),
		cmocka_unit_test(test_completion),
	};

	return cmocka_run_group_tests(tests, group_setup, NULL);
}
