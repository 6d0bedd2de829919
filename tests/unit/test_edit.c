/* Edit: the merge patch of a user's change, its rebase onto a newer
 * version, the diff the confirmation shows, and the kept file. */
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

#include "opsdeck/edit.h"
#include "opsdeck/kinds.h"
#include "opsdeck/ydoc.h"

static json_t *
J(const char *s)
{
	json_t *v = json_loads(s, 0, NULL);

	assert_non_null(v);
	return v;
}

/* The patch holds only what changed; removals are nulls; arrays whole. */
static void
test_merge_diff(void **state)
{
	json_t *a = J("{\"metadata\":{\"name\":\"x\",\"labels\":{\"a\":\"1\",\"b\":\"2\"}},"
	    "\"spec\":{\"replicas\":2,\"ports\":[1,2]}}");
	json_t *b = J("{\"metadata\":{\"name\":\"x\",\"labels\":{\"a\":\"1\",\"c\":\"3\"}},"
	    "\"spec\":{\"replicas\":4,\"ports\":[1]}}");
	json_t *want = J("{\"metadata\":{\"labels\":{\"b\":null,\"c\":\"3\"}},"
	    "\"spec\":{\"replicas\":4,\"ports\":[1]}}");
	json_t *p = edit_merge_diff(a, b), *e;

	assert_true(json_equal(p, want));
	json_decref(p);
	e = edit_merge_diff(a, a);
	assert_int_equal(json_object_size(e), 0);
	json_decref(e);
	json_decref(a);
	json_decref(b);
	json_decref(want);
}

/* A conflict: the user's change lands on the server's latest version, the
 * server's own change stays, and the latest resourceVersion is named. */
static void
test_rebase(void **state)
{
	json_t *base = J("{\"metadata\":{\"name\":\"x\",\"resourceVersion\":\"10\"},"
	    "\"spec\":{\"replicas\":2}}");
	json_t *edited = J("{\"metadata\":{\"name\":\"x\",\"resourceVersion\":\"10\"},"
	    "\"spec\":{\"replicas\":5}}");
	json_t *latest = J("{\"metadata\":{\"name\":\"x\",\"resourceVersion\":\"11\","
	    "\"annotations\":{\"o\":\"p\"}},\"spec\":{\"replicas\":2}}");
	json_t *want = J("{\"metadata\":{\"name\":\"x\",\"resourceVersion\":\"11\","
	    "\"annotations\":{\"o\":\"p\"}},\"spec\":{\"replicas\":5}}");
	json_t *r = edit_rebase(base, edited, latest);

	assert_true(json_equal(r, want));
	/* latest itself is not changed */
	assert_int_equal(json_integer_value(json_object_get(json_object_get(latest, "spec"),
	    "replicas")), 2);
	json_decref(r);
	json_decref(base);
	json_decref(edited);
	json_decref(latest);
	json_decref(want);
}

/* The diff: removed then added, context around, managedFields out. */
static void
test_diff(void **state)
{
	json_t *a = J("{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"x\","
	    "\"managedFields\":[{\"manager\":\"m\"}]},\"data\":{\"a\":\"1\",\"b\":\"2\",\"c\":\"3\","
	    "\"d\":\"4\",\"e\":\"5\",\"f\":\"6\",\"g\":\"7\"}}");
	json_t *b = J("{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"x\"},"
	    "\"data\":{\"a\":\"1\",\"b\":\"2\",\"c\":\"3\",\"d\":\"four\",\"e\":\"5\",\"f\":\"6\","
	    "\"g\":\"7\"}}");
	char *d = edit_diff(a, b, "> ");

	assert_string_equal(d,
	    ">     b: '2'\n"
	    ">     c: '3'\n"
	    "> -   d: '4'\n"
	    "> +   d: four\n"
	    ">     e: '5'\n"
	    ">     f: '6'\n");
	assert_non_null(strstr(d, "> -   d: '4'\n> +   d: four\n"));
	assert_null(strstr(d, "managedFields"));
	assert_null(strstr(d, "a: '1'"));	/* beyond the context */
	free(d);
	d = edit_diff(a, a, "");
	assert_string_equal(d, "");
	free(d);
	json_decref(a);
	json_decref(b);
}

/* The file: the object as YAML under the usage; untouched, changed and
 * invalid read-backs; a new note keeps the user's text; removed after. */
