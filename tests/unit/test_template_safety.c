/* Values from clusters and alerts never become arguments, options or
 * commands: name validation (names.h), the quoting that is cmd_split's
 * inverse, template expansion into argument vectors, condition words, and
 * every template position of every shipped runbook fed hostile values. */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "opsdeck/cmd.h"
#include "opsdeck/names.h"
#include "opsdeck/runbook.h"
#include "opsdeck/xmalloc.h"

/* Values a hostile alert or cluster could carry. */
static const char *const hostile[] = {
	"production;touch /tmp/PWNED;#",
	"$(touch /tmp/PWNED)",
	"`touch /tmp/PWNED`",
	"it's",
	"say \"hi\"",
	"two words",
	"line\nbreak",
	"-n",
	"--kubeconfig=/tmp/evil",
	"back\\slash",
	"{{cluster}}",
	"a|b&&c>d",
	"\t",
	"@prod-tokyo",
};
#define NHOSTILE (sizeof hostile / sizeof hostile[0])

static void
test_names(void **state)
{
	char long_label[65], long_sub[256];

	(void)state;
	assert_true(name_is_dns1123_label("a"));
	assert_true(name_is_dns1123_label("production"));
	assert_true(name_is_dns1123_label("0ab-9"));
	assert_false(name_is_dns1123_label(""));
	assert_false(name_is_dns1123_label("-a"));
	assert_false(name_is_dns1123_label("a-"));
	assert_false(name_is_dns1123_label("Prod"));
	assert_false(name_is_dns1123_label("a_b"));
	assert_false(name_is_dns1123_label("a.b"));
	memset(long_label, 'a', 64);
	long_label[64] = '\0';
	assert_false(name_is_dns1123_label(long_label));
	long_label[63] = '\0';
	assert_true(name_is_dns1123_label(long_label));

	assert_true(name_is_dns1123_subdomain("backend-86759859d7-dbslj"));
	assert_true(name_is_dns1123_subdomain("ip-10-0-0-1.ec2.internal"));
	assert_false(name_is_dns1123_subdomain("a..b"));
	assert_false(name_is_dns1123_subdomain(".a"));
	assert_false(name_is_dns1123_subdomain("a."));
	assert_false(name_is_dns1123_subdomain("a/b"));
	memset(long_sub, 'a', 254);
	long_sub[254] = '\0';
	assert_false(name_is_dns1123_subdomain(long_sub));
	long_sub[253] = '\0';
	assert_true(name_is_dns1123_subdomain(long_sub));

	assert_true(name_is_alert("HighMemoryUsage"));
	assert_true(name_is_alert("job:up_ratio"));
	assert_false(name_is_alert("1Bad"));
	assert_false(name_is_alert("High Memory"));

	assert_true(name_is_context("viewer@prod-tokyo"));
	assert_true(name_is_context("arn:aws:eks:ap-northeast-1:1:cluster/prod"));
	assert_false(name_is_context("-n"));
	assert_false(name_is_context("a b"));
	assert_false(name_is_context("a\x1b[2J"));

	assert_null(name_object_rule("deployments", "backend"));
	assert_non_null(name_object_rule("deployments", "HighMemoryUsage"));
	assert_null(name_object_rule("alerts", "HighMemoryUsage"));
	assert_non_null(name_object_rule("alerts", "a;b"));
	assert_null(name_object_rule("silences", "0b1c2d3e-aaaa-bbbb-cccc-0123456789ab"));
	assert_non_null(name_object_rule("silences", "x y"));
}

