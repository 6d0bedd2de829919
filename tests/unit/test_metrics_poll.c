/* Unit tests for the metrics poll (reflector_poll_done on a PodMetricsList
 * as metrics.k8s.io serves it): rows for every pod; a poll that brings the
 * same usage back is no store change; a pod whose usage moved is the one
 * change; a pod gone is removed; items under an escaped "items" key still
 * count. Bad answers (a broken item, a cut body, no list) put the kind in
 * error with a reason that says so and keep every row the last good poll
 * left. Usage waits for the first list of its pods. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "opsdeck/xmalloc.h"

#include "fuzz_fake_client.h"

#define RES	"pods.metrics.k8s.io"

/* A client with one cluster and a metrics reflector waiting for a poll. */
struct fx {
	struct client		 c;
	struct reflector	*r;
};

static int
setup(void **state)
{
	struct fx *f = calloc(1, sizeof *f);

	fuzz_client_init(&f->c, 0);
	f->r = reflector_alloc(&f->c, 0, kind_find(RES), NULL, NULL);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fx *f = *state;

	reflector_free(f->r);
	store_free(f->c.store);
	free(f);
	return 0;
}

/* One PodMetrics of namespace shop: two containers, cpu and memory each. */
static char *
pod_metrics(const char *name, const char *cpu, const char *mem)
{
	return xasprintf("{\"kind\":\"PodMetrics\",\"apiVersion\":\"metrics.k8s.io/v1beta1\","
	    "\"metadata\":{\"name\":\"%s\",\"namespace\":\"shop\",\"creationTimestamp\":"
	    "\"2026-01-01T00:00:00Z\",\"labels\":{\"app\":\"shop\"}},\"timestamp\":"
	    "\"2026-01-01T00:00:00Z\",\"window\":\"15s\",\"containers\":[{\"name\":\"a\","
	    "\"usage\":{\"cpu\":\"%s\",\"memory\":\"%s\"}},{\"name\":\"b\",\"usage\":"
	    "{\"cpu\":\"1m\",\"memory\":\"1Mi\"}}]}", name, cpu, mem);
}

/* A 200 answer with body into *res. */
static void
ok_result(struct cresult *res, const char *body)
{
	memset(res, 0, sizeof *res);
	res->status = 200;
	res->retry_after = -1;
	res->body = body;
	res->len = strlen(body);
}

/* Hand r a 200 answer with body, then run the loop until r asks again. */
static void
answer(struct fx *f, const char *body)
{
	struct cresult res;

	ok_result(&res, body);
	reflector_poll_done(&res, f->r);
	assert_int_equal(loop_run_until(fuzz_loop, fuzz_listing, f->r, 5.0), 0);
}

/* A list of web-1, web-2 and (if three) web-3, web-2's cpu as given. */
static char *
poll_body(const char *web2_cpu, int three)
{
	char *a = pod_metrics("web-1", "100m", "64Mi");
	char *b = pod_metrics("web-2", web2_cpu, "32Mi");
	char *c = pod_metrics("web-3", "250000000n", "1Gi");
	char *out;

	out = xasprintf("{\"kind\":\"PodMetricsList\",\"apiVersion\":\"metrics.k8s.io/v1beta1\","
	    "\"metadata\":{},\"items\":[%s,%s%s%s]}", a, b, three ? "," : "", three ? c : "");
	free(a);
	free(b);
	free(c);
	return out;
}

/* The row of pod name (namespace shop). */
static const struct row *
row_of(struct fx *f, const char *name)
{
	char key[64];

	snprintf(key, sizeof key, "shop/%s", name);
	return store_get_key(f->c.store, 0, RES, key);
}

/* The kind's state and reason ("" for none). */
static enum conn_state
kind_state(struct fx *f, const char **why)
{
	enum conn_state st = store_kind_state(f->c.store, 0, RES, why);

	if (*why == NULL)
		*why = "";
	return st;
}

/* Answer with body (freed) and return the one store change it made. */
static const struct store_change *
answer_changes(struct fx *f, char *body)
{
	uint64_t v = store_version(f->c.store, RES);
	const struct store_change *ch;
	size_t n;

	answer(f, body);
	free(body);
	assert_true(store_changes(f->c.store, RES, v, &ch, &n));
	assert_int_equal(n, 1);
	return ch;
}

/* Rows with each pod's summed usage; the same poll again changes nothing;
 * one pod's usage moving is one change, to that row; a pod gone goes. */
