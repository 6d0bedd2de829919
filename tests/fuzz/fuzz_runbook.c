/* Fuzz target: the runbook YAML parser and validator. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "opsdeck/runbook.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* Parse data as a runbook; anything may fail, nothing may crash. */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct runbook *rb;
	struct rb_cond c;
	char *cause = NULL, *s;

	rb = runbook_parse((const char *)data, size, "fuzz.yaml", &cause);
	runbook_free(rb);
	free(cause);
	cause = NULL;
	s = malloc(size + 1);
	if (s == NULL)
		return 0;
	for (size_t i = 0; i < size; i++)
		s[i] = data[i] == '\0' ? ' ' : (char)data[i];
	s[size] = '\0';
	if (rb_cond_parse(s, &c, &cause) == 0)
		rb_cond_free(&c);
	free(cause);
	free(s);
	return 0;
}
