/* A list response read as it arrives, one item at a time (listscan.h).
 *
 * The scanner follows JSON's strings and brackets only; it does not
 * validate. Elements go to the caller, who parses each one; the rest of
 * the document is parsed at the end. Malformed input therefore fails in
 * the caller's parser, on one item or on the rest, never here. */
#include <stdlib.h>
#include <string.h>

#include "opsdeck/bytescan.h"
#include "opsdeck/listscan.h"
#include "opsdeck/xmalloc.h"

/* Set up a scanner. */
void
list_scan_init(struct list_scan *s, size_t max_object)
{
	memset(s, 0, sizeof *s);
	s->max = max_object;
}

/* Free a scanner's buffers. */
void
list_scan_free(struct list_scan *s)
{
	free(s->item);
	free(s->rest);
	free(s->error);
	memset(s, 0, sizeof *s);
}

/* Append c to buf within cap bytes; false if it would go over. */
static bool
scan_put(char **buf, size_t *len, size_t *cap, size_t max, char c)
{
	if (*len >= max)
		return false;
	if (*len + 2 > *cap) {
		size_t n = *cap ? *cap * 2 : 4096;

		if (n > max + 1)
			n = max + 1;
		*buf = xrealloc(*buf, n);
		*cap = n;
	}
	(*buf)[(*len)++] = c;
	(*buf)[*len] = '\0';
	return true;
}

/* Append the n bytes at p to buf within cap bytes; false if they would go
 * over (then nothing is appended). */
static bool
scan_put_n(char **buf, size_t *len, size_t *cap, size_t max, const char *p, size_t n)
{
	if (n > max || *len > max - n)
		return false;
	if (*len + n + 1 > *cap) {
		size_t m = *cap ? *cap : 4096;

		while (m < *len + n + 1)
			m *= 2;
		if (m > max + 1)
			m = max + 1;
		*buf = xrealloc(*buf, m);
		*cap = m;
	}
	memcpy(*buf + *len, p, n);
	*len += n;
	(*buf)[*len] = '\0';
	return true;
}

/* Bytes that change nothing the scanner tracks: inside a string all but
 * '"' and '\\', outside one all but those and the structural characters.
 * Runs of them are copied at once. */
static const bool scan_special[256] = {
	['"'] = true, ['\\'] = true, [','] = true, [':'] = true,
	['{'] = true, ['}'] = true, ['['] = true, [']'] = true,
};

static size_t
scan_plain(const struct list_scan *s, const char *p, size_t n)
{
	size_t i = 0;

	if (s->in_str) {
		if (s->esc)
			return 0;
		while (i < n && p[i] != '"' && p[i] != '\\')
			i++;
		return i;
	}
	while (i < n && !scan_special[(unsigned char)p[i]])
		i++;
	return i;
}

/* A cap was hit: stop with the reason. */
static int
scan_over(struct list_scan *s, bool in_item)
{
	s->error = in_item ?
	    xasprintf("an object in the list is over %zu bytes (the per-object cap)", s->max) :
	    xasprintf("the list response is over %zu bytes outside its items (the per-object "
	    "cap)", s->max);
	s->stopped = true;
	return -1;
}

/* The index of the first '"' or '\\' in data[i..len), or len. */
static size_t
scan_string_run(const char *data, size_t i, size_t len)
{
#if BYTESCAN_WORDS
	while (len - i >= 8) {
		uint64_t w = bytescan_load(data + i), m;

		m = bytescan_eq(w, '"') | bytescan_eq(w, '\\');
		if (m != 0)
			return i + bytescan_first(m);
		i += 8;
	}
#endif
	while (i < len && data[i] != '"' && data[i] != '\\')
		i++;
	return i;
}

/* Hand over the element item[0..len) (if it is more than blanks). */
static int
scan_emit_at(struct list_scan *s, const char *item, size_t len,
    int (*on_item)(const char *, size_t, void *), void *arg)
{
	size_t i;

	for (i = 0; i < len; i++) {
		char c = item[i];

		if (c != ' ' && c != '\t' && c != '\n' && c != '\r')
			break;
	}
	if (i < len) {
		s->nitems++;
		return on_item(item, len, arg);
	}
	return 0;
}

/* Hand over the element read so far (if it is more than blanks). */
static int
scan_emit(struct list_scan *s, int (*on_item)(const char *, size_t, void *), void *arg)
{
	int rc = scan_emit_at(s, s->item, s->item_len, on_item, arg);

	s->item_len = 0;
	return rc;
}

/* Inside the items, from data[*pos]: follow strings and brackets, hand
 * over each element at the comma after it (straight from data when it is
 * all there, else through the item buffer), and stop at the end of data
 * or at a bracket closing the items' level, which the caller's byte loop
 * takes (with *pos on it). The bytes passed over belong to the element
 * being read. Returns 0, or non-zero as list_scan_feed does. */
