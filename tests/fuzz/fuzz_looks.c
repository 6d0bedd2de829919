/* Fuzz the drill's look bodies (POST /drill/v1/looks): JSON decoding, the
 * look parser and the relevance rule against a fault of every action.
 *
 * Input: the request body. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "opsdeck/sim_ctl.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const actions[] = { "set-image", "cluster-unreachable",
	    "node-notready", "load", "backup-fail", "db-down", "unknown" };
	static const char *const names[] = { "backend", "backend-hpa", "postgresql-0", NULL };
	struct drill_look	 l;
	struct scn_fault	 f;
	json_t			*body;
	char			*cause = NULL;
	size_t			 i;

	body = json_loadb((const char *)data, size, 0, NULL);
	if (body == NULL)
		return 0;
	if (drill_look_parse(body, &l, &cause) == 0) {
		memset(&f, 0, sizeof f);
		f.cluster = (char *)"prod-tokyo";
		f.ns = (char *)"production";
		f.name = (char *)"backend";
		f.injected = true;
		for (i = 0; i < sizeof actions / sizeof actions[0]; i++) {
			f.action = (char *)actions[i];
			(void)drill_look_relevant(&f, &l, names);
			(void)drill_look_relevant(&f, &l, NULL);
		}
	}
	free(cause);
	json_decref(body);
	return 0;
}
