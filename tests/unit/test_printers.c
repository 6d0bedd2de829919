/* Unit tests for the table printers: kubectl's pod STATUS/READY/RESTARTS
 * rules, HumanDuration, HPA targets, deployment cells and flags, RFC 3339. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "opsdeck/kinds.h"
#include "opsdeck/printers.h"

/* All fixtures are seen at this instant: 2026-11-23T18:00:00Z. */
#define NOW	INT64_C(1795456800)

/* The result of printing one object, with its cells formatted at NOW. */
struct row {
	struct printed	 p;
	char		 text[16][512];
};

/* Print the JSON text js with the printer for resource into r. */
static void
print_json(const char *resource, const char *js, struct row *r)
{
	const struct printer *p = printer_find(resource);
	json_error_t err;
	json_t *obj;
	size_t i;

	obj = json_loads(js, 0, &err);
	if (obj == NULL)
		fail_msg("bad test JSON at line %d: %s", err.line, err.text);
	printer_print(p, obj, NOW, &r->p);
	json_decref(obj);
	assert_int_equal(r->p.ncells, p->ncolumns);
	assert_true(p->ncolumns <= 16);
	for (i = 0; i < r->p.ncells; i++)
		cell_format(&r->p.cells[i], NOW, r->text[i], sizeof r->text[i]);
}

/* Print a pod and check READY, STATUS and RESTARTS. */
static void
check_pod(const char *js, const char *ready, const char *status,
    const char *restarts, unsigned flags)
{
	struct row r;

	print_json("pods", js, &r);
	assert_string_equal(r.text[1], ready);
	assert_string_equal(r.text[2], status);
	assert_string_equal(r.text[3], restarts);
	assert_int_equal(r.p.flags, flags);
	printed_free(&r.p);
}

/* The boundaries of duration.HumanDuration. */
static void
test_human_duration(void **state)
{
	static const struct {
		int64_t		 s;
		const char	*want;
	} cases[] = {
		{ -100, "<invalid>" }, { -2, "<invalid>" }, { -1, "0s" },
		{ 0, "0s" }, { 1, "1s" }, { 59, "59s" }, { 60, "60s" },
		{ 119, "119s" }, { 120, "2m" }, { 121, "2m1s" }, { 150, "2m30s" },
		{ 599, "9m59s" }, { 600, "10m" }, { 659, "10m" },
		{ 3 * 3600 - 1, "179m" }, { 3 * 3600, "3h" },
		{ 3 * 3600 + 59, "3h" }, { 3 * 3600 + 60, "3h1m" },
		{ 8 * 3600 - 1, "7h59m" }, { 8 * 3600, "8h" },
		{ 48 * 3600 - 1, "47h" }, { 48 * 3600, "2d" },
		{ 50 * 3600, "2d2h" }, { 8 * 86400 - 1, "7d23h" },
		{ 8 * 86400, "8d" }, { 365 * 86400, "365d" },
		{ 2 * 365 * 86400 - 1, "729d" }, { 2 * 365 * 86400, "2y" },
		{ 2 * 365 * 86400 + 10 * 86400, "2y10d" },
		{ 8 * 365 * 86400 - 1, "7y364d" }, { 8 * 365 * 86400, "8y" },
		{ 20 * 365 * 86400 + 100 * 86400, "20y" },
	};
	char buf[32];
	size_t i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		human_duration(cases[i].s, buf, sizeof buf);
		if (strcmp(buf, cases[i].want) != 0)
			fail_msg("human_duration(%lld) = %s, want %s",
			    (long long)cases[i].s, buf, cases[i].want);
	}
	/* A short buffer is truncated, still terminated. */
	human_duration(150, buf, 3);
	assert_string_equal(buf, "2m");
}

/* RFC 3339 parsing with fractions and offsets, formatting, round trips. */
static void
test_rfc3339(void **state)
{
	static const char *valid[] = {
		"2026-11-23T18:00:00Z", "1970-01-01T00:00:00Z",
		"2024-02-29T23:59:59Z", "2000-03-01T00:00:00Z",
		"1969-12-31T23:59:59Z", "2099-12-31T12:34:56Z",
	};
	static const char *invalid[] = {
		"", "2026-11-23", "2026-11-23T18:00:00", "2026-11-23 18:00:00Z",
		"2026-13-01T00:00:00Z", "2026-02-29T00:00:00Z",
		"2026-04-31T00:00:00Z", "2026-11-23T24:00:00Z",
		"2026-11-23T18:60:00Z", "2026-11-23T18:00:00.Z",
		"2026-11-23T18:00:00Zjunk", "2026-11-23T18:00:00+0200",
		"2026-11-23T18:00:00+24:00", "0001-01-01T00:00:00Z", "x",
	};
	char buf[64];
	size_t i;

	assert_int_equal(parse_rfc3339("2026-11-23T18:00:00Z"), NOW);
	assert_int_equal(parse_rfc3339("2026-11-23T18:00:00.5Z"), NOW);
	assert_int_equal(parse_rfc3339("2026-11-23T18:00:00.123456789Z"), NOW);
	assert_int_equal(parse_rfc3339("2026-11-23t18:00:00z"), NOW);
	assert_int_equal(parse_rfc3339("2026-11-23T20:00:00+02:00"), NOW);
	assert_int_equal(parse_rfc3339("2026-11-23T12:30:00.000-05:30"), NOW);
	assert_int_equal(parse_rfc3339("1970-01-01T00:00:00Z"), 0);
	assert_int_equal(parse_rfc3339("1969-12-31T23:59:59Z"), -1);
	assert_int_equal(parse_rfc3339("2000-01-01T00:00:00Z"), INT64_C(946684800));
	assert_int_equal(parse_rfc3339(NULL), 0);
	for (i = 0; i < sizeof invalid / sizeof invalid[0]; i++) {
		if (parse_rfc3339(invalid[i]) != 0)
			fail_msg("parse_rfc3339(\"%s\") accepted", invalid[i]);
	}
	for (i = 0; i < sizeof valid / sizeof valid[0]; i++) {
		format_rfc3339(parse_rfc3339(valid[i]), buf, sizeof buf);
		assert_string_equal(buf, valid[i]);
	}
	format_rfc3339(NOW, buf, sizeof buf);
	assert_string_equal(buf, "2026-11-23T18:00:00Z");
	/* Offsets and fractions normalise to UTC seconds. */
	format_rfc3339(parse_rfc3339("2024-02-29T01:15:30.999+03:00"), buf,
	    sizeof buf);
	assert_string_equal(buf, "2024-02-28T22:15:30Z");
}

/* Cell formatting for every cell type. */
static void
test_cell_format(void **state)
{
	struct cell c;
	char buf[64];

	memset(&c, 0, sizeof c);
	c.type = CELL_AGE;
	cell_format(&c, NOW, buf, sizeof buf);
	assert_string_equal(buf, "<unknown>");
	c.text = "n/a";
	cell_format(&c, NOW, buf, sizeof buf);
	assert_string_equal(buf, "n/a");
	c.when = NOW - 150;
	cell_format(&c, NOW, buf, sizeof buf);
	assert_string_equal(buf, "2m30s");
	c.type = CELL_UNTIL;
	cell_format(&c, NOW, buf, sizeof buf);
	assert_string_equal(buf, "2m30s ago");
	c.when = NOW + 3 * 86400;
	cell_format(&c, NOW, buf, sizeof buf);
	assert_string_equal(buf, "3d");
	c.text = NULL;
	c.type = CELL_RESTARTS;
	c.n = 5;
	c.when = NOW - 120;
	cell_format(&c, NOW, buf, sizeof buf);
	assert_string_equal(buf, "5 (2m ago)");
	c.when = 0;
	cell_format(&c, NOW, buf, sizeof buf);
	assert_string_equal(buf, "5");
	c.type = CELL_INT;
	c.n = -42;
	assert_int_equal(cell_format(&c, NOW, buf, sizeof buf), 3);
	assert_string_equal(buf, "-42");
	c.type = CELL_TEXT;
	c.text = "Running";
	assert_int_equal(cell_format(&c, NOW, buf, 4), 3);
	assert_string_equal(buf, "Run");
	assert_int_equal(cell_format(&c, NOW, buf, sizeof buf), 7);
	assert_string_equal(buf, "Running");
	c.text = NULL;
	assert_int_equal(cell_format(&c, NOW, buf, sizeof buf), 0);
	assert_string_equal(buf, "");
}

