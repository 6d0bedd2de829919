/* Signals in headless commands: a self-pipe, a bounded wait, 128 + signal. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "opsdeck/actions.h"
#include "opsdeck/hl_signal.h"
#include "opsdeck/loop.h"
#include "opsdeck/xmalloc.h"

static int			 hl_pipe[2] = { -1, -1 };
static volatile sig_atomic_t	 hl_caught;
static const int		 hl_signals[] = { SIGTERM, SIGHUP, SIGINT };

/* The handler: remember the first signal, wake the loop. */
static void
hl_handler(int sig)
{
	int saved = errno;
	char c = (char)sig;

	if (hl_caught == 0)
		hl_caught = sig;
	if (hl_pipe[1] != -1)
		(void)write(hl_pipe[1], &c, 1);
	errno = saved;
}

/* The pipe is readable: drain it (hl_caught says which signal). */
static void
hl_readable(int fd, short revents, void *arg)
{
	char buf[64];

	(void)revents;
	(void)arg;
	while (read(fd, buf, sizeof buf) > 0)
		;
}

/* Catch SIGTERM, SIGHUP and SIGINT. */
int
hl_signals_install(struct loop *loop, char **cause)
{
	struct sigaction sa;
	size_t i;

	hl_caught = 0;
	if (pipe2(hl_pipe, O_CLOEXEC | O_NONBLOCK) != 0) {
		*cause = xasprintf("pipe: %s", strerror(errno));
		hl_pipe[0] = hl_pipe[1] = -1;
		return -1;
	}
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = hl_handler;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_RESTART;
	for (i = 0; i < sizeof hl_signals / sizeof hl_signals[0]; i++)
		sigaction(hl_signals[i], &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	loop_add_fd(loop, hl_pipe[0], POLLIN, hl_readable, NULL);
	return 0;
}

/* The first signal caught, or 0. */
int
hl_signal_caught(void)
{
	return (int)hl_caught;
}

/* A signal's name. */
const char *
hl_signal_name(int sig)
{
	switch (sig) {
	case SIGTERM:
		return "SIGTERM";
	case SIGHUP:
		return "SIGHUP";
	case SIGINT:
		return "SIGINT";
	}
	return "a signal";
}

/* Loop condition: no reply is outstanding. */
static int
hl_settled(void *arg)
{
	(void)arg;
	return actions_inflight() == 0;
}

/* Stop sending, wait for replies in flight. */
int
hl_signals_finish(struct loop *loop, double wait)
{
	int sig = hl_signal_caught();
	char why[64];

	snprintf(why, sizeof why, "interrupted by %s", hl_signal_name(sig));
	actions_interrupt(why);
	if (actions_inflight() > 0) {
		fprintf(stderr, "opsdeck: %s: waiting up to %.0fs for %zu request%s in flight\n",
		    hl_signal_name(sig), wait, actions_inflight(),
		    actions_inflight() == 1 ? "" : "s");
		loop_run_until(loop, hl_settled, NULL, wait);
	}
	return 128 + (sig != 0 ? sig : SIGTERM);
}

/* Default dispositions again; close the pipe. */
void
hl_signals_remove(struct loop *loop)
{
	size_t i;

	for (i = 0; i < sizeof hl_signals / sizeof hl_signals[0]; i++)
		signal(hl_signals[i], SIG_DFL);
	if (hl_pipe[0] != -1) {
		if (loop != NULL)
			loop_remove_fd(loop, hl_pipe[0]);
		close(hl_pipe[0]);
		close(hl_pipe[1]);
		hl_pipe[0] = hl_pipe[1] = -1;
	}
}
