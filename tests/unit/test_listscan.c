/* Unit tests for the list scanner: items come out one by one, whole and
 * once, however the page is cut into chunks; strings holding brackets,
 * commas and quotes do not confuse it; what is left is the page with an
 * empty items array; an item over the per-object cap, or too much outside
 * the items, stops the scan with a reason. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "opsdeck/listscan.h"

/* Items collected by the callback. */
struct items {
	char	*item[16];
	size_t	 n;
	size_t	 stop_after;	/* 0: never stop */
};

static int
collect(const char *item, size_t len, void *arg)
{
	struct items *l = arg;

	assert_true(l->n < 16);
	l->item[l->n] = malloc(len + 1);
	memcpy(l->item[l->n], item, len);
	l->item[l->n][len] = '\0';
	l->n++;
	return l->stop_after != 0 && l->n >= l->stop_after ? 5 : 0;
}

static void
items_free(struct items *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		free(l->item[i]);
	l->n = 0;
}

static const char page[] =
    "{\"kind\":\"PodList\",\"apiVersion\":\"v1\","
    "\"metadata\":{\"resourceVersion\":\"42\",\"continue\":\"c,]}\"},"
    "\"items\":[{\"metadata\":{\"name\":\"a\",\"annotations\":{\"x\":\"],[{\\\"\"}}},\n"
    "  {\"metadata\":{\"name\":\"b\"},\"spec\":{\"items\":[1,2]}} ,{}],"
    "\"extra\":{\"items\":[3]}}";

/* Every split point of the page gives the same items and the same rest. */
static void
test_cut_anywhere(void **state)
{
	size_t cut, len = strlen(page), restlen;

	(void)state;
	for (cut = 0; cut <= len; cut++) {
		struct list_scan s;
		struct items l;

		memset(&l, 0, sizeof l);
		list_scan_init(&s, 4096);
		assert_int_equal(list_scan_feed(&s, page, cut, collect, &l), 0);
		assert_int_equal(list_scan_feed(&s, page + cut, len - cut, collect, &l), 0);
		assert_int_equal(l.n, 3);
		assert_string_equal(l.item[0],
		    "{\"metadata\":{\"name\":\"a\",\"annotations\":{\"x\":\"],[{\\\"\"}}}");
		assert_string_equal(l.item[1],
		    "\n  {\"metadata\":{\"name\":\"b\"},\"spec\":{\"items\":[1,2]}} ");
		assert_string_equal(l.item[2], "{}");
		assert_string_equal(list_scan_rest(&s, &restlen),
		    "{\"kind\":\"PodList\",\"apiVersion\":\"v1\","
		    "\"metadata\":{\"resourceVersion\":\"42\",\"continue\":\"c,]}\"},"
		    "\"items\":[],\"extra\":{\"items\":[3]}}");
		assert_int_equal(restlen, strlen(list_scan_rest(&s, NULL)));
		assert_null(s.error);
		items_free(&l);
		list_scan_free(&s);
	}
}

/* An empty items array and a page without items hand nothing over. */
static void
test_empty(void **state)
{
	static const char *pages[] = {
		"{\"items\":[]}", "{\"items\":[ \n ]}", "{\"metadata\":{}}", "[1,2]", "",
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof pages / sizeof pages[0]; i++) {
		struct list_scan s;
		struct items l;

		memset(&l, 0, sizeof l);
		list_scan_init(&s, 4096);
		assert_int_equal(list_scan_feed(&s, pages[i], strlen(pages[i]), collect, &l), 0);
		assert_int_equal(l.n, 0);
		list_scan_free(&s);
	}
}

/* An item over the cap stops the scan once it passes the cap, not at its
 * end; the items before it were handed over. */
