/* Unit tests for json_load_fast: on documents at the edges of what JSON
 * and jansson allow it gives json_loadb's verdict and an equal value, with
 * and without JSON_DECODE_ANY; strings with escapes decode to the same
 * bytes; nesting stops at the same depth. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "opsdeck/jsonload.h"

/* Both decoders on buf[0..len) with flags; returns whether they accepted
 * it, failing the test if they disagree. */
static int
same(const char *buf, size_t len, size_t flags)
{
	json_t *a = json_loadb(buf, len, flags, NULL), *b = json_load_fast(buf, len, flags, NULL);
	char *sa, *sb;
	int ok = a != NULL;

	if ((a == NULL) != (b == NULL))
		fail_msg("'%.*s' (flags %zu): json_loadb %s it, json_load_fast %s it", (int)len,
		    buf, flags, a ? "accepts" : "refuses", b ? "accepts" : "refuses");
	if (a != NULL) {
		assert_true(json_equal(a, b));
		sa = json_dumps(a, JSON_COMPACT | JSON_ENCODE_ANY);
		sb = json_dumps(b, JSON_COMPACT | JSON_ENCODE_ANY);
		assert_string_equal(sa, sb);
		free(sa);
		free(sb);
	}
	json_decref(a);
	json_decref(b);
	return ok;
}

#define ACCEPT(s)	assert_true(same(s, sizeof(s) - 1, JSON_DECODE_ANY))
#define REFUSE(s)	assert_false(same(s, sizeof(s) - 1, JSON_DECODE_ANY))

static void
test_documents(void **state)
{
	ACCEPT("{\"metadata\":{\"name\":\"a\",\"labels\":{\"k\":\"v\"}},\"n\":[1,2.5,-3e2]}");
	ACCEPT(" [ ] ");
	ACCEPT("{\"a\":1,\"a\":2,\"b\":{}}");		/* the last duplicate wins */
	ACCEPT("\"caf\xc3\xa9 \xe2\x98\x83 \xf0\x9f\x98\x80\"");
	ACCEPT("\"\\\"\\\\\\/\\b\\f\\n\\r\\t\\u00e9\\ud83d\\ude00\"");
	ACCEPT("[9223372036854775807,-9223372036854775808,-0,0.5e-400]");
	ACCEPT("[true,false,null]");
	ACCEPT("1\0");				/* jansson's NUL after a number */
	ACCEPT("[null\0,1]");
	REFUSE("1\0\0");
	REFUSE("\"a\"\0");
	REFUSE("");
	REFUSE("   ");
	REFUSE("[1,]");
	REFUSE("{\"a\":1,}");
	REFUSE("{\"a\" 1}");
	REFUSE("{1:2}");
	REFUSE("[01]");
	REFUSE("[1.]");
	REFUSE("[.5]");
	REFUSE("[1e]");
	REFUSE("[-]");
	REFUSE("[9223372036854775808]");
	REFUSE("[-9223372036854775809]");
	REFUSE("[1e400]");
	REFUSE("[truex]");
	REFUSE("[nul]");
	REFUSE("\"\\u0000\"");
	REFUSE("\"\\ud83d\"");
	REFUSE("\"\\ude00\"");
	REFUSE("\"\\ud83d\\u0041\"");
	REFUSE("\"\\x\"");
	REFUSE("\"\\u12\"");
	REFUSE("\"tab\there\"");
	REFUSE("\"\xc0\xaf\"");			/* overlong */
	REFUSE("\"\xed\xa0\x80\"");			/* a surrogate in UTF-8 */
	REFUSE("\"\xf4\x90\x80\x80\"");		/* over U+10FFFF */
	REFUSE("\"\xe2\x98\"");			/* cut short */
	REFUSE("\"open");
	REFUSE("[1] x");
	REFUSE("\xef\xbb\xbf[]");			/* a byte order mark */
	/* without JSON_DECODE_ANY only an object or array is a document */
	assert_false(same("1", 1, 0));
	assert_false(same("\"s\"", 3, 0));
	assert_true(same("{\"type\":\"ADDED\"}", 16, 0));
}

/* Nesting: json_loadb's limit counts every value; the two stop together. */
static void
test_depth(void **state)
{
	size_t depth, i;
	char *buf;
	int ok;

	for (depth = 2046; depth <= 2050; depth++) {
		buf = malloc(2 * depth + 2);
		for (i = 0; i < depth; i++)
			buf[i] = '[';
		buf[depth] = '1';
		for (i = 0; i < depth; i++)
			buf[depth + 1 + i] = ']';
		ok = same(buf, 2 * depth + 1, 0);
		free(buf);
		/* 2047 arrays and the number are 2048 values: the most */
		assert_int_equal(ok, depth <= 2047);
	}
}

/* An error says why and where. */
static void
test_error(void **state)
{
	json_error_t err;

	assert_null(json_load_fast("{\"a\":[1,2}", 10, 0, &err));
	assert_true(err.text[0] != '\0');
	assert_int_equal(err.position, 9);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_documents),
		cmocka_unit_test(test_depth),
		cmocka_unit_test(test_error),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
