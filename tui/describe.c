/* describe: objects as `kubectl describe` shows them (see describe.h). The
 * field names, sections, their order and "<none>"/"<unset>" follow
 * kubectl's describe output, which on-call engineers know by heart. */
#include <stdarg.h>
#include <math.h>
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

/* One line as written: cells separated by tabs. */
struct dw_line {
	char		*text;
	bool		 warning;
};

/* The writer: lines, the one being written, and the sanitised copies of
 * untrusted strings handed out by V() (freed with the writer). */
struct dw {
	struct dw_line	*lines;
	size_t		 n, cap;
	char		*cur;
	size_t		 curlen, curcap;
	bool		 warning;	/* the next finished line is a Warning event */
	char		**arena;
	size_t		 narena, arenacap;
	json_t		*pod;		/* the pod described, for env fieldRefs */
};

#define DW_PAD	2	/* spaces after a column's widest cell (kubectl's) */

/* A sanitised copy of untrusted s, alive as long as w: no tab or newline
 * survives, so a value can never add a cell or a line. */
static const char *
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
static const char *
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
static void __attribute__((format(printf, 3, 4)))
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
static const char *
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
static void
since(const char *t, int64_t now, char *buf, size_t len)
{
	int64_t s = t != NULL && *t != '\0' ? parse_rfc3339(t) : 0;

	if (s == 0)
		snprintf(buf, len, "<unknown>");
	else
		human_duration(now - s, buf, len);
}

/* "<unset>"-style: the integer at path, or none. */
static const char *
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
static const char *
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
static const char *
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
static const char *
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

static const char **
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
static void
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
static void
annotations_multiline(struct dw *w, const char *title, json_t *map)
{
	const char **keys, *val;
	size_t n, i, len;
	char *v, *line, *next;

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
				if (strlen(line) > ANNOTATION_MAX - 2)
					strcpy(line + ANNOTATION_MAX - 2, "...");
				W(w, 0, "\t  %s\n", V(w, line));
			}
		} else
			W(w, 0, "%s: %s\n", V(w, keys[i]), V(w, v));
		free(v);
	}
	free(keys);
}

/* "Kind/name" of the controlling owner, or NULL. */
static const char *
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
static void
name_ns(struct dw *w, json_t *obj)
{
	W(w, 0, "Name:\t%s\n", VS(w, obj, "metadata.name"));
	W(w, 0, "Namespace:\t%s\n", VS(w, obj, "metadata.namespace"));
}

/* Name, Namespace, Labels, Annotations. */
static void
name_meta(struct dw *w, json_t *obj)
{
	name_ns(w, obj);
	labels_multiline(w, "", "Labels", json_path(obj, "metadata.labels"));
	annotations_multiline(w, "Annotations", json_path(obj, "metadata.annotations"));
}

/* "Title:\tname, name" of an array of objects with names, or <none>. */
static void
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
static void
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

/* ---- pods and pod templates ---- */

static const char *
ports_string(struct dw *w, json_t *ports, bool host)
{
	json_t *p;
	size_t i;
	char *s = xstrdup(""), *t;
	const char *r;

	json_array_foreach(ports, i, p) {
		const char *name = json_string_value(json_object_get(p, "name"));

		t = xasprintf("%s%s%lld/%s%s%s%s", s, i > 0 ? ", " : "",
		    (long long)json_path_int(p, host ? "hostPort" : "containerPort", 0),
		    json_path_str_or(p, "protocol", ""), name != NULL && *name != '\0' ? " (" : "",
		    name != NULL && *name != '\0' ? name : "",
		    name != NULL && *name != '\0' ? ")" : "");
		free(s);
		s = t;
	}
	r = V(w, s);
	free(s);
	return r;
}

/* A Go-style string list: "[a b c]". */
static char *
go_list(json_t *arr)
{
	json_t *v;
	size_t i;
	char *s = xstrdup("["), *t;

	json_array_foreach(arr, i, v) {
		t = xasprintf("%s%s%s", s, i > 0 ? " " : "", json_string_value(v) ?
		    json_string_value(v) : "");
		free(s);
		s = t;
	}
	t = xasprintf("%s]", s);
	free(s);
	return t;
}

static const char *
probe_string(struct dw *w, json_t *pr)
{
	json_t *h;
	char attrs[160], *s, *cmd, *scheme;
	const char *r, *host, *port;

	snprintf(attrs, sizeof attrs, "delay=%llds timeout=%llds period=%llds #success=%lld "
	    "#failure=%lld", (long long)json_path_int(pr, "initialDelaySeconds", 0),
	    (long long)json_path_int(pr, "timeoutSeconds", 0),
	    (long long)json_path_int(pr, "periodSeconds", 0),
	    (long long)json_path_int(pr, "successThreshold", 0),
	    (long long)json_path_int(pr, "failureThreshold", 0));
	if ((h = json_object_get(pr, "exec")) != NULL) {
		cmd = go_list(json_object_get(h, "command"));
		s = xasprintf("exec %s %s", cmd, attrs);
		free(cmd);
	} else if ((h = json_object_get(pr, "httpGet")) != NULL) {
		scheme = xstrdup(json_path_str_or(h, "scheme", ""));
		for (cmd = scheme; *cmd != '\0'; cmd++)
			*cmd = (char)(*cmd >= 'A' && *cmd <= 'Z' ? *cmd - 'A' + 'a' : *cmd);
		host = json_path_str_or(h, "host", "");
		port = intstr(w, json_object_get(h, "port"));
		s = xasprintf("http-get %s%s//%s%s%s%s%s %s", scheme, *scheme != '\0' ? ":" : "",
		    strchr(host, ':') != NULL ? "[" : "", host, strchr(host, ':') != NULL ? "]" : "",
		    *port != '\0' ? ":" : "", port, attrs);
		/* the path goes after the host */
		free(scheme);
		scheme = s;
		s = xasprintf("%.*s%s%s", (int)(strchr(scheme + 9, ' ') - scheme), scheme,
		    json_path_str_or(h, "path", ""), strchr(scheme + 9, ' '));
		free(scheme);
	} else if ((h = json_object_get(pr, "tcpSocket")) != NULL) {
		s = xasprintf("tcp-socket %s:%s %s", json_path_str_or(h, "host", ""),
		    intstr(w, json_object_get(h, "port")), attrs);
	} else if ((h = json_object_get(pr, "grpc")) != NULL) {
		s = xasprintf("grpc <pod>:%lld %s %s", (long long)json_path_int(h, "port", 0),
		    json_path_str_or(h, "service", ""), attrs);
	} else
		s = xasprintf("unknown %s", attrs);
	r = V(w, s);
	free(s);
	return r;
}

/* The value of an env var's fieldRef read from the pod described. */
static const char *
field_ref_value(struct dw *w, const char *path)
{
	static const char *plain[] = { "metadata.name", "metadata.namespace", "metadata.uid",
	    "spec.nodeName", "spec.serviceAccountName", "status.podIP", "status.hostIP" };
	size_t i;

	if (w->pod == NULL || path == NULL)
		return "";
	for (i = 0; i < sizeof plain / sizeof plain[0]; i++) {
		if (strcmp(path, plain[i]) == 0)
			return VS(w, w->pod, path);
	}
	return "";
}

static void
container_state(struct dw *w, const char *title, json_t *st)
{
	json_t *s;

	if ((s = json_object_get(st, "running")) != NULL) {
		W(w, 2, "%s:\tRunning\n", title);
		W(w, 3, "Started:\t%s\n", rfc1123z(w, json_path_str(s, "startedAt")));
	} else if ((s = json_object_get(st, "waiting")) != NULL) {
		W(w, 2, "%s:\tWaiting\n", title);
		if (*json_path_str_or(s, "reason", "") != '\0')
			W(w, 3, "Reason:\t%s\n", VS(w, s, "reason"));
	} else if ((s = json_object_get(st, "terminated")) != NULL) {
		W(w, 2, "%s:\tTerminated\n", title);
		if (*json_path_str_or(s, "reason", "") != '\0')
			W(w, 3, "Reason:\t%s\n", VS(w, s, "reason"));
		if (*json_path_str_or(s, "message", "") != '\0')
			W(w, 3, "Message:\t%s\n", VS(w, s, "message"));
		W(w, 3, "Exit Code:\t%lld\n", (long long)json_path_int(s, "exitCode", 0));
		if (json_path_int(s, "signal", 0) > 0)
			W(w, 3, "Signal:\t%lld\n", (long long)json_path_int(s, "signal", 0));
		W(w, 3, "Started:\t%s\n", rfc1123z(w, json_path_str(s, "startedAt")));
		W(w, 3, "Finished:\t%s\n", rfc1123z(w, json_path_str(s, "finishedAt")));
	} else
		W(w, 2, "%s:\tWaiting\n", title);
}

static void
resources(struct dw *w, json_t *res, int level)
{
	static const char *which[2][2] = { { "limits", "Limits" }, { "requests", "Requests" } };
	const char **keys;
	json_t *m;
	size_t n, i, j;

	for (j = 0; j < 2; j++) {
		m = json_object_get(res, which[j][0]);
		keys = sorted_keys(m, NULL, &n);
		if (n > 0)
			W(w, level, "%s:\n", which[j][1]);
		for (i = 0; i < n; i++)
			W(w, level + 1, "%s:\t%s\n", V(w, keys[i]),
			    quantity(w, json_string_value(json_object_get(m, keys[i]))));
		free(keys);
	}
}

