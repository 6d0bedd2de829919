/* The one event loop.
 *
 * Built on curl_multi_poll() rather than curl_multi_socket_action() with a
 * poll of our own: the loop has a handful of extra descriptors (stdin, the
 * signal self-pipe, a test's pipe) and at most a few hundred transfers
 * (clusters x kinds), so letting libcurl build the poll set each turn costs
 * nothing measurable, and it keeps libcurl's own timeouts (connect, low
 * speed, HTTP/2 pings) handled inside curl_multi_poll without a second
 * socket/timer callback bookkeeping layer. curl_multi_wakeup() is not needed:
 * everything runs on this one thread. */
#include <errno.h>
#include <math.h>
#include <poll.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "opsdeck/loop.h"
#include "opsdeck/xmalloc.h"

/* A running transfer and what to call when it ends. */
struct loop_transfer {
	CURL		*easy;
	void		(*done)(CURL *, CURLcode, void *);
	void		*arg;
	bool		 paused;	/* loop_pause: resumed next turn */
};

/* A watched descriptor. */
struct loop_fd {
	int		 fd;
	short		 events;
	void		(*cb)(int, short, void *);
	void		*arg;
	bool		 dead;
};

/* A one-shot timer; heap_idx is its slot in the heap (SIZE_MAX if none). */
struct loop_timer {
	double		 when;
	uint64_t	 seq;
	void		(*cb)(void *);
	void		*arg;
	size_t		 heap_idx;
};

/* A before-sleep hook. */
struct loop_hook {
	void		(*cb)(void *);
	void		*arg;
};

/* The loop. */
struct loop {
	CURLM			*multi;
	struct loop_transfer	*xfers;
	size_t			 nxfers;
	size_t			 xfers_cap;
	struct loop_fd		*fds;
	size_t			 nfds;
	size_t			 fds_cap;
	struct loop_timer	**heap;
	size_t			 nheap;
	size_t			 heap_cap;
	uint64_t		 seq;
	struct loop_hook	*hooks;
	size_t			 nhooks;
	size_t			 hooks_cap;
	bool			 stop;
	int			 in_fd_dispatch;
	size_t			 npaused;
	double			 budget;	/* loop_set_budget, or 0 */
	double			 io_at;		/* when this turn's I/O began */
	uint64_t		 turn;		/* turns begun */
	uint64_t		 yield_turn;	/* the turn input was found waiting */
};

/* Monotonic seconds. */
double
loop_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Create a loop with its own multi handle. */
struct loop *
loop_new(void)
{
	static bool global_done;
	struct loop *l;

	if (!global_done) {
		curl_global_init(CURL_GLOBAL_DEFAULT);
		global_done = true;
	}
	l = xcalloc(1, sizeof *l);
	l->multi = curl_multi_init();
	if (l->multi == NULL)
		fatal("curl_multi_init failed");
	curl_multi_setopt(l->multi, CURLMOPT_PIPELINING, (long)CURLPIPE_MULTIPLEX);
	return l;
}

/* Free the loop; running transfers are removed (their easy handles are not
 * cleaned up: their owners do that), pending timers freed. */
void
loop_free(struct loop *l)
{
	size_t i;

	if (l == NULL)
		return;
	for (i = 0; i < l->nxfers; i++)
		curl_multi_remove_handle(l->multi, l->xfers[i].easy);
	for (i = 0; i < l->nheap; i++)
		free(l->heap[i]);
	curl_multi_cleanup(l->multi);
	free(l->xfers);
	free(l->fds);
	free(l->heap);
	free(l->hooks);
	free(l);
}

/* The multi handle. */
CURLM *
loop_multi(struct loop *l)
{
	return l->multi;
}

/* Start a transfer. */
void
loop_add_transfer(struct loop *l, CURL *easy,
    void (*done)(CURL *, CURLcode, void *), void *arg)
{
	if (l->nxfers == l->xfers_cap) {
		l->xfers_cap = l->xfers_cap ? l->xfers_cap * 2 : 16;
		l->xfers = xreallocarray(l->xfers, l->xfers_cap, sizeof *l->xfers);
	}
	l->xfers[l->nxfers].easy = easy;
	l->xfers[l->nxfers].done = done;
	l->xfers[l->nxfers].arg = arg;
	l->xfers[l->nxfers].paused = false;
	l->nxfers++;
	curl_multi_add_handle(l->multi, easy);
}

