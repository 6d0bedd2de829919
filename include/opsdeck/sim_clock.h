/* The drill's clock (drill/sim_clock.c): wall-clock time, and wall times
 * as RFC 3339 text. Controllers count simulated seconds apart from it
 * (ctl_now, sim_ctl.h); what they write into objects is wall-clock. */
#ifndef OPSDECK_SIM_CLOCK_H
#define OPSDECK_SIM_CLOCK_H

#include <stddef.h>

/* Wall-clock time now in unix seconds (fractional). */
double	 sim_wallclock(void);
/* RFC 3339 UTC of wall time w. */
void	 ctl_rfc3339(double w, char *buf, size_t len);
/* RFC 3339 UTC of wall time w with milliseconds, as Alertmanager and
 * container logs print it ("2026-11-23T17:50:00.123Z"). */
void	 ctl_rfc3339_ms(double w, char *buf, size_t len);
/* Parse RFC 3339 (UTC "Z" or offset, fractional seconds kept) as
 * parse_rfc3339 does; -1 if bad, unset (Go's zero time) or not after 1970. */
double	 ctl_parse_time(const char *);

#endif
