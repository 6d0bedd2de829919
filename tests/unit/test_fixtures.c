/* Every fully populated API object under fixtures/k8s-api-testdata decodes
 * and prints through its kind's printer, with sane cells. */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "opsdeck/json_util.h"
#include "opsdeck/jsonload.h"
#include "opsdeck/printers.h"
#include "opsdeck/sanitize.h"

/* The instant the fixtures are printed at. */
#define NOW	INT64_C(1795456800)

/* The fixture directory: $SHARED/fixtures/k8s-api-testdata, else
 * ../shared/fixtures/k8s-api-testdata from the repository root. */
static void
fixture_dir(char *buf, size_t len)
{
	const char *shared = getenv("SHARED");

	if (shared != NULL && *shared != '\0')
		snprintf(buf, len, "%s/fixtures/k8s-api-testdata", shared);
	else
		snprintf(buf, len, "../shared/fixtures/k8s-api-testdata");
}

/* The .json files of the fixture directory (dir set to it): a new array
 * of new names, *n of them. */
static char **
fixture_files(char *dir, size_t len, size_t *n)
{
	struct dirent *de;
	char **names = NULL;
	DIR *d;

	fixture_dir(dir, len);
	d = opendir(dir);
	if (d == NULL)
		fail_msg("no fixture directory %s (set SHARED)", dir);
	*n = 0;
	while ((de = readdir(d)) != NULL) {
		if (strstr(de->d_name, ".json") == NULL)
			continue;
		names = realloc(names, (*n + 1) * sizeof *names);
		names[(*n)++] = strdup(de->d_name);
	}
	closedir(d);
	return names;
}

/* Load one fixture file. */
static json_t *
load(const char *dir, const char *name)
{
	char path[4096];
	json_error_t err;
	json_t *obj;

	snprintf(path, sizeof path, "%s/%s", dir, name);
	obj = json_load_file(path, 0, &err);
	if (obj == NULL)
		fail_msg("%s: line %d: %s", path, err.line, err.text);
	return obj;
}

/* Print obj with the printer for its kind; return the formatted cells in
 * text (up to 16) and the printed row in out. */
static const struct printer *
print_obj(json_t *obj, struct printed *out, char text[16][1024])
{
	const char *kind = json_path_str_or(obj, "kind", "");
	const struct printer *p = printer_find(kind);
	size_t i;

	printer_print(p, obj, NOW, out);
	assert_int_equal(out->ncells, p->ncolumns);
	for (i = 0; i < out->ncells && i < 16; i++) {
		cell_format(&out->cells[i], NOW, text[i], sizeof text[i]);
		if (out->cells[i].type == CELL_TEXT)
			assert_non_null(out->cells[i].text);
	}
	return p;
}

/* Each file prints; the name column holds the placeholder name, every
 * cell formats to sanitisable text. */
static void
test_all_fixtures(void **state)
{
	char dir[4096], text[16][1024], *clean, **names;
	const struct printer *p;
	struct printed out;
	json_t *obj;
	size_t i, k, n, printed_by_own = 0;

	names = fixture_files(dir, sizeof dir, &n);
	for (k = 0; k < n; k++) {
		obj = load(dir, names[k]);
		p = print_obj(obj, &out, text);
		if (printer_has(json_path_str_or(obj, "kind", "")))
			printed_by_own++;
		for (i = 0; i < p->ncolumns; i++) {
			if (strcmp(p->columns[i].format, "name") == 0 &&
			    strcmp(text[i], "nameValue") != 0)
				fail_msg("%s: name cell '%s'", names[k], text[i]);
			clean = sanitize_str(text[i], 0);
			assert_non_null(clean);
			free(clean);
		}
		printf("%-50s", names[k]);
		for (i = 0; i < p->ncolumns && i < 16; i++)
			printf(" | %s", text[i]);
		printf("\n");
		printed_free(&out);
		json_decref(obj);
		free(names[k]);
	}
	free(names);
	/* 16 fixtures, 14 of kinds with their own printer. */
	assert_true(n >= 16);
	assert_true(printed_by_own >= 14);
}

/* Spot checks on what the placeholder objects must print as. */
static void
test_fixture_cells(void **state)
{
	char dir[4096], text[16][1024];
	struct printed out;
	json_t *obj;

	fixture_dir(dir, sizeof dir);

	/* The pod has a deletionTimestamp and phase "phaseValue". */
	obj = load(dir, "core.v1.Pod.json");
	print_obj(obj, &out, text);
	assert_string_equal(text[2], "Terminating");
	assert_string_equal(text[4], "18y");	/* created 2008-01-01 */
	printed_free(&out);
	json_decref(obj);

	obj = load(dir, "core.v1.Node.json");
	print_obj(obj, &out, text);
	/* conditions[0] is typed "typeValue": no Ready condition. */
	assert_true(strncmp(text[1], "Unknown", 7) == 0);
	printed_free(&out);
	json_decref(obj);

	obj = load(dir, "apps.v1.Deployment.json");
	print_obj(obj, &out, text);
	assert_string_equal(text[0], "nameValue");
	assert_int_equal(out.cells[2].type, CELL_INT);
	printed_free(&out);
	json_decref(obj);

	obj = load(dir, "events.k8s.io.v1.Event.json");
	print_obj(obj, &out, text);
	assert_true(strstr(text[3], "/nameValue") != NULL);
	assert_string_equal(text[6], "noteValue");
	printed_free(&out);
	json_decref(obj);
}

/* The client's decoder for list items and watch events builds, from every
 * fixture's bytes, the value json_loadb builds, and the same printed row. */
static void
test_fast_decoder_same_rows(void **state)
{
	char dir[4096], path[4096 + 512], a_text[16][1024], b_text[16][1024], *buf, **names;
	struct printed a_out, b_out;
	json_t *a, *b;
	size_t i, k, len, n;
	long size;
	FILE *f;

	names = fixture_files(dir, sizeof dir, &n);
	for (k = 0; k < n; k++) {
		snprintf(path, sizeof path, "%s/%s", dir, names[k]);
		f = fopen(path, "rb");
		assert_non_null(f);
		fseek(f, 0, SEEK_END);
		size = ftell(f);
		rewind(f);
		buf = malloc((size_t)size + 1);
		len = fread(buf, 1, (size_t)size, f);
		fclose(f);
		a = json_loadb(buf, len, JSON_DECODE_ANY, NULL);
		b = json_load_fast(buf, len, JSON_DECODE_ANY, NULL);
		if (a == NULL || b == NULL || !json_equal(a, b))
			fail_msg("%s: the two decoders differ", names[k]);
		print_obj(a, &a_out, a_text);
		print_obj(b, &b_out, b_text);
		assert_int_equal(a_out.ncells, b_out.ncells);
		for (i = 0; i < a_out.ncells && i < 16; i++)
			assert_string_equal(a_text[i], b_text[i]);
		printed_free(&a_out);
		printed_free(&b_out);
		json_decref(a);
		json_decref(b);
		free(buf);
		free(names[k]);
	}
	free(names);
	assert_true(n >= 16);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_all_fixtures),
		cmocka_unit_test(test_fixture_cells),
		cmocka_unit_test(test_fast_decoder_same_rows),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
