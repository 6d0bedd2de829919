/* describe: objects as `kubectl describe` shows them (see describe.h). The
 * field names, sections, their order and "<none>"/"<unset>" follow
 * kubectl's describe output, which on-call engineers know by heart. This
 * file holds the section writer, the values every renderer shares, the
 * generic dump, events and the entry points; the renderers per kind family
 * are in tui/describe_*.c (see describe_int.h). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "opsdeck/client.h"
#include "opsdeck/describe.h"
#include "opsdeck/http.h"
#include "opsdeck/json_util.h"
#include "opsdeck/kinds.h"
#include "opsdeck/printers.h"
#include "opsdeck/sanitize.h"
#include "opsdeck/xmalloc.h"

#include "describe_int.h"

#define DW_PAD	2	/* spaces after a column's widest cell (kubectl's) */

/* A sanitised copy of untrusted s, alive as long as w: no tab or newline
 * survives, so a value can never add a cell or a line. */
const char *
V(struct dw *w, const char *s)
{
	char *c = sanitize_str(s != NULL ? s : "", 0);

	if (w->narena == w->arenacap) {	/* doubling: a big object has thousands */
		w->arenacap = w->arenacap != 0 ? w->arenacap * 2 : 64;
		w->arena = xreallocarray(w->arena, w->arenacap, sizeof *w->arena);
	}
	w->arena[w->narena++] = c;
	return c;
}

/* The string at path of obj, sanitised ("" if absent). */
const char *
VS(struct dw *w, json_t *obj, const char *path)
{
	return V(w, json_path_str(obj, path));
}

static void
dw_finish_line(struct dw *w)
{
	if (w->n == w->cap) {
		w->cap = w->cap != 0 ? w->cap * 2 : 64;
		w->lines = xreallocarray(w->lines, w->cap, sizeof *w->lines);
	}
	w->lines[w->n].text = w->cur != NULL ? w->cur : xstrdup("");
	w->lines[w->n].warning = w->warning;
	w->n++;
	w->cur = NULL;
	w->curlen = w->curcap = 0;
	w->warning = false;
}

/* Append len bytes of p to the line being written. */
static void
dw_append(struct dw *w, const char *p, size_t len)
{
	if (w->curlen + len + 1 > w->curcap) {
		while (w->curlen + len + 1 > w->curcap)
			w->curcap = w->curcap != 0 ? w->curcap * 2 : 128;
		w->cur = xrealloc(w->cur, w->curcap);
	}
	memcpy(w->cur + w->curlen, p, len);
	w->curlen += len;
	w->cur[w->curlen] = '\0';
}

/* Write at level (two spaces each) a format whose tabs end cells and whose
 * newlines end lines. Arguments from the cluster must come through V(). */
void __attribute__((format(printf, 3, 4)))
W(struct dw *w, int level, const char *fmt, ...)
{
	static const char spaces[] = "                                ";
	va_list ap;
	char *body, *p, *nl;
	size_t len, indent;

	va_start(ap, fmt);
	body = xvasprintf(fmt, ap);
	va_end(ap);
	for (indent = (size_t)(level > 0 ? level : 0) * 2; indent > 0; indent -= len) {
		len = indent < sizeof spaces - 1 ? indent : sizeof spaces - 1;
		dw_append(w, spaces, len);
	}
	for (p = body; *p != '\0'; p = nl + 1) {
		nl = strchr(p, '\n');
		dw_append(w, p, nl != NULL ? (size_t)(nl - p) : strlen(p));
		if (nl == NULL)
			break;
		dw_finish_line(w);
	}
	free(body);
}

/* Split a line into cells (in place); returns the count. */
static size_t
dw_cells(char *text, char ***cells)
{
	size_t n = 1, i = 0;
	char *p;

	for (p = text; *p != '\0'; p++)
		n += *p == '\t';
	*cells = xcalloc(n, sizeof **cells);
	(*cells)[i++] = text;
	for (p = text; *p != '\0'; p++) {
		if (*p == '\t') {
			*p = '\0';
			(*cells)[i++] = p + 1;
		}
	}
	return n;
}