/* A crash-looping container: waiting reason wins, restarts with age. */
static void
test_pod_crashloop(void **state)
{
	check_pod("{\"metadata\":{\"name\":\"web-1\",\"creationTimestamp\":"
	    "\"2026-11-23T17:00:00Z\"},\"spec\":{\"containers\":[{\"name\":\"a\"}]},"
	    "\"status\":{\"phase\":\"Running\",\"containerStatuses\":[{\"name\":\"a\","
	    "\"ready\":false,\"restartCount\":5,\"state\":{\"waiting\":{\"reason\":"
	    "\"CrashLoopBackOff\"}},\"lastState\":{\"terminated\":{\"exitCode\":1,"
	    "\"finishedAt\":\"2026-11-23T17:58:00Z\"}}}]}}",
	    "0/1", "CrashLoopBackOff", "5 (2m ago)", ROW_BAD);
	/* Restarts without a last termination time print the count alone. */
	check_pod("{\"spec\":{\"containers\":[{\"name\":\"a\"}]},\"status\":"
	    "{\"phase\":\"Running\",\"containerStatuses\":[{\"name\":\"a\","
	    "\"ready\":true,\"restartCount\":4,\"state\":{\"running\":{}}}]}}",
	    "1/1", "Running", "4", 0);
	/* The latest finishedAt across containers wins. */
	check_pod("{\"spec\":{\"containers\":[{\"name\":\"a\"},{\"name\":\"b\"}]},"
	    "\"status\":{\"phase\":\"Running\",\"containerStatuses\":["
	    "{\"name\":\"a\",\"ready\":true,\"restartCount\":1,\"state\":{\"running\":{}},"
	    "\"lastState\":{\"terminated\":{\"finishedAt\":\"2026-11-23T15:00:00Z\"}}},"
	    "{\"name\":\"b\",\"ready\":true,\"restartCount\":2,\"state\":{\"running\":{}},"
	    "\"lastState\":{\"terminated\":{\"finishedAt\":\"2026-11-23T17:55:00Z\"}}}]}}",
	    "2/2", "Running", "3 (5m ago)", 0);
}

/* A running pod not ready: never ready yet (its Ready condition changed
 * when it started) or ready once and lost it (changed since). */
#define READY_POD(t) "{\"spec\":{\"containers\":[{\"name\":\"a\"}]},\"status\":" \
	    "{\"phase\":\"Running\",\"startTime\":\"2026-11-23T17:00:00Z\"," \
	    "\"conditions\":[{\"type\":\"Ready\",\"status\":\"False\"," \
	    "\"lastTransitionTime\":\"" t "\"}],\"containerStatuses\":[{\"name\":\"a\"," \
	    "\"ready\":false,\"restartCount\":0,\"state\":{\"running\":{}}}]}}"

static void
test_pod_readiness_lost(void **state)
{
	struct row r;

	print_json("pods", READY_POD("2026-11-23T17:00:01Z"), &r);
	assert_int_equal(r.p.flags, ROW_WARN);
	assert_string_equal(r.p.reason, "not ready 0/1");
	printed_free(&r.p);
	print_json("pods", READY_POD("2026-11-23T17:00:20Z"), &r);
	assert_int_equal(r.p.flags, ROW_WARN);
	assert_string_equal(r.p.reason, "readiness lost 0/1");
	printed_free(&r.p);
}

/* Container terminations without reasons, image pulls, evictions. */
static void
test_pod_terminated_states(void **state)
{
	check_pod("{\"spec\":{\"containers\":[{\"name\":\"a\"}]},\"status\":{"
	    "\"phase\":\"Running\",\"containerStatuses\":[{\"name\":\"a\",\"state\":"
	    "{\"terminated\":{\"exitCode\":137}}}]}}", "0/1", "ExitCode:137", "0",
	    ROW_BAD);
	check_pod("{\"spec\":{\"containers\":[{\"name\":\"a\"}]},\"status\":{"
	    "\"phase\":\"Running\",\"containerStatuses\":[{\"name\":\"a\",\"state\":"
	    "{\"terminated\":{\"exitCode\":0,\"signal\":9}}}]}}", "0/1", "Signal:9",
	    "0", ROW_BAD);
	check_pod("{\"spec\":{\"containers\":[{\"name\":\"a\"}]},\"status\":{"
	    "\"phase\":\"Pending\",\"containerStatuses\":[{\"name\":\"a\",\"state\":"
	    "{\"waiting\":{\"reason\":\"ImagePullBackOff\"}}}]}}", "0/1",
	    "ImagePullBackOff", "0", ROW_BAD);
	check_pod("{\"spec\":{\"containers\":[{\"name\":\"a\"}]},\"status\":{"
	    "\"phase\":\"Failed\",\"reason\":\"Evicted\"}}", "0/1", "Evicted", "0",
	    ROW_BAD);
	check_pod("{\"spec\":{\"containers\":[{\"name\":\"a\"}]},\"status\":{"
	    "\"phase\":\"Pending\",\"containerStatuses\":[{\"name\":\"a\",\"state\":"
	    "{\"waiting\":{\"reason\":\"ContainerCreating\"}}}]}}", "0/1",
	    "ContainerCreating", "0", ROW_WARN);
	check_pod("{\"spec\":{\"containers\":[{\"name\":\"a\"}]},\"status\":{"
	    "\"phase\":\"Succeeded\",\"containerStatuses\":[{\"name\":\"a\",\"state\":"
	    "{\"terminated\":{\"exitCode\":0,\"reason\":\"Completed\"}}}]}}", "0/1",
	    "Completed", "0", 0);
	/* Running but not ready is a warning. */
	check_pod("{\"spec\":{\"containers\":[{\"name\":\"a\"},{\"name\":\"b\"}]},"
	    "\"status\":{\"phase\":\"Running\",\"containerStatuses\":["
	    "{\"name\":\"a\",\"ready\":true,\"state\":{\"running\":{}}},"
	    "{\"name\":\"b\",\"ready\":false,\"state\":{\"running\":{}}}]}}",
	    "1/2", "Running", "0", ROW_WARN);
	check_pod("{\"status\":{\"phase\":\"Pending\",\"conditions\":[{\"type\":"
	    "\"PodScheduled\",\"status\":\"False\",\"reason\":\"SchedulingGated\"}]},"
	    "\"spec\":{\"containers\":[{\"name\":\"a\"}]}}", "0/1",
	    "SchedulingGated", "0", ROW_WARN);
}

/* Init containers: progress, failures, and restarts counted while
 * initializing. */
static void
test_pod_init(void **state)
{
	static const char spec3[] = "\"spec\":{\"initContainers\":[{\"name\":\"i1\"},"
	    "{\"name\":\"i2\"},{\"name\":\"i3\"}],\"containers\":[{\"name\":\"a\"}]}";
	char js[2048];

	snprintf(js, sizeof js, "{%s,\"status\":{\"phase\":\"Pending\","
	    "\"initContainerStatuses\":[{\"name\":\"i1\",\"state\":{\"terminated\":"
	    "{\"exitCode\":0,\"reason\":\"Completed\"}}},{\"name\":\"i2\",\"state\":"
	    "{\"running\":{}}},{\"name\":\"i3\",\"state\":{\"waiting\":{\"reason\":"
	    "\"PodInitializing\"}}}],\"containerStatuses\":[{\"name\":\"a\",\"state\":"
	    "{\"waiting\":{\"reason\":\"PodInitializing\"}}}]}}", spec3);
	check_pod(js, "0/1", "Init:1/3", "0", ROW_WARN);

	snprintf(js, sizeof js, "{%s,\"status\":{\"phase\":\"Pending\","
	    "\"initContainerStatuses\":[{\"name\":\"i1\",\"restartCount\":7,"
	    "\"lastState\":{\"terminated\":{\"exitCode\":1,\"finishedAt\":"
	    "\"2026-11-23T17:59:00Z\"}},\"state\":{\"waiting\":{\"reason\":"
	    "\"CrashLoopBackOff\"}}}]}}", spec3);
	check_pod(js, "0/1", "Init:CrashLoopBackOff", "7 (60s ago)", ROW_BAD);

	snprintf(js, sizeof js, "{%s,\"status\":{\"phase\":\"Pending\","
	    "\"initContainerStatuses\":[{\"name\":\"i1\",\"state\":{\"terminated\":"
	    "{\"exitCode\":2}}}]}}", spec3);
	check_pod(js, "0/1", "Init:ExitCode:2", "0", ROW_BAD);

	snprintf(js, sizeof js, "{%s,\"status\":{\"phase\":\"Pending\","
	    "\"initContainerStatuses\":[{\"name\":\"i1\",\"state\":{\"terminated\":"
	    "{\"exitCode\":137,\"signal\":9}}}]}}", spec3);
	check_pod(js, "0/1", "Init:Signal:9", "0", ROW_BAD);

	snprintf(js, sizeof js, "{%s,\"status\":{\"phase\":\"Pending\","
	    "\"initContainerStatuses\":[{\"name\":\"i1\",\"state\":{\"terminated\":"
	    "{\"exitCode\":137,\"reason\":\"OOMKilled\"}}}]}}", spec3);
	check_pod(js, "0/1", "Init:OOMKilled", "0", ROW_BAD);

	/* No init statuses yet: the phase stands. */
	snprintf(js, sizeof js, "{%s,\"status\":{\"phase\":\"Pending\"}}", spec3);
	check_pod(js, "0/1", "Pending", "0", ROW_WARN);
}

/* Restartable init containers (sidecars) count in READY and RESTARTS;
 * ordinary init restarts stop counting once initialised. */
