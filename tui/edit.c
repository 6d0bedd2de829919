/* Edit: the file the user's editor opens, the change carried onto a newer
 * version after a conflict, and the diff the confirmation shows (see
 * edit.h). */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "../drill/patch.h"
#include "opsdeck/audit.h"
#include "opsdeck/buf.h"
#include "opsdeck/edit.h"
#include "opsdeck/file.h"
#include "opsdeck/sanitize.h"
#include "opsdeck/sim_ctl.h"
#include "opsdeck/xmalloc.h"
#include "opsdeck/ydoc.h"

/* Largest file read back (etcd keeps objects up to 1.5 MiB). */
#define EDIT_MAX_BYTES	(2 * 1024 * 1024)
/* Most files one object may have left behind before a new one is refused. */
#define EDIT_MAX_KEPT	100
/* Largest table the line diff fills; beyond it the changed part is shown
 * whole, removed then added. */
#define EDIT_DIFF_CELLS	(4u * 1024 * 1024)
#define EDIT_DIFF_CONTEXT	2

/* One file being edited. */
struct edit_file {
	char	*path;
	char	*written;	/* what was written last, to tell an untouched file */
};

/* The usage comment at the top of every file. */
static const char edit_usage[] =
    "# Edit the object below, save and quit the editor to update it; quit\n"
    "# without a change to leave it as it is. Lines starting with '#' are left\n"
    "# out. The server checks the change first (a dry run) and the difference is\n"
    "# shown before anything is updated. The text stays in this file until the\n"
    "# update is made:\n";

/* name with every byte outside [A-Za-z0-9._-] as '_' (new). */
static char *
edit_safe(const char *s)
{
	char *o = xstrdup(s != NULL && *s != '\0' ? s : "-"), *p;

	for (p = o; *p != '\0'; p++) {
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || *p == '.' || *p == '-'))
			*p = '_';
	}
	if (o[0] == '.')
		o[0] = '_';
	return o;
}

/* A new file for the object. */
struct edit_file *
edit_file_new(const char *context, const char *resource, const char *ns, const char *name,
    char **cause)
{
	struct edit_file *f;
	char *state = audit_state_dir(), *dir, *c, *r, *n, *m, *path = NULL;
	int fd = -1, i;

	dir = xasprintf("%s/edits", state);
	free(state);
	if (audit_mkdirs(dir, cause) != 0) {
		free(dir);
		return NULL;
	}
	c = edit_safe(context);
	r = edit_safe(resource);
	n = edit_safe(ns);
	m = edit_safe(name);
	for (i = 0; i < EDIT_MAX_KEPT && fd < 0; i++) {
		free(path);
		if (i == 0)
			path = xasprintf("%s/%s_%s_%s_%s.yaml", dir, c, n, r, m);
		else
			path = xasprintf("%s/%s_%s_%s_%s-%d.yaml", dir, c, n, r, m, i);
		fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
		if (fd < 0 && errno != EEXIST)
			break;
	}
	if (fd < 0) {
		*cause = errno == EEXIST ? xasprintf("%s: %d earlier edits of this object "
		    "are kept there; remove the ones no longer needed", dir, EDIT_MAX_KEPT) :
		    xasprintf("%s: %s", path, strerror(errno));
		free(path);
		path = NULL;
	} else
		close(fd);
	free(c);
	free(r);
	free(n);
	free(m);
	free(dir);
	if (path == NULL)
		return NULL;
	f = xcalloc(1, sizeof *f);
	f->path = path;
	return f;
}

/* Where the file is. */
const char *
edit_file_path(const struct edit_file *f)
{
	return f->path;
}

/* The usage comment, the file's place and note (sanitised, each line a
 * comment) into b. */
static void
edit_header(struct edit_file *f, const char *note, struct buf *b)
{
	char *clean, *p;
	size_t len;

	buf_printf(b, "%s#   %s\n#\n", edit_usage, f->path);
	if (note == NULL || *note == '\0')
		return;
	clean = sanitize_str(note, SAN_KEEP_NEWLINE);
	for (p = clean; *p != '\0'; p += len + (p[len] == '\n')) {
		len = strcspn(p, "\n");
		buf_printf(b, "# %.*s\n", (int)len, p);
	}
	buf_str(b, "#\n");
	free(clean);
}

/* Replace the file with b's text (taken), remembered as written. */
static int
edit_file_put(struct edit_file *f, struct buf *b, char **cause)
{
	char *text = buf_take(b);
	FILE *out;

	out = fopen(f->path, "w");
	if (out == NULL || fputs(text, out) == EOF || fclose(out) != 0) {
		*cause = xasprintf("%s: %s", f->path, strerror(errno));
		free(text);
		return -1;
	}
	free(f->written);
	f->written = text;
	return 0;
}

