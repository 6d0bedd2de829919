/* The runbook model's private parts, shared by tui/runbook.c (the YAML
 * loader and validator, the search directories), tui/runbook_params.c
 * (parameter values and the rules between them), tui/runbook_words.c
 * (names, durations, parameter type names), tui/runbook_template.c
 * (the {{...}} template engine) and tui/runbook_cond_parse.c (the condition
 * language of check and wait steps). Not a contract. */
#ifndef OPSDECK_RUNBOOK_INT_H
#define OPSDECK_RUNBOOK_INT_H

#include <stdbool.h>

#include "opsdeck/runbook.h"

/* Hard caps: a runbook file, steps, parameters, list entries, a template. */
#define RB_FILE_MAX	(1024 * 1024)
#define RB_STEPS_MAX	200
#define RB_PARAMS_MAX	32
#define RB_LIST_MAX	64
#define RB_TEXT_MAX	(16 * 1024)
#define RB_EXPAND_MAX	(64 * 1024)
#define RB_FILTERS_MAX	16

/* tui/runbook_words.c */
bool	 rb_valid_name(const char *s, bool allow_underscore);
int	 rb_ptype_find(const char *s, enum rb_ptype *t);

/* tui/runbook_params.c */
bool	 rb_param_number(const struct rb_param *pa, const char *value, double *out);
bool	 rb_rule_side(const struct runbook *rb, const char *side,
	    const char *const *values, double *out, const char **pname);

/* tui/runbook_cond_parse.c */
int	 rb_parse_op(const char *s, enum rb_op *op);
bool	 rb_token_ok(const char *s, bool allow_empty);

#endif