static void
env_vars(struct dw *w, json_t *c)
{
	json_t *env = json_object_get(c, "env"), *e, *from, *r;
	size_t i;
	char *val, *line, *next;

	W(w, 2, "Environment:%s\n", json_array_size(env) == 0 ? "\t<none>" : "");
	json_array_foreach(env, i, e) {
		const char *name = VS(w, e, "name");

		from = json_object_get(e, "valueFrom");
		if (from == NULL) {
			val = xstrdup(json_path_str_or(e, "value", ""));
			for (line = val; line != NULL; line = next) {
				next = strchr(line, '\n');
				if (next != NULL)
					*next++ = '\0';
				if (line == val)
					W(w, 3, "%s:\t%s\n", name, V(w, line));
				else
					W(w, 3, "\t%s\n", V(w, line));
			}
			free(val);
		} else if ((r = json_object_get(from, "fieldRef")) != NULL)
			W(w, 3, "%s:\t%s (%s:%s)\n", name,
			    field_ref_value(w, json_path_str(r, "fieldPath")), VS(w, r, "apiVersion"),
			    VS(w, r, "fieldPath"));
		else if ((r = json_object_get(from, "resourceFieldRef")) != NULL)
			W(w, 3, "%s:\t (%s)\n", name, VS(w, r, "resource"));
		else if ((r = json_object_get(from, "secretKeyRef")) != NULL)
			W(w, 3, "%s:\t<set to the key '%s' in secret '%s'>\tOptional: %s\n", name,
			    VS(w, r, "key"), VS(w, r, "name"),
			    json_path_true(r, "optional") ? "true" : "false");
		else if ((r = json_object_get(from, "configMapKeyRef")) != NULL)
			W(w, 3, "%s:\t<set to the key '%s' of config map '%s'>\tOptional: %s\n", name,
			    VS(w, r, "key"), VS(w, r, "name"),
			    json_path_true(r, "optional") ? "true" : "false");
	}
}

static int
mount_cmp(const void *a, const void *b)
{
	const char *ma = json_path_str_or(*(json_t *const *)a, "mountPath", "");
	const char *mb = json_path_str_or(*(json_t *const *)b, "mountPath", "");

	return strcmp(ma, mb);
}

static void
container_mounts(struct dw *w, json_t *c)
{
	json_t *mounts = json_object_get(c, "volumeMounts"), **sorted, *m;
	size_t n = json_array_size(mounts), i;
	const char *sub;

	W(w, 2, "Mounts:%s\n", n == 0 ? "\t<none>" : "");
	sorted = xcalloc(n + 1, sizeof *sorted);
	for (i = 0; i < n; i++)
		sorted[i] = json_array_get(mounts, i);
	qsort(sorted, n, sizeof *sorted, mount_cmp);
	for (i = 0; i < n; i++) {
		m = sorted[i];
		sub = json_path_str_or(m, "subPath", "");
		W(w, 3, "%s from %s (%s%s%s%s)\n", VS(w, m, "mountPath"), VS(w, m, "name"),
		    json_path_true(m, "readOnly") ? "ro" : "rw", *sub != '\0' ? ",path=\"" : "",
		    V(w, sub), *sub != '\0' ? "\"" : "");
	}
	free(sorted);
}

/* Containers (with their statuses when a pod is described). */
static void
containers(struct dw *w, const char *label, json_t *list, json_t *statuses, const char *space)
{
	json_t *c, *st, *s, *e;
	size_t i, j;
	const char *name, *ports;

	W(w, 0, "%s%s:%s\n", space, label, json_array_size(list) == 0 ? " <none>" : "");
	json_array_foreach(list, i, c) {
		name = json_path_str_or(c, "name", "");
		st = NULL;
		json_array_foreach(statuses, j, s) {
			if (strcmp(json_path_str_or(s, "name", ""), name) == 0) {
				st = s;
				break;
			}
		}
		W(w, 1, "%s%s:\n", *space != '\0' ? " " : "", V(w, name));
		if (st != NULL)
			W(w, 2, "Container ID:\t%s\n", VS(w, st, "containerID"));
		W(w, 2, "Image:\t%s\n", VS(w, c, "image"));
		if (st != NULL)
			W(w, 2, "Image ID:\t%s\n", VS(w, st, "imageID"));
		ports = ports_string(w, json_object_get(c, "ports"), false);
		W(w, 2, "%s:\t%s\n", strchr(ports, ',') != NULL ? "Ports" : "Port",
		    *ports != '\0' ? ports : "<none>");
		ports = ports_string(w, json_object_get(c, "ports"), true);
		W(w, 2, "%s:\t%s\n", strchr(ports, ',') != NULL ? "Host Ports" : "Host Port",
		    *ports != '\0' ? ports : "<none>");
		if (json_array_size(json_object_get(c, "command")) > 0) {
			W(w, 2, "Command:\n");
			json_array_foreach(json_object_get(c, "command"), j, e)
				W(w, 3, "%s\n", V(w, json_string_value(e)));
		}
		if (json_array_size(json_object_get(c, "args")) > 0) {
			W(w, 2, "Args:\n");
			json_array_foreach(json_object_get(c, "args"), j, e)
				W(w, 3, "%s\n", V(w, json_string_value(e)));
		}
		if (st != NULL) {
			container_state(w, "State", json_object_get(st, "state"));
			if (json_path(st, "lastState.terminated") != NULL)
				container_state(w, "Last State", json_object_get(st, "lastState"));
			W(w, 2, "Ready:\t%s\n", json_path_true(st, "ready") ? "True" : "False");
			W(w, 2, "Restart Count:\t%lld\n", (long long)json_path_int(st, "restartCount", 0));
		}
		resources(w, json_object_get(c, "resources"), 2);
		if (json_object_get(c, "livenessProbe") != NULL)
			W(w, 2, "Liveness:\t%s\n", probe_string(w, json_object_get(c, "livenessProbe")));
		if (json_object_get(c, "readinessProbe") != NULL)
			W(w, 2, "Readiness:\t%s\n", probe_string(w, json_object_get(c, "readinessProbe")));
		if (json_object_get(c, "startupProbe") != NULL)
			W(w, 2, "Startup:\t%s\n", probe_string(w, json_object_get(c, "startupProbe")));
		if (json_array_size(json_object_get(c, "envFrom")) > 0) {
			W(w, 2, "Environment Variables from:\n");
			json_array_foreach(json_object_get(c, "envFrom"), j, e) {
				json_t *ref = json_object_get(e, "configMapRef");
				const char *from = "ConfigMap", *prefix = json_path_str_or(e, "prefix", "");

				if (ref == NULL) {
					ref = json_object_get(e, "secretRef");
					from = "Secret";
				}
				if (*prefix == '\0')
					W(w, 3, "%s\t%s\tOptional: %s\n", VS(w, ref, "name"), from,
					    json_path_true(ref, "optional") ? "true" : "false");
				else
					W(w, 3, "%s\t%s with prefix '%s'\tOptional: %s\n",
					    VS(w, ref, "name"), from, V(w, prefix),
					    json_path_true(ref, "optional") ? "true" : "false");
			}
		}
		env_vars(w, c);
		container_mounts(w, c);
	}
}

static void
volumes(struct dw *w, json_t *vols, const char *space)
{
	json_t *v, *s, *src;
	size_t i, j;

	if (json_array_size(vols) == 0) {
		W(w, 0, "%sVolumes:\t<none>\n", space);
		return;
	}
	W(w, 0, "%sVolumes:\n", space);
	json_array_foreach(vols, i, v) {
		W(w, 1, "%s%s:\n", *space != '\0' ? " " : "", VS(w, v, "name"));
		if ((s = json_object_get(v, "hostPath")) != NULL)
			W(w, 2, "Type:\tHostPath (bare host directory volume)\n    Path:\t%s\n"
			    "    HostPathType:\t%s\n", VS(w, s, "path"),
			    V(w, json_path_str_or(s, "type", "<none>")));
		else if ((s = json_object_get(v, "emptyDir")) != NULL)
			W(w, 2, "Type:\tEmptyDir (a temporary directory that shares a pod's lifetime)\n"
			    "    Medium:\t%s\n    SizeLimit:\t%s\n", VS(w, s, "medium"),
			    json_object_get(s, "sizeLimit") != NULL ?
			    quantity(w, json_path_str(s, "sizeLimit")) : "<unset>");
		else if ((s = json_object_get(v, "secret")) != NULL)
			W(w, 2, "Type:\tSecret (a volume populated by a Secret)\n    SecretName:\t%s\n"
			    "    Optional:\t%s\n", VS(w, s, "secretName"),
			    json_path_true(s, "optional") ? "true" : "false");
		else if ((s = json_object_get(v, "configMap")) != NULL)
			W(w, 2, "Type:\tConfigMap (a volume populated by a ConfigMap)\n    Name:\t%s\n"
			    "    Optional:\t%s\n", VS(w, s, "name"),
			    json_path_true(s, "optional") ? "true" : "false");
		else if ((s = json_object_get(v, "persistentVolumeClaim")) != NULL)
			W(w, 2, "Type:\tPersistentVolumeClaim (a reference to a PersistentVolumeClaim "
			    "in the same namespace)\n    ClaimName:\t%s\n    ReadOnly:\t%s\n",
			    VS(w, s, "claimName"), json_path_true(s, "readOnly") ? "true" : "false");
		else if ((s = json_object_get(v, "projected")) != NULL) {
			W(w, 2, "Type:\tProjected (a volume that contains injected data from "
			    "multiple sources)\n");
			json_array_foreach(json_object_get(s, "sources"), j, src) {
				json_t *x;

				if ((x = json_object_get(src, "secret")) != NULL)
					W(w, 2, "SecretName:\t%s\n    Optional:\t%s\n", VS(w, x, "name"),
					    json_path_true(x, "optional") ? "true" : "false");
				else if (json_object_get(src, "downwardAPI") != NULL)
					W(w, 2, "DownwardAPI:\ttrue\n");
				else if ((x = json_object_get(src, "configMap")) != NULL)
					W(w, 2, "ConfigMapName:\t%s\n    Optional:\t%s\n",
					    VS(w, x, "name"),
					    json_path_true(x, "optional") ? "true" : "false");
				else if ((x = json_object_get(src, "serviceAccountToken")) != NULL)
					W(w, 2, "TokenExpirationSeconds:\t%lld\n",
					    (long long)json_path_int(x, "expirationSeconds", 0));
			}
		} else if ((s = json_object_get(v, "downwardAPI")) != NULL) {
			W(w, 2, "Type:\tDownwardAPI (a volume populated by information about the pod)\n"
			    "    Items:\n");
			json_array_foreach(json_object_get(s, "items"), j, src) {
				if (json_object_get(src, "fieldRef") != NULL)
					W(w, 3, "%s -> %s\n", VS(w, src, "fieldRef.fieldPath"),
					    VS(w, src, "path"));
				if (json_object_get(src, "resourceFieldRef") != NULL)
					W(w, 3, "%s -> %s\n", VS(w, src, "resourceFieldRef.resource"),
					    VS(w, src, "path"));
			}
		} else
			W(w, 2, "Type:\t<unknown>\n");
	}
}

