/* Unit tests for runbook parsing, validation (with line numbers),
 * templates and the condition language. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "opsdeck/runbook.h"
#include "opsdeck/xmalloc.h"

/* A runbook using every feature. */
static const char good[] =
    "name: demo-book\n"
    "title: Demo\n"
    "severity: P1\n"
    "description: does things\n"
    "applies-to:\n"
    "  kinds: [deployments, pods]\n"
    "  alerts: [HighErrorRate]\n"
    "  roles: primary\n"
    "key: U\n"
    "rto: 1h30m\n"
    "parameters:\n"
    "  - name: replicas\n"
    "    prompt: How many\n"
    "    default: \"8\"\n"
    "  - name: color\n"
    "    default: green\n"
    "    choices: [blue, green]\n"
    "steps:\n"
    "  - note: start {{name}}\n"
    "  - check: \"deployments/{{namespace}}/{{name}} available >= 1\"\n"
    "    title: exists\n"
    "  - action: scale {{param.replicas}} -c {{role:dr}}\n"
    "    timeout: 2m\n"
    "  - wait: \"pods{namespace={{namespace}},app=web}@{{role:dr}} not-ready == 0\"\n"
    "    interval: 500ms\n"
    "    context: \"{{role:dr}}\"\n"
    "  - confirm: go?\n"
    "  - exec: echo hi\n"
    "    on-unreachable: skip\n";

/* Parse text, expecting failure whose message contains want. */
static void
expect_error(const char *text, const char *want)
{
	char *cause = NULL;
	struct runbook *rb = runbook_parse(text, strlen(text), "t.yaml", &cause);

	assert_null(rb);
	assert_non_null(cause);
	if (strstr(cause, want) == NULL)
		fail_msg("error '%s' lacks '%s'", cause, want);
	free(cause);
}

/* Every field of a good runbook lands where it should. */
static void
test_parse_good(void **state)
{
	char *cause = NULL;
	struct runbook *rb;

	(void)state;
	rb = runbook_parse(good, strlen(good), "good.yaml", &cause);
	if (rb == NULL)
		fail_msg("%s", cause);
	assert_string_equal(rb->name, "demo-book");
	assert_string_equal(rb->severity, "P1");
	assert_int_equal(rb->nkinds, 2);
	assert_string_equal(rb->kinds[1], "pods");
	assert_int_equal(rb->nroles, 1);
	assert_string_equal(rb->roles[0], "primary");
	assert_string_equal(rb->key, "U");
	assert_true(rb->rto == 5400);
	assert_int_equal(rb->nparams, 2);
	assert_string_equal(rb->params[0].def, "8");
	assert_int_equal(rb->params[1].nchoices, 2);
	assert_int_equal(rb->nsteps, 6);
	assert_int_equal(rb->steps[0].kind, RB_NOTE);
	assert_int_equal(rb->steps[1].kind, RB_CHECK);
	assert_string_equal(rb->steps[1].title, "exists");
	assert_int_equal(rb->steps[2].kind, RB_ACTION);
	assert_true(rb->steps[2].timeout == 120);
	assert_int_equal(rb->steps[2].line, 22);
	assert_int_equal(rb->steps[3].kind, RB_WAIT);
	assert_true(rb->steps[3].interval == 0.5);
	assert_true(rb->steps[3].timeout == 300);	/* wait default */
	assert_string_equal(rb->steps[3].context, "{{role:dr}}");
	assert_int_equal(rb->steps[4].kind, RB_CONFIRM);
	assert_int_equal(rb->steps[5].kind, RB_EXEC);
	assert_int_equal(rb->steps[5].unreachable, RB_UNREACH_SKIP);
	runbook_free(rb);
}

