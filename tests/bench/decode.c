/* make bench's decode figure: list pages captured from the drill, each
 * decoded the way the client keeps them (the reflector's list decoder into
 * the store: scanned item by item, projected into rows, sanitised) and, on
 * the same bytes, by json_loadb alone (a DOM and nothing kept). Prints
 * "client MBPS json_loadb MBPS ROWS" from CPU time of this process, so a
 * busy machine slows neither side more than the other.
 * Usage: decode ROUNDS PAGE... */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "fuzz_fake_client.h"

static double
cpu_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static char *
slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;

	if (f == NULL || fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0) {
		fprintf(stderr, "decode: cannot read %s\n", path);
		exit(1);
	}
	rewind(f);
	buf = malloc((size_t)n + 1);
	if (buf == NULL || fread(buf, 1, (size_t)n, f) != (size_t)n) {
		fprintf(stderr, "decode: cannot read %s\n", path);
		exit(1);
	}
	buf[n] = '\0';
	fclose(f);
	*len = (size_t)n;
	return buf;
}

int
main(int argc, char **argv)
{
	const struct kind *k = kind_find("pods");
	struct client c;
	struct reflector *r;
	struct cresult res;
	char **page;
	size_t *len, total = 0, rows = 0;
	double t0, t_client = 0, t_dom = 0;
	json_t *doc;
	int rounds, i, j;

	if (argc < 3 || (rounds = atoi(argv[1])) < 1) {
		fprintf(stderr, "usage: decode ROUNDS PAGE...\n");
		return 2;
	}
	page = calloc((size_t)argc, sizeof *page);
	len = calloc((size_t)argc, sizeof *len);
	for (j = 2; j < argc; j++) {
		page[j] = slurp(argv[j], &len[j]);
		total += len[j];
	}
	for (i = 0; i < rounds; i++) {
		fuzz_client_init(&c, 1);
		r = reflector_alloc(&c, 0, k, NULL, NULL);
		t0 = cpu_now();
		for (j = 2; j < argc; j++) {
			memset(&res, 0, sizeof res);
			res.status = 200;
			res.retry_after = -1;
			res.body = page[j];
			res.len = len[j];
			reflector_list_done(&res, r);
			fuzz_client_next_page(&c, r);
		}
		t_client += cpu_now() - t0;
		rows = store_count(c.store, 0, "pods");
		reflector_free(r);
		store_free(c.store);

		t0 = cpu_now();
		for (j = 2; j < argc; j++) {
			doc = json_loadb(page[j], len[j], 0, NULL);
			if (doc == NULL) {
				fprintf(stderr, "decode: %s is not JSON\n", argv[j]);
				return 1;
			}
			json_decref(doc);
		}
		t_dom += cpu_now() - t0;
	}
	printf("%.1f %.1f %zu\n", (double)total * rounds / 1e6 / t_client,
	    (double)total * rounds / 1e6 / t_dom, rows);
	for (j = 2; j < argc; j++)
		free(page[j]);
	free(page);
	free(len);
	return 0;
}
