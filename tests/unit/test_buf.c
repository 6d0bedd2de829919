/* The growing buffer: appends, formatting, handing over, and the cap that
 * cuts on a UTF-8 boundary and says so with "...". */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "opsdeck/buf.h"

static void
test_append_take(void **state)
{
	struct buf b = { 0 };
	char *s;

	s = buf_take(&b);		/* empty: "" not NULL */
	assert_string_equal(s, "");
	free(s);
	buf_str(&b, "web");
	buf_str(&b, NULL);
	buf_add(&b, ",xyz", 2);
	buf_printf(&b, "-%d/%s", 42, "db");
	assert_int_equal(b.len, strlen("web,x-42/db"));
	s = buf_take(&b);
	assert_string_equal(s, "web,x-42/db");
	free(s);
	assert_null(b.p);
	assert_int_equal(b.len, 0);
	/* many small appends grow it */
	for (int i = 0; i < 1000; i++)
		buf_str(&b, "ab");
	assert_int_equal(b.len, 2000);
	assert_int_equal(strlen(b.p), 2000);
	buf_free(&b);
}

static void
test_cap(void **state)
{
	struct buf b = { .max = 8 };
	char *s;

	buf_str(&b, "12345");
	buf_str(&b, "678");		/* exactly the cap */
	assert_false(b.full);
	buf_str(&b, "9");		/* past it: cut, "..." once */
	assert_true(b.full);
	buf_str(&b, "more");
	s = buf_take(&b);
	assert_string_equal(s, "12345678...");
	free(s);
	assert_int_equal(b.max, 8);	/* the cap survives a take */
	/* "é" is two bytes: a cut never splits it */
	buf_str(&b, "1234567");
	buf_str(&b, "\xc3\xa9x");
	s = buf_take(&b);
	assert_string_equal(s, "1234567...");
	free(s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_append_take),
		cmocka_unit_test(test_cap),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
