/* config.yaml: context groups, per-context settings, console keys. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "opsdeck/config.h"
#include "opsdeck/duration.h"
#include "opsdeck/file.h"
#include "opsdeck/xmalloc.h"
#include "opsdeck/ydoc.h"

#define CONFIG_MAX_SIZE		(4 * 1024 * 1024)
#define CONFIG_MAX_WARNINGS	64

/* Top-level console keys kept as raw strings (mappings flattened "a.b"). */
static const char *config_console_keys[] = {
	"defaultView", "theme", "refresh", "keys", "readOnly", "mouse", "logLines",
	"maxRows", "editor", "runbookDirs", "ascii", "wide", "wrap", "osc52", "trendInterval",
};

/* Keys allowed under contexts.NAME. */
static const char *config_context_keys[] = {
	"role", "protected", "readOnly", "alertmanager", "prometheus", "backupRPO",
};

/* Roles the console knows. */
static const char *config_roles[] = { "primary", "dr", "staging", "dev" };

/* The default config path. */
char *
config_default_path(void)
{
	const char *xdg = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");

	if (xdg != NULL && *xdg == '/')
		return xasprintf("%s/opsdeck/config.yaml", xdg);
	return xasprintf("%s/.config/opsdeck/config.yaml", home != NULL ? home : ".");
}

/* Append a warning (capped). */
static void
config_warn(struct opsdeck_config *cfg, const char *name, yaml_node_t *n, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static void
config_warn(struct opsdeck_config *cfg, const char *name, yaml_node_t *n, const char *fmt, ...)
{
	va_list ap;
	char *msg;

	if (cfg->nwarnings >= CONFIG_MAX_WARNINGS)
		return;
	va_start(ap, fmt);
	msg = xvasprintf(fmt, ap);
	va_end(ap);
	cfg->warnings = xreallocarray(cfg->warnings, cfg->nwarnings + 1, sizeof *cfg->warnings);
	cfg->warnings[cfg->nwarnings++] = xasprintf("%s:%d: %s", name, ydoc_line(n), msg);
	free(msg);
}

/* True if key is in the list. */
static int
config_in(const char *key, const char **list, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (strcmp(key, list[i]) == 0)
			return 1;
	}
	return 0;
}

/* Store a console value "key" (later values replace earlier ones). */
static void
config_set_value(struct opsdeck_config *cfg, const char *key, const char *value, int line)
{
	size_t i;

	for (i = 0; i < cfg->nvalues; i++) {
		if (strcmp(cfg->values[i].key, key) == 0) {
			free(cfg->values[i].value);
			cfg->values[i].value = xstrdup(value);
			cfg->values[i].line = line;
			return;
		}
	}
	cfg->values = xreallocarray(cfg->values, cfg->nvalues + 1, sizeof *cfg->values);
	cfg->values[cfg->nvalues].key = xstrdup(key);
	cfg->values[cfg->nvalues].value = xstrdup(value);
	cfg->values[cfg->nvalues].line = line;
	cfg->nvalues++;
}

/* Flatten a console value: scalars as is, mappings as "prefix.key",
 * sequences joined with commas. */
static void
config_flatten(struct opsdeck_config *cfg, yaml_document_t *doc, const char *name,
    const char *prefix, yaml_node_t *n, int depth)
{
	yaml_node_pair_t *p;
	yaml_node_item_t *it;
	const char *k, *v;
	char *key, *joined = NULL, *tmp;

	if (depth > 4) {
		config_warn(cfg, name, n, "'%s' is nested too deeply", prefix);
		return;
	}
	switch (n->type) {
	case YAML_SCALAR_NODE:
		config_set_value(cfg, prefix, ydoc_str(n), ydoc_line(n));
		break;
	case YAML_MAPPING_NODE:
		for (p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top; p++) {
			k = ydoc_str(yaml_document_get_node(doc, p->key));
			if (k == NULL)
				continue;
			key = xasprintf("%s.%s", prefix, k);
			config_flatten(cfg, doc, name, key, yaml_document_get_node(doc, p->value),
			    depth + 1);
			free(key);
		}
		break;
	case YAML_SEQUENCE_NODE:
		for (it = n->data.sequence.items.start; it < n->data.sequence.items.top; it++) {
			v = ydoc_str(yaml_document_get_node(doc, *it));
			if (v == NULL) {
				config_warn(cfg, name, n, "'%s' must be a list of strings", prefix);
				continue;
			}
			tmp = joined == NULL ? xstrdup(v) : xasprintf("%s,%s", joined, v);
			free(joined);
			joined = tmp;
		}
		config_set_value(cfg, prefix, joined != NULL ? joined : "", ydoc_line(n));
		free(joined);
		break;
	default:
		break;
	}
}

