#!/usr/bin/env bash
# bad-rollout: the rollback-deployment runbook, run headless, rolls
# prod-tokyo's backend back to its healthy revision and the drill reports
# the scenario resolved. Every mutation is in the audit log. Run first with
# its undo replaced by a no-op, it ends FAILED: its wait sees the bad
# ReplicaSet still there although the old replicas stay ready.
. "$(dirname "$0")/../lib/common.sh"
command -v jq >/dev/null || skip "jq missing"

start_drill bad-rollout --speed 20
# The estate's settings, as an operator's config.yaml states them.
mkdir -p "$XDG_CONFIG_HOME/opsdeck"
cat >"$XDG_CONFIG_HOME/opsdeck/config.yaml" <<'YAML'
contexts:
  prod-tokyo: {role: primary, protected: true}
  prod-osaka: {role: dr, protected: true}
  staging: {role: staging}
YAML
server=$(jq -r '.clusters[] | select(.name=="prod-tokyo") | .cluster.server' "$KUBECONFIG")
k() { kubectl --context prod-tokyo --request-timeout=30s "$@"; }
status() {
	curl -sS --max-time 10 -k \
		--cert <(jq -r '.users[] | select(.name=="drill-admin") | .user["client-certificate-data"]' "$KUBECONFIG" | base64 -d) \
		--key <(jq -r '.users[] | select(.name=="drill-admin") | .user["client-key-data"]' "$KUBECONFIG" | base64 -d) \
		"$server/drill/v1/status"
}
bad_image() { k get deploy backend -n production -o jsonpath='{.spec.template.spec.containers[0].image}' | grep -q -- -bad; }
crashing() { k get pods -n production -o json | jq -e '[.items[] | .status.containerStatuses[]? | select(.state.waiting.reason=="CrashLoopBackOff")] | length > 0' >/dev/null; }

wait_for 120 bad_image || fail "the bad rollout never started"
wait_for 120 crashing || fail "no pod crash-looped"
[ "$(status | jq -r .resolved)" = false ] || fail "resolved before anything was done"

runbook_noop_fails rollback-deployment --context prod-tokyo --target deployments/backend \
	-n production --yes
assert_contains "$NOOP_OUT" "FAILED: failed at step 4 (Rolled back: every replica updated and available, none of the old left): timed out"
[ "$(status | jq -r .resolved)" = false ] || fail "resolved by a run that did nothing"

out=$("$OPSDECK" runbook run rollback-deployment --context prod-tokyo \
	--target deployments/backend -n production --yes 2>&1) || {
	printf '%s\n' "$out"; fail "runbook failed"; }
printf '%s\n' "$out"
assert_contains "$out" "rollback to revision"
assert_contains "$out" "type 'prod-tokyo' to confirm" "protected context confirmation"
assert_contains "$out" "runbook rollback-deployment: completed"

bad_image && fail "backend still runs the bad image"
resolved() { status | jq -e '.resolved == true' >/dev/null; }
wait_for 120 resolved ||
	{ status; fail "drill not resolved"; }

audit=$XDG_STATE_HOME/opsdeck/audit.jsonl
/usr/bin/python3 - "$audit" <<'PY' || fail "audit log"
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1])]
undo = [o for o in lines if o["verb"] == "undo" and o.get("phase") == "outcome"]
assert len(undo) == 1, undo
u = undo[0]
assert u["outcome"] == "ok" and u["context"] == "prod-tokyo" and u["origin"] == "runbook", u
assert u["target"] == {"kind": "deployments", "namespace": "production", "name": "backend"}, u
assert "bad" in u["dry_run"] and u["kube_user"] == "drill-admin", u
steps = [o for o in lines if o["verb"] == "runbook-step"]
assert len(steps) == 6 and all(o["outcome"] == "ok" for o in steps), steps
PY
ok "rollback-deployment resolved bad-rollout"

audit_check_intents undo
ok "every request of the run had its intent written first"