/* Forget the transfer record of easy; returns true if it was found. */
static bool
loop_take_transfer(struct loop *l, CURL *easy, struct loop_transfer *out)
{
	size_t i;

	for (i = 0; i < l->nxfers; i++) {
		if (l->xfers[i].easy != easy)
			continue;
		if (out != NULL)
			*out = l->xfers[i];
		if (l->xfers[i].paused)
			l->npaused--;
		l->xfers[i] = l->xfers[l->nxfers - 1];
		l->nxfers--;
		return true;
	}
	return false;
}

void
loop_set_budget(struct loop *l, double seconds)
{
	l->budget = seconds;
}

bool
loop_busy(struct loop *l)
{
	struct pollfd pfd[16];
	size_t i, n = 0;

	if (l->budget <= 0 || loop_now() - l->io_at <= l->budget)
		return false;
	if (l->yield_turn == l->turn)
		return true;
	/* only input waiting (a key) is a reason to stop reading */
	for (i = 0; i < l->nfds && n < sizeof pfd / sizeof pfd[0]; i++) {
		if (!l->fds[i].dead && (l->fds[i].events & POLLIN)) {
			pfd[n].fd = l->fds[i].fd;
			pfd[n].events = POLLIN;
			pfd[n++].revents = 0;
		}
	}
	if (n == 0 || poll(pfd, n, 0) <= 0)
		return false;
	l->yield_turn = l->turn;
	return true;
}

uint64_t
loop_turn(const struct loop *l)
{
	return l->turn;
}

void
loop_pause(struct loop *l, CURL *easy)
{
	size_t i;

	for (i = 0; i < l->nxfers; i++) {
		if (l->xfers[i].easy == easy && !l->xfers[i].paused) {
			l->xfers[i].paused = true;
			l->npaused++;
		}
	}
}

/* Resume the transfers paused last turn: curl hands over what it kept of
 * each at once (a transfer may pause again if the turn is spent). */
static void
loop_resume(struct loop *l)
{
	CURL **easy;
	size_t i, j, n = 0;

	if (l->npaused == 0)
		return;
	easy = xcalloc(l->npaused, sizeof *easy);
	for (i = 0; i < l->nxfers && n < l->npaused; i++) {
		if (l->xfers[i].paused)
			easy[n++] = l->xfers[i].easy;
	}
	for (i = 0; i < n; i++) {
		/* (an earlier one's data may have ended or cancelled it) */
		for (j = 0; j < l->nxfers && l->xfers[j].easy != easy[i]; j++)
			;
		if (j == l->nxfers || !l->xfers[j].paused)
			continue;
		l->xfers[j].paused = false;
		l->npaused--;
		curl_easy_pause(easy[i], CURLPAUSE_CONT);
	}
	free(easy);
}

/* Abort a running transfer without calling done. */
void
loop_cancel_transfer(struct loop *l, CURL *easy)
{
	if (loop_take_transfer(l, easy, NULL))
		curl_multi_remove_handle(l->multi, easy);
}

/* Watch fd. */
void
loop_add_fd(struct loop *l, int fd, short events,
    void (*cb)(int, short, void *), void *arg)
{
	size_t i;

	for (i = 0; i < l->nfds; i++) {
		if (l->fds[i].fd == fd && !l->fds[i].dead) {
			l->fds[i].events = events;
			l->fds[i].cb = cb;
			l->fds[i].arg = arg;
			return;
		}
	}
	if (l->nfds == l->fds_cap) {
		l->fds_cap = l->fds_cap ? l->fds_cap * 2 : 8;
		l->fds = xreallocarray(l->fds, l->fds_cap, sizeof *l->fds);
	}
	l->fds[l->nfds].fd = fd;
	l->fds[l->nfds].events = events;
	l->fds[l->nfds].cb = cb;
	l->fds[l->nfds].arg = arg;
	l->fds[l->nfds].dead = false;
	l->nfds++;
}

/* Drop dead fd entries (not while callbacks iterate the array). */
static void
loop_compact_fds(struct loop *l)
{
	size_t i, j;

	for (i = j = 0; i < l->nfds; i++) {
		if (!l->fds[i].dead)
			l->fds[j++] = l->fds[i];
	}
	l->nfds = j;
}

