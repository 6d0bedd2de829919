/* Unit tests of the patch algorithms: RFC 7386 merge patch (with the RFC's
 * own examples), RFC 6902 JSON patch and strategic merge as kubectl uses it. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../../drill/patch.h"

/* Apply patch text of type ct to doc text; return the result as compact,
 * key-sorted text (new) or NULL, storing the status code in *code. */
static char *
apply(const char *ct, const char *doc, const char *patch, int *code)
{
	json_t	*d, *out = NULL;
	char	*cause = NULL, *s = NULL;

	d = json_loads(doc, JSON_DECODE_ANY, NULL);
	assert_non_null(d);
	*code = drill_patch(ct, d, patch, strlen(patch), &out, &cause);
	if (*code == 0)
		s = json_dumps(out, JSON_COMPACT | JSON_SORT_KEYS);
	else
		assert_non_null(cause);
	json_decref(out);
	json_decref(d);
	free(cause);
	return s;
}

/* Expect a successful patch giving want. */
static void
expect(const char *ct, const char *doc, const char *patch, const char *want)
{
	char	*got;
	int	 code;

	got = apply(ct, doc, patch, &code);
	assert_int_equal(code, 0);
	assert_string_equal(got, want);
	free(got);
}

/* Expect a failing patch with code. */
static void
expect_fail(const char *ct, const char *doc, const char *patch, int want)
{
	char	*got;
	int	 code;

	got = apply(ct, doc, patch, &code);
	assert_null(got);
	assert_int_equal(code, want);
}

/* RFC 7386 section 3 examples (objects only: results must be objects). */
static void
test_merge(void **state)
{
	const char *m = "application/merge-patch+json";

	(void)state;
	expect(m, "{\"a\":\"b\"}", "{\"a\":\"c\"}", "{\"a\":\"c\"}");
	expect(m, "{\"a\":\"b\"}", "{\"b\":\"c\"}", "{\"a\":\"b\",\"b\":\"c\"}");
	expect(m, "{\"a\":\"b\"}", "{\"a\":null}", "{}");
	expect(m, "{\"a\":\"b\",\"b\":\"c\"}", "{\"a\":null}", "{\"b\":\"c\"}");
	expect(m, "{\"a\":[\"b\"]}", "{\"a\":\"c\"}", "{\"a\":\"c\"}");
	expect(m, "{\"a\":{\"b\":\"c\"}}", "{\"a\":{\"b\":\"d\",\"c\":null}}",
	    "{\"a\":{\"b\":\"d\"}}");
	expect(m, "{\"a\":[{\"b\":\"c\"}]}", "{\"a\":[1]}", "{\"a\":[1]}");
	expect(m, "{\"e\":null}", "{\"a\":1}", "{\"a\":1,\"e\":null}");
	expect(m, "{}", "{\"a\":{\"bb\":{\"ccc\":null}}}", "{\"a\":{\"bb\":{}}}");
	/* kubectl scale */
	expect(m, "{\"spec\":{\"replicas\":2},\"status\":{}}", "{\"spec\":{\"replicas\":5}}",
	    "{\"spec\":{\"replicas\":5},\"status\":{}}");
	expect_fail(m, "{}", "[1]", 422);
	expect_fail(m, "{}", "{\"a\":", 400);
	expect_fail("application/apply-patch+yaml", "{}", "{}", 415);
}

