#!/usr/bin/env bash
# Sparklines of the last 15 minutes, with --ascii and in Unicode: an HPA's
# demand is raised on the drill, the HPA scales its deployment up, and the
# HPA view's REPLICAS 15M cell rises from a low mark on the left to the top
# mark on the right ("_" .. "#" in ASCII; "▁" .. "█" once ascii is off). The
# overview's cluster line carries the firing alerts' and node CPU's lines;
# the nodes view one per node. Samples every second (trendInterval 1).
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/console_lib.bash"
command -v kubectl >/dev/null 2>&1 || skip "kubectl not installed"

mkdir -p "$XDG_CONFIG_HOME/opsdeck"
printf 'trendInterval: 1\n' >"$XDG_CONFIG_HOME/opsdeck/config.yaml"
start_drill estate --speed 4
kt() { kubectl --context prod-tokyo -n production --request-timeout=30s "$@"; }
wait_for 60 kt get hpa backend-hpa || fail "no backend-hpa on prod-tokyo"

start_console --kubeconfig "$KUBECONFIG" --context prod-tokyo --ascii
wait_screen 60 "prod-tokyo(primary) live"
expect 30 "ASCII trends on the cluster line" \
	line_matches_any "15m alerts [ _.=#-]*[_.=#-], CPU [ _.=#-]*[_.=#-]"
ok "overview: the cluster line has firing alerts' and node CPU sparklines (ASCII)"

cmd "hpa"
wait_screen 30 "REPLICAS 15M"
# a few samples at 5 replicas, then the demand of 30 pods scales it to 20
sleep 8
kt annotate hpa backend-hpa drill.opsdeck.dev/load=30 --overwrite >/dev/null
expect 90 "backend-hpa at max" line_matches_any "backend-hpa .* 20 +20 +[0-9]+[smhd]"
sleep 7		# the newest cells at 20

# spark_cell NAME: the REPLICAS 15M cell of the row NAME (15 cells wide)
spark_cell() {
	screen | /usr/bin/python3 -c '
import sys
lines = sys.stdin.read().split("\n")
h = next(l for l in lines if "REPLICAS 15M" in l)
start = h.index("REPLICAS 15M")
row = next(l for l in lines if " " + sys.argv[1] + " " in l)
print(row[start:start + 15])' "$1"
}
# rises CHARS: the backend-hpa cell starts (left) lower than it ends, and
# ends on the top mark; every mark is one of CHARS
rises() {
	spark_cell backend-hpa | /usr/bin/python3 -c '
import sys
marks = sys.argv[1]
s = sys.stdin.read().rstrip("\n").strip()
assert s and all(c in marks for c in s), repr(s)
assert s[-1] == marks[-1], repr(s)
assert marks.index(s[0]) < marks.index(s[-1]), repr(s)' "$1"
}
expect 20 "the replicas sparkline rises in ASCII" rises "_.-=#"
screen | grep -q $'\u2588' && fail "Unicode blocks drawn with --ascii"
ok "hpa view: REPLICAS 15M rises as the HPA scales up to 20, in ASCII: '$(spark_cell backend-hpa)'"

cmd "set ascii off"
expect 20 "the replicas sparkline rises in Unicode" rises "▁▂▃▄▅▆▇█"
ok "hpa view: the same sparkline in Unicode blocks: '$(spark_cell backend-hpa)'"

cmd "nodes"
wait_screen 30 "CPU 15M"
expect 30 "node CPU sparklines" rows_show "ip-10-0-10-2[^ ]* .*[0-9]+m +[0-9]+Mi +[▁▂▃▄▅▆▇█ ]*[▁▂▃▄▅▆▇█]"
ok "nodes view: usage and a CPU sparkline per node"

key 1
expect 30 "Unicode trends on the cluster line" \
	line_matches_any "15m alerts [ ▁▂▃▄▅▆▇█]*[▁▂▃▄▅▆▇█], CPU [ ▁▂▃▄▅▆▇█]*[▁▂▃▄▅▆▇█]"
ok "overview: the cluster line's sparklines in Unicode"

quit_console
