/* Patch algorithms: JSON merge patch (RFC 7386), JSON patch (RFC 6902) and
 * the strategic merge patch kubectl sends (lists merged by key). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "opsdeck/xmalloc.h"
#include "patch.h"

/* A list field merged by a key in strategic merge patch. */
struct merge_key {
	const char	*field;		/* last path component */
	const char	*key;
};

/* List fields of the built-in kinds that merge by key (the rest replace). */
static const struct merge_key merge_keys[] = {
	{ "containers", "name" },
	{ "initContainers", "name" },
	{ "ephemeralContainers", "name" },
	{ "env", "name" },
	{ "ports", "containerPort" },
	{ "volumes", "name" },
	{ "volumeMounts", "mountPath" },
	{ "volumeDevices", "devicePath" },
	{ "imagePullSecrets", "name" },
	{ "conditions", "type" },
	{ "ownerReferences", "uid" },
	{ "hostAliases", "ip" },
	{ "topologySpreadConstraints", "topologyKey" },
	{ "resourceClaims", "name" },
};

/* RFC 7386 merge. */
json_t *
drill_merge_patch(json_t *target, json_t *patch)
{
	const char	*k;
	json_t		*v, *cur;

	if (!json_is_object(patch)) {
		json_decref(target);
		return json_incref(patch);
	}
	if (!json_is_object(target)) {
		json_decref(target);
		target = json_object();
	}
	json_object_foreach(patch, k, v) {
		if (json_is_null(v)) {
			json_object_del(target, k);
			continue;
		}
		cur = json_object_get(target, k);
		json_incref(cur);
		json_object_set_new(target, k, drill_merge_patch(cur, v));
	}
	return target;
}

/* The merge key of the list at path, or NULL if the list replaces. */
static const char *
merge_key_of(const char *path)
{
	const char	*last;
	size_t		 i;

	last = strrchr(path, '.');
	last = last != NULL ? last + 1 : path;
	/* Service ports merge by port, container ports by containerPort. */
	if (strcmp(last, "ports") == 0 && strstr(path, "containers") == NULL &&
	    strstr(path, "Containers") == NULL)
		return "port";
	for (i = 0; i < sizeof merge_keys / sizeof merge_keys[0]; i++) {
		if (strcmp(merge_keys[i].field, last) == 0)
			return merge_keys[i].key;
	}
	return NULL;
}

/* Index of the element of list whose key equals val, or -1. */
static long
list_find(json_t *list, const char *key, json_t *val)
{
	size_t	i;

	for (i = 0; i < json_array_size(list); i++) {
		if (json_equal(json_object_get(json_array_get(list, i), key), val))
			return (long)i;
	}
	return -1;
}

/* Strategic merge of a list by key. Returns new list or NULL on error. */
static json_t *
merge_list(json_t *target, json_t *patch, const char *key, const char *path, char **cause)
{
	json_t		*out, *item, *kv, *cur, *merged, *directive;
	size_t		 i;
	long		 at;
	const char	*d;

	out = json_is_array(target) ? json_deep_copy(target) : json_array();
	for (i = 0; i < json_array_size(patch); i++) {
		item = json_array_get(patch, i);
		if (!json_is_object(item)) {
			json_array_append(out, item);
			continue;
		}
		directive = json_object_get(item, "$patch");
		d = json_string_value(directive);
		if (d != NULL && strcmp(d, "replace") == 0) {
			/* The whole list is replaced by the other elements. */
			json_t *rep = json_array();
			size_t j;

			for (j = 0; j < json_array_size(patch); j++) {
				if (json_object_get(json_array_get(patch, j), "$patch") == NULL)
					json_array_append(rep, json_array_get(patch, j));
			}
			json_decref(out);
			return rep;
		}
		kv = json_object_get(item, key);
		if (kv == NULL) {
			json_decref(out);
			*cause = xasprintf("map: %s does not contain declared merge key: %s",
			    path, key);
			return NULL;
		}
		at = list_find(out, key, kv);
		if (d != NULL && strcmp(d, "delete") == 0) {
			if (at >= 0)
				json_array_remove(out, (size_t)at);
			continue;
		}
		if (at < 0) {
			merged = drill_strategic_patch(json_object(), item, path, cause);
			if (merged == NULL) {
				json_decref(out);
				return NULL;
			}
			json_array_append_new(out, merged);
			continue;
		}
		cur = json_incref(json_array_get(out, (size_t)at));
		merged = drill_strategic_patch(json_deep_copy(cur), item, path, cause);
		json_decref(cur);
		if (merged == NULL) {
			json_decref(out);
			return NULL;
		}
		json_array_set_new(out, (size_t)at, merged);
	}
	return out;
}