static int
toleration_cmp(const void *a, const void *b)
{
	return strcmp(json_path_str_or(*(json_t *const *)a, "key", ""),
	    json_path_str_or(*(json_t *const *)b, "key", ""));
}

static void
tolerations(struct dw *w, const char *indent, json_t *list)
{
	size_t n = json_array_size(list), i;
	json_t **t = xcalloc(n + 1, sizeof *t);
	const char *key, *val, *eff, *op;

	W(w, 0, "%sTolerations:\t", indent);
	if (n == 0)
		W(w, 0, "<none>\n");
	for (i = 0; i < n; i++)
		t[i] = json_array_get(list, i);
	qsort(t, n, sizeof *t, toleration_cmp);
	for (i = 0; i < n; i++) {
		key = json_path_str_or(t[i], "key", "");
		val = json_path_str_or(t[i], "value", "");
		eff = json_path_str_or(t[i], "effect", "");
		op = json_path_str_or(t[i], "operator", "");
		if (i != 0)
			W(w, 0, "%s\t", indent);
		W(w, 0, "%s%s%s%s%s", V(w, key), *val != '\0' ? "=" : "", V(w, val),
		    *eff != '\0' ? ":" : "", V(w, eff));
		if (strcmp(op, "Exists") == 0 && *val == '\0')
			W(w, 0, "%sop=Exists", *key != '\0' || *eff != '\0' ? " " : "");
		if (json_is_integer(json_object_get(t[i], "tolerationSeconds")))
			W(w, 0, " for %llds",
			    (long long)json_path_int(t[i], "tolerationSeconds", 0));
		W(w, 0, "\n");
	}
	free(t);
}

static void
pod_template(struct dw *w, json_t *tmpl)
{
	json_t *spec = json_object_get(tmpl, "spec");

	W(w, 0, "Pod Template:\n");
	if (tmpl == NULL) {
		W(w, 1, "<unset>");
		return;
	}
	labels_multiline(w, "  ", "Labels", json_path(tmpl, "metadata.labels"));
	if (json_object_size(json_path(tmpl, "metadata.annotations")) > 0)
		annotations_multiline(w, "  Annotations", json_path(tmpl, "metadata.annotations"));
	if (*json_path_str_or(spec, "serviceAccountName", "") != '\0')
		W(w, 1, "Service Account:\t%s\n", VS(w, spec, "serviceAccountName"));
	if (json_array_size(json_object_get(spec, "initContainers")) > 0)
		containers(w, "Init Containers", json_object_get(spec, "initContainers"), NULL, "  ");
	containers(w, "Containers", json_object_get(spec, "containers"), NULL, "  ");
	volumes(w, json_object_get(spec, "volumes"), "  ");
	if (*json_path_str_or(spec, "priorityClassName", "") != '\0')
		W(w, 1, "Priority Class Name:\t%s\n", VS(w, spec, "priorityClassName"));
	labels_multiline(w, "  ", "Node-Selectors", json_object_get(spec, "nodeSelector"));
	tolerations(w, "  ", json_object_get(spec, "tolerations"));
}

static void
pod_render(struct dw *w, json_t *pod, json_t *related, int64_t now)
{
	json_t *spec = json_object_get(pod, "spec"), *st = json_object_get(pod, "status"), *v;
	const char *phase = json_path_str_or(st, "phase", ""), *ctl;
	char age[32];
	size_t i;

	(void)related;
	w->pod = pod;
	name_ns(w, pod);
	if (json_is_integer(json_object_get(spec, "priority")))
		W(w, 0, "Priority:\t%s\n", int_or(w, spec, "priority", ""));
	if (*json_path_str_or(spec, "priorityClassName", "") != '\0')
		W(w, 0, "Priority Class Name:\t%s\n", VS(w, spec, "priorityClassName"));
	if (*json_path_str_or(spec, "runtimeClassName", "") != '\0')
		W(w, 0, "Runtime Class Name:\t%s\n", VS(w, spec, "runtimeClassName"));
	if (*json_path_str_or(spec, "serviceAccountName", "") != '\0')
		W(w, 0, "Service Account:\t%s\n", VS(w, spec, "serviceAccountName"));
	if (*json_path_str_or(spec, "nodeName", "") == '\0')
		W(w, 0, "Node:\t<none>\n");
	else
		W(w, 0, "Node:\t%s/%s\n", VS(w, spec, "nodeName"), VS(w, st, "hostIP"));
	if (json_path_str(st, "startTime") != NULL)
		W(w, 0, "Start Time:\t%s\n", rfc1123z(w, json_path_str(st, "startTime")));
	labels_multiline(w, "", "Labels", json_path(pod, "metadata.labels"));
	annotations_multiline(w, "Annotations", json_path(pod, "metadata.annotations"));
	if (json_path_str(pod, "metadata.deletionTimestamp") != NULL &&
	    strcmp(phase, "Failed") != 0 && strcmp(phase, "Succeeded") != 0) {
		int64_t del = parse_rfc3339(json_path_str(pod, "metadata.deletionTimestamp"));

		human_duration(now - del, age, sizeof age);
		W(w, 0, "Status:\tTerminating (lasts %s)\n", age);
		W(w, 0, "Termination Grace Period:\t%llds\n",
		    (long long)json_path_int(pod, "metadata.deletionGracePeriodSeconds", 0));
	} else
		W(w, 0, "Status:\t%s\n", V(w, phase));
	if (*json_path_str_or(st, "reason", "") != '\0')
		W(w, 0, "Reason:\t%s\n", VS(w, st, "reason"));
	if (*json_path_str_or(st, "message", "") != '\0')
		W(w, 0, "Message:\t%s\n", VS(w, st, "message"));
	if (json_path(spec, "securityContext.seccompProfile") != NULL) {
		W(w, 0, "SeccompProfile:\t%s\n", VS(w, spec, "securityContext.seccompProfile.type"));
		if (strcmp(json_path_str_or(spec, "securityContext.seccompProfile.type", ""),
		    "Localhost") == 0)
			W(w, 0, "LocalhostProfile:\t%s\n",
			    VS(w, spec, "securityContext.seccompProfile.localhostProfile"));
	}
	W(w, 0, "IP:\t%s\n", VS(w, st, "podIP"));
	if (json_array_size(json_object_get(st, "podIPs")) == 0)
		W(w, 0, "IPs:\t<none>\n");
	else {
		W(w, 0, "IPs:\n");
		json_array_foreach(json_object_get(st, "podIPs"), i, v)
			W(w, 1, "IP:\t%s\n", VS(w, v, "ip"));
	}
	if ((ctl = controller_of(w, pod)) != NULL)
		W(w, 0, "Controlled By:\t%s\n", ctl);
	if (*json_path_str_or(st, "nominatedNodeName", "") != '\0')
		W(w, 0, "NominatedNodeName:\t%s\n", VS(w, st, "nominatedNodeName"));
	if (json_object_get(spec, "resources") != NULL) {
		W(w, 0, "Resources:\n");
		resources(w, json_object_get(spec, "resources"), 1);
	}
	if (json_array_size(json_object_get(spec, "initContainers")) > 0)
		containers(w, "Init Containers", json_object_get(spec, "initContainers"),
		    json_object_get(st, "initContainerStatuses"), "");
	containers(w, "Containers", json_object_get(spec, "containers"),
	    json_object_get(st, "containerStatuses"), "");
	if (json_array_size(json_object_get(spec, "readinessGates")) > 0) {
		W(w, 0, "Readiness Gates:\n  Type\tStatus\n");
		json_array_foreach(json_object_get(spec, "readinessGates"), i, v) {
			const char *type = json_path_str_or(v, "conditionType", ""), *status = "<none>";
			json_t *c;
			size_t j;

			json_array_foreach(json_object_get(st, "conditions"), j, c) {
				if (strcmp(json_path_str_or(c, "type", ""), type) == 0) {
					status = VS(w, c, "status");
					break;
				}
			}
			W(w, 1, "%s \t%s \n", V(w, type), status);
		}
	}
	if (json_array_size(json_object_get(st, "conditions")) > 0) {
		W(w, 0, "Conditions:\n  Type\tStatus\n");
		json_array_foreach(json_object_get(st, "conditions"), i, v)
			W(w, 1, "%s \t%s \n", VS(w, v, "type"), VS(w, v, "status"));
	}
	volumes(w, json_object_get(spec, "volumes"), "");
	W(w, 0, "QoS Class:\t%s\n", VS(w, st, "qosClass"));
	labels_multiline(w, "", "Node-Selectors", json_object_get(spec, "nodeSelector"));
	tolerations(w, "", json_object_get(spec, "tolerations"));
}

const struct describer describe_pod = { NULL, pod_render };

/* ---- workloads ---- */

/* A list path in obj's namespace: .../namespaces/NS/RESOURCE?labelSelector=SEL. */
static char *
selector_list_path(json_t *obj, const char *group, const char *resource)
{
	struct label_selector *ls;
	char *cause = NULL, *sel, *path;
	const char *ns = json_path_str(obj, "metadata.namespace");

	ls = label_selector_from_json(json_path(obj, "spec.selector"), &cause);
	free(cause);
	if (ls == NULL || ns == NULL) {
		label_selector_free(ls);
		return NULL;
	}
	sel = label_selector_string(ls);
	label_selector_free(ls);
	path = http_query_add(kind_path(kind_find_api(group, resource), ns, NULL),
	    "labelSelector", sel);
	free(sel);
	return path;
}

