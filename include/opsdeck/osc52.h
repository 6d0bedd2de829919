/* OSC 52: put text on the terminal's clipboard. */
#ifndef OPSDECK_OSC52_H
#define OPSDECK_OSC52_H

#include <stdbool.h>
#include <stddef.h>

/* The console's osc52 option. */
extern bool	 osc52_enabled;

/* The longest text osc52_build encodes. */
#define OSC52_MAX	8192

/* The sequence ESC ] 52 ; c ; BASE64(text) BEL (new string), or NULL if
 * text is longer than OSC52_MAX. */
char	*osc52_build(const char *text, size_t len);
/* When osc52_enabled, write the sequence for text to the terminal (stdout,
 * flushed); 0 if written, else -1. */
int	 osc52_copy(const char *text);

#endif
