/* Untrusted text made safe for a terminal, and its display width. */
#include <locale.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <wchar.h>

#include "opsdeck/sanitize.h"
#include "opsdeck/xmalloc.h"

/* What to do with one decoded unit of input. */
enum san_action {
	SAN_COPY,	/* copy the bytes as they are */
	SAN_BYTE,	/* one byte shown as "\xNN" */
	SAN_CODE,	/* one code point shown as "\uNNNN" */
	SAN_CR,		/* "\r" */
	SAN_LF,		/* "\n" */
	SAN_SPACE,	/* one space (a tab without SAN_KEEP_TAB) */
};

/* Decode one strict UTF-8 sequence (sanitize.h). */
size_t
utf8_decode(const unsigned char *s, size_t avail, uint32_t *cp)
{
	uint32_t c;
	size_t n, i;

	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		n = 2;
		c = s[0] & 0x1f;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		n = 3;
		c = s[0] & 0x0f;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		n = 4;
		c = s[0] & 0x07;
	} else
		return 0;
	if (avail < n)
		return 0;
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (s[i] & 0x3f);
	}
	if ((n == 3 && c < 0x800) || (n == 4 && c < 0x10000))
		return 0;			/* overlong */
	if (c >= 0xd800 && c <= 0xdfff)
		return 0;			/* UTF-16 surrogate */
	if (c > 0x10ffff)
		return 0;
	*cp = c;
	return n;
}

/* True for code points that reorder or hide text: bidi embeddings,
 * overrides and isolates. */
static int
is_bidi_control(uint32_t cp)
{
	return (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069);
}

/* True for code points that draw nothing yet change what text means or
 * how it compares: zero-width spaces and joiners, the word joiner and
 * invisible operators, the byte order mark, soft hyphen, other format
 * characters (Unicode category Cf), tag characters and the Hangul fillers
 * that pass for blanks. "pro\u200bd" is not "prod": it is shown so. */
static int
is_invisible(uint32_t cp)
{
	return cp == 0xad || cp == 0x34f || (cp >= 0x600 && cp <= 0x605) || cp == 0x61c ||
	    cp == 0x6dd || cp == 0x70f || cp == 0x115f || cp == 0x1160 || cp == 0x17b4 ||
	    cp == 0x17b5 || cp == 0x180e || (cp >= 0x200b && cp <= 0x200f) ||
	    (cp >= 0x2060 && cp <= 0x2064) || (cp >= 0x206a && cp <= 0x206f) ||
	    cp == 0x3164 || cp == 0xfeff || cp == 0xffa0 || (cp >= 0xfff9 && cp <= 0xfffb) ||
	    cp == 0x110bd || cp == 0x110cd || (cp >= 0x1bca0 && cp <= 0x1bca3) ||
	    (cp >= 0x1d173 && cp <= 0x1d17a) || (cp >= 0xe0000 && cp <= 0xe007f);
}

/* Classify the unit at s; sets *used to the bytes it spans and *cp. */
static enum san_action
classify(const unsigned char *s, size_t avail, unsigned flags, size_t *used,
    uint32_t *cp)
{
	size_t n;

	n = utf8_decode(s, avail, cp);
	if (n == 0) {
		*used = 1;
		*cp = s[0];
		return SAN_BYTE;
	}
	*used = n;
	if (*cp == '\t')
		return (flags & SAN_KEEP_TAB) ? SAN_COPY : SAN_SPACE;
	if (*cp == '\n')
		return (flags & SAN_KEEP_NEWLINE) ? SAN_COPY : SAN_LF;
	if (*cp == '\r')
		return SAN_CR;
	if (*cp < 0x20 || *cp == 0x7f)
		return SAN_BYTE;
	if ((*cp >= 0x80 && *cp <= 0x9f) || is_bidi_control(*cp) || is_invisible(*cp))
		return SAN_CODE;
	return SAN_COPY;
}

