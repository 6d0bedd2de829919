/* Colour themes: slot specs parsed from YAML (libyaml) and turned into
 * curses attributes for 8, 16 or 256 colour terminals, or attributes only. */
#include <ctype.h>
#include <curses.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <yaml.h>

#include "opsdeck/theme.h"
#include "opsdeck/file.h"
#include "opsdeck/xmalloc.h"
#include "opsdeck/ydoc.h"

#define THEME_MAX_FILE	(256 * 1024)

/* Names, defaults and monochrome specs of every slot, from the X-macro. */
static const struct {
	const char	*name;
	const char	*def;
	const char	*mono;
} slot_info[THEME_NSLOTS] = {
#define X(e, n, d, m) { n, d, m },
	THEME_SLOTS
#undef X
};

/* Colour names in ANSI order. */
static const char *colour_names[] = {
	"black", "red", "green", "yellow", "blue", "magenta", "cyan", "white"
};

/* Curses attributes per slot after theme_apply. */
static unsigned long slot_attrs[THEME_NSLOTS];

/* Name of slot. */
const char *
theme_slot_name(enum theme_slot s)
{
	if ((int)s < 0 || s >= THEME_NSLOTS)
		return "?";
	return slot_info[s].name;
}

/* Index of the slot called name, or -1. */
int
theme_slot_find(const char *name)
{
	int i;

	for (i = 0; i < THEME_NSLOTS; i++) {
		if (strcmp(slot_info[i].name, name) == 0)
			return i;
	}
	return -1;
}

/* Parse one colour word into 0-255 or -1 (default); -2 if not a colour. */
static int
colour_parse(const char *w)
{
	char *end;
	long n;
	size_t i;
	int bright = 0;

	if (strcmp(w, "default") == 0 || strcmp(w, "none") == 0)
		return -1;
	if (strncmp(w, "bright", 6) == 0) {
		bright = 8;
		w += 6;
		if (*w == '-' || *w == '_')
			w++;
	}
	for (i = 0; i < 8; i++) {
		if (strcmp(w, colour_names[i]) == 0)
			return (int)i + bright;
	}
	if (bright == 0 && strcmp(w, "grey") == 0)
		return 8;
	if (bright != 0)
		return -2;
	if (strncmp(w, "colour", 6) == 0)
		w += 6;
	else if (strncmp(w, "color", 5) == 0)
		w += 5;
	if (!isdigit((unsigned char)*w))
		return -2;
	errno = 0;
	n = strtol(w, &end, 10);
	if (errno != 0 || *end != '\0' || n < 0 || n > 255)
		return -2;
	return (int)n;
}

/* Parse an attribute word into THEME_A_*; 0 if unknown. */
static unsigned
attr_parse(const char *w)
{
	if (strcmp(w, "bold") == 0)
		return THEME_A_BOLD;
	if (strcmp(w, "dim") == 0)
		return THEME_A_DIM;
	if (strcmp(w, "reverse") == 0)
		return THEME_A_REVERSE;
	if (strcmp(w, "underline") == 0)
		return THEME_A_UNDERLINE;
	if (strcmp(w, "standout") == 0)
		return THEME_A_STANDOUT;
	return 0;
}

/* Parse "FG [on BG][, attr ...]". */
int
theme_spec_parse(const char *s, struct theme_spec *out, char **cause)
{
	char *copy, *p, *w, *save = NULL;
	int c, want_bg = 0, seen_fg = 0, rc = -1;
	unsigned a;

	out->fg = -1;
	out->bg = -1;
	out->attrs = 0;
	if (strlen(s) > 200) {
		*cause = xstrdup("colour spec too long");
		return -1;
	}
	copy = xstrdup(s);
	for (p = copy; *p != '\0'; p++) {
		if (*p == ',')
			*p = ' ';
		else
			*p = (char)tolower((unsigned char)*p);
	}
	for (w = strtok_r(copy, " \t", &save); w != NULL; w = strtok_r(NULL, " \t", &save)) {
		if (strcmp(w, "on") == 0) {
			if (want_bg) {
				*cause = xstrdup("'on' twice");
				goto out;
			}
			want_bg = 1;
			continue;
		}
		a = attr_parse(w);
		if (a != 0) {
			out->attrs |= a;
			continue;
		}
		c = colour_parse(w);
		if (c == -2) {
			*cause = xasprintf("unknown colour or attribute '%s'", w);
			goto out;
		}
		if (want_bg == 1) {
			out->bg = c;
			want_bg = 2;
		} else if (!seen_fg && want_bg == 0) {
			out->fg = c;
			seen_fg = 1;
		} else {
			*cause = xasprintf("unexpected colour '%s'", w);
			goto out;
		}
	}
	if (want_bg == 1) {
		*cause = xstrdup("'on' without a colour");
		goto out;
	}
	rc = 0;
out:
	free(copy);
	return rc;
}

