/* Runbooks: YAML parsing and validation, templates, conditions. */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <yaml.h>

#include "opsdeck/duration.h"
#include "opsdeck/file.h"
#include "opsdeck/names.h"
#include "opsdeck/runbook.h"
#include "opsdeck/sanitize.h"
#include "opsdeck/xmalloc.h"
#include "opsdeck/ydoc.h"

/* Hard caps: a runbook file, steps, parameters, list entries, a template. */
#define RB_FILE_MAX	(1024 * 1024)
#define RB_STEPS_MAX	200
#define RB_PARAMS_MAX	32
#define RB_LIST_MAX	64
#define RB_TEXT_MAX	(16 * 1024)
#define RB_EXPAND_MAX	(64 * 1024)
#define RB_FILTERS_MAX	16

/* Names of step kinds, indexed by enum rb_kind. */
static const char *const rb_kind_names[] = {
	"action", "check", "wait", "confirm", "exec", "note",
};

/* The YAML key of a step kind. */
const char *
rb_kind_name(enum rb_kind k)
{
	if ((size_t)k < sizeof rb_kind_names / sizeof rb_kind_names[0])
		return rb_kind_names[k];
	return "?";
}

/* Parser state while walking one document. */
struct rb_parse {
	yaml_document_t	*doc;
	const char	*fname;
	char		*cause;
};

/* Record an error at node n (first error wins). */
static int __attribute__((format(printf, 3, 4)))
rb_err(struct rb_parse *p, yaml_node_t *n, const char *fmt, ...)
{
	va_list ap;
	char *msg;

	if (p->cause != NULL)
		return -1;
	va_start(ap, fmt);
	msg = xvasprintf(fmt, ap);
	va_end(ap);
	if (n != NULL)
		p->cause = xasprintf("%s:%d: %s", p->fname, ydoc_line(n), msg);
	else
		p->cause = xasprintf("%s: %s", p->fname, msg);
	free(msg);
	return -1;
}

/* A new copy of scalar n, or an error naming what. */
static int
rb_get_str(struct rb_parse *p, yaml_node_t *n, const char *what, char **out)
{
	const char *s = ydoc_str(n);

	if (s == NULL)
		return rb_err(p, n, "%s must be a string", what);
	if (strlen(s) > RB_TEXT_MAX)
		return rb_err(p, n, "%s is too long", what);
	free(*out);
	*out = xstrdup(s);
	return 0;
}

/* A list of strings (a sequence of scalars, or one scalar). */
static int
rb_get_list(struct rb_parse *p, yaml_node_t *n, const char *what, char ***out, size_t *nout)
{
	yaml_node_item_t *it;
	yaml_node_t *e;
	const char *s;

	if (n->type == YAML_SCALAR_NODE) {
		*out = xreallocarray(*out, *nout + 1, sizeof **out);
		(*out)[(*nout)++] = xstrdup(ydoc_str(n));
		return 0;
	}
	if (n->type != YAML_SEQUENCE_NODE)
		return rb_err(p, n, "%s must be a list of strings", what);
	for (it = n->data.sequence.items.start; it < n->data.sequence.items.top; it++) {
		e = yaml_document_get_node(p->doc, *it);
		s = ydoc_str(e);
		if (s == NULL)
			return rb_err(p, e, "%s must be a list of strings", what);
		if (*nout >= RB_LIST_MAX)
			return rb_err(p, e, "%s has too many entries", what);
		*out = xreallocarray(*out, *nout + 1, sizeof **out);
		(*out)[(*nout)++] = xstrdup(s);
	}
	return 0;
}

/* A duration as runbooks and the console take it (duration.h), at most a
 * week; -1 if it is not one. */
double
rb_parse_duration(const char *s)
{
	double d;

	if (duration_parse(s, &d, NULL) != 0 || d > 7 * 86400)
		return -1;
	return d;
}

/* Format an elapsed time as "0m16s" or "1h02m03s". */
void
rb_format_duration(double secs, char *buf, size_t len)
{
	long t = secs > 0 ? (long)secs : 0;

	if (t >= 3600)
		snprintf(buf, len, "%ldh%02ldm%02lds", t / 3600, t / 60 % 60, t % 60);
	else
		snprintf(buf, len, "%ldm%02lds", t / 60, t % 60);
}

/* Format a limit as written in runbooks: "2h", "2h30m", "5m", "1m30s", "45s". */
void
rb_format_limit(double secs, char *buf, size_t len)
{
	long t = secs > 0 ? (long)secs : 0, h = t / 3600, m = t / 60 % 60, s = t % 60;
	size_t o = 0;

	buf[0] = '\0';
	if (h > 0)
		o += (size_t)snprintf(buf + o, len - o, "%ldh", h);
	if (m > 0 && o < len)
		o += (size_t)snprintf(buf + o, len - o, "%ldm", m);
	if ((s > 0 || t == 0) && o < len)
		snprintf(buf + o, len - o, "%lds", s);
}

/* The RTO clock: "RTO 2h: 0m16s used, 1h59m44s left" (the time left only
 * while running) or "RTO 5m: 6m02s used, EXCEEDED by 1m02s"; "" without an
 * RTO. */
