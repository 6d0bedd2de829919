/* Unit tests for the jansson path helpers, label formatting and label
 * selectors. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "opsdeck/json_util.h"

#include "test_json.h"

/* The simple JSONPaths of CRD printer columns. */
static void
test_jsonpath(void **state)
{
	json_t *o = js("{\"metadata\":{\"name\":\"web\",\"labels\":{\"app.kubernetes"
	    ".io/name\":\"x\"}},\"spec\":{\"replicas\":3},\"status\":{\"conditions\":["
	    "{\"type\":\"Ready\"},{\"type\":\"Progressing\",\"status\":\"True\"}]}}");

	(void)state;
	assert_int_equal(json_integer_value(json_jsonpath(o, ".spec.replicas")), 3);
	assert_string_equal(json_string_value(json_jsonpath(o, "{.metadata.name}")), "web");
	assert_string_equal(json_string_value(json_jsonpath(o,
	    ".status.conditions[1].type")), "Progressing");
	assert_string_equal(json_string_value(json_jsonpath(o,
	    ".metadata.labels['app.kubernetes.io/name']")), "x");
	assert_string_equal(json_string_value(json_jsonpath(o,
	    ".metadata.labels[\"app.kubernetes.io/name\"]")), "x");
	assert_ptr_equal(json_jsonpath(o, ".spec"), json_object_get(o, "spec"));
	assert_null(json_jsonpath(o, ".status.replicas"));
	assert_null(json_jsonpath(o, ".status.conditions[2].type"));
	assert_null(json_jsonpath(o, ".status.conditions.type"));
	assert_null(json_jsonpath(o, ".spec.replicas.x"));
	assert_null(json_jsonpath(o, ".spec[0]"));
	assert_null(json_jsonpath(o, ".metadata.labels['app"));
	assert_null(json_jsonpath(o, ".status.conditions[x]"));
	assert_null(json_jsonpath(o, "..spec"));
	assert_null(json_jsonpath(o, "spec"));
	assert_null(json_jsonpath(NULL, ".spec"));
	json_decref(o);
}

/* Dotted paths, array indexes, typed getters and their defaults. */
static void
test_paths(void **state)
{
	json_t *o = js("{\"metadata\":{\"name\":\"web\",\"labels\":{\"app.kubernetes"
	    ".io/name\":\"x\"},\"generation\":7},\"spec\":{\"replicas\":3.9,"
	    "\"paused\":true,\"containers\":[{\"name\":\"a\",\"image\":\"i:1\"},"
	    "{\"name\":\"b\"}],\"empty\":\"\"}}");

	assert_string_equal(json_path_str(o, "metadata.name"), "web");
	assert_null(json_path_str(o, "metadata.generation"));
	assert_null(json_path_str(o, "metadata.missing"));
	assert_null(json_path_str(o, "metadata.name.deeper"));
	assert_string_equal(json_path_str(o, "spec.containers.1.name"), "b");
	assert_string_equal(json_path_str(o, "spec.containers.0.image"), "i:1");
	assert_null(json_path(o, "spec.containers.2"));
	assert_null(json_path(o, "spec.containers.x"));
	assert_null(json_path(o, "spec..replicas"));
	assert_ptr_equal(json_path(o, ""), o);
	assert_null(json_path(NULL, "a"));
	assert_ptr_equal(json_path(o, "spec"), json_object_get(o, "spec"));
	assert_int_equal(json_path_int(o, "metadata.generation", -1), 7);
	assert_int_equal(json_path_int(o, "spec.replicas", -1), 3);
	assert_int_equal(json_path_int(o, "metadata.name", -1), -1);
	assert_true(json_path_true(o, "spec.paused"));
	assert_false(json_path_true(o, "spec.replicas"));
	assert_int_equal(json_path_len(o, "spec.containers"), 2);
	assert_int_equal(json_path_len(o, "spec.paused"), 0);
	assert_string_equal(json_path_str_or(o, "spec.empty", "d"), "d");
	assert_string_equal(json_path_str_or(o, "spec.nope", "d"), "d");
	assert_string_equal(json_path_str_or(o, "metadata.name", "d"), "web");
	json_decref(o);
}

