#!/usr/bin/env bash
# blue-green-switch, canary-abort and restore-from-backup read their change
# back (the Service's selector and the endpoints behind it, the Rollout's
# status.abort, the restore's phase and error count): with their actions replaced by no-ops (a test
# switch) each ends FAILED, where before they ended "completed"; run for
# real on the estate each completes. (No drill scenario is resolved by
# them: these are checked on the estate.)
. "$(dirname "$0")/../lib/common.sh"
command -v jq >/dev/null || skip "jq missing"

start_drill estate --speed 4
k() { kubectl --context prod-tokyo --request-timeout=30s "$@"; }
wait_for 60 k get deploy backend -n production || fail "no backend"

# blue-green: Service shop selecting blue; shop-blue and shop-green
# (labels app=shop and their colour) ready
k create --validate=false -f - >/dev/null <<'JSON' || fail "cannot create the service"
{"apiVersion":"v1","kind":"Service","metadata":{"name":"shop","namespace":"production"},
 "spec":{"selector":{"app":"shop","color":"blue"},"ports":[{"port":80,"targetPort":3000}]}}
JSON
for color in blue green; do
	k create --validate=false -f - >/dev/null <<JSON || fail "cannot create shop-$color"
{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"shop-$color","namespace":"production"},
 "spec":{"replicas":2,"selector":{"matchLabels":{"app":"shop","color":"$color"}},
  "template":{"metadata":{"labels":{"app":"shop","color":"$color"}},
   "spec":{"containers":[{"name":"shop","image":"shop:$color","ports":[{"containerPort":3000}]}]}}}}
JSON
done
ready() { [ "$(k get deploy "shop-$1" -n production -o jsonpath='{.status.readyReplicas}')" = 2 ]; }
wait_for 60 ready blue && wait_for 60 ready green || fail "shop never ready"
# endpoint pods of the Service, by the colour in their names
ep_pods() { k get endpoints shop -n production -o json |
	jq -r '[.subsets[]?.addresses[]?.targetRef.name | sub("-[a-z0-9]+-[a-z0-9]+$"; "")] | unique | join(",")'; }
wait_for 30 sh -c "[ \"\$(kubectl --context prod-tokyo get endpoints shop -n production -o jsonpath='{.subsets[0].addresses[*].targetRef.name}' | wc -w)\" = 2 ]" ||
	fail "the Service's endpoints never listed the blue pods"
[ "$(ep_pods)" = shop-blue ] || fail "endpoints before the switch: $(ep_pods)"
bg="blue-green-switch --context prod-tokyo --target services/production/shop --param app=shop --yes"
runbook_noop_fails $bg
assert_contains "$NOOP_OUT" "FAILED: failed at step 4 (The Service selects green): services count = 0 (want == 1)"
out=$("$OPSDECK" runbook run $bg 2>&1) || { printf '%s\n' "$out"; fail "blue-green-switch"; }
assert_contains "$out" "[4/7] check ok: The Service selects green"
assert_contains "$out" "[5/7] wait ok: The Service's endpoints are shop-green pods - endpoints addresses-of:shop-green = 2"
assert_contains "$out" "[6/7] wait ok: No endpoint left on another colour - endpoints addresses-not-of:shop-green = 0"
[ "$(k get svc shop -n production -o jsonpath='{.spec.selector.color}')" = green ] || fail "not switched"
[ "$(ep_pods)" = shop-green ] || fail "endpoints after the switch: $(ep_pods)"
ok "blue-green-switch reads the Service's selector and its endpoints back"
# the drill's endpoints go with their Service
k delete svc shop -n production >/dev/null
ep_gone() { ! k get endpoints shop -n production >/dev/null 2>&1; }
wait_for 30 ep_gone || fail "the Service's endpoints outlived it"

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

# With the backup storage location failing, a restore ends PartiallyFailed
# (2 errors, 1 warning): restore-from-backup ends FAILED with the phase and
# the counts, not "completed".
kill "$DRILL_PID"; wait "$DRILL_PID" 2>/dev/null || true
rm -f "$KUBECONFIG"
cat >"$T/restore-fail.yaml" <<'YAML'
base: estate
name: restore-fail
description: The backup storage location answers with errors.
faults:
  - {at: 0, action: backup-fail, target: prod-tokyo, mode: velero, duration: 1h}
YAML
start_drill "$T/restore-fail.yaml" --speed 4
wait_for 60 k get backups.velero.io -n velero || fail "no backups"
# a backup that completed before the fault
backup=$(k get backups.velero.io -n velero -o json |
	jq -r '[.items[] | select(.status.phase == "Completed")][0].metadata.name')
[ -n "$backup" ] && [ "$backup" != null ] || fail "no completed backup"
rc=0
out=$(XDG_STATE_HOME=$T/pf-state "$OPSDECK" runbook run restore-from-backup --context prod-tokyo \
	--param backup="$backup" --yes 2>&1) || rc=$?
[ $rc -ne 0 ] || { printf '%s\n' "$out"; fail "a PartiallyFailed restore completed"; }
# the restore action follows its Restore to the end and counts its problems
assert_contains "$out" "FAILED: failed at step 2 (Create the restore): failed: Restore phase PartiallyFailed (2 errors, 1 warnings)"
[ "$(k get restores.velero.io -n velero -o jsonpath='{.items[0].status.phase}/{.items[0].status.errors}')" = PartiallyFailed/2 ] ||
	fail "restore: $(k get restores.velero.io -n velero -o json | jq -c '.items[0].status')"
ok "a PartiallyFailed restore fails restore-from-backup"
