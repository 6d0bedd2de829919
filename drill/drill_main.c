/* opsdeck drill: serve simulated clusters over HTTPS (serve), act as the
 * exec credential plugin of the kubeconfig it writes (credential), and show
 * the outcome of the last drill (report). */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "opsdeck/cli.h"
#include "opsdeck/xmalloc.h"
#include "drill.h"
#include "sim_store.h"

/* Print usage of the drill command. */
static void
drill_usage(FILE *f)
{
	fprintf(f, "usage: opsdeck drill serve [SCENARIO] [--kubeconfig-out FILE] "
	    "[--port-base N] [--speed X]\n"
	    "                          [--generate clusters=N,pods=M[,churn=E]]\n"
	    "                          [--remove-on-exit]\n"
	    "       opsdeck drill credential\n"
	    "       opsdeck drill report [--kubeconfig FILE] [--context C] [-o text|json]\n");
}

/* Create the parent directories of path. */
static void
make_parents(const char *path)
{
	char	*p, *s;

	s = xstrdup(path);
	for (p = s + 1; *p != '\0'; p++) {
		if (*p == '/') {
			*p = '\0';
			mkdir(s, 0700);
			*p = '/';
		}
	}
	free(s);
}

/* Save the drill status for `opsdeck drill report`. */
static void
report_save(struct sim *sim)
{
	json_t	*st;
	char	*path, *tmp;

	sim_lock(sim);
	st = sim_drill_status(sim);
	sim_unlock(sim);
	if (st == NULL)
		return;
	path = drill_report_path();
	make_parents(path);
	tmp = xasprintf("%s.tmp", path);
	if (json_dump_file(st, tmp, JSON_INDENT(2)) == 0)
		rename(tmp, path);
	free(tmp);
	free(path);
	json_decref(st);
}

/* True once the estate has settled after `passes` controller passes over
 * `secs` seconds: a pass made no pod (the first makes ReplicaSets, the
 * next their pods), or DRILL_SETTLE_SECONDS went by. *pods: the count
 * after the last pass. */
#define DRILL_SETTLE_SECONDS	3.0
static bool
drill_settled(struct sim *sim, size_t *pods, int passes, double secs)
{
	const struct kind *k = kind_find("pods");
	size_t i, n = 0;
	bool same;

	for (i = 0; i < sim->nclusters; i++)
		n += sim_obj_count(sim->clusters[i], k, NULL);
	same = n == *pods;
	*pods = n;
	return (same && passes >= 2) || secs >= DRILL_SETTLE_SECONDS;
}

/* The clock and fault thread: ticks controllers about ten times a second. */
static void *
ticker(void *arg)
{
	struct sim	*sim = arg;
	struct timespec	 ts = { 0, 100 * 1000 * 1000 };
	double		 last = sim_wallclock(), first = last, now;
	size_t		 i, pods = SIZE_MAX;
	int		 passes = 0;

	sim_lock(sim);
	sim->realtime = true;
	sim_unlock(sim);
	for (;;) {
		nanosleep(&ts, NULL);
		now = sim_wallclock();
		sim_lock(sim);
		if (sim->stopping) {
			sim_unlock(sim);
			break;
		}
		sim_tick(sim, now - last);
		for (i = 0; i < sim->nclusters; i++)
			sim_store_reap(sim->clusters[i], now);
		if (!sim->settled && drill_settled(sim, &pods, ++passes, now - first)) {
			sim->settled = true;
			pthread_cond_broadcast(&sim->changed);
		}
		sim_unlock(sim);
		last = now;
		drill_server_poll(sim);
	}
	return NULL;
}

/* --remove-on-exit: remove the kubeconfig, the drill.log beside it and
 * their directory (when nothing else is left in it). */
static void
drill_remove_out(const char *out)
{
	char *dir, *slash, *log;

	unlink(out);
	dir = xstrdup(out);
	slash = strrchr(dir, '/');
	if (slash != NULL && slash != dir) {
		*slash = '\0';
		log = xasprintf("%s/drill.log", dir);
		unlink(log);
		free(log);
		rmdir(dir);
	}
	free(dir);
}

