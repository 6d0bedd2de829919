#!/usr/bin/env bash
# `opsdeck get` prints custom resources in the columns the cluster's
# CustomResourceDefinitions declare, as kubectl does, read from the cluster
# (not opsdeck's own copy of a few well-known CRDs):
# - a CRD opsdeck has never heard of (widgets.example.com: string,
#   integer, number, boolean and date columns, a JSONPath into a list, a
#   priority-1 column only -o wide shows, no AGE as none is declared, two
#   served versions of which the API server prefers v1) and a
#   cluster-scoped one with no columns: every row and cell equal to
#   kubectl's, by plural, short name, singular and plural.group;
# - a CRD opsdeck knows (Argo Rollouts) given a new column on this cluster:
#   opsdeck prints it too;
# - a user who may not read CRDs (the viewer) still reads rollouts, in the
#   built-in columns, and is told why an unknown kind cannot be resolved.
. "$(dirname "$0")/../lib/realk8s.sh"

realk8s_up real-tokyo
ctx=real-tokyo

kc --context "$ctx" apply -f - >"$T/apply.out" 2>&1 <<'YAML' || { cat "$T/apply.out" >&2; fail "the test's CRDs were refused"; }
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: widgets.example.com
spec:
  group: example.com
  scope: Namespaced
  names: {plural: widgets, singular: widget, kind: Widget, shortNames: [wd]}
  versions:
  - name: v1beta1
    served: true
    storage: false
    schema:
      openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}
    additionalPrinterColumns:
    - {name: Old, type: string, jsonPath: .spec.color}
  - name: v1
    served: true
    storage: true
    schema:
      openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}
    additionalPrinterColumns:
    - {name: Color, type: string, jsonPath: .spec.color}
    - {name: Size, type: integer, jsonPath: .spec.size}
    - {name: Ratio, type: number, jsonPath: .spec.ratio}
    - {name: Enabled, type: boolean, jsonPath: .spec.enabled}
    - {name: First Port, type: integer, jsonPath: '.spec.ports[0].port'}
    - {name: Since, type: date, jsonPath: .spec.since}
    - {name: Note, type: string, jsonPath: .spec.note, priority: 1}
---
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: gadgets.example.com
spec:
  group: example.com
  scope: Cluster
  names: {plural: gadgets, singular: gadget, kind: Gadget}
  versions:
  - name: v1alpha1
    served: true
    storage: true
    schema:
      openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}
YAML
established() { kc --context "$ctx" get widgets,gadgets -A >/dev/null 2>&1; }
wait_for 30 established || fail "the test's CRDs were not established"
kc --context "$ctx" apply -f - >"$T/apply.out" 2>&1 <<'YAML' || { cat "$T/apply.out" >&2; fail "the widgets were refused"; }
apiVersion: example.com/v1
kind: Widget
metadata: {name: blue, namespace: production}
spec: {color: blue, size: 3, ratio: 0.25, enabled: true, since: "2020-01-01T00:00:00Z",
       note: for the lobby, ports: [{port: 8080}, {port: 9090}]}
---
apiVersion: example.com/v1
kind: Widget
metadata: {name: odd, namespace: staging}
spec: {color: 7, size: big, ratio: 12, enabled: "yes", since: not-a-date}
---
apiVersion: example.com/v1
kind: Widget
metadata: {name: bare, namespace: staging}
spec: {}
---
apiVersion: example.com/v1alpha1
kind: Gadget
metadata: {name: gizmo}
YAML

same_cells widgets "$ctx"
head -n 1 "$T/o.out" | grep -Eq '^CLUSTER +NAMESPACE +NAME +COLOR +SIZE +RATIO +ENABLED +FIRST PORT +SINCE$' ||
	{ cat "$T/o.out" >&2; fail "opsdeck get widgets: not the v1 columns of the Widget CRD"; }
grep -q $'^production/blue\tCOLOR=blue\tSIZE=3\tRATIO=0.25\tENABLED=true\tFIRST PORT=8080\tSINCE=[0-9]*y' "$T/o.cells" ||
	{ cat "$T/o.cells" >&2; fail "opsdeck get widgets: production/blue cells"; }
[ "$(wc -l <"$T/o.cells")" -eq 3 ] || fail "opsdeck lists $(wc -l <"$T/o.cells") widgets, not 3"
cp "$T/o.cells" "$T/widgets.cells"
same_cells widgets "$ctx" -o wide
grep -q $'^production/blue\t.*\tNOTE=for the lobby$' "$T/o.cells" ||
	{ cat "$T/o.cells" >&2; fail "opsdeck get widgets -o wide: no priority-1 NOTE column"; }