static void
test_pod_sidecars(void **state)
{
	static const char js[] =
	    "{\"spec\":{\"initContainers\":[{\"name\":\"proxy\",\"restartPolicy\":"
	    "\"Always\"},{\"name\":\"migrate\"}],\"containers\":[{\"name\":\"app\"}]},"
	    "\"status\":{\"phase\":\"Running\",\"conditions\":[{\"type\":"
	    "\"Initialized\",\"status\":\"True\"},{\"type\":\"Ready\",\"status\":"
	    "\"True\"}],\"initContainerStatuses\":["
	    "{\"name\":\"proxy\",\"started\":true,\"ready\":true,\"restartCount\":2,"
	    "\"state\":{\"running\":{}},\"lastState\":{\"terminated\":{\"exitCode\":1,"
	    "\"finishedAt\":\"2026-11-23T17:55:00Z\"}}},"
	    "{\"name\":\"migrate\",\"restartCount\":3,\"state\":{\"terminated\":"
	    "{\"exitCode\":0,\"reason\":\"Completed\"}},\"lastState\":{\"terminated\":"
	    "{\"exitCode\":1,\"finishedAt\":\"2026-11-23T17:59:30Z\"}}}],"
	    "\"containerStatuses\":[{\"name\":\"app\",\"ready\":true,\"restartCount\":1,"
	    "\"state\":{\"running\":{}},\"lastState\":{\"terminated\":{\"exitCode\":1,"
	    "\"finishedAt\":\"2026-11-23T17:58:00Z\"}}}]}}";

	check_pod(js, "2/2", "Running", "3 (2m ago)", 0);

	/* A sidecar that has not started yet holds initialisation. */
	check_pod("{\"spec\":{\"initContainers\":[{\"name\":\"proxy\","
	    "\"restartPolicy\":\"Always\"}],\"containers\":[{\"name\":\"app\"}]},"
	    "\"status\":{\"phase\":\"Pending\",\"initContainerStatuses\":[{\"name\":"
	    "\"proxy\",\"started\":false,\"state\":{\"running\":{}}}],"
	    "\"containerStatuses\":[{\"name\":\"app\",\"state\":{\"waiting\":"
	    "{\"reason\":\"PodInitializing\"}}}]}}", "0/2", "Init:0/1", "0", ROW_WARN);
}

/* "Completed" with a container still running reads Running or NotReady. */
static void
test_pod_completed_running(void **state)
{
	static const char fmt[] =
	    "{\"spec\":{\"containers\":[{\"name\":\"app\"},{\"name\":\"job\"}]},"
	    "\"status\":{\"phase\":\"Running\",\"conditions\":[{\"type\":\"Ready\","
	    "\"status\":\"%s\"}],\"containerStatuses\":["
	    "{\"name\":\"app\",\"ready\":true,\"state\":{\"running\":{}}},"
	    "{\"name\":\"job\",\"ready\":false,\"state\":{\"terminated\":{\"exitCode\":0,"
	    "\"reason\":\"Completed\"}}}]}}";
	char js[1024];

	snprintf(js, sizeof js, fmt, "True");
	check_pod(js, "1/2", "Running", "0", ROW_WARN);
	snprintf(js, sizeof js, fmt, "False");
	check_pod(js, "1/2", "NotReady", "0", ROW_WARN);
}

/* Deletion: Terminating, NodeLost → Unknown, finished pods keep status. */
static void
test_pod_deletion(void **state)
{
	check_pod("{\"metadata\":{\"deletionTimestamp\":\"2026-11-23T17:59:00Z\"},"
	    "\"spec\":{\"containers\":[{\"name\":\"a\"}]},\"status\":{\"phase\":"
	    "\"Running\",\"containerStatuses\":[{\"name\":\"a\",\"ready\":true,"
	    "\"state\":{\"running\":{}}}]}}", "1/1", "Terminating", "0", ROW_WARN);
	check_pod("{\"metadata\":{\"deletionTimestamp\":\"2026-11-23T17:59:00Z\"},"
	    "\"spec\":{\"containers\":[{\"name\":\"a\"}]},\"status\":{\"phase\":"
	    "\"Running\",\"reason\":\"NodeLost\",\"containerStatuses\":[{\"name\":"
	    "\"a\",\"ready\":true,\"state\":{\"running\":{}}}]}}", "1/1", "Unknown",
	    "0", ROW_BAD);
	check_pod("{\"metadata\":{\"deletionTimestamp\":\"2026-11-23T17:59:00Z\"},"
	    "\"spec\":{\"containers\":[{\"name\":\"a\"}]},\"status\":{\"phase\":"
	    "\"Succeeded\",\"containerStatuses\":[{\"name\":\"a\",\"state\":"
	    "{\"terminated\":{\"exitCode\":0,\"reason\":\"Completed\"}}}]}}", "0/1",
	    "Completed", "0", 0);
}

/* The wide pod columns. */
static void
test_pod_wide(void **state)
{
	struct row r;

	print_json("po", "{\"metadata\":{\"name\":\"p\",\"creationTimestamp\":"
	    "\"2026-11-21T18:00:00Z\"},\"spec\":{\"nodeName\":\"node-a\","
	    "\"containers\":[{\"name\":\"a\"}],\"readinessGates\":[{\"conditionType\":"
	    "\"x/one\"},{\"conditionType\":\"x/two\"}]},\"status\":{\"phase\":"
	    "\"Running\",\"podIPs\":[{\"ip\":\"10.0.0.7\"},{\"ip\":\"fd00::7\"}],"
	    "\"conditions\":[{\"type\":\"x/one\",\"status\":\"True\"},{\"type\":"
	    "\"x/two\",\"status\":\"False\"}],\"containerStatuses\":[{\"name\":\"a\","
	    "\"ready\":true,\"state\":{\"running\":{}}}]}}", &r);
	assert_string_equal(r.text[0], "p");
	assert_string_equal(r.text[4], "2d");
	assert_string_equal(r.text[5], "10.0.0.7");
	assert_string_equal(r.text[6], "node-a");
	assert_string_equal(r.text[7], "<none>");
	assert_string_equal(r.text[8], "1/2");
	printed_free(&r.p);

	print_json("pods", "{\"metadata\":{\"name\":\"q\"},\"spec\":{},"
	    "\"status\":{}}", &r);
	assert_string_equal(r.text[1], "0/0");
	assert_string_equal(r.text[4], "<unknown>");
	assert_string_equal(r.text[5], "<none>");
	assert_string_equal(r.text[6], "<none>");
	assert_string_equal(r.text[8], "<none>");
	printed_free(&r.p);
}

/* The HPA TARGETS column for each metric source type. */
static void
check_targets(const char *metrics, const char *current, const char *want)
{
	char js[4096];
	struct row r;

	snprintf(js, sizeof js, "{\"metadata\":{\"name\":\"h\"},\"spec\":{"
	    "\"scaleTargetRef\":{\"kind\":\"Deployment\",\"name\":\"web\"},"
	    "\"maxReplicas\":10,\"metrics\":%s},\"status\":{\"currentReplicas\":3,"
	    "\"currentMetrics\":%s}}", metrics, current);
	print_json("hpa", js, &r);
	assert_string_equal(r.text[1], "Deployment/web");
	assert_string_equal(r.text[2], want);
	printed_free(&r.p);
}

#define CPU70	"{\"type\":\"Resource\",\"resource\":{\"name\":\"cpu\",\"target\":" \
		"{\"type\":\"Utilization\",\"averageUtilization\":70}}}"
#define MEM80	"{\"type\":\"Resource\",\"resource\":{\"name\":\"memory\",\"target\":" \
		"{\"type\":\"Utilization\",\"averageUtilization\":80}}}"
#define CPU45	"{\"type\":\"Resource\",\"resource\":{\"name\":\"cpu\",\"current\":" \
		"{\"averageUtilization\":45,\"averageValue\":\"450m\"}}}"
#define MEM60	"{\"type\":\"Resource\",\"resource\":{\"name\":\"memory\",\"current\":" \
		"{\"averageUtilization\":60,\"averageValue\":\"600Mi\"}}}"

static void
test_hpa_targets(void **state)
{
	check_targets("[" CPU70 "," MEM80 "]", "[" CPU45 "," MEM60 "]",
	    "cpu: 45%/70%, memory: 60%/80%");
	check_targets("[" CPU70 "]", "null", "cpu: <unknown>/70%");
	check_targets("[" CPU70 "," MEM80 "]", "[" CPU45 "]",
	    "cpu: 45%/70%, memory: <unknown>/80%");
	check_targets("[" CPU70 "," MEM80 "," CPU70 "]", "[" CPU45 "," MEM60 "]",
	    "cpu: 45%/70%, memory: 60%/80% + 1 more...");
	check_targets("[" CPU70 "," MEM80 "," CPU70 "," MEM80 "]", "[]",
	    "cpu: <unknown>/70%, memory: <unknown>/80% + 2 more...");
	check_targets("[]", "[]", "<none>");
	/* No utilisation target: "<auto>"; an average-value target. */
	check_targets("[{\"type\":\"Resource\",\"resource\":{\"name\":\"cpu\","
	    "\"target\":{\"type\":\"Utilization\"}}}]", "[" CPU45 "]",
	    "cpu: 45%/<auto>");
	check_targets("[{\"type\":\"Resource\",\"resource\":{\"name\":\"memory\","
	    "\"target\":{\"type\":\"AverageValue\",\"averageValue\":\"1Gi\"}}}]",
	    "[" MEM60 "]", "memory: 600Mi/1Gi");
	check_targets("[{\"type\":\"Pods\",\"pods\":{\"metric\":{\"name\":\"rps\"},"
	    "\"target\":{\"type\":\"AverageValue\",\"averageValue\":\"100\"}}}]",
	    "[{\"type\":\"Pods\",\"pods\":{\"current\":{\"averageValue\":\"42\"}}}]",
	    "42/100");
	check_targets("[{\"type\":\"Pods\",\"pods\":{\"target\":{\"averageValue\":"
	    "\"100\"}}}]", "[]", "<unknown>/100");
	check_targets("[{\"type\":\"External\",\"external\":{\"target\":{\"type\":"
	    "\"AverageValue\",\"averageValue\":\"30\"}}}]", "[{\"type\":\"External\","
	    "\"external\":{\"current\":{\"averageValue\":\"12\"}}}]", "12/30 (avg)");
	check_targets("[{\"type\":\"External\",\"external\":{\"target\":{\"type\":"
	    "\"Value\",\"value\":\"5k\"}}}]", "[{\"type\":\"External\",\"external\":"
	    "{\"current\":{\"value\":\"7k\"}}}]", "7k/5k");
	check_targets("[{\"type\":\"Object\",\"object\":{\"target\":{\"type\":"
	    "\"Value\",\"value\":\"10\"}}}]", "[]", "<unknown>/10");
	check_targets("[{\"type\":\"ContainerResource\",\"containerResource\":"
	    "{\"name\":\"cpu\",\"container\":\"app\",\"target\":{\"type\":"
	    "\"Utilization\",\"averageUtilization\":50}}}]", "[{\"type\":"
	    "\"ContainerResource\",\"containerResource\":{\"current\":"
	    "{\"averageUtilization\":65}}}]", "cpu: 65%/50%");
	check_targets("[{\"type\":\"Bogus\"}]", "[]", "<unknown type>");
}

