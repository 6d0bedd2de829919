/* Fuzz target: json_load_fast against json_loadb on the same bytes, with
 * and without JSON_DECODE_ANY: both refuse, or both build values that
 * compare equal and serialise to the same text (key order included).
 * Projected decodes too: json_load_proj refuses what json_loadb refuses
 * (also inside the members it leaves out) and otherwise builds json_loadb's
 * value with those members removed (json_project), for a projection of
 * short keys the fuzzer finds easily and for the pods' projection. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "opsdeck/jsonload.h"
#include "opsdeck/printers.h"
#include "opsdeck/projection.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static const struct json_proj proj_b[] = {
	{ "c", json_proj_drop },
	{ "*", NULL },
	{ NULL, NULL },
};
static const struct json_proj proj_short[] = {
	{ "a", NULL },
	{ "b", proj_b },
	{ "", proj_short },
	{ NULL, NULL },
};

/* Both refuse, or a (proj applied) and b are equal with the same text. */
static void
agree(json_t *a, json_t *b, const struct json_proj *proj)
{
	json_t *pa;
	char *sa, *sb;

	if ((a == NULL) != (b == NULL))
		abort();
	if (a == NULL)
		return;
	pa = proj != NULL ? json_project(a, proj) : json_incref(a);
	if (!json_equal(pa, b))
		abort();
	sa = json_dumps(pa, JSON_COMPACT | JSON_ENCODE_ANY);
	sb = json_dumps(b, JSON_COMPACT | JSON_ENCODE_ANY);
	if (sa == NULL || sb == NULL || strcmp(sa, sb) != 0)
		abort();
	free(sa);
	free(sb);
	json_decref(pa);
}

static void
check(const char *buf, size_t len, size_t flags)
{
	const struct json_proj *projs[] = { proj_short, projection_for(&printer_pods) };
	json_t *a = json_loadb(buf, len, flags, NULL), *b;
	size_t i;

	b = json_load_fast(buf, len, flags, NULL);
	agree(a, b, NULL);
	json_decref(b);
	for (i = 0; i < sizeof projs / sizeof projs[0]; i++) {
		b = json_load_proj(buf, len, flags, projs[i], NULL);
		agree(a, b, projs[i]);
		json_decref(b);
	}
	json_decref(a);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	check((const char *)data, size, 0);
	check((const char *)data, size, JSON_DECODE_ANY);
	return 0;
}
