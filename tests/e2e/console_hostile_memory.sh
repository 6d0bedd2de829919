#!/usr/bin/env bash
# The console's memory is bounded by what it keeps while hostile clusters
# keep sending: beside a healthy cluster, one lists a 200 MB object, one
# 100,000 pods in one page, one a gzip body that inflates without end
# (tests/integration/fake_kube.py modes huge, many, bomb), each retried
# after its backoff. The pods view names each one's error, the healthy
# rows show, keys answer, and the console's peak resident set (VmHWM) is at
# most twice that of the console on two healthy clusters, measured here,
# plus what the caps let it keep (two per-object caps per object-capped
# cluster, and 4 KiB per row up to maxRows, set to 20000 in config.yaml:
# the store's row and the pods view's table row made from it).
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/console_lib.bash"

for m in healthy healthy2 huge many bomb; do start_fake "$m"; done
mkdir -p "$XDG_CONFIG_HOME/opsdeck"
echo "maxRows: 20000" >"$XDG_CONFIG_HOME/opsdeck/config.yaml"
hwm() { awk '/^VmHWM:/ { print $2 }' "/proc/$CONSOLE_PID/status"; }

export KUBECONFIG=$T/fake-healthy.kubeconfig:$T/fake-healthy2.kubeconfig
start_console --all-contexts
cmd pods
expect 30 "the healthy rows never showed" rows_show "^fake-healthy +default +pod-a0 "
expect 30 "the second healthy cluster's rows never showed" rows_show "^fake-healthy2 +default +pod-a0 "
sleep 3	# a few health probes and watch bookmarks, as below
base=$(hwm)
echo "baseline peak RSS: $base kB"
cmd q
wait_exit 10
tm kill-server

export KUBECONFIG=$T/fake-healthy.kubeconfig:$T/fake-huge.kubeconfig:$T/fake-many.kubeconfig:$T/fake-bomb.kubeconfig
start_console --all-contexts
cmd pods
expect 30 "the healthy rows never showed" rows_show "^fake-healthy +default +pod-a0 "
expect 60 "the 200 MB object's cluster does not say why" \
	line_matches_any '^ ! fake-huge: error: an object in the list is over 8388608 bytes'
expect 60 "the gzip bomb's cluster does not say why" \
	line_matches_any '^ ! fake-bomb: error: an object in the list is over 8388608 bytes'
expect 60 "the 100,000-item cluster does not say why" \
	line_matches_any '^ ! fake-many: error: row cap: cluster fake-many keeps at most 20000 rows'
ok "each hostile cluster named with its error; the healthy rows show"

# let the backoff retry each list (a few seconds apart; slower while the
# machine is busy)
lists() { grep -c 'pods?limit' "$T/fake-$1.log"; }
more_lists() { [ "$(lists "$1")" -gt "$2" ]; }
for m in huge many bomb; do
	wait_for 90 more_lists "$m" "$(lists "$m")" || fail "fake-$m's list was not retried"
done
cmd ctx
expect 10 "keys do not answer: :ctx did not open" line_matches_any '^CONTEXT +ROLE +STATE'
peak=$(hwm)
obj_kb=$((8 * 1024))
bound=$((2 * base + 2 * 2 * obj_kb + 20000 * 4))
[ "$peak" -le "$bound" ] || fail "peak RSS $peak kB over the bound $bound kB"
ok "peak RSS $peak kB (bound $bound kB) after retries; keys answer"