/* True if item's controller is owner (by uid). */
static bool
controlled_by(json_t *item, json_t *owner)
{
	const char *uid = json_path_str(owner, "metadata.uid");
	json_t *r;
	size_t i;

	json_array_foreach(json_path(item, "metadata.ownerReferences"), i, r) {
		if (json_is_true(json_object_get(r, "controller")))
			return uid != NULL && strcmp(json_path_str_or(r, "uid", ""), uid) == 0;
	}
	return false;
}

static void
conditions_table(struct dw *w, json_t *conds)
{
	json_t *c;
	size_t i;

	if (json_array_size(conds) == 0)
		return;
	W(w, 0, "Conditions:\n  Type\tStatus\tReason\n");
	W(w, 1, "----\t------\t------\n");
	json_array_foreach(conds, i, c)
		W(w, 1, "%s \t%s\t%s\n", VS(w, c, "type"), VS(w, c, "status"), VS(w, c, "reason"));
}

static char *
deployment_related(json_t *obj, size_t i)
{
	return i == 0 ? selector_list_path(obj, "apps", "replicasets") : NULL;
}

/* Two pod templates equal but for the pod-template-hash label. */
static bool
template_equal(json_t *a, json_t *b)
{
	json_t *ca = json_deep_copy(a), *cb = json_deep_copy(b);
	bool eq;

	json_object_del(json_path(ca, "metadata.labels"), "pod-template-hash");
	json_object_del(json_path(cb, "metadata.labels"), "pod-template-hash");
	eq = json_equal(ca, cb);
	json_decref(ca);
	json_decref(cb);
	return eq;
}

static int
rs_cmp(const void *a, const void *b)
{
	json_t *ra = *(json_t *const *)a, *rb = *(json_t *const *)b;
	int64_t ta = parse_rfc3339(json_path_str_or(ra, "metadata.creationTimestamp", "")),
	    tb = parse_rfc3339(json_path_str_or(rb, "metadata.creationTimestamp", ""));

	if (ta != tb)
		return ta < tb ? -1 : 1;
	return strcmp(json_path_str_or(ra, "metadata.name", ""),
	    json_path_str_or(rb, "metadata.name", ""));
}

/* "name (2/3 replicas created), …" or "<none>". */
static const char *
rs_list(struct dw *w, json_t **rs, size_t n)
{
	char *s = xstrdup(""), *t;
	const char *r;
	size_t i;

	for (i = 0; i < n; i++) {
		t = xasprintf("%s%s%s (%lld/%lld replicas created)", s, i > 0 ? ", " : "",
		    json_path_str_or(rs[i], "metadata.name", ""),
		    (long long)json_path_int(rs[i], "status.replicas", 0),
		    (long long)json_path_int(rs[i], "spec.replicas", 0));
		free(s);
		s = t;
	}
	r = V(w, n > 0 ? s : "<none>");
	free(s);
	return r;
}

static void
deployment_render(struct dw *w, json_t *d, json_t *related, int64_t now)
{
	json_t *spec = json_object_get(d, "spec"), *st = json_object_get(d, "status"), *ru, *rs;
	json_t **owned, *newrs = NULL, **old;
	size_t n = 0, nold = 0, i;

	(void)now;
	name_ns(w, d);
	W(w, 0, "CreationTimestamp:\t%s\n", rfc1123z(w, json_path_str(d,
	    "metadata.creationTimestamp")));
	labels_multiline(w, "", "Labels", json_path(d, "metadata.labels"));
	annotations_multiline(w, "Annotations", json_path(d, "metadata.annotations"));
	W(w, 0, "Selector:\t%s\n", selector(w, json_object_get(spec, "selector"), ""));
	W(w, 0, "Replicas:\t%lld desired | %lld updated | %lld total | %lld available | "
	    "%lld unavailable\n", (long long)json_path_int(spec, "replicas", 0),
	    (long long)json_path_int(st, "updatedReplicas", 0),
	    (long long)json_path_int(st, "replicas", 0),
	    (long long)json_path_int(st, "availableReplicas", 0),
	    (long long)json_path_int(st, "unavailableReplicas", 0));
	W(w, 0, "StrategyType:\t%s\n", VS(w, spec, "strategy.type"));
	W(w, 0, "MinReadySeconds:\t%lld\n", (long long)json_path_int(spec, "minReadySeconds", 0));
	if ((ru = json_path(spec, "strategy.rollingUpdate")) != NULL)
		W(w, 0, "RollingUpdateStrategy:\t%s max unavailable, %s max surge\n",
		    intstr(w, json_object_get(ru, "maxUnavailable")),
		    intstr(w, json_object_get(ru, "maxSurge")));
	pod_template(w, json_object_get(spec, "template"));
	conditions_table(w, json_object_get(st, "conditions"));
	/* the replica sets it controls: the one with its template is new */
	related = json_array_get(related, 0);
	owned = xcalloc(json_array_size(related) + 1, sizeof *owned);
	json_array_foreach(related, i, rs) {
		if (controlled_by(rs, d))
			owned[n++] = rs;
	}
	qsort(owned, n, sizeof *owned, rs_cmp);
	old = xcalloc(n + 1, sizeof *old);
	for (i = 0; i < n; i++) {
		if (newrs == NULL && template_equal(json_path(owned[i], "spec.template"),
		    json_object_get(spec, "template")))
			newrs = owned[i];
		else
			old[nold++] = owned[i];
	}
	if (n > 0) {
		W(w, 0, "OldReplicaSets:\t%s\n", rs_list(w, old, nold));
		W(w, 0, "NewReplicaSet:\t%s\n", rs_list(w, &newrs, newrs != NULL));
	}
	free(owned);
	free(old);
}

const struct describer describe_deployment = { deployment_related, deployment_render };

/* The related request of the workloads that count their pods. */
static char *
pods_related(json_t *obj, size_t i)
{
	return i == 0 ? selector_list_path(obj, "", "pods") : NULL;
}

/* "Pods Status:" of owner: its pods (the first related answer) by phase. */
static void
pods_status(struct dw *w, json_t *owner, json_t *related)
{
	json_t *p;
	size_t i;
	int running = 0, waiting = 0, succeeded = 0, failed = 0;
	const char *phase;

	related = json_array_get(related, 0);
	json_array_foreach(related, i, p) {
		if (!controlled_by(p, owner))
			continue;
		phase = json_path_str_or(p, "status.phase", "");
		running += strcmp(phase, "Running") == 0;
		waiting += strcmp(phase, "Pending") == 0;
		succeeded += strcmp(phase, "Succeeded") == 0;
		failed += strcmp(phase, "Failed") == 0;
	}
	if (json_is_string(related))
		W(w, 0, "Pods Status:\terror in fetching pods: %s\n", V(w,
		    json_string_value(related)));
	else if (!json_is_array(related))
		W(w, 0, "Pods Status:\terror in fetching pods\n");
	else
		W(w, 0, "Pods Status:\t%d Running / %d Waiting / %d Succeeded / %d Failed\n",
		    running, waiting, succeeded, failed);
}

static void
replicaset_render(struct dw *w, json_t *rs, json_t *related, int64_t now)
{
	(void)now;
	controller_head(w, rs, "<none>");
	W(w, 0, "Replicas:\t%lld current / %lld desired\n",
	    (long long)json_path_int(rs, "status.replicas", 0),
	    (long long)json_path_int(rs, "spec.replicas", 0));
	pods_status(w, rs, related);
	pod_template(w, json_path(rs, "spec.template"));
	conditions_table(w, json_path(rs, "status.conditions"));
}

const struct describer describe_replicaset = { pods_related, replicaset_render };

/* A statefulset's volume claim templates. */
static void
claim_templates(struct dw *w, json_t *list)
{
	json_t *c, *m;
	size_t i, j;
	const char *sc;

	if (json_array_size(list) == 0) {
		W(w, 0, "Volume Claims:\t<none>\n");
		return;
	}
	W(w, 0, "Volume Claims:\n");
	json_array_foreach(list, i, c) {
		W(w, 1, "Name:\t%s\n", VS(w, c, "metadata.name"));
		sc = json_path_str(c, "spec.storageClassName");
		if (sc == NULL)
			sc = json_string_value(json_object_get(json_path(c, "metadata.annotations"),
			    "volume.beta.kubernetes.io/storage-class"));
		W(w, 1, "StorageClass:\t%s\n", V(w, sc));
		labels_multiline(w, "  ", "Labels", json_path(c, "metadata.labels"));
		labels_multiline(w, "  ", "Annotations", json_path(c, "metadata.annotations"));
		W(w, 1, "Capacity:\t%s\n", json_path_str(c, "spec.resources.requests.storage") != NULL ?
		    quantity(w, json_path_str(c, "spec.resources.requests.storage")) : "<default>");
		W(w, 1, "Access Modes:\t[");
		json_array_foreach(json_path(c, "spec.accessModes"), j, m)
			W(w, 0, "%s%s", j != 0 ? " " : "", V(w, json_string_value(m)));
		W(w, 0, "]\n");
	}
}

