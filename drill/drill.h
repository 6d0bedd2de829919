/* Internals of the drill API server shared by drill_main.c, server.c,
 * the api*.c files, certs.c and kubeconfig_out.c. */
#ifndef OPSDECK_DRILL_DRILL_H
#define OPSDECK_DRILL_DRILL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "opsdeck/sim.h"

/* Certificates and keys (PEM) generated at start, and the credentials the
 * server accepts. */
struct drill_creds {
	char	*ca_cert;
	char	*server_cert;
	char	*server_key;
	char	*client_cert;	/* CN=drill-admin, O=system:masters */
	char	*client_key;
	char	*viewer_token;	/* bearer token of user drill-viewer */
	char	*exec_secret;	/* HMAC key of exec-plugin tokens (hex) */
};

/* Who a request comes from. */
enum drill_user {
	DRILL_USER_NONE,	/* no or invalid credentials: 401 */
	DRILL_USER_ADMIN,	/* client cert or exec token: everything */
	DRILL_USER_VIEWER,	/* bearer token: get, list, watch */
};

/* opsdeck drill report (drill/report.c), and the file a drill saves its
 * status in for it (new). */
int	 drill_report(int, char **);
char	*drill_report_path(void);

/* Default lifetime of exec-plugin tokens, seconds (OPSDECK_DRILL_TOKEN_TTL). */
#define DRILL_TOKEN_TTL	900

/* Generate the CA, server and client certificates and the tokens. */
int	 drill_creds_generate(struct drill_creds *, char **cause);
void	 drill_creds_free(struct drill_creds *);
/* An exec-plugin token for secret valid until expiry (unix seconds); new. */
char	*drill_exec_token(const char *secret, int64_t expiry);
/* Check an exec-plugin token: 1 valid, 0 expired, -1 not ours. */
int	 drill_exec_token_check(const char *secret, const char *token, int64_t now);
/* The authentication.kubernetes.io/credential-id of a client certificate
 * (PEM): X509SHA256=<hex> (new), or NULL. */
char	*drill_cert_credential_id(const char *pem);
/* Base64 of len bytes (new string). */
char	*drill_base64(const void *, size_t len);

/* Write the kubeconfig for every cluster of sim atomically to path; self is
 * the absolute path of this program (exec plugin command). */
int	 drill_kubeconfig_write(struct sim *, const struct drill_creds *, const char *path,
	    const char *self, char **cause);

/* Start one HTTPS listener per cluster (port_base 0: ephemeral ports; the
 * chosen port is stored in cluster->port). */
int	 drill_server_start(struct sim *, const struct drill_creds *, int port_base,
	    char **cause);
/* Follow clusters' reach: close listeners of refused clusters, reopen them
 * when they are reachable again. Call without the lock. */
void	 drill_server_poll(struct sim *);
/* Stop every listener (sim->stopping must be set). */
void	 drill_server_stop(struct sim *);

/* One API request, decoded by server.c and answered by api.c. */
struct drill_req {
	struct sim_cluster	*cluster;
	const struct drill_creds *creds;
	enum drill_user		 user;
	const char		*user_name;
	const char		*method;
	const char		*path;		/* without query */
	const char		*accept;
	const char		*content_type;
	const char		*body;
	size_t			 body_len;
	const char		*query;		/* raw query string or NULL */
	/* Query arguments (decoded). */
	const char		*(*arg)(struct drill_req *, const char *name);
	/* Every value of a repeated query argument, in order (at most max);
	 * their count. */
	size_t			 (*arg_all)(struct drill_req *, const char *name,
				    const char **out, size_t max);
	void			*conn;
	/* A WebSocket upgrade's headers, or NULL. */
	const char		*upgrade;	/* Upgrade */
	const char		*ws_key;	/* Sec-WebSocket-Key */
	const char		*ws_protocol;	/* Sec-WebSocket-Protocol */
	const char		*stream_protocol; /* X-Stream-Protocol-Version (SPDY) */
};

