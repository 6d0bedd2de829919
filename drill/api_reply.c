/* What every handler of the drill API answers with: Status replies as the
 * real API server words them, JSON bodies, and the request helpers they
 * share (query booleans, the decoded body, field paths, subresources,
 * namespaces). The handlers (api_*.c) and the dispatch (api.c) call these;
 * these call nothing back. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "opsdeck/xmalloc.h"
#include "drill.h"
#include "api_int.h"
#include "proto.h"
#include "sim_store.h"

/* Append a JSON value's compact serialisation to b. */
void
buf_json(struct buf *b, json_t *v)
{
	char	*s;

	s = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
	if (s != NULL) {
		buf_str(b, s);
		free(s);
	}
}

/* The string at a dotted path of obj ("" if absent). */
const char *
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

/* Set a JSON response body (steals v). */
void
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
void
resp_buf(struct drill_resp *resp, int status, struct buf *b, const char *ct)
{
	resp->status = status;
	resp->content_type = ct;
	resp->body_len = b->len;
	resp->body = buf_take(b);
}

/* Answer obj (copied) with status code. */
void
resp_object(struct drill_resp *resp, int code, json_t *obj)
{
	resp_json(resp, code, json_incref(obj));
}

/* A Status object. */
json_t *
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
void
api_error(struct drill_resp *resp, int code, const char *reason, const char *message,
    const struct kind *res, const char *name)
{
	resp_json(resp, code, status_object(code, reason, message,
	    res != NULL ? res->group : NULL, res != NULL ? res->resource : NULL, name));
}

/* A 422 Invalid for one field, as a real API server words it:
 * `KIND.GROUP "NAME" is invalid: FIELD: DETAIL`, with the field in
 * details.causes. cause_reason: FieldValueInvalid, FieldValueNotSupported... */
void
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

/* A Status error response. */
void
drill_api_status(struct drill_resp *resp, int code, const char *reason, const char *message,
    const char *kind, const char *name)
{
	resp_json(resp, code, status_object(code, reason, message, NULL, kind, name));
}

/* Answer 404 for a path the server does not serve. */
void
not_served(struct drill_resp *resp)
{
	drill_api_status(resp, 404, "NotFound", "the server could not find the requested "
	    "resource", NULL, NULL);
}

/* Answer 405 for a method the resource does not serve. */
void
not_allowed(struct drill_resp *resp)
{
	drill_api_status(resp, 405, "MethodNotAllowed", "the server does not allow this "
	    "method on the requested resource", NULL, NULL);
}

/* The reason for an HTTP error code. */
const char *
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
void
store_error(struct drill_resp *resp, int code, char *cause, const struct kind *res,
    const char *name, int creating)
{
	const char	*reason = code_reason(code);

	if (code == 409 && creating)
		reason = "AlreadyExists";
	api_error(resp, code, reason, cause != NULL ? cause : "error", res, name);
	free(cause);
}

/* Answer namespace not found. */
void
ns_not_found(struct drill_resp *resp, const char *ns)
{
	char	*msg = xasprintf("namespaces \"%s\" not found", ns);

	resp_json(resp, 404, status_object(404, "NotFound", msg, "", "namespaces", ns));
	free(msg);
}

/* Read a query argument as a boolean. */
int
arg_bool(struct drill_req *req, const char *name)
{
	const char	*v = req->arg(req, name);

	/* As Go's strconv.ParseBool: 1, t, T, true, TRUE, True. */
	return v != NULL && (strcmp(v, "1") == 0 || strcmp(v, "t") == 0 ||
	    strcmp(v, "T") == 0 || strcmp(v, "true") == 0 || strcmp(v, "TRUE") == 0 ||
	    strcmp(v, "True") == 0);
}

/* Decode the request body as a JSON object; on failure answer 400. */
json_t *
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

/* Does res have subresource sub? */
int
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

/* Does the namespace exist (or is res cluster-scoped)? Lock held. */
int
namespace_ok(struct sim_cluster *c, const struct kind *res, const char *ns)
{
	if (!res->namespaced || ns == NULL)
		return 1;
	return sim_obj_get(c, kind_find_api("", "namespaces"), NULL, ns) != NULL;
}
