/* A list response read as it arrives: each element of the top-level
 * "items" array is handed over on its own as soon as it is complete, so
 * memory holds one object at a time, never the whole page or its tree.
 * Everything outside the items (kind, metadata with continue and
 * resourceVersion) is kept as a small JSON document whose items array is
 * empty. Both are capped: an item over max_object bytes, or more than
 * max_object bytes outside the items, stops the scan. */
#ifndef OPSDECK_LISTSCAN_H
#define OPSDECK_LISTSCAN_H

#include <stdbool.h>
#include <stddef.h>

struct list_scan {
	size_t	 max;		/* per-object cap */
	char	*item;		/* the element being read */
	size_t	 item_len;
	size_t	 item_cap;
	char	*rest;		/* everything but the elements */
	size_t	 rest_len;
	size_t	 rest_cap;
	size_t	 depth;		/* brackets open */
	bool	 in_str;
	bool	 esc;
	bool	 in_items;	/* inside the top-level items array */
	bool	 key_items;	/* the last string at depth 1 was "items" */
	bool	 want_items;	/* ... and a ':' followed it */
	char	 key[8];	/* a depth-1 string's first bytes */
	size_t	 key_len;
	size_t	 nitems;	/* elements handed over */
	bool	 stopped;	/* a cap was hit or on_item said stop */
	char	*error;		/* why the scan stopped, or NULL */
};

void	 list_scan_init(struct list_scan *, size_t max_object);
void	 list_scan_free(struct list_scan *);
/* Feed len bytes; on_item runs for each complete element (not
 * NUL-terminated; item[len] is readable). Returns 0, -1 if a cap was hit
 * (error says which), or on_item's non-zero return, which stops the scan.
 * After a non-zero return every later feed returns -1. */
int	 list_scan_feed(struct list_scan *, const char *data, size_t len,
	    int (*on_item)(const char *item, size_t len, void *arg), void *arg);
/* The document without its items ("" if nothing came); *len its length. */
const char *list_scan_rest(const struct list_scan *, size_t *len);

#endif
