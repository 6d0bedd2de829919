/* Themes: colour specs, YAML with line-numbered errors, the shipped theme
 * files, the slot table. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "opsdeck/theme.h"

static void
test_spec(void **state)
{
	struct theme_spec s;
	char *cause = NULL;

	assert_int_equal(theme_spec_parse("white on blue, bold", &s, &cause), 0);
	assert_int_equal(s.fg, 7);
	assert_int_equal(s.bg, 4);
	assert_int_equal(s.attrs, THEME_A_BOLD);
	assert_int_equal(theme_spec_parse("brightred", &s, &cause), 0);
	assert_int_equal(s.fg, 9);
	assert_int_equal(s.bg, -1);
	assert_int_equal(theme_spec_parse("color208 on colour17", &s, &cause), 0);
	assert_int_equal(s.fg, 208);
	assert_int_equal(s.bg, 17);
	assert_int_equal(theme_spec_parse("reverse, underline", &s, &cause), 0);
	assert_int_equal(s.fg, -1);
	assert_int_equal(s.attrs, THEME_A_REVERSE | THEME_A_UNDERLINE);
	assert_int_equal(theme_spec_parse("DEFAULT ON Black", &s, &cause), 0);
	assert_int_equal(s.bg, 0);
	assert_int_equal(theme_spec_parse("color256", &s, &cause), -1);
	assert_non_null(strstr(cause, "color256"));
	free(cause);
	cause = NULL;
	assert_int_equal(theme_spec_parse("red on", &s, &cause), -1);
	free(cause);
	cause = NULL;
	assert_int_equal(theme_spec_parse("red blue", &s, &cause), -1);
	free(cause);
	cause = NULL;
	assert_int_equal(theme_spec_parse("purple", &s, &cause), -1);
	assert_non_null(strstr(cause, "purple"));
	free(cause);
}

static void
test_parse(void **state)
{
	static const char ok[] =
	    "name: mine\n"
	    "colors:\n"
	    "  bad: magenta\n"
	    "  selected: black on yellow\n";
	static const char bad_slot[] =
	    "name: mine\n"
	    "colors:\n"
	    "  bad: red\n"
	    "  nosuch: red\n";
	static const char bad_colour[] =
	    "colors:\n"
	    "  bad: rouge\n";
	struct theme *t, *def = theme_default();
	char *cause = NULL;

	t = theme_parse(ok, sizeof ok - 1, "mine.yaml", &cause);
	assert_non_null(t);
	assert_string_equal(t->name, "mine");
	assert_int_equal(t->slots[THEME_BAD].fg, 5);
	assert_int_equal(t->slots[THEME_SELECTED].bg, 3);
	/* slots not named keep the default */
	assert_int_equal(t->slots[THEME_HEADER].bg, def->slots[THEME_HEADER].bg);
	theme_free(t);
	assert_null(theme_parse(bad_slot, sizeof bad_slot - 1, "mine.yaml", &cause));
	assert_non_null(strstr(cause, "mine.yaml:4: unknown colour slot 'nosuch'"));
	free(cause);
	cause = NULL;
	assert_null(theme_parse(bad_colour, sizeof bad_colour - 1, "x.yaml", &cause));
	assert_non_null(strstr(cause, "x.yaml:2"));
	assert_non_null(strstr(cause, "rouge"));
	free(cause);
	cause = NULL;
	assert_null(theme_parse("colors: [1, 2", 13, "y.yaml", &cause));
	assert_non_null(strstr(cause, "y.yaml:"));
	free(cause);
	theme_free(def);
}

static void
test_shipped(void **state)
{
	static const char *names[] = { "default", "light", "high-contrast", "mono" };
	struct theme *t;
	char *cause = NULL, path[256];
	size_t i;

	for (i = 0; i < sizeof names / sizeof names[0]; i++) {
		snprintf(path, sizeof path, "themes/%s.yaml", names[i]);
		t = theme_load(path, &cause);
		if (t == NULL)
			fail_msg("%s: %s", path, cause);
		assert_string_equal(t->name, names[i]);
		theme_free(t);
	}
	assert_null(theme_load("no-such-theme", &cause));
	assert_non_null(strstr(cause, "not found"));
	free(cause);
}

static void
test_slots(void **state)
{
	int i;

	for (i = 0; i < THEME_NSLOTS; i++)
		assert_int_equal(theme_slot_find(theme_slot_name(i)), i);
	assert_int_equal(theme_slot_find("nosuch"), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_spec),
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_shipped),
		cmocka_unit_test(test_slots),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
