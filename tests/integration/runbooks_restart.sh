#!/usr/bin/env bash
# restart-crashlooping and high-memory-usage read their restart back (the
# pod template's restartedAt, fresh) before waiting for its rollout, and
# high-memory-usage reads its scale back: with their action and exec steps
# replaced by no-ops (a test switch) both end FAILED, where every replica
# being ready proved nothing. Run for real on the estate's backend, both
# complete and the restart and the new count are on the deployment. (No
# drill scenario resolves by a restart: these are checked on the estate.)
. "$(dirname "$0")/../lib/common.sh"
command -v jq >/dev/null || skip "jq missing"

start_drill estate --speed 4
k() { kubectl --context prod-tokyo --request-timeout=30s "$@"; }
restarted() { k get deploy backend -n production \
	-o jsonpath='{.spec.template.metadata.annotations.kubectl\.kubernetes\.io/restartedAt}'; }
wait_for 60 k get deploy backend -n production || fail "no backend"
[ -z "$(restarted)" ] || fail "backend restarted before the test"
target="--context prod-tokyo --target deployments/production/backend --yes"

runbook_noop_fails restart-crashlooping $target
assert_contains "$NOOP_OUT" "FAILED: failed at step 4 (The pod template was restarted just now): deployments restarted-age = 1e+12 (want < 600)"
runbook_noop_fails high-memory-usage $target --param replicas=7
assert_contains "$NOOP_OUT" "FAILED: failed at step 4 (The pod template was restarted just now)"
[ -z "$(restarted)" ] && [ "$(k get deploy backend -n production -o jsonpath='{.spec.replicas}')" != 7 ] ||
	fail "a no-op run changed backend"

out=$("$OPSDECK" runbook run restart-crashlooping $target 2>&1) || { printf '%s\n' "$out"; fail "restart-crashlooping"; }
assert_contains "$out" "runbook restart-crashlooping: completed"
[ -n "$(restarted)" ] || fail "no restartedAt on backend"
ok "restart-crashlooping restarted backend and saw it roll out"

out=$("$OPSDECK" runbook run high-memory-usage $target --param replicas=7 2>&1) ||
	{ printf '%s\n' "$out"; fail "high-memory-usage"; }
# kubectl top may have no metrics to show: that step says on-failure: continue
case $out in *"runbook high-memory-usage: completed ("* | \
	*"runbook high-memory-usage: completed despite 1 failed step (on-failure: continue; first: step 1,"*) ;;
	*) printf '%s\n' "$out"; fail "high-memory-usage did not complete" ;; esac
[ "$(k get deploy backend -n production -o jsonpath='{.spec.replicas}')" = 7 ] || fail "backend not at 7"
ok "high-memory-usage restarted and scaled backend, and saw both"
