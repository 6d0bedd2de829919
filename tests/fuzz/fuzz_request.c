/* Fuzz the drill API server's request decoding: routing, query arguments,
 * label and field selectors, JSON and protobuf bodies, the three patch
 * types, subresources and watch setup, against a small in-memory cluster.
 * An exec, attach or portforward upgrade (bit 0x20 of the method byte
 * offers WebSocket) runs its session with the body as the client's bytes.
 *
 * The estate is built once and kept while inputs leave it as it was (its
 * resourceVersion unchanged: no write; no drill state: a look, a silence
 * or a rule evaluated through the proxy); an input that changed it is
 * followed by a fresh one. Random numbers restart from one seed each input, so an
 * input gives the same uids and names whatever ran before it.
 *
 * Input: a method byte, then NUL-separated path, query, content type and
 * body. */
#include <sys/socket.h>

#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "opsdeck/sim.h"
#include "../../drill/drill.h"
#include "../../drill/patch.h"
#include "../../drill/proto.h"
#include "../../drill/sim_store.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

#define MAX_ARGS	16
/* Where the store's random numbers start (uids, generated names): one
 * stream builds the estate, another serves each input (the same stream
 * would hand an input's object the namespace's uid). */
#define ESTATE_SEED	0x6f70736465636bULL
#define INPUT_SEED	0x6472696c6c2d31ULL

/* Decoded query arguments of one input. */
struct fuzz_args {
	char	*key[MAX_ARGS];
	char	*val[MAX_ARGS];
	size_t	 n;
};

static struct fuzz_args	fargs;

/* Query argument lookup for the request. */
static const char *
fuzz_arg(struct drill_req *req, const char *name)
{
	size_t	i;

	(void)req;
	for (i = 0; i < fargs.n; i++) {
		if (strcmp(fargs.key[i], name) == 0)
			return fargs.val[i];
	}
	return NULL;
}

/* Every value of a repeated query argument. */
static size_t
fuzz_arg_all(struct drill_req *req, const char *name, const char **out, size_t max)
{
	size_t	i, n = 0;

	(void)req;
	for (i = 0; i < fargs.n && n < max; i++) {
		if (strcmp(fargs.key[i], name) == 0)
			out[n++] = fargs.val[i];
	}
	return n;
}

/* Sessions run until the client's bytes end. */
static int
fuzz_alive(void *arg)
{
	(void)arg;
	return 1;
}

/* Pipes to the thread that reads what sessions send: a socket's number
 * in, a byte out when the session closed it. */
static int	drain_in[2], drain_out[2];

/* read(2), again when a signal interrupted it: libFuzzer's timeout timer
 * (SIGALRM every timeout/2 + 1 seconds, its handler without SA_RESTART)
 * lands in any thread. */
static ssize_t
read_again(int fd, void *buf, size_t len)
{
	ssize_t n;

	while ((n = read(fd, buf, len)) < 0 && errno == EINTR)
		;
	return n;
}

/* write(2), the same. */
static ssize_t
write_again(int fd, const void *buf, size_t len)
{
	ssize_t n;

	while ((n = write(fd, buf, len)) < 0 && errno == EINTR)
		;
	return n;
}

/* Read and drop what each session sends, until it closes its end. */
static void *
fuzz_drain(void *arg)
{
	char	buf[4096], done = 0;
	int	fd;

	(void)arg;
	while (read_again(drain_in[0], &fd, sizeof fd) == sizeof fd) {
		while (read_again(fd, buf, sizeof buf) > 0)
			;
		if (write_again(drain_out[1], &done, 1) != 1)
			break;
	}
	return NULL;
}

/* Start the reading thread once; false if it cannot run. */
static int
fuzz_drain_start(void)
{
	static int	state;	/* 0 not tried, 1 running, -1 failed */
	pthread_t	t;

	if (state == 0) {
		state = -1;
		if (pipe(drain_in) == 0 && pipe(drain_out) == 0 &&
		    pthread_create(&t, NULL, fuzz_drain, NULL) == 0) {
			pthread_detach(t);
			state = 1;
		}
	}
	return state == 1;
}

/* Run the session resp upgraded to with body as everything the client
 * sends (small bodies only), reading what it sends back as a client would
 * (a terminal session echoes and prompts: more than a socket buffer holds
 * when nothing reads it, and the session would wait forever). */
static void
fuzz_session(struct drill_resp *resp, const char *body, size_t len)
{
	int	sv[2];
	char	done;

	if (len <= 4096 && fuzz_drain_start() &&
	    socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0) {
		if (write_again(sv[0], body, len) == (ssize_t)len && shutdown(sv[0], SHUT_WR) == 0 &&
		    write_again(drain_in[1], &sv[0], sizeof sv[0]) == sizeof sv[0]) {
			if (resp->exec->portforward)
				drill_pf_run(resp->exec, sv[1], NULL, 0, fuzz_alive, NULL);
			else
				drill_exec_run(resp->exec, sv[1], NULL, 0, fuzz_alive, NULL);
			shutdown(sv[1], SHUT_RDWR);
			if (read_again(drain_out[0], &done, 1) != 1)
				abort();
		}
		close(sv[0]);
		close(sv[1]);
	}
	drill_exec_free(resp->exec);
	free(resp->ws_accept);
}

