/* Exec and attach sessions of the drill: the WebSocket side of the
 * pods/exec and pods/attach subresources (RFC 6455 framing, the
 * v4/v5.channel.k8s.io stream protocol) and a tiny simulated container
 * shell. Every byte from the client is untrusted: frames and lines are
 * capped, echoed input keeps printable characters only, and what the shell
 * prints from the pod (names, env values) is escaped. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include "opsdeck/xmalloc.h"
#include "drill.h"

/* Stream channels of the channel.k8s.io protocols. */
#define CH_STDIN	0
#define CH_STDOUT	1
#define CH_STDERR	2
#define CH_ERROR	3
#define CH_RESIZE	4
#define CH_CLOSE	255	/* v5: "the client closed this channel" */

/* Longest shell line kept. */
#define LINE_MAX_LEN	4096
#define ARGV_MAX	64

/* Protocols offered to clients, best first. */
const char *const drill_exec_protocols[] = { "v5.channel.k8s.io", "v4.channel.k8s.io", NULL };

/* A running session. */
struct session {
	struct drill_exec	*ex;
	struct drill_ws		 ws;
	char			 line[LINE_MAX_LEN];
	size_t			 linelen;
	int			 stdin_eof;
	int			 exited;	/* the shell exited */
	int			 status;	/* its exit code */
};

void
drill_exec_free(struct drill_exec *ex)
{
	size_t	i;

	if (ex == NULL)
		return;
	for (i = 0; i < ex->argc; i++)
		free(ex->argv[i]);
	free(ex->argv);
	for (i = 0; i < ex->nenv; i++)
		free(ex->env[i]);
	free(ex->env);
	free(ex->hostname);
	free(ex->ns);
	free(ex->ip);
	free(ex->ports);
	free(ex);
}

/* Send data on a stream channel (one binary message). */
static void
ch_write(struct session *s, int ch, const char *data, size_t len)
{
	unsigned char	*m;

	if (len == 0)
		return;
	if (ch == CH_STDERR && s->ex->tty)
		ch = CH_STDOUT;		/* a terminal has one output stream */
	if ((ch == CH_STDOUT && !s->ex->out) || (ch == CH_STDERR && !s->ex->err))
		return;
	m = xmalloc(len + 1);
	m[0] = (unsigned char)ch;
	memcpy(m + 1, data, len);
	drill_ws_send(&s->ws, 2, m, len + 1);
	free(m);
}

/* Print text (newlines become CR LF on a terminal). */
static void
out_str(struct session *s, int ch, const char *text)
{
	char		*b;
	size_t		 i, n = 0, len = strlen(text);

	if (!s->ex->tty) {
		ch_write(s, ch, text, len);
		return;
	}
	b = xmalloc(len * 2 + 1);
	for (i = 0; i < len; i++) {
		if (text[i] == '\n')
			b[n++] = '\r';
		b[n++] = text[i];
	}
	ch_write(s, ch, b, n);
	free(b);
}

/* Append value to *out with control bytes escaped (\xNN). */
static void
escaped_add(char **out, const char *value)
{
	size_t	 len = strlen(*out), i, n = strlen(value);
	char	*o = xrealloc(*out, len + n * 4 + 1);

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)value[i];

		if (c < 0x20 || c == 0x7f) {
			snprintf(o + len, 5, "\\x%02x", c);
			len += 4;
		} else
			o[len++] = (char)c;
	}
	o[len] = '\0';
	*out = o;
}

/* Print "value\n" from the cluster's data, escaped. */
static void
out_value(struct session *s, const char *value)
{
	char	*t = xstrdup("");

	escaped_add(&t, value);
	escaped_add(&t, "");
	t = xrealloc(t, strlen(t) + 2);
	strcat(t, "\n");
	out_str(s, CH_STDOUT, t);
	free(t);
}

/*
 * The simulated container.
 */

