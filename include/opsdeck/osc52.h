/* OSC 52: put text on the terminal's clipboard. */
#ifndef OPSDECK_OSC52_H
#define OPSDECK_OSC52_H

#include <stddef.h>

/* The longest text osc52_build encodes. */
#define OSC52_MAX	8192

/* The sequence ESC ] 52 ; c ; BASE64(text) BEL (new string), or NULL if
 * text is longer than OSC52_MAX. */
char	*osc52_build(const char *text, size_t len);

#endif
