/* The drill API's writes: name checks, dry runs, create, update, patch,
 * delete (with its propagation) and deletecollection. */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "opsdeck/buf.h"
#include "opsdeck/names.h"
#include "opsdeck/xmalloc.h"
#include "drill.h"
#include "api_int.h"
#include "patch.h"
#include "sim_store.h"

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

/* Append to causes and msg the API server's complaints about field's value
 * under rule. A generateName prefix is checked with its trailing dash
 * masked, as apimachinery's maskTrailingDash does (the last two bytes
 * become "a": a suffix follows). */
static void
name_causes(json_t *causes, struct buf *msg, const char *field, const char *value,
    enum name_rule rule, bool prefix)
{
	struct buf problems, quoted, text;
	char *checked = xstrdup(value), *line, *nl, *tab;
	size_t n = strlen(checked);

	if (prefix && n > 1 && checked[n - 1] == '-')
		strcpy(checked + n - 2, "a");
	memset(&problems, 0, sizeof problems);
	name_problems(&problems, field, checked, rule);
	memset(&quoted, 0, sizeof quoted);
	go_quote(&quoted, value);
	for (line = problems.p; line != NULL && *line != '\0'; line = nl + 1) {
		nl = strchr(line, '\n');
		*nl = '\0';
		tab = strchr(line, '\t');
		*tab = '\0';
		memset(&text, 0, sizeof text);
		buf_printf(&text, "Invalid value: %s: %s", STR(quoted), tab + 1);
		json_array_append_new(causes, json_pack("{s:s,s:s,s:s}", "reason",
		    "FieldValueInvalid", "message", STR(text), "field", line));
		buf_printf(msg, "%s%s: %s", msg->len > 0 ? ", " : "", line, STR(text));
		buf_free(&text);
	}
	free(checked);
	buf_free(&quoted);
	buf_free(&problems);
}

/* A name the API server would refuse: answer its 422 Invalid, one cause per
 * complaint, and return 0. 1 when the name of body (metadata.name, else
 * one made from metadata.generateName as the API server makes it: the
 * prefix cut to 58 bytes and 5 random characters) is valid for res. A
 * namespace's name is also the value of its kubernetes.io/metadata.name
 * label, and checked as one. */
static int
check_name(struct drill_resp *resp, const struct kind *res, json_t *body)
{
	enum name_rule rule = name_rule(res);
	const char *name = field_value(body, "metadata.name");
	const char *gen = field_value(body, "metadata.generateName");
	struct buf msg, text, quoted;
	json_t *causes, *st;
	char *made = NULL;

	causes = json_array();
	memset(&msg, 0, sizeof msg);
	if (*gen != '\0')
		name_causes(causes, &msg, "metadata.generateName", gen, rule, true);
	if (*name == '\0' && *gen != '\0') {
		char sfx[6];

		name_suffix((uint64_t)random() << 31 ^ (uint64_t)random(), sfx);
		made = xasprintf("%.58s%s", gen, sfx);
		name = made;
	}
	if (*name != '\0') {
		name_causes(causes, &msg, "metadata.name", name, rule, false);
		/* a made name is not yet the label's value when it is checked */
		if (rule == NAME_LABEL && msg.len > 0 && made == NULL)
			name_causes(causes, &msg, "metadata.labels", name, NAME_LABEL_VALUE, false);
	}
	if (msg.len == 0) {
		json_decref(causes);
		free(made);
		return 1;
	}
	memset(&quoted, 0, sizeof quoted);
	go_quote(&quoted, name);
	memset(&text, 0, sizeof text);
	buf_printf(&text, "%s%s%s %s is invalid: %s%s%s", res->kind, *res->group != '\0' ? "." :
	    "", res->group, STR(quoted), json_array_size(causes) > 1 ? "[" : "", STR(msg),
	    json_array_size(causes) > 1 ? "]" : "");
	st = status_object(422, "Invalid", STR(text), res->group, res->kind, name);
	json_object_set_new(json_object_get(st, "details"), "causes", causes);
	resp_json(resp, 422, st);
	buf_free(&text);
	buf_free(&msg);
	buf_free(&quoted);
	free(made);
	return 0;
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
int
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
int
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
void
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
void
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
void
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
void
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
	if (!check_name(resp, t->res, body)) {
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

/* deletecollection: every selected object. */
void
route_delete_collection(struct drill_req *req, struct drill_resp *resp, struct target *t,
    json_t *obj, int dry)
{
	struct selector	 sel;

	memset(&sel, 0, sizeof sel);
	if (target_selector(req, resp, t, &sel) == 0) {
		sim_lock(req->cluster->sim);
		api_delete_collection(req, resp, t, &sel, dry);
		sim_unlock(req->cluster->sim);
	}
	selector_free(&sel);
}

/* create in a collection. */
void
route_create(struct drill_req *req, struct drill_resp *resp, struct target *t, json_t *obj,
    int dry)
{
	json_t	*body = body_object(req, resp);

	if (body == NULL)
		return;
	sim_lock(req->cluster->sim);
	api_create(req, resp, t, body, dry);
	sim_unlock(req->cluster->sim);
}

/* update: the object or its status. */
void
route_update(struct drill_req *req, struct drill_resp *resp, struct target *t, json_t *obj,
    int dry)
{
	json_t	*body = body_object(req, resp);

	if (body != NULL)
		api_update(req, resp, t, obj, body, dry);
}

/* delete: the object. */
void
route_delete(struct drill_req *req, struct drill_resp *resp, struct target *t, json_t *obj,
    int dry)
{
	api_delete(req, resp, t, obj, dry, 0);
}
