/* Unit tests for the one duration grammar (duration.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "opsdeck/duration.h"

/* What every writer of a duration may give: units, combinations, Go's own
 * spelling of a time.Duration, bare seconds. */
static void
test_accepts(void **state)
{
	static const struct {
		const char	*s;
		double		 v;
	} good[] = {
		{ "1h", 3600 }, { "30m", 1800 }, { "90s", 90 }, { "1h30m", 5400 },
		{ "500ms", 0.5 }, { "2d", 172800 }, { "45", 45 }, { "1.5h", 5400 },
		{ "0s", 0 }, { "0", 0 }, { "0.25", 0.25 }, { ".5m", 30 }, { "2.m", 120 },
		{ "720h0m0s", 2592000 }, { "1d2h3m4s", 93784 }, { "1500us", 0.0015 },
		{ "1500\xc2\xb5s", 0.0015 }, { "2000000ns", 0.002 }, { "1m1ms", 60.001 },
		{ "5m5m", 600 },
	};
	double v;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof good / sizeof good[0]; i++) {
		v = -1;
		if (duration_parse(good[i].s, &v, NULL) != 0)
			fail_msg("'%s' rejected", good[i].s);
		if (v < good[i].v - 1e-9 || v > good[i].v + 1e-9)
			fail_msg("'%s' gave %.9g, want %.9g", good[i].s, v, good[i].v);
	}
}

/* What is refused, and the phrase that says why. */
static void
test_rejects(void **state)
{
	static const struct {
		const char	*s;
		const char	*why;
	} bad[] = {
		{ NULL, "empty duration" },
		{ "", "empty duration" },
		{ "h", "expected a number" },
		{ "s1", "expected a number" },
		{ "-5s", "expected a number" },
		{ "+5s", "expected a number" },
		{ " 5s", "expected a number" },
		{ ".s", "expected a number" },
		{ "1.2.3s", "expected a number" },
		{ "1h 30m", "expected a number" },
		{ "1x", "unknown unit" },
		{ "0x10s", "unknown unit" },
		{ "1e3s", "unknown unit" },
		{ "5M", "unknown unit" },
		{ "1 h", "unknown unit" },
		{ "1h30", "needs a unit" },
		{ "1s2", "needs a unit" },
		{ "400000d", "too long" },
		{ "99999999999", "too long" },
		{ "9999999999h9999999999h", "too long" },
		{ "123456789012345678901234567890123456789012345s", "expected a number" },
	};
	const char *why;
	double v;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		why = NULL;
		v = -7;
		if (duration_parse(bad[i].s, &v, &why) == 0)
			fail_msg("'%s' accepted as %g", bad[i].s, v);
		if (v != -7)
			fail_msg("'%s' wrote %g on failure", bad[i].s, v);
		if (why == NULL || strstr(why, bad[i].why) == NULL)
			fail_msg("'%s': why is '%s', want '%s'", bad[i].s, why ? why : "(null)",
			    bad[i].why);
	}
	/* the phrase is optional */
	assert_int_equal(duration_parse("soon", &v, NULL), -1);
}

/* The ceiling itself is a duration; just over it is not. */
static void
test_ceiling(void **state)
{
	double v;

	(void)state;
	assert_int_equal(duration_parse("10000000000", &v, NULL), 0);
	assert_true(v == DURATION_MAX);
	assert_int_equal(duration_parse("10000000000s1ms", &v, NULL), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_accepts),
		cmocka_unit_test(test_rejects),
		cmocka_unit_test(test_ceiling),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
