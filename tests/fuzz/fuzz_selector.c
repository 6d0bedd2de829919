/* Fuzz target: label selector strings parse or fail cleanly, and a parsed
 * selector prints to a string that parses to the same selector. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "opsdeck/json_util.h"
#include "opsdeck/xmalloc.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct label_selector *sel, *again;
	char *s, *cause = NULL, *printed, *reprinted;
	json_t *labels;

	s = xstrndup((const char *)data, size);
	sel = label_selector_parse(s, &cause);
	if (sel == NULL) {
		if (cause == NULL)
			abort();
		free(cause);
		free(s);
		return 0;
	}
	printed = label_selector_string(sel);
	again = label_selector_parse(printed, &cause);
	if (again == NULL)
		abort();
	reprinted = label_selector_string(again);
	if (strcmp(printed, reprinted) != 0)
		abort();
	labels = json_pack("{ss ss}", "app", "web", "tier", "fe");
	if (labels != NULL) {
		if (label_selector_match(sel, labels) !=
		    label_selector_match(again, labels))
			abort();
		json_decref(labels);
	}
	free(reprinted);
	free(printed);
	label_selector_free(again);
	label_selector_free(sel);
	free(s);
	return 0;
}