/* Laying out: each line's cells. */
struct dw_fmt {
	struct dw	*w;
	char		***cells;
	size_t		*ncells;
	int		*widths;
	describe_line_cb cb;
	void		*arg;
};

static void
dw_write_lines(struct dw_fmt *f, size_t line0, size_t line1, size_t ncol)
{
	size_t i, j, len, off;
	int cw, hang;
	char *buf;

	for (i = line0; i < line1; i++) {
		len = 1;
		for (j = 0; j < f->ncells[i]; j++)
			len += strlen(f->cells[i][j]) + (j < ncol ? (size_t)f->widths[j] : 0);
		buf = xcalloc(1, len);
		off = 0;
		hang = 0;
		for (j = 0; j < f->ncells[i]; j++) {
			hang = (int)display_width(buf);
			off += (size_t)sprintf(buf + off, "%s", f->cells[i][j]);
			if (j < ncol && j + 1 < f->ncells[i]) {
				cw = (int)display_width(f->cells[i][j]);
				if (cw < f->widths[j])
					off += (size_t)sprintf(buf + off, "%*s", f->widths[j] - cw, "");
			}
		}
		f->cb(buf, hang, f->w->lines[i].warning, f->arg);
		free(buf);
	}
}

/* Go's text/tabwriter format: column ncol's blocks in [line0, line1). */
static void
dw_format(struct dw_fmt *f, size_t line0, size_t line1, size_t ncol)
{
	size_t this;
	int width, cw;

	for (this = line0; this < line1; this++) {
		if (ncol + 1 >= f->ncells[this])
			continue;
		dw_write_lines(f, line0, this, ncol);
		line0 = this;
		width = 0;
		for (; this < line1 && ncol + 1 < f->ncells[this]; this++) {
			cw = (int)display_width(f->cells[this][ncol]) + DW_PAD;
			if (cw > width)
				width = cw;
		}
		f->widths[ncol] = width;
		dw_format(f, line0, this, ncol + 1);
		line0 = this;
		if (this == line1)
			break;
	}
	dw_write_lines(f, line0, line1, ncol);
}

/* Lay out everything written and hand each line to cb; frees w's lines. */
static void
dw_flush(struct dw *w, describe_line_cb cb, void *arg)
{
	struct dw_fmt f = { w, NULL, NULL, NULL, cb, arg };
	size_t i, maxcells = 1;

	if (w->cur != NULL)
		dw_finish_line(w);
	f.cells = xcalloc(w->n + 1, sizeof *f.cells);
	f.ncells = xcalloc(w->n + 1, sizeof *f.ncells);
	for (i = 0; i < w->n; i++) {
		f.ncells[i] = dw_cells(w->lines[i].text, &f.cells[i]);
		if (f.ncells[i] > maxcells)
			maxcells = f.ncells[i];
	}
	f.widths = xcalloc(maxcells, sizeof *f.widths);
	dw_format(&f, 0, w->n, 0);
	for (i = 0; i < w->n; i++) {
		free(f.cells[i]);
		free(w->lines[i].text);
	}
	free(f.cells);
	free(f.ncells);
	free(f.widths);
	free(w->lines);
	w->lines = NULL;
	w->n = w->cap = 0;
}

static void
dw_free(struct dw *w)
{
	size_t i;

	for (i = 0; i < w->narena; i++)
		free(w->arena[i]);
	free(w->arena);
	free(w->cur);
}

/* ---- values as kubectl prints them ---- */

