/* Dotted-path lookups, label formatting and label selectors over jansson. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "opsdeck/buf.h"
#include "opsdeck/json_util.h"
#include "opsdeck/names.h"
#include "opsdeck/xmalloc.h"

/* Longest path segment json_path accepts. */
#define PATH_SEGMENT_MAX	256

/* Walk a dotted path through objects and arrays. */
json_t *
json_path(json_t *obj, const char *path)
{
	char seg[PATH_SEGMENT_MAX];
	const char *p = path, *dot;
	size_t n, i;
	int digits;

	if (obj == NULL || path == NULL)
		return NULL;
	while (obj != NULL && *p != '\0') {
		dot = strchr(p, '.');
		n = dot == NULL ? strlen(p) : (size_t)(dot - p);
		if (n == 0 || n >= sizeof seg)
			return NULL;
		memcpy(seg, p, n);
		seg[n] = '\0';
		if (json_is_object(obj))
			obj = json_object_get(obj, seg);
		else if (json_is_array(obj)) {
			digits = 1;
			for (i = 0; i < n; i++) {
				if (!isdigit((unsigned char)seg[i]))
					digits = 0;
			}
			if (!digits || n > 9)
				return NULL;
			obj = json_array_get(obj, (size_t)strtoul(seg, NULL, 10));
		} else
			return NULL;
		p += n;
		if (*p == '.')
			p++;
	}
	return obj;
}

/* Walk a simple JSONPath: ".key" steps, "[N]" indices and "['key']" or
 * "[\"key\"]" steps for keys holding dots. */
json_t *
json_jsonpath(json_t *obj, const char *path)
{
	char seg[PATH_SEGMENT_MAX];
	const char *p = path, *end;
	size_t n, len;
	char q;

	if (obj == NULL || path == NULL)
		return NULL;
	len = strlen(p);
	if (len >= 2 && p[0] == '{' && p[len - 1] == '}') {
		p++;
		len -= 2;
	}
	end = p + len;
	if (p < end && *p == '$')
		p++;
	while (obj != NULL && p < end) {
		if (*p == '.') {
			p++;
			for (n = 0; p + n < end && p[n] != '.' && p[n] != '['; n++)
				;
			if (n == 0 || n >= sizeof seg || !json_is_object(obj))
				return NULL;
			memcpy(seg, p, n);
			seg[n] = '\0';
			obj = json_object_get(obj, seg);
			p += n;
		} else if (*p == '[' && p + 1 < end && (p[1] == '\'' || p[1] == '"')) {
			q = p[1];
			p += 2;
			for (n = 0; p + n < end && p[n] != q; n++)
				;
			if (p + n + 1 >= end || p[n + 1] != ']' || n >= sizeof seg ||
			    !json_is_object(obj))
				return NULL;
			memcpy(seg, p, n);
			seg[n] = '\0';
			obj = json_object_get(obj, seg);
			p += n + 2;
		} else if (*p == '[') {
			p++;
			for (n = 0; p + n < end && isdigit((unsigned char)p[n]); n++)
				;
			if (n == 0 || n > 9 || p + n >= end || p[n] != ']' || !json_is_array(obj))
				return NULL;
			obj = json_array_get(obj, (size_t)strtoul(p, NULL, 10));
			p += n + 1;
		} else
			return NULL;
	}
	return obj;
}

/* A string at a path. */
const char *
json_path_str(json_t *obj, const char *path)
{
	json_t *v = json_path(obj, path);

	return json_is_string(v) ? json_string_value(v) : NULL;
}

/* A non-empty string at a path, else a default. */
const char *
json_path_str_or(json_t *obj, const char *path, const char *def)
{
	const char *s = json_path_str(obj, path);

	return (s == NULL || *s == '\0') ? def : s;
}

