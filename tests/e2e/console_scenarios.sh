#!/usr/bin/env bash
# Drill scenarios on the overview and header: bad-rollout shows crash-looping
# pods and the firing alerts; region-outage turns the primary stale or
# unreachable in the header while the other clusters stay live, and the
# overview says how old its data is; kill -9 of the console leaves no drill
# directory behind.
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/console_lib.bash"

# bad-rollout: the fault lands at t=20 (simulated); --speed 4 makes that 5 s
start_console --drill bad-rollout --speed 4
wait_screen 60 "prod-tokyo(primary) live"
# all three on one screen: the pod, the alert, the count on the cluster line
overview_shows_rollout() {
	local s
	s=$(screen)
	echo "$s" | grep -q "prod-tokyo  *pod .*backend-.*CrashLoopBackOff" &&
	echo "$s" | grep -q "prod-tokyo  *alert .*PodCrashLooping *critical firing" &&
	echo "$s" | grep -q "prod-tokyo  *cluster .*alerts firing: [1-9][0-9]* critical"
}
wait_for 150 overview_shows_rollout || { screen >&2; fail "bad rollout not on the overview"; }
ok "bad-rollout: crash loop and firing alert on the overview"
# Enter on the alert line opens the alerts view at that alert
keys "/PodCrashLooping"; key Enter
wait_screen 10 "filter:/PodCrashLooping/"
wait_for 60 sh -c "tmux -L $TMUX_SOCK capture-pane -p -t console | grep -q 'alert .*PodCrashLooping'" ||
	fail "alert line gone"
key g; key Enter
wait_screen 10 "alerts @prod-tokyo"
wait_screen 10 "PodCrashLooping"
ok "overview line opens its detail"
cmd q
wait_exit 30
tm kill-server 2>/dev/null || true

# region-outage: prod-tokyo refuses connections from t=10 (simulated)
start_console --drill region-outage --speed 2
wait_screen 60 "prod-tokyo(primary) live"
end=$((SECONDS + 150))
until header | grep -Eq "prod-tokyo\(primary\) (stale since|unreachable)"; do
	[ $SECONDS -lt $end ] || { screen >&2; fail "prod-tokyo never went stale/unreachable"; }
	sleep 0.5
done
h=$(header)
for c in "prod-osaka(dr) live" "staging(staging) live" "dev(dev) live"; do
	assert_contains "$h" "$c" "header"
done
ok "region-outage: primary $(echo "$h" | grep -Eo 'prod-tokyo\(primary\) (stale since [0-9:]+|unreachable)'), others live"
# stale does not last: it turns unreachable, and the overview's cluster line
# says since when and how old the rows below it are
overview_unreachable() {
	header | grep -q "prod-tokyo(primary) unreachable" &&
	screen | grep -Eq "^prod-tokyo +cluster +primary, unreachable since [0-9:]{8}: data below is from [0-9:]{8}"
}
expect 150 "prod-tokyo never escalated to unreachable on the overview" overview_unreachable
ok "region-outage: stale turns unreachable, the overview says how old the data is"
cmd "ctx"
wait_screen 10 "CONTEXT"
wait_screen 10 "prod-osaka"
s=$(screen)
echo "$s" | grep -Eq "prod-tokyo +primary +(stale|unreachable)" || { echo "$s" >&2; fail "contexts view"; }
ok "contexts view shows the state"
cmd q
wait_exit 30
tm kill-server 2>/dev/null || true

# kill -9 of the console: the drill child stops (parent-death signal) and
# removes its kubeconfig directory
mkdir -p "$T/k9"
CONSOLE_ENV="TMPDIR=$T/k9" start_console --drill estate
wait_screen 90 "prod-tokyo(primary) live"
ls "$T"/k9/opsdeck-drill.*/kubeconfig >/dev/null || fail "no drill kubeconfig under TMPDIR"
drill_child=$(ps --ppid "$CONSOLE_PID" -o pid= | head -n 1 | tr -d ' ')
[ -n "$drill_child" ] || fail "no drill child under the console"
kill -9 "$CONSOLE_PID"
drill_gone() { ! kill -0 "$drill_child" 2>/dev/null; }
expect 60 "drill child still running after kill -9 of the console" drill_gone
dir_gone() { ! ls -d "$T"/k9/opsdeck-drill.* >/dev/null 2>&1; }
expect 30 "drill directory left behind: $(ls -R "$T/k9" 2>&1)" dir_gone
ok "kill -9 of the console: drill stopped and its directory removed"