/* HPA cells and at-max / unable-to-scale flags. */
static void
test_hpa_flags(void **state)
{
	struct row r;

	print_json("horizontalpodautoscalers", "{\"metadata\":{\"name\":\"web\"},"
	    "\"spec\":{\"scaleTargetRef\":{\"kind\":\"Deployment\",\"name\":\"web\"},"
	    "\"minReplicas\":2,\"maxReplicas\":20,\"metrics\":[" CPU70 "]},"
	    "\"status\":{\"currentReplicas\":20,\"desiredReplicas\":20}}", &r);
	assert_string_equal(r.text[3], "2");
	assert_string_equal(r.text[4], "20");
	assert_string_equal(r.text[5], "20");
	assert_int_equal(r.p.cells[4].type, CELL_INT);
	assert_int_equal(r.p.flags, ROW_AT_MAX);
	assert_string_equal(r.p.reason, "at max 20/20");
	printed_free(&r.p);

	/* Above target before scaling: a warning from the first look. */
	print_json("hpa", "{\"spec\":{\"maxReplicas\":8,\"metrics\":[" CPU70 "]},"
	    "\"status\":{\"currentReplicas\":3,\"currentMetrics\":[{\"type\":"
	    "\"Resource\",\"resource\":{\"name\":\"cpu\",\"current\":"
	    "{\"averageUtilization\":133}}}]}}", &r);
	assert_int_equal(r.p.flags, ROW_WARN);
	assert_string_equal(r.p.reason, "above target: cpu: 133%/70% (3/8 replicas)");
	printed_free(&r.p);
	/* ... and at max it is critical */
	print_json("hpa", "{\"spec\":{\"maxReplicas\":8,\"metrics\":[" CPU70 "]},"
	    "\"status\":{\"currentReplicas\":8,\"currentMetrics\":[{\"type\":"
	    "\"Resource\",\"resource\":{\"name\":\"cpu\",\"current\":"
	    "{\"averageUtilization\":133}}}]}}", &r);
	assert_int_equal(r.p.flags, ROW_AT_MAX | ROW_BAD);
	assert_string_equal(r.p.reason, "at max 8/8, cpu: 133%/70%");
	printed_free(&r.p);
	/* at target is not above it; the second metric (a quantity) is */
	print_json("hpa", "{\"spec\":{\"maxReplicas\":8,\"metrics\":[" CPU70 ","
	    "{\"type\":\"Pods\",\"pods\":{\"metric\":{\"name\":\"rps\"},\"target\":"
	    "{\"type\":\"AverageValue\",\"averageValue\":\"1k\"}}}]},"
	    "\"status\":{\"currentReplicas\":3,\"currentMetrics\":[{\"type\":"
	    "\"Resource\",\"resource\":{\"name\":\"cpu\",\"current\":"
	    "{\"averageUtilization\":70}}},{\"type\":\"Pods\",\"pods\":{\"current\":"
	    "{\"averageValue\":\"1500\"}}}]}}", &r);
	assert_int_equal(r.p.flags, ROW_WARN);
	assert_string_equal(r.p.reason, "above target: 1500/1k (3/8 replicas)");
	printed_free(&r.p);
	/* below target, or no current value yet: nothing to say */
	print_json("hpa", "{\"spec\":{\"maxReplicas\":8,\"metrics\":[" CPU70 "]},"
	    "\"status\":{\"currentReplicas\":3,\"currentMetrics\":[" CPU45 "]}}", &r);
	assert_int_equal(r.p.flags, 0);
	assert_null(r.p.reason);
	printed_free(&r.p);
	print_json("hpa", "{\"spec\":{\"maxReplicas\":8,\"metrics\":[" CPU70 "]},"
	    "\"status\":{\"currentReplicas\":3}}", &r);
	assert_int_equal(r.p.flags, 0);
	printed_free(&r.p);

	print_json("hpa", "{\"spec\":{\"maxReplicas\":5},\"status\":{"
	    "\"currentReplicas\":1,\"conditions\":[{\"type\":\"AbleToScale\","
	    "\"status\":\"True\"},{\"type\":\"ScalingActive\",\"status\":\"False\","
	    "\"reason\":\"FailedGetResourceMetric\"}]}}", &r);
	assert_string_equal(r.text[3], "1");	/* minReplicas defaults to 1 */
	assert_int_equal(r.p.flags, ROW_STUCK);
	assert_string_equal(r.p.reason, "FailedGetResourceMetric");
	printed_free(&r.p);
}

/* Deployment cells, wide columns and rollout flags. */
static void
test_deployment(void **state)
{
	struct row r;

	print_json("deployments.apps", "{\"metadata\":{\"name\":\"web\","
	    "\"creationTimestamp\":\"2026-11-23T17:15:00Z\"},\"spec\":{\"replicas\":5,"
	    "\"selector\":{\"matchLabels\":{\"app\":\"web\"},\"matchExpressions\":"
	    "[{\"key\":\"tier\",\"operator\":\"In\",\"values\":[\"fe\",\"be\"]}]},"
	    "\"template\":{\"spec\":{\"containers\":[{\"name\":\"web\",\"image\":"
	    "\"nginx:1.25\"},{\"name\":\"proxy\",\"image\":\"envoy:1.30\"}]}}},"
	    "\"status\":{\"replicas\":6,\"updatedReplicas\":4,\"readyReplicas\":3,"
	    "\"availableReplicas\":3}}", &r);
	assert_string_equal(r.text[0], "web");
	assert_string_equal(r.text[1], "3/5");
	assert_string_equal(r.text[2], "4");
	assert_int_equal(r.p.cells[2].type, CELL_INT);
	assert_string_equal(r.text[3], "3");
	assert_string_equal(r.text[4], "45m");
	assert_string_equal(r.text[5], "web,proxy");
	assert_string_equal(r.text[6], "nginx:1.25,envoy:1.30");
	assert_string_equal(r.text[7], "app=web,tier in (be,fe)");
	assert_int_equal(r.p.flags, ROW_PROGRESSING | ROW_WARN);
	assert_string_equal(r.p.reason, "rolling out 4/5 updated");
	printed_free(&r.p);

	print_json("deploy", "{\"spec\":{\"replicas\":3},\"status\":{\"replicas\":4,"
	    "\"updatedReplicas\":1,\"readyReplicas\":3,\"availableReplicas\":3,"
	    "\"conditions\":[{\"type\":\"Progressing\",\"status\":\"False\","
	    "\"reason\":\"ProgressDeadlineExceeded\"}]}}", &r);
	/* stuck: never drawn or read as in progress */
	assert_int_equal(r.p.flags, ROW_STUCK);
	assert_string_equal(r.p.reason, "ProgressDeadlineExceeded");
	assert_string_equal(r.text[4], "<unknown>");
	printed_free(&r.p);

	/* Settled: no flags; absent replicas defaults to 1. */
	print_json("Deployment", "{\"spec\":{\"selector\":{}},\"status\":{"
	    "\"replicas\":1,\"updatedReplicas\":1,\"readyReplicas\":1,"
	    "\"availableReplicas\":1}}", &r);
	assert_string_equal(r.text[1], "1/1");
	assert_string_equal(r.text[7], "");
	assert_int_equal(r.p.flags, 0);
	assert_null(r.p.reason);
	printed_free(&r.p);

	/* An HPA scale-up: every pod has the newest template, more are
	 * wanted. That is scaling, not a rollout. */
	print_json("deploy", "{\"spec\":{\"replicas\":8},\"status\":{\"replicas\":5,"
	    "\"updatedReplicas\":5,\"readyReplicas\":5,\"availableReplicas\":5,"
	    "\"conditions\":[{\"type\":\"Progressing\",\"status\":\"True\","
	    "\"reason\":\"NewReplicaSetAvailable\"}]}}", &r);
	assert_string_equal(r.p.reason, "scaling to 8, 5 available");
	assert_int_equal(r.p.flags, ROW_PROGRESSING | ROW_WARN);
	printed_free(&r.p);
	/* ... created but not yet available is scaling too */
	print_json("deploy", "{\"spec\":{\"replicas\":8},\"status\":{\"replicas\":8,"
	    "\"updatedReplicas\":8,\"readyReplicas\":6,\"availableReplicas\":6}}", &r);
	assert_string_equal(r.p.reason, "available 6/8");
	printed_free(&r.p);
	/* A new ReplicaSet just made, no pods of it yet, old ones gone
	 * (Recreate): a rollout. */
	print_json("deploy", "{\"spec\":{\"replicas\":3},\"status\":{\"replicas\":0,"
	    "\"updatedReplicas\":0,\"conditions\":[{\"type\":\"Progressing\","
	    "\"status\":\"True\",\"reason\":\"NewReplicaSetCreated\"}]}}", &r);
	assert_string_equal(r.p.reason, "rolling out 0/3 updated");
	printed_free(&r.p);

	print_json("deployments", "{\"spec\":{\"replicas\":2,\"paused\":true},"
	    "\"status\":{\"replicas\":2,\"updatedReplicas\":2,\"readyReplicas\":2,"
	    "\"availableReplicas\":2}}", &r);
	assert_int_equal(r.p.flags, ROW_WARN);
	assert_string_equal(r.p.reason, "paused");
	printed_free(&r.p);
}

