/* The multi-cluster client: per selected context a connection (credentials,
 * health, backoff), reflectors that keep the store in sync with list+watch,
 * Alertmanager polling, and one-off requests for actions and on-demand
 * fetches (YAML, describe, logs). Everything runs on the loop; nothing
 * blocks; one bad cluster never delays the others.
 *
 * Cluster indexes are the store's: client_new adds one store cluster per
 * context, in the given order. */
#ifndef OPSDECK_CLIENT_H
#define OPSDECK_CLIENT_H

#include <stdbool.h>
#include <stddef.h>

struct loop;
struct store;
struct kube_context;
struct client;

/* Default Alertmanager location: the API server's service proxy path. */
#define CLIENT_AM_PROXY_PATH \
	"/api/v1/namespaces/monitoring/services/alertmanager:9093/proxy"

/* What is kept is capped, so a hostile or broken server cannot take the
 * memory. One object: etcd refuses a write over 1.5 MiB by default
 * (--max-request-bytes), so no stored object comes near 8 MiB even as JSON
 * (binary data grows by a third in base64). Rows: Kubernetes is tested up
 * to 150,000 pods per cluster; 250,000 rows (about 1 KiB each) leave room
 * for the other kinds on top. */
#define CLIENT_DEFAULT_MAX_OBJECT	(8u * 1024 * 1024)
#define CLIENT_DEFAULT_MAX_ROWS		250000u

/* Tunables; zero values mean defaults. */
struct client_opts {
	double		 connect_timeout;	/* seconds (5) */
	double		 list_low_speed;	/* abort a list stalled this long (30) */
	double		 health_interval;	/* seconds between /version probes (5) */
	double		 am_interval;		/* Alertmanager poll period (10) */
	double		 metrics_interval;	/* usage (metrics.k8s.io) poll period (15:
						 * metrics-server's resolution) */
	size_t		 max_object;		/* per-object cap (CLIENT_DEFAULT_MAX_OBJECT) */
	size_t		 max_rows;		/* rows kept per cluster, all kinds
						 * (CLIENT_DEFAULT_MAX_ROWS) */
	size_t		 max_line;		/* watch line cap (max_object + 64 KiB) */
	bool		 once;			/* headless: do not retry after a failure */
	bool		 list_only;		/* headless: list, do not watch */
};

/* A known resource: where its list lives. */
/* A response to client_request. body is NUL-terminated, borrowed for the
 * callback only; error is a transport error (NULL if a response came). */
struct client_response {
	long		 status;
	const char	*body;
	size_t		 len;
	const char	*error;
};

typedef void (*client_done_cb)(const struct client_response *, void *arg);
/* One line of a streamed response (logs); return non-zero to stop. */
typedef int (*client_line_cb)(const char *line, size_t len, void *arg);

/* Create the client: contexts (borrowed, must outlive the client) become
 * store clusters 0..n-1 with their config settings (role, protected, ...). */
struct client	*client_new(struct loop *, struct store *, struct kube_context **ctxs,
		    size_t n, const struct client_opts *);
void		 client_free(struct client *);
struct kube_context *client_context(struct client *, size_t cluster);

/* Start reflectors for resource on every cluster (all namespaces). Returns
 * 0, or -1 with *cause if the resource is unknown. Idempotent. */
int		 client_watch(struct client *, const char *resource, char **cause);
/* Same, limited to namespace ns (NULL: all; "": each context's own
 * namespace) and a label selector (NULL: none). A resource has one scope at
 * a time. */
int		 client_watch_scoped(struct client *, const char *resource, const char *ns,
		    const char *selector, char **cause);
/* Stop the reflectors of resource (rows stay). */
void		 client_unwatch(struct client *, const char *resource);

/* True when resource on cluster finished its first list or failed (its
 * kind state is not connecting). */
bool		 client_settled(struct client *, size_t cluster, const char *resource);

/* A request to the API server of cluster: path with query ("/api/v1/..."),
 * body may be NULL. done runs once, never from inside this call (not even
 * for a cluster that does not exist). Credentials are refreshed once on 401. The handle is for client_call_cancel and is gone once done
 * has run: a view keeps it while the request is out and cancels it in its
 * free, so a callback never meets a view that is gone. */
struct client_call *client_request(struct client *, size_t cluster, const char *method,
		    const char *path, const char *content_type, const char *body,
		    client_done_cb done, void *arg);
/* Drop a request from client_request: done will not run (NULL: nothing). */
void		 client_call_cancel(struct client *, struct client_call *);
/* A streamed GET (logs ?follow=true): on_line per line, done at the end.
 * Returns a handle for client_stream_cancel (valid until done runs). */
struct client_stream *client_stream(struct client *, size_t cluster, const char *path,
		    client_line_cb on_line, client_done_cb done, void *arg);
void		 client_stream_cancel(struct client *, struct client_stream *);

/* A request to the cluster's Alertmanager ("/api/v2/silences"): the
 * context's configured URL (http(s)://..., no cluster credentials) or an API
 * service proxy path, else CLIENT_AM_PROXY_PATH. A handle as client_request's. */
struct client_call *client_am_request(struct client *, size_t cluster, const char *method,
		    const char *path, const char *content_type, const char *body,
		    client_done_cb done, void *arg);
/* Same for Prometheus (configured URL, else the monitoring/prometheus:9090
 * service proxy path). */
void		 client_prom_request(struct client *, size_t cluster, const char *path,
		    client_done_cb done, void *arg);

/* Human text for a failed response: the Status message, or the transport
 * error, or "HTTP N". New string. */
char		*client_response_error(const struct client_response *);

#endif