/* The built-in default theme (dark). */
struct theme *
theme_default(void)
{
	struct theme *t = xcalloc(1, sizeof *t);
	char *cause = NULL;
	int i;

	t->name = xstrdup("default");
	for (i = 0; i < THEME_NSLOTS; i++) {
		if (theme_spec_parse(slot_info[i].def, &t->slots[i], &cause) != 0)
			fatal("built-in theme slot %s: %s", slot_info[i].name, cause);
	}
	return t;
}

void
theme_free(struct theme *t)
{
	if (t == NULL)
		return;
	free(t->name);
	free(t);
}

/* Fill t from the "colors" mapping m. */
static int
theme_parse_colors(struct theme *t, yaml_document_t *doc, yaml_node_t *m, const char *name,
    char **cause)
{
	yaml_node_pair_t *pair;
	yaml_node_t *k, *v;
	const char *ks, *vs;
	char *why = NULL;
	int slot;

	if (m->type != YAML_MAPPING_NODE) {
		*cause = xasprintf("%s:%d: colors must be a mapping", name, ydoc_line(m));
		return -1;
	}
	for (pair = m->data.mapping.pairs.start; pair < m->data.mapping.pairs.top; pair++) {
		k = yaml_document_get_node(doc, pair->key);
		v = yaml_document_get_node(doc, pair->value);
		ks = ydoc_str(k);
		vs = ydoc_str(v);
		if (ks == NULL || vs == NULL) {
			*cause = xasprintf("%s:%d: colour entries must be scalars", name,
			    ydoc_line(k != NULL ? k : v));
			return -1;
		}
		slot = theme_slot_find(ks);
		if (slot < 0) {
			*cause = xasprintf("%s:%d: unknown colour slot '%s'", name,
			    ydoc_line(k), ks);
			return -1;
		}
		if (theme_spec_parse(vs, &t->slots[slot], &why) != 0) {
			*cause = xasprintf("%s:%d: %s: %s", name, ydoc_line(v), ks, why);
			free(why);
			return -1;
		}
	}
	return 0;
}

/* Parse a theme document. */
struct theme *
theme_parse(const char *buf, size_t len, const char *name, char **cause)
{
	yaml_document_t doc;
	yaml_node_t *root, *k, *v;
	yaml_node_pair_t *pair;
	struct theme *t = NULL;
	const char *ks;

	if (len > THEME_MAX_FILE) {
		*cause = xasprintf("%s: theme too large", name);
		return NULL;
	}
	if (ydoc_load(&doc, buf, len, name, cause) != 0)
		return NULL;
	t = theme_default();
	root = ydoc_root(&doc);
	if (root == NULL)
		goto out;
	if (root->type != YAML_MAPPING_NODE) {
		*cause = xasprintf("%s:%d: a theme is a mapping", name, ydoc_line(root));
		goto fail;
	}
	for (pair = root->data.mapping.pairs.start; pair < root->data.mapping.pairs.top; pair++) {
		k = yaml_document_get_node(&doc, pair->key);
		v = yaml_document_get_node(&doc, pair->value);
		ks = ydoc_str(k);
		if (ks == NULL || v == NULL) {
			*cause = xasprintf("%s: keys must be scalars", name);
			goto fail;
		}
		if (strcmp(ks, "name") == 0 && ydoc_str(v) != NULL) {
			free(t->name);
			t->name = xstrndup(ydoc_str(v), 64);
		} else if (strcmp(ks, "colors") == 0 || strcmp(ks, "colours") == 0) {
			if (theme_parse_colors(t, &doc, v, name, cause) != 0)
				goto fail;
		} else if (strcmp(ks, "description") != 0) {
			*cause = xasprintf("%s:%d: unknown key '%s'", name, ydoc_line(k), ks);
			goto fail;
		}
	}
	goto out;
fail:
	theme_free(t);
	t = NULL;
out:
	yaml_document_delete(&doc);
	return t;
}