ok "get widgets (a CRD opsdeck does not know): the CRD's v1 columns, cells equal to kubectl's, -o wide too"
for name in wd widgets.example.com widget; do
	"$OPSDECK" get "$name" -A --context "$ctx" >"$T/alias.out" 2>&1 ||
		{ cat "$T/alias.out" >&2; fail "opsdeck get $name failed"; }
	cells "$T/alias.out" | cmp -s - "$T/widgets.cells" ||
		{ cat "$T/alias.out" >&2; fail "opsdeck get $name differs from get widgets"; }
done
ok "the Widget CRD's short name, plural.group and singular name the same kind"
same_cells gadgets "$ctx"
head -n 1 "$T/o.out" | grep -Eq '^CLUSTER +NAME +AGE$' ||
	{ cat "$T/o.out" >&2; fail "opsdeck get gadgets: a cluster-scoped kind without columns is NAME and AGE"; }
ok "get gadgets (cluster-scoped, no columns): NAME and AGE as kubectl"

# A kind opsdeck knows, whose CRD on this cluster declares one more column.
kc --context "$ctx" patch crd rollouts.argoproj.io --type=json -p '[{"op": "add",
	"path": "/spec/versions/0/additionalPrinterColumns/-",
	"value": {"name": "Strategy Steps", "type": "integer",
	          "jsonPath": ".spec.strategy.canary.steps[0].setWeight"}}]' >/dev/null ||
	fail "could not patch the Rollout CRD"
has_strategy() { kc --context "$ctx" get rollouts -A 2>/dev/null | head -n 1 | grep -q 'STRATEGY STEPS'; }
wait_for 30 has_strategy || fail "kubectl does not show the patched Rollout column"
same_cells rollouts "$ctx"
head -n 1 "$T/o.out" | grep -Eq '^CLUSTER +NAMESPACE +NAME +DESIRED +CURRENT +UP-TO-DATE +AVAILABLE +AGE +STRATEGY STEPS$' ||
	{ cat "$T/o.out" >&2; fail "opsdeck get rollouts: not the cluster's Rollout CRD columns"; }
ok "get rollouts: the column this cluster's CRD adds is there, cells equal to kubectl's"

# The viewer may not read CRDs: given the right to read rollouts and
# widgets, rollouts fall back to the built-in columns, and the unknown kind
# says why it could not be resolved.
kc --context "$ctx" create clusterrole cr-reader --verb=get,list,watch \
	--resource=rollouts.argoproj.io,widgets.example.com >/dev/null || fail "clusterrole"
kc --context "$ctx" create clusterrolebinding cr-reader --clusterrole=cr-reader \
	--user=opsdeck-viewer >/dev/null || fail "clusterrolebinding"
can_read() { [ "$(kc --context "$ctx-viewer" auth can-i list rollouts.argoproj.io -A)" = yes ]; }
wait_for 30 can_read || fail "the viewer may not list rollouts"
out=$(kc --context "$ctx-viewer" get crd 2>&1) && fail "the viewer may read CRDs: $out"
"$OPSDECK" get rollouts -A --context "$ctx-viewer" >"$T/v.out" 2>"$T/v.err" ||
	{ cat "$T/v.err" >&2; fail "opsdeck get rollouts as the viewer failed"; }
head -n 1 "$T/v.out" | grep -Eq '^CLUSTER +NAMESPACE +NAME +DESIRED +CURRENT +UP-TO-DATE +AVAILABLE +AGE$' ||
	{ cat "$T/v.out" >&2; fail "opsdeck get rollouts as the viewer: not the built-in columns"; }
[ "$(tail -n +2 "$T/v.out" | wc -l)" -ge 1 ] || fail "opsdeck get rollouts as the viewer: no rows"
"$OPSDECK" get widgets -A --context "$ctx-viewer" >"$T/v.out" 2>"$T/v.err" &&
	fail "opsdeck resolved widgets without reading its CRD"
assert_contains "$(cat "$T/v.err")" "the server doesn't have a resource type \"widgets\" (its CustomResourceDefinitions could not be read: "
assert_contains "$(cat "$T/v.err")" "forbidden"
ok "the viewer (no CRD access): rollouts in the built-in columns; widgets unresolved, saying why"