/* Unix seconds as Go's RFC1123Z in local time: "Sun, 06 Dec 2026 20:28:25 +0000". */
const char *
rfc1123z(struct dw *w, const char *rfc3339)
{
	static const char *days[] = { "Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat" };
	static const char *months[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul",
	    "Aug", "Sep", "Oct", "Nov", "Dec" };
	time_t t = rfc3339 != NULL ? (time_t)parse_rfc3339(rfc3339) : 0;
	struct tm tm;
	long off;
	char buf[64];

	if (t == 0 || localtime_r(&t, &tm) == NULL)
		return V(w, rfc3339);
	off = tm.tm_gmtoff / 60;
	snprintf(buf, sizeof buf, "%s, %02d %s %04d %02d:%02d:%02d %c%02ld%02ld",
	    days[tm.tm_wday], tm.tm_mday, months[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour,
	    tm.tm_min, tm.tm_sec, off < 0 ? '-' : '+', labs(off) / 60, labs(off) % 60);
	return V(w, buf);
}

/* Age of an RFC 3339 time at now, or "<unknown>". */
void
since(const char *t, int64_t now, char *buf, size_t len)
{
	int64_t s = t != NULL && *t != '\0' ? parse_rfc3339(t) : 0;

	if (s == 0)
		snprintf(buf, len, "<unknown>");
	else
		human_duration(now - s, buf, len);
}

/* "<unset>"-style: the integer at path, or none. */
const char *
int_or(struct dw *w, json_t *obj, const char *path, const char *none)
{
	json_t *v = json_path(obj, path);
	char buf[32];

	if (!json_is_integer(v))
		return none;
	snprintf(buf, sizeof buf, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
	return V(w, buf);
}

/* An int-or-string (maxSurge, minAvailable, a probe's port). */
const char *
intstr(struct dw *w, json_t *v)
{
	char buf[32];

	if (json_is_integer(v)) {
		snprintf(buf, sizeof buf, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
		return V(w, buf);
	}
	return V(w, json_string_value(v));
}

/* A quantity in Kubernetes' canonical form ("1000m" is "1", "1024Mi" is
 * "1Gi"); anything it cannot normalise is shown as written. */
const char *
quantity(struct dw *w, const char *s)
{
	static const char *dec[] = { "n", "u", "m", "", "k", "M", "G", "T", "P", "E" };
	static const char *bin[] = { "", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei" };
	__int128 v = 0, unit;
	const char *p = s, *suf;
	int frac = -1, k, e, neg = 0;
	char buf[64];
	long long q;

	if (s == NULL)
		return V(w, "");
	if (*p == '-' || *p == '+')
		neg = *p++ == '-';
	for (; (*p >= '0' && *p <= '9') || *p == '.'; p++) {
		if (*p == '.') {
			if (frac >= 0)
				return V(w, s);
			frac = 0;
			continue;
		}
		/* bounds that keep every scaling below within 128 bits */
		if (v >= 100000000000000LL || frac > 9)
			return V(w, s);
		v = v * 10 + (*p - '0');
		if (frac >= 0)
			frac++;
	}
	if (p == s || p == s + neg)
		return V(w, s);
	suf = p;
	for (k = 1; k < 7 && strcmp(suf, bin[k]) != 0; k++)
		;
	if (k < 7) {
		if (frac > 0)
			return V(w, s);
		for (e = 0; e < k; e++)
			v *= 1024;
		for (e = 6; e > 0; e--) {
			for (unit = 1, k = 0; k < e; k++)
				unit *= 1024;
			if (v != 0 && v % unit == 0)
				break;
		}
		q = (long long)(v / unit);
		snprintf(buf, sizeof buf, "%s%lld%s", neg ? "-" : "", q, bin[e]);
		return V(w, buf);
	}
	for (k = 0; k < 10 && strcmp(suf, dec[k]) != 0; k++)
		;
	if (k == 10)
		return V(w, s);
	/* v in nano units */
	if (3 * k - (frac > 0 ? frac : 0) > 22)
		return V(w, s);
	for (e = 0; e < 3 * k - (frac > 0 ? frac : 0); e++)
		v *= 10;
	for (e = 3 * k; e < (frac > 0 ? frac : 0); e++) {
		if (v % 10 != 0)
			return V(w, s);
		v /= 10;
	}
	for (e = 9; e > 0; e--) {
		for (unit = 1, k = 0; k < 3 * e; k++)
			unit *= 10;
		if (v != 0 && v % unit == 0)
			break;
	}
	if (v == 0)
		e = 3;
	for (unit = 1, k = 0; k < 3 * e; k++)
		unit *= 10;
	q = (long long)(v / unit);
	snprintf(buf, sizeof buf, "%s%lld%s", neg && q != 0 ? "-" : "", q, dec[e]);
	return V(w, buf);
}

/* A label selector object as kubectl prints it; none when absent, "" when
 * empty (kubectl prints an empty selector as nothing). */
const char *
selector(struct dw *w, json_t *sel, const char *none)
{
	struct label_selector *ls;
	char *cause = NULL, *s;
	const char *r;

	if (sel == NULL || json_is_null(sel))
		return none;
	ls = label_selector_from_json(sel, &cause);
	if (ls == NULL) {
		s = xasprintf("Failed to get selector: %s", cause);
		r = V(w, s);
		free(s);
		free(cause);
		return r;
	}
	s = label_selector_string(ls);
	label_selector_free(ls);
	r = V(w, s);
	free(s);
	return r;
}

/* Sorted keys of a JSON object (borrowed strings); *n gets the count. */
static int
key_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

const char **
sorted_keys(json_t *obj, const char *skip, size_t *n)
{
	const char **keys = xcalloc(json_object_size(obj) + 1, sizeof *keys), *k;
	json_t *v;

	*n = 0;
	json_object_foreach(obj, k, v) {
		if (skip == NULL || strcmp(k, skip) != 0)
			keys[(*n)++] = k;
	}
	qsort(keys, *n, sizeof *keys, key_cmp);
	return keys;
}

/* "Title:\tk=v" lines, sorted by key, "<none>" when empty; indent before the
 * title and before each following line. */
void
labels_multiline(struct dw *w, const char *indent, const char *title, json_t *map)
{
	const char **keys;
	size_t n, i;

	W(w, 0, "%s%s:\t", indent, title);
	keys = sorted_keys(map, NULL, &n);
	if (n == 0)
		W(w, 0, "<none>\n");
	for (i = 0; i < n; i++)
		W(w, 0, "%s%s%s=%s\n", i != 0 ? indent : "", i != 0 ? "\t" : "", V(w, keys[i]),
		    V(w, json_string_value(json_object_get(map, keys[i]))));
	free(keys);
}

#define ANNOTATION_MAX	140	/* longer annotations go on lines of their own */

/* Annotations as kubectl prints them (the last applied configuration left
 * out; long or multi-line values under their key, shortened). */
void
annotations_multiline(struct dw *w, const char *title, json_t *map)
{
	const char **keys, *val;
	size_t n, i, len;
	char *v, *line, *next;
	bool cut;

	W(w, 0, "%s:\t", title);
	keys = sorted_keys(map, "kubectl.kubernetes.io/last-applied-configuration", &n);
	if (n == 0)
		W(w, 0, "<none>\n");
	for (i = 0; i < n; i++) {
		if (i != 0)
			W(w, 0, "\t");
		val = json_string_value(json_object_get(map, keys[i]));
		v = xstrdup(val != NULL ? val : "");
		len = strlen(v);
		if (len > 0 && v[len - 1] == '\n')
			v[--len] = '\0';
		if (len + strlen(keys[i]) + 2 > ANNOTATION_MAX || strchr(v, '\n') != NULL) {
			W(w, 0, "%s:\n", V(w, keys[i]));
			for (line = v; line != NULL; line = next) {
				next = strchr(line, '\n');
				if (next != NULL)
					*next++ = '\0';
				/* kubectl's shorten: the first 138 bytes and "..." */
				cut = strlen(line) > ANNOTATION_MAX - 2;
				if (cut)
					line[ANNOTATION_MAX - 2] = '\0';
				W(w, 0, "\t  %s%s\n", V(w, line), cut ? "..." : "");
			}
		} else
			W(w, 0, "%s: %s\n", V(w, keys[i]), V(w, v));
		free(v);
	}
	free(keys);
}

/* "Kind/name" of the controlling owner, or NULL. */
const char *
controller_of(struct dw *w, json_t *obj)
{
	json_t *refs = json_path(obj, "metadata.ownerReferences"), *r;
	size_t i;
	char *s;
	const char *v;

	json_array_foreach(refs, i, r) {
		if (!json_is_true(json_object_get(r, "controller")))
			continue;
		s = xasprintf("%s/%s", json_path_str_or(r, "kind", ""),
		    json_path_str_or(r, "name", ""));
		v = V(w, s);
		free(s);
		return v;
	}
	return NULL;
}

/* The common head: Name, Namespace. */
void
name_ns(struct dw *w, json_t *obj)
{
	W(w, 0, "Name:\t%s\n", VS(w, obj, "metadata.name"));
	W(w, 0, "Namespace:\t%s\n", VS(w, obj, "metadata.namespace"));
}

/* Name, Namespace, Labels, Annotations. */
void
name_meta(struct dw *w, json_t *obj)
{
	name_ns(w, obj);
	labels_multiline(w, "", "Labels", json_path(obj, "metadata.labels"));
	annotations_multiline(w, "Annotations", json_path(obj, "metadata.annotations"));
}

/* "Title:\tname, name" of an array of objects with names, or <none>. */
void
name_list(struct dw *w, const char *title, json_t *arr)
{
	json_t *o;
	size_t i;

	W(w, 0, "%s:\t%s", title, json_array_size(arr) == 0 ? "<none>" : "");
	json_array_foreach(arr, i, o)
		W(w, 0, "%s%s", i != 0 ? ", " : "", VS(w, o, "name"));
	W(w, 0, "\n");
}

/* The head of a replica set or a job: Name, Namespace, Selector (none when
 * absent), Labels, Annotations, Controlled By. */
void
controller_head(struct dw *w, json_t *obj, const char *none)
{
	const char *ctl;

	name_ns(w, obj);
	W(w, 0, "Selector:\t%s\n", selector(w, json_path(obj, "spec.selector"), none));
	labels_multiline(w, "", "Labels", json_path(obj, "metadata.labels"));
	annotations_multiline(w, "Annotations", json_path(obj, "metadata.annotations"));
	if ((ctl = controller_of(w, obj)) != NULL)
		W(w, 0, "Controlled By:\t%s\n", ctl);
}

/* ---- anything else: the fields as they are ---- */

static void
generic_tree(struct dw *w, json_t *v, int level, int depth)
{
	const char *k;
	json_t *item, *e;
	size_t i;
	char *s;

	if (depth > 12)
		return;
	json_object_foreach(v, k, item) {
		if (strcmp(k, "managedFields") == 0)
			continue;
		if (json_is_object(item)) {
			W(w, level, "%s:\n", V(w, k));
			generic_tree(w, item, level + 1, depth + 1);
		} else if (json_is_array(item)) {
			W(w, level, "%s:%s\n", V(w, k), json_array_size(item) == 0 ? "\t<none>" : "");
			json_array_foreach(item, i, e) {
				if (json_is_object(e)) {
					W(w, level + 1, "[%zu]:\n", i);
					generic_tree(w, e, level + 2, depth + 1);
				} else {
					s = json_dumps(e, JSON_ENCODE_ANY);
					W(w, level + 1, "- %s\n", V(w, s));
					free(s);
				}
			}
		} else if (json_is_string(item))
			W(w, level, "%s:\t%s\n", V(w, k), V(w, json_string_value(item)));
		else {
			s = json_dumps(item, JSON_ENCODE_ANY);
			W(w, level, "%s:\t%s\n", V(w, k), V(w, s));
			free(s);
		}
	}
}

static void
generic_render(struct dw *w, json_t *obj, json_t *related, int64_t now)
{
	const char *k, *ctl;
	json_t *sec;

	(void)related;
	(void)now;
	W(w, 0, "Name:\t%s\n", VS(w, obj, "metadata.name"));
	if (json_path_str(obj, "metadata.namespace") != NULL)
		W(w, 0, "Namespace:\t%s\n", VS(w, obj, "metadata.namespace"));
	W(w, 0, "Kind:\t%s\n", VS(w, obj, "kind"));
	W(w, 0, "CreationTimestamp:\t%s\n", rfc1123z(w, json_path_str(obj,
	    "metadata.creationTimestamp")));
	labels_multiline(w, "", "Labels", json_path(obj, "metadata.labels"));
	annotations_multiline(w, "Annotations", json_path(obj, "metadata.annotations"));
	if ((ctl = controller_of(w, obj)) != NULL)
		W(w, 0, "Controlled By:\t%s\n", ctl);
	json_object_foreach(obj, k, sec) {
		if (strcmp(k, "metadata") == 0 || strcmp(k, "kind") == 0 ||
		    strcmp(k, "apiVersion") == 0)
			continue;
		if (json_is_object(sec)) {
			/* the key capitalised, then sanitised whole (its first
			 * byte may be a control, or the key empty) */
			char *cap = xstrdup(k);

			if (cap[0] >= 'a' && cap[0] <= 'z')
				cap[0] = (char)(cap[0] - 'a' + 'A');
			W(w, 0, "%s:\n", V(w, cap));
			free(cap);
			generic_tree(w, sec, 1, 0);
		} else {
			char *s = json_dumps(sec, JSON_ENCODE_ANY);

			W(w, 0, "%s:\t%s\n", V(w, k), V(w, s));
			free(s);
		}
	}
}

static const struct describer describe_generic = { NULL, generic_render };

/* ---- events ---- */

struct ev {
	json_t		*e;
	int64_t		 last;
	size_t		 i;
};

static int
ev_cmp(const void *a, const void *b)
{
	const struct ev *ea = a, *eb = b;

	if (ea->last != eb->last)
		return ea->last < eb->last ? -1 : 1;
	return ea->i < eb->i ? -1 : ea->i > eb->i;
}

/* The Events table: oldest first, as kubectl. */
static void
events_render(struct dw *w, const struct describe_events *events, int64_t now)
{
	json_t *items = events->items, *e;
	struct ev *evs;
	size_t n = json_array_size(items), i;
	char first[32], last[32], *interval, *msg;
	const char *src, *fp, *m;
	size_t len;

	if (items == NULL) {
		W(w, 0, "Events:\t%s\n", V(w, events->note != NULL ? events->note : "<none>"));
		return;
	}
	if (n == 0) {
		W(w, 0, "Events:\t<none>\n");
		return;
	}
	evs = xcalloc(n, sizeof *evs);
	json_array_foreach(items, i, e) {
		evs[i].e = e;
		evs[i].i = i;
		evs[i].last = parse_rfc3339(json_path_str_or(e, "lastTimestamp", ""));
	}
	qsort(evs, n, sizeof *evs, ev_cmp);
	W(w, 0, "Events:\n  Type\tReason\tAge\tFrom\tMessage\n");
	W(w, 1, "----\t------\t----\t----\t-------\n");
	for (i = 0; i < n; i++) {
		e = evs[i].e;
		if (json_path_str(e, "eventTime") != NULL)
			since(json_path_str(e, "eventTime"), now, first, sizeof first);
		else
			since(json_path_str(e, "firstTimestamp"), now, first, sizeof first);
		if (json_object_get(e, "series") != NULL) {
			since(json_path_str(e, "series.lastObservedTime"), now, last, sizeof last);
			interval = xasprintf("%s (x%lld over %s)", last,
			    (long long)json_path_int(e, "series.count", 0), first);
		} else if (json_path_int(e, "count", 0) > 1) {
			since(json_path_str(e, "lastTimestamp"), now, last, sizeof last);
			interval = xasprintf("%s (x%lld over %s)", last,
			    (long long)json_path_int(e, "count", 0), first);
		} else
			interval = xstrdup(first);
		src = json_path_str_or(e, "source.component", "");
		if (*src == '\0')
			src = json_path_str_or(e, "reportingComponent", "");
		m = json_path_str_or(e, "message", "");
		while (*m == ' ' || *m == '\t' || *m == '\n' || *m == '\r')
			m++;
		msg = xstrdup(m);
		len = strlen(msg);
		while (len > 0 && (msg[len - 1] == ' ' || msg[len - 1] == '\t' ||
		    msg[len - 1] == '\n' || msg[len - 1] == '\r'))
			msg[--len] = '\0';
		fp = json_path_str_or(e, "involvedObject.fieldPath", "");
		W(w, 1, "%s\t%s\t%s\t%s\t%s%s%s\n", VS(w, e, "type"), VS(w, e, "reason"), interval,
		    V(w, src), V(w, fp), *fp != '\0' ? ": " : "", V(w, msg));
		w->lines[w->n - 1].warning = strcmp(json_path_str_or(e, "type", ""), "Warning") == 0;
		free(interval);
		free(msg);
	}
	free(evs);
}

/* ---- entry points ---- */

void
describe_object(const struct kind *k, json_t *obj, json_t *related,
    const struct describe_events *events, int64_t now, describe_line_cb cb, void *arg)
{
	const struct describer *d = k != NULL && k->describer != NULL ? k->describer :
	    &describe_generic;
	struct dw w;

	memset(&w, 0, sizeof w);
	d->render(&w, obj, related, now);
	if (w.cur != NULL)
		dw_finish_line(&w);
	if (events != NULL)
		events_render(&w, events, now);
	dw_flush(&w, cb, arg);
	dw_free(&w);
}

json_t *
describe_answer(const struct client_response *resp)
{
	json_t *body, *items;
	json_error_t jerr;
	char *e;

	if (resp->error != NULL || resp->status / 100 != 2) {
		e = client_response_error(resp);
		body = json_string(e);
		free(e);
		return body != NULL ? body : json_string("the answer is not text");
	}
	body = json_loadb(resp->body, resp->len, 0, &jerr);
	if (json_is_array(body))	/* Alertmanager's lists */
		return body;
	if (!json_is_object(body)) {
		json_decref(body);
		return json_string("the server sent malformed JSON");
	}
	items = json_object_get(body, "items");
	if (json_is_array(items)) {
		json_incref(items);
		json_decref(body);
		return items;
	}
	return body;
}

char *
describe_related_path(const struct kind *k, json_t *obj, size_t i)
{
	if (k == NULL || k->describer == NULL || k->describer->related == NULL)
		return NULL;
	return k->describer->related(obj, i);
}

char *
describe_events_path(json_t *obj)
{
	const char *name = json_path_str(obj, "metadata.name");
	const char *ns = json_path_str(obj, "metadata.namespace");
	const char *uid = json_path_str(obj, "metadata.uid");
	const char *kind = json_path_str(obj, "kind");
	bool node = kind != NULL && strcmp(kind, "Node") == 0;
	char *sel, *q, *e, *path;

	if (name == NULL)
		return NULL;
	/* a node's events carry the node's name as their uid (the kubelet's
	 * way) or its real uid: ask by kind and name instead */
	if (node)
		uid = NULL;
	sel = xasprintf("involvedObject.name=%s%s%s%s%s%s", name,
	    node ? ",involvedObject.kind=Node" : "",
	    ns != NULL && *ns != '\0' ? ",involvedObject.namespace=" : "",
	    ns != NULL && *ns != '\0' ? ns : "",
	    uid != NULL && *uid != '\0' ? ",involvedObject.uid=" : "",
	    uid != NULL && *uid != '\0' ? uid : "");
	q = http_escape(sel);
	free(sel);
	if (ns != NULL && *ns != '\0') {
		e = http_escape(ns);
		path = xasprintf("/api/v1/namespaces/%s/events?fieldSelector=%s", e, q);
		free(e);
	} else
		path = xasprintf("/api/v1/events?fieldSelector=%s", q);
	free(q);
	return path;
}
