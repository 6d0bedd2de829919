/* opsdeck's interactive console: every selected cluster on one screen.
 * One loop (loop.h): stdin and a signal self-pipe are fds in it, the
 * screen is redrawn from a before-sleep hook only when something changed
 * (store generation, input, resize, the clock's second), with a single
 * doupdate. --drill runs the simulator as a child and connects to it. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <langinfo.h>
#include <limits.h>
#include <locale.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <curses.h>
#include <jansson.h>

#include "opsdeck/actions.h"
#include "opsdeck/portfwd.h"
#include "opsdeck/audit.h"
#include "opsdeck/benchlog.h"
#include "opsdeck/cli.h"
#include "opsdeck/client.h"
#include "opsdeck/cmd.h"
#include "opsdeck/config.h"
#include "opsdeck/keymap.h"
#include "opsdeck/kubeconfig.h"
#include "opsdeck/loop.h"
#include "opsdeck/prompt.h"
#include "opsdeck/runbook.h"
#include "opsdeck/sanitize.h"
#include "opsdeck/store.h"
#include "opsdeck/theme.h"
#include "opsdeck/trend.h"
#include "opsdeck/ui.h"
#include "opsdeck/xmalloc.h"

#define CONSOLE_MAX_KEYS	512	/* keys handled per loop turn */
#define CONSOLE_MIN_FRAME	0.1	/* seconds between redraws caused by the store */
#define CONSOLE_READ_TURN	0.008	/* seconds of a turn spent reading clusters:
					 * a key waits no longer to be read */
#define DRILL_START_TIMEOUT	60.0

/* The drill child, stopped on every exit path. */
static pid_t drill_pid = -1;
static char *drill_dir;
static int sig_pipe[2] = { -1, -1 };

/* Stop the drill child (SIGTERM, wait a little, then SIGKILL) and remove
 * its directory, whether or not the child is still there: a drill that
 * failed to start has exited already and left its log behind. */
static void
console_stop_drill(void)
{
	int status, i;

	if (drill_pid > 0) {
		kill(drill_pid, SIGTERM);
		for (i = 0; i < 50; i++) {
			if (waitpid(drill_pid, &status, WNOHANG) == drill_pid) {
				drill_pid = -1;
				break;
			}
			usleep(100 * 1000);
		}
	}
	if (drill_pid > 0) {
		kill(drill_pid, SIGKILL);
		waitpid(drill_pid, &status, 0);
		drill_pid = -1;
	}
	if (drill_dir != NULL) {
		char *p;

		p = xasprintf("%s/kubeconfig", drill_dir);
		unlink(p);
		free(p);
		p = xasprintf("%s/drill.log", drill_dir);
		unlink(p);
		free(p);
		rmdir(drill_dir);
		free(drill_dir);
		drill_dir = NULL;
	}
}

/* Fatal path (OOM, fatal()): restore the terminal, stop the child. */
static void
console_fatal_hook(void)
{
	if (ui_current != NULL && ui_current->curses) {
		endwin();
		ui_current->curses = false;
	}
	console_stop_drill();
	bench_log_close();
}

/* Signal handler: only write a byte to the self-pipe. */
static void
console_signal(int sig)
{
	char c = sig == SIGWINCH ? 'W' : sig == SIGCHLD ? 'C' : sig == SIGINT ? 'I' : 'T';
	int saved = errno;

	if (sig_pipe[1] != -1)
		(void)write(sig_pipe[1], &c, 1);
	errno = saved;
}

/* Why the drill exited: the end of its log (its directory goes away). */
static char *
console_drill_log(const char *log)
{
	char buf[2048], *clean, *out;
	FILE *f = fopen(log, "r");
	size_t n = 0;
	long size;

	if (f != NULL) {
		fseek(f, 0, SEEK_END);
		size = ftell(f);
		fseek(f, size > (long)sizeof buf - 1 ? size - (long)sizeof buf + 1 : 0, SEEK_SET);
		n = fread(buf, 1, sizeof buf - 1, f);
		fclose(f);
	}
	buf[n] = '\0';
	while (n > 0 && buf[n - 1] == '\n')
		buf[--n] = '\0';
	clean = sanitize_str(buf, SAN_KEEP_NEWLINE);
	out = xasprintf("the drill simulator exited%s%s", *clean != '\0' ? ":\n" : "", clean);
	free(clean);
	return out;
}