/* RFC 6902 operations, including the RFC's appendix cases. */
static void
test_json_patch(void **state)
{
	const char *j = "application/json-patch+json";

	(void)state;
	expect(j, "{\"foo\":\"bar\"}", "[{\"op\":\"add\",\"path\":\"/baz\",\"value\":\"qux\"}]",
	    "{\"baz\":\"qux\",\"foo\":\"bar\"}");
	expect(j, "{\"foo\":[\"bar\",\"baz\"]}",
	    "[{\"op\":\"add\",\"path\":\"/foo/1\",\"value\":\"qux\"}]",
	    "{\"foo\":[\"bar\",\"qux\",\"baz\"]}");
	expect(j, "{\"foo\":[\"bar\"]}", "[{\"op\":\"add\",\"path\":\"/foo/-\",\"value\":1}]",
	    "{\"foo\":[\"bar\",1]}");
	expect(j, "{\"baz\":\"qux\",\"foo\":\"bar\"}", "[{\"op\":\"remove\",\"path\":\"/baz\"}]",
	    "{\"foo\":\"bar\"}");
	expect(j, "{\"foo\":[\"bar\",\"qux\",\"baz\"]}",
	    "[{\"op\":\"remove\",\"path\":\"/foo/1\"}]", "{\"foo\":[\"bar\",\"baz\"]}");
	expect(j, "{\"baz\":\"qux\"}", "[{\"op\":\"replace\",\"path\":\"/baz\",\"value\":"
	    "\"boo\"}]", "{\"baz\":\"boo\"}");
	expect(j, "{\"foo\":{\"bar\":\"baz\",\"waldo\":\"fred\"},\"qux\":{\"corge\":\"grault\"}}",
	    "[{\"op\":\"move\",\"from\":\"/foo/waldo\",\"path\":\"/qux/thud\"}]",
	    "{\"foo\":{\"bar\":\"baz\"},\"qux\":{\"corge\":\"grault\",\"thud\":\"fred\"}}");
	expect(j, "{\"foo\":[\"all\",\"grass\",\"cows\",\"eat\"]}",
	    "[{\"op\":\"move\",\"from\":\"/foo/1\",\"path\":\"/foo/3\"}]",
	    "{\"foo\":[\"all\",\"cows\",\"eat\",\"grass\"]}");
	expect(j, "{\"a\":{\"b\":1}}", "[{\"op\":\"copy\",\"from\":\"/a\",\"path\":\"/c\"}]",
	    "{\"a\":{\"b\":1},\"c\":{\"b\":1}}");
	expect(j, "{\"/\":1,\"m~n\":2}", "[{\"op\":\"test\",\"path\":\"/~1\",\"value\":1},"
	    "{\"op\":\"test\",\"path\":\"/m~0n\",\"value\":2},{\"op\":\"remove\",\"path\":"
	    "\"/~1\"}]", "{\"m~n\":2}");
	/* kubectl rollout undo */
	expect(j, "{\"metadata\":{\"annotations\":{\"x\":\"1\"}},\"spec\":{\"template\":{\"a\":1}}}",
	    "[{\"op\":\"replace\",\"path\":\"/spec/template\",\"value\":{\"a\":2}},"
	    "{\"op\":\"replace\",\"path\":\"/metadata/annotations\",\"value\":{\"y\":\"2\"}}]",
	    "{\"metadata\":{\"annotations\":{\"y\":\"2\"}},\"spec\":{\"template\":{\"a\":2}}}");
	expect_fail(j, "{\"baz\":\"qux\"}", "[{\"op\":\"test\",\"path\":\"/baz\",\"value\":"
	    "\"bar\"}]", 422);
	expect_fail(j, "{\"foo\":\"bar\"}", "[{\"op\":\"add\",\"path\":\"/baz/bat\",\"value\":"
	    "\"qux\"}]", 422);
	expect_fail(j, "{\"a\":1}", "[{\"op\":\"remove\",\"path\":\"/b\"}]", 422);
	expect_fail(j, "{\"a\":[1]}", "[{\"op\":\"replace\",\"path\":\"/a/5\",\"value\":1}]", 422);
	expect_fail(j, "{\"a\":[1]}", "[{\"op\":\"add\",\"path\":\"/a/01\",\"value\":1}]", 422);
	expect_fail(j, "{\"a\":{}}", "[{\"op\":\"move\",\"from\":\"/a\",\"path\":\"/a/b\"}]", 422);
	expect_fail(j, "{}", "[{\"op\":\"frob\",\"path\":\"/a\"}]", 422);
	expect_fail(j, "{}", "{\"op\":\"add\"}", 422);
	/* Replacing the whole document with a non-object is refused. */
	expect_fail(j, "{}", "[{\"op\":\"replace\",\"path\":\"\",\"value\":3}]", 422);
}

/* No patch type changes the document it is given, whether it succeeds or
 * fails: the server applies patches to stored objects, and a dry run or a
 * refused patch must leave them untouched. */
static void
test_input_untouched(void **state)
{
	static const struct {
		const char	*ct;
		const char	*patch;
		int		 code;
	} cases[] = {
		{ "application/json-patch+json", "[{\"op\":\"replace\",\"path\":"
		    "\"/spec/template/image\",\"value\":\"x:dry\"}]", 0 },
		{ "application/json-patch+json", "[{\"op\":\"replace\",\"path\":"
		    "\"/spec/template/image\",\"value\":\"x:half\"},{\"op\":\"remove\","
		    "\"path\":\"/nope\"}]", 422 },
		{ "application/merge-patch+json", "{\"spec\":{\"template\":{\"image\":"
		    "\"x:dry\"}}}", 0 },
		{ "application/strategic-merge-patch+json", "{\"spec\":{\"template\":"
		    "{\"image\":\"x:dry\"}}}", 0 },
	};
	const char	*orig = "{\"spec\":{\"template\":{\"image\":\"x:v1\"}}}";
	json_t		*doc, *out;
	char		*cause, *after;
	size_t		 i;

	(void)state;
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		doc = json_loads(orig, 0, NULL);
		assert_non_null(doc);
		out = NULL;
		cause = NULL;
		assert_int_equal(drill_patch(cases[i].ct, doc, cases[i].patch,
		    strlen(cases[i].patch), &out, &cause), cases[i].code);
		after = json_dumps(doc, JSON_COMPACT | JSON_SORT_KEYS);
		assert_string_equal(after, orig);
		if (cases[i].code == 0)
			assert_ptr_not_equal(out, doc);
		free(after);
		free(cause);
		json_decref(out);
		json_decref(doc);
	}
}