/* cmd_quote_argv is cmd_split's inverse, for every hostile word. */
static void
test_quote_roundtrip(void **state)
{
	char *words[NHOSTILE + 2], **back = NULL, *line, *cause = NULL;
	int n = 0, i;

	(void)state;
	words[0] = "kubectl";
	for (i = 0; i < (int)NHOSTILE; i++)
		words[i + 1] = (char *)hostile[i];
	words[NHOSTILE + 1] = "";
	line = cmd_quote_argv((int)NHOSTILE + 2, words);
	assert_int_equal(cmd_split(line, &n, &back, &cause), 0);
	assert_int_equal(n, (int)NHOSTILE + 2);
	for (i = 0; i < n; i++)
		assert_string_equal(back[i], words[i]);
	/* plain words stay plain */
	assert_int_equal(strncmp(line, "kubectl \"", 9), 0);
	cmd_free_argv(n, back);
	free(line);
}

/* The role lookup of the tests. */
static const char *role_value;

static const char *
test_role(const char *role, void *arg)
{
	(void)role;
	(void)arg;
	return role_value;
}

/* Benign values for every template name. */
static void
benign_vars(struct rb_vars *v, const char **pnames, const char **pvalues, size_t np)
{
	memset(v, 0, sizeof *v);
	v->cluster = "prod-tokyo";
	v->ns = "production";
	v->name = "backend";
	v->kind = "deployments";
	v->pnames = pnames;
	v->pvalues = pvalues;
	v->nparams = np;
	v->role = test_role;
	role_value = "prod-osaka";
}

/* A parameter holding anything stays exactly one argument. */
static void
test_argv_params(void **state)
{
	const char *pn[] = { "x" }, *pv[1];
	struct rb_vars v;
	char **av = NULL, *cause = NULL;
	int ac = 0;
	size_t i;

	(void)state;
	for (i = 0; i < NHOSTILE; i++) {
		if (strchr(hostile[i], '\n') != NULL || strchr(hostile[i], '\t') != NULL)
			continue;	/* control characters: refused, below */
		pv[0] = hostile[i];
		benign_vars(&v, pn, pv, 1);
		assert_int_equal(runbook_expand_argv("kubectl top pods -n {{ param.x }} "
		    "--sort-by=memory", &v, &ac, &av, &cause), 0);
		assert_int_equal(ac, 6);
		assert_string_equal(av[0], "kubectl");
		assert_string_equal(av[4], hostile[i]);
		assert_string_equal(av[5], "--sort-by=memory");
		cmd_free_argv(ac, av);
		/* inside a word with other text, and inside quotes */
		assert_int_equal(runbook_expand_argv("echo 'to: {{param.x}}' x={{param.x}}", &v,
		    &ac, &av, &cause), 0);
		assert_int_equal(ac, 3);
		assert_non_null(strstr(av[1], hostile[i]));
		assert_int_equal(strncmp(av[2], "x=", 2), 0);
		assert_string_equal(av[2] + 2, hostile[i]);
		cmd_free_argv(ac, av);
	}
	/* a control character in a parameter is refused, shown visibly */
	pv[0] = "a\nb";
	benign_vars(&v, pn, pv, 1);
	assert_int_equal(runbook_expand_argv("echo {{param.x}}", &v, &ac, &av, &cause), -1);
	assert_non_null(strstr(cause, "refused"));
	assert_null(strchr(cause, '\n'));
	free(cause);
}

/* Values claiming to be a namespace, name, kind or context that are not
 * are refused, with the value in the message. */
