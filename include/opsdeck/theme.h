/* Colours are data: an X-macro list of colour slots that themes fill. A
 * theme is a YAML file (themes/NAME.yaml) mapping slot names to specs:
 *
 *	name: dark
 *	colors:
 *	  header: "white on blue, bold"
 *	  selected: "black on cyan"
 *	  bad: "brightred"
 *
 * A spec is "[FG] [on BG][, attr ...]": colours are default, black, red,
 * green, yellow, blue, magenta, cyan, white, bright<colour> or a number
 * 0-255; attrs are bold, dim, reverse, underline, standout. Colours a
 * terminal lacks are approximated (256 → 16 → 8); with NO_COLOR set or a
 * monochrome terminal only the attributes remain. */
#ifndef OPSDECK_THEME_H
#define OPSDECK_THEME_H

#include <stdbool.h>
#include <stddef.h>

/* X(ENUM, "yaml-name", default spec, monochrome spec) */
#define THEME_SLOTS \
	X(NORMAL,	"normal",	"default",			"default") \
	X(HEADER,	"header",	"white on blue",		"reverse") \
	X(TITLE,	"title",	"brightwhite on blue, bold",	"reverse, bold") \
	X(COLHEAD,	"colhead",	"cyan, bold",			"bold, underline") \
	X(SELECTED,	"selected",	"black on cyan",		"reverse") \
	X(MARKED,	"marked",	"brightyellow, bold",		"bold") \
	X(BAD,		"bad",		"brightred",			"bold") \
	X(WARN,		"warn",		"yellow",			"underline") \
	X(PROGRESSING,	"progressing",	"brightblue",			"default") \
	X(AT_MAX,	"atmax",	"magenta, bold",		"bold") \
	X(FIRING,	"firing",	"brightred, bold",		"bold, standout") \
	X(LIVE,		"live",		"brightgreen on blue",		"reverse") \
	X(STALE,	"stale",	"brightyellow on blue",		"reverse, bold") \
	X(DOWN,		"down",		"brightwhite on red, bold",	"bold") \
	X(CONNECTING,	"connecting",	"white on blue, dim",		"reverse, dim") \
	X(READONLY,	"readonly",	"black on yellow, bold",	"bold, standout") \
	X(STATUS,	"status",	"default",			"default") \
	X(ERROR,	"error",	"brightwhite on red",		"reverse, bold") \
	X(PROMPT,	"prompt",	"brightwhite",			"bold") \
	X(DIM,		"dim",		"brightblack",			"dim") \
	X(SECTION,	"section",	"brightcyan, bold",		"bold")

/* One colour slot. */
enum theme_slot {
#define X(e, n, d, m) THEME_##e,
	THEME_SLOTS
#undef X
	THEME_NSLOTS
};

/* A parsed colour spec: fg/bg -1 is the terminal default. */
struct theme_spec {
	int		 fg;
	int		 bg;
	unsigned	 attrs;		/* THEME_A_* */
};
#define THEME_A_BOLD		0x01
#define THEME_A_DIM		0x02
#define THEME_A_REVERSE		0x04
#define THEME_A_UNDERLINE	0x08
#define THEME_A_STANDOUT	0x10

/* A theme: a spec for every slot. */
struct theme {
	char			*name;
	struct theme_spec	 slots[THEME_NSLOTS];
};

/* Slot name ("bad") and lookup by name (-1 if unknown). */
const char	*theme_slot_name(enum theme_slot);
int		 theme_slot_find(const char *);
/* Parse one spec; 0, or -1 with *cause. */
int		 theme_spec_parse(const char *, struct theme_spec *, char **cause);
/* The built-in default (dark) theme. */
struct theme	*theme_default(void);
/* Parse theme YAML (slots not named keep the default); NULL with *cause
 * ("name:line: ..."). */
struct theme	*theme_parse(const char *buf, size_t len, const char *name, char **cause);
/* Load theme NAME (a path, or a name looked up in $XDG_CONFIG_HOME/opsdeck/
 * themes, the data directory and themes/ beside the executable). */
struct theme	*theme_load(const char *name, char **cause);
void		 theme_free(struct theme *);

/* Apply to curses (after start_color); mono forces attributes only. */
void		 theme_apply(const struct theme *, bool mono);
/* The curses attributes for slot (valid after theme_apply). */
unsigned long	 theme_attr(enum theme_slot);
/* True if NO_COLOR is set to a non-empty value. */
bool		 theme_no_color(void);

#endif