/* Start `<self> drill serve SCENARIO` and wait (bounded) for its kubeconfig. */
static char *
console_start_drill(const char *scenario, const char *speed, char **cause)
{
	const char *tmp = getenv("TMPDIR");
	char *tmpl, *kc = NULL, *log = NULL, exe[PATH_MAX];
	char *argv[12];
	struct stat sb;
	double start;
	int fd, status, argc = 0;
	ssize_t n;

	tmpl = xasprintf("%s/opsdeck-drill.XXXXXX", tmp != NULL && *tmp != '\0' ? tmp : "/tmp");
	if (mkdtemp(tmpl) == NULL) {
		*cause = xasprintf("mkdtemp %s: %s", tmpl, strerror(errno));
		free(tmpl);
		return NULL;
	}
	drill_dir = tmpl;
	kc = xasprintf("%s/kubeconfig", drill_dir);
	log = xasprintf("%s/drill.log", drill_dir);
	n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	if (n <= 0) {
		*cause = xstrdup("cannot find my own executable");
		goto fail;
	}
	exe[n] = '\0';
	argv[argc++] = exe;
	argv[argc++] = (char *)"drill";
	argv[argc++] = (char *)"serve";
	argv[argc++] = (char *)scenario;
	argv[argc++] = (char *)"--kubeconfig-out";
	argv[argc++] = kc;
	/* a console killed outright leaves no kubeconfig behind: the drill
	 * gets SIGTERM when it dies (PR_SET_PDEATHSIG) and cleans up */
	argv[argc++] = (char *)"--remove-on-exit";
	if (speed != NULL) {
		argv[argc++] = (char *)"--speed";
		argv[argc++] = (char *)speed;
	}
	argv[argc] = NULL;
	drill_pid = fork();
	if (drill_pid < 0) {
		*cause = xasprintf("fork: %s", strerror(errno));
		goto fail;
	}
	if (drill_pid == 0) {
		fd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		if (fd >= 0) {
			dup2(fd, 1);
			dup2(fd, 2);
			close(fd);
		}
		fd = open("/dev/null", O_RDONLY);
		if (fd >= 0) {
			dup2(fd, 0);
			close(fd);
		}
		setpgid(0, 0);	/* keys typed at the console are not its signals */
#ifdef __linux__
		/* and if the console dies without cleaning up, so does the drill */
		prctl(PR_SET_PDEATHSIG, SIGTERM);
		if (getppid() == 1)
			_exit(0);
#endif
		execv(exe, argv);
		_exit(127);
	}
	start = loop_now();
	for (;;) {
		if (stat(kc, &sb) == 0 && sb.st_size > 0)
			break;
		if (waitpid(drill_pid, &status, WNOHANG) == drill_pid) {
			drill_pid = -1;
			*cause = console_drill_log(log);
			goto fail;
		}
		if (loop_now() - start > DRILL_START_TIMEOUT) {
			*cause = xstrdup("the drill simulator did not start in time");
			goto fail;
		}
		usleep(50 * 1000);
	}
	/* the file is written whole before serving, but give it a moment to settle */
	usleep(100 * 1000);
	free(log);
	return kc;
fail:
	free(kc);
	free(log);
	return NULL;
}

/* The console's cmd_ui: message. */
static void
console_ui_message(void *uip, bool error, const char *text)
{
	ui_message(uip, error, "%s", text);
}

/* The console's cmd_ui: hand the terminal to a program (kubectl exec). */
static int
console_ui_foreground(void *uip, char *const argv[], char *const envp[],
    void (*done)(int status, void *arg), void *arg, char **cause)
{
	return ui_foreground(uip, argv, envp, done, arg, cause);
}

/* The console's cmd_ui: ask for a value at the prompt. */
static void
console_ui_prompt(void *uip, const char *question, const char *initial,
    void (*done)(const char *, void *), void *arg)
{
	struct ui *ui = uip;
	char *q = xasprintf("%s ", question);

	ui->ask_done = done;
	ui->ask_arg = arg;
	prompt_start(ui, UI_PROMPT_ASK, q, initial);
	free(q);
}

