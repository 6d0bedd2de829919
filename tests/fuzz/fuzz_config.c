/* Fuzz target: config.yaml and durations. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "opsdeck/config.h"
#include "opsdeck/xmalloc.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct opsdeck_config *cfg;
	char *cause = NULL, *s;
	double d;

	cfg = config_parse((const char *)data, size, "fuzz", &cause);
	if (cfg != NULL) {
		(void)config_get(cfg, "theme");
		(void)config_group_find(cfg, "estate");
		config_free(cfg);
	}
	free(cause);
	s = xstrndup((const char *)data, size);
	(void)config_parse_duration(s, &d);
	free(s);
	return 0;
}