void
rb_format_rto(double rto, double elapsed, bool running, char *buf, size_t len)
{
	char limit[32], used[32], rest[32];

	elapsed = elapsed > 0 ? (double)(long)elapsed : 0;	/* used + left = rto */
	if (rto <= 0) {
		snprintf(buf, len, "%s", "");
		return;
	}
	rb_format_limit(rto, limit, sizeof limit);
	rb_format_duration(elapsed, used, sizeof used);
	if (elapsed > rto) {
		rb_format_duration(elapsed - rto, rest, sizeof rest);
		snprintf(buf, len, "RTO %s: %s used, EXCEEDED by %s", limit, used, rest);
	} else if (running) {
		rb_format_duration(rto - elapsed, rest, sizeof rest);
		snprintf(buf, len, "RTO %s: %s used, %s left", limit, used, rest);
	} else
		snprintf(buf, len, "RTO %s: %s used", limit, used);
}

/* A duration option of a step. */
static int
rb_get_duration(struct rb_parse *p, yaml_node_t *n, const char *what, double *out)
{
	const char *s = ydoc_str(n), *why;
	double d;

	if (s == NULL)
		return rb_err(p, n, "%s must be a duration", what);
	if (duration_parse(s, &d, &why) != 0)
		return rb_err(p, n, "%s: bad duration '%s': %s", what, s, why);
	if (rb_parse_duration(s) < 0)
		return rb_err(p, n, "%s: bad duration '%s': more than a week", what, s);
	*out = d;
	return 0;
}

/* True if s is a lower-case name: [a-z0-9][a-z0-9-]*. */
static bool
rb_valid_name(const char *s, bool allow_underscore)
{
	size_t i;

	if (s == NULL || *s == '\0' || strlen(s) > 63)
		return false;
	for (i = 0; s[i] != '\0'; i++) {
		if (islower((unsigned char)s[i]) || isdigit((unsigned char)s[i]) ||
		    (i > 0 && s[i] == '-'))
			continue;
		if (allow_underscore && (s[i] == '_' || isupper((unsigned char)s[i])))
			continue;
		return false;
	}
	return true;
}

/* Names of parameter types, indexed by enum rb_ptype. */
static const char *const rb_ptype_names[] = {
	"string", "int", "duration", "enum", "bool", "context", "role", "revision",
};

const char *
rb_ptype_name(enum rb_ptype t)
{
	return (size_t)t < sizeof rb_ptype_names / sizeof rb_ptype_names[0] ?
	    rb_ptype_names[t] : "?";
}

/* An integer value of a parameter: digits with an optional sign. */
static bool
rb_parse_int(const char *s, double *out)
{
	char *end;
	long long v;

	if (s == NULL || *s == '\0' || isspace((unsigned char)*s))
		return false;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno != 0 || *end != '\0' || v > 1000000000LL || v < -1000000000LL)
		return false;
	*out = (double)v;
	return true;
}

/* The number a value of parameter pa stands for (int: itself, duration:
 * seconds); false if it is not one. */
static bool
rb_param_number(const struct rb_param *pa, const char *value, double *out)
{
	if (pa->type == RB_P_DURATION) {
		*out = rb_parse_duration(value);
		return *out >= 0;
	}
	return rb_parse_int(value, out);
}

/* Check a value against a parameter's type. */
int
runbook_param_check(const struct runbook *rb, size_t i, const char *value, char **cause)
{
	const struct rb_param *pa = &rb->params[i];
	char *clean, lim[32];
	double v;
	size_t j;

	clean = sanitize_str(value, 0);
	switch (pa->type) {
	case RB_P_INT:
	case RB_P_DURATION:
		if (!rb_param_number(pa, value, &v)) {
			*cause = xasprintf("parameter '%s' must be %s, not '%s'", pa->name,
			    pa->type == RB_P_INT ? "an integer" : "a duration (90s, 5m, 1h30m)",
			    clean);
			goto bad;
		}
		if ((pa->has_min && v < pa->min) || (pa->has_max && v > pa->max)) {
			if (pa->type == RB_P_DURATION)
				rb_format_limit(pa->has_min && v < pa->min ? pa->min : pa->max,
				    lim, sizeof lim);
			else
				snprintf(lim, sizeof lim, "%.0f", pa->has_min && v < pa->min ?
				    pa->min : pa->max);
			*cause = xasprintf("parameter '%s' must be %s %s, not %s", pa->name,
			    pa->has_min && v < pa->min ? "at least" : "at most", lim, clean);
			goto bad;
		}
		break;
	case RB_P_BOOL:
		if (strcmp(value, "true") != 0 && strcmp(value, "false") != 0 &&
		    strcmp(value, "yes") != 0 && strcmp(value, "no") != 0) {
			*cause = xasprintf("parameter '%s' must be true or false, not '%s'",
			    pa->name, clean);
			goto bad;
		}
		break;
	case RB_P_REVISION:
		if (!rb_parse_int(value, &v) || v < 0) {
			*cause = xasprintf("parameter '%s' must be a revision number (0: the "
			    "previous one), not '%s'", pa->name, clean);
			goto bad;
		}
		break;
	case RB_P_CONTEXT:
	case RB_P_ROLE:
		if (!rb_valid_name(value, true) && strchr(value, '@') == NULL) {
			*cause = xasprintf("parameter '%s' must be a %s name, not '%s'", pa->name,
			    rb_ptype_name(pa->type), clean);
			goto bad;
		}
		break;
	case RB_P_STRING:
	case RB_P_ENUM:
		break;
	}
	for (j = 0; j < pa->nchoices; j++) {
		if (strcmp(pa->choices[j], value) == 0)
			break;
	}
	if (pa->nchoices > 0 && j == pa->nchoices) {
		*cause = xasprintf("parameter '%s' must be one of its choices, not '%s'",
		    pa->name, clean);
		goto bad;
	}
	free(clean);
	return 0;
bad:
	free(clean);
	return -1;
}