/* Write the usage, the note and the object. */
int
edit_file_write(struct edit_file *f, const char *note, json_t *obj, char **cause)
{
	json_t *shown = edit_strip(obj);
	struct buf b = { 0 };
	char *yaml;

	yaml = ydoc_emit_json(shown, cause);
	json_decref(shown);
	if (yaml == NULL)
		return -1;
	edit_header(f, note, &b);
	buf_str(&b, yaml);
	free(yaml);
	return edit_file_put(f, &b, cause);
}

/* A new note on top of the user's text. */
int
edit_file_renote(struct edit_file *f, const char *note, char **cause)
{
	struct buf b = { 0 };
	char *text, *p;
	size_t len;

	text = file_read(f->path, EDIT_MAX_BYTES, &len, cause);
	if (text == NULL)
		return -1;
	/* the comment lines on top are ours: the usage and the last note */
	for (p = text; *p == '#'; p += strcspn(p, "\n"), p += *p == '\n')
		;
	edit_header(f, note, &b);
	buf_str(&b, p);
	free(text);
	return edit_file_put(f, &b, cause);
}

/* Read the file back. */
enum edit_read
edit_file_read(struct edit_file *f, json_t **out, char **cause)
{
	char *text, *why = NULL;
	size_t len;
	json_t *obj;

	*out = NULL;
	text = file_read(f->path, EDIT_MAX_BYTES, &len, cause);
	if (text == NULL)
		return EDIT_INVALID;
	if (f->written != NULL && strcmp(text, f->written) == 0) {
		free(text);
		return EDIT_UNTOUCHED;
	}
	obj = scn_yaml_parse(text, len, "the edited YAML", &why);
	free(text);
	if (obj == NULL) {
		*cause = why;
		return EDIT_INVALID;
	}
	if (!json_is_object(obj)) {
		json_decref(obj);
		*cause = xstrdup("the edited YAML is not one object (a mapping)");
		return EDIT_INVALID;
	}
	*out = obj;
	return EDIT_CHANGED;
}

/* Free, keeping the file. */
void
edit_file_free(struct edit_file *f)
{
	if (f == NULL)
		return;
	free(f->path);
	free(f->written);
	free(f);
}

/* Remove the file, then free. */
void
edit_file_remove(struct edit_file *f)
{
	if (f == NULL)
		return;
	unlink(f->path);
	edit_file_free(f);
}

/* The object as the editor shows it. */
json_t *
edit_strip(json_t *obj)
{
	json_t *c = json_deep_copy(obj);

	json_object_del(json_object_get(c, "metadata"), "managedFields");
	return c;
}

/* RFC 7386: the patch from → to. */
json_t *
edit_merge_diff(json_t *from, json_t *to)
{
	json_t *patch = json_object(), *fv, *tv, *sub;
	const char *k;

	json_object_foreach(from, k, fv) {
		if (json_object_get(to, k) == NULL)
			json_object_set_new(patch, k, json_null());
	}
	json_object_foreach(to, k, tv) {
		fv = json_object_get(from, k);
		if (fv != NULL && json_equal(fv, tv))
			continue;
		if (json_is_object(fv) && json_is_object(tv)) {
			sub = edit_merge_diff(fv, tv);
			json_object_set_new(patch, k, sub);
		} else
			json_object_set(patch, k, tv);
	}
	return patch;
}

/* The user's change applied to latest. */
json_t *
edit_rebase(json_t *base, json_t *edited, json_t *latest)
{
	json_t *patch = edit_merge_diff(base, edited), *out;

	/* the version the update names is the latest's, whatever the text said */
	if (json_is_object(json_object_get(patch, "metadata")))
		json_object_del(json_object_get(patch, "metadata"), "resourceVersion");
	out = drill_merge_patch(json_deep_copy(latest), patch);
	json_decref(patch);
	return out;
}

/* True if a and b differ in status and resourceVersion at most. */
bool
edit_status_only(json_t *a, json_t *b)
{
	json_t *patch = edit_merge_diff(a, b), *m;
	bool only;

	json_object_del(patch, "status");
	m = json_object_get(patch, "metadata");
	if (json_is_object(m)) {
		json_object_del(m, "resourceVersion");
		json_object_del(m, "managedFields");
		if (json_object_size(m) == 0)
			json_object_del(patch, "metadata");
	}
	only = json_object_size(patch) == 0;
	json_decref(patch);
	return only;
}

