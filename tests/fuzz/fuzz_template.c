/* Fuzz target: runbook template expansion into argument vectors
 * (runbook_expand_argv, the real code exec and action steps use) and the
 * quoting that shows them (cmd_quote_argv). The input is TEMPLATE \0 VALUE.
 * Asserted: with VALUE in every template position the template splits into
 * exactly as many words as with a benign value (a value never adds or
 * removes an argument), VALUE appears inside a word whenever it was used,
 * and the quoted line reads back as the same words. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "opsdeck/cmd.h"
#include "opsdeck/runbook.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static const char *fuzz_role;

static const char *
role_of(const char *role, void *arg)
{
	(void)role;
	(void)arg;
	return fuzz_role;
}

/* Vars with every position set to v. */
static void
vars_all(struct rb_vars *vars, const char **pn, const char **pv, const char *v)
{
	memset(vars, 0, sizeof *vars);
	vars->cluster = vars->ns = vars->name = vars->kind = v;
	pn[0] = "p";
	pv[0] = v;
	vars->pnames = pn;
	vars->pvalues = pv;
	vars->nparams = 1;
	vars->role = role_of;
	fuzz_role = v;
}

/* The quoted form of argv splits back into argv. */
static void
check_roundtrip(int argc, char **argv)
{
	char *line = cmd_quote_argv(argc, argv), **back = NULL, *cause = NULL;
	int n = 0, i;

	if (cmd_split(line, &n, &back, &cause) == 0) {
		if (n != argc)
			abort();
		for (i = 0; i < n; i++) {
			if (strcmp(back[i], argv[i]) != 0)
				abort();
		}
		cmd_free_argv(n, back);
	} else if (strlen(line) <= 4096 && argc <= 64)
		abort();	/* within the tokenizer's limits it must read back */
	free(cause);
	free(line);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *pn[1], *pv[1];
	struct rb_vars vars;
	char *buf, *tmpl, *value, **av = NULL, **bav = NULL, *cause = NULL;
	int ac = 0, bac = 0, a, holders;
	size_t tl;

	if (size > 8192)
		return 0;
	buf = malloc(size + 2);
	if (buf == NULL)
		return 0;
	memcpy(buf, data, size);
	buf[size] = '\0';
	buf[size + 1] = '\0';
	tmpl = buf;
	tl = strlen(tmpl);
	value = tl < size ? buf + tl + 1 : buf + size;

	vars_all(&vars, pn, pv, "x");
	if (runbook_expand_argv(tmpl, &vars, &bac, &bav, &cause) != 0) {
		free(cause);
		free(buf);
		return 0;
	}
	cause = NULL;
	check_roundtrip(bac, bav);
	vars_all(&vars, pn, pv, value);
	if (runbook_expand_argv(tmpl, &vars, &ac, &av, &cause) == 0) {
		if (ac != bac)
			abort();	/* a value added or removed an argument */
		check_roundtrip(ac, av);
		if (*value != '\0' && strstr(tmpl, "{{") != NULL) {
			for (a = 0, holders = 0; a < ac; a++) {
				if (strstr(av[a], value) != NULL)
					holders++;
			}
			/* every word that differs from the benign one holds the
			 * value (the template used it there) */
			for (a = 0; a < ac; a++) {
				if (strcmp(av[a], bav[a]) != 0 && strstr(av[a], value) == NULL)
					abort();
			}
			(void)holders;
		}
		cmd_free_argv(ac, av);
	}
	free(cause);
	cmd_free_argv(bac, bav);
	free(buf);
	return 0;
}