/* The number one side of a rule stands for, or false. */
static bool
rb_rule_side(const struct runbook *rb, const char *side, const char *const *values,
    double *out, const char **pname)
{
	size_t i;

	*pname = NULL;
	for (i = 0; i < rb->nparams; i++) {
		if (strcmp(rb->params[i].name, side) == 0) {
			*pname = rb->params[i].name;
			return values != NULL && values[i] != NULL &&
			    rb_param_number(&rb->params[i], values[i], out);
		}
	}
	return rb_parse_int(side, out) || (*out = rb_parse_duration(side)) >= 0;
}

/* Check the rules between parameters. */
int
runbook_rules_check(const struct runbook *rb, const char *const *values, char **cause)
{
	const struct rb_rule *ru;
	const char *ln, *rn;
	double l, r;
	size_t i;

	for (i = 0; i < rb->nrules; i++) {
		ru = &rb->rules[i];
		if (!rb_rule_side(rb, ru->lhs, values, &l, &ln) ||
		    !rb_rule_side(rb, ru->rhs, values, &r, &rn))
			continue;	/* a bad value is refused by its own check */
		if (!rb_op_eval((enum rb_op)ru->op, l, r)) {
			*cause = xasprintf("parameters break the rule '%s' (%s = %g, %s = %g)",
			    ru->text, ln != NULL ? ln : ru->lhs, l, rn != NULL ? rn : ru->rhs, r);
			return -1;
		}
	}
	return 0;
}

/* Parse the parameters list. */
static int
rb_parse_params(struct rb_parse *p, struct runbook *rb, yaml_node_t *n)
{
	yaml_node_item_t *it;
	yaml_node_pair_t *pr;
	yaml_node_t *e, *k, *v;
	struct rb_param *pa;
	const char *key, *s;
	char *cause = NULL;
	yaml_node_t *minn, *maxn;
	size_t i;

	if (n->type != YAML_SEQUENCE_NODE)
		return rb_err(p, n, "parameters must be a list");
	for (it = n->data.sequence.items.start; it < n->data.sequence.items.top; it++) {
		e = yaml_document_get_node(p->doc, *it);
		if (e->type != YAML_MAPPING_NODE)
			return rb_err(p, e, "a parameter must be a mapping (name, prompt, default, choices)");
		if (rb->nparams >= RB_PARAMS_MAX)
			return rb_err(p, e, "too many parameters");
		rb->params = xreallocarray(rb->params, rb->nparams + 1, sizeof *rb->params);
		pa = &rb->params[rb->nparams++];
		memset(pa, 0, sizeof *pa);
		pa->line = ydoc_line(e);
		minn = maxn = NULL;
		for (pr = e->data.mapping.pairs.start; pr < e->data.mapping.pairs.top; pr++) {
			k = yaml_document_get_node(p->doc, pr->key);
			v = yaml_document_get_node(p->doc, pr->value);
			key = ydoc_str(k);
			if (key == NULL)
				return rb_err(p, k, "parameter keys must be strings");
			if (strcmp(key, "name") == 0) {
				if (rb_get_str(p, v, "parameter name", &pa->name) != 0)
					return -1;
			} else if (strcmp(key, "prompt") == 0) {
				if (rb_get_str(p, v, "prompt", &pa->prompt) != 0)
					return -1;
			} else if (strcmp(key, "default") == 0) {
				if (rb_get_str(p, v, "default", &pa->def) != 0)
					return -1;
			} else if (strcmp(key, "choices") == 0) {
				if (rb_get_list(p, v, "choices", &pa->choices, &pa->nchoices) != 0)
					return -1;
			} else if (strcmp(key, "type") == 0) {
				s = ydoc_str(v);
				for (i = 0; s != NULL && i < sizeof rb_ptype_names /
				    sizeof rb_ptype_names[0]; i++) {
					if (strcmp(s, rb_ptype_names[i]) == 0)
						break;
				}
				if (s == NULL || i == sizeof rb_ptype_names / sizeof rb_ptype_names[0])
					return rb_err(p, v, "parameter: type must be string, int, "
					    "duration, enum, bool, context, role or revision");
				pa->type = (enum rb_ptype)i;
			} else if (strcmp(key, "min") == 0)
				minn = v;
			else if (strcmp(key, "max") == 0)
				maxn = v;
			else if (strcmp(key, "default-from") == 0) {
				if (rb_get_str(p, v, "default-from", &pa->default_from) != 0)
					return -1;
			} else
				return rb_err(p, k, "parameter: unknown key '%s'", key);
		}
		if ((minn != NULL || maxn != NULL) && pa->type != RB_P_INT &&
		    pa->type != RB_P_DURATION)
			return rb_err(p, minn != NULL ? minn : maxn, "parameter: min and max are "
			    "for int and duration parameters");
		if (minn != NULL && !rb_param_number(pa, ydoc_str(minn), &pa->min))
			return rb_err(p, minn, "parameter: bad min");
		if (maxn != NULL && !rb_param_number(pa, ydoc_str(maxn), &pa->max))
			return rb_err(p, maxn, "parameter: bad max");
		pa->has_min = minn != NULL;
		pa->has_max = maxn != NULL;
		if (pa->type == RB_P_ENUM && pa->nchoices == 0)
			return rb_err(p, e, "parameter: an enum needs choices");
		if (pa->name == NULL)
			return rb_err(p, e, "a parameter needs a name");
		if (!rb_valid_name(pa->name, true))
			return rb_err(p, e, "bad parameter name '%s' (letters, digits, - and _)",
			    pa->name);
		for (i = 0; i + 1 < rb->nparams; i++) {
			if (strcmp(rb->params[i].name, pa->name) == 0)
				return rb_err(p, e, "parameter '%s' is defined twice", pa->name);
		}
		if (pa->def != NULL && runbook_param_check(rb, rb->nparams - 1, pa->def,
		    &cause) != 0) {
			rb_err(p, e, "default: %s", cause);
			free(cause);
			return -1;
		}
	}
	return 0;
}