static void
statefulset_render(struct dw *w, json_t *ss, json_t *related, int64_t now)
{
	json_t *spec = json_object_get(ss, "spec"), *ru;

	(void)now;
	name_ns(w, ss);
	W(w, 0, "CreationTimestamp:\t%s\n", rfc1123z(w, json_path_str(ss,
	    "metadata.creationTimestamp")));
	W(w, 0, "Selector:\t%s\n", selector(w, json_object_get(spec, "selector"), ""));
	labels_multiline(w, "", "Labels", json_path(ss, "metadata.labels"));
	annotations_multiline(w, "Annotations", json_path(ss, "metadata.annotations"));
	W(w, 0, "Replicas:\t%lld desired | %lld total\n",
	    (long long)json_path_int(spec, "replicas", 0),
	    (long long)json_path_int(ss, "status.replicas", 0));
	W(w, 0, "Update Strategy:\t%s\n", VS(w, spec, "updateStrategy.type"));
	ru = json_path(spec, "updateStrategy.rollingUpdate");
	if (json_is_integer(json_object_get(ru, "partition"))) {
		W(w, 1, "Partition:\t%s\n", int_or(w, ru, "partition", ""));
		if (json_object_get(ru, "maxUnavailable") != NULL)
			W(w, 1, "MaxUnavailable:\t%s\n", intstr(w, json_object_get(ru,
			    "maxUnavailable")));
	}
	pods_status(w, ss, related);
	pod_template(w, json_object_get(spec, "template"));
	claim_templates(w, json_object_get(spec, "volumeClaimTemplates"));
}

const struct describer describe_statefulset = { pods_related, statefulset_render };

static void
daemonset_render(struct dw *w, json_t *ds, json_t *related, int64_t now)
{
	json_t *st = json_object_get(ds, "status");
	char *ns = labels_to_string(json_path(ds, "spec.template.spec.nodeSelector"));

	(void)now;
	name_ns(w, ds);
	W(w, 0, "Selector:\t%s\n", selector(w, json_path(ds, "spec.selector"), ""));
	W(w, 0, "Node-Selector:\t%s\n", V(w, ns));
	free(ns);
	labels_multiline(w, "", "Labels", json_path(ds, "metadata.labels"));
	annotations_multiline(w, "Annotations", json_path(ds, "metadata.annotations"));
	W(w, 0, "Desired Number of Nodes Scheduled: %lld\n",
	    (long long)json_path_int(st, "desiredNumberScheduled", 0));
	W(w, 0, "Current Number of Nodes Scheduled: %lld\n",
	    (long long)json_path_int(st, "currentNumberScheduled", 0));
	W(w, 0, "Number of Nodes Scheduled with Up-to-date Pods: %lld\n",
	    (long long)json_path_int(st, "updatedNumberScheduled", 0));
	W(w, 0, "Number of Nodes Scheduled with Available Pods: %lld\n",
	    (long long)json_path_int(st, "numberAvailable", 0));
	W(w, 0, "Number of Nodes Misscheduled: %lld\n",
	    (long long)json_path_int(st, "numberMisscheduled", 0));
	pods_status(w, ds, related);
	pod_template(w, json_path(ds, "spec.template"));
}

const struct describer describe_daemonset = { pods_related, daemonset_render };

/* ---- autoscaling, disruption budgets, batch ---- */

/* One HPA metric line (autoscaling/v2). */
static void
hpa_metric(struct dw *w, json_t *m, json_t *cur)
{
	const char *type = json_path_str_or(m, "type", "");
	json_t *t;
	char *s;

	if (strcmp(type, "Resource") == 0 || strcmp(type, "ContainerResource") == 0) {
		bool cr = strcmp(type, "ContainerResource") == 0;
		json_t *src = json_object_get(m, cr ? "containerResource" : "resource");
		json_t *c = json_path(cur, cr ? "containerResource.current" : "resource.current");

		if (cr)
			W(w, 1, "resource %s of container \"%s\" on pods", VS(w, src, "name"),
			    VS(w, src, "container"));
		else
			W(w, 1, "resource %s on pods", VS(w, src, "name"));
		t = json_object_get(src, "target");
		if (json_object_get(t, "averageValue") != NULL) {
			W(w, 0, ":\t%s / %s\n", json_object_get(c, "averageValue") != NULL ?
			    quantity(w, json_path_str(c, "averageValue")) : "<unknown>",
			    quantity(w, json_path_str(t, "averageValue")));
			return;
		}
		if (json_is_integer(json_object_get(c, "averageUtilization"))) {
			s = xasprintf("%lld%% (%s)", (long long)json_path_int(c,
			    "averageUtilization", 0), quantity(w, json_path_str_or(c,
			    "averageValue", "0")));
			W(w, 1, "(as a percentage of request):\t%s / ", V(w, s));
			free(s);
		} else
			W(w, 1, "(as a percentage of request):\t<unknown> / ");
		if (json_is_integer(json_object_get(t, "averageUtilization")))
			W(w, 0, "%lld%%\n", (long long)json_path_int(t, "averageUtilization", 0));
		else
			W(w, 0, "<auto>\n");
	} else if (strcmp(type, "Pods") == 0) {
		W(w, 1, "\"%s\" on pods:\t%s / %s\n", VS(w, m, "pods.metric.name"),
		    json_path(cur, "pods.current.averageValue") != NULL ?
		    quantity(w, json_path_str(cur, "pods.current.averageValue")) : "<unknown>",
		    quantity(w, json_path_str(m, "pods.target.averageValue")));
	} else if (strcmp(type, "Object") == 0) {
		bool avg = strcmp(json_path_str_or(m, "object.target.type", ""), "AverageValue") == 0;
		const char *f = avg ? "averageValue" : "value";
		json_t *c = json_path(cur, "object.current");

		W(w, 1, "\"%s\" on %s/%s ", VS(w, m, "object.metric.name"),
		    VS(w, m, "object.describedObject.kind"), VS(w, m, "object.describedObject.name"));
		W(w, 0, "(target %s):\t%s / %s\n", avg ? "average value" : "value",
		    json_object_get(c, f) != NULL ? quantity(w, json_path_str(c, f)) : "<unknown>",
		    quantity(w, json_string_value(json_object_get(json_path(m, "object.target"), f))));
	} else if (strcmp(type, "External") == 0) {
		bool avg = json_path(m, "external.target.averageValue") != NULL;
		const char *f = avg ? "averageValue" : "value";
		json_t *c = json_path(cur, "external.current");

		W(w, 1, "\"%s\" (target %s):\t%s / %s\n", VS(w, m, "external.metric.name"),
		    avg ? "average value" : "value",
		    json_object_get(c, f) != NULL ? quantity(w, json_path_str(c, f)) : "<unknown>",
		    quantity(w, json_string_value(json_object_get(json_path(m,
		    "external.target"), f))));
	} else
		W(w, 1, "<unknown metric type \"%s\">\n", V(w, type));
}

static void
hpa_direction(struct dw *w, const char *title, json_t *rules)
{
	json_t *p;
	size_t i;

	if (rules == NULL)
		return;
	W(w, 1, "%s:\n", title);
	if (json_is_integer(json_object_get(rules, "stabilizationWindowSeconds")))
		W(w, 2, "Stabilization Window: %lld seconds\n",
		    (long long)json_path_int(rules, "stabilizationWindowSeconds", 0));
	if (json_array_size(json_object_get(rules, "policies")) > 0) {
		W(w, 2, "Select Policy: %s\n", V(w, json_path_str_or(rules, "selectPolicy", "Max")));
		W(w, 2, "Policies:\n");
		json_array_foreach(json_object_get(rules, "policies"), i, p)
			W(w, 3, "- Type: %s\tValue: %lld\tPeriod: %lld seconds\n", VS(w, p, "type"),
			    (long long)json_path_int(p, "value", 0),
			    (long long)json_path_int(p, "periodSeconds", 0));
	}
}

static void
hpa_render(struct dw *w, json_t *hpa, json_t *related, int64_t now)
{
	json_t *spec = json_object_get(hpa, "spec"), *st = json_object_get(hpa, "status"), *m, *c;
	size_t i;

	(void)related;
	(void)now;
	name_meta(w, hpa);
	W(w, 0, "CreationTimestamp:\t%s\n", rfc1123z(w, json_path_str(hpa,
	    "metadata.creationTimestamp")));
	W(w, 0, "Reference:\t%s/%s\n", VS(w, spec, "scaleTargetRef.kind"),
	    VS(w, spec, "scaleTargetRef.name"));
	W(w, 0, "Metrics:\t( current / target )\n");
	json_array_foreach(json_object_get(spec, "metrics"), i, m)
		hpa_metric(w, m, json_array_get(json_object_get(st, "currentMetrics"), i));
	W(w, 0, "Min replicas:\t%s\n", int_or(w, spec, "minReplicas", "<unset>"));
	W(w, 0, "Max replicas:\t%lld\n", (long long)json_path_int(spec, "maxReplicas", 0));
	if (json_object_get(spec, "behavior") != NULL) {
		W(w, 0, "Behavior:\n");
		hpa_direction(w, "Scale Up", json_path(spec, "behavior.scaleUp"));
		hpa_direction(w, "Scale Down", json_path(spec, "behavior.scaleDown"));
	}
	W(w, 0, "%s pods:\t%lld current / %lld desired\n", VS(w, spec, "scaleTargetRef.kind"),
	    (long long)json_path_int(st, "currentReplicas", 0),
	    (long long)json_path_int(st, "desiredReplicas", 0));
	if (json_array_size(json_object_get(st, "conditions")) > 0) {
		W(w, 0, "Conditions:\n");
		W(w, 1, "Type\tStatus\tReason\tMessage\n");
		W(w, 1, "----\t------\t------\t-------\n");
		json_array_foreach(json_object_get(st, "conditions"), i, c)
			W(w, 1, "%s\t%s\t%s\t%s\n", VS(w, c, "type"), VS(w, c, "status"),
			    VS(w, c, "reason"), VS(w, c, "message"));
	}
}

const struct describer describe_hpa = { NULL, hpa_render };