/* labels_to_string sorts by key; empty or wrong types read "<none>". */
static void
test_labels_to_string(void **state)
{
	json_t *l = js("{\"tier\":\"fe\",\"app\":\"web\",\"a.b/c\":\"\",\"n\":1}");
	char *s;

	s = labels_to_string(l);
	assert_string_equal(s, "a.b/c=,app=web,tier=fe");
	free(s);
	json_decref(l);
	l = js("{}");
	s = labels_to_string(l);
	assert_string_equal(s, "<none>");
	free(s);
	json_decref(l);
	s = labels_to_string(NULL);
	assert_string_equal(s, "<none>");
	free(s);
}

/* Parse sel, check its canonical string and whether it matches labels. */
static void
check_sel(const char *sel, const char *canon, const char *labels, int want)
{
	struct label_selector *ls;
	char *cause = NULL, *s;
	json_t *l = labels == NULL ? NULL : js(labels);

	ls = label_selector_parse(sel, &cause);
	if (ls == NULL)
		fail_msg("'%s' failed: %s", sel, cause);
	s = label_selector_string(ls);
	assert_string_equal(s, canon);
	if (label_selector_match(ls, l) != want)
		fail_msg("'%s' on %s: want %d", sel, labels ? labels : "NULL", want);
	/* the same answer on the labels flattened as the store keeps them */
	free(s);
	s = labels_to_string(l);
	if (label_selector_match_flat(ls, strcmp(s, "<none>") == 0 ? "" : s) != want)
		fail_msg("'%s' on flat %s: want %d", sel, s, want);
	free(s);
	label_selector_free(ls);
	json_decref(l);
}

/* Every operator of the string syntax, and their matching. */
static void
test_selector_parse_match(void **state)
{
	static const char web[] = "{\"app\":\"web\",\"tier\":\"fe\",\"env\":\"prod\"}";

	check_sel("", "", web, 1);
	check_sel("", "", NULL, 1);
	check_sel("app=web", "app=web", web, 1);
	check_sel("app=db", "app=db", web, 0);
	check_sel("app==web", "app==web", web, 1);
	check_sel("app!=db", "app!=db", web, 1);
	check_sel("app!=web", "app!=web", web, 0);
	check_sel("missing!=x", "missing!=x", web, 1);	/* absent key matches != */
	check_sel("tier in (be, fe)", "tier in (be,fe)", web, 1);
	check_sel("tier in (be)", "tier in (be)", web, 0);
	check_sel("tier notin (be)", "tier notin (be)", web, 1);
	check_sel("tier notin (fe,be)", "tier notin (be,fe)", web, 0);
	check_sel("nokey notin (fe)", "nokey notin (fe)", web, 1);
	check_sel("nokey in (fe)", "nokey in (fe)", web, 0);
	check_sel("env", "env", web, 1);
	check_sel("nokey", "nokey", web, 0);
	check_sel("!nokey", "!nokey", web, 1);
	check_sel("!env", "!env", web, 0);
	check_sel(" tier in (fe) , app=web,!canary ", "app=web,!canary,tier in (fe)",
	    web, 1);
	check_sel("app=web,env=dev", "app=web,env=dev", web, 0);
	check_sel("app.kubernetes.io/name=api", "app.kubernetes.io/name=api",
	    "{\"app.kubernetes.io/name\":\"api\"}", 1);
	check_sel("a=", "a=", "{\"a\":\"\"}", 1);
	check_sel("a=", "a=", "{\"a\":\"x\"}", 0);
	check_sel("a in ()", "a in ()", "{\"a\":\"\"}", 1);
	check_sel("a in (x,x,y)", "a in (x,y)", "{\"a\":\"y\"}", 1);
	check_sel("app=web", "app=web", NULL, 0);
	check_sel("!app", "!app", NULL, 1);
}

/* Malformed selectors fail with a cause. */
static void
test_selector_errors(void **state)
{
	static const char *bad[] = {
		"=x", "a in x", "a in (x", "a in (x y)", "a notin", "!", "!=b",
		"a b", "a=b c", "a,,b", ",", "a=(", "a in (x,)", "(a)", "a=b,",
	};
	struct label_selector *ls;
	char *cause;
	size_t i;

	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		cause = NULL;
		ls = label_selector_parse(bad[i], &cause);
		if (ls != NULL)
			fail_msg("'%s' parsed", bad[i]);
		assert_non_null(cause);
		free(cause);
	}
}

