/* A faster json_loadb for the bytes the client reads most: list items and
 * watch events. It builds the same jansson values json_loadb builds and
 * accepts and refuses the same documents (flags 0 or JSON_DECODE_ANY; no
 * others), in one pass over the buffer with no per-byte stream calls:
 * strings without escapes are made straight from the input. Everything
 * else (actions, YAML views, configuration) keeps json_loadb. */
#ifndef OPSDECK_JSONLOAD_H
#define OPSDECK_JSONLOAD_H

#include <stddef.h>

#include <jansson.h>

/* The value in buf[0..len), or NULL with err->text (and err->position,
 * the byte offset) saying why; err may be NULL. */
json_t	*json_load_fast(const char *buf, size_t len, size_t flags, json_error_t *err);

#endif