static int	rb_parse_op(const char *, enum rb_op *);
static bool	rb_token_ok(const char *, bool);

/* Parse the rules list: "A OP B", A and B parameters or numbers. The
 * parameters are checked in rb_validate (they may be listed later). */
static int
rb_parse_rules(struct rb_parse *p, struct runbook *rb, yaml_node_t *n)
{
	yaml_node_item_t *it;
	yaml_node_t *e;
	struct rb_rule *ru;
	const char *s;
	char a[64], o[8], b[64], x;
	enum rb_op op;

	if (n->type != YAML_SEQUENCE_NODE)
		return rb_err(p, n, "rules must be a list");
	for (it = n->data.sequence.items.start; it < n->data.sequence.items.top; it++) {
		e = yaml_document_get_node(p->doc, *it);
		s = ydoc_str(e);
		if (s == NULL || sscanf(s, "%63s %7s %63s %c", a, o, b, &x) != 3 ||
		    rb_parse_op(o, &op) != 0)
			return rb_err(p, e, "a rule is 'A OP B' (e.g. \"min <= max\")");
		rb->rules = xreallocarray(rb->rules, rb->nrules + 1, sizeof *rb->rules);
		ru = &rb->rules[rb->nrules++];
		ru->text = xstrdup(s);
		ru->lhs = xstrdup(a);
		ru->rhs = xstrdup(b);
		ru->op = (int)op;
		ru->line = ydoc_line(e);
	}
	return 0;
}

/* Parse one step mapping. */
static int
rb_parse_step(struct rb_parse *p, struct runbook *rb, yaml_node_t *e, size_t index)
{
	yaml_node_pair_t *pr;
	yaml_node_t *k, *v;
	struct rb_step *st;
	const char *key, *s;
	size_t i;
	int kinds = 0;

	if (e->type != YAML_MAPPING_NODE)
		return rb_err(p, e, "step %zu: must be a mapping like {action: \"scale 8\"}", index);
	if (rb->nsteps >= RB_STEPS_MAX)
		return rb_err(p, e, "too many steps");
	rb->steps = xreallocarray(rb->steps, rb->nsteps + 1, sizeof *rb->steps);
	st = &rb->steps[rb->nsteps++];
	memset(st, 0, sizeof *st);
	st->line = ydoc_line(e);
	st->timeout = -1;
	st->interval = 2;
	st->on_failure = RB_FAIL_ABORT;
	for (pr = e->data.mapping.pairs.start; pr < e->data.mapping.pairs.top; pr++) {
		k = yaml_document_get_node(p->doc, pr->key);
		v = yaml_document_get_node(p->doc, pr->value);
		key = ydoc_str(k);
		if (key == NULL)
			return rb_err(p, k, "step %zu: keys must be strings", index);
		for (i = 0; i < sizeof rb_kind_names / sizeof rb_kind_names[0]; i++) {
			if (strcmp(key, rb_kind_names[i]) == 0)
				break;
		}
		if (i < sizeof rb_kind_names / sizeof rb_kind_names[0]) {
			if (kinds++ > 0)
				return rb_err(p, k, "step %zu: more than one kind ('%s' and '%s')",
				    index, rb_kind_name(st->kind), key);
			st->kind = (enum rb_kind)i;
			if (rb_get_str(p, v, key, &st->text) != 0)
				return -1;
			if (*st->text == '\0')
				return rb_err(p, v, "step %zu: %s is empty", index, key);
		} else if (strcmp(key, "title") == 0) {
			if (rb_get_str(p, v, "title", &st->title) != 0)
				return -1;
		} else if (strcmp(key, "context") == 0) {
			if (rb_get_str(p, v, "context", &st->context) != 0)
				return -1;
		} else if (strcmp(key, "timeout") == 0) {
			if (rb_get_duration(p, v, "timeout", &st->timeout) != 0)
				return -1;
		} else if (strcmp(key, "interval") == 0) {
			if (rb_get_duration(p, v, "interval", &st->interval) != 0)
				return -1;
			if (st->interval < 0.1)
				return rb_err(p, v, "interval must be at least 100ms");
		} else if (strcmp(key, "steady") == 0) {
			if (rb_get_duration(p, v, "steady", &st->steady) != 0)
				return -1;
		} else if (strcmp(key, "on-unreachable") == 0) {
			s = ydoc_str(v);
			if (s != NULL && strcmp(s, "skip") == 0)
				st->unreachable = RB_UNREACH_SKIP;
			else if (s != NULL && strcmp(s, "fail") == 0)
				st->unreachable = RB_UNREACH_FAIL;
			else
				return rb_err(p, v, "on-unreachable must be skip or fail");
		} else if (strcmp(key, "on-failure") == 0) {
			s = ydoc_str(v);
			if (s != NULL && strcmp(s, "ask") == 0)
				st->on_failure = RB_FAIL_ASK;
			else if (s != NULL && strcmp(s, "abort") == 0)
				st->on_failure = RB_FAIL_ABORT;
			else if (s != NULL && strcmp(s, "continue") == 0)
				st->on_failure = RB_FAIL_CONTINUE;
			else
				return rb_err(p, v, "on-failure must be ask, abort or continue");
		} else
			return rb_err(p, k, "step %zu: unknown key '%s'", index, key);
	}
	if (kinds == 0)
		return rb_err(p, e, "step %zu: no kind (one of action, check, wait, confirm, "
		    "exec, note)", index);
	if (st->steady > 0 && st->kind != RB_WAIT)
		return rb_err(p, e, "step %zu: steady is for wait steps", index);
	if (st->timeout < 0) {
		switch (st->kind) {
		case RB_WAIT:
			st->timeout = 300;
			break;
		case RB_EXEC:
			st->timeout = 120;
			break;
		default:
			st->timeout = 600;
			break;
		}
	}
	return 0;
}

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

