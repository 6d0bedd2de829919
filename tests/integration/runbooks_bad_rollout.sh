#!/usr/bin/env bash
# bad-rollout: the rollback-deployment runbook, run headless, rolls
# prod-tokyo's backend back to its healthy revision and the drill reports
# the scenario resolved. Every mutation is in the audit log. Run first with
# its undo replaced by a no-op, it ends FAILED: the deployment's template is
# still the bad revision's although the old replicas stay ready. Run for
# real it waits for the template to be revision 1's, every replica on it,
# and its pods up for 30 s.
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

# The rollback's last wait sees the crash loop of the template's pods: on
# the bad revision it never holds.
cat >"$T/steady.yaml" <<'YAML'
name: steady
title: the bad revision's pods stay up
severity: P3
steps:
  - wait: "deployments/production/backend crashing == 0"
    steady: 10s
    timeout: 30s
YAML
out=$(XDG_STATE_HOME=$T/steady-state "$OPSDECK" runbook run "$T/steady.yaml" --context prod-tokyo 2>&1) &&
	{ printf '%s\n' "$out"; fail "crash-looping pods held steady"; }
assert_contains "$out" "runbook steady FAILED: failed at step 1"
printf '%s\n' "$out" | grep -qE "timed out after 30s: (held [0-9]+s of 10s: )?pods of backend-[a-z0-9]+ crashing = [1-9]" ||
	{ printf '%s\n' "$out"; fail "no crashing pods of the bad ReplicaSet counted"; }
ok "a steady wait on the bad revision's pods fails: they crash"

runbook_noop_fails rollback-deployment --context prod-tokyo --target deployments/backend \
	-n production --yes
assert_contains "$NOOP_OUT" "revision=1 (0: the previous revision)"
assert_contains "$NOOP_OUT" "FAILED: failed at step 4 (The deployment's pod template is revision 1's): timed out"
assert_contains "$NOOP_OUT" "the template is not revision 1's"
[ "$(status | jq -r .resolved)" = false ] || fail "resolved by a run that did nothing"

out=$("$OPSDECK" runbook run rollback-deployment --context prod-tokyo \
	--target deployments/backend -n production --yes 2>&1) || {
	printf '%s\n' "$out"; fail "runbook failed"; }
printf '%s\n' "$out"
assert_contains "$out" "rollback to revision"
assert_contains "$out" "type 'prod-tokyo' to confirm" "protected context confirmation"
assert_contains "$out" "wait ok: The deployment's pod template is revision 1's"
assert_contains "$out" "wait ok: No pod of the rolled-back ReplicaSet crashing for 30s - pods of backend-"
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
assert len(steps) == 8 and all(o["outcome"] == "ok" for o in steps), steps
PY
ok "rollback-deployment resolved bad-rollout"

audit_check_intents undo
ok "every request of the run had its intent written first"

