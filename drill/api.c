/* The Kubernetes API of the drill simulator: discovery, the verbs on every
 * registered resource, selectors, watches from the store's history, Table
 * responses, subresources (scale, status, log, eviction, service proxy),
 * dry runs, authorisation and Status errors as the real API server sends. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <gnutls/gnutls.h>

#include "opsdeck/buf.h"
#include "opsdeck/json_util.h"
#include "opsdeck/pdb.h"
#include "opsdeck/printers.h"
#include "opsdeck/sim_ctl.h"
#include "opsdeck/xmalloc.h"
#include "drill.h"
#include "patch.h"
#include "proto.h"
#include "sim_store.h"

/* Append a JSON value's compact serialisation to b. */
static void
buf_json(struct buf *b, json_t *v)
{
	char	*s;

	s = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
	if (s != NULL) {
		buf_str(b, s);
		free(s);
	}
}

/* One parsed field-selector requirement. */
struct freq {
	char	*key;
	char	*val;
	int	 neq;
};

/* A parsed request selection: the labels by the one selector engine, the
 * fields here (their keys depend on the kind). */
struct selector {
	struct label_selector	*l;	/* NULL: no label selector */
	struct freq		*f;
	size_t			 nf;
};

/* Free a selector. */
static void
selector_free(struct selector *s)
{
	size_t	i;

	label_selector_free(s->l);
	for (i = 0; i < s->nf; i++) {
		free(s->f[i].key);
		free(s->f[i].val);
	}
	free(s->f);
	memset(s, 0, sizeof *s);
}

/* Parse a label selector. Returns 0 or -1 with *cause. */
static int
parse_label_selector(const char *s, struct selector *sel, char **cause)
{
	char	*why = NULL;

	if (s == NULL)
		return 0;
	sel->l = label_selector_parse(s, &why);
	if (sel->l == NULL) {
		*cause = xasprintf("unable to parse requirement: %s", why);
		free(why);
		return -1;
	}
	return 0;
}

/* Field keys selectable on every resource and per kind. */
static int
field_supported(const struct kind *res, const char *key)
{
	static const char *pod_keys[] = { "spec.nodeName", "status.phase", "spec.restartPolicy",
	    "spec.schedulerName", "spec.serviceAccountName", "status.podIP",
	    "status.nominatedNodeName", NULL };
	static const char *event_keys[] = { "involvedObject.kind", "involvedObject.namespace",
	    "involvedObject.name", "involvedObject.uid", "involvedObject.apiVersion",
	    "involvedObject.resourceVersion", "involvedObject.fieldPath", "reason", "type",
	    "source", "reportingComponent", NULL };
	const char	**k = NULL;

	if (strcmp(key, "metadata.name") == 0 || strcmp(key, "metadata.namespace") == 0)
		return 1;
	if (strcmp(res->resource, "pods") == 0)
		k = pod_keys;
	else if (strcmp(res->resource, "events") == 0)
		k = event_keys;
	else if (strcmp(res->resource, "nodes") == 0 && strcmp(key, "spec.unschedulable") == 0)
		return 1;
	for (; k != NULL && *k != NULL; k++) {
		if (strcmp(*k, key) == 0)
			return 1;
	}
	return 0;
}

/* Parse a field selector for res. Returns 0, or an HTTP code with *cause. */
static int
parse_field_selector(const struct kind *res, const char *s, struct selector *sel,
    char **cause)
{
	const char	*p = s, *end, *op;
	struct freq	*f;
	size_t		 len;

	if (s == NULL || *s == '\0')
		return 0;
	while (*p != '\0') {
		end = strchr(p, ',');
		len = end != NULL ? (size_t)(end - p) : strlen(p);
		if (sel->nf >= 32) {
			*cause = xstrdup("too many requirements in field selector");
			return 400;
		}
		op = memchr(p, '=', len);
		if (op == NULL) {
			*cause = xasprintf("invalid selector: '%s'; can't understand '%.*s'", s,
			    (int)len, p);
			return 400;
		}
		sel->f = xreallocarray(sel->f, sel->nf + 1, sizeof *sel->f);
		f = &sel->f[sel->nf++];
		f->neq = op > p && op[-1] == '!';
		f->key = xstrndup(p, (size_t)(op - p) - (f->neq ? 1 : 0));
		if (op + 1 < p + len && op[1] == '=')
			op++;
		f->val = xstrndup(op + 1, (size_t)(p + len - op - 1));
		if (!field_supported(res, f->key)) {
			*cause = xasprintf("field label not supported: %s", f->key);
			return 400;
		}
		p += len;
		if (*p == ',')
			p++;
	}
	return 0;
}

/* The string at a dotted path of obj ("" if absent). */
static const char *
field_value(json_t *obj, const char *path)
{
	char		 part[128];
	const char	*p = path, *dot;
	json_t		*cur = obj;
	size_t		 n;

	if (strcmp(path, "source") == 0)
		path = p = "source.component";
	while (cur != NULL && *p != '\0') {
		dot = strchr(p, '.');
		n = dot != NULL ? (size_t)(dot - p) : strlen(p);
		if (n >= sizeof part)
			return "";
		memcpy(part, p, n);
		part[n] = '\0';
		cur = json_object_get(cur, part);
		p += n;
		if (*p == '.')
			p++;
	}
	if (json_is_string(cur))
		return json_string_value(cur);
	if (json_is_true(cur))
		return "true";
	if (json_is_false(cur))
		return "false";
	return "";
}

/* Does obj match the selector? */
static int
selector_match(const struct selector *sel, json_t *obj)
{
	const char	*v;
	size_t		 i;

	if (sel->l != NULL && !label_selector_match(sel->l,
	    json_object_get(json_object_get(obj, "metadata"), "labels")))
		return 0;
	for (i = 0; i < sel->nf; i++) {
		v = field_value(obj, sel->f[i].key);
		if ((strcmp(v, sel->f[i].val) == 0) == sel->f[i].neq)
			return 0;
	}
	return 1;
}

/* Set a JSON response body (steals v). */
static void
resp_json(struct drill_resp *resp, int status, json_t *v)
{
	resp->status = status;
	resp->content_type = "application/json";
	resp->body = json_dumps(v, JSON_COMPACT);
	if (resp->body == NULL)
		resp->body = xstrdup("{}");
	resp->body_len = strlen(resp->body);
	json_decref(v);
}

/* Set a response body from a buffer (taken). */
static void
resp_buf(struct drill_resp *resp, int status, struct buf *b, const char *ct)
{
	resp->status = status;
	resp->content_type = ct;
	resp->body_len = b->len;
	resp->body = buf_take(b);
}

/* A Status object. */
static json_t *
status_object(int code, const char *reason, const char *message, const char *group,
    const char *kind, const char *name)
{
	json_t	*st, *details;

	st = json_pack("{s:s,s:s,s:{},s:s,s:s,s:s,s:i}", "kind", "Status", "apiVersion", "v1",
	    "metadata", "status", "Failure", "message", message, "reason", reason, "code", code);
	if (kind != NULL || name != NULL) {
		details = json_object();
		if (name != NULL)
			json_object_set_new(details, "name", json_string(name));
		if (group != NULL && *group != '\0')
			json_object_set_new(details, "group", json_string(group));
		if (kind != NULL)
			json_object_set_new(details, "kind", json_string(kind));
		json_object_set_new(st, "details", details);
	}
	return st;
}

/* A Status error response with a group. */
static void
api_error(struct drill_resp *resp, int code, const char *reason, const char *message,
    const struct kind *res, const char *name)
{
	resp_json(resp, code, status_object(code, reason, message,
	    res != NULL ? res->group : NULL, res != NULL ? res->resource : NULL, name));
}

/* A 422 Invalid for one field, as a real API server words it:
 * `KIND.GROUP "NAME" is invalid: FIELD: DETAIL`, with the field in
 * details.causes. cause_reason: FieldValueInvalid, FieldValueNotSupported... */
static void
invalid_field(struct drill_resp *resp, const char *group, const char *kind, const char *name,
    const char *field, const char *cause_reason, const char *detail)
{
	json_t	*st, *details;
	char	*msg;

	msg = xasprintf("%s.%s \"%s\" is invalid: %s: %s", kind, group, name != NULL ? name : "",
	    field, detail);
	st = status_object(422, "Invalid", msg, group, kind, name);
	details = json_object_get(st, "details");
	json_object_set_new(details, "causes", json_pack("[{s:s,s:s,s:s}]", "reason",
	    cause_reason, "message", detail, "field", field));
	resp_json(resp, 422, st);
	free(msg);
}

/* A buffer's text so far ("" before the first append). */
#define STR(b)	((b).p != NULL ? (b).p : "")

/* s as Go's %q writes it: printable text as it is; '"' and '\' escaped;
 * \a \b \f \n \r \t \v by name; other control bytes and bytes that are not
 * UTF-8 as \xNN; C1 controls and U+2028/9 as \uNNNN. */
static void
go_quote(struct buf *b, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	static const char named[] = "\a\b\f\n\r\t\v", letters[] = "abfnrtv";
	const char *n;
	uint32_t cp;
	size_t len, i;

	buf_str(b, "\"");
	while (*p != '\0') {
		if (*p < 0x80) {
			if (*p == '"' || *p == '\\')
				buf_printf(b, "\\%c", *p);
			else if ((n = strchr(named, *p)) != NULL && *p != '\0')
				buf_printf(b, "\\%c", letters[n - named]);
			else if (*p < 0x20 || *p == 0x7f)
				buf_printf(b, "\\x%02x", *p);
			else
				buf_printf(b, "%c", *p);
			p++;
			continue;
		}
		len = *p >= 0xf0 && *p < 0xf5 ? 4 : *p >= 0xe0 ? 3 : *p >= 0xc2 && *p < 0xe0 ? 2 : 0;
		cp = len == 4 ? *p & 0x07u : len == 3 ? *p & 0x0fu : *p & 0x1fu;
		for (i = 1; i < len; i++) {
			if ((p[i] & 0xc0) != 0x80)
				break;
			cp = cp << 6 | (p[i] & 0x3fu);
		}
		if (len == 0 || i < len || (len == 3 && cp < 0x800) || (len == 4 &&
		    (cp < 0x10000 || cp > 0x10ffff)) || (cp >= 0xd800 && cp <= 0xdfff)) {
			buf_printf(b, "\\x%02x", *p);
			p++;
			continue;
		}
		if (cp < 0xa0 || cp == 0xad || cp == 0x2028 || cp == 0x2029 || cp == 0xfeff)
			buf_printf(b, "\\u%04x", (unsigned)cp);
		else
			buf_add(b, p, len);
		p += len;
	}
	buf_str(b, "\"");
}

/* How the API server checks the names of res: a DNS-1123 label
 * (namespaces), a DNS-1035 label (services), else a DNS-1123 subdomain. */
enum name_rule { NAME_SUBDOMAIN, NAME_LABEL, NAME_DNS1035, NAME_LABEL_VALUE };

static enum name_rule
name_rule(const struct kind *res)
{
	if (*res->group == '\0' && strcmp(res->resource, "namespaces") == 0)
		return NAME_LABEL;
	if (*res->group == '\0' && strcmp(res->resource, "services") == 0)
		return NAME_DNS1035;
	return NAME_SUBDOMAIN;
}

/* True if c may be in a name under rule. */
static bool
name_char(char c, enum name_rule rule)
{
	if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')
		return true;
	if (rule == NAME_LABEL_VALUE)
		return (c >= 'A' && c <= 'Z') || c == '_' || c == '.';
	return false;
}

/* True if c may start or end a name (or, in a subdomain, a dot-separated
 * part of one) under rule. */
static bool
name_edge(char c, enum name_rule rule)
{
	return c != '-' && c != '_' && c != '.' && name_char(c, rule);
}

/* True if name matches rule's pattern (its length aside). */
static bool
name_matches(const char *name, enum name_rule rule)
{
	size_t n = strlen(name), i, start = 0;

	if (n == 0)
		return rule == NAME_LABEL_VALUE;
	if (rule == NAME_DNS1035 && !(name[0] >= 'a' && name[0] <= 'z'))
		return false;
	for (i = 0; i <= n; i++) {
		if (i < n && !(rule == NAME_SUBDOMAIN && name[i] == '.')) {
			if (!name_char(name[i], rule))
				return false;
			continue;
		}
		/* the end of a part: it starts and ends as the rule says */
		if (i == start || !name_edge(name[start], rule) || !name_edge(name[i - 1], rule))
			return false;
		start = i + 1;
	}
	return true;
}

/* Append the API server's complaints about value under rule (apimachinery's
 * IsDNS1123Subdomain, IsDNS1123Label, IsDNS1035Label, IsValidLabelValue) to
 * b as "FIELD\tMESSAGE\n" lines. */
static void
name_problems(struct buf *b, const char *field, const char *value, enum name_rule rule)
{
	size_t max = rule == NAME_SUBDOMAIN ? 253 : 63;

	if (strlen(value) > max)
		buf_printf(b, "%s\tmust be no more than %zu characters\n", field, max);
	if (name_matches(value, rule))
		return;
	buf_printf(b, "%s\t", field);
	if (rule == NAME_SUBDOMAIN)
		buf_str(b, "a lowercase RFC 1123 subdomain must consist of lower case "
		    "alphanumeric characters, '-' or '.', and must start and end with an "
		    "alphanumeric character (e.g. 'example.com', regex used for validation is "
		    "'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')\n");
	else if (rule == NAME_LABEL && name_matches(value, NAME_SUBDOMAIN))
		buf_str(b, "must not contain dots\n");
	else if (rule == NAME_LABEL)
		buf_str(b, "a lowercase RFC 1123 label must consist of lower case alphanumeric "
		    "characters or '-', and must start and end with an alphanumeric character "
		    "(e.g. 'my-name',  or '123-abc', regex used for validation is "
		    "'[a-z0-9]([-a-z0-9]*[a-z0-9])?')\n");
	else if (rule == NAME_DNS1035)
		buf_str(b, "a DNS-1035 label must consist of lower case alphanumeric characters "
		    "or '-', start with an alphabetic character, and end with an alphanumeric "
		    "character (e.g. 'my-name',  or 'abc-123', regex used for validation is "
		    "'[a-z]([-a-z0-9]*[a-z0-9])?')\n");
	else
		buf_str(b, "a valid label must be an empty string or consist of alphanumeric "
		    "characters, '-', '_' or '.', and must start and end with an alphanumeric "
		    "character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for "
		    "validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')\n");
}

/* A name the API server would refuse: answer its 422 Invalid, one cause per
 * complaint, and return 0. 1 when name is valid for res. A namespace's
 * name is also the value of its kubernetes.io/metadata.name label, and
 * checked as one. */
static int
check_name(struct drill_resp *resp, const struct kind *res, const char *name)
{
	enum name_rule rule = name_rule(res);
	struct buf problems, quoted, msg, text;
	json_t *st, *causes;
	size_t ncauses = 0;
	char *line, *nl, *tab;

	memset(&problems, 0, sizeof problems);
	name_problems(&problems, "metadata.name", name, rule);
	if (rule == NAME_LABEL && problems.len > 0)
		name_problems(&problems, "metadata.labels", name, NAME_LABEL_VALUE);
	if (problems.len == 0)
		return 1;
	memset(&quoted, 0, sizeof quoted);
	go_quote(&quoted, name);
	memset(&msg, 0, sizeof msg);
	causes = json_array();
	for (line = problems.p; *line != '\0'; line = nl + 1) {
		nl = strchr(line, '\n');
		*nl = '\0';
		tab = strchr(line, '\t');
		*tab = '\0';
		memset(&text, 0, sizeof text);
		buf_printf(&text, "Invalid value: %s: %s", STR(quoted), tab + 1);
		json_array_append_new(causes, json_pack("{s:s,s:s,s:s}", "reason",
		    "FieldValueInvalid", "message", STR(text), "field", line));
		buf_printf(&msg, "%s%s: %s", ncauses++ > 0 ? ", " : "", line, STR(text));
		buf_free(&text);
	}
	memset(&text, 0, sizeof text);
	buf_printf(&text, "%s%s%s %s is invalid: %s%s%s", res->kind, *res->group != '\0' ? "." :
	    "", res->group, STR(quoted), ncauses > 1 ? "[" : "", STR(msg),
	    ncauses > 1 ? "]" : "");
	st = status_object(422, "Invalid", STR(text), res->group, res->kind, name);
	json_object_set_new(json_object_get(st, "details"), "causes", causes);
	resp_json(resp, 422, st);
	buf_free(&text);
	buf_free(&msg);
	buf_free(&quoted);
	buf_free(&problems);
	return 0;
}

