/* Unit tests for name_near: the names offered after a mistyped one. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "opsdeck/names.h"

/* name_near(word, cands) is want (NULL: nothing offered). */
static void
near_is(const char *word, const char *const *cands, size_t n, const char *want)
{
	char *got = name_near(word, cands, n);

	if (want == NULL)
		assert_null(got);
	else
		assert_string_equal(got, want);
	free(got);
}

static void
test_near(void **state)
{
	static const char *const ctxs[] = { "prod-tokyo", "prod-osaka", "staging", "dev" };
	static const char *const nss[] = { "default", "production", "staging", "production",
		"kube-system", "monitoring" };

	near_is("prod-tokio", ctxs, 4, "prod-tokyo");
	near_is("productoin", nss, 6, "production");	/* a swap counts one */
	near_is("prod", ctxs, 4, "prod-tokyo, prod-osaka");	/* prefixes */
	near_is("staging-eu", ctxs, 4, "staging");	/* the other way */
	near_is("nosuch", ctxs, 4, NULL);
	near_is("kube-sytem", nss, 6, "kube-system");
	near_is("dve", ctxs, 4, "dev");
	near_is("", ctxs, 4, NULL);
	near_is("staging", ctxs, 4, NULL);	/* itself is not offered */
}

static void
test_near_order_and_limit(void **state)
{
	static const char *const cands[] = { "ab-x", "ab-yy", "abc", "abd", "abe", "abf" };

	/* prefixes first (distance 0), at most three, first seen first */
	near_is("ab", cands, 6, "ab-x, ab-yy, abc");
	/* one edit beats two */
	near_is("abz", cands, 6, "abc, abd, abe");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_near),
		cmocka_unit_test(test_near_order_and_limit),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
