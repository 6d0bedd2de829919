/* Handing the terminal to a child program (kubectl exec -it; an editor):
 * the console leaves curses, stops reading keys and drawing, and makes the
 * child's process group the terminal's foreground, so the child gets ^C
 * and ^Z, not the console. The loop keeps running meanwhile (every watch
 * and action goes on); when the child exits, the console takes the
 * terminal back, redraws it whole and tells the caller the exit status. */
#include <sys/ioctl.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "opsdeck/loop.h"
#include "opsdeck/ui.h"
#include "opsdeck/xmalloc.h"

void
ui_suspend(struct ui *ui)
{
	char *clear;

	if (ui->suspended)
		return;
	ui->suspended = true;
	if (ui->curses) {
		def_prog_mode();
		endwin();
		/* the child starts on a clean screen, not on an earlier one's output */
		clear = tigetstr("clear");
		if (clear != NULL && clear != (char *)-1)
			putp(clear);
	}
	fflush(stdout);
	if (ui->loop != NULL)
		loop_remove_fd(ui->loop, STDIN_FILENO);
}

void
ui_resume(struct ui *ui)
{
	struct winsize ws;

	if (!ui->suspended)
		return;
	ui->suspended = false;
	if (ui->curses) {
		reset_prog_mode();
		/* the child may have been resized, and left its output behind */
		if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 0 &&
		    ws.ws_col > 0)
			resizeterm(ws.ws_row, ws.ws_col);
		ui->rows = LINES;
		ui->cols = COLS;
		clearok(curscr, TRUE);
		flushinp();
	}
	if (ui->loop != NULL && ui->input_cb != NULL)
		loop_add_fd(ui->loop, STDIN_FILENO, POLLIN, ui->input_cb, ui);
	ui_dirty(ui);
}

/* Make pgrp the terminal's foreground (SIGTTOU held off: we may be in the
 * background when we ask). */
static void
ui_tty_foreground(pid_t pgrp)
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

int
ui_foreground(struct ui *ui, char *const argv[], char *const envp[],
    void (*done)(int status, void *arg), void *arg, char **cause)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGCHLD, SIGPIPE, SIGWINCH,
	    SIGQUIT, SIGTSTP, SIGTTIN, SIGTTOU };
	extern char **environ;
	sigset_t set, old;
	pid_t pid;
	size_t i;

	if (ui->fg_pid > 0) {
		*cause = xstrdup("another program has the terminal");
		return -1;
	}
	ui_suspend(ui);
	/* no SIGCHLD before fg_pid is known */
	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	sigprocmask(SIG_BLOCK, &set, &old);
	pid = fork();
	if (pid == 0) {
		for (i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
			signal(sigs[i], SIG_DFL);
		sigprocmask(SIG_SETMASK, &old, NULL);
		setpgid(0, 0);
		ui_tty_foreground(getpid());
		if (envp != NULL)
			environ = (char **)envp;
		execvp(argv[0], argv);
		fprintf(stderr, "opsdeck: %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	if (pid < 0) {
		sigprocmask(SIG_SETMASK, &old, NULL);
		*cause = xasprintf("fork: %s", strerror(errno));
		ui_resume(ui);
		return -1;
	}
	setpgid(pid, pid);	/* whichever of us runs first */
	ui_tty_foreground(pid);
	ui->fg_pid = pid;
	ui->fg_done = done;
	ui->fg_arg = arg;
	sigprocmask(SIG_SETMASK, &old, NULL);
	return 0;
}

/* The child ended with status: take the terminal back, tell the caller. */
static void
ui_foreground_ended(struct ui *ui, int status)
{
	void (*done)(int, void *) = ui->fg_done;
	void *arg = ui->fg_arg;

	ui->fg_pid = -1;
	ui->fg_done = NULL;
	ui->fg_arg = NULL;
	ui_tty_foreground(getpgrp());
	ui_resume(ui);
	if (done != NULL)
		done(status, arg);
}

void
ui_foreground_reap(struct ui *ui)
{
	int status;

	if (ui->fg_pid <= 0)
		return;
	if (waitpid(ui->fg_pid, &status, WNOHANG) == ui->fg_pid)
		ui_foreground_ended(ui, status);
}

void
ui_foreground_stop(struct ui *ui)
{
	int status = 0;

	if (ui->fg_pid <= 0)
		return;
	kill(-ui->fg_pid, SIGHUP);
	while (waitpid(ui->fg_pid, &status, 0) < 0 && errno == EINTR)
		;
	ui_foreground_ended(ui, status);
}
