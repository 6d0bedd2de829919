/* OSC 52 clipboard sequences. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "opsdeck/osc52.h"
#include "opsdeck/xmalloc.h"

bool osc52_enabled;

static const char osc52_alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* Standard base64 of in into out (room for 4 * ceil(len / 3) bytes). */
static size_t
osc52_base64(const unsigned char *in, size_t len, char *out)
{
	size_t i, o = 0;
	unsigned long v;

	for (i = 0; i + 2 < len; i += 3) {
		v = ((unsigned long)in[i] << 16) | ((unsigned long)in[i + 1] << 8) | in[i + 2];
		out[o++] = osc52_alphabet[(v >> 18) & 63];
		out[o++] = osc52_alphabet[(v >> 12) & 63];
		out[o++] = osc52_alphabet[(v >> 6) & 63];
		out[o++] = osc52_alphabet[v & 63];
	}
	if (i < len) {
		v = (unsigned long)in[i] << 16;
		if (i + 1 < len)
			v |= (unsigned long)in[i + 1] << 8;
		out[o++] = osc52_alphabet[(v >> 18) & 63];
		out[o++] = osc52_alphabet[(v >> 12) & 63];
		out[o++] = i + 1 < len ? osc52_alphabet[(v >> 6) & 63] : '=';
		out[o++] = '=';
	}
	return o;
}

/* Build the clipboard sequence for text. */
char *
osc52_build(const char *text, size_t len)
{
	static const char head[] = "\033]52;c;";
	char *out;
	size_t o;

	if (len > OSC52_MAX)
		return NULL;
	out = xmalloc(sizeof head - 1 + 4 * ((len + 2) / 3) + 2);
	memcpy(out, head, sizeof head - 1);
	o = sizeof head - 1;
	o += osc52_base64((const unsigned char *)text, len, out + o);
	out[o++] = '\a';
	out[o] = '\0';
	return out;
}

/* Copy text to the terminal's clipboard if the option is on. */
int
osc52_copy(const char *text)
{
	char *seq;
	int rc = -1;

	if (!osc52_enabled || text == NULL)
		return -1;
	seq = osc52_build(text, strlen(text));
	if (seq == NULL)
		goto out;
	if (fputs(seq, stdout) != EOF && fflush(stdout) == 0)
		rc = 0;
out:
	free(seq);
	return rc;
}