/* An integer at a path, else a default. */
int64_t
json_path_int(json_t *obj, const char *path, int64_t def)
{
	json_t *v = json_path(obj, path);
	double d;

	if (json_is_integer(v))
		return (int64_t)json_integer_value(v);
	if (json_is_real(v)) {
		d = json_real_value(v);
		if (d >= -9.2e18 && d <= 9.2e18)
			return (int64_t)d;
	}
	return def;
}

/* True if the value at a path is JSON true. */
int
json_path_true(json_t *obj, const char *path)
{
	return json_is_true(json_path(obj, path));
}

/* Length of the array at a path. */
size_t
json_path_len(json_t *obj, const char *path)
{
	json_t *v = json_path(obj, path);

	return json_is_array(v) ? json_array_size(v) : 0;
}

json_t *
json_condition_find(json_t *conds, const char *type)
{
	json_t *c;
	const char *t;
	size_t i;

	json_array_foreach(conds, i, c) {
		t = json_string_value(json_object_get(c, "type"));
		if (t != NULL && strcmp(t, type) == 0)
			return c;
	}
	return NULL;
}

int
json_condition_is(json_t *conds, const char *type, const char *status)
{
	const char *st = json_string_value(json_object_get(json_condition_find(conds, type),
	    "status"));

	return st != NULL && strcmp(st, status) == 0;
}

int
json_condition_true(json_t *obj, const char *type)
{
	return json_condition_is(json_path(obj, "status.conditions"), type, "True");
}

/* qsort comparison for an array of C strings. */
static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Labels as sorted "k=v,k2=v2". */
char *
labels_to_string(json_t *labels)
{
	const char *key, **keys;
	json_t *v;
	size_t n = 0, i, len = 1;
	char *out, *o;

	if (!json_is_object(labels) || json_object_size(labels) == 0)
		return xstrdup("<none>");
	keys = xcalloc(json_object_size(labels), sizeof *keys);
	json_object_foreach(labels, key, v) {
		if (!json_is_string(v))
			continue;
		keys[n++] = key;
		len += strlen(key) + json_string_length(v) + 2;
	}
	if (n == 0) {
		free(keys);
		return xstrdup("<none>");
	}
	qsort(keys, n, sizeof *keys, cmp_str);
	out = o = xmalloc(len);
	for (i = 0; i < n; i++) {
		v = json_object_get(labels, keys[i]);
		o += sprintf(o, "%s%s=%s", i == 0 ? "" : ",", keys[i],
		    json_string_value(v));
	}
	free(keys);
	return out;
}

/* The strings of a comma-separated list. */
json_t *
json_csv_array(const char *s)
{
	json_t *a = json_array();
	const char *end;

	while (s != NULL && *s != '\0') {
		end = strchr(s, ',');
		if (end == NULL) {
			json_array_append_new(a, json_string(s));
			break;
		}
		json_array_append_new(a, json_stringn(s, (size_t)(end - s)));
		s = end + 1;
	}
	return a;
}

/* Requirement operators, as in k8s.io/apimachinery/pkg/selection. */
enum sel_op {
	SEL_EQUALS,		/* "=" */
	SEL_DOUBLE_EQUALS,	/* "==" */
	SEL_NOT_EQUALS,		/* "!=" */
	SEL_IN,			/* "in" */
	SEL_NOT_IN,		/* "notin" */
	SEL_EXISTS,		/* key alone */
	SEL_NOT_EXISTS,		/* "!key" */
};

/* One requirement: key, operator, sorted unique values. */
struct sel_req {
	char		*key;
	enum sel_op	 op;
	char		**values;
	size_t		 nvalues;
	size_t		 order;		/* insertion order, to sort stably */
};

/* A selector: requirements sorted by key; matches_nothing for a nil
 * metav1.LabelSelector. */
struct label_selector {
	struct sel_req	*reqs;
	size_t		 nreqs;
	int		 matches_nothing;
};

/* Most requirements and values a selector may hold. */
#define SEL_MAX_REQS	256
#define SEL_MAX_VALUES	256

