/* The string-keyed hash map (opsdeck/map.h). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "opsdeck/map.h"
#include "opsdeck/xmalloc.h"

/* One entry of a bucket chain. */
struct map_ent {
	char		*key;
	void		*val;
	struct map_ent	*next;
};

/* String-keyed chained hash map. */
struct map {
	struct map_ent	**b;
	size_t		  nb;
	size_t		  n;
};

/* Stable 32-bit FNV-1a of s. */
uint32_t
fnv1a32(const char *s)
{
	uint32_t	h = 2166136261u;

	for (; *s != '\0'; s++) {
		h ^= (unsigned char)*s;
		h *= 16777619u;
	}
	return h;
}

/* Create an empty map. */
struct map *
map_new(void)
{
	struct map	*m;

	m = xcalloc(1, sizeof *m);
	m->nb = 64;
	m->b = xcalloc(m->nb, sizeof *m->b);
	return m;
}

/* Free the map and optionally its values. */
void
map_free(struct map *m, void (*freefn)(void *))
{
	struct map_ent	*e, *next;
	size_t		 i;

	if (m == NULL)
		return;
	for (i = 0; i < m->nb; i++) {
		for (e = m->b[i]; e != NULL; e = next) {
			next = e->next;
			if (freefn != NULL)
				freefn(e->val);
			free(e->key);
			free(e);
		}
	}
	free(m->b);
	free(m);
}

/* Double the bucket count. */
static void
map_grow(struct map *m)
{
	struct map_ent	**nb, *e, *next;
	size_t		  i, n = m->nb * 2, h;

	nb = xcalloc(n, sizeof *nb);
	for (i = 0; i < m->nb; i++) {
		for (e = m->b[i]; e != NULL; e = next) {
			next = e->next;
			h = fnv1a32(e->key) % n;
			e->next = nb[h];
			nb[h] = e;
		}
	}
	free(m->b);
	m->b = nb;
	m->nb = n;
}

/* Look up key. */
void *
map_get(const struct map *m, const char *key)
{
	struct map_ent	*e;

	for (e = m->b[fnv1a32(key) % m->nb]; e != NULL; e = e->next) {
		if (strcmp(e->key, key) == 0)
			return e->val;
	}
	return NULL;
}

/* Insert or replace key. */
void *
map_put(struct map *m, const char *key, void *val)
{
	struct map_ent	*e;
	void		*old;
	size_t		 h;

	h = fnv1a32(key) % m->nb;
	for (e = m->b[h]; e != NULL; e = e->next) {
		if (strcmp(e->key, key) == 0) {
			old = e->val;
			e->val = val;
			return old;
		}
	}
	if (m->n >= m->nb * 2) {
		map_grow(m);
		h = fnv1a32(key) % m->nb;
	}
	e = xcalloc(1, sizeof *e);
	e->key = xstrdup(key);
	e->val = val;
	e->next = m->b[h];
	m->b[h] = e;
	m->n++;
	return NULL;
}

/* Remove key and return its value. */
void *
map_take(struct map *m, const char *key)
{
	struct map_ent	**pp, *e;
	void		 *val;

	for (pp = &m->b[fnv1a32(key) % m->nb]; *pp != NULL; pp = &(*pp)->next) {
		e = *pp;
		if (strcmp(e->key, key) == 0) {
			*pp = e->next;
			val = e->val;
			free(e->key);
			free(e);
			m->n--;
			return val;
		}
	}
	return NULL;
}

/* Visit every entry, removing those cb returns non-zero for. */
void
map_sweep(struct map *m, int (*cb)(const char *, void *, void *), void *arg)
{
	struct map_ent	**pp, *e;
	size_t		  i;

	for (i = 0; i < m->nb; i++) {
		pp = &m->b[i];
		while (*pp != NULL) {
			e = *pp;
			if (cb(e->key, e->val, arg) != 0) {
				*pp = e->next;
				free(e->key);
				free(e);
				m->n--;
			} else
				pp = &e->next;
		}
	}
}

/* Number of entries. */
size_t
map_count(const struct map *m)
{
	return m->n;
}