/* Stop watching fd. */
void
loop_remove_fd(struct loop *l, int fd)
{
	size_t i;

	for (i = 0; i < l->nfds; i++) {
		if (l->fds[i].fd == fd)
			l->fds[i].dead = true;
	}
	if (l->in_fd_dispatch == 0)
		loop_compact_fds(l);
}

/* True if timer a fires before b (ties: insertion order). */
static bool
timer_before(const struct loop_timer *a, const struct loop_timer *b)
{
	if (a->when != b->when)
		return a->when < b->when;
	return a->seq < b->seq;
}

/* Swap two heap slots. */
static void
heap_swap(struct loop *l, size_t i, size_t j)
{
	struct loop_timer *t = l->heap[i];

	l->heap[i] = l->heap[j];
	l->heap[j] = t;
	l->heap[i]->heap_idx = i;
	l->heap[j]->heap_idx = j;
}

/* Move slot i up to its place. */
static void
heap_up(struct loop *l, size_t i)
{
	while (i > 0) {
		size_t p = (i - 1) / 2;

		if (!timer_before(l->heap[i], l->heap[p]))
			break;
		heap_swap(l, i, p);
		i = p;
	}
}

/* Move slot i down to its place. */
static void
heap_down(struct loop *l, size_t i)
{
	for (;;) {
		size_t c = 2 * i + 1, m = i;

		if (c < l->nheap && timer_before(l->heap[c], l->heap[m]))
			m = c;
		if (c + 1 < l->nheap && timer_before(l->heap[c + 1], l->heap[m]))
			m = c + 1;
		if (m == i)
			break;
		heap_swap(l, i, m);
		i = m;
	}
}

/* Remove slot i from the heap. */
static void
heap_remove(struct loop *l, size_t i)
{
	struct loop_timer *t = l->heap[i];

	l->nheap--;
	if (i != l->nheap) {
		l->heap[i] = l->heap[l->nheap];
		l->heap[i]->heap_idx = i;
		heap_down(l, i);
		heap_up(l, i);
	}
	t->heap_idx = SIZE_MAX;
}

/* Add a one-shot timer. */
struct loop_timer *
loop_timer_add(struct loop *l, double after, void (*cb)(void *), void *arg)
{
	struct loop_timer *t;

	if (!(after >= 0))
		after = 0;
	t = xcalloc(1, sizeof *t);
	t->when = loop_now() + after;
	t->seq = l->seq++;
	t->cb = cb;
	t->arg = arg;
	if (l->nheap == l->heap_cap) {
		l->heap_cap = l->heap_cap ? l->heap_cap * 2 : 16;
		l->heap = xreallocarray(l->heap, l->heap_cap, sizeof *l->heap);
	}
	t->heap_idx = l->nheap;
	l->heap[l->nheap++] = t;
	heap_up(l, t->heap_idx);
	return t;
}

/* Cancel and free a pending timer. */
void
loop_timer_cancel(struct loop *l, struct loop_timer *t)
{
	if (t == NULL)
		return;
	if (t->heap_idx < l->nheap && l->heap[t->heap_idx] == t)
		heap_remove(l, t->heap_idx);
	free(t);
}

/* Add a before-sleep hook. */
void
loop_before_sleep(struct loop *l, void (*cb)(void *), void *arg)
{
	if (l->nhooks == l->hooks_cap) {
		l->hooks_cap = l->hooks_cap ? l->hooks_cap * 2 : 4;
		l->hooks = xreallocarray(l->hooks, l->hooks_cap, sizeof *l->hooks);
	}
	l->hooks[l->nhooks].cb = cb;
	l->hooks[l->nhooks].arg = arg;
	l->nhooks++;
}

/* Ask loop_run to return after this turn. */
void
loop_stop(struct loop *l)
{
	l->stop = true;
}

/* Fire every timer that is due (timers added by callbacks for "now" wait
 * for the next turn so a zero-delay re-arm cannot spin forever here). */
static void
loop_fire_timers(struct loop *l)
{
	double now = loop_now();
	uint64_t limit = l->seq;
	struct loop_timer *t;

	while (l->nheap > 0 && l->heap[0]->when <= now && l->heap[0]->seq < limit) {
		t = l->heap[0];
		heap_remove(l, 0);
		t->cb(t->arg);
		free(t);
	}
}

