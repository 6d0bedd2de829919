/* The command table: registration, lookup by name, alias or unambiguous
 * prefix, shell-like splitting, the scope words, the read-only guard and
 * running a command. The console's own commands are tui/cmd_console.c. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "opsdeck/cmd.h"
#include "opsdeck/store.h"
#include "opsdeck/xmalloc.h"

#define CMD_MAX_TABLES	32
#define CMD_MAX_LINE	4096
#define CMD_MAX_ARGS	64

/* Registered tables. */
static struct {
	const struct cmd_entry	*entries;
	size_t			 n;
} cmd_tables[CMD_MAX_TABLES];
static size_t cmd_ntables;

void
cmd_register(const struct cmd_entry *entries, size_t n)
{
	size_t i;

	for (i = 0; i < cmd_ntables; i++) {
		if (cmd_tables[i].entries == entries)
			return;	/* already registered */
	}
	if (cmd_ntables == CMD_MAX_TABLES)
		fatal("too many command tables");
	cmd_tables[cmd_ntables].entries = entries;
	cmd_tables[cmd_ntables].n = n;
	cmd_ntables++;
}

size_t
cmd_count(void)
{
	size_t i, n = 0;

	for (i = 0; i < cmd_ntables; i++)
		n += cmd_tables[i].n;
	return n;
}

const struct cmd_entry *
cmd_at(size_t idx)
{
	size_t i;

	for (i = 0; i < cmd_ntables; i++) {
		if (idx < cmd_tables[i].n)
			return &cmd_tables[i].entries[idx];
		idx -= cmd_tables[i].n;
	}
	return NULL;
}

/* Find a command: exact name, exact alias, then unambiguous prefix. */
const struct cmd_entry *
cmd_find(const char *name, char **cause)
{
	const struct cmd_entry *e, *found = NULL;
	size_t i, n, len = strlen(name), nfound = 0, off;
	char list[512];

	if (len == 0) {
		*cause = xstrdup("empty command");
		return NULL;
	}
	n = cmd_count();
	for (i = 0; i < n; i++) {
		e = cmd_at(i);
		if (strcmp(e->name, name) == 0)
			return e;
	}
	for (i = 0; i < n; i++) {
		e = cmd_at(i);
		if (e->alias != NULL && strcmp(e->alias, name) == 0)
			return e;
	}
	list[0] = '\0';
	off = 0;
	for (i = 0; i < n; i++) {
		e = cmd_at(i);
		if (strncmp(e->name, name, len) != 0)
			continue;
		if (found == e)
			continue;
		nfound++;
		found = e;
		if (off < sizeof list - 1)
			off += (size_t)snprintf(list + off, sizeof list - off, "%s%s",
			    off > 0 ? ", " : "", e->name);
	}
	if (nfound == 1)
		return found;
	if (nfound == 0)
		*cause = xasprintf("unknown command: %s", name);
	else
		*cause = xasprintf("ambiguous command: %s, could be: %s", name, list);
	return NULL;
}

void
cmd_free_argv(int argc, char **argv)
{
	int i;

	if (argv == NULL)
		return;
	for (i = 0; i < argc; i++)
		free(argv[i]);
	free(argv);
}

/* Split a line into words: whitespace separates, '...' is literal, "..."
 * allows \" \\ escapes, a backslash outside quotes escapes the next byte. */
int
cmd_split(const char *line, int *argc, char ***argv, char **cause)
{
	char *word = NULL, **av;
	size_t wlen = 0;
	const char *p = line;
	int ac = 0, in_word = 0;
	char q;

	*argc = 0;
	*argv = NULL;
	if (strlen(line) > CMD_MAX_LINE) {
		*cause = xstrdup("command line too long");
		return -1;
	}
	av = xcalloc(CMD_MAX_ARGS + 1, sizeof *av);
	word = xmalloc(strlen(line) + 1);
	for (;;) {
		if (*p == '\0' || isspace((unsigned char)*p)) {
			if (in_word) {
				if (ac == CMD_MAX_ARGS) {
					*cause = xstrdup("too many arguments");
					goto fail;
				}
				word[wlen] = '\0';
				av[ac++] = xstrdup(word);
				wlen = 0;
				in_word = 0;
			}
			if (*p == '\0')
				break;
			p++;
			continue;
		}
		in_word = 1;
		if (*p == '\\') {
			p++;
			if (*p == '\0')
				break;
			word[wlen++] = *p++;
			continue;
		}
		if (*p == '\'' || *p == '"') {
			q = *p++;
			while (*p != '\0' && *p != q) {
				if (q == '"' && *p == '\\' && (p[1] == '"' || p[1] == '\\'))
					p++;
				word[wlen++] = *p++;
			}
			if (*p != q) {
				*cause = xasprintf("unterminated %s quote",
				    q == '"' ? "double" : "single");
				goto fail;
			}
			p++;
			continue;
		}
		word[wlen++] = *p++;
	}
	free(word);
	*argc = ac;
	*argv = av;
	return 0;
fail:
	free(word);
	cmd_free_argv(ac, av);
	return -1;
}

