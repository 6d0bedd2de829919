/* Runbooks: YAML parsing and validation, which targets a runbook applies
 * to, loading and the search directories. Parameter values are checked in
 * runbook_params.c, templates in runbook_template.c, conditions parsed in
 * runbook_cond_parse.c, names and durations are runbook_words.c's (see
 * runbook_int.h). */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <yaml.h>

#include "opsdeck/duration.h"
#include "opsdeck/file.h"
#include "opsdeck/runbook.h"
#include "opsdeck/sanitize.h"
#include "opsdeck/xmalloc.h"
#include "opsdeck/ydoc.h"

#include "runbook_int.h"

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

/* Parse the parameters list. */
static int
rb_parse_params(struct rb_parse *p, struct runbook *rb, yaml_node_t *n)
{
	yaml_node_item_t *it;
	yaml_node_pair_t *pr;
	yaml_node_t *e, *k, *v;
	struct rb_param *pa;
	const char *key;
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
				if (rb_ptype_find(ydoc_str(v), &pa->type) != 0)
					return rb_err(p, v, "parameter: type must be string, int, "
					    "duration, enum, bool, context, role or revision");
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
