/* Placeholder for incident_main until the module lands. */
#include <stdio.h>

#include "opsdeck/cli.h"

int
incident_main(int argc, char **argv)
{
	(void)argc;
	fprintf(stderr, "opsdeck: '%s' is not built yet\n", argv[0]);
	return 2;
}
