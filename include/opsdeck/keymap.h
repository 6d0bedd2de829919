/* Keys bind to command strings: a key runs the same cmd_execute() as the
 * ":" prompt and runbooks (same lookup, same read-only guard). The default
 * table is k9s-like; config.yaml `keys:` overrides or adds bindings
 * ("x: delete", "C-r: restart", "F5: redraw", "x: none" unbinds). */
#ifndef OPSDECK_KEYMAP_H
#define OPSDECK_KEYMAP_H

#include <stddef.h>

/* One binding. */
struct key_binding {
	int		 key;		/* curses key code */
	const char	*command;	/* command string */
	const char	*help;		/* one line for the help view */
};

/* Reset to the default bindings. */
void		 keymap_init(void);
void		 keymap_free(void);
/* Parse a key name ("j", "C-d", "Enter", "Escape", "Space", "PgDn", "Up",
 * "F1", "S"); -1 if unknown. */
int		 keymap_key_parse(const char *);
/* Name of key code (static buffer). */
const char	*keymap_key_name(int key);
/* Bind key to command ("none" or "" unbinds). 0, or -1 with *cause. */
int		 keymap_bind(const char *key, const char *command, char **cause);
/* Apply bindings (config.yaml keys.*: key names, commands, line numbers
 * or NULL); messages for bad ones go to *cause (joined); returns the
 * number applied. */
int		 keymap_load(const char *const *keys, const char *const *commands,
		    const int *lines, size_t n, char **cause);
/* The command bound to key, or NULL. */
const char	*keymap_lookup(int key);
/* Iterate bindings (help screen). */
size_t		 keymap_count(void);
const struct key_binding *keymap_at(size_t);
/* True if cmd's first word is an action command some kind allows
 * (kinds.h), which the actions module registers: when it is missing the
 * key says "not available". */
int		 keymap_is_action(const char *command);

#endif
