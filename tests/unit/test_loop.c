/* Unit tests for the event loop: timer order, cancellation, fd callbacks,
 * before-sleep hooks, loop_run_until's timeout, a real HTTP transfer
 * finishing through the loop while a timer keeps running, and a streamed
 * body read a slice a turn under a turn's budget. */
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <microhttpd.h>

#include "opsdeck/http.h"
#include "opsdeck/loop.h"

/* A record of which timers fired, in order. */
struct order {
	struct loop	*loop;
	int		 fired[16];
	int		 n;
};

/* A timer callback's argument. */
struct targ {
	struct order	*o;
	int		 id;
};

/* Record a firing. */
static void
record(void *arg)
{
	struct targ *t = arg;

	t->o->fired[t->o->n++] = t->id;
}

/* Loop condition: n timers fired. */
static int
fired_enough(void *arg)
{
	struct order *o = arg;

	return o->n >= 4;
}

/* Timers fire in deadline order, not insertion order; a cancelled one
 * never fires. */
static void
test_timer_order(void **state)
{
	struct loop *l = loop_new();
	struct order o;
	struct targ t[5];
	struct loop_timer *cancelled;
	int i;

	memset(&o, 0, sizeof o);
	for (i = 0; i < 5; i++) {
		t[i].o = &o;
		t[i].id = i;
	}
	loop_timer_add(l, 0.20, record, &t[0]);
	loop_timer_add(l, 0.05, record, &t[1]);
	cancelled = loop_timer_add(l, 0.01, record, &t[4]);
	loop_timer_add(l, 0.15, record, &t[2]);
	loop_timer_add(l, 0.10, record, &t[3]);
	loop_timer_cancel(l, cancelled);
	assert_int_equal(loop_run_until(l, fired_enough, &o, 30), 0);
	assert_int_equal(o.n, 4);
	assert_int_equal(o.fired[0], 1);
	assert_int_equal(o.fired[1], 3);
	assert_int_equal(o.fired[2], 2);
	assert_int_equal(o.fired[3], 0);
	loop_free(l);
}

/* Equal deadlines fire in the order they were added. */
static void
test_timer_ties(void **state)
{
	struct loop *l = loop_new();
	struct order o;
	struct targ t[4];
	int i;

	memset(&o, 0, sizeof o);
	for (i = 0; i < 4; i++) {
		t[i].o = &o;
		t[i].id = i;
		loop_timer_add(l, 0, record, &t[i]);
	}
	assert_int_equal(loop_run_until(l, fired_enough, &o, 30), 0);
	for (i = 0; i < 4; i++)
		assert_int_equal(o.fired[i], i);
	loop_free(l);
}

/* Never true. */
static int
never(void *arg)
{
	return 0;
}

/* loop_run_until gives up after its timeout and says so. */
static void
test_run_until_timeout(void **state)
{
	struct loop *l = loop_new();
	double t0 = loop_now();

	assert_int_equal(loop_run_until(l, never, NULL, 0.2), -1);
	assert_true(loop_now() - t0 >= 0.19);
	loop_free(l);
}

/* What an fd callback saw. */
struct fdseen {
	struct loop	*loop;
	char		 buf[64];
	size_t		 len;
	int		 calls;
	int		 hooks;
};

/* Read what is there; stop watching at EOF. */
static void
on_readable(int fd, short revents, void *arg)
{
	struct fdseen *s = arg;
	ssize_t n;

	s->calls++;
	n = read(fd, s->buf + s->len, sizeof s->buf - 1 - s->len);
	if (n > 0)
		s->len += (size_t)n;
	else
		loop_remove_fd(s->loop, fd);
	s->buf[s->len] = '\0';
}

/* Loop condition: "hello world" arrived. */
static int
got_all(void *arg)
{
	struct fdseen *s = arg;

	return strcmp(s->buf, "hello world") == 0;
}

/* The write end for a timer. */
static int write_fd = -1;

/* Write the second half from a timer. */
static void
write_rest(void *arg)
{
	(void)arg;
	assert_int_equal(write(write_fd, " world", 6), 6);
}

/* Count before-sleep calls. */
static void
hook(void *arg)
{
	((struct fdseen *)arg)->hooks++;
}

