/* Fuzz target: metrics.k8s.io poll answers (PodMetricsList,
 * NodeMetricsList) through the real decoder (reflector_poll_done: the
 * list scanner, the usage check, the store). The input is up to four
 * answers separated by 0xff bytes; each answer's first byte picks the
 * HTTP status, the rest is the body. The first byte of the input picks
 * pod or node usage, a namespace or all, and whether the run is one-shot
 * (get) or the console's. Each next answer answers the poll the reflector
 * makes next, so later answers meet the rows earlier ones left (a usage
 * unchanged, moved, gone). */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "fuzz_fake_client.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static const long statuses[] = { 200, 200, 200, 200, 200, 404, 429, 500, 403, 401, 204 };

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct client c;
	struct reflector *r;
	const struct kind *k;
	struct cresult res;
	const uint8_t *end = data + size, *p = data + 1;
	int polls, last;

	if (size < 1)
		return 0;
	k = kind_find((data[0] & 1) ? "nodes.metrics.k8s.io" : "pods.metrics.k8s.io");
	if (k == NULL)
		return 0;
	fuzz_client_init(&c, data[0] & 0x80);
	r = reflector_alloc(&c, 0, k, (data[0] & 0x40) ? "default" : NULL, NULL);
	for (polls = 0; polls < 4 && fuzz_next_answer(&p, end, statuses,
	    sizeof statuses / sizeof statuses[0], &res, &last); polls++) {
		reflector_poll_done(&res, r);
		if (last)
			break;
		/* the console polls again at once (a period of 0); a one-shot
		 * run is done */
		if (!reflector_take_list(r) &&
		    loop_run_until(fuzz_loop, fuzz_listing, r, 0.0002) != 0)
			break;
	}
	reflector_free(r);
	store_free(c.store);
	(void)fuzz_client_next_page;
	return 0;
}
