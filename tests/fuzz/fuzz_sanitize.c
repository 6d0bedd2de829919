/* Fuzz target: the sanitiser's output is valid UTF-8 with no C0 (except
 * the kept tab/newline), DEL, C1 or bidi control, and display_width and
 * sanitize_is_clean agree with it. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "opsdeck/sanitize.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* Check one output string; abort on any forbidden unit. */
static void
check_output(const char *out, unsigned flags)
{
	const unsigned char *p = (const unsigned char *)out;
	size_t i = 0, n, k, len = strlen(out);
	uint32_t cp;

	while (i < len) {
		if (p[i] < 0x80) {
			int kept = (p[i] == '\n' && (flags & SAN_KEEP_NEWLINE)) ||
			    (p[i] == '\t' && (flags & SAN_KEEP_TAB));

			if (!kept && (p[i] < 0x20 || p[i] == 0x7f))
				abort();
			i++;
			continue;
		}
		if (p[i] >= 0xc2 && p[i] <= 0xdf) {
			n = 2;
			cp = p[i] & 0x1f;
		} else if (p[i] >= 0xe0 && p[i] <= 0xef) {
			n = 3;
			cp = p[i] & 0x0f;
		} else if (p[i] >= 0xf0 && p[i] <= 0xf4) {
			n = 4;
			cp = p[i] & 0x07;
		} else
			abort();
		if (i + n > len)
			abort();
		for (k = 1; k < n; k++) {
			if ((p[i + k] & 0xc0) != 0x80)
				abort();
			cp = (cp << 6) | (p[i + k] & 0x3f);
		}
		if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000))
			abort();
		if ((cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
			abort();
		if (cp >= 0x80 && cp <= 0x9f)
			abort();
		if ((cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069))
			abort();
		i += n;
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const unsigned all[] = { 0, SAN_KEEP_NEWLINE, SAN_KEEP_TAB,
	    SAN_KEEP_NEWLINE | SAN_KEEP_TAB };
	char *out, *again;
	size_t i, olen;

	for (i = 0; i < sizeof all / sizeof all[0]; i++) {
		out = sanitize((const char *)data, size, all[i]);
		check_output(out, all[i]);
		olen = strlen(out);
		/* The output is a fixed point and reported clean. */
		if (!sanitize_is_clean(out, olen, all[i]))
			abort();
		again = sanitize_str(out, all[i]);
		if (strcmp(again, out) != 0)
			abort();
		free(again);
		if (display_width(out) > olen)
			abort();
		/* Clean input comes back byte for byte. */
		if (sanitize_is_clean((const char *)data, size, all[i]) &&
		    (olen != size || memcmp(out, data, size) != 0))
			abort();
		free(out);
	}
	return 0;
}