/* Directories of the simulated filesystem. */
static const struct {
	const char	*path;
	const char	*entries;
} sim_dirs[] = {
	{ "/", "bin\ndev\netc\nhome\nproc\nroot\ntmp\nusr\nvar\n" },
	{ "/etc", "hostname\nhosts\nos-release\nresolv.conf\n" },
	{ "/bin", "cat\necho\nenv\nhostname\nls\npwd\nsh\n" },
	{ "/tmp", "" }, { "/home", "" }, { "/root", "" }, { "/dev", "null\n" },
	{ "/proc", "" }, { "/usr", "" }, { "/var", "" },
};

/* The content of a simulated file (new), or NULL. */
static char *
sim_file(struct session *s, const char *path)
{
	if (strcmp(path, "/etc/hostname") == 0)
		return xasprintf("%s\n", s->ex->hostname);
	if (strcmp(path, "/etc/os-release") == 0)
		return xstrdup("NAME=\"opsdeck drill\"\nID=drill\nPRETTY_NAME=\"a simulated "
		    "container\"\n");
	if (strcmp(path, "/etc/hosts") == 0)
		return xasprintf("127.0.0.1\tlocalhost\n%s\t%s\n",
		    s->ex->ip != NULL ? s->ex->ip : "10.0.0.1", s->ex->hostname);
	if (strcmp(path, "/etc/resolv.conf") == 0)
		return xasprintf("nameserver 10.96.0.10\nsearch %s.svc.cluster.local "
		    "svc.cluster.local cluster.local\n", s->ex->ns);
	if (strcmp(path, "/dev/null") == 0)
		return xstrdup("");
	return NULL;
}

/* Split line into words (quotes '...' and "..." group); count, or -1. */
static int
split_words(const char *line, char **argv, size_t max)
{
	char		 word[LINE_MAX_LEN];
	size_t		 n = 0, w;
	const char	*p = line;
	char		 q;

	for (;;) {
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p == '\0')
			break;
		if (n == max)
			goto bad;
		w = 0;
		while (*p != '\0' && *p != ' ' && *p != '\t') {
			if (*p == '\'' || *p == '"') {
				q = *p++;
				while (*p != '\0' && *p != q && w < sizeof word - 1)
					word[w++] = *p++;
				if (*p != q)
					goto bad;
				p++;
			} else if (w < sizeof word - 1)
				word[w++] = *p++;
			else
				p++;
		}
		word[w] = '\0';
		argv[n++] = xstrdup(word);
	}
	return (int)n;
bad:
	while (n > 0)
		free(argv[--n]);
	return -1;
}

static int	run_line(struct session *, const char *);

/* The command name of path (its last component). */
static const char *
base_name(const char *path)
{
	return strrchr(path, '/') != NULL ? strrchr(path, '/') + 1 : path;
}

/* Is path the simulated shell? */
static int
is_shell(const char *path)
{
	return strcmp(base_name(path), "sh") == 0 || strcmp(base_name(path), "bash") == 0;
}

