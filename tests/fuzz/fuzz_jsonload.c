/* Fuzz target: json_load_fast against json_loadb on the same bytes, with
 * and without JSON_DECODE_ANY: both refuse, or both build values that
 * compare equal and serialise to the same text (key order included). */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "opsdeck/jsonload.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void
check(const char *buf, size_t len, size_t flags)
{
	json_t *a = json_loadb(buf, len, flags, NULL), *b = json_load_fast(buf, len, flags, NULL);
	char *sa, *sb;

	if ((a == NULL) != (b == NULL))
		abort();
	if (a != NULL) {
		if (!json_equal(a, b))
			abort();
		sa = json_dumps(a, JSON_COMPACT | JSON_ENCODE_ANY);
		sb = json_dumps(b, JSON_COMPACT | JSON_ENCODE_ANY);
		if (sa == NULL || sb == NULL || strcmp(sa, sb) != 0)
			abort();
		free(sa);
		free(sb);
	}
	json_decref(a);
	json_decref(b);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	check((const char *)data, size, 0);
	check((const char *)data, size, JSON_DECODE_ANY);
	return 0;
}
