/* Table printers: kubectl's server-side columns and cell rules per kind,
 * plus opsdeck's own columns for Alertmanager, Velero, Argo and Istio, and
 * the printer columns of custom resources' CRDs. This file holds the cell
 * helpers every printer shares, the lookup, running a printer, and cell and
 * time formatting; the printers themselves are in tui/printers_*.c by kind
 * family (see printers_int.h). */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "opsdeck/buf.h"
#include "opsdeck/json_util.h"
#include "opsdeck/printers.h"
#include "opsdeck/xmalloc.h"

#include "printers_int.h"

/* Replace *dst with s (owned). */
void
str_set(char **dst, char *s)
{
	free(*dst);
	*dst = s;
}

/* Cell constructors. */
void
cell_text(struct cell *c, const char *s)
{
	free(c->text);
	c->type = CELL_TEXT;
	c->text = xstrdup(s == NULL ? "" : s);
}

/* A text cell taking ownership of s. */
void
cell_take(struct cell *c, char *s)
{
	free(c->text);
	c->type = CELL_TEXT;
	c->text = s;
}

/* An integer cell. */
void
cell_int(struct cell *c, int64_t n)
{
	c->type = CELL_INT;
	c->n = n;
}

/* An age cell; fallback (may be NULL) prints when when is 0. */
void
cell_age(struct cell *c, int64_t when, const char *fallback)
{
	free(c->text);
	c->type = CELL_AGE;
	c->when = when;
	c->text = fallback == NULL ? NULL : xstrdup(fallback);
}

/* A time-until cell; fallback as for cell_age. */
void
cell_until(struct cell *c, int64_t when, const char *fallback)
{
	cell_age(c, when, fallback);
	c->type = CELL_UNTIL;
}

/* A restarts cell: n, and the last restart (0 for none). */
void
cell_restarts(struct cell *c, int64_t n, int64_t when)
{
	c->type = CELL_RESTARTS;
	c->n = n;
	c->when = when;
}

/* The time at path as unix seconds, 0 if absent or unparseable. */
int64_t
jtime(json_t *obj, const char *path)
{
	const char *s = json_path_str(obj, path);

	return s == NULL ? 0 : parse_rfc3339(s);
}

/* Name and creation-time cells, used by nearly every printer. */
void
cell_name(struct cell *c, json_t *obj)
{
	cell_text(c, json_path_str_or(obj, "metadata.name", ""));
}

/* An age cell from metadata.creationTimestamp. */
void
cell_created(struct cell *c, json_t *obj)
{
	cell_age(c, jtime(obj, "metadata.creationTimestamp"), NULL);
}

/* A JSON scalar as text: strings as is, integers in decimal, reals in %g,
 * booleans as true/false; NULL for anything else. Caller frees. */
char *
json_scalar_text(json_t *v)
{
	if (json_is_string(v))
		return xstrdup(json_string_value(v));
	if (json_is_integer(v))
		return xasprintf("%lld", (long long)json_integer_value(v));
	if (json_is_real(v))
		return xasprintf("%g", json_real_value(v));
	if (json_is_boolean(v))
		return xstrdup(json_is_true(v) ? "true" : "false");
	return NULL;
}

/* Container names and images joined by commas (layoutContainerCells). */
void
layout_containers(json_t *containers, struct cell *names, struct cell *images)
{
	struct buf n = { .max = CELL_TEXT_MAX }, i = { .max = CELL_TEXT_MAX };
	json_t *ct;
	size_t idx;

	json_array_foreach(containers, idx, ct) {
		if (idx != 0) {
			buf_str(&n, ",");
			buf_str(&i, ",");
		}
		buf_str(&n, json_path_str(ct, "name"));
		buf_str(&i, json_path_str(ct, "image"));
	}
	cell_take(names, buf_take(&n));
	cell_take(images, buf_take(&i));
}

/* A metav1.LabelSelector as metav1.FormatLabelSelector prints it. */
char *
format_label_selector(json_t *sel)
{
	struct label_selector *ls;
	char *cause = NULL, *s;

	if (sel == NULL || json_is_null(sel))
		return xstrdup("<none>");
	ls = label_selector_from_json(sel, &cause);
	if (ls == NULL) {
		free(cause);
		return xstrdup("<error>");
	}
	s = label_selector_string(ls);
	label_selector_free(ls);
	if (*s == '\0')
		str_set(&s, xstrdup("<none>"));
	return s;
}

