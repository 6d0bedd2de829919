/* Fuzz target: the watch stream splitter and event decoding into the
 * store. The first input byte picks the chunk size and line cap, so cuts
 * land anywhere; each line is decoded as a watch event and applied as the
 * reflector applies it (upsert, remove, relist). */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <jansson.h>

#include "opsdeck/http.h"
#include "opsdeck/store.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* Where events go. */
struct fuzz_state {
	struct store	*store;
	size_t		 cluster;
};

/* Apply one line as a watch event. */
static int
fuzz_line(const char *line, size_t len, void *arg)
{
	struct fuzz_state *fs = arg;
	json_t *ev = json_loadb(line, len, 0, NULL), *obj;
	const char *type;

	if (ev == NULL)
		return 0;
	type = json_string_value(json_object_get(ev, "type"));
	obj = json_object_get(ev, "object");
	if (type != NULL && json_is_object(obj)) {
		if (strcmp(type, "DELETED") == 0)
			store_remove(fs->store, fs->cluster, "pods", obj);
		else if (strcmp(type, "ERROR") == 0) {
			store_relist_begin(fs->store, fs->cluster, "pods");
			store_relist_end(fs->store, fs->cluster, "pods");
		} else {
			store_upsert(fs->store, fs->cluster, "pods", obj);
			store_upsert(fs->store, fs->cluster, "deployments", obj);
			store_upsert(fs->store, fs->cluster, "alerts", obj);
		}
	}
	json_decref(ev);
	return 0;
}

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
	struct fuzz_state fs;
	size_t chunk, off = 0, n = 0;

	if (size < 1)
		return 0;
	chunk = (size_t)(data[0] % 31) + 1;
	fs.store = store_new();
	fs.cluster = store_add_cluster(fs.store, "fuzz");
	splitter_init(&sp, (size_t)(data[0] & 0xe0) * 8 + 64);
	data++;
	size--;
	while (off < size) {
		size_t take = size - off < chunk ? size - off : chunk;

		if (splitter_feed(&sp, (const char *)data + off, take, fuzz_line, &fs) != 0)
			break;
		off += take;
	}
	store_foreach(fs.store, SIZE_MAX, "pods", NULL, fuzz_visit, &n);
	store_foreach(fs.store, 0, "alerts", NULL, fuzz_visit, &n);
	splitter_free(&sp);
	store_free(fs.store);
	return 0;
}
