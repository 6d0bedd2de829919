/* The pager: lines of sanitised text with scrolling, wrap and search,
 * drawn with the theme's colours (tui/pager.c). It knows no console: the
 * views that hold one pass the console's wrap and ellipsis settings. */
#ifndef OPSDECK_PAGER_H
#define OPSDECK_PAGER_H

#include <stdbool.h>
#include <stddef.h>

#include <curses.h>

#include "opsdeck/theme.h"

/* A pager: lines of sanitised text with scrolling, wrap and search; the
 * body of the YAML, describe, help, log and dialog views. */
struct pager;
struct pager	*pager_new(size_t max_lines);
void		 pager_free(struct pager *);
void		 pager_clear(struct pager *);
/* Append text (untrusted: sanitised here, split at newlines). */
void		 pager_add(struct pager *, const char *text, size_t len);
/* Append one trusted line with a theme slot. */
void		 pager_add_line(struct pager *, const char *line, enum theme_slot);
/* Append one line (sanitised here; a newline shows as "\n") whose wrapped
 * parts start at column hang (describe's values), when wrap is on. */
void		 pager_add_hanging(struct pager *, const char *line, int hang);
/* Colour the last line with a theme slot. */
void		 pager_set_last_slot(struct pager *, enum theme_slot);
/* First line shown, to keep the place when the text is rebuilt. */
size_t		 pager_get_top(const struct pager *);
void		 pager_set_top(struct pager *, size_t);
size_t		 pager_count(const struct pager *);
const char	*pager_line(const struct pager *, size_t);
/* Keys: movement, n/N search next/previous. True if the key was the
 * pager's. */
bool		 pager_key(struct pager *, int key);
/* Draw at y, h lines of w columns: wrapped when wrap is on, else cut with
 * ellipsis (the console's settings). */
void		 pager_draw(struct pager *, WINDOW *, int y, int h, int w, bool wrap,
		    const char *ellipsis);
int		 pager_search(struct pager *, const char *regex, char **cause);
void		 pager_bottom(struct pager *);
/* Replace p's lines by text word-wrapped at width w (a confirmation's
 * previews, the status line, a runbook step): a line that fits is kept as
 * it is, longer ones break at spaces, words longer than a line are split,
 * wrapped parts keep their paragraph's indent. */
void		 pager_wrap(struct pager *p, const char *text, int w);
/* Follow: stay at the bottom as lines arrive. */
void		 pager_follow(struct pager *, bool);
bool		 pager_following(const struct pager *);

#endif