/* Take the scope words (struct cmd_scope) of argv[1..] into *sc; the other
 * words go to *out (borrowed, NULL-terminated; the caller frees the array),
 * argv[0] first. 0, or -1 with *cause if an option lacks its value. */
static int
cmd_scope_parse(const struct cmd_entry *e, int argc, char *const *argv, struct cmd_scope *sc,
    int *outc, char ***out, char **cause)
{
	const char **slot;
	int a, n = 1;

	*out = xcalloc((size_t)argc + 1, sizeof **out);
	(*out)[0] = argv[0];
	for (a = 1; a < argc; a++) {
		slot = NULL;
		if (argv[a][0] == '@' && argv[a][1] != '\0') {
			sc->context = argv[a] + 1;
			continue;
		}
		if (strncmp(argv[a], "--context=", 10) == 0) {
			sc->context = argv[a] + 10;
			continue;
		}
		if (strcmp(argv[a], "--context") == 0)
			slot = &sc->context;
		else if (strcmp(argv[a], "-n") == 0)
			slot = &sc->ns;
		else if (strcmp(argv[a], "-t") == 0)
			slot = &sc->target;
		if (slot == NULL) {
			(*out)[n++] = argv[a];
			continue;
		}
		if (a + 1 >= argc) {
			*cause = xasprintf("%s: %s needs a value", e->name, argv[a]);
			free(*out);
			*out = NULL;
			return -1;
		}
		*slot = argv[++a];
	}
	*outc = n;
	return 0;
}

/* The read-only rule, written here only. */
char *
cmd_read_only_refusal(bool read_only, const struct store_cluster *sc)
{
	if (read_only)
		return xstrdup("refused: read-only mode");
	if (sc != NULL && sc->read_only)
		return xasprintf("refused: context %s is read-only", sc->name);
	return NULL;
}

/* The refusal (new) of a change going to cluster ci of st, or NULL. */
static char *
cmd_cluster_refusal(struct store *st, size_t ci)
{
	if (st == NULL || ci >= store_ncluster(st))
		return NULL;
	return cmd_read_only_refusal(false, store_cluster(st, ci));
}

/*
 * The guard every command passes before it runs.
 *
 * The read-only rule (cmd_read_only_refusal) is asked at two points, with
 * the same words. Here, for every CMD_MUTATES entry, on what the command's
 * words and selection name (the session, each target's cluster, the scope's
 * context): a refused command asks nothing, plans nothing, writes no audit
 * line and fails at once (the CLI's exit status, the status line). The
 * action pipeline asks again per target once the action has resolved where
 * it writes (op_start in actions.c): a target the words did not name (an
 * untargeted action defaulting to the first context) is known only there;
 * that refusal settles the target like any other (audited "refused").
 */
int
cmd_check(const struct cmd_entry *e, struct cmd_ctx *ctx, char **cause)
{
	char *refusal;
	size_t i;

	if ((e->flags & CMD_CONSOLE_ONLY) &&
	    (ctx->ui_ops == NULL || ctx->ui_ops->show_view == NULL)) {
		*cause = xasprintf("%s: only available in the console", e->name);
		return -1;
	}
	if (!(e->flags & CMD_MUTATES))
		return 0;
	refusal = cmd_read_only_refusal(ctx->read_only, NULL);
	for (i = 0; refusal == NULL && i < ctx->ntargets; i++)
		refusal = cmd_cluster_refusal(ctx->store, ctx->targets[i].cluster);
	if (refusal == NULL && ctx->scope.context != NULL && ctx->store != NULL)
		refusal = cmd_cluster_refusal(ctx->store,
		    store_cluster_find(ctx->store, ctx->scope.context));
	if (refusal != NULL) {
		*cause = xasprintf("%s: %s", e->name, refusal);
		free(refusal);
		return -1;
	}
	if ((e->flags & CMD_NEEDS_TARGET) && ctx->ntargets == 0 && ctx->origin == CMD_FROM_KEY) {
		*cause = xasprintf("%s: nothing selected", e->name);
		return -1;
	}
	return 0;
}

