#!/usr/bin/env bash
# applies-to is enforced: rollback-deployment (for deployments) refuses the
# overview's cluster line (its target is the cluster's Velero schedule), a
# CronJob and no target at all, naming what it applies to, in the console
# and headless; nothing runs and nothing is audited as a step. :runbook
# without a name opens the runbooks view, those for the selection first,
# and the prompt completes only those.
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/console_lib.bash"

command -v jq >/dev/null || skip "jq missing"

start_drill estate --speed 4
mkdir -p "$XDG_CONFIG_HOME/opsdeck"
printf 'contexts:\n  prod-tokyo: {role: primary}\n' >"$XDG_CONFIG_HOME/opsdeck/config.yaml"
audit=$XDG_STATE_HOME/opsdeck/audit.jsonl
what="applies to deployments"
alerts="(and the alerts HighErrorRate, PodCrashLooping, HighLatency, HighAPILatency)"

start_console --kubeconfig "$KUBECONFIG" --context prod-tokyo
wait_screen 60 "prod-tokyo(primary) live"
# The overview's first line is prod-tokyo's cluster line.
cmd "runbook rollback-deployment --param revision=1"
wait_screen 20 "refused: runbook rollback-deployment $what, not schedules velero/daily-production"
assert_not_contains "$(screen)" "RUNNING step"
ok "console: the cluster line (a Velero schedule) is refused"

cmd "cronjobs @prod-tokyo -A"
wait_screen 30 "0 * * * *"
cmd "runbook"
wait_screen 10 "runbooks for cronjobs "
# the runbooks view: those for the selection marked "yes" and first
yes_rows() { screen | grep -E "^yes +[a-z]" || true; }
[ -n "$(screen | grep -E "^     [a-z]")" ] || { screen >&2; fail "no others listed for a CronJob"; }
case $(yes_rows) in *rollback-deployment*) screen >&2; fail "rollback-deployment offered for a CronJob" ;; esac
case $(yes_rows) in *region-failover*) ;; *) screen >&2; fail "region-failover (any selection) not first" ;; esac
key Escape
wait_gone 10 "runbooks for cronjobs "
cmd "runbook rollback-deployment"
wait_screen 20 "refused: runbook rollback-deployment $what, not cronjobs "
ok "console: a CronJob is refused, the list puts what applies first"

show_backend
cmd "runbook"
wait_screen 10 "runbooks for deployments production/backend"
case $(yes_rows) in *rollback-deployment*) ;; *) screen >&2; fail "rollback-deployment not first for a deployment" ;; esac
case $(yes_rows) in *silence-for-maintenance*) screen >&2; fail "silence-for-maintenance offered first" ;; esac
key Escape
wait_gone 10 "runbooks for deployments"
# completion: only what applies to the deployment
keys ":runbook re"; key Tab; key Tab
expect 10 "completion offers restart-crashlooping" line_matches_any "restart-crashlooping"
assert_not_contains "$(screen | tail -2)" "restore-from-backup"
key Escape
quit_console

# headless: a CronJob target and no target are refused before step one
out=$("$OPSDECK" runbook run rollback-deployment --context prod-tokyo \
	--target cronjobs/production/backup --yes 2>&1) && fail "a CronJob target ran"
assert_contains "$out" "refused: runbook rollback-deployment $what, not cronjobs production/backup $alerts"
out=$("$OPSDECK" runbook run rollback-deployment --context prod-tokyo --yes 2>&1) &&
	fail "no target ran"
assert_contains "$out" "refused: runbook rollback-deployment $what $alerts; nothing of that kind is selected"
if [ -e "$audit" ]; then
	! grep -q '"runbook":"rollback-deployment"' "$audit" || fail "a refused run left audit records"
fi
ok "headless: a CronJob and no target are refused, nothing audited"
