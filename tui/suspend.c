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
#include "opsdeck/term.h"
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

int
ui_foreground(struct ui *ui, char *const argv[], char *const envp[],
    void (*done)(int status, void *arg), void *arg, char **cause)
{
	sigset_t set, old;
	pid_t pid;

	if (ui->fg_pid > 0) {
		*cause = xstrdup("another program has the terminal");
		return -1;
	}
	ui_suspend(ui);
	/* no SIGCHLD before fg_pid is known */
	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	sigprocmask(SIG_BLOCK, &set, &old);
	pid = term_spawn(argv, envp, true, cause);
	if (pid < 0) {
		sigprocmask(SIG_SETMASK, &old, NULL);
		ui_resume(ui);
		return -1;
	}
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
	term_foreground(getpgrp());
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

	int i;

	if (ui->fg_pid <= 0)
		return;
	/* hung up as a closed terminal would; one that ignores it for 3 s is
	 * killed: quitting never hangs on a child */
	kill(-ui->fg_pid, SIGHUP);
	for (i = 0; i < 30; i++) {
		if (waitpid(ui->fg_pid, &status, WNOHANG) == ui->fg_pid)
			break;
		usleep(100 * 1000);
	}
	if (i == 30) {
		kill(-ui->fg_pid, SIGKILL);
		while (waitpid(ui->fg_pid, &status, 0) < 0 && errno == EINTR)
			;
	}
	ui_foreground_ended(ui, status);
}