/* Go's strings.TrimSpace for ASCII white space. Caller frees. */
char *
trim_space(const char *s)
{
	size_t n;

	if (s == NULL)
		return xstrdup("");
	while (*s != '\0' && isspace((unsigned char)*s))
		s++;
	n = strlen(s);
	while (n > 0 && isspace((unsigned char)s[n - 1]))
		n--;
	return xstrndup(s, n);
}

/* ---- Default ---- */

static const struct column default_columns[] = {
	{ "Name", "string", "name", 0, "Name of the object.", NULL },
	{ "Age", "string", "", 0, "Time since the object was created.", NULL },
};

/* NAME and AGE for any object. */
static void
print_default(json_t *obj, int64_t now, struct cell *c, unsigned *flags,
    char **reason)
{
	cell_name(&c[0], obj);
	cell_created(&c[1], obj);
}

const struct printer printer_default =
    { "", "", default_columns, NITEMS(default_columns), print_default };

/* A float64 as Go's fmt prints it: the shortest text that reads back. */
static char *
number_text(double d)
{
	char buf[64];
	int prec;

	for (prec = 1; prec < 17; prec++) {
		snprintf(buf, sizeof buf, "%.*g", prec, d);
		if (strtod(buf, NULL) == d)
			break;
	}
	if (prec == 17)
		snprintf(buf, sizeof buf, "%.17g", d);
	return xstrdup(buf);
}

/* One printer column's cell from the value v at its JSONPath, as the API
 * server's Table converter for custom resources makes it: a value of the
 * wrong type for the column is null, and so is an absent one. */
static void
cell_from_column(struct cell *c, const struct column *col, json_t *v)
{
	char *s;

	c->type = CELL_NONE;
	if (v == NULL || json_is_null(v))
		return;
	if (strcmp(col->type, "integer") == 0) {
		if (json_is_integer(v))
			cell_int(c, (int64_t)json_integer_value(v));
		else if (json_is_real(v) && json_real_value(v) > -9.2e18 &&
		    json_real_value(v) < 9.2e18)
			cell_int(c, (int64_t)json_real_value(v));
	} else if (strcmp(col->type, "number") == 0) {
		if (json_is_number(v))
			cell_take(c, number_text(json_number_value(v)));
	} else if (strcmp(col->type, "boolean") == 0) {
		if (json_is_boolean(v))
			cell_text(c, json_is_true(v) ? "true" : "false");
	} else if (strcmp(col->type, "date") == 0) {
		if (json_is_string(v)) {
			int64_t when = parse_rfc3339(json_string_value(v));

			if (when == 0)
				cell_text(c, "<invalid>");
			else
				cell_age(c, when, NULL);
		}
	} else if (strcmp(col->type, "string") == 0) {
		/* any value: text as JSONPath prints it (objects and
		 * arrays as JSON) */
		if (json_is_real(v))
			s = number_text(json_real_value(v));
		else if (json_is_object(v) || json_is_array(v))
			s = json_dumps(v, JSON_COMPACT | JSON_SORT_KEYS);
		else
			s = json_scalar_text(v);
		if (s != NULL)
			cell_take(c, s);
	}
}

/* The cells of a printer of printer columns (print == NULL). */
static void
print_columns(const struct printer *p, json_t *obj, struct cell *c)
{
	size_t i;

	for (i = 0; i < p->ncolumns; i++)
		cell_from_column(&c[i], &p->columns[i],
		    json_jsonpath(obj, p->columns[i].json_path));
}

/* Run a printer over one object into a new row. */
void
printer_print(const struct printer *p, json_t *obj, int64_t now,
    struct printed *out)
{
	size_t i;

	memset(out, 0, sizeof *out);
	out->ncells = p->ncolumns;
	out->cells = xcalloc(p->ncolumns, sizeof *out->cells);
	if (p->print == NULL)
		print_columns(p, obj, out->cells);
	else
		p->print(obj, now, out->cells, &out->flags, &out->reason);
	for (i = 0; i < out->ncells; i++) {
		if (out->cells[i].type == CELL_TEXT && out->cells[i].text == NULL)
			out->cells[i].text = xstrdup("");
	}
}