/* Errors name the file, the line and what is wrong. */
static void
test_parse_errors(void **state)
{
	(void)state;
	expect_error("name: x\ntitle: t\nseverity: P1\nsteps:\n  - wiat: foo\n",
	    "t.yaml:5: step 1: unknown key 'wiat'");
	expect_error("name: x\ntitle: t\nseverity: P7\nsteps:\n  - note: a\n",
	    "severity must be P0, P1, P2 or P3");
	expect_error("name: x\ntitle: t\nseverity: P1\nsteps: []\n", "no steps");
	expect_error("title: t\nseverity: P1\nsteps:\n  - note: a\n", "missing 'name'");
	expect_error("name: Bad_Name\ntitle: t\nseverity: P1\nsteps:\n  - note: a\n",
	    "bad name");
	expect_error("name: x\ntitle: t\nseverity: P1\ncolour: red\nsteps:\n  - note: a\n",
	    "t.yaml:4: unknown key 'colour'");
	expect_error("name: x\ntitle: t\nseverity: P1\nsteps:\n  - note: a\n    check: b\n",
	    "more than one kind");
	expect_error("name: x\ntitle: t\nseverity: P1\nsteps:\n  - title: only\n",
	    "t.yaml:5: step 1: no kind");
	expect_error("name: x\ntitle: t\nseverity: P1\nsteps:\n  - note: a\n  - note: {{param.nope}}\n",
	    "t.yaml:6");
	expect_error("name: x\ntitle: t\nseverity: P1\nsteps:\n  - note: a\n  - note: \"{{param.nope}}\"\n",
	    "t.yaml:6: step 2: unknown template '{{param.nope}}'");
	expect_error("name: x\ntitle: t\nseverity: P1\nsteps:\n  - wait: \"pods ready >< 3\"\n",
	    "bad operator");
	expect_error("name: x\ntitle: t\nseverity: P1\nsteps:\n  - check: \"pods ready\"\n",
	    "t.yaml:5: step 1: bad condition");
	expect_error("name: x\ntitle: t\nseverity: P1\nsteps:\n  - wait: \"pods n == 1\"\n    timeout: soon\n",
	    "t.yaml:6: timeout: bad duration 'soon'");
	expect_error("name: x\ntitle: t\nseverity: P1\nsteps:\n  - wait: \"pods n == 1\"\n    timeout: 1h30\n",
	    "t.yaml:6: timeout: bad duration '1h30': a number after another part needs a unit");
	expect_error("name: x\ntitle: t\nseverity: P1\nsteps:\n  - wait: \"pods n == 1\"\n    timeout: 8d\n",
	    "t.yaml:6: timeout: bad duration '8d': more than a week");
	expect_error("name: x\ntitle: t\nseverity: P1\nparameters:\n  - name: c\n    default: red\n"
	    "    choices: [blue, green]\nsteps:\n  - note: a\n",
	    "default: parameter 'c' must be one of its choices, not 'red'");
	expect_error("name: x\ntitle: t\nseverity: P1\nparameters:\n  - name: c\n  - name: c\n"
	    "steps:\n  - note: a\n", "defined twice");
	expect_error("name: x\n  title: [\n", "t.yaml:");
	expect_error("- a\n- b\n", "must be a mapping");
	expect_error("", "empty document");
	expect_error("name: x\ntitle: t\nseverity: P1\nsteps:\n  - note: \"{{cluster\"\n",
	    "unclosed");
}

/* Role lookup for the template test. */
static const char *
role_of(const char *role, void *arg)
{
	(void)arg;
	if (strcmp(role, "dr") == 0)
		return "prod-osaka";
	return NULL;
}

/* Templates expand every name; unknown and empty ones are errors. */
static void
test_templates(void **state)
{
	const char *pn[] = { "replicas", "empty" }, *pv[] = { "8", "" };
	struct rb_vars v = { "prod-tokyo", "production", "backend", "deployments", pn, pv, 2,
	    role_of, NULL };
	char *cause = NULL, *s;

	(void)state;
	s = runbook_expand("scale {{ param.replicas }} {{namespace}}/{{name}} on {{cluster}} "
	    "-> {{role:dr}} ({{kind}})", &v, &cause);
	assert_non_null(s);
	assert_string_equal(s, "scale 8 production/backend on prod-tokyo -> prod-osaka "
	    "(deployments)");
	free(s);
	s = runbook_expand("no templates", &v, &cause);
	assert_string_equal(s, "no templates");
	free(s);

	assert_null(runbook_expand("{{role:staging}}", &v, &cause));
	assert_string_equal(cause, "no context has role 'staging'");
	free(cause);
	cause = NULL;
	assert_null(runbook_expand("{{param.nope}}", &v, &cause));
	assert_string_equal(cause, "unknown parameter 'nope'");
	free(cause);
	cause = NULL;
	assert_null(runbook_expand("x {{param.empty}}", &v, &cause));
	assert_non_null(strstr(cause, "has no value"));
	free(cause);
	cause = NULL;
	assert_null(runbook_expand("{{what}}", &v, &cause));
	assert_string_equal(cause, "unknown template '{{what}}'");
	free(cause);
	cause = NULL;
	v.ns = NULL;
	assert_null(runbook_expand("{{namespace}}", &v, &cause));
	free(cause);
}

