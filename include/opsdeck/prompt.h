/* The prompt line: GNU Readline's alternate (callback) interface inside
 * the one loop. Keys come from curses and are fed to readline one byte at a
 * time; readline's redisplay draws into the prompt line; completion covers
 * commands, view kinds, contexts, namespaces and options; history is kept
 * in $XDG_STATE_HOME/opsdeck/history. */
#ifndef OPSDECK_PROMPT_H
#define OPSDECK_PROMPT_H

#include <stdbool.h>

#include <curses.h>

#include "opsdeck/ui.h"

/* Open the prompt in mode with a prefix (":" or "/") and initial text. */
void	 prompt_start(struct ui *, enum ui_prompt_mode, const char *prefix, const char *initial);
/* Feed one curses key; the line runs (or is cancelled) on Enter/Esc. */
void	 prompt_key(struct ui *, int key);
/* Draw the prompt into line y of win (width w). */
void	 prompt_draw(struct ui *, WINDOW *, int y, int w);
/* Load and save history; release readline state. */
void	 prompt_init(struct ui *);
void	 prompt_done(struct ui *);
/* Completion candidates for the word being typed (new array, NULL-ended;
 * caller frees). Used by readline and by tests. */
char	**prompt_complete(struct ui *, const char *line, int start, const char *word);

#endif