/* Free n cells and their text. */
void
cells_free(struct cell *cells, size_t n)
{
	size_t i;

	if (cells == NULL)
		return;
	for (i = 0; i < n; i++)
		free(cells[i].text);
	free(cells);
}

/* Free what printer_print produced. */
void
printed_free(struct printed *p)
{
	if (p == NULL)
		return;
	cells_free(p->cells, p->ncells);
	free(p->reason);
	p->cells = NULL;
	p->ncells = 0;
	p->reason = NULL;
}

/* now - when without overflow. */
static int64_t
time_diff(int64_t a, int64_t b)
{
	if (b < 0 && a > INT64_MAX + b)
		return INT64_MAX;
	if (b > 0 && a < INT64_MIN + b)
		return INT64_MIN;
	return a - b;
}

/* Format one cell as kubectl shows it at time now. */
size_t
cell_format(const struct cell *c, int64_t now, char *buf, size_t len)
{
	char d[64];
	int n = 0;

	if (len == 0)
		return 0;
	switch (c->type) {
	case CELL_TEXT: {
		/* most cells: a copy, without printf's cost */
		size_t tl = c->text != NULL ? strlen(c->text) : 0;

		if (tl >= len)
			tl = len - 1;
		memcpy(buf, c->text != NULL ? c->text : "", tl);
		buf[tl] = '\0';
		return tl;
	}
	case CELL_INT:
		n = snprintf(buf, len, "%lld", (long long)c->n);
		break;
	case CELL_AGE:
	case CELL_UNTIL:
		if (c->when == 0) {
			n = snprintf(buf, len, "%s",
			    c->text != NULL ? c->text : "<unknown>");
		} else if (c->type == CELL_AGE || c->when < now) {
			human_duration(time_diff(now, c->when), d, sizeof d);
			n = snprintf(buf, len, "%s%s", d,
			    c->type == CELL_UNTIL ? " ago" : "");
		} else {
			human_duration(time_diff(c->when, now), d, sizeof d);
			n = snprintf(buf, len, "%s", d);
		}
		break;
	case CELL_NONE:
		buf[0] = '\0';
		break;
	case CELL_RESTARTS:
		if (c->n != 0 && c->when != 0) {
			human_duration(time_diff(now, c->when), d, sizeof d);
			n = snprintf(buf, len, "%lld (%s ago)", (long long)c->n, d);
		} else
			n = snprintf(buf, len, "%lld", (long long)c->n);
		break;
	default:
		buf[0] = '\0';
		break;
	}
	if (n < 0) {
		buf[0] = '\0';
		return 0;
	}
	return (size_t)n >= len ? len - 1 : (size_t)n;
}

/* One cell as a Table cell value. */
json_t *
cell_json(const struct cell *c, int64_t now)
{
	char buf[256];
	json_t *j;

	if (c->type == CELL_INT)
		return json_integer((json_int_t)c->n);
	if (c->type == CELL_NONE)
		return json_null();
	if (c->type == CELL_TEXT && c->text != NULL && strlen(c->text) >= sizeof buf)
		j = json_string(c->text);
	else {
		cell_format(c, now, buf, sizeof buf);
		j = json_string(buf);
	}
	/* Text from jansson is valid UTF-8; anything else becomes "". */
	return j != NULL ? j : json_string("");
}