/* The condition language. */
static void
test_conditions(void **state)
{
	struct rb_cond c;
	char *cause = NULL;

	(void)state;
	assert_int_equal(rb_cond_parse("deployments/production/backend available >= 5", &c,
	    &cause), 0);
	assert_string_equal(c.resource, "deployments");
	assert_string_equal(c.ns, "production");
	assert_string_equal(c.name, "backend");
	assert_null(c.context);
	assert_string_equal(c.measure, "available");
	assert_int_equal(c.op, RB_GE);
	assert_true(c.value == 5);
	rb_cond_free(&c);

	assert_int_equal(rb_cond_parse("pods{namespace=production,app=web}@prod-osaka "
	    "not-ready == 0", &c, &cause), 0);
	assert_string_equal(c.resource, "pods");
	assert_null(c.ns);
	assert_int_equal(c.nfilters, 2);
	assert_string_equal(c.keys[0], "namespace");
	assert_string_equal(c.values[0], "production");
	assert_string_equal(c.keys[1], "app");
	assert_string_equal(c.values[1], "web");
	assert_string_equal(c.context, "prod-osaka");
	assert_string_equal(c.measure, "not-ready");
	assert_int_equal(c.op, RB_EQ);
	rb_cond_free(&c);

	assert_int_equal(rb_cond_parse("alerts{alertname=HighErrorRate} firing == 0", &c,
	    &cause), 0);
	assert_string_equal(c.values[0], "HighErrorRate");
	rb_cond_free(&c);

	assert_int_equal(rb_cond_parse("prom sum(rate(http_requests_total{code=~\"5..\"}[5m])) "
	    "< 0.1", &c, &cause), 0);
	assert_true(c.prom);
	assert_string_equal(c.query, "sum(rate(http_requests_total{code=~\"5..\"}[5m]))");
	assert_int_equal(c.op, RB_LT);
	assert_true(c.value == 0.1);
	rb_cond_free(&c);

	assert_int_equal(rb_cond_parse("nodes@prod-osaka not-ready == 0", &c, &cause), 0);
	assert_string_equal(c.resource, "nodes");
	assert_string_equal(c.context, "prod-osaka");
	rb_cond_free(&c);

	assert_int_equal(rb_cond_parse("pods count", &c, &cause), -1);
	free(cause);
	cause = NULL;
	assert_int_equal(rb_cond_parse("pods count == x", &c, &cause), -1);
	assert_string_equal(cause, "bad number 'x'");
	free(cause);
	cause = NULL;
	assert_int_equal(rb_cond_parse("pods{a=b count == 1", &c, &cause), -1);
	free(cause);
	cause = NULL;
	assert_int_equal(rb_cond_parse("pods count == 1 extra", &c, &cause), -1);
	free(cause);
	cause = NULL;
	assert_int_equal(rb_cond_parse("po;ds count == 1", &c, &cause), -1);
	free(cause);
	cause = NULL;

	assert_true(rb_op_eval(RB_GE, 5, 5));
	assert_false(rb_op_eval(RB_GT, 5, 5));
	assert_true(rb_op_eval(RB_NE, 4, 5));
	assert_true(rb_op_eval(RB_LT, 4, 5));
	assert_false(rb_op_eval(RB_EQ, 4, 5));
	assert_true(rb_cell_number("3/5") == 3);
	assert_true(rb_cell_number("12") == 12);
	assert_true(rb_cell_number("<none>") == -1);
}

/* Durations as runbooks write them. */
static void
test_durations(void **state)
{
	(void)state;
	assert_true(rb_parse_duration("90s") == 90);
	assert_true(rb_parse_duration("5m") == 300);
	assert_true(rb_parse_duration("2h") == 7200);
	assert_true(rb_parse_duration("1h30m") == 5400);
	assert_true(rb_parse_duration("500ms") == 0.5);
	assert_true(rb_parse_duration("45") == 45);
	assert_true(rb_parse_duration("") == -1);
	assert_true(rb_parse_duration("soon") == -1);
	assert_true(rb_parse_duration("5x") == -1);
	assert_true(rb_parse_duration("10d") == -1);	/* over a week */
}