static void
test_argv_refused(void **state)
{
	struct rb_vars v;
	char **av = NULL, *cause = NULL;
	int ac = 0;
	size_t i;

	(void)state;
	for (i = 0; i < NHOSTILE; i++) {
		benign_vars(&v, NULL, NULL, 0);
		v.ns = hostile[i];
		assert_int_equal(runbook_expand_argv("kubectl -n {{namespace}} get pods", &v,
		    &ac, &av, &cause), -1);
		assert_non_null(strstr(cause, "refused: {{namespace}}"));
		assert_non_null(strstr(cause, "DNS-1123 label"));
		assert_null(strchr(cause, '\n'));
		assert_null(strchr(cause, '\t'));
		free(cause);
		cause = NULL;

		benign_vars(&v, NULL, NULL, 0);
		v.name = hostile[i];
		assert_int_equal(runbook_expand_argv("scale 3 -t deployments/{{name}}", &v,
		    &ac, &av, &cause), -1);
		assert_non_null(strstr(cause, "refused: {{name}}"));
		free(cause);
		cause = NULL;

		/* context names are broad ("it's" is one); blanks, control
		 * characters and a leading '-' are refused, the rest is one word */
		benign_vars(&v, NULL, NULL, 0);
		v.cluster = hostile[i];
		if (!name_is_context(hostile[i])) {
			assert_int_equal(runbook_expand_argv("kubectl --context {{cluster}} get "
			    "pods", &v, &ac, &av, &cause), -1);
			assert_non_null(strstr(cause, "refused: {{cluster}}"));
			free(cause);
			cause = NULL;
			benign_vars(&v, NULL, NULL, 0);
			role_value = hostile[i];
			assert_int_equal(runbook_expand_argv("echo {{role:dr}}", &v, &ac, &av,
			    &cause), -1);
			assert_non_null(strstr(cause, "refused: {{role:dr}}"));
			free(cause);
			cause = NULL;
		} else {
			assert_int_equal(runbook_expand_argv("kubectl --context {{cluster}} get "
			    "pods", &v, &ac, &av, &cause), 0);
			assert_int_equal(ac, 5);
			assert_string_equal(av[2], hostile[i]);
			cmd_free_argv(ac, av);
		}
	}
	/* the message shows the value whole */
	benign_vars(&v, NULL, NULL, 0);
	v.ns = "production;touch /tmp/PWNED;#";
	assert_int_equal(runbook_expand_argv("echo {{namespace}}", &v, &ac, &av, &cause), -1);
	assert_non_null(strstr(cause, "'production;touch /tmp/PWNED;#'"));
	free(cause);
	/* the same value as text is refused too: it is not a namespace */
	cause = NULL;
	assert_null(runbook_expand("Restart {{namespace}}?", &v, &cause));
	free(cause);
}

/* Condition values must stay one word of the condition. */
static void
test_cond_words(void **state)
{
	const char *pn[] = { "n" }, *pv[1];
	struct rb_vars v;
	char *x, *cause = NULL;
	static const char *const bad[] = { "5 @prod-tokyo", "a/b", "x{a=b}", "1,2", "@dev" };
	size_t i;

	(void)state;
	pv[0] = "5";
	benign_vars(&v, pn, pv, 1);
	x = runbook_expand_cond("deployments/{{namespace}}/backend@{{role:dr}} available >= "
	    "{{param.n}}", &v, &cause);
	assert_non_null(x);
	assert_string_equal(x, "deployments/production/backend@prod-osaka available >= 5");
	free(x);
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		pv[0] = bad[i];
		assert_null(runbook_expand_cond("deployments/production available >= {{param.n}}",
		    &v, &cause));
		assert_non_null(strstr(cause, "one word of a condition"));
		free(cause);
		cause = NULL;
		/* as an exec argument the same value is fine: one argument */
		x = runbook_expand("{{param.n}}", &v, &cause);
		assert_string_equal(x, bad[i]);
		free(x);
	}
}

/* The names used in a template, in order (new strings into out). */
static size_t
template_names(const char *tmpl, char **out, size_t max)
{
	const char *p = tmpl, *open, *close;
	size_t n = 0, a, b;
	char *name;

	while ((open = strstr(p, "{{")) != NULL && (close = strstr(open + 2, "}}")) != NULL) {
		name = xstrndup(open + 2, (size_t)(close - open - 2));
		for (a = 0; name[a] == ' '; a++)
			;
		b = strlen(name);
		while (b > a && name[b - 1] == ' ')
			b--;
		name[b] = '\0';
		if (n < max)
			out[n++] = xstrdup(name + a);
		free(name);
		p = close + 2;
	}
	return n;
}

