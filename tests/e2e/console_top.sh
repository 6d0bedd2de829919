#!/usr/bin/env bash
# Usage columns equal kubectl top: on the drill estate, the pods view's
# CPU(cores) and MEMORY(bytes) cells of prod-tokyo equal what `kubectl top
# pods -A` prints for every pod, and the nodes view's what `kubectl top
# nodes` prints for every node (kubectl reads the drill's metrics.k8s.io as
# it reads metrics-server's). Usage moves while pods start (an HPA's
# utilisation is spread over its ready pods), so the pair is compared a few
# times and must agree once.
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/console_lib.bash"
KUBECTL=${KUBECTL:-/usr/lib/google-cloud-sdk/bin/kubectl.1.33}
[ -x "$KUBECTL" ] || skip "no $KUBECTL"

start_drill estate
wait_for 60 "$KUBECTL" --context prod-tokyo top nodes || fail "kubectl top nodes failed on the drill"

# headless first: `opsdeck get pods.metrics.k8s.io` prints the same cells
# (its CLUSTER column aside); kubectl top lists running pods only, as the
# metrics API does
headless() {
	"$KUBECTL" --context prod-tokyo top pods -A --no-headers |
		awk '{ print $1 " " $2 "\t" $3 "\t" $4 }' | sort >"$T/kubectl.get"
	"$OPSDECK" get pods.metrics.k8s.io -A --context prod-tokyo | tail -n +2 |
		awk '{ print $2 " " $3 "\t" $4 "\t" $5 }' | sort >"$T/opsdeck.get"
	[ -s "$T/kubectl.get" ] && cmp -s "$T/kubectl.get" "$T/opsdeck.get"
}
wait_for 30 headless || { diff "$T/kubectl.get" "$T/opsdeck.get" >&2; fail "get pods.metrics.k8s.io differs from kubectl top pods"; }
ok "get pods.metrics.k8s.io -A: the cells of kubectl top pods -A"

start_console --kubeconfig "$KUBECONFIG" --context prod-tokyo
wait_screen 60 "prod-tokyo(primary) live"

# cells COLUMN...: the screen's table as "KEY<TAB>CPU<TAB>MEMORY" lines, KEY
# being the named columns joined by a space; cells are cut at the header's
# column starts (a cell like "1 (2m ago)" holds spaces)
cells() {
	screen | /usr/bin/python3 -c '
import sys
lines = sys.stdin.read().split("\n")
keys = sys.argv[1:]
head = next(i for i, l in enumerate(lines) if "CPU(cores)" in l)
h = lines[head]
names = h.split()
starts = []
pos = 0
for n in names:
    pos = h.index(n, pos)
    starts.append(pos)
    pos += len(n)
def cell(line, name):
    i = names.index(name)
    end = starts[i + 1] if i + 1 < len(starts) else len(line)
    return line[starts[i]:end].strip()
for l in lines[head + 1:]:
    if not l.strip():
        break
    k = " ".join(cell(l, n) for n in keys)
    print("%s\t%s\t%s" % (k, cell(l, "CPU(cores)"), cell(l, "MEMORY(bytes)")))
' "$@" | sort
}

# same VIEW_KEYS -- KUBECTL_ARGS: every object kubectl top lists has the
# same CPU and memory on the screen
same() {
	local keys=() a
	while [ "$1" != "--" ]; do keys+=("$1"); shift; done
	shift
	# the key's fields, CPU(cores), [CPU(%)], MEMORY(bytes), [MEMORY(%)]
	"$KUBECTL" --context prod-tokyo top "$@" --no-headers |
		awk -v nk=${#keys[@]} '{ k = $1; for (i = 2; i <= nk; i++) k = k " " $i;
			m = $(nk + 2) ~ /%$/ ? $(nk + 3) : $(nk + 2);
			print k "\t" $(nk + 1) "\t" m }' | sort >"$T/kubectl.top"
	cells "${keys[@]}" >"$T/screen.top"
	[ -s "$T/kubectl.top" ] || return 1
	# every kubectl line is on the screen
	a=$(comm -23 "$T/kubectl.top" "$T/screen.top")
	[ -z "$a" ]
}

compare() {
	local what=$1 try; shift
	for try in 1 2 3 4 5 6 7 8 9 10; do
		same "$@" && return 0
		sleep 3
	done
	echo "kubectl top:" >&2; cat "$T/kubectl.top" >&2
	echo "screen:" >&2; cat "$T/screen.top" >&2
	screen >&2
	fail "$what: the screen's usage differs from kubectl top"
}

cmd "pods"
wait_screen 30 "CPU(cores)"
wait_for 60 rows_show "[0-9]+m +[0-9]+Mi" || { screen >&2; fail "no usage in the pods view"; }
compare "pods" NAMESPACE NAME -- pods -A
n=$(wc -l <"$T/kubectl.top")
ok "pods view: CPU(cores) and MEMORY(bytes) of $n pods equal kubectl top pods -A"

cmd "nodes"
wait_screen 30 "CPU(cores)"
wait_for 60 rows_show "[0-9]+m +[0-9]+Mi" || { screen >&2; fail "no usage in the nodes view"; }
compare "nodes" NAME -- nodes
n=$(wc -l <"$T/kubectl.top")
ok "nodes view: CPU(cores) and MEMORY(bytes) of $n nodes equal kubectl top nodes"

# a node under memory pressure is an overview line with its usage
node=ip-10-0-10-3.ap-northeast-1.compute.internal
"$KUBECTL" --context prod-tokyo patch node "$node" --subresource=status -p \
	'{"status":{"conditions":[{"type":"MemoryPressure","status":"True","reason":"KubeletHasInsufficientMemory"}]}}' >/dev/null
key 1
pressure() {
	local u
	u=$("$KUBECTL" --context prod-tokyo top node "$node" --no-headers | awk '{ print "CPU " $2 ", memory " $4 }')
	line_matches_any "node +ip-10-0-10-3[^ ]* +MemoryPressure; $u\$"
}
expect 30 "the node under pressure with kubectl top's usage" pressure
ok "overview: a node under MemoryPressure shows its usage as kubectl top does"

quit_console
