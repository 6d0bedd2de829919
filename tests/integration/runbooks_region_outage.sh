#!/usr/bin/env bash
# region-outage: prod-tokyo stops answering; the region-failover runbook,
# run headless, checks prod-osaka, scales its production workloads to the
# primary's counts, waits for them, runs the DNS step, skips scaling the
# unreachable primary down (with a note), and the drill reports resolved.
# With its scale steps replaced by no-ops it ends FAILED: its waits see the
# DR deployments still at 0.
. "$(dirname "$0")/../lib/common.sh"
command -v jq >/dev/null || skip "jq missing"

# Speed 1: the fault comes at t=10 s, time enough to put the DR cluster in
# its passive state first (production scaled to 0), as the scenario intends.
start_drill region-outage --speed 1
for d in backend frontend websocket; do
	kubectl --context prod-osaka --request-timeout=5s scale deploy "$d" -n production \
		--replicas=0 >/dev/null || fail "cannot scale prod-osaka $d to 0"
done
mkdir -p "$XDG_CONFIG_HOME/opsdeck"
cat >"$XDG_CONFIG_HOME/opsdeck/config.yaml" <<'YAML'
contexts:
  prod-tokyo: {role: primary, protected: true}
  prod-osaka: {role: dr, protected: true}
  staging: {role: staging}
YAML
server=$(jq -r '.clusters[] | select(.name=="prod-osaka") | .cluster.server' "$KUBECONFIG")
status() {
	curl -sS --max-time 10 -k \
		--cert <(jq -r '.users[] | select(.name=="drill-admin") | .user["client-certificate-data"]' "$KUBECONFIG" | base64 -d) \
		--key <(jq -r '.users[] | select(.name=="drill-admin") | .user["client-key-data"]' "$KUBECONFIG" | base64 -d) \
		"$server/drill/v1/status"
}
tokyo_down() { ! kubectl --context prod-tokyo --request-timeout=3s get ns >/dev/null 2>&1; }
resolved() { status | jq -e '.resolved == true' >/dev/null; }

wait_for 120 tokyo_down || fail "prod-tokyo never went down"
passive() { [ "$(kubectl --context prod-osaka get deploy -n production -o json |
	jq '[.items[].status.availableReplicas // 0] | add')" = 0 ]; }
wait_for 60 passive || fail "prod-osaka production did not scale to 0"
resolved && fail "resolved before the failover"

runbook_noop_fails region-failover --context prod-osaka --yes
assert_contains "$NOOP_OUT" "FAILED: failed at step 8 (DR backend available): timed out"
resolved && fail "resolved by a run that did nothing"

# An incident collects the runbook's steps.
id=$("$OPSDECK" incident open P0 "Tokyo region down") || fail "incident open"

out=$("$OPSDECK" runbook run region-failover --context prod-osaka --yes 2>&1) || {
	printf '%s\n' "$out"; fail "runbook failed"; }
printf '%s\n' "$out"
assert_contains "$out" "[2/15] check ok"
assert_contains "$out" "route53: switch api.example.com to prod-osaka"
assert_contains "$out" "skipped: prod-tokyo is unreachable"
assert_contains "$out" "RTO 2h"
assert_contains "$out" "runbook region-failover: completed"

wait_for 120 resolved || { status; fail "drill not resolved"; }
for d in frontend:3 backend:5 websocket:2; do
	n=$(kubectl --context prod-osaka get deploy "${d%%:*}" -n production -o jsonpath='{.status.availableReplicas}')
	[ "${n:-0}" -ge "${d##*:}" ] || fail "prod-osaka ${d%%:*} has ${n:-0} available"
done

md=$("$OPSDECK" incident export "$id")
assert_contains "$md" "region-failover step 11 (exec)"
assert_contains "$md" "(skipped)"
assert_contains "$md" "scale prod-osaka/deployments/backend"
assert_contains "$out" "drill score recorded on incident $id"
assert_contains "$md" "- Drill: region-outage: fault at "
echo "$md" | grep -Eq -- "- Drill: region-outage: .*first action \+[0-9.hms]+, resolved \+[0-9.hms]+" ||
	fail "drill score lacks the times"

/usr/bin/python3 - "$XDG_STATE_HOME/opsdeck/audit.jsonl" "$id" <<'PY' || fail "audit log"
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1])]
scales = [o for o in lines if o["verb"] == "scale" and o["outcome"] == "ok"]
assert sorted(o["target"]["name"] for o in scales) == ["backend", "frontend", "websocket"], scales
assert all(o["context"] == "prod-osaka" and o["incident"] == sys.argv[2] for o in scales), scales
skipped = [o for o in lines if o["verb"] == "runbook-step" and o["outcome"] == "skipped"]
assert len(skipped) == 3, skipped
PY
ok "region-failover resolved region-outage"

audit_check_intents scale
ok "every request of the run had its intent written first"