/* Strategic merge of patch into target. */
json_t *
drill_strategic_patch(json_t *target, json_t *patch, const char *path, char **cause)
{
	const char	*k, *d, *key;
	json_t		*v, *cur, *res;
	char		*sub;

	if (!json_is_object(patch)) {
		json_decref(target);
		return json_incref(patch);
	}
	if (!json_is_object(target)) {
		json_decref(target);
		target = json_object();
	}
	d = json_string_value(json_object_get(patch, "$patch"));
	if (d != NULL && strcmp(d, "replace") == 0) {
		json_decref(target);
		target = json_deep_copy(patch);
		json_object_del(target, "$patch");
		return target;
	}
	if (d != NULL && strcmp(d, "delete") == 0) {
		json_decref(target);
		return json_object();
	}
	json_object_foreach(patch, k, v) {
		if (*k == '$') {
			if (strcmp(k, "$patch") != 0 && strcmp(k, "$retainKeys") != 0 &&
			    strncmp(k, "$setElementOrder/", 17) != 0 &&
			    strncmp(k, "$deleteFromPrimitiveList/", 25) != 0) {
				*cause = xasprintf("unknown patch directive %s at %s", k,
				    *path != '\0' ? path : "the root");
				json_decref(target);
				return NULL;
			}
			if (strncmp(k, "$deleteFromPrimitiveList/", 25) == 0 &&
			    json_is_array(v)) {
				json_t *list = json_object_get(target, k + 25);
				size_t i, j;

				for (i = 0; i < json_array_size(v); i++) {
					for (j = json_array_size(list); j > 0; j--) {
						if (json_equal(json_array_get(list, j - 1),
						    json_array_get(v, i)))
							json_array_remove(list, j - 1);
					}
				}
			}
			continue;
		}
		if (json_is_null(v) || (json_is_object(v) && json_string_value(json_object_get(v,
		    "$patch")) != NULL && strcmp(json_string_value(json_object_get(v, "$patch")),
		    "delete") == 0)) {
			json_object_del(target, k);
			continue;
		}
		sub = *path != '\0' ? xasprintf("%s.%s", path, k) : xstrdup(k);
		cur = json_object_get(target, k);
		if (json_is_array(v)) {
			key = merge_key_of(sub);
			if (key != NULL)
				res = merge_list(cur, v, key, sub, cause);
			else
				res = json_deep_copy(v);
		} else if (json_is_object(v)) {
			json_incref(cur);
			res = drill_strategic_patch(cur, v, sub, cause);
		} else
			res = json_incref(v);
		free(sub);
		if (res == NULL) {
			json_decref(target);
			return NULL;
		}
		json_object_set_new(target, k, res);
	}
	return target;
}

/* Decode one JSON pointer token (~1 → /, ~0 → ~) into a new string. */
static char *
pointer_token(const char *s, size_t len)
{
	char	*out;
	size_t	 i, j = 0;

	out = xmalloc(len + 1);
	for (i = 0; i < len; i++) {
		if (s[i] == '~' && i + 1 < len && s[i + 1] == '1') {
			out[j++] = '/';
			i++;
		} else if (s[i] == '~' && i + 1 < len && s[i + 1] == '0') {
			out[j++] = '~';
			i++;
		} else
			out[j++] = s[i];
	}
	out[j] = '\0';
	return out;
}

/* Parse an array index token; -1 for "-", -2 if invalid. */
static long
array_index(const char *tok, size_t size)
{
	char	*end;
	long	 n;

	if (strcmp(tok, "-") == 0)
		return -1;
	if (*tok == '\0' || (tok[0] == '0' && tok[1] != '\0') || tok[0] < '0' ||
	    tok[0] > '9')
		return -2;
	n = strtol(tok, &end, 10);
	if (*end != '\0' || n < 0 || (size_t)n > size)
		return -2;
	return n;
}

/* Resolve the parent of pointer ptr in doc; *last is the final token (new).
 * Returns the parent (borrowed) or NULL. */
