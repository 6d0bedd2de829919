#!/usr/bin/env bash
# Parameters in the console: a revision that is not a number is refused
# before the run starts, one not in the deployment's history ends the run
# FAILED before step one; region-failover, run while the primary is down,
# shows the primary's last known replica counts (kept in the store) as its
# parameters, not the runbook's defaults.
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/console_lib.bash"

command -v jq >/dev/null || skip "jq missing"

# Speed 1: prod-tokyo goes down at t=10 s of simulated time.
start_drill region-outage --speed 1
kubectl --context prod-tokyo --request-timeout=5s scale deploy backend -n production \
	--replicas=6 >/dev/null || fail "cannot scale prod-tokyo backend"
mkdir -p "$XDG_CONFIG_HOME/opsdeck"
printf 'contexts:\n  prod-tokyo: {role: primary}\n  prod-osaka: {role: dr}\n' \
	>"$XDG_CONFIG_HOME/opsdeck/config.yaml"

start_console --kubeconfig "$KUBECONFIG" --context prod-tokyo,prod-osaka
wait_screen 60 "prod-tokyo(primary)"
show_backend
wait_screen 20 "/6 "
cmd "runbook rollback-deployment --param revision=abc"
wait_screen 20 "parameter 'revision' must be a revision number (0: the previous one), not 'abc'"
assert_not_contains "$(screen)" "RUNNING step"
cmd "runbook rollback-deployment --param revision=99"
wait_screen 20 "FAILED: refused before step one: parameter 'revision': production/backend has no revision 99"
assert_contains "$(screen)" "[    ]  1. note"
ok "console: a bad revision is refused before step one"
key Escape

tokyo_down() { ! kubectl --context prod-tokyo --request-timeout=3s get ns >/dev/null 2>&1; }
wait_for 120 tokyo_down || fail "prod-tokyo never went down"
cmd "runbook region-failover @prod-osaka --dry-run"
wait_screen 60 "parameter backend = 6 (last known deployments/production/backend@prod-tokyo replicas)"
assert_contains "$(screen)" "parameter frontend = 3 (last known deployments/production/frontend@prod-tokyo replicas)"
assert_contains "$(screen)" "parameter websocket = 2 (last known"
wait_screen 60 "scale 6 @prod-osaka -n production -t deployments/backend"
ok "region-failover shows the primary's last known replicas as parameters"
quit_console
