/* The key table: key names, default bindings to command strings, user
 * overrides and unbinding, bad config entries reported with their line. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <curses.h>

#include "opsdeck/keymap.h"

static int
setup(void **state)
{
	keymap_init();
	return 0;
}

static int
teardown(void **state)
{
	keymap_free();
	return 0;
}

static void
test_names(void **state)
{
	assert_int_equal(keymap_key_parse("j"), 'j');
	assert_int_equal(keymap_key_parse("S"), 'S');
	assert_int_equal(keymap_key_parse("C-d"), 4);
	assert_int_equal(keymap_key_parse("c-D"), 4);
	assert_int_equal(keymap_key_parse("Enter"), '\n');
	assert_int_equal(keymap_key_parse("escape"), 27);
	assert_int_equal(keymap_key_parse("Space"), ' ');
	assert_int_equal(keymap_key_parse("PgDn"), KEY_NPAGE);
	assert_int_equal(keymap_key_parse("F5"), KEY_F(5));
	assert_int_equal(keymap_key_parse("F13"), -1);
	assert_int_equal(keymap_key_parse("nosuchkey"), -1);
	assert_int_equal(keymap_key_parse("C-"), -1);
	assert_string_equal(keymap_key_name(4), "C-d");
	assert_string_equal(keymap_key_name(KEY_UP), "Up");
	assert_string_equal(keymap_key_name('\r'), "Enter");
	assert_string_equal(keymap_key_name('?'), "?");
}

static void
test_defaults(void **state)
{
	assert_string_equal(keymap_lookup(':'), "command-prompt");
	assert_string_equal(keymap_lookup('/'), "filter-prompt");
	assert_string_equal(keymap_lookup('?'), "help");
	assert_string_equal(keymap_lookup('j'), "down");
	assert_string_equal(keymap_lookup(KEY_DOWN), "down");
	assert_string_equal(keymap_lookup('0'), "ns -A");
	assert_string_equal(keymap_lookup('\n'), "enter");
	assert_string_equal(keymap_lookup('\r'), "enter");
	assert_string_equal(keymap_lookup(KEY_ENTER), "enter");
	assert_string_equal(keymap_lookup(27), "back");
	assert_string_equal(keymap_lookup(' '), "mark");
	assert_string_equal(keymap_lookup('y'), "yaml");
	assert_string_equal(keymap_lookup('p'), "logs -p");
	/* action keys bound to the actions' command names */
	assert_string_equal(keymap_lookup('s'), "scale");
	assert_string_equal(keymap_lookup(4), "delete");
	assert_string_equal(keymap_lookup('S'), "silence");
	assert_string_equal(keymap_lookup('b'), "backup-now");
	assert_true(keymap_is_action("scale"));
	assert_true(keymap_is_action("backup-now --wait"));
	assert_false(keymap_is_action("pods"));
	assert_false(keymap_is_action("scal"));
	assert_null(keymap_lookup('Z'));
	assert_string_equal(keymap_lookup('x'), "shell");
	assert_string_equal(keymap_lookup('F'), "port-forward");
	assert_true(keymap_is_action("shell"));
	assert_true(keymap_is_action("port-forward"));
}

static void
test_override(void **state)
{
	const char *keys[] = { "z", "s", "d", "nosuch", "C-r" };
	const char *cmds[] = { "delete", "sort STATUS", "none", "pods", "restart" };
	const int lines[] = { 10, 11, 12, 13, 14 };
	char *cause = NULL;
	size_t n0 = keymap_count();
	int applied;

	applied = keymap_load(keys, cmds, lines, 5, &cause);
	assert_int_equal(applied, 4);
	assert_non_null(cause);
	assert_non_null(strstr(cause, "config.yaml:13"));
	assert_non_null(strstr(cause, "nosuch"));
	free(cause);
	assert_string_equal(keymap_lookup('z'), "delete");
	assert_string_equal(keymap_lookup('s'), "sort STATUS");
	assert_null(keymap_lookup('d'));
	assert_string_equal(keymap_lookup(18), "restart");
	assert_int_equal(keymap_count(), n0 + 2 - 1);
	/* back to the defaults */
	keymap_init();
	assert_string_equal(keymap_lookup('s'), "scale");
	assert_string_equal(keymap_lookup('d'), "describe");
	assert_null(keymap_lookup('z'));
}

static void
test_help_listing(void **state)
{
	size_t i;
	int seen_q = 0;

	for (i = 0; i < keymap_count(); i++) {
		assert_non_null(keymap_at(i)->command);
		if (keymap_at(i)->key == '?')
			seen_q = 1;
	}
	assert_true(seen_q);
	assert_null(keymap_at(keymap_count()));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_names, setup, teardown),
		cmocka_unit_test_setup_teardown(test_defaults, setup, teardown),
		cmocka_unit_test_setup_teardown(test_override, setup, teardown),
		cmocka_unit_test_setup_teardown(test_help_listing, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
