#!/usr/bin/env bash
# Early signals on the overview (the console never says "all good" or "in
# progress" when it is not):
# - an HPA above its target is a warning from the first observation (it once
#   showed "all good" until it reached max), and at max above target it is
#   critical;
# - an HPA scale-up makes the deployment "scaling", never "rolling out";
# - a rollout whose new pods crash loop is "failing" with the pods' reason,
#   not the blue "rolling out";
# - a cluster line with a firing critical alert is not drawn in the colour of
#   an "all good" line.
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/console_lib.bash"
command -v kubectl >/dev/null 2>&1 || skip "kubectl not installed"

start_drill estate --speed 4
kt() { kubectl --context prod-tokyo -n production --request-timeout=30s "$@"; }
wait_for 60 kt get hpa backend-hpa || fail "no backend-hpa on prod-tokyo"

start_console --kubeconfig "$KUBECONFIG" --context prod-tokyo,prod-osaka,staging,dev
wait_screen 60 "prod-tokyo(primary) live"
wait_screen 60 "dev"

# Demand of 30 pods at 100 % against 5 replicas: 600 % of a 70 % target.
kt annotate hpa backend-hpa drill.opsdeck.dev/load=30 --overwrite >/dev/null
expect 30 "backend-hpa above target on the overview" \
	line_matches_any "prod-tokyo .*backend-hpa .*above target: cpu: [0-9]+%/70%"
ok "an HPA above target is a warning before it scales"

# While it scales up (5 -> 20 in steps), the deployment is never a rollout;
# then the HPA sits at max with demand still above target: critical.
end=$((SECONDS + 180))
until line_matches_any "prod-tokyo .*backend-hpa .*at max 20/20, cpu: [0-9]+%/70%"; do
	if line_matches_any "prod-tokyo .*backend .*rolling out"; then
		screen >&2
		fail "an HPA scale-up is labelled a rollout"
	fi
	[ $SECONDS -lt $end ] || { screen >&2; fail "backend-hpa never read 'at max 20/20, cpu ...'"; }
	sleep 0.2
done
ok "scale-up never read as a rollout; at max above target"
# at max above target is drawn as a failure (the theme's bad colour, bright
# red), not the magenta of a merely-at-max HPA
# sgr_of REGEX: the SGR attributes in effect where the first screen line
# matching REGEX (on its text) begins, as "1;91" (tmux writes an attribute
# only when it changes, so the state is followed across the whole capture)
sgr_of() {
	tm capture-pane -e -p -t console | /usr/bin/python3 -c '
import re, sys
want = re.compile(sys.argv[1])
state = []
for line in sys.stdin.read().split("\n"):
    parts = re.split(r"\x1b\[([0-9;]*)m", line)
    text = "".join(parts[0::2])
    start = None
    for i, p in enumerate(parts):
        if i % 2 == 1:
            ps = p.split(";") if p else ["0"]
            if "0" in ps:
                state = []
                ps = [x for x in ps[ps.index("0") + 1:]]
            state = state + ps
        elif start is None and p.strip() != "":
            start = list(state)
    if want.search(text):
        print(";".join(start or []))
        break
' "$1"
}
sgr=$(sgr_of "prod-tokyo +hpa +production +backend-hpa")
case ";$sgr;" in *";91;"* | *";38;5;9;"*) ;; *) screen >&2; fail "at max above target drawn with SGR '$sgr', not bright red" ;; esac
ok "at max above target drawn as critical"

# A bad image in production: the new pods crash loop; the deployment is
# failing (red, with the reason), and PodCrashLooping (critical) fires.
kt set image deploy/websocket \
	websocket=123456789012.dkr.ecr.ap-northeast-1.amazonaws.com/quiz-websocket:v1.9.1-bad >/dev/null
expect 90 "websocket failing with the pods' reason" \
	line_matches_any "prod-tokyo .*websocket .*failing: [0-9]+ pods? CrashLoopBackOff"
! line_matches_any "prod-tokyo +deployment +production +websocket +rolling out" ||
	{ screen >&2; fail "a crash-looping rollout reads only 'rolling out'"; }
ok "a rollout with crash-looping pods is failing, with the reason"

expect 90 "PodCrashLooping fires" line_matches_any "prod-tokyo .*PodCrashLooping .*critical firing"
# the cluster lines: prod-tokyo (critical firing) against dev (all good),
# the selection moved off them
key Down
key Down
expect 30 "dev all good" line_matches_any "dev .*cluster .*all good"
tokyo=$(sgr_of "^ *prod-tokyo +cluster ")
dev=$(sgr_of "^ *dev +cluster ")
[ -n "$dev" ] || fail "no colour on dev's cluster line"
[ "$tokyo" != "$dev" ] || { screen >&2; fail "a cluster with a critical alert has the colour of 'all good' ($tokyo)"; }
case ";$tokyo;" in *";91;"* | *";38;5;9;"*) ;; *) fail "critical cluster line SGR '$tokyo' is not bright red" ;; esac
ok "a cluster line with a critical alert is drawn red, unlike 'all good'"
quit_console