/* Append a requirement taking ownership of key and values. */
static void
sel_add(struct label_selector *sel, char *key, enum sel_op op, char **values,
    size_t nvalues)
{
	struct sel_req *r;

	sel->reqs = xreallocarray(sel->reqs, sel->nreqs + 1, sizeof *sel->reqs);
	r = &sel->reqs[sel->nreqs];
	r->key = key;
	r->op = op;
	r->values = values;
	r->nvalues = nvalues;
	r->order = sel->nreqs;
	sel->nreqs++;
}

/* Sort and deduplicate a value list in place. */
static void
values_sort_unique(char **values, size_t *n)
{
	size_t i, j;

	if (*n == 0)
		return;
	qsort(values, *n, sizeof *values, cmp_str);
	for (i = 1, j = 1; i < *n; i++) {
		if (strcmp(values[i], values[j - 1]) == 0)
			free(values[i]);
		else
			values[j++] = values[i];
	}
	*n = j;
}

/* Order requirements by key, then by insertion. */
static int
cmp_req(const void *a, const void *b)
{
	const struct sel_req *ra = a, *rb = b;
	int c = strcmp(ra->key, rb->key);

	if (c != 0)
		return c;
	return ra->order < rb->order ? -1 : ra->order > rb->order;
}

/* Sort the requirements and their values once parsing is done. */
static void
sel_finish(struct label_selector *sel)
{
	size_t i;

	for (i = 0; i < sel->nreqs; i++)
		values_sort_unique(sel->reqs[i].values, &sel->reqs[i].nvalues);
	if (sel->nreqs > 1)
		qsort(sel->reqs, sel->nreqs, sizeof *sel->reqs, cmp_req);
}

/* Free a selector. */
void
label_selector_free(struct label_selector *sel)
{
	size_t i, j;

	if (sel == NULL)
		return;
	for (i = 0; i < sel->nreqs; i++) {
		free(sel->reqs[i].key);
		for (j = 0; j < sel->reqs[i].nvalues; j++)
			free(sel->reqs[i].values[j]);
		free(sel->reqs[i].values);
	}
	free(sel->reqs);
	free(sel);
}

/* Check every key and value as the API server does; 0, or -1 with *cause
 * naming the first bad one and what is wrong with it. */
static int
sel_validate(const struct label_selector *sel, char **cause)
{
	const char *why;
	size_t i, j;

	for (i = 0; i < sel->nreqs; i++) {
		if ((why = name_label_key_rule(sel->reqs[i].key)) != NULL) {
			*cause = xasprintf("invalid label key \"%.80s\": %s",
			    sel->reqs[i].key, why);
			return -1;
		}
		for (j = 0; j < sel->reqs[i].nvalues; j++) {
			why = name_label_value_rule(sel->reqs[i].values[j]);
			if (why != NULL) {
				*cause = xasprintf("invalid label value \"%.80s\" for "
				    "key \"%.80s\": %s", sel->reqs[i].values[j],
				    sel->reqs[i].key, why);
				return -1;
			}
		}
	}
	return 0;
}

/* Lexer token kinds for the selector string grammar. */
enum sel_tok {
	TOK_END,
	TOK_IDENT,
	TOK_COMMA,
	TOK_OPEN,
	TOK_CLOSE,
	TOK_EQ,
	TOK_DEQ,
	TOK_NEQ,
	TOK_BANG,
	TOK_IN,
	TOK_NOTIN,
};

/* Lexer state over a selector string. */
struct sel_lex {
	const char	*p;
	char		*ident;		/* text of the last TOK_IDENT/IN/NOTIN */
};

/* True for bytes that end an identifier. */
static int
sel_special(char c)
{
	return c == ',' || c == '(' || c == ')' || c == '=' || c == '!' ||
	    isspace((unsigned char)c) || c == '\0';
}

