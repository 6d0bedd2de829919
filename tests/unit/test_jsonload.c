/* Unit tests for json_load_fast: on documents at the edges of what JSON
 * and jansson allow it gives json_loadb's verdict and an equal value, with
 * and without JSON_DECODE_ANY; strings with escapes decode to the same
 * bytes; nesting stops at the same depth. With a projection it gives the
 * same verdict, also on the members it leaves out, and json_loadb's value
 * with those members removed. */
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

/* Projections under test: keep "k" (and in it "a" whole, "b" without
 * its "c"), and keep nothing. */
static const struct json_proj proj_b[] = {
	{ "c", json_proj_drop },
	{ "*", NULL },
	{ NULL, NULL },
};
static const struct json_proj proj_k[] = {
	{ "a", NULL },
	{ "b", proj_b },
	{ NULL, NULL },
};
static const struct json_proj proj_top[] = {
	{ "k", proj_k },
	{ NULL, NULL },
};
static const struct json_proj proj_none[] = {
	{ NULL, NULL },
};

/* json_loadb's and json_load_proj's verdicts on buf[0..len) agree, and
 * their values, proj applied to json_loadb's, are equal with the same
 * text. Returns whether json_loadb accepted it. */
static int
same_proj(const char *buf, size_t len, size_t flags, const struct json_proj *proj)
{
	json_t *a = json_loadb(buf, len, flags, NULL), *b = json_load_proj(buf, len, flags, proj,
	    NULL), *pa;
	char *sa, *sb;
	int ok = a != NULL;

	if ((a == NULL) != (b == NULL))
		fail_msg("'%.*s' (flags %zu): json_loadb %s it, json_load_proj %s it", (int)len,
		    buf, flags, a ? "accepts" : "refuses", b ? "accepts" : "refuses");
	if (a != NULL) {
		pa = json_project(a, proj);
		assert_true(json_equal(pa, b));
		sa = json_dumps(pa, JSON_COMPACT | JSON_ENCODE_ANY);
		sb = json_dumps(b, JSON_COMPACT | JSON_ENCODE_ANY);
		assert_string_equal(sa, sb);
		free(sa);
		free(sb);
		json_decref(pa);
	}
	json_decref(a);
	json_decref(b);
	return ok;
}

/* Both decoders on buf[0..len) with flags, also with projections and with
 * the text as a member left out and as one kept; returns whether they
 * accepted it, failing the test if they disagree. */
static int
same(const char *buf, size_t len, size_t flags)
{
	static const char *wrap[] = { "{\"x\":", ",\"k\":{\"a\":", ",\"b\":", "}}" };
	char *w;
	size_t n = 0, i;
	int ok = same_proj(buf, len, flags, NULL);

	assert_int_equal(same_proj(buf, len, flags, proj_top), ok);
	assert_int_equal(same_proj(buf, len, flags, proj_none), ok);
	/* {"x":T,"k":{"a":T,"b":T}}: T skipped, kept whole, kept projected */
	w = malloc(3 * len + 32);
	for (i = 0; i < 4; i++) {
		memcpy(w + n, wrap[i], strlen(wrap[i]));
		n += strlen(wrap[i]);
		if (i < 3) {
			memcpy(w + n, buf, len);
			n += len;
		}
	}
	for (i = 0; i < 3; i++)
		(void)same_proj(w, n, 0, i == 0 ? NULL : i == 1 ? proj_top : proj_none);
	free(w);
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
	ACCEPT("{\"k\":{\"b\":{\"c\":[1,{\"c\":2}],\"d\":3},\"a\":{\"c\":4}},\"z\":5}");
	ACCEPT("[{\"k\":{\"b\":[{\"c\":1,\"e\":2},7]}},{\"k\":1,\"k\":{\"x\":1}}]");
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
