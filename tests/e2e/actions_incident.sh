#!/usr/bin/env bash
# An incident in the console during the bad-rollout drill: :incident open,
# the firing alerts land in its timeline, :note adds a note, `u` rolls back,
# :incident close records the drill score (with the first view that showed
# the fault); `opsdeck incident export` writes
# the Markdown timeline with all of it, `opsdeck incident list` lists it.
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/console_lib.bash"

command -v jq >/dev/null || skip "jq missing"

start_drill bad-rollout --speed 4
mkdir -p "$XDG_CONFIG_HOME/opsdeck"
printf 'contexts:\n  prod-tokyo: {role: primary}\n' >"$XDG_CONFIG_HOME/opsdeck/config.yaml"
bad() { kubectl --context prod-tokyo get deploy backend -n production \
	-o jsonpath='{.spec.template.spec.containers[0].image}' | grep -q -- -bad; }
wait_for 120 bad || fail "the bad rollout never started"

start_console --kubeconfig "$KUBECONFIG" --context prod-tokyo
wait_screen 60 "prod-tokyo(primary) live"
wait_screen 120 "PodCrashLooping"
cmd 'incident open P1 "backend crash loop after release"'
wait_screen 10 "opened (P1): backend crash loop after release"
id=$("$OPSDECK" incident current) || fail "no current incident"
cmd "note rolling back backend to the previous release"
wait_screen 10 "noted"
show_backend
key u
wait_screen 30 "rollback to revision"
# prod-tokyo is protected (the drill's kubeconfig says so): its name is typed
wait_screen 10 "type prod-tokyo"
keys "prod-tokyo"; key Enter
wait_screen 120 "undo prod-tokyo production/backend: done"
key Escape
cmd "incident close rolled back"
wait_screen 30 "incident $id closed"
quit_console

md=$("$OPSDECK" incident export "$id")
printf '%s\n' "$md"
assert_contains "$md" "# Incident $id (P1): backend crash loop after release"
assert_contains "$md" "| alert | "
assert_contains "$md" "PodCrashLooping firing"
assert_contains "$md" "| note | "
assert_contains "$md" "rolling back backend to the previous release"
assert_contains "$md" "| action | "
assert_contains "$md" "undo prod-tokyo/deployments/backend"
assert_contains "$md" "- Closed: "
echo "$md" | grep -Eq -- "- Drill: bad-rollout: fault at .*first action \+[0-9.hms]+" ||
	fail "no drill score"
# detection: the deployments view opened after the fault, judged by the drill
echo "$md" | grep -Eq -- "- Drill: .*first relevant view \+[0-9.hms]+ \(deployments @prod-tokyo ns:production\), incident opened" ||
	fail "no first relevant view in the drill score"
list=$("$OPSDECK" incident list)
assert_contains "$list" "$id"
assert_contains "$list" "closed"
ok "incident timeline with alerts, note, action and drill score"