/* Hand finished transfers to their owners. */
static void
loop_finish_transfers(struct loop *l)
{
	struct loop_transfer x;
	CURLMsg *msg;
	int left;

	for (;;) {
		CURL *easy;
		CURLcode rc;

		msg = curl_multi_info_read(l->multi, &left);
		if (msg == NULL)
			break;
		if (msg->msg != CURLMSG_DONE)
			continue;
		easy = msg->easy_handle;
		rc = msg->data.result;
		curl_multi_remove_handle(l->multi, easy);
		if (loop_take_transfer(l, easy, &x) && x.done != NULL)
			x.done(easy, rc, x.arg);
	}
}

/* One turn: wait for I/O or the next timer, then dispatch. maxwait caps the
 * sleep in seconds. */
static void
loop_once(struct loop *l, double maxwait)
{
	struct curl_waitfd *wfd = NULL;
	size_t i, n;
	double wait = maxwait;
	int running, nready, timeout_ms;

	for (i = 0; i < l->nhooks; i++)
		l->hooks[i].cb(l->hooks[i].arg);
	if (l->stop)
		return;

	if (l->nheap > 0) {
		double d = l->heap[0]->when - loop_now();

		if (d < wait)
			wait = d;
	}
	if (wait < 0 || l->npaused > 0)
		wait = 0;	/* (paused transfers hold data already read) */
	timeout_ms = (int)ceil(wait * 1000.0);

	n = l->nfds;
	if (n > 0) {
		wfd = xcalloc(n, sizeof *wfd);
		for (i = 0; i < n; i++) {
			wfd[i].fd = l->fds[i].fd;
			if (l->fds[i].events & POLLIN)
				wfd[i].events |= CURL_WAIT_POLLIN;
			if (l->fds[i].events & POLLPRI)
				wfd[i].events |= CURL_WAIT_POLLPRI;
			if (l->fds[i].events & POLLOUT)
				wfd[i].events |= CURL_WAIT_POLLOUT;
		}
	}
	nready = 0;
	curl_multi_poll(l->multi, wfd, (unsigned)n, timeout_ms, &nready);
	l->turn++;
	l->io_at = loop_now();
	loop_resume(l);
	curl_multi_perform(l->multi, &running);
	loop_finish_transfers(l);

	if (wfd != NULL) {
		struct pollfd *pfd;

		/*
		 * curl_waitfd reports only IN/OUT/PRI; a closed pipe shows as
		 * POLLHUP alone and would make every turn return at once
		 * without a callback. Ask poll() itself (no wait) for the
		 * exact revents when curl says something is ready.
		 */
		pfd = xcalloc(n, sizeof *pfd);
		for (i = 0; i < n; i++) {
			pfd[i].fd = l->fds[i].fd;
			pfd[i].events = l->fds[i].events;
		}
		if (nready > 0 && poll(pfd, n, 0) > 0) {
			l->in_fd_dispatch++;
			for (i = 0; i < n && i < l->nfds; i++) {
				if (l->fds[i].dead || l->fds[i].fd != pfd[i].fd)
					continue;
				if (pfd[i].revents != 0)
					l->fds[i].cb(l->fds[i].fd, pfd[i].revents,
					    l->fds[i].arg);
			}
			l->in_fd_dispatch--;
			if (l->in_fd_dispatch == 0)
				loop_compact_fds(l);
		}
		free(pfd);
		free(wfd);
	}
	loop_fire_timers(l);
}

/* Run until loop_stop(). */
int
loop_run(struct loop *l)
{
	l->stop = false;
	while (!l->stop)
		loop_once(l, 3600.0);
	l->stop = false;
	return 0;
}

/* Run until cond is true or timeout seconds pass. */
int
loop_run_until(struct loop *l, int (*cond)(void *), void *arg, double timeout)
{
	double end = loop_now() + timeout;
	int rc = -1;

	l->stop = false;
	for (;;) {
		double left;

		if (cond(arg)) {
			rc = 0;
			break;
		}
		left = end - loop_now();
		if (left <= 0 || l->stop)
			break;
		loop_once(l, left);
	}
	l->stop = false;
	return rc;
}
