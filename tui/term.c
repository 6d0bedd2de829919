/* Programs run with the terminal (see term.h). */
#include <sys/wait.h>

#include <errno.h>
#include <stdbool.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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

/* Start argv as a child on the terminal. */
pid_t
term_spawn(char *const argv[], char *const envp[], bool own_group, char **cause)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGCHLD, SIGWINCH, SIGPIPE,
	    SIGQUIT, SIGTSTP, SIGTTIN, SIGTTOU };
	extern char **environ;
	sigset_t none;
	pid_t pid;
	size_t i;

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
	/* the child: the dispositions and mask a program started from a
	 * shell has, then the program */
	for (i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
		signal(sigs[i], SIG_DFL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
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
