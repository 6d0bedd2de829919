/* Unit tests for the audit line format and appends. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>
#include <jansson.h>

#include "opsdeck/audit.h"
#include "opsdeck/incident.h"

/* The time format: RFC 3339, UTC, milliseconds. */
static void
test_time(void **state)
{
	struct timespec ts = { 1763919900, 123456789 };	/* 2025-11-23T17:45:00.123Z */
	char buf[48];

	(void)state;
	audit_format_time(&ts, buf, sizeof buf);
	assert_string_equal(buf, "2025-11-23T17:45:00.123Z");
	ts.tv_nsec = 5000000;
	audit_format_time(&ts, buf, sizeof buf);
	assert_string_equal(buf, "2025-11-23T17:45:00.005Z");
}

/* One line of valid JSON with every field, nulls for missing ones. */
static void
test_format(void **state)
{
	struct timespec ts = { 1763919900, 0 };
	struct audit_record r;
	json_t *o, *params;
	json_error_t err;
	char *line;

	(void)state;
	memset(&r, 0, sizeof r);
	params = json_pack("{s:i,s:i}", "from", 5, "replicas", 8);
	r.verb = "scale";
	r.context = "prod-tokyo";
	r.kube_user = "admin@prod-tokyo";
	r.kind = "deployments";
	r.ns = "production";
	r.name = "back\"end\n\x1b[31m";
	r.params = params;
	r.dry_run = "prod-tokyo production/backend replicas 5 \xe2\x86\x92 8";
	r.outcome = "ok";
	r.message = "bad utf-8 \xff\xfe here";
	r.origin = "key";
	r.incident = "INC-20251123-174500";
	line = audit_format(&r, &ts);
	assert_int_equal(line[strlen(line) - 1], '\n');
	assert_null(strchr(line, '\n') == line + strlen(line) - 1 ? NULL : "embedded newline");
	o = json_loads(line, 0, &err);
	if (o == NULL)
		fail_msg("not JSON: %s: %s", err.text, line);
	assert_string_equal(json_string_value(json_object_get(o, "time")),
	    "2025-11-23T17:45:00.000Z");
	assert_string_equal(json_string_value(json_object_get(o, "verb")), "scale");
	assert_string_equal(json_string_value(json_object_get(o, "context")), "prod-tokyo");
	assert_string_equal(json_string_value(json_object_get(o, "kube_user")),
	    "admin@prod-tokyo");
	assert_string_equal(json_string_value(json_object_get(json_object_get(o, "target"),
	    "kind")), "deployments");
	assert_string_equal(json_string_value(json_object_get(json_object_get(o, "target"),
	    "name")), "back\"end\n\x1b[31m");
	assert_int_equal(json_integer_value(json_object_get(json_object_get(o, "params"),
	    "replicas")), 8);
	assert_string_equal(json_string_value(json_object_get(o, "outcome")), "ok");
	assert_string_equal(json_string_value(json_object_get(o, "message")),
	    "bad utf-8 \xef\xbf\xbd\xef\xbf\xbd here");
	assert_string_equal(json_string_value(json_object_get(o, "origin")), "key");
	assert_string_equal(json_string_value(json_object_get(o, "incident")),
	    "INC-20251123-174500");
	assert_non_null(json_string_value(json_object_get(o, "user")));
	assert_non_null(json_string_value(json_object_get(o, "host")));
	json_decref(o);
	free(line);

	/* Missing fields are null, params {}. */
	memset(&r, 0, sizeof r);
	r.verb = "pause";
	line = audit_format(&r, &ts);
	o = json_loads(line, 0, &err);
	assert_non_null(o);
	assert_true(json_is_null(json_object_get(o, "incident")));
	assert_true(json_is_object(json_object_get(o, "params")));
	assert_int_equal(json_object_size(json_object_get(o, "params")), 0);
	json_decref(o);
	free(line);
	json_decref(params);
}

/* audit_write creates the directory and a 0600 file and appends lines. */
static void
test_write(void **state)
{
	char dir[] = "/tmp/opsdeck-audit-XXXXXX", *path, line[4096];
	struct audit_record r;
	struct stat st;
	char *cause = NULL;
	FILE *f;
	int i, n = 0;

	(void)state;
	assert_non_null(mkdtemp(dir));
	setenv("XDG_STATE_HOME", dir, 1);
	memset(&r, 0, sizeof r);
	r.verb = "restart";
	r.outcome = "ok";
	for (i = 0; i < 50; i++) {
		if (audit_write(&r, &cause) != 0)
			fail_msg("%s", cause);
	}
	path = audit_path();
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	f = fopen(path, "r");
	assert_non_null(f);
	while (fgets(line, sizeof line, f) != NULL) {
		json_t *o = json_loads(line, 0, NULL);

		assert_non_null(o);
		assert_string_equal(json_string_value(json_object_get(o, "verb")), "restart");
		json_decref(o);
		n++;
	}
	fclose(f);
	assert_int_equal(n, 50);
	unlink(path);
	free(path);
}

/* Incidents: open, note, close, export; ids that could escape are refused. */
static void
test_incident(void **state)
{
	char dir[] = "/tmp/opsdeck-inc-XXXXXX", *id = NULL, *cause = NULL, *cur, *md = NULL;
	size_t mdlen = 0;
	FILE *f;

	(void)state;
	assert_non_null(mkdtemp(dir));
	setenv("XDG_STATE_HOME", dir, 1);
	assert_int_equal(incident_open("P5", "x", &id, &cause), -1);
	free(cause);
	cause = NULL;
	assert_int_equal(incident_open("P1", "backend | down", &id, &cause), 0);
	assert_true(incident_id_valid(id));
	cur = incident_current();
	assert_string_equal(cur, id);
	free(cur);
	assert_int_equal(incident_open("P2", "second", &cur, &cause), -1);
	assert_non_null(strstr(cause, "already open"));
	free(cause);
	cause = NULL;
	assert_int_equal(incident_event(NULL, "note", "rolled back", NULL, &cause), 0);
	assert_int_equal(incident_close("fixed", &cause), 0);
	assert_null(incident_current());
	f = open_memstream(&md, &mdlen);
	assert_int_equal(incident_export(id, f, &cause), 0);
	fclose(f);
	assert_non_null(strstr(md, "(P1): backend \\| down"));
	assert_non_null(strstr(md, "| note | "));
	assert_non_null(strstr(md, "rolled back"));
	assert_non_null(strstr(md, "- Closed: "));
	free(md);
	assert_false(incident_id_valid("INC-../../etc/passwd"));
	assert_false(incident_id_valid("foo"));
	f = fopen("/dev/null", "w");
	assert_int_equal(incident_export("INC-../x", f, &cause), -1);
	fclose(f);
	free(cause);
	free(id);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_time),
		cmocka_unit_test(test_format),
		cmocka_unit_test(test_write),
		cmocka_unit_test(test_incident),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