static void
pdb_render(struct dw *w, json_t *pdb, json_t *related, int64_t now)
{
	json_t *spec = json_object_get(pdb, "spec"), *st = json_object_get(pdb, "status");

	(void)related;
	(void)now;
	name_ns(w, pdb);
	if (json_object_get(spec, "minAvailable") != NULL)
		W(w, 0, "Min available:\t%s\n", intstr(w, json_object_get(spec, "minAvailable")));
	else if (json_object_get(spec, "maxUnavailable") != NULL)
		W(w, 0, "Max unavailable:\t%s\n", intstr(w, json_object_get(spec,
		    "maxUnavailable")));
	W(w, 0, "Selector:\t%s\n", json_object_get(spec, "selector") != NULL ?
	    selector(w, json_object_get(spec, "selector"), "<unset>")[0] != '\0' ?
	    selector(w, json_object_get(spec, "selector"), "<unset>") : "<none>" : "<unset>");
	W(w, 0, "Status:\n");
	W(w, 2, "Allowed disruptions:\t%lld\n", (long long)json_path_int(st,
	    "disruptionsAllowed", 0));
	W(w, 2, "Current:\t%lld\n", (long long)json_path_int(st, "currentHealthy", 0));
	W(w, 2, "Desired:\t%lld\n", (long long)json_path_int(st, "desiredHealthy", 0));
	W(w, 2, "Total:\t%lld\n", (long long)json_path_int(st, "expectedPods", 0));
}

const struct describer describe_pdb = { NULL, pdb_render };

static void
job_render(struct dw *w, json_t *job, json_t *related, int64_t now)
{
	json_t *spec = json_object_get(job, "spec"), *st = json_object_get(job, "status");
	const char *start = json_path_str(st, "startTime"),
	    *done = json_path_str(st, "completionTime");
	char d[32];

	(void)related;
	(void)now;
	controller_head(w, job, "");
	if (json_is_integer(json_object_get(spec, "parallelism")))
		W(w, 0, "Parallelism:\t%s\n", int_or(w, spec, "parallelism", ""));
	W(w, 0, "Completions:\t%s\n", int_or(w, spec, "completions", "<unset>"));
	if (json_path_str(spec, "completionMode") != NULL)
		W(w, 0, "Completion Mode:\t%s\n", VS(w, spec, "completionMode"));
	if (json_is_boolean(json_object_get(spec, "suspend")))
		W(w, 0, "Suspend:\t%s\n", json_path_true(spec, "suspend") ? "true" : "false");
	if (json_is_integer(json_object_get(spec, "backoffLimit")))
		W(w, 0, "Backoff Limit:\t%s\n", int_or(w, spec, "backoffLimit", ""));
	if (json_is_integer(json_object_get(spec, "ttlSecondsAfterFinished")))
		W(w, 0, "TTL Seconds After Finished:\t%s\n", int_or(w, spec,
		    "ttlSecondsAfterFinished", ""));
	if (start != NULL)
		W(w, 0, "Start Time:\t%s\n", rfc1123z(w, start));
	if (done != NULL)
		W(w, 0, "Completed At:\t%s\n", rfc1123z(w, done));
	if (start != NULL && done != NULL) {
		human_duration(parse_rfc3339(done) - parse_rfc3339(start), d, sizeof d);
		W(w, 0, "Duration:\t%s\n", d);
	}
	if (json_is_integer(json_object_get(spec, "activeDeadlineSeconds")))
		W(w, 0, "Active Deadline Seconds:\t%ss\n", int_or(w, spec,
		    "activeDeadlineSeconds", ""));
	if (json_is_integer(json_object_get(st, "ready")))
		W(w, 0, "Pods Statuses:\t%lld Active (%lld Ready) / %lld Succeeded / %lld Failed\n",
		    (long long)json_path_int(st, "active", 0), (long long)json_path_int(st,
		    "ready", 0), (long long)json_path_int(st, "succeeded", 0),
		    (long long)json_path_int(st, "failed", 0));
	else
		W(w, 0, "Pods Statuses:\t%lld Active / %lld Succeeded / %lld Failed\n",
		    (long long)json_path_int(st, "active", 0),
		    (long long)json_path_int(st, "succeeded", 0),
		    (long long)json_path_int(st, "failed", 0));
	if (strcmp(json_path_str_or(spec, "completionMode", ""), "Indexed") == 0)
		W(w, 0, "Completed Indexes:\t%s\n",
		    V(w, json_path_str_or(st, "completedIndexes", "<none>")));
	pod_template(w, json_object_get(spec, "template"));
}

const struct describer describe_job = { NULL, job_render };

static void
cronjob_render(struct dw *w, json_t *cj, json_t *related, int64_t now)
{
	json_t *spec = json_object_get(cj, "spec"), *jt = json_path(cj, "spec.jobTemplate.spec");

	(void)related;
	(void)now;
	name_meta(w, cj);
	W(w, 0, "Schedule:\t%s\n", VS(w, spec, "schedule"));
	W(w, 0, "Concurrency Policy:\t%s\n", VS(w, spec, "concurrencyPolicy"));
	W(w, 0, "Suspend:\t%s\n", !json_is_boolean(json_object_get(spec, "suspend")) ? "<unset>" :
	    json_path_true(spec, "suspend") ? "True" : "False");
	W(w, 0, "Successful Job History Limit:\t%s\n", int_or(w, spec,
	    "successfulJobsHistoryLimit", "<unset>"));
	W(w, 0, "Failed Job History Limit:\t%s\n", int_or(w, spec, "failedJobsHistoryLimit",
	    "<unset>"));
	if (json_is_integer(json_object_get(spec, "startingDeadlineSeconds")))
		W(w, 0, "Starting Deadline Seconds:\t%ss\n", int_or(w, spec,
		    "startingDeadlineSeconds", ""));
	else
		W(w, 0, "Starting Deadline Seconds:\t<unset>\n");
	W(w, 0, "Selector:\t%s\n", selector(w, json_object_get(jt, "selector"), "<unset>"));
	W(w, 0, "Parallelism:\t%s\n", int_or(w, jt, "parallelism", "<unset>"));
	W(w, 0, "Completions:\t%s\n", int_or(w, jt, "completions", "<unset>"));
	if (json_is_integer(json_object_get(jt, "activeDeadlineSeconds")))
		W(w, 0, "Active Deadline Seconds:\t%ss\n", int_or(w, jt, "activeDeadlineSeconds", ""));
	pod_template(w, json_object_get(jt, "template"));
	if (json_path_str(cj, "status.lastScheduleTime") != NULL)
		W(w, 0, "Last Schedule Time:\t%s\n", rfc1123z(w, json_path_str(cj,
		    "status.lastScheduleTime")));
	else
		W(w, 0, "Last Schedule Time:\t<unset>\n");
	name_list(w, "Active Jobs", json_path(cj, "status.active"));
}

const struct describer describe_cronjob = { NULL, cronjob_render };

/* ---- nodes ---- */

static char *
node_related(json_t *obj, size_t i)
{
	const char *name = json_path_str(obj, "metadata.name");
	char *q, *sel, *path;

	if (name == NULL || i > 1)
		return NULL;
	q = http_escape(name);
	if (i == 1) {
		path = xasprintf("/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/%s",
		    q);
		free(q);
		return path;
	}
	free(q);
	sel = xasprintf("spec.nodeName=%s,status.phase!=Succeeded,status.phase!=Failed", name);
	q = http_escape(sel);
	path = xasprintf("/api/v1/pods?fieldSelector=%s", q);
	free(sel);
	free(q);
	return path;
}

/* Go's zero time, as kubectl prints an unset timestamp. */
static const char *
time_or_zero(struct dw *w, const char *t)
{
	return t != NULL && *t != '\0' ? rfc1123z(w, t) : "Mon, 01 Jan 0001 00:00:00 +0000";
}

/* A sum of quantities of one resource: the value in milli-units, and
 * whether the first one added was binary (Ki, Mi...): Go's Quantity.Add
 * keeps the receiver's format. */
struct qsum {
	long long	 milli;
	bool		 set, binary;
};

static void
qsum_add(struct qsum *q, const char *s)
{
	double v;
	size_t n;

	if (s == NULL || quantity_parse(s, &v) != 0 || !(v > -1e12 && v < 1e12))
		return;
	if (!q->set) {
		n = strlen(s);
		q->binary = n > 1 && s[n - 1] == 'i';
		q->set = true;
	}
	q->milli += llround(v * 1000);
}

/* The sum as kubectl prints it ("750m", "1536Mi", "0"). */
static const char *
qsum_string(struct dw *w, const struct qsum *q)
{
	char buf[64];

	if (q->milli == 0)
		return "0";
	if (q->milli % 1000 != 0)
		snprintf(buf, sizeof buf, "%lldm", q->milli);
	else if (q->binary && (q->milli / 1000) % 1024 == 0)
		snprintf(buf, sizeof buf, "%lldKi", q->milli / 1000 / 1024);
	else
		snprintf(buf, sizeof buf, "%lld", q->milli / 1000);
	return quantity(w, buf);
}

/* "750m (19%)": the sum and its share of the allocatable quantity. */
static const char *
qsum_share(struct dw *w, const struct qsum *q, const char *alloc)
{
	double a = 0, pct;
	char *s;
	const char *r;

	if (alloc == NULL || quantity_parse(alloc, &a) != 0)
		a = 0;
	pct = a > 0 ? (double)q->milli / (a * 1000) * 100 : 0;
	s = xasprintf("%s (%lld%%)", qsum_string(w, q),
	    pct > -1e15 && pct < 1e15 ? (long long)pct : 0LL);
	r = V(w, s);
	free(s);
	return r;
}

/* A pod's requests or limits of resource: its containers summed, at least
 * any one init container's, plus the pod overhead (kubectl's rule). */
static void
pod_resource(json_t *pod, const char *which, const char *resource, struct qsum *out)
{
	struct qsum sum = { 0, false, false }, init;
	json_t *c, *q;
	size_t i;
	char path[128];

	snprintf(path, sizeof path, "resources.%s", which);
	json_array_foreach(json_path(pod, "spec.containers"), i, c) {
		q = json_object_get(json_path(c, path), resource);
		qsum_add(&sum, json_string_value(q));
	}
	json_array_foreach(json_path(pod, "spec.initContainers"), i, c) {
		init = (struct qsum){ 0, false, false };
		qsum_add(&init, json_string_value(json_object_get(json_path(c, path), resource)));
		if (init.milli > sum.milli) {
			init.binary = sum.set ? sum.binary : init.binary;
			sum = init;
		}
	}
	if (strcmp(which, "requests") == 0)
		qsum_add(&sum, json_string_value(json_object_get(json_path(pod,
		    "spec.overhead"), resource)));
	if (sum.set) {
		if (!out->set) {
			out->binary = sum.binary;
			out->set = true;
		}
		out->milli += sum.milli;
	}
}

