/* HTTPS listeners of the drill simulator: one libmicrohttpd daemon per
 * cluster on 127.0.0.1, a thread per connection, TLS by GnuTLS with optional
 * client certificates, request bodies capped, answers from api.c; exec and
 * attach upgrade to WebSocket sessions run by exec.c. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <microhttpd.h>

#include "opsdeck/buf.h"
#include "opsdeck/http.h"
#include "opsdeck/xmalloc.h"
#include "drill.h"

/* One cluster's listener. */
struct listener {
	struct sim_cluster		*cluster;
	const struct drill_creds	*creds;
	struct MHD_Daemon		*daemon;
	int				 port;
};

/* Per-request state while the body arrives. */
struct conn_state {
	struct buf	body;
	int		too_big;
};

/* A stream handed to libmicrohttpd. */
struct stream_state {
	struct drill_resp	resp;
};

/* Look up a query argument of the request. */
static const char *
req_arg(struct drill_req *req, const char *name)
{
	return MHD_lookup_connection_value(req->conn, MHD_GET_ARGUMENT_KIND, name);
}

/* Collecting every value of one query argument. */
struct arg_all_state {
	const char	 *name;
	const char	**out;
	size_t		  max;
	size_t		  n;
};

/* Keep one value of the argument asked for. */
static enum MHD_Result
arg_all_cb(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
	struct arg_all_state	*st = cls;

	(void)kind;
	if (strcmp(key, st->name) == 0 && value != NULL && st->n < st->max)
		st->out[st->n++] = value;
	return MHD_YES;
}

/* Every value of a repeated query argument. */
static size_t
req_arg_all(struct drill_req *req, const char *name, const char **out, size_t max)
{
	struct arg_all_state	st = { name, out, max, 0 };

	MHD_get_connection_values(req->conn, MHD_GET_ARGUMENT_KIND, arg_all_cb, &st);
	return st.n;
}

/* The most a rebuilt query string holds: a piece that could take it past
 * this is left out. */
#define QUERY_MAX	(64 * 1024)

/* Append one percent-encoded piece to q. */
static void
query_add(struct buf *q, const char *s)
{
	char	*esc;

	if (q->len + strlen(s) * 3 + 2 > QUERY_MAX)
		return;
	esc = http_escape(s);
	buf_str(q, esc);
	free(esc);
}

/* Add one argument to the rebuilt query string. */
static enum MHD_Result
query_arg(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
	struct buf	*q = cls;

	(void)kind;
	if (q->len > 0)
		buf_add(q, "&", 1);
	query_add(q, key);
	if (value != NULL) {
		buf_add(q, "=", 1);
		query_add(q, value);
	}
	return MHD_YES;
}

/* The common name of a verified client certificate, or NULL. */
static char *
client_cn(struct MHD_Connection *conn)
{
	const union MHD_ConnectionInfo	*ci;
	gnutls_session_t		 session;
	const gnutls_datum_t		*peers;
	gnutls_x509_crt_t		 crt;
	unsigned int			 npeers = 0, status = 0;
	char				 cn[256];
	size_t				 cnlen = sizeof cn;
	char				*out = NULL;

	ci = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_GNUTLS_SESSION);
	if (ci == NULL || ci->tls_session == NULL)
		return NULL;
	session = (gnutls_session_t)ci->tls_session;
	peers = gnutls_certificate_get_peers(session, &npeers);
	if (peers == NULL || npeers == 0)
		return NULL;
	if (gnutls_certificate_verify_peers2(session, &status) != 0 || status != 0)
		return NULL;
	if (gnutls_x509_crt_init(&crt) != 0)
		return NULL;
	if (gnutls_x509_crt_import(crt, &peers[0], GNUTLS_X509_FMT_DER) == 0 &&
	    gnutls_x509_crt_get_dn_by_oid(crt, GNUTLS_OID_X520_COMMON_NAME, 0, 0, cn,
	    &cnlen) == 0)
		out = xstrdup(cn);
	gnutls_x509_crt_deinit(crt);
	return out;
}