/* The console's cmd_ui: switch view. */
static int
console_ui_show_view(void *uip, const char *view, const char *arg, char **cause)
{
	return ui_open(uip, view, arg, false, cause);
}

/* The drill's status arrived: take roles and protection from it (the
 * kubeconfig the simulator writes has no place for them). */
static void
console_drill_status(const struct client_response *resp, void *arg)
{
	struct ui *ui = arg;
	struct store_cluster *sc;
	json_t *root, *cl;
	json_error_t jerr;
	const char *name, *role;
	size_t i, ci;

	if (ui == NULL || resp->error != NULL || resp->status != 200)
		return;
	root = json_loadb(resp->body, resp->len, 0, &jerr);
	json_array_foreach(json_object_get(root, "clusters"), i, cl) {
		name = json_string_value(json_object_get(cl, "name"));
		role = json_string_value(json_object_get(cl, "role"));
		if (name == NULL)
			continue;
		ci = store_cluster_find(ui->store, name);
		if (ci == SIZE_MAX)
			continue;
		sc = store_cluster(ui->store, ci);
		if (role != NULL && (sc->role == NULL || *sc->role == '\0')) {
			free(sc->role);
			sc->role = sanitize_str(role, 0);
		}
		if (json_is_true(json_object_get(cl, "protected")))
			sc->protected_ctx = true;
	}
	json_decref(root);
	ui_dirty(ui);
}

/* Bind the runbooks' keys; problems go to the status line. */
static void
console_runbook_keys(struct ui *ui)
{
	char *w = NULL;

	runbook_keys_load(&w);
	if (w != NULL) {
		ui_message(ui, true, "runbook keys: %s", w);
		free(w);
	}
}

/* A runbook's key for the selection's kind, ahead of the global keymap:
 * run it. */
static bool
console_runbook_key(struct ui *ui, int key)
{
	struct cmd_target *t = NULL;
	const char *name = NULL;
	size_t n = 0;
	char *cmd;

	if (ui->view != NULL && ui->view->cls->targets != NULL)
		n = ui->view->cls->targets(ui->view, &t);
	if (n > 0)
		name = runbook_key_lookup(key, t[0].resource);
	free(t);
	if (name == NULL)
		return false;
	cmd = xasprintf("runbook %s", name);
	ui_run(ui, cmd, CMD_FROM_KEY);
	free(cmd);
	return true;
}

/* Handle one key. */
static void
console_key(struct ui *ui, int key)
{
	const char *cmd;

	if (key == KEY_RESIZE)
		return;
	if (ui->prompt_mode != UI_PROMPT_NONE) {
		prompt_key(ui, key);
		return;
	}
	if (ui->status != NULL && ui->status_error) {
		free(ui->status);
		ui->status = NULL;
	}
	ui_dirty(ui);
	if (ui->view != NULL && view_key(ui->view, key) == VIEW_HANDLED)
		return;
	if (console_runbook_key(ui, key))
		return;
	cmd = keymap_lookup(key);
	if (cmd == NULL) {
		ui_message(ui, false, "%s: no binding (? for help)", keymap_key_name(key));
		return;
	}
	ui_run(ui, cmd, CMD_FROM_KEY);
}

/* stdin readable: take keys (bounded per turn) before anything is drawn. */
static void
console_input(int fd, short revents, void *arg)
{
	struct ui *ui = arg;
	int key, n;

	if (revents & (POLLHUP | POLLERR | POLLNVAL)) {
		ui->quit = true;
		loop_stop(ui->loop);
		return;
	}
	for (n = 0; n < CONSOLE_MAX_KEYS; n++) {
		key = wgetch(ui->input);
		if (key == ERR)
			break;
		bench_log_key(key);
		console_key(ui, key);
		if (ui->quit)
			break;
	}
	if (ui->quit)
		loop_stop(ui->loop);
}

