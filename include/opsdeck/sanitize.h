/* Untrusted text (anything from a cluster, an alert or a log) made safe for
 * a terminal: no byte sequence in the result can change terminal state. */
#ifndef OPSDECK_SANITIZE_H
#define OPSDECK_SANITIZE_H

#include <stddef.h>
#include <stdint.h>

enum sanitize_flag {
	SAN_KEEP_NEWLINE = 0x1,	/* keep \n (multi-line views: describe, logs) */
	SAN_KEEP_TAB	 = 0x2,	/* keep \t */
};

/* Return a new string: ESC, other C0 controls, DEL, C1 controls (U+0080–U+009F),
 * bidi overrides and isolates (U+202A–U+202E, U+2066–U+2069), invisible
 * format characters (zero-width space and joiners U+200B–U+200F, word joiner
 * U+2060–U+2064, BOM U+FEFF, soft hyphen, tags U+E0000–U+E007F, Hangul
 * fillers, ...) and invalid UTF-8 become visible escapes ("\x1b", "\u202e",
 * "\U000e0041"); CR becomes "\r" text. Invalid
 * UTF-8 (stray or raw C1 bytes 0x80-0x9f, overlong forms, surrogates, values
 * above U+10FFFF, truncated sequences) is escaped one byte at a time ("\x9b").
 * A newline becomes "\n" text unless SAN_KEEP_NEWLINE; a tab becomes one
 * space unless SAN_KEEP_TAB. Valid printable UTF-8 and backslashes are kept
 * as they are. s may be NULL (len ignored): the result is "". Caller frees. */
char	*sanitize(const char *s, size_t len, unsigned flags);
/* Same for a NUL-terminated string. */
char	*sanitize_str(const char *s, unsigned flags);
/* True if s (len bytes) needs no change under flags. */
int	 sanitize_is_clean(const char *s, size_t len, unsigned flags);
/* Terminal display width of UTF-8 s (wcwidth per code point in a UTF-8
 * locale, whatever the process locale is; controls count 0, invalid bytes
 * and unassigned code points 1). Thread-safe. */
size_t	 display_width(const char *s);
/* Decode one strict UTF-8 sequence at s (avail bytes); returns its length
 * and sets *cp, or 0 if the bytes at s do not start a valid sequence
 * (stray continuation, overlong form, surrogate, above U+10FFFF,
 * truncated): the strings jansson takes are those that decode throughout. */
size_t	 utf8_decode(const unsigned char *s, size_t avail, uint32_t *cp);

#endif