/* A Status error response. */
void
drill_api_status(struct drill_resp *resp, int code, const char *reason, const char *message,
    const char *kind, const char *name)
{
	resp_json(resp, code, status_object(code, reason, message, NULL, kind, name));
}

/* The reason for an HTTP error code. */
static const char *
code_reason(int code)
{
	switch (code) {
	case 400: return "BadRequest";
	case 401: return "Unauthorized";
	case 403: return "Forbidden";
	case 404: return "NotFound";
	case 405: return "MethodNotAllowed";
	case 409: return "Conflict";
	case 410: return "Expired";
	case 413: return "RequestEntityTooLarge";
	case 415: return "UnsupportedMediaType";
	case 422: return "Invalid";
	case 429: return "TooManyRequests";
	case 503: return "ServiceUnavailable";
	default: return "InternalError";
	}
}

/* An error from a store call (code and cause), freeing cause. */
static void
store_error(struct drill_resp *resp, int code, char *cause, const struct kind *res,
    const char *name, int creating)
{
	const char	*reason = code_reason(code);

	if (code == 409 && creating)
		reason = "AlreadyExists";
	api_error(resp, code, reason, cause != NULL ? cause : "error", res, name);
	free(cause);
}

/* The columns of res's Tables on c into *p: a custom resource's from the
 * CustomResourceDefinition c serves for it, as a real API server builds
 * them; else the printer's. Lock held. Returns what to printer_free(). */
static struct printer *
table_printer(struct sim_cluster *c, const struct kind *res, const struct printer **p)
{
	const struct kind	*crd_kind;
	struct printer		*own = NULL;
	json_t			*crd;
	char			*name;

	if (sim_kind_custom(res)) {
		crd_kind = kind_find_api("apiextensions.k8s.io", "customresourcedefinitions");
		name = xasprintf("%s.%s", res->resource, res->group);
		crd = sim_obj_get(c, crd_kind, NULL, name);
		free(name);
		if (crd != NULL)
			own = printer_from_crd(crd, res->version);
	}
	*p = own != NULL ? own : printer_find_table(res->resource);
	return own;
}

/* Table column definitions in p's columns. */
static json_t *
table_columns(const struct printer *p)
{
	json_t			*cols;
	size_t			 i;

	cols = json_array();
	for (i = 0; i < p->ncolumns; i++) {
		json_array_append_new(cols, json_pack("{s:s,s:s,s:s,s:s,s:i}",
		    "name", p->columns[i].name, "type", p->columns[i].type,
		    "format", p->columns[i].format != NULL ? p->columns[i].format : "",
		    "description", p->columns[i].description != NULL ?
		    p->columns[i].description : "",
		    "priority", p->columns[i].priority));
	}
	return cols;
}

/* How a Table row carries its object. */
enum include_object { INCLUDE_METADATA, INCLUDE_OBJECT, INCLUDE_NONE };

/* One Table row for obj. */
static json_t *
table_row(const struct printer *p, json_t *obj, enum include_object inc)
{
	struct printed		 out;
	json_t			*cells, *row, *meta;
	int64_t			 now = (int64_t)sim_wallclock();
	size_t			 i;

	cells = json_array();
	printer_print(p, obj, now, &out);
	for (i = 0; i < out.ncells; i++)
		json_array_append_new(cells, cell_json(&out.cells[i], now));
	printed_free(&out);
	row = json_pack("{s:o}", "cells", cells);
	if (inc == INCLUDE_OBJECT)
		json_object_set(row, "object", obj);
	else if (inc == INCLUDE_METADATA) {
		meta = json_deep_copy(json_object_get(obj, "metadata"));
		json_object_del(meta, "managedFields");
		json_object_set_new(row, "object", json_pack("{s:s,s:s,s:o}", "kind",
		    "PartialObjectMetadata", "apiVersion", "meta.k8s.io/v1", "metadata",
		    meta != NULL ? meta : json_object()));
	}
	return row;
}

/* Does the Accept header ask for a Table? */
static int
wants_table(const char *accept)
{
	return accept != NULL && strstr(accept, "as=Table") != NULL;
}

/* What a request addresses, parsed from its path. */
struct target {
	const struct kind		*res;
	char				*ns;		/* NULL: not namespaced path */
	char				*name;
	char				*sub;		/* subresource */
	char				*rest;		/* after proxy/ */
	const char			*verb;
};

/* Free a target. */
static void
target_free(struct target *t)
{
	free(t->ns);
	free(t->name);
	free(t->sub);
	free(t->rest);
}

/* Split path into at most max segments (new strings); returns count. */
static size_t
split_path(const char *path, char **seg, size_t max, char **rest_after)
{
	const char	*p = path, *slash;
	size_t		 n = 0;

	*rest_after = NULL;
	while (*p == '/')
		p++;
	while (*p != '\0' && n < max) {
		slash = strchr(p, '/');
		seg[n++] = xstrndup(p, slash != NULL ? (size_t)(slash - p) : strlen(p));
		if (slash == NULL) {
			p += strlen(p);
			break;
		}
		p = slash + 1;
		if (n >= 2 && strcmp(seg[n - 1], "proxy") == 0) {
			*rest_after = xstrdup(p);
			return n;
		}
	}
	if (*p != '\0')
		*rest_after = xstrdup(p);
	return n;
}

/* Emit /version. */
static void
api_version(struct drill_resp *resp)
{
	resp_json(resp, 200, json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s}",
	    "major", "1", "minor", "30", "gitVersion", "v1.30.0-opsdeck-drill",
	    "gitCommit", "0000000000000000000000000000000000000000", "gitTreeState", "clean",
	    "buildDate", "2026-01-01T00:00:00Z", "goVersion", "go1.22.0",
	    "compiler", "gc", "platform", "linux/amd64"));
}

/* The group-version strings served, each once, in kind table order. */
static size_t
group_versions(const char *group, const char **out, size_t max)
{
	size_t	i, j, n = 0;

	for (i = 0; i < nkinds && n < max; i++) {
		if (!kind_on_api(&kinds[i]) ||
		    (group != NULL && strcmp(kinds[i].group, group) != 0))
			continue;
		for (j = 0; j < n; j++) {
			if (strcmp(out[j], kinds[i].version) == 0)
				break;
		}
		if (j == n)
			out[n++] = kinds[i].version;
	}
	return n;
}

/* The APIGroup document of group. */
static json_t *
api_group(const char *group)
{
	const char	*vers[8];
	json_t		*versions;
	size_t		 n, i;
	char		 gv[160];

	n = group_versions(group, vers, 8);
	versions = json_array();
	for (i = 0; i < n; i++) {
		snprintf(gv, sizeof gv, "%s/%s", group, vers[i]);
		json_array_append_new(versions, json_pack("{s:s,s:s}", "groupVersion", gv,
		    "version", vers[i]));
	}
	snprintf(gv, sizeof gv, "%s/%s", group, n > 0 ? vers[0] : "v1");
	return json_pack("{s:s,s:s,s:s,s:o,s:{s:s,s:s}}", "kind", "APIGroup", "apiVersion", "v1",
	    "name", group, "versions", versions, "preferredVersion", "groupVersion", gv,
	    "version", n > 0 ? vers[0] : "v1");
}

/* /apis: every group. */
static void
api_groups(struct drill_resp *resp)
{
	json_t	*groups;
	size_t	 i, j;

	groups = json_array();
	for (i = 0; i < nkinds; i++) {
		if (!kind_on_api(&kinds[i]) || *kinds[i].group == '\0')
			continue;
		for (j = 0; j < i; j++) {
			if (strcmp(kinds[j].group, kinds[i].group) == 0)
				break;
		}
		if (j < i)
			continue;
		json_t *g = api_group(kinds[i].group);

		json_object_del(g, "kind");
		json_object_del(g, "apiVersion");
		json_array_append_new(groups, g);
	}
	resp_json(resp, 200, json_pack("{s:s,s:s,s:o}", "kind", "APIGroupList", "apiVersion",
	    "v1", "groups", groups));
}

/* Add a subresource entry to an APIResourceList. */
static void
add_subresource(json_t *list, const struct kind *r, const char *sub)
{
	char	 name[160];
	json_t	*e;

	snprintf(name, sizeof name, "%s/%s", r->resource, sub);
	e = json_pack("{s:s,s:s,s:b}", "name", name, "singularName", "", "namespaced",
	    r->namespaced);
	if (strcmp(sub, "scale") == 0) {
		json_object_set_new(e, "group", json_string("autoscaling"));
		json_object_set_new(e, "version", json_string("v1"));
		json_object_set_new(e, "kind", json_string("Scale"));
		json_object_set_new(e, "verbs", json_csv_array("get,patch,update"));
	} else if (strcmp(sub, "status") == 0) {
		json_object_set_new(e, "kind", json_string(r->kind));
		json_object_set_new(e, "verbs", json_csv_array("get,patch,update"));
	} else if (strcmp(sub, "log") == 0) {
		json_object_set_new(e, "kind", json_string("Pod"));
		json_object_set_new(e, "verbs", json_csv_array("get"));
	} else if (strcmp(sub, "ephemeralcontainers") == 0) {
		json_object_set_new(e, "kind", json_string("Pod"));
		json_object_set_new(e, "verbs", json_csv_array("get,patch,update"));
	} else if (strcmp(sub, "exec") == 0 || strcmp(sub, "attach") == 0 ||
	    strcmp(sub, "portforward") == 0) {
		json_object_set_new(e, "kind", json_string(strcmp(sub, "exec") == 0 ?
		    "PodExecOptions" : strcmp(sub, "attach") == 0 ? "PodAttachOptions" :
		    "PodPortForwardOptions"));
		json_object_set_new(e, "verbs", json_csv_array("create,get"));
	} else if (strcmp(sub, "eviction") == 0) {
		json_object_set_new(e, "group", json_string("policy"));
		json_object_set_new(e, "version", json_string("v1"));
		json_object_set_new(e, "kind", json_string("Eviction"));
		json_object_set_new(e, "verbs", json_csv_array("create"));
	} else {
		json_object_set_new(e, "kind", json_string("ServiceProxyOptions"));
		json_object_set_new(e, "verbs", json_csv_array("create,delete,get,patch,update"));
	}
	json_array_append_new(list, e);
}

/* An APIResourceList for group/version; 404 if not served. */
static void
api_resource_list(struct drill_resp *resp, const char *group, const char *version)
{
	json_t		*list, *e;
	char		 gv[160], sub[64];
	const char	*s, *end;
	size_t		 i, n = 0;

	list = json_array();
	for (i = 0; i < nkinds; i++) {
		const struct kind *r = &kinds[i];

		if (!kind_on_api(r) || strcmp(r->group, group) != 0 ||
		    strcmp(r->version, version) != 0)
			continue;
		n++;
		e = json_pack("{s:s,s:s,s:b,s:s,s:o}", "name", r->resource, "singularName",
		    r->singular, "namespaced", r->namespaced, "kind", r->kind, "verbs",
		    json_csv_array(r->verbs));
		if (*r->short_names != '\0')
			json_object_set_new(e, "shortNames", json_csv_array(r->short_names));
		if (*r->categories != '\0')
			json_object_set_new(e, "categories", json_csv_array(r->categories));
		json_array_append_new(list, e);
		for (s = r->subresources; *s != '\0'; s = *end == ',' ? end + 1 : end) {
			end = s + strcspn(s, ",");
			if ((size_t)(end - s) < sizeof sub) {
				memcpy(sub, s, (size_t)(end - s));
				sub[end - s] = '\0';
				add_subresource(list, r, sub);
			}
		}
	}
	if (n == 0) {
		json_decref(list);
		drill_api_status(resp, 404, "NotFound",
		    "the server could not find the requested resource", NULL, NULL);
		return;
	}
	if (*group == '\0')
		snprintf(gv, sizeof gv, "%s", version);
	else
		snprintf(gv, sizeof gv, "%s/%s", group, version);
	resp_json(resp, 200, json_pack("{s:s,s:s,s:s,s:o}", "kind", "APIResourceList",
	    "apiVersion", "v1", "groupVersion", gv, "resources", list));
}

/* Is verb allowed for user on (resource, sub)? */
static int
user_allowed(enum drill_user user, const char *verb, const char *resource)
{
	if (user == DRILL_USER_ADMIN)
		return 1;
	if (user != DRILL_USER_VIEWER)
		return 0;
	/* system:basic-user: every authenticated user may ask who it is and
	 * what it may do */
	if (resource != NULL && (strcmp(resource, "selfsubjectaccessreviews") == 0 ||
	    strcmp(resource, "selfsubjectreviews") == 0))
		return strcmp(verb, "create") == 0;
	return strcmp(verb, "get") == 0 || strcmp(verb, "list") == 0 ||
	    strcmp(verb, "watch") == 0;
}

/* The 403 Forbidden answer in the API server's words. */
static void
api_forbidden(struct drill_resp *resp, struct drill_req *req, struct target *t)
{
	char	 q[160], rs[200], *msg, *scope;
	json_t	*st;

	sim_resource_qualified(t->res, q, sizeof q);
	if (t->sub != NULL)
		snprintf(rs, sizeof rs, "%s/%s", t->res->resource, t->sub);
	else
		snprintf(rs, sizeof rs, "%s", t->res->resource);
	if (t->res->namespaced && t->ns != NULL)
		scope = xasprintf("in the namespace \"%s\"", t->ns);
	else
		scope = xstrdup("at the cluster scope");
	if (t->name != NULL)
		msg = xasprintf("%s \"%s\" is forbidden: User \"%s\" cannot %s resource \"%s\" "
		    "in API group \"%s\" %s", q, t->name, req->user_name, t->verb, rs,
		    t->res->group, scope);
	else
		msg = xasprintf("%s is forbidden: User \"%s\" cannot %s resource \"%s\" in API "
		    "group \"%s\" %s", q, req->user_name, t->verb, rs, t->res->group, scope);
	st = status_object(403, "Forbidden", msg, t->res->group, t->res->resource, t->name);
	resp_json(resp, 403, st);
	free(msg);
	free(scope);
}

/* Read a query argument as a boolean. */
static int
arg_bool(struct drill_req *req, const char *name)
{
	const char	*v = req->arg(req, name);

	/* As Go's strconv.ParseBool: 1, t, T, true, TRUE, True. */
	return v != NULL && (strcmp(v, "1") == 0 || strcmp(v, "t") == 0 ||
	    strcmp(v, "T") == 0 || strcmp(v, "true") == 0 || strcmp(v, "TRUE") == 0 ||
	    strcmp(v, "True") == 0);
}

