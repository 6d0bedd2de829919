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

/* A generated name's suffix: five characters of the API server's safe
 * alphabet (no vowels, no 0/1/3), the same for the same draw, different
 * for different draws. */
static void
test_suffix(void **state)
{
	char a[6], b[6], c[6];
	int i;

	name_suffix(0, a);
	assert_string_equal(a, "bbbbb");
	name_suffix(123456789, b);
	name_suffix(123456789, c);
	assert_string_equal(b, c);
	assert_string_not_equal(a, b);
	assert_int_equal(strlen(b), 5);
	for (i = 0; i < 5; i++)
		assert_non_null(strchr(name_safe_alphabet, b[i]));
	assert_null(strpbrk(b, "aeiou013"));
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
		cmocka_unit_test(test_suffix),
		cmocka_unit_test(test_near),
		cmocka_unit_test(test_near_order_and_limit),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
