/* Every fully populated API object under fixtures/k8s-api-testdata decodes
 * and prints through its kind's printer, with sane cells; decoded through
 * its printer's projection it makes the same row, as does every object of
 * every shipped drill scenario. */
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
#include "opsdeck/kinds.h"
#include "opsdeck/printers.h"
#include "opsdeck/projection.h"
#include "opsdeck/sanitize.h"
#include "opsdeck/sim.h"
#include "opsdeck/store.h"

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

/* store_foreach callback: keep the row. */
static int
take_row(size_t cluster, const struct row *row, void *arg)
{
	(void)cluster;
	*(const struct row **)arg = row;
	return 1;
}

/* Strings equal, NULL only to NULL. */
static void
same_str(const char *a, const char *b, const char *what, const char *field)
{
	if ((a == NULL) != (b == NULL) || (a != NULL && strcmp(a, b) != 0))
		fail_msg("%s: %s '%s' whole, '%s' projected", what, field, a ? a : "(null)",
		    b ? b : "(null)");
}

/* obj's text decoded whole and through p's projection prints the same
 * cells, flags and reason with p, and makes the same store row. */
static void
same_row_projected(const struct printer *p, json_t *obj, const char *what)
{
	char *text = json_dumps(obj, JSON_COMPACT), a_text[1024], b_text[1024];
	json_t *a, *b;
	struct printed a_out, b_out;
	struct store *sa, *sb;
	const struct row *ra = NULL, *rb = NULL;
	size_t i;

	assert_non_null(text);
	a = json_loadb(text, strlen(text), 0, NULL);
	b = json_load_proj(text, strlen(text), 0, projection_for(p), NULL);
	assert_non_null(a);
	assert_non_null(b);
	printer_print(p, a, NOW, &a_out);
	printer_print(p, b, NOW, &b_out);
	assert_int_equal(a_out.ncells, b_out.ncells);
	for (i = 0; i < a_out.ncells; i++) {
		cell_format(&a_out.cells[i], NOW, a_text, sizeof a_text);
		cell_format(&b_out.cells[i], NOW, b_text, sizeof b_text);
		if (strcmp(a_text, b_text) != 0 || a_out.cells[i].type != b_out.cells[i].type ||
		    a_out.cells[i].n != b_out.cells[i].n || a_out.cells[i].when != b_out.cells[i].when)
			fail_msg("%s (%s): column %s '%s' whole, '%s' projected", what, p->resource,
			    p->columns[i].name, a_text, b_text);
	}
	assert_int_equal(a_out.flags, b_out.flags);
	same_str(a_out.reason, b_out.reason, what, "reason");
	printed_free(&a_out);
	printed_free(&b_out);

	/* the store's own fields of the row */
	sa = store_new();
	sb = store_new();
	store_add_cluster(sa, "c");
	store_add_cluster(sb, "c");
	store_upsert(sa, 0, p->resource, a);
	store_upsert(sb, 0, p->resource, b);
	store_foreach(sa, 0, p->resource, NULL, take_row, &ra);
	store_foreach(sb, 0, p->resource, NULL, take_row, &rb);
	assert_true((ra == NULL) == (rb == NULL));
	if (ra != NULL) {
		same_str(ra->uid, rb->uid, what, "uid");
		same_str(ra->ns, rb->ns, what, "namespace");
		same_str(ra->name, rb->name, what, "name");
		same_str(ra->rv, rb->rv, what, "resourceVersion");
		same_str(ra->owner_kind, rb->owner_kind, what, "owner kind");
		same_str(ra->owner_name, rb->owner_name, what, "owner name");
		same_str(ra->owner_uid, rb->owner_uid, what, "owner uid");
		same_str(ra->labels, rb->labels, what, "labels");
		same_str(ra->selector, rb->selector, what, "selector");
		assert_int_equal(ra->created, rb->created);
	}
	store_free(sa);
	store_free(sb);
	json_decref(a);
	json_decref(b);
	free(text);
}

/* Both printers of obj's kind (the console's, the API server's columns). */
static void
same_rows_projected(const struct printer *p, const struct printer *table, json_t *obj,
    const char *what)
{
	same_row_projected(p, obj, what);
	if (table != p)
		same_row_projected(table, obj, what);
}

/* Pods in states the fixtures do not show: a running sidecar, readiness
 * lost long after the start, a scheduling gate, a controller owner. */
static const char *pods[] = {
	"{\"metadata\":{\"name\":\"p\",\"uid\":\"u\",\"ownerReferences\":[{\"kind\":\"Job\","
	"\"name\":\"j\",\"uid\":\"ju\",\"controller\":true}]},\"spec\":{\"initContainers\":"
	"[{\"name\":\"side\",\"restartPolicy\":\"Always\"}],\"containers\":[{\"name\":\"c\"}]},"
	"\"status\":{\"phase\":\"Running\",\"startTime\":\"2026-01-01T00:00:00Z\","
	"\"conditions\":[{\"type\":\"Ready\",\"status\":\"False\",\"lastTransitionTime\":"
	"\"2026-01-02T00:00:00Z\"}],\"initContainerStatuses\":[{\"name\":\"side\","
	"\"started\":true,\"ready\":true,\"restartCount\":2,\"state\":{\"running\":{}}}],"
	"\"containerStatuses\":[{\"name\":\"c\",\"ready\":false,\"restartCount\":1,"
	"\"state\":{\"running\":{}}}]}}",
	"{\"metadata\":{\"name\":\"g\",\"uid\":\"g\"},\"spec\":{\"containers\":[{}]},"
	"\"status\":{\"phase\":\"Pending\",\"conditions\":[{\"type\":\"PodScheduled\","
	"\"status\":\"False\",\"reason\":\"SchedulingGated\"}]}}",
};