static void
test_poll_changes(void **state)
{
	struct fx *f = *state;
	const struct store_change *ch;
	const char *why;
	char *body;
	uint64_t v;

	body = poll_body("20m", 1);
	answer(f, body);
	assert_int_equal(kind_state(f, &why), CONN_LIVE);
	assert_int_equal(store_count(f->c.store, 0, RES), 3);
	assert_non_null(row_of(f, "web-1"));
	assert_int_equal(row_of(f, "web-1")->cells[1].n, 101);
	assert_int_equal(row_of(f, "web-1")->cells[2].n, 65 * 1024 * 1024);
	assert_string_equal(row_of(f, "web-1")->labels, "app=shop");
	assert_int_equal(row_of(f, "web-3")->cells[1].n, 251);
	assert_string_equal(row_of(f, "web-3")->cells[1].text, "251m");

	v = store_version(f->c.store, RES);
	answer(f, body);
	assert_true(store_version(f->c.store, RES) == v);
	assert_int_equal(store_count(f->c.store, 0, RES), 3);
	free(body);

	ch = answer_changes(f, poll_body("30m", 1));
	assert_non_null(ch->old);
	assert_string_equal(ch->row->name, "web-2");
	assert_int_equal(ch->row->cells[1].n, 31);
	assert_int_equal(row_of(f, "web-2")->cells[1].n, 31);

	ch = answer_changes(f, poll_body("30m", 0));
	assert_null(ch->row);
	assert_string_equal(ch->old->name, "web-3");
	assert_null(row_of(f, "web-3"));
	assert_int_equal(store_count(f->c.store, 0, RES), 2);
}

/* Items under an "items" key the scanner does not recognise (escaped) are
 * read all the same. */
static void
test_poll_escaped_items(void **state)
{
	struct fx *f = *state;
	char *a = pod_metrics("web-1", "5m", "1Mi"), *body;
	const char *why;

	body = xasprintf("{\"kind\":\"PodMetricsList\",\"it\\u0065ms\":[%s]}", a);
	answer(f, body);
	assert_int_equal(kind_state(f, &why), CONN_LIVE);
	assert_int_equal(store_count(f->c.store, 0, RES), 1);
	assert_int_equal(row_of(f, "web-1")->cells[1].n, 6);
	free(a);
	free(body);
}

/* After a good poll, a bad answer says what is wrong and loses nothing;
 * the next good poll is read as usual. */
static void
test_poll_bad_answers(void **state)
{
	struct fx *f = *state;
	char *good = poll_body("20m", 1), *moved = poll_body("90m", 1), *cut;
	struct cresult res;
	const char *why;
	static const struct {
		const char	*body;
		const char	*reason;
	} bad[] = {
		{ "{\"items\":[{\"metadata\":tru}]}", "metrics: bad response: " },
		{ "{\"kind\":\"Status\",\"message\":\"no\"}", "metrics: response is not a list" },
		{ "[]", "metrics: response is not a list" },
		{ "", "metrics: response is not a list" },
		{ "{\"items\":[]", "metrics: response is not a list" },
	};
	size_t i;
	uint64_t v;

	answer(f, good);
	v = store_version(f->c.store, RES);
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		answer(f, bad[i].body);
		assert_int_equal(kind_state(f, &why), CONN_ERROR);
		if (strncmp(why, bad[i].reason, strlen(bad[i].reason)) != 0)
			fail_msg("answer %zu: reason '%s', not '%s...'", i, why, bad[i].reason);
		assert_int_equal(store_count(f->c.store, 0, RES), 3);
		assert_true(store_version(f->c.store, RES) == v);
	}

	/* the decoder stops the transfer at a broken item: its reason is
	 * the one shown, not the abort it caused */
	ok_result(&res, bad[0].body);
	res.error = "aborted";
	reflector_poll_done(&res, f->r);
	assert_int_equal(kind_state(f, &why), CONN_ERROR);
	assert_int_equal(strncmp(why, bad[0].reason, strlen(bad[0].reason)), 0);
	assert_null(strstr(why, "aborted"));
	assert_int_equal(store_count(f->c.store, 0, RES), 3);
	assert_int_equal(loop_run_until(fuzz_loop, fuzz_listing, f->r, 5.0), 0);

	/* cut inside the second item: the first was read, nothing went */
	cut = xstrdup(moved);
	cut[strstr(cut, "web-2") - cut] = '\0';
	answer(f, cut);
	assert_int_equal(kind_state(f, &why), CONN_ERROR);
	assert_int_equal(store_count(f->c.store, 0, RES), 3);
	assert_non_null(row_of(f, "web-3"));

	answer(f, moved);
	assert_int_equal(kind_state(f, &why), CONN_LIVE);
	assert_int_equal(store_count(f->c.store, 0, RES), 3);
	assert_int_equal(row_of(f, "web-2")->cells[1].n, 91);
	free(good);
	free(moved);
	free(cut);
}

/* Answer r's list request with a 200 and body. */
static void
list_answer(struct reflector *r, const char *body)
{
	struct cresult res;

	ok_result(&res, body);
	reflector_list_done(&res, r);
}