/* Read the next token. */
static enum sel_tok
sel_next(struct sel_lex *lx)
{
	const char *start;

	free(lx->ident);
	lx->ident = NULL;
	while (isspace((unsigned char)*lx->p))
		lx->p++;
	switch (*lx->p) {
	case '\0':
		return TOK_END;
	case ',':
		lx->p++;
		return TOK_COMMA;
	case '(':
		lx->p++;
		return TOK_OPEN;
	case ')':
		lx->p++;
		return TOK_CLOSE;
	case '=':
		lx->p++;
		if (*lx->p == '=') {
			lx->p++;
			return TOK_DEQ;
		}
		return TOK_EQ;
	case '!':
		lx->p++;
		if (*lx->p == '=') {
			lx->p++;
			return TOK_NEQ;
		}
		return TOK_BANG;
	}
	start = lx->p;
	while (!sel_special(*lx->p))
		lx->p++;
	lx->ident = xstrndup(start, (size_t)(lx->p - start));
	if (strcmp(lx->ident, "in") == 0)
		return TOK_IN;
	if (strcmp(lx->ident, "notin") == 0)
		return TOK_NOTIN;
	return TOK_IDENT;
}

/* Peek: true if the next non-space byte ends a requirement (',' or end). */
static int
sel_at_req_end(struct sel_lex *lx)
{
	const char *p = lx->p;

	while (isspace((unsigned char)*p))
		p++;
	return *p == ',' || *p == '\0';
}

/* Parse "(v1, v2)" after in/notin into a new array. */
static int
sel_parse_set(struct sel_lex *lx, char ***values, size_t *n, char **cause)
{
	enum sel_tok t;

	*values = NULL;
	*n = 0;
	if (sel_next(lx) != TOK_OPEN) {
		*cause = xstrdup("expected '(' after in/notin");
		return -1;
	}
	for (;;) {
		t = sel_next(lx);
		if (t == TOK_CLOSE && *n == 0) {
			/* "in ()" is the set holding the empty value. */
			*values = xreallocarray(*values, 1, sizeof **values);
			(*values)[(*n)++] = xstrdup("");
			return 0;
		}
		if (t != TOK_IDENT && t != TOK_IN && t != TOK_NOTIN) {
			*cause = xstrdup("expected a value in the set");
			return -1;
		}
		if (*n >= SEL_MAX_VALUES) {
			*cause = xstrdup("too many values in the set");
			return -1;
		}
		*values = xreallocarray(*values, *n + 1, sizeof **values);
		(*values)[(*n)++] = lx->ident;
		lx->ident = NULL;
		t = sel_next(lx);
		if (t == TOK_CLOSE)
			return 0;
		if (t != TOK_COMMA) {
			*cause = xstrdup("expected ',' or ')' in the set");
			return -1;
		}
	}
}

/* Free a value array of n strings. */
static void
values_free(char **values, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(values[i]);
	free(values);
}