/* Read an endpoint: a scalar URL/path or a mapping with url (or path). */
static char *
config_endpoint(struct opsdeck_config *cfg, yaml_document_t *doc, const char *name,
    const char *what, yaml_node_t *n)
{
	yaml_node_pair_t *p;
	const char *k, *url = NULL;

	if (n->type == YAML_SCALAR_NODE)
		return xstrdup(ydoc_str(n));
	if (n->type != YAML_MAPPING_NODE) {
		config_warn(cfg, name, n, "%s must be a URL or {url: ...}", what);
		return NULL;
	}
	for (p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top; p++) {
		k = ydoc_str(yaml_document_get_node(doc, p->key));
		if (k != NULL && (strcmp(k, "url") == 0 || strcmp(k, "path") == 0))
			url = ydoc_str(yaml_document_get_node(doc, p->value));
		else
			config_warn(cfg, name, yaml_document_get_node(doc, p->key),
			    "unknown key '%s' in %s", k != NULL ? k : "?", what);
	}
	return url != NULL ? xstrdup(url) : NULL;
}

/* Parse contexts.NAME. */
static int
config_parse_context(struct opsdeck_config *cfg, yaml_document_t *doc, const char *name,
    const char *ctxname, yaml_node_t *m, char **cause)
{
	struct config_context *cc;
	yaml_node_pair_t *p;
	yaml_node_t *kn, *vn;
	const char *k, *v, *why;
	int b;

	if (m->type != YAML_MAPPING_NODE) {
		*cause = xasprintf("%s:%d: contexts.%s must be a mapping", name, ydoc_line(m),
		    ctxname);
		return -1;
	}
	cfg->contexts = xreallocarray(cfg->contexts, cfg->ncontexts + 1, sizeof *cfg->contexts);
	cc = &cfg->contexts[cfg->ncontexts++];
	memset(cc, 0, sizeof *cc);
	cc->name = xstrdup(ctxname);
	for (p = m->data.mapping.pairs.start; p < m->data.mapping.pairs.top; p++) {
		kn = yaml_document_get_node(doc, p->key);
		vn = yaml_document_get_node(doc, p->value);
		k = ydoc_str(kn);
		v = ydoc_str(vn);
		if (k == NULL)
			continue;
		if (!config_in(k, config_context_keys,
		    sizeof config_context_keys / sizeof config_context_keys[0])) {
			config_warn(cfg, name, kn, "unknown key '%s' in contexts.%s", k, ctxname);
			continue;
		}
		if (strcmp(k, "alertmanager") == 0) {
			free(cc->alertmanager_url);
			cc->alertmanager_url = config_endpoint(cfg, doc, name, k, vn);
			continue;
		}
		if (strcmp(k, "prometheus") == 0) {
			free(cc->prometheus_url);
			cc->prometheus_url = config_endpoint(cfg, doc, name, k, vn);
			continue;
		}
		if (v == NULL) {
			*cause = xasprintf("%s:%d: contexts.%s.%s must be a scalar", name,
			    ydoc_line(vn), ctxname, k);
			return -1;
		}
		if (strcmp(k, "role") == 0) {
			if (!config_in(v, config_roles, sizeof config_roles / sizeof config_roles[0]))
				config_warn(cfg, name, vn, "unknown role '%s' for %s "
				    "(known: primary, dr, staging, dev)", v, ctxname);
			free(cc->role);
			cc->role = xstrdup(v);
		} else if (strcmp(k, "protected") == 0 || strcmp(k, "readOnly") == 0) {
			b = ydoc_bool(vn);
			if (b == -1) {
				*cause = xasprintf("%s:%d: contexts.%s.%s: '%s' is not true or "
				    "false", name, ydoc_line(vn), ctxname, k, v);
				return -1;
			}
			if (strcmp(k, "protected") == 0) {
				cc->protected_ctx = b;
				cc->protected_set = true;
			} else {
				cc->read_only = b;
				cc->read_only_set = true;
			}
		} else if (strcmp(k, "backupRPO") == 0) {
			if (duration_parse(v, &cc->rpo_seconds, &why) != 0) {
				*cause = xasprintf("%s:%d: contexts.%s.backupRPO: bad duration "
				    "'%s': %s", name, ydoc_line(vn), ctxname, v, why);
				return -1;
			}
		}
	}
	return 0;
}

