/* The duration grammar (duration.h). */
#include <stdlib.h>
#include <string.h>

#include "opsdeck/duration.h"

/* Units, longest spelling first where one is a prefix of another. */
static const struct {
	const char	*name;
	double		 secs;
} duration_units[] = {
	{ "ns", 1e-9 },
	{ "us", 1e-6 },
	{ "\xc2\xb5s", 1e-6 },	/* µs, as Go prints it */
	{ "ms", 1e-3 },
	{ "s", 1 },
	{ "m", 60 },
	{ "h", 3600 },
	{ "d", 86400 },
};

/* Read one number at *sp (digits with at most one '.', one digit at least);
 * advance *sp. -1 if there is none. */
static int
duration_number(const char **sp, double *v)
{
	const char	*s = *sp;
	char		 num[40];
	size_t		 n, digits = 0, dots = 0;

	for (n = 0; s[n] == '.' || (s[n] >= '0' && s[n] <= '9'); n++) {
		if (s[n] == '.')
			dots++;
		else
			digits++;
	}
	if (digits == 0 || dots > 1 || n >= sizeof num)
		return -1;
	memcpy(num, s, n);
	num[n] = '\0';
	*v = strtod(num, NULL);
	*sp = s + n;
	return 0;
}

int
duration_parse(const char *s, double *out, const char **why)
{
	const char	*w = NULL;
	double		 total = 0, v;
	size_t		 i, len;
	int		 parts = 0;

	if (s == NULL || *s == '\0') {
		w = "empty duration";
		goto fail;
	}
	while (*s != '\0') {
		if (duration_number(&s, &v) != 0) {
			w = "expected a number (e.g. 90s, 5m, 1h30m)";
			goto fail;
		}
		if (*s == '\0') {
			if (parts > 0) {
				w = "a number after another part needs a unit";
				goto fail;
			}
			total = v;
			break;
		}
		for (i = 0; i < sizeof duration_units / sizeof duration_units[0]; i++) {
			len = strlen(duration_units[i].name);
			if (strncmp(s, duration_units[i].name, len) == 0)
				break;
		}
		if (i == sizeof duration_units / sizeof duration_units[0]) {
			w = "unknown unit (use ms, s, m, h or d)";
			goto fail;
		}
		total += v * duration_units[i].secs;
		s += len;
		parts++;
		if (total > DURATION_MAX)
			break;
	}
	if (total > DURATION_MAX) {
		w = "duration too long";
		goto fail;
	}
	*out = total;
	return 0;
fail:
	if (why != NULL)
		*why = w;
	return -1;
}
