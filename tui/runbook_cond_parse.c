/* The condition language of check and wait steps (SUBJECT MEASURE OP
 * NUMBER, or a Prometheus query; see runbook.h): parsing, operators and
 * reading a number off a cell. */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "opsdeck/xmalloc.h"

#include "runbook_int.h"

/* Operators, longest first. */
static const struct {
	const char	*text;
	enum rb_op	 op;
} rb_ops[] = {
	{ "==", RB_EQ }, { "!=", RB_NE }, { "<=", RB_LE }, { ">=", RB_GE },
	{ "<", RB_LT }, { ">", RB_GT }, { "=", RB_EQ },
};

/* The text of an operator. */
const char *
rb_op_name(enum rb_op op)
{
	size_t i;

	for (i = 0; i < sizeof rb_ops / sizeof rb_ops[0]; i++) {
		if (rb_ops[i].op == op)
			return rb_ops[i].text;
	}
	return "?";
}

/* Evaluate lhs OP rhs. */
bool
rb_op_eval(enum rb_op op, double lhs, double rhs)
{
	switch (op) {
	case RB_EQ:
		return lhs == rhs;
	case RB_NE:
		return lhs != rhs;
	case RB_LT:
		return lhs < rhs;
	case RB_LE:
		return lhs <= rhs;
	case RB_GT:
		return lhs > rhs;
	case RB_GE:
		return lhs >= rhs;
	}
	return false;
}

/* Parse an operator token. */
int
rb_parse_op(const char *s, enum rb_op *op)
{
	size_t i;

	for (i = 0; i < sizeof rb_ops / sizeof rb_ops[0]; i++) {
		if (strcmp(s, rb_ops[i].text) == 0) {
			*op = rb_ops[i].op;
			return 0;
		}
	}
	return -1;
}

/* Parse a number token. */
static int
rb_parse_number(const char *s, double *v)
{
	char *end;

	errno = 0;
	*v = strtod(s, &end);
	if (end == s || *end != '\0' || errno != 0 || !isfinite(*v))
		return -1;
	return 0;
}

/* Free a condition's strings. */
void
rb_cond_free(struct rb_cond *c)
{
	size_t i;

	free(c->query);
	free(c->resource);
	free(c->ns);
	free(c->name);
	free(c->context);
	free(c->measure);
	for (i = 0; i < c->nfilters; i++) {
		free(c->keys[i]);
		free(c->values[i]);
	}
	free(c->keys);
	free(c->values);
	memset(c, 0, sizeof *c);
}

/* True if s is a plausible resource/namespace/name/label token. */
bool
rb_token_ok(const char *s, bool allow_empty)
{
	size_t i;

	if (*s == '\0')
		return allow_empty;
	for (i = 0; s[i] != '\0'; i++) {
		if (!isalnum((unsigned char)s[i]) && strchr("-._:/", s[i]) == NULL)
			return false;
	}
	return true;
}

/* Parse the {k=v,...} filter list (without braces). */
static int
rb_parse_filters(char *s, struct rb_cond *c, char **cause)
{
	char *tok, *save = NULL, *eq;

	for (tok = strtok_r(s, ",", &save); tok != NULL; tok = strtok_r(NULL, ",", &save)) {
		while (isspace((unsigned char)*tok))
			tok++;
		eq = strchr(tok, '=');
		if (eq == NULL || eq == tok) {
			*cause = xasprintf("filter '%s' is not k=v", tok);
			return -1;
		}
		*eq = '\0';
		if (!rb_token_ok(tok, false) || c->nfilters >= RB_FILTERS_MAX) {
			*cause = xasprintf("bad filter key '%s'", tok);
			return -1;
		}
		c->keys = xreallocarray(c->keys, c->nfilters + 1, sizeof *c->keys);
		c->values = xreallocarray(c->values, c->nfilters + 1, sizeof *c->values);
		c->keys[c->nfilters] = xstrdup(tok);
		c->values[c->nfilters] = xstrdup(eq + 1);
		c->nfilters++;
	}
	return 0;
}