/* Vars with one template position set to value. */
static void
poison(struct rb_vars *v, const struct runbook *rb, const char **pv, const char *pos,
    const char *value)
{
	size_t i;

	for (i = 0; i < rb->nparams; i++)
		pv[i] = rb->params[i].def != NULL ? rb->params[i].def : "7";
	if (strcmp(pos, "cluster") == 0)
		v->cluster = value;
	else if (strcmp(pos, "namespace") == 0)
		v->ns = value;
	else if (strcmp(pos, "name") == 0)
		v->name = value;
	else if (strcmp(pos, "kind") == 0)
		v->kind = value;
	else if (strncmp(pos, "role:", 5) == 0)
		role_value = value;
	else if (strncmp(pos, "param.", 6) == 0) {
		for (i = 0; i < rb->nparams; i++) {
			if (strcmp(rb->params[i].name, pos + 6) == 0)
				pv[i] = value;
		}
	}
}

/* Every shipped runbook, every exec and action step, every template
 * position, every hostile value: refused, or the same number of words as
 * with benign values and the value inside exactly one of them. */
static void
test_shipped_positions(void **state)
{
	const char *pn[32], *pv[32];
	struct runbook *rb;
	struct rb_vars v;
	struct dirent *de;
	char *path, *cause = NULL, **av = NULL, **bav = NULL, *names[16];
	size_t s, k, h, nn, i, nrun = 0, nrefused = 0, nbooks = 0, holders;
	int ac, bac, a;
	DIR *d;

	(void)state;
	d = opendir("runbooks");
	assert_non_null(d);
	while ((de = readdir(d)) != NULL) {
		if (strstr(de->d_name, ".yaml") == NULL)
			continue;
		path = xasprintf("runbooks/%s", de->d_name);
		rb = runbook_load(path, &cause);
		if (rb == NULL)
			fail_msg("%s", cause);
		nbooks++;
		assert_true(rb->nparams <= 32);
		for (i = 0; i < rb->nparams; i++)
			pn[i] = rb->params[i].name;
		for (s = 0; s < rb->nsteps; s++) {
			const struct rb_step *st = &rb->steps[s];

			if (st->kind != RB_EXEC && st->kind != RB_ACTION)
				continue;
			benign_vars(&v, pn, pv, rb->nparams);
			poison(&v, rb, pv, "", "");
			assert_int_equal(runbook_expand_argv(st->text, &v, &bac, &bav, &cause), 0);
			nn = template_names(st->text, names, 16);
			for (k = 0; k < nn; k++) {
				for (h = 0; h < NHOSTILE; h++) {
					benign_vars(&v, pn, pv, rb->nparams);
					poison(&v, rb, pv, names[k], hostile[h]);
					if (runbook_expand_argv(st->text, &v, &ac, &av, &cause) != 0) {
						assert_non_null(strstr(cause, "refused"));
						free(cause);
						cause = NULL;
						nrefused++;
						continue;
					}
					nrun++;
					if (ac != bac)
						fail_msg("%s step %zu: {{%s}}='%s' gives %d words, "
						    "not %d", rb->name, s + 1, names[k], hostile[h],
						    ac, bac);
					for (a = 0, holders = 0; a < ac; a++) {
						if (strstr(av[a], hostile[h]) != NULL)
							holders++;
					}
					assert_true(holders >= 1);
					cmd_free_argv(ac, av);
				}
				free(names[k]);
			}
			cmd_free_argv(bac, bav);
		}
		runbook_free(rb);
		free(path);
	}
	closedir(d);
	assert_true(nbooks >= 12);
	/* both outcomes happened: names refused, parameters passed whole */
	assert_true(nrefused > 0);
	assert_true(nrun > 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_quote_roundtrip),
		cmocka_unit_test(test_argv_params),
		cmocka_unit_test(test_argv_refused),
		cmocka_unit_test(test_cond_words),
		cmocka_unit_test(test_shipped_positions),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