/* Load a theme by name or path. */
struct theme *
theme_load(const char *name, char **cause)
{
	char *dirs[4], *path = NULL, *buf, exe[PATH_MAX], *slash;
	const char *xdg = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");
	struct theme *t = NULL;
	size_t len, i, nd = 0;
	ssize_t n;

	for (i = 0; name[i] != '\0'; i++) {
		if (!isalnum((unsigned char)name[i]) && name[i] != '-' && name[i] != '_')
			break;
	}
	if (name[i] != '\0' || name[0] == '\0') {
		buf = file_read(name, THEME_MAX_FILE, &len, cause);
		if (buf == NULL)
			return NULL;
		t = theme_parse(buf, len, name, cause);
		free(buf);
		return t;
	}
	if (xdg != NULL && *xdg != '\0')
		dirs[nd++] = xasprintf("%s/opsdeck/themes", xdg);
	else if (home != NULL)
		dirs[nd++] = xasprintf("%s/.config/opsdeck/themes", home);
	n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	if (n > 0) {
		exe[n] = '\0';
		slash = strrchr(exe, '/');
		if (slash != NULL) {
			*slash = '\0';
			dirs[nd++] = xasprintf("%s/themes", exe);
			dirs[nd++] = xasprintf("%s/../themes", exe);
		}
	}
	dirs[nd++] = xstrdup(OPSDECK_DATADIR "/themes");
	for (i = 0; i < nd && t == NULL; i++) {
		path = xasprintf("%s/%s.yaml", dirs[i], name);
		if (access(path, R_OK) == 0) {
			buf = file_read(path, THEME_MAX_FILE, &len, cause);
			if (buf != NULL) {
				t = theme_parse(buf, len, path, cause);
				free(buf);
			}
			free(path);
			break;
		}
		free(path);
	}
	for (i = 0; i < nd; i++)
		free(dirs[i]);
	if (t == NULL && *cause == NULL) {
		if (strcmp(name, "default") == 0 || strcmp(name, "dark") == 0)
			return theme_default();
		*cause = xasprintf("theme '%s' not found", name);
	}
	return t;
}

/* True if NO_COLOR asks for no colour. */
bool
theme_no_color(void)
{
	const char *s = getenv("NO_COLOR");

	return s != NULL && *s != '\0';
}

/* Approximate colour c for a terminal with ncolours colours; *bold set if
 * brightness must come from the bold attribute. */
static int
colour_fit(int c, int ncolours, int *bold)
{
	int r, g, b, i;

	if (c < 0 || c < ncolours)
		return c;
	if (c < 16) {
		*bold = 1;
		return c - 8;
	}
	if (c >= 232) {
		i = c - 232;
		if (ncolours >= 16 && i >= 6 && i < 18)
			return i < 12 ? 8 : 7;
		return i < 12 ? 0 : 7;
	}
	c -= 16;
	r = c / 36;
	g = (c / 6) % 6;
	b = c % 6;
	i = (r > 2 ? 1 : 0) | (g > 2 ? 2 : 0) | (b > 2 ? 4 : 0);
	if (ncolours >= 16 && (r > 4 || g > 4 || b > 4))
		i += 8;
	return i;
}

/* Curses attributes for THEME_A_* bits. */
static unsigned long
attrs_curses(unsigned a)
{
	unsigned long out = 0;

	if (a & THEME_A_BOLD)
		out |= A_BOLD;
	if (a & THEME_A_DIM)
		out |= A_DIM;
	if (a & THEME_A_REVERSE)
		out |= A_REVERSE;
	if (a & THEME_A_UNDERLINE)
		out |= A_UNDERLINE;
	if (a & THEME_A_STANDOUT)
		out |= A_STANDOUT;
	return out;
}

/* Set up colour pairs and slot attributes. */
void
theme_apply(const struct theme *t, bool mono)
{
	struct theme_spec spec;
	char *cause = NULL;
	int i, fg, bg, bold, ncolours;

	if (!mono && (!has_colors() || theme_no_color()))
		mono = true;
	if (!mono) {
		start_color();
		use_default_colors();
	}
	ncolours = mono ? 0 : COLORS;
	for (i = 0; i < THEME_NSLOTS; i++) {
		if (mono) {
			if (theme_spec_parse(slot_info[i].mono, &spec, &cause) != 0) {
				free(cause);
				cause = NULL;
				spec.attrs = 0;
			}
			spec.attrs |= t->slots[i].attrs & (THEME_A_BOLD | THEME_A_UNDERLINE);
			slot_attrs[i] = attrs_curses(spec.attrs);
			continue;
		}
		bold = 0;
		fg = colour_fit(t->slots[i].fg, ncolours, &bold);
		bg = colour_fit(t->slots[i].bg, ncolours, &bold);
		if (i + 1 < COLOR_PAIRS)
			init_pair((short)(i + 1), (short)fg, (short)bg);
		slot_attrs[i] = attrs_curses(t->slots[i].attrs) | (bold ? A_BOLD : 0) |
		    (i + 1 < COLOR_PAIRS ? COLOR_PAIR(i + 1) : 0);
	}
}

/* Attributes of slot. */
unsigned long
theme_attr(enum theme_slot s)
{
	if ((int)s < 0 || s >= THEME_NSLOTS)
		return 0;
	return slot_attrs[s];
}