static void
test_file(void **state)
{
	char dir[] = "/tmp/opsdeck-edit-test.XXXXXX", *text;
	json_t *obj = J("{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":"
	    "\"x\",\"managedFields\":[]},\"data\":{\"n\":\"5\",\"on\":\"yes\"}}"), *out;
	struct edit_file *f, *g;
	char *cause = NULL, path[512];
	FILE *fp;
	long len;

	assert_non_null(mkdtemp(dir));
	setenv("XDG_STATE_HOME", dir, 1);
	f = edit_file_new("ctx/a", "configmaps", "ns", "x", &cause);
	assert_non_null(f);
	/* a second edit of the same object never takes the first one's file */
	g = edit_file_new("ctx/a", "configmaps", "ns", "x", &cause);
	assert_non_null(g);
	assert_string_not_equal(edit_file_path(f), edit_file_path(g));
	assert_non_null(strstr(edit_file_path(f), "/opsdeck/edits/ctx_a_ns_configmaps_x"));
	assert_int_equal(edit_file_write(f, "line one\nline \033two", obj, &cause), 0);
	assert_int_equal(edit_file_read(f, &out, &cause), EDIT_UNTOUCHED);
	/* the user changes a value */
	snprintf(path, sizeof path, "%s", edit_file_path(f));
	fp = fopen(path, "r+");
	assert_non_null(fp);
	fseek(fp, 0, SEEK_END);
	len = ftell(fp);
	text = calloc(1, (size_t)len + 1);
	fseek(fp, 0, SEEK_SET);
	assert_int_equal(fread(text, 1, (size_t)len, fp), (size_t)len);
	assert_non_null(strstr(text, "# line one\n"));
	assert_null(strchr(text, '\033'));
	assert_null(strstr(text, "managedFields"));
	assert_non_null(strstr(text, "  n: '5'\n"));
	assert_non_null(strstr(text, "  on: 'yes'\n"));
	fclose(fp);
	free(text);
	fp = fopen(path, "a");
	fputs("  m: six\n", fp);
	fclose(fp);
	assert_int_equal(edit_file_read(f, &out, &cause), EDIT_CHANGED);
	assert_string_equal(json_string_value(json_object_get(json_object_get(out, "data"), "n")),
	    "5");
	assert_string_equal(json_string_value(json_object_get(json_object_get(out, "data"), "on")),
	    "yes");
	assert_string_equal(json_string_value(json_object_get(json_object_get(out, "data"), "m")),
	    "six");
	json_decref(out);
	/* invalid: said, then the note on top of the user's own text */
	fp = fopen(path, "w");
	fputs("# old comment\ndata: [unclosed\n", fp);
	fclose(fp);
	assert_int_equal(edit_file_read(f, &out, &cause), EDIT_INVALID);
	assert_non_null(cause);
	free(cause);
	cause = NULL;
	assert_int_equal(edit_file_renote(f, "error: bad", &cause), 0);
	fp = fopen(path, "r");
	text = calloc(1, 4096);
	assert_true(fread(text, 1, 4095, fp) > 0);
	fclose(fp);
	assert_non_null(strstr(text, "# error: bad\n#\ndata: [unclosed\n"));
	assert_null(strstr(text, "old comment"));
	free(text);
	assert_int_equal(edit_file_read(f, &out, &cause), EDIT_UNTOUCHED);
	edit_file_remove(f);
	assert_int_not_equal(access(path, F_OK), 0);
	snprintf(path, sizeof path, "%s", edit_file_path(g));
	edit_file_free(g);
	assert_int_equal(access(path, F_OK), 0);
	unlink(path);
	json_decref(obj);
}

/* edit applies to the API kinds that may be updated, not to alerts. */
static void
test_kinds(void **state)
{
	assert_true(kind_allows(kind_find("deployments"), "edit"));
	assert_true(kind_allows(kind_find("configmaps"), "edit"));
	assert_true(kind_allows(kind_find("nodes"), "edit"));
	assert_false(kind_allows(kind_find("alerts"), "edit"));
	assert_false(kind_allows(kind_find("silences"), "edit"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_merge_diff),
		cmocka_unit_test(test_rebase),
		cmocka_unit_test(test_diff),
		cmocka_unit_test(test_file),
		cmocka_unit_test(test_kinds),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