/* Is s one of v[0..n)? */
static bool
rb_strv_has(char **v, size_t n, const char *s)
{
	size_t i;

	for (i = 0; s != NULL && i < n; i++) {
		if (strcmp(v[i], s) == 0)
			return true;
	}
	return false;
}

/* Is kind one of rb's applies-to kinds? */
bool
runbook_for_kind(const struct runbook *rb, const char *kind)
{
	return rb_strv_has(rb->kinds, rb->nkinds, kind);
}

/* What rb applies to, in words (new): "deployments or pods"; the alerts
 * it names are the "alerts" part: "the alerts A, B" ("" when it has none). */
char *
runbook_applies_text(const struct runbook *rb, bool alerts)
{
	char *s = xstrdup(""), *n;
	size_t i, nv = alerts ? rb->nalerts : rb->nkinds;
	char **v = alerts ? rb->alerts : rb->kinds;

	for (i = 0; i < nv; i++) {
		n = xasprintf("%s%s%s", s, i > 0 ? (i + 1 == nv && !alerts ? " or " : ", ") :
		    alerts ? (nv > 1 ? "the alerts " : "the alert ") : "", v[i]);
		free(s);
		s = n;
	}
	return s;
}

/* Does rb apply to a target of kind (resource) and name (an alert's name
 * for alerts)? kind NULL: no target (a cluster). */
bool
runbook_applies(const struct runbook *rb, const char *kind, const char *name)
{
	if (kind == NULL)
		return rb->nkinds == 0 || !runbook_uses_target(rb);
	if (rb->nkinds == 0 && rb->nalerts == 0)
		return true;
	if (rb_strv_has(rb->kinds, rb->nkinds, kind))
		return true;
	if (strcmp(kind, "alerts") == 0)
		return rb_strv_has(rb->alerts, rb->nalerts, name);
	/* a runbook for alerts only acts on a cluster: any selection will do */
	return rb->nkinds == 0;
}

/* The refusal when rb does not apply (new): names what it applies to. */
char *
runbook_applies_refusal(const struct runbook *rb, const char *kind, const char *ns,
    const char *name)
{
	char *kinds = runbook_applies_text(rb, false), *alerts = runbook_applies_text(rb, true);
	char *s, *clean, *also;

	also = *alerts != '\0' ? xasprintf(" (and %s)", alerts) : xstrdup("");
	if (kind == NULL)
		s = xasprintf("refused: runbook %s applies to %s%s; nothing of that kind is "
		    "selected (select one, or give --target KIND/NAME)", rb->name, kinds, also);
	else {
		clean = sanitize_str(name != NULL ? name : "", 0);
		s = xasprintf("refused: runbook %s applies to %s, not %s %s%s%s%s", rb->name,
		    *kinds != '\0' ? kinds : alerts, kind, ns != NULL && *ns != '\0' ? ns : "",
		    ns != NULL && *ns != '\0' ? "/" : "", clean, *kinds != '\0' ? also : "");
		free(clean);
	}
	free(also);
	free(kinds);
	free(alerts);
	return s;
}

/* Role lookup used while validating: every role maps to a placeholder. */
static const char *
rb_dummy_role(const char *role, void *arg)
{
	(void)role;
	(void)arg;
	return "ctx";
}