/* Run one command; its exit code. */
static int
run_argv(struct session *s, int argc, char **argv)
{
	const char	*cmd;
	char		*t, *f;
	size_t		 i;
	int		 a, rc = 0;

	if (argc == 0)
		return 0;
	cmd = base_name(argv[0]);
	if (strcmp(cmd, "echo") == 0) {
		t = xstrdup("");
		for (a = 1; a < argc; a++) {
			if (a > 1)
				escaped_add(&t, " ");
			escaped_add(&t, argv[a]);
		}
		t = xrealloc(t, strlen(t) + 2);
		strcat(t, "\n");
		out_str(s, CH_STDOUT, t);
		free(t);
	} else if (strcmp(cmd, "hostname") == 0)
		out_value(s, s->ex->hostname);
	else if (strcmp(cmd, "pwd") == 0)
		out_str(s, CH_STDOUT, "/\n");
	else if (strcmp(cmd, "true") == 0)
		rc = 0;
	else if (strcmp(cmd, "false") == 0)
		rc = 1;
	else if (strcmp(cmd, "env") == 0) {
		out_str(s, CH_STDOUT, "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:"
		    "/sbin:/bin\n");
		t = xasprintf("HOSTNAME=%s", s->ex->hostname);
		out_value(s, t);
		free(t);
		for (i = 0; i < s->ex->nenv; i++)
			out_value(s, s->ex->env[i]);
		if (s->ex->tty)
			out_str(s, CH_STDOUT, "TERM=xterm\n");
		out_str(s, CH_STDOUT, "HOME=/root\n");
	} else if (strcmp(cmd, "ls") == 0) {
		const char *path = argc > 1 ? argv[1] : "/";

		for (i = 0; i < sizeof sim_dirs / sizeof sim_dirs[0]; i++) {
			if (strcmp(sim_dirs[i].path, path) == 0)
				break;
		}
		if (i < sizeof sim_dirs / sizeof sim_dirs[0])
			out_str(s, CH_STDOUT, sim_dirs[i].entries);
		else {
			t = xstrdup("ls: ");
			escaped_add(&t, path);
			f = xasprintf("%s: No such file or directory\n", t);
			out_str(s, CH_STDERR, f);
			free(f);
			free(t);
			rc = 1;
		}
	} else if (strcmp(cmd, "cat") == 0) {
		for (a = 1; a < argc; a++) {
			f = sim_file(s, argv[a]);
			if (f != NULL) {
				out_str(s, CH_STDOUT, f);
				free(f);
				continue;
			}
			t = xstrdup("cat: ");
			escaped_add(&t, argv[a]);
			f = xasprintf("%s: No such file or directory\n", t);
			out_str(s, CH_STDERR, f);
			free(f);
			free(t);
			rc = 1;
		}
	} else if (strcmp(cmd, "exit") == 0) {
		rc = argc > 1 ? atoi(argv[1]) & 255 : s->status;
		s->exited = 1;
	} else if (is_shell(cmd)) {
		if (argc > 2 && strcmp(argv[1], "-c") == 0)
			rc = run_line(s, argv[2]);
		/* otherwise the session is the shell already: nothing to start */
	} else {
		t = xstrdup("sh: ");
		escaped_add(&t, argv[0]);
		f = xasprintf("%s: not found\n", t);
		out_str(s, CH_STDERR, f);
		free(f);
		free(t);
		rc = 127;
	}
	return rc;
}

/* Run a shell line (commands separated by ';'); the last exit code. */
static int
run_line(struct session *s, const char *line)
{
	char	*copy = xstrdup(line), *p, *next, *argv[ARGV_MAX];
	int	 argc, i, rc = 0;

	for (p = copy; p != NULL && !s->exited; p = next) {
		next = strchr(p, ';');
		if (next != NULL)
			*next++ = '\0';
		argc = split_words(p, argv, ARGV_MAX);
		if (argc < 0) {
			out_str(s, CH_STDERR, "sh: syntax error\n");
			rc = 2;
			continue;
		}
		rc = run_argv(s, argc, argv);
		for (i = 0; i < argc; i++)
			free(argv[i]);
	}
	free(copy);
	s->status = rc;
	return rc;
}

/* The shell's prompt on a terminal. */
static void
prompt(struct session *s)
{
	if (s->ex->tty && !s->exited)
		out_str(s, CH_STDOUT, "/ # ");
}

