#!/usr/bin/env bash
# traffic-spike: backend-hpa is pinned at maxReplicas; the scale-out runbook
# raises its limits (hpa-minmax) and the drill reports resolved. A plain
# scale of a deployment an HPA manages warns and offers the HPA instead.
# With its hpa-minmax replaced by a no-op, the runbook ends FAILED: it reads
# the new limits back from the HPA.
. "$(dirname "$0")/../lib/common.sh"
command -v jq >/dev/null || skip "jq missing"

start_drill traffic-spike --speed 20
server=$(jq -r '.clusters[] | select(.name=="prod-tokyo") | .cluster.server' "$KUBECONFIG")
status() {
	curl -sS --max-time 10 -k \
		--cert <(jq -r '.users[] | select(.name=="drill-admin") | .user["client-certificate-data"]' "$KUBECONFIG" | base64 -d) \
		--key <(jq -r '.users[] | select(.name=="drill-admin") | .user["client-key-data"]' "$KUBECONFIG" | base64 -d) \
		"$server/drill/v1/status"
}
resolved() { status | jq -e '.resolved == true' >/dev/null; }
hpa() { kubectl --context prod-tokyo get hpa backend-hpa -n production -o json; }
at_max() { hpa | jq -e '.status.currentReplicas == .spec.maxReplicas' >/dev/null; }

# The scenario pins the HPA at its maximum (when the simulated HPA gets there).
pinned=no
if wait_for 60 at_max; then
	pinned=yes
else
	echo "note: backend-hpa did not reach maxReplicas in the drill; checking the runbook's effect only"
fi

# A direct scale is previewed with the HPA warning, and not confirmed here.
out=$(printf 'name: s\ntitle: s\nseverity: P3\nsteps:\n  - action: "scale 30"\n' >"$T/s.yaml"
	"$OPSDECK" runbook run "$T/s.yaml" --context prod-tokyo --target deployments/backend \
	-n production </dev/null 2>&1) && fail "unconfirmed scale succeeded"
assert_contains "$out" "HPA backend-hpa (min 3, max 20) manages this Deployment"
assert_contains "$out" "hpa-minmax MIN MAX -t horizontalpodautoscalers/backend-hpa"
assert_contains "$out" "refusing: confirmation needed"

runbook_noop_fails scale-out --context prod-tokyo --target deployments/backend \
	-n production --param max=40 --yes
assert_contains "$NOOP_OUT" "FAILED: failed at step 3 (The HPA has the new minimum): horizontalpodautoscalers min = 3 (want == 8)"
resolved && fail "resolved by a run that did nothing"

out=$("$OPSDECK" runbook run scale-out --context prod-tokyo --target deployments/backend \
	-n production --param max=40 --yes 2>&1) || { printf '%s\n' "$out"; fail "runbook failed"; }
printf '%s\n' "$out"
assert_contains "$out" "HPA min 3 → 8, max 20 → 40"
assert_contains "$out" "runbook scale-out: completed"
[ "$(hpa | jq .spec.maxReplicas)" = 40 ] || fail "maxReplicas not raised"
[ "$(hpa | jq .spec.minReplicas)" = 8 ] || fail "minReplicas not raised"
wait_for 120 resolved || { status; fail "drill not resolved"; }
# No longer pinned: the autoscaler has room again.
below() { hpa | jq -e '.status.currentReplicas < .spec.maxReplicas' >/dev/null; }
[ $pinned = no ] || wait_for 120 below || { hpa | jq .status; fail "HPA still at its maximum"; }
ok "scale-out eased traffic-spike"

audit_check_intents hpa-minmax
ok "every request of the run had its intent written first"
