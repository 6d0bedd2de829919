/* Runbook templates: the {{...}} names a runbook may use, and their
 * expansion into text, a condition or an argument vector, each value
 * checked for what it claims to be before it goes anywhere. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "opsdeck/names.h"
#include "opsdeck/sanitize.h"
#include "opsdeck/xmalloc.h"

#include "runbook_int.h"

/* Does runbook rb know template name (without braces, trimmed)? */
static bool
rb_template_known(const struct runbook *rb, const char *name)
{
	size_t i;

	if (strcmp(name, "cluster") == 0 || strcmp(name, "namespace") == 0 ||
	    strcmp(name, "name") == 0 || strcmp(name, "kind") == 0)
		return true;
	if (strncmp(name, "role:", 5) == 0)
		return name[5] != '\0';
	if (strncmp(name, "param.", 6) == 0) {
		for (i = 0; i < rb->nparams; i++) {
			if (strcmp(rb->params[i].name, name + 6) == 0)
				return true;
		}
	}
	return false;
}

/* Call cb for each {{name}} in tmpl; errors on unbalanced braces. */
static int
rb_template_walk(const char *tmpl, int (*cb)(const char *name, void *arg), void *arg,
    char **cause)
{
	const char *s = tmpl, *open, *close;
	char *name, *a, *b;
	int rc;

	for (open = strstr(s, "{{"); open != NULL; open = strstr(s, "{{")) {
		close = strstr(open + 2, "}}");
		if (close == NULL) {
			*cause = xstrdup("unclosed '{{' in template");
			return -1;
		}
		name = xstrndup(open + 2, (size_t)(close - open - 2));
		for (a = name; isspace((unsigned char)*a); a++)
			;
		b = a + strlen(a);
		while (b > a && isspace((unsigned char)b[-1]))
			*--b = '\0';
		rc = cb(a, arg);
		if (rc != 0) {
			if (*cause == NULL)
				*cause = xasprintf("unknown template '{{%s}}'", a);
			free(name);
			return -1;
		}
		free(name);
		s = close + 2;
	}
	return 0;
}

/* Argument of the validity walker. */
struct rb_check_arg {
	const struct runbook	*rb;
};

/* Template callback: is the name known? */
static int
rb_check_cb(const char *name, void *arg)
{
	struct rb_check_arg *ca = arg;

	return rb_template_known(ca->rb, name) ? 0 : -1;
}

/* Check templates of tmpl against rb. */
int
runbook_check_template(const struct runbook *rb, const char *tmpl, char **cause)
{
	struct rb_check_arg ca = { rb };

	return rb_template_walk(tmpl, rb_check_cb, &ca, cause);
}

/* Template callback: does the name stand for the target object? */
static int
rb_target_cb(const char *name, void *arg)
{
	bool *uses = arg;

	if (strcmp(name, "name") == 0 || strcmp(name, "kind") == 0)
		*uses = true;
	return 0;
}

/* Does rb act on its target object ({{name}} or {{kind}} in a step)? */
bool
runbook_uses_target(const struct runbook *rb)
{
	bool uses = false;
	char *cause = NULL;
	size_t i;

	for (i = 0; i < rb->nsteps; i++) {
		if (rb_template_walk(rb->steps[i].text, rb_target_cb, &uses, &cause) != 0 ||
		    (rb->steps[i].context != NULL && rb_template_walk(rb->steps[i].context,
		    rb_target_cb, &uses, &cause) != 0)) {
			free(cause);
			cause = NULL;
		}
	}
	return uses;
}

/* Expansion state. */
struct rb_expand {
	const struct rb_vars	*vars;
	bool			 cond;	/* into a condition: values must be one token */
	char			*out;
	size_t			 len;
	char			*cause;
};

/* Append n bytes of s to the expansion. */
static int
rb_expand_add(struct rb_expand *e, const char *s, size_t n)
{
	if (e->len + n > RB_EXPAND_MAX) {
		e->cause = xstrdup("template expands too large");
		return -1;
	}
	e->out = xrealloc(e->out, e->len + n + 1);
	memcpy(e->out + e->len, s, n);
	e->len += n;
	e->out[e->len] = '\0';
	return 0;
}

/* A value that stays one word of a condition: it cannot add a part to
 * RESOURCE/NS/NAME, a filter, an @CONTEXT or another token. */
static bool
rb_cond_word_ok(const char *s)
{
	for (; *s != '\0'; s++) {
		if (!isalnum((unsigned char)*s) && strchr("-._:", *s) == NULL)
			return false;
	}
	return true;
}

/* Refuse val for {{name}} with the value shown sanitised. */
static int
rb_value_refuse(struct rb_expand *e, const char *name, const char *val, const char *rule)
{
	char *clean = sanitize_str(val, 0);

	e->cause = xasprintf("refused: {{%s}} is '%s', which is not %s", name, clean, rule);
	free(clean);
	return -1;
}

/* Is val what {{name}} claims to be? Values come from clusters, alerts,
 * the kubeconfig and the operator; each is checked for its kind before it
 * goes anywhere. 0, or -1 with e->cause. */
static int
rb_value_check(struct rb_expand *e, const char *name, const char *val)
{
	const unsigned char *p;
	const char *rule = NULL;

	if (strcmp(name, "namespace") == 0) {
		if (!name_is_dns1123_label(val))
			rule = "a namespace (a DNS-1123 label: a-z, 0-9 and '-', at most 63)";
	} else if (strcmp(name, "name") == 0)
		rule = name_object_rule(e->vars->kind, val);
	else if (strcmp(name, "kind") == 0) {
		if (!name_is_resource(val))
			rule = "a resource name";
	} else if (strcmp(name, "cluster") == 0 || strncmp(name, "role:", 5) == 0) {
		if (!name_is_context(val))
			rule = "a context name (no spaces or control characters, no leading '-')";
	} else {
		/* parameters: the operator's words, one argument each, but no
		 * control characters */
		for (p = (const unsigned char *)val; *p != '\0'; p++) {
			if (*p < 0x20 || *p == 0x7f) {
				rule = "a parameter value (control characters are not allowed)";
				break;
			}
		}
	}
	if (rule == NULL && e->cond && !rb_cond_word_ok(val))
		rule = "one word of a condition (letters, digits, '-', '.', '_', ':')";
	if (rule != NULL)
		return rb_value_refuse(e, name, val, rule);
	return 0;
}