/* Input bytes for the shell: a line discipline on a terminal, lines otherwise. */
static void
shell_input(struct session *s, const unsigned char *data, size_t len)
{
	size_t		i;
	unsigned char	c;
	char		echo[2];

	for (i = 0; i < len && !s->exited; i++) {
		c = data[i];
		if (c == '\r' || c == '\n') {
			if (s->ex->tty && c == '\n' && i > 0 && data[i - 1] == '\r')
				continue;
			if (s->ex->tty)
				out_str(s, CH_STDOUT, "\n");
			s->line[s->linelen] = '\0';
			s->linelen = 0;
			run_line(s, s->line);
			prompt(s);
		} else if (s->ex->tty && (c == 0x7f || c == 0x08)) {
			if (s->linelen > 0) {
				s->linelen--;
				out_str(s, CH_STDOUT, "\b \b");
			}
		} else if (s->ex->tty && c == 0x03) {
			s->linelen = 0;
			out_str(s, CH_STDOUT, "^C\n");
			prompt(s);
		} else if (s->ex->tty && c == 0x04) {
			if (s->linelen == 0) {
				out_str(s, CH_STDOUT, "exit\n");
				s->exited = 1;
			}
		} else if (c >= 0x20 && c != 0x7f) {
			if (s->linelen < sizeof s->line - 1) {
				s->line[s->linelen++] = (char)c;
				if (s->ex->tty) {
					echo[0] = (char)c;
					echo[1] = '\0';
					out_str(s, CH_STDOUT, echo);
				}
			}
		}
	}
}

/* A whole client message. */
static void
on_message(void *arg, const unsigned char *m, size_t len)
{
	struct session	*s = arg;

	if (len == 0)
		return;
	if (m[0] == CH_STDIN && s->ex->in)
		shell_input(s, m + 1, len - 1);
	else if (m[0] == CH_CLOSE && len > 1 && m[1] == CH_STDIN && s->ex->v5) {
		/* stdin closed: a line without its newline still runs */
		if (s->linelen > 0 && !s->ex->tty) {
			s->line[s->linelen] = '\0';
			s->linelen = 0;
			run_line(s, s->line);
		}
		s->stdin_eof = 1;
	}
	if (s->exited || s->stdin_eof)
		s->ws.stop = 1;
	/* CH_RESIZE and unknown channels: nothing to do */
}

/* The Status the error channel carries at the end. */
static void
send_status(struct session *s)
{
	json_t	*st;
	char	*text, *msg, *code;
	size_t	 i, n = 0;

	if (s->status == 0)
		st = json_pack("{s:{},s:s}", "metadata", "status", "Success");
	else {
		msg = xstrdup("");
		for (i = 0; i < s->ex->argc; i++) {
			n += strlen(s->ex->argv[i]);
			if (n > 256)
				break;
			escaped_add(&msg, i > 0 ? " " : "");
			escaped_add(&msg, s->ex->argv[i]);
		}
		code = xasprintf("%d", s->status);
		text = xasprintf("command terminated with non-zero exit code: error executing "
		    "command [%s], exit code %d", msg, s->status);
		st = json_pack("{s:{},s:s,s:s,s:s,s:{s:[{s:s,s:s}]}}", "metadata", "status",
		    "Failure", "message", text, "reason", "NonZeroExitCode", "details",
		    "causes", "reason", "ExitCode", "message", code);
		free(text);
		free(code);
		free(msg);
	}
	text = json_dumps(st, JSON_COMPACT);
	json_decref(st);
	if (text != NULL) {
		ch_write(s, CH_ERROR, text, strlen(text));
		free(text);
	}
}

void
drill_exec_run(struct drill_exec *ex, int fd, const char *extra, size_t extra_len,
    int (*alive)(void *), void *alive_arg)
{
	struct session	 s;

	memset(&s, 0, sizeof s);
	s.ex = ex;
	s.ws.fd = fd;
	s.ws.on_message = on_message;
	s.ws.arg = &s;

	/* The command starts at once; an interactive shell prompts. */
	if (ex->attach || (ex->argc > 0 && is_shell(ex->argv[0]) &&
	    !(ex->argc > 2 && strcmp(ex->argv[1], "-c") == 0))) {
		if (!ex->in)
			s.exited = !ex->attach;
		else
			prompt(&s);
	} else {
		/* an exec runs argv as it is: no shell parsing */
		s.status = run_argv(&s, (int)ex->argc, ex->argv);
		s.exited = 1;
	}
	s.ws.stop = s.exited;
	drill_ws_run(&s.ws, extra, extra_len, alive, alive_arg);
	if (!s.ws.closed)
		send_status(&s);
	drill_ws_close(&s.ws);
}
