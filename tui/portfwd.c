/* Managed `kubectl port-forward` children (see portfwd.h). */
#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "opsdeck/loop.h"
#include "opsdeck/portfwd.h"
#include "opsdeck/sanitize.h"
#include "opsdeck/term.h"
#include "opsdeck/xmalloc.h"

#define PFWD_MAX		64
#define PFWD_LINE_MAX	1024

/* An entry and what only this file sees. */
struct pf_entry {
	struct portfwd	 pub;
	int		 fd;		/* kubectl's stdout and stderr, or -1 */
	struct loop	*loop;
	char		 line[PFWD_LINE_MAX];
	size_t		 linelen;
	void		(*done)(int, const char *, void *);
	void		*arg;
	int		 stopped;	/* we asked it to stop */
};

static struct pf_entry	*pf_entries[PFWD_MAX];
static size_t		 pf_n;
static int		 pf_next_id = 1;
static uint64_t		 pf_gen;

uint64_t
portfwd_generation(void)
{
	return pf_gen;
}

const struct portfwd *const *
portfwd_list(size_t *n)
{
	static const struct portfwd *out[PFWD_MAX];
	size_t i;

	for (i = 0; i < pf_n; i++)
		out[i] = &pf_entries[i]->pub;
	*n = pf_n;
	return out;
}

/* Keep a line's text as the message (sanitised). */
static void
pf_message(struct pf_entry *e, const char *text)
{
	free(e->pub.message);
	e->pub.message = sanitize_str(text, 0);
	pf_gen++;
}

/* One line of kubectl's output. */
static void
pf_line(struct pf_entry *e, const char *line)
{
	const char *p;
	int l, r;

	if (sscanf(line, "Forwarding from 127.0.0.1:%d -> %d", &l, &r) == 2) {
		e->pub.local = l;
		if (e->pub.state == PF_STARTING)
			e->pub.state = PF_FORWARDING;
		pf_gen++;
	} else if (strncmp(line, "Handling connection for ", 24) == 0) {
		e->pub.connections++;
		pf_gen++;
	} else if (strncmp(line, "error: ", 7) == 0)
		pf_message(e, line + 7);
	else if ((p = strstr(line, "err=\"")) != NULL)
		pf_message(e, p + 5);
	else if (strncmp(line, "Forwarding from [", 17) != 0 && *line != '\0')
		pf_message(e, line);
}

/* The child is gone: reap it, tell the caller. */
static void
pf_ended(struct pf_entry *e)
{
	int status = 0;
	char *m;

	if (e->fd != -1) {
		loop_remove_fd(e->loop, e->fd);
		close(e->fd);
		e->fd = -1;
	}
	while (waitpid(e->pub.pid, &status, 0) < 0 && errno == EINTR)
		;
	e->pub.state = PF_ENDED;
	if (e->stopped)
		m = xstrdup("stopped");
	else
		m = xasprintf("kubectl %s%s%s", term_status(status),
		    WIFEXITED(status) && e->pub.message != NULL ? ": " : "",
		    WIFEXITED(status) && e->pub.message != NULL ? e->pub.message : "");
	free(e->pub.message);
	e->pub.message = m;
	pf_gen++;
	if (e->done != NULL)
		e->done(status, e->stopped ? "stopped" : NULL, e->arg);
	e->done = NULL;
}

/* kubectl's output is readable. */
static void
pf_readable(int fd, short revents, void *arg)
{
	struct pf_entry *e = arg;
	char buf[4096];
	ssize_t n, i;

	(void)revents;
	n = read(fd, buf, sizeof buf);
	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return;
	if (n <= 0) {
		pf_ended(e);
		return;
	}
	for (i = 0; i < n; i++) {
		if (buf[i] == '\n') {
			e->line[e->linelen] = '\0';
			pf_line(e, e->line);
			e->linelen = 0;
		} else if (e->linelen < sizeof e->line - 1)
			e->line[e->linelen++] = buf[i];
	}
}