/* The value of template name, or NULL with e->cause. */
static const char *
rb_expand_value(struct rb_expand *e, const char *name)
{
	const struct rb_vars *v = e->vars;
	const char *val = NULL;
	size_t i;

	if (strcmp(name, "cluster") == 0)
		val = v->cluster;
	else if (strcmp(name, "namespace") == 0)
		val = v->ns;
	else if (strcmp(name, "name") == 0)
		val = v->name;
	else if (strcmp(name, "kind") == 0)
		val = v->kind;
	else if (strncmp(name, "param.", 6) == 0) {
		for (i = 0; i < v->nparams; i++) {
			if (strcmp(v->pnames[i], name + 6) == 0) {
				val = v->pvalues[i];
				break;
			}
		}
		if (i == v->nparams) {
			e->cause = xasprintf("unknown parameter '%s'", name + 6);
			return NULL;
		}
	} else if (strncmp(name, "role:", 5) == 0) {
		val = v->role != NULL ? v->role(name + 5, v->arg) : NULL;
		if (val == NULL) {
			e->cause = xasprintf("no context has role '%s'", name + 5);
			return NULL;
		}
	} else {
		e->cause = xasprintf("unknown template '{{%s}}'", name);
		return NULL;
	}
	if (val == NULL || *val == '\0') {
		e->cause = xasprintf("'{{%s}}' has no value here (give a target or --param)",
		    name);
		return NULL;
	}
	if (rb_value_check(e, name, val) != 0)
		return NULL;
	return val;
}

/* Expand {{...}} in tmpl; cond: the result is a condition. */
static char *
rb_expand(const char *tmpl, const struct rb_vars *vars, bool cond, char **cause)
{
	struct rb_expand e;
	const char *s = tmpl, *open, *close, *val;
	char *name, *a, *b;

	memset(&e, 0, sizeof e);
	e.vars = vars;
	e.cond = cond;
	rb_expand_add(&e, "", 0);
	for (open = strstr(s, "{{"); open != NULL; open = strstr(s, "{{")) {
		if (rb_expand_add(&e, s, (size_t)(open - s)) != 0)
			goto fail;
		close = strstr(open + 2, "}}");
		if (close == NULL) {
			e.cause = xstrdup("unclosed '{{' in template");
			goto fail;
		}
		name = xstrndup(open + 2, (size_t)(close - open - 2));
		for (a = name; isspace((unsigned char)*a); a++)
			;
		b = a + strlen(a);
		while (b > a && isspace((unsigned char)b[-1]))
			*--b = '\0';
		val = rb_expand_value(&e, a);
		free(name);
		if (val == NULL || rb_expand_add(&e, val, strlen(val)) != 0)
			goto fail;
		s = close + 2;
	}
	if (rb_expand_add(&e, s, strlen(s)) != 0)
		goto fail;
	return e.out;
fail:
	*cause = e.cause;
	free(e.out);
	return NULL;
}

/* Expand {{...}} in tmpl (text: notes, questions, titles). */
char *
runbook_expand(const char *tmpl, const struct rb_vars *vars, char **cause)
{
	return rb_expand(tmpl, vars, false, cause);
}

/* Expand a check/wait condition: every value must be one condition word. */
char *
runbook_expand_cond(const char *tmpl, const struct rb_vars *vars, char **cause)
{
	return rb_expand(tmpl, vars, true, cause);
}

/* tmpl with the blanks inside {{ ... }} removed, so that splitting it
 * into words never cuts a template apart (new). */
static char *
rb_template_tight(const char *tmpl)
{
	char *out = xmalloc(strlen(tmpl) + 1), *o = out;
	const char *s = tmpl;
	int depth = 0;

	while (*s != '\0') {
		if (s[0] == '{' && s[1] == '{') {
			depth = 1;
			*o++ = *s++;
			*o++ = *s++;
			continue;
		}
		if (depth && s[0] == '}' && s[1] == '}') {
			depth = 0;
			*o++ = *s++;
			*o++ = *s++;
			continue;
		}
		if (depth && isspace((unsigned char)*s)) {
			s++;
			continue;
		}
		*o++ = *s++;
	}
	*o = '\0';
	return out;
}

/* Split tmpl into words as the command line does, then expand each word:
 * a value is always inside exactly one word, whatever it holds. */
int
runbook_expand_argv(const char *tmpl, const struct rb_vars *vars, int *argc, char ***argv,
    char **cause)
{
	char *tight, **words = NULL, *x;
	int n = 0, i;

	*argc = 0;
	*argv = NULL;
	tight = rb_template_tight(tmpl);
	if (cmd_split(tight, &n, &words, cause) != 0) {
		free(tight);
		return -1;
	}
	free(tight);
	if (n == 0) {
		cmd_free_argv(n, words);
		*cause = xstrdup("empty command");
		return -1;
	}
	for (i = 0; i < n; i++) {
		x = rb_expand(words[i], vars, false, cause);
		if (x == NULL) {
			cmd_free_argv(n, words);
			return -1;
		}
		free(words[i]);
		words[i] = x;
	}
	*argc = n;
	*argv = words;
	return 0;
}
