/* Unit tests for the client's one-shot requests against a server that asks
 * to be retried (429 with Retry-After): a GET is sent again after the time
 * asked, a bounded number of times, as kubectl does; a request that may
 * change something (POST, PATCH...) is never sent twice. The server is a
 * child process on loopback that answers from a script: one status per
 * request, the last one repeated. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "opsdeck/client.h"
#include "opsdeck/kubeconfig.h"
#include "opsdeck/loop.h"
#include "opsdeck/store.h"
#include "opsdeck/xmalloc.h"

/* The scripted server. */
struct srv {
	int	port;
	pid_t	pid;
};

/* Answer requests: the i-th gets script[i] (the last one repeats), a body
 * {"message":"request N"} and, for 429, Retry-After: 0. */
static void
srv_start(struct srv *s, const int *script, size_t n)
{
	struct sockaddr_in sa;
	socklen_t sl = sizeof sa;
	int ls, c, one = 1;
	size_t i;

	ls = socket(AF_INET, SOCK_STREAM, 0);
	setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	memset(&sa, 0, sizeof sa);
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (ls == -1 || bind(ls, (struct sockaddr *)&sa, sizeof sa) != 0 || listen(ls, 8) != 0 ||
	    getsockname(ls, (struct sockaddr *)&sa, &sl) != 0)
		fail_msg("server: %s", strerror(errno));
	s->port = ntohs(sa.sin_port);
	s->pid = fork();
	if (s->pid != 0) {
		close(ls);
		return;
	}
	alarm(30);
	for (i = 0;; i++) {
		char req[4096], body[64], *resp;
		size_t got = 0;
		ssize_t r;
		int st = script[i < n ? i : n - 1];

		c = accept(ls, NULL, NULL);
		if (c == -1)
			_exit(1);
		while (got < sizeof req - 1 && (r = read(c, req + got, sizeof req - 1 - got)) > 0) {
			got += (size_t)r;
			req[got] = '\0';
			if (strstr(req, "\r\n\r\n") != NULL)
				break;
		}
		snprintf(body, sizeof body, "{\"message\":\"request %zu\"}", i + 1);
		resp = xasprintf("HTTP/1.1 %d X\r\nContent-Type: application/json\r\n%s"
		    "Content-Length: %zu\r\nConnection: close\r\n\r\n%s", st,
		    st == 429 ? "Retry-After: 0\r\n" : "", strlen(body), body);
		if (write(c, resp, strlen(resp)) < 0)
			_exit(1);
		free(resp);
		close(c);
	}
}

/* Stop the server. */
static void
srv_stop(struct srv *s)
{
	kill(s->pid, SIGKILL);
	waitpid(s->pid, NULL, 0);
}

/* What a request ended with. */
struct outcome {
	bool	 done;
	long	 status;
	char	*body;
};

/* client_done_cb: keep the outcome. */
static void
on_done(const struct client_response *r, void *arg)
{
	struct outcome *o = arg;

	o->done = true;
	o->status = r->status;
	o->body = xstrndup(r->body, r->len);
}

/* Loop condition: the request ended. */
static int
is_done(void *arg)
{
	return ((struct outcome *)arg)->done;
}

/* A client on one context whose API server answers script. */
struct harness {
	struct srv		 s;
	struct kubeconfig	*kc;
	struct loop		*loop;
	struct store		*st;
	struct client		*c;
	char			*text;
};

static void
h_open(struct harness *h, const int *script, size_t n)
{
	struct kube_context *ctx;
	struct client_opts opts;
	char *cause = NULL;

	srv_start(&h->s, script, n);
	h->loop = loop_new();
	h->st = store_new();
	h->text = xasprintf("clusters:\n- name: c\n  cluster: {server: 'http://127.0.0.1:%d'}\n"
	    "users:\n- name: u\n  user: {token: t}\n"
	    "contexts:\n- {name: x, context: {cluster: c, user: u}}\n", h->s.port);
	h->kc = kubeconfig_parse(h->text, strlen(h->text), "inline", NULL, &cause);
	assert_non_null(h->kc);
	ctx = kubeconfig_find(h->kc, "x");
	memset(&opts, 0, sizeof opts);
	opts.health_interval = -1;
	h->c = client_new(h->loop, h->st, &ctx, 1, &opts);
}

static void
h_close(struct harness *h)
{
	client_free(h->c);
	store_free(h->st);
	loop_free(h->loop);
	kubeconfig_free(h->kc);
	free(h->text);
	srv_stop(&h->s);
}

/* One request with method to a server answering script; its outcome. */
static void
run(const char *method, const int *script, size_t n, struct outcome *o)
{
	struct harness h;

	h_open(&h, script, n);
	memset(o, 0, sizeof *o);
	client_request(h.c, 0, method, "/api/v1/namespaces/default/pods/p", NULL,
	    strcmp(method, "GET") == 0 ? NULL : "{}", on_done, o);
	assert_int_equal(loop_run_until(h.loop, is_done, o, 20), 0);
	h_close(&h);
}

/* A request cancelled while it is out never calls back (a view that is
 * gone is never handed an answer), and the others still come. */
static void
test_cancelled(void **state)
{
	static const int script[] = { 200 };
	struct harness h;
	struct outcome gone, kept;
	struct client_call *call;

	(void)state;
	h_open(&h, script, 1);
	memset(&gone, 0, sizeof gone);
	memset(&kept, 0, sizeof kept);
	call = client_request(h.c, 0, "GET", "/api/v1/namespaces/default/pods/a", NULL, NULL,
	    on_done, &gone);
	assert_non_null(call);
	client_request(h.c, 0, "GET", "/api/v1/namespaces/default/pods/b", NULL, NULL,
	    on_done, &kept);
	client_call_cancel(h.c, call);
	client_call_cancel(h.c, NULL);
	assert_int_equal(loop_run_until(h.loop, is_done, &kept, 20), 0);
	assert_int_equal(kept.status, 200);
	/* a request to a cluster that does not exist answers later, never
	 * from inside the call */
	client_request(h.c, 7, "GET", "/version", NULL, NULL, on_done, &gone);
	assert_false(gone.done);
	assert_int_equal(loop_run_until(h.loop, is_done, &gone, 20), 0);
	assert_int_equal(gone.status, 0);
	free(kept.body);
	free(gone.body);
	h_close(&h);
}

/* 429 with Retry-After, then 200: the GET is answered by the second try. */
static void
test_get_retried(void **state)
{
	static const int script[] = { 429, 200 };
	struct outcome o;

	run("GET", script, 2, &o);
	assert_int_equal(o.status, 200);
	assert_string_equal(o.body, "{\"message\":\"request 2\"}");
	free(o.body);
}

/* Always 429: the GET gives up with the server's answer after 5 retries. */
static void
test_get_bounded(void **state)
{
	static const int script[] = { 429 };
	struct outcome o;

	run("GET", script, 1, &o);
	assert_int_equal(o.status, 429);
	assert_string_equal(o.body, "{\"message\":\"request 6\"}");
	free(o.body);
}

/* A PATCH answered 429 is not sent again: the caller sees the 429. */
static void
test_write_not_retried(void **state)
{
	static const int script[] = { 429, 200 };
	struct outcome o;

	run("PATCH", script, 2, &o);
	assert_int_equal(o.status, 429);
	assert_string_equal(o.body, "{\"message\":\"request 1\"}");
	free(o.body);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_get_retried),
		cmocka_unit_test(test_get_bounded),
		cmocka_unit_test(test_write_not_retried),
		cmocka_unit_test(test_cancelled),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