/* opsdeck drill serve. */
static int
drill_serve(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "kubeconfig-out", required_argument, NULL, 'k' },
		{ "port-base", required_argument, NULL, 'p' },
		{ "speed", required_argument, NULL, 's' },
		{ "generate", required_argument, NULL, 'g' },
		{ "remove-on-exit", no_argument, NULL, 'R' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct drill_creds	 creds;
	struct sim		*sim = NULL;
	const char		*out = "opsdeck-drill.kubeconfig", *generate = NULL, *hist;
	char			*cause = NULL, *end, self[PATH_MAX];
	int			 ch, port_base = 0, rc = 1, sig, started = 0;
	int			 remove_out = 0, written = 0;
	double			 speed = 1.0;
	sigset_t		 set;
	pthread_t		 tick;
	ssize_t			 n;
	size_t			 i;

	memset(&creds, 0, sizeof creds);
	optind = 1;
	while ((ch = getopt_long(argc, argv, "k:p:s:g:h", longopts, NULL)) != -1) {
		switch (ch) {
		case 'k':
			out = optarg;
			break;
		case 'p':
			port_base = (int)strtol(optarg, &end, 10);
			if (*end != '\0' || port_base < 0 || port_base > 65000) {
				fprintf(stderr, "opsdeck drill: bad --port-base %s\n", optarg);
				return 2;
			}
			break;
		case 's':
			speed = strtod(optarg, &end);
			if (*end != '\0' || speed <= 0 || speed > 10000) {
				fprintf(stderr, "opsdeck drill: bad --speed %s\n", optarg);
				return 2;
			}
			break;
		case 'g':
			generate = optarg;
			break;
		case 'R':
			remove_out = 1;
			break;
		case 'h':
			drill_usage(stdout);
			return 0;
		default:
			drill_usage(stderr);
			return 2;
		}
	}
	if (optind >= argc && generate == NULL) {
		drill_usage(stderr);
		return 2;
	}
	n = readlink("/proc/self/exe", self, sizeof self - 1);
	if (n <= 0)
		snprintf(self, sizeof self, "%s", "opsdeck");
	else
		self[n] = '\0';

	signal(SIGPIPE, SIG_IGN);
	sim = sim_new();
	sim->speed = speed;
	if (optind < argc && scenario_load(sim, argv[optind], &cause) != 0)
		goto fail;
	if (generate != NULL && scenario_generate(sim, generate, &cause) != 0)
		goto fail;
	if (sim->nclusters == 0) {
		cause = xstrdup("the scenario declares no clusters");
		goto fail;
	}
	for (i = 0; i < sim->nclusters; i++)
		sim_resources_add_crds(sim->clusters[i]);
	hist = getenv("OPSDECK_DRILL_HISTORY");
	if (hist != NULL && strtol(hist, NULL, 10) > 0) {
		for (i = 0; i < sim->nclusters; i++)
			sim_store_set_history(sim->clusters[i]->store,
			    (size_t)strtol(hist, NULL, 10));
	}
	/* Signals are taken by sigwait below; every thread inherits the mask.
	 * Until now (a large --generate takes seconds) they end the process
	 * as they would any program: nothing is written or started yet. */
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	if (drill_creds_generate(&creds, &cause) != 0)
		goto fail;
	if (drill_server_start(sim, &creds, port_base, &cause) != 0)
		goto fail;
	sim->started = (int64_t)sim_wallclock();
	if (pthread_create(&tick, NULL, ticker, sim) != 0) {
		cause = xstrdup("cannot start the clock thread");
		goto fail;
	}
	started = 1;
	/* the kubeconfig is the sign that the estate is ready: its controllers
	 * have made their pods (a client listing at once sees them) */
	sim_lock(sim);
	while (!sim->settled)
		pthread_cond_wait(&sim->changed, &sim->lock);
	sim_unlock(sim);
	if (drill_kubeconfig_write(sim, &creds, out, self, &cause) != 0)
		goto fail;
	written = 1;
	for (i = 0; i < sim->nclusters; i++)
		printf("%s https://127.0.0.1:%d\n", sim->clusters[i]->name,
		    sim->clusters[i]->port);
	printf("kubeconfig: %s\n", out);
	fflush(stdout);

	for (;;) {
		if (sigwait(&set, &sig) != 0)
			continue;
		if (sig == SIGINT || sig == SIGTERM)
			break;
	}
	rc = 0;
	goto out;
fail:
	fprintf(stderr, "opsdeck drill: %s\n", cause != NULL ? cause : "failed");
	free(cause);
out:
	if (sim != NULL) {
		sim_lock(sim);
		sim->stopping = 1;
		pthread_cond_broadcast(&sim->changed);
		sim_unlock(sim);
		if (started) {
			pthread_join(tick, NULL);
			report_save(sim);
		}
		drill_server_stop(sim);
		sim_free(sim);
	}
	drill_creds_free(&creds);
	/* (the console that started us may be gone: leave nothing behind) */
	if (remove_out && written)
		drill_remove_out(out);
	return rc;
}

/* opsdeck drill credential: print an ExecCredential for the drill. */
static int
drill_credential(void)
{
	const char	*secret = getenv("OPSDECK_DRILL_SECRET");
	const char	*ttls = getenv("OPSDECK_DRILL_TOKEN_TTL");
	const char	*info = getenv("KUBERNETES_EXEC_INFO");
	const char	*api = "client.authentication.k8s.io/v1";
	json_t		*in, *cred;
	long		 ttl = DRILL_TOKEN_TTL;
	int64_t		 expiry;
	char		*tok, ts[40];

	if (secret == NULL || *secret == '\0') {
		fprintf(stderr, "opsdeck drill credential: OPSDECK_DRILL_SECRET is not set "
		    "(run from the kubeconfig written by 'opsdeck drill serve')\n");
		return 1;
	}
	if (ttls != NULL && *ttls != '\0' && strtol(ttls, NULL, 10) > 0)
		ttl = strtol(ttls, NULL, 10);
	in = info != NULL ? json_loads(info, 0, NULL) : NULL;
	if (json_is_string(json_object_get(in, "apiVersion")))
		api = json_string_value(json_object_get(in, "apiVersion"));
	expiry = (int64_t)time(NULL) + ttl;
	tok = drill_exec_token(secret, expiry);
	sim_rfc3339(expiry, ts, sizeof ts);
	cred = json_pack("{s:s,s:s,s:{},s:{s:s,s:s}}", "apiVersion", api, "kind",
	    "ExecCredential", "spec", "status", "token", tok, "expirationTimestamp", ts);
	json_dumpf(cred, stdout, JSON_COMPACT);
	putchar('\n');
	json_decref(cred);
	json_decref(in);
	free(tok);
	return 0;
}

/* Entry point of `opsdeck drill`. */
int
drill_main(int argc, char **argv)
{
	if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		drill_usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	if (strcmp(argv[1], "serve") == 0)
		return drill_serve(argc - 1, argv + 1);
	if (strcmp(argv[1], "credential") == 0)
		return drill_credential();
	if (strcmp(argv[1], "report") == 0)
		return drill_report(argc - 1, argv + 1);
	fprintf(stderr, "opsdeck drill: unknown command '%s'\n", argv[1]);
	drill_usage(stderr);
	return 2;
}