/* Decide who sent the request; *expired set when an exec token expired. */
static enum drill_user
authenticate(struct MHD_Connection *conn, const struct drill_creds *creds,
    const char **name, int *expired)
{
	const char	*auth;
	char		*cn;
	int		 r;

	*expired = 0;
	*name = "system:anonymous";
	cn = client_cn(conn);
	if (cn != NULL) {
		r = strcmp(cn, "drill-admin") == 0;
		free(cn);
		if (r) {
			*name = "drill-admin";
			return DRILL_USER_ADMIN;
		}
	}
	auth = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Authorization");
	if (auth == NULL || strncasecmp(auth, "Bearer ", 7) != 0)
		return DRILL_USER_NONE;
	auth += 7;
	while (*auth == ' ')
		auth++;
	if (strcmp(auth, creds->viewer_token) == 0) {
		*name = "drill-viewer";
		return DRILL_USER_VIEWER;
	}
	r = drill_exec_token_check(creds->exec_secret, auth, (int64_t)time(NULL));
	if (r == 1) {
		*name = "drill-exec";
		return DRILL_USER_ADMIN;
	}
	if (r == 0)
		*expired = 1;
	return DRILL_USER_NONE;
}

/* Produce the next piece of a streamed response. */
static ssize_t
stream_reader(void *cls, uint64_t pos, char *buf, size_t max)
{
	struct stream_state	*st = cls;
	long			 n;

	(void)pos;
	for (;;) {
		n = st->resp.stream_read(st->resp.stream, buf, max);
		if (n < 0)
			return MHD_CONTENT_READER_END_OF_STREAM;
		if (n > 0)
			return n;
	}
}

/* Free a stream. */
static void
stream_free(void *cls)
{
	struct stream_state	*st = cls;

	if (st->resp.stream_free != NULL)
		st->resp.stream_free(st->resp.stream);
	free(st);
}

/* The cluster's reachability, or SIM_REACH_REFUSE once the drill stops. */
static enum sim_reach
cluster_reach(struct sim_cluster *c)
{
	enum sim_reach	reach;

	sim_lock(c->sim);
	reach = c->sim->stopping ? SIM_REACH_REFUSE : c->reach;
	sim_unlock(c->sim);
	return reach;
}

/* Wait while the cluster hangs; false if the connection should be dropped. */
static int
wait_reachable(struct sim_cluster *c)
{
	struct timespec	ts = { 0, 100 * 1000 * 1000 };
	enum sim_reach	reach;

	for (;;) {
		reach = cluster_reach(c);
		if (reach != SIM_REACH_HANG)
			break;
		nanosleep(&ts, NULL);
	}
	return reach == SIM_REACH_OK;
}

/* An upgraded exec session: its own thread, since libmicrohttpd's
 * connection thread relays the TLS side meanwhile. */
struct upgraded {
	struct drill_exec		*ex;
	struct sim_cluster		*cluster;
	struct MHD_UpgradeResponseHandle *urh;
	MHD_socket			 sock;
	char				*extra;
	size_t				 extra_len;
};

/* Is the session's cluster still served? */
static int
session_alive(void *arg)
{
	return cluster_reach(arg) == SIM_REACH_OK;
}

/* Run the session, then close the connection. */
static void *
session_main(void *arg)
{
	struct upgraded	*u = arg;

	if (u->ex->portforward)
		drill_pf_run(u->ex, u->sock, u->extra, u->extra_len, session_alive, u->cluster);
	else
		drill_exec_run(u->ex, u->sock, u->extra, u->extra_len, session_alive,
		    u->cluster);
	MHD_upgrade_action(u->urh, MHD_UPGRADE_ACTION_CLOSE);
	drill_exec_free(u->ex);
	free(u->extra);
	free(u);
	return NULL;
}

/* libmicrohttpd hands over the upgraded connection. */
static void
upgrade_cb(void *cls, struct MHD_Connection *conn, void *con_cls, const char *extra_in,
    size_t extra_in_size, MHD_socket sock, struct MHD_UpgradeResponseHandle *urh)
{
	struct upgraded	*u = cls;
	pthread_t	 th;

	(void)conn;
	(void)con_cls;
	u->urh = urh;
	u->sock = sock;
	if (extra_in_size > 0) {
		u->extra = xmalloc(extra_in_size);
		memcpy(u->extra, extra_in, extra_in_size);
		u->extra_len = extra_in_size;
	}
	if (pthread_create(&th, NULL, session_main, u) != 0) {
		MHD_upgrade_action(urh, MHD_UPGRADE_ACTION_CLOSE);
		drill_exec_free(u->ex);
		free(u->extra);
		free(u);
		return;
	}
	pthread_detach(th);
}