static int
scan_items(struct list_scan *s, const char *data, size_t len, size_t *pos,
    int (*on_item)(const char *, size_t, void *), void *arg)
{
	size_t i = *pos, start = i;
	int rc;

	while (i < len) {
		char c = data[i];

		if (s->in_str) {
			if (s->esc) {
				s->esc = false;
				i++;
				continue;
			}
			i = scan_string_run(data, i, len);
			if (i == len)
				break;
			if (data[i] == '\\')
				s->esc = true;
			else
				s->in_str = false;
			i++;
			continue;
		}
		if (c == '"') {
			s->in_str = true;
		} else if (c == '{' || c == '[') {
			s->depth++;
		} else if (c == '}' || c == ']') {
			if (s->depth <= 2)
				break;
			s->depth--;
		} else if (c == ',' && s->depth == 2) {
			if (s->item_len == 0) {
				if (i - start > s->max)
					return scan_over(s, true);
				rc = scan_emit_at(s, data + start, i - start, on_item, arg);
			} else {
				if (!scan_put_n(&s->item, &s->item_len, &s->item_cap, s->max,
				    data + start, i - start))
					return scan_over(s, true);
				rc = scan_emit(s, on_item, arg);
			}
			if (rc != 0) {
				s->stopped = true;
				return rc;
			}
			start = i + 1;
		}
		i++;
	}
	if (!scan_put_n(&s->item, &s->item_len, &s->item_cap, s->max, data + start, i - start))
		return scan_over(s, true);
	*pos = i;
	return 0;
}

/* Track strings and brackets for byte c (already placed). */
static void
scan_track(struct list_scan *s, char c)
{
	if (s->in_str) {
		if (s->esc) {
			s->esc = false;
		} else if (c == '\\') {
			s->esc = true;
		} else if (c == '"') {
			s->in_str = false;
			if (s->depth == 1)
				s->key_items = s->key_len == 5 && memcmp(s->key, "items", 5) == 0;
		} else if (s->depth == 1 && s->key_len < sizeof s->key) {
			s->key[s->key_len++] = c;
		}
		return;
	}
	switch (c) {
	case '"':
		s->in_str = true;
		s->key_len = 0;
		break;
	case ':':
		if (s->depth == 1)
			s->want_items = s->key_items;
		break;
	case ',':
		if (s->depth == 1)
			s->want_items = false;
		break;
	case '{':
	case '[':
		s->depth++;
		if (s->depth == 2 && c == '[' && s->want_items)
			s->in_items = true;
		if (s->depth == 2)
			s->want_items = false;
		break;
	case '}':
	case ']':
		if (s->depth > 0)
			s->depth--;
		if (s->depth < 2)
			s->in_items = false;
		break;
	default:
		break;
	}
}

/* Feed bytes. */
int
list_scan_feed(struct list_scan *s, const char *data, size_t len,
    int (*on_item)(const char *, size_t, void *), void *arg)
{
	size_t i;
	int rc;

	if (s->stopped)
		return -1;
	for (i = 0; i < len; i++) {
		char c;
		bool to_item;
		size_t n;

		if (s->in_items && s->depth >= 2) {
			rc = scan_items(s, data, len, &i, on_item, arg);
			if (rc != 0)
				return rc;
			if (i == len)
				break;
		}
		c = data[i];
		to_item = s->in_items;
		n = scan_plain(s, data + i, len - i);

		if (n > 0) {
			/* a run that changes no state: one copy (a string at
			 * depth 1 may be a key: its first bytes are kept) */
			if (to_item ? !scan_put_n(&s->item, &s->item_len, &s->item_cap, s->max,
			    data + i, n) : !scan_put_n(&s->rest, &s->rest_len, &s->rest_cap,
			    s->max, data + i, n))
				return scan_over(s, to_item);
			if (s->in_str && s->depth == 1) {
				size_t k = sizeof s->key - s->key_len;

				k = k < n ? k : n;
				memcpy(s->key + s->key_len, data + i, k);
				s->key_len += k;
			}
			i += n - 1;
			continue;
		}
		if (s->in_items && s->depth == 2 && !s->in_str && (c == ',' || c == ']')) {
			/* between elements: hand over the one just read */
			rc = scan_emit(s, on_item, arg);
			if (rc != 0) {
				s->stopped = true;
				return rc;
			}
			if (c == ',')
				continue;
			to_item = false;	/* the ']' ending the items */
		}
		if (to_item ? !scan_put(&s->item, &s->item_len, &s->item_cap, s->max, c) :
		    !scan_put(&s->rest, &s->rest_len, &s->rest_cap, s->max, c))
			return scan_over(s, to_item);
		scan_track(s, c);
	}
	return 0;
}

/* The document without its items. */
const char *
list_scan_rest(const struct list_scan *s, size_t *len)
{
	if (len != NULL)
		*len = s->rest_len;
	return s->rest != NULL ? s->rest : "";
}
