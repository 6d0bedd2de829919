/* Unit tests for describe (tui/describe.c): the layout is Go's tabwriter
 * (a column block ends at a line without that cell), quantities print in
 * their canonical form, and a hostile value can add neither a cell, a line
 * nor a terminal control sequence. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "opsdeck/describe.h"
#include "opsdeck/kinds.h"
#include "opsdeck/xmalloc.h"

#include "test_json.h"

/* The lines describe prints, joined with newlines. */
struct out {
	char	*text;
	size_t	 nwarn;
};

static void
collect(const char *line, int hang, bool warning, void *arg)
{
	struct out *o = arg;
	char *t = xasprintf("%s%s\n", o->text != NULL ? o->text : "", line);

	(void)hang;
	free(o->text);
	o->text = t;
	o->nwarn += warning;
}

static char *
describe(const char *kind, const char *obj, const char *events, size_t *nwarn)
{
	json_t *o = js(obj), *ev = events != NULL ? js(events) : NULL;
	struct describe_events de = { ev, "(loading)" };
	struct out out = { NULL, 0 };

	describe_object(kind_find(kind), o, NULL, &de, 1000000, collect, &out);
	json_decref(o);
	json_decref(ev);
	if (nwarn != NULL)
		*nwarn = out.nwarn;
	return out.text;
}

/* A column block ends at a line without a cell in it: "IPs:" breaks the
 * head's block, "  IP:" aligns with "Controlled By:" after it. */
static void
test_blocks(void **state)
{
	char *s;

	(void)state;
	s = describe("pod", "{\"kind\":\"Pod\",\"metadata\":{\"name\":\"p\",\"namespace\":\"n\","
	    "\"ownerReferences\":[{\"kind\":\"ReplicaSet\",\"name\":\"rs\",\"controller\":true}]},"
	    "\"spec\":{\"containers\":[]},\"status\":{\"podIP\":\"10.0.0.1\","
	    "\"podIPs\":[{\"ip\":\"10.0.0.1\"}],\"qosClass\":\"BestEffort\"}}", NULL, NULL);
	assert_non_null(strstr(s, "Name:         p\nNamespace:    n\n"));
	assert_non_null(strstr(s, "IPs:\n  IP:           10.0.0.1\nControlled By:  ReplicaSet/rs\n"));
	assert_non_null(strstr(s, "Containers: <none>\n"));
	assert_non_null(strstr(s, "Events:          (loading)\n"));
	free(s);
}

/* Quantities in canonical form, sorted resource names. */
static void
test_quantities(void **state)
{
	char *s;

	(void)state;
	s = describe("pod", "{\"kind\":\"Pod\",\"metadata\":{\"name\":\"p\"},\"spec\":{"
	    "\"containers\":[{\"name\":\"c\",\"image\":\"i\",\"resources\":{\"limits\":"
	    "{\"memory\":\"1024Mi\",\"cpu\":\"1000m\"},\"requests\":{\"cpu\":\"0.5\","
	    "\"memory\":\"1536Mi\"}}}]}}", NULL, NULL);
	assert_non_null(strstr(s, "    Limits:\n      cpu:     1\n      memory:  1Gi\n"));
	assert_non_null(strstr(s, "    Requests:\n      cpu:        500m\n      memory:     1536Mi\n"));
	free(s);
}

/* Hostile values: a tab, a newline and ESC stay inside their cell as text. */
static void
test_hostile(void **state)
{
	char *s;
	size_t nwarn;

	(void)state;
	s = describe("pod", "{\"kind\":\"Pod\",\"metadata\":{\"name\":\"p\",\"labels\":"
	    "{\"a\":\"x\\ty\\nFAKE:\\tline\\u001b[2J\"}},\"spec\":{}}",
	    "[{\"type\":\"Warning\",\"reason\":\"Back\\toff\",\"message\":"
	    "\"m\\u001b]0;t\\u0007\",\"count\":3,\"firstTimestamp\":\"1970-01-12T13:00:00Z\","
	    "\"lastTimestamp\":\"1970-01-12T13:40:00Z\",\"source\":{\"component\":\"k\"}}]",
	    &nwarn);
	assert_null(strchr(s, '\x1b'));
	assert_null(strchr(s, '\t'));
	assert_null(strchr(s, '\a'));
	assert_null(strstr(s, "\nFAKE:"));
	assert_non_null(strstr(s, "Labels:       a=x y\\nFAKE: line\\x1b[2J\n"));
	assert_non_null(strstr(s, "  Warning  Back off  6m40s (x3 over 46m)  k     "
	    "m\\x1b]0;t\\x07\n"));
	assert_int_equal(nwarn, 1);
	free(s);
}

