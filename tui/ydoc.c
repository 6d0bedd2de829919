/* libyaml document helpers: every YAML reader of the console (config.yaml,
 * kubeconfigs, themes) loads and walks its document through these. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <yaml.h>

#include "opsdeck/xmalloc.h"
#include "opsdeck/ydoc.h"

/* Load the first document of buf into doc. */
int
ydoc_load(yaml_document_t *doc, const char *buf, size_t len, const char *name, char **cause)
{
	yaml_parser_t parser;
	int rc = -1;

	if (!yaml_parser_initialize(&parser)) {
		*cause = xasprintf("%s: cannot initialise the YAML parser", name);
		return -1;
	}
	yaml_parser_set_input_string(&parser, (const unsigned char *)buf, len);
	if (!yaml_parser_load(&parser, doc)) {
		*cause = xasprintf("%s:%zu:%zu: %s%s%s", name,
		    parser.problem_mark.line + 1, parser.problem_mark.column + 1,
		    parser.problem != NULL ? parser.problem : "malformed YAML",
		    parser.context != NULL ? " " : "",
		    parser.context != NULL ? parser.context : "");
		goto out;
	}
	rc = 0;
out:
	yaml_parser_delete(&parser);
	return rc;
}

/* The root node of doc, or NULL if it is empty. */
yaml_node_t *
ydoc_root(yaml_document_t *doc)
{
	return yaml_document_get_root_node(doc);
}

/* The value of key in mapping m. */
yaml_node_t *
ydoc_get(yaml_document_t *doc, yaml_node_t *m, const char *key)
{
	yaml_node_pair_t *p;
	const char *k;

	if (m == NULL || m->type != YAML_MAPPING_NODE)
		return NULL;
	for (p = m->data.mapping.pairs.start; p < m->data.mapping.pairs.top; p++) {
		k = ydoc_str(yaml_document_get_node(doc, p->key));
		if (k != NULL && strcmp(k, key) == 0)
			return yaml_document_get_node(doc, p->value);
	}
	return NULL;
}

/* The scalar text of n. */
const char *
ydoc_str(yaml_node_t *n)
{
	if (n == NULL || n->type != YAML_SCALAR_NODE)
		return NULL;
	return (const char *)n->data.scalar.value;
}

/* A scalar read as a boolean. */
int
ydoc_bool(yaml_node_t *n)
{
	static const char *yes[] = { "true", "yes", "on", "1", "True", "TRUE" };
	static const char *no[] = { "false", "no", "off", "0", "False", "FALSE" };
	const char *s = ydoc_str(n);
	size_t i;

	if (s == NULL)
		return -1;
	for (i = 0; i < sizeof yes / sizeof yes[0]; i++) {
		if (strcmp(s, yes[i]) == 0)
			return 1;
		if (strcmp(s, no[i]) == 0)
			return 0;
	}
	return -1;
}

/* 1-based line of n. */
int
ydoc_line(yaml_node_t *n)
{
	return n == NULL ? 0 : (int)n->start_mark.line + 1;
}
