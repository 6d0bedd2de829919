/* Fuzz target: the watch stream as the console reads it: the real line
 * splitter feeding the real reflector_event (trimming, BOOKMARK, ERROR 410
 * against other ERRORs, resourceVersion bookkeeping) into the store. The
 * first input byte picks the chunk size, the line cap and the kind, so cuts
 * land anywhere and every printer projects the objects. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "opsdeck/http.h"

#include "fuzz_fake_client.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* Visit rows (exercises the sort). */
static int
fuzz_visit(size_t cluster, const struct row *r, void *arg)
{
	size_t *n = arg;

	(*n) += strlen(r->name) + cluster;
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct line_splitter sp;
	struct client c;
	struct reflector *r;
	const struct kind *k;
	size_t chunk, off = 0, n = 0;

	if (size < 2)
		return 0;
	k = kind_find(fuzz_kinds[data[1] % (FUZZ_NKINDS - 2)]);	/* not the polled ones */
	if (k == NULL)
		return 0;
	chunk = (size_t)(data[0] % 31) + 1;
	fuzz_client_init(&c, 0);
	r = reflector_alloc(&c, 0, k, NULL, NULL);
	splitter_init(&sp, (size_t)(data[0] & 0xe0) * 8 + 64);
	data += 2;
	size -= 2;
	while (off < size) {
		size_t take = size - off < chunk ? size - off : chunk;

		/* non-zero: the watch ends (as the request would) */
		if (splitter_feed(&sp, (const char *)data + off, take, reflector_event, r) != 0)
			break;
		off += take;
	}
	store_foreach(c.store, SIZE_MAX, k->resource, NULL, fuzz_visit, &n);
	store_foreach(c.store, 0, k->resource, "default", fuzz_visit, &n);
	splitter_free(&sp);
	reflector_free(r);
	store_free(c.store);
	return 0;
}