/* An fd callback runs when the pipe is readable, across turns; hooks run
 * every turn. */
static void
test_fd_callback(void **state)
{
	struct loop *l = loop_new();
	struct fdseen s;
	int p[2];

	memset(&s, 0, sizeof s);
	s.loop = l;
	assert_int_equal(pipe(p), 0);
	write_fd = p[1];
	loop_add_fd(l, p[0], POLLIN, on_readable, &s);
	loop_before_sleep(l, hook, &s);
	assert_int_equal(write(p[1], "hello", 5), 5);
	loop_timer_add(l, 0.05, write_rest, NULL);
	assert_int_equal(loop_run_until(l, got_all, &s, 30), 0);
	assert_true(s.calls >= 2);
	assert_true(s.hooks >= 2);
	loop_remove_fd(l, p[0]);
	close(p[0]);
	close(p[1]);
	loop_free(l);
}

/* A pipe whose writer closed is reported (POLLHUP) so the owner can drop
 * it, instead of the loop spinning silently. */
static void
test_fd_hangup(void **state)
{
	struct loop *l = loop_new();
	struct fdseen s;
	int p[2];

	memset(&s, 0, sizeof s);
	s.loop = l;
	assert_int_equal(pipe(p), 0);
	loop_add_fd(l, p[0], POLLIN, on_readable, &s);
	close(p[1]);
	loop_run_until(l, never, NULL, 0.3);
	/* one call that read EOF and removed the fd; no further calls */
	assert_int_equal(s.calls, 1);
	close(p[0]);
	loop_free(l);
}

/* loop_stop ends loop_run from a timer. */
static void
stop_it(void *arg)
{
	loop_stop(arg);
}

/* loop_run returns after loop_stop. */
static void
test_stop(void **state)
{
	struct loop *l = loop_new();

	loop_timer_add(l, 0.01, stop_it, l);
	assert_int_equal(loop_run(l), 0);
	loop_free(l);
}

/* Result of a transfer. */
struct xfer {
	int		 done;
	CURLcode	 rc;
	int		 ticks;
	struct loop	*loop;
};

/* Transfer finished. */
static void
xfer_done(CURL *easy, CURLcode rc, void *arg)
{
	struct xfer *x = arg;

	x->done = 1;
	x->rc = rc;
}

/* Transfer finished condition. */
static int
xfer_finished(void *arg)
{
	return ((struct xfer *)arg)->done;
}

/* A repeating timer. */
static void
tick(void *arg)
{
	struct xfer *x = arg;

	x->ticks++;
	if (!x->done)
		loop_timer_add(x->loop, 0.02, tick, x);
}

/* A transfer to a port nobody listens on ends with an error through the
 * loop's done callback; timers keep firing meanwhile. */
static void
test_transfer_refused(void **state)
{
	struct loop *l = loop_new();
	struct xfer x;
	CURL *easy = curl_easy_init();

	memset(&x, 0, sizeof x);
	x.loop = l;
	curl_easy_setopt(easy, CURLOPT_URL, "http://127.0.0.1:1/");
	curl_easy_setopt(easy, CURLOPT_CONNECTTIMEOUT_MS, 5000L);
	loop_add_transfer(l, easy, xfer_done, &x);
	loop_timer_add(l, 0, tick, &x);
	assert_int_equal(loop_run_until(l, xfer_finished, &x, 30), 0);
	assert_int_equal(x.rc, CURLE_COULDNT_CONNECT);
	assert_true(x.ticks >= 1);
	curl_easy_cleanup(easy);
	loop_free(l);
}

/* The streamed body: 2 MiB of numbered lines. */
#define STREAM_LEN	(2u << 20)
static char *stream_body;

static enum MHD_Result
serve_stream(void *cls, struct MHD_Connection *conn, const char *url, const char *method,
    const char *version, const char *upload, size_t *upload_size, void **ptr)
{
	struct MHD_Response *resp;
	enum MHD_Result rc;

	(void)cls; (void)url; (void)method; (void)version; (void)upload; (void)upload_size;
	(void)ptr;
	resp = MHD_create_response_from_buffer(STREAM_LEN, stream_body, MHD_RESPMEM_PERSISTENT);
	rc = MHD_queue_response(conn, MHD_HTTP_OK, resp);
	MHD_destroy_response(resp);
	return rc;
}