static json_t *
pointer_parent(json_t *doc, const char *ptr, char **last)
{
	const char	*p, *slash;
	json_t		*cur = doc;
	char		*tok;
	long		 idx;

	*last = NULL;
	if (*ptr != '/')
		return NULL;
	p = ptr + 1;
	for (;;) {
		slash = strchr(p, '/');
		tok = pointer_token(p, slash != NULL ? (size_t)(slash - p) : strlen(p));
		if (slash == NULL) {
			*last = tok;
			return cur;
		}
		if (json_is_object(cur))
			cur = json_object_get(cur, tok);
		else if (json_is_array(cur)) {
			idx = array_index(tok, json_array_size(cur));
			cur = idx >= 0 ? json_array_get(cur, (size_t)idx) : NULL;
		} else
			cur = NULL;
		free(tok);
		if (cur == NULL)
			return NULL;
		p = slash + 1;
	}
}

/* The value at pointer ptr (borrowed) or NULL. */
static json_t *
pointer_get(json_t *doc, const char *ptr)
{
	json_t	*parent, *v = NULL;
	char	*last;
	long	 idx;

	if (*ptr == '\0')
		return doc;
	parent = pointer_parent(doc, ptr, &last);
	if (parent == NULL) {
		free(last);
		return NULL;
	}
	if (json_is_object(parent))
		v = json_object_get(parent, last);
	else if (json_is_array(parent)) {
		idx = array_index(last, json_array_size(parent));
		if (idx >= 0)
			v = json_array_get(parent, (size_t)idx);
	}
	free(last);
	return v;
}

/* Remove the value at ptr; returns it (new reference) or NULL. */
static json_t *
pointer_remove(json_t *doc, const char *ptr)
{
	json_t	*parent, *v = NULL;
	char	*last;
	long	 idx;

	parent = pointer_parent(doc, ptr, &last);
	if (parent == NULL) {
		free(last);
		return NULL;
	}
	if (json_is_object(parent)) {
		v = json_incref(json_object_get(parent, last));
		if (v != NULL)
			json_object_del(parent, last);
	} else if (json_is_array(parent)) {
		idx = array_index(last, json_array_size(parent));
		if (idx >= 0 && (size_t)idx < json_array_size(parent)) {
			v = json_incref(json_array_get(parent, (size_t)idx));
			json_array_remove(parent, (size_t)idx);
		}
	}
	free(last);
	return v;
}

/* Add value (stolen) at ptr; replace selects replace semantics. */
static int
pointer_add(json_t **doc, const char *ptr, json_t *value, int replace)
{
	json_t	*parent;
	char	*last;
	long	 idx;
	int	 rc = -1;

	if (*ptr == '\0') {
		json_decref(*doc);
		*doc = value;
		return 0;
	}
	parent = pointer_parent(*doc, ptr, &last);
	if (parent == NULL)
		goto out;
	if (json_is_object(parent)) {
		if (replace && json_object_get(parent, last) == NULL)
			goto out;
		json_object_set(parent, last, value);
		rc = 0;
	} else if (json_is_array(parent)) {
		idx = array_index(last, json_array_size(parent));
		if (idx == -2 || (replace && (idx < 0 ||
		    (size_t)idx >= json_array_size(parent))))
			goto out;
		if (replace)
			json_array_set(parent, (size_t)idx, value);
		else if (idx == -1)
			json_array_append(parent, value);
		else
			json_array_insert(parent, (size_t)idx, value);
		rc = 0;
	}
out:
	free(last);
	json_decref(value);
	return rc;
}