/* Decode the request body as a JSON object; on failure answer 400. */
static json_t *
body_object(struct drill_req *req, struct drill_resp *resp)
{
	json_t		*v;
	json_error_t	 err;
	char		*msg;

	if (req->content_type != NULL &&
	    strncmp(req->content_type, "application/vnd.kubernetes.protobuf", 35) == 0) {
		v = drill_proto_decode(req->body, req->body_len, &msg);
		if (v == NULL) {
			drill_api_status(resp, 415, "UnsupportedMediaType", msg, NULL, NULL);
			free(msg);
		}
		return v;
	}
	if (req->content_type != NULL && strstr(req->content_type, "protobuf") != NULL) {
		drill_api_status(resp, 415, "UnsupportedMediaType",
		    "the body of the request was in an unknown format - accepted media types "
		    "include: application/json, application/yaml, "
		    "application/vnd.kubernetes.protobuf", NULL, NULL);
		return NULL;
	}
	v = json_loadb(req->body, req->body_len, 0, &err);
	if (v == NULL || !json_is_object(v)) {
		msg = xasprintf("the object provided is unrecognized: %s",
		    v == NULL ? err.text : "not a JSON object");
		drill_api_status(resp, 400, "BadRequest", msg, NULL, NULL);
		free(msg);
		json_decref(v);
		return NULL;
	}
	return v;
}

/* State of a list being built. */
struct list_ctx {
	struct selector		*sel;
	struct buf		*b;
	const struct kind *res;
	int			 table;
	enum include_object	 inc;
	json_t			*rows;
	long			 limit;		/* 0: none */
	long			 count;
	long			 matched_after;	/* items left after the page */
	char			*last_ns;
	char			*last_name;
	int			 full;
	int			 strip_type;	/* items without apiVersion, kind */
};

/* The end of the JSON value that starts at p (compact JSON, as the store
 * writes it), or NULL if it does not end before end. */
static const char *
json_value_end(const char *p, const char *end)
{
	int	depth = 0, instr = 0;

	for (; p < end; p++) {
		if (instr) {
			if (*p == '\\')
				p++;
			else if (*p == '"')
				instr = 0;
			if (!instr && depth == 0)
				return p + 1;
			continue;
		}
		switch (*p) {
		case '"':
			instr = 1;
			break;
		case '{':
		case '[':
			depth++;
			break;
		case '}':
		case ']':
			if (--depth == 0)
				return p + 1;
			if (depth < 0)
				return p;
			break;
		case ',':
			if (depth == 0)
				return p;
			break;
		default:
			break;
		}
	}
	return depth == 0 && p <= end ? p : NULL;
}

/* Append the object json (compact) to b without its top-level apiVersion
 * and kind: a real API server's list of a built-in kind leaves them out of
 * the items (a custom resource's keep theirs). */
static void
buf_item(struct buf *b, const char *json, size_t len)
{
	const char	*p = json, *end = json + len, *k, *v;
	size_t		 start = b->len;
	int		 first = 1;

	if (len < 2 || *p != '{') {
		buf_add(b, json, len);
		return;
	}
	buf_add(b, "{", 1);
	p++;
	while (p < end && *p == '"') {
		k = p;
		v = json_value_end(k, end);		/* the key */
		if (v == NULL || v >= end || *v != ':')
			goto whole;
		v = json_value_end(v + 1, end);		/* its value */
		if (v == NULL || v > end)
			goto whole;
		if (!((size_t)(v - k) > 12 && strncmp(k, "\"apiVersion\":", 13) == 0) &&
		    !((size_t)(v - k) > 6 && strncmp(k, "\"kind\":", 7) == 0)) {
			if (!first)
				buf_add(b, ",", 1);
			buf_add(b, k, (size_t)(v - k));
			first = 0;
		}
		p = v;
		if (p < end && *p == ',')
			p++;
	}
	buf_add(b, "}", 1);
	return;
whole:
	/* not the shape expected: the object as it is */
	b->len = start;
	buf_add(b, json, len);
}

/* Add one object to a list. */
static int
list_cb(json_t *obj, const char *json, size_t len, void *arg)
{
	struct list_ctx	*lc = arg;

	if (!selector_match(lc->sel, obj))
		return 0;
	if (lc->full) {
		lc->matched_after++;
		return 0;
	}
	if (lc->table) {
		/* Rows are built after the lock is released, from a copy. */
		json_array_append_new(lc->rows, json != NULL ? json_stringn(json, len) :
		    json_incref(obj));
	} else {
		if (lc->count > 0)
			buf_add(lc->b, ",", 1);
		if (json != NULL && lc->strip_type)
			buf_item(lc->b, json, len);
		else if (json != NULL)
			buf_add(lc->b, json, len);
		else if (lc->strip_type) {
			char	*dump = json_dumps(obj, JSON_COMPACT);

			if (dump != NULL)
				buf_item(lc->b, dump, strlen(dump));
			free(dump);
		} else
			buf_json(lc->b, obj);
	}
	lc->count++;
	if (lc->limit > 0 && lc->count >= lc->limit) {
		free(lc->last_ns);
		free(lc->last_name);
		lc->last_ns = xstrdup(field_value(obj, "metadata.namespace"));
		lc->last_name = xstrdup(field_value(obj, "metadata.name"));
		lc->full = 1;
	}
	return 0;
}

/* Decode a continue token; 0 ok. */
static int
continue_decode(const char *tok, uint64_t *rv, char **ns, char **name)
{
	gnutls_datum_t	 in, out;
	json_t		*v;
	int		 rc = -1;

	in.data = (unsigned char *)(uintptr_t)tok;
	in.size = (unsigned)strlen(tok);
	if (gnutls_base64_decode2(&in, &out) != 0)
		return -1;
	v = json_loadb((char *)out.data, out.size, 0, NULL);
	gnutls_free(out.data);
	if (json_is_integer(json_object_get(v, "rv")) &&
	    json_is_string(json_object_get(v, "ns")) &&
	    json_is_string(json_object_get(v, "name"))) {
		*rv = (uint64_t)json_integer_value(json_object_get(v, "rv"));
		*ns = xstrdup(json_string_value(json_object_get(v, "ns")));
		*name = xstrdup(json_string_value(json_object_get(v, "name")));
		rc = 0;
	}
	json_decref(v);
	return rc;
}

/* LIST. */
static void
api_list(struct drill_req *req, struct drill_resp *resp, struct target *t,
    struct selector *sel)
{
	struct sim_cluster	*c = req->cluster;
	struct list_ctx		 lc;
	struct buf		 b = { 0 };
	const char		*lim, *cont, *rvarg, *inc;
	char			*cns = NULL, *cname = NULL, *tok, av[128], rvs[32], *enc;
	uint64_t		 rv;
	json_t			*meta, *table;
	const struct printer	*tp = NULL;
	struct printer		*own = NULL;

	memset(&lc, 0, sizeof lc);
	lc.sel = sel;
	lc.b = &b;
	lc.res = t->res;
	lc.table = wants_table(req->accept);
	lc.strip_type = !sim_kind_custom(t->res);
	inc = req->arg(req, "includeObject");
	lc.inc = INCLUDE_METADATA;
	if (inc != NULL && strcmp(inc, "Object") == 0)
		lc.inc = INCLUDE_OBJECT;
	else if (inc != NULL && strcmp(inc, "None") == 0)
		lc.inc = INCLUDE_NONE;
	lim = req->arg(req, "limit");
	if (lim != NULL)
		lc.limit = strtol(lim, NULL, 10);
	if (lc.limit < 0)
		lc.limit = 0;
	cont = req->arg(req, "continue");
	rvarg = req->arg(req, "resourceVersion");
	if (cont != NULL && *cont != '\0' && rvarg != NULL && *rvarg != '\0' &&
	    strcmp(rvarg, "0") != 0) {
		drill_api_status(resp, 400, "BadRequest", "specifying resource version is not "
		    "allowed when using continue", NULL, NULL);
		return;
	}
	sim_lock(c->sim);
	rv = sim_store_rv(c);
	if (cont != NULL && *cont != '\0') {
		if (continue_decode(cont, &rv, &cns, &cname) != 0) {
			sim_unlock(c->sim);
			drill_api_status(resp, 400, "BadRequest", "continue key is not valid: "
			    "illegal base64 data", NULL, NULL);
			return;
		}
		if (rv < sim_history_floor(c))
			rv = sim_store_rv(c);
	}
	if (lc.table) {
		lc.rows = json_array();
		own = table_printer(c, t->res, &tp);
	} else {
		sim_resource_api_version(t->res, av, sizeof av);
		buf_str(&b, "{\"kind\":\"");
		buf_str(&b, t->res->kind);
		buf_str(&b, "List\",\"apiVersion\":\"");
		buf_str(&b, av);
		buf_str(&b, "\",\"metadata\":");
		/* metadata is patched in below via a placeholder-free layout */
	}
	{
		struct buf items = { 0 };

		lc.b = &items;
		sim_obj_foreach_json(c, t->res, t->ns, cname != NULL ? cns : NULL, cname,
		    list_cb, &lc);
		snprintf(rvs, sizeof rvs, "%llu", (unsigned long long)rv);
		meta = json_pack("{s:s}", "resourceVersion", rvs);
		if (lc.full && lc.matched_after > 0) {
			json_t *ct = json_pack("{s:I,s:s,s:s}", "rv", (json_int_t)rv, "ns",
			    lc.last_ns, "name", lc.last_name);

			tok = json_dumps(ct, JSON_COMPACT);
			enc = drill_base64(tok, strlen(tok));
			json_object_set_new(meta, "continue", json_string(enc));
			json_object_set_new(meta, "remainingItemCount",
			    json_integer(lc.matched_after));
			free(enc);
			free(tok);
			json_decref(ct);
		}
		sim_unlock(c->sim);
		if (lc.table) {
			json_t	*rows = json_array(), *copy, *it;
			size_t	 k;

			json_array_foreach(lc.rows, k, it) {
				copy = json_is_string(it) ? json_loadb(json_string_value(it),
				    json_string_length(it), 0, NULL) : NULL;
				if (copy == NULL)
					continue;
				json_array_append_new(rows, table_row(tp, copy, lc.inc));
				json_decref(copy);
			}
			json_decref(lc.rows);
			lc.rows = rows;
			table = json_pack("{s:s,s:s,s:o,s:o,s:o}", "kind", "Table", "apiVersion",
			    "meta.k8s.io/v1", "metadata", meta, "columnDefinitions",
			    table_columns(tp), "rows", lc.rows);
			resp_json(resp, 200, table);
			printer_free(own);
		} else {
			buf_json(&b, meta);
			json_decref(meta);
			buf_str(&b, ",\"items\":[");
			if (items.p != NULL)
				buf_add(&b, items.p, items.len);
			buf_str(&b, "]}");
			resp_buf(resp, 200, &b, "application/json");
		}
		buf_free(&items);
	}
	free(lc.last_ns);
	free(lc.last_name);
	free(cns);
	free(cname);
}

/* A running watch. */
struct watch {
	struct sim_cluster		*c;
	const struct kind		*res;
	char				*ns;
	struct selector			 sel;
	uint64_t			 since;
	int				 table;
	int				 table_headers_sent;
	int				 bookmarks;
	double				 deadline;
	double				 next_bookmark;
	struct buf			 out;		/* pending bytes */
	size_t				 off;
	int				 ending;	/* end once out is drained */
};

/* Append an event line for a watch (Table-converted if asked). */
static void
watch_emit(struct watch *w, const char *type, json_t *obj, const char *line)
{
	json_t			*ev, *table;
	const struct printer	*tp;
	struct printer		*own;

	if (!w->table) {
		if (line == NULL)
			return;
		buf_str(&w->out, line);
		buf_add(&w->out, "\n", 1);
		return;
	}
	own = table_printer(w->c, w->res, &tp);
	table = json_pack("{s:s,s:s,s:{s:s},s:o,s:[o]}", "kind", "Table", "apiVersion",
	    "meta.k8s.io/v1", "metadata", "resourceVersion",
	    field_value(obj, "metadata.resourceVersion"), "columnDefinitions",
	    w->table_headers_sent ? json_array() : table_columns(tp), "rows",
	    table_row(tp, obj, INCLUDE_METADATA));
	printer_free(own);
	w->table_headers_sent = 1;
	ev = json_pack("{s:s,s:o}", "type", type, "object", table);
	buf_json(&w->out, ev);
	buf_add(&w->out, "\n", 1);
	json_decref(ev);
}

/* Append the 410 Expired ERROR event and end. */
static void
watch_expired(struct watch *w, uint64_t asked)
{
	char	*msg;
	json_t	*ev;

	msg = xasprintf("too old resource version: %llu (%llu)", (unsigned long long)asked,
	    (unsigned long long)(sim_history_floor(w->c) + 1));
	ev = json_pack("{s:s,s:o}", "type", "ERROR", "object",
	    status_object(410, "Expired", msg, NULL, NULL, NULL));
	buf_json(&w->out, ev);
	buf_add(&w->out, "\n", 1);
	json_decref(ev);
	free(msg);
	w->ending = 1;
}

/* Append a BOOKMARK event. */
static void
watch_bookmark(struct watch *w, int initial_end)
{
	char	 av[128], rvs[32];
	json_t	*meta, *ev;

	sim_resource_api_version(w->res, av, sizeof av);
	snprintf(rvs, sizeof rvs, "%llu", (unsigned long long)w->since);
	meta = json_pack("{s:s}", "resourceVersion", rvs);
	if (initial_end)
		json_object_set_new(meta, "annotations", json_pack("{s:s}",
		    "k8s.io/initial-events-end", "true"));
	ev = json_pack("{s:s,s:{s:s,s:s,s:o}}", "type", "BOOKMARK", "object", "kind",
	    w->res->kind, "apiVersion", av, "metadata", meta);
	buf_json(&w->out, ev);
	buf_add(&w->out, "\n", 1);
	json_decref(ev);
}

/* Synthetic ADDED for a current object. */
static int
watch_initial_cb(json_t *obj, const char *json, size_t len, void *arg)
{
	struct watch	*w = arg;

	if (!selector_match(&w->sel, obj))
		return 0;
	if (w->table)
		watch_emit(w, "ADDED", obj, NULL);
	else {
		buf_str(&w->out, "{\"type\":\"ADDED\",\"object\":");
		buf_add(&w->out, json, len);
		buf_str(&w->out, "}\n");
	}
	return 0;
}

/* The event type a watch with a selector sends for ev, or NULL for none:
 * objects entering the selection are ADDED, leaving it DELETED. */
static const char *
watch_type(struct watch *w, const struct sim_event *ev)
{
	int	now, before;

	now = selector_match(&w->sel, ev->object);
	if (strcmp(ev->type, "MODIFIED") != 0 || ev->prev_object == NULL)
		return now ? ev->type : NULL;
	before = selector_match(&w->sel, ev->prev_object);
	if (now && before)
		return "MODIFIED";
	if (now)
		return "ADDED";
	if (before)
		return "DELETED";
	return NULL;
}

/* Collect new history events into w->out. Lock held. */
static void
watch_collect(struct watch *w)
{
	const struct sim_event	*evs[256];
	json_t			*full, *obj;
	const char		*type, *line;
	long			 n, i;

	for (;;) {
		n = sim_history_since(w->c, w->res, w->ns, w->since, evs, 256);
		if (n < 0) {
			watch_expired(w, w->since);
			return;
		}
		for (i = 0; i < n; i++) {
			type = watch_type(w, evs[i]);
			if (type != NULL && w->table) {
				full = json_loads(evs[i]->line, 0, NULL);
				obj = json_object_get(full, "object");
				if (obj != NULL)
					watch_emit(w, type, obj, NULL);
				json_decref(full);
			} else if (type != NULL && strcmp(type, evs[i]->type) == 0)
				watch_emit(w, type, NULL, evs[i]->line);
			else if (type != NULL) {
				/* Same object, another event type. */
				line = strstr(evs[i]->line, ",\"object\":");
				if (line != NULL) {
					buf_str(&w->out, "{\"type\":\"");
					buf_str(&w->out, type);
					buf_str(&w->out, "\"");
					buf_str(&w->out, line);
					buf_add(&w->out, "\n", 1);
				}
			}
			w->since = evs[i]->rv;
		}
		if (n < 256) {
			w->since = sim_store_rv(w->c);
			return;
		}
	}
}

