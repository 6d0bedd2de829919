/* The drill's clock: wall-clock time and the RFC 3339 forms the store,
 * the controllers and the monitoring APIs write and read. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "opsdeck/printers.h"
#include "opsdeck/sim_clock.h"

/* Wall-clock time in unix seconds. */
double
sim_wallclock(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Format wall time w as RFC 3339 UTC. */
void
ctl_rfc3339(double w, char *buf, size_t len)
{
	format_rfc3339((int64_t)w, buf, len);
}

/* Format wall time w as RFC 3339 UTC with milliseconds. */
void
ctl_rfc3339_ms(double w, char *buf, size_t len)
{
	char	base[40];

	ctl_rfc3339(w, base, sizeof base);
	snprintf(buf, len, "%.19s.%03uZ", base, (unsigned)((w - floor(w)) * 1000) % 1000u);
}

/* Parse an RFC 3339 time, keeping fractional seconds. */
double
ctl_parse_time(const char *s)
{
	int64_t	t = parse_rfc3339(s);

	if (t <= 0)
		return -1;
	/* parse_rfc3339 took the fixed "YYYY-MM-DDTHH:MM:SS" layout, so a
	 * fraction can only start at offset 19. */
	if (s[19] == '.')
		return (double)t + strtod(s + 19, NULL);
	return (double)t;
}
