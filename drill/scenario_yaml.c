/* Scenario YAML into JSON (libyaml), remembering where each value came
 * from for the loader's messages; bounded against deep nesting and alias
 * bombs. */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

#include "opsdeck/sim_ctl.h"
#include "opsdeck/xmalloc.h"
#include "scenario_int.h"

/* Deepest YAML nesting and most JSON values produced (alias bombs). */
#define SCN_MAX_DEPTH	64
#define SCN_MAX_NODES	200000

/* Remember the source position of v. */
static void
marks_add(struct scn_marks *m, json_t *v, yaml_mark_t mk)
{
	if (m == NULL)
		return;
	if (m->n == m->cap) {
		m->cap = m->cap == 0 ? 256 : m->cap * 2;
		m->v = xreallocarray(m->v, m->cap, sizeof *m->v);
		m->line = xreallocarray(m->line, m->cap, sizeof *m->line);
		m->col = xreallocarray(m->col, m->cap, sizeof *m->col);
	}
	m->v[m->n] = v;
	m->line[m->n] = (int)mk.line + 1;
	m->col[m->n] = (int)mk.column + 1;
	m->n++;
}

/* "line L, column C" of v, or "" if unknown (static buffer per call site). */
const char *
marks_where(struct scn_marks *m, json_t *v, char *buf, size_t len)
{
	size_t	i;

	buf[0] = '\0';
	for (i = 0; m != NULL && i < m->n; i++) {
		if (m->v[i] == v) {
			snprintf(buf, len, "line %d, column %d: ", m->line[i], m->col[i]);
			break;
		}
	}
	return buf;
}

/* Free the marks table. */
void
marks_free(struct scn_marks *m)
{
	free(m->v);
	free(m->line);
	free(m->col);
	memset(m, 0, sizeof *m);
}

/* A plain scalar typed as YAML 1.2 core would: null, bool, int, float, string. */
static json_t *
scalar_value(const char *s, size_t len, bool plain)
{
	char		*end;
	long long	 ll;
	double		 d;

	if (!plain)
		return json_stringn(s, len);
	if (len == 0 || strcmp(s, "~") == 0 || strcmp(s, "null") == 0 ||
	    strcmp(s, "Null") == 0 || strcmp(s, "NULL") == 0)
		return json_null();
	if (strcmp(s, "true") == 0 || strcmp(s, "True") == 0 || strcmp(s, "TRUE") == 0)
		return json_true();
	if (strcmp(s, "false") == 0 || strcmp(s, "False") == 0 || strcmp(s, "FALSE") == 0)
		return json_false();
	if (isdigit((unsigned char)s[0]) || ((s[0] == '-' || s[0] == '+') &&
	    isdigit((unsigned char)s[1]))) {
		errno = 0;
		ll = strtoll(s, &end, 10);
		if (*end == '\0' && errno == 0)
			return json_integer(ll);
		errno = 0;
		d = strtod(s, &end);
		if (*end == '\0' && errno == 0 && isfinite(d))
			return json_real(d);
	}
	return json_stringn(s, len);
}

