/* Fuzz target: durations (duration.h) from runbooks, scenarios and the
 * command line parse to a finite number within the ceiling or are refused
 * with a phrase, never reading past the string, and a refusal leaves the
 * output alone. */
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "opsdeck/duration.h"
#include "opsdeck/xmalloc.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *why = NULL;
	char *s;
	double v = -1;
	int rc;

	s = xstrndup((const char *)data, size);
	rc = duration_parse(s, &v, &why);
	if (rc == 0 && (!isfinite(v) || v < 0 || v > DURATION_MAX))
		abort();
	/* a duration starts with a digit or a dot */
	if (rc == 0 && !(s[0] == '.' || (s[0] >= '0' && s[0] <= '9')))
		abort();
	if (rc != 0 && (rc != -1 || why == NULL || v != -1))
		abort();
	free(s);
	return 0;
}
