#!/usr/bin/env bash
# blue-green-switch, canary-abort and restore-from-backup read their change
# back (the Service's selector, the Rollout's status.abort, the restore's
# phase and error count): with their actions replaced by no-ops (a test
# switch) each ends FAILED, where before they ended "completed"; run for
# real on the estate each completes. (No drill scenario is resolved by
# them: these are checked on the estate.)
. "$(dirname "$0")/../lib/common.sh"
command -v jq >/dev/null || skip "jq missing"

start_drill estate --speed 4
k() { kubectl --context prod-tokyo --request-timeout=30s "$@"; }
wait_for 60 k get deploy backend -n production || fail "no backend"

# blue-green: Service shop selecting blue; shop-green ready
k create --validate=false -f - >/dev/null <<'JSON' || fail "cannot create the service"
{"apiVersion":"v1","kind":"Service","metadata":{"name":"shop","namespace":"production"},
 "spec":{"selector":{"app":"shop","color":"blue"},"ports":[{"port":80,"targetPort":3000}]}}
JSON
k create deployment shop-green -n production --image=shop:v2 --replicas=1 >/dev/null ||
	fail "cannot create shop-green"
ready() { [ "$(k get deploy shop-green -n production -o jsonpath='{.status.readyReplicas}')" = 1 ]; }
wait_for 60 ready || fail "shop-green never ready"
bg="blue-green-switch --context prod-tokyo --target services/production/shop --param app=shop --yes"
runbook_noop_fails $bg
assert_contains "$NOOP_OUT" "FAILED: failed at step 4 (The Service selects green): services count = 0 (want == 1)"
out=$("$OPSDECK" runbook run $bg 2>&1) || { printf '%s\n' "$out"; fail "blue-green-switch"; }
assert_contains "$out" "[4/5] check ok: The Service selects green"
[ "$(k get svc shop -n production -o jsonpath='{.spec.selector.color}')" = green ] || fail "not switched"
ok "blue-green-switch reads the Service's selector back"

# canary-abort: a canary paused at its first step
shop_canary_paused '[{"setWeight":20},{"pause":{}}]'
ca="canary-abort --context prod-tokyo --target rollouts/production/shop --yes"
runbook_noop_fails $ca
assert_contains "$NOOP_OUT" "FAILED: failed at step 3 (The rollout says it is aborted): rollouts count = 0 (want == 1)"
out=$("$OPSDECK" runbook run $ca 2>&1) || { printf '%s\n' "$out"; fail "canary-abort"; }
assert_contains "$out" "runbook canary-abort: completed"
[ "$(shop_rollout | jq -r .status.abort)" = true ] || fail "not aborted"
ok "canary-abort reads status.abort back"

# restore-from-backup: an existing backup
backup=$(k get backups.velero.io -n velero -o jsonpath='{.items[0].metadata.name}')
[ -n "$backup" ] || fail "no backup"
rs="restore-from-backup --context prod-tokyo --param backup=$backup --yes"
runbook_noop_fails $rs
assert_contains "$NOOP_OUT" "FAILED: failed at step 3 (The restore has finished): timed out"
out=$("$OPSDECK" runbook run $rs 2>&1) || { printf '%s\n' "$out"; fail "restore-from-backup"; }
assert_contains "$out" "check ok: The restore completed (not PartiallyFailed or Failed)"
assert_contains "$out" "check ok: No errors"
assert_contains "$out" "runbook restore-from-backup: completed"
ok "restore-from-backup waits for the restore and counts its problems"