/* Split "a=b&c=d" (no percent-decoding: arguments arrive decoded). */
static void
parse_query(char *q)
{
	char	*tok, *eq, *save = NULL;

	fargs.n = 0;
	for (tok = strtok_r(q, "&", &save); tok != NULL && fargs.n < MAX_ARGS;
	    tok = strtok_r(NULL, "&", &save)) {
		eq = strchr(tok, '=');
		if (eq != NULL)
			*eq++ = '\0';
		fargs.key[fargs.n] = tok;
		fargs.val[fargs.n] = eq != NULL ? eq : (char *)"";
		fargs.n++;
	}
}

/* A small estate: namespaces, a deployment and its pod. */
static struct sim *
fuzz_sim(void)
{
	struct sim		*sim = sim_new();
	struct sim_cluster	*c = sim_add_cluster(sim, "fuzz", "r", "primary", false);
	char			*cause = NULL;

	sim_store_seed(c, ESTATE_SEED);
	sim_obj_create(c, kind_find_api("", "namespaces"), NULL,
	    json_pack("{s:{s:s}}", "metadata", "name", "default"), NULL, &cause);
	sim_obj_create(c, kind_find_api("apps", "deployments"), "default",
	    json_pack("{s:{s:s,s:{s:s}},s:{s:i,s:{s:{s:s}},s:{s:{s:[{s:s,s:s}]}}}}",
	    "metadata", "name", "web", "labels", "app", "web", "spec", "replicas", 2,
	    "selector", "matchLabels", "app", "web", "template", "spec", "containers",
	    "name", "web", "image", "nginx"), NULL, &cause);
	sim_obj_create(c, kind_find_api("", "pods"), "default",
	    json_pack("{s:{s:s,s:{s:s}},s:{s:s,s:[{s:s,s:[{s:i}]}]},s:{s:s}}", "metadata",
	    "name", "web-1", "labels", "app", "web", "spec", "nodeName", "n1", "containers",
	    "name", "web", "ports", "containerPort", 80, "status", "phase", "Running"), NULL,
	    &cause);
	free(cause);
	sim->stopping = 1;	/* streams end as soon as their backlog is read */
	return sim;
}

/* The estate every input starts from (see the top of the file). */
static struct sim	*base_sim;
static uint64_t		 base_rv;

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *methods[] = { "GET", "POST", "PUT", "PATCH", "DELETE" };
	static struct drill_creds creds;
	struct sim	*sim;
	struct sim_cluster *c;
	struct drill_req req;
	struct drill_resp resp;
	char		*buf, *parts[4], *p, *end, out[4096], *cause = NULL;
	size_t		 i, body_len;
	json_t		*doc, *res = NULL;
	int		 guard;

	if (size < 1 || size > 65536)
		return 0;
	buf = malloc(size + 1);
	memcpy(buf, data + 1, size - 1);
	buf[size - 1] = '\0';
	end = buf + size - 1;
	p = buf;
	for (i = 0; i < 4; i++) {
		parts[i] = p;
		if (i < 3) {
			p = memchr(p, '\0', (size_t)(end - p));
			p = p != NULL ? p + 1 : end;
		}
	}
	body_len = (size_t)(end - parts[3]);

	/* The decoders on their own. */
	res = drill_proto_decode(parts[3], body_len, &cause);
	json_decref(res);
	free(cause);
	cause = NULL;
	doc = json_pack("{s:{s:s},s:{s:[{s:s}]}}", "metadata", "name", "x", "spec",
	    "containers", "name", "a");
	res = NULL;
	drill_patch(parts[2], doc, parts[3], body_len, &res, &cause);
	json_decref(res);
	json_decref(doc);
	free(cause);
	cause = NULL;

	/* The whole request path. */
	if (base_sim == NULL) {
		base_sim = fuzz_sim();
		base_rv = sim_store_rv(base_sim->clusters[0]);
	}
	sim = base_sim;
	c = sim->clusters[0];
	c->reach = SIM_REACH_OK;
	sim_store_seed(c, INPUT_SEED);
	{
		char *q = strdup(parts[1]);

		parse_query(q);
		memset(&req, 0, sizeof req);
		memset(&resp, 0, sizeof resp);
		req.cluster = c;
		req.creds = &creds;
		req.user = (data[0] & 0x80) ? DRILL_USER_VIEWER : DRILL_USER_ADMIN;
		req.user_name = req.user == DRILL_USER_ADMIN ? "drill-admin" : "drill-viewer";
		req.method = methods[(data[0] & 0x7f) % 5];
		req.path = parts[0];
		req.accept = (data[0] & 0x40) ? "application/json;as=Table;v=v1;g=meta.k8s.io" :
		    "application/json";
		req.content_type = parts[2];
		req.body = parts[3];
		req.body_len = body_len;
		req.arg = fuzz_arg;
		req.arg_all = fuzz_arg_all;
		if (data[0] & 0x20) {
			req.upgrade = "websocket";
			req.ws_key = "dGhlIHNhbXBsZSBub25jZQ==";
			req.ws_protocol = "v5.channel.k8s.io, v4.channel.k8s.io, "
			    "SPDY/3.1+portforward.k8s.io";
		}
		drill_api_handle(&req, &resp);
		if (resp.exec != NULL)
			fuzz_session(&resp, parts[3], body_len);
		if (resp.stream_read != NULL) {
			for (guard = 0; guard < 10000; guard++) {
				if (resp.stream_read(resp.stream, out, sizeof out) < 0)
					break;
			}
			resp.stream_free(resp.stream);
		}
		free(resp.body);
		free(resp.retry_after);
		free(q);
	}
	if (sim_store_rv(c) != base_rv || sim->scn != NULL || c->ctl != NULL) {
		sim_free(base_sim);
		base_sim = NULL;
	}
	free(buf);
	return 0;
}
