/* Fuzz target: any JSON document described as every kind (and as an
 * alert or a silence with itself as Alertmanager's lists), with itself as
 * the events and the related answers (each describer once: the kinds
 * sharing one run the same code); nothing may crash, leak or overflow,
 * and no line may hold a control character. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "opsdeck/describe.h"
#include "opsdeck/kinds.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void
check_line(const char *line, int hang, bool warning, void *arg)
{
	const unsigned char *p;

	(void)hang;
	(void)warning;
	(void)arg;
	for (p = (const unsigned char *)line; *p != '\0'; p++) {
		if (*p < 0x20 || *p == 0x7f)
			abort();
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	json_t *obj, *related, *items;
	struct describe_events ev;
	char *path;
	size_t i, j;

	obj = json_loadb((const char *)data, size, JSON_DECODE_ANY, NULL);
	if (obj == NULL)
		return 0;
	items = json_is_array(obj) ? obj : json_object_get(obj, "items");
	related = json_array();
	json_array_append(related, items != NULL ? items : obj);
	json_array_append(related, obj);
	ev.items = json_is_array(items) ? items : NULL;
	ev.note = "(loading)";
	for (i = 0; i <= nkinds; i++) {
		const struct kind *k = i < nkinds ? &kinds[i] : NULL;

		/* describe_object reads only a kind's describer: each one once
		 * (the generic one as the NULL kind, last) */
		if (k != NULL && k->describer == NULL)
			continue;
		for (j = 0; j < i && (k == NULL || kinds[j].describer != k->describer); j++)
			;
		if (k != NULL && j < i)
			continue;
		describe_object(k, obj, related, &ev, 1795456800, check_line, NULL);
		for (j = 0; j < 3; j++) {
			path = describe_related_path(k, obj, j);
			free(path);
		}
	}
	path = describe_events_path(obj);
	free(path);
	json_decref(related);
	json_decref(obj);
	return 0;
}