/* Node STATUS, ROLES and flags. */
static void
test_node(void **state)
{
	struct row r;

	print_json("nodes", "{\"metadata\":{\"name\":\"n1\",\"labels\":{"
	    "\"node-role.kubernetes.io/worker\":\"\",\"node-role.kubernetes.io/"
	    "control-plane\":\"\",\"kubernetes.io/role\":\"infra\",\"node-role."
	    "kubernetes.io/\":\"\"}},\"spec\":{\"unschedulable\":true},\"status\":{"
	    "\"conditions\":[{\"type\":\"MemoryPressure\",\"status\":\"False\"},"
	    "{\"type\":\"Ready\",\"status\":\"True\"}],\"nodeInfo\":{\"kubeletVersion\":"
	    "\"v1.32.1\"},\"addresses\":[{\"type\":\"Hostname\",\"address\":\"n1\"},"
	    "{\"type\":\"InternalIP\",\"address\":\"10.1.0.5\"}]}}", &r);
	assert_string_equal(r.text[1], "Ready,SchedulingDisabled");
	assert_string_equal(r.text[2], "control-plane,infra,worker");
	assert_string_equal(r.text[4], "v1.32.1");
	assert_string_equal(r.text[5], "10.1.0.5");
	assert_string_equal(r.text[6], "<none>");
	assert_string_equal(r.text[7], "<unknown>");
	assert_int_equal(r.p.flags, ROW_WARN);
	assert_string_equal(r.p.reason, "SchedulingDisabled");
	printed_free(&r.p);

	print_json("no", "{\"status\":{\"conditions\":[{\"type\":\"Ready\","
	    "\"status\":\"Unknown\"}]}}", &r);
	assert_string_equal(r.text[1], "NotReady");
	assert_string_equal(r.text[2], "<none>");
	assert_int_equal(r.p.flags, ROW_BAD);
	printed_free(&r.p);

	print_json("node", "{}", &r);
	assert_string_equal(r.text[1], "Unknown");
	assert_int_equal(r.p.flags, ROW_BAD);
	printed_free(&r.p);
}

/* Events of both API groups. */
static void
test_event(void **state)
{
	struct row r;

	print_json("events", "{\"metadata\":{\"name\":\"web.1\"},\"type\":\"Warning\","
	    "\"reason\":\"BackOff\",\"message\":\"  Back-off restarting\\n\","
	    "\"involvedObject\":{\"kind\":\"Pod\",\"name\":\"web-1\",\"fieldPath\":"
	    "\"spec.containers{web}\"},\"source\":{\"component\":\"kubelet\",\"host\":"
	    "\"n1\"},\"count\":7,\"firstTimestamp\":\"2026-11-23T17:00:00Z\","
	    "\"lastTimestamp\":\"2026-11-23T17:59:00Z\"}", &r);
	assert_string_equal(r.text[0], "60s");
	assert_string_equal(r.text[1], "Warning");
	assert_string_equal(r.text[2], "BackOff");
	assert_string_equal(r.text[3], "pod/web-1");
	assert_string_equal(r.text[4], "spec.containers{web}");
	assert_string_equal(r.text[5], "kubelet, n1");
	assert_string_equal(r.text[6], "Back-off restarting");
	assert_string_equal(r.text[7], "60m");
	assert_string_equal(r.text[8], "7");
	assert_string_equal(r.text[9], "web.1");
	assert_int_equal(r.p.flags, ROW_WARN);
	printed_free(&r.p);

	/* events.k8s.io/v1: regarding, note, series, eventTime. */
	print_json("ev", "{\"apiVersion\":\"events.k8s.io/v1\",\"metadata\":"
	    "{\"name\":\"e\"},\"type\":\"Normal\",\"reason\":\"ScalingReplicaSet\","
	    "\"note\":\"Scaled up\",\"regarding\":{\"kind\":\"Deployment\",\"name\":"
	    "\"web\"},\"reportingController\":\"deployment-controller\","
	    "\"eventTime\":\"2026-11-23T17:50:00.000000Z\",\"series\":{\"count\":4,"
	    "\"lastObservedTime\":\"2026-11-23T17:58:00.123456Z\"}}", &r);
	assert_string_equal(r.text[0], "2m");
	assert_string_equal(r.text[3], "deployment/web");
	assert_string_equal(r.text[5], "deployment-controller");
	assert_string_equal(r.text[6], "Scaled up");
	assert_string_equal(r.text[7], "10m");
	assert_string_equal(r.text[8], "4");
	assert_int_equal(r.p.flags, 0);
	printed_free(&r.p);

	/* A singleton without a count counts 1; no name: kind alone. */
	print_json("events", "{\"involvedObject\":{\"kind\":\"Node\"},"
	    "\"firstTimestamp\":\"2026-11-23T17:59:50Z\"}", &r);
	assert_string_equal(r.text[0], "10s");
	assert_string_equal(r.text[3], "node");
	assert_string_equal(r.text[8], "1");
	printed_free(&r.p);
}

/* Jobs: status, completions, duration; cron jobs. */
static void
test_jobs(void **state)
{
	struct row r;

	print_json("jobs", "{\"metadata\":{\"name\":\"j\"},\"spec\":{\"completions\":"
	    "1},\"status\":{\"succeeded\":1,\"startTime\":\"2026-11-23T17:00:00Z\","
	    "\"completionTime\":\"2026-11-23T17:00:45Z\",\"conditions\":[{\"type\":"
	    "\"Complete\",\"status\":\"True\"}]}}", &r);
	assert_string_equal(r.text[1], "Complete");
	assert_string_equal(r.text[2], "1/1");
	assert_string_equal(r.text[3], "45s");
	assert_string_equal(r.text[7], "<none>");
	assert_int_equal(r.p.flags, 0);
	printed_free(&r.p);

	print_json("job", "{\"spec\":{\"parallelism\":3},\"status\":{\"startTime\":"
	    "\"2026-11-23T17:57:00Z\"}}", &r);
	assert_string_equal(r.text[1], "Running");
	assert_string_equal(r.text[2], "0/1 of 3");
	assert_string_equal(r.text[3], "3m");
	printed_free(&r.p);

	print_json("jobs", "{\"spec\":{},\"status\":{\"failed\":6,\"conditions\":"
	    "[{\"type\":\"Failed\",\"status\":\"True\",\"reason\":"
	    "\"BackoffLimitExceeded\"}]}}", &r);
	assert_string_equal(r.text[1], "Failed");
	assert_string_equal(r.text[2], "0/1");
	assert_string_equal(r.text[3], "");
	assert_int_equal(r.p.flags, ROW_BAD);
	assert_string_equal(r.p.reason, "Failed");
	printed_free(&r.p);

	print_json("cronjobs", "{\"metadata\":{\"name\":\"c\"},\"spec\":{\"schedule\":"
	    "\"*/5 * * * *\",\"timeZone\":\"Etc/UTC\",\"jobTemplate\":{\"spec\":"
	    "{\"template\":{\"spec\":{\"containers\":[{\"name\":\"x\",\"image\":"
	    "\"busybox\"}]}}}}},\"status\":{\"active\":[{\"name\":\"c-1\"}],"
	    "\"lastScheduleTime\":\"2026-11-23T17:55:00Z\"}}", &r);
	assert_string_equal(r.text[1], "*/5 * * * *");
	assert_string_equal(r.text[2], "Etc/UTC");
	assert_string_equal(r.text[3], "False");
	assert_string_equal(r.text[4], "1");
	assert_string_equal(r.text[5], "5m");
	assert_string_equal(r.text[7], "x");
	assert_string_equal(r.text[8], "busybox");
	printed_free(&r.p);

	print_json("cj", "{\"spec\":{\"suspend\":true}}", &r);
	assert_string_equal(r.text[2], "<none>");
	assert_string_equal(r.text[3], "True");
	assert_string_equal(r.text[5], "<none>");
	printed_free(&r.p);
}