/* Keys and values the API server refuses are refused here too, with its
 * reason; the ones it takes still parse. */
static void
test_selector_label_rules(void **state)
{
	static const struct {
		const char	*sel;
		const char	*want;	/* NULL: parses */
	} cases[] = {
		{ "a$=b", "invalid label key \"a$\": name part must consist of "
		    "alphanumeric characters, '-', '_' or '.', and must start and end "
		    "with an alphanumeric character" },
		{ "a=b$", "invalid label value \"b$\" for key \"a\": a valid label must "
		    "be an empty string or consist of alphanumeric characters" },
		{ "a in (x, -y)", "invalid label value \"-y\"" },
		{ "!-a", "invalid label key \"-a\"" },
		{ "a.", "invalid label key \"a.\"" },
		{ "/a=b", "prefix part must be non-empty" },
		{ "Example.com/a=b", "prefix part a lowercase RFC 1123 subdomain" },
		{ "a/b/c", "a qualified name must consist of" },
		{ "example.com/=b", "name part must be non-empty" },
		{ "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa=b",
		    "name part must be no more than 63 characters" },
		{ "a=bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb",
		    "must be no more than 63 characters" },
		{ "app.kubernetes.io/name=web,My_Key.x-1 in (A.b_c-1, 2),!k8s.io/x", NULL },
		{ "a=", NULL },
		{ "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa=b", NULL },
	};
	static const struct {
		const char	*sel;
		const char	*want;
	} objs[] = {
		{ "{\"matchLabels\":{\"a\":\"b$\"}}", "invalid label value \"b$\"" },
		{ "{\"matchExpressions\":[{\"key\":\"a b\",\"operator\":\"Exists\"}]}",
		    "invalid label key \"a b\"" },
	};
	struct label_selector *ls;
	json_t *js_sel;
	char *cause;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		cause = NULL;
		ls = label_selector_parse(cases[i].sel, &cause);
		if (cases[i].want == NULL) {
			if (ls == NULL)
				fail_msg("'%s' refused: %s", cases[i].sel, cause);
			label_selector_free(ls);
			continue;
		}
		if (ls != NULL)
			fail_msg("'%s' parsed", cases[i].sel);
		if (cause == NULL || strstr(cause, cases[i].want) == NULL)
			fail_msg("'%s': cause '%s', want '%s'", cases[i].sel,
			    cause != NULL ? cause : "(null)", cases[i].want);
		free(cause);
	}
	/* the same rules for a metav1.LabelSelector */
	for (i = 0; i < sizeof objs / sizeof objs[0]; i++) {
		js_sel = js(objs[i].sel);
		cause = NULL;
		assert_null(label_selector_from_json(js_sel, &cause));
		if (cause == NULL || strstr(cause, objs[i].want) == NULL)
			fail_msg("%s: cause '%s'", objs[i].sel, cause != NULL ? cause : "(null)");
		free(cause);
		json_decref(js_sel);
	}
}