/* Validate the parsed runbook as a whole. */
static int
rb_validate(struct rb_parse *p, struct runbook *rb, yaml_node_t *root)
{
	const char *pnames[RB_PARAMS_MAX], *pvalues[RB_PARAMS_MAX];
	struct rb_vars vars;
	struct rb_cond c;
	struct rb_step *st;
	char *cause = NULL, *x;
	size_t i;

	if (rb->name == NULL)
		return rb_err(p, root, "missing 'name'");
	for (i = 0; i < rb->nparams; i++) {
		const char *df = rb->params[i].default_from;
		const char *m = df != NULL ? strrchr(df, ' ') : NULL;

		if (df == NULL)
			continue;
		if (m == NULL || m == df || rb->params[i].def == NULL ||
		    (strcmp(m + 1, "replicas") != 0 && strncmp(m + 1, "spec.", 5) != 0 &&
		    strncmp(m + 1, "status.", 7) != 0) || !rb_token_ok(m + 1, false)) {
			p->cause = xasprintf("%s:%d: parameter '%s': default-from is 'SUBJECT "
			    "replicas' or 'SUBJECT status.PATH' (or spec.PATH), with a default for "
			    "when nothing is known", p->fname, rb->params[i].line,
			    rb->params[i].name);
			return -1;
		}
		if (runbook_check_template(rb, df, &cause) != 0) {
			p->cause = xasprintf("%s:%d: parameter '%s': %s", p->fname,
			    rb->params[i].line, rb->params[i].name, cause);
			free(cause);
			return -1;
		}
	}
	for (i = 0; i < rb->nrules; i++) {
		const char *sides[2] = { rb->rules[i].lhs, rb->rules[i].rhs }, *pn;
		double d;
		size_t k, j;

		for (k = 0; k < 2; k++) {
			for (j = 0; j < rb->nparams; j++) {
				if (strcmp(rb->params[j].name, sides[k]) == 0)
					break;
			}
			if (j < rb->nparams && rb->params[j].type != RB_P_INT &&
			    rb->params[j].type != RB_P_DURATION) {
				p->cause = xasprintf("%s:%d: rule '%s': parameter '%s' is not an "
				    "int or a duration", p->fname, rb->rules[i].line,
				    rb->rules[i].text, sides[k]);
				return -1;
			}
			if (j == rb->nparams && !rb_rule_side(rb, sides[k], NULL, &d, &pn)) {
				p->cause = xasprintf("%s:%d: rule '%s': '%s' is neither a parameter "
				    "nor a number", p->fname, rb->rules[i].line, rb->rules[i].text,
				    sides[k]);
				return -1;
			}
		}
	}
	if (!rb_valid_name(rb->name, false))
		return rb_err(p, root, "bad name '%s' (lower-case letters, digits and -)", rb->name);
	if (rb->title == NULL)
		return rb_err(p, root, "missing 'title'");
	if (rb->severity == NULL)
		return rb_err(p, root, "missing 'severity' (P0..P3)");
	if (strlen(rb->severity) != 2 || rb->severity[0] != 'P' || rb->severity[1] < '0' ||
	    rb->severity[1] > '3')
		return rb_err(p, root, "severity must be P0, P1, P2 or P3, not '%s'", rb->severity);
	if (rb->nsteps == 0)
		return rb_err(p, root, "no steps");

	memset(&vars, 0, sizeof vars);
	vars.cluster = vars.ns = vars.name = vars.kind = "x";
	for (i = 0; i < rb->nparams; i++) {
		pnames[i] = rb->params[i].name;
		pvalues[i] = rb->params[i].def != NULL ? rb->params[i].def : "1";
	}
	vars.pnames = pnames;
	vars.pvalues = pvalues;
	vars.nparams = rb->nparams;
	vars.role = rb_dummy_role;

	for (i = 0; i < rb->nsteps; i++) {
		st = &rb->steps[i];
		if (runbook_check_template(rb, st->text, &cause) != 0 ||
		    (st->context != NULL && runbook_check_template(rb, st->context, &cause) != 0) ||
		    (st->title != NULL && runbook_check_template(rb, st->title, &cause) != 0)) {
			p->cause = xasprintf("%s:%d: step %zu: %s", p->fname, st->line, i + 1, cause);
			free(cause);
			return -1;
		}
		if (st->kind == RB_EXEC || st->kind == RB_ACTION) {
			int ac = 0;
			char **av = NULL;

			if (runbook_expand_argv(st->text, &vars, &ac, &av, &cause) != 0) {
				p->cause = xasprintf("%s:%d: step %zu: %s", p->fname, st->line,
				    i + 1, cause);
				free(cause);
				return -1;
			}
			cmd_free_argv(ac, av);
			continue;
		}
		if (st->kind != RB_CHECK && st->kind != RB_WAIT)
			continue;
		x = runbook_expand_cond(st->text, &vars, &cause);
		if (x == NULL || rb_cond_parse(x, &c, &cause) != 0) {
			p->cause = xasprintf("%s:%d: step %zu: %s", p->fname, st->line, i + 1, cause);
			free(cause);
			free(x);
			return -1;
		}
		rb_cond_free(&c);
		free(x);
	}
	return 0;
}

