/* libyaml document helpers shared by the YAML readers (config.yaml,
 * kubeconfigs, themes) and the one YAML writer. Nodes are borrowed from the
 * document. */
#ifndef OPSDECK_YDOC_H
#define OPSDECK_YDOC_H

#include <jansson.h>
#include <yaml.h>

/* Load the first document of buf into doc. 0, or -1 with *cause
 * "name:line:col: problem" (1-based). An empty buffer gives an empty
 * document (ydoc_root returns NULL). */
int		 ydoc_load(yaml_document_t *doc, const char *buf, size_t len,
		    const char *name, char **cause);
/* The root node, or NULL for an empty document. */
yaml_node_t	*ydoc_root(yaml_document_t *);
/* The value node of key in mapping m, or NULL (m not a mapping, no key). */
yaml_node_t	*ydoc_get(yaml_document_t *, yaml_node_t *m, const char *key);
/* The scalar text of n, or NULL if n is NULL or not a scalar. */
const char	*ydoc_str(yaml_node_t *n);
/* The scalar text of key in mapping m, duplicated; NULL when absent, not
 * a scalar, or empty. */
char		*ydoc_strdup(yaml_document_t *, yaml_node_t *m, const char *key);
/* A scalar as a boolean (true/false/yes/no/on/off/1/0); -1 if not one. */
int		 ydoc_bool(yaml_node_t *n);
/* 1-based line of n. */
int		 ydoc_line(yaml_node_t *n);
/* obj as YAML the way kubectl prints it (apiVersion, kind, metadata first;
 * metadata.managedFields left out; strings that would read back as another
 * type quoted); a new string, or NULL with *cause (over 8 MiB). */
char		*ydoc_emit_json(json_t *obj, char **cause);

#endif
