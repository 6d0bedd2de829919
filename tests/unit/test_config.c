/* config.yaml: groups, per-context settings, console keys, warnings with
 * line numbers, durations, malformed input. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "opsdeck/config.h"
#include "opsdeck/xmalloc.h"

/* Fail with both strings shown unless needle occurs in haystack. */
#define assert_has(haystack, needle) do {					\
	const char *h_ = (haystack), *n_ = (needle);				\
	if (h_ == NULL || strstr(h_, n_) == NULL)				\
		fail_msg("'%s' does not contain '%s'", h_ ? h_ : "(null)", n_);	\
} while (0)

/* A full config; line numbers matter to the warnings test. */
static const char full[] =
    "groups:\n"						/* 1 */
    "  estate: [prod-tokyo, prod-osaka, staging]\n"	/* 2 */
    "  asia:\n"						/* 3 */
    "  - prod-tokyo\n"					/* 4 */
    "contexts:\n"					/* 5 */
    "  prod-tokyo:\n"					/* 6 */
    "    role: primary\n"				/* 7 */
    "    protected: true\n"				/* 8 */
    "    readOnly: false\n"				/* 9 */
    "    alertmanager: {url: https://am.tokyo.example}\n"	/* 10 */
    "    prometheus: /api/v1/namespaces/mon/services/prom:9090/proxy\n"	/* 11 */
    "    backupRPO: 1h\n"				/* 12 */
    "  prod-osaka:\n"					/* 13 */
    "    role: dr\n"					/* 14 */
    "    readOnly: yes\n"				/* 15 */
    "    backupRPO: 1h30m\n"				/* 16 */
    "    colour: red\n"					/* 17 */
    "  staging: {role: stage}\n"			/* 18 */
    "defaultView: overview\n"				/* 19 */
    "theme: high-contrast\n"				/* 20 */
    "refresh: 2s\n"					/* 21 */
    "keys:\n"						/* 22 */
    "  x: delete-pod\n"					/* 23 */
    "  ctrl-r: rollout restart\n"			/* 24 */
    "themes: nope\n";					/* 25 */

/* Everything in a full config lands where it should. */
static void
test_full(void **state)
{
	struct opsdeck_config *cfg;
	const struct config_context *cc;
	const struct config_group *g;
	char *cause = NULL;

	cfg = config_parse(full, strlen(full), "config.yaml", &cause);
	if (cfg == NULL)
		fail_msg("%s", cause);
	g = config_group_find(cfg, "estate");
	assert_non_null(g);
	assert_int_equal(g->nmembers, 3);
	assert_string_equal(g->members[0], "prod-tokyo");
	assert_string_equal(g->members[2], "staging");
	g = config_group_find(cfg, "asia");
	assert_int_equal(g->nmembers, 1);
	assert_null(config_group_find(cfg, "europe"));

	cc = config_context_find(cfg, "prod-tokyo");
	assert_non_null(cc);
	assert_string_equal(cc->role, "primary");
	assert_true(cc->protected_ctx);
	assert_false(cc->read_only);
	assert_string_equal(cc->alertmanager_url, "https://am.tokyo.example");
	assert_string_equal(cc->prometheus_url,
	    "/api/v1/namespaces/mon/services/prom:9090/proxy");
	assert_true(cc->rpo_seconds == 3600);
	cc = config_context_find(cfg, "prod-osaka");
	assert_true(cc->read_only);
	assert_false(cc->protected_ctx);
	assert_true(cc->rpo_seconds == 5400);
	assert_null(cc->alertmanager_url);

	assert_string_equal(config_get(cfg, "defaultView"), "overview");
	assert_string_equal(config_get(cfg, "theme"), "high-contrast");
	assert_string_equal(config_get(cfg, "refresh"), "2s");
	assert_string_equal(config_get(cfg, "keys.x"), "delete-pod");
	assert_string_equal(config_get(cfg, "keys.ctrl-r"), "rollout restart");
	assert_null(config_get(cfg, "keys"));
	assert_null(config_get(cfg, "nothing"));

	/* unknown keys and values are reported with their lines, not dropped */
	assert_int_equal(cfg->nwarnings, 3);
	assert_string_equal(cfg->warnings[0],
	    "config.yaml:17: unknown key 'colour' in contexts.prod-osaka");
	assert_has(cfg->warnings[1], "config.yaml:18: unknown role 'stage' for staging");
	assert_string_equal(cfg->warnings[2], "config.yaml:25: unknown key 'themes'");
	config_free(cfg);
}