/* Switch the connection to a WebSocket exec session. */
static enum MHD_Result
send_upgrade(struct MHD_Connection *conn, struct sim_cluster *c, struct drill_resp *resp)
{
	struct MHD_Response	*r;
	struct upgraded		*u;
	enum MHD_Result		 ret;

	u = xcalloc(1, sizeof *u);
	u->ex = resp->exec;
	u->cluster = c;
	resp->exec = NULL;
	r = MHD_create_response_for_upgrade(upgrade_cb, u);
	if (r == NULL) {
		drill_exec_free(u->ex);
		free(u);
		free(resp->ws_accept);
		return MHD_NO;
	}
	if (u->ex->spdy) {
		MHD_add_response_header(r, "Upgrade", "SPDY/3.1");
		MHD_add_response_header(r, "X-Stream-Protocol-Version", u->ex->protocol);
	} else {
		MHD_add_response_header(r, "Upgrade", "websocket");
		MHD_add_response_header(r, "Sec-WebSocket-Accept", resp->ws_accept);
		MHD_add_response_header(r, "Sec-WebSocket-Protocol", u->ex->protocol);
	}
	free(resp->ws_accept);
	ret = MHD_queue_response(conn, MHD_HTTP_SWITCHING_PROTOCOLS, r);
	MHD_destroy_response(r);
	return ret;
}

/* Send an answer built by api.c. */
static enum MHD_Result
send_resp(struct MHD_Connection *conn, struct drill_resp *resp)
{
	struct MHD_Response	*r;
	struct stream_state	*st;
	enum MHD_Result		 ret;

	if (resp->stream_read != NULL) {
		st = xcalloc(1, sizeof *st);
		st->resp = *resp;
		r = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 64 * 1024,
		    stream_reader, st, stream_free);
		free(resp->body);
	} else {
		r = MHD_create_response_from_buffer(resp->body_len, resp->body,
		    MHD_RESPMEM_MUST_FREE);
	}
	resp->body = NULL;
	if (r == NULL)
		return MHD_NO;
	MHD_add_response_header(r, "Content-Type",
	    resp->content_type != NULL ? resp->content_type : "application/json");
	MHD_add_response_header(r, "Cache-Control", "no-cache, private");
	if (resp->retry_after != NULL) {
		MHD_add_response_header(r, "Retry-After", resp->retry_after);
		free(resp->retry_after);
	}
	ret = MHD_queue_response(conn, (unsigned)resp->status, r);
	MHD_destroy_response(r);
	return ret;
}

/* libmicrohttpd's access handler: collect the body, then answer. */
static enum MHD_Result
handle(void *cls, struct MHD_Connection *conn, const char *url, const char *method,
    const char *version, const char *upload, size_t *upload_size, void **con_cls)
{
	struct listener		*l = cls;
	struct conn_state	*cs = *con_cls;
	struct drill_req	 req;
	struct drill_resp	 resp;
	struct buf		 query = { 0 };
	int			 expired;

	(void)version;
	if (cs == NULL) {
		if (cluster_reach(l->cluster) == SIM_REACH_REFUSE)
			return MHD_NO;
		cs = xcalloc(1, sizeof *cs);
		*con_cls = cs;
		return MHD_YES;
	}
	if (*upload_size > 0) {
		if (!cs->too_big && cs->body.len + *upload_size > DRILL_BODY_MAX)
			cs->too_big = 1;
		if (!cs->too_big)
			buf_add(&cs->body, upload, *upload_size);
		*upload_size = 0;
		return MHD_YES;
	}
	if (!wait_reachable(l->cluster))
		return MHD_NO;

	memset(&req, 0, sizeof req);
	memset(&resp, 0, sizeof resp);
	req.cluster = l->cluster;
	req.creds = l->creds;
	req.method = method;
	req.path = url;
	req.accept = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Accept");
	req.content_type = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
	    "Content-Type");
	req.body = cs->body.p != NULL ? cs->body.p : "";
	req.body_len = cs->body.len;
	req.arg = req_arg;
	req.arg_all = req_arg_all;
	req.conn = conn;
	req.upgrade = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Upgrade");
	req.ws_key = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Sec-WebSocket-Key");
	req.ws_protocol = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
	    "Sec-WebSocket-Protocol");
	req.stream_protocol = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
	    "X-Stream-Protocol-Version");
	MHD_get_connection_values(conn, MHD_GET_ARGUMENT_KIND, query_arg, &query);
	req.query = query.p;
	req.user = authenticate(conn, l->creds, &req.user_name, &expired);
	if (cs->too_big) {
		char *msg = xasprintf("the request body exceeds the limit of %d bytes",
		    DRILL_BODY_MAX);

		drill_api_status(&resp, 413, "RequestEntityTooLarge", msg, NULL, NULL);
		free(msg);
	} else
		drill_api_handle(&req, &resp);
	if (resp.status == 401 && expired) {
		free(resp.body);
		drill_api_status(&resp, 401, "Unauthorized", "Unauthorized: the exec "
		    "credential has expired", NULL, NULL);
	}
	buf_free(&query);
	if (resp.exec != NULL)
		return send_upgrade(conn, l->cluster, &resp);
	return send_resp(conn, &resp);
}