/* Walk the root mapping into rb. */
static int
rb_parse_root(struct rb_parse *p, struct runbook *rb, yaml_node_t *root)
{
	yaml_node_pair_t *pr, *pr2;
	yaml_node_item_t *it;
	yaml_node_t *k, *v, *k2, *v2;
	const char *key, *key2;
	char *tmp = NULL;
	size_t index = 0;

	if (root == NULL || root->type != YAML_MAPPING_NODE)
		return rb_err(p, root, "a runbook must be a mapping (name, title, steps, ...)");
	for (pr = root->data.mapping.pairs.start; pr < root->data.mapping.pairs.top; pr++) {
		k = yaml_document_get_node(p->doc, pr->key);
		v = yaml_document_get_node(p->doc, pr->value);
		key = ydoc_str(k);
		if (key == NULL)
			return rb_err(p, k, "keys must be strings");
		if (strcmp(key, "name") == 0) {
			if (rb_get_str(p, v, "name", &rb->name) != 0)
				return -1;
		} else if (strcmp(key, "title") == 0) {
			if (rb_get_str(p, v, "title", &rb->title) != 0)
				return -1;
		} else if (strcmp(key, "description") == 0) {
			if (rb_get_str(p, v, "description", &rb->description) != 0)
				return -1;
		} else if (strcmp(key, "severity") == 0) {
			if (rb_get_str(p, v, "severity", &rb->severity) != 0)
				return -1;
		} else if (strcmp(key, "key") == 0) {
			if (rb_get_str(p, v, "key", &rb->key) != 0)
				return -1;
		} else if (strcmp(key, "rto") == 0) {
			if (rb_get_duration(p, v, "rto", &rb->rto) != 0)
				return -1;
		} else if (strcmp(key, "applies-to") == 0) {
			if (v->type != YAML_MAPPING_NODE)
				return rb_err(p, v, "applies-to must be a mapping (kinds, alerts, roles)");
			for (pr2 = v->data.mapping.pairs.start; pr2 < v->data.mapping.pairs.top;
			    pr2++) {
				k2 = yaml_document_get_node(p->doc, pr2->key);
				v2 = yaml_document_get_node(p->doc, pr2->value);
				key2 = ydoc_str(k2);
				if (key2 != NULL && strcmp(key2, "kinds") == 0) {
					if (rb_get_list(p, v2, "kinds", &rb->kinds, &rb->nkinds) != 0)
						return -1;
				} else if (key2 != NULL && strcmp(key2, "alerts") == 0) {
					if (rb_get_list(p, v2, "alerts", &rb->alerts, &rb->nalerts) != 0)
						return -1;
				} else if (key2 != NULL && strcmp(key2, "roles") == 0) {
					if (rb_get_list(p, v2, "roles", &rb->roles, &rb->nroles) != 0)
						return -1;
				} else
					return rb_err(p, k2, "applies-to: unknown key '%s'",
					    key2 != NULL ? key2 : "?");
			}
		} else if (strcmp(key, "parameters") == 0) {
			if (rb_parse_params(p, rb, v) != 0)
				return -1;
		} else if (strcmp(key, "rules") == 0) {
			if (rb_parse_rules(p, rb, v) != 0)
				return -1;
		} else if (strcmp(key, "steps") == 0) {
			if (v->type != YAML_SEQUENCE_NODE)
				return rb_err(p, v, "steps must be a list");
			for (it = v->data.sequence.items.start; it < v->data.sequence.items.top;
			    it++) {
				if (rb_parse_step(p, rb, yaml_document_get_node(p->doc, *it),
				    ++index) != 0)
					return -1;
			}
		} else
			return rb_err(p, k, "unknown key '%s'", key);
	}
	free(tmp);
	return rb_validate(p, rb, root);
}

/* Parse and validate a runbook from memory. */
struct runbook *
runbook_parse(const char *buf, size_t len, const char *fname, char **cause)
{
	yaml_document_t doc;
	struct rb_parse p;
	struct runbook *rb;
	yaml_node_t *root;

	if (len > RB_FILE_MAX) {
		*cause = xasprintf("%s: file too large", fname);
		return NULL;
	}
	memset(&p, 0, sizeof p);
	p.fname = fname;
	rb = xcalloc(1, sizeof *rb);
	rb->path = xstrdup(fname);
	if (ydoc_load(&doc, buf, len, fname, cause) != 0) {
		runbook_free(rb);
		return NULL;
	}
	p.doc = &doc;
	root = ydoc_root(&doc);
	if (root == NULL)
		p.cause = xasprintf("%s: empty document", fname);
	else
		rb_parse_root(&p, rb, root);
	yaml_document_delete(&doc);
	if (p.cause != NULL) {
		*cause = p.cause;
		runbook_free(rb);
		return NULL;
	}
	return rb;
}

/* Read and parse path. */
struct runbook *
runbook_load(const char *path, char **cause)
{
	struct runbook *rb;
	char *buf;
	size_t len;

	buf = file_read(path, RB_FILE_MAX, &len, cause);
	if (buf == NULL)
		return NULL;
	rb = runbook_parse(buf, len, path, cause);
	free(buf);
	return rb;
}

