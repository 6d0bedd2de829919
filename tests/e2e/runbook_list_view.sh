#!/usr/bin/env bash
# ":runbook" with no name lists the runbooks in a view, whole (the status
# line once cut the list after ~10 names at 160 columns): those for the
# selection first and marked, each with its key, title and what it applies
# to. Enter runs the one picked on the selection underneath.
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/console_lib.bash"

start_drill estate --speed 4
start_console --kubeconfig "$KUBECONFIG" --context prod-tokyo
wait_screen 60 "live"
show_backend
expect 30 "backend selected" line_matches_any "^backend +[0-9]+/[0-9]+"
cmd "runbook"
wait_screen 10 "runbooks for deployments production/backend"
# every shipped runbook is listed, none cut off
for f in runbooks/*.yaml; do
	n=$(basename "$f" .yaml)
	screen | grep -qE "^ *(yes)? +$n " || { screen >&2; fail "$n not listed"; }
done
line_matches_any "^yes +rollback-deployment +U +Roll back" || { screen >&2; fail "rollback-deployment not marked for the deployment"; }
if line_matches_any "^yes +backup-now-and-verify"; then screen >&2; fail "a backup runbook marked for a deployment"; fi
# those for the selection come first
first_other=$(screen | grep -m1 -nE "^     [a-z]" | cut -d: -f1)
last_yes=$(screen | grep -nE "^yes " | tail -1 | cut -d: -f1)
[ "$last_yes" -lt "$first_other" ] || { screen >&2; fail "runbooks for the selection not first"; }
ok "every runbook listed, those for the deployment first"

# pick rollback-deployment: it runs on backend
keys "/rollback"; key Enter
expect 10 "one row left" line_matches_any "^yes +rollback-deployment"
key Enter
wait_screen 20 "rollback-deployment"
expect 20 "the run targets backend" line_matches_any "backend"
ok "Enter runs the picked runbook on the selection"
key x
quit_console
