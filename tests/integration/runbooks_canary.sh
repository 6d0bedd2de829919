#!/usr/bin/env bash
# canary-promote reads the step its Rollout is paused at before the run and
# waits until the rollout has moved past it with every replica ready: with
# its promote a no-op it ends FAILED, where before it ended "completed";
# run for real it takes the canary from 20 % to its next pause at 50 %,
# and with full=yes makes the canary stable. The Istio canary runbooks
# likewise read the VirtualService's weights back (below).
. "$(dirname "$0")/../lib/common.sh"
command -v jq >/dev/null || skip "jq missing"

start_drill estate --speed 4
k() { kubectl --context prod-tokyo --request-timeout=30s "$@"; }
wait_for 60 k get deploy backend -n production || fail "no backend"

shop_canary_paused '[{"setWeight":20},{"pause":{}},{"setWeight":50},{"pause":{}}]'
[ "$(shop_rollout | jq -r .status.currentStepIndex)" = 1 ] || fail "not paused at step 1"
cp="canary-promote --context prod-tokyo --target rollouts/production/shop --yes"
runbook_noop_fails $cp
assert_contains "$NOOP_OUT" "step=1 (rollouts/production/shop status.currentStepIndex, read now)"
assert_contains "$NOOP_OUT" "FAILED: failed at step 5 (The rollout moved past step 1): timed out"
[ "$(shop_rollout | jq -r .status.currentStepIndex)" = 1 ] || fail "the no-op run moved the canary"

out=$("$OPSDECK" runbook run $cp 2>&1) || { printf '%s\n' "$out"; fail "canary-promote"; }
printf '%s\n' "$out"
assert_contains "$out" "wait ok: The rollout moved past step 1"
assert_contains "$out" "runbook canary-promote: completed"
s=$(shop_rollout | jq -c .status)
[ "$(jq -r .currentStepIndex <<<"$s")" -ge 2 ] || fail "not past step 1: $s"
[ "$(jq -r .canary.weights.canary.weight <<<"$s")" = 50 ] || fail "canary weight not 50: $s"
ok "canary-promote takes the canary to its next step"

paused3() { [ "$(shop_rollout | jq -r '.status.phase + "/" + (.status.currentStepIndex|tostring)')" = Paused/3 ]; }
wait_for 60 paused3 || { shop_rollout | jq .status; fail "never paused at step 3"; }
out=$("$OPSDECK" runbook run $cp --param full=yes 2>&1) || { printf '%s\n' "$out"; fail "canary-promote full"; }
assert_contains "$out" "step=3 (rollouts/production/shop status.currentStepIndex, read now)"
assert_contains "$out" "runbook canary-promote: completed"
s=$(shop_rollout | jq -c .status)
[ "$(jq -r .stableRS <<<"$s")" = "$(jq -r .currentPodHash <<<"$s")" ] || fail "canary not stable: $s"
ok "canary-promote full=yes makes the canary stable"

# The estate's Istio canary: 95/5 stable/canary, x-canary: true forces the
# canary. canary-weight-abort and canary-weight-shift read the weights back:
# with their action a no-op each ends FAILED; run for real, abort gives
# stable 100 and the shift 0/100, the header's route untouched.
k create --validate=false -f - >/dev/null <<'JSON' || fail "cannot create the virtualservice"
{"apiVersion":"networking.istio.io/v1beta1","kind":"VirtualService",
 "metadata":{"name":"shop","namespace":"production"},
 "spec":{"hosts":["shop"],"http":[
   {"match":[{"headers":{"x-canary":{"exact":"true"}}}],
    "route":[{"destination":{"host":"shop","subset":"canary"}}]},
   {"route":[{"destination":{"host":"shop","subset":"stable"},"weight":95},
             {"destination":{"host":"shop","subset":"canary"},"weight":5}]}]}}
JSON
weights() { k get virtualservices.networking.istio.io shop -n production -o json |
	jq -c '[.spec.http[] | [.route[] | {(.destination.subset): .weight}] | add]'; }
vs="--context prod-tokyo --target virtualservices/production/shop --yes"
runbook_noop_fails canary-weight-abort $vs
assert_contains "$NOOP_OUT" "FAILED: failed at step 4 (The canary gets no traffic): virtualservices canary-weight = 5 (want == 0)"
[ "$(weights)" = '[{"canary":null},{"stable":95,"canary":5}]' ] || fail "the no-op run changed $(weights)"
out=$("$OPSDECK" runbook run canary-weight-abort $vs 2>&1) || { printf '%s\n' "$out"; fail "canary-weight-abort"; }
assert_contains "$out" "check ok: The stable subset gets all of it - virtualservices stable-weight = 100"
[ "$(weights)" = '[{"canary":null},{"stable":100,"canary":0}]' ] || fail "abort left $(weights)"
ok "canary-weight-abort sends the VirtualService's traffic back to stable"

runbook_noop_fails canary-weight-shift $vs
assert_contains "$NOOP_OUT" "FAILED: failed at step 5 (The canary gets 100%): virtualservices canary-weight = 0 (want == 100)"
out=$("$OPSDECK" runbook run canary-weight-shift $vs 2>&1) || { printf '%s\n' "$out"; fail "canary-weight-shift"; }
assert_contains "$out" "runbook canary-weight-shift: completed"
[ "$(weights)" = '[{"canary":null},{"stable":0,"canary":100}]' ] || fail "shift left $(weights)"
ok "canary-weight-shift takes the VirtualService to 0/100"