/* Free a string array. */
static void
rb_strv_free(char **v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

/* Free a runbook. */
void
runbook_free(struct runbook *rb)
{
	size_t i;

	if (rb == NULL)
		return;
	free(rb->path);
	free(rb->name);
	free(rb->title);
	free(rb->description);
	free(rb->severity);
	free(rb->key);
	rb_strv_free(rb->kinds, rb->nkinds);
	rb_strv_free(rb->alerts, rb->nalerts);
	rb_strv_free(rb->roles, rb->nroles);
	for (i = 0; i < rb->nparams; i++) {
		free(rb->params[i].name);
		free(rb->params[i].prompt);
		free(rb->params[i].def);
		rb_strv_free(rb->params[i].choices, rb->params[i].nchoices);
		free(rb->params[i].default_from);
	}
	free(rb->params);
	for (i = 0; i < rb->nrules; i++) {
		free(rb->rules[i].text);
		free(rb->rules[i].lhs);
		free(rb->rules[i].rhs);
	}
	free(rb->rules);
	for (i = 0; i < rb->nsteps; i++) {
		free(rb->steps[i].text);
		free(rb->steps[i].title);
		free(rb->steps[i].context);
	}
	free(rb->steps);
	free(rb);
}

/* Append a copy of dir to the list. */
static void
rb_add_dir(char ***dirs, size_t *n, const char *dir)
{
	*dirs = xreallocarray(*dirs, *n + 1, sizeof **dirs);
	(*dirs)[(*n)++] = xstrdup(dir);
}

/* The search directories. */
char **
runbook_dirs(size_t *n)
{
	char **dirs = NULL, *env, *tok, *save = NULL, exe[PATH_MAX], *slash, *d;
	const char *x, *home;
	ssize_t len;

	*n = 0;
	x = getenv("OPSDECK_RUNBOOKS");
	if (x != NULL && *x != '\0') {
		env = xstrdup(x);
		for (tok = strtok_r(env, ":", &save); tok != NULL; tok = strtok_r(NULL, ":", &save))
			rb_add_dir(&dirs, n, tok);
		free(env);
	}
	x = getenv("XDG_CONFIG_HOME");
	home = getenv("HOME");
	if (x != NULL && *x == '/') {
		d = xasprintf("%s/opsdeck/runbooks", x);
		rb_add_dir(&dirs, n, d);
		free(d);
	} else if (home != NULL && *home != '\0') {
		d = xasprintf("%s/.config/opsdeck/runbooks", home);
		rb_add_dir(&dirs, n, d);
		free(d);
	}
	/* A build tree: BUILD/opsdeck → ../runbooks. */
	len = readlink("/proc/self/exe", exe, sizeof exe - 1);
	if (len > 0) {
		exe[len] = '\0';
		slash = strrchr(exe, '/');
		if (slash != NULL) {
			*slash = '\0';
			d = xasprintf("%s/../runbooks", exe);
			if (realpath(d, exe) != NULL && access(exe, R_OK) == 0)
				rb_add_dir(&dirs, n, exe);
			free(d);
		}
	}
	rb_add_dir(&dirs, n, OPSDECK_DATADIR "/runbooks");
	return dirs;
}

/* Order runbooks by name. */
static int
rb_cmp(const void *a, const void *b)
{
	const struct runbook *ra = *(struct runbook *const *)a;
	const struct runbook *rb = *(struct runbook *const *)b;

	return strcmp(ra->name, rb->name);
}

/* Every runbook in the search directories. */
struct runbook **
runbook_list(size_t *n, char ***warnings, size_t *nwarnings)
{
	struct runbook **list = NULL, *rb;
	struct dirent *de;
	char **dirs, *path, *cause;
	size_t ndirs, i, j, len, count = 0;
	DIR *d;

	*n = 0;
	dirs = runbook_dirs(&ndirs);
	for (i = 0; i < ndirs; i++) {
		d = opendir(dirs[i]);
		if (d == NULL)
			continue;
		for (de = readdir(d); de != NULL && count < 1000; de = readdir(d)) {
			len = strlen(de->d_name);
			if (len < 6 || de->d_name[0] == '.' ||
			    (strcmp(de->d_name + len - 5, ".yaml") != 0 &&
			    strcmp(de->d_name + len - 4, ".yml") != 0))
				continue;
			path = xasprintf("%s/%s", dirs[i], de->d_name);
			cause = NULL;
			rb = runbook_load(path, &cause);
			free(path);
			if (rb == NULL) {
				if (warnings != NULL) {
					*warnings = xreallocarray(*warnings, *nwarnings + 1,
					    sizeof **warnings);
					(*warnings)[(*nwarnings)++] = cause;
				} else
					free(cause);
				continue;
			}
			for (j = 0; j < count; j++) {
				if (strcmp(list[j]->name, rb->name) == 0)
					break;
			}
			if (j < count) {
				runbook_free(rb);	/* an earlier directory wins */
				continue;
			}
			list = xreallocarray(list, count + 1, sizeof *list);
			list[count++] = rb;
		}
		closedir(d);
	}
	rb_strv_free(dirs, ndirs);
	if (count > 0)
		qsort(list, count, sizeof *list, rb_cmp);
	*n = count;
	return list;
}

/* Free a list from runbook_list. */
void
runbook_list_free(struct runbook **list, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		runbook_free(list[i]);
	free(list);
}

/* Find a runbook by name (or load a path). */
struct runbook *
runbook_find(const char *name, char **cause)
{
	struct runbook **list, *found = NULL;
	size_t n, i, len = strlen(name);

	if (strchr(name, '/') != NULL || (len > 5 && strcmp(name + len - 5, ".yaml") == 0))
		return runbook_load(name, cause);
	list = runbook_list(&n, NULL, NULL);
	for (i = 0; i < n; i++) {
		if (found == NULL && strcmp(list[i]->name, name) == 0) {
			found = list[i];
			list[i] = NULL;
		}
	}
	runbook_list_free(list, n);
	if (found == NULL)
		*cause = xasprintf("no runbook named '%s' (opsdeck runbook list)", name);
	return found;
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
static int
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
static bool
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
