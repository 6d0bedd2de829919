/* A growing byte buffer, always NUL-terminated: the one every module
 * builds text, bodies and replies in. With max set, appends past max bytes
 * are cut on a UTF-8 character boundary and the text ends in "...". */
#ifndef OPSDECK_BUF_H
#define OPSDECK_BUF_H

#include <stdbool.h>
#include <stddef.h>

struct buf {
	char	*p;		/* NULL until the first append */
	size_t	 len;
	size_t	 cap;
	size_t	 max;		/* 0: unbounded */
	bool	 full;		/* max was reached */
};

/* Append n bytes of s. */
void	 buf_add(struct buf *, const void *s, size_t n);
/* Append a C string (NULL appends nothing). */
void	 buf_str(struct buf *, const char *s);
/* Append formatted text. */
void	 buf_printf(struct buf *, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Hand the text over (never NULL: "" when empty); the buffer is empty
 * again, max kept. */
char	*buf_take(struct buf *);
/* Release the text. */
void	 buf_free(struct buf *);

#endif