/* Services, PDBs, namespaces, replica sets, stateful sets, daemon sets. */
static void
test_other_kinds(void **state)
{
	struct row r;

	print_json("svc", "{\"metadata\":{\"name\":\"web\"},\"spec\":{\"type\":"
	    "\"NodePort\",\"clusterIP\":\"10.96.0.10\",\"clusterIPs\":[\"10.96.0.10\"],"
	    "\"ports\":[{\"port\":80,\"nodePort\":30080,\"protocol\":\"TCP\"},"
	    "{\"port\":53,\"protocol\":\"UDP\"}],\"selector\":{\"tier\":\"fe\","
	    "\"app\":\"web\"}}}", &r);
	assert_string_equal(r.text[1], "NodePort");
	assert_string_equal(r.text[2], "10.96.0.10");
	assert_string_equal(r.text[3], "<none>");
	assert_string_equal(r.text[4], "80:30080/TCP,53/UDP");
	assert_string_equal(r.text[6], "app=web,tier=fe");
	printed_free(&r.p);

	print_json("services", "{\"spec\":{\"type\":\"LoadBalancer\",\"ports\":[]},"
	    "\"status\":{\"loadBalancer\":{\"ingress\":[{\"ip\":\"203.0.113.9\"},"
	    "{\"hostname\":\"lb.example.com\"},{\"ip\":\"203.0.113.9\"}]}}}", &r);
	assert_string_equal(r.text[2], "<none>");
	assert_string_equal(r.text[3], "203.0.113.9,lb.example.com");
	assert_string_equal(r.text[4], "<none>");
	assert_string_equal(r.text[6], "<none>");
	printed_free(&r.p);

	print_json("services", "{\"spec\":{\"type\":\"LoadBalancer\"}}", &r);
	assert_string_equal(r.text[3], "<pending>");
	assert_int_equal(r.p.flags, ROW_WARN);
	printed_free(&r.p);

	print_json("pdb", "{\"spec\":{\"minAvailable\":\"50%\"},\"status\":"
	    "{\"disruptionsAllowed\":2}}", &r);
	assert_string_equal(r.text[1], "50%");
	assert_string_equal(r.text[2], "N/A");
	assert_string_equal(r.text[3], "2");
	printed_free(&r.p);

	print_json("ns", "{\"metadata\":{\"name\":\"prod\"},\"status\":{\"phase\":"
	    "\"Terminating\"}}", &r);
	assert_string_equal(r.text[1], "Terminating");
	assert_int_equal(r.p.flags, ROW_WARN);
	printed_free(&r.p);

	print_json("rs", "{\"spec\":{\"replicas\":3,\"selector\":{\"matchLabels\":"
	    "{\"app\":\"web\",\"pod-template-hash\":\"abc\"}}},\"status\":"
	    "{\"replicas\":3,\"readyReplicas\":2}}", &r);
	assert_string_equal(r.text[1], "3");
	assert_string_equal(r.text[2], "3");
	assert_string_equal(r.text[3], "2");
	assert_string_equal(r.text[7], "app=web,pod-template-hash=abc");
	printed_free(&r.p);

	print_json("sts", "{\"spec\":{\"replicas\":3},\"status\":{\"readyReplicas\":"
	    "3}}", &r);
	assert_string_equal(r.text[1], "3/3");
	assert_int_equal(r.p.flags, 0);
	printed_free(&r.p);

	print_json("ds", "{\"spec\":{\"template\":{\"spec\":{\"nodeSelector\":"
	    "{\"kubernetes.io/os\":\"linux\"}}},\"selector\":{\"matchExpressions\":"
	    "[{\"key\":\"x\",\"operator\":\"DoesNotExist\"}]}},\"status\":{"
	    "\"desiredNumberScheduled\":4,\"numberReady\":3}}", &r);
	assert_string_equal(r.text[1], "4");
	assert_string_equal(r.text[6], "kubernetes.io/os=linux");
	assert_string_equal(r.text[10], "!x");
	assert_int_equal(r.p.flags, ROW_WARN);
	printed_free(&r.p);
}

/* Alertmanager alerts and silences. */
static void
test_alertmanager(void **state)
{
	struct row r;

	print_json("alerts", "{\"labels\":{\"alertname\":\"KubePodCrashLooping\","
	    "\"severity\":\"critical\",\"namespace\":\"shop\"},\"annotations\":"
	    "{\"summary\":\"Pod is crash looping.\",\"runbook_url\":\"https://rb/x\"},"
	    "\"fingerprint\":\"abc123\",\"startsAt\":\"2026-11-23T17:48:00.5Z\","
	    "\"status\":{\"state\":\"active\",\"silencedBy\":[],\"inhibitedBy\":[]}}",
	    &r);
	assert_string_equal(r.text[0], "KubePodCrashLooping");
	assert_string_equal(r.text[1], "critical");
	assert_string_equal(r.text[2], "firing");
	assert_string_equal(r.text[3], "Pod is crash looping.");
	assert_string_equal(r.text[4], "12m");
	assert_string_equal(r.text[5], "shop");
	assert_string_equal(r.text[6], "abc123");
	assert_string_equal(r.text[7], "https://rb/x");
	assert_int_equal(r.p.flags, ROW_FIRING | ROW_BAD);
	assert_string_equal(r.p.reason, "KubePodCrashLooping");
	printed_free(&r.p);

	print_json("alerts", "{\"labels\":{\"alertname\":\"A\",\"severity\":"
	    "\"warning\"},\"status\":{\"state\":\"suppressed\",\"silencedBy\":"
	    "[\"s1\"],\"inhibitedBy\":[]}}", &r);
	assert_string_equal(r.text[2], "silenced");
	assert_int_equal(r.p.flags, 0);
	printed_free(&r.p);

	print_json("alerts", "{\"labels\":{\"alertname\":\"A\",\"severity\":"
	    "\"warning\"},\"status\":{\"state\":\"suppressed\",\"inhibitedBy\":"
	    "[\"x\"]}}", &r);
	assert_string_equal(r.text[2], "inhibited");
	printed_free(&r.p);

	print_json("alerts", "{\"labels\":{\"alertname\":\"B\",\"severity\":"
	    "\"warning\"},\"status\":{\"state\":\"active\"}}", &r);
	assert_int_equal(r.p.flags, ROW_FIRING | ROW_WARN);
	printed_free(&r.p);

	print_json("silences", "{\"id\":\"5f0c\",\"status\":{\"state\":\"active\"},"
	    "\"matchers\":[{\"name\":\"alertname\",\"value\":\"A\",\"isRegex\":false},"
	    "{\"name\":\"ns\",\"value\":\"shop|web\",\"isRegex\":true},{\"name\":"
	    "\"env\",\"value\":\"dev\",\"isRegex\":false,\"isEqual\":false},"
	    "{\"name\":\"x\",\"value\":\"y.*\",\"isRegex\":true,\"isEqual\":false}],"
	    "\"createdBy\":\"oncall\",\"comment\":\"deploy\",\"startsAt\":"
	    "\"2026-11-23T17:00:00Z\",\"endsAt\":\"2026-11-23T20:00:00Z\"}", &r);
	assert_string_equal(r.text[0], "5f0c");
	assert_string_equal(r.text[1], "active");
	assert_string_equal(r.text[2], "alertname=A,ns=~shop|web,env!=dev,x!~y.*");
	assert_string_equal(r.text[3], "oncall");
	assert_string_equal(r.text[5], "120m");
	assert_string_equal(r.text[6], "60m ago");
	printed_free(&r.p);
}

/* The cells of row r formatted at NOW, "|"-joined, and their JSON. */
static void
row_cells(const struct printer *p, const char *js, char *text, size_t len, char *json,
    size_t jlen)
{
	struct printed out;
	json_t *obj = json_loads(js, 0, NULL), *cells = json_array();
	char buf[256], *dump;
	size_t i, n = 0;

	assert_non_null(obj);
	printer_print(p, obj, NOW, &out);
	assert_int_equal(out.ncells, p->ncolumns);
	text[0] = '\0';
	for (i = 0; i < out.ncells; i++) {
		cell_format(&out.cells[i], NOW, buf, sizeof buf);
		n += (size_t)snprintf(text + n, len - n, "%s%s", i ? "|" : "", buf);
		json_array_append_new(cells, cell_json(&out.cells[i], NOW));
	}
	dump = json_dumps(cells, JSON_COMPACT);
	snprintf(json, jlen, "%s", dump);
	free(dump);
	json_decref(cells);
	json_decref(obj);
	printed_free(&out);
}

/* The column names of p, "|"-joined. */
static void
column_names(const struct printer *p, char *buf, size_t len)
{
	size_t i, n = 0;

	buf[0] = '\0';
	for (i = 0; i < p->ncolumns; i++)
		n += (size_t)snprintf(buf + n, len - n, "%s%s", i ? "|" : "", p->columns[i].name);
}

/* `kubectl get` of a custom resource: the Table the API server builds
 * from its CRD's printer columns (the upstream CRDs' columns), not the
 * console's own; absent values are null cells, printed empty as kubectl
 * prints them. */