/* A signal arrived through the self-pipe. */
static void
console_signal_fd(int fd, short revents, void *arg)
{
	struct ui *ui = arg;
	struct winsize ws;
	char buf[64];
	ssize_t n, i;
	int status;

	n = read(fd, buf, sizeof buf);
	for (i = 0; i < n; i++) {
		switch (buf[i]) {
		case 'W':
			if (ui->suspended)
				break;	/* ui_resume reads the size */
			if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 0 &&
			    ws.ws_col > 0)
				resizeterm(ws.ws_row, ws.ws_col);
			ui->rows = LINES;
			ui->cols = COLS;
			ui_dirty(ui);
			break;
		case 'C':
			ui_foreground_reap(ui);
			if (drill_pid > 0 && waitpid(drill_pid, &status, WNOHANG) == drill_pid) {
				drill_pid = -1;
				ui_message(ui, true, "the drill simulator exited");
			}
			break;
		case 'I':
			/* ^C in the editor is the editor's */
			if (ui->suspended)
				break;
			/* FALLTHROUGH */
		default:
			ui->quit = true;
			loop_stop(ui->loop);
			break;
		}
	}
}

/* Wake at every second boundary so the clock ticks. */
static void
console_tick(void *arg)
{
	struct ui *ui = arg;
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	loop_timer_add(ui->loop, 1.0 - (double)ts.tv_nsec / 1e9 + 0.002, console_tick, ui);
}

/* Every trendInterval seconds: a sample for every trend (trend.h). */
static void
console_trends(void *arg)
{
	struct ui *ui = arg;

	trends_sample(ui->trends, ui->store);
	ui_dirty(ui);
	loop_timer_add(ui->loop, (double)ui->trend_interval, console_trends, ui);
}

/* A deferred redraw after a throttled store change. */
static struct loop_timer *frame_timer;

static void
console_frame(void *arg)
{
	frame_timer = NULL;
}

/* Before the loop sleeps: redraw if anything changed. */
static void
console_before_sleep(void *arg)
{
	struct ui *ui = arg;
	int64_t sec = time(NULL);
	uint64_t gen = store_generation(ui->store);
	double now = loop_now();
	bool draw = ui->dirty || sec != ui->seen_sec;

	if (ui->quit) {
		loop_stop(ui->loop);
		return;
	}
	if (ui->suspended)
		return;		/* a child program has the terminal */
	if (ui->look_pending)
		look_report(ui);
	if (!draw && (gen != ui->seen_gen || ui->frame)) {
		if (now - ui->last_draw >= CONSOLE_MIN_FRAME)
			draw = true;
		else if (frame_timer == NULL)
			frame_timer = loop_timer_add(ui->loop, CONSOLE_MIN_FRAME, console_frame, ui);
	}
	if (!draw)
		return;
	ui->dirty = false;
	ui->frame = false;
	ui->seen_sec = sec;
	ui->seen_gen = gen;
	ui->last_draw = now;
	ui_draw(ui);
	doupdate();
	bench_log_frame(ui);
}

/* Apply config.yaml console keys: options and keys.*. */
static void
console_config(struct ui *ui, struct opsdeck_config *cfg)
{
	const char **keys, **cmds;
	int *lines;
	size_t i, n = 0, k;
	char *cause = NULL;
	const char *v;

	for (k = 0; k < ui_noptions; k++) {
		v = config_get(cfg, ui_options[k].name);
		if (v != NULL && ui_option_set(ui, ui_options[k].name, v, &cause) != 0) {
			ui_message(ui, true, "config.yaml: %s", cause);
			free(cause);
			cause = NULL;
		}
	}
	keys = xcalloc(cfg->nvalues + 1, sizeof *keys);
	cmds = xcalloc(cfg->nvalues + 1, sizeof *cmds);
	lines = xcalloc(cfg->nvalues + 1, sizeof *lines);
	for (i = 0; i < cfg->nvalues; i++) {
		if (strncmp(cfg->values[i].key, "keys.", 5) != 0)
			continue;
		keys[n] = cfg->values[i].key + 5;
		cmds[n] = cfg->values[i].value;
		lines[n] = cfg->values[i].line;
		n++;
	}
	keymap_load(keys, cmds, lines, n, &cause);
	if (cause != NULL) {
		ui_message(ui, true, "%s", cause);
		free(cause);
	}
	free(keys);
	free(cmds);
	free(lines);
}

static void
console_usage(FILE *f)
{
	fprintf(f, "usage: opsdeck [--context A,B | --all-contexts | --group NAME] "
	    "[--kubeconfig FILE]\n"
	    "               [--read-only] [--theme NAME] [--ascii] "
	    "[--drill SCENARIO [--speed X]]\n"
	    "               [--bench-log FILE]\n");
}

