/* Fuzz target: list responses and Alertmanager poll responses through the
 * real decoders (reflector_list_done, reflector_poll_done) into the store.
 * The input is up to four pages separated by 0xff bytes; each page's first
 * byte picks the HTTP status, the rest is the body. The first byte of the
 * input picks the kind and whether the run is one-shot (get) or the
 * console's. Each next page answers the list request the reflector made
 * (another page, a relist, a one-shot retry); other requests it starts
 * (watch) fail on the loop's next turn. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "fuzz_fake_client.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static const long statuses[] = { 200, 200, 200, 200, 404, 410, 429, 500, 503, 403, 401, 302 };

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct client c;
	struct reflector *r;
	const struct kind *k;
	struct cresult res;
	const uint8_t *end = data + size, *p = data + 1;
	int pages, last;

	if (size < 1)
		return 0;
	k = kind_find(fuzz_kinds[(data[0] & 0x7f) % FUZZ_NKINDS]);
	if (k == NULL)
		return 0;
	fuzz_client_init(&c, data[0] & 0x80);
	r = reflector_alloc(&c, 0, k, (data[0] & 0x40) ? "default" : NULL, NULL);
	for (pages = 0; pages < 4 && fuzz_next_answer(&p, end, statuses,
	    sizeof statuses / sizeof statuses[0], &res, &last); pages++) {
		if (k->source == KIND_ALERTMANAGER)
			reflector_poll_done(&res, r);
		else
			reflector_list_done(&res, r);
		/* the next page answers the page request r made, if any */
		if (last || !fuzz_client_next_page(&c, r))
			break;
	}
	reflector_free(r);
	store_free(c.store);
	return 0;
}
