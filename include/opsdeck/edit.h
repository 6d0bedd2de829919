/* Edit: an object's YAML in the user's editor, kept in a file under
 * $XDG_STATE_HOME/opsdeck/edits/ until it applies; what the user changed,
 * as a merge patch carried onto a newer version of the object after a
 * conflict; and the line diff the confirmation shows. The steps (fetch,
 * editor, dry run, update, conflict) are the action pipeline's (actions.c,
 * the "edit" verb). */
#ifndef OPSDECK_EDIT_H
#define OPSDECK_EDIT_H

#include <stdbool.h>

#include <jansson.h>

struct edit_file;

/* What edit_file_read found. */
enum edit_read {
	EDIT_INVALID = -1,	/* not YAML, or not one object: *cause */
	EDIT_UNTOUCHED = 0,	/* the file is as it was written */
	EDIT_CHANGED = 1,	/* *out is the object read back */
};

/* A new file for the object (never one a failed edit left: those are
 * kept), or NULL with *cause. */
struct edit_file *edit_file_new(const char *context, const char *resource, const char *ns,
		    const char *name, char **cause);
const char	*edit_file_path(const struct edit_file *);
/* Write obj (managedFields left out) as YAML under the usage comment and
 * note (untrusted: sanitised; each line a comment), or -1 with *cause. */
int		 edit_file_write(struct edit_file *, const char *note, json_t *obj,
		    char **cause);
/* Put note on top of the text the user left (the comment lines above it
 * replaced, the rest kept as it is), or -1 with *cause. */
int		 edit_file_renote(struct edit_file *, const char *note, char **cause);
/* Read the file back (comments dropped). */
enum edit_read	 edit_file_read(struct edit_file *, json_t **out, char **cause);
/* Remove the file (the edit applied), then free. */
void		 edit_file_remove(struct edit_file *);
/* Free, keeping the file. */
void		 edit_file_free(struct edit_file *);

/* A copy of obj as the editor shows it (no metadata.managedFields). */
json_t		*edit_strip(json_t *obj);
/* The RFC 7386 merge patch that turns from into to (new; an empty object
 * when they are equal). */
json_t		*edit_merge_diff(json_t *from, json_t *to);
/* The user's change (base → edited) applied to latest: a new object. */
json_t		*edit_rebase(json_t *base, json_t *edited, json_t *latest);
/* True if a and b differ only in status and resourceVersion (a
 * controller's write: a conflict the user need not see). */
bool		 edit_status_only(json_t *a, json_t *b);
/* The YAML lines that differ between a and b ("-"/"+", two lines of
 * context, "..." between the parts), "" when none; prefix starts each line.
 * New string. */
char		*edit_diff(json_t *a, json_t *b, const char *prefix);

#endif
