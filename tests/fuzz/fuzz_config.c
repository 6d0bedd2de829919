/* Fuzz target: config.yaml (its durations go through the grammar that
 * fuzz_duration fuzzes on its own). */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "opsdeck/config.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct opsdeck_config *cfg;
	char *cause = NULL;

	cfg = config_parse((const char *)data, size, "fuzz", &cause);
	if (cfg != NULL) {
		(void)config_get(cfg, "theme");
		(void)config_group_find(cfg, "estate");
		config_free(cfg);
	}
	free(cause);
	return 0;
}
