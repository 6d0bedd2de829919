/* Patch algorithms of the drill API server: JSON merge patch (RFC 7386),
 * JSON patch (RFC 6902) and Kubernetes strategic merge patch. */
#ifndef OPSDECK_DRILL_PATCH_H
#define OPSDECK_DRILL_PATCH_H

#include <stddef.h>

#include <jansson.h>

/* Apply patch (len bytes) of media type content_type to doc (borrowed,
 * unchanged). Returns 0 with *out a new document, or an HTTP status: 400
 * malformed patch JSON, 415 unsupported media type, 422 a patch that cannot
 * be applied; *cause is then a new message. */
int	drill_patch(const char *content_type, json_t *doc, const char *patch, size_t len,
	    json_t **out, char **cause);

/* RFC 7386 merge of patch into target (modified in place); returns target
 * or, if patch is not an object, a new reference to patch (target released). */
json_t	*drill_merge_patch(json_t *target, json_t *patch);
/* Strategic merge of patch into target (in place, same return rule);
 * path is the dotted field path of target ("" at the root). */
json_t	*drill_strategic_patch(json_t *target, json_t *patch, const char *path, char **cause);
/* Apply the RFC 6902 operations in ops to a deep copy of doc (doc itself
 * is never changed, so a dry run or a failed patch leaves the stored object
 * as it was); returns the new document (new reference) or NULL with *cause
 * set. */
json_t	*drill_json_patch(json_t *doc, json_t *ops, char **cause);

#endif
