/* A growing byte buffer (opsdeck/buf.h). */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "opsdeck/buf.h"
#include "opsdeck/xmalloc.h"

void
buf_add(struct buf *b, const void *s, size_t n)
{
	const unsigned char *p = s;
	size_t need;
	bool cut = false;

	if (b->full)
		return;
	if (b->max != 0 && b->len + n > b->max) {
		n = b->max - b->len;
		/* cut on a UTF-8 character boundary */
		while (n > 0 && (p[n] & 0xc0) == 0x80)
			n--;
		cut = true;
	}
	need = b->len + n + (cut ? 3 : 0) + 1;
	if (need > b->cap) {
		b->cap = need + b->cap;
		if (b->max != 0 && b->cap > b->max + 4)
			b->cap = b->max + 4;
		b->p = xrealloc(b->p, b->cap);
	}
	if (n > 0)
		memcpy(b->p + b->len, p, n);
	b->len += n;
	if (cut) {
		memcpy(b->p + b->len, "...", 3);
		b->len += 3;
		b->full = true;
	}
	b->p[b->len] = '\0';
}

void
buf_str(struct buf *b, const char *s)
{
	if (s != NULL)
		buf_add(b, s, strlen(s));
}

void
buf_printf(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	s = xvasprintf(fmt, ap);
	va_end(ap);
	buf_str(b, s);
	free(s);
}

char *
buf_take(struct buf *b)
{
	char *s = b->p != NULL ? b->p : xstrdup("");
	size_t max = b->max;

	memset(b, 0, sizeof *b);
	b->max = max;
	return s;
}

void
buf_free(struct buf *b)
{
	free(b->p);
	b->p = NULL;
	b->len = b->cap = 0;
	b->full = false;
}