/* Parse groups: {name: [ctx, ...]}. */
static int
config_parse_groups(struct opsdeck_config *cfg, yaml_document_t *doc, const char *name,
    yaml_node_t *m, char **cause)
{
	struct config_group *g;
	yaml_node_pair_t *p;
	yaml_node_item_t *it;
	yaml_node_t *vn;
	const char *k, *v;

	if (m->type != YAML_MAPPING_NODE) {
		*cause = xasprintf("%s:%d: groups must be a mapping of name to a list of "
		    "contexts", name, ydoc_line(m));
		return -1;
	}
	for (p = m->data.mapping.pairs.start; p < m->data.mapping.pairs.top; p++) {
		k = ydoc_str(yaml_document_get_node(doc, p->key));
		vn = yaml_document_get_node(doc, p->value);
		if (k == NULL)
			continue;
		if (vn->type != YAML_SEQUENCE_NODE) {
			*cause = xasprintf("%s:%d: groups.%s must be a list of contexts", name,
			    ydoc_line(vn), k);
			return -1;
		}
		cfg->groups = xreallocarray(cfg->groups, cfg->ngroups + 1, sizeof *cfg->groups);
		g = &cfg->groups[cfg->ngroups++];
		memset(g, 0, sizeof *g);
		g->name = xstrdup(k);
		for (it = vn->data.sequence.items.start; it < vn->data.sequence.items.top; it++) {
			v = ydoc_str(yaml_document_get_node(doc, *it));
			if (v == NULL) {
				*cause = xasprintf("%s:%d: groups.%s must be a list of context "
				    "names", name, ydoc_line(vn), k);
				return -1;
			}
			g->members = xreallocarray(g->members, g->nmembers + 1, sizeof *g->members);
			g->members[g->nmembers++] = xstrdup(v);
		}
	}
	return 0;
}

/* Parse config.yaml from memory. */
struct opsdeck_config *
config_parse(const char *buf, size_t len, const char *name, char **cause)
{
	struct opsdeck_config *cfg;
	yaml_document_t doc;
	yaml_node_t *root, *kn, *vn;
	yaml_node_pair_t *p, *q;
	const char *k, *ck;
	int ok = 0;

	cfg = xcalloc(1, sizeof *cfg);
	if (ydoc_load(&doc, buf, len, name, cause) != 0) {
		config_free(cfg);
		return NULL;
	}
	root = ydoc_root(&doc);
	if (root == NULL) {
		ok = 1;
		goto out;
	}
	if (root->type != YAML_MAPPING_NODE) {
		*cause = xasprintf("%s:%d: the top level must be a mapping", name, ydoc_line(root));
		goto out;
	}
	for (p = root->data.mapping.pairs.start; p < root->data.mapping.pairs.top; p++) {
		kn = yaml_document_get_node(&doc, p->key);
		vn = yaml_document_get_node(&doc, p->value);
		k = ydoc_str(kn);
		if (k == NULL) {
			config_warn(cfg, name, kn, "ignoring a non-scalar key");
			continue;
		}
		if (strcmp(k, "groups") == 0) {
			if (config_parse_groups(cfg, &doc, name, vn, cause) != 0)
				goto out;
		} else if (strcmp(k, "contexts") == 0) {
			if (vn->type != YAML_MAPPING_NODE) {
				*cause = xasprintf("%s:%d: contexts must be a mapping of context "
				    "name to settings", name, ydoc_line(vn));
				goto out;
			}
			for (q = vn->data.mapping.pairs.start; q < vn->data.mapping.pairs.top;
			    q++) {
				ck = ydoc_str(yaml_document_get_node(&doc, q->key));
				if (ck == NULL)
					continue;
				if (config_parse_context(cfg, &doc, name, ck,
				    yaml_document_get_node(&doc, q->value), cause) != 0)
					goto out;
			}
		} else {
			if (!config_in(k, config_console_keys,
			    sizeof config_console_keys / sizeof config_console_keys[0]))
				config_warn(cfg, name, kn, "unknown key '%s'", k);
			config_flatten(cfg, &doc, name, k, vn, 0);
		}
	}
	ok = 1;
out:
	yaml_document_delete(&doc);
	if (!ok) {
		config_free(cfg);
		return NULL;
	}
	return cfg;
}

