/* A faster json_loadb for the bytes the client reads most: list items and
 * watch events. It builds the same jansson values json_loadb builds and
 * accepts and refuses the same documents (flags 0 or JSON_DECODE_ANY; no
 * others), in one pass over the buffer with no per-byte stream calls:
 * strings without escapes are made straight from the input. Everything
 * else (actions, YAML views, configuration) keeps json_loadb.
 *
 * A projection keeps only the members a reader needs: the others are
 * checked as they are read (a document is accepted or refused all the
 * same) but never built. */
#ifndef OPSDECK_JSONLOAD_H
#define OPSDECK_JSONLOAD_H

#include <stddef.h>

#include <jansson.h>

/* The members of an object to keep: a list ended by a NULL key. A member
 * named by an entry is kept with the entry's sub-projection (NULL: all of
 * it; json_proj_drop: not at all); "*" stands for every member no other
 * entry names; any other member is left out. A projection applies to
 * the objects in an array as it does to an object (arrays themselves and
 * scalars are always kept whole). */
struct json_proj {
	const char		*key;
	const struct json_proj	*sub;
};

/* The sub-projection that leaves a member out. */
extern const struct json_proj json_proj_drop[];

/* The value in buf[0..len), or NULL with err->text (and err->position,
 * the byte offset) saying why; err may be NULL. */
json_t	*json_load_fast(const char *buf, size_t len, size_t flags, json_error_t *err);
/* The same with proj applied (NULL: everything kept). */
json_t	*json_load_proj(const char *buf, size_t len, size_t flags,
	    const struct json_proj *proj, json_error_t *err);
/* A new copy of v with proj applied (NULL: all of v), the value
 * json_load_proj makes from v's text. */
json_t	*json_project(json_t *v, const struct json_proj *proj);

#endif
