/* Unit tests for the event loop: timer order, cancellation, fd callbacks,
 * before-sleep hooks, loop_run_until's timeout, and a real HTTP transfer
 * finishing through the loop while a timer keeps running. */
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

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
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