/* Produce watch output; blocks until something is ready. */
static long
watch_read(void *arg, char *dst, size_t max)
{
	struct watch	*w = arg;
	struct sim	*sim = w->c->sim;
	struct timespec	 ts;
	size_t		 n;
	double		 now;

	for (;;) {
		if (w->off < w->out.len) {
			n = w->out.len - w->off;
			if (n > max)
				n = max;
			memcpy(dst, w->out.p + w->off, n);
			w->off += n;
			if (w->off == w->out.len)
				w->off = w->out.len = 0;
			return (long)n;
		}
		if (w->ending)
			return -1;
		now = sim_wallclock();
		if (now >= w->deadline)
			return -1;
		sim_lock(sim);
		if (sim->stopping || w->c->reach != SIM_REACH_OK) {
			sim_unlock(sim);
			return -1;
		}
		watch_collect(w);
		if (w->out.len == 0 && !w->ending) {
			if (w->bookmarks && now >= w->next_bookmark) {
				watch_bookmark(w, 0);
				w->next_bookmark = now + 15;
			} else {
				clock_gettime(CLOCK_MONOTONIC, &ts);
				ts.tv_sec += 1;
				pthread_cond_timedwait(&sim->changed, &sim->lock, &ts);
				watch_collect(w);
			}
		}
		sim_unlock(sim);
	}
}

/* Free a watch. */
static void
watch_free(void *arg)
{
	struct watch	*w = arg;

	selector_free(&w->sel);
	free(w->ns);
	buf_free(&w->out);
	free(w);
}

/* WATCH: takes over sel. */
static void
api_watch(struct drill_req *req, struct drill_resp *resp, struct target *t,
    struct selector *sel)
{
	struct sim_cluster	*c = req->cluster;
	struct watch		*w;
	const char		*rvarg, *to, *sie;
	char			*end;
	uint64_t		 rv = 0;
	int			 initial, send_initial;
	double			 timeout = 1800;

	rvarg = req->arg(req, "resourceVersion");
	sie = req->arg(req, "sendInitialEvents");
	send_initial = arg_bool(req, "sendInitialEvents");
	if (send_initial && !arg_bool(req, "allowWatchBookmarks")) {
		drill_api_status(resp, 422, "Invalid", "sendInitialEvents: Forbidden: "
		    "sendInitialEvents requires setting allowWatchBookmarks to true", NULL, NULL);
		selector_free(sel);
		return;
	}
	initial = rvarg == NULL || *rvarg == '\0' || strcmp(rvarg, "0") == 0 || send_initial;
	if (sie != NULL && strcmp(sie, "false") == 0 && (rvarg == NULL || *rvarg == '\0'))
		initial = 0;
	if (rvarg != NULL && *rvarg != '\0') {
		rv = strtoull(rvarg, &end, 10);
		if (*end != '\0') {
			drill_api_status(resp, 400, "BadRequest", "invalid resource version",
			    NULL, NULL);
			selector_free(sel);
			return;
		}
	}
	to = req->arg(req, "timeoutSeconds");
	if (to != NULL && strtol(to, NULL, 10) > 0)
		timeout = (double)strtol(to, NULL, 10);
	w = xcalloc(1, sizeof *w);
	w->c = c;
	w->res = t->res;
	w->ns = t->ns != NULL ? xstrdup(t->ns) : NULL;
	w->sel = *sel;
	memset(sel, 0, sizeof *sel);
	w->table = wants_table(req->accept);
	w->bookmarks = arg_bool(req, "allowWatchBookmarks") && !w->table;
	w->deadline = sim_wallclock() + timeout;
	w->next_bookmark = sim_wallclock() + 15;

	sim_lock(c->sim);
	if (initial) {
		sim_obj_foreach_json(c, t->res, t->ns, NULL, NULL, watch_initial_cb, w);
		w->since = sim_store_rv(c);
		if (send_initial)
			watch_bookmark(w, 1);
	} else if (rv < sim_history_floor(c))
		watch_expired(w, rv);
	else
		w->since = rv;
	sim_unlock(c->sim);

	resp->status = 200;
	resp->content_type = "application/json";
	resp->stream = w;
	resp->stream_read = watch_read;
	resp->stream_free = watch_free;
}

/* The label selector string of a workload ("app=web,tier=x"), new. */
static char *
selector_string(json_t *obj)
{
	json_t		*ml;
	const char	*k;
	json_t		*v;
	struct buf	 b = { 0 };

	ml = json_object_get(json_object_get(json_object_get(obj, "spec"), "selector"),
	    "matchLabels");
	if (ml == NULL)
		ml = json_object_get(json_object_get(obj, "spec"), "selector");
	json_object_foreach(ml, k, v) {
		if (!json_is_string(v))
			continue;
		if (b.len > 0)
			buf_add(&b, ",", 1);
		buf_str(&b, k);
		buf_add(&b, "=", 1);
		buf_str(&b, json_string_value(v));
	}
	return buf_take(&b);
}

/* The autoscaling/v1 Scale of obj. */
static json_t *
scale_of(json_t *obj)
{
	json_t	*m = json_object_get(obj, "metadata"), *sm;
	char	*sel;
	json_t	*scale;

	sm = json_object();
	json_object_set(sm, "name", json_object_get(m, "name"));
	json_object_set(sm, "namespace", json_object_get(m, "namespace"));
	json_object_set(sm, "uid", json_object_get(m, "uid"));
	json_object_set(sm, "resourceVersion", json_object_get(m, "resourceVersion"));
	json_object_set(sm, "creationTimestamp", json_object_get(m, "creationTimestamp"));
	sel = selector_string(obj);
	scale = json_pack("{s:s,s:s,s:o,s:{s:I},s:{s:I,s:s}}", "kind", "Scale", "apiVersion",
	    "autoscaling/v1", "metadata", sm, "spec", "replicas",
	    json_integer_value(json_object_get(json_object_get(obj, "spec"), "replicas")),
	    "status", "replicas",
	    json_integer_value(json_object_get(json_object_get(obj, "status"), "replicas")),
	    "selector", sel);
	free(sel);
	return scale;
}

/* Does res have subresource sub? */
static int
has_sub(const struct kind *res, const char *sub)
{
	const char	*s = res->subresources;
	size_t		 n = strlen(sub);

	while (*s != '\0') {
		if (strncmp(s, sub, n) == 0 && (s[n] == ',' || s[n] == '\0'))
			return 1;
		s += strcspn(s, ",");
		if (*s == ',')
			s++;
	}
	return 0;
}

/* Answer "not found" for t. */
static void
not_found(struct drill_resp *resp, struct target *t)
{
	char	 q[160], *msg;

	sim_resource_qualified(t->res, q, sizeof q);
	msg = xasprintf("%s \"%s\" not found", q, t->name);
	api_error(resp, 404, "NotFound", msg, t->res, t->name);
	free(msg);
}

/* Does the namespace exist (or is res cluster-scoped)? Lock held. */
static int
namespace_ok(struct sim_cluster *c, const struct kind *res, const char *ns)
{
	if (!res->namespaced || ns == NULL)
		return 1;
	return sim_obj_get(c, kind_find_api("", "namespaces"), NULL, ns) != NULL;
}

/* Answer namespace not found. */
static void
ns_not_found(struct drill_resp *resp, const char *ns)
{
	char	*msg = xasprintf("namespaces \"%s\" not found", ns);

	resp_json(resp, 404, status_object(404, "NotFound", msg, "", "namespaces", ns));
	free(msg);
}

/* Answer obj (copied) with status code. */
static void
resp_object(struct drill_resp *resp, int code, json_t *obj)
{
	resp_json(resp, code, json_incref(obj));
}

/* Fill server-set fields on a dry-run object. */
static void
dry_run_fill(const struct kind *res, json_t *obj, const char *ns)
{
	json_t	*m;
	char	 ts[40], av[128];

	m = json_object_get(obj, "metadata");
	if (!json_is_object(m)) {
		m = json_object();
		json_object_set_new(obj, "metadata", m);
	}
	sim_resource_api_version(res, av, sizeof av);
	json_object_set_new(obj, "apiVersion", json_string(av));
	json_object_set_new(obj, "kind", json_string(res->kind));
	if (res->namespaced && json_object_get(m, "namespace") == NULL)
		json_object_set_new(m, "namespace", json_string(ns != NULL ? ns : "default"));
	if (json_object_get(m, "name") == NULL &&
	    json_is_string(json_object_get(m, "generateName"))) {
		char *n = xasprintf("%sdryrun", json_string_value(json_object_get(m,
		    "generateName")));

		json_object_set_new(m, "name", json_string(n));
		free(n);
	}
	sim_rfc3339((int64_t)sim_wallclock(), ts, sizeof ts);
	if (json_object_get(m, "creationTimestamp") == NULL)
		json_object_set_new(m, "creationTimestamp", json_string(ts));
	if (json_object_get(m, "uid") == NULL)
		json_object_set_new(m, "uid", json_string("00000000-0000-4000-8000-000000000000"));
	if (json_object_get(m, "generation") == NULL)
		json_object_set_new(m, "generation", json_integer(1));
}

/* Answer a SelfSubjectAccessReview. */
static void
api_ssar(struct drill_req *req, struct drill_resp *resp, json_t *body)
{
	json_t		*ra, *status;
	const char	*verb, *resource;
	int		 allowed;

	ra = json_object_get(json_object_get(body, "spec"), "resourceAttributes");
	verb = json_string_value(json_object_get(ra, "verb"));
	resource = json_string_value(json_object_get(ra, "resource"));
	if (ra == NULL && json_object_get(json_object_get(body, "spec"),
	    "nonResourceAttributes") != NULL) {
		verb = json_string_value(json_object_get(json_object_get(
		    json_object_get(body, "spec"), "nonResourceAttributes"), "verb"));
		resource = NULL;
	}
	allowed = verb != NULL && user_allowed(req->user, verb, resource);
	if (verb != NULL && strcmp(verb, "*") == 0)
		allowed = req->user == DRILL_USER_ADMIN;
	status = json_pack("{s:b}", "allowed", allowed);
	/* a real RBAC authorizer names what allowed it */
	if (allowed && req->user == DRILL_USER_ADMIN)
		json_object_set_new(status, "reason", json_string("RBAC: allowed by "
		    "ClusterRoleBinding \"cluster-admin\" of ClusterRole \"cluster-admin\" to "
		    "Group \"system:masters\""));
	else if (allowed)
		json_object_set_new(status, "reason", json_string("RBAC: allowed by "
		    "ClusterRoleBinding \"drill-viewers-view\" of ClusterRole \"view\" to "
		    "Group \"drill-viewers\""));
	json_object_set_new(body, "status", status);
	json_object_set_new(body, "apiVersion", json_string("authorization.k8s.io/v1"));
	json_object_set_new(body, "kind", json_string("SelfSubjectAccessReview"));
	if (!json_is_object(json_object_get(body, "metadata")))
		json_object_set_new(body, "metadata", json_object());
	resp_object(resp, 201, body);
}

/* Answer a SelfSubjectReview (`kubectl auth whoami`): the user the drill
 * authenticated, with the groups a real API server gives it (the admin
 * certificate's organisation, the viewers' group; every authenticated user
 * is in system:authenticated). */
static void
api_ssr(struct drill_req *req, struct drill_resp *resp, json_t *body)
{
	json_t *groups = json_array(), *ui;
	char *id = NULL;

	if (strcmp(req->user_name, "drill-admin") == 0) {
		json_array_append_new(groups, json_string("system:masters"));
		/* the x509 authenticator names the certificate */
		id = drill_cert_credential_id(req->creds->client_cert);
	} else if (req->user == DRILL_USER_VIEWER)
		json_array_append_new(groups, json_string("drill-viewers"));
	json_array_append_new(groups, json_string("system:authenticated"));
	ui = json_pack("{s:s,s:o}", "username", req->user_name, "groups", groups);
	if (id != NULL)
		json_object_set_new(ui, "extra", json_pack("{s:[s]}",
		    "authentication.kubernetes.io/credential-id", id));
	free(id);
	json_object_set_new(body, "status", json_pack("{s:o}", "userInfo", ui));
	json_object_set_new(body, "apiVersion", json_string("authentication.k8s.io/v1"));
	json_object_set_new(body, "kind", json_string("SelfSubjectReview"));
	json_object_del(body, "spec");
	if (!json_is_object(json_object_get(body, "metadata")))
		json_object_set_new(body, "metadata", json_object());
	resp_object(resp, 201, body);
}

/* Owned objects found while collecting garbage. */
struct dep_ctx {
	const char	*uid;
	char		**ns;
	char		**name;
	char		**uids;
	size_t		 n;
	size_t		 max;
};

/* Remember obj if it is owned by ctx->uid. */
static int
dep_cb(json_t *obj, void *arg)
{
	struct dep_ctx	*d = arg;
	json_t		*refs, *ref;
	size_t		 i;

	refs = json_object_get(json_object_get(obj, "metadata"), "ownerReferences");
	json_array_foreach(refs, i, ref) {
		if (strcmp(field_value(ref, "uid"), d->uid) == 0 && d->n < d->max) {
			d->ns[d->n] = xstrdup(field_value(obj, "metadata.namespace"));
			d->name[d->n] = xstrdup(field_value(obj, "metadata.name"));
			d->uids[d->n] = xstrdup(field_value(obj, "metadata.uid"));
			d->n++;
			break;
		}
	}
	return 0;
}

/* Delete objects owned by uid (background propagation). Lock held. */
static void
collect_dependents(struct sim_cluster *c, const char *uid, int depth)
{
	static const char *owned[][2] = { { "apps", "replicasets" }, { "", "pods" },
	    { "batch", "jobs" }, { "apps", "controllerrevisions" } };
	const struct kind		*res;
	struct dep_ctx			 d;
	char				*cause = NULL;
	size_t				 i, j;

	if (depth > 4)
		return;
	for (i = 0; i < sizeof owned / sizeof owned[0]; i++) {
		res = kind_find_api(owned[i][0], owned[i][1]);
		if (res == NULL)
			continue;
		memset(&d, 0, sizeof d);
		d.uid = uid;
		d.max = sim_obj_count(c, res, NULL);
		if (d.max == 0)
			continue;
		d.ns = xcalloc(d.max, sizeof *d.ns);
		d.name = xcalloc(d.max, sizeof *d.name);
		d.uids = xcalloc(d.max, sizeof *d.uids);
		sim_obj_foreach(c, res, NULL, dep_cb, &d);
		for (j = 0; j < d.n; j++) {
			if (strcmp(res->resource, "pods") == 0)
				sim_obj_delete_graceful(c, res, d.ns[j], d.name[j], 1,
				    sim_wallclock() + 1.0 / (c->sim->speed > 0 ?
				    c->sim->speed : 1), &cause);
			else {
				collect_dependents(c, d.uids[j], depth + 1);
				sim_obj_delete(c, res, d.ns[j], d.name[j], &cause);
			}
			free(cause);
			cause = NULL;
			free(d.ns[j]);
			free(d.name[j]);
			free(d.uids[j]);
		}
		free(d.ns);
		free(d.name);
		free(d.uids);
	}
}

/* Is this a dry run (dryRun=All)? Other values of a verb that takes the
 * option answer 422, naming the verb's options kind as a real API server
 * does; other verbs ignore it. */
