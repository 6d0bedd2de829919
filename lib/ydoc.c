/* libyaml document helpers: every YAML reader of the console (config.yaml,
 * kubeconfigs, themes) loads and walks its document through these, and the
 * one YAML writer (objects as the YAML view and edit show them). */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>
#include <yaml.h>

#include "opsdeck/xmalloc.h"
#include "opsdeck/ydoc.h"

/* Largest YAML text rendered. */
#define YDOC_MAX_OUT	(8u * 1024 * 1024)

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

char *
ydoc_strdup(yaml_document_t *doc, yaml_node_t *m, const char *key)
{
	const char *s = ydoc_str(ydoc_get(doc, m, key));

	return s != NULL && *s != '\0' ? xstrdup(s) : NULL;
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

/* A growing output buffer with a cap. */
struct ydoc_buf {
	char		*s;
	size_t		 len;
	size_t		 cap;
	bool		 toobig;
};

/* libyaml write handler into a ydoc_buf. */
static int
ydoc_write(void *arg, unsigned char *data, size_t size)
{
	struct ydoc_buf *b = arg;

	if (b->len + size > YDOC_MAX_OUT) {
		b->toobig = true;
		return 0;
	}
	if (b->len + size + 1 > b->cap) {
		b->cap = (b->len + size + 1) * 2;
		b->s = xrealloc(b->s, b->cap);
	}
	memcpy(b->s + b->len, data, size);
	b->len += size;
	b->s[b->len] = '\0';
	return 1;
}

/* Emit one scalar. */
static int
emit_scalar(yaml_emitter_t *em, const char *s, bool plain_ok)
{
	yaml_event_t ev;

	yaml_scalar_event_initialize(&ev, NULL, NULL, (yaml_char_t *)s, (int)strlen(s),
	    plain_ok, 1, plain_ok ? YAML_ANY_SCALAR_STYLE : YAML_SINGLE_QUOTED_SCALAR_STYLE);
	return yaml_emitter_emit(em, &ev);
}

/* Emit a JSON value as YAML events. */
static int
emit_json(yaml_emitter_t *em, json_t *v, int depth)
{
	static const char *first_keys[] = { "apiVersion", "kind", "metadata" };
	yaml_event_t ev;
	const char *k;
	json_t *item;
	size_t i;
	char buf[64];

	if (depth > 64)
		return emit_scalar(em, "...", true);
	switch (json_typeof(v)) {
	case JSON_OBJECT:
		yaml_mapping_start_event_initialize(&ev, NULL, NULL, 1, YAML_BLOCK_MAPPING_STYLE);
		if (!yaml_emitter_emit(em, &ev))
			return 0;
		/* kubectl's order at the top: apiVersion, kind, metadata, the rest */
		for (i = 0; depth == 1 && i < 3; i++) {
			item = json_object_get(v, first_keys[i]);
			if (item == NULL)
				continue;
			if (!emit_scalar(em, first_keys[i], true) || !emit_json(em, item, depth + 1))
				return 0;
		}
		json_object_foreach(v, k, item) {
			if (depth == 1 && (strcmp(k, "apiVersion") == 0 || strcmp(k, "kind") == 0 ||
			    strcmp(k, "metadata") == 0))
				continue;
			if (depth == 2 && strcmp(k, "managedFields") == 0)
				continue;
			if (!emit_scalar(em, k, true) || !emit_json(em, item, depth + 1))
				return 0;
		}
		yaml_mapping_end_event_initialize(&ev);
		return yaml_emitter_emit(em, &ev);
	case JSON_ARRAY:
		yaml_sequence_start_event_initialize(&ev, NULL, NULL, 1, YAML_BLOCK_SEQUENCE_STYLE);
		if (!yaml_emitter_emit(em, &ev))
			return 0;
		json_array_foreach(v, i, item) {
			if (!emit_json(em, item, depth + 1))
				return 0;
		}
		yaml_sequence_end_event_initialize(&ev);
		return yaml_emitter_emit(em, &ev);
	case JSON_STRING:
		/* strings that would read back as other types are quoted */
		k = json_string_value(v);
		if (*k == '\0' || strcasecmp(k, "true") == 0 || strcasecmp(k, "false") == 0 ||
		    strcasecmp(k, "yes") == 0 || strcasecmp(k, "no") == 0 ||
		    strcasecmp(k, "on") == 0 || strcasecmp(k, "off") == 0 ||
		    strcasecmp(k, "null") == 0 || strcmp(k, "~") == 0 ||
		    strspn(k, "0123456789.-+eE:") == strlen(k))
			return emit_scalar(em, k, false);
		return emit_scalar(em, k, true);
	case JSON_INTEGER:
		snprintf(buf, sizeof buf, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
		return emit_scalar(em, buf, true);
	case JSON_REAL:
		snprintf(buf, sizeof buf, "%.17g", json_real_value(v));
		return emit_scalar(em, buf, true);
	case JSON_TRUE:
		return emit_scalar(em, "true", true);
	case JSON_FALSE:
		return emit_scalar(em, "false", true);
	default:
		return emit_scalar(em, "null", true);
	}
}

/* Render obj as YAML. */
char *
ydoc_emit_json(json_t *obj, char **cause)
{
	yaml_emitter_t em;
	yaml_event_t ev;
	struct ydoc_buf b = { NULL, 0, 0, false };
	int ok;

	yaml_emitter_initialize(&em);
	yaml_emitter_set_output(&em, ydoc_write, &b);
	yaml_emitter_set_unicode(&em, 1);
	yaml_emitter_set_width(&em, -1);
	yaml_stream_start_event_initialize(&ev, YAML_UTF8_ENCODING);
	ok = yaml_emitter_emit(&em, &ev);
	if (ok) {
		yaml_document_start_event_initialize(&ev, NULL, NULL, NULL, 1);
		ok = yaml_emitter_emit(&em, &ev);
	}
	if (ok)
		ok = emit_json(&em, obj, 1);
	if (ok) {
		yaml_document_end_event_initialize(&ev, 1);
		ok = yaml_emitter_emit(&em, &ev);
	}
	if (ok) {
		yaml_stream_end_event_initialize(&ev);
		ok = yaml_emitter_emit(&em, &ev);
	}
	if (ok)
		yaml_emitter_flush(&em);
	yaml_emitter_delete(&em);
	if (!ok || b.toobig) {
		*cause = xstrdup(b.toobig ? "object too large to show" : "YAML rendering failed");
		free(b.s);
		return NULL;
	}
	return b.s != NULL ? b.s : xstrdup("");
}
