#!/usr/bin/env bash
# db-connection-failure: PostgreSQL in prod-tokyo stops accepting
# connections and backend fails readiness. The database-connection-failure
# runbook, with its pod replacement replaced by a no-op, ends FAILED (the
# database never gets ready); run for real, it replaces postgresql-0, waits for the
# database and backend, and the drill reports resolved.
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
# the database pod may still read ready while it refuses connections; the
# backend does not come back: one of the two waits times out
printf '%s\n' "$NOOP_OUT" | grep -qE "FAILED: failed at step (5 \(Database ready again\)|6 \(backend ready again\)): timed out" ||
	{ printf '%s\n' "$NOOP_OUT"; fail "the no-op run did not fail on a wait"; }
resolved && fail "resolved by a run that did nothing"

out=$("$OPSDECK" runbook run database-connection-failure --context prod-tokyo --yes 2>&1) || {
	printf '%s\n' "$out"; fail "runbook failed"; }
assert_contains "$out" "runbook database-connection-failure: completed"
wait_for 120 resolved || { drill_status; fail "drill not resolved"; }
ok "database-connection-failure resolved db-connection-failure"
audit_check_intents delete