static int
dry_run(struct drill_req *req, struct drill_resp *resp, const char *verb, int *bad)
{
	const char	*v = req->arg(req, "dryRun"), *kind;
	char		*detail;

	*bad = 0;
	if (v == NULL || *v == '\0')
		return 0;
	if (strcmp(v, "All") == 0)
		return 1;
	/* a DELETE with a body ignores its query (delete_dry_run()) */
	if (strcmp(verb, "delete") == 0 && req->body_len > 0)
		return 0;
	if (strcmp(verb, "create") == 0)
		kind = "CreateOptions";
	else if (strcmp(verb, "update") == 0)
		kind = "UpdateOptions";
	else if (strcmp(verb, "patch") == 0)
		kind = "PatchOptions";
	else if (strcmp(verb, "delete") == 0 || strcmp(verb, "deletecollection") == 0)
		kind = "DeleteOptions";
	else
		return 0;
	*bad = 1;
	detail = xasprintf("Unsupported value: [\"%s\"]: supported values: \"All\"", v);
	invalid_field(resp, "meta.k8s.io", kind, NULL, "dryRun", "FieldValueNotSupported",
	    detail);
	free(detail);
	return 0;
}

/* Does this DeleteOptions (NULL: none) ask for a dry run? */
static int
options_dry_run(json_t *opts)
{
	json_t	*v;
	size_t	 i;

	json_array_foreach(json_object_get(opts, "dryRun"), i, v) {
		if (json_is_string(v) && strcmp(json_string_value(v), "All") == 0)
			return 1;
	}
	return 0;
}

/* The dry run of a DELETE or an eviction, as a real API server decides it:
 * a DELETE with a body takes its options from the body alone (the query's
 * dryRun is then ignored); an eviction is a dry run when its query or its
 * deleteOptions say so. query_dry is dry_run()'s answer. */
static int
delete_dry_run(struct drill_req *req, const char *verb, const char *sub, int query_dry)
{
	json_t	*body, *opts;
	int	 dry;

	if (req->body_len == 0)
		return query_dry;
	body = json_loadb(req->body, req->body_len, 0, NULL);
	if (sub != NULL && strcmp(sub, "eviction") == 0) {
		opts = json_object_get(body, "deleteOptions");
		dry = query_dry || options_dry_run(opts);
	} else if (strcmp(verb, "delete") == 0 || strcmp(verb, "deletecollection") == 0)
		dry = options_dry_run(body);
	else
		dry = query_dry;
	json_decref(body);
	return dry;
}

/* The 409 Conflict message for t. */
static void
conflict(struct drill_resp *resp, struct target *t)
{
	char	 q[160], *msg;

	sim_resource_qualified(t->res, q, sizeof q);
	msg = xasprintf("Operation cannot be fulfilled on %s \"%s\": the object has been "
	    "modified; please apply your changes to the latest version and try again", q,
	    t->name);
	api_error(resp, 409, "Conflict", msg, t->res, t->name);
	free(msg);
}

/* Store newobj (stolen) as the new version of t; answer it. Lock held. */
static void
commit_object(struct drill_req *req, struct drill_resp *resp, struct target *t,
    json_t *old, json_t *newobj, int dry)
{
	json_t		*out;
	char		*cause = NULL;
	const char	*rv, *orv;
	int		 rc;

	json_object_set_new(json_object_get(newobj, "metadata"), "name",
	    json_string(t->name));
	if (t->res->namespaced)
		json_object_set(json_object_get(newobj, "metadata"), "namespace",
		    json_object_get(json_object_get(old, "metadata"), "namespace"));
	if (dry) {
		rv = field_value(newobj, "metadata.resourceVersion");
		orv = field_value(old, "metadata.resourceVersion");
		if (*rv != '\0' && strcmp(rv, orv) != 0) {
			json_decref(newobj);
			conflict(resp, t);
			return;
		}
		resp_json(resp, 200, newobj);
		return;
	}
	rc = sim_obj_replace(req->cluster, t->res, newobj, &out, &cause);
	if (rc != 0) {
		if (rc == 409) {
			free(cause);
			conflict(resp, t);
		} else
			store_error(resp, rc, cause, t->res, t->name, 0);
		return;
	}
	resp_object(resp, 200, out);
}

/* Does the object's name and namespace agree with the URL? Answers 400. */
static int
check_identity(struct drill_resp *resp, struct target *t, json_t *body)
{
	const char	*name, *ns;
	char		*msg;

	name = field_value(body, "metadata.name");
	if (t->name != NULL && *name != '\0' && strcmp(name, t->name) != 0) {
		msg = xasprintf("the name of the object (%s) does not match the name on the "
		    "URL (%s)", name, t->name);
		drill_api_status(resp, 400, "BadRequest", msg, NULL, NULL);
		free(msg);
		return 0;
	}
	ns = field_value(body, "metadata.namespace");
	if (t->res->namespaced && t->ns != NULL && *ns != '\0' && strcmp(ns, t->ns) != 0) {
		drill_api_status(resp, 400, "BadRequest", "the namespace of the provided "
		    "object does not match the namespace sent on the request", NULL, NULL);
		return 0;
	}
	return 1;
}

/* A write to the main resource of a kind with a status subresource keeps
 * the stored status (clients change status only through /status). */
static void
keep_status(const struct kind *res, json_t *old, json_t *newobj)
{
	if (!has_sub(res, "status"))
		return;
	if (json_object_get(old, "status") != NULL)
		json_object_set(newobj, "status", json_object_get(old, "status"));
	else
		json_object_del(newobj, "status");
}

/* PUT on the object or its status. Lock held. */
static void
api_update(struct drill_req *req, struct drill_resp *resp, struct target *t, json_t *old,
    json_t *body, int dry)
{
	json_t	*newobj;

	if (!check_identity(resp, t, body)) {
		json_decref(body);
		return;
	}
	if (t->sub != NULL && strcmp(t->sub, "status") == 0) {
		newobj = json_deep_copy(old);
		json_object_set(newobj, "status", json_object_get(body, "status"));
		json_object_set(json_object_get(newobj, "metadata"), "resourceVersion",
		    json_object_get(json_object_get(body, "metadata"), "resourceVersion"));
		json_decref(body);
	} else {
		newobj = body;
		if (!json_is_object(json_object_get(newobj, "metadata")))
			json_object_set_new(newobj, "metadata", json_object());
		keep_status(t->res, old, newobj);
		drill_defaults(t->res, newobj);
	}
	commit_object(req, resp, t, old, newobj, dry);
}

/* A drill_patch() failure (cause freed): a patch that cannot be decoded
 * (400) or of an unknown type (415) gets a Status without details, as from a
 * real API server; a patch that does not apply names the object. */
static void
patch_error(struct drill_resp *resp, int rc, char *cause, struct target *t)
{
	if (rc == 400 || rc == 415)
		drill_api_status(resp, rc, code_reason(rc), cause, NULL, NULL);
	else
		api_error(resp, rc, code_reason(rc), cause, t->res, t->name);
	free(cause);
}

/* The ephemeral containers of patched against old's: each named, with an
 * image, no name twice nor a regular container's, none removed. 0, or -1
 * with a 422 in resp. Lock held. */
static int
ephemeral_check(struct drill_resp *resp, struct target *t, json_t *old, json_t *patched)
{
	json_t		*now = json_object_get(json_object_get(patched, "spec"),
			    "ephemeralContainers");
	json_t		*was = json_object_get(json_object_get(old, "spec"), "ephemeralContainers");
	json_t		*c, *d;
	const char	*why = NULL;
	size_t		 i, j;

	if (!json_is_array(now) || json_array_size(now) < json_array_size(was) ||
	    json_array_size(now) > 64)
		why = "ephemeral containers may only be added";
	json_array_foreach(now, i, c) {
		if (why != NULL)
			break;
		if (*field_value(c, "name") == '\0' || *field_value(c, "image") == '\0')
			why = "an ephemeral container needs a name and an image";
		json_array_foreach(now, j, d) {
			if (j < i && strcmp(field_value(c, "name"), field_value(d, "name")) == 0)
				why = "ephemeral container names must be unique";
		}
		json_array_foreach(json_object_get(json_object_get(old, "spec"), "containers"),
		    j, d) {
			if (strcmp(field_value(c, "name"), field_value(d, "name")) == 0)
				why = "an ephemeral container's name is a container's";
		}
	}
	json_array_foreach(was, i, c) {
		if (why == NULL && strcmp(field_value(c, "name"),
		    field_value(json_array_get(now, i), "name")) != 0)
			why = "ephemeral containers may only be added";
	}
	if (why == NULL)
		return 0;
	invalid_field(resp, "", t->res->kind, t->name, "spec.ephemeralContainers",
	    "FieldValueForbidden", why);
	return -1;
}

/* PATCH on the object or its status. Lock held. */
static void
api_patch(struct drill_req *req, struct drill_resp *resp, struct target *t, json_t *old,
    int dry)
{
	json_t	*patched, *newobj;
	char	*cause = NULL;
	int	 rc;

	rc = drill_patch(req->content_type, old, req->body, req->body_len, &patched, &cause);
	if (rc != 0) {
		patch_error(resp, rc, cause, t);
		return;
	}
	if (!json_is_object(json_object_get(patched, "metadata")))
		json_object_set_new(patched, "metadata", json_object());
	drill_defaults(t->res, patched);
	if (t->sub != NULL && strcmp(t->sub, "status") == 0) {
		newobj = json_deep_copy(old);
		json_object_set(newobj, "status", json_object_get(patched, "status"));
		json_decref(patched);
	} else if (t->sub != NULL && strcmp(t->sub, "ephemeralcontainers") == 0) {
		/* only the debug containers change, and only by being added */
		if (ephemeral_check(resp, t, old, patched) != 0) {
			json_decref(patched);
			return;
		}
		newobj = json_deep_copy(old);
		json_object_set(json_object_get(newobj, "spec"), "ephemeralContainers",
		    json_object_get(json_object_get(patched, "spec"), "ephemeralContainers"));
		json_decref(patched);
	} else {
		newobj = patched;
		json_object_set(json_object_get(newobj, "metadata"), "uid",
		    json_object_get(json_object_get(old, "metadata"), "uid"));
		keep_status(t->res, old, newobj);
	}
	commit_object(req, resp, t, old, newobj, dry);
}

/* GET, PUT or PATCH on the scale subresource. Lock held. */
static void
api_scale(struct drill_req *req, struct drill_resp *resp, struct target *t, json_t *old,
    int dry)
{
	json_t		*scale, *in = NULL, *newobj, *out, *g;
	const char	*rv;
	char		*cause = NULL, *msg;
	json_int_t	 replicas;
	int		 rc;

	scale = scale_of(old);
	if (strcmp(req->method, "GET") == 0) {
		resp_json(resp, 200, scale);
		return;
	}
	if (strcmp(req->method, "PUT") == 0) {
		in = body_object(req, resp);
		if (in == NULL)
			goto out;
	} else {
		rc = drill_patch(req->content_type, scale, req->body, req->body_len, &in,
		    &cause);
		if (rc != 0) {
			patch_error(resp, rc, cause, t);
			goto out;
		}
	}
	rv = field_value(in, "metadata.resourceVersion");
	if (*rv != '\0' && strcmp(rv, field_value(old, "metadata.resourceVersion")) != 0) {
		conflict(resp, t);
		goto out;
	}
	if (!json_is_integer(json_object_get(json_object_get(in, "spec"), "replicas")) ||
	    json_integer_value(json_object_get(json_object_get(in, "spec"), "replicas")) < 0) {
		g = json_object_get(json_object_get(in, "spec"), "replicas");
		msg = json_is_integer(g) ? xasprintf("Invalid value: %lld: must be greater "
		    "than or equal to 0", (long long)json_integer_value(g)) :
		    xstrdup("Invalid value: null: must be greater than or equal to 0");
		invalid_field(resp, "autoscaling", "Scale", t->name, "spec.replicas",
		    "FieldValueInvalid", msg);
		free(msg);
		goto out;
	}
	replicas = json_integer_value(json_object_get(json_object_get(in, "spec"), "replicas"));
	newobj = json_deep_copy(old);
	if (!json_is_object(json_object_get(newobj, "spec")))
		json_object_set_new(newobj, "spec", json_object());
	json_object_set_new(json_object_get(newobj, "spec"), "replicas",
	    json_integer(replicas));
	if (dry) {
		json_decref(scale);
		scale = scale_of(newobj);
		json_decref(newobj);
		resp_json(resp, 200, scale);
		scale = NULL;
		goto out;
	}
	rc = sim_obj_replace(req->cluster, t->res, newobj, &out, &cause);
	if (rc != 0) {
		store_error(resp, rc, cause, t->res, t->name, 0);
		goto out;
	}
	resp_json(resp, 200, scale_of(out));
out:
	json_decref(in);
	json_decref(scale);
}

/* Status Success for a deletion. */
static void
delete_success(struct drill_resp *resp, struct target *t, const char *uid)
{
	json_t	*st;

	st = json_pack("{s:s,s:s,s:{},s:s,s:{s:s,s:s,s:s}}", "kind", "Status", "apiVersion",
	    "v1", "metadata", "status", "Success", "details", "name", t->name, "kind",
	    t->res->resource, "uid", uid);
	if (*t->res->group != '\0')
		json_object_set_new(json_object_get(st, "details"), "group",
		    json_string(t->res->group));
	resp_json(resp, 200, st);
}

/* Status Success for an eviction: the create handler's Status, code 201. */
static void
eviction_success(struct drill_resp *resp)
{
	resp_json(resp, 201, json_pack("{s:s,s:s,s:{},s:s,s:i}", "kind", "Status",
	    "apiVersion", "v1", "metadata", "status", "Success", "code", 201));
}

/* DELETE (and pod eviction). Lock held. */
static void
api_delete(struct drill_req *req, struct drill_resp *resp, struct target *t, json_t *old,
    int dry, int eviction)
{
	struct sim_cluster	*c = req->cluster;
	json_t			*opts = NULL, *pre, *g;
	const char		*q, *policy, *puid;
	char			*uid, *cause = NULL, *msg, qn[160];
	long long		 grace = -1;
	double			 speed = c->sim->speed > 0 ? c->sim->speed : 1;
	int			 rc;

	if (req->body_len > 0) {
		opts = json_loadb(req->body, req->body_len, 0, NULL);
		if (!json_is_object(opts)) {
			json_decref(opts);
			drill_api_status(resp, 400, "BadRequest", "the body of the request is "
			    "not a DeleteOptions object", NULL, NULL);
			return;
		}
		if (eviction) {
			json_t *d = json_object_get(opts, "deleteOptions");

			json_incref(d);
			json_decref(opts);
			opts = d;
		}
	}
	g = json_object_get(opts, "gracePeriodSeconds");
	if (json_is_integer(g))
		grace = json_integer_value(g);
	policy = json_string_value(json_object_get(opts, "propagationPolicy"));
	/* the query's options count only when there is no body (a real API
	 * server then ignores the query) and never for an eviction */
	if (req->body_len == 0 && !eviction) {
		q = req->arg(req, "gracePeriodSeconds");
		if (q != NULL && *q != '\0')
			grace = strtoll(q, NULL, 10);
		q = req->arg(req, "propagationPolicy");
		if (q != NULL)
			policy = q;
	}
	pre = json_object_get(opts, "preconditions");
	puid = json_string_value(json_object_get(pre, "uid"));
	uid = xstrdup(field_value(old, "metadata.uid"));
	if (puid != NULL && strcmp(puid, uid) != 0) {
		sim_resource_qualified(t->res, qn, sizeof qn);
		msg = xasprintf("Operation cannot be fulfilled on %s \"%s\": Precondition "
		    "failed: UID in precondition: %s, UID in object meta: %s", qn, t->name,
		    puid, uid);
		api_error(resp, 409, "Conflict", msg, t->res, t->name);
		free(msg);
		goto out;
	}
	puid = json_string_value(json_object_get(pre, "resourceVersion"));
	if (puid != NULL && strcmp(puid, field_value(old, "metadata.resourceVersion")) != 0) {
		sim_resource_qualified(t->res, qn, sizeof qn);
		msg = xasprintf("Operation cannot be fulfilled on %s \"%s\": Precondition "
		    "failed: ResourceVersion in precondition: %s, ResourceVersion in object "
		    "meta: %s", qn, t->name, puid, field_value(old, "metadata.resourceVersion"));
		api_error(resp, 409, "Conflict", msg, t->res, t->name);
		free(msg);
		goto out;
	}
	if (dry) {
		if (eviction)
			eviction_success(resp);
		else if (strcmp(t->res->resource, "pods") == 0)
			resp_object(resp, 200, old);
		else
			delete_success(resp, t, uid);
		goto out;
	}
	if (strcmp(t->res->resource, "pods") == 0) {
		if (grace < 0) {
			g = json_object_get(json_object_get(old, "spec"),
			    "terminationGracePeriodSeconds");
			grace = json_is_integer(g) ? json_integer_value(g) : 30;
		}
		if (grace > 0 && json_object_get(json_object_get(old, "spec"), "nodeName") !=
		    NULL) {
			double wait = grace < 2 ? (double)grace : 2.0;

			rc = sim_obj_delete_graceful(c, t->res, t->ns, t->name, grace,
			    sim_wallclock() + wait / speed, &cause);
			if (rc != 0) {
				store_error(resp, rc, cause, t->res, t->name, 0);
				goto out;
			}
			if (eviction)
				eviction_success(resp);
			else
				resp_object(resp, 200, sim_obj_get(c, t->res, t->ns, t->name));
			goto out;
		}
	}
	if (policy == NULL || strcmp(policy, "Orphan") != 0)
		collect_dependents(c, uid, 0);
	rc = sim_obj_delete(c, t->res, t->ns, t->name, &cause);
	if (rc != 0) {
		store_error(resp, rc, cause, t->res, t->name, 0);
		goto out;
	}
	if (eviction)
		eviction_success(resp);
	else
		delete_success(resp, t, uid);
out:
	free(uid);
	json_decref(opts);
}