/* text split at newlines (the array and the copy it points into, new). */
static char **
edit_lines(char *text, size_t *n)
{
	char **v = NULL, *p;
	size_t cap = 0;

	*n = 0;
	for (p = text; *p != '\0'; ) {
		if (*n == cap) {
			cap = cap == 0 ? 64 : cap * 2;
			v = xreallocarray(v, cap, sizeof *v);
		}
		v[(*n)++] = p;
		p += strcspn(p, "\n");
		if (*p == '\n')
			*p++ = '\0';
	}
	return v;
}

/* The YAML lines that differ. */
char *
edit_diff(json_t *a, json_t *b, const char *prefix)
{
	json_t *sa = edit_strip(a), *sb = edit_strip(b);
	struct buf o = { 0 };
	char *ya, *yb, *cause = NULL, **la, **lb, *op;
	const char **line;
	size_t na, nb, pre = 0, suf = 0, ma, mb, i, j, k, nops, last;
	uint32_t *t;

	ya = ydoc_emit_json(sa, &cause);
	if (ya == NULL) {
		free(cause);
		ya = xstrdup("");
	}
	yb = ydoc_emit_json(sb, &cause);
	if (yb == NULL) {
		free(cause);
		yb = xstrdup("");
	}
	json_decref(sa);
	json_decref(sb);
	la = edit_lines(ya, &na);
	lb = edit_lines(yb, &nb);
	while (pre < na && pre < nb && strcmp(la[pre], lb[pre]) == 0)
		pre++;
	while (suf < na - pre && suf < nb - pre &&
	    strcmp(la[na - 1 - suf], lb[nb - 1 - suf]) == 0)
		suf++;
	ma = na - pre - suf;
	mb = nb - pre - suf;
	/* every line once, marked ' ', '-' or '+' */
	op = xmalloc(na + nb + 1);
	line = xreallocarray(NULL, na + nb + 1, sizeof *line);
	nops = 0;
	for (i = 0; i < pre; i++) {
		op[nops] = ' ';
		line[nops++] = la[i];
	}
	if ((ma + 1) * (mb + 1) <= EDIT_DIFF_CELLS) {
		/* t[i][j]: the longest common run of la[pre+i..] and lb[pre+j..] */
		t = xcalloc((ma + 1) * (mb + 1), sizeof *t);
		for (i = ma; i-- > 0; ) {
			for (j = mb; j-- > 0; ) {
				if (strcmp(la[pre + i], lb[pre + j]) == 0)
					t[i * (mb + 1) + j] = t[(i + 1) * (mb + 1) + j + 1] + 1;
				else {
					uint32_t x = t[(i + 1) * (mb + 1) + j];
					uint32_t y = t[i * (mb + 1) + j + 1];

					t[i * (mb + 1) + j] = x > y ? x : y;
				}
			}
		}
		for (i = 0, j = 0; i < ma || j < mb; ) {
			if (i < ma && j < mb && strcmp(la[pre + i], lb[pre + j]) == 0) {
				op[nops] = ' ';
				line[nops++] = la[pre + i];
				i++;
				j++;
			} else if (i < ma && (j == mb ||
			    t[(i + 1) * (mb + 1) + j] >= t[i * (mb + 1) + j + 1])) {
				op[nops] = '-';
				line[nops++] = la[pre + i++];
			} else {
				op[nops] = '+';
				line[nops++] = lb[pre + j++];
			}
		}
		free(t);
	} else {
		for (i = 0; i < ma; i++) {
			op[nops] = '-';
			line[nops++] = la[pre + i];
		}
		for (j = 0; j < mb; j++) {
			op[nops] = '+';
			line[nops++] = lb[pre + j];
		}
	}
	for (i = 0; i < suf; i++) {
		op[nops] = ' ';
		line[nops++] = la[na - suf + i];
	}
	/* the changed lines with their context */
	last = SIZE_MAX;
	for (k = 0; k < nops; k++) {
		bool near = op[k] != ' ';

		for (i = k > EDIT_DIFF_CONTEXT ? k - EDIT_DIFF_CONTEXT : 0;
		    !near && i <= k + EDIT_DIFF_CONTEXT && i < nops; i++)
			near = op[i] != ' ';
		if (!near)
			continue;
		if (last != SIZE_MAX && k != last + 1)
			buf_printf(&o, "%s...\n", prefix);
		buf_printf(&o, "%s%c %s\n", prefix, op[k], line[k]);
		last = k;
	}
	free(op);
	free(line);
	free(la);
	free(lb);
	free(ya);
	free(yb);
	return buf_take(&o);
}
