#!/usr/bin/env bash
# silence-for-maintenance reads its silence back from Alertmanager (one in
# force whose matchers name the alert) and waits until the alert stops
# notifying. With its action a no-op it ends FAILED, where before it ended
# "completed" after creating nothing; run for real on bad-rollout's
# crash-looping backend it silences PodCrashLooping.
. "$(dirname "$0")/../lib/common.sh"
command -v jq >/dev/null || skip "jq missing"

start_drill bad-rollout --speed 20
am() {
	kubectl --context prod-tokyo --request-timeout=20s get --raw \
		"/api/v1/namespaces/monitoring/services/alertmanager:9093/proxy/api/v2/$1"
}
firing() { am alerts | jq -e '[.[] | select(.labels.alertname=="PodCrashLooping" and .status.state=="active")] | length > 0' >/dev/null; }
wait_for 120 firing || fail "PodCrashLooping never fired"

sm="silence-for-maintenance --context prod-tokyo --param alertname=PodCrashLooping --param duration=30m --yes"
runbook_noop_fails $sm
assert_contains "$NOOP_OUT" "FAILED: failed at step 2 (Alertmanager has a silence in force for PodCrashLooping): silences active = 0 (want >= 1)"
[ "$(am silences | jq length)" = 0 ] || fail "the no-op run created a silence"
firing || fail "PodCrashLooping stopped firing with nothing done"

out=$("$OPSDECK" runbook run $sm 2>&1) || { printf '%s\n' "$out"; fail "silence-for-maintenance"; }
printf '%s\n' "$out"
assert_contains "$out" "[2/4] check ok: Alertmanager has a silence in force for PodCrashLooping"
assert_contains "$out" "[3/4] wait ok: PodCrashLooping no longer notifies"
assert_contains "$out" "runbook silence-for-maintenance: completed"
am silences | jq -e '[.[] | select(.status.state=="active" and .comment=="planned maintenance")
	| .matchers[] | select(.name=="alertname" and .value=="PodCrashLooping")] | length == 1' >/dev/null ||
	{ am silences; fail "no active silence for PodCrashLooping"; }
firing && fail "PodCrashLooping still notifies"
ok "silence-for-maintenance reads its silence back and sees the alert quiet"
