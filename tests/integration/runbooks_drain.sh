#!/usr/bin/env bash
# drain through a headless runbook against the drill estate: refused with no
# change while a PodDisruptionBudget forbids it, then cordons the node and
# evicts every pod but DaemonSet-owned ones once the budget is gone.
. "$(dirname "$0")/../lib/common.sh"
command -v jq >/dev/null || skip "jq missing"

start_drill estate --speed 20
k() { kubectl --context prod-tokyo --request-timeout=30s "$@"; }
# drain NAME NODE: a one-step runbook draining NODE on prod-tokyo, --yes; rc in $rc.
drain() {
	local f=$T/$1.yaml
	printf 'name: %s\ntitle: %s\nseverity: P3\nsteps:\n  - action: "drain -t nodes/%s"\n    timeout: 120s\n' \
		"$1" "$1" "$2" >"$f"
	rc=0
	"$OPSDECK" runbook run "$f" --context prod-tokyo --yes >"$T/$1.out" 2>&1 || rc=$?
}
# left NODE: the pods on NODE a drain would evict (not DaemonSet-owned).
left() {
	k get pods -A --field-selector "spec.nodeName=$1" -o json |
		jq '[.items[] | select(all(.metadata.ownerReferences[]?; .kind != "DaemonSet"))] | length'
}
none_left() { [ "$(left "$1")" = 0 ]; }

# A node carrying a pod of a Deployment in production (once one is scheduled).
find_pod() {
	pod=$(k get pods -n production -o json | jq -r '[.items[]
		| select(.spec.nodeName != null and .spec.nodeName != "")
		| select(any(.metadata.ownerReferences[]?; .kind == "ReplicaSet"))][0] | .metadata.name')
	[ -n "$pod" ] && [ "$pod" != null ]
}
wait_for 120 find_pod || fail "no deployment pod with a node"
find_pod
node=$(k get pod "$pod" -n production -o jsonpath='{.spec.nodeName}')
app=$(k get pod "$pod" -n production -o jsonpath='{.metadata.labels.app}')
[ -n "$app" ] || fail "pod $pod has no app label"
[ "$(left "$node")" -gt 0 ] || fail "nothing to evict on $node"

# (1) a budget that allows no disruption of app=$app: refused, nothing changed
k create poddisruptionbudget drain-block -n production --selector "app=$app" --min-available 100% >/dev/null ||
	fail "cannot create the PDB"
before=$(left "$node")
drain refused "$node"
[ "$rc" -ne 0 ] || { cat "$T/refused.out"; fail "a blocked drain succeeded"; }
assert_contains "$(cat "$T/refused.out")" "drain refused: PodDisruptionBudget production/drain-block allows 0 disruptions"
[ -z "$(k get node "$node" -o jsonpath='{.spec.unschedulable}')" ] || fail "refused drain cordoned $node"
[ "$(left "$node")" = "$before" ] || fail "refused drain evicted pods"

# (2) without the budget: cordoned, evicted, followed until the node is empty
k delete poddisruptionbudget drain-block -n production >/dev/null || fail "cannot delete the PDB"
drain drained "$node"
[ "$rc" -eq 0 ] || { cat "$T/drained.out"; fail "drain failed"; }
[ "$(k get node "$node" -o jsonpath='{.spec.unschedulable}')" = true ] || fail "$node not cordoned"
wait_for 120 none_left "$node" || fail "pods left on $node: $(left "$node")"

# audit: the refusal, the cordon and one line per eviction
/usr/bin/python3 - "$XDG_STATE_HOME/opsdeck/audit.jsonl" "$node" "$before" <<'PY' || fail "audit log"
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
d = [l for l in lines if l.get("verb") == "drain" and l["target"].get("name") == sys.argv[2]]
outs = [l.get("outcome") for l in d]
assert "refused" in outs, outs
ev = [l for l in d if l.get("outcome") == "ok" and "evict pod" in (l.get("message") or "")]
assert len(ev) >= int(sys.argv[3]), (len(ev), sys.argv[3])
PY
ok "drain refused by a PDB with no change, then cordon and $before+ evictions on $node"

audit_check_intents drain
[ "$(jq -s '[.[] | select(.phase == "intent" and (.request.path | endswith("/eviction")))] | length' "$XDG_STATE_HOME/opsdeck/audit.jsonl")" -ge 1 ] ||
	fail "no intent per eviction"
ok "the cordon and each eviction had its intent written first"