/* The PodDisruptionBudgets covering one pod. */
struct evict_pdbs {
	json_t	*pod;
	json_t	*pdb;		/* the first (borrowed) */
	size_t	 n;
};

/* Count pdb if it selects the pod. */
static int
evict_pdb_cb(json_t *pdb, void *arg)
{
	struct evict_pdbs *e = arg;

	if (!pdb_selects(pdb, e->pod))
		return 0;
	if (e->n++ == 0)
		e->pdb = pdb;
	return 0;
}

/* The 429 (or 403) of a PDB refusing an eviction, as checkAndDecrement
 * builds it. */
static void
evict_refused(struct drill_resp *resp, json_t *pdb, enum pdb_refusal r, char *cause)
{
	const char	*name = json_path_str_or(pdb, "metadata.name", "?");
	json_t		*st, *details;
	char		*msg;

	if (r == PDB_NEGATIVE) {
		msg = xasprintf("poddisruptionbudget.policy \"%s\" is forbidden: %s", name,
		    cause);
		resp_json(resp, 403, status_object(403, "Forbidden", msg, "policy",
		    "poddisruptionbudget", name));
		free(msg);
		return;
	}
	st = status_object(429, "TooManyRequests", "Cannot evict pod as it would violate the "
	    "pod's disruption budget.", NULL, NULL, NULL);
	details = json_pack("{s:[{s:s,s:s}]}", "causes", "reason", "DisruptionBudget",
	    "message", cause);
	if (r == PDB_UNOBSERVED) {
		/* errors.NewTooManyRequests(..., 10): a Retry-After hint. */
		json_object_set_new(details, "retryAfterSeconds", json_integer(10));
		resp->retry_after = xstrdup("10");
	}
	json_object_set_new(st, "details", details);
	resp_json(resp, 429, st);
}

/* Take one disruption from pdb for the pod being evicted (upstream
 * checkAndDecrement after its checks): at once, so that two evictions
 * cannot both pass on the last disruption. */
static void
evict_decrement(struct sim_cluster *c, json_t *pdb, const char *pod)
{
	json_t	*st = json_object_get(pdb, "status"), *dp;
	char	 ts[40];

	json_object_set_new(st, "disruptionsAllowed",
	    json_integer(json_integer_value(json_object_get(st, "disruptionsAllowed")) - 1));
	if (json_integer_value(json_object_get(st, "disruptionsAllowed")) == 0)
		ctl_pdb_condition(st);
	dp = json_object_get(st, "disruptedPods");
	if (!json_is_object(dp)) {
		dp = json_object();
		json_object_set_new(st, "disruptedPods", dp);
	}
	sim_rfc3339((int64_t)sim_wallclock(), ts, sizeof ts);
	json_object_set_new(dp, pod, json_string(ts));
	sim_obj_modified(c, kind_find_api("policy", "poddisruptionbudgets"), pdb, false);
}

/* POST pods/NAME/eviction, as upstream's EvictionREST.Create: pods that are
 * pending, finished or already deleting go at once; otherwise the one PDB
 * covering the pod must allow a disruption (more than one PDB: 500), unless
 * the pod is unready and the budget's unhealthy-pod policy lets it go.
 * dryRun checks everything and changes nothing. Lock held. */
static void
api_evict(struct drill_req *req, struct drill_resp *resp, struct target *t, json_t *pod,
    int dry)
{
	struct evict_pdbs	 e = { pod, NULL, 0 };
	enum pdb_refusal	 r;
	char			*cause = NULL;

	if (pdb_pod_exempt(pod))
		goto evict;
	sim_obj_foreach(req->cluster, kind_find_api("policy", "poddisruptionbudgets"),
	    t->ns, evict_pdb_cb, &e);
	if (e.n > 1) {
		resp_json(resp, 500, json_pack("{s:s,s:s,s:{},s:s,s:s,s:i}", "kind", "Status",
		    "apiVersion", "v1", "metadata", "status", "Failure", "message", "This pod "
		    "has more than one PodDisruptionBudget, which the eviction subresource "
		    "does not support.", "code", 500));
		return;
	}
	if (e.n == 0 || pdb_unhealthy_exempt(e.pdb, pod))
		goto evict;
	r = pdb_check(e.pdb, &cause);
	if (r != PDB_ALLOWS) {
		evict_refused(resp, e.pdb, r, cause);
		free(cause);
		return;
	}
	if (!dry)
		evict_decrement(req->cluster, e.pdb, t->name);
evict:
	api_delete(req, resp, t, pod, dry, 1);
}

/* Names of the objects a collection deletion selects. */
struct coll_ctx {
	struct selector	*sel;
	char		**ns;
	char		**name;
	size_t		 n;
	size_t		 max;
};

/* Remember obj if the selector matches. */
static int
coll_cb(json_t *obj, void *arg)
{
	struct coll_ctx	*cc = arg;

	if (cc->n < cc->max && selector_match(cc->sel, obj)) {
		cc->ns[cc->n] = xstrdup(field_value(obj, "metadata.namespace"));
		cc->name[cc->n] = xstrdup(field_value(obj, "metadata.name"));
		cc->n++;
	}
	return 0;
}

/* DELETE on a collection: each selected object as a DELETE would. Lock held. */
static void
api_delete_collection(struct drill_req *req, struct drill_resp *resp, struct target *t,
    struct selector *sel, int dry)
{
	struct coll_ctx	 cc;
	struct target	 one;
	struct drill_resp r1;
	json_t		*obj;
	size_t		 i;

	memset(&cc, 0, sizeof cc);
	cc.sel = sel;
	cc.max = sim_obj_count(req->cluster, t->res, t->ns);
	cc.ns = xcalloc(cc.max + 1, sizeof *cc.ns);
	cc.name = xcalloc(cc.max + 1, sizeof *cc.name);
	sim_obj_foreach(req->cluster, t->res, t->ns, coll_cb, &cc);
	for (i = 0; i < cc.n; i++) {
		obj = sim_obj_get(req->cluster, t->res, cc.ns[i], cc.name[i]);
		if (obj != NULL) {
			memset(&one, 0, sizeof one);
			memset(&r1, 0, sizeof r1);
			one.res = t->res;
			one.ns = cc.ns[i];
			one.name = cc.name[i];
			one.verb = "delete";
			api_delete(req, &r1, &one, obj, dry, 0);
			free(r1.body);
		}
		free(cc.ns[i]);
		free(cc.name[i]);
	}
	free(cc.ns);
	free(cc.name);
	resp_json(resp, 200, json_pack("{s:s,s:s,s:{},s:s}", "kind", "Status", "apiVersion",
	    "v1", "metadata", "status", "Success"));
}

/* POST on a collection. Lock held. */
static void
api_create(struct drill_req *req, struct drill_resp *resp, struct target *t, json_t *body,
    int dry)
{
	struct sim_cluster	*c = req->cluster;
	json_t			*out;
	const char		*kind, *name;
	char			*cause = NULL, *msg, *created;
	int			 rc;

	kind = json_string_value(json_object_get(body, "kind"));
	if (kind != NULL && strcmp(kind, t->res->kind) != 0) {
		msg = xasprintf("the API version in the data (%s) does not match the expected "
		    "kind %s: got kind %s", field_value(body, "apiVersion"), t->res->kind, kind);
		drill_api_status(resp, 400, "BadRequest", msg, NULL, NULL);
		free(msg);
		json_decref(body);
		return;
	}
	if (!check_identity(resp, t, body)) {
		json_decref(body);
		return;
	}
	if (!namespace_ok(c, t->res, t->ns)) {
		ns_not_found(resp, t->ns);
		json_decref(body);
		return;
	}
	drill_defaults(t->res, body);
	name = field_value(body, "metadata.name");
	if (*name != '\0' && !check_name(resp, t->res, name)) {
		json_decref(body);
		return;
	}
	if (dry) {
		if (*name != '\0' && sim_obj_get(c, t->res, t->ns, name) != NULL) {
			char q[160];

			sim_resource_qualified(t->res, q, sizeof q);
			msg = xasprintf("%s \"%s\" already exists", q, name);
			api_error(resp, 409, "AlreadyExists", msg, t->res, name);
			free(msg);
			json_decref(body);
			return;
		}
		dry_run_fill(t->res, body, t->ns);
		resp_json(resp, 201, body);
		return;
	}
	/* the store takes body: keep the name for an error's details */
	created = xstrdup(field_value(body, "metadata.name"));
	rc = sim_obj_create(c, t->res, t->ns, body, &out, &cause);
	if (rc != 0)
		store_error(resp, rc, cause, t->res, created, 1);
	else
		resp_object(resp, 201, out);
	free(created);
}

/* A streamed log (follow). */
struct logstream {
	struct sim_cluster	*c;
	char			*ns;
	char			*name;
	char			*uid;
	char			*container;
	size_t			 next;
	int			 timestamps;
	struct buf		 out;
	size_t			 off;
};

/* Prefix each line of text with a timestamp if asked; append to b. */
static void
log_append(struct buf *b, const char *text, int timestamps)
{
	const char	*p = text, *nl;
	char		 ts[64];
	struct timespec	 now;
	struct tm	 tm;

	if (!timestamps) {
		buf_str(b, text);
		return;
	}
	clock_gettime(CLOCK_REALTIME, &now);
	gmtime_r(&now.tv_sec, &tm);
	strftime(ts, sizeof ts, "%Y-%m-%dT%H:%M:%S", &tm);
	while (*p != '\0') {
		nl = strchr(p, '\n');
		buf_str(b, ts);
		{
			char frac[32];

			snprintf(frac, sizeof frac, ".%09ldZ ", now.tv_nsec);
			buf_str(b, frac);
		}
		buf_add(b, p, nl != NULL ? (size_t)(nl - p + 1) : strlen(p));
		if (nl == NULL)
			break;
		p = nl + 1;
	}
}

/* Produce more of a followed log. */
static long
log_read(void *arg, char *dst, size_t max)
{
	struct logstream	*ls = arg;
	struct sim		*sim = ls->c->sim;
	const struct kind *pods = kind_find_api("", "pods");
	struct timespec		 ts;
	json_t			*pod;
	char			*text;
	size_t			 n;
	int			 gone;

	for (;;) {
		if (ls->off < ls->out.len) {
			n = ls->out.len - ls->off;
			if (n > max)
				n = max;
			memcpy(dst, ls->out.p + ls->off, n);
			ls->off += n;
			if (ls->off == ls->out.len)
				ls->off = ls->out.len = 0;
			return (long)n;
		}
		sim_lock(sim);
		if (sim->stopping || ls->c->reach != SIM_REACH_OK) {
			sim_unlock(sim);
			return -1;
		}
		pod = sim_obj_get(ls->c, pods, ls->ns, ls->name);
		gone = pod == NULL || strcmp(field_value(pod, "metadata.uid"), ls->uid) != 0;
		if (!gone) {
			text = sim_pod_log(ls->c, pod, ls->container, false, ls->next, &ls->next);
			if (text != NULL)
				log_append(&ls->out, text, ls->timestamps);
			free(text);
		}
		if (!gone && ls->out.len == 0) {
			clock_gettime(CLOCK_MONOTONIC, &ts);
			ts.tv_nsec += 500 * 1000 * 1000;
			if (ts.tv_nsec >= 1000000000) {
				ts.tv_sec++;
				ts.tv_nsec -= 1000000000;
			}
			pthread_cond_timedwait(&sim->changed, &sim->lock, &ts);
		}
		sim_unlock(sim);
		if (gone && ls->out.len == 0)
			return -1;
	}
}

/* Free a log stream. */
static void
log_free(void *arg)
{
	struct logstream	*ls = arg;

	free(ls->ns);
	free(ls->name);
	free(ls->uid);
	free(ls->container);
	buf_free(&ls->out);
	free(ls);
}

/* The container a pods/log, exec or attach request names (borrowed from
 * pod): the only one when none is named, "" when the pod has none. NULL
 * with a 400 in resp when the name is missing or wrong. Lock held. */
static const char *
pod_container(struct drill_req *req, struct drill_resp *resp, struct target *t, json_t *pod)
{
	json_t		*containers, *ctr;
	const char	*container;
	char		*msg;
	struct buf	 names = { 0 };
	size_t		 i;
	int		 found = 0;

	containers = json_object_get(json_object_get(pod, "spec"), "containers");
	container = req->arg(req, "container");
	json_array_foreach(containers, i, ctr) {
		if (names.len > 0)
			buf_add(&names, " ", 1);
		buf_str(&names, field_value(ctr, "name"));
		if (container != NULL && strcmp(container, field_value(ctr, "name")) == 0) {
			found = 1;
			container = field_value(ctr, "name");
		}
	}
	/* a debug container added later (kubectl debug) answers too */
	json_array_foreach(json_object_get(json_object_get(pod, "spec"), "ephemeralContainers"), i,
	    ctr) {
		if (container != NULL && !found &&
		    strcmp(container, field_value(ctr, "name")) == 0) {
			found = 1;
			container = field_value(ctr, "name");
		}
	}
	if (container == NULL || *container == '\0') {
		if (json_array_size(containers) > 1) {
			msg = xasprintf("a container name must be specified for pod %s, choose "
			    "one of: [%s]", t->name, names.p != NULL ? names.p : "");
			drill_api_status(resp, 400, "BadRequest", msg, NULL, NULL);
			free(msg);
			buf_free(&names);
			return NULL;
		}
		container = json_array_size(containers) == 1 ?
		    field_value(json_array_get(containers, 0), "name") : "";
	} else if (!found) {
		msg = xasprintf("container %s is not valid for pod %s", container, t->name);
		drill_api_status(resp, 400, "BadRequest", msg, NULL, NULL);
		free(msg);
		buf_free(&names);
		return NULL;
	}
	buf_free(&names);
	return container;
}