/* Parse the subject: RESOURCE[/NS[/NAME]][{k=v,...}][@CONTEXT]. */
static int
rb_parse_subject(const char *subj, struct rb_cond *c, char **cause)
{
	char *s = xstrdup(subj), *at, *brace, *close, *slash;
	int rc = -1;

	at = strrchr(s, '@');
	if (at != NULL && (strchr(at, '}') == NULL)) {
		*at = '\0';
		if (!rb_token_ok(at + 1, false)) {
			*cause = xasprintf("bad context '%s'", at + 1);
			goto out;
		}
		c->context = xstrdup(at + 1);
	}
	brace = strchr(s, '{');
	if (brace != NULL) {
		close = strrchr(brace, '}');
		if (close == NULL || close[1] != '\0') {
			*cause = xstrdup("unbalanced '{' in condition");
			goto out;
		}
		*close = '\0';
		*brace = '\0';
		if (rb_parse_filters(brace + 1, c, cause) != 0)
			goto out;
	}
	slash = strchr(s, '/');
	if (slash != NULL) {
		*slash++ = '\0';
		close = strchr(slash, '/');
		if (close != NULL) {
			*close++ = '\0';
			if (!rb_token_ok(close, false) || strchr(close, '/') != NULL) {
				*cause = xasprintf("bad name '%s'", close);
				goto out;
			}
			c->name = xstrdup(close);
		}
		if (!rb_token_ok(slash, false)) {
			*cause = xasprintf("bad namespace '%s'", slash);
			goto out;
		}
		c->ns = xstrdup(slash);
	}
	if (!rb_token_ok(s, false) || strchr(s, ':') != NULL) {
		*cause = xasprintf("bad resource '%s'", s);
		goto out;
	}
	c->resource = xstrdup(s);
	rc = 0;
out:
	free(s);
	return rc;
}

/* Parse a condition. */
int
rb_cond_parse(const char *text, struct rb_cond *c, char **cause)
{
	char *s, *tok[4], *p, *q, *end;
	size_t n = 0, len;
	int rc = -1;

	memset(c, 0, sizeof *c);
	s = xstrdup(text);
	len = strlen(s);
	while (len > 0 && isspace((unsigned char)s[len - 1]))
		s[--len] = '\0';
	for (p = s; isspace((unsigned char)*p); p++)
		;
	if (strncmp(p, "prom ", 5) == 0) {
		/* prom QUERY OP NUMBER: split from the right. */
		end = strrchr(p, ' ');
		if (end == NULL)
			goto bad;
		*end = '\0';
		if (rb_parse_number(end + 1, &c->value) != 0)
			goto bad;
		while (end > p && end[-1] == ' ')
			*--end = '\0';
		q = strrchr(p, ' ');
		if (q == NULL || q < p + 4 || rb_parse_op(q + 1, &c->op) != 0)
			goto bad;
		*q = '\0';
		p += 5;
		while (isspace((unsigned char)*p))
			p++;
		if (*p == '\0')
			goto bad;
		c->prom = true;
		c->query = xstrdup(p);
		rc = 0;
		goto out;
	}
	/* The subject ends at the first blank outside braces. */
	while (*p != '\0' && n < 4) {
		int depth = 0;

		tok[n++] = p;
		while (*p != '\0' && (depth > 0 || !isspace((unsigned char)*p))) {
			if (*p == '{')
				depth++;
			else if (*p == '}')
				depth--;
			p++;
		}
		if (*p != '\0')
			*p++ = '\0';
		while (isspace((unsigned char)*p))
			p++;
	}
	if (n != 4 || *p != '\0')
		goto bad;
	if (rb_parse_subject(tok[0], c, cause) != 0)
		goto out;
	if (!rb_token_ok(tok[1], false)) {
		*cause = xasprintf("bad measure '%s'", tok[1]);
		goto out;
	}
	c->measure = xstrdup(tok[1]);
	if (rb_parse_op(tok[2], &c->op) != 0) {
		*cause = xasprintf("bad operator '%s' (== != < <= > >=)", tok[2]);
		goto out;
	}
	if (rb_parse_number(tok[3], &c->value) != 0) {
		*cause = xasprintf("bad number '%s'", tok[3]);
		goto out;
	}
	rc = 0;
	goto out;
bad:
	*cause = xasprintf("bad condition '%s' (want: RESOURCE[/NS[/NAME]][{k=v}][@CONTEXT] "
	    "MEASURE OP NUMBER, or prom QUERY OP NUMBER)", text);
out:
	if (rc != 0 && *cause == NULL)
		*cause = xstrdup("bad condition");
	if (rc != 0)
		rb_cond_free(c);
	free(s);
	return rc;
}

/* The number a cell starts with ("3/5" → 3), or -1. */
double
rb_cell_number(const char *s)
{
	char *end;
	double v;

	if (s == NULL)
		return -1;
	while (isspace((unsigned char)*s))
		s++;
	if (!isdigit((unsigned char)*s) && *s != '-')
		return -1;
	v = strtod(s, &end);
	if (end == s)
		return -1;
	return v;
}
