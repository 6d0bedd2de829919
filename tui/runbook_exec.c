/* Runbook exec steps: the argument vector shown and confirmed before it
 * runs, no shell, its output captured, its process group killed at the
 * time limit. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <jansson.h>

#include "opsdeck/term.h"
#include "opsdeck/xmalloc.h"

#include "runbook_run_int.h"

/* Collect exec output; on EOF reap the child. */
static void	run_exec_reap(void *);

/* Output from the exec'd command. */
static void
run_exec_read(int fd, short revents, void *arg)
{
	struct rb_run *run = arg;
	char buf[4096];
	ssize_t n;

	n = read(fd, buf, sizeof buf);
	if (n > 0) {
		if (run->outlen + (size_t)n <= RUN_OUTPUT_MAX) {
			run->output = xrealloc(run->output, run->outlen + (size_t)n + 1);
			memcpy(run->output + run->outlen, buf, (size_t)n);
			run->outlen += (size_t)n;
			run->output[run->outlen] = '\0';
		}
		return;
	}
	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return;
	loop_remove_fd(run->o.loop, fd);
	close(fd);
	run->fd = -1;
	run_exec_reap(run);
}

/* Wait for the child without blocking (polls until it is gone). */
static void
run_exec_reap(void *arg)
{
	struct rb_run *run = arg;
	int status;
	pid_t p;
	char *m, *out, *line, *save = NULL;

	run->exec_timer = NULL;
	p = waitpid(run->pid, &status, WNOHANG);
	if (p == 0) {
		if (loop_now() > run->deadline && run->fd == -1)
			kill(-run->pid, SIGKILL);
		run->exec_timer = loop_timer_add(run->o.loop, 0.05, run_exec_reap, run);
		return;
	}
	run->pid = 0;
	run->inflight--;
	if (run->finished) {
		run_maybe_free(run);
		return;
	}
	if (run->output != NULL) {
		out = xstrdup(run->output);
		for (line = strtok_r(out, "\n", &save); line != NULL; line = strtok_r(NULL, "\n", &save)) {
			m = xasprintf("  | %s", line);
			run_message(run, false, m);
			free(m);
		}
		free(out);
	}
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
		m = xasprintf("exit 0%s%s", run->output != NULL ? ": " : "",
		    run->output != NULL ? run->output : "");
		m[strcspn(m, "\n")] = '\0';
		run_step_done(run, RB_OK, m);
	} else {
		m = xasprintf("%s%s", term_status(status),
		    !WIFEXITED(status) && loop_now() > run->deadline ? " (timed out)" : "");
		run_step_done(run, RB_FAILED, m);
	}
	free(m);
}

/* The exec timed out: kill its process group. */
static void
run_exec_timeout(void *arg)
{
	struct rb_run *run = arg;

	run->timer = NULL;
	if (run->pid > 0)
		kill(-run->pid, SIGTERM);
}

/* Start the current exec step's argument vector, output captured. No
 * shell: argv[0] is looked up in PATH and every word is one argument. */
void
run_exec_start(struct rb_run *run)
{
	struct audit_record r;
	json_t *params;
	int fds[2], devnull, rc;
	pid_t pid;
	char *m, *line, *cause = NULL;

	/* Write-ahead: the command is on disk before it runs; if it cannot
	 * be recorded it does not run. */
	run_audit_record(run, run->cur, &r, &params);
	line = cmd_quote_argv(run->argc, run->argv);
	rc = audit_intent(&r, "EXEC", line, NULL, run->exec_intent, &cause);
	free(line);
	json_decref(params);
	if (rc != 0) {
		run->exec_intent[0] = '\0';
		m = xasprintf("not run: audit log: %s", cause);
		free(cause);
		run_step_done(run, RB_FAILED, m);
		free(m);
		return;
	}
	m = xasprintf("exec: %s", run->text);
	run_message(run, false, m);
	free(m);
	if (pipe2(fds, O_CLOEXEC) != 0) {
		run_step_done(run, RB_FAILED, strerror(errno));
		return;
	}
	pid = fork();
	if (pid < 0) {
		close(fds[0]);
		close(fds[1]);
		run_step_done(run, RB_FAILED, strerror(errno));
		return;
	}
	if (pid == 0) {
		setpgid(0, 0);
		devnull = open("/dev/null", O_RDONLY);
		if (devnull >= 0)
			dup2(devnull, 0);
		dup2(fds[1], 1);
		dup2(fds[1], 2);
		execvp(run->argv[0], run->argv);
		dprintf(2, "cannot run %s: %s\n", run->argv[0], strerror(errno));
		_exit(127);
	}
	setpgid(pid, pid);
	close(fds[1]);
	fcntl(fds[0], F_SETFL, fcntl(fds[0], F_GETFL) | O_NONBLOCK);
	run->pid = pid;
	run->fd = fds[0];
	free(run->output);
	run->output = NULL;
	run->outlen = 0;
	run->inflight++;
	run->deadline = loop_now() + run->rb->steps[run->cur].timeout;
	run->timer = loop_timer_add(run->o.loop, run->rb->steps[run->cur].timeout,
	    run_exec_timeout, run);
	loop_add_fd(run->o.loop, fds[0], POLLIN, run_exec_read, run);
}

/* The question for an exec step: the exact argument vector, one word a
 * line, as it will be passed (new). */
char *
runbook_exec_preview(int argc, char *const *argv)
{
	char *line = cmd_quote_argv(argc, argv), *s, *n;
	int a;

	s = xasprintf("run this command, without a shell, %d argument%s:\n  %s\n", argc,
	    argc == 1 ? "" : "s", line);
	free(line);
	for (a = 0; a < argc; a++) {
		line = cmd_quote_argv(1, &argv[a]);
		n = xasprintf("%s  [%d] %s\n", s, a, line);
		free(line);
		free(s);
		s = n;
	}
	return s;
}

/* The current exec step: every one is confirmed with its argument vector
 * shown, so no command runs before the operator has seen it. */
void
run_exec(struct rb_run *run)
{
	char *title, *preview;

	if (run->o.ui_ops == NULL || run->o.ui_ops->confirm == NULL) {
		run_step_done(run, RB_FAILED, "nobody to confirm the command");
		return;
	}
	run->inflight++;
	run->asking = true;
	run_changed(run);
	title = xasprintf("runbook %s, step %zu: run a command", run->rb->name, run->cur + 1);
	preview = runbook_exec_preview(run->argc, run->argv);
	run->o.ui_ops->confirm(run->o.ui, title, preview, NULL, run_confirmed, run);
	free(preview);
	free(title);
}
