/* Programs run with the terminal, and programs run with their output
 * captured (see term.h). */
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdbool.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "opsdeck/loop.h"
#include "opsdeck/term.h"
#include "opsdeck/xmalloc.h"

/* Make pgrp the terminal's foreground (SIGTTOU held off: we may be in the
 * background when we ask). */
void
term_foreground(pid_t pgrp)
{
	sigset_t set, old;

	if (!isatty(STDIN_FILENO))
		return;
	sigemptyset(&set);
	sigaddset(&set, SIGTTOU);
	sigprocmask(SIG_BLOCK, &set, &old);
	(void)tcsetpgrp(STDIN_FILENO, pgrp);
	sigprocmask(SIG_SETMASK, &old, NULL);
}

/* In a child about to exec: the dispositions and mask a program started
 * from a shell has (nothing ignored or blocked that opsdeck ignores or
 * blocks, SIGPIPE among them). */
static void
term_child_defaults(void)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGCHLD, SIGWINCH, SIGPIPE,
	    SIGQUIT, SIGTSTP, SIGTTIN, SIGTTOU };
	sigset_t none;
	size_t i;

	for (i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
		signal(sigs[i], SIG_DFL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
}

/* Start argv as a child on the terminal. */
pid_t
term_spawn(char *const argv[], char *const envp[], bool own_group, char **cause)
{
	extern char **environ;
	pid_t pid;

	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid < 0) {
		*cause = xasprintf("fork: %s", strerror(errno));
		return -1;
	}
	if (pid > 0) {
		if (own_group) {
			setpgid(pid, pid);	/* whichever of us runs first */
			term_foreground(pid);
		}
		return pid;
	}
	/* the child */
	term_child_defaults();
	if (own_group) {
		setpgid(0, 0);
		term_foreground(getpid());
	}
	if (envp != NULL)
		environ = (char **)envp;
	execvp(argv[0], argv);
	dprintf(STDERR_FILENO, "opsdeck: cannot run %s: %s\n", argv[0], strerror(errno));
	_exit(127);
}

/* A waitpid status in words: the one wording of how a child program ended,
 * for the shell, background programs, the editor and runbook steps. */
const char *
term_status(int status)
{
	static char buf[64];

	if (WIFEXITED(status))
		snprintf(buf, sizeof buf, "exit status %d", WEXITSTATUS(status));
	else if (WIFSIGNALED(status))
		snprintf(buf, sizeof buf, "killed by signal %d", WTERMSIG(status));
	else
		snprintf(buf, sizeof buf, "ended (status %d)", status);
	return buf;
}

/* The editor's argv: the variable holds a command line ("code -w", "vim
 * -u NONE"), so the shell reads it; the file is "$1", never parsed. */
char **
term_editor_argv(const char *path)
{
	const char *ed = getenv("VISUAL");
	char **argv = xcalloc(6, sizeof *argv);

	if (ed == NULL || *ed == '\0')
		ed = getenv("EDITOR");
	if (ed == NULL || *ed == '\0')
		ed = "vi";
	argv[0] = xstrdup("/bin/sh");
	argv[1] = xstrdup("-c");
	argv[2] = xasprintf("%s \"$1\"", ed);
	argv[3] = xstrdup("opsdeck-editor");
	argv[4] = xstrdup(path);
	return argv;
}

/* Free a NULL-terminated argument vector. */
void
term_argv_free(char **argv)
{
	size_t i;

	for (i = 0; argv != NULL && argv[i] != NULL; i++)
		free(argv[i]);
	free(argv);
}

/* A captured child (term_capture_start). */
struct term_capture {
	struct loop		*loop;
	pid_t			 pid;
	int			 fd;		/* its output; -1 once closed */
	char			*output;
	size_t			 len;
	size_t			 max;
	double			 deadline;
	struct loop_timer	*limit;		/* SIGTERM at the limit, SIGKILL
						 * a little after */
	struct loop_timer	*reap;		/* polling for its exit */
	void			(*done)(int, const char *, bool, void *);
	void			*arg;
};