static void
test_crd_tables(void **state)
{
	char names[256], text[512], json[512];

	(void)state;
	column_names(printer_find_table("rollouts.argoproj.io"), names, sizeof names);
	assert_string_equal(names, "Name|Desired|Current|Up-to-date|Available|Age");
	column_names(printer_find_table("schedules"), names, sizeof names);
	assert_string_equal(names, "Name|Status|Schedule|LastBackup|Age|Paused");
	column_names(printer_find_table("backups"), names, sizeof names);
	assert_string_equal(names, "Name|Age");
	column_names(printer_find_table("restores"), names, sizeof names);
	assert_string_equal(names, "Name|Age");
	/* the console keeps its own columns; built-in kinds have one set */
	assert_ptr_equal(printer_find_table("pods"), printer_find("pods"));
	assert_ptr_not_equal(printer_find_table("backups"), printer_find("backups"));

	row_cells(printer_find_table("rollouts"), "{\"metadata\":{\"name\":\"checkout\","
	    "\"creationTimestamp\":\"2026-11-23T17:00:00Z\"},\"spec\":{\"replicas\":2}}",
	    text, sizeof text, json, sizeof json);
	assert_string_equal(text, "checkout|2||||60m");
	assert_string_equal(json, "[\"checkout\",2,null,null,null,\"60m\"]");
	row_cells(printer_find_table("rollouts"), "{\"metadata\":{\"name\":\"r\"},"
	    "\"spec\":{\"replicas\":5},\"status\":{\"replicas\":6,\"updatedReplicas\":1,"
	    "\"availableReplicas\":5.0}}", text, sizeof text, json, sizeof json);
	assert_string_equal(text, "r|5|6|1|5|");
	row_cells(printer_find_table("schedules"), "{\"metadata\":{\"name\":\"daily\","
	    "\"creationTimestamp\":\"2026-11-20T18:00:00Z\"},\"spec\":{\"schedule\":"
	    "\"0 3 * * *\",\"paused\":true},\"status\":{\"phase\":\"Enabled\","
	    "\"lastBackup\":\"2026-11-23T03:00:00Z\"}}", text, sizeof text, json, sizeof json);
	assert_string_equal(text, "daily|Enabled|0 3 * * *|15h|3d|true");
	row_cells(printer_find_table("schedules"), "{\"metadata\":{\"name\":\"daily\"},"
	    "\"spec\":{\"schedule\":\"0 3 * * *\"}}", text, sizeof text, json, sizeof json);
	assert_string_equal(text, "daily||0 3 * * *|||");
}

/* A CRD's columns as the API server reads them: NAME first, AGE alone when
 * none are declared, priority kept, a value of the wrong type null, dates
 * that do not parse "<invalid>", objects in string columns as JSON. */
static void
test_printer_from_crd(void **state)
{
	json_t *crd = json_loads("{\"spec\":{\"names\":{\"plural\":\"widgets\",\"kind\":"
	    "\"Widget\"},\"versions\":[{\"name\":\"v1\"},{\"name\":\"v2\","
	    "\"additionalPrinterColumns\":["
	    "{\"name\":\"Size\",\"type\":\"integer\",\"jsonPath\":\".spec.size\"},"
	    "{\"name\":\"Ratio\",\"type\":\"number\",\"jsonPath\":\".spec.ratio\"},"
	    "{\"name\":\"On\",\"type\":\"boolean\",\"jsonPath\":\".spec.on\"},"
	    "{\"name\":\"Sel\",\"type\":\"string\",\"jsonPath\":\".spec.sel\",\"priority\":1},"
	    "{\"name\":\"Seen\",\"type\":\"date\",\"jsonPath\":\".status.seen\"}]}]}}",
	    0, NULL);
	struct printer *p;
	char names[256], text[512], json[512];

	(void)state;
	assert_non_null(crd);
	assert_null(printer_from_crd(crd, "v3"));
	p = printer_from_crd(crd, "v1");
	column_names(p, names, sizeof names);
	assert_string_equal(names, "Name|Age");
	assert_string_equal(p->columns[1].type, "date");
	printer_free(p);

	p = printer_from_crd(crd, "v2");
	column_names(p, names, sizeof names);
	assert_string_equal(names, "Name|Size|Ratio|On|Sel|Seen");
	assert_string_equal(p->columns[0].format, "name");
	assert_int_equal(p->columns[4].priority, 1);
	assert_string_equal(p->resource, "widgets");
	row_cells(p, "{\"metadata\":{\"name\":\"w\"},\"spec\":{\"size\":\"big\",\"ratio\":0.25,"
	    "\"on\":false,\"sel\":{\"b\":1,\"a\":[2]}},\"status\":{\"seen\":\"yesterday\"}}",
	    text, sizeof text, json, sizeof json);
	assert_string_equal(text, "w||0.25|false|{\"a\":[2],\"b\":1}|<invalid>");
	row_cells(p, "{\"metadata\":{\"name\":\"w\"},\"spec\":{\"size\":7.9,\"ratio\":3,"
	    "\"on\":\"yes\",\"sel\":12},\"status\":{\"seen\":\"2026-11-23T17:58:00Z\"}}",
	    text, sizeof text, json, sizeof json);
	assert_string_equal(text, "w|7|3||12|2m");
	printer_free(p);
	json_decref(crd);
}

/* Velero, Argo Rollouts and Istio printers. */
static void
test_crds(void **state)
{
	struct row r;

	print_json("backups.velero.io", "{\"metadata\":{\"name\":\"daily-1\"},"
	    "\"spec\":{\"storageLocation\":\"default\",\"labelSelector\":{"
	    "\"matchLabels\":{\"app\":\"db\"}}},\"status\":{\"phase\":"
	    "\"PartiallyFailed\",\"errors\":2,\"warnings\":1,\"startTimestamp\":"
	    "\"2026-11-23T12:00:00Z\",\"expiration\":\"2026-12-23T12:00:00Z\"}}", &r);
	assert_string_equal(r.text[1], "PartiallyFailed");
	assert_string_equal(r.text[2], "2");
	assert_string_equal(r.text[3], "1");
	assert_string_equal(r.text[4], "6h");
	assert_string_equal(r.text[5], "29d");
	assert_string_equal(r.text[6], "default");
	assert_string_equal(r.text[7], "app=db");
	assert_int_equal(r.p.flags, ROW_BAD);
	assert_string_equal(r.p.reason, "PartiallyFailed");
	printed_free(&r.p);

	print_json("backups", "{\"metadata\":{\"name\":\"b\"}}", &r);
	assert_string_equal(r.text[1], "New");
	assert_string_equal(r.text[4], "n/a");
	assert_string_equal(r.text[5], "n/a");
	assert_string_equal(r.text[7], "<none>");
	printed_free(&r.p);

	print_json("schedules", "{\"metadata\":{\"name\":\"daily\"},\"spec\":{"
	    "\"schedule\":\"0 1 * * *\",\"paused\":true,\"template\":{\"ttl\":"
	    "\"720h0m0s\"}},\"status\":{\"phase\":\"Enabled\",\"lastBackup\":"
	    "\"2026-11-23T01:00:00Z\"}}", &r);
	assert_string_equal(r.text[1], "Enabled");
	assert_string_equal(r.text[3], "0 1 * * *");
	assert_string_equal(r.text[4], "720h0m0s");
	assert_string_equal(r.text[5], "17h");
	assert_string_equal(r.text[7], "true");
	assert_int_equal(r.p.flags, ROW_WARN);
	printed_free(&r.p);

	print_json("restores", "{\"metadata\":{\"name\":\"r\"},\"spec\":{"
	    "\"backupName\":\"daily-1\"},\"status\":{\"phase\":\"InProgress\"}}", &r);
	assert_string_equal(r.text[1], "daily-1");
	assert_string_equal(r.text[2], "InProgress");
	assert_int_equal(r.p.flags, ROW_PROGRESSING);
	printed_free(&r.p);

	print_json("rollouts", "{\"metadata\":{\"name\":\"api\"},\"spec\":{"
	    "\"replicas\":5,\"strategy\":{\"canary\":{\"steps\":[{\"setWeight\":20},"
	    "{\"pause\":{}},{\"setWeight\":50},{\"pause\":{\"duration\":\"10m\"}}]}}},"
	    "\"status\":{\"phase\":\"Paused\",\"currentStepIndex\":1,\"readyReplicas\":"
	    "5,\"updatedReplicas\":1,\"availableReplicas\":5,\"canary\":{\"weights\":"
	    "{\"canary\":{\"weight\":20}}}}}", &r);
	assert_string_equal(r.text[1], "Canary");
	assert_string_equal(r.text[2], "Paused");
	assert_string_equal(r.text[3], "1/4");
	assert_string_equal(r.text[4], "20");
	assert_string_equal(r.text[5], "20");
	assert_string_equal(r.text[6], "5/5");
	assert_int_equal(r.p.flags, ROW_PROGRESSING);
	printed_free(&r.p);

	/* No traffic routing: the share of available pods updated. */
	print_json("rollouts", "{\"spec\":{\"strategy\":{\"canary\":{\"steps\":"
	    "[{\"setWeight\":40},{\"pause\":{}}]}}},\"status\":{\"phase\":"
	    "\"Paused\",\"currentStepIndex\":1,\"availableReplicas\":5,"
	    "\"updatedReplicas\":1}}", &r);
	assert_string_equal(r.text[3], "1/2");
	assert_string_equal(r.text[4], "40");
	assert_string_equal(r.text[5], "20");
	printed_free(&r.p);

	/* Past the last step: 100; aborted: set weight 0; no index: "-". */
	print_json("rollouts", "{\"spec\":{\"strategy\":{\"canary\":{\"steps\":"
	    "[{\"setWeight\":40}]}}},\"status\":{\"phase\":\"Healthy\","
	    "\"currentStepIndex\":1}}", &r);
	assert_string_equal(r.text[3], "1/1");
	assert_string_equal(r.text[4], "100");
	assert_string_equal(r.text[5], "100");
	assert_int_equal(r.p.flags, 0);
	printed_free(&r.p);
	print_json("rollouts", "{\"spec\":{\"strategy\":{\"canary\":{\"steps\":"
	    "[{\"setWeight\":40},{\"pause\":{}}]}}},\"status\":{\"abort\":true}}",
	    &r);
	assert_string_equal(r.text[3], "-");
	assert_string_equal(r.text[4], "0");
	assert_string_equal(r.text[5], "0");
	assert_int_equal(r.p.flags, ROW_BAD);
	printed_free(&r.p);

	print_json("ro", "{\"spec\":{\"strategy\":{\"blueGreen\":{}}},\"status\":"
	    "{\"phase\":\"Degraded\",\"abort\":true}}", &r);
	assert_string_equal(r.text[1], "BlueGreen");
	assert_string_equal(r.text[3], "-");
	assert_int_equal(r.p.flags, ROW_BAD);
	assert_string_equal(r.p.reason, "Aborted");
	printed_free(&r.p);

	print_json("virtualservices", "{\"metadata\":{\"name\":\"vs\"},\"spec\":"
	    "{\"gateways\":[\"mesh\"],\"hosts\":[\"a.example\",\"b\"]}}", &r);
	assert_string_equal(r.text[1], "[\"mesh\"]");
	assert_string_equal(r.text[2], "[\"a.example\",\"b\"]");
	printed_free(&r.p);
}

