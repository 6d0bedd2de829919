#!/usr/bin/env bash
# db-connection-failure: PostgreSQL in prod-tokyo stops accepting
# connections and backend fails readiness. The database-connection-failure
# runbook checks the pooler (pgbouncer) and the database pod first; with its
# changes replaced by no-ops it ends FAILED (the database never answers
# again); run for real, it replaces postgresql-0, waits until the database
# answers, restarts backend, and the drill reports resolved. With the pooler
# down it stops at the pooler.
. "$(dirname "$0")/../lib/common.sh"
command -v jq >/dev/null || skip "jq missing"

start_drill db-connection-failure --speed 20
resolved() { drill_status | jq -e '.resolved == true' >/dev/null; }
backend_unready() { [ "$(kubectl --context prod-tokyo get deploy backend -n production \
	-o jsonpath='{.status.readyReplicas}')" != "$(kubectl --context prod-tokyo get deploy backend \
	-n production -o jsonpath='{.spec.replicas}')" ]; }
# the fault first (at 15 simulated seconds): a backend still starting up is
# unready too, and a run before the fault has nothing to fail on
injected() { drill_status | jq -e '.faults[0].injected != null' >/dev/null; }
wait_for 60 injected || { drill_status; fail "the fault was never injected"; }
wait_for 120 backend_unready || fail "backend never lost readiness"
resolved && fail "resolved before anything was done"

runbook_noop_fails database-connection-failure --context prod-tokyo --yes
# the pooler and the database pod are checked first: the pooler is up, the
# database does not answer (on-failure: continue); with nothing replaced
# the database pod does not come back (or reads ready and never answers)
assert_contains "$NOOP_OUT" "check ok: The pooler is up"
assert_contains "$NOOP_OUT" "check ok: The database pod postgresql-0 exists"
assert_contains "$NOOP_OUT" "check failed: Connectivity: the database answers"
printf '%s\n' "$NOOP_OUT" | grep -qE "FAILED: failed at step (8 \(Database pod ready again\)|9 \(The database answers again\)): timed out" ||
	{ printf '%s\n' "$NOOP_OUT"; fail "the no-op run did not fail on the database"; }
assert_not_contains "$NOOP_OUT" "restart -n production" "the no-op run"
resolved && fail "resolved by a run that did nothing"

out=$("$OPSDECK" runbook run database-connection-failure --context prod-tokyo --yes 2>&1) || {
	printf '%s\n' "$out"; fail "runbook failed"; }
printf '%s\n' "$out"
assert_contains "$out" "wait ok: The database answers again - query = 1"
assert_contains "$out" "check ok: backend's pod template was restarted just now"
assert_contains "$out" "runbook database-connection-failure: completed despite 1 failed step"
wait_for 120 resolved || { drill_status; fail "drill not resolved"; }
ok "database-connection-failure resolved db-connection-failure"
audit_check_intents delete restart

# With the pooler down, the run stops at the pooler, before anything is
# replaced or restarted.
kubectl --context prod-tokyo scale deploy pgbouncer -n production --replicas=0 >/dev/null
kubectl --context prod-tokyo patch deploy pgbouncer -n production --type=merge \
	-p '{"spec":{"replicas":2,"template":{"spec":{"containers":[{"name":"pgbouncer","image":"bitnami/pgbouncer:1.21.0-bad"}]}}}}' >/dev/null
pooler_down() { [ "$(kubectl --context prod-tokyo get deploy pgbouncer -n production -o jsonpath='{.status.readyReplicas}')" != 2 ]; }
wait_for 30 pooler_down || fail "the pooler never went down"
rc=0
out=$(XDG_STATE_HOME=$T/pooler-state "$OPSDECK" runbook run database-connection-failure --context prod-tokyo --yes 2>&1) || rc=$?
[ $rc -ne 0 ] || { printf '%s\n' "$out"; fail "ran on with the pooler down"; }
assert_contains "$out" "FAILED: failed at step 3 (The pooler is up (if not, fix the pooler: the database may be fine))"
assert_not_contains "$out" "delete -n production" "the run with the pooler down"
ok "database-connection-failure stops at a pooler that is down"
