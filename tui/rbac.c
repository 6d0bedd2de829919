/* RBAC checks before every action: SelfSubjectAccessReview, as
 * `kubectl auth can-i` sends it, with a short per-cluster cache. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "opsdeck/actions.h"
#include "opsdeck/client.h"
#include "opsdeck/loop.h"
#include "opsdeck/xmalloc.h"

#define RBAC_TTL	180.0
#define RBAC_CACHE_MAX	512

/* A cached answer. */
struct rbac_entry {
	char	*key;
	int	 allowed;
	char	*reason;
	double	 expires;
};

static struct rbac_entry rbac_cache[RBAC_CACHE_MAX];
static size_t rbac_ncache;

/* One review in flight. */
struct rbac_req {
	char		*key;
	rbac_done_cb	 done;
	void		*arg;
};

/* The cache key. */
static char *
rbac_key(size_t cluster, const char *verb, const char *group, const char *resource,
    const char *sub, const char *ns)
{
	return xasprintf("%zu|%s|%s|%s|%s|%s", cluster, verb, group != NULL ? group : "",
	    resource, sub != NULL ? sub : "", ns != NULL ? ns : "");
}

/* Forget every cached answer. */
void
rbac_flush(void)
{
	size_t i;

	for (i = 0; i < rbac_ncache; i++) {
		free(rbac_cache[i].key);
		free(rbac_cache[i].reason);
	}
	rbac_ncache = 0;
}

/* A cached answer for key, or NULL. */
static struct rbac_entry *
rbac_lookup(const char *key)
{
	size_t i;
	double now = loop_now();

	for (i = 0; i < rbac_ncache; i++) {
		if (strcmp(rbac_cache[i].key, key) == 0)
			return rbac_cache[i].expires > now ? &rbac_cache[i] : NULL;
	}
	return NULL;
}

/* Remember an answer (replacing an old one; the oldest goes when full). */
static void
rbac_store(const char *key, int allowed, const char *reason)
{
	struct rbac_entry *e = NULL;
	size_t i;

	for (i = 0; i < rbac_ncache; i++) {
		if (strcmp(rbac_cache[i].key, key) == 0) {
			e = &rbac_cache[i];
			free(e->key);
			free(e->reason);
			break;
		}
	}
	if (e == NULL) {
		if (rbac_ncache == RBAC_CACHE_MAX) {
			free(rbac_cache[0].key);
			free(rbac_cache[0].reason);
			memmove(&rbac_cache[0], &rbac_cache[1],
			    (RBAC_CACHE_MAX - 1) * sizeof rbac_cache[0]);
			rbac_ncache--;
		}
		e = &rbac_cache[rbac_ncache++];
	}
	e->key = xstrdup(key);
	e->allowed = allowed;
	e->reason = reason != NULL ? xstrdup(reason) : NULL;
	e->expires = loop_now() + RBAC_TTL;
}

/* The review body, as kubectl auth can-i sends it. */
char *
rbac_review_body(const char *verb, const char *group, const char *resource,
    const char *subresource, const char *ns, const char *name)
{
	json_t *attrs, *o;
	char *s;

	attrs = json_object();
	if (ns != NULL && *ns != '\0')
		json_object_set_new(attrs, "namespace", json_string(ns));
	json_object_set_new(attrs, "verb", json_string(verb));
	json_object_set_new(attrs, "group", json_string(group != NULL ? group : ""));
	json_object_set_new(attrs, "resource", json_string(resource));
	if (subresource != NULL && *subresource != '\0')
		json_object_set_new(attrs, "subresource", json_string(subresource));
	if (name != NULL && *name != '\0')
		json_object_set_new(attrs, "name", json_string(name));
	o = json_pack("{s:s,s:s,s:{},s:{s:o}}", "kind", "SelfSubjectAccessReview",
	    "apiVersion", "authorization.k8s.io/v1", "metadata", "spec",
	    "resourceAttributes", attrs);
	s = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(o);
	if (s == NULL)
		fatal("json_dumps");
	return s;
}

/* The review came back. */
static void
rbac_reviewed(const struct client_response *r, void *arg)
{
	struct rbac_req *rq = arg;
	json_t *o = NULL, *status;
	const char *reason = NULL;
	char *err = NULL, *why = NULL;
	int allowed = -1;

	if (r->error != NULL || r->status < 200 || r->status >= 300) {
		err = client_response_error(r);
		if (r->status == 403) {
			/* Not even allowed to ask: treat as denied. */
			allowed = 0;
			why = xasprintf("cannot review access: %s", err);
		} else
			why = xasprintf("access review failed: %s", err);
		goto out;
	}
	o = json_loadb(r->body, r->len, 0, NULL);
	status = json_object_get(o, "status");
	if (!json_is_object(status)) {
		why = xstrdup("access review: malformed answer");
		goto out;
	}
	allowed = json_is_true(json_object_get(status, "allowed")) &&
	    !json_is_true(json_object_get(status, "denied"));
	reason = json_string_value(json_object_get(status, "reason"));
	if (!allowed)
		why = xstrdup(reason != NULL && *reason != '\0' ? reason : "not allowed");
	rbac_store(rq->key, allowed, why);
out:
	rq->done(allowed, why, rq->arg);
	json_decref(o);
	free(err);
	free(why);
	free(rq->key);
	free(rq);
}

/* Ask whether the current user may verb the resource (cached). */
void
rbac_check(struct client *c, size_t cluster, const char *verb, const char *group,
    const char *resource, const char *subresource, const char *ns, const char *name,
    rbac_done_cb done, void *arg)
{
	struct rbac_entry *e;
	struct rbac_req *rq;
	char *key, *body;

	key = rbac_key(cluster, verb, group, resource, subresource, ns);
	e = rbac_lookup(key);
	if (e != NULL) {
		free(key);
		done(e->allowed, e->reason, arg);
		return;
	}
	rq = xcalloc(1, sizeof *rq);
	rq->key = key;
	rq->done = done;
	rq->arg = arg;
	body = rbac_review_body(verb, group, resource, subresource, ns, name);
	client_request(c, cluster, "POST",
	    "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews", "application/json", body,
	    rbac_reviewed, rq);
	free(body);
}
