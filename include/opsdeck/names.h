/* Kubernetes object names as the API server validates them, and the other
 * identifiers opsdeck takes from clusters and alerts. One owner for "is this
 * string what it claims to be", used before such a value goes into a
 * command, an argument vector or a request path.
 *
 *	DNS-1123 label:     1-63 of [a-z0-9-], starting and ending [a-z0-9]
 *	                    (namespaces, and names of most namespaced kinds'
 *	                    label-only fields)
 *	DNS-1123 subdomain: 1-253, DNS-1123 labels joined by '.', where a label
 *	                    here may be longer than 63 (the API server checks
 *	                    only the whole length and the character rules)
 *	resource:           a plural resource name, optionally with a group:
 *	                    "deployments", "backups.velero.io"
 *	alert name:         a Prometheus label value used as alertname:
 *	                    [A-Za-z_:][A-Za-z0-9_:]* (the metric-name alphabet)
 *	context name:       a kubeconfig context: printable, no whitespace or
 *	                    control characters, not starting with '-' (so that
 *	                    it is never read as an option) */
#ifndef OPSDECK_NAMES_H
#define OPSDECK_NAMES_H

#include <stdbool.h>
#include <stdint.h>
#include <stddef.h>

bool	 name_is_dns1123_label(const char *);
bool	 name_is_dns1123_subdomain(const char *);
bool	 name_is_resource(const char *);
bool	 name_is_alert(const char *);
bool	 name_is_context(const char *);

/* Check the name of an object of resource kind (subdomain for Kubernetes
 * kinds, alert name for "alerts", a silence id for "silences"). NULL when it
 * is valid, else a static phrase saying what it must be. */
const char *name_object_rule(const char *resource, const char *name);

/* Label keys and values as the API server validates them in a selector or
 * an object's labels (apimachinery's qualified name and label value):
 *
 *	key:   [prefix '/'] name; prefix a DNS-1123 subdomain, name 1-63 of
 *	       [A-Za-z0-9._-] starting and ending alphanumeric
 *	value: empty, or 1-63 of the same alphabet and ends
 *
 * NULL when valid, else a static phrase in the API server's words. */
const char *name_label_key_rule(const char *key);
const char *name_label_value_rule(const char *value);

/* The names among cands (n of them, duplicates allowed) near word, for "did
 * you mean": a prefix of the other either way, or within an edit distance
 * of a third of word's length (at least 1; a swap of neighbours counts 1).
 * At most three, nearest first, joined by ", " (new string); NULL if none. */
/* The API server's safe alphabet for generated names (no vowels, no
 * look-alike digits): 27 characters, as generateName suffixes and
 * pod-template-hash use them. */
extern const char name_safe_alphabet[28];
/* Five characters of that alphabet from x: a generateName suffix. */
void	 name_suffix(uint64_t x, char out[6]);
char	*name_near(const char *word, const char *const *cands, size_t n);

#endif
