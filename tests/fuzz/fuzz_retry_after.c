/* Fuzz target: Retry-After header values (delta-seconds or an HTTP date)
 * give a finite, non-negative number of seconds or -1, never read past the
 * value. */
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "opsdeck/http.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *v = malloc(size > 0 ? size : 1);
	double s;

	if (v == NULL)
		return 0;
	memcpy(v, data, size);
	s = http_parse_retry_after(v, size);	/* not NUL-terminated */
	if (s != -1 && (!isfinite(s) || s < 0))
		abort();
	free(v);
	return 0;
}