/* Load config.yaml from path or the default place; a missing file is an
 * empty configuration. */
struct opsdeck_config *
config_load(const char *path, char **cause)
{
	struct opsdeck_config *cfg = NULL;
	char *p = path != NULL ? xstrdup(path) : config_default_path(), *buf, *why = NULL;
	size_t n;

	buf = file_read(p, CONFIG_MAX_SIZE, &n, &why);
	if (buf == NULL) {
		if (errno == ENOENT)
			cfg = xcalloc(1, sizeof *cfg);
		else {
			*cause = why;
			why = NULL;
		}
		goto out;
	}
	cfg = config_parse(buf, n, p, cause);
	if (cfg != NULL)
		cfg->path = xstrdup(p);
out:
	free(why);
	free(buf);
	free(p);
	return cfg;
}

/* Free cfg. */
void
config_free(struct opsdeck_config *cfg)
{
	size_t i, j;

	if (cfg == NULL)
		return;
	for (i = 0; i < cfg->ncontexts; i++) {
		free(cfg->contexts[i].name);
		free(cfg->contexts[i].role);
		free(cfg->contexts[i].alertmanager_url);
		free(cfg->contexts[i].prometheus_url);
	}
	free(cfg->contexts);
	for (i = 0; i < cfg->ngroups; i++) {
		for (j = 0; j < cfg->groups[i].nmembers; j++)
			free(cfg->groups[i].members[j]);
		free(cfg->groups[i].members);
		free(cfg->groups[i].name);
	}
	free(cfg->groups);
	for (i = 0; i < cfg->nvalues; i++) {
		free(cfg->values[i].key);
		free(cfg->values[i].value);
	}
	free(cfg->values);
	for (i = 0; i < cfg->nwarnings; i++)
		free(cfg->warnings[i]);
	free(cfg->warnings);
	free(cfg->path);
	free(cfg);
}

/* Raw value of a console key. */
const char *
config_get(const struct opsdeck_config *cfg, const char *key)
{
	size_t i;

	if (cfg == NULL)
		return NULL;
	for (i = 0; i < cfg->nvalues; i++) {
		if (strcmp(cfg->values[i].key, key) == 0)
			return cfg->values[i].value;
	}
	return NULL;
}

/* Settings for context name. */
const struct config_context *
config_context_find(const struct opsdeck_config *cfg, const char *name)
{
	size_t i;

	if (cfg == NULL)
		return NULL;
	for (i = 0; i < cfg->ncontexts; i++) {
		if (strcmp(cfg->contexts[i].name, name) == 0)
			return &cfg->contexts[i];
	}
	return NULL;
}

/* Group named name. */
const struct config_group *
config_group_find(const struct opsdeck_config *cfg, const char *name)
{
	size_t i;

	if (cfg == NULL)
		return NULL;
	for (i = 0; i < cfg->ngroups; i++) {
		if (strcmp(cfg->groups[i].name, name) == 0)
			return &cfg->groups[i];
	}
	return NULL;
}