/* GET pods/NAME/log. Lock held. */
static void
api_log(struct drill_req *req, struct drill_resp *resp, struct target *t, json_t *pod)
{
	const char	*container, *tail;
	char		*text;
	struct buf	 b = { 0 };
	struct logstream *ls;
	size_t		 i, next = 0, nl;
	long		 tail_n = -1;
	const char	*p;

	container = pod_container(req, resp, t, pod);
	if (container == NULL)
		return;
	if (*container == '\0')
		container = NULL;
	text = sim_pod_log(req->cluster, pod, container, arg_bool(req, "previous"), 0, &next);
	if (text == NULL)
		text = xstrdup("");
	tail = req->arg(req, "tailLines");
	if (tail != NULL && *tail != '\0')
		tail_n = strtol(tail, NULL, 10);
	p = text;
	if (tail_n >= 0) {
		nl = 0;
		for (i = strlen(text); i > 0; i--) {
			if (text[i - 1] == '\n' && i != strlen(text)) {
				if (++nl == (size_t)tail_n) {
					p = text + i;
					break;
				}
			}
		}
		if (tail_n == 0)
			p = text + strlen(text);
	}
	log_append(&b, p, arg_bool(req, "timestamps"));
	free(text);
	if (!arg_bool(req, "follow") || arg_bool(req, "previous")) {
		resp_buf(resp, 200, &b, "text/plain");
		return;
	}
	ls = xcalloc(1, sizeof *ls);
	ls->c = req->cluster;
	ls->ns = xstrdup(t->ns != NULL ? t->ns : "");
	ls->name = xstrdup(t->name);
	ls->uid = xstrdup(field_value(pod, "metadata.uid"));
	ls->container = container != NULL ? xstrdup(container) : NULL;
	ls->next = next;
	ls->timestamps = arg_bool(req, "timestamps");
	ls->out = b;
	resp->status = 200;
	resp->content_type = "text/plain";
	resp->stream = ls;
	resp->stream_read = log_read;
	resp->stream_free = log_free;
}

/* Answer 101 to a WebSocket upgrade offering one of protocols: resp takes
 * ex, its protocol set; 0. Otherwise 400 naming what is served, ex freed;
 * -1. */
static int
ws_upgrade(struct drill_req *req, struct drill_resp *resp, struct drill_exec *ex,
    const char *const *protocols, const char *served)
{
	const char	*proto = drill_ws_protocol(req->ws_protocol, protocols);
	char		*msg;

	if (req->upgrade == NULL || strcasecmp(req->upgrade, "websocket") != 0 ||
	    req->ws_key == NULL || proto == NULL) {
		msg = xasprintf("Upgrade request required (the drill serves %s only)", served);
		drill_api_status(resp, 400, "BadRequest", msg, NULL, NULL);
		free(msg);
		drill_exec_free(ex);
		return -1;
	}
	resp->ws_accept = drill_ws_accept(req->ws_key);
	if (resp->ws_accept == NULL) {
		drill_api_status(resp, 500, "InternalError", "cannot hash the key", NULL, NULL);
		drill_exec_free(ex);
		return -1;
	}
	ex->protocol = proto;
	resp->status = 101;
	resp->exec = ex;
	return 0;
}

/* GET or POST pods/NAME/exec or attach: validate, then answer 101 with
 * the session for server.c to run. Only WebSocket upgrades are served (no
 * SPDY). Lock held. */
static void
api_exec(struct drill_req *req, struct drill_resp *resp, struct target *t, json_t *pod,
    int attach)
{
	const char		*container, *cmd[64];
	struct drill_exec	*ex;
	json_t			*ctr = NULL, *e;
	size_t			 i, n = 0;
	char			*msg;

	container = pod_container(req, resp, t, pod);
	if (container == NULL)
		return;
	if (!attach) {
		n = req->arg_all(req, "command", cmd, sizeof cmd / sizeof cmd[0]);
		if (n == 0) {
			drill_api_status(resp, 400, "BadRequest", "you must specify at least 1 "
			    "command", NULL, NULL);
			return;
		}
	}
	if (!arg_bool(req, "stdin") && !arg_bool(req, "stdout") && !arg_bool(req, "stderr")) {
		drill_api_status(resp, 400, "BadRequest", "you must specify at least 1 of "
		    "stdin, stdout, stderr", NULL, NULL);
		return;
	}
	if (*container == '\0' || strcmp(field_value(pod, "status.phase"), "Running") != 0) {
		msg = xasprintf("unable to upgrade connection: container not found (\"%s\")",
		    container);
		drill_api_status(resp, 400, "BadRequest", msg, NULL, NULL);
		free(msg);
		return;
	}
	ex = xcalloc(1, sizeof *ex);
	ex->attach = attach;
	ex->argc = n;
	ex->argv = xcalloc(n + 1, sizeof *ex->argv);
	for (i = 0; i < n; i++)
		ex->argv[i] = xstrdup(cmd[i]);
	json_array_foreach(json_object_get(json_object_get(pod, "spec"), "containers"), i, e) {
		if (strcmp(field_value(e, "name"), container) == 0)
			ctr = e;
	}
	json_array_foreach(json_object_get(ctr, "env"), i, e) {
		if (!json_is_string(json_object_get(e, "value")) || ex->nenv >= 256)
			continue;
		ex->env = xreallocarray(ex->env, ex->nenv + 1, sizeof *ex->env);
		ex->env[ex->nenv++] = xasprintf("%s=%s", field_value(e, "name"),
		    field_value(e, "value"));
	}
	ex->hostname = xstrdup(*field_value(pod, "spec.hostname") != '\0' ?
	    field_value(pod, "spec.hostname") : t->name);
	ex->ns = xstrdup(t->ns != NULL ? t->ns : "default");
	ex->ip = xstrdup(field_value(pod, "status.podIP"));
	ex->tty = arg_bool(req, "tty");
	ex->in = arg_bool(req, "stdin");
	ex->out = arg_bool(req, "stdout");
	ex->err = arg_bool(req, "stderr");
	if (ws_upgrade(req, resp, ex, drill_exec_protocols, "WebSocket v5.channel.k8s.io and "
	    "v4.channel.k8s.io") == 0)
		ex->v5 = strcmp(ex->protocol, "v5.channel.k8s.io") == 0;
}

/* GET or POST pods/NAME/portforward: SPDY/3.1, upgraded directly or
 * tunnelled through WebSocket (what kubectl 1.31+ asks first); the session
 * is the pod's containerPorts answering HTTP. Lock held. */
static void
api_portforward(struct drill_req *req, struct drill_resp *resp, struct target *t, json_t *pod)
{
	struct drill_exec	*ex;
	json_t			*c, *port;
	size_t			 i, j;

	if (strcmp(field_value(pod, "status.phase"), "Running") != 0) {
		drill_api_status(resp, 400, "BadRequest", "unable to upgrade connection: pod "
		    "is not running", NULL, NULL);
		return;
	}
	ex = xcalloc(1, sizeof *ex);
	ex->portforward = 1;
	ex->hostname = xstrdup(t->name);
	ex->ns = xstrdup(t->ns != NULL ? t->ns : "default");
	json_array_foreach(json_object_get(json_object_get(pod, "spec"), "containers"), i, c) {
		json_array_foreach(json_object_get(c, "ports"), j, port) {
			if (!json_is_integer(json_object_get(port, "containerPort")) ||
			    ex->nports >= 64)
				continue;
			ex->ports = xreallocarray(ex->ports, ex->nports + 1, sizeof *ex->ports);
			ex->ports[ex->nports++] = (int)json_integer_value(json_object_get(port,
			    "containerPort"));
		}
	}
	if (req->upgrade != NULL && strcasecmp(req->upgrade, "SPDY/3.1") == 0 &&
	    req->stream_protocol != NULL && strstr(req->stream_protocol,
	    "portforward.k8s.io") != NULL) {
		/* SPDY itself: no key to answer */
		ex->spdy = 1;
		ex->protocol = "portforward.k8s.io";
		resp->status = 101;
		resp->exec = ex;
		return;
	}
	ws_upgrade(req, resp, ex, drill_pf_protocols, "port-forward as SPDY/3.1, upgraded "
	    "or over WebSocket,");
}

/* The service proxy. Lock held. */
static void
api_proxy(struct drill_req *req, struct drill_resp *resp, struct target *t)
{
	char		*svc, *colon, *body = NULL, *rest;
	const char	*ct = "text/plain";
	int		 code;

	svc = xstrdup(t->name);
	colon = strchr(svc, ':');
	if (colon != NULL)
		*colon = '\0';
	if (sim_obj_get(req->cluster, t->res, t->ns, svc) == NULL) {
		char *msg = xasprintf("services \"%s\" not found", svc);

		api_error(resp, 404, "NotFound", msg, t->res, svc);
		free(msg);
		free(svc);
		return;
	}
	rest = xasprintf("/%s", t->rest != NULL ? t->rest : "");
	code = sim_proxy(req->cluster, t->ns, svc, req->method, rest,
	    req->query != NULL ? req->query : "", req->body, req->body_len, &body, &ct);
	resp->status = code;
	resp->content_type = ct;
	resp->body = body != NULL ? body : xstrdup("");
	resp->body_len = strlen(resp->body);
	free(rest);
	free(svc);
}

/* Work out the verb of a request on t. */
static const char *
request_verb(struct drill_req *req, struct target *t)
{
	const char	*m = req->method;

	if (t->sub != NULL && strcmp(t->sub, "proxy") == 0)
		return strcmp(m, "GET") == 0 ? "get" : strcmp(m, "POST") == 0 ? "create" :
		    strcmp(m, "PUT") == 0 ? "update" : strcmp(m, "PATCH") == 0 ? "patch" :
		    "delete";
	/* a stream upgrade is a create, whatever its method (as RBAC sees it) */
	if (t->sub != NULL && (strcmp(t->sub, "exec") == 0 || strcmp(t->sub, "attach") == 0 ||
	    strcmp(t->sub, "portforward") == 0))
		return strcmp(m, "GET") == 0 || strcmp(m, "POST") == 0 ? "create" : NULL;
	if (strcmp(m, "GET") == 0 || strcmp(m, "HEAD") == 0) {
		if (t->name == NULL)
			return arg_bool(req, "watch") ? "watch" : "list";
		return "get";
	}
	if (strcmp(m, "POST") == 0)
		return "create";
	if (strcmp(m, "PUT") == 0)
		return "update";
	if (strcmp(m, "PATCH") == 0)
		return "patch";
	if (strcmp(m, "DELETE") == 0)
		return t->name == NULL ? "deletecollection" : "delete";
	return NULL;
}

/* A Table holding the one row of obj (kubectl get KIND NAME). Lock held. */
static json_t *
table_of_one(const struct kind *res, json_t *obj, struct drill_req *req)
{
	const char		*inc = req->arg(req, "includeObject");
	enum include_object	 mode = INCLUDE_METADATA;
	const struct printer	*tp;
	struct printer		*own = table_printer(req->cluster, res, &tp);
	json_t			*table;

	if (inc != NULL && strcmp(inc, "Object") == 0)
		mode = INCLUDE_OBJECT;
	else if (inc != NULL && strcmp(inc, "None") == 0)
		mode = INCLUDE_NONE;
	table = json_pack("{s:s,s:s,s:{s:s},s:o,s:[o]}", "kind", "Table", "apiVersion",
	    "meta.k8s.io/v1", "metadata", "resourceVersion",
	    field_value(obj, "metadata.resourceVersion"), "columnDefinitions",
	    table_columns(tp), "rows", table_row(tp, obj, mode));
	printer_free(own);
	return table;
}

/* GET of metrics.k8s.io: a PodMetrics or NodeMetrics, or their list. */
static void
api_metrics(struct drill_req *req, struct drill_resp *resp, struct target *t)
{
	json_t	*v;
	char	*cause = NULL, *msg;

	if (strcmp(t->verb, "get") != 0 && strcmp(t->verb, "list") != 0) {
		drill_api_status(resp, 405, "MethodNotAllowed", "the server does not allow "
		    "this method on the requested resource", NULL, NULL);
		return;
	}
	sim_lock(req->cluster->sim);
	v = sim_metrics(req->cluster, t->res, t->ns, t->name, req->arg(req, "labelSelector"),
	    &cause);
	sim_unlock(req->cluster->sim);
	if (cause != NULL) {
		drill_api_status(resp, 400, "BadRequest", cause, NULL, NULL);
		free(cause);
	} else if (v == NULL) {
		msg = xasprintf("%s.metrics.k8s.io \"%s\" not found",
		    strcmp(t->res->resource, "nodes") == 0 ? "nodemetrics" : "podmetrics",
		    t->name != NULL ? t->name : "");
		drill_api_status(resp, 404, "NotFound", msg, t->res->kind, t->name);
		free(msg);
	} else {
		resp_json(resp, 200, v);
	}
}

