/* OSC 52 clipboard sequences: exact bytes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "opsdeck/osc52.h"

/* Check osc52_build(text) is ESC ] 52 ; c ; b64 BEL. */
static void
check(const char *text, const char *b64)
{
	char *got = osc52_build(text, strlen(text)), *want;
	size_t n = strlen(b64);

	assert_non_null(got);
	want = malloc(n + 9);
	assert_non_null(want);
	memcpy(want, "\033]52;c;", 7);
	memcpy(want + 7, b64, n);
	want[7 + n] = '\a';
	want[8 + n] = '\0';
	assert_string_equal(got, want);
	free(want);
	free(got);
}

/* RFC 4648 section 10 vectors: every padding case. */
static void
test_rfc4648(void **state)
{
	check("", "");
	check("f", "Zg==");
	check("fo", "Zm8=");
	check("foo", "Zm9v");
	check("foob", "Zm9vYg==");
	check("fooba", "Zm9vYmE=");
	check("foobar", "Zm9vYmFy");
}

/* A runbook URL, as base64(1) encodes it. */
static void
test_url(void **state)
{
	check("https://runbooks.example.com/alerts/KubePodCrashLooping?x=1",
	    "aHR0cHM6Ly9ydW5ib29rcy5leGFtcGxlLmNvbS9hbGVydHMvS3ViZVBvZENyYXNoTG9vcGluZz94PTE=");
}

/* Over the cap: refused. */
static void
test_too_long(void **state)
{
	char *big = malloc(OSC52_MAX + 2);

	assert_non_null(big);
	memset(big, 'a', OSC52_MAX + 1);
	big[OSC52_MAX + 1] = '\0';
	assert_null(osc52_build(big, OSC52_MAX + 1));
	free(big);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rfc4648),
		cmocka_unit_test(test_url),
		cmocka_unit_test(test_too_long),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
