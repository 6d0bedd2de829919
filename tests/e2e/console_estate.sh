#!/usr/bin/env bash
# The console on the drill estate: all four clusters live with their roles,
# the overview, :pods @cluster, / filters (regex, !, -l), sort, marks, YAML,
# logs on drill-down, help, resize to 80x24 and back, :q stops the drill.
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/console_lib.bash"

start_console --drill estate
for c in "prod-tokyo(primary) live" "prod-osaka(dr) live" "staging(staging) live" "dev(dev) live"; do
	wait_screen 90 "$c"
done
ok "four clusters live with roles"
assert_contains "$(screen | sed -n 1p)" "overview"
assert_contains "$(screen)" "CLUSTER"
drill_child=$(ps --ppid "$CONSOLE_PID" -o pid= | head -n 1 | tr -d ' ')
[ -n "$drill_child" ] || fail "no drill child under the console"

# :pods @staging: one cluster, so no CLUSTER column, and only staging rows
cmd "pods @staging"
wait_screen 30 "pods @staging"
wait_screen 30 "frontend-"
s=$(screen)
assert_not_contains "$(echo "$s" | sed -n 3p)" "CLUSTER" "single-cluster header"
assert_contains "$(echo "$s" | sed -n 3p)" "NAME"
ok ":pods @staging"

# all clusters, then a regex filter
cmd "pods"
wait_screen 30 "prod-tokyo  production"
keys "/backend"; key Enter
wait_screen 10 "filter:/backend/"
s=$(screen | sed -n '4,46p')
assert_contains "$s" "backend-"
assert_not_contains "$s" "frontend-" "filtered rows"
ok "/backend filter"
keys "/!backend"; key Enter
wait_screen 10 "filter:/!backend/"
s=$(screen | sed -n '4,46p')
assert_contains "$s" "frontend-"
assert_not_contains "$s" "backend-" "inverted filter rows"
ok "! filter"
keys "/-l app=frontend"; key Enter
wait_screen 10 "filter:/-l app=frontend/"
s=$(screen | sed -n '4,46p')
assert_contains "$s" "frontend-"
assert_not_contains "$s" "websocket-" "label-selected rows"
ok "-l label filter"
key Escape
wait_gone 10 "filter:/"

# sort by name, then reverse
key N
wait_screen 10 "NAME↑"
key N
wait_screen 10 "NAME↓"
cmd "sort AGE"
wait_screen 10 "AGE↑"
ok "sort"

# marks across clusters
key g; key Space; key Space
wait_screen 10 "marked:2"
[ "$(screen | grep -c '^\* ')" -eq 2 ] || { screen >&2; fail "two marked rows expected"; }
cmd "clear-marks"
wait_gone 10 "marked:"
ok "marks"

# YAML of the selected pod
cmd "pods @prod-tokyo"
wait_screen 30 "pods @prod-tokyo"
keys "/backend"; key Enter
wait_screen 10 "filter:/backend/"
key g; key y
wait_screen 30 "apiVersion: v1"
wait_screen 10 "kind: Pod"
assert_contains "$(screen | sed -n 1p)" "yaml pods/production/backend-"
ok "yaml view"
key Escape
wait_screen 10 "pods @prod-tokyo"

# Enter on a pod: its log
key Enter
wait_screen 10 "logs production/backend-"
wait_screen 60 "[Nest]"
ok "logs on Enter"
key Escape

# deployment → its pods → logs
cmd "deploy @prod-tokyo"
wait_screen 30 "revision history:"
keys "/production backend "; key Enter
wait_screen 10 "filter:"
key g; key Enter
wait_screen 10 "of deployments/backend"
wait_screen 30 "backend-"
ok "deployment drill-down"

# help lists bound keys and commands
key '?'
wait_screen 10 "KEYS"
s=$(screen)
assert_contains "$s" "command-prompt"
assert_contains "$s" "filter-prompt"
assert_contains "$s" "Enter"
ok "help"
key Escape

# resize to 80x24 and back
cmd "pods"
wait_screen 30 "prod-tokyo  production"
tm resize-window -t console -x 80 -y 24
wait_screen 10 "pods ["
s=$(screen)
[ "$(echo "$s" | wc -l)" -le 24 ] || fail "more than 24 lines at 80x24"
echo "$s" | grep -q "NAME.*READY.*STATUS" || { echo "$s" >&2; fail "no column header at 80x24"; }
assert_contains "$s" "prod-tokyo  kube-system"
assert_contains "$s" "dev(dev) live"
[ "$(echo "$s" | LC_ALL=C.UTF-8 wc -L)" -le 80 ] || fail "line wider than 80 columns"
tm resize-window -t console -x 160 -y 48
wait_screen 10 "RESTARTS"
ok "resize 80x24 and back"

# an action key whose command is not registered says so
key u
wait_screen 10 "undo"
if screen | grep -q "undo: not available"; then
	ok "unregistered action key says not available"
fi

# :q quits and stops the drill child
cmd q
wait_exit 30
if kill -0 "$drill_child" 2>/dev/null; then fail "drill child $drill_child still running"; fi
ok "quit stops the drill"