/* An exec or attach session the answer upgrades to (exec.c runs it). */
struct drill_exec {
	char		**argv;		/* the command (exec) */
	size_t		  argc;
	char		**env;		/* NAME=value of the container */
	size_t		  nenv;
	char		 *hostname;
	char		 *ns;
	char		 *ip;
	const char	 *protocol;	/* the chosen subprotocol (static) */
	int		  v5;		/* v5.channel.k8s.io: stream close messages */
	int		  attach;
	int		  tty;
	int		  in, out, err;	/* the streams asked for */
	int		  portforward;	/* a pods/portforward session (portforward.c) */
	int		  spdy;		/* upgraded to SPDY/3.1 itself, not WebSocket */
	int		 *ports;	/* the pod's containerPorts */
	size_t		  nports;
};

/* One WebSocket connection of a streaming session (ws.c). */
struct drill_ws {
	int		 fd;
	int		 raw;		/* no WebSocket: bytes are messages as read */
	int		 closed;	/* the peer went away, or broke the protocol */
	int		 stop;		/* the session is over: read no more */
	/* each whole message from the client */
	void		(*on_message)(void *arg, const unsigned char *, size_t);
	void		*arg;
	unsigned char	*in;		/* bytes read, not yet framed */
	size_t		 inlen, incap;
	unsigned char	*msg;		/* message being reassembled */
	size_t		 msglen;
};

/* The Sec-WebSocket-Accept of a client key (new), or NULL. */
char		*drill_ws_accept(const char *key);
/* The first of supported (NULL-terminated, best first) in a client's comma
 * list, or NULL. */
const char	*drill_ws_protocol(const char *offered, const char *const *supported);
/* Send one frame (2 binary, 8 close, 10 pong); -1 once the peer is gone. */
int		 drill_ws_send(struct drill_ws *, int opcode, const void *, size_t);
/* Read (extra first: bytes that came with the request) and hand messages
 * to on_message until stop is set, the peer goes, or alive(arg) is 0. */
void		 drill_ws_run(struct drill_ws *, const char *extra, size_t extra_len,
		    int (*alive)(void *), void *arg);
/* Close (status 1000) unless the peer went; free the buffers. */
void		 drill_ws_close(struct drill_ws *);
/* The subprotocols of exec and attach (exec.c), of portforward. */
extern const char *const drill_exec_protocols[];
extern const char *const drill_pf_protocols[];
/* Run a portforward session (as drill_exec_run). */
void		 drill_pf_run(struct drill_exec *, int fd, const char *extra,
		    size_t extra_len, int (*alive)(void *), void *arg);
/* Run a session on the upgraded connection fd (blocking, in its own
 * thread) until the command ends, the client goes, or alive(arg) turns 0;
 * extra: bytes the client sent after its request. */
void		 drill_exec_run(struct drill_exec *, int fd, const char *extra,
		    size_t extra_len, int (*alive)(void *), void *arg);
void		 drill_exec_free(struct drill_exec *);

/* What api.c answers: either a whole body or a stream. */
struct drill_resp {
	int		 status;
	const char	*content_type;
	char		*body;		/* whole body (new) */
	size_t		 body_len;
	/* Streaming (watch, log follow): called repeatedly to fill buf; returns
	 * bytes written, 0 to wait again, -1 at the end. */
	void		*stream;
	long		(*stream_read)(void *stream, char *buf, size_t max);
	void		(*stream_free)(void *stream);
	char		*retry_after;	/* Retry-After header or NULL */
	/* 101 Switching Protocols to this session (status 101), or NULL. */
	struct drill_exec *exec;
	char		*ws_accept;	/* its Sec-WebSocket-Accept */
};

/* Largest request body accepted. */
#define DRILL_BODY_MAX	(3 * 1024 * 1024)

/* Answer a request (takes and releases the lock itself). */
void	 drill_api_handle(struct drill_req *, struct drill_resp *);
/* Fill the API's field defaults of a res object in place (defaults.c). */
void	 drill_defaults(const struct kind *res, json_t *obj);
/* A Status error response (drill/api_reply.c). */
void	 drill_api_status(struct drill_resp *, int code, const char *reason,
	    const char *message, const char *kind, const char *name);

#endif
