#!/usr/bin/env bash
# Events: warnings sort first while they matter. A BackOff warning of a pod
# that no longer exists, last seen 8 minutes ago, once stayed pinned above
# everything; it now fades (sorted by last seen among the rest, dimmed),
# while an equally old warning of a pod that still exists stays first.
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/console_lib.bash"
command -v kubectl >/dev/null 2>&1 || skip "kubectl not installed"

start_drill estate --speed 4
wait_for 60 kubectl --context prod-tokyo -n production get deploy backend || fail "no backend"
live_pod=$(kubectl --context prod-tokyo -n production get pods -o name | sed -n "/backend-/{s|.*/||p}" | sed -n 1p)
[ -n "$live_pod" ] || fail "no backend pod"
old=$(date -u -d '-8 min' +%Y-%m-%dT%H:%M:%SZ)
event() {	# NAME POD: an 8-minute-old BackOff warning about POD
	kubectl --context prod-tokyo -n production create -f - >/dev/null <<Y
apiVersion: v1
kind: Event
metadata: {name: $1, namespace: production}
involvedObject: {kind: Pod, name: $2, namespace: production}
type: Warning
reason: BackOff
message: Back-off restarting failed container $1
firstTimestamp: "$old"
lastTimestamp: "$old"
count: 12
source: {component: kubelet}
Y
}
event gone-warning backend-0ld-gone1
event live-warning "$live_pod"

start_console --kubeconfig "$KUBECONFIG" --context prod-tokyo
wait_screen 60 "live"
cmd "pods production"
wait_screen 30 "$live_pod"
cmd "events production"
wait_screen 30 "container live-warning"

# row_of TEXT: the screen line number of the row showing TEXT
row_of() { screen | grep -m1 -nF -- "$1" | cut -d: -f1; }
first_row=$(screen | grep -n "^LAST SEEN" | cut -d: -f1)
first_row=$((first_row + 1))
expect 10 "the live pod's warning is the first row" \
	eval '[ "$(row_of "container live-warning")" = "$first_row" ]'
# a hundred fresh events sort above the faded one: it is off the first page
if screen | grep -qF "container gone-warning"; then
	screen >&2; fail "the deleted pod's old warning is still pinned near the top"
fi
ok "an old warning of a deleted pod is not pinned; one of a live pod is"
# both warnings, the live one first (selected), the faded one below
keys "/container (gone|live)-warning"; key Enter
wait_screen 30 "container gone-warning"
[ "$(row_of "container gone-warning")" = "$((first_row + 1))" ] || {
	screen >&2; fail "the faded warning is not below the live one"; }
line_dim "container gone-warning" || { screen >&2; fail "the deleted pod's warning is not dimmed"; }
key j	# the selection's colours hide the row's own: move it off
sleep 0.5
if line_dim "container live-warning"; then screen >&2; fail "the live pod's warning is dimmed"; fi
ok "the faded warning is dimmed, the live one is not"
quit_console