/* Parse the kubectl -l selector syntax. */
struct label_selector *
label_selector_parse(const char *s, char **cause)
{
	struct label_selector *sel = xcalloc(1, sizeof *sel);
	struct sel_lex lx = { s == NULL ? "" : s, NULL };
	enum sel_tok t;
	enum sel_op op;
	char *key = NULL, **values = NULL;
	size_t nvalues = 0;

	*cause = NULL;
	t = sel_next(&lx);
	if (t == TOK_END)
		goto out;
	for (;;) {
		if (sel->nreqs >= SEL_MAX_REQS) {
			*cause = xstrdup("too many requirements");
			goto out;
		}
		if (t == TOK_BANG) {
			if (sel_next(&lx) != TOK_IDENT) {
				*cause = xstrdup("expected a key after '!'");
				goto out;
			}
			sel_add(sel, lx.ident, SEL_NOT_EXISTS, NULL, 0);
			lx.ident = NULL;
		} else if (t == TOK_IDENT) {
			key = lx.ident;
			lx.ident = NULL;
			if (sel_at_req_end(&lx)) {
				sel_add(sel, key, SEL_EXISTS, NULL, 0);
				key = NULL;
			} else {
				t = sel_next(&lx);
				switch (t) {
				case TOK_EQ:
				case TOK_DEQ:
				case TOK_NEQ:
					op = t == TOK_EQ ? SEL_EQUALS :
					    t == TOK_DEQ ? SEL_DOUBLE_EQUALS :
					    SEL_NOT_EQUALS;
					values = xcalloc(1, sizeof *values);
					if (sel_at_req_end(&lx))
						values[0] = xstrdup("");
					else {
						t = sel_next(&lx);
						if (t != TOK_IDENT && t != TOK_IN &&
						    t != TOK_NOTIN) {
							free(values);
							values = NULL;
							*cause = xasprintf("expected a value "
							    "for '%s'", key);
							goto out;
						}
						values[0] = lx.ident;
						lx.ident = NULL;
					}
					sel_add(sel, key, op, values, 1);
					key = NULL;
					values = NULL;
					break;
				case TOK_IN:
				case TOK_NOTIN:
					op = t == TOK_IN ? SEL_IN : SEL_NOT_IN;
					if (sel_parse_set(&lx, &values, &nvalues,
					    cause) != 0)
						goto out;
					sel_add(sel, key, op, values, nvalues);
					key = NULL;
					values = NULL;
					nvalues = 0;
					break;
				default:
					*cause = xasprintf("unexpected text after "
					    "key '%s'", key);
					goto out;
				}
			}
		} else {
			*cause = xstrdup("expected a label key");
			goto out;
		}
		t = sel_next(&lx);
		if (t == TOK_END)
			break;
		if (t != TOK_COMMA) {
			*cause = xstrdup("expected ',' between requirements");
			goto out;
		}
		t = sel_next(&lx);
	}
out:
	free(lx.ident);
	free(key);
	values_free(values, nvalues);
	if (*cause != NULL || sel_validate(sel, cause) != 0) {
		label_selector_free(sel);
		return NULL;
	}
	sel_finish(sel);
	return sel;
}

/* Build a selector from a metav1.LabelSelector. */
struct label_selector *
label_selector_from_json(json_t *js, char **cause)
{
	struct label_selector *sel = xcalloc(1, sizeof *sel);
	json_t *ml, *exprs, *e, *vals, *v;
	const char *key, *opname;
	char **values;
	size_t i, j, n;
	enum sel_op op;

	*cause = NULL;
	if (js == NULL || json_is_null(js)) {
		sel->matches_nothing = 1;
		return sel;
	}
	if (!json_is_object(js)) {
		*cause = xstrdup("label selector is not an object");
		goto fail;
	}
	ml = json_object_get(js, "matchLabels");
	if (json_is_object(ml)) {
		json_object_foreach(ml, key, v) {
			if (!json_is_string(v)) {
				*cause = xasprintf("matchLabels value of '%s' is "
				    "not a string", key);
				goto fail;
			}
			if (sel->nreqs >= SEL_MAX_REQS)
				break;
			values = xcalloc(1, sizeof *values);
			values[0] = xstrdup(json_string_value(v));
			sel_add(sel, xstrdup(key), SEL_EQUALS, values, 1);
		}
	}
	exprs = json_object_get(js, "matchExpressions");
	json_array_foreach(exprs, i, e) {
		key = json_string_value(json_object_get(e, "key"));
		opname = json_string_value(json_object_get(e, "operator"));
		vals = json_object_get(e, "values");
		n = json_is_array(vals) ? json_array_size(vals) : 0;
		if (key == NULL || opname == NULL) {
			*cause = xstrdup("matchExpressions entry needs key and "
			    "operator");
			goto fail;
		}
		if (strcmp(opname, "In") == 0)
			op = SEL_IN;
		else if (strcmp(opname, "NotIn") == 0)
			op = SEL_NOT_IN;
		else if (strcmp(opname, "Exists") == 0)
			op = SEL_EXISTS;
		else if (strcmp(opname, "DoesNotExist") == 0)
			op = SEL_NOT_EXISTS;
		else {
			*cause = xasprintf("\"%s\" is not a valid label selector "
			    "operator", opname);
			goto fail;
		}
		if ((op == SEL_IN || op == SEL_NOT_IN) && n == 0) {
			*cause = xstrdup("for 'in', 'notin' operators, values set "
			    "can't be empty");
			goto fail;
		}
		if ((op == SEL_EXISTS || op == SEL_NOT_EXISTS) && n != 0) {
			*cause = xstrdup("values set must be empty for exists and "
			    "does not exist");
			goto fail;
		}
		if (n > SEL_MAX_VALUES || sel->nreqs >= SEL_MAX_REQS) {
			*cause = xstrdup("label selector too large");
			goto fail;
		}
		values = n == 0 ? NULL : xcalloc(n, sizeof *values);
		for (j = 0; j < n; j++) {
			v = json_array_get(vals, j);
			values[j] = xstrdup(json_is_string(v) ?
			    json_string_value(v) : "");
		}
		sel_add(sel, xstrdup(key), op, values, n);
	}
	if (sel_validate(sel, cause) != 0)
		goto fail;
	sel_finish(sel);
	return sel;
fail:
	label_selector_free(sel);
	return NULL;
}