/* Answer a resource request: prefix gives group and version, seg the rest. */
static void
api_resource(struct drill_req *req, struct drill_resp *resp, const char *group,
    const char *version, char **seg, size_t nseg, const char *rest)
{
	struct sim_cluster	*c = req->cluster;
	struct target		 t;
	struct selector		 sel;
	json_t			*obj, *body;
	char			*cause = NULL;
	size_t			 i = 0;
	int			 dry, bad, rc;

	memset(&t, 0, sizeof t);
	memset(&sel, 0, sizeof sel);
	/* namespaces/NS/RESOURCE...; namespaces/NS alone is the namespace. */
	if (nseg >= 3 && strcmp(seg[0], "namespaces") == 0) {
		t.ns = xstrdup(seg[1]);
		i = 2;
	}
	if (i >= nseg)
		goto notfound;
	t.res = kind_find_api(group, seg[i]);
	if (t.res == NULL || strcmp(t.res->version, version) != 0)
		goto notfound;
	if (t.res->namespaced == false && t.ns != NULL)
		goto notfound;
	if (i + 1 < nseg)
		t.name = xstrdup(seg[i + 1]);
	if (i + 2 < nseg)
		t.sub = xstrdup(seg[i + 2]);
	if (i + 3 < nseg)
		goto notfound;
	if (t.sub != NULL && !has_sub(t.res, t.sub))
		goto notfound;
	if (t.sub != NULL && strcmp(t.sub, "proxy") == 0)
		t.rest = rest != NULL ? xstrdup(rest) : NULL;
	else if (rest != NULL)
		goto notfound;
	t.verb = request_verb(req, &t);
	if (t.verb == NULL) {
		drill_api_status(resp, 405, "MethodNotAllowed", "the server does not allow "
		    "this method on the requested resource", NULL, NULL);
		goto out;
	}
	if (!user_allowed(req->user, t.verb, t.res->resource)) {
		api_forbidden(resp, req, &t);
		goto out;
	}
	if (t.res->source == KIND_METRICS) {
		api_metrics(req, resp, &t);
		goto out;
	}
	if (strcmp(t.res->resource, "selfsubjectaccessreviews") == 0 ||
	    strcmp(t.res->resource, "selfsubjectreviews") == 0) {
		if (strcmp(t.verb, "create") != 0 || t.name != NULL)
			goto notallowed;
		body = body_object(req, resp);
		if (body != NULL && strcmp(t.res->resource, "selfsubjectreviews") == 0)
			api_ssr(req, resp, body);
		else if (body != NULL)
			api_ssar(req, resp, body);
		json_decref(body);
		goto out;
	}
	/* a namespaced kind is created in a namespace's path only */
	if (strcmp(t.verb, "create") == 0 && t.name == NULL && t.res->namespaced &&
	    t.ns == NULL)
		goto notallowed;
	dry = dry_run(req, resp, t.verb, &bad);
	if (bad)
		goto out;
	dry = delete_dry_run(req, t.verb, t.sub, dry);

	if (t.name == NULL) {
		if (strcmp(t.verb, "list") == 0 || strcmp(t.verb, "watch") == 0) {
			if (parse_label_selector(req->arg(req, "labelSelector"), &sel,
			    &cause) != 0 || (rc = parse_field_selector(t.res,
			    req->arg(req, "fieldSelector"), &sel, &cause)) != 0) {
				drill_api_status(resp, 400, "BadRequest", cause, NULL, NULL);
				goto out;
			}
			if (strcmp(t.verb, "watch") == 0 &&
			    req->arg(req, "resourceVersionMatch") != NULL &&
			    *req->arg(req, "resourceVersionMatch") != '\0' &&
			    req->arg(req, "sendInitialEvents") == NULL)
				invalid_field(resp, "meta.k8s.io", "ListOptions", NULL,
				    "resourceVersionMatch", "FieldValueForbidden", "Forbidden: "
				    "resourceVersionMatch is forbidden for watch unless "
				    "sendInitialEvents is provided");
			else if (strcmp(t.verb, "watch") == 0)
				api_watch(req, resp, &t, &sel);
			else
				api_list(req, resp, &t, &sel);
			goto out;
		}
		if (strcmp(t.verb, "deletecollection") == 0) {
			if (parse_label_selector(req->arg(req, "labelSelector"), &sel,
			    &cause) != 0 || (rc = parse_field_selector(t.res,
			    req->arg(req, "fieldSelector"), &sel, &cause)) != 0) {
				drill_api_status(resp, 400, "BadRequest", cause, NULL, NULL);
				goto out;
			}
			sim_lock(c->sim);
			api_delete_collection(req, resp, &t, &sel, dry);
			sim_unlock(c->sim);
			goto out;
		}
		if (strcmp(t.verb, "create") == 0) {
			body = body_object(req, resp);
			if (body == NULL)
				goto out;
			sim_lock(c->sim);
			api_create(req, resp, &t, body, dry);
			sim_unlock(c->sim);
			goto out;
		}
		goto notallowed;
	}

	sim_lock(c->sim);
	obj = sim_obj_get(c, t.res, t.ns, t.name);
	if (obj == NULL && !(t.sub != NULL && strcmp(t.sub, "proxy") == 0)) {
		bad = t.ns != NULL && !namespace_ok(c, t.res, t.ns) &&
		    strcmp(t.verb, "get") != 0;
		sim_unlock(c->sim);
		if (bad)
			ns_not_found(resp, t.ns);
		else
			not_found(resp, &t);
		goto out;
	}
	if (t.sub == NULL || strcmp(t.sub, "status") == 0) {
		if (strcmp(t.verb, "get") == 0 && t.sub == NULL && wants_table(req->accept))
			resp_json(resp, 200, table_of_one(t.res, obj, req));
		else if (strcmp(t.verb, "get") == 0)
			resp_object(resp, 200, obj);
		else if (strcmp(t.verb, "update") == 0) {
			body = body_object(req, resp);
			if (body != NULL)
				api_update(req, resp, &t, obj, body, dry);
		} else if (strcmp(t.verb, "patch") == 0)
			api_patch(req, resp, &t, obj, dry);
		else if (strcmp(t.verb, "delete") == 0 && t.sub == NULL)
			api_delete(req, resp, &t, obj, dry, 0);
		else {
			sim_unlock(c->sim);
			goto notallowed;
		}
	} else if (strcmp(t.sub, "scale") == 0) {
		if (strcmp(t.verb, "get") == 0 || strcmp(t.verb, "update") == 0 ||
		    strcmp(t.verb, "patch") == 0)
			api_scale(req, resp, &t, obj, dry);
		else {
			sim_unlock(c->sim);
			goto notallowed;
		}
	} else if (strcmp(t.sub, "ephemeralcontainers") == 0) {
		if (strcmp(t.verb, "get") == 0)
			resp_object(resp, 200, obj);
		else if (strcmp(t.verb, "patch") == 0)
			api_patch(req, resp, &t, obj, dry);
		else {
			sim_unlock(c->sim);
			goto notallowed;
		}
	} else if (strcmp(t.sub, "log") == 0 && strcmp(t.verb, "get") == 0)
		api_log(req, resp, &t, obj);
	else if (strcmp(t.sub, "eviction") == 0 && strcmp(t.verb, "create") == 0)
		api_evict(req, resp, &t, obj, dry);
	else if ((strcmp(t.sub, "exec") == 0 || strcmp(t.sub, "attach") == 0) &&
	    strcmp(t.verb, "create") == 0)
		api_exec(req, resp, &t, obj, strcmp(t.sub, "attach") == 0);
	else if (strcmp(t.sub, "portforward") == 0 && strcmp(t.verb, "create") == 0)
		api_portforward(req, resp, &t, obj);
	else if (strcmp(t.sub, "proxy") == 0)
		api_proxy(req, resp, &t);
	else {
		sim_unlock(c->sim);
		goto notallowed;
	}
	sim_unlock(c->sim);
	goto out;

notallowed:
	drill_api_status(resp, 405, "MethodNotAllowed", "the server does not allow this "
	    "method on the requested resource", NULL, NULL);
	goto out;
notfound:
	drill_api_status(resp, 404, "NotFound", "the server could not find the requested "
	    "resource", NULL, NULL);
out:
	free(cause);
	selector_free(&sel);
	target_free(&t);
}

/* The OpenAPI v3 index: one entry per served group version. */
static json_t *
openapi_index(void)
{
	json_t	*paths = json_object();
	char	 key[160], url[200];
	size_t	 i;

	for (i = 0; i < nkinds; i++) {
		const struct kind *r = &kinds[i];

		if (r->source != KIND_API)
			continue;
		if (*r->group == '\0')
			snprintf(key, sizeof key, "api/%s", r->version);
		else
			snprintf(key, sizeof key, "apis/%s/%s", r->group, r->version);
		snprintf(url, sizeof url, "/openapi/v3/%s?hash=%s", key, OPSDECK_VERSION);
		json_object_set_new(paths, key, json_pack("{s:s}", "serverRelativeURL", url));
	}
	return json_pack("{s:o}", "paths", paths);
}

/* The OpenAPI v3 document of one group version: enough for kubectl to see
 * that the server validates fields itself (fieldValidation on PATCH, POST
 * and PUT) and that every kind has an open schema. */
static void
api_openapi_v3(struct drill_resp *resp, const char *gv)
{
	json_t		*paths, *schemas, *gvk, *params, *op;
	char		 path[256], item[300], sname[256], want[160];
	const char	*q;
	size_t		 i, n = 0, gvlen;

	if (gv == NULL) {
		resp_json(resp, 200, openapi_index());
		return;
	}
	q = strchr(gv, '?');
	gvlen = q != NULL ? (size_t)(q - gv) : strlen(gv);
	paths = json_object();
	schemas = json_object();
	for (i = 0; i < nkinds; i++) {
		const struct kind *r = &kinds[i];

		if (r->source != KIND_API)
			continue;
		if (*r->group == '\0')
			snprintf(want, sizeof want, "api/%s", r->version);
		else
			snprintf(want, sizeof want, "apis/%s/%s", r->group, r->version);
		if (strlen(want) != gvlen || strncmp(want, gv, gvlen) != 0)
			continue;
		n++;
		if (r->namespaced)
			snprintf(path, sizeof path, "/%s/namespaces/{namespace}/%s", want,
			    r->resource);
		else
			snprintf(path, sizeof path, "/%s/%s", want, r->resource);
		snprintf(item, sizeof item, "%s/{name}", path);
		gvk = json_pack("{s:s,s:s,s:s}", "group", r->group, "version", r->version,
		    "kind", r->kind);
		params = json_pack("[{s:s,s:s,s:{s:s}},{s:s,s:s,s:{s:s}},{s:s,s:s,s:{s:s}}]",
		    "name", "fieldValidation", "in", "query", "schema", "type", "string",
		    "name", "dryRun", "in", "query", "schema", "type", "string",
		    "name", "fieldManager", "in", "query", "schema", "type", "string");
		op = json_pack("{s:O,s:O}", "parameters", params,
		    "x-kubernetes-group-version-kind", gvk);
		json_object_set_new(paths, path, json_pack("{s:o}", "post", op));
		json_object_set_new(paths, item, json_pack("{s:O,s:O}", "patch", op, "put", op));
		json_decref(params);
		snprintf(sname, sizeof sname, "%s.%s.%s", *r->group != '\0' ? r->group : "core",
		    r->version, r->kind);
		json_object_set_new(schemas, sname, json_pack("{s:s,s:b,s:[O]}", "type",
		    "object", "x-kubernetes-preserve-unknown-fields", 1,
		    "x-kubernetes-group-version-kind", gvk));
		json_decref(gvk);
	}
	if (n == 0) {
		json_decref(paths);
		json_decref(schemas);
		drill_api_status(resp, 404, "NotFound", "the server could not find the "
		    "requested resource", NULL, NULL);
		return;
	}
	resp_json(resp, 200, json_pack("{s:s,s:{s:s,s:s},s:o,s:{s:o}}", "openapi", "3.0.0",
	    "info", "title", "Kubernetes", "version", "v1.30.0", "paths", paths,
	    "components", "schemas", schemas));
}

/* POST /drill/v1/reach?cluster=NAME&state=ok|refuse|hang: an instructor's
 * (and the tests') switch for a cluster's reachability. Admin only. */
static void
api_reach(struct drill_req *req, struct drill_resp *resp)
{
	struct sim_cluster	*c;
	const char		*name = req->arg(req, "cluster"), *state = req->arg(req, "state");
	enum sim_reach		 reach;

	if (strcmp(req->method, "POST") != 0) {
		drill_api_status(resp, 405, "MethodNotAllowed", "use POST", NULL, NULL);
		return;
	}
	if (req->user != DRILL_USER_ADMIN) {
		drill_api_status(resp, 403, "Forbidden", "only the drill admin may change "
		    "reachability", NULL, NULL);
		return;
	}
	if (state == NULL || name == NULL) {
		drill_api_status(resp, 400, "BadRequest", "cluster and state are required",
		    NULL, NULL);
		return;
	}
	if (strcmp(state, "ok") == 0)
		reach = SIM_REACH_OK;
	else if (strcmp(state, "refuse") == 0)
		reach = SIM_REACH_REFUSE;
	else if (strcmp(state, "hang") == 0)
		reach = SIM_REACH_HANG;
	else {
		drill_api_status(resp, 400, "BadRequest", "state must be ok, refuse or hang",
		    NULL, NULL);
		return;
	}
	sim_lock(req->cluster->sim);
	c = sim_cluster_find(req->cluster->sim, name);
	if (c != NULL) {
		c->reach = reach;
		pthread_cond_broadcast(&c->sim->changed);
	}
	sim_unlock(req->cluster->sim);
	if (c == NULL) {
		drill_api_status(resp, 404, "NotFound", "no such cluster", NULL, NULL);
		return;
	}
	resp_json(resp, 200, json_pack("{s:s,s:s}", "cluster", name, "state", state));
}

/* POST /drill/v1/looks: a console reports a view its operator opened;
 * the drill judges it against the faults (drill/looks.c). Any drill user:
 * in a shared drill a viewer's look is detection too. */
static void
api_look(struct drill_req *req, struct drill_resp *resp)
{
	struct drill_look	 look;
	const struct scn_fault	*f;
	json_t			*body;
	json_error_t		 jerr;
	char			*cause = NULL;

	if (strcmp(req->method, "POST") != 0) {
		drill_api_status(resp, 405, "MethodNotAllowed", "use POST", NULL, NULL);
		return;
	}
	body = json_loadb(req->body != NULL ? req->body : "", req->body_len, 0, &jerr);
	if (body == NULL) {
		cause = xasprintf("a look must be JSON: %s", jerr.text);
		drill_api_status(resp, 400, "BadRequest", cause, NULL, NULL);
		free(cause);
		return;
	}
	if (drill_look_parse(body, &look, &cause) != 0) {
		drill_api_status(resp, 400, "BadRequest", cause, NULL, NULL);
		free(cause);
		json_decref(body);
		return;
	}
	look.kube_user = req->user_name;
	sim_lock(req->cluster->sim);
	f = drill_look_record(req->cluster->sim, &look, sim_wallclock());
	/* the answer says whether this look was the first relevant one */
	resp_json(resp, 200, json_pack("{s:b,s:s?}", "firstRelevant", f != NULL, "fault",
	    f != NULL ? f->target : NULL));
	sim_unlock(req->cluster->sim);
	json_decref(body);
}

/* Answer a request. */
void
drill_api_handle(struct drill_req *req, struct drill_resp *resp)
{
	char		*seg[12], *rest = NULL, *msg;
	size_t		 n, i;
	const char	*p = req->path;
	json_t		*st;

	if (strcmp(p, "/version") == 0 || strcmp(p, "/version/") == 0) {
		api_version(resp);
		return;
	}
	if (strcmp(p, "/healthz") == 0 || strcmp(p, "/readyz") == 0 ||
	    strcmp(p, "/livez") == 0) {
		resp->status = 200;
		resp->content_type = "text/plain; charset=utf-8";
		resp->body = xstrdup("ok");
		resp->body_len = 2;
		return;
	}
	if (req->user == DRILL_USER_NONE) {
		drill_api_status(resp, 401, "Unauthorized", "Unauthorized", NULL, NULL);
		return;
	}
	if (strcmp(p, "/drill/v1/reach") == 0) {
		api_reach(req, resp);
		return;
	}
	if (strcmp(p, "/drill/v1/looks") == 0) {
		api_look(req, resp);
		return;
	}
	if (strcmp(p, "/drill/v1/churn") == 0) {
		drill_api_churn(req, resp);
		return;
	}
	if (strcmp(p, "/drill/v1/status") == 0) {
		sim_lock(req->cluster->sim);
		st = sim_drill_status(req->cluster->sim);
		sim_unlock(req->cluster->sim);
		resp_json(resp, 200, st != NULL ? st : json_object());
		return;
	}
	n = split_path(p, seg, sizeof seg / sizeof seg[0], &rest);
	if (n == 1 && strcmp(seg[0], "api") == 0) {
		char *addr = xasprintf("127.0.0.1:%d", req->cluster->port);

		resp_json(resp, 200, json_pack("{s:s,s:[s],s:[{s:s,s:s}]}", "kind",
		    "APIVersions", "versions", "v1", "serverAddressByClientCIDRs",
		    "clientCIDR", "0.0.0.0/0", "serverAddress", addr));
		free(addr);
	} else if (n == 1 && strcmp(seg[0], "apis") == 0)
		api_groups(resp);
	else if (n == 2 && strcmp(seg[0], "api") == 0)
		api_resource_list(resp, "", seg[1]);
	else if (n == 2 && strcmp(seg[0], "apis") == 0) {
		const char *vers[4];

		if (group_versions(seg[1], vers, 4) == 0)
			drill_api_status(resp, 404, "NotFound", "the server could not find "
			    "the requested resource", NULL, NULL);
		else
			resp_json(resp, 200, api_group(seg[1]));
	} else if (n == 3 && strcmp(seg[0], "apis") == 0)
		api_resource_list(resp, seg[1], seg[2]);
	else if (n >= 2 && strcmp(seg[0], "openapi") == 0 && strcmp(seg[1], "v3") == 0)
		api_openapi_v3(resp, n == 2 ? NULL : p + strlen("/openapi/v3/"));
	else if (n >= 3 && strcmp(seg[0], "api") == 0)
		api_resource(req, resp, "", seg[1], seg + 2, n - 2, rest);
	else if (n >= 4 && strcmp(seg[0], "apis") == 0)
		api_resource(req, resp, seg[1], seg[2], seg + 3, n - 3, rest);
	else {
		msg = xasprintf("the server could not find the requested resource");
		drill_api_status(resp, 404, "NotFound", msg, NULL, NULL);
		free(msg);
	}
	for (i = 0; i < n; i++)
		free(seg[i]);
	free(rest);
}