/* The curses screen (newterm). */
static SCREEN *console_screen;

/* Lines reported at start (configuration warnings, unmatched audit
 * intents): how many, and the first, for one status line. */
struct console_lines {
	size_t	 n;
	char	*first;
};

/* Count one line, keeping the first (a kubeconfig_warnings or
 * audit_recover callback; the text is already sanitised). */
static void
console_line(const char *text, void *arg)
{
	struct console_lines *l = arg;

	if (l->n++ == 0)
		l->first = xstrdup(text);
}

/* Put kubeconfig and config.yaml warnings on the status line: a console
 * owns the terminal, so stderr would be wiped at once. */
static void
console_show_warnings(struct ui *ui, const struct kubeconfig *kc,
    const struct opsdeck_config *cfg)
{
	struct console_lines w = { 0, NULL };

	kubeconfig_warnings(kc, cfg, console_line, &w);
	if (w.n == 1)
		ui_message(ui, true, "warning: %s", w.first);
	else if (w.n > 1)
		ui_message(ui, true, "warning: %s (and %zu more; opsdeck get shows them all)",
		    w.first, w.n - 1);
	free(w.first);
}

/* Report requests an earlier run sent without recording their outcome. */
static void
console_show_orphans(struct ui *ui)
{
	struct console_lines o = { 0, NULL };
	char *cause = NULL;

	if (audit_recover(console_line, &o, &cause) < 0) {
		ui_message(ui, true, "audit log: %s", cause);
		free(cause);
	} else if (o.n == 1)
		ui_message(ui, true, "%s", o.first);
	else if (o.n > 1)
		ui_message(ui, true, "%s (and %zu more: outcome \"unknown\" in the audit log)",
		    o.first, o.n - 1);
	free(o.first);
}

/* Start curses on the terminal. */
static int
console_curses(struct ui *ui, char **cause)
{
	const char *cs;

	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		*cause = xstrdup("the console needs a terminal (try opsdeck get)");
		return -1;
	}
	cs = nl_langinfo(CODESET);
	if (cs == NULL || strcmp(cs, "UTF-8") != 0) {
		if (setlocale(LC_CTYPE, "C.UTF-8") == NULL && !ui->ascii)
			ui->ascii = true;
	}
	if (!ui->ascii)
		ui->ellipsis = "…";
	set_escdelay(25);
	/* newterm, unlike initscr, returns on an unknown terminal type */
	console_screen = newterm(NULL, stdout, stdin);
	if (console_screen == NULL) {
		*cause = xasprintf("cannot use terminal type '%s'",
		    getenv("TERM") != NULL ? getenv("TERM") : "(unset)");
		return -1;
	}
	set_term(console_screen);
	ui->curses = true;
	cbreak();
	noecho();
	nonl();
	intrflush(stdscr, FALSE);
	leaveok(stdscr, FALSE);
	curs_set(0);
	ui->input = newpad(1, 1);
	keypad(ui->input, TRUE);
	nodelay(ui->input, TRUE);
	theme_apply(ui->theme, ui->mono);
	ui->rows = LINES;
	ui->cols = COLS;
	return 0;
}