/* True if value is one of r's values. */
static int
req_has_value(const struct sel_req *r, const char *value)
{
	size_t i;

	for (i = 0; i < r->nvalues; i++) {
		if (strcmp(r->values[i], value) == 0)
			return 1;
	}
	return 0;
}

const char *
labels_flat_get(const char *flat, const char *key, char *buf, size_t len)
{
	const char *p = flat, *e, *eq;
	size_t klen = strlen(key), vlen;

	while (p != NULL && *p != '\0') {
		e = strchr(p, ',');
		if (e == NULL)
			e = p + strlen(p);
		eq = memchr(p, '=', (size_t)(e - p));
		if (eq == NULL)
			eq = e;
		if ((size_t)(eq - p) == klen && memcmp(p, key, klen) == 0) {
			vlen = eq < e ? (size_t)(e - eq - 1) : 0;
			if (vlen >= len)
				return NULL;
			memcpy(buf, eq < e ? eq + 1 : "", vlen);
			buf[vlen] = '\0';
			return buf;
		}
		p = *e == ',' ? e + 1 : e;
	}
	return NULL;
}

/* True if the labels satisfy every requirement: one of labels (an object)
 * or flat ("k=v,k2=v2") is given. */
static int
sel_match(const struct label_selector *sel, json_t *labels, const char *flat)
{
	const struct sel_req *r;
	const char *value;
	char buf[256];
	json_t *v;
	size_t i;

	if (sel == NULL || sel->matches_nothing)
		return 0;
	for (i = 0; i < sel->nreqs; i++) {
		r = &sel->reqs[i];
		if (flat != NULL)
			value = labels_flat_get(flat, r->key, buf, sizeof buf);
		else {
			v = json_is_object(labels) ? json_object_get(labels, r->key) : NULL;
			value = json_is_string(v) ? json_string_value(v) : NULL;
		}
		switch (r->op) {
		case SEL_EQUALS:
		case SEL_DOUBLE_EQUALS:
		case SEL_IN:
			if (value == NULL || !req_has_value(r, value))
				return 0;
			break;
		case SEL_NOT_EQUALS:
		case SEL_NOT_IN:
			if (value != NULL && req_has_value(r, value))
				return 0;
			break;
		case SEL_EXISTS:
			if (value == NULL)
				return 0;
			break;
		case SEL_NOT_EXISTS:
			if (value != NULL)
				return 0;
			break;
		}
	}
	return 1;
}