/* Elapsed times, limits and the RTO clock as the runbook view shows them. */
static void
test_clock_format(void **state)
{
	char buf[96];
	const char *limits[] = { "2h", "1h30m", "5m", "90s", "45s", "2h0m5s" };
	size_t i;

	(void)state;
	rb_format_duration(16, buf, sizeof buf);
	assert_string_equal(buf, "0m16s");
	rb_format_duration(3723.9, buf, sizeof buf);
	assert_string_equal(buf, "1h02m03s");
	rb_format_duration(-3, buf, sizeof buf);
	assert_string_equal(buf, "0m00s");
	/* a limit reads back as the same duration */
	for (i = 0; i < sizeof limits / sizeof limits[0]; i++) {
		rb_format_limit(rb_parse_duration(limits[i]), buf, sizeof buf);
		assert_true(rb_parse_duration(buf) == rb_parse_duration(limits[i]));
	}
	rb_format_limit(5400, buf, sizeof buf);
	assert_string_equal(buf, "1h30m");
	rb_format_limit(90, buf, sizeof buf);
	assert_string_equal(buf, "1m30s");
	rb_format_limit(0, buf, sizeof buf);
	assert_string_equal(buf, "0s");
	rb_format_rto(7200, 16, true, buf, sizeof buf);
	assert_string_equal(buf, "RTO 2h: 0m16s used, 1h59m44s left");
	rb_format_rto(7200, 16.7, true, buf, sizeof buf);	/* whole seconds add up */
	assert_string_equal(buf, "RTO 2h: 0m16s used, 1h59m44s left");
	rb_format_rto(7200, 16, false, buf, sizeof buf);
	assert_string_equal(buf, "RTO 2h: 0m16s used");
	rb_format_rto(300, 362, true, buf, sizeof buf);
	assert_string_equal(buf, "RTO 5m: 6m02s used, EXCEEDED by 1m02s");
	rb_format_rto(0, 362, true, buf, sizeof buf);
	assert_string_equal(buf, "");
	/* a small buffer truncates, never overflows */
	rb_format_rto(7200, 16, true, buf, 8);
	assert_string_equal(buf, "RTO 2h:");
}

/* Every shipped runbook parses and validates. */
static void
test_shipped(void **state)
{
	static const char *const names[] = {
		"rollback-deployment", "scale-out", "restart-crashlooping", "region-failover",
		"blue-green-switch", "canary-abort", "canary-promote", "backup-now-and-verify",
		"restore-from-backup", "database-connection-failure", "high-memory-usage",
		"silence-for-maintenance", "canary-weight-shift", "canary-weight-abort",
	};
	struct runbook *rb;
	char *cause = NULL, *path;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof names / sizeof names[0]; i++) {
		if (asprintf(&path, "runbooks/%s.yaml", names[i]) < 0)
			fail();
		rb = runbook_load(path, &cause);
		if (rb == NULL)
			fail_msg("%s", cause);
		assert_string_equal(rb->name, names[i]);
		runbook_free(rb);
		free(path);
	}
}

/* runbook_load: a missing file, one over the 1 MiB cap and a directory are
 * errors that name the path. */
static void
test_load_errors(void **state)
{
	char dir[] = "/tmp/opsdeck-rb.XXXXXX", *p, *cause = NULL;
	FILE *f;

	(void)state;
	assert_non_null(mkdtemp(dir));
	p = xasprintf("%s/big.yaml", dir);
	assert_null(runbook_load(p, &cause));
	assert_non_null(strstr(cause, p));
	assert_non_null(strstr(cause, "No such file"));
	free(cause);
	f = fopen(p, "w");
	assert_non_null(f);
	fputs("name: big\n", f);
	fclose(f);
	assert_int_equal(truncate(p, 1024 * 1024 + 1), 0);
	cause = NULL;
	assert_null(runbook_load(p, &cause));
	assert_non_null(strstr(cause, "larger than 1048576 bytes"));
	free(cause);
	cause = NULL;
	assert_null(runbook_load(dir, &cause));
	assert_non_null(strstr(cause, "not a regular file"));
	free(cause);
	unlink(p);
	rmdir(dir);
	free(p);
}

/* applies-to: kinds, the alerts named, and a cluster only for runbooks
 * that do not act on their target; a step's on-failure defaults to abort. */