/* Strategic merge: lists merged by key, directives, nulls. */
static void
test_strategic(void **state)
{
	const char *s = "application/strategic-merge-patch+json";
	const char *dep = "{\"spec\":{\"paused\":true,\"template\":{\"metadata\":{\"labels\":"
	    "{\"app\":\"web\"}},\"spec\":{\"containers\":[{\"name\":\"web\",\"image\":\"a:1\","
	    "\"env\":[{\"name\":\"X\",\"value\":\"1\"}]},{\"name\":\"side\",\"image\":\"s:1\"}]}}}}";

	(void)state;
	/* kubectl set image: only the named container changes. */
	expect(s, dep, "{\"spec\":{\"template\":{\"spec\":{\"containers\":[{\"name\":\"web\","
	    "\"image\":\"a:2\"}]}}}}",
	    "{\"spec\":{\"paused\":true,\"template\":{\"metadata\":{\"labels\":{\"app\":\"web\"}},"
	    "\"spec\":{\"containers\":[{\"env\":[{\"name\":\"X\",\"value\":\"1\"}],\"image\":"
	    "\"a:2\",\"name\":\"web\"},{\"image\":\"s:1\",\"name\":\"side\"}]}}}}");
	/* rollout resume and restart */
	expect(s, dep, "{\"spec\":{\"paused\":null,\"template\":{\"metadata\":{\"annotations\":"
	    "{\"kubectl.kubernetes.io/restartedAt\":\"T\"}}}}}",
	    "{\"spec\":{\"template\":{\"metadata\":{\"annotations\":{\"kubectl.kubernetes.io/"
	    "restartedAt\":\"T\"},\"labels\":{\"app\":\"web\"}},\"spec\":{\"containers\":[{\"env\":"
	    "[{\"name\":\"X\",\"value\":\"1\"}],\"image\":\"a:1\",\"name\":\"web\"},{\"image\":"
	    "\"s:1\",\"name\":\"side\"}]}}}}");
	/* New list element appended; $patch: delete removes one. */
	expect(s, "{\"env\":[{\"name\":\"A\",\"value\":\"1\"}]}",
	    "{\"env\":[{\"name\":\"B\",\"value\":\"2\"},{\"name\":\"A\",\"$patch\":\"delete\"}]}",
	    "{\"env\":[{\"name\":\"B\",\"value\":\"2\"}]}");
	/* $patch: replace on a list. */
	expect(s, "{\"volumes\":[{\"name\":\"a\"},{\"name\":\"b\"}]}",
	    "{\"volumes\":[{\"name\":\"c\"},{\"$patch\":\"replace\"}]}",
	    "{\"volumes\":[{\"name\":\"c\"}]}");
	/* $patch: delete on a map removes it; replace swaps it whole. */
	expect(s, "{\"a\":{\"b\":1},\"c\":2}", "{\"a\":{\"$patch\":\"delete\"}}",
	    "{\"c\":2}");
	expect(s, "{\"a\":{\"b\":1,\"x\":1}}", "{\"a\":{\"$patch\":\"replace\",\"b\":2}}",
	    "{\"a\":{\"b\":2}}");
	/* Lists without a merge key are replaced. */
	expect(s, "{\"args\":[\"a\",\"b\"]}", "{\"args\":[\"c\"]}", "{\"args\":[\"c\"]}");
	/* Service ports merge by port. */
	expect(s, "{\"spec\":{\"ports\":[{\"port\":80,\"name\":\"http\"}]}}",
	    "{\"spec\":{\"ports\":[{\"port\":80,\"targetPort\":8080}]}}",
	    "{\"spec\":{\"ports\":[{\"name\":\"http\",\"port\":80,\"targetPort\":8080}]}}");
	/* Ordering directives are accepted and dropped. */
	expect(s, "{\"a\":{\"b\":1}}", "{\"$setElementOrder/containers\":[{\"name\":\"x\"}],"
	    "\"a\":{\"c\":2}}", "{\"a\":{\"b\":1,\"c\":2}}");
	expect_fail(s, "{\"env\":[]}", "{\"env\":[{\"value\":\"1\"}]}", 422);
	expect_fail(s, "{}", "{\"$bogus\":1}", 422);
	expect_fail(s, "{}", "not json", 400);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_merge),
		cmocka_unit_test(test_json_patch),
		cmocka_unit_test(test_input_untouched),
		cmocka_unit_test(test_strategic),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