static bool
hugepages(const char *r)
{
	return strncmp(r, "hugepages-", 10) == 0;
}

static void
node_resources(struct dw *w, json_t *node, json_t *pods, int64_t now)
{
	static const char *std[] = { "cpu", "memory", "ephemeral-storage" };
	json_t *alloc = json_path(node, "status.allocatable"), *p;
	struct qsum r, l;
	const char **keys;
	char age[32];
	size_t i, j, n;

	if (json_object_size(alloc) == 0)
		alloc = json_path(node, "status.capacity");
	W(w, 0, "Non-terminated Pods:\t(%zu in total)\n", json_array_size(pods));
	W(w, 1, "Namespace\tName\t\tCPU Requests\tCPU Limits\tMemory Requests\tMemory Limits"
	    "\tAge\n");
	W(w, 1, "---------\t----\t\t------------\t----------\t---------------\t-------------"
	    "\t---\n");
	json_array_foreach(pods, i, p) {
		W(w, 1, "%s\t%s\t", VS(w, p, "metadata.namespace"), VS(w, p, "metadata.name"));
		for (j = 0; j < 4; j++) {
			r = (struct qsum){ 0, false, false };
			pod_resource(p, j % 2 == 0 ? "requests" : "limits", j < 2 ? "cpu" : "memory",
			    &r);
			W(w, 0, "\t%s", qsum_share(w, &r, json_string_value(json_object_get(alloc,
			    j < 2 ? "cpu" : "memory"))));
		}
		since(json_path_str(p, "metadata.creationTimestamp"), now, age, sizeof age);
		W(w, 0, "\t%s\n", age);
	}
	W(w, 0, "Allocated resources:\n  (Total limits may be over 100 percent, i.e., "
	    "overcommitted.)\n");
	W(w, 1, "Resource\tRequests\tLimits\n");
	W(w, 1, "--------\t--------\t------\n");
	keys = sorted_keys(alloc, NULL, &n);
	for (j = 0; j < 3 + n; j++) {
		const char *res = j < 3 ? std[j] : keys[j - 3];
		bool huge = hugepages(res);

		if (j >= 3 && (strcmp(res, "pods") == 0 || strcmp(res, "cpu") == 0 ||
		    strcmp(res, "memory") == 0 || strcmp(res, "ephemeral-storage") == 0 ||
		    strcmp(res, "storage") == 0))
			continue;
		r = (struct qsum){ 0, false, false };
		l = (struct qsum){ 0, false, false };
		json_array_foreach(pods, i, p) {
			pod_resource(p, "requests", res, &r);
			pod_resource(p, "limits", res, &l);
		}
		if (j < 3 || huge)
			W(w, 1, "%s\t%s\t%s\n", V(w, res), qsum_share(w, &r,
			    json_string_value(json_object_get(alloc, res))), qsum_share(w, &l,
			    json_string_value(json_object_get(alloc, res))));
		else
			W(w, 1, "%s\t%s\t%s\n", V(w, res), qsum_string(w, &r), qsum_string(w, &l));
	}
	free(keys);
}

static int
taint_cmp(const void *a, const void *b)
{
	json_t *ta = *(json_t *const *)a, *tb = *(json_t *const *)b;
	int c = strcmp(json_path_str_or(ta, "effect", ""), json_path_str_or(tb, "effect", ""));

	return c != 0 ? c : strcmp(json_path_str_or(ta, "key", ""),
	    json_path_str_or(tb, "key", ""));
}

static void
node_render(struct dw *w, json_t *node, json_t *related, int64_t now)
{
	static const char *info[][2] = { { "Machine ID", "machineID" },
	    { "System UUID", "systemUUID" }, { "Boot ID", "bootID" },
	    { "Kernel Version", "kernelVersion" }, { "OS Image", "osImage" },
	    { "Operating System", "operatingSystem" }, { "Architecture", "architecture" },
	    { "Container Runtime Version", "containerRuntimeVersion" },
	    { "Kubelet Version", "kubeletVersion" }, { "Kube-Proxy Version", "kubeProxyVersion" } };
	json_t *labels = json_path(node, "metadata.labels"), *v, *pods, *lease, **taints, *m;
	const char **keys, *k, *ni;
	size_t n, i, nroles = 0;
	char *roles = xstrdup(""), *t;

	W(w, 0, "Name:\t%s\n", VS(w, node, "metadata.name"));
	keys = sorted_keys(labels, NULL, &n);
	for (i = 0; i < n; i++) {
		k = NULL;
		if (strncmp(keys[i], "node-role.kubernetes.io/", 24) == 0 && keys[i][24] != '\0')
			k = keys[i] + 24;
		else if (strcmp(keys[i], "kubernetes.io/role") == 0 &&
		    *json_path_str_or(json_object_get(labels, keys[i]), "", "") != '\0')
			k = json_string_value(json_object_get(labels, keys[i]));
		if (k == NULL)
			continue;
		t = xasprintf("%s%s%s", roles, nroles++ > 0 ? "," : "", k);
		free(roles);
		roles = t;
	}
	free(keys);
	W(w, 0, "Roles:\t%s\n", nroles > 0 ? V(w, roles) : "<none>");
	free(roles);
	labels_multiline(w, "", "Labels", labels);
	annotations_multiline(w, "Annotations", json_path(node, "metadata.annotations"));
	W(w, 0, "CreationTimestamp:\t%s\n", rfc1123z(w, json_path_str(node,
	    "metadata.creationTimestamp")));
	n = json_path_len(node, "spec.taints");
	W(w, 0, "Taints:\t%s", n == 0 ? "<none>\n" : "");
	taints = xcalloc(n + 1, sizeof *taints);
	for (i = 0; i < n; i++)
		taints[i] = json_array_get(json_path(node, "spec.taints"), i);
	qsort(taints, n, sizeof *taints, taint_cmp);
	for (i = 0; i < n; i++)
		W(w, 0, "%s%s%s%s:%s\n", i != 0 ? "\t" : "", VS(w, taints[i], "key"),
		    *json_path_str_or(taints[i], "value", "") != '\0' ? "=" : "",
		    VS(w, taints[i], "value"), VS(w, taints[i], "effect"));
	free(taints);
	W(w, 0, "Unschedulable:\t%s\n", json_path_true(node, "spec.unschedulable") ? "true" :
	    "false");
	lease = json_array_get(related, 1);
	if (json_is_object(lease)) {
		W(w, 0, "Lease:\n");
		W(w, 1, "HolderIdentity:\t%s\n", V(w, json_path_str_or(lease,
		    "spec.holderIdentity", "<unset>")));
		W(w, 1, "AcquireTime:\t%s\n", json_path_str(lease, "spec.acquireTime") != NULL ?
		    rfc1123z(w, json_path_str(lease, "spec.acquireTime")) : "<unset>");
		W(w, 1, "RenewTime:\t%s\n", json_path_str(lease, "spec.renewTime") != NULL ?
		    rfc1123z(w, json_path_str(lease, "spec.renewTime")) : "<unset>");
	} else
		W(w, 0, "Lease:\tFailed to get lease: %s\n", V(w, json_is_string(lease) ?
		    json_string_value(lease) : "not fetched"));
	if (json_path_len(node, "status.conditions") > 0) {
		W(w, 0, "Conditions:\n  Type\tStatus\tLastHeartbeatTime\tLastTransitionTime\tReason"
		    "\tMessage\n");
		W(w, 1, "----\t------\t-----------------\t------------------\t------\t-------\n");
		json_array_foreach(json_path(node, "status.conditions"), i, v)
			W(w, 1, "%s \t%s \t%s \t%s \t%s \t%s\n", VS(w, v, "type"), VS(w, v, "status"),
			    time_or_zero(w, json_path_str(v, "lastHeartbeatTime")),
			    time_or_zero(w, json_path_str(v, "lastTransitionTime")),
			    VS(w, v, "reason"), VS(w, v, "message"));
	}
	W(w, 0, "Addresses:\n");
	json_array_foreach(json_path(node, "status.addresses"), i, v)
		W(w, 1, "%s:\t%s\n", VS(w, v, "type"), VS(w, v, "address"));
	for (i = 0; i < 2; i++) {
		m = json_path(node, i == 0 ? "status.capacity" : "status.allocatable");
		if (json_object_size(m) == 0)
			continue;
		W(w, 0, "%s:\n", i == 0 ? "Capacity" : "Allocatable");
		keys = sorted_keys(m, NULL, &n);
		for (size_t j = 0; j < n; j++)
			W(w, 0, "  %s:\t%s\n", V(w, keys[j]),
			    quantity(w, json_string_value(json_object_get(m, keys[j]))));
		free(keys);
	}
	W(w, 0, "System Info:\n");
	for (i = 0; i < sizeof info / sizeof info[0]; i++) {
		ni = json_string_value(json_object_get(json_path(node, "status.nodeInfo"),
		    info[i][1]));
		if (ni != NULL || i < 9)
			W(w, 0, "  %s:\t%s\n", info[i][0], V(w, ni));
	}
	if (*json_path_str_or(node, "spec.podCIDR", "") != '\0')
		W(w, 0, "PodCIDR:\t%s\n", VS(w, node, "spec.podCIDR"));
	if (json_path_len(node, "spec.podCIDRs") > 0) {
		W(w, 0, "PodCIDRs:\t");
		json_array_foreach(json_path(node, "spec.podCIDRs"), i, v)
			W(w, 0, "%s%s", i != 0 ? "," : "", V(w, json_string_value(v)));
		W(w, 0, "\n");
	}
	if (*json_path_str_or(node, "spec.providerID", "") != '\0')
		W(w, 0, "ProviderID:\t%s\n", VS(w, node, "spec.providerID"));
	pods = json_array_get(related, 0);
	if (json_is_array(pods))
		node_resources(w, node, pods, now);
	else if (json_is_string(pods) && strstr(json_string_value(pods), "forbidden") != NULL)
		W(w, 0, "Pods:\tnot authorized\n");
	else
		W(w, 0, "Pods:\t%s\n", V(w, json_is_string(pods) ? json_string_value(pods) :
		    "(loading)"));
}

