/* Fuzz the scenario loader: any bytes as YAML, then as a scenario loaded
 * into a fresh estate and ticked once. Must never crash or leak. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "opsdeck/sim.h"
#include "opsdeck/sim_ctl.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

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
	sim = sim_new();
	if (scn_load_doc(sim, doc, "fuzz", &cause) == 0 && sim->nclusters <= 8)
		sim_tick(sim, 0.5);
	free(cause);
	json_decref(doc);
	sim_free(sim);
	return 0;
}
