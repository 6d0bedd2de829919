/* The key table: default k9s-like bindings to command strings, user
 * overrides from config.yaml. */
#include <ctype.h>
#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "opsdeck/keymap.h"
#include "opsdeck/kinds.h"
#include "opsdeck/xmalloc.h"

#define KEYMAP_MAX	256

/* Default bindings. */
static const struct {
	const char	*key;
	const char	*command;
	const char	*help;
} default_bindings[] = {
	{ ":", "command-prompt", "command prompt (:pods, :ns prod, :q)" },
	{ "/", "filter-prompt", "filter rows: regex, !regex, -l label=value" },
	{ "?", "help", "this help" },
	{ "j", "down", "down" },
	{ "Down", "down", "down" },
	{ "k", "up", "up" },
	{ "Up", "up", "up" },
	{ "g", "top", "first row" },
	{ "Home", "top", "first row" },
	{ "G", "bottom", "last row" },
	{ "End", "bottom", "last row" },
	{ "PgDn", "page-down", "page down" },
	{ "C-f", "page-down", "page down" },
	{ "PgUp", "page-up", "page up" },
	{ "C-b", "page-up", "page up" },
	{ "0", "ns -A", "all namespaces" },
	{ "Enter", "enter", "open: overview line → detail, deployment → pods → logs" },
	{ "Escape", "back", "clear filter, else back" },
	{ "Space", "mark", "mark row for bulk actions" },
	{ "C-Space", "clear-marks", "clear marks" },
	{ "d", "describe", "describe" },
	{ "y", "yaml", "YAML" },
	{ "l", "logs", "logs" },
	{ "p", "logs -p", "previous container's logs" },
	{ ">", "sort -n", "sort by next column" },
	{ "<", "sort -p", "sort by previous column" },
	{ "N", "sort NAME", "sort by name (again: reverse)" },
	{ "A", "sort AGE", "sort by age (again: reverse)" },
	{ "s", "scale", "scale" },
	{ "x", "shell", "shell in the pod's container (kubectl exec -it)" },
	{ "F", "port-forward", "port-forward to the pod or service (:port-forwards lists them)" },
	{ "r", "restart", "rollout restart" },
	{ "C-d", "delete", "delete" },
	{ "u", "undo", "rollout undo" },
	{ "e", "edit", "edit the YAML in $VISUAL/$EDITOR" },
	{ "S", "silence", "silence alert" },
	{ "b", "backup-now", "backup now" },
	{ "c", "sync", "sync the Argo CD application" },
	{ "R", "refresh", "refresh the Argo CD application" },
	{ "C-l", "redraw", "redraw" },
	{ "C-c", "quit", "quit" },
	{ "1", "overview", "overview" },
	{ "2", "pods", "pods" },
	{ "3", "deployments", "deployments" },
	{ "4", "alerts", "alerts" },
};

/* Key names. */
static const struct {
	const char	*name;
	int		 key;
} key_names[] = {
	{ "Enter", '\n' }, { "Return", '\r' }, { "Escape", 27 }, { "Esc", 27 },
	{ "Space", ' ' }, { "Tab", '\t' }, { "BSpace", KEY_BACKSPACE },
	{ "Up", KEY_UP }, { "Down", KEY_DOWN }, { "Left", KEY_LEFT }, { "Right", KEY_RIGHT },
	{ "PgUp", KEY_PPAGE }, { "PageUp", KEY_PPAGE }, { "PgDn", KEY_NPAGE },
	{ "PageDown", KEY_NPAGE }, { "Home", KEY_HOME }, { "End", KEY_END },
	{ "DC", KEY_DC }, { "Delete", KEY_DC }, { "IC", KEY_IC }, { "BTab", KEY_BTAB },
	{ "C-Space", 0 },
};

static struct key_binding bindings[KEYMAP_MAX];
static char *owned[KEYMAP_MAX];		/* command strings we allocated */
static size_t nbindings;

int
keymap_key_parse(const char *s)
{
	size_t i;
	char *end;
	long n;

	for (i = 0; i < sizeof key_names / sizeof key_names[0]; i++) {
		if (strcasecmp(key_names[i].name, s) == 0)
			return key_names[i].key;
	}
	if ((s[0] == 'C' || s[0] == 'c') && s[1] == '-' && s[2] != '\0' && s[3] == '\0') {
		if (isalpha((unsigned char)s[2]))
			return tolower((unsigned char)s[2]) - 'a' + 1;
		return -1;
	}
	if ((s[0] == 'F' || s[0] == 'f') && isdigit((unsigned char)s[1])) {
		n = strtol(s + 1, &end, 10);
		if (*end == '\0' && n >= 1 && n <= 12)
			return KEY_F((int)n);
		return -1;
	}
	if ((unsigned char)s[0] >= 0x21 && (unsigned char)s[0] < 0x7f && s[1] == '\0')
		return (unsigned char)s[0];
	return -1;
}

