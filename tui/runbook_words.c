/* The runbook language's small words, below the loader (runbook.c) and
 * the parameter checks (runbook_params.c) that both use them: names,
 * durations (at most a week) and how limits and elapsed times are written,
 * and the names of parameter types. */
#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "opsdeck/duration.h"
#include "opsdeck/runbook.h"

#include "runbook_int.h"

/* A duration as runbooks and the console take it (duration.h), at most a
 * week; -1 if it is not one. */
double
rb_parse_duration(const char *s)
{
	double d;

	if (duration_parse(s, &d, NULL) != 0 || d > 7 * 86400)
		return -1;
	return d;
}

/* Format an elapsed time as "0m16s" or "1h02m03s". */
void
rb_format_duration(double secs, char *buf, size_t len)
{
	long t = secs > 0 ? (long)secs : 0;

	if (t >= 3600)
		snprintf(buf, len, "%ldh%02ldm%02lds", t / 3600, t / 60 % 60, t % 60);
	else
		snprintf(buf, len, "%ldm%02lds", t / 60, t % 60);
}

/* Format a limit as written in runbooks: "2h", "2h30m", "5m", "1m30s", "45s". */
void
rb_format_limit(double secs, char *buf, size_t len)
{
	long t = secs > 0 ? (long)secs : 0, h = t / 3600, m = t / 60 % 60, s = t % 60;
	size_t o = 0;

	buf[0] = '\0';
	if (h > 0)
		o += (size_t)snprintf(buf + o, len - o, "%ldh", h);
	if (m > 0 && o < len)
		o += (size_t)snprintf(buf + o, len - o, "%ldm", m);
	if ((s > 0 || t == 0) && o < len)
		snprintf(buf + o, len - o, "%lds", s);
}

/* The RTO clock: "RTO 2h: 0m16s used, 1h59m44s left" (the time left only
 * while running) or "RTO 5m: 6m02s used, EXCEEDED by 1m02s"; "" without an
 * RTO. */
void
rb_format_rto(double rto, double elapsed, bool running, char *buf, size_t len)
{
	char limit[32], used[32], rest[32];

	elapsed = elapsed > 0 ? (double)(long)elapsed : 0;	/* used + left = rto */
	if (rto <= 0) {
		snprintf(buf, len, "%s", "");
		return;
	}
	rb_format_limit(rto, limit, sizeof limit);
	rb_format_duration(elapsed, used, sizeof used);
	if (elapsed > rto) {
		rb_format_duration(elapsed - rto, rest, sizeof rest);
		snprintf(buf, len, "RTO %s: %s used, EXCEEDED by %s", limit, used, rest);
	} else if (running) {
		rb_format_duration(rto - elapsed, rest, sizeof rest);
		snprintf(buf, len, "RTO %s: %s used, %s left", limit, used, rest);
	} else
		snprintf(buf, len, "RTO %s: %s used", limit, used);
}

/* True if s is a lower-case name: [a-z0-9][a-z0-9-]*. */
bool
rb_valid_name(const char *s, bool allow_underscore)
{
	size_t i;

	if (s == NULL || *s == '\0' || strlen(s) > 63)
		return false;
	for (i = 0; s[i] != '\0'; i++) {
		if (islower((unsigned char)s[i]) || isdigit((unsigned char)s[i]) ||
		    (i > 0 && s[i] == '-'))
			continue;
		if (allow_underscore && (s[i] == '_' || isupper((unsigned char)s[i])))
			continue;
		return false;
	}
	return true;
}

/* Names of parameter types, indexed by enum rb_ptype. */
static const char *const rb_ptype_names[] = {
	"string", "int", "duration", "enum", "bool", "context", "role", "revision",
};

const char *
rb_ptype_name(enum rb_ptype t)
{
	return (size_t)t < sizeof rb_ptype_names / sizeof rb_ptype_names[0] ?
	    rb_ptype_names[t] : "?";
}

/* The parameter type named s into *t: 0, or -1 if s names none. */
int
rb_ptype_find(const char *s, enum rb_ptype *t)
{
	size_t i;

	for (i = 0; s != NULL && i < sizeof rb_ptype_names / sizeof rb_ptype_names[0]; i++) {
		if (strcmp(s, rb_ptype_names[i]) == 0) {
			*t = (enum rb_ptype)i;
			return 0;
		}
	}
	return -1;
}