char *
cmd_join_argv(int argc, char *const *argv, int from)
{
	size_t len = 1;
	char *s, *o;
	int i;

	for (i = from; i < argc; i++)
		len += strlen(argv[i]) + 1;
	s = o = xmalloc(len);
	*o = '\0';
	for (i = from; i < argc; i++) {
		if (i > from)
			*o++ = ' ';
		o = stpcpy(o, argv[i]);
	}
	return s;
}

/* True if word reads back from cmd_split unchanged without quotes. */
static bool
cmd_word_plain(const char *w)
{
	const unsigned char *p;

	if (*w == '\0')
		return false;
	for (p = (const unsigned char *)w; *p != '\0'; p++) {
		if (isspace(*p) || *p == '\'' || *p == '"' || *p == '\\' || *p < 0x20 ||
		    *p == 0x7f)
			return false;
	}
	return true;
}

/* The words as one line that cmd_split reads back as the same words. */
char *
cmd_quote_argv(int argc, char *const *argv)
{
	size_t len = 1, i;
	char *s, *o;
	int a;

	for (a = 0; a < argc; a++)
		len += 2 * strlen(argv[a]) + 3;
	s = o = xmalloc(len);
	for (a = 0; a < argc; a++) {
		if (a > 0)
			*o++ = ' ';
		if (cmd_word_plain(argv[a])) {
			o = stpcpy(o, argv[a]);
			continue;
		}
		/* "..." with \" and \\ escaped: everything else is literal */
		*o++ = '"';
		for (i = 0; argv[a][i] != '\0'; i++) {
			if (argv[a][i] == '"' || argv[a][i] == '\\')
				*o++ = '\\';
			*o++ = argv[a][i];
		}
		*o++ = '"';
	}
	*o = '\0';
	return s;
}

/* Find, guard and run a command given as words; argv[0] is the command. */
int
cmd_execute_argv(struct cmd_ctx *ctx, int argc, char *const *argv, char **cause)
{
	const struct cmd_entry *e;
	struct cmd_scope outer = ctx->scope;
	char **words = NULL, **av;
	int a, n = argc, rc = -1;

	if (argc == 0) {
		*cause = xstrdup("empty command");
		return -1;
	}
	e = cmd_find(argv[0], cause);
	if (e == NULL)
		return -1;
	memset(&ctx->scope, 0, sizeof ctx->scope);
	if (e->flags & CMD_SCOPED) {
		if (cmd_scope_parse(e, argc, argv, &ctx->scope, &n, &words, cause) != 0)
			goto out;
	}
	if (cmd_check(e, ctx, cause) != 0)
		goto out;
	av = xcalloc((size_t)n + 1, sizeof *av);
	av[0] = xstrdup(e->name);
	for (a = 1; a < n; a++)
		av[a] = xstrdup(words != NULL ? words[a] : argv[a]);
	rc = e->exec(ctx, n, av, cause);
	if (rc != 0 && *cause == NULL)
		*cause = xasprintf("%s failed", e->name);
	cmd_free_argv(n, av);
out:
	free(words);
	ctx->scope = outer;
	return rc;
}

/* Split, find, guard and run a command line. */
int
cmd_execute(struct cmd_ctx *ctx, const char *line, char **cause)
{
	char **argv = NULL;
	int argc = 0, rc;

	while (*line == ' ' || *line == ':')
		line++;
	if (cmd_split(line, &argc, &argv, cause) != 0)
		return -1;
	rc = cmd_execute_argv(ctx, argc, argv, cause);
	cmd_free_argv(argc, argv);
	return rc;
}

/* The console a command runs in, or NULL headless: only the console shows
 * views, and its ctx->ui is its struct ui. */
struct ui *
cmd_console_ui(const struct cmd_ctx *ctx)
{
	if (ctx->ui == NULL || ctx->ui_ops == NULL || ctx->ui_ops->show_view == NULL)
		return NULL;
	return ctx->ui;
}