/* A cluster's pods' usage is not asked for while the first list of its
 * pods is still coming in, and is asked for once that list is complete. */
static void
test_usage_after_rows(void **state)
{
	static const char page[] = "{\"kind\":\"PodList\",\"apiVersion\":\"v1\","
	    "\"metadata\":{\"resourceVersion\":\"7\"},\"items\":[{\"metadata\":"
	    "{\"name\":\"web-1\",\"namespace\":\"shop\",\"uid\":\"u1\"}}]}";
	struct client c;
	struct reflector *pods, *usage;

	(void)state;
	fuzz_client_init(&c, 0);
	c.refs = xcalloc(2, sizeof *c.refs);
	pods = reflector_new(&c, 0, kind_find("pods"), NULL, NULL);
	c.refs[c.nrefs++] = pods;
	assert_true(reflector_take_list(pods));		/* its first page, unanswered */
	usage = reflector_new(&c, 0, kind_find(RES), NULL, NULL);
	c.refs[c.nrefs++] = usage;
	/* a second of the loop (four checks): the usage is not asked for */
	assert_int_not_equal(loop_run_until(fuzz_loop, fuzz_listing, usage, 1.0), 0);

	list_answer(pods, page);
	assert_true(store_synced(c.store, 0, "pods"));
	assert_int_equal(store_count(c.store, 0, "pods"), 1);
	assert_int_equal(loop_run_until(fuzz_loop, fuzz_listing, usage, 1.0), 0);

	reflector_free(usage);
	reflector_free(pods);
	free(c.refs);
	store_free(c.store);
}

/* Another cluster's first list holds this cluster's usage back once its
 * rows have begun to arrive (one thread decodes every cluster), and not
 * while it has not answered at all (a hung cluster delays no one). */
static void
test_usage_after_estate_rows(void **state)
{
	static const char first[] = "{\"kind\":\"PodList\",\"apiVersion\":\"v1\","
	    "\"metadata\":{\"resourceVersion\":\"7\",\"continue\":\"c2\"},\"items\":"
	    "[{\"metadata\":{\"name\":\"web-1\",\"namespace\":\"shop\",\"uid\":\"u1\"}}]}";
	static const char last[] = "{\"kind\":\"PodList\",\"apiVersion\":\"v1\","
	    "\"metadata\":{\"resourceVersion\":\"7\"},\"items\":"
	    "[{\"metadata\":{\"name\":\"web-2\",\"namespace\":\"shop\",\"uid\":\"u2\"}}]}";
	struct client c;
	struct reflector *pods0, *pods1, *usage;

	(void)state;
	fuzz_client_init(&c, 0);
	store_add_cluster(c.store, "osaka");
	c.refs = xcalloc(3, sizeof *c.refs);
	/* cluster 0's pods are in */
	pods0 = reflector_new(&c, 0, kind_find("pods"), NULL, NULL);
	c.refs[c.nrefs++] = pods0;
	assert_true(reflector_take_list(pods0));
	list_answer(pods0, last);
	assert_true(store_synced(c.store, 0, "pods"));
	/* cluster 1 has not answered: cluster 0's usage is asked for at once */
	pods1 = reflector_new(&c, 1, kind_find("pods"), NULL, NULL);
	c.refs[c.nrefs++] = pods1;
	assert_true(reflector_take_list(pods1));
	usage = reflector_new(&c, 0, kind_find(RES), NULL, NULL);
	assert_true(reflector_take_list(usage));
	reflector_free(usage);

	/* cluster 1's first page is in, more to come: usage waits */
	list_answer(pods1, first);
	assert_true(reflector_take_list(pods1));	/* the next page, unanswered */
	assert_false(store_synced(c.store, 1, "pods"));
	assert_int_equal(store_count(c.store, 1, "pods"), 1);
	usage = reflector_new(&c, 0, kind_find(RES), NULL, NULL);
	c.refs[c.nrefs++] = usage;
	assert_int_not_equal(loop_run_until(fuzz_loop, fuzz_listing, usage, 1.0), 0);

	/* its last page: cluster 0's usage is asked for */
	list_answer(pods1, last);
	assert_true(store_synced(c.store, 1, "pods"));
	assert_int_equal(loop_run_until(fuzz_loop, fuzz_listing, usage, 1.0), 0);

	reflector_free(usage);
	reflector_free(pods1);
	reflector_free(pods0);
	free(c.refs);
	store_free(c.store);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_poll_changes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_poll_escaped_items, setup, teardown),
		cmocka_unit_test_setup_teardown(test_poll_bad_answers, setup, teardown),
		cmocka_unit_test(test_usage_after_rows),
		cmocka_unit_test(test_usage_after_estate_rows),
	};

	(void)fuzz_client_next_page;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