/* A long annotation line is shortened as kubectl shortens it (138 bytes
 * and "..."): the line after it stays whole, and one that ends the value
 * is cut inside its own bytes. */
static void
test_annotation_shortened(void **state)
{
	char long1[140], long2[142], *obj, *s, *want;

	(void)state;
	memset(long1, 'a', 139);
	long1[139] = '\0';
	memset(long2, 'b', 141);
	long2[141] = '\0';
	obj = xasprintf("{\"kind\":\"Pod\",\"metadata\":{\"name\":\"p\",\"annotations\":"
	    "{\"k\":\"%s\\ntail\\n%s\"}},\"spec\":{}}", long1, long2);
	s = describe("pod", obj, NULL, NULL);
	long1[138] = long2[138] = '\0';
	want = xasprintf("Annotations:  k:\n%16s%s...\n%16stail\n%16s%s...\n", "", long1, "", "",
	    long2);
	assert_non_null(strstr(s, want));
	free(want);
	free(s);
	free(obj);
}

/* The generic describer's sections are named by the object's keys,
 * capitalised: an empty key is an empty name (it was read past its end),
 * and a key that begins with a control shows it escaped like the rest. */
static void
test_generic_section_names(void **state)
{
	char *s;

	(void)state;
	s = describe("configmaps", "{\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"c\"},"
	    "\"\":{\"a\":\"1\"},\"\\u001b[31mred\":{\"b\":\"2\"},\"spec\":{\"c\":\"3\"}}", NULL, NULL);
	assert_non_null(s);
	assert_null(strchr(s, 0x1b));
	assert_non_null(strstr(s, "\n:\n"));
	assert_non_null(strstr(s, "[31mred:\n"));
	assert_non_null(strstr(s, "\nSpec:\n"));
	free(s);
}

/* The requests a describe reads besides the object and its events. */
static void
test_related_paths(void **state)
{
	json_t *d = js("{\"metadata\":{\"name\":\"web\",\"namespace\":\"n\"},"
	    "\"spec\":{\"selector\":{\"matchLabels\":{\"app\":\"web\",\"tier\":\"fe\"}}}}");
	json_t *orphan = js("{\"metadata\":{\"name\":\"web\"},"
	    "\"spec\":{\"selector\":{\"matchLabels\":{\"app\":\"web\"}}}}");
	json_t *node = js("{\"kind\":\"Node\",\"metadata\":{\"name\":\"n 1\",\"uid\":\"u\"}}");
	char *p;

	(void)state;
	p = describe_related_path(kind_find("deployments"), d, 0);
	assert_string_equal(p, "/apis/apps/v1/namespaces/n/replicasets?labelSelector="
	    "app%3Dweb%2Ctier%3Dfe");
	free(p);
	assert_null(describe_related_path(kind_find("deployments"), d, 1));
	/* no namespace: no list (and nothing leaks) */
	assert_null(describe_related_path(kind_find("deployments"), orphan, 0));
	assert_null(describe_related_path(kind_find("pods"), d, 0));
	p = describe_related_path(kind_find("nodes"), node, 0);
	assert_string_equal(p, "/api/v1/pods?fieldSelector=spec.nodeName%3Dn%201%2C"
	    "status.phase%21%3DSucceeded%2Cstatus.phase%21%3DFailed");
	free(p);
	p = describe_related_path(kind_find("nodes"), node, 1);
	assert_string_equal(p, "/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/"
	    "n%201");
	free(p);
	/* a node's events by kind and name, not uid */
	p = describe_events_path(node);
	assert_string_equal(p, "/api/v1/events?fieldSelector=involvedObject.name%3Dn%201%2C"
	    "involvedObject.kind%3DNode");
	free(p);
	json_decref(d);
	json_decref(orphan);
	json_decref(node);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_blocks),
		cmocka_unit_test(test_quantities),
		cmocka_unit_test(test_hostile),
		cmocka_unit_test(test_related_paths),
		cmocka_unit_test(test_annotation_shortened),
		cmocka_unit_test(test_generic_section_names),
	};

	setenv("TZ", "UTC", 1);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
