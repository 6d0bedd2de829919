/* Helpers for unit tests that build JSON objects from literals. Include
 * after <cmocka.h> and <jansson.h>. */
#ifndef OPSDECK_TEST_JSON_H
#define OPSDECK_TEST_JSON_H

/* Parse a JSON literal for a test (new reference); a bad literal fails the
 * test. */
static inline json_t *
js(const char *text)
{
	json_error_t err;
	json_t *v = json_loads(text, JSON_DECODE_ANY, &err);

	if (v == NULL)
		fail_msg("bad test JSON: %s", err.text);
	return v;
}

#endif