static void	capture_reap(void *);

/* Output from the child; at its end, reap it. */
static void
capture_read(int fd, short revents, void *arg)
{
	struct term_capture *c = arg;
	char buf[4096];
	ssize_t n;

	(void)revents;
	n = read(fd, buf, sizeof buf);
	if (n > 0) {
		if (c->len + (size_t)n <= c->max) {
			c->output = xrealloc(c->output, c->len + (size_t)n + 1);
			memcpy(c->output + c->len, buf, (size_t)n);
			c->len += (size_t)n;
			c->output[c->len] = '\0';
		}
		return;
	}
	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return;
	loop_remove_fd(c->loop, fd);
	close(fd);
	c->fd = -1;
	capture_reap(c);
}

/* Wait for the child without blocking (polls until it is gone). */
static void
capture_reap(void *arg)
{
	struct term_capture *c = arg;
	int status;
	pid_t p;

	c->reap = NULL;
	p = waitpid(c->pid, &status, WNOHANG);
	if (p == 0) {
		if (loop_now() > c->deadline && c->fd == -1)
			kill(-c->pid, SIGKILL);
		c->reap = loop_timer_add(c->loop, 0.05, capture_reap, c);
		return;
	}
	if (c->limit != NULL)
		loop_timer_cancel(c->loop, c->limit);
	c->done(status, c->output, !WIFEXITED(status) && loop_now() > c->deadline, c->arg);
	free(c->output);
	free(c);
}

/* Seconds a captured child may go on after SIGTERM before SIGKILL. */
#define CAPTURE_KILL_AFTER	3.0

/* The group ignored SIGTERM: kill it. */
static void
capture_kill_late(void *arg)
{
	struct term_capture *c = arg;

	c->limit = NULL;
	kill(-c->pid, SIGKILL);
}

/* The limit passed: ask the group to end, and kill it if it has not in a
 * few seconds (a child holding its output open would otherwise keep the
 * step waiting for as long as it likes). */
static void
capture_limit(void *arg)
{
	struct term_capture *c = arg;

	kill(-c->pid, SIGTERM);
	c->limit = loop_timer_add(c->loop, CAPTURE_KILL_AFTER, capture_kill_late, c);
}

struct term_capture *
term_capture_start(struct loop *loop, char *const argv[], double limit, size_t max,
    void (*done)(int, const char *, bool, void *), void *arg, char **cause)
{
	struct term_capture *c;
	int fds[2], devnull, err;
	pid_t pid;

	if (pipe2(fds, O_CLOEXEC) != 0) {
		*cause = xstrdup(strerror(errno));
		return NULL;
	}
	pid = fork();
	if (pid < 0) {
		err = errno;
		close(fds[0]);
		close(fds[1]);
		*cause = xstrdup(strerror(err));
		return NULL;
	}
	if (pid == 0) {
		term_child_defaults();
		setpgid(0, 0);
		devnull = open("/dev/null", O_RDONLY);
		if (devnull >= 0)
			dup2(devnull, 0);
		dup2(fds[1], 1);
		dup2(fds[1], 2);
		execvp(argv[0], argv);
		dprintf(2, "cannot run %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	setpgid(pid, pid);
	close(fds[1]);
	fcntl(fds[0], F_SETFL, fcntl(fds[0], F_GETFL) | O_NONBLOCK);
	c = xcalloc(1, sizeof *c);
	c->loop = loop;
	c->pid = pid;
	c->fd = fds[0];
	c->max = max;
	c->deadline = loop_now() + limit;
	c->done = done;
	c->arg = arg;
	c->limit = loop_timer_add(loop, limit, capture_limit, c);
	loop_add_fd(loop, fds[0], POLLIN, capture_read, c);
	return c;
}

void
term_capture_kill(struct term_capture *c, int sig)
{
	if (c != NULL && c->pid > 0)
		kill(-c->pid, sig);
}