const char *
keymap_key_name(int key)
{
	static char buf[16];
	size_t i;

	if (key == '\r')
		key = '\n';
	for (i = 0; i < sizeof key_names / sizeof key_names[0]; i++) {
		if (key_names[i].key == key)
			return key_names[i].name;
	}
	if (key >= KEY_F(1) && key <= KEY_F(12)) {
		snprintf(buf, sizeof buf, "F%d", key - KEY_F(0));
		return buf;
	}
	if (key > 0 && key < 27) {
		snprintf(buf, sizeof buf, "C-%c", 'a' + key - 1);
		return buf;
	}
	if (key > 32 && key < 127) {
		snprintf(buf, sizeof buf, "%c", key);
		return buf;
	}
	snprintf(buf, sizeof buf, "#%d", key);
	return buf;
}

/* Index of key's binding, or -1. */
static int
keymap_index(int key)
{
	size_t i;

	if (key == '\r' || key == KEY_ENTER)
		key = '\n';
	if (key == 127 || key == 8)
		key = KEY_BACKSPACE;
	for (i = 0; i < nbindings; i++) {
		if (bindings[i].key == key)
			return (int)i;
	}
	return -1;
}

void
keymap_free(void)
{
	size_t i;

	for (i = 0; i < nbindings; i++) {
		free(owned[i]);
		owned[i] = NULL;
	}
	nbindings = 0;
}

void
keymap_init(void)
{
	size_t i;
	int key;

	keymap_free();
	for (i = 0; i < sizeof default_bindings / sizeof default_bindings[0]; i++) {
		key = keymap_key_parse(default_bindings[i].key);
		if (key < 0 || nbindings == KEYMAP_MAX)
			continue;
		bindings[nbindings].key = key;
		bindings[nbindings].command = default_bindings[i].command;
		bindings[nbindings].help = default_bindings[i].help;
		owned[nbindings] = NULL;
		nbindings++;
	}
}

int
keymap_bind(const char *keyname, const char *command, char **cause)
{
	int key = keymap_key_parse(keyname), i;

	if (key < 0) {
		*cause = xasprintf("unknown key '%s'", keyname);
		return -1;
	}
	if (strlen(command) > 1024) {
		*cause = xasprintf("key %s: command too long", keyname);
		return -1;
	}
	i = keymap_index(key);
	if (command[0] == '\0' || strcmp(command, "none") == 0) {
		if (i >= 0) {
			free(owned[i]);
			bindings[i] = bindings[nbindings - 1];
			owned[i] = owned[nbindings - 1];
			owned[nbindings - 1] = NULL;
			nbindings--;
		}
		return 0;
	}
	if (i < 0) {
		if (nbindings == KEYMAP_MAX) {
			*cause = xstrdup("too many key bindings");
			return -1;
		}
		i = (int)nbindings++;
		owned[i] = NULL;
		bindings[i].key = key;
	}
	free(owned[i]);
	owned[i] = xstrdup(command);
	bindings[i].command = owned[i];
	bindings[i].help = "(config.yaml)";
	return 0;
}

int
keymap_load(const char *const *keys, const char *const *commands, const int *lines, size_t n,
    char **cause)
{
	size_t i;
	int applied = 0;
	char *why = NULL, *all = NULL, *tmp;

	for (i = 0; i < n; i++) {
		if (keymap_bind(keys[i], commands[i], &why) != 0) {
			tmp = xasprintf("%s%sconfig.yaml:%d: %s", all != NULL ? all : "",
			    all != NULL ? "; " : "", lines != NULL ? lines[i] : 0, why);
			free(all);
			free(why);
			why = NULL;
			all = tmp;
			continue;
		}
		applied++;
	}
	if (all != NULL)
		*cause = all;
	return applied;
}

const char *
keymap_lookup(int key)
{
	int i = keymap_index(key);

	return i < 0 ? NULL : bindings[i].command;
}

size_t
keymap_count(void)
{
	return nbindings;
}

const struct key_binding *
keymap_at(size_t i)
{
	return i < nbindings ? &bindings[i] : NULL;
}

int
keymap_is_action(const char *command)
{
	char *verb = xstrndup(command, strcspn(command, " "));
	int yes = kind_is_action(verb);

	free(verb);
	return yes;
}
