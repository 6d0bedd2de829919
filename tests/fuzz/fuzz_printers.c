/* Fuzz target: any JSON document through every printer, every cell
 * formatted at several instants; nothing may crash, leak or overflow. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "opsdeck/kinds.h"
#include "opsdeck/printers.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* Every resource with a printer, and one without. */
static const char *resources[] = {
	"pods", "deployments", "replicasets", "statefulsets", "daemonsets",
	"horizontalpodautoscalers", "nodes", "events", "jobs", "cronjobs",
	"poddisruptionbudgets", "namespaces", "services", "alerts", "silences",
	"backups", "schedules", "restores", "rollouts", "virtualservices",
	"configmaps", "pods.metrics.k8s.io", "nodes.metrics.k8s.io",
};

/* Print obj with p and format every cell. */
static void
print_one(const struct printer *p, json_t *obj, int64_t now)
{
	struct printed out;
	json_t *j;
	char buf[256];
	size_t i, n;

	printer_print(p, obj, now, &out);
	if (out.ncells != p->ncolumns)
		abort();
	for (i = 0; i < out.ncells; i++) {
		n = cell_format(&out.cells[i], now, buf, sizeof buf);
		if (n >= sizeof buf || strlen(buf) != n)
			abort();
		j = cell_json(&out.cells[i], now);
		if (j == NULL)
			abort();
		json_decref(j);
	}
	printed_free(&out);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const int64_t nows[] = { 0, 1795456800, INT64_MAX, INT64_MIN };
	json_t *obj, *item;
	size_t i, j, k;

	obj = json_loadb((const char *)data, size, JSON_DECODE_ANY, NULL);
	if (obj == NULL)
		return 0;
	for (i = 0; i < sizeof resources / sizeof resources[0]; i++) {
		for (k = 0; k < sizeof nows / sizeof nows[0]; k++)
			print_one(printer_find(resources[i]), obj, nows[k]);
		/* A list's items, as a reflector would see them. */
		json_array_foreach(json_object_get(obj, "items"), j, item)
			print_one(printer_find(resources[i]), item, nows[1]);
	}
	json_decref(obj);
	return 0;
}
