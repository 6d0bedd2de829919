/* Fuzz target: resource quantities parse to a number or are refused, never
 * read past the string, and what parses starts as a quantity does and is
 * never NaN. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "opsdeck/json_util.h"
#include "opsdeck/xmalloc.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s;
	double v = 0;
	int rc;

	s = xstrndup((const char *)data, size);
	rc = quantity_parse(s, &v);
	if (rc != 0 && rc != -1)
		abort();
	/* a quantity starts with a sign, a digit or a dot */
	if (rc == 0 && !(s[0] == '+' || s[0] == '-' || s[0] == '.' ||
	    (s[0] >= '0' && s[0] <= '9')))
		abort();
	/* NaN never comes out */
	if (rc == 0 && v != v)
		abort();
	free(s);
	return 0;
}