/* Convert a libyaml node to JSON (new), or NULL with cause. */
static json_t *
node_to_json(yaml_document_t *doc, yaml_node_t *node, int depth, struct scn_marks *m,
    char **cause)
{
	json_t			*v = NULL, *k, *x;
	yaml_node_item_t	*it;
	yaml_node_pair_t	*p;
	yaml_node_t		*kn;
	char			 key[512];

	if (node == NULL) {
		*cause = xstrdup("empty node");
		return NULL;
	}
	if (depth > SCN_MAX_DEPTH) {
		*cause = xasprintf("line %d, column %d: nesting deeper than %d",
		    (int)node->start_mark.line + 1, (int)node->start_mark.column + 1,
		    SCN_MAX_DEPTH);
		return NULL;
	}
	if (m != NULL && ++m->produced > SCN_MAX_NODES) {
		*cause = xasprintf("line %d, column %d: document expands to too many values",
		    (int)node->start_mark.line + 1, (int)node->start_mark.column + 1);
		return NULL;
	}
	switch (node->type) {
	case YAML_SCALAR_NODE:
		v = scalar_value((const char *)node->data.scalar.value, node->data.scalar.length,
		    node->data.scalar.style == YAML_PLAIN_SCALAR_STYLE);
		break;
	case YAML_SEQUENCE_NODE:
		v = json_array();
		for (it = node->data.sequence.items.start; it < node->data.sequence.items.top;
		    it++) {
			x = node_to_json(doc, yaml_document_get_node(doc, *it), depth + 1, m,
			    cause);
			if (x == NULL) {
				json_decref(v);
				return NULL;
			}
			json_array_append_new(v, x);
		}
		break;
	case YAML_MAPPING_NODE:
		v = json_object();
		for (p = node->data.mapping.pairs.start; p < node->data.mapping.pairs.top; p++) {
			kn = yaml_document_get_node(doc, p->key);
			if (kn == NULL || kn->type != YAML_SCALAR_NODE) {
				*cause = xasprintf("line %d, column %d: mapping keys must be "
				    "scalars", kn != NULL ? (int)kn->start_mark.line + 1 : 0,
				    kn != NULL ? (int)kn->start_mark.column + 1 : 0);
				json_decref(v);
				return NULL;
			}
			snprintf(key, sizeof key, "%.*s", (int)kn->data.scalar.length,
			    (const char *)kn->data.scalar.value);
			x = node_to_json(doc, yaml_document_get_node(doc, p->value), depth + 1,
			    m, cause);
			if (x == NULL) {
				json_decref(v);
				return NULL;
			}
			k = x;
			json_object_set_new(v, key, k);
		}
		break;
	default:
		*cause = xstrdup("unknown YAML node");
		return NULL;
	}
	if (v != NULL)
		marks_add(m, v, node->start_mark);
	return v;
}

/* Parse YAML into JSON, recording marks. */
json_t *
yaml_parse_marks(const char *text, size_t len, const char *what, struct scn_marks *m,
    char **cause)
{
	yaml_parser_t	 parser;
	yaml_document_t	 doc;
	yaml_node_t	*root;
	json_t		*v = NULL;
	char		*why = NULL;

	if (len > SCN_MAX_BYTES) {
		*cause = xasprintf("%s: larger than %d bytes", what, SCN_MAX_BYTES);
		return NULL;
	}
	if (!yaml_parser_initialize(&parser)) {
		*cause = xasprintf("%s: cannot initialise the YAML parser", what);
		return NULL;
	}
	yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
	if (!yaml_parser_load(&parser, &doc)) {
		*cause = xasprintf("%s: line %d, column %d: %s%s%s", what,
		    (int)parser.problem_mark.line + 1, (int)parser.problem_mark.column + 1,
		    parser.problem != NULL ? parser.problem : "YAML syntax error",
		    parser.context != NULL ? " " : "", parser.context != NULL ?
		    parser.context : "");
		yaml_parser_delete(&parser);
		return NULL;
	}
	root = yaml_document_get_root_node(&doc);
	if (root == NULL)
		*cause = xasprintf("%s: empty document", what);
	else {
		v = node_to_json(&doc, root, 0, m, &why);
		if (v == NULL) {
			*cause = xasprintf("%s: %s", what, why);
			free(why);
		}
	}
	yaml_document_delete(&doc);
	yaml_parser_delete(&parser);
	return v;
}

/* Parse YAML text into JSON (new). */
json_t *
scn_yaml_parse(const char *text, size_t len, const char *what, char **cause)
{
	struct scn_marks	m;
	json_t			*v;

	memset(&m, 0, sizeof m);
	v = yaml_parse_marks(text, len, what, &m, cause);
	marks_free(&m);
	return v;
}
