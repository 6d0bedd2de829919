/* Programs run with the terminal (an editor): started here, with the
 * signal dispositions a fresh program expects; the console gives them the
 * screen (ui_foreground), headless commands wait for them. And programs
 * run without it on the loop, their output captured (a runbook's exec
 * step): term_capture. */
#ifndef OPSDECK_TERM_H
#define OPSDECK_TERM_H

#include <sys/types.h>

#include <stdbool.h>
#include <stddef.h>

struct loop;

/* Start argv (argv[0] looked up in $PATH; envp NULL: ours) as a child
 * sharing the terminal; own_group: in a process group of its own made the
 * terminal's foreground, so ^C and ^Z are the child's. Its pid, or -1 with
 * *cause. */
pid_t	 term_spawn(char *const argv[], char *const envp[], bool own_group, char **cause);
/* Make process group pgrp the terminal's foreground (no-op off a tty). */
void	 term_foreground(pid_t pgrp);
/* How a child ended, from its waitpid status: "exit status N", "killed by
 * signal N" (else "ended (status N)"); a static buffer, valid until the
 * next call. Every message about a finished child uses it. */
const char *term_status(int status);
/* The user's editor as sh -c would run it on path: argv for term_spawn
 * ($VISUAL, else $EDITOR, else vi), NULL-terminated; free with
 * term_argv_free. */
char	**term_editor_argv(const char *path);
/* Free a NULL-terminated argument vector and its words (NULL is nothing). */
void	 term_argv_free(char **argv);

/* A program run on the loop without a shell (argv[0] looked up in $PATH,
 * each word one argument), stdin /dev/null, stdout and stderr captured
 * together up to max bytes (a read that would pass the cap is dropped),
 * in a process group of its own: SIGTERM to the group at limit seconds,
 * SIGKILL 3 s later if it still runs (at once if it has closed its
 * output). done is
 * called once, when the child is reaped: its waitpid status, what it
 * wrote (NULL if nothing), whether it ran past its limit; the capture is
 * freed when done returns. NULL with *cause if it could not start. */
struct term_capture;
struct term_capture *term_capture_start(struct loop *, char *const argv[], double limit,
	    size_t max, void (*done)(int status, const char *output, bool timed_out,
	    void *arg), void *arg, char **cause);
/* Send sig to the child's process group (a run aborted: SIGTERM). */
void	 term_capture_kill(struct term_capture *, int sig);

#endif