/* duration.HumanDuration over whole seconds. */
void
human_duration(int64_t s, char *buf, size_t len)
{
	int64_t m, h;

	if (s < -1)
		snprintf(buf, len, "<invalid>");
	else if (s < 0)
		snprintf(buf, len, "0s");
	else if (s < 60 * 2)
		snprintf(buf, len, "%llds", (long long)s);
	else if ((m = s / 60) < 10) {
		if (s % 60 == 0)
			snprintf(buf, len, "%lldm", (long long)m);
		else
			snprintf(buf, len, "%lldm%llds", (long long)m,
			    (long long)(s % 60));
	} else if (m < 60 * 3)
		snprintf(buf, len, "%lldm", (long long)m);
	else if ((h = s / 3600) < 8) {
		if (m % 60 == 0)
			snprintf(buf, len, "%lldh", (long long)h);
		else
			snprintf(buf, len, "%lldh%lldm", (long long)h,
			    (long long)(m % 60));
	} else if (h < 48)
		snprintf(buf, len, "%lldh", (long long)h);
	else if (h < 24 * 8) {
		if (h % 24 == 0)
			snprintf(buf, len, "%lldd", (long long)(h / 24));
		else
			snprintf(buf, len, "%lldd%lldh", (long long)(h / 24),
			    (long long)(h % 24));
	} else if (h < 24 * 365 * 2)
		snprintf(buf, len, "%lldd", (long long)(h / 24));
	else if (h < 24 * 365 * 8) {
		if ((h / 24) % 365 == 0)
			snprintf(buf, len, "%lldy", (long long)(h / 24 / 365));
		else
			snprintf(buf, len, "%lldy%lldd", (long long)(h / 24 / 365),
			    (long long)((h / 24) % 365));
	} else
		snprintf(buf, len, "%lldy", (long long)(h / 24 / 365));
}

/* Days since 1970-01-01 of a proleptic Gregorian date. */
static int64_t
days_from_civil(int64_t y, int64_t m, int64_t d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

/* Read exactly n digits at *p into *out and advance; -1 if not digits. */
static int
read_digits(const char **p, int n, int *out)
{
	int v = 0, i;

	for (i = 0; i < n; i++) {
		if (!isdigit((unsigned char)(*p)[i]))
			return -1;
		v = v * 10 + ((*p)[i] - '0');
	}
	*p += n;
	*out = v;
	return 0;
}

int64_t
parse_rfc3339(const char *s)
{
	static const int mdays[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	const char *p = s;
	int y, mo, d, h, mi, sec, oh = 0, om = 0, sign = 0, dim;
	int64_t t;

	if (s == NULL)
		return 0;
	if (read_digits(&p, 4, &y) != 0 || *p++ != '-' ||
	    read_digits(&p, 2, &mo) != 0 || *p++ != '-' ||
	    read_digits(&p, 2, &d) != 0 || (*p != 'T' && *p != 't'))
		return 0;
	p++;
	if (read_digits(&p, 2, &h) != 0 || *p++ != ':' ||
	    read_digits(&p, 2, &mi) != 0 || *p++ != ':' ||
	    read_digits(&p, 2, &sec) != 0)
		return 0;
	if (*p == '.') {
		p++;
		if (!isdigit((unsigned char)*p))
			return 0;
		while (isdigit((unsigned char)*p))
			p++;
	}
	if (*p == 'Z' || *p == 'z')
		p++;
	else if (*p == '+' || *p == '-') {
		sign = *p++ == '-' ? -1 : 1;
		if (read_digits(&p, 2, &oh) != 0 || *p++ != ':' ||
		    read_digits(&p, 2, &om) != 0 || oh > 23 || om > 59)
			return 0;
	} else
		return 0;
	if (*p != '\0')
		return 0;
	if (mo < 1 || mo > 12 || d < 1 || h > 23 || mi > 59 || sec > 60)
		return 0;
	dim = mdays[mo - 1];
	if (mo == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		dim = 29;
	if (d > dim)
		return 0;
	/* Go's zero time (metav1.Time{}) means unset. */
	if (y == 1 && mo == 1 && d == 1 && h == 0 && mi == 0 && sec == 0 &&
	    sign == 0)
		return 0;
	t = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec;
	t -= (int64_t)sign * (oh * 3600 + om * 60);
	return t;
}

void
format_rfc3339(int64_t t, char *buf, size_t len)
{
	int64_t days, secs, z, era, doe, yoe, y, doy, mp, d, m;

	days = t / 86400;
	secs = t % 86400;
	if (secs < 0) {
		secs += 86400;
		days--;
	}
	z = days + 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	y = yoe + era * 400;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	d = doy - (153 * mp + 2) / 5 + 1;
	m = mp + (mp < 10 ? 3 : -9);
	y += m <= 2;
	snprintf(buf, len, "%04lld-%02lld-%02lldT%02lld:%02lld:%02lldZ",
	    (long long)y, (long long)m, (long long)d, (long long)(secs / 3600),
	    (long long)(secs % 3600 / 60), (long long)(secs % 60));
}
