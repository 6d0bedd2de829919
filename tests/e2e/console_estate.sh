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
expect 10 "overview title" line_matches 1 "overview"
wait_screen 10 "CLUSTER"
drill_child=$(ps --ppid "$CONSOLE_PID" -o pid= | head -n 1 | tr -d ' ')
[ -n "$drill_child" ] || fail "no drill child under the console"

# :pods @staging: one cluster, so no CLUSTER column, and only staging rows
cmd "pods @staging"
wait_screen 30 "pods @staging"
expect 30 "no CLUSTER column for one cluster" line_matches 3 "^NAMESPACE +NAME +READY"
expect 30 "staging pods" rows_show "frontend-" "prod-tokyo|prod-osaka"
ok ":pods @staging"

# all clusters, then a regex filter
cmd "pods"
wait_screen 30 "prod-tokyo  production"
keys "/backend"; key Enter
wait_screen 10 "filter:/backend/"
expect 10 "rows filtered by /backend" rows_show "backend-" "frontend-"
ok "/backend filter"
keys "/!backend"; key Enter
wait_screen 10 "filter:/!backend/"
expect 10 "rows filtered by /!backend" rows_show "frontend-" "backend-"
ok "! filter"
keys "/-l app=frontend"; key Enter
wait_screen 10 "filter:/-l app=frontend/"
expect 10 "rows selected by -l app=frontend" rows_show "frontend-" "websocket-|backend-"
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
two_marked() { [ "$(screen | grep -c '^\* ')" -eq 2 ]; }
expect 10 "two marked rows" two_marked
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
expect 10 "yaml title" line_matches 1 "yaml pods/production/backend-"
ok "yaml view"
key Escape
wait_screen 10 "pods @prod-tokyo"

# Enter on a pod: its log
key Enter
wait_screen 10 "logs production/backend-"
wait_screen 60 "[Nest]"
ok "logs on Enter"
# p: the previous container's log; this pod never restarted, so say so
# (the server's message or its empty answer), never "following"
key p
wait_screen 30 "(previous)"
wait_screen 30 "-- no previous log"
expect 10 "previous log is not following" sh -c "! tmux -L $TMUX_SOCK capture-pane -p -t console | grep -q following"
expect 10 "previous log label" line_matches_any " 0 lines  previous log  "
ok "previous log of a pod that never restarted"
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
wait_screen 10 "command-prompt"
wait_screen 10 "filter-prompt"
wait_screen 10 "Enter      enter"
ok "help"
key Escape

# resize to 80x24 and back
cmd "pods"
wait_screen 30 "prod-tokyo  production"
tm resize-window -t console -x 80 -y 24
small_layout() {
	local s
	s=$(screen)
	[ "$(echo "$s" | wc -l)" -le 24 ] &&
	echo "$s" | grep -q "NAME.*READY.*STATUS" &&
	echo "$s" | grep -q "prod-to[^ ]*  kube-sy[^ ]*  coredns-[a-z0-9]*-[a-z0-9]\{5\}  " &&
	echo "$s" | grep -q "dev(dev) live"
}
expect 10 "usable layout at 80x24" small_layout
s=$(screen)
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
