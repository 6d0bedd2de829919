/* Runbook parameters: a value checked against its parameter's type and
 * limits, and the rules between parameters ("A OP B"). */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "opsdeck/sanitize.h"
#include "opsdeck/xmalloc.h"

#include "runbook_int.h"

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
bool
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
bool
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
