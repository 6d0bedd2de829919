/* Fuzz the scenario loader: any bytes as YAML, then as a scenario loaded
 * into a fresh estate and ticked once (a small estate: see fuzz_too_big).
 * Must never crash or leak. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "opsdeck/sim.h"
#include "opsdeck/sim_ctl.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* Keys whose number is how many objects the loader makes. */
static const char *const fuzz_counts[] = {
	"count", "replicas", "existing_backups", "min", "max", "revisionHistoryLimit",
};

/* True if v asks for more than FUZZ_MAX_OBJECTS objects of one sort (a
 * count key, or a namespace's replicas under "scale"; counted is true
 * inside such a place). Thousands of nodes or pods per input (the loader
 * allows 1,000 nodes a group and 20,000 replicas) take a second each
 * under ASan: the fuzzer drifted to them and fell from 3,500 to 270
 * executions a second, while the loader's own code is the same for 64. */
#define FUZZ_MAX_OBJECTS	64
static int
fuzz_too_big(json_t *v, int counted)
{
	const char *key;
	json_t *x;
	size_t i, k;
	int c;

	if (counted && json_is_number(v) && json_number_value(v) > FUZZ_MAX_OBJECTS)
		return 1;
	json_array_foreach(v, i, x) {
		if (fuzz_too_big(x, 0))
			return 1;
	}
	json_object_foreach(v, key, x) {
		c = counted || strcmp(key, "scale") == 0;
		for (k = 0; k < sizeof fuzz_counts / sizeof fuzz_counts[0]; k++)
			c |= strcmp(key, fuzz_counts[k]) == 0;
		if (fuzz_too_big(x, c))
			return 1;
	}
	return 0;
}

/* One input. */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct sim	*sim;
	json_t		*doc;
	char		*cause = NULL;

	doc = scn_yaml_parse((const char *)data, len, "fuzz", &cause);
	free(cause);
	cause = NULL;
	if (doc == NULL)
		return 0;
	if (fuzz_too_big(doc, 0)) {
		json_decref(doc);
		return 0;
	}
	sim = sim_new();
	if (scn_load_doc(sim, doc, "fuzz", &cause) == 0 && sim->nclusters <= 8)
		sim_tick(sim, 0.5);
	free(cause);
	json_decref(doc);
	sim_free(sim);
	return 0;
}