/* What a streamed request saw: its bytes, and the most data callbacks of
 * one loop turn. */
struct stream {
	struct loop	*loop;
	char		*got;
	size_t		 len;
	uint64_t	 turn;
	int		 in_turn, most, turns, done;
	long		 status;
};

static int
stream_data(const char *data, size_t len, void *arg)
{
	struct stream *st = arg;

	if (st->len + len > STREAM_LEN)
		return 1;
	memcpy(st->got + st->len, data, len);
	st->len += len;
	if (loop_turn(st->loop) != st->turn) {
		st->turn = loop_turn(st->loop);
		st->in_turn = 0;
		st->turns++;
	}
	if (++st->in_turn > st->most)
		st->most = st->in_turn;
	return 0;
}

static void
stream_done(struct http_req *r, void *arg)
{
	struct stream *st = arg;

	st->status = http_status(r);
	st->done = 1;
}

static int
stream_finished(void *arg)
{
	return ((struct stream *)arg)->done;
}

/* A descriptor with input that nobody reads: input always waits. */
static void
input_unread(int fd, short revents, void *arg)
{
	(void)fd;
	(void)revents;
	(void)arg;
}

/* Read the stream at port with a turn's budget of budget seconds, and
 * input waiting all along if `input`. */
static void
read_stream(unsigned port, double budget, bool input, struct stream *st)
{
	struct http_opts o;
	CURL *easy = curl_easy_init();
	char url[64];
	int p[2];

	memset(st, 0, sizeof *st);
	st->loop = loop_new();
	st->got = calloc(1, STREAM_LEN);
	loop_set_budget(st->loop, budget);
	assert_int_equal(pipe(p), 0);
	if (input) {
		assert_int_equal(write(p[1], "k", 1), 1);
		loop_add_fd(st->loop, p[0], POLLIN, input_unread, NULL);
	}
	snprintf(url, sizeof url, "http://127.0.0.1:%u/", port);
	curl_easy_setopt(easy, CURLOPT_URL, url);
	memset(&o, 0, sizeof o);
	o.max_body = 2 * STREAM_LEN;
	o.on_data = stream_data;
	http_start(st->loop, easy, &o, stream_done, st);
	assert_int_equal(loop_run_until(st->loop, stream_finished, st, 60), 0);
	assert_int_equal(st->status, 200);
	assert_int_equal(st->len, STREAM_LEN);
	assert_memory_equal(st->got, stream_body, STREAM_LEN);
	free(st->got);
	loop_free(st->loop);
	close(p[0]);
	close(p[1]);
}

/* Under a turn's budget (here always spent) and with input waiting, a
 * streamed body is read one piece a turn, paused between turns, and
 * arrives whole and in order; with no input waiting, or no budget, pieces
 * are read as they come. */
static void
test_read_budget(void **state)
{
	struct MHD_Daemon *d;
	const union MHD_DaemonInfo *di;
	struct stream st;
	size_t i;

	stream_body = malloc(STREAM_LEN + 1);	/* (the last line's NUL) */
	for (i = 0; i < STREAM_LEN; i += 32)
		snprintf(stream_body + i, 33, "line %08zu of the stream ...\n", i / 32);
	d = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD, 0, NULL, NULL, serve_stream, NULL,
	    MHD_OPTION_END);
	assert_non_null(d);
	di = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
	assert_non_null(di);

	read_stream(di->port, 1e-9, true, &st);
	assert_int_equal(st.most, 1);
	assert_true(st.turns > 1);
	read_stream(di->port, 1e-9, false, &st);	/* no key waits: */
	assert_true(st.most > 1);			/* not paused */
	read_stream(di->port, 0, true, &st);		/* no budget */

	MHD_stop_daemon(d);
	free(stream_body);
	(void)state;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_timer_order),
		cmocka_unit_test(test_timer_ties),
		cmocka_unit_test(test_run_until_timeout),
		cmocka_unit_test(test_fd_callback),
		cmocka_unit_test(test_fd_hangup),
		cmocka_unit_test(test_stop),
		cmocka_unit_test(test_transfer_refused),
		cmocka_unit_test(test_read_budget),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
