/* Small helpers over jansson values shared by the client and the simulator:
 * dotted-path lookups, label formatting, and Kubernetes label selectors.
 * Every json_t argument is borrowed; nothing here takes a reference. */
#ifndef OPSDECK_JSON_UTIL_H
#define OPSDECK_JSON_UTIL_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

/* The value at a dotted path ("metadata.name", "spec.containers.0.image":
 * an all-digit segment indexes an array), or NULL. Keys holding dots
 * (label keys) cannot be reached this way: use json_object_get. An empty
 * path is obj itself. */
json_t		*json_path(json_t *obj, const char *path);
/* The value at a simple JSONPath as a CustomResourceDefinition's printer
 * columns write it: ".spec.replicas", ".status.conditions[0].type",
 * ".metadata.labels['app.kubernetes.io/name']" (optionally inside "{...}");
 * NULL if absent or the path is not that simple. */
json_t		*json_jsonpath(json_t *obj, const char *path);
/* The string at path, or NULL if absent or not a string. */
const char	*json_path_str(json_t *obj, const char *path);
/* The string at path, or def if absent, not a string or empty. */
const char	*json_path_str_or(json_t *obj, const char *path, const char *def);
/* The integer at path (a JSON real is truncated), or def. */
int64_t		 json_path_int(json_t *obj, const char *path, int64_t def);
/* True if the value at path is JSON true. */
int		 json_path_true(json_t *obj, const char *path);
/* Number of elements of the array at path (0 if absent or not an array). */
size_t		 json_path_len(json_t *obj, const char *path);
/* The one owner of Kubernetes conditions: the first condition of type in
 * an array of conditions (NULL if none or conds is not an array); whether
 * it is there with status ("True", "False", "Unknown"); whether the first
 * of obj's status.conditions of type has status "True". */
json_t		*json_condition_find(json_t *conds, const char *type);
int		 json_condition_is(json_t *conds, const char *type, const char *status);
int		 json_condition_true(json_t *obj, const char *type);

/* A Kubernetes resource quantity ("250m", "1.5Gi", "2k", "1e3", "-4") as a
 * number: decimal SI suffixes (n u m k M G T P E), binary ones (Ki Mi Gi Ti
 * Pi Ei) and decimal exponents. 0, or -1 if s is not a quantity. */
int		 quantity_parse(const char *s, double *out);


/* A string-valued object ({"app":"web","tier":"fe"}) as "app=web,tier=fe"
 * sorted by key, like labels.FormatLabels; "<none>" when empty or not an
 * object. Non-string values are skipped. Caller frees. */
char		*labels_to_string(json_t *labels);
/* A JSON array of the strings of a comma-separated list ("get,list"; NULL
 * or "": []). New reference. */
json_t		*json_csv_array(const char *s);

/* A parsed label selector (opaque). */
struct label_selector;

/* Parse a selector string as kubectl -l takes it: "a=b", "a==b", "a!=b",
 * "a in (x,y)", "a notin (x)", "a" (exists), "!a" (does not exist), joined
 * by commas. "" matches everything. Returns NULL with *cause set on error. */
struct label_selector	*label_selector_parse(const char *s, char **cause);
/* Build a selector from a metav1.LabelSelector object ({"matchLabels":{},
 * "matchExpressions":[{"key","operator","values"}]}). A NULL or JSON null
 * selector matches nothing, an empty one everything (as
 * metav1.LabelSelectorAsSelector). Returns NULL with *cause on error. */
struct label_selector	*label_selector_from_json(json_t *sel, char **cause);
/* True if labels (a string-valued object, may be NULL) satisfy sel. */
int			 label_selector_match(const struct label_selector *sel,
			    json_t *labels);
/* The same over labels flattened as labels_to_string makes them
 * ("app=web,tier=fe"; NULL or "" for none), as the store keeps them. */
int			 label_selector_match_flat(const struct label_selector *sel,
			    const char *labels);
/* The value of key in a flattened label set "k=v,k2=v2" (labels_to_string's
 * form, or a selector of equalities in it), copied into buf; NULL if the key
 * is absent or the value too long. */
const char		*labels_flat_get(const char *flat, const char *key, char *buf,
			    size_t len);
/* The selector as Kubernetes prints it: requirements sorted by key,
 * "a=b,c in (x,y),!d"; "" for an empty selector. Caller frees. */
char			*label_selector_string(const struct label_selector *sel);
void			 label_selector_free(struct label_selector *sel);

#endif
