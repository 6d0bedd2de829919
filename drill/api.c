/* The Kubernetes API of the drill simulator (being written). */
#include <stdlib.h>
#include <string.h>

#include "opsdeck/xmalloc.h"
#include "drill.h"

/* A Status error response. */
void
drill_api_status(struct drill_resp *resp, int code, const char *reason, const char *message,
    const char *kind, const char *name)
{
	json_t	*st;

	st = json_pack("{s:s,s:s,s:{},s:s,s:s,s:s,s:i}", "kind", "Status", "apiVersion", "v1",
	    "metadata", "status", "Failure", "message", message, "reason", reason, "code", code);
	resp->status = code;
	resp->content_type = "application/json";
	resp->body = json_dumps(st, JSON_COMPACT);
	resp->body_len = strlen(resp->body);
	json_decref(st);
}

/* Answer a request. */
void
drill_api_handle(struct drill_req *req, struct drill_resp *resp)
{
	drill_api_status(resp, 404, "NotFound", "the server could not find the requested resource",
	    NULL, NULL);
}