/* Usage objects as metrics-server serves them: every member it sets. */
static const char *usage[] = {
	"{\"kind\":\"PodMetrics\",\"apiVersion\":\"metrics.k8s.io/v1beta1\",\"metadata\":"
	"{\"name\":\"web-1\",\"namespace\":\"shop\",\"creationTimestamp\":"
	"\"2026-01-01T00:00:00Z\",\"labels\":{\"app\":\"shop\",\"pod-template-hash\":\"7d9f\"}},"
	"\"timestamp\":\"2026-01-01T00:00:00Z\",\"window\":\"15s\",\"containers\":[{\"name\":"
	"\"a\",\"usage\":{\"cpu\":\"28627414n\",\"memory\":\"69693Ki\"}},{\"name\":\"b\","
	"\"usage\":{\"cpu\":\"2m\",\"memory\":\"1Gi\"}}]}",
	"{\"kind\":\"NodeMetrics\",\"apiVersion\":\"metrics.k8s.io/v1beta1\",\"metadata\":"
	"{\"name\":\"node-1\",\"creationTimestamp\":\"2026-01-01T00:00:00Z\",\"labels\":"
	"{\"kubernetes.io/hostname\":\"node-1\"}},\"timestamp\":\"2026-01-01T00:00:00Z\","
	"\"window\":\"20s\",\"usage\":{\"cpu\":\"1500m\",\"memory\":\"3Gi\"}}",
};

/* Every fixture prints the same row whether decoded whole or through its
 * printer's projection (which would drop a field a printer reads). */
static void
test_projection_same_rows(void **state)
{
	char dir[4096], **names;
	json_t *obj;
	size_t k, n;

	names = fixture_files(dir, sizeof dir, &n);
	for (k = 0; k < n; k++) {
		const struct printer *p;

		obj = load(dir, names[k]);
		p = printer_find(json_path_str_or(obj, "kind", ""));
		same_rows_projected(p, printer_find_table(p->resource), obj, names[k]);
		json_decref(obj);
		free(names[k]);
	}
	free(names);
	assert_true(n >= 16);
	for (k = 0; k < sizeof pods / sizeof pods[0]; k++) {
		obj = json_loads(pods[k], 0, NULL);
		assert_non_null(obj);
		same_rows_projected(&printer_pods, printer_find_table("pods"), obj, pods[k]);
		json_decref(obj);
	}
	for (k = 0; k < sizeof usage / sizeof usage[0]; k++) {
		const struct printer *p = k == 0 ? &printer_pod_metrics : &printer_node_metrics;

		obj = json_loads(usage[k], 0, NULL);
		assert_non_null(obj);
		same_rows_projected(p, p, obj, usage[k]);
		json_decref(obj);
	}
}

/* sim_obj_foreach callback: compare one drill object's rows. */
static int
drill_obj_rows(json_t *obj, void *arg)
{
	const struct kind *k = arg;

	same_rows_projected(printer_find(kind_store_name(k)), printer_find_table(kind_store_name(k)),
	    obj, json_path_str_or(obj, "metadata.name", "?"));
	return 0;
}

/* The same for every object of every kind in the shipped drill scenarios,
 * after their controllers ran a while (pods running, restarting, failing,
 * terminating). */
static void
test_projection_drill_objects(void **state)
{
	static const char *scenarios[] = {
		"estate", "bad-rollout", "db-connection-failure", "region-outage",
		"traffic-spike", "backup-stale", "gitops",
	};
	struct sim *sim;
	char path[4096], *cause = NULL;
	size_t i, c, k, t, nobj = 0;

	for (i = 0; i < sizeof scenarios / sizeof scenarios[0]; i++) {
		sim = sim_new();
		snprintf(path, sizeof path, "drill/scenarios/%s.yaml", scenarios[i]);
		if (scenario_load(sim, path, &cause) != 0)
			fail_msg("%s: %s", path, cause);
		for (t = 0; t < 120; t++)
			sim_tick(sim, 0.5);
		for (c = 0; c < sim->nclusters; c++) {
			for (k = 0; k < nkinds; k++) {
				if (kinds[k].source != KIND_API)
					continue;
				nobj += sim_obj_count(sim->clusters[c], &kinds[k], NULL);
				sim_obj_foreach(sim->clusters[c], &kinds[k], NULL, drill_obj_rows,
				    (void *)&kinds[k]);
			}
		}
		sim_free(sim);
	}
	assert_true(nobj > 100);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_all_fixtures),
		cmocka_unit_test(test_fixture_cells),
		cmocka_unit_test(test_fast_decoder_same_rows),
		cmocka_unit_test(test_projection_same_rows),
		cmocka_unit_test(test_projection_drill_objects),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
