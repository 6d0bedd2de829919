/* A client for the reflector fuzz targets: a store with one cluster, a
 * loop, and no connections (a request the decoders start fails on the
 * loop's next turn with "no such cluster"). Header-only, for fuzz_*.c. */
#ifndef FUZZ_FAKE_CLIENT_H
#define FUZZ_FAKE_CLIENT_H

#include <stdint.h>
#include <string.h>

#include "opsdeck/kinds.h"
#include "opsdeck/loop.h"
#include "opsdeck/store.h"

#include "client_int.h"

/* Kinds the targets pick from by an input byte. */
static const char *const fuzz_kinds[] = {
	"pods", "deployments", "replicasets", "statefulsets", "daemonsets", "events",
	"nodes", "jobs", "cronjobs", "services", "horizontalpodautoscalers", "namespaces",
	"poddisruptionbudgets", "backups", "rollouts", "alerts", "silences",
};
#define FUZZ_NKINDS (sizeof fuzz_kinds / sizeof fuzz_kinds[0])

/* The loop lives across inputs (a curl multi per input is slow). */
static struct loop *fuzz_loop;

/* Set up c for one input (once: a one-shot run, as get). */
static void
fuzz_client_init(struct client *c, int once)
{
	if (fuzz_loop == NULL)
		fuzz_loop = loop_new();
	memset(c, 0, sizeof *c);
	c->loop = fuzz_loop;
	c->store = store_new();
	c->opts.once = once != 0;
	c->opts.list_only = once != 0;
	store_add_cluster(c->store, "fuzz");
}

/* Loop condition: the reflector waits for a list page or is done. */
static int
fuzz_listing(void *arg)
{
	return reflector_take_list(arg);
}

/* Bring r to where it waits for a list page (a one-shot retry runs on
 * the loop first) and take that request: true if the next page may be
 * handed to r as its answer. */
static int
fuzz_client_next_page(struct client *c, struct reflector *r)
{
	if (reflector_take_list(r))
		return 1;
	if (!c->opts.once)
		return 0;	/* the console's retries wait out a backoff */
	/* a turn or two of the loop: a one-shot retry is due at once */
	return loop_run_until(fuzz_loop, fuzz_listing, r, 0.0002) == 0;
}

/* The next answer of an input of answers separated by 0xff bytes (each a
 * byte picking its status from statuses[n], then its body) into *res,
 * which points into the input; *p moves past it. False if none is left;
 * *last says whether this one ends the input. */
static inline int
fuzz_next_answer(const uint8_t **p, const uint8_t *end, const long *statuses, size_t n,
    struct cresult *res, int *last)
{
	const uint8_t *sep;

	if (*p >= end)
		return 0;
	sep = memchr(*p, 0xff, (size_t)(end - *p));
	if (sep == NULL)
		sep = end;
	memset(res, 0, sizeof *res);
	res->retry_after = -1;
	res->status = *p < sep ? statuses[**p % n] : 200;
	res->body = *p < sep ? (const char *)*p + 1 : "";
	res->len = *p < sep ? (size_t)(sep - *p - 1) : 0;
	*last = sep == end;
	*p = sep == end ? end : sep + 1;
	return 1;
}

#endif
