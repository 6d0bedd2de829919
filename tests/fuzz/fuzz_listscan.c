/* Fuzz target: the list scanner (lib/listscan.c). The first byte picks a
 * chunk size; the rest is a list page, scanned whole and again in chunks of
 * that size. Both scans must hand over the same items and leave the same
 * rest (or stop at the same point), and no item or rest may pass the cap. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "opsdeck/listscan.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* A running digest of the items handed over. */
struct digest {
	uint64_t	h;
	size_t		n;
	size_t		max;
};

static int
take(const char *item, size_t len, void *arg)
{
	struct digest *d = arg;
	size_t i;

	if (len > d->max)
		abort();
	for (i = 0; i < len; i++)
		d->h = (d->h ^ (unsigned char)item[i]) * 1099511628211u;
	d->h = (d->h ^ 0x100) * 1099511628211u;	/* item boundary */
	d->n++;
	return d->n >= 64 ? 1 : 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct list_scan a, b;
	struct digest da = { 14695981039346656037u, 0, 256 }, db = da;
	const char *p;
	size_t chunk, off, n, la, lb;
	int ra, rb = 0;

	if (size < 1)
		return 0;
	chunk = (size_t)data[0] % 17 + 1;
	p = (const char *)data + 1;
	size--;
	list_scan_init(&a, 256);
	list_scan_init(&b, 256);
	ra = list_scan_feed(&a, p, size, take, &da);
	for (off = 0; off < size && rb == 0; off += n) {
		n = size - off < chunk ? size - off : chunk;
		rb = list_scan_feed(&b, p + off, n, take, &db);
	}
	if (ra != rb || da.n != db.n || da.h != db.h || (a.error == NULL) != (b.error == NULL))
		abort();
	if (ra == 0) {
		const char *x = list_scan_rest(&a, &la), *y = list_scan_rest(&b, &lb);

		if (la != lb || memcmp(x, y, la) != 0 || la > 256)
			abort();
	}
	list_scan_free(&a);
	list_scan_free(&b);
	return 0;
}