int
label_selector_match(const struct label_selector *sel, json_t *labels)
{
	return sel_match(sel, labels, NULL);
}

int
label_selector_match_flat(const struct label_selector *sel, const char *labels)
{
	return sel_match(sel, NULL, labels != NULL ? labels : "");
}

/* The selector in its canonical printed form. */
char *
label_selector_string(const struct label_selector *sel)
{
	static const char *opstr[] = {
		[SEL_EQUALS] = "=", [SEL_DOUBLE_EQUALS] = "==",
		[SEL_NOT_EQUALS] = "!=", [SEL_IN] = " in ",
		[SEL_NOT_IN] = " notin ",
	};
	const struct sel_req *r;
	struct buf b = { 0 };
	size_t i, j;

	for (i = 0; sel != NULL && i < sel->nreqs; i++) {
		r = &sel->reqs[i];
		if (i != 0)
			buf_str(&b, ",");
		if (r->op == SEL_NOT_EXISTS)
			buf_str(&b, "!");
		buf_str(&b, r->key);
		if (r->op == SEL_EXISTS || r->op == SEL_NOT_EXISTS)
			continue;
		buf_str(&b, opstr[r->op]);
		if (r->op == SEL_IN || r->op == SEL_NOT_IN)
			buf_str(&b, "(");
		for (j = 0; j < r->nvalues; j++) {
			if (j != 0)
				buf_str(&b, ",");
			buf_str(&b, r->values[j]);
		}
		if (r->op == SEL_IN || r->op == SEL_NOT_IN)
			buf_str(&b, ")");
	}
	return buf_take(&b);
}

/* Resource quantities. */
int
quantity_parse(const char *s, double *out)
{
	static const struct {
		const char	*suffix;
		double		 mult;
	} suffixes[] = {
		{ "Ki", 1024.0 }, { "Mi", 1048576.0 }, { "Gi", 1073741824.0 },
		{ "Ti", 1099511627776.0 }, { "Pi", 1125899906842624.0 },
		{ "Ei", 1152921504606846976.0 },
		{ "n", 1e-9 }, { "u", 1e-6 }, { "m", 1e-3 }, { "", 1.0 }, { "k", 1e3 },
		{ "M", 1e6 }, { "G", 1e9 }, { "T", 1e12 }, { "P", 1e15 }, { "E", 1e18 },
	};
	const char *p = s, *q;
	char num[64], *end;
	double v;
	long e;
	size_t i, digits = 0, dots = 0;

	if (s == NULL)
		return -1;
	if (*p == '+' || *p == '-')
		p++;
	for (; isdigit((unsigned char)*p) || *p == '.'; p++) {
		if (*p == '.')
			dots++;
		else
			digits++;
	}
	if (digits == 0 || dots > 1 || (size_t)(p - s) >= sizeof num)
		return -1;
	memcpy(num, s, (size_t)(p - s));
	num[p - s] = '\0';
	v = strtod(num, NULL);
	/* "1e3": a decimal exponent; a lone "E" is the exa suffix */
	q = p + 1;
	if ((*p == 'e' || *p == 'E') && (*q == '+' || *q == '-'))
		q++;
	if ((*p == 'e' || *p == 'E') && isdigit((unsigned char)*q)) {
		e = strtol(p + 1, &end, 10);
		if (*end != '\0' || e > 30 || e < -30)
			return -1;
		for (; e > 0; e--)
			v *= 10;
		for (; e < 0; e++)
			v /= 10;
		*out = v;
		return 0;
	}
	for (i = 0; i < sizeof suffixes / sizeof suffixes[0]; i++) {
		if (strcmp(p, suffixes[i].suffix) == 0) {
			*out = v * suffixes[i].mult;
			return 0;
		}
	}
	return -1;
}