/* Wrong shapes and values fail with file:line. */
static void
test_errors(void **state)
{
	static const struct {
		const char *text, *want;
	} cases[] = {
		{ "contexts:\n  a:\n    backupRPO: soon\n", "c.yaml:3: contexts.a.backupRPO: bad duration 'soon'" },
		{ "contexts:\n  a:\n    protected: maybe\n", "c.yaml:3: contexts.a.protected: 'maybe' is not true or false" },
		{ "groups: [a, b]\n", "c.yaml:1: groups must be a mapping" },
		{ "groups:\n  g: a\n", "c.yaml:2: groups.g must be a list" },
		{ "contexts: [a]\n", "c.yaml:1: contexts must be a mapping" },
		{ "- just\n- a list\n", "c.yaml:1: the top level must be a mapping" },
		{ "theme: [unclosed\n", "c.yaml:2:1: " },
		{ "a: 'x\n", "c.yaml:" },
	};
	struct opsdeck_config *cfg;
	char *cause;
	size_t i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		cause = NULL;
		cfg = config_parse(cases[i].text, strlen(cases[i].text), "c.yaml", &cause);
		if (cfg != NULL)
			fail_msg("case %zu parsed", i);
		assert_has(cause, cases[i].want);
		free(cause);
	}
}

/* The file comes from $XDG_CONFIG_HOME, else ~/.config; missing is empty. */
static void
test_load(void **state)
{
	char t[] = "/tmp/opsdeck-cfg.XXXXXX", *p, *cause = NULL, *cmd;
	struct opsdeck_config *cfg;
	FILE *f;

	assert_non_null(mkdtemp(t));
	setenv("XDG_CONFIG_HOME", t, 1);
	p = config_default_path();
	cmd = xasprintf("%s/opsdeck/config.yaml", t);
	assert_string_equal(p, cmd);
	free(cmd);

	cfg = config_load(NULL, &cause);
	assert_non_null(cfg);
	assert_null(cfg->path);
	assert_int_equal(cfg->ngroups + cfg->ncontexts + cfg->nvalues, 0);
	config_free(cfg);

	cmd = xasprintf("%s/opsdeck", t);
	mkdir(cmd, 0700);
	free(cmd);
	f = fopen(p, "w");
	assert_non_null(f);
	fputs("theme: light\n", f);
	fclose(f);
	cfg = config_load(NULL, &cause);
	assert_non_null(cfg);
	assert_string_equal(cfg->path, p);
	assert_string_equal(config_get(cfg, "theme"), "light");
	config_free(cfg);

	f = fopen(p, "w");
	fputs("theme: light\n  bad: indent\n", f);
	fclose(f);
	cfg = config_load(NULL, &cause);
	assert_null(cfg);
	assert_has(cause, p);
	assert_has(cause, ":2:");
	free(cause);

	/* over the 4 MiB cap (sparse): an error, never read; a directory in
	 * its place: an error, not the empty configuration of a missing file */
	assert_int_equal(truncate(p, 4 * 1024 * 1024 + 1), 0);
	cause = NULL;
	assert_null(config_load(NULL, &cause));
	assert_has(cause, "larger than 4194304 bytes");
	free(cause);
	unlink(p);
	assert_int_equal(mkdir(p, 0700), 0);
	cause = NULL;
	assert_null(config_load(NULL, &cause));
	assert_has(cause, "not a regular file");
	free(cause);
	rmdir(p);
	free(p);

	unsetenv("XDG_CONFIG_HOME");
	setenv("HOME", "/home/someone", 1);
	p = config_default_path();
	assert_string_equal(p, "/home/someone/.config/opsdeck/config.yaml");
	free(p);
	cmd = xasprintf("rm -rf '%s'", t);
	if (system(cmd) != 0)
		print_message("could not remove %s\n", t);
	free(cmd);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_full),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_load),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
