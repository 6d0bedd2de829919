/* A string-keyed hash map of pointers (chained, FNV-1a, doubled as it
 * fills): the one map the console's store, the headless commands and the
 * drill's controllers keep their entries in. Keys are copied; values are
 * the caller's. Visiting order follows the hash, so it is the same from run
 * to run for the same keys and insertions. */
#ifndef OPSDECK_MAP_H
#define OPSDECK_MAP_H

#include <stddef.h>
#include <stdint.h>

struct map;

/* Stable 32-bit FNV-1a of s (the map's hash; also a seed for the drill). */
uint32_t	 fnv1a32(const char *s);

struct map	*map_new(void);
/* Free the map; freefn (may be NULL) is called on each value. */
void		 map_free(struct map *, void (*freefn)(void *));
void		*map_get(const struct map *, const char *key);
/* Insert or replace; returns the previous value (or NULL). */
void		*map_put(struct map *, const char *key, void *val);
/* Remove and return the value (or NULL). */
void		*map_take(struct map *, const char *key);
/* Call cb for each entry; if cb returns non-zero the entry is removed (its
 * value must have been freed by cb). */
void		 map_sweep(struct map *, int (*cb)(const char *key, void *val, void *arg),
		    void *arg);
size_t		 map_count(const struct map *);

#endif
