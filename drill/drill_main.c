/* Placeholder for drill_main until the simulator lands. */
#include <stdio.h>

#include "opsdeck/cli.h"

int
drill_main(int argc, char **argv)
{
	(void)argc;
	fprintf(stderr, "opsdeck: '%s' is not built yet\n", argv[0]);
	return 2;
}
