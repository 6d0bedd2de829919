/* Untrusted text (anything from a cluster, an alert or a log) made safe for
 * a terminal: no byte sequence in the result can change terminal state. */
#ifndef OPSDECK_SANITIZE_H
#define OPSDECK_SANITIZE_H

#include <stddef.h>

enum sanitize_flag {
	SAN_KEEP_NEWLINE = 0x1,	/* keep \n (multi-line views: describe, logs) */
	SAN_KEEP_TAB	 = 0x2,	/* keep \t */
};

/* Return a new string: ESC, other C0 controls, DEL, C1 controls (U+0080–U+009F),
 * bidi overrides and isolates (U+202A–U+202E, U+2066–U+2069) and invalid UTF-8
 * become visible escapes ("\x1b", "\u202e"); CR becomes "\r" text. Valid
 * printable UTF-8 is kept. Caller frees. */
char	*sanitize(const char *s, size_t len, unsigned flags);
/* Same for a NUL-terminated string. */
char	*sanitize_str(const char *s, unsigned flags);
/* True if s (len bytes) needs no change under flags. */
int	 sanitize_is_clean(const char *s, size_t len, unsigned flags);
/* Terminal display width of valid UTF-8 s (wcwidth per code point). */
size_t	 display_width(const char *s);

#endif
