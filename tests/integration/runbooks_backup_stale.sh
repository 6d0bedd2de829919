#!/usr/bin/env bash
# backup-stale: the newest good backup is older than the RPO; the
# backup-now-and-verify runbook creates a Velero backup from the schedule
# (named SCHEDULE-<UTC timestamp>, labelled with the schedule), waits for it
# to complete and the drill reports resolved. With its backup-now replaced
# by a no-op it ends FAILED: the newest good backup stays too old.
. "$(dirname "$0")/../lib/common.sh"
command -v jq >/dev/null || skip "jq missing"

# (at 4x the scenario's 10 minutes of failing backup jobs last 150 s: no
# scheduled backup can succeed while the no-op run waits, as one did at 20x)
start_drill backup-stale --speed 4
server=$(jq -r '.clusters[] | select(.name=="prod-tokyo") | .cluster.server' "$KUBECONFIG")
status() {
	curl -sS --max-time 10 -k \
		--cert <(jq -r '.users[] | select(.name=="drill-admin") | .user["client-certificate-data"]' "$KUBECONFIG" | base64 -d) \
		--key <(jq -r '.users[] | select(.name=="drill-admin") | .user["client-key-data"]' "$KUBECONFIG" | base64 -d) \
		"$server/drill/v1/status"
}
resolved() { status | jq -e '.resolved == true' >/dev/null; }
k() { kubectl --context prod-tokyo --request-timeout=30s "$@"; }

wait_for 60 sh -c "kubectl --context prod-tokyo get schedules.velero.io -n velero daily-production >/dev/null" ||
	fail "no schedule daily-production"
resolved && fail "resolved before anything was done"
before=$(k get backups.velero.io -n velero -o json | jq '.items | length')

runbook_noop_fails backup-now-and-verify --context prod-tokyo -n velero --yes
assert_contains "$NOOP_OUT" "FAILED: failed at step 3 (The newest good backup is within the RPO): timed out"
resolved && fail "resolved by a run that did nothing"

out=$("$OPSDECK" runbook run backup-now-and-verify --context prod-tokyo -n velero --yes 2>&1) || {
	printf '%s\n' "$out"; fail "runbook failed"; }
printf '%s\n' "$out"
assert_contains "$out" "create backup velero/daily-production-"
assert_contains "$out" "runbook backup-now-and-verify: completed"

json=$(k get backups.velero.io -n velero -o json)
[ "$(printf '%s' "$json" | jq '.items | length')" -gt "$before" ] || fail "no new backup"
name=$(printf '%s' "$json" | jq -r '[.items[] | select(.metadata.labels["velero.io/schedule-name"]=="daily-production")] | sort_by(.metadata.creationTimestamp) | last | .metadata.name')
case $name in daily-production-2[0-9][0-9][0-9][01][0-9][0-3][0-9][0-2][0-9][0-5][0-9][0-5][0-9]) ;;
	*) fail "backup name '$name' is not daily-production-YYYYMMDDhhmmss" ;; esac
[ "$(k get backups.velero.io -n velero "$name" -o jsonpath='{.status.phase}')" = Completed ] ||
	fail "backup $name did not complete"
[ "$(k get backups.velero.io -n velero "$name" -o json | jq -c '.spec.includedNamespaces')" = '["production"]' ] ||
	fail "backup spec is not the schedule's template"
wait_for 120 resolved || { status; fail "drill not resolved"; }
ok "backup-now-and-verify fixed backup-stale ($name)"

# No config.yaml here: {{role:...}} comes from the drill's own status.
out=$("$OPSDECK" runbook run region-failover --context prod-osaka --dry-run 2>&1) ||
	{ printf '%s\n' "$out"; fail "region-failover dry run"; }
assert_contains "$out" "Failover started: prod-tokyo -> prod-osaka"
assert_contains "$out" "dry run: would run: scale 5 @prod-osaka -n production -t deployments/backend"
ok "roles from the drill without a config"

audit_check_intents backup-now
ok "every request of the run had its intent written first"
