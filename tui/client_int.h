/* Internals shared by tui/cluster.c (connections, credentials, requests)
 * and tui/reflector.c (list+watch, Alertmanager polling). Not a contract. */
#ifndef OPSDECK_CLIENT_INT_H
#define OPSDECK_CLIENT_INT_H

#include <stdbool.h>
#include <stddef.h>

#include <curl/curl.h>

#include "opsdeck/client.h"
#include "opsdeck/http.h"
#include "opsdeck/store.h"

struct reflector;
struct creq;
struct kind;
struct client_call;

/* Where a request goes. */
enum creq_target {
	CREQ_API,	/* the Kubernetes API server */
	CREQ_AM,	/* Alertmanager */
	CREQ_PROM,	/* Prometheus */
};

/* The outcome of an internal request. */
struct cresult {
	long		 status;
	const char	*body;
	size_t		 len;
	const char	*error;		/* transport/credential error, or NULL */
	CURLcode	 rc;
	double		 retry_after;	/* seconds or -1 */
	const char	*location;	/* a 3xx's target (unsanitised), or NULL */
	size_t		 lines;
	double		 elapsed;
	bool		 auth_failed;	/* no usable credential (plugin failed, ...) */
};

/* What an internal request sends and how it reports. */
struct creq_spec {
	enum creq_target target;
	const char	*method;	/* NULL: GET */
	const char	*path;
	const char	*content_type;
	const char	*body;
	const char	*accept;	/* NULL: application/json */
	double		 timeout;
	long		 low_speed_time;
	int		(*on_line)(const char *, size_t, void *);
	/* 2xx body bytes as they arrive, not kept (list pages) */
	int		(*on_data)(const char *, size_t, void *);
	void		(*done)(const struct cresult *, void *);
	void		*arg;
};

/* One selected context. */
struct conn;

/* The client. */
struct client {
	struct loop		*loop;
	struct store		*store;
	struct client_opts	 opts;
	struct conn		**conns;
	size_t			 nconns;
	struct reflector	**refs;
	size_t			 nrefs;
	struct client_call	*waiting;	/* public GETs waiting to retry */
	/* Frees refs: set by the first watch (reflector.c), called by
	 * client_free; the watches sit above the connections. */
	void			(*unwatch_all)(struct client *);
};

/* Start a request on cluster (credentials first if needed). */
struct creq	*creq_start(struct client *, size_t cluster, const struct creq_spec *);
/* Abort a request (queued or running); done is not called. */
void		 creq_cancel(struct creq *);

/* Report a good response from the cluster (marks it live). */
void		 conn_report_ok(struct client *, size_t cluster);
/* Report a cluster-level failure (unreachable, TLS, unauthorized...): a
 * cluster that was live becomes stale (rows kept). */
void		 conn_report_error(struct client *, size_t cluster, enum conn_state,
		    const char *reason);
/* The cluster state for a transport failure with curl code rc. */
enum conn_state	 conn_state_for_curl(CURLcode rc);

/* Reflectors (reflector.c). */
struct reflector *reflector_new(struct client *, size_t cluster,
		    const struct kind *, const char *ns, const char *selector);
void		 reflector_free(struct reflector *);
const char	*reflector_resource(const struct reflector *);
size_t		 reflector_cluster(const struct reflector *);

/* The reflector's decoders, for tests and fuzzing: reflector_alloc makes
 * one that sends nothing until a decoder asks for the next request. */
struct reflector *reflector_alloc(struct client *, size_t cluster,
		    const struct kind *, const char *ns, const char *selector);
/* If r waits for a list page (or poll), drop that request unanswered and
 * return true: the caller then hands r its answer. */
bool		 reflector_take_list(struct reflector *);
/* One watch event line (arg: the reflector); non-zero ends the watch. */
int		 reflector_event(const char *line, size_t len, void *arg);
/* A list page, or an Alertmanager poll, came back (arg: the reflector). */
void		 reflector_list_done(const struct cresult *, void *arg);
void		 reflector_poll_done(const struct cresult *, void *arg);

/* Text of a Kubernetes Status body, or NULL. New string. */
char		*status_message(const char *body, size_t len);

#endif