/* Free per-request state when a request completes. */
static void
completed(void *cls, struct MHD_Connection *conn, void **con_cls,
    enum MHD_RequestTerminationCode toe)
{
	struct conn_state	*cs = *con_cls;

	(void)cls;
	(void)conn;
	(void)toe;
	if (cs != NULL) {
		buf_free(&cs->body);
		free(cs);
		*con_cls = NULL;
	}
}

/* Start l's daemon on l->port (0: any). */
static int
listener_start(struct listener *l, char **cause)
{
	struct sockaddr_in		 sin;
	const union MHD_DaemonInfo	*di;

	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_port = htons((uint16_t)l->port);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	l->daemon = MHD_start_daemon(MHD_USE_THREAD_PER_CONNECTION |
	    MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_TLS | MHD_USE_POLL |
	    MHD_ALLOW_UPGRADE,
	    (uint16_t)l->port, NULL, NULL, handle, l,
	    MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sin,
	    MHD_OPTION_HTTPS_MEM_KEY, l->creds->server_key,
	    MHD_OPTION_HTTPS_MEM_CERT, l->creds->server_cert,
	    MHD_OPTION_HTTPS_MEM_TRUST, l->creds->ca_cert,
	    MHD_OPTION_NOTIFY_COMPLETED, completed, NULL,
	    MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)900,
	    MHD_OPTION_CONNECTION_LIMIT, (unsigned int)1000,
	    MHD_OPTION_END);
	if (l->daemon == NULL) {
		*cause = xasprintf("cannot listen on 127.0.0.1:%d for cluster %s", l->port,
		    l->cluster->name);
		return -1;
	}
	di = MHD_get_daemon_info(l->daemon, MHD_DAEMON_INFO_BIND_PORT);
	if (di != NULL && di->port != 0)
		l->port = di->port;
	return 0;
}

/* Start a listener per cluster. */
int
drill_server_start(struct sim *sim, const struct drill_creds *creds, int port_base,
    char **cause)
{
	struct listener	*l;
	size_t		 i;

	for (i = 0; i < sim->nclusters; i++) {
		l = xcalloc(1, sizeof *l);
		l->cluster = sim->clusters[i];
		l->creds = creds;
		l->port = port_base > 0 ? port_base + (int)i : 0;
		sim->clusters[i]->server = l;
		if (listener_start(l, cause) != 0)
			return -1;
		/* Set once: a listener reopened after a refusal keeps its port. */
		sim->clusters[i]->port = l->port;
	}
	return 0;
}

/* Close listeners of refused clusters and reopen recovered ones. */
void
drill_server_poll(struct sim *sim)
{
	struct listener	*l;
	char		*cause = NULL;
	size_t		 i;
	enum sim_reach	 reach;
	int		 stopping;

	for (i = 0; i < sim->nclusters; i++) {
		l = sim->clusters[i]->server;
		/* Read under the lock; the daemon is stopped outside it, since
		 * its threads take the lock to finish their requests. */
		sim_lock(sim);
		stopping = sim->stopping;
		reach = sim->clusters[i]->reach;
		sim_unlock(sim);
		if (l == NULL || stopping)
			continue;
		if (reach == SIM_REACH_REFUSE && l->daemon != NULL) {
			MHD_stop_daemon(l->daemon);
			l->daemon = NULL;
		} else if (reach != SIM_REACH_REFUSE && l->daemon == NULL) {
			if (listener_start(l, &cause) != 0) {
				fprintf(stderr, "opsdeck drill: %s\n", cause);
				free(cause);
				cause = NULL;
			}
		}
	}
}

/* Stop every listener. */
void
drill_server_stop(struct sim *sim)
{
	struct listener	*l;
	size_t		 i;

	for (i = 0; i < sim->nclusters; i++) {
		l = sim->clusters[i]->server;
		if (l == NULL)
			continue;
		if (l->daemon != NULL)
			MHD_stop_daemon(l->daemon);
		free(l);
		sim->clusters[i]->server = NULL;
	}
}
