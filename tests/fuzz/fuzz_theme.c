/* Fuzz target: theme YAML, colour specs, the label selector the table's
 * -l filter uses (over flattened labels) and UTF-8 fitting (all fed with
 * untrusted text). */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "opsdeck/json_util.h"
#include "opsdeck/table.h"
#include "opsdeck/theme.h"
#include "opsdeck/xmalloc.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct theme *t;
	struct theme_spec spec;
	struct label_selector *sel;
	char *cause = NULL, *s;
	const char *half;
	int used, i;

	t = theme_parse((const char *)data, size, "fuzz", &cause);
	if (t != NULL) {
		for (i = 0; i < THEME_NSLOTS; i++) {
			if (t->slots[i].fg < -1 || t->slots[i].fg > 255 ||
			    t->slots[i].bg < -1 || t->slots[i].bg > 255)
				abort();
		}
		theme_free(t);
	}
	free(cause);
	cause = NULL;
	s = xstrndup((const char *)data, size);
	if (theme_spec_parse(s, &spec, &cause) == 0) {
		if (spec.fg < -1 || spec.fg > 255 || spec.bg < -1 || spec.bg > 255)
			abort();
	}
	free(cause);
	half = s + strlen(s) / 2;
	sel = label_selector_parse(half, &cause);
	free(cause);
	cause = NULL;
	(void)label_selector_match_flat(sel, s);
	label_selector_free(sel);
	if (table_fit_bytes(s, (int)(size % 80), &used) > strlen(s) || used > (int)(size % 80))
		abort();
	free(s);
	return 0;
}