/* Escape everything that could change terminal state. */
char *
sanitize(const char *s, size_t len, unsigned flags)
{
	const unsigned char *p = (const unsigned char *)s;
	char *out, *o;
	size_t i, used;
	uint32_t cp;

	if (s == NULL)
		len = 0;
	/* Most text a cluster sends is printable ASCII: copied as it is, in a
	 * buffer of its own size. */
	for (i = 0; i < len && p[i] >= 0x20 && p[i] < 0x7f; i++)
		;
	if (i == len) {
		out = xmalloc(len + 1);
		memcpy(out, p, len);
		out[len] = '\0';
		return out;
	}
	/* Worst case: every byte becomes "\xNN" (4 bytes); a code point of
	 * 2 or 3 bytes becomes "\uNNNN" (6 bytes), still at most 4 per byte. */
	if (len > (SIZE_MAX - 1) / 4)
		fatal("sanitize: string too long");
	out = xmalloc(len * 4 + 1);
	memcpy(out, p, i);	/* the printable ASCII before the first other byte */
	o = out + i;
	for (; i < len; i += used) {
		if (p[i] >= 0x20 && p[i] < 0x7f) {
			*o++ = (char)p[i];
			used = 1;
			continue;
		}
		switch (classify(p + i, len - i, flags, &used, &cp)) {
		case SAN_COPY:
			memcpy(o, p + i, used);
			o += used;
			break;
		case SAN_BYTE:
			o += snprintf(o, 5, "\\x%02x", (unsigned)cp);
			break;
		case SAN_CODE:
			/* 6 bytes out of 2 or 3 in; 10 ("\U000e0041") out of 4 */
			if (cp > 0xffff)
				o += snprintf(o, 11, "\\U%08x", (unsigned)cp);
			else
				o += snprintf(o, 7, "\\u%04x", (unsigned)cp);
			break;
		case SAN_CR:
			memcpy(o, "\\r", 2);
			o += 2;
			break;
		case SAN_LF:
			memcpy(o, "\\n", 2);
			o += 2;
			break;
		case SAN_SPACE:
			*o++ = ' ';
			break;
		}
	}
	*o = '\0';
	/* give back what the worst case reserved */
	return xrealloc(out, (size_t)(o - out) + 1);
}

/* sanitize() for a NUL-terminated string. */
char *
sanitize_str(const char *s, unsigned flags)
{
	return sanitize(s, s == NULL ? 0 : strlen(s), flags);
}

/* True if sanitize() would return s unchanged. */
int
sanitize_is_clean(const char *s, size_t len, unsigned flags)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i, used;
	uint32_t cp;

	for (i = 0; i < len; i += used) {
		if (p[i] >= 0x20 && p[i] < 0x7f) {
			used = 1;
			continue;
		}
		if (classify(p + i, len - i, flags, &used, &cp) != SAN_COPY)
			return 0;
	}
	return 1;
}

/* A UTF-8 LC_CTYPE locale for wcwidth, whatever the process locale is. */
static locale_t		 width_locale = (locale_t)0;
static pthread_once_t	 width_once = PTHREAD_ONCE_INIT;

/* Open the first UTF-8 locale the system has. */
static void
width_locale_init(void)
{
	static const char *names[] = { "C.UTF-8", "C.utf8", "en_US.UTF-8", "en_US.utf8" };
	size_t i;

	for (i = 0; i < sizeof names / sizeof names[0]; i++) {
		width_locale = newlocale(LC_CTYPE_MASK, names[i], (locale_t)0);
		if (width_locale != (locale_t)0)
			return;
	}
}

/* Width of cp when no UTF-8 locale exists: wide for the main East Asian
 * blocks, zero for combining marks and zero-width characters, else one. */
static int
fallback_width(uint32_t cp)
{
	if ((cp >= 0x300 && cp <= 0x36f) || (cp >= 0x200b && cp <= 0x200f) ||
	    (cp >= 0xfe00 && cp <= 0xfe0f))
		return 0;
	if ((cp >= 0x1100 && cp <= 0x115f) || (cp >= 0x2e80 && cp <= 0xa4cf) ||
	    (cp >= 0xac00 && cp <= 0xd7a3) || (cp >= 0xf900 && cp <= 0xfaff) ||
	    (cp >= 0xfe30 && cp <= 0xfe4f) || (cp >= 0xff00 && cp <= 0xff60) ||
	    (cp >= 0xffe0 && cp <= 0xffe6) || (cp >= 0x1f300 && cp <= 0x1f64f) ||
	    (cp >= 0x1f900 && cp <= 0x1f9ff) || (cp >= 0x20000 && cp <= 0x3fffd))
		return 2;
	return 1;
}

/* Terminal columns taken by s. */
size_t
display_width(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	locale_t old = (locale_t)0;
	size_t len, i, n, width = 0;
	uint32_t cp;
	int w;

	if (s == NULL)
		return 0;
	pthread_once(&width_once, width_locale_init);
	if (width_locale != (locale_t)0)
		old = uselocale(width_locale);
	len = strlen(s);
	for (i = 0; i < len; i += n) {
		n = utf8_decode(p + i, len - i, &cp);
		if (n == 0) {
			n = 1;
			width++;	/* a stray byte: terminals show one cell */
			continue;
		}
		if (cp < 0x20 || (cp >= 0x7f && cp <= 0x9f))
			continue;
		if (width_locale != (locale_t)0)
			w = wcwidth((wchar_t)cp);
		else
			w = fallback_width(cp);
		if (w < 0)
			w = 1;		/* unassigned: one cell in practice */
		width += (size_t)w;
	}
	if (width_locale != (locale_t)0)
		uselocale(old);
	return width;
}
