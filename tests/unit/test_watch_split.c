/* Unit tests for the watch stream line splitter: lines cut anywhere across
 * chunks come out whole and once, CRLF is trimmed, an over-cap line is an
 * error, and a callback can stop the stream. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "opsdeck/http.h"

/* Lines collected by the callback. */
struct lines {
	char	*line[64];
	size_t	 n;
	size_t	 stop_after;	/* 0: never stop */
};

/* Collect a line. */
static int
collect(const char *line, size_t len, void *arg)
{
	struct lines *l = arg;

	assert_true(l->n < 64);
	l->line[l->n] = malloc(len + 1);
	memcpy(l->line[l->n], line, len);
	l->line[l->n][len] = '\0';
	l->n++;
	if (l->stop_after != 0 && l->n >= l->stop_after)
		return 7;
	return 0;
}

/* Free collected lines. */
static void
lines_free(struct lines *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		free(l->line[i]);
	l->n = 0;
}

static const char stream[] =
    "{\"type\":\"ADDED\",\"object\":{\"metadata\":{\"name\":\"a\"}}}\n"
    "{\"type\":\"MODIFIED\",\"object\":{\"metadata\":{\"name\":\"b\"}}}\r\n"
    "\n"
    "{\"type\":\"DELETED\",\"object\":{\"metadata\":{\"name\":\"c\"}}}\n";

/* Check the three events (and the empty line) came out exactly once. */
static void
check_stream(struct lines *l)
{
	assert_int_equal(l->n, 4);
	assert_string_equal(l->line[0],
	    "{\"type\":\"ADDED\",\"object\":{\"metadata\":{\"name\":\"a\"}}}");
	assert_string_equal(l->line[1],
	    "{\"type\":\"MODIFIED\",\"object\":{\"metadata\":{\"name\":\"b\"}}}");
	assert_string_equal(l->line[2], "");
	assert_string_equal(l->line[3],
	    "{\"type\":\"DELETED\",\"object\":{\"metadata\":{\"name\":\"c\"}}}");
}

/* Every way of cutting the stream in two, and byte by byte, gives the
 * same lines with no duplicates and nothing held back. */
static void
test_cut_anywhere(void **state)
{
	struct line_splitter s;
	struct lines l;
	size_t len = strlen(stream), cut, i;

	memset(&l, 0, sizeof l);
	for (cut = 0; cut <= len; cut++) {
		splitter_init(&s, 0);
		assert_int_equal(splitter_feed(&s, stream, cut, collect, &l), 0);
		assert_int_equal(splitter_feed(&s, stream + cut, len - cut, collect, &l), 0);
		check_stream(&l);
		assert_int_equal(splitter_pending(&s), 0);
		lines_free(&l);
		splitter_free(&s);
	}
	splitter_init(&s, 0);
	for (i = 0; i < len; i++)
		assert_int_equal(splitter_feed(&s, stream + i, 1, collect, &l), 0);
	check_stream(&l);
	lines_free(&l);
	splitter_free(&s);
}

/* An unterminated tail is held, not delivered (a watch cut mid-line). */
static void
test_partial_tail(void **state)
{
	struct line_splitter s;
	struct lines l;

	memset(&l, 0, sizeof l);
	splitter_init(&s, 0);
	assert_int_equal(splitter_feed(&s, "one\ntw", 6, collect, &l), 0);
	assert_int_equal(l.n, 1);
	assert_string_equal(l.line[0], "one");
	assert_int_equal(splitter_pending(&s), 2);
	assert_int_equal(splitter_feed(&s, "o\n", 2, collect, &l), 0);
	assert_int_equal(l.n, 2);
	assert_string_equal(l.line[1], "two");
	assert_int_equal(splitter_pending(&s), 0);
	lines_free(&l);
	splitter_free(&s);
}

/* A line longer than the cap fails, whether it arrives at once or grows
 * across chunks; lines before it were delivered; the splitter stays
 * failed. */
static void
test_over_cap(void **state)
{
	struct line_splitter s;
	struct lines l;
	char big[64];

	memset(&l, 0, sizeof l);
	memset(big, 'x', sizeof big);
	splitter_init(&s, 16);
	assert_int_equal(splitter_feed(&s, "short\n", 6, collect, &l), 0);
	assert_int_equal(splitter_feed(&s, big, 10, collect, &l), 0);
	assert_int_equal(splitter_feed(&s, big, 10, collect, &l), -1);
	assert_int_equal(splitter_feed(&s, "ok\n", 3, collect, &l), -1);
	assert_int_equal(l.n, 1);
	splitter_free(&s);

	splitter_init(&s, 16);
	big[40] = '\n';
	assert_int_equal(splitter_feed(&s, big, 41, collect, &l), -1);
	assert_int_equal(l.n, 1);
	splitter_free(&s);

	/* exactly at the cap is fine */
	splitter_init(&s, 16);
	big[16] = '\n';
	assert_int_equal(splitter_feed(&s, big, 17, collect, &l), 0);
	assert_int_equal(l.n, 2);
	assert_int_equal(strlen(l.line[1]), 16);
	lines_free(&l);
	splitter_free(&s);
}

/* The callback's non-zero return stops the feed and is passed back. */
static void
test_callback_stops(void **state)
{
	struct line_splitter s;
	struct lines l;

	memset(&l, 0, sizeof l);
	l.stop_after = 2;
	splitter_init(&s, 0);
	assert_int_equal(splitter_feed(&s, "a\nb\nc\n", 6, collect, &l), 7);
	assert_int_equal(l.n, 2);
	lines_free(&l);
	splitter_free(&s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cut_anywhere),
		cmocka_unit_test(test_partial_tail),
		cmocka_unit_test(test_over_cap),
		cmocka_unit_test(test_callback_stops),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