int
console_main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "context", required_argument, NULL, 'c' },
		{ "all-contexts", no_argument, NULL, 'a' },
		{ "group", required_argument, NULL, 'g' },
		{ "kubeconfig", required_argument, NULL, 'k' },
		{ "read-only", no_argument, NULL, 'r' },
		{ "theme", required_argument, NULL, 't' },
		{ "ascii", no_argument, NULL, 'A' },
		{ "drill", required_argument, NULL, 'd' },
		{ "speed", required_argument, NULL, 's' },
		{ "bench-log", required_argument, NULL, 'B' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct ui ui_storage, *ui = &ui_storage;
	struct client_opts copts;
	struct opsdeck_config *cfg = NULL;
	struct kubeconfig *kc = NULL;
	struct kube_context **ctxs = NULL;
	struct sigaction sa;
	const char *spec = NULL, *kcpath = NULL, *drill = NULL, *speed = NULL, *theme = NULL;
	const char *bench_log = NULL;
	char *cause = NULL, *drill_kc = NULL, **also = NULL;
	bool all = false, ascii = false, read_only = false;
	size_t nctx = 0, i;
	int ch, rc = 1;
	struct view *v;

	setlocale(LC_ALL, "");
	optind = 1;
	while ((ch = getopt_long(argc, argv, "c:ak:rh", longopts, NULL)) != -1) {
		switch (ch) {
		case 'c':
		case 'g':
			spec = optarg;
			break;
		case 'a':
			all = true;
			break;
		case 'k':
			kcpath = optarg;
			break;
		case 'r':
			read_only = true;
			break;
		case 't':
			theme = optarg;
			break;
		case 'A':
			ascii = true;
			break;
		case 'd':
			drill = optarg;
			break;
		case 's':
			speed = optarg;
			break;
		case 'B':
			bench_log = optarg;
			break;
		case 'h':
			console_usage(stdout);
			return 0;
		default:
			console_usage(stderr);
			return 2;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "opsdeck: unexpected argument '%s'\n", argv[optind]);
		console_usage(stderr);
		return 2;
	}
	if (bench_log != NULL && bench_log_open(bench_log, &cause) != 0) {
		fprintf(stderr, "opsdeck: %s\n", cause);
		free(cause);
		return 2;
	}
	memset(ui, 0, sizeof *ui);
	ui->ellipsis = "~";
	ui->log_lines = 10000;
	ui->trend_interval = (long)TREND_STEP;
	ui->max_rows = CLIENT_DEFAULT_MAX_ROWS;
	ui->read_only = read_only;
	ui->mono = theme_no_color();
	ui->default_view = xstrdup("overview");
	ui->theme = theme_default();
	ui->theme_name = xstrdup("default");
	ui->ops.message = console_ui_message;
	ui->ops.confirm = dialog_confirm;
	ui->ops.prompt = console_ui_prompt;
	ui->ops.foreground = console_ui_foreground;
	ui->ops.show_view = console_ui_show_view;
	ui_current = ui;
	xmalloc_set_fatal_hook(console_fatal_hook);
	keymap_init();
	cmd_console_register();
	runbook_register_all();

	cfg = config_load(NULL, &cause);
	if (cfg == NULL) {
		fprintf(stderr, "opsdeck: %s\n", cause);
		goto out;
	}
	console_config(ui, cfg);
	if (theme != NULL && ui_option_set(ui, "theme", theme, &cause) != 0) {
		fprintf(stderr, "opsdeck: %s\n", cause);
		goto out;
	}
	if (ascii)
		ui_option_set(ui, "ascii", "on", &cause);

	if (pipe(sig_pipe) != 0) {
		fprintf(stderr, "opsdeck: pipe: %s\n", strerror(errno));
		goto out;
	}
	fcntl(sig_pipe[0], F_SETFL, O_NONBLOCK);
	fcntl(sig_pipe[1], F_SETFL, O_NONBLOCK);
	fcntl(sig_pipe[0], F_SETFD, FD_CLOEXEC);
	fcntl(sig_pipe[1], F_SETFD, FD_CLOEXEC);
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = console_signal;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_RESTART;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGCHLD, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);

	if (drill != NULL) {
		drill_kc = console_start_drill(drill, speed, &cause);
		if (drill_kc == NULL) {
			fprintf(stderr, "opsdeck: --drill %s: %s\n", drill, cause);
			goto out;
		}
		kcpath = drill_kc;
	}
	kc = kubeconfig_load(kcpath, &cause);
	if (kc == NULL) {
		fprintf(stderr, "opsdeck: %s\n", cause);
		goto out;
	}
	actions_set_kubeconfig(kc->files, kc->nfiles);
	/* the drill without --context: all of its clusters (folded below to
	 * the admin context of each, listed first) */
	if (kubeconfig_select(kc, cfg, spec, all || (drill != NULL && spec == NULL), &ctxs, &nctx,
	    &cause) != 0) {
		fprintf(stderr, "opsdeck: %s\n", cause);
		goto out;
	}
	if (nctx == 0) {
		fprintf(stderr, "opsdeck: no contexts selected\n");
		goto out;
	}
	/* one cluster, one row: contexts reaching the same cluster fold into
	 * the one named first (with --all-contexts, the current context) */
	also = xcalloc(nctx, sizeof *also);
	nctx = kubeconfig_fold(ctxs, nctx, all ? kc->current_context : NULL, also);

	ui->loop = loop_new();
	loop_set_budget(ui->loop, CONSOLE_READ_TURN);
	actions_set_loop(ui->loop);
	ui->store = store_new();
	memset(&copts, 0, sizeof copts);
	copts.max_rows = (size_t)ui->max_rows;
	ui->client = client_new(ui->loop, ui->store, ctxs, nctx, &copts);
	for (i = 0; i < nctx; i++) {
		store_cluster(ui->store, i)->also = also[i];
		also[i] = NULL;
	}
	ui->cfg = cfg;
	/* the namespaces :ns and views are checked against (ui_namespace_check);
	 * a cluster that may not list them only goes unchecked */
	if (client_watch(ui->client, "namespaces", &cause) != 0) {
		free(cause);
		cause = NULL;
	}
	/* node usage for the nodes view, the overview and the trends */
	if (client_watch(ui->client, "nodes.metrics.k8s.io", &cause) != 0) {
		free(cause);
		cause = NULL;
	}
	ui->trends = trends_new();
	if (drill != NULL) {
		for (i = 0; i < nctx; i++)
			client_request(ui->client, i, "GET", "/drill/v1/status", NULL, NULL,
			    console_drill_status, ui);
	}

	if (console_curses(ui, &cause) != 0) {
		fprintf(stderr, "opsdeck: %s\n", cause);
		goto out;
	}
	/* our SIGWINCH (after initscr, which installs its own) */
	sigaction(SIGWINCH, &sa, NULL);
	prompt_init(ui);
	if (ui_open(ui, ui->default_view, NULL, false, &cause) != 0) {
		ui_message(ui, true, "%s", cause);
		free(cause);
		cause = NULL;
		ui_open(ui, "overview", NULL, false, &cause);
	}
	console_show_warnings(ui, kc, cfg);
	console_show_orphans(ui);
	console_runbook_keys(ui);
	ui->input_cb = console_input;
	loop_add_fd(ui->loop, STDIN_FILENO, POLLIN, console_input, ui);
	loop_add_fd(ui->loop, sig_pipe[0], POLLIN, console_signal_fd, ui);
	loop_before_sleep(ui->loop, console_before_sleep, ui);
	console_tick(ui);
	loop_timer_add(ui->loop, 1.0, console_trends, ui);
	ui->dirty = true;
	loop_run(ui->loop);
	rc = 0;