/* Lookup by plural, kind, singular, short name and group suffix. */
static void
test_printer_find(void **state)
{
	const struct printer *pods = printer_find("pods");
	const struct printer *def = printer_find("configmaps");

	assert_string_equal(pods->kind, "Pod");
	assert_ptr_equal(printer_find("po"), pods);
	assert_ptr_equal(printer_find("pod"), pods);
	assert_ptr_equal(printer_find("Pod"), pods);
	assert_ptr_equal(printer_find("PODS"), pods);
	assert_string_equal(printer_find("hpa")->resource, "horizontalpodautoscalers");
	assert_string_equal(printer_find("deployments.apps")->resource, "deployments");
	assert_string_equal(printer_find("rollouts.argoproj.io")->resource, "rollouts");
	assert_string_equal(printer_find("backup")->resource, "backups");
	assert_true(printer_has("svc"));
	assert_false(printer_has("configmaps"));
	assert_false(printer_has(""));
	assert_false(printer_has(NULL));
	assert_int_equal(def->ncolumns, 2);
	assert_string_equal(def->columns[0].name, "Name");
	assert_string_equal(def->columns[0].format, "name");
	assert_string_equal(def->columns[1].name, "Age");
	/* Every column has a name, type and description; one name column. */
	{
		static const char *all[] = { "pods", "deployments", "replicasets",
		    "statefulsets", "daemonsets", "hpa", "nodes", "events", "jobs",
		    "cronjobs", "pdb", "namespaces", "services", "alerts",
		    "silences", "backups", "schedules", "restores", "rollouts",
		    "virtualservices" };
		const struct printer *p;
		size_t i, j, names;

		for (i = 0; i < sizeof all / sizeof all[0]; i++) {
			p = printer_find(all[i]);
			assert_true(printer_has(all[i]));
			names = 0;
			for (j = 0; j < p->ncolumns; j++) {
				assert_non_null(p->columns[j].name);
				assert_non_null(p->columns[j].type);
				assert_non_null(p->columns[j].description);
				if (strcmp(p->columns[j].format, "name") == 0)
					names++;
			}
			assert_int_equal(names, 1);
		}
	}
}

/* Wrong types everywhere: printers fall back, never crash. */
static void
test_hostile_types(void **state)
{
	static const char *res[] = { "pods", "deployments", "hpa", "nodes",
	    "events", "jobs", "cronjobs", "services", "alerts", "silences",
	    "backups", "rollouts", "virtualservices", "daemonsets", "pdb" };
	struct row r;
	size_t i;

	for (i = 0; i < sizeof res / sizeof res[0]; i++) {
		print_json(res[i], "{\"metadata\":[],\"spec\":{\"containers\":7,"
		    "\"replicas\":\"x\",\"metrics\":{},\"initContainers\":[1,null],"
		    "\"selector\":\"s\",\"ports\":[{\"port\":\"80\"}]},\"status\":"
		    "{\"conditions\":[null,1,{\"type\":7}],\"containerStatuses\":"
		    "[1,{\"state\":[]}],\"initContainerStatuses\":[{\"state\":"
		    "{\"terminated\":1}}],\"currentMetrics\":[1]},\"labels\":3}", &r);
		printed_free(&r.p);
		print_json(res[i], "[]", &r);
		printed_free(&r.p);
	}
}

/* Table cells in JSON: integers stay numbers, the rest formatted text. */
static void
test_cell_json(void **state)
{
	struct cell c;
	json_t *j;

	memset(&c, 0, sizeof c);
	c.type = CELL_INT;
	c.n = 7;
	j = cell_json(&c, NOW);
	assert_true(json_is_integer(j));
	assert_int_equal(json_integer_value(j), 7);
	json_decref(j);
	c.type = CELL_RESTARTS;
	c.n = 3;
	c.when = NOW - 30;
	j = cell_json(&c, NOW);
	assert_string_equal(json_string_value(j), "3 (30s ago)");
	json_decref(j);
	c.type = CELL_TEXT;
	c.text = "Running";
	j = cell_json(&c, NOW);
	assert_string_equal(json_string_value(j), "Running");
	json_decref(j);
}

/* A cell built from thousands of containers stops at its cap with "...". */
static void
test_cell_cap(void **state)
{
	const struct printer *p = printer_find("deployments");
	json_t *obj = json_pack("{s{s{s{s[]}}}}", "spec", "template", "spec",
	    "containers");
	json_t *cts = json_object_get(json_object_get(json_object_get(
	    json_object_get(obj, "spec"), "template"), "spec"), "containers");
	struct printed out;
	size_t i, len;

	for (i = 0; i < 20000; i++)
		json_array_append_new(cts, json_pack("{s:s, s:s}", "name",
		    "container-with-a-long-name", "image", "registry/image:tag"));
	printer_print(p, obj, NOW, &out);
	len = strlen(out.cells[5].text);
	assert_true(len > 60000 && len <= 64 * 1024 + 3);
	assert_string_equal(out.cells[5].text + len - 3, "...");
	printed_free(&out);

	/* The cut never splits a UTF-8 character: the cell stays valid JSON
	 * text. Each name is 7 bytes with its comma, so 64 KiB lands inside
	 * a character. */
	json_array_clear(cts);
	for (i = 0; i < 20000; i++)
		json_array_append_new(cts, json_pack("{s:s}", "name",
		    "\xe6\x97\xa5\xe6\x97\xa5"));
	printer_print(p, obj, NOW, &out);
	len = strlen(out.cells[5].text);
	assert_true(len < 64 * 1024 + 3);
	assert_string_equal(out.cells[5].text + len - 3, "...");
	{
		json_t *j = cell_json(&out.cells[5], NOW);

		assert_int_equal(json_string_length(j), len);
		json_decref(j);
	}
	printed_free(&out);
	json_decref(obj);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_human_duration),
		cmocka_unit_test(test_rfc3339),
		cmocka_unit_test(test_cell_format),
		cmocka_unit_test(test_pod_crashloop),
		cmocka_unit_test(test_pod_readiness_lost),
		cmocka_unit_test(test_pod_terminated_states),
		cmocka_unit_test(test_pod_init),
		cmocka_unit_test(test_pod_sidecars),
		cmocka_unit_test(test_pod_completed_running),
		cmocka_unit_test(test_pod_deletion),
		cmocka_unit_test(test_pod_wide),
		cmocka_unit_test(test_hpa_targets),
		cmocka_unit_test(test_hpa_flags),
		cmocka_unit_test(test_deployment),
		cmocka_unit_test(test_node),
		cmocka_unit_test(test_event),
		cmocka_unit_test(test_jobs),
		cmocka_unit_test(test_other_kinds),
		cmocka_unit_test(test_alertmanager),
		cmocka_unit_test(test_crds),
		cmocka_unit_test(test_crd_tables),
		cmocka_unit_test(test_printer_from_crd),
		cmocka_unit_test(test_printer_find),
		cmocka_unit_test(test_hostile_types),
		cmocka_unit_test(test_cell_cap),
		cmocka_unit_test(test_cell_json),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
