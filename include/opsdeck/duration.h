/* Durations as people and clusters write them: the one grammar behind every
 * duration opsdeck reads (config, runbooks, the command line, silences, the
 * drill's scenarios, Velero TTLs and Argo Rollouts pauses).
 *
 *	duration := number            a bare number is seconds ("45", "0.5")
 *	          | part { part }     "90s", "1h30m", "720h0m0s", "500ms", "2d"
 *	part     := number unit
 *	number   := digits [ "." [ digits ] ] | "." digits
 *	unit     := "ns" | "us" | "µs" | "ms" | "s" | "m" | "h" | "d"
 *
 * No sign, no spaces, no exponent; a number with no unit may not follow a
 * part ("1h30" is refused, not read as 1h30s). The total is at most
 * DURATION_MAX seconds. */
#ifndef OPSDECK_DURATION_H
#define OPSDECK_DURATION_H

/* About 317 years: more than Go's time.Duration holds, so any duration a
 * Kubernetes object carries fits. */
#define DURATION_MAX	1e10

/* Parse s into seconds. 0 and *out set, or -1 with *why (if given) set to a
 * static phrase saying what is wrong. */
int	 duration_parse(const char *s, double *out, const char **why);

#endif