/* Apply RFC 6902 operations to a copy of doc. */
json_t *
drill_json_patch(json_t *doc, json_t *ops, char **cause)
{
	json_t		*op, *value, *moved;
	const char	*name, *path, *from;
	size_t		 i;

	doc = json_deep_copy(doc);
	if (!json_is_array(ops)) {
		*cause = xstrdup("json patch must be an array of operations");
		goto fail;
	}
	json_array_foreach(ops, i, op) {
		name = json_string_value(json_object_get(op, "op"));
		path = json_string_value(json_object_get(op, "path"));
		from = json_string_value(json_object_get(op, "from"));
		value = json_object_get(op, "value");
		if (name == NULL || path == NULL) {
			*cause = xasprintf("operation %zu lacks op or path", i);
			goto fail;
		}
		if (strcmp(name, "add") == 0 || strcmp(name, "replace") == 0) {
			if (value == NULL) {
				*cause = xasprintf("%s operation does not apply: value is "
				    "missing", name);
				goto fail;
			}
			if (pointer_add(&doc, path, json_deep_copy(value),
			    strcmp(name, "replace") == 0) != 0) {
				*cause = xasprintf("%s operation does not apply: doc is "
				    "missing path: \"%s\"", name, path);
				goto fail;
			}
		} else if (strcmp(name, "remove") == 0) {
			moved = *path != '\0' ? pointer_remove(doc, path) : NULL;
			if (moved == NULL) {
				*cause = xasprintf("remove operation does not apply: doc is "
				    "missing path: \"%s\"", path);
				goto fail;
			}
			json_decref(moved);
		} else if (strcmp(name, "test") == 0) {
			moved = pointer_get(doc, path);
			if (moved == NULL || value == NULL || !json_equal(moved, value)) {
				*cause = xasprintf("testing value %s failed: test failed",
				    path);
				goto fail;
			}
		} else if (strcmp(name, "move") == 0 || strcmp(name, "copy") == 0) {
			if (from == NULL) {
				*cause = xasprintf("%s operation lacks from", name);
				goto fail;
			}
			if (strcmp(name, "move") == 0) {
				size_t fl = strlen(from);

				if (strncmp(path, from, fl) == 0 && path[fl] == '/') {
					*cause = xstrdup("move operation cannot move a value "
					    "into its own child");
					goto fail;
				}
				moved = *from != '\0' ? pointer_remove(doc, from) : NULL;
			} else {
				moved = pointer_get(doc, from);
				moved = moved != NULL ? json_deep_copy(moved) : NULL;
			}
			if (moved == NULL) {
				*cause = xasprintf("%s operation does not apply: doc is "
				    "missing from path: \"%s\"", name, from);
				goto fail;
			}
			if (pointer_add(&doc, path, moved, 0) != 0) {
				*cause = xasprintf("%s operation does not apply: doc is "
				    "missing path: \"%s\"", name, path);
				goto fail;
			}
		} else {
			*cause = xasprintf("unexpected kind of operation: %s", name);
			goto fail;
		}
	}
	return doc;
fail:
	json_decref(doc);
	return NULL;
}

/* Apply a patch of the given media type. */
int
drill_patch(const char *content_type, json_t *doc, const char *patch, size_t len,
    json_t **out, char **cause)
{
	json_t		*p, *res = NULL;
	json_error_t	 err;
	char		 ct[128];
	size_t		 n;
	int		 rc = 0;

	*out = NULL;
	if (content_type == NULL)
		content_type = "";
	n = strcspn(content_type, "; ");
	if (n >= sizeof ct)
		n = sizeof ct - 1;
	memcpy(ct, content_type, n);
	ct[n] = '\0';
	if (strcmp(ct, "application/json-patch+json") != 0 &&
	    strcmp(ct, "application/merge-patch+json") != 0 &&
	    strcmp(ct, "application/strategic-merge-patch+json") != 0) {
		/* a real API server's words for a patch type it does not know */
		*cause = xstrdup("415: Unsupported Media Type");
		return 415;
	}
	p = json_loadb(patch, len, JSON_DECODE_ANY, &err);
	if (p == NULL) {
		*cause = xasprintf("error decoding patch: %s", err.text);
		return 400;
	}
	if (strcmp(ct, "application/json-patch+json") == 0) {
		res = drill_json_patch(doc, p, cause);
		if (res == NULL)
			rc = 422;
	} else if (!json_is_object(p)) {
		*cause = xstrdup("patch body must be a JSON object");
		rc = 422;
	} else if (strcmp(ct, "application/merge-patch+json") == 0) {
		res = drill_merge_patch(json_deep_copy(doc), p);
	} else {
		res = drill_strategic_patch(json_deep_copy(doc), p, "", cause);
		if (res == NULL)
			rc = 422;
	}
	json_decref(p);
	if (rc == 0 && !json_is_object(res)) {
		json_decref(res);
		res = NULL;
		*cause = xstrdup("the patch did not produce an object");
		rc = 422;
	}
	*out = res;
	return rc;
}
