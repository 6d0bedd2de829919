#!/usr/bin/env bash
# Drain through opsdeck's action pipeline (a headless runbook step) on a
# real control plane (tests/realk8s/), whose eviction API and disruption
# controller judge the PodDisruptionBudgets:
# - a PDB that allows no disruption: the real eviction API answers 429 with
#   the Status the drill answers (same body but names), and opsdeck's drain
#   of a node holding such a pod is refused before anything is sent: the
#   node stays schedulable, no eviction reaches the server, audited;
# - with room in the PDBs, the drain cordons the node and evicts its pods
#   through the eviction subresource (the server's audit log: each 201);
#   the replacements run on the other nodes, the node keeps only its
#   DaemonSet pod, and the estate settles again.
. "$(dirname "$0")/../lib/realk8s.sh"
command -v jq >/dev/null || skip "jq missing"

realk8s_up real-tokyo
ctx=real-tokyo
wait_for 240 rk_settled "$ctx" ||
	{ kc --context "$ctx" get pods -A >&2; rk_dump_logs; fail "estate did not settle"; }
k() { kc --context "$ctx" "$@"; }
srv_audit=$RK_DIR/$ctx/apiserver.audit.log
audit=$XDG_STATE_HOME/opsdeck/audit.jsonl
ops() { jq -c "select(.userAgent | startswith(\"opsdeck/\")) | $1" "$srv_audit"; }
pods_on() { k get pods -A --field-selector "spec.nodeName=$1" --no-headers | awk '{ print $1 "/" $2 }'; }
cat >"$T/drain.yaml" <<'YAML'
name: drain-one
title: drain one node
severity: P3
steps:
  - action: "drain"
YAML
drain() {
	"$OPSDECK" runbook run "$T/drain.yaml" --context "$ctx" --target "nodes/$1" --yes \
		>"$T/drain.out" 2>&1
}

# frontend-pdb: maxUnavailable 0 allows no disruption.
k -n production patch pdb frontend-pdb --type merge -p '{"spec":{"maxUnavailable":0}}' >/dev/null
no_room() { [ "$(k -n production get pdb frontend-pdb -o jsonpath='{.status.disruptionsAllowed}')" = 0 ]; }
wait_for 30 no_room || fail "frontend-pdb does not reach 0 disruptions allowed"
pod=$(k -n production get pods -l app=frontend -o jsonpath='{.items[0].metadata.name}')
node=$(k -n production get pod "$pod" -o jsonpath='{.spec.nodeName}')
port=$(cat "$RK_DIR/$ctx/apiserver.port")
out=$(curl -sS -w '\n%{http_code}' --cacert "$RK_DIR/pki/ca.crt" --cert "$RK_DIR/pki/admin.crt" \
	--key "$RK_DIR/pki/admin.key" -H 'Content-Type: application/json' \
	-d "{\"apiVersion\":\"policy/v1\",\"kind\":\"Eviction\",\"metadata\":{\"name\":\"$pod\",\"namespace\":\"production\"}}" \
	"https://127.0.0.1:$port/api/v1/namespaces/production/pods/$pod/eviction")
[ "$(printf '%s\n' "$out" | tail -n 1)" = 429 ] || fail "the real eviction API: $out"
# The drill's answer in the same case (tests/integration/pdb_eviction.sh),
# with this PDB's name and counts.
want='{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"Cannot evict pod as it would violate the pod'"'"'s disruption budget.","reason":"TooManyRequests","details":{"causes":[{"reason":"DisruptionBudget","message":"The disruption budget frontend-pdb needs 3 healthy pods and has 3 currently"}]},"code":429}'
[ "$(printf '%s\n' "$out" | sed '$d' | jq -cS .)" = "$(printf '%s' "$want" | jq -cS .)" ] ||
	fail "the real 429 differs from the drill's: $(printf '%s\n' "$out" | sed '$d')"
ok "the real eviction API refuses $pod with the drill's 429 Status"

drain "$node" && { cat "$T/drain.out" >&2; fail "the drain of $node went ahead with no room in frontend-pdb"; }
assert_contains "$(cat "$T/drain.out")" "drain refused: PodDisruptionBudget production/frontend-pdb allows 0 disruptions"
[ -z "$(k get node "$node" -o jsonpath='{.spec.unschedulable}')" ] || fail "the refused drain cordoned $node"
[ -z "$(ops 'select(.objectRef.subresource == "eviction")')" ] || fail "the refused drain sent an eviction"
grep -q "\"verb\":\"drain\".*\"outcome\":\"refused\"" "$audit" || fail "the refusal is not audited"
ok "drain of $node refused before anything was sent (frontend-pdb allows 0); audited"

# Room again; drain a node with at most one pod under each PDB.
k -n production patch pdb frontend-pdb --type merge -p '{"spec":{"maxUnavailable":1}}' >/dev/null
room() { [ "$(k -n production get pdb frontend-pdb -o jsonpath='{.status.disruptionsAllowed}')" = 1 ]; }
wait_for 30 room || fail "frontend-pdb does not reach 1 disruption allowed"
node=""
for n in $(k get nodes -o jsonpath='{.items[*].metadata.name}'); do
	f=$(pods_on "$n" | grep -c '^production/frontend-' || true)
	b=$(pods_on "$n" | grep -c '^production/backend-' || true)
	if [ "$f" -le 1 ] && [ "$b" -le 3 ] && [ $((f + b)) -ge 1 ]; then node=$n; break; fi
done
[ -n "$node" ] || { k get pods -A -o wide >&2; fail "no node with at most one frontend pod"; }
before=$(pods_on "$node" | grep -v '^kube-system/fluent-bit-' | sort)
ok "draining $node: $(echo $before)"
drain "$node" || { cat "$T/drain.out" >&2; fail "the drain of $node failed"; }
[ "$(k get node "$node" -o jsonpath='{.spec.unschedulable}')" = true ] || fail "$node not cordoned"
only_ds() { [ -z "$(pods_on "$node" | grep -v '^kube-system/fluent-bit-')" ]; }
wait_for 60 only_ds || fail "pods left on $node: $(pods_on "$node")"
n_evict=$(ops 'select(.objectRef.subresource == "eviction" and .verb == "create" and
	.responseStatus.code == 201) | .objectRef.name' | sort -u | wc -l)
[ "$n_evict" -eq "$(echo "$before" | wc -l)" ] ||
	fail "$n_evict evictions answered 201, $(echo "$before" | wc -l) pods on the node"
ops "select(.objectRef.resource == \"nodes\" and .objectRef.name == \"$node\" and
	.verb == \"patch\") | .requestURI" | grep -q 'dryRun=All' || fail "no dry run of the cordon"
grep -q '"verb":"drain".*"outcome":"ok"' "$audit" || fail "the drain is not audited ok"
wait_for 120 rk_settled "$ctx" || { k get pods -A -o wide >&2; fail "the estate did not settle after the drain"; }
[ -z "$(pods_on "$node" | grep -v '^kube-system/fluent-bit-')" ] || fail "a pod was scheduled on the cordoned $node"
ok "drain of $node: cordoned, $n_evict pods evicted through the real eviction API (201), replaced elsewhere; audited"