/* metav1.LabelSelector objects: nil matches nothing, {} everything. */
static void
test_selector_from_json(void **state)
{
	json_t *sel, *l = js("{\"app\":\"web\",\"tier\":\"fe\"}");
	struct label_selector *ls;
	char *cause = NULL, *s;

	ls = label_selector_from_json(NULL, &cause);
	assert_non_null(ls);
	assert_false(label_selector_match(ls, l));
	s = label_selector_string(ls);
	assert_string_equal(s, "");
	free(s);
	label_selector_free(ls);

	sel = js("{}");
	ls = label_selector_from_json(sel, &cause);
	assert_true(label_selector_match(ls, l));
	label_selector_free(ls);
	json_decref(sel);

	sel = js("{\"matchLabels\":{\"tier\":\"fe\",\"app\":\"web\"},"
	    "\"matchExpressions\":[{\"key\":\"env\",\"operator\":\"NotIn\","
	    "\"values\":[\"prod\",\"dev\"]},{\"key\":\"canary\",\"operator\":"
	    "\"DoesNotExist\"},{\"key\":\"app\",\"operator\":\"Exists\"}]}");
	ls = label_selector_from_json(sel, &cause);
	assert_non_null(ls);
	s = label_selector_string(ls);
	assert_string_equal(s, "app=web,app,!canary,env notin (dev,prod),tier=fe");
	assert_true(label_selector_match(ls, l));
	free(s);
	label_selector_free(ls);
	json_decref(sel);

	sel = js("{\"matchExpressions\":[{\"key\":\"tier\",\"operator\":\"In\","
	    "\"values\":[\"be\"]}]}");
	ls = label_selector_from_json(sel, &cause);
	assert_false(label_selector_match(ls, l));
	label_selector_free(ls);
	json_decref(sel);

	/* Invalid operators and value sets. */
	sel = js("{\"matchExpressions\":[{\"key\":\"a\",\"operator\":\"Gt\","
	    "\"values\":[\"1\"]}]}");
	assert_null(label_selector_from_json(sel, &cause));
	assert_non_null(cause);
	free(cause);
	json_decref(sel);
	sel = js("{\"matchExpressions\":[{\"key\":\"a\",\"operator\":\"In\"}]}");
	cause = NULL;
	assert_null(label_selector_from_json(sel, &cause));
	free(cause);
	json_decref(sel);
	sel = js("{\"matchExpressions\":[{\"key\":\"a\",\"operator\":\"Exists\","
	    "\"values\":[\"x\"]}]}");
	cause = NULL;
	assert_null(label_selector_from_json(sel, &cause));
	free(cause);
	json_decref(sel);
	sel = js("\"app=web\"");
	cause = NULL;
	assert_null(label_selector_from_json(sel, &cause));
	free(cause);
	json_decref(sel);
	json_decref(l);
}

/* Resource quantities as numbers; anything else is refused. */
static void
test_quantity_parse(void **state)
{
	static const struct {
		const char	*in;
		double		 want;
	} ok[] = {
		{ "250m", 0.25 }, { "1", 1 }, { "1.5Gi", 1.5 * 1073741824.0 }, { "2k", 2000 },
		{ "1e3", 1000 }, { "1E-2", 0.01 }, { "-4", -4 }, { "+3M", 3e6 }, { ".5", 0.5 },
		{ "300Mi", 300.0 * 1048576 }, { "1E", 1e18 }, { "7n", 7e-9 }, { "12u", 12e-6 },
	};
	static const char *bad[] = { "", "m", "1.2.3", "0x10", "inf", "nan", "1 Gi", "1Gib",
	    "1e", "1e3m", "abc", "-", "1ki" };
	double v, d, tol;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof ok / sizeof ok[0]; i++) {
		v = -1;
		assert_int_equal(quantity_parse(ok[i].in, &v), 0);
		d = v > ok[i].want ? v - ok[i].want : ok[i].want - v;
		tol = (ok[i].want < 0 ? -ok[i].want : ok[i].want) * 1e-9 + 1e-15;
		if (d > tol)
			fail_msg("%s: %g, want %g", ok[i].in, v, ok[i].want);
	}
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++)
		assert_int_equal(quantity_parse(bad[i], &v), -1);
	assert_int_equal(quantity_parse(NULL, &v), -1);
}

/* The drill's discovery lists (verbs, short names, categories). */
static void
test_csv_array(void **state)
{
	static const struct {
		const char	*in;
		const char	*want;
	} cases[] = {
		{ "get,list,watch", "[\"get\",\"list\",\"watch\"]" },
		{ "po", "[\"po\"]" },
		{ "a,,b", "[\"a\",\"\",\"b\"]" },
		{ "a,", "[\"a\"]" },
		{ "", "[]" },
	};
	json_t *a;
	char *s;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		a = json_csv_array(cases[i].in);
		s = json_dumps(a, JSON_COMPACT);
		assert_string_equal(s, cases[i].want);
		free(s);
		json_decref(a);
	}
	a = json_csv_array(NULL);
	assert_int_equal(json_array_size(a), 0);
	json_decref(a);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_paths),
		cmocka_unit_test(test_jsonpath),
		cmocka_unit_test(test_quantity_parse),
		cmocka_unit_test(test_labels_to_string),
		cmocka_unit_test(test_selector_parse_match),
		cmocka_unit_test(test_selector_errors),
		cmocka_unit_test(test_selector_label_rules),
		cmocka_unit_test(test_selector_from_json),
		cmocka_unit_test(test_csv_array),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