const struct describer describe_node = { node_related, node_render };

/* ---- Alertmanager alerts ---- */

/* A time as RFC1123Z and how long ago or ahead ("5m ago", "in 2h"). */
static const char *
when(struct dw *w, const char *t, int64_t now)
{
	int64_t s = t != NULL && *t != '\0' ? parse_rfc3339(t) : 0;
	char d[32], *x;
	const char *r;

	if (s <= 0)
		return "<none>";
	human_duration(s <= now ? now - s : s - now, d, sizeof d);
	x = xasprintf("%s (%s%s%s)", rfc1123z(w, t), s <= now ? "" : "in ", d,
	    s <= now ? " ago" : "");
	r = V(w, x);
	free(x);
	return r;
}

/* Values of a key: value map, each whole (multi-line values under their
 * key, nothing shortened: an alert's description is what the on-call
 * engineer reads). */
static void
alert_map(struct dw *w, const char *title, json_t *map, const char *sep)
{
	const char **keys;
	size_t n, i;
	char *v, *line, *next;

	W(w, 0, "%s:\t", title);
	keys = sorted_keys(map, NULL, &n);
	if (n == 0)
		W(w, 0, "<none>\n");
	for (i = 0; i < n; i++) {
		v = xstrdup(json_string_value(json_object_get(map, keys[i])) != NULL ?
		    json_string_value(json_object_get(map, keys[i])) : "");
		if (strchr(v, '\n') == NULL || *sep == '=')
			W(w, 0, "%s%s%s%s\n", i != 0 ? "\t" : "", V(w, keys[i]), sep, V(w, v));
		else {
			W(w, 0, "%s%s:\n", i != 0 ? "\t" : "", V(w, keys[i]));
			for (line = v; line != NULL; line = next) {
				next = strchr(line, '\n');
				if (next != NULL)
					*next++ = '\0';
				if (next != NULL || *line != '\0')
					W(w, 0, "\t  %s\n", V(w, line));
			}
		}
		free(v);
	}
	free(keys);
}

/* The object of related (silences and alerts) with field == value. */
static json_t *
related_find(json_t *related, const char *field, const char *value)
{
	json_t *o;
	size_t i;

	json_array_foreach(related, i, o) {
		if (value != NULL && strcmp(json_path_str_or(o, field, ""), value) == 0)
			return o;
	}
	return NULL;
}

static void
alert_render(struct dw *w, json_t *a, json_t *related, int64_t now)
{
	const char *url;
	json_t *v, *o;
	size_t i;
	char *s;

	related = json_array_get(related, 0);
	W(w, 0, "Alertname:\t%s\n", V(w, json_path_str_or(a, "labels.alertname", "<none>")));
	W(w, 0, "State:\t%s\n", V(w, printer_alert_state(a)));
	W(w, 0, "Severity:\t%s\n", V(w, json_path_str_or(a, "labels.severity", "<none>")));
	W(w, 0, "Starts At:\t%s\n", when(w, json_path_str(a, "startsAt"), now));
	W(w, 0, "Updated At:\t%s\n", when(w, json_path_str(a, "updatedAt"), now));
	W(w, 0, "Ends At:\t%s\n", when(w, json_path_str(a, "endsAt"), now));
	W(w, 0, "Fingerprint:\t%s\n", V(w, json_path_str_or(a, "fingerprint", "<none>")));
	url = json_path_str_or(a, "generatorURL", "<none>");
	W(w, 0, "Generator URL:\t%s\n", V(w, url));
	url = json_path_str_or(a, "annotations.runbook_url", "<none>");
	W(w, 0, "Runbook URL:\t%s\n", V(w, url));
	name_list(w, "Receivers", json_object_get(a, "receivers"));
	alert_map(w, "Labels", json_object_get(a, "labels"), "=");
	alert_map(w, "Annotations", json_object_get(a, "annotations"), ": ");
	/* who silences it: the silence's author, end and comment */
	W(w, 0, "Silenced By:\t%s", json_path_len(a, "status.silencedBy") == 0 ? "<none>\n" : "");
	json_array_foreach(json_path(a, "status.silencedBy"), i, v) {
		o = related_find(related, "id", json_string_value(v));
		if (o != NULL)
			s = xasprintf("%s  by %s, ends %s: %s", json_string_value(v),
			    json_path_str_or(o, "createdBy", "?"),
			    when(w, json_path_str(o, "endsAt"), now),
			    json_path_str_or(o, "comment", ""));
		else
			s = xstrdup(json_string_value(v) != NULL ? json_string_value(v) : "");
		W(w, 0, "%s%s\n", i != 0 ? "\t" : "", V(w, s));
		free(s);
	}
	/* what inhibits it: the inhibiting alerts by name */
	W(w, 0, "Inhibited By:\t%s", json_path_len(a, "status.inhibitedBy") == 0 ?
	    "<none>\n" : "");
	json_array_foreach(json_path(a, "status.inhibitedBy"), i, v) {
		o = related_find(related, "fingerprint", json_string_value(v));
		if (o != NULL)
			s = xasprintf("%s  %s (%s, %s)", json_string_value(v),
			    json_path_str_or(o, "labels.alertname", "?"),
			    json_path_str_or(o, "labels.severity", "no severity"),
			    printer_alert_state(o));
		else
			s = xstrdup(json_string_value(v) != NULL ? json_string_value(v) : "");
		W(w, 0, "%s%s\n", i != 0 ? "\t" : "", V(w, s));
		free(s);
	}
}

const struct describer describe_alert = { NULL, alert_render };

/* An Alertmanager silence: its matchers, author, comment, times, and the
 * alerts it silences now. */
static void
silence_render(struct dw *w, json_t *sl, json_t *related, int64_t now)
{
	const char *id = json_path_str_or(sl, "id", ""), *op;
	json_t *m, *a, *by;
	size_t i, j, n = 0;
	bool eq, re;
	char *s;

	related = json_array_get(related, 0);
	W(w, 0, "ID:\t%s\n", V(w, id));
	W(w, 0, "State:\t%s\n", V(w, json_path_str_or(sl, "status.state", "<unknown>")));
	W(w, 0, "Matchers:\t%s", json_path_len(sl, "matchers") == 0 ? "<none>\n" : "");
	json_array_foreach(json_object_get(sl, "matchers"), i, m) {
		eq = !json_is_false(json_object_get(m, "isEqual"));
		re = json_path_true(m, "isRegex");
		op = re ? (eq ? "=~" : "!~") : (eq ? "=" : "!=");
		W(w, 0, "%s%s%s%s\n", i != 0 ? "\t" : "", VS(w, m, "name"), op, VS(w, m, "value"));
	}
	W(w, 0, "Created By:\t%s\n", VS(w, sl, "createdBy"));
	W(w, 0, "Comment:\t%s\n", VS(w, sl, "comment"));
	W(w, 0, "Starts At:\t%s\n", when(w, json_path_str(sl, "startsAt"), now));
	W(w, 0, "Ends At:\t%s\n", when(w, json_path_str(sl, "endsAt"), now));
	W(w, 0, "Updated At:\t%s\n", when(w, json_path_str(sl, "updatedAt"), now));
	W(w, 0, "Silences:\t");
	json_array_foreach(related, i, a) {
		json_array_foreach(json_path(a, "status.silencedBy"), j, by) {
			if (strcmp(json_string_value(by) != NULL ? json_string_value(by) : "", id) != 0)
				continue;
			s = xasprintf("%s (%s, %s)", json_path_str_or(a, "labels.alertname", "?"),
			    json_path_str_or(a, "labels.severity", "no severity"),
			    json_path_str_or(a, "fingerprint", "?"));
			W(w, 0, "%s%s\n", n++ != 0 ? "\t" : "", V(w, s));
			free(s);
		}
	}
	if (n == 0)
		W(w, 0, "<none>\n");
}

const struct describer describe_silence = { NULL, silence_render };

json_t *
describe_am_find(const struct kind *k, json_t *alerts, json_t *silences,
    const char *fingerprint, const char *name, size_t n)
{
	json_t *a;
	size_t i;

	if (k != NULL && k->describer == &describe_silence) {
		json_array_foreach(silences, i, a) {
			if (strcmp(json_path_str_or(a, "id", ""), name) == 0)
				return n == 0 ? a : NULL;
		}
		return NULL;
	}
	if (fingerprint != NULL && *fingerprint != '\0') {
		json_array_foreach(alerts, i, a) {
			if (strcmp(json_path_str_or(a, "fingerprint", ""), fingerprint) == 0)
				return n == 0 ? a : NULL;
		}
	}
	json_array_foreach(alerts, i, a) {
		if (name != NULL && strcmp(json_path_str_or(a, "labels.alertname", ""), name) == 0 &&
		    n-- == 0)
			return a;
	}
	return NULL;
}

json_t *
describe_alert_related(json_t *alerts, json_t *silences)
{
	json_t *all = json_array(), *related = json_array();

	if (json_is_array(silences))
		json_array_extend(all, silences);
	if (json_is_array(alerts))
		json_array_extend(all, alerts);
	json_array_append_new(related, all);
	return related;
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
			W(w, 0, "%c%s:\n", k[0] >= 'a' && k[0] <= 'z' ? k[0] - 'a' + 'A' : k[0],
			    V(w, k + 1));
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