out:
	free(cause);
	ui_foreground_stop(ui);
	if (ui->curses)
		prompt_done(ui);
	while (ui->view != NULL) {
		v = ui->view;
		ui->view = v->prev;
		view_free(v);
	}
	if (ui->curses) {
		if (ui->input != NULL)
			delwin(ui->input);
		endwin();
		ui->curses = false;
	}
	if (console_screen != NULL) {
		delscreen(console_screen);
		console_screen = NULL;
	}
	/* A run still going is recorded as interrupted, never left unrecorded;
	 * live actions refer to the client and the loop: drop them first. */
	runbook_console_interrupt("the console exited");
	portfwd_stop_all();	/* each one's end audited */
	actions_shutdown();
	actions_set_kubeconfig(NULL, 0);
	runbook_console_release();
	if (ui->client != NULL)
		client_free(ui->client);
	if (ui->store != NULL)
		store_free(ui->store);
	trends_free(ui->trends);
	ui->trends = NULL;
	if (ui->loop != NULL)
		loop_free(ui->loop);
	console_stop_drill();
	bench_log_close();
	free(ctxs);
	for (i = 0; also != NULL && i < nctx; i++)
		free(also[i]);
	free(also);
	if (kc != NULL)
		kubeconfig_free(kc);
	if (cfg != NULL)
		config_free(cfg);
	free(drill_kc);
	keymap_free();
	runbook_keys_free();
	theme_free(ui->theme);
	free(ui->theme_name);
	free(ui->default_view);
	free(ui->status);
	free(ui->prompt_question);
	free(ui->ns);
	ui_current = NULL;
	if (sig_pipe[0] != -1) {
		close(sig_pipe[0]);
		close(sig_pipe[1]);
		sig_pipe[0] = sig_pipe[1] = -1;
	}
	return rc;
}
