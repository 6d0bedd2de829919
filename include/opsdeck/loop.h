/* The one event loop: libcurl multi for every HTTP transfer of every
 * cluster, plus extra file descriptors (stdin, the signal self-pipe),
 * timers from a small heap and "before sleep" hooks (the console redraws
 * there, once per turn, only if something is dirty). Single-threaded: every
 * callback runs on the loop's thread; nothing here blocks. */
#ifndef OPSDECK_LOOP_H
#define OPSDECK_LOOP_H

#include <stdbool.h>
#include <stdint.h>

#include <curl/curl.h>

struct loop;
struct loop_timer;

struct loop	*loop_new(void);
void		 loop_free(struct loop *);
/* The multi handle transfers are added to (via loop_add_transfer). */
CURLM		*loop_multi(struct loop *);

/* Start easy (configured by the caller); done runs once when it finishes,
 * then the caller owns easy again (the loop removes it from the multi). */
void		 loop_add_transfer(struct loop *, CURL *easy,
		    void (*done)(CURL *easy, CURLcode rc, void *arg), void *arg);
/* Abort a running transfer without calling its done callback. */
void		 loop_cancel_transfer(struct loop *, CURL *easy);

/* A turn's budget for reading transfers while input waits (the console:
 * keys are read between turns); 0, the default, is none. loop_busy says
 * the turn has spent it and a watched descriptor has input: a streaming
 * transfer's data callback that had data this turn (loop_turn counts
 * turns) then calls loop_pause and returns CURL_WRITEFUNC_PAUSE, and the
 * loop resumes it next turn (curl keeps the data). With no input waiting,
 * transfers are read as they come (no pause costs a launch anything). */
void		 loop_set_budget(struct loop *, double seconds);
bool		 loop_busy(struct loop *);
uint64_t	 loop_turn(const struct loop *);
void		 loop_pause(struct loop *, CURL *easy);

/* Watch fd for events (POLLIN, ...); cb gets revents. One watch per fd. */
void		 loop_add_fd(struct loop *, int fd, short events,
		    void (*cb)(int fd, short revents, void *arg), void *arg);
void		 loop_remove_fd(struct loop *, int fd);

/* Run cb after `after` seconds (once). The timer is freed after it fires
 * or when cancelled. */
struct loop_timer *loop_timer_add(struct loop *, double after, void (*cb)(void *arg), void *arg);
void		 loop_timer_cancel(struct loop *, struct loop_timer *);

/* Run cb at the end of every turn, before the loop sleeps. */
void		 loop_before_sleep(struct loop *, void (*cb)(void *arg), void *arg);

/* Monotonic seconds. */
double		 loop_now(void);

/* Run until loop_stop(); returns 0. */
int		 loop_run(struct loop *);
/* Run until cond(arg) is true or timeout seconds pass (headless commands);
 * returns 0 if cond became true, -1 on timeout. */
int		 loop_run_until(struct loop *, int (*cond)(void *arg), void *arg, double timeout);
void		 loop_stop(struct loop *);

#endif
