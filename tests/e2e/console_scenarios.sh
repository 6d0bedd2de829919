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
# describe fetches the pod's own events (the events view was never opened),
# in kubectl's columns; labels as "Labels:  k=v" with the rest under it
cmd "pods @prod-tokyo"
keys "/CrashLoop"; key Enter
wait_screen 10 "filter:/CrashLoop/"
wait_screen 60 "CrashLoopBackOff"
key g; key d
wait_screen 30 "Annotations:"
expect 10 "describe labels" line_matches_any "^Labels: +[a-z0-9.-]+=[^ ]+$"
describe_events() {
	local s
	key G
	s=$(screen)
	echo "$s" | grep -Eq "^  Type +Reason +Age +From +Message" &&
	echo "$s" | grep -Eq "^  Warning +BackOff +[0-9a-z]+( \(x[0-9]+ over [0-9a-z]+\))? +kubelet(, [a-z0-9.-]+)? +Back-off"
}
expect 60 "describe shows the pod's events" describe_events
ok "describe: labels and the pod's own events"
key Escape
# the revision history pane at 80x24: anchored above the status line,
# images shortened from the left so the tags show, CHANGE-CAUSE aligned
cmd "deploy @prod-tokyo"
keys "/backend"; key Enter
wait_screen 10 "filter:/backend/"
key g
tm resize-window -t console -x 80 -y 24
history_pane() {
	line_matches 22 "^  2 +[0-9a-z]+ +[^ ]*/quiz-backend:v2\.4\.0-bad +ci: " &&
	line_matches 23 "^  1 +[0-9a-z]+ +[^ ]*/quiz-backend:v2\.3\.1 +ci: deploy" &&
	[ "$(screen | sed -n 22p | grep -bo 'ci: ' | head -1)" = "$(screen | sed -n 23p | grep -bo 'ci: ' | head -1)" ]
}
expect 30 "revision history at 80x24" history_pane
ok "revision history: tags kept, columns aligned, pane at the bottom"
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
# the stale cluster's rows are dimmed, the live clusters' are not
cmd "deploy"
wait_screen 30 "prod-osaka"
# rows_dim: every prod-tokyo row below the selection starts dimmed (SGR 2 or
# 90, the theme's dim), every prod-osaka row does not
rows_dim() {
	tm capture-pane -e -p -t console | /usr/bin/python3 -c '
import re, sys
dim = False
seen = {"prod-tokyo": 0, "prod-osaka": 0}
lines = sys.stdin.read().split("\n")
for n, line in enumerate(lines):
    m = re.match(r"((?:\x1b\[[0-9;]*m)*)(.*)", line)
    def apply(seq):
        global dim
        for sgr in re.findall(r"\x1b\[([0-9;]*)m", seq):
            ps = (sgr or "0").split(";")
            i = 0
            while i < len(ps):
                p = ps[i]
                if p in ("38", "48"):
                    if p == "38":
                        dim = False
                    i += 3 if ps[i + 1:i + 2] == ["5"] else 5
                    continue
                if p in ("0", "22", "39") or (p.isdigit() and (30 <= int(p) <= 37 or 91 <= int(p) <= 97)):
                    dim = False
                if p in ("2", "90"):
                    dim = True
                i += 1
    apply(m.group(1))
    text = re.sub(r"\x1b\[[0-9;]*m", "", m.group(2))
    if n >= 4 and n < len(lines) - 2:
        for c in seen:
            if text.startswith(c + " "):
                if dim != (c == "prod-tokyo"):
                    sys.exit(1)
                seen[c] += 1
    apply(m.group(2))
sys.exit(0 if seen["prod-tokyo"] > 0 and seen["prod-osaka"] > 0 else 1)
'
}
expect 30 "stale rows dimmed" rows_dim
ok "stale cluster's rows dimmed"
cmd "overview"
# stale does not last: it turns unreachable, and the overview's cluster line
# says since when and how old the rows below it are
overview_unreachable() {
	header | grep -q "prod-tokyo(primary) unreachable" &&
	screen | grep -Eq "^prod-tokyo +cluster +primary, unreachable +unreachable since [0-9:]{8}, data below from [0-9:]{8}"
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