static void
test_applies(void **state)
{
	char *cause = NULL, *msg;
	struct runbook *rb;
	static const char cluster[] = "name: c\ntitle: c\nseverity: P3\n"
	    "applies-to: {kinds: [schedules]}\nsteps:\n  - note: on {{cluster}}\n";

	(void)state;
	rb = runbook_parse(good, strlen(good), "good.yaml", &cause);
	assert_non_null(rb);
	assert_true(runbook_applies(rb, "deployments", "backend"));
	assert_true(runbook_applies(rb, "pods", "backend-1"));
	assert_true(runbook_applies(rb, "alerts", "HighErrorRate"));
	assert_false(runbook_applies(rb, "alerts", "BackupStale"));
	assert_false(runbook_applies(rb, "schedules", "daily-production"));
	assert_false(runbook_applies(rb, "cronjobs", "backup"));
	assert_false(runbook_applies(rb, NULL, NULL));	/* it uses {{name}} */
	msg = runbook_applies_refusal(rb, "cronjobs", "production", "backup");
	assert_string_equal(msg, "refused: runbook demo-book applies to deployments or pods, "
	    "not cronjobs production/backup (and the alert HighErrorRate)");
	free(msg);
	assert_int_equal(rb->steps[0].on_failure, RB_FAIL_ABORT);
	runbook_free(rb);
	rb = runbook_parse(cluster, strlen(cluster), "c.yaml", &cause);
	assert_non_null(rb);
	assert_true(runbook_applies(rb, NULL, NULL));
	assert_false(runbook_applies(rb, "deployments", "backend"));
	runbook_free(rb);
}

/* Typed parameters and the rules between them. */
static void
test_typed_params(void **state)
{
	static const char text[] = "name: t\ntitle: t\nseverity: P3\nparameters:\n"
	    "  - {name: min, type: int, min: 1, max: 50, default: \"3\"}\n"
	    "  - {name: max, type: int, default: \"20\"}\n"
	    "  - {name: grace, type: duration, max: 5m, default: 30s}\n"
	    "  - {name: rev, type: revision, default: \"0\"}\n"
	    "rules: [\"min <= max\", \"grace >= 10\"]\n"
	    "steps:\n  - note: \"{{param.min}}\"\n";
	const char *vals[] = { "30", "20", "1m", "2" };
	char *cause = NULL;
	struct runbook *rb;

	(void)state;
	rb = runbook_parse(text, strlen(text), "t.yaml", &cause);
	if (rb == NULL)
		fail_msg("%s", cause);
	assert_int_equal(runbook_param_check(rb, 0, "50", &cause), 0);
	assert_int_equal(runbook_param_check(rb, 0, "51", &cause), -1);
	assert_string_equal(cause, "parameter 'min' must be at most 50, not 51");
	free(cause);
	assert_int_equal(runbook_param_check(rb, 0, "5x", &cause), -1);
	free(cause);
	assert_int_equal(runbook_param_check(rb, 2, "6m", &cause), -1);
	assert_string_equal(cause, "parameter 'grace' must be at most 5m, not 6m");
	free(cause);
	assert_int_equal(runbook_param_check(rb, 3, "-1", &cause), -1);
	free(cause);
	assert_int_equal(runbook_param_check(rb, 3, "abc", &cause), -1);
	free(cause);
	assert_int_equal(runbook_rules_check(rb, vals, &cause), -1);
	assert_string_equal(cause, "parameters break the rule 'min <= max' (min = 30, max = 20)");
	free(cause);
	vals[0] = "20";
	assert_int_equal(runbook_rules_check(rb, vals, &cause), 0);
	runbook_free(rb);
	expect_error("name: t\ntitle: t\nseverity: P3\nparameters:\n  - {name: a, default: x}\n"
	    "rules: [\"a <= 3\"]\nsteps:\n  - note: n\n", "parameter 'a' is not an int");
	expect_error("name: t\ntitle: t\nseverity: P3\nparameters:\n  - {name: a, type: int, "
	    "default: \"1\"}\nrules: [\"a <= b\"]\nsteps:\n  - note: n\n",
	    "'b' is neither a parameter nor a number");
	expect_error("name: t\ntitle: t\nseverity: P3\nparameters:\n  - {name: a, type: colour}\n"
	    "steps:\n  - note: n\n", "type must be string, int");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_good),
		cmocka_unit_test(test_parse_errors),
		cmocka_unit_test(test_templates),
		cmocka_unit_test(test_conditions),
		cmocka_unit_test(test_durations),
		cmocka_unit_test(test_clock_format),
		cmocka_unit_test(test_shipped),
		cmocka_unit_test(test_load_errors),
		cmocka_unit_test(test_applies),
		cmocka_unit_test(test_typed_params),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