static void
test_object_cap(void **state)
{
	struct list_scan s;
	struct items l;
	char chunk[256];
	size_t i;

	(void)state;
	memset(&l, 0, sizeof l);
	memset(chunk, ' ', sizeof chunk);
	list_scan_init(&s, 1024);
	assert_int_equal(list_scan_feed(&s, "{\"items\":[{\"a\":1},{\"big\":\"", 26, collect,
	    &l), 0);
	assert_int_equal(l.n, 1);
	for (i = 0; i < 3; i++)
		assert_int_equal(list_scan_feed(&s, chunk, sizeof chunk, collect, &l), 0);
	assert_int_equal(list_scan_feed(&s, chunk, sizeof chunk, collect, &l), -1);
	assert_non_null(s.error);
	assert_non_null(strstr(s.error, "an object in the list is over 1024 bytes"));
	assert_int_equal(list_scan_feed(&s, "\"}]}", 4, collect, &l), -1);
	assert_true(s.item_cap <= 1025);
	items_free(&l);
	list_scan_free(&s);

	/* outside the items too: a bomb of blanks before "items" */
	list_scan_init(&s, 1024);
	assert_int_equal(list_scan_feed(&s, "{", 1, collect, &l), 0);
	for (i = 0; i < 3; i++)
		assert_int_equal(list_scan_feed(&s, chunk, sizeof chunk, collect, &l), 0);
	assert_int_equal(list_scan_feed(&s, chunk, sizeof chunk, collect, &l), -1);
	assert_non_null(strstr(s.error, "outside its items"));
	list_scan_free(&s);
}

/* The callback's non-zero return stops the scan and is returned. */
static void
test_callback_stops(void **state)
{
	static const char p[] = "{\"items\":[{},{},{}]}";
	struct list_scan s;
	struct items l;

	(void)state;
	memset(&l, 0, sizeof l);
	l.stop_after = 2;
	list_scan_init(&s, 4096);
	assert_int_equal(list_scan_feed(&s, p, strlen(p), collect, &l), 5);
	assert_int_equal(l.n, 2);
	assert_int_equal(list_scan_feed(&s, "", 0, collect, &l), -1);
	items_free(&l);
	list_scan_free(&s);
}


/* Look-alike keys at the top level are not the items array, however the
 * page is cut: a long key starting "items", one ending in it, one with an
 * escape; only the exact key's elements come out. */
static void
test_lookalike_keys(void **state)
{
	static const char doc[] =
	    "{\"itemsAndMore\":[{\"no\":1}],\"xitems\":[{\"no\":2}],"
	    "\"it\\u0065ms\":[{\"no\":3}],\"items\" : [ {\"yes\":1} , {\"yes\":2} ]}";
	size_t cut, len = strlen(doc);
	struct list_scan s;
	struct items l = { .n = 0 };

	for (cut = 0; cut <= len; cut++) {
		list_scan_init(&s, 4096);
		assert_int_equal(list_scan_feed(&s, doc, cut, collect, &l), 0);
		assert_int_equal(list_scan_feed(&s, doc + cut, len - cut, collect, &l), 0);
		assert_int_equal(l.n, 2);
		assert_string_equal(l.item[0], " {\"yes\":1} ");
		assert_string_equal(l.item[1], " {\"yes\":2} ");
		items_free(&l);
		list_scan_free(&s);
	}
}

/* The per-object cap is exact whether bytes come one by one or at once:
 * an item of max bytes passes, one of max + 1 stops the scan. */
static void
test_cap_exact(void **state)
{
	char doc[64];
	size_t max, len, i;
	struct list_scan s;
	struct items l = { .n = 0 };
	int pass, rc;

	for (pass = 0; pass < 2; pass++) {
		len = (size_t)snprintf(doc, sizeof doc, "{\"items\":[\"abcdefghij\"]}");
		for (max = 12; max >= 11; max--) {
			/* the item is "abcdefghij" with its quotes: 12 bytes */
			list_scan_init(&s, max);
			rc = 0;
			if (pass == 0)
				rc = list_scan_feed(&s, doc, len, collect, &l);
			else
				for (i = 0; i < len && rc == 0; i++)
					rc = list_scan_feed(&s, doc + i, 1, collect, &l);
			if (max == 12) {
				assert_int_equal(rc, 0);
				assert_int_equal(l.n, 1);
			} else {
				assert_int_equal(rc, -1);
				assert_int_equal(l.n, 0);
				assert_non_null(s.error);
			}
			items_free(&l);
			list_scan_free(&s);
		}
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cut_anywhere),
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_object_cap),
		cmocka_unit_test(test_callback_stops),
		cmocka_unit_test(test_lookalike_keys),
		cmocka_unit_test(test_cap_exact),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