int
portfwd_start(struct loop *loop, char *const argv[], char *const envp[], const char *context,
    const char *ns, const char *target, int local, int remote,
    void (*done)(int, const char *, void *), void *arg, char **cause)
{
	extern char **environ;
	struct pf_entry *e;
	int p[2], devnull;
	pid_t pid;

	portfwd_prune();
	if (pf_n == PFWD_MAX) {
		*cause = xasprintf("already %d port-forwards", PFWD_MAX);
		return -1;
	}
	if (pipe(p) != 0) {
		*cause = xasprintf("pipe: %s", strerror(errno));
		return -1;
	}
	pid = fork();
	if (pid == 0) {
		signal(SIGPIPE, SIG_DFL);
		signal(SIGCHLD, SIG_DFL);
		signal(SIGINT, SIG_DFL);
		signal(SIGTERM, SIG_DFL);
		signal(SIGHUP, SIG_DFL);
		setsid();	/* no terminal: the console's keys are not its signals */
		devnull = open("/dev/null", O_RDONLY);
		if (devnull != -1)
			dup2(devnull, STDIN_FILENO);
		dup2(p[1], STDOUT_FILENO);
		dup2(p[1], STDERR_FILENO);
		close(p[0]);
		close(p[1]);
		if (envp != NULL)
			environ = (char **)envp;
		execvp(argv[0], argv);
		fprintf(stderr, "error: %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	close(p[1]);
	if (pid < 0) {
		close(p[0]);
		*cause = xasprintf("fork: %s", strerror(errno));
		return -1;
	}
	fcntl(p[0], F_SETFL, O_NONBLOCK);
	fcntl(p[0], F_SETFD, FD_CLOEXEC);
	e = xcalloc(1, sizeof *e);
	e->pub.id = pf_next_id++;
	e->pub.pid = pid;
	e->pub.state = PF_STARTING;
	e->pub.context = xstrdup(context);
	e->pub.ns = xstrdup(ns);
	e->pub.target = xstrdup(target);
	e->pub.local = local;
	e->pub.remote = remote;
	e->pub.started = time(NULL);
	e->fd = p[0];
	e->loop = loop;
	e->done = done;
	e->arg = arg;
	pf_entries[pf_n++] = e;
	loop_add_fd(loop, e->fd, POLLIN, pf_readable, e);
	pf_gen++;
	return e->pub.id;
}

int
portfwd_stop(int id)
{
	size_t i;

	for (i = 0; i < pf_n; i++) {
		if (pf_entries[i]->pub.id != id)
			continue;
		if (pf_entries[i]->pub.state == PF_ENDED)
			return -1;
		pf_entries[i]->stopped = 1;
		pf_entries[i]->pub.state = PF_STOPPING;
		kill(pf_entries[i]->pub.pid, SIGTERM);
		pf_gen++;
		return 0;
	}
	return -1;
}

/* Free an ended entry. */
static void
pf_free(struct pf_entry *e)
{
	free(e->pub.context);
	free(e->pub.ns);
	free(e->pub.target);
	free(e->pub.message);
	free(e);
}

void
portfwd_prune(void)
{
	size_t i = 0;

	while (i < pf_n) {
		if (pf_entries[i]->pub.state == PF_ENDED) {
			pf_free(pf_entries[i]);
			memmove(pf_entries + i, pf_entries + i + 1,
			    (pf_n - i - 1) * sizeof *pf_entries);
			pf_n--;
			pf_gen++;
		} else
			i++;
	}
}

void
portfwd_stop_all(void)
{
	size_t i;

	for (i = 0; i < pf_n; i++) {
		if (pf_entries[i]->pub.state != PF_ENDED) {
			pf_entries[i]->stopped = 1;
			kill(pf_entries[i]->pub.pid, SIGTERM);
		}
	}
	for (i = 0; i < pf_n; i++) {
		if (pf_entries[i]->pub.state != PF_ENDED)
			pf_ended(pf_entries[i]);
	}
	for (i = 0; i < pf_n; i++)
		pf_free(pf_entries[i]);
	pf_n = 0;
}
